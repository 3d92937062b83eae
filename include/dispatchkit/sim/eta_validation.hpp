// dispatchkit/sim/eta_validation.hpp: how well does the road model predict real drives?
//
//   EtaValidation free_flow = validate_etas(inputs, record);          // graph's own times
//   free_flow.overall.median_abs_error_s;   free_flow.by_hour[8].bias_s;
//   // Time-of-day metric (route/traffic): weights for the slice and mode of each drive.
//   EtaValidation tod = validate_etas(inputs, record, "time_of_day",
//       [&](SimTime t, TravelMode m) -> std::span<const Weight> { ... });
//
// For every recorded ambulance response of a replayed call whose unit was idle long
// enough to be back at its home station (EtaValidationOptions::idle_before; the record
// has no unit positions, so this is the one origin we can trust), the predicted drive
// is the road time from the unit's station to the call (in the call's travel mode) plus
// the last stretch on foot (as in the replay), and the recorded drive is "On Scene" -
// "Response" (wheels rolling to arrival, so turnout is excluded from both). Errors are
// predicted - recorded: a positive bias means the model is too slow.
//
// Cost: one Dijkstra (RoadPosition to RoadPosition) per sample on the metric of its time;
// the free-flow run reuses prepare_replay's station tables (no search).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "dispatchkit/sim/kpi.hpp"
#include "dispatchkit/sim/local_time.hpp"
#include "dispatchkit/sim/recorded_calls.hpp"
#include "dispatchkit/sim/replay.hpp"
#include "dispatchkit/triage/time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct EtaValidationOptions {
  // A unit whose previous call ended (recorded "Available") at least this long before the
  // new dispatch is taken to be at its home station; otherwise the response is skipped.
  SimDuration idle_before = std::chrono::minutes(30);
};

// One validated drive.
struct EtaSample {
  std::uint32_t call = 0;  // index into ReplayInputs::calls
  std::uint32_t unit = 0;  // index into ReplayInputs::units
  int hour = 0;            // local hour of day the unit started driving
  double recorded_s = 0.0;
  double predicted_s = 0.0;
  [[nodiscard]] double error_s() const noexcept { return predicted_s - recorded_s; }
};

struct EtaErrorStats {
  std::uint64_t count = 0;
  double median_abs_error_s = 0.0;
  double bias_s = 0.0;        // median of predicted - recorded
  double mean_error_s = 0.0;  // mean of predicted - recorded
  double median_recorded_s = 0.0;
};

struct EtaValidation {
  std::string metric;  // "free_flow", "time_of_day", ...
  std::vector<EtaSample> samples;
  EtaErrorStats overall;
  std::array<EtaErrorStats, 24> by_hour{};
  // Responses not used: no en-route or on-scene stamp, unit not in the fleet, unit not
  // known to be at its station, no route.
  std::uint64_t skipped_no_stamps = 0;
  std::uint64_t skipped_not_in_fleet = 0;
  std::uint64_t skipped_not_at_station = 0;
  std::uint64_t skipped_unreachable = 0;
};

// Road weights to use for a drive starting at `t` in mode `m` (lights-and-sirens or
// normal already applied), e.g. a traffic metric's slice. The span must stay valid until
// the next call.
using EtaWeightsAt = std::function<std::span<const Weight>(SimTime, TravelMode)>;

// Free flow: the graph's own (lights-and-sirens) times, normal driving scaled as the
// replay does. Uses the station tables of `in` (no search).
[[nodiscard]] EtaValidation validate_etas(const ReplayInputs& in, const RecordedCalls& record,
                                          const EtaValidationOptions& options = {});
// Any metric: `weights_at` gives the weights of the time and mode of each drive.
[[nodiscard]] EtaValidation validate_etas(const ReplayInputs& in, const RecordedCalls& record,
                                          std::string metric, const EtaWeightsAt& weights_at,
                                          const EtaValidationOptions& options = {});

// Median absolute error etc. of `samples` (any order).
[[nodiscard]] EtaErrorStats eta_error_stats(std::span<const EtaSample> samples);

// ---------------------------------------------------------------------------------------
// Implementation.

inline EtaErrorStats eta_error_stats(std::span<const EtaSample> samples) {
  EtaErrorStats s;
  s.count = samples.size();
  if (samples.empty()) return s;
  std::vector<double> abs_err, err, rec;
  double sum = 0.0;
  for (const EtaSample& x : samples) {
    abs_err.push_back(std::fabs(x.error_s()));
    err.push_back(x.error_s());
    rec.push_back(x.recorded_s);
    sum += x.error_s();
  }
  std::sort(abs_err.begin(), abs_err.end());
  std::sort(err.begin(), err.end());
  std::sort(rec.begin(), rec.end());
  s.median_abs_error_s = nearest_rank(abs_err, 0.5);
  s.bias_s = nearest_rank(err, 0.5);
  s.mean_error_s = sum / static_cast<double>(samples.size());
  s.median_recorded_s = nearest_rank(rec, 0.5);
  return s;
}

