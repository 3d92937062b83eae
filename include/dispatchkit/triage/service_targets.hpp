// dispatchkit/triage/service_targets.hpp: how fast a call must be answered, dispatched
// and reached, per area class and grade.
//
//   ServiceTargets t = ServiceTargets::defaults();
//   t.response(AreaClass::kRural, PriorityGrade::kI);       // 12 min
//   t.set_response(AreaClass::kUrban, PriorityGrade::kI, std::chrono::minutes(7));
//   t.answer();                                             // 10 s
//   t.dispatch();                                           // 3 min
//   t.allowed_wait(PriorityGrade::kIV);                     // 3 min in the pending queue
//
// Every target is measured from the moment the call was RECEIVED (rang at the centre):
// that is the clock the patient lives by. Defaults (agencies override each value):
//   answer      10 s  (all calls)
//   dispatch    3 min (received -> unit assigned)
//   response    received -> on scene:
//                 grade   urban  rural  mountain/island
//                 I, II     8     12        14   min    (emergencies: lights and sirens)
//                 III      15     20        25   min
//                 IV       30     40        60   min
//   allowed wait in the pending queue before a call counts as overdue (TriageQueue
//   orders by received + allowed wait, and ages overdue calls upwards):
//                 I 60 s, II 90 s, III 120 s, IV 180 s
// The 8/12/14-minute emergency targets follow common urban/rural/remote practice for
// 120 centres; the III/IV values are dispatchkit's defaults, not a standard.
//
// Agencies keep their targets in a small CSV (ServiceTargets::load, format below and in
// docs/triage.md); values not listed keep the defaults.
//
// A value type: copy it freely; all accessors are constexpr and noexcept (const reads may
// run concurrently; a setter needs exclusive access, like any value).
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/triage/time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

inline constexpr std::size_t kGradeCount = 4;
inline constexpr std::size_t kAreaClassCount = 3;

// 0-based index of a grade (I -> 0 ... IV -> 3).
[[nodiscard]] constexpr std::size_t grade_index(PriorityGrade g) noexcept {
  return static_cast<std::size_t>(g) - 1;
}

class ServiceTargets {
 public:
  // The documented defaults above.
  [[nodiscard]] static constexpr ServiceTargets defaults() noexcept { return ServiceTargets(); }

  [[nodiscard]] constexpr SimDuration answer() const noexcept { return answer_; }
  [[nodiscard]] constexpr SimDuration dispatch() const noexcept { return dispatch_; }
  [[nodiscard]] constexpr SimDuration response(AreaClass a, PriorityGrade g) const noexcept {
    return response_[static_cast<std::size_t>(a)][grade_index(g)];
  }
  [[nodiscard]] constexpr SimDuration allowed_wait(PriorityGrade g) const noexcept {
    return allowed_wait_[grade_index(g)];
  }

  // Setters; a negative duration is clamped to zero, one beyond kMaxTargetDuration
  // (2^60 s, triage/time.hpp) to that.
  constexpr ServiceTargets& set_answer(SimDuration d) noexcept {
    answer_ = clamp(d);
    return *this;
  }
  constexpr ServiceTargets& set_dispatch(SimDuration d) noexcept {
    dispatch_ = clamp(d);
    return *this;
  }
  constexpr ServiceTargets& set_response(AreaClass a, PriorityGrade g, SimDuration d) noexcept {
    response_[static_cast<std::size_t>(a)][grade_index(g)] = clamp(d);
    return *this;
  }
  constexpr ServiceTargets& set_allowed_wait(PriorityGrade g, SimDuration d) noexcept {
    allowed_wait_[grade_index(g)] = clamp(d);
    return *this;
  }

  friend constexpr bool operator==(const ServiceTargets&, const ServiceTargets&) = default;

  // Reads targets from CSV text, starting from the defaults. Format ('#' comments and
  // blank lines ignored; rows apply in order, so a later row overrides an earlier one):
  //   target,area_class,grade,seconds
  //   answer,*,*,10
  //   dispatch,*,*,180
  //   response,*,III,1200          (every area class)
  //   response,urban,I,420
  //   allowed_wait,*,IV,240
  // target: answer | dispatch | response | allowed_wait; area_class: urban | rural |
  // mountain_island | * (answer, dispatch and allowed_wait take only *); grade: I..IV or *
  // (answer and dispatch take only *); seconds: an integer >= 0. InvalidArgument listing
  // every bad line as "SOURCE:LINE: what was expected".
  [[nodiscard]] static absl::StatusOr<ServiceTargets> parse(std::string_view csv,
                                                            std::string source = "<memory>");
  // Same from a file (NotFound if missing; gzip/xz accepted).
  [[nodiscard]] static absl::StatusOr<ServiceTargets> load(const std::string& path);

 private:
  // Into [0, kMaxTargetDuration] (triage/time.hpp), the range every sum of the queue
  // is safe in.
  static constexpr SimDuration clamp(SimDuration d) noexcept {
    return d < SimDuration::zero() ? SimDuration::zero() : std::min(d, kMaxTargetDuration);
  }
  static constexpr SimDuration min(int m) noexcept { return std::chrono::minutes(m); }
  SimDuration answer_ = SimDuration(10);
  SimDuration dispatch_ = min(3);
  std::array<std::array<SimDuration, kGradeCount>, kAreaClassCount> response_ = {{
      {min(8), min(8), min(15), min(30)},    // urban
      {min(12), min(12), min(20), min(40)},  // rural
      {min(14), min(14), min(25), min(60)},  // mountain / island
  }};
  std::array<SimDuration, kGradeCount> allowed_wait_ = {SimDuration(60), SimDuration(90),
                                                        SimDuration(120), SimDuration(180)};
};

DISPATCHKIT_NAMESPACE_END

// The CSV reader of the targets (parse, load).
#include "dispatchkit/triage/io/service_targets_csv.hpp"
