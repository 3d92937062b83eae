// The replay engine on a hand-made three-unit city whose KPIs are worked out by hand.
#include "dispatchkit/sim/replay.hpp"
#include "dispatchkit/sim/eta_validation.hpp"

#include <catch2/catch.hpp>

#include "dispatchkit/recommend/closest_idle.hpp"

using namespace dispatchkit;

namespace {

// A street of four intersections, two-way, lights-and-sirens times in seconds:
//
//   n0 (station A) --50 s-- n1 --70 s-- n2 (station B) --60 s-- n3 (hospital)
//
// Nodes lie on latitude 37.70, 0.01 degrees of longitude apart; calls sit exactly on
// intersections, so the last stretch on foot is 0 s. Normal driving (transports, drives
// home, grade IV calls) is 4/3 slower (eta_oracle.hpp). Turnout: 60 s from a station,
// 15 s when rolling (FleetOptions defaults).
LatLon node_at(int i) {
  return LatLon{37.70, -122.45 + 0.01 * i};
}

RoadGraph street() {
  RoadGraphBuilder b("three-unit-street");
  for (int i = 0; i < 4; ++i) b.add_node(static_cast<std::uint64_t>(i + 1), node_at(i));
  const int secs[] = {50, 70, 60};
  for (std::uint32_t i = 0; i < 3; ++i) {
    const Deciseconds t{static_cast<std::uint32_t>(secs[i] * 10)};
    b.add_arc(NodeId(i), NodeId(i + 1), t, Meters(880));
    b.add_arc(NodeId(i + 1), NodeId(i), t, Meters(880));
  }
  return *std::move(b).build();
}

std::string loc(int i) {
  return absl::StrCat("\"(", node_at(i).lat, ", ", node_at(i).lon, ")\"");
}

// Columns: Call Number, Unit ID, Unit Type, Original Priority, Call Type Group,
// Call Final Disposition, Received, Entry, Dispatch, Response, On Scene, Transport,
// Hospital, Available, Station Area, Location.
std::string record_csv() {
  std::string t =
      "Call Number,Unit ID,Unit Type,Original Priority,Call Type,Call Type Group,"
      "Call Final Disposition,ALS Unit,Received DtTm,Entry DtTm,Dispatch DtTm,Response DtTm,"
      "On Scene DtTm,Transport DtTm,Hospital DtTm,Available DtTm,Station Area,Location\n";
  auto row = [&](std::string_view call, std::string_view unit, std::string_view type,
                 std::string_view prio, std::string_view group, std::string_view dispo,
                 std::string_view rec, std::string_view entry, std::string_view disp,
                 std::string_view resp, std::string_view ons, std::string_view trans,
                 std::string_view hosp, std::string_view avail, int node) {
    auto ts = [](std::string_view hms) {
      return hms.empty() ? std::string() : absl::StrCat("01/02/2017 ", detail::as_absl(hms));
    };
    absl::StrAppend(&t, detail::as_absl(call), ",", detail::as_absl(unit), ",",
                    detail::as_absl(type), ",", detail::as_absl(prio), ",Medical Incident,",
                    detail::as_absl(group), ",", detail::as_absl(dispo), ",true,", ts(rec), ",",
                    ts(entry), ",", ts(disp), ",", ts(resp), ",", ts(ons), ",", ts(trans), ",",
                    ts(hosp), ",", ts(avail), ",01,", loc(node), "\n");
  };
  const std::string_view plt = "Potentially Life-Threatening";
  // 1: grade I at n1. Ready 10:01:00 (decision 30 s). Record: on scene after 540 s.
  row("1", "M1", "MEDIC", "3", plt, "Code 2 Transport", "10:00:00 AM", "10:00:30 AM", "10:01:00 AM",
      "10:02:00 AM", "10:09:00 AM", "10:20:00 AM", "10:30:00 AM", "10:50:00 AM", 1);
  // 2: grade I at n0. Decision 120 s in the record, capped at 60 s: ready 10:06:00.
  row("2", "M2", "MEDIC", "3", plt, "Patient Declined Transport", "10:05:00 AM", "10:05:00 AM",
      "10:07:00 AM", "10:08:00 AM", "10:10:00 AM", "", "", "10:30:00 AM", 0);
  // 3: grade II (code 3, not potentially life-threatening) at n2. Ready 10:08:20.
  row("3", "M3", "MEDIC", "3", "Alarm", "Code 2 Transport", "10:08:00 AM", "10:08:00 AM",
      "10:08:20 AM", "10:09:00 AM", "10:12:00 AM", "10:30:00 AM", "10:35:00 AM", "10:55:00 AM", 2);
  // 4: grade IV (code 2) at n1, ready 10:10:10; served in the record by M9 (not in our fleet).
  row("4", "M9", "PRIVATE", "2", "Non Life-threatening", "Other", "10:10:00 AM", "10:10:00 AM",
      "10:10:10 AM", "10:11:00 AM", "10:25:00 AM", "", "", "10:40:00 AM", 1);
  // 5: fire call, no ambulance: skipped (no_ambulance_in_record).
  row("5", "E1", "ENGINE", "3", "Fire", "Fire", "10:20:00 AM", "10:20:00 AM", "10:21:00 AM",
      "10:22:00 AM", "10:25:00 AM", "", "", "10:40:00 AM", 2);
  // 6: ambulance cancelled before arrival: skipped (ambulance_never_on_scene).
  row("6", "M8", "MEDIC", "3", plt, "Cancelled", "10:21:00 AM", "10:21:00 AM", "10:22:00 AM",
      "10:23:00 AM", "", "", "", "10:26:00 AM", 3);
  return t;
}

struct World {
  RoadGraph graph = street();
  Snapper snapper = *Snapper::build(graph);
  RecordedCalls record = *parse_recorded_calls("three_units.csv", record_csv());
  std::vector<Site> stations = {Site{"Station A #1", node_at(0), 1},
                                Site{"Station B #2", node_at(2), 2}};
  std::vector<Hospital> hospitals = {hospital()};
  Hospital hospital() const {
    Hospital h;
    h.name = "Hospital";
    h.location = node_at(3);
    h.position = snapper.snap(h.location)->position;
    h.specialties = Specialty::kTrauma;
    h.trauma_level = 1;
    return h;
  }
  std::vector<ReplayUnit> fleet() const {
    const CapabilitySet als =
        CapabilitySet{Capability::kAls} | Capability::kBls | Capability::kTransport;
    return {ReplayUnit{"M1", 0, als, {}}, ReplayUnit{"M2", 0, als, {}},
            ReplayUnit{"M3", 1, als, {}}};
  }
  // The replay inputs of this world with the default mapping, plans and options.
  [[nodiscard]] absl::StatusOr<ReplayInputs> prepare() const {
    return prepare_replay(graph, snapper, record, stations, hospitals, CallMapping::sf_default(),
                          ResponsePlanTable::default_table(), {}, fleet());
  }
};

}  // namespace

