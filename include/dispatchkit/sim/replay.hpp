// dispatchkit/sim/replay.hpp: replay recorded calls through a dispatch strategy.
//
//   auto graph = load_graph("data/sf/sf_osm_edges.csv.xz");
//   auto snapper = Snapper::build(*graph);
//   auto calls = load_recorded_calls("data/sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz");
//   auto stations = load_sites("data/sf/sf_fire_stations.csv");
//   auto hospitals = load_emergency_departments("data/sf/sf_hospitals.csv", *snapper);
//   absl::StatusOr<ReplayInputs> in = prepare_replay(*graph, *snapper, *calls, *stations,
//                                                    *hospitals, CallMapping::sf_default(),
//                                                    ResponsePlanTable::default_table());
//   DijkstraOracle oracle(*graph);
//   ClosestIdle strategy;
//   ReplayResult r = run_replay(*in, strategy, oracle);
//   r.kpis.overall.response.median_s;           // simulated
//   in->recorded_kpis.overall.response.median_s;  // what really happened, same definitions
//
// What is simulated. Each replayed call becomes ready for dispatch at its recorded CAD
// entry time plus the recorded decision time (first dispatch - entry), the latter capped
// at ReplayOptions::max_decision_delay_s: beyond that the record shows the call waiting
// for a unit, which the replay models itself. Then the strategy (any UnitRecommender:
// ClosestIdle, CoverageAware, ... or a researcher's own) picks an ambulance; if none is
// suitable the call waits in a TriageQueue (triage/triage_queue.hpp: most urgent grade
// first, overdue calls aged upwards) and is served when a unit frees up.
// A unit's life: dispatched -> en route (turnout from the Fleet, road time from the
// oracle, then the last stretch from the nearest street to the caller at
// last_stretch_kmh) -> on scene (recorded time there, else sampled) -> transporting to
// the nearest hospital of the plan's specialty (trauma centres for trauma plans) ->
// handover (recorded, else sampled) -> returning to its station (may be dispatched
// again on the way, from its position along the route) -> at station. Every status
// change goes through Fleet's validated transitions.
//
// Determinism: no wall clock; events tie-break by sequence number; samples are drawn from
// a SimRandom stream forked per call and unit slot, so every strategy sees the same
// service times for the same call, and the same seed gives byte-identical reports.
//
// Approximations (documented in docs/replay.md): a unit en route is located at its
// origin if diverted; the record's first responders (engines) are not simulated, so
// response time is "first AMBULANCE on scene" in both the recorded and simulated
// columns; calls whose recorded ambulances never reached the scene are skipped (reason
// ambulance_never_on_scene); the crews' on-duty periods are inferred from the record
// (ShiftModel; by default a unit is on duty in each 12-hour block, 08:00-20:00 /
// 20:00-08:00 local, in which it was dispatched) unless a fleet file is given.
//
// Cost: per call one oracle query per unit sent plus O(units); hospital and station
// times are table look-ups (HospitalRanker's per-hospital tables; one reverse and one
// forward Dijkstra per station, computed once in prepare_replay: stations * nodes * 8
// bytes).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/snap.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/recommend/concepts.hpp"
#include "dispatchkit/recommend/eta_oracle.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "dispatchkit/recommend/hospital.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "dispatchkit/sim/call_mapping.hpp"
#include "dispatchkit/sim/event_queue.hpp"
#include "dispatchkit/sim/kpi.hpp"
#include "dispatchkit/sim/local_time.hpp"
#include "dispatchkit/sim/recorded_calls.hpp"
#include "dispatchkit/sim/sites.hpp"
#include "dispatchkit/triage/call.hpp"
#include "dispatchkit/triage/response_plan.hpp"
#include "dispatchkit/triage/service_targets.hpp"
#include "dispatchkit/triage/time.hpp"
#include "dispatchkit/triage/triage_queue.hpp"

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
  AreaClass area = AreaClass::kUrban;
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
  FleetOptions fleet;       // turnout times
  TravelModeOptions modes;  // normal-driving factor for transports and returns
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
};

// Service times of one unit slot of a call (slot k = the k-th ambulance sent).
struct ServiceTimes {
  std::int32_t on_scene_s = 0;
  std::int32_t handover_s = 0;
  bool transports = false;
  bool from_record = false;  // false: sampled
};

inline constexpr std::size_t kMaxUnitsPerCall = 4;

// One call prepared for replay.
struct ReplayCall {
  std::uint32_t recorded = 0;  // index into RecordedCalls::calls
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
  std::int32_t target_s = 480;
  std::uint8_t ambulances = 1;
  std::array<ServiceTimes, kMaxUnitsPerCall> service{};
  // From the record, for the recorded KPI column.
  SimTime recorded_first_dispatch = kNoTime;
  SimTime recorded_first_on_scene = kNoTime;
};

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
  // The period observed: first call received to the later of the last call received and
  // the last recorded "available" of a replayed call (utilisation's denominator).
  SimTime begin{};
  SimTime end{};
  TimeZoneRule zone;
  ReplayOptions options;
  // Per-station one-to-all tables in the lights-and-sirens metric (deciseconds):
  // to_station[s][v] = v -> station s, from_station[s][v] = station s -> v.
  std::vector<std::vector<Weight>> to_station, from_station;
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

// Units of a fleet file: CSV with header call_sign,station,capabilities; station is the
// station number ("15") or its name; capabilities joined by '&' ("als&bls&transport").
// Units from a file are on duty for the whole replay. InvalidArgument file:line.
[[nodiscard]] absl::StatusOr<std::vector<ReplayUnit>> load_fleet_file(
    const std::string& path, const std::vector<Site>& stations);

