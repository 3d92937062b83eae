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
  // One label per node for both directions: a settled node's meeting check reads the
  // other direction's distance from the line it just read its own from. Parents are
  // written only when a route is asked for (kParents), so distance() touches one array.
  struct Label {
    std::uint32_t stamp;
    Weight dist[2];  // [0] forward (from the source), [1] backward (to the target)
  };
  struct Parent {
    std::uint32_t node;  // rank, or kSeedParent (then `arc` is the seed index)
    std::uint32_t arc;   // index into the hierarchy's arcs() of the arc that reached the node
  };
  struct Result {
    Weight dist = kInfWeight;
    std::uint32_t meet = UINT32_MAX;
  };

  template <bool kParents>
  Result run(const detail::ChSeed* fwd_seeds, std::uint32_t fwd_count,
             const detail::ChSeed* bwd_seeds, std::uint32_t bwd_count) noexcept;
  template <int kSide, bool kParents>
  void step(Result& best) noexcept;
  void unpack_route(const Result& r, std::vector<ArcId>& out, std::uint32_t& source_seed,
                    std::uint32_t& target_seed);

  const ContractionHierarchy* ch_;
  const RoadGraph* graph_;
  std::vector<Label> label_;
  std::vector<Parent> parent_[2];
  detail::ChMinQueue heap_[2];
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
  label_.assign(n, Label{0, {kInfWeight, kInfWeight}});
  for (auto& p : parent_) p.assign(n, Parent{0, 0});
  unpack_stack_.reserve(64);
  segments_.reserve(64);
}

template <int kSide, bool kParents>
inline void ChQuery::step(Result& best) noexcept {
  constexpr bool kForward = kSide == 0;
  const auto [d, v] = heap_[kSide].pop();
  const Label& lv = label_[v];     // current: v was pushed in this query
  if (d > lv.dist[kSide]) return;  // stale duplicate
  ++settled_;
  // Meeting: v's label on the other side is a real path length, final or not; the optimal
  // top node is settled by both sides before both queues pass the best distance.
  const Weight via = add_weights(d, lv.dist[1 - kSide]);
  if (via < best.dist) {
    best.dist = via;
    best.meet = v;
  }
  const detail::ChRow* rows = ch_->rows().data();
  const detail::ChArc* arcs = ch_->arcs().data();
  Label* labels = label_.data();
  // The node this side settles next is the top of its queue now (unless this step pushes
  // a smaller label): fetch its arcs while this one is processed. A step's cost is
  // mostly waiting for memory, and this overlaps two steps' waits.
  if (!heap_[kSide].empty()) {
    const char* next = reinterpret_cast<const char*>(arcs + rows[heap_[kSide].top_id()].begin);
    __builtin_prefetch(next);
    __builtin_prefetch(next + 64);
    __builtin_prefetch(next + 128);
  }
  // Forward: stall over the downward part of v's row, relax the upward part; backward:
  // mirrored. Both parts are adjacent in memory.
  const std::uint32_t begin = rows[v].begin, up = rows[v].up, end = rows[v + 1].begin;
  const std::uint32_t stall_begin = kForward ? begin : up, stall_end = kForward ? up : end;
  const std::uint32_t relax_begin = kForward ? up : begin, relax_end = kForward ? end : up;
  // Highest heads first: they are the likeliest to be reached already (both searches
  // climb), so a stalled node is found stalled after fewer label reads.
  for (std::uint32_t i = stall_end; i-- > stall_begin;) {
    const Label& l = labels[arcs[i].head];
    if (l.stamp == stamp_ && add_weights(l.dist[kSide], arcs[i].weight) < d) return;  // stalled
  }
  for (std::uint32_t i = relax_begin; i < relax_end; ++i) {
    const std::uint32_t h = arcs[i].head;
    const Weight nd = add_weights(d, arcs[i].weight);
    if (nd >= best.dist) continue;  // cannot be on a shorter route than the best one known
    Label& l = labels[h];
    if (l.stamp != stamp_) {
      l.stamp = stamp_;
      l.dist[1 - kSide] = kInfWeight;
    } else if (nd >= l.dist[kSide]) {
      continue;
    }
    l.dist[kSide] = nd;
    if constexpr (kParents) parent_[kSide][h] = Parent{v, i};
    heap_[kSide].push(h, nd);
    // h's row is read when h is settled, a few pops from now: fetch it meanwhile.
    __builtin_prefetch(rows + h);
  }
}

