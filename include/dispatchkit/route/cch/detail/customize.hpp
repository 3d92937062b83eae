// CCH customization (basic + perfect), its parallel schedule, partial re-customization and
// shortcut unpacking. Internal; see route/cch/metric.hpp.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/worker_pool.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/route/cch/metric.hpp"
#include "dispatchkit/route/cch/topology.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {

// min(current, a + b) without overflow: the sum is formed in 64 bits, and a result below
// `current` (at most kInfWeight) always fits.
[[nodiscard]] inline Weight min_sum(Weight current, Weight a, Weight b) noexcept {
  const std::uint64_t s = std::uint64_t{a} + b;
  return s < current ? static_cast<Weight>(s) : current;
}

// Calls f(w, i, j) for every lower triangle {w, x, y} of the arc {x, y}: every w below both
// that is a downward neighbour of x (at down-list position i) and of y (position j), in
// increasing w, until f returns false. Both down-lists are sorted by tail, so this is one
// merge, O(deg(x) + deg(y)). Returns false when f stopped it.
template <class F>
inline bool for_each_lower_triangle(const CchTopology& t, std::uint32_t x, std::uint32_t y, F&& f) {
  std::uint32_t i = t.first_down(x), ie = t.first_down(x + 1);
  std::uint32_t j = t.first_down(y), je = t.first_down(y + 1);
  while (i < ie && j < je) {
    const std::uint32_t wi = t.down_tail(i), wj = t.down_tail(j);
    if (wi < wj) {
      ++i;
    } else if (wj < wi) {
      ++j;
    } else {
      if (!f(wi, i, j)) return false;
      ++i;
      ++j;
    }
  }
  return true;
}

// Which ranks each thread customizes: whole elimination-tree subtrees (contiguous rank
// ranges, thanks to the postorder ranks), plus the "top" nodes above them that run alone.
struct CchSchedule {
  std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> ranges;  // [begin, end)
  std::vector<std::uint32_t> top;                                            // ascending
};

// Splits the tree greedily: while the subtrees cannot be packed onto the threads with at
// most 3% imbalance (longest-processing-time first), the heaviest subtree's root moves to
// the sequential top and its children's subtrees replace it. On a nested-dissection tree
// this peels off the top separator and stops at the two halves below it.
[[nodiscard]] inline CchSchedule make_schedule(const CchTopology& t, std::uint32_t threads) {
  CchSchedule s;
  s.ranges.resize(threads);
  const std::uint32_t n = t.node_count();
  std::vector<std::uint32_t> frontier;  // subtree roots
  for (std::uint32_t r = 0; r < n; ++r)
    if (t.parent(r) == CchTopology::kNone) frontier.push_back(r);
  std::uint64_t total = 0;
  for (std::uint32_t r : frontier) total += t.subtree_work(r);
  std::uint64_t top_work = 0;
  std::vector<std::uint64_t> load(threads);
  std::vector<std::uint32_t> assign;
  auto heavier = [&](std::uint32_t a, std::uint32_t b) {
    return t.subtree_work(a) > t.subtree_work(b) ||
           (t.subtree_work(a) == t.subtree_work(b) && a < b);
  };
  // Best split seen: minimises top work + heaviest thread.
  std::uint64_t best_cost = UINT64_MAX;
  std::vector<std::uint32_t> best_frontier, best_assign, top_nodes, best_top;
  for (int iter = 0; iter < 4096 && !frontier.empty(); ++iter) {
    std::sort(frontier.begin(), frontier.end(), heavier);
    std::fill(load.begin(), load.end(), 0);
    assign.assign(frontier.size(), 0);
    for (std::size_t i = 0; i < frontier.size(); ++i) {
      const auto th =
          static_cast<std::uint32_t>(std::min_element(load.begin(), load.end()) - load.begin());
      assign[i] = th;
      load[th] += t.subtree_work(frontier[i]);
    }
    const std::uint64_t max_load = *std::max_element(load.begin(), load.end());
    const std::uint64_t cost = top_work + max_load;
    if (cost < best_cost) {
      best_cost = cost;
      best_frontier = frontier;
      best_assign = assign;
      best_top = top_nodes;
    }
    if (max_load * threads <= (total - top_work) * 103 / 100) break;
    // Split the heaviest subtree: its root runs alone, its children become subtrees.
    const std::uint32_t r = frontier.front();
    frontier.erase(frontier.begin());
    top_nodes.push_back(r);
    const std::uint64_t own = t.subtree_work(r) - [&] {
      std::uint64_t children = 0;
      for (std::uint32_t c = r; c-- > r + 1 - t.subtree_size(r);) {
        children += t.subtree_work(c);
        frontier.push_back(c);
        c = c + 1 - t.subtree_size(c);
      }
      return children;
    }();
    top_work += own;
  }
  for (std::size_t i = 0; i < best_frontier.size(); ++i) {
    const std::uint32_t r = best_frontier[i];
    s.ranges[best_assign[i]].emplace_back(r + 1 - t.subtree_size(r), r + 1);
  }
  for (auto& v : s.ranges) std::sort(v.begin(), v.end());
  s.top = std::move(best_top);
  std::sort(s.top.begin(), s.top.end());
  return s;
}

