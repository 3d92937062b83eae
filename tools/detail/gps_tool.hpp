// tools/detail/gps_tool.hpp: what the GPS tools (dk-traffic, dk-eta-eval) share: their
// common flags and the checks of the graph they match traces on (not part of the installed
// dispatchkit API; namespace dk_tools).
//
//   dk_tools::GpsToolFlags flags;
//   for (int i = 1; i < argc; ++i) {
//     const std::string_view a = argv[i];
//     if (const std::optional<bool> ok = flags.parse(a)) { if (!*ok) return bad_argument(a); }
//     else if (...tool's own flags...) ...
//   }
//   if (auto why = dk_tools::gps_graph_problem(*graph, flags.graph_path))
//     return dk_tools::input_error("dk-x", *why);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "detail/tool_flags.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/route/traffic/map_matching.hpp"
#include "dispatchkit/route/traffic/time_slice.hpp"

namespace dk_tools {

// --graph (with --profile and --all-components), --gps, --slice-minutes, --utc-offset-minutes,
// --occupied-only and
// --statistic=mean|median.
struct GpsToolFlags {
  std::string graph_path, gps_path;
  std::int32_t slice_minutes = 15;
  std::int32_t utc_offset_minutes = -7 * 60;  // the San Francisco taxi week is PDT
  dispatchkit::MapMatchOptions matching;
  // The trimmed mean adds up better along routes than the median (docs/traffic.md).
  dispatchkit::TrafficAccumulator::Statistic statistic =
      dispatchkit::TrafficAccumulator::Statistic::kTrimmedMean;

  // nullopt when `arg` is none of these flags; true when it was taken; false when it is
  // one of them with a bad value (a message may have been printed).
  dispatchkit::OsmLoadOptions osm;  // --profile, --all-components (tool_flags.hpp)

  [[nodiscard]] std::optional<bool> parse(std::string_view arg) {
    if (const std::optional<bool> taken = osm_graph_flag(arg, osm)) return taken;
    if (auto v = flag_value(arg, "--graph")) {
      graph_path = *v;
    } else if (auto v = flag_value(arg, "--gps")) {
      gps_path = *v;
    } else if (auto v = flag_value(arg, "--slice-minutes")) {
      return parse_flag_number("--slice-minutes", *v, slice_minutes);
    } else if (auto v = flag_value(arg, "--utc-offset-minutes")) {
      return parse_flag_number("--utc-offset-minutes", *v, utc_offset_minutes);
    } else if (arg == "--occupied-only") {
      matching.occupied_only = true;
    } else if (auto v = flag_value(arg, "--statistic")) {
      using Statistic = dispatchkit::TrafficAccumulator::Statistic;
      if (*v == "mean")
        statistic = Statistic::kTrimmedMean;
      else if (*v == "median")
        statistic = Statistic::kMedian;
      else
        return false;
    } else {
      return std::nullopt;
    }
    return true;
  }

  [[nodiscard]] dispatchkit::TimeSlicing slicing() const {
    return dispatchkit::TimeSlicing(slice_minutes, utc_offset_minutes);
  }
};

// Why GPS cannot be matched on `graph` ("PATH: graph has no nodes", "PATH: graph has no
// coordinates to match GPS on"), or nullopt when it can.
[[nodiscard]] inline std::optional<std::string> gps_graph_problem(
    const dispatchkit::RoadGraph& graph, const std::string& path) {
  if (graph.node_count() == 0) return path + ": graph has no nodes";
  if (!graph.has_coordinates()) return path + ": graph has no coordinates to match GPS on";
  return std::nullopt;
}

}  // namespace dk_tools