TEST_CASE("three units, four calls: KPIs as worked out by hand", "[sim][replay]") {
  World w;
  REQUIRE(w.record.report.rows_rejected_total() == 0);
  absl::StatusOr<ReplayInputs> in =
      prepare_replay(w.graph, w.snapper, w.record, w.stations, w.hospitals,
                     CallMapping::sf_default(), ResponsePlanTable::default_table(), {}, w.fleet());
  REQUIRE(in.ok());
  CHECK(in->calls.size() == 4);
  CHECK(in->skipped[static_cast<int>(SkipReason::kNoAmbulance)] == 1);
  CHECK(in->skipped[static_cast<int>(SkipReason::kAmbulanceNeverOnScene)] == 1);
  REQUIRE(in->calls[0].grade == PriorityGrade::kI);
  REQUIRE(in->calls[2].grade == PriorityGrade::kII);
  REQUIRE(in->calls[3].grade == PriorityGrade::kIV);
  for (const ReplayCall& c : in->calls) CHECK(c.last_stretch_s == 0);

  DijkstraOracle oracle(w.graph);
  ClosestIdle strategy;
  ReplayResult r = run_replay(*in, strategy, oracle);
  REQUIRE(r.outcomes.size() == 4);
  auto since = [&](SimTime t, const char* hms) {
    return to_unix_seconds(t) -
           to_unix_seconds(*parse_us_timestamp(absl::StrCat("01/02/2017 ", hms),
                                               *TimeZone::load("America/Los_Angeles")));
  };
  // Call 1 (ready 10:01:00): M1 and M2 at n0 tie at 60 + 50 = 110 s (M3: 60 + 70); the
  // lower unit id, M1, goes. On scene 10:02:50: response 170 s. On scene for the recorded
  // 660 s, leaves 10:13:50, drives n1 -> n3 normally: 130 s * 4/3 = 173.3 s -> 174 s,
  // hands over for the recorded 1200 s: free at 10:36:44 (busy 2144 s).
  CHECK(since(r.outcomes[0].first_dispatch, "10:01:00 AM") == 0);
  CHECK(r.outcomes[0].response_s() == 170);
  // Call 2 (ready 10:06:00) at station A: M2, 60 s turnout + 0 s: response 120 s.
  // Recorded 1200 s on scene without transport: free 10:27:00 (busy 1260 s).
  CHECK(r.outcomes[1].response_s() == 120);
  // Call 3 (ready 10:08:20) at station B: M3, 60 s: response 80 s. 1080 s on scene,
  // 60 s * 4/3 = 80 s to hospital, 1200 s handover: free 10:48:40 (busy 2420 s).
  CHECK(r.outcomes[2].response_s() == 80);
  // Call 4 (ready 10:10:10, grade IV): every unit busy, it waits until M2 frees at
  // 10:27:00 at n0. M2 is rolling (returning): 15 s turnout + 50 s * 4/3 = 66.7 s ->
  // 81.7 s -> 82 s. On scene 10:28:22: response 1102 s, dispatch delay 1020 s, wait
  // 1010 s. 900 s on scene: free 10:43:22 (busy 982 s).
  CHECK(since(r.outcomes[3].first_dispatch, "10:27:00 AM") == 0);
  CHECK(r.outcomes[3].response_s() == 1102);
  CHECK(r.calls_queued == 1);
  CHECK(r.transports == 2);
  CHECK(r.dispatches == 4);

  const KpiSet& k = r.kpis.overall;
  CHECK(k.calls == 4);
  // Dispatch delays 60, 60, 20, 1020: three within 3 minutes.
  CHECK(k.dispatch_delay.mean_s == Approx(290.0));
  CHECK(k.dispatch_within_3min == Approx(0.75));
  // Responses 80, 120, 170, 1102: mean 368, nearest-rank median 120, p90 1102.
  CHECK(k.response.mean_s == Approx(368.0));
  CHECK(k.response.median_s == Approx(120.0));
  CHECK(k.response.p90_s == Approx(1102.0));
  CHECK(k.within_8min == Approx(0.75));
  CHECK(k.late_fraction == Approx(0.0));  // call 4's target is 30 min (grade IV)
  CHECK(k.wait.mean_s == Approx(1010.0 / 4));
  CHECK(r.kpis.by_grade[0].calls == 2);
  CHECK(r.kpis.by_grade[0].response.mean_s == Approx(145.0));
  CHECK(r.kpis.by_grade[3].response.mean_s == Approx(1102.0));
  // Observed 10:00:00 .. 10:55:00 (the last recorded "available"): 3 units * 3300 s.
  // Busy 2144 + 1260 + 2420 + 982 = 6806 s.
  CHECK(r.kpis.utilisation == Approx(6806.0 / 9900.0));

  // The recorded column for the same calls: responses 540, 300, 240, 900.
  const KpiSet& rec = in->recorded_kpis.overall;
  CHECK(rec.response.mean_s == Approx(495.0));
  CHECK(rec.response.median_s == Approx(300.0));
  CHECK(rec.within_8min == Approx(0.5));
  CHECK(rec.late_fraction == Approx(0.25));  // call 1: 540 s > 480 s (grade I)
  CHECK(rec.dispatch_within_3min == Approx(1.0));
  // Fleet units' recorded busy time: M1 2940 + M2 1380 + M3 2800 (M9 is not ours).
  CHECK(in->recorded_kpis.utilisation == Approx(7120.0 / 9900.0));
}