// The arcs {f, h} between a fixed upward neighbour f of some node and that node's other
// upward neighbours h, asked for in ascending h. Above f, h is in f's own row (the node's
// upward neighbours form a clique), which a cursor walks; below f, a binary search in h's
// row finds f.
class CchCliqueArcs {
 public:
  CchCliqueArcs(const CchTopology& t, std::uint32_t f) noexcept
      : t_(t), f_(f), cursor_(t.first_up(f)) {}
  [[nodiscard]] std::uint32_t arc_to(std::uint32_t h) noexcept {
    if (h < f_) return t_.find_arc(h, f_);
    while (t_.up_head(cursor_) < h) ++cursor_;
    return cursor_;
  }

 private:
  const CchTopology& t_;
  std::uint32_t f_;
  std::uint32_t cursor_;
};

struct CchCustomizer {
  static constexpr std::uint32_t kPrefetch = 4;
  const CchTopology& t;
  CchMetric& m;

  // Basic customization of the arcs whose lower end is y: every lower triangle {x, y, z}
  // (x below y, found through y's downward row) relaxes {y, z}. Reads only arcs of y's
  // subtree, writes only y's arcs.
  void basic_node(std::uint32_t y, std::uint32_t* slot) const noexcept {
    const std::uint32_t* up_first = t.up_first().data();
    const std::uint32_t* up_head = t.up_heads().data();
    const std::uint32_t* down_tail = t.down_tails().data();
    const std::uint32_t* down_arc = t.down_arcs().data();
    CchArcWeights* w = m.basic_weights_.data();
    const Weight* input = m.input_.data();
    const std::uint32_t ub = up_first[y], ue = up_first[y + 1];
    for (std::uint32_t a = ub; a < ue; ++a) {
      slot[up_head[a]] = a;
      const std::uint32_t fi = t.forward_input_arc(a), bi = t.backward_input_arc(a);
      w[a].forward = fi != CchTopology::kNone ? input[fi] : kInfWeight;
      w[a].backward = bi != CchTopology::kNone ? input[bi] : kInfWeight;
    }
    const std::uint32_t de = t.first_down(y + 1);
    for (std::uint32_t i = t.first_down(y); i < de; ++i) {
      // The rows of the lower neighbours x are scattered over the whole arc array near the
      // top of the tree: fetch a few rows ahead.
      if (i + kPrefetch < de) {
        __builtin_prefetch(w + down_arc[i + kPrefetch]);
        __builtin_prefetch(up_head + down_arc[i + kPrefetch]);
      }
      const std::uint32_t x = down_tail[i], a = down_arc[i];
      const Weight y_to_x = w[a].backward, x_to_y = w[a].forward;
      if (y_to_x == kInfWeight && x_to_y == kInfWeight) continue;
      const std::uint32_t xe = up_first[x + 1];
      // Upward neighbours z of x above y are upward neighbours of y (x's are a clique).
      for (std::uint32_t b = a + 1; b < xe; ++b) {
        CchArcWeights& c = w[slot[up_head[b]]];
        c.forward = min_sum(c.forward, y_to_x, w[b].forward);     // y -> x -> z
        c.backward = min_sum(c.backward, w[b].backward, x_to_y);  // z -> x -> y
      }
    }
    if (m.perfect_) std::copy(w + ub, w + ue, m.perfect_weights_.data() + ub);
  }

