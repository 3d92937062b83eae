// dispatchkit/route/traffic/map_matching.hpp: observed travel times per arc from GPS
// traces, by map matching consecutive fixes onto the road graph.
//
//   absl::StatusOr<Snapper> snapper = Snapper::build(graph);   // shared, graph/snap.hpp
//   MapMatcher matcher(*snapper);                        // one per thread
//   TrafficAccumulator samples;
//   for (std::span<const GpsFix> cab : tracks)           // one vehicle, sorted by time
//     matcher.match_track(cab, slicing, samples);
//   absl::StatusOr<TrafficProfile> p = samples.build(graph, slicing);   // median per cell
//
// Method. A track is cut into chains of fixes at most `max_gap_s` apart. A fix less than
// `min_move_m` from the previous kept fix is skipped while the stop lasts at most
// `max_stop_s`, so the time spent at a red light or in a queue is attributed to the streets
// driven next (dropping such stops would make every street look faster than the trips on
// it); a longer stop is parking, and the chain restarts at its last fix. Every fix gets up to
// `candidates` streets within `radius_m`. The chain is matched with the hidden Markov model of
// Newson & Krumm ("Hidden Markov map matching through noise and sparseness", ACM SIGSPATIAL GIS
// 2009): emission cost 0.5 (d / gps_sigma_m)^2 for a fix d metres from a street, transition cost
// |route length - great-circle distance| / beta_m between candidates of consecutive fixes
// (route length = shortest path by length between the two road positions, one-way streets
// respected, searched only up to max_detour x distance + detour_slack_m), and the Viterbi
// path picks one street per fix. Each step of that path whose route is plausible (speed
// at most max_speed_kmh, detour within bounds, congestion ratio within
// [min_ratio, max_ratio] of free flow) spreads its observed duration over the route's arcs
// in proportion to their free-flow times; every arc covered for at least min_arc_coverage
// of its length gets one sample "full-arc travel time = ratio x free-flow time" in the
// slice of the step's midpoint. TrafficAccumulator::build() keeps a trimmed mean (or the
// median) per (arc, slice).
//
// Limitations (docs/traffic.md): straight chords stand in for street geometry; on a graph
// of main roads only (the bundled SF network has no residential streets) a cab on a side
// street snaps to the nearest main road or to nothing, so side-street fixes add noise or
// are dropped; 60-second sampling cannot see which of two parallel streets a cab took
// between fixes.
//
// Thread safety: a MapMatcher is a per-thread workspace (thread-compatible); the graph
// is shared read-only. TrafficAccumulator is not thread-safe (one per thread, merge()).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/indexed_heap.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/snap.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/route/traffic/profile.hpp"
#include "dispatchkit/route/traffic/time_slice.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// A street a GPS fix may have been taken on, and how far the fix is from it.
struct MatchCandidate {
  RoadPosition position;
  double distance_m = 0.0;
};

// One GPS fix of a vehicle.
struct GpsFix {
  std::int64_t unix_time = 0;  // UTC seconds
  LatLon position;
  bool occupied = false;  // a taxi with a fare (cabspotting's flag)
};

struct MapMatchOptions {
  double max_gap_s = 90.0;       // consecutive fixes further apart are not linked
  double min_gap_s = 5.0;        // closer fixes are skipped (duplicates, bursts)
  double min_move_m = 30.0;      // below this the vehicle is treated as stationary
  double max_stop_s = 120.0;     // stops up to this long count in the next moving step
  double radius_m = 50.0;        // candidate streets within this distance of a fix
  std::uint32_t candidates = 4;  // at most this many streets per fix
  double gps_sigma_m = 15.0;     // emission noise (Newson & Krumm: 4.07 m on full maps)
  double beta_m = 60.0;          // transition scale
  double max_detour = 2.0;       // route length <= max_detour * distance + detour_slack_m
  double detour_slack_m = 150.0;
  double max_speed_kmh = 120.0;
  double min_ratio = 0.3;  // plausible observed / free-flow time of a step
  double max_ratio = 20.0;
  double min_arc_coverage = 0.5;  // arcs driven for less of their length get no sample
  bool occupied_only = false;     // link only steps where both fixes are occupied
};

