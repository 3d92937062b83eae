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
  ChMinQueue() { heap_.reserve(1024); }
  [[nodiscard]] bool empty() const noexcept { return heap_.empty(); }
  [[nodiscard]] Weight top_key() const noexcept { return heap_[0].key; }
  void clear() noexcept { heap_.clear(); }
  // Amortised O(log size); allocates only while the heap grows past its largest size so far.
  void push(std::uint32_t id, Weight key) {
    std::size_t i = heap_.size();
    heap_.push_back(Entry{key, id});
    while (i > 0) {
      const std::size_t parent = (i - 1) / 2;
      if (heap_[parent].key <= key) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = Entry{key, id};
  }
  Entry pop() noexcept {
    const Entry top = heap_[0];
    const Entry last = heap_.back();
    heap_.pop_back();
    const std::size_t n = heap_.size();
    if (n != 0) {
      std::size_t i = 0;
      for (;;) {
        std::size_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && heap_[c + 1].key < heap_[c].key) ++c;
        if (last.key <= heap_[c].key) break;
        heap_[i] = heap_[c];
        i = c;
      }
      heap_[i] = last;
    }
    return top;
  }

 private:
  std::vector<Entry> heap_;
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
