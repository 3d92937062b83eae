// "Queries are noexcept and allocation-free after warm-up" (README), pinned call by call on
// the bundled San Francisco graph. Each case warms a workspace up once, then counts the
// operator new calls of many queries (counting_new.hpp) and requires none; the calls that
// do allocate (a returned route, a returned matrix) are counted too, so the README's
// "What allocates" list is checked in both directions.
#include <catch2/catch.hpp>

#include <cstdint>
#include <utility>
#include <vector>

#include "counting_new.hpp"
#include "dispatchkit/graph/snap.hpp"
#include "robustness/robustness_fixtures.hpp"

using namespace dispatchkit;
using dk_alloc::AllocationCount;
using dk_alloc::allocations_in;
using dk_alloc::ref;

namespace {

// ---- The noexcept part of the claim, checked by the compiler. ---------------------------
// If one of the "not noexcept" lines starts failing, the call became noexcept: move it up,
// and update the README's "What allocates" list.

static_assert(noexcept(ref<ChQuery>().distance(ref<const NodeId>(), ref<const NodeId>())));
static_assert(noexcept(ref<ChQuery>().distance(ref<const RoadPosition>(),
                                               ref<const RoadPosition>())));
static_assert(!noexcept(ref<ChQuery>().path(ref<const RoadPosition>(),
                                            ref<const RoadPosition>())));  // returns a vector
static_assert(!noexcept(ref<ChQuery>().path_into(ref<const RoadPosition>(),
                                                 ref<const RoadPosition>(),
                                                 ref<std::vector<ArcId>>())));  // buffer may grow
static_assert(noexcept(ref<ChManyToOne>().distances_to(ref<const RoadPosition>(),
                                                       ref<std::span<Weight>>())));
static_assert(noexcept(ref<ChManyToOne>().remove_source(0u)));
static_assert(
    !noexcept(ref<ChManyToOne>().set_source(0u, ref<const RoadPosition>())));  // buckets may grow
static_assert(noexcept(ref<ChOneToMany>().distances_from(ref<const RoadPosition>(),
                                                         ref<std::span<Weight>>())));
static_assert(noexcept(ref<ChOneToMany>().remove_target(0u)));
static_assert(!noexcept(ref<ChManyToMany>().compute(ref<std::span<const RoadPosition>>(),
                                                    ref<std::span<const RoadPosition>>(),
                                                    ref<std::span<Weight>>())));
static_assert(noexcept(ref<CchQuery>().distance(ref<const NodeId>(), ref<const NodeId>())));
static_assert(noexcept(ref<CchQuery>().distance(ref<const RoadPosition>(),
                                                ref<const RoadPosition>())));
static_assert(noexcept(ref<CchQuery>().set_metric(ref<const CchMetric>())));
static_assert(!noexcept(ref<CchQuery>().path()));
static_assert(noexcept(ref<CchManyToOne>().distances_to(ref<const RoadPosition>(),
                                                        ref<std::span<Weight>>())));
static_assert(noexcept(ref<CchManyToOne>().remove_source(0u)));
static_assert(!noexcept(ref<CchManyToOne>().set_source(0u, ref<const RoadPosition>())));
static_assert(noexcept(ref<Dijkstra>().distance(ref<const NodeId>(), ref<const NodeId>())));
static_assert(noexcept(ref<Dijkstra>().distance(ref<const RoadPosition>(),
                                                ref<const RoadPosition>())));
static_assert(noexcept(ref<Dijkstra>().run_forward(ref<const NodeId>())));
static_assert(noexcept(ref<Dijkstra>().run_backward(ref<const NodeId>())));
static_assert(noexcept(ref<Dijkstra>().run(ref<std::span<const SearchSeed>>(),
                                           Dijkstra::Direction::kForward, ref<const NodeId>(),
                                           Weight{})));
static_assert(noexcept(ref<const Dijkstra>().distance_to(ref<const NodeId>())));
static_assert(noexcept(ref<const Dijkstra>().distance_to(ref<const RoadPosition>(),
                                                         ref<const RoadPosition>())));
static_assert(!noexcept(ref<const Dijkstra>().path_to(ref<const NodeId>())));
// snap() returns a StatusOr (an error carries a message), so it is not noexcept; its
// success path is allocation-free (below).
static_assert(!noexcept(ref<const Snapper>().snap(ref<const LatLon>())));

constexpr int kPairs = 1000;

struct Pairs {
  std::vector<NodeId> node_source, node_target;
  std::vector<RoadPosition> source, target;
};

// Fixed-seed node pairs and road-position pairs (mid-street, one-way streets, exact ends).
const Pairs& sf_pairs() {
  static const Pairs p = [] {
    const RoadGraph& g = dk_robust::sf_graph();
    dk_robust::Rng rng(20261204);
    Pairs r;
    for (int i = 0; i < kPairs; ++i) {
      r.node_source.push_back(NodeId(rng.below(g.node_count())));
      r.node_target.push_back(NodeId(rng.below(g.node_count())));
      r.source.push_back(dk_robust::random_position(g, rng));
      r.target.push_back(dk_robust::random_position(g, rng));
    }
    return r;
  }();
  return p;
}

TEST_CASE("ChQuery::distance allocates nothing after construction", "[allocation][ch]") {
  const Pairs& p = sf_pairs();
  ChQuery query(dk_robust::sf_ch(), dk_robust::sf_graph());
  (void)query.distance(p.source[0], p.target[0]);  // warm-up
  Weight sum = 0;
  const std::uint64_t n = allocations_in([&] {
    for (int round = 0; round < 3; ++round)
      for (int i = 0; i < kPairs; ++i) {
        sum += query.distance(p.node_source[i], p.node_target[i]).count() & 1;
        sum += query.distance(p.source[i], p.target[i]).count() & 1;
      }
  });
  CHECK(sum > 0);  // the queries ran
  CHECK(n == 0);
}

TEST_CASE("ChQuery::path_into reuses its buffer; path allocates its result", "[allocation][ch]") {
  const Pairs& p = sf_pairs();
  ChQuery query(dk_robust::sf_ch(), dk_robust::sf_graph());
  std::vector<ArcId> route;
  // Warm-up: one pass over the pairs grows the caller's buffer and the unpacking stacks to
  // the longest route; a second pass over the same pairs then allocates nothing.
  for (int i = 0; i < kPairs; ++i) (void)query.path_into(p.source[i], p.target[i], route);
  std::size_t arcs = 0;
  const std::uint64_t reused = allocations_in([&] {
    for (int i = 0; i < kPairs; ++i) {
      (void)query.path_into(p.source[i], p.target[i], route);
      arcs += route.size();
    }
  });
  CHECK(arcs > std::size_t{kPairs});
  CHECK(reused == 0);

  // path() hands out a new vector per route: at least one allocation per non-empty route.
  std::size_t non_empty = 0;
  const std::uint64_t fresh = allocations_in([&] {
    for (int i = 0; i < 100; ++i) non_empty += query.path(p.source[i], p.target[i]).empty() ? 0 : 1;
  });
  CHECK(non_empty > 50);
  CHECK(fresh >= non_empty);

  // route_polyline() returns the route's shape as a new vector.
  (void)query.path_into(p.source[0], p.target[0], route);
  std::vector<LatLon> line;
  const std::uint64_t polyline = allocations_in(
      [&] { line = route_polyline(dk_robust::sf_graph(), p.source[0], p.target[0], route); });
  CHECK(line.size() >= 2);
  CHECK(polyline >= 1);
}

// Units in `slots` slots, moved along a fixed sequence of positions.
struct Moves {
  std::vector<std::pair<std::uint32_t, RoadPosition>> steps;
};
Moves unit_moves(std::uint32_t slots, int steps, std::uint64_t seed) {
  const RoadGraph& g = dk_robust::sf_graph();
  dk_robust::Rng rng(seed);
  Moves m;
  for (int i = 0; i < steps; ++i)
    m.steps.emplace_back(rng.below(slots), dk_robust::random_position(g, rng));
  return m;
}

// The many-to-one contract, for ChManyToOne and CchManyToOne alike: 200 units placed, then
// distances_to() over 1000 incidents allocates nothing. Moving units: a day of GPS fixes,
// then every unit back home. The first pass grows the buckets and the units' entry lists
// to their working size (warm-up); replaying it from the same start moves units without
// allocating. (A move into buckets larger than any seen before may still grow them:
// "allocation-free after warm-up" means this.) remove_source() never allocates.
template <class ManyToOne>
void check_many_to_one(ManyToOne& etas, std::uint64_t seed) {
  const Pairs& p = sf_pairs();
  constexpr std::uint32_t kUnits = 200;
  for (std::uint32_t u = 0; u < kUnits; ++u) etas.set_source(u, p.source[u]);
  std::vector<Weight> out(etas.slot_capacity());
  etas.distances_to(p.target[0], out);  // warm-up
  Weight sum = 0;
  const std::uint64_t queries = allocations_in([&] {
    for (int i = 0; i < kPairs; ++i) {
      etas.distances_to(p.target[i], out);
      sum += out[static_cast<std::size_t>(i) % kUnits] & 1;
    }
  });
  CHECK(sum > 0);
  CHECK(queries == 0);

  const Moves moves = unit_moves(kUnits, 2000, seed);
  auto replay = [&] {
    for (const auto& [slot, position] : moves.steps) etas.set_source(slot, position);
    for (std::uint32_t u = 0; u < kUnits; ++u) etas.set_source(u, p.source[u]);
  };
  replay();
  const std::uint64_t warm_moves = allocations_in(replay);
  const std::uint64_t removals = allocations_in([&] {
    for (std::uint32_t u = 0; u < kUnits; u += 2) etas.remove_source(u);
  });
  if constexpr (requires { etas.consistent(); }) CHECK(etas.consistent());
  CHECK(warm_moves == 0);
  CHECK(removals == 0);
}

TEST_CASE("ChManyToOne: distances_to never allocates; set_source only while buckets grow",
          "[allocation][ch]") {
  ChManyToOne etas(dk_robust::sf_ch(), dk_robust::sf_graph());
  check_many_to_one(etas, 7);
}

TEST_CASE("ChOneToMany: distances_from never allocates; set_target only while buckets grow",
          "[allocation][ch]") {
  const Pairs& p = sf_pairs();
  ChOneToMany from_scene(dk_robust::sf_ch(), dk_robust::sf_graph());
  for (std::uint32_t h = 0; h < 20; ++h) from_scene.set_target(h, p.target[h]);
  std::vector<Weight> out(from_scene.slot_capacity());
  from_scene.distances_from(p.source[0], out);
  Weight sum = 0;
  const std::uint64_t n = allocations_in([&] {
    for (int i = 0; i < kPairs; ++i) {
      from_scene.distances_from(p.source[i], out);
      sum += out[static_cast<std::size_t>(i) % 20] & 1;
    }
  });
  CHECK(sum > 0);
  CHECK(n == 0);

  // Hospitals moved (a diversion list changing) and back: warm-up, then replayed.
  const Moves moves = unit_moves(20, 200, 13);
  auto replay = [&] {
    for (const auto& [slot, position] : moves.steps) from_scene.set_target(slot, position);
    for (std::uint32_t h = 0; h < 20; ++h) from_scene.set_target(h, p.target[h]);
  };
  replay();
  const std::uint64_t warm_moves = allocations_in(replay);
  CHECK(from_scene.consistent());
  CHECK(warm_moves == 0);
}

TEST_CASE(
    "ChManyToMany::compute into a caller's span reuses its buckets; the vector form "
    "allocates the matrix",
    "[allocation][ch]") {
  const Pairs& p = sf_pairs();
  ChManyToMany matrix(dk_robust::sf_ch(), dk_robust::sf_graph());
  const std::span<const RoadPosition> stations(p.source.data(), 30);
  const std::span<const RoadPosition> demand(p.target.data(), 50);
  std::vector<Weight> out(stations.size() * demand.size());
  matrix.compute(stations, demand, out);  // warm-up: the targets' buckets
  const std::uint64_t again = allocations_in([&] {
    for (int round = 0; round < 10; ++round) matrix.compute(stations, demand, out);
  });
  CHECK(again == 0);
  std::vector<Weight> m;
  const std::uint64_t fresh = allocations_in([&] { m = matrix.compute(stations, demand); });
  CHECK(m == out);
  CHECK(fresh == 1);
}

TEST_CASE("CchQuery::distance allocates nothing after construction; path allocates",
          "[allocation][cch]") {
  const Pairs& p = sf_pairs();
  CchQuery query(dk_robust::sf_cch_metric(), dk_robust::sf_graph());
  (void)query.distance(p.source[0], p.target[0]);
  Weight sum = 0;
  const std::uint64_t n = allocations_in([&] {
    for (int round = 0; round < 3; ++round)
      for (int i = 0; i < kPairs; ++i) {
        sum += query.distance(p.node_source[i], p.node_target[i]).count() & 1;
        sum += query.distance(p.source[i], p.target[i]).count() & 1;
      }
    query.set_metric(dk_robust::sf_cch_metric());
  });
  CHECK(sum > 0);
  CHECK(n == 0);

  (void)query.distance(p.source[1], p.target[1]);
  std::vector<ArcId> route;
  const std::uint64_t path = allocations_in([&] { route = query.path(); });
  CHECK_FALSE(route.empty());
  CHECK(path >= 1);
}

TEST_CASE("CchManyToOne: distances_to never allocates; set_source only while buckets grow",
          "[allocation][cch]") {
  CchManyToOne etas(dk_robust::sf_cch_metric(), dk_robust::sf_graph());
  check_many_to_one(etas, 11);
}

TEST_CASE("Dijkstra searches allocate nothing after construction; path_to allocates",
          "[allocation][dijkstra]") {
  const Pairs& p = sf_pairs();
  const RoadGraph& g = dk_robust::sf_graph();
  Dijkstra dijkstra(g);
  (void)dijkstra.distance(p.source[0], p.target[0]);
  Weight sum = 0;
  const std::uint64_t n = allocations_in([&] {
    for (int i = 0; i < 200; ++i) {
      sum += dijkstra.distance(p.node_source[i], p.node_target[i]).count() & 1;
      sum += dijkstra.distance(p.source[i], p.target[i]).count() & 1;
      dijkstra.run_forward(p.node_source[i]);
      sum += dijkstra.distance_to(p.node_target[i]).count() & 1;
      dijkstra.run_backward(p.node_target[i]);
      sum += dijkstra.distance_to(p.source[i], p.target[i]).count() & 1;
      const SeedPair seeds = source_seeds(g, g.weights(), p.source[i]);
      dijkstra.run(seeds.view(), Dijkstra::Direction::kForward, NodeId::invalid(), Weight{3000});
      sum += dijkstra.reached(p.node_target[i]) ? 1 : 0;
    }
  });
  CHECK(sum > 0);
  CHECK(n == 0);

  dijkstra.run_forward(p.node_source[0]);
  std::vector<ArcId> route;
  const std::uint64_t path = allocations_in([&] { route = dijkstra.path_to(p.node_target[0]); });
  CHECK_FALSE(route.empty());
  CHECK(path >= 1);
}

TEST_CASE("Snapper::snap allocates nothing when it finds a street; snap_candidates allocates",
          "[allocation][snap]") {
  const RoadGraph& g = dk_robust::sf_graph();
  absl::StatusOr<Snapper> snapper = Snapper::build(g);
  REQUIRE(snapper.ok());
  // Points near the graph's nodes (a few tens of metres off), so every snap succeeds.
  std::vector<LatLon> points;
  dk_robust::Rng rng(5);
  for (int i = 0; i < 500; ++i) {
    const LatLon c = g.coordinate(NodeId(rng.below(g.node_count())));
    points.push_back({c.lat + 0.0003 * (rng.unit() - 0.5), c.lon + 0.0003 * (rng.unit() - 0.5)});
  }
  (void)snapper->snap(points[0]);
  int found = 0;
  const std::uint64_t n = allocations_in([&] {
    for (const LatLon& pt : points) found += snapper->snap(pt).ok() ? 1 : 0;
  });
  CHECK(found == static_cast<int>(points.size()));
  CHECK(n == 0);

  const std::uint64_t candidates = allocations_in([&] {
    auto c = snapper->snap_candidates(points[0], 5);
    found += c.ok() && !c->empty() ? 1 : 0;
  });
  CHECK(candidates >= 1);
}

}  // namespace
