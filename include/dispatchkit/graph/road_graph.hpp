// dispatchkit/graph/road_graph.hpp: the immutable road graph every capability routes on.
//
//   RoadGraphBuilder b("my-city");
//   NodeId a = b.add_node(/*external id*/ 1001, LatLon{37.77, -122.42});
//   NodeId c = b.add_node(1002, LatLon{37.78, -122.42});
//   b.add_arc(a, c, Deciseconds{120}, Meters{400});      // one-way street a -> c
//   absl::StatusOr<RoadGraph> g = std::move(b).build();
//   for (ArcId e : g->out_arcs(a)) use(g->head(e), g->travel_time(e));
//
// A `RoadGraph` is a compressed sparse row (CSR) graph with forward and backward
// adjacency, per-arc travel time (deciseconds) and length (metres), WGS84 node
// coordinates and the input file's own node ids. It never changes after `build()`:
// share it as `const RoadGraph&` or `std::shared_ptr<const RoadGraph>` across threads.
//
// Two optional layers, both filled by the OpenStreetMap importer (graph/osm/):
// - details(): per arc the street segment it drives (class, way id, name, shape, flags;
//   graph/road_details.hpp). Null for formats that carry none.
// - turn states: a turn restriction ("no left turn from A into B") cannot be expressed
//   by a node that forgets how it was reached, so the importer splits a restricted junction
//   into its road node plus one *turn state* per partial forbidden sequence (a copy that
//   remembers "came along A" and lacks the arc into B). Every search runs unchanged on the
//   split graph; what a user sees stays the road's: a state has its road node's external
//   id and coordinate, find_node() returns the road node, snapping lands on road arcs only,
//   and target_seeds() (graph/road_position.hpp) reaches a node or street through every
//   state of it. road_node(), states_of(), road_arc() and twins() map between the two.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <memory>
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_details.hpp"
#include "dispatchkit/graph/types.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

class RoadGraphBuilder;

// The arcs [first, last) as ArcIds, for range-for over a node's out-arcs. Written out
// rather than std::views::iota | transform, which Clang 14 (Debian 12's, used for the
// fuzzers) cannot compile against libstdc++ 12.
class ArcIdRange {
 public:
  class iterator {
   public:
    using value_type = ArcId;
    using difference_type = std::ptrdiff_t;
    constexpr iterator() noexcept = default;
    constexpr explicit iterator(std::uint32_t a) noexcept : a_(a) {}
    constexpr ArcId operator*() const noexcept { return ArcId(a_); }
    constexpr iterator& operator++() noexcept {
      ++a_;
      return *this;
    }
    constexpr iterator operator++(int) noexcept { return iterator(a_++); }
    friend constexpr bool operator==(iterator, iterator) noexcept = default;

   private:
    std::uint32_t a_ = 0;
  };
  constexpr ArcIdRange(std::uint32_t first, std::uint32_t last) noexcept
      : first_(first), last_(last) {}
  [[nodiscard]] constexpr iterator begin() const noexcept { return iterator(first_); }
  [[nodiscard]] constexpr iterator end() const noexcept { return iterator(last_); }
  [[nodiscard]] constexpr std::uint32_t size() const noexcept { return last_ - first_; }
  [[nodiscard]] constexpr bool empty() const noexcept { return first_ == last_; }

 private:
  std::uint32_t first_, last_;
};
namespace detail {
struct RoadGraphFileAccess;
}

class RoadGraph {
 public:
  RoadGraph() = default;

  [[nodiscard]] std::uint32_t node_count() const noexcept {
    return static_cast<std::uint32_t>(external_id_.size());
  }
  [[nodiscard]] std::uint32_t arc_count() const noexcept {
    return static_cast<std::uint32_t>(head_.size());
  }
  // Where the graph came from (a file path or a builder name), for error messages.
  [[nodiscard]] const std::string& source() const noexcept { return source_; }

  // Arcs leaving `n`: a contiguous range of ArcIds. O(1), no allocation.
  [[nodiscard]] ArcIdRange out_arcs(NodeId n) const noexcept {
    return ArcIdRange(first_out_[n.value()], first_out_[n.value() + 1]);
  }
  // Arcs entering `n` (their ids index the same per-arc arrays). O(1), no allocation.
  [[nodiscard]] std::span<const ArcId> in_arcs(NodeId n) const noexcept {
    return {in_arc_.data() + first_in_[n.value()], in_arc_.data() + first_in_[n.value() + 1]};
  }
  [[nodiscard]] std::uint32_t out_degree(NodeId n) const noexcept {
    return first_out_[n.value() + 1] - first_out_[n.value()];
  }
  [[nodiscard]] NodeId tail(ArcId a) const noexcept { return NodeId(tail_[a.value()]); }
  [[nodiscard]] NodeId head(ArcId a) const noexcept { return NodeId(head_[a.value()]); }
  [[nodiscard]] Deciseconds travel_time(ArcId a) const noexcept {
    return Deciseconds(weight_[a.value()]);
  }
  [[nodiscard]] Meters length(ArcId a) const noexcept { return Meters(length_[a.value()]); }
  // The arc tail -> head, if the graph has one (binary search in tail's CSR row).
  [[nodiscard]] std::optional<ArcId> find_arc(NodeId tail, NodeId head) const noexcept;

