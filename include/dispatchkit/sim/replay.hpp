// dispatchkit/sim/replay.hpp: replay recorded calls through a dispatch strategy.
//
//   auto graph = load_graph("data/sf/sf_osm_edges.csv.xz");
//   auto snapper = Snapper::build(*graph);
//   auto calls = load_recorded_calls("data/sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz");
//   auto stations = load_sites("data/sf/sf_fire_stations.csv");
//   auto hospitals = load_emergency_departments("data/sf/sf_hospitals.csv", *snapper);
//   absl::StatusOr<ReplayInputs> in = prepare_replay(*graph, *snapper, *calls, *stations,
//                                                    *hospitals, CallMapping::sf_default(),
//                                                    ResponsePlanTable::default_table());
//   DijkstraOracle oracle(*graph);
//   ClosestIdle strategy;
//   ReplayResult r = run_replay(*in, strategy, oracle);
//   r.kpis.overall.response.median_s;           // simulated
//   in->recorded_kpis.overall.response.median_s;  // what really happened, same definitions
//
// What is simulated. Each replayed call becomes ready for dispatch at its recorded CAD
// entry time plus the recorded decision time (first dispatch - entry), the latter capped
// at ReplayOptions::max_decision_delay_s: beyond that the record shows the call waiting
// for a unit, which the replay models itself. Then the strategy (any UnitRecommender:
// ClosestIdle, CoverageAware, ... or a researcher's own) picks an ambulance; if none is
// suitable the call waits in a TriageQueue (triage/triage_queue.hpp: most urgent grade
// first, overdue calls aged upwards) and is served when a unit frees up.
// A unit's life: dispatched -> en route (turnout from the Fleet, road time from the
// oracle, then the last stretch from the nearest street to the caller at
// last_stretch_kmh) -> on scene (recorded time there, else sampled) -> transporting to
// the nearest hospital of the plan's specialty (trauma centres for trauma plans) ->
// handover (recorded, else sampled) -> returning to its station (may be dispatched
// again on the way, from its position along the route) -> at station. Every status
// change goes through Fleet's validated transitions.
//
// Determinism: no wall clock; events tie-break by sequence number; samples are drawn from
// a SimRandom stream forked per call and unit slot, so every strategy sees the same
// service times for the same call, and the same seed gives byte-identical reports.
//
// Approximations (documented in docs/replay.md): a unit en route is located at its
// origin if diverted; the record's first responders (engines) are not simulated, so
// response time is "first AMBULANCE on scene" in both the recorded and simulated
// columns; calls whose recorded ambulances never reached the scene are skipped (reason
// ambulance_never_on_scene); the crews' on-duty periods are inferred from the record
// (ShiftModel; by default a unit is on duty in each 12-hour block, 08:00-20:00 /
// 20:00-08:00 local, in which it was dispatched) unless a fleet file is given.
//
// One travel-time seam: the oracle (a TravelTimeOracle; free flow over a CH, or a
// TimeOfDayOracle on recorded traffic and closures) answers every road time of the run:
// the decisions' ETAs and the drives to the scene, the drive from the scene to each
// hospital when one is chosen, and the drive home with its route (where a returning unit
// is when it is sent again). An oracle without drive() (DriveOracle) gets them from a
// Dijkstra on free flow.
//
// Cost: per call one oracle query per unit sent plus O(units); per transport one drive per
// hospital, per return one drive with its route. Nothing is tabulated per station or
// hospital, so preparing a replay costs the snapping alone.
//
// The replay by stage (this header brings them all):
//   sim/replay_inputs.hpp   ReplayOptions, ShiftModel, ReplayUnit, ReplayCall, ReplayInputs
//   sim/recorded_fleet.hpp  derive_fleet: the fleet the record shows
//   sim/io/fleet_csv.hpp    load_fleet_file: a fleet file instead
//   sim/prepare_replay.hpp  prepare_replay, repeat_replay
//   sim/load_scaling.hpp    scale_demand, scale_fleet: the city under more load
//   sim/replay_engine.hpp   run_replay<Recommender, Oracle>: the event engine
//   sim/replay_result.hpp   ReplayResult
#pragma once

#include "dispatchkit/sim/io/fleet_csv.hpp"
#include "dispatchkit/sim/load_scaling.hpp"
#include "dispatchkit/sim/prepare_replay.hpp"
#include "dispatchkit/sim/recorded_fleet.hpp"
#include "dispatchkit/sim/replay_engine.hpp"
#include "dispatchkit/sim/replay_inputs.hpp"
#include "dispatchkit/sim/replay_result.hpp"
