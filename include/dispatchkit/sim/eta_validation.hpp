// dispatchkit/sim/eta_validation.hpp: how well does the road model predict real drives?
//
//   EtaValidation free_flow = validate_etas(inputs, record);          // graph's own times
//   free_flow.overall.median_abs_error_s;   free_flow.by_hour[8].bias_s;
//   // Time-of-day metric (route/traffic): weights for the slice and mode of each drive.
//   EtaValidation tod = validate_etas(inputs, record, "time_of_day",
//       [&](SimTime t, TravelMode m) -> std::span<const Weight> { ... });
//   // A fitted model (sim/calibration.hpp): learned posts and calibrated drives.
//   EtaValidation cal = validate_etas(calibrated_inputs, record, calibration);
//   cal.by_distance_band[0].p90_abs_error_s;     // trips under 1 km
//
// The record has no unit positions, so only drives whose origin the record pins down are
// validated: units idle long enough to be back at their home station
// (EtaValidationOptions::idle_before) and units dispatched right after clearing a scene
// without transport (still there). For each, the predicted drive is the road time from
// that origin to the call (in the call's travel mode, as in the replay) plus
// the last stretch on foot (as in the replay), and the recorded drive is "On Scene" -
// "Response" (wheels rolling to arrival, so turnout is excluded from both). Errors are
// predicted - recorded: a positive bias means the model is too slow.
//
// Cost: one Dijkstra (RoadPosition to RoadPosition) per sample on the metric of its time;
// the free-flow run reuses prepare_replay's station tables for station origins.
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
#include "dispatchkit/detail/statistics.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/recommend/drive_time_model.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "dispatchkit/sim/calibration_model.hpp"
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
  // A unit dispatched within this time of clearing a scene WITHOUT transport (recorded
  // "Available" with no "Transport") is taken to be still at that scene: a second origin
  // the record pins down. Zero disables it.
  SimDuration at_previous_scene_within = std::chrono::minutes(2);
};

// Where a validated drive started, as far as the record tells.
enum class EtaOrigin : std::uint8_t {
  kHomeStation = 0,    // idle for EtaValidationOptions::idle_before: back at its station
  kPreviousScene = 1,  // just cleared a call without transport: still at that scene
  kPost = 2,           // idle as for kHomeStation, at the post a calibration learned
};
inline constexpr std::size_t kEtaOriginCount = 3;

// Crow-fly distance bands of the ETA error tables (and of the drive-time model's default
// bands, sim/calibration.hpp): [0, 1), [1, 2), [2, 4), [4, 8), [8, inf) km. Short trips
// are where a road model errs most (start-up and local streets); long ones, by speed.
inline constexpr std::array<double, 4> kEtaDistanceBandEdgesKm = {1.0, 2.0, 4.0, 8.0};
inline constexpr std::size_t kEtaDistanceBands = kEtaDistanceBandEdgesKm.size() + 1;
[[nodiscard]] inline std::size_t eta_distance_band(double crow_km) noexcept {
  std::size_t b = 0;
  while (b < kEtaDistanceBandEdgesKm.size() && crow_km >= kEtaDistanceBandEdgesKm[b]) ++b;
  return b;
}

// One validated drive.
struct EtaSample {
  std::uint32_t call = 0;  // index into ReplayInputs::calls
  std::uint32_t unit = 0;  // index into ReplayInputs::units
  int hour = 0;            // local hour of day the unit started driving
  EtaOrigin origin = EtaOrigin::kHomeStation;
  double crow_km = 0.0;  // origin to the call
  double road_s = 0.0;   // the road model's time (before calibration, without last stretch)
  double recorded_s = 0.0;
  double predicted_s = 0.0;
  [[nodiscard]] double error_s() const noexcept { return predicted_s - recorded_s; }
};

