// dispatchkit/sim/call_record.hpp: a record of past calls, as the replay sees it.
//
//   absl::StatusOr<RecordedCalls> rec =           // sim/io/calls_for_service.hpp
//       load_recorded_calls("data/sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz");
//   std::printf("%s", rec->report.summary().c_str());   // rows kept, rejected by reason
//   for (const RecordedCall& c : rec->calls)
//     if (const RecordedResponse* a = c.first_ambulance_on_scene()) ...
//
// The record of a past period: calls (RecordedCall), each with the responses of the
// units sent (RecordedResponse: who, what kind, and the stamps from dispatch to
// available), and what loading it cost (RecordedLoadReport: rows kept, rejected by
// RowProblem, with examples). After loading, every call's stamps are in UTC and each
// response's present stamps are non-decreasing, so durations downstream are never
// negative. The files (San Francisco Fire Department "Calls for Service", the
// dispatch-timeline file, JEMSS calls files) are read in sim/io/ (call_files.hpp picks the
// reader by the first line); sim/recorded_calls.hpp gives this header and the readers.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/types.hpp"
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
// SF's unit types, or the kind names above (what a timeline file without the CAD's own
// types writes).
[[nodiscard]] constexpr RecordedUnitKind classify_unit_type(std::string_view t) noexcept {
  if (t == "MEDIC" || t == "PRIVATE" || t == "ambulance") return RecordedUnitKind::kAmbulance;
  if (t == "ENGINE" || t == "TRUCK" || t == "RESCUE SQUAD" || t == "first_responder")
    return RecordedUnitKind::kFirstResponder;
  if (t == "CHIEF" || t == "RESCUE CAPTAIN" || t == "supervisor")
    return RecordedUnitKind::kSupervisor;
  return RecordedUnitKind::kOther;
}

// One unit's part in one call: the dispatch timeline of the EMS data standards (NEMSIS v3
// eTimes; the names of the timeline file, docs/replay.md). Absent stamps are kNoTime
// (triage/time.hpp); after loading, the present stamps are non-decreasing in the order
// below.
struct RecordedResponse {
  std::uint32_t unit = 0;  // index into RecordedCalls::unit_names
  RecordedUnitKind kind = RecordedUnitKind::kOther;
  bool als = false;                    // "ALS Unit"
  std::string station_area;            // "Station Area" of the row (the incident's first-due area)
  SimTime dispatched = kNoTime;        // "Dispatch DtTm": unit assigned
  SimTime en_route = kNoTime;          // "Response DtTm": unit rolling
  SimTime on_scene = kNoTime;          // "On Scene DtTm"
  SimTime transporting = kNoTime;      // "Transport DtTm": left the scene with a patient
  SimTime at_hospital = kNoTime;       // "Hospital DtTm": at the destination
  SimTime transfer_of_care = kNoTime;  // patient handed over (SF does not record it)
  SimTime available = kNoTime;         // "Available DtTm": free for the next call
  std::string destination;             // the hospital it took the patient to (may be empty)
};

// A call the file describes without a recorded unit: a generated call (a JEMSS calls
// file), or a timeline row with no unit. The file may say what serving it takes; what it
// leaves out (-1) is sampled by prepare_replay like a recorded call's missing stamps.
struct PlannedService {
  std::int32_t dispatch_delay_s = -1;  // received -> dispatch decision
  std::int32_t on_scene_s = -1;
  std::int8_t transports = -1;   // 1: to hospital, 0: released on scene, -1: not given
  std::int32_t handover_s = -1;  // at hospital -> free
  std::int32_t hospital = -1;    // a hospital of the model (JEMSS hospitalIndex - 1), or -1
};

