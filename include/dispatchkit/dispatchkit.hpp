// dispatchkit/dispatchkit.hpp: the umbrella header (every public capability).
//
// Prefer the capability headers in your own code (they compile faster):
//   graph/road_graph.hpp, graph/io.hpp, graph/snap.hpp     road network, loaders, snapping
//   route/dijkstra.hpp, route/ch.hpp, route/cch.hpp        reference search, CH, customizable CH
//   route/traffic.hpp, route/metric_store.hpp              time-of-day metrics, live swaps
//   triage/triage.hpp                                      determinants, plans, pending-call queue
//   recommend/recommend.hpp                                fleet, strategies, hospital choice
//   sim/replay.hpp, sim/compare.hpp                        replay of recorded calls, KPIs
//   sim/calibration.hpp, sim/io/calibration_json.hpp       a model fitted from a record
//   sim/replications.hpp                                   KPIs over seeded replications
//   sim/holidays.hpp                                       working day, weekend or holiday
//   plan.hpp                                               coverage, isochrones, station siting
#pragma once

#include "dispatchkit/config.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/graph/boost_adapter.hpp"
#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/graph/io/graph_file.hpp"
#include "dispatchkit/graph/osm.hpp"
#include "dispatchkit/graph/road_details.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/snap.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/plan.hpp"
#include "dispatchkit/plan/mip/glpk_siting.hpp"
#include "dispatchkit/recommend/recommend.hpp"
#include "dispatchkit/recommend/traffic/cch_oracle.hpp"
#include "dispatchkit/recommend/traffic/time_of_day_oracle.hpp"
#include "dispatchkit/route/cch.hpp"
#include "dispatchkit/route/ch.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "dispatchkit/route/metric_store.hpp"
#include "dispatchkit/route/polyline.hpp"
#include "dispatchkit/route/traffic.hpp"
#include "dispatchkit/route/travel_modes.hpp"
#include "dispatchkit/sim/areas.hpp"
#include "dispatchkit/sim/calibration.hpp"
#include "dispatchkit/sim/call_mapping.hpp"
#include "dispatchkit/sim/call_taking.hpp"
#include "dispatchkit/sim/compare.hpp"
#include "dispatchkit/sim/eta_validation.hpp"
#include "dispatchkit/sim/event_queue.hpp"
#include "dispatchkit/sim/generate/call_generator.hpp"
#include "dispatchkit/sim/holidays.hpp"
#include "dispatchkit/sim/io/areas_geojson.hpp"
#include "dispatchkit/sim/io/calibration_json.hpp"
#include "dispatchkit/sim/io/closures_csv.hpp"
#include "dispatchkit/sim/kpi.hpp"
#include "dispatchkit/sim/recorded_calls.hpp"
#include "dispatchkit/sim/replay.hpp"
#include "dispatchkit/sim/replications.hpp"
#include "dispatchkit/sim/report.hpp"
#include "dispatchkit/sim/scenario.hpp"
#include "dispatchkit/sim/validation_plots.hpp"
#include "dispatchkit/triage/triage.hpp"
