// dispatchkit/sim/recorded_calls.hpp: a CAD export of past calls, as the replay reads it.
//
//   absl::StatusOr<RecordedCalls> rec =
//       load_recorded_calls("data/sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz");
//   if (!rec.ok()) return rec.status();         // missing file or not this format at all
//   std::printf("%s", rec->report.summary().c_str());   // rows kept, rejected by reason
//   for (const RecordedCall& c : rec->calls)
//     if (const RecordedResponse* a = c.first_ambulance_on_scene()) ...
//
// Format: San Francisco Fire Department "Calls for Service" (DataSF nuek-vuh3), one row
// per unit response; several rows share a Call Number. Columns are found by their header
// NAME, so a re-ordered or widened export still loads. Stamps are local time
// "MM/DD/YYYY hh:mm:ss AM/PM" converted to UTC SimTime (sim/local_time.hpp).
//
// Real exports are messy. A bad row is never fatal: it is counted under a reason
// (RowProblem) with the first few "file:line: why" examples kept for the report, and the
// rest of the file loads. Only a missing file or a header lacking a required column is
// an error. Stamps that go backwards within a unit's response (on scene before en route)
// are dropped from that response and counted, because one impossible stamp would
// otherwise produce a negative drive time in every statistic downstream.
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
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/sim/local_time.hpp"
#include "dispatchkit/triage/time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// What kind of unit a recorded row is about, from the export's "Unit Type".
enum class RecordedUnitKind : std::uint8_t {
  kAmbulance = 0,       // MEDIC (SFFD ambulance), PRIVATE (contracted ambulance)
  kFirstResponder = 1,  // ENGINE, TRUCK, RESCUE SQUAD: arrive first, never transport
  kSupervisor = 2,      // CHIEF, RESCUE CAPTAIN
  kOther = 3,           // SUPPORT, AIRPORT, INVESTIGATION, anything unknown
};
[[nodiscard]] constexpr std::string_view to_string(RecordedUnitKind k) noexcept {
  constexpr std::string_view kNames[] = {"ambulance", "first_responder", "supervisor", "other"};
  return kNames[static_cast<unsigned>(k) & 3u];
}
[[nodiscard]] constexpr RecordedUnitKind classify_unit_type(std::string_view t) noexcept {
  if (t == "MEDIC" || t == "PRIVATE") return RecordedUnitKind::kAmbulance;
  if (t == "ENGINE" || t == "TRUCK" || t == "RESCUE SQUAD")
    return RecordedUnitKind::kFirstResponder;
  if (t == "CHIEF" || t == "RESCUE CAPTAIN") return RecordedUnitKind::kSupervisor;
  return RecordedUnitKind::kOther;
}

// One unit's part in one call. Absent stamps are kNoTime (triage/time.hpp); after
// loading, the present stamps are non-decreasing in the order below.
struct RecordedResponse {
  std::uint32_t unit = 0;  // index into RecordedCalls::unit_names
  RecordedUnitKind kind = RecordedUnitKind::kOther;
  bool als = false;                // "ALS Unit"
  std::string station_area;        // "Station Area" of the row (the incident's first-due area)
  SimTime dispatched = kNoTime;    // "Dispatch DtTm": unit assigned
  SimTime en_route = kNoTime;      // "Response DtTm": unit rolling
  SimTime on_scene = kNoTime;      // "On Scene DtTm"
  SimTime transporting = kNoTime;  // "Transport DtTm": left the scene with a patient
  SimTime at_hospital = kNoTime;   // "Hospital DtTm"
  SimTime available = kNoTime;     // "Available DtTm": free for the next call
};