// The fleet the record shows: every ambulance unit, based at the station whose area it
// served most often (ties: lowest station number; unmatched: nearest station to its first
// call), ALS if most of its rows say so (ALS units: als&bls&transport, others
// bls&transport); on duty per ReplayOptions::shifts.
[[nodiscard]] std::vector<ReplayUnit> derive_fleet(const RecordedCalls& record,
                                                   const std::vector<Site>& stations,
                                                   const ReplayOptions& options = {});

// Snaps sites and calls, maps calls to plans, derives the fleet (unless `fleet` is
// given), prepares service times and the recorded KPIs. Errors: InvalidArgument when a
// station or hospital cannot be snapped, or no call is left to replay.
[[nodiscard]] absl::StatusOr<ReplayInputs> prepare_replay(
    const RoadGraph& graph, const Snapper& snapper, const RecordedCalls& record,
    std::vector<Site> stations, std::vector<Hospital> hospitals, const CallMapping& mapping,
    const ResponsePlanTable& plans, const ReplayOptions& options = {},
    std::optional<std::vector<ReplayUnit>> fleet = std::nullopt);

// `copies` back-to-back copies of `in`, copy k shifted by k * period (calls, shifts,
// recorded column): a synthetic longer period with the same demand pattern, e.g. 52
// copies of a week for a year. The copies share the record's call indices.
[[nodiscard]] ReplayInputs repeat_replay(const ReplayInputs& in, std::uint32_t copies,
                                         SimDuration period);

// Result of one strategy's replay.
struct ReplayResult {
  std::string strategy;
  std::vector<CallOutcome> outcomes;  // one per ReplayInputs::calls, same order
  UnitUsage usage;
  KpiReport kpis;
  std::uint64_t events = 0;
  std::uint64_t dispatches = 0;
  std::uint64_t preemptions = 0;
  std::uint64_t calls_queued = 0;  // calls that found no suitable unit at first
  std::uint64_t transports = 0;
};

// Progress: called with (calls ready so far, total calls) every few hundred calls.
using ReplayProgress = std::function<void(std::size_t, std::size_t)>;

// Replays `in` with `strategy`. `oracle` gives unit -> incident road times (any
// TravelTimeOracle built on in.graph; DijkstraOracle or ChOracle). Deterministic.
template <class Recommender, TravelTimeOracle Oracle>
[[nodiscard]] ReplayResult run_replay(const ReplayInputs& in, Recommender& strategy, Oracle& oracle,
                                      const ReplayProgress& progress = {});

// ---------------------------------------------------------------------------------------
// Implementation.

namespace detail {

// Min over the seeds leaving `from` of offset + table[node].
inline Weight table_time_from(const std::vector<Weight>& to_site, const RoadGraph& g,
                              const RoadPosition& from) noexcept {
  Weight best = kInfWeight;
  const SeedPair s = source_seeds(g, g.weights(), from);
  for (const SearchSeed& seed : s.view())
    best = std::min(best, add_weights(seed.offset, to_site[seed.node.value()]));
  return best;
}
// Min over the seeds reaching `to` of table[node] + offset (table = from a site).
inline Weight table_time_to(const std::vector<Weight>& from_site, const RoadGraph& g,
                            const RoadPosition& to) noexcept {
  Weight best = kInfWeight;
  const SeedPair s = target_seeds(g, g.weights(), to);
  for (const SearchSeed& seed : s.view())
    best = std::min(best, add_weights(from_site[seed.node.value()], seed.offset));
  return best;
}

inline std::vector<Weight> one_to_all(Dijkstra& d, const RoadGraph& g, const RoadPosition& p,
                                      Dijkstra::Direction dir) {
  const SeedPair s = dir == Dijkstra::Direction::kBackward ? target_seeds(g, g.weights(), p)
                                                           : source_seeds(g, g.weights(), p);
  d.run(s.view(), dir, NodeId::invalid());
  std::vector<Weight> out(g.node_count());
  for (std::uint32_t v = 0; v < g.node_count(); ++v) out[v] = d.distance_to(NodeId(v)).count();
  return out;
}

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

inline absl::StatusOr<std::vector<ReplayUnit>> load_fleet_file(const std::string& path,
                                                               const std::vector<Site>& stations) {
  DK_ASSIGN_OR_RETURN(std::string text, read_file(path));
  LineReader lines(path, text);
  std::vector<std::string_view> f;
  std::vector<ReplayUnit> units;
  bool header = false;
  while (std::optional<std::string_view> line = lines.next()) {
    const std::string_view t = trim(*line);
    if (t.empty() || t.front() == '#') continue;
    split_csv(t, f);
    if (!header) {
      header = true;
      if (f.size() < 3 || trim(f[0]) != "call_sign" || trim(f[1]) != "station" ||
          trim(f[2]) != "capabilities")
        return lines.error("expected the header call_sign,station,capabilities");
      continue;
    }
    if (f.size() < 3) return lines.error("expected call_sign,station,capabilities");
    ReplayUnit u;
    u.call_sign = std::string(trim(f[0]));
    if (u.call_sign.empty()) return lines.error("empty call sign");
    const std::string_view st = trim(f[1]);
    int number = -1;
    const bool numeric = parse_number(st, number);
    bool found = false;
    for (std::uint32_t i = 0; i < stations.size() && !found; ++i)
      if ((numeric && stations[i].number == number) || stations[i].name == st) {
        u.station = i;
        found = true;
      }
    if (!found) return lines.error(absl::StrCat("unknown station '", detail::as_absl(st), "'"));
    std::string_view caps = trim(f[2]);
    while (!caps.empty()) {
      const std::size_t amp = caps.find('&');
      const std::string_view name = trim(caps.substr(0, amp));
      const std::optional<Capability> c = parse_capability(name);
      if (!c) return lines.error(absl::StrCat("unknown capability '", detail::as_absl(name), "'"));
      u.capabilities |= *c;
      if (amp == std::string_view::npos) break;
      caps.remove_prefix(amp + 1);
    }
    units.push_back(std::move(u));
  }
  if (units.empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": no units"));
  return units;
}

