// dispatchkit/route/traffic/io/gps_csv.hpp: vehicle GPS trace files (one fix per line),
// read into one track per vehicle for map matching (route/traffic/gps.hpp).
//
//   absl::StatusOr<std::vector<GpsTrack>> tracks = load_gps_tracks("taxi_week.csv.xz");
//
// Format (CSV with a header; columns found by name, extra columns ignored):
//   cab_id,unix_time_utc,lat,lon,occupied
//   abboip,1211094008,37.77833,-122.4182,0
// `cab_id` may also be called `vehicle_id`; `occupied` (0/1) is optional. Rows may come
// in any order: each track is sorted by time and exact duplicate times are dropped.
// Read with io/csv.hpp's CsvReader; errors name PATH:LINE (InvalidArgument for a missing
// column or a malformed row).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/io/csv.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/route/traffic/map_matching.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// The fixes of one vehicle, sorted by time.
struct GpsTrack {
  std::string vehicle;
  std::vector<GpsFix> fixes;
};

// Parses GPS CSV text (`path` for messages). O(n log n).
[[nodiscard]] absl::StatusOr<std::vector<GpsTrack>> parse_gps_tracks(const std::string& path,
                                                                     std::string_view text);
// Reads (gzip/xz/plain) and parses a GPS CSV file.
[[nodiscard]] absl::StatusOr<std::vector<GpsTrack>> load_gps_tracks(const std::string& path);

// ---------------------------------------------------------------------------------------
// Implementation.

namespace detail {
enum GpsColumn : std::size_t { kGpsVehicle, kGpsTime, kGpsLat, kGpsLon, kGpsOccupied };
inline constexpr CsvColumn kGpsColumns[] = {{"cab_id", "vehicle_id"},
                                            {"unix_time_utc"},
                                            {"lat"},
                                            {"lon"},
                                            {"occupied", {}, /*required=*/false}};
}  // namespace detail

inline absl::StatusOr<std::vector<GpsTrack>> parse_gps_tracks(const std::string& path,
                                                              std::string_view text) {
  DK_ASSIGN_OR_RETURN(CsvReader csv, CsvReader::open(path, text, detail::kGpsColumns));
  std::vector<GpsTrack> tracks;
  absl::flat_hash_map<std::string, std::size_t> index;
  std::size_t current = SIZE_MAX;
  while (csv.next()) {
    DK_RETURN_IF_ERROR(csv.check_width());
    GpsFix fix;
    if (!parse_number(csv.field(detail::kGpsTime), fix.unix_time))
      return csv.error("unix_time_utc: expected integer");
    if (!parse_number(csv.field(detail::kGpsLat), fix.position.lat) ||
        !parse_number(csv.field(detail::kGpsLon), fix.position.lon) || !fix.position.is_valid())
      return csv.error("lat, lon: expected WGS84 degrees");
    if (csv.has(detail::kGpsOccupied)) {
      int occ = 0;
      if (!parse_number(csv.field(detail::kGpsOccupied), occ) || (occ != 0 && occ != 1))
        return csv.error("occupied: expected 0 or 1");
      fix.occupied = occ == 1;
    }
    const std::string_view id = csv.field(detail::kGpsVehicle);
    // Files are usually grouped by vehicle: skip the hash lookup while the id repeats.
    if (current == SIZE_MAX || tracks[current].vehicle != id) {
      auto [it, inserted] = index.try_emplace(std::string(id), tracks.size());
      if (inserted) tracks.push_back({std::string(id), {}});
      current = it->second;
    }
    tracks[current].fixes.push_back(fix);
  }
  DK_RETURN_IF_ERROR(csv.status());
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

inline absl::StatusOr<std::vector<GpsTrack>> load_gps_tracks(const std::string& path) {
  DK_ASSIGN_OR_RETURN(const std::string text, read_file(path));
  return parse_gps_tracks(path, text);
}

DISPATCHKIT_NAMESPACE_END
