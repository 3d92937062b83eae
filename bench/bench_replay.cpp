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
//
// Preparation (BM_Prepare_*): prepare_replay of the week from loaded files. Since every road
// time comes through the oracle (sim/replay.hpp), it makes no table; the baseline,
// BM_Prepare_DijkstraTables, adds what it computed before: a forward and a backward
// one-to-all Dijkstra per station and a backward one per hospital (HospitalRanker's tables).
//
// Calibration (sim/calibration.hpp): BM_Calibration_Fit fits the model on the week's
// inputs (posts, drive, turnout, service; what dk-calibrate times), and
// BM_Replay_Week_Calibrated/* replays the week with that model beside
// BM_Replay_Week_Uncalibrated/* (the same strategy and oracle without it), for
// closest_idle and as_recorded.
//
// A research city without a record (sim/generate/, dk-gencalls): BM_Generate_AucklandYear
// generates a year of Auckland calls from its published gen_config.xml and 40 m raster
// (JEMSS's makeCalls), BM_Replay_AucklandYear/* replays them on the Auckland JEMSS model
// (54,370 nodes, its 13 ambulances) with the CH, both beside the SF week in the same run;
// they need ../shared/data/jemss/auckland and are left out without it. BM_Generate_ManhattanYear
// (the bundled model) runs everywhere.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "dispatchkit/recommend/closest_idle.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "dispatchkit/sim/calibration.hpp"
#include "dispatchkit/sim/compare.hpp"
#include "dispatchkit/sim/generate/call_generator.hpp"
#include "dispatchkit/sim/scenario.hpp"

