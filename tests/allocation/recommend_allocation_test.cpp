// The dispatch loop's calls, allocation-free after warm-up (README "What allocates"): the
// ETA oracles' sync() and travel_times_to(), and every shipped strategy's recommend() with
// a reused Recommendation, directly and through the AnyRecommender / AnyOracle seam. On
// the bundled San Francisco graph with a mixed fleet of 60 units and 300 incidents; the
// first pass is the warm-up, the second is counted (counting_new.hpp).
//
// The pending-call queue's operations are pinned the same way in tests/triage/
// allocation_test.cpp (a full queue refuses a push; only reserve() grows it).
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "counting_new.hpp"
#include "dispatchkit/recommend/recommend.hpp"
#include "dispatchkit/triage/determinant.hpp"
#include "dispatchkit/triage/response_plan.hpp"
#include "robustness/robustness_fixtures.hpp"

using namespace dispatchkit;
using dk_alloc::AllocationCount;
using dk_alloc::allocations_in;
using dk_alloc::ref;

namespace {

static_assert(noexcept(ref<ChOracle>().sync(ref<const Fleet>())));
static_assert(noexcept(ref<ChOracle>().travel_times_to(ref<const RoadPosition>(),
                                                       TravelMode::kLightsAndSirens,
                                                       ref<std::span<Weight>>())));
static_assert(noexcept(ref<DijkstraOracle>().sync(ref<const Fleet>())));
static_assert(noexcept(ref<DijkstraOracle>().travel_times_to(ref<const RoadPosition>(),
                                                             TravelMode::kLightsAndSirens,
                                                             ref<std::span<Weight>>())));
static_assert(noexcept(ref<AnyOracle>().sync(ref<const Fleet>())));
static_assert(noexcept(ref<CoverageModel>().sync(ref<const Fleet>())));
template <class Strategy, class Oracle>
constexpr bool kRecommendIsNoexcept = noexcept(ref<Strategy>().recommend(
    ref<const Incident>(), ref<const Fleet>(), ref<Oracle>(), ref<Recommendation>()));
static_assert(kRecommendIsNoexcept<ClosestIdle, ChOracle>);
static_assert(kRecommendIsNoexcept<ResponsePlanRecommender, ChOracle>);
static_assert(kRecommendIsNoexcept<CoverageAware, ChOracle>);
static_assert(kRecommendIsNoexcept<Preemption, ChOracle>);
static_assert(kRecommendIsNoexcept<ClosestIdle, DijkstraOracle>);
static_assert(kRecommendIsNoexcept<AnyRecommender, AnyOracle>);

constexpr int kUnits = 60;
constexpr int kIncidents = 300;

const CapabilitySet kAls = CapabilitySet{Capability::kAls} | Capability::kTransport;
const CapabilitySet kBls = CapabilitySet{Capability::kBls} | Capability::kTransport;
const CapabilitySet kEngine = CapabilitySet{Capability::kFirstResponder};

// 60 units at random places: ALS and BLS ambulances and engines; a few dispatched to
// grade III calls (preemptable by a grade I call) and a few out of service.
Fleet mixed_fleet() {
  const RoadGraph& g = dk_robust::sf_graph();
  dk_robust::Rng rng(60);
  Fleet fleet;
  for (int i = 0; i < kUnits; ++i) {
    const CapabilitySet caps = i % 3 == 0 ? kAls : i % 3 == 1 ? kBls : kEngine;
    auto id = fleet.add_unit({.call_sign = "M" + std::to_string(i),
                              .home_station = static_cast<std::uint32_t>(i % 12),
                              .capabilities = caps,
                              .position = dk_robust::random_position(g, rng)});
    REQUIRE(id.ok());
    if (i % 10 == 4) REQUIRE(fleet.dispatch(*id, IncidentId(9000 + i), PriorityGrade::kIII).ok());
    if (i % 10 == 7) REQUIRE(fleet.set_status(*id, UnitStatus::kOutOfService).ok());
  }
  return fleet;
}

// Incidents with response plans from the default table (cardiac arrest, breathing problems,
// falls, ...), so ResponsePlanRecommender fills multi-unit plans and Preemption may divert.
std::vector<Incident> incidents() {
  const RoadGraph& g = dk_robust::sf_graph();
  constexpr std::array<std::string_view, 5> kCodes = {"9-E-1", "6-D-1", "17-A-1", "10-C-1",
                                                      "26-A-1"};
  std::vector<const ResponsePlan*> plans;
  for (std::string_view c : kCodes) {
    absl::StatusOr<DeterminantCode> code = DeterminantCode::parse(c);
    REQUIRE(code.ok());
    const ResponsePlan* plan = ResponsePlanTable::default_table().lookup(*code);
    REQUIRE(plan != nullptr);
    plans.push_back(plan);
  }
  dk_robust::Rng rng(300);
  std::vector<Incident> out;
  for (int i = 0; i < kIncidents; ++i)
    out.push_back(Incident::from_plan(IncidentId(static_cast<std::uint64_t>(i + 1)),
                                      dk_robust::random_position(g, rng),
                                      sim_time_from_unix(1483228800 + 60 * i),
                                      *plans[static_cast<std::size_t>(i) % plans.size()]));
  return out;
}

std::vector<DemandPoint> demand() {
  const RoadGraph& g = dk_robust::sf_graph();
  dk_robust::Rng rng(50);
  std::vector<DemandPoint> d;
  for (int i = 0; i < 80; ++i) d.push_back({dk_robust::random_position(g, rng), 1.0 + i % 3});
  return d;
}

// Runs `strategy` over every incident twice with one Recommendation; returns the
// allocations of the second pass. `answered` counts non-empty answers of that pass.
template <class Strategy, class Oracle>
std::uint64_t second_pass_allocations(Strategy& strategy, const Fleet& fleet, Oracle& oracle,
                                      const std::vector<Incident>& calls, int& answered) {
  Recommendation rec;
  for (const Incident& call : calls) strategy.recommend(call, fleet, oracle, rec);
  answered = 0;
  bool all_ok = true;
  const std::uint64_t n = allocations_in([&] {
    for (const Incident& call : calls) {
      strategy.recommend(call, fleet, oracle, rec);
      answered += rec.empty() ? 0 : 1;
      all_ok = all_ok && rec.status.ok();
    }
  });
  CHECK(all_ok);
  return n;
}

TEST_CASE("every shipped strategy recommends without allocating after warm-up",
          "[allocation][recommend]") {
  const Fleet fleet = mixed_fleet();
  const std::vector<Incident> calls = incidents();
  ChOracle oracle(dk_robust::sf_ch(), dk_robust::sf_graph());
  REQUIRE(oracle.sync(fleet).ok());
  int answered = 0;

  SECTION("ClosestIdle") {
    ClosestIdle s;
    CHECK(second_pass_allocations(s, fleet, oracle, calls, answered) == 0);
    // explain() writes the answer out for a dispatcher: a new string.
    Recommendation rec;
    s.recommend(calls[0], fleet, oracle, rec);
    std::string text;
    const std::uint64_t explained = allocations_in([&] { text = explain(rec, fleet); });
    CHECK_FALSE(text.empty());
    CHECK(explained >= 1);
  }
  SECTION("ResponsePlanRecommender") {
    ResponsePlanRecommender s(dk_robust::sf_graph());
    CHECK(second_pass_allocations(s, fleet, oracle, calls, answered) == 0);
  }
  SECTION("CoverageAware") {
    CoverageAware s(dk_robust::sf_graph(), demand());
    CHECK(second_pass_allocations(s, fleet, oracle, calls, answered) == 0);
  }
  SECTION("Preemption") {
    Preemption s({.min_saving = Deciseconds::from_seconds(30)});
    CHECK(second_pass_allocations(s, fleet, oracle, calls, answered) == 0);
  }
  SECTION("ClosestIdle over the reference DijkstraOracle") {
    DijkstraOracle reference(dk_robust::sf_graph());
    REQUIRE(reference.sync(fleet).ok());
    ClosestIdle s;
    CHECK(second_pass_allocations(s, fleet, reference, calls, answered) == 0);
  }
  SECTION("each built-in name through AnyRecommender and AnyOracle") {
    for (std::string_view name :
         {"closest_idle", "response_plan", "coverage_aware", "preemption"}) {
      RecommenderContext ctx{.graph = &dk_robust::sf_graph(), .demand = demand()};
      auto strategy = RecommenderRegistry::global().create(name, ctx);
      REQUIRE(strategy.ok());
      AnyOracle any(oracle);
      INFO(name);
      CHECK(second_pass_allocations(*strategy, fleet, any, calls, answered) == 0);
      CHECK(answered > kIncidents / 2);
    }
  }
  CHECK(answered > kIncidents / 2);  // the strategies found units: the loops did real work
}

TEST_CASE("ETA oracles: travel_times_to never allocates; sync only while buckets grow",
          "[allocation][recommend]") {
  Fleet fleet = mixed_fleet();
  const std::vector<Incident> calls = incidents();
  ChOracle ch(dk_robust::sf_ch(), dk_robust::sf_graph());
  DijkstraOracle reference(dk_robust::sf_graph());
  REQUIRE(ch.sync(fleet).ok());
  REQUIRE(reference.sync(fleet).ok());
  std::vector<Weight> out(fleet.size());
  ch.travel_times_to(calls[0].position, TravelMode::kNormal, out);
  reference.travel_times_to(calls[0].position, TravelMode::kNormal, out);

  Weight sum = 0;
  const std::uint64_t queries = allocations_in([&] {
    for (const Incident& call : calls) {
      ch.travel_times_to(call.position, call.mode, out);
      sum += out[call.id.value() % kUnits] & 1;
      reference.travel_times_to(call.position, call.mode, out);
      sum += out[call.id.value() % kUnits] & 1;
    }
  });
  CHECK(sum > 0);
  CHECK(queries == 0);

  // GPS fixes: every unit drives through a fixed sequence of positions and back home.
  // The first pass grows the oracle's buckets (warm-up); the second syncs without
  // allocating. Only the oracles' sync() is counted, not the fleet's own bookkeeping.
  const RoadGraph& g = dk_robust::sf_graph();
  std::vector<RoadPosition> home;
  for (const Unit& u : fleet.units()) home.push_back(u.position());
  dk_robust::Rng rng(17);
  std::vector<std::pair<UnitId, RoadPosition>> fixes;
  for (int i = 0; i < 400; ++i)
    fixes.emplace_back(UnitId(rng.below(kUnits)), dk_robust::random_position(g, rng));
  auto drive = [&](std::uint64_t& synced_allocations) {
    bool ok = true;
    auto sync_both = [&] {
      AllocationCount count;
      ok = ch.sync(fleet).ok() && ok;
      ok = reference.sync(fleet).ok() && ok;
      synced_allocations += count.allocations();
    };
    for (const auto& [unit, position] : fixes) {
      REQUIRE(fleet.report_position(unit, position).ok());
      sync_both();
    }
    for (std::uint32_t u = 0; u < kUnits; ++u)
      REQUIRE(fleet.report_position(UnitId(u), home[u]).ok());
    sync_both();
    return ok;
  };
  std::uint64_t warm_up = 0, warm = 0;
  REQUIRE(drive(warm_up));
  REQUIRE(drive(warm));
  CHECK(warm == 0);
}

}  // namespace
