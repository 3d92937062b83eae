// dispatchkit/triage/call.hpp: one call for help, its clocks and its remaining slack.
//
//   TriageCall call;
//   call.id = CallId(2017000123);                 // the CAD's incident number
//   call.code = *DeterminantCode::parse("10-C-1");
//   call.grade = ResponsePlanTable::default_table().lookup(call.code)->grade;
//   call.area = AreaClass::kUrban;
//   call.location = LatLon{37.7793, -122.4193};
//   call.clocks.received = t0;
//   call.clocks.answered = t0 + std::chrono::seconds(6);
//   SimDuration left = call.slack(ServiceTarget::kResponse, targets, now);  // < 0: late
//   std::optional<TargetSlack> next = call.next_target(targets, now);
//
// Clocks are SimTime stamps (triage/time.hpp); kNoTime means "not yet". A plain value
// type: trivially copyable, no allocation; every function is noexcept.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "dispatchkit/config.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/triage/determinant.hpp"
#include "dispatchkit/triage/service_targets.hpp"
#include "dispatchkit/triage/time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct CallTag {};
// A call (incident) id chosen by the caller, typically the CAD's incident number.
// 64-bit; the maximum value is reserved for "invalid".
using CallId = StrongId<CallTag, std::uint64_t>;

// The moments of a call, in the order they normally happen.
enum class Milestone : std::uint8_t {
  kReceived = 0,    // the call reached the centre (rang)
  kAnswered = 1,    // a call-taker picked up
  kTriaged = 2,     // a determinant code / grade was set (last re-triage wins)
  kDispatched = 3,  // a unit was assigned
  kOnScene = 4,     // the first unit arrived
};
inline constexpr std::size_t kMilestoneCount = 5;
[[nodiscard]] constexpr std::string_view to_string(Milestone m) noexcept {
  constexpr std::string_view kNames[] = {"received", "answered", "triaged", "dispatched",
                                         "on_scene"};
  return kNames[static_cast<std::size_t>(m) % kMilestoneCount];
}

// The clocks a call carries. Unset stamps are kNoTime.
struct CallClocks {
  SimTime received = kNoTime;
  SimTime answered = kNoTime;
  SimTime triaged = kNoTime;
  SimTime dispatched = kNoTime;
  SimTime on_scene = kNoTime;

  [[nodiscard]] constexpr SimTime at(Milestone m) const noexcept {
    const auto i = static_cast<std::size_t>(m);
    return i < kMilestoneCount ? this->*field(m) : kNoTime;
  }
  constexpr void set(Milestone m, SimTime t) noexcept {
    if (static_cast<std::size_t>(m) < kMilestoneCount) this->*field(m) = t;
  }
  // Received is set and no stamp is earlier than received. (Answered, triaged,
  // dispatched may otherwise come in any order: a unit may be sent before triage ends.)
  [[nodiscard]] constexpr bool consistent() const noexcept {
    if (!is_set(received)) return false;
    for (SimTime t : {answered, triaged, dispatched, on_scene})
      if (is_set(t) && t < received) return false;
    if (is_set(on_scene) && is_set(dispatched) && on_scene < dispatched) return false;
    return true;
  }
  // Whether every stamped clock lies within kClockLimit of the epoch (triage/time.hpp),
  // where no target sum overflows.
  [[nodiscard]] constexpr bool within_limits() const noexcept {
    for (SimTime t : {received, answered, triaged, dispatched, on_scene})
      if (is_set(t) && !within_clock_limit(t)) return false;
    return true;
  }
  friend constexpr bool operator==(const CallClocks&, const CallClocks&) = default;

 private:
  // The member that holds milestone m (in Milestone order); m < kMilestoneCount.
  [[nodiscard]] static constexpr SimTime CallClocks::*field(Milestone m) noexcept {
    constexpr SimTime CallClocks::*kFields[kMilestoneCount] = {
        &CallClocks::received, &CallClocks::answered, &CallClocks::triaged, &CallClocks::dispatched,
        &CallClocks::on_scene};
    return kFields[static_cast<std::size_t>(m)];
  }
};

// The three service targets of ServiceTargets, all measured from `received`.
enum class ServiceTarget : std::uint8_t {
  kAnswer = 0,    // received -> answered   (10 s)
  kDispatch = 1,  // received -> dispatched (3 min)
  kResponse = 2,  // received -> on scene   (per area class and grade)
};

struct TargetSlack {
  ServiceTarget target;
  SimTime due;        // received + target
  SimDuration slack;  // due - now (negative: overdue)
};

struct TriageCall {
  CallId id;
  DeterminantCode code;  // as triaged (grade code "I" by default)
  PriorityGrade grade = PriorityGrade::kI;
  AreaClass area = AreaClass::kUrban;
  LatLon location{std::numeric_limits<double>::quiet_NaN(),
                  std::numeric_limits<double>::quiet_NaN()};  // NaN: unknown (no dedup)
  CallClocks clocks;

  // When `target` falls due: received + its duration (kNoTime if not received).
  [[nodiscard]] constexpr SimTime due(ServiceTarget target,
                                      const ServiceTargets& targets) const noexcept {
    if (!is_set(clocks.received)) return kNoTime;
    switch (target) {
      case ServiceTarget::kAnswer:
        return clocks.received + targets.answer();
      case ServiceTarget::kDispatch:
        return clocks.received + targets.dispatch();
      case ServiceTarget::kResponse:
        return clocks.received + targets.response(area, grade);
    }
    return kNoTime;
  }
  // Is the milestone that meets `target` stamped?
  [[nodiscard]] constexpr bool met(ServiceTarget target) const noexcept {
    return is_set(clocks.at(milestone_of(target)));
  }
  // Slack left before `target`: due - (the milestone's stamp if reached, else now).
  // Positive: time to spare (or margin by which it was met); negative: overdue or missed.
  [[nodiscard]] constexpr SimDuration slack(ServiceTarget target, const ServiceTargets& targets,
                                            SimTime now) const noexcept {
    const SimTime stamp = clocks.at(milestone_of(target));
    return due(target, targets) - (is_set(stamp) ? stamp : now);
  }
  // The first target, in the order answer, dispatch, response, whose milestone is not yet
  // stamped; nullopt when the call is on scene (all met or missed) or not received.
  [[nodiscard]] constexpr std::optional<TargetSlack> next_target(const ServiceTargets& targets,
                                                                 SimTime now) const noexcept {
    if (!is_set(clocks.received)) return std::nullopt;
    for (ServiceTarget t :
         {ServiceTarget::kAnswer, ServiceTarget::kDispatch, ServiceTarget::kResponse}) {
      if (!met(t)) return TargetSlack{t, due(t, targets), slack(t, targets, now)};
    }
    return std::nullopt;
  }

  [[nodiscard]] static constexpr Milestone milestone_of(ServiceTarget t) noexcept {
    return t == ServiceTarget::kAnswer     ? Milestone::kAnswered
           : t == ServiceTarget::kDispatch ? Milestone::kDispatched
                                           : Milestone::kOnScene;
  }
};

DISPATCHKIT_NAMESPACE_END
