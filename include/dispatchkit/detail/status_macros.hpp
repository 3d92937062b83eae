// dispatchkit/detail/status_macros.hpp: the small macro pair that Debian's Abseil
// (20220623) lacks. Internal: users must not rely on these names.
#pragma once

#include <utility>

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "dispatchkit/config.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {
// Debian's Abseil is built without std::string_view aliasing: absl::StrCat and friends
// do not take a std::string_view. Wrap one with as_absl(sv) when formatting messages.
[[nodiscard]] inline absl::string_view as_absl(std::string_view s) noexcept {
  return absl::string_view(s.data(), s.size());
}

// ResourceExhausted "<what>: out of memory", for a caught std::bad_alloc in a noexcept
// function. If even the message cannot be allocated, the status carries the code alone
// (an empty message needs no allocation).
[[nodiscard]] inline absl::Status out_of_memory(std::string_view what) noexcept {
  try {
    return absl::ResourceExhaustedError(absl::StrCat(as_absl(what), ": out of memory"));
  } catch (...) {
    return absl::Status(absl::StatusCode::kResourceExhausted, "");
  }
}
}  // namespace detail
DISPATCHKIT_NAMESPACE_END

#define DK_DETAIL_CONCAT_INNER(a, b) a##b
#define DK_DETAIL_CONCAT(a, b) DK_DETAIL_CONCAT_INNER(a, b)

// Returns from the enclosing function when `expr` (an absl::Status) is not OK.
#define DK_RETURN_IF_ERROR(expr)                                                 \
  do {                                                                           \
    if (::absl::Status dk_status_ = (expr); !dk_status_.ok()) return dk_status_; \
  } while (false)

// `DK_ASSIGN_OR_RETURN(auto x, MakeX());` declares x from an absl::StatusOr or returns its error.
#define DK_ASSIGN_OR_RETURN(lhs, expr) \
  DK_DETAIL_ASSIGN_OR_RETURN_IMPL(DK_DETAIL_CONCAT(dk_statusor_, __LINE__), lhs, expr)
#define DK_DETAIL_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                    \
  if (!tmp.ok()) return std::move(tmp).status();        \
  lhs = *std::move(tmp)
