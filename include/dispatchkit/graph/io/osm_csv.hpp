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
// the OSM node ids. Both files are read with io/csv.hpp's CsvReader.
//
// Errors ("PATH:LINE: ..."): NotFound (edges or nodes file missing), DataLoss (truncated
// compressed file), InvalidArgument (missing column, malformed number, coordinate out of
// range, negative length, speed not > 0, duplicate node id), OutOfRange (an edge names an
// OSM id that the nodes file lacks).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/io/detail/node_table.hpp"
#include "dispatchkit/graph/io/options.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/io/csv.hpp"
#include "dispatchkit/io/file.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// Metres per second in one mile per hour (exact, by the international mile).
inline constexpr double kMetersPerSecondPerMph = 0.44704;

// Loads an edges CSV and the nodes CSV beside it. O((n + m) log m) time.
[[nodiscard]] absl::StatusOr<RoadGraph> load_osm_csv(const std::string& edges_path,
                                                     const GraphLoadOptions& options = {});

namespace detail {

enum OsmEdgeColumn : std::size_t { kOsmU, kOsmV, kOsmLength, kOsmSpeed };
inline constexpr CsvColumn kOsmEdgeColumns[] = {{"u"}, {"v"}, {"length"}, {"speed_mph"}};
inline constexpr CsvColumn kOsmNodeColumns[] = {{"osmid"}, {"x"}, {"y"}};
inline constexpr NodeTableFormat kOsmNodeTable{kOsmNodeColumns, 2, 1, "an integer OSM node id",
                                               kXyWording};

[[nodiscard]] inline absl::StatusOr<RoadGraph> load_osm_csv_text(const std::string& edges_path,
                                                                 std::string_view edges_text,
                                                                 const GraphLoadOptions& options) {
  DK_ASSIGN_OR_RETURN(LocatedNodes nodes, read_nodes_beside(edges_path, "edges", kOsmNodeTable));
  DK_ASSIGN_OR_RETURN(CsvReader csv, CsvReader::open(edges_path, edges_text, kOsmEdgeColumns));
  nodes.builder.reserve(nodes.builder.node_count(), edges_text.size() / 24);
  while (csv.next()) {
    DK_RETURN_IF_ERROR(csv.check_width());
    std::int64_t u = 0, v = 0;
    double length = 0, mph = 0;
    DK_RETURN_IF_ERROR(csv.parse(kOsmU, "an integer OSM node id u", u));
    DK_RETURN_IF_ERROR(csv.parse(kOsmV, "an integer OSM node id v", v));
    DK_RETURN_IF_ERROR(csv.parse(kOsmLength, "a length in metres", length));
    DK_RETURN_IF_ERROR(csv.parse(kOsmSpeed, "a speed in mph", mph));
    if (length < 0) return csv.error(absl::StrCat("negative length ", length));
    if (!(mph > 0)) return csv.error(absl::StrCat("speed_mph ", mph, " is not positive"));
    DK_ASSIGN_OR_RETURN(const auto ends, nodes.ends(csv, u, v));
    nodes.builder.add_arc(ends.first, ends.second,
                          Deciseconds::from_seconds(length / (mph * kMetersPerSecondPerMph)),
                          Meters(length), csv.line_number());
  }
  DK_RETURN_IF_ERROR(csv.status());
  return std::move(nodes.builder).build({.keep_largest_scc = options.keep_largest_scc});
}

}  // namespace detail

inline absl::StatusOr<RoadGraph> load_osm_csv(const std::string& edges_path,
                                              const GraphLoadOptions& options) {
  DK_ASSIGN_OR_RETURN(const std::string text, read_file(edges_path));
  return detail::load_osm_csv_text(edges_path, text, options);
}

DISPATCHKIT_NAMESPACE_END
