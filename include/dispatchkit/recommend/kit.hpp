// dispatchkit/recommend/kit.hpp: the building blocks of a strategy, as the shipped ones use them.
//
//   template <TravelTimeOracle Oracle>                          // ClosestIdle, in full
//   void recommend(const Incident& incident, const Fleet& fleet, Oracle& oracle,
//                  Recommendation& out) noexcept {
//     if (!out.begin(incident, kName, fleet.size())) return;     // out of memory: out.status
//     if (fleet.empty() || !incident.position.valid()) return;  // an empty answer
//     auto qualified = [&](const Unit& u) { return incident.primary_accepts(u.capabilities()); };
//     if (!screen_available(incident, fleet, oracle, options_, out, qualified)) return;
//     const std::size_t k = nearest_first(out.pool, options_.max_candidates);
//     for (std::size_t i = 0; i < k; ++i)
//       out.candidates.push_back(
//           make_candidate(fleet, incident, out.pool[i], RankReason::kClosest));
//   }
//
// A strategy is a ranking rule; the rest is the same for every rule and must behave the
// same, or strategies could not be compared: which units may go at all (available,
// qualified, reachable, back before the shift ends), what their ETA is (turnout + road
// time), in which order ties fall (ETA, then unit id) and how a candidate is recorded.
// These functions are that common part, the very code of the shipped strategies, so a
// rule written with them passes the conformance suite's filters and ties by construction
// (tests/recommend/conformance_test.cpp). The reason a rule gives may be its own:
// RankReason::register_reason (rank_reason.hpp).
//
// Everything here is noexcept and allocation-free once Recommendation::begin() has sized
// the workspace for the fleet; thread-compatible (state lives in the Recommendation).
#pragma once

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>

#include "absl/status/status.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/recommend/concepts.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "dispatchkit/recommend/rank_reason.hpp"
#include "dispatchkit/triage/time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// ---- Screening -------------------------------------------------------------------------

// Asks the oracle once (all units to the scene), then walks the fleet applying the
// filters every strategy shares, in this order: available, capable(unit), reachable,
// shift long enough (RecommendOptions::shift_margin). A unit that passes goes to
// out.pool with its ETA; any other is counted in out.excluded_count (and listed in
// out.excluded when options.list_exclusions) under the first filter it failed. Units
// with skip(unit) are left to the caller: neither pooled nor excluded (ResponsePlan
// screens its helicopters by straight line, Preemption its divertible units). Sets
// out.suitable_count to the pool size. out.travel holds every unit's road time after it.
// False when there is no answer to build: begin() failed or the oracle could not take in
// the fleet (out.status says why); the strategy then returns at once.
// O(units) after the oracle query; noexcept, no allocation after begin().
template <class Oracle, std::predicate<const Unit&> Capable, std::predicate<const Unit&> Skip>
[[nodiscard]] bool screen_available(const Incident& incident, const Fleet& fleet, Oracle& oracle,
                                    const RecommendOptions& options, Recommendation& out,
                                    Capable&& capable, Skip&& skip) noexcept;
// The same, skipping no unit.
template <class Oracle, std::predicate<const Unit&> Capable>
[[nodiscard]] bool screen_available(const Incident& incident, const Fleet& fleet, Oracle& oracle,
                                    const RecommendOptions& options, Recommendation& out,
                                    Capable&& capable) noexcept;

// The unit's ETA: its turnout (FleetOptions, by status) plus `travel` (deciseconds from
// the oracle); infinite when travel is kInfWeight or the sum overflows.
[[nodiscard]] Deciseconds eta_of(const Fleet& fleet, const Unit& u, Weight travel) noexcept;

// Does the crew's shift end before it would arrive, `margin` included? Always true for an
// infinite ETA, never for a unit without a shift end.
[[nodiscard]] bool shift_ends_first(const Unit& u, const Incident& incident, Deciseconds eta,
                                    Deciseconds margin) noexcept;

// ---- Ordering --------------------------------------------------------------------------

// The shared tie rule: smaller ETA first, then the smaller unit id. A strict total order
// over pool entries (a unit is pooled once), so every sort gives the same ranking.
[[nodiscard]] constexpr bool by_eta(const Recommendation::PoolEntry& a,
                                    const Recommendation::PoolEntry& b) noexcept {
  return a.eta != b.eta ? a.eta < b.eta : a.unit < b.unit;
}

// Moves the min(k, entries.size()) nearest entries to the front, in by_eta order (the rest
// in no particular order), and returns how many that is. O(n log k).
std::size_t nearest_first(std::span<Recommendation::PoolEntry> entries, std::size_t k) noexcept;

