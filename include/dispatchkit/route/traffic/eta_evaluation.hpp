// dispatchkit/route/traffic/eta_evaluation.hpp: how well do free-flow and time-of-day metrics
// predict observed trip times? The held-out-day protocol of dk-eta-eval (docs/traffic.md,
// "ETA quality") as three library stages.
//
//   const TimeSlicing week(15, -7 * 60);
//   GpsFilter training = gps_filter_around(graph);           // the graph's bounding box
//   training.excluded_local_days = {holdout_day};             // TimeSlicing::local_day()
//   MapMatcher matcher(snapper);
//   absl::StatusOr<TrafficProfile> profile =                  // 1. profile of the other days
//       profile_from_tracks(matcher, tracks, week, training);
//   std::vector<EtaTrip> trips = cut_trips(tracks, snapper, week, holdout_day);   // 2. trips
//   TripEtaEvaluation e = evaluate_trip_etas(graph, *profile, trips, week);       // 3. errors
//   e.overall[eta_model_index(EtaModel::kTimeOfDay)].median_abs_error_s;    e.by_hour[8];
//
// Trips (stage 2). A trip is a piece of one vehicle's track while it carries a fare
// (occupied at every fix, so it drives to a destination rather than cruising), with no gap
// over TripCutOptions::max_gap_s (120 s) between fixes, lasting 3 to 15 minutes, whose ends
// are at least 1 km apart and whose fix-to-fix polyline is at most 1.5 times the straight
// distance (no loops or circling), within one local day. Trips are cut greedily: from a
// start fix, the end is the last fix within 15 minutes; if the piece qualifies it is a trip
// and the next one starts at its end, else the start moves one fix on. Both ends must snap
// to a street within 50 m.
//
// Models (stage 3). Predicted time = shortest path (Dijkstra, road positions at both ends):
//   free flow     the graph's times
//   calibrated    free flow x c, c = median(observed / free-flow prediction) over the
//                 training days' trips (one global factor)
//   city-slice    free flow x the city-wide congestion ratio of the start slice
//                 (make_metric_weights' prior alone, no per-arc data)
//   time-of-day   make_metric_weights(profile, start slice), the full model
//   tod+calib     time-of-day x c', c' = median(observed / tod prediction) over the
//                 training days' trips
// Errors (predicted - observed) are summarised over the held-out day's trips: median
// absolute error, median and mean signed error (bias), median absolute percentage error;
// overall and by local hour of the trip's start. Medians are the library's nearest-rank
// definition (detail/statistics.hpp), the same as the replay's KPIs. A trip is used only
// when both its free-flow and its time-of-day routes exist and the free-flow time is not 0.
//
// Cost: two Dijkstra searches per trip and one make_metric_weights() per start slice used
// (cached for the call). Data licence: trips derived from licensed traces (cabspotting) are
// per-trip data: keep them in memory, publish aggregates only.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/statistics.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/snap.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "dispatchkit/route/traffic/gps.hpp"
#include "dispatchkit/route/traffic/metric.hpp"
#include "dispatchkit/route/traffic/profile.hpp"
#include "dispatchkit/route/traffic/time_slice.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// The bounding box of the graph's node coordinates, widened by `margin` degrees on every
// side (dk-traffic uses {0.005, 0.006}, about 500 m in San Francisco), as a GpsFilter with
// no excluded days. A graph without nodes gives the unrestricted filter. O(n).
[[nodiscard]] GpsFilter gps_filter_around(const RoadGraph& graph, LatLon margin = {0.0, 0.0});

// What makes a piece of track a trip (see the banner).
struct TripCutOptions {
  double max_gap_s = 120.0;        // between consecutive fixes
  double min_duration_s = 180.0;   // 3 minutes
  double max_duration_s = 900.0;   // 15 minutes
  double min_distance_m = 1000.0;  // straight distance between the ends
  double max_tortuosity = 1.5;     // fix-to-fix polyline / straight distance
  Meters snap_radius{50.0};        // both ends within this of a street
};

// One trip: where it started and ended on the road, when, and how long it took.
struct EtaTrip {
  std::int64_t start_time = 0;  // unix seconds (UTC) of the first fix
  double observed_s = 0.0;
  RoadPosition from, to;
  TimeSlice slice;       // of the start
  bool holdout = false;  // starts on the held-out local day
};

// Appends the trips of one track (fixes sorted by time) to `out`. `holdout_day` is a
// TimeSlicing::local_day() value. O(fixes + trips x snap).
void cut_trips(const GpsTrack& track, const Snapper& snapper, const TimeSlicing& slicing,
               std::int64_t holdout_day, std::vector<EtaTrip>& out,
               const TripCutOptions& options = {});
// The trips of every track, in track order.
[[nodiscard]] std::vector<EtaTrip> cut_trips(std::span<const GpsTrack> tracks,
                                             const Snapper& snapper, const TimeSlicing& slicing,
                                             std::int64_t holdout_day,
                                             const TripCutOptions& options = {});

