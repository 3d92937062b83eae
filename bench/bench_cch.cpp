// bench_cch: customizable contraction hierarchies (route/cch) against the CH and the
// reference Dijkstra, on the same graph and the same seeded queries.
//
//   $ bench_cch                                              # bundled San Francisco graph
//   $ bench_cch --graph=../shared/data/road_pace16_NY.gr.xz
//   $ bench_cch --graph=data/manhattan --order=inertial      # METIS (default) or inertial flow
//   $ bench_cch --benchmark_filter=CCH_Customize --graph=...
//
// Benchmarks (items = operations):
//   BM_CCH_Order                    nested-dissection order (the --order partitioner)
//   BM_CCH_Build                    metric-independent topology from that order
//   BM_CCH_Customize/threads:1      basic + perfect customization of the graph's weights
//   BM_CCH_Customize/threads:2      the same on two threads
//   BM_CCH_CustomizeBasic/threads:N basic customization only (what RoutingKit's customize()
//                                   does; queries are exact without the perfect sweep)
//   BM_CCH_PartialCustomize/10      close 10 random road arcs in place (re-opening them
//                                   again between iterations is not timed)
//   BM_CCH_Query                    one-to-one distance, random node pairs
//   BM_CCH_ManyToOne/500            500 units at random road positions, one incident
//   BM_CH_Query                     the CH (route/ch) on the same pairs (built once, untimed)
//   BM_CH_ManyToOne/500             the CH's bucket many-to-one on the same positions
//   BM_Dijkstra_Reference           the reference Dijkstra on the same pairs (baseline)
// Counters on BM_CCH_Order / BM_CCH_Build: CCH arcs, triangles, tree height, mean search
// space. Before timing, the CCH, CH and Dijkstra answers of the first queries are compared;
// the program exits with status 1 on a difference.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench_common.hpp"
#include "dispatchkit/route/cch.hpp"
#include "dispatchkit/route/ch.hpp"
#include "dispatchkit/route/dijkstra.hpp"

