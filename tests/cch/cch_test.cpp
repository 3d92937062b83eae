// Tests for route/cch: orders, topology, customization (basic, perfect, threads, partial),
// elimination-tree queries with paths, and many-to-one buckets, cross-checked against the
// reference Dijkstra on hand-drawn graphs, the bundled San Francisco network and PACE16 NY.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "dispatchkit/detail/hash.hpp"
#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/route/cch.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "fixtures/drawn_graphs.hpp"
#include "test_data.hpp"

using namespace dispatchkit;

namespace {

// Deterministic random numbers (splitmix64), the same on every platform.
struct Rng {
  std::uint64_t state;
  std::uint64_t next() { return detail::splitmix64(state++); }
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(next() % n); }
  double unit() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }
};

// The hand-drawn graph with a one-way ring: see fixtures/drawn_graphs.hpp.
using dk_fixtures::drawn_ring_city;

// A w x h grid of two-way streets with seeded weights 1..100 and a few one-way streets.
RoadGraph grid(std::uint32_t w, std::uint32_t h, std::uint64_t seed) {
  RoadGraphBuilder b("grid");
  for (std::uint32_t y = 0; y < h; ++y)
    for (std::uint32_t x = 0; x < w; ++x)
      b.add_node(y * w + x, LatLon{37.7 + y * 0.001, -122.4 + x * 0.001});
  Rng rng{seed};
  auto street = [&](std::uint32_t u, std::uint32_t v) {
    const std::uint32_t wt = 1 + rng.below(100);
    const std::uint32_t kind = rng.below(10);  // 0: u -> v only, 1: v -> u only
    if (kind != 1) b.add_arc(NodeId(u), NodeId(v), Deciseconds{wt}, Meters{wt * 10.0});
    if (kind != 0) b.add_arc(NodeId(v), NodeId(u), Deciseconds{wt}, Meters{wt * 10.0});
  };
  for (std::uint32_t y = 0; y < h; ++y)
    for (std::uint32_t x = 0; x < w; ++x) {
      if (x + 1 < w) street(y * w + x, y * w + x + 1);
      if (y + 1 < h) street(y * w + x, (y + 1) * w + x);
    }
  return *std::move(b).build();
}

std::optional<RoadGraph> load(const std::string& path) {
  absl::StatusOr<RoadGraph> g = load_graph(path);
  if (!g.ok()) return std::nullopt;
  return *std::move(g);
}

// A position on a random arc (and its reverse arc if the street is two-way).
RoadPosition random_position(const RoadGraph& g, Rng& rng) {
  if (rng.below(5) == 0) return RoadPosition::at_node(NodeId(rng.below(g.node_count())));
  const ArcId a(rng.below(g.arc_count()));
  const auto rev = g.find_arc(g.head(a), g.tail(a));
  return RoadPosition::on_arc(a, static_cast<float>(rng.unit()), rev ? *rev : ArcId::invalid());
}

// The CCH topology of `g` under an inertial-flow or a METIS order (the order is REQUIREd).
absl::StatusOr<CchTopology> topology_of(const RoadGraph& g, bool inertial_flow) {
  auto order = inertial_flow ? cch_order_inertial_flow(g) : cch_order_metis(g);
  REQUIRE(order.ok());
  return CchTopology::build(g, *order);
}

// The three kinds of metric the traffic engineer customizes.
enum class MetricKind { kFreeFlow, kTimeSlice, kClosures };

std::vector<Weight> make_weights(const RoadGraph& g, MetricKind kind, std::uint64_t seed) {
  std::vector<Weight> w(g.weights().begin(), g.weights().end());
  Rng rng{seed};
  for (Weight& x : w) {
    if (kind == MetricKind::kTimeSlice) x = static_cast<Weight>(x * (1.0 + rng.unit()));
    if (kind == MetricKind::kClosures && rng.below(20) == 0) x = kInfWeight;
  }
  return w;
}

// Sum of `weights` along `path` if it is a connected drive from `from` to `to`, else nullopt.
std::optional<Weight> path_weight(const RoadGraph& g, std::span<const Weight> weights,
                                  const std::vector<ArcId>& path, NodeId from, NodeId to) {
  NodeId at = from;
  Weight sum = 0;
  for (ArcId a : path) {
    if (g.tail(a) != at) return std::nullopt;
    sum = add_weights(sum, weights[a.value()]);
    at = g.head(a);
  }
  if (at != to) return std::nullopt;
  return sum;
}

