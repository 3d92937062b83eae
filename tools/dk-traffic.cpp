// dk-traffic: derive a per-arc, per-slice traffic profile (docs/traffic.md) from GPS traces.
//
//   dk-traffic --graph=data/sf/sf_osm_edges.csv.xz
//              --gps=../shared/data/sf_cabspotting_taxi_gps_2008-05-18_2008-05-24.csv.xz
//              --out=/tmp/sf_profile.csv [--exclude-day=2008-05-21] [--slice-minutes=15]
//              [--utc-offset-minutes=-420] [--min-samples=1] [--occupied-only]
//              [--radius-m=50] [--max-gap-s=90]
//
// Reads the GPS CSV (cab_id,unix_time_utc,lat,lon,occupied; see route/traffic/gps.hpp),
// drops fixes outside the graph's bounding box (plus 500 m) and on excluded days, map
// matches each vehicle's consecutive fixes onto the graph (route/traffic/map_matching.hpp)
// and writes the 20%-trimmed mean (or median) travel time of every (arc, slice) seen. Progress on
// stderr (on a terminal, or with --progress); statistics at the end. Flag values are
// checked before any file is read (--radius-m, --max-gap-s > 0, --min-samples >= 1), the
// --out directory before the matching. Exit status (all dk-* tools): 0 ok, 1 bad input
// (missing or malformed file, a graph without nodes or coordinates), 2 usage.
//
// Data licence: the cabspotting traces may be used for measurement but never copied into
// the project, and the same holds for per-trip data derived from them. The profile written
// here is aggregated (one statistic per arc and slice); still, write it outside the repository.
#include <chrono>
#include <cstdio>
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

constexpr const char* kTool = "dk-traffic";

