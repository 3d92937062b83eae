// dispatchkit/graph/io/jemss.hpp: city models of the JEMSS ambulance simulator (University
// of Auckland): road network, stations, hospitals and the ambulance deployment.
//
//   absl::StatusOr<RoadGraph> g = load_jemss_graph("data/manhattan");      // lights & sirens
//   absl::StatusOr<JemssCity> city = load_jemss_city("data/manhattan");
//   for (const JemssStation& s : city->stations) place(s.location, s.capacity);
//
// JEMSS files are CSV "tables": a row whose first field names the table ("nodes,16811"
// with an optional row count), a header row, data rows, and a blank row (",,") or the end.
//   nodes.csv[.xz|.gz]  table "nodes": index,x,y,offRoadAccess   (x = lon, y = lat; ids
//                       written as "1.0")
//   arcs.csv[.xz|.gz]   table "miscData": arcForm,numModes / "directed",k; then table
//                       "arcs": index,fromNode,toNode,[distance,]mode_1,...,mode_k
//                       with travel times in DAYS and distance in km (Auckland has it,
//                       Manhattan does not)
//   stations_1.csv      table "stations": index,x,y,capacity,...,name or address
//   hospitals_1.csv     table "hospitals": index,x,y,...,name
//   ambulances_1.csv    table "ambulances": index,stationIndex,class
// Travel modes follow travel_1.csv: mode_1 = lights and sirens, mode_2 = normal driving;
// GraphLoadOptions::jemss_mode picks the column. Times are converted to deciseconds with
// rounding (1 day = 864,000 ds). Arc length is the distance column (km -> m) when present,
// else the haversine distance of the endpoints. An "undirected" arcForm adds both
// directions. External ids are the JEMSS node indices.
//
// Errors ("PATH:LINE: ..."): NotFound (missing file), DataLoss (truncated compressed file,
// fewer rows than the table's count), InvalidArgument (missing table or column, malformed,
// negative or non-integral value, coordinate out of range, more rows than the count),
// OutOfRange (an arc or ambulance names an unknown node or station).
#pragma once

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/graph/io/options.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/io/text.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// An ambulance station of a JEMSS model.
struct JemssStation {
  std::int64_t index = 0;  // JEMSS station index (1-based)
  LatLon location;
  std::int32_t capacity = 0;  // ambulances it can hold
  std::string name;           // "name" column, else the address, else ""
};

// A hospital of a JEMSS model.
struct JemssHospital {
  std::int64_t index = 0;
  LatLon location;
  std::string name;
};

// An ambulance and the station it starts from.
struct JemssAmbulance {
  std::int64_t index = 0;
  std::int64_t station_index = 0;    // JemssStation::index
  std::int32_t ambulance_class = 1;  // JEMSS "class" (1 in the published models)
};

// Everything load_jemss_city() reads from a model directory.
struct JemssCity {
  RoadGraph graph;
  std::vector<JemssStation> stations;
  std::vector<JemssHospital> hospitals;
  std::vector<JemssAmbulance> ambulances;
};

// The road network of a JEMSS model directory (nodes.csv + arcs.csv, compressed or not).
[[nodiscard]] absl::StatusOr<RoadGraph> load_jemss_graph(const std::string& dir,
                                                         const GraphLoadOptions& options = {});
[[nodiscard]] absl::StatusOr<std::vector<JemssStation>> load_jemss_stations(
    const std::string& path);
[[nodiscard]] absl::StatusOr<std::vector<JemssHospital>> load_jemss_hospitals(
    const std::string& path);
// When `stations` is not empty, every ambulance's station must be among them (OutOfRange
// at the ambulance's line otherwise).
[[nodiscard]] absl::StatusOr<std::vector<JemssAmbulance>> load_jemss_ambulances(
    const std::string& path, std::span<const JemssStation> stations = {});
// Graph plus stations_1.csv, hospitals_1.csv and ambulances_1.csv of `dir`.
[[nodiscard]] absl::StatusOr<JemssCity> load_jemss_city(const std::string& dir,
                                                        const GraphLoadOptions& options = {});

