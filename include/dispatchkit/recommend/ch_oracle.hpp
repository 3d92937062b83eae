// dispatchkit/recommend/ch_oracle.hpp: the production travel-time oracle, over CH many-to-one.
//
//   ContractionHierarchy ch = *ContractionHierarchy::build(graph);
//   ChOracle oracle(ch, graph);              // one per thread / dispatcher desk
//   strategy.recommend(incident, fleet, oracle, rec);   // syncs the fleet's changes first
//
// Each unit that may be sent (available, or divertible for Preemption) holds bucket
// entries of its upward CH search space in a ChManyToOne (route/ch/many_to_one.hpp);
// one backward upward search from the incident then gives every unit's road time. The
// oracle follows the fleet's change journal, so a GPS fix moves exactly one unit's
// entries and a unit going busy removes them: the per-incident cost depends on the
// search spaces met, not on a rescan of the fleet. Results equal DijkstraOracle's to the
// decisecond (tests/recommend/oracle_test.cpp checks it on the bundled cities).
//
// drive() (DriveOracle) is a point-to-point ChQuery, drives_from() a ChOneToMany
// (route/ch/many_to_one.hpp) whose target buckets stay while the same targets come back;
// both workspaces are made on first use.
//
// Thread-compatible; the hierarchy and the graph are shared read-only. sync() allocates
// only while buckets grow (warm-up); travel_times_to() never allocates. If memory runs
// out in sync(), the unit being placed is left untracked (unreachable), sync() returns
// ResourceExhausted and the next sync() replays the fleet's changes from where the last
// complete one ended.
#pragma once

#include <algorithm>
#include <memory>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/recommend/detail/fleet_buckets.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "dispatchkit/route/ch/contraction_hierarchy.hpp"
#include "dispatchkit/route/ch/many_to_one.hpp"
#include "dispatchkit/route/ch/query.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

class ChOracle {
 public:
  // `ch` must be built from `graph`; both must outlive the oracle.
  ChOracle(const ContractionHierarchy& ch, const RoadGraph& graph, TravelModeOptions modes = {})
      : ch_(&ch), graph_(&graph), buckets_(ch, graph), modes_(modes) {}

  [[nodiscard]] absl::Status sync(const Fleet& fleet) noexcept {
    return buckets_.sync(fleet, "ChOracle::sync: growing the unit buckets");
  }

  void travel_times_to(const RoadPosition& target, TravelMode mode,
                       std::span<Weight> out) noexcept {
    buckets_.travel_times_to(target, mode, modes_, out);
  }

  Weight drive(const RoadPosition& from, const RoadPosition& to, TravelMode mode,
               std::vector<ArcId>* route) {
    if (query_ == nullptr) query_ = std::make_unique<ChQuery>(*ch_, *graph_);
    const Weight w = route != nullptr ? query_->path_into(from, to, *route).count()
                                      : query_->distance(from, to).count();
    return weight_in_mode(w, mode, modes_);
  }
  void drives_from(const RoadPosition& from, std::span<const RoadPosition> to, TravelMode mode,
                   std::span<Weight> out) {
    if (targets_ == nullptr) targets_ = std::make_unique<ChOneToMany>(*ch_, *graph_);
    if (!std::equal(to.begin(), to.end(), target_positions_.begin(), target_positions_.end())) {
      target_positions_.clear();  // a failed set() below must not leave stale buckets trusted
      for (std::uint32_t j = 0; j < to.size(); ++j) targets_->set_target(j, to[j]);
      for (auto j = static_cast<std::uint32_t>(to.size()); j < targets_->slot_capacity(); ++j)
        targets_->remove_target(j);
      target_positions_.assign(to.begin(), to.end());
    }
    const std::span<Weight> used = out.first(std::min(out.size(), to.size()));
    targets_->distances_from(from, used);
    for (Weight& w : used) w = weight_in_mode(w, mode, modes_);
  }
  [[nodiscard]] std::span<const Weight> arc_weights() const noexcept { return graph_->weights(); }
  [[nodiscard]] std::uint64_t metric_version() const noexcept { return 0; }  // free flow only

  // Units currently holding bucket entries.
  [[nodiscard]] std::size_t tracked_units() const noexcept { return buckets_.tracked_units(); }
  [[nodiscard]] const ChManyToOne& many_to_one() const noexcept { return buckets_.engine(); }

 private:
  const ContractionHierarchy* ch_;
  const RoadGraph* graph_;
  detail::FleetBuckets<ChManyToOne> buckets_;
  TravelModeOptions modes_;
  std::unique_ptr<ChQuery> query_;              // drive()'s workspace
  std::unique_ptr<ChOneToMany> targets_;        // drives_from()'s target buckets
  std::vector<RoadPosition> target_positions_;  // ... and what they hold
};
static_assert(DriveOracle<ChOracle>);

DISPATCHKIT_NAMESPACE_END