// Counts of what matching did with the fixes, for reports.
struct MapMatchStats {
  std::uint64_t fixes = 0;  // fixes given to match_track
  std::uint64_t fixes_without_candidate = 0;
  std::uint64_t steps = 0;              // consecutive pairs considered
  std::uint64_t steps_gap = 0;          // too far apart in time (or too close)
  std::uint64_t steps_stationary = 0;   // moved less than min_move_m
  std::uint64_t steps_unoccupied = 0;   // skipped by occupied_only
  std::uint64_t steps_no_route = 0;     // no candidate pair connected within the bound
  std::uint64_t steps_implausible = 0;  // speed, detour or ratio out of bounds
  std::uint64_t steps_attributed = 0;   // gave samples
  std::uint64_t arc_samples = 0;        // samples emitted
  void merge(const MapMatchStats& o) noexcept {
    fixes += o.fixes;
    fixes_without_candidate += o.fixes_without_candidate;
    steps += o.steps;
    steps_gap += o.steps_gap;
    steps_stationary += o.steps_stationary;
    steps_unoccupied += o.steps_unoccupied;
    steps_no_route += o.steps_no_route;
    steps_implausible += o.steps_implausible;
    steps_attributed += o.steps_attributed;
    arc_samples += o.arc_samples;
  }
};

// A piece of a matched route: `fraction` of `arc` was driven.
struct CoveredArc {
  ArcId arc;
  double fraction = 1.0;
};

// Per-arc, per-slice travel-time samples; build() turns them into a TrafficProfile.
class TrafficAccumulator {
 public:
  void add(ArcId arc, TimeSlice slice, float travel_time_s) {
    samples_.push_back({(std::uint64_t{arc.value()} << 32) | slice.value(), travel_time_s});
  }
  void merge(const TrafficAccumulator& o) {
    samples_.insert(samples_.end(), o.samples_.begin(), o.samples_.end());
  }
  [[nodiscard]] std::size_t size() const noexcept { return samples_.size(); }

  // The representative travel time of each (arc, slice) with at least `min_samples`
  // samples: the 20%-trimmed mean (drop the fastest and slowest fifth; the default) or
  // the (nearest-rank) median. Travel times are right-skewed, and a sum of per-arc medians falls
  // below the median trip time: on the SF taxi week the trimmed mean cut the held-out-day median
  // ETA error from 94 s to 86 s (docs/traffic.md). O(s log s); sorts the samples in place.
  enum class Statistic { kMedian, kTrimmedMean };
  [[nodiscard]] absl::StatusOr<TrafficProfile> build(
      const RoadGraph& graph, const TimeSlicing& slicing, std::uint32_t min_samples = 1,
      Statistic statistic = Statistic::kTrimmedMean) {
    std::sort(samples_.begin(), samples_.end(), [](const Sample& a, const Sample& b) {
      return a.key != b.key ? a.key < b.key : a.seconds < b.seconds;
    });
    std::vector<TrafficObservation> obs;
    std::size_t i = 0;
    while (i < samples_.size()) {
      std::size_t j = i;
      while (j < samples_.size() && samples_[j].key == samples_[i].key) ++j;
      const std::size_t n = j - i;
      if (n >= min_samples) {
        double value;
        if (statistic == Statistic::kMedian) {
          // The library's one median (detail/statistics.hpp): nearest rank, the lower
          // middle sample when n is even.
          value = samples_[i + (n - 1) / 2].seconds;
        } else {
          const std::size_t trim = n / 5;
          double sum = 0.0;
          for (std::size_t k = i + trim; k < j - trim; ++k) sum += samples_[k].seconds;
          value = sum / static_cast<double>(n - 2 * trim);
        }
        obs.push_back({ArcId(static_cast<std::uint32_t>(samples_[i].key >> 32)),
                       TimeSlice(static_cast<std::uint32_t>(samples_[i].key & 0xffffffffu)), value,
                       static_cast<std::uint32_t>(n)});
      }
      i = j;
    }
    return TrafficProfile::build(graph, slicing, std::move(obs));
  }

 private:
  struct Sample {
    std::uint64_t key;
    float seconds;
  };
  std::vector<Sample> samples_;
};

class MapMatcher {
 public:
  // `snapper` (and its graph) must outlive the matcher; several matchers may share it.
  explicit MapMatcher(const Snapper& snapper, const MapMatchOptions& options = {})
      : graph_(&snapper.graph()),
        snapper_(&snapper),
        options_(options),
        length_dm_(graph_->arc_count()),
        heap_(graph_->node_count()),
        dist_(graph_->node_count(), kInfWeight),
        parent_(graph_->node_count(), UINT32_MAX) {
    const auto lengths = graph_->lengths();
    for (std::size_t a = 0; a < length_dm_.size(); ++a)
      length_dm_[a] = static_cast<Weight>(std::lround(std::max(0.0f, lengths[a]) * 10.0f));
  }

  // Matches one vehicle's fixes (sorted by time) and adds samples to `sink`.
  void match_track(std::span<const GpsFix> fixes, const TimeSlicing& slicing,
                   TrafficAccumulator& sink);

