// dispatchkit/plan/demand.hpp: where the service is needed, as weighted points.
//
//   absl::StatusOr<Demand> d = load_demand_csv("grid.csv");     // lat,lon,weight[,district]
//   Demand calls = demand_from_record(*record);                // one point per recorded call
//   Demand nodes = demand_from_nodes(graph);                   // every road node, weight 1
//   absl::StatusOr<Demand> any = load_demand("calls.csv.gz");  // a grid or any call file
//   absl::StatusOr<PlacedDemand> placed = place_demand(calls, snapper);
//   placed->positions[i];   // the street of the i-th placed point; placed->weights[i]
//   placed->off_network;    // points farther than the snap limit from every street
//
// A planner asks "what share of the city's calls (or residents) is within 8 minutes", so
// demand is a list of weighted points: recorded calls (any loader the replay reads:
// sim/io/call_files.hpp), a population grid, or the road nodes themselves when nothing
// else is known. A point may carry a district name, and coverage is then also reported per
// district. Placing demand snaps each point to its street (graph/snap.hpp); a point with no
// street within the limit (a geocode in the bay, a grid cell in a park) is not silently
// dropped: it is counted in PlacedDemand::off_network, by number and weight, and every
// report shows it.
//
// The grid CSV: a header row, columns found by name ignoring case (io/csv.hpp): latitude
// ("lat" or "latitude"), longitude ("lon", "lng" or "longitude"), optional "weight"
// (a finite number >= 0; 1 when absent) and optional "district". A bad row is an error
// naming PATH:LINE; a file without points, or whose weights sum to 0, is an error.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/snap.hpp"
#include "dispatchkit/io/csv.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/sim/call_record.hpp"
#include "dispatchkit/sim/io/call_files.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct DemandLocation {
  LatLon location;
  double weight = 1.0;
  std::uint32_t district = 0;  // index into Demand::districts; 0 is "" (no district)
};

struct Demand {
  std::vector<DemandLocation> points;
  // District names, [0] = "" for points without one.
  std::vector<std::string> districts{std::string()};
  std::string source;  // "grid.csv", "recorded calls", "road nodes"

  [[nodiscard]] double total_weight() const noexcept {
    double w = 0;
    for (const DemandLocation& p : points) w += p.weight;
    return w;
  }
  // The index of district `name`, added when new.
  std::uint32_t district_index(std::string_view name);
};

// Demand snapped to the road network: the i-th placed point is positions[i] with
// weights[i], districts[i] and source_index[i] (its index in Demand::points).
struct PlacedDemand {
  std::vector<RoadPosition> positions;
  std::vector<LatLon> locations;
  std::vector<double> weights;
  std::vector<std::uint32_t> districts;
  std::vector<std::uint32_t> source_index;
  std::vector<std::string> district_names;
  double total_weight = 0;  // of the placed points
  struct OffNetwork {
    std::uint32_t points = 0;
    double weight = 0;
  } off_network;

  [[nodiscard]] std::size_t size() const noexcept { return positions.size(); }
};

// Parses a demand grid CSV (see the banner).
[[nodiscard]] absl::StatusOr<Demand> parse_demand_csv(const std::string& path,
                                                      std::string_view text);
// The same from a file (gzip, xz or plain); NotFound if there is none.
[[nodiscard]] absl::StatusOr<Demand> load_demand_csv(const std::string& path);

// One point of weight 1 per recorded call with a valid location, its district the call's
// neighbourhood (the SF export's "Neighborhooods - Analysis Boundaries"; empty for
// formats without one). Calls without a valid location are left out and counted in
// `skipped` when given.
[[nodiscard]] Demand demand_from_record(const RecordedCalls& record,
                                        std::uint32_t* skipped = nullptr);

// Whether `text` is a demand grid: its header names a latitude and a longitude column
// (the grid's aliases) and no call column (call_id, Call Number, received). Anything else is
// a call file (sim/io/call_files.hpp tells those apart).
[[nodiscard]] bool is_demand_grid_text(std::string_view text);

// A demand grid or a call file of any format the replay reads (then one point per call,
// as demand_from_record; `calls` says how to read it, e.g. its time zone).
[[nodiscard]] absl::StatusOr<Demand> load_demand(const std::string& path,
                                                 const RecordedCallsOptions& calls = {});

// Every road node of `graph` (turn states excluded: they are copies of a road node), weight 1.
[[nodiscard]] Demand demand_from_nodes(const RoadGraph& graph);

// Snaps every point to its street. InvalidArgument when `demand` has no point or no point
// of positive weight lands on the network ("no demand on the road network: N points, all
// farther than M m from a street").
template <class SnapperT>
[[nodiscard]] absl::StatusOr<PlacedDemand> place_demand(const Demand& demand,
                                                        const SnapperT& snapper,
                                                        const SnapOptions& options = {});

// ---------------------------------------------------------------------------------------
// Implementation.

inline std::uint32_t Demand::district_index(std::string_view name) {
  for (std::uint32_t i = 0; i < districts.size(); ++i)
    if (districts[i] == name) return i;
  districts.emplace_back(name);
  return static_cast<std::uint32_t>(districts.size() - 1);
}

