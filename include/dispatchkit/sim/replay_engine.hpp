// dispatchkit/sim/replay_engine.hpp: the discrete-event replay of one strategy.
//
//   DijkstraOracle oracle(*inputs.graph);     // or ChOracle on a contraction hierarchy
//   ClosestIdle strategy;                     // any UnitRecommender
//   ReplayResult r = run_replay(inputs, strategy, oracle,
//                               [](std::size_t done, std::size_t total) { /* progress */ });
//
// run_replay walks the calls of ReplayInputs (sim/replay_inputs.hpp) in time order through
// an EventQueue: a call becomes ready, the strategy proposes units, the engine sends the
// first candidate (as many as the record had ambulances on scene) or puts the call in a
// TriageQueue until a unit frees up; each unit then goes en route, on scene, transporting,
// at hospital, returning and home through Fleet's validated transitions. The model and
// its approximations are described in sim/replay.hpp and docs/replay.md.
//
// Deterministic: no wall clock, events tie-break by sequence number, samples were fixed
// when the inputs were prepared. A run allocates freely (outcomes, event queue); the
// inputs are only read, so runs of several strategies may proceed in parallel threads,
// each with its own strategy and oracle.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/recommend/concepts.hpp"
#include "dispatchkit/recommend/drive_time_model.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "dispatchkit/recommend/hospital.hpp"
#include "dispatchkit/recommend/move_up/any_relocator.hpp"
#include "dispatchkit/sim/event_queue.hpp"
#include "dispatchkit/sim/kpi.hpp"
#include "dispatchkit/sim/local_time.hpp"
#include "dispatchkit/sim/replay_inputs.hpp"
#include "dispatchkit/sim/replay_result.hpp"
#include "dispatchkit/triage/call.hpp"
#include "dispatchkit/triage/triage_queue.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// Progress: called with (calls ready so far, total calls) every few hundred calls.
using ReplayProgress = std::function<void(std::size_t, std::size_t)>;

// The name the record's own decisions go by among strategies (replay_strategy, dk-replay).
inline constexpr std::string_view kAsRecordedPolicy = "as_recorded";

// Who decides which unit goes.
enum class DispatchPolicy : std::uint8_t {
  kStrategy = 0,  // the strategy, when the call is ready (the default)
  // The record's own decision: each unit slot's recorded unit at its recorded dispatch
  // time (ReplayCall::recorded_unit / recorded_dispatch), taken from an earlier job the
  // model has not finished if need be (ReplayResult::recorded_units_released). Only when
  // it cannot go (not in the fleet, heading off duty, unreachable, already on this call)
  // does the strategy pick a substitute (ReplayResult::substituted_dispatches). Only
  // turnout, drives, scene and transport are simulated, so against the recorded column it
  // measures the model's own error.
  kAsRecorded,
};

// Replays `in` with `strategy`. `oracle` gives unit -> incident road times (any
// TravelTimeOracle built on in.graph; DijkstraOracle or ChOracle); a ClockedOracle (a
// TimeOfDayOracle, or an AnyOracle wrapping one) is told the time of every decision first.
// Deterministic.
template <class Recommender, TravelTimeOracle Oracle>
[[nodiscard]] ReplayResult run_replay(const ReplayInputs& in, Recommender& strategy, Oracle& oracle,
                                      const ReplayProgress& progress = {});
// The same with the record's decisions (DispatchPolicy::kAsRecorded); `substitute` picks
// a unit only when the recorded one cannot go. The result is named "as_recorded".
template <class Recommender, TravelTimeOracle Oracle>
[[nodiscard]] ReplayResult run_replay(const ReplayInputs& in, Recommender& substitute,
                                      Oracle& oracle, DispatchPolicy policy,
                                      const ReplayProgress& progress = {});
// The same with a move-up policy (recommend/move_up/): asked whenever a unit comes free
// (after the waiting calls were served) and whenever one is sent; its moves are driven
// through the fleet's transitions: Fleet::assign_post, available_at_station ->
// available_mobile (or still returning), the drive on the oracle, and available_at_station
// at the new post. A moving unit is dispatchable, located along its drive like a returning
// one. Null `move_up`: units return to their own posts.
template <class Recommender, TravelTimeOracle Oracle>
[[nodiscard]] ReplayResult run_replay(const ReplayInputs& in, Recommender& strategy, Oracle& oracle,
                                      DispatchPolicy policy, AnyRelocator* move_up,
                                      const ReplayProgress& progress = {});

// ---------------------------------------------------------------------------------------
// Implementation.