  // Up to options().candidates streets within options().radius_m of `p`, nearest first
  // (none for an invalid coordinate). Allocates (Snapper::snap_candidates).
  void candidates(LatLon p, std::vector<MatchCandidate>& out) {
    out.clear();
    const auto found =
        snapper_->snap_candidates(p, options_.candidates, SnapOptions{Meters(options_.radius_m)});
    if (!found.ok()) return;
    for (const SnapResult& r : *found) out.push_back({r.position, r.distance.value()});
  }
  // Shortest driving distance (metres) from `s` to `t` if below `bound_m`, and the arcs
  // driven (with fractions) in `route`; +infinity if none within the bound.
  double route(const RoadPosition& s, const RoadPosition& t, double bound_m,
               std::vector<CoveredArc>* route);

  [[nodiscard]] const MapMatchStats& stats() const noexcept { return stats_; }
  [[nodiscard]] const RoadGraph& graph() const noexcept { return *graph_; }
  [[nodiscard]] const MapMatchOptions& options() const noexcept { return options_; }

 private:
  // Bounded multi-target search by length from `s`; stops when every node in `targets`
  // is settled or the bound is passed.
  void search(const RoadPosition& s, std::span<const NodeId> targets, Weight bound);
  // Length from the last search's source to `t` (with the same-street case).
  [[nodiscard]] Weight length_to(const RoadPosition& s, const RoadPosition& t) const noexcept;
  // Matches a prefix of `chain` and returns where the rest starts (chain.size() if all).
  std::size_t match_chain(std::span<const GpsFix> chain, const TimeSlicing& slicing,
                          TrafficAccumulator& sink);

  const RoadGraph* graph_;
  const Snapper* snapper_;
  MapMatchOptions options_;
  std::vector<Weight> length_dm_;  // arc lengths in decimetres, the search metric
  detail::IndexedMinHeap<Weight> heap_;
  detail::TimestampedArray<Weight> dist_;
  std::vector<std::uint32_t> parent_;
  MapMatchStats stats_;
  // Viterbi scratch, reused across chains.
  std::vector<MatchCandidate> scratch_;
  std::vector<std::uint32_t> first_cand_;
  std::vector<MatchCandidate> cands_;
  std::vector<double> cost_;
  std::vector<std::uint32_t> back_;
  std::vector<NodeId> targets_;
  std::vector<CoveredArc> route_;
  std::vector<GpsFix> chain_;
};

// ---------------------------------------------------------------------------------------
// Implementation.

inline void MapMatcher::search(const RoadPosition& s, std::span<const NodeId> targets,
                               Weight bound) {
  heap_.clear();
  dist_.reset();
  const SeedPair seeds = source_seeds(*graph_, length_dm_, s);
  for (const SearchSeed& seed : seeds.view()) {
    if (seed.offset < dist_.get(seed.node.value())) {
      dist_.set(seed.node.value(), seed.offset);
      parent_[seed.node.value()] = UINT32_MAX;
      heap_.push_or_decrease(seed.node.value(), seed.offset);
    }
  }
  std::size_t remaining = targets.size();
  const auto first_out = graph_->first_out();
  const auto heads = graph_->heads();
  while (!heap_.empty() && remaining > 0) {
    const auto [v, d] = heap_.pop();
    if (d > bound) break;
    for (const NodeId t : targets) remaining -= t.value() == v ? 1 : 0;
    for (std::uint32_t a = first_out[v]; a < first_out[v + 1]; ++a) {
      const Weight nd = add_weights(d, length_dm_[a]);
      if (nd < dist_.get(heads[a]) && nd <= bound) {
        dist_.set(heads[a], nd);
        parent_[heads[a]] = a;
        heap_.push_or_decrease(heads[a], nd);
      }
    }
  }
}

inline Weight MapMatcher::length_to(const RoadPosition& s, const RoadPosition& t) const noexcept {
  Weight best = same_street_weight(length_dm_, s, t);
  const SeedPair ts = target_seeds(*graph_, length_dm_, t);  // named: view() borrows it
  for (const SearchSeed& seed : ts.view())
    best = std::min(best, add_weights(dist_.get(seed.node.value()), seed.offset));
  return best;
}

