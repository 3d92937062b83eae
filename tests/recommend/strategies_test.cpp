// Hand-checked cases for the strategies beyond closest idle (drawn town of
// recommend_fixtures.hpp), the CH oracle against the reference, and the registry.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "../examples/my_strategy.hpp"
#include "dispatchkit/detail/hash.hpp"
#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/route/ch/contraction_hierarchy.hpp"
#include "recommend_fixtures.hpp"
#include "test_data.hpp"

using namespace dispatchkit;
using namespace dk_rec_test;

namespace {
Fleet no_turnout_fleet() {
  return Fleet({.turnout_at_station = Deciseconds{0}, .turnout_rolling = Deciseconds{0}});
}
std::vector<DemandPoint> six_points() {
  std::vector<DemandPoint> d;
  for (std::uint32_t v = 0; v < 6; ++v) d.push_back({RoadPosition::at_node(NodeId(v)), 1.0});
  return d;
}
ResponsePlanTable table_of(const std::string& rows) {
  auto t = ResponsePlanTable::parse(
      "code,grade,travel_mode,resources,specialty,transport,may_preempt,note\n" + rows);
  REQUIRE(t.ok());
  return *std::move(t);
}

// ResponsePlanRecommender's answer, on reference Dijkstra times, for a call at node 1.
Recommendation plan_answer(const RoadGraph& g, const Fleet& f, const ResponsePlan& plan,
                           IncidentId id) {
  ResponsePlanRecommender strategy(g);
  DijkstraOracle oracle(g);
  Recommendation rec;
  const Incident call =
      Incident::from_plan(id, RoadPosition::at_node(NodeId(1)), sim_time_from_unix(0), plan);
  strategy.recommend(call, f, oracle, rec);
  return rec;
}
}  // namespace

// Target 1200, q = 0.5, demand 1 at nodes 0..5, no turnout.
//   A at 1 covers {0, 1, 2, 4}; B at 4 covers {1, 3, 4}; k = (1, 2, 1, 1, 2, 0).
//   loss(A) = 0.5 (1 + 0.5 + 1 + 0.5) = 1.5; loss(B) = 0.5 (0.5 + 1 + 0.5) = 1.0.
//   E = 0.5 + 0.75 + 0.5 + 0.5 + 0.75 + 0 = 3.0.
TEST_CASE("coverage aware: DMEXCLP loss by hand", "[recommend][coverage]") {
  const RoadGraph g = drawn_town();
  Fleet f = no_turnout_fleet();
  const UnitId a = add(f, "A", 1, kAlsAmb);
  const UnitId b = add(f, "B", 4, kAlsAmb);
  CoverageAware strategy(g, six_points(), {.target = Deciseconds{1200}, .busy_fraction = 0.5});
  DijkstraOracle oracle(g);
  Recommendation rec;
  Incident call = incident_at(RoadPosition::at_node(NodeId(1)));
  call.target = Deciseconds{1200};
  strategy.recommend(call, f, oracle, rec);
  const CoverageModel& m = strategy.model();
  CHECK(m.covered_by(a).size() == 4);
  CHECK(m.covered_by(b).size() == 3);
  CHECK(m.expected_coverage() == Approx(3.0));
  REQUIRE(rec.candidates.size() == 2);
  // Both meet the target; B's leaving costs less coverage though A is on the spot.
  CHECK(rec.candidates[0].unit == b);
  CHECK(rec.candidates[0].coverage_loss == Approx(1.0));
  CHECK(rec.candidates[0].reason == RankReason::kLeastCoverageLoss);
  CHECK(rec.candidates[1].unit == a);
  CHECK(rec.candidates[1].coverage_loss == Approx(1.5));
  // Far incident (node 5, 2400 from both): nobody meets the target -> closest, by id.
  call.position = RoadPosition::at_node(NodeId(5));
  strategy.recommend(call, f, oracle, rec);
  REQUIRE_FALSE(rec.candidates.empty());
  CHECK(rec.candidates[0].unit == a);
  CHECK(rec.candidates[0].reason == RankReason::kClosestNoneInTarget);
  // B goes busy: the model follows the fleet incrementally; A now covers alone.
  REQUIRE(f.dispatch(b, IncidentId(5), PriorityGrade::kII).ok());
  call.position = RoadPosition::at_node(NodeId(1));
  strategy.recommend(call, f, oracle, rec);
  REQUIRE(rec.candidates.size() == 1);
  CHECK(rec.candidates[0].coverage_loss == Approx(2.0));
  CHECK(m.expected_coverage() == Approx(2.0));
  // B moves while busy and comes back available elsewhere (node 0): recomputed.
  REQUIRE(f.set_status(b, UnitStatus::kEnRoute).ok());
  REQUIRE(f.report_position(b, RoadPosition::at_node(NodeId(0))).ok());
  REQUIRE(f.set_status(b, UnitStatus::kAvailableMobile).ok());
  strategy.recommend(call, f, oracle, rec);
  CHECK(m.covered_by(b).size() == 2);  // from node 0 within 1200: nodes 0 and 1
  CoverageAware fresh(g, six_points(), {.target = Deciseconds{1200}, .busy_fraction = 0.5});
  Recommendation rec2;
  fresh.recommend(call, f, oracle, rec2);
  CHECK(fresh.model().expected_coverage() == Approx(m.expected_coverage()));
}