// `sources` one-to-all Dijkstra runs, each checked against CCH queries to `targets` random
// nodes (and the unpacked path of every tenth).
void cross_check(const RoadGraph& g, const CchMetric& m, std::span<const Weight> weights,
                 std::uint32_t sources, std::uint32_t targets, std::uint64_t seed) {
  Dijkstra dijkstra(g, weights);
  CchQuery query(m, g);
  Rng rng{seed};
  std::uint32_t mismatches = 0, bad_paths = 0, reachable = 0;
  for (std::uint32_t i = 0; i < sources; ++i) {
    const NodeId s(rng.below(g.node_count()));
    dijkstra.run_forward(s);
    for (std::uint32_t j = 0; j < targets; ++j) {
      const NodeId t(rng.below(g.node_count()));
      const Deciseconds got = query.distance(s, t);
      const Deciseconds want = dijkstra.distance_to(t);
      if (got != want) {
        if (++mismatches <= 5)
          UNSCOPED_INFO("s=" << s.value() << " t=" << t.value() << " cch=" << got.count()
                             << " dijkstra=" << want.count());
        continue;
      }
      if (!want.is_infinite()) ++reachable;
      if (j % 10 == 0 && !want.is_infinite()) {
        const auto w = path_weight(g, weights, query.path(), s, t);
        if (!w || *w != want.count()) ++bad_paths;
      }
    }
  }
  CHECK(mismatches == 0);
  CHECK(bad_paths == 0);
  CHECK(reachable > 0);
}

void require_same_weights(const CchMetric& a, const CchMetric& b) {
  REQUIRE(a.basic_weights().size() == b.basic_weights().size());
  CHECK(std::equal(a.basic_weights().begin(), a.basic_weights().end(), b.basic_weights().begin()));
  CHECK(
      std::equal(a.search_weights().begin(), a.search_weights().end(), b.search_weights().begin()));
  CHECK(std::equal(a.input_weights().begin(), a.input_weights().end(), b.input_weights().begin()));
}

}  // namespace

TEST_CASE("CCH on a hand-drawn city: nodes, mid-arc positions, one-way streets", "[cch]") {
  const RoadGraph g = drawn_ring_city();
  for (bool inertial : {false, true}) {
    auto topo = topology_of(g, inertial);
    REQUIRE(topo.ok());
    CHECK(topo->matches(g));
    for (bool perfect : {false, true}) {
      auto m = CchMetric::customize(*topo, g.weights(), {.threads = 1, .perfect = perfect});
      REQUIRE(m.ok());
      CchQuery q(*m, g);
      Dijkstra d(g);
      CHECK(q.distance(NodeId(0), NodeId(4)) == Deciseconds{31});  // 0-1-2-3-5-4, not 0 -> 4 (50)
      CHECK(q.distance(NodeId(4), NodeId(0)).is_infinite());       // 4 is a dead end
      CHECK(q.distance(NodeId(0), NodeId(6)).is_infinite());       // isolated
      CHECK(q.distance(NodeId(2), NodeId(2)) == Deciseconds{0});
      CHECK(q.path().empty());
      CHECK(q.distance(NodeId(3), NodeId(0)) == Deciseconds{17});  // 3-5-1-0
      const auto p = q.path();
      REQUIRE(p.size() == 3);
      CHECK(g.tail(p[0]) == NodeId(3));
      CHECK(g.head(p[2]) == NodeId(0));
      // All pairs of nodes and of positions on every arc agree with Dijkstra.
      std::vector<RoadPosition> positions;
      for (std::uint32_t v = 0; v < g.node_count(); ++v)
        positions.push_back(RoadPosition::at_node(NodeId(v)));
      for (std::uint32_t a = 0; a < g.arc_count(); ++a) {
        const auto rev = g.find_arc(g.head(ArcId(a)), g.tail(ArcId(a)));
        for (float f : {0.0f, 0.3f, 0.75f, 1.0f})
          positions.push_back(RoadPosition::on_arc(ArcId(a), f, rev ? *rev : ArcId::invalid()));
      }
      for (const auto& s : positions)
        for (const auto& t : positions) {
          const Deciseconds want = d.distance(s, t);
          INFO("inertial=" << inertial << " perfect=" << perfect);
          REQUIRE(q.distance(s, t) == want);
          if (!want.is_infinite() && !(s == t)) {
            // The route starts on the source's street and ends on the target's.
            const auto route = q.path();
            if (!route.empty()) {
              if (!s.is_node())
                CHECK((route.front() == s.arc() || route.front() == s.reverse_arc()));
              if (!t.is_node()) CHECK((route.back() == t.arc() || route.back() == t.reverse_arc()));
            }
          }
        }
    }
  }
}

