// Tests for route/metric_store.hpp: snapshot semantics, and a stress test in which one
// thread routes on the current metric while another keeps publishing new ones (run under
// ThreadSanitizer by scripts/test.sh).
#include <catch2/catch.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "dispatchkit/detail/hash.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "dispatchkit/route/metric_store.hpp"
#include "dispatchkit/route/traffic/metric.hpp"
#include "fixtures/drawn_graphs.hpp"

using namespace dispatchkit;

namespace {
// A metric whose weights depend on `seed`; every tenth seed also closes some arcs.
struct TestMetric {
  std::vector<Weight> weights;
  std::uint32_t index = 0;  // which precomputed answer set applies
};

std::vector<Weight> seeded_weights(const RoadGraph& g, std::uint64_t seed) {
  std::vector<Weight> w(g.arc_count());
  for (std::uint32_t a = 0; a < w.size(); ++a)
    w[a] = 50 + static_cast<Weight>(detail::splitmix64(seed * 1000003 + a) % 300);
  if (seed % 3 == 0)
    for (std::uint32_t a = 0; a < w.size(); a += 7) w[a] = kInfWeight;  // closures
  return w;
}
}  // namespace

TEST_CASE("a snapshot outlives the publication of a newer metric", "[traffic][metric_store]") {
  MetricStore<WeightMetric> store(
      std::make_shared<const WeightMetric>(WeightMetric{{1, 2, 3}, "first"}));
  CHECK(store.version() == 1);
  const MetricSnapshot<WeightMetric> held = store.snapshot();
  std::weak_ptr<const WeightMetric> watch = held.metric;
  CHECK(store.publish(std::make_shared<const WeightMetric>(WeightMetric{{4, 5, 6}, "second"})) ==
        2);
  // The query that took "first" still has it, unchanged; new readers get "second".
  CHECK(held.metric->label == "first");
  CHECK(held.metric->weights == std::vector<Weight>{1, 2, 3});
  CHECK(held.version == 1);
  CHECK(store.current()->label == "second");
  CHECK(store.snapshot().version == 2);
  CHECK_FALSE(watch.expired());
  // update(): read-copy-update with closures.
  const ArcId closed[] = {ArcId(1)};
  CHECK(store.update([&](const WeightMetric& old) {
    return std::make_shared<const WeightMetric>(old.closed(closed));
  }) == 3);
  CHECK(store.current()->weights == std::vector<Weight>{4, kInfWeight, 6});
  MetricStore<WeightMetric> empty;
  CHECK(empty.current() == nullptr);
  CHECK(empty.version() == 1);
  // update() on "no metric yet" has nothing to copy: it returns 0 without calling make,
  // publishes nothing; try_update() says why.
  bool called = false;
  CHECK(empty.update([&](const WeightMetric& old) {
    called = true;
    return std::make_shared<const WeightMetric>(old);
  }) == 0);
  CHECK_FALSE(called);
  CHECK(empty.version() == 1);
  CHECK(empty.current() == nullptr);
  const auto tried = empty.try_update(
      [&](const WeightMetric& old) -> absl::StatusOr<std::shared_ptr<const WeightMetric>> {
        return std::make_shared<const WeightMetric>(old);
      });
  CHECK(tried.status().code() == absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("WeightMetric::closed reports the ids it cannot apply", "[traffic][metric_store]") {
  const WeightMetric m{{4, 5, 6}, "m"};
  const ArcId arcs[] = {ArcId(2), ArcId(3), ArcId::invalid(), ArcId(0)};
  std::size_t ignored = 99;
  const WeightMetric c = m.closed(arcs, &ignored);
  CHECK(ignored == 2);
  CHECK(c.weights == std::vector<Weight>{kInfWeight, 5, kInfWeight});
  const ArcId good[] = {ArcId(1)};
  CHECK(m.closed(good, &ignored).weights == std::vector<Weight>{4, kInfWeight, 6});
  CHECK(ignored == 0);
  // The checked variant rejects the whole feed and names the first bad id.
  const auto checked = m.closed_checked(arcs);
  REQUIRE_FALSE(checked.ok());
  CHECK(checked.status().code() == absl::StatusCode::kOutOfRange);
  CHECK(checked.status().message().find("2 arc id(s)") != std::string::npos);
  CHECK(checked.status().message().find("first 3") != std::string::npos);
  REQUIRE(m.closed_checked(good).ok());
  CHECK(m.closed_checked(good)->weights == std::vector<Weight>{4, kInfWeight, 6});
}

TEST_CASE("queries on one thread while another swaps metrics", "[traffic][metric_store][stress]") {
  const RoadGraph g = dk_fixtures::block_grid(24);
  constexpr std::uint32_t kMetrics = 6;
  constexpr std::uint32_t kQueries = 32;
  // Precompute, for every metric, the answer to every query with its own Dijkstra.
  std::vector<std::vector<Weight>> weights;
  std::vector<std::pair<NodeId, NodeId>> queries;
  for (std::uint32_t q = 0; q < kQueries; ++q)
    queries.emplace_back(NodeId(detail::splitmix64(2 * q) % g.node_count()),
                         NodeId(detail::splitmix64(2 * q + 1) % g.node_count()));
  std::vector<std::vector<Deciseconds>> expected(kMetrics);
  for (std::uint32_t m = 0; m < kMetrics; ++m) {
    weights.push_back(seeded_weights(g, m));
    Dijkstra d(g, weights.back());
    for (const auto& [s, t] : queries) expected[m].push_back(d.distance(s, t));
  }
  // Different metrics must give different answers, or the test could not fail.
  CHECK(expected[0] != expected[1]);
  CHECK(expected[1] != expected[2]);

  MetricStore<TestMetric> store(std::make_shared<const TestMetric>(TestMetric{weights[0], 0}));
  std::atomic<bool> done{false};
  std::atomic<std::uint64_t> answered{0}, wrong{0}, non_monotone{0};

  std::thread reader([&] {
    std::uint64_t last_version = 0;
    std::uint32_t q = 0;
    // Run until the writer is done, and at least a few hundred queries.
    while (!done.load(std::memory_order_acquire) ||
           answered.load(std::memory_order_relaxed) < 4000) {
      const MetricSnapshot<TestMetric> snap = store.snapshot();
      if (snap.version < last_version) non_monotone.fetch_add(1, std::memory_order_relaxed);
      last_version = snap.version;
      // The workspace routes on the snapshot's weights for the whole query, while the
      // writer may already have replaced (and dropped its reference to) this metric.
      Dijkstra d(g, snap.metric->weights);
      for (int k = 0; k < 4; ++k, q = (q + 1) % kQueries) {
        const auto& [s, t] = queries[q];
        if (d.distance(s, t) != expected[snap.metric->index][q])
          wrong.fetch_add(1, std::memory_order_relaxed);
        answered.fetch_add(1, std::memory_order_relaxed);
      }
    }
  });

  std::uint64_t last = 1;
  // Publish until both many swaps and many queries have happened, so they interleave.
  std::uint32_t i = 1;
  for (; i <= 2000 || (answered.load(std::memory_order_relaxed) < 4000 && i < 200000); ++i) {
    // A fresh copy each time: the old metric is freed by whichever thread drops it last.
    const std::uint32_t m = i % kMetrics;
    last = store.publish(std::make_shared<const TestMetric>(TestMetric{weights[m], m}));
    if (i % 50 == 0) std::this_thread::yield();
  }
  done.store(true, std::memory_order_release);
  reader.join();
  CHECK(last == i);
  CHECK(store.version() == i);
  CHECK(answered.load() >= 4000);
  CHECK(wrong.load() == 0);
  CHECK(non_monotone.load() == 0);
}

TEST_CASE("concurrent closures through update() all stick", "[traffic][metric_store][stress]") {
  const RoadGraph g = dk_fixtures::block_grid(8);
  MetricStore<WeightMetric> store(std::make_shared<const WeightMetric>(
      WeightMetric{std::vector<Weight>(g.weights().begin(), g.weights().end()), "base"}));
  constexpr std::uint32_t kPerThread = 40;
  auto closer = [&](std::uint32_t first) {
    for (std::uint32_t i = 0; i < kPerThread; ++i) {
      const ArcId arc(first + 2 * i);  // thread 0 closes even arcs, thread 1 odd ones
      store.update([&](const WeightMetric& old) {
        return std::make_shared<const WeightMetric>(old.closed({&arc, 1}));
      });
    }
  };
  std::thread a(closer, 0), b(closer, 1);
  std::uint64_t reads = 0;
  do {  // read while the closers write (at least once, however fast they are)
    const auto m = store.current();
    reads += m->weights.size();
  } while (store.version() < 1 + 2 * kPerThread);
  a.join();
  b.join();
  CHECK(store.version() == 1 + 2 * kPerThread);
  const auto final_metric = store.current();
  for (std::uint32_t arc = 0; arc < 2 * kPerThread; ++arc)
    CHECK(final_metric->weights[arc] == kInfWeight);
  CHECK(final_metric->weights[2 * kPerThread] != kInfWeight);
  CHECK(reads > 0);
}
