// dispatchkit/route/dijkstra.hpp: the reference shortest-path search.
//
//   Dijkstra dijkstra(graph);                         // one workspace per thread
//   Deciseconds t = dijkstra.distance(from, to);      // early-stopping one-to-one
//   dijkstra.run_forward(station);                    // one-to-all
//   Deciseconds eta = dijkstra.distance_to(incident);
//   std::vector<ArcId> route = dijkstra.path_to(incident);
//   dijkstra.path_into(unit_position, incident_position, route);   // positions, mid-street
//   dijkstra.run_backward(incident);                  // every node's time *to* incident
//
// This is the correctness oracle for every faster path (CH, CCH, many-to-one): it is
// kept plain, with no pruning beyond the early stop. Its speed comes from the layout
// alone: a 4-ary indexed heap and timestamped distance labels, so a reset is O(1) and a
// query touches only the nodes it settles.
//
// Thread safety: thread-compatible. The graph (and weight array) is shared read-only;
// each thread owns its Dijkstra. No allocation after construction except in path_to().
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/indexed_heap.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

class Dijkstra {
 public:
  enum class Direction { kForward, kBackward };

  // Searches on the graph's own travel times.
  explicit Dijkstra(const RoadGraph& graph) : Dijkstra(graph, graph.weights()) {}
  // Searches on `arc_weights` (one per arc of `graph`, e.g. a traffic metric). Both must
  // outlive the workspace.
  Dijkstra(const RoadGraph& graph, std::span<const Weight> arc_weights)
      : graph_(&graph),
        weights_(arc_weights),
        heap_(graph.node_count()),
        dist_(graph.node_count(), kInfWeight),
        parent_arc_(graph.node_count(), UINT32_MAX) {}

  // Travel time from `source` to `target`, stopping as soon as `target` is settled;
  // infinite() if unreachable. O((n + m) log n) worst case.
  // Ids outside the graph answer infinite().
  Deciseconds distance(NodeId source, NodeId target) noexcept {
    if (!in_graph(source) || !in_graph(target)) return Deciseconds::infinite();
    // With turn states (graph/road_graph.hpp) the target node is reached in any state.
    if (graph_->has_turn_states())
      return distance(RoadPosition::at_node(source), RoadPosition::at_node(target));
    const SearchSeed seed{source, 0};
    run({&seed, 1}, Direction::kForward, target);
    return distance_to(target);
  }

  // Travel time between two road positions (mid-arc allowed), one-way streets respected;
  // infinite() for a position that is not valid on this graph (is_valid_position).
  Deciseconds distance(const RoadPosition& source, const RoadPosition& target) noexcept {
    const SeedPair s = source_seeds(*graph_, weights_, source);
    run(s.view(), Direction::kForward, NodeId::invalid());  // both target seeds must settle
    return distance_to(source, target);
  }

  // One-to-all from `source`: afterwards distance_to(v) is the time source -> v.
  void run_forward(NodeId source) noexcept {
    const SearchSeed seed{source, 0};
    run({&seed, in_graph(source) ? 1u : 0u}, Direction::kForward, NodeId::invalid());
  }
  // Reverse one-to-all towards `target`: afterwards distance_to(v) is the time v -> target.
  void run_backward(NodeId target) noexcept {
    const SearchSeed seed{target, 0};
    run({&seed, in_graph(target) ? 1u : 0u}, Direction::kBackward, NodeId::invalid());
  }

  // General search from several seeds (multi-source), in either direction, stopping
  // when `stop_at` is settled (pass NodeId::invalid() to settle everything reachable).
  // Seeds outside the graph or with an infinite offset are ignored. With a `radius`,
  // nodes farther than it are left unreached (a bounded search: what a unit reaches
  // within a response target); the labels within it are exact when run() returns.
  void run(std::span<const SearchSeed> seeds, Direction direction, NodeId stop_at,
           Weight radius = kInfWeight) noexcept;

  // After a search: the settled distance to `v` (infinite() if not reached). With an
  // early stop, only nodes settled before the stop are final.
  [[nodiscard]] Deciseconds distance_to(NodeId v) const noexcept {
    return in_graph(v) ? Deciseconds(dist_.get(v.value())) : Deciseconds::infinite();
  }
  // The time from road position `source` to road position `target`, a drive along the
  // same street included, read off the last run: a forward run from source_seeds(source)
  // (read at the target's seeds), or a backward run towards target_seeds(target) (read
  // at the source's seeds: one run, then every unit). infinite() if the run did not
  // reach it (beyond its radius, or stopped early).
  [[nodiscard]] Deciseconds distance_to(const RoadPosition& source,
                                        const RoadPosition& target) const noexcept {
    Weight best = same_street_weight(weights_, source, target);
    const SeedPair far_end = direction_ == Direction::kForward
                                 ? target_seeds(*graph_, weights_, target)
                                 : source_seeds(*graph_, weights_, source);
    for (const SearchSeed& seed : far_end.view())
      best = std::min(best, add_weights(dist_.get(seed.node.value()), seed.offset));
    return Deciseconds(best);
  }
  [[nodiscard]] bool reached(NodeId v) const noexcept {
    return in_graph(v) && dist_.get(v.value()) != kInfWeight;
  }
  // The arcs of a shortest path, in driving order: from the seed to `v` after a forward
  // search, from `v` to the seed after a backward one. Empty if `v` is a seed or unreached.
  [[nodiscard]] std::vector<ArcId> path_to(NodeId v) const;
  // A shortest drive between two road positions, by a forward search from `source`: its
  // road arcs in driving order into `out` (cleared first), the first and last being the
  // arcs the positions lie on (driven in part); a drive along one street that passes no
  // intersection is that street's arc at `source`. Returns its time; infinite() and `out`
  // empty when unreachable. Allocates only to grow `out`.
  Deciseconds path_into(const RoadPosition& source, const RoadPosition& target,
                        std::vector<ArcId>& out);

