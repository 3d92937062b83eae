// dispatchkit/recommend/traffic/cch_oracle.hpp: the travel-time oracle on live traffic, over
// a customizable CH and the metric store the traffic thread publishes into.
//
//   MetricStore<CchMetric> live(std::make_shared<const CchMetric>(*CchMetric::customize(
//       topology, graph.weights())));                // free flow, or the current slice
//   CchOracle oracle(live, graph);                   // one per thread / dispatcher desk
//   strategy.recommend(incident, fleet, oracle, rec);
//   publish_closures(live, bridge_arcs);             // traffic thread, at 17:00
//   strategy.recommend(next, fleet, oracle, rec2);   // 17:01: routes around the bridge
//
// Every metric in the store (route/metric_store.hpp) holds lights-and-sirens times;
// normal driving is route/travel_modes.hpp's model, as for every oracle. Each sync() and
// each travel_times_to() starts by taking the store's current metric (one snapshot: a short
// lock and a reference count) and holds it until the next one, so a query never mixes two
// metrics while the traffic thread swaps, and the metric cannot be freed under it. When the
// version changed, the oracle re-places its units on the new metric: the units stay where
// they are, their bucket entries are recomputed (CchManyToOne::set_metric: one upward walk
// per tracked unit, no search; bench_recommend's BM_CchOracle_Swap measures it against a
// query). Between swaps the oracle follows the fleet's change journal like ChOracle
// (recommend/detail/fleet_buckets.hpp) and answers equal a Dijkstra on the held metric to
// the decisecond (tests/traffic/cch_oracle_test.cpp).
//
// Errors. A store holding no metric, or a metric of another CCH topology than the one the
// oracle was built on, cannot be adopted: the oracle keeps answering on the metric it holds
// (recommendations go on) and metric_status() says why. If memory runs out while
// re-placing the units, those not yet placed answer kInfWeight, sync() reports
// ResourceExhausted and the next sync() or query completes the switch.
//
// drive() (DriveOracle) takes the current metric like a query and answers by a CchQuery on
// it (route/cch/query.hpp), drives_from() by a CchOneToMany (route/cch/many_to_one.hpp);
// their workspaces are made on first use.
//
// Thread-compatible (one oracle per thread); the store, the topology and the graph are
// shared. sync() allocates only while buckets grow; travel_times_to() allocates only when
// it re-places units on a new metric whose buckets outgrow every earlier one (warm-up).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/recommend/detail/fleet_buckets.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "dispatchkit/route/cch/many_to_one.hpp"
#include "dispatchkit/route/cch/metric.hpp"
#include "dispatchkit/route/cch/query.hpp"
#include "dispatchkit/route/metric_store.hpp"
#include "dispatchkit/route/travel_modes.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

class CchOracle {
 public:
  // `store` must hold a metric now (std::invalid_argument otherwise); every metric it will
  // hold must be customized on that metric's topology, built from `graph`. The store and
  // the graph must outlive the oracle.
  CchOracle(const MetricStore<CchMetric>& store, const RoadGraph& graph,
            TravelModeOptions modes = {})
      : CchOracle(store, store.snapshot(), graph, modes) {}

  [[nodiscard]] absl::Status sync(const Fleet& fleet) noexcept {
    adopt_current();
    absl::Status s = buckets_.sync(fleet, "CchOracle::sync: growing the unit buckets");
    if (!s.ok()) return s;
    return replace_pending_
               ? detail::out_of_memory("CchOracle: re-placing the units on a new metric")
               : absl::OkStatus();
  }

  // Why the store's current metric is not the one answering (OK when it is): an empty
  // metric or one of another topology was published. The oracle keeps answering on the
  // metric it holds, and recommendations go on; a CAD shows this to its operators.
  [[nodiscard]] const absl::Status& metric_status() const noexcept { return refusal_; }

  void travel_times_to(const RoadPosition& target, TravelMode mode,
                       std::span<Weight> out) noexcept {
    adopt_current();
    buckets_.travel_times_to(target, mode, modes_, out);
  }

