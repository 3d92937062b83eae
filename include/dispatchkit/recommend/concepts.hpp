// dispatchkit/recommend/concepts.hpp: what a unit recommender takes, returns and promises.
//
//   Incident call{.id = IncidentId{7}, .position = scene, .time = now,
//                 .grade = PriorityGrade::kI, .needs = Capability::kAls};
//   Recommendation rec;                        // reuse across calls: no allocation
//   ClosestIdle strategy;
//   strategy.recommend(call, fleet, oracle, rec);
//   for (const Candidate& c : rec.candidates) show(c.unit, c.eta, to_string(c.reason));
//   std::cout << explain(rec, fleet);
//
// A strategy answers "which unit(s) should go" with a ranked list of candidates, each
// with its ETA (turnout + road time in the incident's travel mode) and the rule that
// ranked it, plus the units it set aside and why (unavailable, lacks capability,
// unreachable, shift ends first). Dispatchers overrule recommendations every day; an
// explanation is what lets them do so quickly and lets analysts audit afterwards.
//
// "No suitable unit" and "incident unreachable" are ordinary, empty answers. A strategy
// never throws and never allocates once its Recommendation has grown to the fleet size.
//
// Extension point: `UnitRecommender<R, Oracle>` (below); the building blocks for writing
// one (screening, ordering by ETA, candidates) are in kit.hpp, and the reasons a strategy
// gives (RankReason, built in or registered by name) in rank_reason.hpp. Shipped
// strategies: ClosestIdle, ResponsePlanRecommender, CoverageAware, Preemption; choose one
// at run time through AnyRecommender (any_recommender.hpp).
#pragma once

#include <algorithm>
#include <array>
#include <concepts>
#include <cstdint>
#include <limits>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "dispatchkit/recommend/rank_reason.hpp"
#include "dispatchkit/triage/response_plan.hpp"
#include "dispatchkit/triage/time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// The call to serve, as the recommender sees it. Build it from a triage response plan
// with from_plan(), or fill the fields by hand (tests, single-unit strategies).
struct Incident {
  IncidentId id;
  RoadPosition position;  // snapped scene; an invalid position gives an empty answer
  SimTime time{};
  PriorityGrade grade = PriorityGrade::kII;
  TravelMode mode = TravelMode::kLightsAndSirens;
  // Capabilities the primary unit must have, on top of the plan's first requirement
  // (single-unit strategies: ClosestIdle, CoverageAware, Preemption).
  CapabilitySet needs;
  // The response plan (ResponsePlanRecommender fills every requirement); may be null.
  // Not owned: plans live in their ResponsePlanTable.
  const ResponsePlan* plan = nullptr;
  // Response-time target for this call (CoverageAware's "meets the target").
  Deciseconds target = Deciseconds::from_seconds(8 * 60);
  // Grades of running calls whose units this call may take (Preemption).
  GradeSet preempt_from;
  Specialty destination = Specialty::kNone;

  // Grade, travel mode, preemption rights and destination from `plan`.
  [[nodiscard]] static Incident from_plan(IncidentId id, const RoadPosition& position, SimTime time,
                                          const ResponsePlan& plan,
                                          Deciseconds target = Deciseconds::from_seconds(480)) {
    Incident i;
    i.id = id;
    i.position = position;
    i.time = time;
    i.grade = plan.grade;
    i.mode = plan.travel_mode;
    i.plan = &plan;
    i.target = target;
    i.preempt_from = plan.preempt_from;
    i.destination = plan.destination;
    return i;
  }
  // The plan's requirements (empty without a plan).
  [[nodiscard]] std::span<const ResourceRequirement> requirements() const noexcept {
    if (plan == nullptr) return {};
    return plan->resources;
  }
  // May a unit with `caps` be the primary unit: has `needs` and meets the plan's first
  // requirement (if any)?
  [[nodiscard]] bool primary_accepts(CapabilitySet caps) const noexcept {
    if (!caps.contains_all(needs)) return false;
    return plan == nullptr || plan->resources.empty() || plan->resources[0].is_met_by(caps);
  }
};

// Why a unit is not a candidate. The first filter a unit fails is reported, in the order
// listed here.
enum class ExclusionReason : std::uint8_t {
  kUnavailable = 0,  // busy, out of service (or, for Preemption, not divertible)
  kLacksCapability,  // does not meet the incident's needs / any open requirement
  kUnreachable,      // no road from the unit to the scene (or no position)
  kShiftEnds,        // the crew's shift ends before it would arrive
  kAlreadyChosen,    // (plans) already filling another requirement of this incident
  kNotPreemptable,   // (Preemption) its incident's grade may not lose the unit
};
inline constexpr std::size_t kExclusionReasonCount = 6;
inline constexpr std::array<std::string_view, kExclusionReasonCount> kExclusionReasonNames = {
    "unavailable", "lacks_capability", "unreachable",
    "shift_ends",  "already_chosen",   "not_preemptable"};