struct EtaErrorStats {
  std::uint64_t count = 0;
  double median_abs_error_s = 0.0;
  double bias_s = 0.0;  // median of predicted - recorded
  // Its distribution-free 95 % confidence interval (detail::median_interval_95): what the
  // drives can tell the bias from (SF's 249 held-out drives: about -70 .. +40 s).
  double bias_low_s = 0.0, bias_high_s = 0.0;
  double mean_error_s = 0.0;  // mean of predicted - recorded
  double median_recorded_s = 0.0;
  double p90_abs_error_s = 0.0;
};

struct EtaValidation {
  std::string metric;  // "free_flow", "time_of_day", ...
  std::vector<EtaSample> samples;
  EtaErrorStats overall;
  std::array<EtaErrorStats, 24> by_hour{};
  std::array<EtaErrorStats, kEtaOriginCount> by_origin{};           // [EtaOrigin]
  std::array<EtaErrorStats, kEtaDistanceBands> by_distance_band{};  // eta_distance_band()
  // Responses not used: no en-route or on-scene stamp, unit not in the fleet, unit not
  // known to be at its station, no route.
  std::uint64_t skipped_no_stamps = 0;
  std::uint64_t skipped_not_in_fleet = 0;
  std::uint64_t skipped_not_at_station = 0;  // origin unknown (neither kind above)
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
// Calibrated ("calibrated"): idle units start from their learned posts (the inputs must
// have been prepared with the calibration) and the predicted drive is the calibration's
// median drive for the free-flow road time, distance and hour.
[[nodiscard]] EtaValidation validate_etas(const ReplayInputs& in, const RecordedCalls& record,
                                          const Calibration& calibration,
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
  for (const EtaSample& x : samples) {
    abs_err.push_back(std::fabs(x.error_s()));
    err.push_back(x.error_s());
    rec.push_back(x.recorded_s);
  }
  s.mean_error_s = detail::mean(err);  // before median() sorts `err`
  s.median_abs_error_s = detail::median(abs_err);
  s.p90_abs_error_s = detail::nearest_rank(abs_err, 0.9);  // sorted by median()
  s.bias_s = detail::median(err);
  const detail::Interval bias = detail::median_interval_95(err);  // sorted by median()
  s.bias_low_s = bias.low;
  s.bias_high_s = bias.high;
  s.median_recorded_s = detail::median(rec);
  return s;
}

namespace detail {

// Calls `f(call index, unit index, response)` for every response that qualifies, and
// counts the others in `v`.
// `f(call, unit, response, origin, from, station)`: `station` is the index of the station
// the drive starts from (kHomeStation / kPost), else UINT32_MAX. With `use_posts`, an idle
// unit starts from the post it waits at (ReplayUnit::waits_at), kPost when that is not
// its home station.
template <class F>
void for_each_validated_drive(const ReplayInputs& in, const RecordedCalls& record,
                              const EtaValidationOptions& options, EtaValidation& v, F&& f,
                              bool use_posts = false) {
  // Unit name -> replay unit index.
  std::map<std::string, std::uint32_t> unit_of;
  for (std::uint32_t u = 0; u < in.units.size(); ++u) unit_of[in.units[u].call_sign] = u;
  // Recorded call index -> replayed call index (its snapped position).
  std::vector<std::uint32_t> replayed(record.calls.size(), UINT32_MAX);
  for (std::uint32_t i = 0; i < in.calls.size(); ++i) replayed[in.calls[i].recorded] = i;
  // Per recorded unit, its jobs in dispatch order, to tell where it was before a dispatch.
  struct Job {
    SimTime dispatched, available;
    bool transported;
    std::uint32_t call;  // recorded call index
  };
  std::vector<std::vector<Job>> jobs(record.unit_names.size());
  for (std::uint32_t k = 0; k < record.calls.size(); ++k)
    for (const RecordedResponse& r : record.calls[k].responses)
      if (is_set(r.dispatched))
        jobs[r.unit].push_back({r.dispatched, r.available, is_set(r.transporting), k});
  for (auto& j : jobs)
    std::sort(j.begin(), j.end(), [](const Job& a, const Job& b) {
      return a.dispatched != b.dispatched ? a.dispatched < b.dispatched : a.call < b.call;
    });
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
      // The unit's latest job dispatched before this one decides where it was.
      const Job* last = nullptr;
      for (const Job& j : jobs[r.unit]) {
        if (j.dispatched >= r.dispatched) break;
        last = &j;
      }
      if (last == nullptr ||
          (is_set(last->available) && last->available + options.idle_before <= r.dispatched)) {
        const ReplayUnit& ru = in.units[it->second];
        const std::uint32_t st = use_posts ? ru.waits_at() : ru.station;
        f(i, it->second, r, st == ru.station ? EtaOrigin::kHomeStation : EtaOrigin::kPost,
          in.station_positions[st], st);
      } else if (options.at_previous_scene_within.count() > 0 && !last->transported &&
                 is_set(last->available) && last->available <= r.dispatched &&
                 r.dispatched <= last->available + options.at_previous_scene_within &&
                 replayed[last->call] != UINT32_MAX) {
        f(i, it->second, r, EtaOrigin::kPreviousScene, in.calls[replayed[last->call]].position,
          UINT32_MAX);
      } else {
        ++v.skipped_not_at_station;
      }
    }
  }
}

