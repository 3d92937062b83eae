// dispatchkit/route/cch/query.hpp: point-to-point travel times and routes on a customized
// CCH, by elimination-tree search.
//
//   CchQuery query(metric, graph);                     // one per thread, reused
//   Deciseconds eta = query.distance(unit_position, incident_position);
//   std::vector<ArcId> route = query.path();           // road arcs of that drive
//   query.set_metric(next_metric);                     // after a traffic update
//
// Elimination-tree query (Dibbelt, Strasser, Wagner, JEA 2016, Section 6.1; Bauer, Columbus,
// Rutter, Wagner, "Search-space size in contraction hierarchies", TCS 2016): in a CCH every
// upward path from s stays on s's ancestors in the elimination tree, so instead of two
// Dijkstra searches with a priority queue the query walks the ancestors of s and of t in
// ascending rank and relaxes their upward arcs, forward from s and backward towards t; the
// answer is the best sum of both labels at a common ancestor. No heap, no stalling, a fixed
// and predictable amount of work (bounded by the tree height). With perfect weights a node
// whose label is already no better than the best meeting found is not relaxed.
//
// Positions mid-street use source_seeds/target_seeds/same_street_weight (road_position.hpp)
// on the metric's road-arc weights, so results equal Dijkstra's on the same weights to the
// decisecond.
//
// Thread safety: thread-compatible (one workspace per thread); the metric, topology and
// graph are shared read-only and must outlive the workspace. distance() is noexcept and
// allocation-free; path() allocates its result.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/route/cch/metric.hpp"
#include "dispatchkit/route/cch/topology.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

class CchQuery {
 public:
  // `graph` must be the graph the metric's topology was built from.
  CchQuery(const CchMetric& metric, const RoadGraph& graph);

  // Switches to another metric of the same topology (a new traffic slice). O(1).
  void set_metric(const CchMetric& metric) noexcept;
  [[nodiscard]] const CchMetric& metric() const noexcept { return *metric_; }

  // Travel time from `source` to `target`; infinite() if unreachable (e.g. closed roads) or
  // if either id is not a node of the graph. O(sum of upward degrees of the ancestors of
  // both), no allocation.
  Deciseconds distance(NodeId source, NodeId target) noexcept;
  // Travel time between two road positions (mid-street allowed, one-way streets respected);
  // infinite() if a position names a node or arc the graph does not have.
  Deciseconds distance(const RoadPosition& source, const RoadPosition& target) noexcept;

  // The road arcs of the last distance() query's route in driving order (for positions,
  // including the partly driven arcs at both ends). Empty if unreachable or no arc is
  // driven. Allocates.
  [[nodiscard]] std::vector<ArcId> path() const;

  // Ancestors visited by the last query (both sides), a measure of its work.
  [[nodiscard]] std::uint32_t visited_count() const noexcept { return visited_; }

 private:
  static constexpr std::uint32_t kNone = CchTopology::kNone;
  Weight run(const SeedPair& s, const SeedPair& t, Weight best) noexcept;
  void reset() noexcept;

  const CchMetric* metric_;
  const CchTopology* topo_;
  const RoadGraph* graph_;
  // Both directions' labels of a rank side by side: the top of the tree is shared by the
  // two walks, and one cache line then serves both.
  struct Label {
    Weight fwd = kInfWeight, bwd = kInfWeight;
    std::uint32_t fwd_pred = kNone, bwd_pred = kNone;  // CCH arc into the node, kNone at seeds
  };
  std::vector<Label> label_;
  // Last query: its seeds (ranks, for the reset and the path), meeting rank, positions.
  // The seeds' ranks of the last run (kNone-padded): their ancestor paths hold labels.
  static constexpr std::array<std::uint32_t, kMaxSeeds> kNoSeeds = [] {
    std::array<std::uint32_t, kMaxSeeds> a{};
    a.fill(kNone);
    return a;
  }();
  std::array<std::uint32_t, kMaxSeeds> src_ = kNoSeeds, tgt_ = kNoSeeds;
  std::uint32_t meet_ = kNone;
  Weight best_ = kInfWeight;
  RoadPosition last_source_, last_target_;
  std::uint32_t visited_ = 0;
};

// ---------------------------------------------------------------------------------------
// Implementation.

inline CchQuery::CchQuery(const CchMetric& metric, const RoadGraph& graph)
    : metric_(&metric),
      topo_(&metric.topology()),
      graph_(&graph),
      label_(metric.topology().node_count()) {}

inline void CchQuery::set_metric(const CchMetric& metric) noexcept {
  reset();
  metric_ = &metric;
  topo_ = &metric.topology();
}

