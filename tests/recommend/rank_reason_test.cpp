// Rank reasons: the built-in six keep their names and codes; a strategy registers its own
// by name (thread-safe, idempotent, validated, bounded); explain() prints them by name.
#include <catch2/catch.hpp>

#include <array>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "dispatchkit/recommend/rank_reason.hpp"
#include "recommend_fixtures.hpp"

using namespace dispatchkit;
using namespace dk_rec_test;

TEST_CASE("the built-in rank reasons keep their names and codes", "[recommend][reason]") {
  const std::array<RankReason, 6> builtin = {
      RankReason::kClosest,           RankReason::kRequirement,
      RankReason::kLeastCoverageLoss, RankReason::kClosestNoneInTarget,
      RankReason::kBeyondTarget,      RankReason::kPreemptFaster};
  const std::array<std::string_view, 6> names = {
      "closest",       "plan_requirement", "least_coverage_loss", "closest_none_in_target",
      "beyond_target", "preempt_faster"};
  for (std::size_t i = 0; i < builtin.size(); ++i) {
    CHECK(builtin[i].code() == i);
    CHECK(builtin[i].is_builtin());
    CHECK(to_string(builtin[i]) == names[i]);
    CHECK(kRankReasonNames[i] == names[i]);
    CHECK(RankReason::find(names[i]) == builtin[i]);
    CHECK(RankReason::from_code(static_cast<std::uint8_t>(i)) == builtin[i]);
  }
  CHECK(RankReason() == RankReason::kClosest);  // Candidate's default
  CHECK(Candidate{}.reason == RankReason::kClosest);
  static_assert(sizeof(RankReason) == 1);
  static_assert(noexcept(RankReason::kClosest.name()));
  static_assert(noexcept(to_string(RankReason::kClosest)));
  static_assert(noexcept(RankReason::find("closest")));
  static_assert(noexcept(RankReason::from_code(0)));
}

TEST_CASE("a strategy registers a reason by name, once", "[recommend][reason]") {
  const absl::StatusOr<RankReason> als = RankReason::register_reason("test.nearest_als");
  REQUIRE(als.ok());
  CHECK_FALSE(als->is_builtin());
  CHECK(als->code() >= kRankReasonNames.size());
  CHECK(als->name() == "test.nearest_als");
  CHECK(to_string(*als) == "test.nearest_als");
  CHECK(RankReason::find("test.nearest_als") == *als);
  CHECK(RankReason::from_code(als->code()) == *als);
  CHECK(*als != RankReason::kClosest);
  // Again (another translation unit including the strategy's header): the same reason.
  const absl::StatusOr<RankReason> again = RankReason::register_reason("test.nearest_als");
  REQUIRE(again.ok());
  CHECK(*again == *als);
  // A second name gets a code of its own; a built-in name gives the built-in reason.
  const absl::StatusOr<RankReason> bls = RankReason::register_reason("test.nearest-bls_2");
  REQUIRE(bls.ok());
  CHECK(*bls != *als);
  CHECK(RankReason::register_reason("closest").value() == RankReason::kClosest);
  // Never registered: no reason.
  CHECK_FALSE(RankReason::find("test.never_registered").has_value());
  CHECK_FALSE(RankReason::from_code(255).has_value());
}

