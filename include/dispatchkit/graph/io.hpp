// dispatchkit/graph/io.hpp: load a road graph from any supported file, or write one as DIMACS.
//
//   #include "dispatchkit/graph/io.hpp"
//   absl::StatusOr<RoadGraph> g = load_graph("data/sf/sf_osm_edges.csv.xz");
//   if (!g.ok()) { std::cerr << g.status() << "\n"; return 1; }   // "PATH:LINE: ..."
//   absl::Status s = write_dimacs(*g, "/tmp/sf");                  // /tmp/sf.gr, /tmp/sf.co
//
// `load_graph` recognises the format by content first, then by name:
//   | input                                   | format            | loader           |
//   |-----------------------------------------|-------------------|------------------|
//   | file whose first non-comment line is    | DIMACS shortest   | load_dimacs      |
//   |   "p sp N M" (.gr, + .co beside it)     |   path            |                  |
//   | file starting "p tw N M"                | PACE 2016         | load_pace16      |
//   | CSV with header u,v,length,speed_mph    | OSMnx edges       | load_osm_csv     |
//   | CSV with header from,to,length_m,time_s | integrator CSV    | load_csv_graph   |
//   | directory with nodes.csv + arcs.csv     | JEMSS city model  | load_jemss_graph |
//   |   (JEMSS tables, "nodes,..." first row) |   or integrator   |   or             |
//   |   (header "id,lat,lon")                 |   CSV             |   load_csv_graph |
//   | a JEMSS arcs.csv / nodes.csv file       | JEMSS (its dir)   | load_jemss_graph |
//   | file starting "DK-GRAPH" (.dkg, from    | binary graph      | load_graph_file  |
//   |   dk-import or save_graph_file)         |   (graph_file.hpp)|                  |
//   | .osm.pbf / .osm / .osm.bz2 / .osm.gz,   | OpenStreetMap     | import_osm       |
//   |   or a PBF ("OSMHeader") / <osm> XML    |   (graph/osm/)    |                  |
// Every file may be plain, gzip or xz (recognised by magic bytes). OpenStreetMap input is
// read only by programs that link dispatchkit::osm (it defines DISPATCHKIT_WITH_OSM; the
// profile and component options are GraphLoadOptions::osm); elsewhere it is a clear error. Formats
// and units are documented in docs/graph.md and in each loader's header under graph/io/.
//
// Errors: NotFound (missing path), InvalidArgument (format not recognised, or malformed
// content), DataLoss (truncated file), OutOfRange (bad node id); messages name
// "PATH:LINE" and what was expected. Thread safety: the loaders share no state; load
// different files from different threads freely.
#pragma once

#include <array>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/enum_names.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/io/csv.hpp"
#include "dispatchkit/graph/io/dimacs.hpp"
#include "dispatchkit/graph/io/graph_file.hpp"
#include "dispatchkit/graph/io/jemss.hpp"
#include "dispatchkit/graph/io/options.hpp"
#include "dispatchkit/graph/io/osm_csv.hpp"
#include "dispatchkit/graph/io/pace16.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/io/csv.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/io/text.hpp"
#ifdef DISPATCHKIT_WITH_OSM
#include "dispatchkit/graph/osm/import.hpp"
#endif

DISPATCHKIT_NAMESPACE_BEGIN

// The formats load_graph() understands.
enum class GraphFormat { kDimacs, kPace16, kOsmCsv, kCsv, kJemss, kOsm, kGraphFile };

inline constexpr std::array<std::string_view, 7> kGraphFormatNames = {
    "dimacs", "pace16", "osm_csv", "csv", "jemss", "osm", "dk_graph"};
[[nodiscard]] constexpr std::string_view to_string(GraphFormat f) noexcept {
  return detail::enum_name(kGraphFormatNames, f);
}

// Loads a road graph in any supported format (table above). Reads the file once.
[[nodiscard]] absl::StatusOr<RoadGraph> load_graph(const std::string& path,
                                                   const GraphLoadOptions& options = {});

// The format load_graph() would choose for `path` (reads the file or directory listing).
[[nodiscard]] absl::StatusOr<GraphFormat> detect_graph_format(const std::string& path);

