// Routes out (route/polyline.hpp): shapes, partial arcs, GeoJSON, encoded polylines and
// directions.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/route/ch.hpp"
#include "dispatchkit/route/polyline.hpp"
#include "test_data.hpp"

using namespace dispatchkit;

namespace {

// The decoder, in the test only: the encoder's inverse.
std::vector<LatLon> decode(const std::string& s, int precision = 5) {
  std::vector<LatLon> out;
  const double factor = std::pow(10.0, precision);
  std::size_t i = 0;
  std::int64_t lat = 0, lon = 0;
  auto next = [&]() {
    std::uint64_t result = 0;
    int shift = 0;
    while (true) {
      const std::uint64_t b = static_cast<std::uint64_t>(s[i++] - 63);
      result |= (b & 0x1f) << shift;
      shift += 5;
      if (b < 0x20) break;
    }
    return (result & 1) ? ~static_cast<std::int64_t>(result >> 1)
                        : static_cast<std::int64_t>(result >> 1);
  };
  while (i < s.size()) {
    lat += next();
    lon += next();
    out.push_back({static_cast<double>(lat) / factor, static_cast<double>(lon) / factor});
  }
  return out;
}

// 0 --(Rue A, a bend)--> 1 --(Rue A)--> 2 --(no name, residential)--> 3, all two-way.
RoadGraph street() {
  RoadGraphBuilder b("street");
  const LatLon p0{43.7300, 7.4200}, p1{43.7310, 7.4210}, p2{43.7320, 7.4210}, p3{43.7320, 7.4230};
  const NodeId n0 = b.add_node(10, p0), n1 = b.add_node(11, p1), n2 = b.add_node(12, p2),
               n3 = b.add_node(13, p3);
  auto d = std::make_shared<RoadDetails>();
  const LatLon bend[] = {LatLon{43.7300, 7.4210}};
  const std::uint32_t s0 = d->add_segment(1, RoadClass::kPrimary, 0, "Rue A", bend);
  const std::uint32_t s1 = d->add_segment(1, RoadClass::kPrimary, 0, "Rue A", {});
  const std::uint32_t s2 = d->add_segment(2, RoadClass::kResidential, 0, "", {});
  b.set_details(d);
  const double l0 = haversine(p0, bend[0]).value() + haversine(bend[0], p1).value();
  const double l1 = haversine(p1, p2).value(), l2 = haversine(p2, p3).value();
  b.add_road_arc(n0, n1, Deciseconds(100), Meters(l0), {s0, false});
  b.add_road_arc(n1, n0, Deciseconds(100), Meters(l0), {s0, true});
  b.add_road_arc(n1, n2, Deciseconds(100), Meters(l1), {s1, false});
  b.add_road_arc(n2, n1, Deciseconds(100), Meters(l1), {s1, true});
  b.add_road_arc(n2, n3, Deciseconds(150), Meters(l2), {s2, false});
  b.add_road_arc(n3, n2, Deciseconds(150), Meters(l2), {s2, true});
  auto g = std::move(b).build();
  REQUIRE(g.ok());
  return *std::move(g);
}

}  // namespace

TEST_CASE("Encoded polyline: Google's documented example, both precisions", "[route]") {
  const std::vector<LatLon> pts = {{38.5, -120.2}, {40.7, -120.95}, {43.252, -126.453}};
  CHECK(encode_polyline(pts) == "_p~iF~ps|U_ulLnnqC_mqNvxq`@");
  for (int precision : {5, 6}) {
    const auto back = decode(encode_polyline(pts, precision), precision);
    REQUIRE(back.size() == pts.size());
    for (std::size_t i = 0; i < pts.size(); ++i) {
      CHECK(back[i].lat == Approx(pts[i].lat).margin(1e-6));
      CHECK(back[i].lon == Approx(pts[i].lon).margin(1e-6));
    }
  }
  CHECK(encode_polyline(std::vector<LatLon>{}).empty());
}