namespace detail {

// The discrete-event engine of run_replay (one per run; not reusable).
template <class Recommender, class Oracle>
class ReplayEngine {
 public:
  ReplayEngine(const ReplayInputs& in, Recommender& strategy, Oracle& oracle,
               DispatchPolicy policy = DispatchPolicy::kStrategy, AnyRelocator* move_up = nullptr)
      : in_(in),
        g_(*in.graph),
        strategy_(strategy),
        oracle_(oracle),
        fleet_(in.options.fleet),
        as_recorded_(policy == DispatchPolicy::kAsRecorded),
        move_up_(move_up != nullptr && move_up->moves_units() ? move_up : nullptr) {}

  ReplayResult run(const ReplayProgress& progress) {
    ReplayResult res;
    res.strategy = as_recorded_ ? std::string(kAsRecordedPolicy) : std::string(Recommender::kName);
    setup();
    const std::size_t n = in_.calls.size();
    for (std::uint32_t i = 0; i < n; ++i) {
      const ReplayCall& c = in_.calls[i];
      if (!as_recorded_) {
        events_.schedule(c.ready, {kCallReady, i, 0});
        continue;
      }
      // Slot 0 is the call's "ready" event (progress counts it); later slots follow at
      // their own recorded times. A slot without a recorded time goes when the call is
      // ready.
      for (std::uint32_t k = 0; k < c.ambulances; ++k) {
        const SimTime t = is_set(c.recorded_dispatch[k]) ? c.recorded_dispatch[k] : c.ready;
        events_.schedule(t, {k == 0 ? kCallReady : kRecordedDispatch, i, k});
      }
    }
    std::size_t ready_seen = 0;
    while (!events_.empty()) {
      const auto e = events_.pop();
      ++res.events;
      now_ = e.time;
      handle(e.event, res, ready_seen);
      if (!busy_triggers_.empty()) flush_busy_triggers(res);
      if (progress && e.event.kind == kCallReady && (ready_seen % 256 == 0 || ready_seen == n))
        progress(ready_seen, n);
    }
    res.outcomes = std::move(outcomes_);
    res.usage = UnitUsage{busy_s_, in_.on_duty_seconds()};
    res.kpis = compute_kpis(res.outcomes, res.usage);
    res.kpis.departures = departures_;
    if (move_up_ != nullptr) res.move_up = std::string(move_up_->name());
    return res;
  }

 private:
  enum Kind : std::uint8_t {
    kCallReady,
    kShiftStart,
    kShiftEnd,
    kArriveScene,
    kLeaveScene,
    kArriveHospital,
    kHandoverDone,
    kArriveStation,
    kRecordedDispatch,  // as_recorded: slot `epoch` of call `id` is due
  };
  struct Event {
    Kind kind;
    std::uint32_t id;     // call or unit
    std::uint32_t epoch;  // unit epoch when scheduled (stale events are ignored)
  };
  struct UnitState {
    std::uint32_t epoch = 0;
    std::uint32_t call = UINT32_MAX;
    std::uint32_t slot = 0;
    std::uint32_t hospital = 0;
    SimTime busy_since{};
    bool off_duty_pending = false;
    // Driving to its post (home, or a move-up's) while idle: located along the route.
    bool to_post = false;
    // Drive to its post, for locating the unit: where it started, when, and the
    // intersections of its route with the lights-and-sirens time to reach each.
    RoadPosition return_from;
    SimTime return_start{};
    std::vector<std::pair<NodeId, Weight>> return_route;
  };
  struct CallProgress {
    std::uint8_t remaining = 0;  // units still to send
    std::uint8_t slots_used = 0;
    bool waiting = false;
  };

  void setup() {
    units_.resize(in_.units.size());
    calls_.resize(in_.calls.size());
    outcomes_.resize(in_.calls.size());
    for (std::uint32_t i = 0; i < in_.calls.size(); ++i) {
      const ReplayCall& c = in_.calls[i];
      // as_recorded: a slot becomes "remaining" when its recorded time has come.
      calls_[i].remaining = as_recorded_ ? 0 : c.ambulances;
      outcomes_[i] = pending_outcome(c, i);
    }
    const bool shifts = in_.options.shifts != ShiftModel::kAlwaysOnDuty;
    for (std::uint32_t u = 0; u < in_.units.size(); ++u) {
      const ReplayUnit& ru = in_.units[u];
      UnitSpec spec;
      spec.call_sign = ru.call_sign;
      spec.home_station = ru.station;
      spec.capabilities = ru.capabilities;
      spec.position = in_.station_positions[ru.waits_at()];
      const bool scheduled = shifts && !ru.on_duty.empty();
      spec.status = scheduled ? UnitStatus::kOutOfService : UnitStatus::kAvailableAtStation;
      (void)fleet_.add_unit(std::move(spec));  // call signs are unique by construction
      (void)fleet_.assign_post(UnitId(u), ru.waits_at());
      if (scheduled)
        for (const auto& [a, b] : ru.on_duty) {
          events_.schedule(a, {kShiftStart, u, 0});
          events_.schedule(b, {kShiftEnd, u, 0});
        }
    }
  }

