// dispatchkit/route/traffic/io/profile_csv.hpp: the traffic profile CSV format, read and
// written (the format is documented in docs/traffic.md).
//
//   absl::StatusOr<TrafficProfile> p = load_traffic_profile("sf_profile.csv", graph);
//   absl::Status s = save_traffic_profile("out.csv", *p, graph);
//
//   # slicing: slice_minutes=15 utc_offset_minutes=-420      (optional, checked if present)
//   from_id,to_id,slice,travel_time_s,samples
//   65290810,65290812,32,41.5,7
//
// Rows may instead name the segment by its end coordinates (from_lat,from_lon,to_lat,
// to_lon: each end is matched to the nearest graph node within a tolerance) and may give
// `speed_kmh` instead of `travel_time_s` (converted with the arc's length). `samples` is
// optional (default 1). Lines starting with '#' are comments. Read with io/csv.hpp's
// CsvReader, so a UTF-8 BOM, CR / LF / CRLF endings and quoted fields read as in every
// other table. Errors name PATH:LINE and use the canonical codes: InvalidArgument for
// malformed rows, OutOfRange for a node, arc or slice the graph does not have,
// FailedPrecondition for a "# slicing:" line that disagrees with the caller's slicing.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/io/csv.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/route/traffic/detail/node_grid.hpp"
#include "dispatchkit/route/traffic/profile.hpp"
#include "dispatchkit/route/traffic/time_slice.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct TrafficCsvOptions {
  // The slicing the file's `slice` column refers to. A "# slicing:" line in the file must
  // agree with it (FailedPrecondition otherwise): a profile of 15-minute slices read as
  // hourly slices would silently shift rush hour.
  TimeSlicing slicing{};
  // For rows keyed by coordinates: how far a segment end may be from its graph node.
  double max_node_distance_m = 30.0;
};

// Parses a profile CSV held in memory (`path` is only used in messages). See the banner
// for the format and errors. Duplicate (arc, slice) rows are an InvalidArgument error:
// two answers to one question mean the producer made a mistake.
[[nodiscard]] absl::StatusOr<TrafficProfile> parse_traffic_profile(
    const std::string& path, std::string_view text, const RoadGraph& graph,
    const TrafficCsvOptions& options = {});
// Reads (gzip/xz/plain) and parses a profile CSV; NotFound / DataLoss from read_file().
[[nodiscard]] absl::StatusOr<TrafficProfile> load_traffic_profile(
    const std::string& path, const RoadGraph& graph, const TrafficCsvOptions& options = {});
// The profile as CSV (keyed by external node ids, with the "# slicing:" line).
[[nodiscard]] std::string format_traffic_profile(const TrafficProfile& profile,
                                                 const RoadGraph& graph);
// Writes format_traffic_profile() atomically.
[[nodiscard]] absl::Status save_traffic_profile(const std::string& path,
                                                const TrafficProfile& profile,
                                                const RoadGraph& graph);

// ---------------------------------------------------------------------------------------
// Implementation.

namespace detail {

// Parses "# slicing: slice_minutes=15 utc_offset_minutes=-420"; nullopt if not such a line.
[[nodiscard]] inline std::optional<TimeSlicing> parse_slicing_comment(std::string_view line) {
  line = trim(line);
  constexpr std::string_view kPrefix = "# slicing:";
  if (!line.starts_with(kPrefix)) return std::nullopt;
  line.remove_prefix(kPrefix.size());
  std::vector<std::string_view> words;
  split_whitespace(line, words);
  std::int32_t minutes = -1, offset = 0;
  bool have_minutes = false, have_offset = false;
  for (std::string_view w : words) {
    const std::size_t eq = w.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    const std::string_view key = w.substr(0, eq), value = w.substr(eq + 1);
    if (key == "slice_minutes") have_minutes = parse_number(value, minutes);
    if (key == "utc_offset_minutes") have_offset = parse_number(value, offset);
  }
  if (!have_minutes || !have_offset) return std::nullopt;
  return TimeSlicing(minutes, offset);
}

// Every column is optional to the reader: which combinations are valid is checked after
// the header is read, with a message that names the alternatives.
enum ProfileColumn : std::size_t {
  kProfileFromId,
  kProfileToId,
  kProfileFromLat,
  kProfileFromLon,
  kProfileToLat,
  kProfileToLon,
  kProfileSlice,
  kProfileTime,
  kProfileSpeed,
  kProfileSamples,
};
inline constexpr CsvColumn kProfileColumns[] = {
    {"from_id", {}, false},  {"to_id", {}, false},         {"from_lat", {}, false},
    {"from_lon", {}, false}, {"to_lat", {}, false},        {"to_lon", {}, false},
    {"slice", {}, false},    {"travel_time_s", {}, false}, {"speed_kmh", {}, false},
    {"samples", {}, false},
};

}  // namespace detail

