// Tests of the calls-for-service loader and the local-time conversion it relies on.
#include "dispatchkit/sim/recorded_calls.hpp"

#include <catch2/catch.hpp>

#include "test_data.hpp"

using namespace dispatchkit;

namespace {
const TimeZone kLa = *TimeZone::load("America/Los_Angeles");
std::int64_t unix_of(std::string_view s) {
  return to_unix_seconds(*parse_us_timestamp(s, kLa));
}
}  // namespace

TEST_CASE("local times convert to UTC with the US Pacific rule", "[sim][time]") {
  // 2017-01-01 00:00:00 PST = 08:00:00 UTC = 1483257600.
  CHECK(unix_of("01/01/2017 12:00:00 AM") == 1483257600);
  CHECK(unix_of("12/31/2016 11:59:59 PM") == 1483257599);
  CHECK(unix_of("01/01/2017 12:00:00 PM") == 1483257600 + 12 * 3600);
  CHECK(unix_of("01/01/2017 13:00:00") == 1483257600 + 13 * 3600);  // 24-hour variant
  // 2017-07-01 12:00 PDT = 19:00 UTC = 1498935600.
  CHECK(unix_of("07/01/2017 12:00:00 PM") == 1498935600);
  // DST began 2017-03-12 02:00 PST: 01:59:59 PST and 03:00:00 PDT are one second apart.
  CHECK(unix_of("03/12/2017 03:00:00 AM") - unix_of("03/12/2017 01:59:59 AM") == 1);
  // DST ended 2017-11-05 02:00 PDT; 00:30 PDT -> 02:30 PST is three hours.
  CHECK(unix_of("11/05/2017 02:30:00 AM") - unix_of("11/05/2017 12:30:00 AM") == 3 * 3600);
  CHECK(local_hour(*parse_us_timestamp("07/01/2017 11:15:00 PM", kLa), kLa) == 23);
  CHECK(local_hour(*parse_us_timestamp("01/01/2017 12:15:00 AM", kLa), kLa) == 0);
  CHECK(local_hour(*parse_us_timestamp("11/05/2017 01:30:00 AM", kLa), kLa) == 1);
  CHECK(local_hour(*parse_us_timestamp("11/05/2017 03:30:00 AM", kLa), kLa) == 3);
  // 2016 was a leap year, 2017 not.
  CHECK(parse_us_timestamp("02/29/2016 10:00:00 AM", kLa).has_value());
  for (std::string_view bad :
       {"02/29/2017 10:00:00 AM", "13/01/2017 10:00:00 AM", "01/01/2017 00:00:00 AM",
        "01/01/2017 10:00:00 XM", "1/1/2017 10:00:00 AM", "", "01/01/2017 10:61:00 AM"})
    CHECK_FALSE(parse_us_timestamp(bad, kLa).has_value());
}

TEST_CASE("recorded locations parse in both export spellings", "[sim]") {
  auto a = parse_recorded_location("(37.7458, -122.4566)");
  REQUIRE(a);
  CHECK(a->lat == Approx(37.7458));
  auto b = parse_recorded_location("POINT (-122.4566 37.7458)");
  REQUIRE(b);
  CHECK(b->lat == Approx(37.7458));
  CHECK(b->lon == Approx(-122.4566));
  CHECK_FALSE(parse_recorded_location(""));
  CHECK_FALSE(parse_recorded_location("(0.0, 0.0)"));
  CHECK_FALSE(parse_recorded_location("(137.1, -122.4)"));
  CHECK_FALSE(parse_recorded_location("37.7, -122.4"));
}

namespace {
// Columns deliberately re-ordered and one unused column added: the loader goes by name.
constexpr std::string_view kHeader =
    "Unit ID,Call Number,Extra,Received DtTm,Entry DtTm,Dispatch DtTm,Response DtTm,"
    "On Scene DtTm,Transport DtTm,Hospital DtTm,Available DtTm,Unit Type,ALS Unit,"
    "Original Priority,Final Priority,Call Type,Call Type Group,Station Area,Location\n";
}  // namespace

