// dispatchkit/route/ch.hpp: umbrella header of the contraction-hierarchy routing core.
//
//   #include "dispatchkit/route/ch.hpp"
//   auto ch = ContractionHierarchy::build(graph);            // or load_hierarchy(path, graph)
//   ChQuery q(*ch, graph);                                     // per thread
//   Deciseconds t = q.distance(unit_position, incident_position);
//   ChManyToOne etas(*ch, graph);                              // rank units for an incident
//
// See docs/ch.md for the design and measured figures.
#pragma once

#include "dispatchkit/route/ch/contraction_hierarchy.hpp"
#include "dispatchkit/route/ch/index_file.hpp"
#include "dispatchkit/route/ch/many_to_many.hpp"
#include "dispatchkit/route/ch/many_to_one.hpp"
#include "dispatchkit/route/ch/query.hpp"
