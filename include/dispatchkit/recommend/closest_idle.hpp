// dispatchkit/recommend/closest_idle.hpp: send the suitable available unit that gets there first.
//
//   ClosestIdle strategy({.max_candidates = 3});
//   strategy.recommend(incident, fleet, oracle, rec);
//   // rec.candidates[0]: the available unit qualified as primary (incident.needs and
//   // the plan's first requirement) with the smallest ETA (turnout + road time); ties by unit id.
//
// The rule of most CAD systems and the baseline every dispatching study compares with
// (e.g. Jagtenberg, Bhulai, van der Mei 2017, who show when it is not optimal). Ranking
// is by ETA on the road network, never by straight-line distance: across a river or a
// one-way grid the two disagree often enough to matter.
//
// Cost: one oracle query (all units to one target) + O(units + k log k) with k =
// max_candidates (partial sort). noexcept; no allocation after warm-up.
//
// Thread safety: thread-compatible; ClosestIdle holds only its options, so one instance
// per thread (or desk) costs nothing. The fleet and the oracle are the caller's.
#pragma once

#include <algorithm>
#include <string_view>

#include "dispatchkit/config.hpp"
#include "dispatchkit/recommend/concepts.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "dispatchkit/recommend/kit.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// The first stage of closest_idle, public so that a strategy which reorders the nearest
// units (e.g. a test's rolling-first variant) starts from exactly the same pool: begins
// `out` under `name`, screens the available units qualified as primary and moves the
// `options.max_candidates` nearest to the front of out.pool. Returns how many are there
// (0 when the incident has no position, the fleet is empty or nobody is reachable).
template <TravelTimeOracle Oracle>
[[nodiscard]] std::size_t rank_closest_qualified(const Incident& incident, const Fleet& fleet,
                                                 Oracle& oracle, const RecommendOptions& options,
                                                 std::string_view name,
                                                 Recommendation& out) noexcept {
  if (!out.begin(incident, name, fleet.size())) return 0;
  if (fleet.empty() || !incident.position.valid()) return 0;
  auto qualified = [&](const Unit& u) { return incident.primary_accepts(u.capabilities()); };
  if (!screen_available(incident, fleet, oracle, options, out, qualified)) return 0;
  return nearest_first(out.pool, options.max_candidates);
}

class ClosestIdle {
 public:
  static constexpr std::string_view kName = "closest_idle";

  explicit ClosestIdle(RecommendOptions options = {}) : options_(options) {
    if (options_.max_candidates == 0) options_.max_candidates = 1;
  }

  template <TravelTimeOracle Oracle>
  void recommend(const Incident& incident, const Fleet& fleet, Oracle& oracle,
                 Recommendation& out) noexcept {
    const std::size_t k = rank_closest_qualified(incident, fleet, oracle, options_, kName, out);
    for (std::size_t i = 0; i < k; ++i)
      out.candidates.push_back(make_candidate(fleet, incident, out.pool[i], RankReason::kClosest));
  }

  [[nodiscard]] const RecommendOptions& options() const noexcept { return options_; }

 private:
  RecommendOptions options_;
};
static_assert(UnitRecommender<ClosestIdle>);

DISPATCHKIT_NAMESPACE_END
