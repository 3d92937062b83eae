// dispatchkit/triage/determinant.hpp: what a call-taker's protocol concluded, as a value.
//
//   absl::StatusOr<DeterminantCode> c = DeterminantCode::parse("9-E-1");  // MPDS
//   c->protocol();          // 9 (cardiac or respiratory arrest)
//   c->level();             // DeterminantLevel::kEcho
//   DeterminantCode::parse("17-Ω-1");   // Omega, also written 17-O-1
//   DeterminantCode::parse("06D01A");   // compact CAD form of 6-D-1A
//   DeterminantCode::parse("II");       // Chinese 120 grade II (also "Ⅱ", "II级")
//   DeterminantCode::parse("STROKE_T"); // a free local code of the agency
//
//   absl::StatusOr<DeterminantPattern> p = DeterminantPattern::parse("*-D-*");
//   p->matches(*c);         // false: 9-E-1 is Echo, not Delta
//
// Three kinds of code, because agencies use all three:
//  - MPDS-style determinant codes (Clawson & Dernocoeur, "Principles of Emergency Medical
//    Dispatch"; IAED Medical Priority Dispatch System): protocol 1..37, level
//    Omega/Alpha/Bravo/Charlie/Delta/Echo, sub-determinant 1..99 and an optional one-letter
//    suffix. Written "9-E-1", "6-D-1A", "17-Ω-1" or "17-O-1"; CAD exports often use the
//    compact zero-padded form "09E01", which parse() accepts too.
//  - The four grades of Chinese 120 centres (I life-threatening ... IV non-urgent), written
//    "I".."IV", the Unicode numerals "Ⅰ".."Ⅳ", optionally followed by "级".
//  - Free local codes (e.g. an agency's own "FALL_LIFT", SF's priority "2"): 1..15 ASCII
//    letters, digits or `_ . : / + # -`; a code starting with a digit must not hold a '-'
//    (that shape is reserved for MPDS, so a mistyped "9-X-1" is an error, not a local code).
//
// `DeterminantCode` is a 21-byte trivially copyable value (no heap), so queues store it
// inline. Parsing allocates only for error messages.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/io/text.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// MPDS determinant level, ordered by acuity: kOmega < kAlpha < ... < kEcho.
enum class DeterminantLevel : std::uint8_t {
  kOmega = 0,  // referral / no ambulance ("Ω", written "O" in ASCII)
  kAlpha = 1,
  kBravo = 2,
  kCharlie = 3,
  kDelta = 4,
  kEcho = 5,  // immediately life-threatening (arrest, ineffective breathing)
};

// ASCII letter of a level: 'O', 'A', 'B', 'C', 'D', 'E'.
[[nodiscard]] constexpr char level_letter(DeterminantLevel l) noexcept {
  constexpr char kLetters[] = {'O', 'A', 'B', 'C', 'D', 'E'};
  return kLetters[static_cast<unsigned>(l) % 6];
}

// Highest MPDS protocol number accepted (v13: 1 abdominal pain ... 37 interfacility).
inline constexpr int kMaxMpdsProtocol = 37;

class DeterminantCode {
 public:
  enum class Kind : std::uint8_t { kMpds = 0, kGrade = 1, kLocal = 2 };
  static constexpr std::size_t kMaxLocalLength = 15;

  // Grade I, so a default-constructed code is never under-triaged.
  constexpr DeterminantCode() noexcept = default;

  // Parses any of the three kinds (see the banner). InvalidArgument, naming the text and
  // what was expected, for anything else. Surrounding blanks are ignored.
  [[nodiscard]] static absl::StatusOr<DeterminantCode> parse(std::string_view text);

  // Builds an MPDS code; nullopt when a part is out of range (protocol 1..37,
  // sub-determinant 1..99, suffix 'A'..'Z' or 0 for none).
  [[nodiscard]] static constexpr std::optional<DeterminantCode> mpds(int protocol,
                                                                     DeterminantLevel level,
                                                                     int sub_determinant,
                                                                     char suffix = 0) noexcept;
  [[nodiscard]] static constexpr DeterminantCode grade(PriorityGrade g) noexcept;
  // nullopt if `code` is empty, too long or holds a character outside the local alphabet.
  [[nodiscard]] static std::optional<DeterminantCode> local(std::string_view code) noexcept;

