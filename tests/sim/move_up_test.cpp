// Move-up (recommend/move_up/) and the load knobs (sim/load_scaling.hpp) on the bundled San
// Francisco week: the DMEXCLP gains and the compliance table against a brute-force expected
// coverage, the replay driving the moves, and demand and fleet scaled.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "dispatchkit/recommend/ch_oracle.hpp"
#include "dispatchkit/recommend/closest_idle.hpp"
#include "dispatchkit/recommend/move_up/any_relocator.hpp"
#include "dispatchkit/sim/compare.hpp"
#include "dispatchkit/sim/load_scaling.hpp"
#include "dispatchkit/sim/scenario.hpp"
#include "sf_week.hpp"

using namespace dispatchkit;

namespace {

ReplayScenario& sf() {
  static std::unique_ptr<ReplayScenario> s = [] {
    absl::StatusOr<std::unique_ptr<ReplayScenario>> loaded =
        load_replay_scenario(dk_sim_test::sf_paths());
    REQUIRE(loaded.ok());
    return *std::move(loaded);
  }();
  return *s;
}

// Expected coverage by brute force: per demand point, the road time from every post by a
// backward search from the point (DijkstraOracle over probe units, one per post), not the
// forward searches PostCoverage makes.
struct BruteCoverage {
  std::vector<std::vector<std::uint8_t>> covers;  // [post][demand]
  std::vector<DemandPoint> demand;
  double q;

  BruteCoverage(const RoadGraph& g, const std::vector<RoadPosition>& posts,
                std::vector<DemandPoint> d, const CoverageOptions& o, Deciseconds turnout)
      : covers(posts.size(), std::vector<std::uint8_t>(d.size(), 0)),
        demand(std::move(d)),
        q(o.busy_fraction) {
    Fleet probes;
    for (std::size_t p = 0; p < posts.size(); ++p)
      REQUIRE(probes
                  .add_unit({.call_sign = "P" + std::to_string(p),
                             .home_station = static_cast<std::uint32_t>(p),
                             .capabilities = {},
                             .position = posts[p]})
                  .ok());
    DijkstraOracle oracle(g);
    REQUIRE(oracle.sync(probes).ok());
    std::vector<Weight> t(posts.size());
    for (std::size_t i = 0; i < demand.size(); ++i) {
      oracle.travel_times_to(demand[i].position, TravelMode::kLightsAndSirens, t);
      for (std::size_t p = 0; p < posts.size(); ++p)
        covers[p][i] = t[p] != kInfWeight && t[p] + turnout.count() <= o.target.count();
    }
  }
  // E = sum_d w_d (1 - q^k_d) with units at `at` (post indices, repeats allowed).
  double expected(const std::vector<std::uint32_t>& at) const {
    double e = 0.0;
    for (std::size_t i = 0; i < demand.size(); ++i) {
      int k = 0;
      for (std::uint32_t p : at) k += covers[p][i];
      e += demand[i].weight * (1.0 - std::pow(q, k));
    }
    return e;
  }
};

// A policy that is asked every time and never moves anyone: the replay's move-up hooks
// (locating units, the deferred triggers) must then change nothing.
struct AskedButSilent {
  static constexpr std::string_view kName = "asked_but_silent";
  std::size_t* asked;
  template <TravelTimeOracle Oracle>
  void relocate(const RelocationEvent&, const Fleet& fleet, Oracle&, Relocation& out) noexcept {
    out.begin(fleet.size());
    ++*asked;
  }
};

std::vector<DemandPoint> sample_demand(const ReplayInputs& in, std::size_t n, SimRandom& rng) {
  std::vector<DemandPoint> all = replay_demand(in);
  std::vector<DemandPoint> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(all[rng.below(all.size())]);
  return out;
}

}  // namespace

