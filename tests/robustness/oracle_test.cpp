// The CH travel-time oracle follows a fleet through its change journal. These tests
// compare it with the reference DijkstraOracle after the situations a CAD integration
// produces: units moved, busy, back, and the fleet object replaced by another one.
#include <catch2/catch.hpp>

#include <vector>

#include "dispatchkit/recommend/ch_oracle.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "robustness_fixtures.hpp"

using namespace dispatchkit;

namespace {

void expect_same(ChOracle& ch, DijkstraOracle& ref, const Fleet& fleet, dk_robust::Rng& rng,
                 int targets) {
  const RoadGraph& g = dk_robust::sf_graph();
  REQUIRE(ch.sync(fleet).ok());
  REQUIRE(ref.sync(fleet).ok());
  std::vector<Weight> a(fleet.size() + 2), b(fleet.size() + 2);
  for (int i = 0; i < targets; ++i) {
    const RoadPosition t = dk_robust::random_position(g, rng);
    for (const TravelMode m : {TravelMode::kLightsAndSirens, TravelMode::kNormal}) {
      ch.travel_times_to(t, m, a);
      ref.travel_times_to(t, m, b);
      CHECK(a == b);
    }
  }
}

Fleet random_fleet(dk_robust::Rng& rng, int units, const char* prefix) {
  Fleet f;
  for (int i = 0; i < units; ++i)
    REQUIRE(f.add_unit({.call_sign = std::string(prefix) + std::to_string(i),
                        .position = dk_robust::random_position(dk_robust::sf_graph(), rng)})
                .ok());
  return f;
}

// San Francisco, a seeded random fleet and both oracles over it: where these tests start.
struct OraclePair {
  OraclePair(std::uint64_t seed, int units, const char* prefix)
      : rng(seed), fleet(random_fleet(rng, units, prefix)), ch(dk_robust::sf_ch(), g), ref(g) {}
  const RoadGraph& g = dk_robust::sf_graph();
  dk_robust::Rng rng;
  Fleet fleet;
  ChOracle ch;
  DijkstraOracle ref;
};

}  // namespace

TEST_CASE("ChOracle equals DijkstraOracle through moves, busy units and returns",
          "[robustness][recommend]") {
  OraclePair setup(41, 12, "M");
  auto& [g, rng, fleet, ch, ref] = setup;
  expect_same(ch, ref, fleet, rng, 5);
  REQUIRE(fleet.dispatch(UnitId(3), IncidentId(1), PriorityGrade::kI).ok());
  REQUIRE(fleet.set_status(UnitId(3), UnitStatus::kEnRoute).ok());
  REQUIRE(fleet.set_status(UnitId(3), UnitStatus::kOnScene).ok());  // no longer needs ETAs
  REQUIRE(fleet.report_position(UnitId(5), dk_robust::random_position(g, rng)).ok());
  REQUIRE(fleet.set_status(UnitId(7), UnitStatus::kOutOfService).ok());
  expect_same(ch, ref, fleet, rng, 5);
  // A unit placed outside the graph is simply unreachable for the CH oracle.
  REQUIRE(fleet
              .add_unit({.call_sign = "LOST",
                         .position = RoadPosition::on_arc(ArcId(g.arc_count() + 9), 0.5f)})
              .ok());
  REQUIRE(ch.sync(fleet).ok());
  std::vector<Weight> out(fleet.size());
  ch.travel_times_to(RoadPosition::at_node(NodeId(0)), TravelMode::kLightsAndSirens, out);
  CHECK(out.back() == kInfWeight);
}

// F7: ChOracle recognises "the same fleet" by its address (fleet_ == &fleet) and then
// trusts the journal. A Fleet is a value type: assigning another fleet to the same
// variable (a CAD reload, a replay restarting from a saved fleet) keeps the address while
// the units change; if the new fleet's generation is ahead of what the oracle saw, only
// the new fleet's last journal entries are applied and the other units keep stale
// bucket entries (recommend/ch_oracle.hpp, ChOracle::sync).
TEST_CASE("ChOracle after the fleet variable is assigned another fleet", "[known][recommend]") {
  OraclePair setup(43, 8, "A");
  auto& [g, rng, fleet, ch, ref] = setup;
  expect_same(ch, ref, fleet, rng, 2);
  // Another fleet with as many units elsewhere and a longer history (generation ahead).
  Fleet other = random_fleet(rng, 8, "B");
  for (int i = 0; i < 3; ++i)
    REQUIRE(other.report_position(UnitId(0), dk_robust::random_position(g, rng)).ok());
  REQUIRE(other.generation() > fleet.generation());
  fleet = other;
  expect_same(ch, ref, fleet, rng, 4);
}
