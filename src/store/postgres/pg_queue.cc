// The chunk work queue on PostgreSQL: claims that skip rows other nodes hold
// (FOR UPDATE SKIP LOCKED), leases, commits fenced by the attempt number,
// and hand-backs.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "store/backend_shared.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/rows.h"
#include "store/status_macros.h"

namespace phonebulk::store::postgres {
namespace {

// Fills everything but the claim columns from the batch and its phones.
absl::Status LoadClaimedChunk(Connection& conn, int count, ChunkClaim& c) {
  PB_ASSIGN_OR_RETURN(
      Result batch,
      conn.QueryRow("SELECT account_id, config_json, deadline_us FROM batches "
                    "WHERE id = $1",
                    Params().Text(c.batch_id), absl::StatusCode::kInternal,
                    "claimed chunk has no batch"));
  c.account_id = batch.Int64(0, 0);
  c.config_json = batch.Text(0, 1);
  c.deadline = batch.OptionalTime(0, 2);
  PB_ASSIGN_OR_RETURN(
      Result phones,
      conn.Query("SELECT number, country_iso FROM phones WHERE batch_id = $1 "
                 "AND idx >= $2 AND idx < $3 ORDER BY idx",
                 Params()
                     .Text(c.batch_id)
                     .Int(c.first_index)
                     .Int(c.first_index + count)));
  c.phones.clear();
  if (phones.rows() != count) {
    // Still a claim (its attempt counted), so the processor can give up on
    // it; an error here would roll the claim back and block the queue on
    // this chunk for ever.
    c.defect = absl::StrCat("chunk ", c.chunk_index, " has ", phones.rows(),
                            " of its ", count, " phones stored");
    return absl::OkStatus();
  }
  c.phones.reserve(count);
  for (int i = 0; i < count; ++i) {
    c.phones.push_back(PhoneInput{phones.Text(i, 0), phones.Text(i, 1)});
  }
  return absl::OkStatus();
}

// Adds the chunk's results to the batch's per-bucket counts, in the
// caller's transaction (one statement): the counts move with the results or
// not at all.
absl::Status AddStatistics(Connection& conn, std::string_view batch_id,
                           std::span<const ProcessedPhone> results) {
  PB_ASSIGN_OR_RETURN(StatisticsCounts counts, CountStatistics(results));
  std::vector<std::string> buckets;
  std::vector<std::string> adds;
  for (int bucket = 0; bucket < static_cast<int>(counts.size()); ++bucket) {
    if (counts[bucket] == 0) continue;
    buckets.push_back(absl::StrCat(bucket));
    adds.push_back(absl::StrCat(counts[bucket]));
  }
  if (buckets.empty()) return absl::OkStatus();
  return conn
      .Query(
          "INSERT INTO batch_statistics (batch_id, bucket, count) SELECT "
          "$1, s.b, s.n FROM unnest($2::int[], $3::bigint[]) AS s(b, n) "
          "ON CONFLICT (batch_id, bucket) DO UPDATE SET count = "
          "batch_statistics.count + excluded.count",
          Params()
              .Text(batch_id)
              .Text(ArrayLiteral(buckets))
              .Text(ArrayLiteral(adds)))
      .status();
}

}  // namespace

absl::StatusOr<std::optional<ChunkClaim>> PostgresQueue::ClaimChunk(
    absl::Time now, absl::Duration lease) {
  if (lease <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("lease must be positive");
  }
  const absl::Time lease_until = now + lease;
  return pool_->RunReturning([&](Connection& conn)
                                 -> absl::StatusOr<std::optional<ChunkClaim>> {
    // A pending chunk, or a claimed one whose lease expired (its worker died
    // or stalled: the rescue). SKIP LOCKED: a chunk another node is claiming
    // or committing right now is passed over instead of waited for, so N
    // nodes claim N different chunks at once.
    PB_ASSIGN_OR_RETURN(
        Result claim,
        conn.Query(
            "WITH next AS (SELECT c.batch_id, c.chunk_index FROM batches b"
            " JOIN chunks c ON c.batch_id = b.id"
            " WHERE b.status = 'processing' AND c.state <> 'done'"
            " AND (c.state = 'pending' OR c.lease_until_us <= $1)"
            " ORDER BY b.date_started_us, b.id, c.chunk_index LIMIT 1"
            " FOR UPDATE OF c SKIP LOCKED) "
            "UPDATE chunks SET state = 'claimed', attempt = chunks.attempt + "
            "1, lease_until_us = $2 FROM next WHERE chunks.batch_id = "
            "next.batch_id AND chunks.chunk_index = next.chunk_index "
            "RETURNING chunks.batch_id, chunks.chunk_index, chunks.attempt, "
            "chunks.first_index, chunks.count",
            Params().Time(now).Time(lease_until)));
    if (claim.rows() == 0) return std::nullopt;
    ChunkClaim c;
    c.batch_id = claim.Text(0, 0);
    c.chunk_index = static_cast<int>(claim.Int64(0, 1));
    c.attempt = claim.Int64(0, 2);
    c.first_index = static_cast<int>(claim.Int64(0, 3));
    c.lease_until = lease_until;
    PB_RETURN_IF_ERROR(
        LoadClaimedChunk(conn, static_cast<int>(claim.Int64(0, 4)), c));
    return c;
  });
}

absl::StatusOr<std::optional<Batch>> PostgresQueue::CommitChunk(
    const ChunkClaim& claim, std::span<const ProcessedPhone> results,
    int64_t charge, absl::Time now) {
  if (charge < 0) return absl::InvalidArgumentError("negative charge");
  return pool_->RunReturning([&](Connection& conn)
                                 -> absl::StatusOr<std::optional<Batch>> {
    // The batch row first (the store's lock order), then the chunk: commits
    // of one batch run one after the other, so exactly one of them sees no
    // chunk left and completes the batch; a stop or a takeover of this
    // chunk either committed before (and the checks below refuse) or waits.
    PB_ASSIGN_OR_RETURN(
        Result batch,
        conn.Query("SELECT status FROM batches WHERE id = $1 FOR UPDATE",
                   Params().Text(claim.batch_id)));
    PB_ASSIGN_OR_RETURN(
        Result chunk,
        conn.Query("SELECT state, attempt, first_index, count FROM chunks "
                   "WHERE batch_id = $1 AND chunk_index = $2 FOR UPDATE",
                   Params().Text(claim.batch_id).Int(claim.chunk_index)));
    if (batch.rows() == 0 || chunk.rows() == 0) {
      return absl::AbortedError("the chunk no longer exists");
    }
    if (chunk.Text(0, 0) != "claimed" || chunk.Int64(0, 1) != claim.attempt) {
      return StaleClaimError();
    }
    if (batch.Text(0, 0) != "processing") {
      return absl::AbortedError(
          absl::StrCat("batch is ", batch.Text(0, 0), "; the claim is void"));
    }
    const int first = static_cast<int>(chunk.Int64(0, 2));
    const int count = static_cast<int>(chunk.Int64(0, 3));
    PB_RETURN_IF_ERROR(CheckCoversChunk(results, first, count));

    std::vector<std::string> indexes;
    std::vector<std::string_view> blobs;
    indexes.reserve(results.size());
    blobs.reserve(results.size());
    for (const ProcessedPhone& r : results) {
      indexes.push_back(absl::StrCat(r.index));
      blobs.push_back(r.result_blob);
    }
    // One statement for the whole chunk, the results passed as arrays.
    PB_RETURN_IF_ERROR(
        conn.Query("UPDATE phones SET result_blob = r.b FROM unnest($2::int[], "
                   "$3::bytea[]) AS r(i, b) WHERE phones.batch_id = $1 AND "
                   "phones.idx = r.i",
                   Params()
                       .Text(claim.batch_id)
                       .Text(ArrayLiteral(indexes))
                       .Text(ByteaArrayLiteral(blobs)))
            .status());
    PB_RETURN_IF_ERROR(
        conn.Query("UPDATE chunks SET state = 'done', lease_until_us = NULL "
                   "WHERE batch_id = $1 AND chunk_index = $2",
                   Params().Text(claim.batch_id).Int(claim.chunk_index))
            .status());
    PB_RETURN_IF_ERROR(AddStatistics(conn, claim.batch_id, results));
    PB_RETURN_IF_ERROR(
        conn.Query("UPDATE batches SET records_processed = records_processed "
                   "+ $2, credits_charged = credits_charged + $3 WHERE id = $1",
                   Params().Text(claim.batch_id).Int(count).Int(charge))
            .status());
    PB_ASSIGN_OR_RETURN(
        Result open,
        conn.Query("SELECT EXISTS (SELECT 1 FROM chunks WHERE batch_id = $1 "
                   "AND state <> 'done')",
                   Params().Text(claim.batch_id)));
    if (open.Bool(0, 0)) return std::nullopt;

    // That was the last chunk: complete and settle in this transaction.
    PB_ASSIGN_OR_RETURN(Batch done,
                        LoadBatch(conn, claim.batch_id, std::nullopt, false));
    PB_ASSIGN_OR_RETURN(
        Batch ended,
        EndBatch(conn, done, BatchStatus::kCompleted, StopReason::kNone, now));
    return ended;
  });
}

absl::StatusOr<Batch> PostgresQueue::FailChunkBatch(const ChunkClaim& claim,
                                                    absl::Time now) {
  return pool_->RunReturning([&](Connection& conn) -> absl::StatusOr<Batch> {
    // The batch row, then the chunk: the lock order of CommitChunk.
    absl::StatusOr<Batch> batch =
        LoadBatch(conn, claim.batch_id, std::nullopt, /*lock=*/true);
    if (absl::IsNotFound(batch.status())) {
      return absl::AbortedError("the chunk no longer exists");
    }
    PB_RETURN_IF_ERROR(batch.status());
    PB_ASSIGN_OR_RETURN(
        Result chunk,
        conn.Query("SELECT state, attempt FROM chunks WHERE batch_id = $1 "
                   "AND chunk_index = $2 FOR UPDATE",
                   Params().Text(claim.batch_id).Int(claim.chunk_index)));
    if (chunk.rows() == 0 || chunk.Text(0, 0) != "claimed" ||
        chunk.Int64(0, 1) != claim.attempt) {
      return StaleClaimError();
    }
    if (batch->status != BatchStatus::kProcessing) {
      return absl::AbortedError(absl::StrCat("batch is ",
                                             sqlite::StatusName(batch->status),
                                             "; the claim is void"));
    }
    return EndBatch(conn, *batch, BatchStatus::kStopped,
                    StopReason::kProcessingFailed, now);
  });
}

absl::Status PostgresQueue::ExtendLease(ChunkClaim& claim, absl::Time now,
                                        absl::Duration lease) {
  const absl::Time lease_until = now + lease;
  PB_RETURN_IF_ERROR(pool_->Run([&](Connection& conn) -> absl::Status {
    PB_ASSIGN_OR_RETURN(
        const int64_t extended,
        conn.QueryAffected(
            "UPDATE chunks SET lease_until_us = $4 WHERE batch_id = $1 "
            "AND chunk_index = $2 AND attempt = $3 AND state = "
            "'claimed'",
            Params()
                .Text(claim.batch_id)
                .Int(claim.chunk_index)
                .Int(claim.attempt)
                .Time(lease_until)));
    if (extended == 0) return StaleClaimError();
    return absl::OkStatus();
  }));
  claim.lease_until = lease_until;
  return absl::OkStatus();
}

absl::Status PostgresQueue::ReleaseChunk(const ChunkClaim& claim) {
  return pool_->Run([&](Connection& conn) -> absl::Status {
    PB_ASSIGN_OR_RETURN(
        const int64_t released,
        conn.QueryAffected(
            "UPDATE chunks SET state = 'pending', lease_until_us = "
            "NULL WHERE batch_id = $1 AND chunk_index = $2 AND "
            "attempt = $3 AND state = 'claimed'",
            Params()
                .Text(claim.batch_id)
                .Int(claim.chunk_index)
                .Int(claim.attempt)));
    if (released == 0) return StaleClaimError();
    return absl::OkStatus();
  });
}

}  // namespace phonebulk::store::postgres
