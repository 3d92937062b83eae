// Running out of memory inside the noexcept dispatch path (F10). Oracles, the coverage
// model and the Recommendation workspace allocate while they grow (a larger fleet, a
// unit moved into buckets never used before). Each such allocation is made to fail in
// turn, SQLite-style: the k-th allocation from now throws std::bad_alloc, for k = 1, 2,
// ... until the call completes without reaching it. Every failure must come back as
// ResourceExhausted (not std::terminate), and the next call must give exactly the
// answer of an object that never failed: nothing is lost.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "dispatchkit/recommend/ch_oracle.hpp"
#include "dispatchkit/recommend/closest_idle.hpp"
#include "dispatchkit/recommend/coverage_aware.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "robustness_fixtures.hpp"

// Allocation failure injection (this test binary only): fail_allocation / disarm.
#include "fixtures/replaced_new.hpp"

namespace {

using dk_test::disarm;
using dk_test::fail_allocation;
using namespace dispatchkit;

constexpr long kMaxAllocations = 100000;  // a sweep that never completes is a failure

Fleet random_fleet(dk_robust::Rng& rng, int units) {
  Fleet f;
  for (int i = 0; i < units; ++i)
    REQUIRE(f.add_unit({.call_sign = "M" + std::to_string(i),
                        .position = dk_robust::random_position(dk_robust::sf_graph(), rng)})
                .ok());
  return f;
}

std::vector<RoadPosition> random_targets(dk_robust::Rng& rng, int n) {
  std::vector<RoadPosition> t;
  for (int i = 0; i < n; ++i) t.push_back(dk_robust::random_position(dk_robust::sf_graph(), rng));
  return t;
}

// Travel times of every unit to every target, as the oracle answers now.
template <class Oracle>
std::vector<Weight> answers(Oracle& oracle, const Fleet& fleet,
                            const std::vector<RoadPosition>& targets) {
  std::vector<Weight> all, out(fleet.size());
  for (const RoadPosition& t : targets) {
    oracle.travel_times_to(t, TravelMode::kLightsAndSirens, out);
    all.insert(all.end(), out.begin(), out.end());
  }
  return all;
}

// Sweeps k over every allocation `step(object)` makes on a fresh object from
// `make()` (after `warm(object)`), checking each failure and the recovery.
template <class Make, class Warm, class Step, class Check>
long sweep(Make make, Warm warm, Step step, Check check_recovered) {
  for (long k = 1; k < kMaxAllocations; ++k) {
    auto object = make();
    warm(*object);
    fail_allocation(k);
    const absl::Status first = step(*object);
    if (!disarm()) {
      REQUIRE(first.ok());
      check_recovered(*object);
      return k - 1;  // allocations the step makes
    }
    INFO("allocation " << k << " failed");
    REQUIRE(first.code() == absl::StatusCode::kResourceExhausted);
    REQUIRE(step(*object).ok());  // nothing pending is lost: the retry completes it
    check_recovered(*object);
  }
  FAIL("the step never completed");
  return 0;
}

}  // namespace

TEST_CASE("ChOracle::sync out of memory: ResourceExhausted, then the same ETAs as Dijkstra",
          "[robustness][recommend][memory]") {
  const RoadGraph& g = dk_robust::sf_graph();
  dk_robust::Rng rng(1010);
  Fleet fleet = random_fleet(rng, 20);
  const std::vector<RoadPosition> targets = random_targets(rng, 8);
  DijkstraOracle reference(g);
  REQUIRE(reference.sync(fleet).ok());
  const std::vector<Weight> expected = answers(reference, fleet, targets);
  auto make = [] { return std::make_unique<ChOracle>(dk_robust::sf_ch(), dk_robust::sf_graph()); };
  auto step = [&](ChOracle& o) { return o.sync(fleet); };
  ChOracle fresh(dk_robust::sf_ch(), g);
  REQUIRE(fresh.sync(fleet).ok());
  auto same_as_reference = [&](ChOracle& o) {
    REQUIRE(answers(o, fleet, targets) == expected);
    // No stray or missing bucket entry (a half-placed unit, an entry without its
    // back-reference): the same entries as an oracle that never failed.
    CHECK(o.many_to_one().entry_count() == fresh.many_to_one().entry_count());
    CHECK(o.many_to_one().consistent());
    std::size_t tracked = 0;
    for (const Unit& u : fleet.units()) tracked += u.position().valid() ? 1 : 0;
    CHECK(o.tracked_units() == tracked);
  };

  // A fleet seen for the first time: every unit's buckets are new.
  const long first_sync = sweep(
      make, [](ChOracle&) {}, step, same_as_reference);
  CHECK(first_sync > 20);  // the sweep really went through the bucket allocations

  // Units moved to streets whose buckets the oracle never filled (a GPS fix after
  // warm-up): the incremental path through the fleet's journal.
  // Each attempt warms an oracle on `live` (a copy of the fleet before the moves) and
  // then reports the same moves to `live`, so that the armed sync follows the journal.
  const Fleet before = fleet;
  for (std::uint32_t u = 0; u < fleet.size(); u += 3)
    REQUIRE(fleet.report_position(UnitId(u), dk_robust::random_position(g, rng)).ok());
  REQUIRE(reference.sync(fleet).ok());
  const std::vector<Weight> moved_expected = answers(reference, fleet, targets);
  ChOracle moved_fresh(dk_robust::sf_ch(), g);
  REQUIRE(moved_fresh.sync(fleet).ok());
  const std::size_t moved_entries = moved_fresh.many_to_one().entry_count();
  struct Desk {
    Fleet live;
    ChOracle oracle{dk_robust::sf_ch(), dk_robust::sf_graph()};
  };
  const long moves =
      sweep([&] { return std::make_unique<Desk>(Desk{before}); },
            [&](Desk& d) {
              REQUIRE(d.oracle.sync(d.live).ok());
              for (std::uint32_t u = 0; u < d.live.size(); u += 3)
                REQUIRE(d.live.report_position(UnitId(u), fleet.unit(UnitId(u)).position()).ok());
            },
            [](Desk& d) { return d.oracle.sync(d.live); },
            [&](Desk& d) {
              REQUIRE(answers(d.oracle, d.live, targets) == moved_expected);
              CHECK(d.oracle.many_to_one().entry_count() == moved_entries);
              CHECK(d.oracle.many_to_one().consistent());
            });
  CHECK(moves > 0);
}

