// CH against the reference Dijkstra on real road networks: the bundled San Francisco and
// Manhattan (JEMSS) networks, and PACE16 NY, BAY (FLA on request) and JEMSS Auckland from
// ../shared/data when present.
// 100 sources x 100 targets = 10,000 pairs per graph, checked with one-to-all Dijkstra
// runs (100 searches instead of 10,000).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "ch_test_util.hpp"
#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/route/ch.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "test_data.hpp"

using namespace dispatchkit;
using ch_test::Rng;

namespace {

void check_against_dijkstra(const RoadGraph& g, std::uint64_t seed) {
  auto ch = ContractionHierarchy::build(g);
  REQUIRE(ch.ok());
  INFO(g.source() << ": " << ch->stats().shortcut_count << " shortcuts");
  ChQuery q(*ch, g);
  Dijkstra d(g);
  Rng rng(seed);
  std::vector<NodeId> targets(100);
  for (NodeId& t : targets) t = NodeId(rng.below(g.node_count()));
  std::size_t pairs = 0, paths_checked = 0;
  for (int i = 0; i < 100; ++i) {
    const NodeId s(rng.below(g.node_count()));
    d.run_forward(s);
    for (std::size_t j = 0; j < targets.size(); ++j) {
      const NodeId t = targets[j];
      const Deciseconds expected = d.distance_to(t);
      REQUIRE(q.distance(s, t) == expected);
      ++pairs;
      if (j % 10 == 0) {  // 1,000 routes per graph: valid arc sequences of the right length
        const std::vector<ArcId> path = q.path(s, t);
        if (expected.is_infinite()) {
          CHECK(path.empty());
        } else {
          REQUIRE(ch_test::walk_weight(g, path, s, t) == expected.count());
        }
        ++paths_checked;
      }
    }
  }
  CHECK(pairs == 10000);
  CHECK(paths_checked == 1000);

  // Units mid-street against one incident at a time: many-to-one equals separate queries.
  ChManyToOne m2o(*ch, g);
  std::vector<RoadPosition> units(200);
  for (std::uint32_t k = 0; k < units.size(); ++k) {
    units[k] = ch_test::random_position(g, rng);
    m2o.set_source(k, units[k]);
  }
  // Expected: ONE reverse Dijkstra from the incident's seeds per incident, read at each
  // unit's seeds (plus a same-street drive), independent of the CH code.
  const auto w = g.weights();
  std::vector<Weight> eta(units.size());
  for (int k = 0; k < 20; ++k) {
    const RoadPosition incident = ch_test::random_position(g, rng);
    m2o.distances_to(incident, eta);
    const SeedPair incident_seeds = target_seeds(g, w, incident);
    d.run(incident_seeds.view(), Dijkstra::Direction::kBackward, NodeId::invalid());
    for (std::uint32_t u = 0; u < units.size(); ++u) {
      Weight expected = same_street_weight(w, units[u], incident);
      const SeedPair unit_seeds = source_seeds(g, w, units[u]);
      for (const SearchSeed& seed : unit_seeds.view())
        expected = std::min(expected, add_weights(seed.offset, d.distance_to(seed.node).count()));
      REQUIRE(eta[u] == expected);
    }
  }
}

}  // namespace

TEST_CASE("bundled San Francisco network: 10,000 pairs equal Dijkstra", "[ch][real]") {
  auto g = load_graph(dk_test::bundled("sf/sf_osm_edges.csv.xz"));
  REQUIRE(g.ok());
  check_against_dijkstra(*g, 1);
}

TEST_CASE("bundled Manhattan (JEMSS) network: 10,000 pairs equal Dijkstra", "[ch][real]") {
  auto g = load_graph(dk_test::bundled("manhattan"));
  REQUIRE(g.ok());
  check_against_dijkstra(*g, 2);
}

namespace {

// A graph from ../shared/data; reported as skipped (test_data.hpp) in a clone without it.
void check_shared_graph(const char* file, std::uint64_t seed) {
  const auto path = dk_test::shared(file);
  if (!path) {
    WARN(dk_test::skipped(file));
    return;
  }
  auto g = load_graph(*path);
  REQUIRE(g.ok());
  check_against_dijkstra(*g, seed);
}

}  // namespace

TEST_CASE("PACE16 NY, default weights: 10,000 pairs equal Dijkstra", "[ch][real][slow][shared]") {
  check_shared_graph("road_pace16_NY.gr.xz", 3);
}

TEST_CASE("PACE16 BAY, default weights: 10,000 pairs equal Dijkstra", "[ch][real][slow][shared]") {
  check_shared_graph("road_pace16_BAY.gr.xz", 4);
}

TEST_CASE("JEMSS Auckland, real travel times: 10,000 pairs equal Dijkstra", "[ch][real][shared]") {
  check_shared_graph("jemss/auckland", 5);
}

// 1.07 M nodes: about 20 s, so not in the default run; `dk_test_ch "[fla]"` runs it.
TEST_CASE("PACE16 FLA, default weights: 10,000 pairs equal Dijkstra", "[.][fla][shared]") {
  check_shared_graph("road_pace16_FLA.gr.xz", 6);
}
