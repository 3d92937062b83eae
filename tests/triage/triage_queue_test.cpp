// Tests for triage/triage_queue.hpp (and call.hpp, service_targets.hpp): ordering,
// ageing, re-triage, cancel, the dispatch-target watch list, a randomized model test
// against a plain vector, duplicate detection and the clocks' slack.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <random>
#include <span>
#include <vector>

#include "dispatchkit/triage/triage_queue.hpp"

using namespace dispatchkit;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {
const SimTime t0 = sim_time_from_unix(1'483'228'800);  // 2017-01-01T00:00:00Z

TriageCall make_call(std::uint64_t id, PriorityGrade g, SimTime received,
                     LatLon where = LatLon{std::nan(""), std::nan("")},
                     std::string_view code = "") {
  TriageCall c;
  c.id = CallId(id);
  c.grade = g;
  c.code = code.empty() ? DeterminantCode::grade(g) : *DeterminantCode::parse(code);
  c.location = where;
  c.clocks.received = received;
  return c;
}

std::vector<std::uint64_t> drain(TriageQueue& q, SimTime now) {
  std::vector<std::uint64_t> ids;
  while (std::optional<TriageCall> c = q.pop(now)) ids.push_back(c->id.value());
  return ids;
}
}  // namespace

TEST_CASE("service targets: documented defaults and setters", "[triage][queue]") {
  const ServiceTargets t = ServiceTargets::defaults();
  CHECK(t.answer() == seconds(10));
  CHECK(t.dispatch() == minutes(3));
  CHECK(t.response(AreaClass::kUrban, PriorityGrade::kI) == minutes(8));
  CHECK(t.response(AreaClass::kRural, PriorityGrade::kI) == minutes(12));
  CHECK(t.response(AreaClass::kMountainIsland, PriorityGrade::kII) == minutes(14));
  CHECK(t.response(AreaClass::kUrban, PriorityGrade::kIV) == minutes(30));
  CHECK(t.allowed_wait(PriorityGrade::kI) < t.allowed_wait(PriorityGrade::kIV));
  ServiceTargets u = t;
  u.set_response(AreaClass::kUrban, PriorityGrade::kI, minutes(7)).set_answer(seconds(-5));
  CHECK(u.response(AreaClass::kUrban, PriorityGrade::kI) == minutes(7));
  CHECK(u.answer() == seconds(0));
  CHECK(u != t);
}

TEST_CASE("a call's clocks and slack", "[triage][queue]") {
  const ServiceTargets targets;
  TriageCall c = make_call(1, PriorityGrade::kI, t0);
  c.area = AreaClass::kRural;
  // Not answered yet at t0 + 4 s: 6 s of answer slack left.
  std::optional<TargetSlack> next = c.next_target(targets, t0 + seconds(4));
  REQUIRE(next.has_value());
  CHECK(next->target == ServiceTarget::kAnswer);
  CHECK(next->due == t0 + seconds(10));
  CHECK(next->slack == seconds(6));
  // Answered at 12 s: the answer target was missed by 2 s; next is dispatch.
  c.clocks.answered = t0 + seconds(12);
  CHECK(c.slack(ServiceTarget::kAnswer, targets, t0 + minutes(5)) == seconds(-2));
  next = c.next_target(targets, t0 + seconds(100));
  CHECK(next->target == ServiceTarget::kDispatch);
  CHECK(next->slack == seconds(80));
  c.clocks.dispatched = t0 + seconds(150);
  next = c.next_target(targets, t0 + minutes(13));
  CHECK(next->target == ServiceTarget::kResponse);
  CHECK(next->slack == minutes(-1));  // rural grade I: 12 min, now 13 min
  c.clocks.on_scene = t0 + minutes(11);
  CHECK_FALSE(c.next_target(targets, t0 + minutes(20)).has_value());
  CHECK(c.slack(ServiceTarget::kResponse, targets, t0 + minutes(20)) == minutes(1));
  CHECK(c.clocks.consistent());
  c.clocks.on_scene = t0 + seconds(100);  // before dispatch: inconsistent
  CHECK_FALSE(c.clocks.consistent());
  CHECK_FALSE(make_call(2, PriorityGrade::kI, kNoTime).clocks.consistent());
  CHECK_FALSE(make_call(2, PriorityGrade::kI, kNoTime).next_target(targets, t0).has_value());
}

TEST_CASE("order: grade, then deadline, then arrival", "[triage][queue]") {
  TriageQueue q;
  // Deadlines (default allowed waits I 60 s, II 90 s, III 120 s, IV 180 s):
  //   id grade received  deadline
  //   1  III   0         120
  //   2  I     10        70
  //   3  II    0         90
  //   4  I     0         60
  //   5  I     0         60     same key as 4: arrival order keeps 4 first
  //   6  II    -40       50     older grade II call
  REQUIRE(q.push(make_call(1, PriorityGrade::kIII, t0)).queued());
  REQUIRE(q.push(make_call(2, PriorityGrade::kI, t0 + seconds(10))).queued());
  REQUIRE(q.push(make_call(3, PriorityGrade::kII, t0)).queued());
  REQUIRE(q.push(make_call(4, PriorityGrade::kI, t0)).queued());
  REQUIRE(q.push(make_call(5, PriorityGrade::kI, t0)).queued());
  REQUIRE(q.push(make_call(6, PriorityGrade::kII, t0 - seconds(40))).queued());
  CHECK(q.waiting_count() == 6);
  CHECK(q.check_invariants());
  const SimTime now = t0 + seconds(20);  // nobody overdue: plain grade order
  REQUIRE(q.peek(now) != nullptr);
  CHECK(q.peek(now)->id == CallId(4));
  CHECK(drain(q, now) == std::vector<std::uint64_t>{4, 5, 2, 6, 3, 1});
  CHECK(q.empty());
  CHECK(q.active_count() == 6);
  CHECK(q.find(CallId(4))->clocks.dispatched == now);
  CHECK(q.state(CallId(4)) == CallState::kActive);
  CHECK(q.check_invariants());
}

TEST_CASE("ageing: an overdue low-grade call rises, but not above the ceiling", "[triage][queue]") {
  TriageQueueOptions o;  // IV allowed wait 180 s, step 3 min, ceiling II
  TriageQueue q(o);
  REQUIRE(q.push(make_call(1, PriorityGrade::kIV, t0)).queued());                  // d = 180
  REQUIRE(q.push(make_call(2, PriorityGrade::kIII, t0 + seconds(100))).queued());  // d = 220
  const TriageCall* iv = q.find(CallId(1));
  CHECK(q.effective_grade(*iv, t0 + seconds(179)) == PriorityGrade::kIV);
  CHECK(q.effective_grade(*iv, t0 + seconds(180)) == PriorityGrade::kIII);
  CHECK(q.effective_grade(*iv, t0 + seconds(359)) == PriorityGrade::kIII);
  CHECK(q.effective_grade(*iv, t0 + seconds(360)) == PriorityGrade::kII);
  CHECK(q.effective_grade(*iv, t0 + minutes(600)) == PriorityGrade::kII);  // ceiling
  // Before IV's deadline the III call is first; at 180 s both are grade III and the IV
  // call's deadline (180) is earlier than the III call's (220): the old call goes first.
  CHECK(q.peek(t0 + seconds(150))->id == CallId(2));
  CHECK(q.peek(t0 + seconds(180))->id == CallId(1));
  // A fresh grade II call still beats the grade III-aged call...
  REQUIRE(q.push(make_call(3, PriorityGrade::kII, t0 + seconds(200))).queued());  // d = 290
  CHECK(q.peek(t0 + seconds(200))->id == CallId(3));
  // ...until the IV call reaches grade II (360 s) with the earlier deadline (180 < 290).
  CHECK(q.peek(t0 + seconds(360))->id == CallId(1));
  // A grade I call always wins with the default ceiling II.
  REQUIRE(q.push(make_call(4, PriorityGrade::kI, t0 + seconds(3000))).queued());
  CHECK(q.peek(t0 + seconds(3000))->id == CallId(4));
  CHECK(drain(q, t0 + seconds(3000)) == std::vector<std::uint64_t>{4, 1, 2, 3});

  // Ceiling I and a zero step: an overdue call jumps straight to grade I.
  o.ageing_ceiling = PriorityGrade::kI;
  o.ageing_step = seconds(0);
  TriageQueue fast(o);
  REQUIRE(fast.push(make_call(1, PriorityGrade::kIV, t0)).queued());
  REQUIRE(fast.push(make_call(2, PriorityGrade::kI, t0 + seconds(150))).queued());  // d = 210
  CHECK(fast.peek(t0 + seconds(179))->id == CallId(2));
  CHECK(fast.peek(t0 + seconds(180))->id == CallId(1));
  CHECK(fast.effective_grade(*fast.find(CallId(1)), t0 + seconds(180)) == PriorityGrade::kI);
}

TEST_CASE("re-triage, dispatch by id, requeue, cancel, close, stamp", "[triage][queue]") {
  TriageQueue q;
  for (std::uint64_t id = 1; id <= 5; ++id)
    REQUIRE(q.push(make_call(id, PriorityGrade::kIII, t0 + seconds(id))).queued());
  const SimTime now = t0 + seconds(30);
  CHECK(q.peek(now)->id == CallId(1));
  // Upgrade call 4 to 9-E-1 / grade I: it goes first, keeping received and arrival order.
  const DeterminantCode arrest = *DeterminantCode::parse("9-E-1");
  REQUIRE(q.retriage(CallId(4), arrest, PriorityGrade::kI, now));
  CHECK(q.peek(now)->id == CallId(4));
  CHECK(q.find(CallId(4))->code == arrest);
  CHECK(q.find(CallId(4))->clocks.triaged == now);
  CHECK(q.find(CallId(4))->clocks.received == t0 + seconds(4));
  // Downgrade call 1 to IV: now after 2, 3, 5.
  REQUIRE(
      q.retriage(CallId(1), DeterminantCode::grade(PriorityGrade::kIV), PriorityGrade::kIV, now));
  CHECK(q.check_invariants());
  CHECK_FALSE(q.retriage(CallId(99), arrest, PriorityGrade::kI, now));
  CHECK_FALSE(q.retriage(CallId(2), arrest, static_cast<PriorityGrade>(7), now));
  // Cancel a waiting call; cancel twice fails.
  CHECK(q.cancel(CallId(3)));
  CHECK_FALSE(q.cancel(CallId(3)));
  CHECK(q.find(CallId(3)) == nullptr);
  // Serve 5 out of order (its top call has no suitable unit, say).
  CHECK(q.dispatch(CallId(5), now));
  CHECK_FALSE(q.dispatch(CallId(5), now));  // already active
  CHECK(q.stamp(CallId(5), Milestone::kOnScene, now + minutes(6)));
  CHECK_FALSE(q.stamp(CallId(5), Milestone::kReceived, now));
  CHECK_FALSE(q.stamp(CallId(5), Milestone::kDispatched, now));
  CHECK_FALSE(q.stamp(CallId(2), Milestone::kOnScene, now));               // not dispatched yet
  CHECK_FALSE(q.stamp(CallId(2), Milestone::kAnswered, t0 - seconds(1)));  // before received
  CHECK(q.stamp(CallId(2), Milestone::kAnswered, t0 + seconds(8)));
  CHECK(q.find(CallId(2))->clocks.answered == t0 + seconds(8));
  CHECK(drain(q, now) == std::vector<std::uint64_t>{4, 2, 1});
  // Call 5's unit is taken for a grade I call: 5 goes back to waiting, first in line.
  REQUIRE(q.push(make_call(6, PriorityGrade::kIII, now)).queued());
  CHECK(q.requeue(CallId(5)));
  CHECK_FALSE(q.requeue(CallId(5)));
  CHECK(q.find(CallId(5))->clocks.dispatched == kNoTime);
  CHECK(q.find(CallId(5))->clocks.on_scene == kNoTime);
  CHECK(q.peek(now)->id == CallId(5));
  CHECK_FALSE(q.close(CallId(5)));  // waiting, not active
  CHECK(q.close(CallId(4)));
  CHECK(q.find(CallId(4)) == nullptr);
  CHECK(q.size() == 4);  // 1, 2 active; 5, 6 waiting (3 cancelled, 4 closed)
  CHECK(q.waiting_count() == 2);
  CHECK(q.check_invariants());
}

TEST_CASE("push rejects invalid calls and ids in use", "[triage][queue]") {
  TriageQueue q;
  CHECK(q.push(make_call(1, PriorityGrade::kI, kNoTime)).status == PushStatus::kInvalidCall);
  CHECK(q.push(make_call(CallId::invalid().value(), PriorityGrade::kI, t0)).status ==
        PushStatus::kInvalidCall);
  CHECK(q.push(make_call(1, static_cast<PriorityGrade>(0), t0)).status == PushStatus::kInvalidCall);
  TriageCall far = make_call(1, PriorityGrade::kI, sim_time_from_unix(INT64_MAX - 5));
  CHECK(q.push(far).status == PushStatus::kInvalidCall);
  TriageCall dispatched = make_call(1, PriorityGrade::kI, t0);
  dispatched.clocks.dispatched = t0;
  CHECK(q.push(dispatched).status == PushStatus::kInvalidCall);
  REQUIRE(q.push(make_call(1, PriorityGrade::kI, t0)).queued());
  CHECK(q.push(make_call(1, PriorityGrade::kII, t0)).status == PushStatus::kIdInUse);
  CHECK(q.size() == 1);
  // Extreme `now` values do not overflow.
  CHECK(q.peek(sim_time_from_unix(INT64_MAX))->id == CallId(1));
  CHECK(q.peek(sim_time_from_unix(INT64_MIN + 1))->id == CallId(1));
  std::vector<AtRiskCall> risk;
  CHECK(q.calls_at_risk(sim_time_from_unix(INT64_MAX), SimDuration(INT64_MAX), risk) == 1);
}

TEST_CASE("calls at risk of missing the dispatch target", "[triage][queue]") {
  TriageQueue q;  // dispatch target 3 min
  q.reserve(40);
  for (std::uint64_t id = 1; id <= 40; ++id)
    REQUIRE(q.push(make_call(id, static_cast<PriorityGrade>(1 + id % 4), t0 + seconds(10 * id)))
                .queued());
  q.dispatch(CallId(3), t0 + seconds(100));  // active calls are not at risk
  std::vector<AtRiskCall> out;
  out.reserve(64);
  // At t0 + 200 s with 30 s margin: due when received + 180 <= 230, i.e. received <= 50 s:
  // ids 1..5 minus the dispatched 3.
  CHECK(q.calls_at_risk(t0 + seconds(200), seconds(30), out) == 4);
  REQUIRE(out.size() == 4);
  CHECK(out[0].id == CallId(1));
  CHECK(out[0].slack == seconds(-10));  // received 10 + 180 = 190 < 200
  CHECK(out[1].id == CallId(2));
  CHECK(out[2].id == CallId(4));
  CHECK(out[3].id == CallId(5));
  CHECK(out[3].slack == seconds(30));
  // Appends; no call is at risk long before.
  CHECK(q.calls_at_risk(t0, seconds(0), out) == 0);
  CHECK(out.size() == 4);
  // Against brute force at many times.
  for (int s = 0; s < 700; s += 7) {
    out.clear();
    const SimTime now = t0 + seconds(s);
    q.calls_at_risk(now, seconds(15), out);
    std::size_t expect = 0;
    q.for_each_call([&](const TriageCall& c, CallState st) {
      if (st == CallState::kWaiting && c.clocks.received + minutes(3) <= now + seconds(15))
        ++expect;
    });
    CHECK(out.size() == expect);
    CHECK(std::is_sorted(out.begin(), out.end(), [](const AtRiskCall& a, const AtRiskCall& b) {
      return a.slack < b.slack;
    }));
  }
}

namespace {
// The reference: a plain vector, the next call found by sorting on the documented key.
struct RefCall {
  std::uint64_t id;
  int grade;
  std::int64_t received;
  std::uint64_t seq;
  bool waiting;
};

int ref_effective(const TriageQueueOptions& o, int grade, std::int64_t deadline, std::int64_t now) {
  const int ceiling = static_cast<int>(o.ageing_ceiling);
  if (grade <= ceiling || now < deadline) return grade;
  const std::int64_t step = o.ageing_step.count();
  const std::int64_t levels = step == 0 ? 99 : 1 + (now - deadline) / step;
  return static_cast<int>(std::max<std::int64_t>(ceiling, grade - levels));
}

void run_model(const TriageQueueOptions& options, std::uint64_t seed, int operations) {
  std::mt19937_64 rng(seed);
  TriageQueue q(options);
  std::vector<RefCall> ref;
  std::uint64_t next_id = 1, next_seq = 0;
  std::int64_t now = to_unix_seconds(t0);
  const auto deadline = [&](const RefCall& r) {
    return r.received + options.targets.allowed_wait(static_cast<PriorityGrade>(r.grade)).count();
  };
  const auto ref_top = [&](std::int64_t at) -> const RefCall* {
    std::vector<const RefCall*> w;
    for (const RefCall& r : ref)
      if (r.waiting) w.push_back(&r);
    if (w.empty()) return nullptr;
    std::sort(w.begin(), w.end(), [&](const RefCall* a, const RefCall* b) {
      const auto ka =
          std::make_tuple(ref_effective(options, a->grade, deadline(*a), at), deadline(*a), a->seq);
      const auto kb =
          std::make_tuple(ref_effective(options, b->grade, deadline(*b), at), deadline(*b), b->seq);
      return ka < kb;
    });
    return w.front();
  };
  const auto pick = [&](bool waiting) -> RefCall* {
    std::vector<RefCall*> c;
    for (RefCall& r : ref)
      if (r.waiting == waiting) c.push_back(&r);
    if (c.empty()) return nullptr;
    return c[rng() % c.size()];
  };
  int pops = 0, checks = 0;
  for (int op = 0; op < operations; ++op) {
    now += static_cast<std::int64_t>(rng() % 12);
    const int r = static_cast<int>(rng() % 100);
    const bool grow = ref.size() < 300;
    if (r < (grow ? 45 : 25)) {  // push
      const int g = 1 + static_cast<int>(rng() % 4);
      // Received up to 15 min back (late entry of a call), sometimes exactly `now`.
      const std::int64_t received =
          now - static_cast<std::int64_t>(rng() % 4 == 0 ? 0 : rng() % 900);
      const std::uint64_t id = next_id++;
      const TriageCall call =
          make_call(id, static_cast<PriorityGrade>(g), sim_time_from_unix(received));
      PushResult pushed = q.push(call);
      if (pushed.status == PushStatus::kCapacityReached) {  // refused, nothing changed: grow
        REQUIRE(q.size() == q.capacity());
        q.reserve(2 * q.capacity());
        pushed = q.push(call);
      }
      REQUIRE(pushed.queued());
      ref.push_back({id, g, received, next_seq++, true});
    } else if (r < 60) {  // pop
      const RefCall* expect = ref_top(now);
      const std::optional<TriageCall> got = q.pop(sim_time_from_unix(now));
      REQUIRE(got.has_value() == (expect != nullptr));
      if (got) {
        REQUIRE(got->id.value() == expect->id);
        for (RefCall& x : ref)
          if (x.id == expect->id) x.waiting = false;
        ++pops;
      }
    } else if (r < 75) {  // re-triage a waiting (mostly) or active call
      if (RefCall* x = pick(rng() % 5 != 0)) {
        const int g = 1 + static_cast<int>(rng() % 4);
        REQUIRE(q.retriage(CallId(x->id), DeterminantCode::grade(static_cast<PriorityGrade>(g)),
                           static_cast<PriorityGrade>(g), sim_time_from_unix(now)));
        x->grade = g;
      }
    } else if (r < 85) {  // cancel
      if (RefCall* x = pick(rng() % 3 != 0)) {
        REQUIRE(q.cancel(CallId(x->id)));
        ref.erase(
            std::find_if(ref.begin(), ref.end(), [&](const RefCall& y) { return y.id == x->id; }));
      }
    } else if (r < 90) {  // requeue an active call
      if (RefCall* x = pick(false)) {
        REQUIRE(q.requeue(CallId(x->id)));
        x->waiting = true;
      }
    } else if (r < 96) {  // close an active call
      if (RefCall* x = pick(false)) {
        REQUIRE(q.close(CallId(x->id)));
        ref.erase(
            std::find_if(ref.begin(), ref.end(), [&](const RefCall& y) { return y.id == x->id; }));
      }
    } else {  // dispatch a waiting call by id
      if (RefCall* x = pick(true)) {
        REQUIRE(q.dispatch(CallId(x->id), sim_time_from_unix(now)));
        x->waiting = false;
      }
    }
    // peek agrees after every operation (and at a few later times: ageing changes the
    // order as the clock runs, without any operation).
    for (const std::int64_t at : {now, now + static_cast<std::int64_t>(rng() % 1200)}) {
      const RefCall* expect = ref_top(at);
      const TriageCall* got = q.peek(sim_time_from_unix(at));
      REQUIRE((got != nullptr) == (expect != nullptr));
      if (got) REQUIRE(got->id.value() == expect->id);
    }
    ++checks;
    if (op % 1000 == 0) {
      REQUIRE(q.check_invariants());
      std::size_t waiting = 0;
      for (const RefCall& x : ref) waiting += x.waiting;
      REQUIRE(q.waiting_count() == waiting);
      REQUIRE(q.size() == ref.size());
    }
  }
  REQUIRE(q.check_invariants());
  CHECK(pops > operations / 10);
  CHECK(checks == operations);
}
}  // namespace

TEST_CASE("randomized model test against a sorted vector, 100,000 operations",
          "[triage][queue][model]") {
  SECTION("default options") {
    run_model(TriageQueueOptions{}, 42, 100'000);
  }
  SECTION("ceiling I, one-minute steps, short waits") {
    TriageQueueOptions o;
    o.ageing_ceiling = PriorityGrade::kI;
    o.ageing_step = minutes(1);
    o.targets.set_allowed_wait(PriorityGrade::kIV, seconds(30));
    o.targets.set_allowed_wait(PriorityGrade::kI, seconds(0));
    run_model(o, 7, 100'000);
  }
  SECTION("no ageing step (straight to the ceiling)") {
    TriageQueueOptions o;
    o.ageing_step = seconds(0);
    run_model(o, 99, 30'000);
  }
}

TEST_CASE("calls_at_risk_into: the most urgent first, cut to the caller's span",
          "[triage][queue]") {
  TriageQueue q;
  q.reserve(300);
  std::mt19937_64 rng(17);
  for (std::uint64_t id = 1; id <= 300; ++id)  // many equal received times: ties by id
    REQUIRE(q.push(make_call(id, static_cast<PriorityGrade>(1 + rng() % 4),
                             t0 + seconds(static_cast<std::int64_t>(rng() % 120))))
                .queued());
  for (std::uint64_t id = 1; id <= 300; id += 7) q.dispatch(CallId(id), t0 + seconds(60));
  std::vector<AtRiskCall> all;
  std::array<AtRiskCall, 40> buffer{};
  for (int s = 150; s < 330; s += 9) {
    const SimTime now = t0 + seconds(s);
    all.clear();
    const std::size_t k = q.calls_at_risk(now, seconds(10), all);
    REQUIRE(all.size() == k);
    for (std::size_t m : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{40}}) {
      INFO("now +" << s << " s, span " << m);
      const std::span<AtRiskCall> out(buffer.data(), m);
      REQUIRE(q.calls_at_risk_into(now, seconds(10), out) == k);
      for (std::size_t i = 0; i < std::min(k, m); ++i) {
        CHECK(out[i].id == all[i].id);
        CHECK(out[i].slack == all[i].slack);
      }
    }
  }
}

TEST_CASE("a full queue refuses a push and changes nothing; reserve() makes room, keeps all",
          "[triage][queue]") {
  TriageQueue q;
  q.reserve(4);  // never shrinks: the constructor's 16 stay
  REQUIRE(q.capacity() == 16);
  int refused = 0;
  for (std::uint64_t id = 1; id <= 1000; ++id) {
    const LatLon where{31.23 + 1e-4 * static_cast<double>(id % 50), 121.47};
    const TriageCall call =
        make_call(id, static_cast<PriorityGrade>(1 + id % 4), t0 + seconds(id), where);
    PushResult r = q.push(call, DuplicatePolicy::kIgnore);
    if (r.status == PushStatus::kCapacityReached) {
      ++refused;
      REQUIRE(q.full());
      REQUIRE(q.size() == q.capacity());
      const std::string before = q.serialize();  // every call, clock and arrival number
      CHECK_FALSE(q.push(call, DuplicatePolicy::kIgnore).queued());
      CHECK(q.find(call.id) == nullptr);
      CHECK(q.serialize() == before);  // nothing lost, nothing added
      const TriageQueue copy = q;
      const std::size_t capacity = q.capacity();
      q.reserve(capacity + capacity / 2);
      CHECK(q.capacity() == capacity + capacity / 2);
      REQUIRE(q.check_invariants());
      // Growth keeps every call and its place: the same calls leave in the same order.
      TriageQueue grown = q, kept = copy;
      REQUIRE(grown.size() == kept.size());
      const SimTime late = t0 + minutes(600);
      while (std::optional<TriageCall> c = kept.pop(late)) {
        const std::optional<TriageCall> g = grown.pop(late);
        REQUIRE(g.has_value());
        REQUIRE(g->id == c->id);
        REQUIRE(g->clocks == c->clocks);
      }
      CHECK(grown.waiting_count() == 0);
      r = q.push(call, DuplicatePolicy::kIgnore);
    }
    REQUIRE(r.queued());
  }
  CHECK(refused > 5);
  CHECK(q.size() == 1000);
  CHECK(q.capacity() >= 1000);
  CHECK(q.check_invariants());
  for (std::uint64_t id = 1; id <= 1000; id += 3) CHECK(q.cancel(CallId(id)));
  CHECK(q.check_invariants());
  CHECK(q.find_probable_duplicate(LatLon{31.23, 121.47}, t0, DeterminantCode()).has_value());
}

TEST_CASE("duplicate detection on a drawn scene", "[triage][queue][duplicates]") {
  // Shanghai, People's Square. 0.001 deg of latitude ~ 111 m.
  //
  //        B (+150 m N, 29-D-1 traffic)       D (+300 m N, 29-D-1)
  //   A (29-B-1 traffic, waiting) --- C (+100 m E, 24-D-1 pregnancy)
  const LatLon a{31.2304, 121.4737};
  const LatLon b{31.2304 + 150.0 / detail::kMetersPerDegree, 121.4737};
  const LatLon c{31.2304,
                 121.4737 + 100.0 / (detail::kMetersPerDegree * std::cos(31.2304 * M_PI / 180))};
  const LatLon d{31.2304 + 300.0 / detail::kMetersPerDegree, 121.4737};
  TriageQueue q;  // radius 200 m, window 30 min
  REQUIRE(q.push(make_call(1, PriorityGrade::kIII, t0, a, "29-B-1")).queued());
  // B: 150 m away, 2 min later, traffic: a probable duplicate of A, not queued.
  PushResult r = q.push(make_call(2, PriorityGrade::kII, t0 + minutes(2), b, "29-D-1"));
  CHECK(r.status == PushStatus::kProbableDuplicate);
  REQUIRE(r.duplicate.has_value());
  CHECK(r.duplicate->id == CallId(1));
  CHECK(r.duplicate->state == CallState::kWaiting);
  CHECK(r.duplicate->distance.value() == Approx(150).epsilon(0.01));
  CHECK(r.duplicate->time_apart == minutes(2));
  CHECK(q.find(CallId(2)) == nullptr);
  // A compatible complaint of another group member (30 trauma, 21 haemorrhage) or a
  // "person down" / unknown problem (31, 32) or a plain grade: also duplicates.
  for (std::string_view code : {"30-B-1", "21-D-1", "31-D-2", "32-B-1", "II", "LOCAL"})
    CHECK(q.find_probable_duplicate(b, t0 + minutes(2), *DeterminantCode::parse(code)));
  // Pregnancy (24) is not a traffic complaint: C is a second incident.
  CHECK_FALSE(q.find_probable_duplicate(c, t0, *DeterminantCode::parse("24-D-1")));
  REQUIRE(q.push(make_call(3, PriorityGrade::kI, t0 + minutes(1), c, "24-D-1")).queued());
  // D at 300 m: beyond the radius.
  CHECK_FALSE(q.find_probable_duplicate(d, t0, *DeterminantCode::parse("29-D-1")));
  // B again 31 min later: beyond the window.
  CHECK_FALSE(q.find_probable_duplicate(b, t0 + minutes(31), *DeterminantCode::parse("29-D-1")));
  CHECK(q.find_probable_duplicate(b, t0 - minutes(30), *DeterminantCode::parse("29-D-1")));
  // The call-taker overrides: queued as its own incident.
  CHECK(q.push(make_call(2, PriorityGrade::kII, t0 + minutes(2), b, "29-D-1"),
               DuplicatePolicy::kIgnore)
            .queued());
  // Nearest wins: at A's spot, A (0 m) rather than B (150 m).
  CHECK(q.find_probable_duplicate(a, t0, *DeterminantCode::parse("29-D-1"))->id == CallId(1));
  // `ignore` skips a call (re-checking a queued call against the others).
  CHECK(q.find_probable_duplicate(a, t0, *DeterminantCode::parse("29-D-1"), CallId(1))->id ==
        CallId(2));
  // Active calls still count; closed ones do not.
  q.dispatch(CallId(1), t0 + minutes(3));
  q.cancel(CallId(2));
  auto m = q.find_probable_duplicate(a, t0 + minutes(10), *DeterminantCode::parse("29-A-1"));
  REQUIRE(m.has_value());
  CHECK(m->state == CallState::kActive);
  q.close(CallId(1));
  CHECK_FALSE(q.find_probable_duplicate(a, t0 + minutes(10), *DeterminantCode::parse("29-A-1")));
  // Unknown locations are never duplicates.
  CHECK_FALSE(q.find_probable_duplicate(LatLon{std::nan(""), 0}, t0, DeterminantCode()));
  // Same-protocol-only compatibility.
  TriageQueueOptions strict;
  strict.duplicates.compatibility = ComplaintCompatibility::same_protocol_only();
  TriageQueue s(strict);
  REQUIRE(s.push(make_call(1, PriorityGrade::kIII, t0, a, "29-B-1")).queued());
  CHECK_FALSE(s.find_probable_duplicate(b, t0, *DeterminantCode::parse("30-B-1")));
  CHECK(s.find_probable_duplicate(b, t0, *DeterminantCode::parse("29-A-1")));
}

TEST_CASE("duplicate detection agrees with brute force, also far north and on the meridian",
          "[triage][queue][duplicates]") {
  struct Place {
    LatLon centre;
    double radius_m;
  };
  for (const Place& place :
       {Place{{37.77, -122.42}, 200}, Place{{69.65, 18.96}, 500}, Place{{51.4779, 0.0}, 150},
        Place{{-33.87, 151.21}, 80}, Place{{0.0, -0.0005}, 300}}) {
    TriageQueueOptions o;
    o.duplicates.radius = Meters(place.radius_m);
    o.duplicates.window = minutes(20);
    TriageQueue q(o);
    q.reserve(1500);
    std::mt19937_64 rng(123);
    std::uniform_real_distribution<double> off(-0.02, 0.02);  // ~ +-2 km
    std::vector<TriageCall> known;
    for (std::uint64_t id = 1; id <= 1500; ++id) {
      TriageCall c = make_call(id, PriorityGrade::kIII, t0 + seconds(rng() % 7200),
                               LatLon{place.centre.lat + off(rng), place.centre.lon + off(rng)});
      c.code =
          *DeterminantCode::mpds(1 + static_cast<int>(rng() % 37), DeterminantLevel::kBravo, 1);
      REQUIRE(q.push(c, DuplicatePolicy::kIgnore).queued());
      known.push_back(c);
    }
    std::size_t found = 0;
    for (int k = 0; k < 1500; ++k) {
      const LatLon p{place.centre.lat + off(rng), place.centre.lon + off(rng)};
      const SimTime t = t0 + seconds(rng() % 7200);
      const DeterminantCode code =
          *DeterminantCode::mpds(1 + static_cast<int>(rng() % 37), DeterminantLevel::kAlpha, 1);
      std::optional<DuplicateMatch> expect;
      for (const TriageCall& c : known) {
        const Meters dist = haversine(p, c.location);
        const SimDuration apart =
            c.clocks.received > t ? c.clocks.received - t : t - c.clocks.received;
        if (dist.value() > place.radius_m || apart > o.duplicates.window ||
            !o.duplicates.compatibility.compatible(code, c.code))
          continue;
        if (!expect || dist < expect->distance ||
            (dist == expect->distance && apart < expect->time_apart))
          expect = DuplicateMatch{c.id, CallState::kWaiting, dist, apart};
      }
      const std::optional<DuplicateMatch> got = q.find_probable_duplicate(p, t, code);
      REQUIRE(got.has_value() == expect.has_value());
      if (got) {
        CHECK(got->id == expect->id);
        ++found;
      }
    }
    INFO("place " << place.centre.lat << "," << place.centre.lon);
    CHECK(found > 10);  // the scenario does exercise matches
  }
}
