// dispatchkit/route/cch/order.hpp: metric-independent node orders for customizable
// contraction hierarchies (CCH), by nested dissection.
//
//   absl::StatusOr<std::vector<NodeId>> order = cch_order_metis(graph);           // any graph
//   absl::StatusOr<std::vector<NodeId>> order2 = cch_order_inertial_flow(graph);  // needs coords
//   absl::StatusOr<CchTopology> cch = CchTopology::build(graph, *order);
//
// A CCH (Dibbelt, Strasser, Wagner, "Customizable Contraction Hierarchies", JEA 2016)
// contracts the nodes in an order that ignores the weights, so the same hierarchy serves
// every metric (free flow, each time slice, a metric with closures). The order decides
// everything: how many shortcuts the chordal supergraph gets, how deep the elimination tree
// is (query time) and how many triangles customization enumerates. Nested dissection is the
// right family: find a small balanced node separator, order it last, recurse on the sides.
// Road networks have separators of size about n^(1/3), which keeps the fill small.
//
// Two partitioners are offered; measure both on your network (docs/cch.md has figures):
//  - `cch_order_metis`: METIS's multilevel node nested dissection (Karypis, Kumar, "A fast
//    and high quality multilevel scheme for partitioning irregular graphs", SISC 1998) on
//    the symmetrised graph. Works on any graph (PACE16 topologies have no coordinates).
//  - `cch_order_inertial_flow`: recursive bisection by inertial flow (Schild, Sommer, "On
//    Balanced Separators in Road Networks", SEA 2015): project the node coordinates on a
//    few directions, take the first and last 25% along each as source and sink, and cut the
//    minimum number of nodes between them with a unit-capacity max flow on the node-split
//    graph; the most balanced of the smallest cuts wins. Graphs without coordinates fall
//    back to METIS.
//
// Both return `order` with order[r] = the node contracted r-th (separators last). They are
// deterministic (fixed seeds). They run once per graph, never per metric: seconds, not
// milliseconds, and they allocate freely. Thread safety: pure functions of their input.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/types.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// Knobs of the inertial-flow partitioner. The defaults follow Schild and Sommer.
struct InertialFlowOptions {
  // Fraction of the nodes, at each end of a projection, fixed to the source (sink) side.
  double balance = 0.25;
  // Number of projection directions tried per cut (1..4: west-east, south-north and the
  // two diagonals). More directions find smaller cuts at proportionally higher cost.
  std::uint32_t directions = 4;
  // Components with at most this many nodes are ordered by minimum degree instead of being
  // cut further: below this size a flow costs more than the fill it saves.
  std::uint32_t leaf_size = 48;
};

// Nested-dissection order from METIS_NodeND on the symmetrised, unweighted graph.
// Internal error if METIS fails (out of memory). O(m log n) time.
[[nodiscard]] absl::StatusOr<std::vector<NodeId>> cch_order_metis(const RoadGraph& graph);

// Nested-dissection order by inertial-flow bisection on the node coordinates; falls back
// to cch_order_metis() when the graph has no coordinates. O(m * separator * log n) time.
[[nodiscard]] absl::StatusOr<std::vector<NodeId>> cch_order_inertial_flow(
    const RoadGraph& graph, const InertialFlowOptions& options = {});

DISPATCHKIT_NAMESPACE_END

#include "dispatchkit/route/cch/detail/order_impl.hpp"
