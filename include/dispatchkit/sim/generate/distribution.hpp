// dispatchkit/sim/generate/distribution.hpp: the probability distributions of JEMSS's call
// generation, written as Julia's Distributions.jl writes them.
//
//   absl::StatusOr<Distribution> d = Distribution::parse("Exponential(1/(18.8*24))");
//   SimRandom rng(1217248832);
//   double gap_days = d->sample(rng);                     // mean 1/451.2 day: 18.8 calls/h
//   d->mean();                                            // 0.0022163...
//   absl::StatusOr<double> t = evaluate_expression("1 + 14 + 0.1");   // 15.1
//
// A JEMSS gen_config.xml names each distribution as a Julia expression. The names and
// parameters are those of Distributions.jl (https://juliastats.org/Distributions.jl):
//   Exponential(θ)       scale θ > 0 = the MEAN (not the rate): Exponential(1/(8*24)) in
//                        days is 8 calls an hour
//   Weibull(α, θ)        shape α > 0, scale θ > 0: θ (-ln(1 - u))^(1/α)
//   Normal(μ, σ)         σ >= 0 (σ = 0: always μ)
//   Uniform(a, b)        a < b
//   Categorical(p)       p a vector of probabilities summing to 1 (within 1e-8, as
//                        isprobvec); values 1..length(p)
//   Bernoulli(p)         0 <= p <= 1; values 1 (with probability p) and 0
// Arguments are arithmetic on numbers: + - * / ^, unary minus and parentheses, with Julia's
// precedence (^ binds tightest and to the right: 2^3^2 = 512; -2^2 = -4). Any other name,
// a malformed expression or a parameter outside its domain is InvalidArgument naming what
// was expected. Sampling inverts the CDF on SimRandom's uniforms (Normal by Box-Muller), so
// a seed gives the same draws on every platform; they are not Julia's MersenneTwister
// draws, so a generated file is JEMSS's distribution, not JEMSS's exact numbers.
#pragma once

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/sim/event_queue.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// The value of an arithmetic expression ("1/(18.8*24)", "2.5/60/24"); InvalidArgument
// naming the position of the first fault.
[[nodiscard]] absl::StatusOr<double> evaluate_expression(std::string_view text);

class Distribution {
 public:
  enum class Kind : std::uint8_t {
    kExponential,
    kWeibull,
    kNormal,
    kUniform,
    kCategorical,
    kBernoulli
  };

  // Parses "Name(args)" as above.
  [[nodiscard]] static absl::StatusOr<Distribution> parse(std::string_view text);

  // One draw. Categorical gives 1..K, Bernoulli 0 or 1.
  [[nodiscard]] double sample(SimRandom& rng) const noexcept;
  [[nodiscard]] double mean() const noexcept;
  // The standard deviation (for tests of generated files against their configuration).
  [[nodiscard]] double stddev() const noexcept;

  [[nodiscard]] Kind kind() const noexcept { return kind_; }
  [[nodiscard]] const std::vector<double>& parameters() const noexcept { return p_; }
  // What parse() read, e.g. "Exponential(1/280)".
  [[nodiscard]] const std::string& text() const noexcept { return text_; }

 private:
  Kind kind_ = Kind::kNormal;
  std::vector<double> p_;  // scalar parameters, or the probabilities of a Categorical
  std::vector<double> cumulative_;
  std::string text_;
};

// ---------------------------------------------------------------------------------------
// Implementation.

namespace detail {

// Recursive descent over a Julia arithmetic expression.
class ExpressionParser {
 public:
  explicit ExpressionParser(std::string_view s) : s_(s) {}