TEST_CASE("Polyline: shapes forwards and backwards, partial arcs, directions", "[route]") {
  const RoadGraph g = street();
  const auto n = [&](std::int64_t id) { return *g.find_node(id); };
  const std::vector<ArcId> route = {*g.find_arc(n(10), n(11)), *g.find_arc(n(11), n(12)),
                                    *g.find_arc(n(12), n(13))};
  const RoutePolyline line = route_polyline(g, route);
  REQUIRE(line.points.size() == 5);  // 0, the bend, 1, 2, 3
  CHECK(line.points[1].lon == 7.4210);
  CHECK(line.points[1].lat == 43.7300);
  double sum = 0;
  for (ArcId a : route) sum += g.length(a).value();
  CHECK(line.length_m == Approx(sum).epsilon(1e-6));
  // Backwards, the bend comes second to last.
  const std::vector<ArcId> back = {*g.find_arc(n(12), n(11)), *g.find_arc(n(11), n(10))};
  const RoutePolyline b = route_polyline(g, back);
  REQUIRE(b.points.size() == 4);
  CHECK(b.points[2].lat == 43.7300);
  CHECK(b.points[2].lon == 7.4210);
  // From halfway along the first arc (the bend) to a quarter along the last.
  const RoadPosition from = RoadPosition::on_arc(route[0], 0.5f, *g.find_arc(n(11), n(10)));
  const RoadPosition to = RoadPosition::on_arc(route[2], 0.25f, *g.find_arc(n(13), n(12)));
  const RoutePolyline part = route_polyline(g, route, from, to);
  CHECK(part.length_m == Approx(0.5 * g.length(route[0]).value() + g.length(route[1]).value() +
                                0.25 * g.length(route[2]).value())
                             .epsilon(1e-3));
  // GeoJSON is [lon, lat].
  CHECK(to_geojson(line.points)
            .starts_with("{\"type\":\"LineString\",\"coordinates\":[[7.4200000,43.7300000],[7."
                         "4210000,43.7300000]"));
  // Directions: Rue A merged over two arcs, the unnamed street by its class.
  const auto steps = route_directions(g, route);
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].name == "Rue A");
  CHECK(steps[0].metres == Approx(g.length(route[0]).value() + g.length(route[1]).value()));
  CHECK(steps[0].seconds == Approx(20));
  CHECK(steps[1].name == "residential");
  CHECK(format_directions(steps).starts_with("Rue A "));
  CHECK(format_directions(steps).find(", then residential ") != std::string::npos);
}

TEST_CASE("Polyline on San Francisco (no shapes): 1,000 CH routes never longer than their arcs",
          "[route]") {
  auto g = load_graph(dk_test::bundled("sf/sf_osm_edges.csv.xz"));
  REQUIRE(g.ok());
  auto ch = ContractionHierarchy::build(*g);
  REQUIRE(ch.ok());
  ChQuery q(*ch, *g);
  std::uint64_t x = 12345;
  int checked = 0, off = 0;
  double worst = 0;
  for (int i = 0; i < 1000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const NodeId s(static_cast<std::uint32_t>((x >> 33) % g->node_count()));
    const NodeId t(static_cast<std::uint32_t>((x >> 13) % g->node_count()));
    const auto path = q.path(s, t);
    if (path.empty()) continue;
    double sum = 0;
    for (ArcId a : path) sum += g->length(a).value();
    const RoutePolyline line = route_polyline(*g, path);
    // The OSMnx lengths follow the road geometry the CSV no longer has, so the straight
    // line between nodes is the polyline (SOURCES.md: median length ratio 1.002).
    const double ratio = line.length_m / sum;
    worst = std::max(worst, std::abs(1 - ratio));
    // Never longer than the road; much shorter only where the road curves (ramps): a
    // graph without shapes draws straight lines (4 of these 1,000 routes are under 80 %).
    if (ratio > 1.0 + 1e-3) ++off;
    ++checked;
  }
  CHECK(checked > 990);
  CHECK(off == 0);
  UNSCOPED_INFO("worst relative difference " << worst);
}
