// dispatch_demo: what a dispatcher sees when a call comes in, on real San Francisco data.
//
//   $ dispatch_demo                 # bundled data (data/sf)
//   $ dispatch_demo --data=DIR      # DIR/sf/... laid out as in data/
//
// Loads the bundled San Francisco road network, its 42 fire stations and a handful of
// real calls from one recorded week (SFFD Calls for Service, DataSF), snaps every
// station and incident onto the streets (graph/snap.hpp) and, for each incident, lists
// the stations that can be there soonest by road, with ETAs as m:ss. The ETA of every
// station comes from ONE backward Dijkstra search from the incident: travel times "to the
// incident" from every intersection, then each station's own position on its street.
// Travel times are free-flow at the posted speeds (no traffic, no turnout time yet).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/graph/snap.hpp"
#include "dispatchkit/io/csv.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "dispatchkit/sim/io/call_files.hpp"

namespace {

using namespace dispatchkit;

constexpr std::size_t kIncidentCount = 6;    // calls shown
constexpr std::size_t kStationsPerCall = 4;  // nearest stations listed per call

struct Station {
  std::string name;     // "Fire Station #15"
  std::string address;  // "1000 Ocean Ave"
  LatLon location;
  RoadPosition position;  // on the street network
};

struct Incident {
  std::string call_number;
  std::string received;      // local time as recorded, "12/31/2016 11:57:56 PM"
  std::string call_type;     // "Medical Incident"
  std::string group;         // "Potentially Life-Threatening"
  std::string address;       // "0 Block of BALCETA AVE"
  std::string station_area;  // the CAD's first-due station area
  LatLon location;
};

struct StationEta {
  const Station* station;
  Deciseconds eta;
};

// The fire stations file: facility_id,name,address,city,zip_code,latitude,longitude,...
// (columns found by name; a bad row names its file and line).
absl::StatusOr<std::vector<Station>> load_stations(const std::string& path) {
  enum Column : std::size_t { kName, kAddress, kLatitude, kLongitude };
  static constexpr CsvColumn kColumns[] = {{"name"}, {"address"}, {"latitude"}, {"longitude"}};
  DK_ASSIGN_OR_RETURN(CsvReader csv, CsvReader::open_file(path, kColumns));
  std::vector<Station> stations;
  while (csv.next()) {
    Station s;
    if (csv.size() < csv.width() || !parse_number(csv.field(kLatitude), s.location.lat) ||
        !parse_number(csv.field(kLongitude), s.location.lon))
      return csv.error("expected a station name, address, latitude and longitude");
    s.name = std::string(csv.field(kName));
    s.address = std::string(csv.field(kAddress));
    stations.push_back(std::move(s));
  }
  DK_RETURN_IF_ERROR(csv.status());
  return stations;
}

// `count` calls spread evenly over the calls file (one row per unit: the first row of
// each Call Number stands for the call). The calls export is read row by row here, not
// with load_recorded_calls, because the demo shows the stamp and address as recorded.
absl::StatusOr<std::vector<Incident>> load_incidents(const std::string& path, std::size_t count) {
  enum Column : std::size_t { kNumber, kReceived, kType, kGroup, kAddress, kArea, kLocation };
  static constexpr CsvColumn kColumns[] = {{"Call Number"},
                                           {"Received DtTm"},
                                           {"Call Type"},
                                           {"Call Type Group"},
                                           {"Address"},
                                           {"Station Area"},
                                           {"Location", "case_location"}};
  DK_ASSIGN_OR_RETURN(CsvReader csv,
                      CsvReader::open_file(path, kColumns, {.format = "SFFD Calls for Service"}));
  std::vector<Incident> calls;
  std::unordered_set<std::string> seen;
  while (csv.next()) {
    if (csv.size() < csv.width()) continue;
    const std::optional<LatLon> location = parse_recorded_location(csv.field(kLocation));
    if (!location) continue;
    Incident c;
    c.location = *location;
    c.call_number = std::string(csv.field(kNumber));
    if (!seen.insert(c.call_number).second) continue;  // a further unit on the same call
    c.received = std::string(csv.field(kReceived));
    c.call_type = std::string(csv.field(kType));
    c.group = std::string(csv.field(kGroup));
    c.address = std::string(csv.field(kAddress));
    c.station_area = std::string(csv.field(kArea));
    calls.push_back(std::move(c));
  }
  DK_RETURN_IF_ERROR(csv.status());
  std::vector<Incident> picked;
  for (std::size_t i = 0; i < count && !calls.empty(); ++i)
    picked.push_back(calls[i * calls.size() / count]);
  return picked;
}

// Travel time from every station to `incident`, fastest first. One backward search from
// the incident's street gives each intersection's time to it; a station then adds the
// drive from its own spot to the end (or, on a two-way street, either end) of its street.
std::vector<StationEta> station_etas(Dijkstra& dijkstra, const RoadPosition& incident,
                                     const std::vector<Station>& stations) {
  const RoadGraph& g = dijkstra.graph();
  const SeedPair targets = target_seeds(g, dijkstra.weights(), incident);
  dijkstra.run(targets.view(), Dijkstra::Direction::kBackward, NodeId::invalid());
  std::vector<StationEta> etas;
  for (const Station& s : stations) {
    if (!s.position.valid()) continue;
    Weight best = same_street_weight(dijkstra.weights(), s.position, incident);
    const SeedPair sources = source_seeds(g, dijkstra.weights(), s.position);
    for (const SearchSeed& seed : sources.view())
      best = std::min(best, add_weights(seed.offset, dijkstra.distance_to(seed.node).count()));
    etas.push_back({&s, Deciseconds(best)});
  }
  std::sort(etas.begin(), etas.end(),
            [](const StationEta& a, const StationEta& b) { return a.eta < b.eta; });
  return etas;
}

// 95 s -> "1:35"; unreachable -> "--:--".
std::string minutes_seconds(Deciseconds t) {
  if (t.is_infinite()) return "--:--";
  const long s = std::lround(t.seconds());
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%ld:%02ld", s / 60, s % 60);
  return buffer;
}

// The station number in "Fire Station #7 - Division 3 Headquarters" ("7"), or the name;
// leading zeros dropped, so that the CAD's station area "08" matches station #8.
std::string_view station_number(std::string_view name) {
  const std::size_t hash = name.find('#');
  if (hash == std::string_view::npos) return name;
  std::string_view digits = name.substr(hash + 1);
  digits = digits.substr(0, std::min(digits.size(), digits.find_first_not_of("0123456789")));
  while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
  return digits;
}

void print_incident(std::size_t index, const Incident& call, const SnapResult& snapped,
                    const std::vector<StationEta>& etas) {
  std::printf("\nINCIDENT %zu  call %s  received %s\n", index + 1, call.call_number.c_str(),
              call.received.c_str());
  std::printf("  %-30s %s\n", call.call_type.c_str(), call.group.c_str());
  std::printf("  %s  (%.5f, %.5f), %.0f m from the nearest modelled road\n", call.address.c_str(),
              call.location.lat, call.location.lon, snapped.distance.value());
  std::printf("  %-4s %-12s %-24s %6s %9s\n", "", "station", "address", "ETA", "straight");
  for (std::size_t i = 0; i < etas.size() && i < kStationsPerCall; ++i) {
    const Station& s = *etas[i].station;
    const std::string_view number = station_number(s.name);
    const bool first_due = number == station_number(absl::StrCat("#", call.station_area));
    const std::string label = "Station " + std::string(number);
    std::printf("  %-4s %-12s %-24s %6s %7.1f km%s\n", i == 0 ? ">>" : "", label.c_str(),
                s.address.c_str(), minutes_seconds(etas[i].eta).c_str(),
                haversine(s.location, call.location).value() / 1000.0,
                first_due ? "   <- CAD first-due area" : "");
  }
  // Where the station whose area the CAD put the call in ranks, if not listed above.
  for (std::size_t i = kStationsPerCall; i < etas.size(); ++i) {
    if (station_number(etas[i].station->name) !=
        station_number(absl::StrCat("#", call.station_area)))
      continue;
    std::printf("       CAD first-due area %s: Station %s, ETA %s (rank %zu by road)\n",
                call.station_area.c_str(),
                std::string(station_number(etas[i].station->name)).c_str(),
                minutes_seconds(etas[i].eta).c_str(), i + 1);
  }
}

std::string data_dir_from_args(int argc, char** argv) {
  std::string dir = DK_EXAMPLE_DATA_DIR;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--data=")) dir = std::string(arg.substr(7));
  }
  return dir;
}

