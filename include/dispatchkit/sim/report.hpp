// dispatchkit/sim/report.hpp: a replay's results as JSON, a text table and SVG figures.
//
//   ReplayReportInputs r{.inputs = &in, .record = &record, .runs = results, .eta = etas,
//                        .calls_file = "sf_calls.csv.gz", .seed = 1};
//   write_file_atomically("out/report.json", report_json(r));
//   std::cout << report_table(r);                              // the manager's comparison
//   write_file_atomically("out/response_times.svg", response_time_svg(r));
//   write_file_atomically("out/late_calls.svg", late_calls_svg(r));
//
// Everything here is a pure function of its inputs: no clock, no locale (absl::StrFormat
// formats numbers the same way everywhere), fixed field order and fixed decimals, so the
// same replay gives byte-identical files. The JSON fields are documented in
// docs/replay.md; times are seconds unless the name says otherwise (_h, _min), shares are
// fractions in [0, 1].
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/civil_date.hpp"
#include "dispatchkit/io/csv.hpp"
#include "dispatchkit/sim/calibration.hpp"
#include "dispatchkit/sim/calibration_model.hpp"
#include "dispatchkit/sim/call_taking.hpp"
#include "dispatchkit/sim/eta_validation.hpp"
#include "dispatchkit/sim/kpi.hpp"
#include "dispatchkit/sim/local_time.hpp"
#include "dispatchkit/sim/recorded_calls.hpp"
#include "dispatchkit/sim/replay.hpp"
#include "dispatchkit/sim/replications.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// What a report is made of. Pointers and spans are not owned and must outlive the call.
struct ReplayReportInputs {
  const ReplayInputs* inputs = nullptr;
  const RecordedCalls* record = nullptr;
  std::span<const ReplayResult> runs;  // one per strategy, in the order to show
  std::span<const EtaValidation> eta;  // free flow first, then other metrics
  std::string calls_file;              // as named on the command line
  std::string graph_file;
  std::uint64_t seed = 1;
  const Calibration* calibration = nullptr;  // the model the inputs were prepared with
  std::string calibration_file;
  // Replicated runs (sim/replications.hpp), at most one per strategy; empty = single
  // replays only. An as_recorded one is what the reproduction check compares with.
  std::span<const Replications> replications;
  // How the runs' travel times were decided (report.json "travel_model").
  std::string decisions = "free_flow";  // of the runs without an "@free_flow" twin
  std::uint64_t closures_applied = 0;
  std::string traffic_file;  // the profile behind "time_of_day" (may be empty)
  // Call-takers per hour of the week for the answer target (sim/call_taking.hpp); null:
  // "call_taking": null.
  const CallTakingPlan* call_taking = nullptr;
  std::string areas_file;  // --areas (empty: every call urban)
};

// The suffix of a run replayed on free flow beside its time-of-day twin (dk-replay
// --decisions=both): "closest_idle@free_flow" beside "closest_idle".
inline constexpr std::string_view kFreeFlowTwinSuffix = "@free_flow";

// The JSON report (schema in docs/replay.md). Deterministic.
[[nodiscard]] std::string report_json(const ReplayReportInputs& r);
// A plain-text comparison table: recorded beside each strategy, overall and per grade,
// then the ETA error table by hour.
[[nodiscard]] std::string report_table(const ReplayReportInputs& r);
// The short comparison a dispatch centre's manager reads: the headline KPIs, recorded
// beside each strategy, and one line on how far to trust the road model.
[[nodiscard]] std::string report_summary(const ReplayReportInputs& r);
// Cumulative distribution of response times (first ambulance on scene), recorded and
// per strategy, 0..30 min, with the 8-minute line.
[[nodiscard]] std::string response_time_svg(const ReplayReportInputs& r);
// Map of the calls reached late (beyond their grade's target, or never), one panel for
// the record and one per strategy, over the road network, stations and hospitals.
[[nodiscard]] std::string late_calls_svg(const ReplayReportInputs& r);

// One row per call and run (DIR/calls.csv): strategy,call,received,grade,area_class,
// first_unit,predicted_eta_s,simulated_response_s,recorded_response_s; empty where the
// record or the run has no value. Deterministic.
[[nodiscard]] std::string calls_csv(const ReplayReportInputs& r);
// Calls whose first unit differs between two runs of the same inputs; with `by_station`
// (the inputs), only those whose first units wait at different stations (a crew of the
// same station is the same decision).
[[nodiscard]] std::uint64_t first_units_differ(const ReplayResult& a, const ReplayResult& b,
                                               const ReplayInputs* by_station = nullptr);

// "2017-01-01T08:00:00Z".
[[nodiscard]] std::string iso_utc(SimTime t);

// ---------------------------------------------------------------------------------------
// Implementation.

inline std::string iso_utc(SimTime t) {
  const std::int64_t s = to_unix_seconds(t);
  const std::int64_t days = detail::floor_div(s, 86400);
  const std::int64_t sod = s - days * 86400;
  const detail::CivilDate c = detail::civil_from_days(days);
  const std::int64_t y = c.year;
  const unsigned m = c.month, d = c.day;
  return absl::StrFormat("%04d-%02u-%02uT%02d:%02d:%02dZ", y, m, d, sod / 3600, sod / 60 % 60,
                         sod % 60);
}

