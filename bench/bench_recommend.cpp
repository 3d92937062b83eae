// bench_recommend: one unit recommendation for one incident, 50 / 500 / 5,000 units.
//
//   bench_recommend --graph=../shared/data/road_pace16_NY.gr.xz
//   bench_recommend --benchmark_filter=ClosestIdle --graph=../shared/data/jemss/auckland
//
// Every benchmark times single recommendations (each iteration: the next of 1,000 fixed
// random incidents) and reports the median and 99th percentile of those times as the
// counters p50_us and p99_us: a dispatcher waits for the slow ones, not the mean. They are
// the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so that a shared, loaded
// machine descheduling the thread does not masquerade as a slow query; p99_wall_us gives
// the wall-clock 99th percentile beside it (equal on an idle machine).
//   BM_Recommend_<Strategy>/<units>  the shipped strategies over ChOracle (CH many-to-one)
//   BM_Recommend_PerUnitCH/<units>   baseline: closest idle with one ChQuery per unit
//   BM_Recommend_ReverseDijkstra/<units>  baseline: closest idle with one reverse Dijkstra
//   BM_Recommend_OracleOnly/<units>  the CH many-to-one query alone (attribution)
//   BM_Recommend_CchOracleOnly/<units>  the same question to CchOracle (live-traffic seam,
//                                    CCH many-to-one on a customized free-flow metric)
//   BM_Recommend_ClosestIdleCch/<units>  closest idle over CchOracle
//   BM_Recommend_CchOracleSwap/<units>  a metric swap published before every query: the
//                                    query plus re-placing every unit on the new metric
// Units sit at random nodes (fixed seed), all available; a third are BLS, the rest ALS,
// so the ALS filter has work to do. Graph loading, CH construction and the coverage
// precomputation happen before any timing.
#include <benchmark/benchmark.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "dispatchkit/detail/hash.hpp"
#include "dispatchkit/recommend/recommend.hpp"
#include "dispatchkit/recommend/traffic/cch_oracle.hpp"
#include "dispatchkit/route/cch.hpp"
#include "dispatchkit/route/ch/contraction_hierarchy.hpp"
#include "dispatchkit/route/ch/query.hpp"
#include "dispatchkit/triage/response_plan.hpp"

using namespace dispatchkit;

