// dispatchkit/triage/triage_queue.hpp: the calls waiting for a unit, most urgent first.
//
//   TriageQueue queue;                                 // default options (service targets,
//   queue.reserve(10'000);                             //   ageing, duplicate rule)
//   PushResult r = queue.push(call);                   // call: TriageCall (triage/call.hpp)
//   if (r.status == PushStatus::kProbableDuplicate)
//     show_to_call_taker(r.duplicate->id);             // not queued; or push(call, kIgnore)
//   if (const TriageCall* next = queue.peek(now)) ... // who gets the next unit
//   std::optional<TriageCall> c = queue.pop(now);      // next call, now active (dispatched)
//   queue.retriage(id, *DeterminantCode::parse("9-E-1"), PriorityGrade::kI, now);
//   queue.cancel(id);                                  // caller hung up, or duplicate
//   queue.requeue(id);                                 // its unit was taken: back in line
//   queue.close(id);                                   // unit cleared: forget the call
//   std::vector<AtRiskCall> late;
//   queue.calls_at_risk(now, std::chrono::seconds(30), late);  // 3-minute target in danger
//   absl::Status s = queue.save("/var/cad/queue.snapshot");   // nothing lost on restart
//   absl::StatusOr<TriageQueue> back = TriageQueue::restore("/var/cad/queue.snapshot");
//
// ORDER. A waiting call has a base grade g (I..IV), a deadline d = received +
// allowed_wait(g) (ServiceTargets) and an arrival number s. At time `now` its effective
// grade is g, or, once now >= d, one grade more urgent for every `ageing_step` started
// since d, but never above `ageing_ceiling` (default II: a non-urgent call that waited too
// long overtakes fresh urgent calls, never a life-threatening one). The next call is the
// one with the smallest (effective grade, d, s). Equal keys keep arrival order.
//
// HOW, WITHOUT RE-KEYING AS TIME PASSES. Calls are kept in four min-heaps by base grade,
// each ordered by (d, s). Within one base grade the effective grade is a non-increasing
// function of elapsed time since d, hence a monotone function of d at any fixed `now`:
// the call with the smallest (d, s) of a heap also has the smallest (effective grade, d,
// s) of that heap, at every `now`. So the overall next call is the best of the four heap
// tops, compared at `now` - O(1) on top of the heap operations, and nothing is ever
// re-keyed when the clock moves. A fifth heap orders waiting calls by (received, s) for
// the dispatch-target watch list. Each heap writes back every entry's position, so
// re-triage (move between grade heaps), cancel and dispatch-by-id are O(log n).
//
// DUPLICATES. Waiting and active calls with a valid location are kept in a spatial hash
// grid (cells about `radius` wide, an open-addressing table of cells with intrusive
// per-cell lists); a query visits the few cells around the point (3 x 3 typically) and
// checks great-circle distance, time and complaint (triage/duplicates.hpp).
//
// COSTS. push, pop, dispatch, retriage, cancel, requeue, close: O(log n), noexcept, and
// allocation-free while size() <= capacity(); only a push beyond capacity() grows the
// queue (doubling, the one allocation; reserve() to avoid it). peek, find: O(1).
// find_probable_duplicate: O(calls in the nearby cells). calls_at_risk: O(k log k) for k
// calls reported (the age heap is walked only where keys are due).
//
// Thread safety: thread-compatible (const functions may run concurrently; any mutation
// needs exclusive access), like a standard container.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/hash.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/triage/call.hpp"
#include "dispatchkit/triage/detail/queue_index.hpp"
#include "dispatchkit/triage/determinant.hpp"
#include "dispatchkit/triage/duplicates.hpp"
#include "dispatchkit/triage/service_targets.hpp"
#include "dispatchkit/triage/time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct TriageQueueOptions {
  ServiceTargets targets = ServiceTargets::defaults();
  // After its allowed wait, a call becomes one grade more urgent per started step.
  // Zero: straight to the ceiling once overdue.
  SimDuration ageing_step = std::chrono::minutes(3);
  // Ageing never lifts a call above this grade (kI would let any call reach grade I).
  PriorityGrade ageing_ceiling = PriorityGrade::kII;
  DuplicateRule duplicates;
  friend constexpr bool operator==(const TriageQueueOptions&, const TriageQueueOptions&) = default;
};

enum class CallState : std::uint8_t {
  kWaiting = 0,  // in the queue, no unit yet
  kActive = 1,   // a unit is assigned (dispatched); kept for duplicates and snapshots
};

enum class PushStatus : std::uint8_t {
  kQueued = 0,             // the call is waiting
  kProbableDuplicate = 1,  // not queued: see PushResult::duplicate
  kIdInUse = 2,            // not queued: a call with this id is waiting or active
  kInvalidCall = 3,        // not queued: no received time, invalid id, grade or area
};

struct DuplicateMatch {
  CallId id;               // the known call
  CallState state;         // waiting or active
  Meters distance;         // great-circle distance between the two locations
  SimDuration time_apart;  // |received - received|
};

struct PushResult {
  PushStatus status = PushStatus::kQueued;
  std::optional<DuplicateMatch> duplicate;  // set with kProbableDuplicate
  [[nodiscard]] bool queued() const noexcept { return status == PushStatus::kQueued; }
};

// kReport: a probable duplicate is reported and not queued. kIgnore: queue it anyway
// (the call-taker confirmed a separate incident).
enum class DuplicatePolicy : std::uint8_t { kReport, kIgnore };

struct AtRiskCall {
  CallId id;
  SimDuration slack;  // received + dispatch target - now (negative: already missed)
};

class TriageQueue {
 public:
  static constexpr std::uint32_t kSnapshotVersion = 1;

  explicit TriageQueue(const TriageQueueOptions& options = {});

