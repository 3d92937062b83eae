// dispatchkit/plan/mip/glpk_offline_bound.hpp: the offline bound's program (plan/
// offline_bound.hpp) solved with GLPK (component dispatchkit::plan_mip).
//
//   absl::StatusOr<OfflineModel> m = build_offline_model(inputs);
//   absl::StatusOr<OfflineBound> lp = solve_offline_bound(*m);                 // seconds
//   absl::StatusOr<OfflineBound> ip = solve_offline_bound(*m, {.integer = true,
//                                                              .time_limit_s = 300});
//   ip->late_fraction;   // a lower bound on any policy's late fraction in the model
//   ip->optimal;         // the integer optimum proven: the bound is the offline optimum
//
// Both answers are bounds: the LP relaxation's optimum, and with `integer` GLPK's best
// bound when the time limit stops branch and cut (the integer optimum itself when proven),
// which is never weaker than the LP's. Rows: one per post and instant of its time line (the
// idle units' flow), one per job that an ending shift may take, one per ending shift, one
// per call that several posts could reach in time.
//
// Thread safety: GLPK keeps per-thread state; one solve per thread at a time.
#pragma once

#include <glpk.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/plan/mip/detail/glpk_tree.hpp"
#include "dispatchkit/plan/offline_bound.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// Errors: InvalidArgument for a model that is not build_offline_model's (a job naming a
// call or post the model does not have); Internal when GLPK fails; DeadlineExceeded when the
// LP relaxation itself does not finish in time (branch and cut stopped by the limit is not
// an error: its best bound is reported).
[[nodiscard]] absl::StatusOr<OfflineBound> solve_offline_bound(const OfflineModel& m,
                                                               const OfflineBoundOptions& o = {});

// ---------------------------------------------------------------------------------------
// Implementation.

