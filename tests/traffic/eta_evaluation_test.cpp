// Tests for route/traffic/eta_evaluation.hpp (the dk-eta-eval protocol) and the library's one
// median definition (detail/statistics.hpp): trips cut from drawn tracks, and hand-computed
// errors of the five models on a profile whose every cell is twice free flow.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "dispatchkit/detail/statistics.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/snap.hpp"
#include "dispatchkit/route/traffic/eta_evaluation.hpp"

using namespace dispatchkit;

namespace {
constexpr double kLat0 = 37.77, kLon0 = -122.42;
const double kDegLon = 200.0 / (111195.0 * std::cos(kLat0 * 3.14159265358979 / 180.0));

// A straight two-way avenue of 9 crossings 200 m apart, eastwards, free flow 10 s per
// block in each direction; node i has external id 100 + i:
//
//   0 -- 1 -- 2 -- 3 -- 4 -- 5 -- 6 -- 7 -- 8        (1.6 km)
RoadGraph avenue() {
  RoadGraphBuilder b("avenue");
  for (int i = 0; i < 9; ++i) b.add_node(100 + i, LatLon{kLat0, kLon0 + i * kDegLon});
  for (int i = 0; i + 1 < 9; ++i) {
    b.add_arc(NodeId(i), NodeId(i + 1), Deciseconds{100}, Meters{200});
    b.add_arc(NodeId(i + 1), NodeId(i), Deciseconds{100}, Meters{200});
  }
  return *std::move(b).build();
}

LatLon at_metres(double s) {
  return {kLat0, kLon0 + s / 200.0 * kDegLon};
}

// A fix every `step_s` seconds at `speed` m/s from metre 0 to `length` m, occupied.
GpsTrack drive(std::int64_t t0, double length, double speed, int step_s = 20) {
  GpsTrack t{"cab", {}};
  for (int k = 0; k * step_s * speed <= length + 1e-9; ++k)
    t.fixes.push_back({t0 + k * step_s, at_metres(k * step_s * speed), true});
  return t;
}

constexpr std::int64_t kMonday8am = 1211209200;  // 2008-05-19 08:00 PDT
}  // namespace

TEST_CASE("one median: nearest rank, the lower middle of an even count", "[traffic][statistics]") {
  std::vector<double> odd = {5, 1, 3};
  CHECK(detail::median(odd) == 3);
  std::vector<double> even = {4, 1, 3, 2};
  CHECK(detail::median(even) == 2);  // not 2.5: always an observed value
  CHECK(detail::nearest_rank(even, 0.9) == 4);
  CHECK(detail::nearest_rank(even, 0.25) == 1);
  std::vector<double> none;
  CHECK(detail::median(none) == 0);
  CHECK(detail::mean(std::vector<double>{1, 2, 6}) == 3);
  CHECK(detail::mean(none) == 0);
}

TEST_CASE("gps_filter_around is the graph's box plus a margin", "[traffic][eta_evaluation]") {
  const RoadGraph g = avenue();
  const GpsFilter f = gps_filter_around(g, {0.005, 0.006});
  CHECK(f.south_west.lat == Approx(kLat0 - 0.005));
  CHECK(f.north_east.lat == Approx(kLat0 + 0.005));
  CHECK(f.south_west.lon == Approx(kLon0 - 0.006));
  CHECK(f.north_east.lon == Approx(kLon0 + 8 * kDegLon + 0.006));
  CHECK(f.excluded_local_days.empty());
  const GpsFilter tight = gps_filter_around(g);
  CHECK(tight.south_west.lon == Approx(kLon0));
}

TEST_CASE("trips are occupied, continuous, long enough and straight", "[traffic][eta_evaluation]") {
  const RoadGraph g = avenue();
  auto snapper = Snapper::build(g);
  REQUIRE(snapper.ok());
  const TimeSlicing week;
  const std::int64_t monday = week.local_day(kMonday8am);

  SECTION("a fare over 1.4 km in 280 s is one trip; the wait before it is not") {
    GpsTrack t = drive(kMonday8am, 1400, 5.0);  // 15 fixes, 100 m apart
    t.fixes.insert(t.fixes.begin(), {{kMonday8am - 60, at_metres(0), false},
                                     {kMonday8am - 40, at_metres(0), false}});
    const std::vector<EtaTrip> trips = cut_trips(std::vector<GpsTrack>{t}, *snapper, week, monday);
    REQUIRE(trips.size() == 1);
    CHECK(trips[0].start_time == kMonday8am);
    CHECK(trips[0].observed_s == 280.0);
    CHECK(trips[0].holdout);
    CHECK(trips[0].slice == week.slice_of(kMonday8am));
    Dijkstra d(g);
    CHECK(d.distance(trips[0].from, trips[0].to) == Deciseconds{700});  // 7 blocks
    // Another held-out day: the same trip is a training trip.
    CHECK_FALSE(cut_trips(std::vector<GpsTrack>{t}, *snapper, week, monday + 1)[0].holdout);
  }
  SECTION("too near, too quick, a gap, unoccupied or circling: no trip") {
    std::vector<EtaTrip> out;
    cut_trips(drive(kMonday8am, 800, 2.0), *snapper, week, monday, out);        // 800 m apart
    cut_trips(drive(kMonday8am, 1400, 10.0, 10), *snapper, week, monday, out);  // 140 s
    GpsTrack gap = drive(kMonday8am, 1400, 5.0);
    for (std::size_t k = 7; k < gap.fixes.size(); ++k) gap.fixes[k].unix_time += 130;  // > 120 s
    cut_trips(gap, *snapper, week, monday, out);
    GpsTrack empty = drive(kMonday8am, 1400, 5.0);
    for (GpsFix& f : empty.fixes) f.occupied = false;
    cut_trips(empty, *snapper, week, monday, out);
    // Out 1.4 km and 300 m back: a 1.7 km polyline for 1.1 km straight (> 1.5 x).
    GpsTrack back = drive(kMonday8am, 1400, 5.0);
    for (int k = 1; k <= 3; ++k)
      back.fixes.push_back({back.fixes.back().unix_time + 20, at_metres(1400 - 100.0 * k), true});
    cut_trips(back, *snapper, week, monday, out);
    CHECK(out.empty());
  }
}