  // Makes room for `calls` waiting + active calls, so that no operation allocates until
  // size() exceeds it. The one function (with a growing push) that allocates.
  void reserve(std::size_t calls);
  [[nodiscard]] std::size_t capacity() const noexcept { return slots_.size(); }

  // Waiting + active calls.
  [[nodiscard]] std::size_t size() const noexcept { return waiting_ + active_; }
  [[nodiscard]] std::size_t waiting_count() const noexcept { return waiting_; }
  [[nodiscard]] std::size_t active_count() const noexcept { return active_; }
  // No call is waiting (active ones may remain).
  [[nodiscard]] bool empty() const noexcept { return waiting_ == 0; }
  [[nodiscard]] const TriageQueueOptions& options() const noexcept { return options_; }

  // Queues a call (state waiting). With DuplicatePolicy::kReport, a probable duplicate
  // of a waiting or active call is reported instead (not queued). The call's clocks must
  // have `received` set (and be consistent()); id valid and unused. O(log n).
  PushResult push(const TriageCall& call,
                  DuplicatePolicy policy = DuplicatePolicy::kReport) noexcept;

  // The waiting call that should get the next unit at `now`, or nullptr. The pointer
  // stays valid until the next mutation. O(1).
  [[nodiscard]] const TriageCall* peek(SimTime now) const noexcept;
  // Removes the next call from the waiting line: it becomes active with
  // clocks.dispatched = now (never earlier than received). nullopt if none waits. O(log n).
  std::optional<TriageCall> pop(SimTime now) noexcept;
  // Same for a given waiting call (a dispatcher serving a call out of order, e.g. when
  // the top call has no suitable unit). False if `id` is not waiting. O(log n).
  bool dispatch(CallId id, SimTime now) noexcept;

  // New determinant code and grade for a waiting or active call (upgrade or downgrade);
  // stamps clocks.triaged = now. A waiting call moves to its new grade's place, keeping
  // its received time and arrival order. False if unknown. O(log n).
  bool retriage(CallId id, const DeterminantCode& code, PriorityGrade grade, SimTime now) noexcept;
  // Removes a waiting or active call entirely. False if unknown. O(log n).
  bool cancel(CallId id) noexcept;
  // An active call whose unit was taken (preemption) or failed goes back to waiting, in
  // its original place (same received time, same arrival order); clocks.dispatched is
  // cleared. False if not active. O(log n).
  bool requeue(CallId id) noexcept;
  // Forgets an active call (its unit cleared). False if not active. O(log n).
  bool close(CallId id) noexcept;
  // Stamps answered, triaged or on_scene (received is fixed at push; dispatched is set
  // by pop/dispatch). False if unknown or for those two milestones. O(1).
  bool stamp(CallId id, Milestone m, SimTime t) noexcept;

  [[nodiscard]] const TriageCall* find(CallId id) const noexcept;
  [[nodiscard]] std::optional<CallState> state(CallId id) const noexcept;
  // Grade a call is ordered by at `now` (base grade raised by ageing). O(1).
  [[nodiscard]] PriorityGrade effective_grade(const TriageCall& call, SimTime now) const noexcept;
  // received + allowed_wait(grade): the call's place within its grade.
  [[nodiscard]] SimTime deadline(const TriageCall& call) const noexcept {
    return call.clocks.received + options_.targets.allowed_wait(call.grade);
  }

  // Appends to `out` every WAITING call whose dispatch target (received + 3 min by
  // default) falls at or before now + margin, most urgent (least slack) first; returns
  // how many. Allocation-free if `out` has the capacity. O(k log k) for k calls found.
  std::size_t calls_at_risk(SimTime now, SimDuration margin, std::vector<AtRiskCall>& out) const;

  // The best probable duplicate (nearest, then closest in time, then oldest) of a call at
  // `where`, received at `received`, with complaint `code`, among waiting and active
  // calls, ignoring `ignore`. nullopt if none, or if `where` is not a valid position.
  [[nodiscard]] std::optional<DuplicateMatch> find_probable_duplicate(
      LatLon where, SimTime received, const DeterminantCode& code,
      CallId ignore = CallId::invalid()) const noexcept;

  // Calls f(const TriageCall&, CallState) for every known call, in no particular order.
  template <class F>
  void for_each_call(F&& f) const {
    for (const Slot& s : slots_)
      if (s.in_use) f(s.call, s.state);
  }

  // ---- Snapshots: nothing lost on restart. ----
  // Binary, little-endian, versioned: "DKTRIAGE", version, options, next arrival number,
  // every call (id, state, arrival number, code, grade, area, location, five clocks),
  // and an FNV-1a 64 checksum of all preceding bytes. restore() rebuilds a queue whose
  // every operation then behaves exactly as the saved one's would.
  [[nodiscard]] std::string serialize() const;
  // Written with write_file_atomically: a crash mid-save keeps the previous snapshot.
  [[nodiscard]] absl::Status save(const std::string& path) const;
  // Rejects, never half-loads: NotFound (no file); FailedPrecondition (another format
  // version); DataLoss (not a snapshot, truncated, trailing bytes, checksum mismatch, or
  // an invalid record), each message naming `source`/the path.
  [[nodiscard]] static absl::StatusOr<TriageQueue> deserialize(std::string_view bytes,
                                                               std::string_view source);
  [[nodiscard]] static absl::StatusOr<TriageQueue> restore(const std::string& path);

