// Every tag rule of the import pinned by a small hand-drawn OpenStreetMap file whose
// expected route is asserted (docs/osm.md, "Tag rules").
//
// The drawing, the same for every rule (lat/lon near Monaco; 1 -> 3 is 220 m east):
//
//        4 ------------------- 5        detour: residential 1-4-5-3, two-way, 3x longer
//        |                     |
//        1 -------- 2 -------- 3        way 100 (the tags under test); node 2 (its tags too)
//
// A rule is pinned by asking for the route 1 -> 3 and 3 -> 1 and whether it drives way 100
// (the detour is always there, so "not allowed" shows as "takes the detour", and an
// import error cannot pass for a rule).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "dispatchkit/graph/osm.hpp"
#include "dispatchkit/route/dijkstra.hpp"

using namespace dispatchkit;

namespace {

std::string tag_xml(const std::vector<std::pair<std::string, std::string>>& tags) {
  std::string s;
  for (const auto& [k, v] : tags) s += "<tag k=\"" + k + "\" v=\"" + v + "\"/>";
  return s;
}

using Tags = std::vector<std::pair<std::string, std::string>>;

std::string drawing(const Tags& way, const Tags& node2) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="dispatchkit rules_test">
  <node id="1" lat="43.7300" lon="7.4200"/>
  <node id="2" lat="43.7300" lon="7.4214">)" +
         tag_xml(node2) + R"(</node>
  <node id="3" lat="43.7300" lon="7.4228"/>
  <node id="4" lat="43.7330" lon="7.4200"/>
  <node id="5" lat="43.7330" lon="7.4228"/>
  <way id="100"><nd ref="1"/><nd ref="2"/><nd ref="3"/>)" +
         tag_xml(way) + R"(</way>
  <way id="200"><nd ref="1"/><nd ref="4"/><nd ref="5"/><nd ref="3"/><tag k="highway" v="residential"/></way>
</osm>
)";
}

struct Drive {
  bool forward = false, backward = false;  // 1 -> 3 and 3 -> 1 drive way 100
  double forward_s = 0;                    // seconds 1 -> 3
};

Drive drive(const Tags& way, const Tags& node2, const std::string& profile) {
  static int serial = 0;
  const auto path =
      std::filesystem::temp_directory_path() / ("dk_rules_" + std::to_string(++serial) + ".osm");
  std::ofstream(path) << drawing(way, node2);
  OsmLoadOptions o;
  o.profile = profile;
  o.keep_all_components = true;
  auto city = import_osm(path.string(), o);
  REQUIRE(city.ok());
  const RoadGraph& g = city->graph;
  Dijkstra d(g);
  auto uses_way_100 = [&](std::int64_t from, std::int64_t to) {
    const auto s = g.find_node(from), t = g.find_node(to);
    REQUIRE(s.has_value());
    REQUIRE(t.has_value());
    d.run_forward(*s);
    if (d.distance_to(*t).is_infinite()) return false;
    for (ArcId a : d.path_to(*t))
      if (g.details()->way_id(g.segment_of(a).index) == 100) return true;
    return false;
  };
  Drive r;
  r.forward = uses_way_100(1, 3);
  r.backward = uses_way_100(3, 1);
  const auto s = g.find_node(1), t = g.find_node(3);
  r.forward_s = static_cast<double>(d.distance(*s, *t).count()) / 10.0;
  return r;
}

struct Rule {
  const char* what;
  Tags way;
  Tags node2;
  bool car_forward, car_backward, ambulance_forward, ambulance_backward;
};

}  // namespace

