// dispatchkit/sim/io/dispatch_timeline.hpp: the dispatch-timeline call file, read and written.
//
//   absl::StatusOr<RecordedCalls> r = load_recorded_calls("calls.csv");  // call_files.hpp
//   absl::StatusOr<RecordedCalls> s = parse_timeline_calls("calls.csv", text, options);
//   std::string csv = timeline_csv(*r, r->zone);       // any record, written back
//
// One row per unit per call, with the columns named after the dispatch timeline that the
// EMS data standards share (NEMSIS v3 eTimes; the European EMS report's timeline):
//   call_id, received, latitude, longitude, priority,               (required)
//   unit, dispatched, en_route, on_scene, left_scene, at_destination,
//   transfer_of_care, back_in_service, destination                   (optional)
// Times are ISO 8601, "2017-01-01T00:05:32-08:00" or "...Z" (that instant), or local
// ("2017-01-01T00:05:32", a blank instead of the T, fractional seconds dropped) in the
// zone the caller gives (dk-replay --timezone=Asia/Shanghai); a local stamp without a zone
// is an error, never a guess. `priority` is any code the call mapping understands: the
// default mapping (CallMapping::timeline_default) reads it as a determinant code, an MPDS
// determinant ("29-D-1"), a grade ("I".."IV", "Ⅱ级") or an agency's own code that the
// response plan table knows; --mapping= translates anything else.
//
// Optional columns dispatchkit reads and writes beside them, so that a converted export
// keeps what its replay uses: entered (the call entered in CAD, ready to dispatch),
// unit_type ("ambulance", "first_responder", "supervisor", "other", or a CAD's own
// MEDIC / ENGINE / ...; default ambulance), als (true/false), call_type, call_type_group,
// final_priority, disposition, station_area, neighbourhood; and for a call without a unit
// (demand to serve, e.g. a generated call) its planned service: dispatch_delay_s,
// on_scene_s, transport (1/0), handover_s, and destination as the hospital.
//
// A row without a unit (an empty `unit` or no such column) is a call without a recorded
// unit: it is replayed as demand (RecordedCall::planned), the columns it leaves out
// sampled from the record's other calls. A unit row without a stage is a documented
// fallback, counted in RecordedLoadReport::stages_missing: no dispatched = the unit was
// not sent (the row is context only); no en_route = the turnout model; no on_scene = the
// unit never arrived; no left_scene = no transport (released on scene); no
// at_destination / transfer_of_care / back_in_service = handover and return sampled.
//
// Unlike a CAD export (sim/io/calls_for_service.hpp, which counts and skips bad rows),
// this file is written by a program for dispatchkit, so every fault is an error with
// "PATH:LINE: ..." and nothing of the file is used: a stamp that is not ISO 8601, stages
// that run backwards (on_scene before en_route), a position off the globe, the same unit
// twice in a call, rows of one call that disagree on its received time, place or priority.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/io/csv.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/sim/call_mapping.hpp"
#include "dispatchkit/sim/call_record.hpp"
#include "dispatchkit/sim/local_time.hpp"
#include "dispatchkit/triage/time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// The columns of the timeline file, in the order timeline_csv() writes them.
inline constexpr std::string_view kTimelineHeader =
    "call_id,received,latitude,longitude,priority,unit,dispatched,en_route,on_scene,"
    "left_scene,at_destination,transfer_of_care,back_in_service,destination,entered,"
    "unit_type,als,call_type,call_type_group,final_priority,disposition,station_area,"
    "neighbourhood,dispatch_delay_s,on_scene_s,transport,handover_s";

// Whether a header line is the timeline file's: it names call_id and received.
[[nodiscard]] bool is_timeline_header(std::span<const std::string_view> header) noexcept;

// Reads a timeline file from text in memory (`path` names it in messages). Stamps without
// an offset are local time in options.zone; without one they are an error. The record's
// zone is options.zone, else that of the first stamp's offset (a fixed offset, so hours of
// day are still local). Errors: InvalidArgument "PATH:LINE: ..." for anything above.
[[nodiscard]] absl::StatusOr<RecordedCalls> parse_timeline_calls(
    const std::string& path, std::string_view text, const RecordedCallsOptions& options = {});