  // Heap and index invariants, O(n). For tests and debugging.
  [[nodiscard]] bool check_invariants() const noexcept;

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  struct Slot {
    TriageCall call;
    std::uint64_t seq = 0;
    std::uint64_t cell = 0;
    std::uint32_t next_free = kNone;
    CallState state = CallState::kWaiting;
    bool in_use = false;
    bool indexed = false;  // in the duplicate grid
  };
  // What a duplicate query reads, kept apart from the slots in a dense array so a query
  // walking a crowded cell touches 32 bytes per candidate instead of a whole call.
  struct GridEntry {
    double lat = 0, lon = 0;
    std::int64_t received = 0;
    std::uint32_t prev = kNone, next = kNone;  // the cell's intrusive list
    std::uint8_t complaint = 0;                // MPDS protocol, 0 for none
  };
  [[nodiscard]] static std::uint8_t complaint_of(const DeterminantCode& c) noexcept {
    return static_cast<std::uint8_t>(c.is_mpds() ? c.protocol() : 0);
  }

  [[nodiscard]] std::uint32_t slot_of(CallId id) const noexcept {
    return id.valid() ? ids_.find(id.value()) : kNone;
  }
  [[nodiscard]] detail::SlotHeap& grade_heap(PriorityGrade g) noexcept {
    return grade_heaps_[grade_index(g)];
  }
  [[nodiscard]] std::int64_t deadline_seconds(const Slot& s) const noexcept {
    return to_unix_seconds(deadline(s.call));
  }
  [[nodiscard]] int effective_grade_value(PriorityGrade base, std::int64_t deadline,
                                          std::int64_t now) const noexcept;
  [[nodiscard]] std::uint32_t top_slot(SimTime now) const noexcept;
  void enter_waiting(std::uint32_t slot) noexcept;
  void dispatch_slot(std::uint32_t slot, SimTime now) noexcept;
  void leave_waiting(std::uint32_t slot) noexcept;
  void grid_insert(std::uint32_t slot) noexcept;
  void grid_remove(std::uint32_t slot) noexcept;
  void release(std::uint32_t slot) noexcept;
  [[nodiscard]] std::uint64_t cell_key(std::int64_t row, std::int64_t col) const noexcept;
  [[nodiscard]] std::int64_t grid_row(double lat) const noexcept;
  [[nodiscard]] double row_width_degrees(std::int64_t row) const noexcept;
  [[nodiscard]] static bool valid_call(const TriageCall& c) noexcept;
  // Inserts a call with a given arrival number and state; preconditions checked by caller.
  void insert(const TriageCall& call, std::uint64_t seq, CallState state) noexcept;

  TriageQueueOptions options_;
  double cell_meters_;
  std::vector<Slot> slots_;
  std::uint32_t free_head_ = kNone;
  std::array<detail::SlotHeap, kGradeCount> grade_heaps_;
  detail::SlotHeap age_heap_;  // waiting calls by (received, seq)
  std::vector<std::uint32_t> grade_pos_;
  std::vector<std::uint32_t> age_pos_;
  std::vector<GridEntry> grid_;  // parallel to slots_
  detail::U64SlotMap ids_;       // CallId -> slot
  detail::U64SlotMap cells_;     // grid cell -> first slot of its list
  std::uint64_t next_seq_ = 0;
  std::size_t waiting_ = 0;
  std::size_t active_ = 0;
};

// ---------------------------------------------------------------------------------------
// Implementation.

namespace detail {
// Metres per degree of latitude on the sphere haversine() uses (graph/types.hpp).
inline constexpr double kMetersPerDegree = kMetersPerDegreeLat;
inline constexpr double kMaxGridLatitude = 89.0;  // cells near the poles are capped
}  // namespace detail

inline TriageQueue::TriageQueue(const TriageQueueOptions& options) : options_(options) {
  // A cell at least as wide as the radius keeps every match within the 3 x 3
  // neighbourhood; a floor of 10 m bounds the cell count for a zero radius.
  cell_meters_ = std::max(10.0, options_.duplicates.radius.value());
  if (!std::isfinite(cell_meters_)) cell_meters_ = 1e6;
  reserve(16);
}

inline void TriageQueue::reserve(std::size_t calls) {
  if (calls <= slots_.size()) return;
  const auto old = static_cast<std::uint32_t>(slots_.size());
  slots_.resize(calls);
  grade_pos_.resize(calls, kNone);
  grid_.resize(calls);
  age_pos_.resize(calls, kNone);
  for (detail::SlotHeap& h : grade_heaps_) h.reserve(calls);
  age_heap_.reserve(calls);
  // New slots go to the free list, lowest index first.
  for (std::uint32_t i = static_cast<std::uint32_t>(calls); i-- > old;) {
    slots_[i].next_free = free_head_;
    free_head_ = i;
  }
  ids_.init(calls);
  cells_.init(calls);
  for (std::uint32_t i = 0; i < old; ++i) {
    const Slot& s = slots_[i];
    if (!s.in_use) continue;
    ids_.put(s.call.id.value(), i);
    if (s.indexed && grid_[i].prev == kNone) cells_.put(s.cell, i);
  }
}

inline bool TriageQueue::valid_call(const TriageCall& c) noexcept {
  const auto g = static_cast<unsigned>(c.grade);
  const auto a = static_cast<unsigned>(c.area);
  // Times within +-2^62 s (1.4e11 years) keep every deadline sum free of overflow.
  constexpr std::int64_t kTimeLimit = std::int64_t{1} << 62;
  const std::int64_t r = to_unix_seconds(c.clocks.received);
  return c.id.valid() && g >= 1 && g <= 4 && a < kAreaClassCount && c.clocks.consistent() &&
         !is_set(c.clocks.dispatched) && r > -kTimeLimit && r < kTimeLimit;
}

