// dispatchkit/route/traffic/gps.hpp: from vehicle GPS traces to a traffic profile.
//
//   absl::StatusOr<std::vector<GpsTrack>> tracks = load_gps_tracks("taxi_week.csv.xz");
//   absl::StatusOr<TrafficProfile> p = profile_from_tracks(matcher, *tracks, slicing);
//
// The trace file format and its reader (GpsTrack, parse_gps_tracks, load_gps_tracks) live
// in route/traffic/io/gps_csv.hpp, included here.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/route/traffic/io/gps_csv.hpp"
#include "dispatchkit/route/traffic/map_matching.hpp"
#include "dispatchkit/route/traffic/profile.hpp"
#include "dispatchkit/route/traffic/time_slice.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

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

DISPATCHKIT_NAMESPACE_END
