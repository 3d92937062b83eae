// An upper bound on the length of every shortest path of a road graph, so that
// RoadGraphBuilder::build can refuse weights whose path sums would not fit in a Weight.
// Every search in dispatchkit adds weights with saturation at kInfWeight, which means
// "unreachable": a path longer than 2^32 - 2 deciseconds (13.6 years of driving) would be
// answered as unreachable. No road graph in deciseconds comes near that, but a DIMACS
// file's weights are taken as they are, and nothing stops a file from holding 4e9 on
// every arc. Internal.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <queue>
#include <span>
#include <utility>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/detail/scc.hpp"
#include "dispatchkit/graph/types.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {

// A bound B with dist(u, v) <= B for every pair with a path, in 64 bits. Two steps:
//  1. A shortest path is simple, so it leaves every node at most once: B1 = the sum over
//     nodes of the heaviest arc out of each. O(m); enough for every real graph.
//  2. Only when B1 does not fit: from a root r of the largest strongly connected
//     component C, one forward and one backward Dijkstra (64-bit sums) give
//     ecc_in = max d(u, r) and ecc_out = max d(r, v) over C. A shortest path never leaves
//     C and comes back (the nodes between would be in C), so it is an outside prefix, a
//     stretch inside C of length <= d(x, r) + d(r, y), and an outside suffix entered by
//     one arc: B2 = ecc_in + ecc_out + the heaviest arc + the sum of the heaviest arcs
//     out of the nodes outside C. O(m log n), on graphs like the 24-million-node
//     DIMACS USA travel-time graph, whose B1 is too loose.
// `first_out`, `heads`, `weights` are the CSR arrays; `first_in`, `in_arcs`, `tails` the
// reverse index.
inline std::uint64_t shortest_path_length_bound(std::span<const std::uint32_t> first_out,
                                                std::span<const std::uint32_t> heads,
                                                std::span<const std::uint32_t> tails,
                                                std::span<const Weight> weights,
                                                std::span<const std::uint32_t> first_in,
                                                std::span<const ArcId> in_arcs) {
  const auto n = static_cast<std::uint32_t>(first_out.size() - 1);
  std::vector<std::uint64_t> heaviest_out(n, 0);
  std::uint64_t b1 = 0, heaviest = 0;
  for (std::uint32_t v = 0; v < n; ++v) {
    for (std::uint32_t a = first_out[v]; a < first_out[v + 1]; ++a)
      heaviest_out[v] = std::max<std::uint64_t>(heaviest_out[v], weights[a]);
    b1 += heaviest_out[v];
    heaviest = std::max(heaviest, heaviest_out[v]);
  }
  if (b1 < kInfWeight || n == 0) return b1;

  const std::vector<bool> in_c = largest_scc(n, tails, heads);
  std::uint32_t root = 0;
  while (root < n && !in_c[root]) ++root;
  std::uint64_t outside = 0;
  for (std::uint32_t v = 0; v < n; ++v)
    if (!in_c[v]) outside += heaviest_out[v];
  // Dijkstra restricted to C, in 64 bits; `forward` follows out-arcs.
  const auto eccentricity = [&](bool forward) {
    constexpr std::uint64_t kUnset = UINT64_MAX;
    std::vector<std::uint64_t> dist(n, kUnset);
    using Entry = std::pair<std::uint64_t, std::uint32_t>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
    dist[root] = 0;
    heap.push({0, root});
    std::uint64_t farthest = 0;
    while (!heap.empty()) {
      const auto [d, v] = heap.top();
      heap.pop();
      if (d != dist[v]) continue;
      farthest = std::max(farthest, d);
      const std::uint32_t lo = forward ? first_out[v] : first_in[v];
      const std::uint32_t hi = forward ? first_out[v + 1] : first_in[v + 1];
      for (std::uint32_t i = lo; i < hi; ++i) {
        const std::uint32_t a = forward ? i : in_arcs[i].value();
        const std::uint32_t w = forward ? heads[a] : tails[a];
        if (!in_c[w]) continue;
        const std::uint64_t nd = d + weights[a];
        if (nd < dist[w]) {
          dist[w] = nd;
          heap.push({nd, w});
        }
      }
    }
    return farthest;
  };
  const std::uint64_t b2 = eccentricity(false) + eccentricity(true) + heaviest + outside;
  return std::min(b1, b2);
}

}  // namespace detail
DISPATCHKIT_NAMESPACE_END
