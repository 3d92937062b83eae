// dispatchkit/graph/osm/turn_restrictions.hpp: OpenStreetMap turn restrictions, matched to
// road arcs and applied as turn states.
//
//   const TurnRestrictionReport& r = import->report.restrictions;
//   std::cout << r.summary();   // read, applied, and each reason one was not
//
// A restriction relation (wiki: Relation:restriction) names a `from` way, a `via` node or
// chain of ways and a `to` way. Matched to the graph it is a sequence of road arcs:
// no_* forbids that sequence; only_* forbids every other way out of the last via node.
// A graph node cannot remember how it was entered, so forbidden sequences are applied by
// splitting: every proper prefix of a forbidden sequence becomes a *turn state* of the
// node where the prefix ends, a copy of the node that knows "came along these arcs" and
// whose out-arcs (twins of the node's road arcs) lead on to the next state, skipping the
// forbidden continuation. Prefixes are the states of an Aho-Corasick automaton over arc
// ids, so overlapping restrictions (one ending where another begins) compose correctly.
// graph/road_graph.hpp explains how users keep seeing road nodes.
//
// Not applied, and counted by reason: restriction:conditional (time-dependent), those
// binding other vehicles (restriction:hgv, except=motorcar/emergency), members outside the
// extract or not routable for the profile, turns that cannot be driven anyway, and
// members that do not meet at the via node (ambiguous: a way through the via node).
#pragma once

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/osm/detail/osm_extract.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct TurnRestrictionReport {
  std::uint64_t read = 0;     // type=restriction relations for this vehicle
  std::uint64_t applied = 0;  // became forbidden sequences
  std::uint64_t via_way = 0;  // of those applied, with via ways
  std::uint64_t forbidden_sequences = 0;
  std::uint64_t conditional_ignored = 0;  // restriction:conditional
  std::uint64_t other_vehicle = 0;        // restriction:hgv, except=..., ...
  std::uint64_t member_missing = 0;       // a member outside the extract or not routable
  std::uint64_t not_drivable = 0;         // the turn cannot be driven anyway (oneway, ...)
  std::uint64_t ambiguous = 0;            // members do not meet at the via node
  bool obeyed = true;                     // false: the profile ignores them (matched only)

  [[nodiscard]] std::string summary() const {
    return absl::StrCat(
        "turn restrictions: ", read, " read, ", applied,
        obeyed ? " applied" : " matched (the profile ignores them)", " (", via_way, " via ways, ",
        forbidden_sequences, " forbidden sequences); not applied: ", member_missing,
        " member outside the extract or not routable, ", not_drivable, " not drivable anyway, ",
        ambiguous, " ambiguous; ignored: ", conditional_ignored, " conditional, ", other_vehicle,
        " for other vehicles\n");
  }
};

// A directed road arc as the importer added it (RoadGraphBuilder pending index).
struct RoadArcRecord {
  NodeId from, to;
  std::uint32_t way = 0;      // OsmExtract::ways index
  std::uint32_t pending = 0;  // what RoadGraphBuilder::add_road_arc returned
};

// Road arcs (indices into the RoadArcRecord list) that must not be driven in this order.
struct ForbiddenTurnSequence {
  std::int64_t relation = 0;
  std::vector<std::uint32_t> arcs;
};

namespace detail {
// Road arcs of way `w` as a list per way.
struct ArcsByWay {
  std::vector<std::uint32_t> first, arcs;
  ArcsByWay(std::size_t ways, const std::vector<RoadArcRecord>& road) : first(ways + 1, 0) {
    for (const RoadArcRecord& r : road) ++first[r.way + 1];
    for (std::size_t i = 1; i <= ways; ++i) first[i] += first[i - 1];
    arcs.resize(road.size());
    std::vector<std::uint32_t> fill(first.begin(), first.end() - 1);
    for (std::uint32_t i = 0; i < road.size(); ++i) arcs[fill[road[i].way]++] = i;
  }
  [[nodiscard]] std::span<const std::uint32_t> of(std::uint32_t w) const {
    return {arcs.data() + first[w], arcs.data() + first[w + 1]};
  }
};
}  // namespace detail

