// dispatchkit/plan/io/plan_files.hpp: what dk-plan writes, so that other programs read it.
//
//   write_file_atomically("out/sites.csv", sites_csv(layout));      // sim/io/sites_csv.hpp
//   nlohmann::ordered_json j = coverage_json(summary, placed, sites, info);   // coverage.json
//   write_file_atomically("out/coverage.geojson", coverage_geojson(...).dump(1));
//   write_file_atomically("out/coverage.svg", coverage_svg(...));
//   nlohmann::ordered_json f = fleet_json(sizing, sites, fleet_info);      // fleet.json
//   write_file_atomically("out/fleet.csv", fleet_csv(sizing, sites));
//   nlohmann::ordered_json b = offline_bound_json(bound, runs);   // dk-replay's offline_bound.json
//
// A plan's layout is written as a sites file by sim/io/sites_csv.hpp's sites_csv(), beside
// its reader, so it replays with `dk-replay --stations=` and feeds `dk-plan --sites=`.
// coverage.json's `within` maps each minute value, written as
// the shortest decimal ("8", "7.5"), to the demand-weighted share within it, in [0, 1];
// the same map appears per district. The GeoJSON holds the sites and the demand points
// (with their best and second-best times) as Points and the per-arc reach of each minute
// value (plan/isochrone.hpp) as a MultiLineString. The SVG is a plain map in an
// equirectangular projection (deterministic bytes): reach outlines, demand shaded by best
// time, existing sites as squares and new ones as diamonds. fleet.json and fleet.csv are
// the station x hour table of plan/fleet_sizing.hpp (fleet.csv: one row per station and
// hour, station,hour,calls_per_hour,load_erlangs,units,blocking). offline_bound.json is the
// bound of plan/offline_bound.hpp with each replayed strategy's late fraction, whether that
// run was in the bound's model, and its ratio to the bound. docs/plan.md lists every field.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/io/csv.hpp"
#include "dispatchkit/plan/coverage.hpp"
#include "dispatchkit/plan/demand.hpp"
#include "dispatchkit/plan/fleet_sizing.hpp"
#include "dispatchkit/plan/isochrone.hpp"
#include "dispatchkit/plan/offline_bound.hpp"
#include "dispatchkit/sim/sites.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

namespace detail {
// Text for an SVG element or attribute: a site named "A & B" must not break the file.
[[nodiscard]] inline std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}
}  // namespace detail

// "8" for 8, "7.5" for 7.5: the key a minute or radius value is written under.
[[nodiscard]] inline std::string plan_key(double v) {
  return absl::StrCat(v);
}

// The shares of one CoverageShares as JSON maps keyed by plan_key.
[[nodiscard]] inline nlohmann::ordered_json coverage_shares_json(const CoverageSummary& s,
                                                                 const CoverageShares& c) {
  nlohmann::ordered_json j;
  j["weight"] = c.weight;
  nlohmann::ordered_json within = nlohmann::ordered_json::object(),
                         twice = nlohmann::ordered_json::object(),
                         km = nlohmann::ordered_json::object();
  for (std::size_t k = 0; k < s.minutes.size(); ++k) {
    within[plan_key(s.minutes[k])] = c.within[k];
    twice[plan_key(s.minutes[k])] = c.within_twice[k];
  }
  for (std::size_t k = 0; k < s.radius_m.size(); ++k)
    km[plan_key(s.radius_m[k] / 1000.0)] = c.within_km[k];
  j["within"] = within;
  j["within_twice"] = twice;
  j["within_km"] = km;
  j["mean_best_s"] = c.mean_best_s;
  j["unreachable"] = c.unreachable;
  return j;
}

// What the coverage was computed on, for the report's header.
struct CoverageRunInfo {
  std::string graph;
  std::string sites_file;
  std::string demand_source;
  std::string travel_mode = "lights_and_sirens";
  std::string metric = "free_flow";
  double turnout_s = 0;
  double seconds = 0;  // time to compute the tables
};