  // Perfect customization around middle node y: for each lower triangle {x, y, z} with
  // x < y < z, arc {x, y} gets the upper triangle via z and arc {x, z} the intermediate one
  // via y. The arcs {y, z} used are final, as all middle nodes above y are done. Writes only
  // arcs whose lower end is in y's subtree.
  void perfect_node(std::uint32_t y, std::uint32_t* slot) const noexcept {
    const std::uint32_t* up_first = t.up_first().data();
    const std::uint32_t* up_head = t.up_heads().data();
    const std::uint32_t* down_tail = t.down_tails().data();
    const std::uint32_t* down_arc = t.down_arcs().data();
    const CchArcWeights* basic = m.basic_weights_.data();
    CchArcWeights* p = m.perfect_weights_.data();
    for (std::uint32_t a = up_first[y]; a < up_first[y + 1]; ++a) slot[up_head[a]] = a;
    const std::uint32_t de = t.first_down(y + 1);
    for (std::uint32_t i = t.first_down(y); i < de; ++i) {
      if (i + kPrefetch < de) {
        __builtin_prefetch(basic + down_arc[i + kPrefetch]);
        __builtin_prefetch(p + down_arc[i + kPrefetch]);
        __builtin_prefetch(up_head + down_arc[i + kPrefetch]);
      }
      const std::uint32_t x = down_tail[i], a = down_arc[i];
      const CchArcWeights ba = basic[a];
      CchArcWeights pa = p[a];
      const std::uint32_t xe = up_first[x + 1];
      for (std::uint32_t b = a + 1; b < xe; ++b) {
        const CchArcWeights pc = p[slot[up_head[b]]];                      // {y, z}
        const CchArcWeights bb = basic[b];                                 // {x, z}
        pa.forward = min_sum(pa.forward, bb.forward, pc.backward);         // x -> z -> y
        pa.backward = min_sum(pa.backward, pc.forward, bb.backward);       // y -> z -> x
        p[b].forward = min_sum(p[b].forward, ba.forward, pc.forward);      // x -> y -> z
        p[b].backward = min_sum(p[b].backward, pc.backward, ba.backward);  // z -> y -> x
      }
      p[a] = pa;
    }
  }

  void run(std::uint32_t threads) {
    const std::uint32_t n = t.node_count();
    if (threads <= 1 || n < 1024) {
      std::unique_ptr<std::uint32_t[]> slot(new std::uint32_t[n]);
      for (std::uint32_t y = 0; y < n; ++y) basic_node(y, slot.get());
      if (m.perfect_)
        for (std::uint32_t y = n; y-- > 0;) perfect_node(y, slot.get());
      return;
    }
    const CchSchedule s = make_schedule(t, threads);
    std::vector<std::unique_ptr<std::uint32_t[]>> slots(threads);
    for (auto& sl : slots) sl.reset(new std::uint32_t[n]);
    WorkerPool pool(threads);
    pool.run([&](std::uint32_t th) {
      for (const auto& [b, e] : s.ranges[th])
        for (std::uint32_t y = b; y < e; ++y) basic_node(y, slots[th].get());
    });
    for (std::uint32_t y : s.top) basic_node(y, slots[0].get());
    if (!m.perfect_) return;
    for (std::size_t i = s.top.size(); i-- > 0;) perfect_node(s.top[i], slots[0].get());
    pool.run([&](std::uint32_t th) {
      const auto& ranges = s.ranges[th];
      for (std::size_t i = ranges.size(); i-- > 0;)
        for (std::uint32_t y = ranges[i].second; y-- > ranges[i].first;)
          perfect_node(y, slots[th].get());
    });
  }

  // ---- partial re-customization ----

