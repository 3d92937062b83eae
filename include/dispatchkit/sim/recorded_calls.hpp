// dispatchkit/sim/recorded_calls.hpp: past calls and the files they are read from.
//
//   absl::StatusOr<RecordedCalls> rec =
//       load_recorded_calls("data/sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz");
//   std::printf("%s", rec->report.summary().c_str());   // rows kept, rejected by reason
//
// The record itself (RecordedCalls, RecordedCall, RecordedResponse, the load report) is
// sim/call_record.hpp; the readers are sim/io/: call_files.hpp (any file, by its first
// line: load_recorded_calls), calls_for_service.hpp (San Francisco's export),
// dispatch_timeline.hpp (the timeline file, read and written) and jemss_calls.hpp.
#pragma once

#include "dispatchkit/sim/call_record.hpp"    // IWYU pragma: export
#include "dispatchkit/sim/io/call_files.hpp"  // IWYU pragma: export
