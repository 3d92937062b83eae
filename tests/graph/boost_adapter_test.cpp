// Tests for graph/boost_adapter.hpp: Boost.Graph's own Dijkstra, run on a RoadGraph
// through the zero-copy adapter and on the compressed_sparse_row_graph copy, must agree
// with the reference Dijkstra to the decisecond.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/strong_components.hpp>

#include "dispatchkit/graph/boost_adapter.hpp"
#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "fixtures/drawn_graphs.hpp"
#include "test_data.hpp"

using namespace dispatchkit;

BOOST_CONCEPT_ASSERT((boost::IncidenceGraphConcept<RoadGraph>));
BOOST_CONCEPT_ASSERT((boost::VertexListGraphConcept<RoadGraph>));
BOOST_CONCEPT_ASSERT((boost::BidirectionalGraphConcept<RoadGraph>));
BOOST_CONCEPT_ASSERT((boost::IncidenceGraphConcept<BoostCsrGraph>));
BOOST_CONCEPT_ASSERT((boost::VertexListGraphConcept<BoostCsrGraph>));

namespace {

using dk_fixtures::drawn_city;  // drawn in fixtures/drawn_graphs.hpp

// A seeded random street grid: side x side intersections, mostly two-way streets with
// random travel times, some one-way and some missing (so a few nodes are unreachable).
RoadGraph random_grid(std::uint32_t side, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::uint32_t> time(1, 400);
  std::uniform_int_distribution<int> kind(0, 9);
  RoadGraphBuilder b("random-grid");
  b.add_nodes(side * side, 0);
  auto id = [side](std::uint32_t r, std::uint32_t c) { return NodeId(r * side + c); };
  auto street = [&](NodeId u, NodeId v) {
    const int k = kind(rng);
    if (k == 0) return;  // no street
    const std::uint32_t t = time(rng);
    if (k != 1) b.add_arc(u, v, Deciseconds{t}, Meters{t * 1.0});
    if (k != 2) b.add_arc(v, u, Deciseconds{t + (k == 3 ? 50u : 0u)}, Meters{t * 1.0});
  };
  for (std::uint32_t r = 0; r < side; ++r) {
    for (std::uint32_t c = 0; c < side; ++c) {
      if (c + 1 < side) street(id(r, c), id(r, c + 1));
      if (r + 1 < side) street(id(r, c), id(r + 1, c));
    }
  }
  return *std::move(b).build();
}

// Boost's Dijkstra one-to-all from `s` on the zero-copy adapter.
std::vector<Weight> boost_adapter_distances(const RoadGraph& g, NodeId s,
                                            std::vector<NodeId>* pred = nullptr) {
  std::vector<Weight> dist(g.node_count());
  std::vector<NodeId> local_pred(g.node_count());
  std::vector<NodeId>& p = pred ? *pred : local_pred;
  p.assign(g.node_count(), NodeId::invalid());
  boost::dijkstra_shortest_paths(g, s,
                                 boost::distance_map(boost::make_iterator_property_map(
                                                         dist.begin(), get(boost::vertex_index, g)))
                                     .predecessor_map(boost::make_iterator_property_map(
                                         p.begin(), get(boost::vertex_index, g))));
  return dist;
}

// Boost's Dijkstra one-to-all from `s` on the CSR copy.
std::vector<Weight> boost_csr_distances(const BoostCsrGraph& csr, NodeId s) {
  std::vector<Weight> dist(num_vertices(csr));
  boost::dijkstra_shortest_paths(csr, s.value(), boost::distance_map(dist.data()));
  return dist;
}

// `sources` one-to-all runs, each compared at `targets` random nodes (all when 0) against
// the reference Dijkstra, for both Boost views. Returns the number of compared pairs.
std::uint64_t cross_check(const RoadGraph& g, std::uint32_t sources, std::uint32_t targets,
                          std::uint64_t seed) {
  const BoostCsrGraph csr = to_boost_csr(g);
  Dijkstra reference(g);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::uint32_t> node(0, g.node_count() - 1);
  std::uint64_t compared = 0;
  std::uint64_t reached = 0;
  for (std::uint32_t i = 0; i < sources; ++i) {
    const NodeId s(node(rng));
    reference.run_forward(s);
    const std::vector<Weight> via_adapter = boost_adapter_distances(g, s);
    const std::vector<Weight> via_csr = boost_csr_distances(csr, s);
    const std::uint32_t count = targets == 0 ? g.node_count() : targets;
    for (std::uint32_t j = 0; j < count; ++j) {
      const NodeId t = targets == 0 ? NodeId(j) : NodeId(node(rng));
      const Weight expected = reference.distance_to(t).count();
      if (via_adapter[t.value()] != expected || via_csr[t.value()] != expected) {
        INFO("source " << s.value() << " target " << t.value());
        CHECK(via_adapter[t.value()] == expected);
        CHECK(via_csr[t.value()] == expected);
      }
      ++compared;
      reached += expected != kInfWeight;
    }
  }
  CHECK(reached > 0);  // the comparison is not only between two "unreachable"s
  return compared;
}

}  // namespace