// One call (all rows of one Call Number).
struct RecordedCall {
  std::string call_number;
  SimTime received = kNoTime;  // "Received DtTm" (call answered)
  SimTime entered = kNoTime;   // "Entry DtTm" (call entered in CAD, ready to dispatch)
  LatLon location;
  std::string call_type;          // "Medical Incident", "Traffic Collision", ...
  std::string call_type_group;    // "Potentially Life-Threatening", ... (may be empty)
  std::string original_priority;  // "3" emergency, "2" non-emergency, or a determinant letter
  std::string final_priority;
  std::string disposition;                  // "Call Final Disposition"
  std::uint32_t first_line = 0;             // line of the call's first row, for messages
  std::vector<RecordedResponse> responses;  // sorted by dispatch time, then unit name

  // The earliest dispatch of any unit; kNoTime if none was dispatched.
  [[nodiscard]] SimTime first_dispatch() const noexcept;
  // The earliest dispatch of an ambulance.
  [[nodiscard]] SimTime first_ambulance_dispatch() const noexcept;
  // The first unit (any kind) on scene; kNoTime if none arrived.
  [[nodiscard]] SimTime first_on_scene() const noexcept;
  // The ambulance response that reached the scene first, or nullptr.
  [[nodiscard]] const RecordedResponse* first_ambulance_on_scene() const noexcept;
  // Number of ambulance responses that reached the scene.
  [[nodiscard]] std::uint32_t ambulances_on_scene() const noexcept;
  [[nodiscard]] bool any_ambulance() const noexcept;
};

// Why a row was not used.
enum class RowProblem : std::uint8_t {
  kFieldCount = 0,  // fewer fields than the header names
  kNoCallNumber,    // empty Call Number
  kNoUnit,          // empty Unit ID
  kBadReceived,     // Received DtTm missing or not a timestamp
  kBadTimestamp,    // another stamp present but not a timestamp
  kBadLocation,     // Location missing, unparsable or not WGS84
  kDuplicateUnit,   // the same unit twice in one call
};
inline constexpr std::size_t kRowProblemCount = 7;
[[nodiscard]] constexpr std::string_view to_string(RowProblem p) noexcept {
  constexpr std::string_view kNames[kRowProblemCount] = {
      "wrong_field_count",     "no_call_number", "no_unit_id",
      "bad_received_time",     "bad_timestamp",  "bad_location",
      "duplicate_unit_in_call"};
  return kNames[static_cast<std::size_t>(p)];
}

// What the loader did with the file.
struct RecordedLoadReport {
  std::string path;
  std::uint64_t rows_read = 0;  // data rows (header and blank lines excluded)
  std::uint64_t rows_used = 0;
  std::array<std::uint64_t, kRowProblemCount> rows_rejected{};
  std::uint64_t stamps_out_of_order = 0;  // stamps dropped because they went backwards
  std::uint64_t calls_disagreeing = 0;    // calls whose rows disagree on received/location
                                          // (the first row wins)
  std::vector<std::string> examples;      // "path:line: reason" for the first few problems

  [[nodiscard]] std::uint64_t rows_rejected_total() const noexcept {
    std::uint64_t n = 0;
    for (std::uint64_t c : rows_rejected) n += c;
    return n;
  }
  // Multi-line human summary.
  [[nodiscard]] std::string summary() const;
};

struct RecordedCalls {
  std::vector<RecordedCall> calls;      // sorted by (received, call number)
  std::vector<std::string> unit_names;  // "55", "KM01", "E39"...
  std::vector<std::string> unit_types;  // raw "Unit Type" per unit (first seen)
  TimeZoneRule zone;                    // how stamps were read
  RecordedLoadReport report;
};

struct RecordedCallsOptions {
  TimeZoneRule zone = TimeZoneRule::america_los_angeles();
  std::uint32_t max_examples = 20;  // problem lines quoted in the report
};

// Loads a calls-for-service export (gzip/xz/plain). Errors: NotFound (no file),
// DataLoss (truncated compressed file), InvalidArgument (empty file, or the header lacks
// a required column: Call Number, Unit ID, Received DtTm, Dispatch DtTm, On Scene DtTm,
// Location; the other columns are optional). Bad rows are reported, not errors.
[[nodiscard]] absl::StatusOr<RecordedCalls> load_recorded_calls(
    const std::string& path, const RecordedCallsOptions& options = {});
