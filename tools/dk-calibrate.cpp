// dk-calibrate: fit the replay's model (drive, turnout, service times, posts) on some days of a
// city's record, for dk-replay --calibration and for calibrated ETAs.
//
//   dk-calibrate --graph=data/sf/sf_osm_edges.csv.xz
//                --calls=data/sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz
//                --stations=data/sf/sf_fire_stations.csv --hospitals=data/sf/sf_hospitals.csv
//                --days=2017-01-01..2017-01-05 --out=calib.json
//   dk-replay ... --calibration=calib.json --days=2017-01-06..2017-01-07
//                 --compare=as_recorded,closest_idle --out=check
//
// --days are local calendar days of the record (YYYY-MM-DD..YYYY-MM-DD, inclusive; one
// day: YYYY-MM-DD); check the model on other days. --holidays says which days drive as
// holidays (default us_federal: the US federal holidays and their observed days; "none";
// either followed by more dates). The model and its fallbacks are
// described in include/dispatchkit/sim/calibration.hpp and docs/replay.md. Prints what was
// fitted and what fell back, and the ETA error on the fitting days before and after.
// Other options as dk-replay: --fleet, --mapping, --plans, --profile, --all-components,
// --progress / --no-progress.
// Exit status (all dk-* tools): 0 ok, 1 bad input (message on stderr), 2 usage.
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "detail/scenario_flags.hpp"
#include "detail/tool_flags.hpp"
#include "dispatchkit/sim/calibration.hpp"
#include "dispatchkit/sim/eta_validation.hpp"
#include "dispatchkit/sim/io/calibration_json.hpp"
#include "dispatchkit/sim/scenario.hpp"

namespace {

using namespace dispatchkit;

int usage(const char* why) {
  std::fprintf(stderr,
               "dk-calibrate: %s\n"
               "usage: dk-calibrate --graph=FILE --calls=FILE --stations=FILE --hospitals=FILE\n"
               "                    --days=YYYY-MM-DD..YYYY-MM-DD --out=calib.json\n"
               "                    [--fleet=FILE] [--mapping=FILE] [--plans=FILE]\n"
               "                    [--timezone=ZONE]\n"
               "                    [--holidays=us_federal|none[,YYYY-MM-DD...]]\n"
               "                    [--progress|--no-progress]\n%s",
               why, dk_tools::kOsmGraphFlagsUsage);
  return dk_tools::kExitUsage;
}

int fail(const absl::Status& s) {
  return dk_tools::status_error("dk-calibrate", s);
}

const char* fitted(bool f) {
  return f ? "fitted" : "fallback";
}

}  // namespace

