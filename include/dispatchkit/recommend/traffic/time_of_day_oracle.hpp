// dispatchkit/recommend/traffic/time_of_day_oracle.hpp: ETAs on the recorded traffic of the
// incident's time of week.
//
//   auto slices = TrafficSlices::create(graph, topology, profile);   // shared by all desks
//   TimeOfDayOracle oracle(**slices, graph);                          // one per thread
//   DK_RETURN_IF_ERROR(oracle.set_clock(incident_unix_utc, local_offset_s));  // Mon 08:10
//   strategy.recommend(incident, fleet, oracle, rec);                 // rush-hour ETAs
//
// TrafficSlices turns a TrafficProfile (route/traffic/profile.hpp) into customized CCH
// metrics, one per slice of the week, on first use: make_metric_weights() in lights and
// sirens (the one travel-mode model, route/travel_modes.hpp) and a full customization. A
// week of 15-minute slices is 672 metrics; the cache keeps the most recently used
// `max_cached_slices` (each costs CchMetric::memory_bytes()), so a replay walking forward
// through time customizes each slice once per pass. Thread-safe: desks asking for the same
// slice wait for one customization.
//
// TrafficSlices::free_flow() is the same seam without a profile: one metric, the graph's
// own weights, for free-flow decisions that still take scheduled closures.
//
// TimeOfDayOracle is a CchOracle (recommend/traffic/cch_oracle.hpp) over a metric store of
// its own into which set_clock() publishes the slice of the given local time, with the
// scheduled closures in force then (ScheduledClosure: an arc closed over [start, end),
// applied by partial re-customization of a copy of the slice's metric); the units are
// re-placed when the slice or the closures change (once per change, not per query). The profile's
// week is in its own fixed offset (TimeSlicing::utc_offset_minutes); set_clock() takes the
// incident's own offset, so a drive at 08:10 local time is looked up at 08:10 of the
// profile's week whatever daylight saving does. The replay calls set_clock() before every
// decision (sim/replay_engine.hpp, ClockedOracle).
#pragma once

#include <algorithm>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "dispatchkit/recommend/traffic/cch_oracle.hpp"
#include "dispatchkit/route/cch/metric.hpp"
#include "dispatchkit/route/cch/topology.hpp"
#include "dispatchkit/route/metric_store.hpp"
#include "dispatchkit/route/traffic/metric.hpp"
#include "dispatchkit/route/traffic/profile.hpp"
#include "dispatchkit/route/traffic/time_slice.hpp"
#include "dispatchkit/route/travel_modes.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct TrafficSliceOptions {
  // How a slice's weights are estimated; `mode` is ignored (always lights and sirens).
  TrafficMetricOptions metric;
  CustomizeOptions customize;
  // Customized slices kept (least recently used go first); at least 1. The cache also stops
  // at max_cached_bytes of metrics (CchMetric::memory_bytes()): a week of slices of a
  // state-sized graph would not fit in memory.
  std::uint32_t max_cached_slices = 96;
  std::uint64_t max_cached_bytes = std::uint64_t{2} << 30;
};

// An arc closed over [start_unix, end_unix) (unix seconds, UTC).
struct ScheduledClosure {
  std::int64_t start_unix = 0;
  std::int64_t end_unix = 0;
  ArcId arc;
};

class TrafficSlices {
 public:
  // FailedPrecondition when `profile` was built for another graph or `topology` is not
  // `graph`'s; InvalidArgument for an invalid slicing. The three must outlive the result.
  [[nodiscard]] static absl::StatusOr<std::shared_ptr<TrafficSlices>> create(
      const RoadGraph& graph, const CchTopology& topology, const TrafficProfile& profile,
      TrafficSliceOptions options = {});

  // Free flow: every slice is the graph's own weights (one customization in all).
  [[nodiscard]] static absl::StatusOr<std::shared_ptr<TrafficSlices>> free_flow(
      const RoadGraph& graph, const CchTopology& topology, CustomizeOptions customize = {});

  // The customized metric of `slice` (built on first use). ResourceExhausted when memory
  // runs out, InvalidArgument for a slice outside the week. Thread-safe.
  [[nodiscard]] absl::StatusOr<std::shared_ptr<const CchMetric>> metric(TimeSlice slice);

  // The profile's slice at unix time `unix_utc` where the local offset is `utc_offset_s`
  // (local minus UTC): the same local time of week in the profile's own week.
  // Always slice 0 for free flow.
  [[nodiscard]] TimeSlice slice_at(std::int64_t unix_utc,
                                   std::int32_t utc_offset_s) const noexcept {
    if (profile_ == nullptr) return TimeSlice(0);
    const TimeSlicing& s = profile_->slicing();
    return s.slice_of(unix_utc + utc_offset_s - std::int64_t{s.utc_offset_minutes()} * 60);
  }
  [[nodiscard]] bool is_free_flow() const noexcept { return profile_ == nullptr; }
  [[nodiscard]] const CchTopology& topology() const noexcept { return *topology_; }
  // Customizations run so far (a slice evicted and needed again counts twice).
  [[nodiscard]] std::uint64_t customizations() const noexcept {
    const std::lock_guard<std::mutex> lock(mutex_);
    return customizations_;
  }

