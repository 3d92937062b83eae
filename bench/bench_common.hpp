// bench/bench_common.hpp: graph loading, flag parsing and seeded queries shared by every
// benchmark program.
//
//   int main(int argc, char** argv) {
//     benchmark::Initialize(&argc, argv);                   // Google Benchmark's flags first
//     static const dispatchkit::RoadGraph g =
//         dk_bench::load_graph_from_args(argc, argv, dk_bench::default_graph_path());
//     auto pairs = dk_bench::random_node_pairs(g, 1000, /*seed=*/42);
//     ...
//   }
//   $ bench_route --benchmark_filter=CH --graph=../shared/data/road_pace16_NY.gr.xz
//
// Flags (removed from argv so later parsers do not see them):
//   --graph=PATH   any format load_graph() reads (default: the bundled SF network)
//   --graph-scc    keep only the largest strongly connected component
// On a load error the program exits with status 2 and the loader's "PATH:LINE: ..." message.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dispatchkit/detail/hash.hpp"
#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/graph/road_graph.hpp"

namespace dk_bench {

// The bundled San Francisco network (data/sf), strongly connected, 2,915 nodes (arterial roads
// only).
inline std::string default_graph_path() {
#ifdef DK_BENCH_DATA_DIR
  return std::string(DK_BENCH_DATA_DIR) + "/sf/sf_osm_edges.csv.xz";
#else
  return "data/sf/sf_osm_edges.csv.xz";
#endif
}

// Parses and removes --graph=PATH and --graph-scc from argv, loads the graph and prints
// "graph: N nodes, M arcs, source (T s)" to stderr. Exits(2) with the error on failure.
inline dispatchkit::RoadGraph load_graph_from_args(int& argc, char** argv,
                                                   std::string default_path) {
  std::string path = std::move(default_path);
  dispatchkit::GraphLoadOptions options;
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--graph=")) {
      path = std::string(arg.substr(8));
    } else if (arg == "--graph-scc") {
      options.keep_largest_scc = true;
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  argv[argc] = nullptr;
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<dispatchkit::RoadGraph> g = dispatchkit::load_graph(path, options);
  if (!g.ok()) {
    std::fprintf(stderr, "error: cannot load graph: %s\n", g.status().ToString().c_str());
    std::exit(2);
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "graph: %u nodes, %u arcs, %s%s (loaded in %.2f s)\n", g->node_count(),
               g->arc_count(), g->source().c_str(),
               options.keep_largest_scc ? " [largest SCC]" : "", secs);
  return *std::move(g);
}

// `count` (source, target) pairs of uniformly drawn nodes, the same for a given seed on
// every platform (splitmix64, not std:: distributions whose output is implementation-defined).
inline std::vector<std::pair<dispatchkit::NodeId, dispatchkit::NodeId>> random_node_pairs(
    const dispatchkit::RoadGraph& g, std::size_t count, std::uint64_t seed) {
  std::vector<std::pair<dispatchkit::NodeId, dispatchkit::NodeId>> pairs;
  const std::uint64_t n = g.node_count();
  if (n == 0) return pairs;
  pairs.reserve(count);
  std::uint64_t state = seed;
  auto next = [&] {
    state += 1;
    return dispatchkit::NodeId(
        static_cast<std::uint32_t>(dispatchkit::detail::splitmix64(state) % n));
  };
  for (std::size_t i = 0; i < count; ++i) {
    const dispatchkit::NodeId s = next();
    pairs.emplace_back(s, next());
  }
  return pairs;
}

}  // namespace dk_bench