TEST_CASE("CCH topology rejects a bad order", "[cch]") {
  const RoadGraph g = drawn_ring_city();
  std::vector<NodeId> order(g.node_count(), NodeId(0));
  CHECK(CchTopology::build(g, order).status().code() == absl::StatusCode::kInvalidArgument);
  order.resize(3);
  CHECK(CchTopology::build(g, order).status().code() == absl::StatusCode::kInvalidArgument);
  auto good = cch_order_metis(g);
  REQUIRE(good.ok());
  auto topo = CchTopology::build(g, *good);
  REQUIRE(topo.ok());
  const std::vector<Weight> short_weights(2, 1);
  CHECK(CchMetric::customize(*topo, short_weights).status().code() ==
        absl::StatusCode::kInvalidArgument);
  auto m = CchMetric::customize(*topo, g.weights());
  REQUIRE(m.ok());
  const ArcWeightChange bad{ArcId(g.arc_count()), 5};
  CHECK(m->update({&bad, 1}).status().code() == absl::StatusCode::kOutOfRange);
}

TEST_CASE("CCH elimination tree: ranks are a postorder, parents above children", "[cch]") {
  const RoadGraph g = grid(30, 20, 7);
  auto topo = topology_of(g, /*inertial_flow=*/true);
  REQUIRE(topo.ok());
  const auto& t = *topo;
  for (std::uint32_t r = 0; r < t.node_count(); ++r) {
    CHECK(t.node_at(t.rank(t.node_at(r))) == t.node_at(r));
    if (t.first_up(r) < t.first_up(r + 1)) {
      CHECK(t.parent(r) == t.up_head(t.first_up(r)));
      // Every upward neighbour is an ancestor: inside the neighbour's subtree range.
      for (std::uint32_t a = t.first_up(r); a < t.first_up(r + 1); ++a) {
        const std::uint32_t h = t.up_head(a);
        CHECK(h > r);
        CHECK(r + t.subtree_size(h) > h);
      }
    } else {
      CHECK(t.parent(r) == CchTopology::kNone);
    }
  }
  CHECK(t.stats().arc_count == t.arc_count());
  CHECK(t.stats().tree_height > 0);
}

TEST_CASE("CCH on a grid equals Dijkstra for every metric, order and thread count", "[cch]") {
  const RoadGraph g = grid(40, 40, 11);
  for (bool inertial : {false, true}) {
    auto topo = topology_of(g, inertial);
    REQUIRE(topo.ok());
    for (MetricKind kind : {MetricKind::kFreeFlow, MetricKind::kTimeSlice, MetricKind::kClosures}) {
      const auto w = make_weights(g, kind, 5);
      auto m1 = CchMetric::customize(*topo, w, {.threads = 1});
      auto m2 = CchMetric::customize(*topo, w, {.threads = 2});
      REQUIRE(m1.ok());
      REQUIRE(m2.ok());
      require_same_weights(*m1, *m2);
      cross_check(g, *m2, w, 20, 100, 3 + static_cast<int>(kind));
    }
  }
}

TEST_CASE("CCH on San Francisco equals Dijkstra on 10,000 pairs per metric", "[cch]") {
  const auto g = load(dk_test::bundled("sf/sf_osm_edges.csv.xz"));
  REQUIRE(g.has_value());
  for (bool inertial : {false, true}) {
    auto topo = topology_of(*g, inertial);
    REQUIRE(topo.ok());
    for (MetricKind kind : {MetricKind::kFreeFlow, MetricKind::kTimeSlice, MetricKind::kClosures}) {
      INFO("inertial=" << inertial << " metric=" << static_cast<int>(kind));
      const auto w = make_weights(*g, kind, 17);
      auto m = CchMetric::customize(*topo, w, {.threads = 2});
      REQUIRE(m.ok());
      cross_check(*g, *m, w, 100, 100, 100 + static_cast<int>(kind));
      // Basic-only customization answers the same.
      auto basic = CchMetric::customize(*topo, w, {.threads = 1, .perfect = false});
      REQUIRE(basic.ok());
      cross_check(*g, *basic, w, 10, 100, 200 + static_cast<int>(kind));
    }
  }
}

