// Tests for graph/road_graph.hpp: CSR layout, parallel arcs, self-loops, SCC, errors.
#include <catch2/catch.hpp>

#include "dispatchkit/graph/road_graph.hpp"

using namespace dispatchkit;

namespace {
//   10 --5--> 20 --7--> 30
//    ^        |  <--2--/        (30 -> 20 is one-way, 2 ds)
//    \--4----/                  (20 -> 10, 4 ds)
//   40 -> 10 (a dead end source: not in the largest SCC)
RoadGraphBuilder small_city() {
  RoadGraphBuilder b("small");
  for (std::int64_t id : {10, 20, 30, 40}) b.add_node(id, LatLon{37.0 + id * 1e-3, -122.0});
  const auto n = [](std::uint32_t i) { return NodeId(i); };
  b.add_arc(n(0), n(1), Deciseconds{5}, Meters{50});
  b.add_arc(n(0), n(1), Deciseconds{9}, Meters{40});  // parallel, slower: dropped
  b.add_arc(n(1), n(2), Deciseconds{7}, Meters{70});
  b.add_arc(n(2), n(1), Deciseconds{2}, Meters{20});
  b.add_arc(n(1), n(0), Deciseconds{4}, Meters{40});
  b.add_arc(n(1), n(1), Deciseconds{1}, Meters{1});  // self-loop: dropped
  b.add_arc(n(3), n(0), Deciseconds{3}, Meters{30});
  return b;
}
}  // namespace

TEST_CASE("builder merges parallel arcs and drops self-loops", "[graph]") {
  auto g = small_city().build();
  REQUIRE(g.ok());
  CHECK(g->node_count() == 4);
  CHECK(g->arc_count() == 5);
  const auto a = g->find_arc(NodeId(0), NodeId(1));
  REQUIRE(a.has_value());
  CHECK(g->travel_time(*a) == Deciseconds{5});
  CHECK(g->length(*a) == Meters{50});
  CHECK_FALSE(g->find_arc(NodeId(1), NodeId(1)).has_value());
  CHECK_FALSE(g->find_arc(NodeId(0), NodeId(2)).has_value());
  CHECK(g->out_degree(NodeId(1)) == 2);
  // Backward adjacency lists exactly the arcs whose head is the node.
  for (std::uint32_t v = 0; v < g->node_count(); ++v) {
    for (ArcId e : g->in_arcs(NodeId(v))) CHECK(g->head(e) == NodeId(v));
    for (ArcId e : g->out_arcs(NodeId(v))) CHECK(g->tail(e) == NodeId(v));
  }
  CHECK(g->in_arcs(NodeId(0)).size() == 2);
  CHECK(g->find_node(30) == NodeId(2));
  CHECK_FALSE(g->find_node(31).has_value());
  CHECK(g->coordinate(NodeId(3)).lat == Approx(37.04));
}

TEST_CASE("largest strongly connected component is kept and renumbered", "[graph]") {
  auto g = small_city().build({.keep_largest_scc = true});
  REQUIRE(g.ok());
  CHECK(g->node_count() == 3);
  CHECK_FALSE(g->find_node(40).has_value());
  CHECK(g->arc_count() == 4);
  CHECK(g->external_id(NodeId(2)) == 30);
}

TEST_CASE("fingerprint depends on weights and topology", "[graph]") {
  auto g1 = small_city().build();
  auto g2 = small_city().build();
  REQUIRE(g1.ok());
  REQUIRE(g2.ok());
  CHECK(g1->fingerprint() == g2->fingerprint());
  RoadGraphBuilder b = small_city();
  b.add_arc(NodeId(2), NodeId(0), Deciseconds{1}, Meters{1});
  auto g3 = std::move(b).build();
  REQUIRE(g3.ok());
  CHECK(g3->fingerprint() != g1->fingerprint());
}

TEST_CASE("builder rejects bad input with a clear status", "[graph]") {
  SECTION("arc to a missing node") {
    RoadGraphBuilder b("bad.csv");
    b.add_nodes(2, 1);
    b.add_arc(NodeId(0), NodeId(7), Deciseconds{1}, Meters{1}, 12);
    auto g = std::move(b).build();
    REQUIRE(g.status().code() == absl::StatusCode::kOutOfRange);
    CHECK_THAT(std::string(g.status().message()), Catch::Contains("bad.csv:12"));
  }
  SECTION("negative or NaN length") {
    RoadGraphBuilder b("bad.csv");
    b.add_nodes(2, 1);
    b.add_arc(NodeId(0), NodeId(1), Deciseconds{1}, Meters{std::nan("")}, 3);
    CHECK(std::move(b).build().status().code() == absl::StatusCode::kInvalidArgument);
  }
  SECTION("infinite travel time") {
    RoadGraphBuilder b("bad.csv");
    b.add_nodes(2, 1);
    b.add_arc(NodeId(0), NodeId(1), Deciseconds::infinite(), Meters{1});
    CHECK(std::move(b).build().status().code() == absl::StatusCode::kInvalidArgument);
  }
  SECTION("duplicate external ids") {
    RoadGraphBuilder b("dup");
    b.add_node(5);
    b.add_node(5);
    CHECK(std::move(b).build().status().code() == absl::StatusCode::kInvalidArgument);
  }
  SECTION("coordinates for some nodes only") {
    RoadGraphBuilder b("partial");
    b.add_node(1, LatLon{1, 1});
    b.add_node(2);
    CHECK(std::move(b).build().status().code() == absl::StatusCode::kInvalidArgument);
  }
  SECTION("NaN coordinate") {
    RoadGraphBuilder b("nan");
    b.add_node(1, LatLon{std::nan(""), 1});
    auto g = std::move(b).build();
    CHECK(g.status().code() == absl::StatusCode::kInvalidArgument);
  }
}

TEST_CASE("empty graph builds", "[graph]") {
  auto g = RoadGraphBuilder("empty").build({.keep_largest_scc = true});
  REQUIRE(g.ok());
  CHECK(g->node_count() == 0);
  CHECK(g->arc_count() == 0);
}
