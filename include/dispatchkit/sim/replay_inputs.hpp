// dispatchkit/sim/replay_inputs.hpp: what a replay runs on, prepared once and shared.
//
//   ReplayOptions options;                        // seed, last stretch, shifts, targets, ...
//   options.shifts = ShiftModel::kRecordedActivity;
//   absl::StatusOr<ReplayInputs> in = prepare_replay(graph, snapper, record, stations,
//                                                    hospitals, CallMapping::sf_default(),
//                                                    ResponsePlanTable::default_table(),
//                                                    options);     // sim/prepare_replay.hpp
//   in->calls.size();                             // calls replayed, in order of readiness
//   in->skipped[static_cast<std::size_t>(SkipReason::kNotOnRoad)];   // and why others not
//   in->units.front().on_duty;                    // when the unit is staffed
//   in->recorded_kpis.overall.response.median_s;  // what really happened
//
// The types here are plain data: ReplayOptions (the knobs of one replay), ReplayUnit (a
// unit of the replayed fleet, from the record or a fleet file), ReplayCall (one recorded
// call made ready for the engine: plan, snapped position, service times per unit slot)
// and ReplayInputs, which holds them together with the per-station travel-time tables
// and the recorded KPI column. ReplayInputs is immutable once prepared: every strategy run
// (sim/replay_engine.hpp) reads the same one, from as many threads as it likes.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "dispatchkit/recommend/hospital.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "dispatchkit/sim/areas.hpp"
#include "dispatchkit/sim/calibration_model.hpp"
#include "dispatchkit/sim/kpi.hpp"
#include "dispatchkit/sim/local_time.hpp"
#include "dispatchkit/sim/sites.hpp"
#include "dispatchkit/triage/response_plan.hpp"
#include "dispatchkit/triage/service_targets.hpp"
#include "dispatchkit/triage/time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// How the replay infers when each recorded unit was staffed. The export has no roster, so
// this is an assumption, and a strong one: more units on duty means shorter drives. The
// two recorded models bracket the truth and are worth running both.
enum class ShiftModel : std::uint8_t {
  kAlwaysOnDuty = 0,  // every unit, the whole replay (an upper bound on staffing)
  kRecordedBlocks,    // on duty for every 12-hour block (08-20, 20-08 local) with a
                      // dispatch of the unit: generous (idle blocks' ends count)
  kRecordedActivity,  // on duty from its first dispatch to its last "available" in each
                      // block: tight (no idle time before the first or after the last job)
};
[[nodiscard]] constexpr std::string_view to_string(ShiftModel m) noexcept {
  constexpr std::string_view kNames[] = {"always", "blocks", "activity"};
  return kNames[static_cast<unsigned>(m) % 3];
}
[[nodiscard]] constexpr std::optional<ShiftModel> parse_shift_model(std::string_view s) noexcept {
  for (unsigned i = 0; i < 3; ++i)
    if (to_string(static_cast<ShiftModel>(i)) == s) return static_cast<ShiftModel>(i);
  return std::nullopt;
}

struct ReplayOptions {
  std::uint64_t seed = 1;
  // Speed over the last stretch, from the street the call snapped to to the caller's
  // recorded location (the bundled SF network has main roads only: a median 100 m).
  double last_stretch_kmh = 10.0;
  // Recorded decision time (first dispatch - CAD entry) kept up to this; beyond it the
  // record shows queueing, which the replay simulates itself.
  std::int32_t max_decision_delay_s = 60;
  // Response-time targets (late_fraction, CoverageAware's "in time"): triage's service
  // targets for `area` (urban: 8 min for grades I/II, 15 for III, 30 for IV). The same
  // targets order the waiting calls (TriageQueue: allowed wait and ageing).
  ServiceTargets targets = ServiceTargets::defaults();
  AreaClass area = AreaClass::kUrban;  // of every call, unless `areas` says otherwise
  // Area classes by location (sim/areas.hpp; dk-replay --areas): each call's class, hence
  // its target (targets.response(class, grade)) and ReplayResult's KPIs by area class.
  std::shared_ptr<const AreaMap> areas;
  // Hospital choice (recommend/hospital.hpp): specialty-centre bypass limit.
  HospitalOptions hospital;
  // When the record's units are on duty (see ShiftModel). Ignored for a fleet file's
  // units, which are always on duty.
  ShiftModel shifts = ShiftModel::kRecordedBlocks;
  std::int32_t shift_block_hours = 12;
  std::int32_t shift_first_block_local_hour = 8;
  // Calls snapped farther than this from a street are skipped (not_on_road).
  Meters max_snap_distance{1000.0};
  // A unit driving home is located along its route in steps of this much driving (like
  // an AVL feed reporting once a minute). Each move makes position-dependent strategies
  // redo work (CoverageAware recomputes the unit's coverage), so a finer step costs time
  // for little change in where the unit is; 0 = every decision sees the exact position.
  SimDuration avl_step = std::chrono::seconds(60);
  // Only calls received on these local calendar days are replayed (a model fitted on
  // some days is checked on others); unset = every call. Units, shifts and service-time
  // pools still come from the whole record.
  std::optional<LocalDayRange> days;
  // A model fitted from a record (sim/calibration.hpp, dk-calibrate): when set, turnout
  // from the post, drive times, sampled service times and where units wait come from it
  // instead of the defaults below. It must have been fitted on this graph.
  std::shared_ptr<const Calibration> calibration;
  FleetOptions fleet;       // turnout times
  TravelModeOptions modes;  // normal-driving factor for transports and returns
  // May a unit driving home be sent to a new call (as JEMSS and most CAD systems do)? False:
  // it stays busy until it is back at its post, the home-base model in which the offline
  // bound (plan/offline_bound.hpp) holds; dk-replay --returning=busy.
  bool returning_dispatchable = true;
};

