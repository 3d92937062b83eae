// dispatchkit/sim/io/jemss_model.hpp: a JEMSS city model as a replay's stations, hospitals and
// fleet.
//
//   absl::StatusOr<JemssCity> city = load_jemss_city("data/manhattan");   // graph/io/jemss.hpp
//   Snapper snapper = *Snapper::build(city->graph);
//   JemssFleet f = jemss_fleet(*city, snapper);
//   prepare_replay(city->graph, snapper, calls, f.stations, f.hospitals, mapping, plans, {},
//                  f.units);
//
// JEMSS models name their deployment: each ambulance of ambulances_1.csv waits at its
// station and is on duty for the whole simulation (JEMSS has no shifts). Stations become
// Sites named as the model names them ("station 3" when it does not) and numbered by their
// JEMSS index; hospitals are open emergency departments without specialty data, snapped
// onto the road graph (one that cannot be snapped makes prepare_replay fail, naming it);
// ambulances are called "A<index>" and are ALS transport units (JEMSS class 1 is "als").
// dk-replay --jemss=DIR reads a model this way (sim/scenario.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/graph/io/jemss.hpp"
#include "dispatchkit/recommend/hospital.hpp"
#include "dispatchkit/sim/replay_inputs.hpp"
#include "dispatchkit/sim/sites.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct JemssFleet {
  std::vector<Site> stations;       // in the model's order
  std::vector<Hospital> hospitals;  // in the model's order (a JEMSS hospitalIndex - 1)
  std::vector<ReplayUnit> units;    // one per ambulance, at its station, always on duty
};

// The replay's view of `city` (its graph is not used: it may have been moved out).
template <class SnapperT>
[[nodiscard]] JemssFleet jemss_fleet(const JemssCity& city, const SnapperT& snapper) {
  JemssFleet f;
  for (const JemssStation& s : city.stations)
    f.stations.push_back(Site{s.name.empty() ? absl::StrCat("station ", s.index) : s.name,
                              s.location, static_cast<std::int32_t>(s.index)});
  for (const JemssHospital& h : city.hospitals) {
    Hospital x;
    x.name = h.name.empty() ? absl::StrCat("hospital ", h.index) : h.name;
    x.location = h.location;
    if (auto p = snapper.snap(h.location); p.ok()) x.position = p->position;
    f.hospitals.push_back(std::move(x));
  }
  for (const JemssAmbulance& a : city.ambulances) {
    ReplayUnit u;
    u.call_sign = absl::StrCat("A", a.index);
    for (std::uint32_t i = 0; i < city.stations.size(); ++i)
      if (city.stations[i].index == a.station_index) u.station = i;
    u.capabilities = CapabilitySet{Capability::kAls} | Capability::kBls | Capability::kTransport;
    f.units.push_back(std::move(u));
  }
  return f;
}

DISPATCHKIT_NAMESPACE_END
