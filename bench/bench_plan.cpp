// bench_plan: planning at city scale, each beside its plain baseline in the same run.
//
//   BM_Coverage_ManyToMany       200 sites x 10,000 demand points: CH bucket many-to-many
//   BM_Coverage_DijkstraPerSite  the same table by one Dijkstra per site (baseline)
//   BM_Siting_GreedySwap/mclp    k = 10 of 500 candidates, 20,000 points, 20 existing sites
//   BM_Siting_GreedySwap/pmedian the same instance as p-median
//   BM_Siting_NaiveGreedy/mclp   greedy recomputing the objective from scratch for every
//                                candidate (baseline; no swaps)
// Sites, candidates and demand are seeded random road nodes; demand weights 1-3. The
// coverage limit T is the time within which the 20 existing sites reach half the demand,
// so that the instance is neither trivial nor hopeless on any graph.
//   $ bench_plan                                     # bundled SF network (2.9k nodes)
//   $ bench_plan --graph=../shared/data/road_pace16_NY.gr.xz --graph-scc   # 264k nodes
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

#include "bench_common.hpp"
#include "dispatchkit/plan.hpp"
#include "dispatchkit/route/ch.hpp"

using namespace dispatchkit;

namespace {

const RoadGraph* g_graph = nullptr;
const ContractionHierarchy* g_ch = nullptr;

std::vector<RoadPosition> random_positions(std::size_t count, std::uint64_t seed) {
  std::vector<RoadPosition> out;
  for (const auto& [a, b] : dk_bench::random_node_pairs(*g_graph, (count + 1) / 2, seed)) {
    out.push_back(RoadPosition::at_node(a));
    out.push_back(RoadPosition::at_node(b));
  }
  out.resize(count);
  return out;
}

struct SitingInstance {
  SiteMatrix existing, candidates;
  std::vector<double> weights;
  Weight limit = 0;
};

const SitingInstance& siting_instance() {
  static const SitingInstance* in = [] {
    auto* s = new SitingInstance;
    const std::vector<RoadPosition> points = random_positions(20'000, 7);
    s->existing = site_times(*g_ch, *g_graph, random_positions(20, 8), points);
    s->candidates = site_times(*g_ch, *g_graph, random_positions(500, 9), points);
    s->weights.resize(points.size());
    for (std::size_t i = 0; i < points.size(); ++i)
      s->weights[i] = 1.0 + static_cast<double>(i % 3);
    std::vector<PointCoverage> best = best_two(s->existing);
    std::vector<Weight> t;
    for (const PointCoverage& c : best) t.push_back(c.best);
    std::nth_element(t.begin(), t.begin() + t.size() / 2, t.end());
    s->limit = t[t.size() / 2];
    return s;
  }();
  return *in;
}

SitingProblem problem(SitingMethod m) {
  const SitingInstance& in = siting_instance();
  SitingProblem p;
  p.method = m;
  p.candidates = &in.candidates;
  p.existing = &in.existing;
  p.weights = in.weights;
  p.limit = in.limit;
  p.k = 10;
  return p;
}

void BM_Coverage_ManyToMany(benchmark::State& state) {
  const std::vector<RoadPosition> sites = random_positions(200, 1);
  const std::vector<RoadPosition> points = random_positions(10'000, 2);
  for (auto _ : state) {
    const SiteMatrix m = site_times(*g_ch, *g_graph, sites, points);
    benchmark::DoNotOptimize(best_two(m));
  }
  state.counters["pairs"] = 200.0 * 10'000;
}

void BM_Coverage_DijkstraPerSite(benchmark::State& state) {
  const std::vector<RoadPosition> sites = random_positions(200, 1);
  const std::vector<RoadPosition> points = random_positions(10'000, 2);
  for (auto _ : state) {
    const SiteMatrix m = site_times_dijkstra(*g_graph, g_graph->weights(), sites, points);
    benchmark::DoNotOptimize(best_two(m));
  }
  state.counters["pairs"] = 200.0 * 10'000;
}

void BM_Siting_GreedySwap(benchmark::State& state, SitingMethod m) {
  const SitingProblem p = problem(m);
  SitingResult last;
  for (auto _ : state) {
    absl::StatusOr<SitingResult> r = solve_siting(p);
    if (!r.ok()) state.SkipWithError(std::string(r.status().message()).c_str());
    last = *r;
  }
  state.counters["objective"] = last.objective;
  state.counters["gap"] = last.gap.value_or(-1);
  state.counters["swaps"] = last.swaps;
}

// Greedy as a first implementation writes it: every candidate's gain from a fresh
// evaluation of the whole layout.
void BM_Siting_NaiveGreedy(benchmark::State& state, SitingMethod m) {
  const SitingProblem p = problem(m);
  double objective = 0;
  for (auto _ : state) {
    std::vector<std::uint32_t> open;
    std::vector<std::uint8_t> is_open(p.candidates->sites, 0);
    for (std::uint32_t step = 0; step < p.k; ++step) {
      double best = -1e300;
      std::uint32_t pick = 0;
      for (std::uint32_t c = 0; c < p.candidates->sites; ++c) {
        if (is_open[c]) continue;
        open.push_back(c);
        const double v = siting_objective(p, open) * (siting_maximises(m) ? 1 : -1);
        open.pop_back();
        if (v > best) {
          best = v;
          pick = c;
        }
      }
      open.push_back(pick);
      is_open[pick] = 1;
    }
    objective = siting_objective(p, open);
    benchmark::DoNotOptimize(objective);
  }
  state.counters["objective"] = objective;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  static const RoadGraph graph =
      dk_bench::load_graph_from_args(argc, argv, dk_bench::default_graph_path());
  absl::StatusOr<ContractionHierarchy> ch = ContractionHierarchy::build(graph);
  if (!ch.ok()) {
    std::fprintf(stderr, "error: %s\n", ch.status().ToString().c_str());
    return 2;
  }
  static const ContractionHierarchy hierarchy = *std::move(ch);
  g_graph = &graph;
  g_ch = &hierarchy;
  benchmark::RegisterBenchmark("BM_Coverage_ManyToMany", BM_Coverage_ManyToMany)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Coverage_DijkstraPerSite", BM_Coverage_DijkstraPerSite)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Siting_GreedySwap/mclp", BM_Siting_GreedySwap,
                               SitingMethod::kMclp)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Siting_GreedySwap/pmedian", BM_Siting_GreedySwap,
                               SitingMethod::kPMedian)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Siting_NaiveGreedy/mclp", BM_Siting_NaiveGreedy,
                               SitingMethod::kMclp)
      ->Unit(benchmark::kMillisecond)
      ->Iterations(1);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