TEST_CASE("DMEXCLP gains equal brute-force expected coverage; relocate takes the best post",
          "[sim][move_up][data]") {
  ReplayScenario& s = sf();
  const ReplayInputs& in = s.inputs;
  SimRandom rng(7);
  const CoverageOptions opts{
      .target = Deciseconds::from_seconds(300), .busy_fraction = 0.35, .counts = {}};
  const Deciseconds turnout = Deciseconds::from_seconds(60);
  std::vector<DemandPoint> demand = sample_demand(in, 400, rng);
  BruteCoverage brute(*s.graph, in.station_positions, demand, opts, turnout);
  DmexclpMoveUp move_up(*s.graph, in.station_positions, demand, opts, {}, turnout);
  DijkstraOracle oracle(*s.graph);
  const auto posts = static_cast<std::uint32_t>(in.station_positions.size());
  std::size_t checked = 0, moved = 0;
  Relocation out;
  std::vector<double> gains(posts);
  for (int trial = 0; trial < 120; ++trial) {
    Fleet fleet;
    std::vector<std::uint32_t> idle_posts;
    const int units = 5 + static_cast<int>(rng.below(30));
    for (int u = 0; u < units; ++u) {
      const auto post = static_cast<std::uint32_t>(rng.below(posts));
      const bool busy = rng.uniform01() < 0.3;
      const UnitId id = *fleet.add_unit({.call_sign = "M" + std::to_string(u),
                                         .home_station = post,
                                         .capabilities = {},
                                         .position = in.station_positions[post]});
      if (busy) REQUIRE(fleet.dispatch(id, IncidentId(1), PriorityGrade::kI).ok());
      if (!busy && u != 0) idle_posts.push_back(post);
    }
    // Unit 0 comes free (idle, returning) and the rule places it.
    const UnitId freed(0);
    if (fleet.unit(freed).status() == UnitStatus::kDispatched) {
      REQUIRE(fleet.set_status(freed, UnitStatus::kEnRoute).ok());
      REQUIRE(fleet.set_status(freed, UnitStatus::kOnScene).ok());
      REQUIRE(fleet.set_status(freed, UnitStatus::kReturning).ok());
    }
    REQUIRE(move_up.post_gains(fleet, freed, SimTime{}, gains));
    const double base = brute.expected(idle_posts);
    double best = -1.0;
    for (std::uint32_t p = 0; p < posts; ++p) {
      std::vector<std::uint32_t> with = idle_posts;
      with.push_back(p);
      const double g = brute.expected(with) - base;
      CHECK(gains[p] == Approx(g).margin(1e-9));
      best = std::max(best, g);
      ++checked;
    }
    move_up.relocate({RelocationTrigger::kUnitFree, freed, {}}, fleet, oracle, out);
    REQUIRE(out.status.ok());
    REQUIRE(out.moves.size() <= 1);
    if (!out.moves.empty()) CHECK(out.moves[0].unit == freed);
    const std::uint32_t chosen = out.moves.empty() ? fleet.unit(freed).post() : out.moves[0].post;
    REQUIRE(chosen < posts);
    CHECK(gains[chosen] == Approx(best).margin(1e-9));
    moved += !out.moves.empty();
    // A busy trigger moves nobody under DMEXCLP.
    move_up.relocate({RelocationTrigger::kUnitBusy, freed, {}}, fleet, oracle, out);
    CHECK(out.moves.empty());
  }
  CHECK(checked >= 5000);
  CHECK(moved > 0);
}

