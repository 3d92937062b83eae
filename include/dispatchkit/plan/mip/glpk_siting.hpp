// dispatchkit/plan/mip/glpk_siting.hpp: the siting models as mixed-integer programs, solved
// exactly with GLPK (component dispatchkit::plan_mip; Debian libglpk-dev).
//
//   absl::StatusOr<SitingResult> h = solve_siting(p);                        // plan/siting.hpp
//   absl::StatusOr<SitingResult> x = solve_siting_mip(p, {.time_limit_s = 30,
//                                                        .start = h->chosen});
//   x->optimal;    // proven; x->bound is GLPK's best bound, x->gap the remaining gap
//   // DeadlineExceeded "glpk: time limit of 30 s reached: best ..., bound ..." when not
//   // proven in time: keep the heuristic's answer and say it is one.
//
// Why GLPK: it is a small C library with a stable API, packaged in Debian, whose branch and
// cut proves the instances a planner checks a heuristic on (a few hundred candidates and
// thousands of points for MCLP, fewer for p-median) in seconds; CBC would be faster on hard
// instances but brings a C++ API and six libraries. Solving a city's full instance exactly
// is not this header's job: solve_siting (greedy plus swaps) is, and this solver states its
// gap where both run.
//
// Formulations (x_j = 1 opens candidate j, sum_j x_j = k; points the existing sites settle
// are constants, so only undecided points get variables):
// - MCLP and radius: y_i in [0, 1] with y_i <= sum_{j covers i} x_j; maximise sum w_i y_i.
// - MEXCLP (Daskin 1983): z_il in [0, 1] for the l-th new cover of point i, l = 1..min(k,
//   covers), with sum_l z_il <= sum_{j covers i} x_j; maximise sum w_i (1 - q) q^(e_i + l - 1)
//   z_il (e_i: existing sites covering i). The decreasing coefficients make z_i1 >= z_i2 >=
//   ... hold at the optimum without constraints.
// - p-median: a_ij in [0, 1] assigning point i to candidate j when it beats the best
//   existing time t_i (or unreachable_s), sum_j a_ij <= 1 and a_ij <= x_j (the strong
//   form); minimise sum w_i (t_i + sum_j (t_ij - t_i) a_ij).
// The heuristic's answer (`start`) is handed to GLPK as its first incumbent (GLPK's MIP
// presolver is then off: it would solve a copy whose columns the start cannot name). The objective
// reported is siting_objective() of the chosen set, so it compares exactly with the others.
//
// Thread safety: GLPK keeps per-thread state; one solve per thread at a time.
#pragma once

#include <glpk.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/plan/mip/detail/glpk_tree.hpp"
#include "dispatchkit/plan/siting.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct MipOptions {
  double time_limit_s = 60;
  std::optional<std::vector<std::uint32_t>> start;  // a k-subset of candidate rows
};

[[nodiscard]] absl::StatusOr<SitingResult> solve_siting_mip(const SitingProblem& p,
                                                            const MipOptions& options = {});

// ---------------------------------------------------------------------------------------
// Implementation.

namespace detail {

// The MIP in triplet form, with what maps it back to the problem.
struct SitingMip {
  std::vector<double> objective;  // per column (1-based in GLPK, 0-based here)
  std::vector<double> upper;      // per column
  std::vector<bool> binary;       // per column
  std::vector<int> row_of, col_of;
  std::vector<double> value_of;
  std::vector<double> row_upper;  // each row is <= row_upper, except the cardinality row
  double constant = 0;            // objective of the settled points
  bool maximise = true;
  // For the start: which point and level (or candidate) a column stands for.
  std::vector<std::uint32_t> column_point, column_level;

