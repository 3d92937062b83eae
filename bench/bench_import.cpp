// bench_import: OpenStreetMap import (graph/osm/import.hpp), loading the binary graph file it
// writes (graph/io/graph_file.hpp), and CH queries on the turn-aware graph beside the plain
// one, all in one run.
//
//   $ bench_import                                     # ../shared/data/{monaco,andorra}.osm.pbf
//   $ bench_import --osm=city.osm.pbf --osm=other.osm.pbf
//
// Falls back to the bundled cuts (data/osm/) when the shared extracts are missing.
// Benchmarks (one family per extract, "<name>" its file name):
//   BM_Import/<name>/car             import with the car profile (turn restrictions applied)
//   BM_Import/<name>/ambulance       import with the ambulance profile
//   BM_LoadGraphFile/<name>          load the .dkg the car import writes (the baseline the
//                                    import is compared with: how much faster a saved graph is)
//   BM_CH_Query/<name>/turn_aware    one-to-one CH distance, random road-node pairs, on the
//                                    car graph with turn states
//   BM_CH_Query/<name>/plain         the same pairs on the same extract imported with turn
//                                    restrictions ignored (no turn states): the baseline
// Counters: peak_rss_MB on BM_Import (the peak resident memory of a fresh process of this
// program that does one import and nothing else, so the benchmark's own memory is not counted),
// nodes, arcs and turn_states of the graph.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench_common.hpp"
#include "dispatchkit/graph/io/graph_file.hpp"
#include "dispatchkit/graph/osm.hpp"
#include "dispatchkit/route/ch.hpp"

