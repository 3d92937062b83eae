// dispatchkit/route/cch/many_to_one.hpp: travel times from many units to one incident on a
// customized CCH (the recommendation engine's question), with the same interface as the CH
// engineer's ChManyToOne.
//
//   CchManyToOne fleet(metric, graph);
//   fleet.set_source(7, unit_position);            // add or move unit in slot 7
//   fleet.remove_source(3);                        // unit 3 went off duty
//   std::vector<Weight> eta(fleet.slot_capacity());
//   fleet.distances_to(incident_position, eta);    // eta[slot] for every unit at once
//   fleet.set_metric(next_metric);                 // traffic changed: buckets recomputed
//
//   CchOneToMany hospitals(metric, graph);         // the other way round: fixed targets
//   hospitals.set_target(0, hospital_position);
//   hospitals.distances_from(scene, eta);          // eta[slot]: scene -> every hospital
//
// Bucket-based many-to-one (Knopp, Sanders, Schultes, Schulz, Wagner, "Computing
// Many-to-Many Shortest Paths Using Highway Hierarchies", ALENEX 2007) on the elimination
// tree: set_source() walks the unit's ancestors once and leaves (slot, distance) in a bucket
// at each; distances_to() walks the incident's ancestors backward and scans their buckets.
// With perfect weights both sides drop labels that a higher ancestor proves non-optimal
// (stall-on-demand, Schultes & Sanders 2007): only exact labels can meet on a shortest path.
//
// Thread safety: thread-compatible. distances_to() is noexcept and allocation-free;
// set_source()/remove_source() may allocate (bucket growth). The metric, its topology and
// the graph must outlive the object.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/route/cch/metric.hpp"
#include "dispatchkit/route/cch/query.hpp"
#include "dispatchkit/route/cch/topology.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

class CchOneToMany;

class CchManyToOne {
 public:
  // Slots are unit indexes, not ids: a larger one is a caller bug, refused rather than
  // allocating gigabytes.
  static constexpr std::uint32_t kMaxSlots = 1u << 24;

  CchManyToOne(const CchMetric& metric, const RoadGraph& graph);

  // Places (or moves) the unit of `slot` at `position`; slots are small dense integers
  // chosen by the caller, the capacity grows to slot + 1 (std::length_error for a slot of
  // kMaxSlots or more, leaving the other units untouched). An invalid position (or one
  // naming a node or arc the graph does not have) keeps the slot occupied but unreachable.
  // O(ancestors * degree).
  void set_source(std::uint32_t slot, const RoadPosition& position);
  // Empties `slot` (its distances become kInfWeight). No-op for an empty slot.
  void remove_source(std::uint32_t slot) noexcept;
  // Pre-sizes the slot table (optional).
  void reserve(std::uint32_t slots) {
    if (slots > slots_.size()) slots_.resize(std::min(slots, kMaxSlots));
  }
  // One past the highest slot ever set: the size `out` needs to see every unit.
  [[nodiscard]] std::uint32_t slot_capacity() const noexcept {
    return static_cast<std::uint32_t>(slots_.size());
  }
  [[nodiscard]] bool has_source(std::uint32_t slot) const noexcept {
    return slot < slots_.size() && slots_[slot].active;
  }
  // The position of the unit in `slot` (invalid if empty).
  [[nodiscard]] RoadPosition source(std::uint32_t slot) const noexcept {
    return has_source(slot) ? slots_[slot].position : RoadPosition();
  }
  // Switches to another metric of the same topology and recomputes every unit's buckets:
  // one upward walk per unit (bench_recommend measures it). If memory runs out, the units
  // not yet placed again stay occupied but unreachable and std::bad_alloc propagates;
  // calling set_metric() again completes the switch.
  void set_metric(const CchMetric& metric);

