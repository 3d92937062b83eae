// The conformance suite every shipped strategy must pass (TEMPLATE_TEST_CASE over the
// strategy types, plus each built-in name through AnyRecommender, plus RollingFirst, a
// rule built from the public kit alone): never an unavailable or unqualified unit, never
// a unit twice, ETAs equal to the reference Dijkstra plus turnout, deterministic ties,
// empty answers (not errors) for an empty fleet or an unreachable incident.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "dispatchkit/detail/hash.hpp"
#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/triage/response_plan.hpp"
#include "recommend_fixtures.hpp"
#include "test_data.hpp"

using namespace dispatchkit;
using namespace dk_rec_test;

namespace {

// Demand for CoverageAware: every node, weight 1 + (id mod 3).
std::vector<DemandPoint> every_node(const RoadGraph& g) {
  std::vector<DemandPoint> d;
  for (std::uint32_t v = 0; v < g.node_count(); ++v)
    d.push_back({RoadPosition::at_node(NodeId(v)), 1.0 + v % 3});
  return d;
}

// How each strategy under test is built.
template <class S>
struct Make;
template <>
struct Make<ClosestIdle> {
  static ClosestIdle make(const RoadGraph&) { return ClosestIdle({.max_candidates = 4}); }
};
template <>
struct Make<ResponsePlanRecommender> {
  static ResponsePlanRecommender make(const RoadGraph& g) { return ResponsePlanRecommender(g); }
};
template <>
struct Make<CoverageAware> {
  static CoverageAware make(const RoadGraph& g) {
    return CoverageAware(g, every_node(g), {.target = Deciseconds::from_seconds(300)},
                         {.max_candidates = 4});
  }
};
template <>
struct Make<Preemption> {
  static Preemption make(const RoadGraph&) {
    return Preemption({.min_saving = Deciseconds::from_seconds(30)}, {.max_candidates = 4});
  }
};
template <>
struct Make<RollingFirst> {
  static RollingFirst make(const RoadGraph&) { return RollingFirst({.max_candidates = 4}); }
};
// The same four through the runtime seam; the oracle is wrapped in AnyOracle below.
template <int kIndex>
struct ByName {};
constexpr std::array<std::string_view, 4> kBuiltinNames = {"closest_idle", "response_plan",
                                                           "coverage_aware", "preemption"};
template <int kIndex>
struct Make<ByName<kIndex>> {
  static AnyRecommender make(const RoadGraph& g) {
    RecommenderContext ctx{.graph = &g, .demand = every_node(g)};
    ctx.coverage.target = Deciseconds::from_seconds(300);
    ctx.preemption.min_saving = Deciseconds::from_seconds(30);
    auto r = RecommenderRegistry::global().create(kBuiltinNames[kIndex], ctx);
    REQUIRE(r.ok());
    CHECK(r->name() == kBuiltinNames[kIndex]);
    return *std::move(r);
  }
};

// Runs strategy `s` with a DijkstraOracle (wrapped in AnyOracle for AnyRecommender).
template <class S>
void run(S& s, const Incident& i, const Fleet& f, DijkstraOracle& o, Recommendation& out) {
  if constexpr (std::is_same_v<S, AnyRecommender>) {
    AnyOracle any(o);
    s.recommend(i, f, any, out);
  } else {
    s.recommend(i, f, o, out);
  }
}

const ResponsePlan& arrest_plan() {  // 9-E-1: ALS ambulance + AED volunteer | first responder
  const auto code = DeterminantCode::parse("9-E-1");
  REQUIRE(code.ok());
  const ResponsePlan* plan = ResponsePlanTable::default_table().lookup(*code);
  REQUIRE(plan != nullptr);
  return *plan;
}

// Every promise of the concept, checked on one answer.
void check_answer(const Recommendation& rec, const Incident& incident, const Fleet& fleet,
                  const RoadGraph& g, Dijkstra& reference) {
  std::set<std::uint32_t> seen;
  for (const Candidate& c : rec.candidates) {
    REQUIRE(fleet.contains(c.unit));
    const Unit& u = fleet.unit(c.unit);
    INFO("unit " << u.call_sign() << " status " << to_string(u.status()));
    CHECK(seen.insert(c.unit.value()).second);  // never twice
    if (c.preempts) {
      CHECK(is_divertible(u.status()));
      REQUIRE(u.assignment().has_value());
      CHECK(incident.preempt_from.contains(u.assignment()->grade));
      CHECK(c.preempts->incident == u.assignment()->incident);
    } else {
      CHECK(is_available(u.status()));
    }
    if (c.requirement != kNoRequirement) {
      REQUIRE(c.requirement < incident.requirements().size());
      CHECK(incident.requirements()[c.requirement].is_met_by(u.capabilities()));
    } else {
      CHECK(incident.primary_accepts(u.capabilities()));
    }
    const Weight road = reference.distance(u.position(), incident.position).count();
    const Deciseconds expected =
        fleet.turnout(u.status()) + Deciseconds(weight_in_mode(road, incident.mode, {}));
    CHECK(c.eta == expected);
    CHECK(c.turnout == fleet.turnout(u.status()));
    CHECK(c.meets_target == (c.eta <= incident.target));
  }
  // Exclusions name real units, once each, none of them recommended.
  std::set<std::uint32_t> excluded;
  for (const Exclusion& e : rec.excluded) {
    CHECK(excluded.insert(e.unit.value()).second);
    CHECK(seen.count(e.unit.value()) == 0);
  }
  std::uint32_t counted = 0;
  for (std::uint32_t n : rec.excluded_count) counted += n;
  CHECK(counted == rec.excluded.size());
  (void)g;
}

// A random fleet: statuses across the lifecycle, capability mixes, positions mid-street.
Fleet random_fleet(const RoadGraph& g, std::uint32_t units, std::uint64_t seed) {
  Fleet f({.turnout_at_station = Deciseconds{450}, .turnout_rolling = Deciseconds{100}});
  std::uint64_t s = seed;
  auto next = [&] { return detail::splitmix64(s++); };
  const std::array<CapabilitySet, 5> mixes = {
      kAlsAmb, kBlsAmb, CapabilitySet{Capability::kAedVolunteer},
      CapabilitySet{Capability::kFirstResponder}, kAlsAmb | Capability::kNegativePressure};
  for (std::uint32_t i = 0; i < units; ++i) {
    RoadPosition pos;
    if (next() % 2 == 0) {
      pos = RoadPosition::at_node(NodeId(static_cast<std::uint32_t>(next() % g.node_count())));
    } else {
      const ArcId a(static_cast<std::uint32_t>(next() % g.arc_count()));
      const auto back = g.find_arc(g.head(a), g.tail(a));
      pos = RoadPosition::on_arc(a, static_cast<float>(next() % 1000) / 1000.0f,
                                 back ? *back : ArcId::invalid());
    }
    const UnitStatus start =
        next() % 5 == 0 ? UnitStatus::kAvailableMobile : UnitStatus::kAvailableAtStation;
    auto id = f.add_unit({.call_sign = "U" + std::to_string(i),
                          .capabilities = mixes[next() % mixes.size()],
                          .status = start,
                          .position = pos});
    REQUIRE(id.ok());
    switch (next() % 6) {
      case 0:
        REQUIRE(f.set_status(*id, UnitStatus::kOutOfService).ok());
        break;
      case 1:
      case 2: {
        const auto grade = static_cast<PriorityGrade>(1 + next() % 4);
        REQUIRE(f.dispatch(*id, IncidentId(1000 + i), grade).ok());
        if (next() % 2 == 0) {
          REQUIRE(f.set_status(*id, UnitStatus::kEnRoute).ok());
          if (next() % 3 == 0) REQUIRE(f.set_status(*id, UnitStatus::kOnScene).ok());
        }
        break;
      }
      default:
        break;
    }
  }
  return f;
}

}  // namespace