  static IncidentId incident_of(std::uint32_t call) noexcept { return IncidentId(call + 1u); }

  void handle(const Event& e, ReplayResult& res, std::size_t& ready_seen) {
    switch (e.kind) {
      case kCallReady: {
        ++ready_seen;
        if (as_recorded_) {
          recorded_slot_due(e.id, e.epoch, res);
          return;
        }
        CallProgress& cs = calls_[e.id];
        if (!dispatch_units(e.id, res) && cs.remaining > 0) {
          ++res.calls_queued;
          enqueue(e.id);
        }
        return;
      }
      case kRecordedDispatch:
        recorded_slot_due(e.id, e.epoch, res);
        return;
      case kShiftStart: {
        const UnitId id(e.id);
        UnitState& us = units_[e.id];
        us.off_duty_pending = false;
        const Unit& u = fleet_.unit(id);
        (void)fleet_.set_shift_end(id, shift_end_after(e.id, now_));
        if (u.status() == UnitStatus::kOutOfService) {
          come_on_duty(e.id);
          serve_waiting(res);
          relocate_after(RelocationTrigger::kUnitFree, e.id, res);
        }
        return;
      }
      case kShiftEnd: {
        const UnitId id(e.id);
        const UnitStatus s = fleet_.unit(id).status();
        if (s == UnitStatus::kAvailableAtStation || s == UnitStatus::kAvailableMobile) {
          (void)fleet_.set_status(id, UnitStatus::kOutOfService);
          units_[e.id].to_post = false;
          ++units_[e.id].epoch;  // a move-up drive in progress ends here
        } else if (s != UnitStatus::kOutOfService) {
          units_[e.id].off_duty_pending = true;  // finishes its call (or drive home) first
        }
        return;
      }
      default:
        break;
    }
    UnitState& us = units_[e.id];
    if (e.epoch != us.epoch) return;  // the unit was diverted since
    const UnitId id(e.id);
    switch (e.kind) {
      case kArriveScene: {
        (void)fleet_.set_status(id, UnitStatus::kOnScene);
        (void)fleet_.report_position(id, in_.calls[us.call].position);
        CallOutcome& o = outcomes_[us.call];
        if (!is_set(o.first_on_scene)) o.first_on_scene = now_;
        events_.schedule(now_ + SimDuration(service(us).on_scene_s), {kLeaveScene, e.id, us.epoch});
        return;
      }
      case kLeaveScene: {
        const ReplayCall& c = in_.calls[us.call];
        if (!service(us).transports) {
          start_return(e.id, c.position, res);
          return;
        }
        ++res.transports;
        const TravelMode mode =
            c.urgent_transport ? TravelMode::kLightsAndSirens : TravelMode::kNormal;
        rank_hospitals(c.position, c.destination, mode);
        if (choices_.empty()) {  // no hospital reachable: the crew clears on scene
          --res.transports;
          start_return(e.id, c.position, res);
          return;
        }
        us.hospital = choices_.front().hospital.value();
        (void)fleet_.set_status(id, UnitStatus::kTransporting);
        const std::int64_t drive = ceil_seconds(choices_.front().eta.count());
        events_.schedule(now_ + SimDuration(drive), {kArriveHospital, e.id, us.epoch});
        return;
      }
      case kArriveHospital: {
        (void)fleet_.set_status(id, UnitStatus::kAtHospital);
        (void)fleet_.report_position(id, in_.hospitals->hospital(HospitalId(us.hospital)).position);
        events_.schedule(now_ + SimDuration(service(us).handover_s),
                         {kHandoverDone, e.id, us.epoch});
        return;
      }
      case kHandoverDone:
        start_return(e.id, in_.hospitals->hospital(HospitalId(us.hospital)).position, res);
        return;
      case kArriveStation: {
        (void)fleet_.report_position(id, post_position(e.id));
        const UnitStatus before = fleet_.unit(id).status();
        // Home-base model (returning units not dispatchable): the crew was still busy.
        const bool was_busy = before == UnitStatus::kOnScene || before == UnitStatus::kAtHospital;
        if (was_busy && !us.off_duty_pending)
          (void)fleet_.set_status(id, UnitStatus::kAvailableMobile);  // on scene -> at station
        (void)fleet_.set_status(
            id, us.off_duty_pending ? UnitStatus::kOutOfService : UnitStatus::kAvailableAtStation);
        const bool free_now = was_busy && !us.off_duty_pending;
        us.off_duty_pending = false;
        us.to_post = false;
        if (free_now) {
          serve_waiting(res);
          relocate_after(RelocationTrigger::kUnitFree, e.id, res);
        }
        return;
      }
      default:
        return;
    }
  }

