// dispatchkit/plan/siting.hpp: where the next k stations should go.
//
//   SiteMatrix cand = site_times(ch, graph, candidates, placed.positions);   // plan/coverage.hpp
//   SiteMatrix today = site_times(ch, graph, stations, placed.positions);
//   SitingProblem p{.method = SitingMethod::kMclp, .candidates = &cand, .existing = &today,
//                   .weights = placed.weights, .limit = 8 * 600, .k = 5};
//   absl::StatusOr<SitingResult> r = solve_siting(p);      // greedy, then swaps
//   r->chosen;              // candidate rows, the one adding most first
//   r->objective;           // covered share (here), with r->bound and r->gap
//   absl::StatusOr<SitingResult> x = solve_siting_exhaustive(p);   // the optimum, small cases
//
// The four models of the EMS siting literature, on a demand x site table of road times:
// - MCLP (Church and ReVelle 1974): maximise the demand within `limit` of an open site;
// - MEXCLP (Daskin 1983): each site holds one unit that is busy with probability q
//   (`busy_fraction`), independently; maximise the expected covered demand
//   sum_i w_i (1 - q^n_i), n_i the open sites within `limit` of point i;
// - p-median (Hakimi 1964): minimise the demand-weighted mean time to the nearest open site
//   (a point counts at most `unreachable_s`, also when no site reaches it);
// - radius: MCLP on road distances (`limit` a length in decimetres, from
//   site_road_distances): the plans' "every point within R km of a station".
// Existing sites stay open (`existing`, possibly none); the k new ones are chosen among the
// candidate rows. Objectives are reported as shares of the demand weight (MCLP, MEXCLP,
// radius) or seconds (p-median).
//
// solve_siting is the city-scale heuristic: greedy (each step opens the candidate of
// largest gain), then best-improvement swaps (one open candidate for one closed, Teitz and
// Bart 1968) until none improves, then `restarts` perturbed restarts of those swaps
// (iterated local search: a third of the sites exchanged at random, seeded). Each swap pass
// costs k x candidates x points. Its `bound`
// is an optimum bound that needs no solver: MCLP, MEXCLP and radius are monotone
// submodular, so for any set S the optimum is at most f(S) plus the k largest gains over S
// (Nemhauser, Wolsey and Fisher 1978); the smallest such value over the greedy steps and
// the final set is reported. For p-median the bound is every candidate open at once (weak,
// but a true lower bound). solve_siting_exhaustive enumerates every k-subset (the exact
// optimum; ResourceExhausted beyond `max_subsets`), the reference the heuristic is checked
// against on tiny instances; plan/mip/glpk_siting.hpp solves larger ones exactly with GLPK.
//
// Thread safety: pure functions over caller-owned tables.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/hash.hpp"
#include "dispatchkit/plan/coverage.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

enum class SitingMethod { kMclp, kMexclp, kPMedian, kRadius };

[[nodiscard]] constexpr std::string_view siting_method_name(SitingMethod m) noexcept {
  switch (m) {
    case SitingMethod::kMclp:
      return "mclp";
    case SitingMethod::kMexclp:
      return "mexclp";
    case SitingMethod::kPMedian:
      return "pmedian";
    case SitingMethod::kRadius:
      return "radius";
  }
  return "?";
}
[[nodiscard]] inline std::optional<SitingMethod> parse_siting_method(std::string_view s) noexcept {
  for (SitingMethod m :
       {SitingMethod::kMclp, SitingMethod::kMexclp, SitingMethod::kPMedian, SitingMethod::kRadius})
    if (s == siting_method_name(m)) return m;
  return std::nullopt;
}
// Whether the method maximises (coverage) or minimises (p-median).
[[nodiscard]] constexpr bool siting_maximises(SitingMethod m) noexcept {
  return m != SitingMethod::kPMedian;
}

