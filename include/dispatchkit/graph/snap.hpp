// dispatchkit/graph/snap.hpp: put a WGS84 point (a caller's address, a GPS fix) on the road.
//
//   absl::StatusOr<Snapper> snapper = Snapper::build(graph);        // once, O(m log m)
//   absl::StatusOr<SnapResult> s = snapper->snap(LatLon{37.7793, -122.4193});
//   if (s.ok()) eta = dijkstra.distance(station, s->position);      // mid-street position
//   // Map matching: the 5 nearest streets, nearest first.
//   auto candidates = snapper->snap_candidates(gps_fix, 5);
//
// Snapping projects a point onto the nearest STREET SEGMENT, not the nearest
// intersection: an incident halfway down a 300 m block is 150 m from either corner, and
// a unit's ETA to it depends on which way it may drive the street. The result is a
// RoadPosition (graph/road_position.hpp) that every search accepts.
//
// Geometry. Each arc is the straight line between its end nodes' coordinates (the graph
// keeps no shape points). Both directions of a two-way street are ONE segment, indexed
// once, carrying both arc ids; a one-way street is a segment with a single arc.
// Distances and the fraction along the street are computed in a local equirectangular
// projection centred on the query point (x = dlon * cos(lat) * R, y = dlat * R, R the
// mean Earth radius), exact to well under 0.1% within a few kilometres, which is what
// snapping needs; raw degrees would stretch east-west distances by 1/cos(lat) (27% in
// San Francisco). Segments crossing the antimeridian are not supported.
//
// Index. A Boost.Geometry R*-tree (packed, sort-tile-recursive bulk load) over the
// segments' bounding boxes in degrees. A query looks in a box around the point that
// contains every point within radius r in the projection above, for r = 100 m, 400 m, ...
// up to SnapOptions::max_distance: any segment within r of the point meets the box, so
// the nearest segment found within r is the true nearest (no approximation from the
// degree-based index).
//
// Errors. InvalidArgument for a NaN or out-of-range coordinate (the message names the
// value). A point with no street within SnapOptions::max_distance is NotFound, and the
// message gives the distance to the nearest street (this, rather than a "not snapped"
// flag in the result, so that a bad geocode can never be routed by accident).
//
// Thread safety: a Snapper is immutable after build(); any number of threads may query
// one Snapper concurrently (Boost's rtree const queries do not mutate). It keeps a
// pointer to the graph, which must outlive it.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include <boost/geometry/algorithms/comparable_distance.hpp>
#include <boost/geometry/algorithms/covered_by.hpp>
#include <boost/geometry/geometries/box.hpp>
#include <boost/geometry/geometries/point.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <boost/geometry/strategies/strategies.hpp>
#include <boost/iterator/function_output_iterator.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct SnapOptions {
  // Farther than this from every street, a point is not snapped (NotFound). City calls
  // geocode to within a few hundred metres of an arterial; 1 km catches bad geocodes.
  Meters max_distance{1000.0};
};

struct SnapResult {
  // The street and how far along it (fraction from the arc's tail), with the opposite
  // arc of a two-way street. Fractions come from the straight-line geometry.
  RoadPosition position;
  // The point on the street closest to the query point.
  LatLon snapped_point;
  // From the query point to snapped_point.
  Meters distance;
};

class Snapper {
 public:
  // Indexes every street of `graph`. FailedPrecondition if the graph has no coordinates.
  // O(m log m) time, O(m) memory (about 50 bytes per street). `graph` must outlive the
  // Snapper.
  [[nodiscard]] static absl::StatusOr<Snapper> build(const RoadGraph& graph);

  // The position on the nearest street. Ties (a point exactly at a corner) go to the
  // street with the smallest arc id, so results are deterministic.
  // Errors: InvalidArgument (NaN or out-of-range coordinate), NotFound (no street within
  // options.max_distance; the message gives the nearest street's distance).
  // O(log m + streets near the point); no allocation unless an error is returned.
  [[nodiscard]] absl::StatusOr<SnapResult> snap(LatLon point,
                                                const SnapOptions& options = {}) const;

