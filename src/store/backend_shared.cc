#include "store/backend_shared.h"

#include <algorithm>
#include <iterator>
#include <limits>

#include "absl/strings/str_cat.h"

namespace phonebulk::store {

absl::Status CheckListItems(const std::vector<std::string>& items,
                            const char* what) {
  for (const std::string& item : items) {
    if (item.empty() || item.find('\n') != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " entries must be non-empty single lines"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> AddToBalance(int64_t credits, int64_t delta) {
  // Checked arithmetic: at INT64_MAX a wrapped sum once read as a negative
  // balance ("cannot take -1 credits"), and BIGINT would overflow.
  int64_t balance = 0;
  if (__builtin_add_overflow(credits, delta, &balance)) {
    return absl::OutOfRangeError(absl::StrCat(
        "cannot add ", delta, " credits: the balance is ", credits,
        " and may not exceed ", std::numeric_limits<int64_t>::max()));
  }
  if (balance < 0) {
    // 0 - delta as unsigned: also right for INT64_MIN.
    return absl::FailedPreconditionError(
        absl::StrCat("cannot take ", uint64_t{0} - static_cast<uint64_t>(delta),
                     " credits: the balance is ", credits));
  }
  return balance;
}

absl::Status ChargeExceedsBalanceError(int64_t balance, int64_t amount) {
  return absl::ResourceExhaustedError(
      absl::StrCat("the balance is ", balance, " credits and ", amount,
                   amount == 1 ? " is" : " are", " needed"));
}

absl::Status CheckNewBatch(const Batch& batch, int chunk_size) {
  if (chunk_size < 1) return absl::InvalidArgumentError("chunk_size < 1");
  if (batch.id.empty()) return absl::InvalidArgumentError("empty batch id");
  return absl::OkStatus();
}

absl::Status CheckNewIdempotentBatch(const Batch& batch, int chunk_size,
                                     const IdempotencyRecord& record) {
  if (absl::Status s = CheckNewBatch(batch, chunk_size); !s.ok()) return s;
  if (record.key.empty()) return absl::InvalidArgumentError("empty key");
  if (record.batch_id != batch.id || record.account_id != batch.account_id) {
    return absl::InvalidArgumentError(
        "the idempotency record does not describe the batch");
  }
  return absl::OkStatus();
}

absl::Status NotSubmittedOrProcessing(const Batch& batch) {
  return absl::FailedPreconditionError(absl::StrCat(
      "batch is ", BatchStatusName(batch.status).data()));  // NUL-terminated
}

absl::Status ReserveExceedsBalanceError(int64_t reserve, int64_t balance) {
  return absl::ResourceExhaustedError(absl::StrCat(
      "starting the batch needs ", reserve, " credits, balance is ", balance));
}

Batch EndedBatch(const Batch& batch, BatchStatus status, StopReason reason,
                 absl::Time now) {
  Batch out = batch;
  out.status = status;
  out.reason = reason;
  out.date_ended = now;
  return out;
}

void CountBatchStatus(std::string_view status, int64_t count, StoreStats& out) {
  // StoreStats' counter of each BatchStatus, in the enum's order.
  constexpr int64_t StoreStats::*kCounterOf[] = {
      &StoreStats::batches_submitted, &StoreStats::batches_processing,
      &StoreStats::batches_completed, &StoreStats::batches_stopped};
  static_assert(std::size(kCounterOf) ==
                static_cast<size_t>(BatchStatus::kStopped) + 1);
  const BatchStatus parsed =
      ParseBatchStatus(status).value_or(BatchStatus::kStopped);
  out.*kCounterOf[static_cast<size_t>(parsed)] = count;
}

void SetStatisticsBucket(int64_t bucket, int64_t count,
                         std::vector<int64_t>& out) {
  if (bucket < 0 || bucket > kMaxStatisticsBucket) return;
  if (static_cast<int64_t>(out.size()) <= bucket) out.resize(bucket + 1);
  out[bucket] = count;
}

absl::Status CheckCoversChunk(std::span<const ProcessedPhone> results,
                              int first, int count) {
  if (static_cast<int>(results.size()) != count) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the chunk has ", count, " phones, got ", results.size(), " results"));
  }
  std::vector<bool> seen(count, false);
  for (const ProcessedPhone& r : results) {
    const int offset = r.index - first;
    if (offset < 0 || offset >= count || seen[offset]) {
      return absl::InvalidArgumentError(
          absl::StrCat("result index ", r.index, " is not in the chunk"));
    }
    seen[offset] = true;
  }
  return absl::OkStatus();
}

bool IsE164Digits(std::string_view number) {
  return !number.empty() && number.size() <= 15 &&
         std::all_of(number.begin(), number.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

PortingLookupPlan::PortingLookupPlan(std::span<const std::string> numbers) {
  for (size_t i = 0; i < numbers.size(); ++i) {
    if (!IsE164Digits(numbers[i])) continue;
    auto [it, inserted] = positions_.try_emplace(numbers[i]);
    if (inserted) distinct_.push_back(numbers[i]);
    it->second.push_back(i);
  }
}

void PortingLookupPlan::Place(
    const PortingRecord& record,
    std::vector<std::optional<PortingRecord>>& out) const {
  auto it = positions_.find(record.number);
  if (it == positions_.end()) return;
  for (size_t i : it->second) out[i] = record;
}

BufferedPortingImporter::BufferedPortingImporter(bool replace)
    : replace_(replace) {
  pending_.reserve(kPortingImportBatchRows);
}

absl::Status BufferedPortingImporter::Add(const PortingRecord& record) {
  if (!status_.ok()) return status_;
  if (finished_) {
    return absl::FailedPreconditionError("the import has finished");
  }
  if (!IsE164Digits(record.number)) {
    return absl::InvalidArgumentError("the number is not E.164 digits");
  }
  pending_.push_back(record);
  ++added_;
  if (pending_.size() >= static_cast<size_t>(kPortingImportBatchRows)) {
    status_ = Flush();
  }
  return status_;
}

absl::StatusOr<int64_t> BufferedPortingImporter::Finish() {
  if (!status_.ok()) return status_;
  if (finished_) {
    return absl::FailedPreconditionError("the import has finished");
  }
  status_ = Flush();
  if (status_.ok() && replace_) status_ = Swap();
  if (!status_.ok()) return status_;
  finished_ = true;
  return added_;
}

std::string JoinNames(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

std::string ColumnList(const CopyTable& table) {
  std::vector<std::string_view> names;
  for (const CopyColumn& c : table.columns) names.push_back(c.name);
  return JoinNames(names);
}

const char* DeliveryStateName(DeliveryOutcome outcome) {
  switch (outcome) {
    case DeliveryOutcome::kDelivered:
      return "delivered";
    case DeliveryOutcome::kFailed:
      return "failed";
    case DeliveryOutcome::kRetry:
      break;
  }
  return "pending";
}

}  // namespace phonebulk::store