struct SitingProblem {
  SitingMethod method = SitingMethod::kMclp;
  const SiteMatrix* candidates = nullptr;  // candidate rows x demand points
  const SiteMatrix* existing = nullptr;    // open sites x the same points; may be null
  std::span<const double> weights;         // per demand point
  Weight limit = 8 * 600;                  // T in deciseconds (radius: R in decimetres)
  double busy_fraction = 0.3;              // MEXCLP's q, in [0, 1)
  // p-median's time for a point no site reaches, and the most any point counts (so that a
  // far site never makes the mean worse than no site; the MIP prices it the same way)
  double unreachable_s = 3600;
  std::uint32_t k = 1;
};

struct SitingOptions {
  bool swap = true;
  std::uint32_t max_swap_passes = 100;  // per local search
  std::uint32_t restarts = 32;          // perturbed restarts of the local search
  std::uint64_t seed = 1;
};

struct SitingResult {
  std::vector<std::uint32_t> chosen;  // candidate rows, the one adding most first
  double objective = 0;               // share (mclp, mexclp, radius) or seconds (pmedian)
  double objective_existing = 0;      // the same with only the existing sites
  double greedy_objective = 0;        // before the swaps
  std::optional<double> bound;        // on the optimum: upper (maximising), lower (pmedian)
  std::optional<double> gap;          // |bound - objective| / |objective|
  std::string solver;                 // "greedy+swap", "greedy", "exhaustive"
  std::string bound_kind;             // how `bound` was found
  bool optimal = false;               // proven (exhaustive, or gap 0)
  std::uint32_t swaps = 0;
  std::uint32_t restarts_improved = 0;  // restarts that found a better set
  // Chosen sites that add nothing once the others are open: k was more than the model
  // needed (MCLP or radius with everything covered), so they are placed arbitrarily.
  std::vector<std::uint32_t> redundant;
  std::uint64_t evaluated = 0;  // subsets (exhaustive) or candidate evaluations
  double seconds = 0;
};

// Checks a problem: InvalidArgument for no candidates, tables of different point counts,
// weights of another length or summing to 0, k == 0 or larger than the candidates, a busy
// fraction outside [0, 1).
[[nodiscard]] absl::Status check_siting_problem(const SitingProblem& p);

// Greedy plus swaps (see the banner).
[[nodiscard]] absl::StatusOr<SitingResult> solve_siting(const SitingProblem& p,
                                                        const SitingOptions& options = {});

// Orders r.chosen by what each adds (the most first: the order to build in) and lists in
// r.redundant the sites that add nothing once the others are open (k was more than the
// model needs: MCLP or radius with everything covered).
void mark_redundant_sites(const SitingProblem& p, SitingResult& r);

// Every k-subset of the candidates: the optimum. ResourceExhausted when there are more than
// `max_subsets` subsets (C(candidates, k)).
[[nodiscard]] absl::StatusOr<SitingResult> solve_siting_exhaustive(
    const SitingProblem& p, std::uint64_t max_subsets = 5'000'000);

// The objective of opening `open` (candidate rows) beside the existing sites, computed from
// scratch: the plain reference the incremental evaluations are checked against.
[[nodiscard]] double siting_objective(const SitingProblem& p, std::span<const std::uint32_t> open);

// ---------------------------------------------------------------------------------------
// Implementation.

namespace detail {

// A p-median point's time in seconds: its best time, at most `cap` (kInfWeight: `cap`).
[[nodiscard]] inline double pmedian_seconds(Weight best, double cap) noexcept {
  return best == kInfWeight ? cap : std::min(cap, static_cast<double>(best) / 10.0);
}

// Per candidate, the demand points it can change, with its value there: for MCLP and radius
// the points within the limit that no existing site covers, for MEXCLP the points within
// the limit, for p-median the points where it beats the best existing site. A candidate
// changes nothing elsewhere, so gains and swaps run over these lists, not over every point
// (a few percent of the table on a city with its stations kept).
struct SitingLists {
  std::vector<std::uint64_t> first;  // candidate c's entries: [first[c], first[c + 1])
  std::vector<std::uint32_t> point;
  std::vector<Weight> value;