inline std::vector<ReplayUnit> derive_fleet(const RecordedCalls& record,
                                            const std::vector<Site>& stations,
                                            const ReplayOptions& options) {
  struct Tally {
    std::map<std::int32_t, std::uint32_t> areas;  // station number -> responses
    std::uint32_t rows = 0, als = 0;
    LatLon first_location;
    std::vector<std::int64_t> blocks;                              // shift blocks with a dispatch
    std::map<std::int64_t, std::pair<SimTime, SimTime>> activity;  // block -> first, last
  };
  std::map<std::uint32_t, Tally> tally;  // by unit index; ordered for determinism
  const std::int64_t block_s = std::int64_t{options.shift_block_hours} * 3600;
  const std::int64_t block_origin = std::int64_t{options.shift_first_block_local_hour} * 3600;
  for (const RecordedCall& c : record.calls)
    for (const RecordedResponse& r : c.responses) {
      if (r.kind != RecordedUnitKind::kAmbulance) continue;
      Tally& t = tally[r.unit];
      if (t.rows == 0) t.first_location = c.location;
      ++t.rows;
      t.als += r.als;
      int area = -1;
      if (parse_number(r.station_area, area)) ++t.areas[area];
      const SimTime when = is_set(r.dispatched) ? r.dispatched : c.received;
      const std::int64_t local = detail::secs(when) + utc_offset_at(when, record.zone);
      const std::int64_t block = detail::floor_div(local - block_origin, block_s);
      t.blocks.push_back(block);
      const SimTime last = is_set(r.available) ? r.available : when;
      auto [it, fresh] = t.activity.try_emplace(block, when, last);
      if (!fresh) {
        it->second.first = std::min(it->second.first, when);
        it->second.second = std::max(it->second.second, last);
      }
    }
  std::vector<ReplayUnit> units;
  for (auto& [index, t] : tally) {
    ReplayUnit u;
    u.call_sign = record.unit_names[index];
    std::int32_t best_area = -1;
    std::uint32_t best_count = 0;
    for (const auto& [area, count] : t.areas)
      if (count > best_count) best_area = area, best_count = count;  // map order: lowest wins ties
    bool found = false;
    for (std::uint32_t i = 0; i < stations.size() && !found; ++i)
      if (stations[i].number == best_area && best_area >= 0) u.station = i, found = true;
    if (!found) {
      double best = 1e300;
      for (std::uint32_t i = 0; i < stations.size(); ++i) {
        const double d = haversine(stations[i].location, t.first_location).value();
        if (d < best) best = d, u.station = i;
      }
    }
    u.capabilities = 2 * t.als >= t.rows ? CapabilitySet{Capability::kAls} | Capability::kBls |
                                               Capability::kTransport
                                         : CapabilitySet{Capability::kBls} | Capability::kTransport;
    if (options.shifts == ShiftModel::kRecordedActivity) {
      for (const auto& [block, span] : t.activity) {  // block order = time order
        if (!u.on_duty.empty() && u.on_duty.back().second >= span.first)
          u.on_duty.back().second = std::max(u.on_duty.back().second, span.second);
        else
          u.on_duty.emplace_back(span.first, span.second);
      }
    } else if (options.shifts == ShiftModel::kRecordedBlocks) {
      std::sort(t.blocks.begin(), t.blocks.end());
      t.blocks.erase(std::unique(t.blocks.begin(), t.blocks.end()), t.blocks.end());
      for (std::size_t i = 0; i < t.blocks.size();) {
        std::size_t j = i;
        while (j + 1 < t.blocks.size() && t.blocks[j + 1] == t.blocks[j] + 1) ++j;
        const std::int64_t lo = t.blocks[i] * block_s + block_origin;
        const std::int64_t hi = (t.blocks[j] + 1) * block_s + block_origin;
        u.on_duty.emplace_back(utc_from_local(lo, record.zone), utc_from_local(hi, record.zone));
        i = j + 1;
      }
    }
    units.push_back(std::move(u));
  }
  return units;
}

