// Strongly connected components (iterative Tarjan, no recursion so that million-node
// road graphs cannot overflow the stack). Internal.
#pragma once

#include <cstdint>
#include <numeric>
#include <span>
#include <utility>
#include <vector>

#include "dispatchkit/config.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {

// Component index per node (0-based, arbitrary order) and the component count, for the
// directed graph given as parallel tail/head arrays over nodes 0..n-1.
inline std::pair<std::vector<std::uint32_t>, std::uint32_t> strongly_connected_components(
    std::uint32_t n, std::span<const std::uint32_t> tails, std::span<const std::uint32_t> heads) {
  constexpr std::uint32_t kNone = UINT32_MAX;
  std::vector<std::uint32_t> first(n + 1, 0), adj(tails.size());
  for (std::uint32_t t : tails) ++first[t + 1];
  std::partial_sum(first.begin(), first.end(), first.begin());
  {
    std::vector<std::uint32_t> fill(first.begin(), first.end() - 1);
    for (std::size_t i = 0; i < tails.size(); ++i) adj[fill[tails[i]]++] = heads[i];
  }
  std::vector<std::uint32_t> index(n, kNone), low(n, 0), comp(n, kNone), next_arc(n, 0);
  std::vector<std::uint32_t> stack, call;  // Tarjan's stack, and the simulated call stack
  std::uint32_t counter = 0, comps = 0;
  for (std::uint32_t root = 0; root < n; ++root) {
    if (index[root] != kNone) continue;
    call.push_back(root);
    index[root] = low[root] = counter++;
    next_arc[root] = first[root];
    stack.push_back(root);
    while (!call.empty()) {
      const std::uint32_t v = call.back();
      if (next_arc[v] < first[v + 1]) {
        const std::uint32_t w = adj[next_arc[v]++];
        if (index[w] == kNone) {
          index[w] = low[w] = counter++;
          next_arc[w] = first[w];
          stack.push_back(w);
          call.push_back(w);
        } else if (comp[w] == kNone) {  // w on the stack
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      call.pop_back();
      if (!call.empty()) low[call.back()] = std::min(low[call.back()], low[v]);
      if (low[v] == index[v]) {
        std::uint32_t w;
        do {
          w = stack.back();
          stack.pop_back();
          comp[w] = comps;
        } while (w != v);
        ++comps;
      }
    }
  }
  return {std::move(comp), comps};
}

// Membership mask of the largest strongly connected component (lowest index on ties).
inline std::vector<bool> largest_scc(std::uint32_t n, std::span<const std::uint32_t> tails,
                                     std::span<const std::uint32_t> heads) {
  auto [comp, count] = strongly_connected_components(n, tails, heads);
  std::vector<std::uint32_t> size(count, 0);
  for (std::uint32_t c : comp) ++size[c];
  std::uint32_t best = 0;
  for (std::uint32_t c = 1; c < count; ++c)
    if (size[c] > size[best]) best = c;
  std::vector<bool> keep(n);
  for (std::uint32_t v = 0; v < n; ++v) keep[v] = comp[v] == best;
  return keep;
}

}  // namespace detail
DISPATCHKIT_NAMESPACE_END
