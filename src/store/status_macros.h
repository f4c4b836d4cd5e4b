#ifndef PHONEBULK_STORE_STATUS_MACROS_H_
#define PHONEBULK_STORE_STATUS_MACROS_H_

// Early-return helpers for the stores, whose every call returns a status.
// One set for both backends (store/sqlite, store/postgres); local to store/
// so they cannot clash with a project-wide set added later.

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define PB_STORE_CONCAT_INNER(a, b) a##b
#define PB_STORE_CONCAT(a, b) PB_STORE_CONCAT_INNER(a, b)

// Returns from the enclosing function when `expr` (an absl::Status) is not OK.
#define PB_RETURN_IF_ERROR(expr)                              \
  do {                                                        \
    if (absl::Status pb_status_ = (expr); !pb_status_.ok()) { \
      return pb_status_;                                      \
    }                                                         \
  } while (false)

// `lhs = *expr` when `expr` (an absl::StatusOr) is OK, else returns its status.
#define PB_ASSIGN_OR_RETURN(lhs, expr) \
  PB_ASSIGN_OR_RETURN_IMPL(PB_STORE_CONCAT(pb_statusor_, __LINE__), lhs, expr)
#define PB_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return std::move(tmp).status(); \
  lhs = std::move(*tmp)

#endif  // PHONEBULK_STORE_STATUS_MACROS_H_
