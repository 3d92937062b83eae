// dispatchkit/sim/local_time.hpp: recorded wall-clock stamps to simulated time and back.
// SimTime is triage's clock type (triage/time.hpp): std::chrono::sys_seconds, UTC.
//
//   std::optional<SimTime> t = parse_us_timestamp("12/31/2016 11:57:56 PM",
//                                                 TimeZoneRule::america_los_angeles());
//   int hour = local_hour(*t, TimeZoneRule::america_los_angeles());   // 23
//
// CAD exports write local civil time ("MM/DD/YYYY hh:mm:ss AM/PM" in San Francisco's
// open data). A replay needs durations that stay right across daylight-saving switches
// and an hour of day in local time (for time-of-day travel times and the ETA error by
// hour), so stamps are converted to UTC seconds (SimTime) with the zone's rule, without
// depending on the machine's tz database (a replay must not change with the host).
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/civil_date.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/triage/time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// A fixed standard offset plus, optionally, the United States daylight-saving rule
// (since 2007: from the second Sunday of March 02:00 to the first Sunday of November
// 02:00; 1987-2006: first Sunday of April to last Sunday of October). Enough for the
// US CAD exports dispatchkit reads; other zones give their own offset and no DST, or
// convert to UTC before loading.
struct TimeZoneRule {
  std::int32_t standard_offset_s = 0;  // east of UTC, e.g. -8 h for Pacific Standard Time
  bool us_daylight_saving = false;

  [[nodiscard]] static constexpr TimeZoneRule utc() noexcept { return {}; }
  [[nodiscard]] static constexpr TimeZoneRule america_los_angeles() noexcept {
    return {-8 * 3600, true};
  }
};

namespace detail {
// Days since 1970-01-01 of a proleptic Gregorian date (detail/civil_date.hpp).
[[nodiscard]] constexpr std::int64_t civil_to_days(std::int64_t y, unsigned m,
                                                   unsigned d) noexcept {
  return days_from_civil(y, m, d);
}

// 0 = Sunday ... 6 = Saturday, for days since 1970-01-01 (a Thursday).
[[nodiscard]] constexpr unsigned weekday_of_days(std::int64_t days) noexcept {
  return static_cast<unsigned>(days >= -4 ? (days + 4) % 7 : (days + 5) % 7 + 6);
}

// Day (days since epoch) of the n-th (1-based; n = 5 means the last) `weekday` (0 =
// Sunday) of a month: daylight-saving rules and floating holidays (sim/holidays.hpp).
constexpr std::int64_t nth_weekday(std::int64_t year, unsigned month, unsigned weekday,
                                   unsigned n) noexcept {
  if (n == 5) {
    const std::int64_t next_first =
        month == 12 ? civil_to_days(year + 1, 1, 1) : civil_to_days(year, month + 1, 1);
    const std::int64_t last = next_first - 1;
    return last - static_cast<std::int64_t>((weekday_of_days(last) + 7 - weekday) % 7);
  }
  const std::int64_t first = civil_to_days(year, month, 1);
  return first + static_cast<std::int64_t>((weekday + 7 - weekday_of_days(first)) % 7) +
         7 * static_cast<std::int64_t>(n - 1);
}
constexpr std::int64_t nth_sunday(std::int64_t year, unsigned month, unsigned n) noexcept {
  return nth_weekday(year, month, 0, n);
}
// [start, end) of US daylight saving in *local standard* seconds since the epoch.
constexpr std::pair<std::int64_t, std::int64_t> us_dst_window(std::int64_t year) noexcept {
  std::int64_t start_day, end_day;
  if (year >= 2007) {
    start_day = nth_sunday(year, 3, 2);
    end_day = nth_sunday(year, 11, 1);
  } else {
    start_day = nth_sunday(year, 4, 1);
    end_day = nth_sunday(year, 10, 5);
  }
  // Starts at 02:00 standard time; ends at 02:00 daylight time = 01:00 standard time.
  return {start_day * 86400 + 2 * 3600, end_day * 86400 + 1 * 3600};
}
constexpr std::int64_t civil_year_of(std::int64_t days) noexcept {
  return civil_from_days(days).year;
}
inline std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
}  // namespace detail

