// Fleet sizing: Erlang B against its closed form and a brute-force sum on thousands of
// (c, a) pairs, against a seeded loss-system simulation (M/M/c/c and M/G/c/c: the
// insensitivity Erlang B relies on), units_needed's monotonicity, the station x hour table
// on the bundled San Francisco week, and the bad inputs as named errors.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/plan.hpp"
#include "dispatchkit/route/ch.hpp"
#include "dispatchkit/sim/io/call_files.hpp"
#include "dispatchkit/sim/io/sites_csv.hpp"
#include "test_data.hpp"

using namespace dispatchkit;

namespace {

// (a^c / c!) / sum_{k <= c} a^k / k!, summed in long double: the textbook form, exact
// enough for c <= 60 and a <= 100 (a^60 / 60! stays far inside long double's range).
long double erlang_b_direct(unsigned c, long double a) {
  long double term = 1, sum = 1;
  for (unsigned k = 1; k <= c; ++k) {
    term *= a / static_cast<long double>(k);
    sum += term;
  }
  return term / sum;
}

// The share of arrivals lost by a c-server loss system fed Poisson arrivals of rate
// `lambda` with service times from `service` (mean 1): a discrete-event run of `arrivals`
// calls, the first tenth dropped as warm-up.
template <class Service>
double simulate_loss(unsigned c, double lambda, Service service, std::uint32_t arrivals,
                     std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::exponential_distribution<double> gap(lambda);
  std::priority_queue<double, std::vector<double>, std::greater<>> busy_until;
  double t = 0;
  std::uint32_t counted = 0, lost = 0;
  for (std::uint32_t i = 0; i < arrivals; ++i) {
    t += gap(rng);
    while (!busy_until.empty() && busy_until.top() <= t) busy_until.pop();
    const bool blocked = busy_until.size() >= c;
    if (!blocked) busy_until.push(t + service(rng));
    if (i >= arrivals / 10) {
      ++counted;
      lost += blocked;
    }
  }
  return static_cast<double>(lost) / counted;
}

struct SfWeek {
  RoadGraph graph;
  std::optional<Snapper> snapper;
  ContractionHierarchy ch;
  std::vector<Site> stations;
  std::vector<RoadPosition> at;
  RecordedCalls record;
  FleetRecordCalls kept;
  PlacedDemand placed;
  std::vector<PointCoverage> best;
};

const SfWeek& sf() {
  static const SfWeek* week = [] {
    auto* w = new SfWeek;
    GraphLoadOptions o;
    o.keep_largest_scc = true;
    w->graph = *load_graph(dk_test::bundled("sf/sf_osm_edges.csv.xz"), o);
    w->snapper.emplace(*Snapper::build(w->graph));
    w->ch = *ContractionHierarchy::build(w->graph);
    w->stations = *load_sites(dk_test::bundled("sf/sf_fire_stations.csv"));
    w->at = *place_sites(w->stations, *w->snapper);
    w->record =
        *load_recorded_calls(dk_test::bundled("sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz"));
    w->kept = fleet_record_calls(w->record);
    w->placed = *place_demand(w->kept.demand, *w->snapper);
    w->best = best_two(site_times(w->ch, w->graph, w->at, w->placed.positions));
    return w;
  }();
  return *week;
}

}  // namespace