// One call (all rows of one Call Number).
struct RecordedCall {
  std::string call_number;
  SimTime received = kNoTime;  // "Received DtTm" (call answered)
  SimTime entered = kNoTime;   // "Entry DtTm" (call entered in CAD, ready to dispatch)
  LatLon location;
  std::string call_type;          // "Medical Incident", "Traffic Collision", ...
  std::string call_type_group;    // "Potentially Life-Threatening", ... (may be empty)
  std::string neighbourhood;      // "Mission", ... (may be empty; spellings: io reader)
  std::string original_priority;  // "3" emergency, "2" non-emergency, or a determinant letter
  std::string final_priority;
  std::string disposition;                  // "Call Final Disposition"
  std::uint32_t first_line = 0;             // line of the call's first row, for messages
  std::vector<RecordedResponse> responses;  // sorted by dispatch time, then unit name
  // Set when the file names no unit for the call (then `responses` is empty): the call is
  // demand to serve, not a record to reproduce.
  std::optional<PlannedService> planned;

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
  kCallRowsApart,   // received further from the call's first row than max_call_span
};
inline constexpr std::size_t kRowProblemCount = 8;
[[nodiscard]] constexpr std::string_view to_string(RowProblem p) noexcept {
  constexpr std::string_view kNames[kRowProblemCount] = {
      "wrong_field_count",      "no_call_number",     "no_unit_id",
      "bad_received_time",      "bad_timestamp",      "bad_location",
      "duplicate_unit_in_call", "call_rows_far_apart"};
  return kNames[static_cast<std::size_t>(p)];
}

// The stages of a unit's part in a call, in timeline order: the column names of the
// timeline file and of RecordedLoadReport::stages_missing.
inline constexpr std::size_t kTimelineStageCount = 7;
inline constexpr std::array<std::string_view, kTimelineStageCount> kTimelineStageNames = {
    "dispatched",     "en_route",         "on_scene",       "left_scene",
    "at_destination", "transfer_of_care", "back_in_service"};
// The RecordedResponse stamp of each stage, in the same order.
inline constexpr std::array<SimTime RecordedResponse::*, kTimelineStageCount> kTimelineStamps = {
    &RecordedResponse::dispatched,  &RecordedResponse::en_route,
    &RecordedResponse::on_scene,    &RecordedResponse::transporting,
    &RecordedResponse::at_hospital, &RecordedResponse::transfer_of_care,
    &RecordedResponse::available};

// What the loader did with the file.
struct RecordedLoadReport {
  std::string path;
  std::uint64_t rows_read = 0;  // data rows (header and blank lines excluded)
  std::uint64_t rows_used = 0;
  std::array<std::uint64_t, kRowProblemCount> rows_rejected{};
  std::uint64_t stamps_out_of_order = 0;  // stamps dropped because they went backwards
  std::uint64_t calls_disagreeing = 0;    // calls whose rows disagree on received/location
                                          // (the first row wins)
  std::string format;                     // "sf", "timeline" or "jemss" (CallFormat)
  // Unit rows without each stage of the timeline (dispatched, en_route, on_scene,
  // left_scene, at_destination, transfer_of_care, back_in_service): what the replay
  // then falls back on (docs/replay.md, "The dispatch-timeline call file").
  std::array<std::uint64_t, kTimelineStageCount> stages_missing{};
  std::uint64_t calls_without_unit = 0;  // demand only (RecordedCall::planned)
  // Calls cut off from the record's period by a gap of more than max_record_gap: left
  // out (a stray call years away would stretch every per-hour figure over the gap).
  std::uint64_t calls_outside_period = 0;
  std::vector<std::string> examples;  // "path:line: reason" for the first few problems

  [[nodiscard]] std::uint64_t rows_rejected_total() const noexcept {
    std::uint64_t n = 0;
    for (std::uint64_t c : rows_rejected) n += c;
    return n;
  }
  // Multi-line human summary.
  [[nodiscard]] std::string summary() const;
};

// The call files dispatchkit reads (sim/io/call_files.hpp): San Francisco's Calls for
// Service export, the dispatch-timeline file, a JEMSS calls file. Names as dk-calls
// --format spells them.
enum class CallFormat : std::uint8_t { kCallsForService = 0, kTimeline = 1, kJemss = 2 };
[[nodiscard]] constexpr std::string_view to_string(CallFormat f) noexcept {
  constexpr std::string_view kNames[] = {"sf", "timeline", "jemss"};
  return kNames[static_cast<unsigned>(f) % 3];
}
[[nodiscard]] constexpr std::optional<CallFormat> parse_call_format(std::string_view s) noexcept {
  for (unsigned i = 0; i < 3; ++i)
    if (to_string(static_cast<CallFormat>(i)) == s) return static_cast<CallFormat>(i);
  return std::nullopt;
}