  // Up to `k` distinct streets within options.max_distance, nearest first (ties by arc
  // id); fewer, possibly none, if fewer streets are that close (not an error).
  // For map matching. Error: InvalidArgument for a bad coordinate. Allocates the result.
  [[nodiscard]] absl::StatusOr<std::vector<SnapResult>> snap_candidates(
      LatLon point, std::size_t k, const SnapOptions& options = {}) const;

  // Number of indexed street segments (two-way streets counted once).
  [[nodiscard]] std::size_t segment_count() const noexcept { return segments_.size(); }
  [[nodiscard]] const RoadGraph& graph() const noexcept { return *graph_; }

 private:
  using Point = boost::geometry::model::point<double, 2, boost::geometry::cs::cartesian>;
  using Box = boost::geometry::model::box<Point>;  // x = longitude, y = latitude
  using Entry = std::pair<Box, std::uint32_t>;     // segment box, index into segments_
  using Tree = boost::geometry::index::rtree<Entry, boost::geometry::index::rstar<16>>;
  struct Segment {
    ArcId arc;          // tail -> head; the fraction is measured from its tail
    ArcId reverse_arc;  // head -> tail for a two-way street, else invalid
  };

  Snapper(const RoadGraph& graph, std::vector<Segment> segments, Tree tree)
      : graph_(&graph), segments_(std::move(segments)), tree_(std::move(tree)) {}

  // Visits the segments whose boxes meet the query box of radius `radius_m` around `p`.
  template <class Visit>
  void for_each_near(LatLon p, double radius_m, Visit&& visit) const;
  [[nodiscard]] bool box_covers_all(LatLon p, double radius_m) const;
  [[nodiscard]] SnapResult result(std::uint32_t segment, double fraction, double distance_m,
                                  LatLon snapped) const noexcept;
  [[nodiscard]] absl::Status not_found(LatLon p, const SnapOptions& options) const;

  const RoadGraph* graph_;
  std::vector<Segment> segments_;
  Tree tree_;
};

// ---------------------------------------------------------------------------------------
// Implementation.

namespace detail {

inline constexpr double kSnapRad = kRadiansPerDegree;  // graph/types.hpp: haversine()'s sphere

// Where the segment a -> b comes closest to p, in the equirectangular projection centred
// on p: the fraction along a -> b in [0, 1], the distance in metres and the point.
struct SegmentProjection {
  double fraction;
  double distance_m;
  LatLon point;
};
[[nodiscard]] inline SegmentProjection project_on_segment(LatLon p, LatLon a, LatLon b) noexcept {
  const double kx = std::cos(p.lat * kSnapRad) * kMetersPerDegreeLat;
  const double ax = (a.lon - p.lon) * kx, ay = (a.lat - p.lat) * kMetersPerDegreeLat;
  const double dx = (b.lon - a.lon) * kx, dy = (b.lat - a.lat) * kMetersPerDegreeLat;
  const double len2 = dx * dx + dy * dy;
  // Minimise |A + t (B - A)| over t in [0, 1]; a zero-length segment is its tail.
  double t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  const double cx = ax + t * dx, cy = ay + t * dy;
  return {t, std::sqrt(cx * cx + cy * cy),
          LatLon{a.lat + t * (b.lat - a.lat), a.lon + t * (b.lon - a.lon)}};
}

}  // namespace detail

