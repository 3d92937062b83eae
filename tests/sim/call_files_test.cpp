// Time zones from the tz database, the dispatch-timeline call file and JEMSS calls files.
#include <catch2/catch.hpp>

#include <string>

#include "dispatchkit/sim/call_mapping.hpp"
#include "dispatchkit/sim/io/call_files.hpp"
#include "dispatchkit/sim/local_time.hpp"
#include "dispatchkit/sim/recorded_calls.hpp"

using namespace dispatchkit;

namespace {

bool mentions(const absl::Status& s, std::string_view text) {
  const bool found = std::string(s.message()).find(text) != std::string::npos;
  if (!found) WARN(std::string(s.message()));
  return found;
}

SimTime utc(std::string_view iso) {
  return *parse_iso_timestamp(iso, TimeZone::utc());
}

}  // namespace

TEST_CASE("time zones: IANA zones from the tz database, offsets, unknown names", "[sim][time]") {
  const TimeZone shanghai = *TimeZone::load("Asia/Shanghai");
  CHECK(shanghai.name() == "Asia/Shanghai");
  // 08:00 in Hangzhou is midnight UTC, all year (China keeps no daylight saving).
  CHECK(*parse_iso_local_timestamp("2017-07-01T08:00:00", shanghai) == utc("2017-07-01T00:00:00Z"));
  CHECK(local_hour(utc("2017-01-01T20:30:00Z"), shanghai) == 4);
  CHECK(local_day(utc("2017-01-01T20:30:00Z"), shanghai) == *detail::parse_iso_date("2017-01-02"));

  const absl::StatusOr<TimeZone> bad = TimeZone::load("Asia/Hangzhuo");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == absl::StatusCode::kNotFound);
  CHECK(mentions(bad.status(), "unknown time zone 'Asia/Hangzhuo'"));
  CHECK_FALSE(TimeZone::load("").ok());

  const TimeZone plus8 = *TimeZone::load("+08:00");
  CHECK(plus8.offset_at(utc("2017-01-01T00:00:00Z")) == 8 * 3600);
  CHECK(TimeZone::load("-05:30")->offset_at(utc("2017-01-01T00:00:00Z")) == -(5 * 3600 + 1800));
  CHECK(TimeZone::load("UTC")->name() == "UTC");
  CHECK(tz_database_version() != "");
}

TEST_CASE("time zones: Auckland's daylight-saving switches, Samoa across the date line",
          "[sim][time]") {
  const TimeZone akl = *TimeZone::load("Pacific/Auckland");
  // NZ daylight time ends 2017-04-02 03:00 NZDT -> 02:00 NZST; starts 2017-09-24 02:00 ->
  // 03:00. A call at 01:30 local on each side: +13 h, then +12 h.
  CHECK(akl.offset_at(utc("2017-04-01T12:00:00Z")) == 13 * 3600);
  CHECK(akl.offset_at(utc("2017-04-02T12:00:00Z")) == 12 * 3600);
  // A drive of 40 minutes across the autumn switch: 02:40 NZDT (the first 02:40) to
  // 02:20 NZST (the wall clock went back an hour between).
  const SimTime before = *parse_iso_timestamp("2017-04-02T02:40:00+13:00", akl);
  const SimTime after = *parse_iso_timestamp("2017-04-02T02:20:00+12:00", akl);
  CHECK(after - before == std::chrono::minutes(40));
  // The ambiguous 02:40 read without an offset is its first occurrence.
  CHECK(*parse_iso_local_timestamp("2017-04-02T02:40:00", akl) == before);
  // The nonexistent 02:30 of the spring gap reads with the offset before the switch.
  CHECK(*parse_iso_local_timestamp("2017-09-24T02:30:00", akl) == utc("2017-09-23T14:30:00Z"));
  CHECK(local_hour(utc("2017-09-23T14:30:00Z"), akl) == 3);

  // Samoa skipped 30 December 2011: the second after 29 Dec 23:59:59 (UTC-10) is
  // 31 Dec 00:00:00 (UTC+14).
  const TimeZone apia = *TimeZone::load("Pacific/Apia");
  const SimTime last = *parse_iso_local_timestamp("2011-12-29T23:59:59", apia);
  const SimTime first = *parse_iso_local_timestamp("2011-12-31T00:00:00", apia);
  CHECK(first - last == std::chrono::seconds(1));
  CHECK(local_day(first, apia) - local_day(last, apia) == 2);
  CHECK(iso_local_with_offset(first, apia) == "2011-12-31T00:00:00+14:00");
  CHECK(iso_local_with_offset(last, apia) == "2011-12-29T23:59:59-10:00");
}

