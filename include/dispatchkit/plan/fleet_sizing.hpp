// dispatchkit/plan/fleet_sizing.hpp: how many ambulances each station needs, hour by hour.
//
//   double lost = erlang_b(4, 2.5);                       // 0.150: share of calls finding 4 busy
//   std::optional<std::uint32_t> c = units_needed(2.5, 0.05);        // 6
//   FleetRecordCalls kept = fleet_record_calls(record);   // the ambulance calls, as demand
//   PlacedDemand placed = *place_demand(kept.demand, snapper);
//   std::vector<PointCoverage> best = best_two(site_times(ch, graph, stations, placed.positions));
//   std::vector<FleetCall> calls = first_due_calls(record, kept, placed, best, 8.0);
//   absl::StatusOr<BusyTime> busy = measure_busy_time(record, kept.calls);
//   absl::StatusOr<FleetSizing> f = size_fleet(
//       calls, stations.size(),
//       {.threshold = 0.05, .days = kept.days, .service_minutes = busy->minutes_per_call});
//   f->stations[s].hours[h].units;    // ambulances station s needs at hour h
//   f->stations[s].units;             // its complement: the most over the day
//   PopulationRule r = *population_rule(870'000);          // ceil(870,000 / 30,000) = 29
//
// The model. Each call goes to its first-due station, the one with the shortest road time
// to it (plan/coverage.hpp: site_times and best_two). Each station area at each hour of the
// day is an M/G/c/c loss system: calls arrive as a Poisson stream of rate lambda (the calls
// of that area in that local hour, divided by the days of the record), each holds one unit
// for a busy time of mean 1/mu (dispatch to available again), and a call that finds all c
// units busy is "lost" to the area: no unit of its own station is free and a farther one
// must come, which is what "no unit within target" means in practice. The offered load is
// a = lambda / mu Erlangs, and the share of calls lost is Erlang's loss formula
//   B(c, a) = (a^c / c!) / sum_{k=0..c} a^k / k!
// (A. K. Erlang, "Solution of some problems in the theory of probabilities of significance
// in automatic telephone exchanges", Elektroteknikeren 13, 1917). B depends on the busy
// time only through its mean (the insensitivity of the loss system: B. A. Sevastyanov,
// Theory Probab. Appl. 2, 1957), so the skewed, long-tailed busy times of ambulances
// (transport and hospital handover) need no distribution fit. units_needed(a, q) is the
// smallest c with B(c, a) <= q; a station's complement is the most it needs at any hour,
// the city's fleet at an hour the sum over stations.
//
// What the model leaves out. It treats every station area alone: a call lost to its area is
// in reality answered by a neighbour's free unit (later than target, or not), and the
// neighbour is then busier. Ignoring that backup makes the per-station counts conservative
// (enough for the first-due area on its own) and says nothing about second-due coverage.
// The hypercube queueing model (R. C. Larson, "A hypercube queuing model for facility
// location and redistricting in urban emergency services", Computers & Operations Research
// 1(1), 1974; approximated in "Approximating the performance of urban emergency service
// systems", Operations Research 23(5), 1975) captures that cooperation and is left out; so
// are queued calls (Erlang C, erlang_c below, is the share that would wait if calls queued
// instead), batches (a call that takes two ambulances is counted as twice the unit-hours,
// not as a pair arriving together) and the hour-to-hour carry-over of busy units (each hour
// is taken in steady state). The city-wide pooled count (one loss system for all calls)
// is the opposite bound: full cooperation, no travel.
//
// Busy time: from the record (measure_busy_time), the mean over ambulance responses with
// both a dispatch and an available stamp (the mean, not the median: B depends on the mean
// only, and the median of a right-skewed busy time understates the load), times the
// ambulances sent per call; or a figure the caller gives.
//
// A call whose first-due station is beyond the target minutes is not helped by any number
// of units there: FleetSizing::beyond_target counts those, a siting question (plan/siting.hpp).
//
// The population rule: city EMS plans size the fleet at one ambulance per 30,000
// residents; population_rule gives ceil(population / residents_per_unit) to set beside it.
//
// Complexity: erlang_b is O(servers), units_needed O(result); size_fleet O(calls + 24 x
// stations x units). Thread safety: pure functions.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/plan/coverage.hpp"
#include "dispatchkit/plan/demand.hpp"
#include "dispatchkit/sim/call_record.hpp"
#include "dispatchkit/sim/local_time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// Erlang B: the share of calls that find all `servers` busy when `offered_load` Erlangs
// are offered to a loss system. By the recursion B(0) = 1, B(c) = a B(c-1) / (c + a B(c-1)):
// every term is positive and at most 1, so it neither overflows nor cancels (the closed
// form's a^c / c! overflows a double from c = 171). B(0, a) = 1; B(c >= 1, 0) = 0; an
// infinite load gives 1; a NaN or negative load gives NaN (no value is right; the caller
// checks with std::isnan). O(servers); noexcept, no allocation.
[[nodiscard]] double erlang_b(std::uint32_t servers, double offered_load) noexcept;

