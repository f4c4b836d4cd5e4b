#ifndef PHONEBULK_STORE_BACKEND_SHARED_H_
#define PHONEBULK_STORE_BACKEND_SHARED_H_

// What the SQLite and PostgreSQL stores share beyond their SQL: checks of
// arguments and stored rows, the errors and messages store.h promises, and
// the bookkeeping around a few queries. One copy keeps the two backends'
// answers identical, which the backend-neutral store suites rely on.
// Internal to store/sqlite and store/postgres.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "store/copy_rows.h"
#include "store/porting_store.h"
#include "store/records.h"
#include "store/webhook_store.h"

namespace phonebulk::store {

// ---- Accounts ----

// Newlines separate stored list items, so an item must not contain one.
absl::Status CheckListItems(const std::vector<std::string>& items,
                            const char* what);

// The balance after adding `delta` to `credits` (AddCredits): OutOfRange
// when it would overflow, FailedPrecondition when it would be negative.
absl::StatusOr<int64_t> AddToBalance(int64_t credits, int64_t delta);

// ResourceExhausted for a ChargeCredits of `amount` the balance cannot pay.
absl::Status ChargeExceedsBalanceError(int64_t balance, int64_t amount);

// ---- Webhooks ----

// The webhooks columns both backends read, in Webhook's member order.
inline constexpr char kWebhookColumns[] =
    "id, account_id, url, secret, created_us";

// The stored state a delivery's outcome leaves it in: "delivered",
// "failed", or "pending" (a retry).
const char* DeliveryStateName(DeliveryOutcome outcome);

// ---- Batches ----

// The argument checks of CreateBatch (InvalidArgument).
absl::Status CheckNewBatch(const Batch& batch, int chunk_size);

// The argument checks of CreateBatchIdempotent: CheckNewBatch's, a key, and
// a record that describes the batch (InvalidArgument).
absl::Status CheckNewIdempotentBatch(const Batch& batch, int chunk_size,
                                     const IdempotencyRecord& record);

// FailedPrecondition naming the status that forbids the transition.
absl::Status NotSubmittedOrProcessing(const Batch& batch);

// ResourceExhausted for a StartBatch whose reservation the balance cannot
// cover.
absl::Status ReserveExceedsBalanceError(int64_t reserve, int64_t balance);

// `batch` as EndBatch leaves it.
Batch EndedBatch(const Batch& batch, BatchStatus status, StopReason reason,
                 absl::Time now);

// Adds one row of "status, COUNT(*) ... GROUP BY status" to `out`; a status
// this build does not know counts as stopped.
void CountBatchStatus(std::string_view status, int64_t count, StoreStats& out);

// Puts one batch_statistics row into the dense per-bucket vector of
// GetStatistics; buckets outside [0, kMaxStatisticsBucket] are skipped.
void SetStatisticsBucket(int64_t bucket, int64_t count,
                         std::vector<int64_t>& out);

// ---- Work queue ----

// Every phone of the chunk [first, first + count) exactly once, as
// CommitChunk demands: anything else would leave a hole in the results or
// count a phone twice. InvalidArgument otherwise.
absl::Status CheckCoversChunk(std::span<const ProcessedPhone> results,
                              int first, int count);

// ---- Porting ----

// What the porting table keys on: 1 to 15 ASCII digits.
bool IsE164Digits(std::string_view number);

// The numbers of one LookupPorting call: each distinct valid number is asked
// once, and its answer goes to every position that holds it.
class PortingLookupPlan {
 public:
  // `numbers` must outlive the plan.
  explicit PortingLookupPlan(std::span<const std::string> numbers);

  // The distinct valid numbers, in order of first appearance.
  const std::vector<std::string_view>& distinct() const { return distinct_; }

  // Puts `record` at every position of its number in `out`, which has one
  // entry per requested number. A record for a number never asked is ignored.
  void Place(const PortingRecord& record,
             std::vector<std::optional<PortingRecord>>& out) const;

 private:
  std::unordered_map<std::string_view, std::vector<size_t>> positions_;
  std::vector<std::string_view> distinct_;
};

// What both stores' porting importers do around their SQL: rows are
// checked and buffered, written by the backend's Flush() every
// kPortingImportBatchRows rows and at Finish(), and a replace import ends
// with the backend's Swap(). The first storage error ends the import.
class BufferedPortingImporter : public PortingImporter {
 public:
  absl::Status Add(const PortingRecord& record) final;
  absl::StatusOr<int64_t> Finish() final;

 protected:
  explicit BufferedPortingImporter(bool replace);

  // Writes the rows of pending() and clears it.
  virtual absl::Status Flush() = 0;
  // Replaces the porting table by the staging table (replace imports).
  virtual absl::Status Swap() = 0;

  bool replace() const { return replace_; }
  bool finished() const { return finished_; }
  // At most kPortingImportBatchRows rows, in the order added.
  std::vector<PortingRecord>& pending() { return pending_; }

 private:
  const bool replace_;
  std::vector<PortingRecord> pending_;
  int64_t added_ = 0;
  absl::Status status_;  // the first storage error; ends the import
  bool finished_ = false;
};

// ---- Copy ----

// "a, b, c". Debian's absl::string_view is not std::string_view, so names
// are joined here rather than with absl::StrJoin.
std::string JoinNames(std::span<const std::string_view> names);

// The column names of `table`, joined as for a SELECT or INSERT list.
std::string ColumnList(const CopyTable& table);

}  // namespace phonebulk::store

#endif  // PHONEBULK_STORE_BACKEND_SHARED_H_
