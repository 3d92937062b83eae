// Tests for route/dijkstra.hpp on hand-drawn graphs.
#include <catch2/catch.hpp>

#include "dispatchkit/route/dijkstra.hpp"
#include "fixtures/drawn_graphs.hpp"

using namespace dispatchkit;

namespace {
using dk_fixtures::drawn_city;  // drawn in fixtures/drawn_graphs.hpp
}  // namespace

TEST_CASE("one-to-one distances and paths", "[route][dijkstra]") {
  const RoadGraph g = drawn_city();
  Dijkstra d(g);
  CHECK(d.distance(NodeId(0), NodeId(4)) == Deciseconds{28});
  const auto path = d.path_to(NodeId(4));
  REQUIRE(path.size() == 4);
  CHECK(g.tail(path.front()) == NodeId(0));
  CHECK(g.head(path.back()) == NodeId(4));
  CHECK(d.distance(NodeId(2), NodeId(2)) == Deciseconds{0});
  CHECK(d.path_to(NodeId(2)).empty());
  CHECK(d.distance(NodeId(4), NodeId(0)).is_infinite());  // one-way streets
  CHECK(d.distance(NodeId(0), NodeId(5)).is_infinite());  // isolated
  // The workspace is reusable: the same query gives the same answer.
  CHECK(d.distance(NodeId(0), NodeId(4)) == Deciseconds{28});
}

TEST_CASE("forward and backward one-to-all agree", "[route][dijkstra]") {
  const RoadGraph g = drawn_city();
  Dijkstra fwd(g), bwd(g);
  for (std::uint32_t s = 0; s < g.node_count(); ++s) {
    fwd.run_forward(NodeId(s));
    for (std::uint32_t t = 0; t < g.node_count(); ++t) {
      bwd.run_backward(NodeId(t));
      CHECK(fwd.distance_to(NodeId(t)) == bwd.distance_to(NodeId(s)));
    }
  }
  bwd.run_backward(NodeId(4));
  const auto path = bwd.path_to(NodeId(1));  // 1 -> 2 -> 3 -> 4
  REQUIRE(path.size() == 3);
  CHECK(g.tail(path.front()) == NodeId(1));
  CHECK(g.head(path.back()) == NodeId(4));
}

TEST_CASE("mid-arc positions respect one-way streets", "[route][dijkstra]") {
  const RoadGraph g = drawn_city();
  Dijkstra d(g);
  const ArcId a01 = *g.find_arc(NodeId(0), NodeId(1));
  const ArcId a10 = *g.find_arc(NodeId(1), NodeId(0));
  const ArcId a23 = *g.find_arc(NodeId(2), NodeId(3));
  // A unit 30% along the two-way street 0-1, an incident 40% along one-way 2 -> 3.
  const auto unit = RoadPosition::on_arc(a01, 0.3f, a10);
  const auto incident = RoadPosition::on_arc(a23, 0.4f);
  // Forward along 0->1: 7 ds to node 1, 10 to node 2, then 2 of the 5 ds.
  CHECK(d.distance(unit, incident) == Deciseconds{19});
  // From the incident, the one-way street leads to 3 and 4 only.
  CHECK(d.distance(incident, unit).is_infinite());
  CHECK(d.distance(incident, RoadPosition::at_node(NodeId(4))) == Deciseconds{6});
  // Same street, ahead and behind (the reverse arc lets the unit turn around).
  CHECK(d.distance(unit, RoadPosition::on_arc(a01, 0.8f, a10)) == Deciseconds{5});
  CHECK(d.distance(RoadPosition::on_arc(a01, 0.8f, a10), unit) == Deciseconds{5});
  // On a one-way street the position behind is reached only around the block (never here).
  CHECK(d.distance(RoadPosition::on_arc(a23, 0.9f), incident).is_infinite());
  CHECK(d.distance(incident, RoadPosition::on_arc(a23, 0.9f)) == Deciseconds{2});
}