  // Basic weight of {y, z} from its definition: road arcs and all lower triangles.
  [[nodiscard]] CchArcWeights recompute_basic(std::uint32_t c) const noexcept {
    const std::uint32_t y = t.up_tail(c), z = t.up_head(c);
    CchArcWeights w;
    const std::uint32_t fi = t.forward_input_arc(c), bi = t.backward_input_arc(c);
    if (fi != CchTopology::kNone) w.forward = m.input_[fi];
    if (bi != CchTopology::kNone) w.backward = m.input_[bi];
    const CchArcWeights* basic = m.basic_weights_.data();
    for_each_lower_triangle(t, y, z, [&](std::uint32_t, std::uint32_t i, std::uint32_t j) {
      const CchArcWeights a = basic[t.down_arc(i)], b = basic[t.down_arc(j)];
      w.forward = min_sum(w.forward, a.backward, b.forward);    // y -> x -> z
      w.backward = min_sum(w.backward, b.backward, a.forward);  // z -> x -> y
      return true;
    });
    return w;
  }

  // Perfect weight of {x, y} from its definition: min(basic, min over upward neighbours z
  // of x of basic(x, z) + perfect(z, y)); every perfect weight used has a lower end above x.
  [[nodiscard]] CchArcWeights recompute_perfect(std::uint32_t c) const noexcept {
    const std::uint32_t x = t.up_tail(c), y = t.up_head(c);
    const CchArcWeights* basic = m.basic_weights_.data();
    const CchArcWeights* p = m.perfect_weights_.data();
    CchArcWeights w = basic[c];
    CchCliqueArcs clique(t, y);
    for (std::uint32_t b = t.first_up(x); b < t.first_up(x + 1); ++b) {
      if (b == c) continue;
      const std::uint32_t z = t.up_head(b);
      const CchArcWeights e = p[clique.arc_to(z)];
      const Weight z_to_y = z < y ? e.forward : e.backward;
      const Weight y_to_z = z < y ? e.backward : e.forward;
      w.forward = min_sum(w.forward, basic[b].forward, z_to_y);
      w.backward = min_sum(w.backward, y_to_z, basic[b].backward);
    }
    return w;
  }
};

}  // namespace detail

inline absl::StatusOr<CchMetric> CchMetric::customize(const CchTopology& topology,
                                                      std::span<const Weight> input_weights,
                                                      const CustomizeOptions& options) {
  if (input_weights.size() != topology.input_arc_count())
    return absl::InvalidArgumentError(absl::StrCat("CCH customization got ", input_weights.size(),
                                                   " arc weights, the graph has ",
                                                   topology.input_arc_count(), " arcs"));
  const auto start = std::chrono::steady_clock::now();
  CchMetric m;
  m.topology_ = &topology;
  m.perfect_ = options.perfect;
  m.input_.assign(input_weights.begin(), input_weights.end());
  m.basic_weights_.resize(topology.arc_count());
  if (m.perfect_) m.perfect_weights_.resize(topology.arc_count());
  detail::CchCustomizer{topology, m}.run(std::max<std::uint32_t>(1, options.threads));
  m.customize_seconds_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return m;
}

