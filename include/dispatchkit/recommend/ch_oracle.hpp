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

#include <span>

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

DISPATCHKIT_NAMESPACE_BEGIN

class ChOracle {
 public:
  // `ch` must be built from `graph`; both must outlive the oracle.
  ChOracle(const ContractionHierarchy& ch, const RoadGraph& graph, TravelModeOptions modes = {})
      : buckets_(ch, graph), modes_(modes) {}

  [[nodiscard]] absl::Status sync(const Fleet& fleet) noexcept {
    return buckets_.sync(fleet, "ChOracle::sync: growing the unit buckets");
  }

  void travel_times_to(const RoadPosition& target, TravelMode mode,
                       std::span<Weight> out) noexcept {
    buckets_.travel_times_to(target, mode, modes_, out);
  }

  // Units currently holding bucket entries.
  [[nodiscard]] std::size_t tracked_units() const noexcept { return buckets_.tracked_units(); }
  [[nodiscard]] const ChManyToOne& many_to_one() const noexcept { return buckets_.engine(); }

 private:
  detail::FleetBuckets<ChManyToOne> buckets_;
  TravelModeOptions modes_;
};
static_assert(TravelTimeOracle<ChOracle>);

DISPATCHKIT_NAMESPACE_END