namespace detail {

[[nodiscard]] inline bool blank_row(const std::vector<std::string_view>& f) noexcept {
  return std::all_of(f.begin(), f.end(), [](std::string_view s) { return trim(s).empty(); });
}

[[nodiscard]] inline bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// JEMSS writes integer indices as floats ("12.0"): accept an integral, non-negative value.
[[nodiscard]] inline absl::Status parse_jemss_index(const LineReader& lines, std::string_view field,
                                                    std::string_view what, std::int64_t& out) {
  double d = 0;
  DK_RETURN_IF_ERROR(parse_field(lines, field, what, d));
  if (d < 0 || d > 9.0e15 || std::floor(d) != d)
    return lines.error(
        absl::StrCat("expected ", as_absl(what), " (a non-negative integer), got ", quoted(field)));
  out = static_cast<std::int64_t>(d);
  return absl::OkStatus();
}

// Advances `lines` to the row whose first field is `name`, records its optional row count
// (second field) in `count`, then returns the next row, the table's header, in
// `header_line` (kept as text: the caller reuses `f` for the data rows).
[[nodiscard]] inline absl::Status seek_jemss_table(LineReader& lines, std::string_view name,
                                                   std::vector<std::string_view>& f,
                                                   std::optional<std::uint64_t>& count,
                                                   std::string_view& header_line) {
  while (auto line = lines.next()) {
    split_csv(*line, f);
    if (f.empty() || trim(f[0]) != name) continue;
    count.reset();
    if (f.size() > 1 && !trim(f[1]).empty()) {
      std::uint64_t c = 0;
      DK_RETURN_IF_ERROR(parse_field(lines, f[1], "the table's row count", c));
      count = c;
    }
    const auto header = lines.next();
    if (!header)
      return lines.error(
          absl::StatusCode::kDataLoss,
          absl::StrCat("file ends after the '", as_absl(name), "' row; expected a header row"));
    header_line = *header;
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(lines.path(), ":", lines.line_number(), ": no '",
                                                 as_absl(name), "' table (a row starting '",
                                                 as_absl(name), ",') in the file"));
}

// Checks a table's row count against the count its name row announced.
[[nodiscard]] inline absl::Status check_jemss_count(const LineReader& lines, std::string_view name,
                                                    std::optional<std::uint64_t> count,
                                                    std::uint64_t rows) {
  if (!count || rows == *count) return absl::OkStatus();
  if (rows < *count)
    return lines.error(absl::StatusCode::kDataLoss,
                       absl::StrCat("table '", as_absl(name), "' ends after ", rows, " of the ",
                                    *count, " rows it announces (truncated?)"));
  return lines.error(
      absl::StrCat("table '", as_absl(name), "' has more rows than the ", *count, " it announces"));
}

[[nodiscard]] inline absl::Status read_jemss_location(const LineReader& lines,
                                                      const std::vector<std::string_view>& f, int x,
                                                      int y, LatLon& p) {
  DK_RETURN_IF_ERROR(parse_field(lines, f[x], "a longitude x in degrees", p.lon));
  DK_RETURN_IF_ERROR(parse_field(lines, f[y], "a latitude y in degrees", p.lat));
  if (!p.is_valid())
    return lines.error(
        absl::StrCat("coordinate (lat ", p.lat, ", lon ", p.lon, ") outside -90..90 / -180..180"));
  return absl::OkStatus();
}

// Reads the next data row into `f`; false at a blank row (the table's end) or end of file.
[[nodiscard]] inline bool next_jemss_row(LineReader& lines, std::vector<std::string_view>& f) {
  const auto line = lines.next();
  if (!line) return false;
  split_csv(*line, f);
  return !blank_row(f);
}

[[nodiscard]] inline absl::Status require_fields(const LineReader& lines,
                                                 const std::vector<std::string_view>& f,
                                                 int max_column) {
  if (static_cast<int>(f.size()) > max_column) return absl::OkStatus();
  return lines.error(absl::StrCat("expected at least ", max_column + 1, " fields, got ", f.size()));
}

[[nodiscard]] inline std::string existing_in(const std::string& dir, const char* name) {
  return existing_variant((std::filesystem::path(dir) / name).string());
}

}  // namespace detail