int fail(const absl::Status& status) {
  std::fprintf(stderr, "dispatch_demo: %s\n", status.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (!arg.starts_with("--data=")) {
      std::fprintf(stderr, "usage: %s [--data=DIR]\n", argv[0]);
      return 2;
    }
  }
  const std::string sf = data_dir_from_args(argc, argv) + "/sf/";

  const absl::StatusOr<RoadGraph> graph = load_graph(sf + "sf_osm_edges.csv.xz");
  if (!graph.ok()) return fail(graph.status());
  const absl::StatusOr<Snapper> snapper = Snapper::build(*graph);
  if (!snapper.ok()) return fail(snapper.status());
  absl::StatusOr<std::vector<Station>> stations = load_stations(sf + "sf_fire_stations.csv");
  if (!stations.ok()) return fail(stations.status());
  const absl::StatusOr<std::vector<Incident>> incidents =
      load_incidents(sf + "sf_fire_calls_2016-12-31_2017-01-07.csv.gz", kIncidentCount);
  if (!incidents.ok()) return fail(incidents.status());

  for (Station& s : *stations) {
    const absl::StatusOr<SnapResult> snapped = snapper->snap(s.location);
    if (snapped.ok()) {
      s.position = snapped->position;
    } else {
      std::fprintf(stderr, "warning: %s left out: %s\n", s.name.c_str(),
                   snapped.status().ToString().c_str());
    }
  }

  std::printf("San Francisco: %u intersections, %u road arcs, %zu fire stations.\n",
              graph->node_count(), graph->arc_count(), stations->size());
  std::printf("Free-flow driving times at posted speeds; >> marks the station to send.\n");

  Dijkstra dijkstra(*graph);
  for (std::size_t i = 0; i < incidents->size(); ++i) {
    const Incident& call = (*incidents)[i];
    const absl::StatusOr<SnapResult> snapped = snapper->snap(call.location);
    if (!snapped.ok()) {
      std::printf("\nINCIDENT %zu  call %s: %s\n", i + 1, call.call_number.c_str(),
                  snapped.status().ToString().c_str());
      continue;
    }
    print_incident(i, call, *snapped, station_etas(dijkstra, snapped->position, *stations));
  }
  return 0;
}
