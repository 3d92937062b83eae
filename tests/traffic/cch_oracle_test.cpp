// CchOracle and TimeOfDayOracle (recommend/traffic/): ETAs on the live metric of a store
// equal a Dijkstra on that metric's weights, a closure published on the traffic thread
// reaches the very next recommendation, and desks querying during swaps each see one
// whole metric (run under ThreadSanitizer by scripts/test.sh: [stress]).
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "dispatchkit/recommend/closest_idle.hpp"
#include "dispatchkit/recommend/coverage_aware.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "dispatchkit/recommend/traffic/cch_oracle.hpp"
#include "dispatchkit/recommend/traffic/time_of_day_oracle.hpp"
#include "dispatchkit/route/traffic/closures.hpp"
#include "dispatchkit/route/traffic/metric.hpp"
#include "recommend/recommend_fixtures.hpp"
#include "robustness/robustness_fixtures.hpp"

using namespace dispatchkit;

namespace {

const CapabilitySet kAmbulance = CapabilitySet{Capability::kAls} | Capability::kTransport;

Fleet random_fleet(dk_robust::Rng& rng, int units) {
  Fleet f({.turnout_at_station = Deciseconds{0}, .turnout_rolling = Deciseconds{0}});
  for (int i = 0; i < units; ++i)
    REQUIRE(f.add_unit({.call_sign = "U" + std::to_string(i),
                        .capabilities = kAmbulance,
                        .status = UnitStatus::kAvailableMobile,
                        .position = dk_robust::random_position(dk_robust::sf_graph(), rng)})
                .ok());
  return f;
}

std::shared_ptr<const CchMetric> customized(std::span<const Weight> w) {
  auto m = CchMetric::customize(dk_robust::sf_cch_topology(), w);
  REQUIRE(m.ok());
  return std::make_shared<const CchMetric>(*std::move(m));
}

// Every unit's time to `target` on `weights`, by the reference oracle.
std::vector<Weight> reference(const Fleet& fleet, std::span<const Weight> weights,
                              const RoadPosition& target, TravelMode mode) {
  DijkstraOracle ref(dk_robust::sf_graph(), weights);
  REQUIRE(ref.sync(fleet).ok());
  std::vector<Weight> out(fleet.size());
  ref.travel_times_to(target, mode, out);
  return out;
}

// Weights of "slice" k: every arc congested by a seeded factor 1..3.
std::vector<Weight> congested(std::uint64_t k) {
  const RoadGraph& g = dk_robust::sf_graph();
  std::vector<Weight> w(g.arc_count());
  for (std::uint32_t a = 0; a < w.size(); ++a)
    w[a] = g.weights()[a] * (1 + static_cast<Weight>(detail::splitmix64(k * 7919 + a) % 3));
  return w;
}

}  // namespace

TEST_CASE("CchOracle equals Dijkstra on the live metric through moves and swaps",
          "[traffic][cch_oracle]") {
  const RoadGraph& g = dk_robust::sf_graph();
  dk_robust::Rng rng(2026);
  Fleet fleet = random_fleet(rng, 40);
  MetricStore<CchMetric> store(customized(g.weights()));
  CchOracle oracle(store, g);
  std::vector<std::vector<Weight>> weights = {{g.weights().begin(), g.weights().end()}};
  std::vector<Weight> got(fleet.size());
  std::size_t compared = 0;
  for (int round = 0; round < 6; ++round) {
    REQUIRE(oracle.sync(fleet).ok());
    for (int i = 0; i < 25; ++i) {
      const RoadPosition t = dk_robust::random_position(g, rng);
      for (const TravelMode m : {TravelMode::kLightsAndSirens, TravelMode::kNormal}) {
        oracle.travel_times_to(t, m, got);
        CHECK(oracle.metric_version() == round + 1);
        CHECK(got == reference(fleet, weights.back(), t, m));
        compared += got.size();
      }
    }
    // Between rounds: three units move, one goes busy, and a new metric is published (a
    // congested slice, or closures on it).
    for (int k = 0; k < 3; ++k)
      REQUIRE(
          fleet.report_position(UnitId(rng.below(40)), dk_robust::random_position(g, rng)).ok());
    (void)fleet.dispatch(UnitId(rng.below(40)), IncidentId(round + 1), PriorityGrade::kII);
    if (round % 2 == 0) {
      weights.push_back(congested(round));
      store.publish(customized(weights.back()));
    } else {
      std::vector<ArcId> closed;
      for (int k = 0; k < 50; ++k) closed.push_back(ArcId(rng.below(g.arc_count())));
      REQUIRE(publish_closures(store, closed).ok());
      weights.push_back(with_closures(weights.back(), closed));
    }
  }
  CHECK(oracle.metric_switches() == 5);
  CHECK(compared >= 10000);
}

