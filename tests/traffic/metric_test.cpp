// Tests for route/traffic/metric.hpp: profile -> weights, fallback, shrinkage, pooling,
// travel modes and closures.
#include <catch2/catch.hpp>

#include <cmath>

#include "dispatchkit/route/dijkstra.hpp"
#include "dispatchkit/route/traffic/metric.hpp"

using namespace dispatchkit;

namespace {
//   0 <====> 1 ----> 2        free flow 10 s (100 ds) per arc; 0 -> 2 direct 60 s
//   \_______________^
RoadGraph street() {
  RoadGraphBuilder b("street");
  b.add_nodes(3, 10);
  b.add_arc(NodeId(0), NodeId(1), Deciseconds{100}, Meters{100});
  b.add_arc(NodeId(1), NodeId(0), Deciseconds{100}, Meters{100});
  b.add_arc(NodeId(1), NodeId(2), Deciseconds{100}, Meters{100});
  b.add_arc(NodeId(0), NodeId(2), Deciseconds{600}, Meters{600});
  return *std::move(b).build();
}

// The street with its Monday 08:00 slice and two forward arcs, where the tests start.
struct Street {
  RoadGraph graph = street();
  TimeSlicing week;
  TimeSlice mon8 = week.at(0, 8 * 60);
  ArcId a01 = *graph.find_arc(NodeId(0), NodeId(1));
  ArcId a12 = *graph.find_arc(NodeId(1), NodeId(2));
};
}  // namespace

TEST_CASE("observed arcs follow the profile, the rest fall back", "[traffic][metric]") {
  const Street fixture;
  const auto& [g, week, mon8, a01, a12] = fixture;
  auto p = TrafficProfile::build(g, week, {{a01, mon8, 30.0, 100}});
  REQUIRE(p.ok());

  TrafficMetricOptions free_prior;
  free_prior.city_factor_prior = false;
  free_prior.modes.lights_sirens_floor = 0;  // pooling alone; the floor is tested below
  TrafficMetricStats stats;
  auto w = make_metric_weights(g, *p, mon8, free_prior, &stats);
  // 100 samples against a prior of 4: exp((100 ln 3) / 104) * 100 ds.
  CHECK(w[a01.value()] ==
        static_cast<Weight>(std::lround(100 * std::exp(100 * std::log(3.0) / 104))));
  CHECK(w[a12.value()] == 100);  // never observed: free flow
  CHECK(stats.arcs_with_observations == 1);
  CHECK(stats.arcs == 4);
  // With the city prior, unobserved arcs take the city-wide ratio of the slice (3 here).
  auto wc = make_metric_weights(g, *p, mon8, {.modes = free_prior.modes}, &stats);
  CHECK(stats.city_ratio == Approx(3.0));
  CHECK(wc[a12.value()] == 300);
  CHECK(wc[a01.value()] == 300);
  // Far from any observation (Monday 20:00): back to the prior everywhere.
  auto evening = make_metric_weights(g, *p, week.at(0, 20 * 60), free_prior);
  CHECK(evening == std::vector<Weight>(g.weights().begin(), g.weights().end()));
  // A global calibration factor multiplies the prior.
  TrafficMetricOptions calibrated = free_prior;
  calibrated.free_flow_factor = 1.5;
  CHECK(make_metric_weights(g, *p, week.at(0, 20 * 60), calibrated)[a12.value()] == 150);
  // The route changes with traffic: 0 -> 2 via 1 at free flow (20 s), direct (60 s)
  // when 0 -> 1 is congested to 30 s and 1 -> 2 to 30 s.
  Dijkstra ff(g);
  CHECK(ff.distance(NodeId(0), NodeId(2)) == Deciseconds{200});
  Dijkstra jam(g, wc);
  CHECK(jam.distance(NodeId(0), NodeId(2)) == Deciseconds{600});
}