inline absl::StatusOr<RoadGraph> load_jemss_graph(const std::string& dir,
                                                  const GraphLoadOptions& options) {
  const std::string nodes_path = detail::existing_in(dir, "nodes.csv");
  const std::string arcs_path = detail::existing_in(dir, "arcs.csv");
  if (nodes_path.empty() || arcs_path.empty())
    return absl::NotFoundError(absl::StrCat(
        dir, ": expected a JEMSS model directory with nodes.csv and arcs.csv (plain, .xz or .gz)"));
  RoadGraphBuilder builder(dir);
  absl::flat_hash_map<std::int64_t, NodeId> index;
  std::vector<LatLon> coordinate;  // by dense id, for arc lengths without a distance column
  std::vector<std::string_view> f;
  f.reserve(16);
  {
    DK_ASSIGN_OR_RETURN(const std::string text, read_file(nodes_path));
    LineReader lines(nodes_path, text);
    std::optional<std::uint64_t> count;
    std::string_view header;
    DK_RETURN_IF_ERROR(detail::seek_jemss_table(lines, "nodes", f, count, header));
    split_csv(header, f);
    std::vector<int> col;
    DK_RETURN_IF_ERROR(detail::find_columns(lines, f, {"index", "x", "y"}, col));
    const int need = *std::max_element(col.begin(), col.end());
    std::uint64_t rows = 0;
    while (detail::next_jemss_row(lines, f)) {
      DK_RETURN_IF_ERROR(detail::require_fields(lines, f, need));
      std::int64_t id = 0;
      LatLon p;
      DK_RETURN_IF_ERROR(detail::parse_jemss_index(lines, f[col[0]], "a node index", id));
      DK_RETURN_IF_ERROR(detail::read_jemss_location(lines, f, col[1], col[2], p));
      if (!index.try_emplace(id, NodeId(builder.node_count())).second)
        return lines.error(absl::StrCat("node index ", id, " appears a second time"));
      builder.add_node(id, p);
      coordinate.push_back(p);
      ++rows;
    }
    DK_RETURN_IF_ERROR(detail::check_jemss_count(lines, "nodes", count, rows));
  }
  DK_ASSIGN_OR_RETURN(const std::string text, read_file(arcs_path));
  LineReader lines(arcs_path, text);
  // The optional miscData table says whether arcs are directed; JEMSS writes it first.
  bool undirected = false;
  {
    LineReader probe(arcs_path, text);
    std::optional<std::uint64_t> ignored;
    std::string_view header;
    if (detail::seek_jemss_table(probe, "miscData", f, ignored, header).ok()) {
      split_csv(header, f);
      const int form = detail::column_index(f, "arcForm");
      std::vector<std::string_view> values;
      if (form >= 0 && detail::next_jemss_row(probe, values) &&
          static_cast<int>(values.size()) > form) {
        const std::string_view v = trim(values[form]);
        if (v == "undirected") {
          undirected = true;
        } else if (v != "directed") {
          return probe.error(
              absl::StrCat("expected arcForm 'directed' or 'undirected', got ", detail::quoted(v)));
        }
      }
    }
  }
  std::optional<std::uint64_t> count;
  std::string_view header;
  DK_RETURN_IF_ERROR(detail::seek_jemss_table(lines, "arcs", f, count, header));
  split_csv(header, f);
  const std::string_view mode_name =
      options.jemss_mode == TravelMode::kLightsAndSirens ? "mode_1" : "mode_2";
  std::vector<int> col;
  DK_RETURN_IF_ERROR(detail::find_columns(lines, f, {"fromNode", "toNode", mode_name}, col));
  const int distance_col = detail::column_index(f, "distance");
  const int need = std::max(*std::max_element(col.begin(), col.end()), distance_col);
  builder.reserve(builder.node_count(), text.size() / 40);
  std::uint64_t rows = 0;
  while (detail::next_jemss_row(lines, f)) {
    DK_RETURN_IF_ERROR(detail::require_fields(lines, f, need));
    std::int64_t from = 0, to = 0;
    double days = 0;
    DK_RETURN_IF_ERROR(detail::parse_jemss_index(lines, f[col[0]], "a node index fromNode", from));
    DK_RETURN_IF_ERROR(detail::parse_jemss_index(lines, f[col[1]], "a node index toNode", to));
    DK_RETURN_IF_ERROR(detail::parse_field(lines, f[col[2]], "a travel time in days", days));
    if (days < 0) return lines.error(absl::StrCat("negative travel time ", days, " days"));
    const auto a = index.find(from), b = index.find(to);
    if (a == index.end() || b == index.end())
      return lines.error(
          absl::StatusCode::kOutOfRange,
          absl::StrCat("node index ", a == index.end() ? from : to, " is not in ", nodes_path));
    Meters length = haversine(coordinate[a->second.value()], coordinate[b->second.value()]);
    if (distance_col >= 0) {
      double km = 0;
      DK_RETURN_IF_ERROR(detail::parse_field(lines, f[distance_col], "a distance in km", km));
      if (km < 0) return lines.error(absl::StrCat("negative distance ", km, " km"));
      length = Meters(km * 1000.0);
    }
    const Deciseconds time = Deciseconds::from_seconds(days * 86400.0);
    builder.add_arc(a->second, b->second, time, length, lines.line_number());
    if (undirected) builder.add_arc(b->second, a->second, time, length, lines.line_number());
    ++rows;
  }
  DK_RETURN_IF_ERROR(detail::check_jemss_count(lines, "arcs", count, rows));
  return std::move(builder).build({.keep_largest_scc = options.keep_largest_scc});
}

