// dispatchkit/route/traffic/profile.hpp: recorded traffic, per arc and slice of the week.
//
//   absl::StatusOr<TrafficProfile> p = load_traffic_profile("sf_profile.csv", graph);
//   for (const TrafficCell& c : p->cells(arc))           // sparse: observed slices only
//     use(c.slice, c.travel_time_s, c.samples);
//   const TrafficCell* monday_8am = p->find(arc, p->slicing().at(0, 8 * 60));
//   absl::Status s = save_traffic_profile("out.csv", *p, graph);
//
// A TrafficProfile is data, not a metric: the observed travel time of each arc in each
// slice of the week where something was observed, with the number of observations behind
// it. Turning it into arc weights (fallback to free flow, shrinkage, smoothing, lights and
// sirens) is route/traffic/metric.hpp's job, so that one profile serves every travel mode
// and every slice. The CSV format is documented in docs/traffic.md:
//
//   # slicing: slice_minutes=15 utc_offset_minutes=-420      (optional, checked if present)
//   from_id,to_id,slice,travel_time_s,samples
//   65290810,65290812,32,41.5,7
//
// Rows may instead name the segment by its end coordinates (from_lat,from_lon,to_lat,
// to_lon: each end is matched to the nearest graph node within a tolerance) and may give
// `speed_kmh` instead of `travel_time_s` (converted with the arc's length). `samples` is
// optional (default 1). Errors name PATH:LINE and use the canonical codes: InvalidArgument
// for malformed rows, OutOfRange for a node, arc or slice the graph does not have.
//
// Thread safety: immutable after construction; share freely.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
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
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/route/traffic/detail/node_grid.hpp"
#include "dispatchkit/route/traffic/time_slice.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// What was observed on one arc in one slice: a representative travel time over the whole
// arc (the producer's choice of statistic; dk-traffic writes a trimmed mean) and how many
// observations it rests on.
struct TrafficCell {
  TimeSlice slice;
  float travel_time_s = 0.0f;
  std::uint32_t samples = 0;
};

// One input record for TrafficProfile::build().
struct TrafficObservation {
  ArcId arc;
  TimeSlice slice;
  double travel_time_s = 0.0;
  std::uint32_t samples = 1;
};

class TrafficProfile {
 public:
  TrafficProfile() = default;

  // Builds a profile for `graph` from observations in any order. Several observations of
  // one (arc, slice) are merged into their sample-weighted mean. Errors: InvalidArgument
  // for an invalid slicing, OutOfRange for an arc or slice out of range, InvalidArgument
  // for a non-positive or non-finite time or zero samples. O(m + k log k) for k records.
  [[nodiscard]] static absl::StatusOr<TrafficProfile> build(
      const RoadGraph& graph, TimeSlicing slicing, std::vector<TrafficObservation> observations);

  [[nodiscard]] const TimeSlicing& slicing() const noexcept { return slicing_; }
  [[nodiscard]] std::uint32_t arc_count() const noexcept {
    return first_.empty() ? 0 : static_cast<std::uint32_t>(first_.size() - 1);
  }
  // The graph the profile was built for (RoadGraph::fingerprint()).
  [[nodiscard]] std::uint64_t graph_fingerprint() const noexcept { return fingerprint_; }

  // Observed slices of `arc`, sorted by slice. O(1), no allocation.
  [[nodiscard]] std::span<const TrafficCell> cells(ArcId arc) const noexcept {
    return {cells_.data() + first_[arc.value()], cells_.data() + first_[arc.value() + 1]};
  }
  // The cell of (arc, slice), or nullptr if nothing was observed there. O(log cells(arc)).
  [[nodiscard]] const TrafficCell* find(ArcId arc, TimeSlice slice) const noexcept {
    const auto c = cells(arc);
    const auto it =
        std::lower_bound(c.begin(), c.end(), slice,
                         [](const TrafficCell& cell, TimeSlice s) { return cell.slice < s; });
    return it != c.end() && it->slice == slice ? &*it : nullptr;
  }
  // Every cell, grouped by arc (arc a owns [cell_offsets()[a], cell_offsets()[a + 1])).
  [[nodiscard]] std::span<const TrafficCell> all_cells() const noexcept { return cells_; }
  [[nodiscard]] std::span<const std::uint32_t> cell_offsets() const noexcept { return first_; }

