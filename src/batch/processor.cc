#include "batch/processor.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>
#include <utility>

#include "batch/config.h"
#include "batch/config_cache.h"
#include "batch/pipeline.h"
#include "batch/result_codec.h"
#include "batch/service.h"
#include "batch/validate_request.h"
#include "common/name_table.h"

namespace phonebulk::batch {

Processor::Processor(store::Store& store, Engine engine, const Clock& clock,
                     ProcessorOptions options)
    : store_(store), engine_(engine), clock_(clock), options_(options) {}

Processor::~Processor() { Stop(); }

namespace {

// The last event of a batch's life in the log (created, started and
// stopped are logged by the API with the request's Reference-Id): counts,
// credits and how long it took from start to end.
void LogCompleted(const model::Batch& batch) {
  const double seconds =
      batch.date_started && batch.date_ended
          ? absl::ToDoubleSeconds(*batch.date_ended - *batch.date_started)
          : 0.0;
  spdlog::info(
      "event=batch_completed batch_id={} account_id={} records={} "
      "records_processed={} credits_reserved={} credits_charged={} "
      "duration_s={:.3f} batch_reference_id=\"{}\"",
      batch.id, batch.account_id, batch.records, batch.records_processed,
      batch.credits_reserved, batch.credits_charged, seconds,
      batch.reference_id);
}

}  // namespace

void Processor::Start() {
  for (int i = 0; i < options_.workers; ++i) {
    threads_.emplace_back([this] { WorkerLoop(); });
  }
  threads_.emplace_back([this] { MaintenanceLoop(); });
}

void Processor::Stop() {
  if (stopping_.exchange(true)) return;
  Notify();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

void Processor::Notify() {
  absl::MutexLock lock(&mu_);
  ++wake_generation_;
  wake_.SignalAll();
}

void Processor::IdleWait(absl::Duration d) {
  const absl::Time until = absl::Now() + d;
  absl::MutexLock lock(&mu_);
  const int64_t seen = wake_generation_;
  while (!stopping_.load() && wake_generation_ == seen) {
    if (wake_.WaitWithDeadline(&mu_, until)) return;  // timed out
  }
}

bool Processor::RunOnce() {
  auto claimed = store_.queue().ClaimChunk(clock_.Now(), options_.lease);
  if (!claimed.ok()) {
    spdlog::warn("event=claim_failed error=\"{}\"",
                 claimed.status().ToString());
    return false;
  }
  if (!claimed->has_value()) return false;
  model::ChunkClaim claim = **std::move(claimed);

  if (!claim.defect.empty()) {
    OnPoisonChunk(claim, PoisonCause::kCorruptChunk, claim.defect);
    return true;
  }
  // Each worker thread parses a batch's config once, not once per chunk.
  thread_local StoredConfigCache configs;
  auto config = configs.Parse(claim.config_json);
  if (!config.ok()) {
    OnPoisonChunk(claim, PoisonCause::kUnreadableConfig,
                  std::string(config.status().message()));
    return true;
  }

  // Live lookups may not outlive half the lease (nor the batch's deadline):
  // the lease is renewed before committing, and a claim is never at risk of
  // being taken over while its worker is still within its lease.
  absl::Time work_deadline = clock_.Now() + options_.lease / 2;
  if (claim.deadline.has_value()) {
    work_deadline = std::min(work_deadline, *claim.deadline);
  }
  std::vector<PhoneOutcome> outcomes =
      ProcessPhones(engine_, claim.phones, **config, work_deadline);
  std::vector<model::ProcessedPhone> processed;
  processed.reserve(outcomes.size());
  int64_t charge = 0;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    charge += outcomes[i].charge;
    processed.push_back({claim.first_index + static_cast<int>(i),
                         EncodeResult(outcomes[i].result),
                         static_cast<int>(outcomes[i].result.confidence)});
  }
  if (options_.chunk_delay > absl::ZeroDuration()) {
    // Slept in steps that keep the lease alive, like a slow source would.
    absl::Time wake = clock_.Now() + options_.chunk_delay;
    while (clock_.Now() < wake && !stopping_.load()) {
      if (!KeepLease(claim)) return true;
      absl::SleepFor(std::min(absl::Milliseconds(50), wake - clock_.Now()));
    }
  }
  if (stopping_.load() && options_.chunk_delay > absl::ZeroDuration()) {
    // Shutting down in a slowed-down run: hand the chunk back rather than
    // finish it, so the next process picks it up at once.
    (void)store_.queue().ReleaseChunk(claim);
    return true;
  }
  if (!KeepLease(claim)) return true;

  absl::StatusOr<std::optional<model::Batch>> ended =
      store_.queue().CommitChunk(claim, processed, charge, clock_.Now());
  const absl::Status s = ended.status();
  if (s.ok()) {
    counters_.numbers_processed += static_cast<int64_t>(processed.size());
    ++counters_.chunks_committed;
    if (ended->has_value()) LogCompleted(**ended);
  } else if (absl::IsAborted(s)) {
    // The batch was stopped or the lease taken over: the work is dropped and
    // nothing was charged.
    ++counters_.chunks_refused;
    if (store::IsStaleClaim(s)) ++counters_.stale_refused_at_commit;
    spdlog::info("event=chunk_refused batch_id={} chunk={} attempt={}",
                 claim.batch_id, claim.chunk_index, claim.attempt);
  } else {
    spdlog::warn("event=commit_failed batch_id={} chunk={} error=\"{}\"",
                 claim.batch_id, claim.chunk_index, s.ToString());
    (void)store_.queue().ReleaseChunk(claim);
  }
  return true;
}

namespace {

constexpr auto kPoisonCauseNames = MakeNameTable<PoisonCause>({
    {PoisonCause::kUnreadableConfig, "unreadable_config"},
    {PoisonCause::kCorruptChunk, "corrupt_chunk"},
});

}  // namespace

const char* PoisonCauseName(PoisonCause cause) {
  // The names are string literals, so data() is NUL-terminated.
  return kPoisonCauseNames.NameOf(cause, "unknown").data();
}

void Processor::OnPoisonChunk(const model::ChunkClaim& claim, PoisonCause cause,
                              std::string_view detail) {
  const char* name = PoisonCauseName(cause);
  if (claim.attempt < options_.poison_attempts) {
    spdlog::warn(
        "event=poison_chunk batch_id={} chunk={} attempt={} cause={} "
        "error=\"{}\"",
        claim.batch_id, claim.chunk_index, claim.attempt, name, detail);
    (void)store_.queue().ReleaseChunk(claim);
    return;
  }
  auto failed = store_.queue().FailChunkBatch(claim, clock_.Now());
  if (failed.ok()) {
    ++counters_.batches_failed[static_cast<int>(cause)];
    spdlog::error(
        "event=batch_failed batch_id={} chunk={} attempts={} cause={} "
        "error=\"{}\" records_processed={} credits_charged={}",
        claim.batch_id, claim.chunk_index, claim.attempt, name, detail,
        failed->records_processed, failed->credits_charged);
  } else if (absl::IsAborted(failed.status())) {
    ++counters_.chunks_refused;  // stopped or taken over meanwhile
  } else {
    // The store is unwell: try again later, like a failed commit.
    spdlog::warn("event=fail_batch_failed batch_id={} error=\"{}\"",
                 claim.batch_id, failed.status().ToString());
    (void)store_.queue().ReleaseChunk(claim);
  }
}

bool Processor::KeepLease(model::ChunkClaim& claim) {
  // Renew once half the lease is used: far enough from expiry that a slow
  // store write still lands in time.
  if (clock_.Now() < claim.lease_until - options_.lease / 2) return true;
  absl::Status s =
      store_.queue().ExtendLease(claim, clock_.Now(), options_.lease);
  if (s.ok()) return true;
  ++counters_.chunks_refused;
  if (store::IsStaleClaim(s)) ++counters_.stale_refused_at_renewal;
  spdlog::info("event=lease_lost batch_id={} chunk={} attempt={} error=\"{}\"",
               claim.batch_id, claim.chunk_index, claim.attempt, s.ToString());
  return false;
}

void Processor::WorkerLoop() {
  while (!stopping_.load()) {
    if (!RunOnce()) IdleWait(options_.idle_poll);
  }
}

void Processor::CheckStorage() {
  absl::Status s = store_.Ping();
  const bool was_healthy = storage_healthy_.exchange(s.ok());
  // Logged when it turns bad, and again every minute while it stays bad,
  // so an operator sees it without the log filling up.
  if (!s.ok() && (was_healthy || clock_.Now() >= next_storage_error_log_)) {
    spdlog::error("event=storage_unhealthy error=\"{}\"",
                  std::string(s.message()));
    next_storage_error_log_ = clock_.Now() + absl::Minutes(1);
  } else if (s.ok() && !was_healthy) {
    spdlog::info("event=storage_healthy");
  }
}

void Processor::MaintenanceLoop() {
  absl::Time next_purge = clock_.Now();
  absl::Time next_storage_check = clock_.Now();
  while (!stopping_.load()) {
    if (clock_.Now() >= next_storage_check) {
      CheckStorage();
      next_storage_check = clock_.Now() + options_.storage_check;
    }
    auto stopped = store_.batches().StopExpiredBatches(clock_.Now());
    if (stopped.ok() && *stopped > 0) {
      spdlog::info("event=deadline_stop batches={}", *stopped);
    }
    if (clock_.Now() >= next_purge) {
      auto purged = store_.batches().PurgeBatchesSubmittedBefore(
          clock_.Now() - options_.retention, clock_.Now());
      if (purged.ok() && *purged > 0) {
        spdlog::info("event=retention_purge batches={}", *purged);
      }
      // No caller may ask for a real-time answer older than this.
      (void)store_.cache().PurgeCachedResultsBefore(
          clock_.Now() - absl::Hours(24) * kMaxCacheValueDays);
      (void)store_.batches().PurgeIdempotencyRecordsBefore(clock_.Now() -
                                                           kIdempotencyWindow);
      next_purge = clock_.Now() + options_.purge_interval;
    }
    const absl::Time until = absl::Now() + options_.deadline_check;
    absl::MutexLock lock(&mu_);
    while (!stopping_.load()) {
      if (wake_.WaitWithDeadline(&mu_, until)) break;  // timed out
    }
  }
}

}  // namespace phonebulk::batch
