// dispatchkit/recommend/eta_oracle.hpp: road travel times from every unit to one incident.
//
//   DijkstraOracle oracle(graph);                 // exact reference (tests, small cities)
//   oracle.sync(fleet);                           // pick up moved units
//   std::vector<Weight> t(fleet.size());
//   oracle.travel_times_to(incident_pos, TravelMode::kLightsAndSirens, t);
//   // t[u] = driving time of unit u to the incident, kInfWeight if unreachable / not tracked
//
// A recommender never asks "how far is unit u" one unit at a time: it asks for all units
// to one target at once, which is what a bucket-based many-to-one CH query answers in
// one backward search (Knopp, Sanders, Schultes, Schulz, Wagner, "Computing many-to-many
// shortest paths using highway hierarchies", ALENEX 2007). `TravelTimeOracle` is that
// seam; `ChOracle` (route/ch, the default in production) and `DijkstraOracle` (one
// reverse Dijkstra per incident, the exact reference and test oracle) implement it.
//
// Travel modes: an oracle's metric holds lights-and-sirens times and TravelMode::kNormal
// answers are weight_in_mode() of them, the one model of route/travel_modes.hpp.
//
// Drives on the same metric: a DriveOracle also answers one drive between two positions
// (and the road it takes). The replay sends its transports and returns through it, so that
// hospital choice and the drive home see the traffic and closures the decisions see.
//
// Turnout is NOT part of an oracle's answer: it depends on the unit's status and is
// added by the recommenders (Fleet::turnout), so one oracle serves every strategy.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <new>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "dispatchkit/route/travel_modes.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// What a recommender needs from a travel-time engine.
//   sync(fleet): take in the fleet's changes since the last sync (moved units, units
//     that became available or busy). Incremental oracles read the fleet's journal.
//     Returns OK, or ResourceExhausted when the oracle could not grow for a larger fleet
//     or a new position: then nothing is lost, the changes stay pending and the next
//     sync takes them in again. Allocates only while the fleet or the oracle's
//     structures grow past their largest size so far (warm-up).
//   travel_times_to(target, mode, out): out[u] for every unit u < out.size() of the
//     fleet last synced = driving weight from unit u's position to `target` in `mode`;
//     kInfWeight when unreachable, when the unit has no position, or when its status
//     does not need a travel time (needs_travel_time(status) is false).
// Both are noexcept; an oracle is a per-thread workspace (thread-compatible).
template <class O>
concept TravelTimeOracle = requires(O& o, const Fleet& fleet, const RoadPosition& target,
                                    TravelMode mode, std::span<Weight> out) {
  { o.sync(fleet) }
  noexcept->std::same_as<absl::Status>;
  { o.travel_times_to(target, mode, out) }
  noexcept;
};

// An oracle whose answers depend on the time of day (TimeOfDayOracle,
// recommend/traffic/time_of_day_oracle.hpp): set_clock(unix seconds UTC, local offset in
// seconds) says when the next decisions are taken. The replay calls it before each one.
template <class O>
concept ClockedOracle = requires(O& o, std::int64_t unix_utc, std::int32_t utc_offset_s) {
  { o.set_clock(unix_utc, utc_offset_s) } -> std::same_as<absl::Status>;
};

// An oracle that also answers single drives on the metric of its ETAs (every shipped one):
//   drive(from, to, mode, route): road time from `from` to `to` in `mode`, kInfWeight when
//     unreachable; when `route` is not null it receives the road arcs of that drive in
//     driving order (cleared first; the first and last are the arcs the positions lie on).
//     A time-of-day oracle answers for its clock (set_clock). Allocates only to grow
//     `route` and its workspace on first use (std::bad_alloc).
//   drives_from(from, to, mode, out): out[j] = drive(from, to[j], mode) for j < out.size().
//     One search for all: the CH oracle keeps the targets' buckets while the same targets
//     come back (the replay's hospitals), so a call then costs about one drive.
//   arc_weights(): the lights-and-sirens weight per road arc of the metric the last drive()
//     or query used (for walking a route by elapsed time, for coverage searches); valid
//     until the next call.
//   metric_version(): changes when that metric does (a CchOracle's MetricStore version;
//     0 for an oracle on one fixed metric), so that what was computed on arc_weights()
//     (CoverageAware's coverage lists) knows when to compute again.
template <class O>
concept DriveOracle = TravelTimeOracle<O> &&
    requires(O& o, const RoadPosition& p, TravelMode mode, std::vector<ArcId>* route,
             std::span<const RoadPosition> to, std::span<Weight> out) {
  { o.drive(p, p, mode, route) } -> std::same_as<Weight>;
  o.drives_from(p, to, mode, out);
  { o.arc_weights() } -> std::same_as<std::span<const Weight>>;
  { o.metric_version() } -> std::convertible_to<std::uint64_t>;
};

