// Internal: a forward Dijkstra from road-position seeds that stops at a radius, used to
// precompute which demand points a unit covers (coverage_aware.hpp) and travel-time
// tables to hospitals (hospital.hpp). Users call the reference Dijkstra instead.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>

#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/indexed_heap.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {

// Thread-compatible workspace; no allocation after construction (the heap is sized once).
class BoundedSearch {
 public:
  BoundedSearch(const RoadGraph& graph, std::span<const Weight> weights)
      : graph_(&graph),
        weights_(weights),
        heap_(graph.node_count()),
        dist_(graph.node_count(), kInfWeight) {}

  // Settles every node within `radius` of the seeds (forward, or backward = towards the
  // seeds). Labels within the radius are final when this returns: a label <= radius that
  // was not popped would still be in the heap, and the loop only stops when the smallest
  // key in the heap exceeds the radius (larger labels are never stored).
  void run(std::span<const SearchSeed> seeds, bool backward, Weight radius) noexcept {
    heap_.clear();
    dist_.reset();
    for (const SearchSeed& s : seeds) {
      if (s.offset > radius) continue;
      if (!dist_.is_set(s.node.value()) || s.offset < dist_.get(s.node.value())) {
        dist_.set(s.node.value(), s.offset);
        heap_.push_or_decrease(s.node.value(), s.offset);
      }
    }
    const auto first_out = graph_->first_out();
    const auto heads = graph_->heads();
    const auto first_in = graph_->first_in();
    const auto in_arcs = graph_->in_arc_ids();
    const auto tails = graph_->tails();
    while (!heap_.empty()) {
      const auto [v, d] = heap_.pop();
      auto relax = [&](std::uint32_t arc, std::uint32_t w) {
        const Weight nd = add_weights(d, weights_[arc]);
        if (nd <= radius && nd < dist_.get(w)) {
          dist_.set(w, nd);
          heap_.push_or_decrease(w, nd);
        }
      };
      if (!backward) {
        for (std::uint32_t a = first_out[v]; a < first_out[v + 1]; ++a) relax(a, heads[a]);
      } else {
        for (std::uint32_t i = first_in[v]; i < first_in[v + 1]; ++i) {
          const std::uint32_t a = in_arcs[i].value();
          relax(a, tails[a]);
        }
      }
    }
  }

  [[nodiscard]] Weight dist(NodeId v) const noexcept { return dist_.get(v.value()); }

  // After a forward run from `from`'s source seeds: the time to reach road position `to`
  // (kInfWeight beyond the radius), agreeing with Dijkstra::distance to the decisecond.
  [[nodiscard]] Weight time_to(const RoadPosition& from, const RoadPosition& to) const noexcept {
    Weight best = same_street_weight(weights_, from, to);
    const SeedPair t = target_seeds(*graph_, weights_, to);
    for (const SearchSeed& s : t.view()) best = std::min(best, add_weights(dist(s.node), s.offset));
    return best;
  }

  [[nodiscard]] const RoadGraph& graph() const noexcept { return *graph_; }
  [[nodiscard]] std::span<const Weight> weights() const noexcept { return weights_; }

 private:
  const RoadGraph* graph_;
  std::span<const Weight> weights_;
  IndexedMinHeap<Weight> heap_;
  TimestampedArray<Weight> dist_;
};

}  // namespace detail
DISPATCHKIT_NAMESPACE_END