inline void CchQuery::reset() noexcept {
  const auto parent = topo_->parents();
  for (std::uint32_t& first : src_) {
    for (std::uint32_t r = first; r != kNone; r = parent[r]) label_[r].fwd = kInfWeight;
    first = kNone;
  }
  for (std::uint32_t& first : tgt_) {
    for (std::uint32_t r = first; r != kNone; r = parent[r]) label_[r].bwd = kInfWeight;
    first = kNone;
  }
  meet_ = kNone;
}

inline Weight CchQuery::run(const SeedPair& s, const SeedPair& t, Weight best) noexcept {
  reset();
  Label* label = label_.data();
  for (std::uint32_t i = 0; i < s.count; ++i) {
    const std::uint32_t r = topo_->rank(s.seeds[i].node);
    if (s.seeds[i].offset < label[r].fwd) {
      label[r].fwd = s.seeds[i].offset;
      label[r].fwd_pred = kNone;
    }
    src_[i] = r;
  }
  for (std::uint32_t i = 0; i < t.count; ++i) {
    const std::uint32_t r = topo_->rank(t.seeds[i].node);
    if (t.seeds[i].offset < label[r].bwd) {
      label[r].bwd = t.seeds[i].offset;
      label[r].bwd_pred = kNone;
    }
    tgt_[i] = r;
  }
  const std::uint32_t* parent = topo_->parents().data();
  const std::uint32_t* up_first = topo_->up_first().data();
  const std::uint32_t* up_head = topo_->up_heads().data();
  const detail::CchArcWeights* w = metric_->search_weights().data();
  // One walker per seed up its ancestor path; walkers that meet merge (two seeds on most
  // positions, more on graphs with turn states).
  std::uint32_t sp[kMaxSeeds], tp[kMaxSeeds];
  const std::uint32_t sc = s.count, tc = t.count;
  for (std::uint32_t i = 0; i < sc; ++i) sp[i] = src_[i];
  for (std::uint32_t i = 0; i < tc; ++i) tp[i] = tgt_[i];
  auto dedupe = [](std::uint32_t* p, std::uint32_t n) {
    for (std::uint32_t i = 1; i < n; ++i)
      for (std::uint32_t j = 0; j < i; ++j)
        if (p[i] == p[j]) p[i] = kNone;
  };
  dedupe(sp, sc);
  dedupe(tp, tc);
  std::uint32_t visited = 0;
  // Walk the union of the seeds' ancestor paths in ascending rank: every relaxation goes
  // to an ancestor, so a node's labels are final when the walk reaches it.
  for (;;) {
    std::uint32_t v = kNone;
    for (std::uint32_t i = 0; i < sc; ++i) v = std::min(v, sp[i]);
    for (std::uint32_t i = 0; i < tc; ++i) v = std::min(v, tp[i]);
    if (v == kNone) break;
    ++visited;
    bool on_s = false, on_t = false;
    for (std::uint32_t i = 0; i < sc; ++i)
      if (sp[i] == v) on_s = true, sp[i] = parent[v];
    for (std::uint32_t i = 0; i < tc; ++i)
      if (tp[i] == v) on_t = true, tp[i] = parent[v];
    dedupe(sp, sc);
    dedupe(tp, tc);
    const Weight dv = label[v].fwd, bv = label[v].bwd;
    if (on_s && on_t) {
      const Weight cand = add_weights(dv, bv);
      if (cand < best) {
        best = cand;
        meet_ = v;
      }
    }
    // Labels no better than the best meeting cannot lead to a better one.
    const bool relax_s = on_s && dv < best, relax_t = on_t && bv < best;
    const std::uint32_t ae = up_first[v + 1];
    if (relax_s && relax_t) {
      // Common ancestors (the top of the tree, where most arcs are): one pass for both.
      for (std::uint32_t a = up_first[v]; a < ae; ++a) {
        Label& h = label[up_head[a]];
        const std::uint64_t nf = std::uint64_t{dv} + w[a].forward;
        const std::uint64_t nb = std::uint64_t{bv} + w[a].backward;
        if (nf < h.fwd) {
          h.fwd = static_cast<Weight>(nf);
          h.fwd_pred = a;
        }
        if (nb < h.bwd) {
          h.bwd = static_cast<Weight>(nb);
          h.bwd_pred = a;
        }
      }
    } else if (relax_s) {
      for (std::uint32_t a = up_first[v]; a < ae; ++a) {
        Label& h = label[up_head[a]];
        const std::uint64_t nf = std::uint64_t{dv} + w[a].forward;
        if (nf < h.fwd) {
          h.fwd = static_cast<Weight>(nf);
          h.fwd_pred = a;
        }
      }
    } else if (relax_t) {
      for (std::uint32_t a = up_first[v]; a < ae; ++a) {
        Label& h = label[up_head[a]];
        const std::uint64_t nb = std::uint64_t{bv} + w[a].backward;
        if (nb < h.bwd) {
          h.bwd = static_cast<Weight>(nb);
          h.bwd_pred = a;
        }
      }
    }
  }
  visited_ = visited;
  best_ = best;
  return best;
}

