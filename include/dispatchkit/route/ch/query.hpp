// dispatchkit/route/ch/query.hpp: point-to-point travel times and routes on a
// contraction hierarchy.
//
//   ChQuery query(ch, graph);                                  // one per thread, reused
//   Deciseconds t = query.distance(NodeId(12), NodeId(345));
//   Deciseconds eta = query.distance(ambulance_position, incident_position);
//   std::vector<ArcId> route = query.path(ambulance_position, incident_position);
//   std::vector<LatLon> line = route_polyline(graph, ambulance_position, incident_position, route);
//
// A query is a bidirectional upward search (Geisberger et al., WEA 2008): a forward
// search from the source's seeds over arcs to higher ranks, a backward search from the
// target's seeds over arcs from higher ranks, alternately settling the smaller label,
// both pruned by stall-on-demand, stopping when neither queue holds a label below the
// best meeting distance. Positions in the middle of an arc become two seeds each (see
// graph/road_position.hpp), so one-way streets are respected and results agree with
// the reference Dijkstra to the decisecond.
//
// Thread safety: thread-compatible. The hierarchy and graph are shared read-only; each
// thread owns its ChQuery. distance() is noexcept and allocation-free; labels carry
// timestamps so a reset is O(1) and a query touches only its own search space.
// path() allocates its result (path_into() reuses a caller's buffer).
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/route/ch/contraction_hierarchy.hpp"
#include "dispatchkit/route/ch/detail/search_primitives.hpp"
#include "dispatchkit/route/ch/detail/upward_search.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

class ChQuery {
 public:
  // Both must outlive the workspace, and `ch` must have been built from `graph`
  // (ch.matches(graph)). Allocates O(node count).
  ChQuery(const ContractionHierarchy& ch, const RoadGraph& graph);

  // Travel time from `source` to `target`; infinite() if there is no route or an id is
  // out of range. Allocation-free.
  [[nodiscard]] Deciseconds distance(NodeId source, NodeId target) noexcept;
  // Travel time between two road positions (mid-arc allowed, one-way streets respected),
  // including a drive along a single street that passes no intersection.
  [[nodiscard]] Deciseconds distance(const RoadPosition& source,
                                     const RoadPosition& target) noexcept;

  // The original arcs of a shortest route, in driving order; empty if source == target
  // or there is no route. For positions, the first and last arcs are the ones the
  // positions lie on (driven in part); a route along one street is that one arc.
  [[nodiscard]] std::vector<ArcId> path(NodeId source, NodeId target);
  [[nodiscard]] std::vector<ArcId> path(const RoadPosition& source, const RoadPosition& target);
  // As path(), into `out` (cleared first; no allocation once it has grown); returns the
  // travel time.
  Deciseconds path_into(const RoadPosition& source, const RoadPosition& target,
                        std::vector<ArcId>& out);

  // Nodes settled by the last query, both directions (a measure of its work).
  [[nodiscard]] std::uint32_t settled_count() const noexcept { return settled_; }

 private:
  static constexpr std::uint32_t kSeedParent = UINT32_MAX;
  // Labels are read on every relaxation and stall check, parents only when unpacking a
  // route: keeping them apart halves the cache footprint of the hot array.
  struct Label {
    std::uint32_t stamp;
    Weight dist;
  };
  struct Parent {
    std::uint32_t node;  // rank, or kSeedParent (then `arc` is the seed index)
    std::uint32_t arc;   // index into the hierarchy's arcs() of the arc that reached the node
  };
  struct Side {
    detail::ChMinQueue heap;
    std::vector<Label> label;
    std::vector<Parent> parent;
  };
  struct Result {
    Weight dist = kInfWeight;
    std::uint32_t meet = UINT32_MAX;
  };

  [[nodiscard]] Weight dist(const Side& s, std::uint32_t r) const noexcept {
    return s.label[r].stamp == stamp_ ? s.label[r].dist : kInfWeight;
  }
  Result run(const detail::ChSeed* fwd_seeds, std::uint32_t fwd_count,
             const detail::ChSeed* bwd_seeds, std::uint32_t bwd_count) noexcept;
  template <bool kForward>
  void step(Side& self, const Side& other, Result& best) noexcept;
  void unpack_route(const Result& r, std::vector<ArcId>& out, std::uint32_t& source_seed,
                    std::uint32_t& target_seed);

  const ContractionHierarchy* ch_;
  const RoadGraph* graph_;
  Side fwd_, bwd_;
  std::uint32_t stamp_ = 0;
  std::uint32_t settled_ = 0;
  std::vector<std::uint32_t> unpack_stack_;
  std::vector<std::uint32_t> segments_;  // hierarchy arcs of the route, in driving order
};

// The route's shape for a map: the source position, every intersection passed and the
// target position (positions mid-arc are interpolated along their arc). Empty if the
// graph has no coordinates; two points for a route along one street.
[[nodiscard]] std::vector<LatLon> route_polyline(const RoadGraph& graph, const RoadPosition& source,
                                                 const RoadPosition& target,
                                                 std::span<const ArcId> arcs);

