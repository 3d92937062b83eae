// dispatchkit/triage/response_plan.hpp: what response a determinant code calls for.
//
//   const ResponsePlanTable& table = ResponsePlanTable::default_table();
//   // or: absl::StatusOr<ResponsePlanTable> t = ResponsePlanTable::load("plans.csv");
//   const ResponsePlan* plan = table.lookup(*DeterminantCode::parse("9-E-1"));
//   plan->grade;                      // PriorityGrade::kI
//   plan->travel_mode;                // TravelMode::kLightsAndSirens
//   for (const ResourceRequirement& r : plan->resources)
//     if (r.is_met_by(unit_capabilities)) ...   // "als&transport", "aed_volunteer|first_responder"
//   plan->destination;                // Specialty::kNone (kStroke for 28-C-1, ...)
//   plan->may_preempt(PriorityGrade::kIV);   // may this call take a unit off a grade IV call?
//
// A response plan table maps determinant codes (with wildcards, see DeterminantPattern)
// to a ResponsePlan. The most specific matching row wins, so an agency writes a few
// generic rows ("*-E-*", "*-D-*", ...) and overrides protocols where it matters
// ("36-*-*" negative-pressure transport, "28-C-*" stroke centre). The CSV format is
// documented in docs/triage.md and in ResponsePlanTable::parse below; the default table
// (triage/default_response_plans.hpp, also data/triage/default_response_plans.csv) follows
// the grades and service targets of triage/service_targets.hpp.
//
// Thread safety: a loaded table is immutable; lookup() is const, noexcept and
// allocation-free, so one table may be shared by every thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/triage/default_response_plans.hpp"
#include "dispatchkit/triage/determinant.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// A set of priority grades (4 bits). constexpr, trivially copyable.
class GradeSet {
 public:
  constexpr GradeSet() noexcept = default;
  [[nodiscard]] static constexpr GradeSet of(PriorityGrade g) noexcept {
    GradeSet s;
    s.bits_ = bit(g);
    return s;
  }
  // Every grade strictly less urgent than `g` (e.g. below(kII) = {III, IV}).
  [[nodiscard]] static constexpr GradeSet less_urgent_than(PriorityGrade g) noexcept {
    GradeSet s;
    for (int v = static_cast<int>(g) + 1; v <= 4; ++v)
      s.bits_ |= bit(static_cast<PriorityGrade>(v));
    return s;
  }
  [[nodiscard]] constexpr bool contains(PriorityGrade g) const noexcept { return bits_ & bit(g); }
  [[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }
  [[nodiscard]] constexpr std::uint8_t bits() const noexcept { return bits_; }
  constexpr GradeSet& operator|=(GradeSet o) noexcept {
    bits_ |= o.bits_;
    return *this;
  }
  friend constexpr bool operator==(GradeSet, GradeSet) noexcept = default;

 private:
  static constexpr std::uint8_t bit(PriorityGrade g) noexcept {
    return static_cast<std::uint8_t>(1u << (static_cast<unsigned>(g) - 1));
  }
  std::uint8_t bits_ = 0;
};

// One line of a response: `count` units, each of which must qualify for at least one of
// the `alternatives`; a unit qualifies for an alternative if it has ALL of that set's
// capabilities. So "als&transport" is one alternative {als, transport}, and
// "aed_volunteer|first_responder" two alternatives, either one enough.
struct ResourceRequirement {
  std::vector<CapabilitySet> alternatives;  // never empty in a loaded table
  std::uint8_t count = 1;                   // units needed (1..9)
  std::string label;                        // canonical text, e.g. "2*bls&transport"

  // Does a unit with `unit` capabilities count towards this requirement? O(alternatives).
  [[nodiscard]] bool is_met_by(CapabilitySet unit) const noexcept {
    return std::any_of(alternatives.begin(), alternatives.end(),
                       [unit](CapabilitySet a) { return unit.contains_all(a); });
  }
};

// The response a determinant code calls for.
struct ResponsePlan {
  DeterminantPattern pattern;  // the table row's code pattern
  PriorityGrade grade = PriorityGrade::kI;
  TravelMode travel_mode = TravelMode::kLightsAndSirens;
  // Units to send, in order of importance; the first is the primary (transporting)
  // unit when transport_likely. Empty for an Omega referral: no unit is sent.
  std::vector<ResourceRequirement> resources;
  Specialty destination = Specialty::kNone;  // centre the patient is likely taken to
  bool transport_likely = false;
  // Grades of running calls this call may take a unit from (empty: never preempts).
  GradeSet preempt_from;
  std::string note;               // free text from the table
  std::uint32_t source_line = 0;  // line of the CSV the row came from

