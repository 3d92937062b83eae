// bench_ch: contraction hierarchies against the Dijkstra baselines, in one run.
//
//   bench_ch [--benchmark_filter=...] --graph=../shared/data/road_pace16_NY.gr.xz
//
//   BM_CH_Build/threads:T      preprocessing (counters: shortcuts, builder peak MB, process
//                              peak RSS MB, rounds); T = 1 and 2 show thread scaling
//   BM_CH_Query                one-to-one distance, random node pairs (fixed seed)
//   BM_CH_QueryPath            the same with the route unpacked to original arcs
//   BM_CH_QueryPosition        mid-arc positions (two seeds per side)
//   BM_CH_ManyToOne/500        500 units (mid-arc) -> 1 incident, one backward search
//   BM_CH_ManyToOneSetup/500   placing the 500 units (500 upward searches)
//   BM_CH_MoveUnit             one unit's GPS fix among 500: its bucket entries replaced
//   BM_CH_ManyToMany/100       a 100 x 100 matrix
//   BM_CH_Save / BM_CH_Load    index file write / read and verify
//   BM_Dijkstra_Reference      dispatchkit::Dijkstra one-to-one, early stop (baseline)
//   BM_Dijkstra_Boost          boost::dijkstra_shortest_paths on Boost's CSR graph, early stop
//                              by a throwing visitor (the usual BGL idiom; baseline)
//   BM_Dijkstra_BackwardOneToAll  one reverse Dijkstra from the incident: the exact
//                              non-CH way to rank every unit (baseline of ManyToOne)
// Query benchmarks also run with 2 threads, one workspace per thread.
#include <benchmark/benchmark.h>

// Before any other Boost header: its raw-pointer property maps must be declared before
// the Dijkstra template that uses them.
#include <boost/graph/dijkstra_shortest_paths.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "dispatchkit/detail/hash.hpp"
#include "dispatchkit/graph/boost_adapter.hpp"
#include "dispatchkit/route/ch.hpp"
#include "dispatchkit/route/dijkstra.hpp"

using namespace dispatchkit;

namespace {

const RoadGraph* g_graph = nullptr;
const ContractionHierarchy* g_ch = nullptr;
constexpr std::size_t kPairs = 4096;
constexpr std::uint64_t kSeed = 20240601;

const std::vector<std::pair<NodeId, NodeId>>& pairs() {
  static const auto p = dk_bench::random_node_pairs(*g_graph, kPairs, kSeed);
  return p;
}

// Random points mid-street (with the reverse arc where the street is two-way).
std::vector<RoadPosition> random_positions(std::size_t count, std::uint64_t seed) {
  std::vector<RoadPosition> out;
  std::uint64_t state = seed;
  for (std::size_t i = 0; i < count; ++i) {
    const ArcId a(static_cast<std::uint32_t>(detail::splitmix64(++state) % g_graph->arc_count()));
    const float f = static_cast<float>(detail::splitmix64(++state) % 1000) / 1000.0f;
    const auto rev = g_graph->find_arc(g_graph->head(a), g_graph->tail(a));
    out.push_back(RoadPosition::on_arc(a, f, rev ? *rev : ArcId::invalid()));
  }
  return out;
}

double peak_rss_mb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0.0;
}

void BM_CH_Build(benchmark::State& state) {
  ChBuildOptions options;
  options.threads = static_cast<std::uint32_t>(state.range(0));
  ChStats stats;
  for (auto _ : state) {
    auto ch = ContractionHierarchy::build(*g_graph, options);
    if (!ch.ok()) {
      state.SkipWithError(ch.status().ToString().c_str());
      return;
    }
    stats = ch->stats();
    benchmark::DoNotOptimize(ch->node_count());
  }
  state.counters["shortcuts"] = static_cast<double>(stats.shortcut_count);
  state.counters["builder_peak_MB"] = static_cast<double>(stats.peak_memory_bytes) / 1e6;
  state.counters["process_peak_RSS_MB"] = peak_rss_mb();
  state.counters["rounds"] = stats.rounds;
}