// Coverage is searched on the oracle's own metric (DriveOracle::arc_weights): an oracle on
// slower roads covers less, exactly as a model built on those roads, and handing the
// strategy the free-flow oracle again brings the free-flow lists back.
TEST_CASE("coverage aware: coverage follows the oracle's metric", "[recommend][coverage]") {
  const RoadGraph g = drawn_town();
  Fleet f = no_turnout_fleet();
  const UnitId a = add(f, "A", 1, kAlsAmb);
  const UnitId b = add(f, "B", 4, kAlsAmb);
  const CoverageOptions opts{.target = Deciseconds{1200}, .busy_fraction = 0.5};
  std::vector<Weight> slow(g.weights().begin(), g.weights().end());
  for (Weight& w : slow) w = w * 3 / 2;
  DijkstraOracle free_flow(g), slowed(g, slow);
  CoverageAware strategy(g, six_points(), opts);
  Recommendation rec;
  Incident call = incident_at(RoadPosition::at_node(NodeId(1)));
  call.target = Deciseconds{1200};
  strategy.recommend(call, f, slowed, rec);
  CoverageModel reference(g, slow, six_points(), opts);
  REQUIRE(reference.sync(f).ok());
  for (const UnitId u : {a, b}) {
    const auto got = strategy.model().covered_by(u);
    const auto want = reference.covered_by(u);
    CHECK(std::vector<std::uint32_t>(got.begin(), got.end()) ==
          std::vector<std::uint32_t>(want.begin(), want.end()));
  }
  CHECK(strategy.model().expected_coverage() == Approx(reference.expected_coverage()));
  CHECK(strategy.model().covered_by(a).size() < 4);  // slower roads: A no longer covers all
  strategy.recommend(call, f, free_flow, rec);
  CHECK(strategy.model().covered_by(a).size() == 4);
  CHECK(strategy.model().covered_by(b).size() == 3);
  CHECK(strategy.model().expected_coverage() == Approx(3.0));
}

// Review F7: the model used to recognise "the same fleet" by its address, so after
// `f = other` it replayed only other's last journal entries and kept f's old coverage.
TEST_CASE("coverage aware: assigning another fleet to the synced variable resyncs",
          "[recommend][coverage]") {
  const RoadGraph g = drawn_town();
  const CoverageOptions opt{.target = Deciseconds{1200}, .busy_fraction = 0.5};
  Fleet f = no_turnout_fleet();
  add(f, "A", 1, kAlsAmb);
  add(f, "B", 4, kAlsAmb);
  CoverageModel m(g, six_points(), opt);
  REQUIRE(m.sync(f).ok());
  CHECK(m.expected_coverage() == Approx(3.0));
  // Same call signs, elsewhere, with a longer history so its generation is ahead.
  Fleet other = no_turnout_fleet();
  const UnitId a = add(other, "A", 1, kAlsAmb);
  add(other, "B", 5, kAlsAmb);
  REQUIRE(other.report_position(a, RoadPosition::at_node(NodeId(0))).ok());
  REQUIRE(other.report_position(a, RoadPosition::at_node(NodeId(3))).ok());
  REQUIRE(other.generation() > f.generation());
  f = other;
  REQUIRE(m.sync(f).ok());
  CoverageModel fresh(g, six_points(), opt);
  REQUIRE(fresh.sync(f).ok());
  CHECK(m.expected_coverage() == Approx(fresh.expected_coverage()));
  for (std::uint32_t u = 0; u < f.size(); ++u)
    CHECK(m.covered_by(UnitId(u)).size() == fresh.covered_by(UnitId(u)).size());
}

