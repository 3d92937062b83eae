// dispatchkit/sim/io/jemss_calls.hpp: JEMSS calls files, read and written.
//
//   absl::StatusOr<RecordedCalls> r = parse_jemss_calls("calls.csv", text, options);
//   r->calls[0].planned->on_scene_s;                  // from onSceneDuration (days)
//   std::string csv = jemss_calls_csv(*r, time_zero);  // any record of planned calls
//
// The calls file of the JEMSS simulator (uoa-ems-research/JEMSS.jl, writeCallsFile): two
// JEMSS tables (graph/io/jemss.hpp explains the table layout),
//   miscData   startTime
//   calls      index,priority,x,y,arrivalTime,dispatchDelay,onSceneDuration,transport,
//              hospitalIndex,handoverDuration[,attributes]
// with every time in DAYS (arrivalTime from the same origin as startTime), x = longitude,
// y = latitude, priority 1 (high) / 2 (medium) / 3 (low), transport 1 or 0, hospitalIndex
// a 1-based hospital of the model or -1 (the nearest). A JEMSS call names no unit: each
// becomes a RecordedCall with a PlannedService (demand, no recorded column). JEMSS
// priorities become grades I / II / III (the call's original_priority; final_priority
// keeps the file's number), which the default plan table drives as the published JEMSS
// models' travel sets do: high and medium with lights and sirens, low normally. Time 0 is
// local midnight of RecordedCallsOptions::jemss_day_zero in options.zone (default UTC);
// times are rounded to the second.
//
// A JEMSS file is written by a program, so every fault is an error "PATH:LINE: ..."
// (a missing table or column, a priority outside 1-3, a negative duration, calls out of
// arrival order, a position off the globe), and nothing of the file is used.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/io/jemss.hpp"
#include "dispatchkit/io/csv.hpp"
#include "dispatchkit/sim/call_record.hpp"
#include "dispatchkit/sim/local_time.hpp"
#include "dispatchkit/triage/time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// Whether text starts like a JEMSS calls file (its first table row is "miscData" or
// "calls").
[[nodiscard]] bool is_jemss_calls_text(std::string_view text) noexcept;

// Reads a JEMSS calls file from text in memory (`path` names it in messages).
[[nodiscard]] absl::StatusOr<RecordedCalls> parse_jemss_calls(
    const std::string& path, std::string_view text, const RecordedCallsOptions& options = {});

// The JEMSS calls file of a record whose calls are all planned (RecordedCall::planned;
// InvalidArgument naming the first that is not, or whose service is incomplete), times in
// days since `time_zero` (startTime 0). Priorities are written back from the grade
// (I -> 1, II -> 2, III and IV -> 3).
[[nodiscard]] absl::StatusOr<std::string> jemss_calls_csv(const RecordedCalls& record,
                                                          SimTime time_zero);

// Local midnight of options.jemss_day_zero in the options' zone (UTC if none): a JEMSS
// file's time 0.
[[nodiscard]] SimTime jemss_time_zero(const RecordedCallsOptions& options);

// ---------------------------------------------------------------------------------------
// Implementation.

inline bool is_jemss_calls_text(std::string_view text) noexcept {
  text = without_byte_order_mark(text);
  const std::size_t end = text.find_first_of("\r\n");
  const std::string_view first = trim(text.substr(0, end));
  const std::string_view name = trim(first.substr(0, first.find(',')));
  return name == "miscData" || name == "calls";
}

inline SimTime jemss_time_zero(const RecordedCallsOptions& options) {
  const TimeZone zone = options.zone.value_or(TimeZone::utc());
  return utc_from_local(options.jemss_day_zero * 86400, zone);
}