  [[nodiscard]] bool may_preempt() const noexcept { return !preempt_from.empty(); }
  [[nodiscard]] bool may_preempt(PriorityGrade running_call) const noexcept {
    return preempt_from.contains(running_call);
  }
  [[nodiscard]] bool sends_units() const noexcept { return !resources.empty(); }
};

// Parses a resources cell. Grammar (whitespace not allowed inside):
//   resources   := "none" | requirement ('+' requirement)*
//   requirement := [count '*'] alternative ('|' alternative)*       count 1..9
//   alternative := capability ('&' capability)*                      names as in vocabulary.hpp
// '&' binds tighter than '|', which binds tighter than '+'. Example:
//   "als&transport+aed_volunteer|first_responder": an ALS ambulance plus an AED volunteer
//   or a first responder. InvalidArgument naming the offending part.
[[nodiscard]] absl::StatusOr<std::vector<ResourceRequirement>> parse_resources(
    std::string_view text);
// Canonical text of a requirement list ("none" when empty); parse_resources() inverts it.
[[nodiscard]] std::string format_resources(std::span<const ResourceRequirement> resources);

class ResponsePlanTable {
 public:
  ResponsePlanTable() = default;  // empty: lookup() finds nothing

  // Loads a table from a CSV file (gzip/xz accepted). Errors: NotFound for a missing
  // file; InvalidArgument listing EVERY bad line as "PATH:LINE: what was expected" (one
  // per line of the message), so an agency fixes its table in one pass.
  [[nodiscard]] static absl::StatusOr<ResponsePlanTable> load(const std::string& path);

  // Parses CSV text; `source` names it in messages. Format:
  //   - blank lines and lines starting with '#' are ignored;
  //   - the first other line is the header, exactly
  //     code,grade,travel_mode,resources,specialty,transport,may_preempt,note
  //   - then one row per pattern:
  //       code         DeterminantPattern ("9-E-*", "*-D-*", "II", "NEONATAL", "*")
  //       grade        I, II, III or IV
  //       travel_mode  lights_and_sirens (or hot) / normal (or cold)
  //       resources    see parse_resources(); "none" only with specialty none, transport no
  //       specialty    none, chest_pain, stroke, trauma, critical_maternal, critical_child
  //       transport    yes / no: is the patient likely taken to hospital; a specialty
  //                    other than none needs yes
  //       may_preempt  no; yes (= every less urgent grade); or grades joined by '|'
  //                    ("III|IV"), each less urgent than the row's own grade
  //       note         free text (quote it if it holds commas)
  // Two rows with the same pattern are an error (which one would win?). At least one row.
  [[nodiscard]] static absl::StatusOr<ResponsePlanTable> parse(std::string_view csv,
                                                               std::string source = "<memory>");

  // The built-in table (kDefaultResponsePlansCsv), parsed once; thread-safe.
  [[nodiscard]] static const ResponsePlanTable& default_table();

  // The plan of the most specific matching row (see DeterminantPattern::specificity), or
  // nullptr if no row matches (a table without a "*" row). O(rows), noexcept, no allocation.
  [[nodiscard]] const ResponsePlan* lookup(const DeterminantCode& code) const noexcept;

  [[nodiscard]] std::span<const ResponsePlan> plans() const noexcept { return plans_; }
  [[nodiscard]] std::size_t size() const noexcept { return plans_.size(); }
  [[nodiscard]] const std::string& source() const noexcept { return source_; }

  // The table as CSV in the format parse() reads (round-trips).
  [[nodiscard]] std::string to_csv() const;

