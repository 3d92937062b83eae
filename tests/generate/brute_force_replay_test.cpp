// The replay of generated calls checked against a brute-force simulation: the bundled
// Manhattan day (data/manhattan/calls_1day_seed1.csv, what dk-gencalls writes), replayed by
// the engine with closest_idle on the CH, and simulated here from scratch with a plain
// Dijkstra from every free unit at every decision. Every call's first arrival must agree
// to the second.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "dispatchkit/route/dijkstra.hpp"
#include "dispatchkit/route/travel_modes.hpp"
#include "dispatchkit/sim/compare.hpp"
#include "dispatchkit/sim/scenario.hpp"
#include "test_data.hpp"

using namespace dispatchkit;

namespace {

std::int64_t ceil_s(Weight ds) {
  return (std::int64_t{ds} + 9) / 10;
}

// The model of docs/replay.md, written out plainly for a fleet that never queues a call:
// a unit is sent by the least turnout + drive (ties: the lower unit index), drives, stays
// on scene, takes its patient to the nearest hospital (normal driving unless the
// transport is urgent), hands over, and drives home normally; while driving home it can
// be sent from the last intersection it passed (located every avl_step, on the
// lights-and-sirens times of its route). Events at the same second: the call first (the
// engine schedules every call before it starts).
class BruteForce {
 public:
  explicit BruteForce(const ReplayInputs& in) : in_(in), g_(*in.graph), d_(g_) {
    units_.resize(in.units.size());
  }

  std::vector<SimTime> run() {
    std::vector<SimTime> first_on_scene(in_.calls.size(), kNoTime);
    for (std::size_t i = 0; i < in_.calls.size(); ++i) {
      const ReplayCall& c = in_.calls[i];
      const SimTime t = c.ready;
      std::size_t best = SIZE_MAX;
      Weight best_eta = kInfWeight, best_turnout = 0, best_road = 0;
      for (std::size_t u = 0; u < units_.size(); ++u) {
        const Unit& x = units_[u];
        if (x.busy && !(x.free_at < t)) continue;  // still on a job
        const bool home = !x.busy || x.home_at < t;
        const RoadPosition from = home ? station(u) : where_returning(x, t);
        const Weight turnout =
            (home ? in_.options.fleet.turnout_at_station : in_.options.fleet.turnout_rolling)
                .count();
        const Weight road = weight_in_mode(drive(from, c.position), c.mode, in_.options.modes);
        if (road == kInfWeight) continue;
        const Weight eta = add_weights(turnout, road);
        if (eta < best_eta) best = u, best_eta = eta, best_turnout = turnout, best_road = road;
      }
      REQUIRE(best != SIZE_MAX);  // a fleet that never queues
      const SimTime arrive =
          t + SimDuration(ceil_s(add_weights(best_turnout, best_road)) + c.last_stretch_s);
      first_on_scene[i] = arrive;
      const ServiceTimes& s = c.service[0];
      SimTime free_at = arrive + SimDuration(s.on_scene_s);
      RoadPosition from = c.position;
      if (s.transports) {
        const TravelMode mode =
            c.urgent_transport ? TravelMode::kLightsAndSirens : TravelMode::kNormal;
        Weight nearest = kInfWeight;
        std::size_t h_best = SIZE_MAX;
        const auto hospitals = in_.hospitals->hospitals();
        for (std::size_t h = 0; h < hospitals.size(); ++h) {
          const Weight w =
              weight_in_mode(drive(c.position, hospitals[h].position), mode, in_.options.modes);
          if (w < nearest) nearest = w, h_best = h;
        }
        if (h_best != SIZE_MAX) {
          free_at += SimDuration(ceil_s(nearest) + s.handover_s);
          from = hospitals[h_best].position;
        }
      }
      Unit& x = units_[best];
      x.busy = true;
      x.free_at = free_at;
      x.return_from = from;
      // The drive home, and the intersections it passes with their lights-and-sirens times.
      std::vector<ArcId> arcs;
      const Weight home_ls = d_.path_into(from, station(best), arcs).count();
      const Weight home_w = weight_in_mode(home_ls, TravelMode::kNormal, in_.options.modes);
      x.home_at = free_at + SimDuration(home_w == kInfWeight ? 0 : ceil_s(home_w));
      x.route.clear();
      Weight sum = 0;
      for (std::size_t k = 0; k < arcs.size(); ++k) {
        Weight step = g_.weights()[arcs[k].value()];
        if (k == 0) {
          const SeedPair seeds = source_seeds(g_, g_.weights(), from);
          for (const SearchSeed& seed : seeds.view())
            if (seed.arc == arcs[k]) step = seed.offset;
        }
        sum = add_weights(sum, step);
        x.route.emplace_back(g_.head(arcs[k]), sum);
      }
      if (!station(best).is_node() && !x.route.empty()) x.route.pop_back();
    }
    return first_on_scene;
  }