TEST_CASE("CCH position queries on San Francisco equal Dijkstra", "[cch]") {
  const auto g = load(dk_test::bundled("sf/sf_osm_edges.csv.xz"));
  REQUIRE(g.has_value());
  auto topo = topology_of(*g, /*inertial_flow=*/true);
  REQUIRE(topo.ok());
  const auto w = make_weights(*g, MetricKind::kTimeSlice, 3);
  auto m = CchMetric::customize(*topo, w);
  REQUIRE(m.ok());
  Dijkstra d(*g, w);
  CchQuery q(*m, *g);
  Rng rng{99};
  std::uint32_t mismatches = 0;
  for (int i = 0; i < 400; ++i) {
    const RoadPosition s = random_position(*g, rng), t = random_position(*g, rng);
    if (q.distance(s, t) != d.distance(s, t)) ++mismatches;
  }
  CHECK(mismatches == 0);
}

TEST_CASE("CCH partial re-customization equals full customization", "[cch]") {
  const auto g = load(dk_test::bundled("sf/sf_osm_edges.csv.xz"));
  REQUIRE(g.has_value());
  auto topo = topology_of(*g, /*inertial_flow=*/false);
  REQUIRE(topo.ok());
  for (bool perfect : {true, false}) {
    std::vector<Weight> w(g->weights().begin(), g->weights().end());
    auto live = CchMetric::customize(*topo, w, {.threads = 1, .perfect = perfect});
    REQUIRE(live.ok());
    Rng rng{perfect ? 1u : 2u};
    for (int round = 0; round < 80; ++round) {
      // A handful of changes: closures, slow-downs, speed-ups, reopenings.
      std::vector<ArcWeightChange> changes;
      const std::uint32_t count = 1 + rng.below(12);
      for (std::uint32_t i = 0; i < count; ++i) {
        const ArcId a(rng.below(g->arc_count()));
        Weight nw;
        switch (rng.below(4)) {
          case 0:
            nw = kInfWeight;
            break;
          case 1:
            nw = g->weights()[a.value()] * 3;
            break;
          case 2:
            nw = g->weights()[a.value()] / 2;
            break;
          default:
            nw = g->weights()[a.value()];
            break;
        }
        changes.push_back({a, nw});
        w[a.value()] = nw;
      }
      auto stats = live->update(changes);
      REQUIRE(stats.ok());
      CHECK(stats->basic_recomputed >= 1);
      auto full = CchMetric::customize(*topo, w, {.threads = 2, .perfect = perfect});
      REQUIRE(full.ok());
      INFO("perfect=" << perfect << " round=" << round);
      require_same_weights(*live, *full);
    }
    cross_check(*g, *live, w, 20, 100, 77);
    // updated() leaves the original alone.
    const ArcWeightChange close{ArcId(0), kInfWeight};
    auto copy = live->updated({&close, 1});
    REQUIRE(copy.ok());
    CHECK(copy->input_weights()[0] == kInfWeight);
    CHECK(live->input_weights()[0] == w[0]);
  }
}

TEST_CASE("CCH many-to-one equals Dijkstra, with moves, removals and a metric swap", "[cch]") {
  const auto g = load(dk_test::bundled("sf/sf_osm_edges.csv.xz"));
  REQUIRE(g.has_value());
  auto topo = topology_of(*g, /*inertial_flow=*/true);
  REQUIRE(topo.ok());
  const auto w1 = make_weights(*g, MetricKind::kFreeFlow, 1);
  const auto w2 = make_weights(*g, MetricKind::kClosures, 2);
  auto m1 = CchMetric::customize(*topo, w1);
  auto m2 = CchMetric::customize(*topo, w2, {.threads = 1, .perfect = false});
  REQUIRE(m1.ok());
  REQUIRE(m2.ok());
  CchManyToOne fleet(*m1, *g);
  Rng rng{5};
  std::vector<RoadPosition> units(40);
  for (std::uint32_t s = 0; s < units.size(); ++s) {
    units[s] = random_position(*g, rng);
    fleet.set_source(s, units[s]);
  }
  // Move some, remove some.
  for (std::uint32_t s = 0; s < units.size(); s += 3) {
    units[s] = random_position(*g, rng);
    fleet.set_source(s, units[s]);
  }
  for (std::uint32_t s = 1; s < units.size(); s += 7) {
    fleet.remove_source(s);
    units[s] = RoadPosition();
  }
  auto check = [&](std::span<const Weight> w) {
    Dijkstra d(*g, w);
    std::vector<Weight> out(fleet.slot_capacity() + 2);
    std::uint32_t mismatches = 0;
    for (int i = 0; i < 15; ++i) {
      const RoadPosition target = random_position(*g, rng);
      fleet.distances_to(target, out);
      for (std::uint32_t s = 0; s < units.size(); ++s) {
        const Weight want = units[s].valid() ? d.distance(units[s], target).count() : kInfWeight;
        if (out[s] != want) ++mismatches;
      }
      CHECK(out[units.size()] == kInfWeight);  // never-used slots stay unreachable
    }
    CHECK(mismatches == 0);
  };
  check(w1);
  fleet.set_metric(*m2);
  check(w2);
}

