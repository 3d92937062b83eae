// dispatchkit/recommend/move_up/relocator.hpp: where idle units should wait (move-up).
//
//   DmexclpMoveUp move_up(graph, posts, demand, {.target = Deciseconds::from_seconds(480),
//                                                .busy_fraction = 0.3});
//   Relocation moves;                                   // reuse: no allocation after warm-up
//   move_up.relocate({.trigger = RelocationTrigger::kUnitFree, .unit = m12, .time = now},
//                    fleet, oracle, moves);
//   for (const Move& m : moves.moves) drive_to_post(m.unit, m.post);   // the CAD's order
//
// A UnitRecommender answers "which unit goes"; a Relocator answers the question after it:
// now that a unit left (or came free), where should the idle ones wait so that the next
// call is covered? It is called when a unit becomes free (it finished a job and may drive
// to any post, not only home) and when one becomes busy (the hole it left may be filled),
// and returns moves: unit -> post. Posts are numbered as the caller's stations are
// (Unit::home_station, Unit::post); a post is a station or any standby point.
//
// The caller executes the moves (the replay, sim/replay_engine.hpp, through the fleet's
// validated transitions: Fleet::assign_post, then the drive, during which the unit stays
// dispatchable; the replay's posts are its stations, so standby points are given there as
// sites). A relocator only proposes: it never mutates the fleet and never throws. It may
// query (and so sync) the oracle it is handed, as strategies do; callers sync before their
// own queries anyway.
//
// Shipped relocators: NoMoveUp ("none": units go home), StaticMexclpPosts ("static_mexclp",
// the static baseline) and CompliancePolicy ("compliance_table"), both in
// compliance_table.hpp, and DmexclpMoveUp ("dmexclp", dmexclp.hpp); chosen at run time by
// name through AnyRelocator (any_relocator.hpp).
#pragma once

#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <new>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/recommend/coverage_aware.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "dispatchkit/triage/time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// What changed in the fleet.
enum class RelocationTrigger : std::uint8_t {
  kUnitFree = 0,  // `unit` finished its job: it may be sent to any post
  kUnitBusy,      // `unit` was dispatched: the idle ones may close the gap
};

struct RelocationEvent {
  RelocationTrigger trigger = RelocationTrigger::kUnitFree;
  UnitId unit;
  SimTime time{};
};

// One proposed move: `unit` should wait at `post` from now on.
struct Move {
  UnitId unit;
  std::uint32_t post = 0;
};

// Result and workspace of one relocation decision. Reuse one per thread.
struct Relocation {
  std::vector<Move> moves;
  // OK, or why no decision was taken (ResourceExhausted: a workspace could not grow;
  // keep the units where they are and ask again).
  absl::Status status;

  void begin(std::size_t fleet_size) noexcept {
    moves.clear();
    status = absl::OkStatus();
    try {
      moves.reserve(fleet_size);
    } catch (const std::bad_alloc&) {
      status = absl::ResourceExhaustedError("Relocation: sizing the moves for the fleet");
    }
  }
};

// A move-up policy.
//   R::kName: its name ("dmexclp", ...).
//   r.relocate(event, fleet, oracle, out): fills `out` (cleared first) with moves of
//     available units; noexcept. Proposing a unit's current post is allowed (no move).
template <class R, class Oracle = DijkstraOracle>
concept Relocator = TravelTimeOracle<Oracle> &&
    requires(R& r, const RelocationEvent& e, const Fleet& fleet, Oracle& oracle, Relocation& out) {
  { R::kName } -> std::convertible_to<std::string_view>;
  { r.relocate(e, fleet, oracle, out) }
  noexcept;
};

// No move-up: every unit returns to its own post (the replay's default).
struct NoMoveUp {
  static constexpr std::string_view kName = "none";
  template <TravelTimeOracle Oracle>
  void relocate(const RelocationEvent&, const Fleet& fleet, Oracle&, Relocation& out) noexcept {
    out.begin(fleet.size());
  }
};
static_assert(Relocator<NoMoveUp>);

// Which demand points each post covers: those within the coverage target of the post, by
// road (lights and sirens, the station turnout included). A unit waiting at a post counts
// for every point in its list, wherever it is now: move-up models count idle units at the
// post they are bound for (Jagtenberg et al.). Lists are computed once per metric (one
// bounded search per post) and again when follow() gives another.
class PostCoverage {
 public:
  PostCoverage(const RoadGraph& graph, std::vector<RoadPosition> posts,
               std::vector<DemandPoint> demand, CoverageOptions options,
               Deciseconds turnout_at_post = Deciseconds::from_seconds(60));