  [[nodiscard]] constexpr Kind kind() const noexcept { return kind_; }
  [[nodiscard]] constexpr bool is_mpds() const noexcept { return kind_ == Kind::kMpds; }
  // MPDS parts; meaningful only when is_mpds() (0 otherwise).
  [[nodiscard]] constexpr int protocol() const noexcept { return protocol_; }
  [[nodiscard]] constexpr DeterminantLevel level() const noexcept {
    return static_cast<DeterminantLevel>(level_);
  }
  [[nodiscard]] constexpr int sub_determinant() const noexcept { return sub_; }
  // The suffix letter, or 0 for none.
  [[nodiscard]] constexpr char suffix() const noexcept { return suffix_; }
  // The grade, when kind() == kGrade.
  [[nodiscard]] constexpr PriorityGrade grade_value() const noexcept {
    return static_cast<PriorityGrade>(level_);
  }
  // The local code text, when kind() == kLocal (empty otherwise).
  [[nodiscard]] std::string_view local_code() const noexcept {
    return kind_ == Kind::kLocal ? std::string_view(local_.data(), std::strlen(local_.data()))
                                 : std::string_view();
  }

  // Canonical ASCII spelling: "9-E-1", "6-D-1A", "17-O-1", "II", "STROKE_T".
  // parse(to_string()) gives back an equal code.
  [[nodiscard]] std::string to_string() const;

  friend constexpr bool operator==(const DeterminantCode&, const DeterminantCode&) = default;

 private:
  friend class DeterminantPattern;
  Kind kind_ = Kind::kGrade;
  std::uint8_t protocol_ = 0;
  std::uint8_t level_ = static_cast<std::uint8_t>(PriorityGrade::kI);  // level or grade
  std::uint8_t sub_ = 0;
  char suffix_ = 0;
  std::array<char, kMaxLocalLength + 1> local_{};  // NUL-terminated, NUL-padded

 public:
  // Raw parts for binary snapshots (triage/snapshot): kind, protocol, level-or-grade,
  // sub, suffix, local text. from_raw() validates and returns nullopt on nonsense.
  struct Raw {
    std::uint8_t kind, protocol, level, sub;
    char suffix;
    std::array<char, kMaxLocalLength + 1> local;
  };
  [[nodiscard]] Raw raw() const noexcept {
    return Raw{static_cast<std::uint8_t>(kind_), protocol_, level_, sub_, suffix_, local_};
  }
  [[nodiscard]] static std::optional<DeterminantCode> from_raw(const Raw& r) noexcept;
};

static_assert(sizeof(DeterminantCode) == 21 && std::is_trivially_copyable_v<DeterminantCode>);

// A row key of a response plan table: a code with wildcards.
//  - "*"                    matches every code (the table's last resort);
//  - "9-E-1", "6-D-1A"      an MPDS code; a pattern without suffix matches any suffix;
//  - "9-E-*", "*-D-*", "9-*-*", "*-*-*": MPDS with '*' for protocol, level and/or
//    sub-determinant ("O" or "Ω" for Omega);
//  - "I".."IV"              exactly that grade code;
//  - anything else          exactly that local code.
// specificity() orders matches: a fixed protocol outweighs everything after it, then the
// level, the sub-determinant and the suffix (weights 8, 4, 2, 1; 16 for grade and local
// codes, which are exact; 0 for "*"). "9-*-*" therefore beats "*-E-*" for 9-E-1: what a
// protocol says (e.g. negative-pressure transport for protocol 36) must not be lost to a
// generic level row.
class DeterminantPattern {
 public:
  [[nodiscard]] static absl::StatusOr<DeterminantPattern> parse(std::string_view text);
  [[nodiscard]] constexpr bool matches(const DeterminantCode& c) const noexcept;
  [[nodiscard]] constexpr int specificity() const noexcept;
  // Canonical spelling, e.g. "9-E-*", "*-D-*", "*", "II", "NEONATAL".
  [[nodiscard]] std::string to_string() const;
  friend constexpr bool operator==(const DeterminantPattern&, const DeterminantPattern&) = default;