namespace detail {

// Calls f(run, twin) for every run "NAME@free_flow" and its time-of-day twin "NAME", in
// the order of the twins: the one pairing report.json and report.txt share.
template <class F>
void for_each_free_flow_twin(std::span<const ReplayResult> runs, F&& f) {
  for (const ReplayResult& twin : runs) {
    if (!twin.strategy.ends_with(kFreeFlowTwinSuffix)) continue;
    const std::string_view base = std::string_view(twin.strategy)
                                      .substr(0, twin.strategy.size() - kFreeFlowTwinSuffix.size());
    for (const ReplayResult& run : runs)
      if (run.strategy == base) f(run, twin);
  }
}

// Width of a table column: 16, or wider for a long strategy name ("closest_idle@free_flow").
template <class Columns>
[[nodiscard]] int column_width(const Columns& cols) {
  std::size_t w = 14;
  for (const auto& c : cols) w = std::max(w, c.first.size());
  return static_cast<int>(w + 2);
}

inline std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          out += absl::StrFormat("\\u%04x", static_cast<unsigned>(c));
        else
          out += c;
    }
  }
  return out + "\"";
}
inline std::string num(double v, int decimals = 1) {
  if (!std::isfinite(v)) return "null";
  std::string s = absl::StrFormat("%.*f", decimals, v);
  if (s == "-0.0" || s == "-0.000" || s == "-0") s.erase(0, 1);
  return s;
}
inline std::string stats_json(const DurationStats& d) {
  return absl::StrCat("{\"count\": ", d.count, ", \"mean\": ", num(d.mean_s),
                      ", \"median\": ", num(d.median_s), ", \"p90\": ", num(d.p90_s), "}");
}
inline std::string kpi_set_json(const KpiSet& k, std::string_view indent) {
  const std::string i = std::string(indent) + "  ";
  return absl::StrCat("{\n", i, "\"calls\": ", k.calls, ",\n", i,
                      "\"dispatch_delay_s\": ", stats_json(k.dispatch_delay), ",\n", i,
                      "\"dispatch_within_3min\": ", num(k.dispatch_within_3min, 4), ",\n", i,
                      "\"response_s\": ", stats_json(k.response), ",\n", i,
                      "\"within_8min\": ", num(k.within_8min, 4), ",\n", i,
                      "\"late_fraction\": ", num(k.late_fraction, 4), ",\n", i,
                      "\"within_target\": ", num(k.within_target, 4), ",\n", i,
                      "\"never_reached\": ", k.never_reached, ",\n", i,
                      "\"wait_s\": ", stats_json(k.wait), ",\n", i,
                      "\"wait_total_h\": ", num(k.wait_total_h, 2), "\n", as_absl(indent), "}");
}
inline std::string kpi_json(const KpiReport& k, std::string_view indent) {
  const std::string i = std::string(indent) + "  ";
  std::string out = absl::StrCat("{\n", i, "\"overall\": ", kpi_set_json(k.overall, i), ",\n", i,
                                 "\"by_grade\": {");
  for (int g = 0; g < 4; ++g)
    absl::StrAppend(&out, g ? ", " : "", "\n", i, "  \"",
                    as_absl(to_string(static_cast<PriorityGrade>(g + 1))),
                    "\": ", kpi_set_json(k.by_grade[static_cast<std::size_t>(g)], i + "  "));
  absl::StrAppend(&out, "\n", i, "},\n", i, "\"by_area_class\": {");
  for (std::size_t a = 0; a < k.by_area_class.size(); ++a)
    absl::StrAppend(&out, a ? ", " : "", "\n", i, "  \"",
                    as_absl(to_string(static_cast<AreaClass>(a))),
                    "\": ", kpi_set_json(k.by_area_class[a], i + "  "));
  absl::StrAppend(&out, "\n", i, "},\n", i, "\"within_target\": ", num(k.overall.within_target, 4),
                  ",\n", i, "\"departures\": ", k.departures.units, ",\n", i,
                  "\"departure_within_3min\": ", num(k.departures.share(), 4), ",\n", i,
                  "\"utilisation\": ", num(k.utilisation, 4), "\n", as_absl(indent), "}");
  return out;
}
inline std::string eta_stats_json(const EtaErrorStats& e) {
  return absl::StrCat(
      "\"samples\": ", e.count, ", \"median_abs_error_s\": ", num(e.median_abs_error_s),
      ", \"bias_s\": ", num(e.bias_s), ", \"bias_low_95_s\": ", num(e.bias_low_s),
      ", \"bias_high_95_s\": ", num(e.bias_high_s), ", \"mean_error_s\": ", num(e.mean_error_s),
      ", \"median_recorded_s\": ", num(e.median_recorded_s),
      ", \"p90_abs_error_s\": ", num(e.p90_abs_error_s));
}

// Per local hour of day: calls, median response, share within 8 min, late fraction.
inline std::string kpi_by_hour_json(std::span<const CallOutcome> outcomes, const TimeZone& zone,
                                    std::string_view indent) {
  const std::array<KpiSet, 24> by_hour =
      compute_kpis_by_hour(outcomes, [&](SimTime t) { return local_hour(t, zone); });
  std::string out = "[";
  for (std::size_t h = 0; h < 24; ++h) {
    const KpiSet& k = by_hour[h];
    absl::StrAppend(&out, h ? "," : "", "\n", as_absl(indent), "  {\"hour\": ", h,
                    ", \"calls\": ", k.calls, ", \"response_median_s\": ", num(k.response.median_s),
                    ", \"response_mean_s\": ", num(k.response.mean_s),
                    ", \"response_p90_s\": ", num(k.response.p90_s),
                    ", \"within_8min\": ", num(k.within_8min, 4),
                    ", \"late_fraction\": ", num(k.late_fraction, 4), "}");
  }
  return out + "]";
}

// What the calibration fitted and what fell back.
inline std::string calibration_summary_json(const Calibration& c, std::string_view file) {
  std::size_t bands_fitted = 0, hours_fitted = 0, posts_learned = 0;
  for (const DriveTimeBand& b : c.drive.bands) bands_fitted += b.fitted ? 1 : 0;
  for (bool f : c.drive.hour_fitted) hours_fitted += f ? 1 : 0;
  for (const UnitPost& p : c.posts) posts_learned += p.learned ? 1 : 0;
  std::string bands = "[";
  for (std::size_t i = 0; i < c.drive.bands.size(); ++i) {
    const DriveTimeBand& b = c.drive.bands[i];
    absl::StrAppend(&bands, i ? ", " : "", "{\"up_to_km\": ",
                    std::isfinite(b.up_to_km) ? num(b.up_to_km) : std::string("null"),
                    ", \"samples\": ", b.samples, ", \"fitted\": ", b.fitted ? "true" : "false",
                    ", \"intercept_s\": ", num(b.intercept_s), ", \"factor\": ", num(b.factor, 3),
                    ", \"residual_p10\": ", num(b.residual.at(0.1), 3),
                    ", \"residual_p90\": ", num(b.residual.at(0.9), 3), "}");
  }
  absl::StrAppend(&bands, "]");
  std::string day_factors;  // "working": {"factor": 1, "samples": n, "fitted": true}, ...
  for (std::size_t k = 0; k < kDayKinds; ++k)
    absl::StrAppend(&day_factors, k ? ", " : "", "\"",
                    detail::as_absl(day_kind_name(static_cast<DayKind>(k))),
                    "\": {\"factor\": ", num(c.drive.day_factor[k], 3),
                    ", \"samples\": ", c.drive.day_samples[k],
                    ", \"fitted\": ", c.drive.day_fitted[k] ? "true" : "false", "}");
  return absl::StrCat(
      "{\n    \"file\": ", json_string(file),
      ",\n    \"fitted_days\": ", json_string(c.fitted_days),
      ",\n    \"calls_file\": ", json_string(c.calls_file), ",\n    \"drives\": ", c.drives,
      ",\n    \"turnouts\": ", c.turnouts, ",\n    \"drive\": {\"bands\": ", bands,
      ", \"hours_fitted\": ", hours_fitted, ", \"hours_fallback\": ", 24 - hours_fitted,
      ", \"bands_fitted\": ", bands_fitted,
      ", \"bands_fallback\": ", c.drive.bands.size() - bands_fitted,
      ", \"mode_factor\": {\"lights_and_sirens\": ", num(c.drive.mode_factor[0], 3),
      ", \"normal\": ", num(c.drive.mode_factor[1], 3),
      ", \"normal_fitted\": ", c.drive.mode_fitted[1] ? "true" : "false", "}",
      ", \"day_factor\": {", day_factors,
      "}},\n    \"turnout\": {\"cells_fitted\": ", c.turnout.cells.size(),
      ", \"fallback\": ", c.turnout.empty() ? "\"fleet_default\"" : "\"coarser_cell\"",
      "},\n    \"service\": {\"call_types_fitted\": ", c.service.cells.size() - 1,
      ", \"fallback\": \"all_calls\"},\n    \"posts\": {\"units\": ", c.posts.size(),
      ", \"learned\": ", posts_learned, ", \"home_station\": ", c.posts.size() - posts_learned,
      "}\n  }");
}

