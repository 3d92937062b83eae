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
// External ids are the `id` column.
//
// Errors ("PATH:LINE: ..."): NotFound (missing file), DataLoss (truncated compressed
// file), InvalidArgument (missing header column, malformed or negative number, coordinate
// out of range, oneway not 0/1, duplicate node id), OutOfRange (an arc names an unknown id).
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/io/options.hpp"
#include "dispatchkit/graph/io/osm_csv.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/io/text.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// Loads an integrator CSV graph from its arcs file or its directory. O((n + m) log m).
[[nodiscard]] absl::StatusOr<RoadGraph> load_csv_graph(const std::string& path,
                                                       const GraphLoadOptions& options = {});

namespace detail {

[[nodiscard]] inline absl::Status read_csv_nodes(const std::string& path, std::string_view text,
                                                 RoadGraphBuilder& builder,
                                                 absl::flat_hash_map<std::int64_t, NodeId>& index) {
  LineReader lines(path, text);
  std::vector<std::string_view> f;
  f.reserve(8);
  std::vector<int> col;
  const auto header = lines.next();
  if (!header) return lines.error("empty file; expected the header 'id,lat,lon'");
  split_csv(*header, f);
  DK_RETURN_IF_ERROR(find_columns(lines, f, {"id", "lat", "lon"}, col));
  const auto need = static_cast<std::size_t>(*std::max_element(col.begin(), col.end()));
  while (auto line = lines.next()) {
    if (trim(*line).empty()) continue;
    split_csv(*line, f);
    if (f.size() <= need)
      return lines.error(absl::StrCat("expected at least ", need + 1, " fields, got ", f.size()));
    std::int64_t id = 0;
    LatLon p;
    DK_RETURN_IF_ERROR(parse_field(lines, f[col[0]], "an integer node id", id));
    DK_RETURN_IF_ERROR(parse_field(lines, f[col[1]], "a latitude in degrees", p.lat));
    DK_RETURN_IF_ERROR(parse_field(lines, f[col[2]], "a longitude in degrees", p.lon));
    if (!p.is_valid())
      return lines.error(absl::StrCat("coordinate (lat ", p.lat, ", lon ", p.lon,
                                      ") outside -90..90 / -180..180"));
    const auto [it, inserted] = index.try_emplace(id, NodeId(builder.node_count()));
    if (!inserted) return lines.error(absl::StrCat("node id ", id, " appears a second time"));
    builder.add_node(id, p);
  }
  return absl::OkStatus();
}

[[nodiscard]] inline absl::StatusOr<RoadGraph> load_csv_graph_text(
    const std::string& arcs_path, std::string_view arcs_text, const GraphLoadOptions& options) {
  const std::string nodes_path = companion_file(arcs_path, "arcs", "nodes");
  if (nodes_path.empty())
    return absl::NotFoundError(
        absl::StrCat(arcs_path,
                     ": no nodes file beside it (expected the file name with 'arcs' replaced by "
                     "'nodes', plain, .xz or .gz)"));
  DK_ASSIGN_OR_RETURN(const std::string nodes_text, read_file(nodes_path));
  RoadGraphBuilder builder(arcs_path);
  absl::flat_hash_map<std::int64_t, NodeId> index;
  DK_RETURN_IF_ERROR(read_csv_nodes(nodes_path, nodes_text, builder, index));

  LineReader lines(arcs_path, arcs_text);
  std::vector<std::string_view> f;
  f.reserve(8);
  std::vector<int> col;
  const auto header = lines.next();
  if (!header) return lines.error("empty file; expected the header 'from,to,length_m,time_s'");
  split_csv(*header, f);
  DK_RETURN_IF_ERROR(find_columns(lines, f, {"from", "to", "length_m", "time_s"}, col));
  const int oneway_col = column_index(f, "oneway");
  const auto need =
      static_cast<std::size_t>(std::max(*std::max_element(col.begin(), col.end()), oneway_col));
  while (auto line = lines.next()) {
    if (trim(*line).empty()) continue;
    split_csv(*line, f);
    // A missing trailing oneway field means the default (1).
    const std::size_t min_fields = oneway_col == static_cast<int>(need) ? need : need + 1;
    if (f.size() < min_fields)
      return lines.error(absl::StrCat("expected at least ", min_fields, " fields, got ", f.size()));
    std::int64_t from = 0, to = 0, oneway = 1;
    double length = 0, time = 0;
    DK_RETURN_IF_ERROR(parse_field(lines, f[col[0]], "an integer node id 'from'", from));
    DK_RETURN_IF_ERROR(parse_field(lines, f[col[1]], "an integer node id 'to'", to));
    DK_RETURN_IF_ERROR(parse_field(lines, f[col[2]], "a length in metres", length));
    DK_RETURN_IF_ERROR(parse_field(lines, f[col[3]], "a travel time in seconds", time));
    if (oneway_col >= 0 && static_cast<std::size_t>(oneway_col) < f.size() &&
        !trim(f[oneway_col]).empty()) {
      DK_RETURN_IF_ERROR(parse_field(lines, f[oneway_col], "oneway 0 or 1", oneway));
      if (oneway != 0 && oneway != 1)
        return lines.error(absl::StrCat("expected oneway 0 or 1, got ", oneway));
    }
    if (length < 0) return lines.error(absl::StrCat("negative length_m ", length));
    if (time < 0) return lines.error(absl::StrCat("negative time_s ", time));
    const auto a = index.find(from), b = index.find(to);
    if (a == index.end() || b == index.end())
      return lines.error(
          absl::StatusCode::kOutOfRange,
          absl::StrCat("node id ", a == index.end() ? from : to, " is not in ", nodes_path));
    const Deciseconds t = Deciseconds::from_seconds(time);
    builder.add_arc(a->second, b->second, t, Meters(length), lines.line_number());
    if (oneway == 0) builder.add_arc(b->second, a->second, t, Meters(length), lines.line_number());
  }
  return std::move(builder).build({.keep_largest_scc = options.keep_largest_scc});
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
