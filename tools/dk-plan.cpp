// dk-plan: coverage of a station layout, where the next k stations should go, and how
// many ambulances each station needs by hour.
//
//   dk-plan coverage --graph=PATH --sites=FILE --demand=FILE|nodes --minutes=8,12,... --out=DIR
//   dk-plan site --graph=PATH --sites=FILE --demand=FILE|nodes --minutes=T --k=N
//                --method=mclp|mexclp|pmedian|radius [--candidates=FILE|grid:METERS] --out=DIR
//   dk-plan fleet --graph=PATH --sites=FILE --demand=CALLFILE --minutes=T [--threshold=0.05]
//                 [--service-minutes=M] [--population=GRIDCSV] --out=DIR
//
// coverage writes DIR/coverage.json (`within`: each minute value, as a string, to the
// demand-weighted share within it, overall and per district), DIR/coverage.geojson and
// DIR/coverage.svg. site writes DIR/sites.csv (the whole layout, existing plus new, as
// name,latitude,longitude: dk-replay --stations= and dk-plan --sites= read it), DIR/plan.json
// (objective, solver, gap to a bound or the optimum, time), the new layout's map as
// DIR/coverage.svg, DIR/new_units.csv (one ambulance per new site, for dk-replay
// --extra-units=) and DIR/today_units.csv (as many at today's busiest stations: the same
// fleet growth without the new sites, the fair baseline). --demand is a grid CSV
// (lat,lon,weight[,district]), any call file the replay reads (one point per call; --timezone as
// dk-replay) or `nodes` (every road node). fleet writes DIR/fleet.json and DIR/fleet.csv:
// per station and local hour of day the calls per hour, the offered load in Erlangs, the
// ambulances that keep the share of calls finding all of the station's units busy at or
// below --threshold (Erlang B, plan/fleet_sizing.hpp), and the city's totals; the busy time
// per call is measured on the call file (dispatch to available) unless --service-minutes
// gives it; --population= (a grid CSV) adds the one-per-30,000-residents rule beside it.
// Drive times are free flow unless --traffic=PROFILE --at=DAY-HH:MM takes them from a
// dk-traffic profile's slice of that local time of week (in the --mode; one Dijkstra per
// site, as the CH is contracted on free flow); coverage.json's `metric` says which.
// docs/plan.md describes the models and every field.
//
// Exit status: 0 done, 1 bad input (a file missing or malformed, a site off the road
// network, no demand on it, k larger than the candidates, a call file without busy times
// and no --service-minutes), 2 usage.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "detail/tool_flags.hpp"
#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/plan.hpp"
#include "dispatchkit/plan/mip/glpk_siting.hpp"
#include "dispatchkit/route/ch.hpp"
#include "dispatchkit/route/traffic.hpp"
#include "dispatchkit/sim/io/call_files.hpp"
#include "dispatchkit/sim/io/sites_csv.hpp"
#include "dispatchkit/sim/local_time.hpp"

using namespace dispatchkit;

