// dk-eta-eval: how well do free-flow and time-of-day metrics predict observed trip times?
//
//   dk-eta-eval --graph=data/sf/sf_osm_edges.csv.xz
//               --gps=../shared/data/sf_cabspotting_taxi_gps_2008-05-18_2008-05-24.csv.xz
//               --holdout-day=2008-05-21 [--slice-minutes=15] [--utc-offset-minutes=-420]
//               [--profile-out=/tmp/train_profile.csv] [--occupied-only]
//
// Protocol (docs/traffic.md, "ETA quality"):
//  1. The profile is built by map matching every fix EXCEPT those of the held-out local day.
//  2. Trips are cut from the traces of every day. A trip is a piece of one cab's track
//     while it carries a fare (occupied = 1 at every fix, so it drives to a destination
//     rather than cruising for passengers), with no gap over 120 s between its fixes,
//     lasting 3 to 15 minutes, whose ends are at least 1 km apart and whose fix-to-fix
//     polyline is at most 1.5 times the straight distance (no loops or circling). Trips
//     are cut greedily: from a start fix, the end is the last fix within 15 minutes;
//     if the piece qualifies it is a trip and the next one starts at its end, else the
//     start moves one fix on. Both ends must snap to a street within 50 m.
//  3. Predicted time = shortest path (Dijkstra, road positions at both ends) on:
//       free flow      the graph's times (OSM maxspeed or road-class speed)
//       calibrated     free flow x c, c = median(observed / free-flow prediction) over
//                      the training days' trips (one global factor)
//       city-slice     free flow x the city-wide congestion ratio of the start slice
//                      (make_metric_weights' prior alone, no per-arc data)
//       time-of-day    make_metric_weights(profile, start slice), the full model
//       tod+calib      time-of-day x c', c' = median(observed / tod prediction) over the
//                      training days' trips
//  4. Errors (predicted - observed) on the held-out day's trips: median absolute error,
//     median and mean signed error (bias), median absolute percentage error; overall and
//     by local hour of the trip's start. Markdown on stdout.
//
// Data licence: trips are derived per-trip data from the cabspotting traces: they live
// in memory only and are never written (the tool prints aggregates only).
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detail/tool_flags.hpp"
#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/graph/snap.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "dispatchkit/route/traffic.hpp"

using namespace dispatchkit;

namespace {

constexpr double kMaxTripGapS = 120.0;
constexpr double kMinTripS = 180.0, kMaxTripS = 900.0;
constexpr double kMinTripM = 1000.0, kMaxTortuosity = 1.5;
constexpr double kSnapM = 50.0;

struct Trip {
  std::int64_t start_time = 0;
  double observed_s = 0.0;
  RoadPosition from, to;
  bool holdout = false;
  TimeSlice slice;
};

void usage() {
  std::cerr << "usage: dk-eta-eval --graph=PATH --gps=FILE --holdout-day=YYYY-MM-DD\n"
               "                   [--slice-minutes=15] [--utc-offset-minutes=-420]\n"
               "                   [--profile-out=PATH] [--occupied-only]\n"
               "                   [--statistic=mean|median]\n";
}

double median(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  const std::size_t k = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  const double hi = v[k];
  if (v.size() % 2 == 1) return hi;
  return 0.5 * (hi + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k)));
}

// Cuts the trips of one track (see the banner).
void cut_trips(const GpsTrack& track, const Snapper& snapper, const TimeSlicing& slicing,
               std::int64_t holdout_day, std::vector<Trip>& out) {
  const auto& f = track.fixes;
  std::size_t i = 0;
  while (i + 1 < f.size()) {
    // Extend while occupied, continuous and within 15 minutes.
    if (!f[i].occupied) {
      ++i;
      continue;
    }
    std::size_t j = i;
    double polyline = 0.0;
    while (j + 1 < f.size() && f[j + 1].occupied &&
           static_cast<double>(f[j + 1].unix_time - f[j].unix_time) <= kMaxTripGapS &&
           static_cast<double>(f[j + 1].unix_time - f[i].unix_time) <= kMaxTripS) {
      polyline += haversine(f[j].position, f[j + 1].position).value();
      ++j;
    }
    const double dt = static_cast<double>(f[j].unix_time - f[i].unix_time);
    const double straight = haversine(f[i].position, f[j].position).value();
    const bool same_day = slicing.local_day(f[i].unix_time) == slicing.local_day(f[j].unix_time);
    if (j > i && dt >= kMinTripS && straight >= kMinTripM &&
        polyline <= kMaxTortuosity * straight && same_day) {
      const auto a = snapper.snap(f[i].position, {Meters(kSnapM)});
      const auto b = snapper.snap(f[j].position, {Meters(kSnapM)});
      if (a.ok() && b.ok()) {
        out.push_back({f[i].unix_time, dt, a->position, b->position,
                       slicing.local_day(f[i].unix_time) == holdout_day,
                       slicing.slice_of(f[i].unix_time)});
        i = j;
        continue;
      }
    }
    ++i;
  }
}

