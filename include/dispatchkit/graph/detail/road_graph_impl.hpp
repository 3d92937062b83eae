// Implementation of dispatchkit/graph/road_graph.hpp. Internal.
#pragma once

#include <cmath>
#include <cstring>

#include "dispatchkit/detail/hash.hpp"
#include "dispatchkit/graph/detail/path_length_bound.hpp"
#include "dispatchkit/graph/detail/scc.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

inline std::optional<ArcId> RoadGraph::find_arc(NodeId tail, NodeId head) const noexcept {
  const auto first = head_.begin() + first_out_[tail.value()];
  const auto last = head_.begin() + first_out_[tail.value() + 1];
  const auto it = std::lower_bound(first, last, head.value());  // rows are head-sorted
  if (it == last || *it != head.value()) return std::nullopt;
  return ArcId(static_cast<std::uint32_t>(it - head_.begin()));
}

inline std::optional<NodeId> RoadGraph::find_node(std::int64_t external_id) const noexcept {
  const auto it =
      std::lower_bound(by_external_id_.begin(), by_external_id_.end(), external_id,
                       [this](std::uint32_t n, std::int64_t id) { return external_id_[n] < id; });
  if (it == by_external_id_.end() || external_id_[*it] != external_id) return std::nullopt;
  return NodeId(*it);
}

inline std::optional<ArcId> RoadGraph::find_road_arc(NodeId tail, NodeId head) const noexcept {
  if (road_node_.empty()) return find_arc(tail, head);
  for (ArcId a : out_arcs(tail))
    if (road_node_[head_[a.value()]] == head.value()) return a;
  return std::nullopt;
}

inline std::uint64_t RoadGraph::compute_fingerprint() const noexcept {
  detail::Fnv64 h;
  h.add_span(std::span<const std::uint32_t>(first_out_));
  h.add_span(std::span<const std::uint32_t>(head_));
  h.add_span(std::span<const Weight>(weight_));
  h.add_span(std::span<const std::int64_t>(external_id_));
  if (!road_node_.empty()) h.add_span(std::span<const std::uint32_t>(road_node_));
  return h.value();
}

// Backward CSR: arcs grouped by head, each group in tail order (counting sort is stable).
inline void RoadGraph::index_in_arcs() {
  const std::uint32_t node_total = node_count();
  const std::uint32_t m = arc_count();
  first_in_.assign(node_total + 1, 0);
  for (std::uint32_t h : head_) ++first_in_[h + 1];
  std::partial_sum(first_in_.begin(), first_in_.end(), first_in_.begin());
  in_arc_.resize(m);
  std::vector<std::uint32_t> fill(first_in_.begin(), first_in_.end() - 1);
  for (std::uint32_t a = 0; a < m; ++a) in_arc_[fill[head_[a]]++] = ArcId(a);
}

inline void RoadGraph::index_turn_states() {
  const std::uint32_t n = node_count();
  first_state_.assign(n + 1, 0);
  for (std::uint32_t v = 0; v < n; ++v)
    if (road_node_[v] != v) ++first_state_[road_node_[v] + 1];
  std::partial_sum(first_state_.begin(), first_state_.end(), first_state_.begin());
  state_.resize(first_state_[n]);
  {
    std::vector<std::uint32_t> fill(first_state_.begin(), first_state_.end() - 1);
    for (std::uint32_t v = 0; v < n; ++v)
      if (road_node_[v] != v) state_[fill[road_node_[v]]++] = NodeId(v);
  }
  const std::uint32_t m = arc_count();
  first_twin_.assign(m + 1, 0);
  for (std::uint32_t a = 0; a < m; ++a)
    if (road_arc_[a] != a) ++first_twin_[road_arc_[a] + 1];
  std::partial_sum(first_twin_.begin(), first_twin_.end(), first_twin_.begin());
  twin_.resize(first_twin_[m]);
  std::vector<std::uint32_t> fill(first_twin_.begin(), first_twin_.end() - 1);
  for (std::uint32_t a = 0; a < m; ++a)
    if (road_arc_[a] != a) twin_[fill[road_arc_[a]]++] = ArcId(a);
}

