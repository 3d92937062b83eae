// Routes, not just travel times: the arcs CH and CCH return must be a drivable walk from
// the source position to the target position whose weight is the reported time, for
// intersections and mid-street positions on one-way and two-way streets. Plus the
// many-to-many matrix with empty and short inputs, and MetricStore misuse.
#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include "dispatchkit/recommend/ch_oracle.hpp"
#include "dispatchkit/recommend/traffic/cch_oracle.hpp"
#include "dispatchkit/route/metric_store.hpp"
#include "robustness_fixtures.hpp"

using namespace dispatchkit;

namespace {

// Checks that `arcs` is a walk from `s` to `t` and returns its weight (partial arcs at the
// ends counted as the seeds count them), or kInfWeight if it is not a walk.
Weight walk_weight(const RoadGraph& g, const RoadPosition& s, const RoadPosition& t,
                   const std::vector<ArcId>& arcs) {
  const auto w = g.weights();
  if (arcs.empty()) return kInfWeight;
  for (std::size_t i = 0; i + 1 < arcs.size(); ++i)
    if (g.head(arcs[i]) != g.tail(arcs[i + 1])) return kInfWeight;
  if (arcs.size() == 1 && !s.is_node() && !t.is_node()) return same_street_weight(w, s, t);
  Weight total = 0;
  for (std::size_t i = 0; i < arcs.size(); ++i) {
    const ArcId a = arcs[i];
    Weight part = w[a.value()];
    if (i == 0 && !s.is_node()) {
      if (a == s.arc())
        part = w[a.value()] - partial_weight(w[a.value()], s.fraction());
      else if (a == s.reverse_arc())
        part = partial_weight(w[a.value()], s.fraction());
      else
        return kInfWeight;
    }
    if (i + 1 == arcs.size() && !t.is_node()) {
      if (a == t.arc())
        part = partial_weight(w[a.value()], t.fraction());
      else if (a == t.reverse_arc())
        part = w[a.value()] - partial_weight(w[a.value()], t.fraction());
      else
        return kInfWeight;
    }
    total = add_weights(total, part);
  }
  if (s.is_node() && g.tail(arcs.front()) != s.node()) return kInfWeight;
  if (t.is_node() && g.head(arcs.back()) != t.node()) return kInfWeight;
  return total;
}

}  // namespace

TEST_CASE("CH and CCH routes are drivable walks whose weight is the reported time",
          "[robustness][ch][cch][path]") {
  const RoadGraph& g = dk_robust::sf_graph();
  ChQuery ch(dk_robust::sf_ch(), g);
  CchQuery cch(dk_robust::sf_cch_metric(), g);
  dk_robust::Rng rng(2024);
  std::vector<ArcId> route;
  int checked = 0;
  for (int i = 0; i < 400; ++i) {
    const RoadPosition s = dk_robust::random_position(g, rng);
    RoadPosition t = dk_robust::random_position(g, rng);
    if (i % 5 == 0 && !s.is_node()) t = RoadPosition::on_arc(s.arc(), rng.unit(), s.reverse_arc());
    const Deciseconds d = ch.path_into(s, t, route);
    INFO("pair " << i);
    CHECK(d == ch.distance(s, t));
    const Deciseconds dc = cch.distance(s, t);
    CHECK(dc == d);
    if (d.is_infinite()) {
      CHECK(route.empty());
      continue;
    }
    const bool trivial = s.is_node() && t.is_node() && s.node() == t.node();
    if (trivial || d.count() == 0) continue;  // nothing (or a zero-length stretch) to drive
    CHECK(walk_weight(g, s, t, route) == d.count());
    CHECK(walk_weight(g, s, t, cch.path()) == d.count());
    ++checked;
  }
  CHECK(checked > 300);
}