// The timeline file of a record: one row per response (a call without one: one row with
// an empty unit), stamps in `zone`'s local time with their offset, so that reading it back
// in any zone gives the same instants; with `offsets` false, local wall-clock time only
// (what many CAD exports write; it then reads back only with the same zone given).
// With `codes`, the priority column holds each call's response plan code as that mapping
// gives it (a San Francisco "3" with its call type becomes "I", "29-D-1", ...), so that the
// file replays with the timeline's default mapping as the original did with `codes`;
// without, the record's priority as it is. parse_timeline_calls(timeline_csv(r)) is `r`
// (same calls, units, stamps and fields; lines differ).
[[nodiscard]] std::string timeline_csv(const RecordedCalls& record, const TimeZone& zone,
                                       bool offsets = true, const CallMapping* codes = nullptr);

// ---------------------------------------------------------------------------------------
// Implementation.

inline bool is_timeline_header(std::span<const std::string_view> header) noexcept {
  bool call_id = false, received = false;
  for (std::string_view h : header) {
    call_id |= h == "call_id";
    received |= h == "received";
  }
  return call_id && received;
}

namespace detail {
// "2017-01-01T00:05:32-08:00", or "" for an unset stamp.
[[nodiscard]] inline std::string timeline_stamp(SimTime t, const TimeZone& zone, bool offsets) {
  if (!is_set(t)) return std::string();
  std::string s = iso_local_with_offset(t, zone);
  if (!offsets) s.resize(19);  // "YYYY-MM-DDTHH:MM:SS"
  return s;
}
[[nodiscard]] inline std::string optional_int(std::int64_t v) {
  return v < 0 ? std::string() : absl::StrCat(v);
}
}  // namespace detail