inline int TriageQueue::effective_grade_value(PriorityGrade base, std::int64_t deadline,
                                              std::int64_t now) const noexcept {
  const int g = static_cast<int>(base);
  const int ceiling = static_cast<int>(options_.ageing_ceiling);
  if (g <= ceiling || now < deadline) return g;
  const std::int64_t step = options_.ageing_step.count();
  // Unsigned difference: exact for any now >= deadline, even at the int64 extremes.
  const std::uint64_t late = static_cast<std::uint64_t>(now) - static_cast<std::uint64_t>(deadline);
  const std::uint64_t levels = step <= 0 ? 4 : 1 + late / static_cast<std::uint64_t>(step);
  if (levels >= 4) return ceiling;
  return std::max(ceiling, g - static_cast<int>(levels));
}

inline PriorityGrade TriageQueue::effective_grade(const TriageCall& call,
                                                  SimTime now) const noexcept {
  return static_cast<PriorityGrade>(
      effective_grade_value(call.grade, to_unix_seconds(deadline(call)), to_unix_seconds(now)));
}

inline std::uint32_t TriageQueue::top_slot(SimTime now) const noexcept {
  // Invariant (see the banner): the top of each base-grade heap is that heap's best call
  // at every `now`; compare the four tops by (effective grade, deadline, seq).
  const std::int64_t t = to_unix_seconds(now);
  std::uint32_t best = kNone;
  int best_grade = 99;
  detail::HeapEntry best_entry{};
  for (std::size_t g = 0; g < kGradeCount; ++g) {
    const detail::SlotHeap& h = grade_heaps_[g];
    if (h.empty()) continue;
    const detail::HeapEntry& e = h.top();
    const int eg = effective_grade_value(static_cast<PriorityGrade>(g + 1), e.primary, t);
    if (best == kNone || eg < best_grade || (eg == best_grade && e < best_entry)) {
      best = e.slot;
      best_grade = eg;
      best_entry = e;
    }
  }
  return best;
}

inline std::uint64_t TriageQueue::cell_key(std::int64_t row, std::int64_t col) const noexcept {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(row)) << 32) |
         static_cast<std::uint32_t>(col);
}
inline std::int64_t TriageQueue::grid_row(double lat) const noexcept {
  return static_cast<std::int64_t>(std::floor(lat * detail::kMetersPerDegree / cell_meters_));
}
inline double TriageQueue::row_width_degrees(std::int64_t row) const noexcept {
  // Wide enough that a cell spans cell_meters_ east-west everywhere in the row: measured
  // at the row's pole-ward edge, where a degree of longitude is shortest.
  const double lo = static_cast<double>(row) * cell_meters_ / detail::kMetersPerDegree;
  const double hi = lo + cell_meters_ / detail::kMetersPerDegree;
  const double edge = std::min(detail::kMaxGridLatitude, std::max(std::fabs(lo), std::fabs(hi)));
  return cell_meters_ / (detail::kMetersPerDegree * std::cos(edge * 3.14159265358979323846 / 180));
}

inline void TriageQueue::grid_insert(std::uint32_t slot) noexcept {
  Slot& s = slots_[slot];
  const LatLon p = s.call.location;
  s.indexed = p.is_valid();
  if (!s.indexed) return;
  const std::int64_t row = grid_row(p.lat);
  const auto col = static_cast<std::int64_t>(std::floor(p.lon / row_width_degrees(row)));
  s.cell = cell_key(row, col);
  const std::uint32_t head = cells_.find(s.cell);
  GridEntry& g = grid_[slot];
  g = GridEntry{p.lat, p.lon, to_unix_seconds(s.call.clocks.received),
                kNone, head,  complaint_of(s.call.code)};  // head: kAbsent == kNone
  if (head != kNone) grid_[head].prev = slot;
  cells_.put(s.cell, slot);
}

inline void TriageQueue::grid_remove(std::uint32_t slot) noexcept {
  Slot& s = slots_[slot];
  if (!s.indexed) return;
  GridEntry& g = grid_[slot];
  if (g.next != kNone) grid_[g.next].prev = g.prev;
  if (g.prev != kNone) {
    grid_[g.prev].next = g.next;
  } else if (g.next != kNone) {
    cells_.put(s.cell, g.next);
  } else {
    cells_.erase(s.cell);
  }
  s.indexed = false;
  g.prev = g.next = kNone;
}

inline void TriageQueue::enter_waiting(std::uint32_t slot) noexcept {
  Slot& s = slots_[slot];
  s.state = CallState::kWaiting;
  grade_heap(s.call.grade).push({deadline_seconds(s), s.seq, slot}, grade_pos_.data());
  age_heap_.push({to_unix_seconds(s.call.clocks.received), s.seq, slot}, age_pos_.data());
  ++waiting_;
}

inline void TriageQueue::leave_waiting(std::uint32_t slot) noexcept {
  Slot& s = slots_[slot];
  grade_heap(s.call.grade).erase_at(grade_pos_[slot], grade_pos_.data());
  age_heap_.erase_at(age_pos_[slot], age_pos_.data());
  grade_pos_[slot] = age_pos_[slot] = kNone;
  --waiting_;
}

inline void TriageQueue::insert(const TriageCall& call, std::uint64_t seq,
                                CallState state) noexcept {
  if (free_head_ == kNone) reserve(std::max<std::size_t>(16, 2 * slots_.size()));
  const std::uint32_t slot = free_head_;
  Slot& s = slots_[slot];
  free_head_ = s.next_free;
  s.call = call;
  s.seq = seq;
  s.in_use = true;
  s.next_free = kNone;
  ids_.put(call.id.value(), slot);
  grid_insert(slot);
  if (state == CallState::kWaiting) {
    enter_waiting(slot);
  } else {
    s.state = CallState::kActive;
    ++active_;
  }
}

inline void TriageQueue::release(std::uint32_t slot) noexcept {
  Slot& s = slots_[slot];
  grid_remove(slot);
  ids_.erase(s.call.id.value());
  s.in_use = false;
  s.next_free = free_head_;
  free_head_ = slot;
}

