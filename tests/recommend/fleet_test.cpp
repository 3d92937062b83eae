// Tests for recommend/fleet.hpp: lifecycle validation, errors naming unit and states,
// the change journal, turnout by status.
#include <catch2/catch.hpp>

#include <optional>
#include <set>

#include "recommend_fixtures.hpp"

using namespace dispatchkit;
using namespace dk_rec_test;

TEST_CASE("unit status names round-trip", "[recommend][fleet]") {
  for (std::size_t i = 0; i < kUnitStatusCount; ++i) {
    const auto s = static_cast<UnitStatus>(i);
    CHECK(parse_unit_status(to_string(s)) == s);
  }
  CHECK_FALSE(parse_unit_status("idle").has_value());
}

TEST_CASE("a unit walks the whole lifecycle of a transport call", "[recommend][fleet]") {
  Fleet f;
  const UnitId m1 = add(f, "M1", 0, kAlsAmb);
  CHECK(f.unit(m1).status() == UnitStatus::kAvailableAtStation);
  REQUIRE(f.dispatch(m1, IncidentId(9), PriorityGrade::kII).ok());
  REQUIRE(f.unit(m1).assignment().has_value());
  CHECK(f.unit(m1).assignment()->incident == IncidentId(9));
  for (UnitStatus s : {UnitStatus::kEnRoute, UnitStatus::kOnScene, UnitStatus::kTransporting,
                       UnitStatus::kAtHospital}) {
    REQUIRE(f.set_status(m1, s).ok());
    CHECK(f.unit(m1).assignment().has_value());  // still working the incident
  }
  REQUIRE(f.set_status(m1, UnitStatus::kReturning).ok());
  CHECK_FALSE(f.unit(m1).assignment().has_value());
  CHECK(is_available(f.unit(m1).status()));
  REQUIRE(f.set_status(m1, UnitStatus::kAvailableAtStation).ok());
}

