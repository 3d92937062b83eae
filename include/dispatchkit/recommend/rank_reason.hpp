// dispatchkit/recommend/rank_reason.hpp: why a candidate holds its place, built in or registered.
//
//   // A strategy of your own names its reasons once, at static initialisation:
//   inline const RankReason kSparedLastInQuarters =
//       RankReason::register_reason("my_lab.spared_last_in_quarters").value();
//   ...
//   out.candidates.push_back(make_candidate(fleet, incident, entry, kSparedLastInQuarters));
//   // explain() and every printer go through to_string(): "... my_lab.spared_last_in_quarters"
//   std::string_view why = to_string(candidate.reason);          // lookup: noexcept, no lock
//   std::optional<RankReason> r = RankReason::find("closest");    // RankReason::kClosest
//
// A dispatcher overrules a recommendation when its reason does not fit the situation, so a
// strategy must be able to say why it ranked a unit in its own words. The six built-in
// reasons keep their names and codes (0 to 5); a strategy registers more by name. The same
// name always gives the same reason (registering it again, from every translation unit
// that includes the strategy's header, is harmless), so a name is all that identifies a
// reason. Codes of registered reasons follow the order of registration and may differ
// between programs: store and exchange the name, never the code.
//
// Thread safety: register_reason() may be called from any thread at any time (it takes a
// lock); name(), find() and to_string() never lock, never allocate and are noexcept, so
// they may be called from a strategy's noexcept recommend() while another thread
// registers.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// Names of the built-in reasons, by code.
inline constexpr std::array<std::string_view, 6> kRankReasonNames = {
    "closest",       "plan_requirement", "least_coverage_loss", "closest_none_in_target",
    "beyond_target", "preempt_faster"};

// Why a candidate holds its place in the ranking: one of the built-in six or a reason a
// strategy registered. A one-byte value, copied freely; compare with ==.
class RankReason {
 public:
  // The built-in reasons (codes 0 to 5, in this order).
  static const RankReason kClosest;              // smallest ETA among suitable available units
  static const RankReason kRequirement;          // nearest qualified unit for one plan requirement
  static const RankReason kLeastCoverageLoss;    // meets the target, its departure costs least
  static const RankReason kClosestNoneInTarget;  // no unit meets the target: closest first
  static const RankReason kBeyondTarget;         // others meet the target; this one does not
  static const RankReason kPreemptFaster;        // taken from a lower-priority incident: sooner
  // Codes available in one process, built-in ones included.
  static constexpr std::size_t kCapacity = 256;
  // Longest name accepted by register_reason().
  static constexpr std::size_t kMaxNameLength = 64;

  // kClosest.
  constexpr RankReason() noexcept = default;

  // The reason called `name`, registered now if it is new. A name is 1 to 64 characters
  // of a-z, 0-9, '_', '.' and '-' (it is printed unquoted in reports and CSV; a prefix
  // such as "my_lab." keeps strategies apart). InvalidArgument for any other name;
  // ResourceExhausted when all kCapacity codes are taken or memory ran out. Thread-safe.
  static absl::StatusOr<RankReason> register_reason(std::string_view name);
  // The registered reason called `name`, if any. noexcept, lock-free.
  [[nodiscard]] static std::optional<RankReason> find(std::string_view name) noexcept;
  // The registered reason with this code, if any. noexcept, lock-free.
  [[nodiscard]] static std::optional<RankReason> from_code(std::uint8_t code) noexcept;

  // The reason's name ("closest", "my_lab.spared_last_in_quarters"). noexcept, lock-free;
  // the view stays valid for the life of the process.
  [[nodiscard]] std::string_view name() const noexcept;
  [[nodiscard]] constexpr std::uint8_t code() const noexcept { return code_; }
  [[nodiscard]] constexpr bool is_builtin() const noexcept {
    return code_ < kRankReasonNames.size();
  }

  friend constexpr bool operator==(RankReason, RankReason) noexcept = default;

 private:
  constexpr explicit RankReason(std::uint8_t code) noexcept : code_(code) {}
  std::uint8_t code_ = 0;
};

inline constexpr RankReason RankReason::kClosest{0};
inline constexpr RankReason RankReason::kRequirement{1};
inline constexpr RankReason RankReason::kLeastCoverageLoss{2};
inline constexpr RankReason RankReason::kClosestNoneInTarget{3};
inline constexpr RankReason RankReason::kBeyondTarget{4};
inline constexpr RankReason RankReason::kPreemptFaster{5};

