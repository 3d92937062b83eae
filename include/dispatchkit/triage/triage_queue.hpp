// dispatchkit/triage/triage_queue.hpp: the calls waiting for a unit, most urgent first.
//
//   TriageQueue queue;                                 // default options (service targets,
//   queue.reserve(10'000);                             //   ageing, duplicate rule); allocates
//   PushResult r = queue.push(call);                   // call: TriageCall (triage/call.hpp)
//   if (r.status == PushStatus::kProbableDuplicate)
//     show_to_call_taker(r.duplicate->id);             // not queued; or push(call, kIgnore)
//   if (r.status == PushStatus::kCapacityReached)      // full: nothing changed; grow (may
//     queue.reserve(2 * queue.capacity());             //   throw std::bad_alloc), push again
//   if (const TriageCall* next = queue.peek(now)) ... // who gets the next unit
//   std::optional<TriageCall> c = queue.pop(now);      // next call, now active (dispatched)
//   queue.retriage(id, *DeterminantCode::parse("9-E-1"), PriorityGrade::kI, now);
//   queue.cancel(id);                                  // caller hung up, or duplicate
//   queue.requeue(id);                                 // its unit was taken: back in line
//   queue.close(id);                                   // unit cleared: forget the call
//   std::array<AtRiskCall, 32> late;                   // 3-minute target in danger:
//   std::size_t n = queue.calls_at_risk_into(now, std::chrono::seconds(30), late);
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
// grid (triage/detail/duplicate_grid.hpp: cells about `radius` wide); a query visits the
// few cells around the point (3 x 3 typically) and checks great-circle distance, time and
// complaint (triage/duplicates.hpp).
//
// CAPACITY: A FIXED MEMORY BUDGET. The queue holds at most capacity() calls (waiting +
// active). Only the constructor and reserve() allocate its storage; a push on a full
// queue is refused with PushStatus::kCapacityReached and changes nothing. The caller
// decides: grow with reserve() (which may throw std::bad_alloc, leaving the queue as it
// was), shed load, or raise an alarm. No queue operation can fail on allocation and end
// the process. A CAD sizes the queue at start-up for its worst day (a 10,000-call
// reserve takes 3.6 MB).
//
// COSTS. push, pop, dispatch, retriage, cancel, requeue, close: O(log n), noexcept,
// allocation-free. peek, find, stamp: O(1). find_probable_duplicate: O(calls in the nearby
// cells). calls_at_risk_into: O(k log m) for k calls due and m = out.size(), noexcept,
// allocation-free (the age heap is walked only where keys are due); calls_at_risk (vector)
// O(k log k). The calls that allocate: the constructor, reserve(), calls_at_risk with a
// vector lacking the capacity, and the snapshot functions (serialize, save, deserialize,
// restore). tests/triage/allocation_test.cpp pins the others at zero allocations.
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
#include <span>
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
#include "dispatchkit/triage/detail/duplicate_grid.hpp"
#include "dispatchkit/triage/detail/queue_index.hpp"
#include "dispatchkit/triage/determinant.hpp"
#include "dispatchkit/triage/duplicates.hpp"
#include "dispatchkit/triage/service_targets.hpp"
#include "dispatchkit/triage/time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