// Review F13: the public accessors took ids without a range check.
TEST_CASE("coverage aware: ids outside the fleet or the demand answer neutral values",
          "[recommend][coverage]") {
  const RoadGraph g = drawn_town();
  Fleet f = no_turnout_fleet();
  const UnitId a = add(f, "A", 1, kAlsAmb);
  CoverageModel m(g, six_points(), {.target = Deciseconds{1200}, .busy_fraction = 0.5});
  // Before any sync nothing is known about any unit.
  CHECK(m.covered_by(a).empty());
  CHECK(m.departure_loss(a) == 0.0);
  REQUIRE(m.sync(f).ok());
  REQUIRE(m.covered_by(a).size() == 4);
  CHECK(m.departure_loss(a) > 0.0);
  for (const UnitId bad : {UnitId(1), UnitId(1000), UnitId::invalid()}) {
    CHECK(m.covered_by(bad).empty());
    CHECK(m.departure_loss(bad) == 0.0);
  }
  CHECK(m.cover_count(0) == 1);
  CHECK(m.cover_count(6) == 0);
  CHECK(m.cover_count(std::numeric_limits<std::uint32_t>::max()) == 0);
}

TEST_CASE("response plan: look-ahead keeps the only ALS for the ALS line",
          "[recommend][response_plan]") {
  const RoadGraph g = drawn_town();
  // Line 1 takes ALS or BLS, line 2 only ALS. Greedy would spend A (ALS, closest) on line
  // 1 and leave line 2 empty.
  const ResponsePlanTable t = table_of("*,I,lights_and_sirens,als|bls+als,none,yes,no,test\n");
  Fleet f = no_turnout_fleet();
  const UnitId a = add(f, "A", 1, kAlsAmb);
  const UnitId b = add(f, "B", 4, kBlsAmb);
  add(f, "C", 0, CapabilitySet{Capability::kFirstResponder});
  const Recommendation rec = plan_answer(g, f, t.plans()[0], IncidentId(1));
  REQUIRE(rec.candidates.size() == 2);
  CHECK(rec.candidates[0].unit == b);
  CHECK(rec.candidates[0].requirement == 0);
  CHECK(rec.candidates[1].unit == a);
  CHECK(rec.candidates[1].requirement == 1);
  CHECK(rec.shortfalls.empty());
  CHECK(rec.excluded_count[static_cast<int>(ExclusionReason::kLacksCapability)] == 1);
}

TEST_CASE("response plan: counts, shortfalls and negative pressure", "[recommend][response_plan]") {
  const RoadGraph g = drawn_town();
  const ResponsePlanTable t = table_of(
      "*,II,lights_and_sirens,als&negative_pressure&transport+2*first_responder,none,yes,no,"
      "infectious\n");
  Fleet f = no_turnout_fleet();
  add(f, "A", 1, kAlsAmb);  // no negative-pressure cabin
  const UnitId np = add(f, "NP", 3, kAlsAmb | Capability::kNegativePressure);
  const UnitId e1 = add(f, "E1", 2, CapabilitySet{Capability::kFirstResponder});
  const Recommendation rec = plan_answer(g, f, t.plans()[0], IncidentId(2));
  REQUIRE(rec.candidates.size() == 2);
  CHECK(rec.candidates[0].unit == np);  // farther, but the only one qualified
  CHECK(rec.candidates[1].unit == e1);
  REQUIRE(rec.shortfalls.size() == 1);
  CHECK(rec.shortfalls[0].requirement == 1);
  CHECK(rec.shortfalls[0].missing == 1);
  CHECK(explain(rec, f).find("requirement #2: 1 unit(s) missing") != std::string::npos);
}

