// sim/call_taking.hpp: Erlang C against its factorial definition, and the call-taker plan of
// a record (the smallest team that answers 95 % of calls within 10 s, hour by hour).
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "dispatchkit/sim/call_taking.hpp"

using namespace dispatchkit;

namespace {
// The textbook formula: C = (A^N / N! * N / (N - A)) / (sum_{k<N} A^k / k! + that), in logs.
double erlang_c_reference(int n, double a) {
  double sum = 0.0, term = 1.0;  // A^k / k!
  for (int k = 0; k < n; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double last = term * n / (n - a);
  return last / (sum + last);
}
}  // namespace

TEST_CASE("Erlang C equals its factorial definition", "[sim][call_taking]") {
  int cases = 0;
  for (int n = 1; n <= 60; ++n)
    for (double a = 0.05; a < n; a += 0.37) {
      const double h = 120.0, t = 10.0;
      const double expected = 1.0 - erlang_c_reference(n, a) * std::exp(-(n - a) * t / h);
      CHECK(erlang_c_answered_within(static_cast<std::uint32_t>(n), a, t, h) ==
            Approx(expected).epsilon(1e-9).margin(1e-12));
      ++cases;
    }
  CHECK(cases > 4000);
  // A classic worked value: 10 erlangs on 11 agents wait with probability 0.6821.
  CHECK(1.0 - erlang_c_answered_within(11, 10.0, 0.0, 180.0) == Approx(0.6821).epsilon(1e-3));
  CHECK(erlang_c_answered_within(10, 10.0, 10.0, 120.0) == 0.0);  // overloaded
  CHECK(erlang_c_answered_within(1, 0.0, 10.0, 120.0) == 1.0);    // no calls
}

TEST_CASE("call-taker plan: the smallest team per hour of the week", "[sim][call_taking]") {
  // Two weeks from Monday 2017-01-02 00:00 UTC: 30 calls every Tuesday 09:00-10:00, one call
  // every other hour.
  std::vector<SimTime> received;
  const std::int64_t monday = 1483315200;
  for (int week = 0; week < 2; ++week)
    for (int h = 0; h < 168; ++h) {
      const std::int64_t start = monday + (week * 168 + h) * 3600;
      const int calls = h == 24 + 9 ? 30 : 1;
      for (int k = 0; k < calls; ++k)
        received.push_back(sim_time_from_unix(start + k * 3600 / calls));
    }
  const CallTakingPlan p = plan_call_takers(received, TimeZone::utc(), {.handling_s = 120});
  CHECK(p.calls == received.size());
  const CallTakingHour& peak = p.by_hour_of_week[24 + 9];
  CHECK(peak.calls_per_hour == Approx(30.0));
  // 30 calls/h x 120 s = 1 erlang: the smallest N reaching 95 % within 10 s.
  CHECK(peak.answered_in_time >= 0.95);
  CHECK(erlang_c_answered_within(peak.call_takers - 1, 1.0, 10.0, 120.0) < 0.95);
  CHECK(p.by_hour_of_week[0].calls_per_hour == Approx(1.0));
  CHECK(p.peak_call_takers == peak.call_takers);
  CHECK(p.by_hour_of_week[0].call_takers <= peak.call_takers);
}
