// dispatchkit/sim/calibration.hpp: fit the replay's model on some days of a record, check it on
// others.
//
//   ReplayScenarioOptions fit;                  // sim/scenario.hpp
//   fit.replay.days = parse_local_day_range("2017-01-01..2017-01-05");
//   auto f = load_replay_scenario(paths, fit);
//   absl::StatusOr<Calibration> cal = fit_calibration((*f)->inputs, (*f)->record);
//   write_calibration_file(*cal, "calib.json");     // sim/io/calibration_json.hpp
//
//   ReplayScenarioOptions check;                // other days, the fitted model
//   check.replay.days = parse_local_day_range("2017-01-06..2017-01-07");
//   check.replay.calibration = std::make_shared<const Calibration>(*cal);
//   auto c = load_replay_scenario(paths, check);
//   auto run = replay_strategy((*c)->inputs, "as_recorded", (*c)->ch.get());
//   EtaValidation eta = validate_etas((*c)->inputs, (*c)->record, *cal);
//   ReproductionCheck ok = check_reproduction((*c)->inputs.recorded_kpis, run->kpis, &eta);
//
// What is fitted (the parts are described in sim/calibration_model.hpp) and from what.
// Only drives whose start the record pins down are used (sim/eta_validation.hpp): units
// idle for 30 min (at their post) and units just clear of a scene without transport.
//  1. Posts. A global real/model ratio c is the median of recorded drive / road time from
//     the home station. For each unit with enough idle drives, every station is tried as
//     its post: the one with the least median |c * road - recorded| wins when it beats
//     the home station by `post_improvement` on half of the unit's drives and explains
//     significantly more of the other half better than the home station does (one-sided
//     sign test at `post_significance`: chosen and tested on the same drives, the best of
//     forty stations wins by chance); else the home station stays.
//  2. Drive. On the drives from the posts and previous scenes: per crow-fly distance band
//     a least-absolute-deviations line recorded = a_b + k_b * road (a median regression,
//     robust to the few drives that stopped on the way; fitted by iteratively reweighted
//     least squares), alternating with an hour-of-day factor (median ratio per hour), a
//     kind-of-day factor (working day, weekend, holiday by `holidays`; working days are
//     the reference) and a travel-mode factor; then the residual quantiles per band.
//     recommend/drive_time_model.hpp has the model and its sources (Kolesar et al. 1975; Budge,
//     Ingolfsson and Zerom 2010).
//  3. Turnout. Dispatch -> "Response" (rolling) of the idle drives, by grade, unit type
//     and hour, with the fallback chain of TurnoutModel.
//  4. Service. On scene, transport share and handover of every ambulance that reached a
//     replayed call, by call type (the record's "Call Type").
// Errors: FailedPrecondition when fewer than `min_drives` drives have a known origin;
// InvalidArgument (naming the part) when a fitted value is NaN, infinite or negative.
//
// check_reproduction compares the as_recorded replay with the record (the model's own
// error, since the decisions are the record's): median response within 5 %, share
// within 8 min within 3 percentage points (all calls and grade I) and |ETA bias| within
// 15 s; each line says whether it holds, so a broken model is flagged, not hidden.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/statistics.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/recommend/drive_time_model.hpp"
#include "dispatchkit/route/dijkstra.hpp"
#include "dispatchkit/sim/calibration_model.hpp"
#include "dispatchkit/sim/eta_validation.hpp"
#include "dispatchkit/sim/kpi.hpp"
#include "dispatchkit/sim/local_time.hpp"
#include "dispatchkit/sim/recorded_calls.hpp"
#include "dispatchkit/sim/replay_inputs.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct CalibrationOptions {
  EtaValidationOptions origins;  // which drives have a known start
  std::vector<double> band_edges_km{kEtaDistanceBandEdgesKm.begin(), kEtaDistanceBandEdgesKm.end()};
  std::uint32_t min_drives = 30;       // fewer with a known origin: FailedPrecondition
  std::uint32_t min_band_drives = 30;  // per distance band, else the pooled fit
  std::uint32_t min_hour_drives = 30;  // per hour, else factor 1
  std::uint32_t min_day_drives = 30;   // per kind of day, else factor 1 (a working day's)
  HolidayCalendar holidays;            // which local days are holidays (US federal default)
  std::uint32_t min_turnout_samples = 20;
  std::uint32_t min_post_drives = 5;
  std::uint32_t min_service_samples = 20;
  double post_improvement = 0.15;   // a post must cut the unit's median |error| by this share
  double post_significance = 0.05;  // ... and win a sign test at this level (fit_calibration)
  // Longer turnouts are a unit that was not at its post after all (the record says it
  // was idle, not where): left out of the turnout fit.
  std::int32_t max_turnout_s = 600;
};

