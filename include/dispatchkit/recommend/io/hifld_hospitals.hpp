// dispatchkit/recommend/io/hifld_hospitals.hpp: hospitals from the HIFLD Hospitals layer.
//
//   absl::StatusOr<Snapper> snapper = Snapper::build(graph);
//   absl::StatusOr<std::vector<Hospital>> hs =
//       load_hifld_hospitals("data/sf/sf_hospitals.csv", *snapper);   // EDs only, snapped
//   HospitalRanker ranker(graph, *std::move(hs));                      // recommend/hospital.hpp
//
// Format: the "Hospitals" layer of HIFLD (Homeland Infrastructure Foundation-Level Data,
// US DHS) exported as CSV: a header row naming at least NAME, LATITUDE and LONGITUDE in
// any order (STATUS, TRAUMA, HELIPAD and TYPE used when present, other columns ignored).
// The layer's rules (a byte-order mark, CR / LF / CRLF, quoted fields, "PATH:LINE" in every
// error) are io/csv.hpp's. Unlike a replay's calls, a hospital list is short and read for
// decisions, so a bad row is an error to fix, not a row to skip.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/io/csv.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/recommend/hospital.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// Which rows of a HIFLD file load_hifld_hospitals keeps.
struct HifldLoadOptions {
  // Skip facilities an ambulance does not take an emergency patient to, i.e. without an
  // emergency department: TYPE PSYCHIATRIC, LONG TERM CARE and REHABILITATION (HIFLD
  // spellings, compared case-insensitively; the bundled SF extract has 8 psychiatric
  // rows, many of them "D/P APH" units sharing a general hospital's address, and 1 long
  // term care). false keeps every row (an inventory, a psychiatric-transfer study).
  bool emergency_departments_only = true;
};

// Loads hospitals from a HIFLD "Hospitals" CSV (gzip, xz or plain) and snaps each to the
// road with `snapper` (graph/snap.hpp). HIFLD has no stroke or STEMI designations; the
// mapping is: TRAUMA "LEVEL I"/"LEVEL II" (adult) -> trauma centre; any "PEDIATRIC"
// trauma level or TYPE "CHILDREN" -> critical child centre. STATUS CLOSED -> kClosed
// (kept, so a status feed can reopen it). Rows are filtered by TYPE per `options`.
// Errors: NotFound (file), InvalidArgument "PATH:LINE: ..." for a missing column, a short
// row or a bad coordinate; a hospital the snapper cannot place keeps an invalid position.
template <class SnapperT>
[[nodiscard]] absl::StatusOr<std::vector<Hospital>> load_hifld_hospitals(
    const std::string& path, const SnapperT& snapper, HifldLoadOptions options = {});
// The same from text already in memory (`path` only names it in messages).
template <class SnapperT>
[[nodiscard]] absl::StatusOr<std::vector<Hospital>> parse_hifld_hospitals(
    const std::string& path, std::string_view text, const SnapperT& snapper,
    HifldLoadOptions options = {});

// Parses a HIFLD TRAUMA cell: "LEVEL I" -> 1, "LEVEL II ADULT, LEVEL I PEDIATRIC" -> 2
// (the adult level), "NOT AVAILABLE" -> 0.
[[nodiscard]] std::uint8_t parse_trauma_level(std::string_view s) noexcept;

namespace detail {
// True for a HIFLD TYPE without an emergency department (see HifldLoadOptions).
[[nodiscard]] inline bool hifld_type_without_ed(std::string_view type) noexcept {
  return equal_ignoring_case(type, "PSYCHIATRIC") || equal_ignoring_case(type, "LONG TERM CARE") ||
         equal_ignoring_case(type, "REHABILITATION");
}
}  // namespace detail

// ---------------------------------------------------------------------------------------
// Implementation.

inline std::uint8_t parse_trauma_level(std::string_view s) noexcept {
  // The adult level comes first in HIFLD's combined cells; match longest numerals first.
  const std::size_t at = s.find("LEVEL ");
  if (at == std::string_view::npos) return 0;
  std::string_view r = s.substr(at + 6);
  if (r.starts_with("III")) return 3;
  if (r.starts_with("II")) return 2;
  if (r.starts_with("IV")) return 4;
  if (r.starts_with("I")) return 1;
  if (r.starts_with("V")) return 5;
  return 0;
}
template <class SnapperT>
absl::StatusOr<std::vector<Hospital>> parse_hifld_hospitals(const std::string& path,
                                                            std::string_view text,
                                                            const SnapperT& snapper,
                                                            HifldLoadOptions options) {
  enum Column : std::size_t { kName, kLatitude, kLongitude, kStatus, kTrauma, kHelipad, kType };
  static constexpr CsvColumn kColumns[] = {{"NAME"},
                                           {"LATITUDE"},
                                           {"LONGITUDE"},
                                           {"STATUS", {}, false},
                                           {"TRAUMA", {}, false},
                                           {"HELIPAD", {}, false},
                                           {"TYPE", {}, false}};
  DK_ASSIGN_OR_RETURN(
      CsvReader csv, CsvReader::open(path, text, kColumns, {.format = "a HIFLD Hospitals export"}));
  std::vector<Hospital> out;
  while (csv.next()) {
    DK_RETURN_IF_ERROR(csv.check_width());
    if (options.emergency_departments_only && detail::hifld_type_without_ed(csv.field(kType)))
      continue;
    Hospital h;
    h.name = std::string(csv.field(kName));
    if (!parse_number(csv.field(kLatitude), h.location.lat) ||
        !parse_number(csv.field(kLongitude), h.location.lon) || !h.location.is_valid())
      return csv.error("LATITUDE/LONGITUDE must be WGS84 degrees");
    if (csv.field(kStatus) == "CLOSED") h.status = HospitalStatus::kClosed;
    const std::string_view trauma = csv.field(kTrauma);
    h.trauma_level = parse_trauma_level(trauma);
    const bool paediatric_only =
        trauma.starts_with("LEVEL I PEDIATRIC") || trauma.starts_with("LEVEL II PEDIATRIC");
    if ((h.trauma_level == 1 || h.trauma_level == 2) && !paediatric_only)
      h.specialties |= Specialty::kTrauma;
    if (trauma.find("PEDIATRIC") != std::string_view::npos || csv.field(kType) == "CHILDREN")
      h.specialties |= Specialty::kCriticalChild;
    h.helipad = csv.field(kHelipad) == "Y";
    // The same hospital twice would be ranked twice and split its patients.
    for (const Hospital& other : out)
      if (other.name == h.name && other.location == h.location)
        return csv.error(absl::StrCat("hospital ", detail::quote_field(h.name),
                                      " appears a second time (first at ", other.source, ")"));
    if (auto s = snapper.snap(h.location); s.ok()) h.position = s->position;
    h.source = csv.where();
    out.push_back(std::move(h));
  }
  DK_RETURN_IF_ERROR(csv.status());
  return out;
}

template <class SnapperT>
absl::StatusOr<std::vector<Hospital>> load_hifld_hospitals(const std::string& path,
                                                           const SnapperT& snapper,
                                                           HifldLoadOptions options) {
  DK_ASSIGN_OR_RETURN(const std::string text, read_file(path));
  return parse_hifld_hospitals(path, text, snapper, options);
}

DISPATCHKIT_NAMESPACE_END
