// Shared fixtures of the robustness suite: the bundled San Francisco graph and the
// hierarchies built on it, each built once per test binary (the suite runs under
// ASan+UBSan in CI, so nothing is rebuilt per test case).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

#include "dispatchkit/detail/hash.hpp"
#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/route/cch.hpp"
#include "dispatchkit/route/ch.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "test_data.hpp"

namespace dk_robust {

using namespace dispatchkit;

// Fixed-seed numbers from detail::splitmix64: the same sequence on every platform.
struct Rng {
  std::uint64_t state;
  explicit Rng(std::uint64_t seed) : state(seed) {}
  std::uint64_t next() { return detail::splitmix64(++state); }
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(next() % n); }
  float unit() { return static_cast<float>(next() >> 40) / static_cast<float>(1u << 24); }
};

inline const RoadGraph& sf_graph() {
  static const RoadGraph g = [] {
    absl::StatusOr<RoadGraph> r = load_graph(dk_test::bundled("sf/sf_osm_edges.csv.xz"));
    if (!r.ok()) throw std::runtime_error(std::string(r.status().message()));
    return *std::move(r);
  }();
  return g;
}

inline const ContractionHierarchy& sf_ch() {
  static const ContractionHierarchy ch = [] {
    auto r = ContractionHierarchy::build(sf_graph());
    if (!r.ok()) throw std::runtime_error(std::string(r.status().message()));
    return *std::move(r);
  }();
  return ch;
}

inline const CchTopology& sf_cch_topology() {
  static const CchTopology topo = [] {
    auto order = cch_order_metis(sf_graph());
    if (!order.ok()) throw std::runtime_error(std::string(order.status().message()));
    auto t = CchTopology::build(sf_graph(), *order);
    if (!t.ok()) throw std::runtime_error(std::string(t.status().message()));
    return *std::move(t);
  }();
  return topo;
}

inline const CchMetric& sf_cch_metric() {
  static const CchMetric m = [] {
    auto r = CchMetric::customize(sf_cch_topology(), sf_graph().weights());
    if (!r.ok()) throw std::runtime_error(std::string(r.status().message()));
    return *std::move(r);
  }();
  return m;
}

// A random position: an intersection, or a point along a random arc whose reverse arc is
// named exactly when the street is two-way (as the snapper does), so one-way streets are
// covered. Fractions include the exact ends 0 and 1.
inline RoadPosition random_position(const RoadGraph& g, Rng& rng) {
  const std::uint32_t kind = rng.below(8);
  if (kind == 0) return RoadPosition::at_node(NodeId(rng.below(g.node_count())));
  const ArcId a(rng.below(g.arc_count()));
  const auto rev = g.find_arc(g.head(a), g.tail(a));
  const float f = kind == 1 ? 0.0f : kind == 2 ? 1.0f : rng.unit();
  return RoadPosition::on_arc(a, f, rev ? *rev : ArcId::invalid());
}

// The reference: Dijkstra from `source` to every node, then the best way into `target`
// (mirrors Dijkstra::distance(RoadPosition, RoadPosition) without re-running the search).
inline Weight reference_after_run(const Dijkstra& d, const RoadGraph& g,
                                  std::span<const Weight> weights, const RoadPosition& source,
                                  const RoadPosition& target) {
  Weight best = same_street_weight(weights, source, target);
  const SeedPair seeds = target_seeds(g, weights, target);
  for (const SearchSeed& s : seeds.view())
    best = std::min(best, add_weights(d.distance_to(s.node).count(), s.offset));
  return best;
}

// The reference travel time from `source` to `target` (kInfWeight for an invalid source,
// as the many-to-one indexes report an empty or unreachable slot).
inline Weight reference_distance(const RoadGraph& g, const RoadPosition& source,
                                 const RoadPosition& target) {
  if (!source.valid()) return kInfWeight;
  Dijkstra d(g);
  const SeedPair s = source_seeds(g, g.weights(), source);
  d.run(s.view(), Dijkstra::Direction::kForward, NodeId::invalid());
  return reference_after_run(d, g, g.weights(), source, target);
}

inline void run_from(Dijkstra& d, const RoadGraph& g, std::span<const Weight> weights,
                     const RoadPosition& source) {
  const SeedPair s = source_seeds(g, weights, source);
  d.run(s.view(), Dijkstra::Direction::kForward, NodeId::invalid());
}

// The first arc of `g` that is a one-way street (no arc back), if any.
inline std::optional<ArcId> first_one_way(const RoadGraph& g) {
  for (std::uint32_t a = 0; a < g.arc_count(); ++a)
    if (!g.find_arc(g.head(ArcId(a)), g.tail(ArcId(a)))) return ArcId(a);
  return std::nullopt;
}

}  // namespace dk_robust