namespace detail {

// The first line of `text` that is neither blank nor a DIMACS comment ("c ...").
[[nodiscard]] inline std::string_view first_content_line(std::string_view text) {
  LineReader lines("", text);
  while (auto raw = lines.next()) {
    const std::string_view line = trim(*raw);
    if (line.empty()) continue;
    if (line.front() == 'c' && (line.size() == 1 || line[1] == ' ' || line[1] == '\t')) continue;
    return line;
  }
  return {};
}

// The header row of a CSV text as the loaders would read it (BOM, quotes, line endings),
// or nullopt when the text is not CSV at all (an unterminated quote, no line).
[[nodiscard]] inline std::optional<CsvReader> csv_header(const std::string& path,
                                                         std::string_view text) {
  absl::StatusOr<CsvReader> csv = CsvReader::open(path, text, {});
  if (!csv.ok()) return std::nullopt;
  return *std::move(csv);
}

// Whether a CSV header starts a JEMSS table ("nodes,16811", "miscData", "arcs").
[[nodiscard]] inline bool jemss_table_row(const CsvReader& csv) noexcept {
  const auto h = csv.header();
  return !h.empty() && (h[0] == "nodes" || h[0] == "miscData" || h[0] == "arcs");
}

// Recognises a file's format from its decompressed text, or InvalidArgument.
[[nodiscard]] inline absl::StatusOr<GraphFormat> detect_text_format(const std::string& path,
                                                                    std::string_view text) {
  std::vector<std::string_view> f;
  split_whitespace(first_content_line(text), f);
  if (f.size() >= 2 && f[0] == "p" && f[1] == "sp") return GraphFormat::kDimacs;
  if (f.size() >= 2 && f[0] == "p" && f[1] == "tw") return GraphFormat::kPace16;
  if (const std::optional<CsvReader> csv = csv_header(path, text)) {
    if (csv->find("u") >= 0 && csv->find("v") >= 0 && csv->find("speed_mph") >= 0)
      return GraphFormat::kOsmCsv;
    if (csv->find("from") >= 0 && csv->find("to") >= 0 && csv->find("time_s") >= 0)
      return GraphFormat::kCsv;
    if (jemss_table_row(*csv)) return GraphFormat::kJemss;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(path,
                   ":1: unrecognised graph format; expected a DIMACS 'p sp' or PACE 'p tw' header, "
                   "an OSM edges CSV (u,v,length,speed_mph), an integrator arcs CSV "
                   "(from,to,length_m,time_s) or a JEMSS table (see docs/graph.md)"));
}

[[nodiscard]] inline absl::StatusOr<GraphFormat> detect_directory_format(const std::string& dir) {
  const std::string nodes = existing_variant((std::filesystem::path(dir) / "nodes.csv").string());
  const std::string arcs = existing_variant((std::filesystem::path(dir) / "arcs.csv").string());
  if (nodes.empty() || arcs.empty())
    return absl::InvalidArgumentError(
        absl::StrCat(dir,
                     ": directory without nodes.csv and arcs.csv (plain, .xz or .gz); expected a "
                     "JEMSS city model or an integrator CSV graph"));
  DK_ASSIGN_OR_RETURN(const std::string text, read_file(nodes));
  if (const std::optional<CsvReader> csv = csv_header(nodes, text)) {
    if (csv->header().front() == "nodes") return GraphFormat::kJemss;
    if (csv->find("id") >= 0 && csv->find("lat") >= 0) return GraphFormat::kCsv;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(nodes, ":1: expected a JEMSS 'nodes,...' table or the header 'id,lat,lon'"));
}

}  // namespace detail

namespace detail {
// OpenStreetMap by name (.osm.pbf, .pbf, .osm, .osm.bz2, .osm.gz) or by its first bytes: a PBF
// starts with a 4-byte length and a BlobHeader whose type is "OSMHeader"; XML names <osm.
// Checked before the text formats so that a PBF is never read as text.
// The first bytes of a file ("" if it cannot be opened).
[[nodiscard]] inline std::string file_head(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return {};
  char head[64] = {};
  const std::size_t n = std::fread(head, 1, sizeof head, f);
  std::fclose(f);
  return std::string(head, n);
}

[[nodiscard]] inline bool looks_like_osm(const std::string& path) {
  for (std::string_view suffix : {".osm.pbf", ".pbf", ".osm", ".osm.bz2", ".osm.gz"})
    if (path.size() > suffix.size() && path.ends_with(suffix)) return true;
  const std::string head = file_head(path);
  const std::string_view h(head);
  return h.find("OSMHeader") != std::string_view::npos ||
         (h.starts_with("<?xml") && h.find("<osm") != std::string_view::npos);
}
}  // namespace detail

inline absl::StatusOr<GraphFormat> detect_graph_format(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return detail::detect_directory_format(path);
  if (is_graph_file_header(detail::file_head(path))) return GraphFormat::kGraphFile;
  if (detail::looks_like_osm(path)) return GraphFormat::kOsm;
  DK_ASSIGN_OR_RETURN(const std::string text, read_file(path));
  return detail::detect_text_format(path, text);
}

inline absl::StatusOr<RoadGraph> load_graph(const std::string& path,
                                            const GraphLoadOptions& options) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    DK_ASSIGN_OR_RETURN(const GraphFormat format, detail::detect_directory_format(path));
    if (format == GraphFormat::kJemss) return load_jemss_graph(path, options);
    return load_csv_graph(path, options);
  }
  if (is_graph_file_header(detail::file_head(path))) return load_graph_file(path);
  if (detail::looks_like_osm(path)) {
#ifdef DISPATCHKIT_WITH_OSM
    DK_ASSIGN_OR_RETURN(OsmImport city, import_osm(path, options.osm));
    return std::move(city.graph);
#else
    return absl::FailedPreconditionError(absl::StrCat(
        path,
        ": OpenStreetMap input needs the dispatchkit::osm component (link dispatchkit::osm "
        "or dispatchkit::dispatchkit, which defines DISPATCHKIT_WITH_OSM)"));
#endif
  }
  DK_ASSIGN_OR_RETURN(const std::string text, read_file(path));
  DK_ASSIGN_OR_RETURN(const GraphFormat format, detail::detect_text_format(path, text));
  switch (format) {
    case GraphFormat::kDimacs:
      return detail::load_dimacs_text(path, text, options);
    case GraphFormat::kPace16:
      return detail::load_pace16_text(path, text, options);
    case GraphFormat::kOsmCsv:
      return detail::load_osm_csv_text(path, text, options);
    case GraphFormat::kCsv:
      return detail::load_csv_graph_text(path, text, options);
    case GraphFormat::kOsm:
    case GraphFormat::kGraphFile:
      break;  // detect_text_format never answers them
    case GraphFormat::kJemss: {
      // A JEMSS nodes.csv or arcs.csv: load the model directory that holds it.
      const std::string dir = std::filesystem::path(path).parent_path().string();
      return load_jemss_graph(dir.empty() ? std::string(".") : dir, options);
    }
  }
  return absl::InternalError("unreachable");
}

DISPATCHKIT_NAMESPACE_END
