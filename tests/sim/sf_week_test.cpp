// The bundled San Francisco week, end to end: determinism, oracle independence, invariants.
#include <catch2/catch.hpp>

#include "dispatchkit/sim/compare.hpp"
#include "dispatchkit/sim/eta_validation.hpp"
#include "dispatchkit/sim/io/areas_geojson.hpp"
#include "dispatchkit/sim/report.hpp"
#include "dispatchkit/sim/scenario.hpp"
#include "sf_week.hpp"
#include "test_data.hpp"

using namespace dispatchkit;

namespace {

using dk_sim_test::sf_paths;

// The whole pipeline of dk-replay, returning report.json.
std::string replay_report(ReplayScenario& s, bool use_ch) {
  std::vector<ReplayResult> runs;
  for (std::string_view name : {"closest_idle", "coverage_aware"}) {
    absl::StatusOr<ReplayResult> r = replay_strategy(s.inputs, name, use_ch ? s.ch.get() : nullptr);
    REQUIRE(r.ok());
    runs.push_back(*std::move(r));
  }
  std::vector<EtaValidation> eta{validate_etas(s.inputs, s.record)};
  ReplayReportInputs rep;
  rep.inputs = &s.inputs;
  rep.record = &s.record;
  rep.runs = runs;
  rep.eta = eta;
  rep.calls_file = "sf_calls";
  rep.graph_file = "sf_graph";
  rep.seed = s.inputs.options.seed;
  return report_json(rep) + report_table(rep) + response_time_svg(rep) + late_calls_svg(rep);
}

}  // namespace

TEST_CASE("SF week: the same seed gives byte-identical reports; the oracles agree",
          "[sim][replay][data]") {
  absl::StatusOr<std::unique_ptr<ReplayScenario>> a = load_replay_scenario(sf_paths());
  REQUIRE(a.ok());
  absl::StatusOr<std::unique_ptr<ReplayScenario>> b = load_replay_scenario(sf_paths());
  REQUIRE(b.ok());
  const std::string ra = replay_report(**a, true);
  const std::string rb = replay_report(**b, true);
  CHECK(ra == rb);
  CHECK(ra.find("\"calls_replayed\": 2643") != std::string::npos);
  // ChOracle and DijkstraOracle agree to the decisecond on every time, so every decision
  // taken on units at stations is the same. A unit sent while driving home is located
  // along the route its oracle drove, and where two routes home take the same time the CH
  // and Dijkstra may pick different ones: the unit is then at another intersection. That
  // touches a handful of calls in the week, by seconds.
  for (std::string_view name : {"closest_idle", "coverage_aware"}) {
    absl::StatusOr<ReplayResult> ch = replay_strategy((*a)->inputs, name, (*a)->ch.get());
    absl::StatusOr<ReplayResult> dj = replay_strategy((*a)->inputs, name, nullptr);
    REQUIRE(ch.ok());
    REQUIRE(dj.ok());
    std::size_t differ = 0;
    for (std::size_t i = 0; i < ch->outcomes.size(); ++i)
      differ += ch->outcomes[i].first_on_scene != dj->outcomes[i].first_on_scene;
    INFO(name << ": " << differ << " calls reached at another time");
    CHECK(differ <= 5);
    CHECK(std::abs(ch->kpis.overall.response.mean_s - dj->kpis.overall.response.mean_s) < 1.0);
  }

  // Another seed changes only sampled service times (the few the record lacks).
  ReplayScenarioOptions other;
  other.replay.seed = 2;
  absl::StatusOr<std::unique_ptr<ReplayScenario>> c = load_replay_scenario(sf_paths(), other);
  REQUIRE(c.ok());
  CHECK(replay_report(**c, true) != ra);
}

