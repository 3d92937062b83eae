// dispatchkit/graph/boost_adapter.hpp: run Boost.Graph algorithms on a RoadGraph.
//
//   #include "dispatchkit/graph/boost_adapter.hpp"
//   // 1. Zero-copy: RoadGraph models the BGL graph concepts itself.
//   std::vector<Weight> dist(g.node_count());
//   std::vector<NodeId> pred(g.node_count());
//   boost::dijkstra_shortest_paths(g, station,
//       boost::distance_map(boost::make_iterator_property_map(dist.begin(),
//                                                             get(boost::vertex_index, g)))
//           .predecessor_map(boost::make_iterator_property_map(pred.begin(),
//                                                              get(boost::vertex_index, g))));
//   // 2. A copy as Boost's own compressed_sparse_row_graph (the fair benchmark baseline).
//   BoostCsrGraph csr = to_boost_csr(g);
//   boost::dijkstra_shortest_paths(csr, station.value(), boost::distance_map(dist.data()));
//
// Zero-copy adapter. `boost::graph_traits<RoadGraph>` is specialised so that a RoadGraph
// is an IncidenceGraph, BidirectionalGraph, AdjacencyGraph, VertexListGraph and
// EdgeListGraph (checked below with BOOST_CONCEPT_ASSERT). Vertex descriptors are NodeId
// and edge descriptors ArcId, so ids stay typed on the Boost side too; the property maps
// `get(boost::vertex_index, g)`, `get(boost::edge_index, g)` and `get(boost::edge_weight, g)`
// read the graph's own arrays. `ArcWeightMap(g, weights)` puts another metric (one weight
// per arc, e.g. traffic) under any Boost algorithm without copying the graph.
// The free functions (out_edges, source, vertices, ...) live in namespace dispatchkit so
// that Boost's unqualified calls find them by argument-dependent lookup.
//
// CSR copy. `to_boost_csr(g)` builds a `BoostCsrGraph`, Boost's own
// compressed_sparse_row_graph with 32-bit vertex and edge indices and the travel time as
// `edge_weight` property. Arcs keep their order, so a CSR edge's index equals the ArcId
// of the arc it copies, and CSR vertex v is NodeId(v).
//
// Both views are read-only and as thread-safe as the RoadGraph (immutable): any number of
// threads may run Boost algorithms on them at once, each with its own property maps.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include <boost/concept/assert.hpp>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/graph_concepts.hpp>
#include <boost/graph/graph_traits.hpp>
#include <boost/graph/properties.hpp>
#include <boost/iterator/counting_iterator.hpp>
#include <boost/iterator/transform_iterator.hpp>
#include <boost/property_map/property_map.hpp>

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/types.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// ---------------------------------------------------------------------------------------
// Property maps (readable, O(1), noexcept; they hold a pointer or span into the graph,
// which must outlive them).

// vertex_index (NodeId) and edge_index (ArcId): a strong id -> its dense index in
// [0, node_count) or [0, arc_count).
template <class Id>
class IdIndexMap {
 public:
  using key_type = Id;
  using value_type = std::uint32_t;
  using reference = std::uint32_t;
  using category = boost::readable_property_map_tag;
  friend std::uint32_t get(IdIndexMap, Id id) noexcept { return id.value(); }
  std::uint32_t operator[](Id id) const noexcept { return id.value(); }
};
using NodeIndexMap = IdIndexMap<NodeId>;
using ArcIndexMap = IdIndexMap<ArcId>;

// edge_weight: ArcId -> raw travel weight (deciseconds), from the graph or from any
// per-arc weight array of the same size (a traffic metric).
class ArcWeightMap {
 public:
  using key_type = ArcId;
  using value_type = Weight;
  using reference = Weight;
  using category = boost::readable_property_map_tag;
  ArcWeightMap() = default;
  explicit ArcWeightMap(const RoadGraph& g) noexcept : weights_(g.weights()) {}
  // `weights` must hold one weight per arc of the graph searched.
  explicit ArcWeightMap(std::span<const Weight> weights) noexcept : weights_(weights) {}
  friend Weight get(const ArcWeightMap& m, ArcId a) noexcept { return m.weights_[a.value()]; }
  Weight operator[](ArcId a) const noexcept { return weights_[a.value()]; }

 private:
  std::span<const Weight> weights_;
};

// ---------------------------------------------------------------------------------------
// The BGL protocol for RoadGraph. Every function is O(1), noexcept and allocation-free.

