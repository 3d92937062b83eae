// dispatchkit/sim/scenario.hpp: load a recorded city in one call (graph, calls, sites, fleet).
//
//   ReplayPaths paths{.graph = "data/sf/sf_osm_edges.csv.xz",
//                     .calls = "data/sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz",
//                     .stations = "data/sf/sf_fire_stations.csv",
//                     .hospitals = "data/sf/sf_hospitals.csv"};
//   absl::StatusOr<std::unique_ptr<ReplayScenario>> s = load_replay_scenario(paths);
//   absl::StatusOr<ReplayResult> r = replay_strategy((*s)->inputs, "closest_idle", (*s)->ch.get());
//
// A ReplayScenario owns everything the replay inputs point into (graph, snapper, record,
// contraction hierarchy), on the heap so the pointers stay valid when the scenario moves.
// Optional files: a fleet (load_fleet_file format), a call mapping (CallMapping CSV) and a
// response plan table (triage CSV); without them the record's fleet, the mapping of the
// call file's format (CallMapping::default_for) and the default plan table are used. A
// JEMSS model directory (ReplayPaths::jemss) stands for graph, stations, hospitals and
// fleet: its ambulances, on duty throughout (sim/io/jemss_model.hpp).
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/graph/io/jemss.hpp"
#include "dispatchkit/graph/snap.hpp"
#include "dispatchkit/route/ch/contraction_hierarchy.hpp"
#include "dispatchkit/sim/call_mapping.hpp"
#include "dispatchkit/sim/io/jemss_model.hpp"
#include "dispatchkit/sim/recorded_calls.hpp"
#include "dispatchkit/sim/replay.hpp"
#include "dispatchkit/sim/sites.hpp"
#include "dispatchkit/triage/response_plan.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct ReplayPaths {
  std::string graph;      // any format load_graph() reads
  std::string calls;      // calls-for-service export
  std::string stations;   // sites CSV
  std::string hospitals;  // HIFLD hospitals CSV
  std::string fleet;      // optional: call_sign,station,capabilities
  // optional: more units (the same format), added to the fleet (the record's, --fleet's or
  // the JEMSS model's): the ambulances of a plan's new stations (dk-plan site's
  // new_units.csv), on duty throughout
  std::string extra_units;
  std::string mapping;  // optional: CallMapping CSV
  std::string plans;    // optional: response plan table CSV
  // optional: a JEMSS model directory (graph/io/jemss.hpp) giving the road network,
  // stations, hospitals and ambulances; then graph, stations, hospitals and fleet stay empty
  std::string jemss;
};

// How far from the road network a call of a JEMSS model may be and still be reached
// (off road, at the model's speed): JEMSS itself has no limit; a place this far off is not
// in the city.
inline constexpr double kJemssMaxSnapMeters = 50'000.0;

// The replay options a JEMSS model implies on top of `base`. JEMSS serves every call,
// walking from the network to it at the model's off-road speed: so the last stretch is at
// that speed (mode 1, lights and sirens) and a call far from the main roads is reached, not
// skipped.
inline ReplayOptions jemss_replay_options(const JemssCity& city, ReplayOptions base) {
  if (!city.travel_modes.empty()) base.last_stretch_kmh = city.travel_modes.front().off_road_kmh;
  base.max_snap_distance = std::max(base.max_snap_distance, Meters{kJemssMaxSnapMeters});
  return base;
}

struct ReplayScenarioOptions {
  ReplayOptions replay;
  RecordedCallsOptions calls;
  // The local time zone of the call file by IANA name ("Asia/Shanghai"), loaded into
  // calls.zone; empty: calls.zone as given (unset: the format's own).
  std::string timezone;
  bool build_ch = true;  // build a contraction hierarchy for the ChOracle
  bool keep_largest_scc = true;
  OsmLoadOptions osm;  // when the graph is an OpenStreetMap extract (profile, components)
};

struct ReplayScenario {
  std::unique_ptr<RoadGraph> graph;
  std::unique_ptr<Snapper> snapper;
  std::unique_ptr<ContractionHierarchy> ch;  // null unless build_ch
  RecordedCalls record;
  CallMapping mapping;
  ResponsePlanTable plans;
  ReplayInputs inputs;
};

