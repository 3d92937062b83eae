// dispatchkit/detail/civil_date.hpp: proleptic Gregorian calendar <-> days since
// 1970-01-01, shared by the traffic time slices, the simulator's local time and reports.
//
//   static_assert(detail::days_from_civil(2008, 5, 18) == 14017);
//   const detail::CivilDate d = detail::civil_from_days(14017);  // {2008, 5, 18}
//
// Algorithms: H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"
// (https://howardhinnant.github.io/date_algorithms.html), days_from_civil and
// civil_from_days: exact for every date representable in the types (eras of 400 years,
// March-based years so that the leap day is last), no tables, no loops. constexpr,
// noexcept, no allocation.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "dispatchkit/config.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {

struct CivilDate {
  std::int64_t year = 1970;
  unsigned month = 1;  // 1..12
  unsigned day = 1;    // 1..31

  friend constexpr bool operator==(const CivilDate&, const CivilDate&) = default;
};

// Days since 1970-01-01 of the civil date y-m-d (m in 1..12, d in 1..31; not validated).
[[nodiscard]] constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m,
                                                     unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);                 // [0, 399]
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// The civil date of `days` since 1970-01-01 (inverse of days_from_civil).
[[nodiscard]] constexpr CivilDate civil_from_days(std::int64_t days) noexcept {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);                 // [0, 146096]
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const unsigned mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;                             // [1, 31]
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;                                // [1, 12]
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

// Whether y-m-d names a real day (month 1..12, no 2017-02-29 or 2017-04-31): a day past
// the month's end would land in the next month, so the round trip tells.
[[nodiscard]] constexpr bool is_civil_date(std::int64_t y, unsigned m, unsigned d) noexcept {
  return m >= 1 && m <= 12 && d >= 1 && d <= 31 &&
         civil_from_days(days_from_civil(y, m, d)) == CivilDate{y, m, d};
}

// Days since 1970-01-01 of a "YYYY-MM-DD" date (digits only: no sign, no blanks), or
// nullopt when it is not one (wrong shape, month 13, 2008-02-30, ...).
[[nodiscard]] constexpr std::optional<std::int64_t> parse_iso_date(std::string_view s) noexcept {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto digits = [&](std::size_t pos, std::size_t len, unsigned& out) {
    out = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + static_cast<unsigned>(s[i] - '0');
    }
    return true;
  };
  unsigned y = 0, m = 0, d = 0;
  if (!digits(0, 4, y) || !digits(5, 2, m) || !digits(8, 2, d) || !is_civil_date(y, m, d))
    return std::nullopt;
  return days_from_civil(y, m, d);
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);
static_assert(civil_from_days(-1) == CivilDate{1969, 12, 31});
static_assert(civil_from_days(days_from_civil(2008, 2, 29)) == CivilDate{2008, 2, 29});
static_assert(is_civil_date(2016, 2, 29) && !is_civil_date(2017, 2, 29));
static_assert(parse_iso_date("2008-05-18") == 14017 && !parse_iso_date("2008-+5-18"));

}  // namespace detail
DISPATCHKIT_NAMESPACE_END
