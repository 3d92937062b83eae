// dispatchkit/graph/io/options.hpp: the options every graph loader takes, and the
// documented default weight function for the unweighted PACE 2016 road topologies.
//
//   GraphLoadOptions opt;
//   opt.keep_largest_scc = true;                     // drop dead ends and islands
//   opt.jemss_mode = TravelMode::kNormal;            // JEMSS "mode_2" travel times
//   opt.pace_weight = [](std::uint32_t u, std::uint32_t v) { return Weight{10}; };
//   absl::StatusOr<RoadGraph> g = load_graph("NY.gr.xz", opt);
//
// Kept in its own header so that every per-format loader (graph/io/*.hpp) and the
// umbrella graph/io.hpp agree on one options type.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <system_error>

#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/hash.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/graph/types.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// Weight of the undirected PACE edge {u, v}, given its 1-based file ids with u < v.
using PaceWeightFunction = std::function<Weight(std::uint32_t u, std::uint32_t v)>;

// The project's documented default PACE16 weight (docs/graph.md), used by every benchmark:
//   w({u, v}) = 1 + splitmix64((uint64(min(u, v)) << 32) | max(u, v)) % 1000
// with the 1-based DIMACS ids, so a weight in 1..1000, the same in both directions. The
// PACE topologies carry no weights; a fixed hash gives reproducible, varied weights whose
// spread (three orders of magnitude) keeps CH orderings as hard as on real travel times.
// constexpr, noexcept.
[[nodiscard]] constexpr Weight pace16_default_weight(std::uint32_t u, std::uint32_t v) noexcept {
  const std::uint64_t lo = std::min(u, v), hi = std::max(u, v);
  return static_cast<Weight>(1 + detail::splitmix64((lo << 32) | hi) % 1000);
}

// How an OpenStreetMap extract becomes a road graph (graph/osm/, docs/osm.md). Read only
// when the program links dispatchkit::osm; other formats ignore it.
struct OsmLoadOptions {
  // "ambulance" (lights and sirens), "car" (normal driving) or the path of a profile
  // table file (docs/osm.md, "Your own profile").
  std::string profile = "ambulance";
  // Keep every strongly connected piece instead of the largest one (the default: a
  // dispatch graph where some nodes cannot reach others strands units).
  bool keep_all_components = false;
  // Called now and then while reading, with bytes read so far and the file's size.
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
};

struct GraphLoadOptions {
  // Keep only the largest strongly connected component (node ids renumbered densely,
  // external ids kept). Off by default: the bundled graphs are already strongly connected.
  bool keep_largest_scc = false;
  // Which JEMSS travel-time column to use: mode_1 (lights and sirens) or mode_2 (normal).
  TravelMode jemss_mode = TravelMode::kLightsAndSirens;
  // Weight of each PACE16 edge (both arcs get the same weight). Called with u < v.
  PaceWeightFunction pace_weight = pace16_default_weight;
  // OpenStreetMap input (.osm.pbf, .osm, .osm.bz2, .osm.gz).
  OsmLoadOptions osm;
};

namespace detail {

// Header counts are trusted for allocation only as far as the file could back them: a road
// graph has at least one edge line per few nodes, so a node count far beyond the file size
// is a corrupt header, and believing it would exhaust memory before the file ends.
[[nodiscard]] constexpr bool plausible_node_count(std::uint64_t nodes, std::size_t bytes) noexcept {
  return nodes <= 1024 + 8 * static_cast<std::uint64_t>(bytes);
}
// Arcs to reserve for a header announcing `arcs`, capped by what `bytes` of text can hold
// (an arc line takes at least 4 bytes), so a lying header cannot make reserve() throw.
[[nodiscard]] constexpr std::uint64_t reserve_arcs(std::uint64_t arcs, std::size_t bytes) noexcept {
  return std::min<std::uint64_t>(arcs, bytes / 4 + 16);
}

// The first of `base`, `base.xz`, `base.gz` that exists (or "" if none does).
[[nodiscard]] inline std::string existing_variant(const std::string& base) {
  std::error_code ec;
  for (const char* suffix : {"", ".xz", ".gz"}) {
    std::string p = base + suffix;
    if (std::filesystem::is_regular_file(p, ec)) return p;
  }
  return {};
}

// `path` without a trailing ".xz" or ".gz".
[[nodiscard]] inline std::string strip_compression_suffix(const std::string& path) {
  for (std::string_view s : {".xz", ".gz"})
    if (path.size() > s.size() && path.ends_with(s)) return path.substr(0, path.size() - s.size());
  return path;
}

// The companion of `path` whose file name has the last `from` replaced by `to`
// ("sf_osm_edges.csv.xz" -> "sf_osm_nodes.csv[.xz|.gz]"), compressed or not; "" if the
// name has no `from` or no such file exists.
[[nodiscard]] inline std::string companion_file(const std::string& path, std::string_view from,
                                                std::string_view to) {
  const std::filesystem::path p(strip_compression_suffix(path));
  std::string name = p.filename().string();
  const std::size_t at = name.rfind(from);
  if (at == std::string::npos) return {};
  name.replace(at, from.size(), to);
  return existing_variant((p.parent_path() / name).string());
}

}  // namespace detail
DISPATCHKIT_NAMESPACE_END
