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
#include "model/batch.h"

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

// The batch vocabulary is the model's (model/batch.h); the store's code and
// its callers of old spell it unqualified inside phonebulk::store.
using model::Batch;
using model::BatchStatus;
using model::BatchStatusName;
using model::ChunkClaim;
using model::CountStatistics;
using model::IdempotencyRecord;
using model::kMaxStatisticsBucket;
using model::ParseBatchStatus;
using model::ParseStopReason;
using model::PhoneInput;
using model::PhoneRecord;
using model::ProcessedPhone;
using model::StatisticsCounts;
using model::StopReason;
using model::StopReasonName;

struct StoreStats {
  int64_t batches_submitted = 0;
  int64_t batches_processing = 0;
  int64_t batches_completed = 0;
  int64_t batches_stopped = 0;
  int64_t chunks_pending =
      0;  // queue depth: chunks of processing batches not done
};

// One request counted against an account's per-minute limit by a store that
// shares the count between nodes (AccountStore::CountRequest).
struct RateCount {
  bool admitted = false;  // counted; false when the minute's limit was used up
  int used = 0;           // requests counted in the minute, this one included
};

// One number's porting facts, from an imported portability file (see
// PortingStore::BeginPortingImport). Empty strings mean "the file did not say".
struct PortingRecord {
  std::string number;         // E.164 digits, no '+'
  std::string operator_name;  // the current operator
  std::string mccmnc;         // the current network, "23415"
  std::optional<absl::Time> ported_date;

  friend bool operator==(const PortingRecord&, const PortingRecord&) = default;
};

}  // namespace phonebulk::store

#endif  // PHONEBULK_STORE_RECORDS_H_