 private:
  bool any_ = false;           // "*"
  bool any_protocol_ = false;  // MPDS wildcards
  bool any_level_ = false;
  bool any_sub_ = false;
  DeterminantCode code_;  // fixed parts (suffix 0 = any suffix)
};

// ---------------------------------------------------------------------------------------
// Implementation.

constexpr std::optional<DeterminantCode> DeterminantCode::mpds(int protocol, DeterminantLevel level,
                                                               int sub_determinant,
                                                               char suffix) noexcept {
  if (protocol < 1 || protocol > kMaxMpdsProtocol) return std::nullopt;
  if (static_cast<unsigned>(level) > 5) return std::nullopt;
  if (sub_determinant < 1 || sub_determinant > 99) return std::nullopt;
  if (suffix != 0 && (suffix < 'A' || suffix > 'Z')) return std::nullopt;
  DeterminantCode c;
  c.kind_ = Kind::kMpds;
  c.protocol_ = static_cast<std::uint8_t>(protocol);
  c.level_ = static_cast<std::uint8_t>(level);
  c.sub_ = static_cast<std::uint8_t>(sub_determinant);
  c.suffix_ = suffix;
  return c;
}

constexpr DeterminantCode DeterminantCode::grade(PriorityGrade g) noexcept {
  DeterminantCode c;
  c.kind_ = Kind::kGrade;
  c.level_ = static_cast<std::uint8_t>(g);
  return c;
}

namespace detail {

[[nodiscard]] constexpr bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
[[nodiscard]] constexpr bool is_upper(char c) noexcept {
  return c >= 'A' && c <= 'Z';
}
[[nodiscard]] constexpr char to_upper(char c) noexcept {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}
[[nodiscard]] constexpr bool is_local_char(char c) noexcept {
  return is_digit(c) || is_upper(c) || (c >= 'a' && c <= 'z') || c == '_' || c == '.' || c == ':' ||
         c == '/' || c == '+' || c == '#' || c == '-';
}

// Reads 1-2 digits at s[i]; returns -1 if none.
[[nodiscard]] constexpr int read_small_number(std::string_view s, std::size_t& i) noexcept {
  if (i >= s.size() || !is_digit(s[i])) return -1;
  int v = s[i++] - '0';
  if (i < s.size() && is_digit(s[i])) v = v * 10 + (s[i++] - '0');
  return v;
}

// Reads a level at s[i]: Ω (UTF-8 CE A9), O/o, A-E/a-e. Returns -1 if none.
[[nodiscard]] constexpr int read_level(std::string_view s, std::size_t& i) noexcept {
  if (i + 1 < s.size() && s[i] == '\xCE' && s[i + 1] == '\xA9') {
    i += 2;
    return 0;
  }
  if (i >= s.size()) return -1;
  const char c = to_upper(s[i]);
  if (c == 'O') {
    ++i;
    return 0;
  }
  if (c >= 'A' && c <= 'E') {
    ++i;
    return c - 'A' + 1;
  }
  return -1;
}

// "I".."IV", "Ⅰ".."Ⅳ" (U+2160..U+2163), optionally followed by "级" (U+7EA7).
[[nodiscard]] constexpr std::optional<PriorityGrade> parse_grade_code(std::string_view s) noexcept {
  constexpr std::string_view kJi = "\xE7\xBA\xA7";
  if (s.size() > kJi.size() && s.substr(s.size() - kJi.size()) == kJi) s.remove_suffix(kJi.size());
  if (s == "I" || s == "\xE2\x85\xA0") return PriorityGrade::kI;
  if (s == "II" || s == "\xE2\x85\xA1") return PriorityGrade::kII;
  if (s == "III" || s == "\xE2\x85\xA2") return PriorityGrade::kIII;
  if (s == "IV" || s == "\xE2\x85\xA3") return PriorityGrade::kIV;
  return std::nullopt;
}

[[nodiscard]] inline std::string level_error(std::string_view text) {
  return absl::StrCat("determinant code '", as_absl(text),
                      "': expected PROTOCOL-LEVEL-NUMBER[SUFFIX] such as 9-E-1 or 6-D-1A, "
                      "with protocol 1..37, level O (Omega) or A..E, number 1..99 and an "
                      "optional suffix letter");
}

}  // namespace detail

