// dispatchkit/triage/io/agency_table.hpp: the reading rules shared by the small CSV tables an
// agency edits by hand (response plans, service targets). Internal: read them with
// ResponsePlanTable::load / ServiceTargets::load.
//
//   constexpr CsvColumn kColumns[] = {{"target"}, {"area_class"}, {"grade"}, {"seconds"}};
//   absl::Status s = detail::read_agency_table(
//       text, path, kColumns, "a service targets table", [&](const CsvReader& row) {
//         if (bad(row.field(0))) return std::string("target 'x': expected ...");
//         return std::string();                       // empty: the row was fine
//       });
//
// On top of io/csv.hpp (header by column name, any order, extra columns ignored; BOM;
// CR, LF or CRLF; quoted fields), an agency table has:
// - comment lines: a line whose first non-blank character is '#' is ignored, wherever it
//   is (even between the lines of a quoted field);
// - rows as wide as the header: a row with more or fewer fields is an error (an unquoted
//   comma in a note would otherwise shift or drop text silently);
// - every bad line reported, not just the first, one "PATH:LINE: what was expected" per
//   line of one InvalidArgument message, so an agency fixes its file in one pass.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/io/csv.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {

// `text` with every comment line emptied (its line break kept, so line numbers stay).
[[nodiscard]] inline std::string without_comment_lines(std::string_view text) {
  text = without_byte_order_mark(text);
  std::string out(text);
  bool line_start = true, comment = false;
  for (char& c : out) {
    if (c == '\n' || c == '\r') {
      line_start = true;
      comment = false;
      continue;
    }
    if (line_start && c == '#') comment = true;
    if (c != ' ' && c != '\t') line_start = false;
    if (comment) c = ' ';
  }
  return out;
}

// Reads `text` as an agency table with `columns` (all required), calling
// `row(const CsvReader&) -> std::string` for each row: an empty string accepts it, anything
// else is what was expected, reported at the row's line. OK, or InvalidArgument listing
// every bad line; a header error or a malformed record (an unclosed quote) ends the read.
template <class Row>
absl::Status read_agency_table(std::string_view text, std::string path,
                               std::span<const CsvColumn> columns, std::string_view format,
                               Row&& row) {
  const std::string clean = without_comment_lines(text);
  CsvOptions options;
  options.format = format;
  DK_ASSIGN_OR_RETURN(CsvReader csv, CsvReader::open(std::move(path), clean, columns, options));
  std::string header;
  for (std::string_view h : csv.header())
    absl::StrAppend(&header, header.empty() ? "" : ",", detail::as_absl(h));
  std::string errors;
  const auto fail = [&](std::string_view why) {
    absl::StrAppend(&errors, errors.empty() ? "" : "\n", csv.where(), ": ", detail::as_absl(why));
  };
  while (csv.next()) {
    if (csv.size() != csv.header().size()) {
      fail(absl::StrCat("expected ", csv.header().size(), " fields (", header, "), found ",
                        csv.size()));
      continue;
    }
    const std::string why = row(static_cast<const CsvReader&>(csv));
    if (!why.empty()) fail(why);
  }
  if (!csv.status().ok())
    absl::StrAppend(&errors, errors.empty() ? "" : "\n", csv.status().message());
  if (!errors.empty()) return absl::InvalidArgumentError(errors);
  return absl::OkStatus();
}

}  // namespace detail
DISPATCHKIT_NAMESPACE_END
