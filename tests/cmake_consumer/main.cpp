// Builds against the *installed* headers (the umbrella header pulls in every capability):
// a tiny graph, one Dijkstra query, one determinant code looked up in the default plans.
#include <cstdio>

#include "dispatchkit/dispatchkit.hpp"

int main() {
  using namespace dispatchkit;
  RoadGraphBuilder b("consumer");
  const NodeId a = b.add_node(1, LatLon{37.77, -122.42});
  const NodeId c = b.add_node(2, LatLon{37.78, -122.42});
  b.add_arc(a, c, Deciseconds{120}, Meters{400});
  absl::StatusOr<RoadGraph> g = std::move(b).build();
  if (!g.ok()) return 1;
  Dijkstra dijkstra(*g);
  const Deciseconds t = dijkstra.distance(a, c);
  std::printf("dispatchkit %s: %.1f s\n", DISPATCHKIT_VERSION_STRING, t.seconds());
  absl::StatusOr<DeterminantCode> code = DeterminantCode::parse("9-E-1");
  if (!code.ok()) return 1;
  const ResponsePlan* plan = ResponsePlanTable::default_table().lookup(*code);
  if (plan == nullptr || plan->grade != PriorityGrade::kI) return 1;
  return t == Deciseconds{120} ? 0 : 1;
}