inline absl::StatusOr<RecordedCalls> parse_jemss_calls(const std::string& path,
                                                       std::string_view text,
                                                       const RecordedCallsOptions& options) {
  RecordedCalls out;
  out.zone = options.zone.value_or(TimeZone::utc());
  out.report.path = path;
  out.report.format = to_string(CallFormat::kJemss);
  const SimTime zero = jemss_time_zero(options);
  auto seconds = [](double days) {
    return static_cast<std::int64_t>(std::llround(days * 86400.0));
  };
  enum Column : std::size_t {
    kIndex,
    kPriority,
    kX,
    kY,
    kArrival,
    kDispatchDelay,
    kOnScene,
    kTransport,
    kHospital,
    kHandover,
  };
  static constexpr CsvColumn kColumns[] = {
      {"index"},
      {"priority"},
      {"x"},
      {"y"},
      {"arrivalTime"},
      {"dispatchDelay"},
      {"onSceneDuration"},
      {"transport"},
      {"hospitalIndex"},
      {"handoverDuration"},
  };
  // startTime is where the simulation begins; calls before it are an error, as in JEMSS.
  double start_days = 0;
  {
    static constexpr CsvColumn kMisc[] = {{"startTime"}};
    absl::StatusOr<detail::JemssTable> misc =
        detail::JemssTable::open(path, text, "miscData", kMisc);
    if (misc.ok() && misc->next()) {
      DK_RETURN_IF_ERROR(misc->csv().parse(0, "a start time in days", start_days));
    } else if (!misc.ok() && misc.status().code() != absl::StatusCode::kInvalidArgument) {
      return misc.status();
    }
  }
  DK_ASSIGN_OR_RETURN(detail::JemssTable table,
                      detail::JemssTable::open(path, text, "calls", kColumns));
  double last_arrival = start_days;
  while (table.next()) {
    const CsvReader& csv = table.csv();
    ++out.report.rows_read;
    DK_RETURN_IF_ERROR(csv.check_width());
    std::int64_t index = 0, priority = 0;
    DK_RETURN_IF_ERROR(detail::parse_jemss_index(csv, kIndex, "a call index", index));
    DK_RETURN_IF_ERROR(detail::parse_jemss_index(csv, kPriority, "a priority 1-3", priority));
    if (priority < 1 || priority > 3)
      return csv.error(absl::StrCat("priority ", priority, " is not 1 (high), 2 or 3 (low)"));
    double x = 0, y = 0, arrival = 0, delay = 0, on_scene = 0, transport = 0, hospital = 0,
           handover = 0;
    DK_RETURN_IF_ERROR(csv.parse(kX, "a longitude (x)", x));
    DK_RETURN_IF_ERROR(csv.parse(kY, "a latitude (y)", y));
    DK_RETURN_IF_ERROR(csv.parse(kArrival, "an arrival time in days", arrival));
    DK_RETURN_IF_ERROR(csv.parse(kDispatchDelay, "a dispatch delay in days", delay));
    DK_RETURN_IF_ERROR(csv.parse(kOnScene, "an on-scene duration in days", on_scene));
    DK_RETURN_IF_ERROR(csv.parse(kTransport, "transport 0 or 1", transport));
    DK_RETURN_IF_ERROR(csv.parse(kHospital, "a hospital index or -1", hospital));
    DK_RETURN_IF_ERROR(csv.parse(kHandover, "a handover duration in days", handover));
    const LatLon location{y, x};
    if (!location.is_valid())
      return csv.error(
          absl::StrFormat("position x = %.6f, y = %.6f is not a longitude, latitude", x, y));
    if (arrival < last_arrival)
      return csv.error(absl::StrFormat(
          "arrivalTime %.9g is before the previous call's (or startTime) %.9g: calls must be "
          "in arrival order",
          arrival, last_arrival));
    last_arrival = arrival;
    if (delay < 0 || on_scene < 0 || handover < 0)
      return csv.error("dispatchDelay, onSceneDuration and handoverDuration must not be negative");
    // Bounded before they become whole seconds (found by fuzz/: 1.7e11 s into an int32).
    if (delay > 7 || on_scene > 7 || handover > 7)
      return csv.error(
          "dispatchDelay, onSceneDuration and handoverDuration must be at most 7 days");
    if (arrival > 1e6)
      return csv.error(absl::StrFormat("arrivalTime %.9g days is beyond 1,000,000 days", arrival));
    if (transport != 0 && transport != 1)
      return csv.error(absl::StrCat("transport is 0 or 1, got ", transport));
    if (hospital != -1 && (hospital < 1 || hospital > 1e6 || std::floor(hospital) != hospital))
      return csv.error("hospitalIndex is a hospital number (1, 2, ...) or -1 (the nearest)");
    RecordedCall c;
    c.call_number = absl::StrCat(index);
    c.received = zero + SimDuration(seconds(arrival));
    c.location = location;
    constexpr std::string_view kGrades[] = {"I", "II", "III"};
    c.original_priority = std::string(kGrades[priority - 1]);
    c.final_priority = absl::StrCat(priority);
    c.first_line = csv.line_number();
    PlannedService p;
    p.dispatch_delay_s = static_cast<std::int32_t>(seconds(delay));
    p.on_scene_s = static_cast<std::int32_t>(seconds(on_scene));
    p.transports = transport == 1 ? 1 : 0;
    p.handover_s = static_cast<std::int32_t>(seconds(handover));
    p.hospital = hospital >= 1 ? static_cast<std::int32_t>(hospital) - 1 : -1;
    c.planned = p;
    out.calls.push_back(std::move(c));
    ++out.report.rows_used;
    ++out.report.calls_without_unit;
  }
  DK_RETURN_IF_ERROR(table.finish());
  if (out.calls.empty())
    return absl::InvalidArgumentError(absl::StrCat(path, ": the 'calls' table has no call"));
  detail::finish_record(out, options);
  return out;
}

