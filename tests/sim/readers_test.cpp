// Tests of the replay's file readers (sim/io/): sites, fleet files, call mappings and the
// calls export, on small hand-made files in the spellings real exports use.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "dispatchkit/sim/io/areas_geojson.hpp"
#include "dispatchkit/sim/io/call_mapping_csv.hpp"
#include "dispatchkit/sim/io/calls_for_service.hpp"
#include "dispatchkit/sim/io/closures_csv.hpp"
#include "dispatchkit/sim/io/fleet_csv.hpp"
#include "dispatchkit/sim/io/sites_csv.hpp"

using namespace dispatchkit;

namespace {
bool mentions(const absl::Status& s, std::string_view text) {
  return std::string(s.message()).find(text) != std::string::npos;
}
}  // namespace

TEST_CASE("sites: columns by name in any case and spelling, CR-only endings, closed rows",
          "[sim][io][sites]") {
  // An old spreadsheet export: byte-order mark, lone CR line endings, upper-case headers,
  // the short spellings of latitude and longitude, a quoted name holding a comma.
  const std::string text =
      "\xEF\xBB\xBF"
      "LNG,NAME,LAT,STATUS\r"
      "-122.45,Fire Station #15,37.72,OPEN\r"
      "-122.44,\"Fire Station #7, Division 3\",37.75,open\r"
      "-122.43,Fire Station #99,37.74,CLOSED\r"
      "\r"
      "-122.42,Training Ground,37.73,\r";
  auto sites = parse_sites("st.csv", text);
  REQUIRE(sites.ok());
  REQUIRE(sites->size() == 3);
  CHECK((*sites)[0].number == 15);
  CHECK((*sites)[0].location.lat == Approx(37.72));
  CHECK((*sites)[0].location.lon == Approx(-122.45));
  CHECK((*sites)[1].name == "Fire Station #7, Division 3");
  CHECK((*sites)[1].number == 7);
  CHECK((*sites)[2].number == -1);

  CHECK(station_number_in("Fire Station #08") == 8);
  CHECK(station_number_in("Station #") == -1);
  CHECK(station_number_in("no number") == -1);

  const absl::Status bad = parse_sites("st.csv", "name,lat,lon\nA,37.7,-122.4\nB,91,0\n").status();
  CHECK(bad.code() == absl::StatusCode::kInvalidArgument);
  CHECK(mentions(bad, "st.csv:3: latitude/longitude is not a WGS84 coordinate"));
  const absl::Status missing = parse_sites("st.csv", "name,lat\nA,37.7\n").status();
  CHECK(mentions(missing, "st.csv:1:"));
  CHECK(mentions(missing, "'longitude' is missing"));
  CHECK(mentions(parse_sites("st.csv", "name,lat,lon\n").status(), "st.csv: no sites"));
  CHECK(load_sites("/nonexistent/stations.csv").status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("fleet file: comments, columns in any order, stations by number or name",
          "[sim][io][fleet]") {
  const std::vector<Site> stations = {Site{"Fire Station #1", {37.70, -122.45}, 1},
                                      Site{"Fire Station #2", {37.71, -122.44}, 2}};
  const std::string text =
      "# the night fleet\n"
      "station,call_sign,capabilities\r\n"
      "1,M1,als&bls&transport\r\n"
      "   # a comment between units\n"
      "Fire Station #2,B2,bls & transport\n";
  auto units = parse_fleet_file("fleet.csv", text, stations);
  REQUIRE(units.ok());
  REQUIRE(units->size() == 2);
  CHECK((*units)[0].call_sign == "M1");
  CHECK((*units)[0].station == 0);
  CHECK((*units)[0].capabilities.contains(Capability::kAls));
  CHECK((*units)[1].station == 1);
  CHECK_FALSE((*units)[1].capabilities.contains(Capability::kAls));
  CHECK((*units)[1].capabilities.contains(Capability::kTransport));
  CHECK((*units)[1].on_duty.empty());  // a file's units are always on duty

  const std::string header = "call_sign,station,capabilities\n";
  CHECK(mentions(parse_fleet_file("f.csv", header + "M1,7,als\n", stations).status(),
                 "f.csv:2: unknown station '7'"));
  CHECK(mentions(parse_fleet_file("f.csv", header + "\n#\nM1,1,wings\n", stations).status(),
                 "f.csv:4: unknown capability 'wings'"));
  CHECK(mentions(parse_fleet_file("f.csv", header + "M1,1\n", stations).status(),
                 "f.csv:2: expected at least 3 fields, got 2"));
  CHECK(mentions(parse_fleet_file("f.csv", header + ",1,als\n", stations).status(),
                 "f.csv:2: empty call sign"));
  CHECK(mentions(parse_fleet_file("f.csv", header, stations).status(), "f.csv: no units"));
  CHECK(mentions(parse_fleet_file("f.csv", "unit,station\n", stations).status(),
                 "'call_sign' is missing"));
}

TEST_CASE("call mapping CSV: comments before the header, every bad row reported",
          "[sim][io][mapping]") {
  auto m = CallMapping::parse(
      "# agency table\n\ncode,original_priority,call_type,call_type_group\n"
      "29-D-1,3,Traffic Collision,*\n"
      "II,*,*,*\n",
      "agency.csv");
  REQUIRE(m.ok());
  REQUIRE(m->rules().size() == 2);
  CHECK(m->rules()[0].call_type == "Traffic Collision");
  CHECK(m->rules()[0].line == 4);
  CHECK(m->rules()[1].note.empty());
  RecordedCall crash;
  crash.original_priority = "3";
  crash.call_type = "Traffic Collision";
  CHECK(m->match(crash) == &m->rules()[0]);

  const absl::Status bad = CallMapping::parse(
                               "original_priority,call_type,call_type_group,code,note\n"
                               "3,*,*,,x\n"
                               "2,*\n"
                               "*,*,*,II,fine\n",
                               "bad.csv")
                               .status();
  CHECK(bad.code() == absl::StatusCode::kInvalidArgument);
  CHECK(mentions(bad, "bad.csv:2: determinant code is empty"));
  CHECK(mentions(bad, "bad.csv:3: expected at least 4 fields, got 2"));
  CHECK(mentions(
      CallMapping::parse("original_priority,call_type,call_type_group,code\n", "e.csv").status(),
      "e.csv: no mapping rules"));
  CHECK(CallMapping::sf_default().rules().size() == 13);
  CHECK(CallMapping::load("/nonexistent/mapping.csv").status().code() ==
        absl::StatusCode::kNotFound);
}

TEST_CASE("calls export: the newer spelling of the location column, CRLF, BOM",
          "[sim][io][recorded]") {
  // Newer DataSF exports name the location "case_location" and write it as WKT.
  const std::string text =
      "\xEF\xBB\xBF"
      "Call Number,Unit ID,Unit Type,Received DtTm,Dispatch DtTm,On Scene DtTm,case_location\r\n"
      "200,M7,MEDIC,01/01/2017 10:00:00 AM,01/01/2017 10:01:00 AM,01/01/2017 10:07:00 AM,"
      "POINT (-122.42 37.77)\r\n";
  auto rec = parse_recorded_calls("new.csv", text);
  REQUIRE(rec.ok());
  REQUIRE(rec->calls.size() == 1);
  CHECK(rec->calls[0].location.lat == Approx(37.77));
  CHECK(rec->calls[0].location.lon == Approx(-122.42));
  CHECK(rec->calls[0].first_line == 2);
  CHECK(rec->report.rows_rejected_total() == 0);

  // A quote that is never closed would make the rest of the file one field: an error at
  // the line where it opened, not a silently shorter record.
  const absl::Status open_quote =
      parse_recorded_calls("cut.csv", std::string(text) + "201,M8,MEDIC,\"01/01/2017").status();
  CHECK(open_quote.code() == absl::StatusCode::kInvalidArgument);
  CHECK(mentions(open_quote, "cut.csv:3:"));
}

TEST_CASE("calls export: the older and the newer column spellings read alike",
          "[sim][io][recorded]") {
  // 2016-era CSV export: spaced names, US stamps, "Neighborhood  District" (two blanks).
  const std::string older =
      "Call Number,Unit ID,Unit Type,Call Type,Received DtTm,Dispatch DtTm,Response DtTm,"
      "On Scene DtTm,Available DtTm,Neighborhood  District,Location\n"
      "300,M9,MEDIC,Medical Incident,01/05/2017 01:00:00 PM,01/05/2017 01:01:30 PM,"
      "01/05/2017 01:01:45 PM,01/05/2017 01:08:00 PM,01/05/2017 01:40:00 PM,Mission,"
      "\"(37.76, -122.41)\"\n";
  // Newer export: "Neighborhooods - Analysis Boundaries" (sic), case_location as WKT.
  const std::string newer =
      "Call Number,Unit ID,Unit Type,Call Type,Received DtTm,Dispatch DtTm,Response DtTm,"
      "On Scene DtTm,Available DtTm,Neighborhooods - Analysis Boundaries,case_location\n"
      "300,M9,MEDIC,Medical Incident,01/05/2017 01:00:00 PM,01/05/2017 01:01:30 PM,"
      "01/05/2017 01:01:45 PM,01/05/2017 01:08:00 PM,01/05/2017 01:40:00 PM,Mission,"
      "POINT (-122.41 37.76)\n";
  // DataSF's API field names with ISO local stamps (fractional seconds dropped).
  const std::string api =
      "call_number,unit_id,unit_type,call_type,received_dttm,dispatch_dttm,response_dttm,"
      "on_scene_dttm,available_dttm,neighborhoods_analysis_boundaries,case_location\n"
      "300,M9,MEDIC,Medical Incident,2017-01-05T13:00:00.000,2017-01-05T13:01:30.000,"
      "2017-01-05T13:01:45,2017-01-05 13:08:00,2017-01-05T13:40:00.000,Mission,"
      "POINT (-122.41 37.76)\n";
  std::vector<RecordedCalls> read;
  for (const std::string* text : {&older, &newer, &api}) {
    auto rec = parse_recorded_calls("calls.csv", *text);
    REQUIRE(rec.ok());
    REQUIRE(rec->calls.size() == 1);
    CHECK(rec->report.rows_rejected_total() == 0);
    read.push_back(*std::move(rec));
  }
  for (const RecordedCalls& r : read) {
    const RecordedCall& c = r.calls[0];
    CHECK(c.neighbourhood == "Mission");
    CHECK(c.call_type == "Medical Incident");
    CHECK(c.location.lat == Approx(37.76));
    CHECK(c.received == read[0].calls[0].received);
    REQUIRE(c.responses.size() == 1);
    CHECK(c.responses[0].en_route == read[0].calls[0].responses[0].en_route);
    CHECK(c.responses[0].on_scene == read[0].calls[0].responses[0].on_scene);
    CHECK(c.responses[0].available == read[0].calls[0].responses[0].available);
  }
  // 13:00 local in January is 21:00 UTC.
  CHECK(to_unix_seconds(read[2].calls[0].received) == 1483650000);
  // A stamp with an explicit offset is not local time: a bad row, counted.
  std::string zoned = api;
  zoned.replace(zoned.find("2017-01-05T13:00:00.000"), 23, "2017-01-05T13:00:00Z");
  auto z = parse_recorded_calls("calls.csv", zoned);
  REQUIRE(z.ok());
  CHECK(z->report.rows_rejected_total() == 1);
}

TEST_CASE("closures: arcs by the graph's node ids, local times inside the period",
          "[sim][io][closures]") {
  // 10 -> 20 -> 30 and back 20 -> 10; node ids as the graph file names them.
  RoadGraphBuilder b("street");
  const NodeId n10 = b.add_node(10), n20 = b.add_node(20), n30 = b.add_node(30);
  b.add_arc(n10, n20, Deciseconds{100}, Meters{100});
  b.add_arc(n20, n10, Deciseconds{100}, Meters{100});
  b.add_arc(n20, n30, Deciseconds{100}, Meters{100});
  const RoadGraph g = *std::move(b).build();
  const TimeZone la = *TimeZone::load("America/Los_Angeles");
  const SimTime begin = *parse_local_timestamp("2017-01-01T00:00:00", la);
  const SimTime end = *parse_local_timestamp("2017-01-08T00:00:00", la);
  // A street closed both ways for two hours (ISO and US forms), a CRLF file with a BOM.
  const std::string text =
      "\xEF\xBB\xBF"
      "start,end,from,to\r\n"
      "2017-01-03T16:00:00,2017-01-03 18:00:00,10,20\r\n"
      "01/03/2017 04:00:00 PM,01/03/2017 06:00:00 PM,20,10\r\n";
  auto c = parse_closures("closures.csv", text, g, la, begin, end);
  REQUIRE(c.ok());
  REQUIRE(c->size() == 2);
  CHECK((*c)[0].arc == *g.find_arc(n10, n20));
  CHECK((*c)[1].arc == *g.find_arc(n20, n10));
  CHECK((*c)[0].start == (*c)[1].start);
  CHECK(to_unix_seconds((*c)[0].start) == 1483488000);  // 16:00 PST = 00:00 UTC next day
  CHECK((*c)[0].end - (*c)[0].start == std::chrono::hours(2));
  CHECK((*c)[1].line == 3);
  // Each bad row is named by file and line, and nothing is returned.
  auto bad = [&](std::string_view row) {
    return parse_closures("c.csv", std::string("start,end,from,to\n") + std::string(row) + "\n", g,
                          la, begin, end)
        .status();
  };
  CHECK(mentions(bad("2017-01-03T16:00:00,2017-01-03T18:00:00,10,99"),
                 "c.csv:2: the graph has no node 99"));
  CHECK(mentions(bad("2017-01-03T16:00:00,2017-01-03T18:00:00,30,20"),
                 "c.csv:2: the graph has no arc from node 30 to 20"));
  CHECK(mentions(bad("2017-01-03T18:00:00,2017-01-03T16:00:00,10,20"),
                 "c.csv:2: end must be after start"));
  CHECK(mentions(bad("2016-12-03T16:00:00,2016-12-03T18:00:00,10,20"),
                 "c.csv:2: the closure lies outside the replayed period"));
  CHECK(mentions(bad("tomorrow,2017-01-03T18:00:00,10,20"), "c.csv:2: start and end must be"));
  CHECK(mentions(bad("2017-01-03T16:00:00,2017-01-03T18:00:00,ten,20"),
                 "c.csv:2: expected a node id of the graph, got 'ten'"));
  CHECK(mentions(parse_closures("c.csv", "begin,end,from,to\n", g, la, begin, end).status(),
                 "start"));
}

TEST_CASE("areas GeoJSON: polygons with holes, multipolygons, classes; named errors",
          "[sim][io][areas]") {
  // A rural square with an urban hole, then a mountain multipolygon; first match wins.
  const std::string ok = R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"class": "rural", "name": "county"},
     "geometry": {"type": "Polygon", "coordinates": [
       [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
       [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]]}},
    {"type": "Feature", "properties": {"class": "mountain"},
     "geometry": {"type": "MultiPolygon", "coordinates": [
       [[[20, 0], [30, 0], [30, 10], [20, 0]]]]}}]})";
  absl::StatusOr<AreaMap> m = parse_areas_geojson(ok, "a.geojson");
  REQUIRE(m.ok());
  CHECK(m->size() == 2);
  CHECK(m->class_at({2, 2}) == AreaClass::kRural);  // lat 2, lon 2
  CHECK(m->class_at({5, 5}) == AreaClass::kUrban);  // in the hole
  CHECK(m->class_at({1, 29}) == AreaClass::kMountainIsland);
  CHECK(m->class_at({9, 21}) == AreaClass::kUrban);                      // outside the triangle
  CHECK(m->class_at({50, 50}, AreaClass::kRural) == AreaClass::kRural);  // the fallback
  auto bad = [](std::string_view features) {
    return parse_areas_geojson(absl::StrCat(R"({"type": "FeatureCollection", "features": [)",
                                            detail::as_absl(features), "]}"),
                               "b.geojson")
        .status();
  };
  const std::string square = R"("coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]])";
  CHECK(mentions(
      bad(R"({"properties": {"class": "suburb", "name": "x"}, "geometry": {"type": "Polygon", )" +
          square + "}}"),
      "b.geojson: feature 0 (x): unknown class 'suburb'"));
  CHECK(mentions(bad(R"({"properties": {}, "geometry": {"type": "Polygon", )" + square + "}}"),
                 "feature 0: expected a \"class\" property"));
  CHECK(mentions(
      bad(R"({"properties": {"class": "urban"}, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}})"),
      "a ring must end where it starts"));
  CHECK(mentions(
      bad(R"({"properties": {"class": "urban"}, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}})"),
      "at least four positions"));
  CHECK(mentions(
      bad(R"({"properties": {"class": "urban"}, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 200], [0, 0]]]}})"),
      "not a WGS84"));
  CHECK(mentions(
      bad(R"({"properties": {"class": "urban"}, "geometry": {"type": "Point", "coordinates": [0, 0]}})"),
      "expected a Polygon or MultiPolygon geometry"));
  CHECK(mentions(parse_areas_geojson("{nope", "c.geojson").status(), "c.geojson: not JSON"));
  CHECK(mentions(parse_areas_geojson("{}", "c.geojson").status(), "\"features\" array"));
}