TEST_CASE("malformed call rows are counted by reason, never fatal", "[sim][recorded]") {
  std::string text(kHeader);
  // Line 2: a good ambulance row (call 100).
  text +=
      "M1,100,x,01/01/2017 10:00:00 AM,01/01/2017 10:00:30 AM,01/01/2017 10:01:00 AM,"
      "01/01/2017 10:01:30 AM,01/01/2017 10:08:00 AM,01/01/2017 10:20:00 AM,"
      "01/01/2017 10:30:00 AM,01/01/2017 10:50:00 AM,MEDIC,true,3,3,Medical Incident,"
      "Potentially Life-Threatening,05,\"(37.77, -122.42)\"\n";
  // Line 3: an engine on the same call, arriving first.
  text +=
      "E5,100,x,01/01/2017 10:00:00 AM,,01/01/2017 10:00:50 AM,01/01/2017 10:01:10 AM,"
      "01/01/2017 10:05:00 AM,,,01/01/2017 10:30:00 AM,ENGINE,true,3,3,Medical Incident,"
      "Potentially Life-Threatening,05,\"(37.77, -122.42)\"\n";
  text += "M2,101,x,13/45/2017 10:00:00 AM,,,,,,,,MEDIC,true,3,3,M,P,05,\"(37.7, -122.4)\"\n";  // 4
  text += "M2,102,x\n";                                                                         // 5
  text +=
      "M2,103,x,01/01/2017 11:00:00 AM,,yesterday,,,,,,MEDIC,true,3,3,M,P,05,\"(37.7, -122.4)\"\n";  // 6
  text += "M2,104,x,01/01/2017 11:00:00 AM,,,,,,,,MEDIC,true,3,3,M,P,05,\"(nowhere)\"\n";     // 7
  text += ",105,x,01/01/2017 11:00:00 AM,,,,,,,,MEDIC,true,3,3,M,P,05,\"(37.7, -122.4)\"\n";  // 8
  text += "M3,,x,01/01/2017 11:00:00 AM,,,,,,,,MEDIC,true,3,3,M,P,05,\"(37.7, -122.4)\"\n";   // 9
  text +=
      "M1,100,x,01/01/2017 10:00:00 AM,,,,,,,,MEDIC,true,3,3,M,P,05,\"(37.77, -122.42)\"\n";  // 10
                                                                                              // dup
  // Line 11: on scene before en route: the on-scene stamp is dropped, the row kept.
  text +=
      "M4,106,x,01/01/2017 09:00:00 AM,,01/01/2017 09:01:00 AM,01/01/2017 09:02:00 AM,"
      "01/01/2017 09:01:30 AM,,,01/01/2017 09:30:00 AM,PRIVATE,false,2,2,Medical Incident,"
      "Non Life-threatening,07,\"(37.75, -122.45)\"\n";
  text += "\n";  // blank line ignored

  absl::StatusOr<RecordedCalls> rec = parse_recorded_calls("calls.csv", text);
  REQUIRE(rec.ok());
  const RecordedLoadReport& r = rec->report;
  CHECK(r.rows_read == 10);
  CHECK(r.rows_used == 3);
  CHECK(r.rows_rejected[static_cast<int>(RowProblem::kBadReceived)] == 1);
  CHECK(r.rows_rejected[static_cast<int>(RowProblem::kFieldCount)] == 1);
  CHECK(r.rows_rejected[static_cast<int>(RowProblem::kBadTimestamp)] == 1);
  CHECK(r.rows_rejected[static_cast<int>(RowProblem::kBadLocation)] == 1);
  CHECK(r.rows_rejected[static_cast<int>(RowProblem::kNoUnit)] == 1);
  CHECK(r.rows_rejected[static_cast<int>(RowProblem::kNoCallNumber)] == 1);
  CHECK(r.rows_rejected[static_cast<int>(RowProblem::kDuplicateUnit)] == 1);
  CHECK(r.rows_rejected_total() == 7);
  CHECK(r.stamps_out_of_order == 1);
  REQUIRE(r.examples.size() == 7);
  CHECK(r.examples[0].rfind("calls.csv:4: bad_received_time", 0) == 0);
  CHECK(r.summary().find("bad_location: 1") != std::string::npos);

  REQUIRE(rec->calls.size() == 2);
  const RecordedCall& early = rec->calls[0];  // sorted by received time: call 106 first
  CHECK(early.call_number == "106");
  REQUIRE(early.responses.size() == 1);
  CHECK_FALSE(is_set(early.responses[0].on_scene));
  CHECK(is_set(early.responses[0].available));
  CHECK(early.responses[0].kind == RecordedUnitKind::kAmbulance);

  const RecordedCall& c = rec->calls[1];
  CHECK(c.call_number == "100");
  CHECK(c.call_type_group == "Potentially Life-Threatening");
  REQUIRE(c.responses.size() == 2);
  CHECK(rec->unit_names[c.responses[0].unit] == "E5");  // dispatched first
  CHECK(to_unix_seconds(c.first_dispatch()) - to_unix_seconds(c.received) == 50);
  CHECK(to_unix_seconds(c.first_on_scene()) - to_unix_seconds(c.received) == 300);
  const RecordedResponse* amb = c.first_ambulance_on_scene();
  REQUIRE(amb != nullptr);
  CHECK(to_unix_seconds(amb->on_scene) - to_unix_seconds(c.received) == 480);
  CHECK(c.ambulances_on_scene() == 1);
}

