// bench_plan: planning at city scale, each beside its plain baseline in the same run.
//
//   BM_Coverage_ManyToMany       200 sites x 10,000 demand points: CH bucket many-to-many
//   BM_Coverage_DijkstraPerSite  the same table by one Dijkstra per site (baseline)
//   BM_Siting_GreedySwap/mclp    k = 10 of 500 candidates, 20,000 points, 20 existing sites
//   BM_Siting_GreedySwap/pmedian the same instance as p-median
//   BM_Siting_NaiveGreedy/mclp   greedy recomputing the objective from scratch for every
//                                candidate (baseline; no swaps)
//   BM_MoveUp_Dmexclp            one DMEXCLP move-up decision: 200 posts, 10,000 demand
//                                points, 100 units (30 % busy), the post lists computed
//   BM_MoveUp_NaiveExpected      the same decision by the whole expected coverage evaluated
//                                afresh with the freed unit at each post (baseline; on a tie
//                                it may name another post of equal gain)
// Sites, candidates and demand are seeded random road nodes; demand weights 1-3. The
// coverage limit T is the time within which the 20 existing sites reach half the demand,
// so that the instance is neither trivial nor hopeless on any graph.
//   $ bench_plan                                     # bundled SF network (2.9k nodes)
//   $ bench_plan --graph=../shared/data/road_pace16_NY.gr.xz --graph-scc   # 264k nodes
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "dispatchkit/plan.hpp"
#include "dispatchkit/recommend/move_up/dmexclp.hpp"
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

// The move-up instance: posts, demand, and a fleet of 100 with a freed unit 0.
struct MoveUpInstance {
  std::vector<RoadPosition> posts;
  std::vector<DemandPoint> demand;
  Fleet fleet;
  CoverageOptions options{
      .target = Deciseconds::from_seconds(480), .busy_fraction = 0.3, .counts = {}};
};

const MoveUpInstance& move_up_instance() {
  static const MoveUpInstance* in = [] {
    auto* m = new MoveUpInstance;
    m->posts = random_positions(200, 21);
    for (const RoadPosition& p : random_positions(10'000, 22))
      m->demand.push_back({p, 1.0 + static_cast<double>(m->demand.size() % 3)});
    for (std::uint32_t u = 0; u < 100; ++u) {
      const std::uint32_t post = (u * 37) % 200;
      const UnitId id = *m->fleet.add_unit({.call_sign = "M" + std::to_string(u),
                                            .home_station = post,
                                            .capabilities = {},
                                            .position = m->posts[post]});
      if (u % 10 >= 7) (void)m->fleet.dispatch(id, IncidentId(1), PriorityGrade::kI);
    }
    return m;
  }();
  return *in;
}

void BM_MoveUp_Dmexclp(benchmark::State& state) {
  const MoveUpInstance& in = move_up_instance();
  DmexclpMoveUp move_up(*g_graph, in.posts, in.demand, in.options);
  DijkstraOracle oracle(*g_graph);
  Relocation out;
  const RelocationEvent freed{RelocationTrigger::kUnitFree, UnitId(0), {}};
  move_up.relocate(freed, in.fleet, oracle, out);  // warm-up: the post lists
  std::uint32_t post = 0;
  for (auto _ : state) {
    move_up.relocate(freed, in.fleet, oracle, out);
    post = out.moves.empty() ? in.fleet.unit(UnitId(0)).post() : out.moves[0].post;
    benchmark::DoNotOptimize(post);
  }
  state.counters["post"] = post;
}

void BM_MoveUp_NaiveExpected(benchmark::State& state) {
  const MoveUpInstance& in = move_up_instance();
  PostCoverage coverage(*g_graph, in.posts, in.demand, in.options);
  (void)coverage.ensure();
  const double q = in.options.busy_fraction;
  std::vector<std::uint32_t> k(in.demand.size());
  std::uint32_t post = 0;
  for (auto _ : state) {
    double best = -1.0;
    for (std::uint32_t p = 0; p < coverage.post_count(); ++p) {
      std::fill(k.begin(), k.end(), 0u);
      for (const Unit& u : in.fleet.units())
        if (is_available(u.status()))
          for (std::uint32_t d : coverage.covered_by(u.id() == UnitId(0) ? p : u.post())) ++k[d];
      double e = 0.0;
      for (std::size_t d = 0; d < in.demand.size(); ++d)
        e += in.demand[d].weight * (1.0 - std::pow(q, static_cast<double>(k[d])));
      if (e > best) {
        best = e;
        post = p;
      }
    }
    benchmark::DoNotOptimize(post);
  }
  state.counters["post"] = post;
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
  benchmark::RegisterBenchmark("BM_MoveUp_Dmexclp", BM_MoveUp_Dmexclp)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_MoveUp_NaiveExpected", BM_MoveUp_NaiveExpected)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
