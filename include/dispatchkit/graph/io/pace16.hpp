// dispatchkit/graph/io/pace16.hpp: loader for the PACE 2016 "p tw" road topologies.
//
//   absl::StatusOr<RoadGraph> ny = load_pace16("road_pace16_NY.gr.xz");
//   // 264,346 nodes, 730,100 arcs; weights from pace16_default_weight()
//
// The PACE 2016 treewidth challenge republished the DIMACS 9th Challenge road graphs
// (USA-road-d.*) as undirected, unweighted topologies that keep the DIMACS 1-based node
// ids:
//   c comment
//   p tw <nodes> <edges>
//   <u> <v>            one line per undirected edge, ids 1..nodes
// Each edge {u, v} becomes the arcs u -> v and v -> u with the weight
// `options.pace_weight(min(u, v), max(u, v))` (default: pace16_default_weight, documented
// in docs/graph.md), length 0 and no coordinates. External ids are the file's ids.
//
// Errors ("PATH:LINE: ..."): NotFound (missing file), DataLoss (truncated compressed
// stream, or fewer edge lines than the header announces), InvalidArgument (missing or
// malformed header, malformed line, more edges than announced), OutOfRange (a node id
// outside 1..nodes).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/io/detail/line_format.hpp"
#include "dispatchkit/graph/io/options.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/io/file.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// Loads a PACE 2016 "p tw" graph (plain, gzip or xz). O(n + m log m) time (the builder
// sorts arcs), O(file size + n + m) memory.
[[nodiscard]] absl::StatusOr<RoadGraph> load_pace16(const std::string& path,
                                                    const GraphLoadOptions& options = {});

namespace detail {

// Parses PACE text already read from `path`.
[[nodiscard]] inline absl::StatusOr<RoadGraph> load_pace16_text(const std::string& path,
                                                                std::string_view text,
                                                                const GraphLoadOptions& options) {
  HeaderedLines lines(path, text, "p tw <nodes> <edges>", "edge", "PACE 2016 format");
  std::uint64_t n = 0, m = 0;
  RoadGraphBuilder builder(path);
  const PaceWeightFunction& weight =
      options.pace_weight ? options.pace_weight : PaceWeightFunction(pace16_default_weight);
  while (lines.next()) {
    const std::vector<std::string_view>& f = lines.fields();
    if (lines.at_header()) {
      DK_RETURN_IF_ERROR(lines.read_graph_header("tw", "the edge count", n, m));
      // Each edge becomes two arcs (a count near 2^63 must not wrap around to a small one).
      const std::uint64_t arcs = m >= UINT32_MAX ? UINT64_MAX : 2 * m;
      DK_RETURN_IF_ERROR(lines.check_size(n, arcs, m, text.size()));
      builder.reserve(n, 2 * reserve_arcs(m, text.size()));
      builder.add_nodes(static_cast<std::uint32_t>(n), 1);
      continue;
    }
    DK_RETURN_IF_ERROR(lines.begin_record());
    if (f.size() != 2) return lines.error("expected an edge line '<u> <v>'");
    std::uint64_t u = 0, v = 0;
    DK_RETURN_IF_ERROR(lines.parse(0, "a node id", u));
    DK_RETURN_IF_ERROR(lines.parse(1, "a node id", v));
    if (u < 1 || u > n || v < 1 || v > n)
      return lines.error(absl::StatusCode::kOutOfRange,
                         absl::StrCat("node id ", (u < 1 || u > n) ? u : v, " outside 1..", n,
                                      " (the header's node count)"));
    DK_RETURN_IF_ERROR(lines.count_record(m));
    const auto a = static_cast<std::uint32_t>(u), b = static_cast<std::uint32_t>(v);
    const Deciseconds w(weight(std::min(a, b), std::max(a, b)));
    builder.add_arc(NodeId(a - 1), NodeId(b - 1), w, Meters(0), lines.line_number());
    builder.add_arc(NodeId(b - 1), NodeId(a - 1), w, Meters(0), lines.line_number());
  }
  DK_RETURN_IF_ERROR(lines.finish(m));
  return std::move(builder).build({.keep_largest_scc = options.keep_largest_scc});
}

}  // namespace detail

inline absl::StatusOr<RoadGraph> load_pace16(const std::string& path,
                                             const GraphLoadOptions& options) {
  DK_ASSIGN_OR_RETURN(const std::string text, read_file(path));
  return detail::load_pace16_text(path, text, options);
}

DISPATCHKIT_NAMESPACE_END
