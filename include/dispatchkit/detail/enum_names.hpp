// dispatchkit/detail/enum_names.hpp: an enum's names as one table, read both ways. Internal.
//
//   inline constexpr std::array<std::string_view, 3> kAreaClassNames = {"urban", "rural", ...};
//   constexpr std::string_view to_string(AreaClass a) noexcept {
//     return detail::enum_name(kAreaClassNames, a);                     // "?" if out of range
//   }
//   constexpr std::optional<AreaClass> parse_area_class(std::string_view s) noexcept {
//     return detail::enum_from_name<AreaClass>(kAreaClassNames, s);
//   }
//
// One table per enum means a name added or renamed changes printing and parsing together.
// The enum's values must be consecutive, starting at `first`.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <type_traits>

#include "dispatchkit/config.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {

template <class E, std::size_t N>
[[nodiscard]] constexpr std::string_view enum_name(const std::array<std::string_view, N>& names,
                                                   E e, std::size_t first = 0) noexcept {
  const auto v = static_cast<std::size_t>(static_cast<std::underlying_type_t<E>>(e));
  return v >= first && v - first < N ? names[v - first] : std::string_view("?");
}

template <class E, std::size_t N>
[[nodiscard]] constexpr std::optional<E> enum_from_name(
    const std::array<std::string_view, N>& names, std::string_view s,
    std::size_t first = 0) noexcept {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == s) return static_cast<E>(i + first);
  return std::nullopt;
}

}  // namespace detail
DISPATCHKIT_NAMESPACE_END
