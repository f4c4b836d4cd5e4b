#ifndef PHONEBULK_STORE_BATCH_STORE_H_
#define PHONEBULK_STORE_BATCH_STORE_H_

#include <cstdint>
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

// The batches role: a batch's life from creation (optionally idempotent)
// through start and stop, with its stored phones, results and statistics;
// deadlines and retention. Processing goes through the work queue
// (store/work_queue.h), which ends a batch when its last chunk commits.
// Every method is one transaction, safe to call from many threads and from
// many processes sharing the same database; error codes as in
// store/errors.h.
class BatchStore {
 public:
  virtual ~BatchStore() = default;

  // Stores `batch` (status submitted) and its phones, split into chunks of
  // `chunk_size` phones, in one transaction.
  virtual absl::Status CreateBatch(const Batch& batch,
                                   std::span<const PhoneInput> phones,
                                   int chunk_size) = 0;
  // ---- Idempotent create (the idempotency role) ----

  // In one write transaction: when `record.account_id` holds a record for
  // `record.key` created at or after `not_before`, returns that record and
  // stores nothing; otherwise stores `batch` and its phones exactly as
  // CreateBatch does together with `record` (replacing an expired record of
  // the same key) and returns `record`. The caller tells a replay from a new
  // batch by the returned batch_id. Keys are per account: another account's
  // record with the same key is never seen. InvalidArgument when
  // record.batch_id != batch.id or the key is empty; otherwise CreateBatch's
  // errors.
  virtual absl::StatusOr<IdempotencyRecord> CreateBatchIdempotent(
      const Batch& batch, std::span<const PhoneInput> phones, int chunk_size,
      const IdempotencyRecord& record, absl::Time not_before) = 0;
  // Deletes the idempotency records created before `cutoff` (their batches
  // stay); returns how many. One transaction.
  virtual absl::StatusOr<int> PurgeIdempotencyRecordsBefore(
      absl::Time cutoff) = 0;

  // NotFound when the batch does not exist or belongs to another account.
  virtual absl::StatusOr<Batch> GetBatch(int64_t account_id,
                                         std::string_view batch_id) = 0;
  // The account's batches, newest first.
  virtual absl::StatusOr<std::vector<Batch>> ListBatches(
      int64_t account_id) = 0;

  // submitted -> processing. Takes `reserve` credits from the account's
  // balance (ResourceExhausted when it cannot cover them) and records the
  // deadline. FailedPrecondition when the batch is not submitted.
  virtual absl::StatusOr<Batch> StartBatch(
      int64_t account_id, std::string_view batch_id, absl::Time now,
      int64_t reserve, std::optional<absl::Time> deadline) = 0;
  // submitted|processing -> stopped with `reason`, settling the reservation:
  // the balance gets back credits_reserved - credits_charged. In-flight
  // claims of the batch can no longer commit. FailedPrecondition when the
  // batch is completed or stopped already.
  virtual absl::StatusOr<Batch> StopBatch(int64_t account_id,
                                          std::string_view batch_id,
                                          absl::Time now,
                                          StopReason reason) = 0;
  // Phones in submission order, with result blobs where processed.
  virtual absl::StatusOr<std::vector<PhoneRecord>> GetPhones(
      std::string_view batch_id) = 0;
  // Phones with index in [offset, offset + limit), in submission order: one
  // page of results without reading the rest. NotFound for an unknown batch.
  virtual absl::StatusOr<std::vector<PhoneRecord>> GetPhonePage(
      std::string_view batch_id, int64_t offset, int64_t limit) = 0;
  // The batch's committed phones counted by ProcessedPhone::statistics_bucket
  // (element i is bucket i's count; trailing zero buckets may be left out).
  // Summed by each CommitChunk in its own transaction, so the counts always
  // add up to records_processed, except for batches committed before
  // migration 006 counted them (their counts are empty or short: the caller
  // checks the sum). NotFound for an unknown batch.
  virtual absl::StatusOr<std::vector<int64_t>> GetStatistics(
      std::string_view batch_id) = 0;

  // ---- Deadlines, retention and gauges ----

  // Stops, with reason max_processing_time, every processing batch whose
  // deadline is <= now, settling each. Returns how many were stopped.
  virtual absl::StatusOr<int> StopExpiredBatches(absl::Time now) = 0;
  // Deletes the phones of batches submitted before `cutoff` and marks them
  // purged (the batch row stays so calls can say why it is gone). Returns
  // how many batches were purged.
  virtual absl::StatusOr<int> PurgeBatchesSubmittedBefore(absl::Time cutoff,
                                                          absl::Time now) = 0;

  virtual absl::StatusOr<StoreStats> Stats() = 0;
};

}  // namespace phonebulk::store

#endif  // PHONEBULK_STORE_BATCH_STORE_H_