  const ServiceTimes& service(const UnitState& us) const noexcept {
    return in_.calls[us.call].service[std::min<std::size_t>(us.slot, kMaxUnitsPerCall - 1)];
  }

  SimTime shift_end_after(std::uint32_t unit, SimTime t) const noexcept {
    for (const auto& [a, b] : in_.units[unit].on_duty)
      if (a <= t && t < b) return b;
    return SimTime::max();
  }

  // The unit is free again: busy time ends, it drives home (dispatchable on the way).
  void start_return(std::uint32_t u, const RoadPosition& from, ReplayResult& res) {
    UnitState& us = units_[u];
    const UnitId id(u);
    busy_s_ += static_cast<double>(secs(now_) - secs(us.busy_since));
    us.call = UINT32_MAX;
    (void)fleet_.report_position(id, from);
    if (!in_.options.returning_dispatchable) {
      // Home-base model: the crew keeps its on-scene or at-hospital status, which no
      // strategy may send, until it is back (kArriveStation).
      drive_to_post(u, from);
      return;
    }
    (void)fleet_.set_status(id, UnitStatus::kReturning);
    drive_to_post(u, from);
    if (us.off_duty_pending) return;  // heading home to go off duty: not dispatchable
    serve_waiting(res);
    relocate_after(RelocationTrigger::kUnitFree, u, res);
  }

  // Out-of-service unit `u` comes on duty at its own post, whatever a move-up did before.
  void come_on_duty(std::uint32_t u) {
    const UnitId id(u);
    const std::uint32_t post = in_.units[u].waits_at();
    (void)fleet_.assign_post(id, post);
    (void)fleet_.set_status(id, UnitStatus::kAvailableAtStation);
    (void)fleet_.report_position(id, in_.station_positions[post]);
  }

  // Where unit `u` waits now (its post: home, or where a move-up sent it).
  const RoadPosition& post_position(std::uint32_t u) const noexcept {
    const std::uint32_t p = fleet_.unit(UnitId(u)).post();
    return in_.station_positions[p < in_.station_positions.size() ? p : in_.units[u].waits_at()];
  }

  // Unit `u`, idle at `from`, drives to its post (normal driving): the route is kept for
  // locating it, and it arrives at kArriveStation. (A post it cannot reach by road: it is
  // there at once, as before move-up; moves to such posts are not made, relocate_after.)
  void drive_to_post(std::uint32_t u, const RoadPosition& from) {
    const RoadPosition& to = post_position(u);
    start_drive_to_post(u, from, to, drive(from, to, TravelMode::kNormal, &route_));
  }
  // The drive of `w` (its arcs in route_) from `from` to `to`, unit `u`'s post.
  void start_drive_to_post(std::uint32_t u, const RoadPosition& from, const RoadPosition& to,
                           Weight w) {
    UnitState& us = units_[u];
    us.return_from = from;
    us.return_start = now_;
    us.to_post = true;
    remember_route(from, to, us.return_route);
    const std::int64_t drive = w == kInfWeight ? 0 : ceil_seconds(w);
    events_.schedule(now_ + SimDuration(drive), {kArriveStation, u, us.epoch});
  }

  // After the event: the move-up policy hears of the units sent while it was handled.
  // Deferred so that a unit moved by one of these answers is not sent in the same instant
  // (as if it had left quarters already, with a rolling turnout) by the same event's
  // remaining dispatches.
  void flush_busy_triggers(ReplayResult& res) {
    for (std::size_t i = 0; i < busy_triggers_.size(); ++i)
      relocate_after(RelocationTrigger::kUnitBusy, busy_triggers_[i], res);
    busy_triggers_.clear();
  }