inline std::optional<DeterminantCode> DeterminantCode::local(std::string_view code) noexcept {
  if (code.empty() || code.size() > kMaxLocalLength) return std::nullopt;
  for (char ch : code)
    if (!detail::is_local_char(ch)) return std::nullopt;
  DeterminantCode c;
  c.kind_ = Kind::kLocal;
  c.level_ = 0;
  std::memcpy(c.local_.data(), code.data(), code.size());
  return c;
}

inline absl::StatusOr<DeterminantCode> DeterminantCode::parse(std::string_view text) {
  const std::string_view s = trim(text);
  if (s.empty()) return absl::InvalidArgumentError("determinant code is empty");
  if (auto g = detail::parse_grade_code(s)) return grade(*g);

  if (detail::is_digit(s[0])) {
    // MPDS, dashed ("9-E-1", "09-E-01A") or compact ("09E01A", "9E1").
    std::size_t i = 0;
    const int protocol = detail::read_small_number(s, i);
    const bool dashed = i < s.size() && s[i] == '-';
    const bool compact_shape =
        i < s.size() && !dashed && s[i] != '-' &&
        (detail::to_upper(s[i]) == 'O' ||
         (detail::to_upper(s[i]) >= 'A' && detail::to_upper(s[i]) <= 'E') || s[i] == '\xCE');
    if (dashed || compact_shape) {
      std::size_t j = i + (dashed ? 1 : 0);
      const int level = detail::read_level(s, j);
      bool ok = level >= 0;
      if (ok && dashed) ok = j < s.size() && s[j++] == '-';
      const int sub = ok ? detail::read_small_number(s, j) : -1;
      ok = ok && sub >= 0;
      char suffix = 0;
      if (ok && j < s.size()) {
        suffix = detail::to_upper(s[j++]);
        ok = detail::is_upper(suffix);
      }
      ok = ok && j == s.size();
      if (ok) {
        if (protocol < 1 || protocol > kMaxMpdsProtocol)
          return absl::InvalidArgumentError(absl::StrCat("determinant code '", detail::as_absl(s),
                                                         "': protocol ", protocol,
                                                         " is outside 1..", kMaxMpdsProtocol));
        if (sub < 1)
          return absl::InvalidArgumentError(absl::StrCat("determinant code '", detail::as_absl(s),
                                                         "': sub-determinant must be 1..99"));
        return *mpds(protocol, static_cast<DeterminantLevel>(level), sub, suffix);
      }
    }
    // A compact-looking text that is not MPDS may still be a local code ("2A"); a text
    // starting with a digit and holding a '-' never is: it is a mistyped MPDS code.
    if (s.find('-') != std::string_view::npos)
      return absl::InvalidArgumentError(detail::level_error(s));
  }
  if (auto c = local(s)) return *c;
  return absl::InvalidArgumentError(
      absl::StrCat("determinant code '", detail::as_absl(s),
                   "': not an MPDS code (e.g. 9-E-1), a grade (I..IV) or a local code (1..",
                   kMaxLocalLength, " characters of A-Z a-z 0-9 _ . : / + # -)"));
}

inline std::string DeterminantCode::to_string() const {
  switch (kind_) {
    case Kind::kMpds: {
      std::string out = absl::StrCat(protocol_, "-", std::string(1, level_letter(level())), "-",
                                     static_cast<int>(sub_));
      if (suffix_ != 0) out.push_back(suffix_);
      return out;
    }
    case Kind::kGrade:
      return std::string(dispatchkit::to_string(grade_value()));
    case Kind::kLocal:
      return std::string(local_code());
  }
  return "?";
}

inline std::optional<DeterminantCode> DeterminantCode::from_raw(const Raw& r) noexcept {
  switch (r.kind) {
    case static_cast<std::uint8_t>(Kind::kMpds):
      if (r.level > 5) return std::nullopt;
      return mpds(r.protocol, static_cast<DeterminantLevel>(r.level), r.sub, r.suffix);
    case static_cast<std::uint8_t>(Kind::kGrade):
      if (r.level < 1 || r.level > 4) return std::nullopt;
      return grade(static_cast<PriorityGrade>(r.level));
    case static_cast<std::uint8_t>(Kind::kLocal): {
      const auto* end = static_cast<const char*>(std::memchr(r.local.data(), 0, r.local.size()));
      if (end == nullptr) return std::nullopt;
      for (const char* p = end; p != r.local.data() + r.local.size(); ++p)
        if (*p != 0) return std::nullopt;  // must be NUL padded, so == stays exact
      return local(
          std::string_view(r.local.data(), static_cast<std::size_t>(end - r.local.data())));
    }
    default:
      return std::nullopt;
  }
}

