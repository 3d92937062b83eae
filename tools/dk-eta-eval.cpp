// dk-eta-eval: how well do free-flow and time-of-day metrics predict observed trip times?
//
//   dk-eta-eval --graph=data/sf/sf_osm_edges.csv.xz
//               --gps=../shared/data/sf_cabspotting_taxi_gps_2008-05-18_2008-05-24.csv.xz
//               --holdout-day=2008-05-21 [--slice-minutes=15] [--utc-offset-minutes=-420]
//               [--profile-out=/tmp/train_profile.csv] [--occupied-only]
//
// The protocol (profile from every day but the held-out one, trips cut from the traces,
// five models, errors on the held-out day) is the library's: route/traffic/eta_evaluation.hpp
// and docs/traffic.md, "ETA quality". This tool parses the flags, runs the three stages and
// prints the result as Markdown on stdout (progress on stderr).
// Exit status (all dk-* tools): 0 ok, 1 bad input (missing or malformed graph or GPS file, a
// graph without nodes or coordinates, no routable trip on the held-out day), 2 usage.
//
// Data licence: trips are derived per-trip data from the cabspotting traces: they live
// in memory only and are never written (the tool prints aggregates only).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detail/gps_tool.hpp"
#include "detail/tool_flags.hpp"
#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/graph/snap.hpp"
#include "dispatchkit/route/traffic.hpp"
#include "dispatchkit/route/traffic/eta_evaluation.hpp"

using namespace dispatchkit;

namespace {

constexpr const char* kTool = "dk-eta-eval";

void usage() {
  std::fputs(
      "usage: dk-eta-eval --graph=PATH --gps=FILE --holdout-day=YYYY-MM-DD\n"
      "                   [--slice-minutes=15] [--utc-offset-minutes=-420]\n"
      "                   [--profile-out=PATH] [--occupied-only]\n"
      "                   [--statistic=mean|median]\n",
      stderr);
  std::fputs(dk_tools::kOsmGraphFlagsUsage, stderr);
}

// The Markdown report of `e` on stdout.
void print_report(const TripEtaEvaluation& e, const std::string& holdout_day) {
  std::printf("### ETA quality, held-out day %s (%zu trips; profile from the other days)\n\n",
              holdout_day.c_str(), e.overall[0].trips);
  std::printf(
      "Calibration factors from %zu training-day trips: free flow x %.3f, "
      "time-of-day x %.3f\n\n",
      e.calibration_trips, e.free_flow_factor, e.time_of_day_factor);
  std::printf(
      "| metric | median abs error (s) | median error (s) | mean error (s) | "
      "median abs %% error |\n|---|---|---|---|---|\n");
  for (std::size_t m = 0; m < kEtaModelCount; ++m) {
    const TripEtaErrors& r = e.overall[m];
    const std::string_view name = eta_model_name(static_cast<EtaModel>(m));
    std::printf("| %.*s | %.0f | %+.0f | %+.0f | %.1f%% |\n", static_cast<int>(name.size()),
                name.data(), r.median_abs_error_s, r.median_error_s, r.mean_error_s,
                r.median_abs_percent_error);
  }
  std::printf("\nBy local hour of the trip start: median abs error (s) / median error (s)\n\n");
  std::printf("| hour | trips |");
  for (std::size_t m = 0; m < kEtaModelCount; ++m) {
    const std::string_view name = eta_model_name(static_cast<EtaModel>(m));
    std::printf(" %.*s |", static_cast<int>(name.size()), name.data());
  }
  std::printf("\n|---|---|");
  for (std::size_t m = 0; m < kEtaModelCount; ++m) std::printf("---|");
  std::printf("\n");
  for (std::size_t h = 0; h < e.by_hour.size(); ++h) {
    const TripEtaRow& row = e.by_hour[h];
    if (row[0].trips == 0) continue;
    std::printf("| %02zu | %zu |", h, row[0].trips);
    for (const TripEtaErrors& r : row)
      std::printf(" %.0f / %+.0f |", r.median_abs_error_s, r.median_error_s);
    std::printf("\n");
  }
}

}  // namespace

