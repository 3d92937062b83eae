// Preprocessing of route/ch/contraction_hierarchy.hpp: node ordering and contraction.
// Internal.
//
// The order follows Geisberger et al. (WEA 2008) with the priority terms of the
// "quotient" variant used by RoutingKit (Dibbelt, Strasser, Wagner, "Customizable
// Contraction Hierarchies", JEA 2016, section on the CH baseline):
//   priority(v) = a * level(v) + b * 1000 * added/removed arcs + c * 1000 * added/removed hops
// where level(v) is one more than the highest level of an already contracted neighbour
// (a depth measure that spreads contraction evenly over the map), "arcs" are the arcs
// incident to v and the shortcuts contracting v would add, and "hops" the numbers of
// original arcs they stand for (penalises long shortcuts that make unpacking slow).
//
// Contraction proceeds in rounds (Vetter, "Parallel Time-Dependent Contraction
// Hierarchies", 2009): every remaining node whose priority is a strict local minimum
// among its neighbours within `independent_set_radius` hops is contracted in the same
// round. The expensive part, the witness searches, runs on all threads:
//   1. re-evaluate the priority of every node whose neighbourhood changed (lazy update:
//      untouched nodes keep their priority), one simulated contraction per node;
//   2. pick the independent set (sequential scan, deterministic tie-break by node id);
//   3. compute every set node's shortcuts with witness searches that avoid ALL set nodes,
//      so that the set's decisions cannot rely on each other's paths (two neighbours of
//      u and w must not each use the other as the witness of u -> w);
//   4. apply the set sequentially in priority order.
// Each node's result is stored in its own slot, so the output does not depend on the
// number of threads or their timing: the build is deterministic.
//
// A witness search is a Dijkstra from an in-neighbour u over the remaining graph; it
// stops after `witness_settled_limit` settled nodes, when every out-neighbour is settled,
// or beyond the longest candidate shortcut. A path as short as the shortcut is a witness
// (ties do not add shortcuts). A search cut short only adds superfluous shortcuts, never
// loses a distance.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <new>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/hash.hpp"
#include "dispatchkit/detail/indexed_heap.hpp"
#include "dispatchkit/detail/worker_pool.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/route/ch/contraction_hierarchy.hpp"
#include "dispatchkit/route/ch/detail/search_primitives.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {

// An arc of the graph being contracted, stored at one endpoint.
struct ChDynArc {
  std::uint32_t node;  // the other endpoint (a node id)
  Weight weight;
  std::uint32_t hops;    // original arcs this arc stands for
  std::uint32_t unpack;  // original ArcId, or middle node id | kChShortcutBit
};

struct ChShortcut {
  std::uint32_t from, to;
  Weight weight;
  std::uint32_t hops;
};

// Per-thread state of the witness searches. Cache-line aligned: the threads' objects sit
// side by side in one vector, and each search rewrites its queue's size on every push.
class alignas(64) ChWitnessSearch {
 public:
  explicit ChWitnessSearch(std::uint32_t n) : dist_(n), target_(n, 0) {}

  void clear_targets() noexcept { target_.reset(); }
  void mark_target(std::uint32_t w) noexcept { target_.set(w, 1); }
  [[nodiscard]] Weight dist(std::uint32_t w) const noexcept { return dist_.get(w); }
  [[nodiscard]] std::uint64_t memory_bytes() const noexcept {
    return std::uint64_t{dist_.size()} * (8 + 4 + 1);
  }

  // Dijkstra from `u` over `out` skipping `avoid` and nodes whose state is `in_set`,
  // relaxing only up to `bound`, until `targets` marked nodes are settled or `limit`
  // nodes are settled.
  void run(const std::vector<std::vector<ChDynArc>>& out, const std::vector<std::uint8_t>& state,
           std::uint8_t in_set, std::uint32_t u, std::uint32_t avoid, Weight bound,
           std::uint32_t targets, std::uint32_t limit) {
    queue_.clear();
    dist_.reset();
    dist_.set(u, 0);
    queue_.push(u, 0);
    std::uint32_t settled = 0;
    while (!queue_.empty()) {
      const auto [d, x] = queue_.pop();
      if (d > dist_.get(x)) continue;  // stale duplicate
      if (target_.get(x) != 0 && --targets == 0) break;
      if (++settled >= limit) break;
      for (const ChDynArc& a : out[x]) {
        const std::uint32_t y = a.node;
        if (y == avoid || state[y] == in_set) continue;
        const Weight nd = add_weights(d, a.weight);
        if (nd <= bound && nd < dist_.get(y)) {
          dist_.set(y, nd);
          queue_.push(y, nd);
        }
      }
    }
  }