inline PushResult TriageQueue::push(const TriageCall& call, DuplicatePolicy policy) noexcept {
  if (!valid_call(call)) return {PushStatus::kInvalidCall, std::nullopt};
  if (slot_of(call.id) != kNone) return {PushStatus::kIdInUse, std::nullopt};
  if (policy == DuplicatePolicy::kReport) {
    if (std::optional<DuplicateMatch> d =
            find_probable_duplicate(call.location, call.clocks.received, call.code))
      return {PushStatus::kProbableDuplicate, d};
  }
  insert(call, next_seq_++, CallState::kWaiting);
  return {PushStatus::kQueued, std::nullopt};
}

inline const TriageCall* TriageQueue::peek(SimTime now) const noexcept {
  const std::uint32_t slot = top_slot(now);
  return slot == kNone ? nullptr : &slots_[slot].call;
}

inline void TriageQueue::dispatch_slot(std::uint32_t slot, SimTime now) noexcept {
  leave_waiting(slot);
  Slot& s = slots_[slot];
  s.state = CallState::kActive;
  s.call.clocks.dispatched = std::max(now, s.call.clocks.received);
  ++active_;
}

inline std::optional<TriageCall> TriageQueue::pop(SimTime now) noexcept {
  const std::uint32_t slot = top_slot(now);
  if (slot == kNone) return std::nullopt;
  dispatch_slot(slot, now);
  return slots_[slot].call;
}

inline bool TriageQueue::dispatch(CallId id, SimTime now) noexcept {
  const std::uint32_t slot = slot_of(id);
  if (slot == kNone || slots_[slot].state != CallState::kWaiting) return false;
  dispatch_slot(slot, now);
  return true;
}

inline bool TriageQueue::retriage(CallId id, const DeterminantCode& code, PriorityGrade grade,
                                  SimTime now) noexcept {
  const auto gv = static_cast<unsigned>(grade);
  const std::uint32_t slot = slot_of(id);
  if (slot == kNone || gv < 1 || gv > 4) return false;
  Slot& s = slots_[slot];
  const bool waiting = s.state == CallState::kWaiting;
  if (waiting && grade != s.call.grade) {
    leave_waiting(slot);
    s.call.grade = grade;
    enter_waiting(slot);
  }
  s.call.grade = grade;
  s.call.code = code;
  grid_[slot].complaint = complaint_of(code);
  s.call.clocks.triaged = std::max(now, s.call.clocks.received);
  return true;
}

inline bool TriageQueue::cancel(CallId id) noexcept {
  const std::uint32_t slot = slot_of(id);
  if (slot == kNone) return false;
  if (slots_[slot].state == CallState::kWaiting)
    leave_waiting(slot);
  else
    --active_;
  release(slot);
  return true;
}

inline bool TriageQueue::requeue(CallId id) noexcept {
  const std::uint32_t slot = slot_of(id);
  if (slot == kNone || slots_[slot].state != CallState::kActive) return false;
  --active_;
  slots_[slot].call.clocks.dispatched = kNoTime;
  slots_[slot].call.clocks.on_scene = kNoTime;
  enter_waiting(slot);
  return true;
}

inline bool TriageQueue::close(CallId id) noexcept {
  const std::uint32_t slot = slot_of(id);
  if (slot == kNone || slots_[slot].state != CallState::kActive) return false;
  --active_;
  release(slot);
  return true;
}

inline bool TriageQueue::stamp(CallId id, Milestone m, SimTime t) noexcept {
  const std::uint32_t slot = slot_of(id);
  if (slot == kNone || m == Milestone::kReceived || m == Milestone::kDispatched) return false;
  CallClocks& c = slots_[slot].call.clocks;
  if (t < c.received) return false;
  if (m == Milestone::kOnScene && (!is_set(c.dispatched) || t < c.dispatched)) return false;
  c.set(m, t);
  return true;
}

inline const TriageCall* TriageQueue::find(CallId id) const noexcept {
  const std::uint32_t slot = slot_of(id);
  return slot == kNone ? nullptr : &slots_[slot].call;
}

inline std::optional<CallState> TriageQueue::state(CallId id) const noexcept {
  const std::uint32_t slot = slot_of(id);
  if (slot == kNone) return std::nullopt;
  return slots_[slot].state;
}

inline std::size_t TriageQueue::calls_at_risk(SimTime now, SimDuration margin,
                                              std::vector<AtRiskCall>& out) const {
  // Due when received + dispatch <= now + margin, i.e. received <= limit. Walk the age
  // heap from the root, descending only below entries that are due: every visited entry
  // is either reported or a pruned child of a reported one, so O(k * arity) visits.
  // Each term clamped to +-2^61 s, so the sum cannot overflow on absurd input.
  static constexpr std::int64_t kLim = std::int64_t{1} << 61;
  const auto c = [](std::int64_t v) { return std::clamp(v, -kLim, kLim); };
  const std::int64_t limit =
      c(to_unix_seconds(now)) + c(margin.count()) - c(options_.targets.dispatch().count());
  const std::size_t first = out.size();
  if (age_heap_.empty() || age_heap_.top().primary > limit) return 0;
  // Use the output vector itself as the DFS stack: entries [first, out.size()) that are
  // not yet expanded are expanded in order (breadth-first over the due subtree).
  // Temporarily store heap indices in `slack` before converting.
  out.push_back({CallId(), SimDuration(0)});
  for (std::size_t k = first; k < out.size(); ++k) {
    const auto i = static_cast<std::uint32_t>(out[k].slack.count());
    for (std::uint32_t c = i * detail::SlotHeap::kArity + 1;
         c <= i * detail::SlotHeap::kArity + detail::SlotHeap::kArity && c < age_heap_.size(); ++c)
      if (age_heap_.at(c).primary <= limit) out.push_back({CallId(), SimDuration(c)});
  }
  for (std::size_t k = first; k < out.size(); ++k) {
    const detail::HeapEntry& e = age_heap_.at(static_cast<std::uint32_t>(out[k].slack.count()));
    const Slot& s = slots_[e.slot];
    out[k] = {s.call.id, s.call.slack(ServiceTarget::kDispatch, options_.targets, now)};
  }
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
            [](const AtRiskCall& a, const AtRiskCall& b) {
              return a.slack != b.slack ? a.slack < b.slack : a.id < b.id;
            });
  return out.size() - first;
}