// Erlang C: the share of calls that would wait if calls queued for the `servers` instead of
// being lost, C = c B / (c - a (1 - B)); 1 when a >= c (the queue grows without end);
// NaN for a NaN or negative load, as erlang_b.
[[nodiscard]] double erlang_c(std::uint32_t servers, double offered_load) noexcept;

// The largest load units_needed accepts: a million Erlangs (a million ambulances busy at
// once) is beyond any city; above it the count would take a second to find.
inline constexpr double kMaxOfferedLoad = 1e6;

// The fewest units c with erlang_b(c, offered_load) <= threshold: 0 for a load of 0 (an
// hour without calls needs no unit), at least 1 for any positive load. nullopt when the
// load is NaN, negative, infinite or above kMaxOfferedLoad, or the threshold is not in
// (0, 1). Increasing in the load, decreasing in the threshold. O(result); noexcept.
[[nodiscard]] std::optional<std::uint32_t> units_needed(double offered_load,
                                                        double threshold) noexcept;

// One call of the record, as fleet sizing sees it.
struct FleetCall {
  static constexpr std::uint32_t kNoStation = PointCoverage::kNoSite;
  std::uint32_t station = kNoStation;  // first-due station (nearest by road); none reaches it
  std::uint8_t hour = 0;               // local hour of day it was received, 0..23
  bool beyond_target = false;          // its first-due station is beyond the target (or none)
};

struct FleetSizingOptions {
  double threshold = 0.05;     // the largest acceptable share of calls finding every unit busy
  double days = 0;             // days the calls cover: rates are calls / days per hour of day
  double service_minutes = 0;  // mean unit-minutes busy per call (BusyTime::minutes_per_call)
};

// One station at one hour of the day.
struct StationHour {
  std::uint32_t calls = 0;    // in the record, at this hour of any day
  double calls_per_hour = 0;  // lambda = calls / days
  double load_erlangs = 0;    // a = lambda x busy hours per call
  std::uint32_t units = 0;    // units_needed(a, threshold)
  double blocking = 0;        // erlang_b(units, a); 0 when there is no load
};

struct StationFleet {
  std::array<StationHour, 24> hours{};
  std::uint32_t calls = 0;          // first-due calls of the station
  std::uint32_t beyond_target = 0;  // of which its time is beyond the target
  double peak_load = 0;             // the largest load over the hours
  std::uint32_t peak_hour = 0;      // its hour (the first on a tie)
  std::uint32_t units = 0;          // the most units over the hours: the station's complement
};

// The city at one hour of the day.
struct CityHour {
  double calls_per_hour = 0;
  double load_erlangs = 0;         // sum over stations
  std::uint32_t units = 0;         // sum of the stations' units at this hour
  std::uint32_t pooled_units = 0;  // units_needed(city load): one pool, no travel (a bound)
};

struct FleetSizing {
  FleetSizingOptions options;
  std::vector<StationFleet> stations;
  std::array<CityHour, 24> city{};
  std::uint32_t calls = 0;          // all calls given
  std::uint32_t assigned = 0;       // with a first-due station (in the table)
  std::uint32_t unreachable = 0;    // no station reaches them (not in the table)
  std::uint32_t beyond_target = 0;  // first-due beyond the target, or unreachable
  double beyond_target_share = 0;   // beyond_target / calls
  std::uint32_t complement = 0;     // sum of the stations' complements
  std::uint32_t peak_hour = 0;      // the city hour of largest load (first on a tie)
  double peak_load = 0;             // its load
  std::uint32_t peak_units = 0;     // the most units over the hours (sum over stations)
  std::uint32_t peak_units_hour = 0;
  double mean_load = 0;  // the mean city load over the day
};

