// Upward searches in a contraction hierarchy, shared by ChQuery, the bucket-based
// many-to-one / one-to-many / many-to-many classes. Internal.
//
// Stall-on-demand (Geisberger et al., WEA 2008, section 4.2): when a forward search
// settles v with label d, and some higher neighbour u already reached has
// d(u) + w(u -> v) < d, then d is not v's true distance and no shortest up-down path
// has its forward part through v; v is "stalled": its arcs are not relaxed and it is not
// offered as a meeting point. The check is strict (<), so a node on a shortest upward
// path is never stalled, which keeps every answer exact.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/route/ch/contraction_hierarchy.hpp"
#include "dispatchkit/route/ch/detail/search_primitives.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {

// A seed in rank space.
struct ChSeed {
  std::uint32_t rank;
  Weight offset;
};

// Seeds of a road position, as ranks: `forward` for a search leaving it.
inline std::uint32_t ch_seeds(const ContractionHierarchy& ch, const RoadGraph& graph,
                              const RoadPosition& p, bool forward, ChSeed (&out)[kMaxSeeds]) noexcept {
  if (!p.valid()) return 0;
  if (p.is_node()) {
    if (p.node().value() >= ch.node_count()) return 0;
  } else if (p.arc().value() >= graph.arc_count() ||
             (p.reverse_arc().valid() && p.reverse_arc().value() >= graph.arc_count())) {
    return 0;
  }
  const SeedSet s =
      forward ? source_seeds(graph, graph.weights(), p) : target_seeds(graph, graph.weights(), p);
  for (std::uint32_t i = 0; i < s.count; ++i)
    out[i] = ChSeed{ch.rank(s.seeds[i].node), s.seeds[i].offset};
  return s.count;
}

// A complete upward search (no target) with stall-on-demand; calls
// `on_settle(rank, dist)` for every settled node that is not stalled.
// kForward: along up arcs (a source's search); otherwise along down arcs reversed.
class ChUpwardSearch {
 public:
  ChUpwardSearch() = default;
  explicit ChUpwardSearch(std::uint32_t n) : dist_(n) {}

  template <bool kForward, class OnSettle>
  void run(const ContractionHierarchy& ch, std::span<const ChSeed> seeds, OnSettle&& on_settle) {
    heap_.clear();
    dist_.reset();
    for (const ChSeed& s : seeds) {
      if (s.offset < dist_.get(s.rank)) {
        dist_.set(s.rank, s.offset);
        heap_.push(s.rank, s.offset);
      }
    }
    const ChRow* rows = ch.rows().data();
    const ChArc* arcs = ch.arcs().data();
    while (!heap_.empty()) {
      const auto [d, v] = heap_.pop();
      if (d > dist_.get(v)) continue;  // stale duplicate
      if (!heap_.empty()) {            // fetch the next node's arcs meanwhile (see ChQuery::step)
        const char* next = reinterpret_cast<const char*>(arcs + rows[heap_.top_id()].begin);
        __builtin_prefetch(next);
        __builtin_prefetch(next + 64);
      }
      // Forward: stall over the downward part, relax the upward part; backward: mirrored.
      const std::uint32_t begin = rows[v].begin, up = rows[v].up, end = rows[v + 1].begin;
      const std::uint32_t stall_begin = kForward ? begin : up, stall_end = kForward ? up : end;
      const std::uint32_t relax_begin = kForward ? up : begin, relax_end = kForward ? end : up;
      bool stalled = false;
      for (std::uint32_t i = stall_end; i-- > stall_begin;) {  // highest first (ChQuery::step)
        if (add_weights(dist_.get(arcs[i].head), arcs[i].weight) < d) {
          stalled = true;
          break;
        }
      }
      if (stalled) continue;
      on_settle(v, d);
      for (std::uint32_t i = relax_begin; i < relax_end; ++i) {
        const std::uint32_t h = arcs[i].head;
        const Weight nd = add_weights(d, arcs[i].weight);
        if (nd < dist_.get(h)) {
          dist_.set(h, nd);
          heap_.push(h, nd);
          __builtin_prefetch(rows + h);
        }
      }
    }
  }

 private:
  ChMinQueue heap_;
  ChDistLabels dist_;
};

}  // namespace detail
DISPATCHKIT_NAMESPACE_END
