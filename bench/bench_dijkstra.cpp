// bench_dijkstra: the reference Dijkstra (route/dijkstra.hpp) against Boost.Graph's own
// dijkstra_shortest_paths, on the same graph and the same seeded queries.
//
//   $ bench_dijkstra                                         # bundled San Francisco graph
//   $ bench_dijkstra --graph=../shared/data/road_pace16_NY.gr.xz
//   $ bench_dijkstra --benchmark_filter=OneToOne --graph=...
//
// Benchmarks (items = queries):
//   BM_Dijkstra_Reference           one-to-one, early stop when the target is settled
//   BM_Dijkstra_Boost               the same queries, Boost on its compressed_sparse_row_graph
//                                   copy (the baseline), early stop by a visitor that throws
//   BM_Dijkstra_BoostAdapter        the same, Boost on the zero-copy RoadGraph adapter
//   BM_Dijkstra_ReferenceOneToAll   one-to-all from the same sources
//   BM_Dijkstra_BoostOneToAll       one-to-all, Boost on the CSR copy
//
// How Boost is run: the ordinary `boost::dijkstra_shortest_paths` call with distance and
// predecessor maps preallocated once (the reference records parents too, so both do the
// same work per relaxation). Boost has no early stop; the usual idiom, used here, is a
// visitor whose examine_vertex throws a small struct when the target comes off the heap,
// caught outside the call. That throw costs about a microsecond and exists only to give
// Boost a fair one-to-one baseline: no dispatchkit code stops a search by exception.
// Boost's call also initialises every vertex and allocates its colour and heap-index maps
// on each query (O(n)), which is the price of its interface; the reference resets in O(1)
// (timestamps) and allocates nothing.
//
// Before timing, every query's answer is checked to be identical across the three
// searches; the program exits with status 1 if not.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

#include <boost/graph/dijkstra_shortest_paths.hpp>

#include "bench_common.hpp"
#include "dispatchkit/graph/boost_adapter.hpp"
#include "dispatchkit/route/dijkstra.hpp"

