// dk-replay: replay a recorded city's calls through dispatch strategies and compare them
// with what really happened.
//
//   dk-replay --graph=data/sf/sf_osm_edges.csv.xz
//             --calls=data/sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz
//             --stations=data/sf/sf_fire_stations.csv --hospitals=data/sf/sf_hospitals.csv
//             --compare=closest_idle,coverage_aware --out=replay_out
//
// Writes DIR/report.json (fields: docs/replay.md), DIR/report.txt (the table printed on
// stdout), DIR/calls.csv (one row per call and strategy), DIR/response_times.svg,
// DIR/late_calls.svg, DIR/eta_scatter.svg (predicted against recorded drives per ETA metric) and
// DIR/kpi_chart.svg. Options:
//   --strategy=NAME       one registered strategy (closest_idle, coverage_aware,
//                         response_plan, preemption, or any DISPATCHKIT_REGISTER_RECOMMENDER),
//                         or as_recorded: the record's own units at its dispatch times
//   --compare=A,B,...     several strategies on the same calls
//   --move-up=A,B,...     move-up policies beside every strategy: none (default: units
//                         return home), static_mexclp (each unit one post for good, the
//                         static MEXCLP allocation), dmexclp (a freed unit goes to the
//                         post where it adds the most expected coverage), compliance_table
//                         (idle units follow a nested MEXCLP table); each pair is a run,
//                         named STRATEGY+POLICY (none keeps the strategy's name)
//   --demand-scale=X      the calls resampled by hour and place, X times as many (seeded
//                         by --seed; copies have no recorded column): a city under stress
//   --fleet-scale=X       round(X x units) units: seeded drops, or copies at the same
//                         stations named CALLSIGN*2, ...
//   --calls=FILE          a call file: SF Calls for Service export, dispatch-timeline file
//                         or JEMSS calls file, told apart by the first line (docs/replay.md)
//   --jemss=DIR           a JEMSS model directory (nodes, arcs, stations_1, hospitals_1,
//                         ambulances_1): road network, stations, hospitals and ambulances;
//                         then no --graph, --stations, --hospitals or --fleet
//   --timezone=ZONE       local time of the call file (IANA name, e.g. Asia/Shanghai;
//                         default: SF America/Los_Angeles, JEMSS UTC, a timeline file its
//                         stamps' offsets); the report records it with the tz database
//   --fleet=FILE          call_sign,station,capabilities (default: the record's ambulances)
//   --extra-units=FILE    more units in the same format, added to the fleet, on duty
//                         throughout: a plan's new stations' ambulances (dk-plan site's
//                         new_units.csv, with --stations=its sites.csv)
//   --traffic=FILE        a traffic profile (dk-traffic): decisions and simulated drives
//                         on the time-of-day metric of each decision's local time
//                         (TimeOfDayOracle over a CCH), and a time-of-day ETA validation
//   --decisions=MODEL     time_of_day (default with --traffic), free_flow (default
//                         without: the traffic profile then only validates ETAs), or
//                         both: every strategy also replayed on free flow, as NAME@free_flow,
//                         with the calls whose first unit differs in report.json
//   --closures=FILE       road closures (CSV start,end,from,to: local times, the graph's
//                         node ids of a closed arc; docs/replay.md) applied to every
//                         decision taken while they are in force
//   --areas=FILE          GeoJSON polygons with a "class" property (urban, rural,
//                         mountain, island): each call's area class and so its target;
//                         default every call urban
//   --targets=FILE        service targets (triage CSV, docs/triage.md) replacing the
//                         defaults (8 / 12 / 14 min for grades I-II by area class)
//   --handling-s=X        mean call handling time for the call-taker plan (default 120)
//   --mapping=FILE        recorded priority/call type -> response plan code (CallMapping CSV)
//   --plans=FILE          response plan table (triage CSV)
//   --seed=N              sampling seed (default 1)
//   --replications=N      replay every strategy N times with seeds seed..seed+N-1 and
//                         report mean, 95 % half-width and range of the headline KPIs
//                         (default 1); with as_recorded the reproduction check uses the
//                         means
//   --oracle=NAME         which travel times decide and drive, by name: ch (default: free
//                         flow over a CH), dijkstra (the reference; same results, slower),
//                         cch (free flow over a CCH: a CchOracle, as a live metric store
//                         would feed it) or time_of_day (the --traffic profile's slice of
//                         each decision; what --decisions=time_of_day selects)
//   --shifts=MODEL        when the record's units are on duty: blocks (default: every
//                         12-hour block with a dispatch), activity (first dispatch to last
//                         available in each block), always
//   --no-shifts           older spelling of --shifts=always
//   --last-stretch-kmh=X  speed from the street to the caller (default 10)
//   --days=A..B           replay only calls received on these local calendar days
//                         (YYYY-MM-DD..YYYY-MM-DD, inclusive; one day: YYYY-MM-DD)
//   --calibration=FILE    a model fitted by dk-calibrate (on other days): turnout, drive
//                         times, service times and posts from it; adds the "calibrated"
//                         ETA validation and, with as_recorded, the reproduction check
//   --returning=MODE      dispatchable (default: a unit driving home may take a new call)
//                         or busy (busy until back at its post: the home-base model)
//   --offline-bound[=lp|integer]  the late fraction no policy could beat knowing every
//                         call in advance (plan/offline_bound.hpp; GLPK's LP relaxation, or
//                         its branch and cut for a tighter bound) beside each strategy,
//                         written to DIR/offline_bound.json; a bound for the runs made with
//                         --returning=busy, no move-up, free flow, no closures or
//                         calibration (the file says which)
//   --bound-time-limit=S  GLPK's limit for the bound (default 300 s)
//   --progress / --no-progress   progress bar on stderr (default: when stderr is a terminal)
// Strategy names are checked against the registry and --out is created before anything is
// loaded or replayed.
// Exit status (all dk-* tools): 0 ok, 1 bad input (message on stderr), 2 usage.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_join.h"
#include "detail/scenario_flags.hpp"
#include "detail/tool_flags.hpp"
#include "dispatchkit/plan/io/plan_files.hpp"
#include "dispatchkit/plan/mip/glpk_offline_bound.hpp"
#include "dispatchkit/plan/offline_bound.hpp"
#include "dispatchkit/recommend/traffic/time_of_day_oracle.hpp"
#include "dispatchkit/route/cch.hpp"
#include "dispatchkit/route/traffic.hpp"
#include "dispatchkit/sim/call_taking.hpp"
#include "dispatchkit/sim/compare.hpp"
#include "dispatchkit/sim/eta_validation.hpp"
#include "dispatchkit/sim/io/areas_geojson.hpp"
#include "dispatchkit/sim/io/calibration_json.hpp"
#include "dispatchkit/sim/io/closures_csv.hpp"
#include "dispatchkit/sim/replications.hpp"
#include "dispatchkit/sim/report.hpp"
#include "dispatchkit/sim/scenario.hpp"
#include "dispatchkit/sim/validation_plots.hpp"

