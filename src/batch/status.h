#ifndef PHONEBULK_BATCH_STATUS_H_
#define PHONEBULK_BATCH_STATUS_H_

#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "model/batch.h"

namespace phonebulk::batch {

using model::BatchStatus;
using model::StopReason;

// The wire names are the stored ones, spelled once in store/records.h.
using model::BatchStatusName;
using model::StopReasonName;

// The batch state machine:
//   submitted --start--> processing --(all chunks done)--> completed
//   submitted|processing --stop / deadline--> stopped
//   processing --a chunk that cannot be processed (poison)--> stopped
// Each check returns OK when the transition fits, else FailedPrecondition
// with a sentence a client can act on.
absl::Status CheckCanStart(BatchStatus status);
absl::Status CheckCanStop(BatchStatus status);

}  // namespace phonebulk::batch

#endif  // PHONEBULK_BATCH_STATUS_H_
