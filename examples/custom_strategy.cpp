// custom_strategy: plug a researcher's own dispatch rule into dispatchkit by name.
//
//   $ custom_strategy
//
// examples/my_strategy.hpp defines KeepStationCovered and registers it in one line; this
// program picks strategies by name, as a CAD configuration file would, and compares the
// researcher's rule with the shipped closest-idle rule on the same calls (bundled SF).
#include <cstdio>
#include <string>
#include <vector>

#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/recommend/recommend.hpp"
#include "my_strategy.hpp"

using namespace dispatchkit;

int main() {
  const std::string data = DK_EXAMPLE_DATA_DIR;
  auto graph = load_graph(data + "/sf/sf_osm_edges.csv.xz");
  if (!graph.ok()) {
    std::fprintf(stderr, "%s\n", graph.status().ToString().c_str());
    return 1;
  }
  // Six ALS ambulances at three stations (two, one, three units).
  Fleet fleet;
  const CapabilitySet als = CapabilitySet{Capability::kAls} | Capability::kTransport;
  const std::uint32_t n = graph->node_count();
  const std::vector<std::pair<std::uint32_t, std::uint32_t>> units = {
      {1, n / 7}, {1, n / 7}, {2, n / 2}, {3, 5 * n / 6}, {3, 5 * n / 6}, {3, 5 * n / 6}};
  for (std::size_t i = 0; i < units.size(); ++i)
    if (!fleet
             .add_unit({.call_sign = "M" + std::to_string(i + 1),
                        .home_station = units[i].first,
                        .capabilities = als,
                        .position = RoadPosition::at_node(NodeId(units[i].second))})
             .ok())
      return 1;

  std::printf("registered strategies:");
  for (const std::string& name : RecommenderRegistry::global().names())
    std::printf(" %s", name.c_str());
  std::printf("\n\n");

  DijkstraOracle dijkstra(*graph);
  AnyOracle oracle(dijkstra);
  RecommenderContext ctx{.graph = &*graph};
  auto baseline = RecommenderRegistry::global().create("closest_idle", ctx);
  auto mine = RecommenderRegistry::global().create("keep_station_covered", ctx);
  if (!baseline.ok() || !mine.ok()) {
    std::fprintf(stderr, "%s\n",
                 (baseline.ok() ? mine.status() : baseline.status()).ToString().c_str());
    return 1;
  }
  // Walk calls across the city; show where the researcher's rule disagrees.
  Recommendation a, b;
  int shown = 0, calls = 0, differ = 0;
  for (std::uint32_t v = 0; v < n; v += 7, ++calls) {
    Incident call;
    call.id = IncidentId(v);
    call.position = RoadPosition::at_node(NodeId(v));
    call.needs = Capability::kAls;
    baseline->recommend(call, fleet, oracle, a);
    mine->recommend(call, fleet, oracle, b);
    if (a.empty() || b.empty() || a.candidates[0].unit == b.candidates[0].unit) continue;
    ++differ;
    if (shown++ < 3) std::printf("%s%s\n", explain(a, fleet).c_str(), explain(b, fleet).c_str());
  }
  std::printf("%s and %s disagree on %d of %d calls\n", std::string(baseline->name()).c_str(),
              std::string(mine->name()).c_str(), differ, calls);
  return 0;
}
