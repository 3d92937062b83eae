// dispatchkit/io/csv.hpp: the one CSV table reader that every text table in dispatchkit
// (road graphs, stations, hospitals, recorded calls, traffic profiles, response plans, ...)
// is read with, so that every format gets the same header rules, quoting, line endings and
// error messages.
//
//   enum Col : std::size_t { kId, kLat, kLon, kName };
//   constexpr CsvColumn kColumns[] = {{"id"}, {"lat", "latitude|y"}, {"lon", "longitude|x"},
//                                     {"name", {}, /*required=*/false}};
//   DK_ASSIGN_OR_RETURN(CsvReader csv, CsvReader::open(path, text, kColumns));
//   while (csv.next()) {
//     DK_RETURN_IF_ERROR(csv.check_width());                 // a short record is an error
//     std::int64_t id;
//     DK_RETURN_IF_ERROR(csv.parse(kId, "an integer node id", id));
//     std::string name = csv.has(kName) ? csv.text(kName) : "";
//   }
//   DK_RETURN_IF_ERROR(csv.status());                          // a malformed record ends it
//
// What it accepts, for every format alike:
// - a header line; columns are found by name or alias (surrounding blanks ignored,
//   optionally ignoring ASCII case), in any order, extra columns ignored;
// - a UTF-8 byte-order mark before the header (spreadsheet exports write one);
// - records ending in \n, \r\n or a lone \r (old spreadsheet exports), and a last record
//   without a line ending;
// - RFC 4180 quoting: a field in double quotes may hold separators, line breaks and ""
//   (one quote); text() unescapes it, field() leaves "" doubled (no allocation);
// - blank lines, skipped by default.
// Errors are InvalidArgument "PATH:LINE: what was expected" (LINE is where the record
// starts), or the code the caller gives; an unterminated quote is reported at its line.
//
// Writing: csv_field(text) quotes a field the way the reader unquotes it, so a file
// dispatchkit writes (calls.csv, sites.csv) reads back through this reader unchanged.
//
// Allocation: open() allocates the header; next() reuses its field vector, so after the
// widest record it allocates nothing. Thread-compatible (one reader per thread).
#pragma once

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
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

DISPATCHKIT_NAMESPACE_BEGIN

namespace detail {

// A field quoted in an error message, cut short so that a binary file cannot flood it.
[[nodiscard]] inline std::string quote_field(std::string_view s) {
  if (s.size() > 40) return absl::StrCat("'", as_absl(s.substr(0, 40)), "...'");
  return absl::StrCat("'", as_absl(s), "'");
}

[[nodiscard]] inline bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

}  // namespace detail

// One column a reader asks for. `aliases` holds other accepted spellings separated by '|'
// ("lat|y|latitude"), so that exports that spell a column differently read alike; the
// first header field that matches the name or an alias is the column.
struct CsvColumn {
  std::string_view name;
  std::string_view aliases = {};
  bool required = true;
};

struct CsvOptions {
  char separator = ',';
  bool case_insensitive = false;  // "LATITUDE" matches "latitude"
  bool skip_blank_lines = true;
  // What the file should be, named in header errors ("a HIFLD Hospitals export").
  std::string_view format = {};
  // Line number of the text's first line, for a table cut out of a larger file.
  std::uint32_t first_line = 1;
};

class CsvReader {
 public:
  // Reads the header of `text` (held by the caller for the reader's lifetime) and finds
  // `columns` in it. InvalidArgument "PATH:1: empty file; ..." or "PATH:1: expected a header
  // line with the columns a, b; column 'b' is missing".
  [[nodiscard]] static absl::StatusOr<CsvReader> open(std::string path, std::string_view text,
                                                      std::span<const CsvColumn> columns,
                                                      CsvOptions options = {});
  // The same on a file (gzip, xz or plain), which the reader then owns.
  [[nodiscard]] static absl::StatusOr<CsvReader> open_file(const std::string& path,
                                                           std::span<const CsvColumn> columns,
                                                           CsvOptions options = {});

  // Advances to the next record: false at the end of the text, or when a record is
  // malformed (then status() says why and where). O(record length).
  bool next() noexcept;
  // OK, or the error that stopped next().
  [[nodiscard]] const absl::Status& status() const noexcept { return status_; }

  // Whether columns[column] was found in the header (always true for a required one).
  [[nodiscard]] bool has(std::size_t column) const noexcept {
    return column < position_.size() && position_[column] >= 0;
  }
  // The current record's field for columns[column], blanks trimmed and outer quotes
  // removed; "" when the column is absent or the record ends before it.
  [[nodiscard]] std::string_view field(std::size_t column) const noexcept {
    return column < position_.size() && position_[column] >= 0
               ? at(static_cast<std::size_t>(position_[column]))
               : std::string_view();
  }
  // The field at header position `position` (for formats read by position), as field().
  [[nodiscard]] std::string_view at(std::size_t position) const noexcept {
    return position < fields_.size() ? trim(fields_[position]) : std::string_view();
  }
  // field() with a quoted field's "" turned into ". Allocates.
  [[nodiscard]] std::string text(std::size_t column) const;

