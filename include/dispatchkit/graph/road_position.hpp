// dispatchkit/graph/road_position.hpp: where an incident or a unit is on the road network.
//
//   RoadPosition house = RoadPosition::on_arc(arc, 0.4f, reverse);  // 40% along a street
//   RoadPosition crossing = RoadPosition::at_node(n);
//
// A point rarely sits on an intersection: an ambulance is somewhere along a street, an
// incident at a house between two corners. A RoadPosition is an arc plus the fraction
// along it (0 at the tail, 1 at the head); for a two-way street it also names the arc
// of the opposite direction, so that the position can be left and reached either way.
// One-way streets have no reverse arc and are respected. Snapping
// (graph/snap.hpp) turns WGS84 points into RoadPositions.
//
// Every search (Dijkstra, CH, CCH) turns positions into "seeds" with the helpers below, so
// all of them agree on rounding to the decisecond. A position gives at most two seeds,
// except on a graph with turn states (turn restrictions, graph/road_graph.hpp), where
// reaching a node or street counts arriving in any state of it: up to kMaxSeeds.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <span>

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/types.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

class RoadPosition {
 public:
  constexpr RoadPosition() noexcept = default;  // invalid
  [[nodiscard]] static constexpr RoadPosition at_node(NodeId n) noexcept {
    RoadPosition p;
    p.node_ = n;
    return p;
  }
  // `fraction` is clamped to [0, 1]; NaN becomes 0.
  [[nodiscard]] static constexpr RoadPosition on_arc(
      ArcId arc, float fraction, ArcId reverse_arc = ArcId::invalid()) noexcept {
    RoadPosition p;
    p.arc_ = arc;
    p.fraction_ = fraction > 1.0f ? 1.0f : (fraction > 0.0f ? fraction : 0.0f);
    p.reverse_arc_ = reverse_arc;
    return p;
  }
  [[nodiscard]] constexpr bool valid() const noexcept { return node_.valid() || arc_.valid(); }
  [[nodiscard]] constexpr bool is_node() const noexcept { return node_.valid(); }
  [[nodiscard]] constexpr NodeId node() const noexcept { return node_; }
  [[nodiscard]] constexpr ArcId arc() const noexcept { return arc_; }
  [[nodiscard]] constexpr ArcId reverse_arc() const noexcept { return reverse_arc_; }
  [[nodiscard]] constexpr float fraction() const noexcept { return fraction_; }
  friend constexpr bool operator==(const RoadPosition&, const RoadPosition&) noexcept = default;

 private:
  NodeId node_;
  ArcId arc_;
  ArcId reverse_arc_;
  float fraction_ = 0.0f;
};

// A node where a search starts (or ends) with an initial offset of `offset` weight units.
// `arc` is the arc (or twin of it) whose partial drive the offset is; invalid for a node.
struct SearchSeed {
  NodeId node;
  Weight offset = 0;
  ArcId arc;
};

// The most seeds one position gives: two directions of a street, each reached through its
// road node and up to kMaxTurnStatesPerNode turn states of it.
inline constexpr std::uint32_t kMaxTurnStatesPerNode = 7;
inline constexpr std::uint32_t kMaxSeeds = 2 * (1 + kMaxTurnStatesPerNode);

// Up to kMaxSeeds seeds; `count` of them are used.
struct SeedSet {
  std::array<SearchSeed, kMaxSeeds> seeds{};
  std::uint32_t count = 0;
  [[nodiscard]] std::span<const SearchSeed> view() const& noexcept { return {seeds.data(), count}; }
  // A view of a temporary would dangle in `for (auto s : source_seeds(...).view())`: name it.
  std::span<const SearchSeed> view() const&& = delete;
  void add(NodeId n, Weight offset, ArcId arc = ArcId::invalid()) noexcept {
    if (count < kMaxSeeds) seeds[count++] = {n, offset, arc};
  }
};
using SeedPair = SeedSet;  // its name while positions gave two seeds at most

// True if `p` names a node or arc of `g` and, for a two-way street, its reverse arc
// really runs head -> tail of its arc. Positions from outside (a unit never positioned,
// a stale id after a graph reload) fail this; every search then treats them as
// unreachable instead of reading out of bounds. O(1).
[[nodiscard]] inline bool is_valid_position(const RoadGraph& g, const RoadPosition& p) noexcept {
  if (p.is_node()) return p.node().value() < g.node_count();
  if (!p.arc().valid() || p.arc().value() >= g.arc_count()) return false;
  if (!p.reverse_arc().valid()) return true;
  return p.reverse_arc().value() < g.arc_count() &&
         g.road_node(g.tail(p.reverse_arc())) == g.road_node(g.head(p.arc())) &&
         g.road_node(g.head(p.reverse_arc())) == g.road_node(g.tail(p.arc()));
}