// Matches the extract's restriction relations to road arcs. `graph_node` maps node
// indices of the extract to builder node ids (UINT32_MAX: not a graph node).
inline absl::StatusOr<std::vector<ForbiddenTurnSequence>> match_turn_restrictions(
    const std::string& path, const detail::OsmExtract& x, const std::vector<std::int64_t>& way_ids,
    const std::vector<std::uint32_t>& graph_node, const std::vector<RoadArcRecord>& road, bool obey,
    TurnRestrictionReport& report) {
  (void)path;
  report.obeyed = obey;
  report.conditional_ignored = x.restrictions_conditional;
  report.other_vehicle = x.restrictions_other_vehicle;
  report.read = x.restrictions.size();
  absl::flat_hash_map<std::int64_t, std::uint32_t> way_index;
  for (std::uint32_t i = 0; i < way_ids.size(); ++i) way_index[way_ids[i]] = i;
  const detail::ArcsByWay by_way(way_ids.size(), road);
  // Road arcs leaving each builder node, for only_* restrictions.
  std::uint32_t node_total = 0;
  for (const RoadArcRecord& r : road)
    node_total = std::max({node_total, r.from.value() + 1, r.to.value() + 1});
  std::vector<std::uint32_t> first_out(node_total + 1, 0), out(road.size());
  for (const RoadArcRecord& r : road) ++first_out[r.from.value() + 1];
  for (std::uint32_t i = 1; i <= node_total; ++i) first_out[i] += first_out[i - 1];
  {
    std::vector<std::uint32_t> fill(first_out.begin(), first_out.end() - 1);
    for (std::uint32_t i = 0; i < road.size(); ++i) out[fill[road[i].from.value()]++] = i;
  }

  std::vector<ForbiddenTurnSequence> result;
  for (const detail::OsmRestrictionRelation& rel : x.restrictions) {
    auto way_of = [&](const detail::OsmMember& m) -> std::uint32_t {
      const auto it = way_index.find(m.ref);
      return it == way_index.end() ? UINT32_MAX : it->second;
    };
    const std::uint32_t from_way = way_of(rel.from), to_way = way_of(rel.to);
    if (from_way == UINT32_MAX || to_way == UINT32_MAX) {
      ++report.member_missing;
      continue;
    }
    // Candidate sequences: a from arc, the via part, a to arc, all connected.
    std::vector<std::vector<std::uint32_t>> candidates;
    bool missing = false;
    if (rel.via.front().type == 'n') {
      const std::uint32_t vi = x.node_index(rel.via.front().ref);
      const std::uint32_t via = vi == UINT32_MAX ? UINT32_MAX : graph_node[vi];
      if (via == UINT32_MAX) {
        ++report.member_missing;
        continue;
      }
      for (std::uint32_t fa : by_way.of(from_way)) {
        if (road[fa].to.value() != via) continue;
        for (std::uint32_t ta : by_way.of(to_way)) {
          if (road[ta].from.value() != via) continue;
          // A U-turn restriction (from == to) pairs an arc with its own reverse only.
          if (from_way == to_way && road[ta].to != road[fa].from) continue;
          candidates.push_back({fa, ta});
        }
      }
    } else {
      std::vector<std::uint32_t> via_ways;
      for (const detail::OsmMember& m : rel.via) {
        const std::uint32_t w = way_of(m);
        if (w == UINT32_MAX) missing = true;
        via_ways.push_back(w);
      }
      if (missing) {
        ++report.member_missing;
        continue;
      }
      for (std::uint32_t fa : by_way.of(from_way)) {
        std::vector<std::uint32_t> seq{fa};
        NodeId at = road[fa].to;
        bool ok = true;
        for (std::uint32_t vw : via_ways) {
          bool moved = false;
          for (;;) {  // along the via way, never straight back
            std::uint32_t next = UINT32_MAX;
            for (std::uint32_t a : by_way.of(vw)) {
              if (road[a].from == at && road[a].to != road[seq.back()].from) {
                next = a;
                break;
              }
            }
            if (next == UINT32_MAX) break;
            if (seq.size() > 64) break;  // a via chain is a few segments; never loop
            seq.push_back(next);
            at = road[next].to;
            moved = true;
          }
          if (!moved) {
            ok = false;
            break;
          }
        }
        if (!ok) continue;
        for (std::uint32_t ta : by_way.of(to_way)) {
          if (road[ta].from != at || road[ta].to == road[seq.back()].from) continue;
          std::vector<std::uint32_t> full = seq;
          full.push_back(ta);
          candidates.push_back(std::move(full));
        }
      }
    }
    if (candidates.empty()) {
      ++report.not_drivable;
      continue;
    }
    if (candidates.size() > 1) {
      ++report.ambiguous;
      continue;
    }
    const std::vector<std::uint32_t>& seq = candidates.front();
    ++report.applied;
    if (rel.via.front().type == 'w') ++report.via_way;
    if (!rel.only) {
      result.push_back({rel.id, seq});
      continue;
    }
    // only_*: every other arc out of the last via node is forbidden after the prefix.
    const std::uint32_t at = road[seq.back()].from.value();
    for (std::uint32_t k = first_out[at]; k < first_out[at + 1]; ++k) {
      const std::uint32_t c = out[k];
      if (c == seq.back()) continue;
      std::vector<std::uint32_t> other(seq.begin(), seq.end() - 1);
      other.push_back(c);
      result.push_back({rel.id, std::move(other)});
    }
  }
  report.forbidden_sequences = obey ? result.size() : 0;
  if (!obey) result.clear();
  return result;
}

