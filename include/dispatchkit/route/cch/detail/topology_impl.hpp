// CchTopology::build: elimination, postorder relabelling, CSR layout. Internal.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <numeric>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/route/cch/topology.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {

struct CchTopologyBuilder {
  static absl::StatusOr<CchTopology> build(const RoadGraph& g, std::span<const NodeId> order) {
    constexpr std::uint32_t kNone = CchTopology::kNone;
    const auto start = std::chrono::steady_clock::now();
    const std::uint32_t n = g.node_count();
    if (order.size() != n)
      return absl::InvalidArgumentError(
          absl::StrCat("CCH order of ", g.source(), " has ", order.size(), " nodes, expected ", n));
    if (g.arc_count() >= (1u << 31))
      return absl::InvalidArgumentError(
          absl::StrCat(g.source(), ": too many arcs for a CCH (", g.arc_count(), ")"));
    std::vector<std::uint32_t> rank0(n, kNone);
    for (std::uint32_t r = 0; r < n; ++r) {
      const std::uint32_t v = order[r].value();
      if (v >= n || rank0[v] != kNone)
        return absl::InvalidArgumentError(absl::StrCat(
            "CCH order of ", g.source(), " is not a permutation (entry ", r, " = ", v, ")"));
      rank0[v] = r;
    }

    // Elimination game in the given order: the upward neighbours of x become a clique,
    // which is recorded by passing them on to the lowest of them, x's parent (the others
    // are adjacent to the parent after elimination, and the parent passes them further up
    // when it is eliminated).
    std::vector<std::vector<std::uint32_t>> up(n);
    const auto heads = g.heads();
    const auto tails = g.tails();
    for (std::uint32_t a = 0; a < g.arc_count(); ++a) {
      const std::uint32_t ru = rank0[tails[a]], rv = rank0[heads[a]];
      if (ru == rv) continue;
      up[std::min(ru, rv)].push_back(std::max(ru, rv));
    }
    std::vector<std::uint32_t> parent0(n, kNone);
    for (std::uint32_t r = 0; r < n; ++r) {
      auto& row = up[r];
      std::sort(row.begin(), row.end());
      row.erase(std::unique(row.begin(), row.end()), row.end());
      row.shrink_to_fit();
      if (row.empty()) continue;
      parent0[r] = row.front();
      auto& p = up[row.front()];
      p.insert(p.end(), row.begin() + 1, row.end());
    }

    // Postorder of the elimination tree (children in ascending rank, roots ascending).
    std::vector<std::uint32_t> child_first(n + 1, 0), children(n);
    for (std::uint32_t r = 0; r < n; ++r)
      if (parent0[r] != kNone) ++child_first[parent0[r] + 1];
    std::partial_sum(child_first.begin(), child_first.end(), child_first.begin());
    {
      std::vector<std::uint32_t> fill(child_first.begin(), child_first.end() - 1);
      for (std::uint32_t r = 0; r < n; ++r)
        if (parent0[r] != kNone) children[fill[parent0[r]]++] = r;
    }
    std::vector<std::uint32_t> new_rank(n, kNone);
    {
      std::uint32_t next = 0;
      std::vector<std::pair<std::uint32_t, std::uint32_t>> stack;  // (node, next child index)
      for (std::uint32_t root = 0; root < n; ++root) {
        if (parent0[root] != kNone) continue;
        stack.emplace_back(root, child_first[root]);
        while (!stack.empty()) {
          auto& [v, i] = stack.back();
          if (i < child_first[v + 1]) {
            const std::uint32_t c = children[i++];
            stack.emplace_back(c, child_first[c]);
          } else {
            new_rank[v] = next++;
            stack.pop_back();
          }
        }
      }
    }

    CchTopology t;
    t.graph_fingerprint_ = g.fingerprint();
    t.rank_.resize(n);
    t.order_.resize(n);
    t.parent_.assign(n, kNone);
    for (std::uint32_t r = 0; r < n; ++r) {
      const std::uint32_t nr = new_rank[r];
      const std::uint32_t node = order[r].value();
      t.rank_[node] = nr;
      t.order_[nr] = node;
      if (parent0[r] != kNone) t.parent_[nr] = new_rank[parent0[r]];
    }
    t.up_first_.assign(n + 1, 0);
    for (std::uint32_t r = 0; r < n; ++r)
      t.up_first_[new_rank[r] + 1] = static_cast<std::uint32_t>(up[r].size());
    std::partial_sum(t.up_first_.begin(), t.up_first_.end(), t.up_first_.begin());
    const std::uint32_t m = t.up_first_[n];
    t.up_head_.resize(m);
    t.up_tail_.resize(m);
    for (std::uint32_t r = 0; r < n; ++r) {
      const std::uint32_t nr = new_rank[r];
      std::uint32_t out = t.up_first_[nr];
      for (std::uint32_t h : up[r]) t.up_tail_[out] = nr, t.up_head_[out++] = new_rank[h];
      std::sort(t.up_head_.begin() + t.up_first_[nr], t.up_head_.begin() + out);
      std::vector<std::uint32_t>().swap(up[r]);
    }

    // Road arcs onto CCH arcs. RoadGraph merges parallel arcs, so each direction of a CCH
    // arc has at most one road arc.
    t.forward_input_.assign(m, kNone);
    t.backward_input_.assign(m, kNone);
    t.input_to_cch_.assign(g.arc_count(), kNone);
    for (std::uint32_t a = 0; a < g.arc_count(); ++a) {
      const std::uint32_t ru = t.rank_[tails[a]], rv = t.rank_[heads[a]];
      if (ru == rv) continue;
      const std::uint32_t c = t.find_arc(std::min(ru, rv), std::max(ru, rv));
      std::uint32_t& slot = ru < rv ? t.forward_input_[c] : t.backward_input_[c];
      if (slot != kNone)
        return absl::InvalidArgumentError(absl::StrCat(g.source(), ": parallel arcs ", slot,
                                                       " and ", a,
                                                       " (build the graph with RoadGraphBuilder)"));
      slot = a;
      t.input_to_cch_[a] = 2 * c + (ru < rv ? 0 : 1);
    }

    // Downward rows, lower ends ascending (filled in ascending tail order).
    t.down_first_.assign(n + 1, 0);
    for (std::uint32_t a = 0; a < m; ++a) ++t.down_first_[t.up_head_[a] + 1];
    std::partial_sum(t.down_first_.begin(), t.down_first_.end(), t.down_first_.begin());
    t.down_tail_.resize(m);
    t.down_arc_.resize(m);
    {
      std::vector<std::uint32_t> fill(t.down_first_.begin(), t.down_first_.end() - 1);
      for (std::uint32_t a = 0; a < m; ++a) {
        const std::uint32_t i = fill[t.up_head_[a]]++;
        t.down_tail_[i] = t.up_tail_[a];
        t.down_arc_[i] = a;
      }
    }

    // Subtree sizes (children have lower ranks), work per node, statistics.
    t.subtree_size_.assign(n, 1);
    for (std::uint32_t r = 0; r < n; ++r)
      if (t.parent_[r] != kNone) t.subtree_size_[t.parent_[r]] += t.subtree_size_[r];
    t.work_prefix_.assign(n + 1, 0);
    std::uint64_t triangles = 0;
    for (std::uint32_t y = 0; y < n; ++y) {
      std::uint64_t w = t.up_first_[y + 1] - t.up_first_[y] + 1;
      for (std::uint32_t i = t.down_first_[y]; i < t.down_first_[y + 1]; ++i)
        w += t.up_first_[t.down_tail_[i] + 1] - t.down_arc_[i] - 1;
      triangles += w - (t.up_first_[y + 1] - t.up_first_[y] + 1);
      t.work_prefix_[y + 1] = t.work_prefix_[y] + w;
    }
    CchTopologyStats& s = t.stats_;
    s.arc_count = m;
    for (std::uint32_t a = 0; a < m; ++a)
      if (t.forward_input_[a] == kNone && t.backward_input_[a] == kNone) ++s.shortcut_count;
    s.triangle_count = triangles;
    std::vector<std::uint32_t> depth(n);
    std::vector<std::uint64_t> space(n);
    double depth_sum = 0;
    for (std::uint32_t r = n; r-- > 0;) {
      const std::uint32_t p = t.parent_[r];
      depth[r] = p == kNone ? 1 : depth[p] + 1;
      space[r] = (t.up_first_[r + 1] - t.up_first_[r]) + (p == kNone ? 0 : space[p]);
      s.tree_height = std::max(s.tree_height, depth[r]);
      s.max_search_space_arcs = std::max(s.max_search_space_arcs, space[r]);
      depth_sum += depth[r];
    }
    s.average_search_space_nodes = n ? depth_sum / n : 0.0;
    s.build_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return t;
  }
};

}  // namespace detail

inline absl::StatusOr<CchTopology> CchTopology::build(const RoadGraph& graph,
                                                      std::span<const NodeId> order) {
  return detail::CchTopologyBuilder::build(graph, order);
}

inline std::uint64_t CchTopology::memory_bytes() const noexcept {
  auto bytes = [](const auto& v) { return v.size() * sizeof(v[0]); };
  return bytes(rank_) + bytes(order_) + bytes(parent_) + bytes(subtree_size_) +
         bytes(work_prefix_) + bytes(up_first_) + bytes(up_head_) + bytes(up_tail_) +
         bytes(forward_input_) + bytes(backward_input_) + bytes(down_first_) + bytes(down_tail_) +
         bytes(down_arc_) + bytes(input_to_cch_);
}

DISPATCHKIT_NAMESPACE_END
