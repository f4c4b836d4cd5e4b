#include "batch/status.h"

#include <string>

namespace phonebulk::batch {

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