inline NodeId RoadGraphBuilder::add_node(std::int64_t external_id,
                                         std::optional<LatLon> coordinate) {
  const NodeId id(static_cast<std::uint32_t>(external_id_.size()));
  external_id_.push_back(external_id);
  if (coordinate) {
    coordinate_.resize(external_id_.size());
    coordinate_.back() = *coordinate;
  } else {
    ++nodes_without_coordinate_;
  }
  if (!road_node_.empty()) road_node_.push_back(id.value());
  return id;
}

inline NodeId RoadGraphBuilder::add_turn_state(NodeId road) {
  if (road_node_.empty()) {
    road_node_.resize(external_id_.size());
    std::iota(road_node_.begin(), road_node_.end(), 0u);
  }
  const std::uint32_t r = road.value() < road_node_.size() ? road_node_[road.value()] : 0;
  const NodeId id =
      add_node(external_id_[r],
               coordinate_.size() > r ? std::optional<LatLon>(coordinate_[r]) : std::nullopt);
  road_node_.back() = r;
  return id;
}

inline void RoadGraphBuilder::add_nodes(std::uint32_t count, std::int64_t first_external_id) {
  for (std::uint32_t i = 0; i < count; ++i) add_node(first_external_id + i);
}

inline std::uint32_t RoadGraphBuilder::add_arc(NodeId from, NodeId to, Deciseconds time,
                                               Meters length, std::uint32_t line) {
  arcs_.push_back(
      PendingArc{from.value(), to.value(), time.count(), static_cast<float>(length.value()), line});
  return static_cast<std::uint32_t>(arcs_.size() - 1);
}

inline std::uint32_t RoadGraphBuilder::add_road_arc(NodeId from, NodeId to, Deciseconds time,
                                                    Meters length, RoadSegmentRef segment) {
  const std::uint32_t i = add_arc(from, to, time, length);
  arcs_[i].segment = segment.valid()
                         ? (segment.index | (segment.reversed ? RoadGraph::kReversedBit : 0u))
                         : UINT32_MAX;
  return i;
}

inline void RoadGraphBuilder::add_twin_arc(NodeId from, NodeId to, std::uint32_t road_arc) {
  PendingArc a = arcs_.at(road_arc);
  a.from = from.value();
  a.to = to.value();
  a.road_arc = road_arc;
  arcs_.push_back(a);
}