inline absl::StatusOr<std::string> jemss_calls_csv(const RecordedCalls& record, SimTime time_zero) {
  std::string out = "miscData\nstartTime\n0\n\ncalls\n";
  absl::StrAppend(&out,
                  "index,priority,x,y,arrivalTime,dispatchDelay,onSceneDuration,transport,"
                  "hospitalIndex,handoverDuration\n");
  auto days = [](std::int64_t s) {
    return absl::StrFormat("%.12g", static_cast<double>(s) / 86400.0);
  };
  std::uint64_t index = 0;
  for (const RecordedCall& c : record.calls) {
    ++index;
    if (!c.planned || c.planned->on_scene_s < 0 || c.planned->transports < 0 ||
        c.planned->dispatch_delay_s < 0 ||
        (c.planned->transports == 1 && c.planned->handover_s < 0))
      return absl::InvalidArgumentError(absl::StrCat(
          record.report.path, ":", c.first_line, ": call ", c.call_number,
          " has no complete planned service (dispatch delay, on scene, transport, handover): "
          "a JEMSS calls file needs one for every call"));
    if (c.received < time_zero)
      return absl::InvalidArgumentError(absl::StrCat(record.report.path, ":", c.first_line,
                                                     ": call ", c.call_number,
                                                     " is received before the file's time 0"));
    const PlannedService& p = *c.planned;
    int priority = 2;
    if (c.original_priority == "I") priority = 1;
    if (c.original_priority == "III" || c.original_priority == "IV") priority = 3;
    absl::StrAppend(&out, index, ",", priority, ",",
                    absl::StrFormat("%.17g,%.17g", c.location.lon, c.location.lat), ",",
                    days(to_unix_seconds(c.received) - to_unix_seconds(time_zero)), ",",
                    days(p.dispatch_delay_s), ",", days(p.on_scene_s), ",", int{p.transports}, ",",
                    p.hospital >= 0 ? p.hospital + 1 : -1, ",",
                    days(p.transports == 1 ? p.handover_s : 0), "\n");
  }
  return out;
}

DISPATCHKIT_NAMESPACE_END
