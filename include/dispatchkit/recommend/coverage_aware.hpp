// dispatchkit/recommend/coverage_aware.hpp: send the unit whose departure hurts coverage least.
//
//   std::vector<DemandPoint> demand = ...;       // e.g. call counts per intersection
//   CoverageAware strategy(graph, demand, {.target = Deciseconds::from_seconds(480),
//                                          .busy_fraction = 0.3});
//   strategy.recommend(incident, fleet, oracle, rec);
//   // rec.candidates[0]: among units that reach the scene within incident.target, the
//   // one whose leaving loses the least expected covered demand; none in time: closest.
//
// The DMEXCLP dispatch rule of Jagtenberg, Bhulai and van der Mei, "Dynamic ambulance
// dispatching: is the closest-idle policy always optimal?", Health Care Management
// Science 20(4):517-531, 2017. Coverage is Daskin's MEXCLP expected coverage (Daskin,
// "A maximum expected covering location model", Transportation Science 17(1), 1983):
// each idle unit is busy with probability q, independently, so a demand point d with
// weight w_d and k_d idle units within the coverage target T is covered with
// probability 1 - q^k_d, and the fleet's expected covered demand is
//     E = sum_d w_d (1 - q^k_d).
// Sending unit u drops k_d by one at every d that u covers, losing
//     loss(u) = sum_{d covered by u} w_d (1 - q) q^(k_d - 1).
// Among the units that still meet the incident's target, DMEXCLP sends the one with the
// smallest loss (ETA, then unit id, break ties); when no unit meets the target it sends
// the closest, like ClosestIdle. Jagtenberg et al. report fewer late arrivals than
// closest-idle on Utrecht data at the price of slightly longer mean response times.
//
// Speed. Which demand points a unit covers depends only on where it is (and on its
// turnout), so `CoverageModel` precomputes it when the fleet changes, not per call: a
// unit that moved gets one forward Dijkstra bounded by T; a unit that changed status
// only adds or removes its list to the counts k_d. A recommendation then sums the loss
// of the candidates that meet the target; each loss is cached until the counts change
// again, so between fleet changes a recommendation is O(units), and the first one after
// a change pays O(sum of the in-time units' list lengths). No allocation after warm-up.
//
// Which metric. With a DriveOracle (every shipped oracle) the coverage searches run on the
// oracle's own metric (arc_weights()), the one its ETAs use: on a TimeOfDayOracle the
// slice of the incident's time with its closures. When the oracle's metric_version()
// changes, every unit's list is computed again at the next recommendation (one bounded
// search per counted unit). Another oracle leaves coverage on the weights it was built on.
//
// Thread safety: thread-compatible (the model is the strategy's mutable state).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <new>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/recommend/concepts.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "dispatchkit/recommend/kit.hpp"
#include "dispatchkit/route/dijkstra.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// A place where calls arise, with its share of the demand (any non-negative unit:
// calls per year, a fraction of the total).
struct DemandPoint {
  RoadPosition position;
  double weight = 1.0;
};

struct CoverageOptions {
  // Coverage target T: a demand point is covered by a unit that can reach it within T
  // (turnout included, lights and sirens). 8 min: the classic urban EMS standard.
  Deciseconds target = Deciseconds::from_seconds(480);
  // Probability q that an idle unit is busy when a call arrives (MEXCLP). Estimate as
  // offered load / units, e.g. calls per hour x mean job hours / units; 0 < q < 1.
  double busy_fraction = 0.3;
  // Units that count as coverage: those having all of these capabilities (e.g.
  // {kTransport} to count ambulances but not engines or AED volunteers). Empty: all.
  CapabilitySet counts;
};

// Per-unit covered demand and per-demand-point cover counts, kept in step with a Fleet.
class CoverageModel {
 public:
  // InvalidArgument-free by design: bad weights (negative, NaN) count as 0 and invalid
  // positions are never covered; q is clamped into [0.001, 0.999].
  CoverageModel(const RoadGraph& graph, std::vector<DemandPoint> demand,
                CoverageOptions options = {})
      : CoverageModel(graph, graph.weights(), std::move(demand), options) {}
  CoverageModel(const RoadGraph& graph, std::span<const Weight> weights,
                std::vector<DemandPoint> demand, CoverageOptions options = {});

