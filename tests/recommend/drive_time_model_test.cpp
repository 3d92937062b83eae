// recommend/drive_time_model.hpp: the calibrated drive model and CalibratedOracle, checked
// against the plain oracle it wraps (the model applied by hand to DijkstraOracle's times).
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "recommend_fixtures.hpp"

using namespace dispatchkit;
using namespace dk_rec_test;

namespace {

DriveTimeModel two_band_model() {
  DriveTimeModel m;
  DriveTimeBand near{.up_to_km = 1.0, .intercept_s = 30.0, .factor = 1.2};
  DriveTimeBand far{.intercept_s = 10.0, .factor = 1.5};
  for (std::size_t i = 0; i < QuantileTable::kSteps; ++i) {
    near.residual.q[i] = 0.6 + 0.04 * static_cast<double>(i);  // 0.6 .. 1.4, median 1.0
    far.residual.q[i] = 0.5 + 0.05 * static_cast<double>(i);   // 0.5 .. 1.5
  }
  m.bands = {near, far};
  m.hour_factor[8] = 1.25;
  m.mode_factor[1] = 1.1;
  return m;
}

}  // namespace

TEST_CASE("drive model: quantiles interpolate, bands and factors apply",
          "[recommend][calibration]") {
  const DriveTimeModel m = two_band_model();
  CHECK(m.bands[0].residual.at(0.5) == Approx(1.0));
  CHECK(m.bands[0].residual.at(0.1) == Approx(0.68));
  CHECK(m.bands[0].residual.at(0.975) == Approx(1.38));
  // 0.5 km: near band; 5 km: far band; hour 8 and normal driving multiply.
  constexpr DayKind kW = DayKind::kWorking;
  CHECK(m.median_s(100.0, 0.5, 12, kW, TravelMode::kLightsAndSirens) == Approx(150.0));
  CHECK(m.median_s(100.0, 5.0, 12, kW, TravelMode::kLightsAndSirens) == Approx(160.0));
  CHECK(m.median_s(100.0, 5.0, 8, kW, TravelMode::kLightsAndSirens) == Approx(200.0));
  CHECK(m.median_s(100.0, 5.0, 8, kW, TravelMode::kNormal) == Approx(220.0));
  CHECK(m.quantile_s(100.0, 5.0, 12, kW, TravelMode::kLightsAndSirens, 0.9) == Approx(160.0 * 1.4));
  CHECK(m.quantile_ds(kInfWeight, 1.0, 12, kW, TravelMode::kLightsAndSirens, 0.5) == kInfWeight);
  // A holiday's factor multiplies like the hour's.
  DriveTimeModel h = m;
  h.day_factor[static_cast<std::size_t>(DayKind::kHoliday)] = 0.75;
  CHECK(h.median_s(100.0, 5.0, 8, DayKind::kHoliday, TravelMode::kNormal) == Approx(220.0 * 0.75));
  CHECK(h.median_s(100.0, 5.0, 8, DayKind::kWeekend, TravelMode::kNormal) == Approx(220.0));
  const DriveTimeModel empty;
  CHECK(empty.median_s(123.0, 3.0, 8, DayKind::kHoliday, TravelMode::kNormal) == 123.0);
}

TEST_CASE("CalibratedOracle = the model over the wrapped oracle, with a p10-p90 band per unit",
          "[recommend][calibration]") {
  const RoadGraph g = drawn_town();
  Fleet f({.turnout_at_station = Deciseconds{300}, .turnout_rolling = Deciseconds{0}});
  for (std::uint32_t n = 0; n < g.node_count(); ++n) add(f, "U" + std::to_string(n), n, kAlsAmb);
  DriveTimeModel m = two_band_model();
  m.day_factor[static_cast<std::size_t>(DayKind::kHoliday)] = 0.8;
  DijkstraOracle plain(g), base(g);
  CalibratedOracle calibrated(base, g, m);
  calibrated.set_local_hour(8);
  calibrated.set_day_kind(DayKind::kHoliday);
  REQUIRE(plain.sync(f).ok());
  REQUIRE(calibrated.sync(f).ok());
  std::vector<Weight> raw(f.size()), cal(f.size());
  for (std::uint32_t target = 0; target < g.node_count(); ++target)
    for (TravelMode mode : {TravelMode::kLightsAndSirens, TravelMode::kNormal}) {
      const RoadPosition t = RoadPosition::at_node(NodeId(target));
      plain.travel_times_to(t, mode, raw);
      calibrated.travel_times_to(t, mode, cal);
      for (std::uint32_t u = 0; u < f.size(); ++u) {
        const double km = crow_km(g, f.unit(UnitId(u)).position(), t);
        CHECK(cal[u] == m.quantile_ds(raw[u], km, 8, DayKind::kHoliday, mode, 0.5));
        if (raw[u] == kInfWeight) continue;
        CHECK(calibrated.low(UnitId(u)) <= cal[u]);
        CHECK(cal[u] <= calibrated.high(UnitId(u)));
      }
    }
  // A strategy over the calibrated oracle ranks and shows calibrated ETAs; the band is
  // turnout plus the unit's p10..p90.
  ClosestIdle strategy;
  Recommendation rec;
  strategy.recommend(incident_at(RoadPosition::at_node(NodeId(1))), f, calibrated, rec);
  REQUIRE(!rec.candidates.empty());
  for (const Candidate& c : rec.candidates) CHECK(c.eta_low == c.eta);  // before the bands
  attach_eta_bands(rec, calibrated);
  for (const Candidate& c : rec.candidates) {
    CHECK(c.eta_low <= c.eta);
    CHECK(c.eta <= c.eta_high);
    CHECK(c.eta_low.count() == c.turnout.count() + calibrated.low(c.unit));
  }
  for (std::size_t i = 1; i < rec.candidates.size(); ++i)
    CHECK(rec.candidates[i - 1].eta <= rec.candidates[i].eta);
}