  // Asks the move-up policy after unit `u` came free or was sent, and drives its moves.
  // A move applies only to a unit that is still idle and on duty and can reach the post by
  // road; a move to the post it has is none. relocation_drive_s adds each move's planned
  // drive (a move cut short by a dispatch counts whole; a returning unit sent elsewhere
  // counts its whole new drive, not the difference to its drive home).
  void relocate_after(RelocationTrigger trigger, std::uint32_t u, ReplayResult& res) {
    if (move_up_ == nullptr) return;
    locate_returning_units();
    set_oracle_clock();
    AnyOracle oracle(oracle_);
    move_up_->relocate({trigger, UnitId(u), now_}, fleet_, oracle, moves_);
    if (!moves_.status.ok()) throw std::bad_alloc();  // as a recommendation's failure
    for (const Move& m : moves_.moves) {
      const std::uint32_t v = m.unit.value();
      if (v >= units_.size() || m.post >= in_.station_positions.size()) continue;
      UnitState& vs = units_[v];
      const Unit& unit = fleet_.unit(m.unit);
      if (!is_available(unit.status()) || vs.off_duty_pending || unit.post() == m.post) continue;
      const RoadPosition from = unit.position();
      const RoadPosition& to = in_.station_positions[m.post];
      const Weight w = drive(from, to, TravelMode::kNormal, &route_);
      if (w == kInfWeight) continue;  // no road there (a closure, another component)
      (void)fleet_.assign_post(m.unit, m.post);
      if (unit.status() == UnitStatus::kAvailableAtStation)
        (void)fleet_.set_status(m.unit, UnitStatus::kAvailableMobile);
      ++vs.epoch;  // the drive to the old post is over
      ++res.relocations;
      res.relocation_drive_s += static_cast<double>(ceil_seconds(w));
      start_drive_to_post(v, from, to, w);
    }
  }

  // One drive on the oracle's metric at the current time (the decisions' traffic and
  // closures); with `route`, its road arcs. An oracle without drives (a researcher's own)
  // gets them from a Dijkstra on the graph's own weights.
  Weight drive(const RoadPosition& from, const RoadPosition& to, TravelMode mode,
               std::vector<ArcId>* route) {
    if (oracle_drives()) {
      if constexpr (DriveOracle<Oracle>) {
        set_oracle_clock();
        return oracle_.drive(from, to, mode, route);
      }
    }
    if (!fallback_) fallback_.emplace(g_, in_.options.modes);
    return fallback_->drive(from, to, mode, route);
  }
  bool oracle_drives() const noexcept { return answers_drives(oracle_); }
  std::span<const Weight> drive_weights() const {
    if constexpr (DriveOracle<Oracle>)
      if (oracle_drives()) return oracle_.arc_weights();
    return g_.weights();
  }

  // The intersections of route_ (just driven from `from` to `to` by drive()) with the time
  // to reach each, on the metric that drive used.
  void remember_route(const RoadPosition& from, const RoadPosition& to,
                      std::vector<std::pair<NodeId, Weight>>& out) {
    out.clear();
    const std::span<const Weight> w = drive_weights();
    const SeedPair seeds = source_seeds(g_, w, from);
    Weight t = 0;
    for (std::size_t i = 0; i < route_.size(); ++i) {
      const ArcId a = route_[i];
      Weight step = w[a.value()];
      if (i == 0)  // the start may lie mid-street: only the rest of its arc is driven
        for (const SearchSeed& seed : seeds.view())
          if (seed.arc == a) step = seed.offset;
      t = add_weights(t, step);
      if (t == kInfWeight) break;
      out.emplace_back(g_.head(a), t);
    }
    // A destination mid-street: the last arc's head is not passed.
    if (!to.is_node() && !out.empty()) out.pop_back();
  }

  // Where a unit driving to its post (returning, or moved up) is now: along its route
  // (remember_route) for the time elapsed, the last intersection passed.
  void locate_returning_units() {
    for (std::uint32_t u = 0; u < units_.size(); ++u) {
      const Unit& unit = fleet_.unit(UnitId(u));
      const UnitState& us = units_[u];
      if (unit.status() != UnitStatus::kReturning &&
          !(unit.status() == UnitStatus::kAvailableMobile && us.to_post))
        continue;
      // Elapsed driving in the lights-and-sirens metric (returns drive normally).
      std::int64_t elapsed_s = secs(now_) - secs(us.return_start);
      const std::int64_t step = in_.options.avl_step.count();
      if (step > 0) elapsed_s -= elapsed_s % step;
      const double elapsed_ds =
          static_cast<double>(elapsed_s) * 10.0 / in_.options.modes.normal_factor;
      const auto& route = us.return_route;
      auto passed = std::upper_bound(route.begin(), route.end(), elapsed_ds,
                                     [](double e, const std::pair<NodeId, Weight>& p) {
                                       return e < static_cast<double>(p.second);
                                     });
      if (passed == route.begin()) continue;  // still on its first street
      (void)fleet_.report_position(UnitId(u), RoadPosition::at_node(std::prev(passed)->first));
    }
  }

