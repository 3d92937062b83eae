// Operations on unknown ids and impossible transitions leave the fleet and the triage
// queue exactly as they were (checked byte for byte through the queue's snapshot and
// field by field for the fleet), and corrupted snapshots are rejected, never half-loaded.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "dispatchkit/graph/snap.hpp"
#include "dispatchkit/recommend/fleet.hpp"
#include "dispatchkit/triage/triage_queue.hpp"
#include "robustness_fixtures.hpp"

using namespace dispatchkit;

namespace {

// Everything observable about a fleet, for before/after comparisons.
struct FleetState {
  std::uint64_t generation;
  std::vector<UnitStatus> status;
  std::vector<RoadPosition> position;
  std::vector<std::optional<std::uint64_t>> incident;
  friend bool operator==(const FleetState&, const FleetState&) = default;
};

FleetState observe(const Fleet& f) {
  FleetState s{f.generation(), {}, {}, {}};
  for (const Unit& u : f.units()) {
    s.status.push_back(u.status());
    s.position.push_back(u.position());
    s.incident.push_back(u.assignment()
                             ? std::optional<std::uint64_t>(u.assignment()->incident.value())
                             : std::nullopt);
  }
  return s;
}

Fleet small_fleet() {
  Fleet f;
  REQUIRE(f.add_unit({.call_sign = "M1", .position = RoadPosition::at_node(NodeId(1))}).ok());
  REQUIRE(f.add_unit({.call_sign = "M2", .position = RoadPosition::at_node(NodeId(2))}).ok());
  REQUIRE(f.dispatch(UnitId(1), IncidentId(77), PriorityGrade::kI).ok());
  return f;
}

TriageCall call(std::uint64_t id, std::int64_t received, PriorityGrade grade, LatLon where) {
  TriageCall c;
  c.id = CallId(id);
  c.grade = grade;
  c.location = where;
  c.clocks.received = sim_time_from_unix(received);
  return c;
}

}  // namespace

TEST_CASE("Fleet: unknown unit ids are OutOfRange and change nothing", "[robustness][fleet]") {
  Fleet f = small_fleet();
  const FleetState before = observe(f);
  for (const UnitId bad : {UnitId(2), UnitId(1000), UnitId::invalid()}) {
    CHECK(f.set_status(bad, UnitStatus::kEnRoute).code() == absl::StatusCode::kOutOfRange);
    CHECK(f.dispatch(bad, IncidentId(5), PriorityGrade::kII).code() ==
          absl::StatusCode::kOutOfRange);
    CHECK(f.report_position(bad, RoadPosition::at_node(NodeId(3))).code() ==
          absl::StatusCode::kOutOfRange);
    CHECK(f.set_shift_end(bad, SimTime::max()).code() == absl::StatusCode::kOutOfRange);
    CHECK(f.find(bad).status().code() == absl::StatusCode::kOutOfRange);
    CHECK_FALSE(f.contains(bad));
  }
  CHECK(observe(f) == before);
}

