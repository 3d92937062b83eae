// Coverage on the bundled San Francisco network checked against one Dijkstra per station,
// the shares against a plain count, isochrones against the same labels, and the demand and
// site readers' errors.
#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/plan.hpp"
#include "dispatchkit/route/ch.hpp"
#include "dispatchkit/sim/io/call_files.hpp"
#include "dispatchkit/sim/io/fleet_csv.hpp"
#include "dispatchkit/sim/io/sites_csv.hpp"
#include "test_data.hpp"

using namespace dispatchkit;

namespace {

struct SfCity {
  RoadGraph graph;
  std::optional<Snapper> snapper;
  ContractionHierarchy ch;
  std::vector<Site> stations;
  std::vector<RoadPosition> at;
  PlacedDemand calls;
};

const SfCity& sf() {
  static const SfCity* city = [] {
    auto* c = new SfCity;
    GraphLoadOptions o;
    o.keep_largest_scc = true;
    c->graph = *load_graph(dk_test::bundled("sf/sf_osm_edges.csv.xz"), o);
    c->snapper.emplace(*Snapper::build(c->graph));
    c->ch = *ContractionHierarchy::build(c->graph);
    c->stations = *load_sites(dk_test::bundled("sf/sf_fire_stations.csv"));
    c->at = *place_sites(c->stations, *c->snapper);
    RecordedCallsOptions opt;
    opt.zone = *TimeZone::load("America/Los_Angeles");
    absl::StatusOr<Demand> d =
        load_demand(dk_test::bundled("sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz"), opt);
    c->calls = *place_demand(*d, *c->snapper);
    return c;
  }();
  return *city;
}

}  // namespace