// The five predictions compared (see the banner), in the order reports print them.
enum class EtaModel : std::uint8_t {
  kFreeFlow = 0,
  kCalibrated = 1,
  kCitySlice = 2,
  kTimeOfDay = 3,
  kTimeOfDayCalibrated = 4,
};
inline constexpr std::size_t kEtaModelCount = 5;
[[nodiscard]] constexpr std::size_t eta_model_index(EtaModel m) noexcept {
  return static_cast<std::size_t>(m);
}
// "free flow", "calibrated", "city-slice", "time-of-day", "tod+calib".
[[nodiscard]] constexpr std::string_view eta_model_name(EtaModel m) noexcept {
  constexpr std::array<std::string_view, kEtaModelCount> kNames = {
      "free flow", "calibrated", "city-slice", "time-of-day", "tod+calib"};
  return kNames[eta_model_index(m)];
}

// Error summary of one model over a set of trips (seconds; errors = predicted - observed).
// All zero when trips == 0.
struct TripEtaErrors {
  std::size_t trips = 0;
  double median_abs_error_s = 0.0;
  double median_error_s = 0.0;  // bias
  double mean_error_s = 0.0;
  double median_abs_percent_error = 0.0;  // median of |error| / observed x 100
};
using TripEtaRow = std::array<TripEtaErrors, kEtaModelCount>;  // [eta_model_index(EtaModel)]

struct TripEtaEvaluation {
  // Routable training-day trips the calibration factors come from.
  std::size_t calibration_trips = 0;
  // c and c' of the banner; NaN when there is no routable training-day trip.
  double free_flow_factor = std::numeric_limits<double>::quiet_NaN();
  double time_of_day_factor = std::numeric_limits<double>::quiet_NaN();
  // Over the routable held-out-day trips (overall[m].trips is their count, the same for
  // every model), then by local hour of the trip's start (trips == 0: none that hour).
  TripEtaRow overall{};
  std::array<TripEtaRow, 24> by_hour{};
};

// Stage 3: predictions of every trip, calibration on the training-day trips, errors on the
// held-out day's. `profile` must have been built for `graph` with `slicing`; normally from
// the training days only. O(trips x Dijkstra + slices used x make_metric_weights).
[[nodiscard]] TripEtaEvaluation evaluate_trip_etas(const RoadGraph& graph,
                                                   const TrafficProfile& profile,
                                                   std::span<const EtaTrip> trips,
                                                   const TimeSlicing& slicing);

// Summary of the errors predicted[i] - observed[i] (pairs in any order). O(n log n).
[[nodiscard]] TripEtaErrors trip_eta_errors(std::span<const double> predicted,
                                            std::span<const double> observed);

// ---------------------------------------------------------------------------------------
// Implementation.

inline GpsFilter gps_filter_around(const RoadGraph& graph, LatLon margin) {
  GpsFilter filter;
  if (graph.node_count() == 0 || !graph.has_coordinates()) return filter;
  filter.south_west = filter.north_east = graph.coordinate(NodeId(0));
  for (const LatLon& c : graph.coordinates()) {
    filter.south_west = {std::min(filter.south_west.lat, c.lat),
                         std::min(filter.south_west.lon, c.lon)};
    filter.north_east = {std::max(filter.north_east.lat, c.lat),
                         std::max(filter.north_east.lon, c.lon)};
  }
  filter.south_west = {filter.south_west.lat - margin.lat, filter.south_west.lon - margin.lon};
  filter.north_east = {filter.north_east.lat + margin.lat, filter.north_east.lon + margin.lon};
  return filter;
}

inline void cut_trips(const GpsTrack& track, const Snapper& snapper, const TimeSlicing& slicing,
                      std::int64_t holdout_day, std::vector<EtaTrip>& out,
                      const TripCutOptions& options) {
  const auto& f = track.fixes;
  std::size_t i = 0;
  while (i + 1 < f.size()) {
    if (!f[i].occupied) {
      ++i;
      continue;
    }
    // Extend while occupied, continuous and within the longest trip.
    std::size_t j = i;
    double polyline = 0.0;
    while (j + 1 < f.size() && f[j + 1].occupied &&
           static_cast<double>(f[j + 1].unix_time - f[j].unix_time) <= options.max_gap_s &&
           static_cast<double>(f[j + 1].unix_time - f[i].unix_time) <= options.max_duration_s) {
      polyline += haversine(f[j].position, f[j + 1].position).value();
      ++j;
    }
    const double dt = static_cast<double>(f[j].unix_time - f[i].unix_time);
    const double straight = haversine(f[i].position, f[j].position).value();
    const bool same_day = slicing.local_day(f[i].unix_time) == slicing.local_day(f[j].unix_time);
    if (j > i && dt >= options.min_duration_s && straight >= options.min_distance_m &&
        polyline <= options.max_tortuosity * straight && same_day) {
      const auto a = snapper.snap(f[i].position, {options.snap_radius});
      const auto b = snapper.snap(f[j].position, {options.snap_radius});
      if (a.ok() && b.ok()) {
        out.push_back({f[i].unix_time, dt, a->position, b->position,
                       slicing.slice_of(f[i].unix_time),
                       slicing.local_day(f[i].unix_time) == holdout_day});
        i = j;  // the next trip starts where this one ended
        continue;
      }
    }
    ++i;
  }
}

