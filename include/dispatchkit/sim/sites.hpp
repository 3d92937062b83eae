// dispatchkit/sim/sites.hpp: stations and hospitals of a replay, from point CSV files.
//
//   absl::StatusOr<std::vector<Site>> st = load_sites("data/sf/sf_fire_stations.csv");
//   st->front().number;    // 15 for "Fire Station #15"
//   absl::StatusOr<std::vector<Hospital>> h = load_emergency_departments(
//       "data/sf/sf_hospitals.csv", snapper);   // HIFLD, minus psychiatric / long-term care
//
// Columns are found by header name, case-insensitively: a name ("name"), a latitude
// ("latitude" or "lat") and a longitude ("longitude", "lon" or "lng"); optional "status"
// (rows whose status is CLOSED are skipped) and "type" (HIFLD: rows of type PSYCHIATRIC,
// LONG TERM CARE, REHABILITATION are skipped: an ambulance does not take an emergency
// patient there). Station
// numbers are the digits after '#' in the name, used to match the "Station Area" of a
// calls export. A row with a bad coordinate is an error naming file:line: a station list
// is short and hand-kept, so a typo must be fixed, not skipped.
#pragma once

#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/recommend/hospital.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// A fixed place of the service: a station (units' home), or any named point.
struct Site {
  std::string name;
  LatLon location;
  std::int32_t number = -1;  // "#15" in the name -> 15; -1 if none
};

// Parses a sites CSV (see the banner). InvalidArgument (file:line) for a missing column or
// bad coordinate; at least one site required.
[[nodiscard]] absl::StatusOr<std::vector<Site>> parse_sites(const std::string& path,
                                                            std::string_view text);
[[nodiscard]] absl::StatusOr<std::vector<Site>> load_sites(const std::string& path);

// Hospitals a replay may take patients to: recommend's HIFLD loader
// (load_hifld_hospitals: trauma levels, snapping; by default without psychiatric,
// long-term care or rehabilitation facilities, so none is chosen as the "nearest
// emergency department"), minus STATUS CLOSED rows. Errors as load_hifld_hospitals.
template <class SnapperT>
[[nodiscard]] absl::StatusOr<std::vector<Hospital>> load_emergency_departments(
    const std::string& path, const SnapperT& snapper);

// ---------------------------------------------------------------------------------------
// Implementation.

namespace detail {
inline std::string lower_ascii(std::string_view s) {
  std::string out(trim(s));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace detail

inline absl::StatusOr<std::vector<Site>> parse_sites(const std::string& path,
                                                     std::string_view text) {
  LineReader lines(path, text);
  std::vector<std::string_view> f;
  std::optional<std::string_view> header = lines.next();
  if (header && header->size() >= 3 && header->substr(0, 3) == "\xEF\xBB\xBF")
    header->remove_prefix(3);
  if (!header) return absl::InvalidArgumentError(absl::StrCat(path, ": empty file"));
  split_csv(*header, f);
  int name = -1, lat = -1, lon = -1, status = -1, type = -1;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const std::string h = detail::lower_ascii(f[i]);
    const int c = static_cast<int>(i);
    if (h == "name") name = c;
    if (h == "latitude" || h == "lat") lat = c;
    if (h == "longitude" || h == "lon" || h == "lng") lon = c;
    if (h == "status") status = c;
    if (h == "type") type = c;
  }
  if (name < 0 || lat < 0 || lon < 0)
    return lines.error("header needs name, latitude and longitude columns");
  const int needed = std::max({name, lat, lon, status, type}) + 1;
  std::vector<Site> sites;
  while (std::optional<std::string_view> line = lines.next()) {
    if (trim(*line).empty()) continue;
    split_csv(*line, f);
    if (static_cast<int>(f.size()) < needed)
      return lines.error(absl::StrCat("expected at least ", needed, " fields, got ", f.size()));
    if (status >= 0 && detail::lower_ascii(f[status]) == "closed") continue;
    if (type >= 0) {
      const std::string t = detail::lower_ascii(f[type]);
      if (t == "psychiatric" || t == "long term care" || t == "rehabilitation") continue;
    }
    Site s;
    s.name = std::string(trim(f[name]));
    if (!parse_number(f[lat], s.location.lat) || !parse_number(f[lon], s.location.lon) ||
        !s.location.is_valid())
      return lines.error("latitude/longitude is not a WGS84 coordinate");
    const std::size_t hash = s.name.find('#');
    if (hash != std::string::npos) {
      std::size_t end = hash + 1;
      while (end < s.name.size() && std::isdigit(static_cast<unsigned char>(s.name[end]))) ++end;
      int n = 0;
      if (end > hash + 1 &&
          parse_number(std::string_view(s.name).substr(hash + 1, end - hash - 1), n))
        s.number = n;
    }
    sites.push_back(std::move(s));
  }
  if (sites.empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": no sites"));
  return sites;
}

inline absl::StatusOr<std::vector<Site>> load_sites(const std::string& path) {
  DK_ASSIGN_OR_RETURN(std::string text, read_file(path));
  return parse_sites(path, text);
}

template <class SnapperT>
absl::StatusOr<std::vector<Hospital>> load_emergency_departments(const std::string& path,
                                                                 const SnapperT& snapper) {
  // The loader already drops the types without an emergency department (its default
  // HifldLoadOptions); a replay has no hospital status feed, so closed ones go too.
  DK_ASSIGN_OR_RETURN(std::vector<Hospital> all, load_hifld_hospitals(path, snapper));
  std::erase_if(all, [](const Hospital& h) { return h.status == HospitalStatus::kClosed; });
  return all;
}

DISPATCHKIT_NAMESPACE_END
