// dk-convert: read a road graph in any format dispatchkit loads and write it as DIMACS.
//
//   dk-convert --in=data/sf/sf_osm_edges.csv.xz --out=/tmp/sf [--scc]
//     -> /tmp/sf.gr (p sp, travel times in deciseconds), /tmp/sf.co (coordinates)
//
// Useful to feed dispatchkit's graphs to other route planners (RoutingKit, KaHIP, OSRM
// tools) or to freeze a JEMSS / CSV network into one reproducible benchmark file.
// Exit status: 0 on success, 1 on a load or write error (the message names PATH:LINE),
// 2 on a usage error.
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

#include "detail/tool_flags.hpp"
#include "dispatchkit/graph/io.hpp"

namespace {

constexpr const char* kUsage =
    "usage: dk-convert --in=PATH --out=PREFIX [--scc] [--jemss-mode=lights_and_sirens|normal]\n"
    "\n"
    "Reads a road graph (DIMACS .gr, PACE 2016 .gr, OSM nodes/edges CSV, JEMSS city\n"
    "directory or integrator CSV; plain, .gz or .xz; format detected from the content) and\n"
    "writes PREFIX.gr (DIMACS 'p sp', dense 1-based ids, travel times in deciseconds) and,\n"
    "if the graph has coordinates, PREFIX.co (millionths of a degree, x = longitude).\n"
    "\n"
    "  --in=PATH         input file or directory\n"
    "  --out=PREFIX      output path prefix\n"
    "  --scc             keep only the largest strongly connected component\n"
    "  --jemss-mode=M    JEMSS travel times: lights_and_sirens (mode_1, default) or normal\n"
    "  --help            this text\n"
    "For OpenStreetMap input (.osm.pbf, .osm, .osm.bz2, .osm.gz; use dk-import for a .dkg):\n";

}  // namespace

int main(int argc, char** argv) {
  std::string in, out;
  dispatchkit::GraphLoadOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::fputs(dk_tools::kOsmGraphFlagsUsage, stdout);
      return 0;
    } else if (auto v = dk_tools::flag_value(arg, "--in")) {
      in = std::string(*v);
    } else if (auto v = dk_tools::flag_value(arg, "--out")) {
      out = std::string(*v);
    } else if (const std::optional<bool> osm = dk_tools::osm_graph_flag(arg, options.osm)) {
      if (!*osm) return dk_tools::kExitUsage;
    } else if (arg == "--scc") {
      options.keep_largest_scc = true;
    } else if (auto v = dk_tools::flag_value(arg, "--jemss-mode")) {
      const auto mode = dispatchkit::parse_travel_mode(*v);
      if (!mode) {
        dk_tools::usage_error("dk-convert", "unknown travel mode '" + std::string(*v) + "'");
        std::fputs(kUsage, stderr);
        return dk_tools::kExitUsage;
      }
      options.jemss_mode = *mode;
    } else {
      dk_tools::unknown_argument("dk-convert", arg);
      std::fputs(kUsage, stderr);
      return dk_tools::kExitUsage;
    }
  }
  if (in.empty() || out.empty()) {
    dk_tools::usage_error("dk-convert", "--in and --out are required");
    std::fputs(kUsage, stderr);
    return dk_tools::kExitUsage;
  }
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<dispatchkit::RoadGraph> g = dispatchkit::load_graph(in, options);
  if (!g.ok()) {
    return dk_tools::input_error("dk-convert", g.status().ToString());
  }
  const double load_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (absl::Status s = dispatchkit::write_dimacs(*g, out); !s.ok()) {
    return dk_tools::input_error("dk-convert", s.ToString());
  }
  const std::string co = g->has_coordinates() ? " and " + out + ".co" : "";
  std::printf("%s: %u nodes, %u arcs%s (loaded in %.2f s)\nwrote %s.gr%s\n", in.c_str(),
              g->node_count(), g->arc_count(), options.keep_largest_scc ? " [largest SCC]" : "",
              load_s, out.c_str(), co.c_str());
  return 0;
}