// The station x hour table. InvalidArgument when `calls` is empty, no call has a station,
// the threshold is not in (0, 1), days or service minutes are not finite and > 0, or a
// load exceeds kMaxOfferedLoad; OutOfRange when a call's station is not below `stations`
// (and not kNoStation) or its hour is above 23.
[[nodiscard]] absl::StatusOr<FleetSizing> size_fleet(std::span<const FleetCall> calls,
                                                     std::size_t stations,
                                                     const FleetSizingOptions& options);

// The calls of a record that an ambulance fleet serves: those with an ambulance response,
// and those without any unit recorded (demand to serve: a generated or timeline call). A
// call only engines, chiefs or other units answered is left out (counted), as is one
// without a location.
struct FleetRecordCalls {
  std::vector<std::uint32_t> calls;  // indices into RecordedCalls::calls, in record order
  Demand demand;                     // one point per kept call, same order
  std::uint32_t without_ambulance = 0;
  std::uint32_t without_location = 0;
  // Local calendar days from the first kept call to the last, inclusive (a record cut in
  // mid-day counts that day whole, so rates come out slightly low there).
  double days = 0;
};
[[nodiscard]] FleetRecordCalls fleet_record_calls(const RecordedCalls& record);

// Each placed call with its first-due station (best[i].best_site for placed point i), its
// local hour in the record's zone, and whether that station's time is beyond
// `target_minutes`. Calls off the network are not in `placed` and not in the result.
[[nodiscard]] std::vector<FleetCall> first_due_calls(const RecordedCalls& record,
                                                     const FleetRecordCalls& kept,
                                                     const PlacedDemand& placed,
                                                     std::span<const PointCoverage> best,
                                                     double target_minutes);

// A busy time measured on the record.
struct BusyTime {
  double mean_minutes = 0;         // mean dispatch -> available over the responses used
  double median_minutes = 0;       // reported beside it, not used
  std::uint32_t responses = 0;     // ambulance responses with both stamps
  std::uint32_t over_limit = 0;    // left out: busy longer than the limit (stamp errors)
  double ambulances_per_call = 1;  // ambulances dispatched per call that had one
  double minutes_per_call = 0;     // mean_minutes x ambulances_per_call: the load per call
};

// Busy unit-minutes per call from the ambulance responses of `calls` (indices into
// record.calls): dispatch to available, each response that has both, leaving out those
// longer than `limit_hours` (a unit left "on scene" overnight is a stamp error, not work).
// InvalidArgument naming the file when no response has both stamps ("... give the busy
// time per call instead (--service-minutes=M)").
[[nodiscard]] absl::StatusOr<BusyTime> measure_busy_time(const RecordedCalls& record,
                                                         std::span<const std::uint32_t> calls,
                                                         double limit_hours = 24);

// What the record shows of today's fleet, to set beside the model's counts.
struct RecordedFleetUse {
  std::uint32_t ambulances = 0;  // distinct ambulances that appear in the record
  std::uint32_t peak_busy = 0;   // the most busy (dispatch -> available) at one instant
  SimTime peak_at = kNoTime;     // the first such instant
  double mean_busy = 0;          // busy unit-hours / hours from first dispatch to last free
};
[[nodiscard]] RecordedFleetUse recorded_fleet_use(const RecordedCalls& record,
                                                  double limit_hours = 24);

// The planners' rule: ceil(population / residents_per_unit) ambulances.
struct PopulationRule {
  double population = 0;
  double residents_per_unit = 30000;
  std::uint32_t units = 0;
};
// InvalidArgument when the population is not finite and >= 0 or residents_per_unit is not
// finite and > 0.
[[nodiscard]] absl::StatusOr<PopulationRule> population_rule(double population,
                                                             double residents_per_unit = 30000);