// Fits a Calibration on `in` (prepared without a calibration, on the fitting days:
// ReplayOptions::days, recorded in Calibration::fitted_days) and its record.
[[nodiscard]] absl::StatusOr<Calibration> fit_calibration(const ReplayInputs& in,
                                                          const RecordedCalls& record,
                                                          const CalibrationOptions& options = {});

// OK, or InvalidArgument naming the first NaN, infinite or negative value (and the part).
[[nodiscard]] absl::Status validate_calibration(const Calibration& c);

// The reproduction test of an as_recorded replay.
struct ReproductionLimits {
  double median_relative = 0.05;  // |modelled - recorded| / recorded
  double within_8min_pp = 3.0;    // percentage points
  double eta_bias_s = 15.0;       // |median predicted - recorded drive|
};
struct ReproductionLine {
  std::string measure;                    // "median response, all calls", ...
  double recorded = 0.0, modelled = 0.0;  // modelled: the mean over replications if several
  double modelled_half_width_95 = 0.0;    // of that mean; 0 for a single replay
  // A 95 % confidence interval of `modelled`: the mean +- its half-width, and for the ETA
  // bias the median's distribution-free interval over the drives (EtaErrorStats).
  double modelled_low_95 = 0.0, modelled_high_95 = 0.0;
  double difference = 0.0;  // in the limit's unit (share, points, seconds)
  double limit = 0.0;
  bool ok = false;
};
struct ReproductionCheck {
  std::uint32_t replications = 1;  // as_recorded replays the modelled figures average
  std::vector<ReproductionLine> lines;
  bool passed = false;  // every line ok
};
// `eta` (may be null) adds the ETA bias line. Over several replications of as_recorded
// (sim/replications.hpp) the check compares the record with their mean instead.
[[nodiscard]] ReproductionCheck check_reproduction(const KpiReport& recorded,
                                                   const KpiReport& as_recorded,
                                                   const EtaValidation* eta,
                                                   const ReproductionLimits& limits = {});

namespace detail {
// The modelled side of a reproduction line: a figure and its 95 % half-width.
struct ModelledFigure {
  double value = 0.0, half_width_95 = 0.0;
};
// Median response and share within 8 min, all calls then grade I.
struct ModelledFigures {
  std::uint32_t replications = 1;
  ModelledFigure median_all, within_all, median_grade1, within_grade1;
};
[[nodiscard]] ReproductionCheck check_reproduction_of(const KpiReport& recorded,
                                                      const ModelledFigures& modelled,
                                                      const EtaValidation* eta,
                                                      const ReproductionLimits& limits);
}  // namespace detail

// ---------------------------------------------------------------------------------------
// Implementation.

namespace detail {

// Least-absolute-deviations line y = a + k x by iteratively reweighted least squares
// (weights 1 / max(|residual|, 1 s)). Falls back to a line through the origin (k = the
// weighted median of y / x) when the intercept would be negative: a negative start-up
// time is not physical, and the model must never predict a drive below zero.
inline std::pair<double, double> lad_line(std::span<const double> x, std::span<const double> y) {
  double a = 0.0, k = 1.0;
  std::vector<double> w(x.size(), 1.0);
  for (int it = 0; it < 60; ++it) {
    double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      sw += w[i];
      sx += w[i] * x[i];
      sy += w[i] * y[i];
      sxx += w[i] * x[i] * x[i];
      sxy += w[i] * x[i] * y[i];
    }
    const double det = sw * sxx - sx * sx;
    if (!(std::fabs(det) > 1e-9)) break;
    k = (sw * sxy - sx * sy) / det;
    a = (sy - k * sx) / sw;
    for (std::size_t i = 0; i < x.size(); ++i)
      w[i] = 1.0 / std::max(std::fabs(y[i] - a - k * x[i]), 1.0);
  }
  if (a < 0.0 || !std::isfinite(a) || !std::isfinite(k)) {
    // min sum |y - k x| = sum x |y / x - k|: the x-weighted median of y / x.
    std::vector<std::pair<double, double>> r;
    double total = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (x[i] > 0) {
        r.emplace_back(y[i] / x[i], x[i]);
        total += x[i];
      }
    std::sort(r.begin(), r.end());
    double acc = 0.0;
    k = r.empty() ? 1.0 : r.back().first;
    for (const auto& [ratio, weight] : r) {
      acc += weight;
      if (acc >= total / 2) {
        k = ratio;
        break;
      }
    }
    a = 0.0;
  }
  return {a, k};
}