inline absl::StatusOr<Snapper> Snapper::build(const RoadGraph& graph) {
  if (!graph.has_coordinates() && graph.node_count() > 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        graph.source(), ": the graph has no node coordinates, so points cannot be snapped"));
  }
  std::vector<Segment> segments;
  std::vector<Entry> entries;
  segments.reserve(graph.arc_count());
  entries.reserve(graph.arc_count());
  for (std::uint32_t a = 0; a < graph.arc_count(); ++a) {
    const ArcId arc(a);
    // Twin arcs (graph/road_graph.hpp, turn states) are copies of a road arc: a position
    // is always on the road arc, and target_seeds() reaches it through the twins.
    if (graph.is_turn_state(graph.tail(arc))) continue;
    const NodeId u = graph.tail(arc), v = graph.road_node(graph.head(arc));
    const std::optional<ArcId> reverse = graph.find_road_arc(v, u);
    // A two-way street is indexed once, from its end with the smaller node id.
    if (reverse && v < u) continue;
    const LatLon pu = graph.coordinate(u), pv = graph.coordinate(v);
    const Box box(Point(std::min(pu.lon, pv.lon), std::min(pu.lat, pv.lat)),
                  Point(std::max(pu.lon, pv.lon), std::max(pu.lat, pv.lat)));
    entries.emplace_back(box, static_cast<std::uint32_t>(segments.size()));
    segments.push_back(Segment{arc, reverse.value_or(ArcId::invalid())});
  }
  // The range constructor bulk-loads (packs) the tree: faster to build and to query
  // than inserting one by one.
  Tree tree(entries);
  return Snapper(graph, std::move(segments), std::move(tree));
}

template <class Visit>
void Snapper::for_each_near(LatLon p, double radius_m, Visit&& visit) const {
  // Every point within radius_m of p (in p's equirectangular projection) lies in this box.
  const double dlat = radius_m / kMetersPerDegreeLat;
  const double coslat = std::cos(p.lat * detail::kSnapRad);
  const double dlon = coslat * 360.0 > dlat ? dlat / coslat : 360.0;  // near a pole: all longitudes
  const Box query(Point(p.lon - dlon, p.lat - dlat), Point(p.lon + dlon, p.lat + dlat));
  // The non-incremental spatial query walks the tree recursively: no allocation.
  tree_.query(boost::geometry::index::intersects(query),
              boost::make_function_output_iterator([&visit](const Entry& e) { visit(e.second); }));
}

inline bool Snapper::box_covers_all(LatLon p, double radius_m) const {
  if (tree_.empty()) return true;
  const double dlat = radius_m / kMetersPerDegreeLat;
  const double coslat = std::cos(p.lat * detail::kSnapRad);
  const double dlon = coslat * 360.0 > dlat ? dlat / coslat : 360.0;
  const Box query(Point(p.lon - dlon, p.lat - dlat), Point(p.lon + dlon, p.lat + dlat));
  return boost::geometry::covered_by(tree_.bounds(), query);
}

inline SnapResult Snapper::result(std::uint32_t segment, double fraction, double distance_m,
                                  LatLon snapped) const noexcept {
  const Segment& s = segments_[segment];
  return SnapResult{RoadPosition::on_arc(s.arc, static_cast<float>(fraction), s.reverse_arc),
                    snapped, Meters(distance_m)};
}

namespace detail {
inline absl::Status invalid_point(LatLon p) {
  return absl::InvalidArgumentError(
      absl::StrCat("cannot snap (", p.lat, ", ", p.lon,
                   "): expected latitude in [-90, 90] and longitude in [-180, 180] degrees"));
}
// Radii of the successive searches: small first (most points are near a street).
inline constexpr double kFirstSnapRadiusM = 100.0;
inline constexpr double kSnapRadiusGrowth = 4.0;
}  // namespace detail

inline absl::StatusOr<SnapResult> Snapper::snap(LatLon point, const SnapOptions& options) const {
  if (!point.is_valid()) return detail::invalid_point(point);
  const double max_m = std::max(0.0, options.max_distance.value());  // NaN -> 0
  double radius = std::min(detail::kFirstSnapRadiusM, max_m);
  for (;;) {
    std::uint32_t best = UINT32_MAX;
    detail::SegmentProjection best_proj{};
    for_each_near(point, radius, [&](std::uint32_t seg) {
      const ArcId arc = segments_[seg].arc;
      const detail::SegmentProjection proj = detail::project_on_segment(
          point, graph_->coordinate(graph_->tail(arc)), graph_->coordinate(graph_->head(arc)));
      if (best == UINT32_MAX || proj.distance_m < best_proj.distance_m ||
          (proj.distance_m == best_proj.distance_m && arc < segments_[best].arc)) {
        best = seg;
        best_proj = proj;
      }
    });
    // Every street within `radius` met the box, so a best within `radius` is the nearest.
    if (best != UINT32_MAX && best_proj.distance_m <= radius)
      return result(best, best_proj.fraction, best_proj.distance_m, best_proj.point);
    if (radius >= max_m || box_covers_all(point, radius)) {
      // Everything was examined: the best seen (if any) is the nearest street overall.
      if (best != UINT32_MAX && best_proj.distance_m <= max_m)
        return result(best, best_proj.fraction, best_proj.distance_m, best_proj.point);
      return not_found(point, options);
    }
    radius = std::min(radius * detail::kSnapRadiusGrowth, max_m);
  }
}

