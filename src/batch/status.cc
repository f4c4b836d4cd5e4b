#include "batch/status.h"

#include <string>

namespace phonebulk::batch {

std::string_view BatchStatusName(BatchStatus status) {
  switch (status) {
    case BatchStatus::kSubmitted:
      return "submitted";
    case BatchStatus::kProcessing:
      return "processing";
    case BatchStatus::kCompleted:
      return "completed";
    case BatchStatus::kStopped:
      return "stopped";
  }
  return "unknown";
}

std::string_view StopReasonName(StopReason reason) {
  switch (reason) {
    case StopReason::kNone:
      return "";
    case StopReason::kMaxProcessingTime:
      return "max_processing_time_reached";
    case StopReason::kStoppedByRequest:
      return "stopped_by_request";
    case StopReason::kProcessingFailed:
      return "processing_failed";
  }
  return "";
}

absl::Status CheckCanStart(BatchStatus status) {
  if (status == BatchStatus::kSubmitted) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "the batch is " + std::string(BatchStatusName(status)) +
      "; only a submitted batch can be started");
}

absl::Status CheckCanStop(BatchStatus status) {
  if (status == BatchStatus::kSubmitted || status == BatchStatus::kProcessing) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      "the batch is already " + std::string(BatchStatusName(status)) +
      "; only a submitted or processing batch can be stopped");
}

}  // namespace phonebulk::batch
