// Search-loop primitives of the CH code: a heap without a position index, and distance
// labels that share a cache line with their timestamp. Internal.
//
// Why not detail::IndexedMinHeap / TimestampedArray: CH searches are tiny (tens to a few
// hundred settled nodes) scattered over a large id space, so their cost is cache misses,
// not comparisons. The indexed heap touches a position array of n entries on every push,
// and a TimestampedArray keeps values and stamps in two arrays: three misses per
// relaxation. A plain binary heap with duplicate entries ("lazy deletion": a popped entry
// whose key exceeds the node's label is stale and skipped) plus a {stamp, dist} label
// touches one line per relaxation.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/types.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {

class ChMinQueue {
 public:
  struct Entry {
    Weight key;
    std::uint32_t id;
  };
  ChMinQueue() : heap_(1024) {}
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] Weight top_key() const noexcept { return heap_[0].key; }
  [[nodiscard]] std::uint32_t top_id() const noexcept { return heap_[0].id; }
  void clear() noexcept { size_ = 0; }
  // Amortised O(log size); allocates only while the heap grows past its largest size so far.
  void push(std::uint32_t id, Weight key) {
    if (size_ + 2 > heap_.size()) heap_.resize(heap_.size() * 2);  // keep pop()'s spare slot
    std::size_t i = size_++;
    Entry* h = heap_.data();
    while (i > 0) {
      const std::size_t parent = (i - 1) / 2;
      if (h[parent].key <= key) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = Entry{key, id};
  }
  // The sift-down picks the smaller child without a branch: a sentinel with an infinite
  // key sits right after the last entry, so every left child has a right sibling to
  // compare with. (A mispredicted child choice on every level made pop() a quarter of
  // a CH query's time.)
  Entry pop() noexcept {
    Entry* h = heap_.data();
    const Entry top = h[0];
    const std::size_t n = --size_;
    const Entry last = h[n];
    h[n] = Entry{kInfWeight, 0};
    std::size_t i = 0;
    for (std::size_t c = 1; c < n; c = 2 * i + 1) {
      c += h[c + 1].key < h[c].key ? 1 : 0;
      if (last.key <= h[c].key) break;
      h[i] = h[c];
      i = c;
    }
    h[i] = last;
    return top;
  }

 private:
  std::vector<Entry> heap_;  // entries [0, size_), then at least one spare slot
  std::size_t size_ = 0;
};

// n distance labels with O(1) reset.
class ChDistLabels {
 public:
  ChDistLabels() = default;
  explicit ChDistLabels(std::uint32_t n) : label_(n, Label{0, kInfWeight}) {}
  [[nodiscard]] std::uint32_t size() const noexcept {
    return static_cast<std::uint32_t>(label_.size());
  }
  [[nodiscard]] Weight get(std::uint32_t i) const noexcept {
    const Label& l = label_[i];
    return l.stamp == now_ ? l.dist : kInfWeight;
  }
  void set(std::uint32_t i, Weight d) noexcept { label_[i] = Label{now_, d}; }
  void reset() noexcept {
    if (++now_ == 0) {
      for (Label& l : label_) l.stamp = 0;
      now_ = 1;
    }
  }

 private:
  struct Label {
    std::uint32_t stamp;
    Weight dist;
  };
  std::vector<Label> label_;
  std::uint32_t now_ = 1;
};

}  // namespace detail
DISPATCHKIT_NAMESPACE_END