  Weight drive(const RoadPosition& from, const RoadPosition& to, TravelMode mode,
               std::vector<ArcId>* route) {
    adopt_current();
    if (query_ == nullptr) {
      query_ = std::make_unique<CchQuery>(*held_, *graph_);
      query_version_ = version_;
    }
    if (query_version_ != version_) {  // by version: a new metric may reuse an old address
      query_->set_metric(*held_);
      query_version_ = version_;
    }
    const Weight w = query_->distance(from, to).count();
    if (route != nullptr) *route = query_->path();
    return weight_in_mode(w, mode, modes_);
  }
  // A CchOneToMany whose target buckets stay while the same targets come back on the same
  // metric (a new metric recomputes them: one upward walk per target).
  void drives_from(const RoadPosition& from, std::span<const RoadPosition> to, TravelMode mode,
                   std::span<Weight> out) {
    adopt_current();
    if (targets_ == nullptr) {
      targets_ = std::make_unique<CchOneToMany>(*held_, *graph_);
      targets_version_ = version_;
    }
    if (targets_version_ != version_) {
      target_positions_.clear();  // until the switch below completes
      targets_->set_metric(*held_);
      targets_version_ = version_;
    }
    if (!std::equal(to.begin(), to.end(), target_positions_.begin(), target_positions_.end())) {
      target_positions_.clear();  // a failed set_target() must not leave stale buckets trusted
      for (std::uint32_t j = 0; j < to.size(); ++j) targets_->set_target(j, to[j]);
      for (auto j = static_cast<std::uint32_t>(to.size()); j < targets_->slot_capacity(); ++j)
        targets_->remove_target(j);
      target_positions_.assign(to.begin(), to.end());
    }
    const std::span<Weight> used = out.first(std::min(out.size(), to.size()));
    targets_->distances_from(from, used);
    for (Weight& w : used) w = weight_in_mode(w, mode, modes_);
  }
  [[nodiscard]] std::span<const Weight> arc_weights() const noexcept {
    return held_->input_weights();
  }

  // Version (MetricStore numbering) of the metric the last answer used.
  [[nodiscard]] std::uint64_t metric_version() const noexcept { return version_; }
  // The metric the last answer used.
  [[nodiscard]] const CchMetric& metric() const noexcept { return *held_; }
  // How many times the units were re-placed on a newer metric.
  [[nodiscard]] std::uint64_t metric_switches() const noexcept { return switches_; }
  [[nodiscard]] std::size_t tracked_units() const noexcept { return buckets_.tracked_units(); }
  [[nodiscard]] const CchManyToOne& many_to_one() const noexcept { return buckets_.engine(); }

 private:
  CchOracle(const MetricStore<CchMetric>& store, MetricSnapshot<CchMetric> first,
            const RoadGraph& graph, TravelModeOptions modes)
      : store_(&store),
        graph_(&graph),
        held_(first.metric != nullptr
                  ? first.metric
                  : throw std::invalid_argument("CchOracle: the metric store holds no metric")),
        version_(first.version),
        buckets_(*held_, graph),
        modes_(modes) {}

  // Takes the store's current metric when it is newer than the one held, or completes a
  // switch that ran out of memory. noexcept: a metric that cannot be adopted is recorded in
  // refusal_ (metric_status()), a failed switch in replace_pending_ (sync() reports it).
  void adopt_current() noexcept {
    MetricSnapshot<CchMetric> now = store_->snapshot();
    if (now.version != version_ && now.version != refused_version_) {
      if (now.metric == nullptr || &now.metric->topology() != &held_->topology()) {
        refused_version_ = now.version;
        try {
          refusal_ = absl::FailedPreconditionError(absl::StrCat(
              "CchOracle: metric version ", now.version,
              now.metric == nullptr ? " is empty" : " is customized on another CCH topology",
              "; still answering on version ", version_));
        } catch (const std::bad_alloc&) {
          refusal_ = absl::FailedPreconditionError("CchOracle: a metric could not be adopted");
        }
      } else {
        held_ = std::move(now.metric);
        version_ = now.version;
        refusal_ = absl::OkStatus();
        replace_pending_ = true;
      }
    }
    if (!replace_pending_) return;
    try {
      buckets_.engine().set_metric(*held_);
      replace_pending_ = false;
      ++switches_;
    } catch (const std::bad_alloc&) {
      // The units not yet re-placed answer kInfWeight; the next sync or query retries.
    }
  }

  const MetricStore<CchMetric>* store_;
  const RoadGraph* graph_;
  std::shared_ptr<const CchMetric> held_;  // what the buckets were computed on
  std::uint64_t version_;
  detail::FleetBuckets<CchManyToOne> buckets_;
  TravelModeOptions modes_;
  bool replace_pending_ = false;       // the buckets are not (all) on held_ yet
  std::uint64_t refused_version_ = 0;  // the last version that could not be adopted
  std::uint64_t switches_ = 0;
  absl::Status refusal_;
  std::unique_ptr<CchQuery> query_;        // drive()'s workspace, on held_
  std::uint64_t query_version_ = 0;        // the version query_ searches
  std::unique_ptr<CchOneToMany> targets_;  // drives_from()'s target buckets
  std::uint64_t targets_version_ = 0;      // ... on this version
  std::vector<RoadPosition> target_positions_;
};
static_assert(DriveOracle<CchOracle>);

DISPATCHKIT_NAMESPACE_END
