// dispatchkit/sim/validation_plots.hpp: the model-validation charts of a replay report (SVG).
//
//   ReplayReportInputs report = ...;                      // sim/report.hpp
//   write_file_atomically("eta_scatter.svg", eta_scatter_svg(report));
//   write_file_atomically("kpi_chart.svg", kpi_chart_svg(report));
//
// eta_scatter_svg: predicted against recorded drive time of every validated drive, one
// panel per ETA metric (free flow, time of day, calibrated), with the diagonal: points
// below it are drives the model thinks faster than they were. kpi_chart_svg: the KPI
// table as bars, recorded beside each strategy (as_recorded among them): median and 90th
// percentile response in minutes, share within 8 minutes and late share in percent.
// Plain SVG 1.1, deterministic (the same report gives the same bytes).
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/sim/eta_validation.hpp"
#include "dispatchkit/sim/report.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

[[nodiscard]] std::string eta_scatter_svg(const ReplayReportInputs& r);
[[nodiscard]] std::string kpi_chart_svg(const ReplayReportInputs& r);

// ---------------------------------------------------------------------------------------
// Implementation.

inline std::string eta_scatter_svg(const ReplayReportInputs& r) {
  constexpr double kPanel = 320, kGap = 60, kTop = 50, kMaxMin = 25;
  const std::size_t panels = std::max<std::size_t>(1, r.eta.size());
  const double w = kGap + static_cast<double>(panels) * (kPanel + kGap);
  const double h = kTop + kPanel + 60;
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" "
      "fill=\"white\"/>\n<text x=\"%.0f\" y=\"22\" font-size=\"15\">Predicted against recorded "
      "drive (wheels rolling to on scene), minutes</text>\n",
      w, h, kGap);
  for (std::size_t p = 0; p < r.eta.size(); ++p) {
    const EtaValidation& e = r.eta[p];
    const double x0 = kGap + static_cast<double>(p) * (kPanel + kGap), y0 = kTop + kPanel;
    auto x_of = [&](double m) { return x0 + std::min(m, kMaxMin) / kMaxMin * kPanel; };
    auto y_of = [&](double m) { return y0 - std::min(m, kMaxMin) / kMaxMin * kPanel; };
    absl::StrAppend(&svg, absl::StrFormat("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" "
                                          "height=\"%.0f\" fill=\"none\" stroke=\"#999\"/>\n",
                                          x0, kTop, kPanel, kPanel));
    for (int m = 0; m <= 25; m += 5)
      absl::StrAppend(&svg, absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
                                            "%d</text><text x=\"%.1f\" y=\"%.1f\" "
                                            "text-anchor=\"end\">%d</text>\n",
                                            x_of(m), y0 + 16, m, x0 - 4, y_of(m) + 4, m));
    absl::StrAppend(&svg, absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                                          "stroke=\"#888\" stroke-dasharray=\"4 3\"/>\n",
                                          x_of(0), y_of(0), x_of(kMaxMin), y_of(kMaxMin)));
    for (const EtaSample& s : e.samples)
      absl::StrAppend(&svg, absl::StrFormat("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.6\" "
                                            "fill=\"%s\" fill-opacity=\"0.5\"/>\n",
                                            x_of(s.recorded_s / 60.0), y_of(s.predicted_s / 60.0),
                                            detail::series_colour(p + 1)));
    absl::StrAppend(
        &svg, absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\">%s: %u drives, median |error| %.0f s, "
                              "bias %+.0f s</text>\n<text x=\"%.1f\" y=\"%.1f\" "
                              "text-anchor=\"middle\">recorded</text>\n<text x=\"%.1f\" "
                              "y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 %.1f "
                              "%.1f)\">predicted</text>\n",
                              x0, kTop - 8, e.metric, e.overall.count, e.overall.median_abs_error_s,
                              e.overall.bias_s, x0 + kPanel / 2, y0 + 34, x0 - 30,
                              kTop + kPanel / 2, x0 - 30, kTop + kPanel / 2));
  }
  absl::StrAppend(&svg, "</svg>\n");
  return svg;
}