template <bool kParents>
inline ChQuery::Result ChQuery::run(const detail::ChSeed* fwd_seeds, std::uint32_t fwd_count,
                                    const detail::ChSeed* bwd_seeds,
                                    std::uint32_t bwd_count) noexcept {
  heap_[0].clear();
  heap_[1].clear();
  if (++stamp_ == 0) {  // wrap-around after 2^32 queries: wipe once
    for (Label& l : label_) l.stamp = 0;
    stamp_ = 1;
  }
  settled_ = 0;
  auto seed = [this](int side, const detail::ChSeed* seeds, std::uint32_t count) {
    for (std::uint32_t i = 0; i < count; ++i) {
      const detail::ChSeed& s = seeds[i];
      Label& l = label_[s.rank];
      if (l.stamp != stamp_) l = Label{stamp_, {kInfWeight, kInfWeight}};
      if (s.offset < l.dist[side]) {
        l.dist[side] = s.offset;
        if constexpr (kParents) parent_[side][s.rank] = Parent{kSeedParent, i};
        heap_[side].push(s.rank, s.offset);
      }
    }
  };
  seed(0, fwd_seeds, fwd_count);
  seed(1, bwd_seeds, bwd_count);
  Result best;
  for (;;) {
    const bool f = !heap_[0].empty() && heap_[0].top_key() < best.dist;
    const bool b = !heap_[1].empty() && heap_[1].top_key() < best.dist;
    if (f && (!b || heap_[0].top_key() <= heap_[1].top_key())) {
      step<0, kParents>(best);
    } else if (b) {
      step<1, kParents>(best);
    } else {
      break;
    }
  }
  return best;
}

inline Deciseconds ChQuery::distance(NodeId source, NodeId target) noexcept {
  const std::uint32_t n = ch_->node_count();
  if (source.value() >= n || target.value() >= n) return Deciseconds::infinite();
  // With turn states (graph/road_graph.hpp) the target node is reached in any state.
  if (graph_->has_turn_states())
    return distance(RoadPosition::at_node(source), RoadPosition::at_node(target));
  const detail::ChSeed s{ch_->rank(source), 0};
  const detail::ChSeed t{ch_->rank(target), 0};
  return Deciseconds(run<false>(&s, 1, &t, 1).dist);
}

inline Deciseconds ChQuery::distance(const RoadPosition& source,
                                     const RoadPosition& target) noexcept {
  detail::ChSeed s[kMaxSeeds], t[kMaxSeeds];
  const std::uint32_t sc = detail::ch_seeds(*ch_, *graph_, source, true, s);
  const std::uint32_t tc = detail::ch_seeds(*ch_, *graph_, target, false, t);
  if (sc == 0 || tc == 0) return Deciseconds::infinite();
  const Weight street = same_street_weight(graph_->weights(), source, target);
  return Deciseconds(std::min(street, run<false>(s, sc, t, tc).dist));
}

inline void ChQuery::unpack_route(const Result& r, std::vector<ArcId>& out,
                                  std::uint32_t& source_seed, std::uint32_t& target_seed) {
  // Forward half: hierarchy arcs from the source seed up to the meeting node.
  segments_.clear();
  std::uint32_t x = r.meet;
  while (parent_[0][x].node != kSeedParent) {
    segments_.push_back(parent_[0][x].arc);
    x = parent_[0][x].node;
  }
  source_seed = parent_[0][x].arc;
  std::reverse(segments_.begin(), segments_.end());
  // Backward half: from the meeting node down to the target seed.
  x = r.meet;
  while (parent_[1][x].node != kSeedParent) {
    segments_.push_back(parent_[1][x].arc);
    x = parent_[1][x].node;
  }
  target_seed = parent_[1][x].arc;
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
  detail::ChSeed s[kMaxSeeds], t[kMaxSeeds];
  const std::uint32_t sc = detail::ch_seeds(*ch_, *graph_, source, true, s);
  const std::uint32_t tc = detail::ch_seeds(*ch_, *graph_, target, false, t);
  if (sc == 0 || tc == 0) return Deciseconds::infinite();
  const Weight street = same_street_weight(graph_->weights(), source, target);
  const Result r = run<true>(s, sc, t, tc);
  if (street <= r.dist) {
    if (street != kInfWeight) out.push_back(same_street_arc(graph_->weights(), source, target));
    return Deciseconds(street);
  }
  if (r.dist == kInfWeight) return Deciseconds::infinite();
  if (!source.is_node()) out.push_back(ArcId());  // placeholder for the source's arc
  std::uint32_t source_seed = 0, target_seed = 0;
  unpack_route(r, out, source_seed, target_seed);
  // The seeds the run started and ended at name the arcs driven in part.
  if (!source.is_node())
    out.front() = source_seeds(*graph_, graph_->weights(), source).seeds[source_seed].arc;
  if (!target.is_node())
    out.push_back(target_seeds(*graph_, graph_->weights(), target).seeds[target_seed].arc);
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