inline absl::StatusOr<TrafficProfile> parse_traffic_profile(const std::string& path,
                                                            std::string_view text,
                                                            const RoadGraph& graph,
                                                            const TrafficCsvOptions& options) {
  const TimeSlicing& slicing = options.slicing;
  if (!slicing.is_valid())
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": slice_minutes=", slicing.slice_minutes(), " does not divide a day"));
  text = without_byte_order_mark(text);
  // Comment lines before the header may carry the slicing; the table starts after them.
  LineReader lines(path, text);
  std::optional<std::string_view> line;
  while ((line = lines.next())) {
    const std::string_view t = trim(*line);
    if (t.empty()) continue;
    if (t.front() != '#') break;
    if (auto s = detail::parse_slicing_comment(t); s && !(*s == slicing))
      return lines.error(absl::StatusCode::kFailedPrecondition,
                         absl::StrCat("file has slice_minutes=", s->slice_minutes(),
                                      " utc_offset_minutes=", s->utc_offset_minutes(),
                                      ", caller expects slice_minutes=", slicing.slice_minutes(),
                                      " utc_offset_minutes=", slicing.utc_offset_minutes()));
  }
  if (!line) return absl::InvalidArgumentError(absl::StrCat(path, ": empty, expected a header"));
  DK_ASSIGN_OR_RETURN(
      CsvReader csv,
      CsvReader::open(path, text.substr(static_cast<std::size_t>(line->data() - text.data())),
                      detail::kProfileColumns, {.first_line = lines.line_number()}));
  const bool by_id = csv.has(detail::kProfileFromId) && csv.has(detail::kProfileToId);
  const bool by_coord = csv.has(detail::kProfileFromLat) && csv.has(detail::kProfileFromLon) &&
                        csv.has(detail::kProfileToLat) && csv.has(detail::kProfileToLon);
  if (!by_id && !by_coord)
    return csv.error("header must name from_id,to_id or from_lat,from_lon,to_lat,to_lon");
  if (!csv.has(detail::kProfileSlice)) return csv.error("header must name a slice column");
  if (csv.has(detail::kProfileTime) == csv.has(detail::kProfileSpeed))
    return csv.error("header must name exactly one of travel_time_s, speed_kmh");
  if (by_coord && !graph.has_coordinates())
    return csv.error(absl::StatusCode::kFailedPrecondition,
                     "rows keyed by coordinates need a graph with coordinates");
  const std::size_t width = csv.header().size();
  std::optional<detail::NodeGrid> grid;
  if (by_coord && !by_id) grid.emplace(graph);

  std::vector<TrafficObservation> obs;
  std::vector<std::uint64_t> keys;  // (arc << 32 | slice), for duplicate detection
  std::vector<std::uint32_t> line_of;
  while (csv.next()) {
    if (csv.at(0).starts_with('#')) continue;
    if (csv.size() != width)
      return csv.error(absl::StrCat("expected ", width, " fields, got ", csv.size()));
    NodeId from, to;
    if (by_id) {
      std::int64_t a = 0, b = 0;
      if (!parse_number(csv.field(detail::kProfileFromId), a) ||
          !parse_number(csv.field(detail::kProfileToId), b))
        return csv.error("from_id and to_id must be integers");
      const auto na = graph.find_node(a), nb = graph.find_node(b);
      if (!na || !nb)
        return csv.error(absl::StatusCode::kOutOfRange,
                         absl::StrCat("node ", na ? b : a, " is not in the graph"));
      from = *na;
      to = *nb;
    } else {
      LatLon pa, pb;
      if (!parse_number(csv.field(detail::kProfileFromLat), pa.lat) ||
          !parse_number(csv.field(detail::kProfileFromLon), pa.lon) ||
          !parse_number(csv.field(detail::kProfileToLat), pb.lat) ||
          !parse_number(csv.field(detail::kProfileToLon), pb.lon) || !pa.is_valid() ||
          !pb.is_valid())
        return csv.error("from_lat,from_lon,to_lat,to_lon must be WGS84 degrees");
      const auto na = grid->nearest(pa, options.max_node_distance_m);
      const auto nb = grid->nearest(pb, options.max_node_distance_m);
      if (!na || !nb)
        return csv.error(absl::StatusCode::kOutOfRange,
                         absl::StrFormat("segment end (%.6f, %.6f) is more than %.0f m from "
                                         "any graph node",
                                         na ? pb.lat : pa.lat, na ? pb.lon : pa.lon,
                                         options.max_node_distance_m));
      from = *na;
      to = *nb;
    }
    const auto arc = graph.find_arc(from, to);
    if (!arc)
      return csv.error(absl::StatusCode::kOutOfRange,
                       absl::StrCat("the graph has no arc from node ", graph.external_id(from),
                                    " to node ", graph.external_id(to)));
    std::uint32_t slice = 0;
    if (!parse_number(csv.field(detail::kProfileSlice), slice))
      return csv.error("slice must be a non-negative integer");
    if (slice >= slicing.slice_count())
      return csv.error(
          absl::StatusCode::kOutOfRange,
          absl::StrCat("slice ", slice, " out of range 0..", slicing.slice_count() - 1));
    double seconds = 0.0;
    if (csv.has(detail::kProfileTime)) {
      if (!parse_number(csv.field(detail::kProfileTime), seconds) || !(seconds > 0.0))
        return csv.error("travel_time_s must be a positive number");
    } else {
      double kmh = 0.0;
      if (!parse_number(csv.field(detail::kProfileSpeed), kmh) || !(kmh > 0.0))
        return csv.error("speed_kmh must be a positive number");
      seconds = graph.length(*arc).value() / (kmh / 3.6);
      if (!(seconds > 0.0))
        return csv.error(absl::StatusCode::kFailedPrecondition,
                         "speed_kmh given for an arc of zero length");
    }
    std::uint32_t samples = 1;
    if (csv.has(detail::kProfileSamples) &&
        (!parse_number(csv.field(detail::kProfileSamples), samples) || samples == 0))
      return csv.error("samples must be a positive integer");
    obs.push_back({*arc, TimeSlice(slice), seconds, samples});
    keys.push_back((std::uint64_t{arc->value()} << 32) | slice);
    line_of.push_back(csv.line_number());
  }
  DK_RETURN_IF_ERROR(csv.status());
  // Duplicates: sort indices by key and look at neighbours.
  std::vector<std::uint32_t> order(keys.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return keys[a] != keys[b] ? keys[a] < keys[b] : a < b;
  });
  for (std::size_t i = 1; i < order.size(); ++i)
    if (keys[order[i]] == keys[order[i - 1]])
      return absl::InvalidArgumentError(absl::StrCat(path, ":", line_of[order[i]],
                                                     ": duplicate of line ", line_of[order[i - 1]],
                                                     " (same arc and slice)"));
  return TrafficProfile::build(graph, slicing, std::move(obs));
}

