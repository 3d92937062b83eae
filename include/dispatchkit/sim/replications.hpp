// dispatchkit/sim/replications.hpp: a replay's figures with the model's luck averaged out.
//
//   ReplicationOptions o;
//   o.replications = 20;
//   absl::StatusOr<Replications> r = replicate_replay(inputs, record, "as_recorded", &*ch, o);
//   r->overall.median_s.mean;            // mean over the replications of the median response
//   r->overall.median_s.half_width_95;   // 95 % confidence half-width of that mean
//   r->by_grade[0].within_8min.low;      // the lowest grade I share any replication gave
//   ReproductionCheck c = check_reproduction(inputs.recorded_kpis, *r, &eta);
//
// One replay draws each call's random part once (a calibrated model's turnout and drive
// quantiles, the service times the record lacks: prepare_replay's seed). On the bundled San
// Francisco week the as_recorded median response of one draw moves by about 20 s and the
// grade I share within 8 min by up to 8 points from one seed to the next, so one replay
// cannot say whether a model reproduces the record to 5 % or 3 points, nor whether one
// strategy beats another by less than that. A simulation study reports the mean over
// independent replications with its confidence interval (the method of independent
// replications: Law, "Simulation Modeling and Analysis", 5th ed., 2015, ch. 9) and compares
// that mean with the record. Replication r draws with seed first_seed + r (reseed_replay);
// the record's own decisions and stamps, the fleet and everything snapped stay the same.
// Replication 0 with the default first_seed is the replay `inputs` already holds.
//
// Cost: one reseed (a pass over the calls) and one replay per replication; no search is
// repeated beyond the replay's own.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/statistics.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/route/ch/contraction_hierarchy.hpp"
#include "dispatchkit/sim/calibration.hpp"
#include "dispatchkit/sim/compare.hpp"
#include "dispatchkit/sim/kpi.hpp"
#include "dispatchkit/sim/prepare_replay.hpp"
#include "dispatchkit/sim/recorded_calls.hpp"
#include "dispatchkit/sim/replay_inputs.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// One figure over the replications.
struct ReplicatedValue {
  double mean = 0.0;
  double half_width_95 = 0.0;    // of the mean (Student t); 0 with one replication
  double low = 0.0, high = 0.0;  // the smallest and largest replication
};

// The headline KPIs of a KpiSet, each over the replications.
struct ReplicatedKpis {
  ReplicatedValue median_s, mean_s, p90_s;  // response (first ambulance on scene)
  ReplicatedValue within_8min;              // share of all calls
  ReplicatedValue late_fraction;
};

struct Replications {
  std::string strategy;
  std::uint64_t first_seed = 1;
  std::vector<KpiReport> runs;  // one per replication, seed first_seed + r
  ReplicatedKpis overall;
  std::array<ReplicatedKpis, 4> by_grade{};  // [0] = grade I

  [[nodiscard]] std::size_t count() const noexcept { return runs.size(); }
};

struct ReplicationOptions {
  std::uint32_t replications = 10;
  // Seed of replication 0; unset = the inputs' own (ReplayOptions::seed).
  std::optional<std::uint64_t> first_seed;
  // Move-up policy beside the strategy (replay_strategy; "none": units go home).
  std::string move_up = "none";
};

// Called after each replication with (done, total).
using ReplicationProgress = std::function<void(std::size_t, std::size_t)>;

// Replays `strategy` (any replay_strategy name) `options.replications` times on `inputs`
// (prepared from `record`), each with its own draws. InvalidArgument for zero
// replications or a record `inputs` was not prepared from; replay_strategy's errors.
[[nodiscard]] absl::StatusOr<Replications> replicate_replay(
    const ReplayInputs& inputs, const RecordedCalls& record, std::string_view strategy,
    const ContractionHierarchy* ch = nullptr, const ReplicationOptions& options = {},
    const ReplicationProgress& progress = {});
// The same on the oracles `make_oracle` makes (one per replication; sim/compare.hpp).
[[nodiscard]] absl::StatusOr<Replications> replicate_replay(
    const ReplayInputs& inputs, const RecordedCalls& record, std::string_view strategy,
    const OracleFactory& make_oracle, const ReplicationOptions& options = {},
    const ReplicationProgress& progress = {});