TEST_CASE("RoadGraph models the BGL graph concepts", "[graph][boost]") {
  const RoadGraph g = drawn_city();
  CHECK(num_vertices(g) == 6);
  CHECK(num_edges(g) == 6);
  // out_edges(1) = {1->0, 1->2} in CSR order; source/target read the arc arrays.
  auto [first, last] = out_edges(NodeId(1), g);
  std::vector<NodeId> heads;
  for (auto it = first; it != last; ++it) {
    CHECK(source(*it, g) == NodeId(1));
    heads.push_back(target(*it, g));
  }
  CHECK(heads == std::vector<NodeId>{NodeId(0), NodeId(2)});
  CHECK(out_degree(NodeId(1), g) == 2);
  // in_edges(4) = {0->4, 3->4}.
  auto [in_first, in_last] = in_edges(NodeId(4), g);
  std::vector<NodeId> tails;
  for (auto it = in_first; it != in_last; ++it) tails.push_back(source(*it, g));
  CHECK(tails == std::vector<NodeId>{NodeId(0), NodeId(3)});
  CHECK(in_degree(NodeId(4), g) == 2);
  CHECK(degree(NodeId(5), g) == 0);
  auto [adj_first, adj_last] = adjacent_vertices(NodeId(0), g);
  CHECK(std::vector<NodeId>(adj_first, adj_last) == std::vector<NodeId>{NodeId(1), NodeId(4)});
  // Every arc is listed once by edges(g), with its index and weight.
  std::uint32_t count = 0;
  for (auto [e, e_end] = edges(g); e != e_end; ++e, ++count) {
    CHECK(get(boost::edge_index, g)[*e] == count);
    CHECK(get(get(boost::edge_weight, g), *e) == g.travel_time(*e).count());
    CHECK(get(boost::edge_weight, g, *e) == g.travel_time(*e).count());
  }
  CHECK(count == g.arc_count());
  std::uint32_t v_count = 0;
  for (auto [v, v_end] = vertices(g); v != v_end; ++v, ++v_count)
    CHECK(get(boost::vertex_index, g, *v) == v_count);
  CHECK(v_count == g.node_count());
  CHECK(boost::graph_traits<RoadGraph>::null_vertex() == NodeId::invalid());
}

TEST_CASE("Boost Dijkstra on the drawn city matches hand-checked times", "[graph][boost]") {
  const RoadGraph g = drawn_city();
  std::vector<NodeId> pred;
  const std::vector<Weight> dist = boost_adapter_distances(g, NodeId(0), &pred);
  CHECK(dist == std::vector<Weight>{0, 10, 20, 25, 28, kInfWeight});
  // Predecessors spell the route 0 -> 1 -> 2 -> 3 -> 4.
  CHECK(pred[4] == NodeId(3));
  CHECK(pred[3] == NodeId(2));
  CHECK(pred[2] == NodeId(1));
  CHECK(pred[1] == NodeId(0));
  // The one-way street 2 -> 3 leaves 3 and 4 with no way back.
  const std::vector<Weight> from_4 = boost_adapter_distances(g, NodeId(4));
  CHECK(from_4 ==
        std::vector<Weight>{kInfWeight, kInfWeight, kInfWeight, kInfWeight, 0, kInfWeight});
  const BoostCsrGraph csr = to_boost_csr(g);
  CHECK(boost_csr_distances(csr, NodeId(0)) == dist);
}

