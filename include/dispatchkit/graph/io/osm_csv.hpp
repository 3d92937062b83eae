// dispatchkit/graph/io/osm_csv.hpp: loader for OSMnx-style node/edge CSV pairs, the format
// of the Bay Area network (cb-cities/abm, LPSim) and of the bundled San Francisco cut.
//
//   absl::StatusOr<RoadGraph> sf = load_osm_csv("data/sf/sf_osm_edges.csv.xz");
//   // reads data/sf/sf_osm_nodes.csv.xz beside it
//
// A graph is named by its EDGES file; the nodes file is found beside it by replacing the
// last "edges" in the file name with "nodes" (plain, .xz or .gz). Columns are found by
// their header names, so extra columns and other orders are accepted:
//   nodes: osmid, x (longitude), y (latitude)          [ref, highway, ... ignored]
//   edges: u, v (OSM node ids), length (metres), speed_mph   [uniqueid, lanes ignored]
// Edges are directed (a two-way road appears twice). Free-flow travel time is
// length / (speed_mph * 0.44704) seconds, rounded to the nearest decisecond; parallel
// edges keep the fastest and self-loops are dropped (RoadGraphBuilder). External ids are
// the OSM node ids.
//
// Errors ("PATH:LINE: ..."): NotFound (edges or nodes file missing), DataLoss (truncated
// compressed file), InvalidArgument (missing column, malformed number, coordinate out of
// range, negative length, speed not > 0, duplicate node id), OutOfRange (an edge names an
// OSM id that the nodes file lacks).
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/io/options.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/io/text.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// Metres per second in one mile per hour (exact, by the international mile).
inline constexpr double kMetersPerSecondPerMph = 0.44704;

// Loads an edges CSV and the nodes CSV beside it. O((n + m) log m) time.
[[nodiscard]] absl::StatusOr<RoadGraph> load_osm_csv(const std::string& edges_path,
                                                     const GraphLoadOptions& options = {});

namespace detail {

// Reads the OSM nodes CSV into `builder`, filling `index` (OSM id -> dense id).
[[nodiscard]] inline absl::Status read_osm_nodes(const std::string& path, std::string_view text,
                                                 RoadGraphBuilder& builder,
                                                 absl::flat_hash_map<std::int64_t, NodeId>& index) {
  LineReader lines(path, text);
  std::vector<std::string_view> f;
  f.reserve(16);
  std::vector<int> col;
  const auto header = lines.next();
  if (!header) return lines.error("empty file; expected the header 'osmid,x,y,...'");
  split_csv(*header, f);
  DK_RETURN_IF_ERROR(find_columns(lines, f, {"osmid", "x", "y"}, col));
  const auto need = static_cast<std::size_t>(*std::max_element(col.begin(), col.end()));
  while (auto line = lines.next()) {
    if (trim(*line).empty()) continue;
    split_csv(*line, f);
    if (f.size() <= need)
      return lines.error(absl::StrCat("expected at least ", need + 1, " fields, got ", f.size()));
    std::int64_t id = 0;
    LatLon p;
    DK_RETURN_IF_ERROR(parse_field(lines, f[col[0]], "an integer OSM node id", id));
    DK_RETURN_IF_ERROR(parse_field(lines, f[col[1]], "a longitude x in degrees", p.lon));
    DK_RETURN_IF_ERROR(parse_field(lines, f[col[2]], "a latitude y in degrees", p.lat));
    if (!p.is_valid())
      return lines.error(absl::StrCat("coordinate (lat ", p.lat, ", lon ", p.lon,
                                      ") outside -90..90 / -180..180"));
    const auto [it, inserted] = index.try_emplace(id, NodeId(builder.node_count()));
    if (!inserted) return lines.error(absl::StrCat("node id ", id, " appears a second time"));
    builder.add_node(id, p);
  }
  return absl::OkStatus();
}

[[nodiscard]] inline absl::StatusOr<RoadGraph> load_osm_csv_text(const std::string& edges_path,
                                                                 std::string_view edges_text,
                                                                 const GraphLoadOptions& options) {
  const std::string nodes_path = companion_file(edges_path, "edges", "nodes");
  if (nodes_path.empty())
    return absl::NotFoundError(
        absl::StrCat(edges_path,
                     ": no nodes file beside it (expected the file name with 'edges' replaced by "
                     "'nodes', plain, .xz or .gz)"));
  DK_ASSIGN_OR_RETURN(const std::string nodes_text, read_file(nodes_path));
  RoadGraphBuilder builder(edges_path);
  absl::flat_hash_map<std::int64_t, NodeId> index;
  DK_RETURN_IF_ERROR(read_osm_nodes(nodes_path, nodes_text, builder, index));

  LineReader lines(edges_path, edges_text);
  std::vector<std::string_view> f;
  f.reserve(16);
  std::vector<int> col;
  const auto header = lines.next();
  if (!header) return lines.error("empty file; expected the header 'uniqueid,u,v,length,...'");
  split_csv(*header, f);
  DK_RETURN_IF_ERROR(find_columns(lines, f, {"u", "v", "length", "speed_mph"}, col));
  const auto need = static_cast<std::size_t>(*std::max_element(col.begin(), col.end()));
  builder.reserve(builder.node_count(), edges_text.size() / 24);
  while (auto line = lines.next()) {
    if (trim(*line).empty()) continue;
    split_csv(*line, f);
    if (f.size() <= need)
      return lines.error(absl::StrCat("expected at least ", need + 1, " fields, got ", f.size()));
    std::int64_t u = 0, v = 0;
    double length = 0, mph = 0;
    DK_RETURN_IF_ERROR(parse_field(lines, f[col[0]], "an integer OSM node id u", u));
    DK_RETURN_IF_ERROR(parse_field(lines, f[col[1]], "an integer OSM node id v", v));
    DK_RETURN_IF_ERROR(parse_field(lines, f[col[2]], "a length in metres", length));
    DK_RETURN_IF_ERROR(parse_field(lines, f[col[3]], "a speed in mph", mph));
    if (length < 0) return lines.error(absl::StrCat("negative length ", length));
    if (!(mph > 0)) return lines.error(absl::StrCat("speed_mph ", mph, " is not positive"));
    const auto from = index.find(u), to = index.find(v);
    if (from == index.end() || to == index.end())
      return lines.error(
          absl::StatusCode::kOutOfRange,
          absl::StrCat("node id ", from == index.end() ? u : v, " is not in ", nodes_path));
    builder.add_arc(from->second, to->second,
                    Deciseconds::from_seconds(length / (mph * kMetersPerSecondPerMph)),
                    Meters(length), lines.line_number());
  }
  return std::move(builder).build({.keep_largest_scc = options.keep_largest_scc});
}

}  // namespace detail

inline absl::StatusOr<RoadGraph> load_osm_csv(const std::string& edges_path,
                                              const GraphLoadOptions& options) {
  DK_ASSIGN_OR_RETURN(const std::string text, read_file(edges_path));
  return detail::load_osm_csv_text(edges_path, text, options);
}

DISPATCHKIT_NAMESPACE_END
