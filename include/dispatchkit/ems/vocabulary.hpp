// dispatchkit/ems/vocabulary.hpp: the words triage, recommendation and replay share.
//
//   PriorityGrade g = PriorityGrade::kI;                    // life-threatening
//   CapabilitySet needs = CapabilitySet{Capability::kAls} | Capability::kNegativePressure;
//   if (unit_caps.contains_all(needs)) ...
//   std::optional<Specialty> s = parse_specialty("stroke");
//
// Grades follow the four levels used by Chinese 120 centres (I life-threatening ... IV
// non-urgent); MPDS determinant levels (Echo ... Omega) map onto them through the response
// plan table (triage/response_plan.hpp). Names and parse spellings here are the ones the
// CSV files (plan tables, fleets) use, so keep them stable.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/enum_names.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// Urgency grade, I (most urgent) to IV. Compare with <: kI < kIV means "more urgent".
enum class PriorityGrade : std::uint8_t { kI = 1, kII = 2, kIII = 3, kIV = 4 };

// How a unit drives to the call: lights and sirens (faster, JEMSS "mode 1") or normal.
enum class TravelMode : std::uint8_t { kLightsAndSirens = 0, kNormal = 1 };

// Where the call is, for the service targets (8 / 12 / 14 minutes by default).
enum class AreaClass : std::uint8_t { kUrban = 0, kRural = 1, kMountainIsland = 2 };

// What a unit can do. A response plan requires a set; a unit qualifies if it has all.
enum class Capability : std::uint8_t {
  kAls = 0,           // advanced life support (paramedic) ambulance
  kBls,               // basic life support ambulance
  kNegativePressure,  // negative-pressure cabin (suspected infectious disease)
  kNeonatal,          // neonatal / paediatric critical-care transport
  kBariatric,         // bariatric stretcher
  kFirstResponder,    // fire engine or police first responder (no transport)
  kAedVolunteer,      // citizen AED volunteer (no transport)
  kAir,               // helicopter
  kWater,             // boat
  kTransport,         // can carry a patient to hospital
};
inline constexpr std::size_t kCapabilityCount = 10;

// A small bit set of capabilities. constexpr, trivially copyable.
class CapabilitySet {
 public:
  constexpr CapabilitySet() noexcept = default;
  constexpr CapabilitySet(Capability c) noexcept : bits_(bit(c)) {}  // NOLINT: implicit on purpose
  [[nodiscard]] constexpr bool contains(Capability c) const noexcept { return bits_ & bit(c); }
  [[nodiscard]] constexpr bool contains_all(CapabilitySet o) const noexcept {
    return (bits_ & o.bits_) == o.bits_;
  }
  [[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }
  [[nodiscard]] constexpr std::uint16_t bits() const noexcept { return bits_; }
  [[nodiscard]] static constexpr CapabilitySet from_bits(std::uint16_t b) noexcept {
    CapabilitySet s;
    s.bits_ = b;
    return s;
  }
  constexpr CapabilitySet& operator|=(CapabilitySet o) noexcept {
    bits_ |= o.bits_;
    return *this;
  }
  friend constexpr CapabilitySet operator|(CapabilitySet a, CapabilitySet b) noexcept {
    return a |= b;
  }
  friend constexpr bool operator==(CapabilitySet, CapabilitySet) noexcept = default;

 private:
  static constexpr std::uint16_t bit(Capability c) noexcept {
    return static_cast<std::uint16_t>(1u << static_cast<unsigned>(c));
  }
  std::uint16_t bits_ = 0;
};

// Specialty centre a patient should be taken to (就专科).
enum class Specialty : std::uint8_t {
  kNone = 0,          // nearest suitable emergency department
  kChestPain,         // chest pain / PCI-capable centre (STEMI)
  kStroke,            // stroke centre
  kTrauma,            // trauma centre
  kCriticalMaternal,  // critical maternal care centre
  kCriticalChild,     // critical child / newborn care centre
};

// ---- Names as they appear in CSV files and reports (lower_snake_case). ----

inline constexpr std::array<std::string_view, kCapabilityCount> kCapabilityNames = {
    "als",           "bls",       "negative_pressure",
    "neonatal",      "bariatric", "first_responder",
    "aed_volunteer", "air",       "water",
    "transport"};

[[nodiscard]] constexpr std::string_view to_string(Capability c) noexcept {
  return detail::enum_name(kCapabilityNames, c);
}
[[nodiscard]] constexpr std::optional<Capability> parse_capability(std::string_view s) noexcept {
  return detail::enum_from_name<Capability>(kCapabilityNames, s);
}

inline constexpr std::array<std::string_view, 4> kGradeNames = {"I", "II", "III", "IV"};
inline constexpr std::array<std::string_view, 4> kGradeDigits = {"1", "2", "3", "4"};
[[nodiscard]] constexpr std::string_view to_string(PriorityGrade g) noexcept {
  return detail::enum_name(kGradeNames, g, 1);
}
// Accepts "I".."IV" and "1".."4".
[[nodiscard]] constexpr std::optional<PriorityGrade> parse_grade(std::string_view s) noexcept {
  const auto g = detail::enum_from_name<PriorityGrade>(kGradeNames, s, 1);
  return g ? g : detail::enum_from_name<PriorityGrade>(kGradeDigits, s, 1);
}

[[nodiscard]] constexpr std::string_view to_string(TravelMode m) noexcept {
  return m == TravelMode::kLightsAndSirens ? "lights_and_sirens" : "normal";
}
[[nodiscard]] constexpr std::optional<TravelMode> parse_travel_mode(std::string_view s) noexcept {
  if (s == "lights_and_sirens" || s == "hot") return TravelMode::kLightsAndSirens;
  if (s == "normal" || s == "cold") return TravelMode::kNormal;
  return std::nullopt;
}

inline constexpr std::array<std::string_view, 3> kAreaClassNames = {"urban", "rural",
                                                                    "mountain_island"};
[[nodiscard]] constexpr std::string_view to_string(AreaClass a) noexcept {
  return detail::enum_name(kAreaClassNames, a);
}
[[nodiscard]] constexpr std::optional<AreaClass> parse_area_class(std::string_view s) noexcept {
  return detail::enum_from_name<AreaClass>(kAreaClassNames, s);
}

inline constexpr std::array<std::string_view, 6> kSpecialtyNames = {
    "none", "chest_pain", "stroke", "trauma", "critical_maternal", "critical_child"};
[[nodiscard]] constexpr std::string_view to_string(Specialty s) noexcept {
  return detail::enum_name(kSpecialtyNames, s);
}
[[nodiscard]] constexpr std::optional<Specialty> parse_specialty(std::string_view s) noexcept {
  return detail::enum_from_name<Specialty>(kSpecialtyNames, s);
}

DISPATCHKIT_NAMESPACE_END