// Sorts out.excluded by unit id, as screen_available() leaves it: for a strategy that
// excluded more units after screening (its own filters).
void order_exclusions_by_unit(Recommendation& out) noexcept;

// ---- Candidates ------------------------------------------------------------------------

// The candidate record of a pooled unit: its id, ETA, turnout, `reason` and whether it
// meets incident.target. The strategy fills the rest (requirement, coverage_loss,
// preempts, saving) where it applies, then appends it to out.candidates (reserved by
// begin(): never allocates).
[[nodiscard]] Candidate make_candidate(const Fleet& fleet, const Incident& incident,
                                       const Recommendation::PoolEntry& entry,
                                       RankReason reason) noexcept;

// ---------------------------------------------------------------------------------------
// Implementation.

inline Deciseconds eta_of(const Fleet& fleet, const Unit& u, Weight travel) noexcept {
  if (travel == kInfWeight) return Deciseconds::infinite();
  return fleet.turnout(u.status()) + Deciseconds(travel);
}

inline bool shift_ends_first(const Unit& u, const Incident& incident, Deciseconds eta,
                             Deciseconds margin) noexcept {
  if (u.shift_end() == SimTime::max()) return false;
  const Deciseconds need = eta + margin;
  if (need.is_infinite()) return true;
  const auto arrive = incident.time + std::chrono::seconds((need.count() + 9) / 10);
  return arrive > u.shift_end();
}

template <class Oracle, std::predicate<const Unit&> Capable, std::predicate<const Unit&> Skip>
bool screen_available(const Incident& incident, const Fleet& fleet, Oracle& oracle,
                      const RecommendOptions& options, Recommendation& out, Capable&& capable,
                      Skip&& skip) noexcept {
  if (!out.status.ok() || out.travel.size() < fleet.size()) return false;
  if (absl::Status s = oracle.sync(fleet); !s.ok()) return out.fail(std::move(s));
  const std::span<Weight> travel(out.travel.data(), fleet.size());
  oracle.travel_times_to(incident.position, incident.mode, travel);
  for (const Unit& u : fleet.units()) {
    const std::uint32_t id = u.id().value();
    if (skip(u)) continue;
    if (!is_available(u.status())) {
      out.exclude(u.id(), ExclusionReason::kUnavailable, options.list_exclusions);
    } else if (!capable(u)) {
      out.exclude(u.id(), ExclusionReason::kLacksCapability, options.list_exclusions);
    } else if (travel[id] == kInfWeight) {
      out.exclude(u.id(), ExclusionReason::kUnreachable, options.list_exclusions);
    } else {
      const Deciseconds eta = eta_of(fleet, u, travel[id]);
      if (eta.is_infinite()) {
        out.exclude(u.id(), ExclusionReason::kUnreachable, options.list_exclusions);
      } else if (shift_ends_first(u, incident, eta, options.shift_margin)) {
        out.exclude(u.id(), ExclusionReason::kShiftEnds, options.list_exclusions);
      } else {
        out.pool.push_back({id, eta.count()});
      }
    }
  }
  out.suitable_count = static_cast<std::uint32_t>(out.pool.size());
  return true;
}

template <class Oracle, std::predicate<const Unit&> Capable>
bool screen_available(const Incident& incident, const Fleet& fleet, Oracle& oracle,
                      const RecommendOptions& options, Recommendation& out,
                      Capable&& capable) noexcept {
  return screen_available(incident, fleet, oracle, options, out, capable,
                          [](const Unit&) { return false; });
}

inline std::size_t nearest_first(std::span<Recommendation::PoolEntry> entries,
                                 std::size_t k) noexcept {
  k = std::min(k, entries.size());
  std::partial_sort(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(k),
                    entries.end(), by_eta);
  return k;
}

inline void order_exclusions_by_unit(Recommendation& out) noexcept {
  std::sort(out.excluded.begin(), out.excluded.end(),
            [](const Exclusion& a, const Exclusion& b) { return a.unit < b.unit; });
}

inline Candidate make_candidate(const Fleet& fleet, const Incident& incident,
                                const Recommendation::PoolEntry& entry,
                                RankReason reason) noexcept {
  const Unit& u = fleet.unit(UnitId(entry.unit));
  Candidate c;
  c.unit = u.id();
  c.eta = Deciseconds(entry.eta);
  c.eta_low = c.eta_high = c.eta;
  c.turnout = fleet.turnout(u.status());
  c.reason = reason;
  c.meets_target = c.eta <= incident.target;
  return c;
}

DISPATCHKIT_NAMESPACE_END
