// dispatchkit/route/traffic/metric.hpp: arc weights for one slice of the week and one
// travel mode, from a recorded-traffic profile with a fallback to free flow.
//
//   TrafficMetricOptions opt;                             // normal driving by default
//   opt.mode = TravelMode::kLightsAndSirens;
//   TimeSlice s = profile.slicing().slice_of(now_unix);
//   std::vector<Weight> w = make_metric_weights(graph, profile, s, opt);
//   Dijkstra d(graph, w);                                 // or customize a CCH with w
//   std::vector<Weight> closed = with_closures(w, accident_arcs);   // kInfWeight there
//
// The model (docs/traffic.md gives the derivation and the evidence). For arc a and slice
// s, let ff(a) be the graph's free-flow time. Every observed cell c of arc a (slice s_c,
// median time t_c over n_c samples) votes for the log congestion ratio log(t_c / ff(a))
// with weight
//     w(c) = n_c * time_weight(|time-of-day(s_c) - time-of-day(s)|) * day_weight(day(s_c), day(s))
// (time_weight: triangular over +-smoothing_slices; day_weight: 1 for the same weekday,
// same_day_type_weight for another weekday (or weekend day) of the same kind,
// other_day_weight otherwise). The pooled log ratio is shrunk towards a prior with
// strength prior_samples (an empirical-Bayes / credibility estimate: an arc seen twice
// is mostly prior, an arc seen a hundred times is mostly its own data):
//     log r(a, s) = (sum_c w(c) log(t_c / ff(a)) + k * log r0(s)) / (sum_c w(c) + k)
// where r0(s) = free_flow_factor * city ratio of slice s (the same pooled mean over every
// arc of the profile; 1 when city_factor_prior is off or nothing was observed). Arcs with
// no observation get r0(s): the city-wide congestion of that time of day, not free flow.
// The observed ratio used is clamp(r, min_ratio, max_ratio).
//
// Travel modes follow the one model of route/travel_modes.hpp: the lights-and-sirens time
// is ff(a) * lights_sirens_ratio(r) (r / normal_factor, floored at lights_sirens_floor),
// and the normal-driving metric is mode_factor() times it, so it agrees (up to per-arc
// rounding) with what an oracle on the lights-and-sirens metric answers for kNormal.
//
// Complexity: O(m + cells in the profile) per call (the city ratio pools every cell once).
// Allocates the returned vector only. Thread-safe (reads only shared immutable data).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/route/traffic/profile.hpp"
#include "dispatchkit/route/traffic/time_slice.hpp"
#include "dispatchkit/route/travel_modes.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct TrafficMetricOptions {
  TravelMode mode = TravelMode::kNormal;
  // Shrinkage strength k, in (weighted) samples.
  double prior_samples = 4.0;
  // Neighbouring slices pooled on each side, with triangular weights.
  std::uint32_t smoothing_slices = 2;
  // Weight of the same time of day on another day of the same kind (weekday/weekend).
  double same_day_type_weight = 0.5;
  // Weight of the same time of day on a day of the other kind.
  double other_day_weight = 0.1;
  // Prior (and fallback) = city-wide congestion ratio of the slice; else 1 (free flow).
  bool city_factor_prior = true;
  // Multiplies the prior: a global calibration of free-flow times (1 = none).
  double free_flow_factor = 1.0;
  // Congestion ratios are clamped to [min_ratio, max_ratio] times free flow.
  double min_ratio = 0.5;
  double max_ratio = 8.0;
  // Lights and sirens against normal driving (route/travel_modes.hpp).
  TravelModeOptions modes;
};

// What make_metric_weights() did, for reports and tests.
struct TrafficMetricStats {
  std::uint32_t arcs = 0;
  std::uint32_t arcs_with_observations = 0;  // some pooled cell had non-zero weight
  double city_ratio = 1.0;                   // r0(s) / free_flow_factor
};

// Travel-time weights (deciseconds, >= 1 for arcs with a positive free-flow time) for
// `slice` and `options.mode`. `profile` must have been built for `graph`.
[[nodiscard]] std::vector<Weight> make_metric_weights(const RoadGraph& graph,
                                                      const TrafficProfile& profile,
                                                      TimeSlice slice,
                                                      const TrafficMetricOptions& options = {},
                                                      TrafficMetricStats* stats = nullptr);

// Free-flow weights scaled by `factor` (a global calibration), in `mode` (the same lights
// and sirens rule as above). factor = normal_factor and kLightsAndSirens give the graph's
// own weights (the free-flow metric of every oracle).
[[nodiscard]] std::vector<Weight> scaled_free_flow_weights(
    const RoadGraph& graph, double factor, const TrafficMetricOptions& options = {});

// A copy of `weights` with every arc in `closed` set to kInfWeight (a road closure);
// ids out of range are ignored. O(m + |closed|).
[[nodiscard]] inline std::vector<Weight> with_closures(std::span<const Weight> weights,
                                                       std::span<const ArcId> closed) {
  std::vector<Weight> w(weights.begin(), weights.end());
  for (ArcId a : closed)
    if (a.valid() && a.value() < w.size()) w[a.value()] = kInfWeight;
  return w;
}