inline absl::StatusOr<std::vector<JemssStation>> load_jemss_stations(const std::string& path) {
  DK_ASSIGN_OR_RETURN(const std::string text, read_file(path));
  LineReader lines(path, text);
  std::vector<std::string_view> f;
  std::optional<std::uint64_t> count;
  std::string_view header;
  DK_RETURN_IF_ERROR(detail::seek_jemss_table(lines, "stations", f, count, header));
  split_csv(header, f);
  std::vector<int> col;
  DK_RETURN_IF_ERROR(detail::find_columns(lines, f, {"index", "x", "y", "capacity"}, col));
  int name_col = -1, address_col = -1;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (name_col < 0 && detail::iequals(trim(f[i]), "name")) name_col = static_cast<int>(i);
    if (address_col < 0 && detail::iequals(trim(f[i]), "address"))
      address_col = static_cast<int>(i);
  }
  if (name_col < 0) name_col = address_col;
  const int need = *std::max_element(col.begin(), col.end());
  std::vector<JemssStation> out;
  while (detail::next_jemss_row(lines, f)) {
    DK_RETURN_IF_ERROR(detail::require_fields(lines, f, need));
    JemssStation s;
    DK_RETURN_IF_ERROR(detail::parse_jemss_index(lines, f[col[0]], "a station index", s.index));
    DK_RETURN_IF_ERROR(detail::read_jemss_location(lines, f, col[1], col[2], s.location));
    std::int64_t capacity = 0;
    DK_RETURN_IF_ERROR(detail::parse_jemss_index(lines, f[col[3]], "a capacity", capacity));
    if (capacity > INT32_MAX) return lines.error(absl::StrCat("capacity ", capacity, " too large"));
    s.capacity = static_cast<std::int32_t>(capacity);
    if (name_col >= 0 && name_col < static_cast<int>(f.size()))
      s.name = std::string(trim(f[name_col]));
    out.push_back(std::move(s));
  }
  DK_RETURN_IF_ERROR(detail::check_jemss_count(lines, "stations", count, out.size()));
  return out;
}