TEST_CASE("a reason name that reports could not print unquoted is refused", "[recommend][reason]") {
  for (const std::string_view bad :
       {std::string_view(""), std::string_view("Nearest"), std::string_view("two words"),
        std::string_view("a,b"), std::string_view("quote\""), std::string_view("tab\t"),
        std::string_view("caf\xc3\xa9")}) {
    INFO("name '" << std::string(bad) << "'");
    const absl::StatusOr<RankReason> r = RankReason::register_reason(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(std::string(r.status().message()) ==
          "RankReason::register_reason: expected a name of 1 to 64 characters a-z, 0-9, '_', "
          "'.' or '-', got '" +
              std::string(bad) + "'");
  }
  const std::string longest(RankReason::kMaxNameLength, 'x');
  CHECK(RankReason::register_reason(longest).ok());
  CHECK(RankReason::register_reason(longest + "x").status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("a full reason table refuses new names and keeps the old ones", "[recommend][reason]") {
  // A table of its own, so that the process's table keeps room for the other tests.
  detail::RankReasonTable table;
  CHECK(table.size() == kRankReasonNames.size());
  for (std::size_t i = table.size(); i < RankReason::kCapacity; ++i) {
    const absl::StatusOr<std::uint8_t> code = table.add("r" + std::to_string(i));
    REQUIRE(code.ok());
    CHECK(*code == i);
  }
  CHECK(table.size() == RankReason::kCapacity);
  const absl::StatusOr<std::uint8_t> full = table.add("one_too_many");
  CHECK(full.status().code() == absl::StatusCode::kResourceExhausted);
  CHECK(std::string(full.status().message()) ==
        "RankReason::register_reason: all 256 reason codes are taken; cannot add 'one_too_many'");
  CHECK(table.add("r100").value() == 100);  // known names still resolve
  CHECK(table.add("closest").value() == 0);
  CHECK(table.name(255) == "r255");
  CHECK(table.find("r7") == std::uint8_t{7});
}

TEST_CASE("reasons register and print from many threads at once", "[recommend][reason]") {
  // Every thread registers the same names in a different order while reading names back;
  // all must agree on one code per name. Not tagged as a stress test: scripts/test.sh would then
  // build this whole suite under TSan; build this file alone with -fsanitize=thread to check.
  constexpr int kThreads = 4;
  constexpr int kNames = 24;
  std::array<std::array<int, kNames>, kThreads> codes{};
  std::atomic<bool> go{false};
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      for (int k = 0; k < kNames; ++k) {
        const int n = (k * 7 + t * 5) % kNames;
        const std::string name = "test.concurrent_" + std::to_string(n);
        const absl::StatusOr<RankReason> r = RankReason::register_reason(name);
        if (!r.ok() || r->name() != name || RankReason::find(name) != *r) ++mismatches;
        codes[t][n] = r.ok() ? r->code() : -1;
        // Readers walk every code registered so far, lock-free.
        for (int c = 0; c < 256; ++c)
          if (const auto any = RankReason::from_code(static_cast<std::uint8_t>(c)))
            if (any->name().empty()) ++mismatches;
      }
    });
  go = true;
  for (std::thread& th : threads) th.join();
  CHECK(mismatches == 0);
  for (int n = 0; n < kNames; ++n) {
    for (int t = 1; t < kThreads; ++t) CHECK(codes[t][n] == codes[0][n]);
    for (int m = 0; m < n; ++m) CHECK(codes[0][m] != codes[0][n]);
  }
}

TEST_CASE("a registered reason is used by a kit-built strategy and printed by explain()",
          "[recommend][reason]") {
  // Drawn town (recommend_fixtures.hpp). Scene at 1. A waits in quarters at 4: 60 s
  // turnout + 60 s drive = 2:00. B rolls past 0: 15 s turnout + 120 s drive = 2:15, within
  // RollingFirst's 60 s slack, so B goes first under its registered reason.
  const RoadGraph g = drawn_town();
  DijkstraOracle oracle(g);
  Fleet f;
  add(f, "A", 4, kAlsAmb);
  add(f, "B", 0, kAlsAmb, UnitStatus::kAvailableMobile);
  add(f, "C", 5, kAlsAmb);
  RollingFirst strategy;
  Recommendation rec;
  strategy.recommend(incident_at(RoadPosition::at_node(NodeId(1))), f, oracle, rec);
  REQUIRE(rec.status.ok());
  REQUIRE(rec.candidates.size() == 3);
  CHECK(rec.candidates[0].unit == UnitId(1));
  CHECK(rec.candidates[0].reason == kRollingWithinSlack);
  CHECK(rec.candidates[1].unit == UnitId(0));
  CHECK(rec.candidates[1].reason == RankReason::kClosest);
  CHECK(rec.candidates[2].reason == RankReason::kClosest);
  CHECK(explain(rec, f) ==
        "incident 1 [test_rolling_first]: 3 suitable unit(s)\n"
        "  1. B  ETA 2:15 (turnout 0:15)  test.rolling_within_slack\n"
        "  2. A  ETA 2:00 (turnout 1:00)  closest\n"
        "  3. C  ETA 5:00 (turnout 1:00)  closest\n");
  // Without a rolling unit in reach, the rule is closest-idle and says so.
  REQUIRE(f.set_status(UnitId(1), UnitStatus::kOutOfService).ok());
  strategy.recommend(incident_at(RoadPosition::at_node(NodeId(1))), f, oracle, rec);
  REQUIRE(rec.candidates.size() == 2);
  for (const Candidate& c : rec.candidates) CHECK(c.reason == RankReason::kClosest);
}

TEST_CASE("the kit orders by ETA then unit id", "[recommend][kit]") {
  std::vector<Recommendation::PoolEntry> pool = {{4, 900}, {2, 300}, {3, 300}, {1, 1200}, {0, 300}};
  CHECK(nearest_first(pool, 2) == 2);
  CHECK(pool[0].unit == 0);
  CHECK(pool[1].unit == 2);
  CHECK(nearest_first(pool, 99) == pool.size());
  const std::array<std::uint32_t, 5> order = {0, 2, 3, 4, 1};
  for (std::size_t i = 0; i < order.size(); ++i) CHECK(pool[i].unit == order[i]);
  CHECK(by_eta({1, 10}, {0, 11}));
  CHECK_FALSE(by_eta({1, 10}, {0, 10}));
  CHECK_FALSE(by_eta({1, 10}, {1, 10}));  // strict
}