int main(int argc, char** argv) {
  dk_tools::GpsToolFlags flags;
  std::string profile_out, holdout_text;
  std::optional<std::int64_t> holdout;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    bool ok = true;
    if (const std::optional<bool> shared = flags.parse(a)) {
      ok = *shared;
    } else if (auto v = dk_tools::flag_value(a, "--profile-out")) {
      profile_out = *v;
    } else if (auto v = dk_tools::flag_value(a, "--holdout-day")) {
      holdout_text = *v;
      ok = (holdout = dispatchkit::detail::parse_iso_date(*v)).has_value();
    } else if (a == "--help" || a == "-h") {
      usage();
      return dk_tools::kExitOk;
    } else {
      ok = false;
    }
    if (!ok) {
      dk_tools::usage_error(kTool, "bad argument '" + std::string(a) + "'");
      usage();
      return dk_tools::kExitUsage;
    }
  }
  if (flags.graph_path.empty() || flags.gps_path.empty() || !holdout) {
    usage();
    return dk_tools::kExitUsage;
  }
  const TimeSlicing slicing = flags.slicing();
  if (!slicing.is_valid()) return dk_tools::usage_error(kTool, "--slice-minutes must divide a day");
  if (!profile_out.empty()) {
    if (const absl::Status w = dk_tools::check_writable_dir(profile_out); !w.ok())
      return dk_tools::status_error(kTool, w);
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  GraphLoadOptions graph_options;
  graph_options.osm = flags.osm;
  dk_tools::ProgressBar import_bar(dk_tools::progress_default(), "importing", "bytes");
  dk_tools::show_osm_import_progress(graph_options.osm, import_bar);
  absl::StatusOr<RoadGraph> graph = load_graph(flags.graph_path, graph_options);
  if (!graph.ok()) return dk_tools::status_error(kTool, graph.status());
  if (auto why = dk_tools::gps_graph_problem(*graph, flags.graph_path))
    return dk_tools::input_error(kTool, *why);
  absl::StatusOr<Snapper> snapper = Snapper::build(*graph);
  if (!snapper.ok()) return dk_tools::status_error(kTool, snapper.status());
  absl::StatusOr<std::vector<GpsTrack>> tracks = load_gps_tracks(flags.gps_path);
  if (!tracks.ok()) return dk_tools::status_error(kTool, tracks.status());

  // 1. Profile from the training days (fixes in the graph's own box).
  GpsFilter training = gps_filter_around(*graph);
  training.excluded_local_days.push_back(*holdout);
  MapMatcher matcher(*snapper, flags.matching);
  absl::StatusOr<TrafficProfile> profile =
      profile_from_tracks(matcher, *tracks, slicing, training, 1, {}, flags.statistic);
  if (!profile.ok()) return dk_tools::status_error(kTool, profile.status());
  std::fprintf(stderr, "training profile: %zu cells on %u of %u arcs, %llu arc samples (%.0f s)\n",
               profile->cell_count(), profile->observed_arc_count(), graph->arc_count(),
               static_cast<unsigned long long>(matcher.stats().arc_samples), elapsed());
  if (!profile_out.empty()) {
    if (absl::Status s = save_traffic_profile(profile_out, *profile, *graph); !s.ok())
      return dk_tools::status_error(kTool, s);
  }

  // 2. Trips of every day.
  const std::vector<EtaTrip> trips = cut_trips(*tracks, *snapper, slicing, *holdout);
  std::size_t held_out = 0;
  for (const EtaTrip& t : trips) held_out += t.holdout ? 1 : 0;
  std::fprintf(stderr, "trips: %zu on training days, %zu on the held-out day\n",
               trips.size() - held_out, held_out);

  // 3. Predictions, calibration and errors.
  const TripEtaEvaluation e = evaluate_trip_etas(*graph, *profile, trips, slicing);
  std::fprintf(stderr, "calibration on %zu training trips: free flow x %.3f, time-of-day x %.3f\n",
               e.calibration_trips, e.free_flow_factor, e.time_of_day_factor);
  if (e.overall[0].trips == 0)
    return dk_tools::input_error(kTool, "no routable trips on the held-out day");
  print_report(e, holdout_text);
  std::fprintf(stderr, "done in %.0f s\n", elapsed());
  return dk_tools::kExitOk;
}