  int add_column(double c, double up, bool is_binary, std::uint32_t point, std::uint32_t level) {
    objective.push_back(c);
    upper.push_back(up);
    binary.push_back(is_binary);
    column_point.push_back(point);
    column_level.push_back(level);
    return static_cast<int>(objective.size());  // GLPK's 1-based index
  }
  int add_row(double up) {
    row_upper.push_back(up);
    return static_cast<int>(row_upper.size());
  }
  void set(int row, int col, double v) {
    row_of.push_back(row);
    col_of.push_back(col);
    value_of.push_back(v);
  }
};

inline SitingMip build_siting_mip(const SitingProblem& p) {
  SitingMip mip;
  mip.maximise = siting_maximises(p.method);
  const std::uint32_t m = p.candidates->sites, n = p.candidates->points;
  const std::uint32_t kCandidate = UINT32_MAX;
  for (std::uint32_t j = 0; j < m; ++j) mip.add_column(0.0, 1.0, true, kCandidate, j);
  const int card = mip.add_row(static_cast<double>(p.k));  // sum x_j = k (fixed below)
  for (std::uint32_t j = 0; j < m; ++j) mip.set(card, static_cast<int>(j) + 1, 1.0);
  for (std::uint32_t i = 0; i < n; ++i) {
    const double w = p.weights[i];
    std::uint32_t existing_covers = 0;
    Weight existing_best = kInfWeight;
    if (p.existing != nullptr)
      for (std::uint32_t e = 0; e < p.existing->sites; ++e) {
        const Weight t = p.existing->at(e, i);
        if (t <= p.limit) ++existing_covers;
        existing_best = std::min(existing_best, t);
      }
    if (p.method == SitingMethod::kPMedian) {
      const double base = pmedian_seconds(existing_best, p.unreachable_s);
      mip.constant += w * base;
      if (!(w > 0)) continue;
      int row_one = 0;
      for (std::uint32_t j = 0; j < m; ++j) {
        const double t = pmedian_seconds(p.candidates->at(j, i), p.unreachable_s);
        if (!(t < base)) continue;
        const double saving = t - base;
        if (row_one == 0) row_one = mip.add_row(1.0);
        const int a = mip.add_column(w * saving, 1.0, false, i, j);
        mip.set(row_one, a, 1.0);
        const int link = mip.add_row(0.0);  // a_ij - x_j <= 0
        mip.set(link, a, 1.0);
        mip.set(link, static_cast<int>(j) + 1, -1.0);
      }
      continue;
    }
    std::vector<std::uint32_t> covering;
    for (std::uint32_t j = 0; j < m; ++j)
      if (p.candidates->at(j, i) <= p.limit) covering.push_back(j);
    if (p.method == SitingMethod::kMexclp) {
      mip.constant += w * (1.0 - std::pow(p.busy_fraction, existing_covers));
      if (covering.empty() || !(w > 0)) continue;
      const int row = mip.add_row(0.0);
      for (std::uint32_t j : covering) mip.set(row, static_cast<int>(j) + 1, -1.0);
      const std::uint32_t levels =
          std::min<std::uint32_t>(p.k, static_cast<std::uint32_t>(covering.size()));
      for (std::uint32_t l = 1; l <= levels; ++l) {
        const double c =
            w * (1.0 - p.busy_fraction) * std::pow(p.busy_fraction, existing_covers + l - 1);
        const int z = mip.add_column(c, 1.0, false, i, l);
        mip.set(row, z, 1.0);
      }
      continue;
    }
    // MCLP, radius.
    if (existing_covers > 0) {
      mip.constant += w;
      continue;
    }
    if (covering.empty() || !(w > 0)) continue;
    const int row = mip.add_row(0.0);
    for (std::uint32_t j : covering) mip.set(row, static_cast<int>(j) + 1, -1.0);
    const int y = mip.add_column(w, 1.0, false, i, 1);
    mip.set(row, y, 1.0);
  }
  return mip;
}

// The column values of opening `open`: what the start hands GLPK.
inline std::vector<double> siting_mip_start(const SitingProblem& p, const SitingMip& mip,
                                            std::span<const std::uint32_t> open) {
  std::vector<std::uint8_t> is_open(p.candidates->sites, 0);
  for (std::uint32_t j : open) is_open[j] = 1;
  std::vector<double> x(mip.objective.size() + 1, 0.0);  // 1-based
  const std::uint32_t kCandidate = UINT32_MAX;
  // p-median: each point's best open candidate (if it beats the existing best).
  std::vector<std::uint32_t> best_of;
  if (p.method == SitingMethod::kPMedian) {
    best_of.assign(p.candidates->points, UINT32_MAX);
    for (std::uint32_t i = 0; i < p.candidates->points; ++i) {
      Weight best = kInfWeight;
      for (std::uint32_t j : open)
        if (p.candidates->at(j, i) < best) {
          best = p.candidates->at(j, i);
          best_of[i] = j;
        }
    }
  }
  for (std::size_t c = 0; c < mip.objective.size(); ++c) {
    const std::uint32_t point = mip.column_point[c], level = mip.column_level[c];
    double v = 0;
    if (point == kCandidate) {
      v = is_open[level];
    } else if (p.method == SitingMethod::kPMedian) {
      v = best_of[point] == level ? 1.0 : 0.0;
    } else {
      std::uint32_t covers = 0;
      for (std::uint32_t j : open) covers += p.candidates->at(j, point) <= p.limit ? 1 : 0;
      v = covers >= level ? 1.0 : 0.0;
    }
    x[c + 1] = v;
  }
  return x;
}

}  // namespace detail

