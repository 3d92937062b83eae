// MetricStore over customized CCH metrics: one thread answers CCH queries on the current
// metric while another customizes new traffic slices and closures beside it (partial
// re-customization) and publishes them. Every answer must equal Dijkstra's on the weights
// of the metric the query ran on. Run under ThreadSanitizer by scripts/test.sh.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "dispatchkit/detail/hash.hpp"
#include "dispatchkit/route/cch/metric.hpp"
#include "dispatchkit/route/cch/order.hpp"
#include "dispatchkit/route/cch/query.hpp"
#include "dispatchkit/route/cch/topology.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "dispatchkit/route/metric_store.hpp"
#include "dispatchkit/route/traffic/closures.hpp"
#include "dispatchkit/route/traffic/metric.hpp"
#include "fixtures/drawn_graphs.hpp"

using namespace dispatchkit;

namespace {
// Weights of "slice" k: every arc congested by a seeded factor 1..4.
std::vector<Weight> slice_weights(const RoadGraph& g, std::uint64_t k) {
  std::vector<Weight> w(g.arc_count());
  for (std::uint32_t a = 0; a < w.size(); ++a)
    w[a] = g.weights()[a] * (1 + static_cast<Weight>(detail::splitmix64(k * 7919 + a) % 4));
  return w;
}

struct Expected {
  std::vector<Weight> weights;
  std::vector<Deciseconds> answers;
};
}  // namespace

TEST_CASE("CCH queries while metrics are customized and swapped",
          "[traffic][metric_store][cch][stress]") {
  const RoadGraph g = dk_fixtures::block_grid(16);
  auto order = cch_order_metis(g);
  REQUIRE(order.ok());
  auto topo = CchTopology::build(g, *order);
  REQUIRE(topo.ok());
  constexpr std::uint32_t kQueries = 24;
  std::vector<std::pair<NodeId, NodeId>> queries;
  for (std::uint32_t q = 0; q < kQueries; ++q)
    queries.emplace_back(NodeId(detail::splitmix64(100 + 2 * q) % g.node_count()),
                         NodeId(detail::splitmix64(101 + 2 * q) % g.node_count()));
  // Versions: slices 0..3, and slice k plus closures of a few arcs (partial update).
  std::vector<Expected> expected;
  std::vector<std::vector<ArcWeightChange>> closures;
  for (std::uint64_t k = 0; k < 4; ++k) {
    Expected e{slice_weights(g, k), {}};
    std::vector<ArcWeightChange> closed;
    for (std::uint32_t a = static_cast<std::uint32_t>(k); a < g.arc_count(); a += 37)
      closed.push_back({ArcId(a), kInfWeight});
    Expected c{e.weights, {}};
    for (const ArcWeightChange& ch : closed) c.weights[ch.arc.value()] = kInfWeight;
    expected.push_back(std::move(e));
    expected.push_back(std::move(c));
    closures.push_back(std::move(closed));
  }
  for (Expected& e : expected) {
    Dijkstra d(g, e.weights);
    for (const auto& [s, t] : queries) e.answers.push_back(d.distance(s, t));
  }
  REQUIRE(expected[0].answers != expected[2].answers);
  REQUIRE(expected[2].answers != expected[3].answers);  // the closures matter

  struct Versioned {
    CchMetric metric;
    std::uint32_t index;  // into expected
  };
  auto first = CchMetric::customize(*topo, expected[0].weights);
  REQUIRE(first.ok());
  MetricStore<Versioned> store(std::make_shared<const Versioned>(Versioned{*std::move(first), 0}));

  std::atomic<bool> done{false};
  std::atomic<std::uint64_t> answered{0}, wrong{0};
  std::thread reader([&] {
    std::uint32_t q = 0;
    while (!done.load(std::memory_order_acquire) ||
           answered.load(std::memory_order_relaxed) < 2000) {
      const auto snap = store.snapshot();
      CchQuery query(snap.metric->metric, g);
      for (int k = 0; k < 8; ++k, q = (q + 1) % kQueries) {
        if (query.distance(queries[q].first, queries[q].second) !=
            expected[snap.metric->index].answers[q])
          wrong.fetch_add(1, std::memory_order_relaxed);
        answered.fetch_add(1, std::memory_order_relaxed);
      }
    }
  });
  // Writer: customize the next slice beside the live metric, publish it, then close roads
  // on it by partial re-customization of a copy (read-copy-update).
  bool failed = false;
  for (std::uint32_t round = 1; round <= 24 && !failed; ++round) {
    const std::uint32_t k = round % 4;
    auto m = CchMetric::customize(*topo, expected[2 * k].weights);
    if (!m.ok()) {
      failed = true;
      break;
    }
    store.publish(std::make_shared<const Versioned>(Versioned{*std::move(m), 2 * k}));
    store.update([&](const Versioned& live) {
      auto closed = live.metric.updated(closures[k]);
      if (!closed.ok()) failed = true;
      return closed.ok()
                 ? std::make_shared<const Versioned>(Versioned{*std::move(closed), 2 * k + 1})
                 : std::make_shared<const Versioned>(live);
    });
  }
  done.store(true, std::memory_order_release);
  reader.join();
  CHECK_FALSE(failed);
  CHECK(store.version() == 1 + 2 * 24);
  CHECK(store.snapshot().metric->index == 1);  // round 24: slice 0 plus its closures
  CHECK(answered.load() >= 2000);
  CHECK(wrong.load() == 0);
}

