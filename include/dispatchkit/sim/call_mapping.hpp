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
// CSV format (blank lines and '#' comments ignored; header exactly as below):
//   original_priority,call_type,call_type_group,code,note
//   3,Traffic Collision,*,29-D-1,emergency collision: trauma centre, lights and sirens
// `*` matches anything (including empty). Rows are tried IN FILE ORDER and the first
// match wins (like a firewall rule list), so put specific rows first. `code` is any
// DeterminantCode spelling (triage/determinant.hpp) that the response plan table knows.
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
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/sim/recorded_calls.hpp"
#include "dispatchkit/triage/determinant.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

class CallMapping {
 public:
  struct Rule {
    std::string original_priority;  // "*" = any
    std::string call_type;
    std::string call_type_group;
    DeterminantCode code;
    std::string note;
    std::uint32_t line = 0;
  };

  // Parses the CSV format above. InvalidArgument naming every bad line; at least one
  // rule required. `source` names the text in messages.
  [[nodiscard]] static absl::StatusOr<CallMapping> parse(std::string_view csv,
                                                         std::string source = "<memory>");
  // Loads a CSV file (NotFound / DataLoss / InvalidArgument).
  [[nodiscard]] static absl::StatusOr<CallMapping> load(const std::string& path);
  // The documented San Francisco table (kSfCallMappingCsv); parsed once, thread-safe.
  [[nodiscard]] static const CallMapping& sf_default();

  // The first matching rule, or nullptr (a table without a final "*,*,*" row).
  [[nodiscard]] const Rule* match(const RecordedCall& call) const noexcept;
  // The code of the first matching rule; grade II when none matches (conservative).
  [[nodiscard]] DeterminantCode code_for(const RecordedCall& call) const noexcept {
    const Rule* r = match(call);
    return r != nullptr ? r->code : DeterminantCode::grade(PriorityGrade::kII);
  }
  [[nodiscard]] const std::vector<Rule>& rules() const noexcept { return rules_; }
  [[nodiscard]] const std::string& source() const noexcept { return source_; }

 private:
  std::vector<Rule> rules_;
  std::string source_;
};

// The San Francisco default mapping as CSV (what sf_default() parses).
inline constexpr std::string_view kSfCallMappingCsv =
    R"csv(# San Francisco Fire Department calls for service -> dispatchkit response plan codes.
# Documented in include/dispatchkit/sim/call_mapping.hpp and docs/replay.md.
original_priority,call_type,call_type_group,code,note
E,*,*,I,MPDS Echo recorded as the priority
D,*,*,I,MPDS Delta recorded as the priority
C,*,*,II,MPDS Charlie
B,*,*,III,MPDS Bravo
A,*,*,III,MPDS Alpha (all such SF calls were upgraded to code 3 later)
3,Traffic Collision,*,29-D-1,emergency collision: trauma centre
2,Traffic Collision,*,29-B-1,non-emergency collision: trauma centre
3,*,Potentially Life-Threatening,I,code 3 (lights and sirens) and potentially life-threatening
3,*,*,II,code 3 other
2,*,Potentially Life-Threatening,III,code 2 (no lights) but potentially life-threatening
2,*,*,IV,code 2 non-life-threatening
1,*,*,IV,code 1
*,*,*,II,unknown priority: conservative emergency response
)csv";

// ---------------------------------------------------------------------------------------
// Implementation.

inline absl::StatusOr<CallMapping> CallMapping::parse(std::string_view csv, std::string source) {
  CallMapping m;
  m.source_ = source;
  LineReader lines(source, csv);
  std::vector<std::string_view> f;
  std::string errors;
  bool header_seen = false;
  while (std::optional<std::string_view> line = lines.next()) {
    const std::string_view t = trim(*line);
    if (t.empty() || t.front() == '#') continue;
    split_csv(t, f);
    if (!header_seen) {
      header_seen = true;
      if (f.size() < 4 || trim(f[0]) != "original_priority" || trim(f[1]) != "call_type" ||
          trim(f[2]) != "call_type_group" || trim(f[3]) != "code")
        return lines.error(
            "expected the header original_priority,call_type,call_type_group,code,note");
      continue;
    }
    if (f.size() < 4) {
      absl::StrAppend(&errors, lines.where(), ": expected 4 or 5 fields, got ", f.size(), "\n");
      continue;
    }
    absl::StatusOr<DeterminantCode> code = DeterminantCode::parse(f[3]);
    if (!code.ok()) {
      absl::StrAppend(&errors, lines.where(), ": ", code.status().message(), "\n");
      continue;
    }
    Rule r;
    r.original_priority = std::string(trim(f[0]));
    r.call_type = std::string(trim(f[1]));
    r.call_type_group = std::string(trim(f[2]));
    r.code = *code;
    if (f.size() > 4) r.note = std::string(trim(f[4]));
    r.line = lines.line_number();
    m.rules_.push_back(std::move(r));
  }
  if (!errors.empty()) return absl::InvalidArgumentError(errors);
  if (m.rules_.empty())
    return absl::InvalidArgumentError(absl::StrCat(source, ": no mapping rules"));
  return m;
}

inline absl::StatusOr<CallMapping> CallMapping::load(const std::string& path) {
  DK_ASSIGN_OR_RETURN(std::string text, read_file(path));
  return parse(text, path);
}

inline const CallMapping& CallMapping::sf_default() {
  static const CallMapping m = *parse(kSfCallMappingCsv, "sf_default");
  return m;
}

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
