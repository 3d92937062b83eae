// Tests for route/traffic/map_matching.hpp and gps.hpp: synthetic GPS traces over a drawn
// street grid must attribute their time to the streets actually driven.
#include <catch2/catch.hpp>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "test_data.hpp"

#include "dispatchkit/detail/hash.hpp"
#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "dispatchkit/route/traffic/gps.hpp"
#include "dispatchkit/route/traffic/map_matching.hpp"

using namespace dispatchkit;

namespace {
constexpr double kLat0 = 37.77, kLon0 = -122.42;
constexpr double kDegLat = 200.0 / 111195.0;  // 200 m north
const double kDegLon = 200.0 / (111195.0 * std::cos(kLat0 * 3.14159265358979 / 180.0));

// A 4 x 4 grid of two-way streets, blocks 200 m, free flow 10 s per block; node
// (r, c) = 4 r + c, external id 100 + node, row 0 at the south:
//
//   12 - 13 - 14 - 15
//   |    |    |    |
//   8 -- 9 -- 10 - 11
//   |    |    |    |
//   4 -- 5 -- 6 -- 7
//   |    |    |    |
//   0 -- 1 -- 2 -- 3        the cab drives 0 -> 1 -> 2 -> 3 -> 7 -> 11 at 10 m/s
RoadGraph grid() {
  RoadGraphBuilder b("grid");
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 4; ++c)
      b.add_node(100 + 4 * r + c, LatLon{kLat0 + r * kDegLat, kLon0 + c * kDegLon});
  auto street = [&](int u, int v) {
    b.add_arc(NodeId(u), NodeId(v), Deciseconds{100}, Meters{200});
    b.add_arc(NodeId(v), NodeId(u), Deciseconds{100}, Meters{200});
  };
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 4; ++c) {
      if (c < 3) street(4 * r + c, 4 * r + c + 1);
      if (r < 3) street(4 * r + c, 4 * r + c + 4);
    }
  return *std::move(b).build();
}

// The grid, its snapper and a matcher over it, where the matching tests start.
struct GridMatching {
  const RoadGraph graph = grid();
  const Snapper snapper = *Snapper::build(graph);
  MapMatcher matcher{snapper};
  const TimeSlicing week;
};

// Position `s` metres along the route 0 -> 3 -> 11, offset sideways by `noise` metres.
LatLon along(double s, double noise) {
  if (s <= 600) return {kLat0 + noise / 111195.0, kLon0 + s / 200.0 * kDegLon};
  return {kLat0 + (s - 600) / 200.0 * kDegLat, kLon0 + 3 * kDegLon + noise / 200.0 * kDegLon};
}
}  // namespace

TEST_CASE("fixes along a known route attribute time to that route", "[traffic][map_matching]") {
  GridMatching fixture;
  auto& [g, snapper, matcher, week] = fixture;
  // Monday 2008-05-19 08:00 PDT; a fix every 15 s at 10 m/s (150 m), sideways noise +-6 m.
  const std::int64_t t0 = 1211209200;
  std::vector<GpsFix> fixes;
  for (int i = 0; i * 150 <= 1000; ++i)
    fixes.push_back({t0 + 15 * i, along(i * 150.0, (i % 2 == 0 ? 6.0 : -6.0)), true});
  TrafficAccumulator samples;
  matcher.match_track(fixes, week, samples);
  const MapMatchStats& st = matcher.stats();
  CHECK(st.fixes == fixes.size());
  CHECK(st.fixes_without_candidate == 0);
  CHECK(st.steps_attributed == fixes.size() - 1);
  CHECK(st.steps_implausible == 0);
  auto profile = samples.build(g, week);
  REQUIRE(profile.ok());
  // Route arcs: 0->1, 1->2, 2->3, 3->7, 7->11. Only they are observed, each at about
  // 200 m / 10 m/s = 20 s (twice the 10 s free flow).
  std::set<std::uint32_t> route;
  const int nodes[] = {0, 1, 2, 3, 7, 11};
  for (int i = 0; i + 1 < 6; ++i)
    route.insert(g.find_arc(NodeId(nodes[i]), NodeId(nodes[i + 1]))->value());
  std::uint32_t observed = 0;
  for (std::uint32_t a = 0; a < g.arc_count(); ++a) {
    const auto cells = profile->cells(ArcId(a));
    if (cells.empty()) continue;
    ++observed;
    INFO("arc " << g.external_id(g.tail(ArcId(a))) << " -> " << g.external_id(g.head(ArcId(a))));
    CHECK(route.count(a) == 1);
    for (const TrafficCell& c : cells) {
      CHECK(c.travel_time_s == Approx(20.0).epsilon(0.15));
      CHECK(week.day_of_week(c.slice) == 0);
      CHECK(week.hour_of_day(c.slice) == 8);
    }
  }
  CHECK(observed == 5);
  // Route helper: from the first fix (at node 0) to the last (900 m along) is 900 m.
  std::vector<MatchCandidate> a, b;
  matcher.candidates(fixes.front().position, a);
  matcher.candidates(fixes.back().position, b);
  REQUIRE(!a.empty());
  REQUIRE(!b.empty());
  std::vector<CoveredArc> covered;
  const double len = matcher.route(a[0].position, b[0].position, 5000.0, &covered);
  CHECK(len == Approx(900.0).margin(15.0));
  double total = 0.0;
  for (const CoveredArc& c : covered) total += c.fraction * 200.0;
  CHECK(total == Approx(len).margin(1.0));
}