  explicit SitingLists(const SitingProblem& p) {
    const std::uint32_t n = p.candidates->points;
    std::vector<std::uint32_t> covered(n, 0);
    std::vector<Weight> existing_best(n, kInfWeight);
    if (p.existing != nullptr)
      for (std::uint32_t e = 0; e < p.existing->sites; ++e) {
        const std::span<const Weight> row = p.existing->row(e);
        for (std::uint32_t i = 0; i < n; ++i) {
          covered[i] += row[i] <= p.limit ? 1 : 0;
          existing_best[i] = std::min(existing_best[i], row[i]);
        }
      }
    first.reserve(p.candidates->sites + 1);
    first.push_back(0);
    for (std::uint32_t c = 0; c < p.candidates->sites; ++c) {
      const std::span<const Weight> row = p.candidates->row(c);
      for (std::uint32_t i = 0; i < n; ++i) {
        bool keep = false;
        switch (p.method) {
          case SitingMethod::kMclp:
          case SitingMethod::kRadius:
            keep = row[i] <= p.limit && covered[i] == 0;
            break;
          case SitingMethod::kMexclp:
            keep = row[i] <= p.limit;
            break;
          case SitingMethod::kPMedian:
            keep = row[i] < existing_best[i];
            break;
        }
        if (!keep || !(p.weights[i] > 0)) continue;
        point.push_back(i);
        value.push_back(row[i]);
      }
      first.push_back(point.size());
    }
  }
};

// The state of every demand point under a set of open sites: how many cover it and its two
// best values. Coverage methods need the count, p-median the two best values (the second is
// what a point falls back to when its best site is swapped out). Existing sites are applied
// in full, candidates through their SitingLists entries (which is all they change).
class SitingState {
 public:
  SitingState(const SitingProblem& p, const SitingLists& lists) : p_(&p), lists_(&lists) {
    const std::uint32_t n = p.candidates->points;
    count_.assign(n, 0);
    best_.assign(n, kInfWeight);
    second_.assign(n, kInfWeight);
    best_row_.assign(n, kNone);
    q_pow_.resize(p.candidates->sites + (p.existing ? p.existing->sites : 0) + 2);
    q_pow_[0] = 1.0;
    for (std::size_t i = 1; i < q_pow_.size(); ++i) q_pow_[i] = q_pow_[i - 1] * p.busy_fraction;
    if (p.existing != nullptr)
      for (std::uint32_t e = 0; e < p.existing->sites; ++e) {
        const std::span<const Weight> row = p.existing->row(e);
        for (std::uint32_t i = 0; i < n; ++i) see(i, row[i], kExisting);
      }
  }

  void open(std::uint32_t candidate) {
    for (std::uint64_t e = lists_->first[candidate]; e < lists_->first[candidate + 1]; ++e)
      see(lists_->point[e], lists_->value[e], candidate);
  }

  // The objective (as a sum, not yet a share or a mean).
  [[nodiscard]] double value() const {
    double v = 0;
    for (std::uint32_t i = 0; i < count_.size(); ++i) v += point_value(i, count_[i], best_[i]);
    return v;
  }

  // value(with `candidate` also open) - value().
  [[nodiscard]] double gain(std::uint32_t candidate) const {
    double g = 0;
    for (std::uint64_t e = lists_->first[candidate]; e < lists_->first[candidate + 1]; ++e)
      g += point_gain(lists_->point[e], lists_->value[e]);
    return g;
  }

