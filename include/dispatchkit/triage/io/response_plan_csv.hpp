// dispatchkit/triage/io/response_plan_csv.hpp: the response plan table's CSV format, read
// and written (ResponsePlanTable::parse, load and to_csv; triage/response_plan.hpp includes
// this file).
//
//   absl::StatusOr<ResponsePlanTable> plans = ResponsePlanTable::load("/etc/cad/plans.csv");
//   if (!plans.ok()) log(plans.status());   // every bad line: "PATH:LINE: what was expected"
//   std::string csv = plans->to_csv();       // canonical form; parse(csv) reads it back
//
// The format (docs/triage.md "CSV format"): an agency table (triage/io/agency_table.hpp:
// '#' comment lines, blank lines, columns found by header name, rows as wide as the
// header) with the columns
//   code,grade,travel_mode,resources,specialty,transport,may_preempt,note
// documented field by field at ResponsePlanTable::parse. gzip/xz files are read
// transparently; a missing file is NotFound.
#pragma once

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
#include "dispatchkit/triage/response_plan.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

namespace detail {
inline constexpr std::string_view kPlanHeader =
    "code,grade,travel_mode,resources,specialty,transport,may_preempt,note";
enum PlanColumn : std::size_t {
  kPlanCode,
  kPlanGrade,
  kPlanTravelMode,
  kPlanResources,
  kPlanSpecialty,
  kPlanTransport,
  kPlanMayPreempt,
  kPlanNote
};
inline constexpr CsvColumn kPlanColumns[] = {{"code"},        {"grade"},     {"travel_mode"},
                                             {"resources"},   {"specialty"}, {"transport"},
                                             {"may_preempt"}, {"note"}};

[[nodiscard]] inline std::optional<bool> parse_yes_no(std::string_view s) noexcept {
  s = trim(s);
  if (s == "yes" || s == "true" || s == "1") return true;
  if (s == "no" || s == "false" || s == "0") return false;
  return std::nullopt;
}

[[nodiscard]] inline std::string csv_quote(std::string_view s) {
  if (s.find_first_of(",\"") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    out += c;
    if (c == '"') out += '"';
  }
  out += '"';
  return out;
}

// The grades of a may_preempt cell other than "yes" / "no" ("III|IV"), each less urgent
// than `row`; an empty string, or what was expected.
[[nodiscard]] inline std::string parse_preempt_grades(std::string_view pre, PriorityGrade row,
                                                      GradeSet& out) {
  for (std::size_t i = 0; i <= pre.size();) {
    std::size_t j = pre.find('|', i);
    if (j == std::string_view::npos) j = pre.size();
    const std::string_view name = pre.substr(i, j - i);
    const std::optional<PriorityGrade> g = parse_grade(name);
    if (!g)
      return absl::StrCat("may_preempt '", as_absl(pre),
                          "': expected no, yes or grades joined by '|' such as III|IV");
    if (*g <= row)
      return absl::StrCat("may_preempt grade ", as_absl(name),
                          " is not less urgent than the row's grade ", as_absl(to_string(row)));
    out |= GradeSet::of(*g);
    i = j + 1;
  }
  return {};
}

// One row into `plan`; an empty string, or what was expected.
[[nodiscard]] inline std::string parse_plan_row(const CsvReader& row, ResponsePlan& plan) {
  plan.source_line = row.line_number();
  absl::StatusOr<DeterminantPattern> pattern = DeterminantPattern::parse(row.field(kPlanCode));
  if (!pattern.ok()) return std::string(pattern.status().message());
  plan.pattern = *pattern;
  const std::string_view grade = row.field(kPlanGrade);
  const std::optional<PriorityGrade> g = parse_grade(grade);
  if (!g) return absl::StrCat("grade '", as_absl(grade), "': expected I, II, III or IV");
  plan.grade = *g;
  const std::string_view mode_text = row.field(kPlanTravelMode);
  const std::optional<TravelMode> mode = parse_travel_mode(mode_text);
  if (!mode)
    return absl::StrCat("travel_mode '", as_absl(mode_text),
                        "': expected lights_and_sirens (hot) or normal (cold)");
  plan.travel_mode = *mode;
  absl::StatusOr<std::vector<ResourceRequirement>> resources =
      parse_resources(row.field(kPlanResources));
  if (!resources.ok()) return std::string(resources.status().message());
  plan.resources = *std::move(resources);
  const std::string_view specialty_text = row.field(kPlanSpecialty);
  const std::optional<Specialty> specialty = parse_specialty(specialty_text);
  if (!specialty)
    return absl::StrCat("specialty '", as_absl(specialty_text),
                        "': expected none, chest_pain, stroke, trauma, critical_maternal or "
                        "critical_child");
  plan.destination = *specialty;
  const std::string_view transport_text = row.field(kPlanTransport);
  const std::optional<bool> transport = parse_yes_no(transport_text);
  if (!transport)
    return absl::StrCat("transport '", as_absl(transport_text), "': expected yes or no");
  plan.transport_likely = *transport;
  if (plan.destination != Specialty::kNone && !plan.transport_likely)
    return absl::StrCat("specialty ", as_absl(to_string(plan.destination)),
                        " needs transport=yes (a destination without transport means nothing)");
  if (plan.resources.empty() && plan.transport_likely)
    return "resources 'none' with transport=yes: who carries the patient?";
  const std::string_view pre = row.field(kPlanMayPreempt);
  if (pre == "yes") {
    plan.preempt_from = GradeSet::less_urgent_than(plan.grade);
    if (plan.preempt_from.empty())
      return "may_preempt 'yes' on a grade IV row: no grade is less urgent";
  } else if (pre != "no") {
    std::string why = parse_preempt_grades(pre, plan.grade, plan.preempt_from);
    if (!why.empty()) return why;
  }
  plan.note = row.text(kPlanNote);
  return {};
}
}  // namespace detail

