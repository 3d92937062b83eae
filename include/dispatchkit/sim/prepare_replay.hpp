// dispatchkit/sim/prepare_replay.hpp: from loaded files to ReplayInputs, once per study.
//
//   absl::StatusOr<ReplayInputs> in = prepare_replay(graph, snapper, record, stations,
//                                                    hospitals, CallMapping::sf_default(),
//                                                    ResponsePlanTable::default_table());
//   ReplayInputs year = repeat_replay(*in, 52, std::chrono::days(7));   // a synthetic year
//
// prepare_replay snaps stations, hospitals and calls onto the road graph, maps each call to
// a response plan (CallMapping, then ResponsePlanTable), derives the fleet from the record
// (sim/recorded_fleet.hpp) unless one is given, fixes every call's service times (the
// record's where it has them, else samples drawn per call and unit slot from the record's
// own durations, so that every strategy sees the same ones) and computes the recorded KPI
// column with the same definitions as the simulated one. Cost: a snap per station, hospital
// and call. No travel-time table is made here: the replay asks its oracle for every drive
// (sim/replay_engine.hpp), so that traffic and closures reach hospital choice and the
// drives home as they reach the decisions.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/snap.hpp"
#include "dispatchkit/recommend/hospital.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "dispatchkit/sim/call_mapping.hpp"
#include "dispatchkit/sim/event_queue.hpp"
#include "dispatchkit/sim/kpi.hpp"
#include "dispatchkit/sim/recorded_calls.hpp"
#include "dispatchkit/sim/recorded_fleet.hpp"
#include "dispatchkit/sim/replay_inputs.hpp"
#include "dispatchkit/sim/sites.hpp"
#include "dispatchkit/triage/response_plan.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// Snaps sites and calls, maps calls to plans, derives the fleet (unless `fleet` is
// given), prepares service times and the recorded KPIs. Errors: InvalidArgument when a
// station or hospital cannot be snapped, or no call is left to replay.
[[nodiscard]] absl::StatusOr<ReplayInputs> prepare_replay(
    const RoadGraph& graph, const Snapper& snapper, const RecordedCalls& record,
    std::vector<Site> stations, std::vector<Hospital> hospitals, const CallMapping& mapping,
    const ResponsePlanTable& plans, const ReplayOptions& options = {},
    std::optional<std::vector<ReplayUnit>> fleet = std::nullopt);

// Sets every unit's post (ReplayUnit::post) to the one `cal` learned for its call sign;
// units it does not know, or whose post was not learned, wait at their home station.
// InvalidArgument when a post is not a station of `in`. prepare_replay calls it when
// ReplayOptions::calibration is set.
[[nodiscard]] absl::Status apply_posts(ReplayInputs& in, const Calibration& cal);

// Draws every call's random part again with `seed` (ReplayOptions::seed): the sampled
// service times of slots the record lacks and a calibrated model's turnout and drive
// draws; what the record holds and everything snapped stays. Equal to preparing `in`
// anew with that seed, without the snapping and the station tables: what
// replicate_replay (sim/replications.hpp) runs once per replication. InvalidArgument when
// `record` is not the one `in` was prepared from.
[[nodiscard]] absl::Status reseed_replay(ReplayInputs& in, const RecordedCalls& record,
                                         std::uint64_t seed);

// `copies` back-to-back copies of `in`, copy k shifted by k * period (calls, shifts,
// recorded column): a synthetic longer period with the same demand pattern, e.g. 52
// copies of a week for a year. The copies share the record's call indices.
[[nodiscard]] ReplayInputs repeat_replay(const ReplayInputs& in, std::uint32_t copies,
                                         SimDuration period);

// ---------------------------------------------------------------------------------------
// Implementation.

