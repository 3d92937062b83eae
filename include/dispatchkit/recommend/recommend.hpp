// dispatchkit/recommend/recommend.hpp: everything for unit recommendation in one include.
//
//   #include "dispatchkit/recommend/recommend.hpp"
//   Fleet fleet;  DijkstraOracle oracle(graph);  ClosestIdle strategy;  Recommendation rec;
//   strategy.recommend(incident, fleet, oracle, rec);
//
// See docs/recommend.md for the walk-through.
#pragma once

#include "dispatchkit/recommend/closest_idle.hpp"
#include "dispatchkit/recommend/concepts.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/fleet.hpp"