inline absl::StatusOr<Demand> parse_demand_csv(const std::string& path, std::string_view text) {
  enum Column : std::size_t { kLatitude, kLongitude, kWeight, kDistrict };
  static constexpr CsvColumn kColumns[] = {{"latitude", "lat"},
                                           {"longitude", "lon|lng"},
                                           {"weight", "population|count", false},
                                           {"district", {}, false}};
  DK_ASSIGN_OR_RETURN(
      CsvReader csv,
      CsvReader::open(path, text, kColumns, {.case_insensitive = true, .format = "a demand file"}));
  Demand d;
  d.source = path;
  // District lookup by name: a grid may have a million cells and a few hundred districts.
  absl::flat_hash_map<std::string, std::uint32_t> district_of;
  while (csv.next()) {
    DK_RETURN_IF_ERROR(csv.check_width());
    DemandLocation p;
    if (!parse_number(csv.field(kLatitude), p.location.lat) ||
        !parse_number(csv.field(kLongitude), p.location.lon) || !p.location.is_valid())
      return csv.error("latitude/longitude is not a WGS84 coordinate");
    if (csv.has(kWeight) && !(parse_number(csv.field(kWeight), p.weight) && p.weight >= 0))
      return csv.error("weight is not a finite number >= 0");
    if (csv.has(kDistrict) && !csv.field(kDistrict).empty()) {
      std::string name = csv.text(kDistrict);
      auto [it, added] = district_of.try_emplace(name, 0);
      if (added) it->second = d.district_index(name);
      p.district = it->second;
    }
    d.points.push_back(p);
  }
  DK_RETURN_IF_ERROR(csv.status());
  if (d.points.empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": no demand points"));
  if (!(d.total_weight() > 0))
    return absl::InvalidArgumentError(absl::StrCat(path, ": the weights sum to 0"));
  return d;
}

inline absl::StatusOr<Demand> load_demand_csv(const std::string& path) {
  DK_ASSIGN_OR_RETURN(std::string text, read_file(path));
  return parse_demand_csv(path, text);
}

inline bool is_demand_grid_text(std::string_view text) {
  bool lat = false, lon = false, call = false;
  for (std::string_view f : csv_header_fields(text)) {
    auto is = [&](std::string_view name) { return detail::equal_ignoring_case(f, name); };
    lat = lat || is("lat") || is("latitude");
    lon = lon || is("lon") || is("lng") || is("longitude");
    call = call || is("call_id") || is("call number") || is("received");
  }
  return lat && lon && !call;
}

inline absl::StatusOr<Demand> load_demand(const std::string& path,
                                          const RecordedCallsOptions& calls) {
  DK_ASSIGN_OR_RETURN(std::string text, read_file(path));
  if (is_demand_grid_text(text)) return parse_demand_csv(path, text);
  DK_ASSIGN_OR_RETURN(RecordedCalls record, parse_call_file(path, text, calls));
  std::uint32_t skipped = 0;
  Demand d = demand_from_record(record, &skipped);
  d.source = absl::StrCat(path, " (", record.report.format, " calls)");
  if (d.points.empty())
    return absl::InvalidArgumentError(absl::StrCat(path, ": no call with a location"));
  return d;
}

inline Demand demand_from_record(const RecordedCalls& record, std::uint32_t* skipped) {
  Demand d;
  d.source = "recorded calls";
  absl::flat_hash_map<std::string, std::uint32_t> district_of;
  std::uint32_t without_location = 0;
  for (const RecordedCall& c : record.calls) {
    if (!c.location.is_valid()) {
      ++without_location;
      continue;
    }
    DemandLocation p{.location = c.location};
    if (!c.neighbourhood.empty()) {
      auto [it, added] = district_of.try_emplace(c.neighbourhood, 0);
      if (added) it->second = d.district_index(c.neighbourhood);
      p.district = it->second;
    }
    d.points.push_back(p);
  }
  if (skipped != nullptr) *skipped = without_location;
  return d;
}

inline Demand demand_from_nodes(const RoadGraph& graph) {
  Demand d;
  d.source = "road nodes";
  d.points.reserve(graph.node_count());
  for (std::uint32_t v = 0; v < graph.node_count(); ++v) {
    const NodeId n(v);
    if (graph.road_node(n) != n) continue;  // a turn state: its road node stands for it
    d.points.push_back({.location = graph.coordinate(n)});
  }
  return d;
}

template <class SnapperT>
absl::StatusOr<PlacedDemand> place_demand(const Demand& demand, const SnapperT& snapper,
                                          const SnapOptions& options) {
  if (demand.points.empty())
    return absl::InvalidArgumentError(absl::StrCat(demand.source, ": no demand points"));
  PlacedDemand placed;
  placed.district_names = demand.districts;
  for (std::uint32_t i = 0; i < demand.points.size(); ++i) {
    const DemandLocation& p = demand.points[i];
    absl::StatusOr<SnapResult> s = snapper.snap(p.location, options);
    if (!s.ok()) {
      ++placed.off_network.points;
      placed.off_network.weight += p.weight;
      continue;
    }
    placed.positions.push_back(s->position);
    placed.locations.push_back(p.location);
    placed.weights.push_back(p.weight);
    placed.districts.push_back(p.district);
    placed.source_index.push_back(i);
    placed.total_weight += p.weight;
  }
  if (!(placed.total_weight > 0))
    return absl::InvalidArgumentError(
        absl::StrCat(demand.source, ": no demand on the road network: ", demand.points.size(),
                     " points, none of positive weight within ", options.max_distance.value(),
                     " m of a street"));
  return placed;
}

DISPATCHKIT_NAMESPACE_END