  [[nodiscard]] std::size_t cell_count() const noexcept { return cells_.size(); }
  [[nodiscard]] std::uint32_t observed_arc_count() const noexcept {
    std::uint32_t n = 0;
    for (std::size_t a = 0; a + 1 < first_.size(); ++a) n += first_[a + 1] > first_[a] ? 1 : 0;
    return n;
  }
  [[nodiscard]] std::uint64_t total_samples() const noexcept {
    std::uint64_t n = 0;
    for (const TrafficCell& c : cells_) n += c.samples;
    return n;
  }

 private:
  TimeSlicing slicing_;
  std::uint64_t fingerprint_ = 0;
  std::vector<std::uint32_t> first_;
  std::vector<TrafficCell> cells_;
};

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

inline absl::StatusOr<TrafficProfile> TrafficProfile::build(
    const RoadGraph& graph, TimeSlicing slicing, std::vector<TrafficObservation> observations) {
  if (!slicing.is_valid())
    return absl::InvalidArgumentError(absl::StrCat(
        "traffic profile: slice_minutes=", slicing.slice_minutes(), " does not divide a day"));
  for (const TrafficObservation& o : observations) {
    if (!o.arc.valid() || o.arc.value() >= graph.arc_count())
      return absl::OutOfRangeError(absl::StrCat("traffic profile: arc ", o.arc.value(),
                                                " out of range (graph has ", graph.arc_count(),
                                                " arcs)"));
    if (!o.slice.valid() || o.slice.value() >= slicing.slice_count())
      return absl::OutOfRangeError(absl::StrCat("traffic profile: slice ", o.slice.value(),
                                                " out of range (", slicing.slice_count(),
                                                " slices)"));
    if (!(o.travel_time_s > 0.0) || !std::isfinite(o.travel_time_s) || o.samples == 0)
      return absl::InvalidArgumentError(
          absl::StrCat("traffic profile: arc ", o.arc.value(), " slice ", o.slice.value(),
                       ": expected a positive finite travel time and samples >= 1"));
  }
  std::sort(observations.begin(), observations.end(),
            [](const TrafficObservation& a, const TrafficObservation& b) {
              return a.arc != b.arc ? a.arc < b.arc : a.slice < b.slice;
            });
  TrafficProfile p;
  p.slicing_ = slicing;
  p.fingerprint_ = graph.fingerprint();
  p.first_.assign(std::size_t{graph.arc_count()} + 1, 0);
  p.cells_.reserve(observations.size());
  std::size_t i = 0;
  while (i < observations.size()) {
    const ArcId arc = observations[i].arc;
    const TimeSlice slice = observations[i].slice;
    double weighted = 0.0;
    std::uint64_t samples = 0;
    for (; i < observations.size() && observations[i].arc == arc && observations[i].slice == slice;
         ++i) {
      weighted += observations[i].travel_time_s * observations[i].samples;
      samples += observations[i].samples;
    }
    p.cells_.push_back({slice, static_cast<float>(weighted / static_cast<double>(samples)),
                        static_cast<std::uint32_t>(std::min<std::uint64_t>(samples, UINT32_MAX))});
    ++p.first_[arc.value() + 1];
  }
  for (std::size_t a = 1; a < p.first_.size(); ++a) p.first_[a] += p.first_[a - 1];
  return p;
}

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

[[nodiscard]] inline int traffic_column(const std::vector<std::string_view>& header,
                                        std::string_view name) noexcept {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (trim(header[i]) == name) return static_cast<int>(i);
  return -1;
}

}  // namespace detail