// Whether `o` answers drives: a DriveOracle does, unless it is a type-erased one (AnyOracle)
// wrapping an oracle that does not.
template <class O>
[[nodiscard]] bool answers_drives(const O& o) noexcept {
  if constexpr (requires { o.answers_drives(); })
    return o.answers_drives();
  else
    return DriveOracle<O>;
}

// The exact reference: one reverse Dijkstra from the incident's target seeds over the
// whole graph, then each unit reads its source seeds. O((n + m) log n) per incident, so
// use it for tests, small towns and as the benchmark baseline, not for a state.
// Agrees with Dijkstra::distance(RoadPosition, RoadPosition) to the decisecond.
// Allocation: none after sync() has seen the fleet at its largest.
class DijkstraOracle {
 public:
  explicit DijkstraOracle(const RoadGraph& graph, TravelModeOptions modes = {})
      : DijkstraOracle(graph, graph.weights(), modes) {}
  DijkstraOracle(const RoadGraph& graph, std::span<const Weight> weights,
                 TravelModeOptions modes = {})
      : graph_(&graph), weights_(weights), dijkstra_(graph, weights), modes_(modes) {}

  [[nodiscard]] absl::Status sync(const Fleet& fleet) noexcept {
    // The reference rereads every unit: simple and obviously right.
    try {
      positions_.resize(fleet.size());
    } catch (const std::bad_alloc&) {
      return detail::out_of_memory("DijkstraOracle::sync: growing to the fleet's size");
    }
    for (const Unit& u : fleet.units())
      positions_[u.id().value()] = needs_travel_time(u.status()) ? u.position() : RoadPosition();
    return absl::OkStatus();
  }

  void travel_times_to(const RoadPosition& target, TravelMode mode,
                       std::span<Weight> out) noexcept {
    std::fill(out.begin(), out.end(), kInfWeight);
    if (!target.valid()) return;
    const SeedPair t = target_seeds(*graph_, weights_, target);
    dijkstra_.run(t.view(), Dijkstra::Direction::kBackward, NodeId::invalid());
    const std::size_t n = std::min(out.size(), positions_.size());
    for (std::size_t u = 0; u < n; ++u) {
      const RoadPosition& p = positions_[u];
      if (!p.valid()) continue;
      out[u] = weight_in_mode(dijkstra_.distance_to(p, target).count(), mode, modes_);
    }
  }

  // DriveOracle: one forward search.
  Weight drive(const RoadPosition& from, const RoadPosition& to, TravelMode mode,
               std::vector<ArcId>* route) {
    Weight w;
    if (route != nullptr) {
      w = dijkstra_.path_into(from, to, *route).count();
    } else {
      w = dijkstra_.distance(from, to).count();
    }
    return weight_in_mode(w, mode, modes_);
  }
  void drives_from(const RoadPosition& from, std::span<const RoadPosition> to, TravelMode mode,
                   std::span<Weight> out) {
    const SeedPair s = source_seeds(*graph_, weights_, from);
    dijkstra_.run(s.view(), Dijkstra::Direction::kForward, NodeId::invalid());
    for (std::size_t j = 0; j < out.size() && j < to.size(); ++j)
      out[j] = weight_in_mode(dijkstra_.distance_to(from, to[j]).count(), mode, modes_);
  }
  [[nodiscard]] std::span<const Weight> arc_weights() const noexcept { return weights_; }
  [[nodiscard]] std::uint64_t metric_version() const noexcept { return 0; }

  [[nodiscard]] const RoadGraph& graph() const noexcept { return *graph_; }
  [[nodiscard]] const TravelModeOptions& modes() const noexcept { return modes_; }

 private:
  const RoadGraph* graph_;
  std::span<const Weight> weights_;
  Dijkstra dijkstra_;
  TravelModeOptions modes_;
  std::vector<RoadPosition> positions_;
};
static_assert(DriveOracle<DijkstraOracle>);

DISPATCHKIT_NAMESPACE_END