  absl::StatusOr<double> expression() {
    DK_ASSIGN_OR_RETURN(double v, term());
    while (true) {
      skip();
      if (peek('+')) {
        ++i_;
        DK_ASSIGN_OR_RETURN(double r, term());
        v += r;
      } else if (peek('-')) {
        ++i_;
        DK_ASSIGN_OR_RETURN(double r, term());
        v -= r;
      } else {
        return v;
      }
    }
  }
  [[nodiscard]] bool at_end() {
    skip();
    return i_ >= s_.size();
  }
  [[nodiscard]] bool peek(char c) {
    skip();
    return i_ < s_.size() && s_[i_] == c;
  }
  bool eat(char c) {
    if (!peek(c)) return false;
    ++i_;
    return true;
  }
  [[nodiscard]] std::size_t position() const noexcept { return i_; }
  [[nodiscard]] absl::Status error(std::string_view expected) const {
    return absl::InvalidArgumentError(absl::StrCat("'", as_absl(s_), "': expected ",
                                                   as_absl(expected), " at character ", i_ + 1));
  }
  // A name [A-Za-z_][A-Za-z0-9_]*, or "".
  std::string_view name() {
    skip();
    const std::size_t b = i_;
    while (i_ < s_.size() && (std::isalpha(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_' ||
                              (i_ > b && std::isdigit(static_cast<unsigned char>(s_[i_])))))
      ++i_;
    return s_.substr(b, i_ - b);
  }

 private:
  void skip() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  absl::StatusOr<double> term() {
    DK_ASSIGN_OR_RETURN(double v, unary());
    while (true) {
      if (peek('*')) {
        ++i_;
        DK_ASSIGN_OR_RETURN(double r, unary());
        v *= r;
      } else if (peek('/')) {
        ++i_;
        DK_ASSIGN_OR_RETURN(double r, unary());
        if (r == 0) return error("a divisor other than 0");
        v /= r;
      } else {
        return v;
      }
    }
  }
  // Julia: unary minus binds looser than ^ (-2^2 = -4).
  absl::StatusOr<double> unary() {
    if (eat('-')) {
      DK_ASSIGN_OR_RETURN(double v, unary());
      return -v;
    }
    if (eat('+')) return unary();
    return power();
  }
  absl::StatusOr<double> power() {
    DK_ASSIGN_OR_RETURN(double b, primary());
    if (eat('^')) {
      DK_ASSIGN_OR_RETURN(double e, unary());  // right-associative, -exponent allowed
      return std::pow(b, e);
    }
    return b;
  }
  absl::StatusOr<double> primary() {
    if (eat('(')) {
      DK_ASSIGN_OR_RETURN(double v, expression());
      if (!eat(')')) return error("')'");
      return v;
    }
    skip();
    const std::size_t b = i_;
    while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.'))
      ++i_;
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E') && i_ > b) {
      std::size_t j = i_ + 1;
      if (j < s_.size() && (s_[j] == '+' || s_[j] == '-')) ++j;
      if (j < s_.size() && std::isdigit(static_cast<unsigned char>(s_[j]))) {
        i_ = j;
        while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
      }
    }
    double v = 0;
    if (i_ == b || !parse_number(s_.substr(b, i_ - b), v)) {
      i_ = b;
      return error("a number, '(' or '-'");
    }
    return v;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace detail

inline absl::StatusOr<double> evaluate_expression(std::string_view text) {
  detail::ExpressionParser p(text);
  DK_ASSIGN_OR_RETURN(double v, p.expression());
  if (!p.at_end()) return p.error("an operator or the end");
  if (!std::isfinite(v)) return p.error("a finite value");
  return v;
}

inline absl::StatusOr<Distribution> Distribution::parse(std::string_view text) {
  Distribution d;
  d.text_ = std::string(trim(text));
  detail::ExpressionParser p(d.text_);
  const std::string_view name = p.name();
  struct Known {
    std::string_view name;
    Kind kind;
    std::size_t arity;  // 0: one vector argument
  };
  static constexpr Known kKnown[] = {
      {"Exponential", Kind::kExponential, 1}, {"Weibull", Kind::kWeibull, 2},
      {"Normal", Kind::kNormal, 2},           {"Uniform", Kind::kUniform, 2},
      {"Categorical", Kind::kCategorical, 0}, {"Bernoulli", Kind::kBernoulli, 1}};
  const Known* known = nullptr;
  for (const Known& k : kKnown)
    if (k.name == name) known = &k;
  if (known == nullptr)
    return absl::InvalidArgumentError(absl::StrCat(
        "'", d.text_, "': unknown distribution '", detail::as_absl(name),
        "' (dispatchkit reads Exponential, Weibull, Normal, Uniform, Categorical and Bernoulli, "
        "as Distributions.jl defines them)"));
  d.kind_ = known->kind;
  if (!p.eat('(')) return p.error("'(' after the distribution's name");
  if (known->arity == 0) {
    if (!p.eat('[')) return p.error("'[' opening the vector of probabilities");
    do {
      DK_ASSIGN_OR_RETURN(double v, p.expression());
      d.p_.push_back(v);
    } while (p.eat(','));
    if (!p.eat(']')) return p.error("',' or ']'");
  } else {
    do {
      DK_ASSIGN_OR_RETURN(double v, p.expression());
      d.p_.push_back(v);
    } while (p.eat(','));
  }
  if (!p.eat(')')) return p.error("',' or ')'");
  if (!p.at_end()) return p.error("the end after ')'");
  if (known->arity != 0 && d.p_.size() != known->arity)
    return absl::InvalidArgumentError(
        absl::StrCat("'", d.text_, "': ", detail::as_absl(name), " takes ", known->arity,
                     " parameter", known->arity == 1 ? "" : "s", ", got ", d.p_.size()));
  auto domain = [&](std::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat("'", d.text_, "': ", detail::as_absl(what)));
  };
  for (double v : d.p_)
    if (!std::isfinite(v)) return domain("parameters must be finite");
  switch (d.kind_) {
    case Kind::kExponential:
      if (d.p_[0] <= 0) return domain("Exponential's scale θ (its mean) must be > 0");
      break;
    case Kind::kWeibull:
      if (d.p_[0] <= 0 || d.p_[1] <= 0) return domain("Weibull's shape α and scale θ must be > 0");
      break;
    case Kind::kNormal:
      if (d.p_[1] < 0) return domain("Normal's σ must be >= 0");
      break;
    case Kind::kUniform:
      if (!(d.p_[0] < d.p_[1])) return domain("Uniform(a, b) needs a < b");
      break;
    case Kind::kCategorical: {
      double sum = 0;
      for (double v : d.p_) {
        if (v < 0) return domain("Categorical's probabilities must be >= 0");
        sum += v;
        d.cumulative_.push_back(sum);
      }
      if (std::abs(sum - 1.0) > 1e-8)
        return domain(absl::StrCat("Categorical's probabilities sum to ", sum, ", not 1"));
      d.cumulative_.back() = 1.0;
      break;
    }
    case Kind::kBernoulli:
      if (d.p_[0] < 0 || d.p_[0] > 1) return domain("Bernoulli's p must be in [0, 1]");
      break;
  }
  return d;
}

inline double Distribution::sample(SimRandom& rng) const noexcept {
  const double u = rng.uniform01();
  switch (kind_) {
    case Kind::kExponential:
      return -p_[0] * std::log1p(-u);
    case Kind::kWeibull:
      return p_[1] * std::pow(-std::log1p(-u), 1.0 / p_[0]);
    case Kind::kNormal: {
      // Box-Muller on two uniforms (1 - u in (0, 1]: log is finite).
      const double v = rng.uniform01();
      return p_[0] +
             p_[1] * std::sqrt(-2.0 * std::log(1.0 - u)) * std::cos(2.0 * std::numbers::pi * v);
    }
    case Kind::kUniform:
      return p_[0] + (p_[1] - p_[0]) * u;
    case Kind::kCategorical: {
      std::size_t k = 0;
      while (k + 1 < cumulative_.size() && u >= cumulative_[k]) ++k;
      return static_cast<double>(k + 1);
    }
    case Kind::kBernoulli:
      return u < p_[0] ? 1.0 : 0.0;
  }
  return 0.0;
}

inline double Distribution::mean() const noexcept {
  switch (kind_) {
    case Kind::kExponential:
      return p_[0];
    case Kind::kWeibull:
      return p_[1] * std::tgamma(1.0 + 1.0 / p_[0]);
    case Kind::kNormal:
      return p_[0];
    case Kind::kUniform:
      return 0.5 * (p_[0] + p_[1]);
    case Kind::kCategorical: {
      double m = 0;
      for (std::size_t k = 0; k < p_.size(); ++k) m += static_cast<double>(k + 1) * p_[k];
      return m;
    }
    case Kind::kBernoulli:
      return p_[0];
  }
  return 0.0;
}

inline double Distribution::stddev() const noexcept {
  switch (kind_) {
    case Kind::kExponential:
      return p_[0];
    case Kind::kWeibull: {
      const double g1 = std::tgamma(1.0 + 1.0 / p_[0]), g2 = std::tgamma(1.0 + 2.0 / p_[0]);
      return p_[1] * std::sqrt(std::max(0.0, g2 - g1 * g1));
    }
    case Kind::kNormal:
      return p_[1];
    case Kind::kUniform:
      return (p_[1] - p_[0]) / std::sqrt(12.0);
    case Kind::kCategorical: {
      const double m = mean();
      double v = 0;
      for (std::size_t k = 0; k < p_.size(); ++k) {
        const double x = static_cast<double>(k + 1) - m;
        v += x * x * p_[k];
      }
      return std::sqrt(v);
    }
    case Kind::kBernoulli:
      return std::sqrt(p_[0] * (1.0 - p_[0]));
  }
  return 0.0;
}

DISPATCHKIT_NAMESPACE_END
