// JEMSS's call generation: distributions as Distributions.jl defines them, gen_config.xml,
// the population raster, and generated calls checked against their configuration.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>

#include "dispatchkit/sim/generate/call_generator.hpp"
#include "dispatchkit/sim/io/dispatch_timeline.hpp"
#include "dispatchkit/sim/scenario.hpp"
#include "test_data.hpp"

using namespace dispatchkit;

namespace {

bool mentions(const absl::Status& s, std::string_view text) {
  const bool found = std::string(s.message()).find(text) != std::string::npos;
  if (!found) WARN(std::string(s.message()));
  return found;
}

// The upper 0.1 % point of chi-square with `df` degrees of freedom (Wilson-Hilferty).
double chi2_critical(double df) {
  const double z = 3.090232;  // standard normal, upper 0.1 %
  const double a = 2.0 / (9.0 * df);
  return df * std::pow(1.0 - a + z * std::sqrt(a), 3.0);
}

// Chi-square of the calls' cells against the raster's weights, on blocks of `block` x
// `block` cells (10,000 calls over ~450,000 cells would leave most cells with an expected
// count far below 5); blocks expecting fewer than 5 calls are pooled into one bin.
struct ChiSquare {
  double statistic = 0;
  double df = 0;
};
template <class Locate>
ChiSquare chi_square(const DensityRaster& r, std::uint32_t block, std::size_t n, Locate locate) {
  const std::uint32_t bx = (r.nx + block - 1) / block, by = (r.ny + block - 1) / block;
  std::vector<double> expected(std::size_t{bx} * by, 0.0), observed(expected.size(), 0.0);
  const double total = r.total();
  for (std::uint32_t j = 0; j < r.ny; ++j)
    for (std::uint32_t i = 0; i < r.nx; ++i)
      expected[std::size_t{j / block} * bx + i / block] +=
          r.weight[std::size_t{j} * r.nx + i] / total * static_cast<double>(n);
  for (std::size_t k = 0; k < n; ++k) {
    const std::int64_t c = r.cell_of(locate(k));
    REQUIRE(c >= 0);
    const auto i = static_cast<std::uint32_t>(c % r.nx), j = static_cast<std::uint32_t>(c / r.nx);
    observed[std::size_t{j / block} * bx + i / block] += 1;
  }
  ChiSquare x;
  double pooled_e = 0, pooled_o = 0;
  for (std::size_t b = 0; b < expected.size(); ++b) {
    if (expected[b] < 5) {
      pooled_e += expected[b], pooled_o += observed[b];
      continue;
    }
    x.statistic += (observed[b] - expected[b]) * (observed[b] - expected[b]) / expected[b];
    x.df += 1;
  }
  if (pooled_e > 0) {
    x.statistic += (pooled_o - pooled_e) * (pooled_o - pooled_e) / pooled_e;
    x.df += 1;
  }
  x.df -= 1;
  return x;
}

CallGenConfig manhattan_config() {
  absl::StatusOr<CallGenConfig> c =
      load_call_gen_config(dk_test::bundled("manhattan/gen_config.xml"));
  REQUIRE(c.ok());
  return *c;
}
const DensityRaster& manhattan_raster() {
  static const DensityRaster r =
      *load_density_raster(dk_test::bundled("manhattan/manhattan_pop_densit_20m.zip"));
  return r;
}

}  // namespace

