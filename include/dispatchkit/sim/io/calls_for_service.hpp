// dispatchkit/sim/io/calls_for_service.hpp: reading a CAD export of past calls.
//
//   absl::StatusOr<RecordedCalls> rec =
//       load_recorded_calls("data/sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz");
//   if (!rec.ok()) return rec.status();         // missing file or not this format at all
//   std::printf("%s", rec->report.summary().c_str());   // rows kept, rejected by reason
//
// Format: San Francisco Fire Department "Calls for Service" (DataSF nuek-vuh3), one row
// per unit response; several rows share a Call Number. Columns are found by their header
// NAME through io/csv.hpp's CsvReader (any order, extra columns ignored, a byte-order mark,
// CR / LF / CRLF endings, quoted fields), so a re-ordered or widened export still loads.
// Where newer exports renamed a column both spellings are read: the location is
// "Location" ("(lat, lon)") in older exports and "case_location" ("POINT (lon lat)") in
// newer ones; the neighbourhood is "Neighborhood  District" in older ones and
// "Neighborhooods - Analysis Boundaries" in newer ones; every column is also found by
// its DataSF API field name ("received_dttm", ...). Stamps are local time, "MM/DD/YYYY
// hh:mm:ss AM/PM" (the CSV exports) or ISO "YYYY-MM-DDTHH:MM:SS[.fff]" (the API),
// converted to UTC SimTime (sim/local_time.hpp).
//
// Real exports are messy. A bad row is never fatal: it is counted under a reason
// (RowProblem) with the first few "file:line: why" examples kept for the report, and the
// rest of the file loads. Stamps that go backwards within a unit's response (on scene
// before en route) are dropped from that response and counted, because one impossible
// stamp would otherwise produce a negative drive time in every statistic downstream.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/io/csv.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/sim/call_record.hpp"
#include "dispatchkit/sim/local_time.hpp"
#include "dispatchkit/triage/time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// Reads a calls-for-service export from text in memory (`path` names it in messages;
// load_recorded_calls in sim/io/call_files.hpp reads a file of any call format). Stamps
// are local time in options.zone (default America/Los_Angeles). Errors: InvalidArgument
// "PATH:LINE: ..." for an empty file, a header lacking a required column (Call Number,
// Unit ID, Received DtTm, Dispatch DtTm, On Scene DtTm, Location; the other columns are
// optional) or a quoted field that is never closed (the rest of the file would be one
// field); NotFound when the zone is not in the tz database. Bad rows are reported, not
// errors.
[[nodiscard]] absl::StatusOr<RecordedCalls> parse_recorded_calls(
    const std::string& path, std::string_view text, const RecordedCallsOptions& options = {});

// Parses "(37.7458, -122.4566)" (SF open data) or "POINT (-122.4566 37.7458)" (WKT, lon
// first). nullopt if neither, or not a WGS84 position.
[[nodiscard]] std::optional<LatLon> parse_recorded_location(std::string_view s) noexcept;

// ---------------------------------------------------------------------------------------
// Implementation.

