#ifndef PHONEBULK_STORE_STORE_COPY_H_
#define PHONEBULK_STORE_STORE_COPY_H_

// `phonebulk store copy`: everything one store holds, moved into another
// (typically a SQLite file into PostgreSQL when one machine is no longer
// enough) so that clients notice nothing: the same batch ids, tokens,
// credits, results and porting facts.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/copy_rows.h"
#include "store/store.h"

namespace phonebulk::store {

struct CopyOptions {
  // Also copy the real-time answer cache. Off by default: it is only a
  // cache (answers are recomputed on a miss) and may be large.
  bool include_cache = false;
  // Told how far the copy of `table` got: every few thousand rows with
  // done = false, and once with done = true and the table's total.
  std::function<void(std::string_view table, int64_t rows, bool done)>
      progress;
};

struct CopySummary {
  // Rows copied per table, in copy order (tables skipped are not listed).
  std::vector<std::pair<std::string, int64_t>> rows;
  // Batches copied per status name ("submitted", ...).
  std::vector<std::pair<std::string, int64_t>> batches_by_status;
  // Chunks that were claimed by a worker of the source; copied as pending
  // (no lease, same attempt number) so the target's workers take them.
  int64_t claims_released = 0;
  // Sum of the accounts' balances copied.
  int64_t credits = 0;
};

// Copies every table of `from` into `to` (both migrated to this build's
// schema; `from` may be opened read-only and may be live: it is read in one
// snapshot). Account, token and batch ids stay as they are, and the
// target's id sequences continue past them. The target is written in one
// transaction: on any error it is left as it was. Not copied: schema
// bookkeeping, the health-probe row and per-minute request counts.
//
// Errors: FailedPrecondition marked IsTargetNotEmpty when `to` holds any
// row in a copied table (nothing is written); FailedPrecondition when a
// copied table has a column this build does not copy, or either schema is
// not this build's; Unimplemented when a backend cannot take its role; else
// the stores' errors.
absl::StatusOr<CopySummary> CopyStore(Store& from, Store& to,
                                      const CopyOptions& options = {});

// True for CopyStore's refusal of a target that already holds data.
bool IsTargetNotEmpty(const absl::Status& status);

// The copied tables in copy order (parents before children), the cache
// last.
std::span<const CopyTable> CopiedTables();

}  // namespace phonebulk::store

#endif  // PHONEBULK_STORE_STORE_COPY_H_