  // Fields in the current record.
  [[nodiscard]] std::size_t size() const noexcept { return fields_.size(); }
  // 1 + the highest header position of a required column: a record needs this many fields.
  // Optional columns may be missing at the end of a record (they read as "").
  [[nodiscard]] std::size_t width() const noexcept { return width_; }
  // InvalidArgument "PATH:LINE: expected at least N fields, got M" for a short record.
  [[nodiscard]] absl::Status check_width() const;

  // Parses columns[column] as a number (io/text.hpp parse_number: whole field, finite), or
  // InvalidArgument "PATH:LINE: expected <what>, got '...'".
  template <class T>
  [[nodiscard]] absl::Status parse(std::size_t column, std::string_view what, T& out) const {
    const std::string_view f = field(column);
    if (parse_number(f, out)) return absl::OkStatus();
    return error(
        absl::StrCat("expected ", detail::as_absl(what), ", got ", detail::quote_field(f)));
  }

  // "PATH:LINE: message" for the current record (InvalidArgument unless `code` is given).
  [[nodiscard]] absl::Status error(std::string_view message) const {
    return error(absl::StatusCode::kInvalidArgument, message);
  }
  [[nodiscard]] absl::Status error(absl::StatusCode code, std::string_view message) const {
    return absl::Status(code, absl::StrCat(where(), ": ", detail::as_absl(message)));
  }
  // "PATH:LINE" of the current record (its first line).
  [[nodiscard]] std::string where() const { return absl::StrCat(path_, ":", record_line_); }
  [[nodiscard]] std::uint32_t line_number() const noexcept { return record_line_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

  // The header's fields (trimmed, unquoted) and the position of any name in it, or -1.
  [[nodiscard]] std::span<const std::string_view> header() const noexcept { return header_; }
  [[nodiscard]] int find(std::string_view name) const noexcept;

 private:
  CsvReader(std::string path, std::string_view text, CsvOptions options)
      : path_(std::move(path)), text_(text), options_(options), line_(options.first_line - 1) {}
  bool read_record() noexcept;
  [[nodiscard]] bool matches(std::string_view header_field, std::string_view name) const noexcept;

  std::string path_;
  std::unique_ptr<const std::string> owned_;  // open_file()'s text (heap: views survive moves)
  std::string_view text_;
  CsvOptions options_;
  std::size_t pos_ = 0;
  std::uint32_t line_ = 0;         // lines consumed so far
  std::uint32_t record_line_ = 0;  // first line of the current record
  std::vector<std::string_view> fields_;
  std::vector<bool> quoted_;
  std::vector<std::string_view> header_;
  std::vector<int> position_;  // per requested column, its header position or -1
  std::size_t width_ = 0;
  absl::Status status_;
};

// ---------------------------------------------------------------------------------------
// Implementation.

inline bool CsvReader::matches(std::string_view header_field,
                               std::string_view name) const noexcept {
  return options_.case_insensitive ? detail::equal_ignoring_case(header_field, name)
                                   : header_field == name;
}

inline int CsvReader::find(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < header_.size(); ++i)
    if (matches(header_[i], trim(name))) return static_cast<int>(i);
  return -1;
}

inline absl::StatusOr<CsvReader> CsvReader::open(std::string path, std::string_view text,
                                                 std::span<const CsvColumn> columns,
                                                 CsvOptions options) {
  text = without_byte_order_mark(text);
  CsvReader r(std::move(path), text, options);
  std::string wanted;
  for (const CsvColumn& c : columns)
    if (c.required) absl::StrAppend(&wanted, wanted.empty() ? "" : ", ", detail::as_absl(c.name));
  const std::string expected = options.format.empty()
                                   ? absl::StrCat("a header line with the columns ", wanted)
                                   : absl::StrCat(detail::as_absl(options.format),
                                                  " (a header line with the columns ", wanted, ")");
  if (!r.next()) {
    if (!r.status_.ok()) return r.status_;
    return absl::InvalidArgumentError(
        absl::StrCat(r.path_, ":", options.first_line, ": empty file; expected ", expected));
  }
  r.header_.reserve(r.fields_.size());
  for (std::size_t i = 0; i < r.fields_.size(); ++i) r.header_.push_back(r.at(i));
  r.position_.reserve(columns.size());
  for (const CsvColumn& c : columns) {
    int found = r.find(c.name);
    for (std::string_view rest = c.aliases; found < 0 && !rest.empty();) {
      const std::size_t bar = rest.find('|');
      found = r.find(rest.substr(0, bar));
      rest = bar == std::string_view::npos ? std::string_view() : rest.substr(bar + 1);
    }
    if (found < 0 && c.required)
      return r.error(absl::StrCat("expected ", expected, "; column '", detail::as_absl(c.name),
                                  "' is missing"));
    r.position_.push_back(found);
    if (found >= 0 && c.required)
      r.width_ = std::max(r.width_, static_cast<std::size_t>(found) + 1);
  }
  return r;
}

