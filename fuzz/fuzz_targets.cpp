// dispatchkit's libFuzzer targets: one per input reader, and three that drive the triage
// queue, the fleet state machine and the route queries with random operation sequences.
//
//   build/fuzz/fuzz/dk_fuzz_dimacs fuzz/corpus/dimacs -dict=fuzz/dict/dimacs.dict
//   scripts/fuzz.sh [SECONDS] [TARGET...]      # every target for a long run
//
// Every target is compiled in this one file (the readers' headers are most of the cost of
// a translation unit, and a libFuzzer binary holds one LLVMFuzzerTestOneInput): each
// dk_fuzz_<name> executable links it with a one-line file that names its target
// (fuzz/CMakeLists.txt). A target returns normally on any input; a crash, an ASan or
// UBSan report, a hang or a broken invariant (__builtin_trap) is a finding.
//
// Readers that take two files (nodes beside edges, a JEMSS directory) or read a path
// themselves (libosmium) get their input split at the first NUL byte and written to a
// per-process scratch directory.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/graph/io/graph_file.hpp"
#include "dispatchkit/graph/snap.hpp"
#include "dispatchkit/plan/demand.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "dispatchkit/recommend/io/hifld_hospitals.hpp"
#include "dispatchkit/route/cch.hpp"
#include "dispatchkit/route/ch.hpp"
#include "dispatchkit/route/ch/index_file.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "dispatchkit/route/traffic/io/gps_csv.hpp"
#include "dispatchkit/route/traffic/io/profile_csv.hpp"
#include "dispatchkit/sim/call_mapping.hpp"
#include "dispatchkit/sim/generate/gen_config.hpp"
#include "dispatchkit/sim/io/areas_geojson.hpp"
#include "dispatchkit/sim/io/calibration_json.hpp"
#include "dispatchkit/sim/io/call_files.hpp"
#include "dispatchkit/sim/io/closures_csv.hpp"
#include "dispatchkit/sim/io/fleet_csv.hpp"
#include "dispatchkit/sim/io/sites_csv.hpp"
#include "dispatchkit/triage/determinant.hpp"
#include "dispatchkit/triage/response_plan.hpp"
#include "dispatchkit/triage/service_targets.hpp"
#include "dispatchkit/triage/triage_queue.hpp"
#include "fixtures/fuzz_grid.hpp"

using namespace dispatchkit;

// The target this executable runs, defined by its one-line file (fuzz/CMakeLists.txt).
extern "C" const char dk_fuzz_target[];