TEST_CASE("stationary, sparse and off-network fixes are not attributed",
          "[traffic][map_matching]") {
  GridMatching fixture;
  auto& [g, snapper, matcher, week] = fixture;
  const std::int64_t t0 = 1211209200;
  std::vector<GpsFix> fixes = {
      {t0, along(100, 0), false},
      {t0 + 60, along(110, 0), false},           // parked: moved 10 m
      {t0 + 300, along(400, 0), false},          // 4 minutes later: gap
      {t0 + 330, {kLat0 + 0.01, kLon0}, false},  // 1 km off the grid: no street
      {t0 + 340, along(1000, 0), false},         // 3.5 km/s from the last on-network fix? no: 10 s
  };
  TrafficAccumulator samples;
  matcher.match_track(fixes, week, samples);
  CHECK(matcher.stats().steps_stationary == 1);
  CHECK(matcher.stats().steps_gap == 1);
  CHECK(matcher.stats().fixes_without_candidate >= 1);
  CHECK(samples.size() == 0);
  // A physically impossible jump (600 m of road in 10 s = 216 km/h) is rejected.
  MapMatcher strict(snapper);
  std::vector<GpsFix> jump = {{t0, along(0, 0), true}, {t0 + 10, along(600, 0), true}};
  strict.match_track(jump, week, samples);
  CHECK(strict.stats().steps_implausible == 1);
  CHECK(samples.size() == 0);
}