inline absl::StatusOr<CchUpdateStats> CchMetric::update(std::span<const ArcWeightChange> changes) {
  if (topology_ == nullptr)
    return absl::FailedPreconditionError("CCH update on a metric that was never customized");
  for (const ArcWeightChange& ch : changes)
    if (!ch.arc.valid() || ch.arc.value() >= input_.size())
      return absl::OutOfRangeError(absl::StrCat(
          "CCH update: arc ", ch.arc.value(), " is not one of the ", input_.size(), " road arcs"));
  CchUpdateStats stats;
  if (changes.empty()) return stats;
  using detail::CchArcWeights;
  const CchTopology& t = *topology_;
  const detail::CchCustomizer cz{t, *this};
  const std::uint32_t n = t.node_count();
  UpdateScratch& s = scratch_.s;
  if (s.queued.size() != t.arc_count()) {
    s.queued.assign(t.arc_count(), 0);
    s.old_basic.resize(t.arc_count());
    s.old_perfect.resize(t.arc_count());
  }
  s.heap.clear();
  // Min-heap of (key << 32 | arc), `key` chosen so that arcs pop in dependency order, one
  // level (lower end) at a time.
  auto push = [&](std::uint32_t arc, std::uint32_t key) {
    if (s.queued[arc] & kQueued) return;
    s.queued[arc] |= kQueued;
    s.heap.push_back((std::uint64_t{key} << 32) | arc);
    std::push_heap(s.heap.begin(), s.heap.end(), std::greater<>());
  };
  // Pops every queued arc of the lowest key into s.level.
  auto pop_level = [&]() {
    s.level.clear();
    const std::uint64_t key = s.heap.front() >> 32;
    while (!s.heap.empty() && (s.heap.front() >> 32) == key) {
      std::pop_heap(s.heap.begin(), s.heap.end(), std::greater<>());
      const auto arc = static_cast<std::uint32_t>(s.heap.back());
      s.heap.pop_back();
      s.queued[arc] &= static_cast<std::uint8_t>(~kQueued);
      s.level.push_back(arc);
    }
  };
  // Whether a triangle whose sum went from `before` to `after` can change an arc direction
  // now weighing `current`: it undercuts it, or it was the (a) minimum and got worse.
  auto affects = [](Weight current, Weight before, Weight after) {
    return after < current || (before == current && after > before);
  };
  auto sum = [](Weight a, Weight b) { return add_weights(a, b); };
  // Weights as they were before this update.
  auto old_basic = [&](std::uint32_t a) {
    return (s.queued[a] & kBasicChanged) ? s.old_basic[a] : basic_weights_[a];
  };
  auto old_perfect = [&](std::uint32_t a) {
    return (s.queued[a] & kPerfectChanged) ? s.old_perfect[a] : perfect_weights_[a];
  };

  // Phase 1: basic weights, by ascending lower end (a basic weight depends only on arcs
  // with a lower lower end).
  s.basic_changed.clear();
  for (const ArcWeightChange& ch : changes) {
    input_[ch.arc.value()] = ch.weight;
    const std::uint32_t slot = t.input_arc_slot(ch.arc);
    if (slot != CchTopology::kNone) push(slot / 2, t.up_tail(slot / 2));
  }
  while (!s.heap.empty()) {
    pop_level();
    const std::size_t first_changed = s.basic_changed.size();
    for (std::uint32_t c : s.level) {
      ++stats.basic_recomputed;
      const CchArcWeights w = cz.recompute_basic(c);
      if (w == basic_weights_[c]) continue;
      s.old_basic[c] = basic_weights_[c];
      s.queued[c] |= kBasicChanged;
      basic_weights_[c] = w;
      s.basic_changed.push_back(c);
    }
    // A changed {y, z} is a side of the lower triangles {y, z, o} of the arcs {z, o}, o
    // another upward neighbour of y. Only a triangle that undercuts {z, o} or was tight
    // for it and got worse calls for re-evaluating {z, o}.
    for (std::size_t k = first_changed; k < s.basic_changed.size(); ++k) {
      const std::uint32_t c = s.basic_changed[k];
      const std::uint32_t y = t.up_tail(c), z = t.up_head(c);
      const CchArcWeights c_old = s.old_basic[c], c_new = basic_weights_[c];
      detail::CchCliqueArcs clique(t, z);
      for (std::uint32_t d = t.first_up(y); d < t.first_up(y + 1); ++d) {
        if (d == c) continue;
        const std::uint32_t o = t.up_head(d);
        const CchArcWeights d_old = old_basic(d), d_new = basic_weights_[d];
        const std::uint32_t lo = std::min(z, o);
        const std::uint32_t e = clique.arc_to(o);
        const CchArcWeights cur = basic_weights_[e];
        // z -> y -> o and o -> y -> z.
        const Weight zo_before = sum(c_old.backward, d_old.forward);
        const Weight zo_after = sum(c_new.backward, d_new.forward);
        const Weight oz_before = sum(d_old.backward, c_old.forward);
        const Weight oz_after = sum(d_new.backward, c_new.forward);
        const Weight cur_zo = z < o ? cur.forward : cur.backward;
        const Weight cur_oz = z < o ? cur.backward : cur.forward;
        if (affects(cur_zo, zo_before, zo_after) || affects(cur_oz, oz_before, oz_after))
          push(e, lo);
      }
    }
  }
  stats.basic_changed = static_cast<std::uint32_t>(s.basic_changed.size());

  if (perfect_) {
    // Phase 2: perfect weights, by descending lower end (key n - 1 - lower end). {x, y}
    // depends on x's basic weights and on perfect weights of arcs above x.
    s.perfect_changed.clear();
    for (std::uint32_t c : s.basic_changed) push(c, n - 1 - t.up_tail(c));
    while (!s.heap.empty()) {
      pop_level();
      // A changed basic {x, z} is also the lower side of the upper and intermediate
      // triangles of x's other arcs {x, y} (via z); the perfect weights of {z, y} used there
      // are final now, so only the triangles that undercut or supported {x, y} queue it.
      const std::size_t level_size = s.level.size();
      for (std::size_t k = 0; k < level_size; ++k) {
        const std::uint32_t c = s.level[k];
        if (!(s.queued[c] & kBasicChanged)) continue;
        const std::uint32_t x = t.up_tail(c), z = t.up_head(c);
        const CchArcWeights c_old = s.old_basic[c], c_new = basic_weights_[c];
        detail::CchCliqueArcs clique(t, z);
        for (std::uint32_t d = t.first_up(x); d < t.first_up(x + 1); ++d) {
          if (d == c || (s.queued[d] & kQueued)) continue;
          const std::uint32_t y = t.up_head(d);
          const std::uint32_t e = clique.arc_to(y);
          // Sums before and after the whole update, so that {z, y} having changed as well
          // is accounted for.
          const CchArcWeights e_new = perfect_weights_[e], e_old = old_perfect(e);
          const Weight zy_new = z < y ? e_new.forward : e_new.backward;
          const Weight yz_new = z < y ? e_new.backward : e_new.forward;
          const Weight zy_old = z < y ? e_old.forward : e_old.backward;
          const Weight yz_old = z < y ? e_old.backward : e_old.forward;
          const CchArcWeights cur = perfect_weights_[d];
          if (affects(cur.forward, sum(c_old.forward, zy_old), sum(c_new.forward, zy_new)) ||
              affects(cur.backward, sum(yz_old, c_old.backward), sum(yz_new, c_new.backward))) {
            s.queued[d] |= kQueued;
            s.level.push_back(d);
          }
        }
      }
      for (std::uint32_t c : s.level) s.queued[c] &= static_cast<std::uint8_t>(~kQueued);
      for (std::uint32_t c : s.level) {
        ++stats.perfect_recomputed;
        const CchArcWeights w = cz.recompute_perfect(c);
        if (w == perfect_weights_[c]) continue;
        s.old_perfect[c] = perfect_weights_[c];
        s.queued[c] |= kPerfectChanged;
        perfect_weights_[c] = w;
        s.perfect_changed.push_back(c);
        // {x, y} is the top of its lower triangles {w, x, y}: perfect(w, y) may go via x,
        // perfect(w, x) via y. Basic weights are final here; where one of w's changed,
        // all of w's arcs are queued already.
        const std::uint32_t x = t.up_tail(c), y = t.up_head(c);
        const CchArcWeights c_old = s.old_perfect[c];
        detail::for_each_lower_triangle(
            t, x, y, [&](std::uint32_t wi, std::uint32_t i, std::uint32_t j) {
              const std::uint32_t a = t.down_arc(i), b = t.down_arc(j);  // {w, x}, {w, y}
              // Sums before the update use the old basic weights where those changed.
              const CchArcWeights ba = basic_weights_[a], bb = basic_weights_[b];
              const CchArcWeights ba_old = old_basic(a), bb_old = old_basic(b);
              const CchArcWeights pa = perfect_weights_[a], pb = perfect_weights_[b];
              // w -> x -> y and y -> x -> w improve or support {w, y}.
              if (affects(pb.forward, sum(ba_old.forward, c_old.forward),
                          sum(ba.forward, w.forward)) ||
                  affects(pb.backward, sum(c_old.backward, ba_old.backward),
                          sum(w.backward, ba.backward)))
                push(b, n - 1 - wi);
              // w -> y -> x and x -> y -> w improve or support {w, x}.
              if (affects(pa.forward, sum(bb_old.forward, c_old.backward),
                          sum(bb.forward, w.backward)) ||
                  affects(pa.backward, sum(c_old.forward, bb_old.backward),
                          sum(w.forward, bb.backward)))
                push(a, n - 1 - wi);
              return true;
            });
      }
    }
    stats.perfect_changed = static_cast<std::uint32_t>(s.perfect_changed.size());
  } else {
    stats.perfect_recomputed = stats.basic_recomputed;
  }
  for (std::uint32_t c : s.basic_changed) s.queued[c] = 0;
  if (perfect_)
    for (std::uint32_t c : s.perfect_changed) s.queued[c] = 0;
  return stats;
}

