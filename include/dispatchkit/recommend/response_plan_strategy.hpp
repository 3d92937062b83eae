// dispatchkit/recommend/response_plan_strategy.hpp: fill every line of the response plan.
//
//   const ResponsePlan* plan = table.lookup(*DeterminantCode::parse("9-E-1"));
//   Incident call = Incident::from_plan(IncidentId{7}, scene, now, *plan);
//   ResponsePlanRecommender strategy(graph);
//   strategy.recommend(call, fleet, oracle, rec);
//   // rec.candidates: nearest ALS ambulance (requirement #1) + nearest AED volunteer or
//   // first responder (#2); rec.shortfalls lists what could not be filled.
//
// The plan's requirements are filled in order of importance (the first is the primary,
// transporting unit). Each requirement gets the qualified unit with the smallest ETA
// that still lets the remaining requirements be filled: a greedy choice with a
// bipartite-matching look-ahead, so an ALS ambulance is not spent on a line a BLS unit
// could fill when it is the only one able to fill a later ALS line, while an earlier
// line never waits longer to help a later one. A unit is never sent twice nor to a line
// it does not qualify for; lines nobody can fill are reported as shortfalls.
//
// Air and water. Helicopters (Capability::kAir) and boats (kWater) do not drive: their
// ETA is turnout + great-circle distance / speed (PlanOptions). They are proposed only
// where roads cannot serve: when the requirement itself asks for kAir / kWater, or when
// no qualified road unit can reach the scene (an island, a cut-off valley).
//
// Cost: one oracle query + O(units x requirements) screening + a matching over at most
// kMaxSlots x kMaxSlots candidates. noexcept; no allocation after warm-up.
//
// Thread safety: thread-compatible. recommend() writes the strategy's own matching
// workspace: one ResponsePlanRecommender per thread (or desk).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/recommend/concepts.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "dispatchkit/recommend/kit.hpp"
#include "dispatchkit/triage/response_plan.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct PlanOptions {
  double air_speed_kmh = 220.0;   // helicopter cruise
  double water_speed_kmh = 40.0;  // rescue boat
  Deciseconds air_turnout = Deciseconds::from_seconds(5 * 60);
  Deciseconds water_turnout = Deciseconds::from_seconds(5 * 60);
};

class ResponsePlanRecommender {
 public:
  static constexpr std::string_view kName = "response_plan";
  // Units sent for one incident at most (sum of requirement counts); more are shortfalls.
  static constexpr std::size_t kMaxSlots = 16;

  explicit ResponsePlanRecommender(const RoadGraph& graph, RecommendOptions options = {},
                                   PlanOptions plan_options = {})
      : graph_(&graph), options_(options), plan_options_(plan_options) {}

  // Without a plan (incident.plan == nullptr) the incident's `needs` form one requirement.
  template <TravelTimeOracle Oracle>
  void recommend(const Incident& incident, const Fleet& fleet, Oracle& oracle,
                 Recommendation& out) noexcept;

 private:
  struct Slot {
    std::uint8_t requirement;
    std::uint8_t candidate_count = 0;
    std::array<std::uint32_t, kMaxSlots> candidates;  // pool indices, nearest first
  };
  bool qualifies(const Incident& incident, std::size_t r, CapabilitySet caps) const noexcept;
  bool augment(std::size_t slot, std::size_t from_slot) noexcept;
  std::size_t max_matching(std::size_t from_slot) noexcept;
  void clear_open(std::size_t from_slot) noexcept;
  LatLon where(const RoadPosition& p) const noexcept;

  const RoadGraph* graph_;
  RecommendOptions options_;
  PlanOptions plan_options_;
  // Workspace (no allocation): slots, matching state over pool indices.
  std::array<Slot, kMaxSlots> slots_{};
  std::size_t slot_count_ = 0;
  std::array<std::uint32_t, kMaxSlots> chosen_{};  // pool index fixed for slot, or kNone
  std::vector<std::uint32_t> match_of_unit_;       // pool index -> slot matched, or kNone
  std::vector<std::uint8_t> visited_;
  std::array<std::uint32_t, kMaxSlots * kMaxSlots> touched_{};
  std::size_t touched_count_ = 0;
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;
};
static_assert(UnitRecommender<ResponsePlanRecommender>);

// ---------------------------------------------------------------------------------------
// Implementation.

inline bool ResponsePlanRecommender::qualifies(const Incident& incident, std::size_t r,
                                               CapabilitySet caps) const noexcept {
  const auto reqs = incident.requirements();
  if (reqs.empty()) return caps.contains_all(incident.needs);
  // The incident's extra needs apply to the primary unit only.
  if (r == 0 && !caps.contains_all(incident.needs)) return false;
  return reqs[r].is_met_by(caps);
}

inline LatLon ResponsePlanRecommender::where(const RoadPosition& p) const noexcept {
  if (p.is_node()) return graph_->coordinate(p.node());
  const LatLon a = graph_->coordinate(graph_->tail(p.arc()));
  const LatLon b = graph_->coordinate(graph_->head(p.arc()));
  return {a.lat + (b.lat - a.lat) * p.fraction(), a.lon + (b.lon - a.lon) * p.fraction()};
}