// ---------------------------------------------------------------------------------------
// Implementation.

inline double erlang_b(std::uint32_t servers, double offered_load) noexcept {
  const double a = offered_load;
  if (std::isnan(a) || a < 0) return std::numeric_limits<double>::quiet_NaN();
  if (servers == 0) return 1.0;
  if (a == 0) return 0.0;
  if (std::isinf(a)) return 1.0;
  double b = 1.0;
  for (std::uint32_t c = 1; c <= servers; ++c) {
    const double ab = a * b;
    b = ab / (static_cast<double>(c) + ab);
    if (b == 0) break;  // underflowed: every later term is 0 as well
  }
  return b;
}

inline double erlang_c(std::uint32_t servers, double offered_load) noexcept {
  const double a = offered_load;
  if (std::isnan(a) || a < 0) return std::numeric_limits<double>::quiet_NaN();
  if (a == 0) return servers == 0 ? 1.0 : 0.0;
  const double c = servers;
  if (a >= c) return 1.0;
  const double b = erlang_b(servers, a);
  return c * b / (c - a * (1 - b));
}

inline std::optional<std::uint32_t> units_needed(double offered_load, double threshold) noexcept {
  const double a = offered_load;
  if (!(a >= 0) || !(a <= kMaxOfferedLoad) || !(threshold > 0 && threshold < 1))
    return std::nullopt;
  if (a == 0) return 0u;
  // The erlang_b recursion, stopped at the first c that meets the threshold. It ends: B
  // falls to 0 as c grows (below 1e-300 by c = a + 40 sqrt(a) + 200 at the latest).
  double b = 1.0;
  for (std::uint32_t c = 1;; ++c) {
    const double ab = a * b;
    b = ab / (static_cast<double>(c) + ab);
    if (b <= threshold) return c;
  }
}

inline absl::StatusOr<FleetSizing> size_fleet(std::span<const FleetCall> calls,
                                              std::size_t stations,
                                              const FleetSizingOptions& options) {
  const double q = options.threshold, days = options.days, service = options.service_minutes;
  if (!(q > 0 && q < 1))
    return absl::InvalidArgumentError(absl::StrCat(
        "fleet sizing: threshold ", q,
        " is not in (0, 1) (the largest acceptable share of calls finding every unit busy)"));
  if (!(days > 0 && std::isfinite(days)))
    return absl::InvalidArgumentError(
        absl::StrCat("fleet sizing: days ", days, " is not a finite number > 0"));
  if (!(service > 0 && std::isfinite(service)))
    return absl::InvalidArgumentError(
        absl::StrCat("fleet sizing: service minutes ", service,
                     " is not a finite number > 0 (the mean time a call keeps a unit busy)"));
  if (calls.empty())
    return absl::InvalidArgumentError("fleet sizing: no calls (expected the calls of a record)");
  FleetSizing f;
  f.options = options;
  f.stations.resize(stations);
  f.calls = static_cast<std::uint32_t>(calls.size());
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const FleetCall& c = calls[i];
    if (c.hour > 23)
      return absl::OutOfRangeError(
          absl::StrCat("fleet sizing: call ", i, " has hour ", c.hour, " (expected 0..23)"));
    if (c.beyond_target || c.station == FleetCall::kNoStation) ++f.beyond_target;
    if (c.station == FleetCall::kNoStation) {
      ++f.unreachable;
      continue;
    }
    if (c.station >= stations)
      return absl::OutOfRangeError(absl::StrCat("fleet sizing: call ", i, " has station ",
                                                c.station, " (expected below ", stations, ")"));
    StationFleet& s = f.stations[c.station];
    ++s.calls;
    s.beyond_target += c.beyond_target;
    ++s.hours[c.hour].calls;
    ++f.assigned;
  }
  if (f.assigned == 0)
    return absl::InvalidArgumentError(
        absl::StrCat("fleet sizing: none of the ", calls.size(), " calls is reached by a station"));
  f.beyond_target_share = static_cast<double>(f.beyond_target) / static_cast<double>(f.calls);
  const double busy_hours = service / 60.0;
  for (StationFleet& s : f.stations) {
    for (std::uint32_t h = 0; h < 24; ++h) {
      StationHour& sh = s.hours[h];
      sh.calls_per_hour = sh.calls / days;
      sh.load_erlangs = sh.calls_per_hour * busy_hours;
      const std::optional<std::uint32_t> units = units_needed(sh.load_erlangs, q);
      if (!units)
        return absl::InvalidArgumentError(absl::StrCat("fleet sizing: a load of ", sh.load_erlangs,
                                                       " Erlangs is above the ", kMaxOfferedLoad,
                                                       " the model takes"));
      sh.units = *units;
      sh.blocking = sh.load_erlangs > 0 ? erlang_b(sh.units, sh.load_erlangs) : 0.0;
      if (sh.load_erlangs > s.peak_load) {
        s.peak_load = sh.load_erlangs;
        s.peak_hour = h;
      }
      s.units = std::max(s.units, sh.units);
      CityHour& city = f.city[h];
      city.calls_per_hour += sh.calls_per_hour;
      city.load_erlangs += sh.load_erlangs;
      city.units += sh.units;
    }
    f.complement += s.units;
  }
  for (std::uint32_t h = 0; h < 24; ++h) {
    CityHour& city = f.city[h];
    city.pooled_units = units_needed(city.load_erlangs, q).value_or(0);
    f.mean_load += city.load_erlangs / 24.0;
    if (city.load_erlangs > f.peak_load) {
      f.peak_load = city.load_erlangs;
      f.peak_hour = h;
    }
    if (city.units > f.peak_units) {
      f.peak_units = city.units;
      f.peak_units_hour = h;
    }
  }
  return f;
}

