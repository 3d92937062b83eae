// Tests for the ServiceTargets CSV format (triage/service_targets.hpp).
#include <catch2/catch.hpp>

#include "dispatchkit/triage/service_targets.hpp"
#include "test_data.hpp"

using namespace dispatchkit;
using std::chrono::minutes;
using std::chrono::seconds;

TEST_CASE("the bundled service targets file equals the defaults", "[triage][targets]") {
  absl::StatusOr<ServiceTargets> t =
      ServiceTargets::load(dk_test::bundled("triage/default_service_targets.csv"));
  INFO(t.status().ToString());
  REQUIRE(t.ok());
  CHECK(*t == ServiceTargets::defaults());
}

TEST_CASE("service targets: wildcards, overrides in order, unlisted values kept",
          "[triage][targets]") {
  absl::StatusOr<ServiceTargets> t = ServiceTargets::parse(
      "# agency\n"
      "target,area_class,grade,seconds\n"
      "response,*,III,1000\n"
      "response,urban,III,700\r\n"
      "response,rural,*,600\n"
      "allowed_wait,*,*,30\n"
      "dispatch,*,*,120\n",
      "agency.csv");
  INFO(t.status().ToString());
  REQUIRE(t.ok());
  CHECK(t->response(AreaClass::kUrban, PriorityGrade::kIII) == seconds(700));
  CHECK(t->response(AreaClass::kMountainIsland, PriorityGrade::kIII) == seconds(1000));
  CHECK(t->response(AreaClass::kRural, PriorityGrade::kIII) == seconds(600));
  CHECK(t->response(AreaClass::kRural, PriorityGrade::kI) == seconds(600));
  CHECK(t->response(AreaClass::kUrban, PriorityGrade::kI) == minutes(8));  // default kept
  CHECK(t->allowed_wait(PriorityGrade::kIV) == seconds(30));
  CHECK(t->dispatch() == minutes(2));
  CHECK(t->answer() == seconds(10));
}

TEST_CASE("service targets: every bad line is reported", "[triage][targets]") {
  const std::string header = "target,area_class,grade,seconds\n";
  struct Case {
    std::string row, expect;
  };
  const Case cases[] = {
      {"response,urban,I\n", "expected 4 fields"},
      {"response,urban,I,-5\n", "seconds '-5'"},
      {"response,urban,I,8min\n", "seconds '8min'"},
      {"response,city,I,60\n", "area_class 'city'"},
      {"response,urban,V,60\n", "grade 'V'"},
      {"answer,urban,*,10\n", "area_class and grade must be *"},
      {"dispatch,*,I,10\n", "area_class and grade must be *"},
      {"allowed_wait,rural,I,10\n", "area_class must be *"},
      {"arrival,*,*,10\n", "target 'arrival'"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ServiceTargets> t = ServiceTargets::parse(header + c.row, "t.csv");
    INFO(c.row << " -> " << t.status().ToString());
    REQUIRE_FALSE(t.ok());
    CHECK(t.status().code() == absl::StatusCode::kInvalidArgument);
    const std::string m(t.status().message());
    CHECK(m.find("t.csv:2: ") == 0);
    CHECK(m.find(c.expect) != std::string::npos);
  }
  absl::StatusOr<ServiceTargets> many =
      ServiceTargets::parse(header + "response,city,I,60\nanswer,*,*,10\narrival,*,*,1\n", "t.csv");
  REQUIRE_FALSE(many.ok());
  const std::string m(many.status().message());
  CHECK(m.find("t.csv:2:") != std::string::npos);
  CHECK(m.find("t.csv:4:") != std::string::npos);
  CHECK(m.find("t.csv:3:") == std::string::npos);
  CHECK_FALSE(ServiceTargets::parse("target,grade\n", "h.csv").ok());
  CHECK_FALSE(ServiceTargets::parse("", "e.csv").ok());
  CHECK(ServiceTargets::load("/nonexistent/targets.csv").status().code() ==
        absl::StatusCode::kNotFound);
}