TEST_CASE("timeline file: stages, offsets, local time with a zone, demand rows",
          "[sim][io][timeline]") {
  const std::string text =
      "call_id,received,latitude,longitude,priority,unit,dispatched,en_route,on_scene,"
      "left_scene,at_destination,transfer_of_care,back_in_service,destination\n"
      "HZ1,2024-03-10T08:00:00+08:00,30.25,120.16,I,A12,2024-03-10T08:01:00+08:00,"
      "2024-03-10T08:02:00+08:00,2024-03-10T08:09:00+08:00,2024-03-10T08:25:00+08:00,"
      "2024-03-10T08:40:00+08:00,2024-03-10T08:55:00+08:00,2024-03-10T09:10:00+08:00,"
      "Zhejiang 2nd\n"
      "HZ1,2024-03-10T08:00:00+08:00,30.25,120.16,I,A07,2024-03-10T08:01:30+08:00,"
      ",2024-03-10T08:12:00+08:00,,,,2024-03-10T08:30:00+08:00,\n"
      "HZ2,2024-03-10T00:30:00Z,30.30,120.10,29-D-1,,,,,,,,,\n";
  absl::StatusOr<RecordedCalls> r = parse_call_file("hz.csv", text);
  REQUIRE(r.ok());
  CHECK(r->report.format == "timeline");
  REQUIRE(r->calls.size() == 2);
  const RecordedCall& c = r->calls[0];
  CHECK(c.call_number == "HZ1");
  CHECK(c.received == utc("2024-03-10T00:00:00Z"));
  REQUIRE(c.responses.size() == 2);
  const RecordedResponse& a12 = c.responses[0];
  CHECK(r->unit_names[a12.unit] == "A12");
  CHECK(a12.kind == RecordedUnitKind::kAmbulance);
  CHECK(a12.transfer_of_care == utc("2024-03-10T00:55:00Z"));
  CHECK(a12.destination == "Zhejiang 2nd");
  CHECK_FALSE(is_set(c.responses[1].en_route));
  // Missing stages are counted: A07 lacks en_route, left_scene, at_destination, transfer.
  CHECK(r->report.stages_missing[1] == 1);
  CHECK(r->report.stages_missing[5] == 1);
  CHECK(r->report.stages_missing[6] == 0);
  // A row without a unit is demand.
  CHECK(r->calls[1].responses.empty());
  CHECK(r->calls[1].planned.has_value());
  CHECK(r->report.calls_without_unit == 1);
  // No --timezone: the file's own offset stands for the zone.
  CHECK(r->zone.name() == "+08:00");
  CHECK(CallMapping::timeline_default().code_for(r->calls[1]).to_string() == "29-D-1");
  CHECK(CallMapping::timeline_default().code_for(c).to_string() == "I");

  // The same calls in local time, read with the zone.
  const std::string local =
      "call_id,received,latitude,longitude,priority\n"
      "HZ1,2024-03-10 08:00:00,30.25,120.16,I\n";
  RecordedCallsOptions sh;
  sh.zone = *TimeZone::load("Asia/Shanghai");
  absl::StatusOr<RecordedCalls> l = parse_call_file("hz_local.csv", local, sh);
  REQUIRE(l.ok());
  CHECK(l->calls[0].received == c.received);
  // ... and without it: an error naming the line, not a guess.
  const absl::Status no_zone = parse_call_file("hz_local.csv", local).status();
  CHECK(mentions(no_zone, "hz_local.csv:2: received '2024-03-10 08:00:00' is local time"));
}