TEST_CASE("CCH on PACE16 NY equals Dijkstra on 10,000 pairs per metric", "[cch][slow][shared]") {
  const auto path = dk_test::shared("road_pace16_NY.gr.xz");
  if (!path) {
    WARN(dk_test::skipped("road_pace16_NY.gr.xz"));
    return;
  }
  const auto g = load(*path);
  REQUIRE(g.has_value());
  auto topo = topology_of(*g, /*inertial_flow=*/false);
  REQUIRE(topo.ok());
  for (MetricKind kind : {MetricKind::kFreeFlow, MetricKind::kTimeSlice, MetricKind::kClosures}) {
    INFO("metric=" << static_cast<int>(kind));
    const auto w = make_weights(*g, kind, 23);
    auto m = CchMetric::customize(*topo, w, {.threads = 2});
    REQUIRE(m.ok());
    cross_check(*g, *m, w, 100, 100, 300 + static_cast<int>(kind));
    if (kind == MetricKind::kFreeFlow) {
      // Ten closures, partial re-customization against a full one.
      Rng rng{8};
      std::vector<ArcWeightChange> changes;
      std::vector<Weight> w2 = w;
      for (int i = 0; i < 10; ++i) {
        const ArcId a(rng.below(g->arc_count()));
        changes.push_back({a, kInfWeight});
        w2[a.value()] = kInfWeight;
      }
      REQUIRE(m->update(changes).ok());
      auto full = CchMetric::customize(*topo, w2, {.threads = 1});
      REQUIRE(full.ok());
      require_same_weights(*m, *full);
    }
  }
}

TEST_CASE("CCH queries treat unknown nodes, arcs and slots as unreachable", "[cch]") {
  const RoadGraph g = drawn_ring_city();
  auto topo = topology_of(g, /*inertial_flow=*/false);
  REQUIRE(topo.ok());
  auto m = CchMetric::customize(*topo, g.weights());
  REQUIRE(m.ok());
  CchQuery q(*m, g);
  CHECK(q.distance(NodeId(g.node_count() + 10), NodeId(0)).is_infinite());
  CHECK(q.distance(NodeId(0), NodeId::invalid()).is_infinite());
  CHECK(q.path().empty());
  const RoadPosition ok = RoadPosition::at_node(NodeId(0));
  CHECK(q.distance(RoadPosition(), ok).is_infinite());
  CHECK(q.distance(ok, RoadPosition::on_arc(ArcId(g.arc_count() + 3), 0.5f)).is_infinite());
  CHECK(q.distance(ok, RoadPosition::on_arc(ArcId(0), 0.5f, ArcId(g.arc_count()))).is_infinite());
  CHECK(q.distance(NodeId(0), NodeId(4)) == Deciseconds{31});  // still usable afterwards

  CchManyToOne fleet(*m, g);
  fleet.set_source(0, RoadPosition::at_node(NodeId(0)));
  fleet.set_source(1, RoadPosition::on_arc(ArcId(g.arc_count() + 7), 0.5f));
  CHECK(fleet.has_source(1));
  CHECK_THROWS_AS(fleet.set_source(UINT32_MAX, ok), std::length_error);
  CHECK(fleet.has_source(0));
  std::vector<Weight> out(2, 0);
  fleet.distances_to(RoadPosition(), out);
  CHECK(out[0] == kInfWeight);
  CHECK(out[1] == kInfWeight);
  fleet.distances_to(RoadPosition::at_node(NodeId(4)), out);
  CHECK(out[0] == 31);
  CHECK(out[1] == kInfWeight);
  CchMetric empty;
  const ArcWeightChange change{ArcId(0), 5};
  CHECK(empty.update({&change, 1}).status().code() == absl::StatusCode::kFailedPrecondition);
}
