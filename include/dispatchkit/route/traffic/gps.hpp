// dispatchkit/route/traffic/gps.hpp: vehicle GPS traces (one fix per line) for map matching.
//
//   absl::StatusOr<std::vector<GpsTrack>> tracks = load_gps_tracks("taxi_week.csv.xz");
//   for (const GpsTrack& t : *tracks) matcher.match_track(t.fixes, slicing, samples);
//
// Format (CSV with a header; columns found by name, extra columns ignored):
//   cab_id,unix_time_utc,lat,lon,occupied
//   abboip,1211094008,37.77833,-122.4182,0
// `cab_id` may also be called `vehicle_id`; `occupied` (0/1) is optional. Rows may come
// in any order: each track is sorted by time and exact duplicate times are dropped.
// Errors name PATH:LINE (InvalidArgument for a malformed row).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
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
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/route/traffic/map_matching.hpp"
#include "dispatchkit/route/traffic/profile.hpp"
#include "dispatchkit/route/traffic/time_slice.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// The fixes of one vehicle, sorted by time.
struct GpsTrack {
  std::string vehicle;
  std::vector<GpsFix> fixes;
};

// Parses GPS CSV text (`path` for messages). O(n log n).
[[nodiscard]] inline absl::StatusOr<std::vector<GpsTrack>> parse_gps_tracks(const std::string& path,
                                                                            std::string_view text) {
  LineReader lines(path, text);
  std::vector<std::string_view> f;
  auto header_line = lines.next();
  if (!header_line) return absl::InvalidArgumentError(absl::StrCat(path, ": empty file"));
  std::vector<std::string_view> header;
  split_csv(*header_line, header);
  auto col = [&](std::string_view name) {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (trim(header[i]) == name) return static_cast<int>(i);
    return -1;
  };
  int c_id = col("cab_id");
  if (c_id < 0) c_id = col("vehicle_id");
  const int c_t = col("unix_time_utc"), c_lat = col("lat"), c_lon = col("lon");
  const int c_occ = col("occupied");
  if (c_id < 0 || c_t < 0 || c_lat < 0 || c_lon < 0)
    return lines.error("header must name cab_id (or vehicle_id), unix_time_utc, lat, lon");
  const std::size_t need = static_cast<std::size_t>(std::max({c_id, c_t, c_lat, c_lon, c_occ})) + 1;
  std::vector<GpsTrack> tracks;
  absl::flat_hash_map<std::string, std::size_t> index;
  std::size_t current = SIZE_MAX;
  while (auto line = lines.next()) {
    if (trim(*line).empty()) continue;
    split_csv(*line, f);
    if (f.size() < need)
      return lines.error(absl::StrCat("expected at least ", need, " fields, got ", f.size()));
    GpsFix fix;
    if (!parse_number(f[c_t], fix.unix_time)) return lines.error("unix_time_utc: expected integer");
    if (!parse_number(f[c_lat], fix.position.lat) || !parse_number(f[c_lon], fix.position.lon) ||
        !fix.position.is_valid())
      return lines.error("lat, lon: expected WGS84 degrees");
    if (c_occ >= 0) {
      int occ = 0;
      if (!parse_number(f[c_occ], occ) || (occ != 0 && occ != 1))
        return lines.error("occupied: expected 0 or 1");
      fix.occupied = occ == 1;
    }
    const std::string_view id = trim(f[c_id]);
    // Files are usually grouped by vehicle: skip the hash lookup while the id repeats.
    if (current == SIZE_MAX || tracks[current].vehicle != id) {
      auto [it, inserted] = index.try_emplace(std::string(id), tracks.size());
      if (inserted) tracks.push_back({std::string(id), {}});
      current = it->second;
    }
    tracks[current].fixes.push_back(fix);
  }
  for (GpsTrack& t : tracks) {
    std::stable_sort(t.fixes.begin(), t.fixes.end(),
                     [](const GpsFix& a, const GpsFix& b) { return a.unix_time < b.unix_time; });
    t.fixes.erase(
        std::unique(t.fixes.begin(), t.fixes.end(),
                    [](const GpsFix& a, const GpsFix& b) { return a.unix_time == b.unix_time; }),
        t.fixes.end());
  }
  return tracks;
}

// Which fixes profile_from_tracks() uses: inside a bounding box (GPS outliers far away
// are dropped before matching) and not on excluded local days (a held-out day).
struct GpsFilter {
  LatLon south_west{-90.0, -180.0};
  LatLon north_east{90.0, 180.0};
  std::vector<std::int64_t> excluded_local_days;  // TimeSlicing::local_day() values
  std::optional<std::int64_t> only_local_day;     // if set, keep this day only
};

// Map-matches every track through `matcher` (fixes kept by `filter`, local days by
// `slicing`) and returns the profile (median or trimmed mean per cell, cells with
// >= min_samples samples).
// `progress(done, total)` is called after each track (may be empty). The matcher's
// stats() hold the counts afterwards.
[[nodiscard]] inline absl::StatusOr<TrafficProfile> profile_from_tracks(
    MapMatcher& matcher, std::span<const GpsTrack> tracks, const TimeSlicing& slicing,
    const GpsFilter& filter = {}, std::uint32_t min_samples = 1,
    const std::function<void(std::size_t, std::size_t)>& progress = {},
    TrafficAccumulator::Statistic statistic = TrafficAccumulator::Statistic::kTrimmedMean) {
  TrafficAccumulator samples;
  std::vector<GpsFix> kept;
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    kept.clear();
    for (const GpsFix& f : tracks[i].fixes) {
      if (f.position.lat < filter.south_west.lat || f.position.lat > filter.north_east.lat ||
          f.position.lon < filter.south_west.lon || f.position.lon > filter.north_east.lon)
        continue;
      const std::int64_t day = slicing.local_day(f.unix_time);
      if (filter.only_local_day && day != *filter.only_local_day) continue;
      if (std::find(filter.excluded_local_days.begin(), filter.excluded_local_days.end(), day) !=
          filter.excluded_local_days.end())
        continue;
      kept.push_back(f);
    }
    matcher.match_track(kept, slicing, samples);
    if (progress) progress(i + 1, tracks.size());
  }
  return samples.build(matcher.graph(), slicing, min_samples, statistic);
}

// Reads (gzip/xz/plain) and parses a GPS CSV file.
[[nodiscard]] inline absl::StatusOr<std::vector<GpsTrack>> load_gps_tracks(
    const std::string& path) {
  DK_ASSIGN_OR_RETURN(const std::string text, read_file(path));
  return parse_gps_tracks(path, text);
}

DISPATCHKIT_NAMESPACE_END