TEST_CASE("OSM rules: classes, access, oneway and barriers, for car and ambulance", "[osm]") {
  const Tags res = {{"highway", "residential"}};
  auto with = [&](Tags base, Tags more) {
    base.insert(base.end(), more.begin(), more.end());
    return base;
  };
  const std::vector<Rule> rules = {
      {"highway=residential", res, {}, true, true, true, true},
      {"highway=footway is not a road", {{"highway", "footway"}}, {}, false, false, false, false},
      {"highway=steps", {{"highway", "steps"}}, {}, false, false, false, false},
      {"highway=cycleway", {{"highway", "cycleway"}}, {}, false, false, false, false},
      {"highway=primary_link", {{"highway", "primary_link"}}, {}, true, true, true, true},
      {"highway=living_street", {{"highway", "living_street"}}, {}, true, true, true, true},
      {"highway=service", {{"highway", "service"}}, {}, true, true, true, true},
      {"highway=motorway implies oneway", {{"highway", "motorway"}}, {}, true, false, true, false},
      {"highway=construction", {{"highway", "construction"}}, {}, false, false, false, false},
      {"highway=proposed", {{"highway", "proposed"}}, {}, false, false, false, false},
      {"area=yes", with(res, {{"area", "yes"}}), {}, false, false, false, false},
      {"impassable=yes", with(res, {{"impassable", "yes"}}), {}, false, false, false, false},
      {"oneway=yes", with(res, {{"oneway", "yes"}}), {}, true, false, true, false},
      {"oneway=1", with(res, {{"oneway", "1"}}), {}, true, false, true, false},
      {"oneway=true", with(res, {{"oneway", "true"}}), {}, true, false, true, false},
      {"oneway=-1", with(res, {{"oneway", "-1"}}), {}, false, true, false, true},
      {"oneway=no", with(res, {{"oneway", "no"}}), {}, true, true, true, true},
      {"oneway=reversible is not drivable at a known time",
       with(res, {{"oneway", "reversible"}}),
       {},
       false,
       false,
       false,
       false},
      {"junction=roundabout implies oneway",
       with(res, {{"junction", "roundabout"}}),
       {},
       true,
       false,
       true,
       false},
      {"junction=circular implies oneway",
       with(res, {{"junction", "circular"}}),
       {},
       true,
       false,
       true,
       false},
      {"oneway:emergency=no opens the other way to the ambulance",
       with(res, {{"oneway", "yes"}, {"oneway:emergency", "no"}}),
       {},
       true,
       false,
       true,
       true},
      {"access=no", with(res, {{"access", "no"}}), {}, false, false, false, false},
      {"access=no + emergency=yes: the ambulance's passage",
       with(res, {{"access", "no"}, {"emergency", "yes"}}),
       {},
       false,
       false,
       true,
       true},
      {"access=no + emergency=designated",
       with(res, {{"access", "no"}, {"emergency", "designated"}}),
       {},
       false,
       false,
       true,
       true},
      {"motor_vehicle=no + emergency=yes",
       with(res, {{"motor_vehicle", "no"}, {"emergency", "yes"}}),
       {},
       false,
       false,
       true,
       true},
      {"motorcar=no", with(res, {{"motorcar", "no"}}), {}, false, false, true, true},
      {"vehicle=no", with(res, {{"vehicle", "no"}}), {}, false, false, false, false},
      {"emergency=no closes it to the ambulance",
       with(res, {{"emergency", "no"}}),
       {},
       true,
       true,
       false,
       false},
      {"service=emergency_access",
       {{"highway", "service"}, {"service", "emergency_access"}},
       {},
       false,
       false,
       true,
       true},
      {"highway=busway: buses and emergency vehicles",
       {{"highway", "busway"}},
       {},
       false,
       false,
       true,
       true},
      {"psv=designated + motor_vehicle=no (a bus lane street)",
       with(res, {{"motor_vehicle", "no"}, {"psv", "designated"}}),
       {},
       false,
       false,
       true,
       true},
      {"barrier=bollard", res, {{"barrier", "bollard"}}, false, false, false, false},
      {"barrier=block", res, {{"barrier", "block"}}, false, false, false, false},
      {"barrier=bollard + emergency=yes (a removable bollard)",
       res,
       {{"barrier", "bollard"}, {"emergency", "yes"}},
       false,
       false,
       true,
       true},
      {"barrier=lift_gate + access=no + emergency=yes",
       res,
       {{"barrier", "lift_gate"}, {"access", "no"}, {"emergency", "yes"}},
       false,
       false,
       true,
       true},
      {"barrier=gate + access=private",
       res,
       {{"barrier", "gate"}, {"access", "private"}},
       false,
       false,
       true,
       true},
      {"barrier=gate, open", res, {{"barrier", "gate"}}, true, true, true, true},
      {"barrier=kerb is driven over", res, {{"barrier", "kerb"}}, true, true, true, true},
  };
  for (const Rule& r : rules) {
    INFO(r.what);
    const Drive car = drive(r.way, r.node2, "car");
    CHECK(car.forward == r.car_forward);
    CHECK(car.backward == r.car_backward);
    const Drive amb = drive(r.way, r.node2, "ambulance");
    CHECK(amb.forward == r.ambulance_forward);
    CHECK(amb.backward == r.ambulance_backward);
  }
}

