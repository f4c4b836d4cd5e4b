#include "batch/service.h"

#include <algorithm>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "batch/credits.h"
#include "batch/result_codec.h"
#include "batch/status.h"
#include "common/crypto.h"

namespace phonebulk::batch {

BatchService::BatchService(store::BatchStore& batches, const Clock& clock,
                           ServiceOptions options,
                           const phone::Enricher* enricher)
    : batches_(batches),
      clock_(clock),
      options_(options),
      enricher_(enricher) {}

absl::StatusOr<BatchView> BatchService::ToView(model::Batch batch) const {
  auto config = ParseStoredConfig(batch.config_json);
  if (!config.ok() && batch.reason == model::StopReason::kProcessingFailed) {
    // The processor failed the batch for this very reason; its status and
    // whatever was processed stay readable.
    return BatchView{std::move(batch), BatchConfig{}, true};
  }
  if (!config.ok()) {
    return absl::InternalError("a stored batch configuration is unreadable");
  }
  return BatchView{std::move(batch), *std::move(config)};
}

namespace {
constexpr char kKeyReusedPayload[] = "phonebulk/idempotency-key-reused";
}  // namespace

bool IsIdempotencyKeyReused(const absl::Status& status) {
  return absl::IsInvalidArgument(status) &&
         status.GetPayload(kKeyReusedPayload).has_value();
}

model::Batch BatchService::NewBatch(int64_t account_id,
                                    CreateBatchRequest& request) const {
  model::Batch batch;
  batch.id = NewUuidV4();
  batch.account_id = account_id;
  batch.reference_id = std::move(request.batch_reference_id);
  batch.config_json = SerializeConfig(request.config);
  batch.status = model::BatchStatus::kSubmitted;
  batch.records = static_cast<int>(request.phones.size());
  batch.date_submitted = clock_.Now();
  return batch;
}

absl::StatusOr<CreateOutcome> BatchService::CreateIdempotent(
    int64_t account_id, CreateBatchRequest request, const IdempotencyKey& key) {
  model::Batch batch = NewBatch(account_id, request);
  model::IdempotencyRecord record;
  record.account_id = account_id;
  record.key = key.key;
  record.request_hash = key.request_hash;
  record.batch_id = batch.id;
  record.created = batch.date_submitted;
  auto stored = batches_.CreateBatchIdempotent(
      batch, request.phones, options_.chunk_size, record,
      batch.date_submitted - kIdempotencyWindow);
  if (!stored.ok()) return stored.status();
  if (stored->batch_id == batch.id) {
    return CreateOutcome{BatchView{std::move(batch), std::move(request.config)},
                         false};
  }
  if (stored->request_hash != key.request_hash) {
    absl::Status reused = absl::InvalidArgumentError(
        "header Idempotency-Key: this key was already used with a different "
        "request body in the last 24 hours; send a new key for a new batch");
    reused.SetPayload(kKeyReusedPayload, absl::Cord("1"));
    return reused;
  }
  // The replay answers as the first create did: that batch, as submitted.
  auto first = batches_.GetBatch(account_id, stored->batch_id);
  if (!first.ok()) return first.status();
  auto view = ToView(*std::move(first));
  if (!view.ok()) return view.status();
  view->batch.status = model::BatchStatus::kSubmitted;
  return CreateOutcome{*std::move(view), true};
}

absl::StatusOr<BatchView> BatchService::Create(int64_t account_id,
                                               CreateBatchRequest request) {
  model::Batch batch = NewBatch(account_id, request);
  absl::Status s =
      batches_.CreateBatch(batch, request.phones, options_.chunk_size);
  if (!s.ok()) return s;
  return BatchView{std::move(batch), std::move(request.config)};
}

absl::StatusOr<BatchView> BatchService::Load(int64_t account_id,
                                             std::string_view batch_id) {
  auto batch = batches_.GetBatch(account_id, batch_id);
  if (!batch.ok()) return batch.status();
  if (batch->purged ||
      clock_.Now() - batch->date_submitted >= options_.retention) {
    return absl::FailedPreconditionError(
        "the batch is older than the retention period (28 days by default) "
        "and its phones and results have been deleted");
  }
  return ToView(*std::move(batch));
}

absl::StatusOr<BatchView> BatchService::Get(int64_t account_id,
                                            std::string_view batch_id) {
  return Load(account_id, batch_id);
}

absl::StatusOr<std::vector<BatchView>> BatchService::List(int64_t account_id) {
  auto batches = batches_.ListBatches(account_id);
  if (!batches.ok()) return batches.status();
  std::vector<BatchView> views;
  views.reserve(batches->size());
  absl::Time now = clock_.Now();
  for (model::Batch& b : *batches) {
    // Batches past retention are gone as far as clients are concerned.
    if (b.purged || now - b.date_submitted >= options_.retention) continue;
    auto view = ToView(std::move(b));
    if (!view.ok()) return view.status();
    views.push_back(*std::move(view));
  }
  return views;
}

absl::StatusOr<BatchView> BatchService::Start(int64_t account_id,
                                              std::string_view batch_id) {
  auto view = Load(account_id, batch_id);
  if (!view.ok()) return view.status();
  if (absl::Status s = CheckCanStart(view->batch.status); !s.ok()) return s;

  absl::Time now = clock_.Now();
  std::optional<absl::Time> deadline;
  if (view->config.max_processing_duration) {
    deadline = now + *view->config.max_processing_duration;
  }
  int64_t reserve = WorstCaseCharge(view->config, view->batch.records);
  auto started =
      batches_.StartBatch(account_id, batch_id, now, reserve, deadline);
  if (absl::IsResourceExhausted(started.status())) {
    return NotEnoughCredits("to start this batch", started.status(),
                            " and start it again");
  }
  if (!started.ok()) return started.status();
  return ToView(*std::move(started));
}

absl::StatusOr<BatchView> BatchService::Stop(int64_t account_id,
                                             std::string_view batch_id) {
  auto view = Load(account_id, batch_id);
  if (!view.ok()) return view.status();
  if (absl::Status s = CheckCanStop(view->batch.status); !s.ok()) return s;
  auto stopped = batches_.StopBatch(account_id, batch_id, clock_.Now(),
                                    model::StopReason::kStoppedByRequest);
  if (!stopped.ok()) return stopped.status();
  return ToView(*std::move(stopped));
}

absl::StatusOr<BatchResults> BatchService::Results(
    int64_t account_id, std::string_view batch_id,
    const phone::Extensions& extensions, const ResultsPage& page) {
  auto view = Load(account_id, batch_id);
  if (!view.ok()) return view.status();
  BatchResults results;
  results.view = *std::move(view);
  const model::Batch& batch = results.view.batch;
  if (batch.status == model::BatchStatus::kSubmitted ||
      batch.status == model::BatchStatus::kProcessing) {
    return results;
  }
  const int64_t total = batch.records;
  results.total_phones = total;
  if (absl::Status s = ReadStatistics(batch, results.statistics); !s.ok()) {
    return s;
  }
  const int64_t begin = std::clamp<int64_t>(page.offset, 0, total);
  const int64_t end =
      page.limit ? std::min(total, begin + std::max<int64_t>(*page.limit, 0))
                 : total;
  if (end <= begin) return results;
  auto phones = batches_.GetPhonePage(batch.id, begin, end - begin);
  if (!phones.ok()) return phones.status();
  results.phones.reserve(phones->size());
  for (model::PhoneRecord& record : *phones) {
    std::optional<phone::PhoneResult> result;
    if (record.result_blob.has_value()) {
      auto decoded = DecodeResult(*record.result_blob);
      if (!decoded.ok()) return decoded.status();
      if (extensions.any() && enricher_ != nullptr) {
        enricher_->AddExtensions(&*decoded, extensions);
      }
      result = *std::move(decoded);
    }
    results.phones.push_back(
        PhoneView{std::move(record.input.number), std::move(result)});
  }
  return results;
}

absl::Status BatchService::ReadStatistics(
    const model::Batch& batch,
    std::array<int64_t, phone::kConfidenceCount>& statistics) {
  auto counted = batches_.GetStatistics(batch.id);
  if (!counted.ok()) return counted.status();
  int64_t processed = 0;
  for (size_t bucket = 0; bucket < counted->size(); ++bucket) {
    if (bucket >= statistics.size()) {
      return absl::InternalError(absl::StrCat(
          "batch ", batch.id, " counts results in unknown bucket ", bucket));
    }
    statistics[bucket] = (*counted)[bucket];
    processed += (*counted)[bucket];
  }
  if (processed != batch.records_processed) {
    // Committed before the store counted at commit (migration 006): count
    // from the stored results once more, as every read did then.
    statistics.fill(0);
    auto phones = batches_.GetPhones(batch.id);
    if (!phones.ok()) return phones.status();
    processed = 0;
    for (const model::PhoneRecord& record : *phones) {
      if (!record.result_blob.has_value()) continue;
      auto decoded = DecodeResult(*record.result_blob);
      if (!decoded.ok()) return decoded.status();
      ++statistics[static_cast<int>(decoded->confidence)];
      ++processed;
    }
  }
  statistics[static_cast<int>(phone::Confidence::kUnprocessed)] +=
      batch.records - processed;
  return absl::OkStatus();
}

}  // namespace phonebulk::batch