  [[nodiscard]] bool has_coordinates() const noexcept { return !coordinate_.empty(); }
  // WGS84 position of `n`; {0,0} when the graph has no coordinates.
  [[nodiscard]] LatLon coordinate(NodeId n) const noexcept {
    return coordinate_.empty() ? LatLon{} : coordinate_[n.value()];
  }
  // The node's id in the file it was loaded from (DIMACS 1-based id, OSM id, ...).
  [[nodiscard]] std::int64_t external_id(NodeId n) const noexcept {
    return external_id_[n.value()];
  }
  // The node whose input-file id is `external_id`. O(log n).
  [[nodiscard]] std::optional<NodeId> find_node(std::int64_t external_id) const noexcept;

  // Raw CSR arrays, for search loops and for building hierarchies. Arc ids index
  // `heads()`, `tails()`, `weights()` and `lengths()`; `first_out()` has n + 1 entries.
  [[nodiscard]] std::span<const std::uint32_t> first_out() const noexcept { return first_out_; }
  [[nodiscard]] std::span<const std::uint32_t> heads() const noexcept { return head_; }
  [[nodiscard]] std::span<const std::uint32_t> tails() const noexcept { return tail_; }
  [[nodiscard]] std::span<const Weight> weights() const noexcept { return weight_; }
  [[nodiscard]] std::span<const float> lengths() const noexcept { return length_; }
  [[nodiscard]] std::span<const std::uint32_t> first_in() const noexcept { return first_in_; }
  [[nodiscard]] std::span<const ArcId> in_arc_ids() const noexcept { return in_arc_; }
  [[nodiscard]] std::span<const LatLon> coordinates() const noexcept { return coordinate_; }

  // A 64-bit digest of topology, weights and ids: saved indexes record it so that a
  // hierarchy is never used with a different graph.
  [[nodiscard]] std::uint64_t fingerprint() const noexcept { return fingerprint_; }

  // --- Street details (null when the format has none) ---
  [[nodiscard]] const RoadDetails* details() const noexcept { return details_.get(); }
  [[nodiscard]] const std::shared_ptr<const RoadDetails>& shared_details() const noexcept {
    return details_;
  }
  // The street segment arc `a` drives; invalid when the graph has no details.
  [[nodiscard]] RoadSegmentRef segment_of(ArcId a) const noexcept {
    if (segment_.empty()) return {};
    const std::uint32_t s = segment_[a.value()];
    return {s & ~kReversedBit, (s & kReversedBit) != 0};
  }
  [[nodiscard]] std::span<const std::uint32_t> arc_segments() const noexcept { return segment_; }

  // --- Turn states (none unless turn restrictions were applied) ---
  [[nodiscard]] bool has_turn_states() const noexcept { return !road_node_.empty(); }
  // Nodes that are intersections of the road network (node_count() minus turn states).
  [[nodiscard]] std::uint32_t road_node_count() const noexcept {
    return node_count() - static_cast<std::uint32_t>(state_.size());
  }
  // The intersection node `n` stands for: `n` itself unless it is a turn state.
  [[nodiscard]] NodeId road_node(NodeId n) const noexcept {
    return road_node_.empty() ? n : NodeId(road_node_[n.value()]);
  }
  [[nodiscard]] bool is_turn_state(NodeId n) const noexcept { return road_node(n) != n; }
  // The turn states of road node `n` (empty for most nodes, and for every state).
  [[nodiscard]] std::span<const NodeId> states_of(NodeId n) const noexcept {
    if (first_state_.empty()) return {};
    return {state_.data() + first_state_[n.value()], state_.data() + first_state_[n.value() + 1]};
  }
  // The road arc `a` is a copy of: `a` itself unless its tail is a turn state.
  [[nodiscard]] ArcId road_arc(ArcId a) const noexcept {
    return road_arc_.empty() ? a : ArcId(road_arc_[a.value()]);
  }
  // The copies of road arc `a` leaving turn states of its tail (not including `a`).
  [[nodiscard]] std::span<const ArcId> twins(ArcId a) const noexcept {
    if (first_twin_.empty()) return {};
    return {twin_.data() + first_twin_[a.value()], twin_.data() + first_twin_[a.value() + 1]};
  }
  // The road arc from road node `tail` to road node `head` (whatever state it enters), if
  // any. Equals find_arc() on graphs without turn states. O(out-degree).
  [[nodiscard]] std::optional<ArcId> find_road_arc(NodeId tail, NodeId head) const noexcept;

  // Raw turn-state and segment columns, for the binary graph file.
  [[nodiscard]] std::span<const std::uint32_t> road_nodes() const noexcept { return road_node_; }
  [[nodiscard]] std::span<const std::uint32_t> road_arcs() const noexcept { return road_arc_; }

