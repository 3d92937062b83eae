// The README's main demo: replay a recorded week of San Francisco's 911 calls with two
// dispatch strategies and print the comparison a dispatch centre's manager would read.
//
//   $ replay_demo [DATA_DIR]          (default: the bundled data/ directory)
//
// What happens: the week's calls (DataSF, public domain) are grouped by call number; the
// ones an ambulance reached are replayed on the city's arterial road network with the
// ambulances the record shows on duty, first with "closest_idle" (send the available
// ambulance that gets there first) and then with "coverage_aware" (of those that make the
// 8-minute target, send the one whose absence leaves the least demand uncovered). The
// "recorded" column is what really happened to the same calls, computed by the same code.
// dk-replay does the same with every option and writes JSON, a table and figures.
#include <cstdio>
#include <string>
#include <vector>

#include "dispatchkit/sim/compare.hpp"
#include "dispatchkit/sim/eta_validation.hpp"
#include "dispatchkit/sim/report.hpp"
#include "dispatchkit/sim/scenario.hpp"

int main(int argc, char** argv) {
  using namespace dispatchkit;
  const std::string data = argc > 1 ? argv[1] : DK_EXAMPLE_DATA_DIR;
  const ReplayPaths paths{.graph = data + "/sf/sf_osm_edges.csv.xz",
                          .calls = data + "/sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz",
                          .stations = data + "/sf/sf_fire_stations.csv",
                          .hospitals = data + "/sf/sf_hospitals.csv"};
  absl::StatusOr<std::unique_ptr<ReplayScenario>> scenario = load_replay_scenario(paths);
  if (!scenario.ok()) {
    std::fprintf(stderr, "replay_demo: %s\n", scenario.status().ToString().c_str());
    return 1;
  }
  ReplayScenario& s = **scenario;

  std::vector<ReplayResult> runs;
  for (const char* strategy : {"closest_idle", "coverage_aware"}) {
    absl::StatusOr<ReplayResult> r = replay_strategy(s.inputs, strategy, s.ch.get());
    if (!r.ok()) {
      std::fprintf(stderr, "replay_demo: %s\n", r.status().ToString().c_str());
      return 1;
    }
    runs.push_back(*std::move(r));
  }
  const std::vector<EtaValidation> eta{validate_etas(s.inputs, s.record)};

  ReplayReportInputs report;
  report.inputs = &s.inputs;
  report.record = &s.record;
  report.runs = runs;
  report.eta = eta;
  std::printf("San Francisco, one recorded week of ambulance calls, replayed\n\n%s",
              report_summary(report).c_str());
  return 0;
}