  // Hospitals ranked for a patient at `scene`, by the oracle's drives (choices_).
  void rank_hospitals(const RoadPosition& scene, Specialty need, TravelMode mode) {
    if (hospital_positions_.empty())
      for (const Hospital& h : in_.hospitals->hospitals())
        hospital_positions_.push_back(h.position);
    hospital_times_.assign(hospital_positions_.size(), kInfWeight);
    if (oracle_drives()) {
      if constexpr (DriveOracle<Oracle>) {
        set_oracle_clock();
        oracle_.drives_from(scene, hospital_positions_, mode, hospital_times_);
      }
    } else {
      if (!fallback_) fallback_.emplace(g_, in_.options.modes);
      fallback_->drives_from(scene, hospital_positions_, mode, hospital_times_);
    }
    in_.hospitals->rank(hospital_times_, need, choices_);
  }

  // A time-of-day oracle answers for the local time of the decision (ClockedOracle); it
  // fails only when memory runs out, which the replay reports as its own allocations do.
  void set_oracle_clock() {
    if constexpr (ClockedOracle<Oracle>)
      if (!oracle_.set_clock(to_unix_seconds(now_), utc_offset_at(now_, in_.zone)).ok())
        throw std::bad_alloc();
  }

  // Sends units to call `c` until it has all it needs or no suitable unit is left.
  // Returns true when the call needs nothing more.
  bool dispatch_units(std::uint32_t c, ReplayResult& res) {
    CallProgress& cs = calls_[c];
    const ReplayCall& call = in_.calls[c];
    bool located = false;
    while (cs.remaining > 0) {
      if (!located) {
        locate_returning_units();
        located = true;
      }
      Incident incident = Incident::from_plan(incident_of(c), call.position, now_, *call.plan,
                                              Deciseconds::from_seconds(call.target_s));
      set_oracle_clock();
      strategy_.recommend(incident, fleet_, oracle_, rec_);
      // A recommendation fails only when memory runs out; the replay, which allocates
      // freely, reports that the way its own allocations do.
      if (!rec_.status.ok()) throw std::bad_alloc();
      if (rec_.candidates.empty()) return false;
      const Candidate& best = rec_.candidates.front();
      const std::uint32_t u = best.unit.value();
      const UnitState& us = units_[u];
      const UnitStatus before = fleet_.unit(best.unit).status();
      if (best.preempts && is_divertible(before) && us.call != UINT32_MAX) {
        // Diverted from a less urgent call: that call needs a unit again.
        const std::uint32_t old = us.call;
        ++calls_[old].remaining;
        ++res.preemptions;
        enqueue(old);
      } else if (!is_available(before)) {
        return false;  // a strategy must not offer busy units; stop rather than loop
      }
      if (!send(c, u, incident.id, best.eta.count() - best.turnout.count(), best.turnout, res))
        return false;
    }
    return true;
  }

  // Sends unit `u` (available, or divertible and already released from its old call) to
  // call `c`: it arrives after its turnout, its drive (`road`: the oracle's road time in
  // the call's mode) and the call's last stretch. With a calibration, turnout from the
  // post and the drive are the fitted model's, at this call slot's fixed draws.
  bool send(std::uint32_t c, std::uint32_t u, IncidentId incident, Weight road, Deciseconds turnout,
            ReplayResult& res) {
    CallProgress& cs = calls_[c];
    const ReplayCall& call = in_.calls[c];
    UnitState& us = units_[u];
    const UnitId id(u);
    const UnitStatus before = fleet_.unit(id).status();
    const std::size_t slot = std::min<std::size_t>(cs.slots_used, kMaxUnitsPerCall - 1);
    std::int64_t on_way_s = ceil_seconds(add_weights(turnout.count(), road));
    double turnout_s = turnout.seconds();
    if (const Calibration* cal = in_.options.calibration.get(); cal != nullptr) {
      const int hour = local_hour(now_, in_.zone);
      if (before == UnitStatus::kAvailableAtStation)
        if (const std::optional<double> t = cal->turnout.quantile_s(
                call.grade, in_.units[u].capabilities.contains(Capability::kAls), hour,
                call.turnout_draw[slot]))
          turnout_s = *t;
      const double km = crow_km(g_, fleet_.unit(id).position(), call.position);
      const double s = turnout_s + cal->drive.quantile_s(static_cast<double>(road) / 10.0, km, hour,
                                                         cal->day_kind_at(now_, in_.zone),
                                                         call.mode, call.drive_draw[slot]);
      on_way_s = static_cast<std::int64_t>(std::ceil(s));
    }
    if (before == UnitStatus::kReturning || before == UnitStatus::kAvailableAtStation ||
        before == UnitStatus::kAvailableMobile)
      us.busy_since = now_;
    if (!fleet_.dispatch(id, incident, call.grade).ok()) return false;
    // A unit diverted while driving to another call is not a new departure.
    if (before != UnitStatus::kEnRoute && before != UnitStatus::kDispatched)
      departures_.add(turnout_s);
    (void)fleet_.set_status(id, UnitStatus::kEnRoute);
    ++us.epoch;  // invalidates the unit's pending drive-home or old-call events
    us.to_post = false;
    us.call = c;
    us.slot = cs.slots_used < kMaxUnitsPerCall ? cs.slots_used : kMaxUnitsPerCall - 1;
    ++cs.slots_used;
    --cs.remaining;
    ++res.dispatches;
    CallOutcome& o = outcomes_[c];
    if (!is_set(o.first_dispatch)) {
      o.first_dispatch = now_;
      o.first_unit = u;
      o.predicted_eta_s =
          static_cast<std::int32_t>(ceil_seconds(add_weights(turnout.count(), road)));
    }
    const std::int64_t drive = on_way_s + call.last_stretch_s;
    events_.schedule(now_ + SimDuration(drive), {kArriveScene, u, us.epoch});
    if (move_up_ != nullptr) busy_triggers_.push_back(u);  // after the event (flush_busy_triggers)
    return true;
  }

