// Tests for route/traffic/profile.hpp: building profiles and the documented CSV format.
#include <catch2/catch.hpp>

#include <string>

#include "dispatchkit/route/traffic/io/profile_csv.hpp"
#include "dispatchkit/route/traffic/profile.hpp"

using namespace dispatchkit;

namespace {
// Three intersections on a street in San Francisco (external ids 10, 20, 30), 100 m apart:
//
//   10 <====> 20 ----> 30      (10-20 two-way, 20 -> 30 one-way)
//   free flow: 10 s per arc, 100 m
RoadGraph street() {
  RoadGraphBuilder b("street");
  const NodeId a = b.add_node(10, LatLon{37.7700, -122.4200});
  const NodeId c = b.add_node(20, LatLon{37.7709, -122.4200});
  const NodeId d = b.add_node(30, LatLon{37.7718, -122.4200});
  b.add_arc(a, c, Deciseconds{100}, Meters{100});
  b.add_arc(c, a, Deciseconds{100}, Meters{100});
  b.add_arc(c, d, Deciseconds{100}, Meters{100});
  return *std::move(b).build();
}

absl::StatusOr<TrafficProfile> parse(const std::string& text, const RoadGraph& g) {
  return parse_traffic_profile("p.csv", text, g);
}
}  // namespace

TEST_CASE("profiles load, merge and round-trip through CSV", "[traffic][profile]") {
  const RoadGraph g = street();
  const std::string csv =
      "# observed\n"
      "# slicing: slice_minutes=15 utc_offset_minutes=-420\n"
      "from_id,to_id,slice,travel_time_s,samples\n"
      "10,20,32,25.5,4\n"
      "20,30,32,12,1\n"
      "10,20,0,11,2\n"
      "\n";
  auto p = parse(csv, g);
  REQUIRE(p.ok());
  const ArcId a1020 = *g.find_arc(*g.find_node(10), *g.find_node(20));
  const ArcId a2010 = *g.find_arc(*g.find_node(20), *g.find_node(10));
  CHECK(p->cell_count() == 3);
  CHECK(p->observed_arc_count() == 2);
  CHECK(p->total_samples() == 7);
  REQUIRE(p->cells(a1020).size() == 2);
  CHECK(p->cells(a1020)[0].slice == TimeSlice(0));  // sorted by slice
  const TrafficCell* c = p->find(a1020, TimeSlice(32));
  REQUIRE(c != nullptr);
  CHECK(c->travel_time_s == Approx(25.5));
  CHECK(c->samples == 4);
  CHECK(p->find(a2010, TimeSlice(32)) == nullptr);
  CHECK(p->cells(a2010).empty());

  // Round trip.
  const std::string out = format_traffic_profile(*p, g);
  auto q = parse(out, g);
  REQUIRE(q.ok());
  CHECK(q->cell_count() == 3);
  CHECK(q->find(a1020, TimeSlice(32))->travel_time_s == Approx(25.5));
  CHECK(format_traffic_profile(*q, g) == out);

  // build() merges repeated cells into a sample-weighted mean.
  auto m = TrafficProfile::build(g, TimeSlicing{},
                                 {{a1020, TimeSlice(5), 10.0, 1}, {a1020, TimeSlice(5), 20.0, 3}});
  REQUIRE(m.ok());
  CHECK(m->find(a1020, TimeSlice(5))->travel_time_s == Approx(17.5));
  CHECK(m->find(a1020, TimeSlice(5))->samples == 4);
}

TEST_CASE("rows keyed by coordinates and speeds", "[traffic][profile]") {
  const RoadGraph g = street();
  // 5 m off each node; 36 km/h over 100 m = 10 s; samples column omitted (default 1).
  const std::string csv =
      "from_lat,from_lon,to_lat,to_lon,slice,speed_kmh\n"
      "37.77005,-122.42,37.77095,-122.42,7,36\n";
  auto p = parse(csv, g);
  REQUIRE(p.ok());
  const ArcId a1020 = *g.find_arc(*g.find_node(10), *g.find_node(20));
  REQUIRE(p->find(a1020, TimeSlice(7)) != nullptr);
  CHECK(p->find(a1020, TimeSlice(7))->travel_time_s == Approx(10.0).epsilon(0.01));
  CHECK(p->find(a1020, TimeSlice(7))->samples == 1);
  // An end 200 m from any node is OutOfRange.
  auto far = parse(
      "from_lat,from_lon,to_lat,to_lon,slice,speed_kmh\n"
      "37.7700,-122.4225,37.7709,-122.42,7,36\n",
      g);
  CHECK(far.status().code() == absl::StatusCode::kOutOfRange);
  CHECK(std::string(far.status().message()).find("p.csv:2") != std::string::npos);
}

TEST_CASE("each kind of bad line is reported with its line", "[traffic][profile]") {
  const RoadGraph g = street();
  const std::string header = "from_id,to_id,slice,travel_time_s,samples\n";
  struct Case {
    std::string body;
    absl::StatusCode code;
    std::string needle;
  };
  const Case cases[] = {
      {"10,20,32,25\n", absl::StatusCode::kInvalidArgument, "expected 5 fields"},
      {"10,x,32,25,1\n", absl::StatusCode::kInvalidArgument, "integers"},
      {"10,99,32,25,1\n", absl::StatusCode::kOutOfRange, "node 99"},
      {"30,20,32,25,1\n", absl::StatusCode::kOutOfRange, "no arc from node 30 to node 20"},
      {"10,20,672,25,1\n", absl::StatusCode::kOutOfRange, "slice 672"},
      {"10,20,-1,25,1\n", absl::StatusCode::kInvalidArgument, "slice"},
      {"10,20,32,0,1\n", absl::StatusCode::kInvalidArgument, "travel_time_s"},
      {"10,20,32,nan,1\n", absl::StatusCode::kInvalidArgument, "travel_time_s"},
      {"10,20,32,25,0\n", absl::StatusCode::kInvalidArgument, "samples"},
      {"10,20,32,25,1\n10,20,32,26,1\n", absl::StatusCode::kInvalidArgument, "duplicate of line 2"},
  };
  for (const Case& c : cases) {
    auto p = parse(header + c.body, g);
    INFO(c.body);
    REQUIRE_FALSE(p.ok());
    CHECK(p.status().code() == c.code);
    const std::string msg(p.status().message());
    CHECK(msg.find(c.needle) != std::string::npos);
    CHECK(msg.find("p.csv:") == 0);
  }
  // Header problems.
  CHECK(parse("", g).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(parse("a,b,c\n", g).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(parse("from_id,to_id,slice,travel_time_s,speed_kmh\n", g).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(parse("from_id,to_id,travel_time_s\n", g).status().code() ==
        absl::StatusCode::kInvalidArgument);
  // A slicing line that disagrees with the caller's slicing.
  auto hourly = parse("# slicing: slice_minutes=60 utc_offset_minutes=-420\n" + header, g);
  CHECK(hourly.status().code() == absl::StatusCode::kFailedPrecondition);
  // Missing file.
  CHECK(load_traffic_profile("/nonexistent/p.csv", g).status().code() ==
        absl::StatusCode::kNotFound);
}