// Kuhn's augmenting path from `slot` over slots >= from_slot whose unit is not fixed.
inline bool ResponsePlanRecommender::augment(std::size_t slot, std::size_t from_slot) noexcept {
  const Slot& s = slots_[slot];
  for (std::uint8_t i = 0; i < s.candidate_count; ++i) {
    const std::uint32_t p = s.candidates[i];
    if (visited_[p]) continue;
    visited_[p] = 1;
    touched_[touched_count_++] = p;
    const std::uint32_t other = match_of_unit_[p];
    if (other == kNone || (other >= from_slot && augment(other, from_slot))) {
      match_of_unit_[p] = static_cast<std::uint32_t>(slot);
      return true;
    }
  }
  return false;
}

// Forgets the tentative matches of slots >= from_slot (fixed ones stay).
inline void ResponsePlanRecommender::clear_open(std::size_t from_slot) noexcept {
  for (std::size_t s = from_slot; s < slot_count_; ++s)
    for (std::uint8_t i = 0; i < slots_[s].candidate_count; ++i) {
      std::uint32_t& m = match_of_unit_[slots_[s].candidates[i]];
      if (m != kNone && m >= from_slot) m = kNone;
    }
}

// Size of a maximum matching of slots from_slot.. onto pool units not fixed by earlier
// slots (fixed units carry match_of_unit_ < from_slot and are skipped by augment()).
inline std::size_t ResponsePlanRecommender::max_matching(std::size_t from_slot) noexcept {
  clear_open(from_slot);
  std::size_t size = 0;
  for (std::size_t s = from_slot; s < slot_count_; ++s) {
    touched_count_ = 0;
    if (augment(s, from_slot)) ++size;
    for (std::size_t t = 0; t < touched_count_; ++t) visited_[touched_[t]] = 0;
  }
  return size;
}