// Offset of local time from UTC (seconds, east positive) at the UTC instant `t`.
[[nodiscard]] inline std::int32_t utc_offset_at(SimTime t, TimeZoneRule zone) noexcept {
  if (!zone.us_daylight_saving) return zone.standard_offset_s;
  const std::int64_t local_standard = to_unix_seconds(t) + zone.standard_offset_s;
  const auto [start, end] =
      detail::us_dst_window(detail::civil_year_of(detail::floor_div(local_standard, 86400)));
  const bool dst = local_standard >= start && local_standard < end;
  return zone.standard_offset_s + (dst ? 3600 : 0);
}

// UTC seconds of a local civil time given as seconds since 1970-01-01 00:00 local.
// A nonexistent local time (in the spring-forward gap) is read as standard time; an
// ambiguous one (the repeated hour in autumn) as the first, daylight, occurrence.
[[nodiscard]] inline SimTime utc_from_local(std::int64_t local_seconds,
                                            TimeZoneRule zone) noexcept {
  if (!zone.us_daylight_saving) return sim_time_from_unix(local_seconds - zone.standard_offset_s);
  const auto [start, end] =
      detail::us_dst_window(detail::civil_year_of(detail::floor_div(local_seconds, 86400)));
  // In local-wall terms daylight time runs from 03:00 (start + 1 h) to 02:00 (end + 1 h).
  const bool dst = local_seconds >= start + 3600 && local_seconds < end + 3600;
  return sim_time_from_unix(local_seconds - zone.standard_offset_s - (dst ? 3600 : 0));
}

// Local hour of day 0..23 at UTC instant `t`.
[[nodiscard]] inline int local_hour(SimTime t, TimeZoneRule zone) noexcept {
  const std::int64_t local = to_unix_seconds(t) + utc_offset_at(t, zone);
  return static_cast<int>(detail::floor_div(local, 3600) - detail::floor_div(local, 86400) * 24);
}

// Local calendar day (days since 1970-01-01 in local civil time) of UTC instant `t`.
[[nodiscard]] inline std::int64_t local_day(SimTime t, TimeZoneRule zone) noexcept {
  return detail::floor_div(to_unix_seconds(t) + utc_offset_at(t, zone), 86400);
}

// An inclusive range of local calendar days, as a planner names the days a model is
// fitted on or checked against: "2016-12-31..2017-01-04" (or one day, "2017-01-05").
// Days are the record's local days, not UTC ones: a call at 23:30 local on the 4th
// belongs to the 4th wherever the host is.
struct LocalDayRange {
  std::int64_t first_day = 0;  // days since 1970-01-01, local
  std::int64_t last_day = 0;   // inclusive

  [[nodiscard]] bool contains(SimTime t, TimeZoneRule zone) const noexcept {
    const std::int64_t d = local_day(t, zone);
    return d >= first_day && d <= last_day;
  }
  [[nodiscard]] std::int64_t day_count() const noexcept { return last_day - first_day + 1; }
};

// Parses "YYYY-MM-DD..YYYY-MM-DD" (or a single "YYYY-MM-DD"); nullopt if either date is
// not a calendar date or the range runs backwards.
[[nodiscard]] inline std::optional<LocalDayRange> parse_local_day_range(
    std::string_view s) noexcept {
  s = trim(s);
  const std::size_t dots = s.find("..");
  const std::string_view a = dots == std::string_view::npos ? s : s.substr(0, dots);
  const std::string_view b = dots == std::string_view::npos ? s : s.substr(dots + 2);
  const auto first = detail::parse_iso_date(a), last = detail::parse_iso_date(b);
  if (!first || !last || *last < *first) return std::nullopt;
  return LocalDayRange{*first, *last};
}

// "YYYY-MM-DD" of a local day (days since 1970-01-01), what detail::parse_iso_date reads.
[[nodiscard]] inline std::string iso_date(std::int64_t local_day) {
  const detail::CivilDate c = detail::civil_from_days(local_day);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(c.year), c.month,
                c.day);
  return std::string(buf);
}