namespace detail {
struct ToNodeId {
  NodeId operator()(std::uint32_t v) const noexcept { return NodeId(v); }
};
struct ToArcId {
  ArcId operator()(std::uint32_t a) const noexcept { return ArcId(a); }
};
using BglNodeIterator =
    boost::transform_iterator<ToNodeId, boost::counting_iterator<std::uint32_t>>;
using BglArcIterator = boost::transform_iterator<ToArcId, boost::counting_iterator<std::uint32_t>>;
using BglAdjacencyIterator = boost::transform_iterator<ToNodeId, const std::uint32_t*>;

inline BglArcIterator bgl_arc_iterator(std::uint32_t a) noexcept {
  return BglArcIterator(boost::counting_iterator<std::uint32_t>(a), ToArcId());
}
inline BglNodeIterator bgl_node_iterator(std::uint32_t v) noexcept {
  return BglNodeIterator(boost::counting_iterator<std::uint32_t>(v), ToNodeId());
}

// Every traversal a RoadGraph offers.
struct RoadGraphTraversalTag : virtual boost::incidence_graph_tag,
                               virtual boost::bidirectional_graph_tag,
                               virtual boost::adjacency_graph_tag,
                               virtual boost::vertex_list_graph_tag,
                               virtual boost::edge_list_graph_tag {};
}  // namespace detail

inline NodeId source(ArcId a, const RoadGraph& g) noexcept {
  return g.tail(a);
}
inline NodeId target(ArcId a, const RoadGraph& g) noexcept {
  return g.head(a);
}

inline std::pair<detail::BglArcIterator, detail::BglArcIterator> out_edges(
    NodeId v, const RoadGraph& g) noexcept {
  const auto first_out = g.first_out();
  return {detail::bgl_arc_iterator(first_out[v.value()]),
          detail::bgl_arc_iterator(first_out[v.value() + 1])};
}
inline std::uint32_t out_degree(NodeId v, const RoadGraph& g) noexcept {
  return g.out_degree(v);
}

inline std::pair<const ArcId*, const ArcId*> in_edges(NodeId v, const RoadGraph& g) noexcept {
  const std::span<const ArcId> in = g.in_arcs(v);
  return {in.data(), in.data() + in.size()};
}
inline std::uint32_t in_degree(NodeId v, const RoadGraph& g) noexcept {
  return static_cast<std::uint32_t>(g.in_arcs(v).size());
}
inline std::uint32_t degree(NodeId v, const RoadGraph& g) noexcept {
  return out_degree(v, g) + in_degree(v, g);
}

inline std::pair<detail::BglAdjacencyIterator, detail::BglAdjacencyIterator> adjacent_vertices(
    NodeId v, const RoadGraph& g) noexcept {
  const std::uint32_t* heads = g.heads().data();
  const auto first_out = g.first_out();
  return {detail::BglAdjacencyIterator(heads + first_out[v.value()], detail::ToNodeId()),
          detail::BglAdjacencyIterator(heads + first_out[v.value() + 1], detail::ToNodeId())};
}

inline std::pair<detail::BglNodeIterator, detail::BglNodeIterator> vertices(
    const RoadGraph& g) noexcept {
  return {detail::bgl_node_iterator(0), detail::bgl_node_iterator(g.node_count())};
}
inline std::uint32_t num_vertices(const RoadGraph& g) noexcept {
  return g.node_count();
}

inline std::pair<detail::BglArcIterator, detail::BglArcIterator> edges(
    const RoadGraph& g) noexcept {
  return {detail::bgl_arc_iterator(0), detail::bgl_arc_iterator(g.arc_count())};
}
inline std::uint32_t num_edges(const RoadGraph& g) noexcept {
  return g.arc_count();
}

// Property-map access in BGL's spelling: get(boost::vertex_index, g) and friends, plus the
// three-argument forms get(tag, g, key).
inline NodeIndexMap get(boost::vertex_index_t, const RoadGraph&) noexcept {
  return {};
}
inline ArcIndexMap get(boost::edge_index_t, const RoadGraph&) noexcept {
  return {};
}
inline ArcWeightMap get(boost::edge_weight_t, const RoadGraph& g) noexcept {
  return ArcWeightMap(g);
}
inline std::uint32_t get(boost::vertex_index_t, const RoadGraph&, NodeId n) noexcept {
  return n.value();
}
inline std::uint32_t get(boost::edge_index_t, const RoadGraph&, ArcId a) noexcept {
  return a.value();
}
inline Weight get(boost::edge_weight_t, const RoadGraph& g, ArcId a) noexcept {
  return g.weights()[a.value()];
}

