// dispatchkit/triage/io/service_targets_csv.hpp: the service targets' CSV format
// (ServiceTargets::parse and load; triage/service_targets.hpp includes this file).
//
//   absl::StatusOr<ServiceTargets> t = ServiceTargets::load("/etc/cad/targets.csv");
//   if (!t.ok()) log(t.status());        // every bad line: "PATH:LINE: what was expected"
//
// An agency table (triage/io/agency_table.hpp: '#' comment lines, blank lines, columns
// found by header name, rows as wide as the header) with the columns
//   target,area_class,grade,seconds
// whose rows apply in order to the defaults (format at ServiceTargets::parse and in
// docs/triage.md). gzip/xz files are read transparently; a missing file is NotFound.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/io/csv.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/triage/io/agency_table.hpp"
#include "dispatchkit/triage/service_targets.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

namespace detail {
enum TargetColumn : std::size_t { kTargetName, kTargetArea, kTargetGrade, kTargetSeconds };
inline constexpr CsvColumn kTargetColumns[] = {{"target"}, {"area_class"}, {"grade"}, {"seconds"}};

// Applies one row to `t`; an empty string, or what was expected.
[[nodiscard]] inline std::string apply_target_row(const CsvReader& row, ServiceTargets& t) {
  const std::string_view target = row.field(kTargetName), area = row.field(kTargetArea),
                         grade = row.field(kTargetGrade), seconds_text = row.field(kTargetSeconds);
  std::int64_t seconds = 0;
  if (!parse_number(seconds_text, seconds) || !within_target_limit(SimDuration(seconds)))
    return absl::StrCat("seconds '", as_absl(seconds_text), "': expected an integer from 0 to ",
                        kMaxTargetDuration.count());
  const SimDuration d(seconds);
  const bool any_area = area == "*", any_grade = grade == "*";
  const std::optional<AreaClass> a = any_area ? std::nullopt : parse_area_class(area);
  const std::optional<PriorityGrade> g = any_grade ? std::nullopt : parse_grade(grade);
  if (!any_area && !a)
    return absl::StrCat("area_class '", as_absl(area),
                        "': expected urban, rural, mountain_island or *");
  if (!any_grade && !g)
    return absl::StrCat("grade '", as_absl(grade), "': expected I, II, III, IV or *");
  // Plain values (the optionals are empty exactly for '*').
  const AreaClass area_v = a.value_or(AreaClass::kUrban);
  const PriorityGrade grade_v = g.value_or(PriorityGrade::kI);
  if (target == "answer" || target == "dispatch") {
    if (!any_area || !any_grade)
      return absl::StrCat(as_absl(target),
                          " applies to every call: area_class and grade must be *");
    if (target == "answer")
      t.set_answer(d);
    else
      t.set_dispatch(d);
  } else if (target == "allowed_wait") {
    if (!any_area) return "allowed_wait depends on the grade only: area_class must be *";
    for (int gi = 1; gi <= 4; ++gi)
      if (any_grade || static_cast<PriorityGrade>(gi) == grade_v)
        t.set_allowed_wait(static_cast<PriorityGrade>(gi), d);
  } else if (target == "response") {
    for (std::size_t ai = 0; ai < kAreaClassCount; ++ai)
      for (int gi = 1; gi <= 4; ++gi)
        if ((any_area || static_cast<AreaClass>(ai) == area_v) &&
            (any_grade || static_cast<PriorityGrade>(gi) == grade_v))
          t.set_response(static_cast<AreaClass>(ai), static_cast<PriorityGrade>(gi), d);
  } else {
    return absl::StrCat("target '", as_absl(target),
                        "': expected answer, dispatch, response or allowed_wait");
  }
  return {};
}
}  // namespace detail

inline absl::StatusOr<ServiceTargets> ServiceTargets::parse(std::string_view csv,
                                                            std::string source) {
  ServiceTargets t;
  DK_RETURN_IF_ERROR(detail::read_agency_table(
      csv, std::move(source), detail::kTargetColumns, "a service targets table",
      [&](const CsvReader& row) { return detail::apply_target_row(row, t); }));
  return t;
}

inline absl::StatusOr<ServiceTargets> ServiceTargets::load(const std::string& path) {
  DK_ASSIGN_OR_RETURN(std::string text, read_file(path));
  return parse(text, path);
}

DISPATCHKIT_NAMESPACE_END
