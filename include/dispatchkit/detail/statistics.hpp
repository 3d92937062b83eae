// dispatchkit/detail/statistics.hpp: the one median / percentile definition of the library.
// Internal (namespace detail); sim/kpi.hpp re-exports nearest_rank for its users.
//
//   std::vector<double> v = {80, 170, 120, 1102};
//   double m = detail::median(v);                         // 120: the 2nd of 4 (sorts v)
//   double p90 = detail::nearest_rank(v, 0.9);            // 1102 (v is sorted now)
//
// Every figure dispatchkit reports (replay KPIs, ETA validation of the replay, the trip ETA
// evaluation of route/traffic) uses the nearest-rank definition: the ceil(p n)-th smallest
// value. It is exact, needs no interpolation, is always one of the observed values, and is
// what most EMS performance reports quote. For an even count the median is therefore the
// lower of the two middle values, not their mean. Changing it changes every report.json.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

#include "dispatchkit/config.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {

// Nearest-rank percentile of a sorted sample, p in (0, 1]: the ceil(p n)-th smallest value
// (rank clamped to [1, n]). 0 when the sample is empty. O(1), noexcept.
[[nodiscard]] inline double nearest_rank(std::span<const double> sorted, double p) noexcept {
  if (sorted.empty()) return 0.0;
  auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

// Nearest-rank median of `values` in any order (sorts them in place). 0 when empty.
// O(n log n).
[[nodiscard]] inline double median(std::vector<double>& values) {
  std::sort(values.begin(), values.end());
  return nearest_rank(values, 0.5);
}

// Arithmetic mean, summed in the order given (so results are reproducible). 0 when empty.
[[nodiscard]] inline double mean(std::span<const double> values) noexcept {
  if (values.empty()) return 0.0;
  double sum = 0.0;
  for (const double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

// Half-width of the 95 % confidence interval of the mean of `values` (independent draws):
// t(0.975, n - 1) * s / sqrt(n), s the sample standard deviation. 0 for fewer than two.
[[nodiscard]] inline double mean_half_width_95(std::span<const double> values) noexcept {
  const std::size_t n = values.size();
  if (n < 2) return 0.0;
  // Student t quantiles at 0.975 for 1..30 degrees of freedom; the normal 1.96 beyond.
  constexpr double kT[30] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                             2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                             2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  const double m = mean(values);
  double ss = 0.0;
  for (const double v : values) ss += (v - m) * (v - m);
  const double sd = std::sqrt(ss / static_cast<double>(n - 1));
  const double t = n - 1 <= 30 ? kT[n - 2] : 1.96;
  return t * sd / std::sqrt(static_cast<double>(n));
}

// A distribution-free 95 % confidence interval of the median of a sorted sample: the l-th
// and (n + 1 - l)-th smallest values, l = floor((n - 1.96 sqrt(n)) / 2) (at least 1), the
// normal approximation of the binomial ranks (Conover, Practical Nonparametric
// Statistics, 3rd ed., 3.2). It assumes nothing of the distribution, which for drive-time
// errors is skewed and heavy-tailed. Below 6 values it is the sample's range (whose
// coverage is then below 95 %); {0, 0} when empty. O(1), noexcept.
struct Interval {
  double low = 0.0, high = 0.0;
};
[[nodiscard]] inline Interval median_interval_95(std::span<const double> sorted) noexcept {
  const std::size_t n = sorted.size();
  if (n == 0) return {};
  const double nd = static_cast<double>(n);
  const double l = std::floor((nd - 1.96 * std::sqrt(nd)) / 2.0);
  const std::size_t rank = l < 1.0 ? 1 : static_cast<std::size_t>(l);
  return {sorted[rank - 1], sorted[n - rank]};
}

}  // namespace detail
DISPATCHKIT_NAMESPACE_END
