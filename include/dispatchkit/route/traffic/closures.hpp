// dispatchkit/route/traffic/closures.hpp: close roads on the live metric without stopping
// queries (an accident, a street fair, a flooded underpass).
//
//   MetricStore<CchMetric> store(...);                     // route/metric_store.hpp
//   const ArcId closed[] = {arc_a, arc_b};
//   absl::StatusOr<std::uint64_t> v = publish_closures(store, closed);
//   // queries that started before keep routing on the old metric; new ones avoid the arcs
//   publish_reopenings(store, closed, base_weights);     // when the road reopens
//
// For a CCH metric the closed arcs get kInfWeight by partial re-customization of a copy
// of the live metric (CchMetric::updated: only the CCH arcs whose supporting triangles
// changed are re-evaluated), built beside the live one and published through
// MetricStore::try_update, so two closures published from two threads both stick. For a
// plain WeightMetric the copy is a vector copy. O(copy + re-customization); allocates the
// new metric. Thread-safe with respect to readers and other writers of the store.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/route/cch/metric.hpp"
#include "dispatchkit/route/metric_store.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

namespace detail {
// Publishes derive(live metric), a new metric made from a copy of the live one; an error
// from derive leaves the store unchanged.
template <class Metric, class Derive>
[[nodiscard]] absl::StatusOr<std::uint64_t> publish_derived(MetricStore<Metric>& store,
                                                            Derive&& derive) {
  return store.try_update([&](const Metric& live) -> absl::StatusOr<std::shared_ptr<const Metric>> {
    absl::StatusOr<Metric> next = derive(live);
    if (!next.ok()) return next.status();
    return std::make_shared<const Metric>(*std::move(next));
  });
}
// `changes` applied to the live CCH metric by partial re-customization.
[[nodiscard]] inline absl::StatusOr<std::uint64_t> publish_changes(
    MetricStore<CchMetric>& store, std::span<const ArcWeightChange> changes) {
  return publish_derived(store, [&](const CchMetric& live) { return live.updated(changes); });
}
}  // namespace detail

// Sets `arcs` to kInfWeight on a copy of the current CCH metric and publishes it.
// Returns the new version; errors from CchMetric::updated (e.g. OutOfRange for an arc id
// outside the graph) leave the store unchanged.
[[nodiscard]] inline absl::StatusOr<std::uint64_t> publish_closures(MetricStore<CchMetric>& store,
                                                                    std::span<const ArcId> arcs) {
  std::vector<ArcWeightChange> changes;
  changes.reserve(arcs.size());
  for (ArcId a : arcs) changes.push_back({a, kInfWeight});
  return detail::publish_changes(store, changes);
}

// Gives `arcs` back their weights from `base` (one weight per road arc, e.g. the slice's
// make_metric_weights() output) on a copy of the current CCH metric and publishes it.
[[nodiscard]] inline absl::StatusOr<std::uint64_t> publish_reopenings(
    MetricStore<CchMetric>& store, std::span<const ArcId> arcs, std::span<const Weight> base) {
  std::vector<ArcWeightChange> changes;
  changes.reserve(arcs.size());
  for (ArcId a : arcs) {
    if (!a.valid() || a.value() >= base.size())
      return absl::OutOfRangeError("publish_reopenings: arc id outside the base weights");
    changes.push_back({a, base[a.value()]});
  }
  return detail::publish_changes(store, changes);
}

// The same for a plain weight-vector metric: OutOfRange (nothing published) when an id
// is invalid or outside the metric, as for the CCH metric (WeightMetric::closed_checked()).
[[nodiscard]] inline absl::StatusOr<std::uint64_t> publish_closures(
    MetricStore<WeightMetric>& store, std::span<const ArcId> arcs) {
  return detail::publish_derived(
      store, [&](const WeightMetric& live) { return live.closed_checked(arcs); });
}

DISPATCHKIT_NAMESPACE_END
