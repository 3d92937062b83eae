// Tests for triage/determinant.hpp: MPDS, grade and local codes; wildcard patterns.
#include <catch2/catch.hpp>

#include "dispatchkit/triage/determinant.hpp"

using namespace dispatchkit;

namespace {
DeterminantCode code(std::string_view s) {
  absl::StatusOr<DeterminantCode> c = DeterminantCode::parse(s);
  INFO(s << ": " << c.status().ToString());
  REQUIRE(c.ok());
  return *c;
}
DeterminantPattern pattern(std::string_view s) {
  absl::StatusOr<DeterminantPattern> p = DeterminantPattern::parse(s);
  INFO(s << ": " << p.status().ToString());
  REQUIRE(p.ok());
  return *p;
}
}  // namespace

TEST_CASE("MPDS codes parse in dashed and compact forms", "[triage][determinant]") {
  const DeterminantCode c = code("9-E-1");
  CHECK(c.kind() == DeterminantCode::Kind::kMpds);
  CHECK(c.protocol() == 9);
  CHECK(c.level() == DeterminantLevel::kEcho);
  CHECK(c.sub_determinant() == 1);
  CHECK(c.suffix() == 0);
  CHECK(c.to_string() == "9-E-1");

  const DeterminantCode s = code("6-D-1A");
  CHECK(s.protocol() == 6);
  CHECK(s.level() == DeterminantLevel::kDelta);
  CHECK(s.suffix() == 'A');
  CHECK(s.to_string() == "6-D-1A");

  CHECK(code("26-A-1").level() == DeterminantLevel::kAlpha);
  // Omega: Greek capital omega (UTF-8) or the letter O; both canonicalise to O.
  CHECK(code("17-\xCE\xA9-1") == code("17-O-1"));
  CHECK(code("17-\xCE\xA9-1").level() == DeterminantLevel::kOmega);
  CHECK(code("17-o-1").to_string() == "17-O-1");
  // CAD exports: zero-padded, compact, lower case.
  CHECK(code("09E01") == c);
  CHECK(code("09-E-01") == c);
  CHECK(code("9e1") == c);
  CHECK(code("06D01A") == s);
  CHECK(code("  9-E-1 ") == c);
  CHECK(code("17\xCE\xA9"
             "1") == code("17-O-1"));
  // Edges of the ranges.
  CHECK(code("1-A-1").protocol() == 1);
  CHECK(code("37-C-99").sub_determinant() == 99);
  CHECK(code("33-C-6Z").suffix() == 'Z');
}

TEST_CASE("invalid MPDS codes are rejected with a reason", "[triage][determinant]") {
  for (std::string_view bad : {"0-E-1", "38-E-1",  "99-A-1",  "9-X-1",   "9-F-1",
                               "9-E-0", "9-E-100", "9-E-1AB", "9-E-",    "9--1",
                               "9-E",   "9-E-1-",  "9-E-1*",  "123-A-1", "",
                               "   ",   "9-E-1 A", "é",       "ABC DEF", "FAR_TOO_LONG_LOCAL_CODE",
                               "45E01"}) {
    absl::StatusOr<DeterminantCode> c = DeterminantCode::parse(bad);
    INFO("'" << bad << "' -> " << (c.ok() ? c->to_string() : c.status().ToString()));
    CHECK_FALSE(c.ok());
    if (!c.ok()) CHECK(c.status().code() == absl::StatusCode::kInvalidArgument);
  }
  absl::StatusOr<DeterminantCode> c = DeterminantCode::parse("38-E-1");
  CHECK(std::string(c.status().message()).find("protocol 38") != std::string::npos);
}

TEST_CASE("grade codes of 120 centres", "[triage][determinant]") {
  CHECK(code("I") == DeterminantCode::grade(PriorityGrade::kI));
  CHECK(code("II").grade_value() == PriorityGrade::kII);
  CHECK(code("III").kind() == DeterminantCode::Kind::kGrade);
  CHECK(code("IV").to_string() == "IV");
  CHECK(code("\xE2\x85\xA2") == code("III"));   // Unicode numeral three
  CHECK(code("II\xE7\xBA\xA7") == code("II"));  // "II级"
  CHECK(code("\xE2\x85\xA3\xE7\xBA\xA7") == code("IV"));
  // "V" is not a grade; it is a valid local code though.
  CHECK(code("V").kind() == DeterminantCode::Kind::kLocal);
}

