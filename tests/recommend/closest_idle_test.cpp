// Hand-checked cases for recommend/closest_idle.hpp on the drawn town (recommend_fixtures.hpp).
#include <catch2/catch.hpp>

#include "recommend_fixtures.hpp"

using namespace dispatchkit;
using namespace dk_rec_test;

TEST_CASE("closest idle ranks by road ETA with turnout, and explains exclusions",
          "[recommend][closest_idle]") {
  const RoadGraph g = drawn_town();
  Fleet f({.turnout_at_station = Deciseconds{600}, .turnout_rolling = Deciseconds{0}});
  const UnitId a = add(f, "A", 4, kAlsAmb);                                // 600 + 600
  const UnitId b = add(f, "B", 0, kAlsAmb, UnitStatus::kAvailableMobile);  // 0 + 1200
  const UnitId c = add(f, "C", 2, kBlsAmb);                                // lacks ALS
  const UnitId d = add(f, "D", 1, kAlsAmb);                                // busy
  REQUIRE(f.dispatch(d, IncidentId(99), PriorityGrade::kIII).ok());
  const UnitId e = add(f, "E", 7, kAlsAmb);  // isolated: unreachable
  DijkstraOracle oracle(g);
  ClosestIdle strategy;
  Recommendation rec;
  strategy.recommend(incident_at(RoadPosition::at_node(NodeId(1)), Capability::kAls), f, oracle,
                     rec);
  REQUIRE(rec.candidates.size() == 2);
  // A and B tie at 1200 ds; the lower unit id wins.
  CHECK(rec.candidates[0].unit == a);
  CHECK(rec.candidates[0].eta == Deciseconds{1200});
  CHECK(rec.candidates[0].turnout == Deciseconds{600});
  CHECK(rec.candidates[1].unit == b);
  CHECK(rec.candidates[1].eta == Deciseconds{1200});
  CHECK(rec.candidates[0].reason == RankReason::kClosest);
  CHECK(rec.suitable_count == 2);
  REQUIRE(rec.excluded.size() == 3);
  CHECK(rec.excluded[0].unit == c);
  CHECK(rec.excluded[0].reason == ExclusionReason::kLacksCapability);
  CHECK(rec.excluded[1].unit == d);
  CHECK(rec.excluded[1].reason == ExclusionReason::kUnavailable);
  CHECK(rec.excluded[2].unit == e);
  CHECK(rec.excluded[2].reason == ExclusionReason::kUnreachable);
  const std::string text = explain(rec, f);
  CHECK(text.find("1. A  ETA 2:00 (turnout 1:00)  closest") != std::string::npos);
  CHECK(text.find("1 unavailable, 1 lacks_capability, 1 unreachable") != std::string::npos);
}

TEST_CASE("closest idle: normal travel mode and shift ends", "[recommend][closest_idle]") {
  const RoadGraph g = drawn_town();
  Fleet f({.turnout_at_station = Deciseconds{0}, .turnout_rolling = Deciseconds{0}});
  const UnitId a = add(f, "A", 4, kAlsAmb);
  const UnitId b = add(f, "B", 0, kAlsAmb);
  DijkstraOracle oracle(g, {.normal_factor = 1.5});
  Incident call = incident_at(RoadPosition::at_node(NodeId(1)));
  call.mode = TravelMode::kNormal;
  ClosestIdle strategy;
  Recommendation rec;
  strategy.recommend(call, f, oracle, rec);
  REQUIRE(rec.candidates.size() == 2);
  CHECK(rec.candidates[0].eta == Deciseconds{900});   // 600 * 1.5
  CHECK(rec.candidates[1].eta == Deciseconds{1800});  // 1200 * 1.5
  // A's crew goes home 1 min after the call: it would not arrive (1.5 min) in time.
  REQUIRE(f.set_shift_end(a, call.time + std::chrono::seconds(60)).ok());
  strategy.recommend(call, f, oracle, rec);
  REQUIRE(rec.candidates.size() == 1);
  CHECK(rec.candidates[0].unit == b);
  CHECK(rec.excluded_count[static_cast<int>(ExclusionReason::kShiftEnds)] == 1);
}

TEST_CASE("closest idle: mid-street incidents and units", "[recommend][closest_idle]") {
  const RoadGraph g = drawn_town();
  Fleet f({.turnout_at_station = Deciseconds{0}, .turnout_rolling = Deciseconds{0}});
  const ArcId a01 = *g.find_arc(NodeId(0), NodeId(1));
  const ArcId a10 = *g.find_arc(NodeId(1), NodeId(0));
  // Unit a quarter along 0->1 (300 from 0, 900 from 1); incident three quarters along.
  auto u = f.add_unit({.call_sign = "U",
                       .capabilities = kAlsAmb,
                       .status = UnitStatus::kAvailableMobile,
                       .position = RoadPosition::on_arc(a01, 0.25f, a10)});
  REQUIRE(u.ok());
  DijkstraOracle oracle(g);
  ClosestIdle strategy;
  Recommendation rec;
  strategy.recommend(incident_at(RoadPosition::on_arc(a01, 0.75f, a10)), f, oracle, rec);
  REQUIRE(rec.candidates.size() == 1);
  CHECK(rec.candidates[0].eta == Deciseconds{600});  // straight down the same street
}
