// dispatchkit/plan.hpp: planning (component dispatchkit::plan): coverage of demand by a
// set of stations, isochrones, where the next k stations should go, and how many
// ambulances each station needs by hour.
//
//   #include "dispatchkit/plan.hpp"
//   PlacedDemand d = *place_demand(demand_from_record(record), snapper);
//   SiteMatrix t = site_times(ch, graph, *place_sites(stations, snapper), d.positions);
//   CoverageSummary s = summarize_coverage(d, best_two(t), std::array{8.0, 12.0});
//   SitingResult r = *solve_siting({.method = SitingMethod::kMclp, .candidates = &c, ...});
//
// Planning sits above route/ and sim/ (it reads demand from any call record and sites
// from the replay's site files) and nothing below it includes it. docs/plan.md tells the
// models, their bounds and the files dk-plan writes.
#pragma once

#include "dispatchkit/plan/candidates.hpp"
#include "dispatchkit/plan/coverage.hpp"
#include "dispatchkit/plan/demand.hpp"
#include "dispatchkit/plan/fleet_sizing.hpp"
#include "dispatchkit/plan/io/plan_files.hpp"
#include "dispatchkit/plan/isochrone.hpp"
#include "dispatchkit/plan/offline_bound.hpp"
#include "dispatchkit/plan/siting.hpp"