inline absl::StatusOr<ResponsePlanTable> ResponsePlanTable::parse(std::string_view csv,
                                                                  std::string source) {
  ResponsePlanTable table;
  table.source_ = source;
  DK_RETURN_IF_ERROR(detail::read_agency_table(
      csv, source, detail::kPlanColumns, "a response plan table", [&](const CsvReader& row) {
        ResponsePlan plan;
        std::string why = detail::parse_plan_row(row, plan);
        if (!why.empty()) return why;
        for (const ResponsePlan& other : table.plans_)
          if (other.pattern == plan.pattern)
            return absl::StrCat("code pattern ", plan.pattern.to_string(),
                                " already given on line ", other.source_line);
        table.plans_.push_back(std::move(plan));
        return std::string();
      }));
  if (table.plans_.empty())
    return absl::InvalidArgumentError(absl::StrCat(source, ": the table has no rows"));
  return table;
}

inline absl::StatusOr<ResponsePlanTable> ResponsePlanTable::load(const std::string& path) {
  DK_ASSIGN_OR_RETURN(std::string text, read_file(path));
  return parse(text, path);
}

inline std::string ResponsePlanTable::to_csv() const {
  std::string out = absl::StrCat(detail::as_absl(detail::kPlanHeader), "\n");
  for (const ResponsePlan& p : plans_) {
    std::string preempt = "no";
    if (p.may_preempt()) {
      preempt.clear();
      for (int g = 1; g <= 4; ++g) {
        if (!p.preempt_from.contains(static_cast<PriorityGrade>(g))) continue;
        if (!preempt.empty()) preempt += '|';
        preempt += to_string(static_cast<PriorityGrade>(g));
      }
    }
    absl::StrAppend(&out, p.pattern.to_string(), ",", detail::as_absl(to_string(p.grade)), ",",
                    detail::as_absl(to_string(p.travel_mode)), ",", format_resources(p.resources),
                    ",", detail::as_absl(to_string(p.destination)), ",",
                    p.transport_likely ? "yes" : "no", ",", preempt, ",", detail::csv_quote(p.note),
                    "\n");
  }
  return out;
}

DISPATCHKIT_NAMESPACE_END
