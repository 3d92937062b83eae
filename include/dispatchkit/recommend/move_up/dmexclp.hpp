// dispatchkit/recommend/move_up/dmexclp.hpp: send a freed unit to the post it covers most at.
//
//   DmexclpMoveUp move_up(graph, station_positions, demand,
//                         {.target = Deciseconds::from_seconds(480), .busy_fraction = 0.3});
//   move_up.relocate({.trigger = RelocationTrigger::kUnitFree, .unit = u, .time = now},
//                    fleet, oracle, moves);     // at most one move: u -> its best post
//
// The DMEXCLP redeployment rule of Jagtenberg, Bhulai and van der Mei, "An efficient
// heuristic for real-time ambulance redeployment", Operations Research for Health Care 6:
// 27-35, 2015. Coverage is Daskin's MEXCLP expected coverage: an idle unit is busy with
// probability q, independently, so demand point d (weight w_d) with k_d idle units whose
// posts cover it within the target is covered with probability 1 - q^k_d. When a unit
// comes free, the others are counted at the posts they wait at or drive to, and the freed
// unit goes to the post p with the largest marginal gain
//     gain(p) = sum_{d covered from p} w_d (1 - q) q^(k_d).
// Ties keep the unit's own post, then the lowest post index. Only the freed unit moves
// (the published rule): nothing else is disturbed, so a CAD can show the suggestion as
// "M12 return to station 7" and the crew's day is not a chain of moves. Busy triggers
// propose nothing. Jagtenberg et al. report on Utrecht data a late fraction well below
// that of returning home (static MEXCLP bases), at about one extra drive per call.
//
// Option: `max_drive` skips posts farther than this from where the unit is now (normal
// driving, on the oracle's drives; an oracle without drives() has no limit applied): a
// crew ending a job across the city should not cross it twice. Its own post is always
// allowed. Unset (the default) is the published rule. The post lists follow the oracle's
// metric (a time-of-day oracle's slice) when it has drives.
//
// Cost: per decision O(idle units x list length + posts x list length), no search (the
// post lists are computed once per metric; with max_drive, one one-to-many drive).
#pragma once

#include <algorithm>
#include <cstdint>
#include <new>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/recommend/coverage_aware.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "dispatchkit/recommend/move_up/relocator.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct DmexclpOptions {
  // Posts farther than this drive from the freed unit are not considered; unset: all.
  std::optional<Deciseconds> max_drive;
};

class DmexclpMoveUp {
 public:
  static constexpr std::string_view kName = "dmexclp";

  DmexclpMoveUp(const RoadGraph& graph, std::vector<RoadPosition> posts,
                std::vector<DemandPoint> demand, CoverageOptions coverage = {},
                DmexclpOptions options = {},
                Deciseconds turnout_at_post = Deciseconds::from_seconds(60))
      : coverage_(graph, std::move(posts), std::move(demand), coverage, turnout_at_post),
        options_(options) {}

  template <TravelTimeOracle Oracle>
  void relocate(const RelocationEvent& event, const Fleet& fleet, Oracle& oracle,
                Relocation& out) noexcept;

  // The marginal expected coverage of one more idle unit at each post, the fleet's idle
  // units other than `exclude` counted at their posts as of `now` (movable(): on duty; out:
  // one per post). False when memory ran out. The decision's core, public for tests and
  // studies.
  [[nodiscard]] bool post_gains(const Fleet& fleet, UnitId exclude, SimTime now,
                                std::span<double> out) noexcept;

  [[nodiscard]] const PostCoverage& coverage() const noexcept { return coverage_; }
  [[nodiscard]] PostCoverage& coverage() noexcept { return coverage_; }

 private:
  PostCoverage coverage_;
  DmexclpOptions options_;
  std::vector<std::uint32_t> k_;
  std::vector<double> q_pow_;
  std::vector<double> gains_;
  std::vector<Weight> drives_;
};
static_assert(Relocator<DmexclpMoveUp>);

