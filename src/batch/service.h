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
#include "phone/enricher.h"
#include "phone/types.h"
#include "store/store.h"

namespace phonebulk::batch {

// A batch as the API shows it: the stored row with its config parsed.
struct BatchView {
  store::Batch batch;
  BatchConfig config;
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
  // Count per confidence, indexed by phone::Confidence.
  std::array<int64_t, phone::kConfidenceCount> statistics{};
};

struct ServiceOptions {
  int chunk_size = 250;
  absl::Duration retention = absl::Hours(24 * 28);
};

// The Bulk Phone v1 use cases, independent of HTTP and SQL. Every method
// takes the caller's account: a batch of another account is NotFound.
// Errors: NotFound (no such batch), FailedPrecondition (a transition that
// does not fit, or a batch past retention), PermissionDenied (not enough
// credits), and the store's own codes. Thread-safe (holds no mutable state).
class BatchService {
 public:
  // `store`, `clock` and `enricher` (may be null: no extensions) must
  // outlive the service.
  BatchService(store::Store& store, const Clock& clock, ServiceOptions options,
               const phone::Enricher* enricher = nullptr);

  absl::StatusOr<BatchView> Create(int64_t account_id,
                                   CreateBatchRequest request);
  absl::StatusOr<BatchView> Get(int64_t account_id, std::string_view batch_id);
  absl::StatusOr<std::vector<BatchView>> List(int64_t account_id);
  // Reserves the batch's worst-case charge and starts it.
  absl::StatusOr<BatchView> Start(int64_t account_id,
                                  std::string_view batch_id);
  // Stops it; what is processed stays, the rest is never charged.
  absl::StatusOr<BatchView> Stop(int64_t account_id, std::string_view batch_id);
  // `extensions` (include=location,time_zones) are worked out now, from the
  // stored numbers, so processing never pays for what nobody asked.
  absl::StatusOr<BatchResults> Results(int64_t account_id,
                                       std::string_view batch_id,
                                       const phone::Extensions& extensions = {});

  const ServiceOptions& options() const { return options_; }

 private:
  // Loads the batch and refuses it when past retention.
  absl::StatusOr<BatchView> Load(int64_t account_id, std::string_view batch_id);
  absl::StatusOr<BatchView> ToView(store::Batch batch) const;

  store::Store& store_;
  const Clock& clock_;
  const ServiceOptions options_;
  const phone::Enricher* enricher_;
};

}  // namespace phonebulk::batch

#endif  // PHONEBULK_BATCH_SERVICE_H_