  // as_recorded: the record sent unit `u` while the model still has it on an earlier job
  // (the model's times for that job ran longer than the record's). The record's decision
  // wins: a job on scene or at hospital ends now, where the unit is; a unit still driving
  // to an earlier call is diverted, and that call needs a unit again.
  void release_for_record(std::uint32_t u, ReplayResult& res) {
    UnitState& us = units_[u];
    const UnitId id(u);
    const UnitStatus s = fleet_.unit(id).status();
    if (us.call == UINT32_MAX || s == UnitStatus::kOutOfService) return;
    ++res.recorded_units_released;
    if (s == UnitStatus::kDispatched || s == UnitStatus::kEnRoute) {
      const std::uint32_t old = us.call;
      ++calls_[old].remaining;
      enqueue(old);
      return;  // send() diverts it; it stays busy
    }
    if (s == UnitStatus::kTransporting) (void)fleet_.set_status(id, UnitStatus::kAtHospital);
    (void)fleet_.report_position(
        id, s == UnitStatus::kOnScene ? in_.calls[us.call].position
                                      : in_.hospitals->hospital(HospitalId(us.hospital)).position);
    busy_s_ += static_cast<double>(secs(now_) - secs(us.busy_since));
    us.call = UINT32_MAX;
    (void)fleet_.set_status(id, UnitStatus::kAvailableMobile);
  }

  // as_recorded: slot `k` of call `c` is due. The recorded unit goes, from wherever the
  // model has it (release_for_record; a unit the shift model has off duty is put on: the
  // record shows it staffed). Only when it cannot (not in the fleet, heading off duty,
  // unreachable) does the strategy send a substitute now, or the call waits for one.
  void recorded_slot_due(std::uint32_t c, std::uint32_t k, ReplayResult& res) {
    CallProgress& cs = calls_[c];
    const ReplayCall& call = in_.calls[c];
    ++cs.remaining;
    const std::uint32_t u = call.recorded_unit[k];
    // A unit already on this call (a substitute for an earlier slot) cannot fill this one.
    if (u != kNotInFleet && !units_[u].off_duty_pending && units_[u].call != c) {
      const UnitId id(u);
      if (fleet_.unit(id).status() == UnitStatus::kOutOfService) come_on_duty(u);
      if (!is_available(fleet_.unit(id).status())) release_for_record(u, res);
      const UnitStatus status = fleet_.unit(id).status();
      if (is_available(status) || status == UnitStatus::kEnRoute ||
          status == UnitStatus::kDispatched) {
        if (status == UnitStatus::kReturning) locate_returning_units();
        set_oracle_clock();
        if (!oracle_.sync(fleet_).ok()) throw std::bad_alloc();
        travel_.assign(fleet_.size(), kInfWeight);
        oracle_.travel_times_to(call.position, call.mode, travel_);
        if (travel_[u] != kInfWeight) {
          if (send(c, u, incident_of(c), travel_[u], fleet_.turnout(status), res)) {
            ++res.recorded_dispatches;
            return;
          }
        }
      }
    }
    ++res.substituted_dispatches;
    if (!dispatch_units(c, res) && cs.remaining > 0) {
      ++res.calls_queued;
      enqueue(c);
    }
  }

  static CallId call_id_of(std::uint32_t c) noexcept { return CallId(std::uint64_t{c} + 1); }