namespace detail {

// The ambulance responses of `c` that reached the scene, in order of arrival (slot k =
// the k-th to arrive).
inline std::vector<const RecordedResponse*> arrived_ambulances(const RecordedCall& c) {
  std::vector<const RecordedResponse*> arrived;
  for (const RecordedResponse& r : c.responses)
    if (r.kind == RecordedUnitKind::kAmbulance && is_set(r.on_scene)) arrived.push_back(&r);
  std::stable_sort(arrived.begin(), arrived.end(),
                   [](auto* a, auto* b) { return a->on_scene < b->on_scene; });
  return arrived;
}

// Recorded unit (index into record.unit_names) -> replayed unit, for the record's own
// decisions (ReplayCall::recorded_unit).
inline std::vector<std::uint32_t> replay_unit_index(const RecordedCalls& record,
                                                    std::span<const ReplayUnit> units) {
  std::vector<std::uint32_t> of(record.unit_names.size(), kNotInFleet);
  std::map<std::string_view, std::uint32_t> by_sign;
  for (std::uint32_t u = 0; u < units.size(); ++u) by_sign.emplace(units[u].call_sign, u);
  for (std::uint32_t k = 0; k < record.unit_names.size(); ++k)
    if (auto it = by_sign.find(record.unit_names[k]); it != by_sign.end()) of[k] = it->second;
  return of;
}

// Every unit slot of call `rc` (recorded call `c`, its `arrived` ambulances): the record's
// unit, dispatch and service times where it has them, else samples; the calibrated
// model's draws. Each call's streams fork from `root` by its record index, so a call's
// draws do not depend on which other calls are replayed.
inline void draw_call(ReplayCall& rc, const RecordedCall& c,
                      std::span<const RecordedResponse* const> arrived, const ReplayInputs& in,
                      const Calibration* cal, std::span<const std::uint32_t> replay_unit_of,
                      const SimRandom& root) {
  SimRandom rng = root.fork(rc.recorded);
  // A separate stream for the calibrated model's draws, so that the pool samples
  // below are the same whether or not a calibration is given.
  SimRandom model_rng = root.fork(rc.recorded).fork(0xca11b);
  const ServiceTimeCell* service =
      cal != nullptr ? &cal->service.for_call_type(c.call_type) : nullptr;
  for (std::size_t k = 0; k < kMaxUnitsPerCall; ++k) {
    ServiceTimes& s = rc.service[k];
    const RecordedResponse* r = k < arrived.size() ? arrived[k] : nullptr;
    // Draw every sample even when the record has the value, so the stream per slot is
    // the same whatever the record holds (adding a stamp never shifts other samples).
    const bool t = rng.uniform01() < in.transport_share;
    const std::int32_t ons_t = rng.pick<std::int32_t>(in.on_scene_transport_pool);
    const std::int32_t ons_r = rng.pick<std::int32_t>(in.on_scene_release_pool);
    const std::int32_t hand = rng.pick<std::int32_t>(in.handover_pool);
    s.transports = t;
    s.on_scene_s = t ? ons_t : ons_r;
    s.handover_s = hand;
    rc.turnout_draw[k] = model_rng.uniform01();
    rc.drive_draw[k] = model_rng.uniform01();
    if (service != nullptr) {  // the call type's own distribution
      s.transports = model_rng.uniform01() < service->transport_share;
      const double u1 = model_rng.uniform01(), u2 = model_rng.uniform01();
      s.on_scene_s = static_cast<std::int32_t>(std::lround(
          (s.transports ? service->on_scene_transport : service->on_scene_release).at(u1)));
      s.handover_s = static_cast<std::int32_t>(std::lround(service->handover.at(u2)));
    }
    if (k == 0 && c.planned) {  // demand without a record: what the file plans, if anything
      const PlannedService& p = *c.planned;
      if (p.transports >= 0) s.transports = p.transports == 1;
      if (p.on_scene_s >= 0) s.on_scene_s = p.on_scene_s;
      if (p.handover_s >= 0) s.handover_s = p.handover_s;
      s.from_record =
          p.transports >= 0 && p.on_scene_s >= 0 && (!s.transports || p.handover_s >= 0);
    }
    if (r != nullptr) {
      rc.recorded_unit[k] = replay_unit_of[r->unit];
      rc.recorded_dispatch[k] = r->dispatched;
      s.transports = is_set(r->transporting);
      if (s.transports) {
        s.on_scene_s =
            static_cast<std::int32_t>(detail::secs(r->transporting) - detail::secs(r->on_scene));
        if (is_set(r->at_hospital) && is_set(r->available))
          s.handover_s =
              static_cast<std::int32_t>(detail::secs(r->available) - detail::secs(r->at_hospital));
        s.from_record = true;
      } else if (is_set(r->available)) {
        s.on_scene_s =
            static_cast<std::int32_t>(detail::secs(r->available) - detail::secs(r->on_scene));
        s.from_record = true;
      } else {
        s.on_scene_s = ons_r;
      }
    }
  }
}

}  // namespace detail