inline absl::StatusOr<ReplayInputs> prepare_replay(
    const RoadGraph& graph, const Snapper& snapper, const RecordedCalls& record,
    std::vector<Site> stations, std::vector<Hospital> hospitals, const CallMapping& mapping,
    const ResponsePlanTable& plans, const ReplayOptions& options,
    std::optional<std::vector<ReplayUnit>> fleet) {
  ReplayInputs in;
  in.graph = &graph;
  in.options = options;
  in.zone = record.zone;
  in.calls_in_record = record.calls.size();
  in.stations = std::move(stations);
  if (in.stations.empty()) return absl::InvalidArgumentError("replay needs at least one station");
  if (hospitals.empty()) return absl::InvalidArgumentError("replay needs at least one hospital");
  for (const Hospital& h : hospitals)
    if (!h.position.valid())
      return absl::InvalidArgumentError(absl::StrCat("hospital ", h.name, " (", h.location.lat,
                                                     ", ", h.location.lon,
                                                     ") is not on the road graph"));
  SnapOptions snap_options{options.max_snap_distance};
  for (const Site& s : in.stations) {
    absl::StatusOr<SnapResult> p = snapper.snap(s.location, snap_options);
    if (!p.ok())
      return absl::InvalidArgumentError(
          absl::StrCat("station ", s.name, ": ", p.status().message()));
    in.station_positions.push_back(p->position);
  }
  {
    HospitalOptions ho = options.hospital;
    ho.modes = options.modes;
    in.hospitals = std::make_shared<const HospitalRanker>(graph, std::move(hospitals), ho);
  }
  {
    Dijkstra d(graph);
    for (const RoadPosition& p : in.station_positions) {
      in.to_station.push_back(detail::one_to_all(d, graph, p, Dijkstra::Direction::kBackward));
      in.from_station.push_back(detail::one_to_all(d, graph, p, Dijkstra::Direction::kForward));
    }
  }
  in.units = fleet ? std::move(*fleet) : derive_fleet(record, in.stations, options);

  // Service-time pools from every recorded ambulance response.
  for (const RecordedCall& c : record.calls)
    for (const RecordedResponse& r : c.responses) {
      if (r.kind != RecordedUnitKind::kAmbulance || !is_set(r.on_scene)) continue;
      if (is_set(r.transporting)) {
        in.on_scene_transport_pool.push_back(
            static_cast<std::int32_t>(detail::secs(r.transporting) - detail::secs(r.on_scene)));
        if (is_set(r.at_hospital) && is_set(r.available))
          in.handover_pool.push_back(
              static_cast<std::int32_t>(detail::secs(r.available) - detail::secs(r.at_hospital)));
      } else if (is_set(r.available)) {
        in.on_scene_release_pool.push_back(
            static_cast<std::int32_t>(detail::secs(r.available) - detail::secs(r.on_scene)));
      }
    }
  {
    const double nt = static_cast<double>(in.on_scene_transport_pool.size());
    const double nr = static_cast<double>(in.on_scene_release_pool.size());
    in.transport_share = nt + nr > 0 ? nt / (nt + nr) : 0.0;
    // Defaults when the record holds no sample at all (a tiny hand-made record).
    if (in.on_scene_transport_pool.empty()) in.on_scene_transport_pool.push_back(900);
    if (in.on_scene_release_pool.empty()) in.on_scene_release_pool.push_back(900);
    if (in.handover_pool.empty()) in.handover_pool.push_back(1200);
  }

  const double stretch_mps = std::max(0.1, options.last_stretch_kmh / 3.6);
  const SimRandom root(options.seed);
  bool any = false;
  for (std::uint32_t i = 0; i < record.calls.size(); ++i) {
    const RecordedCall& c = record.calls[i];
    auto skip = [&](SkipReason r) { ++in.skipped[static_cast<std::size_t>(r)]; };
    if (!is_set(c.received)) {
      skip(SkipReason::kNoReceivedTime);
      continue;
    }
    if (!c.any_ambulance()) {
      skip(SkipReason::kNoAmbulance);
      continue;
    }
    // Ambulance responses that reached the scene, in order of arrival.
    std::vector<const RecordedResponse*> arrived;
    for (const RecordedResponse& r : c.responses)
      if (r.kind == RecordedUnitKind::kAmbulance && is_set(r.on_scene)) arrived.push_back(&r);
    if (arrived.empty()) {
      skip(SkipReason::kAmbulanceNeverOnScene);
      continue;
    }
    std::stable_sort(arrived.begin(), arrived.end(),
                     [](auto* a, auto* b) { return a->on_scene < b->on_scene; });
    const ResponsePlan* plan = plans.lookup(mapping.code_for(c));
    if (plan == nullptr || !plan->sends_units()) {
      skip(SkipReason::kNoUnitsInPlan);
      continue;
    }
    absl::StatusOr<SnapResult> snapped = snapper.snap(c.location, snap_options);
    if (!snapped.ok()) {
      skip(SkipReason::kNotOnRoad);
      continue;
    }
    ReplayCall rc;
    rc.recorded = i;
    rc.received = c.received;
    rc.entered = is_set(c.entered) && c.entered >= c.received ? c.entered : c.received;
    const SimTime first = c.first_dispatch();
    std::int64_t decision = 0;
    if (is_set(first) && first >= rc.entered)
      decision = std::min<std::int64_t>(detail::secs(first) - detail::secs(rc.entered),
                                        options.max_decision_delay_s);
    rc.ready = rc.entered + SimDuration(decision);
    rc.location = c.location;
    rc.position = snapped->position;
    rc.last_stretch_s =
        static_cast<std::int32_t>(std::lround(snapped->distance.value() / stretch_mps));
    rc.plan = plan;
    rc.grade = plan->grade;
    rc.mode = plan->travel_mode;
    rc.destination = plan->destination;
    rc.urgent_transport = c.disposition == "Code 3 Transport";
    rc.target_s =
        static_cast<std::int32_t>(options.targets.response(options.area, rc.grade).count());
    rc.ambulances =
        static_cast<std::uint8_t>(std::min<std::size_t>(arrived.size(), kMaxUnitsPerCall));
    SimRandom rng = root.fork(i);
    for (std::size_t k = 0; k < kMaxUnitsPerCall; ++k) {
      ServiceTimes& s = rc.service[k];
      const RecordedResponse* r = k < arrived.size() ? arrived[k] : nullptr;
      // Draw every sample even when the record has the value, so the stream per slot is
      // the same whatever the record holds (adding a stamp never shifts other samples).
      const bool t = rng.uniform01() < in.transport_share;
      const std::int32_t ons_t = rng.pick<std::int32_t>(in.on_scene_transport_pool);
      const std::int32_t ons_r = rng.pick<std::int32_t>(in.on_scene_release_pool);
      const std::int32_t hand = rng.pick<std::int32_t>(in.handover_pool);
      s.transports = t;
      s.on_scene_s = t ? ons_t : ons_r;
      s.handover_s = hand;
      if (r != nullptr) {
        s.transports = is_set(r->transporting);
        if (s.transports) {
          s.on_scene_s =
              static_cast<std::int32_t>(detail::secs(r->transporting) - detail::secs(r->on_scene));
          if (is_set(r->at_hospital) && is_set(r->available))
            s.handover_s = static_cast<std::int32_t>(detail::secs(r->available) -
                                                     detail::secs(r->at_hospital));
          s.from_record = true;
        } else if (is_set(r->available)) {
          s.on_scene_s =
              static_cast<std::int32_t>(detail::secs(r->available) - detail::secs(r->on_scene));
          s.from_record = true;
        } else {
          s.on_scene_s = ons_r;
        }
      }
    }
    rc.recorded_first_dispatch = c.first_ambulance_dispatch();
    rc.recorded_first_on_scene = arrived.front()->on_scene;
    if (!any || rc.received < in.begin) in.begin = rc.received;
    if (!any || rc.received > in.end) in.end = rc.received;
    for (const RecordedResponse* r : arrived)
      if (is_set(r->available) && r->available > in.end) in.end = r->available;
    any = true;
    in.calls.push_back(rc);
  }
  if (in.calls.empty())
    return absl::InvalidArgumentError(absl::StrCat(record.report.path, ": no call left to replay (",
                                                   in.skipped_total(), " skipped)"));
  std::stable_sort(in.calls.begin(), in.calls.end(), [](const ReplayCall& a, const ReplayCall& b) {
    if (a.ready != b.ready) return a.ready < b.ready;
    if (a.received != b.received) return a.received < b.received;
    return a.recorded < b.recorded;
  });

  // The recorded column: same calls, same definitions.
  for (std::uint32_t i = 0; i < in.calls.size(); ++i) {
    const ReplayCall& rc = in.calls[i];
    CallOutcome o;
    o.call = i;
    o.grade = rc.grade;
    o.location = rc.location;
    o.received = rc.received;
    o.ready = rc.ready;  // wait = time beyond the (capped) decision time, as simulated
    o.first_dispatch = rc.recorded_first_dispatch;
    o.first_on_scene = rc.recorded_first_on_scene;
    o.target_s = rc.target_s;
    in.recorded_outcomes.push_back(o);
  }
  {
    std::vector<std::uint8_t> in_fleet(record.unit_names.size(), 0);
    for (const ReplayUnit& u : in.units)
      for (std::uint32_t k = 0; k < record.unit_names.size(); ++k)
        if (record.unit_names[k] == u.call_sign) in_fleet[k] = 1;
    double busy = 0.0;
    for (const RecordedCall& c : record.calls)
      for (const RecordedResponse& r : c.responses)
        if (in_fleet[r.unit] && is_set(r.dispatched) && is_set(r.available) &&
            r.dispatched >= in.begin && r.dispatched <= in.end)
          busy += static_cast<double>(detail::secs(r.available) - detail::secs(r.dispatched));
    in.recorded_usage = UnitUsage{busy, in.on_duty_seconds()};
  }
  in.recorded_kpis = compute_kpis(in.recorded_outcomes, in.recorded_usage);
  return in;
}