[[nodiscard]] inline nlohmann::ordered_json coverage_json(const CoverageSummary& s,
                                                          const PlacedDemand& placed,
                                                          std::span<const Site> sites,
                                                          const CoverageRunInfo& info) {
  nlohmann::ordered_json j;
  j["graph"] = info.graph;
  j["sites_file"] = info.sites_file;
  j["sites"] = sites.size();
  j["demand"] = {{"source", info.demand_source},
                 {"points", placed.size() + placed.off_network.points},
                 {"placed", placed.size()},
                 {"weight", placed.total_weight},
                 {"off_network",
                  {{"points", placed.off_network.points}, {"weight", placed.off_network.weight}}}};
  j["travel"] = {
      {"mode", info.travel_mode}, {"metric", info.metric}, {"turnout_s", info.turnout_s}};
  j["minutes"] = s.minutes;
  nlohmann::ordered_json radius = nlohmann::ordered_json::array();
  for (double r : s.radius_m) radius.push_back(r / 1000.0);
  j["radius_km"] = radius;
  nlohmann::ordered_json overall = coverage_shares_json(s, s.overall);
  for (auto it = overall.begin(); it != overall.end(); ++it)
    if (it.key() != "weight") j[it.key()] = it.value();
  nlohmann::ordered_json districts = nlohmann::ordered_json::array();
  for (std::size_t d = 0; d < s.by_district.size(); ++d) {
    if (!(s.by_district[d].weight > 0)) continue;
    nlohmann::ordered_json dj;
    dj["name"] = s.district_names[d].empty() ? "(none)" : s.district_names[d];
    const nlohmann::ordered_json shares = coverage_shares_json(s, s.by_district[d]);
    for (auto it = shares.begin(); it != shares.end(); ++it) dj[it.key()] = it.value();
    districts.push_back(dj);
  }
  j["districts"] = districts;
  nlohmann::ordered_json per_site = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < sites.size(); ++i)
    per_site.push_back(
        {{"name", sites[i].name},
         {"latitude", sites[i].location.lat},
         {"longitude", sites[i].location.lon},
         {"nearest_for_points", i < s.points_per_site.size() ? s.points_per_site[i] : 0},
         {"nearest_for_weight", i < s.weight_per_site.size() ? s.weight_per_site[i] : 0.0}});
  j["per_site"] = per_site;
  j["seconds"] = info.seconds;
  return j;
}

[[nodiscard]] inline nlohmann::ordered_json geojson_point(LatLon p) {
  return {{"type", "Point"}, {"coordinates", {p.lon, p.lat}}};
}

// Sites (property "role": "site" or "new site"), demand points (role "demand", weight,
// best_s, second_s; null when unreachable) and one MultiLineString per reach.
[[nodiscard]] inline nlohmann::ordered_json coverage_geojson(std::span<const Site> sites,
                                                             std::span<const std::uint8_t> is_new,
                                                             const PlacedDemand& placed,
                                                             std::span<const PointCoverage> best,
                                                             std::span<const Reach> reach) {
  nlohmann::ordered_json features = nlohmann::ordered_json::array();
  for (const Reach& r : reach) {
    nlohmann::ordered_json lines = nlohmann::ordered_json::array();
    for (const ReachSegment& s : r.segments)
      lines.push_back({{s.from.lon, s.from.lat}, {s.to.lon, s.to.lat}});
    features.push_back(
        {{"type", "Feature"},
         {"geometry", {{"type", "MultiLineString"}, {"coordinates", lines}}},
         {"properties", {{"role", "reach"}, {"minutes", r.minutes}, {"arc_km", r.arc_km}}}});
  }
  for (std::size_t i = 0; i < sites.size(); ++i)
    features.push_back({{"type", "Feature"},
                        {"geometry", geojson_point(sites[i].location)},
                        {"properties",
                         {{"role", i < is_new.size() && is_new[i] ? "new site" : "site"},
                          {"name", sites[i].name}}}});
  auto seconds = [](Weight w) -> nlohmann::ordered_json {
    if (w == kInfWeight) return nullptr;
    return static_cast<double>(w) / 10.0;
  };
  for (std::size_t i = 0; i < placed.size(); ++i) {
    const PointCoverage c = i < best.size() ? best[i] : PointCoverage{};
    nlohmann::ordered_json props = {{"role", "demand"},
                                    {"weight", placed.weights[i]},
                                    {"best_s", seconds(c.best)},
                                    {"second_s", seconds(c.second)}};
    if (placed.district_names.size() > 1)
      props["district"] = placed.district_names[placed.districts[i]];
    features.push_back({{"type", "Feature"},
                        {"geometry", geojson_point(placed.locations[i])},
                        {"properties", props}});
  }
  return {{"type", "FeatureCollection"}, {"features", features}};
}

