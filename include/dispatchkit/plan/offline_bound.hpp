// dispatchkit/plan/offline_bound.hpp: how few calls any dispatch policy could have left late
// on a replayed period, knowing every call in advance (the offline benchmark of Jagtenberg,
// van den Berg and van der Mei, EJOR 258 (2017) 715-725).
//
//   absl::StatusOr<OfflineModel> m = build_offline_model(inputs);   // sim/prepare_replay.hpp
//   absl::StatusOr<OfflineBound> b = solve_offline_bound(*m);       // plan/mip/ (GLPK)
//   b->late_fraction;   // no policy of the model leaves fewer of the calls late
//   // beside run_replay(...).kpis.overall.late_fraction with returning_dispatchable = false
//
// The model (the paper's home-base model, on the replay's own numbers): units wait at their
// posts; a unit is sent from its post, after the station turnout, drives the free-flow
// lights-and-sirens time, the call's last stretch, its on-scene time, the transport to the
// hospital the replay would choose and the handover, then drives home (normal driving) and
// only there is it free again: ReplayOptions::returning_dispatchable = false, no move-up,
// no preemption, no calibration (the fitted drive model is random). Shifts are the replay's:
// a unit starts calls only while on duty and finishes the one it has when its shift ends.
//
// A relaxation, so that its optimum bounds the true offline optimum from the good side:
// - a call is on time from post s only if a unit sent the moment the call is ready makes
//   its target; sent from s it is then certainly busy over [latest dispatch in time, ready
//   + its shortest possible job], the one interval every on-time job from s covers. Only
//   these intervals take a unit: late calls are left out (in truth they take units too),
//   and for a call with several ambulances only its first counts, with the shortest
//   service of its slots;
// - the units of a post are interchangeable (the shift that ends may be any unit of the
//   post on duty, idle or on a job then);
// - capability needs are ignored (any unit may take any call).
// So the late fraction it reports is a lower bound for every strategy replayed in that model
// (tests/plan/offline_bound_test.cpp checks it against replays on the SF week and on
// thousands of random small instances), and the ratio strategy / bound is the distance to
// the optimum the paper reports (closest idle 2.7 times the offline optimum there).
//
// The program: per post, a time line of idle units (a flow: units join at shift starts,
// take an arc per on-time job, rejoin at its end); an ending shift takes a unit idle at its
// end or one busy then, which leaves when that job is done; each call is on time from at
// most one post. Maximise the calls on time. Its LP relaxation is a bound too; the integer
// program (branch and cut, with a time limit) gives a tighter one, GLPK's best bound.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/recommend/hospital.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "dispatchkit/route/travel_modes.hpp"
#include "dispatchkit/sim/replay_inputs.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// A job that could be on time: call `call` from post `post`, ready at `ready_s`, certainly
// busy over [latest_dispatch_s, busy_until_s] (unix seconds).
struct OfflineJob {
  std::uint32_t call = 0;
  std::uint32_t post = 0;
  std::int64_t ready_s = 0;
  std::int64_t latest_dispatch_s = 0;
  std::int64_t busy_until_s = 0;
};

// A change in a post's staffing: `units` come on duty (positive) or go off (negative) at
// `time_s`; kAlwaysOnDuty units come on at the lowest time.
struct OfflineStaffing {
  std::uint32_t post = 0;
  std::int64_t time_s = 0;
  std::int32_t units = 0;
};

struct OfflineModel {
  std::uint64_t calls = 0;        // every call of the period (the KPIs' population)
  std::uint64_t unreachable = 0;  // calls no staffed post reaches within target: late always
  std::uint32_t posts = 0;        // posts with units
  std::vector<OfflineJob> jobs;   // by post, then latest dispatch
  std::vector<OfflineStaffing> staffing;  // by post, then time
};

// What solve_offline_bound (plan/mip/glpk_offline_bound.hpp) is asked and answers.
struct OfflineBoundOptions {
  bool integer = false;       // branch and cut after the LP relaxation
  double time_limit_s = 120;  // for the whole solve
};