// The reason's name, as explain() prints it. noexcept, lock-free.
[[nodiscard]] inline std::string_view to_string(RankReason r) noexcept {
  return r.name();
}

namespace detail {

// The names behind the codes. Readers never lock: an entry is written once, under the
// lock, before the count that covers it is published (release), and never changes, so a
// reader that loads the count (acquire) sees every entry below it complete.
class RankReasonTable {
 public:
  constexpr RankReasonTable() noexcept {
    for (std::size_t i = 0; i < kRankReasonNames.size(); ++i) names_[i] = kRankReasonNames[i];
  }
  RankReasonTable(const RankReasonTable&) = delete;
  RankReasonTable& operator=(const RankReasonTable&) = delete;

  absl::StatusOr<std::uint8_t> add(std::string_view name) {
    if (!valid_name(name))
      return absl::InvalidArgumentError(absl::StrCat(
          "RankReason::register_reason: expected a name of 1 to ", RankReason::kMaxNameLength,
          " characters a-z, 0-9, '_', '.' or '-', got '", as_absl(name), "'"));
    const std::lock_guard<std::mutex> lock(mutex_);
    const std::uint32_t n = count_.load(std::memory_order_relaxed);
    if (const std::optional<std::uint8_t> known = find_below(name, n)) return *known;
    if (n == RankReason::kCapacity)
      return absl::ResourceExhaustedError(
          absl::StrCat("RankReason::register_reason: all ", RankReason::kCapacity,
                       " reason codes are taken; cannot add '", as_absl(name), "'"));
    std::unique_ptr<char[]> copy(new (std::nothrow) char[name.size()]);
    if (copy == nullptr)
      return out_of_memory(absl::StrCat("RankReason::register_reason: '", as_absl(name), "'"));
    std::memcpy(copy.get(), name.data(), name.size());
    names_[n] = std::string_view(copy.get(), name.size());
    owned_[n] = std::move(copy);
    count_.store(n + 1, std::memory_order_release);
    return static_cast<std::uint8_t>(n);
  }
  [[nodiscard]] std::optional<std::uint8_t> find(std::string_view name) const noexcept {
    return find_below(name, count_.load(std::memory_order_acquire));
  }
  // "" for a code nobody registered.
  [[nodiscard]] std::string_view name(std::uint8_t code) const noexcept {
    return code < count_.load(std::memory_order_acquire) ? names_[code] : std::string_view();
  }
  [[nodiscard]] std::size_t size() const noexcept { return count_.load(std::memory_order_acquire); }

  [[nodiscard]] static constexpr bool valid_name(std::string_view name) noexcept {
    if (name.empty() || name.size() > RankReason::kMaxNameLength) return false;
    for (const char c : name)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
        return false;
    return true;
  }

 private:
  [[nodiscard]] std::optional<std::uint8_t> find_below(std::string_view name,
                                                       std::uint32_t n) const noexcept {
    for (std::uint32_t i = 0; i < n; ++i)
      if (names_[i] == name) return static_cast<std::uint8_t>(i);
    return std::nullopt;
  }

  std::mutex mutex_;  // serialises add()
  std::atomic<std::uint32_t> count_{kRankReasonNames.size()};
  std::array<std::string_view, RankReason::kCapacity> names_{};
  std::array<std::unique_ptr<char[]>, RankReason::kCapacity> owned_{};
};

// The process's table. Constant-initialised, so it exists before any dynamic
// initialisation registers a reason, and is destroyed after every object whose
// dynamic initialisation finished later (e.g. a function-local static printing reasons).
inline constinit RankReasonTable rank_reason_table;

}  // namespace detail

inline absl::StatusOr<RankReason> RankReason::register_reason(std::string_view name) {
  DK_ASSIGN_OR_RETURN(const std::uint8_t code, detail::rank_reason_table.add(name));
  return RankReason(code);
}
inline std::optional<RankReason> RankReason::find(std::string_view name) noexcept {
  if (const std::optional<std::uint8_t> code = detail::rank_reason_table.find(name))
    return RankReason(*code);
  return std::nullopt;
}
inline std::optional<RankReason> RankReason::from_code(std::uint8_t code) noexcept {
  if (code >= detail::rank_reason_table.size()) return std::nullopt;
  return RankReason(code);
}
inline std::string_view RankReason::name() const noexcept {
  return detail::rank_reason_table.name(code_);
}

DISPATCHKIT_NAMESPACE_END