// The coverage map as SVG (see the banner). `minutes` colour the demand: within the first
// value green, within the last orange, beyond it red, unreachable grey.
[[nodiscard]] inline std::string coverage_svg(
    std::span<const Site> sites, std::span<const std::uint8_t> is_new, const PlacedDemand& placed,
    std::span<const PointCoverage> best, std::span<const Reach> reach, std::string_view title) {
  double lat0 = 90, lat1 = -90, lon0 = 180, lon1 = -180;
  auto extend = [&](LatLon p) {
    lat0 = std::min(lat0, p.lat);
    lat1 = std::max(lat1, p.lat);
    lon0 = std::min(lon0, p.lon);
    lon1 = std::max(lon1, p.lon);
  };
  for (const Site& s : sites) extend(s.location);
  for (const LatLon& p : placed.locations) extend(p);
  if (lat1 < lat0) lat0 = lat1 = lon0 = lon1 = 0;
  const double kx = std::cos((lat0 + lat1) / 2 * kRadiansPerDegree);
  const double span_x = std::max(1e-6, (lon1 - lon0) * kx), span_y = std::max(1e-6, lat1 - lat0);
  const double width = 900, margin = 20, legend = 60;
  const double scale = (width - 2 * margin) / std::max(span_x, span_y * 0.75);
  const double height = span_y * scale + 2 * margin + legend;
  auto x = [&](LatLon p) { return margin + (p.lon - lon0) * kx * scale; };
  auto y = [&](LatLon p) { return margin + legend + (lat1 - p.lat) * scale; };
  std::string out = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
      "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
      span_x * scale + 2 * margin, height, span_x * scale + 2 * margin, height);
  absl::StrAppendFormat(&out, "<text x=\"%.0f\" y=\"18\" font-size=\"14\">%s</text>\n", margin,
                        detail::xml_escape(title));
  static constexpr const char* kReachColour[] = {"#2b8cbe", "#7bccc4", "#bae4bc", "#f0f9e8"};
  // Widest reach first, so that the tighter outline is drawn over it.
  for (std::size_t k = reach.size(); k-- > 0;) {
    const char* colour = kReachColour[std::min<std::size_t>(k, 3)];
    std::string d;
    for (const ReachSegment& s : reach[k].segments)
      absl::StrAppendFormat(&d, "M%.1f %.1fL%.1f %.1f", x(s.from), y(s.from), x(s.to), y(s.to));
    absl::StrAppendFormat(&out,
                          "<path d=\"%s\" stroke=\"%s\" stroke-width=\"2.5\" fill=\"none\" "
                          "stroke-linecap=\"round\"><title>within %s min</title></path>\n",
                          d, colour, plan_key(reach[k].minutes));
  }
  const double first = reach.empty() ? 8 * 600.0 : reach.front().minutes * 600.0;
  const double last = reach.empty() ? first : reach.back().minutes * 600.0;
  for (std::size_t i = 0; i < placed.size(); ++i) {
    const Weight b = i < best.size() ? best[i].best : kInfWeight;
    const char* fill = b == kInfWeight ? "#999999"
                       : b <= first    ? "#1a9641"
                       : b <= last     ? "#fdae61"
                                       : "#d7191c";
    absl::StrAppendFormat(&out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.6\" fill=\"%s\"/>\n",
                          x(placed.locations[i]), y(placed.locations[i]), fill);
  }
  for (std::size_t i = 0; i < sites.size(); ++i) {
    const double sx = x(sites[i].location), sy = y(sites[i].location);
    if (i < is_new.size() && is_new[i])
      absl::StrAppendFormat(&out,
                            "<path d=\"M%.1f %.1fl6 6l-6 6l-6 -6z\" fill=\"#0571b0\" "
                            "stroke=\"black\"><title>%s (new)</title></path>\n",
                            sx, sy - 6, detail::xml_escape(sites[i].name));
    else
      absl::StrAppendFormat(&out,
                            "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" fill=\"black\">"
                            "<title>%s</title></rect>\n",
                            sx - 4, sy - 4, detail::xml_escape(sites[i].name));
  }
  absl::StrAppendFormat(
      &out,
      "<text x=\"%.0f\" y=\"38\">demand: green within %s min, orange within %s min, red beyond, "
      "grey unreachable; lines: streets within reach; squares: sites, diamonds: new sites</text>\n",
      margin, plan_key(first / 600.0), plan_key(last / 600.0));
  out += "</svg>\n";
  return out;
}

