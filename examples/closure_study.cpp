// A closure study: what closing a main road for two hours of the recorded week would have
// done to San Francisco's ambulance responses.
//
//   $ closure_study [DATA_DIR]          (default: the bundled data/ directory)
//
// The road: US-101 (the Central Freeway and the Bayshore Freeway) wherever it runs within
// 2 km of the Hospital Curve interchange (37.7485, -122.4055), both directions: every arc
// of the graph faster than 45 mph there. The time: Tuesday 2017-01-03, 16:00-18:00 local
// time, the evening peak of the first working day of the year. The week's calls are
// replayed twice with closest_idle on the same travel-time seam (a TimeOfDayOracle over a
// customizable CH at free flow, recommend/traffic/), once with the closure scheduled and
// once without, so the closure is the only difference. A call is touched when its first
// ETA it was sent on or its response time changed (calls that only got another crew of
// the same station, at the same times, are counted apart); the cost is what those calls
// lost. dk-replay --closures=FILE runs the same study on any closures file (docs/replay.md).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "dispatchkit/recommend/traffic/time_of_day_oracle.hpp"
#include "dispatchkit/route/cch.hpp"
#include "dispatchkit/sim/compare.hpp"
#include "dispatchkit/sim/scenario.hpp"

int main(int argc, char** argv) {
  using namespace dispatchkit;
  const std::string data = argc > 1 ? argv[1] : DK_EXAMPLE_DATA_DIR;
  const ReplayPaths paths{.graph = data + "/sf/sf_osm_edges.csv.xz",
                          .calls = data + "/sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz",
                          .stations = data + "/sf/sf_fire_stations.csv",
                          .hospitals = data + "/sf/sf_hospitals.csv"};
  auto fail = [](const absl::Status& s) {
    std::fprintf(stderr, "closure_study: %s\n", s.ToString().c_str());
    return 1;
  };
  absl::StatusOr<std::unique_ptr<ReplayScenario>> scenario = load_replay_scenario(paths);
  if (!scenario.ok()) return fail(scenario.status());
  const ReplayScenario& s = **scenario;
  const RoadGraph& g = *s.graph;

  // The closed road: fast arcs (> 45 mph = 20.1 m/s) near the interchange.
  const LatLon interchange{37.7485, -122.4055};
  const std::int64_t from = 1483488000;  // 2017-01-04 00:00 UTC = 2017-01-03 16:00 PST
  const std::int64_t to = from + 2 * 3600;
  std::vector<ScheduledClosure> closure;
  for (std::uint32_t a = 0; a < g.arc_count(); ++a) {
    const ArcId arc(a);
    const double speed_mps = g.length(arc).value() / (static_cast<double>(g.weights()[a]) / 10.0);
    if (speed_mps > 20.1 && haversine(g.coordinate(g.tail(arc)), interchange).value() < 2000 &&
        haversine(g.coordinate(g.head(arc)), interchange).value() < 2000)
      closure.push_back({from, to, arc});
  }

  absl::StatusOr<std::vector<NodeId>> order = cch_order_metis(g);
  if (!order.ok()) return fail(order.status());
  absl::StatusOr<CchTopology> topology = CchTopology::build(g, *order);
  if (!topology.ok()) return fail(topology.status());
  absl::StatusOr<std::shared_ptr<TrafficSlices>> free_flow = TrafficSlices::free_flow(g, *topology);
  if (!free_flow.ok()) return fail(free_flow.status());
  auto oracles = [&](std::span<const ScheduledClosure> closures) -> OracleFactory {
    return [&, closures]() -> absl::StatusOr<OwnedOracle> {
      return OwnedOracle(std::make_unique<TimeOfDayOracle>(
          **free_flow, g,
          TimeOfDayOracleOptions{.modes = s.inputs.options.modes, .closures = closures}));
    };
  };
  absl::StatusOr<ReplayResult> open = replay_strategy(s.inputs, "closest_idle", oracles({}));
  if (!open.ok()) return fail(open.status());
  absl::StatusOr<ReplayResult> shut = replay_strategy(s.inputs, "closest_idle", oracles(closure));
  if (!shut.ok()) return fail(shut.status());

  std::printf(
      "Closed: %zu arcs of US-101 within 2 km of the Hospital Curve, "
      "Tue 2017-01-03 16:00-18:00\n\n",
      closure.size());
  std::printf("%-12s %-6s %-10s %-10s %9s %9s %9s %9s\n", "call", "grade", "unit open", "unit shut",
              "eta open", "eta shut", "resp open", "resp shut");
  std::size_t in_window = 0, touched = 0, other_unit = 0, late_now = 0, same_times_other_unit = 0;
  double lost_s = 0;
  for (std::size_t i = 0; i < s.inputs.calls.size(); ++i) {
    const ReplayCall& c = s.inputs.calls[i];
    const CallOutcome& a = open->outcomes[i];
    const CallOutcome& b = shut->outcomes[i];
    const std::int64_t t = to_unix_seconds(c.received);
    in_window += t >= from && t < to;
    const std::int64_t ra = a.reached() ? a.response_s() : -1;
    const std::int64_t rb = b.reached() ? b.response_s() : -1;
    if (a.predicted_eta_s == b.predicted_eta_s && ra == rb) {
      // Later in the week, another unit of the same station may go at the same times: the
      // closure changed which crew was free, not how the call went.
      same_times_other_unit += a.first_unit != b.first_unit;
      continue;
    }
    ++touched;
    other_unit += a.first_unit != b.first_unit;
    lost_s += static_cast<double>(rb - ra);
    late_now += ra >= 0 && ra <= a.target_s && (rb < 0 || rb > b.target_s);
    auto sign = [&](std::uint32_t u) {
      return u < s.inputs.units.size() ? s.inputs.units[u].call_sign.c_str() : "-";
    };
    std::printf("%-12s %-6s %-10s %-10s %9d %9d %9lld %9lld\n",
                s.record.calls[c.recorded].call_number.c_str(),
                std::string(to_string(c.grade)).c_str(), sign(a.first_unit), sign(b.first_unit),
                a.predicted_eta_s, b.predicted_eta_s, static_cast<long long>(ra),
                static_cast<long long>(rb));
  }
  std::printf(
      "\n%zu calls received in the window; %zu calls touched (%zu sent another unit), "
      "%zu of them now late for their target;\nresponse time lost over the touched calls: "
      "%.0f s (%.1f s per touched call); %zu more calls sent another unit at the same times.\n"
      "Week: median response %.0f s open, %.0f s with the closure; within 8 min %.2f%% vs "
      "%.2f%%.\n",
      in_window, touched, other_unit, late_now, lost_s,
      touched ? lost_s / static_cast<double>(touched) : 0.0, same_times_other_unit,
      open->kpis.overall.response.median_s, shut->kpis.overall.response.median_s,
      100 * open->kpis.overall.within_8min, 100 * shut->kpis.overall.within_8min);
  return 0;
}