 private:
  struct Unit {
    bool busy = false;  // has had a job (then free from free_at, home from home_at)
    SimTime free_at{}, home_at{};
    RoadPosition return_from;
    std::vector<std::pair<NodeId, Weight>> route;
  };
  RoadPosition station(std::size_t u) const {
    return in_.station_positions[in_.units[u].waits_at()];
  }
  RoadPosition where_returning(const Unit& x, SimTime t) const {
    std::int64_t elapsed = to_unix_seconds(t) - to_unix_seconds(x.free_at);
    const std::int64_t step = in_.options.avl_step.count();
    if (step > 0) elapsed -= elapsed % step;
    const double ds = static_cast<double>(elapsed) * 10.0 / in_.options.modes.normal_factor;
    RoadPosition p = x.return_from;
    for (const auto& [node, at] : x.route)
      if (static_cast<double>(at) <= ds) p = RoadPosition::at_node(node);
    return p;
  }
  Weight drive(const RoadPosition& from, const RoadPosition& to) {
    const SeedPair seeds = source_seeds(g_, g_.weights(), from);
    d_.run(seeds.view(), Dijkstra::Direction::kForward, NodeId::invalid());
    return d_.distance_to(from, to).count();
  }

  const ReplayInputs& in_;
  const RoadGraph& g_;
  Dijkstra d_;
  std::vector<Unit> units_;
};

}  // namespace

TEST_CASE("generated Manhattan day: the engine's responses equal a brute-force simulation",
          "[generate][replay]") {
  ReplayPaths paths;
  paths.jemss = dk_test::bundled("manhattan");
  paths.calls = dk_test::bundled("manhattan/calls_1day_seed1.csv");
  ReplayScenarioOptions options;
  options.timezone = "America/New_York";
  absl::StatusOr<std::unique_ptr<ReplayScenario>> s = load_replay_scenario(paths, options);
  REQUIRE(s.ok());
  ReplayScenario& sc = **s;
  CHECK(sc.inputs.calls_with_record == 0);
  // JEMSS serves every call: off road at the model's speed (travel_1.csv, 352 km/day).
  CHECK(sc.inputs.skipped_total() == 0);
  CHECK(sc.inputs.options.last_stretch_kmh == Approx(352.0 / 24));
  REQUIRE(sc.inputs.calls.size() > 400);
  // Three crews per published ambulance, so that no call waits for a unit: the brute force
  // then needs no queue discipline.
  std::vector<ReplayUnit> fleet;
  for (int copy = 0; copy < 3; ++copy)
    for (ReplayUnit u : sc.inputs.units) {
      u.call_sign += std::string(1, static_cast<char>('a' + copy));
      fleet.push_back(u);
    }
  std::vector<Hospital> hospitals(sc.inputs.hospitals->hospitals().begin(),
                                  sc.inputs.hospitals->hospitals().end());
  absl::StatusOr<ReplayInputs> in =
      prepare_replay(*sc.graph, *sc.snapper, sc.record, sc.inputs.stations, std::move(hospitals),
                     sc.mapping, sc.plans, sc.inputs.options, fleet);
  REQUIRE(in.ok());
  absl::StatusOr<ReplayResult> r = replay_strategy(*in, "closest_idle", sc.ch.get());
  REQUIRE(r.ok());
  REQUIRE(r->calls_queued == 0);
  const std::vector<SimTime> brute = BruteForce(*in).run();
  std::size_t agree = 0;
  for (std::size_t i = 0; i < brute.size(); ++i) {
    INFO("call " << i << " (" << sc.record.calls[in->calls[i].recorded].call_number << ")");
    CHECK(r->outcomes[i].first_on_scene == brute[i]);
    agree += r->outcomes[i].first_on_scene == brute[i];
  }
  CHECK(agree == brute.size());
  // Returning units were sent: the case the locating rule is for.
  CHECK(r->transports > 0);
}