// ---------------------------------------------------------------------------------------
// Boost's compressed_sparse_row_graph as a copy of a RoadGraph.

// 32-bit vertex and edge indices (as in RoadGraph) and the travel weight per edge.
using BoostCsrGraph =
    boost::compressed_sparse_row_graph<boost::directedS, boost::no_property,
                                       boost::property<boost::edge_weight_t, Weight>,
                                       boost::no_property, std::uint32_t, std::uint32_t>;

// Copies `g` (topology and `weights`, one per arc; default: its travel times) into a
// BoostCsrGraph. CSR vertex v is NodeId(v) and the CSR edge with index i is ArcId(i).
// O(n + m) time and memory.
[[nodiscard]] inline BoostCsrGraph to_boost_csr(const RoadGraph& g,
                                                std::span<const Weight> weights) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> arcs(g.arc_count());
  const auto tails = g.tails();
  const auto heads = g.heads();
  for (std::uint32_t a = 0; a < g.arc_count(); ++a) arcs[a] = {tails[a], heads[a]};
  // RoadGraph arcs are sorted by tail: the cheap sorted-edges constructor keeps their order.
  return BoostCsrGraph(boost::edges_are_sorted, arcs.begin(), arcs.end(), weights.begin(),
                       g.node_count(), g.arc_count());
}
[[nodiscard]] inline BoostCsrGraph to_boost_csr(const RoadGraph& g) {
  return to_boost_csr(g, g.weights());
}

DISPATCHKIT_NAMESPACE_END

// ---------------------------------------------------------------------------------------
// Trait specialisations (must live in namespace boost).

template <>
struct boost::graph_traits<dispatchkit::RoadGraph> {
  using vertex_descriptor = dispatchkit::NodeId;
  using edge_descriptor = dispatchkit::ArcId;
  // Directed, with in-edges; the builder merges parallel arcs.
  using directed_category = boost::bidirectional_tag;
  using edge_parallel_category = boost::disallow_parallel_edge_tag;
  using traversal_category = dispatchkit::detail::RoadGraphTraversalTag;

  using out_edge_iterator = dispatchkit::detail::BglArcIterator;
  using in_edge_iterator = const dispatchkit::ArcId*;
  using adjacency_iterator = dispatchkit::detail::BglAdjacencyIterator;
  using vertex_iterator = dispatchkit::detail::BglNodeIterator;
  using edge_iterator = dispatchkit::detail::BglArcIterator;

  using vertices_size_type = std::uint32_t;
  using edges_size_type = std::uint32_t;
  using degree_size_type = std::uint32_t;

  static dispatchkit::NodeId null_vertex() noexcept { return dispatchkit::NodeId::invalid(); }
};

template <>
struct boost::property_map<dispatchkit::RoadGraph, boost::vertex_index_t> {
  using type = dispatchkit::NodeIndexMap;
  using const_type = dispatchkit::NodeIndexMap;
};
template <>
struct boost::property_map<dispatchkit::RoadGraph, boost::edge_index_t> {
  using type = dispatchkit::ArcIndexMap;
  using const_type = dispatchkit::ArcIndexMap;
};
template <>
struct boost::property_map<dispatchkit::RoadGraph, boost::edge_weight_t> {
  using type = dispatchkit::ArcWeightMap;
  using const_type = dispatchkit::ArcWeightMap;
};

// The adapter is checked where it is defined, so a Boost upgrade that changes a concept
// fails here rather than deep inside an algorithm.
BOOST_CONCEPT_ASSERT((boost::IncidenceGraphConcept<dispatchkit::RoadGraph>));
BOOST_CONCEPT_ASSERT((boost::BidirectionalGraphConcept<dispatchkit::RoadGraph>));
BOOST_CONCEPT_ASSERT((boost::AdjacencyGraphConcept<dispatchkit::RoadGraph>));
BOOST_CONCEPT_ASSERT((boost::VertexListGraphConcept<dispatchkit::RoadGraph>));
BOOST_CONCEPT_ASSERT((boost::EdgeListGraphConcept<dispatchkit::RoadGraph>));
BOOST_CONCEPT_ASSERT((boost::ReadablePropertyGraphConcept<
                      dispatchkit::RoadGraph, dispatchkit::ArcId, boost::edge_weight_t>));
BOOST_CONCEPT_ASSERT(
    (boost::ReadablePropertyMapConcept<dispatchkit::NodeIndexMap, dispatchkit::NodeId>));
BOOST_CONCEPT_ASSERT(
    (boost::ReadablePropertyMapConcept<dispatchkit::ArcWeightMap, dispatchkit::ArcId>));