TEST_CASE("closures and reopenings by partial re-customization", "[traffic][metric_store][cch]") {
  const RoadGraph g = dk_fixtures::block_grid(12);
  auto order = cch_order_metis(g);
  REQUIRE(order.ok());
  auto topo = CchTopology::build(g, *order);
  REQUIRE(topo.ok());
  const std::vector<Weight> base = slice_weights(g, 5);
  auto m = CchMetric::customize(*topo, base);
  REQUIRE(m.ok());
  MetricStore<CchMetric> store(std::make_shared<const CchMetric>(*std::move(m)));
  const auto before = store.current();
  // Close the whole column of streets between x = 5 and x = 6 except the top row:
  // traffic must detour through row 11.
  std::vector<ArcId> closed;
  for (std::uint32_t r = 0; r + 1 < 12; ++r) {
    closed.push_back(*g.find_arc(NodeId(r * 12 + 5), NodeId(r * 12 + 6)));
    closed.push_back(*g.find_arc(NodeId(r * 12 + 6), NodeId(r * 12 + 5)));
  }
  auto v = publish_closures(store, closed);
  REQUIRE(v.ok());
  CHECK(*v == 2);
  Dijkstra open_roads(g, base);
  const std::vector<Weight> closed_w = with_closures(base, closed);
  Dijkstra closed_roads(g, closed_w);
  CchQuery q_new(*store.current(), g), q_old(*before, g);
  for (std::uint32_t s = 0; s < g.node_count(); s += 7)
    for (std::uint32_t t = 0; t < g.node_count(); t += 5) {
      CHECK(q_new.distance(NodeId(s), NodeId(t)) == closed_roads.distance(NodeId(s), NodeId(t)));
      // The query holding the old metric still sees the open roads.
      CHECK(q_old.distance(NodeId(s), NodeId(t)) == open_roads.distance(NodeId(s), NodeId(t)));
    }
  CHECK(q_new.distance(NodeId(0), NodeId(6)) > q_old.distance(NodeId(0), NodeId(6)));
  // Reopen: back to the base answers.
  REQUIRE(publish_reopenings(store, closed, base).ok());
  CchQuery q_back(*store.current(), g);
  CHECK(q_back.distance(NodeId(0), NodeId(6)) == open_roads.distance(NodeId(0), NodeId(6)));
  CHECK(store.version() == 3);
  // A bad arc id is an error and publishes nothing.
  const ArcId bad[] = {ArcId(g.arc_count() + 5)};
  CHECK_FALSE(publish_closures(store, bad).ok());
  CHECK_FALSE(publish_reopenings(store, bad, base).ok());
  CHECK(store.version() == 3);
  // The plain weight-vector store.
  MetricStore<WeightMetric> plain(std::make_shared<const WeightMetric>(WeightMetric{base, "b"}));
  REQUIRE(publish_closures(plain, closed).ok());
  CHECK(plain.current()->weights == closed_w);
  CHECK(publish_closures(plain, bad).status().code() == absl::StatusCode::kOutOfRange);
  CHECK(plain.version() == 2);
}