inline absl::StatusOr<OfflineBound> solve_offline_bound(const OfflineModel& m,
                                                        const OfflineBoundOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  for (const OfflineJob& j : m.jobs)
    if (j.call >= m.calls)
      return absl::InvalidArgumentError(
          absl::StrCat("offline bound: a job names call ", j.call, " of ", m.calls));
  OfflineBound r;
  r.calls = m.calls;
  r.unreachable = m.unreachable;
  r.jobs = m.jobs.size();
  r.integer = o.integer;

  // Columns (1-based): per job its arc y, then the arcs of the flow.
  std::vector<int> ia{0}, ja{0};
  std::vector<double> ar{0.0};
  struct Row {
    int type;
    double value;
  };
  std::vector<Row> rows;  // GLP_FX value, or GLP_UP value
  int cols = static_cast<int>(m.jobs.size());
  auto add = [&](int row, int col, double v) {
    ia.push_back(row);
    ja.push_back(col);
    ar.push_back(v);
  };
  auto new_row = [&](int type, double value) {
    rows.push_back({type, value});
    return static_cast<int>(rows.size());
  };
  std::vector<int> free_cols;  // flow arcs: [0, inf)

  // Per post: its time line.
  std::size_t job_begin = 0, staff_begin = 0;
  while (job_begin < m.jobs.size() || staff_begin < m.staffing.size()) {
    std::uint32_t post = std::numeric_limits<std::uint32_t>::max();
    if (job_begin < m.jobs.size()) post = m.jobs[job_begin].post;
    if (staff_begin < m.staffing.size()) post = std::min(post, m.staffing[staff_begin].post);
    std::size_t job_end = job_begin, staff_end = staff_begin;
    while (job_end < m.jobs.size() && m.jobs[job_end].post == post) ++job_end;
    while (staff_end < m.staffing.size() && m.staffing[staff_end].post == post) ++staff_end;
    if (staff_end == staff_begin) {  // jobs of a post without units
      return absl::InvalidArgumentError(
          absl::StrCat("offline bound: post ", post, " has jobs but no units"));
    }
    // The instants of the time line, each a row (flow balance).
    std::vector<std::int64_t> times;
    for (std::size_t i = job_begin; i < job_end; ++i) {
      times.push_back(m.jobs[i].latest_dispatch_s);
      times.push_back(m.jobs[i].busy_until_s);
    }
    for (std::size_t i = staff_begin; i < staff_end; ++i) times.push_back(m.staffing[i].time_s);
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    auto at = [&](std::int64_t t) {
      return static_cast<int>(std::lower_bound(times.begin(), times.end(), t) - times.begin());
    };
    const int first_row = static_cast<int>(rows.size()) + 1;
    std::vector<double> supply(times.size(), 0.0);
    for (std::size_t i = staff_begin; i < staff_end; ++i)
      if (m.staffing[i].units > 0) supply[at(m.staffing[i].time_s)] += m.staffing[i].units;
    for (std::size_t k = 0; k < times.size(); ++k) new_row(GLP_FX, -supply[k]);
    // Idle units carried from one instant to the next (the last to the end of the period).
    for (std::size_t k = 0; k < times.size(); ++k) {
      const int c = ++cols;
      free_cols.push_back(c);
      add(first_row + static_cast<int>(k), c, -1.0);
      if (k + 1 < times.size()) add(first_row + static_cast<int>(k) + 1, c, 1.0);
    }
    // Ending shifts: the unit leaves idle at the end, or from a job it has then (below).
    std::vector<std::pair<std::int64_t, int>> ends;  // time, departure row; by time
    for (std::size_t i = staff_begin; i < staff_end; ++i) {
      if (m.staffing[i].units >= 0) continue;
      const int row = new_row(GLP_FX, static_cast<double>(-m.staffing[i].units));
      const int c = ++cols;
      free_cols.push_back(c);
      add(first_row + at(m.staffing[i].time_s), c, -1.0);
      add(row, c, 1.0);
      ends.emplace_back(m.staffing[i].time_s, row);
    }
    for (std::size_t i = job_begin; i < job_end; ++i) {
      const OfflineJob& jb = m.jobs[i];
      const int y = static_cast<int>(i) + 1;
      const int from = first_row + at(jb.latest_dispatch_s);
      const int to = first_row + at(jb.busy_until_s);
      if (to <= from) continue;  // certainly busy at no instant: takes no unit
      add(from, y, -1.0);
      // The shifts ending while the unit may be on this call (sent once the call was ready,
      // back after busy_until): its unit may be the one that leaves, once back.
      std::size_t e =
          std::lower_bound(ends.begin(), ends.end(), std::pair<std::int64_t, int>(jb.ready_s, 0)) -
          ends.begin();
      if (e == ends.size() || ends[e].first >= jb.busy_until_s) {
        add(to, y, 1.0);
        continue;
      }
      const int hub = new_row(GLP_FX, 0.0);  // y = back on the time line + leaves
      add(hub, y, 1.0);
      const int back = ++cols;
      free_cols.push_back(back);
      add(hub, back, -1.0);
      add(to, back, 1.0);
      for (; e < ends.size() && ends[e].first < jb.busy_until_s; ++e) {
        const int leave = ++cols;
        free_cols.push_back(leave);
        add(hub, leave, -1.0);
        add(ends[e].second, leave, 1.0);
      }
    }
    job_begin = job_end;
    staff_begin = staff_end;
  }
  // Each call on time from one post at most.
  {
    std::vector<std::vector<int>> of_call(m.calls);
    for (std::size_t i = 0; i < m.jobs.size(); ++i)
      of_call[m.jobs[i].call].push_back(static_cast<int>(i) + 1);
    for (const std::vector<int>& ys : of_call) {
      if (ys.size() < 2) continue;
      const int row = new_row(GLP_UP, 1.0);
      for (int y : ys) add(row, y, 1.0);
    }
  }
  r.rows = rows.size();
  r.columns = static_cast<std::uint64_t>(cols);

  const detail::GlpkProblem problem;
  glp_prob* lp = problem.get();
  glp_term_out(GLP_OFF);
  glp_set_obj_dir(lp, GLP_MAX);
  if (!rows.empty()) glp_add_rows(lp, static_cast<int>(rows.size()));
  if (cols > 0) glp_add_cols(lp, cols);
  for (std::size_t k = 0; k < rows.size(); ++k)
    glp_set_row_bnds(lp, static_cast<int>(k) + 1, rows[k].type,
                     rows[k].type == GLP_FX ? rows[k].value : 0.0, rows[k].value);
  for (int c = 1; c <= static_cast<int>(m.jobs.size()); ++c) {
    glp_set_obj_coef(lp, c, 1.0);
    glp_set_col_bnds(lp, c, GLP_DB, 0.0, 1.0);
    if (o.integer) glp_set_col_kind(lp, c, GLP_BV);
  }
  for (int c : free_cols) {
    glp_set_col_bnds(lp, c, GLP_LO, 0.0, 0.0);
    if (o.integer) glp_set_col_kind(lp, c, GLP_IV);
  }
  if (ar.size() > 1)
    glp_load_matrix(lp, static_cast<int>(ar.size()) - 1, ia.data(), ja.data(), ar.data());
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  auto limit_ms = [&] {
    return static_cast<int>(std::clamp(o.time_limit_s - elapsed(), 0.001, 2.0e6) * 1000.0);
  };
  const double n = m.calls == 0 ? 1.0 : static_cast<double>(m.calls);
  glp_smcp simplex;
  glp_init_smcp(&simplex);
  simplex.msg_lev = GLP_MSG_OFF;
  simplex.presolve = GLP_ON;
  simplex.tm_lim = limit_ms();
  const int lp_ret = glp_simplex(lp, &simplex);
  if (lp_ret == GLP_ETMLIM)
    return absl::DeadlineExceededError(absl::StrFormat(
        "offline bound: time limit of %g s reached in the LP relaxation (%zu rows, %d columns)",
        o.time_limit_s, rows.size(), cols));
  if (lp_ret != 0 || glp_get_status(lp) != GLP_OPT)
    return absl::InternalError(absl::StrCat("offline bound: glpk's simplex failed (code ", lp_ret,
                                            ", status ", glp_get_status(lp), ")"));
  // Calls on time are a whole number: the LP optimum floored, with a hair of slack for the
  // solver's tolerances, is still a bound.
  const double lp_on_time = std::floor(glp_get_obj_val(lp) + 1e-6);
  r.lp_late_fraction = std::max(0.0, 1.0 - lp_on_time / n);
  r.on_time_max = lp_on_time;
  r.late_fraction = r.lp_late_fraction;
  r.solver = "glpk simplex";
  if (!o.integer) {
    r.seconds = elapsed();
    return r;
  }
  r.solver = "glpk branch and cut";
  detail::GlpkCallbackState state;
  glp_iocp parm;
  glp_init_iocp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_OFF;  // the LP relaxation is solved above
  parm.mip_gap = 0.0;
  parm.tm_lim = limit_ms();
  parm.cb_func = detail::glpk_callback;
  parm.cb_info = &state;
  const int ret = glp_intopt(lp, &parm);
  if (ret != 0 && ret != GLP_ETMLIM)
    return absl::InternalError(absl::StrCat("offline bound: glp_intopt failed with code ", ret));
  const int status = glp_mip_status(lp);
  if (status == GLP_OPT || status == GLP_FEAS)
    r.integer_late_fraction = 1.0 - glp_mip_obj_val(lp) / n;
  if (status == GLP_OPT) {
    r.optimal = true;
    // Every job column is 0 or 1: the count of calls on time is an integer.
    r.on_time_max = std::round(glp_mip_obj_val(lp));
  } else if (!std::isnan(state.best_bound)) {
    // Branch and cut stopped by the limit: its best bound, floored (the count is integral).
    r.on_time_max = std::min(r.on_time_max, std::floor(state.best_bound + 1e-6));
  }
  r.late_fraction = std::max(0.0, 1.0 - r.on_time_max / n);
  r.seconds = elapsed();
  return r;
}

DISPATCHKIT_NAMESPACE_END