// One-sided sign test: P(at least `wins` of `n` fair coin flips come up heads).
inline double sign_test_p(std::uint32_t wins, std::uint32_t n) {
  double term = std::ldexp(1.0, -static_cast<int>(n));  // C(n, 0) / 2^n
  double tail = 0.0;
  for (std::uint32_t k = 0; k <= n; ++k) {
    if (k >= wins) tail += term;
    term = term * static_cast<double>(n - k) / static_cast<double>(k + 1);
  }
  return std::min(1.0, tail);
}

struct DriveSample {
  double road_s = 0.0;  // road model, in the call's mode
  double km = 0.0;
  int hour = 0;
  double y_s = 0.0;      // recorded drive - last stretch
  std::size_t mode = 0;  // 0 lights and sirens, 1 normal
  std::size_t day = 0;   // DayKind
};

inline DriveTimeModel fit_drive_model(const std::vector<DriveSample>& d,
                                      const CalibrationOptions& o) {
  DriveTimeModel m;
  for (double e : o.band_edges_km) m.bands.push_back(DriveTimeBand{.up_to_km = e});
  m.bands.push_back(DriveTimeBand{});
  auto band_index = [&](double km) {
    std::size_t b = 0;
    while (b + 1 < m.bands.size() && km >= m.bands[b].up_to_km) ++b;
    return b;
  };
  std::vector<std::size_t> band_of(d.size());
  for (std::size_t i = 0; i < d.size(); ++i) band_of[i] = band_index(d[i].km);
  auto line_at = [&](std::size_t i) {
    const DriveTimeBand& b = m.bands[band_of[i]];
    return b.intercept_s + b.factor * d[i].road_s;
  };
  // The hour and day factors act together: when the drive is.
  auto when_of = [&](std::size_t i) {
    return m.hour_factor[static_cast<std::size_t>(d[i].hour)] * m.day_factor[d[i].day];
  };
  auto mode_of = [&](std::size_t i) { return m.mode_factor[d[i].mode]; };
  // The median ratio of the drives `in` to the rest of the model `rest`, or 1 when fewer
  // than `min` (then not fitted).
  auto factor_of = [&](auto&& in, auto&& rest, std::uint32_t min, double& factor,
                       std::uint64_t& samples, bool& fitted) {
    std::vector<double> ratio;
    for (std::size_t i = 0; i < d.size(); ++i)
      if (in(i) && rest(i) > 1.0) ratio.push_back(d[i].y_s / rest(i));
    samples = ratio.size();
    fitted = ratio.size() >= min;
    factor = fitted ? median(ratio) : 1.0;
    if (!(factor > 0.0)) factor = 1.0, fitted = false;
  };
  // Makes factors[0] the reference: its value goes into every band's line, the others
  // become relative to it.
  auto fold_reference = [&](auto& factors) {
    const double f = factors[0];
    for (DriveTimeBand& b : m.bands) b.intercept_s *= f, b.factor *= f;
    for (double& k : factors) k /= f;
    factors[0] = 1.0;
  };
  // Alternate: bands on time- and mode-adjusted drives, then modes, days and hours.
  for (int round = 0; round < 4; ++round) {
    std::vector<double> x, y;
    for (std::size_t i = 0; i < d.size(); ++i) {
      x.push_back(d[i].road_s);
      y.push_back(d[i].y_s / (when_of(i) * mode_of(i)));
    }
    const auto [pa, pk] = lad_line(x, y);
    for (std::size_t b = 0; b < m.bands.size(); ++b) {
      std::vector<double> bx, by;
      for (std::size_t i = 0; i < d.size(); ++i)
        if (band_of[i] == b) {
          bx.push_back(x[i]);
          by.push_back(y[i]);
        }
      DriveTimeBand& band = m.bands[b];
      band.samples = bx.size();
      band.fitted = false;
      band.intercept_s = pa;
      band.factor = pk;
      if (bx.size() >= o.min_band_drives) {
        const auto [a, k] = lad_line(bx, by);
        if (k > 0.05 && std::isfinite(a) && std::isfinite(k)) {
          band.intercept_s = a;
          band.factor = k;
          band.fitted = true;
        }
      }
    }
    for (std::size_t md = 0; md < 2; ++md)
      factor_of([&](std::size_t i) { return d[i].mode == md; },
                [&](std::size_t i) { return line_at(i) * when_of(i); }, o.min_band_drives,
                m.mode_factor[md], m.mode_samples[md], m.mode_fitted[md]);
    // Lights and sirens is the reference: its factor goes into the bands' lines.
    if (m.mode_fitted[0]) fold_reference(m.mode_factor);
    for (std::size_t k = 0; k < kDayKinds; ++k)
      factor_of([&](std::size_t i) { return d[i].day == k; },
                [&](std::size_t i) {
                  return line_at(i) * mode_of(i) *
                         m.hour_factor[static_cast<std::size_t>(d[i].hour)];
                },
                o.min_day_drives, m.day_factor[k], m.day_samples[k], m.day_fitted[k]);
    // So are working days: a kind of day without enough drives then drives like one.
    if (m.day_fitted[0]) fold_reference(m.day_factor);
    for (std::size_t k = 0; k < kDayKinds; ++k)
      if (!m.day_fitted[k]) m.day_factor[k] = 1.0;
    for (std::size_t h = 0; h < 24; ++h)
      factor_of([&](std::size_t i) { return static_cast<std::size_t>(d[i].hour) == h; },
                [&](std::size_t i) { return line_at(i) * mode_of(i) * m.day_factor[d[i].day]; },
                o.min_hour_drives, m.hour_factor[h], m.hour_samples[h], m.hour_fitted[h]);
  }
  // Residuals per band (the pooled ones for a band with too few).
  std::vector<double> pooled;
  std::vector<std::vector<double>> per_band(m.bands.size());
  for (std::size_t i = 0; i < d.size(); ++i) {
    const double f = when_of(i) * mode_of(i) * line_at(i);
    if (f <= 1.0) continue;
    pooled.push_back(d[i].y_s / f);
    per_band[band_of[i]].push_back(d[i].y_s / f);
  }
  const QuantileTable pooled_table = QuantileTable::of(pooled);
  for (std::size_t b = 0; b < m.bands.size(); ++b)
    m.bands[b].residual = m.bands[b].fitted && per_band[b].size() >= o.min_band_drives
                              ? QuantileTable::of(per_band[b])
                              : pooled_table;
  return m;
}

