// OpenStreetMap import: formats, turn restrictions, errors, and the fast searches against
// the reference Dijkstra on imported cities (graph/osm/import.hpp).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "dispatchkit/graph/osm.hpp"
#include "dispatchkit/route/cch.hpp"
#include "dispatchkit/route/ch.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "dispatchkit/route/polyline.hpp"
#include "test_data.hpp"

using namespace dispatchkit;

namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("dk_osm_" + name);
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

absl::StatusOr<OsmImport> import_with(const std::string& path, const std::string& profile,
                                      bool all_components = false) {
  OsmLoadOptions o;
  o.profile = profile;
  o.keep_all_components = all_components;
  return import_osm(path, o);
}

// The road nodes (OSM ids) a path passes, in order.
std::vector<std::int64_t> node_sequence(const RoadGraph& g, const std::vector<ArcId>& path) {
  std::vector<std::int64_t> out;
  for (ArcId a : path) {
    if (out.empty()) out.push_back(g.external_id(g.tail(a)));
    out.push_back(g.external_id(g.head(a)));
  }
  return out;
}

bool contains_run(const std::vector<std::int64_t>& seq, const std::vector<std::int64_t>& run) {
  if (run.size() > seq.size()) return false;
  for (std::size_t i = 0; i + run.size() <= seq.size(); ++i)
    if (std::equal(run.begin(), run.end(), seq.begin() + static_cast<std::ptrdiff_t>(i)))
      return true;
  return false;
}

RoadPosition random_position(const RoadGraph& g, std::mt19937_64& rng) {
  // Half at nodes (road nodes only: users never name a state), half mid-street on road arcs.
  if (rng() % 2 == 0) {
    NodeId n;
    do n = NodeId(static_cast<std::uint32_t>(rng() % g.node_count()));
    while (g.is_turn_state(n));
    return RoadPosition::at_node(n);
  }
  ArcId a;
  do a = ArcId(static_cast<std::uint32_t>(rng() % g.arc_count()));
  while (g.is_turn_state(g.tail(a)));
  const auto rev = g.find_road_arc(g.road_node(g.head(a)), g.tail(a));
  const float f = static_cast<float>(rng() % 1000) / 1000.0f;
  return RoadPosition::on_arc(a, f, rev.value_or(ArcId::invalid()));
}