[[nodiscard]] constexpr std::string_view to_string(ExclusionReason r) noexcept {
  return kExclusionReasonNames[static_cast<std::size_t>(r)];
}

inline constexpr std::uint8_t kNoRequirement = 0xFF;

// One recommended unit.
struct Candidate {
  UnitId unit;
  Deciseconds eta;      // turnout + road travel in the incident's mode
  Deciseconds turnout;  // included in eta
  // Uncertainty of eta: its p10..p90 band when a calibrated oracle answered
  // (attach_eta_bands, recommend/drive_time_model.hpp); both equal eta otherwise.
  Deciseconds eta_low, eta_high;
  RankReason reason = RankReason::kClosest;
  std::uint8_t requirement = kNoRequirement;  // plan requirement filled, if any
  bool meets_target = false;                  // eta <= incident.target
  // Expected covered demand lost if this unit leaves (CoverageAware), in demand weight
  // units; 0 when the strategy does not model coverage.
  double coverage_loss = 0.0;
  // Preemption: the incident that would lose this unit, and the minutes saved compared
  // with the best available unit.
  std::optional<Assignment> preempts;
  Deciseconds saving{};
};

struct Exclusion {
  UnitId unit;
  ExclusionReason reason;
};

// A plan requirement that could not be (fully) filled.
struct Shortfall {
  std::uint8_t requirement = 0;
  std::uint8_t missing = 0;
};

// Result and workspace of one recommendation. Reuse one per thread: after warm-up no
// call allocates (vectors keep their capacity).
struct Recommendation {
  IncidentId incident;
  std::string_view strategy;          // static name of the strategy that filled it
  std::vector<Candidate> candidates;  // ranked, best first (at most max_candidates)
  std::vector<Exclusion> excluded;    // by unit id (when options ask for them)
  std::vector<Shortfall> shortfalls;  // plan requirements left (partly) unfilled
  std::array<std::uint32_t, kExclusionReasonCount> excluded_count{};  // always filled
  std::uint32_t suitable_count = 0;  // units that passed every filter
  // OK, or why there is no answer: ResourceExhausted when this workspace or the oracle
  // could not grow for a larger fleet (the answer is then empty, and "no unit" must not
  // be read into it: dispatch by hand, free memory, ask again).
  absl::Status status;

  [[nodiscard]] bool empty() const noexcept { return candidates.empty(); }

  // ---- Workspace for strategies (not part of the answer). ----
  struct PoolEntry {
    std::uint32_t unit;
    std::uint32_t eta;  // deciseconds, turnout included
  };
  std::vector<Weight> travel;   // per unit, from the oracle
  std::vector<PoolEntry> pool;  // units that passed the filters

  // Clears the answer, keeps capacity, and sizes the workspace for the fleet: per unit a
  // travel time, a pool entry, an exclusion and a candidate, so that the strategy's
  // push_backs below never allocate. Allocates only for a fleet larger than any before;
  // false (status set, answer empty) if that ran out of memory.
  bool begin(const Incident& i, std::string_view strategy_name, std::uint32_t fleet_size) noexcept {
    incident = i.id;
    strategy = strategy_name;
    candidates.clear();
    excluded.clear();
    shortfalls.clear();
    pool.clear();
    excluded_count.fill(0);
    suitable_count = 0;
    status = absl::OkStatus();
    try {
      if (travel.size() < fleet_size) travel.resize(fleet_size);
      pool.reserve(fleet_size);
      excluded.reserve(fleet_size);
      candidates.reserve(fleet_size);
      shortfalls.reserve(kMaxShortfalls);
    } catch (const std::bad_alloc&) {
      return fail(detail::out_of_memory("Recommendation: sizing the workspace for the fleet"));
    }
    return true;
  }
  // Records why there is no answer and empties it; returns false.
  bool fail(absl::Status why) noexcept {
    candidates.clear();
    shortfalls.clear();
    pool.clear();
    suitable_count = 0;
    status = std::move(why);
    return false;
  }
  void exclude(UnitId u, ExclusionReason r, bool list) noexcept {
    ++excluded_count[static_cast<std::size_t>(r)];
    if (list) excluded.push_back({u, r});  // reserved by begin(): never allocates
  }
  // Shortfalls begin() reserves room for: one per plan requirement (at most 255).
  static constexpr std::size_t kMaxShortfalls = 256;
};