// One validated drive: recorded en route -> on scene against the model's road time plus
// the call's last stretch from the street.
// `cal` (may be null) turns the road time into the calibrated median drive.
inline void add_sample(EtaValidation& v, const ReplayInputs& in, std::uint32_t call,
                       std::uint32_t unit, const RecordedResponse& r, EtaOrigin origin,
                       const RoadPosition& from, double road_s, const Calibration* cal = nullptr) {
  EtaSample s;
  s.call = call;
  s.unit = unit;
  s.hour = local_hour(r.en_route, in.zone);
  s.origin = origin;
  s.crow_km = crow_km(*in.graph, from, in.calls[call].position);
  s.road_s = road_s;
  s.recorded_s = static_cast<double>(secs(r.on_scene) - secs(r.en_route));
  const double drive = cal != nullptr ? cal->drive.median_s(road_s, s.crow_km, s.hour,
                                                            cal->day_kind_at(r.en_route, in.zone),
                                                            in.calls[call].mode)
                                      : road_s;
  s.predicted_s = drive + in.calls[call].last_stretch_s;
  v.samples.push_back(s);
}

inline void finish_validation(EtaValidation& v, const TimeZone&) {
  v.overall = eta_error_stats(v.samples);
  std::array<std::vector<EtaSample>, 24> by_hour;
  for (const EtaSample& s : v.samples) by_hour[static_cast<std::size_t>(s.hour)].push_back(s);
  for (std::size_t h = 0; h < 24; ++h) v.by_hour[h] = eta_error_stats(by_hour[h]);
  std::array<std::vector<EtaSample>, kEtaOriginCount> by_origin;
  for (const EtaSample& s : v.samples) by_origin[static_cast<std::size_t>(s.origin)].push_back(s);
  for (std::size_t o = 0; o < kEtaOriginCount; ++o) v.by_origin[o] = eta_error_stats(by_origin[o]);
  std::array<std::vector<EtaSample>, kEtaDistanceBands> by_band;
  for (const EtaSample& s : v.samples) by_band[eta_distance_band(s.crow_km)].push_back(s);
  for (std::size_t b = 0; b < kEtaDistanceBands; ++b)
    v.by_distance_band[b] = eta_error_stats(by_band[b]);
}

}  // namespace detail

namespace detail {

// The graph's free-flow road times of drives to calls, in each call's travel mode: from a
// one-to-all table of the station when the drive starts at one (made on the station's
// first drive and kept), else by a search from where the unit was. kInfWeight when
// unreachable. What validation and calibration measure the record's drives against.
class FreeFlowDrives {
 public:
  explicit FreeFlowDrives(const ReplayInputs& in)
      : in_(&in), dijkstra_(*in.graph), from_station_(in.stations.size()) {}

