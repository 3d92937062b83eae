// Builds against the *installed* headers with dispatchkit::core only: a tiny graph, its
// contraction hierarchy and one CH query, as an integrator that needs no CCH would.
//
//   a --120 ds--> c --30 ds--> d,   a --200 ds--> d
#include <cstdio>

#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/route/ch.hpp"

int main() {
  using namespace dispatchkit;
  RoadGraphBuilder b("ch consumer");
  const NodeId a = b.add_node(1, LatLon{37.77, -122.42});
  const NodeId c = b.add_node(2, LatLon{37.78, -122.42});
  const NodeId d = b.add_node(3, LatLon{37.78, -122.41});
  b.add_arc(a, c, Deciseconds{120}, Meters{400});
  b.add_arc(c, d, Deciseconds{30}, Meters{100});
  b.add_arc(a, d, Deciseconds{200}, Meters{600});
  absl::StatusOr<RoadGraph> g = std::move(b).build();
  if (!g.ok()) return 1;
  absl::StatusOr<ContractionHierarchy> ch = ContractionHierarchy::build(*g);
  if (!ch.ok()) return 1;
  ChQuery query(*ch, *g);
  const Deciseconds t = query.distance(a, d);
  std::printf("dispatchkit::core %s: CH a -> d %.1f s\n", DISPATCHKIT_VERSION_STRING, t.seconds());
  return t == Deciseconds{150} ? 0 : 1;
}