inline std::optional<DuplicateMatch> TriageQueue::find_probable_duplicate(
    LatLon where, SimTime received, const DeterminantCode& code, CallId ignore) const noexcept {
  if (!where.is_valid() || cells_.size() == 0) return std::nullopt;
  const DuplicateRule& rule = options_.duplicates;
  const double radius = rule.radius.value();
  // Longitude half-width of the search: from the haversine formula, a point within d of
  // `where` differs in longitude by at most about d / (R cos(phi_max)); 1% slack.
  const double lat_span = cell_meters_ / detail::kMetersPerDegree;
  const double phi_max = std::min(detail::kMaxGridLatitude, std::fabs(where.lat) + lat_span) *
                         3.14159265358979323846 / 180;
  const double lon_half = 1.01 * cell_meters_ / (detail::kMetersPerDegree * std::cos(phi_max));
  const std::int64_t row0 = grid_row(where.lat);
  const std::int64_t t = to_unix_seconds(received);
  const auto window_s = static_cast<std::uint64_t>(std::max<std::int64_t>(0, rule.window.count()));
  const int complaint = complaint_of(code);
  const double lat_radius_deg = 1.0001 * radius / detail::kMetersPerDegree;
  std::optional<DuplicateMatch> best;
  std::uint64_t best_seq = 0;
  for (std::int64_t row = row0 - 1; row <= row0 + 1; ++row) {
    const double w = row_width_degrees(row);
    const auto c0 = static_cast<std::int64_t>(std::floor((where.lon - lon_half) / w));
    const auto c1 = static_cast<std::int64_t>(std::floor((where.lon + lon_half) / w));
    for (std::int64_t col = c0; col <= c1 && col - c0 < 64; ++col) {
      for (std::uint32_t i = cells_.find(cell_key(row, col)); i != kNone; i = grid_[i].next) {
        const GridEntry& g = grid_[i];
        // Cheap rejections first: time, complaint, then the north-south distance (a
        // lower bound of the great-circle distance), before any trigonometry.
        // Unsigned difference: exact even for absurd query times.
        const std::uint64_t apart_u =
            g.received > t ? static_cast<std::uint64_t>(g.received) - static_cast<std::uint64_t>(t)
                           : static_cast<std::uint64_t>(t) - static_cast<std::uint64_t>(g.received);
        if (apart_u > window_s) continue;
        const auto apart_s = static_cast<std::int64_t>(apart_u);
        if (!rule.compatibility.compatible(complaint, g.complaint)) continue;
        if (std::fabs(g.lat - where.lat) > lat_radius_deg) continue;
        const Meters d = haversine(where, LatLon{g.lat, g.lon});
        if (!(d.value() <= radius)) continue;
        const Slot& s = slots_[i];
        if (s.call.id == ignore) continue;
        const SimDuration apart(apart_s);
        const bool better =
            !best || d < best->distance ||
            (d == best->distance &&
             (apart < best->time_apart || (apart == best->time_apart && s.seq < best_seq)));
        if (better) {
          best = DuplicateMatch{s.call.id, s.state, d, apart};
          best_seq = s.seq;
        }
      }
    }
  }
  return best;
}

inline bool TriageQueue::check_invariants() const noexcept {
  std::size_t waiting = 0, active = 0, in_grid = 0;
  for (std::uint32_t i = 0; i < slots_.size(); ++i) {
    const Slot& s = slots_[i];
    if (!s.in_use) continue;
    if (ids_.find(s.call.id.value()) != i) return false;
    if (s.state == CallState::kWaiting) {
      ++waiting;
      const detail::SlotHeap& h = grade_heaps_[grade_index(s.call.grade)];
      if (grade_pos_[i] >= h.size() || h.at(grade_pos_[i]).slot != i) return false;
      if (h.at(grade_pos_[i]).primary != deadline_seconds(s)) return false;
      if (age_pos_[i] >= age_heap_.size() || age_heap_.at(age_pos_[i]).slot != i) return false;
    } else {
      ++active;
    }
    if (s.indexed) {
      ++in_grid;
      // Walk back to the head of its cell list; the cell table must point at it.
      std::uint32_t head = i;
      for (std::size_t steps = 0; grid_[head].prev != kNone; ++steps) {
        if (steps > slots_.size()) return false;
        head = grid_[head].prev;
      }
      const GridEntry& g = grid_[i];
      if (g.complaint != complaint_of(s.call.code) ||
          g.received != to_unix_seconds(s.call.clocks.received))
        return false;
      if (cells_.find(s.cell) != head) return false;
    }
  }
  std::size_t heap_total = 0;
  for (const detail::SlotHeap& h : grade_heaps_) {
    if (!h.valid(grade_pos_.data())) return false;
    heap_total += h.size();
  }
  (void)in_grid;
  return waiting == waiting_ && active == active_ && heap_total == waiting_ &&
         age_heap_.size() == waiting_ && age_heap_.valid(age_pos_.data()) &&
         ids_.size() == waiting_ + active_;
}

// ---- Snapshots ----

