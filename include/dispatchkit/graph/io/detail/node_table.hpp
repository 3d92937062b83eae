// dispatchkit/graph/io/detail/node_table.hpp: the pieces that the CSV road-graph formats
// (integrator CSV, OSMnx CSV, JEMSS) share on top of io/csv.hpp: a position read from two
// columns, a node table read into a builder, and the arc ends looked up by external id.
// Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/io/options.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/io/csv.hpp"
#include "dispatchkit/io/file.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {

// How a format names its coordinates in messages, and which one it reads first (so that
// a record with both malformed reports the one the format's documentation lists first).
struct CoordinateWording {
  std::string_view lat;
  std::string_view lon;
  bool lon_first = false;
};
inline constexpr CoordinateWording kLatLonWording{"a latitude in degrees", "a longitude in degrees",
                                                  false};
// x = longitude, y = latitude (OSMnx, JEMSS).
inline constexpr CoordinateWording kXyWording{"a latitude y in degrees", "a longitude x in degrees",
                                              true};

// Parses the WGS84 position in columns `lat` and `lon` of the current record, or
// InvalidArgument "PATH:LINE: expected ..." / "coordinate (...) outside ...".
[[nodiscard]] inline absl::Status parse_position(const CsvReader& csv, std::size_t lat,
                                                 std::size_t lon, const CoordinateWording& words,
                                                 LatLon& p) {
  if (words.lon_first) DK_RETURN_IF_ERROR(csv.parse(lon, words.lon, p.lon));
  DK_RETURN_IF_ERROR(csv.parse(lat, words.lat, p.lat));
  if (!words.lon_first) DK_RETURN_IF_ERROR(csv.parse(lon, words.lon, p.lon));
  if (!p.is_valid())
    return csv.error(
        absl::StrCat("coordinate (lat ", p.lat, ", lon ", p.lon, ") outside -90..90 / -180..180"));
  return absl::OkStatus();
}

// A node table: columns[0] is the integer id, `lat` and `lon` the positions of the
// coordinate columns in `columns`.
struct NodeTableFormat {
  std::span<const CsvColumn> columns;
  std::size_t lat;
  std::size_t lon;
  std::string_view id_what;  // "an integer node id"
  CoordinateWording words;
};

// The nodes of a graph being read, and their external ids.
struct LocatedNodes {
  std::string path;  // the nodes file, for messages
  RoadGraphBuilder builder;
  absl::flat_hash_map<std::int64_t, NodeId> index;

  // The dense ids of the arc from -> to of the current record, or OutOfRange
  // "PATH:LINE: node id X is not in NODES" (`id_name` in place of "node id").
  [[nodiscard]] absl::StatusOr<std::pair<NodeId, NodeId>> ends(
      const CsvReader& csv, std::int64_t from, std::int64_t to,
      std::string_view id_name = "node id") const {
    const auto a = index.find(from), b = index.find(to);
    if (a == index.end() || b == index.end())
      return csv.error(
          absl::StatusCode::kOutOfRange,
          absl::StrCat(as_absl(id_name), " ", a == index.end() ? from : to, " is not in ", path));
    return std::pair{a->second, b->second};
  }
};

// Reads the node table `text` of `nodes.path` into `nodes`: one node per record, ids
// unique. InvalidArgument "PATH:LINE: ..." otherwise.
[[nodiscard]] inline absl::Status read_node_table(std::string_view text,
                                                  const NodeTableFormat& format,
                                                  LocatedNodes& nodes) {
  DK_ASSIGN_OR_RETURN(CsvReader csv, CsvReader::open(nodes.path, text, format.columns));
  while (csv.next()) {
    DK_RETURN_IF_ERROR(csv.check_width());
    std::int64_t id = 0;
    LatLon p;
    DK_RETURN_IF_ERROR(csv.parse(0, format.id_what, id));
    DK_RETURN_IF_ERROR(parse_position(csv, format.lat, format.lon, format.words, p));
    if (!nodes.index.try_emplace(id, NodeId(nodes.builder.node_count())).second)
      return csv.error(absl::StrCat("node id ", id, " appears a second time"));
    nodes.builder.add_node(id, p);
  }
  return csv.status();
}

// The nodes file beside `arcs_path` (its name with the last `word` replaced by "nodes",
// plain, .xz or .gz), read with `format` into a builder named after `arcs_path`.
// NotFound when there is no such file.
[[nodiscard]] inline absl::StatusOr<LocatedNodes> read_nodes_beside(const std::string& arcs_path,
                                                                    std::string_view word,
                                                                    const NodeTableFormat& format) {
  LocatedNodes nodes{companion_file(arcs_path, word, "nodes"), RoadGraphBuilder(arcs_path), {}};
  if (nodes.path.empty())
    return absl::NotFoundError(
        absl::StrCat(arcs_path, ": no nodes file beside it (expected the file name with '",
                     as_absl(word), "' replaced by 'nodes', plain, .xz or .gz)"));
  DK_ASSIGN_OR_RETURN(const std::string text, read_file(nodes.path));
  DK_RETURN_IF_ERROR(read_node_table(text, format, nodes));
  return nodes;
}

}  // namespace detail
DISPATCHKIT_NAMESPACE_END
