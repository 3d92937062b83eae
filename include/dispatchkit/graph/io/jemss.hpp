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
// directions. External ids are the JEMSS node indices. Each table is read with io/csv.hpp's
// CsvReader from its header row on, so quoting and line endings follow every other table.
//
// Errors ("PATH:LINE: ..."): NotFound (missing file), DataLoss (truncated compressed file,
// fewer rows than the table's count), InvalidArgument (missing table or column, malformed,
// negative or non-integral value, coordinate out of range, more rows than the count, a
// repeated arc index; every mode_k column is checked, also the modes not loaded),
// OutOfRange (an arc or ambulance names an unknown node or station).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/graph/io/detail/node_table.hpp"
#include "dispatchkit/graph/io/options.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/io/csv.hpp"
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

// A travel mode of travel_1.csv: how fast a unit moves between the road network and a
// place off it (the call, a station off the main roads).
struct JemssTravelMode {
  std::int64_t index = 0;   // 1 = lights and sirens, 2 = regular in the published models
  double off_road_kmh = 0;  // offRoadSpeed (km per day in the file) / 24
};

// Everything load_jemss_city() reads from a model directory.
struct JemssCity {
  RoadGraph graph;
  std::vector<JemssStation> stations;
  std::vector<JemssHospital> hospitals;
  std::vector<JemssAmbulance> ambulances;
  std::vector<JemssTravelMode> travel_modes;  // travel_1.csv; empty when the model has none
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
// Table "travelModes" of travel_1.csv: travelModeIndex, offRoadSpeed (km/day).
[[nodiscard]] absl::StatusOr<std::vector<JemssTravelMode>> load_jemss_travel_modes(
    const std::string& path);
// Graph plus stations_1.csv, hospitals_1.csv and ambulances_1.csv of `dir`, and
// travel_1.csv when the directory has one.
[[nodiscard]] absl::StatusOr<JemssCity> load_jemss_city(const std::string& dir,
                                                        const GraphLoadOptions& options = {});

namespace detail {

// JEMSS writes integer indices as floats ("12.0"): accept an integral, non-negative value.
[[nodiscard]] inline absl::Status parse_jemss_index(const CsvReader& csv, std::size_t column,
                                                    std::string_view what, std::int64_t& out) {
  double d = 0;
  DK_RETURN_IF_ERROR(csv.parse(column, what, d));
  if (d < 0 || d > 9.0e15 || std::floor(d) != d)
    return csv.error(absl::StrCat("expected ", as_absl(what), " (a non-negative integer), got ",
                                  quote_field(csv.field(column))));
  out = static_cast<std::int64_t>(d);
  return absl::OkStatus();
}

// The header position of the first column called `name` in any ASCII case, or -1 (JEMSS
// models spell "name" and "address" either way).
[[nodiscard]] inline int find_ignoring_case(const CsvReader& csv, std::string_view name) noexcept {
  const auto header = csv.header();
  for (std::size_t i = 0; i < header.size(); ++i)
    if (equal_ignoring_case(header[i], name)) return static_cast<int>(i);
  return -1;
}

// One table of a JEMSS file: the reader over its header and data rows, and the row count
// its name row announced. A table ends at a blank row (",,") or at the end of the file.
class JemssTable {
 public:
  // Finds the row whose first field is `name` (its optional second field the row count)
  // and reads the header row after it. InvalidArgument when there is no such table or a
  // column is missing, DataLoss when the file ends before the header.
  [[nodiscard]] static absl::StatusOr<JemssTable> open(const std::string& path,
                                                       std::string_view text, std::string_view name,
                                                       std::span<const CsvColumn> columns) {
    text = without_byte_order_mark(text);
    LineReader lines(path, text);
    std::vector<std::string_view> f;
    while (auto line = lines.next()) {
      split_csv(*line, f);
      if (f.empty() || trim(f[0]) != name) continue;
      std::optional<std::uint64_t> count;
      if (f.size() > 1 && !trim(f[1]).empty()) {
        std::uint64_t c = 0;
        if (!parse_number(f[1], c))
          return lines.error(
              absl::StrCat("expected the table's row count, got ", quote_field(f[1])));
        count = c;
      }
      const auto header = lines.next();
      if (!header)
        return lines.error(
            absl::StatusCode::kDataLoss,
            absl::StrCat("file ends after the '", as_absl(name), "' row; expected a header row"));
      DK_ASSIGN_OR_RETURN(
          CsvReader csv,
          CsvReader::open(path, text.substr(static_cast<std::size_t>(header->data() - text.data())),
                          columns, {.skip_blank_lines = false, .first_line = lines.line_number()}));
      return JemssTable(std::move(csv), name, count);
    }
    return absl::InvalidArgumentError(absl::StrCat(path, ":", lines.line_number(), ": no '",
                                                   as_absl(name), "' table (a row starting '",
                                                   as_absl(name), ",') in the file"));
  }

