// dispatchkit/route/cch.hpp: customizable contraction hierarchies (CCH), umbrella header.
//
//   #include "dispatchkit/route/cch.hpp"
//   auto order = cch_order_metis(graph);                             // once per graph
//   auto topo = CchTopology::build(graph, *order);                   // once per graph
//   auto metric = CchMetric::customize(*topo, graph.weights(), {.threads = 2});  // per metric
//   CchQuery query(*metric, graph);                                  // per thread
//   Deciseconds eta = query.distance(unit_position, incident_position);
//   metric->update({{ArcWeightChange{closed_arc, kInfWeight}}});      // partial, < 1 ms
//
// Three phases (Dibbelt, Strasser, Wagner, "Customizable Contraction Hierarchies", JEA 2016):
//  1. order (route/cch/order.hpp): nested dissection by METIS or inertial flow; seconds.
//  2. topology (route/cch/topology.hpp): the chordal supergraph and elimination tree; the
//     metric-independent CH. Under a second on a city, seconds on a state.
//  3. customization (route/cch/metric.hpp): weights for one metric, basic + perfect, one or
//     more threads; milliseconds. Partial re-customization after a few road changes.
// Queries (route/cch/query.hpp) walk the elimination tree; CchManyToOne
// (route/cch/many_to_one.hpp) answers "every unit to this incident" with buckets. See
// docs/cch.md for measured figures and the choice between METIS and inertial flow.
#pragma once

#include "dispatchkit/route/cch/many_to_one.hpp"
#include "dispatchkit/route/cch/metric.hpp"
#include "dispatchkit/route/cch/order.hpp"
#include "dispatchkit/route/cch/query.hpp"
#include "dispatchkit/route/cch/topology.hpp"