namespace detail {

// Calls `f(call index, unit index, response)` for every response that qualifies, and
// counts the others in `v`.
template <class F>
void for_each_validated_drive(const ReplayInputs& in, const RecordedCalls& record,
                              const EtaValidationOptions& options, EtaValidation& v, F&& f) {
  // Unit name -> replay unit index.
  std::map<std::string, std::uint32_t> unit_of;
  for (std::uint32_t u = 0; u < in.units.size(); ++u) unit_of[in.units[u].call_sign] = u;
  // Per recorded unit, its responses' (dispatched, available) in time order, to tell
  // whether it was idle before a dispatch.
  std::vector<std::vector<std::pair<SimTime, SimTime>>> busy(record.unit_names.size());
  for (const RecordedCall& c : record.calls)
    for (const RecordedResponse& r : c.responses)
      if (is_set(r.dispatched)) busy[r.unit].emplace_back(r.dispatched, r.available);
  for (auto& b : busy) std::sort(b.begin(), b.end());
  for (std::uint32_t i = 0; i < in.calls.size(); ++i) {
    const RecordedCall& c = record.calls[in.calls[i].recorded];
    for (const RecordedResponse& r : c.responses) {
      if (r.kind != RecordedUnitKind::kAmbulance) continue;
      if (!is_set(r.en_route) || !is_set(r.on_scene) || !is_set(r.dispatched) ||
          r.on_scene <= r.en_route) {
        ++v.skipped_no_stamps;
        continue;
      }
      const auto it = unit_of.find(record.unit_names[r.unit]);
      if (it == unit_of.end()) {
        ++v.skipped_not_in_fleet;
        continue;
      }
      // The unit's latest earlier job must have ended idle_before ago (none: first job).
      bool idle = true;
      for (const auto& [d, a] : busy[r.unit]) {
        if (d >= r.dispatched) break;
        if (!is_set(a) || a + options.idle_before > r.dispatched)
          idle = false;
        else
          idle = true;  // a later, long-finished job supersedes an earlier one
      }
      if (!idle) {
        ++v.skipped_not_at_station;
        continue;
      }
      f(i, it->second, r);
    }
  }
}

inline void finish_validation(EtaValidation& v, TimeZoneRule) {
  v.overall = eta_error_stats(v.samples);
  std::array<std::vector<EtaSample>, 24> by_hour;
  for (const EtaSample& s : v.samples) by_hour[static_cast<std::size_t>(s.hour)].push_back(s);
  for (std::size_t h = 0; h < 24; ++h) v.by_hour[h] = eta_error_stats(by_hour[h]);
}

}  // namespace detail

inline EtaValidation validate_etas(const ReplayInputs& in, const RecordedCalls& record,
                                   const EtaValidationOptions& options) {
  EtaValidation v;
  v.metric = "free_flow";
  const RoadGraph& g = *in.graph;
  detail::for_each_validated_drive(
      in, record, options, v, [&](std::uint32_t i, std::uint32_t u, const RecordedResponse& r) {
        const ReplayCall& c = in.calls[i];
        const std::uint32_t st = in.units[u].station;
        const Weight w = weight_in_mode(detail::table_time_to(in.from_station[st], g, c.position),
                                        c.mode, in.options.modes);
        if (w == kInfWeight) {
          ++v.skipped_unreachable;
          return;
        }
        EtaSample s;
        s.call = i;
        s.unit = u;
        s.hour = local_hour(r.en_route, in.zone);
        s.recorded_s = static_cast<double>(detail::secs(r.on_scene) - detail::secs(r.en_route));
        s.predicted_s = static_cast<double>(w) / 10.0 + c.last_stretch_s;
        v.samples.push_back(s);
      });
  detail::finish_validation(v, in.zone);
  return v;
}

inline EtaValidation validate_etas(const ReplayInputs& in, const RecordedCalls& record,
                                   std::string metric, const EtaWeightsAt& weights_at,
                                   const EtaValidationOptions& options) {
  EtaValidation v;
  v.metric = std::move(metric);
  const RoadGraph& g = *in.graph;
  std::optional<Dijkstra> d;  // rebuilt only when the metric changes
  const Weight* current = nullptr;
  detail::for_each_validated_drive(
      in, record, options, v, [&](std::uint32_t i, std::uint32_t u, const RecordedResponse& r) {
        const ReplayCall& c = in.calls[i];
        const std::span<const Weight> w = weights_at(r.en_route, c.mode);
        if (!d || w.data() != current) {
          d.emplace(g, w);
          current = w.data();
        }
        const Deciseconds t = d->distance(in.station_positions[in.units[u].station], c.position);
        if (t.is_infinite()) {
          ++v.skipped_unreachable;
          return;
        }
        EtaSample s;
        s.call = i;
        s.unit = u;
        s.hour = local_hour(r.en_route, in.zone);
        s.recorded_s = static_cast<double>(detail::secs(r.on_scene) - detail::secs(r.en_route));
        s.predicted_s = t.seconds() + c.last_stretch_s;
        v.samples.push_back(s);
      });
  detail::finish_validation(v, in.zone);
  return v;
}

DISPATCHKIT_NAMESPACE_END