inline ReplayInputs repeat_replay(const ReplayInputs& in, std::uint32_t copies,
                                  SimDuration period) {
  ReplayInputs out = in;
  out.calls.clear();
  out.recorded_outcomes.clear();
  for (ReplayUnit& u : out.units) u.on_duty.clear();
  for (std::uint32_t k = 0; k < copies; ++k) {
    const SimDuration shift = period * k;
    auto moved = [&](SimTime t) { return is_set(t) ? t + shift : t; };
    for (ReplayCall c : in.calls) {
      c.received = moved(c.received);
      c.entered = moved(c.entered);
      c.ready = moved(c.ready);
      c.recorded_first_dispatch = moved(c.recorded_first_dispatch);
      c.recorded_first_on_scene = moved(c.recorded_first_on_scene);
      out.calls.push_back(c);
    }
    for (CallOutcome o : in.recorded_outcomes) {
      o.call += k * static_cast<std::uint32_t>(in.calls.size());
      o.received = moved(o.received);
      o.ready = moved(o.ready);
      o.first_dispatch = moved(o.first_dispatch);
      o.first_on_scene = moved(o.first_on_scene);
      out.recorded_outcomes.push_back(o);
    }
    for (std::size_t u = 0; u < in.units.size(); ++u)
      for (const auto& [a, b] : in.units[u].on_duty) {
        auto& d = out.units[u].on_duty;
        // Merge a shift that runs on into the next copy's first one.
        if (!d.empty() && d.back().second >= a + shift)
          d.back().second = std::max(d.back().second, b + shift);
        else
          d.emplace_back(a + shift, b + shift);
      }
  }
  out.end = in.end + period * (copies == 0 ? 0 : copies - 1);
  out.recorded_usage.busy_seconds *= copies;
  out.recorded_usage.on_duty_seconds = out.on_duty_seconds();
  out.recorded_kpis = compute_kpis(out.recorded_outcomes, out.recorded_usage);
  return out;
}