// The same from text already in memory (`path` only names it in messages).
[[nodiscard]] absl::StatusOr<RecordedCalls> parse_recorded_calls(
    const std::string& path, std::string_view text, const RecordedCallsOptions& options = {});

// Parses "(37.7458, -122.4566)" (SF open data) or "POINT (-122.4566 37.7458)" (WKT, lon
// first). nullopt if neither, or not a WGS84 position.
[[nodiscard]] std::optional<LatLon> parse_recorded_location(std::string_view s) noexcept;

// ---------------------------------------------------------------------------------------
// Implementation.

inline SimTime RecordedCall::first_dispatch() const noexcept {
  SimTime best = kNoTime;
  for (const RecordedResponse& r : responses)
    if (is_set(r.dispatched) && (!is_set(best) || r.dispatched < best)) best = r.dispatched;
  return best;
}
inline SimTime RecordedCall::first_ambulance_dispatch() const noexcept {
  SimTime best = kNoTime;
  for (const RecordedResponse& r : responses)
    if (r.kind == RecordedUnitKind::kAmbulance && is_set(r.dispatched) &&
        (!is_set(best) || r.dispatched < best))
      best = r.dispatched;
  return best;
}
inline SimTime RecordedCall::first_on_scene() const noexcept {
  SimTime best = kNoTime;
  for (const RecordedResponse& r : responses)
    if (is_set(r.on_scene) && (!is_set(best) || r.on_scene < best)) best = r.on_scene;
  return best;
}
inline const RecordedResponse* RecordedCall::first_ambulance_on_scene() const noexcept {
  const RecordedResponse* best = nullptr;
  for (const RecordedResponse& r : responses)
    if (r.kind == RecordedUnitKind::kAmbulance && is_set(r.on_scene) &&
        (best == nullptr || r.on_scene < best->on_scene))
      best = &r;
  return best;
}
inline std::uint32_t RecordedCall::ambulances_on_scene() const noexcept {
  std::uint32_t n = 0;
  for (const RecordedResponse& r : responses)
    n += r.kind == RecordedUnitKind::kAmbulance && is_set(r.on_scene);
  return n;
}
inline bool RecordedCall::any_ambulance() const noexcept {
  for (const RecordedResponse& r : responses)
    if (r.kind == RecordedUnitKind::kAmbulance) return true;
  return false;
}

inline std::string RecordedLoadReport::summary() const {
  std::string out = absl::StrCat(path, ": ", rows_read, " rows, ", rows_used, " used, ",
                                 rows_rejected_total(), " rejected\n");
  for (std::size_t i = 0; i < kRowProblemCount; ++i)
    if (rows_rejected[i] != 0)
      absl::StrAppend(&out, "  ", detail::as_absl(to_string(static_cast<RowProblem>(i))), ": ",
                      rows_rejected[i], "\n");
  if (stamps_out_of_order != 0)
    absl::StrAppend(&out, "  stamps dropped (out of order): ", stamps_out_of_order, "\n");
  if (calls_disagreeing != 0)
    absl::StrAppend(&out, "  calls whose rows disagree (first row kept): ", calls_disagreeing,
                    "\n");
  for (const std::string& e : examples) absl::StrAppend(&out, "  e.g. ", e, "\n");
  return out;
}

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

namespace detail {

// Column indices by header name; -1 when absent.
struct RecordedColumns {
  int call_number = -1, unit_id = -1, call_type = -1, received = -1, entry = -1, dispatch = -1,
      response = -1, on_scene = -1, transport = -1, hospital = -1, available = -1, disposition = -1,
      station_area = -1, original_priority = -1, final_priority = -1, als = -1,
      call_type_group = -1, unit_type = -1, location = -1;
  int needed = 0;  // 1 + the highest index used

