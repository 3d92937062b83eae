// Tests for recommend/hospital.hpp: ranking rule by hand on the drawn town, ETAs against
// the reference Dijkstra on bundled SF with the bundled HIFLD hospitals, pre-arrival note,
// and the HIFLD reader (recommend/io/hifld_hospitals.hpp) on hand-made exports.
#include <catch2/catch.hpp>

#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/graph/snap.hpp"
#include "dispatchkit/recommend/io/hifld_hospitals.hpp"
#include "recommend_fixtures.hpp"
#include "test_data.hpp"

using namespace dispatchkit;
using namespace dk_rec_test;

namespace {
Hospital at(const std::string& name, std::uint32_t node, SpecialtySet s = {}) {
  Hospital h;
  h.name = name;
  h.position = RoadPosition::at_node(NodeId(node));
  h.specialties = s;
  return h;
}
}  // namespace

// Scene at node 1. H0 at 4 (600), H1 trauma at 2 (1200), H2 trauma at 5 (2400),
// H3 at 0 (1200), H4 at 6 (unreachable).
TEST_CASE("hospital ranking: specialty within the bypass limit, diversion last, closed never",
          "[recommend][hospital]") {
  const RoadGraph g = drawn_town();
  HospitalRanker ranker(g,
                        {at("H0", 4), at("H1", 2, Specialty::kTrauma),
                         at("H2", 5, Specialty::kTrauma), at("H3", 0), at("H4", 6)},
                        {.specialty_bypass_limit = Deciseconds{1000}});
  std::vector<HospitalChoice> out;
  const RoadPosition scene = RoadPosition::at_node(NodeId(1));
  ranker.rank(scene, Specialty::kTrauma, TravelMode::kLightsAndSirens, out);
  REQUIRE(out.size() == 4);                 // H4 unreachable
  CHECK(out[0].hospital == HospitalId(1));  // trauma, 1200 <= 600 + 1000
  CHECK(out[0].reason == HospitalRankReason::kSpecialtyCentre);
  CHECK(out[0].eta == Deciseconds{1200});
  CHECK(out[1].hospital == HospitalId(0));  // nearest ED
  CHECK(out[1].reason == HospitalRankReason::kNearestOpen);
  CHECK(out[2].hospital == HospitalId(3));  // 1200, id 3
  CHECK(out[3].hospital == HospitalId(2));  // trauma but 2400 > 1600
  CHECK(out[3].reason == HospitalRankReason::kSpecialtyTooFar);
  // No specialty needed: nearest first, ties by id.
  ranker.rank(scene, Specialty::kNone, TravelMode::kLightsAndSirens, out);
  CHECK(out[0].hospital == HospitalId(0));
  CHECK(out[1].hospital == HospitalId(1));
  // Diversion and closure.
  REQUIRE(ranker.set_status(HospitalId(1), HospitalStatus::kDiversion).ok());
  REQUIRE(ranker.set_status(HospitalId(0), HospitalStatus::kClosed).ok());
  CHECK(ranker.set_status(HospitalId(9), HospitalStatus::kOpen).code() ==
        absl::StatusCode::kOutOfRange);
  ranker.rank(scene, Specialty::kTrauma, TravelMode::kNormal, out);
  REQUIRE(out.size() == 3);
  CHECK(out[0].hospital == HospitalId(3));  // only open ED left: nearest open = 1600
  CHECK(out[0].eta == Deciseconds{1600});   // 1200 x 4/3 in normal mode
  CHECK(out[1].hospital == HospitalId(2));  // trauma 3200 > 1600 + 1000
  CHECK(out[2].hospital == HospitalId(1));
  CHECK(out[2].reason == HospitalRankReason::kOnDiversion);
  // An unreachable scene gives an empty list, not an error.
  ranker.rank(RoadPosition::at_node(NodeId(7)), Specialty::kNone, TravelMode::kNormal, out);
  CHECK(out.empty());
}

TEST_CASE("pre-arrival notification", "[recommend][hospital]") {
  const RoadGraph g = drawn_town();
  HospitalRanker ranker(g, {at("GENERAL", 4, Specialty::kTrauma)});
  Fleet f;
  const UnitId m = add(f, "M12", 1, kAlsAmb);
  Incident call = incident_at(RoadPosition::at_node(NodeId(1)), {}, 1042);
  call.destination = Specialty::kTrauma;
  std::vector<HospitalChoice> out;
  ranker.rank(call.position, call.destination, TravelMode::kLightsAndSirens, out);
  REQUIRE(out.size() == 1);
  const PreArrivalNotification n = make_pre_arrival(call, m, out[0], call.time);
  CHECK(n.eta_to_hospital == Deciseconds{600});
  CHECK(n.expected_arrival == call.time + std::chrono::seconds(60));
  CHECK(to_string(n, ranker, f) ==
        "PRE-ARRIVAL to GENERAL: unit M12, incident 1042, grade I, trauma, ETA 1:00");
}

