#ifndef PHONEBULK_BATCH_SERVICE_H_
#define PHONEBULK_BATCH_SERVICE_H_

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "batch/config.h"
#include "batch/create_request.h"
#include "common/clock.h"
#include "model/batch.h"
#include "phone/enricher.h"
#include "phone/types.h"
#include "store/batch_store.h"

namespace phonebulk::batch {

// A batch as the API shows it: the stored row with its config parsed.
struct BatchView {
  model::Batch batch;
  BatchConfig config;
  // Only for a batch stopped with reason processing_failed: its stored
  // config does not parse, `config` holds the defaults, and views show no
  // batch_config.
  bool config_unreadable = false;
};

// One phone of a results answer: its input, and its result when processed.
struct PhoneView {
  std::string number;
  std::optional<phone::PhoneResult> result;  // nullopt: unprocessed
};

struct BatchResults {
  BatchView view;
  // Empty while submitted or processing; one entry per phone otherwise.
  std::vector<PhoneView> phones;
  // Count per confidence, indexed by phone::Confidence; always over the
  // whole batch, even when `phones` is a page of it.
  std::array<int64_t, phone::kConfidenceCount> statistics{};
  // Phones in the whole batch as the answer counts them: 0 while submitted
  // or processing (the answer lists none yet), records otherwise.
  int64_t total_phones = 0;
};

// A slice of a results answer: phones [offset, offset + limit).
struct ResultsPage {
  int64_t offset = 0;
  std::optional<int64_t> limit;  // nullopt: to the end
};

// An Idempotency-Key sent with a create, and a hash of the request body
// that came with it (the caller hashes the bytes it received).
struct IdempotencyKey {
  std::string key;
  std::string request_hash;
};

// How long a key answers with its first batch (the IETF
// Idempotency-Key draft leaves it to the server; 24 hours).
inline constexpr absl::Duration kIdempotencyWindow = absl::Hours(24);

// What a create with a key gave: the batch as first created, and whether
// this call only replayed an earlier one (nothing stored, nothing charged).
struct CreateOutcome {
  BatchView view;
  bool replayed = false;
};

// True for the error of CreateIdempotent when the key was used with
// another request.
bool IsIdempotencyKeyReused(const absl::Status& status);

struct ServiceOptions {
  int chunk_size = 250;
  absl::Duration retention = absl::Hours(24 * 28);
};

// The Bulk Phone v1 use cases, independent of HTTP and SQL. Every method
// takes the caller's account: a batch of another account is NotFound.
// Errors: NotFound (no such batch), FailedPrecondition (a transition that
// does not fit, or a batch past retention), ResourceExhausted (not enough
// credits), and the store's own codes. Thread-safe (holds no mutable state).
class BatchService {
 public:
  // `batches`, `clock` and `enricher` (may be null: no extensions) must
  // outlive the service.
  BatchService(store::BatchStore& batches, const Clock& clock,
               ServiceOptions options,
               const phone::Enricher* enricher = nullptr);

  absl::StatusOr<BatchView> Create(int64_t account_id,
                                   CreateBatchRequest request);
  // Create with an Idempotency-Key: the first call with `key` stores the
  // batch and the key in one transaction; a later one within
  // kIdempotencyWindow with the same request hash stores nothing and
  // answers the first batch as the first call did (status submitted, even
  // if it has moved on since). The same key with another hash is
  // InvalidArgument with a kKeyReused payload (the API's 422).
  absl::StatusOr<CreateOutcome> CreateIdempotent(int64_t account_id,
                                                 CreateBatchRequest request,
                                                 const IdempotencyKey& key);
  absl::StatusOr<BatchView> Get(int64_t account_id, std::string_view batch_id);
  absl::StatusOr<std::vector<BatchView>> List(int64_t account_id);
  // Reserves the batch's worst-case charge and starts it.
  absl::StatusOr<BatchView> Start(int64_t account_id,
                                  std::string_view batch_id);
  // Stops it; what is processed stays, the rest is never charged.
  absl::StatusOr<BatchView> Stop(int64_t account_id, std::string_view batch_id);
  // `extensions` (include=location,time_zones) are worked out now, from the
  // stored numbers, so processing never pays for what nobody asked.
  // `page` limits `phones` to a slice (an offset past the end gives none);
  // statistics still cover the whole batch: they were counted as each chunk
  // committed, so only the slice is read, decoded and extended.
  absl::StatusOr<BatchResults> Results(int64_t account_id,
                                       std::string_view batch_id,
                                       const phone::Extensions& extensions = {},
                                       const ResultsPage& page = {});

  const ServiceOptions& options() const { return options_; }

 private:
  // Loads the batch and refuses it when past retention.
  absl::StatusOr<BatchView> Load(int64_t account_id, std::string_view batch_id);
  absl::StatusOr<BatchView> ToView(model::Batch batch) const;
  // The batch's statistics as counted at commit, plus its unprocessed
  // phones; for a batch committed before counts were kept, counted from its
  // stored results.
  absl::Status ReadStatistics(
      const model::Batch& batch,
      std::array<int64_t, phone::kConfidenceCount>& statistics);
  model::Batch NewBatch(int64_t account_id, CreateBatchRequest& request) const;

  store::BatchStore& batches_;
  const Clock& clock_;
  const ServiceOptions options_;
  const phone::Enricher* enricher_;
};

}  // namespace phonebulk::batch

#endif  // PHONEBULK_BATCH_SERVICE_H_
