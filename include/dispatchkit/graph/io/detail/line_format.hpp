// dispatchkit/graph/io/detail/line_format.hpp: what the DIMACS family of line formats
// (DIMACS .gr and .co, PACE 2016 .gr) shares: blank lines and 'c' comment lines skipped,
// fields separated by blanks, one 'p' header line before the records, and the number of
// records checked against the count the header announces. Internal; the tables with a
// header row read through io/csv.hpp instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/io/options.hpp"
#include "dispatchkit/io/csv.hpp"
#include "dispatchkit/io/text.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {

class HeaderedLines {
 public:
  // `header` is the header line as documented ("p sp <nodes> <arcs>"), `record` what one
  // record line holds ("arc", "edge", "node line"), `format` the format's name.
  HeaderedLines(std::string path, std::string_view text, std::string_view header,
                std::string_view record, std::string_view format)
      : lines_(std::move(path), text), header_(header), record_(record), format_(format) {
    fields_.reserve(8);
  }

  // Advances to the next line that is neither blank nor a comment; false at the end.
  bool next() {
    while (auto raw = lines_.next()) {
      const std::string_view line = trim(*raw);
      if (line.empty() || line.front() == 'c') continue;
      split_whitespace(line, fields_);
      return true;
    }
    return false;
  }
  [[nodiscard]] const std::vector<std::string_view>& fields() const noexcept { return fields_; }
  [[nodiscard]] std::string_view field(std::size_t i) const noexcept {
    return i < fields_.size() ? fields_[i] : std::string_view();
  }

  // Whether the current line is a header line; InvalidArgument for a second one.
  [[nodiscard]] bool at_header() const noexcept { return fields_.front() == "p"; }
  [[nodiscard]] absl::Status begin_header() {
    if (have_header_)
      return error(absl::StrCat("a second 'p' line; expected one '", as_absl(header_), "'"));
    have_header_ = true;
    return absl::OkStatus();
  }
  // InvalidArgument "expected the header '...'" (a header line of the wrong shape).
  [[nodiscard]] absl::Status bad_header() const {
    return error(absl::StrCat("expected the header '", as_absl(header_), "'"));
  }
  // The graph header "p <kind> <nodes> <count>" of the .gr formats, read into `nodes` and
  // `count` (`count_what` names the second count in messages).
  [[nodiscard]] absl::Status read_graph_header(std::string_view kind, std::string_view count_what,
                                               std::uint64_t& nodes, std::uint64_t& count) {
    DK_RETURN_IF_ERROR(begin_header());
    if (fields_.size() != 4 || fields_[1] != kind) return bad_header();
    DK_RETURN_IF_ERROR(parse(2, "the node count", nodes));
    return parse(3, count_what, count);
  }
  // A record line: InvalidArgument before the header, or beyond `announced` records.
  [[nodiscard]] absl::Status begin_record() const {
    if (have_header_) return absl::OkStatus();
    return error(absl::StrCat("expected the header '", as_absl(header_), "' first"));
  }
  [[nodiscard]] absl::Status count_record(std::uint64_t announced) {
    if (++records_ <= announced) return absl::OkStatus();
    return error(absl::StrCat("more ", as_absl(record_), " lines than the ", announced,
                              " the header announces"));
  }
  [[nodiscard]] std::uint64_t records() const noexcept { return records_; }

  // At the end: InvalidArgument without a header, DataLoss for fewer records than
  // `announced` (a truncated file).
  [[nodiscard]] absl::Status finish(std::uint64_t announced) const {
    if (!have_header_)
      return absl::InvalidArgumentError(absl::StrCat(lines_.where(), ": no header line; expected '",
                                                     as_absl(header_), "' (", as_absl(format_),
                                                     ")"));
    if (records_ >= announced) return absl::OkStatus();
    return error(absl::StatusCode::kDataLoss,
                 absl::StrCat("file ends after ", records_, " of the ", announced, " ",
                              as_absl(record_), "s the header announces (truncated?)"));
  }

  // Parses fields()[i] into `out`, or InvalidArgument "PATH:LINE: expected <what>, got '...'".
  template <class T>
  [[nodiscard]] absl::Status parse(std::size_t i, std::string_view what, T& out) const {
    if (parse_number(field(i), out)) return absl::OkStatus();
    return error(absl::StrCat("expected ", as_absl(what), ", got ", quote_field(field(i))));
  }
  // A header's counts: ids must fit 32 bits (`records` arcs the graph will hold) and the
  // node count must be plausible for a text of `bytes` bytes.
  [[nodiscard]] absl::Status check_size(std::uint64_t nodes, std::uint64_t arcs,
                                        std::uint64_t announced, std::size_t bytes) const {
    if (nodes >= UINT32_MAX || arcs >= UINT32_MAX)
      return error(absl::StrCat("graph too large for 32-bit ids (", nodes, " nodes, ", announced,
                                " ", as_absl(record_), "s)"));
    if (!plausible_node_count(nodes, bytes))
      return error(absl::StrCat("the header announces ", nodes, " nodes but the file has only ",
                                bytes, " bytes; expected a plausible node count"));
    return absl::OkStatus();
  }

  [[nodiscard]] absl::Status error(std::string_view message) const { return lines_.error(message); }
  [[nodiscard]] absl::Status error(absl::StatusCode code, std::string_view message) const {
    return lines_.error(code, message);
  }
  [[nodiscard]] std::uint32_t line_number() const noexcept { return lines_.line_number(); }

 private:
  LineReader lines_;
  std::string_view header_, record_, format_;
  std::vector<std::string_view> fields_;
  bool have_header_ = false;
  std::uint64_t records_ = 0;
};

}  // namespace detail
DISPATCHKIT_NAMESPACE_END
