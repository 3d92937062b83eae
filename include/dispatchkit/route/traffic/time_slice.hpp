// dispatchkit/route/traffic/time_slice.hpp: slices of the week for time-dependent metrics.
//
//   TimeSlicing week(15, -7 * 60);                       // 15-minute slices, UTC-7 (PDT)
//   TimeSlice s = week.slice_of(1211094008);             // Sun 2008-05-18 00:00:08 PDT
//   week.day_of_week(s);                                 // 6 (Monday = 0 ... Sunday = 6)
//   week.minute_of_day(s);                               // 0
//   TimeSlice next = week.advance(s, 1);                 // wraps from Sunday to Monday
//
// Traffic repeats with the week: a Monday 08:00 looks like last Monday 08:00, not like
// Sunday 08:00. A metric is therefore built per slice of the week, slice 0 being Monday
// 00:00 local time. The local time is the UTC time plus a fixed offset given by the caller
// (no time-zone database in a header-only library): the San Francisco taxi week of May
// 2008 is PDT, UTC-7. A caller spanning a daylight-saving change picks the offset per
// record (the offset is a plain parameter of slice_of()).
//
// Everything here is constexpr, noexcept and allocation-free.
#pragma once

#include <cstdint>

#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/civil_date.hpp"
#include "dispatchkit/graph/types.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct TimeSliceTag {};
// Index of a slice of the week, 0 .. TimeSlicing::slice_count() - 1.
using TimeSlice = StrongId<TimeSliceTag>;

// A division of the week into equal slices, and the local time zone offset used to map
// unix times onto them.
class TimeSlicing {
 public:
  static constexpr std::int64_t kMinutesPerDay = 24 * 60;
  static constexpr std::int64_t kMinutesPerWeek = 7 * kMinutesPerDay;

  // `slice_minutes` must divide a day (1, 2, 3, 4, 5, 6, 10, 15, 20, 30, 60, ...);
  // is_valid() says whether it does. `utc_offset_minutes` is local minus UTC (-420 = PDT).
  constexpr explicit TimeSlicing(std::int32_t slice_minutes = 15,
                                 std::int32_t utc_offset_minutes = -7 * 60) noexcept
      : slice_minutes_(slice_minutes), utc_offset_minutes_(utc_offset_minutes) {}

  [[nodiscard]] constexpr bool is_valid() const noexcept {
    return slice_minutes_ > 0 && kMinutesPerDay % slice_minutes_ == 0;
  }
  [[nodiscard]] constexpr std::int32_t slice_minutes() const noexcept { return slice_minutes_; }
  [[nodiscard]] constexpr std::int32_t utc_offset_minutes() const noexcept {
    return utc_offset_minutes_;
  }
  [[nodiscard]] constexpr std::uint32_t slice_count() const noexcept {
    return static_cast<std::uint32_t>(kMinutesPerWeek / slice_minutes_);
  }
  [[nodiscard]] constexpr std::uint32_t slices_per_day() const noexcept {
    return static_cast<std::uint32_t>(kMinutesPerDay / slice_minutes_);
  }

  // Local minutes since Monday 00:00 of the week containing `unix_time_utc`.
  [[nodiscard]] constexpr std::int64_t minute_of_week(std::int64_t unix_time_utc) const noexcept {
    // 1970-01-01 (day 0) was a Thursday: Monday-based weekday = (day + 3) mod 7.
    const std::int64_t local_minutes = floor_div(unix_time_utc, 60) + utc_offset_minutes_;
    const std::int64_t day = floor_div(local_minutes, kMinutesPerDay);
    const std::int64_t weekday = floor_mod(day + 3, 7);
    return weekday * kMinutesPerDay + floor_mod(local_minutes, kMinutesPerDay);
  }
  // The slice holding `unix_time_utc` (any time, before 1970 included).
  [[nodiscard]] constexpr TimeSlice slice_of(std::int64_t unix_time_utc) const noexcept {
    return TimeSlice(static_cast<std::uint32_t>(minute_of_week(unix_time_utc) / slice_minutes_));
  }
  // Local calendar day of `unix_time_utc` as days since 1970-01-01 (for "hold out a day").
  [[nodiscard]] constexpr std::int64_t local_day(std::int64_t unix_time_utc) const noexcept {
    return floor_div(floor_div(unix_time_utc, 60) + utc_offset_minutes_, kMinutesPerDay);
  }

  // Monday = 0 ... Sunday = 6.
  [[nodiscard]] constexpr std::uint32_t day_of_week(TimeSlice s) const noexcept {
    return s.value() / slices_per_day();
  }
  // Local minutes since midnight at the start of `s`.
  [[nodiscard]] constexpr std::uint32_t minute_of_day(TimeSlice s) const noexcept {
    return (s.value() % slices_per_day()) * static_cast<std::uint32_t>(slice_minutes_);
  }
  [[nodiscard]] constexpr std::uint32_t hour_of_day(TimeSlice s) const noexcept {
    return minute_of_day(s) / 60;
  }
  // Slice index within its day (0 .. slices_per_day() - 1).
  [[nodiscard]] constexpr std::uint32_t slice_of_day(TimeSlice s) const noexcept {
    return s.value() % slices_per_day();
  }
  // The slice `k` slices after `s` (k may be negative), wrapping around the week.
  [[nodiscard]] constexpr TimeSlice advance(TimeSlice s, std::int64_t k) const noexcept {
    return TimeSlice(static_cast<std::uint32_t>(floor_mod(s.value() + k, slice_count())));
  }
  // The slice starting at local `day_of_week` (Monday = 0), `minute_of_day`.
  [[nodiscard]] constexpr TimeSlice at(std::uint32_t day_of_week,
                                       std::uint32_t minute_of_day) const noexcept {
    return TimeSlice(static_cast<std::uint32_t>((day_of_week % 7) * slices_per_day() +
                                                (minute_of_day % kMinutesPerDay) /
                                                    static_cast<std::uint32_t>(slice_minutes_)));
  }
  // Signed distance in slices from `a` to `b` along the circular week, in
  // (-slice_count()/2, slice_count()/2].
  [[nodiscard]] constexpr std::int64_t circular_distance(TimeSlice a, TimeSlice b) const noexcept {
    const std::int64_t n = slice_count();
    std::int64_t d = floor_mod(static_cast<std::int64_t>(b.value()) - a.value(), n);
    if (d > n / 2) d -= n;
    return d;
  }

  friend constexpr bool operator==(const TimeSlicing&, const TimeSlicing&) noexcept = default;

 private:
  static constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
  }
  static constexpr std::int64_t floor_mod(std::int64_t a, std::int64_t b) noexcept {
    return a - floor_div(a, b) * b;
  }
  std::int32_t slice_minutes_;
  std::int32_t utc_offset_minutes_;
};

// Days since 1970-01-01 of the civil date y-m-d (proleptic Gregorian), for parsing
// --exclude-day=YYYY-MM-DD (dk-traffic, dk-eta-eval) and GpsFilter::excluded_local_days.
// H. Hinnant's days_from_civil (detail/civil_date.hpp). constexpr.
[[nodiscard]] constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m,
                                                     unsigned d) noexcept {
  return detail::days_from_civil(y, m, d);
}

DISPATCHKIT_NAMESPACE_END