namespace {

using namespace dispatchkit;

std::unique_ptr<ReplayScenario> g_week;
std::unique_ptr<ReplayInputs> g_year;
std::unique_ptr<ReplayScenario> g_week_calibrated;  // the week, prepared with g_calibration
std::shared_ptr<const Calibration> g_calibration;

// A generated city: its configuration, raster, model and a year of its calls, prepared.
struct GeneratedCity {
  CallGenConfig config;
  DensityRaster raster;
  std::unique_ptr<ReplayScenario> scenario;  // the model with a year of generated calls
};
std::unique_ptr<GeneratedCity> g_auckland, g_manhattan;

absl::StatusOr<std::unique_ptr<GeneratedCity>> load_generated_city(const std::string& dir,
                                                                   const std::string& raster,
                                                                   bool replay) {
  auto city = std::make_unique<GeneratedCity>();
  DK_ASSIGN_OR_RETURN(city->config, load_call_gen_config(dir + "/gen_config.xml"));
  DK_ASSIGN_OR_RETURN(city->raster, load_density_raster(raster));
  if (!replay) return city;
  DK_ASSIGN_OR_RETURN(GeneratedCalls year,
                      generate_calls(city->config, city->raster, {.seed = 1, .days = 365}));
  // The model and the generated record, prepared as dk-replay --jemss does (off road at the
  // model's speed, so every call is served).
  auto sc = std::make_unique<ReplayScenario>();
  GraphLoadOptions graph_options;
  graph_options.keep_largest_scc = true;
  DK_ASSIGN_OR_RETURN(JemssCity model, load_jemss_city(dir, graph_options));
  sc->graph = std::make_unique<RoadGraph>(std::move(model.graph));
  DK_ASSIGN_OR_RETURN(Snapper snapper, Snapper::build(*sc->graph));
  sc->snapper = std::make_unique<Snapper>(std::move(snapper));
  DK_ASSIGN_OR_RETURN(ContractionHierarchy ch, ContractionHierarchy::build(*sc->graph));
  sc->ch = std::make_unique<ContractionHierarchy>(std::move(ch));
  sc->record = std::move(year.record);
  sc->mapping = CallMapping::timeline_default();
  sc->plans = ResponsePlanTable::default_table();
  JemssFleet f = jemss_fleet(model, *sc->snapper);
  DK_ASSIGN_OR_RETURN(sc->inputs,
                      prepare_replay(*sc->graph, *sc->snapper, sc->record, std::move(f.stations),
                                     std::move(f.hospitals), sc->mapping, sc->plans,
                                     jemss_replay_options(model, {}), std::move(f.units)));
  city->scenario = std::move(sc);
  return city;
}

void BM_Generate_Year(benchmark::State& state, const GeneratedCity* city) {
  std::size_t n = 0;
  for (auto _ : state) {
    absl::StatusOr<GeneratedCalls> g = generate_calls(city->config, city->raster, {.days = 365});
    if (!g.ok()) state.SkipWithError(std::string(g.status().message()).c_str());
    n = g->record.calls.size();
    benchmark::DoNotOptimize(g);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.counters["calls"] = static_cast<double>(n);
}

void BM_Replay_GeneratedYear(benchmark::State& state, const GeneratedCity* city,
                             std::string_view strategy) {
  const ReplayScenario& s = *city->scenario;
  for (auto _ : state) {
    absl::StatusOr<ReplayResult> r = replay_strategy(s.inputs, strategy, s.ch.get());
    if (!r.ok()) state.SkipWithError(std::string(r.status().message()).c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(s.inputs.calls.size()));
  state.counters["calls"] = static_cast<double>(s.inputs.calls.size());
}

absl::StatusOr<ReplayInputs> prepare_week() {
  const ReplayScenario& w = *g_week;
  std::vector<Hospital> hospitals(w.inputs.hospitals->hospitals().begin(),
                                  w.inputs.hospitals->hospitals().end());
  return prepare_replay(*w.graph, *w.snapper, w.record, w.inputs.stations, std::move(hospitals),
                        w.mapping, w.plans, w.inputs.options, w.inputs.units);
}

void BM_Prepare_Seam(benchmark::State& state) {
  for (auto _ : state) {
    absl::StatusOr<ReplayInputs> in = prepare_week();
    if (!in.ok()) state.SkipWithError(std::string(in.status().message()).c_str());
    benchmark::DoNotOptimize(in);
  }
  state.counters["calls"] = static_cast<double>(g_week->inputs.calls.size());
}

// Baseline: the same preparation plus the one-to-all tables it made before the seam.
void BM_Prepare_DijkstraTables(benchmark::State& state) {
  const RoadGraph& g = *g_week->graph;
  for (auto _ : state) {
    absl::StatusOr<ReplayInputs> in = prepare_week();
    if (!in.ok()) state.SkipWithError(std::string(in.status().message()).c_str());
    std::vector<std::vector<Weight>> tables;
    Dijkstra d(g);
    for (const RoadPosition& p : in->station_positions)
      for (const Dijkstra::Direction dir :
           {Dijkstra::Direction::kBackward, Dijkstra::Direction::kForward}) {
        const SeedPair s = dir == Dijkstra::Direction::kBackward ? target_seeds(g, g.weights(), p)
                                                                 : source_seeds(g, g.weights(), p);
        d.run(s.view(), dir, NodeId::invalid());
        std::vector<Weight>& t = tables.emplace_back(g.node_count());
        for (std::uint32_t v = 0; v < g.node_count(); ++v) t[v] = d.distance_to(NodeId(v)).count();
      }
    std::vector<Hospital> hs(in->hospitals->hospitals().begin(), in->hospitals->hospitals().end());
    const HospitalRanker tabled(g, std::move(hs), in->options.hospital);
    benchmark::DoNotOptimize(tables);
    benchmark::DoNotOptimize(&tabled);
  }
  state.counters["calls"] = static_cast<double>(g_week->inputs.calls.size());
}

void BM_Calibration_Fit(benchmark::State& state) {
  for (auto _ : state) {
    absl::StatusOr<Calibration> c = fit_calibration(g_week->inputs, g_week->record);
    if (!c.ok()) state.SkipWithError(std::string(c.status().message()).c_str());
    benchmark::DoNotOptimize(c);
  }
  state.counters["calls"] = static_cast<double>(g_week->inputs.calls.size());
}

void BM_Replay_Week_Calibrated(benchmark::State& state, std::string_view strategy) {
  for (auto _ : state) {
    absl::StatusOr<ReplayResult> r =
        replay_strategy(g_week_calibrated->inputs, strategy, g_week_calibrated->ch.get());
    if (!r.ok()) state.SkipWithError(std::string(r.status().message()).c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(g_week_calibrated->inputs.calls.size()));
}

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
  {
    absl::StatusOr<Calibration> c = fit_calibration(g_week->inputs, g_week->record);
    if (!c.ok()) {
      std::fprintf(stderr, "bench_replay: %s\n", c.status().ToString().c_str());
      return 2;
    }
    g_calibration = std::make_shared<const Calibration>(*std::move(c));
    ReplayScenarioOptions o;
    o.replay.calibration = g_calibration;
    absl::StatusOr<std::unique_ptr<ReplayScenario>> cs = load_replay_scenario(paths, o);
    if (!cs.ok()) {
      std::fprintf(stderr, "bench_replay: %s\n", cs.status().ToString().c_str());
      return 2;
    }
    g_week_calibrated = *std::move(cs);
  }
  g_year =
      std::make_unique<ReplayInputs>(repeat_replay(g_week->inputs, 52, std::chrono::hours(24 * 7)));
  {
    absl::StatusOr<std::unique_ptr<GeneratedCity>> m = load_generated_city(
        data + "/manhattan", data + "/manhattan/manhattan_pop_densit_20m.zip", false);
    if (!m.ok()) {
      std::fprintf(stderr, "bench_replay: %s\n", m.status().ToString().c_str());
      return 2;
    }
    g_manhattan = *std::move(m);
    const std::string akl = std::string(DK_BENCH_SHARED_DATA_DIR) + "/jemss/auckland";
    if (access((akl + "/gen_config.xml").c_str(), R_OK) == 0) {
      absl::StatusOr<std::unique_ptr<GeneratedCity>> a =
          load_generated_city(akl, akl + "/auckland-pop-densit-40m.zip", true);
      if (!a.ok()) {
        std::fprintf(stderr, "bench_replay: %s\n", a.status().ToString().c_str());
        return 2;
      }
      g_auckland = *std::move(a);
    } else {
      std::fprintf(stderr, "bench_replay: no %s: the Auckland benchmarks are left out\n",
                   akl.c_str());
    }
  }

  benchmark::RegisterBenchmark("BM_Prepare_DijkstraTables", BM_Prepare_DijkstraTables)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Prepare_Seam", BM_Prepare_Seam)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Replay_Week/closest_idle", BM_Replay_Week, "closest_idle")
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Replay_Week/coverage_aware", BM_Replay_Week, "coverage_aware")
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Replay_Week_DijkstraOracle/closest_idle",
                               BM_Replay_Week_DijkstraOracle, "closest_idle")
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Replay_Week_DirectClosestIdle", BM_Replay_Week_DirectClosestIdle)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Calibration_Fit", BM_Calibration_Fit)
      ->Unit(benchmark::kMillisecond);
  for (const char* name : {"closest_idle", "as_recorded"}) {
    benchmark::RegisterBenchmark((std::string("BM_Replay_Week_Uncalibrated/") + name).c_str(),
                                 BM_Replay_Week, name)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((std::string("BM_Replay_Week_Calibrated/") + name).c_str(),
                                 BM_Replay_Week_Calibrated, name)
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("BM_Replay_SyntheticYear/closest_idle", BM_Replay_SyntheticYear,
                               "closest_idle")
      ->Unit(benchmark::kMillisecond)
      ->Iterations(1);
  benchmark::RegisterBenchmark("BM_Replay_SyntheticYear/coverage_aware", BM_Replay_SyntheticYear,
                               "coverage_aware")
      ->Unit(benchmark::kMillisecond)
      ->Iterations(1);
  benchmark::RegisterBenchmark("BM_Generate_ManhattanYear", BM_Generate_Year, g_manhattan.get())
      ->Unit(benchmark::kMillisecond);
  if (g_auckland) {
    benchmark::RegisterBenchmark("BM_Generate_AucklandYear", BM_Generate_Year, g_auckland.get())
        ->Unit(benchmark::kMillisecond);
    for (const char* name : {"closest_idle", "coverage_aware"})
      benchmark::RegisterBenchmark((std::string("BM_Replay_AucklandYear/") + name).c_str(),
                                   BM_Replay_GeneratedYear, g_auckland.get(), name)
          ->Unit(benchmark::kMillisecond)
          ->Iterations(1);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