inline absl::StatusOr<TrafficProfile> parse_traffic_profile(const std::string& path,
                                                            std::string_view text,
                                                            const RoadGraph& graph,
                                                            const TrafficCsvOptions& options) {
  const TimeSlicing& slicing = options.slicing;
  if (!slicing.is_valid())
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": slice_minutes=", slicing.slice_minutes(), " does not divide a day"));
  LineReader lines(path, text);
  std::vector<std::string_view> f;
  // Header (after comment lines, which may carry the slicing).
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
  std::vector<std::string_view> header;
  split_csv(*line, header);
  const int c_from = detail::traffic_column(header, "from_id");
  const int c_to = detail::traffic_column(header, "to_id");
  const int c_flat = detail::traffic_column(header, "from_lat");
  const int c_flon = detail::traffic_column(header, "from_lon");
  const int c_tlat = detail::traffic_column(header, "to_lat");
  const int c_tlon = detail::traffic_column(header, "to_lon");
  const int c_slice = detail::traffic_column(header, "slice");
  const int c_time = detail::traffic_column(header, "travel_time_s");
  const int c_speed = detail::traffic_column(header, "speed_kmh");
  const int c_samples = detail::traffic_column(header, "samples");
  const bool by_id = c_from >= 0 && c_to >= 0;
  const bool by_coord = c_flat >= 0 && c_flon >= 0 && c_tlat >= 0 && c_tlon >= 0;
  if (!by_id && !by_coord)
    return lines.error("header must name from_id,to_id or from_lat,from_lon,to_lat,to_lon");
  if (c_slice < 0) return lines.error("header must name a slice column");
  if ((c_time < 0) == (c_speed < 0))
    return lines.error("header must name exactly one of travel_time_s, speed_kmh");
  if (by_coord && !graph.has_coordinates())
    return lines.error(absl::StatusCode::kFailedPrecondition,
                       "rows keyed by coordinates need a graph with coordinates");
  const std::size_t width = header.size();
  std::optional<detail::NodeGrid> grid;
  if (by_coord && !by_id) grid.emplace(graph);

  std::vector<TrafficObservation> obs;
  std::vector<std::uint64_t> keys;  // (arc << 32 | slice), for duplicate detection
  std::vector<std::uint32_t> line_of;
  while ((line = lines.next())) {
    const std::string_view t = trim(*line);
    if (t.empty() || t.front() == '#') continue;
    split_csv(*line, f);
    if (f.size() != width)
      return lines.error(absl::StrCat("expected ", width, " fields, got ", f.size()));
    NodeId from, to;
    if (by_id) {
      std::int64_t a = 0, b = 0;
      if (!parse_number(f[c_from], a) || !parse_number(f[c_to], b))
        return lines.error("from_id and to_id must be integers");
      const auto na = graph.find_node(a), nb = graph.find_node(b);
      if (!na || !nb)
        return lines.error(absl::StatusCode::kOutOfRange,
                           absl::StrCat("node ", na ? b : a, " is not in the graph"));
      from = *na;
      to = *nb;
    } else {
      LatLon pa, pb;
      if (!parse_number(f[c_flat], pa.lat) || !parse_number(f[c_flon], pa.lon) ||
          !parse_number(f[c_tlat], pb.lat) || !parse_number(f[c_tlon], pb.lon) || !pa.is_valid() ||
          !pb.is_valid())
        return lines.error("from_lat,from_lon,to_lat,to_lon must be WGS84 degrees");
      const auto na = grid->nearest(pa, options.max_node_distance_m);
      const auto nb = grid->nearest(pb, options.max_node_distance_m);
      if (!na || !nb)
        return lines.error(absl::StatusCode::kOutOfRange,
                           absl::StrFormat("segment end (%.6f, %.6f) is more than %.0f m from "
                                           "any graph node",
                                           na ? pb.lat : pa.lat, na ? pb.lon : pa.lon,
                                           options.max_node_distance_m));
      from = *na;
      to = *nb;
    }
    const auto arc = graph.find_arc(from, to);
    if (!arc)
      return lines.error(absl::StatusCode::kOutOfRange,
                         absl::StrCat("the graph has no arc from node ", graph.external_id(from),
                                      " to node ", graph.external_id(to)));
    std::uint32_t slice = 0;
    if (!parse_number(f[c_slice], slice))
      return lines.error("slice must be a non-negative integer");
    if (slice >= slicing.slice_count())
      return lines.error(
          absl::StatusCode::kOutOfRange,
          absl::StrCat("slice ", slice, " out of range 0..", slicing.slice_count() - 1));
    double seconds = 0.0;
    if (c_time >= 0) {
      if (!parse_number(f[c_time], seconds) || !(seconds > 0.0))
        return lines.error("travel_time_s must be a positive number");
    } else {
      double kmh = 0.0;
      if (!parse_number(f[c_speed], kmh) || !(kmh > 0.0))
        return lines.error("speed_kmh must be a positive number");
      seconds = graph.length(*arc).value() / (kmh / 3.6);
      if (!(seconds > 0.0))
        return lines.error(absl::StatusCode::kFailedPrecondition,
                           "speed_kmh given for an arc of zero length");
    }
    std::uint32_t samples = 1;
    if (c_samples >= 0 && (!parse_number(f[c_samples], samples) || samples == 0))
      return lines.error("samples must be a positive integer");
    obs.push_back({*arc, TimeSlice(slice), seconds, samples});
    keys.push_back((std::uint64_t{arc->value()} << 32) | slice);
    line_of.push_back(lines.line_number());
  }
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