namespace detail {
inline constexpr std::string_view kSnapshotMagic = "DKTRIAGE";
// Fixed sizes: header (magic, version, flags) + options + next_seq + count, and a record.
inline constexpr std::size_t kSnapshotOptionsBytes =
    8 * (2 + kAreaClassCount * kGradeCount + kGradeCount + 1) + 1 + 8 + 8 +
    8 * ComplaintCompatibility::kSize;
inline constexpr std::size_t kSnapshotHeaderBytes = 8 + 4 + 4 + kSnapshotOptionsBytes + 8 + 8;
inline constexpr std::size_t kSnapshotRecordBytes = 8 + 1 + 8 +
                                                    (4 + 1 + DeterminantCode::kMaxLocalLength + 1) +
                                                    1 + 1 + 8 + 8 + 8 * kMilestoneCount;

class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) u8(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) u8(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void f64(double v) {
    std::uint64_t bits;
    std::memcpy(&bits, &v, 8);
    u64(bits);
  }
  void bytes(const char* p, std::size_t n) { out_.append(p, n); }

 private:
  std::string& out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  std::uint8_t u8() noexcept { return static_cast<std::uint8_t>(in_[pos_++]); }
  std::uint32_t u32() noexcept {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= std::uint32_t{u8()} << (8 * i);
    return v;
  }
  std::uint64_t u64() noexcept {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= std::uint64_t{u8()} << (8 * i);
    return v;
  }
  std::int64_t i64() noexcept { return static_cast<std::int64_t>(u64()); }
  double f64() noexcept {
    const std::uint64_t bits = u64();
    double v;
    std::memcpy(&v, &bits, 8);
    return v;
  }
  void bytes(char* p, std::size_t n) noexcept {
    std::memcpy(p, in_.data() + pos_, n);
    pos_ += n;
  }
  [[nodiscard]] std::size_t position() const noexcept { return pos_; }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

[[nodiscard]] inline std::uint64_t snapshot_checksum(std::string_view bytes) noexcept {
  Fnv64 h;
  h.add_bytes(bytes.data(), bytes.size());
  return h.value();
}
}  // namespace detail

inline std::string TriageQueue::serialize() const {
  std::string out;
  out.reserve(detail::kSnapshotHeaderBytes + size() * detail::kSnapshotRecordBytes + 8);
  detail::ByteWriter w(out);
  w.bytes(detail::kSnapshotMagic.data(), detail::kSnapshotMagic.size());
  w.u32(kSnapshotVersion);
  w.u32(0);  // flags, reserved
  const ServiceTargets& t = options_.targets;
  w.i64(t.answer().count());
  w.i64(t.dispatch().count());
  for (std::size_t a = 0; a < kAreaClassCount; ++a)
    for (std::size_t g = 0; g < kGradeCount; ++g)
      w.i64(t.response(static_cast<AreaClass>(a), static_cast<PriorityGrade>(g + 1)).count());
  for (std::size_t g = 0; g < kGradeCount; ++g)
    w.i64(t.allowed_wait(static_cast<PriorityGrade>(g + 1)).count());
  w.i64(options_.ageing_step.count());
  w.u8(static_cast<std::uint8_t>(options_.ageing_ceiling));
  w.f64(options_.duplicates.radius.value());
  w.i64(options_.duplicates.window.count());
  for (int p = 0; p < ComplaintCompatibility::kSize; ++p)
    w.u64(options_.duplicates.compatibility.row(p));
  w.u64(next_seq_);
  w.u64(size());
  // Records in arrival order, so equal queues give byte-identical snapshots.
  std::vector<std::uint32_t> order;
  order.reserve(size());
  for (std::uint32_t i = 0; i < slots_.size(); ++i)
    if (slots_[i].in_use) order.push_back(i);
  std::sort(order.begin(), order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return slots_[a].seq < slots_[b].seq; });
  for (std::uint32_t i : order) {
    const Slot& s = slots_[i];
    w.u64(s.call.id.value());
    w.u8(static_cast<std::uint8_t>(s.state));
    w.u64(s.seq);
    const DeterminantCode::Raw r = s.call.code.raw();
    w.u8(r.kind);
    w.u8(r.protocol);
    w.u8(r.level);
    w.u8(r.sub);
    w.u8(static_cast<std::uint8_t>(r.suffix));
    w.bytes(r.local.data(), r.local.size());
    w.u8(static_cast<std::uint8_t>(s.call.grade));
    w.u8(static_cast<std::uint8_t>(s.call.area));
    w.f64(s.call.location.lat);
    w.f64(s.call.location.lon);
    for (std::size_t m = 0; m < kMilestoneCount; ++m)
      w.i64(to_unix_seconds(s.call.clocks.at(static_cast<Milestone>(m))));
  }
  w.u64(detail::snapshot_checksum(out));
  return out;
}

inline absl::Status TriageQueue::save(const std::string& path) const {
  return write_file_atomically(path, serialize());
}