// ---------------------------------------------------------------------------------------
// Implementation.

inline bool DmexclpMoveUp::post_gains(const Fleet& fleet, UnitId exclude, SimTime now,
                                      std::span<double> out) noexcept {
  if (!coverage_.ensure()) return false;
  const std::span<const DemandPoint> demand = coverage_.demand();
  const double q = coverage_.options().busy_fraction;
  try {
    k_.assign(demand.size(), 0);
    if (q_pow_.size() < fleet.size() + 1u) {
      q_pow_.assign(fleet.size() + 1u, 1.0);
      for (std::size_t k = 1; k < q_pow_.size(); ++k) q_pow_[k] = q_pow_[k - 1] * q;
    }
  } catch (const std::bad_alloc&) {
    return false;
  }
  for (const Unit& u : fleet.units())
    if (u.id() != exclude && movable(u, coverage_, now))
      for (std::uint32_t d : coverage_.covered_by(u.post())) ++k_[d];
  for (std::uint32_t p = 0; p < coverage_.post_count() && p < out.size(); ++p) {
    double gain = 0.0;
    for (std::uint32_t d : coverage_.covered_by(p))
      gain +=
          demand[d].weight * (1.0 - q) * q_pow_[std::min<std::size_t>(k_[d], q_pow_.size() - 1)];
    out[p] = gain;
  }
  return true;
}

template <TravelTimeOracle Oracle>
void DmexclpMoveUp::relocate(const RelocationEvent& event, const Fleet& fleet, Oracle& oracle,
                             Relocation& out) noexcept {
  out.begin(fleet.size());
  if (!out.status.ok() || event.trigger != RelocationTrigger::kUnitFree) return;
  if (!fleet.contains(event.unit)) return;
  const Unit& unit = fleet.unit(event.unit);
  if (!is_available(unit.status()) || !coverage_.counts(unit.capabilities()) ||
      !(unit.shift_end() > event.time))
    return;
  if constexpr (DriveOracle<Oracle>)
    if (answers_drives(oracle)) coverage_.follow(oracle.arc_weights(), oracle.metric_version());
  const std::uint32_t posts = coverage_.post_count();
  try {
    gains_.assign(posts, 0.0);
    drives_.assign(posts, kInfWeight);
  } catch (const std::bad_alloc&) {
    out.status = absl::ResourceExhaustedError("DmexclpMoveUp: sizing the post gains");
    return;
  }
  if (!post_gains(fleet, event.unit, event.time, gains_)) {
    out.status = absl::ResourceExhaustedError("DmexclpMoveUp: computing the post coverage");
    return;
  }
  bool reachable_known = false;
  if (options_.max_drive && unit.position().valid()) {
    if constexpr (DriveOracle<Oracle>) {
      if (answers_drives(oracle)) {
        try {
          oracle.drives_from(unit.position(), coverage_.posts(), TravelMode::kNormal, drives_);
          reachable_known = true;
        } catch (...) {
          out.status = absl::ResourceExhaustedError("DmexclpMoveUp: drives to the posts");
          return;
        }
      }
    }
  }
  const std::uint32_t own = unit.post();
  // The unit's own post is always allowed: max_drive limits moves, not going home.
  auto allowed = [&](std::uint32_t p) {
    if (p == own) return true;
    return !reachable_known ||
           (drives_[p] != kInfWeight && Deciseconds(drives_[p]) <= *options_.max_drive);
  };
  std::uint32_t best = own < posts && allowed(own) ? own : posts;
  for (std::uint32_t p = 0; p < posts; ++p) {
    if (!allowed(p) || !coverage_.posts()[p].valid()) continue;
    if (best == posts || gains_[p] > gains_[best]) best = p;
  }
  if (best == posts || best == own) return;
  // Equal gains keep the unit where it is bound: only a strict gain is worth a drive.
  if (own < posts && allowed(own) && !(gains_[best] > gains_[own])) return;
  out.moves.push_back({event.unit, best});
}

DISPATCHKIT_NAMESPACE_END
