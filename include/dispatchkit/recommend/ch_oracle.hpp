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
// Thread-compatible; the hierarchy and the graph are shared read-only. sync() allocates
// only while buckets grow (warm-up); travel_times_to() never allocates. If memory runs
// out in sync(), the unit being placed is left untracked (unreachable), sync() returns
// ResourceExhausted and the next sync() replays the fleet's changes from where the last
// complete one ended.
#pragma once

#include <algorithm>
#include <cstdint>
#include <new>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "dispatchkit/route/ch/contraction_hierarchy.hpp"
#include "dispatchkit/route/ch/many_to_one.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

class ChOracle {
 public:
  // `ch` must be built from `graph`; both must outlive the oracle.
  ChOracle(const ContractionHierarchy& ch, const RoadGraph& graph, TravelModeOptions modes = {})
      : many_to_one_(ch, graph), modes_(modes) {}

  [[nodiscard]] absl::Status sync(const Fleet& fleet) noexcept {
    try {
      if (tracked_.size() < fleet.size()) {
        tracked_.resize(fleet.size());
        many_to_one_.reserve(fleet.size());
      }
      const bool incremental =
          fleet_instance_ == fleet.instance() && fleet.for_each_change_since(seen_, [&](UnitId id) {
            if (id.value() < fleet.size()) update(fleet.unit(id));
          });
      if (!incremental) {
        for (const Unit& u : fleet.units()) update(u);
        for (std::size_t slot = fleet.size(); slot < tracked_.size(); ++slot) {
          if (tracked_[slot].valid()) many_to_one_.remove_source(static_cast<std::uint32_t>(slot));
          tracked_[slot] = RoadPosition();
        }
      }
    } catch (const std::bad_alloc&) {
      // update() left the unit it was placing untracked; fleet_instance_ and seen_ still
      // name the last complete sync, so the next one takes every change in again.
      return detail::out_of_memory("ChOracle::sync: growing the unit buckets");
    }
    fleet_instance_ = fleet.instance();
    seen_ = fleet.generation();
    return absl::OkStatus();
  }

  void travel_times_to(const RoadPosition& target, TravelMode mode,
                       std::span<Weight> out) noexcept {
    const std::size_t covered = std::min<std::size_t>(out.size(), many_to_one_.slot_capacity());
    std::fill(out.begin() + static_cast<std::ptrdiff_t>(covered), out.end(), kInfWeight);
    if (!target.valid()) {
      std::fill(out.begin(), out.end(), kInfWeight);
      return;
    }
    many_to_one_.distances_to(target, out.first(covered));
    if (mode != TravelMode::kLightsAndSirens)
      for (Weight& w : out) w = weight_in_mode(w, mode, modes_);
  }

  // Units currently holding bucket entries.
  [[nodiscard]] std::size_t tracked_units() const noexcept {
    return static_cast<std::size_t>(std::count_if(tracked_.begin(), tracked_.end(),
                                                  [](const RoadPosition& p) { return p.valid(); }));
  }
  [[nodiscard]] const ChManyToOne& many_to_one() const noexcept { return many_to_one_; }

 private:
  // Throws std::bad_alloc from set_source(), which then leaves the slot empty.
  void update(const Unit& u) {
    const std::uint32_t slot = u.id().value();
    const bool want = needs_travel_time(u.status()) && u.position().valid();
    if (!want) {
      if (tracked_[slot].valid()) many_to_one_.remove_source(slot);
      tracked_[slot] = RoadPosition();
    } else if (!(tracked_[slot] == u.position())) {
      tracked_[slot] = RoadPosition();  // untracked until set_source() has completed
      many_to_one_.set_source(slot, u.position());
      tracked_[slot] = u.position();
    }
  }

  ChManyToOne many_to_one_;
  TravelModeOptions modes_;
  std::vector<RoadPosition> tracked_;  // position held in the buckets; invalid = none
  std::uint64_t fleet_instance_ = 0;   // Fleet::instance() last synced; 0 = none
  std::uint64_t seen_ = 0;
};
static_assert(TravelTimeOracle<ChOracle>);

DISPATCHKIT_NAMESPACE_END