inline absl::StatusOr<TriageQueue> TriageQueue::deserialize(std::string_view bytes,
                                                            std::string_view source) {
  const auto src = detail::as_absl(source);
  const auto loss = [&](auto&&... parts) {
    return absl::DataLossError(absl::StrCat(src, ": triage snapshot ", parts...));
  };
  if (bytes.size() < 16 || bytes.substr(0, 8) != detail::kSnapshotMagic)
    return loss("expected: the file does not start with \"DKTRIAGE\"");
  detail::ByteReader r(bytes);
  char magic[8];
  r.bytes(magic, 8);
  const std::uint32_t version = r.u32();
  if (version != kSnapshotVersion)
    return absl::FailedPreconditionError(
        absl::StrCat(src, ": triage snapshot format version ", version,
                     " cannot be read by this dispatchkit (reads version ", kSnapshotVersion, ")"));
  if (bytes.size() < detail::kSnapshotHeaderBytes + 8)
    return loss("truncated: ", bytes.size(), " bytes, the header alone needs ",
                detail::kSnapshotHeaderBytes + 8);
  // The record count sits just before the first record.
  detail::ByteReader count_reader(bytes.substr(detail::kSnapshotHeaderBytes - 8));
  const std::uint64_t count = count_reader.u64();
  const std::uint64_t max_count =
      (bytes.size() - detail::kSnapshotHeaderBytes - 8) / detail::kSnapshotRecordBytes;
  if (count > max_count)
    return loss("truncated: header announces ", count, " calls but the file holds at most ",
                max_count, " (", bytes.size(), " bytes)");
  const std::size_t expected =
      detail::kSnapshotHeaderBytes + count * detail::kSnapshotRecordBytes + 8;
  if (bytes.size() != expected)
    return loss("has ", bytes.size() - expected, " unexpected trailing bytes (expected ", expected,
                " bytes for ", count, " calls)");
  detail::ByteReader tail(bytes.substr(expected - 8));
  const std::uint64_t stored = tail.u64();
  const std::uint64_t actual = detail::snapshot_checksum(bytes.substr(0, expected - 8));
  if (stored != actual)
    return loss("is corrupt: checksum mismatch (stored ", absl::Hex(stored), ", computed ",
                absl::Hex(actual), ")");

  // The bytes are what was written; still validate every value, so that a snapshot made
  // by a buggy writer is rejected rather than breaking the queue's invariants.
  r.u32();  // flags
  TriageQueueOptions o;
  ServiceTargets& t = o.targets;
  const auto duration = [&](SimDuration& d) -> bool {
    d = SimDuration(r.i64());
    return d >= SimDuration::zero();
  };
  bool ok = true;
  SimDuration d;
  ok &= duration(d);
  t.set_answer(d);
  ok &= duration(d);
  t.set_dispatch(d);
  for (std::size_t a = 0; a < kAreaClassCount; ++a)
    for (std::size_t g = 0; g < kGradeCount; ++g) {
      ok &= duration(d);
      t.set_response(static_cast<AreaClass>(a), static_cast<PriorityGrade>(g + 1), d);
    }
  for (std::size_t g = 0; g < kGradeCount; ++g) {
    ok &= duration(d);
    t.set_allowed_wait(static_cast<PriorityGrade>(g + 1), d);
  }
  ok &= duration(o.ageing_step);
  const std::uint8_t ceiling = r.u8();
  ok &= ceiling >= 1 && ceiling <= 4;
  o.ageing_ceiling = static_cast<PriorityGrade>(ceiling);
  const double radius = r.f64();
  ok &= std::isfinite(radius) && radius >= 0;
  o.duplicates.radius = Meters(radius);
  ok &= duration(o.duplicates.window);
  std::array<std::uint64_t, ComplaintCompatibility::kSize> rows{};
  for (auto& row : rows) row = r.u64();
  o.duplicates.compatibility = ComplaintCompatibility::from_rows(rows);
  if (!ok) return loss("has invalid options (negative duration, grade or radius)");
  const std::uint64_t next_seq = r.u64();
  r.u64();  // count, read above

  TriageQueue q(o);
  q.reserve(std::max<std::size_t>(16, count));
  std::uint64_t prev_seq = 0;
  for (std::uint64_t k = 0; k < count; ++k) {
    TriageCall c;
    c.id = CallId(r.u64());
    const std::uint8_t state = r.u8();
    const std::uint64_t seq = r.u64();
    DeterminantCode::Raw raw{};
    raw.kind = r.u8();
    raw.protocol = r.u8();
    raw.level = r.u8();
    raw.sub = r.u8();
    raw.suffix = static_cast<char>(r.u8());
    r.bytes(raw.local.data(), raw.local.size());
    const std::uint8_t grade = r.u8();
    const std::uint8_t area = r.u8();
    c.location.lat = r.f64();
    c.location.lon = r.f64();
    for (std::size_t m = 0; m < kMilestoneCount; ++m)
      c.clocks.set(static_cast<Milestone>(m), sim_time_from_unix(r.i64()));
    const std::optional<DeterminantCode> code = DeterminantCode::from_raw(raw);
    const auto bad = [&](std::string_view why) {
      return loss("record ", k + 1, " of ", count, " (call ", c.id.value(),
                  "): ", detail::as_absl(why));
    };
    if (!code) return bad("invalid determinant code");
    c.code = *code;
    if (grade < 1 || grade > 4) return bad("grade out of range");
    c.grade = static_cast<PriorityGrade>(grade);
    if (area >= kAreaClassCount) return bad("area class out of range");
    c.area = static_cast<AreaClass>(area);
    if (state > 1) return bad("state out of range");
    if (!c.id.valid()) return bad("invalid call id");
    if (!c.clocks.consistent()) return bad("inconsistent clocks");
    if ((state == 0) == is_set(c.clocks.dispatched))
      return bad("a waiting call must not, and an active one must, have a dispatch time");
    if (seq >= next_seq) return bad("arrival number beyond the queue's counter");
    if (k > 0 && seq <= prev_seq)
      return bad("arrival numbers out of order (the writer sorts them)");
    prev_seq = seq;
    if (q.slot_of(c.id) != kNone) return bad("duplicate call id");
    q.insert(c, seq, static_cast<CallState>(state));
  }
  q.next_seq_ = next_seq;
  return q;
}

inline absl::StatusOr<TriageQueue> TriageQueue::restore(const std::string& path) {
  DK_ASSIGN_OR_RETURN(std::string bytes, read_file(path));
  return deserialize(bytes, path);
}

DISPATCHKIT_NAMESPACE_END
