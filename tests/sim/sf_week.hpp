// The bundled San Francisco week's files, for the sim tests that replay it.
#pragma once

#include "dispatchkit/sim/scenario.hpp"
#include "test_data.hpp"

namespace dk_sim_test {

inline dispatchkit::ReplayPaths sf_paths() {
  dispatchkit::ReplayPaths p;
  p.graph = dk_test::bundled("sf/sf_osm_edges.csv.xz");
  p.calls = dk_test::bundled("sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz");
  p.stations = dk_test::bundled("sf/sf_fire_stations.csv");
  p.hospitals = dk_test::bundled("sf/sf_hospitals.csv");
  return p;
}

}  // namespace dk_sim_test