 private:
  ChMinQueue queue_;
  ChDistLabels dist_;
  TimestampedArray<std::uint8_t> target_;
};

// Position of `p` along a Hilbert curve over a 2^16 x 2^16 grid of the globe: nearby
// points get nearby keys (Hilbert, 1891; the iterative x/y-to-index form, Warren,
// "Hacker's Delight", 2nd ed., section 16-2).
[[nodiscard]] inline std::uint64_t hilbert_key(LatLon p) noexcept {
  constexpr std::uint32_t kSide = 1u << 16;
  auto cell = [](double v, double lo, double span) {
    const double f = (v - lo) / span;
    return static_cast<std::uint32_t>(std::clamp(f, 0.0, 1.0) * (kSide - 1));
  };
  std::uint32_t x = cell(p.lon, -180.0, 360.0), y = cell(p.lat, -90.0, 180.0);
  std::uint64_t d = 0;
  for (std::uint32_t s = kSide / 2; s > 0; s /= 2) {
    const std::uint32_t rx = (x & s) ? 1 : 0, ry = (y & s) ? 1 : 0;
    d += std::uint64_t{s} * s * ((3 * rx) ^ ry);
    if (ry == 0) {  // rotate the quadrant
      if (rx == 1) {
        x = kSide - 1 - x;
        y = kSide - 1 - y;
      }
      std::swap(x, y);
    }
  }
  return d;
}

class ChContractor {
 public:
  ChContractor(const RoadGraph& graph, const ChBuildOptions& options,
               const ChProgressCallback& progress)
      : graph_(graph), options_(options), progress_(progress), n_(graph.node_count()) {}

  ContractionHierarchy run();

 private:
  static constexpr std::uint8_t kRemaining = 0, kInSet = 1, kContracted = 2;
  struct Simulation {
    std::uint32_t added = 0;
    std::uint64_t added_hops = 0;
  };
  struct OutArc {
    std::uint32_t node;  // node id during contraction, rank afterwards
    Weight weight;
    std::uint32_t unpack;
  };

  Simulation simulate(std::uint32_t v, ChWitnessSearch& ws, std::vector<ChShortcut>* out) const;
  [[nodiscard]] std::uint64_t priority(std::uint32_t v, const Simulation& s) const noexcept;
  [[nodiscard]] bool before(std::uint32_t a, std::uint32_t b) const noexcept {
    return key_[a] < key_[b] || (key_[a] == key_[b] && a < b);
  }
  [[nodiscard]] bool is_local_minimum(std::uint32_t v) const noexcept;
  void contract(std::uint32_t v, const std::vector<ChShortcut>& shortcuts);
  void insert_arc(std::vector<ChDynArc>& list, const ChDynArc& arc);
  void remove_arc(std::vector<ChDynArc>& list, std::uint32_t node) noexcept;
  void release(std::vector<ChDynArc>& list) noexcept;
  void finish_rows(ContractionHierarchy& ch);
  void note_memory() noexcept;

  const RoadGraph& graph_;
  const ChBuildOptions& options_;
  const ChProgressCallback& progress_;
  std::uint32_t n_;
  std::vector<std::vector<ChDynArc>> out_, in_;
  std::vector<std::uint8_t> state_;
  std::vector<std::uint32_t> level_;
  std::vector<std::uint64_t> key_;
  std::vector<std::uint8_t> dirty_;
  std::vector<std::uint64_t> locality_;  // Hilbert index of the coordinate, or the node id
  std::vector<ChWitnessSearch> ws_;      // one per thread of the pool
  std::vector<std::vector<ChShortcut>> pending_;
  // Output, filled in rank order.
  std::vector<std::uint32_t> rank_, order_;
  std::vector<std::uint32_t> up_first_{0}, down_first_{0};
  std::vector<OutArc> up_, down_;
  std::uint64_t dyn_bytes_ = 0;  // capacity of out_ and in_ rows
  std::uint64_t peak_bytes_ = 0;
};