  // Puts call `c` in the waiting line (TriageQueue: grade, allowed wait, ageing). The
  // line only orders calls: duplicates were settled by the call-takers of the record,
  // so the duplicate check is off (no location given, DuplicatePolicy::kIgnore).
  void enqueue(std::uint32_t c) {
    if (calls_[c].waiting) return;
    calls_[c].waiting = true;
    const ReplayCall& rc = in_.calls[c];
    TriageCall t;
    t.id = call_id_of(c);
    t.grade = rc.grade;
    t.code = DeterminantCode::grade(rc.grade);
    t.area = rc.area;
    t.clocks.received = rc.received;
    if (waiting_.full()) waiting_.reserve(2 * waiting_.capacity());  // a full queue refuses
    (void)waiting_.push(t, DuplicatePolicy::kIgnore);
  }

  void leave_queue(std::uint32_t c) {
    calls_[c].waiting = false;
    (void)waiting_.dispatch(call_id_of(c), now_);
    (void)waiting_.close(call_id_of(c));
  }

  // A unit became available: serve waiting calls in the queue's order. When the call at
  // the head finds no suitable unit (it needs ALS and only a BLS unit is free), the
  // others are tried in the queue's order, as a dispatcher would.
  void serve_waiting(ReplayResult& res) {
    while (!waiting_.empty()) {
      const TriageCall* head = waiting_.peek(now_);
      const auto c = static_cast<std::uint32_t>(head->id.value() - 1);
      if (dispatch_units(c, res)) {
        leave_queue(c);
        continue;
      }
      order_.clear();
      waiting_.for_each_call([&](const TriageCall& t, CallState state) {
        if (state != CallState::kWaiting || t.id == head->id) return;
        order_.push_back({{static_cast<int>(waiting_.effective_grade(t, now_)),
                           waiting_.deadline(t), t.id.value()},
                          static_cast<std::uint32_t>(t.id.value() - 1)});
      });
      std::sort(order_.begin(), order_.end());
      bool served = false;
      for (const auto& [key, x] : order_)
        if (dispatch_units(x, res)) {
          leave_queue(x);
          served = true;
          break;
        }
      if (!served) return;
    }
  }

  const ReplayInputs& in_;
  const RoadGraph& g_;
  Recommender& strategy_;
  Oracle& oracle_;
  Fleet fleet_;
  EventQueue<Event> events_;
  Recommendation rec_;
  std::vector<UnitState> units_;
  std::vector<CallProgress> calls_;
  std::vector<CallOutcome> outcomes_;
  TriageQueue waiting_;
  std::vector<HospitalChoice> choices_;
  std::vector<RoadPosition> hospital_positions_;  // the same list each time: buckets stay
  std::vector<Weight> hospital_times_;            // per hospital, from the scene being left
  std::vector<ArcId> route_;                      // the last drive home's arcs
  std::optional<DijkstraOracle> fallback_;        // drives for an oracle without them
  Relocation moves_;
  std::vector<std::uint32_t> busy_triggers_;  // units sent during the current event
  std::vector<Weight> travel_;  // as_recorded: oracle times of the recorded unit's call
  DepartureCount departures_;   // every unit sent, by its simulated turnout
  std::vector<std::pair<std::tuple<int, SimTime, std::uint64_t>, std::uint32_t>> order_;
  SimTime now_{};
  double busy_s_ = 0.0;
  bool as_recorded_ = false;
  AnyRelocator* move_up_ = nullptr;  // null: no move-up
};

}  // namespace detail

template <class Recommender, TravelTimeOracle Oracle>
ReplayResult run_replay(const ReplayInputs& in, Recommender& strategy, Oracle& oracle,
                        const ReplayProgress& progress) {
  detail::ReplayEngine<Recommender, Oracle> engine(in, strategy, oracle);
  return engine.run(progress);
}

template <class Recommender, TravelTimeOracle Oracle>
ReplayResult run_replay(const ReplayInputs& in, Recommender& substitute, Oracle& oracle,
                        DispatchPolicy policy, const ReplayProgress& progress) {
  detail::ReplayEngine<Recommender, Oracle> engine(in, substitute, oracle, policy);
  return engine.run(progress);
}

template <class Recommender, TravelTimeOracle Oracle>
ReplayResult run_replay(const ReplayInputs& in, Recommender& strategy, Oracle& oracle,
                        DispatchPolicy policy, AnyRelocator* move_up,
                        const ReplayProgress& progress) {
  detail::ReplayEngine<Recommender, Oracle> engine(in, strategy, oracle, policy, move_up);
  return engine.run(progress);
}

DISPATCHKIT_NAMESPACE_END
