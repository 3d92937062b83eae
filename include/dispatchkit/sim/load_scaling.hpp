// dispatchkit/sim/load_scaling.hpp: the same city under more (or less) load, or fleet.
//
//   auto busy = scale_demand(inputs, 1.5, /*seed=*/1);   // 50 % more calls
//   auto lean = scale_fleet(inputs, 0.8, /*seed=*/1);    // a fifth fewer units
//   replay_strategy(*busy, "closest_idle", oracles, "dmexclp");   // move-up under stress?
//
// scale_demand resamples the replayed calls by hour and place: every call is kept with
// probability min(X, 1), and for X > 1 it is joined by floor(X) - 1 copies plus one more
// with probability X - floor(X). A copy is the call itself (its place, response plan,
// grade, on-scene and transport times: a bootstrap of whole jobs) received at a uniform
// time within the same clock hour, so the load keeps the record's pattern over the day
// and over the city. Copies have no recorded column (the record never saw them) and no
// recorded units (as_recorded substitutes for them; ReplayCall::copy numbers them, and
// reseed_replay keeps them so). The recorded KPIs are those of the original calls kept.
// ReplayInputs::load_scale is multiplied by X (the coverage models' busy fraction follows
// it). Seeded: the same seed gives the same calls; X = 1 returns the inputs unchanged.
//
// scale_fleet keeps round(N x X) units: for X < 1 the units dropped are drawn without
// replacement (seeded), for X > 1 copies of drawn units are added at the same station
// with the same capabilities and shifts, named "<call sign>*2", "*3", ... Recorded units
// that were dropped are no longer in the fleet (kNotInFleet: as_recorded substitutes).
// ReplayInputs::load_scale is divided by X.
//
// Both return new inputs (the given ones are not touched): InvalidArgument for a factor
// that is not a positive finite number, or one that leaves no call or no unit.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/sim/event_queue.hpp"
#include "dispatchkit/sim/kpi.hpp"
#include "dispatchkit/sim/replay_inputs.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

[[nodiscard]] absl::StatusOr<ReplayInputs> scale_demand(const ReplayInputs& in, double scale,
                                                        std::uint64_t seed);
[[nodiscard]] absl::StatusOr<ReplayInputs> scale_fleet(const ReplayInputs& in, double scale,
                                                       std::uint64_t seed);

// ---------------------------------------------------------------------------------------
// Implementation.

namespace detail {
inline absl::Status check_scale(const char* what, double scale) {
  if (!(scale > 0.0) || !std::isfinite(scale) || scale > 1000.0)
    return absl::InvalidArgumentError(
        absl::StrCat(what, " scale ", scale, ": expected a positive number up to 1000"));
  return absl::OkStatus();
}
}  // namespace detail

