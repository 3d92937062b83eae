// sim/holidays.hpp: which local days drive as holidays, against dates checked by hand on
// the US Office of Personnel Management's published holiday tables.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "dispatchkit/sim/holidays.hpp"

using namespace dispatchkit;

namespace {
std::int64_t day(std::string_view iso) {
  const std::optional<std::int64_t> d = detail::parse_iso_date(iso);
  REQUIRE(d.has_value());
  return *d;
}
std::vector<std::string> dates(const std::vector<std::int64_t>& days) {
  std::vector<std::string> out;
  for (const std::int64_t d : days) out.push_back(iso_date(d));
  return out;
}
}  // namespace

TEST_CASE("holidays: the US federal holidays of a year, with their observed days",
          "[sim][holidays]") {
  // 2017: New Year's Day on a Sunday is observed on Monday 2 January.
  CHECK(dates(us_federal_holidays(2017)) ==
        std::vector<std::string>{"2017-01-01", "2017-01-02", "2017-01-16", "2017-02-20",
                                 "2017-05-29", "2017-07-04", "2017-09-04", "2017-10-09",
                                 "2017-11-10", "2017-11-11", "2017-11-23", "2017-12-25"});
  // 2021: Juneteenth (from 2021) on a Saturday is observed on Friday 18 June; Christmas on
  // a Saturday on Friday 24 December.
  const std::vector<std::string> y2021 = dates(us_federal_holidays(2021));
  CHECK(std::count(y2021.begin(), y2021.end(), "2021-06-18") == 1);
  CHECK(std::count(y2021.begin(), y2021.end(), "2021-12-24") == 1);
  CHECK(dates(us_federal_holidays(2020)).size() == 11);  // no Juneteenth, no observed day
}

TEST_CASE("holidays: kinds of day, and a holiday observed in the year before", "[sim][holidays]") {
  const HolidayCalendar us;
  CHECK(day_kind_of(day("2017-01-01"), us) == DayKind::kHoliday);  // a Sunday, and a holiday
  CHECK(day_kind_of(day("2017-01-02"), us) == DayKind::kHoliday);  // observed
  CHECK(day_kind_of(day("2017-01-03"), us) == DayKind::kWorking);
  CHECK(day_kind_of(day("2017-01-06"), us) == DayKind::kWorking);  // Friday
  CHECK(day_kind_of(day("2017-01-07"), us) == DayKind::kWeekend);  // Saturday
  CHECK(day_kind_of(day("2016-11-24"), us) == DayKind::kHoliday);  // Thanksgiving
  CHECK(day_kind_of(day("2016-11-25"), us) == DayKind::kWorking);  // not federal
  // 1 January 2022 is a Saturday: observed on Friday 31 December 2021.
  CHECK(day_kind_of(day("2021-12-31"), us) == DayKind::kHoliday);
  CHECK(day_kind_of(day("2022-01-01"), us) == DayKind::kHoliday);
  CHECK(day_kind_of(day("2022-01-03"), us) == DayKind::kWorking);
  // Local days: 2017-01-02 23:30 in Los Angeles is the 3rd in UTC, still the holiday.
  const TimeZone la = *TimeZone::load("America/Los_Angeles");
  const SimTime late = SimTime{} + std::chrono::seconds((day("2017-01-03") * 86400) + 7 * 3600 +
                                                        30 * 60);  // 07:30 UTC on the 3rd
  CHECK(day_kind(late, la, us) == DayKind::kHoliday);
}

TEST_CASE("holidays: a place's own calendar, and bad text named", "[sim][holidays]") {
  absl::StatusOr<HolidayCalendar> none = parse_holiday_calendar("none");
  REQUIRE(none.ok());
  CHECK(!none->us_federal);
  CHECK(day_kind_of(day("2017-01-02"), *none) == DayKind::kWorking);
  CHECK(day_kind_of(day("2017-01-01"), *none) == DayKind::kWeekend);
  // China's National Day week, say: dates alone add to the federal calendar, after "none"
  // they replace it; repeats and order do not matter.
  absl::StatusOr<HolidayCalendar> cn =
      parse_holiday_calendar("none, 2025-10-02,2025-10-01,2025-10-02");
  REQUIRE(cn.ok());
  CHECK(cn->extra_days == std::vector<std::int64_t>{day("2025-10-01"), day("2025-10-02")});
  CHECK(day_kind_of(day("2025-10-01"), *cn) == DayKind::kHoliday);
  CHECK(day_kind_of(day("2025-12-25"), *cn) == DayKind::kWorking);
  absl::StatusOr<HolidayCalendar> plus = parse_holiday_calendar("2017-01-05");
  REQUIRE(plus.ok());
  CHECK(plus->us_federal);
  CHECK(is_holiday(day("2017-01-05"), *plus));
  CHECK(is_holiday(day("2017-01-02"), *plus));
  for (const char* bad : {"", "us_federal,2017-13-01", "nope", "2017-01-05,none", "us_federal,,"}) {
    INFO(bad);
    const absl::Status s = parse_holiday_calendar(bad).status();
    CHECK(absl::IsInvalidArgument(s));
    CHECK(s.message().find("holidays:") == 0);
  }
}
