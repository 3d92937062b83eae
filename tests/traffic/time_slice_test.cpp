// Tests for route/traffic/time_slice.hpp: slices of the week, wrap-around, time zones.
#include <catch2/catch.hpp>

#include <cstdint>

#include "dispatchkit/detail/civil_date.hpp"
#include "dispatchkit/route/traffic/time_slice.hpp"

using namespace dispatchkit;

TEST_CASE("unix times map to local slices of the week", "[traffic][time_slice]") {
  const TimeSlicing pdt(15, -7 * 60);
  REQUIRE(pdt.is_valid());
  CHECK(pdt.slice_count() == 672);
  CHECK(pdt.slices_per_day() == 96);
  // 2008-05-18 00:00:08 PDT (Sunday) = 1211094008 UTC: the first fix of the taxi week.
  const TimeSlice s = pdt.slice_of(1211094008);
  CHECK(pdt.day_of_week(s) == 6);
  CHECK(pdt.minute_of_day(s) == 0);
  CHECK(s.value() == 6 * 96);
  // One second earlier is Saturday 23:59:59 PDT: the last slice of Saturday.
  CHECK(pdt.slice_of(1211094008 - 9).value() == 6 * 96 - 1);
  // Monday 2008-05-19 08:07 PDT = 15:07 UTC.
  const std::int64_t monday_8 = 1211094000 + 86400 + 8 * 3600 + 7 * 60;
  CHECK(pdt.slice_of(monday_8) == pdt.at(0, 8 * 60));
  CHECK(pdt.hour_of_day(pdt.slice_of(monday_8)) == 8);
  // The same instant in UTC is Monday 15:07.
  const TimeSlicing utc(15, 0);
  CHECK(utc.slice_of(monday_8) == utc.at(0, 15 * 60));
  // Epoch: Thursday 1970-01-01 00:00 UTC; one second before is Wednesday 23:59:59.
  CHECK(utc.day_of_week(utc.slice_of(0)) == 3);
  CHECK(utc.slice_of(-1) == utc.at(2, 23 * 60 + 45));
  CHECK(utc.local_day(-1) == -1);
  CHECK(pdt.local_day(1211094008) == days_from_civil(2008, 5, 18));
  CHECK(pdt.local_day(1211094008 - 9) == days_from_civil(2008, 5, 17));
}

TEST_CASE("slice arithmetic wraps around the week", "[traffic][time_slice]") {
  const TimeSlicing w(15);
  const TimeSlice last = w.at(6, 23 * 60 + 45);
  CHECK(last.value() == 671);
  CHECK(w.advance(last, 1).value() == 0);
  CHECK(w.advance(TimeSlice(0), -1).value() == 671);
  CHECK(w.advance(TimeSlice(5), 672 * 3).value() == 5);
  CHECK(w.circular_distance(last, TimeSlice(0)) == 1);
  CHECK(w.circular_distance(TimeSlice(0), last) == -1);
  CHECK(w.circular_distance(TimeSlice(0), TimeSlice(336)) == 336);
  // Invalid slicings are reported, never divided by.
  CHECK_FALSE(TimeSlicing(7).is_valid());
  CHECK_FALSE(TimeSlicing(0).is_valid());
  CHECK(TimeSlicing(60).slice_count() == 168);
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(2008, 5, 24) - days_from_civil(2008, 5, 18) == 6);
}

TEST_CASE("civil dates and day numbers round-trip (detail/civil_date.hpp)",
          "[traffic][time_slice]") {
  // An independent count: walk day by day from 1600-01-01 (a leap-rule year divisible by
  // 400) to 2400-12-31 with the month lengths of the Gregorian rules, and compare.
  auto leap = [](std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; };
  const unsigned kLen[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  std::int64_t n = detail::days_from_civil(1600, 1, 1);
  CHECK(n == -135140);  // = (date(1600, 1, 1) - date(1970, 1, 1)).days in Python
  std::int64_t mismatches = 0;
  for (std::int64_t y = 1600; y <= 2400; ++y)
    for (unsigned m = 1; m <= 12; ++m) {
      const unsigned len = kLen[m - 1] + (m == 2 && leap(y) ? 1 : 0);
      for (unsigned d = 1; d <= len; ++d, ++n) {
        const detail::CivilDate c = detail::civil_from_days(n);
        if (detail::days_from_civil(y, m, d) != n || c.year != y || c.month != m || c.day != d)
          ++mismatches;
      }
    }
  CHECK(mismatches == 0);
  // The public traffic name is the same function.
  CHECK(days_from_civil(2008, 5, 18) == detail::days_from_civil(2008, 5, 18));
  CHECK(days_from_civil(2008, 5, 18) == 14017);
}