  static RecordedColumns from_header(const std::vector<std::string_view>& h) {
    RecordedColumns c;
    auto find = [&](std::string_view name) {
      for (std::size_t i = 0; i < h.size(); ++i)
        if (trim(h[i]) == name) {
          c.needed = std::max(c.needed, static_cast<int>(i) + 1);
          return static_cast<int>(i);
        }
      return -1;
    };
    c.call_number = find("Call Number");
    c.unit_id = find("Unit ID");
    c.call_type = find("Call Type");
    c.received = find("Received DtTm");
    c.entry = find("Entry DtTm");
    c.dispatch = find("Dispatch DtTm");
    c.response = find("Response DtTm");
    c.on_scene = find("On Scene DtTm");
    c.transport = find("Transport DtTm");
    c.hospital = find("Hospital DtTm");
    c.available = find("Available DtTm");
    c.disposition = find("Call Final Disposition");
    c.station_area = find("Station Area");
    c.original_priority = find("Original Priority");
    c.final_priority = find("Final Priority");
    c.als = find("ALS Unit");
    c.call_type_group = find("Call Type Group");
    c.unit_type = find("Unit Type");
    c.location = find("Location");
    return c;
  }
};

inline std::string_view field_or_empty(const std::vector<std::string_view>& f, int i) noexcept {
  return i < 0 || static_cast<std::size_t>(i) >= f.size() ? std::string_view() : trim(f[i]);
}

}  // namespace detail