inline absl::StatusOr<RecordedCalls> parse_timeline_calls(const std::string& path,
                                                          std::string_view text,
                                                          const RecordedCallsOptions& options) {
  enum Column : std::size_t {
    kCallId,
    kReceived,
    kLatitude,
    kLongitude,
    kPriority,
    kUnit,
    kDispatched,  // the seven stages, in kTimelineStageNames order
    kEnRoute,
    kOnScene,
    kLeftScene,
    kAtDestination,
    kTransferOfCare,
    kBackInService,
    kDestination,
    kEntered,
    kUnitType,
    kAls,
    kCallType,
    kCallTypeGroup,
    kFinalPriority,
    kDisposition,
    kStationArea,
    kNeighbourhood,
    kDispatchDelay,
    kOnSceneS,
    kTransport,
    kHandover,
  };
  static constexpr CsvColumn kColumns[] = {
      {"call_id"},
      {"received"},
      {"latitude", "lat"},
      {"longitude", "lon"},
      {"priority"},
      {"unit", {}, false},
      {"dispatched", {}, false},
      {"en_route", {}, false},
      {"on_scene", {}, false},
      {"left_scene", {}, false},
      {"at_destination", {}, false},
      {"transfer_of_care", {}, false},
      {"back_in_service", {}, false},
      {"destination", {}, false},
      {"entered", {}, false},
      {"unit_type", {}, false},
      {"als", {}, false},
      {"call_type", {}, false},
      {"call_type_group", {}, false},
      {"final_priority", {}, false},
      {"disposition", {}, false},
      {"station_area", {}, false},
      {"neighbourhood", {}, false},
      {"dispatch_delay_s", {}, false},
      {"on_scene_s", {}, false},
      {"transport", {}, false},
      {"handover_s", {}, false},
  };
  RecordedCalls out;
  RecordedLoadReport& rep = out.report;
  rep.path = path;
  rep.format = to_string(CallFormat::kTimeline);
  DK_ASSIGN_OR_RETURN(
      CsvReader csv, CsvReader::open(path, text, kColumns,
                                     {.format = "a dispatch-timeline call file (docs/replay.md)"}));
  bool zone_known = options.zone.has_value();
  if (zone_known) out.zone = *options.zone;

  auto stamp = [&](std::size_t column, SimTime& t) -> absl::Status {
    const std::string_view s = csv.field(column);
    t = kNoTime;
    if (s.empty()) return absl::OkStatus();
    const std::optional<detail::IsoStamp> p = detail::parse_iso_stamp(s);
    if (!p)
      return csv.error(absl::StrCat(detail::as_absl(kColumns[column].name), " '",
                                    detail::as_absl(s),
                                    "' is not an ISO 8601 time (2017-01-01T00:05:32-08:00, "
                                    "or local 2017-01-01T00:05:32 with a time zone)"));
    if (p->offset_s) {
      t = sim_time_from_unix(p->local_seconds - *p->offset_s);
      if (!zone_known) {  // the file's own offset stands for its zone
        out.zone = TimeZone::fixed(*p->offset_s);
        zone_known = true;
      }
      return absl::OkStatus();
    }
    if (!options.zone)
      return csv.error(absl::StrCat(
          detail::as_absl(kColumns[column].name), " '", detail::as_absl(s),
          "' is local time without a UTC offset: write the offset (+08:00) or give the "
          "zone (--timezone=Asia/Shanghai)"));
    t = utc_from_local(p->local_seconds, *options.zone);
    return absl::OkStatus();
  };
  auto whole = [&](std::size_t column, std::string_view what, std::int32_t& v) -> absl::Status {
    v = -1;
    if (csv.field(column).empty()) return absl::OkStatus();
    double x = 0;
    if (!parse_number(csv.field(column), x) || x < 0 || x > 1e9)
      return csv.error(absl::StrCat("expected ", detail::as_absl(what), " (seconds, >= 0) in ",
                                    detail::as_absl(kColumns[column].name), ", got '",
                                    detail::as_absl(csv.field(column)), "'"));
    v = static_cast<std::int32_t>(std::lround(x));
    return absl::OkStatus();
  };

  std::unordered_map<std::string, std::uint32_t> call_index;
  std::unordered_map<std::string, std::uint32_t> unit_index;
  while (csv.next()) {
    ++rep.rows_read;
    DK_RETURN_IF_ERROR(csv.check_width());
    const std::string call_id = csv.text(kCallId);
    if (call_id.empty()) return csv.error("empty call_id");
    SimTime received;
    DK_RETURN_IF_ERROR(stamp(kReceived, received));
    if (!is_set(received)) return csv.error("empty received: every call needs its time");
    double lat = 0, lon = 0;
    DK_RETURN_IF_ERROR(csv.parse(kLatitude, "a latitude in degrees", lat));
    DK_RETURN_IF_ERROR(csv.parse(kLongitude, "a longitude in degrees", lon));
    const LatLon location{lat, lon};
    if (!location.is_valid())
      return csv.error(
          absl::StrFormat("position (%.6f, %.6f) is not a WGS84 latitude, longitude", lat, lon));
    const std::string priority = csv.text(kPriority);
    if (priority.empty()) return csv.error("empty priority");

    auto [it, inserted] =
        call_index.try_emplace(call_id, static_cast<std::uint32_t>(out.calls.size()));
    if (inserted) {
      RecordedCall c;
      c.call_number = call_id;
      c.received = received;
      DK_RETURN_IF_ERROR(stamp(kEntered, c.entered));
      if (is_set(c.entered) && c.entered < received)
        return csv.error("entered is before received: stages must not run backwards");
      c.location = location;
      c.original_priority = priority;
      c.final_priority = csv.text(kFinalPriority);
      c.call_type = csv.text(kCallType);
      c.call_type_group = csv.text(kCallTypeGroup);
      c.disposition = csv.text(kDisposition);
      c.neighbourhood = csv.text(kNeighbourhood);
      c.first_line = csv.line_number();
      out.calls.push_back(std::move(c));
    }
    RecordedCall& call = out.calls[it->second];
    if (!inserted && (call.received != received || !(call.location == location) ||
                      call.original_priority != priority))
      return csv.error(absl::StrCat("call ", call_id, " was first given at line ", call.first_line,
                                    " with another received time, position or priority"));

    const std::string unit_name = csv.text(kUnit);
    if (unit_name.empty()) {  // demand without a recorded unit
      if (!call.responses.empty() || call.planned)
        return csv.error(absl::StrCat("call ", call_id,
                                      " has a row without a unit besides other rows: a call "
                                      "is either demand (one row, no unit) or its units' rows"));
      PlannedService p;
      DK_RETURN_IF_ERROR(whole(kDispatchDelay, "a dispatch delay", p.dispatch_delay_s));
      DK_RETURN_IF_ERROR(whole(kOnSceneS, "an on-scene time", p.on_scene_s));
      DK_RETURN_IF_ERROR(whole(kHandover, "a handover time", p.handover_s));
      const std::string_view t = csv.field(kTransport);
      if (t == "1" || t == "true") {
        p.transports = 1;
      } else if (t == "0" || t == "false") {
        p.transports = 0;
      } else if (!t.empty()) {
        return csv.error(absl::StrCat("transport is 1 or 0, got '", detail::as_absl(t), "'"));
      }
      int hospital = -1;
      if (!csv.field(kDestination).empty() && parse_number(csv.field(kDestination), hospital) &&
          hospital >= 1)
        p.hospital = hospital - 1;  // a model's hospital number (JEMSS: 1-based)
      call.planned = p;
      ++rep.calls_without_unit;
      ++rep.rows_used;
      continue;
    }
    if (call.planned)
      return csv.error(absl::StrCat("call ", call_id,
                                    " was given as demand without a unit at line ", call.first_line,
                                    "; a unit row cannot follow"));

    auto [uit, unew] =
        unit_index.try_emplace(unit_name, static_cast<std::uint32_t>(out.unit_names.size()));
    if (unew) {
      out.unit_names.push_back(unit_name);
      out.unit_types.push_back(csv.has(kUnitType) ? csv.text(kUnitType) : "ambulance");
    }
    for (const RecordedResponse& r : call.responses)
      if (r.unit == uit->second)
        return csv.error(absl::StrCat("unit ", unit_name, " appears twice in call ", call_id));
    RecordedResponse r;
    r.unit = uit->second;
    r.kind = csv.has(kUnitType) && !csv.field(kUnitType).empty()
                 ? classify_unit_type(csv.field(kUnitType))
                 : RecordedUnitKind::kAmbulance;
    const std::string_view als = csv.field(kAls);
    r.als = als == "true" || als == "TRUE" || als == "True" || als == "1";
    r.station_area = csv.text(kStationArea);
    r.destination = csv.text(kDestination);
    SimTime latest = received;
    std::string_view latest_name = "received";
    for (std::size_t i = 0; i < kTimelineStageCount; ++i) {
      SimTime& t = r.*kTimelineStamps[i];
      DK_RETURN_IF_ERROR(stamp(kDispatched + i, t));
      if (!is_set(t)) continue;
      if (t < latest)
        return csv.error(absl::StrCat(detail::as_absl(kTimelineStageNames[i]), " ",
                                      detail::as_absl(csv.field(kDispatched + i)), " is before ",
                                      detail::as_absl(latest_name),
                                      ": stages must not run backwards"));
      latest = t;
      latest_name = kTimelineStageNames[i];
    }
    detail::count_missing_stages(rep, r);
    call.responses.push_back(std::move(r));
    ++rep.rows_used;
  }
  DK_RETURN_IF_ERROR(csv.status());
  if (out.calls.empty()) return csv.error("no call in the file");
  detail::finish_record(out, options);
  return out;
}