// Transports and drives home are asked of the replay's oracle (DriveOracle), so the metric
// that decides also drives the patients: on a metric where n2 -> n3 takes 120 s instead of
// 60 s, the two transports of the hand-worked case above (call 1 from n1, call 3 from n2)
// each take 80 s longer (60 s more at 4/3), and nothing else changes.
TEST_CASE("the oracle's metric reaches transports and the drives home", "[sim][replay]") {
  World w;
  auto in = w.prepare();
  REQUIRE(in.ok());
  std::vector<Weight> slow(w.graph.weights().begin(), w.graph.weights().end());
  for (ArcId a : w.graph.out_arcs(NodeId(2)))
    if (w.graph.head(a) == NodeId(3)) slow[a.value()] *= 2;
  DijkstraOracle free_flow(w.graph), slow_oracle(w.graph, slow);
  ClosestIdle a, b;
  const ReplayResult fast = run_replay(*in, a, free_flow);
  const ReplayResult r = run_replay(*in, b, slow_oracle);
  REQUIRE(r.outcomes.size() == fast.outcomes.size());
  for (std::size_t i = 0; i < r.outcomes.size(); ++i)
    CHECK(r.outcomes[i].response_s() == fast.outcomes[i].response_s());
  CHECK(r.transports == 2);
  CHECK(fast.kpis.utilisation == Approx(6806.0 / 9900.0));
  CHECK(r.kpis.utilisation == Approx((6806.0 + 80 + 80) / 9900.0));
  // The replay prepared no station or hospital table: the ranker has none either.
  CHECK(in->hospitals->travel_time(in->calls[0].position, HospitalId(0), TravelMode::kNormal) ==
        kInfWeight);
}

