// dispatchkit/sim/io/call_files.hpp: any call file the replay reads, by what its first line says.
//
//   absl::StatusOr<RecordedCalls> r = load_recorded_calls("calls.csv");   // sf, timeline, jemss
//   absl::StatusOr<RecordedCalls> s =
//       load_recorded_calls("hz.csv", {.zone = *TimeZone::load("Asia/Shanghai")});
//   r->report.format;                                      // "timeline"
//
// The formats, each read in one place:
//   | first line                                  | format                | reader            |
//   | a header naming call_id and received        | dispatch timeline     | dispatch_timeline |
//   | a JEMSS table row "miscData" or "calls"     | JEMSS calls file      | jemss_calls       |
//   | anything else (Call Number, Unit ID, ...)   | SF Calls for Service  | calls_for_service |
// RecordedCallsOptions::format forces one. A file is read whole (gzip, xz or plain).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/io/csv.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/sim/call_record.hpp"
#include "dispatchkit/sim/io/calls_for_service.hpp"
#include "dispatchkit/sim/io/dispatch_timeline.hpp"
#include "dispatchkit/sim/io/jemss_calls.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// The format of call-file text, by its first line (the table above).
[[nodiscard]] CallFormat detect_call_format(std::string_view text) noexcept;

// Reads call-file text of any format (`path` names it in messages).
[[nodiscard]] absl::StatusOr<RecordedCalls> parse_call_file(
    const std::string& path, std::string_view text, const RecordedCallsOptions& options = {});

// Loads a call file of any format. Errors: NotFound (no file), DataLoss (truncated
// compressed file), and each reader's own (InvalidArgument "PATH:LINE: ...").
[[nodiscard]] absl::StatusOr<RecordedCalls> load_recorded_calls(
    const std::string& path, const RecordedCallsOptions& options = {});

// ---------------------------------------------------------------------------------------
// Implementation.

inline CallFormat detect_call_format(std::string_view text) noexcept {
  if (is_jemss_calls_text(text)) return CallFormat::kJemss;
  return is_timeline_header(csv_header_fields(text)) ? CallFormat::kTimeline
                                                     : CallFormat::kCallsForService;
}

inline absl::StatusOr<RecordedCalls> parse_call_file(const std::string& path, std::string_view text,
                                                     const RecordedCallsOptions& options) {
  switch (options.format.value_or(detect_call_format(text))) {
    case CallFormat::kTimeline:
      return parse_timeline_calls(path, text, options);
    case CallFormat::kJemss:
      return parse_jemss_calls(path, text, options);
    case CallFormat::kCallsForService:
      break;
  }
  return parse_recorded_calls(path, text, options);
}

inline absl::StatusOr<RecordedCalls> load_recorded_calls(const std::string& path,
                                                         const RecordedCallsOptions& options) {
  DK_ASSIGN_OR_RETURN(std::string text, read_file(path));
  return parse_call_file(path, text, options);
}

DISPATCHKIT_NAMESPACE_END