inline absl::StatusOr<std::vector<JemssHospital>> load_jemss_hospitals(const std::string& path) {
  DK_ASSIGN_OR_RETURN(const std::string text, read_file(path));
  LineReader lines(path, text);
  std::vector<std::string_view> f;
  std::optional<std::uint64_t> count;
  std::string_view header;
  DK_RETURN_IF_ERROR(detail::seek_jemss_table(lines, "hospitals", f, count, header));
  split_csv(header, f);
  std::vector<int> col;
  DK_RETURN_IF_ERROR(detail::find_columns(lines, f, {"index", "x", "y"}, col));
  int name_col = -1;
  for (std::size_t i = 0; i < f.size() && name_col < 0; ++i)
    if (detail::iequals(trim(f[i]), "name")) name_col = static_cast<int>(i);
  const int need = *std::max_element(col.begin(), col.end());
  std::vector<JemssHospital> out;
  while (detail::next_jemss_row(lines, f)) {
    DK_RETURN_IF_ERROR(detail::require_fields(lines, f, need));
    JemssHospital h;
    DK_RETURN_IF_ERROR(detail::parse_jemss_index(lines, f[col[0]], "a hospital index", h.index));
    DK_RETURN_IF_ERROR(detail::read_jemss_location(lines, f, col[1], col[2], h.location));
    if (name_col >= 0 && name_col < static_cast<int>(f.size()))
      h.name = std::string(trim(f[name_col]));
    out.push_back(std::move(h));
  }
  DK_RETURN_IF_ERROR(detail::check_jemss_count(lines, "hospitals", count, out.size()));
  return out;
}

inline absl::StatusOr<std::vector<JemssAmbulance>> load_jemss_ambulances(
    const std::string& path, std::span<const JemssStation> stations) {
  DK_ASSIGN_OR_RETURN(const std::string text, read_file(path));
  LineReader lines(path, text);
  std::vector<std::string_view> f;
  std::optional<std::uint64_t> count;
  std::string_view header;
  DK_RETURN_IF_ERROR(detail::seek_jemss_table(lines, "ambulances", f, count, header));
  split_csv(header, f);
  std::vector<int> col;
  DK_RETURN_IF_ERROR(detail::find_columns(lines, f, {"index", "stationIndex", "class"}, col));
  const int need = *std::max_element(col.begin(), col.end());
  std::vector<JemssAmbulance> out;
  while (detail::next_jemss_row(lines, f)) {
    DK_RETURN_IF_ERROR(detail::require_fields(lines, f, need));
    JemssAmbulance a;
    std::int64_t cls = 0;
    DK_RETURN_IF_ERROR(detail::parse_jemss_index(lines, f[col[0]], "an ambulance index", a.index));
    DK_RETURN_IF_ERROR(
        detail::parse_jemss_index(lines, f[col[1]], "a station index", a.station_index));
    DK_RETURN_IF_ERROR(detail::parse_jemss_index(lines, f[col[2]], "an ambulance class", cls));
    if (cls > INT32_MAX) return lines.error(absl::StrCat("class ", cls, " too large"));
    a.ambulance_class = static_cast<std::int32_t>(cls);
    if (!stations.empty() &&
        std::none_of(stations.begin(), stations.end(),
                     [&](const JemssStation& s) { return s.index == a.station_index; }))
      return lines.error(absl::StatusCode::kOutOfRange,
                         absl::StrCat("ambulance ", a.index, " starts at station ", a.station_index,
                                      ", which the stations file does not list"));
    out.push_back(a);
  }
  DK_RETURN_IF_ERROR(detail::check_jemss_count(lines, "ambulances", count, out.size()));
  return out;
}

inline absl::StatusOr<JemssCity> load_jemss_city(const std::string& dir,
                                                 const GraphLoadOptions& options) {
  JemssCity city;
  DK_ASSIGN_OR_RETURN(city.graph, load_jemss_graph(dir, options));
  const auto file = [&](const char* name) { return (std::filesystem::path(dir) / name).string(); };
  DK_ASSIGN_OR_RETURN(city.stations, load_jemss_stations(file("stations_1.csv")));
  DK_ASSIGN_OR_RETURN(city.hospitals, load_jemss_hospitals(file("hospitals_1.csv")));
  DK_ASSIGN_OR_RETURN(city.ambulances,
                      load_jemss_ambulances(file("ambulances_1.csv"), city.stations));
  return city;
}

DISPATCHKIT_NAMESPACE_END