TEST_CASE("a replay is deterministic", "[sim][replay]") {
  World w;
  auto in = w.prepare();
  REQUIRE(in.ok());
  DijkstraOracle oracle(w.graph);
  ClosestIdle a, b;
  ReplayResult r1 = run_replay(*in, a, oracle);
  ReplayResult r2 = run_replay(*in, b, oracle);
  REQUIRE(r1.outcomes.size() == r2.outcomes.size());
  for (std::size_t i = 0; i < r1.outcomes.size(); ++i) {
    CHECK(r1.outcomes[i].first_dispatch == r2.outcomes[i].first_dispatch);
    CHECK(r1.outcomes[i].first_on_scene == r2.outcomes[i].first_on_scene);
  }
  CHECK(r1.events == r2.events);
}

TEST_CASE("ETA validation compares station-to-call road times with recorded drives", "[sim][eta]") {
  World w;
  auto in = w.prepare();
  REQUIRE(in.ok());
  // Recorded drives (on scene - en route): M1 420 s to n1, M2 120 s to n0, M3 180 s to n2;
  // call 4's M9 is not in the fleet. Predicted from the home stations, lights and sirens:
  // A -> n1 50 s, A -> n0 0 s, B -> n2 0 s. Errors -370, -120, -180.
  EtaValidation v = validate_etas(*in, w.record);
  CHECK(v.metric == "free_flow");
  REQUIRE(v.samples.size() == 3);
  CHECK(v.skipped_not_in_fleet == 1);
  CHECK(v.overall.median_abs_error_s == Approx(180.0));
  CHECK(v.overall.bias_s == Approx(-180.0));
  CHECK(v.overall.mean_error_s == Approx(-670.0 / 3));
  CHECK(v.by_hour[10].count == 3);
  CHECK(v.by_hour[9].count == 0);

  // A metric twice as slow: A -> n1 becomes 100 s; errors -320, -120, -180.
  std::vector<Weight> slow(w.graph.weights().begin(), w.graph.weights().end());
  for (Weight& x : slow) x *= 2;
  EtaValidation t = validate_etas(
      *in, w.record, "slow", [&](SimTime, TravelMode) -> std::span<const Weight> { return slow; });
  REQUIRE(t.samples.size() == 3);
  CHECK(t.overall.mean_error_s == Approx(-620.0 / 3));
  CHECK(t.overall.median_abs_error_s == Approx(180.0));

  // Every unit's first job: it starts from its station whatever idle_before says.
  EtaValidationOptions strict;
  strict.idle_before = std::chrono::hours(100);
  CHECK(validate_etas(*in, w.record, strict).samples.size() == 3);
}