struct RecordedCallsOptions {
  // The local time of stamps without an offset. Unset: the format's own: the SF export
  // America/Los_Angeles; a timeline file then needs every stamp with an offset; a JEMSS
  // file UTC.
  std::optional<TimeZone> zone;
  std::optional<CallFormat> format;  // unset: found from the file's first line
  // The local calendar day of a JEMSS file's time 0 (days since 1970-01-01): JEMSS counts
  // time in days from an unnamed start; 2019-01-07 is a Monday, so day k of the file is
  // weekday k mod 7 from Monday.
  std::int64_t jemss_day_zero = 17903;
  std::uint32_t max_examples = 20;  // problem lines quoted in the report
  // Rows of one call number received further apart than this are not one call (a number
  // reused years later, or a damaged stamp): such a row is rejected (call_rows_far_apart)
  // rather than merged, which would stretch the call and the period over the gap.
  SimDuration max_call_span = std::chrono::hours(24);
  // The record is one period: its calls are the longest run in which no two calls in
  // time order are further apart than this; calls outside that run are left out and
  // counted (RecordedLoadReport::calls_outside_period). Zero keeps every call.
  SimDuration max_record_gap = std::chrono::days(14);
};

struct RecordedCalls {
  std::vector<RecordedCall> calls;      // sorted by (received, call number)
  std::vector<std::string> unit_names;  // "55", "KM01", "E39"...
  std::vector<std::string> unit_types;  // raw "Unit Type" per unit (first seen)
  TimeZone zone;                        // how stamps were read
  RecordedLoadReport report;
};

// ---------------------------------------------------------------------------------------
// Implementation.