// A researcher's own strategies: put DISPATCHKIT_REGISTER_RECOMMENDER(MyStrategy); lines in
// tools/dk_replay_strategies.hpp (not part of dispatchkit) and rebuild; they are then
// available to --strategy / --compare by name.
#if __has_include("dk_replay_strategies.hpp")
#include "dk_replay_strategies.hpp"
#endif

namespace {

using namespace dispatchkit;

int usage(const char* why) {
  std::fprintf(
      stderr,
      "dk-replay: %s\n"
      "usage: dk-replay --graph=FILE --calls=FILE --stations=FILE --hospitals=FILE\n"
      "       dk-replay --jemss=DIR --calls=FILE\n"
      "                 (--strategy=NAME | --compare=A,B,...) --out=DIR\n"
      "                 [--timezone=ZONE] [--fleet=FILE] [--extra-units=FILE] [--traffic=FILE]\n"
      "                 [--decisions=time_of_day|free_flow|both]\n"
      "                 [--closures=FILE] [--areas=FILE] [--targets=FILE] [--handling-s=X]\n"
      "                 [--mapping=FILE] [--plans=FILE]\n"
      "                 [--move-up=none|static_mexclp|dmexclp|compliance_table,...]\n"
      "                 [--demand-scale=X] [--fleet-scale=X]\n"
      "                 [--seed=N] [--replications=N]\n"
      "                 [--oracle=ch|dijkstra|cch|time_of_day]\n"
      "                 [--shifts=blocks|activity|always]\n"
      "                 [--last-stretch-kmh=X] [--progress|--no-progress] [--no-shifts]\n"
      "                 [--days=YYYY-MM-DD..YYYY-MM-DD] [--calibration=calib.json]\n"
      "                 [--returning=dispatchable|busy] [--offline-bound[=lp|integer]]\n"
      "                 [--bound-time-limit=S]\n"
      "strategies: ",
      why);
  const auto names = replay_strategy_names();
  for (std::size_t i = 0; i < names.size(); ++i)
    std::fprintf(stderr, "%s%s", i ? ", " : "", names[i].c_str());
  std::fprintf(stderr, "\n%s", dk_tools::kOsmGraphFlagsUsage);
  return dk_tools::kExitUsage;
}

int fail(const absl::Status& s) {
  return dk_tools::status_error("dk-replay", s);
}

std::vector<std::string> split_names(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const std::size_t comma = s.find(',');
    const std::string_view name = trim(s.substr(0, comma));
    if (!name.empty()) out.emplace_back(name);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  ReplayPaths paths;
  ReplayScenarioOptions options;
  std::vector<std::string> strategies, move_ups;
  double demand_scale = 1.0, fleet_scale = 1.0;
  std::string out_dir, traffic_path, calibration_path, decisions, closures_path, areas_path,
      targets_path, oracle = "ch";
  CallTakingOptions call_taking;
  bool progress = dk_tools::progress_default();
  std::uint32_t replications = 1;
  std::string bound_kind;  // empty: no offline bound
  double bound_time_limit_s = 300;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&](std::string_view flag, std::string& out) {
      const std::optional<std::string_view> v = dk_tools::flag_value(a, flag);
      if (v) out = std::string(*v);
      return v.has_value();
    };
    if (const std::optional<bool> osm = dk_tools::osm_graph_flag(a, options.osm)) {
      if (!*osm) return usage("--profile needs ambulance, car or a profile file");
      continue;
    }
    std::string v;
    if (dk_tools::recorded_city_flag(a, paths) || dk_tools::timezone_flag(a, options.timezone) ||
        value("--out", out_dir) || value("--traffic", traffic_path) ||
        value("--calibration", calibration_path) || value("--closures", closures_path) ||
        value("--areas", areas_path) || value("--targets", targets_path))
      continue;
    if (value("--decisions", decisions)) {
      if (decisions != "time_of_day" && decisions != "free_flow" && decisions != "both")
        return usage("--decisions is time_of_day, free_flow or both");
      continue;
    }
    if (value("--strategy", v) || value("--compare", v)) {
      // Names are checked now, not after loading the city and replaying the first ones.
      const std::vector<std::string> known = replay_strategy_names();
      for (std::string& n : split_names(v)) {
        if (std::find(known.begin(), known.end(), n) == known.end())
          return usage(("no strategy named '" + n + "'").c_str());
        strategies.push_back(std::move(n));
      }
    } else if (value("--move-up", v)) {
      const std::vector<std::string> known = relocator_names();
      for (std::string& n : split_names(v)) {
        if (std::find(known.begin(), known.end(), n) == known.end())
          return usage(("no move-up policy named '" + n +
                        "' (none, static_mexclp, dmexclp, compliance_table)")
                           .c_str());
        if (std::find(move_ups.begin(), move_ups.end(), n) == move_ups.end())
          move_ups.push_back(std::move(n));
      }
    } else if (value("--demand-scale", v) || value("--fleet-scale", v)) {
      const bool demand = a.starts_with("--demand-scale");
      double& x = demand ? demand_scale : fleet_scale;
      if (!parse_number(v, x) || !(x > 0) || x > 1000)
        return usage(demand ? "--demand-scale needs a positive number (1 = the record)"
                            : "--fleet-scale needs a positive number (1 = the record's fleet)");
    } else if (value("--replications", v)) {
      if (!dk_tools::parse_flag_number("--replications", v, replications, "an integer") ||
          replications < 1 || replications > 10000)
        return usage("--replications needs an integer from 1 to 10000");
    } else if (value("--handling-s", v)) {
      if (!parse_number(v, call_taking.handling_s) || call_taking.handling_s <= 0)
        return usage("--handling-s needs a positive number of seconds");
    } else if (value("--seed", v)) {
      if (!dk_tools::parse_flag_number("--seed", v, options.replay.seed, "an integer"))
        return usage("--seed needs an integer");
    } else if (value("--oracle", oracle)) {
      if (oracle != "ch" && oracle != "dijkstra" && oracle != "cch" && oracle != "time_of_day")
        return usage("--oracle is ch, dijkstra, cch or time_of_day");
      options.build_ch = oracle == "ch" || oracle == "time_of_day";  // its free-flow twin
    } else if (value("--last-stretch-kmh", v)) {
      if (!parse_number(v, options.replay.last_stretch_kmh) || options.replay.last_stretch_kmh <= 0)
        return usage("--last-stretch-kmh needs a positive number");
    } else if (const std::optional<bool> d = dk_tools::days_flag(a, options.replay.days)) {
      if (!*d) return usage(dk_tools::kDaysFlagError);
    } else if (value("--shifts", v)) {
      const std::optional<ShiftModel> m = parse_shift_model(v);
      if (!m) return usage("--shifts is always, blocks or activity");
      options.replay.shifts = *m;
    } else if (value("--returning", v)) {
      if (v != "dispatchable" && v != "busy") return usage("--returning is dispatchable or busy");
      options.replay.returning_dispatchable = v == "dispatchable";
    } else if (a == "--offline-bound" || value("--offline-bound", v)) {
      bound_kind = a == "--offline-bound" ? "lp" : v;
      if (bound_kind != "lp" && bound_kind != "integer")
        return usage("--offline-bound is lp or integer");
    } else if (value("--bound-time-limit", v)) {
      if (!parse_number(v, bound_time_limit_s) || !(bound_time_limit_s > 0))
        return usage("--bound-time-limit needs a positive number of seconds");
    } else if (a == "--no-shifts") {  // older spelling, kept for existing scripts
      options.replay.shifts = ShiftModel::kAlwaysOnDuty;
    } else if (a == "--progress") {
      progress = true;
    } else if (a == "--no-progress") {
      progress = false;
    } else if (a == "--help" || a == "-h") {
      usage("replay recorded calls through dispatch strategies");
      return dk_tools::kExitOk;
    } else {
      return usage(("unknown argument " + std::string(a)).c_str());
    }
  }
  if (const char* missing = dk_tools::missing_city_flags(paths)) return usage(missing);
  if (strategies.empty()) return usage("give --strategy=NAME or --compare=A,B");
  if (move_ups.empty()) move_ups.push_back("none");
  if (out_dir.empty()) return usage("--out=DIR is required");
  if (oracle == "time_of_day") {
    if (traffic_path.empty()) return usage("--oracle=time_of_day needs --traffic=PROFILE");
    if (decisions == "free_flow")
      return usage("--oracle=time_of_day decides on traffic: not with --decisions=free_flow");
  }
  if (decisions.empty()) decisions = traffic_path.empty() ? "free_flow" : "time_of_day";
  const bool on_traffic = decisions != "free_flow";
  if (on_traffic && traffic_path.empty())
    return usage("--decisions=time_of_day and both need --traffic=PROFILE");
  // A calibrated drive model maps free-flow road times onto real drives; applied to
  // time-of-day times it would count the traffic twice.
  if (on_traffic && !calibration_path.empty())
    return usage(
        "--calibration was fitted on free-flow road times: with --traffic add "
        "--decisions=free_flow (the profile then validates ETAs only)");
  // The output directory is created before the replays, so that an --out that is a file
  // or not writable is reported in a second, not after the whole run.
  if (const absl::Status d = dk_tools::prepare_output_dir(out_dir); !d.ok()) return fail(d);
  if (!traffic_path.empty() && access(traffic_path.c_str(), R_OK) != 0)
    return fail(absl::NotFoundError(traffic_path + ": cannot read the traffic profile"));

  // The calibration is read (and a malformed one rejected) before the city is loaded.
  std::shared_ptr<const Calibration> calibration;
  if (!calibration_path.empty()) {
    absl::StatusOr<Calibration> c = load_calibration(calibration_path);
    if (!c.ok()) return fail(c.status());
    calibration = std::make_shared<const Calibration>(*std::move(c));
    options.replay.calibration = calibration;
  }
  // Areas and targets decide each call's target while the replay is prepared.
  if (!areas_path.empty()) {
    absl::StatusOr<AreaMap> areas = load_areas(areas_path);
    if (!areas.ok()) return fail(areas.status());
    options.replay.areas = std::make_shared<const AreaMap>(*std::move(areas));
  }
  if (!targets_path.empty()) {
    absl::StatusOr<ServiceTargets> t = ServiceTargets::load(targets_path);
    if (!t.ok()) return fail(t.status());
    options.replay.targets = *t;
  }
  absl::StatusOr<std::unique_ptr<ReplayScenario>> loaded = load_replay_scenario(paths, options);
  if (!loaded.ok()) return fail(loaded.status());
  ReplayScenario& s = **loaded;
  if (s.record.report.rows_rejected_total() != 0 || s.record.report.stamps_out_of_order != 0)
    std::fprintf(stderr, "%s", s.record.report.summary().c_str());
  // The load knobs act on the prepared inputs: the same snapped calls and fleet, resampled.
  // The ETA validation stays on the record's own calls (copies would repeat its drives).
  std::optional<ReplayInputs> unscaled;
  if (demand_scale != 1.0 || fleet_scale != 1.0) unscaled = s.inputs;
  if (demand_scale != 1.0) {
    absl::StatusOr<ReplayInputs> scaled = scale_demand(s.inputs, demand_scale, options.replay.seed);
    if (!scaled.ok()) return fail(scaled.status());
    if (progress)
      std::fprintf(stderr, "dk-replay: demand x%g: %zu calls (record: %zu)\n", demand_scale,
                   scaled->calls.size(), s.inputs.calls.size());
    s.inputs = *std::move(scaled);
  }
  if (fleet_scale != 1.0) {
    absl::StatusOr<ReplayInputs> scaled = scale_fleet(s.inputs, fleet_scale, options.replay.seed);
    if (!scaled.ok()) return fail(scaled.status());
    if (progress)
      std::fprintf(stderr, "dk-replay: fleet x%g: %zu units (record: %zu)\n", fleet_scale,
                   scaled->units.size(), s.inputs.units.size());
    s.inputs = *std::move(scaled);
  }

  // The traffic profile is loaded (and a malformed one rejected) before the replays.
  std::optional<TrafficProfile> profile;
  if (!traffic_path.empty()) {
    absl::StatusOr<TrafficProfile> p = load_traffic_profile(traffic_path, *s.graph);
    if (!p.ok()) return fail(p.status());
    profile = *std::move(p);
  }

  // Closures are read against the loaded graph and the replayed period.
  std::vector<ScheduledClosure> scheduled;
  if (!closures_path.empty()) {
    absl::StatusOr<std::vector<RoadClosure>> c =
        load_closures(closures_path, *s.graph, s.inputs.zone, s.inputs.begin, s.inputs.end);
    if (!c.ok()) return fail(c.status());
    for (const RoadClosure& rc : *c)
      scheduled.push_back({to_unix_seconds(rc.start), to_unix_seconds(rc.end), rc.arc});
  }

  // Which travel times decide: the CH on free flow, or per decision the metric of a CCH:
  // the time-of-day slice customized from the profile (each slice once, on first use) or
  // free flow, with the closures in force at the decision's time.
  OracleFactory free_flow = free_flow_oracles(s.inputs, s.ch.get());
  std::unique_ptr<CchTopology> cch;
  std::shared_ptr<TrafficSlices> time_of_day_slices, free_flow_slices;
  auto seam = [&s, &scheduled](std::shared_ptr<TrafficSlices>& slices) -> OracleFactory {
    return [&s, &scheduled, &slices]() -> absl::StatusOr<OwnedOracle> {
      try {
        return OwnedOracle(std::make_unique<TimeOfDayOracle>(
            *slices, *s.graph,
            TimeOfDayOracleOptions{.modes = s.inputs.options.modes, .closures = scheduled}));
      } catch (const std::bad_alloc&) {
        return absl::ResourceExhaustedError("dk-replay: out of memory building the oracle");
      }
    };
  };
  const bool free_flow_on_cch = !scheduled.empty() || oracle == "cch";
  if (on_traffic || free_flow_on_cch) {
    const auto t0 = std::chrono::steady_clock::now();
    absl::StatusOr<std::vector<NodeId>> order = cch_order_metis(*s.graph);
    if (!order.ok()) return fail(order.status());
    absl::StatusOr<CchTopology> topo = CchTopology::build(*s.graph, *order);
    if (!topo.ok()) return fail(topo.status());
    cch = std::make_unique<CchTopology>(*std::move(topo));
    if (on_traffic) {
      absl::StatusOr<std::shared_ptr<TrafficSlices>> made =
          TrafficSlices::create(*s.graph, *cch, *profile, {.max_cached_slices = 672});
      if (!made.ok())
        return fail(absl::Status(made.status().code(),
                                 traffic_path + ": " + std::string(made.status().message())));
      time_of_day_slices = *std::move(made);
    }
    if (free_flow_on_cch) {
      absl::StatusOr<std::shared_ptr<TrafficSlices>> made =
          TrafficSlices::free_flow(*s.graph, *cch);
      if (!made.ok()) return fail(made.status());
      free_flow_slices = *std::move(made);
      free_flow = seam(free_flow_slices);
    }
    if (progress)
      std::fprintf(stderr, "dk-replay: CCH for the decisions built in %.2f s\n",
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  const OracleFactory primary = on_traffic ? seam(time_of_day_slices) : free_flow;

  std::vector<ReplayResult> runs;
  auto replay = [&](const std::string& name, const std::string& move_up,
                    const OracleFactory& oracles, std::string_view label,
                    std::string_view suffix) -> absl::Status {
    dk_tools::ProgressBar bar(
        progress, name + (move_up == "none" ? "" : "+" + move_up) + std::string(suffix), "calls");
    absl::StatusOr<ReplayResult> r =
        replay_strategy(s.inputs, name, oracles, move_up,
                        [&](std::size_t done, std::size_t total) { bar(done, total); });
    if (!r.ok()) return r.status();
    r->decisions = std::string(label);
    r->strategy += std::string(suffix);
    runs.push_back(*std::move(r));
    return absl::OkStatus();
  };
  for (const std::string& name : strategies)
    for (const std::string& move_up : move_ups) {
      if (const absl::Status st =
              replay(name, move_up, primary, on_traffic ? "time_of_day" : "free_flow", "");
          !st.ok())
        return fail(st);
      if (decisions == "both")
        if (const absl::Status st =
                replay(name, move_up, free_flow, "free_flow", kFreeFlowTwinSuffix);
            !st.ok())
          return fail(st);
    }

  // Replications beyond the first replay the same strategies with fresh draws.
  std::vector<Replications> replicated;
  if (replications > 1)
    for (const std::string& name : strategies)
      for (const std::string& move_up : move_ups) {
        dk_tools::ProgressBar bar(progress, name + " x" + std::to_string(replications),
                                  "replications");
        ReplicationOptions ro;
        ro.replications = replications;
        ro.move_up = move_up;
        absl::StatusOr<Replications> r =
            replicate_replay(s.inputs, s.record, name, primary, ro,
                             [&](std::size_t done, std::size_t total) { bar(done, total); });
        if (!r.ok()) return fail(r.status());
        replicated.push_back(*std::move(r));
      }

  const ReplayInputs& recorded_inputs = unscaled ? *unscaled : s.inputs;
  std::vector<EtaValidation> eta;
  eta.push_back(validate_etas(recorded_inputs, s.record));
  if (!traffic_path.empty()) {
    // The profile's week is in its own local offset; a drive is looked up at the same
    // local time of week (the calls' own offset, with daylight saving).
    const TimeSlicing& slicing = profile->slicing();
    std::map<std::pair<std::uint32_t, int>, std::vector<Weight>> cache;
    eta.push_back(validate_etas(
        recorded_inputs, s.record, "time_of_day",
        [&](SimTime t, TravelMode mode) -> std::span<const Weight> {
          const std::int64_t shift = utc_offset_at(t, recorded_inputs.zone) -
                                     std::int64_t{slicing.utc_offset_minutes()} * 60;
          const TimeSlice slice = slicing.slice_of(to_unix_seconds(t) + shift);
          auto [it, fresh] = cache.try_emplace({slice.value(), static_cast<int>(mode)});
          if (fresh) {
            TrafficMetricOptions mo;
            mo.mode = mode;
            it->second = make_metric_weights(*s.graph, *profile, slice, mo);
          }
          return it->second;
        }));
  }

  if (calibration != nullptr) eta.push_back(validate_etas(recorded_inputs, s.record, *calibration));

  ReplayReportInputs report;
  report.inputs = &s.inputs;
  report.record = &s.record;
  report.runs = runs;
  report.eta = eta;
  report.calls_file = paths.calls;
  report.graph_file = paths.graph;
  report.seed = options.replay.seed;
  report.calibration = calibration.get();
  report.calibration_file = calibration_path;
  report.replications = replicated;
  report.decisions = on_traffic ? "time_of_day" : "free_flow";
  report.traffic_file = traffic_path;
  report.closures_applied = scheduled.size();
  const CallTakingPlan call_takers = plan_call_takers(s.record, s.inputs.zone, call_taking);
  report.call_taking = &call_takers;
  report.areas_file = areas_path;

  std::string table = report_table(report);
  std::vector<std::string> written = {"report.json",        "report.txt",     "calls.csv",
                                      "response_times.svg", "late_calls.svg", "eta_scatter.svg",
                                      "kpi_chart.svg"};
  if (!bound_kind.empty()) {
    // The bound of the replayed calls (scaled ones too) and fleet, in the home-base model.
    absl::StatusOr<OfflineModel> model = build_offline_model(s.inputs);
    if (!model.ok()) return fail(model.status());
    if (progress)
      std::fprintf(stderr, "dk-replay: offline bound: %zu jobs of %llu calls, solving (%s)\n",
                   model->jobs.size(), static_cast<unsigned long long>(model->calls),
                   bound_kind.c_str());
    absl::StatusOr<OfflineBound> bound = solve_offline_bound(
        *model, {.integer = bound_kind == "integer", .time_limit_s = bound_time_limit_s});
    if (!bound.ok()) return fail(bound.status());
    std::vector<OfflineBoundRun> beside;
    const bool model_inputs = !options.replay.returning_dispatchable && calibration == nullptr &&
                              !on_traffic && scheduled.empty();
    for (const ReplayResult& r : runs)
      beside.push_back({r.strategy, r.kpis.overall.late_fraction,
                        model_inputs && r.move_up == "none" && r.decisions == "free_flow" &&
                            r.strategy != kAsRecordedPolicy && r.strategy != "preemption"});
    const absl::Status w = write_file_atomically(out_dir + "/offline_bound.json",
                                                 offline_bound_json(*bound, beside).dump(2) + "\n");
    if (!w.ok()) return fail(w);
    written.push_back("offline_bound.json");
    table += absl::StrFormat(
        "\noffline bound (%s, %s, %.1f s): at least %.1f %% of the %llu calls late under any "
        "policy (%llu reach no staffed post in time)\n",
        bound->solver, bound->integer ? (bound->optimal ? "proven optimal" : "best bound") : "LP",
        bound->seconds, 100.0 * bound->late_fraction, static_cast<unsigned long long>(bound->calls),
        static_cast<unsigned long long>(bound->unreachable));
    for (const OfflineBoundRun& r : beside)
      table += absl::StrFormat(
          "  %-32s late %5.1f %%  %s\n", r.name, 100.0 * r.late_fraction,
          !r.in_model ? "(not in the bound's model: --returning=busy, "
                        "no move-up, free flow)"
          : bound->late_fraction > 0
              ? absl::StrFormat("%.2f x the bound", r.late_fraction / bound->late_fraction)
              : std::string("bound 0"));
  }
  for (const auto& [file, text] :
       {std::pair<std::string, std::string>{"report.json", report_json(report)},
        {"report.txt", table},
        {"calls.csv", calls_csv(report)},
        {"response_times.svg", response_time_svg(report)},
        {"late_calls.svg", late_calls_svg(report)},
        {"eta_scatter.svg", eta_scatter_svg(report)},
        {"kpi_chart.svg", kpi_chart_svg(report)}}) {
    const absl::Status w = write_file_atomically(out_dir + "/" + file, text);
    if (!w.ok()) return fail(w);
  }
  std::fputs(table.c_str(), stdout);
  std::printf("\nwrote %s/%s\n", out_dir.c_str(), absl::StrJoin(written, ", ").c_str());
  return 0;
}