  // For every closed candidate c: value(with `out` closed and c open) - value(), into
  // `delta` (entries of open candidates are left as they are). The points `out` changes
  // are set to their state without it for the evaluation, then restored.
  void swap_deltas(std::uint32_t out, std::span<const std::uint8_t> is_open,
                   std::span<double> delta) {
    double loss = 0;
    const std::uint64_t begin = lists_->first[out], end = lists_->first[out + 1];
    saved_.clear();
    for (std::uint64_t e = begin; e < end; ++e) {
      const std::uint32_t i = lists_->point[e];
      saved_.push_back({count_[i], best_[i]});
      const double before = point_value(i, count_[i], best_[i]);
      if (p_->method == SitingMethod::kPMedian) {
        if (best_row_[i] == out) best_[i] = second_[i];
      } else {
        --count_[i];  // every listed point of a coverage method is within the limit
      }
      loss += point_value(i, count_[i], best_[i]) - before;
    }
    for (std::uint32_t c = 0; c < p_->candidates->sites; ++c)
      if (!is_open[c]) delta[c] = loss + gain(c);
    for (std::uint64_t e = begin; e < end; ++e) {
      const std::uint32_t i = lists_->point[e];
      count_[i] = saved_[e - begin].count;
      best_[i] = saved_[e - begin].best;
    }
  }

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  static constexpr std::uint32_t kExisting = UINT32_MAX - 1;

  void see(std::uint32_t i, Weight w, std::uint32_t id) {
    if (w <= p_->limit) ++count_[i];
    if (w < best_[i]) {
      second_[i] = best_[i];
      best_[i] = w;
      best_row_[i] = id;
    } else if (w < second_[i]) {
      second_[i] = w;
    }
  }

  // What opening a site of value `w` at point i adds.
  [[nodiscard]] double point_gain(std::uint32_t i, Weight w) const {
    if (p_->method == SitingMethod::kPMedian)
      return w < best_[i] ? point_value(i, 0, w) - point_value(i, 0, best_[i]) : 0.0;
    return w <= p_->limit ? point_value(i, count_[i] + 1, 0) - point_value(i, count_[i], 0) : 0.0;
  }

  // A point's contribution (maximised: coverage as weight; p-median as minus weighted time).
  [[nodiscard]] double point_value(std::uint32_t i, std::uint32_t count, Weight best) const {
    const double w = p_->weights[i];
    switch (p_->method) {
      case SitingMethod::kMclp:
      case SitingMethod::kRadius:
        return count > 0 ? w : 0.0;
      case SitingMethod::kMexclp:
        return w * (1.0 - q_pow_[std::min<std::size_t>(count, q_pow_.size() - 1)]);
      case SitingMethod::kPMedian:
        return -w * detail::pmedian_seconds(best, p_->unreachable_s);
    }
    return 0;
  }

  struct Saved {
    std::uint32_t count;
    Weight best;
  };
  const SitingProblem* p_;
  const SitingLists* lists_;
  std::vector<std::uint32_t> count_;
  std::vector<Weight> best_, second_;
  std::vector<std::uint32_t> best_row_;
  std::vector<double> q_pow_;
  std::vector<Saved> saved_;
};

// The reported objective from the internal sum: a share of the weight, or a mean in s.
[[nodiscard]] inline double report_objective(const SitingProblem& p, double sum, double total) {
  return p.method == SitingMethod::kPMedian ? -sum / total : sum / total;
}

[[nodiscard]] inline double total_weight(const SitingProblem& p) {
  return std::accumulate(p.weights.begin(), p.weights.end(), 0.0);
}

// The sum of the k largest values of `gains` (partially sorts a copy).
[[nodiscard]] inline double top_k_sum(std::vector<double>& gains, std::uint32_t k) {
  k = std::min<std::uint32_t>(k, static_cast<std::uint32_t>(gains.size()));
  std::nth_element(gains.begin(), gains.begin() + k, gains.end(), std::greater<>());
  double s = 0;
  for (std::uint32_t i = 0; i < k; ++i) s += std::max(0.0, gains[i]);
  return s;
}

[[nodiscard]] inline double relative_gap(double objective, double bound) {
  const double scale = std::max(std::abs(objective), 1e-12);
  return std::abs(bound - objective) / scale;
}

}  // namespace detail