TEST_CASE("distributions: Distributions.jl's parameters and Julia's arithmetic", "[generate]") {
  CHECK(*evaluate_expression("1/(18.8*24)") == Approx(1.0 / 451.2));
  CHECK(*evaluate_expression("2.5/60/24") == Approx(2.5 / 1440));
  CHECK(*evaluate_expression("1 + 14 + 0.1") == Approx(15.1));
  CHECK(*evaluate_expression("2^3^2") == 512);  // right-associative
  CHECK(*evaluate_expression("-2^2") == -4);    // ^ binds tighter than unary minus
  CHECK(*evaluate_expression("2*-3") == -6);
  CHECK(*evaluate_expression("1e-3 * 2") == Approx(0.002));
  CHECK_FALSE(evaluate_expression("1/0").ok());
  CHECK(mentions(evaluate_expression("1 + ").status(), "expected a number"));
  CHECK(mentions(evaluate_expression("(1 + 2").status(), "expected ')'"));

  const Distribution e = *Distribution::parse("Exponential(1/(8*24))");
  CHECK(e.mean() == Approx(1.0 / 192));  // θ is the mean: 8 calls an hour, in days
  const Distribution w = *Distribution::parse("Weibull(2, 10)");
  CHECK(w.mean() == Approx(10 * std::tgamma(1.5)));
  const Distribution c = *Distribution::parse("Categorical([0.57, 0.245, 0.185])");
  CHECK(c.mean() == Approx(0.57 + 2 * 0.245 + 3 * 0.185));
  const Distribution n = *Distribution::parse("Normal(50/60/60/24, 0)");
  SimRandom rng(7);
  CHECK(n.sample(rng) == Approx(50.0 / 86400));  // σ = 0: always μ
  const Distribution b = *Distribution::parse(" Bernoulli(0.8) ");
  double ones = 0;
  for (int i = 0; i < 10000; ++i) ones += b.sample(rng);
  CHECK(std::abs(ones / 10000 - 0.8) < 3 * std::sqrt(0.8 * 0.2 / 10000));

  CHECK(mentions(Distribution::parse("Poisson(3)").status(), "unknown distribution 'Poisson'"));
  CHECK(mentions(Distribution::parse("Normal(1)").status(), "Normal takes 2 parameters, got 1"));
  CHECK(mentions(Distribution::parse("Exponential(-1)").status(), "must be > 0"));
  CHECK(mentions(Distribution::parse("Categorical([0.5, 0.4])").status(), "sum to 0.9"));
  CHECK(mentions(Distribution::parse("Bernoulli(1.5)").status(), "[0, 1]"));
  CHECK(mentions(Distribution::parse("Exponential(1) + 2").status(), "the end after ')'"));
}

TEST_CASE("gen_config.xml: the published Manhattan settings, faults by line", "[generate]") {
  const CallGenConfig c = manhattan_config();
  CHECK(c.start_days == 0);
  REQUIRE(c.min_last_call_arrival_days.has_value());
  CHECK(*c.min_last_call_arrival_days == Approx(15.1));
  CHECK(c.interarrival.mean() == Approx(1.0 / (18.8 * 24)));
  CHECK(c.priority.parameters() == std::vector<double>{0.42, 0, 0.58});
  CHECK(c.seeds.interarrival == 1217248832);
  CHECK(c.seeds.cell_location == 1963951879);
  CHECK(c.num_calls_files == 30);

  const std::string text = *read_file(dk_test::bundled("manhattan/gen_config.xml"));
  auto with = [&](std::string_view from, std::string_view to) {
    std::string s = text;
    const std::size_t at = s.find(from);
    REQUIRE(at != std::string::npos);
    s.replace(at, from.size(), to);
    return parse_call_gen_config("g.xml", s).status();
  };
  CHECK(mentions(with("Exponential(7.6/60/24)", "Gamma(2, 1)"), "g.xml:20: <onSceneDuration>"));
  CHECK(mentions(with("Exponential(7.6/60/24)", "Gamma(2, 1)"), "unknown distribution 'Gamma'"));
  CHECK(mentions(with("seed=\"199894915\"", "seed=\"x\""), "g.xml:18: <priority> needs seed"));
  CHECK(mentions(with("<minLastCallArrivalTime>1 + 14 + 0.1</minLastCallArrivalTime>", ""),
                 "exactly one of"));
  CHECK(mentions(with("</genConfig>", ""), "not well-formed XML"));
  CHECK(mentions(with("<mode>calls</mode>", "<mode>all</mode>"), "mode 'all' is not read"));
}