inline std::uint64_t ChContractor::priority(std::uint32_t v, const Simulation& s) const noexcept {
  const std::uint64_t removed = out_[v].size() + in_[v].size();
  std::uint64_t removed_hops = 0;
  for (const ChDynArc& a : out_[v]) removed_hops += a.hops;
  for (const ChDynArc& a : in_[v]) removed_hops += a.hops;
  std::uint64_t p = std::uint64_t{options_.level_weight} * level_[v];
  if (removed != 0) p += std::uint64_t{options_.edge_weight} * 1000 * s.added / removed;
  if (removed_hops != 0)
    p += std::uint64_t{options_.hop_weight} * 1000 * s.added_hops / removed_hops;
  return p;
}

inline ChContractor::Simulation ChContractor::simulate(std::uint32_t v, ChWitnessSearch& ws,
                                                       std::vector<ChShortcut>* out) const {
  Simulation s;
  const auto& ins = in_[v];
  const auto& outs = out_[v];
  if (ins.empty() || outs.empty()) return s;
  Weight max_out = 0;
  for (const ChDynArc& a : outs) max_out = std::max(max_out, a.weight);
  for (const ChDynArc& ia : ins) {
    const std::uint32_t u = ia.node;
    ws.clear_targets();
    std::uint32_t targets = 0;
    for (const ChDynArc& oa : outs) {
      if (oa.node != u) {
        ws.mark_target(oa.node);
        ++targets;
      }
    }
    if (targets == 0) continue;
    ws.run(out_, state_, kInSet, u, v, add_weights(ia.weight, max_out), targets,
           out == nullptr ? options_.priority_settled_limit : options_.witness_settled_limit);
    for (const ChDynArc& oa : outs) {
      if (oa.node == u) continue;  // u -> v -> u needs no shortcut
      const Weight via = add_weights(ia.weight, oa.weight);
      if (ws.dist(oa.node) > via) {  // no witness of equal or shorter length
        const std::uint32_t hops = ia.hops + oa.hops;
        ++s.added;
        s.added_hops += hops;
        if (out != nullptr) out->push_back(ChShortcut{u, oa.node, via, hops});
      }
    }
  }
  return s;
}

inline bool ChContractor::is_local_minimum(std::uint32_t v) const noexcept {
  auto beats_v = [&](const std::vector<ChDynArc>& list, bool second_hop) {
    for (const ChDynArc& a : list) {
      const std::uint32_t x = a.node;
      if (x != v && before(x, v)) return true;
      if (second_hop) {
        for (const ChDynArc& b : out_[x])
          if (b.node != v && before(b.node, v)) return true;
        for (const ChDynArc& b : in_[x])
          if (b.node != v && before(b.node, v)) return true;
      }
    }
    return false;
  };
  const bool two = options_.independent_set_radius >= 2;
  return !beats_v(out_[v], two) && !beats_v(in_[v], two);
}

inline void ChContractor::insert_arc(std::vector<ChDynArc>& list, const ChDynArc& arc) {
  for (ChDynArc& a : list) {
    if (a.node == arc.node) {
      if (arc.weight < a.weight) a = arc;  // keep the shorter of parallel arcs
      return;
    }
  }
  const std::size_t cap = list.capacity();
  list.push_back(arc);
  dyn_bytes_ += (list.capacity() - cap) * sizeof(ChDynArc);
}

inline void ChContractor::remove_arc(std::vector<ChDynArc>& list, std::uint32_t node) noexcept {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].node == node) {
      list[i] = list.back();
      list.pop_back();
      return;
    }
  }
}

inline void ChContractor::release(std::vector<ChDynArc>& list) noexcept {
  dyn_bytes_ -= list.capacity() * sizeof(ChDynArc);
  std::vector<ChDynArc>().swap(list);
}

inline void ChContractor::contract(std::uint32_t v, const std::vector<ChShortcut>& shortcuts) {
  rank_[v] = static_cast<std::uint32_t>(order_.size());
  order_.push_back(v);
  for (const ChDynArc& a : out_[v]) up_.push_back(OutArc{a.node, a.weight, a.unpack});
  up_first_.push_back(static_cast<std::uint32_t>(up_.size()));
  for (const ChDynArc& a : in_[v]) down_.push_back(OutArc{a.node, a.weight, a.unpack});
  down_first_.push_back(static_cast<std::uint32_t>(down_.size()));
  const std::uint32_t next_level = level_[v] + 1;
  for (const ChDynArc& a : out_[v]) {
    remove_arc(in_[a.node], v);
    level_[a.node] = std::max(level_[a.node], next_level);
    dirty_[a.node] = 1;
  }
  for (const ChDynArc& a : in_[v]) {
    remove_arc(out_[a.node], v);
    level_[a.node] = std::max(level_[a.node], next_level);
    dirty_[a.node] = 1;
  }
  for (const ChShortcut& s : shortcuts) {
    const std::uint32_t unpack = v | kChShortcutBit;
    insert_arc(out_[s.from], ChDynArc{s.to, s.weight, s.hops, unpack});
    insert_arc(in_[s.to], ChDynArc{s.from, s.weight, s.hops, unpack});
  }
  release(out_[v]);
  release(in_[v]);
  state_[v] = kContracted;
}

