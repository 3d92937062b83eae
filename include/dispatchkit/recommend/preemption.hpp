// dispatchkit/recommend/preemption.hpp: take a unit off a less urgent call when it is much closer.
//
//   Incident arrest = Incident::from_plan(id, scene, now, *table.lookup(code_9_E_1));
//   // arrest.preempt_from = {II, III, IV} from the plan table's may_preempt column
//   Preemption strategy({.min_saving = Deciseconds::from_seconds(180)});
//   strategy.recommend(arrest, fleet, oracle, rec);
//   if (rec.candidates[0].preempts)       // "divert M7 from incident 1031 (grade IV),
//     warn(rec.candidates[0].preempts->incident);   //  saves 4:10"
//
// Closest-idle ranking of the available units, plus units already dispatched or en route
// to a call whose grade the new call's plan may preempt (`Incident::preempt_from`, from
// the plan table's may_preempt column). Such a unit is proposed, ahead of the available
// ones, only when it arrives at least `min_saving` sooner than the best available unit
// (or when no available unit qualifies at all): diverting costs the other call its unit
// and a new dispatch, so a few seconds do not justify it. Each preempting candidate names
// the incident that would lose its unit (Candidate::preempts) and the time saved.
// Units on scene, transporting or at hospital are never diverted.
//
// Cost: one oracle query (the oracle tracks dispatched and en-route units too, see
// needs_travel_time) + O(units + k log k). noexcept; no allocation after warm-up.
//
// Thread safety: thread-compatible, as the strategy it wraps: one per thread (or desk).
#pragma once

#include <algorithm>
#include <string_view>

#include "dispatchkit/config.hpp"
#include "dispatchkit/recommend/concepts.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "dispatchkit/recommend/kit.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct PreemptionOptions {
  // A diverted unit must beat the best available unit by at least this much.
  Deciseconds min_saving = Deciseconds::from_seconds(180);
  // Preemption candidates listed at most (the best first).
  std::uint32_t max_preemptions = 2;
};

class Preemption {
 public:
  static constexpr std::string_view kName = "preemption";

  explicit Preemption(PreemptionOptions preemption = {}, RecommendOptions options = {})
      : preemption_(preemption), options_(options) {
    if (options_.max_candidates == 0) options_.max_candidates = 1;
  }

  template <TravelTimeOracle Oracle>
  void recommend(const Incident& incident, const Fleet& fleet, Oracle& oracle,
                 Recommendation& out) noexcept;

 private:
  PreemptionOptions preemption_;
  RecommendOptions options_;
};
static_assert(UnitRecommender<Preemption>);

// ---------------------------------------------------------------------------------------
// Implementation.

template <TravelTimeOracle Oracle>
void Preemption::recommend(const Incident& incident, const Fleet& fleet, Oracle& oracle,
                           Recommendation& out) noexcept {
  if (!out.begin(incident, kName, fleet.size())) return;
  if (fleet.empty() || !incident.position.valid()) return;
  auto capable = [&](const Unit& u) { return incident.primary_accepts(u.capabilities()); };
  // Divertible units are screened here, with their own reasons; the shared screening
  // handles the rest (it has already asked the oracle when we read out.travel below).
  auto divertible = [](const Unit& u) { return is_divertible(u.status()); };
  if (!screen_available(incident, fleet, oracle, options_, out, capable, divertible)) return;
  const std::size_t available = out.pool.size();
  std::uint32_t best_available = UINT32_MAX;
  for (const auto& e : out.pool) best_available = std::min(best_available, e.eta);
  bool any_divertible = false;
  for (const Unit& u : fleet.units()) {
    if (!is_divertible(u.status())) continue;
    any_divertible = options_.list_exclusions;
    const Weight travel = out.travel[u.id().value()];
    const Deciseconds eta = eta_of(fleet, u, travel);
    ExclusionReason why = ExclusionReason::kNotPreemptable;
    if (!u.assignment() || !incident.preempt_from.contains(u.assignment()->grade)) {
      why = ExclusionReason::kNotPreemptable;
    } else if (!capable(u)) {
      why = ExclusionReason::kLacksCapability;
    } else if (eta.is_infinite()) {
      why = ExclusionReason::kUnreachable;
    } else if (shift_ends_first(u, incident, eta, options_.shift_margin)) {
      why = ExclusionReason::kShiftEnds;
    } else if (best_available != UINT32_MAX &&
               (eta + preemption_.min_saving).count() > best_available) {
      why = ExclusionReason::kUnavailable;  // busy, and not enough sooner to divert
    } else {
      out.pool.push_back({u.id().value(), eta.count()});
      continue;
    }
    out.exclude(u.id(), why, options_.list_exclusions);
  }
  if (any_divertible) order_exclusions_by_unit(out);
  out.suitable_count = static_cast<std::uint32_t>(out.pool.size());
  // Preempting units first (they beat every available unit by min_saving), by ETA.
  const auto first_pre = out.pool.begin() + static_cast<std::ptrdiff_t>(available);
  const std::size_t pre_count = out.pool.size() - available;
  const std::size_t k_pre =
      std::min<std::size_t>({preemption_.max_preemptions, pre_count, options_.max_candidates});
  nearest_first(std::span(first_pre, out.pool.end()), k_pre);
  for (std::size_t i = 0; i < k_pre; ++i) {
    const auto& e = *(first_pre + static_cast<std::ptrdiff_t>(i));
    Candidate c = make_candidate(fleet, incident, e, RankReason::kPreemptFaster);
    c.preempts = fleet.unit(c.unit).assignment();
    c.saving = best_available == UINT32_MAX ? Deciseconds::infinite()
                                            : Deciseconds(best_available - e.eta);
    out.candidates.push_back(c);
  }
  const std::size_t k_avail = std::min<std::size_t>(options_.max_candidates - k_pre, available);
  nearest_first(std::span(out.pool.begin(), first_pre), k_avail);
  for (std::size_t i = 0; i < k_avail; ++i)
    out.candidates.push_back(make_candidate(fleet, incident, out.pool[i], RankReason::kClosest));
}

DISPATCHKIT_NAMESPACE_END