TEST_CASE("timeline file: every fault is an error with file and line", "[sim][io][timeline]") {
  const std::string head =
      "call_id,received,latitude,longitude,priority,unit,dispatched,en_route,on_scene\n";
  auto bad = [&](std::string_view rows) {
    return parse_call_file("t.csv", head + std::string(rows)).status();
  };
  CHECK(mentions(bad("1,2024-03-10T08:00:00Z,30,120,I,A1,2024-03-10T08:01:00Z,"
                     "2024-03-10T08:05:00Z,2024-03-10T08:04:00Z\n"),
                 "t.csv:2: on_scene 2024-03-10T08:04:00Z is before en_route: stages must not "
                 "run backwards"));
  CHECK(mentions(bad("1,2024-03-10T08:00:00Z,30,120,I,A1,2024-03-10T07:59:00Z,,\n"),
                 "t.csv:2: dispatched 2024-03-10T07:59:00Z is before received"));
  CHECK(mentions(bad("1,2024-03-10T08:00:00Z,30,120,I,A1,,,\n"
                     "1,2024-03-10T08:00:00Z,30,120,I,A1,,,\n"),
                 "t.csv:3: unit A1 appears twice in call 1"));
  CHECK(mentions(bad("1,2024-03-10T08:00:00Z,30,120,I,A1,,,\n"
                     "1,2024-03-10T08:00:05Z,30,120,I,A2,,,\n"),
                 "t.csv:3: call 1 was first given at line 2"));
  CHECK(mentions(bad("1,10/03/2024 08:00,30,120,I,A1,,,\n"), "t.csv:2: received '10/03/2024"));
  CHECK(mentions(bad("1,2024-03-10T08:00:00Z,95,120,I,A1,,,\n"), "t.csv:2: position"));
  CHECK(mentions(bad("1,2024-03-10T08:00:00Z,30,120,,A1,,,\n"), "t.csv:2: empty priority"));
  CHECK(mentions(bad(""), "t.csv"));
  CHECK(mentions(parse_call_file("t.csv", "call_id,received,latitude\n1,2,3\n").status(),
                 "longitude"));
}

TEST_CASE("timeline file: written and read back, the same record in any zone",
          "[sim][io][timeline]") {
  const std::string sf =
      "Call Number,Unit ID,Unit Type,Received DtTm,Entry DtTm,Dispatch DtTm,Response DtTm,"
      "On Scene DtTm,Transport DtTm,Hospital DtTm,Available DtTm,Location,Call Type,"
      "Original Priority,Station Area,ALS Unit\n"
      "170010001,M2,MEDIC,01/01/2017 12:05:32 AM,01/01/2017 12:06:10 AM,"
      "01/01/2017 12:07:00 AM,01/01/2017 12:08:00 AM,01/01/2017 12:15:00 AM,"
      "01/01/2017 12:40:00 AM,01/01/2017 12:52:00 AM,01/01/2017 01:30:00 AM,"
      "\"(37.77, -122.41)\",Medical Incident,3,01,true\n"
      "170010001,E1,ENGINE,01/01/2017 12:05:32 AM,,01/01/2017 12:07:05 AM,,"
      "01/01/2017 12:11:00 AM,,,01/01/2017 12:30:00 AM,\"(37.77, -122.41)\","
      "Medical Incident,3,01,false\n"
      "170010002,M1,MEDIC,01/01/2017 12:20:00 AM,,01/01/2017 12:21:00 AM,,,,,,"
      "\"(37.75, -122.43)\",\"Alarms, \"\"Fire\"\"\",2,02,true\n";
  const absl::StatusOr<RecordedCalls> a = parse_call_file("sf.csv", sf);
  REQUIRE(a.ok());
  CHECK(a->report.format == "sf");
  // Units are numbered by call sign, whatever the file's row order.
  CHECK(a->unit_names == std::vector<std::string>{"E1", "M1", "M2"});
  for (const std::string zone : {"America/Los_Angeles", "Asia/Shanghai", "Pacific/Apia"}) {
    const TimeZone z = *TimeZone::load(zone);
    for (const bool offsets : {true, false}) {
      RecordedCallsOptions o;
      if (!offsets) o.zone = z;
      const absl::StatusOr<RecordedCalls> b =
          parse_call_file("t.csv", timeline_csv(*a, z, offsets), o);
      REQUIRE(b.ok());
      CHECK(b->unit_names == a->unit_names);
      CHECK(b->unit_types == a->unit_types);
      REQUIRE(b->calls.size() == a->calls.size());
      for (std::size_t i = 0; i < a->calls.size(); ++i) {
        const RecordedCall& x = a->calls[i];
        const RecordedCall& y = b->calls[i];
        CHECK(y.call_number == x.call_number);
        CHECK(y.received == x.received);
        CHECK(y.entered == x.entered);
        CHECK(y.location == x.location);
        CHECK(y.call_type == x.call_type);
        CHECK(y.original_priority == x.original_priority);
        REQUIRE(y.responses.size() == x.responses.size());
        for (std::size_t k = 0; k < x.responses.size(); ++k) {
          CHECK(y.responses[k].unit == x.responses[k].unit);
          CHECK(y.responses[k].kind == x.responses[k].kind);
          CHECK(y.responses[k].als == x.responses[k].als);
          CHECK(y.responses[k].station_area == x.responses[k].station_area);
          for (SimTime RecordedResponse::*s : kTimelineStamps)
            CHECK(y.responses[k].*s == x.responses[k].*s);
        }
      }
    }
  }
  // The same wall-clock stamps read as Shanghai time are the same calls 16 hours earlier
  // (UTC-8 in a Californian January, UTC+8 in China), every duration unchanged.
  const TimeZone la = *TimeZone::load("America/Los_Angeles");
  RecordedCallsOptions sh;
  sh.zone = *TimeZone::load("Asia/Shanghai");
  const absl::StatusOr<RecordedCalls> shifted =
      parse_call_file("t.csv", timeline_csv(*a, la, false), sh);
  REQUIRE(shifted.ok());
  CHECK(a->calls[0].received - shifted->calls[0].received == std::chrono::hours(16));
  CHECK(shifted->calls[0].responses[1].available - shifted->calls[0].received ==
        a->calls[0].responses[1].available - a->calls[0].received);
}