TEST_CASE("SF week: every replayed call is accounted for and timed consistently",
          "[sim][replay][data]") {
  absl::StatusOr<std::unique_ptr<ReplayScenario>> s = load_replay_scenario(sf_paths());
  REQUIRE(s.ok());
  const ReplayInputs& in = (*s)->inputs;
  CHECK(in.calls_in_record == 3560);
  CHECK(in.calls.size() + in.skipped_total() == in.calls_in_record);
  CHECK(in.skipped[static_cast<int>(SkipReason::kNoAmbulance)] == 699);
  // Units: every MEDIC / PRIVATE unit of the record, each based at a real station.
  CHECK(in.units.size() == 75);
  for (const ReplayUnit& u : in.units) {
    CHECK(u.station < in.stations.size());
    CHECK_FALSE(u.on_duty.empty());
  }
  for (std::string_view name : {"closest_idle", "coverage_aware", "preemption"}) {
    absl::StatusOr<ReplayResult> r = replay_strategy(in, name, (*s)->ch.get());
    REQUIRE(r.ok());
    INFO(name);
    REQUIRE(r->outcomes.size() == in.calls.size());
    std::size_t reached = 0;
    for (std::size_t i = 0; i < in.calls.size(); ++i) {
      const CallOutcome& o = r->outcomes[i];
      if (!is_set(o.first_dispatch)) continue;
      CHECK(o.first_dispatch >= in.calls[i].ready);
      if (o.reached()) {
        ++reached;
        // Turnout is at least the rolling one (15 s) before the first unit arrives.
        CHECK(o.first_on_scene >= o.first_dispatch + SimDuration(15));
      }
    }
    // Every call is served in the end: the replay runs until the last unit is home.
    CHECK(reached == in.calls.size());
    CHECK(r->dispatches >= in.calls.size());
    CHECK(r->kpis.utilisation > 0.1);
    CHECK(r->kpis.utilisation < 1.0);
  }
  absl::StatusOr<ReplayResult> unknown = replay_strategy(in, "no_such_strategy");
  CHECK(unknown.status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("SF week: --days splits the record into the days fitted on and the days checked",
          "[sim][replay][data]") {
  auto load = [](std::optional<LocalDayRange> days) {
    ReplayScenarioOptions o;
    o.build_ch = false;
    o.replay.days = days;
    absl::StatusOr<std::unique_ptr<ReplayScenario>> s = load_replay_scenario(sf_paths(), o);
    REQUIRE(s.ok());
    return *std::move(s);
  };
  const auto all = load(std::nullopt);
  const auto fit = load(parse_local_day_range("2016-12-31..2017-01-04"));
  const auto check = load(parse_local_day_range("2017-01-05..2017-01-07"));
  CHECK(all->inputs.calls_outside_days == 0);
  CHECK(fit->inputs.calls.size() + check->inputs.calls.size() == all->inputs.calls.size());
  CHECK(fit->inputs.skipped_total() + check->inputs.skipped_total() == all->inputs.skipped_total());
  for (const auto* s : {fit.get(), check.get()}) {
    const ReplayInputs& in = s->inputs;
    CHECK(in.calls.size() + in.skipped_total() + in.calls_outside_days == in.calls_in_record);
    CHECK(in.recorded_outcomes.size() == in.calls.size());
    CHECK(in.units.size() == all->inputs.units.size());
    CHECK(in.end > in.begin);
  }
  for (const ReplayCall& c : fit->inputs.calls)
    CHECK(fit->inputs.options.days->contains(c.received, fit->inputs.zone));
  for (const ReplayCall& c : check->inputs.calls)
    CHECK(check->inputs.options.days->contains(c.received, check->inputs.zone));
  SimTime last_fit = fit->inputs.calls.front().received;
  SimTime first_check = check->inputs.calls.front().received;
  for (const ReplayCall& c : fit->inputs.calls) last_fit = std::max(last_fit, c.received);
  for (const ReplayCall& c : check->inputs.calls) first_check = std::min(first_check, c.received);
  CHECK(last_fit < first_check);
}

TEST_CASE("SF week: the shift models bracket staffing", "[sim][replay][data]") {
  double hours[3] = {};
  for (ShiftModel m :
       {ShiftModel::kAlwaysOnDuty, ShiftModel::kRecordedBlocks, ShiftModel::kRecordedActivity}) {
    ReplayScenarioOptions o;
    o.replay.shifts = m;
    o.build_ch = false;
    absl::StatusOr<std::unique_ptr<ReplayScenario>> s = load_replay_scenario(sf_paths(), o);
    REQUIRE(s.ok());
    hours[static_cast<int>(m)] = (*s)->inputs.on_duty_seconds() / 3600.0;
  }
  // 75 units over the ~8-day period; every 12-hour block with a dispatch; the active spans.
  CHECK(hours[0] > 14000);
  CHECK(hours[1] < hours[0]);
  CHECK(hours[2] < hours[1]);
  CHECK(hours[2] > 4000);
  CHECK(parse_shift_model("activity") == ShiftModel::kRecordedActivity);
  CHECK_FALSE(parse_shift_model("roster").has_value());
}

TEST_CASE("SF week: as_recorded sends the record's units at the record's dispatch times",
          "[sim][replay][data]") {
  ReplayScenarioOptions o;
  o.replay.days = parse_local_day_range("2017-01-06..2017-01-07");
  absl::StatusOr<std::unique_ptr<ReplayScenario>> s = load_replay_scenario(sf_paths(), o);
  REQUIRE(s.ok());
  const ReplayInputs& in = (*s)->inputs;
  absl::StatusOr<ReplayResult> r = replay_strategy(in, "as_recorded", (*s)->ch.get());
  REQUIRE(r.ok());
  CHECK(r->strategy == "as_recorded");
  // Every due slot is either the recorded unit or a counted substitute.
  std::uint64_t slots = 0;
  for (const ReplayCall& c : in.calls) slots += c.ambulances;
  CHECK(r->recorded_dispatches + r->substituted_dispatches == slots);
  CHECK(r->recorded_dispatches >= slots * 9 / 10);
  // The record's decision wins over the model's state: a unit the model still has on an
  // earlier job is released to go, so substitutes are rare (units outside the fleet).
  CHECK(r->substituted_dispatches <= slots / 50);
  CHECK(r->recorded_units_released > 0);
  CHECK(r->recorded_units_released < r->recorded_dispatches / 5);
  // When the record's first unit went, the simulated first dispatch is the recorded one.
  std::size_t same = 0, first_recorded = 0;
  for (std::uint32_t i = 0; i < in.calls.size(); ++i) {
    const ReplayCall& c = in.calls[i];
    if (c.recorded_unit[0] == kNotInFleet || !is_set(c.recorded_dispatch[0])) continue;
    ++first_recorded;
    if (r->outcomes[i].first_dispatch <= c.recorded_dispatch[0]) ++same;
  }
  CHECK(first_recorded > in.calls.size() * 9 / 10);
  CHECK(same == first_recorded);
  // The record's decisions leave only the model between the two columns: closer to the
  // record than a strategy that chooses its own units.
  absl::StatusOr<ReplayResult> ci = replay_strategy(in, "closest_idle", (*s)->ch.get());
  REQUIRE(ci.ok());
  const double rec = in.recorded_kpis.overall.response.median_s;
  CHECK(std::abs(r->kpis.overall.response.median_s - rec) <
        std::abs(ci->kpis.overall.response.median_s - rec));
  // Unknown names still list the policy beside the strategies.
  absl::StatusOr<ReplayResult> bad = replay_strategy(in, "as_recordd", nullptr);
  CHECK(absl::IsNotFound(bad.status()));
  const std::vector<std::string> names = replay_strategy_names();
  CHECK(names.front() == "as_recorded");
}

TEST_CASE("SF week: area classes give each call its target; departures within 3 min",
          "[sim][replay][data][areas]") {
  // West of -122.45 (the Sunset, the Richmond, the park) rural, one island far away.
  const std::string geojson = R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"class": "rural", "name": "west"},
     "geometry": {"type": "Polygon", "coordinates": [[[-122.53, 37.70], [-122.45, 37.70],
       [-122.45, 37.82], [-122.53, 37.82], [-122.53, 37.70]]]}},
    {"type": "Feature", "properties": {"class": "island"},
     "geometry": {"type": "MultiPolygon", "coordinates": [[[[-123.01, 37.69], [-122.99, 37.69],
       [-122.99, 37.71], [-123.01, 37.69]]]]}}]})";
  absl::StatusOr<AreaMap> areas = parse_areas_geojson(geojson, "areas.geojson");
  REQUIRE(areas.ok());
  ReplayScenarioOptions o;
  o.replay.areas = std::make_shared<const AreaMap>(*areas);
  absl::StatusOr<std::unique_ptr<ReplayScenario>> loaded = load_replay_scenario(sf_paths(), o);
  REQUIRE(loaded.ok());
  const ReplayInputs& in = (*loaded)->inputs;
  std::size_t rural = 0;
  for (const ReplayCall& c : in.calls) {
    const bool west = c.location.lon < -122.45;
    CHECK(c.area == (west ? AreaClass::kRural : AreaClass::kUrban));
    CHECK(c.target_s == in.options.targets.response(c.area, c.grade).count());
    if (west && c.grade == PriorityGrade::kI) CHECK(c.target_s == 720);
    rural += west;
  }
  CHECK(rural > 100);
  absl::StatusOr<ReplayResult> r = replay_strategy(in, "closest_idle", (*loaded)->ch.get());
  REQUIRE(r.ok());
  for (const KpiReport* k : {&in.recorded_kpis, static_cast<const KpiReport*>(&r->kpis)}) {
    CHECK(k->by_area_class[0].calls + k->by_area_class[1].calls == k->overall.calls);
    CHECK(k->by_area_class[1].calls == rural);
    CHECK(k->by_area_class[2].calls == 0);
    CHECK(k->overall.within_target == Approx(1.0 - k->overall.late_fraction));
  }
  // Every unit sent is a departure; the record's come from its dispatch and response stamps.
  CHECK(r->kpis.departures.units == r->dispatches);
  CHECK(r->kpis.departures.share() > 0.5);
  CHECK(in.recorded_kpis.departures.units > 2000);
  CHECK(in.recorded_kpis.departures.share() > 0.5);
  CHECK(in.recorded_kpis.departures.share() < 1.0);
}
