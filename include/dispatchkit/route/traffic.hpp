// dispatchkit/route/traffic.hpp: routing that follows recorded and live traffic.
//
//   #include "dispatchkit/route/traffic.hpp"
//   TimeSlicing week(15, -7 * 60);                                   // 15 min, PDT
//   absl::StatusOr<TrafficProfile> profile = load_traffic_profile("sf_profile.csv", graph,
//                                                                 {.slicing = week});
//   TrafficMetricOptions opt{.mode = TravelMode::kLightsAndSirens};
//   auto metric = std::make_shared<const WeightMetric>(WeightMetric{
//       make_metric_weights(graph, *profile, week.slice_of(now), opt), "L&S now"});
//   MetricStore<WeightMetric> store(metric);                        // route/metric_store.hpp
//   Dijkstra d(graph, store.current()->weights);
//
// The pieces, each in its own header under route/traffic/:
//   time_slice.hpp    TimeSlicing / TimeSlice: slices of the week in local time
//   profile.hpp       TrafficProfile: observed travel time per arc and slice
//   metric.hpp        make_metric_weights(): profile -> weights, fallback to free flow,
//                     shrinkage, smoothing, lights-and-sirens; with_closures()
//   map_matching.hpp  MapMatcher + TrafficAccumulator: GPS traces -> profile (dk-traffic)
//   gps.hpp           profile_from_tracks(): GPS tracks through the matcher
//   io/profile_csv.hpp  the profile CSV format (load_ / save_traffic_profile)
//   io/gps_csv.hpp      GpsTrack and the GPS trace CSV reader (load_gps_tracks)
//   eta_evaluation.hpp  held-out-day trip ETA errors of free-flow / time-of-day metrics
//                     (dk-eta-eval)
//   closures.hpp      publish_closures / publish_reopenings on a live MetricStore (CCH
//                     partial re-customization)
// and route/metric_store.hpp: MetricStore, the atomic swap of live metrics. The oracles that
// put these metrics into dispatch decisions are recommend/traffic/ (CchOracle on a live
// store, TimeOfDayOracle on a profile's slices with scheduled closures).
// docs/traffic.md documents the CSV format, the model and the measured ETA quality.
#pragma once

#include "dispatchkit/route/metric_store.hpp"
#include "dispatchkit/route/traffic/closures.hpp"
#include "dispatchkit/route/traffic/eta_evaluation.hpp"
#include "dispatchkit/route/traffic/gps.hpp"
#include "dispatchkit/route/traffic/io/gps_csv.hpp"
#include "dispatchkit/route/traffic/io/profile_csv.hpp"
#include "dispatchkit/route/traffic/map_matching.hpp"
#include "dispatchkit/route/traffic/metric.hpp"
#include "dispatchkit/route/traffic/profile.hpp"
#include "dispatchkit/route/traffic/time_slice.hpp"