inline QuantileTable table_or(std::vector<double>& v, std::uint32_t min, const QuantileTable& alt) {
  return v.size() >= min ? QuantileTable::of(v) : alt;
}

}  // namespace detail

inline absl::StatusOr<Calibration> fit_calibration(const ReplayInputs& in,
                                                   const RecordedCalls& record,
                                                   const CalibrationOptions& options) {
  if (in.options.calibration != nullptr)
    return absl::InvalidArgumentError(
        "fit_calibration: the inputs were prepared with a calibration; prepare them without");
  const RoadGraph& g = *in.graph;
  const std::size_t stations = in.stations.size();
  Calibration cal;
  cal.graph_fingerprint = g.fingerprint();
  cal.calls_file = record.report.path;
  cal.calls = in.calls.size();
  if (in.options.days) cal.fitted_days = to_string(*in.options.days);
  cal.holidays = options.holidays;

  // Every drive with a known start; idle ones with the road time from every station.
  struct Idle {
    std::uint32_t unit, call;
    std::size_t first;  // into road / km: stations entries
    int hour;
    double y_s;
    std::size_t day;  // DayKind
  };
  std::vector<Idle> idle;
  std::vector<double> road, km;                          // [idle sample * stations + station]
  std::vector<detail::DriveSample> drives;               // previous-scene drives (origins fixed)
  std::vector<std::pair<TurnoutCell, double>> turnouts;  // key + seconds
  EtaValidation counts;
  detail::FreeFlowDrives free_flow_drive(in);
  detail::for_each_validated_drive(
      in, record, options.origins, counts,
      [&](std::uint32_t i, std::uint32_t u, const RecordedResponse& r, EtaOrigin origin,
          const RoadPosition& from, std::uint32_t) {
        const ReplayCall& c = in.calls[i];
        // The road part of the drive: the last stretch (street to caller) stays the replay's.
        const double y =
            std::max(0.0, static_cast<double>(detail::secs(r.on_scene) - detail::secs(r.en_route)) -
                              c.last_stretch_s);
        const int hour = local_hour(r.en_route, in.zone);
        const auto day = static_cast<std::size_t>(cal.day_kind_at(r.en_route, in.zone));
        if (origin == EtaOrigin::kPreviousScene) {
          const Weight w = free_flow_drive(from, UINT32_MAX, c);
          if (w != kInfWeight)
            drives.push_back({static_cast<double>(w) / 10.0, crow_km(g, from, c.position), hour, y,
                              c.mode == TravelMode::kLightsAndSirens ? 0u : 1u, day});
          return;
        }
        idle.push_back({u, i, road.size(), hour, y, day});
        for (std::size_t s = 0; s < stations; ++s) {
          const Weight w = free_flow_drive(from, static_cast<std::uint32_t>(s), c);
          road.push_back(w == kInfWeight ? -1.0 : static_cast<double>(w) / 10.0);
          km.push_back(crow_km(g, in.station_positions[s], c.position));
        }
        const std::int64_t t = detail::secs(r.en_route) - detail::secs(r.dispatched);
        if (t >= 0 && t <= options.max_turnout_s) {
          TurnoutCell key;
          key.grade = static_cast<int>(c.grade);
          key.unit_type = in.units[u].capabilities.contains(Capability::kAls) ? 2 : 1;
          key.hour = local_hour(r.dispatched, in.zone);
          turnouts.emplace_back(key, static_cast<double>(t));
        }
      });
  if (idle.size() + drives.size() < options.min_drives)
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s: no usable drives to fit on: %u with a known start (need %u; %u without en-route "
        "and on-scene stamps, %u of units not in the fleet, %u with the start unknown)",
        record.report.path, idle.size() + drives.size(), options.min_drives,
        counts.skipped_no_stamps, counts.skipped_not_in_fleet, counts.skipped_not_at_station));

  // 1. Posts.
  std::vector<double> ratio;
  for (const Idle& s : idle) {
    const double home = road[s.first + in.units[s.unit].station];
    if (home > 1.0 && s.y_s > 0) ratio.push_back(s.y_s / home);
  }
  const double c0 = ratio.empty() ? 1.0 : detail::median(ratio);
  std::vector<std::uint32_t> post(in.units.size());
  for (std::uint32_t u = 0; u < in.units.size(); ++u) {
    const ReplayUnit& ru = in.units[u];
    post[u] = ru.station;
    UnitPost p;
    p.call_sign = ru.call_sign;
    p.home_station = in.stations[ru.station].name;
    std::vector<const Idle*> mine;
    for (const Idle& s : idle)
      if (s.unit == u) mine.push_back(&s);
    p.drives = mine.size();
    // |error| of drive s if the unit had waited at station st.
    auto error_of = [&](const Idle* s, std::size_t st) {
      const double r = road[s->first + st];
      return r < 0 ? 1e9 : std::fabs(c0 * r - s->y_s);
    };
    // Median |error| over the drives of `part` (0: even-numbered, 1: odd, 2: all).
    auto error_from = [&](std::size_t st, int part = 2) {
      std::vector<double> e;
      for (std::size_t k = 0; k < mine.size(); ++k)
        if (part == 2 || static_cast<int>(k % 2) == part) e.push_back(error_of(mine[k], st));
      return e.empty() ? 0.0 : detail::median(e);
    };
    p.home_error_s = p.post_error_s = error_from(ru.station);
    if (mine.size() >= options.min_post_drives) {
      // The best of forty stations on a handful of drives looks better than home by
      // chance, so the choice and the test use different drives: the best station on the
      // even-numbered drives must explain more of the odd-numbered ones better than the
      // home station, by a one-sided sign test at `post_significance`.
      std::size_t best = ru.station;
      double best_error = error_from(ru.station, 0);
      const double home_even = best_error;
      for (std::size_t st = 0; st < stations; ++st) {
        const double e = error_from(st, 0);
        if (e < best_error) best_error = e, best = st;
      }
      std::uint32_t wins = 0, losses = 0;
      for (std::size_t k = 1; k < mine.size(); k += 2) {
        const double eb = error_of(mine[k], best), eh = error_of(mine[k], ru.station);
        wins += eb < eh ? 1 : 0;
        losses += eh < eb ? 1 : 0;
      }
      if (best != ru.station && best_error <= (1.0 - options.post_improvement) * home_even &&
          detail::sign_test_p(wins, wins + losses) <= options.post_significance) {
        post[u] = static_cast<std::uint32_t>(best);
        p.post_error_s = error_from(best);
        p.learned = true;
      }
    }
    p.post_station = in.stations[post[u]].name;
    cal.posts.push_back(std::move(p));
  }

  // 2. Drive, from the posts and previous scenes.
  for (const Idle& s : idle) {
    const std::size_t at = s.first + post[s.unit];
    if (road[at] >= 0)
      drives.push_back({road[at], km[at], s.hour, s.y_s,
                        in.calls[s.call].mode == TravelMode::kLightsAndSirens ? 0u : 1u, s.day});
  }
  cal.drives = drives.size();
  cal.drive = detail::fit_drive_model(drives, options);

  // 3. Turnout, down the fallback chain.
  cal.turnouts = turnouts.size();
  {
    std::map<std::tuple<int, int, int>, std::vector<double>> cells;
    for (const auto& [k, t] : turnouts) {
      cells[{k.grade, k.unit_type, k.hour}].push_back(t);
      cells[{k.grade, k.unit_type, -1}].push_back(t);
      cells[{0, k.unit_type, -1}].push_back(t);
      cells[{0, 0, -1}].push_back(t);
    }
    for (auto& [k, v] : cells) {
      if (v.size() < options.min_turnout_samples) continue;
      TurnoutCell c;
      std::tie(c.grade, c.unit_type, c.hour) = k;
      c.samples = v.size();
      c.seconds = QuantileTable::of(v);
      cal.turnout.cells.push_back(std::move(c));
    }
  }

  // 4. Service times by call type.
  {
    struct Pools {
      std::vector<double> transport, release, handover;
    };
    std::map<std::string, Pools> by_type;
    Pools all;
    for (const ReplayCall& rc : in.calls) {
      const RecordedCall& c = record.calls[rc.recorded];
      Pools& p = by_type[c.call_type];
      for (const RecordedResponse& r : c.responses) {
        if (r.kind != RecordedUnitKind::kAmbulance || !is_set(r.on_scene)) continue;
        auto add = [&](std::vector<double> Pools::*pool, SimTime a, SimTime b) {
          const double s = static_cast<double>(detail::secs(b) - detail::secs(a));
          if (s < 0) return;
          (p.*pool).push_back(s);
          (all.*pool).push_back(s);
        };
        if (is_set(r.transporting)) {
          add(&Pools::transport, r.on_scene, r.transporting);
          if (is_set(r.at_hospital) && is_set(r.available))
            add(&Pools::handover, r.at_hospital, r.available);
        } else if (is_set(r.available)) {
          add(&Pools::release, r.on_scene, r.available);
        }
      }
    }
    auto cell = [&](const std::string& type, Pools& p, const ServiceTimeCell* fallback) {
      ServiceTimeCell c;
      c.call_type = type;
      c.transport_samples = p.transport.size();
      c.release_samples = p.release.size();
      c.handover_samples = p.handover.size();
      const double n = static_cast<double>(p.transport.size() + p.release.size());
      c.transport_share = n > 0 ? static_cast<double>(p.transport.size()) / n
                                : (fallback ? fallback->transport_share : 0.5);
      // The record's own defaults when even the whole record has no sample (as in
      // prepare_replay): 15 min on scene, 20 min handover.
      const std::uint32_t min = fallback ? options.min_service_samples : 1;
      c.on_scene_transport = detail::table_or(
          p.transport, min, fallback ? fallback->on_scene_transport : QuantileTable::constant(900));
      c.on_scene_release = detail::table_or(
          p.release, min, fallback ? fallback->on_scene_release : QuantileTable::constant(900));
      c.handover = detail::table_or(p.handover, min,
                                    fallback ? fallback->handover : QuantileTable::constant(1200));
      return c;
    };
    cal.service.cells.push_back(cell("", all, nullptr));
    const ServiceTimeCell everyone = cal.service.cells.front();
    for (auto& [type, p] : by_type)
      if (p.transport.size() + p.release.size() >= options.min_service_samples)
        cal.service.cells.push_back(cell(type, p, &everyone));
  }
  DK_RETURN_IF_ERROR(validate_calibration(cal));
  return cal;
}

