// dispatchkit/plan/coverage.hpp: how well a set of stations (or unit posts) covers demand.
//
//   absl::StatusOr<std::vector<RoadPosition>> at = place_sites(stations, snapper);
//   SiteMatrix t = site_times(ch, graph, *at, placed.positions);       // sites x points
//   SiteMatrix km = site_road_distances(graph, *at, placed.positions); // shortest road metres
//   std::vector<PointCoverage> best = best_two(t);                      // best, second best
//   const double minutes[] = {8, 12, 14, 15};
//   CoverageSummary s = summarize_coverage(placed, best, minutes, &km, {3000, 5000});
//   s.within[0];                 // demand-weighted share within 8 minutes, in [0, 1]
//   s.by_district[d].within[0];  // the same in district d
//
// Coverage is the planners' question: the share of demand a unit can reach within the
// target (8 min in cities, 12 rural, 14 mountain and island, the "15-minute circle") and
// within the service radius (3-5 km of road in cities, 8-20 km rural). Each demand point's
// best and second-best site matter: the second is its backup when the nearest unit is out.
//
// site_times is a many-to-many over the CH (route/ch/many_to_many.hpp): |sites| + |points|
// upward searches, not |sites| x |points| queries. Times are the graph's lights-and-sirens
// times (route/travel_modes.hpp), or normal driving with TravelMode::kNormal, plus an
// optional turnout (dispatch to wheels rolling) so that a share reads as "response within
// T" when the caller wants it to. site_times_dijkstra is the plain reference (one Dijkstra
// per site) that the tests compare with, on any arc weights. site_road_distances is that
// reference on arc lengths: the shortest road distance, for the radius rule (a radius is a
// length, not a time, so the CH on times cannot answer it).
//
// Thread safety: the functions are pure; SiteMatrix is a value.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/snap.hpp"
#include "dispatchkit/plan/demand.hpp"
#include "dispatchkit/route/ch.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "dispatchkit/route/travel_modes.hpp"
#include "dispatchkit/sim/sites.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// A sites x points table (row-major) of travel times in deciseconds or road distances in
// decimetres; kInfWeight where a point cannot be reached.
struct SiteMatrix {
  std::uint32_t sites = 0;
  std::uint32_t points = 0;
  std::vector<Weight> values;

  [[nodiscard]] Weight at(std::uint32_t site, std::uint32_t point) const noexcept {
    return values[static_cast<std::size_t>(site) * points + point];
  }
  [[nodiscard]] std::span<const Weight> row(std::uint32_t site) const noexcept {
    return {values.data() + static_cast<std::size_t>(site) * points, points};
  }
};

struct CoverageTimeOptions {
  TravelMode mode = TravelMode::kLightsAndSirens;
  TravelModeOptions modes;
  Deciseconds turnout{0};  // added to every reachable time
};

// Every site's street. InvalidArgument naming the site ("site 'Station 9' at 37.7,-122.5
// is not on the road network: ...") when one has no street within the snap limit: a
// station is a hand-kept address, and a candidate off the graph is a wrong input, not a
// site to skip.
template <class SnapperT>
[[nodiscard]] absl::StatusOr<std::vector<RoadPosition>> place_sites(
    std::span<const Site> sites, const SnapperT& snapper, const SnapOptions& options = {});

// Travel times sites -> points over the CH (bucket many-to-many).
[[nodiscard]] SiteMatrix site_times(const ContractionHierarchy& ch, const RoadGraph& graph,
                                    std::span<const RoadPosition> sites,
                                    std::span<const RoadPosition> points,
                                    const CoverageTimeOptions& options = {});

// The same by one Dijkstra per site on `arc_weights` (the reference; no mode or turnout is
// applied: the values are the plain shortest-path weights).
[[nodiscard]] SiteMatrix site_times_dijkstra(const RoadGraph& graph,
                                             std::span<const Weight> arc_weights,
                                             std::span<const RoadPosition> sites,
                                             std::span<const RoadPosition> points);

// Arc lengths as weights, in decimetres (rounded; at least 1 on an arc of positive length).
[[nodiscard]] std::vector<Weight> road_length_weights(const RoadGraph& graph);

// Shortest road distances sites -> points, in decimetres (one Dijkstra per site on lengths).
[[nodiscard]] SiteMatrix site_road_distances(const RoadGraph& graph,
                                             std::span<const RoadPosition> sites,
                                             std::span<const RoadPosition> points);

