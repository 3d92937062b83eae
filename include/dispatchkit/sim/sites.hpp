// dispatchkit/sim/sites.hpp: the fixed places of a replay (stations, named points).
//
//   absl::StatusOr<std::vector<Site>> st = load_sites("data/sf/sf_fire_stations.csv");
//   st->front().number;                       // 15 for "Fire Station #15"
//   station_number_in("Fire Station #7 - Division 3")   // 7: matches a "Station Area"
//
// A Site is a name, a WGS84 location and, for a station, its number: the digits after '#'
// in the name, which is how a calls export names the station whose area a call was in.
// Reading sites (and a replay's hospitals) from CSV files lives in sim/io/sites_csv.hpp,
// which this header includes at its end so that code calling load_sites through it keeps
// compiling.
#pragma once

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/io/text.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// A fixed place of the service: a station (units' home), or any named point.
struct Site {
  std::string name;
  LatLon location;
  std::int32_t number = -1;  // "#15" in the name -> 15; -1 if none
  std::string source;        // "PATH:LINE" of the row it was read from, for messages; or ""
};

// The station number in a name: the digits right after the first '#' ("Fire Station #15"
// -> 15, "#08" -> 8); -1 when there is no '#' followed by a digit.
[[nodiscard]] inline std::int32_t station_number_in(std::string_view name) noexcept {
  const std::size_t hash = name.find('#');
  if (hash == std::string_view::npos) return -1;
  std::size_t end = hash + 1;
  while (end < name.size() && std::isdigit(static_cast<unsigned char>(name[end]))) ++end;
  std::int32_t n = -1;
  if (end > hash + 1 && parse_number(name.substr(hash + 1, end - hash - 1), n)) return n;
  return -1;
}

DISPATCHKIT_NAMESPACE_END

// The sites reader (load_sites, parse_sites, load_emergency_departments).
#include "dispatchkit/sim/io/sites_csv.hpp"  // IWYU pragma: export