TEST_CASE("a closure on the closest unit's fastest path changes the next recommendation",
          "[traffic][cch_oracle]") {
  const RoadGraph& g = dk_robust::sf_graph();
  dk_robust::Rng rng(17);
  Fleet fleet = random_fleet(rng, 12);
  MetricStore<CchMetric> store(customized(g.weights()));
  CchOracle oracle(store, g);
  ClosestIdle strategy;
  Recommendation rec;
  const RoadPosition scene = RoadPosition::at_node(NodeId(g.node_count() / 2));
  strategy.recommend(dk_rec_test::incident_at(scene), fleet, oracle, rec);
  REQUIRE(!rec.candidates.empty());
  const UnitId first = rec.candidates.front().unit;
  // Close the middle arc of the first unit's fastest path (and its way back), publish it as
  // a live swap, and again on the new fastest path, until another unit is closer.
  std::vector<Weight> w(g.weights().begin(), g.weights().end());
  int closures = 0;
  while (rec.candidates.front().unit == first && closures < 40) {
    Dijkstra d(g, w);
    dk_robust::run_from(d, g, w, fleet.unit(first).position());
    const auto seeds = target_seeds(g, w, scene);
    const std::vector<ArcId> path = d.path_to(seeds.view()[0].node);
    if (path.empty()) break;  // the unit stands at the scene's intersection
    std::vector<ArcId> closed = {path[path.size() / 2]};
    if (auto back = g.find_arc(g.head(closed[0]), g.tail(closed[0]))) closed.push_back(*back);
    REQUIRE(publish_closures(store, closed).ok());
    w = with_closures(w, closed);
    ++closures;
    strategy.recommend(dk_rec_test::incident_at(scene), fleet, oracle, rec);
    REQUIRE(!rec.candidates.empty());
    // Every ETA is a Dijkstra on the swapped metric.
    const std::vector<Weight> ref = reference(fleet, w, scene, TravelMode::kLightsAndSirens);
    for (const Candidate& c : rec.candidates) CHECK(c.eta.count() == ref[c.unit.value()]);
  }
  CHECK(closures > 0);
  CHECK(rec.candidates.front().unit != first);
  CHECK(oracle.metric_version() == static_cast<std::uint64_t>(closures) + 1);
}

// The strategy's own searches come through the seam too: CoverageAware's coverage lists are
// computed on the metric the CchOracle holds, and again after each swap (version change),
// equal to a model built on the swapped weights.
TEST_CASE("CoverageAware's coverage follows the live metric through swaps",
          "[traffic][cch_oracle][coverage]") {
  const RoadGraph& g = dk_robust::sf_graph();
  dk_robust::Rng rng(31);
  Fleet fleet = random_fleet(rng, 20);
  std::vector<DemandPoint> demand;
  for (int i = 0; i < 300; ++i) demand.push_back({dk_robust::random_position(g, rng), 1.0});
  const CoverageOptions opts{.target = Deciseconds::from_seconds(240), .busy_fraction = 0.3};
  MetricStore<CchMetric> store(customized(g.weights()));
  CchOracle oracle(store, g);
  CoverageAware strategy(g, demand, opts);
  Recommendation rec;
  CoverageModel free_flow(g, demand, opts);
  REQUIRE(free_flow.sync(fleet).ok());
  std::vector<Weight> w(g.weights().begin(), g.weights().end());
  for (int round = 0; round < 4; ++round) {
    const RoadPosition scene = dk_robust::random_position(g, rng);
    strategy.recommend(dk_rec_test::incident_at(scene), fleet, oracle, rec);
    REQUIRE(rec.status.ok());
    CoverageModel want(g, w, demand, opts);
    REQUIRE(want.sync(fleet).ok());
    INFO("round " << round);
    CHECK(strategy.model().expected_coverage() == Approx(want.expected_coverage()));
    if (round > 0)  // congested roads cover less: the lists did change
      CHECK(strategy.model().expected_coverage() < free_flow.expected_coverage());
    for (std::uint32_t u = 0; u < fleet.size(); ++u) {
      const auto got = strategy.model().covered_by(UnitId(u));
      const auto ref = want.covered_by(UnitId(u));
      CHECK(std::vector<std::uint32_t>(got.begin(), got.end()) ==
            std::vector<std::uint32_t>(ref.begin(), ref.end()));
    }
    w = congested(round + 1);
    store.publish(customized(w));
  }
}

