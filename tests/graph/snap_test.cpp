// Tests for graph/snap.hpp: hand-checked points on a small drawn map, a brute-force
// cross-check and the San Francisco fire stations and calls on the bundled city.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/graph/snap.hpp"
#include "dispatchkit/io/csv.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "test_data.hpp"

using namespace dispatchkit;

namespace {

// A point x metres east and y metres north of (37.77, -122.42), in San Francisco.
LatLon at(double x, double y) {
  constexpr double kLat0 = 37.77, kLon0 = -122.42;
  constexpr double kMPerDeg = 6371008.8 * 3.14159265358979323846 / 180.0;
  return LatLon{kLat0 + y / kMPerDeg,
                kLon0 + x / (kMPerDeg * std::cos(kLat0 * 3.14159265358979323846 / 180.0))};
}

// A drawn map, coordinates in metres (x east, y north), ids 0..4:
//
//   3 (0,200) ---one-way 3 -> 2---> 2 (200,200)
//   |                               |
//   two-way                         one-way 2 -> 1 (southbound)
//   |                               v
//   0 (0,0) ------two-way---------- 1 (200,0) ------two-way------ 4 (400,0)  (dead end)
//
// Travel times: 0-1 200 ds, 1-4 200 ds, 0-3 200 ds, 3->2 200 ds, 2->1 200 ds.
RoadGraph drawn_map() {
  RoadGraphBuilder b("drawn-map");
  b.add_node(100, at(0, 0));
  b.add_node(101, at(200, 0));
  b.add_node(102, at(200, 200));
  b.add_node(103, at(0, 200));
  b.add_node(104, at(400, 0));
  auto two_way = [&](std::uint32_t u, std::uint32_t v) {
    b.add_arc(NodeId(u), NodeId(v), Deciseconds{200}, Meters{200});
    b.add_arc(NodeId(v), NodeId(u), Deciseconds{200}, Meters{200});
  };
  two_way(0, 1);
  two_way(1, 4);
  two_way(0, 3);
  b.add_arc(NodeId(3), NodeId(2), Deciseconds{200}, Meters{200});
  b.add_arc(NodeId(2), NodeId(1), Deciseconds{200}, Meters{200});
  return *std::move(b).build();
}

ArcId arc(const RoadGraph& g, std::uint32_t u, std::uint32_t v) {
  const auto a = g.find_arc(NodeId(u), NodeId(v));
  REQUIRE(a.has_value());
  return *a;
}

// Nearest street by examining every arc: the oracle for the R-tree search.
struct BruteForce {
  double distance_m = std::numeric_limits<double>::infinity();
  ArcId arc;
};
std::vector<BruteForce> brute_force_nearest(const RoadGraph& g, LatLon p, std::size_t k) {
  std::vector<BruteForce> all;
  for (std::uint32_t a = 0; a < g.arc_count(); ++a) {
    const ArcId id(a);
    const auto rev = g.find_arc(g.head(id), g.tail(id));
    if (rev && *rev < id) continue;  // one entry per two-way street, its smaller arc id
    all.push_back({detail::project_on_segment(p, g.coordinate(g.tail(id)), g.coordinate(g.head(id)))
                       .distance_m,
                   id});
  }
  std::sort(all.begin(), all.end(), [](const BruteForce& a, const BruteForce& b) {
    return a.distance_m != b.distance_m ? a.distance_m < b.distance_m : a.arc < b.arc;
  });
  all.resize(std::min(k, all.size()));
  return all;
}

// The smaller of a street's arc ids: how brute_force_nearest names a street.
ArcId street_id(const RoadPosition& p) {
  return p.reverse_arc().valid() ? std::min(p.arc(), p.reverse_arc()) : p.arc();
}

}  // namespace

