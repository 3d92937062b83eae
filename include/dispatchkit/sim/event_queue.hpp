// dispatchkit/sim/event_queue.hpp: the deterministic clock of a replay.
//
//   EventQueue<MyEvent> events;                  // times are SimTime (triage/time.hpp)
//   events.schedule(t0 + SimDuration(90), MyEvent{...});   // 90 s after t0
//   while (!events.empty()) {
//     auto [time, seq, ev] = events.pop();       // earliest first; ties in schedule order
//     ...
//   }
//   SimRandom rng(/*seed=*/42);
//   double u = rng.uniform01();                  // same value on every platform
//
// A replay must give byte-identical reports for the same inputs and seed, on any
// machine. Two things break that in naive simulators: ties between events at the same
// second (std::priority_queue pops equal keys in an unspecified order) and random
// sampling through <random> distributions (their algorithms are implementation-defined,
// so libstdc++ and libc++ draw different numbers from the same engine). Here ties are
// broken by a sequence number (first scheduled, first popped) and sampling uses
// SplitMix64 (Steele, Lea, Flood 2014) with explicitly written transforms. Nothing
// reads the wall clock.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/hash.hpp"
#include "dispatchkit/triage/time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// A priority queue of timed events. Pop order is (time, sequence number): events at the
// same time come out in the order they were scheduled, so the replay is deterministic.
// Events cannot be cancelled; a simulator that changes its mind (a unit diverted to a
// more urgent call) tags events with a per-unit epoch and ignores stale ones on pop.
//
// Complexity: schedule and pop O(log n). Allocation: only when the queue grows past its
// previous maximum (the vector keeps its capacity). Thread-compatible.
template <class Event>
class EventQueue {
 public:
  struct Scheduled {
    SimTime time{};
    std::uint64_t sequence = 0;
    Event event{};
  };

  // Adds `event` at `time`. Scheduling in the past (before the last popped time) is
  // allowed and the event pops next; a simulator should not need it.
  void schedule(SimTime time, Event event) {
    heap_.push_back(Scheduled{time, next_sequence_++, std::move(event)});
    std::push_heap(heap_.begin(), heap_.end(), Later{});
  }

  // Removes and returns the earliest event. Precondition: !empty().
  Scheduled pop() {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    Scheduled s = std::move(heap_.back());
    heap_.pop_back();
    now_ = s.time;
    return s;
  }
  // The earliest event without removing it. Precondition: !empty().
  [[nodiscard]] const Scheduled& top() const noexcept { return heap_.front(); }

  [[nodiscard]] bool empty() const noexcept { return heap_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return heap_.size(); }
  // Time of the last popped event (the epoch before the first pop).
  [[nodiscard]] SimTime now() const noexcept { return now_; }
  // Events scheduled so far (also the next sequence number).
  [[nodiscard]] std::uint64_t scheduled_count() const noexcept { return next_sequence_; }
  // Forgets all events and restarts the sequence; keeps the capacity.
  void clear() noexcept {
    heap_.clear();
    next_sequence_ = 0;
    now_ = SimTime{};
  }
  void reserve(std::size_t n) { heap_.reserve(n); }

 private:
  // std heap algorithms build a max-heap: "a < b" must mean "a pops after b".
  struct Later {
    bool operator()(const Scheduled& a, const Scheduled& b) const noexcept {
      if (a.time != b.time) return a.time > b.time;
      return a.sequence > b.sequence;
    }
  };
  std::vector<Scheduled> heap_;
  std::uint64_t next_sequence_ = 0;
  SimTime now_{};
};

// Seeded pseudo-random numbers whose values are fixed by this header alone (no
// <random> distributions), so a seed reproduces a replay bit for bit everywhere.
// SplitMix64: a 64-bit counter advanced by the golden gamma and finalised
// (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014).
// Thread-compatible; cheap to copy (one 64-bit state).
class SimRandom {
 public:
  explicit constexpr SimRandom(std::uint64_t seed) noexcept : state_(seed) {}

  // Next 64 random bits.
  constexpr std::uint64_t next() noexcept {
    // detail::splitmix64 adds the gamma itself: this is the reference SplitMix64 sequence.
    const std::uint64_t x = state_;
    state_ += 0x9e3779b97f4a7c15ULL;
    return detail::splitmix64(x);
  }
  // Uniform in [0, 1) with 53 random bits.
  constexpr double uniform01() noexcept {
    return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0);
  }
  // Uniform integer in [0, n) (n > 0), by Lemire's multiply-shift; the tiny bias
  // (< n / 2^64) is irrelevant at the sizes a replay draws from.
  constexpr std::uint64_t below(std::uint64_t n) noexcept {
    __extension__ using U128 = unsigned __int128;  // GCC/Clang; -Wpedantic-clean
    return static_cast<std::uint64_t>((static_cast<U128>(next()) * n) >> 64);
  }
  // Exponential with the given mean (inverse transform; std::log is correctly rounded
  // enough on IEEE platforms for reports to agree).
  double exponential(double mean) noexcept { return -mean * std::log1p(-uniform01()); }
  // One element of a non-empty sample, uniformly (an empirical distribution).
  template <class T>
  const T& pick(std::span<const T> sample) noexcept {
    return sample[static_cast<std::size_t>(below(sample.size()))];
  }
  // An independent stream for a sub-task (e.g. one per simulated call), derived from
  // this stream's seed and `key` without advancing this stream.
  [[nodiscard]] constexpr SimRandom fork(std::uint64_t key) const noexcept {
    return SimRandom(detail::splitmix64(state_ ^ detail::splitmix64(key)));
  }

 private:
  std::uint64_t state_;
};

DISPATCHKIT_NAMESPACE_END