TEST_CASE("shrinkage and pooling over slices and days", "[traffic][metric]") {
  const RoadGraph g = street();
  const TimeSlicing week;
  const TimeSlice mon8 = week.at(0, 8 * 60);
  const ArcId a01 = *g.find_arc(NodeId(0), NodeId(1));
  TrafficMetricOptions o;
  o.city_factor_prior = false;
  o.modes.lights_sirens_floor = 0;  // pooling alone
  auto ratio = [&](const TrafficProfile& p, TimeSlice s) {
    return make_metric_weights(g, p, s, o)[a01.value()] / 100.0;
  };
  auto one = TrafficProfile::build(g, week, {{a01, mon8, 30.0, 1}});
  auto many = TrafficProfile::build(g, week, {{a01, mon8, 30.0, 100}});
  // One sample moves the estimate a little (3^(1/5)), a hundred almost all the way.
  CHECK(ratio(*one, mon8) == Approx(std::pow(3.0, 1.0 / 5)).epsilon(0.01));
  CHECK(ratio(*many, mon8) == Approx(std::pow(3.0, 100.0 / 104)).epsilon(0.01));
  // A neighbouring slice pools with weight 2/3 (smoothing_slices = 2), three away not.
  CHECK(ratio(*many, week.advance(mon8, 1)) ==
        Approx(std::pow(3.0, 200.0 / 3 / (200.0 / 3 + 4))).epsilon(0.01));
  CHECK(ratio(*many, week.advance(mon8, 3)) == 1.0);
  // Tuesday 08:00 pools Monday with 0.5, Saturday 08:00 with 0.1.
  CHECK(ratio(*many, week.at(1, 8 * 60)) == Approx(std::pow(3.0, 50.0 / 54)).epsilon(0.01));
  CHECK(ratio(*many, week.at(5, 8 * 60)) == Approx(std::pow(3.0, 10.0 / 14)).epsilon(0.01));
  // Ratios are clamped.
  auto crazy = TrafficProfile::build(g, week, {{a01, mon8, 5000.0, 1000}});
  CHECK(ratio(*crazy, mon8) == o.max_ratio);
}

TEST_CASE("lights and sirens and closures", "[traffic][metric]") {
  const Street fixture;
  const auto& [g, week, mon8, a01, a12] = fixture;
  auto p = TrafficProfile::build(g, week, {{a01, mon8, 40.0, 1000}});
  TrafficMetricOptions normal, ls;
  normal.city_factor_prior = ls.city_factor_prior = false;
  ls.mode = TravelMode::kLightsAndSirens;
  const auto wn = make_metric_weights(g, *p, mon8, normal);
  const auto wl = make_metric_weights(g, *p, mon8, ls);
  // Congested arc: 0.75 of the normal time.
  CHECK(wl[a01.value()] == Approx(0.75 * wn[a01.value()]).margin(1));
  // Free-flowing arc: floored at 0.8 of free flow, not 0.75.
  CHECK(wl[a12.value()] == 80);
  CHECK(scaled_free_flow_weights(g, 1.0, ls)[a12.value()] == 80);
  CHECK(scaled_free_flow_weights(g, 2.0, normal)[a12.value()] == 200);
  // One model of travel modes (route/travel_modes.hpp): normal driving is normal_factor
  // times lights and sirens on every arc, the floor included (0.8 * 4/3 of free flow), so
  // an oracle answering kNormal on the lights-and-sirens metric agrees up to rounding.
  CHECK(wn[a12.value()] == 107);
  CHECK(scaled_free_flow_weights(g, 4.0 / 3.0, ls) ==
        std::vector<Weight>(g.weights().begin(), g.weights().end()));
  for (std::uint32_t a = 0; a < g.arc_count(); ++a)
    CHECK(std::abs(static_cast<double>(weight_in_mode(wl[a], TravelMode::kNormal, ls.modes)) -
                   static_cast<double>(wn[a])) <= 1.0);
  // Closures: kInfWeight on the closed arc only; routes go around it.
  const ArcId closed[] = {a12, ArcId(999)};
  const auto wc = with_closures(wn, closed);
  CHECK(wc[a12.value()] == kInfWeight);
  CHECK(wc[a01.value()] == wn[a01.value()]);
  Dijkstra d(g, wc);
  CHECK(d.distance(NodeId(0), NodeId(2)) ==
        Deciseconds{wn[g.find_arc(NodeId(0), NodeId(2))->value()]});
  CHECK(d.distance(NodeId(1), NodeId(2)).is_infinite() == false);  // 1 -> 0 -> 2
}
