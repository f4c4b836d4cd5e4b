#ifndef PHONEBULK_STORE_PORTING_STORE_H_
#define PHONEBULK_STORE_PORTING_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "store/records.h"

namespace phonebulk::store {

// The porting role: facts from the operator's number-portability file
// (`phonebulk porting import`), imported in streamed batches and looked up
// by number. batch::PortingFileSource answers from it like a live source.
// Every method is one transaction, safe to call from many threads and from
// many processes sharing the same database; error codes as in
// store/errors.h.
// Streams the rows of one porting import into the store without holding the
// whole file in memory (see PortingStore::BeginPortingImport). Rows are
// buffered and written in transactions of kPortingImportBatchRows, each with
// one reused prepared statement. Not thread-safe: one thread feeds one
// importer; any number of importers and readers may run at once.
class PortingImporter {
 public:
  // Abandons an import that Finish() did not complete: rows not yet written
  // are dropped and a replace import's staged table is deleted, so the
  // porting table keeps what it had (a merge keeps the transactions it has
  // already committed).
  virtual ~PortingImporter() = default;

  // Adds one row. A later row for the same number replaces an earlier one.
  // InvalidArgument (nothing added, the importer stays usable) when
  // `record.number` is not 1-15 digits; a storage error (Unavailable,
  // Internal) ends the import: every later call returns it.
  virtual absl::Status Add(const PortingRecord& record) = 0;

  // Writes the remaining rows and, for a replace import, swaps the staged
  // table in (one transaction: readers see the old table or the new one,
  // never a mix). Returns the number of rows added. Call once.
  virtual absl::StatusOr<int64_t> Finish() = 0;
};

// Rows per write transaction of a porting import: large enough that commits
// cost little, small enough that other writers wait at most a fraction of a
// second for the lock.
inline constexpr int kPortingImportBatchRows = 50'000;

class PortingStore {
 public:
  virtual ~PortingStore() = default;

  // Starts an import of porting rows. With `replace`, the rows go to a
  // staging table and Finish() swaps it for the current table, so the porting
  // table afterwards holds exactly the imported rows (merges committed while
  // the replace ran are discarded with the old table; of two replace imports
  // running at once the last to finish wins and the other fails). Without
  // it (merge), each row is inserted or overwrites the stored row for its
  // number, committed batch by batch, and other numbers keep their rows.
  // The importer must not outlive the store. FailedPrecondition when the
  // database is not migrated.
  virtual absl::StatusOr<std::unique_ptr<PortingImporter>> BeginPortingImport(
      bool replace) = 0;

  // The stored porting facts of each of `numbers` (E.164 digits): result[i]
  // answers numbers[i], nullopt when the table has no row for it (including
  // numbers that are not digits). One indexed query per few hundred numbers,
  // all in one read snapshot.
  virtual absl::StatusOr<std::vector<std::optional<PortingRecord>>>
  LookupPorting(std::span<const std::string> numbers) = 0;
};

}  // namespace phonebulk::store

#endif  // PHONEBULK_STORE_PORTING_STORE_H_
