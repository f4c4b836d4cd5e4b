#include "model/batch.h"

#include "absl/strings/str_cat.h"
#include "common/name_table.h"

namespace phonebulk::model {

absl::StatusOr<StatisticsCounts> CountStatistics(
    std::span<const ProcessedPhone> results) {
  StatisticsCounts counts{};
  for (const ProcessedPhone& r : results) {
    if (r.statistics_bucket < 0 || r.statistics_bucket > kMaxStatisticsBucket) {
      return absl::InvalidArgumentError(absl::StrCat(
          "statistics bucket ", r.statistics_bucket, " is out of range"));
    }
    ++counts[r.statistics_bucket];
  }
  return counts;
}

namespace {

constexpr auto kBatchStatusNames = MakeNameTable<BatchStatus>({
    {BatchStatus::kSubmitted, "submitted"},
    {BatchStatus::kProcessing, "processing"},
    {BatchStatus::kCompleted, "completed"},
    {BatchStatus::kStopped, "stopped"},
});

constexpr auto kStopReasonNames = MakeNameTable<StopReason>({
    {StopReason::kNone, ""},
    {StopReason::kMaxProcessingTime, "max_processing_time_reached"},
    {StopReason::kStoppedByRequest, "stopped_by_request"},
    {StopReason::kProcessingFailed, "processing_failed"},
});

}  // namespace

std::string_view BatchStatusName(BatchStatus status) {
  return kBatchStatusNames.NameOf(status, "unknown");
}

std::string_view BatchEndEventType(BatchStatus status, StopReason reason) {
  if (status == BatchStatus::kCompleted) return "batch.completed";
  if (status != BatchStatus::kStopped) return "";
  return reason == StopReason::kProcessingFailed ? "batch.failed"
                                                 : "batch.stopped";
}

std::string_view StopReasonName(StopReason reason) {
  return kStopReasonNames.NameOf(reason, "");
}

std::optional<BatchStatus> ParseBatchStatus(std::string_view name) {
  return kBatchStatusNames.ValueOf(name);
}

std::optional<StopReason> ParseStopReason(std::string_view name) {
  return kStopReasonNames.ValueOf(name);
}

}  // namespace phonebulk::model
