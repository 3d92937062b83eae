// OpenStreetMap profiles (graph/osm/profile.hpp) and the value parsers (graph/osm/tags.hpp).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "dispatchkit/graph/osm/profile.hpp"
#include "dispatchkit/graph/osm/tags.hpp"
#include "test_data.hpp"

using namespace dispatchkit;

namespace {
struct MapTags {
  std::map<std::string, std::string> tags;
  const char* get_value_by_key(const char* k) const {
    const auto it = tags.find(k);
    return it == tags.end() ? nullptr : it->second.c_str();
  }
};
std::string write_profile(const std::string& text) {
  static int serial = 0;
  const auto path =
      std::filesystem::temp_directory_path() / ("dk_profile_" + std::to_string(++serial) + ".csv");
  std::ofstream(path) << text;
  return path.string();
}
}  // namespace

TEST_CASE("OSM maxspeed values in every documented form", "[osm]") {
  CHECK(*parse_osm_maxspeed("50") == 50);
  CHECK(*parse_osm_maxspeed("50 km/h") == 50);
  CHECK(*parse_osm_maxspeed("30 mph") == Approx(48.28).margin(0.01));
  CHECK(*parse_osm_maxspeed("30mph") == Approx(48.28).margin(0.01));
  CHECK(*parse_osm_maxspeed("10 knots") == Approx(18.52));
  CHECK(*parse_osm_maxspeed("DE:urban") == 50);
  CHECK(*parse_osm_maxspeed("DE:rural") == 100);
  CHECK(*parse_osm_maxspeed("FR:rural") == 80);
  CHECK(*parse_osm_maxspeed("RU:motorway") == 110);
  CHECK(*parse_osm_maxspeed("GB:nsl_single") == Approx(96.56));
  CHECK(*parse_osm_maxspeed("DE:zone30") == 30);
  CHECK(*parse_osm_maxspeed("DE:zone:20") == 20);
  CHECK(*parse_osm_maxspeed("CN:urban") == 50);
  CHECK(*parse_osm_maxspeed("walk") == 6);
  CHECK_FALSE(parse_osm_maxspeed("none").has_value());
  CHECK_FALSE(parse_osm_maxspeed("signals").has_value());
  CHECK_FALSE(parse_osm_maxspeed("DE:motorway").has_value());  // no limit: the class speed
  CHECK_FALSE(parse_osm_maxspeed("US:urban").has_value());     // no national default
  CHECK_FALSE(parse_osm_maxspeed("fast").has_value());
  CHECK_FALSE(parse_osm_maxspeed("50 furlongs").has_value());
  CHECK_FALSE(parse_osm_maxspeed("-5").has_value());
}

TEST_CASE("OSM durations: minutes, hh:mm, hh:mm:ss and ISO 8601", "[osm]") {
  CHECK(*parse_osm_duration("25") == 1500);
  CHECK(*parse_osm_duration("01:30") == 5400);
  CHECK(*parse_osm_duration("00:10:30") == 630);
  CHECK(*parse_osm_duration("PT1H30M") == 5400);
  CHECK(*parse_osm_duration("PT45S") == 45);
  CHECK_FALSE(parse_osm_duration("soon").has_value());
  CHECK_FALSE(parse_osm_duration("1:2:3:4").has_value());
  CHECK_FALSE(parse_osm_duration("PT").has_value());
}