namespace {

const RoadGraph* g_graph = nullptr;
const ContractionHierarchy* g_ch = nullptr;
const CchTopology* g_cch = nullptr;
// Two customized metrics: free flow and every arc 1.5x (what a swap alternates between).
std::shared_ptr<const CchMetric> g_free_flow, g_congested;
constexpr std::uint64_t kSeed = 20170101;
constexpr std::size_t kIncidents = 1000;

std::vector<NodeId> random_nodes(std::size_t count, std::uint64_t seed) {
  std::vector<NodeId> out;
  for (std::size_t i = 0; i < count; ++i)
    out.push_back(
        NodeId(static_cast<std::uint32_t>(detail::splitmix64(seed + i) % g_graph->node_count())));
  return out;
}

Fleet make_fleet(std::uint32_t units) {
  Fleet f;
  const auto nodes = random_nodes(units, kSeed);
  const CapabilitySet als = CapabilitySet{Capability::kAls} | Capability::kTransport;
  const CapabilitySet bls = CapabilitySet{Capability::kBls} | Capability::kTransport;
  for (std::uint32_t i = 0; i < units; ++i) {
    auto id = f.add_unit({.call_sign = "U" + std::to_string(i),
                          .capabilities = i % 3 == 0 ? bls : als,
                          .position = RoadPosition::at_node(nodes[i])});
    if (!id.ok()) std::abort();
  }
  return f;
}

std::vector<Incident> make_incidents() {
  static const ResponsePlan* plan = [] {
    return ResponsePlanTable::default_table().lookup(*DeterminantCode::parse("9-E-1"));
  }();
  std::vector<Incident> out;
  for (NodeId n : random_nodes(kIncidents, kSeed * 7)) {
    Incident i = Incident::from_plan(IncidentId(out.size() + 1), RoadPosition::at_node(n),
                                     sim_time_from_unix(1483228800), *plan);
    out.push_back(i);
  }
  return out;
}

// Times `one(incident)` per iteration; reports p50_us / p99_us.
double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

template <class F>
void timed_loop(benchmark::State& state, const std::vector<Incident>& incidents, F&& one) {
  std::vector<double> cpu, wall;
  cpu.reserve(1 << 16);
  wall.reserve(1 << 16);
  std::size_t k = 0;
  for (auto _ : state) {
    const double c0 = thread_cpu_us();
    const auto t0 = std::chrono::steady_clock::now();
    one(incidents[k]);
    const auto t1 = std::chrono::steady_clock::now();
    cpu.push_back(thread_cpu_us() - c0);
    wall.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    k = (k + 1) % incidents.size();
  }
  state.counters["p50_us"] = percentile(cpu, 0.50);
  state.counters["p99_us"] = percentile(cpu, 0.99);
  state.counters["p99_wall_us"] = percentile(wall, 0.99);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// One strategy over `oracle` (ChOracle unless a benchmark says otherwise).
template <class Strategy, class Oracle>
void bm_strategy_on(benchmark::State& state, Strategy strategy, Oracle& oracle) {
  const Fleet fleet = make_fleet(static_cast<std::uint32_t>(state.range(0)));
  const auto incidents = make_incidents();
  Recommendation rec;
  strategy.recommend(incidents[0], fleet, oracle, rec);  // warm-up: buckets, coverage, buffers
  timed_loop(state, incidents, [&](const Incident& i) {
    strategy.recommend(i, fleet, oracle, rec);
    benchmark::DoNotOptimize(rec.candidates.data());
  });
}
template <class Strategy>
void bm_strategy(benchmark::State& state, Strategy strategy) {
  ChOracle oracle(*g_ch, *g_graph);
  bm_strategy_on(state, std::move(strategy), oracle);
}

// The oracle's query alone; `before_each()` runs inside the timed region before it.
template <class Oracle, class Before>
void bm_oracle_only(benchmark::State& state, Oracle& oracle, Before&& before_each) {
  const Fleet fleet = make_fleet(static_cast<std::uint32_t>(state.range(0)));
  const auto incidents = make_incidents();
  if (const absl::Status s = oracle.sync(fleet); !s.ok()) {
    state.SkipWithError(s.ToString().c_str());
    return;
  }
  std::vector<Weight> times(fleet.size());
  timed_loop(state, incidents, [&](const Incident& i) {
    before_each();
    oracle.travel_times_to(i.position, i.mode, times);
    benchmark::DoNotOptimize(times.data());
  });
}

void BM_Recommend_ClosestIdle(benchmark::State& state) {
  bm_strategy(state, ClosestIdle());
}
void BM_Recommend_ResponsePlan(benchmark::State& state) {
  bm_strategy(state, ResponsePlanRecommender(*g_graph));
}
void BM_Recommend_Preemption(benchmark::State& state) {
  bm_strategy(state, Preemption());
}
void BM_Recommend_CoverageAware(benchmark::State& state) {
  // 1,000 demand points at random nodes (weights 1..5), 8-minute target, q = 0.3.
  std::vector<DemandPoint> demand;
  std::uint64_t s = kSeed * 13;
  for (NodeId n : random_nodes(1000, kSeed * 11))
    demand.push_back(
        {RoadPosition::at_node(n), 1.0 + static_cast<double>(detail::splitmix64(s++) % 5)});
  bm_strategy(state, CoverageAware(*g_graph, std::move(demand)));
}

// Attribution: the CH many-to-one query alone (what every strategy above pays first).
void BM_Recommend_OracleOnly(benchmark::State& state) {
  ChOracle oracle(*g_ch, *g_graph);
  bm_oracle_only(state, oracle, [] {});
}

// The live-traffic seam: the same question to CchOracle on a store holding free flow.
void BM_Recommend_CchOracleOnly(benchmark::State& state) {
  MetricStore<CchMetric> store(g_free_flow);
  CchOracle oracle(store, *g_graph);
  bm_oracle_only(state, oracle, [] {});
}

void BM_Recommend_ClosestIdleCch(benchmark::State& state) {
  MetricStore<CchMetric> store(g_free_flow);
  CchOracle oracle(store, *g_graph);
  bm_strategy_on(state, ClosestIdle(), oracle);
}

// Worst case for the seam: the traffic thread publishes before every query, so every
// query first re-places all units on the new metric (CchManyToOne::set_metric).
void BM_Recommend_CchOracleSwap(benchmark::State& state) {
  MetricStore<CchMetric> store(g_free_flow);
  CchOracle oracle(store, *g_graph);
  bool congested = false;
  bm_oracle_only(state, oracle, [&] {
    congested = !congested;
    store.publish(congested ? g_congested : g_free_flow);
  });
}

// Baseline: closest idle where each unit's ETA is its own CH point-to-point query.
void BM_Recommend_PerUnitCH(benchmark::State& state) {
  const Fleet fleet = make_fleet(static_cast<std::uint32_t>(state.range(0)));
  const auto incidents = make_incidents();
  ChQuery query(*g_ch, *g_graph);
  timed_loop(state, incidents, [&](const Incident& i) {
    Deciseconds best = Deciseconds::infinite();
    UnitId best_unit;
    for (const Unit& u : fleet.units()) {
      if (!is_available(u.status()) || !i.primary_accepts(u.capabilities())) continue;
      const Deciseconds eta = fleet.turnout(u.status()) + query.distance(u.position(), i.position);
      if (eta < best || (eta == best && u.id() < best_unit)) {
        best = eta;
        best_unit = u.id();
      }
    }
    benchmark::DoNotOptimize(best_unit);
  });
}

// Baseline: closest idle over one reverse Dijkstra per incident (DijkstraOracle).
void BM_Recommend_ReverseDijkstra(benchmark::State& state) {
  const Fleet fleet = make_fleet(static_cast<std::uint32_t>(state.range(0)));
  const auto incidents = make_incidents();
  DijkstraOracle oracle(*g_graph);
  ClosestIdle strategy;
  Recommendation rec;
  timed_loop(state, incidents, [&](const Incident& i) {
    strategy.recommend(i, fleet, oracle, rec);
    benchmark::DoNotOptimize(rec.candidates.data());
  });
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  static const RoadGraph graph =
      dk_bench::load_graph_from_args(argc, argv, dk_bench::default_graph_path());
  g_graph = &graph;
  const auto t0 = std::chrono::steady_clock::now();
  auto ch = ContractionHierarchy::build(graph);
  if (!ch.ok()) {
    std::fprintf(stderr, "error: CH build failed: %s\n", ch.status().ToString().c_str());
    return 2;
  }
  static const ContractionHierarchy hierarchy = *std::move(ch);
  g_ch = &hierarchy;
  std::fprintf(stderr, "CH built in %.2f s\n",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  {
    const auto t1 = std::chrono::steady_clock::now();
    auto order = cch_order_metis(graph);
    auto topo = order.ok() ? CchTopology::build(graph, *order)
                           : absl::StatusOr<CchTopology>(order.status());
    if (!topo.ok()) {
      std::fprintf(stderr, "error: CCH build failed: %s\n", topo.status().ToString().c_str());
      return 2;
    }
    static const CchTopology cch = *std::move(topo);
    g_cch = &cch;
    std::vector<Weight> slow(graph.weights().begin(), graph.weights().end());
    for (Weight& w : slow) w = w == kInfWeight ? w : w + w / 2;
    auto ff = CchMetric::customize(cch, graph.weights());
    auto jam = CchMetric::customize(cch, slow);
    if (!ff.ok() || !jam.ok()) {
      std::fprintf(stderr, "error: CCH customization failed\n");
      return 2;
    }
    g_free_flow = std::make_shared<const CchMetric>(*std::move(ff));
    g_congested = std::make_shared<const CchMetric>(*std::move(jam));
    std::fprintf(stderr, "CCH built and customized twice in %.2f s\n",
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count());
  }
  for (auto* bm :
       {benchmark::RegisterBenchmark("BM_Recommend_ClosestIdle", BM_Recommend_ClosestIdle),
        benchmark::RegisterBenchmark("BM_Recommend_ClosestIdleCch", BM_Recommend_ClosestIdleCch),
        benchmark::RegisterBenchmark("BM_Recommend_CchOracleOnly", BM_Recommend_CchOracleOnly),
        benchmark::RegisterBenchmark("BM_Recommend_CchOracleSwap", BM_Recommend_CchOracleSwap),
        benchmark::RegisterBenchmark("BM_Recommend_CoverageAware", BM_Recommend_CoverageAware),
        benchmark::RegisterBenchmark("BM_Recommend_ResponsePlan", BM_Recommend_ResponsePlan),
        benchmark::RegisterBenchmark("BM_Recommend_Preemption", BM_Recommend_Preemption),
        benchmark::RegisterBenchmark("BM_Recommend_OracleOnly", BM_Recommend_OracleOnly),
        benchmark::RegisterBenchmark("BM_Recommend_PerUnitCH", BM_Recommend_PerUnitCH),
        benchmark::RegisterBenchmark("BM_Recommend_ReverseDijkstra", BM_Recommend_ReverseDijkstra)})
    bm->Arg(50)->Arg(500)->Arg(5000)->Unit(benchmark::kMicrosecond);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