// What a fleet sizing was computed on, for fleet.json.
struct FleetRunInfo {
  std::string graph;
  std::string sites_file;
  std::string calls_file;
  std::string zone;                   // the record's time zone
  double minutes = 0;                 // the response target
  std::string service_source;         // "record" or "--service-minutes"
  std::optional<BusyTime> measured;   // the record's busy time, when it has one
  std::uint32_t calls_in_record = 0;  // every call of the file
  std::uint32_t without_ambulance = 0, without_location = 0, off_network = 0;
  double days = 0;
  std::optional<PopulationRule> population;
  std::string population_file;
  std::optional<RecordedFleetUse> recorded;
  double seconds = 0;
};

[[nodiscard]] inline nlohmann::ordered_json fleet_json(const FleetSizing& f,
                                                       std::span<const Site> sites,
                                                       const FleetRunInfo& info) {
  nlohmann::ordered_json j;
  j["graph"] = info.graph;
  j["sites_file"] = info.sites_file;
  j["calls_file"] = info.calls_file;
  j["timezone"] = info.zone;
  j["model"] = "erlang_b_per_station_hour";
  j["threshold"] = f.options.threshold;
  j["minutes"] = info.minutes;
  nlohmann::ordered_json service = {{"minutes_per_call", f.options.service_minutes},
                                    {"source", info.service_source}};
  if (info.measured)
    service["measured"] = {{"mean_minutes", info.measured->mean_minutes},
                           {"median_minutes", info.measured->median_minutes},
                           {"responses", info.measured->responses},
                           {"over_limit", info.measured->over_limit},
                           {"ambulances_per_call", info.measured->ambulances_per_call},
                           {"minutes_per_call", info.measured->minutes_per_call}};
  else
    service["measured"] = nullptr;
  j["service"] = service;
  j["calls"] = {{"in_record", info.calls_in_record},
                {"without_ambulance", info.without_ambulance},
                {"without_location", info.without_location},
                {"off_network", info.off_network},
                {"sized", f.calls},
                {"assigned", f.assigned},
                {"unreachable", f.unreachable},
                {"days", f.options.days}};
  j["beyond_target"] = {{"calls", f.beyond_target}, {"share", f.beyond_target_share}};
  j["totals"] = {{"complement", f.complement},
                 {"peak_hour", f.peak_hour},
                 {"peak_load_erlangs", f.peak_load},
                 {"peak_hour_units", f.city[f.peak_hour].units},
                 {"peak_hour_pooled_units", f.city[f.peak_hour].pooled_units},
                 {"peak_units", f.peak_units},
                 {"peak_units_hour", f.peak_units_hour},
                 {"mean_load_erlangs", f.mean_load}};
  if (info.population)
    j["population_rule"] = {{"file", info.population_file},
                            {"population", info.population->population},
                            {"residents_per_unit", info.population->residents_per_unit},
                            {"units", info.population->units}};
  else
    j["population_rule"] = nullptr;
  if (info.recorded)
    j["recorded"] = {{"ambulances", info.recorded->ambulances},
                     {"peak_busy", info.recorded->peak_busy},
                     {"mean_busy", info.recorded->mean_busy}};
  else
    j["recorded"] = nullptr;
  nlohmann::ordered_json hours = nlohmann::ordered_json::array();
  for (std::uint32_t h = 0; h < 24; ++h)
    hours.push_back({{"hour", h},
                     {"calls_per_hour", f.city[h].calls_per_hour},
                     {"load_erlangs", f.city[h].load_erlangs},
                     {"units", f.city[h].units},
                     {"pooled_units", f.city[h].pooled_units}});
  j["hours"] = hours;
  nlohmann::ordered_json stations = nlohmann::ordered_json::array();
  for (std::size_t s = 0; s < f.stations.size(); ++s) {
    const StationFleet& st = f.stations[s];
    nlohmann::ordered_json units = nlohmann::ordered_json::array();
    for (const StationHour& h : st.hours) units.push_back(h.units);
    stations.push_back({{"name", s < sites.size() ? sites[s].name : absl::StrCat("site ", s)},
                        {"calls", st.calls},
                        {"beyond_target", st.beyond_target},
                        {"peak_load_erlangs", st.peak_load},
                        {"peak_hour", st.peak_hour},
                        {"units", st.units},
                        {"units_by_hour", units}});
  }
  j["stations"] = stations;
  j["seconds"] = info.seconds;
  return j;
}