TEST_CASE("OSM profiles: built-ins, the lights-and-sirens model, names", "[osm]") {
  const auto car = builtin_osm_profile("car");
  const auto amb = builtin_osm_profile("ambulance");
  REQUIRE(car.ok());
  REQUIRE(amb.ok());
  CHECK(builtin_osm_profile("truck").status().code() == absl::StatusCode::kNotFound);
  const MapTags primary{{{"highway", "primary"}, {"maxspeed", "50"}}};
  const OsmWayRule c = evaluate_osm_way(*car, primary), a = evaluate_osm_way(*amb, primary);
  CHECK(c.speed_forward_kmh == Approx(50 * car->maxspeed_factor));
  CHECK(a.speed_forward_kmh == Approx(50 * amb->rule(RoadClass::kPrimary).emergency_factor));
  // The cap: a fast motorway never exceeds max_speed_kmh.
  const MapTags motorway{{{"highway", "motorway"}, {"maxspeed", "130"}}};
  CHECK(evaluate_osm_way(*amb, motorway).speed_forward_kmh == amb->max_speed_kmh);
  CHECK(evaluate_osm_way(*amb, MapTags{{{"highway", "residential"}, {"ref", "D 12"}}}).name ==
        "D 12");
  CHECK(evaluate_osm_way(
            *amb, MapTags{{{"highway", "residential"}, {"name", "Rue Grimaldi"}, {"ref", "D 12"}}})
            .name == "Rue Grimaldi");
  const OsmWayRule fp = evaluate_osm_way(*car, MapTags{{{"highway", "footway"}}});
  CHECK_FALSE(fp.routable);
  CHECK_FALSE(fp.not_routable_because.empty());
  // Driveways and parking aisles are manoeuvring, at half the service speed.
  const double service =
      evaluate_osm_way(*car, MapTags{{{"highway", "service"}}}).speed_forward_kmh;
  CHECK(evaluate_osm_way(*car, MapTags{{{"highway", "service"}, {"service", "driveway"}}})
            .speed_forward_kmh == Approx(service / 2));
  // An emergency-only passage is flagged.
  const OsmWayRule e = evaluate_osm_way(
      *amb, MapTags{{{"highway", "residential"}, {"access", "no"}, {"emergency", "yes"}}});
  CHECK((e.flags & static_cast<std::uint8_t>(RoadFlag::kEmergencyOnly)) != 0);
}

TEST_CASE("OSM profile files: the bundled example, overrides and every bad row", "[osm]") {
  const auto p =
      load_osm_profile(dk_test::bundled("osm/profiles/ambulance_no_turn_restrictions.csv"));
  REQUIRE(p.ok());
  CHECK_FALSE(p->obey_turn_restrictions);
  CHECK(p->emergency_vehicle);
  CHECK(p->rule(RoadClass::kTrack).routable);
  CHECK(p->rule(RoadClass::kTrack).speed_kmh == 15);
  CHECK(p->rule(RoadClass::kResidential).emergency_factor == 1.4);
  CHECK(OsmProfile::listed(p->barrier_pass, "chain"));
  CHECK_FALSE(OsmProfile::listed(p->barrier_block, "chain"));
  CHECK(resolve_osm_profile(dk_test::bundled("osm/profiles/ambulance_no_turn_restrictions.csv"))
            .ok());
  const std::string header = "kind,name,value,speed_kmh,emergency_factor\n";
  auto car_based = load_osm_profile(write_profile(header + "setting,base,car,,\n"));
  REQUIRE(car_based.ok());
  CHECK_FALSE(car_based->emergency_vehicle);
  struct Bad {
    const char* row;
    const char* says;
  };
  for (const Bad& b : {
           Bad{"class,highway_to_hell,yes,50,1\n", "unknown road class"},
           Bad{"class,residential,maybe,50,1\n", "yes or no"},
           Bad{"class,residential,yes,fast,1\n", "number"},
           Bad{"class,residential,yes,-3,1\n", "(0, 500]"},
           Bad{"class,other,yes,,\n", "no speed_kmh"},
           Bad{"setting,warp_drive,yes,,\n", "unknown setting"},
           Bad{"setting,base,car,,\n", "first row"},
           Bad{"setting,obey_turn_restrictions,sometimes,,\n", "yes or no"},
           Bad{"access,private,perhaps,,\n", "'allow' or 'deny'"},
           Bad{"barrier,bollard,open,,\n", "'pass' or 'block'"},
           Bad{"speed,residential,yes,,\n", "unknown row kind"},
       }) {
    INFO(b.row);
    const std::string path = write_profile(header + "class,residential,yes,25,1.3\n" + b.row);
    const auto bad = load_osm_profile(path);
    REQUIRE_FALSE(bad.ok());
    CHECK_THAT(std::string(bad.status().message()),
               Catch::Contains(path + ":3") && Catch::Contains(b.says));
  }
  CHECK_FALSE(
      load_osm_profile(write_profile(header + "class,residential,yes,25,1\nsetting,base,car,,\n"))
          .ok());
  const auto truck = load_osm_profile(write_profile(header + "setting,base,truck,,\n"));
  REQUIRE_FALSE(truck.ok());
  CHECK_THAT(std::string(truck.status().message()), Catch::Contains("built-in"));
  CHECK_FALSE(load_osm_profile("/nonexistent/profile.csv").ok());
  CHECK_FALSE(load_osm_profile(write_profile("name,speed\nresidential,25\n")).ok());
}
