#ifndef PHONEBULK_STORE_RECORDS_H_
#define PHONEBULK_STORE_RECORDS_H_

// The rows the store keeps. Plain data: no behaviour, no SQL, no JSON. The
// batch domain builds and interprets them; the store only persists them and
// performs the few atomic transitions listed in store.h.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace phonebulk::store {

// Products a token may be scoped to (bit flags).
enum Product : uint32_t {
  kProductPhoneBulk = 1u << 0,      // "phone-bulk"
  kProductPhoneValidate = 1u << 1,  // "phone-validate"
};

struct Account {
  int64_t id = 0;
  std::string name;
  int64_t credits = 0;  // spendable balance; reservations are already taken
  int rate_limit_per_minute = 150;
  absl::Time created;
};

struct Token {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string account_name;  // filled on reads
  std::string hash_hex;  // SHA-256 of the token; the token itself is never kept
  std::string
      display_prefix;  // first characters of the token, for `token list`
  uint32_t products = kProductPhoneBulk | kProductPhoneValidate;
  bool disabled = false;
  std::vector<std::string> allow_ips;      // CIDRs; empty = any
  std::vector<std::string> allow_domains;  // empty = any
  absl::Time created;
};

enum class BatchStatus { kSubmitted, kProcessing, kCompleted, kStopped };
// kProcessingFailed: a chunk could not be processed for a reason that will
// not change (Store::FailChunkBatch).
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

struct StoreStats {
  int64_t batches_submitted = 0;
  int64_t batches_processing = 0;
  int64_t batches_completed = 0;
  int64_t batches_stopped = 0;
  int64_t chunks_pending =
      0;  // queue depth: chunks of processing batches not done
};

// One request counted against an account's per-minute limit by a store that
// shares the count between nodes (Store::CountRequest).
struct RateCount {
  bool admitted = false;  // counted; false when the minute's limit was used up
  int used = 0;           // requests counted in the minute, this one included
};

// A create that carried an Idempotency-Key: the key (per account), a hash
// of the request that first used it and the batch that request created.
struct IdempotencyRecord {
  int64_t account_id = 0;
  std::string key;
  std::string request_hash;  // opaque to the store
  std::string batch_id;
  absl::Time created;
};

// One number's porting facts, from an imported portability file (see
// Store::BeginPortingImport). Empty strings mean "the file did not say".
struct PortingRecord {
  std::string number;         // E.164 digits, no '+'
  std::string operator_name;  // the current operator
  std::string mccmnc;         // the current network, "23415"
  std::optional<absl::Time> ported_date;

  friend bool operator==(const PortingRecord&, const PortingRecord&) = default;
};

}  // namespace phonebulk::store

#endif  // PHONEBULK_STORE_RECORDS_H_
