// dk-import: an OpenStreetMap extract as a dispatch-ready binary road graph.
//
//   dk-import --osm=monaco.osm.pbf --profile=ambulance --out=/tmp/monaco
//     -> /tmp/monaco.dkg: the road graph (street names, shapes, flags, turn states), the
//        profile's name and the extract's fingerprint, versioned and checksummed
//   dk-route --graph=/tmp/monaco.dkg --from=21912089 --to=1868285541
//
// Every tool's --graph= (and load_graph()) reads .dkg files, much faster than importing the
// extract again (bench/bench_import). Exit status: 0 on success, 1 on bad input (a damaged
// extract, a way naming a missing node, an unreadable profile; the message names the file
// and the OSM object), 2 on a usage error.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "detail/tool_flags.hpp"
#include "dispatchkit/detail/hash.hpp"
#include "dispatchkit/graph/io/graph_file.hpp"
#include "dispatchkit/graph/osm.hpp"

namespace {

constexpr const char* kUsage =
    "usage: dk-import --osm=FILE --out=PREFIX [--profile=ambulance|car|PATH] [--all-components]\n"
    "\n"
    "Reads an OpenStreetMap extract (.osm.pbf, .osm, .osm.bz2, .osm.gz), judges every way\n"
    "by the profile (docs/osm.md), splits ways at intersections, applies turn restrictions\n"
    "when the profile obeys them, keeps the largest strongly connected component, and\n"
    "writes PREFIX.dkg, which --graph= of every dk-* tool loads.\n"
    "\n"
    "  --osm=FILE          the extract\n"
    "  --out=PREFIX        output path prefix (PREFIX.dkg)\n"
    "  --profile=P         ambulance (lights and sirens, default), car, or a profile file\n"
    "  --all-components    keep every strongly connected piece, not only the largest\n"
    "  --quiet             no progress bar\n"
    "  --help              this text\n";

// The extract's own fingerprint (its bytes), recorded in the graph file so that a graph
// can be traced to the exact download it came from.
std::uint64_t file_fingerprint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return dispatchkit::detail::checksum64(bytes);
}

}  // namespace

int main(int argc, char** argv) {
  std::string osm, out;
  dispatchkit::OsmLoadOptions options;
  bool quiet = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (auto v = dk_tools::flag_value(arg, "--osm")) {
      osm = std::string(*v);
    } else if (auto v = dk_tools::flag_value(arg, "--out")) {
      out = std::string(*v);
    } else if (auto v = dk_tools::flag_value(arg, "--profile")) {
      options.profile = std::string(*v);
    } else if (arg == "--all-components") {
      options.keep_all_components = true;
    } else if (arg == "--quiet") {
      quiet = true;
    } else {
      dk_tools::unknown_argument("dk-import", arg);
      std::fputs(kUsage, stderr);
      return dk_tools::kExitUsage;
    }
  }
  if (osm.empty() || out.empty()) {
    dk_tools::usage_error("dk-import", "--osm and --out are required");
    std::fputs(kUsage, stderr);
    return dk_tools::kExitUsage;
  }
  dk_tools::ProgressBar bar(!quiet && dk_tools::progress_default(), "importing", "bytes");
  options.progress = [&bar](std::uint64_t done, std::uint64_t total) {
    bar(static_cast<std::size_t>(done), static_cast<std::size_t>(total));
  };
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<dispatchkit::OsmImport> city = dispatchkit::import_osm(osm, options);
  if (!city.ok()) return dk_tools::input_error("dk-import", city.status().ToString());
  const double import_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  dispatchkit::GraphFileInfo info;
  info.profile = city->profile.name;
  info.source_name = osm;
  info.source_fingerprint = file_fingerprint(osm);
  const std::string path = out + ".dkg";
  if (absl::Status s = dispatchkit::save_graph_file(city->graph, path, info); !s.ok())
    return dk_tools::input_error("dk-import", s.ToString());
  std::printf("%s (imported in %.2f s)\n%swrote %s\n", osm.c_str(), import_s,
              city->report.summary().c_str(), path.c_str());
  return 0;
}
