#ifndef PHONEBULK_MODEL_BATCH_H_
#define PHONEBULK_MODEL_BATCH_H_

// The batch vocabulary the batch service and the store share: a batch, its
// phones, a claimed chunk and its processed results. Plain data: no
// behaviour, no SQL, no JSON. The batch layer builds and interprets these;
// the store only persists them and performs the atomic transitions its role
// interfaces list (store/batch_store.h, store/work_queue.h). A leaf: it
// depends only on common/.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace phonebulk::model {

enum class BatchStatus { kSubmitted, kProcessing, kCompleted, kStopped };
// kProcessingFailed: a chunk could not be processed for a reason that will
// not change (store::WorkQueue::FailChunkBatch).
enum class StopReason {
  kNone,
  kMaxProcessingTime,
  kStoppedByRequest,
  kProcessingFailed,
};

// The one spelling of each status and reason: on the wire and in storage
// ("submitted" ... "stopped"; "" for no reason, "max_processing_time_reached",
// "stopped_by_request", "processing_failed"). The Parse functions are their
// inverses: nullopt for anything else.
std::string_view BatchStatusName(BatchStatus status);
std::string_view StopReasonName(StopReason reason);
std::optional<BatchStatus> ParseBatchStatus(std::string_view name);
std::optional<StopReason> ParseStopReason(std::string_view name);

// The webhook event a batch's end raises: "batch.completed", "batch.failed"
// (stopped with reason processing_failed) or "batch.stopped" (any other
// stop). "" for a batch that has not ended.
std::string_view BatchEndEventType(BatchStatus status, StopReason reason);

struct Batch {
  std::string id;  // UUIDv4
  int64_t account_id = 0;
  std::string reference_id;  // batch_reference_id; empty when not given
  std::string config_json;   // opaque to the store (see batch/config.h)
  BatchStatus status = BatchStatus::kSubmitted;
  StopReason reason = StopReason::kNone;
  int records = 0;
  int records_processed = 0;
  absl::Time date_submitted;
  std::optional<absl::Time> date_started;
  std::optional<absl::Time> date_ended;
  // Set at start from max_processing_time; the store stops the batch past it.
  std::optional<absl::Time> deadline;
  int64_t credits_reserved = 0;  // taken from the balance at start
  int64_t credits_charged = 0;   // sum of committed chunk charges
  bool purged = false;           // phones deleted by retention
};

// One submitted phone as stored at creation.
struct PhoneInput {
  std::string number;
  std::string country_iso;  // per-phone override; empty when not given
};

// A phone with its result, if processed. `result_blob` is opaque to the
// store (see batch/result_codec.h).
struct PhoneRecord {
  int index = 0;
  PhoneInput input;
  std::optional<std::string> result_blob;
};

// A chunk handed to one worker. The (batch_id, chunk_index, attempt) triple
// identifies the claim: a commit with a stale attempt is refused.
struct ChunkClaim {
  std::string batch_id;
  int chunk_index = 0;
  int64_t attempt = 0;
  absl::Time lease_until;
  int64_t account_id = 0;
  std::string config_json;
  // The batch's max_processing_time deadline, if any: work on the chunk
  // (live lookups) should not run past it.
  std::optional<absl::Time> deadline;
  int first_index = 0;  // index of phones.front() within the batch
  std::vector<PhoneInput> phones;
  // Non-empty when the stored chunk is corrupt (its phone rows are not all
  // there); `phones` is empty then. Such a claim is still a claim: the
  // processor fails the batch after a few attempts rather than loop on it.
  std::string defect;
};

// The result of one phone of a claimed chunk, ready to persist.
struct ProcessedPhone {
  int index = 0;  // within the batch
  std::string result_blob;
  // A small number (0 to kMaxStatisticsBucket) the store counts per batch in
  // the transaction that commits the chunk. The batch layer puts the
  // result's confidence here, so a batch's statistics are read, never
  // worked out again by decoding every stored result.
  int statistics_bucket = 0;
};
inline constexpr int kMaxStatisticsBucket = 63;
using StatisticsCounts = std::array<int64_t, kMaxStatisticsBucket + 1>;
// Counts a chunk's results by bucket; InvalidArgument for a bucket out of
// range (the whole commit is refused: a count cannot be dropped).
absl::StatusOr<StatisticsCounts> CountStatistics(
    std::span<const ProcessedPhone> results);

// A create that carried an Idempotency-Key: the key (per account), a hash
// of the request that first used it and the batch that request created.
struct IdempotencyRecord {
  int64_t account_id = 0;
  std::string key;
  std::string request_hash;  // opaque to the store
  std::string batch_id;
  absl::Time created;
};

}  // namespace phonebulk::model

#endif  // PHONEBULK_MODEL_BATCH_H_
