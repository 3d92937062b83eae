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

// The range a queue keeps its numbers in, so that no sum it forms can overflow int64:
// every stamped clock lies within kClockLimit of the epoch (2^61 s, about 73 billion
// years) and every target, allowed wait or window is at most kMaxTargetDuration (2^60 s).
// Then received + target - stamp stays below 2^63. TriageQueue::push refuses a call and
// TriageQueue::restore a snapshot outside it; ServiceTargets clamps into it.
inline constexpr SimDuration kClockLimit = SimDuration(std::int64_t{1} << 61);
inline constexpr SimDuration kMaxTargetDuration = SimDuration(std::int64_t{1} << 60);
[[nodiscard]] constexpr bool within_clock_limit(SimTime t) noexcept {
  const std::int64_t s = to_unix_seconds(t);
  return s > -kClockLimit.count() && s < kClockLimit.count();
}
// `t` moved into the clock range: what a queue stamps when given a `now` beyond it, so that
// every snapshot it writes restores.
[[nodiscard]] constexpr SimTime clamp_to_clock_limit(SimTime t) noexcept {
  const std::int64_t limit = kClockLimit.count() - 1, s = to_unix_seconds(t);
  return sim_time_from_unix(s < -limit ? -limit : (s > limit ? limit : s));
}
[[nodiscard]] constexpr bool within_target_limit(SimDuration d) noexcept {
  return d >= SimDuration::zero() && d <= kMaxTargetDuration;
}

DISPATCHKIT_NAMESPACE_END
