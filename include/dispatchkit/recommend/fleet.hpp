// dispatchkit/recommend/fleet.hpp: the units of a service and what each is doing now.
//
//   Fleet fleet;                                        // FleetOptions{} turnout defaults
//   UnitId m1 = fleet.add_unit({.call_sign = "M1", .home_station = 3,
//                               .capabilities = CapabilitySet{Capability::kAls} |
//                                               Capability::kTransport,
//                               .position = station_pos});
//   fleet.dispatch(m1, IncidentId{1042}, PriorityGrade::kI);   // validated transition
//   fleet.set_status(m1, UnitStatus::kEnRoute);
//   fleet.report_position(m1, snapped_gps_fix);                 // many-to-one entry moves
//   absl::Status s = fleet.set_status(m1, UnitStatus::kAvailableAtStation);
//   // s: FailedPrecondition "unit M1 (id 0): cannot go from en_route to available_at_station"
//
// A unit goes through a fixed status lifecycle (below); every change is validated, and
// an impossible one is an ordinary error naming the unit and both states, never a crash:
// CAD feeds are full of late and duplicated status messages.
//
// Consumers that keep per-unit state (the travel-time oracle's many-to-one entries, the
// coverage model's per-unit covered demand) must not rescan 5,000 units per call. The
// fleet therefore keeps a bounded change journal: every change bumps `generation()`
// and records the unit; a consumer remembers the generation it has seen and replays only
// what changed since (`for_each_change_since`), falling back to a full resync when it
// lagged behind by more than the journal holds.
//
// Thread safety: thread-compatible. Mutate from one thread; recommend from that thread
// (or copy the fleet: it is a value type).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/enum_names.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/triage/time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct UnitTag {};
struct IncidentTag {};
// A unit of the fleet, dense from 0 in the order units were added.
using UnitId = StrongId<UnitTag>;
// The CAD's own incident (call) number.
using IncidentId = StrongId<IncidentTag, std::uint64_t>;

// The status lifecycle of a unit.
//
//   out_of_service <-> available_at_station <-> available_mobile
//        available_* / returning --dispatch--> dispatched -> en_route -> on_scene
//        on_scene -> transporting -> at_hospital -> returning -> available_*
//        dispatched / en_route --(preempted, diverted)--> dispatched
//        dispatched / en_route / on_scene --(cancelled, no transport)--> available_*
enum class UnitStatus : std::uint8_t {
  kOutOfService = 0,    // off duty, broken down, restocking
  kAvailableAtStation,  // in quarters, crew must turn out
  kAvailableMobile,     // idle but on the road (posted, back from a call)
  kDispatched,          // assigned to an incident, not yet rolling
  kEnRoute,             // driving to the scene
  kOnScene,             // treating the patient
  kTransporting,        // driving the patient to hospital
  kAtHospital,          // handing over the patient
  kReturning,           // driving home; may be sent to a new call (as JEMSS allows)
};
inline constexpr std::size_t kUnitStatusCount = 9;

inline constexpr std::array<std::string_view, kUnitStatusCount> kUnitStatusNames = {
    "out_of_service", "available_at_station", "available_mobile", "dispatched", "en_route",
    "on_scene",       "transporting",         "at_hospital",      "returning"};

[[nodiscard]] constexpr std::string_view to_string(UnitStatus s) noexcept {
  return detail::enum_name(kUnitStatusNames, s);
}
[[nodiscard]] constexpr std::optional<UnitStatus> parse_unit_status(std::string_view s) noexcept {
  return detail::enum_from_name<UnitStatus>(kUnitStatusNames, s);
}

// May this unit be sent to a new incident? Idle units, and units driving home (their
// crew is free; JEMSS and most CAD systems dispatch them).
[[nodiscard]] constexpr bool is_available(UnitStatus s) noexcept {
  return s == UnitStatus::kAvailableAtStation || s == UnitStatus::kAvailableMobile ||
         s == UnitStatus::kReturning;
}
// Is the unit committed to an incident it has not reached yet (so that a more urgent
// call could take it over)? Only these are candidates for preemption.
[[nodiscard]] constexpr bool is_divertible(UnitStatus s) noexcept {
  return s == UnitStatus::kDispatched || s == UnitStatus::kEnRoute;
}
// Does a travel-time oracle need this unit's position? (Available or divertible units.)
[[nodiscard]] constexpr bool needs_travel_time(UnitStatus s) noexcept {
  return is_available(s) || is_divertible(s);
}