namespace detail {

// The discrete-event engine of run_replay (one per run; not reusable).
template <class Recommender, class Oracle>
class ReplayEngine {
 public:
  ReplayEngine(const ReplayInputs& in, Recommender& strategy, Oracle& oracle)
      : in_(in), g_(*in.graph), strategy_(strategy), oracle_(oracle), fleet_(in.options.fleet) {}

  ReplayResult run(const ReplayProgress& progress) {
    ReplayResult res;
    res.strategy = std::string(Recommender::kName);
    setup();
    const std::size_t n = in_.calls.size();
    for (std::uint32_t i = 0; i < n; ++i) events_.schedule(in_.calls[i].ready, {kCallReady, i, 0});
    std::size_t ready_seen = 0;
    while (!events_.empty()) {
      const auto e = events_.pop();
      ++res.events;
      now_ = e.time;
      handle(e.event, res, ready_seen);
      if (progress && e.event.kind == kCallReady && (ready_seen % 256 == 0 || ready_seen == n))
        progress(ready_seen, n);
    }
    res.outcomes = std::move(outcomes_);
    res.usage = UnitUsage{busy_s_, in_.on_duty_seconds()};
    res.kpis = compute_kpis(res.outcomes, res.usage);
    return res;
  }

 private:
  enum Kind : std::uint8_t {
    kCallReady,
    kShiftStart,
    kShiftEnd,
    kArriveScene,
    kLeaveScene,
    kArriveHospital,
    kHandoverDone,
    kArriveStation,
  };
  struct Event {
    Kind kind;
    std::uint32_t id;     // call or unit
    std::uint32_t epoch;  // unit epoch when scheduled (stale events are ignored)
  };
  struct UnitState {
    std::uint32_t epoch = 0;
    std::uint32_t call = UINT32_MAX;
    std::uint32_t slot = 0;
    std::uint32_t hospital = 0;
    SimTime busy_since{};
    bool off_duty_pending = false;
    // Drive home, for locating a returning unit.
    RoadPosition return_from;
    SimTime return_start{};
  };
  struct CallProgress {
    std::uint8_t remaining = 0;  // units still to send
    std::uint8_t slots_used = 0;
    bool waiting = false;
  };

  void setup() {
    units_.resize(in_.units.size());
    calls_.resize(in_.calls.size());
    outcomes_.resize(in_.calls.size());
    for (std::uint32_t i = 0; i < in_.calls.size(); ++i) {
      const ReplayCall& c = in_.calls[i];
      calls_[i].remaining = c.ambulances;
      CallOutcome& o = outcomes_[i];
      o.call = i;
      o.grade = c.grade;
      o.location = c.location;
      o.received = c.received;
      o.ready = c.ready;
      o.target_s = c.target_s;
    }
    const bool shifts = in_.options.shifts != ShiftModel::kAlwaysOnDuty;
    for (std::uint32_t u = 0; u < in_.units.size(); ++u) {
      const ReplayUnit& ru = in_.units[u];
      UnitSpec spec;
      spec.call_sign = ru.call_sign;
      spec.home_station = ru.station;
      spec.capabilities = ru.capabilities;
      spec.position = in_.station_positions[ru.station];
      const bool scheduled = shifts && !ru.on_duty.empty();
      spec.status = scheduled ? UnitStatus::kOutOfService : UnitStatus::kAvailableAtStation;
      (void)fleet_.add_unit(std::move(spec));  // call signs are unique by construction
      if (scheduled)
        for (const auto& [a, b] : ru.on_duty) {
          events_.schedule(a, {kShiftStart, u, 0});
          events_.schedule(b, {kShiftEnd, u, 0});
        }
    }
  }

  static IncidentId incident_of(std::uint32_t call) noexcept { return IncidentId(call + 1u); }