inline void ChContractor::note_memory() noexcept {
  std::uint64_t bytes = dyn_bytes_;
  bytes += (out_.capacity() + in_.capacity()) * sizeof(std::vector<ChDynArc>);
  bytes += state_.capacity() + dirty_.capacity() + level_.capacity() * 4 + key_.capacity() * 8 +
           locality_.capacity() * 8;
  bytes +=
      (rank_.capacity() + order_.capacity() + up_first_.capacity() + down_first_.capacity()) * 4;
  bytes += (up_.capacity() + down_.capacity()) * sizeof(OutArc);
  for (const auto& p : pending_) bytes += p.capacity() * sizeof(ChShortcut);
  for (const auto& w : ws_) bytes += w.memory_bytes();
  peak_bytes_ = std::max(peak_bytes_, bytes);
}

// Turns node ids into ranks, sorts each part of a row by head rank and lays the rows
// out as the hierarchy stores them (downward part, then upward part).
inline void ChContractor::finish_rows(ContractionHierarchy& ch) {
  auto to_ranks = [this](std::vector<OutArc>& arcs) {
    for (OutArc& a : arcs) {
      a.node = rank_[a.node];
      if ((a.unpack & kChShortcutBit) != 0)
        a.unpack = rank_[a.unpack & ~kChShortcutBit] | kChShortcutBit;
    }
  };
  to_ranks(up_);
  to_ranks(down_);
  const std::size_t m = up_.size() + down_.size();
  ch.row_.assign(std::size_t{n_} + 1, ChRow{0, 0});
  ch.arc_.resize(m);
  ch.unpack_.resize(m);
  auto by_head = [](const OutArc& a, const OutArc& b) { return a.node < b.node; };
  std::uint32_t at = 0;
  for (std::uint32_t r = 0; r < n_; ++r) {
    ch.row_[r].begin = at;
    for (int part = 0; part < 2; ++part) {
      std::vector<OutArc>& src = part == 0 ? down_ : up_;
      const std::vector<std::uint32_t>& first = part == 0 ? down_first_ : up_first_;
      if (part == 1) ch.row_[r].up = at;
      std::sort(src.begin() + first[r], src.begin() + first[r + 1], by_head);
      for (std::uint32_t i = first[r]; i < first[r + 1]; ++i, ++at) {
        ch.arc_[at] = ChArc{src[i].node, src[i].weight};
        ch.unpack_[at] = src[i].unpack;
      }
    }
  }
  ch.row_[n_] = ChRow{at, at};
  ch.stats_.upward_arc_count = up_.size();
  ch.stats_.downward_arc_count = down_.size();
}

