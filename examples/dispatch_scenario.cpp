// dispatch_scenario: the first half hour of a night shift at a dispatcher's desk on the bundled San
// Francisco city.
//
//   $ dispatch_scenario
//
// Real places: the SF road network, the 42 SF fire stations, the 29 HIFLD hospitals (with
// trauma levels) and the locations of the first medical calls of the SFFD "Calls for
// Service" week (data/sf). The export has no MPDS determinant codes, so this script gives
// each call one (cardiac arrest, fall, stroke, ...), and it replays the calls 4 minutes
// apart so that units are still busy when the next call comes in.
//
// For every call the program prints what a dispatcher would see: the response plan, the
// recommended units with ETA and reason (and what a coverage-aware rule would do instead),
// the dispatch, and later the hospital chosen and the pre-arrival notification. Units
// move through their lifecycle (en route, on scene, transporting, at hospital, returning)
// in a small event loop.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/graph/snap.hpp"
#include "dispatchkit/recommend/io/hifld_hospitals.hpp"
#include "dispatchkit/recommend/recommend.hpp"
#include "dispatchkit/route/ch/contraction_hierarchy.hpp"
#include "dispatchkit/sim/io/call_files.hpp"
#include "dispatchkit/sim/io/sites_csv.hpp"
#include "dispatchkit/triage/response_plan.hpp"

using namespace dispatchkit;

namespace {

struct Station {
  std::string name;
  RoadPosition position;
};

// The 42 stations (sim/io/sites_csv.hpp's reader), each placed on its street; a station
// the snapper cannot place is left out.
absl::StatusOr<std::vector<Station>> load_stations(const std::string& path, const Snapper& snap) {
  DK_ASSIGN_OR_RETURN(const std::vector<Site> sites, load_sites(path));
  std::vector<Station> out;
  for (const Site& site : sites) {
    auto s = snap.snap(site.location);
    if (s.ok()) out.push_back({site.name, s->position});
  }
  return out;
}

std::string clock(SimTime t) {
  const std::int64_t s = to_unix_seconds(t) - 8 * 3600;  // PST
  return absl::StrFormat("%02d:%02d:%02d", (s / 3600) % 24, (s / 60) % 60, s % 60);
}

// A status change due at `at` (the scenario's event list).
struct Event {
  SimTime at;
  UnitId unit;
  UnitStatus to;
  RoadPosition position;  // where the unit is after the change
  std::size_t call;       // index into calls (for transport)
};

}  // namespace