inline std::string timeline_csv(const RecordedCalls& record, const TimeZone& zone, bool offsets,
                                const CallMapping* codes) {
  std::string out(kTimelineHeader);
  out += '\n';
  auto common = [&](const RecordedCall& c) {
    absl::StrAppend(
        &out, csv_field(c.call_number), ",", detail::timeline_stamp(c.received, zone, offsets), ",",
        absl::StrFormat("%.17g,%.17g", c.location.lat, c.location.lon), ",",
        csv_field(codes != nullptr ? codes->code_for(c).to_string() : c.original_priority), ",");
  };
  auto call_fields = [&](const RecordedCall& c) {
    absl::StrAppend(&out, ",", csv_field(c.call_type), ",", csv_field(c.call_type_group), ",",
                    csv_field(c.final_priority), ",", csv_field(c.disposition), ",");
  };
  for (const RecordedCall& c : record.calls) {
    if (c.responses.empty()) {
      const PlannedService p = c.planned.value_or(PlannedService{});
      common(c);
      absl::StrAppend(&out, ",,,,,,,,", p.hospital >= 0 ? absl::StrCat(p.hospital + 1) : "", ",",
                      detail::timeline_stamp(c.entered, zone, offsets), ",,");
      call_fields(c);
      absl::StrAppend(&out, ",", csv_field(c.neighbourhood), ",",
                      detail::optional_int(p.dispatch_delay_s), ",",
                      detail::optional_int(p.on_scene_s), ",",
                      p.transports < 0 ? "" : (p.transports ? "1" : "0"), ",",
                      detail::optional_int(p.handover_s), "\n");
      continue;
    }
    for (const RecordedResponse& r : c.responses) {
      common(c);
      absl::StrAppend(&out, csv_field(record.unit_names[r.unit]));
      for (SimTime RecordedResponse::*s : kTimelineStamps)
        absl::StrAppend(&out, ",", detail::timeline_stamp(r.*s, zone, offsets));
      const std::string& type = record.unit_types[r.unit];
      absl::StrAppend(&out, ",", csv_field(r.destination), ",",
                      detail::timeline_stamp(c.entered, zone, offsets), ",",
                      csv_field(type.empty() ? std::string(to_string(r.kind)) : type), ",",
                      r.als ? "true" : "false");
      call_fields(c);
      absl::StrAppend(&out, csv_field(r.station_area), ",", csv_field(c.neighbourhood), ",,,,\n");
    }
  }
  return out;
}

DISPATCHKIT_NAMESPACE_END