inline absl::Status validate_calibration(const Calibration& c) {
  auto bad = [](std::string_view what, double v) {
    return absl::InvalidArgumentError(absl::StrCat("calibration: ", detail::as_absl(what), " is ",
                                                   v, " (expected a finite value >= 0)"));
  };
  auto ok = [](double v) { return std::isfinite(v) && v >= 0.0; };
  auto table = [&](std::string_view what, const QuantileTable& t) -> absl::Status {
    for (std::size_t i = 0; i < t.q.size(); ++i) {
      if (!ok(t.q[i]))
        return bad(absl::StrCat(detail::as_absl(what), " quantile ", i * 5, "%"), t.q[i]);
      if (i > 0 && t.q[i] < t.q[i - 1])
        return absl::InvalidArgumentError(absl::StrCat("calibration: ", detail::as_absl(what),
                                                       " quantiles decrease at ", i * 5, "%"));
    }
    return absl::OkStatus();
  };
  if (c.drive.empty())
    return absl::InvalidArgumentError("calibration: the drive model has no band");
  for (std::size_t b = 0; b < c.drive.bands.size(); ++b) {
    const DriveTimeBand& d = c.drive.bands[b];
    const std::string name = absl::StrCat("drive band ", b);
    if (!ok(d.intercept_s)) return bad(name + " intercept_s", d.intercept_s);
    if (!ok(d.factor) || d.factor == 0.0) return bad(name + " factor", d.factor);
    if (!(d.up_to_km > 0)) return bad(name + " up_to_km", d.up_to_km);
    if (b > 0 && !(d.up_to_km > c.drive.bands[b - 1].up_to_km))
      return absl::InvalidArgumentError(
          absl::StrCat("calibration: drive bands are not in increasing up_to_km at band ", b));
    DK_RETURN_IF_ERROR(table(name + " residual", d.residual));
  }
  for (std::size_t h = 0; h < 24; ++h)
    if (!ok(c.drive.hour_factor[h]) || c.drive.hour_factor[h] == 0.0)
      return bad(absl::StrCat("drive hour_factor[", h, "]"), c.drive.hour_factor[h]);
  for (std::size_t m = 0; m < 2; ++m)
    if (!ok(c.drive.mode_factor[m]) || c.drive.mode_factor[m] == 0.0)
      return bad(absl::StrCat("drive mode_factor[", m, "]"), c.drive.mode_factor[m]);
  for (std::size_t k = 0; k < kDayKinds; ++k)
    if (!ok(c.drive.day_factor[k]) || c.drive.day_factor[k] == 0.0)
      return bad(absl::StrCat("drive day_factor[", k, "] (",
                              detail::as_absl(day_kind_name(static_cast<DayKind>(k))), ")"),
                 c.drive.day_factor[k]);
  // is_holiday looks the extra days up by binary search.
  if (!std::is_sorted(c.holidays.extra_days.begin(), c.holidays.extra_days.end()) ||
      std::adjacent_find(c.holidays.extra_days.begin(), c.holidays.extra_days.end()) !=
          c.holidays.extra_days.end())
    return absl::InvalidArgumentError(
        "calibration: holidays.extra are not in increasing date order without repeats");
  for (const TurnoutCell& t : c.turnout.cells)
    DK_RETURN_IF_ERROR(table(
        absl::StrCat("turnout (grade ", t.grade, ", type ", t.unit_type, ", hour ", t.hour, ")"),
        t.seconds));
  for (const ServiceTimeCell& s : c.service.cells) {
    const std::string name = absl::StrCat("service '", s.call_type, "'");
    if (!ok(s.transport_share) || s.transport_share > 1.0)
      return bad(name + " transport_share", s.transport_share);
    DK_RETURN_IF_ERROR(table(name + " on_scene_transport", s.on_scene_transport));
    DK_RETURN_IF_ERROR(table(name + " on_scene_release", s.on_scene_release));
    DK_RETURN_IF_ERROR(table(name + " handover", s.handover));
  }
  if (c.service.empty())
    return absl::InvalidArgumentError("calibration: the service-time part has no cell");
  if (!c.service.cells.front().call_type.empty())
    return absl::InvalidArgumentError(
        "calibration: the first service-time cell must be the all-calls one (call_type \"\")");
  return absl::OkStatus();
}

