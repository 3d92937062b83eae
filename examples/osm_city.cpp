// osm_city: the README's first program on a real OpenStreetMap extract (the bundled cut of
// Monaco): import with the ambulance profile, snap two ambulances and an incident, rank the
// units by road time with one bucket many-to-one search, and give the dispatcher the route
// of the fastest as directions and as a polyline the CAD map draws.
//
//   $ osm_city                                  # data/osm/monaco_center.osm.pbf
//   $ osm_city city.osm.pbf LAT,LON LAT,LON LAT,LON   # your extract: unit, unit, incident
#include <cstdio>
#include <string>
#include <vector>

#include "dispatchkit/dispatchkit.hpp"

using namespace dispatchkit;

namespace {
bool parse_point(const char* s, LatLon& out) {
  return std::sscanf(s, "%lf,%lf", &out.lat, &out.lon) == 2 && out.is_valid();
}
}  // namespace

int main(int argc, char** argv) {
  std::string path = std::string(DK_EXAMPLE_DATA_DIR) + "/osm/monaco_center.osm.pbf";
  LatLon points[3] = {{43.7384, 7.4246}, {43.7311, 7.4197}, {43.7396, 7.4270}};
  if (argc == 5) {
    path = argv[1];
    for (int i = 0; i < 3; ++i)
      if (!parse_point(argv[2 + i], points[i])) {
        std::fprintf(stderr, "osm_city: '%s' is not LAT,LON\n", argv[2 + i]);
        return 2;
      }
  } else if (argc != 1) {
    std::fprintf(stderr, "usage: osm_city [EXTRACT.osm.pbf UNIT1 UNIT2 INCIDENT] (LAT,LON)\n");
    return 2;
  }
  absl::StatusOr<OsmImport> city = import_osm(path);  // ambulance profile
  if (!city.ok()) {
    std::fprintf(stderr, "osm_city: %s\n", city.status().ToString().c_str());
    return 1;
  }
  std::printf("%s\n%s", path.c_str(), city->report.summary().c_str());
  const RoadGraph& g = city->graph;
  absl::StatusOr<Snapper> snapper = Snapper::build(g);
  absl::StatusOr<ContractionHierarchy> ch = ContractionHierarchy::build(g);
  if (!snapper.ok() || !ch.ok()) return 1;
  RoadPosition at[3];
  for (int i = 0; i < 3; ++i) {
    const auto snapped = snapper->snap(points[i]);
    if (!snapped.ok()) {
      std::fprintf(stderr, "osm_city: point %d is off the road network\n", i + 1);
      return 1;
    }
    at[i] = snapped->position;
  }
  ChManyToOne units(*ch, g);
  units.set_source(0, at[0]);
  units.set_source(1, at[1]);
  std::vector<Weight> eta(units.slot_capacity());
  units.distances_to(at[2], eta);
  const int best = eta[1] < eta[0] ? 1 : 0;
  for (int u = 0; u < 2; ++u)
    std::printf("unit %d: %.0f s to the incident%s\n", u + 1, static_cast<double>(eta[u]) / 10.0,
                u == best ? "  <- send" : "");
  ChQuery q(*ch, g);
  const std::vector<ArcId> route = q.path(at[best], at[2]);
  const RoutePolyline line = route_polyline(g, route, at[best], at[2]);
  std::printf("directions: %s\n", format_directions(route_directions(g, route)).c_str());
  std::printf("route: %.0f m, %zu points, encoded polyline %s\n", line.length_m, line.points.size(),
              encode_polyline(line.points).c_str());
  return 0;
}