int main(int argc, char** argv) {
  ReplayPaths paths;
  ReplayScenarioOptions options;
  options.build_ch = false;  // the fit reads station tables and runs Dijkstra only
  std::string out;
  CalibrationOptions fit;
  bool progress = dk_tools::progress_default();
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&](std::string_view flag, std::string& dst) {
      const std::optional<std::string_view> v = dk_tools::flag_value(a, flag);
      if (v) dst = std::string(*v);
      return v.has_value();
    };
    if (const std::optional<bool> osm = dk_tools::osm_graph_flag(a, options.osm)) {
      if (!*osm) return usage("--profile needs ambulance, car or a profile file");
      continue;
    }
    if (dk_tools::recorded_city_flag(a, paths) || dk_tools::timezone_flag(a, options.timezone) ||
        value("--out", out))
      continue;
    if (const std::optional<std::string_view> h = dk_tools::flag_value(a, "--holidays")) {
      absl::StatusOr<HolidayCalendar> cal = parse_holiday_calendar(*h);
      if (!cal.ok()) return usage(std::string(cal.status().message()).c_str());
      fit.holidays = *std::move(cal);
      continue;
    }
    if (const std::optional<bool> d = dk_tools::days_flag(a, options.replay.days)) {
      if (!*d) return usage(dk_tools::kDaysFlagError);
    } else if (a == "--progress") {
      progress = true;
    } else if (a == "--no-progress") {
      progress = false;
    } else if (a == "--help" || a == "-h") {
      usage("fit the replay's model on some days of a record");
      return dk_tools::kExitOk;
    } else {
      return usage(("unknown argument " + std::string(a)).c_str());
    }
  }
  if (const char* missing = dk_tools::missing_city_flags(paths)) return usage(missing);
  if (!options.replay.days)
    return usage("--days=YYYY-MM-DD..YYYY-MM-DD is required (fit on some days, check on others)");
  if (out.empty()) return usage("--out=calib.json is required");

  auto stage = [&](const char* what) {
    if (progress) std::fprintf(stderr, "dk-calibrate: %s\n", what);
  };
  stage("loading the graph, the record and the sites");
  absl::StatusOr<std::unique_ptr<ReplayScenario>> loaded = load_replay_scenario(paths, options);
  if (!loaded.ok()) return fail(loaded.status());
  ReplayScenario& s = **loaded;
  stage("fitting posts, drive times, turnout and service times");
  absl::StatusOr<Calibration> cal = fit_calibration(s.inputs, s.record, fit);
  if (!cal.ok()) return fail(cal.status());
  cal->calls_file = paths.calls;
  if (const absl::Status w = write_calibration_file(*cal, out); !w.ok()) return fail(w);

  stage("checking on the fitting days");
  const EtaValidation before = validate_etas(s.inputs, s.record);
  ReplayInputs posted = s.inputs;
  if (const absl::Status p = apply_posts(posted, *cal); !p.ok()) return fail(p);
  const EtaValidation after = validate_etas(posted, s.record, *cal);

  std::printf(
      "Calibration of %s on %s: %llu calls, %llu drives with a known start, %llu "
      "turnouts\n",
      paths.calls.c_str(), cal->fitted_days.c_str(), static_cast<unsigned long long>(cal->calls),
      static_cast<unsigned long long>(cal->drives), static_cast<unsigned long long>(cal->turnouts));
  std::printf(
      "\ndrive = hour_factor * day_factor * mode_factor * (intercept + factor * road time) * "
      "residual\n");
  std::printf("  band (km)   drives  intercept (s)  factor  p10    p50    p90    part\n");
  double lo = 0.0;
  for (const DriveTimeBand& b : cal->drive.bands) {
    std::printf(
        "  %4.0f-%-5s  %6llu  %13.0f  %6.2f  %5.2f  %5.2f  %5.2f  %s\n", lo,
        std::isfinite(b.up_to_km) ? std::to_string(static_cast<int>(b.up_to_km)).c_str() : "",
        static_cast<unsigned long long>(b.samples), b.intercept_s, b.factor, b.residual.at(0.1),
        b.residual.at(0.5), b.residual.at(0.9), fitted(b.fitted));
    lo = b.up_to_km;
  }
  int hours = 0;
  for (bool f : cal->drive.hour_fitted) hours += f ? 1 : 0;
  std::printf("  hour factors: %d of 24 hours fitted (others 1.0):", hours);
  for (std::size_t h = 0; h < 24; ++h)
    if (cal->drive.hour_fitted[h]) std::printf(" %zu:%.2f", h, cal->drive.hour_factor[h]);
  std::printf("\n  day factors (working days 1.0):");
  for (std::size_t k = 0; k < kDayKinds; ++k)
    std::printf(" %s %.2f (%s, %llu drives)", day_kind_name(static_cast<DayKind>(k)).data(),
                cal->drive.day_factor[k], fitted(cal->drive.day_fitted[k]),
                static_cast<unsigned long long>(cal->drive.day_samples[k]));
  std::printf(
      "\n  normal driving (non-urgent calls): mode factor %.2f on top of the road model's "
      "normal-driving time (%s, %llu drives)\n",
      cal->drive.mode_factor[1], fitted(cal->drive.mode_fitted[1]),
      static_cast<unsigned long long>(cal->drive.mode_samples[1]));
  const TurnoutCell* all = cal->turnout.cell_for(PriorityGrade::kI, true, -2);
  std::printf("\nturnout: %zu cells fitted (grade x unit type x hour, with fallbacks)",
              cal->turnout.cells.size());
  if (cal->turnout.empty())
    std::printf("; none: FleetOptions::turnout_at_station is used\n");
  else
    std::printf("; e.g. grade I ALS median %.0f s\n", all->seconds.at(0.5));
  std::printf("service: %zu call types fitted besides all calls\n", cal->service.cells.size() - 1);
  std::size_t learned = 0;
  for (const UnitPost& p : cal->posts) learned += p.learned ? 1 : 0;
  std::printf("posts: %zu of %zu units wait elsewhere than their home station\n", learned,
              cal->posts.size());
  std::printf(
      "\nETA on the fitting days: %llu drives, median |error| %.0f s -> %.0f s, bias %+.0f "
      "s -> %+.0f s (free flow -> calibrated)\n",
      static_cast<unsigned long long>(after.overall.count), before.overall.median_abs_error_s,
      after.overall.median_abs_error_s, before.overall.bias_s, after.overall.bias_s);
  std::printf("wrote %s\n", out.c_str());
  return dk_tools::kExitOk;
}