// The arc a same-street drive from `s` to `t` uses (the one same_street_weight() picked),
// or invalid if there is none.
[[nodiscard]] ArcId same_street_arc(std::span<const Weight> weights, const RoadPosition& s,
                                    const RoadPosition& t) noexcept;

// ---------------------------------------------------------------------------------------
// Implementation.

inline ChQuery::ChQuery(const ContractionHierarchy& ch, const RoadGraph& graph)
    : ch_(&ch), graph_(&graph) {
  const std::uint32_t n = ch.node_count();
  for (Side* s : {&fwd_, &bwd_}) {
    s->label.assign(n, Label{0, kInfWeight});
    s->parent.assign(n, Parent{0, 0});
  }
  unpack_stack_.reserve(64);
  segments_.reserve(64);
}

template <bool kForward>
inline void ChQuery::step(Side& self, const Side& other, Result& best) noexcept {
  const auto [d, v] = self.heap.pop();
  if (d > self.label[v].dist) return;  // stale duplicate (labels of queued nodes are current)
  ++settled_;
  // Meeting: v's label on the other side is a real path length, final or not; the optimal
  // top node is settled by both sides before both queues pass the best distance.
  const Weight via = add_weights(d, dist(other, v));
  if (via < best.dist) {
    best.dist = via;
    best.meet = v;
  }
  const detail::ChRow* rows = ch_->rows().data();
  const detail::ChArc* arcs = ch_->arcs().data();
  // Forward: stall over the downward part of v's row, relax the upward part; backward:
  // mirrored. Both parts are adjacent in memory.
  const std::uint32_t begin = rows[v].begin, up = rows[v].up, end = rows[v + 1].begin;
  const std::uint32_t stall_begin = kForward ? begin : up, stall_end = kForward ? up : end;
  const std::uint32_t relax_begin = kForward ? up : begin, relax_end = kForward ? end : up;
  for (std::uint32_t i = stall_begin; i < stall_end; ++i) {
    if (add_weights(dist(self, arcs[i].head), arcs[i].weight) < d) return;  // stalled
  }
  for (std::uint32_t i = relax_begin; i < relax_end; ++i) {
    const std::uint32_t h = arcs[i].head;
    const Weight nd = add_weights(d, arcs[i].weight);
    Label& l = self.label[h];
    if (l.stamp != stamp_ || nd < l.dist) {
      l = Label{stamp_, nd};
      self.parent[h] = Parent{v, i};
      self.heap.push(h, nd);
      // h's row is read when h is settled, a few pops from now: fetch it meanwhile.
      __builtin_prefetch(rows + h);
    }
  }
}

inline ChQuery::Result ChQuery::run(const detail::ChSeed* fwd_seeds, std::uint32_t fwd_count,
                                    const detail::ChSeed* bwd_seeds,
                                    std::uint32_t bwd_count) noexcept {
  fwd_.heap.clear();
  bwd_.heap.clear();
  if (++stamp_ == 0) {  // wrap-around after 2^32 queries: wipe once
    for (Side* s : {&fwd_, &bwd_})
      for (Label& l : s->label) l.stamp = 0;
    stamp_ = 1;
  }
  settled_ = 0;
  auto seed = [this](Side& side, const detail::ChSeed* seeds, std::uint32_t count) {
    for (std::uint32_t i = 0; i < count; ++i) {
      const detail::ChSeed& s = seeds[i];
      if (s.offset < dist(side, s.rank)) {
        side.label[s.rank] = Label{stamp_, s.offset};
        side.parent[s.rank] = Parent{kSeedParent, i};
        side.heap.push(s.rank, s.offset);
      }
    }
  };
  seed(fwd_, fwd_seeds, fwd_count);
  seed(bwd_, bwd_seeds, bwd_count);
  Result best;
  for (;;) {
    const bool f = !fwd_.heap.empty() && fwd_.heap.top_key() < best.dist;
    const bool b = !bwd_.heap.empty() && bwd_.heap.top_key() < best.dist;
    if (f && (!b || fwd_.heap.top_key() <= bwd_.heap.top_key())) {
      step<true>(fwd_, bwd_, best);
    } else if (b) {
      step<false>(bwd_, fwd_, best);
    } else {
      break;
    }
  }
  return best;
}

inline Deciseconds ChQuery::distance(NodeId source, NodeId target) noexcept {
  const std::uint32_t n = ch_->node_count();
  if (source.value() >= n || target.value() >= n) return Deciseconds::infinite();
  const detail::ChSeed s{ch_->rank(source), 0};
  const detail::ChSeed t{ch_->rank(target), 0};
  return Deciseconds(run(&s, 1, &t, 1).dist);
}

inline Deciseconds ChQuery::distance(const RoadPosition& source,
                                     const RoadPosition& target) noexcept {
  detail::ChSeed s[2], t[2];
  const std::uint32_t sc = detail::ch_seeds(*ch_, *graph_, source, true, s);
  const std::uint32_t tc = detail::ch_seeds(*ch_, *graph_, target, false, t);
  if (sc == 0 || tc == 0) return Deciseconds::infinite();
  const Weight street = same_street_weight(graph_->weights(), source, target);
  return Deciseconds(std::min(street, run(s, sc, t, tc).dist));
}