TEST_CASE("raster: the Manhattan GeoTIFF in its zip, covering the network", "[generate]") {
  const DensityRaster& r = manhattan_raster();
  CHECK(r.nx == 458);
  CHECK(r.ny == 988);
  CHECK(r.west == Approx(-74.0193425462));
  CHECK(r.north == Approx(40.8776214765));
  CHECK(r.total() > 0);
  absl::StatusOr<RoadGraph> g = load_jemss_graph(dk_test::bundled("manhattan"));
  REQUIRE(g.ok());
  CHECK(r.check_covers(*g).ok());
  absl::StatusOr<std::vector<JemssTravelMode>> modes =
      load_jemss_travel_modes(dk_test::bundled("manhattan/travel_1.csv"));
  REQUIRE(modes.ok());
  REQUIRE(modes->size() == 2);
  CHECK((*modes)[0].off_road_kmh == Approx(14.6667));  // 352 km/day, "= 14.7*24"
  CHECK((*modes)[1].off_road_kmh == Approx(11.0));
  // San Francisco is not in Manhattan's raster.
  absl::StatusOr<RoadGraph> sf = load_graph(dk_test::bundled("sf/sf_osm_edges.csv.xz"));
  REQUIRE(sf.ok());
  CHECK(mentions(r.check_covers(*sf), "the raster covers lat 40.6998..40.8776"));
  CHECK(load_density_raster("no_such.tif").status().code() == absl::StatusCode::kNotFound);
  CHECK(mentions(load_density_raster(dk_test::bundled("manhattan/gen_config.xml")).status(),
                 "not a raster GDAL reads"));
}