namespace detail {
// The response with the earliest set `stamp` among those `counts` accepts (the first such
// in record order on a tie), or null.
template <class Counts>
[[nodiscard]] const RecordedResponse* earliest(std::span<const RecordedResponse> responses,
                                               SimTime RecordedResponse::*stamp,
                                               Counts counts) noexcept {
  const RecordedResponse* best = nullptr;
  for (const RecordedResponse& r : responses)
    if (counts(r) && is_set(r.*stamp) && (best == nullptr || r.*stamp < best->*stamp)) best = &r;
  return best;
}
[[nodiscard]] inline SimTime stamp_or_none(const RecordedResponse* r,
                                           SimTime RecordedResponse::*stamp) noexcept {
  return r == nullptr ? kNoTime : r->*stamp;
}
inline constexpr auto kAnyUnit = [](const RecordedResponse&) { return true; };
inline constexpr auto kAmbulanceOnly = [](const RecordedResponse& r) {
  return r.kind == RecordedUnitKind::kAmbulance;
};

// Counts the stages a unit row lacks (RecordedLoadReport::stages_missing).
inline void count_missing_stages(RecordedLoadReport& rep, const RecordedResponse& r) noexcept {
  for (std::size_t i = 0; i < kTimelineStageCount; ++i)
    rep.stages_missing[i] += !is_set(r.*kTimelineStamps[i]);
}

// Puts a freshly read record in the one order every reader gives: units numbered by call
// sign, each call's responses by dispatch time then call sign (undispatched first), calls
// by (received, call number). A record's replay thus does not depend on the order of the
// file's rows, and the same calls read from two formats are the same record.
// Leaves out the calls outside the longest run of `out.calls` (sorted by received) with no
// gap above `max_gap`, counting them and quoting the first few in the report.
inline void keep_record_period(RecordedCalls& out, SimDuration max_gap,
                               std::uint32_t max_examples) {
  if (max_gap <= SimDuration::zero() || out.calls.size() < 2) return;
  std::size_t best_first = 0, best_size = 1, first = 0;
  for (std::size_t i = 1; i <= out.calls.size(); ++i) {
    if (i < out.calls.size() && out.calls[i].received - out.calls[i - 1].received <= max_gap)
      continue;
    if (i - first > best_size) {
      best_first = first;
      best_size = i - first;
    }
    first = i;
  }
  if (best_size == out.calls.size()) return;
  RecordedLoadReport& rep = out.report;
  const SimTime begin = out.calls[best_first].received;
  const SimTime end = out.calls[best_first + best_size - 1].received;
  for (std::size_t i = 0; i < out.calls.size(); ++i) {
    if (i >= best_first && i < best_first + best_size) continue;
    ++rep.calls_outside_period;
    if (rep.examples.size() < max_examples) {
      const RecordedCall& c = out.calls[i];
      const SimDuration away = c.received < begin ? begin - c.received : c.received - end;
      rep.examples.push_back(absl::StrCat(
          rep.path, ":", c.first_line, ": call ", c.call_number, " left out: received ",
          away.count() / 86400, " days outside the record's period (", best_size,
          " calls with no gap above ", max_gap.count() / 3600, " h)"));
    }
  }
  out.calls.erase(out.calls.begin() + static_cast<std::ptrdiff_t>(best_first + best_size),
                  out.calls.end());
  out.calls.erase(out.calls.begin(), out.calls.begin() + static_cast<std::ptrdiff_t>(best_first));
}

inline void finish_record(RecordedCalls& out, const RecordedCallsOptions& options) {
  std::vector<std::uint32_t> order(out.unit_names.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return out.unit_names[a] < out.unit_names[b];
  });
  std::vector<std::uint32_t> renumbered(order.size());
  std::vector<std::string> names(order.size()), types(order.size());
  for (std::uint32_t k = 0; k < order.size(); ++k) {
    renumbered[order[k]] = k;
    names[k] = std::move(out.unit_names[order[k]]);
    types[k] = std::move(out.unit_types[order[k]]);
  }
  out.unit_names = std::move(names);
  out.unit_types = std::move(types);
  for (RecordedCall& c : out.calls) {
    for (RecordedResponse& r : c.responses) r.unit = renumbered[r.unit];
    std::sort(c.responses.begin(), c.responses.end(),
              [](const RecordedResponse& a, const RecordedResponse& b) {
                // Undispatched rows (kNoTime, the minimum) first; then by call sign, which
                // the unit numbers now follow.
                if (a.dispatched != b.dispatched) return a.dispatched < b.dispatched;
                return a.unit < b.unit;
              });
  }
  std::sort(out.calls.begin(), out.calls.end(), [](const RecordedCall& a, const RecordedCall& b) {
    if (a.received != b.received) return a.received < b.received;
    return a.call_number < b.call_number;
  });
  keep_record_period(out, options.max_record_gap, options.max_examples);
}
}  // namespace detail

inline SimTime RecordedCall::first_dispatch() const noexcept {
  constexpr auto kStamp = &RecordedResponse::dispatched;
  return detail::stamp_or_none(detail::earliest(responses, kStamp, detail::kAnyUnit), kStamp);
}
inline SimTime RecordedCall::first_ambulance_dispatch() const noexcept {
  constexpr auto kStamp = &RecordedResponse::dispatched;
  return detail::stamp_or_none(detail::earliest(responses, kStamp, detail::kAmbulanceOnly), kStamp);
}
inline SimTime RecordedCall::first_on_scene() const noexcept {
  constexpr auto kStamp = &RecordedResponse::on_scene;
  return detail::stamp_or_none(detail::earliest(responses, kStamp, detail::kAnyUnit), kStamp);
}
inline const RecordedResponse* RecordedCall::first_ambulance_on_scene() const noexcept {
  return detail::earliest(responses, &RecordedResponse::on_scene, detail::kAmbulanceOnly);
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
  if (calls_outside_period != 0)
    absl::StrAppend(&out, "  calls left out, more than a gap away from the period: ",
                    calls_outside_period, "\n");
  if (calls_without_unit != 0)
    absl::StrAppend(&out, "  calls without a unit (replayed as demand): ", calls_without_unit,
                    "\n");
  for (const std::string& e : examples) absl::StrAppend(&out, "  e.g. ", e, "\n");
  return out;
}

DISPATCHKIT_NAMESPACE_END