  static constexpr std::uint32_t kReversedBit = 0x80000000u;

 private:
  friend class RoadGraphBuilder;
  friend struct detail::RoadGraphFileAccess;  // graph/io/graph_file.hpp
  void index_turn_states();
  void index_in_arcs();
  [[nodiscard]] std::uint64_t compute_fingerprint() const noexcept;
  std::string source_;
  std::vector<std::uint32_t> first_out_{0};
  std::vector<std::uint32_t> head_, tail_;
  std::vector<Weight> weight_;
  std::vector<float> length_;
  std::vector<std::uint32_t> first_in_{0};
  std::vector<ArcId> in_arc_;
  std::vector<LatLon> coordinate_;
  std::vector<std::int64_t> external_id_;
  std::vector<std::uint32_t> by_external_id_;  // road node ids sorted by external id
  std::uint64_t fingerprint_ = 0;
  std::shared_ptr<const RoadDetails> details_;
  std::vector<std::uint32_t> segment_;  // per arc: segment | kReversedBit; empty: none
  std::vector<std::uint32_t> road_node_, first_state_;  // empty without turn states
  std::vector<NodeId> state_;
  std::vector<std::uint32_t> road_arc_, first_twin_;
  std::vector<ArcId> twin_;
};

struct RoadGraphBuildOptions {
  // Keep only the largest strongly connected component, so that every node can reach
  // every other (a dispatch graph with dead ends strands units). Node ids are renumbered
  // densely; external ids are kept.
  bool keep_largest_scc = false;
};

// Collects nodes and arcs, then validates them into a RoadGraph. Not thread-safe.
class RoadGraphBuilder {
 public:
  explicit RoadGraphBuilder(std::string source = "graph") : source_(std::move(source)) {}

  void reserve(std::size_t nodes, std::size_t arcs) {
    external_id_.reserve(nodes);
    arcs_.reserve(arcs);
  }
  // Adds a node and returns its dense id. Either every node has a coordinate or none.
  NodeId add_node(std::int64_t external_id, std::optional<LatLon> coordinate = std::nullopt);
  // Adds `count` nodes with external ids first_external_id, first_external_id + 1, ...
  void add_nodes(std::uint32_t count, std::int64_t first_external_id = 0);
  [[nodiscard]] std::uint32_t node_count() const noexcept {
    return static_cast<std::uint32_t>(external_id_.size());
  }
  // Records a directed arc and returns its index among the arcs added so far; ids and
  // values are validated in build(), whose errors name `source:line` when the loader
  // passed the arc's line in its file (0: unknown).
  std::uint32_t add_arc(NodeId from, NodeId to, Deciseconds time, Meters length,
                        std::uint32_t line = 0);
  // As add_arc(), driving `segment` of the details given to set_details().
  std::uint32_t add_road_arc(NodeId from, NodeId to, Deciseconds time, Meters length,
                             RoadSegmentRef segment);

  // Street details the arcs' segments index (graph/road_details.hpp).
  void set_details(std::shared_ptr<const RoadDetails> details) { details_ = std::move(details); }

  // Adds a turn state of road node `road` (see RoadGraph): a node with the road node's
  // external id and coordinate that remembers a partial forbidden turn sequence.
  NodeId add_turn_state(NodeId road);
  // Makes the arc `arc` (an index add_arc returned) end at `to` instead: a road arc that
  // starts a restricted turn sequence enters the turn state remembering it.
  void retarget_arc(std::uint32_t arc, NodeId to) { arcs_.at(arc).to = to.value(); }
  // Adds the copy of road arc `road_arc` (an index add_arc returned) leaving turn state
  // `from` towards `to`, with the road arc's time, length and segment.
  void add_twin_arc(NodeId from, NodeId to, std::uint32_t road_arc);

  // Validates ids and values, drops self-loops, merges parallel arcs (keeping the
  // fastest, and its length), optionally keeps the largest SCC, and lays out the CSR.
  // Errors: OutOfRange for an arc naming a missing node, InvalidArgument for an infinite
  // travel time, NaN/negative length, duplicate external ids or partial coordinates.
  [[nodiscard]] absl::StatusOr<RoadGraph> build(const RoadGraphBuildOptions& options = {}) &&;

 private:
  struct PendingArc {
    std::uint32_t from, to;
    Weight weight;
    float length;
    std::uint32_t line;  // line in source_, 0 if unknown
    std::uint32_t segment = UINT32_MAX;
    std::uint32_t road_arc = UINT32_MAX;  // pending index of the arc this twins, else none
    std::uint32_t original = 0;           // pending index, while building
  };
  std::string source_;
  std::vector<std::int64_t> external_id_;
  std::vector<LatLon> coordinate_;
  std::size_t nodes_without_coordinate_ = 0;
  std::vector<PendingArc> arcs_;
  std::shared_ptr<const RoadDetails> details_;
  std::vector<std::uint32_t> road_node_;  // per node; filled once a turn state is added
};

DISPATCHKIT_NAMESPACE_END

#include "dispatchkit/graph/detail/road_graph_impl.hpp"