TEST_CASE("DijkstraOracle::sync out of memory", "[robustness][recommend][memory]") {
  dk_robust::Rng rng(1011);
  Fleet fleet = random_fleet(rng, 10);
  const std::vector<RoadPosition> targets = random_targets(rng, 4);
  DijkstraOracle clean(dk_robust::sf_graph());
  REQUIRE(clean.sync(fleet).ok());
  const std::vector<Weight> expected = answers(clean, fleet, targets);
  const long n = sweep([] { return std::make_unique<DijkstraOracle>(dk_robust::sf_graph()); },
                       [](DijkstraOracle&) {}, [&](DijkstraOracle& o) { return o.sync(fleet); },
                       [&](DijkstraOracle& o) { REQUIRE(answers(o, fleet, targets) == expected); });
  CHECK(n >= 1);
}

TEST_CASE("CoverageModel::sync out of memory: the next sync gives a fresh model's coverage",
          "[robustness][recommend][memory]") {
  const RoadGraph& g = dk_robust::sf_graph();
  dk_robust::Rng rng(1012);
  Fleet fleet = random_fleet(rng, 8);
  std::vector<DemandPoint> demand;
  for (int i = 0; i < 300; ++i) demand.push_back({dk_robust::random_position(g, rng), 1.0});
  CoverageModel clean(g, demand);
  REQUIRE(clean.sync(fleet).ok());
  const double expected = clean.expected_coverage();
  REQUIRE(expected > 0.0);
  const long n = sweep(
      [&] { return std::make_unique<CoverageModel>(g, demand); }, [](CoverageModel&) {},
      [&](CoverageModel& m) { return m.sync(fleet); },
      [&](CoverageModel& m) {
        REQUIRE(m.expected_coverage() == Approx(expected).epsilon(1e-12));
        for (const Unit& u : fleet.units())
          REQUIRE(m.departure_loss(u.id()) == Approx(clean.departure_loss(u.id())).epsilon(1e-12));
      });
  CHECK(n > 8);
}

TEST_CASE("a recommendation out of memory says so instead of terminating",
          "[robustness][recommend][memory]") {
  const RoadGraph& g = dk_robust::sf_graph();
  dk_robust::Rng rng(1013);
  Fleet fleet = random_fleet(rng, 15);
  Incident incident;
  incident.id = IncidentId(7);
  incident.position = dk_robust::random_position(g, rng);
  incident.grade = PriorityGrade::kI;
  ClosestIdle strategy;
  Recommendation clean;
  {
    ChOracle oracle(dk_robust::sf_ch(), g);
    strategy.recommend(incident, fleet, oracle, clean);
    REQUIRE(clean.status.ok());
    REQUIRE_FALSE(clean.candidates.empty());
  }
  struct Desk {  // one dispatcher desk: oracle and workspace, both cold
    ChOracle oracle{dk_robust::sf_ch(), dk_robust::sf_graph()};
    Recommendation rec;
  };
  long failures = 0;
  const long n =
      sweep([] { return std::make_unique<Desk>(); }, [](Desk&) {},
            [&](Desk& d) {
              strategy.recommend(incident, fleet, d.oracle, d.rec);
              if (!d.rec.status.ok()) {
                ++failures;
                // No answer, and nothing that looks like one.
                if (!d.rec.candidates.empty() || d.rec.suitable_count != 0)
                  return absl::InternalError("a failed recommendation still holds candidates");
                if (explain(d.rec, fleet).find("no recommendation") == std::string::npos)
                  return absl::InternalError("explain() hides the failure");
              }
              return d.rec.status;
            },
            [&](Desk& d) {
              REQUIRE(d.rec.candidates.size() == clean.candidates.size());
              for (std::size_t i = 0; i < clean.candidates.size(); ++i) {
                CHECK(d.rec.candidates[i].unit == clean.candidates[i].unit);
                CHECK(d.rec.candidates[i].eta == clean.candidates[i].eta);
              }
            });
  CHECK(n > 0);
  CHECK(failures == n);
}