// A point's nearest and second-nearest site (kInfWeight and kNoSite when there is none).
struct PointCoverage {
  static constexpr std::uint32_t kNoSite = UINT32_MAX;
  Weight best = kInfWeight;
  Weight second = kInfWeight;
  std::uint32_t best_site = kNoSite;
};
[[nodiscard]] std::vector<PointCoverage> best_two(const SiteMatrix& m);

struct CoverageShares {
  double weight = 0;                 // demand weight these shares are of
  std::vector<double> within;        // per minute value: share with best <= T
  std::vector<double> within_twice;  // per minute value: share with second best <= T too
  std::vector<double> within_km;     // per radius: share with nearest road distance <= R
  double mean_best_s = 0;            // demand-weighted mean best time, reachable points
  double unreachable = 0;            // share that no site reaches at all
};

struct CoverageSummary {
  std::vector<double> minutes;
  std::vector<double> radius_m;
  CoverageShares overall;
  std::vector<std::string> district_names;
  std::vector<CoverageShares> by_district;     // [district]; empty when no point has a district
  std::vector<std::uint32_t> points_per_site;  // demand points whose nearest site it is
  std::vector<double> weight_per_site;         // their weight
};

// Demand-weighted shares of `placed` (point i has best[i] and, when given, road distances
// distances->at(., i)). Off-network demand is not in the shares' weight (PlacedDemand
// reports it separately). points_per_site and weight_per_site hold at least `sites`
// entries (a site nearest to no point has 0).
[[nodiscard]] CoverageSummary summarize_coverage(const PlacedDemand& placed,
                                                 std::span<const PointCoverage> best,
                                                 std::span<const double> minutes,
                                                 const SiteMatrix* distances = nullptr,
                                                 std::span<const double> radius_m = {},
                                                 std::uint32_t sites = 0);

// ---------------------------------------------------------------------------------------
// Implementation.

template <class SnapperT>
absl::StatusOr<std::vector<RoadPosition>> place_sites(std::span<const Site> sites,
                                                      const SnapperT& snapper,
                                                      const SnapOptions& options) {
  std::vector<RoadPosition> at;
  at.reserve(sites.size());
  for (const Site& s : sites) {
    absl::StatusOr<SnapResult> r = snapper.snap(s.location, options);
    if (!r.ok())
      return absl::InvalidArgumentError(
          absl::StrCat("site '", s.name, "' at ", s.location.lat, ",", s.location.lon,
                       " is not on the road network: ", r.status().message()));
    at.push_back(r->position);
  }
  return at;
}

inline SiteMatrix site_times(const ContractionHierarchy& ch, const RoadGraph& graph,
                             std::span<const RoadPosition> sites,
                             std::span<const RoadPosition> points,
                             const CoverageTimeOptions& options) {
  SiteMatrix m{
      static_cast<std::uint32_t>(sites.size()), static_cast<std::uint32_t>(points.size()), {}};
  ChManyToMany matrix(ch, graph);
  m.values = matrix.compute(sites, points);
  for (Weight& w : m.values) {
    if (w == kInfWeight) continue;
    w = add_weights(weight_in_mode(w, options.mode, options.modes), options.turnout.count());
  }
  return m;
}

inline SiteMatrix site_times_dijkstra(const RoadGraph& graph, std::span<const Weight> arc_weights,
                                      std::span<const RoadPosition> sites,
                                      std::span<const RoadPosition> points) {
  SiteMatrix m{static_cast<std::uint32_t>(sites.size()), static_cast<std::uint32_t>(points.size()),
               std::vector<Weight>(sites.size() * points.size(), kInfWeight)};
  Dijkstra dijkstra(graph, arc_weights);
  for (std::uint32_t s = 0; s < m.sites; ++s) {
    const SeedSet seeds = source_seeds(graph, arc_weights, sites[s]);
    dijkstra.run(seeds.view(), Dijkstra::Direction::kForward, NodeId::invalid());
    for (std::uint32_t p = 0; p < m.points; ++p)
      m.values[static_cast<std::size_t>(s) * m.points + p] =
          dijkstra.distance_to(sites[s], points[p]).count();
  }
  return m;
}

inline std::vector<Weight> road_length_weights(const RoadGraph& graph) {
  std::vector<Weight> w(graph.arc_count());
  const std::span<const float> lengths = graph.lengths();
  for (std::uint32_t a = 0; a < graph.arc_count(); ++a) {
    const double dm = std::round(static_cast<double>(lengths[a]) * 10.0);
    w[a] = lengths[a] > 0 ? static_cast<Weight>(std::max(1.0, dm)) : 0;
  }
  return w;
}