TEST_CASE("HIFLD hospitals of bundled SF: loader, trauma levels, ETAs equal Dijkstra",
          "[recommend][hospital]") {
  auto g = load_graph(dk_test::bundled("sf/sf_osm_edges.csv.xz"));
  REQUIRE(g.ok());
  auto snapper = Snapper::build(*g);
  REQUIRE(snapper.ok());
  auto hs = load_hifld_hospitals(dk_test::bundled("sf/sf_hospitals.csv"), *snapper);
  REQUIRE(hs.ok());
  // 29 rows: 19 general acute care, 1 military, 8 psychiatric, 1 long term care. By
  // default only the 20 with an emergency department are kept; all 29 on request.
  CHECK(hs->size() == 20);
  for (const Hospital& h : *hs) {
    CHECK(h.name.find("D/P APH") == std::string::npos);  // psychiatric units
    CHECK(h.name != "JEWISH HOME AND REHAB CENTER");     // long term care
  }
  auto every = load_hifld_hospitals(dk_test::bundled("sf/sf_hospitals.csv"), *snapper,
                                    {.emergency_departments_only = false});
  REQUIRE(every.ok());
  CHECK(every->size() == 29);
  std::size_t trauma = 0;
  for (const Hospital& h : *hs) {
    trauma += h.specialties.contains(Specialty::kTrauma) ? 1 : 0;
    if (h.name.find("ZUCKERBERG") != std::string::npos) CHECK(h.trauma_level == 1);
  }
  CHECK(trauma >= 1);
  HospitalRanker ranker(*g, *hs);
  // The ranking on a caller's own times (the replay's, from its oracle), without tables.
  HospitalRanker untabled(*g, *hs, {.tables = false});
  Dijkstra reference(*g);
  std::vector<HospitalChoice> out, given;
  std::vector<Weight> times(hs->size());
  for (std::uint32_t k = 0; k < 200; ++k) {
    const RoadPosition scene = RoadPosition::at_node(NodeId(k * 137 % g->node_count()));
    const TravelMode mode = k % 2 == 0 ? TravelMode::kLightsAndSirens : TravelMode::kNormal;
    ranker.rank(scene, Specialty::kTrauma, mode, out);
    REQUIRE_FALSE(out.empty());
    CHECK(out[0].reason == HospitalRankReason::kSpecialtyCentre);  // SF is small
    for (const HospitalChoice& c : out)
      CHECK(c.eta.count() ==
            weight_in_mode(reference.distance(scene, ranker.hospital(c.hospital).position).count(),
                           mode, TravelModeOptions{}));
    for (std::uint32_t h = 0; h < hs->size(); ++h)
      times[h] = weight_in_mode(reference.distance(scene, (*hs)[h].position).count(), mode,
                                TravelModeOptions{});
    untabled.rank(times, Specialty::kTrauma, given);
    REQUIRE(given.size() == out.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
      CHECK(given[i].hospital == out[i].hospital);
      CHECK(given[i].eta == out[i].eta);
      CHECK(given[i].reason == out[i].reason);
    }
    untabled.rank(scene, Specialty::kTrauma, mode, given);
    CHECK(given.empty());  // no tables: only rank(times, ...) answers
  }
  // Errors: a missing file, a file without the needed columns.
  CHECK(load_hifld_hospitals("/nonexistent.csv", *snapper).status().code() ==
        absl::StatusCode::kNotFound);
  CHECK(parse_trauma_level("LEVEL II ADULT, LEVEL I PEDIATRIC") == 2);
  CHECK(parse_trauma_level("LEVEL IV") == 4);
  CHECK(parse_trauma_level("NOT AVAILABLE") == 0);
}

namespace {
// Places no hospital on a road: the reader's own rules are under test, not snapping.
struct NoRoads {
  absl::StatusOr<SnapResult> snap(LatLon) const { return absl::NotFoundError("no roads"); }
};
}  // namespace

TEST_CASE("HIFLD reader: BOM, CRLF, any column order; bad rows name file and line",
          "[recommend][hospital][io]") {
  // A spreadsheet export: byte-order mark, CRLF endings, columns re-ordered, a quoted name.
  const std::string text =
      "\xEF\xBB\xBFTYPE,LONGITUDE,NAME,TRAUMA,LATITUDE,STATUS\r\n"
      "GENERAL ACUTE CARE,-122.40,\"GENERAL, SF\",LEVEL I,37.75,OPEN\r\n"
      "PSYCHIATRIC,-122.41,CALM,NOT AVAILABLE,37.76,OPEN\r\n"
      "CHILDREN,-122.42,KIDS,LEVEL I PEDIATRIC,37.77,CLOSED\r\n";
  auto hs = parse_hifld_hospitals("h.csv", text, NoRoads{});
  REQUIRE(hs.ok());
  REQUIRE(hs->size() == 2);  // the psychiatric facility has no emergency department
  CHECK((*hs)[0].name == "GENERAL, SF");
  CHECK((*hs)[0].trauma_level == 1);
  CHECK((*hs)[0].specialties.contains(Specialty::kTrauma));
  CHECK_FALSE((*hs)[0].position.valid());
  CHECK((*hs)[1].status == HospitalStatus::kClosed);
  CHECK((*hs)[1].specialties.contains(Specialty::kCriticalChild));
  CHECK_FALSE((*hs)[1].specialties.contains(Specialty::kTrauma));

  auto bad = parse_hifld_hospitals("h.csv", "NAME,LATITUDE,LONGITUDE\nA,37.7,-122.4\nB,north,1\n",
                                   NoRoads{});
  CHECK(bad.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(bad.status().message().find("h.csv:3:") != std::string_view::npos);
  auto short_row = parse_hifld_hospitals("h.csv", "NAME,LATITUDE,LONGITUDE\nA,37.7\n", NoRoads{});
  CHECK(short_row.status().message().find("h.csv:2: expected at least 3 fields") !=
        std::string_view::npos);
  auto no_column = parse_hifld_hospitals("h.csv", "NAME,LAT,LONGITUDE\n", NoRoads{});
  CHECK(no_column.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(no_column.status().message().find("'LATITUDE' is missing") != std::string_view::npos);
  CHECK(no_column.status().message().find("HIFLD") != std::string_view::npos);
}
