// dispatchkit/triage/detail/triage_queue_impl.hpp: the member definitions of TriageQueue
// (triage/triage_queue.hpp, which includes this file; include that one). Internal.
//
// The banner of triage_queue.hpp explains the design: four grade heaps ordered by
// (deadline, arrival), an age heap for the at-risk list, an id map and the duplicate grid,
// all sized by reserve() so that no operation allocates.
#pragma once

#include "dispatchkit/triage/triage_queue.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

inline TriageQueue::TriageQueue(const TriageQueueOptions& options)
    : options_(options), grid_(options_.duplicates.radius) {
  reserve(16);
}

inline void TriageQueue::reserve(std::size_t calls) {
  if (calls <= slots_.size()) return;
  // Strong guarantee: every step that may throw either only adds unused room (heaps,
  // position arrays, the grid: harmless if a later step fails) or builds on the side
  // (the id map); slots_, which defines capacity(), grows last; then nothing throws.
  for (detail::SlotHeap& h : grade_heaps_) h.reserve(calls);
  age_heap_.reserve(calls);
  if (grade_pos_.size() < calls) grade_pos_.resize(calls, kNone);
  if (age_pos_.size() < calls) age_pos_.resize(calls, kNone);
  grid_.reserve(calls);
  detail::U64SlotMap ids;
  ids.init(calls);
  const auto old = static_cast<std::uint32_t>(slots_.size());
  for (std::uint32_t i = 0; i < old; ++i)
    if (slots_[i].in_use) ids.put(slots_[i].call.id.value(), i);
  slots_.resize(calls);  // Slot is trivially copyable: strong guarantee
  ids_ = std::move(ids);
  // New slots go to the free list, lowest index first.
  for (std::uint32_t i = static_cast<std::uint32_t>(calls); i-- > old;) {
    slots_[i].next_free = free_head_;
    free_head_ = i;
  }
}

inline bool TriageQueue::valid_call(const TriageCall& c) noexcept {
  const auto g = static_cast<unsigned>(c.grade);
  const auto a = static_cast<unsigned>(c.area);
  // Clocks within kClockLimit (triage/time.hpp) keep every deadline sum free of overflow.
  return c.id.valid() && g >= 1 && g <= 4 && a < kAreaClassCount && c.clocks.consistent() &&
         c.clocks.within_limits() && !is_set(c.clocks.dispatched);
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
  const std::uint32_t slot = free_head_;
  Slot& s = slots_[slot];
  free_head_ = s.next_free;
  s.call = call;
  s.seq = seq;
  s.in_use = true;
  s.next_free = kNone;
  ids_.put(call.id.value(), slot);
  grid_.insert(slot, call.location, to_unix_seconds(call.clocks.received), complaint_of(call.code));
  if (state == CallState::kWaiting) {
    enter_waiting(slot);
  } else {
    s.state = CallState::kActive;
    ++active_;
  }
}

inline void TriageQueue::release(std::uint32_t slot) noexcept {
  Slot& s = slots_[slot];
  grid_.erase(slot);
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
  if (full()) return {PushStatus::kCapacityReached, std::nullopt};
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
  s.call.clocks.dispatched = clamp_to_clock_limit(std::max(now, s.call.clocks.received));
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
  grid_.set_complaint(slot, complaint_of(code));
  s.call.clocks.triaged = clamp_to_clock_limit(std::max(now, s.call.clocks.received));
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
  const std::uint32_t slot = active_slot_of(id);
  if (slot == kNone) return false;
  --active_;
  slots_[slot].call.clocks.dispatched = kNoTime;
  slots_[slot].call.clocks.on_scene = kNoTime;
  enter_waiting(slot);
  return true;
}

inline bool TriageQueue::close(CallId id) noexcept {
  const std::uint32_t slot = active_slot_of(id);
  if (slot == kNone) return false;
  --active_;
  release(slot);
  return true;
}