inline FleetRecordCalls fleet_record_calls(const RecordedCalls& record) {
  FleetRecordCalls out;
  out.demand.source = absl::StrCat(record.report.path, " (ambulance calls)");
  std::int64_t first_day = 0, last_day = 0;
  bool any = false;
  for (std::uint32_t i = 0; i < record.calls.size(); ++i) {
    const RecordedCall& c = record.calls[i];
    if (!c.responses.empty() && !c.any_ambulance()) {
      ++out.without_ambulance;
      continue;
    }
    if (!c.location.is_valid() || !is_set(c.received)) {
      ++out.without_location;
      continue;
    }
    out.calls.push_back(i);
    DemandLocation p{.location = c.location};
    if (!c.neighbourhood.empty()) p.district = out.demand.district_index(c.neighbourhood);
    out.demand.points.push_back(p);
    const std::int64_t day = local_day(c.received, record.zone);
    first_day = any ? std::min(first_day, day) : day;
    last_day = any ? std::max(last_day, day) : day;
    any = true;
  }
  out.days = any ? static_cast<double>(last_day - first_day + 1) : 0.0;
  return out;
}

inline std::vector<FleetCall> first_due_calls(const RecordedCalls& record,
                                              const FleetRecordCalls& kept,
                                              const PlacedDemand& placed,
                                              std::span<const PointCoverage> best,
                                              double target_minutes) {
  std::vector<FleetCall> out;
  out.reserve(placed.size());
  const double limit_ds = target_minutes * 600.0;
  for (std::size_t i = 0; i < placed.size() && i < best.size(); ++i) {
    const RecordedCall& c = record.calls[kept.calls[placed.source_index[i]]];
    FleetCall f;
    f.station = best[i].best_site;
    f.hour = static_cast<std::uint8_t>(local_hour(c.received, record.zone));
    f.beyond_target = best[i].best == kInfWeight || static_cast<double>(best[i].best) > limit_ds;
    out.push_back(f);
  }
  return out;
}

namespace detail {
// The busy seconds of an ambulance response, or -1 when a stamp is missing or the time is
// above `limit_s`; `over` counts the latter.
[[nodiscard]] inline double ambulance_busy_s(const RecordedResponse& r, double limit_s,
                                             std::uint32_t& over) noexcept {
  if (r.kind != RecordedUnitKind::kAmbulance || !is_set(r.dispatched) || !is_set(r.available))
    return -1;
  const double s = static_cast<double>((r.available - r.dispatched).count());
  if (s > limit_s) {
    ++over;
    return -1;
  }
  return s;
}
}  // namespace detail

