#ifndef PHONEBULK_STORE_WORK_QUEUE_H_
#define PHONEBULK_STORE_WORK_QUEUE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "store/records.h"

namespace phonebulk::store {

// The work-queue role: chunks of processing batches, claimed by workers on
// any node under a lease, each committed with its results and charge in one
// transaction. A claim is fenced by its attempt number: once another worker
// has taken the chunk over, the old claim can neither commit, extend its
// lease nor fail the batch (StaleClaimError, store/errors.h).
// Every method is one transaction, safe to call from many threads and from
// many processes sharing the same database; error codes as in
// store/errors.h.
class WorkQueue {
 public:
  virtual ~WorkQueue() = default;

  // Claims one chunk of a processing batch that is pending, or claimed with
  // an expired lease, increments its attempt and leases it until now+lease.
  // Oldest started batch first. nullopt when there is no work.
  virtual absl::StatusOr<std::optional<ChunkClaim>> ClaimChunk(
      absl::Time now, absl::Duration lease) = 0;
  // In one transaction: checks the claim is still current (same attempt, not
  // done, batch processing), stores the results, marks the chunk done, adds
  // the phones to records_processed and `charge` to credits_charged, and when
  // the batch has no chunk left marks it completed and settles its
  // reservation. Aborted when the claim is stale; nothing is written then.
  // Returns the batch as it ended when this commit completed it (exactly
  // one commit of a batch does, on any number of nodes), nullopt otherwise.
  virtual absl::StatusOr<std::optional<Batch>> CommitChunk(const ChunkClaim& claim,
                                   std::span<const ProcessedPhone> results,
                                   int64_t charge, absl::Time now) = 0;
  // Pushes the claim's lease to now+lease while the claim is still current
  // (same attempt, not done), so a worker on a slow chunk (live lookups,
  // a loaded machine) is not taken over while it is still working. Aborted
  // when the claim was taken over or finished.
  virtual absl::Status ExtendLease(ChunkClaim& claim, absl::Time now,
                                   absl::Duration lease) = 0;
  // Hands a claim back (graceful shutdown) so another worker takes it now.
  virtual absl::Status ReleaseChunk(const ChunkClaim& claim) = 0;
  // For a chunk that can never be processed (its batch's config does not
  // parse, its rows are corrupt): while `claim` is current, stops its batch
  // with reason kProcessingFailed and settles like StopBatch, so the
  // balance gets back everything not charged by committed chunks. Aborted
  // when the claim is stale or the batch no longer processing.
  virtual absl::StatusOr<Batch> FailChunkBatch(const ChunkClaim& claim,
                                               absl::Time now) = 0;
};

}  // namespace phonebulk::store

#endif  // PHONEBULK_STORE_WORK_QUEUE_H_
