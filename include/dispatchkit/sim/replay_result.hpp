// dispatchkit/sim/replay_result.hpp: what one strategy's replay produced.
//
//   ReplayResult r = run_replay(inputs, strategy, oracle);     // sim/replay_engine.hpp
//   r.kpis.overall.response.median_s;        // simulated, same definitions as recorded
//   r.outcomes[i];                           // call i of ReplayInputs::calls: its times
//   r.preemptions;                           // units diverted from a less urgent call
//
// Reports (sim/report.hpp) and comparisons (sim/compare.hpp) read it; it holds no pointer
// into the inputs, so it outlives them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/sim/kpi.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// Result of one strategy's replay.
struct ReplayResult {
  std::string strategy;
  // Which travel times decided and drove: "free_flow" (the graph's own) or "time_of_day"
  // (a TimeOfDayOracle over recorded traffic); set by whoever chose the oracle.
  std::string decisions = "free_flow";
  std::vector<CallOutcome> outcomes;  // one per ReplayInputs::calls, same order
  UnitUsage usage;
  KpiReport kpis;
  std::uint64_t events = 0;
  std::uint64_t dispatches = 0;
  std::uint64_t preemptions = 0;
  std::uint64_t calls_queued = 0;  // calls that found no suitable unit at first
  std::uint64_t transports = 0;
  // as_recorded only: dispatches that sent the recorded unit at its recorded time, and
  // those that could not (not in the fleet, heading off duty, unreachable) and sent the
  // closest idle unit instead.
  std::uint64_t recorded_dispatches = 0;
  std::uint64_t substituted_dispatches = 0;
  // ... of the recorded dispatches, those that took the unit from a job the model had not
  // finished (its modelled times ran longer than the record's; the record's decision wins).
  std::uint64_t recorded_units_released = 0;
  // Move-up (ReplayResult::move_up names the policy, "none" without one): idle units sent
  // to another post, and the seconds of driving those moves were planned to take (a move
  // cut short by a dispatch counts whole; a returning unit sent elsewhere counts its whole
  // new drive).
  std::string move_up = "none";
  std::uint64_t relocations = 0;
  double relocation_drive_s = 0.0;
};

DISPATCHKIT_NAMESPACE_END