  // `station`: the station the drive starts at, or UINT32_MAX to search from `from`.
  Weight operator()(const RoadPosition& from, std::uint32_t station, const ReplayCall& c) {
    const RoadGraph& g = *in_->graph;
    Weight road = kInfWeight;
    if (station == UINT32_MAX) {
      road = dijkstra_.distance(from, c.position).count();
    } else {
      std::vector<Weight>& table = from_station_[station];
      if (table.empty()) {
        const SeedPair s = source_seeds(g, g.weights(), in_->station_positions[station]);
        dijkstra_.run(s.view(), Dijkstra::Direction::kForward, NodeId::invalid());
        table.resize(g.node_count());
        for (std::uint32_t v = 0; v < g.node_count(); ++v)
          table[v] = dijkstra_.distance_to(NodeId(v)).count();
      }
      const SeedPair t = target_seeds(g, g.weights(), c.position);
      for (const SearchSeed& seed : t.view())
        road = std::min(road, add_weights(table[seed.node.value()], seed.offset));
    }
    return weight_in_mode(road, c.mode, in_->options.modes);
  }

 private:
  const ReplayInputs* in_;
  Dijkstra dijkstra_;
  std::vector<std::vector<Weight>> from_station_;
};

// Free-flow road times of the validated drives; with `cal`, its median drive for them
// (and idle units start from their posts).
inline EtaValidation validate_free_flow(const ReplayInputs& in, const RecordedCalls& record,
                                        std::string metric, const Calibration* cal,
                                        const EtaValidationOptions& options) {
  EtaValidation v;
  v.metric = std::move(metric);
  FreeFlowDrives free_flow_drive(in);
  for_each_validated_drive(
      in, record, options, v,
      [&](std::uint32_t i, std::uint32_t u, const RecordedResponse& r, EtaOrigin origin,
          const RoadPosition& from, std::uint32_t station) {
        const Weight w = free_flow_drive(from, station, in.calls[i]);
        if (w == kInfWeight) {
          ++v.skipped_unreachable;
          return;
        }
        add_sample(v, in, i, u, r, origin, from, static_cast<double>(w) / 10.0, cal);
      },
      /*use_posts=*/cal != nullptr);
  finish_validation(v, in.zone);
  return v;
}

}  // namespace detail

inline EtaValidation validate_etas(const ReplayInputs& in, const RecordedCalls& record,
                                   const EtaValidationOptions& options) {
  return detail::validate_free_flow(in, record, "free_flow", nullptr, options);
}

inline EtaValidation validate_etas(const ReplayInputs& in, const RecordedCalls& record,
                                   const Calibration& calibration,
                                   const EtaValidationOptions& options) {
  return detail::validate_free_flow(in, record, "calibrated", &calibration, options);
}

inline EtaValidation validate_etas(const ReplayInputs& in, const RecordedCalls& record,
                                   std::string metric, const EtaWeightsAt& weights_at,
                                   const EtaValidationOptions& options) {
  EtaValidation v;
  v.metric = std::move(metric);
  const RoadGraph& g = *in.graph;
  std::optional<Dijkstra> d;  // rebuilt only when the metric changes
  const Weight* current = nullptr;
  detail::for_each_validated_drive(in, record, options, v,
                                   [&](std::uint32_t i, std::uint32_t u, const RecordedResponse& r,
                                       EtaOrigin origin, const RoadPosition& from, std::uint32_t) {
                                     const ReplayCall& c = in.calls[i];
                                     const std::span<const Weight> w =
                                         weights_at(r.en_route, c.mode);
                                     if (!d || w.data() != current) {
                                       d.emplace(g, w);
                                       current = w.data();
                                     }
                                     const Deciseconds t = d->distance(from, c.position);
                                     if (t.is_infinite()) {
                                       ++v.skipped_unreachable;
                                       return;
                                     }
                                     detail::add_sample(v, in, i, u, r, origin, from, t.seconds());
                                   });
  detail::finish_validation(v, in.zone);
  return v;
}

DISPATCHKIT_NAMESPACE_END