int main() {
  const std::string data = DK_EXAMPLE_DATA_DIR;
  auto graph_or = load_graph(data + "/sf/sf_osm_edges.csv.xz");
  if (!graph_or.ok()) return std::fprintf(stderr, "%s\n", graph_or.status().ToString().c_str()), 1;
  const RoadGraph& graph = *graph_or;
  auto snapper = Snapper::build(graph);
  auto ch = ContractionHierarchy::build(graph);
  auto stations = snapper.ok() ? load_stations(data + "/sf/sf_fire_stations.csv", *snapper)
                               : absl::StatusOr<std::vector<Station>>(snapper.status());
  auto hospitals = snapper.ok() ? load_hifld_hospitals(data + "/sf/sf_hospitals.csv", *snapper)
                                : absl::StatusOr<std::vector<Hospital>>(snapper.status());
  auto recorded = load_recorded_calls(data + "/sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz");
  for (const absl::Status& s :
       {ch.status(), stations.status(), hospitals.status(), recorded.status()})
    if (!s.ok()) return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;

  // The fleet: a medic (ALS) at every other station, BLS ambulances at four, an engine
  // (first responder) at every station, and three citizen AED volunteers on the move.
  Fleet fleet;
  const CapabilitySet als = CapabilitySet{Capability::kAls} | Capability::kTransport;
  const CapabilitySet bls = CapabilitySet{Capability::kBls} | Capability::kTransport;
  std::vector<RoadPosition> home;
  auto add = [&](std::string name, std::uint32_t station, CapabilitySet caps, UnitStatus st,
                 RoadPosition pos) {
    auto id = fleet.add_unit({.call_sign = std::move(name),
                              .home_station = station,
                              .capabilities = caps,
                              .status = st,
                              .position = pos});
    if (!id.ok()) std::abort();
    home.push_back(pos);
  };
  for (std::uint32_t s = 0; s < stations->size(); ++s) {
    const auto& st = (*stations)[s];
    std::string no = st.name.substr(st.name.find('#') + 1);
    no = no.substr(0, no.find_first_not_of("0123456789"));
    if (s % 2 == 0) add("M" + no, s, als, UnitStatus::kAvailableAtStation, st.position);
    if (s % 10 == 1) add("B" + no, s, bls, UnitStatus::kAvailableAtStation, st.position);
    add("E" + no, s, CapabilitySet{Capability::kFirstResponder}, UnitStatus::kAvailableAtStation,
        st.position);
  }
  // Demand for the coverage rule: every recorded call of the week, snapped.
  std::vector<DemandPoint> demand;
  std::vector<const RecordedCall*> medical;
  for (const RecordedCall& c : recorded->calls) {
    auto p = snapper->snap(c.location);
    if (!p.ok()) continue;
    demand.push_back({p->position, 1.0});
    if (c.call_type == "Medical Incident") medical.push_back(&c);
  }
  for (int v = 0; v < 3; ++v)
    add("AED" + std::to_string(v + 1), UINT32_MAX, CapabilitySet{Capability::kAedVolunteer},
        UnitStatus::kAvailableMobile, demand[demand.size() * (v + 1) / 5].position);
  std::printf(
      "San Francisco: %u road nodes, %zu stations, %u units, %zu hospitals, %zu demand "
      "points (calls of the week)\n\n",
      graph.node_count(), stations->size(), fleet.size(), hospitals->size(), demand.size());

  const ResponsePlanTable& table = ResponsePlanTable::default_table();
  ChOracle oracle(*ch, graph);
  ResponsePlanRecommender plan_strategy(graph);
  // Ambulances count as coverage; a 4-minute target suits SF's dense station grid.
  CoverageAware coverage(
      graph, demand, {.target = Deciseconds::from_seconds(240), .counts = Capability::kTransport});
  Preemption preemption;
  HospitalRanker ranker(graph, *std::move(hospitals));
  Dijkstra drive(graph);  // for return trips (one query per unit going home)

  // The script: determinant codes for the first medical calls, replayed 4 minutes apart.
  const std::vector<std::pair<std::string, std::string>> script = {
      {"9-E-1", "cardiac arrest"}, {"26-A-1", "sick person"},
      {"28-C-1", "stroke"},        {"17-D-3", "fall, long drop"},
      {"10-C-1", "chest pain"},    {"26-A-1", "sick person"},
      {"9-E-1", "cardiac arrest"}, {"29-D-2", "traffic, high mechanism"}};
  std::vector<Incident> calls;
  std::vector<Event> events;
  std::vector<HospitalChoice> choices;
  Recommendation rec, alt;
  SimTime now = medical.front()->received;

  // A min-heap on (time, lifecycle order): the earliest event is at the front.
  auto later = [](const Event& a, const Event& b) {
    return a.at != b.at ? a.at > b.at : a.to > b.to;
  };
  auto schedule = [&](Event e) {
    events.push_back(e);
    std::push_heap(events.begin(), events.end(), later);
  };
  auto process_events_until = [&](SimTime t) {
    while (!events.empty() && events.front().at <= t) {
      std::pop_heap(events.begin(), events.end(), later);
      const Event e = events.back();
      events.pop_back();
      const Unit& u = fleet.unit(e.unit);
      if (!fleet.set_status(e.unit, e.to).ok()) continue;  // superseded (e.g. diverted)
      (void)fleet.report_position(e.unit, e.position);
      const Incident& call = calls[e.call];
      std::printf("  %s  %-6s %s\n", clock(e.at).c_str(), u.call_sign().c_str(),
                  std::string(to_string(e.to)).c_str());
      if (e.to == UnitStatus::kOnScene) {
        const bool transports = u.capabilities().contains(Capability::kTransport) &&
                                call.plan != nullptr && call.plan->transport_likely;
        if (!transports) {
          schedule({e.at + std::chrono::minutes(12), e.unit, UnitStatus::kReturning, e.position,
                    e.call});
          continue;
        }
        ranker.rank(call.position, call.destination, TravelMode::kLightsAndSirens, choices);
        if (choices.empty()) continue;
        const HospitalChoice& h = choices.front();
        const SimTime leave = e.at + std::chrono::minutes(15);
        const PreArrivalNotification note = make_pre_arrival(call, e.unit, h, leave);
        std::printf("             hospital: %s (%s, %s)\n             %s, arriving %s\n",
                    ranker.hospital(h.hospital).name.c_str(),
                    std::string(to_string(h.reason)).c_str(), format_mmss(h.eta).c_str(),
                    to_string(note, ranker, fleet).c_str(), clock(note.expected_arrival).c_str());
        schedule({leave, e.unit, UnitStatus::kTransporting, e.position, e.call});
        schedule({note.expected_arrival, e.unit, UnitStatus::kAtHospital,
                  ranker.hospital(h.hospital).position, e.call});
        schedule({note.expected_arrival + std::chrono::minutes(20), e.unit, UnitStatus::kReturning,
                  ranker.hospital(h.hospital).position, e.call});
      } else if (e.to == UnitStatus::kReturning) {
        const Deciseconds back = drive.distance(e.position, home[e.unit.value()]);
        schedule({e.at + std::chrono::seconds(back.count() / 10), e.unit,
                  UnitStatus::kAvailableAtStation, home[e.unit.value()], e.call});
      }
    }
  };

  for (std::size_t k = 0; k < script.size() && k < medical.size(); ++k) {
    now = medical.front()->received + std::chrono::minutes(4 * static_cast<int>(k));
    process_events_until(now);
    const RecordedCall& rc = *medical[k];
    const ResponsePlan* plan = table.lookup(*DeterminantCode::parse(script[k].first));
    auto scene = snapper->snap(rc.location);
    if (plan == nullptr || !scene.ok()) continue;
    calls.push_back(
        Incident::from_plan(IncidentId(std::stoull(rc.call_number)), scene->position, now, *plan));
    const Incident& call = calls.back();
    std::printf("\n%s  CALL %s  %s (%s)  at (%.5f, %.5f)\n", clock(now).c_str(),
                rc.call_number.c_str(), script[k].first.c_str(), script[k].second.c_str(),
                rc.location.lat, rc.location.lon);
    std::printf("  plan: grade %s, %s, send %s, destination %s\n",
                std::string(to_string(plan->grade)).c_str(),
                std::string(to_string(plan->travel_mode)).c_str(),
                format_resources(plan->resources).c_str(),
                std::string(to_string(plan->destination)).c_str());
    plan_strategy.recommend(call, fleet, oracle, rec);
    if (!rec.status.ok()) {  // out of memory: a real CAD falls back to manual dispatch
      std::printf("  no recommendation: %s\n", rec.status.ToString().c_str());
      continue;
    }
    std::printf("  %s", explain(rec, fleet).c_str());
    // What the other rules would say about the primary unit.
    coverage.recommend(call, fleet, oracle, alt);
    if (!alt.empty() && !rec.empty() && alt.candidates[0].unit != rec.candidates[0].unit)
      std::printf(
          "  (coverage-aware would send %s instead: leaving costs %.2f calls of expected "
          "coverage vs %.2f)\n",
          fleet.unit(alt.candidates[0].unit).call_sign().c_str(), alt.candidates[0].coverage_loss,
          coverage.model().departure_loss(rec.candidates[0].unit));
    if (call.preempt_from.bits() != 0) {
      preemption.recommend(call, fleet, oracle, alt);
      if (!alt.empty() && alt.candidates[0].preempts)
        std::printf("  PREEMPTION possible: %s", explain(alt, fleet).c_str());
    }
    // The dispatcher accepts the plan's units.
    for (const Candidate& c : rec.candidates) {
      if (!fleet.dispatch(c.unit, call.id, call.grade).ok()) continue;
      schedule({now + std::chrono::seconds(c.turnout.count() / 10), c.unit, UnitStatus::kEnRoute,
                fleet.unit(c.unit).position(), calls.size() - 1});
      schedule({now + std::chrono::seconds(c.eta.count() / 10), c.unit, UnitStatus::kOnScene,
                call.position, calls.size() - 1});
    }
  }
  std::printf("\n-- the rest of the night --\n");
  process_events_until(now + std::chrono::hours(3));
  if (const absl::Status s = coverage.model().sync(fleet); !s.ok())
    std::printf("coverage model: %s\n", s.ToString().c_str());
  std::size_t available = 0;
  for (const Unit& u : fleet.units()) available += is_available(u.status()) ? 1 : 0;
  std::printf("\n%zu of %u units available again; expected coverage %.1f of %zu calls\n", available,
              fleet.size(), coverage.model().expected_coverage(), demand.size());
  return 0;
}