// "YYYY-MM-DD..YYYY-MM-DD", what parse_local_day_range reads back.
[[nodiscard]] inline std::string to_string(const LocalDayRange& r) {
  return iso_date(r.first_day) + ".." + iso_date(r.last_day);
}

// Parses "MM/DD/YYYY hh:mm:ss AM" / "... PM" (12-hour clock, as SF open data writes) or
// "MM/DD/YYYY HH:mm:ss" (24-hour) as local time in `zone`; nullopt if malformed or out
// of range. noexcept, no allocation.
[[nodiscard]] inline std::optional<SimTime> parse_us_timestamp(std::string_view s,
                                                               TimeZoneRule zone) noexcept {
  s = trim(s);
  auto number = [&](std::size_t pos, std::size_t len, unsigned& out) {
    if (pos + len > s.size()) return false;
    out = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + static_cast<unsigned>(s[i] - '0');
    }
    return true;
  };
  unsigned mo, d, y, h, mi, se;
  if (s.size() < 19 || s[2] != '/' || s[5] != '/' || s[10] != ' ' || s[13] != ':' || s[16] != ':')
    return std::nullopt;
  if (!number(0, 2, mo) || !number(3, 2, d) || !number(6, 4, y) || !number(11, 2, h) ||
      !number(14, 2, mi) || !number(17, 2, se))
    return std::nullopt;
  std::string_view rest = trim(s.substr(19));
  if (rest == "AM" || rest == "PM") {
    if (h < 1 || h > 12) return std::nullopt;
    h = h % 12 + (rest == "PM" ? 12 : 0);
  } else if (!rest.empty()) {
    return std::nullopt;
  }
  if (!detail::is_civil_date(y, mo, d) || h > 23 || mi > 59 || se > 59) return std::nullopt;
  const std::int64_t local = detail::civil_to_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
  return utc_from_local(local, zone);
}

// Parses "YYYY-MM-DDTHH:MM:SS" (or a blank for the T), with optional fractional seconds
// (".000", dropped), as local time in `zone`: the form of DataSF's API and newer exports.
// nullopt if malformed or out of range. noexcept, no allocation.
[[nodiscard]] inline std::optional<SimTime> parse_iso_local_timestamp(std::string_view s,
                                                                      TimeZoneRule zone) noexcept {
  s = trim(s);
  if (s.size() < 19 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
    return std::nullopt;
  const std::optional<std::int64_t> day = detail::parse_iso_date(s.substr(0, 10));
  if (!day) return std::nullopt;
  unsigned h = 0, mi = 0, se = 0;
  auto two = [&](std::size_t pos, unsigned& out) {
    if (s[pos] < '0' || s[pos] > '9' || s[pos + 1] < '0' || s[pos + 1] > '9') return false;
    out = static_cast<unsigned>((s[pos] - '0') * 10 + (s[pos + 1] - '0'));
    return true;
  };
  if (!two(11, h) || !two(14, mi) || !two(17, se) || h > 23 || mi > 59 || se > 59)
    return std::nullopt;
  std::string_view rest = s.substr(19);
  if (!rest.empty() && rest[0] == '.') {
    std::size_t i = 1;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') ++i;
    if (i == 1) return std::nullopt;
    rest = rest.substr(i);
  }
  if (!rest.empty()) return std::nullopt;  // an explicit offset or Z is not local time
  return utc_from_local(*day * 86400 + h * 3600 + mi * 60 + se, zone);
}

// Either form a calls-for-service export uses: US ("01/01/2017 12:05:32 AM") or ISO
// ("2017-01-01T00:05:32.000"), local time in `zone`.
[[nodiscard]] inline std::optional<SimTime> parse_local_timestamp(std::string_view s,
                                                                  TimeZoneRule zone) noexcept {
  const std::string_view t = trim(s);
  if (t.size() >= 5 && t[4] == '-') return parse_iso_local_timestamp(t, zone);
  return parse_us_timestamp(t, zone);
}

DISPATCHKIT_NAMESPACE_END
