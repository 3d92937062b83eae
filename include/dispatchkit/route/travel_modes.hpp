// dispatchkit/route/travel_modes.hpp: lights and sirens against normal driving, decided here
// and nowhere else.
//
//   TravelModeOptions modes;                         // normal_factor 4/3, floor 0.8
//   Weight normal = weight_in_mode(ls_weight, TravelMode::kNormal, modes);    // x 4/3
//   double ls_ratio = lights_sirens_ratio(taxi_time / free_flow, modes);      // traffic
//
// The one model. Every metric dispatchkit routes on (the graph's own weights, a traffic
// slice, a metric with closures) holds lights-and-sirens driving times: what an emergency
// unit needs to the scene and what the recommenders rank by. Normal driving (a non-urgent
// call, a transport without lights, the way home) is that time times `normal_factor`,
// 4/3 by default: the ratio of the two travel modes on every arc of the JEMSS Manhattan
// model (Ong et al., uoa-ems-research/JEMSS.jl: mode 2 "regular" arc times are 4/3 of
// mode 1 "lights and sirens"). Oracles, the replay, the ETA validation and the traffic
// metrics all apply it through weight_in_mode().
//
// Recorded traffic observes normal driving (taxis, probe vehicles). A traffic metric turns
// an arc's observed congestion ratio r (observed time / the graph's time) into a
// lights-and-sirens ratio r / normal_factor, floored at `lights_sirens_floor` (0.8: an
// emergency vehicle on an empty street is modelled at most 25 % faster than the graph's
// time says, never at any speed the division would give). Normal driving on that metric
// is again mode_factor() times its lights-and-sirens time, so a metric built for normal
// driving and an oracle answering TravelMode::kNormal on the lights-and-sirens metric agree
// up to rounding (each arc is rounded once, to the decisecond; tests/traffic/metric_test.cpp).
// The floor thus holds normal driving at 0.8 * 4/3 = 1.07 times the graph's time or more.
//
// The graph's own weights, used as they are, are the free-flow lights-and-sirens metric:
// in these terms, normal driving observed at normal_factor times the graph's time. A taxi
// on an empty street drives near the graph's time (r about 1), which the floor turns into
// 0.8 of it: a night-time traffic metric is faster than the free-flow one, where posted
// speeds are conservative. The calibration (sim/calibration.hpp) fits the scale of either
// against recorded drives.
//
// Graphs that carry road classes will get a factor per class here; until then one factor
// serves every road. A deployment that measured both modes builds a metric per mode and
// sets normal_factor = 1 on the oracle of the normal one.
//
// Everything here is constexpr-friendly, noexcept and allocation-free.
#pragma once

#include <algorithm>
#include <cmath>

#include "dispatchkit/config.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/graph/types.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct TravelModeOptions {
  // Normal-driving time per lights-and-sirens time on the same road in the same traffic.
  double normal_factor = 4.0 / 3.0;
  // Lowest lights-and-sirens time of an arc as a share of the graph's (free-flow) time.
  double lights_sirens_floor = 0.8;
};

// Driving time in mode `m` per lights-and-sirens time: 1, or normal_factor.
[[nodiscard]] constexpr double mode_factor(TravelMode m, const TravelModeOptions& o) noexcept {
  return m == TravelMode::kLightsAndSirens ? 1.0 : o.normal_factor;
}

// Lights-and-sirens weight `w` driven in mode `m`, rounded to the decisecond; saturates
// at kInfWeight.
[[nodiscard]] inline Weight weight_in_mode(Weight w, TravelMode m,
                                           const TravelModeOptions& o) noexcept {
  if (w == kInfWeight || m == TravelMode::kLightsAndSirens) return w;
  const double scaled = std::round(static_cast<double>(w) * mode_factor(m, o));
  return scaled >= static_cast<double>(kInfWeight) ? kInfWeight : static_cast<Weight>(scaled);
}

// The lights-and-sirens time of an arc as a share of the graph's time, from the congestion
// ratio `normal_ratio` that normal driving was observed at.
[[nodiscard]] inline double lights_sirens_ratio(double normal_ratio,
                                                const TravelModeOptions& o) noexcept {
  return std::max(normal_ratio / o.normal_factor, o.lights_sirens_floor);
}

DISPATCHKIT_NAMESPACE_END