struct OfflineBound {
  std::uint64_t calls = 0;
  std::uint64_t unreachable = 0;  // late under every policy (OfflineModel::unreachable)
  std::uint64_t jobs = 0;         // (call, post) pairs that could be on time
  std::uint64_t rows = 0, columns = 0;
  double on_time_max = 0;       // no policy has more calls on time than this
  double late_fraction = 0;     // 1 - on_time_max / calls: no policy leaves fewer late
  double lp_late_fraction = 0;  // the LP relaxation's bound (equal without `integer`)
  bool integer = false;         // branch and cut ran
  bool optimal = false;         // the integer optimum was proven (the offline optimum)
  double integer_late_fraction = std::numeric_limits<double>::quiet_NaN();  // best schedule found
  double seconds = 0;
  std::string solver;  // "glpk simplex" or "glpk branch and cut"
};

// Builds the model of the module comment from a replay's inputs (ReplayInputs, as prepared
// for run_replay; scale_demand / scale_fleet outputs too). Errors: no calls or no units
// (InvalidArgument); a calibration in the inputs (FailedPrecondition: its drives are drawn
// at random, and the bound holds for the replay's deterministic drives only).
[[nodiscard]] absl::StatusOr<OfflineModel> build_offline_model(const ReplayInputs& in);

// ---------------------------------------------------------------------------------------
// Implementation.

namespace detail {

// A unit's on-duty windows with the touching ones merged (a unit on duty in two blocks in
// a row works on through the change): the replay's kShiftEnd then kShiftStart at the same
// instant leave it as it was.
inline std::vector<std::pair<std::int64_t, std::int64_t>> merged_duty(const ReplayUnit& u) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (const auto& [a, b] : u.on_duty) {
    const std::int64_t s = to_unix_seconds(a), e = to_unix_seconds(b);
    if (!out.empty() && s <= out.back().second)
      out.back().second = std::max(out.back().second, e);
    else
      out.emplace_back(s, e);
  }
  return out;
}

}  // namespace detail

