// dispatchkit/plan/isochrone.hpp: the streets a set of sites reaches within T minutes.
//
//   const double minutes[] = {8, 12};
//   std::vector<Reach> r = reach_within(graph, site_positions, minutes);
//   r[0].segments;   // pieces of street (WGS84 from -> to) within 8 min of the nearest site
//
// The isochrone a dispatcher can trust is the road network's own: per-arc reach. One
// multi-source Dijkstra from every site labels each node with its time from the nearest
// site; an arc is reached up to the point where that time plus the time along it reaches T
// (partly reached arcs are cut at the fraction, along the straight line between the arc's
// ends). So the result follows the streets, with no hull bridging a river or a hill with
// no road. It is returned as line segments, drawn as such (plan/io/coverage_map.hpp); a
// polygon is left to the consumer (a buffer of these lines in GIS), because any polygon
// drawn here would need a buffer width that is a guess. Street shapes (OpenStreetMap
// geometry between junctions) are not followed: segments join the arc's end nodes.
//
// Times are those of plan/coverage.hpp: lights-and-sirens weights, or normal driving (x
// normal_factor), plus the turnout. The reach of T in a mode is the lights-and-sirens reach
// of (T - turnout) / mode factor (the same times up to per-pair rounding).
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/plan/coverage.hpp"
#include "dispatchkit/route/dijkstra.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct ReachSegment {
  LatLon from;
  LatLon to;
};

struct Reach {
  double minutes = 0;
  std::vector<ReachSegment> segments;
  double arc_km = 0;  // length of arcs within reach (both directions of a two-way street)
};

[[nodiscard]] std::vector<Reach> reach_within(const RoadGraph& graph,
                                              std::span<const RoadPosition> sites,
                                              std::span<const double> minutes,
                                              const CoverageTimeOptions& options = {});

// ---------------------------------------------------------------------------------------
// Implementation.

inline std::vector<Reach> reach_within(const RoadGraph& graph, std::span<const RoadPosition> sites,
                                       std::span<const double> minutes,
                                       const CoverageTimeOptions& options) {
  std::vector<SearchSeed> seeds;
  for (const RoadPosition& p : sites) {
    const SeedSet s = source_seeds(graph, graph.weights(), p);
    for (const SearchSeed& seed : s.view()) seeds.push_back(seed);
  }
  Dijkstra dijkstra(graph);
  dijkstra.run(seeds, Dijkstra::Direction::kForward, NodeId::invalid());
  std::vector<Reach> out;
  for (double m : minutes) {
    Reach r{.minutes = m};
    const double limit = (m * 600.0 - static_cast<double>(options.turnout.count())) /
                         mode_factor(options.mode, options.modes);
    for (std::uint32_t a = 0; a < graph.arc_count(); ++a) {
      const ArcId arc(a);
      const NodeId tail = graph.tail(arc);
      const Weight at_tail = dijkstra.distance_to(tail).count();
      if (at_tail == kInfWeight || at_tail > limit) continue;
      const Weight w = graph.travel_time(arc).count();
      if (w == kInfWeight) continue;
      const double f = w == 0 ? 1.0 : std::min(1.0, (limit - at_tail) / static_cast<double>(w));
      const LatLon from = graph.coordinate(tail);
      const LatLon head = graph.coordinate(graph.head(arc));
      const LatLon to{from.lat + f * (head.lat - from.lat), from.lon + f * (head.lon - from.lon)};
      r.segments.push_back({from, to});
      r.arc_km += f * graph.length(arc).value() / 1000.0;
    }
    out.push_back(std::move(r));
  }
  return out;
}

DISPATCHKIT_NAMESPACE_END