inline absl::StatusOr<RecordedCalls> parse_recorded_calls(const std::string& path,
                                                          std::string_view text,
                                                          const RecordedCallsOptions& options) {
  RecordedCalls out;
  out.zone = options.zone;
  RecordedLoadReport& rep = out.report;
  rep.path = path;
  LineReader lines(path, text);
  std::vector<std::string_view> f;

  std::optional<std::string_view> header = lines.next();
  if (header && header->size() >= 3 && header->substr(0, 3) == "\xEF\xBB\xBF")
    header->remove_prefix(3);  // UTF-8 byte-order mark
  if (!header || trim(*header).empty())
    return absl::InvalidArgumentError(absl::StrCat(path, ": empty file, expected a CSV header"));
  split_csv(*header, f);
  const detail::RecordedColumns col = detail::RecordedColumns::from_header(f);
  {
    std::string missing;
    auto need = [&](int c, std::string_view name) {
      if (c < 0) absl::StrAppend(&missing, missing.empty() ? "" : ", ", detail::as_absl(name));
    };
    need(col.call_number, "Call Number");
    need(col.unit_id, "Unit ID");
    need(col.received, "Received DtTm");
    need(col.dispatch, "Dispatch DtTm");
    need(col.on_scene, "On Scene DtTm");
    need(col.location, "Location");
    if (!missing.empty())
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":1: header lacks required column(s) ", missing,
                       " (expected a calls-for-service export, e.g. DataSF nuek-vuh3)"));
  }

  std::unordered_map<std::string, std::uint32_t> call_index;
  std::unordered_map<std::string, std::uint32_t> unit_index;
  std::vector<std::uint8_t> disagreeing;
  auto reject = [&](RowProblem p, std::string_view detail_text) {
    ++rep.rows_rejected[static_cast<std::size_t>(p)];
    if (rep.examples.size() < options.max_examples)
      rep.examples.push_back(absl::StrCat(
          lines.where(), ": ", detail::as_absl(to_string(p)), detail_text.empty() ? "" : " (",
          detail::as_absl(detail_text), detail_text.empty() ? "" : ")"));
  };

  while (std::optional<std::string_view> line = lines.next()) {
    if (trim(*line).empty()) continue;
    ++rep.rows_read;
    split_csv(*line, f);
    if (static_cast<int>(f.size()) < col.needed) {
      reject(RowProblem::kFieldCount,
             absl::StrCat(f.size(), " fields, header has ", col.needed, " or more"));
      continue;
    }
    auto field = [&](int c) { return detail::field_or_empty(f, c); };
    const std::string_view call_number = field(col.call_number);
    if (call_number.empty()) {
      reject(RowProblem::kNoCallNumber, "");
      continue;
    }
    const std::string_view unit_name = field(col.unit_id);
    if (unit_name.empty()) {
      reject(RowProblem::kNoUnit, "");
      continue;
    }
    const std::optional<SimTime> received = parse_us_timestamp(field(col.received), options.zone);
    if (!received) {
      reject(RowProblem::kBadReceived, field(col.received));
      continue;
    }
    // Optional stamps: empty is "not reached"; anything else must parse.
    std::array<SimTime, 7>
        stamps;  // entry, dispatch, response, on scene, transport, hospital, available
    const std::array<int, 7> stamp_cols = {col.entry,     col.dispatch, col.response, col.on_scene,
                                           col.transport, col.hospital, col.available};
    bool bad = false;
    for (std::size_t i = 0; i < stamps.size(); ++i) {
      const std::string_view s = field(stamp_cols[i]);
      stamps[i] = kNoTime;
      if (s.empty()) continue;
      const std::optional<SimTime> t = parse_us_timestamp(s, options.zone);
      if (!t) {
        reject(RowProblem::kBadTimestamp, s);
        bad = true;
        break;
      }
      stamps[i] = *t;
    }
    if (bad) continue;
    const std::optional<LatLon> location = parse_recorded_location(field(col.location));
    if (!location) {
      reject(RowProblem::kBadLocation, field(col.location));
      continue;
    }

    auto [it, inserted] = call_index.try_emplace(std::string(call_number),
                                                 static_cast<std::uint32_t>(out.calls.size()));
    if (inserted) {
      RecordedCall c;
      c.call_number = std::string(call_number);
      c.received = *received;
      c.entered = stamps[0];
      c.location = *location;
      c.call_type = std::string(field(col.call_type));
      c.call_type_group = std::string(field(col.call_type_group));
      c.original_priority = std::string(field(col.original_priority));
      c.final_priority = std::string(field(col.final_priority));
      c.disposition = std::string(field(col.disposition));
      c.first_line = lines.line_number();
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
      out.unit_types.emplace_back(field(col.unit_type));
    }
    bool duplicate = false;
    for (const RecordedResponse& r : call.responses) duplicate |= r.unit == uit->second;
    if (duplicate) {
      reject(RowProblem::kDuplicateUnit, unit_name);
      continue;
    }
    RecordedResponse r;
    r.unit = uit->second;
    r.kind = classify_unit_type(field(col.unit_type));
    const std::string_view als = field(col.als);
    r.als = als == "true" || als == "TRUE" || als == "True" || als == "1";
    r.station_area = std::string(field(col.station_area));
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
    call.responses.push_back(std::move(r));
    ++rep.rows_used;
  }
  for (std::uint8_t d : disagreeing) rep.calls_disagreeing += d;

  for (RecordedCall& c : out.calls)
    std::sort(c.responses.begin(), c.responses.end(),
              [&](const RecordedResponse& a, const RecordedResponse& b) {
                // Undispatched rows (kNoTime, the minimum) first; then by unit name.
                if (a.dispatched != b.dispatched) return a.dispatched < b.dispatched;
                return out.unit_names[a.unit] < out.unit_names[b.unit];
              });
  std::sort(out.calls.begin(), out.calls.end(), [](const RecordedCall& a, const RecordedCall& b) {
    if (a.received != b.received) return a.received < b.received;
    return a.call_number < b.call_number;
  });
  return out;
}

inline absl::StatusOr<RecordedCalls> load_recorded_calls(const std::string& path,
                                                         const RecordedCallsOptions& options) {
  DK_ASSIGN_OR_RETURN(std::string text, read_file(path));
  return parse_recorded_calls(path, text, options);
}

DISPATCHKIT_NAMESPACE_END
