// dispatchkit/detail/status_macros.hpp: the small macro pair that Debian's Abseil
// (20220623) lacks. Internal: users must not rely on these names.
#pragma once

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

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