// Weight of driving `fraction` of an arc of weight `w`, rounded to the nearest unit.
// A closed arc (kInfWeight) cannot be driven at all, not even part of it.
[[nodiscard]] inline Weight partial_weight(Weight w, float fraction) noexcept {
  if (w == kInfWeight) return fraction > 0.0f ? kInfWeight : 0;
  return static_cast<Weight>(std::lround(static_cast<double>(w) * fraction));
}

namespace detail {
// The seeds of `p` for a search leaving it (`leaving`: at the arcs' heads, after the rest of
// each arc) or reaching it (at the arcs' tails, after the part up to `p`). The forward arc
// and the reverse arc of a two-way street split the street at the same point, so what is
// "the rest" on one is "the part up to p" on the other.
// Reaching (not leaving) a node or an arc's tail on a graph with turn states also counts
// arriving in each state of it: a turn state is the same intersection, remembered with how
// it was entered, and a twin arc is the same street driven from that state.
[[nodiscard]] inline SeedSet position_seeds(const RoadGraph& g, std::span<const Weight> weights,
                                            const RoadPosition& p, bool leaving) noexcept {
  SeedSet s;
  if (!is_valid_position(g, p)) return s;
  if (p.is_node()) {
    if (leaving || !g.has_turn_states()) {
      s.add(p.node(), 0);
      return s;
    }
    const NodeId road = g.road_node(p.node());
    s.add(road, 0);
    for (NodeId state : g.states_of(road)) s.add(state, 0);
    return s;
  }
  auto seed = [&](ArcId a, bool rest) {
    const Weight w = weights[a.value()];
    if (w == kInfWeight) return;
    const Weight part = partial_weight(w, p.fraction());
    if (leaving) {
      s.add(g.head(a), rest ? w - part : part, a);
      return;
    }
    const ArcId road = g.road_arc(a);
    for (std::size_t i = 0, n = g.twins(road).size(); i <= n; ++i) {
      const ArcId copy = i == 0 ? road : g.twins(road)[i - 1];
      const Weight wc = weights[copy.value()];
      if (wc == kInfWeight) continue;
      const Weight pc = partial_weight(wc, p.fraction());
      s.add(g.tail(copy), rest ? wc - pc : pc, copy);
    }
  };
  seed(p.arc(), leaving);
  if (p.reverse_arc().valid()) seed(p.reverse_arc(), !leaving);
  return s;
}
}  // namespace detail

// Where a search leaving `p` starts: the head of its arc after the rest of the arc, and
// for a two-way street also the tail after driving back along the reverse arc. Closed
// arcs (kInfWeight) give no seed; an invalid position (is_valid_position) gives none.
[[nodiscard]] inline SeedSet source_seeds(const RoadGraph& g, std::span<const Weight> weights,
                                          const RoadPosition& p) noexcept {
  return detail::position_seeds(g, weights, p, /*leaving=*/true);
}

// Where a search reaching `p` ends: its arc's tail plus the part of the arc up to `p`,
// and for a two-way street also the head plus the part of the reverse arc. Same rules
// for closed arcs and invalid positions as source_seeds().
[[nodiscard]] inline SeedSet target_seeds(const RoadGraph& g, std::span<const Weight> weights,
                                          const RoadPosition& p) noexcept {
  return detail::position_seeds(g, weights, p, /*leaving=*/false);
}

// Travel weight from `s` to `t` without passing an intersection (both on the same street,
// `t` ahead of `s` in a permitted direction); kInfWeight if there is no such drive, if
// the street is closed in that direction, or if an arc id is outside `weights`.
[[nodiscard]] inline Weight same_street_weight(std::span<const Weight> weights,
                                               const RoadPosition& s,
                                               const RoadPosition& t) noexcept {
  if (s.is_node() || t.is_node() || !s.arc().valid() || !t.arc().valid()) return kInfWeight;
  Weight best = kInfWeight;
  auto consider = [&](ArcId arc, bool reversed) {
    if (!arc.valid() || arc.value() >= weights.size()) return;
    const Weight w = weights[arc.value()];
    if (w == kInfWeight) return;
    // Fractions are measured along s.arc(); on the reverse arc they run the other way.
    const Weight from =
        reversed ? w - partial_weight(w, s.fraction()) : partial_weight(w, s.fraction());
    const Weight to =
        reversed ? w - partial_weight(w, t.fraction()) : partial_weight(w, t.fraction());
    if (to >= from) best = std::min(best, to - from);
  };
  if (t.arc() == s.arc()) {
    consider(s.arc(), false);
    consider(s.reverse_arc(), true);
  } else if (s.reverse_arc().valid() && t.arc() == s.reverse_arc() && t.reverse_arc() == s.arc()) {
    // Same street seen from the other direction: express t on s's arc.
    const RoadPosition t_on_s = RoadPosition::on_arc(s.arc(), 1.0f - t.fraction(), s.reverse_arc());
    return same_street_weight(weights, s, t_on_s);
  }
  return best;
}

DISPATCHKIT_NAMESPACE_END
