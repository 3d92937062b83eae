// dispatchkit/graph/io/dimacs.hpp: DIMACS 9th Challenge shortest-path files (.gr + .co),
// read and written.
//
//   absl::StatusOr<RoadGraph> g = load_dimacs("USA-road-t.NY.gr.gz");   // + .co beside it
//   absl::Status s = write_dimacs(*g, "/tmp/ny");                       // ny.gr, ny.co
//
// .gr (directed arcs):                .co (coordinates, optional):
//   c comment                           c comment
//   p sp <nodes> <arcs>                 p aux sp co <nodes>
//   a <u> <v> <weight>                  v <id> <x> <y>
// Ids are 1..nodes. Coordinates are integers in millionths of a degree with x = longitude
// and y = latitude (so USA files have negative x). The .co file is looked up beside the
// .gr by replacing the ".gr" suffix with ".co" (plain, .xz or .gz); it is optional.
//
// Units: each weight becomes that many deciseconds, unchanged. The challenge's travel-time
// graphs (USA-road-t) use an unnamed unit ("the unit of the average speed is somewhat
// arbitrarily chosen", challenge9 TIGER page); treating it as 0.1 s keeps every figure
// integer and comparable with the literature, which reports these weights as they are.
// Arc lengths are the haversine distance between the endpoints when a .co is present,
// else 0. External ids are the file's 1-based ids.
//
// write_dimacs() writes dense 1-based ids (external ids are not kept: `c` header lines
// record the source and the id rule) and the travel times in deciseconds; load -> write ->
// load gives the same arcs, weights and hence the same distances.
//
// Errors ("PATH:LINE: ..."): NotFound, DataLoss (truncated compressed file, or fewer arc /
// node lines than the header announces), InvalidArgument (missing/malformed header or line,
// negative or non-integer weight, more lines than announced, coordinate out of range),
// OutOfRange (an id outside 1..nodes).
#pragma once

#include <charconv>
#include <cmath>
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

// Loads `gr_path` and, if it exists, the .co beside it. O((n + m) log m) time.
[[nodiscard]] absl::StatusOr<RoadGraph> load_dimacs(const std::string& gr_path,
                                                    const GraphLoadOptions& options = {});
// Loads `gr_path` with coordinates from `co_path` ("" for none).
[[nodiscard]] absl::StatusOr<RoadGraph> load_dimacs(const std::string& gr_path,
                                                    const std::string& co_path,
                                                    const GraphLoadOptions& options);

// Writes PREFIX.gr and, if the graph has coordinates, PREFIX.co (each atomically).
// O(n + m) time; builds each file in memory first.
[[nodiscard]] absl::Status write_dimacs(const RoadGraph& graph, const std::string& prefix);

namespace detail {

// The .co file beside a .gr ("x.gr.xz" -> "x.co[.xz|.gz]"), or "".
[[nodiscard]] inline std::string dimacs_co_path(const std::string& gr_path) {
  const std::string base = strip_compression_suffix(gr_path);
  if (base.size() < 3 || !base.ends_with(".gr")) return {};
  return existing_variant(base.substr(0, base.size() - 3) + ".co");
}

// Reads the .co text into `coordinate` (index = id - 1), all `n` nodes required.
[[nodiscard]] inline absl::Status read_dimacs_coordinates(const std::string& path,
                                                          std::string_view text, std::uint64_t n,
                                                          std::vector<LatLon>& coordinate) {
  HeaderedLines lines(path, text, "p aux sp co <nodes>", "node line", "DIMACS coordinates");
  std::vector<bool> has(n, false);
  coordinate.assign(n, LatLon{});
  while (lines.next()) {
    const std::vector<std::string_view>& f = lines.fields();
    if (lines.at_header()) {
      DK_RETURN_IF_ERROR(lines.begin_header());
      if (f.size() != 5 || f[1] != "aux" || f[2] != "sp" || f[3] != "co") return lines.bad_header();
      std::uint64_t count = 0;
      DK_RETURN_IF_ERROR(lines.parse(4, "the node count", count));
      if (count != n)
        return lines.error(
            absl::StrCat("the header announces ", count, " nodes but the .gr file has ", n));
      continue;
    }
    DK_RETURN_IF_ERROR(lines.begin_record());
    if (f.size() != 4 || f[0] != "v") return lines.error("expected a node line 'v <id> <x> <y>'");
    std::uint64_t id = 0;
    std::int64_t x = 0, y = 0;
    DK_RETURN_IF_ERROR(lines.parse(1, "a node id", id));
    DK_RETURN_IF_ERROR(lines.parse(2, "an integer longitude x in 1e-6 degrees", x));
    DK_RETURN_IF_ERROR(lines.parse(3, "an integer latitude y in 1e-6 degrees", y));
    if (id < 1 || id > n)
      return lines.error(absl::StatusCode::kOutOfRange,
                         absl::StrCat("node id ", id, " outside 1..", n));
    const LatLon p{static_cast<double>(y) / 1e6, static_cast<double>(x) / 1e6};
    if (!p.is_valid())
      return lines.error(absl::StrCat("coordinate x=", x, " y=", y,
                                      " is outside -180..180 / -90..90 degrees (x 1e-6 lon)"));
    if (has[id - 1]) return lines.error(absl::StrCat("node ", id, " has a second 'v' line"));
    has[id - 1] = true;
    coordinate[id - 1] = p;
    DK_RETURN_IF_ERROR(lines.count_record(n));
  }
  return lines.finish(n);
}

[[nodiscard]] inline absl::StatusOr<RoadGraph> load_dimacs_text(const std::string& path,
                                                                std::string_view text,
                                                                const std::string& co_path,
                                                                const GraphLoadOptions& options) {
  HeaderedLines lines(path, text, "p sp <nodes> <arcs>", "arc", "DIMACS format");
  std::uint64_t n = 0, m = 0;
  std::vector<LatLon> coordinate;
  RoadGraphBuilder builder(path);
  while (lines.next()) {
    const std::vector<std::string_view>& f = lines.fields();
    if (lines.at_header()) {
      DK_RETURN_IF_ERROR(lines.read_graph_header("sp", "the arc count", n, m));
      DK_RETURN_IF_ERROR(lines.check_size(n, m, m, text.size()));
      if (!co_path.empty()) {
        DK_ASSIGN_OR_RETURN(const std::string co_text, read_file(co_path));
        DK_RETURN_IF_ERROR(read_dimacs_coordinates(co_path, co_text, n, coordinate));
      }
      builder.reserve(n, reserve_arcs(m, text.size()));
      for (std::uint64_t v = 0; v < n; ++v) {
        if (coordinate.empty()) {
          builder.add_node(static_cast<std::int64_t>(v + 1));
        } else {
          builder.add_node(static_cast<std::int64_t>(v + 1), coordinate[v]);
        }
      }
      continue;
    }
    DK_RETURN_IF_ERROR(lines.begin_record());
    if (f.size() != 4 || f[0] != "a") return lines.error("expected an arc line 'a <u> <v> <w>'");
    std::uint64_t u = 0, v = 0;
    std::int64_t w = 0;
    DK_RETURN_IF_ERROR(lines.parse(1, "a node id", u));
    DK_RETURN_IF_ERROR(lines.parse(2, "a node id", v));
    DK_RETURN_IF_ERROR(lines.parse(3, "an integer weight", w));
    if (u < 1 || u > n || v < 1 || v > n)
      return lines.error(absl::StatusCode::kOutOfRange,
                         absl::StrCat("node id ", (u < 1 || u > n) ? u : v, " outside 1..", n,
                                      " (the header's node count)"));
    if (w < 0 || w >= static_cast<std::int64_t>(kInfWeight))
      return lines.error(absl::StrCat("weight ", w, " outside 0..", kInfWeight - 1));
    DK_RETURN_IF_ERROR(lines.count_record(m));
    const Meters length =
        coordinate.empty() ? Meters(0) : haversine(coordinate[u - 1], coordinate[v - 1]);
    builder.add_arc(NodeId(static_cast<std::uint32_t>(u - 1)),
                    NodeId(static_cast<std::uint32_t>(v - 1)), Deciseconds(static_cast<Weight>(w)),
                    length, lines.line_number());
  }
  DK_RETURN_IF_ERROR(lines.finish(m));
  return std::move(builder).build({.keep_largest_scc = options.keep_largest_scc});
}

[[nodiscard]] inline absl::StatusOr<RoadGraph> load_dimacs_text(const std::string& path,
                                                                std::string_view text,
                                                                const GraphLoadOptions& options) {
  return load_dimacs_text(path, text, dimacs_co_path(path), options);
}

inline void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

}  // namespace detail