inline std::string kpi_chart_svg(const ReplayReportInputs& r) {
  const ReplayInputs& in = *r.inputs;
  std::vector<std::pair<std::string, const KpiReport*>> cols;
  if (in.calls_with_record != 0) cols.emplace_back("recorded", &in.recorded_kpis);
  for (const ReplayResult& run : r.runs) cols.emplace_back(run.strategy, &run.kpis);
  struct Measure {
    const char* label;
    double (*value)(const KpiReport&);
    double max;
    const char* unit;
  };
  const Measure measures[] = {
      {"median response", [](const KpiReport& k) { return k.overall.response.median_s / 60; }, 30,
       "min"},
      {"90th percentile response", [](const KpiReport& k) { return k.overall.response.p90_s / 60; },
       30, "min"},
      {"within 8 min", [](const KpiReport& k) { return 100 * k.overall.within_8min; }, 100, "%"},
      {"grade I within 8 min", [](const KpiReport& k) { return 100 * k.by_grade[0].within_8min; },
       100, "%"},
      {"late for the grade's target",
       [](const KpiReport& k) { return 100 * k.overall.late_fraction; }, 100, "%"},
  };
  constexpr double kPanelW = 200, kPanelH = 220, kGap = 30, kTop = 60;
  const std::size_t n = std::size(measures);
  const double w = kGap + static_cast<double>(n) * (kPanelW + kGap);
  const double h = kTop + kPanelH + 40 + 20.0 * static_cast<double>(cols.size());
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" "
      "fill=\"white\"/>\n<text x=\"%.0f\" y=\"22\" font-size=\"15\">Recorded beside each "
      "strategy, %u calls</text>\n",
      w, h, kGap, in.calls.size());
  const double bar = (kPanelW - 20) / static_cast<double>(cols.size());
  for (std::size_t m = 0; m < n; ++m) {
    const double x0 = kGap + static_cast<double>(m) * (kPanelW + kGap), y0 = kTop + kPanelH;
    absl::StrAppend(&svg, absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\">%s (%s)</text>\n<line "
                                          "x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                                          "stroke=\"#999\"/>\n",
                                          x0, kTop - 10, measures[m].label, measures[m].unit, x0,
                                          y0, x0 + kPanelW, y0));
    for (std::size_t c = 0; c < cols.size(); ++c) {
      const double v = measures[m].value(*cols[c].second);
      const double bh = std::clamp(v / measures[m].max, 0.0, 1.0) * kPanelH;
      const double x = x0 + 10 + static_cast<double>(c) * bar;
      absl::StrAppend(&svg, absl::StrFormat("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                                            "height=\"%.1f\" fill=\"%s\"/><text x=\"%.1f\" "
                                            "y=\"%.1f\" text-anchor=\"middle\" "
                                            "font-size=\"10\">%.1f</text>\n",
                                            x + 2, y0 - bh, bar - 4, bh, detail::series_colour(c),
                                            x + bar / 2, y0 - bh - 3, v));
    }
  }
  for (std::size_t c = 0; c < cols.size(); ++c) {
    const double y = kTop + kPanelH + 30 + 20.0 * static_cast<double>(c);
    absl::StrAppend(&svg, absl::StrFormat("<rect x=\"%.0f\" y=\"%.1f\" width=\"14\" height=\"10\" "
                                          "fill=\"%s\"/><text x=\"%.0f\" y=\"%.1f\">%s</text>\n",
                                          kGap, y - 9, detail::series_colour(c), kGap + 20, y,
                                          detail::as_absl(cols[c].first)));
  }
  absl::StrAppend(&svg, "</svg>\n");
  return svg;
}

DISPATCHKIT_NAMESPACE_END