namespace {

constexpr const char* kTool = "dk-plan";

constexpr const char* kUsage =
    "usage: dk-plan coverage --graph=PATH --sites=FILE --demand=FILE|nodes --minutes=8,12,...\n"
    "                        --out=DIR [--radius-km=3,5] [options]\n"
    "       dk-plan site --graph=PATH --sites=FILE --demand=FILE|nodes --minutes=T --k=N\n"
    "                    --method=mclp|mexclp|pmedian|radius [--candidates=FILE|grid:METERS]\n"
    "                    --out=DIR [options]\n"
    "       dk-plan fleet --graph=PATH --sites=FILE --demand=CALLFILE --minutes=T\n"
    "                     [--threshold=0.05] [--service-minutes=M] [--population=GRIDCSV]\n"
    "                     --out=DIR [options]\n"
    "  --sites=FILE        stations or posts: the SF stations CSV or any CSV with name,\n"
    "                      latitude, longitude columns (dk-plan site's sites.csv too)\n"
    "  --demand=FILE|nodes a grid CSV (lat,lon[,weight][,district]), a call file of any\n"
    "                      format dk-replay reads (one point per call), or every road node\n"
    "  --timezone=ZONE     local time of a call file's stamps without an offset\n"
    "  --minutes=LIST      response targets in minutes (coverage: a list; site: one value)\n"
    "  --radius-km=LIST    coverage: shares within these road distances too; site\n"
    "                      --method=radius: the one radius R\n"
    "  --mode=lights|normal  lights and sirens (default) or normal driving (x 4/3)\n"
    "  --turnout=S         seconds added to every drive (dispatch to wheels rolling; 0)\n"
    "  --traffic=PROFILE   with --at=DAY-HH:MM (e.g. mon-08:00): drive times on the traffic\n"
    "                      profile's slice of that local time of week (dk-traffic), not free\n"
    "                      flow (coverage and site: one Dijkstra per site on the slice)\n"
    "  --max-snap=M        demand and sites farther than M metres from a street are off the\n"
    "                      network (1000)\n"
    "site only:\n"
    "  --k=N               new sites to choose\n"
    "  --method=M          mclp, mexclp (--busy-fraction=Q, 0.3), pmedian or radius\n"
    "  --candidates=C      a CSV of candidate sites (name,latitude,longitude) or\n"
    "                      grid:METERS, street points on a grid over the demand (grid:500)\n"
    "  --no-existing       choose all k sites afresh (the --sites layout is not kept)\n"
    "  --exact=auto|yes|no the optimum too, by GLPK's branch and cut: auto when the model\n"
    "                      has at most 2,000,000 coefficients, yes whatever its size; the\n"
    "                      heuristic's answer is kept, and flagged, when it cannot finish\n"
    "  --time-limit=S      seconds GLPK may take (60)\n"
    "fleet only:\n"
    "  --demand=CALLFILE   a call file (any format dk-replay reads): its ambulance calls\n"
    "  --threshold=Q       the largest share of calls that may find every unit of their\n"
    "                      station busy, in (0, 1) (0.05)\n"
    "  --service-minutes=M mean unit-minutes busy per call; default: measured on the call\n"
    "                      file (dispatch to available, mean, times ambulances per call)\n"
    "  --population=GRID   a grid CSV of residents (lat,lon,weight): the one ambulance per\n"
    "                      --residents-per-unit=N (30000) rule, reported beside\n"
    "  --progress, --no-progress\n";

int usage(std::string_view message) {
  std::fprintf(stderr, "%s: %.*s\n%s", kTool, static_cast<int>(message.size()), message.data(),
               kUsage);
  return dk_tools::kExitUsage;
}

// "12,8,8" -> {8, 12} (ascending, once each: the map's colours and the JSON keys need it);
// false on an empty list or a value that is not in (0, `max`].
bool parse_list(std::string_view v, std::vector<double>& out, double max) {
  out.clear();
  while (true) {
    const std::size_t comma = v.find(',');
    double x = 0;
    if (!parse_number(v.substr(0, comma), x) || !(x > 0) || x > max) return false;
    out.push_back(x);
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return !out.empty();
}

struct Flags {
  std::string command;
  std::string graph, sites, demand, out, candidates = "grid:500", timezone;
  std::vector<double> minutes, radius_km;
  TravelMode mode = TravelMode::kLightsAndSirens;
  double turnout_s = 0, max_snap = 1000, busy_fraction = 0.3, time_limit_s = 60;
  double threshold = 0.05, residents_per_unit = 30000;
  std::optional<double> service_minutes;
  std::string population;
  std::string traffic, at;  // a traffic profile and the time of week its slice is taken at
  std::uint32_t k = 0;
  std::optional<SitingMethod> method;
  bool keep_existing = true;
  std::string exact = "auto";
  bool progress = dk_tools::progress_default();
  GraphLoadOptions graph_options;
};

// Everything both commands share: the graph, its CH, the sites and the placed demand.
struct World {
  RoadGraph graph;
  std::optional<Snapper> snapper;
  ContractionHierarchy ch;
  std::vector<Site> sites;
  std::vector<RoadPosition> site_positions;
  PlacedDemand demand;
  std::string demand_source;
  // With --traffic: the arc weights of the --at slice in the travel mode (the tables are
  // then one Dijkstra per site on them; the CH holds free flow only). Empty: free flow.
  std::vector<Weight> slice_weights;
  std::string metric = "free_flow";
};

// "mon-08:00" -> minutes since Monday 00:00; nullopt if malformed.
std::optional<std::int64_t> parse_time_of_week(std::string_view v) {
  static constexpr std::string_view kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  if (v.size() != 9 || v[3] != '-' || v[6] != ':') return std::nullopt;
  std::int64_t day = -1;
  for (std::int64_t d = 0; d < 7; ++d)
    if (v.substr(0, 3) == kDays[d]) day = d;
  double h = -1, m = -1;
  if (day < 0 || !parse_number(v.substr(4, 2), h) || !parse_number(v.substr(7, 2), m) || h < 0 ||
      h > 23 || m < 0 || m > 59 || h != std::floor(h) || m != std::floor(m))
    return std::nullopt;
  return day * 24 * 60 + static_cast<std::int64_t>(h) * 60 + static_cast<std::int64_t>(m);
}

// The --traffic profile's slice at --at, as arc weights in the travel mode.
absl::Status load_slice(const Flags& f, World& w) {
  if (f.traffic.empty()) return absl::OkStatus();
  DK_ASSIGN_OR_RETURN(TrafficProfile profile, load_traffic_profile(f.traffic, w.graph));
  const std::optional<std::int64_t> minute = parse_time_of_week(f.at);
  if (!minute) return absl::InvalidArgumentError("--at: expected DAY-HH:MM");  // checked by main
  const TimeSlicing& slicing = profile.slicing();
  const TimeSlice slice(static_cast<std::uint32_t>(*minute / slicing.slice_minutes()));
  TrafficMetricOptions mo;
  mo.mode = f.mode;
  w.slice_weights = make_metric_weights(w.graph, profile, slice, mo);
  w.metric = absl::StrCat("time_of_day ", f.at, " (slice ", slice.value(), " of ",
                          slicing.slice_count(), ", ", f.traffic, ")");
  std::fprintf(stderr, "travel times: %s\n", w.metric.c_str());
  return absl::OkStatus();
}

// The graph, its CH and the sites (what fleet needs; it reads its calls itself).
absl::Status load_network(const Flags& f, World& w) {
  std::fprintf(stderr, "loading %s\n", f.graph.c_str());
  DK_ASSIGN_OR_RETURN(w.graph, load_graph(f.graph, f.graph_options));
  DK_ASSIGN_OR_RETURN(Snapper snapper, Snapper::build(w.graph));
  w.snapper.emplace(std::move(snapper));
  dk_tools::ProgressBar bar(f.progress, "contracting");
  DK_ASSIGN_OR_RETURN(w.ch, ContractionHierarchy::build(w.graph, {}, [&bar](double x) { bar(x); }));
  const SnapOptions snap{.max_distance = Meters{f.max_snap}};
  DK_ASSIGN_OR_RETURN(w.sites, load_sites(f.sites));
  DK_ASSIGN_OR_RETURN(w.site_positions, place_sites(w.sites, *w.snapper, snap));
  DK_RETURN_IF_ERROR(load_slice(f, w));
  return absl::OkStatus();
}

RecordedCallsOptions calls_options(const Flags& f, absl::Status& status) {
  RecordedCallsOptions calls;
  if (!f.timezone.empty()) {
    absl::StatusOr<TimeZone> zone = TimeZone::load(f.timezone);
    if (zone.ok())
      calls.zone = *zone;
    else
      status = zone.status();
  }
  return calls;
}

absl::Status load_world(const Flags& f, World& w) {
  DK_RETURN_IF_ERROR(load_network(f, w));
  const SnapOptions snap{.max_distance = Meters{f.max_snap}};
  Demand demand;
  if (f.demand == "nodes") {
    demand = demand_from_nodes(w.graph);
  } else {
    absl::Status zone;
    const RecordedCallsOptions calls = calls_options(f, zone);
    DK_RETURN_IF_ERROR(zone);
    DK_ASSIGN_OR_RETURN(demand, load_demand(f.demand, calls));
  }
  w.demand_source = demand.source;
  DK_ASSIGN_OR_RETURN(w.demand, place_demand(demand, *w.snapper, snap));
  std::fprintf(stderr, "%zu sites, %zu demand points on the network (%u off it, weight %.1f)\n",
               w.sites.size(), w.demand.size(), w.demand.off_network.points,
               w.demand.off_network.weight);
  return absl::OkStatus();
}

CoverageTimeOptions time_options(const Flags& f) {
  CoverageTimeOptions o;
  o.mode = f.mode;
  o.turnout = Deciseconds::from_seconds(f.turnout_s);
  return o;
}

// Site -> point drive times (turnout added): the CH many-to-many on free flow, or one
// Dijkstra per site on the --at slice of a traffic profile.
SiteMatrix travel_table(const Flags& f, const World& w, std::span<const RoadPosition> sites,
                        std::span<const RoadPosition> points) {
  if (w.slice_weights.empty()) return site_times(w.ch, w.graph, sites, points, time_options(f));
  SiteMatrix m = site_times_dijkstra(w.graph, w.slice_weights, sites, points);
  const Weight turnout = Deciseconds::from_seconds(f.turnout_s).count();
  for (Weight& t : m.values)
    if (t != kInfWeight) t = add_weights(t, turnout);
  return m;
}

CoverageRunInfo run_info(const Flags& f, const World& w, double seconds) {
  CoverageRunInfo info;
  info.graph = f.graph;
  info.sites_file = f.sites;
  info.demand_source = w.demand_source;
  info.travel_mode = f.mode == TravelMode::kNormal ? "normal" : "lights_and_sirens";
  info.metric = w.metric;
  info.turnout_s = f.turnout_s;
  info.seconds = seconds;
  return info;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// JSON as text; a name that is not UTF-8 (a Latin-1 station list) is written with U+FFFD
// in place of its bad bytes instead of aborting the tool.
std::string json_text(const nlohmann::ordered_json& j, int indent = 2) {
  return j.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace) +
         (indent >= 0 ? "\n" : "");
}

absl::Status write_out(const std::string& dir, const std::string& name, const std::string& text) {
  return write_file_atomically(dir + "/" + name, text);
}

int run_coverage(const Flags& f) {
  World w;
  if (absl::Status s = load_world(f, w); !s.ok()) return dk_tools::status_error(kTool, s);
  const auto start = std::chrono::steady_clock::now();
  const SiteMatrix times = travel_table(f, w, w.site_positions, w.demand.positions);
  std::optional<SiteMatrix> distances;
  std::vector<double> radius_m;
  for (double r : f.radius_km) radius_m.push_back(r * 1000.0);
  if (!radius_m.empty())
    distances = site_road_distances(w.graph, w.site_positions, w.demand.positions);
  const std::vector<PointCoverage> best = best_two(times);
  const CoverageSummary summary =
      summarize_coverage(w.demand, best, f.minutes, distances ? &*distances : nullptr, radius_m,
                         static_cast<std::uint32_t>(w.sites.size()));
  const double seconds = seconds_since(start);
  const std::vector<Reach> reach =
      reach_within(w.graph, w.site_positions, f.minutes, time_options(f));
  const std::vector<std::uint8_t> is_new(w.sites.size(), 0);
  const nlohmann::ordered_json j =
      coverage_json(summary, w.demand, w.sites, run_info(f, w, seconds));
  for (const auto& [name, text] :
       {std::pair<std::string, std::string>{"coverage.json", json_text(j)},
        {"coverage.geojson",
         json_text(coverage_geojson(w.sites, is_new, w.demand, best, reach), -1)},
        {"coverage.svg", coverage_svg(w.sites, is_new, w.demand, best, reach,
                                      absl::StrCat("coverage of ", w.demand_source, " by ",
                                                   w.sites.size(), " sites"))}})
    if (absl::Status s = write_out(f.out, name, text); !s.ok())
      return dk_tools::status_error(kTool, s);
  for (std::size_t k = 0; k < f.minutes.size(); ++k)
    std::printf("within %s min: %.1f%% of demand (%.1f%% also by a second site)\n",
                plan_key(f.minutes[k]).c_str(), 100 * summary.overall.within[k],
                100 * summary.overall.within_twice[k]);
  for (std::size_t k = 0; k < radius_m.size(); ++k)
    std::printf("within %s km of road: %.1f%%\n", plan_key(f.radius_km[k]).c_str(),
                100 * summary.overall.within_km[k]);
  std::printf("mean best time %.0f s; tables in %.3f s; wrote %s/coverage.{json,geojson,svg}\n",
              summary.overall.mean_best_s, seconds, f.out.c_str());
  return dk_tools::kExitOk;
}

int run_site(const Flags& f) {
  World w;
  if (absl::Status s = load_world(f, w); !s.ok()) return dk_tools::status_error(kTool, s);
  // Candidates: a file, or street points on a grid over the demand.
  std::vector<Site> candidates;
  if (f.candidates.starts_with("grid:")) {
    double spacing = 0;
    if (!parse_number(std::string_view(f.candidates).substr(5), spacing) || !(spacing >= 10))
      return usage("--candidates=grid:METERS needs a spacing of at least 10 m");
    candidates = grid_candidates(*w.snapper, Meters{spacing}, w.demand.locations);
    if (candidates.empty())
      return dk_tools::input_error(kTool, "no grid candidate lands on a street");
  } else {
    absl::StatusOr<std::vector<Site>> c = load_sites(f.candidates);
    if (!c.ok()) return dk_tools::status_error(kTool, c.status());
    candidates = *std::move(c);
  }
  // A candidate's name is what sites.csv and new_units.csv call it: it must tell it apart.
  {
    absl::flat_hash_set<std::string> names;
    for (const Site& s : w.sites) names.insert(s.name);
    for (const Site& c : candidates)
      if (!names.insert(c.name).second)
        return dk_tools::input_error(
            kTool, absl::StrCat(f.candidates, ": candidate '", c.name,
                                "' has the name of an existing site or of another candidate"));
  }
  const SnapOptions snap{.max_distance = Meters{f.max_snap}};
  absl::StatusOr<std::vector<RoadPosition>> at = place_sites(candidates, *w.snapper, snap);
  if (!at.ok()) return dk_tools::status_error(kTool, at.status());
  if (f.k > candidates.size())
    return dk_tools::input_error(kTool, absl::StrCat("--k=", f.k, " is more than the ",
                                                     candidates.size(), " candidate sites"));
  std::fprintf(stderr, "%zu candidates; computing tables\n", candidates.size());
  const auto start = std::chrono::steady_clock::now();
  const bool radius = *f.method == SitingMethod::kRadius;
  SiteMatrix cand, existing;
  if (radius) {
    cand = site_road_distances(w.graph, *at, w.demand.positions);
    if (f.keep_existing)
      existing = site_road_distances(w.graph, w.site_positions, w.demand.positions);
  } else {
    cand = travel_table(f, w, *at, w.demand.positions);
    if (f.keep_existing) existing = travel_table(f, w, w.site_positions, w.demand.positions);
  }
  const double table_seconds = seconds_since(start);
  // Each point's nearest existing site by time, whatever the method measures: for the
  // model's size, the coverage before and today's busiest stations. Computed once.
  std::vector<PointCoverage> today_best(cand.points);
  if (f.keep_existing)
    today_best = radius ? best_two(travel_table(f, w, w.site_positions, w.demand.positions))
                        : best_two(existing);
  SitingProblem p;
  p.method = *f.method;
  p.candidates = &cand;
  p.existing = f.keep_existing ? &existing : nullptr;
  p.weights = w.demand.weights;
  p.limit = radius ? static_cast<Weight>(f.radius_km.front() * 10000.0)
                   : static_cast<Weight>(f.minutes.front() * 600.0);
  p.busy_fraction = f.busy_fraction;
  p.k = f.k;
  std::fprintf(stderr, "solving %s, k = %u\n", std::string(siting_method_name(p.method)).c_str(),
               p.k);
  absl::StatusOr<SitingResult> heuristic = solve_siting(p);
  if (!heuristic.ok()) return dk_tools::status_error(kTool, heuristic.status());
  SitingResult result = *heuristic;
  nlohmann::ordered_json exact_json = nullptr;
  std::string exact_status = "not run (--exact=no)";
  if (f.exact != "no") {
    // The model's size: about one coefficient per (candidate, point) pair that covers.
    std::uint64_t coefficients = 0;
    if (p.method == SitingMethod::kPMedian) {
      // Three per (candidate, point) pair that beats the point's best existing time.
      const std::vector<PointCoverage>& today = today_best;
      for (std::uint32_t j = 0; j < cand.sites; ++j)
        for (std::uint32_t i = 0; i < cand.points; ++i)
          coefficients += cand.at(j, i) < today[i].best ? 3 : 0;
    } else {
      for (Weight t : cand.values) coefficients += t <= p.limit ? 1 : 0;
    }
    if (f.exact == "auto" && coefficients > 2'000'000) {
      exact_status = absl::StrCat("not run: the model has ", coefficients,
                                  " coefficients, more than --exact=auto's 2,000,000 "
                                  "(--exact=yes tries it)");
    } else {
      std::fprintf(stderr, "solving exactly with GLPK (%llu coefficients, limit %g s)\n",
                   static_cast<unsigned long long>(coefficients), f.time_limit_s);
      absl::StatusOr<SitingResult> x =
          solve_siting_mip(p, {.time_limit_s = f.time_limit_s, .start = heuristic->chosen});
      if (x.ok()) {
        exact_status = "optimal";
        exact_json = {{"solver", x->solver},
                      {"objective", x->objective},
                      {"seconds", x->seconds},
                      {"variables", x->evaluated},
                      {"heuristic_gap", detail::relative_gap(x->objective, heuristic->objective)}};
        result = *x;
        result.swaps = heuristic->swaps;
      } else {
        exact_status = std::string(x.status().message());
        std::fprintf(stderr, "%s: exact solver did not finish: %s; the answer is the heuristic's\n",
                     kTool, exact_status.c_str());
      }
    }
  }
  // The layout: existing (when kept) plus the chosen, the one adding most first.
  std::vector<Site> layout = f.keep_existing ? w.sites : std::vector<Site>{};
  std::vector<std::uint8_t> is_new(layout.size(), 0);
  std::vector<RoadPosition> layout_at =
      f.keep_existing ? w.site_positions : std::vector<RoadPosition>{};
  nlohmann::ordered_json chosen = nlohmann::ordered_json::array();
  for (std::uint32_t c : result.chosen) {
    layout.push_back(candidates[c]);
    layout_at.push_back((*at)[c]);
    is_new.push_back(1);
    chosen.push_back({{"name", candidates[c].name},
                      {"latitude", candidates[c].location.lat},
                      {"longitude", candidates[c].location.lon}});
  }
  // The layout's coverage at the target, before and after (on times, whatever the method).
  const std::vector<double> minutes = f.minutes;
  const std::vector<PointCoverage> after_best =
      best_two(travel_table(f, w, layout_at, w.demand.positions));
  const CoverageSummary today = summarize_coverage(w.demand, today_best, minutes, nullptr, {},
                                                   static_cast<std::uint32_t>(w.sites.size()));
  auto within = [&](const CoverageSummary& s, bool any_sites) {
    nlohmann::ordered_json m = nlohmann::ordered_json::object();
    if (!any_sites) return m;
    for (std::size_t k = 0; k < minutes.size(); ++k) m[plan_key(minutes[k])] = s.overall.within[k];
    return m;
  };
  nlohmann::ordered_json plan;
  plan["method"] = siting_method_name(p.method);
  plan["k"] = p.k;
  plan["minutes"] = f.minutes.front();
  if (radius) plan["radius_km"] = f.radius_km.front();
  if (p.method == SitingMethod::kMexclp) plan["busy_fraction"] = p.busy_fraction;
  plan["keep_existing"] = f.keep_existing;
  plan["existing_sites"] = f.keep_existing ? w.sites.size() : 0;
  plan["candidates"] = candidates.size();
  plan["candidates_source"] = f.candidates;
  plan["demand"] = {
      {"source", w.demand_source},
      {"placed", w.demand.size()},
      {"weight", w.demand.total_weight},
      {"off_network",
       {{"points", w.demand.off_network.points}, {"weight", w.demand.off_network.weight}}}};
  plan["objective_kind"] = p.method == SitingMethod::kPMedian  ? "mean time to the nearest site (s)"
                           : p.method == SitingMethod::kMexclp ? "expected covered share of demand"
                                                               : "covered share of demand";
  plan["objective"] = result.objective;
  plan["objective_existing"] = result.objective_existing;
  plan["solver"] = result.solver;
  plan["heuristic"] = !result.optimal || result.solver != "glpk";
  plan["optimal"] = result.optimal;
  plan["bound"] = result.bound ? nlohmann::ordered_json(*result.bound) : nullptr;
  plan["bound_kind"] = result.bound_kind;
  plan["gap"] = result.gap ? nlohmann::ordered_json(*result.gap) : nullptr;
  plan["heuristic_result"] = {
      {"solver", heuristic->solver},
      {"objective", heuristic->objective},
      {"greedy_objective", heuristic->greedy_objective},
      {"bound", heuristic->bound ? nlohmann::ordered_json(*heuristic->bound) : nullptr},
      {"gap", heuristic->gap ? nlohmann::ordered_json(*heuristic->gap) : nullptr},
      {"swaps", heuristic->swaps},
      {"seconds", heuristic->seconds}};
  plan["exact"] = {{"status", exact_status}, {"result", exact_json}};
  plan["chosen"] = chosen;
  // Sites that add nothing: k was more than the model needed (placed arbitrarily).
  nlohmann::ordered_json redundant = nlohmann::ordered_json::array();
  for (std::uint32_t c : result.redundant) redundant.push_back(candidates[c].name);
  plan["redundant"] = redundant;
  if (!result.redundant.empty())
    std::fprintf(stderr,
                 "%s: %zu of the %u new sites add nothing to the objective (k is more than "
                 "%s needs at this target): %s\n",
                 kTool, result.redundant.size(), p.k,
                 std::string(siting_method_name(p.method)).c_str(),
                 json_text(redundant, -1).c_str());
  plan["within_before"] = within(today, f.keep_existing);
  plan["within_after"] =
      within(summarize_coverage(w.demand, after_best, minutes), !layout_at.empty());
  plan["table_seconds"] = table_seconds;
  plan["time"] = seconds_since(start);
  // One ALS ambulance per new site (dk-replay --extra-units=), and, to replay the same
  // fleet growth without the new sites, as many at today's stations that are nearest to
  // the most demand (one each).
  std::string new_units = "call_sign,station,capabilities\n";
  for (std::size_t i = 0; i < result.chosen.size(); ++i)
    absl::StrAppend(&new_units, "PLAN", i + 1, ",", csv_field(candidates[result.chosen[i]].name),
                    ",als&bls&transport\n");
  std::string today_units = "call_sign,station,capabilities\n";
  if (f.keep_existing && !radius) {
    std::vector<std::uint32_t> order(w.sites.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      return today.weight_per_site[a] > today.weight_per_site[b];
    });
    for (std::size_t i = 0; i < result.chosen.size() && !order.empty(); ++i)
      absl::StrAppend(&today_units, "PLAN", i + 1, ",",
                      csv_field(w.sites[order[i % order.size()]].name), ",als&bls&transport\n");
  }
  const bool write_today = f.keep_existing && !radius;
  plan["today_units"] = write_today ? nlohmann::ordered_json("today_units.csv") : nullptr;
  const std::vector<Reach> reach = reach_within(w.graph, layout_at, minutes, time_options(f));
  for (const auto& [name, text] :
       {std::pair<std::string, std::string>{"sites.csv", sites_csv(layout)},
        {"new_units.csv", new_units},
        {"plan.json", json_text(plan)},
        {"coverage.svg", coverage_svg(layout, is_new, w.demand, after_best, reach,
                                      absl::StrCat(std::string(siting_method_name(p.method)), ": ",
                                                   p.k, " new sites"))}})
    if (absl::Status s = write_out(f.out, name, text); !s.ok())
      return dk_tools::status_error(kTool, s);
  if (write_today)
    if (absl::Status s = write_out(f.out, "today_units.csv", today_units); !s.ok())
      return dk_tools::status_error(kTool, s);
  std::printf(
      "%s k=%u: objective %.4f (today %.4f), %s, gap %.4f; wrote %s/sites.csv (%zu sites)\n",
      std::string(siting_method_name(p.method)).c_str(), p.k, result.objective,
      result.objective_existing, result.solver.c_str(), result.gap.value_or(-1), f.out.c_str(),
      layout.size());
  return dk_tools::kExitOk;
}

int run_fleet(const Flags& f) {
  World w;
  if (absl::Status s = load_network(f, w); !s.ok()) return dk_tools::status_error(kTool, s);
  // The calls, with their stamps: a grid has none.
  absl::StatusOr<std::string> text = read_file(f.demand);
  if (!text.ok()) return dk_tools::status_error(kTool, text.status());
  if (is_demand_grid_text(*text))
    return dk_tools::input_error(
        kTool, absl::StrCat(f.demand,
                            ": fleet needs a call file with call times (this is a demand grid; "
                            "a grid of residents goes to --population=)"));
  absl::Status zone;
  const RecordedCallsOptions options = calls_options(f, zone);
  if (!zone.ok()) return dk_tools::status_error(kTool, zone);
  absl::StatusOr<RecordedCalls> record = parse_call_file(f.demand, *text, options);
  if (!record.ok()) return dk_tools::status_error(kTool, record.status());
  const FleetRecordCalls kept = fleet_record_calls(*record);
  if (kept.calls.empty())
    return dk_tools::input_error(
        kTool, absl::StrCat(f.demand, ": no call with a location that an ambulance served (",
                            record->calls.size(), " calls, ", kept.without_ambulance,
                            " without an ambulance)"));
  const SnapOptions snap{.max_distance = Meters{f.max_snap}};
  absl::StatusOr<PlacedDemand> placed = place_demand(kept.demand, *w.snapper, snap);
  if (!placed.ok()) return dk_tools::status_error(kTool, placed.status());
  std::fprintf(stderr,
               "%zu sites; %zu of %zu calls are ambulance calls on the network (%u without an "
               "ambulance, %u off the network) over %.0f days\n",
               w.sites.size(), placed->size(), record->calls.size(), kept.without_ambulance,
               placed->off_network.points, kept.days);
  const auto start = std::chrono::steady_clock::now();
  const std::vector<PointCoverage> best =
      best_two(travel_table(f, w, w.site_positions, placed->positions));
  const std::vector<FleetCall> calls =
      first_due_calls(*record, kept, *placed, best, f.minutes.front());
  FleetRunInfo info;
  info.graph = f.graph;
  info.sites_file = f.sites;
  info.calls_file = f.demand;
  info.zone = record->zone.name();
  info.minutes = f.minutes.front();
  info.calls_in_record = static_cast<std::uint32_t>(record->calls.size());
  info.without_ambulance = kept.without_ambulance;
  info.without_location = kept.without_location;
  info.off_network = placed->off_network.points;
  info.days = kept.days;
  absl::StatusOr<BusyTime> measured = measure_busy_time(*record, kept.calls);
  if (measured.ok()) info.measured = *measured;
  double service_minutes = 0;
  if (f.service_minutes) {
    service_minutes = *f.service_minutes;
    info.service_source = "--service-minutes";
  } else if (measured.ok()) {
    service_minutes = measured->minutes_per_call;
    info.service_source = "record";
  } else {
    return dk_tools::status_error(kTool, measured.status());
  }
  absl::StatusOr<FleetSizing> sizing =
      size_fleet(calls, w.sites.size(),
                 {.threshold = f.threshold, .days = kept.days, .service_minutes = service_minutes});
  if (!sizing.ok()) return dk_tools::status_error(kTool, sizing.status());
  if (!f.population.empty()) {
    absl::StatusOr<Demand> grid = load_demand_csv(f.population);
    if (!grid.ok()) return dk_tools::status_error(kTool, grid.status());
    absl::StatusOr<PopulationRule> rule =
        population_rule(grid->total_weight(), f.residents_per_unit);
    if (!rule.ok()) return dk_tools::status_error(kTool, rule.status());
    info.population = *rule;
    info.population_file = f.population;
  }
  info.recorded = recorded_fleet_use(*record);
  info.seconds = seconds_since(start);
  for (const auto& [name, text] : {std::pair<std::string, std::string>{
                                       "fleet.json", json_text(fleet_json(*sizing, w.sites, info))},
                                   {"fleet.csv", fleet_csv(*sizing, w.sites)}})
    if (absl::Status s = write_out(f.out, name, text); !s.ok())
      return dk_tools::status_error(kTool, s);
  const FleetSizing& z = *sizing;
  std::printf("busy time %.1f min per call (%s); threshold %g\n", service_minutes,
              info.service_source.c_str(), f.threshold);
  std::printf(
      "city peak hour %02u: %.1f Erlangs, %u ambulances at the stations (%u pooled); "
      "stations' complements sum to %u\n",
      z.peak_hour, z.peak_load, z.city[z.peak_hour].units, z.city[z.peak_hour].pooled_units,
      z.complement);
  std::printf("%.1f%% of calls have their first-due station beyond %s min (a siting question)\n",
              100 * z.beyond_target_share, plan_key(f.minutes.front()).c_str());
  if (info.population)
    std::printf("population rule: %.0f residents / %.0f = %u ambulances\n",
                info.population->population, info.population->residents_per_unit,
                info.population->units);
  std::printf(
      "the record shows %u ambulances, at most %u busy at once; wrote %s/fleet.{json,csv}\n",
      info.recorded->ambulances, info.recorded->peak_busy, f.out.c_str());
  return dk_tools::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  Flags f;
  if (argc < 2) return usage("a command is required: coverage, site or fleet");
  f.command = argv[1];
  if (f.command == "--help" || f.command == "-h") {
    std::fputs(kUsage, stdout);
    return dk_tools::kExitOk;
  }
  if (f.command != "coverage" && f.command != "site" && f.command != "fleet")
    return usage("unknown command '" + f.command + "' (coverage, site or fleet)");
  for (int i = 2; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (const std::optional<bool> osm = dk_tools::osm_graph_flag(a, f.graph_options.osm)) {
      if (!*osm) return dk_tools::kExitUsage;
    } else if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return dk_tools::kExitOk;
    } else if (auto v = dk_tools::flag_value(a, "--graph")) {
      f.graph = std::string(*v);
    } else if (auto v = dk_tools::flag_value(a, "--sites")) {
      f.sites = std::string(*v);
    } else if (auto v = dk_tools::flag_value(a, "--demand")) {
      f.demand = std::string(*v);
    } else if (auto v = dk_tools::flag_value(a, "--out")) {
      f.out = std::string(*v);
    } else if (auto v = dk_tools::flag_value(a, "--timezone")) {
      f.timezone = std::string(*v);
    } else if (auto v = dk_tools::flag_value(a, "--candidates")) {
      f.candidates = std::string(*v);
    } else if (auto v = dk_tools::flag_value(a, "--minutes")) {
      if (!parse_list(*v, f.minutes, 1440))
        return usage("--minutes is a list of numbers in (0, 1440]");
    } else if (auto v = dk_tools::flag_value(a, "--radius-km")) {
      if (!parse_list(*v, f.radius_km, 10000))
        return usage("--radius-km is a list of numbers in (0, 10000]");
    } else if (auto v = dk_tools::flag_value(a, "--mode")) {
      if (*v == "lights")
        f.mode = TravelMode::kLightsAndSirens;
      else if (*v == "normal")
        f.mode = TravelMode::kNormal;
      else
        return usage("--mode is lights or normal");
    } else if (auto v = dk_tools::flag_value(a, "--turnout")) {
      if (!dk_tools::parse_flag_number("--turnout", *v, f.turnout_s) || f.turnout_s < 0)
        return usage("--turnout is seconds >= 0");
    } else if (auto v = dk_tools::flag_value(a, "--max-snap")) {
      if (!dk_tools::parse_flag_number("--max-snap", *v, f.max_snap) || !(f.max_snap > 0))
        return usage("--max-snap is metres > 0");
    } else if (auto v = dk_tools::flag_value(a, "--busy-fraction")) {
      if (!dk_tools::parse_flag_number("--busy-fraction", *v, f.busy_fraction) ||
          !(f.busy_fraction >= 0 && f.busy_fraction < 1))
        return usage("--busy-fraction is in [0, 1)");
    } else if (auto v = dk_tools::flag_value(a, "--k")) {
      if (!dk_tools::parse_flag_number("--k", *v, f.k, "a whole number >= 1") || f.k == 0)
        return usage("--k is a whole number >= 1");
    } else if (auto v = dk_tools::flag_value(a, "--method")) {
      f.method = parse_siting_method(*v);
      if (!f.method) return usage("--method is mclp, mexclp, pmedian or radius");
    } else if (auto v = dk_tools::flag_value(a, "--exact")) {
      f.exact = std::string(*v);
      if (f.exact != "auto" && f.exact != "yes" && f.exact != "no")
        return usage("--exact is auto, yes or no");
    } else if (auto v = dk_tools::flag_value(a, "--time-limit")) {
      if (!dk_tools::parse_flag_number("--time-limit", *v, f.time_limit_s) || !(f.time_limit_s > 0))
        return usage("--time-limit is seconds > 0");
    } else if (auto v = dk_tools::flag_value(a, "--threshold")) {
      if (!dk_tools::parse_flag_number("--threshold", *v, f.threshold) ||
          !(f.threshold > 0 && f.threshold < 1))
        return usage("--threshold is a share in (0, 1)");
    } else if (auto v = dk_tools::flag_value(a, "--service-minutes")) {
      double m = 0;
      if (!dk_tools::parse_flag_number("--service-minutes", *v, m) || !(m > 0))
        return usage("--service-minutes is minutes > 0");
      f.service_minutes = m;
    } else if (auto v = dk_tools::flag_value(a, "--traffic")) {
      f.traffic = std::string(*v);
    } else if (auto v = dk_tools::flag_value(a, "--at")) {
      f.at = std::string(*v);
      if (!parse_time_of_week(f.at))
        return usage("--at is DAY-HH:MM, a local time of the week (e.g. mon-08:00)");
    } else if (auto v = dk_tools::flag_value(a, "--population")) {
      f.population = std::string(*v);
    } else if (auto v = dk_tools::flag_value(a, "--residents-per-unit")) {
      if (!dk_tools::parse_flag_number("--residents-per-unit", *v, f.residents_per_unit) ||
          !(f.residents_per_unit > 0))
        return usage("--residents-per-unit is a number > 0");
    } else if (a == "--no-existing") {
      f.keep_existing = false;
    } else if (a == "--progress") {
      f.progress = true;
    } else if (a == "--no-progress") {
      f.progress = false;
    } else {
      return usage("unknown argument '" + std::string(a) + "'");
    }
  }
  if (f.graph.empty() || f.sites.empty() || f.demand.empty() || f.out.empty())
    return usage("--graph, --sites, --demand and --out are required");
  if (f.minutes.empty()) return usage("--minutes is required");
  if (f.traffic.empty() != f.at.empty())
    return usage("--traffic=PROFILE and --at=DAY-HH:MM go together");
  if (f.command == "site") {
    if (f.k == 0) return usage("site needs --k=N");
    if (!f.method) return usage("site needs --method=mclp|mexclp|pmedian|radius");
    if (f.minutes.size() != 1) return usage("site takes one --minutes value");
    if (*f.method == SitingMethod::kRadius && f.radius_km.size() != 1)
      return usage("--method=radius needs one --radius-km=R");
  }
  if (f.command == "fleet") {
    if (f.minutes.size() != 1) return usage("fleet takes one --minutes value");
    if (f.demand == "nodes") return usage("fleet needs --demand=CALLFILE (calls with their times)");
  }
  if (absl::Status s = dk_tools::prepare_output_dir(f.out); !s.ok())
    return dk_tools::status_error(kTool, s);
  if (f.command == "fleet") return run_fleet(f);
  return f.command == "coverage" ? run_coverage(f) : run_site(f);
}