inline absl::StatusOr<ReplayInputs> scale_demand(const ReplayInputs& in, double scale,
                                                 std::uint64_t seed) {
  DK_RETURN_IF_ERROR(detail::check_scale("demand", scale));
  if (scale == 1.0) return in;
  ReplayInputs out = in;
  out.load_scale = in.load_scale * scale;
  out.calls.clear();
  out.recorded_outcomes.clear();
  struct Entry {
    ReplayCall call;
    CallOutcome recorded;
  };
  std::vector<Entry> entries;
  const SimRandom root(seed ^ 0x6c6f61645f736361ULL);  // "load_sca": apart from service draws
  const double whole = std::floor(scale);
  for (std::size_t i = 0; i < in.calls.size(); ++i) {
    const ReplayCall& c = in.calls[i];
    SimRandom rng = root.fork(i);
    const bool keep = scale >= 1.0 || rng.uniform01() < scale;
    std::uint64_t copies = scale >= 1.0 ? static_cast<std::uint64_t>(whole) - 1 : 0;
    if (scale >= 1.0 && rng.uniform01() < scale - whole) ++copies;
    if (keep)
      entries.push_back(
          {c, i < in.recorded_outcomes.size() ? in.recorded_outcomes[i] : CallOutcome{}});
    for (std::uint64_t k = 0; k < copies; ++k) {
      ReplayCall copy = c;
      copy.copy = static_cast<std::uint32_t>(k + 1);
      // A uniform time within the call's clock hour (UTC hours: every zone in use has
      // whole- or half-hour offsets, and an hour of the UTC clock is an hour of the local
      // one for all but the few quarter-hour zones, where the pattern moves by 15 min).
      const std::int64_t received = detail::secs(c.received);
      const std::int64_t hour = received - ((received % 3600) + 3600) % 3600;
      const std::int64_t t = hour + static_cast<std::int64_t>(rng.below(3600));
      const SimDuration shift = std::chrono::seconds(t - received);
      copy.received = c.received + shift;
      copy.entered = is_set(c.entered) ? c.entered + shift : c.entered;
      copy.ready = c.ready + shift;
      copy.recorded_unit.fill(kNotInFleet);
      copy.recorded_dispatch.fill(kNoTime);
      copy.recorded_first_dispatch = kNoTime;
      copy.recorded_first_on_scene = kNoTime;
      // Its own luck for a calibrated model's turnout and drive.
      for (double& d : copy.turnout_draw) d = rng.uniform01();
      for (double& d : copy.drive_draw) d = rng.uniform01();
      CallOutcome o = pending_outcome(copy, 0);  // numbered once sorted
      entries.push_back({std::move(copy), o});
    }
  }
  if (entries.empty())
    return absl::InvalidArgumentError(
        absl::StrCat("demand scale ", scale, " keeps none of the ", in.calls.size(), " calls"));
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.call.ready != b.call.ready) return a.call.ready < b.call.ready;
    if (a.call.received != b.call.received) return a.call.received < b.call.received;
    return a.call.recorded < b.call.recorded;
  });
  std::vector<CallOutcome> originals;
  out.calls_with_record = 0;
  for (Entry& e : entries) {
    e.recorded.call = static_cast<std::uint32_t>(out.calls.size());
    // The period observed widens to the copies received before the first call.
    out.begin = std::min(out.begin, e.call.received);
    out.end = std::max(out.end, e.call.received);
    if (e.call.copy == 0) {
      originals.push_back(e.recorded);
      if (is_set(e.call.recorded_first_on_scene)) ++out.calls_with_record;
    }
    out.calls.push_back(std::move(e.call));
    out.recorded_outcomes.push_back(e.recorded);
  }
  out.recorded_kpis = compute_kpis(originals, out.recorded_usage);
  out.recorded_kpis.departures = in.recorded_kpis.departures;
  return out;
}

inline absl::StatusOr<ReplayInputs> scale_fleet(const ReplayInputs& in, double scale,
                                                std::uint64_t seed) {
  DK_RETURN_IF_ERROR(detail::check_scale("fleet", scale));
  if (scale == 1.0) return in;
  const std::size_t n = in.units.size();
  const auto target = static_cast<std::size_t>(std::llround(static_cast<double>(n) * scale));
  if (target == 0)
    return absl::InvalidArgumentError(
        absl::StrCat("fleet scale ", scale, " leaves none of the ", n, " units"));
  // A seeded order of the units (Fisher-Yates): the first ones are dropped, or copied.
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  SimRandom rng(seed ^ 0x666c6565745f7363ULL);  // "fleet_sc"
  for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  ReplayInputs out = in;
  out.load_scale = in.load_scale / scale;
  if (target < n) {
    std::vector<std::uint8_t> drop(n, 0);
    for (std::size_t i = 0; i < n - target; ++i) drop[order[i]] = 1;
    std::vector<std::uint32_t> new_index(n, kNotInFleet);
    out.units.clear();
    for (std::uint32_t u = 0; u < n; ++u)
      if (!drop[u]) {
        new_index[u] = static_cast<std::uint32_t>(out.units.size());
        out.units.push_back(in.units[u]);
      }
    for (ReplayCall& c : out.calls)
      for (std::uint32_t& u : c.recorded_unit)
        if (u != kNotInFleet) u = u < n ? new_index[u] : kNotInFleet;
    for (CallOutcome& o : out.recorded_outcomes)
      if (o.first_unit != CallOutcome::kNoUnit)
        o.first_unit = o.first_unit < n ? new_index[o.first_unit] : CallOutcome::kNoUnit;
  } else {
    for (std::size_t i = 0; i < target - n; ++i) {
      const ReplayUnit& from = in.units[order[i % n]];
      ReplayUnit copy = from;
      copy.call_sign = absl::StrCat(from.call_sign, "*", 2 + i / n);
      out.units.push_back(std::move(copy));
    }
  }
  return out;
}

DISPATCHKIT_NAMESPACE_END
