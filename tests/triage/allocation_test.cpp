// Pins the triage claims "noexcept and allocation-free after warm-up" (README, docs/triage.md):
// every queue operation and the response-plan lookup is static_assert'ed noexcept, and run
// under an allocation counter after the queue was reserved.
//
// This file replaces the global operator new / delete for the whole dk_test_triage binary
// (fixtures/replaced_new.hpp). The replacements only forward to malloc / free and count per
// thread; an AllocationCounter reads the difference, so every other test is unaffected.
#include <catch2/catch.hpp>

#include <array>
#include <atomic>
#include <cstdlib>
#include <new>
#include <random>
#include <span>
#include <utility>
#include <vector>

#include "dispatchkit/triage/response_plan.hpp"
#include "dispatchkit/triage/triage_queue.hpp"

#include "fixtures/replaced_new.hpp"

namespace {
class AllocationCounter {
 public:
  AllocationCounter() noexcept : start_(dk_test::allocations_on_this_thread()) {}
  ~AllocationCounter() = default;
  AllocationCounter(const AllocationCounter&) = delete;
  AllocationCounter& operator=(const AllocationCounter&) = delete;
  [[nodiscard]] std::size_t count() const noexcept {
    return dk_test::allocations_on_this_thread() - start_;
  }

 private:
  std::uint64_t start_;
};

// Allocations made by f(); Catch2's own macros stay outside the counted region.
template <class F>
std::size_t allocations_in(F&& f) {
  AllocationCounter counter;
  std::forward<F>(f)();
  return counter.count();
}
}  // namespace