inline absl::StatusOr<RoadGraph> load_dimacs(const std::string& gr_path,
                                             const GraphLoadOptions& options) {
  DK_ASSIGN_OR_RETURN(const std::string text, read_file(gr_path));
  return detail::load_dimacs_text(gr_path, text, options);
}

inline absl::StatusOr<RoadGraph> load_dimacs(const std::string& gr_path, const std::string& co_path,
                                             const GraphLoadOptions& options) {
  DK_ASSIGN_OR_RETURN(const std::string text, read_file(gr_path));
  return detail::load_dimacs_text(gr_path, text, co_path, options);
}

inline absl::Status write_dimacs(const RoadGraph& graph, const std::string& prefix) {
  const std::uint32_t n = graph.node_count(), m = graph.arc_count();
  std::string gr;
  gr.reserve(64 + std::size_t{m} * 24);
  absl::StrAppend(&gr, "c written by dispatchkit ", DISPATCHKIT_VERSION_STRING,
                  " write_dimacs\nc source: ", graph.source(),
                  "\nc node ids: dense 1-based (dispatchkit NodeId + 1), not the source's ids\n"
                  "c weights: travel time in deciseconds\n");
  absl::StrAppend(&gr, "p sp ", n, " ", m, "\n");
  const auto tails = graph.tails();
  const auto heads = graph.heads();
  const auto weights = graph.weights();
  for (std::uint32_t a = 0; a < m; ++a) {
    gr += "a ";
    detail::append_int(gr, std::int64_t{tails[a]} + 1);
    gr += ' ';
    detail::append_int(gr, std::int64_t{heads[a]} + 1);
    gr += ' ';
    detail::append_int(gr, weights[a]);
    gr += '\n';
  }
  DK_RETURN_IF_ERROR(write_file_atomically(prefix + ".gr", gr));
  if (!graph.has_coordinates()) return absl::OkStatus();
  std::string co;
  co.reserve(64 + std::size_t{n} * 32);
  absl::StrAppend(&co, "c written by dispatchkit ", DISPATCHKIT_VERSION_STRING,
                  " write_dimacs\nc source: ", graph.source(),
                  "\nc x = longitude, y = latitude, in millionths of a degree\n");
  absl::StrAppend(&co, "p aux sp co ", n, "\n");
  const auto coords = graph.coordinates();
  for (std::uint32_t v = 0; v < n; ++v) {
    co += "v ";
    detail::append_int(co, std::int64_t{v} + 1);
    co += ' ';
    detail::append_int(co, std::llround(coords[v].lon * 1e6));
    co += ' ';
    detail::append_int(co, std::llround(coords[v].lat * 1e6));
    co += '\n';
  }
  return write_file_atomically(prefix + ".co", co);
}

DISPATCHKIT_NAMESPACE_END
