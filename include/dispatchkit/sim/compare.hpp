// dispatchkit/sim/compare.hpp: replay the same calls with strategies chosen by name.
//
//   auto ch = ContractionHierarchy::build(graph);              // optional; else Dijkstra
//   absl::StatusOr<ReplayResult> a = replay_strategy(inputs, "closest_idle", &*ch);
//   absl::StatusOr<ReplayResult> b = replay_strategy(inputs, "coverage_aware", &*ch);
//
//   // A researcher's own strategy, in one line at namespace scope, then by name:
//   DISPATCHKIT_REGISTER_RECOMMENDER(MyStrategy);             // recommend/any_recommender.hpp
//   replay_strategy(inputs, "my_strategy", &*ch);
//
// Strategies come from RecommenderRegistry::global() (the four shipped ones and every
// registered one), built with a RecommenderContext that replay_context() derives from the
// replay itself: the graph, the demand (replay_demand: where the replayed calls really
// arose, by intersection) and, for
// CoverageAware, the MEXCLP busy fraction q = the record's ambulance utilisation (times the
// load knobs' ReplayInputs::load_scale), clamped
// to [0.05, 0.95], with the grade I/II response target as coverage radius.
//
// One more name is not a strategy but the record's own decisions: "as_recorded"
// (DispatchPolicy::kAsRecorded in sim/replay_engine.hpp) sends the units the record sent at
// the recorded dispatch times, with closest_idle choosing a substitute only when the model
// still has the recorded unit busy. Run it beside the others: recorded vs as_recorded is
// the model's own error, as_recorded vs a strategy is the policy's effect.
//
// Move-up. A move-up policy by name (recommend/move_up/: "none", "static_mexclp", "dmexclp",
// "compliance_table") rides beside the strategy: replay_strategy(in, "closest_idle",
// oracles, "dmexclp") decides with closest_idle and repositions idle units with DMEXCLP,
// over the stations of the replay as posts, the replayed calls as demand and the same
// target and busy fraction as CoverageAware (relocator_context). The run is named
// "closest_idle+dmexclp".
//
// The oracle is a ChOracle over `ch` when given (production speed), else the reference
// DijkstraOracle; both give the same times to the decisecond, so results do not depend
// on the choice. An OracleFactory (recommend/any_recommender.hpp) chooses another: a
// TimeOfDayOracle over recorded traffic and scheduled closures (dk-replay --traffic,
// --closures). Each run gets a fresh strategy and oracle: nothing carries over.
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/recommend/any_recommender.hpp"
#include "dispatchkit/recommend/ch_oracle.hpp"
#include "dispatchkit/recommend/coverage_aware.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/move_up/any_relocator.hpp"
#include "dispatchkit/route/ch/contraction_hierarchy.hpp"
#include "dispatchkit/sim/replay.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// Demand points of the replayed calls: each call counted at the intersection nearest to
// its snapped position (the end of its street it is closer to), one point per
// intersection weighted by its calls. Intersection level is fine enough for an 8-minute
// coverage radius and keeps CoverageAware's per-move work proportional to intersections
// with calls rather than to calls. Ordered by node id.
[[nodiscard]] std::vector<DemandPoint> replay_demand(const ReplayInputs& in);

// The registry context for strategies replaying `in` (see the banner).
[[nodiscard]] RecommenderContext replay_context(const ReplayInputs& in);

// The move-up context for `in`: its stations as posts, replay_demand(in), and the
// coverage target and busy fraction of replay_context(in).
[[nodiscard]] RelocatorContext relocator_context(const ReplayInputs& in);

// Every name replay_strategy accepts: kAsRecordedPolicy, then the registry's names.
[[nodiscard]] std::vector<std::string> replay_strategy_names();

// Replays `in` with the registered strategy `name` (or the record's own decisions for
// "as_recorded"). NotFound (unknown name, listing the known ones) or FailedPrecondition
// from the registry.
[[nodiscard]] absl::StatusOr<ReplayResult> replay_strategy(const ReplayInputs& in,
                                                           std::string_view name,
                                                           const ContractionHierarchy* ch = nullptr,
                                                           const ReplayProgress& progress = {});
// The same with the oracle `make_oracle` makes for this run (decisions and simulated drives
// on its travel times, e.g. a TimeOfDayOracle over recorded traffic); its errors too.
[[nodiscard]] absl::StatusOr<ReplayResult> replay_strategy(const ReplayInputs& in,
                                                           std::string_view name,
                                                           const OracleFactory& make_oracle,
                                                           const ReplayProgress& progress = {});
// The same with the move-up policy `move_up` (relocator_names(); "none" is the above).
// NotFound for an unknown policy.
[[nodiscard]] absl::StatusOr<ReplayResult> replay_strategy(const ReplayInputs& in,
                                                           std::string_view name,
                                                           const OracleFactory& make_oracle,
                                                           std::string_view move_up,
                                                           const ReplayProgress& progress = {});