TEST_CASE("Fleet: impossible transitions are FailedPrecondition and change nothing",
          "[robustness][fleet]") {
  Fleet f = small_fleet();
  const FleetState before = observe(f);
  // M1 is available at its station, M2 dispatched to incident 77.
  CHECK(f.set_status(UnitId(0), UnitStatus::kOnScene).code() ==
        absl::StatusCode::kFailedPrecondition);
  CHECK(f.set_status(UnitId(0), UnitStatus::kAvailableAtStation).code() ==
        absl::StatusCode::kFailedPrecondition);  // same state
  CHECK(f.set_status(UnitId(1), UnitStatus::kAtHospital).code() ==
        absl::StatusCode::kFailedPrecondition);
  CHECK_FALSE(f.set_status(UnitId(1), UnitStatus::kDispatched).ok());  // needs dispatch()
  CHECK(f.dispatch(UnitId(0), IncidentId::invalid(), PriorityGrade::kI).code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(f.report_position(UnitId(0), RoadPosition()).code() == absl::StatusCode::kInvalidArgument);
  // An invalid GPS fix keeps the last position.
  auto snapper = Snapper::build(dk_robust::sf_graph());
  REQUIRE(snapper.ok());
  CHECK(f.report_gps(UnitId(0), LatLon{std::nan(""), 0}, *snapper).code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(f.report_gps(UnitId(0), LatLon{0, 0}, *snapper).code() == absl::StatusCode::kNotFound);
  CHECK(observe(f) == before);
  // Bad new units are refused without consuming an id.
  CHECK_FALSE(f.add_unit({.call_sign = ""}).ok());
  CHECK_FALSE(f.add_unit({.call_sign = "M1"}).ok());
  CHECK_FALSE(f.add_unit({.call_sign = "M9", .status = UnitStatus::kOnScene}).ok());
  CHECK(observe(f) == before);
  CHECK(*f.add_unit({.call_sign = "M3"}) == UnitId(2));
}

TEST_CASE("Fleet: the change journal survives wrap-around and foreign generations",
          "[robustness][fleet]") {
  Fleet f(FleetOptions{.journal_capacity = 4});
  REQUIRE(f.add_unit({.call_sign = "A"}).ok());
  for (int i = 0; i < 10; ++i)
    REQUIRE(f.report_position(UnitId(0), RoadPosition::at_node(NodeId(i))).ok());
  int calls = 0;
  CHECK_FALSE(f.for_each_change_since(0, [&](UnitId) { ++calls; }));  // lagged too far
  CHECK(f.for_each_change_since(f.generation() - 4, [&](UnitId) { ++calls; }));
  CHECK(calls == 4);
  CHECK_FALSE(f.for_each_change_since(f.generation() + 1, [&](UnitId) { ++calls; }));
  CHECK(calls == 4);
}

TEST_CASE("TriageQueue: operations on unknown or wrong-state calls change nothing",
          "[robustness][triage]") {
  TriageQueue q;
  const LatLon here{37.77, -122.42};
  REQUIRE(q.push(call(1, 1000, PriorityGrade::kII, here)).queued());
  REQUIRE(q.push(call(2, 1010, PriorityGrade::kI, LatLon{37.70, -122.45})).queued());
  REQUIRE(q.push(call(3, 1020, PriorityGrade::kIV, LatLon{std::nan(""), std::nan("")})).queued());
  REQUIRE(q.dispatch(CallId(3), sim_time_from_unix(1030)));
  const std::string before = q.serialize();
  const SimTime now = sim_time_from_unix(1100);
  const auto code = DeterminantCode::parse("9-E-1");
  REQUIRE(code.ok());
  for (const CallId bad : {CallId(99), CallId::invalid()}) {
    CHECK_FALSE(q.cancel(bad));
    CHECK_FALSE(q.retriage(bad, *code, PriorityGrade::kI, now));
    CHECK_FALSE(q.requeue(bad));
    CHECK_FALSE(q.close(bad));
    CHECK_FALSE(q.dispatch(bad, now));
    CHECK_FALSE(q.stamp(bad, Milestone::kAnswered, now));
    CHECK(q.find(bad) == nullptr);
    CHECK_FALSE(q.state(bad).has_value());
  }
  // Wrong state: requeue/close a waiting call, dispatch an active one.
  CHECK_FALSE(q.requeue(CallId(1)));
  CHECK_FALSE(q.close(CallId(1)));
  CHECK_FALSE(q.dispatch(CallId(3), now));
  // Out-of-range grades and milestones owned by the queue.
  CHECK_FALSE(q.retriage(CallId(1), *code, static_cast<PriorityGrade>(0), now));
  CHECK_FALSE(q.retriage(CallId(1), *code, static_cast<PriorityGrade>(9), now));
  CHECK_FALSE(q.stamp(CallId(1), Milestone::kReceived, now));
  CHECK_FALSE(q.stamp(CallId(1), Milestone::kDispatched, now));
  // Invalid pushes: reused id, no received time, bad grade, clocks out of order.
  CHECK(q.push(call(1, 1000, PriorityGrade::kII, here), DuplicatePolicy::kIgnore).status ==
        PushStatus::kIdInUse);
  TriageCall no_time = call(10, 0, PriorityGrade::kI, here);
  no_time.clocks.received = kNoTime;
  CHECK(q.push(no_time).status == PushStatus::kInvalidCall);
  CHECK(q.push(call(11, 1000, static_cast<PriorityGrade>(7), here)).status ==
        PushStatus::kInvalidCall);
  TriageCall backwards = call(12, 1000, PriorityGrade::kI, here);
  backwards.clocks.answered = sim_time_from_unix(900);
  CHECK(q.push(backwards).status == PushStatus::kInvalidCall);
  TriageCall far_future =
      call(13, std::numeric_limits<std::int64_t>::max(), PriorityGrade::kI, here);
  CHECK(q.push(far_future).status == PushStatus::kInvalidCall);
  CHECK(q.serialize() == before);
  CHECK(q.check_invariants());
}

TEST_CASE("TriageQueue: every truncation and seeded corruption of a snapshot is rejected",
          "[robustness][triage]") {
  TriageQueue q;
  for (std::uint64_t i = 1; i <= 12; ++i)
    REQUIRE(q.push(call(i, 1000 + 13 * static_cast<std::int64_t>(i),
                        static_cast<PriorityGrade>(1 + i % 4),
                        LatLon{37.70 + 0.01 * static_cast<double>(i), -122.45}),
                   DuplicatePolicy::kIgnore)
                .queued());
  REQUIRE(q.pop(sim_time_from_unix(2000)).has_value());
  const std::string bytes = q.serialize();
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const auto r = TriageQueue::deserialize(std::string_view(bytes).substr(0, n), "snap");
    INFO("prefix " << n);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find("snap") != std::string_view::npos);
  }
  CHECK_FALSE(TriageQueue::deserialize(bytes + "x", "snap").ok());
  dk_robust::Rng rng(5);
  for (int i = 0; i < 400; ++i) {
    std::string bad = bytes;
    bad[rng.below(static_cast<std::uint32_t>(bad.size()))] ^= static_cast<char>(1 + rng.below(255));
    CHECK_FALSE(TriageQueue::deserialize(bad, "snap").ok());
  }
  auto back = TriageQueue::deserialize(bytes, "snap");
  REQUIRE(back.ok());
  CHECK(back->serialize() == bytes);
  CHECK(TriageQueue::restore("/nonexistent/dir/queue.snapshot").status().code() ==
        absl::StatusCode::kNotFound);
}