TEST_CASE("ETA validation knows a unit that just cleared a scene is still there", "[sim][eta]") {
  World w;
  // Call 7: M2 cleared call 2 at n0 without transport at 10:30:00 and is sent again at
  // 10:31:30 to n2 (grade I): origin n0, predicted 50 + 70 = 120 s, recorded 10:31:40 ->
  // 10:34:40 = 180 s, error -60 s. With idle_before 30 min it is not "at its station".
  std::string csv = record_csv();
  csv +=
      "7,M2,MEDIC,3,Medical Incident,Potentially Life-Threatening,Other,true,"
      "01/02/2017 10:31:00 AM,01/02/2017 10:31:00 AM,01/02/2017 10:31:30 AM,"
      "01/02/2017 10:31:40 AM,01/02/2017 10:34:40 AM,,,01/02/2017 10:50:00 AM,01," +
      loc(2) + "\n";
  w.record = *parse_recorded_calls("seven.csv", csv);
  auto in = w.prepare();
  REQUIRE(in.ok());
  EtaValidation v = validate_etas(*in, w.record);
  CHECK(v.by_origin[0].count == 3);
  REQUIRE(v.by_origin[1].count == 1);
  CHECK(v.by_origin[1].mean_error_s == Approx(-60.0));
  // Without the previous-scene rule the drive's origin is unknown.
  EtaValidationOptions no_scene;
  no_scene.at_previous_scene_within = SimDuration(0);
  EtaValidation u = validate_etas(*in, w.record, no_scene);
  CHECK(u.samples.size() == 3);
  CHECK(u.skipped_not_at_station == 1);
}

TEST_CASE("repeat_replay: copies far enough apart replay identically, shifted", "[sim][replay]") {
  World w;
  auto in = w.prepare();
  REQUIRE(in.ok());
  // The scenario is over within two hours: copies a day apart cannot interact.
  const ReplayInputs three = repeat_replay(*in, 3, std::chrono::hours(24));
  REQUIRE(three.calls.size() == 12);
  CHECK(three.end == in->end + std::chrono::hours(48));
  DijkstraOracle oracle(w.graph);
  ClosestIdle a, b;
  const ReplayResult one = run_replay(*in, a, oracle);
  const ReplayResult all = run_replay(three, b, oracle);
  for (std::size_t k = 0; k < 3; ++k)
    for (std::size_t i = 0; i < 4; ++i) {
      const CallOutcome& x = one.outcomes[i];
      const CallOutcome& y = all.outcomes[k * 4 + i];
      CHECK(y.first_dispatch == x.first_dispatch + std::chrono::hours(24 * k));
      CHECK(y.first_on_scene == x.first_on_scene + std::chrono::hours(24 * k));
    }
  CHECK(all.kpis.overall.response.mean_s == Approx(one.kpis.overall.response.mean_s));
  CHECK(three.recorded_kpis.overall.response.median_s ==
        Approx(in->recorded_kpis.overall.response.median_s));
}