inline bool TriageQueue::stamp(CallId id, Milestone m, SimTime t) noexcept {
  const std::uint32_t slot = slot_of(id);
  if (slot == kNone || m == Milestone::kReceived || m == Milestone::kDispatched) return false;
  CallClocks& c = slots_[slot].call.clocks;
  if (t < c.received || !within_clock_limit(t)) return false;
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

inline std::size_t TriageQueue::calls_at_risk_into(SimTime now, SimDuration margin,
                                                   std::span<AtRiskCall> out) const noexcept {
  // Due when received + dispatch <= now + margin, i.e. received <= limit. Each term
  // clamped to +-2^61 s, so the sum cannot overflow on absurd input.
  static constexpr std::int64_t kLim = std::int64_t{1} << 61;
  const auto c = [](std::int64_t v) { return std::clamp(v, -kLim, kLim); };
  const std::int64_t limit =
      c(to_unix_seconds(now)) + c(margin.count()) - c(options_.targets.dispatch().count());
  if (age_heap_.empty() || age_heap_.top().primary > limit) return 0;
  // Depth-first walk of the age heap, descending only below due entries: every visited
  // entry is due or a pruned child of a due one, so O(k * arity) visits. The stack holds
  // at most (arity - 1) * depth + 1 entries; a 4-ary heap of < 2^32 entries is at most
  // 17 levels deep, so 64 places always suffice.
  constexpr std::uint32_t kArity = detail::SlotHeap::kArity;
  std::array<std::uint32_t, 64> stack;
  std::size_t depth = 0;
  stack[depth++] = 0;
  // `out` keeps the m most urgent calls seen so far as a max-heap on (slack, id).
  const auto more_urgent = [](const AtRiskCall& a, const AtRiskCall& b) noexcept {
    return a.slack != b.slack ? a.slack < b.slack : a.id < b.id;
  };
  const std::size_t m = out.size();
  std::size_t k = 0;
  while (depth > 0) {
    const std::uint32_t i = stack[--depth];
    const Slot& s = slots_[age_heap_.at(i).slot];
    const AtRiskCall call{s.call.id, s.call.slack(ServiceTarget::kDispatch, options_.targets, now)};
    if (k < m) {
      out[k] = call;
      std::push_heap(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(k + 1), more_urgent);
    } else if (m > 0 && more_urgent(call, out[0])) {
      std::pop_heap(out.begin(), out.end(), more_urgent);
      out[m - 1] = call;
      std::push_heap(out.begin(), out.end(), more_urgent);
    }
    ++k;
    const std::uint64_t first = std::uint64_t{i} * kArity + 1;
    for (std::uint64_t ch = first; ch < first + kArity && ch < age_heap_.size(); ++ch)
      if (age_heap_.at(static_cast<std::uint32_t>(ch)).primary <= limit)
        stack[depth++] = static_cast<std::uint32_t>(ch);
  }
  std::sort_heap(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(std::min(k, m)),
                 more_urgent);
  return k;
}

inline std::size_t TriageQueue::calls_at_risk(SimTime now, SimDuration margin,
                                              std::vector<AtRiskCall>& out) const {
  const std::size_t first = out.size();
  const std::size_t k = calls_at_risk_into(now, margin, {});  // count, then fill
  if (k == 0) return 0;
  out.resize(first + k);
  (void)calls_at_risk_into(now, margin, std::span<AtRiskCall>(out).subspan(first));
  return k;
}

inline std::optional<DuplicateMatch> TriageQueue::find_probable_duplicate(
    LatLon where, SimTime received, const DeterminantCode& code, CallId ignore) const noexcept {
  std::optional<DuplicateMatch> best;
  std::uint64_t best_seq = 0;
  grid_.for_each_candidate(
      where, to_unix_seconds(received), complaint_of(code), options_.duplicates,
      [&](std::uint32_t i, Meters d, SimDuration apart) noexcept {
        const Slot& s = slots_[i];
        if (s.call.id == ignore) return;
        const bool better =
            !best || d < best->distance ||
            (d == best->distance &&
             (apart < best->time_apart || (apart == best->time_apart && s.seq < best_seq)));
        if (better) {
          best = DuplicateMatch{s.call.id, s.state, d, apart};
          best_seq = s.seq;
        }
      });
  return best;
}

inline bool TriageQueue::check_invariants() const noexcept {
  std::size_t waiting = 0, active = 0;
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
    if (grid_.contains(i) != s.call.location.is_valid() ||
        !grid_.check(i, to_unix_seconds(s.call.clocks.received), complaint_of(s.call.code)))
      return false;
  }
  std::size_t heap_total = 0;
  for (const detail::SlotHeap& h : grade_heaps_) {
    if (!h.valid(grade_pos_.data())) return false;
    heap_total += h.size();
  }
  return waiting == waiting_ && active == active_ && heap_total == waiting_ &&
         age_heap_.size() == waiting_ && age_heap_.valid(age_pos_.data()) &&
         ids_.size() == waiting_ + active_;
}

DISPATCHKIT_NAMESPACE_END