inline ContractionHierarchy ChContractor::run() {
  const auto start = std::chrono::steady_clock::now();
  std::uint32_t threads = options_.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  WorkerPool pool(threads);
  ws_.reserve(pool.size());
  for (std::uint32_t t = 0; t < pool.size(); ++t) ws_.emplace_back(n_);
  // Chunks of witness work handed to a free thread; a round with few nodes left (the
  // dense top of the hierarchy: few nodes, expensive searches) still uses both cores.
  constexpr std::size_t kChunk = 8, kSerialBelow = 16;

  // The dynamic graph: for each node its remaining out- and in-arcs.
  out_.resize(n_);
  in_.resize(n_);
  for (std::uint32_t v = 0; v < n_; ++v) {
    out_[v].reserve(graph_.out_degree(NodeId(v)));
    in_[v].reserve(graph_.in_arcs(NodeId(v)).size());
  }
  const auto tails = graph_.tails();
  const auto heads = graph_.heads();
  const auto weights = graph_.weights();
  for (std::uint32_t a = 0; a < graph_.arc_count(); ++a) {
    if (tails[a] == heads[a]) continue;  // a self-loop is never on a shortest path
    insert_arc(out_[tails[a]], ChDynArc{heads[a], weights[a], 1, a});
    insert_arc(in_[heads[a]], ChDynArc{tails[a], weights[a], 1, a});
  }
  dyn_bytes_ = 0;
  for (std::uint32_t v = 0; v < n_; ++v)
    dyn_bytes_ += (out_[v].capacity() + in_[v].capacity()) * sizeof(ChDynArc);

  locality_.resize(n_);
  for (std::uint32_t v = 0; v < n_; ++v) {
    locality_[v] =
        graph_.has_coordinates() ? hilbert_key(graph_.coordinate(NodeId(v))) << 32 | v : v;
  }
  state_.assign(n_, kRemaining);
  level_.assign(n_, 0);
  key_.assign(n_, 0);
  dirty_.assign(n_, 1);
  rank_.assign(n_, 0);
  order_.reserve(n_);
  up_first_.reserve(std::size_t{n_} + 1);
  down_first_.reserve(std::size_t{n_} + 1);
  up_.reserve(graph_.arc_count());
  down_.reserve(graph_.arc_count());

  std::vector<std::uint32_t> remaining(n_);
  for (std::uint32_t v = 0; v < n_; ++v) remaining[v] = v;
  std::vector<std::uint32_t> todo, set;
  std::vector<std::uint8_t> pick;
  std::uint32_t rounds = 0;
  double last_reported = -1.0;
  while (!remaining.empty()) {
    ++rounds;
    // 1. Lazy priority updates: only nodes whose neighbourhood changed.
    todo.clear();
    for (const std::uint32_t v : remaining)
      if (dirty_[v] != 0) todo.push_back(v);
    pool.for_each(
        todo.size(), kChunk,
        [&](std::size_t i, std::uint32_t t) {
          const std::uint32_t v = todo[i];
          key_[v] = priority(v, simulate(v, ws_[t], nullptr));
        },
        kSerialBelow);
    for (const std::uint32_t v : todo) dirty_[v] = 0;
    // 2. The independent set. The global minimum is always in it, so rounds progress.
    // The test only reads, so it runs on all threads; the set is collected in order.
    pick.resize(remaining.size());
    pool.for_each(remaining.size(), 4096, [&](std::size_t i, std::uint32_t) {
      pick[i] = is_local_minimum(remaining[i]) ? 1 : 0;
    });
    set.clear();
    for (std::size_t i = 0; i < remaining.size(); ++i)
      if (pick[i] != 0) set.push_back(remaining[i]);
    // Nodes of one set are pairwise non-adjacent, so their relative ranks change nothing
    // in the hierarchy: rank them in map order, so that the low, numerous levels that
    // every search starts in are laid out by place and neighbouring searches share lines.
    std::sort(set.begin(), set.end(),
              [this](std::uint32_t a, std::uint32_t b) { return locality_[a] < locality_[b]; });
    for (const std::uint32_t v : set) state_[v] = kInSet;
    // 3. Shortcuts of every set node, witnesses avoiding the whole set.
    if (pending_.size() < set.size()) pending_.resize(set.size());
    pool.for_each(
        set.size(), kChunk,
        [&](std::size_t i, std::uint32_t t) {
          pending_[i].clear();
          simulate(set[i], ws_[t], &pending_[i]);
        },
        kSerialBelow);
    note_memory();
    // 4. Apply, in priority order.
    for (std::size_t i = 0; i < set.size(); ++i) contract(set[i], pending_[i]);
    std::erase_if(remaining, [this](std::uint32_t v) { return state_[v] == kContracted; });
    const double done = 1.0 - static_cast<double>(remaining.size()) / n_;
    if (progress_ && (done - last_reported >= 0.005 || remaining.empty())) {
      progress_(done);
      last_reported = done;
    }
  }
  note_memory();
  std::vector<std::vector<ChShortcut>>().swap(pending_);
  std::vector<std::vector<ChDynArc>>().swap(out_);
  std::vector<std::vector<ChDynArc>>().swap(in_);

  ContractionHierarchy ch;
  ch.graph_fingerprint_ = graph_.fingerprint();
  ch.graph_arc_count_ = graph_.arc_count();
  finish_rows(ch);
  ch.link_shortcuts();
  std::uint64_t shortcuts = 0;
  for (const std::uint32_t u : ch.unpack_) shortcuts += (u & kChShortcutBit) != 0 ? 1 : 0;
  peak_bytes_ = std::max<std::uint64_t>(
      peak_bytes_, (up_.capacity() + down_.capacity()) * sizeof(OutArc) + ch.memory_bytes());
  ch.rank_ = std::move(rank_);
  ch.order_ = std::move(order_);
  ch.stats_.shortcut_count = shortcuts;
  ch.stats_.rounds = rounds;
  ch.stats_.peak_memory_bytes = peak_bytes_;
  ch.stats_.build_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return ch;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------
// ContractionHierarchy members.

inline absl::StatusOr<ContractionHierarchy> ContractionHierarchy::build(
    const RoadGraph& graph, const ChBuildOptions& options, const ChProgressCallback& progress) {
  if (graph.node_count() == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(graph.source(), ": cannot build a contraction hierarchy of an empty graph"));
  }
  if (graph.node_count() >= detail::kChShortcutBit || graph.arc_count() >= detail::kChShortcutBit) {
    return absl::InvalidArgumentError(
        absl::StrCat(graph.source(), ": ", graph.node_count(), " nodes and ", graph.arc_count(),
                     " arcs exceed the 2^31 ids a contraction hierarchy can address"));
  }
  if (options.witness_settled_limit == 0 || options.priority_settled_limit == 0) {
    return absl::InvalidArgumentError(
        "ChBuildOptions: witness and priority settled limits must be positive");
  }
  try {
    return detail::ChContractor(graph, options, progress).run();
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError(
        absl::StrCat(graph.source(), ": out of memory while building the contraction hierarchy (",
                     graph.node_count(), " nodes, ", graph.arc_count(), " arcs)"));
  }
}