  // Use create() or free_flow(), which check their arguments; `profile` may be null (free
  // flow).
  TrafficSlices(const RoadGraph& graph, const CchTopology& topology, const TrafficProfile* profile,
                TrafficSliceOptions options)
      : graph_(&graph), topology_(&topology), profile_(profile), options_(std::move(options)) {
    options_.metric.mode = TravelMode::kLightsAndSirens;
    if (options_.max_cached_slices == 0) options_.max_cached_slices = 1;
  }

 private:
  const RoadGraph* graph_;
  const CchTopology* topology_;
  const TrafficProfile* profile_;  // null: free flow
  TrafficSliceOptions options_;
  mutable std::mutex mutex_;
  std::list<std::uint32_t> recent_;  // most recently used first
  std::map<std::uint32_t,
           std::pair<std::shared_ptr<const CchMetric>, std::list<std::uint32_t>::iterator>>
      cache_;
  std::uint64_t customizations_ = 0;
  std::uint64_t cached_bytes_ = 0;
};

struct TimeOfDayOracleOptions {
  TravelModeOptions modes;
  // Scheduled closures (must outlive the oracle), in force from start_unix to end_unix.
  std::span<const ScheduledClosure> closures;
  // The clock until the first set_clock() (default: the epoch, a Thursday night).
  std::int64_t start_unix = 0;
  std::int32_t start_offset_s = 0;
};

class TimeOfDayOracle {
 public:
  // Throws what TrafficSlices::metric() reports as an error as std::bad_alloc (memory is
  // the only thing that can run out once the slices were created).
  TimeOfDayOracle(TrafficSlices& slices, const RoadGraph& graph,
                  TimeOfDayOracleOptions options = {})
      : slices_(&slices),
        closures_(options.closures),
        ever_active_(options.closures.size(), false) {
    slice_ = slices.slice_at(options.start_unix, options.start_offset_s);
    active_now(options.start_unix, active_);
    absl::StatusOr<std::shared_ptr<const CchMetric>> m = metric_for(slice_, active_);
    if (!m.ok()) throw std::bad_alloc();
    store_ = std::make_unique<MetricStore<CchMetric>>(*std::move(m));
    oracle_ = std::make_unique<CchOracle>(*store_, graph, options.modes);
    mark_applied();
  }

  // The local time of the next decisions. Publishes the metric of its slice with the
  // closures in force when either changed (customizing the slice on first use); errors
  // leave the previous metric in force.
  [[nodiscard]] absl::Status set_clock(std::int64_t unix_utc, std::int32_t utc_offset_s) {
    const TimeSlice s = slices_->slice_at(unix_utc, utc_offset_s);
    active_now(unix_utc, scratch_);
    if (s == slice_ && scratch_ == active_) return absl::OkStatus();
    absl::StatusOr<std::shared_ptr<const CchMetric>> m = metric_for(s, scratch_);
    if (!m.ok()) return m.status();
    store_->publish(*std::move(m));
    slice_ = s;
    active_.swap(scratch_);
    mark_applied();
    return absl::OkStatus();
  }

  [[nodiscard]] absl::Status sync(const Fleet& fleet) noexcept { return oracle_->sync(fleet); }
  void travel_times_to(const RoadPosition& target, TravelMode mode,
                       std::span<Weight> out) noexcept {
    oracle_->travel_times_to(target, mode, out);
  }
  // DriveOracle: on the metric of the clock's slice and closures.
  Weight drive(const RoadPosition& from, const RoadPosition& to, TravelMode mode,
               std::vector<ArcId>* route) {
    return oracle_->drive(from, to, mode, route);
  }
  void drives_from(const RoadPosition& from, std::span<const RoadPosition> to, TravelMode mode,
                   std::span<Weight> out) {
    oracle_->drives_from(from, to, mode, out);
  }
  [[nodiscard]] std::span<const Weight> arc_weights() const noexcept {
    return oracle_->arc_weights();
  }
  [[nodiscard]] std::uint64_t metric_version() const noexcept { return oracle_->metric_version(); }

  // The slice the next answers are for.
  [[nodiscard]] TimeSlice slice() const noexcept { return slice_; }
  // Scheduled closures in force for the next answers / ever in force so far.
  [[nodiscard]] std::size_t closures_in_force() const noexcept { return active_.size(); }
  [[nodiscard]] std::size_t closures_applied() const noexcept {
    return static_cast<std::size_t>(std::count(ever_active_.begin(), ever_active_.end(), true));
  }
  [[nodiscard]] const CchOracle& cch_oracle() const noexcept { return *oracle_; }

 private:
  // Indexes of the closures in force at `unix_utc`, ascending.
  void active_now(std::int64_t unix_utc, std::vector<std::uint32_t>& out) const {
    out.clear();
    for (std::uint32_t i = 0; i < closures_.size(); ++i)
      if (closures_[i].start_unix <= unix_utc && unix_utc < closures_[i].end_unix) out.push_back(i);
  }
  // The closures now published count as applied.
  void mark_applied() noexcept {
    for (std::uint32_t i : active_) ever_active_[i] = true;
  }