// Splits the builder's nodes into turn states so that no forbidden sequence can be driven
// (see the top of this header). Road arcs that start a forbidden sequence are retargeted
// to the state they enter; every state gets twins of its road node's out-arcs.
inline absl::Status add_turn_states(const std::string& path,
                                    const std::vector<ForbiddenTurnSequence>& forbidden,
                                    const std::vector<RoadArcRecord>& road,
                                    RoadGraphBuilder& builder) {
  if (forbidden.empty()) return absl::OkStatus();
  // Trie of sequences over road-arc indices; node 0 is the root (no history).
  struct TrieNode {
    std::uint32_t fail = 0, last_arc = UINT32_MAX, depth = 0;
    bool forbidden = false;
    std::int64_t relation = 0;
  };
  std::vector<TrieNode> trie(1);
  absl::flat_hash_map<std::uint64_t, std::uint32_t> child;
  auto key = [](std::uint32_t t, std::uint32_t arc) {
    return (static_cast<std::uint64_t>(t) << 32) | arc;
  };
  for (const ForbiddenTurnSequence& f : forbidden) {
    std::uint32_t t = 0;
    for (std::uint32_t arc : f.arcs) {
      const auto [it, added] =
          child.try_emplace(key(t, arc), static_cast<std::uint32_t>(trie.size()));
      if (added) trie.push_back({0, arc, trie[t].depth + 1, false, f.relation});
      t = it->second;
    }
    trie[t].forbidden = true;
  }
  // Failure links, breadth first (depth order): the longest proper suffix of a node's
  // history that is also a prefix in the trie.
  std::vector<std::uint32_t> order(trie.size() - 1);
  std::iota(order.begin(), order.end(), 1u);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return trie[a].depth < trie[b].depth; });
  std::vector<std::uint32_t> parent(trie.size(), 0);
  for (const auto& [k, c] : child) parent[c] = static_cast<std::uint32_t>(k >> 32);
  auto go = [&](std::uint32_t t, std::uint32_t arc) {
    for (;;) {
      if (const auto it = child.find(key(t, arc)); it != child.end()) return it->second;
      if (t == 0) return 0u;
      t = trie[t].fail;
    }
  };
  for (std::uint32_t t : order) {
    trie[t].fail = parent[t] == 0 ? 0 : go(trie[parent[t]].fail, trie[t].last_arc);
    trie[t].forbidden = trie[t].forbidden || trie[trie[t].fail].forbidden;
  }
  // A state per live (not forbidden) trie node; its road node is where its last arc ends.
  std::vector<std::uint32_t> state_node(trie.size(), UINT32_MAX);
  absl::flat_hash_map<std::uint32_t, std::uint32_t> states_at;
  for (std::uint32_t t : order) {
    if (trie[t].forbidden) continue;
    const NodeId at = road[trie[t].last_arc].to;
    if (++states_at[at.value()] > kMaxTurnStatesPerNode) {
      return absl::ResourceExhaustedError(
          absl::StrCat(path, ": turn restrictions (relation ", trie[t].relation,
                       " among others) need more than ", kMaxTurnStatesPerNode,
                       " turn states at one junction; at most that many are supported"));
    }
    state_node[t] = builder.add_turn_state(at).value();
  }
  // Road arcs out of each node.
  absl::flat_hash_map<std::uint32_t, std::vector<std::uint32_t>> out_of;
  for (std::uint32_t i = 0; i < road.size(); ++i) out_of[road[i].from.value()].push_back(i);
  // Road arcs starting a sequence enter the state that remembers them.
  for (std::uint32_t i = 0; i < road.size(); ++i) {
    const std::uint32_t t = go(0, i);
    if (t != 0 && state_node[t] != UINT32_MAX)
      builder.retarget_arc(road[i].pending, NodeId(state_node[t]));
  }
  for (std::uint32_t t : order) {
    if (state_node[t] == UINT32_MAX) continue;
    const NodeId at = road[trie[t].last_arc].to;
    const auto it = out_of.find(at.value());
    if (it == out_of.end()) continue;
    for (std::uint32_t e : it->second) {
      const std::uint32_t next = go(t, e);
      if (trie[next].forbidden) continue;
      const NodeId head = next == 0 ? road[e].to : NodeId(state_node[next]);
      builder.add_twin_arc(NodeId(state_node[t]), head, road[e].pending);
    }
  }
  return absl::OkStatus();
}

DISPATCHKIT_NAMESPACE_END
