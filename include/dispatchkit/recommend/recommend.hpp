// dispatchkit/recommend/recommend.hpp: everything for unit recommendation in one include.
//
//   #include "dispatchkit/recommend/recommend.hpp"
//   Fleet fleet;  DijkstraOracle oracle(graph);  ClosestIdle strategy;  Recommendation rec;
//   strategy.recommend(incident, fleet, oracle, rec);
//   std::cout << explain(rec, fleet);
//
// Fleet state (fleet.hpp), travel-time oracles (eta_oracle.hpp, ch_oracle.hpp; calibrated
// ETAs with a p10..p90 band: drive_time_model.hpp), the
// UnitRecommender concept and result types (concepts.hpp), rank reasons, built in or
// registered (rank_reason.hpp), the kit for writing a strategy (kit.hpp), four strategies
// (closest_idle.hpp, response_plan_strategy.hpp, coverage_aware.hpp, preemption.hpp),
// the runtime seam (any_recommender.hpp) and hospital choice (hospital.hpp); move-up
// policies beside the strategies (move_up/: Relocator, DMEXCLP, compliance tables).
// See docs/recommend.md for the walk-through.
#pragma once

#include "dispatchkit/recommend/any_recommender.hpp"
#include "dispatchkit/recommend/ch_oracle.hpp"
#include "dispatchkit/recommend/closest_idle.hpp"
#include "dispatchkit/recommend/concepts.hpp"
#include "dispatchkit/recommend/coverage_aware.hpp"
#include "dispatchkit/recommend/drive_time_model.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "dispatchkit/recommend/hospital.hpp"
#include "dispatchkit/recommend/kit.hpp"
#include "dispatchkit/recommend/move_up/any_relocator.hpp"
#include "dispatchkit/recommend/preemption.hpp"
#include "dispatchkit/recommend/rank_reason.hpp"
#include "dispatchkit/recommend/response_plan_strategy.hpp"