  void handle(const Event& e, ReplayResult& res, std::size_t& ready_seen) {
    switch (e.kind) {
      case kCallReady: {
        ++ready_seen;
        CallProgress& cs = calls_[e.id];
        if (!dispatch_units(e.id, res) && cs.remaining > 0) {
          ++res.calls_queued;
          enqueue(e.id);
        }
        return;
      }
      case kShiftStart: {
        const UnitId id(e.id);
        UnitState& us = units_[e.id];
        us.off_duty_pending = false;
        const Unit& u = fleet_.unit(id);
        (void)fleet_.set_shift_end(id, shift_end_after(e.id, now_));
        if (u.status() == UnitStatus::kOutOfService) {
          (void)fleet_.set_status(id, UnitStatus::kAvailableAtStation);
          (void)fleet_.report_position(id, in_.station_positions[in_.units[e.id].station]);
          serve_waiting(res);
        }
        return;
      }
      case kShiftEnd: {
        const UnitId id(e.id);
        const UnitStatus s = fleet_.unit(id).status();
        if (s == UnitStatus::kAvailableAtStation || s == UnitStatus::kAvailableMobile) {
          (void)fleet_.set_status(id, UnitStatus::kOutOfService);
        } else if (s != UnitStatus::kOutOfService) {
          units_[e.id].off_duty_pending = true;  // finishes its call (or drive home) first
        }
        return;
      }
      default:
        break;
    }
    UnitState& us = units_[e.id];
    if (e.epoch != us.epoch) return;  // the unit was diverted since
    const UnitId id(e.id);
    switch (e.kind) {
      case kArriveScene: {
        (void)fleet_.set_status(id, UnitStatus::kOnScene);
        (void)fleet_.report_position(id, in_.calls[us.call].position);
        CallOutcome& o = outcomes_[us.call];
        if (!is_set(o.first_on_scene)) o.first_on_scene = now_;
        events_.schedule(now_ + SimDuration(service(us).on_scene_s), {kLeaveScene, e.id, us.epoch});
        return;
      }
      case kLeaveScene: {
        const ReplayCall& c = in_.calls[us.call];
        if (!service(us).transports) {
          start_return(e.id, c.position, res);
          return;
        }
        ++res.transports;
        const TravelMode mode =
            c.urgent_transport ? TravelMode::kLightsAndSirens : TravelMode::kNormal;
        in_.hospitals->rank(c.position, c.destination, mode, choices_);
        if (choices_.empty()) {  // no hospital reachable: the crew clears on scene
          --res.transports;
          start_return(e.id, c.position, res);
          return;
        }
        us.hospital = choices_.front().hospital.value();
        (void)fleet_.set_status(id, UnitStatus::kTransporting);
        const std::int64_t drive = ceil_seconds(choices_.front().eta.count());
        events_.schedule(now_ + SimDuration(drive), {kArriveHospital, e.id, us.epoch});
        return;
      }
      case kArriveHospital: {
        (void)fleet_.set_status(id, UnitStatus::kAtHospital);
        (void)fleet_.report_position(id, in_.hospitals->hospital(HospitalId(us.hospital)).position);
        events_.schedule(now_ + SimDuration(service(us).handover_s),
                         {kHandoverDone, e.id, us.epoch});
        return;
      }
      case kHandoverDone:
        start_return(e.id, in_.hospitals->hospital(HospitalId(us.hospital)).position, res);
        return;
      case kArriveStation: {
        (void)fleet_.report_position(id, in_.station_positions[in_.units[e.id].station]);
        (void)fleet_.set_status(
            id, us.off_duty_pending ? UnitStatus::kOutOfService : UnitStatus::kAvailableAtStation);
        us.off_duty_pending = false;
        return;
      }
      default:
        return;
    }
  }

  const ServiceTimes& service(const UnitState& us) const noexcept {
    return in_.calls[us.call].service[std::min<std::size_t>(us.slot, kMaxUnitsPerCall - 1)];
  }

  SimTime shift_end_after(std::uint32_t unit, SimTime t) const noexcept {
    for (const auto& [a, b] : in_.units[unit].on_duty)
      if (a <= t && t < b) return b;
    return SimTime::max();
  }

  // The unit is free again: busy time ends, it drives home (dispatchable on the way).
  void start_return(std::uint32_t u, const RoadPosition& from, ReplayResult& res) {
    UnitState& us = units_[u];
    const UnitId id(u);
    busy_s_ += static_cast<double>(secs(now_) - secs(us.busy_since));
    us.call = UINT32_MAX;
    (void)fleet_.report_position(id, from);
    (void)fleet_.set_status(id, UnitStatus::kReturning);
    us.return_from = from;
    us.return_start = now_;
    const std::uint32_t st = in_.units[u].station;
    const Weight w = weight_in_mode(table_time_from(in_.to_station[st], g_, from),
                                    TravelMode::kNormal, in_.options.modes);
    const std::int64_t drive = w == kInfWeight ? 0 : ceil_seconds(w);
    events_.schedule(now_ + SimDuration(drive), {kArriveStation, u, us.epoch});
    if (us.off_duty_pending) return;  // heading home to go off duty: not dispatchable
    serve_waiting(res);
  }

  // Where a returning unit is now: walk its shortest path home (the station's reverse
  // tree) for the time elapsed; the last intersection passed.
  void locate_returning_units() {
    for (std::uint32_t u = 0; u < units_.size(); ++u) {
      const Unit& unit = fleet_.unit(UnitId(u));
      if (unit.status() != UnitStatus::kReturning) continue;
      const UnitState& us = units_[u];
      const std::vector<Weight>& tree = in_.to_station[in_.units[u].station];
      // Elapsed driving in the lights-and-sirens metric (returns drive normally).
      std::int64_t elapsed_s = secs(now_) - secs(us.return_start);
      const std::int64_t step = in_.options.avl_step.count();
      if (step > 0) elapsed_s -= elapsed_s % step;
      const double elapsed_ds =
          static_cast<double>(elapsed_s) * 10.0 / in_.options.modes.normal_factor;
      const SeedPair seeds = source_seeds(g_, g_.weights(), us.return_from);
      Weight best = kInfWeight;
      SearchSeed start{};
      for (const SearchSeed& s : seeds.view())
        if (add_weights(s.offset, tree[s.node.value()]) < best)
          best = add_weights(s.offset, tree[s.node.value()]), start = s;
      if (best == kInfWeight || elapsed_ds < start.offset) continue;
      double left = elapsed_ds - start.offset;
      NodeId v = start.node;
      for (std::uint32_t steps = 0; steps < g_.node_count(); ++steps) {
        bool moved = false;
        for (ArcId a : g_.out_arcs(v)) {
          const NodeId w = g_.head(a);
          const Weight wa = g_.weights()[a.value()];
          if (tree[w.value()] != kInfWeight &&
              add_weights(wa, tree[w.value()]) == tree[v.value()] &&
              tree[w.value()] < tree[v.value()]) {
            if (static_cast<double>(wa) > left) break;
            left -= wa;
            v = w;
            moved = true;
            break;
          }
        }
        if (!moved) break;
      }
      (void)fleet_.report_position(UnitId(u), RoadPosition::at_node(v));
    }
  }

