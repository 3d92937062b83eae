// dispatchkit/sim/io/closures_csv.hpp: road closures scheduled over a replayed period (a
// bridge shut for two hours, a street fair), from a CSV file.
//
//   absl::StatusOr<std::vector<RoadClosure>> c =
//       load_closures("closures.csv", graph, record.zone,
//                     inputs.begin, inputs.end);
//
// Format (read with io/csv.hpp's CsvReader, like every table): a header naming
//   start,end,from,to
// then one closed road per row (every arc from `from` to `to`): `start` and `end` local times of
// the record's zone
// ("YYYY-MM-DDTHH:MM:SS", a blank for the T, or the record's US form "MM/DD/YYYY hh:mm:ss
// AM"), `from` and `to` the graph file's own node ids (OSM ids for an OpenStreetMap graph)
// of the closed arc's tail and head. A two-way street closed both ways is listed twice
// (from,to and to,from), as a one-way closure is what a lane closure often is.
// Errors, naming PATH:LINE (nothing is returned on half the file): a node the graph does
// not have, no arc between the two nodes, an unreadable time, an end not after the start,
// or a closure outside the period [begin, end] (a closure for another week would silently
// do nothing).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/io/csv.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/sim/local_time.hpp"
#include "dispatchkit/triage/time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// One closed arc over [start, end).
struct RoadClosure {
  SimTime start;
  SimTime end;
  ArcId arc;
  std::uint32_t line = 0;  // of the closures file, for messages
};

// Parses a closures CSV (see the banner) for `graph`; times in `zone`, each closure inside
// [begin, end]. InvalidArgument "PATH:LINE: ..." on the first bad row.
[[nodiscard]] absl::StatusOr<std::vector<RoadClosure>> parse_closures(const std::string& path,
                                                                      std::string_view text,
                                                                      const RoadGraph& graph,
                                                                      const TimeZone& zone,
                                                                      SimTime begin, SimTime end);
// The same from a file (gzip, xz or plain); NotFound if there is none.
[[nodiscard]] absl::StatusOr<std::vector<RoadClosure>> load_closures(const std::string& path,
                                                                     const RoadGraph& graph,
                                                                     const TimeZone& zone,
                                                                     SimTime begin, SimTime end);

// ---------------------------------------------------------------------------------------
// Implementation.

inline absl::StatusOr<std::vector<RoadClosure>> parse_closures(const std::string& path,
                                                               std::string_view text,
                                                               const RoadGraph& graph,
                                                               const TimeZone& zone, SimTime begin,
                                                               SimTime end) {
  enum Column : std::size_t { kStart, kEnd, kFrom, kTo };
  static constexpr CsvColumn kColumns[] = {{"start"}, {"end"}, {"from"}, {"to"}};
  DK_ASSIGN_OR_RETURN(CsvReader csv,
                      CsvReader::open(path, text, kColumns, {.format = "a closures file"}));
  std::vector<RoadClosure> out;
  while (csv.next()) {
    DK_RETURN_IF_ERROR(csv.check_width());
    RoadClosure c;
    c.line = csv.line_number();
    const std::optional<SimTime> s = parse_local_timestamp(csv.field(kStart), zone);
    const std::optional<SimTime> e = parse_local_timestamp(csv.field(kEnd), zone);
    if (!s || !e) return csv.error("start and end must be local times YYYY-MM-DDTHH:MM:SS");
    if (*e <= *s) return csv.error("end must be after start");
    if (*s < begin || *e > end)
      return csv.error(absl::StrCat("the closure lies outside the replayed period (",
                                    detail::as_absl(csv.field(kStart)), " .. ",
                                    detail::as_absl(csv.field(kEnd)), ")"));
    std::int64_t from = 0, to = 0;
    DK_RETURN_IF_ERROR(csv.parse(kFrom, "a node id of the graph", from));
    DK_RETURN_IF_ERROR(csv.parse(kTo, "a node id of the graph", to));
    const std::optional<NodeId> a = graph.find_node(from), b = graph.find_node(to);
    if (!a) return csv.error(absl::StrCat("the graph has no node ", from));
    if (!b) return csv.error(absl::StrCat("the graph has no node ", to));
    c.start = *s;
    c.end = *e;
    // Every arc from `from` to `to`: OpenStreetMap graphs keep parallel ways between two
    // nodes, and closing one of them would leave the road open.
    bool any = false;
    for (ArcId arc : graph.out_arcs(*a))
      if (graph.head(arc) == *b) {
        c.arc = arc;
        out.push_back(c);
        any = true;
      }
    if (!any) return csv.error(absl::StrCat("the graph has no arc from node ", from, " to ", to));
  }
  DK_RETURN_IF_ERROR(csv.status());
  return out;
}

inline absl::StatusOr<std::vector<RoadClosure>> load_closures(const std::string& path,
                                                              const RoadGraph& graph,
                                                              const TimeZone& zone, SimTime begin,
                                                              SimTime end) {
  DK_ASSIGN_OR_RETURN(std::string text, read_file(path));
  return parse_closures(path, text, graph, zone, begin, end);
}

DISPATCHKIT_NAMESPACE_END