TEST_CASE("a file that is not a calls export is an error", "[sim][recorded]") {
  auto r = parse_recorded_calls("x.csv", "a,b,c\n1,2,3\n");
  CHECK(r.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(r.status().message().find("Call Number") != std::string_view::npos);
  CHECK(parse_recorded_calls("x.csv", "").status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(load_recorded_calls("/nonexistent/calls.csv").status().code() ==
        absl::StatusCode::kNotFound);
}

TEST_CASE("the bundled San Francisco week loads completely", "[sim][recorded][data]") {
  // data/ always holds the week (the same file as ../shared/data's), so nothing is skipped.
  const std::string path = dk_test::bundled("sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz");
  absl::StatusOr<RecordedCalls> rec = load_recorded_calls(path);
  REQUIRE(rec.ok());
  INFO(rec->report.summary());
  CHECK(rec->report.rows_read == 7704);
  CHECK(rec->calls.size() == 3560);
  CHECK(rec->report.rows_rejected_total() == 0);
  std::size_t with_ambulance = 0;
  for (const RecordedCall& c : rec->calls) with_ambulance += c.any_ambulance();
  CHECK(with_ambulance == 2861);
}

TEST_CASE("local day ranges name the record's own calendar days", "[sim][time]") {
  const std::optional<LocalDayRange> r = parse_local_day_range("2016-12-31..2017-01-04");
  REQUIRE(r.has_value());
  CHECK(r->day_count() == 5);
  CHECK(parse_local_day_range("2017-01-05")->day_count() == 1);
  // 23:30 local on 2017-01-04 is already the 5th in UTC: the local day decides.
  CHECK(r->contains(*parse_us_timestamp("01/04/2017 11:30:00 PM", kLa), kLa));
  CHECK_FALSE(r->contains(*parse_us_timestamp("01/04/2017 11:30:00 PM", kLa), TimeZone::utc()));
  CHECK(r->contains(*parse_us_timestamp("12/31/2016 12:00:00 AM", kLa), kLa));
  CHECK_FALSE(r->contains(*parse_us_timestamp("12/30/2016 11:59:59 PM", kLa), kLa));
  CHECK_FALSE(r->contains(*parse_us_timestamp("01/05/2017 12:00:00 AM", kLa), kLa));
  for (std::string_view bad :
       {"2017-01-05..2017-01-04", "2017-02-29", "2016-13-01..2016-13-02", "2016-12-31..",
        "..2017-01-01", "2016-12-31...2017-01-01", "16-12-31..17-01-01", "", "2016-12-3x"})
    CHECK_FALSE(parse_local_day_range(bad).has_value());
  CHECK(parse_local_day_range("2016-02-29").has_value());
}