  // The next data row, checked to hold every required column; false at the table's end or
  // on an error (then finish() returns it).
  bool next() {
    if (!csv_.next()) return false;
    bool blank = true;
    for (std::size_t i = 0; i < csv_.size() && blank; ++i) blank = csv_.at(i).empty();
    if (blank) return false;
    ++rows_;
    return true;
  }
  [[nodiscard]] const CsvReader& csv() const noexcept { return csv_; }
  // The reader's error, or the row count checked against the announced one: fewer rows is
  // DataLoss (truncated), more is InvalidArgument.
  [[nodiscard]] absl::Status finish() const {
    DK_RETURN_IF_ERROR(csv_.status());
    if (!count_ || rows_ == *count_) return absl::OkStatus();
    if (rows_ < *count_)
      return csv_.error(absl::StatusCode::kDataLoss,
                        absl::StrCat("table '", as_absl(name_), "' ends after ", rows_, " of the ",
                                     *count_, " rows it announces (truncated?)"));
    return csv_.error(absl::StrCat("table '", as_absl(name_), "' has more rows than the ", *count_,
                                   " it announces"));
  }

 private:
  JemssTable(CsvReader csv, std::string_view name, std::optional<std::uint64_t> count)
      : csv_(std::move(csv)), name_(name), count_(count) {}
  CsvReader csv_;
  std::string_view name_;
  std::optional<std::uint64_t> count_;
  std::uint64_t rows_ = 0;
};

// Reads every data row of table `name` in the file `path`: `row(csv)` is called on each,
// after its width is checked, and returns an error to stop. Then the row count is checked.
template <class Row>
[[nodiscard]] absl::Status read_jemss_rows(const std::string& path, std::string_view text,
                                           std::string_view name,
                                           std::span<const CsvColumn> columns, Row&& row) {
  DK_ASSIGN_OR_RETURN(JemssTable table, JemssTable::open(path, text, name, columns));
  while (table.next()) {
    DK_RETURN_IF_ERROR(table.csv().check_width());
    DK_RETURN_IF_ERROR(row(table.csv()));
  }
  return table.finish();
}

// The same on a file (gzip, xz or plain).
template <class Row>
[[nodiscard]] absl::Status read_jemss_file(const std::string& path, std::string_view name,
                                           std::span<const CsvColumn> columns, Row&& row) {
  DK_ASSIGN_OR_RETURN(const std::string text, read_file(path));
  return read_jemss_rows(path, text, name, columns, std::forward<Row>(row));
}

[[nodiscard]] inline std::string existing_in(const std::string& dir, const char* name) {
  return existing_variant((std::filesystem::path(dir) / name).string());
}

// Whether the arcs file's optional miscData table says arcs are undirected (JEMSS writes
// it first). A file without a readable miscData table has directed arcs.
[[nodiscard]] inline absl::StatusOr<bool> jemss_arcs_undirected(const std::string& path,
                                                                std::string_view text) {
  constexpr CsvColumn kMisc[] = {{"arcForm", {}, /*required=*/false}};
  absl::StatusOr<JemssTable> misc = JemssTable::open(path, text, "miscData", kMisc);
  if (!misc.ok() || !misc->next() || misc->csv().field(0).empty()) return false;
  const std::string_view form = misc->csv().field(0);
  if (form == "undirected") return true;
  if (form == "directed") return false;
  return misc->csv().error(
      absl::StrCat("expected arcForm 'directed' or 'undirected', got ", quote_field(form)));
}

}  // namespace detail

inline absl::StatusOr<RoadGraph> load_jemss_graph(const std::string& dir,
                                                  const GraphLoadOptions& options) {
  const std::string nodes_path = detail::existing_in(dir, "nodes.csv");
  const std::string arcs_path = detail::existing_in(dir, "arcs.csv");
  if (nodes_path.empty() || arcs_path.empty())
    return absl::NotFoundError(absl::StrCat(
        dir, ": expected a JEMSS model directory with nodes.csv and arcs.csv (plain, .xz or .gz)"));
  detail::LocatedNodes nodes{nodes_path, RoadGraphBuilder(dir), {}};
  std::vector<LatLon> coordinate;  // by dense id, for arc lengths without a distance column
  constexpr CsvColumn kNodeColumns[] = {{"index"}, {"x"}, {"y"}};
  DK_RETURN_IF_ERROR(
      detail::read_jemss_file(nodes_path, "nodes", kNodeColumns, [&](const CsvReader& csv) {
        std::int64_t id = 0;
        LatLon p;
        DK_RETURN_IF_ERROR(detail::parse_jemss_index(csv, 0, "a node index", id));
        DK_RETURN_IF_ERROR(detail::parse_position(csv, 2, 1, detail::kXyWording, p));
        if (!nodes.index.try_emplace(id, NodeId(nodes.builder.node_count())).second)
          return csv.error(absl::StrCat("node index ", id, " appears a second time"));
        nodes.builder.add_node(id, p);
        coordinate.push_back(p);
        return absl::OkStatus();
      }));

  DK_ASSIGN_OR_RETURN(const std::string text, read_file(arcs_path));
  DK_ASSIGN_OR_RETURN(const bool undirected, detail::jemss_arcs_undirected(arcs_path, text));
  enum : std::size_t { kIndex, kFrom, kTo, kMode, kDistance };
  const CsvColumn arc_columns[] = {
      {"index"},
      {"fromNode"},
      {"toNode"},
      {options.jemss_mode == TravelMode::kLightsAndSirens ? "mode_1" : "mode_2"},
      {"distance", {}, /*required=*/false}};
  nodes.builder.reserve(nodes.builder.node_count(), text.size() / 40);
  // Every column is checked, not only the mode read: a NaN in the other mode's times is a
  // broken file, and would be read the day someone loads that mode.
  std::vector<std::size_t> mode_columns;  // every "mode_k" in the header, found at row 1
  absl::flat_hash_set<std::int64_t> arc_indices;
  DK_RETURN_IF_ERROR(
      detail::read_jemss_rows(arcs_path, text, "arcs", arc_columns, [&](const CsvReader& csv) {
        if (arc_indices.empty()) {
          const auto header = csv.header();
          for (std::size_t i = 0; i < header.size(); ++i)
            if (header[i].starts_with("mode_")) mode_columns.push_back(i);
        }
        std::int64_t index = 0, from = 0, to = 0;
        DK_RETURN_IF_ERROR(detail::parse_jemss_index(csv, kIndex, "an arc index", index));
        if (!arc_indices.insert(index).second)
          return csv.error(absl::StrCat("arc index ", index, " appears a second time"));
        DK_RETURN_IF_ERROR(detail::parse_jemss_index(csv, kFrom, "a node index fromNode", from));
        DK_RETURN_IF_ERROR(detail::parse_jemss_index(csv, kTo, "a node index toNode", to));
        for (const std::size_t column : mode_columns) {
          const std::string_view field = csv.at(column);
          double other = 0;
          if (!parse_number(field, other) || other < 0)
            return csv.error(absl::StrCat("column '", detail::as_absl(csv.header()[column]),
                                          "': expected a travel time in days >= 0, got ",
                                          detail::quote_field(field)));
        }
        double days = 0;
        DK_RETURN_IF_ERROR(csv.parse(kMode, "a travel time in days", days));
        if (days < 0) return csv.error(absl::StrCat("negative travel time ", days, " days"));
        DK_ASSIGN_OR_RETURN(const auto ends, nodes.ends(csv, from, to, "node index"));
        const auto [a, b] = ends;
        Meters length = haversine(coordinate[a.value()], coordinate[b.value()]);
        if (csv.has(kDistance)) {
          double km = 0;
          DK_RETURN_IF_ERROR(csv.parse(kDistance, "a distance in km", km));
          if (km < 0) return csv.error(absl::StrCat("negative distance ", km, " km"));
          length = Meters(km * 1000.0);
        }
        const Deciseconds time = Deciseconds::from_seconds(days * 86400.0);
        nodes.builder.add_arc(a, b, time, length, csv.line_number());
        if (undirected) nodes.builder.add_arc(b, a, time, length, csv.line_number());
        return absl::OkStatus();
      }));
  return std::move(nodes.builder).build({.keep_largest_scc = options.keep_largest_scc});
}

inline absl::StatusOr<std::vector<JemssStation>> load_jemss_stations(const std::string& path) {
  constexpr CsvColumn kColumns[] = {{"index"}, {"x"}, {"y"}, {"capacity"}};
  std::vector<JemssStation> out;
  int name_col = -2;  // found at the first row: the header is read by then
  DK_RETURN_IF_ERROR(detail::read_jemss_file(path, "stations", kColumns, [&](const CsvReader& csv) {
    if (name_col == -2) {
      name_col = detail::find_ignoring_case(csv, "name");
      if (name_col < 0) name_col = detail::find_ignoring_case(csv, "address");
    }
    JemssStation s;
    DK_RETURN_IF_ERROR(detail::parse_jemss_index(csv, 0, "a station index", s.index));
    DK_RETURN_IF_ERROR(detail::parse_position(csv, 2, 1, detail::kXyWording, s.location));
    std::int64_t capacity = 0;
    DK_RETURN_IF_ERROR(detail::parse_jemss_index(csv, 3, "a capacity", capacity));
    if (capacity > INT32_MAX) return csv.error(absl::StrCat("capacity ", capacity, " too large"));
    s.capacity = static_cast<std::int32_t>(capacity);
    if (name_col >= 0) s.name = std::string(csv.at(static_cast<std::size_t>(name_col)));
    out.push_back(std::move(s));
    return absl::OkStatus();
  }));
  return out;
}

inline absl::StatusOr<std::vector<JemssHospital>> load_jemss_hospitals(const std::string& path) {
  constexpr CsvColumn kColumns[] = {{"index"}, {"x"}, {"y"}};
  std::vector<JemssHospital> out;
  int name_col = -2;
  DK_RETURN_IF_ERROR(
      detail::read_jemss_file(path, "hospitals", kColumns, [&](const CsvReader& csv) {
        if (name_col == -2) name_col = detail::find_ignoring_case(csv, "name");
        JemssHospital h;
        DK_RETURN_IF_ERROR(detail::parse_jemss_index(csv, 0, "a hospital index", h.index));
        DK_RETURN_IF_ERROR(detail::parse_position(csv, 2, 1, detail::kXyWording, h.location));
        if (name_col >= 0) h.name = std::string(csv.at(static_cast<std::size_t>(name_col)));
        out.push_back(std::move(h));
        return absl::OkStatus();
      }));
  return out;
}

inline absl::StatusOr<std::vector<JemssAmbulance>> load_jemss_ambulances(
    const std::string& path, std::span<const JemssStation> stations) {
  constexpr CsvColumn kColumns[] = {{"index"}, {"stationIndex"}, {"class"}};
  std::vector<JemssAmbulance> out;
  DK_RETURN_IF_ERROR(
      detail::read_jemss_file(path, "ambulances", kColumns, [&](const CsvReader& csv) {
        JemssAmbulance a;
        std::int64_t cls = 0;
        DK_RETURN_IF_ERROR(detail::parse_jemss_index(csv, 0, "an ambulance index", a.index));
        DK_RETURN_IF_ERROR(detail::parse_jemss_index(csv, 1, "a station index", a.station_index));
        DK_RETURN_IF_ERROR(detail::parse_jemss_index(csv, 2, "an ambulance class", cls));
        if (cls > INT32_MAX) return csv.error(absl::StrCat("class ", cls, " too large"));
        a.ambulance_class = static_cast<std::int32_t>(cls);
        if (!stations.empty() &&
            std::none_of(stations.begin(), stations.end(),
                         [&](const JemssStation& s) { return s.index == a.station_index; }))
          return csv.error(
              absl::StatusCode::kOutOfRange,
              absl::StrCat("ambulance ", a.index, " starts at station ", a.station_index,
                           ", which the stations file does not list"));
        out.push_back(a);
        return absl::OkStatus();
      }));
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
  if (std::filesystem::exists(file("travel_1.csv"))) {
    DK_ASSIGN_OR_RETURN(city.travel_modes, load_jemss_travel_modes(file("travel_1.csv")));
  }
  return city;
}

inline absl::StatusOr<std::vector<JemssTravelMode>> load_jemss_travel_modes(
    const std::string& path) {
  constexpr CsvColumn kColumns[] = {{"travelModeIndex"}, {"offRoadSpeed"}};
  std::vector<JemssTravelMode> out;
  DK_RETURN_IF_ERROR(
      detail::read_jemss_file(path, "travelModes", kColumns, [&](const CsvReader& csv) {
        JemssTravelMode m;
        double per_day = 0;
        DK_RETURN_IF_ERROR(detail::parse_jemss_index(csv, 0, "a travel mode index", m.index));
        DK_RETURN_IF_ERROR(csv.parse(1, "an off-road speed in km/day", per_day));
        if (!(per_day > 0))
          return csv.error(absl::StrCat("offRoadSpeed must be > 0 km/day, got ", per_day));
        m.off_road_kmh = per_day / 24.0;
        out.push_back(m);
        return absl::OkStatus();
      }));
  return out;
}

DISPATCHKIT_NAMESPACE_END
