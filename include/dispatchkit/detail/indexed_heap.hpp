// Search-loop building blocks shared by Dijkstra, CH and CCH. Internal.
//
// - `IndexedMinHeap`: a 4-ary min-heap of (id, key) with decrease-key, sized once for
//   n ids; no allocation after construction; clear() costs O(entries left).
// - `TimestampedArray`: n values with O(1) reset ("all back to the default") by bumping
//   a generation counter, as in RoutingKit's timestamp_flag; a full wipe happens once
//   every 2^32 resets.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "dispatchkit/config.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {

template <class Key = std::uint32_t>
class IndexedMinHeap {
 public:
  IndexedMinHeap() = default;
  explicit IndexedMinHeap(std::uint32_t id_count) : pos_(id_count, kAbsent) {
    heap_.reserve(id_count);  // never reallocates: pushes are noexcept
  }
  [[nodiscard]] std::uint32_t id_count() const noexcept {
    return static_cast<std::uint32_t>(pos_.size());
  }
  [[nodiscard]] bool empty() const noexcept { return heap_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return heap_.size(); }
  [[nodiscard]] bool contains(std::uint32_t id) const noexcept { return pos_[id] != kAbsent; }
  [[nodiscard]] Key key_of(std::uint32_t id) const noexcept { return heap_[pos_[id]].key; }
  [[nodiscard]] std::pair<std::uint32_t, Key> top() const noexcept {
    return {heap_[0].id, heap_[0].key};
  }
  [[nodiscard]] Key top_key() const noexcept { return heap_[0].key; }

  // Inserts `id` or lowers its key; a higher key is ignored. Returns true if changed.
  // Allocation-free once the heap has grown to its working size (the vector keeps
  // its capacity across clear()).
  bool push_or_decrease(std::uint32_t id, Key key) noexcept {
    std::uint32_t p = pos_[id];
    if (p == kAbsent) {
      p = static_cast<std::uint32_t>(heap_.size());
      heap_.push_back(Entry{id, key});
    } else if (key < heap_[p].key) {
      heap_[p].key = key;
    } else {
      return false;
    }
    sift_up(p);
    return true;
  }

  std::pair<std::uint32_t, Key> pop() noexcept {
    const Entry top = heap_[0];
    pos_[top.id] = kAbsent;
    const Entry last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) {
      heap_[0] = last;
      pos_[last.id] = 0;
      sift_down(0);
    }
    return {top.id, top.key};
  }

  void clear() noexcept {
    for (const Entry& e : heap_) pos_[e.id] = kAbsent;
    heap_.clear();
  }

 private:
  static constexpr std::uint32_t kAbsent = UINT32_MAX;
  static constexpr std::uint32_t kArity = 4;
  struct Entry {
    std::uint32_t id;
    Key key;
  };
  void sift_up(std::uint32_t p) noexcept {
    const Entry e = heap_[p];
    while (p > 0) {
      const std::uint32_t parent = (p - 1) / kArity;
      if (!(e.key < heap_[parent].key)) break;
      heap_[p] = heap_[parent];
      pos_[heap_[p].id] = p;
      p = parent;
    }
    heap_[p] = e;
    pos_[e.id] = p;
  }
  void sift_down(std::uint32_t p) noexcept {
    const Entry e = heap_[p];
    const auto n = static_cast<std::uint32_t>(heap_.size());
    for (;;) {
      const std::uint32_t first_child = p * kArity + 1;
      if (first_child >= n) break;
      std::uint32_t best = first_child;
      const std::uint32_t last_child = std::min(first_child + kArity, n);
      for (std::uint32_t c = first_child + 1; c < last_child; ++c)
        if (heap_[c].key < heap_[best].key) best = c;
      if (!(heap_[best].key < e.key)) break;
      heap_[p] = heap_[best];
      pos_[heap_[p].id] = p;
      p = best;
    }
    heap_[p] = e;
    pos_[e.id] = p;
  }
  std::vector<Entry> heap_;
  std::vector<std::uint32_t> pos_;
};

template <class T>
class TimestampedArray {
 public:
  TimestampedArray() = default;
  TimestampedArray(std::uint32_t size, T default_value)
      : value_(size, default_value), stamp_(size, 0), default_(default_value) {}
  [[nodiscard]] std::uint32_t size() const noexcept {
    return static_cast<std::uint32_t>(value_.size());
  }
  [[nodiscard]] T get(std::uint32_t i) const noexcept {
    return stamp_[i] == now_ ? value_[i] : default_;
  }
  [[nodiscard]] bool is_set(std::uint32_t i) const noexcept { return stamp_[i] == now_; }
  void set(std::uint32_t i, T v) noexcept {
    value_[i] = v;
    stamp_[i] = now_;
  }
  // Every entry back to the default, in O(1) (amortised).
  void reset() noexcept {
    if (++now_ == 0) {
      std::fill(stamp_.begin(), stamp_.end(), 0u);
      now_ = 1;
    }
  }

 private:
  std::vector<T> value_;
  std::vector<std::uint32_t> stamp_;
  T default_{};
  std::uint32_t now_ = 1;
};

}  // namespace detail
DISPATCHKIT_NAMESPACE_END