inline bool ContractionHierarchy::link_shortcuts() {
  halves_.assign(arc_.size(), detail::ChHalves{0, 0});
  auto find = [this](std::uint32_t lo, std::uint32_t hi, std::uint32_t head) {
    const auto first = arc_.begin() + lo, last = arc_.begin() + hi;
    const auto it = std::lower_bound(
        first, last, head, [](const detail::ChArc& a, std::uint32_t h) { return a.head < h; });
    return it != last && it->head == head ? static_cast<std::uint32_t>(it - arc_.begin())
                                          : UINT32_MAX;
  };
  const auto n = static_cast<std::uint32_t>(row_.size() - 1);
  for (std::uint32_t r = 0; r < n; ++r) {
    for (std::uint32_t i = row_[r].begin; i < row_[r + 1].begin; ++i) {
      if ((unpack_[i] & detail::kChShortcutBit) == 0) continue;
      const std::uint32_t mid = unpack_[i] & ~detail::kChShortcutBit;
      if (mid >= r) return false;  // a shortcut passes strictly below both of its ends
      const bool upward = i >= row_[r].up;
      const std::uint32_t from = upward ? r : arc_[i].head;
      const std::uint32_t to = upward ? arc_[i].head : r;
      const std::uint32_t first = find(row_[mid].begin, row_[mid].up, from);
      const std::uint32_t second = find(row_[mid].up, row_[mid + 1].begin, to);
      if (first == UINT32_MAX || second == UINT32_MAX) return false;
      if (add_weights(arc_[first].weight, arc_[second].weight) != arc_[i].weight) return false;
      halves_[i] = detail::ChHalves{first, second};
    }
  }
  return true;
}

inline void ContractionHierarchy::unpack_arc(std::uint32_t arc, std::vector<ArcId>& out,
                                             std::vector<std::uint32_t>& scratch) const {
  scratch.clear();
  scratch.push_back(arc);
  while (!scratch.empty()) {
    const std::uint32_t i = scratch.back();
    scratch.pop_back();
    if ((unpack_[i] & detail::kChShortcutBit) == 0) {
      out.push_back(ArcId(unpack_[i]));
    } else {
      scratch.push_back(halves_[i].second);  // driven second
      scratch.push_back(halves_[i].first);   // driven first
    }
  }
}

inline std::uint64_t ContractionHierarchy::memory_bytes() const noexcept {
  return (rank_.size() + order_.size() + unpack_.size()) * std::uint64_t{4} +
         row_.size() * sizeof(detail::ChRow) + arc_.size() * sizeof(detail::ChArc) +
         halves_.size() * sizeof(detail::ChHalves);
}

DISPATCHKIT_NAMESPACE_END