struct Row {
  std::vector<double> err, abs_err, abs_pct;
  void add(double predicted, double observed) {
    const double e = predicted - observed;
    err.push_back(e);
    abs_err.push_back(std::abs(e));
    abs_pct.push_back(std::abs(e) / observed * 100.0);
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::string graph_path, gps_path, profile_out, holdout_text;
  std::optional<std::int64_t> holdout;
  std::int32_t slice_minutes = 15, utc_offset = -7 * 60;
  MapMatchOptions mm;
  // The trimmed mean adds up better along routes than the median (docs/traffic.md).
  TrafficAccumulator::Statistic statistic = TrafficAccumulator::Statistic::kTrimmedMean;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&](std::string_view flag) { return dk_tools::flag_value(a, flag); };
    bool ok = true;
    if (auto v = value("--graph"))
      graph_path = *v;
    else if (auto v = value("--gps"))
      gps_path = *v;
    else if (auto v = value("--profile-out"))
      profile_out = *v;
    else if (auto v = value("--holdout-day")) {
      holdout_text = *v;
      ok = (holdout = dk_tools::parse_iso_day(*v)).has_value();
    } else if (auto v = value("--slice-minutes"))
      ok = dk_tools::parse_flag_number("--slice-minutes", *v, slice_minutes);
    else if (auto v = value("--utc-offset-minutes"))
      ok = dk_tools::parse_flag_number("--utc-offset-minutes", *v, utc_offset);
    else if (a == "--occupied-only")
      mm.occupied_only = true;
    else if (a == "--statistic=median")
      statistic = TrafficAccumulator::Statistic::kMedian;
    else if (a == "--statistic=mean")
      statistic = TrafficAccumulator::Statistic::kTrimmedMean;
    else if (a == "--help" || a == "-h") {
      usage();
      return dk_tools::kExitOk;
    } else
      ok = false;
    if (!ok) {
      dk_tools::usage_error("dk-eta-eval", "bad argument '" + std::string(a) + "'");
      usage();
      return dk_tools::kExitUsage;
    }
  }
  if (graph_path.empty() || gps_path.empty() || !holdout) {
    usage();
    return dk_tools::kExitUsage;
  }
  const TimeSlicing slicing(slice_minutes, utc_offset);
  if (!slicing.is_valid()) {
    return dk_tools::usage_error("dk-eta-eval", "--slice-minutes must divide a day");
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  absl::StatusOr<RoadGraph> graph = load_graph(graph_path);
  if (!graph.ok()) {
    std::cerr << "dk-eta-eval: " << graph.status() << "\n";
    return 1;
  }
  absl::StatusOr<Snapper> snapper = Snapper::build(*graph);
  absl::StatusOr<std::vector<GpsTrack>> tracks = load_gps_tracks(gps_path);
  if (!snapper.ok() || !tracks.ok()) {
    std::cerr << "dk-eta-eval: " << (snapper.ok() ? tracks.status() : snapper.status()) << "\n";
    return 1;
  }
  GpsFilter filter;
  filter.south_west = filter.north_east = graph->coordinate(NodeId(0));
  for (const LatLon& c : graph->coordinates()) {
    filter.south_west = {std::min(filter.south_west.lat, c.lat),
                         std::min(filter.south_west.lon, c.lon)};
    filter.north_east = {std::max(filter.north_east.lat, c.lat),
                         std::max(filter.north_east.lon, c.lon)};
  }
  filter.excluded_local_days.push_back(*holdout);

  // 1. Profile from the training days.
  MapMatcher matcher(*snapper, mm);
  absl::StatusOr<TrafficProfile> profile =
      profile_from_tracks(matcher, *tracks, slicing, filter, 1, {}, statistic);
  if (!profile.ok()) {
    std::cerr << "dk-eta-eval: " << profile.status() << "\n";
    return 1;
  }
  std::fprintf(stderr, "training profile: %zu cells on %u of %u arcs, %llu arc samples (%.0f s)\n",
               profile->cell_count(), profile->observed_arc_count(), graph->arc_count(),
               static_cast<unsigned long long>(matcher.stats().arc_samples), elapsed());
  if (!profile_out.empty()) {
    if (absl::Status s = save_traffic_profile(profile_out, *profile, *graph); !s.ok()) {
      std::cerr << "dk-eta-eval: " << s << "\n";
      return 1;
    }
  }

  // 2. Trips of every day.
  std::vector<Trip> trips;
  for (const GpsTrack& t : *tracks) cut_trips(t, *snapper, slicing, *holdout, trips);
  std::size_t n_hold = 0;
  for (const Trip& t : trips) n_hold += t.holdout ? 1 : 0;
  std::fprintf(stderr, "trips: %zu on training days, %zu on the held-out day\n",
               trips.size() - n_hold, n_hold);

  // 3. Predictions.
  const std::vector<Weight> ff(graph->weights().begin(), graph->weights().end());
  Dijkstra on_ff(*graph, ff);
  std::map<std::uint32_t, std::pair<std::vector<Weight>, double>> tod_cache;  // slice -> w, city
  auto tod = [&](TimeSlice s) -> const std::pair<std::vector<Weight>, double>& {
    auto it = tod_cache.find(s.value());
    if (it == tod_cache.end()) {
      TrafficMetricStats st;
      std::vector<Weight> w = make_metric_weights(*graph, *profile, s, {}, &st);
      it = tod_cache.emplace(s.value(), std::make_pair(std::move(w), st.city_ratio)).first;
    }
    return it->second;
  };
  struct Pred {
    double ff, city, tod;
  };
  std::vector<Pred> pred(trips.size());
  std::vector<bool> routable(trips.size(), false);
  for (std::size_t i = 0; i < trips.size(); ++i) {
    const Trip& t = trips[i];
    const Deciseconds a = on_ff.distance(t.from, t.to);
    const auto& [w, city] = tod(t.slice);
    Dijkstra on_tod(*graph, w);
    const Deciseconds b = on_tod.distance(t.from, t.to);
    if (a.is_infinite() || b.is_infinite() || a.count() == 0) continue;
    routable[i] = true;
    pred[i] = {a.seconds(), a.seconds() * city, b.seconds()};
  }
  std::vector<double> r_ff, r_tod;
  for (std::size_t i = 0; i < trips.size(); ++i)
    if (routable[i] && !trips[i].holdout) {
      r_ff.push_back(trips[i].observed_s / pred[i].ff);
      r_tod.push_back(trips[i].observed_s / pred[i].tod);
    }
  const double c_ff = median(r_ff), c_tod = median(r_tod);
  std::fprintf(stderr, "calibration on %zu training trips: free flow x %.3f, time-of-day x %.3f\n",
               r_ff.size(), c_ff, c_tod);

  // 4. Errors on the held-out day.
  constexpr int kMethods = 5;
  const char* names[kMethods] = {"free flow", "calibrated", "city-slice", "time-of-day",
                                 "tod+calib"};
  std::map<int, std::array<Row, kMethods>> by_hour;  // -1 = all
  for (std::size_t i = 0; i < trips.size(); ++i) {
    if (!routable[i] || !trips[i].holdout) continue;
    const double obs = trips[i].observed_s;
    const double p[kMethods] = {pred[i].ff, pred[i].ff * c_ff, pred[i].city, pred[i].tod,
                                pred[i].tod * c_tod};
    for (int h : {-1, static_cast<int>(slicing.hour_of_day(trips[i].slice))})
      for (int m = 0; m < kMethods; ++m) by_hour[h][m].add(p[m], obs);
  }
  if (by_hour.empty()) {
    std::cerr << "dk-eta-eval: no routable trips on the held-out day\n";
    return 1;
  }
  std::printf("### ETA quality, held-out day %s (%zu trips; profile from the other days)\n\n",
              holdout_text.c_str(), by_hour[-1][0].err.size());
  std::printf(
      "Calibration factors from %zu training-day trips: free flow x %.3f, "
      "time-of-day x %.3f\n\n",
      r_ff.size(), c_ff, c_tod);
  std::printf(
      "| metric | median abs error (s) | median error (s) | mean error (s) | "
      "median abs %% error |\n|---|---|---|---|---|\n");
  for (int m = 0; m < kMethods; ++m) {
    const Row& r = by_hour[-1][m];
    double mean = 0.0;
    for (double e : r.err) mean += e;
    mean /= static_cast<double>(r.err.size());
    std::printf("| %s | %.0f | %+.0f | %+.0f | %.1f%% |\n", names[m], median(r.abs_err),
                median(r.err), mean, median(r.abs_pct));
  }
  std::printf("\nBy local hour of the trip start: median abs error (s) / median error (s)\n\n");
  std::printf("| hour | trips |");
  for (int m = 0; m < kMethods; ++m) std::printf(" %s |", names[m]);
  std::printf("\n|---|---|");
  for (int m = 0; m < kMethods; ++m) std::printf("---|");
  std::printf("\n");
  for (const auto& [h, rows] : by_hour) {
    if (h < 0) continue;
    std::printf("| %02d | %zu |", h, rows[0].err.size());
    for (int m = 0; m < kMethods; ++m)
      std::printf(" %.0f / %+.0f |", median(rows[m].abs_err), median(rows[m].err));
    std::printf("\n");
  }
  std::fprintf(stderr, "done in %.0f s\n", elapsed());
  return 0;
}
