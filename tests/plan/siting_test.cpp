// Station siting checked against exact solvers: every k-subset on small instances, GLPK's
// branch and cut on larger ones, on the bundled San Francisco and Manhattan networks. The
// heuristic must stay within the stated gap (1 %) of the optimum, and its bound must hold.
#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/graph/io/jemss.hpp"
#include "dispatchkit/plan.hpp"
#include "dispatchkit/plan/mip/glpk_siting.hpp"
#include "dispatchkit/route/ch.hpp"
#include "dispatchkit/sim/io/call_files.hpp"
#include "dispatchkit/sim/io/jemss_model.hpp"
#include "dispatchkit/sim/io/sites_csv.hpp"
#include "test_data.hpp"

using namespace dispatchkit;

namespace {

// A city's tables: existing sites and candidates x demand, on times and on road lengths.
struct Instance {
  SiteMatrix existing, candidates, existing_km, candidates_km;
  std::vector<double> weights;
};

struct City {
  RoadGraph graph;
  std::optional<Snapper> snapper;
  ContractionHierarchy ch;
  std::vector<Site> stations;
  PlacedDemand demand;
};

City load_sf() {
  City c;
  GraphLoadOptions o;
  o.keep_largest_scc = true;
  c.graph = *load_graph(dk_test::bundled("sf/sf_osm_edges.csv.xz"), o);
  c.snapper.emplace(*Snapper::build(c.graph));
  c.ch = *ContractionHierarchy::build(c.graph);
  c.stations = *load_sites(dk_test::bundled("sf/sf_fire_stations.csv"));
  RecordedCallsOptions opt;
  opt.zone = *TimeZone::load("America/Los_Angeles");
  c.demand = *place_demand(
      *load_demand(dk_test::bundled("sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz"), opt),
      *c.snapper);
  return c;
}

City load_manhattan() {
  City c;
  GraphLoadOptions o;
  o.keep_largest_scc = true;
  JemssCity model = *load_jemss_city(dk_test::bundled("manhattan"), o);
  c.graph = std::move(model.graph);
  c.snapper.emplace(*Snapper::build(c.graph));
  c.ch = *ContractionHierarchy::build(c.graph);
  c.stations = jemss_fleet(model, *c.snapper).stations;
  c.demand = *place_demand(*load_demand(dk_test::bundled("manhattan/calls_1day_seed1.csv")),
                           *c.snapper, {.max_distance = Meters{50'000}});
  return c;
}

const City& sf() {
  static const City* c = new City(load_sf());
  return *c;
}
const City& manhattan() {
  static const City* c = new City(load_manhattan());
  return *c;
}

// `keep` of the existing sites (the first ones), `candidates` grid candidates (a seeded
// sample) and `points` demand points (a seeded sample).
Instance make_instance(const City& c, std::uint32_t keep, std::uint32_t candidates,
                       std::uint32_t points, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Site> grid = grid_candidates(*c.snapper, Meters{400}, c.demand.locations);
  std::shuffle(grid.begin(), grid.end(), rng);
  grid.resize(std::min<std::size_t>(grid.size(), candidates));
  std::vector<std::uint32_t> idx(c.demand.size());
  for (std::uint32_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::shuffle(idx.begin(), idx.end(), rng);
  idx.resize(std::min<std::size_t>(idx.size(), points));
  std::vector<RoadPosition> pos;
  Instance in;
  for (std::uint32_t i : idx) {
    pos.push_back(c.demand.positions[i]);
    in.weights.push_back(1.0 + static_cast<double>(rng() % 3));  // uneven weights
  }
  std::vector<Site> kept(c.stations.begin(),
                         c.stations.begin() + std::min<std::size_t>(keep, c.stations.size()));
  const std::vector<RoadPosition> at_kept = *place_sites(kept, *c.snapper);
  const std::vector<RoadPosition> at_grid = *place_sites(grid, *c.snapper);
  in.existing = site_times(c.ch, c.graph, at_kept, pos);
  in.candidates = site_times(c.ch, c.graph, at_grid, pos);
  in.existing_km = site_road_distances(c.graph, at_kept, pos);
  in.candidates_km = site_road_distances(c.graph, at_grid, pos);
  return in;
}

SitingProblem problem(const Instance& in, SitingMethod m, std::uint32_t k, Weight limit,
                      bool existing = true) {
  SitingProblem p;
  p.method = m;
  const bool radius = m == SitingMethod::kRadius;
  p.candidates = radius ? &in.candidates_km : &in.candidates;
  p.existing = existing ? (radius ? &in.existing_km : &in.existing) : nullptr;
  p.weights = in.weights;
  p.limit = limit;
  p.k = k;
  return p;
}

// Whether `heuristic` is within `gap` of `optimum` (maximising or minimising).
bool within_gap(SitingMethod m, double heuristic, double optimum, double gap) {
  return siting_maximises(m) ? heuristic >= optimum * (1 - gap) - 1e-12
                             : heuristic <= optimum * (1 + gap) + 1e-9;
}

void check_bound(const SitingProblem& p, const SitingResult& h, double optimum) {
  REQUIRE(h.bound.has_value());
  if (siting_maximises(p.method))
    CHECK(*h.bound >= optimum - 1e-9);
  else
    CHECK(*h.bound <= optimum + 1e-9);
}

constexpr double kStatedGap = 0.01;

}  // namespace

TEST_CASE("siting: the incremental objective equals the plain one", "[plan]") {
  const Instance in = make_instance(sf(), 10, 40, 600, 1);
  for (SitingMethod m : {SitingMethod::kMclp, SitingMethod::kMexclp, SitingMethod::kPMedian,
                         SitingMethod::kRadius}) {
    const SitingProblem p = problem(in, m, 4, m == SitingMethod::kRadius ? 15000 : 1800);
    absl::StatusOr<SitingResult> r = solve_siting(p);
    REQUIRE(r.ok());
    CHECK(r->chosen.size() == 4);
    CHECK(r->objective == Approx(siting_objective(p, r->chosen)).epsilon(1e-9));
    CHECK(r->objective_existing == Approx(siting_objective(p, {})).epsilon(1e-9));
    // p-median counts a point at most unreachable_s.
    if (m == SitingMethod::kPMedian) CHECK(r->objective <= p.unreachable_s);
    // Swaps never make it worse than greedy.
    CHECK(within_gap(m, r->objective, r->greedy_objective, 0.0));
  }
}

TEST_CASE("siting: greedy+swap against every k-subset, SF and Manhattan", "[plan]") {
  // 32 instances: two cities, four seeds, four methods; with and without the existing
  // sites, k 2-3.
  std::uint32_t instances = 0, optimal = 0;
  double worst = 0;
  for (const City* city : {&sf(), &manhattan()}) {
    for (std::uint32_t seed = 1; seed <= 4; ++seed) {
      const Instance in = make_instance(*city, city == &sf() ? 12 : 3, 18, 500, seed);
      for (SitingMethod m : {SitingMethod::kMclp, SitingMethod::kMexclp, SitingMethod::kPMedian,
                             SitingMethod::kRadius}) {
        const bool existing = seed % 2 == 1;
        const std::uint32_t k = 2 + seed % 2;
        const Weight limit = m == SitingMethod::kRadius ? 12000 : (city == &sf() ? 1500 : 2400);
        const SitingProblem p = problem(in, m, k, limit, existing);
        absl::StatusOr<SitingResult> h = solve_siting(p);
        absl::StatusOr<SitingResult> x = solve_siting_exhaustive(p);
        REQUIRE(h.ok());
        REQUIRE(x.ok());
        ++instances;
        CHECK(within_gap(m, h->objective, x->objective, kStatedGap));
        CHECK(within_gap(m, x->objective, h->objective, 0.0));  // nothing beats the optimum
        check_bound(p, *h, x->objective);
        optimal += std::abs(h->objective - x->objective) <= 1e-9 * std::max(1.0, x->objective);
        worst = std::max(worst, std::abs(h->objective - x->objective) / std::abs(x->objective));
      }
    }
  }
  CHECK(instances == 32);
  WARN("greedy+swap optimal on " << optimal << " of " << instances
                                 << " instances; worst relative gap " << worst);
}

TEST_CASE("siting: GLPK agrees with every k-subset, and the heuristic is within 1% of it",
          "[plan]") {
  // Small: GLPK equals the exhaustive optimum.
  const Instance small = make_instance(sf(), 12, 16, 400, 7);
  for (SitingMethod m : {SitingMethod::kMclp, SitingMethod::kMexclp, SitingMethod::kPMedian,
                         SitingMethod::kRadius}) {
    const SitingProblem p = problem(small, m, 3, m == SitingMethod::kRadius ? 12000 : 1500);
    absl::StatusOr<SitingResult> g = solve_siting_mip(p);
    absl::StatusOr<SitingResult> x = solve_siting_exhaustive(p);
    REQUIRE(g.ok());
    REQUIRE(x.ok());
    CHECK(g->optimal);
    CHECK(g->objective == Approx(x->objective).epsilon(1e-9));
  }
  // Larger (exhaustive would take C(120, 6) = 3.6e9 subsets): against GLPK, seeded with the
  // heuristic's answer, on both cities, three seeds each.
  double worst = 0;
  std::uint32_t instances = 0;
  for (const City* city : {&sf(), &manhattan()})
    for (std::uint32_t seed = 11; seed <= 13; ++seed) {
      const Instance in = make_instance(*city, city == &sf() ? 20 : 4, 120, 1500, seed);
      for (SitingMethod m : {SitingMethod::kMclp, SitingMethod::kMexclp, SitingMethod::kRadius,
                             SitingMethod::kPMedian}) {
        const Weight limit = m == SitingMethod::kRadius ? 10000 : (city == &sf() ? 1200 : 2400);
        const SitingProblem p = problem(in, m, 6, limit);
        absl::StatusOr<SitingResult> h = solve_siting(p);
        REQUIRE(h.ok());
        absl::StatusOr<SitingResult> g =
            solve_siting_mip(p, {.time_limit_s = 120, .start = h->chosen});
        REQUIRE(g.ok());
        INFO(siting_method_name(m) << (city == &sf() ? " SF" : " Manhattan") << ": heuristic "
                                   << h->objective << ", optimum " << g->objective);
        CHECK(within_gap(m, h->objective, g->objective, kStatedGap));
        worst = std::max(worst, std::abs(h->objective - g->objective) / std::abs(g->objective));
        ++instances;
        check_bound(p, *h, g->objective);
        CHECK(g->objective == Approx(siting_objective(p, g->chosen)));
        // Without the start GLPK presolves and solves a transformed copy: the same optimum.
        if (seed == 11) {
          absl::StatusOr<SitingResult> cold = solve_siting_mip(p, {.time_limit_s = 120});
          REQUIRE(cold.ok());
          CHECK(cold->objective == Approx(g->objective).epsilon(1e-9));
        }
      }
    }
  CHECK(instances == 24);
  WARN("greedy+swap against GLPK on " << instances
                                      << " instances (120 candidates, k = 6): "
                                         "worst relative gap "
                                      << worst);
}

TEST_CASE("siting: bad problems are named errors", "[plan]") {
  const Instance in = make_instance(sf(), 5, 10, 100, 3);
  SitingProblem p = problem(in, SitingMethod::kMclp, 11, 1800);
  absl::StatusOr<SitingResult> r = solve_siting(p);
  REQUIRE(!r.ok());
  CHECK(r.status().message().find("k = 11 is more than the 10 candidate sites") !=
        std::string_view::npos);
  p.k = 0;
  CHECK(!solve_siting(p).ok());
  p.k = 2;
  const std::vector<double> zero(in.weights.size(), 0.0);
  p.weights = zero;
  CHECK(solve_siting(p).status().message().find("sum to 0") != std::string_view::npos);
  p.weights = in.weights;
  const std::vector<double> short_weights(3, 1.0);
  p.weights = short_weights;
  CHECK(!solve_siting(p).ok());
  CHECK(!solve_siting_mip(p).ok());
  p.weights = in.weights;
  SiteMatrix none;
  p.candidates = &none;
  CHECK(solve_siting(p).status().message().find("no candidate") != std::string_view::npos);
  // The exhaustive solver refuses what it cannot enumerate.
  const Instance big = make_instance(sf(), 5, 200, 100, 3);
  SitingProblem q = problem(big, SitingMethod::kMclp, 8, 1800);
  absl::StatusOr<SitingResult> x = solve_siting_exhaustive(q, 1000);
  REQUIRE(!x.ok());
  CHECK(x.status().code() == absl::StatusCode::kResourceExhausted);
  // GLPK out of time: DeadlineExceeded, not a wrong answer.
  const Instance hard = make_instance(sf(), 0, 100, 600, 5);
  SitingProblem h = problem(hard, SitingMethod::kPMedian, 10, 1800, false);
  absl::StatusOr<SitingResult> g = solve_siting_mip(h, {.time_limit_s = 0.001});
  REQUIRE(!g.ok());
  CHECK(g.status().code() == absl::StatusCode::kDeadlineExceeded);
  CHECK(g.status().message().find("time limit") != std::string_view::npos);
}