// Loads and prepares everything; the first error (file:line) is returned.
[[nodiscard]] absl::StatusOr<std::unique_ptr<ReplayScenario>> load_replay_scenario(
    const ReplayPaths& paths, const ReplayScenarioOptions& options = {});

// ---------------------------------------------------------------------------------------
// Implementation.

inline absl::StatusOr<std::unique_ptr<ReplayScenario>> load_replay_scenario(
    const ReplayPaths& paths, const ReplayScenarioOptions& options) {
  auto s = std::make_unique<ReplayScenario>();
  // The zone first: a misspelt one is reported before minutes of loading.
  RecordedCallsOptions calls_options = options.calls;
  if (!options.timezone.empty()) {
    DK_ASSIGN_OR_RETURN(calls_options.zone, TimeZone::load(options.timezone));
  }
  GraphLoadOptions graph_options;
  graph_options.keep_largest_scc = options.keep_largest_scc;
  graph_options.osm = options.osm;
  std::optional<JemssCity> city;
  if (!paths.jemss.empty()) {
    DK_ASSIGN_OR_RETURN(city, load_jemss_city(paths.jemss, graph_options));
    s->graph = std::make_unique<RoadGraph>(std::move(city->graph));
  } else {
    DK_ASSIGN_OR_RETURN(RoadGraph graph, load_graph(paths.graph, graph_options));
    s->graph = std::make_unique<RoadGraph>(std::move(graph));
  }
  DK_ASSIGN_OR_RETURN(Snapper snapper, Snapper::build(*s->graph));
  s->snapper = std::make_unique<Snapper>(std::move(snapper));
  if (options.build_ch) {
    DK_ASSIGN_OR_RETURN(ContractionHierarchy ch, ContractionHierarchy::build(*s->graph));
    s->ch = std::make_unique<ContractionHierarchy>(std::move(ch));
  }
  DK_ASSIGN_OR_RETURN(s->record, load_recorded_calls(paths.calls, calls_options));
  std::vector<Site> stations;
  std::vector<Hospital> hospitals;
  std::optional<std::vector<ReplayUnit>> fleet;
  ReplayOptions replay = options.replay;
  if (city) {
    replay = jemss_replay_options(*city, replay);
    JemssFleet f = jemss_fleet(*city, *s->snapper);
    stations = std::move(f.stations);
    hospitals = std::move(f.hospitals);
    fleet = std::move(f.units);
  } else {
    DK_ASSIGN_OR_RETURN(stations, load_sites(paths.stations));
    DK_ASSIGN_OR_RETURN(hospitals, load_emergency_departments(paths.hospitals, *s->snapper));
  }
  if (paths.mapping.empty()) {
    s->mapping = CallMapping::default_for(s->record.report.format);
  } else {
    DK_ASSIGN_OR_RETURN(s->mapping, CallMapping::load(paths.mapping));
  }
  if (paths.plans.empty()) {
    s->plans = ResponsePlanTable::default_table();
  } else {
    DK_ASSIGN_OR_RETURN(s->plans, ResponsePlanTable::load(paths.plans));
  }
  if (!paths.fleet.empty()) {
    DK_ASSIGN_OR_RETURN(fleet, load_fleet_file(paths.fleet, stations));
  }
  if (!paths.extra_units.empty()) {
    DK_ASSIGN_OR_RETURN(std::vector<ReplayUnit> extra,
                        load_fleet_file(paths.extra_units, stations));
    if (!fleet) fleet = derive_fleet(s->record, stations, replay);
    for (ReplayUnit& u : extra) {
      for (const ReplayUnit& have : *fleet)
        if (have.call_sign == u.call_sign)
          return absl::InvalidArgumentError(absl::StrCat(paths.extra_units, ": unit '", u.call_sign,
                                                         "' is already in the fleet"));
      fleet->push_back(std::move(u));
    }
  }
  DK_ASSIGN_OR_RETURN(s->inputs, prepare_replay(*s->graph, *s->snapper, s->record,
                                                std::move(stations), std::move(hospitals),
                                                s->mapping, s->plans, replay, std::move(fleet)));
  return s;
}

DISPATCHKIT_NAMESPACE_END