  // Searches on `weights` (version `version`, any number that changes with the weights)
  // from the next sync on; when they differ from the current ones every unit's list is
  // computed again there. O(1) here. The weights must outlive their use.
  void follow(std::span<const Weight> weights, std::uint64_t version) noexcept;

  // Takes in the fleet's changes since the last sync (see Fleet's journal): O(changes x
  // bounded search) for moved units, O(list length) for status changes. ResourceExhausted
  // if a unit's list could not grow: the counts are then recomputed from the whole fleet
  // at the next sync (nothing is lost; until then expected_coverage() may be stale).
  [[nodiscard]] absl::Status sync(const Fleet& fleet) noexcept;

  // Expected covered demand E = sum_d w_d (1 - q^k_d) of the fleet as last synced.
  [[nodiscard]] double expected_coverage() const noexcept;
  // Expected covered demand lost if `u` left now (0 if it is not counted: busy, or
  // covering nothing). O(length of u's list) the first time after a change of the
  // counts, O(1) from the cache afterwards. An id outside the synced fleet (including
  // UnitId::invalid()) answers 0: such a unit covers nothing.
  [[nodiscard]] double departure_loss(UnitId u) const noexcept;
  // Demand points (indices into demand()) unit `u` reaches within the target; empty for
  // an id outside the synced fleet (ids come from a CAD feed: no precondition to break).
  [[nodiscard]] std::span<const std::uint32_t> covered_by(UnitId u) const noexcept {
    if (u.value() >= units_.size()) return {};
    return units_[u.value()].covered;
  }
  // Idle units within the target of demand point `d`; 0 for d >= demand().size().
  [[nodiscard]] std::uint32_t cover_count(std::uint32_t d) const noexcept {
    return d < k_.size() ? k_[d] : 0u;
  }
  [[nodiscard]] std::span<const DemandPoint> demand() const noexcept { return demand_; }
  [[nodiscard]] const CoverageOptions& options() const noexcept { return options_; }

 private:
  struct UnitCoverage {
    RoadPosition position;  // where `covered` was computed
    Deciseconds turnout;    // with which turnout
    bool computed = false;
    bool counted = false;  // contributes to k_
    std::vector<std::uint32_t> covered;
    // departure_loss() cache, valid while loss_epoch == counts_epoch_.
    double loss = 0.0;
    std::uint64_t loss_epoch = 0;
  };
  // Throws std::bad_alloc while a list grows; the unit is then left uncounted and
  // uncomputed (its list is rebuilt next time).
  void refresh(const Fleet& fleet, const Unit& u);

  Dijkstra search_;  // bounded by the coverage target
  std::vector<DemandPoint> demand_;
  CoverageOptions options_;
  std::vector<std::uint32_t> k_;
  std::vector<double> q_pow_;                // q^k for k = 0 .. units
  mutable std::vector<UnitCoverage> units_;  // mutable: the loss cache
  std::uint64_t counts_epoch_ = 1;           // bumped whenever some k_d changes
  std::uint64_t fleet_instance_ = 0;         // Fleet::instance() last synced; 0 = none
  std::uint64_t seen_ = 0;
  std::uint64_t version_ = 0;  // follow()'s version of search_'s weights
};

class CoverageAware {
 public:
  static constexpr std::string_view kName = "coverage_aware";

  CoverageAware(const RoadGraph& graph, std::vector<DemandPoint> demand,
                CoverageOptions coverage = {}, RecommendOptions options = {})
      : model_(graph, std::move(demand), coverage), options_(options) {
    if (options_.max_candidates == 0) options_.max_candidates = 1;
  }

  template <TravelTimeOracle Oracle>
  void recommend(const Incident& incident, const Fleet& fleet, Oracle& oracle,
                 Recommendation& out) noexcept;

  [[nodiscard]] const CoverageModel& model() const noexcept { return model_; }
  [[nodiscard]] CoverageModel& model() noexcept { return model_; }

 private:
  CoverageModel model_;
  RecommendOptions options_;
};
static_assert(UnitRecommender<CoverageAware>);

