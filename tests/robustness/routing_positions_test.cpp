// Every fast path (CH, CCH, their many-to-one indexes) against the reference Dijkstra on
// the bundled San Francisco graph, with positions mid-street on one-way and two-way
// streets, at the exact street ends, at intersections, and with units moved and removed.
#include <catch2/catch.hpp>

#include <limits>
#include <vector>

#include "robustness_fixtures.hpp"

using namespace dispatchkit;
using dk_robust::Rng;

namespace {
// Puts a unit at a random position in every slot but 0, gap, 2 gap, ... (left empty) and
// returns where each slot's unit is (an invalid position for an empty slot).
template <class ManyToOne>
std::vector<RoadPosition> place_random_units(ManyToOne& m2o, const RoadGraph& g, Rng& rng,
                                             std::uint32_t slots, std::uint32_t gap) {
  std::vector<RoadPosition> where(slots);
  for (std::uint32_t s = 0; s < slots; ++s) {
    if (s % gap == 0) continue;
    where[s] = dk_robust::random_position(g, rng);
    m2o.set_source(s, where[s]);
  }
  return where;
}
}  // namespace

TEST_CASE("CH and CCH position queries equal Dijkstra on SF, one-way streets included",
          "[robustness][ch][cch]") {
  const RoadGraph& g = dk_robust::sf_graph();
  const auto weights = g.weights();
  Dijkstra dijkstra(g);
  ChQuery ch(dk_robust::sf_ch(), g);
  CchQuery cch(dk_robust::sf_cch_metric(), g);
  Rng rng(20261123);
  std::uint32_t one_way_sources = 0, compared = 0;
  for (int i = 0; i < 25; ++i) {
    const RoadPosition s = dk_robust::random_position(g, rng);
    if (!s.is_node() && !s.reverse_arc().valid()) ++one_way_sources;
    dk_robust::run_from(dijkstra, g, weights, s);
    for (int j = 0; j < 60; ++j) {
      // Every fourth target shares the source's street: the same-street drive matters.
      RoadPosition t = dk_robust::random_position(g, rng);
      if (j % 4 == 0 && !s.is_node())
        t = RoadPosition::on_arc(
            j % 8 == 0 ? s.arc() : (s.reverse_arc().valid() ? s.reverse_arc() : s.arc()),
            rng.unit(), j % 8 == 0 ? s.reverse_arc() : s.arc());
      if (!t.is_node() && t.reverse_arc().valid() && g.tail(t.reverse_arc()) != g.head(t.arc()))
        t = RoadPosition::on_arc(t.arc(), t.fraction());  // keep only consistent streets
      const Weight expected = dk_robust::reference_after_run(dijkstra, g, weights, s, t);
      INFO("source arc " << s.arc().value() << " f " << s.fraction() << " rev "
                         << s.reverse_arc().value() << " node " << s.node().value());
      INFO("target arc " << t.arc().value() << " f " << t.fraction() << " rev "
                         << t.reverse_arc().value() << " node " << t.node().value());
      REQUIRE(ch.distance(s, t).count() == expected);
      REQUIRE(cch.distance(s, t).count() == expected);
      ++compared;
    }
  }
  CHECK(one_way_sources > 0);
  CHECK(compared == 25 * 60);
}

TEST_CASE("CH answers infinite() for invalid and out-of-range ids and positions",
          "[robustness][ch]") {
  const RoadGraph& g = dk_robust::sf_graph();
  ChQuery q(dk_robust::sf_ch(), g);
  const NodeId far(g.node_count() + 5);
  const RoadPosition ok = RoadPosition::at_node(NodeId(0));
  CHECK(q.distance(NodeId::invalid(), NodeId(0)).is_infinite());
  CHECK(q.distance(NodeId(0), far).is_infinite());
  CHECK(q.distance(RoadPosition(), ok).is_infinite());
  CHECK(q.distance(ok, RoadPosition()).is_infinite());
  CHECK(q.distance(RoadPosition::on_arc(ArcId(g.arc_count()), 0.5f), ok).is_infinite());
  CHECK(
      q.distance(ok, RoadPosition::on_arc(ArcId(0), 0.5f, ArcId(g.arc_count() + 1))).is_infinite());
  CHECK(q.path(RoadPosition(), ok).empty());
  // The workspace still answers correctly afterwards.
  Dijkstra d(g);
  CHECK(q.distance(NodeId(0), NodeId(1)) == d.distance(NodeId(0), NodeId(1)));
}

