// dispatchkit/route/cch/metric.hpp: a customized CCH metric (travel times on every CCH arc)
// and its partial re-customization after a few road arcs change.
//
//   absl::StatusOr<CchMetric> m = CchMetric::customize(topo, slice_weights, {.threads = 2});
//   auto live = std::make_shared<const CchMetric>(*std::move(m));   // queries read this
//
//   // An accident closes two arcs: update a spare copy in place (well under a millisecond)
//   // and swap it in; queries in flight keep the metric they started with.
//   CchMetric next = *live;                                          // or keep two buffers
//   next.update({{ArcWeightChange{arc1, kInfWeight}, ArcWeightChange{arc2, kInfWeight}}});
//
// Customization (Dibbelt, Strasser, Wagner, "Customizable Contraction Hierarchies", JEA
// 2016, Sections 4-5) turns road-arc weights into CCH-arc weights in two sweeps:
//  - basic: in ascending rank, every arc {y, z} takes the minimum of its road arc and all
//    its lower triangles {x, y, z} (x below both), y -> x -> z. Afterwards an upward/downward
//    search is exact, like a CH.
//  - perfect: in descending rank, every arc {x, y} also takes its upper and intermediate
//    triangles. Afterwards each arc weight is the true shortest distance between its ends,
//    which lets queries prune (a node whose label is no better than the best meeting so far
//    is not relaxed) and the many-to-one buckets stall.
// Both sweeps enumerate every triangle once, from its middle node, with a per-thread slot
// array mapping the middle node's upward neighbours to arc ids; each middle node writes only
// its own arcs (basic) or arcs below it (perfect), so disjoint elimination-tree subtrees run
// on different threads without locks. A closed road is weight kInfWeight; every sum
// saturates, so closures never overflow.
//
// The metric keeps its basic weights beside the perfect ones. That is what makes partial
// re-customization exact and cheap: after a change, only the arcs whose basic weight
// depends on a changed arc (its upward closure, found through the triangles) are recomputed
// from their definition, then the perfect weights of arcs whose inputs changed, top-down.
// Increases (closures) are handled as well as decreases: recomputation never relies on
// "min with the old value". It is also what path unpacking needs: a shortcut is unpacked by
// finding the triangle whose weights sum to it, so customization writes no middle nodes.
//
// Thread safety: immutable after customize(); share as `shared_ptr<const CchMetric>` across
// query threads. update() mutates: call it on a copy no query is using.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/route/cch/topology.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// How to customize.
struct CustomizeOptions {
  // Threads for the two sweeps (1 = the calling thread only). Results never depend on it.
  std::uint32_t threads = 1;
  // Run the perfect sweep too (recommended: queries prune with it). Without it the metric
  // holds basic weights only, which are enough for exact queries.
  bool perfect = true;
};

// A road arc's new weight (kInfWeight closes it).
struct ArcWeightChange {
  ArcId arc;
  Weight weight = kInfWeight;
};

// What a partial re-customization touched.
struct CchUpdateStats {
  std::uint32_t basic_recomputed = 0;    // CCH arcs whose basic weight was re-evaluated
  std::uint32_t basic_changed = 0;       // ... and actually changed
  std::uint32_t perfect_recomputed = 0;  // CCH arcs whose perfect weight was re-evaluated
  std::uint32_t perfect_changed = 0;     // ... and actually changed
};

namespace detail {
// The two directions of one CCH arc {x, y}, x < y in rank: forward x -> y, backward y -> x.
struct CchArcWeights {
  Weight forward = kInfWeight;
  Weight backward = kInfWeight;
  friend bool operator==(const CchArcWeights&, const CchArcWeights&) noexcept = default;
};
struct CchUnpackItem {
  std::uint32_t arc;
  bool forward;  // lower -> higher rank
  bool perfect;  // unpack the perfect weight (else the basic one)
};
struct CchCustomizer;
}  // namespace detail

class CchMetric {
 public:
  CchMetric() = default;

