// dispatchkit/sim/call_taking.hpp: how many call-takers each hour of the week needs so that
// 95 % of 120 / 911 calls are answered within 10 s.
//
//   CallTakingPlan p = plan_call_takers(record, record.zone,
//                                       {.handling_s = 120});
//   p.by_hour_of_week[24 + 9].call_takers;    // Tuesday 09:00-10:00
//
// The record gives the arrival rate: calls received in each local hour of the week
// (Monday 00:00 = 0 ... Sunday 23:00 = 167), divided by how many times that hour occurs in
// the period the record covers. A call-taker answers and handles one call at a time for
// `handling_s` on average (default 120 s: MPDS-style interrogation of an emergency call
// takes about 1.5-2.5 minutes; a centre measures its own and passes it). Calls that find
// every call-taker busy wait in one queue. With Poisson arrivals (rate lambda) and
// exponential handling (mean h), that is the M/M/N queue of Erlang's C formula: with
// offered load A = lambda h and N > A call-takers,
//     P(wait) = C(N, A) = N B / (N - A (1 - B)),   B = Erlang B(N, A),
//     P(answered within t) = 1 - C(N, A) exp(-(N - A) t / h),
// and the plan is the smallest N whose answer share reaches `service_level` (0.95) for
// t = `answer_s` (10 s). Erlang B comes from its stable recursion B(0) = 1,
// B(n) = A B(n-1) / (n + A B(n-1)). This is the standard call-centre staffing model (e.g.
// Gans, Koole, Mandelbaum, "Telephone call centers", M&SOM 5(2), 2003); it ignores
// abandonment and the peaks inside an hour, so it is a floor, not a roster.
//
// The San Francisco export has no answer times, so this is what the record allows: the
// staffing that the measured arrivals need, not a check of the centre's answers.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/sim/local_time.hpp"
#include "dispatchkit/sim/recorded_calls.hpp"
#include "dispatchkit/triage/time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct CallTakingOptions {
  double handling_s = 120.0;    // mean time a call-taker spends on one call
  double answer_s = 10.0;       // answer target
  double service_level = 0.95;  // share of calls to answer within answer_s
};

struct CallTakingHour {
  double calls_per_hour = 0.0;
  std::uint32_t call_takers = 0;  // the smallest N that meets the service level
  double answered_in_time = 1.0;  // the share N achieves
};

struct CallTakingPlan {
  CallTakingOptions options;
  std::uint64_t calls = 0;                          // calls counted
  std::array<CallTakingHour, 168> by_hour_of_week;  // [0] = Monday 00:00-01:00 local
  std::uint32_t peak_call_takers = 0;
};

// Share of calls answered within `answer_s` with `n` call-takers, offered load `a` erlangs
// (0 when n <= a: the queue grows without bound).
[[nodiscard]] inline double erlang_c_answered_within(std::uint32_t n, double a, double answer_s,
                                                     double handling_s) noexcept {
  if (a <= 0.0) return 1.0;
  if (static_cast<double>(n) <= a) return 0.0;
  double b = 1.0;
  for (std::uint32_t k = 1; k <= n; ++k) b = a * b / (k + a * b);
  const double nd = static_cast<double>(n);
  const double c = nd * b / (nd - a * (1.0 - b));
  return 1.0 - c * std::exp(-(nd - a) * answer_s / handling_s);
}

// Received times -> the plan (see the banner); `zone` gives the local hour of week, the
// period is [first received, last received].
[[nodiscard]] inline CallTakingPlan plan_call_takers(std::span<const SimTime> received,
                                                     const TimeZone& zone,
                                                     const CallTakingOptions& options = {}) {
  CallTakingPlan p;
  p.options = options;
  std::array<double, 168> count{};
  std::int64_t first = 0, last = 0;
  for (const SimTime t : received) {
    if (!is_set(t)) continue;
    const std::int64_t local = to_unix_seconds(t) + utc_offset_at(t, zone);
    const std::int64_t hour = detail::floor_div(local, 3600);
    // 1970-01-01 00:00 was a Thursday: Monday-based hour of week = (hour + 72) mod 168.
    count[static_cast<std::size_t>(((hour + 72) % 168 + 168) % 168)] += 1.0;
    if (p.calls == 0 || hour < first) first = hour;
    if (p.calls == 0 || hour > last) last = hour;
    ++p.calls;
  }
  // How often each hour of the week occurs in [first, last] (whole local hours).
  std::array<double, 168> seen{};
  if (p.calls != 0)
    for (std::int64_t h = first; h <= last; ++h)
      seen[static_cast<std::size_t>(((h + 72) % 168 + 168) % 168)] += 1.0;
  for (std::size_t h = 0; h < 168; ++h) {
    CallTakingHour& out = p.by_hour_of_week[h];
    out.calls_per_hour = seen[h] > 0 ? count[h] / seen[h] : 0.0;
    const double a = out.calls_per_hour * options.handling_s / 3600.0;
    std::uint32_t n = 1;
    double share = erlang_c_answered_within(n, a, options.answer_s, options.handling_s);
    while (share < options.service_level && n < 100000) {
      ++n;
      share = erlang_c_answered_within(n, a, options.answer_s, options.handling_s);
    }
    out.call_takers = n;
    out.answered_in_time = share;
    p.peak_call_takers = std::max(p.peak_call_takers, n);
  }
  return p;
}

// The same over every call of a record.
[[nodiscard]] inline CallTakingPlan plan_call_takers(const RecordedCalls& record,
                                                     const TimeZone& zone,
                                                     const CallTakingOptions& options = {}) {
  std::vector<SimTime> received;
  received.reserve(record.calls.size());
  for (const RecordedCall& c : record.calls) received.push_back(c.received);
  return plan_call_takers(received, zone, options);
}

DISPATCHKIT_NAMESPACE_END