inline std::string replicated_json(const ReplicatedValue& v, int decimals) {
  return absl::StrCat(
      "{\"mean\": ", num(v.mean, decimals), ", \"half_width_95\": ", num(v.half_width_95, decimals),
      ", \"low\": ", num(v.low, decimals), ", \"high\": ", num(v.high, decimals), "}");
}
inline std::string replicated_kpis_json(const ReplicatedKpis& k) {
  return absl::StrCat("{\"response_median_s\": ", replicated_json(k.median_s, 1),
                      ", \"response_mean_s\": ", replicated_json(k.mean_s, 1),
                      ", \"response_p90_s\": ", replicated_json(k.p90_s, 1),
                      ", \"within_8min\": ", replicated_json(k.within_8min, 4),
                      ", \"late_fraction\": ", replicated_json(k.late_fraction, 4), "}");
}

inline std::string reproduction_json(const ReproductionCheck& r) {
  std::string out = absl::StrCat("{\"passed\": ", r.passed ? "true" : "false",
                                 ", \"replications\": ", r.replications, ", \"checks\": [");
  for (std::size_t i = 0; i < r.lines.size(); ++i) {
    const ReproductionLine& l = r.lines[i];
    absl::StrAppend(&out, i ? "," : "", "\n    {\"measure\": ", json_string(l.measure),
                    ", \"recorded\": ", num(l.recorded, 4),
                    ", \"as_recorded\": ", num(l.modelled, 4),
                    ", \"as_recorded_half_width_95\": ", num(l.modelled_half_width_95, 4),
                    ", \"as_recorded_low_95\": ", num(l.modelled_low_95, 4),
                    ", \"as_recorded_high_95\": ", num(l.modelled_high_95, 4),
                    ", \"difference\": ", num(l.difference, 4), ", \"limit\": ", num(l.limit, 4),
                    ", \"ok\": ", l.ok ? "true" : "false", "}");
  }
  return out + "]}";
}

}  // namespace detail

// The as_recorded run among `r.runs` (nullptr if none).
[[nodiscard]] inline const ReplayResult* as_recorded_run(const ReplayReportInputs& r) {
  for (const ReplayResult& run : r.runs)
    if (run.strategy == kAsRecordedPolicy) return &run;
  return nullptr;
}
// The ETA validation the reproduction check uses: "calibrated" if present, else the first.
[[nodiscard]] inline const EtaValidation* reproduction_eta(const ReplayReportInputs& r) {
  for (const EtaValidation& e : r.eta)
    if (e.metric == "calibrated") return &e;
  return r.eta.empty() ? nullptr : &r.eta.front();
}
// check_reproduction (sim/calibration.hpp) of the as_recorded run; nullopt without one.
[[nodiscard]] inline std::optional<ReproductionCheck> report_reproduction(
    const ReplayReportInputs& r) {
  for (const Replications& rep : r.replications)
    if (rep.strategy == kAsRecordedPolicy)
      return check_reproduction(r.inputs->recorded_kpis, rep, reproduction_eta(r));
  const ReplayResult* run = as_recorded_run(r);
  if (run == nullptr) return std::nullopt;
  return check_reproduction(r.inputs->recorded_kpis, run->kpis, reproduction_eta(r));
}

namespace detail {
// The recorded column's calls: every call but the resampled copies (scale_demand), which
// the record never saw.
inline std::vector<CallOutcome> recorded_column(const ReplayInputs& in) {
  std::vector<CallOutcome> out;
  for (std::size_t i = 0; i < in.recorded_outcomes.size(); ++i)
    if (i >= in.calls.size() || in.calls[i].copy == 0) out.push_back(in.recorded_outcomes[i]);
  return out;
}
}  // namespace detail