TEST_CASE("response plan: a helicopter where roads cannot serve", "[recommend][response_plan]") {
  const RoadGraph g = drawn_town();
  const ResponsePlanTable t = table_of("*,I,lights_and_sirens,als&transport,none,yes,no,x\n");
  Fleet f = no_turnout_fleet();
  add(f, "M1", 1, kAlsAmb);
  const UnitId heli = add(f, "H1", 0, kAlsAmb | Capability::kAir);
  ResponsePlanRecommender strategy(g, {}, {.air_speed_kmh = 200.0});
  DijkstraOracle oracle(g);
  Recommendation rec;
  // Reachable by road: the ambulance goes, the helicopter stays.
  Incident call = Incident::from_plan(IncidentId(3), RoadPosition::at_node(NodeId(2)),
                                      sim_time_from_unix(0), t.plans()[0]);
  strategy.recommend(call, f, oracle, rec);
  REQUIRE(rec.candidates.size() == 1);
  CHECK(rec.candidates[0].unit == UnitId(0));
  // Node 6 has no road in: only the helicopter can serve it, at straight-line speed.
  call.position = RoadPosition::at_node(NodeId(6));
  strategy.recommend(call, f, oracle, rec);
  REQUIRE(rec.candidates.size() == 1);
  CHECK(rec.candidates[0].unit == heli);
  const double km = haversine(g.coordinate(NodeId(0)), g.coordinate(NodeId(6))).value() / 1000;
  CHECK(rec.candidates[0].eta ==
        PlanOptions{}.air_turnout + Deciseconds::from_seconds(km / 200.0 * 3600.0));
}

TEST_CASE("preemption: divert a unit from a grade IV call when much closer",
          "[recommend][preemption]") {
  const RoadGraph g = drawn_town();
  Fleet f = no_turnout_fleet();
  const UnitId a = add(f, "A", 3, kAlsAmb);  // 3000 from node 2
  const UnitId b = add(f, "B", 1, kAlsAmb);  // 1200 from node 2, busy on a grade IV call
  REQUIRE(f.dispatch(b, IncidentId(41), PriorityGrade::kIV).ok());
  REQUIRE(f.set_status(b, UnitStatus::kEnRoute).ok());
  Incident call = incident_at(RoadPosition::at_node(NodeId(2)), Capability::kAls, 42);
  call.preempt_from = GradeSet::less_urgent_than(PriorityGrade::kII);  // III, IV
  Preemption strategy({.min_saving = Deciseconds::from_seconds(180)});
  DijkstraOracle oracle(g);
  Recommendation rec;
  strategy.recommend(call, f, oracle, rec);
  REQUIRE(rec.candidates.size() == 2);
  CHECK(rec.candidates[0].unit == b);
  CHECK(rec.candidates[0].reason == RankReason::kPreemptFaster);
  REQUIRE(rec.candidates[0].preempts.has_value());
  CHECK(rec.candidates[0].preempts->incident == IncidentId(41));
  CHECK(rec.candidates[0].preempts->grade == PriorityGrade::kIV);
  CHECK(rec.candidates[0].saving == Deciseconds{1800});
  CHECK(rec.candidates[1].unit == a);
  CHECK(explain(rec, f).find("takes it from incident 41 (grade IV), saves 3:00") !=
        std::string::npos);
  // Saving below the threshold: keep B on its call.
  Preemption strict({.min_saving = Deciseconds::from_seconds(181)});
  strict.recommend(call, f, oracle, rec);
  REQUIRE(rec.candidates.size() == 1);
  CHECK(rec.candidates[0].unit == a);
  // A grade II call may not be robbed by this plan.
  REQUIRE(f.dispatch(b, IncidentId(43), PriorityGrade::kII).ok());
  strategy.recommend(call, f, oracle, rec);
  REQUIRE(rec.candidates.size() == 1);
  CHECK(rec.excluded_count[static_cast<int>(ExclusionReason::kNotPreemptable)] == 1);
  // Without any available unit, even a small saving justifies the diversion.
  REQUIRE(f.set_status(a, UnitStatus::kOutOfService).ok());
  REQUIRE(f.dispatch(b, IncidentId(44), PriorityGrade::kIII).ok());
  strict.recommend(call, f, oracle, rec);
  REQUIRE(rec.candidates.size() == 1);
  CHECK(rec.candidates[0].unit == b);
  CHECK(rec.candidates[0].saving.is_infinite());
}

