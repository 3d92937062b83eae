// dispatchkit/route/traffic/profile.hpp: recorded traffic, per arc and slice of the week.
//
//   absl::StatusOr<TrafficProfile> p = TrafficProfile::build(graph, slicing, observations);
//   for (const TrafficCell& c : p->cells(arc))           // sparse: observed slices only
//     use(c.slice, c.travel_time_s, c.samples);
//   const TrafficCell* monday_8am = p->find(arc, p->slicing().at(0, 8 * 60));
//
// A TrafficProfile is data, not a metric: the observed travel time of each arc in each
// slice of the week where something was observed, with the number of observations behind
// it. Turning it into arc weights (fallback to free flow, shrinkage, smoothing, lights and
// sirens) is route/traffic/metric.hpp's job, so that one profile serves every travel mode
// and every slice. Its CSV file format (load_traffic_profile, save_traffic_profile) lives
// in route/traffic/io/profile_csv.hpp and is documented in docs/traffic.md.
//
// Thread safety: immutable after construction; share freely.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/route/traffic/time_slice.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// What was observed on one arc in one slice: a representative travel time over the whole
// arc (the producer's choice of statistic; dk-traffic writes a trimmed mean) and how many
// observations it rests on.
struct TrafficCell {
  TimeSlice slice;
  float travel_time_s = 0.0f;
  std::uint32_t samples = 0;
};

// One input record for TrafficProfile::build().
struct TrafficObservation {
  ArcId arc;
  TimeSlice slice;
  double travel_time_s = 0.0;
  std::uint32_t samples = 1;
};

class TrafficProfile {
 public:
  TrafficProfile() = default;

  // Builds a profile for `graph` from observations in any order. Several observations of
  // one (arc, slice) are merged into their sample-weighted mean. Errors: InvalidArgument
  // for an invalid slicing, OutOfRange for an arc or slice out of range, InvalidArgument
  // for a non-positive or non-finite time or zero samples. O(m + k log k) for k records.
  [[nodiscard]] static absl::StatusOr<TrafficProfile> build(
      const RoadGraph& graph, TimeSlicing slicing, std::vector<TrafficObservation> observations);

  [[nodiscard]] const TimeSlicing& slicing() const noexcept { return slicing_; }
  [[nodiscard]] std::uint32_t arc_count() const noexcept {
    return first_.empty() ? 0 : static_cast<std::uint32_t>(first_.size() - 1);
  }
  // The graph the profile was built for (RoadGraph::fingerprint()).
  [[nodiscard]] std::uint64_t graph_fingerprint() const noexcept { return fingerprint_; }

  // Observed slices of `arc`, sorted by slice. O(1), no allocation.
  [[nodiscard]] std::span<const TrafficCell> cells(ArcId arc) const noexcept {
    return {cells_.data() + first_[arc.value()], cells_.data() + first_[arc.value() + 1]};
  }
  // The cell of (arc, slice), or nullptr if nothing was observed there. O(log cells(arc)).
  [[nodiscard]] const TrafficCell* find(ArcId arc, TimeSlice slice) const noexcept {
    const auto c = cells(arc);
    const auto it =
        std::lower_bound(c.begin(), c.end(), slice,
                         [](const TrafficCell& cell, TimeSlice s) { return cell.slice < s; });
    return it != c.end() && it->slice == slice ? &*it : nullptr;
  }
  // Every cell, grouped by arc (arc a owns [cell_offsets()[a], cell_offsets()[a + 1])).
  [[nodiscard]] std::span<const TrafficCell> all_cells() const noexcept { return cells_; }
  [[nodiscard]] std::span<const std::uint32_t> cell_offsets() const noexcept { return first_; }

  [[nodiscard]] std::size_t cell_count() const noexcept { return cells_.size(); }
  [[nodiscard]] std::uint32_t observed_arc_count() const noexcept {
    std::uint32_t n = 0;
    for (std::size_t a = 0; a + 1 < first_.size(); ++a) n += first_[a + 1] > first_[a] ? 1 : 0;
    return n;
  }
  [[nodiscard]] std::uint64_t total_samples() const noexcept {
    std::uint64_t n = 0;
    for (const TrafficCell& c : cells_) n += c.samples;
    return n;
  }

 private:
  TimeSlicing slicing_;
  std::uint64_t fingerprint_ = 0;
  std::vector<std::uint32_t> first_;
  std::vector<TrafficCell> cells_;
};

// ---------------------------------------------------------------------------------------
// Implementation.

inline absl::StatusOr<TrafficProfile> TrafficProfile::build(
    const RoadGraph& graph, TimeSlicing slicing, std::vector<TrafficObservation> observations) {
  if (!slicing.is_valid())
    return absl::InvalidArgumentError(absl::StrCat(
        "traffic profile: slice_minutes=", slicing.slice_minutes(), " does not divide a day"));
  for (const TrafficObservation& o : observations) {
    if (!o.arc.valid() || o.arc.value() >= graph.arc_count())
      return absl::OutOfRangeError(absl::StrCat("traffic profile: arc ", o.arc.value(),
                                                " out of range (graph has ", graph.arc_count(),
                                                " arcs)"));
    if (!o.slice.valid() || o.slice.value() >= slicing.slice_count())
      return absl::OutOfRangeError(absl::StrCat("traffic profile: slice ", o.slice.value(),
                                                " out of range (", slicing.slice_count(),
                                                " slices)"));
    if (!(o.travel_time_s > 0.0) || !std::isfinite(o.travel_time_s) || o.samples == 0)
      return absl::InvalidArgumentError(
          absl::StrCat("traffic profile: arc ", o.arc.value(), " slice ", o.slice.value(),
                       ": expected a positive finite travel time and samples >= 1"));
  }
  std::sort(observations.begin(), observations.end(),
            [](const TrafficObservation& a, const TrafficObservation& b) {
              return a.arc != b.arc ? a.arc < b.arc : a.slice < b.slice;
            });
  TrafficProfile p;
  p.slicing_ = slicing;
  p.fingerprint_ = graph.fingerprint();
  p.first_.assign(std::size_t{graph.arc_count()} + 1, 0);
  p.cells_.reserve(observations.size());
  std::size_t i = 0;
  while (i < observations.size()) {
    const ArcId arc = observations[i].arc;
    const TimeSlice slice = observations[i].slice;
    double weighted = 0.0;
    std::uint64_t samples = 0;
    for (; i < observations.size() && observations[i].arc == arc && observations[i].slice == slice;
         ++i) {
      weighted += observations[i].travel_time_s * observations[i].samples;
      samples += observations[i].samples;
    }
    p.cells_.push_back({slice, static_cast<float>(weighted / static_cast<double>(samples)),
                        static_cast<std::uint32_t>(std::min<std::uint64_t>(samples, UINT32_MAX))});
    ++p.first_[arc.value() + 1];
  }
  for (std::size_t a = 1; a < p.first_.size(); ++a) p.first_[a] += p.first_[a - 1];
  return p;
}

DISPATCHKIT_NAMESPACE_END
