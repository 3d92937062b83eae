// dk-gencalls: generate a city's calls as JEMSS does, from its gen_config.xml and population
// raster.
//
//   dk-gencalls --config=data/manhattan/gen_config.xml
//               --raster=data/manhattan/manhattan_pop_densit_20m.zip --out=calls.csv --seed=1
//   dk-replay --jemss=data/manhattan --calls=calls.csv --compare=closest_idle --out=out
//
// The distributions gen_config.xml names (Distributions.jl's parameters, the arithmetic in
// their arguments, their seeds; sim/generate/distribution.hpp), locations drawn by raster
// cell and uniformly inside the cell (sim/generate/density_raster.hpp), written as a JEMSS
// calls file (default) or a timeline file.
//   --config=FILE         JEMSS gen_config.xml (mode "calls")
//   --raster=FILE         the population-density raster: a GeoTIFF, or the .zip holding one
//   --out=FILE            the calls file to write
//   --seed=N              replication N: every stream of the configuration forked by N
//                         (default: the configuration's seeds as written)
//   --days=D              D days of calls from startTime (default: the configuration's
//                         numCalls / maxCallArrivalTime / minLastCallArrivalTime)
//   --format=jemss|timeline   what to write (default jemss)
//   --timezone=ZONE       local zone of JEMSS time 0 (2019-01-07 00:00, a Monday; default
//                         UTC): the timeline file's stamps, and the replay's hours of day
//   --graph=PATH          check that the raster covers this road network (or --jemss=DIR)
// Prints the calls written, their rate and priority mix beside the configuration's.
// Exit status (all dk-* tools): 0 ok, 1 bad input (message on stderr), 2 usage.
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

#include "detail/tool_flags.hpp"
#include "dispatchkit/graph/io.hpp"
#include "dispatchkit/graph/io/jemss.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/sim/generate/call_generator.hpp"
#include "dispatchkit/sim/io/dispatch_timeline.hpp"

namespace {

using namespace dispatchkit;

constexpr const char* kUsage =
    "usage: dk-gencalls --config=gen_config.xml --raster=FILE --out=calls.csv [--seed=N]\n"
    "                   [--days=D] [--format=jemss|timeline] [--timezone=ZONE]\n"
    "                   [--graph=PATH | --jemss=DIR]\n";

int usage(std::string_view why) {
  dk_tools::usage_error("dk-gencalls", why);
  std::fputs(kUsage, stderr);
  return dk_tools::kExitUsage;
}
int fail(const absl::Status& s) {
  return dk_tools::status_error("dk-gencalls", s);
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path, raster_path, out, format = "jemss", timezone, graph_path, jemss_dir;
  CallGenerationOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    std::string v;
    auto value = [&](std::string_view flag, std::string& dst) {
      const std::optional<std::string_view> f = dk_tools::flag_value(a, flag);
      if (f) dst = std::string(*f);
      return f.has_value();
    };
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return dk_tools::kExitOk;
    } else if (value("--config", config_path) || value("--raster", raster_path) ||
               value("--out", out) || value("--timezone", timezone) ||
               value("--graph", graph_path) || value("--jemss", jemss_dir)) {
      continue;
    } else if (value("--format", format)) {
      if (format != "jemss" && format != "timeline") return usage("--format is jemss or timeline");
    } else if (value("--seed", v)) {
      std::uint64_t seed = 0;
      if (!dk_tools::parse_flag_number("--seed", v, seed, "a non-negative integer"))
        return dk_tools::kExitUsage;
      options.seed = seed;
    } else if (value("--days", v)) {
      double days = 0;
      if (!dk_tools::parse_flag_number("--days", v, days, "a number of days") || days <= 0 ||
          days > 36600)
        return usage("--days needs a number of days in (0, 36600]");
      options.days = days;
    } else {
      return usage("unknown argument '" + std::string(a) + "'");
    }
  }
  if (config_path.empty() || raster_path.empty() || out.empty())
    return usage("--config, --raster and --out are required");
  if (!graph_path.empty() && !jemss_dir.empty()) return usage("give --graph or --jemss, not both");
  if (const absl::Status d = dk_tools::check_writable_dir(out); !d.ok()) return fail(d);
  if (!timezone.empty()) {
    absl::StatusOr<TimeZone> z = TimeZone::load(timezone);
    if (!z.ok()) return fail(z.status());
    options.zone = *z;
  }
  const auto t0 = std::chrono::steady_clock::now();
  absl::StatusOr<CallGenConfig> config = load_call_gen_config(config_path);
  if (!config.ok()) return fail(config.status());
  absl::StatusOr<DensityRaster> raster = load_density_raster(raster_path);
  if (!raster.ok()) return fail(raster.status());
  if (!graph_path.empty() || !jemss_dir.empty()) {
    absl::StatusOr<RoadGraph> g =
        jemss_dir.empty() ? load_graph(graph_path) : load_jemss_graph(jemss_dir);
    if (!g.ok()) return fail(g.status());
    if (const absl::Status c = raster->check_covers(*g); !c.ok()) return fail(c);
  }
  absl::StatusOr<GeneratedCalls> g = generate_calls(*config, *raster, options);
  if (!g.ok()) return fail(g.status());
  std::string text;
  if (format == "jemss") {
    absl::StatusOr<std::string> j = jemss_calls_csv(g->record, g->time_zero);
    if (!j.ok()) return fail(j.status());
    text = *std::move(j);
  } else {
    text = timeline_csv(g->record, options.zone);
  }
  if (const absl::Status w = write_file_atomically(out, text); !w.ok()) return fail(w);
  const std::size_t n = g->record.calls.size();
  const double span_days =
      n < 2 ? 0.0
            : static_cast<double>(to_unix_seconds(g->record.calls.back().received) -
                                  to_unix_seconds(g->record.calls.front().received)) /
                  86400.0;
  std::printf("%s: %zu calls over %.2f days (%.2f an hour; configured %.2f) in %.2f s\n",
              out.c_str(), n, span_days, span_days > 0 ? (n - 1) / (span_days * 24) : 0.0,
              1.0 / (config->interarrival.mean() * 24),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  std::printf("  priorities 1/2/3: %llu / %llu / %llu (configured %s)\n",
              static_cast<unsigned long long>(g->by_priority[0]),
              static_cast<unsigned long long>(g->by_priority[1]),
              static_cast<unsigned long long>(g->by_priority[2]), config->priority.text().c_str());
  if (g->durations_clamped != 0)
    std::printf("  durations drawn below 0 and set to 0: %llu\n",
                static_cast<unsigned long long>(g->durations_clamped));
  return dk_tools::kExitOk;
}