inline std::optional<LatLon> parse_recorded_location(std::string_view s) noexcept {
  s = trim(s);
  bool wkt = false;
  if (s.size() > 5 && s.substr(0, 5) == "POINT") {
    wkt = true;
    s = trim(s.substr(5));
  }
  if (s.size() < 2 || s.front() != '(' || s.back() != ')') return std::nullopt;
  s = s.substr(1, s.size() - 2);
  const std::size_t sep = wkt ? s.find(' ', s.find_first_not_of(' ')) : s.find(',');
  if (sep == std::string_view::npos) return std::nullopt;
  double a, b;
  if (!parse_number(s.substr(0, sep), a) || !parse_number(s.substr(sep + 1), b))
    return std::nullopt;
  LatLon p = wkt ? LatLon{b, a} : LatLon{a, b};
  // (0, 0) is how some exports write "unknown"; no SF call is in the Gulf of Guinea.
  if (!p.is_valid() || (p.lat == 0.0 && p.lon == 0.0)) return std::nullopt;
  return p;
}
inline absl::StatusOr<RecordedCalls> parse_recorded_calls(const std::string& path,
                                                          std::string_view text,
                                                          const RecordedCallsOptions& options) {
  // The export's columns: the first six are required.
  enum Column : std::size_t {
    kCallNumber,
    kUnitId,
    kReceived,
    kDispatch,
    kOnScene,
    kLocation,
    kCallType,
    kEntry,
    kResponse,
    kTransport,
    kHospital,
    kAvailable,
    kDisposition,
    kStationArea,
    kOriginalPriority,
    kFinalPriority,
    kAlsUnit,
    kCallTypeGroup,
    kUnitType,
    kNeighbourhood,
  };
  static constexpr CsvColumn kColumns[] = {
      // Each with the field name of DataSF's API / newer CSV exports (snake case).
      {"Call Number", "call_number"},
      {"Unit ID", "unit_id"},
      {"Received DtTm", "received_dttm|received_timestamp"},
      {"Dispatch DtTm", "dispatch_dttm|dispatch_timestamp"},
      {"On Scene DtTm", "on_scene_dttm|on_scene_timestamp"},
      {"Location", "case_location"},
      {"Call Type", "call_type", false},
      {"Entry DtTm", "entry_dttm|entry_timestamp", false},
      {"Response DtTm", "response_dttm|response_timestamp", false},
      {"Transport DtTm", "transport_dttm|transport_timestamp", false},
      {"Hospital DtTm", "hospital_dttm|hospital_timestamp", false},
      {"Available DtTm", "available_dttm|available_timestamp", false},
      {"Call Final Disposition", "call_final_disposition", false},
      {"Station Area", "station_area", false},
      {"Original Priority", "original_priority", false},
      {"Final Priority", "final_priority", false},
      {"ALS Unit", "als_unit", false},
      {"Call Type Group", "call_type_group", false},
      {"Unit Type", "unit_type", false},
      // Older exports: "Neighborhood  District" (two blanks) or "Neighborhood District";
      // newer ones: "Neighborhooods - Analysis Boundaries" (sic) or its field name.
      {"Neighborhood  District",
       "Neighborhood District|Neighborhooods - Analysis Boundaries|"
       "Neighborhoods - Analysis Boundaries|neighborhoods_analysis_boundaries|"
       "analysis_neighborhood",
       false},
  };
  RecordedCalls out;
  if (options.zone) {
    out.zone = *options.zone;
  } else {
    DK_ASSIGN_OR_RETURN(out.zone, TimeZone::load("America/Los_Angeles"));
  }
  const TimeZone& zone = out.zone;
  RecordedLoadReport& rep = out.report;
  rep.path = path;
  rep.format = to_string(CallFormat::kCallsForService);
  DK_ASSIGN_OR_RETURN(
      CsvReader csv,
      CsvReader::open(path, text, kColumns,
                      {.format = "a calls-for-service export, e.g. DataSF nuek-vuh3"}));

  std::unordered_map<std::string, std::uint32_t> call_index;
  std::unordered_map<std::string, std::uint32_t> unit_index;
  std::vector<std::uint8_t> disagreeing;
  auto reject = [&](RowProblem p, std::string_view detail_text) {
    ++rep.rows_rejected[static_cast<std::size_t>(p)];
    if (rep.examples.size() < options.max_examples)
      rep.examples.push_back(absl::StrCat(
          csv.where(), ": ", detail::as_absl(to_string(p)), detail_text.empty() ? "" : " (",
          detail::as_absl(detail_text), detail_text.empty() ? "" : ")"));
  };

  while (csv.next()) {
    ++rep.rows_read;
    if (csv.size() < csv.width()) {
      reject(RowProblem::kFieldCount,
             absl::StrCat(csv.size(), " fields, header has ", csv.width(), " or more"));
      continue;
    }
    const std::string_view call_number = csv.field(kCallNumber);
    if (call_number.empty()) {
      reject(RowProblem::kNoCallNumber, "");
      continue;
    }
    const std::string_view unit_name = csv.field(kUnitId);
    if (unit_name.empty()) {
      reject(RowProblem::kNoUnit, "");
      continue;
    }
    const std::optional<SimTime> received = parse_local_timestamp(csv.field(kReceived), zone);
    if (!received) {
      reject(RowProblem::kBadReceived, csv.field(kReceived));
      continue;
    }
    // Optional stamps: empty is "not reached"; anything else must parse.
    std::array<SimTime, 7>
        stamps;  // entry, dispatch, response, on scene, transport, hospital, available
    constexpr std::array<Column, 7> kStampColumns = {kEntry,     kDispatch, kResponse, kOnScene,
                                                     kTransport, kHospital, kAvailable};
    bool bad = false;
    for (std::size_t i = 0; i < stamps.size(); ++i) {
      const std::string_view s = csv.field(kStampColumns[i]);
      stamps[i] = kNoTime;
      if (s.empty()) continue;
      const std::optional<SimTime> t = parse_local_timestamp(s, zone);
      if (!t) {
        reject(RowProblem::kBadTimestamp, s);
        bad = true;
        break;
      }
      stamps[i] = *t;
    }
    if (bad) continue;
    const std::optional<LatLon> location = parse_recorded_location(csv.field(kLocation));
    if (!location) {
      reject(RowProblem::kBadLocation, csv.field(kLocation));
      continue;
    }

    auto [it, inserted] = call_index.try_emplace(std::string(call_number),
                                                 static_cast<std::uint32_t>(out.calls.size()));
    if (!inserted) {
      const RecordedCall& first = out.calls[it->second];
      const SimDuration apart =
          *received > first.received ? *received - first.received : first.received - *received;
      if (apart > options.max_call_span) {
        reject(RowProblem::kCallRowsApart,
               absl::StrCat("call ", detail::as_absl(call_number), " received ",
                            apart.count() / 3600, " h from its row at line ", first.first_line));
        continue;
      }
    }
    if (inserted) {
      RecordedCall c;
      c.call_number = std::string(call_number);
      c.received = *received;
      c.entered = stamps[0];
      c.location = *location;
      c.call_type = std::string(csv.field(kCallType));
      c.call_type_group = std::string(csv.field(kCallTypeGroup));
      c.neighbourhood = std::string(csv.field(kNeighbourhood));
      c.original_priority = std::string(csv.field(kOriginalPriority));
      c.final_priority = std::string(csv.field(kFinalPriority));
      c.disposition = std::string(csv.field(kDisposition));
      c.first_line = csv.line_number();
      out.calls.push_back(std::move(c));
      disagreeing.push_back(0);
    }
    RecordedCall& call = out.calls[it->second];
    if (!inserted && (call.received != *received || !(call.location == *location)))
      disagreeing[it->second] = 1;

    auto [uit, unew] = unit_index.try_emplace(std::string(unit_name),
                                              static_cast<std::uint32_t>(out.unit_names.size()));
    if (unew) {
      out.unit_names.emplace_back(unit_name);
      out.unit_types.emplace_back(csv.field(kUnitType));
    }
    bool duplicate = false;
    for (const RecordedResponse& r : call.responses) duplicate |= r.unit == uit->second;
    if (duplicate) {
      reject(RowProblem::kDuplicateUnit, unit_name);
      continue;
    }
    RecordedResponse r;
    r.unit = uit->second;
    r.kind = classify_unit_type(csv.field(kUnitType));
    const std::string_view als = csv.field(kAlsUnit);
    r.als = als == "true" || als == "TRUE" || als == "True" || als == "1";
    r.station_area = std::string(csv.field(kStationArea));
    // Enforce received <= dispatch <= en route <= on scene <= transport <= hospital <=
    // available by dropping any stamp earlier than the latest kept one before it.
    std::array<SimTime*, 6> chain = {&r.dispatched,   &r.en_route,    &r.on_scene,
                                     &r.transporting, &r.at_hospital, &r.available};
    SimTime latest = *received;
    for (std::size_t i = 0; i < chain.size(); ++i) {
      const SimTime t = stamps[i + 1];
      if (!is_set(t)) continue;
      if (t < latest) {
        ++rep.stamps_out_of_order;
        continue;
      }
      *chain[i] = t;
      latest = t;
    }
    detail::count_missing_stages(rep, r);
    call.responses.push_back(std::move(r));
    ++rep.rows_used;
  }
  // A quote never closed leaves the rest of the file one field: no row after it can be
  // read, so this one damage is an error rather than a rejected row.
  DK_RETURN_IF_ERROR(csv.status());
  for (std::uint8_t d : disagreeing) rep.calls_disagreeing += d;

  detail::finish_record(out, options);
  return out;
}

DISPATCHKIT_NAMESPACE_END