// CH, CCH and Dijkstra agree on `pairs` random position pairs, and no Dijkstra or CH route
// drives a forbidden turn.
void cross_check(const OsmImport& city, int pairs, std::uint64_t seed) {
  const RoadGraph& g = city.graph;
  auto ch = ContractionHierarchy::build(g);
  REQUIRE(ch.ok());
  auto order = cch_order_metis(g);
  REQUIRE(order.ok());
  auto topo = CchTopology::build(g, *order);
  REQUIRE(topo.ok());
  auto metric = CchMetric::customize(*topo, g.weights());
  REQUIRE(metric.ok());
  Dijkstra dijkstra(g);
  ChQuery chq(*ch, g);
  CchQuery cchq(*metric, g);
  std::mt19937_64 rng(seed);
  int mismatches = 0, forbidden_driven = 0, reachable = 0;
  std::vector<ArcId> path;
  for (int i = 0; i < pairs; ++i) {
    const RoadPosition s = random_position(g, rng), t = random_position(g, rng);
    const Deciseconds ref = dijkstra.distance(s, t);
    const Deciseconds via_ch = chq.distance(s, t);
    const Deciseconds via_cch = cchq.distance(s, t);
    if (ref != via_ch || ref != via_cch) {
      if (++mismatches <= 5)
        UNSCOPED_INFO("pair " << i << ": dijkstra " << ref.count() << " ch " << via_ch.count()
                              << " cch " << via_cch.count());
    }
    if (ref.is_infinite()) continue;
    ++reachable;
    if (i % 10 != 0 || city.forbidden_turns.empty()) continue;
    chq.path_into(s, t, path);
    const auto seq = node_sequence(g, path);
    for (const ForbiddenTurn& f : city.forbidden_turns)
      if (contains_run(seq, f.nodes)) ++forbidden_driven;
  }
  CHECK(mismatches == 0);
  CHECK(forbidden_driven == 0);
  CHECK(reachable == pairs);  // the largest component: everything reaches everything

  // Many-to-one, what the oracles ask per incident: with turn states a target has one seed
  // per state of its intersection, more than a street's two.
  constexpr std::uint32_t kUnits = 16;
  CchManyToOne cch_fleet(*metric, g);
  ChManyToOne ch_fleet(*ch, g);
  std::vector<RoadPosition> units;
  for (std::uint32_t k = 0; k < kUnits; ++k) {
    units.push_back(random_position(g, rng));
    cch_fleet.set_source(k, units[k]);
    ch_fleet.set_source(k, units[k]);
  }
  // ... and one-to-many, the same places as fixed targets.
  CchOneToMany cch_sites(*metric, g);
  ChOneToMany ch_sites(*ch, g);
  for (std::uint32_t k = 0; k < kUnits; ++k) {
    cch_sites.set_target(k, units[k]);
    ch_sites.set_target(k, units[k]);
  }
  std::vector<Weight> via_cch(kUnits), via_ch(kUnits);
  int fleet_mismatches = 0;
  for (int i = 0; i < pairs / 20; ++i) {
    const RoadPosition t = random_position(g, rng);
    cch_fleet.distances_to(t, via_cch);
    ch_fleet.distances_to(t, via_ch);
    const SeedPair seeds = target_seeds(g, g.weights(), t);
    dijkstra.run(seeds.view(), Dijkstra::Direction::kBackward, NodeId::invalid());
    for (std::uint32_t k = 0; k < kUnits; ++k) {
      const Weight ref = dijkstra.distance_to(units[k], t).count();
      if (via_cch[k] != ref || via_ch[k] != ref) ++fleet_mismatches;
    }
    cch_sites.distances_from(t, via_cch);
    ch_sites.distances_from(t, via_ch);
    const SeedPair from = source_seeds(g, g.weights(), t);
    dijkstra.run(from.view(), Dijkstra::Direction::kForward, NodeId::invalid());
    for (std::uint32_t k = 0; k < kUnits; ++k) {
      const Weight ref = dijkstra.distance_to(t, units[k]).count();
      if (via_cch[k] != ref || via_ch[k] != ref) ++fleet_mismatches;
    }
  }
  CHECK(fleet_mismatches == 0);
}

// On `routes` random CH routes between road nodes, the polyline (the road's shape) is as
// long as the sum of the route's arc lengths: lengths are the shape's, not the straight
// line's. Returns how many routes were checked.
int check_polyline_lengths(const OsmImport& city, int routes, std::uint64_t seed) {
  const RoadGraph& g = city.graph;
  auto ch = ContractionHierarchy::build(g);
  REQUIRE(ch.ok());
  ChQuery q(*ch, g);
  std::mt19937_64 rng(seed);
  int checked = 0, off = 0;
  std::vector<ArcId> path;
  RoutePolyline line;
  std::vector<LatLon> scratch;
  for (int i = 0; i < routes; ++i) {
    const RoadPosition s = random_position(g, rng), t = random_position(g, rng);
    if (!s.is_node() || !t.is_node()) continue;
    q.path_into(s, t, path);
    if (path.empty()) continue;
    double sum = 0;
    for (ArcId a : path) sum += g.length(a).value();
    route_polyline_into(g, path, s, t, line, scratch);
    if (std::abs(line.length_m - sum) > 1e-4 * sum + 0.05) {
      if (++off <= 3)
        UNSCOPED_INFO("route " << i << ": polyline " << line.length_m << " m, arcs " << sum
                               << " m");
    }
    ++checked;
  }
  CHECK(off == 0);
  return checked;
}

}  // namespace

TEST_CASE("OSM import: polylines follow the road, as long as their arcs", "[osm]") {
  auto city = import_with(dk_test::bundled("osm/andorra_valley.osm.pbf"), "ambulance");
  REQUIRE(city.ok());
  CHECK(check_polyline_lengths(*city, 2000, 5) > 300);
}

TEST_CASE("OSM import: PBF, XML.bz2 and XML.gz of the same extract give the same graph", "[osm]") {
  std::uint64_t fingerprint = 0;
  for (const char* name :
       {"osm/monaco_center.osm.pbf", "osm/monaco_center.osm.bz2", "osm/monaco_center.osm.gz"}) {
    INFO(name);
    auto city = import_with(dk_test::bundled(name), "car");
    REQUIRE(city.ok());
    CHECK(city->graph.road_node_count() > 500);
    CHECK(city->report.restrictions.applied > 0);
    if (fingerprint == 0) fingerprint = city->graph.fingerprint();
    CHECK(city->graph.fingerprint() == fingerprint);
  }
}