inline std::vector<EtaTrip> cut_trips(std::span<const GpsTrack> tracks, const Snapper& snapper,
                                      const TimeSlicing& slicing, std::int64_t holdout_day,
                                      const TripCutOptions& options) {
  std::vector<EtaTrip> out;
  for (const GpsTrack& t : tracks) cut_trips(t, snapper, slicing, holdout_day, out, options);
  return out;
}

inline TripEtaErrors trip_eta_errors(std::span<const double> predicted,
                                     std::span<const double> observed) {
  TripEtaErrors s;
  s.trips = std::min(predicted.size(), observed.size());
  if (s.trips == 0) return s;
  std::vector<double> err, abs_err, abs_pct;
  for (std::size_t i = 0; i < s.trips; ++i) {
    const double e = predicted[i] - observed[i];
    err.push_back(e);
    abs_err.push_back(std::abs(e));
    abs_pct.push_back(std::abs(e) / observed[i] * 100.0);
  }
  s.mean_error_s = detail::mean(err);  // in trip order, before median() sorts `err`
  s.median_abs_error_s = detail::median(abs_err);
  s.median_error_s = detail::median(err);
  s.median_abs_percent_error = detail::median(abs_pct);
  return s;
}

inline TripEtaEvaluation evaluate_trip_etas(const RoadGraph& graph, const TrafficProfile& profile,
                                            std::span<const EtaTrip> trips,
                                            const TimeSlicing& slicing) {
  Dijkstra on_free_flow(graph, graph.weights());
  // Start slice -> (time-of-day weights, city-wide ratio of the slice), built on first use.
  std::map<std::uint32_t, std::pair<std::vector<Weight>, double>> by_slice;
  auto time_of_day = [&](TimeSlice s) -> const std::pair<std::vector<Weight>, double>& {
    auto it = by_slice.find(s.value());
    if (it == by_slice.end()) {
      TrafficMetricStats stats;
      std::vector<Weight> w = make_metric_weights(graph, profile, s, {}, &stats);
      it = by_slice.emplace(s.value(), std::make_pair(std::move(w), stats.city_ratio)).first;
    }
    return it->second;
  };
  struct Prediction {
    std::size_t trip;
    double free_flow, city, time_of_day;
  };
  std::vector<Prediction> routable;
  for (std::size_t i = 0; i < trips.size(); ++i) {
    const EtaTrip& t = trips[i];
    const Deciseconds ff = on_free_flow.distance(t.from, t.to);
    const auto& [weights, city] = time_of_day(t.slice);
    Dijkstra on_time_of_day(graph, weights);
    const Deciseconds tod = on_time_of_day.distance(t.from, t.to);
    if (ff.is_infinite() || tod.is_infinite() || ff.count() == 0) continue;
    routable.push_back({i, ff.seconds(), ff.seconds() * city, tod.seconds()});
  }

  TripEtaEvaluation e;
  std::vector<double> ratio_ff, ratio_tod;
  for (const Prediction& p : routable)
    if (!trips[p.trip].holdout) {
      ratio_ff.push_back(trips[p.trip].observed_s / p.free_flow);
      ratio_tod.push_back(trips[p.trip].observed_s / p.time_of_day);
    }
  e.calibration_trips = ratio_ff.size();
  if (!ratio_ff.empty()) {
    e.free_flow_factor = detail::median(ratio_ff);
    e.time_of_day_factor = detail::median(ratio_tod);
  }

  // Predictions per model, overall ([24]) and by hour ([0..23]), in trip order.
  std::array<std::array<std::vector<double>, kEtaModelCount>, 25> predicted;
  std::array<std::vector<double>, 25> observed;
  for (const Prediction& p : routable) {
    const EtaTrip& t = trips[p.trip];
    if (!t.holdout) continue;
    const std::array<double, kEtaModelCount> by_model = {
        p.free_flow, p.free_flow * e.free_flow_factor, p.city, p.time_of_day,
        p.time_of_day * e.time_of_day_factor};
    for (const std::size_t h : {std::size_t{24}, std::size_t{slicing.hour_of_day(t.slice) % 24}}) {
      observed[h].push_back(t.observed_s);
      for (std::size_t m = 0; m < kEtaModelCount; ++m) predicted[h][m].push_back(by_model[m]);
    }
  }
  for (std::size_t h = 0; h < 25; ++h) {
    TripEtaRow& row = h == 24 ? e.overall : e.by_hour[h];
    for (std::size_t m = 0; m < kEtaModelCount; ++m)
      row[m] = trip_eta_errors(predicted[h][m], observed[h]);
  }
  return e;
}

DISPATCHKIT_NAMESPACE_END