  // Sends units to call `c` until it has all it needs or no suitable unit is left.
  // Returns true when the call needs nothing more.
  bool dispatch_units(std::uint32_t c, ReplayResult& res) {
    CallProgress& cs = calls_[c];
    const ReplayCall& call = in_.calls[c];
    bool located = false;
    while (cs.remaining > 0) {
      if (!located) {
        locate_returning_units();
        located = true;
      }
      Incident incident = Incident::from_plan(incident_of(c), call.position, now_, *call.plan,
                                              Deciseconds::from_seconds(call.target_s));
      strategy_.recommend(incident, fleet_, oracle_, rec_);
      // A recommendation fails only when memory runs out; the replay, which allocates
      // freely, reports that the way its own allocations do.
      if (!rec_.status.ok()) throw std::bad_alloc();
      if (rec_.candidates.empty()) return false;
      const Candidate& best = rec_.candidates.front();
      const std::uint32_t u = best.unit.value();
      UnitState& us = units_[u];
      const UnitStatus before = fleet_.unit(best.unit).status();
      if (best.preempts && is_divertible(before) && us.call != UINT32_MAX) {
        // Diverted from a less urgent call: that call needs a unit again.
        const std::uint32_t old = us.call;
        ++calls_[old].remaining;
        ++res.preemptions;
        enqueue(old);
      } else if (!is_available(before)) {
        return false;  // a strategy must not offer busy units; stop rather than loop
      }
      if (before == UnitStatus::kReturning || before == UnitStatus::kAvailableAtStation ||
          before == UnitStatus::kAvailableMobile)
        us.busy_since = now_;
      if (!fleet_.dispatch(best.unit, incident.id, call.grade).ok()) return false;
      (void)fleet_.set_status(best.unit, UnitStatus::kEnRoute);
      ++us.epoch;  // invalidates the unit's pending drive-home or old-call events
      us.call = c;
      us.slot = cs.slots_used < kMaxUnitsPerCall ? cs.slots_used : kMaxUnitsPerCall - 1;
      ++cs.slots_used;
      --cs.remaining;
      ++res.dispatches;
      CallOutcome& o = outcomes_[c];
      if (!is_set(o.first_dispatch)) o.first_dispatch = now_;
      const std::int64_t drive = ceil_seconds(best.eta.count()) + call.last_stretch_s;
      events_.schedule(now_ + SimDuration(drive), {kArriveScene, u, us.epoch});
    }
    return true;
  }

  static CallId call_id_of(std::uint32_t c) noexcept { return CallId(std::uint64_t{c} + 1); }

  // Puts call `c` in the waiting line (TriageQueue: grade, allowed wait, ageing). The
  // line only orders calls: duplicates were settled by the call-takers of the record,
  // so the duplicate check is off (no location given, DuplicatePolicy::kIgnore).
  void enqueue(std::uint32_t c) {
    if (calls_[c].waiting) return;
    calls_[c].waiting = true;
    const ReplayCall& rc = in_.calls[c];
    TriageCall t;
    t.id = call_id_of(c);
    t.grade = rc.grade;
    t.code = DeterminantCode::grade(rc.grade);
    t.area = in_.options.area;
    t.clocks.received = rc.received;
    if (waiting_.full()) waiting_.reserve(2 * waiting_.capacity());  // a full queue refuses
    (void)waiting_.push(t, DuplicatePolicy::kIgnore);
  }

  void leave_queue(std::uint32_t c) {
    calls_[c].waiting = false;
    (void)waiting_.dispatch(call_id_of(c), now_);
    (void)waiting_.close(call_id_of(c));
  }

  // A unit became available: serve waiting calls in the queue's order. When the call at
  // the head finds no suitable unit (it needs ALS and only a BLS unit is free), the
  // others are tried in the queue's order, as a dispatcher would.
  void serve_waiting(ReplayResult& res) {
    while (!waiting_.empty()) {
      const TriageCall* head = waiting_.peek(now_);
      const auto c = static_cast<std::uint32_t>(head->id.value() - 1);
      if (dispatch_units(c, res)) {
        leave_queue(c);
        continue;
      }
      order_.clear();
      waiting_.for_each_call([&](const TriageCall& t, CallState state) {
        if (state != CallState::kWaiting || t.id == head->id) return;
        order_.push_back({{static_cast<int>(waiting_.effective_grade(t, now_)),
                           waiting_.deadline(t), t.id.value()},
                          static_cast<std::uint32_t>(t.id.value() - 1)});
      });
      std::sort(order_.begin(), order_.end());
      bool served = false;
      for (const auto& [key, x] : order_)
        if (dispatch_units(x, res)) {
          leave_queue(x);
          served = true;
          break;
        }
      if (!served) return;
    }
  }

  const ReplayInputs& in_;
  const RoadGraph& g_;
  Recommender& strategy_;
  Oracle& oracle_;
  Fleet fleet_;
  EventQueue<Event> events_;
  Recommendation rec_;
  std::vector<UnitState> units_;
  std::vector<CallProgress> calls_;
  std::vector<CallOutcome> outcomes_;
  TriageQueue waiting_;
  std::vector<HospitalChoice> choices_;
  std::vector<std::pair<std::tuple<int, SimTime, std::uint64_t>, std::uint32_t>> order_;
  SimTime now_{};
  double busy_s_ = 0.0;
};

}  // namespace detail

template <class Recommender, TravelTimeOracle Oracle>
ReplayResult run_replay(const ReplayInputs& in, Recommender& strategy, Oracle& oracle,
                        const ReplayProgress& progress) {
  detail::ReplayEngine<Recommender, Oracle> engine(in, strategy, oracle);
  return engine.run(progress);
}

DISPATCHKIT_NAMESPACE_END
