// dispatchkit/route/cch/topology.hpp: the metric-independent part of a customizable
// contraction hierarchy (CCH): the chordal supergraph of the road graph in a nested-
// dissection order, its elimination tree, and where every road arc lands in it.
//
//   auto order = cch_order_metis(graph);                          // route/cch/order.hpp
//   absl::StatusOr<CchTopology> topo = CchTopology::build(graph, *order);
//   CchMetric free_flow = CchMetric::customize(*topo, graph.weights());  // route/cch/metric.hpp
//
// Dibbelt, Strasser, Wagner ("Customizable Contraction Hierarchies", JEA 2016) split a CH
// into a phase that only looks at the road topology and one that applies weights. Here the
// first phase eliminates the nodes in the given order and adds, for each eliminated node,
// all edges between its remaining neighbours: the result is the chordal supergraph whose
// edges are the CCH arcs. Weights never change it, so closures and every traffic slice
// reuse it; only customization (milliseconds) runs per metric.
//
// Layout. Nodes are identified by rank inside the hierarchy. Each CCH arc is an undirected
// edge {x, y} with rank x < y, stored in x's "upward" row sorted by y, and carries two
// weights in a metric: forward (x -> y) and backward (y -> x). The "downward" rows list,
// for each y, the arcs {x, y} with x < y sorted by x. The parent of x in the elimination
// tree is its lowest upward neighbour; all upward neighbours of x are ancestors of x, so an
// upward search from x only ever visits x's ancestors.
//
// The ranks are a postorder of the elimination tree (an equivalent reordering of the given
// order: Liu, "The role of elimination trees in sparse factorization", SIMAX 1990, shows
// every topological order of the tree yields the same chordal graph), so each subtree is a
// contiguous range of ranks. Customization uses this to hand whole subtrees to threads.
//
// Thread safety: immutable after build(); share as `const&` or `shared_ptr<const CchTopology>`.
// Every CchMetric, CchQuery and CchManyToOne built on it keeps a pointer: it must outlive them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/types.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

namespace detail {
struct CchTopologyBuilder;
}  // namespace detail

// Sizes and build time of a CCH topology (what an order is judged by).
struct CchTopologyStats {
  std::uint64_t arc_count = 0;       // CCH arcs (undirected edges of the chordal graph)
  std::uint64_t shortcut_count = 0;  // CCH arcs not backed by a road arc in either direction
  std::uint64_t triangle_count = 0;  // lower triangles = work of one basic customization
  std::uint32_t tree_height = 0;     // elimination-tree height: bound on a query's search space
  std::uint64_t max_search_space_arcs = 0;  // arcs relaxed by the largest upward search
  double average_search_space_nodes = 0;    // mean ancestors per node (query cost estimate)
  double build_seconds = 0;
};

class CchTopology {
 public:
  // Marks "no road arc" in the arc mappings and "no parent" in the elimination tree.
  static constexpr std::uint32_t kNone = UINT32_MAX;

  CchTopology() = default;

  // Builds the chordal supergraph of `graph` for the elimination order `order` (order[r] =
  // the r-th node eliminated; a permutation of the nodes). InvalidArgument if `order` is
  // not a permutation or the graph has 2^31 arcs or more. Time O(fill + triangles), memory a
  // few words per CCH arc.
  [[nodiscard]] static absl::StatusOr<CchTopology> build(const RoadGraph& graph,
                                                         std::span<const NodeId> order);

  [[nodiscard]] std::uint32_t node_count() const noexcept {
    return static_cast<std::uint32_t>(rank_.size());
  }
  [[nodiscard]] std::uint32_t arc_count() const noexcept {
    return static_cast<std::uint32_t>(up_head_.size());
  }
  // Number of arcs of the road graph this topology was built from.
  [[nodiscard]] std::uint32_t input_arc_count() const noexcept {
    return static_cast<std::uint32_t>(input_to_cch_.size());
  }
  // True if `graph` is the graph this topology was built from (fingerprint and sizes).
  [[nodiscard]] bool matches(const RoadGraph& graph) const noexcept {
    return graph.fingerprint() == graph_fingerprint_ && graph.node_count() == node_count() &&
           graph.arc_count() == input_arc_count();
  }
  [[nodiscard]] const CchTopologyStats& stats() const noexcept { return stats_; }

  [[nodiscard]] std::uint32_t rank(NodeId n) const noexcept { return rank_[n.value()]; }
  [[nodiscard]] NodeId node_at(std::uint32_t r) const noexcept { return NodeId(order_[r]); }
  // Elimination-tree parent of rank r (its lowest upward neighbour), or kNone for a root.
  [[nodiscard]] std::uint32_t parent(std::uint32_t r) const noexcept { return parent_[r]; }
  // Ranks of r's subtree in the elimination tree: [r + 1 - subtree_size(r), r].
  [[nodiscard]] std::uint32_t subtree_size(std::uint32_t r) const noexcept {
    return subtree_size_[r];
  }

