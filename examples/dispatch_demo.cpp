// The README's main demo. Grows with each capability; for now: a hand-drawn street
// block and the travel time from a station to an incident in the middle of a street.
#include <cstdio>

#include "dispatchkit/dispatchkit.hpp"

int main() {
  using namespace dispatchkit;
  RoadGraphBuilder b("demo-block");
  const NodeId station = b.add_node(1, LatLon{37.7749, -122.4194});
  const NodeId corner = b.add_node(2, LatLon{37.7759, -122.4194});
  const NodeId far = b.add_node(3, LatLon{37.7759, -122.4180});
  b.add_arc(station, corner, Deciseconds{150}, Meters{111});
  b.add_arc(corner, far, Deciseconds{180}, Meters{123});
  b.add_arc(far, station, Deciseconds{200}, Meters{170});
  auto g = std::move(b).build();
  if (!g.ok()) {
    std::fprintf(stderr, "%s\n", g.status().ToString().c_str());
    return 1;
  }
  Dijkstra dijkstra(*g);
  const auto incident = RoadPosition::on_arc(*g->find_arc(corner, far), 0.5f);
  const Deciseconds eta = dijkstra.distance(RoadPosition::at_node(station), incident);
  std::printf("station -> incident: %.1f s\n", eta.seconds());
  return 0;
}