inline absl::StatusOr<std::vector<SnapResult>> Snapper::snap_candidates(
    LatLon point, std::size_t k, const SnapOptions& options) const {
  if (!point.is_valid()) return detail::invalid_point(point);
  std::vector<SnapResult> out;
  if (k == 0) return out;
  struct Candidate {
    double distance_m;
    ArcId arc;
    std::uint32_t segment;
    double fraction;
    LatLon point;
  };
  std::vector<Candidate> found;
  const double max_m = std::max(0.0, options.max_distance.value());
  double radius = std::min(detail::kFirstSnapRadiusM, max_m);
  for (;;) {
    found.clear();
    std::size_t within_radius = 0;
    for_each_near(point, radius, [&](std::uint32_t seg) {
      const ArcId arc = segments_[seg].arc;
      const detail::SegmentProjection proj = detail::project_on_segment(
          point, graph_->coordinate(graph_->tail(arc)), graph_->coordinate(graph_->head(arc)));
      if (proj.distance_m > max_m) return;
      found.push_back(Candidate{proj.distance_m, arc, seg, proj.fraction, proj.point});
      within_radius += proj.distance_m <= radius;
    });
    // Every street within `radius` is in `found`: if k of them are, they are the k
    // nearest (anything missed is farther than `radius`). Once the box covers the whole
    // graph, `found` holds every street within max_distance.
    if (within_radius >= k || radius >= max_m || box_covers_all(point, radius)) break;
    radius = std::min(radius * detail::kSnapRadiusGrowth, max_m);
  }
  const std::size_t keep = std::min(k, found.size());
  std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(keep), found.end(),
                    [](const Candidate& a, const Candidate& b) {
                      return a.distance_m != b.distance_m ? a.distance_m < b.distance_m
                                                          : a.arc < b.arc;
                    });
  out.reserve(keep);
  for (std::size_t i = 0; i < keep; ++i)
    out.push_back(result(found[i].segment, found[i].fraction, found[i].distance_m, found[i].point));
  return out;
}

inline absl::Status Snapper::not_found(LatLon p, const SnapOptions& options) const {
  if (tree_.empty()) {
    return absl::NotFoundError(absl::StrCat("cannot snap (", p.lat, ", ", p.lon,
                                            "): ", graph_->source(), " has no streets"));
  }
  // Only to tell the caller how far off the point is: the nearest box in degrees is a
  // street close to the nearest one (degrees distort east-west distances), so the figure
  // is an upper bound on the true distance and good to a few per cent.
  double nearest_m = std::numeric_limits<double>::infinity();
  tree_.query(boost::geometry::index::nearest(Point(p.lon, p.lat), 1),
              boost::make_function_output_iterator([&](const Entry& e) {
                const ArcId arc = segments_[e.second].arc;
                nearest_m = detail::project_on_segment(p, graph_->coordinate(graph_->tail(arc)),
                                                       graph_->coordinate(graph_->head(arc)))
                                .distance_m;
              }));
  return absl::NotFoundError(absl::StrCat(
      "cannot snap (", p.lat, ", ", p.lon, "): no street within ", options.max_distance.value(),
      " m; the nearest street is about ", std::round(nearest_m), " m away"));
}

DISPATCHKIT_NAMESPACE_END
