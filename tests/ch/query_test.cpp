// Tests of route/ch: hierarchy build and point-to-point queries against Dijkstra.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "ch_test_util.hpp"
#include "dispatchkit/route/ch.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "fixtures/drawn_graphs.hpp"

using namespace dispatchkit;
using ch_test::Rng;

namespace {

// The placed hand-drawn city: see fixtures/drawn_graphs.hpp.
using dk_fixtures::drawn_placed_city;

void check_all_pairs(const RoadGraph& g, const ContractionHierarchy& ch) {
  ChQuery q(ch, g);
  Dijkstra d(g);
  for (std::uint32_t s = 0; s < g.node_count(); ++s) {
    d.run_forward(NodeId(s));
    for (std::uint32_t t = 0; t < g.node_count(); ++t) {
      const Deciseconds expected = d.distance_to(NodeId(t));
      REQUIRE(q.distance(NodeId(s), NodeId(t)) == expected);
      const std::vector<ArcId> path = q.path(NodeId(s), NodeId(t));
      if (expected.is_infinite()) {
        CHECK(path.empty());
      } else {
        CHECK(ch_test::walk_weight(g, path, NodeId(s), NodeId(t)) == expected.count());
      }
    }
  }
}

}  // namespace

TEST_CASE("drawn city: every pair equals Dijkstra, paths are valid", "[ch]") {
  const RoadGraph g = drawn_placed_city();
  auto ch = ContractionHierarchy::build(g);
  REQUIRE(ch.ok());
  CHECK(ch->node_count() == 7);
  CHECK(ch->matches(g));
  check_all_pairs(g, *ch);
  ChQuery q(*ch, g);
  CHECK(q.distance(NodeId(2), NodeId(0)) == Deciseconds{20});  // 2 -> 1 -> 0
  CHECK(q.distance(NodeId(0), NodeId(3)) == Deciseconds{25});  // 0 -> 1 -> 2 -> 3
  CHECK(q.distance(NodeId(3), NodeId(2)) == Deciseconds{19});  // 3 -> 4 -> 1 -> 2
  CHECK(q.distance(NodeId(0), NodeId(4)) ==
        Deciseconds{32});  // 0 -> 1 -> 2 -> 3 -> 4, not via 5 (43)
  CHECK(q.distance(NodeId(0), NodeId(6)).is_infinite());
  CHECK(q.distance(NodeId(6), NodeId(6)) == Deciseconds{0});
  CHECK(q.distance(NodeId(0), NodeId(99)).is_infinite());  // out of range: no crash
  // Node ids map to ranks and back.
  for (std::uint32_t v = 0; v < 7; ++v) CHECK(ch->node_at(ch->rank(NodeId(v))) == NodeId(v));
}