namespace {

// A broken invariant: stop here, so that libFuzzer saves the input.
#define DK_FUZZ_CHECK(cond)                                                                       \
  do {                                                                                            \
    if (!(cond)) {                                                                                \
      std::fprintf(stderr, "dk_fuzz: invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      __builtin_trap();                                                                           \
    }                                                                                             \
  } while (0)

// Reads bytes off the front of the input, zeros once it runs out.
class Bytes {
 public:
  explicit Bytes(std::string_view data) : data_(data) {}
  [[nodiscard]] bool empty() const noexcept { return pos_ >= data_.size(); }
  std::uint8_t u8() noexcept {
    return pos_ < data_.size() ? static_cast<std::uint8_t>(data_[pos_++]) : 0;
  }
  std::uint32_t u32() noexcept {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = v << 8 | u8();
    return v;
  }
  std::int64_t i64() noexcept {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | u8();
    return static_cast<std::int64_t>(v);
  }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
};

// The input split at its first NUL byte (the second part empty if there is none).
std::pair<std::string_view, std::string_view> split_at_nul(std::string_view data) {
  const std::size_t nul = data.find('\0');
  if (nul == std::string_view::npos) return {data, {}};
  return {data.substr(0, nul), data.substr(nul + 1)};
}

// A scratch directory of this process, removed at exit; `fresh` empties and recreates a
// folder of it per call. (Held by a pointer that is never freed, so that the exit handler
// never sees a destroyed string.)
const std::string& scratch() {
  static const std::string* dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    auto* path = new std::string((std::filesystem::path(tmp != nullptr ? tmp : "/tmp") /
                                  ("dk_fuzz_" + std::to_string(::getpid())))
                                     .string());
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(scratch(), ec);
    });
    return path;
  }();
  return *dir;
}
std::string fresh(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(scratch()) / name;
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir, ec);
  return dir.string();
}
void put(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// The graph the readers that need one (profiles, closures, CH index files, hospitals) read
// against: tests/fixtures/fuzz_grid.hpp, so that a finding replays in the test suite.
const RoadGraph& grid() {
  static const RoadGraph g = dk_fixtures::fuzz_grid();
  return g;
}
const Snapper& grid_snapper() {
  static const Snapper s = *Snapper::build(grid());
  return s;
}
const std::vector<Site>& grid_stations() {
  static const std::vector<Site> s = {Site{"Station #1", LatLon{37.770, -122.420}, 1},
                                      Site{"Station #2", LatLon{37.776, -122.414}, 2}};
  return s;
}
const ContractionHierarchy& grid_ch() {
  static const ContractionHierarchy ch = *ContractionHierarchy::build(grid());
  return ch;
}

// The binary containers (io/container.hpp) end in a checksum of every byte before it, which
// a mutation almost never keeps: the targets below fix it first, so that the fuzzer reaches
// the parsing behind it (a file a buggy writer made), as the probe of issue #16 did.
std::string with_valid_checksum(std::string_view in) {
  std::string bytes(in);
  if (bytes.size() < 8) return bytes;
  const std::uint64_t sum = detail::checksum64(std::string_view(bytes).substr(0, bytes.size() - 8));
  std::memcpy(bytes.data() + bytes.size() - 8, &sum, 8);
  return bytes;
}

// --- readers -----------------------------------------------------------------------------

void fuzz_dimacs(std::string_view in) {
  const auto g = detail::load_dimacs_text("fuzz.gr", in, "", {});
  if (g.ok() && g->node_count() > 0) {
    Dijkstra d(*g);
    (void)d.distance(NodeId(0), NodeId(g->node_count() - 1));
  }
}
void fuzz_dimacs_co(std::string_view in) {
  std::vector<LatLon> coordinates;
  (void)detail::read_dimacs_coordinates("fuzz.co", in, 64, coordinates);
}
void fuzz_pace16(std::string_view in) {
  (void)detail::load_pace16_text("fuzz.gr", in, {});
}
void fuzz_graph_text(std::string_view in) {  // the format sniffing of load_graph()
  const auto f = detail::detect_text_format("fuzz.txt", in);
  if (f.ok() && *f == GraphFormat::kDimacs) (void)detail::load_dimacs_text("fuzz.gr", in, "", {});
}
void fuzz_osm_csv(std::string_view in) {
  const auto [nodes, edges] = split_at_nul(in);
  const std::string dir = fresh("osm_csv");
  put(dir + "/g_nodes.csv", nodes);
  (void)detail::load_osm_csv_text(dir + "/g_edges.csv", edges, {});
}
void fuzz_integrator_csv(std::string_view in) {
  const auto [nodes, arcs] = split_at_nul(in);
  const std::string dir = fresh("csv");
  put(dir + "/nodes.csv", nodes);
  (void)detail::load_csv_graph_text(dir + "/arcs.csv", arcs, {});
}
void fuzz_jemss(std::string_view in) {
  const auto [nodes, rest] = split_at_nul(in);
  const auto [arcs, tables] = split_at_nul(rest);
  const std::string dir = fresh("jemss");
  put(dir + "/nodes.csv", nodes);
  put(dir + "/arcs.csv", arcs);
  (void)load_jemss_graph(dir, {});
  put(dir + "/stations_1.csv", tables);
  (void)load_jemss_stations(dir + "/stations_1.csv");
  (void)load_jemss_hospitals(dir + "/stations_1.csv");
  (void)load_jemss_ambulances(dir + "/stations_1.csv");
}
void fuzz_gzip(std::string_view in) {
  (void)detail::gunzip("fuzz.gz", in);
}
void fuzz_xz(std::string_view in) {
  (void)detail::unxz("fuzz.xz", in);
}
void fuzz_osm_xml(std::string_view in) {
  const std::string path = fresh("osm") + "/fuzz.osm";
  put(path, in);
  (void)import_osm(path, {});
}
void fuzz_osm_pbf(std::string_view in) {
  const std::string path = fresh("osm") + "/fuzz.osm.pbf";
  put(path, in);
  (void)import_osm(path, {});
}
void fuzz_graph_file(std::string_view in) {
  const std::string bytes = with_valid_checksum(in);
  const auto g = detail::RoadGraphFileAccess::parse("fuzz.dkg", bytes, nullptr);
  if (g.ok() && g->node_count() > 0) {
    Dijkstra d(*g);
    (void)d.distance(NodeId(0), NodeId(g->node_count() - 1));
  }
}
void fuzz_ch_index(std::string_view in) {
  const std::string bytes = with_valid_checksum(in);
  const auto ch = detail::ChIndexAccess::parse("fuzz.ch", bytes, grid());
  if (ch.ok()) {
    ChQuery q(*ch, grid());
    (void)q.distance(NodeId(0), NodeId(grid().node_count() - 1));
  }
}
void fuzz_calls(std::string_view in) {
  const auto r = parse_call_file("fuzz.csv", in);
  if (r.ok()) (void)r->report.summary();
}
void fuzz_sites(std::string_view in) {
  const auto s = parse_sites("fuzz.csv", in);
  if (s.ok()) {
    const auto back = parse_sites("back.csv", sites_csv(*s));
    DK_FUZZ_CHECK(back.ok() && back->size() == s->size());
  }
}
void fuzz_hospitals(std::string_view in) {
  (void)parse_hifld_hospitals("fuzz.csv", in, grid_snapper());
}
void fuzz_fleet(std::string_view in) {
  (void)parse_fleet_file("fuzz.csv", in, grid_stations());
}
void fuzz_response_plans(std::string_view in) {
  (void)ResponsePlanTable::parse(in, "fuzz.csv");
}
void fuzz_service_targets(std::string_view in) {
  const auto t = ServiceTargets::parse(in, "fuzz.csv");
  if (t.ok()) {
    for (std::size_t g = 1; g <= kGradeCount; ++g)
      DK_FUZZ_CHECK(within_target_limit(t->allowed_wait(static_cast<PriorityGrade>(g))));
  }
}
void fuzz_determinant(std::string_view in) {
  const auto code = DeterminantCode::parse(in);
  if (code.ok()) {
    const auto again = DeterminantCode::parse(code->to_string());
    DK_FUZZ_CHECK(again.ok() && *again == *code);
  }
  (void)DeterminantPattern::parse(in);
}
void fuzz_call_mapping(std::string_view in) {
  (void)CallMapping::parse(in, "fuzz.csv");
}
void fuzz_traffic_profile(std::string_view in) {
  (void)parse_traffic_profile("fuzz.csv", in, grid());
}
void fuzz_gps(std::string_view in) {
  (void)parse_gps_tracks("fuzz.csv", in);
}
void fuzz_closures(std::string_view in) {
  (void)parse_closures("fuzz.csv", in, grid(), TimeZone::utc(), sim_time_from_unix(1483228800),
                       sim_time_from_unix(1483833600));
}
void fuzz_areas(std::string_view in) {
  (void)parse_areas_geojson(in, "fuzz.geojson");
}
void fuzz_demand(std::string_view in) {
  (void)parse_demand_csv("fuzz.csv", in);
}
void fuzz_gen_config(std::string_view in) {
  (void)parse_call_gen_config("fuzz.xml", in);
}
void fuzz_calibration(std::string_view in) {
  (void)parse_calibration_json(in, "fuzz.json");
}
void fuzz_triage_snapshot(std::string_view in) {
  const std::string bytes = with_valid_checksum(in);
  const auto q = TriageQueue::deserialize(bytes, "fuzz.snapshot");
  if (!q.ok()) return;
  DK_FUZZ_CHECK(q->check_invariants());
  // What restores is what the writer writes: saved again it restores to itself, byte for
  // byte. (Not the input's own bytes: the container's zero padding between sections is
  // not checked, docs/reliability.md.)
  const std::string saved = q->serialize();
  const auto again = TriageQueue::deserialize(saved, "saved.snapshot");
  DK_FUZZ_CHECK(again.ok() && again->serialize() == saved);
  for (const std::int64_t now : {std::int64_t{0}, std::int64_t{1483228800}}) {
    const TriageCall* top = q->peek(sim_time_from_unix(now));
    if (top != nullptr) (void)top->next_target(ServiceTargets::defaults(), sim_time_from_unix(now));
  }
}

// --- structure-aware ---------------------------------------------------------------------

// Random operation sequences on a triage queue; its invariants after every step, and a
// snapshot that restores to the same queue at the end.
void fuzz_triage_ops(std::string_view in) {
  Bytes b(in);
  TriageQueueOptions options;
  options.targets.set_allowed_wait(PriorityGrade::kIV, SimDuration(b.u8() * 10));
  options.duplicates.radius = Meters(b.u8() * 5.0);
  TriageQueue q(options);
  q.reserve(b.u8() % 32);
  const std::int64_t base = 1483228800;
  const auto time = [&] {
    const std::uint8_t k = b.u8();
    if (k == 255) return sim_time_from_unix(b.i64());  // anywhere, also absurd
    return sim_time_from_unix(base + k * 37);
  };
  for (int step = 0; step < 200 && !b.empty(); ++step) {
    const std::uint8_t op = b.u8() % 9;
    const CallId id(b.u8() % 24 + (b.u8() == 0 ? 0u : 1u));  // 0 is invalid
    switch (op) {
      case 0:
      case 1: {
        TriageCall c;
        c.id = id;
        c.grade = static_cast<PriorityGrade>(b.u8() % 6);  // 0 and 5 invalid
        c.area = static_cast<AreaClass>(b.u8() % 4);
        c.clocks.received = time();
        if (b.u8() % 4 == 0) c.clocks.answered = time();
        if (b.u8() % 3 != 0) c.location = LatLon{37.7 + b.u8() * 1e-4, -122.4 + b.u8() * 1e-4};
        (void)q.push(c, b.u8() % 2 ? DuplicatePolicy::kReport : DuplicatePolicy::kIgnore);
        break;
      }
      case 2:
        (void)q.pop(time());
        break;
      case 3:
        (void)q.dispatch(id, time());
        break;
      case 4: {
        const auto code = DeterminantCode::parse(b.u8() % 2 ? "09-E-01" : "26-A-01");
        (void)q.retriage(id, *code, static_cast<PriorityGrade>(b.u8() % 6), time());
        break;
      }
      case 5:
        (void)q.cancel(id);
        break;
      case 6:
        (void)q.requeue(id);
        break;
      case 7:
        (void)q.close(id);
        break;
      case 8:
        (void)q.stamp(id, static_cast<Milestone>(b.u8() % (kMilestoneCount + 1)), time());
        break;
    }
    DK_FUZZ_CHECK(q.check_invariants());
    std::vector<AtRiskCall> risk;
    q.calls_at_risk(time(), SimDuration(b.u8() * 10), risk);
    DK_FUZZ_CHECK(risk.size() <= q.size());
  }
  const std::string bytes = q.serialize();
  const auto back = TriageQueue::deserialize(bytes, "ops");
  DK_FUZZ_CHECK(back.ok() && back->serialize() == bytes);
}

// Random operation sequences on a fleet: every status change it accepts is a transition of
// the documented lifecycle, and one it refuses leaves the unit as it was.
void fuzz_fleet_ops(std::string_view in) {
  Bytes b(in);
  Fleet fleet;
  const RoadGraph& g = grid();
  for (int step = 0; step < 200 && !b.empty(); ++step) {
    const std::uint8_t op = b.u8() % 7;
    const UnitId id(b.u8() % 10);
    const std::optional<UnitStatus> before =
        fleet.contains(id) ? std::optional<UnitStatus>(fleet.unit(id).status()) : std::nullopt;
    absl::Status s;
    switch (op) {
      case 0: {
        UnitSpec spec;
        spec.call_sign = "M" + std::to_string(b.u8() % 12);
        spec.status = static_cast<UnitStatus>(b.u8() % (kUnitStatusCount + 1));
        spec.home_station = b.u8() % 3;
        spec.position = RoadPosition::at_node(NodeId(b.u8() % (g.node_count() + 2)));
        (void)fleet.add_unit(spec);
        break;
      }
      case 1:
        s = fleet.set_status(id, static_cast<UnitStatus>(b.u8() % (kUnitStatusCount + 1)));
        break;
      case 2:
        s = fleet.dispatch(id, IncidentId(b.u8()), static_cast<PriorityGrade>(b.u8() % 6));
        break;
      case 3:
        s = fleet.report_position(
            id, RoadPosition::on_arc(ArcId(b.u8() % (g.arc_count() + 3)), b.u8() / 200.0f));
        break;
      case 4:
        s = fleet.report_gps(id, LatLon{37.765 + b.u8() * 1e-4, -122.425 + b.u8() * 1e-4},
                             grid_snapper());
        break;
      case 5:
        s = fleet.set_shift_end(id, sim_time_from_unix(b.i64()));
        break;
      case 6:
        s = fleet.assign_post(id, b.u8() % 4);
        break;
    }
    if (before && fleet.contains(id)) {
      const UnitStatus after = fleet.unit(id).status();
      if (!s.ok()) DK_FUZZ_CHECK(after == *before);
      if (after != *before || (op == 2 && s.ok()))
        DK_FUZZ_CHECK(is_valid_transition(*before, after));
    }
    for (const Unit& u : fleet.units())
      DK_FUZZ_CHECK(static_cast<std::size_t>(u.status()) < kUnitStatusCount);
  }
}

// Route queries between random positions on the bundled San Francisco graph: the CH and
// the CCH answer what Dijkstra answers, and positions that are not on the graph are
// unreachable rather than read out of bounds.
struct SfRouting {
  RoadGraph graph;
  ContractionHierarchy ch;
  CchTopology topology;
  CchMetric metric;
};
const SfRouting& sf_routing() {
  static const SfRouting r = [] {
    SfRouting s{*load_graph(DK_FUZZ_DATA_DIR "/sf/sf_osm_edges.csv.xz"), {}, {}, {}};
    s.ch = *ContractionHierarchy::build(s.graph);
    s.topology = *CchTopology::build(s.graph, *cch_order_metis(s.graph));
    s.metric = *CchMetric::customize(s.topology, s.graph.weights());
    return s;
  }();
  return r;
}
void fuzz_route_queries(std::string_view in) {
  const SfRouting& r = sf_routing();
  const RoadGraph& g = r.graph;
  static Dijkstra dijkstra(g);
  static ChQuery ch(r.ch, g);
  static CchQuery cch(r.metric, g);
  Bytes b(in);
  // A position on the graph: a node, or a point along an arc with its true reverse (as the
  // snapper makes them); or, one time in eight, ids that may lie outside the graph.
  const auto position = [&](bool& on_graph) {
    const std::uint8_t kind = b.u8();
    const std::uint32_t id = b.u32();
    const float fraction = static_cast<float>(b.u8()) / 255.0f;
    on_graph = kind % 8 != 0;
    if (!on_graph)
      return kind % 2 ? RoadPosition::at_node(NodeId(id))
                      : RoadPosition::on_arc(ArcId(id), fraction, ArcId(b.u32()));
    if (kind % 2) return RoadPosition::at_node(NodeId(id % g.node_count()));
    const ArcId a(id % g.arc_count());
    const std::optional<ArcId> back = g.find_arc(g.head(a), g.tail(a));
    return RoadPosition::on_arc(a, fraction, back.value_or(ArcId::invalid()));
  };
  for (int k = 0; k < 16 && !b.empty(); ++k) {
    bool s_on = false, t_on = false;
    const RoadPosition s = position(s_on), t = position(t_on);
    const Deciseconds want = dijkstra.distance(s, t);
    const Deciseconds by_ch = ch.distance(s, t);
    const Deciseconds by_cch = cch.distance(s, t);
    if (s_on && t_on) {
      DK_FUZZ_CHECK(by_ch == want);
      DK_FUZZ_CHECK(by_cch == want);
    }
  }
}

struct Target {
  std::string_view name;
  void (*run)(std::string_view);
};
constexpr Target kTargets[] = {
    {"dimacs", fuzz_dimacs},
    {"dimacs_co", fuzz_dimacs_co},
    {"pace16", fuzz_pace16},
    {"graph_text", fuzz_graph_text},
    {"osm_csv", fuzz_osm_csv},
    {"integrator_csv", fuzz_integrator_csv},
    {"jemss", fuzz_jemss},
    {"gzip", fuzz_gzip},
    {"xz", fuzz_xz},
    {"osm_xml", fuzz_osm_xml},
    {"osm_pbf", fuzz_osm_pbf},
    {"graph_file", fuzz_graph_file},
    {"ch_index", fuzz_ch_index},
    {"calls", fuzz_calls},
    {"sites", fuzz_sites},
    {"hospitals", fuzz_hospitals},
    {"fleet", fuzz_fleet},
    {"response_plans", fuzz_response_plans},
    {"service_targets", fuzz_service_targets},
    {"determinant", fuzz_determinant},
    {"call_mapping", fuzz_call_mapping},
    {"traffic_profile", fuzz_traffic_profile},
    {"gps", fuzz_gps},
    {"closures", fuzz_closures},
    {"areas", fuzz_areas},
    {"demand", fuzz_demand},
    {"gen_config", fuzz_gen_config},
    {"calibration", fuzz_calibration},
    {"triage_snapshot", fuzz_triage_snapshot},
    {"triage_ops", fuzz_triage_ops},
    {"fleet_ops", fuzz_fleet_ops},
    {"route_queries", fuzz_route_queries},
};

void (*chosen())(std::string_view) {
  static void (*run)(std::string_view) = [] {
    for (const Target& t : kTargets)
      if (t.name == dk_fuzz_target) return t.run;
    std::fprintf(stderr, "dk_fuzz: no target named '%s'\n", dk_fuzz_target);
    std::abort();
  }();
  return run;
}

// Seeds of the binary formats, which only a program can write: the grid's graph file and
// CH index, and a triage queue snapshot (fuzz/seed_corpora.sh runs this once).
void write_binary_seeds(const std::string& dir) {
  std::filesystem::create_directories(dir + "/graph_file");
  std::filesystem::create_directories(dir + "/ch_index");
  std::filesystem::create_directories(dir + "/triage_snapshot");
  DK_FUZZ_CHECK(save_graph_file(grid(), dir + "/graph_file/grid.dkg").ok());
  DK_FUZZ_CHECK(save_hierarchy(grid_ch(), dir + "/ch_index/grid.ch").ok());
  TriageQueue q;
  for (std::uint64_t i = 1; i <= 6; ++i) {
    TriageCall c;
    c.id = CallId(i);
    c.grade = static_cast<PriorityGrade>(1 + i % 4);
    c.clocks.received = sim_time_from_unix(1483228800 + 41 * static_cast<std::int64_t>(i));
    c.location = LatLon{37.77 + 0.001 * static_cast<double>(i), -122.42};
    (void)q.push(c, DuplicatePolicy::kIgnore);
  }
  (void)q.pop(sim_time_from_unix(1483229000));
  DK_FUZZ_CHECK(q.save(dir + "/triage_snapshot/six_calls.snapshot").ok());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* seeds = std::getenv("DK_FUZZ_WRITE_SEEDS")) {
    write_binary_seeds(seeds);
    std::exit(0);
  }
  (void)chosen();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  chosen()(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