// Options every shipped strategy takes.
struct RecommendOptions {
  std::uint32_t max_candidates = 5;  // length of the ranked list (>= 1)
  bool list_exclusions = true;       // fill Recommendation::excluded (counts always kept)
  // A unit is excluded when its shift ends before eta + shift_margin (0: before arrival).
  Deciseconds shift_margin{};
};

// A unit recommendation strategy.
//   R::kName: the registry name ("closest_idle", ...).
//   r.recommend(incident, fleet, oracle, out): fills `out` (cleared first) with the
//     ranked candidates and the exclusions. noexcept: bad input gives an empty answer.
// Requirements every strategy must honour (tests/recommend/conformance_test.cpp checks
// them for every shipped one): never an unavailable or unqualified unit, ETAs equal the
// reference Dijkstra plus turnout, deterministic ties (ETA, then unit id), empty fleet or
// unreachable incident give an empty answer.
template <class R, class Oracle = DijkstraOracle>
concept UnitRecommender = TravelTimeOracle<Oracle> &&
    requires(R& r, const Incident& incident, const Fleet& fleet, Oracle& oracle,
             Recommendation& out) {
  { R::kName } -> std::convertible_to<std::string_view>;
  { r.recommend(incident, fleet, oracle, out) }
  noexcept;
};

// A multi-line explanation of `rec`, as a dispatcher's screen would show it; every
// candidate's reason by name (registered reasons too).
[[nodiscard]] std::string explain(const Recommendation& rec, const Fleet& fleet);

// "m:ss" for a time in deciseconds, rounded to the second ("4:25"); "--:--" when
// infinite. Allocates the string.
[[nodiscard]] inline std::string format_mmss(Deciseconds t) {
  if (t.is_infinite()) return "--:--";
  const std::uint32_t s = (t.count() + 5) / 10;
  return absl::StrFormat("%u:%02u", s / 60, s % 60);
}

// ---------------------------------------------------------------------------------------
// Implementation. The building blocks of a strategy are public in kit.hpp.

namespace detail {
// The older spelling of format_mmss(), still called by hospital.hpp.
inline std::string mmss(Deciseconds t) {
  return format_mmss(t);
}
}  // namespace detail

inline std::string explain(const Recommendation& rec, const Fleet& fleet) {
  std::string s =
      absl::StrCat("incident ", rec.incident.valid() ? rec.incident.value() : 0, " [",
                   detail::as_absl(rec.strategy), "]: ", rec.suitable_count, " suitable unit(s)\n");
  if (!rec.status.ok()) {
    absl::StrAppend(&s, "  no recommendation: ", rec.status.ToString(), "\n");
    return s;
  }
  if (rec.candidates.empty()) absl::StrAppend(&s, "  no unit to recommend\n");
  int rank = 1;
  for (const Candidate& c : rec.candidates) {
    const Unit& u = fleet.unit(c.unit);
    absl::StrAppend(&s, "  ", rank++, ". ", u.call_sign(), "  ETA ", format_mmss(c.eta),
                    " (turnout ", format_mmss(c.turnout), ")  ",
                    detail::as_absl(to_string(c.reason)));
    if (c.requirement != kNoRequirement) absl::StrAppend(&s, " #", c.requirement + 1);
    if (c.coverage_loss != 0.0)
      absl::StrAppend(&s, absl::StrFormat("  coverage loss %.3f", c.coverage_loss));
    if (c.preempts)
      absl::StrAppend(&s, "  takes it from incident ", c.preempts->incident.value(), " (grade ",
                      detail::as_absl(to_string(c.preempts->grade)), "), saves ",
                      format_mmss(c.saving));
    absl::StrAppend(&s, c.meets_target ? "" : "  [beyond target]", "\n");
  }
  for (const Shortfall& f : rec.shortfalls)
    absl::StrAppend(&s, "  requirement #", f.requirement + 1, ": ", f.missing,
                    " unit(s) missing\n");
  std::string ex;
  for (std::size_t r = 0; r < kExclusionReasonCount; ++r)
    if (rec.excluded_count[r] != 0)
      absl::StrAppend(&ex, ex.empty() ? "" : ", ", rec.excluded_count[r], " ",
                      detail::as_absl(to_string(static_cast<ExclusionReason>(r))));
  if (!ex.empty()) absl::StrAppend(&s, "  set aside: ", ex, "\n");
  return s;
}

DISPATCHKIT_NAMESPACE_END