  // out[slot] = travel time from the unit in `slot` to `target`, kInfWeight when unreachable
  // or the slot is empty; slots beyond out.size() are skipped. noexcept, no allocation.
  void distances_to(const RoadPosition& target, std::span<Weight> out) noexcept;

  // Bucket entries held (a measure of distances_to()'s work).
  [[nodiscard]] std::size_t entry_count() const noexcept { return entries_; }

 private:
  friend class CchOneToMany;
  // Slots that are where trips end (CchOneToMany): their buckets hold the backward walk,
  // and a query walks forward from its source.
  CchManyToOne(const CchMetric& metric, const RoadGraph& graph, bool slots_are_sources);

  static constexpr std::uint32_t kNone = CchTopology::kNone;
  struct Entry {
    std::uint32_t slot;
    Weight dist;
  };
  struct Slot {
    bool active = false;
    RoadPosition position;
    std::vector<std::uint32_t> nodes;  // ranks holding an entry of this slot
  };
  // Walks the ancestors of `seeds` (ascending rank) into label_ / path_, forward (from the
  // seeds) or backward (towards them); then clears stalled labels if the metric is perfect.
  void walk(const SeedPair& seeds, bool forward) noexcept;
  // Throws std::bad_alloc (bucket growth) having dropped the slot's partial entries.
  void fill_buckets(std::uint32_t slot);
  void drop_entries(std::uint32_t slot) noexcept;

  const CchMetric* metric_;
  const CchTopology* topo_;
  const RoadGraph* graph_;
  std::vector<std::vector<Entry>> buckets_;  // by rank
  std::vector<Slot> slots_;
  std::vector<Weight> label_;        // kInfWeight outside a walk
  std::vector<std::uint32_t> path_;  // ranks visited by the last walk, ascending
  std::size_t entries_ = 0;
  bool slots_are_sources_ = true;
};

// Travel times from one source to many fixed targets (hospitals, posts, demand points) on a
// customized CCH: the mirror of CchManyToOne, the same buckets with the directions swapped.
// Same costs, errors and thread safety.
class CchOneToMany {
 public:
  static constexpr std::uint32_t kMaxSlots = CchManyToOne::kMaxSlots;

  CchOneToMany(const CchMetric& metric, const RoadGraph& graph) : index_(metric, graph, false) {}

  // Places (or moves) the target of `slot` (as CchManyToOne::set_source).
  void set_target(std::uint32_t slot, const RoadPosition& position) {
    index_.set_source(slot, position);
  }
  void remove_target(std::uint32_t slot) noexcept { index_.remove_source(slot); }
  void reserve(std::uint32_t slots) { index_.reserve(slots); }
  [[nodiscard]] std::uint32_t slot_capacity() const noexcept { return index_.slot_capacity(); }
  [[nodiscard]] bool has_target(std::uint32_t slot) const noexcept {
    return index_.has_source(slot);
  }
  [[nodiscard]] RoadPosition target(std::uint32_t slot) const noexcept {
    return index_.source(slot);
  }
  // Switches to another metric of the same topology, recomputing every target's buckets.
  void set_metric(const CchMetric& metric) { index_.set_metric(metric); }

  // out[slot] = travel time from `source` to the target in `slot`, kInfWeight when
  // unreachable or the slot is empty. noexcept, no allocation.
  void distances_from(const RoadPosition& source, std::span<Weight> out) noexcept {
    index_.distances_to(source, out);
  }
  [[nodiscard]] std::size_t entry_count() const noexcept { return index_.entry_count(); }

 private:
  CchManyToOne index_;
};

// ---------------------------------------------------------------------------------------
// Implementation.

inline CchManyToOne::CchManyToOne(const CchMetric& metric, const RoadGraph& graph)
    : CchManyToOne(metric, graph, true) {}