// The transition table of the lifecycle above. Same-state "transitions" are rejected
// except kDispatched -> kDispatched (a unit diverted to another incident).
[[nodiscard]] constexpr bool is_valid_transition(UnitStatus from, UnitStatus to) noexcept {
  using S = UnitStatus;
  switch (from) {
    case S::kOutOfService:
      return to == S::kAvailableAtStation || to == S::kAvailableMobile;
    case S::kAvailableAtStation:
      return to == S::kAvailableMobile || to == S::kDispatched || to == S::kOutOfService;
    case S::kAvailableMobile:
      return to == S::kAvailableAtStation || to == S::kDispatched || to == S::kOutOfService;
    case S::kDispatched:
      return to == S::kEnRoute || to == S::kDispatched || to == S::kAvailableAtStation ||
             to == S::kAvailableMobile || to == S::kOutOfService;
    case S::kEnRoute:
      return to == S::kOnScene || to == S::kDispatched || to == S::kAvailableMobile ||
             to == S::kOutOfService;
    case S::kOnScene:
      return to == S::kTransporting || to == S::kReturning || to == S::kAvailableMobile ||
             to == S::kOutOfService;
    case S::kTransporting:
      return to == S::kAtHospital || to == S::kOutOfService;
    case S::kAtHospital:
      return to == S::kReturning || to == S::kAvailableMobile || to == S::kOutOfService;
    case S::kReturning:
      return to == S::kAvailableAtStation || to == S::kAvailableMobile || to == S::kDispatched ||
             to == S::kOutOfService;
  }
  return false;
}

// What a new unit looks like when it joins the fleet.
struct UnitSpec {
  std::string call_sign;  // "M12", "E7": how dispatchers name it; must be unique, non-empty
  std::uint32_t home_station = std::numeric_limits<std::uint32_t>::max();  // none
  CapabilitySet capabilities;
  UnitStatus status = UnitStatus::kAvailableAtStation;
  RoadPosition position;  // where it is now (its station when at station)
  SimTime shift_end = SimTime::max();
};

// The incident a unit is committed to (valid while dispatched ... at hospital).
struct Assignment {
  IncidentId incident;
  PriorityGrade grade = PriorityGrade::kIV;
};

// A read-only view of one unit; the Fleet is the only writer.
class Unit {
 public:
  [[nodiscard]] UnitId id() const noexcept { return id_; }
  [[nodiscard]] const std::string& call_sign() const noexcept { return spec_.call_sign; }
  [[nodiscard]] std::uint32_t home_station() const noexcept { return spec_.home_station; }
  // Where the unit waits when idle and drives to when free: its home station unless a
  // move-up (recommend/move_up/) posted it elsewhere (Fleet::assign_post).
  [[nodiscard]] std::uint32_t post() const noexcept { return post_; }
  [[nodiscard]] CapabilitySet capabilities() const noexcept { return spec_.capabilities; }
  [[nodiscard]] UnitStatus status() const noexcept { return spec_.status; }
  [[nodiscard]] const RoadPosition& position() const noexcept { return spec_.position; }
  [[nodiscard]] SimTime shift_end() const noexcept { return spec_.shift_end; }
  // The incident the unit works on; nullopt unless dispatched ... at hospital.
  [[nodiscard]] const std::optional<Assignment>& assignment() const noexcept { return assignment_; }

 private:
  friend class Fleet;
  UnitId id_;
  UnitSpec spec_;
  std::uint32_t post_ = std::numeric_limits<std::uint32_t>::max();
  std::optional<Assignment> assignment_;
};

// Turnout (chute) time: from the dispatch order until the unit rolls. A crew in quarters
// has to reach the vehicle (NFPA 1710 sets 60 s for EMS); a crew already on the road only
// acknowledges on its terminal. The recommenders add it to the road travel time, so
// that a rolling unit 4 min away beats a station 4.5 min away.
struct FleetOptions {
  Deciseconds turnout_at_station = Deciseconds::from_seconds(60);
  Deciseconds turnout_rolling = Deciseconds::from_seconds(15);  // mobile, returning, diverted
  // How many recent changes the journal keeps for incremental consumers.
  std::uint32_t journal_capacity = 4096;
};