inline absl::StatusOr<CsvReader> CsvReader::open_file(const std::string& path,
                                                      std::span<const CsvColumn> columns,
                                                      CsvOptions options) {
  DK_ASSIGN_OR_RETURN(std::string text, read_file(path));
  auto owned = std::make_unique<const std::string>(std::move(text));
  const std::string_view view = *owned;
  DK_ASSIGN_OR_RETURN(CsvReader r, open(path, view, columns, options));
  r.owned_ = std::move(owned);
  return r;
}

inline std::string CsvReader::text(std::size_t column) const {
  const std::string_view f = field(column);
  std::string out;
  const std::size_t p = has(column) ? static_cast<std::size_t>(position_[column]) : 0;
  if (p >= quoted_.size() || !quoted_[p]) return std::string(f);
  out.reserve(f.size());
  for (std::size_t i = 0; i < f.size(); ++i) {
    out.push_back(f[i]);
    if (f[i] == '"' && i + 1 < f.size() && f[i + 1] == '"') ++i;
  }
  return out;
}

inline absl::Status CsvReader::check_width() const {
  if (fields_.size() >= width_) return absl::OkStatus();
  return error(absl::StrCat("expected at least ", width_, " fields, got ", fields_.size()));
}

inline bool CsvReader::next() noexcept {
  while (read_record()) {
    if (options_.skip_blank_lines && fields_.size() == 1 && !quoted_[0] && trim(fields_[0]).empty())
      continue;
    return true;
  }
  return false;
}

// One record from pos_. fields_ and quoted_ keep their capacity across records, so a
// reader that has seen its widest record allocates no more; should push_back fail anyway,
// the record is reported as ResourceExhausted rather than escaping a noexcept function.
inline bool CsvReader::read_record() noexcept {
  fields_.clear();
  quoted_.clear();
  if (!status_.ok() || pos_ >= text_.size()) return false;
  record_line_ = line_ + 1;
  const char sep = options_.separator;
  const std::size_t n = text_.size();
  try {
    while (true) {
      std::size_t end;  // where the field's text stops: a separator, line break or the end
      if (text_[pos_] == '"') {
        const std::uint32_t opened_at = line_ + 1;
        std::size_t j = pos_ + 1;
        while (j < n) {
          const char c = text_[j];
          if (c == '"') {
            if (j + 1 < n && text_[j + 1] == '"') {
              j += 2;
              continue;
            }
            break;
          }
          if (c == '\n' || (c == '\r' && (j + 1 >= n || text_[j + 1] != '\n'))) ++line_;
          ++j;
        }
        if (j >= n) {
          status_ = absl::InvalidArgumentError(absl::StrCat(
              path_, ":", opened_at, ": a quoted field is never closed (expected a closing '\"')"));
          return false;
        }
        fields_.push_back(text_.substr(pos_ + 1, j - pos_ - 1));
        quoted_.push_back(true);
        // Anything between the closing quote and the separator is ignored, as spreadsheet
        // programs do with `"a" b,`.
        end = j + 1;
        while (end < n && text_[end] != sep && text_[end] != '\n' && text_[end] != '\r') ++end;
      } else {
        end = pos_;
        while (end < n && text_[end] != sep && text_[end] != '\n' && text_[end] != '\r') ++end;
        fields_.push_back(text_.substr(pos_, end - pos_));
        quoted_.push_back(false);
      }
      if (end >= n) {
        pos_ = n;
        ++line_;
        return true;
      }
      pos_ = end + 1;
      if (text_[end] == sep) {
        if (pos_ >= n) {  // "a,b," at the very end: a last empty field
          fields_.push_back(std::string_view());
          quoted_.push_back(false);
          ++line_;
          return true;
        }
        continue;
      }
      if (text_[end] == '\r' && pos_ < n && text_[pos_] == '\n') ++pos_;
      ++line_;
      return true;
    }
  } catch (...) {
    status_ = detail::out_of_memory(absl::StrCat(path_, ":", record_line_));
    return false;
  }
}

// The header of CSV text: its first line (after a UTF-8 byte-order mark) split into
// trimmed fields; empty when that line is not valid CSV. How a loader tells formats apart
// by their header (sim/io/call_files.hpp, plan/demand.hpp) before reading them.
// (Also empty if memory runs out: a format test must not throw.)
[[nodiscard]] inline std::vector<std::string_view> csv_header_fields(
    std::string_view text) noexcept {
  text = without_byte_order_mark(text);
  const std::string_view first = text.substr(0, text.find_first_of("\r\n"));
  std::vector<std::string_view> fields;
  try {
    split_csv(first, fields);
  } catch (...) {
    return {};
  }
  for (std::string_view& f : fields) f = trim(f);
  return fields;
}

// `s` as one CSV field: unchanged, or in double quotes (with " doubled) when it holds a
// comma, a quote or a line break (RFC 4180).
[[nodiscard]] inline std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string q = "\"";
  for (char ch : s) {
    if (ch == '"') q += '"';
    q += ch;
  }
  return q + "\"";
}

DISPATCHKIT_NAMESPACE_END