inline absl::StatusOr<RoadGraph> RoadGraphBuilder::build(const RoadGraphBuildOptions& options) && {
  const std::uint32_t n = node_count();
  auto where = [this](const PendingArc& a, std::size_t index) {
    return a.line ? absl::StrCat(source_, ":", a.line) : absl::StrCat(source_, ": arc #", index);
  };
  if (nodes_without_coordinate_ != 0 && nodes_without_coordinate_ != n) {
    return absl::InvalidArgumentError(
        absl::StrCat(source_, ": ", nodes_without_coordinate_, " of ", n,
                     " nodes have no coordinate; give every node a coordinate or none"));
  }
  if (coordinate_.size() < n) coordinate_.clear();  // no coordinates at all
  for (std::uint32_t v = 0; v < coordinate_.size(); ++v) {
    if (!coordinate_[v].is_valid()) {
      return absl::InvalidArgumentError(
          absl::StrCat(source_, ": node ", external_id_[v], " has an invalid coordinate (",
                       coordinate_[v].lat, ", ", coordinate_[v].lon, ")"));
    }
  }
  for (std::size_t i = 0; i < arcs_.size(); ++i) {
    const PendingArc& a = arcs_[i];
    if (a.from >= n || a.to >= n) {
      return absl::OutOfRangeError(absl::StrCat(where(a, i), ": arc names node ",
                                                a.from >= n ? a.from : a.to, " but the graph has ",
                                                n, " nodes"));
    }
    if (a.weight == kInfWeight) {
      return absl::InvalidArgumentError(
          absl::StrCat(where(a, i), ": arc has an infinite travel time"));
    }
    if (!(a.length >= 0.0f) || std::isinf(a.length)) {
      return absl::InvalidArgumentError(absl::StrCat(where(a, i), ": arc length ", a.length,
                                                     " is not a finite, non-negative number"));
    }
  }

  for (std::size_t i = 0; i < arcs_.size(); ++i) {
    arcs_[i].original = static_cast<std::uint32_t>(i);
    if (arcs_[i].road_arc != UINT32_MAX && !road_node_.empty() &&
        road_node_[arcs_[i].from] == arcs_[i].from) {
      return absl::InvalidArgumentError(
          absl::StrCat(where(arcs_[i], i), ": a twin arc must leave a turn state, not road node ",
                       external_id_[arcs_[i].from]));
    }
  }
  const std::size_t pending_total = arcs_.size();
  std::vector<std::uint32_t> road_node = std::move(road_node_);

  // Self-loops never lie on a shortest path; drop them.
  std::erase_if(arcs_, [](const PendingArc& a) { return a.from == a.to; });

  // Optionally restrict to the largest SCC and renumber densely, keeping input order.
  std::vector<std::int64_t> external = std::move(external_id_);
  std::vector<LatLon> coordinate = std::move(coordinate_);
  if (options.keep_largest_scc && n > 0) {
    // With turn states the component is the road network's: a state stands for its road
    // node. (A road node whose every approach starts a restricted sequence has no arc in,
    // yet a unit parked there must still leave it.)
    auto road_of = [&](std::uint32_t v) { return road_node.empty() ? v : road_node[v]; };
    std::vector<std::uint32_t> tails(arcs_.size()), heads(arcs_.size());
    for (std::size_t i = 0; i < arcs_.size(); ++i) {
      tails[i] = road_of(arcs_[i].from);
      heads[i] = road_of(arcs_[i].to);
    }
    std::vector<bool> keep = detail::largest_scc(n, tails, heads);
    for (std::uint32_t v = 0; v < n; ++v) keep[v] = keep[road_of(v)];
    std::vector<std::uint32_t> new_id(n, UINT32_MAX);
    std::uint32_t next = 0;
    for (std::uint32_t v = 0; v < n; ++v) {
      if (!keep[v]) continue;
      new_id[v] = next;
      external[next] = external[v];
      if (!coordinate.empty()) coordinate[next] = coordinate[v];
      ++next;
    }
    external.resize(next);
    if (!coordinate.empty()) coordinate.resize(next);
    if (!road_node.empty()) {
      // States are kept exactly with their road node.
      std::vector<std::uint32_t> kept(next);
      for (std::uint32_t v = 0; v < n; ++v)
        if (new_id[v] != UINT32_MAX) kept[new_id[v]] = new_id[road_node[v]];
      road_node = std::move(kept);
    }
    std::erase_if(arcs_, [&](const PendingArc& a) {
      return new_id[a.from] == UINT32_MAX || new_id[a.to] == UINT32_MAX;
    });
    for (PendingArc& a : arcs_) {
      a.from = new_id[a.from];
      a.to = new_id[a.to];
    }
  }
  const auto node_total = static_cast<std::uint32_t>(external.size());

  // Sort by (tail, head, weight) and keep the first of each parallel group: the fastest.
  std::sort(arcs_.begin(), arcs_.end(), [](const PendingArc& a, const PendingArc& b) {
    return std::tie(a.from, a.to, a.weight, a.length) < std::tie(b.from, b.to, b.weight, b.length);
  });
  std::vector<std::uint32_t> new_of_pending;  // only needed to map twins to road arcs
  if (!road_node.empty()) new_of_pending.assign(pending_total, UINT32_MAX);
  {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < arcs_.size(); ++i) {
      if (kept == 0 || arcs_[kept - 1].from != arcs_[i].from || arcs_[kept - 1].to != arcs_[i].to)
        arcs_[kept++] = arcs_[i];
      if (!new_of_pending.empty())
        new_of_pending[arcs_[i].original] = static_cast<std::uint32_t>(kept - 1);
    }
    arcs_.resize(kept);
  }

  RoadGraph g;
  g.source_ = std::move(source_);
  const std::size_t m = arcs_.size();
  if (m >= UINT32_MAX) return absl::OutOfRangeError(absl::StrCat(g.source_, ": too many arcs"));
  g.first_out_.assign(node_total + 1, 0);
  g.head_.resize(m);
  g.tail_.resize(m);
  g.weight_.resize(m);
  g.length_.resize(m);
  if (details_) g.segment_.resize(m);
  if (!road_node.empty()) g.road_arc_.resize(m);
  for (std::size_t i = 0; i < m; ++i) {
    ++g.first_out_[arcs_[i].from + 1];
    g.head_[i] = arcs_[i].to;
    g.tail_[i] = arcs_[i].from;
    g.weight_[i] = arcs_[i].weight;
    g.length_[i] = arcs_[i].length;
    if (details_) {
      if ((arcs_[i].segment & ~RoadGraph::kReversedBit) >= details_->segment_count())
        return absl::InvalidArgumentError(
            absl::StrCat(g.source_, ": arc ", i, " names no segment of the details"));
      g.segment_[i] = arcs_[i].segment;
    }
    if (!road_node.empty()) {
      const std::uint32_t r =
          arcs_[i].road_arc == UINT32_MAX ? UINT32_MAX : new_of_pending[arcs_[i].road_arc];
      // A twin whose road arc was dropped (outside the component) stands for itself.
      g.road_arc_[i] = r == UINT32_MAX || road_node[arcs_[r].from] != arcs_[r].from
                           ? static_cast<std::uint32_t>(i)
                           : r;
    }
  }
  std::partial_sum(g.first_out_.begin(), g.first_out_.end(), g.first_out_.begin());
  // Where the heaviest arc was read, for the path-length check below.
  std::string heaviest_at;
  if (const auto h = std::max_element(
          arcs_.begin(), arcs_.end(),
          [](const PendingArc& a, const PendingArc& b) { return a.weight < b.weight; });
      h != arcs_.end())
    heaviest_at = h->line ? absl::StrCat(" (", g.source_, ":", h->line, ": weight ", h->weight, ")")
                          : absl::StrCat(" (the heaviest: ", h->weight, ")");
  std::vector<PendingArc>().swap(arcs_);

  g.external_id_ = std::move(external);
  g.index_in_arcs();
  // Searches saturate at kInfWeight, "unreachable": refuse weights whose shortest paths
  // could reach it rather than answer a reachable pair as unreachable.
  if (const std::uint64_t bound = detail::shortest_path_length_bound(
          g.first_out_, g.head_, g.tail_, g.weight_, g.first_in_, g.in_arc_);
      bound >= kInfWeight)
    return absl::InvalidArgumentError(
        absl::StrCat(g.source_, ": shortest paths may be as long as ", bound,
                     " deciseconds, beyond the travel-time range (", kInfWeight - 1,
                     "); the arc weights are too large", heaviest_at, ": scale them down"));
  g.coordinate_ = std::move(coordinate);
  g.details_ = std::move(details_);
  g.by_external_id_.resize(node_total);
  std::iota(g.by_external_id_.begin(), g.by_external_id_.end(), 0u);
  if (!road_node.empty()) {
    g.road_node_ = std::move(road_node);
    std::erase_if(g.by_external_id_, [&](std::uint32_t v) { return g.road_node_[v] != v; });
    g.index_turn_states();
  }
  std::sort(
      g.by_external_id_.begin(), g.by_external_id_.end(),
      [&](std::uint32_t a, std::uint32_t b) { return g.external_id_[a] < g.external_id_[b]; });
  for (std::size_t i = 1; i < g.by_external_id_.size(); ++i) {
    if (g.external_id_[g.by_external_id_[i]] == g.external_id_[g.by_external_id_[i - 1]]) {
      return absl::InvalidArgumentError(absl::StrCat(g.source_, ": node id ",
                                                     g.external_id_[g.by_external_id_[i]],
                                                     " appears more than once"));
    }
  }

  g.fingerprint_ = g.compute_fingerprint();
  return g;
}

DISPATCHKIT_NAMESPACE_END