TEST_CASE("CchOracle refuses a metric of another topology and keeps answering",
          "[traffic][cch_oracle]") {
  const RoadGraph& g = dk_robust::sf_graph();
  dk_robust::Rng rng(5);
  Fleet fleet = random_fleet(rng, 5);
  MetricStore<CchMetric> store(customized(g.weights()));
  CchOracle oracle(store, g);
  REQUIRE(oracle.sync(fleet).ok());
  store.publish(nullptr);
  // Recommendations go on (sync is OK) on the metric held; metric_status() says why.
  CHECK(oracle.sync(fleet).ok());
  const absl::Status& s = oracle.metric_status();
  CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(std::string(s.message()).find("version 2 is empty") != std::string::npos);
  ClosestIdle strategy;
  Recommendation rec;
  strategy.recommend(dk_rec_test::incident_at(dk_robust::random_position(g, rng)), fleet, oracle,
                     rec);
  CHECK(rec.status.ok());
  CHECK(!rec.candidates.empty());
  const RoadPosition t = dk_robust::random_position(g, rng);
  std::vector<Weight> got(fleet.size());
  oracle.travel_times_to(t, TravelMode::kLightsAndSirens, got);
  CHECK(got == reference(fleet, g.weights(), t, TravelMode::kLightsAndSirens));
  CHECK(oracle.metric_version() == 1);
  store.publish(customized(g.weights()));
  CHECK(oracle.sync(fleet).ok());
  CHECK(oracle.metric_version() == 3);
  CHECK(oracle.metric_status().ok());
  MetricStore<CchMetric> empty;
  CHECK_THROWS_AS(CchOracle(empty, g), std::invalid_argument);
}

