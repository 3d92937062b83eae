// Tests of ChManyToOne, ChOneToMany and ChManyToMany against separate ChQuery / Dijkstra runs.
#include <catch2/catch.hpp>

#include <vector>

#include "ch_test_util.hpp"
#include "dispatchkit/route/ch.hpp"
#include "dispatchkit/route/dijkstra.hpp"

using namespace dispatchkit;
using ch_test::Rng;

TEST_CASE("many-to-one equals separate queries, through moves and removals", "[ch][many_to_one]") {
  const RoadGraph g = ch_test::grid_city(45, 40, 5, 60, 25);
  auto ch = ContractionHierarchy::build(g);
  REQUIRE(ch.ok());
  ChQuery q(*ch, g);
  ChManyToOne m2o(*ch, g);
  Rng rng(17);
  constexpr std::uint32_t kUnits = 60;
  std::vector<RoadPosition> units(kUnits);
  for (std::uint32_t i = 0; i < kUnits; ++i) {
    units[i] = ch_test::random_position(g, rng);
    m2o.set_source(i, units[i]);
  }
  CHECK(m2o.slot_capacity() == kUnits);
  std::vector<Weight> out(kUnits);
  auto check_against_queries = [&](const RoadPosition& incident) {
    m2o.distances_to(incident, out);
    for (std::uint32_t i = 0; i < kUnits; ++i) {
      const Weight expected =
          units[i].valid() ? q.distance(units[i], incident).count() : kInfWeight;
      REQUIRE(out[i] == expected);
    }
  };
  for (int round = 0; round < 40; ++round) {
    RoadPosition incident = ch_test::random_position(g, rng);
    // Sometimes the incident is on a unit's own street.
    if (round % 5 == 0 && !units[round % kUnits].is_node()) {
      const RoadPosition& u = units[round % kUnits];
      incident = RoadPosition::on_arc(u.arc(), rng.fraction(), u.reverse_arc());
    }
    check_against_queries(incident);
    // A GPS fix moves a few units; one goes off duty, another comes back.
    for (int k = 0; k < 3; ++k) {
      const std::uint32_t slot = rng.below(kUnits);
      units[slot] = ch_test::random_position(g, rng);
      m2o.set_source(slot, units[slot]);
    }
    const std::uint32_t off = rng.below(kUnits);
    m2o.remove_source(off);
    units[off] = RoadPosition();
    CHECK_FALSE(m2o.has_source(off));
    REQUIRE(m2o.consistent());  // every entry still found by its unit's back-references
  }
  // A slot beyond the current capacity grows it; empty slots in between read infinite.
  m2o.set_source(kUnits + 5, RoadPosition::at_node(NodeId(0)));
  std::vector<Weight> wide(m2o.slot_capacity(), 0);
  m2o.distances_to(RoadPosition::at_node(NodeId(0)), wide);
  CHECK(wide[kUnits + 5] == 0);
  CHECK(wide[kUnits + 2] == kInfWeight);
  // Removing everything leaves no bucket entries behind.
  for (std::uint32_t i = 0; i < m2o.slot_capacity(); ++i) m2o.remove_source(i);
  CHECK(m2o.entry_count() == 0);
  CHECK(m2o.consistent());
}

TEST_CASE("one-to-many and many-to-many equal Dijkstra", "[ch][many_to_one]") {
  const RoadGraph g = ch_test::grid_city(30, 30, 8, 40, 30);
  auto ch = ContractionHierarchy::build(g);
  REQUIRE(ch.ok());
  Dijkstra d(g);
  Rng rng(23);
  std::vector<RoadPosition> sources(25), targets(35);
  for (auto& p : sources) p = ch_test::random_position(g, rng);
  for (auto& p : targets) p = ch_test::random_position(g, rng);

  ChOneToMany o2m(*ch, g);
  for (std::uint32_t j = 0; j < targets.size(); ++j) o2m.set_target(j, targets[j]);
  ChManyToMany m2m(*ch, g);
  const std::vector<Weight> matrix = m2m.compute(sources, targets);
  REQUIRE(matrix.size() == sources.size() * targets.size());
  std::vector<Weight> row(targets.size());
  for (std::size_t i = 0; i < sources.size(); ++i) {
    o2m.distances_from(sources[i], row);
    for (std::size_t j = 0; j < targets.size(); ++j) {
      const Weight expected = d.distance(sources[i], targets[j]).count();
      REQUIRE(row[j] == expected);
      REQUIRE(matrix[i * targets.size() + j] == expected);
    }
  }
  // A second, smaller matrix on the same workspace forgets the old targets.
  const std::vector<Weight> small =
      m2m.compute(std::span(sources).first(2), std::span(targets).first(3));
  REQUIRE(small.size() == 6);
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 3; ++j) CHECK(small[i * 3 + j] == matrix[i * targets.size() + j]);
}