inline absl::StatusOr<ReplayInputs> prepare_replay(
    const RoadGraph& graph, const Snapper& snapper, const RecordedCalls& record,
    std::vector<Site> stations, std::vector<Hospital> hospitals, const CallMapping& mapping,
    const ResponsePlanTable& plans, const ReplayOptions& options,
    std::optional<std::vector<ReplayUnit>> fleet) {
  ReplayInputs in;
  in.graph = &graph;
  in.options = options;
  in.zone = record.zone;
  in.calls_in_record = record.calls.size();
  in.stations = std::move(stations);
  if (in.stations.empty()) return absl::InvalidArgumentError("replay needs at least one station");
  if (hospitals.empty()) return absl::InvalidArgumentError("replay needs at least one hospital");
  // "PATH:LINE: " of a station or hospital row, when it was read from a file.
  const auto from = [](const std::string& source) {
    return source.empty() ? std::string() : absl::StrCat(source, ": ");
  };
  for (const Hospital& h : hospitals)
    if (!h.position.valid())
      return absl::InvalidArgumentError(
          absl::StrCat(from(h.source), "hospital '", h.name, "' (", h.location.lat, ", ",
                       h.location.lon, ") is not on the road graph; expected a point near a road"));
  SnapOptions snap_options{options.max_snap_distance};
  for (const Site& s : in.stations) {
    absl::StatusOr<SnapResult> p = snapper.snap(s.location, snap_options);
    if (!p.ok())
      return absl::InvalidArgumentError(absl::StrCat(from(s.source), "station '", s.name, "' (",
                                                     s.location.lat, ", ", s.location.lon,
                                                     "): ", p.status().message()));
    in.station_positions.push_back(p->position);
  }
  {
    HospitalOptions ho = options.hospital;
    ho.modes = options.modes;
    ho.tables = false;  // the replay ranks on its oracle's times
    in.hospitals = std::make_shared<const HospitalRanker>(graph, std::move(hospitals), ho);
  }
  in.units = fleet ? std::move(*fleet) : derive_fleet(record, in.stations, options);
  const Calibration* cal = options.calibration.get();
  if (cal != nullptr) {
    if (cal->graph_fingerprint != graph.fingerprint())
      return absl::FailedPreconditionError(absl::StrFormat(
          "calibration fitted on graph %016x, but this graph is %016x: its drive times would "
          "be mis-scaled; fit one on this graph with dk-calibrate",
          cal->graph_fingerprint, graph.fingerprint()));
    if (cal->service.empty())
      return absl::InvalidArgumentError("calibration has no service-time part");
    DK_RETURN_IF_ERROR(apply_posts(in, *cal));
  }
  // Recorded unit (index into record.unit_names) -> replayed unit, for the record's own
  // decisions (ReplayCall::recorded_unit).
  const std::vector<std::uint32_t> replay_unit_of = detail::replay_unit_index(record, in.units);

  // Service-time pools from every recorded ambulance response.
  for (const RecordedCall& c : record.calls)
    for (const RecordedResponse& r : c.responses) {
      if (r.kind != RecordedUnitKind::kAmbulance || !is_set(r.on_scene)) continue;
      if (is_set(r.transporting)) {
        in.on_scene_transport_pool.push_back(
            static_cast<std::int32_t>(detail::secs(r.transporting) - detail::secs(r.on_scene)));
        if (is_set(r.at_hospital) && is_set(r.available))
          in.handover_pool.push_back(
              static_cast<std::int32_t>(detail::secs(r.available) - detail::secs(r.at_hospital)));
      } else if (is_set(r.available)) {
        in.on_scene_release_pool.push_back(
            static_cast<std::int32_t>(detail::secs(r.available) - detail::secs(r.on_scene)));
      }
    }
  {
    const double nt = static_cast<double>(in.on_scene_transport_pool.size());
    const double nr = static_cast<double>(in.on_scene_release_pool.size());
    in.transport_share = nt + nr > 0 ? nt / (nt + nr) : 0.0;
    // Defaults when the record holds no sample at all (a tiny hand-made record).
    if (in.on_scene_transport_pool.empty()) in.on_scene_transport_pool.push_back(900);
    if (in.on_scene_release_pool.empty()) in.on_scene_release_pool.push_back(900);
    if (in.handover_pool.empty()) in.handover_pool.push_back(1200);
  }

  const double stretch_mps = std::max(0.1, options.last_stretch_kmh / 3.6);
  const SimRandom root(options.seed);
  bool any = false;
  for (std::uint32_t i = 0; i < record.calls.size(); ++i) {
    const RecordedCall& c = record.calls[i];
    auto skip = [&](SkipReason r) { ++in.skipped[static_cast<std::size_t>(r)]; };
    if (!is_set(c.received)) {
      skip(SkipReason::kNoReceivedTime);
      continue;
    }
    if (options.days && !options.days->contains(c.received, in.zone)) {
      ++in.calls_outside_days;
      continue;
    }
    // A call with a planned service is demand without a record: one ambulance, no
    // recorded column (its recorded stamps stay kNoTime).
    const bool planned = c.planned.has_value();
    if (!planned && !c.any_ambulance()) {
      skip(SkipReason::kNoAmbulance);
      continue;
    }
    const std::vector<const RecordedResponse*> arrived = detail::arrived_ambulances(c);
    if (!planned && arrived.empty()) {
      skip(SkipReason::kAmbulanceNeverOnScene);
      continue;
    }
    const ResponsePlan* plan = plans.lookup(mapping.code_for(c));
    if (plan == nullptr || !plan->sends_units()) {
      skip(SkipReason::kNoUnitsInPlan);
      continue;
    }
    absl::StatusOr<SnapResult> snapped = snapper.snap(c.location, snap_options);
    if (!snapped.ok()) {
      skip(SkipReason::kNotOnRoad);
      continue;
    }
    ReplayCall rc;
    rc.recorded = i;
    rc.received = c.received;
    rc.entered = is_set(c.entered) && c.entered >= c.received ? c.entered : c.received;
    const SimTime first = c.first_dispatch();
    std::int64_t decision = 0;
    if (is_set(first) && first >= rc.entered)
      decision = std::min<std::int64_t>(detail::secs(first) - detail::secs(rc.entered),
                                        options.max_decision_delay_s);
    // A planned delay is the call-taking time itself (JEMSS dispatchDelay), not a wait for
    // a free unit, so it is not capped.
    if (planned && c.planned->dispatch_delay_s >= 0) decision = c.planned->dispatch_delay_s;
    rc.ready = rc.entered + SimDuration(decision);
    rc.location = c.location;
    rc.position = snapped->position;
    rc.last_stretch_s =
        static_cast<std::int32_t>(std::lround(snapped->distance.value() / stretch_mps));
    rc.plan = plan;
    rc.grade = plan->grade;
    rc.mode = plan->travel_mode;
    rc.destination = plan->destination;
    rc.urgent_transport = c.disposition == "Code 3 Transport";
    rc.area = options.areas != nullptr ? options.areas->class_at(rc.location, options.area)
                                       : options.area;
    rc.target_s = static_cast<std::int32_t>(options.targets.response(rc.area, rc.grade).count());
    rc.ambulances =
        planned
            ? std::uint8_t{1}
            : static_cast<std::uint8_t>(std::min<std::size_t>(arrived.size(), kMaxUnitsPerCall));
    detail::draw_call(rc, c, arrived, in, cal, replay_unit_of, root);
    rc.recorded_first_dispatch = c.first_ambulance_dispatch();
    rc.recorded_first_on_scene = arrived.empty() ? kNoTime : arrived.front()->on_scene;
    in.calls_with_record += !planned;
    if (!any || rc.received < in.begin) in.begin = rc.received;
    if (!any || rc.received > in.end) in.end = rc.received;
    for (const RecordedResponse* r : arrived)
      if (is_set(r->available) && r->available > in.end) in.end = r->available;
    any = true;
    in.calls.push_back(rc);
  }
  if (in.calls.empty()) {
    std::string why;
    for (std::size_t r = 0; r < kSkipReasonCount; ++r)
      if (in.skipped[r] != 0)
        absl::StrAppend(&why, why.empty() ? "" : ", ", in.skipped[r], " ",
                        detail::as_absl(to_string(static_cast<SkipReason>(r))));
    return absl::InvalidArgumentError(absl::StrCat(record.report.path, ": no call left to replay; ",
                                                   record.calls.size(), " calls in the record",
                                                   why.empty() ? "" : ", skipped: ", why));
  }
  std::stable_sort(in.calls.begin(), in.calls.end(), [](const ReplayCall& a, const ReplayCall& b) {
    if (a.ready != b.ready) return a.ready < b.ready;
    if (a.received != b.received) return a.received < b.received;
    return a.recorded < b.recorded;
  });

  // The recorded column: same calls, same definitions.
  for (std::uint32_t i = 0; i < in.calls.size(); ++i) {
    const ReplayCall& rc = in.calls[i];
    // ready: wait = time beyond the (capped) decision time, as simulated.
    CallOutcome o = pending_outcome(rc, i);
    o.first_dispatch = rc.recorded_first_dispatch;
    o.first_on_scene = rc.recorded_first_on_scene;
    // The record's first unit: the earliest dispatched of those that arrived.
    std::size_t first = kMaxUnitsPerCall;
    for (std::size_t k = 0; k < rc.ambulances; ++k)
      if (is_set(rc.recorded_dispatch[k]) &&
          (first == kMaxUnitsPerCall || rc.recorded_dispatch[k] < rc.recorded_dispatch[first]))
        first = k;
    if (first != kMaxUnitsPerCall && rc.recorded_unit[first] != kNotInFleet)
      o.first_unit = rc.recorded_unit[first];
    in.recorded_outcomes.push_back(o);
  }
  {
    std::vector<std::uint8_t> in_fleet(record.unit_names.size(), 0);
    for (const ReplayUnit& u : in.units)
      for (std::uint32_t k = 0; k < record.unit_names.size(); ++k)
        if (record.unit_names[k] == u.call_sign) in_fleet[k] = 1;
    double busy = 0.0;
    for (const RecordedCall& c : record.calls)
      for (const RecordedResponse& r : c.responses)
        if (in_fleet[r.unit] && is_set(r.dispatched) && is_set(r.available) &&
            r.dispatched >= in.begin && r.dispatched <= in.end)
          busy += static_cast<double>(detail::secs(r.available) - detail::secs(r.dispatched));
    in.recorded_usage = UnitUsage{busy, in.on_duty_seconds()};
  }
  in.recorded_kpis = compute_kpis(in.recorded_outcomes, in.recorded_usage);
  // Recorded departures: every ambulance of a replayed call with both stamps.
  for (const ReplayCall& rc : in.calls)
    for (const RecordedResponse& r : record.calls[rc.recorded].responses)
      if (r.kind == RecordedUnitKind::kAmbulance && is_set(r.dispatched) && is_set(r.en_route))
        in.recorded_kpis.departures.add(
            static_cast<double>(detail::secs(r.en_route) - detail::secs(r.dispatched)));
  return in;
}