inline std::string report_json(const ReplayReportInputs& r) {
  using detail::json_string;
  using detail::num;
  const ReplayInputs& in = *r.inputs;
  const RecordedLoadReport& load = r.record->report;
  std::string out = "{\n";
  absl::StrAppend(&out, "  \"dispatchkit_version\": \"", DISPATCHKIT_VERSION_STRING, "\",\n");
  absl::StrAppend(&out, "  \"seed\": ", r.seed, ",\n");
  absl::StrAppend(&out, "  \"inputs\": {\n    \"calls_file\": ", json_string(r.calls_file),
                  ",\n    \"graph_file\": ", json_string(r.graph_file),
                  ",\n    \"rows_read\": ", load.rows_read,
                  ",\n    \"rows_used\": ", load.rows_used,
                  ",\n    \"rows_rejected\": {\"total\": ", load.rows_rejected_total());
  for (std::size_t i = 0; i < kRowProblemCount; ++i)
    absl::StrAppend(&out, ", ", json_string(to_string(static_cast<RowProblem>(i))), ": ",
                    load.rows_rejected[i]);
  absl::StrAppend(&out, "},\n    \"call_format\": ", json_string(load.format),
                  ",\n    \"time_zone\": ", json_string(in.zone.name()),
                  ",\n    \"tz_database\": ", json_string(tz_database_version()),
                  ",\n    \"calls_without_unit\": ", load.calls_without_unit,
                  ",\n    \"calls_outside_period\": ", load.calls_outside_period,
                  ",\n    \"stages_missing\": {");
  for (std::size_t i = 0; i < kTimelineStageCount; ++i)
    absl::StrAppend(&out, i ? ", " : "", json_string(kTimelineStageNames[i]), ": ",
                    load.stages_missing[i]);
  absl::StrAppend(
      &out, "},\n    \"stamps_out_of_order\": ", load.stamps_out_of_order,
      ",\n    \"units\": ", in.units.size(), ",\n    \"stations\": ", in.stations.size(),
      ",\n    \"hospitals\": ", in.hospitals->size(), ",\n    \"period_begin\": \"",
      iso_utc(in.begin), "\",\n    \"period_end\": \"", iso_utc(in.end),
      "\",\n    \"unit_hours_on_duty\": ", num(in.on_duty_seconds() / 3600.0), "\n  },\n");
  absl::StrAppend(&out, "  \"calls_in_record\": ", in.calls_in_record, ",\n");
  absl::StrAppend(&out, "  \"calls_outside_days\": ", in.calls_outside_days, ",\n");
  absl::StrAppend(&out, "  \"calls_replayed\": ", in.calls.size(), ",\n");
  absl::StrAppend(&out, "  \"calls_with_record\": ", in.calls_with_record, ",\n");
  absl::StrAppend(&out, "  \"calls_skipped\": {\"total\": ", in.skipped_total());
  for (std::size_t i = 0; i < kSkipReasonCount; ++i)
    absl::StrAppend(&out, ", ", json_string(to_string(static_cast<SkipReason>(i))), ": ",
                    in.skipped[i]);
  absl::StrAppend(&out, "},\n");
  absl::StrAppend(&out, "  \"eta_median_abs_error_s\": ",
                  r.eta.empty() ? std::string("null") : num(r.eta[0].overall.median_abs_error_s),
                  ",\n");
  absl::StrAppend(&out, "  \"eta_validation\": [");
  for (std::size_t m = 0; m < r.eta.size(); ++m) {
    const EtaValidation& e = r.eta[m];
    absl::StrAppend(&out, m ? "," : "", "\n    {\"metric\": ", json_string(e.metric), ", ",
                    detail::eta_stats_json(e.overall),
                    ",\n     \"skipped\": {\"no_stamps\": ", e.skipped_no_stamps,
                    ", \"not_in_fleet\": ", e.skipped_not_in_fleet,
                    ", \"origin_unknown\": ", e.skipped_not_at_station,
                    ", \"unreachable\": ", e.skipped_unreachable,
                    "},\n     \"from_home_station\": {", detail::eta_stats_json(e.by_origin[0]),
                    "},\n     \"from_previous_scene\": {", detail::eta_stats_json(e.by_origin[1]),
                    "},\n     \"from_post\": {", detail::eta_stats_json(e.by_origin[2]),
                    "},\n     \"by_distance_band\": [");
    for (std::size_t b = 0; b < kEtaDistanceBands; ++b)
      absl::StrAppend(&out, b ? "," : "", "\n       {\"from_km\": ",
                      b == 0 ? std::string("0") : num(kEtaDistanceBandEdgesKm[b - 1], 0),
                      ", \"to_km\": ",
                      b < kEtaDistanceBandEdgesKm.size() ? num(kEtaDistanceBandEdgesKm[b], 0)
                                                         : std::string("null"),
                      ", ", detail::eta_stats_json(e.by_distance_band[b]), "}");
    absl::StrAppend(&out, "],\n     \"by_hour\": [");
    for (std::size_t h = 0; h < 24; ++h)
      absl::StrAppend(&out, h ? "," : "", "\n       {\"hour\": ", h, ", ",
                      detail::eta_stats_json(e.by_hour[h]), "}");
    absl::StrAppend(&out, "]}");
  }
  absl::StrAppend(&out, r.eta.empty() ? "],\n" : "\n  ],\n");
  absl::StrAppend(&out, "  \"calibration\": ",
                  r.calibration == nullptr
                      ? std::string("null")
                      : detail::calibration_summary_json(*r.calibration, r.calibration_file),
                  ",\n");
  {
    const std::optional<ReproductionCheck> rep = report_reproduction(r);
    absl::StrAppend(&out, "  \"reproduction\": ",
                    rep ? detail::reproduction_json(*rep) : std::string("null"), ",\n");
  }
  absl::StrAppend(&out, "  \"replications\": [");
  for (std::size_t i = 0; i < r.replications.size(); ++i) {
    const Replications& rep = r.replications[i];
    absl::StrAppend(&out, i ? "," : "", "\n    {\"strategy\": ", detail::json_string(rep.strategy),
                    ", \"count\": ", rep.count(), ", \"first_seed\": ", rep.first_seed,
                    ",\n     \"overall\": ", detail::replicated_kpis_json(rep.overall),
                    ",\n     \"by_grade\": [");
    for (std::size_t g = 0; g < 4; ++g)
      absl::StrAppend(&out, g ? ",\n       " : "\n       ",
                      detail::replicated_kpis_json(rep.by_grade[g]));
    absl::StrAppend(&out, "]}");
  }
  absl::StrAppend(&out, r.replications.empty() ? "],\n" : "\n  ],\n");
  absl::StrAppend(&out, "  \"areas_file\": ", json_string(r.areas_file), ",\n");
  absl::StrAppend(&out, "  \"call_taking\": ");
  if (r.call_taking == nullptr) {
    absl::StrAppend(&out, "null,\n");
  } else {
    const CallTakingPlan& ct = *r.call_taking;
    absl::StrAppend(&out, "{\"handling_s\": ", num(ct.options.handling_s),
                    ", \"answer_s\": ", num(ct.options.answer_s),
                    ", \"service_level\": ", num(ct.options.service_level, 3),
                    ", \"calls\": ", ct.calls, ", \"peak_call_takers\": ", ct.peak_call_takers,
                    ",\n    \"by_hour_of_week\": [");
    for (std::size_t h = 0; h < ct.by_hour_of_week.size(); ++h) {
      const CallTakingHour& c = ct.by_hour_of_week[h];
      absl::StrAppend(&out, h ? "," : "", h % 4 == 0 ? "\n      " : " ", "{\"hour_of_week\": ", h,
                      ", \"calls_per_hour\": ", num(c.calls_per_hour, 2),
                      ", \"call_takers\": ", c.call_takers,
                      ", \"answered_in_time\": ", num(c.answered_in_time, 4), "}");
    }
    absl::StrAppend(&out, "]},\n");
  }
  absl::StrAppend(&out, "  \"travel_model\": {\"decisions\": ", json_string(r.decisions),
                  ", \"closures_applied\": ", r.closures_applied,
                  ", \"traffic_file\": ", json_string(r.traffic_file),
                  ", \"first_unit_differs\": [");
  {
    bool first = true;
    detail::for_each_free_flow_twin(r.runs, [&](const ReplayResult& run, const ReplayResult& twin) {
      absl::StrAppend(&out, first ? "" : ", ", "{\"strategy\": ", json_string(run.strategy),
                      ", \"calls\": ", first_units_differ(run, twin),
                      ", \"from_another_station\": ", first_units_differ(run, twin, &in), "}");
      first = false;
    });
  }
  absl::StrAppend(&out, "]},\n");
  // Demand without a record (generated calls) has no recorded column: null, not zeros.
  const bool recorded = in.calls_with_record != 0;
  absl::StrAppend(&out, "  \"recorded\": ",
                  recorded ? detail::kpi_json(in.recorded_kpis, "  ") : std::string("null"), ",\n");
  absl::StrAppend(&out, "  \"recorded_by_hour\": ",
                  recorded ? detail::kpi_by_hour_json(detail::recorded_column(in), in.zone, "  ")
                           : std::string("null"),
                  ",\n");
  absl::StrAppend(&out, "  \"strategies\": [");
  for (std::size_t s = 0; s < r.runs.size(); ++s) {
    const ReplayResult& run = r.runs[s];
    absl::StrAppend(
        &out, s ? "," : "", "\n    {\n      \"name\": ", json_string(run.strategy),
        ",\n      \"decisions\": ", json_string(run.decisions),
        ",\n      \"move_up\": ", json_string(run.move_up),
        ",\n      \"simulated\": ", detail::kpi_json(run.kpis, "      "), ",\n      \"recorded\": ",
        recorded ? detail::kpi_json(in.recorded_kpis, "      ") : std::string("null"),
        ",\n      \"counters\": {\"events\": ", run.events, ", \"dispatches\": ", run.dispatches,
        ", \"preemptions\": ", run.preemptions, ", \"calls_queued\": ", run.calls_queued,
        ", \"transports\": ", run.transports,
        ", \"recorded_dispatches\": ", run.recorded_dispatches,
        ", \"substituted_dispatches\": ", run.substituted_dispatches,
        ", \"recorded_units_released\": ", run.recorded_units_released,
        ", \"relocations\": ", run.relocations,
        ", \"relocation_drive_s\": ", absl::StrFormat("%.0f", run.relocation_drive_s),
        "},\n      \"by_hour\": ", detail::kpi_by_hour_json(run.outcomes, in.zone, "      "),
        "\n    }");
  }
  absl::StrAppend(&out, r.runs.empty() ? "]\n" : "\n  ]\n", "}\n");
  return out;
}