TEST_CASE("five models, calibrated on training trips, scored on the held-out day",
          "[traffic][eta_evaluation]") {
  const RoadGraph g = avenue();
  const TimeSlicing week;
  // Every arc in every slice seen 1000 times at 20 s, twice its free flow: the city ratio
  // and every arc's ratio are 2, so city-slice and time-of-day predict 2 x free flow.
  std::vector<TrafficObservation> cells;
  for (std::uint32_t a = 0; a < g.arc_count(); ++a)
    for (std::uint32_t s = 0; s < week.slice_count(); ++s)
      cells.push_back({ArcId(a), TimeSlice(s), 20.0, 1000});
  auto profile = TrafficProfile::build(g, week, std::move(cells));
  REQUIRE(profile.ok());

  const TimeSlice at8 = week.at(0, 8 * 60), at17 = week.at(0, 17 * 60);
  auto trip = [&](double observed, TimeSlice s, bool holdout, int to = 7) {
    return EtaTrip{0,
                   observed,
                   RoadPosition::at_node(NodeId(0)),
                   RoadPosition::at_node(NodeId(static_cast<std::uint32_t>(to))),
                   s,
                   holdout};
  };
  // 0 -> 7: free flow 70 s, city-slice and time-of-day 140 s.
  const std::vector<EtaTrip> trips = {
      // Training: observed / free flow = 2, 3, 4, 5 -> c = 3 (nearest rank; the interpolated
      // median would be 3.5); observed / time-of-day = 1 ... 2.5 -> c' = 1.5.
      trip(140, at8, false), trip(210, at8, false), trip(280, at17, false), trip(350, at17, false),
      // Held out: two at 08:00, one at 17:00, and one of length 0 (not routable: skipped).
      trip(210, at8, true), trip(280, at8, true), trip(420, at17, true), trip(100, at8, true, 0)};
  const TripEtaEvaluation e = evaluate_trip_etas(g, *profile, trips, week);
  CHECK(e.calibration_trips == 4);
  CHECK(e.free_flow_factor == Approx(3.0));
  CHECK(e.time_of_day_factor == Approx(1.5));

  auto model = [&](EtaModel m) { return e.overall[eta_model_index(m)]; };
  // Free flow 70 s: errors -140, -210, -350.
  CHECK(model(EtaModel::kFreeFlow).trips == 3);
  CHECK(model(EtaModel::kFreeFlow).median_abs_error_s == Approx(210));
  CHECK(model(EtaModel::kFreeFlow).median_error_s == Approx(-210));
  CHECK(model(EtaModel::kFreeFlow).mean_error_s == Approx(-700.0 / 3));
  CHECK(model(EtaModel::kFreeFlow).median_abs_percent_error == Approx(75.0));
  // Calibrated 210 s: errors 0, -70, -210; tod+calib is 140 x 1.5, the same.
  for (const EtaModel m : {EtaModel::kCalibrated, EtaModel::kTimeOfDayCalibrated}) {
    CHECK(model(m).median_abs_error_s == Approx(70));
    CHECK(model(m).median_error_s == Approx(-70));
    CHECK(model(m).mean_error_s == Approx(-280.0 / 3));
    CHECK(model(m).median_abs_percent_error == Approx(25.0));
  }
  // City-slice and time-of-day 140 s: errors -70, -140, -280.
  for (const EtaModel m : {EtaModel::kCitySlice, EtaModel::kTimeOfDay}) {
    CHECK(model(m).median_abs_error_s == Approx(140));
    CHECK(model(m).median_error_s == Approx(-140));
    CHECK(model(m).median_abs_percent_error == Approx(50.0));
  }
  // By hour: 08:00 has the 210 s and 280 s trips; the free-flow median |error| is the lower
  // of 140 and 210 (nearest rank), not 175.
  CHECK(e.by_hour[8][0].trips == 2);
  CHECK(e.by_hour[8][0].median_abs_error_s == Approx(140));
  CHECK(e.by_hour[17][0].trips == 1);
  CHECK(e.by_hour[17][0].median_error_s == Approx(-350));
  CHECK(e.by_hour[9][0].trips == 0);
  CHECK(eta_model_name(EtaModel::kTimeOfDayCalibrated) == "tod+calib");

  SECTION("no training trip: the factors are NaN, not a guess") {
    const std::vector<EtaTrip> held = {trip(210, at8, true)};
    const TripEtaEvaluation h = evaluate_trip_etas(g, *profile, held, week);
    CHECK(h.calibration_trips == 0);
    CHECK(std::isnan(h.free_flow_factor));
    CHECK(h.overall[0].trips == 1);
  }
}
