// Shared helpers of the CH tests: synthetic graphs and path checks.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <span>
#include <vector>

#include "dispatchkit/detail/hash.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/route/ch.hpp"

namespace ch_test {

using namespace dispatchkit;

// Deterministic pseudo-random numbers (splitmix64) for seeded tests.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() { return detail::splitmix64(++state_); }
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(next() % n); }
  float fraction() { return static_cast<float>(next() % 1001) / 1000.0f; }

 private:
  std::uint64_t state_;
};

// A w x h grid "city" with coordinates, random travel times 1..max_weight, about
// `one_way_percent` of the streets one-way (direction random), a few random diagonal
// avenues, and ties (equal-length alternatives) on purpose when max_weight is small.
inline RoadGraph grid_city(std::uint32_t w, std::uint32_t h, std::uint64_t seed,
                           std::uint32_t max_weight = 100, std::uint32_t one_way_percent = 20) {
  Rng rng(seed);
  RoadGraphBuilder b("grid");
  for (std::uint32_t y = 0; y < h; ++y)
    for (std::uint32_t x = 0; x < w; ++x)
      b.add_node(1000 + y * w + x, LatLon{40.0 + y * 0.001, -74.0 + x * 0.001});
  auto street = [&](std::uint32_t u, std::uint32_t v) {
    const std::uint32_t wt = 1 + rng.below(max_weight);
    const std::uint32_t back = 1 + rng.below(max_weight);
    const bool one_way = rng.below(100) < one_way_percent;
    const bool flip = rng.below(2) == 0;
    if (!one_way || !flip) b.add_arc(NodeId(u), NodeId(v), Deciseconds{wt}, Meters{wt * 5.0});
    if (!one_way || flip) b.add_arc(NodeId(v), NodeId(u), Deciseconds{back}, Meters{back * 5.0});
  };
  for (std::uint32_t y = 0; y < h; ++y) {
    for (std::uint32_t x = 0; x < w; ++x) {
      const std::uint32_t v = y * w + x;
      if (x + 1 < w) street(v, v + 1);
      if (y + 1 < h) street(v, v + w);
      if (x + 1 < w && y + 1 < h && rng.below(10) == 0) street(v, v + w + 1);
    }
  }
  return *std::move(b).build();
}

// Sum of the arcs' weights, checking that they form a walk from `from` to `to`.
inline Weight walk_weight(const RoadGraph& g, std::span<const ArcId> arcs, NodeId from, NodeId to) {
  if (arcs.empty()) {
    CHECK(from == to);
    return 0;
  }
  CHECK(g.tail(arcs.front()) == from);
  CHECK(g.head(arcs.back()) == to);
  Weight sum = 0;
  for (std::size_t i = 0; i < arcs.size(); ++i) {
    if (i > 0) CHECK(g.tail(arcs[i]) == g.head(arcs[i - 1]));
    sum += g.weights()[arcs[i].value()];
  }
  return sum;
}

// A random position on the graph: a node, or a point on an arc with its reverse arc if
// the street is two-way.
inline RoadPosition random_position(const RoadGraph& g, Rng& rng, bool allow_nodes = true) {
  if (allow_nodes && rng.below(4) == 0)
    return RoadPosition::at_node(NodeId(rng.below(g.node_count())));
  const ArcId a(rng.below(g.arc_count()));
  const auto rev = g.find_arc(g.head(a), g.tail(a));
  return RoadPosition::on_arc(a, rng.fraction(), rev ? *rev : ArcId::invalid());
}

}  // namespace ch_test