// ---------------------------------------------------------------------------------------
// Implementation.

namespace detail {

// The pooling weight of an observation in slice `c` for a metric of slice `s`.
[[nodiscard]] inline double pooling_weight(const TimeSlicing& slicing, TimeSlice c, TimeSlice s,
                                           const TrafficMetricOptions& o) noexcept {
  const std::int64_t per_day = slicing.slices_per_day();
  std::int64_t d = static_cast<std::int64_t>(slicing.slice_of_day(c)) -
                   static_cast<std::int64_t>(slicing.slice_of_day(s));
  d = ((d % per_day) + per_day) % per_day;
  if (d > per_day / 2) d = per_day - d;
  const double tw = 1.0 - static_cast<double>(d) / (o.smoothing_slices + 1.0);
  if (tw <= 0.0) return 0.0;
  const std::uint32_t dc = slicing.day_of_week(c), ds = slicing.day_of_week(s);
  double dw = o.other_day_weight;
  if (dc == ds)
    dw = 1.0;
  else if ((dc >= 5) == (ds >= 5))
    dw = o.same_day_type_weight;
  return tw * dw;
}

[[nodiscard]] inline Weight ratio_weight(Weight free_flow, double ratio) noexcept {
  if (free_flow == 0 || free_flow == kInfWeight) return free_flow;
  const double w = std::round(static_cast<double>(free_flow) * ratio);
  if (w < 1.0) return 1;
  if (w >= static_cast<double>(kInfWeight - 1)) return kInfWeight - 1;
  return static_cast<Weight>(w);
}

// The weight of an arc of free-flow time `free_flow` observed at congestion ratio `ratio`
// (normal driving), in the metric's mode.
[[nodiscard]] inline Weight mode_weight(Weight free_flow, double ratio,
                                        const TrafficMetricOptions& o) noexcept {
  return ratio_weight(free_flow,
                      lights_sirens_ratio(ratio, o.modes) * mode_factor(o.mode, o.modes));
}

}  // namespace detail

inline std::vector<Weight> make_metric_weights(const RoadGraph& graph,
                                               const TrafficProfile& profile, TimeSlice slice,
                                               const TrafficMetricOptions& o,
                                               TrafficMetricStats* stats) {
  const TimeSlicing& slicing = profile.slicing();
  const auto free_flow = graph.weights();
  const auto offsets = profile.cell_offsets();
  const auto cells = profile.all_cells();
  const std::uint32_t m = graph.arc_count();
  const bool matches = profile.arc_count() == m;
  // Pooling weight per slice, computed once (672 values for 15-minute slices).
  std::vector<double> slice_weight(slicing.slice_count());
  for (std::uint32_t c = 0; c < slice_weight.size(); ++c)
    slice_weight[c] = detail::pooling_weight(slicing, TimeSlice(c), slice, o);

  // City-wide pooled log ratio r0(s).
  double city_log = 0.0;
  if (o.city_factor_prior && matches) {
    double num = 0.0, den = 0.0;
    for (std::uint32_t a = 0; a < m; ++a) {
      const Weight ff = free_flow[a];
      if (ff == 0 || ff == kInfWeight) continue;
      for (std::uint32_t i = offsets[a]; i < offsets[a + 1]; ++i) {
        const double w = slice_weight[cells[i].slice.value()] * cells[i].samples;
        if (w <= 0.0) continue;
        num += w * std::log(cells[i].travel_time_s * 10.0 / ff);
        den += w;
      }
    }
    if (den > 0.0) city_log = num / den;
  }
  const double prior_log = city_log + std::log(std::max(1e-9, o.free_flow_factor));

  std::vector<Weight> out(m);
  std::uint32_t with_obs = 0;
  for (std::uint32_t a = 0; a < m; ++a) {
    const Weight ff = free_flow[a];
    double num = o.prior_samples * prior_log, den = o.prior_samples;
    if (matches && ff != 0 && ff != kInfWeight) {
      bool seen = false;
      for (std::uint32_t i = offsets[a]; i < offsets[a + 1]; ++i) {
        const double w = slice_weight[cells[i].slice.value()] * cells[i].samples;
        if (w <= 0.0) continue;
        num += w * std::log(cells[i].travel_time_s * 10.0 / ff);
        den += w;
        seen = true;
      }
      with_obs += seen ? 1 : 0;
    }
    const double ratio = den > 0.0 ? std::exp(num / den) : std::exp(prior_log);
    out[a] = detail::mode_weight(ff, std::clamp(ratio, o.min_ratio, o.max_ratio), o);
  }
  if (stats != nullptr) *stats = {m, with_obs, std::exp(city_log)};
  return out;
}

inline std::vector<Weight> scaled_free_flow_weights(const RoadGraph& graph, double factor,
                                                    const TrafficMetricOptions& o) {
  const auto free_flow = graph.weights();
  std::vector<Weight> out(free_flow.size());
  for (std::size_t a = 0; a < out.size(); ++a)
    out[a] = detail::mode_weight(free_flow[a], factor, o);
  return out;
}

DISPATCHKIT_NAMESPACE_END