TEST_CASE("generated calls match their configuration (10,000 Manhattan calls)", "[generate]") {
  CallGenConfig config = manhattan_config();
  config.min_last_call_arrival_days.reset();
  constexpr std::size_t kN = 10000;
  config.num_calls = kN;
  const DensityRaster& raster = manhattan_raster();
  absl::StatusOr<GeneratedCalls> g = generate_calls(config, raster);
  REQUIRE(g.ok());
  const std::vector<RecordedCall>& calls = g->record.calls;
  REQUIRE(calls.size() == kN);
  const double n = kN;
  auto within = [&](double observed, double expected, double se, std::string_view what) {
    INFO(what << ": " << observed << " against " << expected << " +- 3 x " << se);
    CHECK(std::abs(observed - expected) <= 3 * se);
  };
  // Arrival rate: the mean gap between calls (days, from the whole seconds written).
  const double span =
      static_cast<double>(to_unix_seconds(calls.back().received) - to_unix_seconds(g->time_zero)) /
      86400.0;
  within(span / n, config.interarrival.mean(), config.interarrival.stddev() / std::sqrt(n),
         "mean interarrival (days)");
  // Priority mix.
  const std::vector<double>& p = config.priority.parameters();
  for (std::size_t k = 0; k < 3; ++k)
    within(static_cast<double>(g->by_priority[k]) / n, p[k], std::sqrt(p[k] * (1 - p[k]) / n),
           "priority share");
  double on_scene = 0, handover = 0, transported = 0, delay_off = 0;
  for (const RecordedCall& c : calls) {
    on_scene += c.planned->on_scene_s;
    if (c.planned->transports == 1) {
      transported += 1;
      handover += c.planned->handover_s;
    } else {
      CHECK(c.planned->handover_s == 0);
    }
    delay_off += std::abs(c.planned->dispatch_delay_s - 150);  // Normal(2.5 min, 0)
  }
  CHECK(delay_off == 0);
  within(on_scene / n / 86400, config.on_scene.mean(), config.on_scene.stddev() / std::sqrt(n),
         "mean on-scene (days)");
  within(transported / n, config.transport.mean(), config.transport.stddev() / std::sqrt(n),
         "transport share");
  within(handover / transported / 86400, config.handover.mean(),
         config.handover.stddev() / std::sqrt(transported), "mean handover (days)");
  // Where the calls are: cells drawn by density (chi-square on 10 x 10 cell blocks).
  const ChiSquare x = chi_square(raster, 10, kN, [&](std::size_t k) { return calls[k].location; });
  INFO("chi-square " << x.statistic << " on " << x.df << " degrees of freedom");
  CHECK(x.df > 50);
  CHECK(x.statistic < chi2_critical(x.df));
  // ... and the test can fail: uniform points over the raster's extent are rejected.
  SimRandom u(3);
  std::vector<LatLon> uniform;
  for (std::size_t k = 0; k < kN; ++k) {
    LatLon q;
    do {
      q = {raster.south() + u.uniform01() * (raster.north - raster.south()),
           raster.west + u.uniform01() * (raster.east() - raster.west)};
    } while (raster.weight[static_cast<std::size_t>(raster.cell_of(q))] == 0);
    uniform.push_back(q);
  }
  CHECK(chi_square(raster, 10, kN, [&](std::size_t k) { return uniform[k]; }).statistic >
        chi2_critical(x.df));

  // The same seed gives the same calls; another seed other calls.
  absl::StatusOr<GeneratedCalls> again = generate_calls(config, raster);
  CHECK(timeline_csv(again->record, TimeZone::utc()) == timeline_csv(g->record, TimeZone::utc()));
  absl::StatusOr<GeneratedCalls> other = generate_calls(config, raster, {.seed = 2});
  CHECK(timeline_csv(other->record, TimeZone::utc()) != timeline_csv(g->record, TimeZone::utc()));
  // The stop rules: JEMSS's minLastCallArrivalTime (15.1 days) ends after the first call
  // at or past it; --days ends before the first call past it.
  const CallGenConfig published = manhattan_config();
  absl::StatusOr<GeneratedCalls> whole = generate_calls(published, raster);
  const double last = static_cast<double>(to_unix_seconds(whole->record.calls.back().received) -
                                          to_unix_seconds(whole->time_zero)) /
                      86400.0;
  CHECK(last >= 15.1 - 1e-5);
  CHECK(last < 15.1 + 0.01);
  absl::StatusOr<GeneratedCalls> day = generate_calls(published, raster, {.days = 1.0});
  CHECK(to_unix_seconds(day->record.calls.back().received) - to_unix_seconds(day->time_zero) <=
        86400);
}

TEST_CASE("Auckland: its published settings and 40 m raster generate a year of calls",
          "[generate][shared]") {
  const auto dir = dk_test::shared("jemss/auckland/auckland-pop-densit-40m.zip");
  if (!dir) {
    WARN(dk_test::skipped("jemss/auckland/auckland-pop-densit-40m.zip"));
    return;
  }
  absl::StatusOr<CallGenConfig> c =
      load_call_gen_config(*dk_test::shared("jemss/auckland/gen_config.xml"));
  REQUIRE(c.ok());
  absl::StatusOr<DensityRaster> r = load_density_raster(*dir);
  REQUIRE(r.ok());
  CHECK(r->nx == 2538);
  absl::StatusOr<RoadGraph> g = load_jemss_graph(*dk_test::shared("jemss/auckland"));
  REQUIRE(g.ok());
  CHECK(r->check_covers(*g).ok());
  absl::StatusOr<GeneratedCalls> year = generate_calls(*c, *r, {.days = 365});
  REQUIRE(year.ok());
  const double n = static_cast<double>(year->record.calls.size());
  // Exponential(1/280): 280 calls a day.
  CHECK(std::abs(n - 365 * 280) < 3 * std::sqrt(365 * 280.0));
  const ChiSquare x = chi_square(*r, 25, year->record.calls.size(),
                                 [&](std::size_t k) { return year->record.calls[k].location; });
  INFO("chi-square " << x.statistic << " on " << x.df << " degrees of freedom");
  CHECK(x.statistic < chi2_critical(x.df));
}