namespace {

using namespace dispatchkit;

OsmImport import_or_exit(const std::string& path, const OsmProfile& profile) {
  absl::StatusOr<OsmImport> city = import_osm(path, profile, OsmLoadOptions{});
  if (!city.ok()) {
    std::fprintf(stderr, "bench_import: %s\n", city.status().ToString().c_str());
    std::exit(2);
  }
  return *std::move(city);
}

OsmProfile profile_or_exit(const char* name, bool obey) {
  absl::StatusOr<OsmProfile> p = resolve_osm_profile(name);
  if (!p.ok()) std::exit(2);
  p->obey_turn_restrictions = obey;
  return *p;
}

// Peak resident set of one import, in MB: this program run again (its /proc/self/exe) with
// --import-child=PROFILE:PATH does one import and prints its ru_maxrss. A fresh process,
// not fork(): libosmium's reader threads of earlier imports would leave a forked child's
// locks held. 0 if the child failed.
double import_peak_rss_mb(const std::string& path, const std::string& profile) {
  char self[4096] = {};
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return 0;
  const std::string cmd = std::string(self, static_cast<std::size_t>(n)) +
                          " --import-child=" + profile + ":" + path + " 2>/dev/null";
  std::FILE* child = popen(cmd.c_str(), "r");
  if (child == nullptr) return 0;
  double kb = 0;
  if (std::fscanf(child, "%lf", &kb) != 1) kb = 0;
  if (pclose(child) != 0) return 0;
  return kb / 1024.0;  // ru_maxrss is in KB on Linux
}

// The child's side of import_peak_rss_mb().
int import_child(std::string_view arg) {
  const std::size_t colon = arg.find(':');
  if (colon == std::string_view::npos) return 2;
  absl::StatusOr<OsmProfile> p = resolve_osm_profile(arg.substr(0, colon));
  if (!p.ok()) return 2;
  if (!import_osm(std::string(arg.substr(colon + 1)), *p, OsmLoadOptions{}).ok()) return 1;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("%ld\n", usage.ru_maxrss);
  return 0;
}

void register_extract(const std::string& path) {
  const std::string name = std::filesystem::path(path).filename().string();
  for (const char* profile : {"car", "ambulance"}) {
    const OsmProfile p = profile_or_exit(profile, true);
    benchmark::RegisterBenchmark(("BM_Import/" + name + "/" + profile).c_str(),
                                 [path, p](benchmark::State& state) {
                                   std::uint64_t nodes = 0, arcs = 0, states = 0;
                                   for (auto _ : state) {
                                     OsmImport city = import_or_exit(path, p);
                                     nodes = city.graph.road_node_count();
                                     arcs = city.graph.arc_count();
                                     states = city.report.turn_states;
                                     benchmark::DoNotOptimize(city);
                                   }
                                   state.counters["nodes"] = static_cast<double>(nodes);
                                   state.counters["arcs"] = static_cast<double>(arcs);
                                   state.counters["turn_states"] = static_cast<double>(states);
                                   state.counters["peak_rss_MB"] = import_peak_rss_mb(path, p.name);
                                 })
        ->Unit(benchmark::kMillisecond);
  }
  // The graphs the other benchmarks share, built once.
  auto turn_aware = std::make_shared<OsmImport>(import_or_exit(path, profile_or_exit("car", true)));
  auto plain = std::make_shared<OsmImport>(import_or_exit(path, profile_or_exit("car", false)));
  const std::string file =
      (std::filesystem::temp_directory_path() / ("bench_import_" + name + ".dkg")).string();
  GraphFileInfo info;
  info.profile = "car";
  info.source_name = path;
  if (absl::Status s = save_graph_file(turn_aware->graph, file, info); !s.ok()) {
    std::fprintf(stderr, "bench_import: %s\n", s.ToString().c_str());
    std::exit(2);
  }
  benchmark::RegisterBenchmark(("BM_LoadGraphFile/" + name).c_str(), [file](
                                                                         benchmark::State& state) {
    for (auto _ : state) {
      absl::StatusOr<RoadGraph> g = load_graph_file(file);
      if (!g.ok()) {
        state.SkipWithError(g.status().ToString().c_str());
        return;
      }
      benchmark::DoNotOptimize(g);
    }
  })->Unit(benchmark::kMillisecond);
  for (auto [label, city] : {std::pair{"turn_aware", turn_aware}, std::pair{"plain", plain}}) {
    auto ch = std::make_shared<ContractionHierarchy>([&] {
      auto built = ContractionHierarchy::build(city->graph);
      if (!built.ok()) std::exit(2);
      return *std::move(built);
    }());
    // The same OSM node pairs on both graphs (road nodes of the plain graph, found by id in
    // the turn-aware one), so the two figures compare like with like.
    auto pairs_plain = dk_bench::random_node_pairs(plain->graph, 1000, 42);
    std::vector<std::pair<NodeId, NodeId>> pairs;
    for (auto [s, t] : pairs_plain) {
      const auto a = city->graph.find_node(plain->graph.external_id(s));
      const auto b = city->graph.find_node(plain->graph.external_id(t));
      if (a && b) pairs.emplace_back(*a, *b);
    }
    benchmark::RegisterBenchmark(("BM_CH_Query/" + name + "/" + label).c_str(),
                                 [city, ch, pairs](benchmark::State& state) {
                                   ChQuery q(*ch, city->graph);
                                   std::size_t i = 0;
                                   for (auto _ : state) {
                                     const auto& [s, t] = pairs[i++ % pairs.size()];
                                     benchmark::DoNotOptimize(q.distance(s, t));
                                   }
                                   state.SetItemsProcessed(state.iterations());
                                   state.counters["turn_states"] =
                                       static_cast<double>(city->report.turn_states);
                                 })
        ->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]).starts_with("--import-child="))
      return import_child(std::string_view(argv[i]).substr(15));
  benchmark::Initialize(&argc, argv);
  std::vector<std::string> extracts;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--osm=")) extracts.emplace_back(arg.substr(6));
  }
  if (extracts.empty()) {
    const std::string shared = std::string(DK_BENCH_SHARED_DATA_DIR) + "/";
    for (const char* name : {"monaco.osm.pbf", "andorra.osm.pbf"})
      if (std::filesystem::exists(shared + name)) extracts.push_back(shared + name);
    if (extracts.empty()) {
      for (const char* name : {"osm/monaco_center.osm.pbf", "osm/andorra_valley.osm.pbf"})
        extracts.push_back(std::string(DK_BENCH_DATA_DIR) + "/" + name);
    }
  }
  for (const std::string& e : extracts) {
    std::fprintf(stderr, "extract: %s\n", e.c_str());
    register_extract(e);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