  // Nodes settled by the last search (a measure of its work).
  [[nodiscard]] std::uint32_t settled_count() const noexcept { return settled_; }
  [[nodiscard]] const RoadGraph& graph() const noexcept { return *graph_; }
  [[nodiscard]] std::span<const Weight> weights() const noexcept { return weights_; }
  // Searches on `arc_weights` from now on (one per arc of the graph; a traffic metric's).
  void set_weights(std::span<const Weight> arc_weights) noexcept { weights_ = arc_weights; }

 private:
  [[nodiscard]] bool in_graph(NodeId v) const noexcept { return v.value() < graph_->node_count(); }
  const RoadGraph* graph_;
  std::span<const Weight> weights_;
  detail::IndexedMinHeap<Weight> heap_;
  detail::TimestampedArray<Weight> dist_;
  std::vector<std::uint32_t> parent_arc_;  // valid where dist_ is set; UINT32_MAX at seeds
  Direction direction_ = Direction::kForward;
  std::uint32_t settled_ = 0;
};

// ---------------------------------------------------------------------------------------
// Implementation.

inline void Dijkstra::run(std::span<const SearchSeed> seeds, Direction direction, NodeId stop_at,
                          Weight radius) noexcept {
  heap_.clear();
  dist_.reset();
  direction_ = direction;
  settled_ = 0;
  for (const SearchSeed& s : seeds) {
    if (!in_graph(s.node) || s.offset == kInfWeight || s.offset > radius) continue;
    if (!dist_.is_set(s.node.value()) || s.offset < dist_.get(s.node.value())) {
      dist_.set(s.node.value(), s.offset);
      parent_arc_[s.node.value()] = UINT32_MAX;
      heap_.push_or_decrease(s.node.value(), s.offset);
    }
  }
  const auto first_out = graph_->first_out();
  const auto heads = graph_->heads();
  const auto first_in = graph_->first_in();
  const auto in_arcs = graph_->in_arc_ids();
  const auto tails = graph_->tails();
  // Invariant: a popped node's label is final (weights are non-negative). Labels beyond
  // the radius are never stored, so every label within it is popped before the heap runs
  // dry.
  while (!heap_.empty()) {
    const auto [v, label] = heap_.pop();
    const Weight d = label;  // a plain variable: Clang 14 cannot capture a structured binding
    ++settled_;
    if (v == stop_at.value()) break;
    auto relax = [&](std::uint32_t arc, std::uint32_t w) {
      const Weight nd = add_weights(d, weights_[arc]);
      if (nd <= radius && nd < dist_.get(w)) {
        dist_.set(w, nd);
        parent_arc_[w] = arc;
        heap_.push_or_decrease(w, nd);
      }
    };
    if (direction == Direction::kForward) {
      for (std::uint32_t a = first_out[v]; a < first_out[v + 1]; ++a) relax(a, heads[a]);
    } else {
      for (std::uint32_t i = first_in[v]; i < first_in[v + 1]; ++i) {
        const std::uint32_t a = in_arcs[i].value();
        relax(a, tails[a]);
      }
    }
  }
}

inline std::vector<ArcId> Dijkstra::path_to(NodeId v) const {
  std::vector<ArcId> path;
  if (!reached(v)) return path;
  std::uint32_t at = v.value();
  while (parent_arc_[at] != UINT32_MAX) {
    const std::uint32_t arc = parent_arc_[at];
    path.push_back(ArcId(arc));
    at = direction_ == Direction::kForward ? graph_->tails()[arc] : graph_->heads()[arc];
  }
  if (direction_ == Direction::kForward) std::reverse(path.begin(), path.end());
  return path;
}

inline Deciseconds Dijkstra::path_into(const RoadPosition& source, const RoadPosition& target,
                                       std::vector<ArcId>& out) {
  out.clear();
  const SeedPair from = source_seeds(*graph_, weights_, source);
  run(from.view(), Direction::kForward, NodeId::invalid());
  Weight best = kInfWeight;
  SearchSeed end{};
  const SeedPair to = target_seeds(*graph_, weights_, target);
  for (const SearchSeed& seed : to.view()) {
    const Weight w = add_weights(dist_.get(seed.node.value()), seed.offset);
    if (w < best) best = w, end = seed;
  }
  const Weight street = same_street_weight(weights_, source, target);
  if (street != kInfWeight && street <= best) {
    out.push_back(source.arc());
    return Deciseconds(street);
  }
  if (best == kInfWeight) return Deciseconds::infinite();
  std::uint32_t at = end.node.value();
  while (parent_arc_[at] != UINT32_MAX) {
    out.push_back(ArcId(parent_arc_[at]));
    at = graph_->tails()[parent_arc_[at]];
  }
  // `at` is a seed of the source: the arc it was reached on, if the source is mid-street.
  for (const SearchSeed& seed : from.view())
    if (seed.node.value() == at && seed.offset == dist_.get(at)) {
      if (seed.arc.valid()) out.push_back(seed.arc);
      break;
    }
  std::reverse(out.begin(), out.end());
  if (end.arc.valid()) out.push_back(end.arc);
  return Deciseconds(best);
}

DISPATCHKIT_NAMESPACE_END