  // Customizes `topology` for `input_weights` (one weight per road arc, e.g.
  // graph.weights() or a traffic slice). InvalidArgument if the span has the wrong size.
  // Time O(triangles / threads); NY (264k nodes): tens of milliseconds.
  [[nodiscard]] static absl::StatusOr<CchMetric> customize(const CchTopology& topology,
                                                           std::span<const Weight> input_weights,
                                                           const CustomizeOptions& options = {});

  // Applies `changes` in place (later entries win for a repeated arc) and re-customizes
  // only what depends on them; the result equals a full customize() of the new weights.
  // OutOfRange if an arc id is not a road arc (nothing is changed then), FailedPrecondition
  // on a default-constructed metric. Cost grows with the
  // number of CCH arcs whose weights change, typically well under 1 ms for a handful of
  // arcs. Allocates its scratch space on first use only. Not thread-safe.
  absl::StatusOr<CchUpdateStats> update(std::span<const ArcWeightChange> changes);

  // A copy with `changes` applied (copy + update(): the copy dominates the cost).
  [[nodiscard]] absl::StatusOr<CchMetric> updated(std::span<const ArcWeightChange> changes) const;

  [[nodiscard]] const CchTopology& topology() const noexcept { return *topology_; }
  [[nodiscard]] bool is_perfect() const noexcept { return perfect_; }
  // The road-arc weights this metric was customized for (per ArcId).
  [[nodiscard]] std::span<const Weight> input_weights() const noexcept { return input_; }
  // Weights the queries search on, per CCH arc: perfect if customized so, else basic.
  [[nodiscard]] std::span<const detail::CchArcWeights> search_weights() const noexcept {
    return perfect_ ? std::span<const detail::CchArcWeights>(perfect_weights_)
                    : std::span<const detail::CchArcWeights>(basic_weights_);
  }
  [[nodiscard]] std::span<const detail::CchArcWeights> basic_weights() const noexcept {
    return basic_weights_;
  }
  // Wall time of the customization that produced this metric.
  [[nodiscard]] double customize_seconds() const noexcept { return customize_seconds_; }

  // Appends the road arcs, in driving order, behind one direction of CCH arc `arc`
  // (forward = from its lower to its higher rank) of the search weights. Nothing if that
  // weight is kInfWeight. Iterative; `scratch` is reused by the caller. O(path * degree).
  void unpack(std::uint32_t arc, bool forward, std::vector<ArcId>& out,
              std::vector<detail::CchUnpackItem>& scratch) const;

  [[nodiscard]] std::uint64_t memory_bytes() const noexcept {
    return (basic_weights_.size() + perfect_weights_.size()) * sizeof(detail::CchArcWeights) +
           input_.size() * sizeof(Weight);
  }

 private:
  friend struct detail::CchCustomizer;
  const CchTopology* topology_ = nullptr;
  bool perfect_ = false;
  double customize_seconds_ = 0;
  std::vector<Weight> input_;
  std::vector<detail::CchArcWeights> basic_weights_;
  std::vector<detail::CchArcWeights> perfect_weights_;  // empty unless perfect_
  // Scratch of update(), kept so that repeated updates do not allocate. Not part of the
  // metric's value (copies start without it).
  struct UpdateScratch {
    std::vector<std::uint8_t> queued;  // kQueued | kBasicChanged per CCH arc
    std::vector<std::uint64_t> heap;   // (key << 32) | arc
    std::vector<std::uint32_t> level, basic_changed, perfect_changed;
    std::vector<detail::CchArcWeights> old_basic, old_perfect;  // valid where changed
  };
  static constexpr std::uint8_t kQueued = 1, kBasicChanged = 2, kPerfectChanged = 4;
  struct ScratchHolder {
    ScratchHolder() = default;
    ScratchHolder(const ScratchHolder&) {}
    ScratchHolder& operator=(const ScratchHolder&) { return *this; }
    ScratchHolder(ScratchHolder&&) noexcept = default;
    ScratchHolder& operator=(ScratchHolder&&) noexcept = default;
    UpdateScratch s;
  } scratch_;
};

DISPATCHKIT_NAMESPACE_END

#include "dispatchkit/route/cch/detail/customize.hpp"