inline void ChQuery::unpack_route(const Result& r, std::vector<ArcId>& out,
                                  std::uint32_t& source_seed, std::uint32_t& target_seed) {
  // Forward half: hierarchy arcs from the source seed up to the meeting node.
  segments_.clear();
  std::uint32_t x = r.meet;
  while (fwd_.parent[x].node != kSeedParent) {
    segments_.push_back(fwd_.parent[x].arc);
    x = fwd_.parent[x].node;
  }
  source_seed = fwd_.parent[x].arc;
  std::reverse(segments_.begin(), segments_.end());
  // Backward half: from the meeting node down to the target seed.
  x = r.meet;
  while (bwd_.parent[x].node != kSeedParent) {
    segments_.push_back(bwd_.parent[x].arc);
    x = bwd_.parent[x].node;
  }
  target_seed = bwd_.parent[x].arc;
  for (const std::uint32_t arc : segments_) ch_->unpack_arc(arc, out, unpack_stack_);
}

inline std::vector<ArcId> ChQuery::path(NodeId source, NodeId target) {
  return path(RoadPosition::at_node(source), RoadPosition::at_node(target));
}

inline std::vector<ArcId> ChQuery::path(const RoadPosition& source, const RoadPosition& target) {
  std::vector<ArcId> out;
  path_into(source, target, out);
  return out;
}

inline Deciseconds ChQuery::path_into(const RoadPosition& source, const RoadPosition& target,
                                      std::vector<ArcId>& out) {
  out.clear();
  detail::ChSeed s[2], t[2];
  const std::uint32_t sc = detail::ch_seeds(*ch_, *graph_, source, true, s);
  const std::uint32_t tc = detail::ch_seeds(*ch_, *graph_, target, false, t);
  if (sc == 0 || tc == 0) return Deciseconds::infinite();
  const Weight street = same_street_weight(graph_->weights(), source, target);
  const Result r = run(s, sc, t, tc);
  if (street <= r.dist) {
    if (street != kInfWeight) out.push_back(same_street_arc(graph_->weights(), source, target));
    return Deciseconds(street);
  }
  if (r.dist == kInfWeight) return Deciseconds::infinite();
  if (!source.is_node()) out.push_back(ArcId());  // placeholder for the source's arc
  std::uint32_t source_seed = 0, target_seed = 0;
  unpack_route(r, out, source_seed, target_seed);
  if (!source.is_node()) out.front() = source_seed == 0 ? source.arc() : source.reverse_arc();
  if (!target.is_node()) out.push_back(target_seed == 0 ? target.arc() : target.reverse_arc());
  return Deciseconds(r.dist);
}

inline ArcId same_street_arc(std::span<const Weight> weights, const RoadPosition& s,
                             const RoadPosition& t) noexcept {
  if (s.is_node() || t.is_node()) return ArcId::invalid();
  RoadPosition on_s = t;
  if (t.arc() != s.arc()) {
    if (!(t.arc() == s.reverse_arc() && t.reverse_arc() == s.arc())) return ArcId::invalid();
    on_s = RoadPosition::on_arc(s.arc(), 1.0f - t.fraction(), s.reverse_arc());
  }
  // Mirrors same_street_weight(): forward along s.arc(), or back along s.reverse_arc().
  ArcId best = ArcId::invalid();
  Weight best_w = kInfWeight;
  const Weight w = weights[s.arc().value()];
  const Weight from = partial_weight(w, s.fraction()), to = partial_weight(w, on_s.fraction());
  if (to >= from) {
    best_w = to - from;
    best = s.arc();
  }
  if (s.reverse_arc().valid()) {
    const Weight r = weights[s.reverse_arc().value()];
    const Weight rf = r - partial_weight(r, s.fraction()),
                 rt = r - partial_weight(r, on_s.fraction());
    if (rt >= rf && rt - rf < best_w) best = s.reverse_arc();
  }
  return best;
}

inline std::vector<LatLon> route_polyline(const RoadGraph& graph, const RoadPosition& source,
                                          const RoadPosition& target, std::span<const ArcId> arcs) {
  std::vector<LatLon> line;
  if (!graph.has_coordinates() || !source.valid() || !target.valid()) return line;
  auto where = [&](const RoadPosition& p) {
    if (p.is_node()) return graph.coordinate(p.node());
    const LatLon a = graph.coordinate(graph.tail(p.arc()));
    const LatLon b = graph.coordinate(graph.head(p.arc()));
    const double f = p.fraction();
    return LatLon{a.lat + (b.lat - a.lat) * f, a.lon + (b.lon - a.lon) * f};
  };
  line.reserve(arcs.size() + 1);
  line.push_back(where(source));
  for (std::size_t i = 0; i + 1 < arcs.size(); ++i)
    line.push_back(graph.coordinate(graph.head(arcs[i])));
  line.push_back(where(target));
  return line;
}

DISPATCHKIT_NAMESPACE_END
