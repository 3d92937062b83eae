// dispatchkit/graph/osm/import.hpp: an OpenStreetMap extract (.osm.pbf, .osm, .osm.bz2,
// .osm.gz) as a routable, dispatch-ready road graph.
//
//   OsmLoadOptions opt;                  // profile "ambulance" (default), "car" or a file
//   absl::StatusOr<OsmImport> city = import_osm("monaco.osm.pbf", opt);
//   if (!city.ok()) { std::cerr << city.status() << "\n"; return 1; }
//   const RoadGraph& g = city->graph;    // node ids are OSM node ids: g.find_node(21912089)
//   std::cout << city->report.summary(); // ways, arcs, nodes kept, restrictions applied
//
// load_graph("city.osm.pbf", options) (graph/io.hpp) does the same for programs that link
// dispatchkit::osm. What the import does, rule by rule, is in docs/osm.md:
// - each way is judged by the profile (graph/osm/tags.hpp): routable, directions, speed,
//   class, flags; ways are split at intersections only, degree-2 nodes become shape points
//   of their segment (RoadDetails), lengths follow the shape;
// - a node whose barrier blocks the profile cuts its way there (the road is reachable up
//   to the barrier from both sides, never through it);
// - turn restrictions (graph/osm/turn_restrictions.hpp) become turn states when the
//   profile obeys them, so no route takes a forbidden turn;
// - the largest strongly connected component is kept unless keep_all_components, and the
//   report says what was dropped.
// Errors: NotFound, DataLoss (damaged or truncated file), InvalidArgument (a way naming a
// missing node, a malformed restriction, an unreadable profile), each naming the file and
// the OSM object. A partial input never becomes a silently smaller graph.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/io/options.hpp"
#include "dispatchkit/graph/osm/detail/osm_extract.hpp"
#include "dispatchkit/graph/osm/profile.hpp"
#include "dispatchkit/graph/osm/turn_restrictions.hpp"
#include "dispatchkit/graph/road_graph.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// What an import read, kept and dropped.
struct OsmImportReport {
  std::string profile;
  std::uint64_t ways_read = 0, ways_routable = 0, nodes_read = 0, relations_read = 0;
  std::uint64_t segments = 0;           // street pieces between intersections
  std::uint64_t road_nodes_before = 0;  // intersections and dead ends, before the component
  std::uint64_t arcs_before = 0;
  std::uint64_t road_nodes = 0, arcs = 0, turn_states = 0;  // in the graph
  std::uint64_t barriers_blocking = 0;
  TurnRestrictionReport restrictions;
  std::vector<std::pair<std::string, std::uint64_t>> not_routable;  // reason, ways
  bool all_components = false;

  [[nodiscard]] std::uint64_t road_nodes_dropped() const noexcept {
    return road_nodes_before - road_nodes;
  }
  // A few lines for a person: what was read, kept, dropped and applied.
  [[nodiscard]] std::string summary() const {
    std::string s = absl::StrCat("profile ", profile, ": ", ways_read, " ways read, ",
                                 ways_routable, " routable; ", segments, " segments, ", road_nodes,
                                 " nodes and ", arcs, " arcs kept");
    if (all_components) {
      absl::StrAppend(&s, " (every component)\n");
    } else {
      absl::StrAppend(&s, "; the largest strongly connected component dropped ",
                      road_nodes_dropped(), " of ", road_nodes_before, " nodes and ",
                      arcs_before - (arcs - turn_arcs), " of ", arcs_before, " arcs\n");
    }
    absl::StrAppend(&s, "barriers closing a way: ", barriers_blocking, "\n", restrictions.summary(),
                    turn_states ? absl::StrCat("turn states: ", turn_states, "\n") : "");
    return s;
  }
  std::uint64_t turn_arcs = 0;  // twin arcs leaving turn states
};

// A forbidden turn sequence as OSM node ids: the first arc's tail, then every arc's head
// (no_left_turn from A via n into B: {a, n, b}). Kept so that a caller (and the tests) can
// check routes against them.
struct ForbiddenTurn {
  std::int64_t relation = 0;
  std::vector<std::int64_t> nodes;
};

struct OsmImport {
  RoadGraph graph;
  OsmProfile profile;
  OsmImportReport report;
  std::vector<ForbiddenTurn> forbidden_turns;  // applied (empty if the profile ignores them)
};