inline absl::Status apply_posts(ReplayInputs& in, const Calibration& cal) {
  for (ReplayUnit& u : in.units) {
    u.post = ReplayUnit::kHomeStation;
    const UnitPost* p = cal.post_of(u.call_sign);
    if (p == nullptr || !p->learned) continue;
    const auto it = std::find_if(in.stations.begin(), in.stations.end(),
                                 [&](const Site& s) { return s.name == p->post_station; });
    if (it == in.stations.end())
      return absl::InvalidArgumentError(absl::StrCat("calibration: post '", p->post_station,
                                                     "' of unit ", u.call_sign,
                                                     " is not in the stations file"));
    u.post = static_cast<std::uint32_t>(it - in.stations.begin());
  }
  return absl::OkStatus();
}

inline absl::Status reseed_replay(ReplayInputs& in, const RecordedCalls& record,
                                  std::uint64_t seed) {
  if (record.calls.size() != in.calls_in_record)
    return absl::InvalidArgumentError(
        absl::StrCat(record.report.path, ": ", record.calls.size(),
                     " calls, but the replay was prepared from a record of ", in.calls_in_record,
                     ": not the same record"));
  in.options.seed = seed;
  const SimRandom root(seed);
  const Calibration* cal = in.options.calibration.get();
  const std::vector<std::uint32_t> replay_unit_of = detail::replay_unit_index(record, in.units);
  for (ReplayCall& rc : in.calls) {
    const RecordedCall& c = record.calls[rc.recorded];
    // A copy of repeat_replay runs `shift` after the record; its decisions move with it.
    const SimDuration shift = rc.received - c.received;
    detail::draw_call(rc, c, detail::arrived_ambulances(c), in, cal, replay_unit_of, root);
    for (SimTime& t : rc.recorded_dispatch)
      if (is_set(t)) t += shift;
    if (rc.copy != 0) {  // a resampled copy: no recorded decision, luck of its own
      rc.recorded_unit.fill(kNotInFleet);
      rc.recorded_dispatch.fill(kNoTime);
      SimRandom own = root.fork(rc.recorded).fork(0xc0b1e5ULL + rc.copy);
      for (double& d : rc.turnout_draw) d = own.uniform01();
      for (double& d : rc.drive_draw) d = own.uniform01();
    }
  }
  return absl::OkStatus();
}

