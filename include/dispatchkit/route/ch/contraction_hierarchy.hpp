// dispatchkit/route/ch/contraction_hierarchy.hpp: the immutable contraction hierarchy
// (CH) of a road graph, the index behind every fast travel-time query in dispatchkit.
//
//   absl::StatusOr<ContractionHierarchy> ch = ContractionHierarchy::build(graph);
//   ChQuery query(*ch, graph);                           // one per thread (route/ch/query.hpp)
//   Deciseconds eta = query.distance(unit_position, incident_position);
//   std::printf("%llu shortcuts, %.1f s\n", ch->stats().shortcut_count, ch->stats().build_seconds);
//
// Contraction hierarchies (Geisberger, Sanders, Schultes, Delling, "Contraction
// Hierarchies: Faster and Simpler Hierarchical Routing in Road Networks", WEA 2008)
// order the nodes by "importance" and contract them one by one, adding a shortcut
// u -> w whenever removing v would lengthen the shortest u -> w path. A query then only
// climbs: a forward search from the source and a backward search from the target, both
// over arcs towards more important nodes, meet at the top of the shortest path.
//
// This hierarchy is stored by rank (position in the contraction order): node ids inside
// are ranks, so the nodes every upward search ends in (the most important ones) sit
// together at the end of each array and stay in cache across queries. For each rank
// there are two CSR rows sorted by head: the upward arcs leaving it and the upward arcs
// entering it (downward arcs, stored reversed at their lower end). Each arc also says how
// to unpack it: an original ArcId of the RoadGraph, or the middle node of a shortcut.
//
// Thread safety: immutable after build()/load; share it as `const&` or
// `shared_ptr<const ContractionHierarchy>` across threads. Query state lives in per-thread
// workspaces (ChQuery, ChManyToOne, ChManyToMany).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/types.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// Receives the fraction of preprocessing done, in [0, 1], from the building thread.
// Called a few hundred times at most; keep it cheap (the tools draw a progress bar).
using ChProgressCallback = std::function<void(double fraction)>;

// Knobs of the preprocessing. The defaults are tuned on the PACE16 road graphs and the
// JEMSS cities; the output is a pure function of the graph and these options (the thread
// count included: it never changes the result, only the time).
struct ChBuildOptions {
  // A witness search (a Dijkstra that looks for a path avoiding the node being contracted)
  // stops after settling this many nodes. Smaller is faster to build but may add
  // superfluous shortcuts; never affects correctness.
  std::uint32_t witness_settled_limit = 500;
  // The same limit for the searches that only estimate a node's priority (which happen
  // several times per node as its neighbourhood changes). Cheaper searches overestimate
  // shortcuts a little; the ones actually added use witness_settled_limit.
  std::uint32_t priority_settled_limit = 30;
  // Threads for the witness searches; 0 = std::thread::hardware_concurrency().
  std::uint32_t threads = 0;
  // Nodes contracted in one round must be a local priority minimum among all nodes within
  // this many hops (1 or 2). 2 gives a better order (closer to one-by-one contraction);
  // 1 gives bigger rounds.
  std::uint32_t independent_set_radius = 2;
  // Priority = level_weight * level + edge_weight * 1000 * added/removed arcs
  //          + hop_weight * 1000 * added/removed original arcs (all integers).
  // On PACE16 NY a level weight of 500 (against 1000) gave 9% fewer shortcuts, 3% fewer
  // settled nodes per query and a 20% faster build; 250 or 2000 were worse on both counts.
  std::uint32_t level_weight = 500;
  std::uint32_t edge_weight = 1;
  std::uint32_t hop_weight = 1;
};

// What a build cost and produced.
struct ChStats {
  std::uint64_t shortcut_count = 0;      // hierarchy arcs that are not original arcs
  std::uint64_t upward_arc_count = 0;    // arcs from lower to higher rank
  std::uint64_t downward_arc_count = 0;  // arcs from higher to lower rank
  std::uint32_t rounds = 0;              // contraction rounds (independent sets)
  double build_seconds = 0.0;
  // Largest memory the builder's own data structures held at once (dynamic graph,
  // output arrays, per-thread search state), in bytes; the input graph is not counted.
  std::uint64_t peak_memory_bytes = 0;
};

namespace detail {
// An arc of the hierarchy as a search loop sees it.
struct ChArc {
  std::uint32_t head;  // a rank, always higher than the rank of the row it is stored in
  Weight weight;
};
// Unpack word of a hierarchy arc: an original ArcId, or `middle rank | kChShortcutBit`.
inline constexpr std::uint32_t kChShortcutBit = 0x80000000u;
// Where row r of the hierarchy starts and where its upward part starts.
struct ChRow {
  std::uint32_t begin;
  std::uint32_t up;
};
// The two arcs a shortcut u -> w via m stands for: u -> m (in m's downward part) and
// m -> w (in m's upward part), as indices into the arc array.
struct ChHalves {
  std::uint32_t first;
  std::uint32_t second;
};
class ChContractor;
struct ChIndexAccess;
}  // namespace detail