TEST_CASE("GPS CSV: grouping, sorting and bad rows", "[traffic][gps]") {
  const std::string csv =
      "cab_id,unix_time_utc,lat,lon,occupied\n"
      "b,20,37.7,-122.4,1\n"
      "a,10,37.7,-122.4,0\n"
      "b,10,37.7,-122.4,0\n"
      "b,10,37.7,-122.4,0\n";
  auto t = parse_gps_tracks("g.csv", csv);
  REQUIRE(t.ok());
  REQUIRE(t->size() == 2);
  CHECK((*t)[0].vehicle == "b");
  REQUIRE((*t)[0].fixes.size() == 2);  // duplicate time dropped, sorted by time
  CHECK((*t)[0].fixes[0].unix_time == 10);
  CHECK((*t)[0].fixes[1].occupied);
  auto bad = parse_gps_tracks("g.csv", "cab_id,unix_time_utc,lat,lon\nx,1,95,0\n");
  CHECK(bad.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(bad.status().message()).find("g.csv:2") == 0);
  CHECK(parse_gps_tracks("g.csv", "id,time\n").status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("accumulated samples become medians or trimmed means", "[traffic][map_matching]") {
  const RoadGraph g = grid();
  const TimeSlicing week;
  const ArcId arc(3);
  auto fill = [&](TrafficAccumulator& acc) {
    for (float s : {1000.f, 10.f, 30.f, 1000.f, 20.f, 10.f, 1000.f, 30.f, 10.f, 1000.f})
      acc.add(arc, TimeSlice(7), s);
    acc.add(arc, TimeSlice(8), 12.f);
    for (float s : {40.f, 10.f, 30.f, 20.f}) acc.add(arc, TimeSlice(9), s);
  };
  TrafficAccumulator a, b;
  fill(a);
  fill(b);
  auto median = a.build(g, week, 2, TrafficAccumulator::Statistic::kMedian);
  REQUIRE(median.ok());
  CHECK(median->cell_count() == 2);  // slice 8 has one sample < min_samples
  CHECK(median->find(arc, TimeSlice(7))->travel_time_s == 30.0f);
  // The library's one median (nearest rank): of an even count, the lower middle value.
  CHECK(median->find(arc, TimeSlice(9))->travel_time_s == 20.0f);
  CHECK(median->find(arc, TimeSlice(7))->samples == 10);
  // 20% trimmed: drop 2 fastest and 2 slowest -> {10, 20, 30, 30, 1000, 1000}.
  auto mean = b.build(g, week);  // the default: trimmed mean
  REQUIRE(mean.ok());
  CHECK(mean->find(arc, TimeSlice(7))->travel_time_s == Approx(2090.0 / 6));
  CHECK(mean->find(arc, TimeSlice(8))->travel_time_s == 12.0f);
}

TEST_CASE("synthetic traces along real SF routes are matched to those routes",
          "[traffic][map_matching]") {
  // Bundled San Francisco main-road network (data/sf). For seeded random node pairs, drive
  // the free-flow shortest path at 1.5 x free-flow time, take a fix every 20 s with
  // deterministic +-5 m noise, and check that the samples land on the route's arcs with
  // the right congestion ratio.
  auto g = load_graph(dk_test::bundled("sf/sf_osm_edges.csv.xz"));
  REQUIRE(g.ok());
  auto snapper = Snapper::build(*g);
  REQUIRE(snapper.ok());
  const TimeSlicing week;
  Dijkstra dijkstra(*g);
  std::uint64_t on_route = 0, off_route = 0, routes = 0;
  std::vector<double> ratios;
  for (std::uint64_t seed = 1; routes < 40 && seed < 400; ++seed) {
    const NodeId s(static_cast<std::uint32_t>(detail::splitmix64(seed) % g->node_count()));
    const NodeId t(static_cast<std::uint32_t>(detail::splitmix64(seed + 1000) % g->node_count()));
    if (dijkstra.distance(s, t).seconds() < 240.0) continue;  // want routes of 4+ minutes
    const std::vector<ArcId> path = dijkstra.path_to(t);
    ++routes;
    std::set<std::uint32_t> route;
    for (ArcId a : path) route.insert(a.value());
    // Fixes every 20 s of driving at 1.5 x free flow.
    std::vector<GpsFix> fixes;
    const std::int64_t t0 = 1211209200;  // Monday 08:00 PDT
    double clock = 0.0, next_fix = 0.0;
    int k = 0;
    for (ArcId a : path) {
      const double dur = 1.5 * g->travel_time(a).seconds();
      const LatLon u = g->coordinate(g->tail(a)), v = g->coordinate(g->head(a));
      while (next_fix <= clock + dur) {
        const double f = dur > 0 ? (next_fix - clock) / dur : 0.0;
        const double noise = (k++ % 2 == 0 ? 5.0 : -5.0) / 111195.0;
        fixes.push_back({t0 + static_cast<std::int64_t>(std::lround(next_fix)),
                         {u.lat + f * (v.lat - u.lat) + noise, u.lon + f * (v.lon - u.lon)},
                         true});
        next_fix += 20.0;
      }
      clock += dur;
    }
    MapMatcher matcher(*snapper);
    TrafficAccumulator acc;
    matcher.match_track(fixes, week, acc);
    auto p = acc.build(*g, week);
    REQUIRE(p.ok());
    for (std::uint32_t a = 0; a < g->arc_count(); ++a)
      for (const TrafficCell& c : p->cells(ArcId(a))) {
        (route.count(a) ? on_route : off_route) += c.samples;
        if (route.count(a)) ratios.push_back(c.travel_time_s / g->travel_time(ArcId(a)).seconds());
      }
  }
  REQUIRE(routes == 40);
  INFO("samples on route " << on_route << ", off route " << off_route);
  CHECK(on_route > 500);
  CHECK(off_route * 10 < on_route);  // over 90% of the samples on the driven route
  std::nth_element(ratios.begin(), ratios.begin() + ratios.size() / 2, ratios.end());
  CHECK(ratios[ratios.size() / 2] == Approx(1.5).epsilon(0.1));
}