namespace detail {
struct TriageSnapshotCodec;
}  // namespace detail

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
  kCapacityReached = 4,    // not queued: size() == capacity(); reserve() and push again
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
  // 2: the io/container.hpp layout with the capacity (1: dispatchkit 0.1, no longer read).
  static constexpr std::uint32_t kSnapshotVersion = 2;

  explicit TriageQueue(const TriageQueueOptions& options = {});

  // Makes room for `calls` waiting + active calls (never shrinks). The one operation that
  // allocates after construction; O(capacity). Strong guarantee: if an allocation fails
  // (std::bad_alloc) the queue is unchanged, capacity() included.
  void reserve(std::size_t calls);
  // Calls (waiting + active) the queue holds without allocating; 16 after construction.
  [[nodiscard]] std::size_t capacity() const noexcept { return slots_.size(); }
  // size() == capacity(): the next push is refused with kCapacityReached.
  [[nodiscard]] bool full() const noexcept { return free_head_ == kNone; }

  // Waiting + active calls.
  [[nodiscard]] std::size_t size() const noexcept { return waiting_ + active_; }
  [[nodiscard]] std::size_t waiting_count() const noexcept { return waiting_; }
  [[nodiscard]] std::size_t active_count() const noexcept { return active_; }
  // No call is waiting (active ones may remain).
  [[nodiscard]] bool empty() const noexcept { return waiting_ == 0; }
  [[nodiscard]] const TriageQueueOptions& options() const noexcept { return options_; }

  // Queues a call (state waiting). With DuplicatePolicy::kReport, a probable duplicate
  // of a waiting or active call is reported instead (not queued). The call's clocks must
  // have `received` set (and be consistent()); id valid and unused. On a full queue the
  // call is refused (kCapacityReached, checked after validity, id and duplicates) and
  // nothing changes. O(log n), never allocates.
  PushResult push(const TriageCall& call,
                  DuplicatePolicy policy = DuplicatePolicy::kReport) noexcept;

  // The waiting call that should get the next unit at `now`, or nullptr. The pointer
  // stays valid until the next mutation. O(1).
  [[nodiscard]] const TriageCall* peek(SimTime now) const noexcept;
  // Removes the next call from the waiting line: it becomes active with
  // clocks.dispatched = now (never earlier than received; a `now` beyond kClockLimit,
  // triage/time.hpp, is stamped as the limit). nullopt if none waits. O(log n).
  std::optional<TriageCall> pop(SimTime now) noexcept;
  // Same for a given waiting call (a dispatcher serving a call out of order, e.g. when
  // the top call has no suitable unit). False if `id` is not waiting. O(log n).
  bool dispatch(CallId id, SimTime now) noexcept;

  // New determinant code and grade for a waiting or active call (upgrade or downgrade);
  // stamps clocks.triaged = now (clamped as pop() does). A waiting call moves to its new grade's
  // place, keeping its received time and arrival order. False if unknown. O(log n).
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
  // by pop/dispatch). False if unknown, for those two milestones, or for a time before
  // received or beyond kClockLimit (triage/time.hpp: a snapshot could not restore it). O(1).
  bool stamp(CallId id, Milestone m, SimTime t) noexcept;

  [[nodiscard]] const TriageCall* find(CallId id) const noexcept;
  [[nodiscard]] std::optional<CallState> state(CallId id) const noexcept;
  // Grade a call is ordered by at `now` (base grade raised by ageing). O(1).
  [[nodiscard]] PriorityGrade effective_grade(const TriageCall& call, SimTime now) const noexcept;
  // received + allowed_wait(grade): the call's place within its grade.
  [[nodiscard]] SimTime deadline(const TriageCall& call) const noexcept {
    return call.clocks.received + options_.targets.allowed_wait(call.grade);
  }

  // The WAITING calls whose dispatch target (received + 3 min by default) falls at or
  // before now + margin: writes the min(k, out.size()) most urgent of them (least slack,
  // then lowest id) to the front of `out`, in that order, and returns k, the number of
  // such calls (k > out.size(): the list was cut). O(k log out.size()), allocation-free.
  [[nodiscard]] std::size_t calls_at_risk_into(SimTime now, SimDuration margin,
                                               std::span<AtRiskCall> out) const noexcept;
  // Convenience form: appends all k calls to `out`, most urgent first; returns k.
  // ALLOCATES when `out` lacks the capacity (may throw std::bad_alloc). O(k log k).
  std::size_t calls_at_risk(SimTime now, SimDuration margin, std::vector<AtRiskCall>& out) const;

  // The best probable duplicate (nearest, then closest in time, then oldest) of a call at
  // `where`, received at `received`, with complaint `code`, among waiting and active
  // calls, ignoring `ignore`. nullopt if none, or if `where` is not a valid position.
  [[nodiscard]] std::optional<DuplicateMatch> find_probable_duplicate(
      LatLon where, SimTime received, const DeterminantCode& code,
      CallId ignore = CallId::invalid()) const noexcept;

  // Calls f(const TriageCall&, CallState) for every known call, in no particular order.
  // Allocation-free itself; noexcept if f is.
  template <class F>
  void for_each_call(F&& f) const {
    for (const Slot& s : slots_)
      if (s.in_use) f(s.call, s.state);
  }

  // ---- Snapshots: nothing lost on restart (codec: triage/io/snapshot.hpp). ----
  // Binary, little-endian, versioned: "DKTRIAGE", version, options, next arrival number,
  // every call (id, state, arrival number, code, grade, area, location, five clocks),
  // and a checksum. restore() rebuilds a queue whose every operation then behaves exactly
  // as the saved one's would. All four allocate.
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
  friend struct detail::TriageSnapshotCodec;  // triage/io/snapshot.hpp
  static constexpr std::uint32_t kNone = UINT32_MAX;
  struct Slot {
    TriageCall call;
    std::uint64_t seq = 0;
    std::uint32_t next_free = kNone;
    CallState state = CallState::kWaiting;
    bool in_use = false;
  };
  [[nodiscard]] static std::uint8_t complaint_of(const DeterminantCode& c) noexcept {
    return static_cast<std::uint8_t>(c.is_mpds() ? c.protocol() : 0);
  }

  [[nodiscard]] std::uint32_t slot_of(CallId id) const noexcept {
    return id.valid() ? ids_.find(id.value()) : kNone;
  }
  // slot_of(id) when the call is active (a unit assigned), else kNone.
  [[nodiscard]] std::uint32_t active_slot_of(CallId id) const noexcept {
    const std::uint32_t slot = slot_of(id);
    return slot != kNone && slots_[slot].state == CallState::kActive ? slot : kNone;
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
  void release(std::uint32_t slot) noexcept;
  [[nodiscard]] static bool valid_call(const TriageCall& c) noexcept;
  // Inserts a call with a given arrival number and state. Preconditions (checked by the
  // caller): !full(), the call valid and its id unused.
  void insert(const TriageCall& call, std::uint64_t seq, CallState state) noexcept;

  TriageQueueOptions options_;
  std::vector<Slot> slots_;
  std::uint32_t free_head_ = kNone;
  std::array<detail::SlotHeap, kGradeCount> grade_heaps_;
  detail::SlotHeap age_heap_;  // waiting calls by (received, seq)
  std::vector<std::uint32_t> grade_pos_;
  std::vector<std::uint32_t> age_pos_;
  detail::DuplicateGrid grid_;  // waiting and active calls with a location, by slot
  detail::U64SlotMap ids_;      // CallId -> slot
  std::uint64_t next_seq_ = 0;
  std::size_t waiting_ = 0;
  std::size_t active_ = 0;
};

DISPATCHKIT_NAMESPACE_END

// The member definitions; then the snapshot codec (serialize, save, deserialize, restore).
#include "dispatchkit/triage/detail/triage_queue_impl.hpp"
#include "dispatchkit/triage/io/snapshot.hpp"