  absl::StatusOr<std::shared_ptr<const CchMetric>> metric_for(
      TimeSlice s, const std::vector<std::uint32_t>& active) {
    DK_ASSIGN_OR_RETURN(std::shared_ptr<const CchMetric> base, slices_->metric(s));
    if (active.empty()) return base;
    try {
      std::vector<ArcWeightChange> changes;
      for (std::uint32_t i : active) changes.push_back({closures_[i].arc, kInfWeight});
      DK_ASSIGN_OR_RETURN(CchMetric closed, base->updated(changes));
      return std::make_shared<const CchMetric>(std::move(closed));
    } catch (const std::bad_alloc&) {
      return detail::out_of_memory("TimeOfDayOracle: closing roads on a traffic slice");
    }
  }

  TrafficSlices* slices_;
  std::span<const ScheduledClosure> closures_;
  std::vector<bool> ever_active_;
  TimeSlice slice_;
  std::vector<std::uint32_t> active_, scratch_;    // closures in force (indexes)
  std::unique_ptr<MetricStore<CchMetric>> store_;  // owned; the oracle holds its address
  std::unique_ptr<CchOracle> oracle_;
};
static_assert(DriveOracle<TimeOfDayOracle>);
static_assert(ClockedOracle<TimeOfDayOracle>);

// ---------------------------------------------------------------------------------------
// Implementation.

inline absl::StatusOr<std::shared_ptr<TrafficSlices>> TrafficSlices::create(
    const RoadGraph& graph, const CchTopology& topology, const TrafficProfile& profile,
    TrafficSliceOptions options) {
  if (profile.graph_fingerprint() != graph.fingerprint() ||
      profile.arc_count() != graph.arc_count())
    return absl::FailedPreconditionError(absl::StrFormat(
        "traffic profile built for graph %016x (%u arcs), but this graph is %016x (%u arcs)",
        profile.graph_fingerprint(), profile.arc_count(), graph.fingerprint(), graph.arc_count()));
  if (!topology.matches(graph))
    return absl::FailedPreconditionError("CCH topology was not built from this graph");
  if (!profile.slicing().is_valid())
    return absl::InvalidArgumentError("traffic profile has an invalid slicing");
  return std::make_shared<TrafficSlices>(graph, topology, &profile, std::move(options));
}

inline absl::StatusOr<std::shared_ptr<TrafficSlices>> TrafficSlices::free_flow(
    const RoadGraph& graph, const CchTopology& topology, CustomizeOptions customize) {
  if (!topology.matches(graph))
    return absl::FailedPreconditionError("CCH topology was not built from this graph");
  TrafficSliceOptions options;
  options.customize = customize;
  return std::make_shared<TrafficSlices>(graph, topology, nullptr, std::move(options));
}

inline absl::StatusOr<std::shared_ptr<const CchMetric>> TrafficSlices::metric(TimeSlice slice) {
  const std::uint32_t slices = profile_ != nullptr ? profile_->slicing().slice_count() : 1;
  if (!slice.valid() || slice.value() >= slices)
    return absl::InvalidArgumentError(
        absl::StrFormat("slice %u is outside the profile's week", slice.value()));
  // One lock over lookup and customization: desks asking for the slice just being built
  // wait for it rather than building it twice (a customization is tens of milliseconds).
  const std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = cache_.find(slice.value()); it != cache_.end()) {
    recent_.splice(recent_.begin(), recent_, it->second.second);
    return it->second.first;
  }
  try {
    const std::vector<Weight> w =
        profile_ != nullptr
            ? make_metric_weights(*graph_, *profile_, slice, options_.metric)
            : std::vector<Weight>(graph_->weights().begin(), graph_->weights().end());
    absl::StatusOr<CchMetric> m = CchMetric::customize(*topology_, w, options_.customize);
    if (!m.ok()) return m.status();
    auto shared = std::make_shared<const CchMetric>(*std::move(m));
    ++customizations_;
    const std::uint64_t bytes = shared->memory_bytes();
    while (!cache_.empty() && (cache_.size() >= options_.max_cached_slices ||
                               cached_bytes_ + bytes > options_.max_cached_bytes)) {
      const auto oldest = cache_.find(recent_.back());
      cached_bytes_ -= oldest->second.first->memory_bytes();
      cache_.erase(oldest);
      recent_.pop_back();
    }
    // The list entry first, so that a failed insertion leaves both structures as they were.
    recent_.push_front(slice.value());
    try {
      cache_.emplace(slice.value(), std::make_pair(shared, recent_.begin()));
    } catch (...) {
      recent_.pop_front();
      throw;
    }
    cached_bytes_ += bytes;
    return shared;
  } catch (const std::bad_alloc&) {
    return detail::out_of_memory("TrafficSlices: customizing a traffic slice");
  }
}

DISPATCHKIT_NAMESPACE_END