#define DK_STRATEGIES                                                                    \
  ClosestIdle, ResponsePlanRecommender, CoverageAware, Preemption, ByName<0>, ByName<1>, \
      ByName<2>, ByName<3>, RollingFirst

TEMPLATE_TEST_CASE("conformance: empty fleet and unreachable incidents are empty answers",
                   "[recommend][conformance]", DK_STRATEGIES) {
  const RoadGraph g = drawn_town();
  auto strategy = Make<TestType>::make(g);
  DijkstraOracle oracle(g);
  Recommendation rec;
  Fleet empty;
  Incident call = Incident::from_plan(IncidentId(1), RoadPosition::at_node(NodeId(1)),
                                      sim_time_from_unix(0), arrest_plan());
  run(strategy, call, empty, oracle, rec);
  CHECK(rec.candidates.empty());
  CHECK(rec.suitable_count == 0);

  Fleet f;
  add(f, "A", 0, kAlsAmb);
  add(f, "B", 4, CapabilitySet{Capability::kFirstResponder});
  call.position = RoadPosition::at_node(NodeId(6));  // nobody can reach node 6
  run(strategy, call, f, oracle, rec);
  CHECK(rec.candidates.empty());
  // A is unreachable; B too for a plan strategy (it may fill the AED line), while the
  // single-unit strategies set it aside first for lacking ALS.
  const auto unreachable = rec.excluded_count[static_cast<int>(ExclusionReason::kUnreachable)];
  CHECK(unreachable >= 1);
  CHECK(unreachable + rec.excluded_count[static_cast<int>(ExclusionReason::kLacksCapability)] == 2);
  call.position = RoadPosition();  // not snapped
  run(strategy, call, f, oracle, rec);
  CHECK(rec.candidates.empty());
  // The same fleet and a reachable scene: an answer again (the workspace recovers).
  call.position = RoadPosition::at_node(NodeId(1));
  run(strategy, call, f, oracle, rec);
  REQUIRE_FALSE(rec.candidates.empty());
  CHECK(rec.candidates[0].unit == UnitId(0));
}