TEST_CASE("OSM rules: maxspeed in its forms sets the car's speed", "[osm]") {
  const double metres = 224.9;  // 1 -> 3 (haversine of the drawing), within a metre
  // The car drives a share of a tagged limit (OsmProfile::maxspeed_factor).
  const double share = builtin_osm_profile("car")->maxspeed_factor;
  auto seconds_at = [&](double kmh) { return metres / (kmh * share / 3.6); };
  struct Case {
    const char* maxspeed;
    double kmh;
  };
  for (const Case c :
       {Case{"30", 30}, Case{"50 km/h", 50}, Case{"30 mph", 48.28}, Case{"DE:urban", 50},
        Case{"FR:urban", 50}, Case{"CN:urban", 50}, Case{"RU:urban", 60}}) {
    INFO(c.maxspeed);
    const Drive car = drive({{"highway", "tertiary"}, {"maxspeed", c.maxspeed}}, {}, "car");
    REQUIRE(car.forward);
    CHECK(car.forward_s == Approx(seconds_at(c.kmh)).margin(0.6));
  }
  // maxspeed:forward / :backward bind one direction each.
  const Drive split =
      drive({{"highway", "tertiary"}, {"maxspeed:forward", "30"}, {"maxspeed:backward", "50"}}, {},
            "car");
  CHECK(split.forward_s == Approx(seconds_at(30)).margin(0.6));
  // The ambulance drives faster than the legal speed on the same road (the lights-and-sirens
  // model), and never slower.
  const Drive car = drive({{"highway", "primary"}, {"maxspeed", "50"}}, {}, "car");
  const Drive amb = drive({{"highway", "primary"}, {"maxspeed", "50"}}, {}, "ambulance");
  CHECK(amb.forward_s < car.forward_s);
}

TEST_CASE("OSM rules: a ferry takes its duration and is flagged", "[osm]") {
  const auto path = std::filesystem::temp_directory_path() / "dk_rules_ferry.osm";
  std::ofstream(path) << drawing({{"route", "ferry"}, {"duration", "00:10"}}, {});
  auto city =
      import_osm(path.string(), OsmLoadOptions{.profile = "car", .keep_all_components = true});
  REQUIRE(city.ok());
  const RoadGraph& g = city->graph;
  const auto arc = g.find_road_arc(*g.find_node(1), *g.find_node(3));
  REQUIRE(arc.has_value());
  CHECK(g.travel_time(*arc).count() == 6000);  // ten minutes, whatever the length
  const RoadSegmentRef s = g.segment_of(*arc);
  CHECK(g.details()->has(s.index, RoadFlag::kFerry));
  CHECK(g.details()->road_class(s.index) == RoadClass::kFerry);
}

TEST_CASE("OSM rules: names, classes and shapes reach the graph", "[osm]") {
  const auto path = std::filesystem::temp_directory_path() / "dk_rules_names.osm";
  std::ofstream(path) << drawing({{"highway", "secondary"},
                                  {"name", "Boulevard Albert 1er"},
                                  {"tunnel", "yes"},
                                  {"toll", "yes"}},
                                 {});
  auto city = import_osm(path.string(), OsmLoadOptions{.profile = "car"});
  REQUIRE(city.ok());
  const RoadGraph& g = city->graph;
  REQUIRE(g.details() != nullptr);
  const auto a = g.find_node(1), c = g.find_node(3);
  REQUIRE(a.has_value());
  REQUIRE(c.has_value());
  CHECK_FALSE(g.find_node(2).has_value());  // a shape point, not a node
  const auto arc = g.find_road_arc(*a, *c);
  REQUIRE(arc.has_value());
  const RoadSegmentRef s = g.segment_of(*arc);
  CHECK(g.details()->name(s.index) == "Boulevard Albert 1er");
  CHECK(g.details()->road_class(s.index) == RoadClass::kSecondary);
  CHECK(g.details()->has(s.index, RoadFlag::kTunnel));
  CHECK(g.details()->has(s.index, RoadFlag::kToll));
  CHECK(g.details()->shape(s.index).size() == 1);  // node 2
  const double straight = haversine(g.coordinate(*a), g.coordinate(*c)).value();
  CHECK(g.length(*arc).value() == Approx(straight).epsilon(1e-4));  // a straight road
}