inline double MapMatcher::route(const RoadPosition& s, const RoadPosition& t, double bound_m,
                                std::vector<CoveredArc>* out) {
  const Weight bound = static_cast<Weight>(std::min(4e9, bound_m * 10.0));
  const SeedPair ts = target_seeds(*graph_, length_dm_, t);
  NodeId tn[kMaxSeeds];
  for (std::uint32_t i = 0; i < ts.count; ++i) tn[i] = ts.seeds[i].node;
  search(s, {tn, ts.count}, bound);
  const Weight same = same_street_weight(length_dm_, s, t);
  Weight best = same;
  int best_seed = -1;
  for (std::uint32_t i = 0; i < ts.count; ++i) {
    const Weight w = add_weights(dist_.get(ts.seeds[i].node.value()), ts.seeds[i].offset);
    if (w < best) {
      best = w;
      best_seed = static_cast<int>(i);
    }
  }
  if (out != nullptr) out->clear();
  if (best == kInfWeight || best > bound) return std::numeric_limits<double>::infinity();
  if (out != nullptr) {
    if (best_seed < 0) {
      // Same street, no intersection passed. Fractions are on s.arc(); rounding in
      // same_street_weight() may accept a forward drive of a hair below zero.
      const double tf = t.arc() == s.arc() ? t.fraction() : 1.0 - t.fraction();
      const double ahead = tf - s.fraction();
      if (ahead >= 0.0 || !s.reverse_arc().valid())
        out->push_back({s.arc(), std::max(0.0, ahead)});
      else
        out->push_back({s.reverse_arc(), -ahead});
    } else {
      const NodeId end = ts.seeds[static_cast<std::size_t>(best_seed)].node;
      std::vector<CoveredArc>& r = *out;
      // Last piece: the part of the target street up to t.
      if (end == graph_->tail(t.arc()))
        r.push_back({t.arc(), t.fraction()});
      else
        r.push_back({t.reverse_arc(), 1.0 - t.fraction()});
      std::uint32_t at = end.value();
      while (parent_[at] != UINT32_MAX) {
        r.push_back({ArcId(parent_[at]), 1.0});
        at = graph_->tails()[parent_[at]];
      }
      // First piece: the rest of the source street after s.
      if (at == graph_->head(s.arc()).value())
        r.push_back({s.arc(), 1.0 - s.fraction()});
      else
        r.push_back({s.reverse_arc(), s.fraction()});
      std::reverse(r.begin(), r.end());
    }
  }
  return best / 10.0;
}

inline void MapMatcher::match_track(std::span<const GpsFix> fixes, const TimeSlicing& slicing,
                                    TrafficAccumulator& sink) {
  stats_.fixes += fixes.size();
  chain_.clear();
  // Matches the kept fixes; a chain may split where a fix has no street or a step no
  // route, so match_chain() is called again on the rest.
  auto flush = [&] {
    std::size_t start = 0;
    while (chain_.size() - start >= 2)
      start += match_chain(std::span<const GpsFix>(chain_).subspan(start), slicing, sink);
    chain_.clear();
  };
  bool parked = false;
  for (std::size_t i = 0; i < fixes.size(); ++i) {
    const GpsFix& b = fixes[i];
    if (chain_.empty()) {
      chain_.push_back(b);
      continue;
    }
    ++stats_.steps;
    const GpsFix& a = chain_.back();  // the last kept fix
    if (static_cast<double>(b.unix_time - fixes[i - 1].unix_time) > options_.max_gap_s) {
      ++stats_.steps_gap;  // the trace has a hole: what happened in it is unknown
      flush();
      chain_.push_back(b);
      parked = false;
      continue;
    }
    if (static_cast<double>(b.unix_time - a.unix_time) < options_.min_gap_s) {
      ++stats_.steps_gap;  // a burst of fixes: keep the first
      continue;
    }
    if (options_.occupied_only && !(a.occupied && b.occupied)) {
      ++stats_.steps_unoccupied;
      flush();
      chain_.push_back(b);
      continue;
    }
    if (haversine(a.position, b.position).value() < options_.min_move_m) {
      ++stats_.steps_stationary;
      // A short stop (a red light, a queue) is part of the trip: skip the fix so that the
      // waiting time counts in the next step that moves. A long one is parking: restart
      // the chain at the latest stationary fix so no parked time is attributed.
      if (parked || static_cast<double>(b.unix_time - a.unix_time) > options_.max_stop_s) {
        flush();
        chain_.push_back(b);
        parked = true;
      }
      continue;
    }
    parked = false;
    chain_.push_back(b);
  }
  flush();
}