// ---------------------------------------------------------------------------------------
// Implementation.

inline CoverageModel::CoverageModel(const RoadGraph& graph, std::span<const Weight> weights,
                                    std::vector<DemandPoint> demand, CoverageOptions options)
    : search_(graph, weights), demand_(std::move(demand)), options_(options) {
  if (!(options_.busy_fraction >= 0.001)) options_.busy_fraction = 0.001;  // NaN too
  if (options_.busy_fraction > 0.999) options_.busy_fraction = 0.999;
  for (DemandPoint& d : demand_)
    if (!(d.weight >= 0.0) || !std::isfinite(d.weight)) d.weight = 0.0;
  k_.assign(demand_.size(), 0);
  q_pow_.assign(1, 1.0);
}

inline void CoverageModel::follow(std::span<const Weight> weights, std::uint64_t version) noexcept {
  const std::span<const Weight> now = search_.weights();
  if (version == version_ && weights.data() == now.data() && weights.size() == now.size()) return;
  if (weights.size() != search_.graph().arc_count()) return;  // not this graph's metric
  search_.set_weights(weights);
  version_ = version;
  for (UnitCoverage& c : units_) c.computed = false;
  fleet_instance_ = 0;  // the next sync recounts the whole fleet
}

inline void CoverageModel::refresh(const Fleet& fleet, const Unit& u) {
  UnitCoverage& c = units_[u.id().value()];
  const bool counts = is_available(u.status()) && u.position().valid() &&
                      u.capabilities().contains_all(options_.counts);
  const Deciseconds turnout = fleet.turnout(u.status());
  if (c.counted) {  // withdraw the old contribution first
    for (std::uint32_t d : c.covered) --k_[d];
    c.counted = false;
    ++counts_epoch_;
  }
  if (!counts) return;
  if (!c.computed || !(c.position == u.position()) || c.turnout != turnout) {
    c.computed = false;  // until the list is complete
    c.covered.clear();
    c.position = u.position();
    c.turnout = turnout;
    if (turnout <= options_.target) {
      const Weight radius = options_.target.count() - turnout.count();
      const SeedPair s = source_seeds(search_.graph(), search_.weights(), u.position());
      search_.run(s.view(), Dijkstra::Direction::kForward, NodeId::invalid(), radius);
      for (std::uint32_t d = 0; d < demand_.size(); ++d)
        if (demand_[d].position.valid() &&
            search_.distance_to(u.position(), demand_[d].position).count() <= radius)
          c.covered.push_back(d);
    }
    c.computed = true;
  }
  for (std::uint32_t d : c.covered) ++k_[d];
  c.counted = true;
  ++counts_epoch_;
}

inline absl::Status CoverageModel::sync(const Fleet& fleet) noexcept {
  try {
    if (q_pow_.size() < fleet.size() + 1u) {
      const std::size_t old = q_pow_.size();
      q_pow_.resize(fleet.size() + 1u);
      for (std::size_t k = old; k < q_pow_.size(); ++k)
        q_pow_[k] = q_pow_[k - 1] * options_.busy_fraction;
    }
    if (units_.size() < fleet.size()) units_.resize(fleet.size());
    const bool incremental =
        fleet_instance_ == fleet.instance() && fleet.for_each_change_since(seen_, [&](UnitId id) {
          if (id.value() < fleet.size()) refresh(fleet, fleet.unit(id));
        });
    if (!incremental) {
      ++counts_epoch_;
      for (UnitCoverage& c : units_) c.counted = false;
      std::fill(k_.begin(), k_.end(), 0u);
      for (const Unit& u : fleet.units()) refresh(fleet, u);
    }
  } catch (const std::bad_alloc&) {
    // Some changes are counted, the failed unit is not: recount everything next time.
    fleet_instance_ = 0;
    ++counts_epoch_;
    return detail::out_of_memory("CoverageModel::sync: growing a unit's coverage list");
  }
  fleet_instance_ = fleet.instance();
  seen_ = fleet.generation();
  return absl::OkStatus();
}