TEST_CASE("a point beside a two-way street snaps to its middle", "[graph][snap]") {
  const RoadGraph g = drawn_map();
  const absl::StatusOr<Snapper> snapper = Snapper::build(g);
  REQUIRE(snapper.ok());
  CHECK(snapper->segment_count() == 5);  // two-way streets indexed once
  // 30 m south of the middle of street 0-1.
  const absl::StatusOr<SnapResult> s = snapper->snap(at(100, -30));
  REQUIRE(s.ok());
  CHECK(s->position.arc() == arc(g, 0, 1));
  CHECK(s->position.reverse_arc() == arc(g, 1, 0));
  CHECK(s->position.fraction() == Approx(0.5).margin(1e-4));
  CHECK(s->distance.value() == Approx(30.0).margin(0.05));
  CHECK(haversine(s->snapped_point, at(100, 0)).value() < 0.05);
  // Routing from it: half of 0-1 (100 ds) then 1-4 (200 ds).
  Dijkstra d(g);
  CHECK(d.distance(s->position, RoadPosition::at_node(NodeId(4))) == Deciseconds{300});
  // 1 m south of corner 1, three streets are 1 m away; any of them puts the point at 1.
  const absl::StatusOr<SnapResult> corner = snapper->snap(at(200, -1));
  REQUIRE(corner.ok());
  CHECK(corner->distance.value() == Approx(1.0).margin(0.01));
  CHECK(haversine(corner->snapped_point, g.coordinate(NodeId(1))).value() < 0.01);
}

namespace {

// Snaps `p` on the drawn map `g` and checks where it lands: on `forward`, `fraction` along it,
// with `reverse` as the opposite arc (invalid on a one-way street), `metres` from `p`. The
// hand-checked cases differ only in these figures.
SnapResult check_snap(const RoadGraph& g, LatLon p, ArcId forward, ArcId reverse, Approx fraction,
                      double metres) {
  const Snapper snapper = *Snapper::build(g);
  const absl::StatusOr<SnapResult> s = snapper.snap(p);
  REQUIRE(s.ok());
  CHECK(s->position.arc() == forward);
  CHECK(s->position.reverse_arc() == reverse);
  CHECK(s->position.fraction() == fraction);
  CHECK(s->distance.value() == Approx(metres).margin(0.05));
  return *s;
}

}  // namespace

TEST_CASE("a point beyond a dead end snaps to the end of the street", "[graph][snap]") {
  const RoadGraph g = drawn_map();
  const SnapResult s =
      check_snap(g, at(450, 10), arc(g, 1, 4), arc(g, 4, 1), Approx(1.0), std::hypot(50.0, 10.0));
  CHECK(haversine(s.snapped_point, at(400, 0)).value() < 0.05);
}

TEST_CASE("a point on a one-way street keeps its direction", "[graph][snap]") {
  const RoadGraph g = drawn_map();
  // 30 m east of the southbound one-way 2 -> 1, 120 m north of node 1: 40% from node 2.
  const SnapResult s =
      check_snap(g, at(230, 120), arc(g, 2, 1), ArcId::invalid(), Approx(0.4).margin(1e-4), 30.0);
  // The one-way street is respected: from node 1 to the point means going round the block.
  Dijkstra d(g);
  CHECK(d.distance(RoadPosition::at_node(NodeId(2)), s.position) == Deciseconds{80});
  CHECK(d.distance(RoadPosition::at_node(NodeId(1)), s.position) == Deciseconds{680});
}

