// Graph-level edges: snapping bad and far points, empty graphs and graphs without
// coordinates through every builder, closed roads (kInfWeight) in a metric, and a CCH
// update that fails half-way through its change list.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "dispatchkit/graph/snap.hpp"
#include "robustness_fixtures.hpp"

using namespace dispatchkit;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Two nodes, one two-way street, no coordinates:   0 <--> 1
RoadGraph two_nodes_without_coordinates() {
  RoadGraphBuilder b("no-coords");
  b.add_nodes(2, 1);
  b.add_arc(NodeId(0), NodeId(1), Deciseconds{100}, Meters{50});
  b.add_arc(NodeId(1), NodeId(0), Deciseconds{100}, Meters{50});
  return *std::move(b).build();
}

}  // namespace

TEST_CASE("Snapper: NaN, infinite and out-of-range points are InvalidArgument",
          "[robustness][snap]") {
  const RoadGraph& g = dk_robust::sf_graph();
  auto snapper = Snapper::build(g);
  REQUIRE(snapper.ok());
  for (const LatLon p : {LatLon{kNaN, -122.42}, LatLon{37.77, kNaN}, LatLon{kInf, 0},
                         LatLon{-kInf, 0}, LatLon{91, 0}, LatLon{0, 181}, LatLon{-90.5, 0}}) {
    INFO(p.lat << ", " << p.lon);
    const auto s = snapper->snap(p);
    CHECK(s.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(snapper->snap_candidates(p, 3).status().code() == absl::StatusCode::kInvalidArgument);
  }
}

TEST_CASE("Snapper: far points are NotFound with any max_distance, poles included",
          "[robustness][snap]") {
  const RoadGraph& g = dk_robust::sf_graph();
  auto snapper = Snapper::build(g);
  REQUIRE(snapper.ok());
  const LatLon far_points[] = {{0, 0}, {90, 0}, {-90, 180}, {37.77, 179.999}, {37.77, -180}};
  for (const LatLon p : far_points) {
    INFO(p.lat << ", " << p.lon);
    const auto s = snapper->snap(p);
    CHECK(s.status().code() == absl::StatusCode::kNotFound);
    CHECK(s.status().message().find("nearest street") != std::string_view::npos);
    // Bad max_distance values: NaN and negative mean "nothing is near enough".
    CHECK(snapper->snap(p, {.max_distance = Meters(kNaN)}).status().code() ==
          absl::StatusCode::kNotFound);
    CHECK(snapper->snap(p, {.max_distance = Meters(-5)}).status().code() ==
          absl::StatusCode::kNotFound);
    // An unlimited radius finds SOME street, and it is a valid position of the graph.
    const auto any = snapper->snap(p, {.max_distance = Meters(kInf)});
    REQUIRE(any.ok());
    CHECK(any->position.arc().value() < g.arc_count());
    CHECK(std::isfinite(any->distance.value()));
    const auto cands = snapper->snap_candidates(p, 4, {.max_distance = Meters(kInf)});
    REQUIRE(cands.ok());
    CHECK(cands->size() == 4);
  }
  CHECK(snapper->snap_candidates(LatLon{37.77, -122.42}, 0)->empty());
}

TEST_CASE("Snapper: a graph without coordinates is FailedPrecondition, an empty graph NotFound",
          "[robustness][snap]") {
  const RoadGraph no_coords = two_nodes_without_coordinates();
  CHECK(Snapper::build(no_coords).status().code() == absl::StatusCode::kFailedPrecondition);
  auto empty = RoadGraphBuilder("empty").build();
  REQUIRE(empty.ok());
  auto snapper = Snapper::build(*empty);
  REQUIRE(snapper.ok());
  CHECK(snapper->snap(LatLon{37.77, -122.42}).status().code() == absl::StatusCode::kNotFound);
  CHECK(snapper->snap(LatLon{37.77, -122.42}, {.max_distance = Meters(kInf)}).status().code() ==
        absl::StatusCode::kNotFound);
}

TEST_CASE("Empty graph: Dijkstra, CH, CCH orders and queries neither crash nor succeed wrongly",
          "[robustness][ch][cch]") {
  auto empty = RoadGraphBuilder("empty").build();
  REQUIRE(empty.ok());
  Dijkstra d(*empty);
  d.run({}, Dijkstra::Direction::kForward, NodeId::invalid());
  CHECK(d.settled_count() == 0);
  auto ch = ContractionHierarchy::build(*empty);
  if (ch.ok()) {
    ChQuery q(*ch, *empty);
    CHECK(q.distance(NodeId(0), NodeId(0)).is_infinite());
    CHECK(q.distance(RoadPosition(), RoadPosition()).is_infinite());
    ChManyToOne m2o(*ch, *empty);
    m2o.set_source(0, RoadPosition::at_node(NodeId(0)));  // out of range: unreachable
    std::vector<Weight> out(1, 0);
    m2o.distances_to(RoadPosition::at_node(NodeId(0)), out);
    CHECK(out[0] == kInfWeight);
  }
  auto order = cch_order_metis(*empty);
  if (order.ok()) {
    auto topo = CchTopology::build(*empty, *order);
    if (topo.ok()) CHECK(CchMetric::customize(*topo, empty->weights()).ok());
  }
  auto inertial = cch_order_inertial_flow(*empty);
  (void)inertial;  // either an order of nothing or an error: not a crash
}

TEST_CASE("CCH customize: a weight span of the wrong size is InvalidArgument",
          "[robustness][cch]") {
  const RoadGraph& g = dk_robust::sf_graph();
  std::vector<Weight> short_weights(g.arc_count() - 1, 10);
  CHECK(CchMetric::customize(dk_robust::sf_cch_topology(), short_weights).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("CCH update: an out-of-range arc anywhere in the list changes nothing",
          "[robustness][cch]") {
  const RoadGraph& g = dk_robust::sf_graph();
  CchMetric metric = dk_robust::sf_cch_metric();  // a copy we may mutate
  CchQuery q(metric, g);
  dk_robust::Rng rng(3);
  std::vector<std::pair<NodeId, NodeId>> pairs;
  std::vector<Deciseconds> before;
  for (int i = 0; i < 50; ++i) {
    pairs.emplace_back(NodeId(rng.below(g.node_count())), NodeId(rng.below(g.node_count())));
    before.push_back(q.distance(pairs.back().first, pairs.back().second));
  }
  // Valid closures first, a bad arc last: the valid ones must not have been applied.
  std::vector<ArcWeightChange> changes;
  for (std::uint32_t a = 0; a < g.arc_count(); a += 7) changes.push_back({ArcId(a), kInfWeight});
  changes.push_back({ArcId(g.arc_count()), 5});
  changes.push_back({ArcId::invalid(), 5});
  const auto st = metric.update(changes);
  CHECK(st.status().code() == absl::StatusCode::kOutOfRange);
  for (std::size_t i = 0; i < pairs.size(); ++i)
    CHECK(q.distance(pairs[i].first, pairs[i].second) == before[i]);
  CHECK(metric.input_weights()[0] == g.weights()[0]);
}

TEST_CASE("Closed roads (kInfWeight) in a metric: CCH equals Dijkstra on the same weights",
          "[robustness][cch][traffic]") {
  const RoadGraph& g = dk_robust::sf_graph();
  std::vector<Weight> closed(g.weights().begin(), g.weights().end());
  dk_robust::Rng rng(99);
  for (int i = 0; i < 300; ++i) closed[rng.below(g.arc_count())] = kInfWeight;
  auto metric = CchMetric::customize(dk_robust::sf_cch_topology(), closed);
  REQUIRE(metric.ok());
  CchQuery q(*metric, g);
  Dijkstra d(g, closed);
  for (int i = 0; i < 15; ++i) {
    // Positions at intersections only: mid-arc positions on closed arcs are F6.
    const NodeId s(rng.below(g.node_count()));
    d.run_forward(s);
    for (int j = 0; j < 40; ++j) {
      const NodeId t(rng.below(g.node_count()));
      CHECK(q.distance(s, t) == d.distance_to(t));
    }
  }
}