inline double CoverageModel::expected_coverage() const noexcept {
  double e = 0.0;
  for (std::size_t d = 0; d < demand_.size(); ++d)
    e += demand_[d].weight * (1.0 - q_pow_[std::min<std::size_t>(k_[d], q_pow_.size() - 1)]);
  return e;
}

inline double CoverageModel::departure_loss(UnitId u) const noexcept {
  if (u.value() >= units_.size() || !units_[u.value()].counted) return 0.0;
  UnitCoverage& c = units_[u.value()];
  if (c.loss_epoch == counts_epoch_) return c.loss;
  // Losses change only when some count k_d changes, i.e. at fleet changes: between two
  // changes every recommendation reads the cache (the DMEXCLP rule is then O(units)).
  const double one_minus_q = 1.0 - options_.busy_fraction;
  double loss = 0.0;
  for (std::uint32_t d : c.covered)  // k_[d] >= 1: u itself is counted
    loss += demand_[d].weight * one_minus_q * q_pow_[k_[d] - 1];
  c.loss = loss;
  c.loss_epoch = counts_epoch_;
  return loss;
}

template <TravelTimeOracle Oracle>
void CoverageAware::recommend(const Incident& incident, const Fleet& fleet, Oracle& oracle,
                              Recommendation& out) noexcept {
  if (!out.begin(incident, kName, fleet.size())) return;
  if (fleet.empty() || !incident.position.valid()) return;
  auto qualified = [&](const Unit& u) { return incident.primary_accepts(u.capabilities()); };
  // Screening syncs the oracle, so its metric is the current one when coverage follows it.
  if (!screen_available(incident, fleet, oracle, options_, out, qualified)) return;
  if constexpr (DriveOracle<Oracle>)
    if (answers_drives(oracle)) model_.follow(oracle.arc_weights(), oracle.metric_version());
  if (absl::Status s = model_.sync(fleet); !s.ok()) {
    out.fail(std::move(s));
    return;
  }
  // Split the pool: units meeting the target first (by loss), then the rest (by ETA).
  auto& pool = out.pool;
  const auto late = std::partition(pool.begin(), pool.end(), [&](const auto& e) {
    return Deciseconds(e.eta) <= incident.target;
  });
  const std::size_t in_time = static_cast<std::size_t>(late - pool.begin());
  const std::size_t k = std::min<std::size_t>(options_.max_candidates, pool.size());
  if (in_time == 0) {
    nearest_first(pool, k);
    for (std::size_t i = 0; i < k; ++i) {
      Candidate c = make_candidate(fleet, incident, pool[i], RankReason::kClosestNoneInTarget);
      c.coverage_loss = model_.departure_loss(c.unit);
      out.candidates.push_back(c);
    }
    return;
  }
  // Losses of the in-time units, ranked by (loss, ETA, id). Candidates hold the loss, so
  // build them for every in-time unit (few: those within T of the scene) and trim.
  for (std::size_t i = 0; i < in_time; ++i) {
    Candidate c = make_candidate(fleet, incident, pool[i], RankReason::kLeastCoverageLoss);
    c.coverage_loss = model_.departure_loss(c.unit);
    out.candidates.push_back(c);
  }
  auto by_loss = [](const Candidate& a, const Candidate& b) {
    if (a.coverage_loss != b.coverage_loss) return a.coverage_loss < b.coverage_loss;
    if (a.eta != b.eta) return a.eta < b.eta;
    return a.unit < b.unit;
  };
  const std::size_t k_in = std::min(k, in_time);
  std::partial_sort(out.candidates.begin(),
                    out.candidates.begin() + static_cast<std::ptrdiff_t>(k_in),
                    out.candidates.end(), by_loss);
  out.candidates.resize(k_in);
  const std::size_t k_late = k - k_in;
  nearest_first(std::span(late, pool.end()), k_late);
  for (std::size_t i = 0; i < k_late; ++i) {
    Candidate c = make_candidate(fleet, incident, *(late + static_cast<std::ptrdiff_t>(i)),
                                 RankReason::kBeyondTarget);
    c.coverage_loss = model_.departure_loss(c.unit);
    out.candidates.push_back(c);
  }
}

DISPATCHKIT_NAMESPACE_END