inline absl::Status check_siting_problem(const SitingProblem& p) {
  if (p.candidates == nullptr || p.candidates->sites == 0)
    return absl::InvalidArgumentError("siting: no candidate sites");
  const std::uint32_t n = p.candidates->points;
  if (n == 0) return absl::InvalidArgumentError("siting: no demand points");
  if (p.candidates->values.size() != static_cast<std::size_t>(p.candidates->sites) * n)
    return absl::InvalidArgumentError("siting: the candidate table is not sites x points");
  if (p.existing != nullptr &&
      (p.existing->points != n ||
       p.existing->values.size() != static_cast<std::size_t>(p.existing->sites) * n))
    return absl::InvalidArgumentError(absl::StrCat("siting: the existing sites' table has ",
                                                   p.existing->points, " points, the candidates' ",
                                                   n));
  if (p.weights.size() != n)
    return absl::InvalidArgumentError(
        absl::StrCat("siting: ", p.weights.size(), " weights for ", n, " demand points"));
  for (double w : p.weights)
    if (!(w >= 0) || !std::isfinite(w))
      return absl::InvalidArgumentError("siting: a demand weight is not a finite number >= 0");
  if (!(detail::total_weight(p) > 0))
    return absl::InvalidArgumentError("siting: the demand weights sum to 0");
  if (p.k == 0) return absl::InvalidArgumentError("siting: k must be at least 1");
  if (p.k > p.candidates->sites)
    return absl::InvalidArgumentError(absl::StrCat("siting: k = ", p.k, " is more than the ",
                                                   p.candidates->sites, " candidate sites"));
  if (!(p.busy_fraction >= 0 && p.busy_fraction < 1))
    return absl::InvalidArgumentError("siting: the busy fraction must be in [0, 1)");
  return absl::OkStatus();
}

inline double siting_objective(const SitingProblem& p, std::span<const std::uint32_t> open) {
  // From scratch, point by point: the count and the best value over every open row.
  const std::uint32_t n = p.candidates->points;
  double sum = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    std::uint32_t count = 0;
    Weight best = kInfWeight;
    auto see = [&](Weight w) {
      if (w <= p.limit) ++count;
      best = std::min(best, w);
    };
    if (p.existing != nullptr)
      for (std::uint32_t e = 0; e < p.existing->sites; ++e) see(p.existing->at(e, i));
    for (std::uint32_t c : open) see(p.candidates->at(c, i));
    const double w = p.weights[i];
    switch (p.method) {
      case SitingMethod::kMclp:
      case SitingMethod::kRadius:
        sum += count > 0 ? w : 0.0;
        break;
      case SitingMethod::kMexclp:
        sum += w * (1.0 - std::pow(p.busy_fraction, count));
        break;
      case SitingMethod::kPMedian:
        sum -= w * detail::pmedian_seconds(best, p.unreachable_s);
        break;
    }
  }
  return detail::report_objective(p, sum, detail::total_weight(p));
}