inline CchManyToOne::CchManyToOne(const CchMetric& metric, const RoadGraph& graph,
                                  bool slots_are_sources)
    : metric_(&metric),
      topo_(&metric.topology()),
      graph_(&graph),
      buckets_(metric.topology().node_count()),
      label_(metric.topology().node_count(), kInfWeight),
      slots_are_sources_(slots_are_sources) {
  path_.reserve(
      std::max<std::uint32_t>(kMaxSeeds * (metric.topology().stats().tree_height + 1), 16));
}

inline void CchManyToOne::walk(const SeedPair& seeds, bool forward) noexcept {
  const std::uint32_t* parent = topo_->parents().data();
  const std::uint32_t* up_first = topo_->up_first().data();
  const std::uint32_t* up_head = topo_->up_heads().data();
  const detail::CchArcWeights* w = metric_->search_weights().data();
  // One cursor per seed: a position reached in a graph with turn states has up to kMaxSeeds
  // (each state of the intersection), not two.
  std::array<std::uint32_t, kMaxSeeds> p;
  p.fill(kNone);
  const std::uint32_t n = std::min<std::uint32_t>(seeds.count, kMaxSeeds);
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::uint32_t r = topo_->rank(seeds.seeds[i].node);
    label_[r] = std::min(label_[r], seeds.seeds[i].offset);
    p[i] = r;
  }
  path_.clear();
  for (;;) {
    // The lowest rank not yet walked; cursors that meet move on together.
    std::uint32_t v = kNone;
    for (std::uint32_t i = 0; i < n; ++i) v = std::min(v, p[i]);
    if (v == kNone) break;
    for (std::uint32_t i = 0; i < n; ++i)
      if (p[i] == v) p[i] = parent[v];
    path_.push_back(v);  // path_ has capacity for kMaxSeeds root paths: no allocation
    const Weight dv = label_[v];
    if (dv == kInfWeight) continue;
    for (std::uint32_t a = up_first[v]; a < up_first[v + 1]; ++a) {
      const std::uint32_t h = up_head[a];
      const std::uint64_t nd = std::uint64_t{dv} + (forward ? w[a].forward : w[a].backward);
      if (nd < label_[h]) label_[h] = static_cast<Weight>(nd);
    }
  }
  if (!metric_->is_perfect()) return;
  // Stall: a label beaten by going through an upward neighbour first is not a distance.
  // Ancestors' labels are final, so test in descending order and keep stalled labels for
  // the tests below them (they are upper bounds of real paths, hence still valid proofs).
  for (std::size_t i = path_.size(); i-- > 0;) {
    const std::uint32_t v = path_[i];
    const Weight dv = label_[v];
    if (dv == kInfWeight) continue;
    for (std::uint32_t a = up_first[v]; a < up_first[v + 1]; ++a) {
      const std::uint64_t via =
          std::uint64_t{label_[up_head[a]]} + (forward ? w[a].backward : w[a].forward);
      if (via < dv) {
        path_[i] = kNone;  // stalled: no bucket entry / no bucket scan here
        break;
      }
    }
  }
}

inline void CchManyToOne::fill_buckets(std::uint32_t slot) {
  Slot& s = slots_[slot];
  const auto weights = metric_->input_weights();
  const SeedPair seeds = slots_are_sources_ ? source_seeds(*graph_, weights, s.position)
                                            : target_seeds(*graph_, weights, s.position);
  walk(seeds, slots_are_sources_);
  // Clear the labels along both seeds' root paths (path_ lost stalled ranks).
  const auto clear_labels = [&]() noexcept {
    const auto parent = topo_->parents();
    for (std::uint32_t i = 0; i < seeds.count; ++i)
      for (std::uint32_t r = topo_->rank(seeds.seeds[i].node); r != kNone; r = parent[r])
        label_[r] = kInfWeight;
  };
  try {
    // Reserved first, so that a bucket entry is never left without its record in s.nodes.
    s.nodes.reserve(s.nodes.size() + path_.size());
    for (std::uint32_t v : path_) {
      if (v == kNone || label_[v] == kInfWeight) continue;
      buckets_[v].push_back({slot, label_[v]});
      s.nodes.push_back(v);
      ++entries_;
    }
  } catch (...) {
    // Part of the unit's entries would answer longer-than-true times: drop them all. The
    // slot stays occupied and unreachable until it is filled again.
    clear_labels();
    drop_entries(slot);
    throw;
  }
  clear_labels();
}