// The replay's drives to hospitals and home go through DriveOracle::drive(); every oracle
// must answer them as the reference does, with a route that is a walk of that weight.
TEST_CASE("Dijkstra::path_into and every oracle's drive() agree with the reference",
          "[robustness][path][oracle]") {
  const RoadGraph& g = dk_robust::sf_graph();
  Dijkstra reference(g);
  DijkstraOracle dijkstra_oracle(g);
  ChOracle ch_oracle(dk_robust::sf_ch(), g);
  MetricStore<CchMetric> store(std::make_shared<const CchMetric>(dk_robust::sf_cch_metric()));
  CchOracle cch_oracle(store, g);
  dk_robust::Rng rng(77);
  std::vector<ArcId> route;
  int walked = 0;
  for (int i = 0; i < 2000; ++i) {
    const RoadPosition s = dk_robust::random_position(g, rng);
    RoadPosition t = dk_robust::random_position(g, rng);
    if (i % 7 == 0 && !s.is_node()) t = RoadPosition::on_arc(s.arc(), rng.unit(), s.reverse_arc());
    INFO("pair " << i);
    const Deciseconds want = reference.distance(s, t);
    Dijkstra search(g);
    const Deciseconds d = search.path_into(s, t, route);
    REQUIRE(d == want);
    if (d.is_infinite()) {
      CHECK(route.empty());
    } else if (d.count() > 0 && !(s.is_node() && t.is_node() && s.node() == t.node())) {
      CHECK(walk_weight(g, s, t, route) == d.count());
      ++walked;
    }
    const TravelMode mode = i % 2 == 0 ? TravelMode::kLightsAndSirens : TravelMode::kNormal;
    const Weight in_mode = weight_in_mode(want.count(), mode, TravelModeOptions{});
    CHECK(dijkstra_oracle.drive(s, t, mode, nullptr) == in_mode);
    CHECK(ch_oracle.drive(s, t, mode, i % 3 == 0 ? &route : nullptr) == in_mode);
    CHECK(cch_oracle.drive(s, t, mode, i % 3 == 1 ? &route : nullptr) == in_mode);
  }
  CHECK(walked > 1500);
  CHECK(std::ranges::equal(cch_oracle.arc_weights(), g.weights()));

  // drives_from: one origin to 20 fixed targets (a city's hospitals), the targets changed
  // every 50 origins so that the kept buckets are rebuilt too.
  std::vector<RoadPosition> targets(20);
  std::vector<Weight> by_dijkstra(20), by_ch(20), by_cch(20);
  for (int i = 0; i < 400; ++i) {
    if (i % 50 == 0)
      for (RoadPosition& t : targets) t = dk_robust::random_position(g, rng);
    const RoadPosition s = dk_robust::random_position(g, rng);
    const TravelMode mode = i % 2 == 0 ? TravelMode::kLightsAndSirens : TravelMode::kNormal;
    dijkstra_oracle.drives_from(s, targets, mode, by_dijkstra);
    ch_oracle.drives_from(s, targets, mode, by_ch);
    cch_oracle.drives_from(s, targets, mode, by_cch);
    INFO("origin " << i);
    for (std::size_t j = 0; j < targets.size(); ++j) {
      const Weight want = weight_in_mode(reference.distance(s, targets[j]).count(), mode, {});
      CHECK(by_dijkstra[j] == want);
      CHECK(by_ch[j] == want);
      CHECK(by_cch[j] == want);
    }
  }
}

TEST_CASE("ChManyToMany: empty sides, short output, invalid positions",
          "[robustness][ch][many_to_many]") {
  const RoadGraph& g = dk_robust::sf_graph();
  ChManyToMany matrix(dk_robust::sf_ch(), g);
  ChQuery q(dk_robust::sf_ch(), g);
  dk_robust::Rng rng(8);
  std::vector<RoadPosition> src, dst;
  for (int i = 0; i < 6; ++i) src.push_back(dk_robust::random_position(g, rng));
  for (int i = 0; i < 5; ++i) dst.push_back(dk_robust::random_position(g, rng));
  src.push_back(RoadPosition());                                    // invalid source
  dst.push_back(RoadPosition::on_arc(ArcId(g.arc_count()), 0.5f));  // out-of-range target
  CHECK(matrix.compute({}, dst).empty());
  CHECK(matrix.compute(src, {}).empty());
  const std::vector<Weight> m = matrix.compute(src, dst);
  REQUIRE(m.size() == src.size() * dst.size());
  for (std::size_t i = 0; i < src.size(); ++i)
    for (std::size_t j = 0; j < dst.size(); ++j) {
      INFO(i << " -> " << j);
      CHECK(m[i * dst.size() + j] == q.distance(src[i], dst[j]).count());
    }
  // A buffer one value short of two rows: only the first row is written.
  std::vector<Weight> short_out(2 * dst.size() - 1, 7);
  matrix.compute(src, dst, short_out);
  for (std::size_t j = 0; j < dst.size(); ++j) CHECK(short_out[j] == m[j]);
  for (std::size_t j = dst.size(); j < short_out.size(); ++j) CHECK(short_out[j] == 7);
}

TEST_CASE("MetricStore: versions, closures with bad ids, snapshots outlive a swap",
          "[robustness][traffic]") {
  const RoadGraph& g = dk_robust::sf_graph();
  auto first = std::make_shared<const WeightMetric>(
      WeightMetric{std::vector<Weight>(g.weights().begin(), g.weights().end()), "free"});
  MetricStore<WeightMetric> store(first);
  const MetricSnapshot<WeightMetric> held = store.snapshot();
  const std::vector<ArcId> closures = {ArcId(0), ArcId(g.arc_count()), ArcId::invalid()};
  const std::uint64_t v = store.update([&](const WeightMetric& m) {
    return std::make_shared<const WeightMetric>(m.closed(closures));
  });
  CHECK(v == 2);
  CHECK(store.current()->weights[0] == kInfWeight);
  CHECK(store.current()->weights.size() == g.arc_count());
  CHECK(held.metric->weights[0] == g.weights()[0]);  // the old snapshot is untouched
  CHECK(held.version == 1);
  // Routing on the closed metric agrees between Dijkstra and a CCH customized for it.
  auto metric = CchMetric::customize(dk_robust::sf_cch_topology(), store.current()->weights);
  REQUIRE(metric.ok());
  CchQuery cq(*metric, g);
  Dijkstra d(g, store.current()->weights);
  d.run_forward(g.tail(ArcId(0)));
  CHECK(cq.distance(g.tail(ArcId(0)), g.head(ArcId(0))) == d.distance_to(g.head(ArcId(0))));
}

// F9: MetricStore allows a null initial metric ("no metric yet") but update() then
// dereferences it (route/metric_store.hpp, MetricStore::update: make(*old.metric)).
TEST_CASE("MetricStore::update on an empty store does not crash", "[known][traffic]") {
  MetricStore<WeightMetric> store;
  bool called = false;
  store.update([&](const WeightMetric& m) {
    called = true;
    return std::make_shared<const WeightMetric>(m);
  });
  CHECK_FALSE(called);
}