class ContractionHierarchy {
 public:
  ContractionHierarchy() = default;

  // Contracts `graph`. InvalidArgument for an empty graph or one too large for 31-bit
  // ids, ResourceExhausted if memory runs out. Time is roughly linear in the graph size for
  // road networks (PACE16 NY, 264k nodes: about 2.2 s on two cores, 4 s on one); memory a
  // small multiple of the graph's (NY: 71 MB).
  [[nodiscard]] static absl::StatusOr<ContractionHierarchy> build(
      const RoadGraph& graph, const ChBuildOptions& options = {},
      const ChProgressCallback& progress = {});

  [[nodiscard]] std::uint32_t node_count() const noexcept {
    return static_cast<std::uint32_t>(rank_.size());
  }
  // The RoadGraph::fingerprint() of the graph this hierarchy was built from.
  [[nodiscard]] std::uint64_t graph_fingerprint() const noexcept { return graph_fingerprint_; }
  [[nodiscard]] std::uint32_t graph_arc_count() const noexcept { return graph_arc_count_; }
  // True if `graph` is the graph this hierarchy was built from (same fingerprint and size).
  [[nodiscard]] bool matches(const RoadGraph& graph) const noexcept {
    return graph.fingerprint() == graph_fingerprint_ && graph.node_count() == node_count() &&
           graph.arc_count() == graph_arc_count_;
  }
  [[nodiscard]] const ChStats& stats() const noexcept { return stats_; }

  // Position of `n` in the contraction order (0 = contracted first, least important).
  [[nodiscard]] std::uint32_t rank(NodeId n) const noexcept { return rank_[n.value()]; }
  // The graph node with rank `r`.
  [[nodiscard]] NodeId node_at(std::uint32_t r) const noexcept { return NodeId(order_[r]); }

  // Raw rows, indexed by rank, for the search loops in route/ch/. Row r holds first its
  // downward arcs (h -> r with h > r, stored with `head` = h), then its upward arcs
  // (r -> h with h > r), each part sorted by head, so one settled node costs one row
  // lookup for both the stall check and the relaxation. `rows()[r].begin` and
  // `rows()[r].up` delimit the parts; `rows()[r + 1].begin` ends the row.
  [[nodiscard]] std::span<const detail::ChArc> up_arcs(std::uint32_t r) const noexcept {
    return {arc_.data() + row_[r].up, arc_.data() + row_[r + 1].begin};
  }
  [[nodiscard]] std::span<const detail::ChArc> down_arcs(std::uint32_t r) const noexcept {
    return {arc_.data() + row_[r].begin, arc_.data() + row_[r].up};
  }
  [[nodiscard]] std::span<const detail::ChRow> rows() const noexcept { return row_; }
  [[nodiscard]] std::span<const detail::ChArc> arcs() const noexcept { return arc_; }
  // Per arc: an original ArcId, or `middle rank | kChShortcutBit`.
  [[nodiscard]] std::span<const std::uint32_t> unpack_words() const noexcept { return unpack_; }
  [[nodiscard]] std::span<const std::uint32_t> ranks() const noexcept { return rank_; }

  // Appends to `out` the original arcs, in driving order, of the hierarchy arc with index
  // `arc` (into arcs()). Iterative with the explicit stack `scratch` (reused by the
  // caller); O(original arcs): each shortcut knows the indices of its two halves.
  void unpack_arc(std::uint32_t arc, std::vector<ArcId>& out,
                  std::vector<std::uint32_t>& scratch) const;

  // Bytes held by the arrays (what a loaded index occupies).
  [[nodiscard]] std::uint64_t memory_bytes() const noexcept;

 private:
  // Fills halves_; false if some shortcut's halves are missing (a corrupt index).
  bool link_shortcuts();

 public:
 private:
  friend class detail::ChContractor;
  friend struct detail::ChIndexAccess;
  std::uint64_t graph_fingerprint_ = 0;
  std::uint32_t graph_arc_count_ = 0;
  std::vector<std::uint32_t> rank_;                      // node -> rank
  std::vector<std::uint32_t> order_;                     // rank -> node
  std::vector<detail::ChRow> row_{detail::ChRow{0, 0}};  // n + 1 rows
  std::vector<detail::ChArc> arc_;
  std::vector<std::uint32_t> unpack_;
  std::vector<detail::ChHalves> halves_;  // derived from the above by link_shortcuts()
  ChStats stats_;
};

DISPATCHKIT_NAMESPACE_END

#include "dispatchkit/route/ch/detail/contraction.hpp"
