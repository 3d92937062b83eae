// Shared fixtures of the recommend tests: a hand-drawn town and fleet builders.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "dispatchkit/recommend/recommend.hpp"
#include "fixtures/drawn_graphs.hpp"

namespace dk_rec_test {
using namespace dispatchkit;

// The hand-drawn town: see fixtures/drawn_graphs.hpp.
using dk_fixtures::drawn_town;

inline const CapabilitySet kAlsAmb = CapabilitySet{Capability::kAls} | Capability::kTransport;
inline const CapabilitySet kBlsAmb = CapabilitySet{Capability::kBls} | Capability::kTransport;

inline UnitId add(Fleet& f, const std::string& name, std::uint32_t node, CapabilitySet caps,
                  UnitStatus status = UnitStatus::kAvailableAtStation) {
  auto id = f.add_unit({.call_sign = name,
                        .home_station = node,
                        .capabilities = caps,
                        .status = status,
                        .position = RoadPosition::at_node(NodeId(node))});
  REQUIRE(id.ok());
  return *id;
}

inline Incident incident_at(const RoadPosition& p, CapabilitySet needs = {}, std::uint64_t id = 1) {
  Incident i;
  i.id = IncidentId(id);
  i.position = p;
  i.time = sim_time_from_unix(1483228800);
  i.grade = PriorityGrade::kI;
  i.needs = needs;
  return i;
}

}  // namespace dk_rec_test