inline std::uint64_t first_units_differ(const ReplayResult& a, const ReplayResult& b,
                                        const ReplayInputs* by_station) {
  // The station a unit waits at (its post or home); kNoUnit for none.
  auto station = [&](std::uint32_t u) {
    return u < by_station->units.size() ? by_station->units[u].waits_at() : CallOutcome::kNoUnit;
  };
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < std::min(a.outcomes.size(), b.outcomes.size()); ++i) {
    const std::uint32_t ua = a.outcomes[i].first_unit, ub = b.outcomes[i].first_unit;
    n += by_station != nullptr ? station(ua) != station(ub) : ua != ub;
  }
  return n;
}

inline std::string calls_csv(const ReplayReportInputs& r) {
  const ReplayInputs& in = *r.inputs;
  std::string out =
      "strategy,call,received,grade,area_class,first_unit,predicted_eta_s,simulated_response_s,"
      "recorded_response_s\n";
  auto unit = [&](std::uint32_t u) {
    return u < in.units.size() ? csv_field(in.units[u].call_sign) : std::string();
  };
  auto response = [](const CallOutcome& o) {
    return o.reached() ? absl::StrCat(o.response_s()) : std::string();
  };
  for (const ReplayResult& run : r.runs)
    for (std::size_t i = 0; i < in.calls.size() && i < run.outcomes.size(); ++i) {
      const ReplayCall& c = in.calls[i];
      const CallOutcome& o = run.outcomes[i];
      const CallOutcome* rec = i < in.recorded_outcomes.size() ? &in.recorded_outcomes[i] : nullptr;
      absl::StrAppend(&out, csv_field(run.strategy), ",",
                      csv_field(c.copy == 0 ? r.record->calls[c.recorded].call_number
                                            : absl::StrCat(r.record->calls[c.recorded].call_number,
                                                           "*", c.copy + 1)),
                      ",", iso_utc(c.received), ",", detail::as_absl(to_string(c.grade)), ",",
                      detail::as_absl(to_string(c.area)), ",", unit(o.first_unit), ",",
                      o.predicted_eta_s >= 0 ? absl::StrCat(o.predicted_eta_s) : std::string(), ",",
                      response(o), ",", rec != nullptr ? response(*rec) : std::string(), "\n");
    }
  return out;
}