TEST_CASE("CH oracle equals the reference through moves and status changes",
          "[recommend][oracle][ch]") {
  auto loaded = load_graph(dk_test::bundled("sf/sf_osm_edges.csv.xz"));
  REQUIRE(loaded.ok());
  const RoadGraph& g = *loaded;
  auto ch = ContractionHierarchy::build(g);
  REQUIRE(ch.ok());
  ChOracle fast(*ch, g);
  DijkstraOracle reference(g);
  Fleet f({.journal_capacity = 64});  // small: the lagging path (full resync) runs too
  std::uint64_t s = 99;
  auto rnd = [&] { return detail::splitmix64(s++); };
  auto random_position = [&] {
    const ArcId arc(static_cast<std::uint32_t>(rnd() % g.arc_count()));
    const auto back = g.find_arc(g.head(arc), g.tail(arc));
    return RoadPosition::on_arc(arc, static_cast<float>(rnd() % 100) / 100.0f,
                                back ? *back : ArcId::invalid());
  };
  for (int i = 0; i < 300; ++i)
    REQUIRE(f.add_unit({.call_sign = "U" + std::to_string(i),
                        .capabilities = kAlsAmb,
                        .position = random_position()})
                .ok());
  std::vector<Weight> a(f.size()), b(f.size());
  for (int round = 0; round < 40; ++round) {
    // A burst of fleet changes: GPS moves, dispatches, returns; sometimes more than the
    // journal holds.
    const int changes = round % 10 == 9 ? 200 : 10;
    for (int c = 0; c < changes; ++c) {
      const UnitId u(static_cast<std::uint32_t>(rnd() % f.size()));
      const UnitStatus st = f.unit(u).status();
      if (is_available(st) && rnd() % 3 == 0) {
        REQUIRE(f.dispatch(u, IncidentId(1 + c), PriorityGrade::kIII).ok());
      } else if (st == UnitStatus::kDispatched) {
        REQUIRE(
            f.set_status(u, rnd() % 2 ? UnitStatus::kAvailableMobile : UnitStatus::kEnRoute).ok());
      } else if (st == UnitStatus::kEnRoute) {
        REQUIRE(f.set_status(u, UnitStatus::kOnScene).ok());
      } else if (st == UnitStatus::kOnScene) {
        REQUIRE(f.set_status(u, UnitStatus::kReturning).ok());
      }
      REQUIRE(f.report_position(u, random_position()).ok());
    }
    const RoadPosition target = random_position();
    const TravelMode mode = round % 2 ? TravelMode::kNormal : TravelMode::kLightsAndSirens;
    REQUIRE(fast.sync(f).ok());
    REQUIRE(reference.sync(f).ok());
    fast.travel_times_to(target, mode, a);
    reference.travel_times_to(target, mode, b);
    for (std::size_t u = 0; u < f.size(); ++u) {
      INFO("round " << round << " unit " << u);
      REQUIRE(a[u] == b[u]);
    }
  }
}

TEST_CASE("registry: names, errors, a researcher's strategy in one line", "[recommend][any]") {
  const RoadGraph g = drawn_town();
  auto& registry = RecommenderRegistry::global();
  const auto names = registry.names();
  for (std::string_view n :
       {"closest_idle", "response_plan", "coverage_aware", "preemption", "keep_station_covered"})
    CHECK(std::find(names.begin(), names.end(), n) != names.end());
  auto missing = registry.create("nearest_taxi", {});
  CHECK(missing.status().code() == absl::StatusCode::kNotFound);
  CHECK(missing.status().message().find("known: closest_idle") != std::string::npos);
  CHECK(registry.create("coverage_aware", {}).status().code() ==
        absl::StatusCode::kFailedPrecondition);
  CHECK_FALSE(registry.add<ClosestIdle>());  // duplicate names are refused

  // The example strategy: the fastest unit is the last one in quarters at station 7; the
  // unit from station 9 (two in quarters) is 120 s slower: beyond the default 60 s
  // slack, within a 120 s one.
  Fleet f;
  auto put = [&](const std::string& name, std::uint32_t station, std::uint32_t node) {
    auto id = f.add_unit({.call_sign = name,
                          .home_station = station,
                          .capabilities = kAlsAmb,
                          .position = RoadPosition::at_node(NodeId(node))});
    REQUIRE(id.ok());
    return *id;
  };
  put("S7", 7, 4);                      // 600 to node 1
  const UnitId s9a = put("S9a", 9, 3);  // 1800 to node 1
  put("S9b", 9, 5);                     // 2400 to node 1
  auto mine = registry.create("keep_station_covered", {.graph = &g});
  REQUIRE(mine.ok());
  DijkstraOracle oracle(g);
  AnyOracle any(oracle);
  Recommendation rec;
  const Incident call = incident_at(RoadPosition::at_node(NodeId(1)));
  mine->recommend(call, f, any, rec);
  REQUIRE(rec.candidates.size() == 1);
  CHECK(rec.candidates[0].unit == UnitId(0));  // S7
  my_lab::KeepStationCovered generous(Deciseconds::from_seconds(120));
  generous.recommend(call, f, oracle, rec);
  REQUIRE(rec.candidates.size() == 1);
  CHECK(rec.candidates[0].unit == s9a);
}
