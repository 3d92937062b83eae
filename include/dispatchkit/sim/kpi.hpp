// dispatchkit/sim/kpi.hpp: the figures a dispatch centre is judged by, per grade and overall.
//
//   std::vector<CallOutcome> outcomes = ...;        // from the record or from a replay
//   UnitUsage usage{.busy_seconds = 1.2e6, .on_duty_seconds = 4.8e6};
//   KpiReport k = compute_kpis(outcomes, usage);
//   k.overall.response.median_s;  k.by_grade[0].within_8min;   // grade I
//
// Recorded and simulated KPIs are computed by THIS code from the same CallOutcome record,
// so a difference between the two columns of a report is a difference in what happened,
// never in how it was counted.
//
// Definitions (all times in seconds):
//  - dispatch delay = first ambulance dispatched - call received; dispatch_within_3min is
//    the share of dispatched calls with delay <= 180 s (calls never dispatched count
//    against it).
//  - response time = first ambulance on scene - call received. Mean, median and 90th
//    percentile over calls reached; within_8min = share of ALL calls reached within 480
//    s; late_fraction = share of ALL calls not reached within their own target (of their
//    grade and area class; never reached = late); within_target = 1 - late_fraction.
//  - departures (KpiReport::departures): every unit dispatched, rolling within 180 s of
//    its dispatch order or not (the record's dispatch and response stamps; the replay's
//    simulated turnout).
//  - wait = first dispatch - ready, where ready is when the call could have been
//    dispatched: CAD entry + the recorded decision time capped at a minute (replay.hpp),
//    the same instant for both columns: time spent waiting for a free unit.
//  - utilisation = busy unit-seconds / on-duty unit-seconds; busy = dispatched until
//    available again (the record's "Available" stamp; the start of the drive home in a
//    replay).
// Percentiles use the nearest-rank definition (the ceil(p n)-th smallest value), which is
// exact, needs no interpolation and is what most EMS performance reports quote; it is the
// library's one definition (detail/statistics.hpp), shared with the ETA evaluations.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/statistics.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/triage/time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// What happened to one call: the common record of recorded and simulated runs.
struct CallOutcome {
  std::uint32_t call = 0;  // index into the replayed call list
  PriorityGrade grade = PriorityGrade::kII;
  LatLon location;
  SimTime received = kNoTime;
  SimTime ready = kNoTime;             // could be dispatched from here on (kNoTime: unknown)
  SimTime first_dispatch = kNoTime;    // first ambulance assigned (kNoTime: never)
  SimTime first_on_scene = kNoTime;    // first ambulance on scene (kNoTime: never)
  std::int32_t target_s = 480;         // response-time target of the call's grade and area
  AreaClass area = AreaClass::kUrban;  // the area class of the call's location
  // The first ambulance sent (index into ReplayInputs::units; kNoUnit: none or unknown)
  // and the ETA the decision was taken on: turnout plus the oracle's drive, before any
  // calibrated model (-1: none).
  static constexpr std::uint32_t kNoUnit = UINT32_MAX;
  std::uint32_t first_unit = kNoUnit;
  std::int32_t predicted_eta_s = -1;

  [[nodiscard]] bool reached() const noexcept { return is_set(first_on_scene); }
  [[nodiscard]] std::int64_t response_s() const noexcept {
    return to_unix_seconds(first_on_scene) - to_unix_seconds(received);
  }
};

// Busy time of the fleet over the observed period.
struct UnitUsage {
  double busy_seconds = 0.0;
  double on_duty_seconds = 0.0;
};

// Mean / median / 90th percentile of a set of durations (seconds); zero when empty.
struct DurationStats {
  std::uint64_t count = 0;
  double mean_s = 0.0;
  double median_s = 0.0;
  double p90_s = 0.0;
};

struct KpiSet {
  std::uint64_t calls = 0;
  DurationStats dispatch_delay;
  double dispatch_within_3min = 0.0;  // share of all calls
  DurationStats response;             // over calls reached
  double within_8min = 0.0;           // share of all calls
  double late_fraction = 0.0;         // share of all calls beyond their target or never reached
  double within_target = 0.0;         // share of all calls reached within their own target
  std::uint64_t never_reached = 0;
  DurationStats wait;         // over calls with a known ready time and a dispatch
  double wait_total_h = 0.0;  // hours all calls spent waiting for a unit
};

// Units dispatched, and those rolling within 180 s of the dispatch order: the quality
// indicator of the Chinese 120 plans (dispatch order -> ambulance leaving), which counts
// every unit sent, not every call.
struct DepartureCount {
  std::uint64_t units = 0;
  std::uint64_t within_3min = 0;
  void add(double turnout_s) noexcept {
    ++units;
    within_3min += turnout_s <= 180.0;
  }
  [[nodiscard]] double share() const noexcept {
    return units == 0 ? 0.0 : static_cast<double>(within_3min) / static_cast<double>(units);
  }
};

