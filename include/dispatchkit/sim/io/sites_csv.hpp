// dispatchkit/sim/io/sites_csv.hpp: stations and hospitals of a replay, from point CSV files.
//
//   absl::StatusOr<std::vector<Site>> st = load_sites("data/sf/sf_fire_stations.csv");
//   st->front().number;    // 15 for "Fire Station #15"
//   write_file_atomically("layout.csv", sites_csv(*st));   // reads back the same
//   absl::StatusOr<std::vector<Hospital>> h = load_emergency_departments(
//       "data/sf/sf_hospitals.csv", snapper);   // HIFLD, minus psychiatric / long-term care
//
// Sites format: a header row, columns found by name ignoring case (io/csv.hpp's CsvReader):
// a name ("name"), a latitude ("latitude" or "lat") and a longitude ("longitude", "lon" or
// "lng"); optional "status" (rows whose status is CLOSED are skipped) and "type" (HIFLD's
// types without an emergency department, PSYCHIATRIC, LONG TERM CARE and REHABILITATION,
// are skipped: an ambulance does not take an emergency patient there). Other columns are
// ignored. A row with a bad coordinate is an error naming file:line: a station list is
// short and hand-kept, so a typo must be fixed, not skipped.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/io/csv.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/recommend/hospital.hpp"
#include "dispatchkit/recommend/io/hifld_hospitals.hpp"
#include "dispatchkit/sim/sites.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// Parses a sites CSV (see the banner). InvalidArgument "PATH:LINE: ..." for a missing
// column, a short row or a bad coordinate; at least one site required.
[[nodiscard]] absl::StatusOr<std::vector<Site>> parse_sites(const std::string& path,
                                                            std::string_view text);
// The same from a file (gzip, xz or plain); NotFound if there is none.
[[nodiscard]] absl::StatusOr<std::vector<Site>> load_sites(const std::string& path);

// A sites file of `sites`: `name,latitude,longitude`, names quoted as the reader unquotes
// them, coordinates to 7 decimals (about 1 cm): what parse_sites reads back (a planned
// layout, dk-plan site's sites.csv).
[[nodiscard]] std::string sites_csv(std::span<const Site> sites);

// Hospitals a replay may take patients to: recommend's HIFLD loader
// (load_hifld_hospitals: trauma levels, snapping; by default without psychiatric,
// long-term care or rehabilitation facilities, so none is chosen as the "nearest
// emergency department"), minus STATUS CLOSED rows. Errors as load_hifld_hospitals.
template <class SnapperT>
[[nodiscard]] absl::StatusOr<std::vector<Hospital>> load_emergency_departments(
    const std::string& path, const SnapperT& snapper);

// ---------------------------------------------------------------------------------------
// Implementation.

inline absl::StatusOr<std::vector<Site>> parse_sites(const std::string& path,
                                                     std::string_view text) {
  enum Column : std::size_t { kName, kLatitude, kLongitude, kStatus, kType };
  static constexpr CsvColumn kColumns[] = {{"name"},
                                           {"latitude", "lat"},
                                           {"longitude", "lon|lng"},
                                           {"status", {}, false},
                                           {"type", {}, false}};
  DK_ASSIGN_OR_RETURN(
      CsvReader csv,
      CsvReader::open(path, text, kColumns, {.case_insensitive = true, .format = "a sites file"}));
  std::vector<Site> sites;
  std::vector<std::uint32_t> lines;  // of each site, for the duplicate message
  std::size_t rows = 0, closed = 0, without_ed = 0;
  while (csv.next()) {
    DK_RETURN_IF_ERROR(csv.check_width());
    ++rows;
    if (detail::equal_ignoring_case(csv.field(kStatus), "closed")) {
      ++closed;
      continue;
    }
    if (detail::hifld_type_without_ed(csv.field(kType))) {
      ++without_ed;
      continue;
    }
    Site s;
    s.name = csv.text(kName);  // unquoted: "A ""B""" is A "B"
    if (!parse_number(csv.field(kLatitude), s.location.lat) ||
        !parse_number(csv.field(kLongitude), s.location.lon) || !s.location.is_valid())
      return csv.error("latitude/longitude is not a WGS84 coordinate");
    // A site listed twice would count twice in every table and coverage figure.
    for (std::size_t i = 0; i < sites.size(); ++i)
      if (detail::equal_ignoring_case(sites[i].name, s.name))
        return csv.error(absl::StrCat("site ", detail::quote_field(s.name),
                                      " appears a second time (first at line ", lines[i], ")"));
    s.number = station_number_in(s.name);
    s.source = csv.where();
    sites.push_back(std::move(s));
    lines.push_back(csv.line_number());
  }
  DK_RETURN_IF_ERROR(csv.status());
  if (sites.empty())
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": no sites; expected at least one row with a name, latitude and longitude (", rows,
        " rows: ", closed, " with status CLOSED, ", without_ed,
        " of a type without an emergency department)"));
  return sites;
}

inline std::string sites_csv(std::span<const Site> sites) {
  std::string out = "name,latitude,longitude\n";
  for (const Site& s : sites)
    absl::StrAppend(&out, csv_field(s.name), ",", absl::StrFormat("%.7f", s.location.lat), ",",
                    absl::StrFormat("%.7f", s.location.lon), "\n");
  return out;
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