inline std::size_t MapMatcher::match_chain(std::span<const GpsFix> chain,
                                           const TimeSlicing& slicing, TrafficAccumulator& sink) {
  // Viterbi over candidates; a fix without candidates or a step without any connected
  // pair ends the matched prefix.
  const std::size_t n = chain.size();
  std::size_t restart = n;
  first_cand_.assign(1, 0);
  cands_.clear();
  std::size_t usable = 0;  // fixes [0, usable) have candidates and are connected
  for (; usable < n; ++usable) {
    candidates(chain[usable].position, scratch_);
    if (scratch_.empty()) {
      ++stats_.fixes_without_candidate;
      restart = usable + 1;  // skip the fix
      break;
    }
    const std::uint32_t base = first_cand_.back();
    cands_.insert(cands_.end(), scratch_.begin(), scratch_.end());
    first_cand_.push_back(static_cast<std::uint32_t>(cands_.size()));
    cost_.resize(cands_.size());
    back_.resize(cands_.size());
    for (std::uint32_t j = base; j < cands_.size(); ++j) {
      const double e = cands_[j].distance_m / options_.gps_sigma_m;
      cost_[j] = 0.5 * e * e;
      back_[j] = UINT32_MAX;
    }
    if (usable == 0) continue;
    // Transitions from fix usable-1 to fix usable.
    const std::uint32_t p0 = first_cand_[usable - 1], p1 = first_cand_[usable];
    const double gc = haversine(chain[usable - 1].position, chain[usable].position).value();
    const Weight bound = static_cast<Weight>(
        std::min(4e9, (options_.max_detour * gc + options_.detour_slack_m) * 10.0));
    targets_.clear();
    for (std::uint32_t j = base; j < cands_.size(); ++j) {
      const SeedPair ts = target_seeds(*graph_, length_dm_, cands_[j].position);
      for (const SearchSeed& s : ts.view()) targets_.push_back(s.node);
    }
    std::vector<double> best(cands_.size() - base, std::numeric_limits<double>::infinity());
    for (std::uint32_t i = p0; i < p1; ++i) {
      search(cands_[i].position, targets_, bound);
      for (std::uint32_t j = base; j < cands_.size(); ++j) {
        const Weight len = length_to(cands_[i].position, cands_[j].position);
        if (len == kInfWeight || len > bound) continue;
        const double c = cost_[i] + std::abs(len / 10.0 - gc) / options_.beta_m;
        if (c < best[j - base]) {
          best[j - base] = c;
          back_[j] = i;
        }
      }
    }
    bool any = false;
    for (std::uint32_t j = base; j < cands_.size(); ++j) {
      if (back_[j] == UINT32_MAX) {
        cost_[j] = std::numeric_limits<double>::infinity();  // unreachable state
        continue;
      }
      cost_[j] += best[j - base];
      any = true;
    }
    if (!any) {
      ++stats_.steps_no_route;
      // Drop this fix's candidates; the chain ends before it and restarts at it.
      cands_.resize(base);
      first_cand_.pop_back();
      restart = usable;  // the next piece starts at this fix
      break;
    }
  }
  // Backtrack from the best final candidate of fixes [0, usable).
  if (usable >= 2) {
    std::vector<std::uint32_t> chosen(usable);
    std::uint32_t at = first_cand_[usable - 1];
    for (std::uint32_t j = first_cand_[usable - 1]; j < first_cand_[usable]; ++j)
      if (cost_[j] < cost_[at]) at = j;
    for (std::size_t k = usable; k-- > 0;) {
      chosen[k] = at;
      at = back_[at];
    }
    const auto ff = graph_->weights();
    for (std::size_t k = 1; k < usable; ++k) {
      const GpsFix& a = chain[k - 1];
      const GpsFix& b = chain[k];
      const double gc = haversine(a.position, b.position).value();
      const double dt = static_cast<double>(b.unix_time - a.unix_time);
      const double len = route(cands_[chosen[k - 1]].position, cands_[chosen[k]].position,
                               options_.max_detour * gc + options_.detour_slack_m, &route_);
      double ff_s = 0.0;
      for (const CoveredArc& c : route_) ff_s += c.fraction * ff[c.arc.value()] / 10.0;
      const double ratio = ff_s > 0.0 ? dt / ff_s : 0.0;
      if (!std::isfinite(len) || len / dt * 3.6 > options_.max_speed_kmh || ff_s <= 0.0 ||
          ratio < options_.min_ratio || ratio > options_.max_ratio) {
        ++stats_.steps_implausible;
        continue;
      }
      ++stats_.steps_attributed;
      const TimeSlice slice = slicing.slice_of(a.unix_time + (b.unix_time - a.unix_time) / 2);
      for (const CoveredArc& c : route_) {
        if (c.fraction < options_.min_arc_coverage) continue;
        sink.add(c.arc, slice, static_cast<float>(ratio * ff[c.arc.value()] / 10.0));
        ++stats_.arc_samples;
      }
    }
  }
  return std::max<std::size_t>(restart, 1);
}

DISPATCHKIT_NAMESPACE_END