struct KpiReport {
  KpiSet overall;
  std::array<KpiSet, 4> by_grade{};       // [0] = grade I ... [3] = grade IV
  std::array<KpiSet, 3> by_area_class{};  // [AreaClass]: urban, rural, mountain/island
  double utilisation = 0.0;               // fleet-wide
  DepartureCount departures;              // set by the replay / the recorded column
};

// Nearest-rank percentile of a sorted sample, p in (0, 1] (0 when empty): the library's
// one definition, detail/statistics.hpp.
using detail::nearest_rank;

// Stats of `values` (sorted in place). O(n log n).
[[nodiscard]] inline DurationStats duration_stats(std::vector<double>& values) {
  DurationStats s;
  s.count = values.size();
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  s.mean_s = detail::mean(values);  // summed in sorted order, as report.json always was
  s.median_s = nearest_rank(values, 0.5);
  s.p90_s = nearest_rank(values, 0.9);
  return s;
}

namespace detail {

// The KPIs of the calls in `outcomes` that `keep` accepts.
template <class Keep>
KpiSet kpi_set_of(std::span<const CallOutcome> outcomes, Keep&& keep) {
  KpiSet k;
  std::vector<double> delay, response, wait;
  std::uint64_t in3 = 0, in8 = 0, late = 0;
  double wait_total = 0.0;
  for (const CallOutcome& o : outcomes) {
    if (!keep(o)) continue;
    ++k.calls;
    if (is_set(o.first_dispatch)) {
      const double d =
          static_cast<double>(to_unix_seconds(o.first_dispatch) - to_unix_seconds(o.received));
      delay.push_back(d);
      in3 += d <= 180.0;
      if (is_set(o.ready)) {
        const double w = std::max<double>(
            0.0, static_cast<double>(to_unix_seconds(o.first_dispatch) - to_unix_seconds(o.ready)));
        wait.push_back(w);
        wait_total += w;
      }
    }
    if (o.reached()) {
      const auto rt = o.response_s();
      response.push_back(static_cast<double>(rt));
      in8 += rt <= 480;
      late += rt > o.target_s;
    } else {
      ++k.never_reached;
      ++late;
    }
  }
  k.dispatch_delay = duration_stats(delay);
  k.response = duration_stats(response);
  k.wait = duration_stats(wait);
  k.wait_total_h = wait_total / 3600.0;
  const double n = k.calls == 0 ? 1.0 : static_cast<double>(k.calls);
  k.dispatch_within_3min = static_cast<double>(in3) / n;
  k.within_8min = static_cast<double>(in8) / n;
  k.late_fraction = static_cast<double>(late) / n;
  k.within_target = k.calls == 0 ? 0.0 : 1.0 - k.late_fraction;
  return k;
}

}  // namespace detail

// KPIs of the calls in `outcomes` (all grades, then each grade). O(n log n).
[[nodiscard]] inline KpiReport compute_kpis(std::span<const CallOutcome> outcomes,
                                            const UnitUsage& usage) {
  KpiReport r;
  r.overall = detail::kpi_set_of(outcomes, [](const CallOutcome&) { return true; });
  for (int g = 0; g < 4; ++g)
    r.by_grade[static_cast<std::size_t>(g)] = detail::kpi_set_of(
        outcomes, [g](const CallOutcome& o) { return static_cast<int>(o.grade) == g + 1; });
  for (std::size_t a = 0; a < r.by_area_class.size(); ++a)
    r.by_area_class[a] = detail::kpi_set_of(
        outcomes, [a](const CallOutcome& o) { return static_cast<std::size_t>(o.area) == a; });
  if (usage.on_duty_seconds > 0) r.utilisation = usage.busy_seconds / usage.on_duty_seconds;
  return r;
}

// KPIs of the calls received in each local hour of day; `hour_of(received)` gives it
// (e.g. [&](SimTime t) { return local_hour(t, zone); }, sim/local_time.hpp).
template <class HourOf>
[[nodiscard]] std::array<KpiSet, 24> compute_kpis_by_hour(std::span<const CallOutcome> outcomes,
                                                          HourOf&& hour_of) {
  std::array<KpiSet, 24> by_hour{};
  for (int h = 0; h < 24; ++h)
    by_hour[static_cast<std::size_t>(h)] = detail::kpi_set_of(
        outcomes, [&](const CallOutcome& o) { return hour_of(o.received) == h; });
  return by_hour;
}

DISPATCHKIT_NAMESPACE_END