inline std::string report_table(const ReplayReportInputs& r) {
  const ReplayInputs& in = *r.inputs;
  std::vector<std::pair<std::string, const KpiReport*>> cols;
  if (in.calls_with_record != 0) cols.emplace_back("recorded", &in.recorded_kpis);
  for (const ReplayResult& run : r.runs) cols.emplace_back(run.strategy, &run.kpis);
  const int width = detail::column_width(cols);
  std::string out = absl::StrFormat(
      "Replay of %u calls (%s .. %s), %u in the record, %u skipped; %u ambulances, %.0f "
      "unit-hours on duty\n",
      in.calls.size(), iso_utc(in.begin), iso_utc(in.end), in.calls_in_record, in.skipped_total(),
      in.units.size(), in.on_duty_seconds() / 3600.0);
  if (in.calls_outside_days != 0)
    absl::StrAppend(&out, "  outside the chosen days: ", in.calls_outside_days, "\n");
  for (std::size_t i = 0; i < kSkipReasonCount; ++i)
    if (in.skipped[i] != 0)
      absl::StrAppend(&out, "  skipped ", detail::as_absl(to_string(static_cast<SkipReason>(i))),
                      ": ", in.skipped[i], "\n");
  absl::StrAppend(&out, "  decisions on ", r.decisions,
                  r.traffic_file.empty() ? std::string() : " (" + r.traffic_file + ")", ", ",
                  r.closures_applied, " closures applied\n");
  detail::for_each_free_flow_twin(r.runs, [&](const ReplayResult& run, const ReplayResult& twin) {
    absl::StrAppend(&out, "  ", twin.strategy, " sent another first unit on ",
                    first_units_differ(run, twin), " calls, from another station on ",
                    first_units_differ(run, twin, &in), "\n");
  });
  auto header = [&](std::string_view title) {
    absl::StrAppend(&out, "\n", absl::StrFormat("%-34s", detail::as_absl(title)));
    for (const auto& c : cols) absl::StrAppend(&out, absl::StrFormat("%*s", width, c.first));
    absl::StrAppend(&out, "\n");
  };
  auto row = [&](std::string_view label, auto&& value) {
    absl::StrAppend(&out, absl::StrFormat("%-34s", detail::as_absl(label)));
    for (const auto& c : cols)
      absl::StrAppend(&out, absl::StrFormat("%*s", width, value(*c.second)));
    absl::StrAppend(&out, "\n");
  };
  auto minutes = [](double s) { return absl::StrFormat("%.1f", s / 60.0); };
  auto pct = [](double f) { return absl::StrFormat("%.1f%%", 100.0 * f); };
  auto block = [&](std::string_view title, auto&& pick) {
    header(title);
    row("calls", [&](const KpiReport& k) { return absl::StrCat(pick(k).calls); });
    row("response median (min)",
        [&](const KpiReport& k) { return minutes(pick(k).response.median_s); });
    row("response mean (min)",
        [&](const KpiReport& k) { return minutes(pick(k).response.mean_s); });
    row("response 90th percentile (min)",
        [&](const KpiReport& k) { return minutes(pick(k).response.p90_s); });
    row("reached within 8 min", [&](const KpiReport& k) { return pct(pick(k).within_8min); });
    row("late (beyond grade target)",
        [&](const KpiReport& k) { return pct(pick(k).late_fraction); });
    row("reached within own target",
        [&](const KpiReport& k) { return pct(pick(k).within_target); });
    row("dispatch delay median (s)", [&](const KpiReport& k) {
      return absl::StrFormat("%.0f", pick(k).dispatch_delay.median_s);
    });
    row("dispatched within 3 min",
        [&](const KpiReport& k) { return pct(pick(k).dispatch_within_3min); });
    row("waited for a unit, total (h)",
        [&](const KpiReport& k) { return absl::StrFormat("%.1f", pick(k).wait_total_h); });
  };
  block("ALL CALLS", [](const KpiReport& k) -> const KpiSet& { return k.overall; });
  row("ambulance utilisation", [&](const KpiReport& k) { return pct(k.utilisation); });
  row("units rolling within 3 min", [&](const KpiReport& k) { return pct(k.departures.share()); });
  for (std::size_t a = 0; a < in.recorded_kpis.by_area_class.size(); ++a) {
    // Only when an areas file made some calls other than urban.
    if (in.recorded_kpis.by_area_class[a].calls == in.recorded_kpis.overall.calls) break;
    if (in.recorded_kpis.by_area_class[a].calls == 0) continue;
    block(absl::StrCat(detail::as_absl(to_string(static_cast<AreaClass>(a))), " AREA CALLS"),
          [a](const KpiReport& k) -> const KpiSet& { return k.by_area_class[a]; });
  }
  for (int g = 0; g < 4; ++g) {
    const auto grade = static_cast<PriorityGrade>(g + 1);
    if (in.recorded_kpis.by_grade[static_cast<std::size_t>(g)].calls == 0) continue;
    block(absl::StrCat("GRADE ", detail::as_absl(to_string(grade)), " (target ",
                       in.options.targets.response(in.options.area, grade).count() / 60, " min)"),
          [g](const KpiReport& k) -> const KpiSet& {
            return k.by_grade[static_cast<std::size_t>(g)];
          });
  }
  for (const EtaValidation& e : r.eta) {
    absl::StrAppend(
        &out, absl::StrFormat("\nETA validation (%s): %u recorded drives (%u from the home "
                              "station, %u from the previous scene); median absolute error %.0f "
                              "s, bias (median predicted - recorded) %+.0f s, median recorded "
                              "drive %.0f s\n",
                              e.metric, e.overall.count, e.by_origin[0].count, e.by_origin[1].count,
                              e.overall.median_abs_error_s, e.overall.bias_s,
                              e.overall.median_recorded_s));
    for (std::size_t o = 0; o < 2; ++o)
      absl::StrAppend(
          &out, absl::StrFormat("  from %-16s %5u drives  median |error| %4.0f s  "
                                "bias %+4.0f s  median drive %4.0f s\n",
                                o == 0 ? "home station" : "previous scene", e.by_origin[o].count,
                                e.by_origin[o].median_abs_error_s, e.by_origin[o].bias_s,
                                e.by_origin[o].median_recorded_s));
    absl::StrAppend(&out, "  crow-fly km  drives  median |error| (s)  p90 |error| (s)  bias (s)\n");
    for (std::size_t b = 0; b < kEtaDistanceBands; ++b)
      if (e.by_distance_band[b].count != 0)
        absl::StrAppend(
            &out, absl::StrFormat(
                      "  %4.0f-%-6s  %6u  %18.0f  %15.0f  %+8.0f\n",
                      b == 0 ? 0.0 : kEtaDistanceBandEdgesKm[b - 1],
                      b < kEtaDistanceBandEdgesKm.size() ? absl::StrCat(kEtaDistanceBandEdgesKm[b])
                                                         : std::string(""),
                      e.by_distance_band[b].count, e.by_distance_band[b].median_abs_error_s,
                      e.by_distance_band[b].p90_abs_error_s, e.by_distance_band[b].bias_s));
    absl::StrAppend(&out, "  hour  drives  median |error| (s)  bias (s)\n");
    for (std::size_t h = 0; h < 24; ++h)
      if (e.by_hour[h].count != 0)
        absl::StrAppend(&out,
                        absl::StrFormat("  %4u  %6u  %18.0f  %+8.0f\n", h, e.by_hour[h].count,
                                        e.by_hour[h].median_abs_error_s, e.by_hour[h].bias_s));
  }
  if (r.calibration != nullptr) {
    const Calibration& c = *r.calibration;
    std::size_t bands = 0, hours = 0, posts = 0;
    for (const DriveTimeBand& b : c.drive.bands) bands += b.fitted ? 1 : 0;
    for (bool f : c.drive.hour_fitted) hours += f ? 1 : 0;
    for (const UnitPost& p : c.posts) posts += p.learned ? 1 : 0;
    absl::StrAppend(
        &out,
        absl::StrFormat("\nCalibration %s (fitted on %s, %u drives): drive bands %u of %u fitted, "
                        "hours %u of 24 (others factor 1), weekend factor %.2f%s, holiday factor "
                        "%.2f%s, normal-driving factor %.2f%s; turnout "
                        "cells %u%s; service call types %u (others: all calls); posts learned for "
                        "%u of %u units\n",
                        r.calibration_file, c.fitted_days, c.drives, bands, c.drive.bands.size(),
                        hours, c.drive.day_factor[1], c.drive.day_fitted[1] ? "" : " (fallback)",
                        c.drive.day_factor[2], c.drive.day_fitted[2] ? "" : " (fallback)",
                        c.drive.mode_factor[1], c.drive.mode_fitted[1] ? "" : " (fallback)",
                        c.turnout.cells.size(), c.turnout.empty() ? " (none: fleet default)" : "",
                        c.service.cells.size() - 1, posts, c.posts.size()));
  }
  for (const Replications& rep : r.replications) {
    absl::StrAppend(&out, absl::StrFormat("\n%s over %u replications (seeds %u..%u): mean +- 95%% "
                                          "half-width [lowest .. highest]\n",
                                          rep.strategy, rep.count(), rep.first_seed,
                                          rep.first_seed + rep.count() - 1));
    auto row = [&](std::string_view label, const ReplicatedKpis& k) {
      auto secs = [](const ReplicatedValue& v) {
        return absl::StrFormat("%4.0f +-%3.0f s [%4.0f .. %4.0f]", v.mean, v.half_width_95, v.low,
                               v.high);
      };
      auto share = [](const ReplicatedValue& v) {
        return absl::StrFormat("%5.1f +-%4.1f%% [%5.1f .. %5.1f]", 100 * v.mean,
                               100 * v.half_width_95, 100 * v.low, 100 * v.high);
      };
      absl::StrAppend(
          &out, absl::StrFormat("  %-8s median %s  within 8 min %s  late %s\n", label,
                                secs(k.median_s), share(k.within_8min), share(k.late_fraction)));
    };
    row("all", rep.overall);
    constexpr std::string_view kGrades[4] = {"grade I", "grade II", "grade III", "grade IV"};
    for (std::size_t g = 0; g < 4; ++g) row(kGrades[g], rep.by_grade[g]);
  }
  if (const std::optional<ReproductionCheck> rep = report_reproduction(r)) {
    absl::StrAppend(&out, "\nDoes the model reproduce the record? as_recorded against recorded: ",
                    rep->passed ? "yes" : "NO",
                    rep->replications > 1
                        ? absl::StrFormat(" (modelled: mean of %u replications +- 95%% half-width)",
                                          rep->replications)
                        : std::string(" (one replay; --replications=N averages the model's draws)"),
                    "\n");
    for (const ReproductionLine& l : rep->lines) {
      const bool share = l.measure.rfind("within", 0) == 0;
      if (l.measure.rfind("ETA", 0) == 0) {  // a bias: its own size against the limit
        absl::StrAppend(
            &out, absl::StrFormat("  %-4s %-34s median predicted - recorded drive "
                                  "%+.0f s (95%% interval %+.0f .. %+.0f s; limit +-%.0f s)\n",
                                  l.ok ? "ok" : "FAIL", l.measure, l.modelled, l.modelled_low_95,
                                  l.modelled_high_95, l.limit));
        continue;
      }
      absl::StrAppend(
          &out, absl::StrFormat("  %-4s %-34s recorded %8s  modelled %8s%s  off by %s (limit %s)\n",
                                l.ok ? "ok" : "FAIL", l.measure,
                                share ? absl::StrFormat("%.1f%%", 100 * l.recorded)
                                      : absl::StrFormat("%.0f s", l.recorded),
                                share ? absl::StrFormat("%.1f%%", 100 * l.modelled)
                                      : absl::StrFormat("%.0f s", l.modelled),
                                l.modelled_half_width_95 <= 0 ? std::string()
                                : share ? absl::StrFormat(" +-%.1f", 100 * l.modelled_half_width_95)
                                        : absl::StrFormat(" +-%.0f", l.modelled_half_width_95),
                                share ? absl::StrFormat("%.1f points", l.difference)
                                      : absl::StrFormat("%.1f%%", 100 * l.difference),
                                share ? absl::StrFormat("%.1f", l.limit)
                                      : absl::StrFormat("%.0f%%", 100 * l.limit)));
    }
  }
  return out;
}