namespace detail {
// Whether every id in `p` names a node or arc of `g` (positions come from outside: snapping,
// recorded calls); an invalid one is unreachable rather than an out-of-bounds read.
[[nodiscard]] inline bool cch_position_ok(const RoadGraph& g, const RoadPosition& p) noexcept {
  if (p.is_node()) return p.node().value() < g.node_count();
  return p.arc().valid() && p.arc().value() < g.arc_count() &&
         (!p.reverse_arc().valid() || p.reverse_arc().value() < g.arc_count());
}
}  // namespace detail

inline Deciseconds CchQuery::distance(NodeId source, NodeId target) noexcept {
  if (source.value() >= topo_->node_count() || target.value() >= topo_->node_count()) {
    reset();
    best_ = kInfWeight;
    return Deciseconds::infinite();
  }
  // With turn states (graph/road_graph.hpp) the target node is reached in any state.
  if (graph_->has_turn_states())
    return distance(RoadPosition::at_node(source), RoadPosition::at_node(target));
  SeedPair s, t;
  s.seeds[s.count++] = {source, 0};
  t.seeds[t.count++] = {target, 0};
  last_source_ = RoadPosition::at_node(source);
  last_target_ = RoadPosition::at_node(target);
  return Deciseconds(run(s, t, kInfWeight));
}

inline Deciseconds CchQuery::distance(const RoadPosition& source,
                                      const RoadPosition& target) noexcept {
  const auto weights = metric_->input_weights();
  last_source_ = source;
  last_target_ = target;
  if (!detail::cch_position_ok(*graph_, source) || !detail::cch_position_ok(*graph_, target)) {
    reset();
    best_ = kInfWeight;
    return Deciseconds::infinite();
  }
  return Deciseconds(run(source_seeds(*graph_, weights, source),
                         target_seeds(*graph_, weights, target),
                         same_street_weight(weights, source, target)));
}

inline std::vector<ArcId> CchQuery::path() const {
  std::vector<ArcId> path;
  if (best_ == kInfWeight) return path;
  const auto weights = metric_->input_weights();
  if (meet_ == kNone) {
    // Same street, no intersection passed: the drive is along the source's arc or its
    // reverse, whichever gave the weight.
    const RoadPosition& s = last_source_;
    const RoadPosition& t = last_target_;
    const RoadPosition t_on_s =
        t.arc() == s.arc() ? t
                           : RoadPosition::on_arc(s.arc(), 1.0f - t.fraction(), s.reverse_arc());
    const Weight w = weights[s.arc().value()];
    const Weight from = partial_weight(w, s.fraction()), to = partial_weight(w, t_on_s.fraction());
    path.push_back(to >= from && to - from == best_ ? s.arc() : s.reverse_arc());
    return path;
  }
  std::vector<detail::CchUnpackItem> scratch;
  // Forward half: seed -> meeting node, collected backwards then unpacked in order.
  std::vector<std::uint32_t> arcs;
  std::uint32_t r = meet_;
  while (label_[r].fwd_pred != kNone) {
    arcs.push_back(label_[r].fwd_pred);
    r = topo_->up_tail(label_[r].fwd_pred);
  }
  const std::uint32_t source_seed = r;
  if (!last_source_.is_node()) {
    const bool via_head = topo_->rank(graph_->head(last_source_.arc())) == source_seed;
    path.push_back(via_head ? last_source_.arc() : last_source_.reverse_arc());
  }
  for (auto it = arcs.rbegin(); it != arcs.rend(); ++it) metric_->unpack(*it, true, path, scratch);
  // Backward half: meeting node -> target seed.
  r = meet_;
  while (label_[r].bwd_pred != kNone) {
    metric_->unpack(label_[r].bwd_pred, false, path, scratch);
    r = topo_->up_tail(label_[r].bwd_pred);
  }
  if (!last_target_.is_node()) {
    // The target seed the search ended at names the arc (or the twin of it) driven in part.
    const SeedSet seeds = target_seeds(*graph_, weights, last_target_);
    for (const SearchSeed& seed : seeds.view()) {
      if (topo_->rank(seed.node) == r) {
        path.push_back(seed.arc);
        break;
      }
    }
  }
  return path;
}

DISPATCHKIT_NAMESPACE_END