TEST_CASE("invalid and far-away points are errors", "[graph][snap]") {
  const RoadGraph g = drawn_map();
  const Snapper snapper = *Snapper::build(g);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto bad = snapper.snap(LatLon{nan, -122.42});
  CHECK(bad.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(bad.status().message()), Catch::Contains("nan"));
  const auto out_of_range = snapper.snap(LatLon{37.77, -200.5});
  CHECK(out_of_range.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(out_of_range.status().message()), Catch::Contains("-200.5"));
  CHECK(snapper.snap_candidates(LatLon{91.0, 0.0}, 3).status().code() ==
        absl::StatusCode::kInvalidArgument);
  // 5 km north of the map: NotFound, and the message says how far the nearest street is.
  const auto far = snapper.snap(at(0, 5200));
  CHECK(far.status().code() == absl::StatusCode::kNotFound);
  CHECK_THAT(std::string(far.status().message()), Catch::Contains("5000 m away"));
  // The same point with a larger limit snaps to street 0-3's end at 3.
  SnapOptions wide;
  wide.max_distance = Meters{10000};
  const auto snapped = snapper.snap(at(0, 5200), wide);
  REQUIRE(snapped.ok());
  CHECK(snapped->distance.value() == Approx(5000).margin(1));
  // The limit is a hard bound: 30 m from a street with a 20 m limit is not snapped.
  SnapOptions tight;
  tight.max_distance = Meters{20};
  CHECK(snapper.snap(at(100, -30), tight).status().code() == absl::StatusCode::kNotFound);
  tight.max_distance = Meters{40};
  CHECK(snapper.snap(at(100, -30), tight).ok());
  // A graph without coordinates cannot be snapped on.
  RoadGraphBuilder b("no-coordinates");
  b.add_nodes(2);
  b.add_arc(NodeId(0), NodeId(1), Deciseconds{10}, Meters{10});
  const RoadGraph plain = *std::move(b).build();
  CHECK(Snapper::build(plain).status().code() == absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("candidates are the nearest distinct streets, nearest first", "[graph][snap]") {
  const RoadGraph g = drawn_map();
  const Snapper snapper = *Snapper::build(g);
  // Inside the block at (60, 90): street 0-3 at 60 m, 0-1 at 90 m, 3->2 at 110 m,
  // 2->1 at 140 m, 1-4 at hypot(140, 90) = 166.4 m.
  const auto three = snapper.snap_candidates(at(60, 90), 3);
  REQUIRE(three.ok());
  REQUIRE(three->size() == 3);
  CHECK((*three)[0].position.arc() == arc(g, 0, 3));
  CHECK((*three)[1].position.arc() == arc(g, 0, 1));
  CHECK((*three)[2].position.arc() == arc(g, 3, 2));
  CHECK((*three)[0].distance.value() == Approx(60).margin(0.05));
  CHECK((*three)[1].distance.value() == Approx(90).margin(0.05));
  CHECK((*three)[2].distance.value() == Approx(110).margin(0.05));
  const auto all = snapper.snap_candidates(at(60, 90), 10);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 5);
  CHECK((*all)[4].position.arc() == arc(g, 1, 4));
  CHECK((*all)[4].distance.value() == Approx(std::hypot(140.0, 90.0)).margin(0.05));
  // A limit cuts the list short rather than failing.
  SnapOptions near;
  near.max_distance = Meters{100};
  CHECK(snapper.snap_candidates(at(60, 90), 10, near)->size() == 2);
  near.max_distance = Meters{10};
  CHECK(snapper.snap_candidates(at(60, 90), 10, near)->empty());
  CHECK(snapper.snap_candidates(at(60, 90), 0)->empty());
}

TEST_CASE("snapping agrees with a brute-force search", "[graph][snap]") {
  // A seeded random map: 400 nodes scattered over 6 x 6 km, 1,200 random streets.
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> coord(0, 6000);
  std::uniform_int_distribution<std::uint32_t> node(0, 399);
  RoadGraphBuilder b("random-map");
  for (std::uint32_t v = 0; v < 400; ++v) b.add_node(v, at(coord(rng), coord(rng)));
  for (int i = 0; i < 1200; ++i) {
    const NodeId u(node(rng)), v(node(rng));
    b.add_arc(u, v, Deciseconds{100}, Meters{100});
    if (i % 3 != 0) b.add_arc(v, u, Deciseconds{100}, Meters{100});
  }
  const RoadGraph g = *std::move(b).build();
  const Snapper snapper = *Snapper::build(g);
  SnapOptions unlimited;
  unlimited.max_distance = Meters{std::numeric_limits<double>::infinity()};
  std::uniform_real_distribution<double> query(-3000, 9000);  // inside and far outside
  for (int i = 0; i < 500; ++i) {
    const LatLon p = at(query(rng), query(rng));
    const std::vector<BruteForce> expected = brute_force_nearest(g, p, 4);
    const auto s = snapper.snap(p, unlimited);
    REQUIRE(s.ok());
    INFO("query " << i);
    CHECK(s->distance.value() == expected[0].distance_m);
    CHECK(street_id(s->position) == expected[0].arc);
    const auto c = snapper.snap_candidates(p, 4, unlimited);
    REQUIRE(c.ok());
    REQUIRE(c->size() == 4);
    for (std::size_t j = 0; j < 4; ++j) {
      CHECK((*c)[j].distance.value() == expected[j].distance_m);
      CHECK(street_id((*c)[j].position) == expected[j].arc);
    }
    // With the default 1 km limit: the same answer, or NotFound beyond it.
    const auto limited = snapper.snap(p);
    if (expected[0].distance_m <= 1000) {
      REQUIRE(limited.ok());
      CHECK(limited->position == s->position);
    } else {
      CHECK(limited.status().code() == absl::StatusCode::kNotFound);
    }
  }
}

TEST_CASE("San Francisco fire stations and calls snap onto the bundled city", "[graph][snap]") {
  const absl::StatusOr<RoadGraph> g = load_graph(dk_test::bundled("sf/sf_osm_edges.csv.xz"));
  REQUIRE(g.ok());
  const absl::StatusOr<Snapper> snapper = Snapper::build(*g);
  REQUIRE(snapper.ok());

  // The 42 stations, each within a few hundred metres of an arterial.
  const std::string stations_path = dk_test::bundled("sf/sf_fire_stations.csv");
  constexpr CsvColumn kStation[] = {{"latitude"}, {"longitude"}};
  absl::StatusOr<CsvReader> stations = CsvReader::open_file(stations_path, kStation);
  REQUIRE(stations.ok());
  int count = 0;
  double worst = 0;
  while (stations->next()) {
    LatLon p;
    REQUIRE(stations->parse(0, "a latitude", p.lat).ok());
    REQUIRE(stations->parse(1, "a longitude", p.lon).ok());
    const auto s = snapper->snap(p);
    INFO(stations->where());
    REQUIRE(s.ok());
    CHECK(s->distance.value() < 600);
    // The snapped point is where the search says: the distance is to snapped_point.
    CHECK(haversine(p, s->snapped_point).value() == Approx(s->distance.value()).epsilon(0.01));
    worst = std::max(worst, s->distance.value());
    ++count;
  }
  REQUIRE(stations->status().ok());
  CHECK(count == 42);
  WARN("farthest fire station from a street: " << worst << " m");

  // Every call of the bundled week (SFO airport included: the cut reaches that far south)
  // lies within the default 1 km of a street.
  const auto calls_dir = std::filesystem::path(dk_test::bundled("sf"));
  std::string calls_path;
  for (const auto& entry : std::filesystem::directory_iterator(calls_dir))
    if (entry.path().filename().string().starts_with("sf_fire_calls_")) calls_path = entry.path();
  REQUIRE_FALSE(calls_path.empty());
  constexpr CsvColumn kCall[] = {{"Location"}};
  absl::StatusOr<CsvReader> calls = CsvReader::open_file(calls_path, kCall);
  REQUIRE(calls.ok());
  int snapped = 0, rows = 0;
  while (calls->next()) {
    // "(37.77, -122.41)"
    std::string_view loc = calls->field(0);
    if (loc.size() < 5 || loc.front() != '(' || loc.back() != ')') continue;
    loc = loc.substr(1, loc.size() - 2);
    const auto comma = loc.find(',');
    LatLon p;
    if (comma == std::string_view::npos || !parse_number(loc.substr(0, comma), p.lat) ||
        !parse_number(loc.substr(comma + 1), p.lon))
      continue;
    ++rows;
    const auto s = snapper->snap(p);
    if (s.ok()) ++snapped;
  }
  REQUIRE(calls->status().ok());
  CHECK(rows > 1000);
  CHECK(snapped == rows);
}

TEST_CASE("concurrent queries on one Snapper agree", "[graph][snap]") {
  const RoadGraph g = drawn_map();
  const Snapper snapper = *Snapper::build(g);
  std::vector<LatLon> points;
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> coord(-100, 500);
  for (int i = 0; i < 2000; ++i) points.push_back(at(coord(rng), coord(rng)));
  std::vector<RoadPosition> expected;
  for (const LatLon& p : points) expected.push_back(snapper.snap(p)->position);
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = 0; i < points.size(); ++i)
        if (snapper.snap(points[i])->position != expected[i]) ++mismatches[t];
    });
  }
  for (auto& th : threads) th.join();
  CHECK(mismatches == std::vector<int>(4, 0));
}
