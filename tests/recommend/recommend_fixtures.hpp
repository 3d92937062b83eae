// Shared fixtures of the recommend tests: a hand-drawn town and fleet builders.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "dispatchkit/recommend/recommend.hpp"

namespace dk_rec_test {
using namespace dispatchkit;

// Node ids 0..7, arc times in deciseconds (600 = 1 min). '=' two-way, '->' one-way.
//
//   0 ==1200== 1 ==1200== 2
//   |          |          |
//  1800       600       1200          6 --300--> 0  (6 can leave, nobody reaches 6)
//   |          |          |
//   3 ==1200== 4 ==2400== 5           7 (isolated)
//
// Shortest times: 4->1 600, 4->0 1800 (4-1-0), 3->0 1800, 5->1 2400 (5-2-1) = 5-4-1 3000.
inline RoadGraph drawn_town() {
  RoadGraphBuilder b("drawn-town");
  for (int i = 0; i < 8; ++i)
    b.add_node(100 + i, LatLon{37.70 + 0.01 * (i / 3), -122.45 + 0.01 * (i % 3)});
  auto two_way = [&](std::uint32_t u, std::uint32_t v, std::uint32_t w) {
    b.add_arc(NodeId(u), NodeId(v), Deciseconds{w}, Meters{w * 1.5});
    b.add_arc(NodeId(v), NodeId(u), Deciseconds{w}, Meters{w * 1.5});
  };
  two_way(0, 1, 1200);
  two_way(1, 2, 1200);
  two_way(0, 3, 1800);
  two_way(1, 4, 600);
  two_way(2, 5, 1200);
  two_way(3, 4, 1200);
  two_way(4, 5, 2400);
  b.add_arc(NodeId(6), NodeId(0), Deciseconds{300}, Meters{450});
  return *std::move(b).build();
}

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
