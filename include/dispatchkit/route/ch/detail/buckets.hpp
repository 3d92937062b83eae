// Bucket index behind ChManyToOne, ChOneToMany and ChManyToMany. Internal.
//
// Knopp, Sanders, Schultes, Schulz, Wagner, "Computing Many-to-Many Shortest Paths Using
// Highway Hierarchies" (ALENEX 2007), on a CH as in Geisberger et al. (WEA 2008): each
// slot (a unit, a hospital, a station) runs ONE complete upward search and leaves an
// entry (slot, distance) in the bucket of every node it settles without stalling. A
// query from the other end runs one complete upward search in the opposite direction
// and, at each settled node x with label d, relaxes out[slot] = min(out[slot], d + entry)
// for every entry of x's bucket. Every up-down path is found at its top node, so out is
// exact for all slots at once.
//
// Moving a slot (a GPS fix) removes only its own entries and adds new ones: each entry
// remembers its place in the bucket and each bucket entry its place in the slot's list,
// so a removal is O(1) per entry (move the bucket's last entry into the hole and fix that
// entry's back-reference), never a scan of the other units' entries.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/road_position.hpp"
#include "dispatchkit/route/ch/contraction_hierarchy.hpp"
#include "dispatchkit/route/ch/detail/upward_search.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {

// kSlotsAreSources: slots are where trips start (many-to-one); otherwise where they end.
template <bool kSlotsAreSources>
class ChBucketIndex {
 public:
  ChBucketIndex(const ContractionHierarchy& ch, const RoadGraph& graph)
      : ch_(&ch),
        graph_(&graph),
        bucket_of_(ch.node_count(), kNoBucket),
        slot_search_(ch.node_count()),
        query_search_(ch.node_count()) {}

  [[nodiscard]] std::uint32_t capacity() const noexcept {
    return static_cast<std::uint32_t>(slots_.size());
  }
  [[nodiscard]] bool occupied(std::uint32_t slot) const noexcept {
    return slot < slots_.size() && slots_[slot].used;
  }
  [[nodiscard]] RoadPosition position(std::uint32_t slot) const noexcept {
    return occupied(slot) ? slots_[slot].pos : RoadPosition();
  }
  [[nodiscard]] std::size_t entry_count() const noexcept { return entries_; }

  // Every bucket entry is named by its slot's back-reference and every back-reference
  // by its entry, and the counts agree. O(entries): for tests and debugging.
  [[nodiscard]] bool consistent() const noexcept {
    std::size_t in_buckets = 0, in_slots = 0;
    for (std::size_t b = 0; b < buckets_.size(); ++b) {
      for (std::size_t i = 0; i < buckets_[b].size(); ++i) {
        const Entry& e = buckets_[b][i];
        if (e.slot >= slots_.size() || !slots_[e.slot].used ||
            e.back >= slots_[e.slot].entries.size())
          return false;
        const SlotEntry& se = slots_[e.slot].entries[e.back];
        if (se.bucket != b || se.pos != i) return false;
      }
      in_buckets += buckets_[b].size();
    }
    for (const Slot& s : slots_) {
      if (!s.used && !s.entries.empty()) return false;
      in_slots += s.entries.size();
    }
    return in_buckets == entries_ && in_slots == entries_;
  }
  void reserve(std::uint32_t slots) {
    if (slots > slots_.size()) slots_.resize(slots);
  }

  // If an allocation fails (std::bad_alloc propagates), the slot is left empty and every
  // other slot intact: each step below either completes or is undone, so the entry and
  // back-reference lists always match.
  void set(std::uint32_t slot, const RoadPosition& p) {
    if (slot >= slots_.size()) slots_.resize(std::size_t{slot} + 1);
    remove(slot);
    Slot& s = slots_[slot];
    s.used = true;
    s.pos = p;
    ChSeed seeds[kMaxSeeds];
    const std::uint32_t count = ch_seeds(*ch_, *graph_, p, kSlotsAreSources, seeds);
    try {
      slot_search_.template run<kSlotsAreSources>(
          *ch_, std::span<const ChSeed>(seeds, count), [&](std::uint32_t rank, Weight d) {
            std::uint32_t b = bucket_of_[rank];
            if (b == kNoBucket) {
              buckets_.emplace_back();  // first: bucket_of_ never names a missing bucket
              b = static_cast<std::uint32_t>(buckets_.size() - 1);
              bucket_of_[rank] = b;
            }
            std::vector<Entry>& bucket = buckets_[b];
            // The back-reference list grows first, so that once the bucket entry is in
            // (the only other step that can throw) nothing else can fail.
            if (s.entries.size() == s.entries.capacity())
              s.entries.reserve(2 * s.entries.size() + 16);
            bucket.push_back(Entry{slot, d, static_cast<std::uint32_t>(s.entries.size())});
            s.entries.push_back(SlotEntry{b, static_cast<std::uint32_t>(bucket.size() - 1)});
          });
    } catch (...) {
      entries_ += s.entries.size();  // what remove() takes off again
      remove(slot);
      throw;
    }
    entries_ += s.entries.size();
  }

