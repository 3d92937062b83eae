// dispatchkit/sim/io/call_mapping_csv.hpp: the CSV form of a CallMapping.
//
//   absl::StatusOr<CallMapping> m = CallMapping::load("/etc/cad/sf_mapping.csv");
//   absl::StatusOr<CallMapping> n = CallMapping::parse(text, "inline table");
//   const CallMapping& sf = CallMapping::sf_default();     // kSfCallMappingCsv, parsed once
//
// Format (sim/call_mapping.hpp explains what the columns mean): a header row naming
// original_priority, call_type, call_type_group and code (note optional; any order, other
// columns ignored; io/csv.hpp's rules), then one rule per row, tried in file order. Blank
// lines and lines starting with '#' are ignored. Every bad row is reported, not only the
// first, because a mapping is edited by hand and fixed in one go: InvalidArgument with one
// "SOURCE:LINE: what was expected" line per problem.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/io/csv.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/sim/call_mapping.hpp"
#include "dispatchkit/triage/determinant.hpp"
#include "dispatchkit/triage/io/agency_table.hpp"  // detail::without_comment_lines

DISPATCHKIT_NAMESPACE_BEGIN

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
  enum Column : std::size_t { kPriority, kCallType, kGroup, kCode, kNote };
  static constexpr CsvColumn kColumns[] = {
      {"original_priority"}, {"call_type"}, {"call_type_group"}, {"code"}, {"note", {}, false}};
  CallMapping m;
  m.source_ = source;
  const std::string table = detail::without_comment_lines(csv);
  DK_ASSIGN_OR_RETURN(CsvReader rows, CsvReader::open(std::move(source), table, kColumns,
                                                      {.format = "a call mapping"}));
  std::string errors;
  while (rows.next()) {
    if (absl::Status width = rows.check_width(); !width.ok()) {
      absl::StrAppend(&errors, width.message(), "\n");
      continue;
    }
    const bool from_priority = rows.field(kCode) == "priority";
    absl::StatusOr<DeterminantCode> code = from_priority
                                               ? DeterminantCode::grade(PriorityGrade::kII)
                                               : DeterminantCode::parse(rows.field(kCode));
    if (!code.ok()) {
      absl::StrAppend(&errors, rows.where(), ": ", code.status().message(), "\n");
      continue;
    }
    Rule r;
    r.original_priority = std::string(rows.field(kPriority));
    r.call_type = std::string(rows.field(kCallType));
    r.call_type_group = std::string(rows.field(kGroup));
    r.code = *code;
    r.code_is_priority = from_priority;
    r.note = std::string(rows.field(kNote));
    r.line = rows.line_number();
    m.rules_.push_back(std::move(r));
  }
  DK_RETURN_IF_ERROR(rows.status());
  if (!errors.empty()) return absl::InvalidArgumentError(errors);
  if (m.rules_.empty())
    return absl::InvalidArgumentError(absl::StrCat(m.source_, ": no mapping rules"));
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

// The timeline file's default: its priority is the code (a grade, an MPDS determinant or
// an agency's code the plan table knows).
inline constexpr std::string_view kTimelineCallMappingCsv = R"csv(
original_priority,call_type,call_type_group,code,note
*,*,*,priority,the recorded priority is the determinant code
)csv";

inline const CallMapping& CallMapping::timeline_default() {
  static const CallMapping m = *parse(kTimelineCallMappingCsv, "timeline_default");
  return m;
}

inline const CallMapping& CallMapping::default_for(std::string_view format) {
  return format == "sf" ? sf_default() : timeline_default();
}

DISPATCHKIT_NAMESPACE_END