// station,hour,calls_per_hour,load_erlangs,units,blocking: 24 rows per station.
[[nodiscard]] inline std::string fleet_csv(const FleetSizing& f, std::span<const Site> sites) {
  std::string out = "station,hour,calls_per_hour,load_erlangs,units,blocking\n";
  for (std::size_t s = 0; s < f.stations.size(); ++s) {
    const std::string name = csv_field(s < sites.size() ? sites[s].name : absl::StrCat("site ", s));
    for (std::uint32_t h = 0; h < 24; ++h) {
      const StationHour& sh = f.stations[s].hours[h];
      absl::StrAppendFormat(&out, "%s,%u,%.6g,%.6g,%u,%.6g\n", name, h, sh.calls_per_hour,
                            sh.load_erlangs, sh.units, sh.blocking);
    }
  }
  return out;
}

// A replayed strategy beside the offline bound.
struct OfflineBoundRun {
  std::string name;
  double late_fraction = 0;
  // Replayed in the bound's model (returning units busy, no move-up, free flow, no closures,
  // no calibration, no preemption): only then is the bound a bound for it.
  bool in_model = false;
};

[[nodiscard]] inline nlohmann::ordered_json offline_bound_json(
    const OfflineBound& b, std::span<const OfflineBoundRun> runs) {
  nlohmann::ordered_json j;
  j["model"] = "home_base";
  j["calls"] = b.calls;
  j["unreachable"] = b.unreachable;
  j["jobs"] = b.jobs;
  j["rows"] = b.rows;
  j["columns"] = b.columns;
  j["on_time_max"] = b.on_time_max;
  j["late_fraction"] = b.late_fraction;
  j["lp_late_fraction"] = b.lp_late_fraction;
  j["integer"] = b.integer;
  j["optimal"] = b.optimal;
  if (std::isnan(b.integer_late_fraction))
    j["integer_late_fraction"] = nullptr;
  else
    j["integer_late_fraction"] = b.integer_late_fraction;
  j["solver"] = b.solver;
  j["seconds"] = b.seconds;
  nlohmann::ordered_json rs = nlohmann::ordered_json::array();
  for (const OfflineBoundRun& r : runs) {
    nlohmann::ordered_json rj;
    rj["name"] = r.name;
    rj["late_fraction"] = r.late_fraction;
    rj["in_model"] = r.in_model;
    if (b.late_fraction > 0)
      rj["ratio_to_bound"] = r.late_fraction / b.late_fraction;
    else
      rj["ratio_to_bound"] = nullptr;
    rs.push_back(std::move(rj));
  }
  j["strategies"] = std::move(rs);
  return j;
}

DISPATCHKIT_NAMESPACE_END