inline std::string report_summary(const ReplayReportInputs& r) {
  const ReplayInputs& in = *r.inputs;
  std::string out = absl::StrFormat(
      "%u calls that needed an ambulance replayed (%s .. %s); %u others skipped:", in.calls.size(),
      iso_utc(in.begin).substr(0, 10), iso_utc(in.end).substr(0, 10), in.skipped_total());
  for (std::size_t i = 0; i < kSkipReasonCount; ++i)
    if (in.skipped[i] != 0)
      absl::StrAppend(&out, " ", in.skipped[i], " ",
                      detail::as_absl(to_string(static_cast<SkipReason>(i))));
  absl::StrAppend(&out, absl::StrFormat("\n%u ambulances, %.0f unit-hours on duty.\n\n",
                                        in.units.size(), in.on_duty_seconds() / 3600.0));
  std::vector<std::pair<std::string, const KpiReport*>> cols;
  if (in.calls_with_record != 0) cols.emplace_back("recorded", &in.recorded_kpis);
  for (const ReplayResult& run : r.runs) cols.emplace_back(run.strategy, &run.kpis);
  const int width = detail::column_width(cols);
  absl::StrAppend(&out, absl::StrFormat("%-36s", ""));
  for (const auto& c : cols) absl::StrAppend(&out, absl::StrFormat("%*s", width, c.first));
  absl::StrAppend(&out, "\n");
  auto row = [&](std::string_view label, auto&& value) {
    absl::StrAppend(&out, absl::StrFormat("%-36s", detail::as_absl(label)));
    for (const auto& c : cols)
      absl::StrAppend(&out, absl::StrFormat("%*s", width, value(*c.second)));
    absl::StrAppend(&out, "\n");
  };
  auto pct = [](double f) { return absl::StrFormat("%.1f%%", 100.0 * f); };
  row("median response (min)", [](const KpiReport& k) {
    return absl::StrFormat("%.1f", k.overall.response.median_s / 60.0);
  });
  row("90th percentile response (min)",
      [](const KpiReport& k) { return absl::StrFormat("%.1f", k.overall.response.p90_s / 60.0); });
  row("reached within 8 min", [&](const KpiReport& k) { return pct(k.overall.within_8min); });
  row("grade I reached within 8 min",
      [&](const KpiReport& k) { return pct(k.by_grade[0].within_8min); });
  row("late for their grade's target",
      [&](const KpiReport& k) { return pct(k.overall.late_fraction); });
  row("dispatched within 3 min",
      [&](const KpiReport& k) { return pct(k.overall.dispatch_within_3min); });
  row("hours calls waited for a free unit",
      [](const KpiReport& k) { return absl::StrFormat("%.1f", k.overall.wait_total_h); });
  row("ambulance utilisation", [&](const KpiReport& k) { return pct(k.utilisation); });
  if (!r.eta.empty()) {
    const EtaErrorStats& e = r.eta[0].overall;
    absl::StrAppend(
        &out, absl::StrFormat(
                  "\nHow far to trust the simulated columns: over %u recorded drives from a "
                  "known origin,\nthe road model (%s) was off by a median %.0f s (bias %+.0f s; "
                  "median drive %.0f s).\n",
                  e.count, r.eta[0].metric, e.median_abs_error_s, e.bias_s, e.median_recorded_s));
  }
  return out;
}

namespace detail {
inline constexpr std::string_view kSeriesColours[] = {"#222222", "#d62728", "#1f77b4",
                                                      "#2ca02c", "#9467bd", "#ff7f0e"};
inline std::string_view series_colour(std::size_t i) {
  return kSeriesColours[i % (sizeof kSeriesColours / sizeof kSeriesColours[0])];
}
}  // namespace detail

inline std::string response_time_svg(const ReplayReportInputs& r) {
  const ReplayInputs& in = *r.inputs;
  constexpr double kW = 720, kH = 440, kL = 70, kR = 190, kT = 40, kB = 50;
  constexpr double kMaxMin = 30.0;
  const double pw = kW - kL - kR, ph = kH - kT - kB;
  auto x_of = [&](double minutes) { return kL + pw * std::min(minutes, kMaxMin) / kMaxMin; };
  auto y_of = [&](double share) { return kT + ph * (1.0 - share); };
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" "
      "fill=\"white\"/>\n<text x=\"%.0f\" y=\"22\" font-size=\"15\">Response time (call "
      "received to first ambulance on scene), %u calls</text>\n",
      kW, kH, kL, in.calls.size());
  for (int m = 0; m <= 30; m += 5) {
    absl::StrAppend(&svg,
                    absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                                    "stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%.1f\" "
                                    "text-anchor=\"middle\">%d</text>\n",
                                    x_of(m), y_of(0), x_of(m), y_of(1), x_of(m), y_of(0) + 18, m));
  }
  for (int p = 0; p <= 100; p += 20)
    absl::StrAppend(&svg, absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                                          "stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%.1f\" "
                                          "text-anchor=\"end\">%d%%</text>\n",
                                          x_of(0), y_of(p / 100.0), x_of(kMaxMin), y_of(p / 100.0),
                                          x_of(0) - 6, y_of(p / 100.0) + 4, p));
  absl::StrAppend(
      &svg, absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\" "
                            "stroke-dasharray=\"4 3\"/><text x=\"%.1f\" y=\"%.1f\">8 min</text>\n",
                            x_of(8), y_of(0), x_of(8), y_of(1), x_of(8) + 4, y_of(1) + 14));
  absl::StrAppend(&svg, absl::StrFormat("<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">"
                                        "minutes</text>\n<text x=\"16\" y=\"%.1f\" "
                                        "transform=\"rotate(-90 16 %.1f)\" text-anchor=\"middle\">"
                                        "share of calls reached</text>\n",
                                        kL + pw / 2, kH - 10, kT + ph / 2, kT + ph / 2));
  auto series = [&](std::span<const CallOutcome> outcomes, std::string_view name, std::size_t i) {
    std::vector<double> t;
    for (const CallOutcome& o : outcomes)
      if (o.reached()) t.push_back(static_cast<double>(o.response_s()) / 60.0);
    std::sort(t.begin(), t.end());
    const double n = static_cast<double>(outcomes.size());
    std::string pts = absl::StrFormat("%.1f,%.1f", x_of(0), y_of(0));
    for (std::size_t k = 0; k < t.size(); ++k) {
      if (t[k] > kMaxMin) break;
      // Step function: one vertex per distinct minute value is enough at this size.
      if (k + 1 < t.size() && t[k + 1] == t[k]) continue;
      absl::StrAppend(&pts, absl::StrFormat(" %.1f,%.1f %.1f,%.1f", x_of(t[k]),
                                            y_of(static_cast<double>(k) / n), x_of(t[k]),
                                            y_of(static_cast<double>(k + 1) / n)));
    }
    const double last =
        static_cast<double>(std::upper_bound(t.begin(), t.end(), kMaxMin) - t.begin()) / n;
    absl::StrAppend(&pts, absl::StrFormat(" %.1f,%.1f", x_of(kMaxMin), y_of(last)));
    absl::StrAppend(&svg, absl::StrFormat("<polyline fill=\"none\" stroke=\"%s\" "
                                          "stroke-width=\"1.8\"%s points=\"%s\"/>\n",
                                          detail::series_colour(i),
                                          i == 0 ? " stroke-dasharray=\"6 3\"" : "", pts));
    const double ly = kT + 10 + 20.0 * static_cast<double>(i);
    absl::StrAppend(&svg,
                    absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                                    "stroke=\"%s\" stroke-width=\"2\"%s/><text x=\"%.1f\" "
                                    "y=\"%.1f\">%s</text>\n",
                                    kW - kR + 15, ly, kW - kR + 40, ly, detail::series_colour(i),
                                    i == 0 ? " stroke-dasharray=\"6 3\"" : "", kW - kR + 46, ly + 4,
                                    detail::as_absl(name)));
  };
  series(detail::recorded_column(in), "recorded", 0);
  for (std::size_t s = 0; s < r.runs.size(); ++s)
    series(r.runs[s].outcomes, r.runs[s].strategy, s + 1);
  absl::StrAppend(&svg, "</svg>\n");
  return svg;
}