TEST_CASE("ChManyToOne with empty, removed, moved and invalid slots equals Dijkstra",
          "[robustness][ch][many_to_one]") {
  const RoadGraph& g = dk_robust::sf_graph();
  ChManyToOne m2o(dk_robust::sf_ch(), g);
  Rng rng(7);
  constexpr std::uint32_t kSlots = 24;
  // Slots 0, 5, 10, ... stay empty; slot 3 holds an invalid position (occupied but unreachable).
  std::vector<RoadPosition> where = place_random_units(m2o, g, rng, kSlots, 5);
  m2o.set_source(3, RoadPosition());
  where[3] = RoadPosition();
  Dijkstra backward(g);
  std::vector<Weight> out(kSlots + 3, 12345);  // longer than the capacity: tail untouched
  for (int round = 0; round < 12; ++round) {
    // Move three units, remove one, re-add one: the index must track every change.
    for (int k = 0; k < 3; ++k) {
      const std::uint32_t s = 1 + rng.below(kSlots - 1);
      if (s % 5 == 0 || s == 3) continue;
      where[s] = dk_robust::random_position(g, rng);
      m2o.set_source(s, where[s]);
    }
    const std::uint32_t gone = 1 + rng.below(kSlots - 1);
    if (gone != 3) {
      m2o.remove_source(gone);
      m2o.remove_source(gone);  // twice: no-op
      where[gone] = RoadPosition();
    }
    const RoadPosition target = dk_robust::random_position(g, rng);
    std::fill(out.begin(), out.end(), 12345);
    m2o.distances_to(target, out);
    for (std::uint32_t s = 0; s < kSlots; ++s) {
      const Weight expected = dk_robust::reference_distance(g, where[s], target);
      INFO("round " << round << " slot " << s);
      CHECK(out[s] == expected);
      CHECK(m2o.has_source(s) == (where[s].valid() || s == 3));
    }
    for (std::uint32_t s = kSlots; s < out.size(); ++s) CHECK(out[s] == 12345);
  }
  // An invalid target: every slot unreachable, no crash.
  m2o.distances_to(RoadPosition(), out);
  for (std::uint32_t s = 0; s < kSlots; ++s) CHECK(out[s] == kInfWeight);
  // A short output span only sees its own slots.
  std::vector<Weight> two(2, 0);
  m2o.distances_to(RoadPosition::at_node(NodeId(0)), two);
  CHECK(two[0] == kInfWeight);
}

TEST_CASE("CchManyToOne with empty, removed and moved slots equals Dijkstra",
          "[robustness][cch][many_to_one]") {
  const RoadGraph& g = dk_robust::sf_graph();
  CchManyToOne m2o(dk_robust::sf_cch_metric(), g);
  Rng rng(11);
  constexpr std::uint32_t kSlots = 20;
  std::vector<RoadPosition> where = place_random_units(m2o, g, rng, kSlots, 4);
  std::vector<Weight> out(kSlots);
  for (int round = 0; round < 10; ++round) {
    for (int k = 0; k < 3; ++k) {
      const std::uint32_t s = rng.below(kSlots);
      where[s] = dk_robust::random_position(g, rng);
      m2o.set_source(s, where[s]);
    }
    const std::uint32_t gone = rng.below(kSlots);
    m2o.remove_source(gone);
    where[gone] = RoadPosition();
    const RoadPosition target = dk_robust::random_position(g, rng);
    m2o.distances_to(target, out);
    for (std::uint32_t s = 0; s < kSlots; ++s) {
      const Weight expected = dk_robust::reference_distance(g, where[s], target);
      INFO("round " << round << " slot " << s);
      CHECK(out[s] == expected);
    }
  }
}