void BM_CH_Query(benchmark::State& state) {
  ChQuery q(*g_ch, *g_graph);  // one workspace per benchmark thread
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 977;
  std::uint64_t settled = 0;
  for (auto _ : state) {
    const auto& [s, t] = pairs()[i++ % kPairs];
    benchmark::DoNotOptimize(q.distance(s, t));
    settled += q.settled_count();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["settled"] =
      benchmark::Counter(static_cast<double>(settled), benchmark::Counter::kAvgIterations);
}

void BM_CH_QueryPath(benchmark::State& state) {
  ChQuery q(*g_ch, *g_graph);
  std::vector<ArcId> route;
  route.reserve(1 << 14);
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 977;
  std::uint64_t arcs = 0;
  for (auto _ : state) {
    const auto& [s, t] = pairs()[i++ % kPairs];
    benchmark::DoNotOptimize(
        q.path_into(RoadPosition::at_node(s), RoadPosition::at_node(t), route));
    arcs += route.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["route_arcs"] =
      benchmark::Counter(static_cast<double>(arcs), benchmark::Counter::kAvgIterations);
}

void BM_CH_QueryPosition(benchmark::State& state) {
  static const auto positions = random_positions(2 * kPairs, kSeed + 1);
  ChQuery q(*g_ch, *g_graph);
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 977;
  for (auto _ : state) {
    const std::size_t k = (i++ % kPairs) * 2;
    benchmark::DoNotOptimize(q.distance(positions[k], positions[k + 1]));
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_CH_ManyToOne(benchmark::State& state) {
  const auto units = random_positions(static_cast<std::size_t>(state.range(0)), kSeed + 2);
  static const auto incidents = random_positions(kPairs, kSeed + 3);
  ChManyToOne m2o(*g_ch, *g_graph);
  for (std::uint32_t s = 0; s < units.size(); ++s) m2o.set_source(s, units[s]);
  std::vector<Weight> out(units.size());
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 977;
  for (auto _ : state) {
    m2o.distances_to(incidents[i++ % kPairs], out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["bucket_entries"] = static_cast<double>(m2o.entry_count());
}

void BM_CH_ManyToOneSetup(benchmark::State& state) {
  const auto units = random_positions(static_cast<std::size_t>(state.range(0)), kSeed + 2);
  ChManyToOne m2o(*g_ch, *g_graph);
  for (auto _ : state) {
    for (std::uint32_t s = 0; s < units.size(); ++s) m2o.set_source(s, units[s]);
    benchmark::DoNotOptimize(m2o.entry_count());
  }
}

void BM_CH_MoveUnit(benchmark::State& state) {
  const auto units = random_positions(500, kSeed + 2);
  const auto fixes = random_positions(kPairs, kSeed + 4);
  ChManyToOne m2o(*g_ch, *g_graph);
  for (std::uint32_t s = 0; s < units.size(); ++s) m2o.set_source(s, units[s]);
  std::size_t i = 0;
  for (auto _ : state) {
    const auto slot = static_cast<std::uint32_t>(detail::splitmix64(i) % units.size());
    m2o.set_source(slot, fixes[i++ % kPairs]);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_CH_ManyToMany(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto sources = random_positions(n, kSeed + 5);
  const auto targets = random_positions(n, kSeed + 6);
  ChManyToMany m2m(*g_ch, *g_graph);
  std::vector<Weight> out(n * n);
  for (auto _ : state) {
    m2m.compute(sources, targets, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n * n));
}

std::string index_path() {
  return (std::filesystem::temp_directory_path() / "bench_ch_index.dkch").string();
}

void BM_CH_Save(benchmark::State& state) {
  for (auto _ : state) {
    const absl::Status s = save_hierarchy(*g_ch, index_path());
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
  state.counters["file_MB"] = static_cast<double>(std::filesystem::file_size(index_path())) / 1e6;
}

void BM_CH_Load(benchmark::State& state) {
  if (!std::filesystem::exists(index_path())) (void)save_hierarchy(*g_ch, index_path());
  for (auto _ : state) {
    auto ch = load_hierarchy(index_path(), *g_graph);
    if (!ch.ok()) {
      state.SkipWithError(ch.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(ch->node_count());
  }
}

void BM_Dijkstra_Reference(benchmark::State& state) {
  Dijkstra d(*g_graph);
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 977;
  for (auto _ : state) {
    const auto& [s, t] = pairs()[i++ % kPairs];
    benchmark::DoNotOptimize(d.distance(s, t));
  }
  state.SetItemsProcessed(state.iterations());
}

struct TargetSettled {};
struct StopAtTarget : boost::default_dijkstra_visitor {
  explicit StopAtTarget(std::uint32_t t) : target(t) {}
  template <class Graph>
  void examine_vertex(std::uint32_t v, const Graph&) const {
    if (v == target) throw TargetSettled{};  // Boost has no early stop; benchmark-only idiom
  }
  std::uint32_t target;
};

void BM_Dijkstra_Boost(benchmark::State& state) {
  static const BoostCsrGraph csr = to_boost_csr(*g_graph);
  std::vector<Weight> dist(g_graph->node_count());
  std::vector<std::uint32_t> pred(g_graph->node_count());
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 977;
  for (auto _ : state) {
    const auto& [s, t] = pairs()[i++ % kPairs];
    try {
      boost::dijkstra_shortest_paths(csr, s.value(),
                                     boost::distance_map(dist.data())
                                         .predecessor_map(pred.data())
                                         .visitor(StopAtTarget(t.value())));
    } catch (const TargetSettled&) {
    }
    benchmark::DoNotOptimize(dist[t.value()]);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Dijkstra_BackwardOneToAll(benchmark::State& state) {
  Dijkstra d(*g_graph);
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 977;
  for (auto _ : state) {
    d.run_backward(pairs()[i++ % kPairs].second);
    benchmark::DoNotOptimize(d.distance_to(NodeId(0)));
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_CH_Build)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();
BENCHMARK(BM_CH_Query)->Threads(1)->Threads(2)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CH_QueryPath)->Threads(1)->Threads(2)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CH_QueryPosition)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CH_ManyToOne)
    ->Arg(500)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CH_ManyToOneSetup)->Arg(500)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CH_MoveUnit)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CH_ManyToMany)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CH_Save)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_CH_Load)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Dijkstra_Reference)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Dijkstra_Boost)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Dijkstra_BackwardOneToAll)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  static const RoadGraph graph =
      dk_bench::load_graph_from_args(argc, argv, dk_bench::default_graph_path());
  g_graph = &graph;
  // The shared hierarchy of the query benchmarks, built once outside any timing.
  auto ch = ContractionHierarchy::build(graph);
  if (!ch.ok()) {
    std::fprintf(stderr, "error: %s\n", ch.status().ToString().c_str());
    return 2;
  }
  static const ContractionHierarchy hierarchy = *std::move(ch);
  g_ch = &hierarchy;
  const ChStats& s = hierarchy.stats();
  std::fprintf(stderr,
               "ch: %.2f s, %llu shortcuts, %u rounds, builder peak %.1f MB, index %.1f MB\n",
               s.build_seconds, static_cast<unsigned long long>(s.shortcut_count), s.rounds,
               static_cast<double>(s.peak_memory_bytes) / 1e6,
               static_cast<double>(hierarchy.memory_bytes()) / 1e6);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::filesystem::remove(index_path());
  return 0;
}