inline absl::StatusOr<SitingResult> solve_siting(const SitingProblem& p,
                                                 const SitingOptions& options) {
  if (absl::Status s = check_siting_problem(p); !s.ok()) return s;
  const auto start = std::chrono::steady_clock::now();
  const double total = detail::total_weight(p);
  const std::uint32_t m = p.candidates->sites;
  SitingResult r;
  r.solver = options.swap ? "greedy+swap" : "greedy";
  const detail::SitingLists lists(p);
  detail::SitingState state(p, lists);
  double value = state.value();
  r.objective_existing = detail::report_objective(p, value, total);
  std::vector<std::uint8_t> is_open(m, 0);
  std::vector<double> gains(m);
  double best_bound = std::numeric_limits<double>::infinity();  // on the sum (maximising)
  const bool submodular = siting_maximises(p.method);
  // Greedy: every step evaluates every closed candidate's gain, which is also what the
  // Nemhauser bound of the current set needs.
  for (std::uint32_t step = 0; step <= p.k; ++step) {
    std::uint32_t best = UINT32_MAX;
    double best_gain = -std::numeric_limits<double>::infinity();
    std::vector<double> closed_gains;
    closed_gains.reserve(m);
    for (std::uint32_t c = 0; c < m; ++c) {
      if (is_open[c]) continue;
      gains[c] = state.gain(c);
      ++r.evaluated;
      closed_gains.push_back(gains[c]);
      if (gains[c] > best_gain) {
        best_gain = gains[c];
        best = c;
      }
    }
    if (submodular) best_bound = std::min(best_bound, value + detail::top_k_sum(closed_gains, p.k));
    if (step == p.k || best == UINT32_MAX) break;
    state.open(best);
    is_open[best] = 1;
    r.chosen.push_back(best);
    value += best_gain;
  }
  r.greedy_objective = detail::report_objective(p, value, total);
  if (options.swap) {
    std::vector<double> delta(m);
    // Best-improvement swaps from `open` until none improves by more than rounding; the
    // state is rebuilt after each (a swap changes second-best values in ways an update
    // would need the third best for).
    auto local_search = [&](std::vector<std::uint32_t>& open, std::vector<std::uint8_t>& flags,
                            detail::SitingState& st, double& v) {
      for (std::uint32_t pass = 0; pass < options.max_swap_passes; ++pass) {
        double best_delta = 1e-9 * std::max(1.0, std::abs(v));
        std::uint32_t best_out = UINT32_MAX, best_in = UINT32_MAX;
        for (std::uint32_t slot = 0; slot < open.size(); ++slot) {
          st.swap_deltas(open[slot], flags, delta);
          r.evaluated += m - open.size();
          for (std::uint32_t c = 0; c < m; ++c)
            if (!flags[c] && delta[c] > best_delta) {
              best_delta = delta[c];
              best_out = slot;
              best_in = c;
            }
        }
        if (best_out == UINT32_MAX) break;
        flags[open[best_out]] = 0;
        flags[best_in] = 1;
        open[best_out] = best_in;
        ++r.swaps;
        st = detail::SitingState(p, lists);
        for (std::uint32_t c : open) st.open(c);
        v = st.value();
      }
    };
    local_search(r.chosen, is_open, state, value);
    // Iterated local search: a swap local optimum can be a few percent off (p-median on a
    // sparse city); restart from the best set with a third of its sites exchanged for
    // random closed candidates (seeded: the same problem gives the same answer) and keep
    // what improves.
    std::uint64_t rng = options.seed;
    auto next = [&rng] { return detail::splitmix64(++rng); };
    const std::uint32_t closed = m - static_cast<std::uint32_t>(r.chosen.size());
    for (std::uint32_t restart = 0; restart < options.restarts && closed > 0; ++restart) {
      std::vector<std::uint32_t> open = r.chosen;
      std::vector<std::uint8_t> flags = is_open;
      const std::uint32_t kicks =
          std::max<std::uint32_t>(1, static_cast<std::uint32_t>(open.size() + 2) / 3);
      for (std::uint32_t kick = 0; kick < kicks; ++kick) {
        const std::uint32_t slot = static_cast<std::uint32_t>(next() % open.size());
        std::uint32_t in = static_cast<std::uint32_t>(next() % m);
        while (flags[in]) in = (in + 1) % m;
        flags[open[slot]] = 0;
        flags[in] = 1;
        open[slot] = in;
      }
      detail::SitingState st(p, lists);
      for (std::uint32_t c : open) st.open(c);
      double v = st.value();
      local_search(open, flags, st, v);
      if (v > value + 1e-9 * std::max(1.0, std::abs(value))) {
        r.chosen = std::move(open);
        is_open = std::move(flags);
        state = std::move(st);
        value = v;
        ++r.restarts_improved;
      }
    }
    if (submodular) {
      std::vector<double> closed_gains;
      for (std::uint32_t c = 0; c < m; ++c)
        if (!is_open[c]) closed_gains.push_back(state.gain(c));
      best_bound = std::min(best_bound, value + detail::top_k_sum(closed_gains, p.k));
    }
  }
  r.objective = detail::report_objective(p, value, total);
  if (submodular) {
    r.bound = std::min(1.0, detail::report_objective(p, best_bound, total));
    r.bound = std::max(*r.bound, r.objective);
    r.bound_kind = "submodular: f(S) + the k largest gains over S (Nemhauser et al. 1978)";
  } else {
    // Every candidate open: no k-subset can do better.
    std::vector<std::uint32_t> all(m);
    std::iota(all.begin(), all.end(), 0u);
    r.bound = std::min(siting_objective(p, all), r.objective);
    r.bound_kind = "every candidate open";
  }
  r.gap = detail::relative_gap(r.objective, *r.bound);
  mark_redundant_sites(p, r);
  r.optimal = *r.gap <= 1e-12;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

inline void mark_redundant_sites(const SitingProblem& p, SitingResult& r) {
  // Greedy over the chosen sites on the incremental state: the one adding most first, and
  // so on; those that add nothing when their turn comes are redundant. r.chosen is left in
  // that order, which is also the order in which to build.
  const detail::SitingLists lists(p);
  detail::SitingState state(p, lists);
  double value = state.value();
  std::vector<std::uint32_t> remaining = r.chosen, ordered;
  r.redundant.clear();
  while (!remaining.empty()) {
    std::size_t pick = 0;
    double best = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < remaining.size(); ++i)
      if (const double g = state.gain(remaining[i]); g > best) {
        best = g;
        pick = i;
      }
    if (best <= 1e-12 * std::max(1.0, std::abs(value))) {
      r.redundant = remaining;
      ordered.insert(ordered.end(), remaining.begin(), remaining.end());
      break;
    }
    state.open(remaining[pick]);
    value += best;
    ordered.push_back(remaining[pick]);
    remaining.erase(remaining.begin() + static_cast<std::ptrdiff_t>(pick));
  }
  r.chosen = std::move(ordered);
}