TEST_CASE("free local codes", "[triage][determinant]") {
  const DeterminantCode s = code("STROKE_T");
  CHECK(s.kind() == DeterminantCode::Kind::kLocal);
  CHECK(s.local_code() == "STROKE_T");
  CHECK(s.to_string() == "STROKE_T");
  // SF Fire's priorities are digits or letters: local codes, mapped by the replay layer.
  CHECK(code("2").kind() == DeterminantCode::Kind::kLocal);
  CHECK(code("3").local_code() == "3");
  CHECK(code("2A").kind() == DeterminantCode::Kind::kLocal);  // compact-looking, not MPDS
  CHECK(code("E").kind() == DeterminantCode::Kind::kLocal);
  CHECK(code("FIRE-1").local_code() == "FIRE-1");
  CHECK(code("123456789012345").local_code().size() == 15);
  CHECK(code("a") != code("A"));  // local codes are case-sensitive
  CHECK_FALSE(DeterminantCode::local("1234567890123456").has_value());
  CHECK_FALSE(DeterminantCode::local("A B").has_value());
  CHECK_FALSE(DeterminantCode::local("").has_value());
}

TEST_CASE("to_string and raw round-trip", "[triage][determinant]") {
  for (std::string_view s : {"9-E-1", "6-D-1A", "17-O-1", "37-C-99", "I", "IV", "X_Y", "2"}) {
    const DeterminantCode c = code(s);
    CHECK(code(c.to_string()) == c);
    const std::optional<DeterminantCode> back = DeterminantCode::from_raw(c.raw());
    REQUIRE(back.has_value());
    CHECK(*back == c);
  }
  DeterminantCode::Raw r = code("9-E-1").raw();
  r.protocol = 40;
  CHECK_FALSE(DeterminantCode::from_raw(r).has_value());
  r = code("II").raw();
  r.level = 7;
  CHECK_FALSE(DeterminantCode::from_raw(r).has_value());
  r = code("AB").raw();
  r.local[5] = 'x';  // garbage after the terminator
  CHECK_FALSE(DeterminantCode::from_raw(r).has_value());
  r.kind = 9;
  CHECK_FALSE(DeterminantCode::from_raw(r).has_value());
  CHECK(DeterminantCode::mpds(9, DeterminantLevel::kEcho, 1).value() == code("9-E-1"));
  CHECK_FALSE(DeterminantCode::mpds(0, DeterminantLevel::kEcho, 1).has_value());
  CHECK_FALSE(DeterminantCode::mpds(9, DeterminantLevel::kEcho, 1, 'a').has_value());
}

TEST_CASE("patterns: wildcards and specificity", "[triage][determinant]") {
  const DeterminantCode c = code("9-E-1");
  CHECK(pattern("*").matches(c));
  CHECK(pattern("9-E-*").matches(c));
  CHECK(pattern("*-E-*").matches(c));
  CHECK(pattern("9-*-*").matches(c));
  CHECK(pattern("*-*-1").matches(c));
  CHECK(pattern("9-E-1").matches(c));
  CHECK(pattern("9-E-1").matches(code("9-E-1X")));  // no suffix in a pattern: any suffix
  CHECK_FALSE(pattern("9-E-1A").matches(c));
  CHECK(pattern("9-E-1A").matches(code("9-E-1A")));
  CHECK_FALSE(pattern("*-D-*").matches(c));
  CHECK_FALSE(pattern("10-*-*").matches(c));
  CHECK_FALSE(pattern("I").matches(c));  // kinds never cross-match
  CHECK(pattern("I").matches(code("I")));
  CHECK_FALSE(pattern("*-E-*").matches(code("I")));
  CHECK(pattern("NEONATAL").matches(code("NEONATAL")));
  CHECK_FALSE(pattern("NEONATAL").matches(code("NEO")));
  CHECK(pattern("*-\xCE\xA9-*").matches(code("17-O-1")));

  CHECK(pattern("*").specificity() == 0);
  CHECK(pattern("9-*-*").specificity() > pattern("*-E-1").specificity());
  CHECK(pattern("9-E-*").specificity() > pattern("9-*-1").specificity());
  CHECK(pattern("9-E-1A").specificity() > pattern("9-E-1").specificity());
  CHECK(pattern("II").specificity() > pattern("9-E-1A").specificity());

  CHECK(pattern("09-e-*").to_string() == "9-E-*");
  CHECK(pattern("*-*-*").to_string() == "*-*-*");
  CHECK(pattern(" * ").to_string() == "*");
  for (std::string_view bad :
       {"9-E", "**", "9-E-*-*", "9-X-*", "*-E-0", "40-*-*", "9*", "a*b", "*-*", "9-E-1**"}) {
    absl::StatusOr<DeterminantPattern> p = DeterminantPattern::parse(bad);
    INFO(bad);
    CHECK_FALSE(p.ok());
  }
}