TEST_CASE("empty graph is rejected", "[ch]") {
  RoadGraphBuilder b("empty");
  const RoadGraph g = *std::move(b).build();
  auto ch = ContractionHierarchy::build(g);
  CHECK(ch.status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("grid cities with one-way streets and ties: all pairs equal Dijkstra", "[ch]") {
  for (const std::uint32_t max_weight : {3u, 100u}) {
    const RoadGraph g = ch_test::grid_city(14, 12, 7 + max_weight, max_weight);
    ChBuildOptions options;
    options.witness_settled_limit = max_weight == 3 ? 5 : 500;  // tiny limit: extra shortcuts
    auto ch = ContractionHierarchy::build(g, options);
    REQUIRE(ch.ok());
    check_all_pairs(g, *ch);
  }
}

TEST_CASE("build is deterministic and independent of the thread count", "[ch]") {
  const RoadGraph g = ch_test::grid_city(60, 50, 11);
  ChBuildOptions one, two;
  one.threads = 1;
  two.threads = 2;
  std::vector<double> progress;
  auto a = ContractionHierarchy::build(g, one);
  auto b = ContractionHierarchy::build(g, two, [&](double f) { progress.push_back(f); });
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(std::ranges::equal(a->ranks(), b->ranks()));
  CHECK(std::ranges::equal(a->unpack_words(), b->unpack_words()));
  REQUIRE(a->arcs().size() == b->arcs().size());
  for (std::size_t i = 0; i < a->arcs().size(); ++i) {
    CHECK(a->arcs()[i].head == b->arcs()[i].head);
    CHECK(a->arcs()[i].weight == b->arcs()[i].weight);
  }
  CHECK(a->stats().shortcut_count == b->stats().shortcut_count);
  CHECK(b->stats().peak_memory_bytes > 0);
  REQUIRE(!progress.empty());
  CHECK(std::is_sorted(progress.begin(), progress.end()));
  CHECK(progress.back() == 1.0);
  for (const auto radius : {1u, 2u}) {
    ChBuildOptions o;
    o.independent_set_radius = radius;
    auto c = ContractionHierarchy::build(g, o);
    REQUIRE(c.ok());
    ChQuery q(*c, g);
    Dijkstra d(g);
    Rng rng(radius);
    for (int i = 0; i < 20; ++i) {
      const NodeId s(rng.below(g.node_count()));
      d.run_forward(s);
      for (int j = 0; j < 50; ++j) {
        const NodeId t(rng.below(g.node_count()));
        REQUIRE(q.distance(s, t) == d.distance_to(t));
      }
    }
  }
}

// Positions mid-street:
//
//   0 ==100==> 1 ==100==> 2      0 <-> 1 two-way (100 each way), 1 -> 2 one-way (100),
//   ^                     |      2 -> 3 one-way (100), 3 -> 0 one-way (100).
//   '-----100-- 3 <--100--'
TEST_CASE("mid-arc positions and one-way streets", "[ch]") {
  RoadGraphBuilder b("loop");
  for (std::uint32_t i = 0; i < 4; ++i) b.add_node(i, LatLon{40.0, -74.0 + 0.01 * i});
  auto arc = [&](std::uint32_t u, std::uint32_t v) {
    b.add_arc(NodeId(u), NodeId(v), Deciseconds{100}, Meters{1000});
  };
  arc(0, 1);
  arc(1, 0);
  arc(1, 2);
  arc(2, 3);
  arc(3, 0);
  const RoadGraph g = *std::move(b).build();
  auto ch = ContractionHierarchy::build(g);
  REQUIRE(ch.ok());
  ChQuery q(*ch, g);
  const ArcId a01 = *g.find_arc(NodeId(0), NodeId(1));
  const ArcId a10 = *g.find_arc(NodeId(1), NodeId(0));
  const ArcId a12 = *g.find_arc(NodeId(1), NodeId(2));
  const ArcId a23 = *g.find_arc(NodeId(2), NodeId(3));

  // Ambulance 30% along the two-way street 0-1, incident 80% along it: 50 ds ahead.
  const auto unit = RoadPosition::on_arc(a01, 0.3f, a10);
  const auto house = RoadPosition::on_arc(a01, 0.8f, a10);
  CHECK(q.distance(unit, house) == Deciseconds{50});
  CHECK(q.distance(house, unit) == Deciseconds{50});  // two-way: turn round and drive back
  CHECK(q.path(unit, house) == std::vector<ArcId>{a01});
  CHECK(q.path(house, unit) == std::vector<ArcId>{a10});
  // The same house described on the reverse arc gives the same answer.
  const auto house_rev = RoadPosition::on_arc(a10, 0.2f, a01);
  CHECK(q.distance(unit, house_rev) == Deciseconds{50});

  // One-way 1 -> 2: a unit 50% along it must go round the loop to reach 25% along it.
  const auto on_one_way = RoadPosition::on_arc(a12, 0.5f);
  const auto behind = RoadPosition::on_arc(a12, 0.25f);
  CHECK(q.distance(on_one_way, behind) == Deciseconds{50 + 100 + 100 + 100 + 25});
  const auto path = q.path(on_one_way, behind);
  REQUIRE(path.size() == 5);
  CHECK(path.front() == a12);
  CHECK(path[1] == a23);
  CHECK(path.back() == a12);
  // Ahead on the one-way street: no intersection passed.
  CHECK(q.distance(behind, on_one_way) == Deciseconds{25});

  // From a node to a point and back.
  CHECK(q.distance(RoadPosition::at_node(NodeId(2)), unit) == Deciseconds{100 + 100 + 30});
  CHECK(q.distance(unit, RoadPosition::at_node(NodeId(3))) == Deciseconds{70 + 100 + 100});
  const auto to_node = q.path(unit, RoadPosition::at_node(NodeId(3)));
  REQUIRE(to_node.size() == 3);
  CHECK(to_node.front() == a01);
  CHECK(g.head(to_node.back()) == NodeId(3));
  const auto line = route_polyline(g, unit, RoadPosition::at_node(NodeId(3)), to_node);
  REQUIRE(line.size() == 4);
  CHECK(line.front().lon == Approx(-74.0 + 0.003));
  CHECK(line.back() == g.coordinate(NodeId(3)));
  // Invalid positions: no route, no crash.
  CHECK(q.distance(RoadPosition(), unit).is_infinite());
  CHECK(q.distance(RoadPosition::on_arc(ArcId(999), 0.5f), unit).is_infinite());
}

TEST_CASE("random positions on a grid city equal Dijkstra", "[ch]") {
  const RoadGraph g = ch_test::grid_city(40, 40, 3, 50, 30);
  auto ch = ContractionHierarchy::build(g);
  REQUIRE(ch.ok());
  ChQuery q(*ch, g);
  Dijkstra d(g);
  Rng rng(99);
  for (int i = 0; i < 1500; ++i) {
    const RoadPosition s = ch_test::random_position(g, rng);
    // Every tenth target is on the source's own street.
    RoadPosition t = ch_test::random_position(g, rng);
    if (i % 10 == 0 && !s.is_node())
      t = RoadPosition::on_arc(s.arc(), rng.fraction(), s.reverse_arc());
    const Deciseconds expected = d.distance(s, t);
    REQUIRE(q.distance(s, t) == expected);
    const std::vector<ArcId> path = q.path(s, t);
    if (expected.is_infinite()) {
      CHECK(path.empty());
      continue;
    }
    // Length of the route: inner arcs whole, first and last arcs in part.
    if (path.empty()) {
      CHECK(expected.count() == 0);
      continue;
    }
    const auto w = g.weights();
    if (path.size() == 1 && !s.is_node() && !t.is_node() &&
        same_street_weight(w, s, t) == expected.count()) {
      continue;  // one street, checked by same_street_weight itself
    }
    std::size_t first = 0, last = path.size();
    Weight sum = 0;
    if (!s.is_node()) {
      const ArcId a = path.front();
      REQUIRE((a == s.arc() || a == s.reverse_arc()));
      const auto seeds = source_seeds(g, w, s);
      sum += a == s.arc() ? seeds.seeds[0].offset : seeds.seeds[1].offset;
      first = 1;
    }
    if (!t.is_node()) {
      const ArcId a = path.back();
      REQUIRE((a == t.arc() || a == t.reverse_arc()));
      const auto seeds = target_seeds(g, w, t);
      sum += a == t.arc() ? seeds.seeds[0].offset : seeds.seeds[1].offset;
      --last;
    }
    const NodeId from = s.is_node() ? s.node() : g.head(path.front());
    const NodeId to = t.is_node() ? t.node() : g.tail(path.back());
    sum += ch_test::walk_weight(g, std::span<const ArcId>(path).subspan(first, last - first), from,
                                to);
    CHECK(sum == expected.count());
  }
}