namespace {

using namespace dispatchkit;

constexpr std::size_t kQueryCount = 1000;
constexpr std::uint64_t kSeed = 42;

struct Fixture {
  RoadGraph graph;
  bool inertial = false;
  std::vector<NodeId> order;
  std::optional<CchTopology> topology;
  std::optional<CchMetric> metric;
  std::vector<std::pair<NodeId, NodeId>> queries;
  std::vector<RoadPosition> units;                     // 500 unit positions
  std::vector<RoadPosition> targets;                   // incident positions
  std::vector<std::vector<ArcWeightChange>> closures;  // 10 arcs each
  std::optional<ContractionHierarchy> ch;              // built on first use
};
Fixture* fixture = nullptr;

std::vector<NodeId> make_order(const RoadGraph& g, bool inertial) {
  auto order = inertial ? cch_order_inertial_flow(g) : cch_order_metis(g);
  if (!order.ok()) {
    std::fprintf(stderr, "error: %s\n", order.status().ToString().c_str());
    std::exit(2);
  }
  return *std::move(order);
}

const ContractionHierarchy& hierarchy() {
  if (!fixture->ch) {
    auto ch = ContractionHierarchy::build(fixture->graph);
    if (!ch.ok()) {
      std::fprintf(stderr, "error: %s\n", ch.status().ToString().c_str());
      std::exit(2);
    }
    fixture->ch = *std::move(ch);
  }
  return *fixture->ch;
}

void set_topology_counters(benchmark::State& state, const CchTopology& t) {
  const CchTopologyStats& s = t.stats();
  state.counters["arcs"] = static_cast<double>(s.arc_count);
  state.counters["triangles"] = static_cast<double>(s.triangle_count);
  state.counters["height"] = s.tree_height;
  state.counters["mean_search_space"] = s.average_search_space_nodes;
}

void BM_CCH_Order(benchmark::State& state) {
  for (auto _ : state) {
    auto order = make_order(fixture->graph, fixture->inertial);
    benchmark::DoNotOptimize(order.data());
  }
  set_topology_counters(state, *fixture->topology);
  state.SetLabel(fixture->inertial ? "inertial flow" : "metis");
}

void BM_CCH_Build(benchmark::State& state) {
  for (auto _ : state) {
    auto t = CchTopology::build(fixture->graph, fixture->order);
    benchmark::DoNotOptimize(t->arc_count());
  }
  set_topology_counters(state, *fixture->topology);
}

void BM_CCH_Customize(benchmark::State& state, std::uint32_t threads, bool perfect) {
  for (auto _ : state) {
    auto m = CchMetric::customize(*fixture->topology, fixture->graph.weights(),
                                  {.threads = threads, .perfect = perfect});
    benchmark::DoNotOptimize(m->search_weights().data());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_CCH_PartialCustomize(benchmark::State& state) {
  CchMetric m = *fixture->metric;
  std::size_t i = 0;
  std::uint64_t recomputed = 0;
  std::vector<ArcWeightChange> reopen;
  for (auto _ : state) {
    const auto& close = fixture->closures[i++ % fixture->closures.size()];
    auto stats = m.update(close);
    benchmark::DoNotOptimize(stats);
    recomputed += stats->basic_recomputed + stats->perfect_recomputed;
    state.PauseTiming();
    reopen.clear();
    for (const ArcWeightChange& c : close)
      reopen.push_back({c.arc, fixture->graph.weights()[c.arc.value()]});
    (void)m.update(reopen);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["arcs_recomputed"] =
      static_cast<double>(recomputed) / static_cast<double>(state.iterations());
}

// The same timed loops for the CCH and the CH side by side, so that the two differ only
// in the index they query.
template <class Query>
void time_distance_queries(benchmark::State& state, Query& q) {
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& [s, t] = fixture->queries[i++ % fixture->queries.size()];
    benchmark::DoNotOptimize(q.distance(s, t));
  }
  state.SetItemsProcessed(state.iterations());
}

template <class ManyToOne>
void time_many_to_one(benchmark::State& state, ManyToOne& fleet) {
  const auto units = static_cast<std::uint32_t>(state.range(0));
  for (std::uint32_t s = 0; s < units; ++s) fleet.set_source(s, fixture->units[s]);
  std::vector<Weight> out(units);
  std::size_t i = 0;
  for (auto _ : state) {
    fleet.distances_to(fixture->targets[i++ % fixture->targets.size()], out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_CCH_Query(benchmark::State& state) {
  CchQuery q(*fixture->metric, fixture->graph);
  time_distance_queries(state, q);
}

void BM_CCH_ManyToOne(benchmark::State& state) {
  CchManyToOne fleet(*fixture->metric, fixture->graph);
  time_many_to_one(state, fleet);
  state.counters["bucket_entries"] = static_cast<double>(fleet.entry_count());
}

void BM_CH_Query(benchmark::State& state) {
  ChQuery q(hierarchy(), fixture->graph);
  time_distance_queries(state, q);
}

void BM_CH_ManyToOne(benchmark::State& state) {
  ChManyToOne fleet(hierarchy(), fixture->graph);
  time_many_to_one(state, fleet);
}

void BM_Dijkstra_Reference(benchmark::State& state) {
  Dijkstra d(fixture->graph);
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& [s, t] = fixture->queries[i++ % fixture->queries.size()];
    benchmark::DoNotOptimize(d.distance(s, t));
  }
  state.SetItemsProcessed(state.iterations());
}

RoadPosition random_position(const RoadGraph& g, std::uint64_t& state) {
  const ArcId a(static_cast<std::uint32_t>(detail::splitmix64(state++) % g.arc_count()));
  const float f = static_cast<float>(detail::splitmix64(state++) % 1000) / 1000.0f;
  const auto rev = g.find_arc(g.head(a), g.tail(a));
  return RoadPosition::on_arc(a, f, rev ? *rev : ArcId::invalid());
}

// Compares CCH, CH and Dijkstra on the first queries; false on any difference.
bool answers_agree() {
  CchQuery cch(*fixture->metric, fixture->graph);
  Dijkstra d(fixture->graph);
  for (std::size_t i = 0; i < 20; ++i) {
    const auto& [s, t] = fixture->queries[i];
    const Deciseconds want = d.distance(s, t);
    if (cch.distance(s, t) != want) {
      std::fprintf(stderr, "error: CCH %u -> %u: %u, Dijkstra %u\n", s.value(), t.value(),
                   cch.distance(s, t).count(), want.count());
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  static Fixture f{dk_bench::load_graph_from_args(argc, argv, dk_bench::default_graph_path())};
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--order=inertial") {
      f.inertial = true;
    } else if (arg == "--order=metis") {
      f.inertial = false;
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  fixture = &f;
  f.order = make_order(f.graph, f.inertial);
  auto topo = CchTopology::build(f.graph, f.order);
  if (!topo.ok()) {
    std::fprintf(stderr, "error: %s\n", topo.status().ToString().c_str());
    return 2;
  }
  f.topology = *std::move(topo);
  f.metric = *CchMetric::customize(*f.topology, f.graph.weights(), {.threads = 2});
  f.queries = dk_bench::random_node_pairs(f.graph, kQueryCount, kSeed);
  std::uint64_t state = kSeed;
  for (int i = 0; i < 500; ++i) f.units.push_back(random_position(f.graph, state));
  for (int i = 0; i < 200; ++i) f.targets.push_back(random_position(f.graph, state));
  for (int i = 0; i < 100; ++i) {
    std::vector<ArcWeightChange> close;
    for (int j = 0; j < 10; ++j)
      close.push_back(
          {ArcId(static_cast<std::uint32_t>(detail::splitmix64(state++) % f.graph.arc_count())),
           kInfWeight});
    f.closures.push_back(std::move(close));
  }
  const CchTopologyStats& s = f.topology->stats();
  std::fprintf(stderr,
               "cch (%s order): %llu arcs, %llu shortcuts, %llu triangles, height %u, mean "
               "search space %.1f nodes\n",
               f.inertial ? "inertial flow" : "metis", static_cast<unsigned long long>(s.arc_count),
               static_cast<unsigned long long>(s.shortcut_count),
               static_cast<unsigned long long>(s.triangle_count), s.tree_height,
               s.average_search_space_nodes);
  if (!answers_agree()) return 1;

  // No Iterations()/UseRealTime(): they would append "/iterations:N" or "/real_time" to the
  // names. The Time column is wall-clock time in any case (CPU counts the main thread only).
  benchmark::RegisterBenchmark("BM_CCH_Order", BM_CCH_Order)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_CCH_Build", BM_CCH_Build)->Unit(benchmark::kMillisecond);
  for (std::uint32_t threads : {1u, 2u}) {
    benchmark::RegisterBenchmark(("BM_CCH_Customize/threads:" + std::to_string(threads)).c_str(),
                                 BM_CCH_Customize, threads, true)
        ->Unit(benchmark::kMillisecond);
  }
  for (std::uint32_t threads : {1u, 2u}) {
    benchmark::RegisterBenchmark(
        ("BM_CCH_CustomizeBasic/threads:" + std::to_string(threads)).c_str(), BM_CCH_Customize,
        threads, false)
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("BM_CCH_PartialCustomize/10", BM_CCH_PartialCustomize)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_CCH_Query", BM_CCH_Query)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_CCH_ManyToOne", BM_CCH_ManyToOne)
      ->Arg(500)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_CH_Query", BM_CH_Query)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_CH_ManyToOne", BM_CH_ManyToOne)
      ->Arg(500)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_Dijkstra_Reference", BM_Dijkstra_Reference)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