// Why a recorded call was not replayed.
enum class SkipReason : std::uint8_t {
  kNoAmbulance = 0,        // no ambulance in the record (fire and alarm calls)
  kAmbulanceNeverOnScene,  // ambulances sent but none arrived (cancelled, gone on arrival)
  kNotOnRoad,              // location too far from every street
  kNoUnitsInPlan,          // the mapped response plan sends no unit (Omega)
  kNoReceivedTime,         // defensive: loader guarantees a received time
};
inline constexpr std::size_t kSkipReasonCount = 5;
[[nodiscard]] constexpr std::string_view to_string(SkipReason r) noexcept {
  constexpr std::string_view kNames[kSkipReasonCount] = {"no_ambulance_in_record",
                                                         "ambulance_never_on_scene", "not_on_road",
                                                         "no_units_in_plan", "no_received_time"};
  return kNames[static_cast<std::size_t>(r)];
}

// A unit of the replayed fleet.
struct ReplayUnit {
  std::string call_sign;
  std::uint32_t station = 0;  // index into ReplayInputs::stations
  CapabilitySet capabilities;
  std::vector<std::pair<SimTime, SimTime>> on_duty;  // sorted, disjoint; empty = always
  // Where the unit waits and returns to when it is not its home station (a calibration's
  // learned post, Calibration::posts); kHomeStation otherwise.
  static constexpr std::uint32_t kHomeStation = UINT32_MAX;
  std::uint32_t post = kHomeStation;

  [[nodiscard]] std::uint32_t waits_at() const noexcept {
    return post == kHomeStation ? station : post;
  }
};

// Service times of one unit slot of a call (slot k = the k-th ambulance sent).
struct ServiceTimes {
  std::int32_t on_scene_s = 0;
  std::int32_t handover_s = 0;
  bool transports = false;
  bool from_record = false;  // false: sampled
};

inline constexpr std::size_t kMaxUnitsPerCall = 4;

// A recorded unit that is not in the replayed fleet (ReplayCall::recorded_unit).
inline constexpr std::uint32_t kNotInFleet = UINT32_MAX;

// One call prepared for replay.
struct ReplayCall {
  std::uint32_t recorded = 0;  // index into RecordedCalls::calls
  // 0: the recorded call itself; k >= 1: the k-th resampled copy of it (scale_demand,
  // sim/load_scaling.hpp), which has no recorded column and no recorded units.
  std::uint32_t copy = 0;
  SimTime received{};
  SimTime entered{};
  SimTime ready{};
  LatLon location;
  RoadPosition position;
  std::int32_t last_stretch_s = 0;
  const ResponsePlan* plan = nullptr;
  PriorityGrade grade = PriorityGrade::kII;
  TravelMode mode = TravelMode::kLightsAndSirens;
  Specialty destination = Specialty::kNone;
  bool urgent_transport = false;  // recorded "Code 3 Transport": transport with lights
  std::int32_t target_s = 480;    // of the call's grade and area class
  AreaClass area = AreaClass::kUrban;
  std::uint8_t ambulances = 1;
  std::array<ServiceTimes, kMaxUnitsPerCall> service{};
  // The record's own decision per unit slot (slot k = the k-th ambulance to arrive): the
  // unit it sent (index into ReplayInputs::units, kNotInFleet when a fleet file lacks it)
  // and when. The as_recorded policy (sim/compare.hpp) replays exactly these.
  std::array<std::uint32_t, kMaxUnitsPerCall> recorded_unit{kNotInFleet, kNotInFleet, kNotInFleet,
                                                            kNotInFleet};
  std::array<SimTime, kMaxUnitsPerCall> recorded_dispatch{kNoTime, kNoTime, kNoTime, kNoTime};
  // Uniform draws in [0, 1) per slot for a calibrated model's turnout and drive (which
  // quantile this unit's trip lands on); fixed here so every strategy sees the same luck.
  std::array<double, kMaxUnitsPerCall> turnout_draw{}, drive_draw{};
  // From the record, for the recorded KPI column.
  SimTime recorded_first_dispatch = kNoTime;
  SimTime recorded_first_on_scene = kNoTime;
};

