// dispatchkit/route/polyline.hpp: a route as a CAD draws and reads it: the road's shape,
// GeoJSON, a Google encoded polyline, and turn-free directions.
//
//   std::vector<ArcId> route = query.path(unit_position, incident_position);
//   RoutePolyline line = route_polyline(graph, route, unit_position, incident_position);
//   std::string json = to_geojson(line.points);          // {"type":"LineString",...}
//   std::string enc = encode_polyline(line.points);      // "_p~iF~ps|U_ulLnnqC..."
//   std::vector<DirectionStep> steps = route_directions(graph, route);
//   std::string text = format_directions(steps);  // "Boulevard Albert 1er 1.2 km, then ..."
//
// The shape follows each arc's street segment (graph.details(): the OpenStreetMap shape
// points, reversed for an arc against the segment's direction); graphs without details
// draw straight from node to node. A route between road positions drives its first and
// last arcs in part: pass the positions and the line is cut there. Lengths use the graph's
// own haversine (graph/types.hpp), so the line's length is the route's.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct RoutePolyline {
  std::vector<LatLon> points;
  double length_m = 0;
};

// One step of turn-free directions: consecutive arcs of one street.
struct DirectionStep {
  std::string name;  // the street's name, else its class ("residential"), else "road"
  double metres = 0;
  double seconds = 0;
};

namespace detail {

// Appends `p` unless it repeats the last point.
inline void push_point(std::vector<LatLon>& out, LatLon p) {
  if (out.empty() || out.back().lat != p.lat || out.back().lon != p.lon) out.push_back(p);
}

// The points of arc `a` from tail to head, shape included, into `out` (tail first).
inline void arc_points(const RoadGraph& g, ArcId a, std::vector<LatLon>& out) {
  out.push_back(g.coordinate(g.tail(a)));
  if (const RoadDetails* d = g.details()) {
    const RoadSegmentRef s = g.segment_of(a);
    if (s.valid()) {
      const auto shape = d->shape(s.index);
      if (s.reversed)
        for (std::size_t i = shape.size(); i-- > 0;) out.push_back(shape[i]);
      else
        out.insert(out.end(), shape.begin(), shape.end());
    }
  }
  out.push_back(g.coordinate(g.head(a)));
}

// The part of the line `pts` between fractions `from` and `to` of its length, into `out`.
inline void cut_line(std::span<const LatLon> pts, double from, double to,
                     std::vector<LatLon>& out) {
  double total = 0;
  for (std::size_t i = 1; i < pts.size(); ++i) total += haversine(pts[i - 1], pts[i]).value();
  const double a = from * total, b = to * total;
  double at = 0;
  auto lerp = [](LatLon p, LatLon q, double t) {
    return LatLon{p.lat + (q.lat - p.lat) * t, p.lon + (q.lon - p.lon) * t};
  };
  if (pts.size() < 2 || total <= 0) {
    if (!pts.empty()) push_point(out, pts.front());
    return;
  }
  for (std::size_t i = 1; i < pts.size(); ++i) {
    const double len = haversine(pts[i - 1], pts[i]).value();
    const double next = at + len;
    if (next >= a && at <= b && len > 0) {
      const double t0 = std::max(0.0, (a - at) / len), t1 = std::min(1.0, (b - at) / len);
      push_point(out, lerp(pts[i - 1], pts[i], t0));
      push_point(out, lerp(pts[i - 1], pts[i], t1));
    }
    at = next;
  }
}

}  // namespace detail

// The line's length in metres (haversine over consecutive points).
[[nodiscard]] inline double polyline_length_m(std::span<const LatLon> points) noexcept {
  double m = 0;
  for (std::size_t i = 1; i < points.size(); ++i) m += haversine(points[i - 1], points[i]).value();
  return m;
}

