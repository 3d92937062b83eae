// dk-route: travel times between node pairs on a contraction hierarchy.
//
//   dk-route --graph=PATH --queries=FILE [--index=PATH] [--save-index=PATH] [--path]
//
// Each line of FILE is `SOURCE TARGET` (the graph file's own node ids; blank lines and
// lines starting with '#' are skipped). One line per query is printed: the travel time
// in the graph's own units (deciseconds, or the PACE16 weight), or `inf` when there is no
// route. With --path, the route follows as the input-file ids of the nodes passed.
// The hierarchy is loaded from --index (rejected if it was built for another graph or is
// damaged) or built, with a progress bar on stderr; --save-index writes it for next time.
// Exit status: 0 success, 1 bad query file, 2 bad arguments, graph or index.
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/route/ch.hpp"

using namespace dispatchkit;

namespace {

void usage() {
  std::fprintf(stderr,
               "usage: dk-route --graph=PATH --queries=FILE [--index=PATH] [--save-index=PATH] "
               "[--path]\n");
}

// Draws "[#####     ]  42%" on stderr, redrawing only when the percentage changes.
class ProgressBar {
 public:
  explicit ProgressBar(const char* label) : label_(label) {}
  void operator()(double fraction) {
    const int percent = static_cast<int>(fraction * 100.0 + 0.5);
    if (percent == last_) return;
    last_ = percent;
    constexpr int kWidth = 40;
    const int filled = percent * kWidth / 100;
    std::fprintf(stderr, "\r%s [%.*s%*s] %3d%%", label_, filled,
                 "########################################", kWidth - filled, "", percent);
    if (percent >= 100) std::fputc('\n', stderr);
    std::fflush(stderr);
  }

 private:
  const char* label_;
  int last_ = -1;
};

}  // namespace

int main(int argc, char** argv) {
  std::string graph_path, queries_path, index_path, save_path;
  bool print_path = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--graph=")) {
      graph_path = arg.substr(8);
    } else if (arg.starts_with("--queries=")) {
      queries_path = arg.substr(10);
    } else if (arg.starts_with("--index=")) {
      index_path = arg.substr(8);
    } else if (arg.starts_with("--save-index=")) {
      save_path = arg.substr(13);
    } else if (arg == "--path") {
      print_path = true;
    } else if (arg == "--help" || arg == "-h") {
      usage();
      return 0;
    } else {
      std::fprintf(stderr, "error: unknown argument '%s'\n", argv[i]);
      usage();
      return 2;
    }
  }
  if (graph_path.empty() || queries_path.empty()) {
    usage();
    return 2;
  }
  absl::StatusOr<RoadGraph> graph = load_graph(graph_path);
  if (!graph.ok()) {
    std::fprintf(stderr, "error: %s\n", graph.status().ToString().c_str());
    return 2;
  }
  absl::StatusOr<ContractionHierarchy> ch;
  if (!index_path.empty()) {
    ch = load_hierarchy(index_path, *graph);
  } else {
    ProgressBar bar("contracting");
    ch = ContractionHierarchy::build(*graph, {}, [&bar](double f) { bar(f); });
    if (ch.ok()) {
      std::fprintf(stderr, "hierarchy: %.2f s, %llu shortcuts\n", ch->stats().build_seconds,
                   static_cast<unsigned long long>(ch->stats().shortcut_count));
    }
  }
  if (!ch.ok()) {
    std::fprintf(stderr, "error: %s\n", ch.status().ToString().c_str());
    return 2;
  }
  if (!save_path.empty()) {
    if (const absl::Status s = save_hierarchy(*ch, save_path); !s.ok()) {
      std::fprintf(stderr, "error: %s\n", s.ToString().c_str());
      return 2;
    }
  }
  absl::StatusOr<std::string> text = read_file(queries_path);
  if (!text.ok()) {
    std::fprintf(stderr, "error: %s\n", text.status().ToString().c_str());
    return 1;
  }
  LineReader lines(queries_path, *text);
  ChQuery query(*ch, *graph);
  std::vector<std::string_view> fields;
  std::vector<ArcId> route;
  std::string out;
  while (const auto line = lines.next()) {
    const std::string_view l = trim(*line);
    if (l.empty() || l.front() == '#') continue;
    split_whitespace(l, fields);
    std::int64_t ids[2];
    if (fields.size() != 2 || !parse_number(fields[0], ids[0]) ||
        !parse_number(fields[1], ids[1])) {
      std::fprintf(stderr, "error: %s\n",
                   lines.error("expected 'SOURCE TARGET' (two node ids)").ToString().c_str());
      return 1;
    }
    std::optional<NodeId> nodes[2];
    for (int k = 0; k < 2; ++k) {
      nodes[k] = graph->find_node(ids[k]);
      if (!nodes[k]) {
        std::fprintf(stderr, "error: %s\n",
                     lines
                         .error(absl::StatusCode::kOutOfRange,
                                absl::StrCat("node ", ids[k], " is not in the graph"))
                         .ToString()
                         .c_str());
        return 1;
      }
    }
    const auto s = RoadPosition::at_node(*nodes[0]), t = RoadPosition::at_node(*nodes[1]);
    const Deciseconds d = print_path ? query.path_into(s, t, route) : query.distance(s, t);
    out = d.is_infinite() ? std::string("inf") : std::to_string(d.count());
    if (print_path && !d.is_infinite()) {
      out += "\t" + std::to_string(ids[0]);
      for (const ArcId a : route) out += " " + std::to_string(graph->external_id(graph->head(a)));
    }
    std::puts(out.c_str());
  }
  return 0;
}