TEST_CASE("coverage: CH many-to-many equals one Dijkstra per station on SF", "[plan]") {
  const SfCity& c = sf();
  REQUIRE(c.stations.size() == 42);
  REQUIRE(c.calls.size() > 3000);
  const SiteMatrix fast = site_times(c.ch, c.graph, c.at, c.calls.positions);
  const SiteMatrix slow = site_times_dijkstra(c.graph, c.graph.weights(), c.at, c.calls.positions);
  REQUIRE(fast.values.size() == slow.values.size());
  std::size_t differ = 0;
  for (std::size_t i = 0; i < fast.values.size(); ++i) differ += fast.values[i] != slow.values[i];
  CHECK(fast.values.size() > 140'000);  // 42 stations x 3,560 calls
  CHECK(differ == 0);

  // Normal driving and a turnout apply on top, as the travel-mode model says.
  const SiteMatrix normal = site_times(c.ch, c.graph, c.at, c.calls.positions,
                                       {.mode = TravelMode::kNormal, .turnout = Deciseconds{600}});
  for (std::size_t i = 0; i < 200; ++i)
    CHECK(normal.values[i] ==
          add_weights(weight_in_mode(slow.values[i], TravelMode::kNormal, {}), 600));
}

TEST_CASE("coverage: best two and the shares, counted plainly", "[plan]") {
  const SfCity& c = sf();
  const SiteMatrix t = site_times(c.ch, c.graph, c.at, c.calls.positions);
  const std::vector<PointCoverage> best = best_two(t);
  const SiteMatrix km = site_road_distances(c.graph, c.at, c.calls.positions);
  const std::array minutes{2.0, 4.0, 8.0};
  const std::array radius{1000.0, 3000.0};
  const CoverageSummary s = summarize_coverage(c.calls, best, minutes, &km, radius);
  std::vector<double> within(minutes.size()), twice(minutes.size()), in_km(radius.size());
  double total = 0;
  for (std::uint32_t i = 0; i < t.points; ++i) {
    std::vector<Weight> col;
    for (std::uint32_t st = 0; st < t.sites; ++st) col.push_back(t.at(st, i));
    std::sort(col.begin(), col.end());
    CHECK(best[i].best == col[0]);
    CHECK(best[i].second == col[1]);
    CHECK(t.at(best[i].best_site, i) == col[0]);
    Weight nearest = kInfWeight;
    for (std::uint32_t st = 0; st < t.sites; ++st) nearest = std::min(nearest, km.at(st, i));
    const double w = c.calls.weights[i];
    total += w;
    for (std::size_t k = 0; k < minutes.size(); ++k) {
      within[k] += col[0] <= minutes[k] * 600 ? w : 0;
      twice[k] += col[1] <= minutes[k] * 600 ? w : 0;
    }
    for (std::size_t k = 0; k < radius.size(); ++k) in_km[k] += nearest <= radius[k] * 10 ? w : 0;
  }
  for (std::size_t k = 0; k < minutes.size(); ++k) {
    CHECK(s.overall.within[k] == Approx(within[k] / total));
    CHECK(s.overall.within_twice[k] == Approx(twice[k] / total));
    CHECK(s.overall.within_twice[k] <= s.overall.within[k]);
  }
  for (std::size_t k = 0; k < radius.size(); ++k)
    CHECK(s.overall.within_km[k] == Approx(in_km[k] / total));
  // 2 min is a real cut on SF (not everything, not nothing), so the shares can fail.
  CHECK(s.overall.within[0] > 0.3);
  CHECK(s.overall.within[0] < 0.95);
  // Districts: the SF export's neighbourhoods; their weights add up to the whole.
  REQUIRE(s.by_district.size() > 30);
  double districts = 0;
  for (const CoverageShares& d : s.by_district) districts += d.weight;
  CHECK(districts == Approx(s.overall.weight));
  // Per-site tallies hold every site when told how many there are.
  const CoverageSummary wide = summarize_coverage(c.calls, best, minutes, nullptr, {}, 50);
  CHECK(wide.points_per_site.size() == 50);
  CHECK(wide.weight_per_site[49] == 0);
  // Every placed point has a nearest station.
  std::uint32_t served = 0;
  for (std::uint32_t n : s.points_per_site) served += n;
  CHECK(served == c.calls.size());
  // A road distance is never shorter than the straight line between the snapped ends,
  // less the snapping: check it is at least the straight line minus 2 km for sanity, and
  // for the nearest pairs that it is within the same order.
  for (std::uint32_t i = 0; i < 200; ++i) {
    const LatLon a = c.stations[0].location, b = c.calls.locations[i];
    CHECK(static_cast<double>(km.at(0, i)) / 10.0 >= haversine(a, b).value() - 2000.0);
  }
}

TEST_CASE("coverage: per-arc reach agrees with the nearest station's time", "[plan]") {
  const SfCity& c = sf();
  const std::array minutes{2.0, 4.0};
  const std::vector<Reach> r = reach_within(c.graph, c.at, minutes);
  REQUIRE(r.size() == 2);
  CHECK(!r[0].segments.empty());
  CHECK(r[0].arc_km < r[1].arc_km);
  // Each arc whose tail is within 2 min of a station (one multi-source Dijkstra) has a
  // segment starting at the tail; no other tail appears.
  std::vector<SearchSeed> seeds;
  for (const RoadPosition& p : c.at) {
    const SeedSet s = source_seeds(c.graph, c.graph.weights(), p);
    for (const SearchSeed& seed : s.view()) seeds.push_back(seed);
  }
  Dijkstra d(c.graph);
  d.run(seeds, Dijkstra::Direction::kForward, NodeId::invalid());
  std::size_t expected = 0;
  for (std::uint32_t a = 0; a < c.graph.arc_count(); ++a)
    expected += d.distance_to(c.graph.tail(ArcId(a))).count() <= 1200 ? 1 : 0;
  CHECK(r[0].segments.size() == expected);
  // Normal driving with a turnout: the lights-and-sirens reach of (T - turnout) / (4/3).
  const std::array eight{8.0};
  const std::array same{(8.0 * 60 - 60) / 60 / (4.0 / 3)};
  const std::vector<Reach> normal = reach_within(
      c.graph, c.at, eight, {.mode = TravelMode::kNormal, .turnout = Deciseconds{600}});
  const std::vector<Reach> ls = reach_within(c.graph, c.at, same);
  CHECK(normal[0].segments.size() == ls[0].segments.size());
  CHECK(normal[0].arc_km == Approx(ls[0].arc_km));
}

TEST_CASE("demand: grid CSV, record and nodes; errors name the line", "[plan]") {
  const SfCity& c = sf();
  absl::StatusOr<Demand> g =
      parse_demand_csv("grid.csv",
                       "lat,lon,weight,district\n37.77,-122.42,120,Mission\n37.78,-122.41,0,\n"
                       "37.0,-121.0,50,Far away\n");
  REQUIRE(g.ok());
  CHECK(g->points.size() == 3);
  CHECK(g->total_weight() == 170);
  CHECK(g->districts.size() == 3);
  absl::StatusOr<PlacedDemand> p = place_demand(*g, *c.snapper);
  REQUIRE(p.ok());
  CHECK(p->size() == 2);  // the far-away cell is off the network, counted, not dropped
  CHECK(p->off_network.points == 1);
  CHECK(p->off_network.weight == 50);
  CHECK(is_demand_grid_text("Lat,Lon\n1,2\n"));
  CHECK(!is_demand_grid_text("call_id,received,latitude,longitude,priority\n"));

  absl::StatusOr<Demand> bad =
      parse_demand_csv("grid.csv", "lat,lon,weight\n37.7,-122.4,1\n37.7,x,1\n");
  REQUIRE(!bad.ok());
  CHECK(bad.status().message().find("grid.csv:3") != std::string_view::npos);
  bad = parse_demand_csv("grid.csv", "lat,lon,weight\n37.7,-122.4,-1\n");
  CHECK(bad.status().message().find("weight") != std::string_view::npos);
  bad = parse_demand_csv("empty.csv", "lat,lon\n");
  CHECK(bad.status().message().find("no demand points") != std::string_view::npos);
  bad = parse_demand_csv("zero.csv", "lat,lon,weight\n37.7,-122.4,0\n");
  CHECK(bad.status().message().find("sum to 0") != std::string_view::npos);
  // All of it off the network: an error, not an empty coverage.
  absl::StatusOr<Demand> sea = parse_demand_csv("sea.csv", "lat,lon\n36.0,-124.0\n");
  REQUIRE(sea.ok());
  CHECK(!place_demand(*sea, *c.snapper).ok());

  const Demand nodes = demand_from_nodes(c.graph);
  CHECK(nodes.points.size() == c.graph.node_count());  // the SF CSV graph has no turn states

  // A site off the network is named.
  std::vector<Site> off = {Site{.name = "Farallon", .location = {37.70, -123.00}}};
  absl::StatusOr<std::vector<RoadPosition>> at = place_sites(off, *c.snapper);
  REQUIRE(!at.ok());
  CHECK(at.status().message().find("'Farallon'") != std::string_view::npos);
}

TEST_CASE("plan files: sites.csv reads back as a sites file", "[plan]") {
  const SfCity& c = sf();
  std::vector<Site> layout = c.stations;
  layout.push_back(Site{.name = "New, \"A\"", .location = {37.75, -122.45}});
  absl::StatusOr<std::vector<Site>> back = parse_sites("sites.csv", sites_csv(layout));
  REQUIRE(back.ok());
  REQUIRE(back->size() == layout.size());
  CHECK(back->back().name == "New, \"A\"");
  CHECK(std::abs(back->front().location.lat - layout.front().location.lat) < 1e-7);
  // A fleet file names a planned site by its exact name before any station number: "12"
  // is the site named 12, not Fire Station #12; quoted names are unquoted.
  std::vector<Site> named = c.stations;
  named.push_back(Site{.name = "12", .location = {37.75, -122.45}});
  named.push_back(Site{.name = "Lot \"B\"", .location = {37.76, -122.44}});
  absl::StatusOr<std::vector<ReplayUnit>> units =
      parse_fleet_file("units.csv",
                       "call_sign,station,capabilities\nP1,12,als&bls&transport\nP2,\"Lot "
                       "\"\"B\"\"\",bls&transport\n"
                       "P3,15,bls&transport\n",
                       named);
  REQUIRE(units.ok());
  CHECK((*units)[0].station == named.size() - 2);
  CHECK((*units)[1].station == named.size() - 1);
  CHECK(named[(*units)[2].station].number == 15);
  // Grid candidates lie on streets and are unique.
  const std::vector<Site> grid = grid_candidates(*c.snapper, Meters{500}, c.calls.locations);
  CHECK(grid.size() > 300);
  CHECK(place_sites(grid, *c.snapper).ok());
}
