// dispatchkit/route/ch/many_to_many.hpp: travel-time matrices (units x incidents,
// stations x demand points) for coverage analysis and planning.
//
//   ChManyToMany matrix(ch, graph);
//   std::vector<Weight> t(stations.size() * demand.size());
//   matrix.compute(stations, demand, t);   // t[i * demand.size() + j]: station i -> point j
//
// Bucket many-to-many (Knopp et al., ALENEX 2007): one backward upward search per
// target fills the buckets, then one forward upward search per source scans them, so a
// |S| x |T| matrix costs |S| + |T| upward searches instead of |S| * |T| queries.
//
// Thread safety: thread-compatible. compute() allocates only while its buckets grow.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/route/ch/contraction_hierarchy.hpp"
#include "dispatchkit/route/ch/detail/buckets.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

class ChManyToMany {
 public:
  ChManyToMany(const ContractionHierarchy& ch, const RoadGraph& graph) : index_(ch, graph) {}

  // Row-major matrix: out[i * targets.size() + j] = travel time sources[i] -> targets[j]
  // (kInfWeight if unreachable). `out` must hold sources.size() * targets.size() values;
  // if it is smaller, only whole rows that fit are written.
  void compute(std::span<const RoadPosition> sources, std::span<const RoadPosition> targets,
               std::span<Weight> out) {
    const auto t = static_cast<std::uint32_t>(targets.size());
    for (std::uint32_t j = 0; j < t; ++j) index_.set(j, targets[j]);
    for (std::uint32_t j = t; j < index_.capacity(); ++j) index_.remove(j);
    if (t == 0) return;
    for (std::size_t i = 0; i < sources.size() && (i + 1) * t <= out.size(); ++i)
      index_.query(sources[i], out.subspan(i * t, t));
  }

  [[nodiscard]] std::vector<Weight> compute(std::span<const RoadPosition> sources,
                                            std::span<const RoadPosition> targets) {
    std::vector<Weight> out(sources.size() * targets.size(), kInfWeight);
    compute(sources, targets, out);
    return out;
  }

 private:
  detail::ChBucketIndex<false> index_;
};

DISPATCHKIT_NAMESPACE_END