  // Customization work (triangles with middle node in the subtree, plus its arcs) of the
  // subtree of r: what the parallel customization balances between threads.
  [[nodiscard]] std::uint64_t subtree_work(std::uint32_t r) const noexcept {
    return work_prefix_[r + 1] - work_prefix_[r + 1 - subtree_size_[r]];
  }

  // Upward row of rank r: CCH arcs first_up(r) .. first_up(r + 1) - 1, heads ascending.
  [[nodiscard]] std::uint32_t first_up(std::uint32_t r) const noexcept { return up_first_[r]; }
  [[nodiscard]] std::uint32_t up_head(std::uint32_t arc) const noexcept { return up_head_[arc]; }
  [[nodiscard]] std::uint32_t up_tail(std::uint32_t arc) const noexcept { return up_tail_[arc]; }
  // Downward row of rank r: entries first_down(r) .. first_down(r + 1) - 1, each the lower
  // end `down_tail(i)` and the CCH arc `down_arc(i)`, lower ends ascending.
  [[nodiscard]] std::uint32_t first_down(std::uint32_t r) const noexcept { return down_first_[r]; }
  [[nodiscard]] std::uint32_t down_tail(std::uint32_t i) const noexcept { return down_tail_[i]; }
  [[nodiscard]] std::uint32_t down_arc(std::uint32_t i) const noexcept { return down_arc_[i]; }
  // The CCH arc {lo, hi} (ranks, lo < hi), or kNone. O(log degree).
  [[nodiscard]] std::uint32_t find_arc(std::uint32_t lo, std::uint32_t hi) const noexcept {
    const auto b = up_head_.begin() + up_first_[lo], e = up_head_.begin() + up_first_[lo + 1];
    const auto it = std::lower_bound(b, e, hi);
    return it != e && *it == hi ? static_cast<std::uint32_t>(it - up_head_.begin()) : kNone;
  }

  // The road arc tail -> head behind the forward (lower -> higher rank) and backward
  // direction of a CCH arc, or kNone (the direction is a pure shortcut).
  [[nodiscard]] std::uint32_t forward_input_arc(std::uint32_t arc) const noexcept {
    return forward_input_[arc];
  }
  [[nodiscard]] std::uint32_t backward_input_arc(std::uint32_t arc) const noexcept {
    return backward_input_[arc];
  }
  // Where a road arc lives: 2 * cch_arc + 1 if it runs downward (higher to lower rank),
  // 2 * cch_arc if upward.
  [[nodiscard]] std::uint32_t input_arc_slot(ArcId arc) const noexcept {
    return input_to_cch_[arc.value()];
  }

  // Raw arrays for the customization and query loops.
  [[nodiscard]] std::span<const std::uint32_t> up_first() const noexcept { return up_first_; }
  [[nodiscard]] std::span<const std::uint32_t> up_heads() const noexcept { return up_head_; }
  [[nodiscard]] std::span<const std::uint32_t> down_first() const noexcept { return down_first_; }
  [[nodiscard]] std::span<const std::uint32_t> down_tails() const noexcept { return down_tail_; }
  [[nodiscard]] std::span<const std::uint32_t> down_arcs() const noexcept { return down_arc_; }
  [[nodiscard]] std::span<const std::uint32_t> parents() const noexcept { return parent_; }
  [[nodiscard]] std::span<const std::uint32_t> ranks() const noexcept { return rank_; }

  // Bytes held by the arrays.
  [[nodiscard]] std::uint64_t memory_bytes() const noexcept;

 private:
  friend struct detail::CchTopologyBuilder;
  std::uint64_t graph_fingerprint_ = 0;
  std::vector<std::uint32_t> rank_;   // node -> rank
  std::vector<std::uint32_t> order_;  // rank -> node
  std::vector<std::uint32_t> parent_;
  std::vector<std::uint32_t> subtree_size_;
  std::vector<std::uint64_t> work_prefix_{0};
  std::vector<std::uint32_t> up_first_{0};
  std::vector<std::uint32_t> up_head_;
  std::vector<std::uint32_t> up_tail_;
  std::vector<std::uint32_t> forward_input_, backward_input_;
  std::vector<std::uint32_t> down_first_{0};
  std::vector<std::uint32_t> down_tail_;
  std::vector<std::uint32_t> down_arc_;
  std::vector<std::uint32_t> input_to_cch_;
  CchTopologyStats stats_;
};

DISPATCHKIT_NAMESPACE_END

#include "dispatchkit/route/cch/detail/topology_impl.hpp"
