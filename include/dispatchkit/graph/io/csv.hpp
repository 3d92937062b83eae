// dispatchkit/graph/io/csv.hpp: the plain CSV road-graph format for integrators.
//
//   absl::StatusOr<RoadGraph> g = load_csv_graph("city/arcs.csv");   // + city/nodes.csv
//   absl::StatusOr<RoadGraph> h = load_csv_graph("city");            // the same
//
// The simplest way to bring a CAD's own road network into dispatchkit: two CSV files,
// each with a header line (columns found by name, any order, extra columns ignored):
//   nodes.csv:  id,lat,lon                      id an integer (any, unique), WGS84 degrees
//   arcs.csv:   from,to,length_m,time_s[,oneway]
// `from`/`to` are node ids; length_m >= 0 metres; time_s >= 0 seconds, rounded to the
// nearest decisecond; oneway is 1 (default: a directed arc from -> to) or 0 (a two-way
// street: the reverse arc is added with the same length and time). The graph is named by
// the arcs file (its nodes file is the file name with the last "arcs" replaced by
// "nodes", plain, .xz or .gz) or by a directory holding nodes.csv and arcs.csv.
// External ids are the `id` column. Both files are read with io/csv.hpp's CsvReader (quoted
// fields, a UTF-8 BOM and CR / LF / CRLF endings accepted as in every table).
//
// Errors ("PATH:LINE: ..."): NotFound (missing file), DataLoss (truncated compressed
// file), InvalidArgument (missing header column, malformed or negative number, coordinate
// out of range, oneway not 0/1, duplicate node id), OutOfRange (an arc names an unknown id).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

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

// Loads an integrator CSV graph from its arcs file or its directory. O((n + m) log m).
[[nodiscard]] absl::StatusOr<RoadGraph> load_csv_graph(const std::string& path,
                                                       const GraphLoadOptions& options = {});

namespace detail {

enum CsvArcColumn : std::size_t { kCsvFrom, kCsvTo, kCsvLength, kCsvTime, kCsvOneway };
inline constexpr CsvColumn kCsvArcColumns[] = {
    {"from"}, {"to"}, {"length_m"}, {"time_s"}, {"oneway", {}, /*required=*/false}};
inline constexpr CsvColumn kCsvNodeColumns[] = {{"id"}, {"lat"}, {"lon"}};
inline constexpr NodeTableFormat kCsvNodeTable{kCsvNodeColumns, 1, 2, "an integer node id",
                                               kLatLonWording};

[[nodiscard]] inline absl::StatusOr<RoadGraph> load_csv_graph_text(
    const std::string& arcs_path, std::string_view arcs_text, const GraphLoadOptions& options) {
  DK_ASSIGN_OR_RETURN(LocatedNodes nodes, read_nodes_beside(arcs_path, "arcs", kCsvNodeTable));
  DK_ASSIGN_OR_RETURN(CsvReader csv, CsvReader::open(arcs_path, arcs_text, kCsvArcColumns));
  while (csv.next()) {
    // A missing trailing oneway field means the default (1): it is not counted in width().
    DK_RETURN_IF_ERROR(csv.check_width());
    std::int64_t from = 0, to = 0, oneway = 1;
    double length = 0, time = 0;
    DK_RETURN_IF_ERROR(csv.parse(kCsvFrom, "an integer node id 'from'", from));
    DK_RETURN_IF_ERROR(csv.parse(kCsvTo, "an integer node id 'to'", to));
    DK_RETURN_IF_ERROR(csv.parse(kCsvLength, "a length in metres", length));
    DK_RETURN_IF_ERROR(csv.parse(kCsvTime, "a travel time in seconds", time));
    if (!csv.field(kCsvOneway).empty()) {
      DK_RETURN_IF_ERROR(csv.parse(kCsvOneway, "oneway 0 or 1", oneway));
      if (oneway != 0 && oneway != 1)
        return csv.error(absl::StrCat("expected oneway 0 or 1, got ", oneway));
    }
    if (length < 0) return csv.error(absl::StrCat("negative length_m ", length));
    if (time < 0) return csv.error(absl::StrCat("negative time_s ", time));
    DK_ASSIGN_OR_RETURN(const auto ends, nodes.ends(csv, from, to));
    const Deciseconds t = Deciseconds::from_seconds(time);
    nodes.builder.add_arc(ends.first, ends.second, t, Meters(length), csv.line_number());
    if (oneway == 0)
      nodes.builder.add_arc(ends.second, ends.first, t, Meters(length), csv.line_number());
  }
  DK_RETURN_IF_ERROR(csv.status());
  return std::move(nodes.builder).build({.keep_largest_scc = options.keep_largest_scc});
}

}  // namespace detail

inline absl::StatusOr<RoadGraph> load_csv_graph(const std::string& path,
                                                const GraphLoadOptions& options) {
  std::string arcs_path = path;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    arcs_path = detail::existing_variant((std::filesystem::path(path) / "arcs.csv").string());
    if (arcs_path.empty())
      return absl::NotFoundError(absl::StrCat(path, ": directory has no arcs.csv[.xz|.gz]"));
  }
  DK_ASSIGN_OR_RETURN(const std::string text, read_file(arcs_path));
  return detail::load_csv_graph_text(arcs_path, text, options);
}

DISPATCHKIT_NAMESPACE_END