TEST_CASE("impossible transitions are errors naming the unit and both states",
          "[recommend][fleet]") {
  Fleet f;
  const UnitId m1 = add(f, "M1", 0, kAlsAmb);
  absl::Status s = f.set_status(m1, UnitStatus::kOnScene);
  CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(s.message() == "unit M1 (id 0): cannot go from available_at_station to on_scene");
  CHECK(f.unit(m1).status() == UnitStatus::kAvailableAtStation);  // unchanged
  REQUIRE(f.dispatch(m1, IncidentId(1), PriorityGrade::kI).ok());
  REQUIRE(f.set_status(m1, UnitStatus::kEnRoute).ok());
  REQUIRE(f.set_status(m1, UnitStatus::kOnScene).ok());
  REQUIRE(f.set_status(m1, UnitStatus::kTransporting).ok());
  // A transporting unit cannot be diverted to another call.
  s = f.dispatch(m1, IncidentId(2), PriorityGrade::kI);
  CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(s.message() == "unit M1 (id 0): cannot go from transporting to dispatched");
  // Dispatched only through dispatch(): an assignment must name its incident.
  CHECK(f.set_status(m1, UnitStatus::kDispatched).code() == absl::StatusCode::kInvalidArgument);
  // A duplicated status message is an error too (the CAD should know).
  CHECK(f.set_status(m1, UnitStatus::kTransporting).code() ==
        absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("every pair of states is either allowed or a clear error", "[recommend][fleet]") {
  std::size_t allowed = 0;
  for (std::size_t a = 0; a < kUnitStatusCount; ++a)
    for (std::size_t b = 0; b < kUnitStatusCount; ++b)
      if (is_valid_transition(static_cast<UnitStatus>(a), static_cast<UnitStatus>(b))) ++allowed;
  CHECK(allowed == 30);  // counted by hand from the table in fleet.hpp
  // Only available states may join; busy states must be reached through dispatch().
  Fleet f;
  auto bad = f.add_unit({.call_sign = "X", .status = UnitStatus::kOnScene});
  CHECK(bad.status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("bad unit ids and call signs give clear errors", "[recommend][fleet]") {
  Fleet f;
  add(f, "M1", 0, kAlsAmb);
  const absl::Status s = f.set_status(UnitId(7), UnitStatus::kOutOfService);
  CHECK(s.code() == absl::StatusCode::kOutOfRange);
  CHECK(s.message() == "unit id 7 does not exist (fleet has 1 units)");
  CHECK(f.find(UnitId()).status().code() == absl::StatusCode::kOutOfRange);
  CHECK(f.dispatch(UnitId(3), IncidentId(1), PriorityGrade::kI).code() ==
        absl::StatusCode::kOutOfRange);
  CHECK(f.report_position(UnitId(3), RoadPosition::at_node(NodeId(0))).code() ==
        absl::StatusCode::kOutOfRange);
  CHECK(f.find("M9").status().code() == absl::StatusCode::kNotFound);
  CHECK(*f.find("M1") == UnitId(0));
  CHECK(f.add_unit({.call_sign = "M1"}).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(f.add_unit({.call_sign = ""}).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(f.report_position(UnitId(0), RoadPosition()).code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("turnout depends on whether the crew is in quarters", "[recommend][fleet]") {
  Fleet f({.turnout_at_station = Deciseconds{600}, .turnout_rolling = Deciseconds{100}});
  CHECK(f.turnout(UnitStatus::kAvailableAtStation) == Deciseconds{600});
  CHECK(f.turnout(UnitStatus::kAvailableMobile) == Deciseconds{100});
  CHECK(f.turnout(UnitStatus::kReturning) == Deciseconds{100});
  CHECK(f.turnout(UnitStatus::kEnRoute) == Deciseconds{100});
}

TEST_CASE("the change journal replays exactly what changed", "[recommend][fleet]") {
  Fleet f({.journal_capacity = 4});
  const UnitId a = add(f, "A", 0, kAlsAmb);
  const UnitId b = add(f, "B", 1, kBlsAmb);
  const std::uint64_t seen = f.generation();
  REQUIRE(f.report_position(b, RoadPosition::at_node(NodeId(2))).ok());
  REQUIRE(f.report_position(b, RoadPosition::at_node(NodeId(2))).ok());  // same: no entry
  REQUIRE(f.set_status(a, UnitStatus::kAvailableMobile).ok());
  std::multiset<std::uint32_t> changed;
  CHECK(f.for_each_change_since(seen, [&](UnitId u) { changed.insert(u.value()); }));
  CHECK(changed == std::multiset<std::uint32_t>{0, 1});
  // Lagging by more than the journal holds: the consumer must resync everything.
  for (int i = 0; i < 5; ++i) REQUIRE(f.set_shift_end(a, sim_time_from_unix(i)).ok());
  CHECK_FALSE(f.for_each_change_since(seen, [](UnitId) {}));
  CHECK(f.for_each_change_since(f.generation(), [](UnitId) { FAIL("nothing changed"); }));
}

// Consumers key their incremental state on (instance, generation): every new object,
// copy, move or assignment must look like a different fleet, or an oracle synced on the
// old contents would replay only the new fleet's last journal entries (review F7).
TEST_CASE("every copy, move or assignment is a new fleet instance", "[recommend][fleet]") {
  Fleet a;
  add(a, "A", 0, kAlsAmb);
  Fleet b;
  CHECK(a.instance() != 0);
  CHECK(a.instance() != b.instance());
  const std::uint64_t a0 = a.instance(), b0 = b.instance();
  Fleet copy(a);
  CHECK(copy.instance() != a0);
  CHECK(a.instance() == a0);  // copying does not disturb the source
  CHECK(copy.size() == 1);
  CHECK(copy.generation() == a.generation());
  b = a;
  CHECK(b.instance() != b0);
  CHECK(b.instance() != a0);
  CHECK(b.size() == 1);
  const std::uint64_t c0 = copy.instance();
  Fleet moved(std::move(copy));
  CHECK(moved.instance() != c0);
  CHECK(copy.instance() != c0);  // the moved-from object is no longer that fleet
  CHECK(moved.size() == 1);
  const std::uint64_t b1 = b.instance();
  b = std::move(moved);
  CHECK(b.instance() != b1);
  // A moved-from fleet stays usable (no journal left: a change forces a full resync).
  const std::uint64_t seen = copy.generation();
  REQUIRE(copy.add_unit({.call_sign = "Z"}).ok());
  CHECK(copy.generation() == seen + 1);
  CHECK_FALSE(copy.for_each_change_since(seen, [](UnitId) {}));
}

namespace {
struct FakeSnapper {
  std::optional<RoadPosition> snap(LatLon p) const {
    if (p.lat > 38) return std::nullopt;
    return RoadPosition::at_node(NodeId(3));
  }
};
}  // namespace

TEST_CASE("GPS fixes snap to a road position", "[recommend][fleet]") {
  Fleet f;
  const UnitId a = add(f, "A", 0, kAlsAmb, UnitStatus::kAvailableMobile);
  REQUIRE(f.report_gps(a, LatLon{37.7, -122.4}, FakeSnapper{}).ok());
  CHECK(f.unit(a).position() == RoadPosition::at_node(NodeId(3)));
  CHECK(f.report_gps(a, LatLon{38.5, -122.4}, FakeSnapper{}).code() == absl::StatusCode::kNotFound);
  CHECK(f.report_gps(a, LatLon{95.0, 0.0}, FakeSnapper{}).code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(f.unit(a).position() == RoadPosition::at_node(NodeId(3)));  // kept the last fix
}
