// dispatchkit/sim/generate/call_generator.hpp: JEMSS's call generation, for cities without a
// call record of their own.
//
//   absl::StatusOr<CallGenConfig> config = load_call_gen_config("data/manhattan/gen_config.xml");
//   absl::StatusOr<DensityRaster> raster =
//       load_density_raster("data/manhattan/manhattan_pop_densit_20m.zip");
//   absl::StatusOr<GeneratedCalls> g = generate_calls(*config, *raster, {.seed = 3, .days = 7});
//   absl::StatusOr<std::string> csv = jemss_calls_csv(g->record, g->time_zero);
//   prepare_replay(graph, snapper, g->record, ...);      // demand without a record
//
// What JEMSS's makeCalls does (uoa-ems-research/JEMSS.jl, src/file/gen_sim_files.jl): from
// startTime, add an interarrival draw; stop before the first call past maxCallArrivalTime,
// after numCalls calls, or after the first call at or past minLastCallArrivalTime; each
// call draws its priority, dispatch delay, on-scene duration, transport (then the handover,
// set to 0 when there is no transport) and its place: a raster cell by density and a
// uniform point inside it (sim/generate/density_raster.hpp). Each distribution draws from
// its own stream seeded as gen_config.xml says, so changing one distribution leaves the
// others' draws alone; `seed` forks every stream (a replication), unset uses the seeds as
// written. The same configuration, raster and seed give the same calls on every platform.
// Draws are Distributions.jl's distributions on dispatchkit's SplitMix64 uniforms
// (sim/generate/distribution.hpp), not Julia's MersenneTwister numbers.
//
// Times are rounded to the second. A duration drawn below zero (a Normal's tail) is
// clamped to 0 and counted. Calls are RecordedCalls with a PlannedService each (the call's
// own dispatch delay, on-scene time, transport and handover), numbered 1, 2, ... in
// arrival order, with JEMSS priorities 1 / 2 / 3 as grades I / II / III like the JEMSS
// calls reader (sim/io/jemss_calls.hpp), so that a generated record and the file written
// from it replay alike.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/sim/event_queue.hpp"
#include "dispatchkit/sim/generate/density_raster.hpp"
#include "dispatchkit/sim/generate/distribution.hpp"
#include "dispatchkit/sim/generate/gen_config.hpp"
#include "dispatchkit/sim/io/jemss_calls.hpp"
#include "dispatchkit/sim/local_time.hpp"
#include "dispatchkit/sim/recorded_calls.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct CallGenerationOptions {
  std::optional<std::uint64_t> seed;  // fork every stream (replication N); unset: as written
  // Generate this many days after startTime instead of the configuration's stop rule.
  std::optional<double> days;
  // Local time of JEMSS time 0 (RecordedCallsOptions::jemss_day_zero, the zone).
  std::int64_t day_zero = RecordedCallsOptions{}.jemss_day_zero;
  TimeZone zone;                         // UTC
  std::uint64_t max_calls = 50'000'000;  // a configuration that would never stop is an error
};

struct GeneratedCalls {
  RecordedCalls record;                 // every call planned; report.format "jemss"
  SimTime time_zero{};                  // JEMSS time 0
  std::uint64_t durations_clamped = 0;  // draws below zero set to 0
  std::array<std::uint64_t, 3> by_priority{};
};

// Errors: InvalidArgument when the configuration would generate more than max_calls.
[[nodiscard]] absl::StatusOr<GeneratedCalls> generate_calls(
    const CallGenConfig& config, const DensityRaster& raster,
    const CallGenerationOptions& options = {});

// ---------------------------------------------------------------------------------------
// Implementation.

inline absl::StatusOr<GeneratedCalls> generate_calls(const CallGenConfig& config,
                                                     const DensityRaster& raster,
                                                     const CallGenerationOptions& options) {
  auto stream = [&](std::uint64_t seed) {
    return options.seed ? SimRandom(seed).fork(*options.seed) : SimRandom(seed);
  };
  SimRandom interarrival = stream(config.seeds.interarrival),
            priority = stream(config.seeds.priority),
            dispatch_delay = stream(config.seeds.dispatch_delay),
            on_scene = stream(config.seeds.on_scene), transport = stream(config.seeds.transport),
            handover = stream(config.seeds.handover), cell = stream(config.seeds.cell),
            cell_location = stream(config.seeds.cell_location);
  const RasterSampler sampler(raster);
  GeneratedCalls g;
  g.time_zero = utc_from_local(options.day_zero * 86400, options.zone);
  g.record.zone = options.zone;
  g.record.report.path = config.path;
  g.record.report.format = to_string(CallFormat::kJemss);
  // The stop rule as plain values (an unset rule never stops).
  constexpr double kNever = std::numeric_limits<double>::infinity();
  std::uint64_t num_calls = config.num_calls.value_or(std::numeric_limits<std::uint64_t>::max());
  double max_arrival = config.max_call_arrival_days.value_or(kNever);
  double min_last = config.min_last_call_arrival_days.value_or(kNever);
  if (options.days) {
    num_calls = std::numeric_limits<std::uint64_t>::max();
    min_last = kNever;
    max_arrival = config.start_days + *options.days;
  }
  auto seconds = [&](double days) {
    const double s = days * 86400.0;
    if (s < 0) {
      ++g.durations_clamped;
      return std::int64_t{0};
    }
    return static_cast<std::int64_t>(std::llround(s));
  };
  constexpr std::string_view kGrades[] = {"I", "II", "III"};
  double now = config.start_days;
  while (g.record.calls.size() < num_calls) {
    now += config.interarrival.sample(interarrival);
    if (now > max_arrival) break;
    if (g.record.calls.size() >= options.max_calls)
      return absl::InvalidArgumentError(absl::StrCat(
          config.path, ": more than ", options.max_calls,
          " calls before the stop rule ends them: check <interarrivalTime> and the stop time"));
    RecordedCall c;
    c.call_number = absl::StrCat(g.record.calls.size() + 1);
    c.received = g.time_zero + SimDuration(static_cast<std::int64_t>(std::llround(now * 86400.0)));
    const auto p = static_cast<std::size_t>(config.priority.sample(priority));
    c.original_priority = std::string(kGrades[p - 1]);
    c.final_priority = absl::StrCat(p);
    ++g.by_priority[p - 1];
    PlannedService s;
    s.dispatch_delay_s =
        static_cast<std::int32_t>(seconds(config.dispatch_delay.sample(dispatch_delay)));
    s.on_scene_s = static_cast<std::int32_t>(seconds(config.on_scene.sample(on_scene)));
    s.transports = config.transport.sample(transport) == 1.0 ? 1 : 0;
    const double hand = config.handover.sample(handover);  // drawn always, as JEMSS does
    s.handover_s = s.transports ? static_cast<std::int32_t>(seconds(hand)) : 0;
    c.location = sampler.sample(cell, cell_location);
    c.planned = s;
    c.first_line = static_cast<std::uint32_t>(g.record.calls.size() + 1);
    g.record.calls.push_back(std::move(c));
    if (now >= min_last) break;
  }
  g.record.report.rows_read = g.record.report.rows_used = g.record.calls.size();
  g.record.report.calls_without_unit = g.record.calls.size();
  return g;
}

DISPATCHKIT_NAMESPACE_END
