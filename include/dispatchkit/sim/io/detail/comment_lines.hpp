// dispatchkit/sim/io/detail/comment_lines.hpp: '#' comment lines in hand-written CSV files.
//
//   const std::string text = detail::blank_comment_lines(raw);   // then CsvReader::open
//
// The replay's hand-written tables (fleet files, call mappings) allow comment lines, which
// io/csv.hpp's CsvReader does not know. Emptying them first lets the reader skip them as
// blank lines while every line keeps its number, so messages still name the file's line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "dispatchkit/config.hpp"
#include "dispatchkit/io/text.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {

// `text` with every line whose first non-blank character is '#' emptied; line breaks
// (\n, \r\n or a lone \r) and a leading byte-order mark are kept. O(size), one allocation.
[[nodiscard]] inline std::string blank_comment_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (pos == 0 && line.starts_with("\xEF\xBB\xBF")) {  // a byte-order mark: CsvReader's
      out.append(line.substr(0, 3));
      line.remove_prefix(3);
    }
    if (!trim(line).starts_with('#')) out.append(line);
    std::size_t next = end;
    if (next < text.size())
      next += text[next] == '\r' && next + 1 < text.size() && text[next + 1] == '\n' ? 2 : 1;
    out.append(text.substr(end, next - end));
    pos = next;
  }
  return out;
}

}  // namespace detail
DISPATCHKIT_NAMESPACE_END