TEST_CASE("JEMSS calls file: days to seconds, priorities to grades, faults named",
          "[sim][io][jemss]") {
  const std::string text =
      "miscData,,,,,,,,,\n"
      "startTime,,,,,,,,,\n"
      "0,,,,,,,,,\n"
      ",,,,,,,,,\n"
      "calls,,,,,,,,,\n"
      "index,priority,x,y,arrivalTime,dispatchDelay,onSceneDuration,transport,hospitalIndex,"
      "handoverDuration\n"
      "1,1,-73.98,40.75,0.5,0.0017361111111,0.00833333333,1,-1,0.0027777777778\n"
      "2,3,-73.95,40.78,1.25,0.0017361111111,0.01,0,2,0\n";
  RecordedCallsOptions o;
  o.zone = *TimeZone::load("America/New_York");
  absl::StatusOr<RecordedCalls> r = parse_call_file("calls.csv", text, o);
  REQUIRE(r.ok());
  CHECK(r->report.format == "jemss");
  REQUIRE(r->calls.size() == 2);
  // Time 0 is local midnight of 2019-01-07 (a Monday) in New York: 05:00 UTC.
  CHECK(r->calls[0].received == utc("2019-01-07T17:00:00Z"));
  CHECK(r->calls[0].original_priority == "I");
  CHECK(r->calls[1].original_priority == "III");
  REQUIRE(r->calls[0].planned.has_value());
  CHECK(r->calls[0].planned->dispatch_delay_s == 150);
  CHECK(r->calls[0].planned->on_scene_s == 720);
  CHECK(r->calls[0].planned->transports == 1);
  CHECK(r->calls[0].planned->handover_s == 240);
  CHECK(r->calls[1].planned->hospital == 1);
  // Written back, read back: the same calls.
  const absl::StatusOr<std::string> w = jemss_calls_csv(*r, jemss_time_zero(o));
  REQUIRE(w.ok());
  absl::StatusOr<RecordedCalls> again = parse_call_file("again.csv", *w, o);
  REQUIRE(again.ok());
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(again->calls[i].received == r->calls[i].received);
    CHECK(again->calls[i].planned->on_scene_s == r->calls[i].planned->on_scene_s);
    CHECK(again->calls[i].planned->hospital == r->calls[i].planned->hospital);
  }
  // As a timeline file the planned service travels too.
  absl::StatusOr<RecordedCalls> t = parse_call_file("t.csv", timeline_csv(*r, o.zone.value()));
  REQUIRE(t.ok());
  CHECK(t->calls[0].planned->handover_s == 240);
  CHECK(t->calls[1].planned->transports == 0);
  CHECK(t->calls[1].planned->hospital == 1);

  auto bad = [&](std::string_view row) {
    std::string s = text;
    s.replace(s.find("2,3,-73.95"), std::string::npos, row);
    return parse_call_file("calls.csv", s, o).status();
  };
  CHECK(mentions(bad("2,4,-73.95,40.78,1.25,0,0,0,-1,0\n"), "calls.csv:8: priority 4"));
  CHECK(mentions(bad("2,1,-73.95,40.78,0.25,0,0,0,-1,0\n"), "calls.csv:8: arrivalTime 0.25"));
  CHECK(mentions(bad("2,1,-73.95,40.78,1.25,0,-0.1,0,-1,0\n"), "calls.csv:8: dispatchDelay"));
  CHECK(mentions(bad("2,1,-73.95,40.78,1.25,0,0,2,-1,0\n"), "calls.csv:8: transport"));
  CHECK(mentions(bad("2,1,-73.95,140.78,1.25,0,0,0,-1,0\n"), "calls.csv:8: position"));
  CHECK(mentions(parse_call_file("calls.csv", "miscData\nstartTime\n0\n").status(),
                 "no 'calls' table"));
}