TEST_CASE("compliance table: nested greedy rows; the policy fills row n with the idle units",
          "[sim][move_up][data]") {
  ReplayScenario& s = sf();
  const ReplayInputs& in = s.inputs;
  SimRandom rng(11);
  const CoverageOptions opts{
      .target = Deciseconds::from_seconds(300), .busy_fraction = 0.3, .counts = {}};
  const Deciseconds turnout = Deciseconds::from_seconds(60);
  std::vector<DemandPoint> demand = sample_demand(in, 300, rng);
  BruteCoverage brute(*s.graph, in.station_positions, demand, opts, turnout);
  PostCoverage coverage(*s.graph, in.station_positions, demand, opts, turnout);
  const ComplianceTable table = ComplianceTable::nested_mexclp(coverage, 25);
  REQUIRE(table.rows() == 25);
  const auto posts = static_cast<std::uint32_t>(in.station_positions.size());
  for (std::uint32_t n = 1; n <= 25; ++n) {
    const auto row = table.row(n);
    REQUIRE(row.size() == n);
    CHECK(std::is_sorted(row.begin(), row.end()));
    std::vector<std::uint32_t> prev(table.row(n - 1).begin(), table.row(n - 1).end());
    // Nested: row n is row n - 1 and one post, the one adding the most expected coverage.
    std::vector<std::uint32_t> cur(row.begin(), row.end());
    std::vector<std::uint32_t> added;
    std::set_difference(cur.begin(), cur.end(), prev.begin(), prev.end(),
                        std::back_inserter(added));
    REQUIRE(added.size() == 1);
    const double base = brute.expected(prev);
    double best = -1.0;
    for (std::uint32_t p = 0; p < posts; ++p) {
      std::vector<std::uint32_t> with = prev;
      with.push_back(p);
      best = std::max(best, brute.expected(with) - base);
    }
    std::vector<std::uint32_t> with = prev;
    with.push_back(added[0]);
    CHECK(brute.expected(with) - base == Approx(best).margin(1e-9));
  }
  CHECK(table.row(40).size() == 25);  // beyond the table: its last row
  CHECK(table.row(0).empty());

  // The policy: whatever the idle units' posts, after its moves they hold row n.
  CompliancePolicy policy(coverage, table);
  DijkstraOracle oracle(*s.graph);
  Relocation out;
  for (int trial = 0; trial < 50; ++trial) {
    Fleet fleet;
    const int units = 3 + static_cast<int>(rng.below(20));
    int idle = 0;
    for (int u = 0; u < units; ++u) {
      const auto post = static_cast<std::uint32_t>(rng.below(posts));
      const UnitId id = *fleet.add_unit({.call_sign = "M" + std::to_string(u),
                                         .home_station = post,
                                         .capabilities = {},
                                         .position = in.station_positions[post]});
      if (rng.uniform01() < 0.25)
        REQUIRE(fleet.dispatch(id, IncidentId(1), PriorityGrade::kI).ok());
      else
        ++idle;
    }
    policy.relocate({RelocationTrigger::kUnitBusy, UnitId(0), {}}, fleet, oracle, out);
    REQUIRE(out.status.ok());
    std::set<std::uint32_t> moved_units;
    for (const Move& m : out.moves) {
      CHECK(is_available(fleet.unit(m.unit).status()));
      CHECK(moved_units.insert(m.unit.value()).second);  // each unit at most once
      REQUIRE(fleet.assign_post(m.unit, m.post).ok());
    }
    std::vector<std::uint32_t> held;
    for (const Unit& u : fleet.units())
      if (is_available(u.status())) held.push_back(u.post());
    std::sort(held.begin(), held.end());
    const auto row = table.row(static_cast<std::uint32_t>(idle));
    CHECK(held == std::vector<std::uint32_t>(row.begin(), row.end()));
    // Asked again at once, it proposes nothing: the table is met.
    policy.relocate({RelocationTrigger::kUnitFree, UnitId(0), {}}, fleet, oracle, out);
    CHECK(out.moves.empty());
  }

  // A planner's table is checked.
  CHECK(ComplianceTable::from_rows({{1}, {1, 2}}, 3).ok());
  CHECK(ComplianceTable::from_rows({{1}, {1}}, 3).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(ComplianceTable::from_rows({{5}}, 3).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(make_relocator("tabu", RelocatorContext{}).status().code() == absl::StatusCode::kNotFound);
  CHECK(make_relocator("dmexclp", RelocatorContext{}).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("SF week: the replay drives move-up moves; none is the plain replay",
          "[sim][move_up][replay][data]") {
  ReplayScenario& s = sf();
  const OracleFactory oracles = free_flow_oracles(s.inputs, s.ch.get());
  absl::StatusOr<ReplayResult> plain = replay_strategy(s.inputs, "closest_idle", oracles);
  REQUIRE(plain.ok());
  CHECK(plain->strategy == "closest_idle");
  CHECK(plain->relocations == 0);
  // A policy asked at every free and every dispatch that proposes nothing: same replay.
  {
    std::size_t asked = 0;
    AnyRelocator silent(AskedButSilent{&asked});
    ClosestIdle strategy;
    ChOracle oracle(*s.ch, *s.graph, s.inputs.options.modes);
    const ReplayResult quiet =
        run_replay(s.inputs, strategy, oracle, DispatchPolicy::kStrategy, &silent);
    CHECK(asked >= quiet.dispatches);
    CHECK(quiet.relocations == 0);
    REQUIRE(quiet.outcomes.size() == plain->outcomes.size());
    std::size_t differ = 0;
    for (std::size_t i = 0; i < plain->outcomes.size(); ++i)
      differ += quiet.outcomes[i].first_on_scene != plain->outcomes[i].first_on_scene;
    CHECK(differ == 0);
    CHECK(quiet.events == plain->events);
  }

  for (std::string_view policy : {"static_mexclp", "dmexclp", "compliance_table"}) {
    INFO(policy);
    absl::StatusOr<ReplayResult> a = replay_strategy(s.inputs, "closest_idle", oracles, policy);
    absl::StatusOr<ReplayResult> b = replay_strategy(s.inputs, "closest_idle", oracles, policy);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(a->strategy == "closest_idle+" + std::string(policy));
    CHECK(a->move_up == policy);
    CHECK(a->relocations > (policy == "static_mexclp" ? 10u : 100u));
    CHECK(a->relocation_drive_s > 0.0);
    CHECK(a->relocations == b->relocations);
    CHECK(a->events == b->events);
    CHECK(a->kpis.overall.response.mean_s == b->kpis.overall.response.mean_s);
    // Every call is still served, and the move-up changes decisions.
    std::size_t reached = 0, differ = 0;
    for (std::size_t i = 0; i < a->outcomes.size(); ++i) {
      reached += a->outcomes[i].reached();
      differ += a->outcomes[i].first_on_scene != plain->outcomes[i].first_on_scene;
    }
    CHECK(reached == a->outcomes.size());
    CHECK(differ > 0);
    // The same policies work with the record's own decisions too.
    absl::StatusOr<ReplayResult> rec = replay_strategy(s.inputs, "as_recorded", oracles, policy);
    REQUIRE(rec.ok());
    CHECK(rec->strategy == "as_recorded+" + std::string(policy));
  }
  CHECK(replay_strategy(s.inputs, "closest_idle", oracles, "tabu").status().code() ==
        absl::StatusCode::kNotFound);
}

TEST_CASE("SF week: demand and fleet scaled, seeded, by hour and place",
          "[sim][move_up][replay][data]") {
  ReplayScenario& s = sf();
  const ReplayInputs& in = s.inputs;
  const std::size_t n = in.calls.size();
  absl::StatusOr<ReplayInputs> same = scale_demand(in, 1.0, 1);
  REQUIRE(same.ok());
  REQUIRE(same->calls.size() == n);
  for (std::size_t i = 0; i < n; ++i) CHECK(same->calls[i].received == in.calls[i].received);
  CHECK(same->recorded_kpis.overall.response.mean_s ==
        Approx(in.recorded_kpis.overall.response.mean_s));

  for (double x : {0.5, 1.5, 2.0, 3.0}) {
    INFO("scale " << x);
    absl::StatusOr<ReplayInputs> a = scale_demand(in, x, 1);
    absl::StatusOr<ReplayInputs> b = scale_demand(in, x, 1);
    absl::StatusOr<ReplayInputs> c = scale_demand(in, x, 2);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    REQUIRE(c.ok());
    const double expect = x * static_cast<double>(n);
    const double sd = std::sqrt(static_cast<double>(n) * 0.25);  // Bernoulli parts
    CHECK(std::abs(static_cast<double>(a->calls.size()) - expect) < 5 * sd + 1);
    REQUIRE(a->calls.size() == b->calls.size());
    bool differs = a->calls.size() != c->calls.size();
    for (std::size_t i = 0; i < a->calls.size(); ++i) {
      CHECK(a->calls[i].received == b->calls[i].received);
      if (!differs && i < c->calls.size()) differs = a->calls[i].received != c->calls[i].received;
    }
    CHECK(differs);
    REQUIRE(a->recorded_outcomes.size() == a->calls.size());
    // Sorted by readiness, and every call is a recorded one in the same clock hour at the
    // same place; copies carry no record.
    std::map<std::uint32_t, const ReplayCall*> original;
    for (const ReplayCall& rc : in.calls) original[rc.recorded] = &rc;
    std::size_t copies = 0;
    for (std::size_t i = 0; i < a->calls.size(); ++i) {
      const ReplayCall& rc = a->calls[i];
      if (i > 0) CHECK(a->calls[i - 1].ready <= rc.ready);
      const ReplayCall& o = *original.at(rc.recorded);
      CHECK(to_unix_seconds(rc.received) / 3600 == to_unix_seconds(o.received) / 3600);
      CHECK(rc.position == o.position);
      CHECK(a->recorded_outcomes[i].call == i);
      if (!is_set(rc.recorded_first_on_scene)) {
        ++copies;
        CHECK(rc.recorded_unit[0] == kNotInFleet);
        CHECK(!a->recorded_outcomes[i].reached());
      }
    }
    CHECK(a->calls_with_record == a->calls.size() - copies);
    if (x < 1) CHECK(copies == 0);
    if (x >= 2) CHECK(copies > n / 2);
    CHECK(a->load_scale == Approx(x));
    // Reseeding (replications) redraws luck but leaves copies without a recorded decision.
    ReplayInputs r = *a;
    REQUIRE(reseed_replay(r, s.record, 9).ok());
    for (std::size_t i = 0; i < r.calls.size(); ++i)
      if (r.calls[i].copy != 0) {
        CHECK(r.calls[i].recorded_unit[0] == kNotInFleet);
        CHECK(!is_set(r.calls[i].recorded_dispatch[0]));
      } else {
        CHECK(r.calls[i].recorded_unit == a->calls[i].recorded_unit);
      }
  }
  // A heavier load replays and shows in the KPIs.
  const OracleFactory oracles = free_flow_oracles(in, s.ch.get());
  absl::StatusOr<ReplayInputs> heavy = scale_demand(in, 2.0, 1);
  REQUIRE(heavy.ok());
  absl::StatusOr<ReplayResult> base = replay_strategy(in, "closest_idle", oracles);
  absl::StatusOr<ReplayResult> loaded = replay_strategy(*heavy, "closest_idle", oracles);
  REQUIRE(base.ok());
  REQUIRE(loaded.ok());
  CHECK(loaded->kpis.utilisation > 1.5 * base->kpis.utilisation);
  CHECK(loaded->kpis.overall.response.mean_s > base->kpis.overall.response.mean_s);

  // Fleet: round(N x X) units, unique call signs, the record's units re-indexed.
  for (double x : {0.5, 0.8, 1.0, 1.5, 2.5}) {
    INFO("fleet scale " << x);
    absl::StatusOr<ReplayInputs> f = scale_fleet(in, x, 3);
    REQUIRE(f.ok());
    CHECK(f->units.size() ==
          static_cast<std::size_t>(std::llround(static_cast<double>(in.units.size()) * x)));
    std::set<std::string> signs;
    for (const ReplayUnit& u : f->units) CHECK(signs.insert(u.call_sign).second);
    for (std::size_t i = 0; i < f->calls.size(); ++i)
      for (std::size_t k = 0; k < kMaxUnitsPerCall; ++k) {
        const std::uint32_t u = f->calls[i].recorded_unit[k];
        const std::uint32_t was = in.calls[i].recorded_unit[k];
        if (u != kNotInFleet)
          CHECK(f->units[u].call_sign == in.units[was].call_sign);
        else if (x >= 1.0)
          CHECK(was == kNotInFleet);
      }
    for (std::size_t i = 0; i < f->recorded_outcomes.size(); ++i) {
      const std::uint32_t u = f->recorded_outcomes[i].first_unit;
      const std::uint32_t was = in.recorded_outcomes[i].first_unit;
      if (u != CallOutcome::kNoUnit)
        CHECK(f->units[u].call_sign == in.units[was].call_sign);
      else if (x >= 1.0)
        CHECK(was == CallOutcome::kNoUnit);
    }
    CHECK(f->load_scale == Approx(1.0 / x));
  }
  for (double bad : {0.0, -1.0, std::nan(""), double{INFINITY}, 1e6}) {
    CHECK(scale_demand(in, bad, 1).status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(scale_fleet(in, bad, 1).status().code() == absl::StatusCode::kInvalidArgument);
  }
  CHECK(scale_fleet(in, 0.001, 1).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(scale_demand(in, 1e-9, 1).status().code() == absl::StatusCode::kInvalidArgument);
}