inline absl::StatusOr<DeterminantPattern> DeterminantPattern::parse(std::string_view text) {
  const std::string_view s = trim(text);
  DeterminantPattern p;
  if (s == "*") {
    p.any_ = true;
    return p;
  }
  if (s.find('*') == std::string_view::npos) {
    absl::StatusOr<DeterminantCode> c = DeterminantCode::parse(s);
    if (!c.ok()) return c.status();
    p.code_ = *c;
    return p;
  }
  // MPDS with wildcards: three dash-separated parts, each fixed or '*'.
  const auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "code pattern '", detail::as_absl(s),
        "': a pattern with '*' must be '*' or PROTOCOL-LEVEL-NUMBER[SUFFIX] where each of "
        "the three parts may be '*' (e.g. 9-E-*, *-D-*, 9-*-*)"));
  };
  const std::size_t d1 = s.find('-');
  const std::size_t d2 = d1 == std::string_view::npos ? d1 : s.find('-', d1 + 1);
  if (d2 == std::string_view::npos || s.find('-', d2 + 1) != std::string_view::npos) return bad();
  const std::string_view a = s.substr(0, d1), b = s.substr(d1 + 1, d2 - d1 - 1),
                         c = s.substr(d2 + 1);
  p.any_protocol_ = a == "*";
  p.any_level_ = b == "*";
  p.any_sub_ = c == "*";
  // Substitute wildcards with placeholders and reuse the code parser for the fixed parts.
  const std::string probe = absl::StrCat(p.any_protocol_ ? "1" : detail::as_absl(a), "-",
                                         p.any_level_ ? "A" : detail::as_absl(b), "-",
                                         p.any_sub_ ? "1" : detail::as_absl(c));
  absl::StatusOr<DeterminantCode> code = DeterminantCode::parse(probe);
  if (!code.ok() || !code->is_mpds()) return bad();
  p.code_ = *code;
  if (p.any_protocol_) p.code_.protocol_ = 0;
  if (p.any_level_) p.code_.level_ = 0;
  if (p.any_sub_) p.code_.sub_ = 0;
  return p;
}

constexpr bool DeterminantPattern::matches(const DeterminantCode& c) const noexcept {
  if (any_) return true;
  if (code_.kind_ != c.kind_) return false;
  if (c.kind_ != DeterminantCode::Kind::kMpds) return code_ == c;
  if (!any_protocol_ && code_.protocol_ != c.protocol_) return false;
  if (!any_level_ && code_.level_ != c.level_) return false;
  if (!any_sub_ && code_.sub_ != c.sub_) return false;
  if (code_.suffix_ != 0 && code_.suffix_ != c.suffix_) return false;
  return true;
}

constexpr int DeterminantPattern::specificity() const noexcept {
  if (any_) return 0;
  if (code_.kind_ != DeterminantCode::Kind::kMpds) return 16;
  return (any_protocol_ ? 0 : 8) + (any_level_ ? 0 : 4) + (any_sub_ ? 0 : 2) +
         (code_.suffix_ != 0 ? 1 : 0);
}

inline std::string DeterminantPattern::to_string() const {
  if (any_) return "*";
  if (code_.kind_ != DeterminantCode::Kind::kMpds) return code_.to_string();
  std::string out =
      absl::StrCat(any_protocol_ ? std::string("*") : std::to_string(code_.protocol_), "-",
                   any_level_ ? std::string("*") : std::string(1, level_letter(code_.level())), "-",
                   any_sub_ ? std::string("*") : std::to_string(code_.sub_));
  if (code_.suffix_ != 0) out.push_back(code_.suffix_);
  return out;
}

DISPATCHKIT_NAMESPACE_END