inline ReproductionCheck detail::check_reproduction_of(const KpiReport& recorded,
                                                       const ModelledFigures& modelled,
                                                       const EtaValidation* eta,
                                                       const ReproductionLimits& limits) {
  ReproductionCheck r;
  r.replications = modelled.replications;
  // The line of a modelled figure, its interval the mean +- its half-width.
  auto line_of = [](std::string measure, double recorded, const ModelledFigure& b) {
    return ReproductionLine{
        std::move(measure),       recorded, b.value, b.half_width_95, b.value - b.half_width_95,
        b.value + b.half_width_95};
  };
  auto median_line = [&](std::string measure, const KpiSet& a, const ModelledFigure& b) {
    ReproductionLine l = line_of(std::move(measure), a.response.median_s, b);
    l.difference = a.response.median_s > 0
                       ? std::fabs(b.value - a.response.median_s) / a.response.median_s
                       : 0.0;
    l.limit = limits.median_relative;
    l.ok = a.calls > 0 && l.difference <= l.limit;
    r.lines.push_back(std::move(l));
  };
  auto within_line = [&](std::string measure, const KpiSet& a, const ModelledFigure& b) {
    ReproductionLine l = line_of(std::move(measure), a.within_8min, b);
    l.difference = 100.0 * std::fabs(b.value - a.within_8min);
    l.limit = limits.within_8min_pp;
    l.ok = a.calls > 0 && l.difference <= l.limit;
    r.lines.push_back(std::move(l));
  };
  median_line("median response, all calls", recorded.overall, modelled.median_all);
  within_line("within 8 min, all calls", recorded.overall, modelled.within_all);
  median_line("median response, grade I", recorded.by_grade[0], modelled.median_grade1);
  within_line("within 8 min, grade I", recorded.by_grade[0], modelled.within_grade1);
  if (eta != nullptr) {
    ReproductionLine l{absl::StrCat("ETA bias (", eta->metric, ")"), 0.0, eta->overall.bias_s};
    l.modelled_low_95 = eta->overall.bias_low_s;
    l.modelled_high_95 = eta->overall.bias_high_s;
    l.difference = std::fabs(eta->overall.bias_s);
    l.limit = limits.eta_bias_s;
    l.ok = eta->overall.count > 0 && l.difference <= l.limit;
    r.lines.push_back(std::move(l));
  }
  r.passed = std::all_of(r.lines.begin(), r.lines.end(), [](const auto& l) { return l.ok; });
  return r;
}

inline ReproductionCheck check_reproduction(const KpiReport& recorded, const KpiReport& as_recorded,
                                            const EtaValidation* eta,
                                            const ReproductionLimits& limits) {
  detail::ModelledFigures m;
  m.median_all.value = as_recorded.overall.response.median_s;
  m.within_all.value = as_recorded.overall.within_8min;
  m.median_grade1.value = as_recorded.by_grade[0].response.median_s;
  m.within_grade1.value = as_recorded.by_grade[0].within_8min;
  return detail::check_reproduction_of(recorded, m, eta, limits);
}

DISPATCHKIT_NAMESPACE_END