TEST_CASE("the CSR copy keeps node and arc ids", "[graph][boost]") {
  const RoadGraph g = random_grid(20, 7);
  const BoostCsrGraph csr = to_boost_csr(g);
  REQUIRE(num_vertices(csr) == g.node_count());
  REQUIRE(num_edges(csr) == g.arc_count());
  const auto index = get(boost::edge_index, csr);
  const auto weight = get(boost::edge_weight, csr);
  for (auto [e, e_end] = boost::edges(csr); e != e_end; ++e) {
    const ArcId a(static_cast<std::uint32_t>(get(index, *e)));
    CHECK(source(*e, csr) == g.tail(a).value());
    CHECK(target(*e, csr) == g.head(a).value());
    CHECK(get(weight, *e) == g.travel_time(a).count());
  }
}

TEST_CASE("a custom per-arc metric runs through ArcWeightMap", "[graph][boost]") {
  const RoadGraph g = random_grid(15, 11);
  std::vector<Weight> doubled(g.weights().begin(), g.weights().end());
  for (Weight& w : doubled) w = 2 * w + 1;
  Dijkstra reference(g, doubled);
  std::vector<Weight> dist(g.node_count());
  const NodeId s(17);
  boost::dijkstra_shortest_paths(g, s,
                                 boost::weight_map(ArcWeightMap(doubled))
                                     .distance_map(boost::make_iterator_property_map(
                                         dist.begin(), get(boost::vertex_index, g))));
  reference.run_forward(s);
  for (std::uint32_t v = 0; v < g.node_count(); ++v)
    CHECK(dist[v] == reference.distance_to(NodeId(v)).count());
  const BoostCsrGraph csr = to_boost_csr(g, doubled);
  CHECK(boost_csr_distances(csr, s) == dist);
}

TEST_CASE("other BGL algorithms run on the adapter", "[graph][boost]") {
  // Strongly connected components of the drawn city: {0, 1}, {2}, {3}, {4}, {5}.
  const RoadGraph g = drawn_city();
  std::vector<std::uint32_t> component(g.node_count());
  const auto count = boost::strong_components(
      g, boost::make_iterator_property_map(component.begin(), get(boost::vertex_index, g)));
  CHECK(count == 5);
  CHECK(component[0] == component[1]);
  CHECK(component[2] != component[1]);
  // Breadth-first search from 0 discovers every node but the isolated one.
  std::vector<boost::default_color_type> color(g.node_count());
  boost::breadth_first_search(g, NodeId(0),
                              boost::color_map(boost::make_iterator_property_map(
                                  color.begin(), get(boost::vertex_index, g))));
  CHECK(color[4] == boost::black_color);
  CHECK(color[5] == boost::white_color);
}

TEST_CASE("Boost and reference Dijkstra agree on a random grid", "[graph][boost]") {
  const RoadGraph g = random_grid(60, 2024);
  CHECK(cross_check(g, 10, 0, 99) == 10u * g.node_count());
}

TEST_CASE("Boost and reference Dijkstra agree on the bundled city", "[graph][boost]") {
  absl::StatusOr<RoadGraph> g = load_graph(dk_test::bundled("sf/sf_osm_edges.csv.xz"));
  REQUIRE(g.ok());
  REQUIRE(g->node_count() > 1000);
  // 20 one-to-all runs, each compared at every node (58,300 pairs).
  CHECK(cross_check(*g, 20, 0, 1) == 20ull * g->node_count());
}

TEST_CASE("Boost and reference Dijkstra agree on PACE16 NY", "[graph][boost][slow][shared]") {
  const auto path = dk_test::shared("road_pace16_NY.gr.xz");
  if (!path) {
    WARN(dk_test::skipped("road_pace16_NY.gr.xz"));
    return;
  }
  absl::StatusOr<RoadGraph> g = load_graph(*path);
  REQUIRE(g.ok());
  CHECK(g->node_count() == 264346);
  // 10 one-to-all runs compared at every node (2.6 million pairs); the one-to-all
  // searches, not the comparisons, are the cost.
  CHECK(cross_check(*g, 10, 0, 2) == 10ull * g->node_count());
}
