// dk-calls: convert a call file into the dispatch-timeline file (or back to JEMSS's).
//
//   dk-calls --in=data/sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz --out=sf_week.csv
//   dk-calls --in=calls.csv --format=jemss --timezone=Pacific/Auckland --out=akl.csv
//
// Reads a San Francisco Calls for Service export (sf), a JEMSS calls file (jemss) or a
// timeline file (timeline) -- by default told apart by the first line, --format forces
// one -- and writes the timeline file (docs/replay.md): one row per unit per call, stamps
// with their UTC offset in the record's zone, so that replaying the converted file gives
// the same KPIs as replaying the original. Prints rows read, kept and rejected by reason.
//   --in=FILE             the call file (plain, .gz or .xz)
//   --out=FILE.csv        the timeline file to write
//   --format=sf|jemss|timeline   the input's format (default: from its first line)
//   --timezone=ZONE       local time of the input's stamps without an offset (IANA name;
//                         default: SF America/Los_Angeles, JEMSS UTC)
//   --out-timezone=ZONE   the zone the output's local times are written in (default the
//                         input's)
//   --write=timeline|jemss   the output's format (default timeline; jemss needs calls
//                         without units, as generated ones are)
//   --local-time          write local wall-clock stamps without their offset (what many
//                         CAD exports do; reading it back then needs --timezone)
//   --mapping=FILE        the call mapping (CallMapping CSV) whose response plan codes the
//                         priority column gets; default for an SF export its SF mapping
//                         (a "3" with its call type becomes "I", "29-D-1", ...), so that the
//                         timeline file replays as the export did; a timeline or JEMSS
//                         input keeps its priorities unless --mapping is given
// Exit status (all dk-* tools): 0 ok, 1 bad input (message on stderr), 2 usage.
#include <cstdio>
#include <string>
#include <string_view>

#include "detail/tool_flags.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/sim/call_mapping.hpp"
#include "dispatchkit/sim/io/call_files.hpp"

namespace {

using namespace dispatchkit;

constexpr const char* kUsage =
    "usage: dk-calls --in=FILE --out=FILE.csv [--format=sf|jemss|timeline] [--timezone=ZONE]\n"
    "                [--out-timezone=ZONE] [--write=timeline|jemss] [--local-time]\n"
    "                [--mapping=FILE]\n";

int usage(std::string_view why) {
  dk_tools::usage_error("dk-calls", why);
  std::fputs(kUsage, stderr);
  return dk_tools::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  std::string in, out, timezone, out_timezone, mapping_path, write = "timeline";
  RecordedCallsOptions options;
  bool local_time = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return dk_tools::kExitOk;
    } else if (auto v = dk_tools::flag_value(a, "--in")) {
      in = std::string(*v);
    } else if (auto v = dk_tools::flag_value(a, "--out")) {
      out = std::string(*v);
    } else if (auto v = dk_tools::flag_value(a, "--timezone")) {
      timezone = std::string(*v);
    } else if (auto v = dk_tools::flag_value(a, "--out-timezone")) {
      out_timezone = std::string(*v);
    } else if (auto v = dk_tools::flag_value(a, "--format")) {
      options.format = parse_call_format(*v);
      if (!options.format) return usage("--format is sf, jemss or timeline");
    } else if (auto v = dk_tools::flag_value(a, "--write")) {
      write = std::string(*v);
      if (write != "timeline" && write != "jemss") return usage("--write is timeline or jemss");
    } else if (auto v = dk_tools::flag_value(a, "--mapping")) {
      mapping_path = std::string(*v);
    } else if (a == "--local-time") {
      local_time = true;
    } else {
      return usage("unknown argument '" + std::string(a) + "'");
    }
  }
  if (in.empty() || out.empty()) return usage("--in and --out are required");
  if (const absl::Status d = dk_tools::check_writable_dir(out); !d.ok())
    return dk_tools::status_error("dk-calls", d);
  if (!timezone.empty()) {
    absl::StatusOr<TimeZone> z = TimeZone::load(timezone);
    if (!z.ok()) return dk_tools::status_error("dk-calls", z.status());
    options.zone = *z;
  }
  std::optional<TimeZone> out_zone;
  if (!out_timezone.empty()) {
    absl::StatusOr<TimeZone> z = TimeZone::load(out_timezone);
    if (!z.ok()) return dk_tools::status_error("dk-calls", z.status());
    out_zone = *z;
  }
  absl::StatusOr<RecordedCalls> r = load_recorded_calls(in, options);
  if (!r.ok()) return dk_tools::status_error("dk-calls", r.status());
  const RecordedLoadReport& rep = r->report;
  std::printf("%s (%s, %s): %llu rows read, %llu kept, %llu rejected; %zu calls, %zu units\n",
              in.c_str(), rep.format.c_str(), r->zone.name().c_str(),
              static_cast<unsigned long long>(rep.rows_read),
              static_cast<unsigned long long>(rep.rows_used),
              static_cast<unsigned long long>(rep.rows_rejected_total()), r->calls.size(),
              r->unit_names.size());
  if (rep.rows_rejected_total() != 0 || rep.stamps_out_of_order != 0 || rep.calls_disagreeing != 0)
    std::printf("%s", rep.summary().c_str());
  std::string text;
  if (write == "jemss") {
    absl::StatusOr<std::string> j = jemss_calls_csv(*r, jemss_time_zero(options));
    if (!j.ok()) return dk_tools::status_error("dk-calls", j.status());
    text = *std::move(j);
  } else {
    std::optional<CallMapping> mapping;
    if (!mapping_path.empty()) {
      absl::StatusOr<CallMapping> m = CallMapping::load(mapping_path);
      if (!m.ok()) return dk_tools::status_error("dk-calls", m.status());
      mapping = *std::move(m);
    } else if (rep.format == to_string(CallFormat::kCallsForService)) {
      mapping = CallMapping::sf_default();
    }
    text = timeline_csv(*r, out_zone.value_or(r->zone), !local_time, mapping ? &*mapping : nullptr);
  }
  if (const absl::Status w = write_file_atomically(out, text); !w.ok())
    return dk_tools::status_error("dk-calls", w);
  std::printf("wrote %s (%s, %zu calls)\n", out.c_str(), write.c_str(), r->calls.size());
  return dk_tools::kExitOk;
}
