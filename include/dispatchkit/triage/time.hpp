// dispatchkit/triage/time.hpp: the clock type of calls, queues and replays.
//
//   SimTime t = sim_time_from_unix(1483228800);          // 2017-01-01T00:00:00Z
//   SimTime due = t + std::chrono::minutes(3);            // dispatch target
//   SimDuration left = due - now;                         // negative = overdue
//   std::int64_t s = to_unix_seconds(due);
//
// A point in time is `SimTime`: whole seconds since the Unix epoch (UTC) in an int64,
// i.e. `std::chrono::sys_seconds`. Using the standard type (not a home-made integer)
// gives unit-safe arithmetic with std::chrono durations for free, and lets a live CAD
// feed `std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())`
// while a replay feeds recorded timestamps: both are the same type. Dispatch clocks are
// recorded to the second in every CAD we know, so seconds are the resolution.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>

#include "dispatchkit/config.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// A duration in whole seconds (int64).
using SimDuration = std::chrono::seconds;
// A point in time: seconds since 1970-01-01T00:00:00Z (int64).
using SimTime = std::chrono::sys_seconds;

// "Not yet": the value of a clock that has not been stamped (e.g. a call not yet
// dispatched). It compares below every real time.
inline constexpr SimTime kNoTime = SimTime(SimDuration(std::numeric_limits<std::int64_t>::min()));

[[nodiscard]] constexpr SimTime sim_time_from_unix(std::int64_t seconds) noexcept {
  return SimTime(SimDuration(seconds));
}
[[nodiscard]] constexpr std::int64_t to_unix_seconds(SimTime t) noexcept {
  return t.time_since_epoch().count();
}
[[nodiscard]] constexpr bool is_set(SimTime t) noexcept {
  return t != kNoTime;
}

DISPATCHKIT_NAMESPACE_END