 private:
  std::vector<ResponsePlan> plans_;
  std::string source_;
};

// ---------------------------------------------------------------------------------------
// Implementation.

inline absl::StatusOr<std::vector<ResourceRequirement>> parse_resources(std::string_view text) {
  const std::string_view s = trim(text);
  std::vector<ResourceRequirement> out;
  if (s == "none") return out;
  const auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "resources '", detail::as_absl(s), "': ", detail::as_absl(why),
        " (expected e.g. als&transport+aed_volunteer|first_responder, 2*bls&transport or "
        "none)"));
  };
  if (s.empty()) return bad("empty");
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find('+', start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view req = s.substr(start, end - start);
    ResourceRequirement r;
    if (req.size() >= 2 && req[1] == '*') {
      if (req[0] < '1' || req[0] > '9') return bad("count must be 1..9");
      r.count = static_cast<std::uint8_t>(req[0] - '0');
      req.remove_prefix(2);
    }
    if (req.empty()) return bad("empty requirement");
    std::size_t a0 = 0;
    while (a0 <= req.size()) {
      std::size_t a1 = req.find('|', a0);
      if (a1 == std::string_view::npos) a1 = req.size();
      const std::string_view alt = req.substr(a0, a1 - a0);
      if (alt.empty()) return bad("empty alternative");
      CapabilitySet set;
      std::size_t c0 = 0;
      while (c0 <= alt.size()) {
        std::size_t c1 = alt.find('&', c0);
        if (c1 == std::string_view::npos) c1 = alt.size();
        const std::string_view name = alt.substr(c0, c1 - c0);
        const std::optional<Capability> cap = parse_capability(name);
        if (!cap)
          return bad(absl::StrCat("unknown capability '", detail::as_absl(name),
                                  "' (known: als, bls, negative_pressure, neonatal, bariatric, "
                                  "first_responder, aed_volunteer, air, water, transport)"));
        set |= *cap;
        c0 = c1 + 1;
      }
      r.alternatives.push_back(set);
      a0 = a1 + 1;
    }
    out.push_back(std::move(r));
    start = end + 1;
  }
  for (ResourceRequirement& r : out) r.label = format_resources(std::span(&r, 1));
  return out;
}

inline std::string format_resources(std::span<const ResourceRequirement> resources) {
  if (resources.empty()) return "none";
  std::string out;
  for (std::size_t i = 0; i < resources.size(); ++i) {
    const ResourceRequirement& r = resources[i];
    if (i > 0) out += '+';
    if (r.count != 1) absl::StrAppend(&out, r.count, "*");
    for (std::size_t a = 0; a < r.alternatives.size(); ++a) {
      if (a > 0) out += '|';
      bool first = true;
      for (std::size_t c = 0; c < kCapabilityCount; ++c) {
        if (!r.alternatives[a].contains(static_cast<Capability>(c))) continue;
        if (!first) out += '&';
        out += to_string(static_cast<Capability>(c));
        first = false;
      }
    }
  }
  return out;
}

inline const ResponsePlanTable& ResponsePlanTable::default_table() {
  static const ResponsePlanTable table = [] {
    absl::StatusOr<ResponsePlanTable> t =
        parse(kDefaultResponsePlansCsv, "dispatchkit/triage/default_response_plans.hpp");
    if (!t.ok()) {  // a build of the library with a broken built-in table: fail loudly
      std::fprintf(stderr, "dispatchkit: built-in response plan table is invalid: %s\n",
                   std::string(t.status().message()).c_str());
      std::abort();
    }
    return *std::move(t);
  }();
  return table;
}

inline const ResponsePlan* ResponsePlanTable::lookup(const DeterminantCode& code) const noexcept {
  const ResponsePlan* best = nullptr;
  int best_specificity = -1;
  for (const ResponsePlan& p : plans_) {
    if (!p.pattern.matches(code)) continue;
    const int s = p.pattern.specificity();
    if (s > best_specificity) {  // distinct patterns matching one code never tie
      best = &p;
      best_specificity = s;
    }
  }
  return best;
}

DISPATCHKIT_NAMESPACE_END

// The CSV reader and writer of the table (parse, load, to_csv).
#include "dispatchkit/triage/io/response_plan_csv.hpp"