template <TravelTimeOracle Oracle>
void ResponsePlanRecommender::recommend(const Incident& incident, const Fleet& fleet,
                                        Oracle& oracle, Recommendation& out) noexcept {
  if (!out.begin(incident, kName, fleet.size())) return;
  const auto reqs = incident.requirements();
  const std::size_t req_count = reqs.empty() ? 1 : std::min<std::size_t>(reqs.size(), 255);
  if (incident.plan != nullptr && reqs.empty()) return;  // Omega: the plan sends nobody
  // Slots: one per unit to send, in requirement order.
  slot_count_ = 0;
  for (std::size_t r = 0; r < req_count; ++r) {
    const std::size_t count = reqs.empty() ? 1 : reqs[r].count;
    for (std::size_t c = 0; c < count; ++c) {
      if (slot_count_ == kMaxSlots) {
        out.shortfalls.push_back({static_cast<std::uint8_t>(r), 1});
        continue;
      }
      slots_[slot_count_].requirement = static_cast<std::uint8_t>(r);
      slots_[slot_count_].candidate_count = 0;
      ++slot_count_;
    }
  }
  if (fleet.empty() || !incident.position.valid()) {
    for (std::size_t s = 0; s < slot_count_; ++s)
      out.shortfalls.push_back({slots_[s].requirement, 1});
    return;
  }
  auto asks_for = [&](std::size_t r, Capability c) {
    if (reqs.empty()) return incident.needs.contains(c);
    for (CapabilitySet a : reqs[r].alternatives)
      if (a.contains(c)) return true;
    return false;
  };
  auto any_requirement = [&](CapabilitySet caps) {
    for (std::size_t r = 0; r < req_count; ++r)
      if (qualifies(incident, r, caps)) return true;
    return false;
  };
  // Road units through the shared screening (air / water units are screened below).
  auto is_flying = [](CapabilitySet c) {
    return c.contains(Capability::kAir) || c.contains(Capability::kWater);
  };
  if (!screen_available(
          incident, fleet, oracle, options_, out,
          [&](const Unit& u) { return any_requirement(u.capabilities()); },
          [&](const Unit& u) { return is_flying(u.capabilities()); }))
    return;
  const std::size_t road_count = out.pool.size();
  // Air and water units: straight line, same filters in the same order.
  const LatLon scene = graph_->has_coordinates() ? where(incident.position) : LatLon{};
  bool listed_flying = false;
  for (const Unit& u : fleet.units()) {
    if (!is_flying(u.capabilities())) continue;
    listed_flying = options_.list_exclusions;
    if (!is_available(u.status())) {
      out.exclude(u.id(), ExclusionReason::kUnavailable, options_.list_exclusions);
      continue;
    }
    if (!any_requirement(u.capabilities())) {
      out.exclude(u.id(), ExclusionReason::kLacksCapability, options_.list_exclusions);
      continue;
    }
    if (!u.position().valid() || !graph_->has_coordinates()) {
      out.exclude(u.id(), ExclusionReason::kUnreachable, options_.list_exclusions);
      continue;
    }
    const bool air = u.capabilities().contains(Capability::kAir);
    const double kmh = air ? plan_options_.air_speed_kmh : plan_options_.water_speed_kmh;
    const double km = haversine(where(u.position()), scene).value() / 1000.0;
    const Deciseconds eta = (air ? plan_options_.air_turnout : plan_options_.water_turnout) +
                            Deciseconds::from_seconds(km / kmh * 3600.0);
    if (shift_ends_first(u, incident, eta, options_.shift_margin)) {
      out.exclude(u.id(), ExclusionReason::kShiftEnds, options_.list_exclusions);
      continue;
    }
    out.pool.push_back({u.id().value(), eta.count()});
  }
  if (listed_flying) order_exclusions_by_unit(out);  // keep the listing by unit id
  out.suitable_count = static_cast<std::uint32_t>(out.pool.size());
  // Candidates per slot: the kMaxSlots nearest qualified units of its requirement (an
  // optimal choice never needs more: with S slots, one of a slot's S nearest is free).
  for (std::size_t s = 0; s < slot_count_; ++s) {
    Slot& slot = slots_[s];
    if (s > 0 && slots_[s - 1].requirement == slot.requirement) {  // same requirement
      slot.candidate_count = slots_[s - 1].candidate_count;
      slot.candidates = slots_[s - 1].candidates;
      continue;
    }
    const std::size_t r = slot.requirement;
    const bool want_air_water = asks_for(r, Capability::kAir) || asks_for(r, Capability::kWater);
    auto consider = [&](std::uint32_t p) {
      if (!qualifies(incident, r, fleet.unit(UnitId(out.pool[p].unit)).capabilities()))
        return false;
      // Insert into the slot's sorted candidate list (ETA, unit id), keep kMaxSlots.
      const auto key = out.pool[p];
      std::size_t at = slot.candidate_count;
      while (at > 0 && by_eta(key, out.pool[slot.candidates[at - 1]])) --at;
      if (at >= kMaxSlots) return true;
      const std::size_t last = std::min<std::size_t>(slot.candidate_count, kMaxSlots - 1);
      for (std::size_t j = last; j > at; --j) slot.candidates[j] = slot.candidates[j - 1];
      slot.candidates[at] = p;
      if (slot.candidate_count < kMaxSlots) ++slot.candidate_count;
      return true;
    };
    bool road_serves = false;
    for (std::uint32_t p = 0; p < road_count; ++p) road_serves |= consider(p);
    if (!road_serves || want_air_water)  // roads cannot serve, or the plan asks for it
      for (std::uint32_t p = static_cast<std::uint32_t>(road_count); p < out.pool.size(); ++p)
        consider(p);
  }
  // Greedy in slot order with a matching look-ahead.
  if (match_of_unit_.size() < out.pool.size()) {
    match_of_unit_.resize(out.pool.size());
    visited_.resize(out.pool.size());
  }
  std::fill(match_of_unit_.begin(),
            match_of_unit_.begin() + static_cast<std::ptrdiff_t>(out.pool.size()), kNone);
  std::fill(visited_.begin(), visited_.begin() + static_cast<std::ptrdiff_t>(out.pool.size()), 0);
  // Invariant at the top of each round: match_of_unit_ holds only the units fixed for
  // slots < s. A slot takes its nearest candidate after which the later slots can still
  // be filled as well as before (max matching size `best` is kept), so earlier lines are
  // served first and no line is left empty that some choice could have filled.
  for (std::size_t s = 0; s < slot_count_; ++s) {
    chosen_[s] = kNone;
    const std::size_t best = max_matching(s);
    clear_open(s);
    if (best == 0) continue;
    for (std::uint8_t i = 0; i < slots_[s].candidate_count; ++i) {
      const std::uint32_t p = slots_[s].candidates[i];
      if (match_of_unit_[p] != kNone) continue;  // fixed by an earlier slot
      match_of_unit_[p] = static_cast<std::uint32_t>(s);
      const bool keeps_best = s + 1 == slot_count_ || max_matching(s + 1) + 1 >= best;
      clear_open(s + 1);
      if (keeps_best) {
        chosen_[s] = p;
        break;
      }
      match_of_unit_[p] = kNone;
    }
  }
  // Output in slot order; shortfalls per requirement.
  std::array<std::uint8_t, 256> missing{};
  for (std::size_t s = 0; s < slot_count_; ++s) {
    if (chosen_[s] == kNone) {
      ++missing[slots_[s].requirement];
      continue;
    }
    Candidate c = make_candidate(fleet, incident, out.pool[chosen_[s]], RankReason::kRequirement);
    c.requirement = slots_[s].requirement;
    const Unit& u = fleet.unit(c.unit);
    if (is_flying(u.capabilities()))
      c.turnout = u.capabilities().contains(Capability::kAir) ? plan_options_.air_turnout
                                                              : plan_options_.water_turnout;
    out.candidates.push_back(c);
  }
  for (std::size_t r = 0; r < req_count; ++r)
    if (missing[r] != 0) out.shortfalls.push_back({static_cast<std::uint8_t>(r), missing[r]});
}

DISPATCHKIT_NAMESPACE_END