inline void CchManyToOne::drop_entries(std::uint32_t slot) noexcept {
  Slot& s = slots_[slot];
  for (std::uint32_t v : s.nodes) {
    auto& b = buckets_[v];
    for (std::size_t i = 0; i < b.size(); ++i)
      if (b[i].slot == slot) {
        b[i] = b.back();
        b.pop_back();
        --entries_;
        break;
      }
  }
  s.nodes.clear();
}

inline void CchManyToOne::set_source(std::uint32_t slot, const RoadPosition& position) {
  if (slot >= kMaxSlots) throw std::length_error("CchManyToOne: slot index too large");
  if (slot >= slots_.size()) slots_.resize(std::size_t{slot} + 1);
  remove_source(slot);
  slots_[slot].active = true;
  // A position the graph cannot resolve is stored as invalid: occupied, unreachable.
  slots_[slot].position = detail::cch_position_ok(*graph_, position) ? position : RoadPosition();
  if (slots_[slot].position.valid()) fill_buckets(slot);
}

inline void CchManyToOne::remove_source(std::uint32_t slot) noexcept {
  if (slot >= slots_.size() || !slots_[slot].active) return;
  drop_entries(slot);
  slots_[slot].active = false;
}

inline void CchManyToOne::set_metric(const CchMetric& metric) {
  metric_ = &metric;
  topo_ = &metric.topology();
  for (auto& b : buckets_) b.clear();
  entries_ = 0;
  for (std::uint32_t slot = 0; slot < slots_.size(); ++slot) {
    slots_[slot].nodes.clear();
    if (slots_[slot].active && slots_[slot].position.valid()) fill_buckets(slot);
  }
}

inline void CchManyToOne::distances_to(const RoadPosition& target, std::span<Weight> out) noexcept {
  std::fill(out.begin(), out.end(), kInfWeight);
  if (!detail::cch_position_ok(*graph_, target)) return;  // unknown place: unreachable
  const auto weights = metric_->input_weights();
  // `target` is the query's end (or, for CchOneToMany, its start).
  const SeedPair seeds = slots_are_sources_ ? target_seeds(*graph_, weights, target)
                                            : source_seeds(*graph_, weights, target);
  walk(seeds, !slots_are_sources_);
  const auto n_out = out.size();
  for (std::uint32_t v : path_) {
    if (v == kNone) continue;
    const Weight dv = label_[v];
    if (dv == kInfWeight) continue;
    for (const Entry& e : buckets_[v]) {
      if (e.slot >= n_out) continue;
      const std::uint64_t d = std::uint64_t{e.dist} + dv;
      if (d < out[e.slot]) out[e.slot] = static_cast<Weight>(d);
    }
  }
  const auto parent = topo_->parents();
  for (std::uint32_t i = 0; i < seeds.count; ++i)
    for (std::uint32_t r = topo_->rank(seeds.seeds[i].node); r != kNone; r = parent[r])
      label_[r] = kInfWeight;
  // Units on the incident's own street can reach it without passing an intersection.
  if (!target.is_node()) {
    const auto n = std::min<std::size_t>(n_out, slots_.size());
    for (std::size_t slot = 0; slot < n; ++slot)
      if (slots_[slot].active && slots_[slot].position.valid())
        out[slot] =
            std::min(out[slot], slots_are_sources_
                                    ? same_street_weight(weights, slots_[slot].position, target)
                                    : same_street_weight(weights, target, slots_[slot].position));
  }
}

DISPATCHKIT_NAMESPACE_END
