// dispatchkit/sim/holidays.hpp: which kind of day a local date is, for traffic.
//
//   HolidayCalendar cal;                                  // US federal holidays by default
//   absl::StatusOr<HolidayCalendar> c = parse_holiday_calendar("us_federal,2017-01-03");
//   DayKind d = day_kind(t, record.zone, cal);     // kHoliday, ...
//   bool h = is_holiday(*detail::parse_iso_date("2017-01-02"), cal);    // true: observed
//
// Streets on a public holiday are emptier than on the working days around it (the bundled
// San Francisco week: free-flow drive-time bias -33 s on New Year's Day and -32 s on the
// observed Monday, -119 to -142 s on the working days after), so a drive-time model fitted
// across such days needs to know which is which (recommend/drive_time_model.hpp,
// DriveTimeModel::day_factor). The United States federal holidays (5 U.S.C. 6103) are
// built in, since the replay reads US CAD exports: New Year's Day, Martin Luther King Jr.
// Day, Washington's Birthday, Memorial Day, Juneteenth (from 2021), Independence Day,
// Labor Day, Columbus Day, Veterans Day, Thanksgiving and Christmas, each also on its
// observed day (Friday for a Saturday, Monday for a Sunday). Other places give their own
// dates ("none,2025-10-01,...").
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/civil_date.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/recommend/drive_time_model.hpp"
#include "dispatchkit/sim/local_time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct HolidayCalendar {
  bool us_federal = true;                // the built-in US federal holidays
  std::vector<std::int64_t> extra_days;  // more holidays, local days since 1970-01-01, sorted
};

// The US federal holidays of `year` and their observed days (local days since 1970-01-01,
// sorted; a holiday's observed day may fall in the year before: 2022-01-01 -> 2021-12-31).
[[nodiscard]] std::vector<std::int64_t> us_federal_holidays(std::int64_t year);

[[nodiscard]] bool is_holiday(std::int64_t local_day, const HolidayCalendar& cal) noexcept;
[[nodiscard]] DayKind day_kind_of(std::int64_t local_day, const HolidayCalendar& cal) noexcept;
[[nodiscard]] inline DayKind day_kind(SimTime t, const TimeZone& zone,
                                      const HolidayCalendar& cal) noexcept {
  return day_kind_of(local_day(t, zone), cal);
}

// "us_federal", "none", or either followed by ",YYYY-MM-DD" dates (a list of dates alone
// means us_federal plus those). InvalidArgument naming the part that is not a date.
[[nodiscard]] absl::StatusOr<HolidayCalendar> parse_holiday_calendar(std::string_view text);

// ---------------------------------------------------------------------------------------
// Implementation.

namespace detail {
// Calls f(day) for each US federal holiday of `year` and each observed day that differs
// (no allocation: the replay asks once per dispatch).
template <typename F>
constexpr void for_each_us_federal_holiday(std::int64_t year, F&& f) noexcept {
  auto fixed = [&](unsigned month, unsigned day) {
    const std::int64_t d = civil_to_days(year, month, day);
    f(d);
    const unsigned w = weekday_of_days(d);
    if (w == 6) f(d - 1);  // Saturday: observed on Friday
    if (w == 0) f(d + 1);  // Sunday: observed on Monday
  };
  fixed(1, 1);
  f(nth_weekday(year, 1, 1, 3));   // Martin Luther King Jr. Day: third Monday of January
  f(nth_weekday(year, 2, 1, 3));   // Washington's Birthday: third Monday of February
  f(nth_weekday(year, 5, 1, 5));   // Memorial Day: last Monday of May
  if (year >= 2021) fixed(6, 19);  // Juneteenth National Independence Day
  fixed(7, 4);
  f(nth_weekday(year, 9, 1, 1));   // Labor Day: first Monday of September
  f(nth_weekday(year, 10, 1, 2));  // Columbus Day: second Monday of October
  fixed(11, 11);                   // Veterans Day
  f(nth_weekday(year, 11, 4, 4));  // Thanksgiving: fourth Thursday of November
  fixed(12, 25);
}
}  // namespace detail

inline std::vector<std::int64_t> us_federal_holidays(std::int64_t year) {
  std::vector<std::int64_t> days;
  detail::for_each_us_federal_holiday(year, [&](std::int64_t d) { days.push_back(d); });
  std::sort(days.begin(), days.end());
  return days;
}

inline bool is_holiday(std::int64_t local_day, const HolidayCalendar& cal) noexcept {
  if (std::binary_search(cal.extra_days.begin(), cal.extra_days.end(), local_day)) return true;
  if (!cal.us_federal) return false;
  bool found = false;
  const std::int64_t year = detail::civil_from_days(local_day).year;
  // Next year's New Year's Day may be observed on this year's 31 December.
  for (const std::int64_t y : {year, year + 1})
    detail::for_each_us_federal_holiday(y, [&](std::int64_t d) { found |= d == local_day; });
  return found;
}

inline DayKind day_kind_of(std::int64_t local_day, const HolidayCalendar& cal) noexcept {
  if (is_holiday(local_day, cal)) return DayKind::kHoliday;
  const unsigned w = detail::weekday_of_days(local_day);
  return w == 0 || w == 6 ? DayKind::kWeekend : DayKind::kWorking;
}

inline absl::StatusOr<HolidayCalendar> parse_holiday_calendar(std::string_view text) {
  HolidayCalendar cal;
  std::size_t part = 0;
  for (std::string_view rest = text;; ++part) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = trim(rest.substr(0, comma));
    if (item == "us_federal" && part == 0) {
      cal.us_federal = true;
    } else if (item == "none" && part == 0) {
      cal.us_federal = false;
    } else if (const auto d = detail::parse_iso_date(item)) {
      cal.extra_days.push_back(*d);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("holidays: '", detail::as_absl(item), "' (item ", part + 1,
                       ") is not a date YYYY-MM-DD; expected us_federal or none, then dates"));
    }
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  std::sort(cal.extra_days.begin(), cal.extra_days.end());
  cal.extra_days.erase(std::unique(cal.extra_days.begin(), cal.extra_days.end()),
                       cal.extra_days.end());
  return cal;
}

DISPATCHKIT_NAMESPACE_END
