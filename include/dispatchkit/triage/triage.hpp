// dispatchkit/triage/triage.hpp: everything of the triage capability in one include.
//
//   #include "dispatchkit/triage/triage.hpp"
//   const ResponsePlan* plan =
//       ResponsePlanTable::default_table().lookup(*DeterminantCode::parse("9-E-1"));
//   TriageQueue queue;
//
// Determinant codes, response plan tables, service targets, calls and their clocks,
// duplicate rules and the pending-call queue. See docs/triage.md.
#pragma once

#include "dispatchkit/triage/call.hpp"
#include "dispatchkit/triage/default_response_plans.hpp"
#include "dispatchkit/triage/determinant.hpp"
#include "dispatchkit/triage/duplicates.hpp"
#include "dispatchkit/triage/response_plan.hpp"
#include "dispatchkit/triage/service_targets.hpp"
#include "dispatchkit/triage/time.hpp"
#include "dispatchkit/triage/triage_queue.hpp"
