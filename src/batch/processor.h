#ifndef PHONEBULK_BATCH_PROCESSOR_H_
#define PHONEBULK_BATCH_PROCESSOR_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "batch/pipeline.h"
#include "common/clock.h"
#include "model/batch.h"
#include "store/store.h"

namespace phonebulk::batch {

struct ProcessorOptions {
  int workers = 2;
  // How long a claim is ours. A worker that dies (kill -9) loses its chunks
  // to other workers after this long.
  absl::Duration lease = absl::Seconds(30);
  // How often an idle worker looks for work when nobody wakes it.
  absl::Duration idle_poll = absl::Milliseconds(200);
  // Sleep per chunk before committing: only for tests and demos that need a
  // batch to stay in `processing` long enough to observe or interrupt.
  absl::Duration chunk_delay = absl::ZeroDuration();
  // Maintenance: deadlines are checked this often; retention purges run
  // every purge_interval and delete batches older than `retention`.
  absl::Duration deadline_check = absl::Seconds(1);
  absl::Duration purge_interval = absl::Hours(1);
  // How often the storage's health (Store::Ping) is checked and, when bad,
  // logged at error level.
  absl::Duration storage_check = absl::Seconds(2);
  absl::Duration retention = absl::Hours(24 * 28);
  // A chunk that cannot be processed for a reason that will not change (see
  // PoisonCause) is handed back this many times less one, then its batch is
  // stopped with reason processing_failed. More than one attempt, so that a
  // worker whose read went wrong once does not fail a batch on its own.
  int64_t poison_attempts = 3;
};

// Why a chunk could not be processed however often it is tried. Fixed
// values: they are metric labels.
enum class PoisonCause {
  kUnreadableConfig,  // the batch's stored config does not parse
  kCorruptChunk,      // the chunk's phone rows are not all there
};
inline constexpr int kPoisonCauses = 2;
// "unreadable_config", "corrupt_chunk".
const char* PoisonCauseName(PoisonCause cause);

// Counters the processor exposes for /metrics. Thread-safe.
struct ProcessorCounters {
  std::atomic<int64_t> numbers_processed{0};
  std::atomic<int64_t> chunks_committed{0};
  std::atomic<int64_t> chunks_refused{0};  // stale claims or stopped batches
  // Of those, the claims another worker had taken over (store::IsStaleClaim):
  // refused when renewing the lease before the commit, or at the commit.
  std::atomic<int64_t> stale_refused_at_renewal{0};
  std::atomic<int64_t> stale_refused_at_commit{0};
  // Batches this process stopped with reason processing_failed, by
  // PoisonCause.
  std::array<std::atomic<int64_t>, kPoisonCauses> batches_failed{};
};

// A pool of worker threads that claim chunks from the store, validate their
// phones and commit each chunk's results, progress and charge in one store
// transaction; plus one maintenance thread for deadlines and retention.
// Several processes may run processors against one database: the store's
// leases keep them from processing a chunk twice.
//
// Thread-safe. Start() once; Stop() joins every thread and hands back claims
// still held.
class Processor {
 public:
  // `store`, the engine's parts and `clock` must outlive the processor.
  Processor(store::Store& store, Engine engine, const Clock& clock,
            ProcessorOptions options);
  ~Processor();

  void Start();
  // Finishes the chunk each worker is on (or hands it back), then joins.
  void Stop();
  // Wakes idle workers: a batch was just started.
  void Notify();

  const ProcessorCounters& counters() const { return counters_; }

  // Processes at most one chunk on the calling thread. Returns true when a
  // chunk was claimed (committed or refused). For tests and benchmarks.
  bool RunOnce();

 private:
  // Renews the claim's lease when half of it is used. False when the claim
  // was lost (taken over or the chunk finished elsewhere): drop the work.
  bool KeepLease(model::ChunkClaim& claim);
  // A claimed chunk that cannot be processed: handed back while it has
  // attempts left, else its batch is failed (logged at error level, counted
  // in batches_failed).
  void OnPoisonChunk(const model::ChunkClaim& claim, PoisonCause cause,
                     std::string_view detail);
  void WorkerLoop();
  void MaintenanceLoop();
  // Store::Ping(), logging when it fails (maintenance thread only).
  void CheckStorage();
  // Waits up to `d` or until Notify()/Stop().
  void IdleWait(absl::Duration d);

  store::Store& store_;
  const Engine engine_;
  const Clock& clock_;
  const ProcessorOptions options_;
  ProcessorCounters counters_;

  std::atomic<bool> stopping_{false};
  // The last storage check's outcome (maintenance thread).
  std::atomic<bool> storage_healthy_{true};
  absl::Time next_storage_error_log_;  // maintenance thread only
  absl::Mutex mu_;
  absl::CondVar wake_;  // signalled with mu_ held by Notify()
  int64_t wake_generation_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::thread> threads_;
};

}  // namespace phonebulk::batch

#endif  // PHONEBULK_BATCH_PROCESSOR_H_