inline SiteMatrix site_road_distances(const RoadGraph& graph, std::span<const RoadPosition> sites,
                                      std::span<const RoadPosition> points) {
  const std::vector<Weight> lengths = road_length_weights(graph);
  return site_times_dijkstra(graph, lengths, sites, points);
}

inline std::vector<PointCoverage> best_two(const SiteMatrix& m) {
  std::vector<PointCoverage> out(m.points);
  for (std::uint32_t s = 0; s < m.sites; ++s) {
    const std::span<const Weight> row = m.row(s);
    for (std::uint32_t p = 0; p < m.points; ++p) {
      PointCoverage& c = out[p];
      const Weight w = row[p];
      if (w < c.best) {
        c.second = c.best;
        c.best = w;
        c.best_site = s;
      } else if (w < c.second) {
        c.second = w;
      }
    }
  }
  return out;
}

inline CoverageSummary summarize_coverage(const PlacedDemand& placed,
                                          std::span<const PointCoverage> best,
                                          std::span<const double> minutes,
                                          const SiteMatrix* distances,
                                          std::span<const double> radius_m, std::uint32_t sites) {
  CoverageSummary s;
  s.minutes.assign(minutes.begin(), minutes.end());
  if (distances != nullptr) s.radius_m.assign(radius_m.begin(), radius_m.end());
  s.district_names = placed.district_names;
  const bool districts = placed.district_names.size() > 1;
  std::uint32_t site_count = sites;
  for (const PointCoverage& c : best)
    if (c.best_site != PointCoverage::kNoSite) site_count = std::max(site_count, c.best_site + 1);
  if (distances != nullptr) site_count = std::max(site_count, distances->sites);
  s.points_per_site.assign(site_count, 0);
  s.weight_per_site.assign(site_count, 0.0);

  auto blank = [&] {
    CoverageShares c;
    c.within.assign(minutes.size(), 0.0);
    c.within_twice.assign(minutes.size(), 0.0);
    c.within_km.assign(s.radius_m.size(), 0.0);
    return c;
  };
  s.overall = blank();
  if (districts) s.by_district.assign(placed.district_names.size(), blank());
  std::vector<double> reached_weight(districts ? placed.district_names.size() + 1 : 1, 0.0);

  for (std::size_t i = 0; i < placed.size() && i < best.size(); ++i) {
    const double w = placed.weights[i];
    const PointCoverage& c = best[i];
    Weight nearest_dm = kInfWeight;
    if (distances != nullptr)
      for (std::uint32_t site = 0; site < distances->sites; ++site)
        nearest_dm = std::min(nearest_dm, distances->at(site, static_cast<std::uint32_t>(i)));
    auto add = [&](CoverageShares& into, double& reached) {
      into.weight += w;
      for (std::size_t k = 0; k < minutes.size(); ++k) {
        const double limit_ds = minutes[k] * 600.0;
        if (c.best != kInfWeight && c.best <= limit_ds) into.within[k] += w;
        if (c.second != kInfWeight && c.second <= limit_ds) into.within_twice[k] += w;
      }
      for (std::size_t k = 0; k < s.radius_m.size(); ++k)
        if (nearest_dm != kInfWeight && nearest_dm <= s.radius_m[k] * 10.0) into.within_km[k] += w;
      if (c.best == kInfWeight) {
        into.unreachable += w;
      } else {
        into.mean_best_s += w * static_cast<double>(c.best) / 10.0;
        reached += w;
      }
    };
    add(s.overall, reached_weight[0]);
    if (districts) add(s.by_district[placed.districts[i]], reached_weight[1 + placed.districts[i]]);
    if (c.best_site != PointCoverage::kNoSite) {
      ++s.points_per_site[c.best_site];
      s.weight_per_site[c.best_site] += w;
    }
  }
  auto normalise = [&](CoverageShares& c, double reached) {
    if (!(c.weight > 0)) return;
    for (double& v : c.within) v /= c.weight;
    for (double& v : c.within_twice) v /= c.weight;
    for (double& v : c.within_km) v /= c.weight;
    c.mean_best_s = reached > 0 ? c.mean_best_s / reached : 0.0;
    c.unreachable /= c.weight;
  };
  normalise(s.overall, reached_weight[0]);
  for (std::size_t d = 0; d < s.by_district.size(); ++d)
    normalise(s.by_district[d], reached_weight[1 + d]);
  return s;
}

DISPATCHKIT_NAMESPACE_END