// The reproduction check (sim/calibration.hpp) of replicated as_recorded replays: the
// record against their means, each line with its 95 % half-width.
[[nodiscard]] ReproductionCheck check_reproduction(const KpiReport& recorded,
                                                   const Replications& as_recorded,
                                                   const EtaValidation* eta,
                                                   const ReproductionLimits& limits = {});

// The replicated figures of `runs` (each a KpiReport), as replicate_replay fills them.
[[nodiscard]] ReplicatedKpis summarize_replications(std::span<const KpiReport> runs, int grade);

// ---------------------------------------------------------------------------------------
// Implementation.

namespace detail {

inline ReplicatedValue replicated(std::span<const double> v) {
  ReplicatedValue r;
  if (v.empty()) return r;
  r.mean = mean(v);
  r.half_width_95 = mean_half_width_95(v);
  r.low = *std::min_element(v.begin(), v.end());
  r.high = *std::max_element(v.begin(), v.end());
  return r;
}

}  // namespace detail

// grade -1 = all calls, 0..3 = grade I..IV.
inline ReplicatedKpis summarize_replications(std::span<const KpiReport> runs, int grade) {
  auto set = [&](const KpiReport& k) -> const KpiSet& {
    return grade < 0 ? k.overall : k.by_grade[static_cast<std::size_t>(grade)];
  };
  auto over = [&](auto field) {
    std::vector<double> v;
    v.reserve(runs.size());
    for (const KpiReport& k : runs) v.push_back(field(set(k)));
    return detail::replicated(v);
  };
  ReplicatedKpis r;
  r.median_s = over([](const KpiSet& s) { return s.response.median_s; });
  r.mean_s = over([](const KpiSet& s) { return s.response.mean_s; });
  r.p90_s = over([](const KpiSet& s) { return s.response.p90_s; });
  r.within_8min = over([](const KpiSet& s) { return s.within_8min; });
  r.late_fraction = over([](const KpiSet& s) { return s.late_fraction; });
  return r;
}

inline absl::StatusOr<Replications> replicate_replay(const ReplayInputs& inputs,
                                                     const RecordedCalls& record,
                                                     std::string_view strategy,
                                                     const ContractionHierarchy* ch,
                                                     const ReplicationOptions& options,
                                                     const ReplicationProgress& progress) {
  return replicate_replay(inputs, record, strategy, free_flow_oracles(inputs, ch), options,
                          progress);
}

inline absl::StatusOr<Replications> replicate_replay(const ReplayInputs& inputs,
                                                     const RecordedCalls& record,
                                                     std::string_view strategy,
                                                     const OracleFactory& make_oracle,
                                                     const ReplicationOptions& options,
                                                     const ReplicationProgress& progress) {
  if (options.replications == 0)
    return absl::InvalidArgumentError("replications: at least one replication is needed");
  Replications out;
  out.strategy = std::string(strategy);
  if (options.move_up != "none") absl::StrAppend(&out.strategy, "+", options.move_up);
  out.first_seed = options.first_seed.value_or(inputs.options.seed);
  ReplayInputs in = inputs;  // reseeded per replication; `inputs` stays as given
  for (std::uint32_t r = 0; r < options.replications; ++r) {
    DK_RETURN_IF_ERROR(reseed_replay(in, record, out.first_seed + r));
    DK_ASSIGN_OR_RETURN(ReplayResult run,
                        replay_strategy(in, strategy, make_oracle, options.move_up));
    out.runs.push_back(run.kpis);
    if (progress) progress(r + 1, options.replications);
  }
  out.overall = summarize_replications(out.runs, -1);
  for (int g = 0; g < 4; ++g)
    out.by_grade[static_cast<std::size_t>(g)] = summarize_replications(out.runs, g);
  return out;
}

inline ReproductionCheck check_reproduction(const KpiReport& recorded,
                                            const Replications& as_recorded,
                                            const EtaValidation* eta,
                                            const ReproductionLimits& limits) {
  auto fig = [](const ReplicatedValue& v) {
    return detail::ModelledFigure{v.mean, v.half_width_95};
  };
  detail::ModelledFigures m;
  m.replications = static_cast<std::uint32_t>(as_recorded.count());
  m.median_all = fig(as_recorded.overall.median_s);
  m.within_all = fig(as_recorded.overall.within_8min);
  m.median_grade1 = fig(as_recorded.by_grade[0].median_s);
  m.within_grade1 = fig(as_recorded.by_grade[0].within_8min);
  return detail::check_reproduction_of(recorded, m, eta, limits);
}

DISPATCHKIT_NAMESPACE_END