TEST_CASE("TimeOfDayOracle answers on the slice of the local time it is told",
          "[traffic][cch_oracle]") {
  const RoadGraph& g = dk_robust::sf_graph();
  dk_robust::Rng rng(99);
  // A profile that congests a third of the arcs on Monday 08:00-09:00 (PDT week).
  const TimeSlicing week(15, -7 * 60);
  std::vector<TrafficObservation> obs;
  for (std::uint32_t a = 0; a < g.arc_count(); a += 3)
    for (std::uint32_t q = 0; q < 4; ++q)
      obs.push_back({ArcId(a), week.at(0, 8 * 60 + 15 * q),
                     3.0 * static_cast<double>(g.weights()[a]) / 10.0 + 1.0, 50});
  auto profile = TrafficProfile::build(g, week, std::move(obs));
  REQUIRE(profile.ok());
  auto slices =
      TrafficSlices::create(g, dk_robust::sf_cch_topology(), *profile, {.max_cached_slices = 2});
  REQUIRE(slices.ok());
  Fleet fleet = random_fleet(rng, 20);
  // 2017-01-02 (a Monday) 08:20 PST = 16:20 UTC; in PST (-8 h) that is 08:20 local, which
  // the profile's PDT week also calls 08:20.
  const std::int64_t monday_0820 = 1483374000;
  TimeOfDayOracle oracle(**slices, g,
                         {.start_unix = monday_0820 + 6 * 3600, .start_offset_s = -8 * 3600});
  TrafficMetricOptions ls;
  ls.mode = TravelMode::kLightsAndSirens;
  std::vector<Weight> got(fleet.size());
  for (const std::int64_t t : {monday_0820 + 6 * 3600, monday_0820, monday_0820 + 900}) {
    REQUIRE(oracle.set_clock(t, -8 * 3600).ok());
    const TimeSlice s = (*slices)->slice_at(t, -8 * 3600);
    CHECK(oracle.slice() == s);
    const std::vector<Weight> w = make_metric_weights(g, *profile, s, ls);
    REQUIRE(oracle.sync(fleet).ok());
    for (int i = 0; i < 10; ++i) {
      const RoadPosition target = dk_robust::random_position(g, rng);
      oracle.travel_times_to(target, TravelMode::kNormal, got);
      CHECK(got == reference(fleet, w, target, TravelMode::kNormal));
    }
  }
  CHECK(oracle.slice() == week.at(0, 8 * 60 + 30));
  // 14:20 and 08:20, then 08:35: three customizations, the cache holds the last two.
  CHECK((*slices)->customizations() == 3);
  // A profile of another graph is refused.
  const RoadGraph other = dk_rec_test::drawn_town();
  auto wrong = TrafficSlices::create(other, dk_robust::sf_cch_topology(), *profile);
  CHECK(wrong.status().code() == absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("scheduled closures are in force from their start to their end",
          "[traffic][cch_oracle]") {
  const RoadGraph& g = dk_robust::sf_graph();
  dk_robust::Rng rng(31);
  auto slices = TrafficSlices::free_flow(g, dk_robust::sf_cch_topology());
  REQUIRE(slices.ok());
  CHECK((*slices)->is_free_flow());
  // 40 arcs closed from t = 1000 to t = 8200 (two hours), 10 more from 5000 to 6000.
  std::vector<ScheduledClosure> closures;
  for (int i = 0; i < 50; ++i)
    closures.push_back(
        {i < 40 ? 1000 : 5000, i < 40 ? 8200 : 6000, ArcId(rng.below(g.arc_count()))});
  TimeOfDayOracle oracle(**slices, g, {.closures = closures});
  Fleet fleet = random_fleet(rng, 20);
  auto closed_at = [&](std::int64_t t) {
    std::vector<ArcId> arcs;
    for (const ScheduledClosure& c : closures)
      if (c.start_unix <= t && t < c.end_unix) arcs.push_back(c.arc);
    return with_closures(g.weights(), arcs);
  };
  std::vector<Weight> got(fleet.size());
  for (const std::int64_t t : {0, 999, 1000, 5500, 6000, 8199, 8200, 9000}) {
    REQUIRE(oracle.set_clock(t, 0).ok());
    REQUIRE(oracle.sync(fleet).ok());
    const std::vector<Weight> w = closed_at(t);
    for (int i = 0; i < 8; ++i) {
      const RoadPosition target = dk_robust::random_position(g, rng);
      oracle.travel_times_to(target, TravelMode::kLightsAndSirens, got);
      CHECK(got == reference(fleet, w, target, TravelMode::kLightsAndSirens));
    }
  }
  CHECK(oracle.closures_applied() == 50);
  CHECK(oracle.closures_in_force() == 0);
  // Metrics: free flow, +40 at 1000, +50 at 5500, +40 at 6000, free flow at 8200.
  CHECK(oracle.cch_oracle().metric_version() == 5);
  CHECK((*slices)->customizations() == 1);
}

TEST_CASE("desks recommending during metric swaps each see one whole metric",
          "[traffic][cch_oracle][stress]") {
  const RoadGraph& g = dk_robust::sf_graph();
  dk_robust::Rng rng(4242);
  const Fleet fleet = random_fleet(rng, 16);
  constexpr int kMetrics = 4, kTargets = 12;
  std::vector<std::shared_ptr<const CchMetric>> metrics;
  std::vector<RoadPosition> targets;
  for (int t = 0; t < kTargets; ++t) targets.push_back(dk_robust::random_position(g, rng));
  // expected[m][t]: every unit's time to target t on metric m (Dijkstra).
  std::vector<std::vector<std::vector<Weight>>> expected(kMetrics);
  for (int m = 0; m < kMetrics; ++m) {
    const std::vector<Weight> w = congested(100 + m);
    metrics.push_back(customized(w));
    for (const RoadPosition& t : targets)
      expected[m].push_back(reference(fleet, w, t, TravelMode::kLightsAndSirens));
  }
  // Version v holds metrics[(v - 1) % kMetrics].
  MetricStore<CchMetric> store(metrics[0]);
  std::atomic<bool> stop{false};
  std::atomic<int> mismatches{0}, answers{0};
  std::vector<std::thread> desks;
  for (int d = 0; d < 2; ++d)
    desks.emplace_back([&, d] {
      Fleet mine = fleet;  // each desk its own fleet view and oracle
      CchOracle oracle(store, g);
      std::vector<Weight> out(mine.size());
      int t = d;
      while (!stop.load()) {
        if (!oracle.sync(mine).ok()) ++mismatches;
        oracle.travel_times_to(targets[t % kTargets], TravelMode::kLightsAndSirens, out);
        const auto m = static_cast<int>((oracle.metric_version() - 1) % kMetrics);
        if (out != expected[m][t % kTargets]) ++mismatches;
        ++answers;
        ++t;
      }
    });
  for (int v = 1; v < 40; ++v) {
    store.publish(metrics[v % kMetrics]);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  while (answers.load() < 200) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  stop = true;
  for (auto& t : desks) t.join();
  CHECK(mismatches.load() == 0);
  CHECK(answers.load() >= 200);
}