// The free-flow factory replay_strategy uses without one: ChOracle over `ch` when given,
// else the reference DijkstraOracle; both in in.options.modes.
[[nodiscard]] OracleFactory free_flow_oracles(const ReplayInputs& in,
                                              const ContractionHierarchy* ch);

// ---------------------------------------------------------------------------------------
// Implementation.

inline std::vector<DemandPoint> replay_demand(const ReplayInputs& in) {
  const RoadGraph& g = *in.graph;
  std::vector<double> weight(g.node_count(), 0.0);
  for (const ReplayCall& c : in.calls) {
    const RoadPosition& p = c.position;
    NodeId n = p.node();
    if (!p.is_node()) n = p.fraction() < 0.5f ? g.tail(p.arc()) : g.head(p.arc());
    weight[n.value()] += 1.0;
  }
  std::vector<DemandPoint> out;
  for (std::uint32_t v = 0; v < g.node_count(); ++v)
    if (weight[v] > 0) out.push_back(DemandPoint{RoadPosition::at_node(NodeId(v)), weight[v]});
  return out;
}

inline RecommenderContext replay_context(const ReplayInputs& in) {
  RecommenderContext ctx;
  ctx.graph = in.graph;
  ctx.demand = replay_demand(in);
  ctx.coverage.target = Deciseconds::from_seconds(
      static_cast<double>(in.options.targets.response(in.options.area, PriorityGrade::kI).count()));
  // Under a load knob (sim/load_scaling.hpp) the units are that much busier.
  ctx.coverage.busy_fraction = std::clamp(in.recorded_kpis.utilisation * in.load_scale, 0.05, 0.95);
  return ctx;
}

inline RelocatorContext relocator_context(const ReplayInputs& in) {
  RecommenderContext rc = replay_context(in);
  RelocatorContext ctx;
  ctx.graph = in.graph;
  ctx.posts = in.station_positions;
  ctx.demand = std::move(rc.demand);
  ctx.coverage = rc.coverage;
  ctx.turnout_at_post = in.options.fleet.turnout_at_station;
  return ctx;
}

inline std::vector<std::string> replay_strategy_names() {
  std::vector<std::string> names{std::string(kAsRecordedPolicy)};
  for (std::string& n : RecommenderRegistry::global().names()) names.push_back(std::move(n));
  return names;
}

inline OracleFactory free_flow_oracles(const ReplayInputs& in, const ContractionHierarchy* ch) {
  return [graph = in.graph, modes = in.options.modes, ch]() -> absl::StatusOr<OwnedOracle> {
    if (ch != nullptr) return OwnedOracle(std::make_unique<ChOracle>(*ch, *graph, modes));
    return OwnedOracle(std::make_unique<DijkstraOracle>(*graph, modes));
  };
}

inline absl::StatusOr<ReplayResult> replay_strategy(const ReplayInputs& in, std::string_view name,
                                                    const ContractionHierarchy* ch,
                                                    const ReplayProgress& progress) {
  return replay_strategy(in, name, free_flow_oracles(in, ch), progress);
}

inline absl::StatusOr<ReplayResult> replay_strategy(const ReplayInputs& in, std::string_view name,
                                                    const OracleFactory& make_oracle,
                                                    const ReplayProgress& progress) {
  return replay_strategy(in, name, make_oracle, NoMoveUp::kName, progress);
}

inline absl::StatusOr<ReplayResult> replay_strategy(const ReplayInputs& in, std::string_view name,
                                                    const OracleFactory& make_oracle,
                                                    std::string_view move_up,
                                                    const ReplayProgress& progress) {
  std::optional<AnyRelocator> relocator;
  if (move_up != NoMoveUp::kName) {
    DK_ASSIGN_OR_RETURN(AnyRelocator r, make_relocator(move_up, relocator_context(in)));
    relocator.emplace(std::move(r));
  }
  const bool as_recorded = name == kAsRecordedPolicy;
  // as_recorded's substitutes come from closest_idle: "nearest free unit" is what a
  // dispatcher does when the unit of the record is not free.
  DK_ASSIGN_OR_RETURN(
      AnyRecommender strategy,
      RecommenderRegistry::global().create(as_recorded ? std::string_view("closest_idle") : name,
                                           replay_context(in)));
  const DispatchPolicy policy =
      as_recorded ? DispatchPolicy::kAsRecorded : DispatchPolicy::kStrategy;
  DK_ASSIGN_OR_RETURN(OwnedOracle oracle, make_oracle());
  ReplayResult result =
      run_replay(in, strategy, oracle.get(), policy, relocator ? &*relocator : nullptr, progress);
  result.strategy = as_recorded ? std::string(kAsRecordedPolicy) : std::string(strategy.name());
  if (relocator) absl::StrAppend(&result.strategy, "+", detail::as_absl(move_up));
  return result;
}

DISPATCHKIT_NAMESPACE_END