TEST_CASE("invalid ids, invalid positions and closed arcs are unreachable", "[route][dijkstra]") {
  const RoadGraph g = drawn_city();
  const ArcId a01 = *g.find_arc(NodeId(0), NodeId(1));
  const ArcId a10 = *g.find_arc(NodeId(1), NodeId(0));
  const ArcId a23 = *g.find_arc(NodeId(2), NodeId(3));
  Dijkstra d(g);
  CHECK(d.distance(NodeId(0), NodeId(99)).is_infinite());
  CHECK(d.distance(NodeId::invalid(), NodeId(1)).is_infinite());
  CHECK(d.distance_to(NodeId(1234)).is_infinite());
  CHECK(d.distance(RoadPosition(), RoadPosition::at_node(NodeId(1))).is_infinite());
  CHECK(d.distance(RoadPosition::on_arc(ArcId(999), 0.5f), RoadPosition::at_node(NodeId(1)))
            .is_infinite());
  // A "reverse arc" that is not the same street reversed makes the position invalid.
  CHECK_FALSE(is_valid_position(g, RoadPosition::on_arc(a01, 0.5f, a23)));
  CHECK(is_valid_position(g, RoadPosition::on_arc(a01, 0.5f, a10)));

  // Close 0 -> 1 (kInfWeight): a unit in its middle can only leave along 1 -> 0.
  std::vector<Weight> closed(g.weights().begin(), g.weights().end());
  closed[a01.value()] = kInfWeight;
  Dijkstra c(g, closed);
  const auto unit = RoadPosition::on_arc(a01, 0.5f, a10);
  CHECK(c.distance(unit, RoadPosition::at_node(NodeId(0))) == Deciseconds{5});
  CHECK(c.distance(unit, RoadPosition::at_node(NodeId(4))) == Deciseconds{55});
  // On a closed one-way street nothing moves, and no finite "2^31" ETA appears.
  closed[a23.value()] = kInfWeight;
  Dijkstra c2(g, closed);
  CHECK(
      c2.distance(RoadPosition::on_arc(a23, 0.5f), RoadPosition::at_node(NodeId(4))).is_infinite());
  CHECK(
      c2.distance(RoadPosition::on_arc(a23, 0.2f), RoadPosition::on_arc(a23, 0.8f)).is_infinite());
}

TEST_CASE("a radius leaves farther nodes unreached and the nearer ones exact",
          "[route][dijkstra]") {
  const RoadGraph g = drawn_city();
  Dijkstra full(g), bounded(g);
  full.run_forward(NodeId(0));  // 0:0 1:10 2:20 3:25 4:28
  const SearchSeed seed{NodeId(0), 0};
  for (const Weight radius : {0u, 9u, 10u, 24u, 25u, 28u, 100u}) {
    bounded.run({&seed, 1}, Dijkstra::Direction::kForward, NodeId::invalid(), radius);
    for (std::uint32_t v = 0; v < g.node_count(); ++v) {
      INFO("radius " << radius << ", node " << v);
      const Deciseconds exact = full.distance_to(NodeId(v));
      if (!exact.is_infinite() && exact.count() <= radius)
        CHECK(bounded.distance_to(NodeId(v)) == exact);
      else
        CHECK(bounded.distance_to(NodeId(v)).is_infinite());
    }
  }
  // A seed beyond the radius is no seed; positions: the same street counts.
  const SearchSeed far{NodeId(1), 40};
  bounded.run({&far, 1}, Dijkstra::Direction::kForward, NodeId::invalid(), 30);
  CHECK_FALSE(bounded.reached(NodeId(1)));
  const RoadPosition on_01 = RoadPosition::on_arc(*g.find_arc(NodeId(0), NodeId(1)), 0.2f,
                                                  *g.find_arc(NodeId(1), NodeId(0)));
  const RoadPosition on_23 = RoadPosition::on_arc(*g.find_arc(NodeId(2), NodeId(3)), 0.4f);
  const SeedPair s = source_seeds(g, g.weights(), on_01);
  const Deciseconds exact = full.distance(on_01, on_23);
  bounded.run(s.view(), Dijkstra::Direction::kForward, NodeId::invalid(), exact.count());
  CHECK(bounded.distance_to(on_01, on_23) == exact);
  bounded.run(s.view(), Dijkstra::Direction::kForward, NodeId::invalid(), exact.count() - 3);
  CHECK(bounded.distance_to(on_01, on_23).is_infinite());
  // The same time read off one backward run towards the target (how an oracle ranks units).
  const SeedPair t = target_seeds(g, g.weights(), on_23);
  bounded.run(t.view(), Dijkstra::Direction::kBackward, NodeId::invalid());
  CHECK(bounded.distance_to(on_01, on_23) == exact);
}