  // Lists on `weights` (version: any number that changes with them) from now on; O(1)
  // here, the searches run at the next ensure(). Ignored for another graph's metric.
  void follow(std::span<const Weight> weights, std::uint64_t version) noexcept;
  // Computes the lists if the metric changed. False (lists empty) when memory ran out.
  [[nodiscard]] bool ensure() noexcept;

  [[nodiscard]] std::uint32_t post_count() const noexcept {
    return static_cast<std::uint32_t>(posts_.size());
  }
  [[nodiscard]] std::span<const RoadPosition> posts() const noexcept { return posts_; }
  // Demand points (indices into demand()) covered from `post`; empty for a bad index.
  [[nodiscard]] std::span<const std::uint32_t> covered_by(std::uint32_t post) const noexcept {
    return post < lists_.size() ? std::span<const std::uint32_t>(lists_[post])
                                : std::span<const std::uint32_t>();
  }
  [[nodiscard]] std::span<const DemandPoint> demand() const noexcept { return demand_; }
  [[nodiscard]] const CoverageOptions& options() const noexcept { return options_; }
  // Does a unit with `caps` count as coverage (CoverageOptions::counts)?
  [[nodiscard]] bool counts(CapabilitySet caps) const noexcept {
    return caps.contains_all(options_.counts);
  }

 private:
  Dijkstra search_;
  std::vector<RoadPosition> posts_;
  std::vector<DemandPoint> demand_;
  CoverageOptions options_;
  Deciseconds turnout_;
  std::vector<std::vector<std::uint32_t>> lists_;
  bool computed_ = false;
  std::uint64_t version_ = 0;
};

// Is `u` an idle unit a move-up may count and move at `now`: available (at station, mobile
// or driving to its post), its shift not over (a crew driving home to go off duty is
// neither coverage nor movable), with a post in range, counted by `coverage`?
[[nodiscard]] inline bool movable(const Unit& u, const PostCoverage& coverage,
                                  SimTime now) noexcept {
  return is_available(u.status()) && u.shift_end() > now && u.post() < coverage.post_count() &&
         coverage.counts(u.capabilities());
}

// ---------------------------------------------------------------------------------------
// Implementation.

inline PostCoverage::PostCoverage(const RoadGraph& graph, std::vector<RoadPosition> posts,
                                  std::vector<DemandPoint> demand, CoverageOptions options,
                                  Deciseconds turnout_at_post)
    : search_(graph, graph.weights()),
      posts_(std::move(posts)),
      demand_(std::move(demand)),
      options_(options),
      turnout_(turnout_at_post) {
  if (!(options_.busy_fraction >= 0.001)) options_.busy_fraction = 0.001;  // NaN too
  if (options_.busy_fraction > 0.999) options_.busy_fraction = 0.999;
  for (DemandPoint& d : demand_)
    if (!(d.weight >= 0.0) || !std::isfinite(d.weight)) d.weight = 0.0;
}

inline void PostCoverage::follow(std::span<const Weight> weights, std::uint64_t version) noexcept {
  const std::span<const Weight> now = search_.weights();
  if (version == version_ && weights.data() == now.data() && weights.size() == now.size()) return;
  if (weights.size() != search_.graph().arc_count()) return;  // not this graph's metric
  search_.set_weights(weights);
  version_ = version;
  computed_ = false;
}

inline bool PostCoverage::ensure() noexcept {
  if (computed_) return true;
  try {
    lists_.resize(posts_.size());
    const RoadGraph& g = search_.graph();
    for (std::size_t p = 0; p < posts_.size(); ++p) {
      std::vector<std::uint32_t>& list = lists_[p];
      list.clear();
      if (!posts_[p].valid() || turnout_ > options_.target) continue;
      const Weight radius = options_.target.count() - turnout_.count();
      const SeedPair s = source_seeds(g, search_.weights(), posts_[p]);
      search_.run(s.view(), Dijkstra::Direction::kForward, NodeId::invalid(), radius);
      for (std::uint32_t d = 0; d < demand_.size(); ++d)
        if (demand_[d].position.valid() &&
            search_.distance_to(posts_[p], demand_[d].position).count() <= radius)
          list.push_back(d);
    }
  } catch (const std::bad_alloc&) {
    lists_.clear();
    return false;
  }
  computed_ = true;
  return true;
}

DISPATCHKIT_NAMESPACE_END