namespace {

using dispatchkit::BoostCsrGraph;
using dispatchkit::Dijkstra;
using dispatchkit::NodeId;
using dispatchkit::RoadGraph;
using dispatchkit::Weight;

constexpr std::size_t kQueryCount = 1000;
constexpr std::uint64_t kSeed = 42;

struct Fixture {
  RoadGraph graph;
  BoostCsrGraph csr;
  std::vector<std::pair<NodeId, NodeId>> queries;
};
const Fixture* fixture = nullptr;

// Thrown by the visitor when Boost's search takes the target off the heap.
struct TargetSettled {};

template <class Vertex>
struct StopAtTarget : boost::default_dijkstra_visitor {
  Vertex target;
  explicit StopAtTarget(Vertex t) : target(t) {}
  template <class Graph>
  void examine_vertex(Vertex v, const Graph&) const {
    if (v == target) throw TargetSettled{};
  }
};

// Boost's one-to-one query on the CSR copy; the answer is dist[target].
Weight boost_csr_query(const BoostCsrGraph& g, std::uint32_t s, std::uint32_t t,
                       std::vector<Weight>& dist, std::vector<std::uint32_t>& pred) {
  try {
    boost::dijkstra_shortest_paths(g, s,
                                   boost::distance_map(dist.data())
                                       .predecessor_map(pred.data())
                                       .visitor(StopAtTarget<std::uint32_t>(t)));
  } catch (const TargetSettled&) {
  }
  return dist[t];
}

// Boost's one-to-one query on the zero-copy adapter.
Weight boost_adapter_query(const RoadGraph& g, NodeId s, NodeId t, std::vector<Weight>& dist,
                           std::vector<NodeId>& pred) {
  const auto index = get(boost::vertex_index, g);
  try {
    boost::dijkstra_shortest_paths(
        g, s,
        boost::distance_map(boost::make_iterator_property_map(dist.begin(), index))
            .predecessor_map(boost::make_iterator_property_map(pred.begin(), index))
            .visitor(StopAtTarget<NodeId>(t)));
  } catch (const TargetSettled&) {
  }
  return dist[t.value()];
}

void BM_Dijkstra_Reference(benchmark::State& state) {
  Dijkstra dijkstra(fixture->graph);
  std::size_t i = 0;
  std::uint64_t settled = 0;
  for (auto _ : state) {
    const auto& [s, t] = fixture->queries[i];
    benchmark::DoNotOptimize(dijkstra.distance(s, t));
    settled += dijkstra.settled_count();
    if (++i == fixture->queries.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["settled"] =
      benchmark::Counter(static_cast<double>(settled), benchmark::Counter::kAvgIterations);
}

void BM_Dijkstra_Boost(benchmark::State& state) {
  std::vector<Weight> dist(fixture->graph.node_count());
  std::vector<std::uint32_t> pred(fixture->graph.node_count());
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& [s, t] = fixture->queries[i];
    benchmark::DoNotOptimize(boost_csr_query(fixture->csr, s.value(), t.value(), dist, pred));
    if (++i == fixture->queries.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_Dijkstra_BoostAdapter(benchmark::State& state) {
  std::vector<Weight> dist(fixture->graph.node_count());
  std::vector<NodeId> pred(fixture->graph.node_count());
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& [s, t] = fixture->queries[i];
    benchmark::DoNotOptimize(boost_adapter_query(fixture->graph, s, t, dist, pred));
    if (++i == fixture->queries.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_Dijkstra_ReferenceOneToAll(benchmark::State& state) {
  Dijkstra dijkstra(fixture->graph);
  std::size_t i = 0;
  for (auto _ : state) {
    dijkstra.run_forward(fixture->queries[i].first);
    benchmark::DoNotOptimize(dijkstra.distance_to(fixture->queries[i].second));
    if (++i == fixture->queries.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_Dijkstra_BoostOneToAll(benchmark::State& state) {
  std::vector<Weight> dist(fixture->graph.node_count());
  std::vector<std::uint32_t> pred(fixture->graph.node_count());
  std::size_t i = 0;
  for (auto _ : state) {
    boost::dijkstra_shortest_paths(fixture->csr, fixture->queries[i].first.value(),
                                   boost::distance_map(dist.data()).predecessor_map(pred.data()));
    benchmark::DoNotOptimize(dist[fixture->queries[i].second.value()]);
    if (++i == fixture->queries.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// Every query must give the same answer three ways, or the timings compare nothing.
bool answers_agree(const Fixture& f) {
  Dijkstra dijkstra(f.graph);
  std::vector<Weight> dist(f.graph.node_count());
  std::vector<std::uint32_t> pred(f.graph.node_count());
  std::vector<NodeId> node_pred(f.graph.node_count());
  for (const auto& [s, t] : f.queries) {
    const Weight reference = dijkstra.distance(s, t).count();
    const Weight csr = boost_csr_query(f.csr, s.value(), t.value(), dist, pred);
    const Weight adapter = boost_adapter_query(f.graph, s, t, dist, node_pred);
    if (reference != csr || reference != adapter) {
      std::fprintf(stderr, "error: query %u -> %u: reference %u, Boost CSR %u, Boost adapter %u\n",
                   s.value(), t.value(), reference, csr, adapter);
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  static Fixture f;
  f.graph = dk_bench::load_graph_from_args(argc, argv, dk_bench::default_graph_path());
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  f.csr = dispatchkit::to_boost_csr(f.graph);
  f.queries = dk_bench::random_node_pairs(f.graph, kQueryCount, kSeed);
  fixture = &f;
  if (!answers_agree(f)) return 1;
  benchmark::RegisterBenchmark("BM_Dijkstra_Reference", BM_Dijkstra_Reference);
  benchmark::RegisterBenchmark("BM_Dijkstra_Boost", BM_Dijkstra_Boost);
  benchmark::RegisterBenchmark("BM_Dijkstra_BoostAdapter", BM_Dijkstra_BoostAdapter);
  benchmark::RegisterBenchmark("BM_Dijkstra_ReferenceOneToAll", BM_Dijkstra_ReferenceOneToAll);
  benchmark::RegisterBenchmark("BM_Dijkstra_BoostOneToAll", BM_Dijkstra_BoostOneToAll);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
