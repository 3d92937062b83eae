// Tests for triage/response_plan.hpp: resources grammar, CSV loading (good table and each
// kind of bad line), most-specific lookup, the default table.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "dispatchkit/io/file.hpp"
#include "dispatchkit/triage/response_plan.hpp"
#include "test_data.hpp"

using namespace dispatchkit;

namespace {
constexpr std::string_view kHeader =
    "code,grade,travel_mode,resources,specialty,transport,may_preempt,note\n";

DeterminantCode code(std::string_view s) {
  return *DeterminantCode::parse(s);
}

std::string error_of(std::string_view body) {
  absl::StatusOr<ResponsePlanTable> t =
      ResponsePlanTable::parse(std::string(kHeader) + std::string(body), "plans.csv");
  if (t.ok()) return "OK";
  CHECK(t.status().code() == absl::StatusCode::kInvalidArgument);
  return std::string(t.status().message());
}
}  // namespace

TEST_CASE("resources grammar", "[triage][plan]") {
  auto r = parse_resources("als&transport+aed_volunteer|first_responder");
  REQUIRE(r.ok());
  REQUIRE(r->size() == 2);
  CHECK((*r)[0].alternatives.size() == 1);
  CHECK((*r)[0].alternatives[0] == (CapabilitySet{Capability::kAls} | Capability::kTransport));
  CHECK((*r)[0].label == "als&transport");
  CHECK((*r)[1].alternatives.size() == 2);
  CHECK((*r)[1].label == "aed_volunteer|first_responder");  // alternatives in written order
  CHECK((*r)[1].count == 1);
  // A unit qualifies with all capabilities of one alternative.
  CHECK((*r)[0].is_met_by(CapabilitySet{Capability::kAls} | Capability::kTransport |
                          Capability::kNegativePressure));
  CHECK_FALSE((*r)[0].is_met_by(CapabilitySet{Capability::kAls}));  // ALS fly-car
  CHECK((*r)[1].is_met_by(CapabilitySet{Capability::kAedVolunteer}));
  CHECK((*r)[1].is_met_by(CapabilitySet{Capability::kFirstResponder}));
  CHECK_FALSE((*r)[1].is_met_by(CapabilitySet{Capability::kBls}));

  auto two = parse_resources("2*bls&transport");
  REQUIRE(two.ok());
  CHECK((*two)[0].count == 2);
  CHECK(format_resources(*two) == "2*bls&transport");
  auto none = parse_resources("none");
  REQUIRE(none.ok());
  CHECK(none->empty());
  CHECK(format_resources(*none) == "none");
  for (std::string_view bad : {"", "als+", "+als", "als||bls", "als&", "ambulance", "0*als",
                               "10*als", "x*als", "als & bls", "2*", "als&transport+none"}) {
    INFO(bad);
    CHECK_FALSE(parse_resources(bad).ok());
  }
}

TEST_CASE("a good table loads and the most specific row wins", "[triage][plan]") {
  // Comments, blank lines, quoted notes with commas, CRLF endings.
  const std::string csv = std::string("# agency table\n\n") + std::string(kHeader) +
                          "*,II,hot,als&transport,none,yes,no,fallback\r\n"
                          "*-E-*,I,lights_and_sirens,als&transport+aed_volunteer|first_responder,"
                          "none,yes,yes,\"Echo, all\"\n"
                          "9-*-*,I,hot,als&transport,none,yes,III|IV,arrest protocol\n"
                          "9-E-1,I,hot,2*als&transport,none,yes,II|IV,\n"
                          "9-E-1A,I,hot,als&transport,none,yes,no,suffix row\n"
                          "28-C-*,II,hot,als&transport,stroke,yes,IV,stroke\n"
                          "*-O-*,IV,cold,none,none,no,no,referral\n"
                          "II,II,hot,als&transport,none,yes,IV,grade II\n"
                          "NEONATAL,I,hot,neonatal&transport,critical_child,yes,no,local\n";
  absl::StatusOr<ResponsePlanTable> t = ResponsePlanTable::parse(csv, "agency.csv");
  INFO(t.status().ToString());
  REQUIRE(t.ok());
  CHECK(t->size() == 9);
  CHECK(t->source() == "agency.csv");

  const ResponsePlan* p = t->lookup(code("9-E-1"));
  REQUIRE(p != nullptr);
  CHECK(p->pattern.to_string() == "9-E-1");
  CHECK(p->resources[0].count == 2);
  CHECK(p->may_preempt(PriorityGrade::kII));
  CHECK_FALSE(p->may_preempt(PriorityGrade::kIII));
  CHECK(t->lookup(code("9-E-1A"))->pattern.to_string() == "9-E-1A");
  CHECK(t->lookup(code("9-E-1B"))->pattern.to_string() == "9-E-1");
  // "9-*-*" (protocol fixed) beats "*-E-*" (level fixed).
  CHECK(t->lookup(code("9-E-2"))->pattern.to_string() == "9-*-*");
  CHECK(t->lookup(code("6-E-1"))->pattern.to_string() == "*-E-*");
  const ResponsePlan* echo = t->lookup(code("6-E-1"));
  CHECK(echo->note == "Echo, all");
  CHECK(echo->preempt_from == GradeSet::less_urgent_than(PriorityGrade::kI));
  CHECK(echo->source_line == 5);
  CHECK(t->lookup(code("28-C-3"))->destination == Specialty::kStroke);
  CHECK(t->lookup(code("28-C-3"))->travel_mode == TravelMode::kLightsAndSirens);
  const ResponsePlan* omega = t->lookup(code("17-\xCE\xA9-1"));
  CHECK(omega->grade == PriorityGrade::kIV);
  CHECK_FALSE(omega->sends_units());
  CHECK(omega->travel_mode == TravelMode::kNormal);
  CHECK(t->lookup(code("II"))->pattern.to_string() == "II");
  CHECK(t->lookup(code("III"))->pattern.to_string() == "*");
  CHECK(t->lookup(code("NEONATAL"))->destination == Specialty::kCriticalChild);
  CHECK(t->lookup(code("OTHER"))->pattern.to_string() == "*");

  // to_csv() round-trips.
  absl::StatusOr<ResponsePlanTable> again = ResponsePlanTable::parse(t->to_csv());
  REQUIRE(again.ok());
  CHECK(again->to_csv() == t->to_csv());

  // Without a "*" row, an unmatched code finds nothing.
  absl::StatusOr<ResponsePlanTable> narrow =
      ResponsePlanTable::parse(std::string(kHeader) + "9-E-*,I,hot,als,none,no,no,\n");
  REQUIRE(narrow.ok());
  CHECK(narrow->lookup(code("9-D-1")) == nullptr);
  CHECK(ResponsePlanTable().lookup(code("9-E-1")) == nullptr);
}