inline absl::StatusOr<CchMetric> CchMetric::updated(
    std::span<const ArcWeightChange> changes) const {
  CchMetric copy = *this;
  absl::StatusOr<CchUpdateStats> st = copy.update(changes);
  if (!st.ok()) return st.status();
  return copy;
}

inline void CchMetric::unpack(std::uint32_t arc, bool forward, std::vector<ArcId>& out,
                              std::vector<detail::CchUnpackItem>& scratch) const {
  const CchTopology& t = *topology_;
  const detail::CchArcWeights* basic = basic_weights_.data();
  const detail::CchArcWeights* perf = perfect_ ? perfect_weights_.data() : basic;
  auto get = [](const detail::CchArcWeights& w, bool fwd) { return fwd ? w.forward : w.backward; };
  scratch.clear();
  if (get(perf[arc], forward) == kInfWeight) return;
  scratch.push_back({arc, forward, perfect_});
  // The stack pops the next piece of the path in driving order; each piece is split into
  // two along a triangle whose weights sum to it. Recursion is well-founded: a perfect piece
  // splits into a basic one and a perfect one with a higher lower end; a basic piece into
  // two basic ones with a lower lower end.
  while (!scratch.empty()) {
    const detail::CchUnpackItem it = scratch.back();
    scratch.pop_back();
    const std::uint32_t c = it.arc;
    const std::uint32_t x = t.up_tail(c), y = t.up_head(c);
    if (it.perfect) {
      const Weight target = get(perf[c], it.forward);
      if (target == get(basic[c], it.forward)) {
        scratch.push_back({c, it.forward, false});
        continue;
      }
      for (std::uint32_t b = t.first_up(x); b < t.first_up(x + 1); ++b) {
        if (b == c) continue;
        const std::uint32_t z = t.up_head(b);
        const std::uint32_t e = z < y ? t.find_arc(z, y) : t.find_arc(y, z);
        if (it.forward) {  // x -> z (basic) then z -> y (perfect)
          if (add_weights(basic[b].forward, get(perf[e], z < y)) != target) continue;
          scratch.push_back({e, z < y, true});
          scratch.push_back({b, true, false});
        } else {  // y -> z (perfect) then z -> x (basic)
          if (add_weights(get(perf[e], y < z), basic[b].backward) != target) continue;
          scratch.push_back({b, false, false});
          scratch.push_back({e, y < z, true});
        }
        break;
      }
      continue;
    }
    const Weight target = get(basic[c], it.forward);
    const std::uint32_t road = it.forward ? t.forward_input_arc(c) : t.backward_input_arc(c);
    if (road != CchTopology::kNone && input_[road] == target) {
      out.push_back(ArcId(road));
      continue;
    }
    detail::for_each_lower_triangle(t, x, y, [&](std::uint32_t, std::uint32_t i, std::uint32_t j) {
      const std::uint32_t a = t.down_arc(i), b = t.down_arc(j);  // {w, x}, {w, y}
      if (it.forward && add_weights(basic[a].backward, basic[b].forward) == target) {
        scratch.push_back({b, true, false});   // then w -> y
        scratch.push_back({a, false, false});  // first x -> w
        return false;
      }
      if (!it.forward && add_weights(basic[b].backward, basic[a].forward) == target) {
        scratch.push_back({a, true, false});   // then w -> x
        scratch.push_back({b, false, false});  // first y -> w
        return false;
      }
      return true;
    });
  }
}

DISPATCHKIT_NAMESPACE_END