inline absl::StatusOr<BusyTime> measure_busy_time(const RecordedCalls& record,
                                                  std::span<const std::uint32_t> calls,
                                                  double limit_hours) {
  BusyTime t;
  std::vector<double> minutes;
  std::uint64_t dispatched = 0, calls_with_ambulance = 0;
  for (std::uint32_t i : calls) {
    if (i >= record.calls.size()) continue;
    std::uint32_t sent = 0;
    for (const RecordedResponse& r : record.calls[i].responses) {
      if (r.kind != RecordedUnitKind::kAmbulance || !is_set(r.dispatched)) continue;
      ++sent;
      const double s = detail::ambulance_busy_s(r, limit_hours * 3600.0, t.over_limit);
      if (s >= 0) minutes.push_back(s / 60.0);
    }
    dispatched += sent;
    calls_with_ambulance += sent > 0;
  }
  if (minutes.empty())
    return absl::InvalidArgumentError(absl::StrCat(
        record.report.path,
        ": no ambulance response has both a dispatch and an available time, so the busy time "
        "per call cannot be measured; give the busy time per call instead "
        "(--service-minutes=M)"));
  t.responses = static_cast<std::uint32_t>(minutes.size());
  double sum = 0;
  for (double m : minutes) sum += m;
  t.mean_minutes = sum / static_cast<double>(minutes.size());
  std::sort(minutes.begin(), minutes.end());
  const std::size_t n = minutes.size();
  t.median_minutes = n % 2 == 1 ? minutes[n / 2] : (minutes[n / 2 - 1] + minutes[n / 2]) / 2;
  t.ambulances_per_call = calls_with_ambulance > 0 ? static_cast<double>(dispatched) /
                                                         static_cast<double>(calls_with_ambulance)
                                                   : 1.0;
  t.minutes_per_call = t.mean_minutes * t.ambulances_per_call;
  return t;
}

inline RecordedFleetUse recorded_fleet_use(const RecordedCalls& record, double limit_hours) {
  RecordedFleetUse u;
  std::vector<std::uint8_t> seen(record.unit_names.size(), 0);
  // +1 at dispatch, -1 at available; at one instant the ends go first, so back-to-back
  // responses of one unit do not count it twice.
  std::vector<std::pair<SimTime, int>> events;
  std::uint32_t over = 0;
  double busy_s = 0;
  for (const RecordedCall& c : record.calls)
    for (const RecordedResponse& r : c.responses) {
      if (r.kind != RecordedUnitKind::kAmbulance) continue;
      if (r.unit < seen.size() && !seen[r.unit]) {
        seen[r.unit] = 1;
        ++u.ambulances;
      }
      const double s = detail::ambulance_busy_s(r, limit_hours * 3600.0, over);
      if (s < 0) continue;
      events.emplace_back(r.dispatched, +1);
      events.emplace_back(r.available, -1);
      busy_s += s;
    }
  std::sort(events.begin(), events.end());
  std::int64_t busy = 0;
  for (const auto& [t, d] : events) {
    busy += d;
    if (busy > static_cast<std::int64_t>(u.peak_busy)) {
      u.peak_busy = static_cast<std::uint32_t>(busy);
      u.peak_at = t;
    }
  }
  if (events.size() >= 2) {
    const double span_s = static_cast<double>((events.back().first - events.front().first).count());
    u.mean_busy = span_s > 0 ? busy_s / span_s : 0.0;
  }
  return u;
}

inline absl::StatusOr<PopulationRule> population_rule(double population,
                                                      double residents_per_unit) {
  if (!(population >= 0 && std::isfinite(population)))
    return absl::InvalidArgumentError(
        absl::StrCat("population rule: population ", population, " is not a finite number >= 0"));
  if (!(residents_per_unit > 0 && std::isfinite(residents_per_unit)))
    return absl::InvalidArgumentError(absl::StrCat("population rule: residents per unit ",
                                                   residents_per_unit, " is not a number > 0"));
  PopulationRule r{population, residents_per_unit, 0};
  r.units = static_cast<std::uint32_t>(
      std::min(std::ceil(population / residents_per_unit), double{UINT32_MAX}));
  return r;
}

DISPATCHKIT_NAMESPACE_END
