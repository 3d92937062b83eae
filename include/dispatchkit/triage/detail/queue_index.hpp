// Building blocks of TriageQueue. Internal.
//
// - `U64SlotMap`: an open-addressing hash map uint64 -> uint32 (linear probing, deletion
//   by backward shift so no tombstones accumulate: a long-running CAD queue with millions
//   of push/cancel never degrades or rehashes). Fixed capacity chosen by init(): no
//   allocation afterwards.
// - `SlotHeap`: a 4-ary min-heap of (primary, seq, slot) entries that writes each entry's
//   position into an external array, so any slot can be erased or re-keyed in O(log n).
//   4-ary rather than binary: half the depth, and the four children share a cache line
//   pair (LaMarca & Ladner, "The influence of caches on the performance of heaps", 1996).
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/hash.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {

class U64SlotMap {
 public:
  static constexpr std::uint32_t kAbsent = UINT32_MAX;

  // Room for `expected` keys at load factor <= 1/2. Discards the contents.
  void init(std::size_t expected) {
    std::size_t cap = 16;
    while (cap < 2 * expected) cap *= 2;
    keys_.assign(cap, 0);
    values_.assign(cap, kAbsent);
    mask_ = cap - 1;
    size_ = 0;
  }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return keys_.size() / 2; }

  [[nodiscard]] std::uint32_t find(std::uint64_t key) const noexcept {
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      if (values_[i] == kAbsent) return kAbsent;
      if (keys_[i] == key) return values_[i];
    }
  }
  // Inserts or overwrites. Precondition: size() < capacity() or key present.
  void put(std::uint64_t key, std::uint32_t value) noexcept {
    std::size_t i = home(key);
    for (; values_[i] != kAbsent; i = (i + 1) & mask_) {
      if (keys_[i] == key) {
        values_[i] = value;
        return;
      }
    }
    keys_[i] = key;
    values_[i] = value;
    ++size_;
  }
  bool erase(std::uint64_t key) noexcept {
    std::size_t i = home(key);
    for (;; i = (i + 1) & mask_) {
      if (values_[i] == kAbsent) return false;
      if (keys_[i] == key) break;
    }
    // Backward-shift deletion (Knuth TAOCP 6.4, Algorithm R): move later members of the
    // probe run into the hole whenever their home does not lie cyclically in (hole, j].
    std::size_t hole = i;
    for (std::size_t j = (i + 1) & mask_; values_[j] != kAbsent; j = (j + 1) & mask_) {
      const std::size_t h = home(keys_[j]);
      const bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
      if (stays) continue;
      keys_[hole] = keys_[j];
      values_[hole] = values_[j];
      hole = j;
    }
    values_[hole] = kAbsent;
    --size_;
    return true;
  }

 private:
  [[nodiscard]] std::size_t home(std::uint64_t key) const noexcept {
    return static_cast<std::size_t>(splitmix64(key)) & mask_;
  }
  std::vector<std::uint64_t> keys_;
  std::vector<std::uint32_t> values_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

struct HeapEntry {
  std::int64_t primary;  // deadline (grade heaps) or received time (age heap), seconds
  std::uint64_t seq;     // arrival order: the tie-break that keeps equal keys FIFO
  std::uint32_t slot;
  [[nodiscard]] friend constexpr bool operator<(const HeapEntry& a, const HeapEntry& b) noexcept {
    return a.primary != b.primary ? a.primary < b.primary : a.seq < b.seq;
  }
};

class SlotHeap {
 public:
  static constexpr std::uint32_t kArity = 4;
  void reserve(std::size_t n) { heap_.reserve(n); }
  void clear() noexcept { heap_.clear(); }
  [[nodiscard]] bool empty() const noexcept { return heap_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return heap_.size(); }
  [[nodiscard]] const HeapEntry& top() const noexcept { return heap_[0]; }
  [[nodiscard]] const HeapEntry& at(std::uint32_t i) const noexcept { return heap_[i]; }

  // `pos[slot]` receives the entry's index, kept up to date by every operation.
  // Allocation-free while size() < the reserved capacity.
  void push(HeapEntry e, std::uint32_t* pos) noexcept {
    heap_.push_back(e);
    sift_up(static_cast<std::uint32_t>(heap_.size() - 1), pos);
  }
  // Removes the entry at index i (pos of its slot).
  void erase_at(std::uint32_t i, std::uint32_t* pos) noexcept {
    const std::uint32_t last = static_cast<std::uint32_t>(heap_.size() - 1);
    if (i != last) {
      const HeapEntry moved = heap_[last];
      const bool up = moved < heap_[i];
      heap_[i] = moved;
      pos[moved.slot] = i;
      heap_.pop_back();
      if (up)
        sift_up(i, pos);
      else
        sift_down(i, pos);
    } else {
      heap_.pop_back();
    }
  }
  // Is the heap property intact and every pos[] right? O(n), for tests.
  [[nodiscard]] bool valid(const std::uint32_t* pos) const noexcept {
    for (std::uint32_t i = 0; i < heap_.size(); ++i) {
      if (pos[heap_[i].slot] != i) return false;
      if (i > 0 && heap_[i] < heap_[(i - 1) / kArity]) return false;
    }
    return true;
  }

 private:
  void sift_up(std::uint32_t i, std::uint32_t* pos) noexcept {
    const HeapEntry e = heap_[i];
    while (i > 0) {
      const std::uint32_t parent = (i - 1) / kArity;
      if (!(e < heap_[parent])) break;
      heap_[i] = heap_[parent];
      pos[heap_[i].slot] = i;
      i = parent;
    }
    heap_[i] = e;
    pos[e.slot] = i;
  }
  void sift_down(std::uint32_t i, std::uint32_t* pos) noexcept {
    const HeapEntry e = heap_[i];
    const auto n = static_cast<std::uint32_t>(heap_.size());
    for (;;) {
      const std::uint32_t first = i * kArity + 1;
      if (first >= n) break;
      std::uint32_t best = first;
      const std::uint32_t end = first + kArity < n ? first + kArity : n;
      for (std::uint32_t c = first + 1; c < end; ++c)
        if (heap_[c] < heap_[best]) best = c;
      if (!(heap_[best] < e)) break;
      heap_[i] = heap_[best];
      pos[heap_[i].slot] = i;
      i = best;
    }
    heap_[i] = e;
    pos[e.slot] = i;
  }
  std::vector<HeapEntry> heap_;
};

}  // namespace detail
DISPATCHKIT_NAMESPACE_END