TEST_CASE("OSM import: the bundled cuts route the same by CH, CCH and Dijkstra", "[osm]") {
  for (const char* name : {"osm/monaco_center.osm.pbf", "osm/andorra_valley.osm.pbf"}) {
    for (const char* profile : {"car", "ambulance"}) {
      INFO(name << " " << profile);
      auto city = import_with(dk_test::bundled(name), profile);
      REQUIRE(city.ok());
      cross_check(*city, 2000, 7);
    }
  }
}

TEST_CASE("OSM import: Monaco and Andorra, 10,000 pairs each, turn restrictions on",
          "[osm][shared]") {
  for (const char* name : {"monaco.osm.pbf", "andorra.osm.pbf"}) {
    const auto path = dk_test::shared(name);
    if (!path) {
      WARN(dk_test::skipped(name));
      return;
    }
    auto city = import_with(*path, "car");
    REQUIRE(city.ok());
    WARN(name << ": " << city->report.summary());
    CHECK(city->report.road_nodes > 1000);
    cross_check(*city, 10000, 11);
    // 1,000 node-to-node routes (random_position() draws half of its positions at nodes).
    CHECK(check_polyline_lengths(*city, 4400, 13) >= 1000);
  }
}

TEST_CASE("OSM import: turn restrictions change routes only where they forbid", "[osm]") {
  // A plus-shaped junction n0 with arms west (1), east (2), north (3), south (4); two-way
  // residential streets, and a ring road 1-3-2-4-1 around it so that every forbidden turn
  // has a way round (far out: 21..24 are its shape points). Relations: no_left_turn west->north at
  // n0 (driving east, north is left), only_straight_on south->north at n0.
  const std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="hand">
  <node id="10" lat="43.7300" lon="7.4200"/>
  <node id="11" lat="43.7300" lon="7.4190"/>
  <node id="12" lat="43.7300" lon="7.4210"/>
  <node id="13" lat="43.7310" lon="7.4200"/>
  <node id="14" lat="43.7290" lon="7.4200"/>
  <way id="101"><nd ref="11"/><nd ref="10"/><tag k="highway" v="residential"/><tag k="name" v="West St"/></way>
  <way id="102"><nd ref="10"/><nd ref="12"/><tag k="highway" v="residential"/><tag k="name" v="East St"/></way>
  <way id="103"><nd ref="10"/><nd ref="13"/><tag k="highway" v="residential"/><tag k="name" v="North St"/></way>
  <way id="104"><nd ref="14"/><nd ref="10"/><tag k="highway" v="residential"/><tag k="name" v="South St"/></way>
  <node id="21" lat="43.7330" lon="7.4160"/>
  <node id="22" lat="43.7330" lon="7.4240"/>
  <node id="23" lat="43.7270" lon="7.4240"/>
  <node id="24" lat="43.7270" lon="7.4160"/>
  <way id="105"><nd ref="11"/><nd ref="21"/><nd ref="13"/><nd ref="22"/><nd ref="12"/><nd ref="23"/><nd ref="14"/><nd ref="24"/><nd ref="11"/><tag k="highway" v="residential"/><tag k="name" v="Ring"/></way>
  <relation id="201"><member type="way" ref="101" role="from"/><member type="node" ref="10" role="via"/><member type="way" ref="103" role="to"/><tag k="type" v="restriction"/><tag k="restriction" v="no_left_turn"/></relation>
  <relation id="202"><member type="way" ref="104" role="from"/><member type="node" ref="10" role="via"/><member type="way" ref="103" role="to"/><tag k="type" v="restriction"/><tag k="restriction" v="only_straight_on"/></relation>
</osm>
)";
  const std::string path = write_temp("plus.osm", xml);
  auto city = import_with(path, "car");
  REQUIRE(city.ok());
  const RoadGraph& g = city->graph;
  CHECK(city->report.restrictions.read == 2);
  CHECK(city->report.restrictions.applied == 2);
  CHECK(city->graph.has_turn_states());
  auto node = [&](std::int64_t id) {
    const auto n = g.find_node(id);
    REQUIRE(n.has_value());
    CHECK(!g.is_turn_state(*n));
    return *n;
  };
  Dijkstra d(g);
  auto ch = ContractionHierarchy::build(g);
  REQUIRE(ch.ok());
  ChQuery q(*ch, g);
  // West -> north: not through n0 (no_left_turn), so along the ring (11 -> 13 directly).
  const std::vector<ArcId> wn = q.path(node(11), node(13));
  const auto wn_nodes = node_sequence(g, wn);
  CHECK_FALSE(contains_run(wn_nodes, {11, 10, 13}));
  // West -> east is allowed straight through n0.
  CHECK(contains_run(node_sequence(g, q.path(node(11), node(12))), {11, 10, 12}));
  // South -> east and south -> west are forbidden by only_straight_on; south -> north is
  // the one allowed way on.
  CHECK_FALSE(contains_run(node_sequence(g, q.path(node(14), node(12))), {14, 10, 12}));
  CHECK_FALSE(contains_run(node_sequence(g, q.path(node(14), node(11))), {14, 10, 11}));
  CHECK(contains_run(node_sequence(g, q.path(node(14), node(13))), {14, 10, 13}));
  // Distances agree with Dijkstra on every pair, and n0 itself is reachable from everywhere
  // (arriving in any of its states).
  for (std::int64_t a : {10, 11, 12, 13, 14})
    for (std::int64_t b : {10, 11, 12, 13, 14}) {
      INFO(a << " -> " << b);
      CHECK(q.distance(node(a), node(b)) == d.distance(node(a), node(b)));
      CHECK_FALSE(d.distance(node(a), node(b)).is_infinite());
    }
  // The same file, restrictions ignored: the left turn is driven.
  auto profile = resolve_osm_profile("car");
  REQUIRE(profile.ok());
  profile->obey_turn_restrictions = false;
  auto free = import_osm(path, *profile, OsmLoadOptions{});
  REQUIRE(free.ok());
  CHECK_FALSE(free->graph.has_turn_states());
  CHECK(free->report.restrictions.applied == 2);  // matched and reported, not applied
  auto free_ch = ContractionHierarchy::build(free->graph);
  REQUIRE(free_ch.ok());
  ChQuery fq(*free_ch, free->graph);
  const auto fn = free->graph.find_node(11), fnorth = free->graph.find_node(13);
  REQUIRE(fn.has_value());
  REQUIRE(fnorth.has_value());
  CHECK(fq.distance(*fn, *fnorth) < q.distance(node(11), node(13)));
}