inline absl::StatusOr<TrafficProfile> load_traffic_profile(const std::string& path,
                                                           const RoadGraph& graph,
                                                           const TrafficCsvOptions& options) {
  DK_ASSIGN_OR_RETURN(const std::string text, read_file(path));
  return parse_traffic_profile(path, text, graph, options);
}

inline std::string format_traffic_profile(const TrafficProfile& profile, const RoadGraph& graph) {
  std::string out = absl::StrCat("# dispatchkit traffic profile (docs/traffic.md)\n",
                                 "# slicing: slice_minutes=", profile.slicing().slice_minutes(),
                                 " utc_offset_minutes=", profile.slicing().utc_offset_minutes(),
                                 "\nfrom_id,to_id,slice,travel_time_s,samples\n");
  for (std::uint32_t a = 0; a < profile.arc_count() && a < graph.arc_count(); ++a) {
    const ArcId arc(a);
    for (const TrafficCell& c : profile.cells(arc))
      absl::StrAppendFormat(&out, "%d,%d,%u,%.1f,%u\n", graph.external_id(graph.tail(arc)),
                            graph.external_id(graph.head(arc)), c.slice.value(),
                            static_cast<double>(c.travel_time_s), c.samples);
  }
  return out;
}

inline absl::Status save_traffic_profile(const std::string& path, const TrafficProfile& profile,
                                         const RoadGraph& graph) {
  if (profile.graph_fingerprint() != graph.fingerprint())
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": the profile was built for another graph"));
  return write_file_atomically(path, format_traffic_profile(profile, graph));
}

DISPATCHKIT_NAMESPACE_END