inline absl::StatusOr<SitingResult> solve_siting_mip(const SitingProblem& p,
                                                     const MipOptions& options) {
  if (absl::Status s = check_siting_problem(p); !s.ok()) return s;
  if (options.start && options.start->size() != p.k)
    return absl::InvalidArgumentError("glpk: the start is not a k-subset");
  const auto start_time = std::chrono::steady_clock::now();
  const detail::SitingMip mip = detail::build_siting_mip(p);
  const detail::GlpkProblem problem;
  glp_prob* lp = problem.get();
  glp_term_out(GLP_OFF);
  glp_set_obj_dir(lp, mip.maximise ? GLP_MAX : GLP_MIN);
  const int rows = static_cast<int>(mip.row_upper.size());
  const int cols = static_cast<int>(mip.objective.size());
  glp_add_rows(lp, rows);
  glp_add_cols(lp, cols);
  glp_set_row_bnds(lp, 1, GLP_FX, static_cast<double>(p.k), static_cast<double>(p.k));
  for (int r = 2; r <= rows; ++r) glp_set_row_bnds(lp, r, GLP_UP, 0.0, mip.row_upper[r - 1]);
  for (int c = 1; c <= cols; ++c) {
    glp_set_obj_coef(lp, c, mip.objective[c - 1]);
    glp_set_col_bnds(lp, c, GLP_DB, 0.0, mip.upper[c - 1]);
    if (mip.binary[c - 1]) glp_set_col_kind(lp, c, GLP_BV);
  }
  std::vector<int> ia(mip.row_of.size() + 1), ja(mip.col_of.size() + 1);
  std::vector<double> ar(mip.value_of.size() + 1);
  std::copy(mip.row_of.begin(), mip.row_of.end(), ia.begin() + 1);
  std::copy(mip.col_of.begin(), mip.col_of.end(), ja.begin() + 1);
  std::copy(mip.value_of.begin(), mip.value_of.end(), ar.begin() + 1);
  glp_load_matrix(lp, static_cast<int>(mip.value_of.size()), ia.data(), ja.data(), ar.data());

  std::vector<double> start;
  detail::GlpkCallbackState state;
  if (options.start) {
    start = detail::siting_mip_start(p, mip, *options.start);
    state.start = &start;
  }
  glp_iocp parm;
  glp_init_iocp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  // GLPK's MIP presolver solves a transformed copy, whose columns a start cannot name; with
  // a start, the LP relaxation is solved here and branch and cut runs on the model itself.
  parm.presolve = options.start ? GLP_OFF : GLP_ON;
  if (options.start) {
    glp_smcp simplex;
    glp_init_smcp(&simplex);
    simplex.msg_lev = GLP_MSG_OFF;
    simplex.tm_lim = static_cast<int>(std::clamp(options.time_limit_s, 0.001, 2.0e6) * 1000.0);
    const int lp_ret = glp_simplex(lp, &simplex);
    if (lp_ret == GLP_ETMLIM)
      return absl::DeadlineExceededError(absl::StrFormat(
          "glpk: time limit of %g s reached in the LP relaxation", options.time_limit_s));
    if (lp_ret != 0 || glp_get_status(lp) != GLP_OPT)
      return absl::InternalError(absl::StrCat("glpk: the LP relaxation failed (code ", lp_ret,
                                              ", status ", glp_get_status(lp), ")"));
  }
  parm.mip_gap = 0.0;
  // The branch and cut gets what the LP relaxation left of the limit.
  const double used =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
  parm.tm_lim = static_cast<int>(std::clamp(options.time_limit_s - used, 0.001, 2.0e6) * 1000.0);
  parm.cb_func = detail::glpk_callback;
  parm.cb_info = &state;
  const int ret = glp_intopt(lp, &parm);
  const int status = glp_mip_status(lp);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
  if (ret != 0 && ret != GLP_ETMLIM)
    return absl::InternalError(absl::StrCat("glpk: glp_intopt failed with code ", ret));
  if (status != GLP_OPT && status != GLP_FEAS) {
    if (ret == GLP_ETMLIM)
      return absl::DeadlineExceededError(absl::StrFormat(
          "glpk: time limit of %g s reached before any integer solution", options.time_limit_s));
    return absl::InternalError(absl::StrCat("glpk: no integer solution (status ", status, ")"));
  }
  SitingResult r;
  r.solver = "glpk";
  for (std::uint32_t j = 0; j < p.candidates->sites; ++j)
    if (glp_mip_col_val(lp, static_cast<int>(j) + 1) > 0.5) r.chosen.push_back(j);
  const double total = detail::total_weight(p);
  r.objective = siting_objective(p, r.chosen);
  r.objective_existing = siting_objective(p, {});
  r.greedy_objective = r.objective;
  r.evaluated = static_cast<std::uint64_t>(cols);  // the model's variables
  r.seconds = seconds;
  // A raw MIP value as reported: a share (coverage) or a mean time in s (p-median).
  auto to_report = [&](double raw) { return (mip.constant + raw) / total; };
  if (status == GLP_OPT) {
    mark_redundant_sites(p, r);
    r.bound = r.objective;
    r.gap = 0.0;
    r.optimal = true;
    r.bound_kind = "glpk: proven optimal";
    return r;
  }
  // Feasible only: the time limit was reached.
  const double bound = std::isnan(state.best_bound) ? std::numeric_limits<double>::quiet_NaN()
                                                    : to_report(state.best_bound);
  return absl::DeadlineExceededError(absl::StrFormat(
      "glpk: time limit of %g s reached: best integer objective %.6f, bound %.6f (gap %.4f)",
      options.time_limit_s, r.objective, bound, detail::relative_gap(r.objective, bound)));
}

DISPATCHKIT_NAMESPACE_END