namespace detail {
// Source of Fleet::instance(). Starts at 1 so that 0 can mean "no fleet seen yet".
inline std::uint64_t next_fleet_instance() noexcept {
  static std::atomic<std::uint64_t> counter{1};
  return counter.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace detail

class Fleet {
 public:
  explicit Fleet(FleetOptions options = {}) : options_(options) {
    if (options_.journal_capacity == 0) options_.journal_capacity = 1;
    journal_.resize(options_.journal_capacity);
  }
  // Copies and moves carry the units and the journal but draw a new instance(): the
  // journal's generations only mean something together with the object they were
  // recorded in. A moved-from fleet gets a new instance too (its contents are gone).
  Fleet(const Fleet& o)
      : options_(o.options_),
        units_(o.units_),
        by_call_sign_(o.by_call_sign_),
        journal_(o.journal_),
        generation_(o.generation_) {}
  Fleet(Fleet&& o) noexcept
      : options_(o.options_),
        units_(std::move(o.units_)),
        by_call_sign_(std::move(o.by_call_sign_)),
        journal_(std::move(o.journal_)),
        generation_(o.generation_) {
    o.instance_ = detail::next_fleet_instance();
  }
  Fleet& operator=(const Fleet& o) {
    if (this == &o) return *this;
    Fleet copy(o);
    *this = std::move(copy);
    return *this;
  }
  Fleet& operator=(Fleet&& o) noexcept {
    if (this == &o) return *this;
    options_ = o.options_;
    units_ = std::move(o.units_);
    by_call_sign_ = std::move(o.by_call_sign_);
    journal_ = std::move(o.journal_);
    generation_ = o.generation_;
    instance_ = detail::next_fleet_instance();
    o.instance_ = detail::next_fleet_instance();
    return *this;
  }
  ~Fleet() = default;

  // Adds a unit; ids are dense in insertion order. InvalidArgument for an empty or
  // duplicate call sign, or for a unit created dispatched (dispatch it after adding).
  absl::StatusOr<UnitId> add_unit(UnitSpec spec);

  [[nodiscard]] std::uint32_t size() const noexcept {
    return static_cast<std::uint32_t>(units_.size());
  }
  [[nodiscard]] bool empty() const noexcept { return units_.empty(); }
  [[nodiscard]] bool contains(UnitId id) const noexcept { return id.value() < units_.size(); }
  // Precondition: contains(id). For ids from outside use find().
  [[nodiscard]] const Unit& unit(UnitId id) const noexcept { return units_[id.value()]; }
  [[nodiscard]] std::span<const Unit> units() const noexcept { return units_; }
  // OutOfRange "unit id 17 does not exist (fleet has 12 units)".
  [[nodiscard]] absl::StatusOr<const Unit*> find(UnitId id) const;
  // The unit with this call sign; NotFound otherwise. O(1) expected.
  [[nodiscard]] absl::StatusOr<UnitId> find(std::string_view call_sign) const;

  // Validated status change (see is_valid_transition). Entering kDispatched needs an
  // incident: use dispatch(). Leaving the incident's statuses clears the assignment.
  // Errors: OutOfRange bad id; FailedPrecondition naming unit and both states.
  absl::Status set_status(UnitId id, UnitStatus to);
  // Assigns the unit to `incident` (from an available status, or diverts a dispatched /
  // en-route unit to a new incident). Errors as set_status.
  absl::Status dispatch(UnitId id, IncidentId incident, PriorityGrade grade);
  // A new position for the unit (a GPS fix snapped with graph/snap.hpp, or the station
  // when it arrives). InvalidArgument for an invalid position.
  absl::Status report_position(UnitId id, const RoadPosition& position);
  // Snaps `fix` with `snapper` (graph/snap.hpp `Snapper`: snap(LatLon) returning
  // StatusOr<SnapResult>; or anything whose snap(LatLon) returns a RoadPosition or an
  // optional of one) and reports it. The snapper's error (NotFound: no street within
  // its max distance) is returned as is; the unit keeps its last position.
  template <class SnapperT>
  absl::Status report_gps(UnitId id, LatLon fix, const SnapperT& snapper);
  // Crew change: a new shift end.
  absl::Status set_shift_end(UnitId id, SimTime shift_end);
  // Posts the unit at `post` (a station or standby point, in the caller's numbering, like
  // home_station): where it waits and returns to from now on (a move-up). Its status is
  // not touched: the caller drives it there through the lifecycle (an idle unit leaving
  // quarters goes available_mobile). OutOfRange bad id.
  absl::Status assign_post(UnitId id, std::uint32_t post);

  // Turnout for a unit in status `s` (rolling units get turnout_rolling).
  [[nodiscard]] Deciseconds turnout(UnitStatus s) const noexcept {
    return s == UnitStatus::kAvailableAtStation || s == UnitStatus::kOutOfService
               ? options_.turnout_at_station
               : options_.turnout_rolling;
  }
  [[nodiscard]] const FleetOptions& options() const noexcept { return options_; }

  // ---- Change journal, for consumers that keep per-unit state. ----

  // Bumped by every successful change (add, status, position, shift, post).
  [[nodiscard]] std::uint64_t generation() const noexcept { return generation_; }
  // Identity of this fleet object: unique per process, never 0, and re-drawn whenever the
  // fleet is constructed, copied, moved (both sides) or assigned. Consumers that keep
  // per-unit state store it beside the generation they have seen and resync every unit
  // when it differs; the address is not enough (`fleet = load_fleet(...)` keeps it).
  [[nodiscard]] std::uint64_t instance() const noexcept { return instance_; }
  // Calls f(UnitId) for every change after generation `seen` (a unit may appear more
  // than once). Returns false, calling nothing, when the journal no longer reaches back
  // to `seen`: the consumer must then resync every unit. O(changes), no allocation.
  // Only meaningful for the same instance() the consumer saw `seen` on. Exceptions from
  // f propagate (an oracle growing its buckets may throw std::bad_alloc).
  template <class F>
  bool for_each_change_since(std::uint64_t seen, F&& f) const
      noexcept(noexcept(f(UnitId::invalid()))) {
    if (seen > generation_) return false;  // a different fleet
    if (generation_ - seen > journal_.size()) return false;
    for (std::uint64_t g = seen + 1; g <= generation_; ++g) f(journal_[g % journal_.size()]);
    return true;
  }

 private:
  absl::StatusOr<Unit*> mutable_unit(UnitId id);
  absl::Status transition(Unit& u, UnitStatus to) const;
  void record(UnitId id) noexcept {
    ++generation_;
    // A moved-from fleet has no journal: consumers then see it cannot reach back and resync.
    if (!journal_.empty()) journal_[generation_ % journal_.size()] = id;
  }

  FleetOptions options_;
  std::vector<Unit> units_;
  std::unordered_map<std::string, std::uint32_t> by_call_sign_;
  std::vector<UnitId> journal_;
  std::uint64_t generation_ = 0;
  std::uint64_t instance_ = detail::next_fleet_instance();
};

// ---------------------------------------------------------------------------------------
// Implementation.

namespace detail {
inline std::string unit_label(const Unit& u) {
  return absl::StrCat("unit ", u.call_sign(), " (id ", u.id().value(), ")");
}
template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};
}  // namespace detail

inline absl::StatusOr<UnitId> Fleet::add_unit(UnitSpec spec) {
  if (spec.call_sign.empty())
    return absl::InvalidArgumentError(
        absl::StrCat("unit ", units_.size(), ": empty call sign (every unit needs a name)"));
  if (const auto it = by_call_sign_.find(spec.call_sign); it != by_call_sign_.end())
    return absl::InvalidArgumentError(absl::StrCat("duplicate call sign ", spec.call_sign,
                                                   " (already unit id ", it->second, ")"));
  if (spec.status != UnitStatus::kOutOfService && !is_available(spec.status))
    return absl::InvalidArgumentError(
        absl::StrCat("unit ", spec.call_sign, ": cannot join the fleet as ",
                     detail::as_absl(to_string(spec.status)),
                     " (add it available or out of service, then dispatch it)"));
  if (units_.size() >= std::numeric_limits<std::uint32_t>::max() - 1)
    return absl::ResourceExhaustedError("fleet is full");
  Unit u;
  u.id_ = UnitId(static_cast<std::uint32_t>(units_.size()));
  u.spec_ = std::move(spec);
  u.post_ = u.spec_.home_station;
  // Unit first, then its name: if either allocation throws, no map entry names a unit
  // that does not exist (a failed emplace just drops the pushed unit again).
  units_.push_back(std::move(u));
  try {
    by_call_sign_.emplace(units_.back().spec_.call_sign, units_.back().id_.value());
  } catch (...) {
    units_.pop_back();
    throw;
  }
  record(units_.back().id_);
  return units_.back().id_;
}

inline absl::StatusOr<const Unit*> Fleet::find(UnitId id) const {
  if (!contains(id))
    return absl::OutOfRangeError(
        absl::StrCat("unit id ", id.valid() ? std::to_string(id.value()) : std::string("<invalid>"),
                     " does not exist (fleet has ", units_.size(), " units)"));
  return &units_[id.value()];
}

inline absl::StatusOr<UnitId> Fleet::find(std::string_view call_sign) const {
  if (const auto it = by_call_sign_.find(std::string(call_sign)); it != by_call_sign_.end())
    return UnitId(it->second);
  return absl::NotFoundError(absl::StrCat("no unit with call sign ", detail::as_absl(call_sign)));
}

inline absl::StatusOr<Unit*> Fleet::mutable_unit(UnitId id) {
  DK_ASSIGN_OR_RETURN(const Unit* u, find(id));
  return const_cast<Unit*>(u);  // NOLINT: find() returned one of our own elements
}

inline absl::Status Fleet::transition(Unit& u, UnitStatus to) const {
  if (!is_valid_transition(u.status(), to))
    return absl::FailedPreconditionError(absl::StrCat(detail::unit_label(u), ": cannot go from ",
                                                      detail::as_absl(to_string(u.status())),
                                                      " to ", detail::as_absl(to_string(to))));
  return absl::OkStatus();
}

inline absl::Status Fleet::set_status(UnitId id, UnitStatus to) {
  DK_ASSIGN_OR_RETURN(Unit * u, mutable_unit(id));
  if (to == UnitStatus::kDispatched)
    return absl::InvalidArgumentError(absl::StrCat(
        detail::unit_label(*u), ": use dispatch() to assign an incident, not set_status"));
  DK_RETURN_IF_ERROR(transition(*u, to));
  u->spec_.status = to;
  const bool committed = to == UnitStatus::kEnRoute || to == UnitStatus::kOnScene ||
                         to == UnitStatus::kTransporting || to == UnitStatus::kAtHospital;
  if (!committed) u->assignment_.reset();
  record(id);
  return absl::OkStatus();
}

inline absl::Status Fleet::dispatch(UnitId id, IncidentId incident, PriorityGrade grade) {
  DK_ASSIGN_OR_RETURN(Unit * u, mutable_unit(id));
  if (!incident.valid())
    return absl::InvalidArgumentError(
        absl::StrCat(detail::unit_label(*u), ": dispatch needs a valid incident id"));
  DK_RETURN_IF_ERROR(transition(*u, UnitStatus::kDispatched));
  u->spec_.status = UnitStatus::kDispatched;
  u->assignment_ = Assignment{incident, grade};
  record(id);
  return absl::OkStatus();
}

inline absl::Status Fleet::report_position(UnitId id, const RoadPosition& position) {
  DK_ASSIGN_OR_RETURN(Unit * u, mutable_unit(id));
  if (!position.valid())
    return absl::InvalidArgumentError(
        absl::StrCat(detail::unit_label(*u), ": invalid road position (snap the fix first)"));
  if (u->spec_.position == position) return absl::OkStatus();  // no change, no journal entry
  u->spec_.position = position;
  record(id);
  return absl::OkStatus();
}

template <class SnapperT>
absl::Status Fleet::report_gps(UnitId id, LatLon fix, const SnapperT& snapper) {
  DK_ASSIGN_OR_RETURN(const Unit* u, find(id));
  if (!fix.is_valid())
    return absl::InvalidArgumentError(absl::StrCat(detail::unit_label(*u), ": GPS fix (", fix.lat,
                                                   ", ", fix.lon, ") is not WGS84"));
  auto snapped = snapper.snap(fix);
  using R = decltype(snapped);
  if constexpr (std::is_same_v<R, RoadPosition>) {
    return report_position(id, snapped);
  } else if constexpr (detail::IsOptional<R>::value) {
    if (!snapped)
      return absl::NotFoundError(absl::StrCat(detail::unit_label(*u), ": GPS fix (", fix.lat, ", ",
                                              fix.lon, ") is not near any road"));
    return report_position(id, *snapped);
  } else {
    if (!snapped.ok()) return snapped.status();
    if constexpr (requires { snapped->position; }) {
      return report_position(id, snapped->position);
    } else {
      return report_position(id, *snapped);
    }
  }
}

inline absl::Status Fleet::assign_post(UnitId id, std::uint32_t post) {
  DK_ASSIGN_OR_RETURN(Unit * u, mutable_unit(id));
  if (u->post_ == post) return absl::OkStatus();  // no change, no journal entry
  u->post_ = post;
  record(id);
  return absl::OkStatus();
}

inline absl::Status Fleet::set_shift_end(UnitId id, SimTime shift_end) {
  DK_ASSIGN_OR_RETURN(Unit * u, mutable_unit(id));
  u->spec_.shift_end = shift_end;
  record(id);
  return absl::OkStatus();
}

DISPATCHKIT_NAMESPACE_END