TEMPLATE_TEST_CASE("conformance: ties break by unit id, answers repeat exactly",
                   "[recommend][conformance]", DK_STRATEGIES) {
  const RoadGraph g = drawn_town();
  auto strategy = Make<TestType>::make(g);
  DijkstraOracle oracle(g);
  Fleet f;
  // Two identical ALS ambulances on the same corner, added in reverse name order.
  add(f, "Z", 4, kAlsAmb);
  add(f, "Y", 4, kAlsAmb);
  add(f, "X", 3, CapabilitySet{Capability::kAedVolunteer});
  const Incident call = Incident::from_plan(IncidentId(1), RoadPosition::at_node(NodeId(1)),
                                            sim_time_from_unix(0), arrest_plan());
  Recommendation first, again;
  run(strategy, call, f, oracle, first);
  REQUIRE_FALSE(first.candidates.empty());
  CHECK(first.candidates[0].unit == UnitId(0));
  run(strategy, call, f, oracle, again);
  REQUIRE(again.candidates.size() == first.candidates.size());
  for (std::size_t i = 0; i < first.candidates.size(); ++i) {
    CHECK(again.candidates[i].unit == first.candidates[i].unit);
    CHECK(again.candidates[i].eta == first.candidates[i].eta);
    CHECK(again.candidates[i].coverage_loss == first.candidates[i].coverage_loss);
  }
}

TEMPLATE_TEST_CASE("conformance: bad transitions leave the fleet and the answer unchanged",
                   "[recommend][conformance]", DK_STRATEGIES) {
  const RoadGraph g = drawn_town();
  auto strategy = Make<TestType>::make(g);
  DijkstraOracle oracle(g);
  Fleet f;
  const UnitId a = add(f, "A", 4, kAlsAmb);
  const Incident call = Incident::from_plan(IncidentId(1), RoadPosition::at_node(NodeId(1)),
                                            sim_time_from_unix(0), arrest_plan());
  Recommendation before, after;
  run(strategy, call, f, oracle, before);
  CHECK(f.set_status(a, UnitStatus::kTransporting).code() == absl::StatusCode::kFailedPrecondition);
  CHECK(f.set_status(UnitId(5), UnitStatus::kOutOfService).code() == absl::StatusCode::kOutOfRange);
  run(strategy, call, f, oracle, after);
  REQUIRE(before.candidates.size() == after.candidates.size());
  REQUIRE_FALSE(after.candidates.empty());
  CHECK(after.candidates[0].unit == a);
  // A unit that goes busy is never proposed as available again.
  REQUIRE(f.dispatch(a, IncidentId(77), PriorityGrade::kI).ok());
  run(strategy, call, f, oracle, after);
  CHECK(after.candidates.empty());  // grade I calls are not preemptable
}

TEMPLATE_TEST_CASE("conformance: random fleets on the drawn town and bundled SF",
                   "[recommend][conformance]", DK_STRATEGIES) {
  const bool on_sf = GENERATE(false, true);
  RoadGraph g = drawn_town();
  if (on_sf) {
    auto loaded = load_graph(dk_test::bundled("sf/sf_osm_edges.csv.xz"));
    REQUIRE(loaded.ok());
    g = *std::move(loaded);
  }
  auto strategy = Make<TestType>::make(g);
  DijkstraOracle oracle(g);
  Dijkstra reference(g);
  Recommendation rec;
  const std::uint32_t units = on_sf ? 120 : 12;
  const int rounds = on_sf ? 3 : 10;
  std::uint64_t seed = 7;
  std::size_t answered = 0;
  for (int round = 0; round < rounds; ++round) {
    Fleet f = random_fleet(g, units, 1000 + round);
    for (int k = 0; k < 8; ++k) {
      Incident call = Incident::from_plan(IncidentId(round * 100 + k),
                                          RoadPosition::at_node(NodeId(static_cast<std::uint32_t>(
                                              detail::splitmix64(seed++) % g.node_count()))),
                                          sim_time_from_unix(1483228800), arrest_plan());
      if (k % 3 == 1) call.mode = TravelMode::kNormal;
      if (k % 4 == 3) call.needs = Capability::kNegativePressure;
      run(strategy, call, f, oracle, rec);
      check_answer(rec, call, f, g, reference);
      answered += rec.candidates.empty() ? 0 : 1;
    }
  }
  CHECK(answered > 0);  // the checks above saw real answers
}
