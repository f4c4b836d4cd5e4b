#ifndef PHONEBULK_STORE_ERRORS_H_
#define PHONEBULK_STORE_ERRORS_H_

#include <string_view>

#include "absl/status/status.h"

namespace phonebulk::store {

// The error codes of every store role (account_store.h, batch_store.h,
// work_queue.h, porting_store.h, validation_cache.h) and of Store itself:
// NotFound (no such row, or not the caller's), FailedPrecondition (a
// transition that does not fit the current status; the message names the
// status), ResourceExhausted (not enough credits), Aborted (a chunk claim
// that has been taken over or whose batch is no longer processing),
// Unavailable (the database cannot be reached), Internal (anything else).
// Messages never contain SQL or file paths.

// An Unavailable status marked as "the database was lost or cannot take
// writes" (see Store::Ping): its message is meant for the caller (no paths)
// and stays true until an operator acts, unlike a busy retry.
absl::Status StorageLostError(std::string_view message);
bool IsStorageLost(const absl::Status& status);

// The Aborted answer to a write under a chunk claim that is no longer
// current (another worker took the chunk over, or finished it): the
// attempt-number fence. Marked, so that a worker can count it apart from a
// claim voided by a stopped batch.
absl::Status StaleClaimError();
bool IsStaleClaim(const absl::Status& status);

}  // namespace phonebulk::store

#endif  // PHONEBULK_STORE_ERRORS_H_