// Call `index`'s outcome before anything happened to it: grade, place, received and ready
// times, target and area class; no dispatch, no arrival. The engine's simulated column,
// the recorded column (prepare_replay) and scale_demand's copies all start from it.
[[nodiscard]] inline CallOutcome pending_outcome(const ReplayCall& c, std::uint32_t index) {
  CallOutcome o;
  o.call = index;
  o.grade = c.grade;
  o.location = c.location;
  o.received = c.received;
  o.ready = c.ready;
  o.target_s = c.target_s;
  o.area = c.area;
  return o;
}

// Everything a replay needs, prepared once and shared (read-only) by every strategy run.
struct ReplayInputs {
  const RoadGraph* graph = nullptr;
  std::vector<Site> stations;
  std::vector<RoadPosition> station_positions;
  // Hospital choice and times to hospitals; shared, immutable.
  std::shared_ptr<const HospitalRanker> hospitals;
  std::vector<ReplayUnit> units;
  std::vector<ReplayCall> calls;  // sorted by ready time, then received, then recorded index
  std::array<std::uint64_t, kSkipReasonCount> skipped{};
  std::uint64_t calls_in_record = 0;
  // Calls received outside ReplayOptions::days (not replayed, and not "skipped": the
  // record holds nothing wrong with them).
  std::uint64_t calls_outside_days = 0;
  // Replayed calls with a recorded response (the others are demand without a record,
  // RecordedCall::planned, e.g. generated calls: no recorded column for them).
  std::uint64_t calls_with_record = 0;
  // Load against the record: demand scale / fleet scale (sim/load_scaling.hpp); 1 as
  // prepared. The busy fraction the coverage models assume is the record's utilisation
  // times this.
  double load_scale = 1.0;
  // The period observed: first call received to the later of the last call received and
  // the last recorded "available" of a replayed call (utilisation's denominator).
  SimTime begin{};
  SimTime end{};
  TimeZone zone;
  ReplayOptions options;
  // What really happened to the replayed calls (same definitions as the simulation).
  std::vector<CallOutcome> recorded_outcomes;
  UnitUsage recorded_usage;
  KpiReport recorded_kpis;
  // Samples of recorded service times, for slots the record does not cover.
  std::vector<std::int32_t> on_scene_transport_pool, on_scene_release_pool, handover_pool;
  double transport_share = 0.0;

  [[nodiscard]] std::uint64_t skipped_total() const noexcept {
    std::uint64_t n = 0;
    for (auto c : skipped) n += c;
    return n;
  }
  // On-duty unit-seconds of the fleet within [begin, end].
  [[nodiscard]] double on_duty_seconds() const noexcept;
};

// ---------------------------------------------------------------------------------------
// Implementation.

namespace detail {

inline std::int64_t secs(SimTime t) noexcept {
  return to_unix_seconds(t);
}

// Deciseconds -> whole seconds, rounded up (a unit is not there before it arrives).
inline std::int64_t ceil_seconds(Weight ds) noexcept {
  return (std::int64_t{ds} + 9) / 10;
}

}  // namespace detail

inline double ReplayInputs::on_duty_seconds() const noexcept {
  const double span = static_cast<double>(detail::secs(end) - detail::secs(begin));
  double total = 0.0;
  for (const ReplayUnit& u : units) {
    if (u.on_duty.empty()) {
      total += span;
      continue;
    }
    for (const auto& [a, b] : u.on_duty) {
      const SimTime lo = std::max(a, begin), hi = std::min(b, end);
      if (hi > lo) total += static_cast<double>(detail::secs(hi) - detail::secs(lo));
    }
  }
  return total;
}

DISPATCHKIT_NAMESPACE_END