// The shape of `route` into `out` (cleared first; reuses its capacity). `source` / `target`,
// when they are on the first / last arc, cut the line at their fractions.
inline void route_polyline_into(const RoadGraph& g, std::span<const ArcId> route,
                                const RoadPosition& source, const RoadPosition& target,
                                RoutePolyline& out, std::vector<LatLon>& scratch) {
  out.points.clear();
  out.length_m = 0;
  if (!g.has_coordinates()) return;
  for (std::size_t i = 0; i < route.size(); ++i) {
    const ArcId a = route[i];
    if (!a.valid() || a.value() >= g.arc_count()) continue;
    scratch.clear();
    detail::arc_points(g, a, scratch);
    double from = 0, to = 1;
    auto fraction_on = [&](const RoadPosition& p) -> double {
      if (p.is_node() || !p.valid()) return -1;
      if (g.road_arc(p.arc()) == g.road_arc(a)) return p.fraction();
      if (p.reverse_arc().valid() && g.road_arc(p.reverse_arc()) == g.road_arc(a))
        return 1.0 - p.fraction();
      return -1;
    };
    if (i == 0)
      if (const double f = fraction_on(source); f >= 0) from = f;
    if (i + 1 == route.size())
      if (const double f = fraction_on(target); f >= 0) to = f;
    if (from == 0 && to == 1) {
      for (const LatLon& p : scratch) detail::push_point(out.points, p);
    } else {
      detail::cut_line(scratch, from, std::max(from, to), out.points);
    }
  }
  out.length_m = polyline_length_m(out.points);
}

[[nodiscard]] inline RoutePolyline route_polyline(const RoadGraph& g, std::span<const ArcId> route,
                                                  const RoadPosition& source = {},
                                                  const RoadPosition& target = {}) {
  RoutePolyline out;
  std::vector<LatLon> scratch;
  route_polyline_into(g, route, source, target, out, scratch);
  return out;
}

// RFC 7946 GeoJSON LineString ([longitude, latitude] pairs, 7 decimals: about 1 cm).
[[nodiscard]] inline std::string to_geojson(std::span<const LatLon> points) {
  std::string s = "{\"type\":\"LineString\",\"coordinates\":[";
  char buf[64];
  for (std::size_t i = 0; i < points.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%s[%.7f,%.7f]", i ? "," : "", points[i].lon, points[i].lat);
    s += buf;
  }
  s += "]}";
  return s;
}

// Google's encoded polyline algorithm format (developers.google.com/maps/documentation/
// utilities/polylinealgorithm): latitude, longitude deltas at 10^-precision degrees, each a
// zigzag-encoded varint in 5-bit chunks offset by 63. Precision 5 is Google's; 6 is OSRM's
// and Valhalla's option.
[[nodiscard]] inline std::string encode_polyline(std::span<const LatLon> points,
                                                 int precision = 5) {
  const double factor = std::pow(10.0, precision);
  std::string out;
  std::int64_t last_lat = 0, last_lon = 0;
  auto put = [&out](std::int64_t v) {
    std::uint64_t z =
        v < 0 ? ~(static_cast<std::uint64_t>(v) << 1) : static_cast<std::uint64_t>(v) << 1;
    while (z >= 0x20) {
      out.push_back(static_cast<char>((0x20 | (z & 0x1f)) + 63));
      z >>= 5;
    }
    out.push_back(static_cast<char>(z + 63));
  };
  for (const LatLon& p : points) {
    const auto lat = static_cast<std::int64_t>(std::llround(p.lat * factor));
    const auto lon = static_cast<std::int64_t>(std::llround(p.lon * factor));
    put(lat - last_lat);
    put(lon - last_lon);
    last_lat = lat;
    last_lon = lon;
  }
  return out;
}

// Consecutive arcs of one street (same name; unnamed: same class) merged into steps.
[[nodiscard]] inline std::vector<DirectionStep> route_directions(const RoadGraph& g,
                                                                 std::span<const ArcId> route) {
  std::vector<DirectionStep> steps;
  const RoadDetails* d = g.details();
  for (ArcId a : route) {
    if (!a.valid() || a.value() >= g.arc_count()) continue;
    std::string name = "road";
    if (d != nullptr && g.segment_of(a).valid()) {
      const std::uint32_t s = g.segment_of(a).index;
      name = d->name(s).empty() ? std::string(road_class_name(d->road_class(s)))
                                : std::string(d->name(s));
    }
    if (steps.empty() || steps.back().name != name) steps.push_back({std::move(name), 0, 0});
    steps.back().metres += g.length(a).value();
    steps.back().seconds += static_cast<double>(g.travel_time(a).count()) / 10.0;
  }
  return steps;
}

// "Boulevard Albert 1er 1.2 km, then Avenue d'Ostende 800 m".
[[nodiscard]] inline std::string format_directions(std::span<const DirectionStep> steps) {
  std::string s;
  char buf[48];
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].metres >= 1000)
      std::snprintf(buf, sizeof buf, " %.1f km", steps[i].metres / 1000.0);
    else
      std::snprintf(buf, sizeof buf, " %.0f m", steps[i].metres);
    s += (i ? ", then " : "") + steps[i].name + buf;
  }
  return s;
}

DISPATCHKIT_NAMESPACE_END