inline std::string late_calls_svg(const ReplayReportInputs& r) {
  const ReplayInputs& in = *r.inputs;
  const RoadGraph& g = *in.graph;
  // Frame: the calls' bounding box with a margin; equirectangular projection scaled by
  // cos(latitude) so that a kilometre is as long north-south as east-west.
  double lat0 = 90, lat1 = -90, lon0 = 180, lon1 = -180;
  for (const ReplayCall& c : in.calls) {
    lat0 = std::min(lat0, c.location.lat), lat1 = std::max(lat1, c.location.lat);
    lon0 = std::min(lon0, c.location.lon), lon1 = std::max(lon1, c.location.lon);
  }
  const double mlat = (lat1 - lat0) * 0.03 + 1e-4, mlon = (lon1 - lon0) * 0.03 + 1e-4;
  lat0 -= mlat, lat1 += mlat, lon0 -= mlon, lon1 += mlon;
  const double k = std::cos((lat0 + lat1) / 2 * 3.14159265358979323846 / 180.0);
  constexpr double kPanelW = 360;
  const double panel_h = kPanelW * (lat1 - lat0) / ((lon1 - lon0) * k);
  const std::size_t panels = 1 + r.runs.size();
  const double w = kPanelW * static_cast<double>(panels) + 20.0 * static_cast<double>(panels + 1);
  const double h = panel_h + 90;
  auto px = [&](LatLon p) { return (p.lon - lon0) / (lon1 - lon0) * kPanelW; };
  auto py = [&](LatLon p) { return (lat1 - p.lat) / (lat1 - lat0) * panel_h; };
  auto inside = [&](LatLon p) {
    return p.lat >= lat0 && p.lat <= lat1 && p.lon >= lon0 && p.lon <= lon1;
  };
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
      "width=\"%.0f\" height=\"%.0f\" font-family=\"sans-serif\" font-size=\"12\">\n<rect "
      "width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n<text x=\"20\" y=\"22\" "
      "font-size=\"15\">Calls reached late (beyond the grade's target, or never): red; "
      "stations: blue squares; hospitals: green crosses</text>\n<defs><g id=\"roads\" "
      "stroke=\"#ccc\" stroke-width=\"0.6\">\n",
      w, h);
  if (g.has_coordinates())
    for (std::uint32_t a = 0; a < g.arc_count(); ++a) {
      const NodeId t = g.tail(ArcId(a)), hd = g.head(ArcId(a));
      if (t.value() > hd.value() && g.find_arc(hd, t)) continue;  // draw two-way streets once
      const LatLon p = g.coordinate(t), q = g.coordinate(hd);
      if (!inside(p) && !inside(q)) continue;
      absl::StrAppend(
          &svg, absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", px(p),
                                py(p), px(q), py(q)));
    }
  absl::StrAppend(&svg, "\n</g><g id=\"sites\">\n");
  for (const Site& s : in.stations)
    absl::StrAppend(&svg, absl::StrFormat("<rect x=\"%.1f\" y=\"%.1f\" width=\"5\" height=\"5\" "
                                          "fill=\"#1f77b4\"/>",
                                          px(s.location) - 2.5, py(s.location) - 2.5));
  for (const Hospital& hsp : in.hospitals->hospitals())
    if (inside(hsp.location))
      absl::StrAppend(&svg,
                      absl::StrFormat("<path d=\"M%.1f %.1fh8M%.1f %.1fv8\" stroke=\"#2ca02c\" "
                                      "stroke-width=\"2\"/>",
                                      px(hsp.location) - 4, py(hsp.location), px(hsp.location),
                                      py(hsp.location) - 4));
  absl::StrAppend(&svg, absl::StrFormat("\n</g><clipPath id=\"frame\"><rect width=\"%.0f\" "
                                        "height=\"%.1f\"/></clipPath></defs>\n",
                                        kPanelW, panel_h));
  auto panel = [&](std::size_t i, std::string_view name, std::span<const CallOutcome> outcomes) {
    const double x0 = 20.0 + (kPanelW + 20.0) * static_cast<double>(i), y0 = 60;
    std::size_t late = 0;
    std::string dots;
    for (const CallOutcome& o : outcomes) {
      if (o.reached() && o.response_s() <= o.target_s) continue;
      ++late;
      absl::StrAppend(&dots, absl::StrFormat("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.2\"/>",
                                             px(o.location), py(o.location)));
    }
    absl::StrAppend(&svg,
                    absl::StrFormat("<g transform=\"translate(%.1f %.1f)\"><text x=\"0\" y=\"-8\" "
                                    "font-size=\"13\">%s: %u late of %u</text><rect width=\"%.0f\" "
                                    "height=\"%.1f\" fill=\"none\" stroke=\"#999\"/><g "
                                    "clip-path=\"url(#frame)\"><use xlink:href=\"#roads\"/></g><g "
                                    "fill=\"#d62728\" "
                                    "fill-opacity=\"0.7\">%s</g><use xlink:href=\"#sites\"/></g>\n",
                                    x0, y0, detail::as_absl(name), late, outcomes.size(), kPanelW,
                                    panel_h, dots));
  };
  panel(0, "recorded", detail::recorded_column(in));
  for (std::size_t s = 0; s < r.runs.size(); ++s)
    panel(s + 1, r.runs[s].strategy, r.runs[s].outcomes);
  absl::StrAppend(&svg, "</svg>\n");
  return svg;
}

DISPATCHKIT_NAMESPACE_END
