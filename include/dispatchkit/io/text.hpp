// dispatchkit/io/text.hpp: line-by-line parsing of text formats with file:line errors.
//
//   LineReader lines(path, *text);                 // text from read_file()
//   std::vector<std::string_view> fields;
//   while (auto line = lines.next()) {
//     split_csv(*line, fields);
//     std::int64_t id;
//     if (!parse_number(fields[0], id)) return lines.error("node id is not an integer");
//   }
//
// Every loader in dispatchkit reports problems as "PATH:LINE: what was expected", with
// the canonical code chosen by the caller (InvalidArgument for malformed input).
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// A UTF-8 byte-order mark at the start of `text` (spreadsheet and Windows editors write
// one), removed. Every text reader in dispatchkit starts here, so that no format accepts a
// mark that another rejects.
[[nodiscard]] constexpr std::string_view without_byte_order_mark(std::string_view text) noexcept {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  return text;
}

// Walks the lines of a text held in memory, tracking the 1-based line number.
// Handles \n, \r\n and lone \r endings; a final line without a newline is still a line;
// a UTF-8 byte-order mark before the first line is skipped.
// Tables with a header row read through io/csv.hpp's CsvReader instead.
class LineReader {
 public:
  LineReader(std::string path, std::string_view text)
      : path_(std::move(path)), text_(without_byte_order_mark(text)) {}

  // The next line without its line ending, or nullopt at the end.
  std::optional<std::string_view> next() noexcept {
    if (pos_ >= text_.size()) return std::nullopt;
    std::size_t end = text_.find_first_of("\r\n", pos_);
    if (end == std::string_view::npos) end = text_.size();
    const std::string_view line = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    if (end < text_.size() && text_[end] == '\r' && pos_ < text_.size() && text_[pos_] == '\n')
      ++pos_;
    ++line_number_;
    return line;
  }
  [[nodiscard]] std::uint32_t line_number() const noexcept { return line_number_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  // "PATH:LINE" of the line last returned.
  [[nodiscard]] std::string where() const { return absl::StrCat(path_, ":", line_number_); }
  // InvalidArgument "PATH:LINE: message" (the usual error for malformed input).
  [[nodiscard]] absl::Status error(std::string_view message) const {
    return absl::InvalidArgumentError(absl::StrCat(where(), ": ", detail::as_absl(message)));
  }
  // "PATH:LINE: message" with another code (OutOfRange for a bad id, DataLoss if truncated).
  [[nodiscard]] absl::Status error(absl::StatusCode code, std::string_view message) const {
    return error_at(line_number_, code, message);
  }
  // The same for an earlier line (a caller that read the file first and checks its values
  // later, e.g. node ids once the graph is loaded): "PATH:line: message".
  [[nodiscard]] absl::Status error_at(std::uint32_t line, std::string_view message) const {
    return error_at(line, absl::StatusCode::kInvalidArgument, message);
  }
  [[nodiscard]] absl::Status error_at(std::uint32_t line, absl::StatusCode code,
                                      std::string_view message) const {
    return absl::Status(code, absl::StrCat(path_, ":", line, ": ", detail::as_absl(message)));
  }

 private:
  std::string path_;
  std::string_view text_;
  std::size_t pos_ = 0;
  std::uint32_t line_number_ = 0;
};

// Splits one CSV line (RFC 4180 quoting: a field may be wrapped in double quotes and
// then hold commas; "" inside stands for one quote and is left doubled in the view).
// Outer quotes are removed. `fields` is cleared and refilled (reuse it across lines).
inline void split_csv(std::string_view line, std::vector<std::string_view>& fields,
                      char separator = ',') {
  fields.clear();
  std::size_t i = 0;
  while (true) {
    if (i < line.size() && line[i] == '"') {
      std::size_t j = i + 1;
      while (j < line.size()) {
        if (line[j] == '"') {
          if (j + 1 < line.size() && line[j + 1] == '"') {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      fields.push_back(line.substr(i + 1, (j < line.size() ? j : line.size()) - i - 1));
      i = j + 1;  // past the closing quote
      const std::size_t sep = line.find(separator, i);
      if (sep == std::string_view::npos) return;
      i = sep + 1;
    } else {
      const std::size_t sep = line.find(separator, i);
      if (sep == std::string_view::npos) {
        fields.push_back(line.substr(std::min(i, line.size())));
        return;
      }
      fields.push_back(line.substr(i, sep - i));
      i = sep + 1;
    }
  }
}

// Splits on runs of spaces/tabs (DIMACS-style lines).
inline void split_whitespace(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) fields.push_back(line.substr(i, j - i));
    i = j;
  }
}

[[nodiscard]] inline std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Parses the whole of `s` (surrounding blanks allowed) as a number. For floating point,
// NaN and infinities are rejected: no real road, time or coordinate is NaN.
template <class T>
[[nodiscard]] bool parse_number(std::string_view s, T& out) noexcept {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || ptr != s.data() + s.size()) return false;
  if constexpr (std::is_floating_point_v<T>) {
    if (!std::isfinite(out)) return false;
  }
  return true;
}

DISPATCHKIT_NAMESPACE_END