  void remove(std::uint32_t slot) noexcept {
    if (!occupied(slot)) return;
    Slot& s = slots_[slot];
    for (const SlotEntry& se : s.entries) {
      std::vector<Entry>& bucket = buckets_[se.bucket];
      const Entry moved = bucket.back();
      bucket.pop_back();
      if (se.pos != bucket.size()) {
        // The moved entry belongs to another slot (a slot has one entry per bucket).
        bucket[se.pos] = moved;
        slots_[moved.slot].entries[moved.back].pos = se.pos;
      }
    }
    entries_ -= s.entries.size();
    s.entries.clear();  // keeps capacity: moving a unit does not reallocate
    s.used = false;
    s.pos = RoadPosition();
  }

  // out[slot] = travel time between the slot and `p` (from the slot to p if slots are
  // sources), for every slot < min(capacity, out.size()); kInfWeight if none.
  void query(const RoadPosition& p, std::span<Weight> out) noexcept {
    const std::size_t n = std::min<std::size_t>(out.size(), slots_.size());
    std::fill(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n), kInfWeight);
    ChSeed seeds[kMaxSeeds];
    const std::uint32_t count = ch_seeds(*ch_, *graph_, p, !kSlotsAreSources, seeds);
    if (count == 0) return;
    Weight* const result = out.data();
    const std::uint32_t* const bucket_of = bucket_of_.data();
    const std::vector<Entry>* const buckets = buckets_.data();
    query_search_.template run<!kSlotsAreSources>(*ch_, std::span<const ChSeed>(seeds, count),
                                                  [&](std::uint32_t rank, Weight d) {
                                                    const std::uint32_t b = bucket_of[rank];
                                                    if (b == kNoBucket) return;
                                                    for (const Entry& e : buckets[b]) {
                                                      if (e.slot >= n) continue;
                                                      const Weight via = add_weights(d, e.dist);
                                                      if (via < result[e.slot])
                                                        result[e.slot] = via;
                                                    }
                                                  });
    if (p.is_node()) return;
    // A slot on the same street may be reached without passing an intersection.
    const auto weights = graph_->weights();
    for (std::uint32_t slot = 0; slot < n; ++slot) {
      const Slot& s = slots_[slot];
      // A stored position that is not valid on the graph (a stale id, a reverse arc that is
      // not the same street) was given no bucket entries; it is not reachable this way either.
      if (!s.used || s.pos.is_node() || !is_valid_position(*graph_, s.pos)) continue;
      if (s.pos.arc() != p.arc() && s.pos.arc() != p.reverse_arc()) continue;
      const Weight street = kSlotsAreSources ? same_street_weight(weights, s.pos, p)
                                             : same_street_weight(weights, p, s.pos);
      result[slot] = std::min(result[slot], street);
    }
  }

 private:
  static constexpr std::uint32_t kNoBucket = UINT32_MAX;
  // One record per (node, slot): what a query reads and what a removal rewrites, together.
  struct Entry {
    std::uint32_t slot;
    Weight dist;
    std::uint32_t back;  // index of this entry in its slot's list
  };
  struct SlotEntry {
    std::uint32_t bucket;
    std::uint32_t pos;  // index in the bucket
  };
  struct Slot {
    bool used = false;
    RoadPosition pos;
    std::vector<SlotEntry> entries;
  };

  const ContractionHierarchy* ch_;
  const RoadGraph* graph_;
  std::vector<std::uint32_t> bucket_of_;  // rank -> bucket, created on first use
  std::vector<std::vector<Entry>> buckets_;
  std::vector<Slot> slots_;
  std::size_t entries_ = 0;
  ChUpwardSearch slot_search_, query_search_;
};

}  // namespace detail
DISPATCHKIT_NAMESPACE_END