TEST_CASE("OSM import: a via-way restriction (no U-turn across a dual carriageway)", "[osm]") {
  // Two one-way carriageways 1->2 (north side) and 4->3 (south side) joined by a short
  // crossover 2->3; driving 1->2->3->4 is a U-turn over the via way 301 and is forbidden.
  // A side street 2-5-6-3 gives a legal way round.
  const std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="hand">
  <node id="1" lat="43.7310" lon="7.4100"/>
  <node id="2" lat="43.7310" lon="7.4120"/>
  <node id="3" lat="43.7308" lon="7.4120"/>
  <node id="4" lat="43.7308" lon="7.4100"/>
  <node id="5" lat="43.7320" lon="7.4130"/>
  <node id="6" lat="43.7300" lon="7.4130"/>
  <way id="300"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/><tag k="oneway" v="yes"/></way>
  <way id="301"><nd ref="2"/><nd ref="3"/><tag k="highway" v="primary"/><tag k="oneway" v="yes"/></way>
  <way id="302"><nd ref="3"/><nd ref="4"/><tag k="highway" v="primary"/><tag k="oneway" v="yes"/></way>
  <way id="303"><nd ref="4"/><nd ref="1"/><tag k="highway" v="residential"/><tag k="oneway" v="yes"/></way>
  <way id="304"><nd ref="2"/><nd ref="5"/><nd ref="6"/><nd ref="3"/><tag k="highway" v="residential"/></way>
  <relation id="400"><member type="way" ref="300" role="from"/><member type="way" ref="301" role="via"/><member type="way" ref="302" role="to"/><tag k="type" v="restriction"/><tag k="restriction" v="no_u_turn"/></relation>
</osm>
)";
  auto city = import_with(write_temp("uturn.osm", xml), "car");
  REQUIRE(city.ok());
  CHECK(city->report.restrictions.via_way == 1);
  const RoadGraph& g = city->graph;
  auto ch = ContractionHierarchy::build(g);
  REQUIRE(ch.ok());
  ChQuery q(*ch, g);
  const auto seq = node_sequence(g, q.path(*g.find_node(1), *g.find_node(4)));
  CHECK_FALSE(contains_run(seq, {1, 2, 3, 4}));
  // The legal way round: the side street (whose middle point 5 the import made a node, as
  // 304 and the via way both join 2 and 3).
  CHECK(std::find(seq.begin(), seq.end(), 5) != seq.end());
  Dijkstra d(g);
  CHECK(q.distance(*g.find_node(1), *g.find_node(4)) ==
        d.distance(*g.find_node(1), *g.find_node(4)));
  // Starting on the crossover itself is not a U-turn: 2 -> 3 -> 4 is allowed.
  CHECK(contains_run(node_sequence(g, q.path(*g.find_node(2), *g.find_node(4))), {2, 3, 4}));
}