TEST_CASE("each kind of bad line gets its own file:line error", "[triage][plan]") {
  const std::string good = "9-E-*,I,hot,als&transport,none,yes,no,x\n";
  CHECK(error_of(good) == "OK");
  struct Case {
    std::string row;
    std::string expect;
  };
  const Case cases[] = {
      {"9-E-*,I,hot,als&transport,none,yes,no\n",
       "expected 8 fields (code,grade,travel_mode,resources,specialty,transport,may_preempt,note), "
       "found 7"},
      {"9-X-*,I,hot,als,none,no,no,\n", "code pattern '9-X-*'"},
      {"9-E-0,I,hot,als,none,no,no,\n", "sub-determinant"},
      {"40-E-1,I,hot,als,none,no,no,\n", "protocol 40"},
      {"9-E-*,V,hot,als,none,no,no,\n", "grade 'V'"},
      {"9-E-*,I,fast,als,none,no,no,\n", "travel_mode 'fast'"},
      {"9-E-*,I,hot,paramedic,none,no,no,\n", "unknown capability 'paramedic'"},
      {"9-E-*,I,hot,,none,no,no,\n", "resources ''"},
      {"9-E-*,I,hot,als,burns,yes,no,\n", "specialty 'burns'"},
      {"9-E-*,I,hot,als,none,maybe,no,\n", "transport 'maybe'"},
      {"9-E-*,I,hot,als,stroke,no,no,\n", "needs transport=yes"},
      {"9-E-*,I,hot,none,none,yes,no,\n", "who carries the patient"},
      {"9-E-*,I,hot,als,none,no,sometimes,\n", "may_preempt 'sometimes'"},
      {"9-E-*,II,hot,als,none,no,I,\n", "not less urgent"},
      {"9-E-*,IV,cold,als,none,no,yes,\n", "grade IV row"},
  };
  for (const Case& c : cases) {
    const std::string message = error_of(c.row);
    INFO(c.row << " -> " << message);
    CHECK(message.find("plans.csv:2: ") == 0);
    CHECK(message.find(c.expect) != std::string::npos);
  }
  // Duplicate pattern (spelled differently) names the first line.
  const std::string dup = error_of(good + "09-e-*,II,hot,als,none,no,no,y\n");
  CHECK(dup.find("plans.csv:3: code pattern 9-E-* already given on line 2") == 0);
  // Every bad line is reported, not just the first.
  const std::string many =
      error_of("9-E-*,V,hot,als,none,no,no,\n" + good + "9-D-*,I,hot,nope,none,no,no,\n");
  CHECK(many.find("plans.csv:2: grade") != std::string::npos);
  CHECK(many.find("plans.csv:4: resources") != std::string::npos);
  CHECK(many.find("plans.csv:3") == std::string::npos);
  // Header problems.
  absl::StatusOr<ResponsePlanTable> t = ResponsePlanTable::parse("code,grade\n9-E-*,I\n", "h.csv");
  REQUIRE_FALSE(t.ok());
  CHECK(std::string(t.status().message()).find("h.csv:1: expected a response plan table") == 0);
  t = ResponsePlanTable::parse("# only a comment\n", "e.csv");
  REQUIRE_FALSE(t.ok());
  CHECK(std::string(t.status().message())
            .find("e.csv:1: empty file; expected a response plan table") == 0);
  t = ResponsePlanTable::parse(kHeader, "r.csv");
  REQUIRE_FALSE(t.ok());
  CHECK(std::string(t.status().message()).find("no rows") != std::string::npos);
  // Missing file.
  t = ResponsePlanTable::load("/nonexistent/plans.csv");
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("default table: file and compiled-in copy are identical", "[triage][plan]") {
  absl::StatusOr<std::string> file =
      read_file(dk_test::bundled("triage/default_response_plans.csv"));
  REQUIRE(file.ok());
  CHECK(*file == kDefaultResponsePlansCsv);
  absl::StatusOr<ResponsePlanTable> loaded =
      ResponsePlanTable::load(dk_test::bundled("triage/default_response_plans.csv"));
  REQUIRE(loaded.ok());
  CHECK(loaded->to_csv() == ResponsePlanTable::default_table().to_csv());
}

TEST_CASE("default table follows the clinical rules", "[triage][plan]") {
  const ResponsePlanTable& t = ResponsePlanTable::default_table();
  const auto plan = [&](std::string_view c) {
    const ResponsePlan* p = t.lookup(code(c));
    INFO(c);
    REQUIRE(p != nullptr);
    return p;
  };
  const CapabilitySet als_ambulance = CapabilitySet{Capability::kAls} | Capability::kTransport;
  const CapabilitySet bls_ambulance = CapabilitySet{Capability::kBls} | Capability::kTransport;
  // Cardiac arrest: grade I, lights and sirens, ALS + (AED volunteer or first responder).
  for (std::string_view c : {"9-E-1", "9-D-1"}) {
    const ResponsePlan* p = plan(c);
    CHECK(p->grade == PriorityGrade::kI);
    CHECK(p->travel_mode == TravelMode::kLightsAndSirens);
    REQUIRE(p->resources.size() == 2);
    CHECK(p->resources[0].is_met_by(als_ambulance));
    CHECK_FALSE(p->resources[0].is_met_by(bls_ambulance));
    CHECK(p->resources[1].is_met_by(Capability::kAedVolunteer));
    CHECK(p->resources[1].is_met_by(Capability::kFirstResponder));
    CHECK(p->may_preempt(PriorityGrade::kIV));
  }
  CHECK(plan("10-C-1")->destination == Specialty::kChestPain);
  CHECK(plan("28-C-1")->destination == Specialty::kStroke);
  for (std::string_view c : {"17-D-1", "29-D-1", "30-D-1", "27-D-1"})
    CHECK(plan(c)->destination == Specialty::kTrauma);
  CHECK(plan("24-D-1")->destination == Specialty::kCriticalMaternal);
  const ResponsePlan* sick = plan("26-A-1");
  CHECK(sick->grade == PriorityGrade::kIV);
  CHECK(sick->travel_mode == TravelMode::kNormal);
  CHECK(sick->resources[0].is_met_by(bls_ambulance));
  CHECK_FALSE(sick->may_preempt());
  for (std::string_view c : {"36-D-1", "36-A-1", "36-C-2"}) {
    const ResponsePlan* p = plan(c);
    CHECK_FALSE(p->resources[0].is_met_by(als_ambulance));
    CHECK(p->resources[0].is_met_by(als_ambulance | Capability::kNegativePressure));
  }
  const ResponsePlan* omega = plan("26-O-1");
  CHECK_FALSE(omega->sends_units());
  CHECK_FALSE(omega->transport_likely);
  // Level fallbacks and grade codes.
  CHECK(plan("31-E-1")->grade == PriorityGrade::kI);
  CHECK(plan("31-D-1")->grade == PriorityGrade::kII);
  CHECK(plan("31-C-1")->grade == PriorityGrade::kIII);
  CHECK(plan("31-A-1")->grade == PriorityGrade::kIV);
  for (int g = 1; g <= 4; ++g) {
    const auto grade = static_cast<PriorityGrade>(g);
    CHECK(plan(to_string(grade))->grade == grade);
    // Emergencies (I, II) drive with lights and sirens; non-urgent (IV) does not.
    if (g <= 2) CHECK(plan(to_string(grade))->travel_mode == TravelMode::kLightsAndSirens);
  }
  CHECK(plan("IV")->travel_mode == TravelMode::kNormal);
  CHECK(plan("UNKNOWN_LOCAL")->grade == PriorityGrade::kII);  // conservative fallback
  CHECK(plan("NEONATAL")->destination == Specialty::kCriticalChild);
  // Every row: a preemption only ever takes units from less urgent calls.
  for (const ResponsePlan& p : t.plans())
    for (int g = 1; g <= static_cast<int>(p.grade); ++g)
      CHECK_FALSE(p.may_preempt(static_cast<PriorityGrade>(g)));
}