namespace detail {

// Degree-2 nodes are not graph nodes: a node is one if it ends a way piece, is shared by
// two pieces (or twice by one, a loop) or carries a restriction.
struct OsmSegmentBuild {
  std::uint32_t from = 0, to = 0;  // node indices (OsmExtract::node_ids)
  std::uint32_t way = 0;           // OsmExtract::ways index
  double length_m = 0;
  std::uint32_t first_shape = 0, shape_count = 0;  // into the shape buffer
};

inline void split_osm_ways(const OsmExtract& x, std::vector<OsmSegmentBuild>& segments,
                           std::vector<LatLon>& shape, std::vector<bool>& is_graph_node) {
  const std::size_t n = x.node_ids.size();
  std::vector<std::uint8_t> uses(n, 0);
  is_graph_node.assign(n, false);
  // Pieces: a way cut at every node that blocks the profile.
  auto for_each_piece = [&](const OsmWay& w, auto&& visit) {
    std::uint32_t begin = 0;
    for (std::uint32_t k = 0; k <= w.ref_count; ++k) {
      const bool end = k == w.ref_count || x.node_blocks[x.node_index(x.refs[w.first_ref + k])];
      if (!end) continue;
      if (k > begin + 1) visit(w.first_ref + begin, w.first_ref + k);  // [first, last)
      begin = k + 1;
    }
  };
  for (const OsmWay& w : x.ways) {
    for_each_piece(w, [&](std::uint32_t first, std::uint32_t last) {
      is_graph_node[x.node_index(x.refs[first])] = true;
      is_graph_node[x.node_index(x.refs[last - 1])] = true;
      for (std::uint32_t r = first; r < last; ++r) {
        std::uint8_t& u = uses[x.node_index(x.refs[r])];
        if (u < 2) ++u;
      }
    });
  }
  for (std::size_t i = 0; i < n; ++i)
    if (uses[i] >= 2) is_graph_node[i] = true;
  for (const OsmRestrictionRelation& r : x.restrictions)
    for (const OsmMember& m : r.via)
      if (m.type == 'n')
        if (const std::uint32_t i = x.node_index(m.ref); i != UINT32_MAX) is_graph_node[i] = true;

  // Segments between graph nodes. Two segments joining the same two nodes (a street and a
  // parallel lane, the two halves of a loop) would be parallel arcs, which the graph keeps
  // only the fastest of: the middle shape point of every such repeat becomes a node too,
  // and the cut runs again until no pair repeats.
  for (int round = 0;; ++round) {
    segments.clear();
    shape.clear();
    std::vector<std::uint32_t> mid_of;  // per segment: ref index of its middle shape point
    for (std::uint32_t wi = 0; wi < x.ways.size(); ++wi) {
      const OsmWay& w = x.ways[wi];
      for_each_piece(w, [&](std::uint32_t first, std::uint32_t last) {
        std::uint32_t start = first;
        for (std::uint32_t r = first + 1; r < last; ++r) {
          const std::uint32_t to = x.node_index(x.refs[r]);
          if (!is_graph_node[to]) continue;
          OsmSegmentBuild s;
          s.from = x.node_index(x.refs[start]);
          s.to = to;
          s.way = wi;
          s.first_shape = static_cast<std::uint32_t>(shape.size());
          LatLon prev = x.node_location[s.from];
          for (std::uint32_t k = start + 1; k <= r; ++k) {
            const LatLon p = x.node_location[x.node_index(x.refs[k])];
            s.length_m += haversine(prev, p).value();
            prev = p;
            if (k < r) shape.push_back(p);
          }
          s.shape_count = static_cast<std::uint32_t>(shape.size()) - s.first_shape;
          if (s.from != s.to || s.shape_count > 0) {  // consecutive duplicate refs: nothing
            segments.push_back(s);
            mid_of.push_back(start + (r - start) / 2);
          } else {
            shape.resize(s.first_shape);
          }
          start = r;
        }
      });
    }
    bool split = false;
    absl::flat_hash_map<std::uint64_t, std::uint32_t> seen;
    for (std::uint32_t i = 0; i < segments.size(); ++i) {
      const OsmSegmentBuild& s = segments[i];
      const std::uint64_t key =
          (std::uint64_t{std::min(s.from, s.to)} << 32) | std::max(s.from, s.to);
      const bool loop = s.from == s.to;
      if (!loop && seen.try_emplace(key, i).second) continue;
      if (s.shape_count == 0) continue;  // the same straight piece twice: a true duplicate
      is_graph_node[x.node_index(x.refs[mid_of[i]])] = true;
      split = true;
    }
    if (!split || round > 8) break;
  }
}

// Deciseconds to drive `metres` at `kmh`; at least 1 (a zero-time arc would let a search
// wander for free).
[[nodiscard]] inline Deciseconds osm_drive_time(double metres, double kmh) noexcept {
  if (!(kmh > 0)) return Deciseconds::infinite();
  const double ds = std::ceil(metres / (kmh / 3.6) * 10.0);
  return Deciseconds(static_cast<std::uint32_t>(std::max(1.0, std::min(ds, 4.0e9))));
}

}  // namespace detail