inline absl::StatusOr<SitingResult> solve_siting_exhaustive(const SitingProblem& p,
                                                            std::uint64_t max_subsets) {
  if (absl::Status s = check_siting_problem(p); !s.ok()) return s;
  const std::uint32_t m = p.candidates->sites;
  // C(m, k), stopping once it passes the limit.
  std::uint64_t subsets = 1;
  for (std::uint32_t i = 0; i < p.k; ++i) {
    subsets = subsets * (m - i) / (i + 1);
    if (subsets > max_subsets)
      return absl::ResourceExhaustedError(absl::StrCat("siting: C(", m, ", ", p.k,
                                                       ") subsets is more than the limit of ",
                                                       max_subsets, " for the exhaustive solver"));
  }
  const auto start = std::chrono::steady_clock::now();
  SitingResult r;
  r.solver = "exhaustive";
  r.objective_existing = siting_objective(p, {});
  const bool maximise = siting_maximises(p.method);
  std::vector<std::uint32_t> open(p.k);
  std::iota(open.begin(), open.end(), 0u);
  bool first = true;
  while (true) {
    const double v = siting_objective(p, open);
    ++r.evaluated;
    if (first || (maximise ? v > r.objective + 1e-12 : v < r.objective - 1e-12)) {
      r.objective = v;
      r.chosen = open;
      first = false;
    }
    // The next k-subset in lexicographic order.
    std::int64_t i = static_cast<std::int64_t>(p.k) - 1;
    while (i >= 0 && open[static_cast<std::size_t>(i)] == m - p.k + static_cast<std::uint32_t>(i))
      --i;
    if (i < 0) break;
    ++open[static_cast<std::size_t>(i)];
    for (std::size_t j = static_cast<std::size_t>(i) + 1; j < p.k; ++j) open[j] = open[j - 1] + 1;
  }
  r.greedy_objective = r.objective;
  r.bound = r.objective;
  r.gap = 0.0;
  r.bound_kind = "exhaustive";
  r.optimal = true;
  mark_redundant_sites(p, r);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

DISPATCHKIT_NAMESPACE_END
