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
// The query file (syntax, then node ids) and the --save-index directory are checked
// before the graph is contracted, so a bad line prints no answers. If saving the index
// fails anyway, the queries are still answered and the exit status is 1.
// --progress / --no-progress force the bar on or off (default: on when stderr is a
// terminal). Exit status (all dk-* tools): 0 success, 1 bad input (graph, index, query
// file, or the index could not be saved; message on stderr), 2 usage.
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "detail/tool_flags.hpp"
#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/route/ch.hpp"

using namespace dispatchkit;

namespace {

constexpr const char* kTool = "dk-route";

void usage() {
  std::fprintf(stderr,
               "usage: dk-route --graph=PATH --queries=FILE [--index=PATH] [--save-index=PATH] "
               "[--path] [--progress|--no-progress] [--profile=P] [--all-components]\n%s",
               dk_tools::kOsmGraphFlagsUsage);
}

int fail(const absl::Status& s) {
  return dk_tools::status_error(kTool, s);
}

// One `SOURCE TARGET` line of the query file: the input-file ids as written, and the
// graph's nodes once the graph is loaded.
struct QueryLine {
  std::int64_t ids[2];
  std::uint32_t line;
  NodeId nodes[2];
};

// Parses the whole query file (syntax only: the graph is not loaded yet).
absl::StatusOr<std::vector<QueryLine>> parse_queries(LineReader& lines) {
  std::vector<QueryLine> out;
  std::vector<std::string_view> fields;
  while (const auto line = lines.next()) {
    const std::string_view l = trim(*line);
    if (l.empty() || l.front() == '#') continue;
    split_whitespace(l, fields);
    QueryLine q{{0, 0}, lines.line_number(), {NodeId::invalid(), NodeId::invalid()}};
    if (fields.size() != 2 || !parse_number(fields[0], q.ids[0]) ||
        !parse_number(fields[1], q.ids[1])) {
      return lines.error("expected 'SOURCE TARGET' (two node ids)");
    }
    out.push_back(q);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string graph_path, queries_path, index_path, save_path;
  bool print_path = false;
  bool progress = dk_tools::progress_default();
  GraphLoadOptions graph_options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (const std::optional<bool> osm = dk_tools::osm_graph_flag(arg, graph_options.osm)) {
      if (!*osm) {
        usage();
        return dk_tools::kExitUsage;
      }
    } else if (auto v = dk_tools::flag_value(arg, "--graph")) {
      graph_path = *v;
    } else if (auto v = dk_tools::flag_value(arg, "--queries")) {
      queries_path = *v;
    } else if (auto v = dk_tools::flag_value(arg, "--index")) {
      index_path = *v;
    } else if (auto v = dk_tools::flag_value(arg, "--save-index")) {
      save_path = *v;
    } else if (arg == "--path") {
      print_path = true;
    } else if (arg == "--progress") {
      progress = true;
    } else if (arg == "--no-progress") {
      progress = false;
    } else if (arg == "--help" || arg == "-h") {
      usage();
      return dk_tools::kExitOk;
    } else {
      dk_tools::unknown_argument(kTool, arg);
      usage();
      return dk_tools::kExitUsage;
    }
  }
  if (graph_path.empty() || queries_path.empty()) {
    usage();
    return dk_tools::kExitUsage;
  }
  // Cheap checks first: the queries are read and parsed now (they are small), the index
  // directory must be writable; then the graph is loaded and the node ids resolved, all
  // before contracting, so a bad line costs seconds, not a contraction and half the
  // answers.
  absl::StatusOr<std::string> text = read_file(queries_path);
  if (!text.ok()) return fail(text.status());
  LineReader lines(queries_path, *text);
  absl::StatusOr<std::vector<QueryLine>> queries = parse_queries(lines);
  if (!queries.ok()) return fail(queries.status());
  if (!save_path.empty()) {
    if (const absl::Status w = dk_tools::check_writable_dir(save_path); !w.ok()) return fail(w);
  }
  dk_tools::ProgressBar import_bar(progress, "importing", "bytes");
  dk_tools::show_osm_import_progress(graph_options.osm, import_bar);
  absl::StatusOr<RoadGraph> graph = load_graph(graph_path, graph_options);
  if (!graph.ok()) return fail(graph.status());
  for (QueryLine& q : *queries) {
    for (int k = 0; k < 2; ++k) {
      const std::optional<NodeId> node = graph->find_node(q.ids[k]);
      if (!node)
        return fail(lines.error_at(q.line, absl::StatusCode::kOutOfRange,
                                   absl::StrCat("node ", q.ids[k], " is not in the graph")));
      q.nodes[k] = *node;
    }
  }
  absl::StatusOr<ContractionHierarchy> ch;
  if (!index_path.empty()) {
    ch = load_hierarchy(index_path, *graph);
  } else {
    dk_tools::ProgressBar bar(progress, "contracting");
    ch = ContractionHierarchy::build(*graph, {}, [&bar](double f) { bar(f); });
    if (ch.ok()) {
      std::fprintf(stderr, "hierarchy: %.2f s, %llu shortcuts\n", ch->stats().build_seconds,
                   static_cast<unsigned long long>(ch->stats().shortcut_count));
    }
  }
  if (!ch.ok()) return fail(ch.status());
  // A failed save does not throw the fresh hierarchy away: the queries are still answered
  // and the exit status says that the index was not written.
  int status = dk_tools::kExitOk;
  if (!save_path.empty()) {
    if (const absl::Status s = save_hierarchy(*ch, save_path); !s.ok()) {
      fail(s);
      status = dk_tools::kExitBadInput;
    }
  }
  ChQuery query(*ch, *graph);
  std::vector<ArcId> route;
  std::string out;
  for (const QueryLine& q : *queries) {
    const auto s = RoadPosition::at_node(q.nodes[0]), t = RoadPosition::at_node(q.nodes[1]);
    const Deciseconds d = print_path ? query.path_into(s, t, route) : query.distance(s, t);
    out = d.is_infinite() ? std::string("inf") : std::to_string(d.count());
    if (print_path && !d.is_infinite()) {
      out += "\t" + std::to_string(q.ids[0]);
      for (const ArcId a : route) out += " " + std::to_string(graph->external_id(graph->head(a)));
    }
    std::puts(out.c_str());
  }
  return status;
}