void usage() {
  std::fputs(
      "usage: dk-traffic --graph=PATH --gps=FILE --out=PROFILE.csv\n"
      "                  [--exclude-day=YYYY-MM-DD]... [--slice-minutes=15]\n"
      "                  [--utc-offset-minutes=-420] [--min-samples=1]\n"
      "                  [--occupied-only] [--radius-m=50] [--max-gap-s=90]\n"
      "                  [--statistic=mean|median] [--progress|--no-progress]\n",
      stderr);
  std::fputs(dk_tools::kOsmGraphFlagsUsage, stderr);
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  dk_tools::GpsToolFlags flags;
  std::string out_path;
  std::uint32_t min_samples = 1;
  GpsFilter filter;
  bool progress = dk_tools::progress_default();
  MapMatchOptions& mm = flags.matching;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&](std::string_view flag) { return dk_tools::flag_value(a, flag); };
    // Values that can only give an empty profile are usage errors (F11).
    auto in_range = [&](bool good, const char* why) {
      if (!good) dk_tools::usage_error(kTool, why);
      return good;
    };
    bool ok = true;
    if (const std::optional<bool> shared = flags.parse(a))
      ok = *shared;
    else if (auto v = value("--out"))
      out_path = *v;
    else if (auto v = value("--exclude-day")) {
      const auto day = dispatchkit::detail::parse_iso_date(*v);
      ok = day.has_value();
      if (ok) filter.excluded_local_days.push_back(*day);
    } else if (auto v = value("--min-samples"))
      ok = dk_tools::parse_flag_number("--min-samples", *v, min_samples, "an integer >= 1") &&
           in_range(min_samples >= 1, "--min-samples must be at least 1");
    else if (auto v = value("--radius-m"))
      ok = dk_tools::parse_flag_number("--radius-m", *v, mm.radius_m, "metres > 0") &&
           in_range(mm.radius_m > 0, "--radius-m must be positive (metres)");
    else if (auto v = value("--max-gap-s"))
      ok = dk_tools::parse_flag_number("--max-gap-s", *v, mm.max_gap_s, "seconds > 0") &&
           in_range(mm.max_gap_s > 0, "--max-gap-s must be positive (seconds)");
    else if (a == "--progress")
      progress = true;
    else if (a == "--no-progress")
      progress = false;
    else if (a == "--help" || a == "-h") {
      usage();
      return dk_tools::kExitOk;
    } else
      ok = false;
    if (!ok) {
      dk_tools::usage_error(kTool, "bad argument '" + std::string(a) + "'");
      usage();
      return dk_tools::kExitUsage;
    }
  }
  const std::string& graph_path = flags.graph_path;
  if (graph_path.empty() || flags.gps_path.empty() || out_path.empty()) {
    usage();
    return dk_tools::kExitUsage;
  }
  const TimeSlicing slicing = flags.slicing();
  if (!slicing.is_valid()) {
    return dk_tools::usage_error(kTool, "--slice-minutes must divide a day");
  }

  // An unwritable --out is reported now, not after the whole map matching.
  if (const absl::Status w = dk_tools::check_writable_dir(out_path); !w.ok())
    return dk_tools::status_error(kTool, w);
  const auto t0 = std::chrono::steady_clock::now();
  GraphLoadOptions graph_options;
  graph_options.osm = flags.osm;
  dk_tools::ProgressBar import_bar(dk_tools::progress_default(), "importing", "bytes");
  dk_tools::show_osm_import_progress(graph_options.osm, import_bar);
  absl::StatusOr<RoadGraph> graph = load_graph(graph_path, graph_options);
  if (!graph.ok()) return dk_tools::status_error(kTool, graph.status());
  if (auto why = dk_tools::gps_graph_problem(*graph, graph_path))
    return dk_tools::input_error(kTool, *why);
  absl::StatusOr<Snapper> snapper = Snapper::build(*graph);
  if (!snapper.ok()) return dk_tools::status_error(kTool, snapper.status());
  std::fprintf(stderr, "graph: %u nodes, %u arcs (%.1f s)\n", graph->node_count(),
               graph->arc_count(), seconds_since(t0));
  // Bounding box of the graph plus ~500 m: fixes outside are GPS outliers or off the map.
  const GpsFilter box = gps_filter_around(*graph, {0.005, 0.006});
  filter.south_west = box.south_west;
  filter.north_east = box.north_east;

  const auto t1 = std::chrono::steady_clock::now();
  absl::StatusOr<std::vector<GpsTrack>> tracks = load_gps_tracks(flags.gps_path);
  if (!tracks.ok()) return dk_tools::status_error(kTool, tracks.status());
  std::size_t fixes = 0;
  for (const GpsTrack& t : *tracks) fixes += t.fixes.size();
  std::fprintf(stderr, "gps: %zu fixes of %zu vehicles (%.1f s)\n", fixes, tracks->size(),
               seconds_since(t1));

  const auto t2 = std::chrono::steady_clock::now();
  MapMatcher matcher(*snapper, mm);
  dk_tools::ProgressBar bar(progress, "matching", "vehicles");
  auto on_progress = [&](std::size_t done, std::size_t total) { bar(done, total); };
  absl::StatusOr<TrafficProfile> profile = profile_from_tracks(
      matcher, *tracks, slicing, filter, min_samples, on_progress, flags.statistic);
  if (!profile.ok()) return dk_tools::status_error(kTool, profile.status());
  const MapMatchStats& s = matcher.stats();
  std::fprintf(stderr,
               "fixes in box and days: %llu (%llu without a street within %.0f m)\n"
               "steps: %llu; gap %llu, stationary %llu, unoccupied %llu, no route %llu, "
               "implausible %llu, attributed %llu\n"
               "arc samples: %llu; profile: %zu cells on %u of %u arcs (%.1f s matching)\n",
               static_cast<unsigned long long>(s.fixes),
               static_cast<unsigned long long>(s.fixes_without_candidate), mm.radius_m,
               static_cast<unsigned long long>(s.steps),
               static_cast<unsigned long long>(s.steps_gap),
               static_cast<unsigned long long>(s.steps_stationary),
               static_cast<unsigned long long>(s.steps_unoccupied),
               static_cast<unsigned long long>(s.steps_no_route),
               static_cast<unsigned long long>(s.steps_implausible),
               static_cast<unsigned long long>(s.steps_attributed),
               static_cast<unsigned long long>(s.arc_samples), profile->cell_count(),
               profile->observed_arc_count(), graph->arc_count(), seconds_since(t2));
  if (s.arc_samples == 0)
    std::fprintf(stderr,
                 "dk-traffic: WARNING: no GPS step was attributed to a street: the profile is "
                 "empty and every ETA built on it is free flow (check --radius-m, --max-gap-s, "
                 "--exclude-day and that the GPS covers the graph)\n");
  if (absl::Status st = save_traffic_profile(out_path, *profile, *graph); !st.ok())
    return dk_tools::status_error(kTool, st);
  std::fprintf(stderr, "wrote %s (total %.1f s)\n", out_path.c_str(), seconds_since(t0));
  return 0;
}