inline absl::StatusOr<OfflineModel> build_offline_model(const ReplayInputs& in) {
  if (in.graph == nullptr)
    return absl::InvalidArgumentError("offline bound: inputs without a graph");
  if (in.calls.empty()) return absl::InvalidArgumentError("offline bound: no calls to bound");
  if (in.units.empty()) return absl::InvalidArgumentError("offline bound: no units in the fleet");
  if (in.options.calibration != nullptr)
    return absl::FailedPreconditionError(
        "offline bound: the inputs carry a calibration, whose drives are drawn at random; the "
        "bound holds for the replay's road times (replay without --calibration)");
  if (in.hospitals == nullptr)
    return absl::InvalidArgumentError("offline bound: inputs without hospitals");
  const RoadGraph& g = *in.graph;
  const TravelModeOptions& modes = in.options.modes;
  const std::size_t n = in.calls.size();

  OfflineModel m;
  m.calls = n;
  // Posts with units, and their staffing (units that are always on duty join at the start).
  std::vector<std::uint32_t> post_units(in.station_positions.size(), 0);
  const bool shifts = in.options.shifts != ShiftModel::kAlwaysOnDuty;
  for (const ReplayUnit& u : in.units) {
    const std::uint32_t p = u.waits_at();
    if (p >= in.station_positions.size())
      return absl::InvalidArgumentError(absl::StrCat("offline bound: unit ", u.call_sign,
                                                     " waits at post ", p,
                                                     ", which the inputs do not have"));
    ++post_units[p];
    if (!shifts || u.on_duty.empty()) {
      m.staffing.push_back({p, std::numeric_limits<std::int64_t>::min(), 1});
      continue;
    }
    for (const auto& [a, b] : detail::merged_duty(u)) {
      m.staffing.push_back({p, a, 1});
      m.staffing.push_back({p, b, -1});
    }
  }
  std::sort(m.staffing.begin(), m.staffing.end(), [](const auto& x, const auto& y) {
    return std::tie(x.post, x.time_s, x.units) < std::tie(y.post, y.time_s, y.units);
  });

  // Road times: per post one forward search (post -> each scene) and one backward search
  // (each scene and each hospital -> post), on the graph's free-flow lights-and-sirens
  // weights, as the replay's oracles and drives on free flow have them.
  const std::span<const Hospital> hospitals = in.hospitals->hospitals();
  std::vector<Weight> to_hospital(hospitals.size());
  std::vector<HospitalChoice> choices;
  // The transport of each call (hospital index, drive in s), or none (-1).
  std::vector<std::int32_t> call_hospital(n, -1);
  std::vector<std::int64_t> transport_s(n, 0);
  for (std::size_t j = 0; j < n; ++j) {
    const ReplayCall& c = in.calls[j];
    const TravelMode mode = c.urgent_transport ? TravelMode::kLightsAndSirens : TravelMode::kNormal;
    for (std::size_t h = 0; h < hospitals.size(); ++h)
      to_hospital[h] =
          in.hospitals->travel_time(c.position, HospitalId(static_cast<std::uint32_t>(h)), mode);
    in.hospitals->rank(to_hospital, c.destination, choices);
    if (!choices.empty()) {
      call_hospital[j] = static_cast<std::int32_t>(choices.front().hospital.value());
      transport_s[j] = detail::ceil_seconds(choices.front().eta.count());
    }
  }

  Dijkstra dijkstra(g);
  const Weight turnout = in.options.fleet.turnout_at_station.count();
  std::vector<Weight> road(n), home_from_scene(n), home_from_hospital(hospitals.size());
  std::vector<bool> reachable(n, false);
  for (std::uint32_t p = 0; p < post_units.size(); ++p) {
    if (post_units[p] == 0) continue;
    ++m.posts;
    const RoadPosition& post = in.station_positions[p];
    const SeedPair from_post = source_seeds(g, g.weights(), post);
    dijkstra.run(from_post.view(), Dijkstra::Direction::kForward, NodeId::invalid());
    for (std::size_t j = 0; j < n; ++j)
      road[j] = dijkstra.distance_to(post, in.calls[j].position).count();
    const SeedPair to_post = target_seeds(g, g.weights(), post);
    dijkstra.run(to_post.view(), Dijkstra::Direction::kBackward, NodeId::invalid());
    for (std::size_t j = 0; j < n; ++j)
      home_from_scene[j] = dijkstra.distance_to(in.calls[j].position, post).count();
    for (std::size_t h = 0; h < hospitals.size(); ++h)
      home_from_hospital[h] = dijkstra.distance_to(hospitals[h].position, post).count();
    // The way home, in normal driving; an unreachable post is reached at once (as the
    // replay's drive_to_post has it).
    auto home_s = [&](Weight raw) -> std::int64_t {
      const Weight w = weight_in_mode(raw, TravelMode::kNormal, modes);
      return w == kInfWeight ? 0 : detail::ceil_seconds(w);
    };
    for (std::uint32_t j = 0; j < n; ++j) {
      const ReplayCall& c = in.calls[j];
      const Weight w = weight_in_mode(road[j], c.mode, modes);
      if (w == kInfWeight) continue;
      const std::int64_t on_way = detail::ceil_seconds(add_weights(turnout, w));
      const std::int64_t received = to_unix_seconds(c.received);
      const std::int64_t ready = to_unix_seconds(c.ready);
      const std::int64_t latest = received + c.target_s - c.last_stretch_s - on_way;
      if (latest < ready) continue;  // late even if sent the moment it is ready
      reachable[j] = true;
      // The shortest job of the call's slots: on scene, then the transport and handover
      // or not, then home.
      std::int64_t job = std::numeric_limits<std::int64_t>::max();
      const std::size_t slots = std::clamp<std::size_t>(c.ambulances, 1, kMaxUnitsPerCall);
      for (std::size_t k = 0; k < slots; ++k) {
        const ServiceTimes& s = c.service[k];
        std::int64_t t = s.on_scene_s;
        if (s.transports && call_hospital[j] >= 0)
          t += transport_s[j] + s.handover_s + home_s(home_from_hospital[call_hospital[j]]);
        else
          t += home_s(home_from_scene[j]);
        job = std::min(job, t);
      }
      m.jobs.push_back({j, p, ready, latest, ready + on_way + c.last_stretch_s + job});
    }
  }
  m.unreachable = static_cast<std::uint64_t>(std::count(reachable.begin(), reachable.end(), false));
  std::sort(m.jobs.begin(), m.jobs.end(), [](const OfflineJob& a, const OfflineJob& b) {
    return std::tie(a.post, a.latest_dispatch_s, a.call) <
           std::tie(b.post, b.latest_dispatch_s, b.call);
  });
  return m;
}

DISPATCHKIT_NAMESPACE_END