TEST_CASE("OSM import: bad input is a named error, never a smaller graph", "[osm]") {
  SECTION("a way naming a node the file lacks") {
    const std::string xml = R"(<osm version="0.6">
  <node id="1" lat="43.73" lon="7.42"/><node id="2" lat="43.74" lon="7.42"/>
  <way id="77"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/></way>
</osm>)";
    auto city = import_with(write_temp("missing.osm", xml), "car");
    REQUIRE_FALSE(city.ok());
    CHECK(city.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(city.status().message()),
               Catch::Contains("way 77") && Catch::Contains("node 3"));
  }
  SECTION("a restriction with a member of an unknown role") {
    const std::string xml = R"(<osm version="0.6">
  <node id="1" lat="43.73" lon="7.42"/><node id="2" lat="43.74" lon="7.42"/>
  <way id="7"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>
  <relation id="9"><member type="way" ref="7" role="from"/><member type="node" ref="2" role="via"/>
    <member type="way" ref="7" role="towards"/><tag k="type" v="restriction"/><tag k="restriction" v="no_u_turn"/></relation>
</osm>)";
    auto city = import_with(write_temp("role.osm", xml), "car");
    REQUIRE_FALSE(city.ok());
    CHECK_THAT(std::string(city.status().message()),
               Catch::Contains("relation 9") && Catch::Contains("towards"));
  }
  SECTION("malformed XML") {
    auto city =
        import_with(write_temp("broken.osm", "<osm version=\"0.6\"><node id=\"1\" lat="), "car");
    REQUIRE_FALSE(city.ok());
    CHECK(city.status().code() == absl::StatusCode::kDataLoss);
  }
  SECTION("no such file") {
    auto city = import_with("/nonexistent/city.osm.pbf", "car");
    REQUIRE_FALSE(city.ok());
  }
  SECTION("an unknown profile") {
    auto city =
        import_with(dk_test::bundled("osm/monaco_center.osm.pbf"), "/nonexistent/profile.csv");
    REQUIRE_FALSE(city.ok());
    CHECK_THAT(std::string(city.status().message()), Catch::Contains("profile.csv"));
  }
}

TEST_CASE("OSM import: every truncation of a PBF is an error, none a smaller graph", "[osm]") {
  std::ifstream in(dk_test::bundled("osm/andorra_valley.osm.pbf"), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(bytes.size() > 10000);
  auto whole = import_with(dk_test::bundled("osm/andorra_valley.osm.pbf"), "car");
  REQUIRE(whole.ok());
  int accepted_smaller = 0, errors = 0;
  for (std::size_t cut = 1; cut < bytes.size(); cut += bytes.size() / 97 + 1) {
    const std::string path = write_temp("cut.osm.pbf", bytes.substr(0, cut));
    auto city = import_with(path, "car");
    if (!city.ok()) {
      ++errors;
      CHECK(city.status().code() == absl::StatusCode::kDataLoss);
    } else if (city->graph.fingerprint() != whole->graph.fingerprint()) {
      ++accepted_smaller;
    }
  }
  CHECK(errors > 90);
  CHECK(accepted_smaller == 0);
  // A flipped byte in a blob is damage too: rejected or, where it lands in a coordinate or
  // a tag value zlib still inflates, caught by zlib's checksum. Never a crash.
  for (std::size_t at = 100; at < bytes.size(); at += bytes.size() / 31 + 1) {
    std::string damaged = bytes;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
    auto city = import_with(write_temp("flip.osm.pbf", damaged), "car");
    if (!city.ok()) CHECK(city.status().code() == absl::StatusCode::kDataLoss);
  }
}
