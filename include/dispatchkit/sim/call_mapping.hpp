// dispatchkit/sim/call_mapping.hpp: recorded priorities and call types -> response plan codes.
//
//   const CallMapping& m = CallMapping::sf_default();         // or CallMapping::load(path)
//   DeterminantCode code = m.code_for(recorded_call);          // e.g. grade "I", or "29-D-1"
//   const ResponsePlan* plan = ResponsePlanTable::default_table().lookup(code);
//
// A CAD export does not carry the determinant code the call-taker reached, only what it
// implied: San Francisco records a priority ("3" emergency with lights and sirens, "2"
// non-emergency, sometimes the MPDS level letter E, D, C, B, A) and a call type and call
// type group. A replay needs a response plan per call (grade, travel mode, destination),
// so this table translates. It is an assumption of the analysis, so it is data, not code:
// documented here and in docs/replay.md, and replaceable by a CSV.
//
// CSV format (blank lines and '#' comment lines ignored; a header naming these columns):
//   original_priority,call_type,call_type_group,code,note
//   3,Traffic Collision,*,29-D-1,emergency collision: trauma centre, lights and sirens
// `*` matches anything (including empty). Rows are tried IN FILE ORDER and the first
// match wins (like a firewall rule list), so put specific rows first. `code` is any
// DeterminantCode spelling (triage/determinant.hpp) that the response plan table knows,
// or the word `priority`: the call's recorded priority is itself the code (the default of
// the timeline file, whose priority column holds grades or determinants).
//
// The San Francisco default (sf_default()):
//   | priority | call type         | group                        | code   | grade
//   | E, D     | *                 | *                            | I      | I
//   | C        | *                 | *                            | II     | II
//   | B, A     | *                 | *                            | III    | III
//   | 3        | Traffic Collision | *                            | 29-D-1 | I, trauma centre
//   | 2        | Traffic Collision | *                            | 29-B-1 | III, trauma centre
//   | 3        | *                 | Potentially Life-Threatening | I      | I
//   | 3        | *                 | *                            | II     | II
//   | 2        | *                 | Potentially Life-Threatening | III    | III (normal driving)
//   | 2, 1     | *                 | *                            | IV     | IV (normal driving)
//   | *        | *                 | *                            | II     | unknown: conservative
// Rationale: SF code 3 is a lights-and-sirens response and code 2 is not; the default
// plan table drives grades I/II with lights and sirens and III/IV normally, so the
// priority decides the travel mode as recorded, and the call type group splits each
// into the more and the less urgent grade.
//
// The CSV reading (parse, load, and the default table's text kSfCallMappingCsv) lives in
// sim/io/call_mapping_csv.hpp, which this header includes at its end.
//
// Thread safety: a loaded mapping is immutable (match() and code_for() are const and
// noexcept): share one across threads; sf_default() and timeline_default() are parsed
// once, thread-safely.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/sim/call_record.hpp"
#include "dispatchkit/triage/determinant.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

class CallMapping {
 public:
  struct Rule {
    std::string original_priority;  // "*" = any
    std::string call_type;
    std::string call_type_group;
    DeterminantCode code;
    bool code_is_priority = false;  // code column "priority": the call's priority is the code
    std::string note;
    std::uint32_t line = 0;
  };

  // Parses the CSV format above (sim/io/call_mapping_csv.hpp). InvalidArgument naming
  // every bad line "SOURCE:LINE: ..."; at least one rule required. `source` names the text
  // in messages.
  [[nodiscard]] static absl::StatusOr<CallMapping> parse(std::string_view csv,
                                                         std::string source = "<memory>");
  // Loads a CSV file (NotFound / DataLoss / InvalidArgument).
  [[nodiscard]] static absl::StatusOr<CallMapping> load(const std::string& path);
  // The documented San Francisco table (kSfCallMappingCsv); parsed once, thread-safe.
  [[nodiscard]] static const CallMapping& sf_default();
  // The one rule "*,*,*,priority": the priority is the code, as the timeline file and the
  // JEMSS reader (grades I-III) write it; parsed once, thread-safe.
  [[nodiscard]] static const CallMapping& timeline_default();
  // The default of a record's format (RecordedLoadReport::format): sf_default() for "sf",
  // else timeline_default().
  [[nodiscard]] static const CallMapping& default_for(std::string_view format);

  // The first matching rule, or nullptr (a table without a final "*,*,*" row).
  [[nodiscard]] const Rule* match(const RecordedCall& call) const noexcept;
  // The code of the first matching rule; grade II when none matches (conservative).
  // A rule whose code is "priority" gives the call's priority parsed as a code, or grade II
  // when it does not parse.
  [[nodiscard]] DeterminantCode code_for(const RecordedCall& call) const noexcept {
    const Rule* r = match(call);
    if (r == nullptr) return DeterminantCode::grade(PriorityGrade::kII);
    if (!r->code_is_priority) return r->code;
    absl::StatusOr<DeterminantCode> c = DeterminantCode::parse(call.original_priority);
    return c.ok() ? *c : DeterminantCode::grade(PriorityGrade::kII);
  }
  [[nodiscard]] const std::vector<Rule>& rules() const noexcept { return rules_; }
  [[nodiscard]] const std::string& source() const noexcept { return source_; }

 private:
  std::vector<Rule> rules_;
  std::string source_;
};

// ---------------------------------------------------------------------------------------
// Implementation.

inline const CallMapping::Rule* CallMapping::match(const RecordedCall& call) const noexcept {
  auto ok = [](const std::string& pattern, const std::string& value) {
    return pattern == "*" || pattern == value;
  };
  for (const Rule& r : rules_)
    if (ok(r.original_priority, call.original_priority) && ok(r.call_type, call.call_type) &&
        ok(r.call_type_group, call.call_type_group))
      return &r;
  return nullptr;
}

DISPATCHKIT_NAMESPACE_END

// The CSV form: CallMapping::parse, CallMapping::load, sf_default()'s table.
#include "dispatchkit/sim/io/call_mapping_csv.hpp"  // IWYU pragma: export