inline ReplayInputs repeat_replay(const ReplayInputs& in, std::uint32_t copies,
                                  SimDuration period) {
  ReplayInputs out = in;
  out.calls.clear();
  out.recorded_outcomes.clear();
  for (ReplayUnit& u : out.units) u.on_duty.clear();
  for (std::uint32_t k = 0; k < copies; ++k) {
    const SimDuration shift = period * k;
    auto moved = [&](SimTime t) { return is_set(t) ? t + shift : t; };
    for (ReplayCall c : in.calls) {
      c.received = moved(c.received);
      c.entered = moved(c.entered);
      c.ready = moved(c.ready);
      c.recorded_first_dispatch = moved(c.recorded_first_dispatch);
      c.recorded_first_on_scene = moved(c.recorded_first_on_scene);
      for (SimTime& t : c.recorded_dispatch) t = moved(t);
      out.calls.push_back(c);
    }
    for (CallOutcome o : in.recorded_outcomes) {
      o.call += k * static_cast<std::uint32_t>(in.calls.size());
      o.received = moved(o.received);
      o.ready = moved(o.ready);
      o.first_dispatch = moved(o.first_dispatch);
      o.first_on_scene = moved(o.first_on_scene);
      out.recorded_outcomes.push_back(o);
    }
    for (std::size_t u = 0; u < in.units.size(); ++u)
      for (const auto& [a, b] : in.units[u].on_duty) {
        auto& d = out.units[u].on_duty;
        // Merge a shift that runs on into the next copy's first one.
        if (!d.empty() && d.back().second >= a + shift)
          d.back().second = std::max(d.back().second, b + shift);
        else
          d.emplace_back(a + shift, b + shift);
      }
  }
  out.end = in.end + period * (copies == 0 ? 0 : copies - 1);
  out.calls_with_record = in.calls_with_record * copies;
  out.recorded_usage.busy_seconds *= copies;
  out.recorded_usage.on_duty_seconds = out.on_duty_seconds();
  out.recorded_kpis = compute_kpis(out.recorded_outcomes, out.recorded_usage);
  out.recorded_kpis.departures = {in.recorded_kpis.departures.units * copies,
                                  in.recorded_kpis.departures.within_3min * copies};
  return out;
}
DISPATCHKIT_NAMESPACE_END
