// Replay speed: the bundled San Francisco week (2,643 calls, 75 ambulances) and a synthetic
// year (52 time-shifted copies of it), per strategy and oracle.
//
//   bench_replay [--benchmark_filter=Week] [--calls=FILE --graph=FILE --stations=FILE
//                --hospitals=FILE]        (defaults: the bundled data/sf files)
//
// Loading, snapping, the contraction hierarchy and prepare_replay are outside timing; a
// timed iteration is one complete replay (fresh fleet, strategy and oracle). Baseline in
// the same binary: the same replay with the reference DijkstraOracle (one reverse
// Dijkstra over the whole graph per dispatch decision).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "dispatchkit/recommend/closest_idle.hpp"
#include "dispatchkit/sim/compare.hpp"
#include "dispatchkit/sim/scenario.hpp"

namespace {

using namespace dispatchkit;

std::unique_ptr<ReplayScenario> g_week;
std::unique_ptr<ReplayInputs> g_year;

void report(benchmark::State& state, const ReplayInputs& in) {
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(in.calls.size()));
  state.counters["calls"] = static_cast<double>(in.calls.size());
}

// Registered strategy by name, ChOracle (what dk-replay runs).
void BM_Replay_Week(benchmark::State& state, std::string_view strategy) {
  for (auto _ : state) {
    absl::StatusOr<ReplayResult> r = replay_strategy(g_week->inputs, strategy, g_week->ch.get());
    if (!r.ok()) state.SkipWithError(std::string(r.status().message()).c_str());
    benchmark::DoNotOptimize(r);
  }
  report(state, g_week->inputs);
}

// Baseline: the same week with the reference Dijkstra oracle.
void BM_Replay_Week_DijkstraOracle(benchmark::State& state, std::string_view strategy) {
  for (auto _ : state) {
    absl::StatusOr<ReplayResult> r = replay_strategy(g_week->inputs, strategy, nullptr);
    if (!r.ok()) state.SkipWithError(std::string(r.status().message()).c_str());
    benchmark::DoNotOptimize(r);
  }
  report(state, g_week->inputs);
}

// ClosestIdle called directly (no type erasure), to show what AnyRecommender costs.
void BM_Replay_Week_DirectClosestIdle(benchmark::State& state) {
  for (auto _ : state) {
    ClosestIdle strategy;
    ChOracle oracle(*g_week->ch, *g_week->graph, g_week->inputs.options.modes);
    ReplayResult r = run_replay(g_week->inputs, strategy, oracle);
    benchmark::DoNotOptimize(r);
  }
  report(state, g_week->inputs);
}

void BM_Replay_SyntheticYear(benchmark::State& state, std::string_view strategy) {
  for (auto _ : state) {
    absl::StatusOr<ReplayResult> r = replay_strategy(*g_year, strategy, g_week->ch.get());
    if (!r.ok()) state.SkipWithError(std::string(r.status().message()).c_str());
    benchmark::DoNotOptimize(r);
  }
  report(state, *g_year);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  const std::string data = DK_BENCH_DATA_DIR;
  ReplayPaths paths{.graph = data + "/sf/sf_osm_edges.csv.xz",
                    .calls = data + "/sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz",
                    .stations = data + "/sf/sf_fire_stations.csv",
                    .hospitals = data + "/sf/sf_hospitals.csv"};
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto take = [&](std::string_view flag, std::string& out) {
      if (a.substr(0, flag.size()) != flag) return false;
      out = std::string(a.substr(flag.size()));
      return true;
    };
    if (!take("--graph=", paths.graph) && !take("--calls=", paths.calls) &&
        !take("--stations=", paths.stations) && !take("--hospitals=", paths.hospitals)) {
      std::fprintf(stderr, "bench_replay: unknown argument %s\n", argv[i]);
      return 2;
    }
  }
  absl::StatusOr<std::unique_ptr<ReplayScenario>> s = load_replay_scenario(paths);
  if (!s.ok()) {
    std::fprintf(stderr, "bench_replay: %s\n", s.status().ToString().c_str());
    return 2;
  }
  g_week = *std::move(s);
  g_year =
      std::make_unique<ReplayInputs>(repeat_replay(g_week->inputs, 52, std::chrono::hours(24 * 7)));

  benchmark::RegisterBenchmark("BM_Replay_Week/closest_idle", BM_Replay_Week, "closest_idle")
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Replay_Week/coverage_aware", BM_Replay_Week, "coverage_aware")
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Replay_Week_DijkstraOracle/closest_idle",
                               BM_Replay_Week_DijkstraOracle, "closest_idle")
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Replay_Week_DirectClosestIdle", BM_Replay_Week_DirectClosestIdle)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Replay_SyntheticYear/closest_idle", BM_Replay_SyntheticYear,
                               "closest_idle")
      ->Unit(benchmark::kMillisecond)
      ->Iterations(1);
  benchmark::RegisterBenchmark("BM_Replay_SyntheticYear/coverage_aware", BM_Replay_SyntheticYear,
                               "coverage_aware")
      ->Unit(benchmark::kMillisecond)
      ->Iterations(1);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