using namespace dispatchkit;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {
// The noexcept half of the claim, checked by the compiler (never called).
[[maybe_unused]] void noexcept_claims(TriageQueue& q, const TriageCall& call,
                                      const DeterminantCode& code, SimTime now, SimDuration d,
                                      std::span<AtRiskCall> span, std::vector<AtRiskCall>& vec,
                                      const ResponsePlanTable& plans) {
  const TriageQueue& cq = q;
  static_assert(noexcept(q.push(call)));
  static_assert(noexcept(q.push(call, DuplicatePolicy::kIgnore)));
  static_assert(noexcept(cq.peek(now)));
  static_assert(noexcept(q.pop(now)));
  static_assert(noexcept(q.dispatch(CallId(1), now)));
  static_assert(noexcept(q.retriage(CallId(1), code, PriorityGrade::kI, now)));
  static_assert(noexcept(q.cancel(CallId(1))));
  static_assert(noexcept(q.requeue(CallId(1))));
  static_assert(noexcept(q.close(CallId(1))));
  static_assert(noexcept(q.stamp(CallId(1), Milestone::kAnswered, now)));
  static_assert(noexcept(cq.find(CallId(1))));
  static_assert(noexcept(cq.state(CallId(1))));
  static_assert(noexcept(cq.effective_grade(call, now)));
  static_assert(noexcept(cq.deadline(call)));
  static_assert(noexcept(cq.find_probable_duplicate(LatLon{}, now, code)));
  static_assert(noexcept(cq.calls_at_risk_into(now, d, span)));
  static_assert(noexcept(cq.size())&& noexcept(cq.capacity())&& noexcept(cq.full())&& noexcept(
      cq.empty())&& noexcept(cq.waiting_count())&& noexcept(cq.active_count())&& noexcept(cq.options()));
  static_assert(noexcept(cq.check_invariants()));
  static_assert(noexcept(plans.lookup(code)));
  static_assert(noexcept(call.slack(ServiceTarget::kDispatch, cq.options().targets, now)));
  // The allocating calls say so: none of them is noexcept.
  static_assert(!noexcept(q.reserve(1)));
  static_assert(!noexcept(cq.calls_at_risk(now, d, vec)));
  static_assert(!noexcept(cq.serialize()));
  static_assert(!noexcept(cq.save("")));
  static_assert(!noexcept(TriageQueue::deserialize("", "")));
  static_assert(!noexcept(TriageQueue::restore("")));
}

int* volatile g_sink = nullptr;  // makes an allocation observable, so it is not elided

const SimTime t0 = sim_time_from_unix(1'483'228'800);

TriageCall make_call(std::uint64_t id, PriorityGrade g, SimTime received, LatLon where) {
  TriageCall c;
  c.id = CallId(id);
  c.grade = g;
  c.code = DeterminantCode::grade(g);
  c.location = where;
  c.clocks.received = received;
  return c;
}
}  // namespace

TEST_CASE("the allocation counter sees allocations", "[triage][allocation]") {
  // Without this, a counter that never counts would pass every test below.
  CHECK(allocations_in([] {
          int* p = new int[100];
          g_sink = p;
          delete[] p;
        }) == 1);
  TriageQueue q;
  CHECK(allocations_in([&] { q.reserve(1000); }) > 0);
  CHECK(allocations_in([] { TriageQueue another; }) > 0);
}

TEST_CASE("queue operations allocate nothing after reserve", "[triage][allocation]") {
  constexpr std::size_t kCapacity = 4096;
  TriageQueue q;
  q.reserve(kCapacity);
  const ResponsePlanTable& plans = ResponsePlanTable::default_table();  // parsed once: warm-up
  const DeterminantCode arrest = *DeterminantCode::parse("9-E-1");
  std::vector<TriageCall> calls;
  calls.reserve(kCapacity + 1);
  std::mt19937_64 rng(29);
  for (std::uint64_t id = 1; id <= kCapacity + 1; ++id)
    calls.push_back(make_call(id, static_cast<PriorityGrade>(1 + rng() % 4),
                              t0 + seconds(static_cast<std::int64_t>(rng() % 3600)),
                              LatLon{37.70 + 1e-4 * static_cast<double>(rng() % 1000),
                                     -122.50 + 1e-4 * static_cast<double>(rng() % 1000)}));
  std::array<AtRiskCall, 64> at_risk{};
  std::vector<AtRiskCall> at_risk_vector;
  at_risk_vector.reserve(kCapacity);
  const SimTime now = t0 + minutes(70);

  std::size_t queued = 0, refused = 0, duplicates = 0, popped = 0, found = 0, ok = 0;
  const std::size_t allocations = allocations_in([&] {
    // Fill to capacity (duplicate check on), then one more: refused, nothing allocated.
    for (std::size_t i = 0; i < calls.size(); ++i) {
      PushResult r = q.push(calls[i]);
      if (r.status == PushStatus::kProbableDuplicate) {
        ++duplicates;
        r = q.push(calls[i], DuplicatePolicy::kIgnore);
      }
      if (r.queued()) ++queued;
      if (r.status == PushStatus::kCapacityReached) ++refused;
    }
    for (int i = 0; i < 500; ++i) {
      if (const TriageCall* top = q.peek(now)) found += top->id.valid();
      if (std::optional<TriageCall> c = q.pop(now)) {
        ++popped;
        ok += q.stamp(c->id, Milestone::kOnScene, now + minutes(4));
        if (i % 3 == 0)
          ok += q.requeue(c->id);
        else if (i % 3 == 1)
          ok += q.close(c->id);
      }
    }
    for (std::uint64_t id = 1; id <= kCapacity; id += 5) {
      ok += q.retriage(CallId(id), arrest, PriorityGrade::kI, now);
      ok += q.stamp(CallId(id), Milestone::kAnswered, now);
      found += q.find(CallId(id)) != nullptr;
      found += q.state(CallId(id)).has_value();
      if (const TriageCall* c = q.find(CallId(id))) {
        found += q.effective_grade(*c, now) == PriorityGrade::kI;
        found += q.deadline(*c) > t0;
      }
    }
    for (std::uint64_t id = 2; id <= kCapacity; id += 7) ok += q.cancel(CallId(id));
    for (std::uint64_t id = 3; id <= kCapacity; id += 11) ok += q.dispatch(CallId(id), now);
    for (const TriageCall& c : calls)
      found += q.find_probable_duplicate(c.location, c.clocks.received, c.code, c.id).has_value();
    found += q.calls_at_risk_into(now, seconds(30), at_risk);
    found += q.calls_at_risk(now, seconds(30), at_risk_vector);  // vector with the capacity
    q.for_each_call([&](const TriageCall& c, CallState) noexcept { found += c.id.valid(); });
    found += plans.lookup(arrest) != nullptr;
    found += q.check_invariants();
    // Refill after the removals: slots are reused, nothing allocated.
    for (std::uint64_t id = kCapacity + 2; !q.full(); ++id)
      queued += q.push(make_call(id, PriorityGrade::kIII, now, LatLon{}), DuplicatePolicy::kIgnore)
                    .queued();
    refused +=
        q.push(calls.back(), DuplicatePolicy::kIgnore).status == PushStatus::kCapacityReached;
  });
  CHECK(allocations == 0);
  // The run did exercise every path.
  CHECK(refused == 2);
  CHECK(duplicates > 0);
  CHECK(popped == 500);
  CHECK(queued > kCapacity);
  CHECK(found > kCapacity);
  CHECK(ok > 1000);
  CHECK(q.check_invariants());
}

TEST_CASE("the documented allocating calls do allocate", "[triage][allocation]") {
  TriageQueue q;
  q.reserve(64);
  for (std::uint64_t id = 1; id <= 40; ++id)
    REQUIRE(q.push(make_call(id, PriorityGrade::kII, t0 + seconds(id), LatLon{}),
                   DuplicatePolicy::kIgnore)
                .queued());
  std::vector<AtRiskCall> out;  // no capacity: the convenience form allocates
  CHECK(allocations_in([&] { (void)q.calls_at_risk(t0 + minutes(10), seconds(0), out); }) > 0);
  CHECK(out.size() == 40);
  std::string bytes;
  CHECK(allocations_in([&] { bytes = q.serialize(); }) > 0);
  CHECK(allocations_in([&] { (void)TriageQueue::deserialize(bytes, "mem"); }) > 0);
}
