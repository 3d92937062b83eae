// dispatchkit/triage/duplicates.hpp: when are two calls probably about one incident?
//
//   DuplicateRule rule;                          // 200 m, 30 min, default compatibility
//   rule.radius = Meters(150);
//   rule.compatibility.allow(24, 26);            // pregnancy ~ sick person, for this agency
//   TriageQueueOptions options;
//   options.duplicates = rule;
//   ...
//   if (auto dup = queue.find_probable_duplicate(where, now, code)) ...  // dup->id
//
// A crash on a main road brings five calls in two minutes, each describing it differently
// ("car accident", "someone bleeding", "man unconscious"). A second call is a probable
// duplicate of a known one (waiting or active) when it is within `radius` of it, received
// within `window` of it, and the two complaints are compatible. Compatibility is a
// symmetric relation over MPDS protocols (1..37) plus index 0 for grade and local codes,
// whose complaint is unknown. The defaults:
//  - the same protocol is always compatible;
//  - a "person down" group (6 breathing, 9 arrest, 10 chest pain, 12 seizure, 13 diabetic,
//    19 heart, 23 overdose, 26 sick person, 28 stroke, 31 unconscious, 32 unknown problem);
//  - a "trauma scene" group (4 assault, 17 fall, 21 haemorrhage, 22 entrapment,
//    27 stab/gunshot, 29 traffic, 30 trauma, 34 automatic crash notification);
//  - a "fire / hazard" group (7 burns/explosion, 8 CO/hazmat, 15 electrocution,
//    14 drowning, 20 heat/cold);
//  - 31 unconscious, 32 unknown problem and codes without a protocol (index 0) are
//    compatible with everything: a bystander describes what they see.
// Detection only REPORTS; the call-taker decides (TriageQueue::push with
// DuplicatePolicy::kIgnore queues the call anyway).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <initializer_list>

#include "dispatchkit/config.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/triage/determinant.hpp"
#include "dispatchkit/triage/time.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// A symmetric relation over complaints (MPDS protocol, or 0 for codes without one).
// 38 x 38 bits, trivially copyable; compatible() is O(1) and noexcept.
class ComplaintCompatibility {
 public:
  static constexpr int kSize = kMaxMpdsProtocol + 1;

  // Only the same protocol (and index 0 with itself).
  [[nodiscard]] static constexpr ComplaintCompatibility same_protocol_only() noexcept {
    ComplaintCompatibility c;
    for (int p = 0; p < kSize; ++p) c.rows_[static_cast<std::size_t>(p)] = bit(p);
    return c;
  }
  // The documented default groups (see the banner).
  [[nodiscard]] static constexpr ComplaintCompatibility defaults() noexcept {
    ComplaintCompatibility c = same_protocol_only();
    c.allow_group({6, 9, 10, 12, 13, 19, 23, 26, 28, 31, 32});
    c.allow_group({4, 17, 21, 22, 27, 29, 30, 34});
    c.allow_group({7, 8, 14, 15, 20});
    c.allow_all(31);
    c.allow_all(32);
    c.allow_all(0);
    return c;
  }

  // Makes protocols p and q compatible (both ways). Out-of-range values are ignored.
  constexpr ComplaintCompatibility& allow(int p, int q) noexcept {
    if (p < 0 || q < 0 || p >= kSize || q >= kSize) return *this;
    rows_[static_cast<std::size_t>(p)] |= bit(q);
    rows_[static_cast<std::size_t>(q)] |= bit(p);
    return *this;
  }
  constexpr ComplaintCompatibility& allow_group(std::initializer_list<int> protocols) noexcept {
    for (int p : protocols)
      for (int q : protocols) allow(p, q);
    return *this;
  }
  constexpr ComplaintCompatibility& allow_all(int p) noexcept {
    for (int q = 0; q < kSize; ++q) allow(p, q);
    return *this;
  }

  [[nodiscard]] constexpr bool compatible(int p, int q) const noexcept {
    if (p < 0 || q < 0 || p >= kSize || q >= kSize) return false;
    return (rows_[static_cast<std::size_t>(p)] >> q) & 1u;
  }
  [[nodiscard]] constexpr bool compatible(const DeterminantCode& a,
                                          const DeterminantCode& b) const noexcept {
    return compatible(a.is_mpds() ? a.protocol() : 0, b.is_mpds() ? b.protocol() : 0);
  }

  // Raw rows (bit q of row p), for snapshots. from_rows() symmetrises.
  [[nodiscard]] constexpr std::uint64_t row(int p) const noexcept {
    return rows_[static_cast<std::size_t>(p)];
  }
  [[nodiscard]] static constexpr ComplaintCompatibility from_rows(
      const std::array<std::uint64_t, kSize>& rows) noexcept {
    ComplaintCompatibility c;
    for (int p = 0; p < kSize; ++p)
      for (int q = 0; q < kSize; ++q)
        if ((rows[static_cast<std::size_t>(p)] >> q) & 1u) c.allow(p, q);
    return c;
  }
  friend constexpr bool operator==(const ComplaintCompatibility&,
                                   const ComplaintCompatibility&) = default;

 private:
  static constexpr std::uint64_t bit(int q) noexcept { return std::uint64_t{1} << q; }
  std::array<std::uint64_t, kSize> rows_{};
};

// When a new call is reported as a probable duplicate of a known one.
struct DuplicateRule {
  Meters radius{200.0};                           // great-circle distance, inclusive
  SimDuration window = std::chrono::minutes(30);  // |received - received|, inclusive
  ComplaintCompatibility compatibility = ComplaintCompatibility::defaults();
  friend constexpr bool operator==(const DuplicateRule&, const DuplicateRule&) = default;
};

DISPATCHKIT_NAMESPACE_END