// As import_osm(path, options), with a profile the caller built or changed (a study of
// what turn restrictions cost: the same profile with obey_turn_restrictions = false).
// options.profile is not read.
inline absl::StatusOr<OsmImport> import_osm(const std::string& path, OsmProfile profile_in,
                                            const OsmLoadOptions& options) {
  std::optional<OsmProfile> profile(std::move(profile_in));
  absl::StatusOr<detail::OsmExtract> read =
      detail::read_osm_extract(path, *profile, options.progress);
  if (!read.ok()) return read.status();
  const detail::OsmExtract& x = *read;

  OsmImport result;
  OsmImportReport& rep = result.report;
  rep.profile = profile->name;
  rep.ways_read = x.ways_read;
  rep.ways_routable = x.ways.size();
  rep.nodes_read = x.nodes_read;
  rep.relations_read = x.relations_read;
  rep.barriers_blocking = x.barriers_blocking;
  rep.not_routable = x.not_routable;
  rep.all_components = options.keep_all_components;

  std::vector<detail::OsmSegmentBuild> segments;
  std::vector<LatLon> shape;
  std::vector<bool> is_graph_node;
  detail::split_osm_ways(x, segments, shape, is_graph_node);
  rep.segments = segments.size();

  // Nodes, in OSM id order (node_ids is sorted).
  RoadGraphBuilder b(path);
  std::vector<std::uint32_t> graph_node(x.node_ids.size(), UINT32_MAX);
  std::vector<std::int64_t> osm_id_of;  // builder node -> OSM id
  for (std::uint32_t i = 0; i < x.node_ids.size(); ++i) {
    if (!is_graph_node[i]) continue;
    graph_node[i] = b.add_node(x.node_ids[i], x.node_location[i]).value();
    osm_id_of.push_back(x.node_ids[i]);
  }
  rep.road_nodes_before = b.node_count();

  // Segments and their arcs. The way's length is needed to share a ferry's duration.
  auto details = std::make_shared<RoadDetails>();
  std::vector<double> way_length(x.ways.size(), 0.0);
  for (const auto& s : segments) way_length[s.way] += s.length_m;
  std::vector<RoadArcRecord> road_arcs;  // turn_restrictions.hpp: one per directed road arc
  road_arcs.reserve(2 * segments.size());
  for (const auto& s : segments) {
    const detail::OsmWay& w = x.ways[s.way];
    const std::uint32_t seg =
        details->add_segment(w.id, w.road_class, w.flags, x.names[w.name],
                             std::span<const LatLon>(shape.data() + s.first_shape, s.shape_count));
    auto time = [&](double kmh) {
      if (w.duration_s >= 0 && way_length[s.way] > 0) {
        const double ds = std::ceil(w.duration_s * 10.0 * s.length_m / way_length[s.way]);
        return Deciseconds(static_cast<std::uint32_t>(std::max(1.0, ds)));
      }
      return detail::osm_drive_time(s.length_m, kmh);
    };
    const NodeId u(graph_node[s.from]), v(graph_node[s.to]);
    if (w.forward) {
      const Deciseconds t = time(w.speed_forward_kmh);
      if (!t.is_infinite()) {
        const std::uint32_t i =
            b.add_road_arc(u, v, t, Meters(s.length_m), RoadSegmentRef{seg, false});
        road_arcs.push_back({u, v, s.way, i});
      }
    }
    if (w.backward) {
      const Deciseconds t = time(w.speed_backward_kmh);
      if (!t.is_infinite()) {
        const std::uint32_t i =
            b.add_road_arc(v, u, t, Meters(s.length_m), RoadSegmentRef{seg, true});
        road_arcs.push_back({v, u, s.way, i});
      }
    }
  }
  rep.arcs_before = road_arcs.size();
  b.set_details(details);

  // Turn restrictions: matched to road arcs always (the report says what the file holds),
  // applied as turn states only when the profile obeys them.
  std::vector<std::int64_t> way_ids(x.ways.size());
  for (std::size_t i = 0; i < x.ways.size(); ++i) way_ids[i] = x.ways[i].id;
  absl::StatusOr<std::vector<ForbiddenTurnSequence>> forbidden = match_turn_restrictions(
      path, x, way_ids, graph_node, road_arcs, profile->obey_turn_restrictions, rep.restrictions);
  if (!forbidden.ok()) return forbidden.status();
  for (const ForbiddenTurnSequence& f : *forbidden) {
    ForbiddenTurn t{f.relation, {osm_id_of[road_arcs[f.arcs.front()].from.value()]}};
    for (std::uint32_t a : f.arcs) t.nodes.push_back(osm_id_of[road_arcs[a].to.value()]);
    result.forbidden_turns.push_back(std::move(t));
  }
  const absl::Status states = add_turn_states(path, *forbidden, road_arcs, b);
  if (!states.ok()) return states;

  RoadGraphBuildOptions build;
  build.keep_largest_scc = !options.keep_all_components;
  absl::StatusOr<RoadGraph> g = std::move(b).build(build);
  if (!g.ok()) return g.status();
  result.graph = *std::move(g);
  rep.road_nodes = result.graph.road_node_count();
  rep.arcs = result.graph.arc_count();
  rep.turn_states = result.graph.node_count() - result.graph.road_node_count();
  for (std::uint32_t a = 0; a < result.graph.arc_count(); ++a)
    if (result.graph.road_arc(ArcId(a)) != ArcId(a)) ++rep.turn_arcs;
  result.profile = *std::move(profile);
  return result;
}

inline absl::StatusOr<OsmImport> import_osm(const std::string& path,
                                            const OsmLoadOptions& options = {}) {
  absl::StatusOr<OsmProfile> profile = resolve_osm_profile(options.profile);
  if (!profile.ok()) return profile.status();
  return import_osm(path, *std::move(profile), options);
}

DISPATCHKIT_NAMESPACE_END