TEST_CASE("erlang_b: closed forms and edge values", "[plan][fleet]") {
  for (double a : {0.001, 0.1, 0.5, 1.0, 2.5, 10.0, 1e3}) {
    CHECK(erlang_b(0, a) == 1.0);
    CHECK(erlang_b(1, a) == Approx(a / (1 + a)).epsilon(1e-14));
    CHECK(erlang_b(2, a) == Approx(a * a / 2 / (1 + a + a * a / 2)).epsilon(1e-13));
  }
  CHECK(erlang_b(4, 2.5) == Approx(0.1499).epsilon(1e-3));  // the banner's example
  CHECK(erlang_b(0, 0) == 1.0);
  CHECK(erlang_b(3, 0) == 0.0);
  CHECK(erlang_b(3, std::numeric_limits<double>::infinity()) == 1.0);
  CHECK(std::isnan(erlang_b(3, -1.0)));
  CHECK(std::isnan(erlang_b(3, std::nan(""))));
  // Huge loads and server counts stay finite, in [0, 1], and move the right way.
  CHECK(erlang_b(10, 1e300) == Approx(1.0));
  const double big = erlang_b(1'000'000, 1e6);
  CHECK(big > 0);
  CHECK(big < 0.01);
  CHECK(erlang_b(2'000, 10.0) == 0.0);  // underflows to 0, no NaN
  // Erlang C: at least B; 1 when the load reaches the servers.
  CHECK(erlang_c(1, 0.5) == Approx(0.5));  // M/M/1: P(wait) = rho
  CHECK(erlang_c(5, 3.0) >= erlang_b(5, 3.0));
  CHECK(erlang_c(5, 3.0) == Approx(0.2362).epsilon(1e-3));
  CHECK(erlang_c(3, 3.0) == 1.0);
  CHECK(erlang_c(3, 0.0) == 0.0);
  CHECK(std::isnan(erlang_c(3, -2.0)));
}

TEST_CASE("erlang_b: the recursion equals the direct sum on 5,000 (c, a) pairs", "[plan][fleet]") {
  std::mt19937_64 rng(14);
  std::uniform_int_distribution<unsigned> servers(0, 60);
  std::uniform_real_distribution<double> log_load(std::log(1e-3), std::log(100.0));
  double worst = 0;
  for (int i = 0; i < 5000; ++i) {
    const unsigned c = servers(rng);
    const double a = std::exp(log_load(rng));
    const long double want = erlang_b_direct(c, a);
    const double got = erlang_b(c, a);
    REQUIRE(want > 0);
    worst = std::max(worst, static_cast<double>(std::fabs((got - want) / want)));
  }
  CHECK(worst < 1e-12);
}

TEST_CASE("erlang_b: a seeded loss simulation, exponential and non-exponential service",
          "[plan][fleet]") {
  struct Case {
    unsigned c;
    double a;
  };
  // Service times of mean 1: exponential (M/M/c/c), constant, and a two-point mix with the
  // same mean but a long tail (5 % at 10.5 x, the rest at 0.5 x: like ambulance transports).
  auto exponential = [](std::mt19937_64& g) { return std::exponential_distribution<double>(1)(g); };
  auto constant = [](std::mt19937_64&) { return 1.0; };
  auto skewed = [](std::mt19937_64& g) {
    return std::bernoulli_distribution(0.05)(g) ? 10.5 : 0.5;
  };
  for (const Case k : {Case{1, 0.5}, Case{3, 2.0}, Case{6, 4.0}, Case{10, 9.0}}) {
    const double want = erlang_b(k.c, k.a);
    const std::uint64_t seed = 1000 + k.c;
    const double m = simulate_loss(k.c, k.a, exponential, 400'000, seed);
    const double d = simulate_loss(k.c, k.a, constant, 400'000, seed);
    const double s = simulate_loss(k.c, k.a, skewed, 400'000, seed);
    INFO("c " << k.c << " a " << k.a << ": B " << want << ", M " << m << ", D " << d << ", G "
              << s);
    CHECK(std::fabs(m - want) < 0.01);
    CHECK(std::fabs(d - want) < 0.01);
    CHECK(std::fabs(s - want) < 0.015);  // the long tail needs more calls to settle
  }
}

TEST_CASE("units_needed: the fewest units, monotone in load and threshold", "[plan][fleet]") {
  CHECK(units_needed(0.0, 0.05) == 0u);
  CHECK(units_needed(1e-9, 0.05) == 1u);
  CHECK(units_needed(2.5, 0.05) == 6u);
  CHECK(!units_needed(-1.0, 0.05));
  CHECK(!units_needed(std::nan(""), 0.05));
  CHECK(!units_needed(std::numeric_limits<double>::infinity(), 0.05));
  CHECK(!units_needed(2 * kMaxOfferedLoad, 0.05));
  CHECK(!units_needed(1.0, 0.0));
  CHECK(!units_needed(1.0, 1.0));
  CHECK(!units_needed(1.0, std::nan("")));
  // An overloaded system loses about (a - c) / a: 5 % at a million Erlangs is ~950,000.
  const std::uint32_t million = *units_needed(kMaxOfferedLoad, 0.05);
  CHECK(million > 940'000);
  CHECK(million < 1'000'000);
  CHECK(erlang_b(million, kMaxOfferedLoad) <= 0.05);
  CHECK(erlang_b(million - 1, kMaxOfferedLoad) > 0.05);
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> load(0, 60), share(0.001, 0.5);
  for (int i = 0; i < 2000; ++i) {
    const double a = load(rng), q = share(rng);
    const std::uint32_t c = *units_needed(a, q);
    REQUIRE(erlang_b(c, a) <= q);
    if (c > 0) REQUIRE(erlang_b(c - 1, a) > q);
    CHECK(*units_needed(a * 1.3, q) >= c);
    CHECK(*units_needed(a, q / 2) >= c);
  }
  std::uint32_t last = 0;
  for (double a = 0; a <= 50; a += 0.25) {
    const std::uint32_t c = *units_needed(a, 0.05);
    CHECK(c >= last);
    last = c;
  }
}

TEST_CASE("size_fleet: a hand-made table", "[plan][fleet]") {
  // Station 0: 14 calls at 09:00 over 7 days (2 per hour); station 1: one call at 23:00;
  // one call that no station reaches; three beyond the target.
  std::vector<FleetCall> calls(14, FleetCall{.station = 0, .hour = 9});
  calls[0].beyond_target = calls[1].beyond_target = true;
  calls.push_back({.station = 1, .hour = 23});
  calls.push_back({});  // unreachable
  const absl::StatusOr<FleetSizing> f =
      size_fleet(calls, 3, {.threshold = 0.05, .days = 7, .service_minutes = 60});
  REQUIRE(f.ok());
  CHECK(f->calls == 16);
  CHECK(f->assigned == 15);
  CHECK(f->unreachable == 1);
  CHECK(f->beyond_target == 3);
  CHECK(f->beyond_target_share == Approx(3.0 / 16));
  const StationHour& h = f->stations[0].hours[9];
  CHECK(h.calls == 14);
  CHECK(h.calls_per_hour == Approx(2.0));
  CHECK(h.load_erlangs == Approx(2.0));
  CHECK(h.units == 5);  // B(4, 2) = 0.095, B(5, 2) = 0.037
  CHECK(h.blocking == Approx(erlang_b(5, 2.0)));
  CHECK(f->stations[0].units == 5);
  CHECK(f->stations[0].hours[10].units == 0);
  CHECK(f->stations[0].hours[10].blocking == 0);
  // One call a week at 23:00: a = 1/7, B(1, a) = 0.125, B(2, a) = 0.0089.
  CHECK(f->stations[1].units == 2);
  CHECK(f->stations[2].units == 0);
  CHECK(f->complement == 7);
  CHECK(f->peak_hour == 9);
  CHECK(f->peak_load == Approx(2.0));
  CHECK(f->city[9].units == 5);
  CHECK(f->city[9].pooled_units == 5);
  CHECK(f->mean_load == Approx((2.0 + 1.0 / 7) / 24));
}

TEST_CASE("size_fleet: the bundled SF week", "[plan][fleet]") {
  const SfWeek& w = sf();
  CHECK(w.kept.days == 8);  // 2016-12-31 .. 2017-01-07
  CHECK(w.kept.calls.size() + w.kept.without_ambulance + w.kept.without_location ==
        w.record.calls.size());
  CHECK(w.kept.calls.size() > 2500);
  const std::vector<FleetCall> calls = first_due_calls(w.record, w.kept, w.placed, w.best, 8);
  REQUIRE(calls.size() == w.placed.size());
  const absl::StatusOr<BusyTime> busy = measure_busy_time(w.record, w.kept.calls);
  REQUIRE(busy.ok());
  CHECK(busy->responses > 2500);
  CHECK(busy->mean_minutes > 30);
  CHECK(busy->mean_minutes < 120);
  CHECK(busy->ambulances_per_call >= 1);
  CHECK(busy->minutes_per_call == Approx(busy->mean_minutes * busy->ambulances_per_call));
  for (double q : {0.01, 0.05, 0.2}) {
    const absl::StatusOr<FleetSizing> f = size_fleet(
        calls, w.stations.size(),
        {.threshold = q, .days = w.kept.days, .service_minutes = busy->minutes_per_call});
    REQUIRE(f.ok());
    // Every placed call is in exactly one station-hour.
    std::uint64_t total = 0;
    double city_load = 0;
    for (const StationFleet& s : f->stations)
      for (const StationHour& h : s.hours) {
        total += h.calls;
        city_load += h.load_erlangs;
        // The threshold holds at the unit count and not at one fewer.
        if (h.load_erlangs > 0) {
          REQUIRE(h.units >= 1);
          CHECK(erlang_b(h.units, h.load_erlangs) <= q);
          CHECK(erlang_b(h.units - 1, h.load_erlangs) > q);
          CHECK(h.blocking <= q);
        } else {
          CHECK(h.units == 0);
        }
      }
    CHECK(total + f->unreachable == w.placed.size());
    CHECK(f->assigned == total);
    // The city's load is the calls' busy hours over the record's hours.
    CHECK(city_load ==
          Approx(static_cast<double>(total) * busy->minutes_per_call / 60.0 / w.kept.days));
    // Pooling needs no more units than the stations alone, and the complement is at least
    // any hour's sum.
    for (const CityHour& h : f->city) {
      CHECK(h.pooled_units <= h.units);
      CHECK(h.units <= f->complement);
    }
    // SF's stations reach nearly every call within 8 min of drive (docs/plan.md).
    CHECK(f->beyond_target_share < 0.01);
  }
  // The record's own fleet: SF's week shows 75 ambulances (MEDIC and PRIVATE units).
  const RecordedFleetUse use = recorded_fleet_use(w.record);
  CHECK(use.ambulances == 75);
  CHECK(use.peak_busy > 10);
  CHECK(use.peak_busy <= use.ambulances);
  CHECK(use.mean_busy > 5);
}

TEST_CASE("fleet files: fleet.json and fleet.csv", "[plan][fleet]") {
  std::vector<FleetCall> calls(8, FleetCall{.station = 1, .hour = 3});
  const FleetSizing f = *size_fleet(calls, 2, {.threshold = 0.1, .days = 4, .service_minutes = 30});
  const std::vector<Site> sites = {{"Station A", {37.7, -122.4}, 1},
                                   {"B, annex", {37.8, -122.4}, 2}};
  FleetRunInfo info;
  info.service_source = "--service-minutes";
  info.population = *population_rule(65'000);
  const nlohmann::ordered_json j = fleet_json(f, sites, info);
  CHECK(j["threshold"] == 0.1);
  CHECK(j["service"]["minutes_per_call"] == 30.0);
  CHECK(j["service"]["source"] == "--service-minutes");
  CHECK(j["stations"].size() == 2);
  CHECK(j["stations"][1]["name"] == "B, annex");
  // a = 2 / h x 0.5 h = 1: B(2, 1) = 0.2, B(3, 1) = 0.0625.
  CHECK(j["stations"][1]["units"] == 3);
  CHECK(j["hours"].size() == 24);
  CHECK(j["population_rule"]["units"] == 3);
  const std::string csv = fleet_csv(f, sites);
  CHECK(csv.starts_with("station,hour,calls_per_hour,load_erlangs,units,blocking\n"));
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 1 + 2 * 24);
  CHECK(csv.find("\"B, annex\",3,2,1,3,0.0625\n") != std::string::npos);
}

TEST_CASE("fleet sizing: bad input is a named error", "[plan][fleet]") {
  const std::vector<FleetCall> one = {{.station = 0, .hour = 1}};
  const FleetSizingOptions ok{.threshold = 0.05, .days = 1, .service_minutes = 45};
  auto error = [&](std::span<const FleetCall> calls, FleetSizingOptions o) {
    const absl::StatusOr<FleetSizing> f = size_fleet(calls, 1, o);
    REQUIRE(!f.ok());
    return f.status();
  };
  CHECK(size_fleet(one, 1, ok).ok());
  absl::Status s = error({}, ok);
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(s.message()).find("no calls") != std::string::npos);
  for (double q : {0.0, 1.0, -0.1, 1.5, std::nan("")}) {
    FleetSizingOptions o = ok;
    o.threshold = q;
    s = error(one, o);
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    CHECK(std::string(s.message()).find("not in (0, 1)") != std::string::npos);
  }
  for (double m : {0.0, -5.0, std::numeric_limits<double>::infinity()}) {
    FleetSizingOptions o = ok;
    o.service_minutes = m;
    s = error(one, o);
    CHECK(std::string(s.message()).find("service minutes") != std::string::npos);
  }
  FleetSizingOptions no_days = ok;
  no_days.days = 0;
  CHECK(std::string(error(one, no_days).message()).find("days") != std::string::npos);
  const std::vector<FleetCall> far = {{.station = 5, .hour = 1}};
  CHECK(error(far, ok).code() == absl::StatusCode::kOutOfRange);
  const std::vector<FleetCall> late = {{.station = 0, .hour = 24}};
  CHECK(error(late, ok).code() == absl::StatusCode::kOutOfRange);
  const std::vector<FleetCall> nowhere = {{}};
  CHECK(std::string(error(nowhere, ok).message()).find("reached by a station") !=
        std::string::npos);

  // A call file without available stamps: the busy time cannot be measured.
  const std::string timeline =
      "call_id,received,latitude,longitude,priority,unit,dispatched,on_scene\n"
      "1,2017-01-01T00:05:00-08:00,37.7793,-122.4193,I,M1,2017-01-01T00:06:00-08:00,"
      "2017-01-01T00:12:00-08:00\n";
  const absl::StatusOr<RecordedCalls> record = parse_call_file("no_times.csv", timeline);
  REQUIRE(record.ok());
  const FleetRecordCalls kept = fleet_record_calls(*record);
  REQUIRE(kept.calls.size() == 1);
  CHECK(kept.days == 1);
  const absl::StatusOr<BusyTime> busy = measure_busy_time(*record, kept.calls);
  REQUIRE(!busy.ok());
  CHECK(busy.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(busy.status().message()).find("no_times.csv") != std::string::npos);
  CHECK(std::string(busy.status().message()).find("--service-minutes") != std::string::npos);

  // The population rule.
  CHECK(population_rule(870'000)->units == 29);
  CHECK(population_rule(30'000)->units == 1);
  CHECK(population_rule(0)->units == 0);
  CHECK(population_rule(100'000, 50'000)->units == 2);
  CHECK(!population_rule(-1).ok());
  CHECK(!population_rule(1000, 0).ok());
}
