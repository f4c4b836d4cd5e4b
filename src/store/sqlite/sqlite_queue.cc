// The chunk work queue: claims with leases, commits that are accepted only
// for the current claim, and hand-backs.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "store/backend_shared.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_store.h"
#include "store/status_macros.h"

namespace phonebulk::store::sqlite {

namespace {

// Adds the chunk's results to the batch's per-bucket counts, in the
// caller's transaction: the counts move with the results or not at all.
absl::Status AddStatistics(Connection& conn, std::string_view batch_id,
                           std::span<const ProcessedPhone> results) {
  PB_ASSIGN_OR_RETURN(auto counts, CountStatistics(results));
  PB_ASSIGN_OR_RETURN(
      Statement add,
      conn.Prepare("INSERT INTO batch_statistics (batch_id, bucket, count) "
                   "VALUES (?1, ?2, ?3) ON CONFLICT (batch_id, bucket) DO "
                   "UPDATE SET count = count + excluded.count"));
  add.BindText(1, batch_id);
  for (int bucket = 0; bucket < static_cast<int>(counts.size()); ++bucket) {
    if (counts[bucket] == 0) continue;
    add.Bind(2, bucket).Bind(3, counts[bucket]);
    PB_RETURN_IF_ERROR(add.Run());
  }
  return absl::OkStatus();
}

// Stores each result in its phone's row, in the caller's transaction.
// `results` covers the chunk's indexes [first, first + size) (checked by
// CheckCoversChunk). The chunk's rowids come from one range scan of the
// primary key's index; each row is then written by rowid, a seek of the
// table alone. Writing by (batch_id, idx) cost one more seek per phone, on
// an index keyed by text: the largest part of a commit.
absl::Status WriteResults(Connection& conn, std::string_view batch_id,
                          int first, std::span<const ProcessedPhone> results) {
  const int count = static_cast<int>(results.size());
  std::vector<int64_t> rowids;
  rowids.reserve(count);
  PB_ASSIGN_OR_RETURN(
      Statement rows,
      conn.Prepare("SELECT rowid FROM phones WHERE batch_id = ?1 AND idx >= "
                   "?2 AND idx < ?3 ORDER BY idx"));
  rows.BindText(1, batch_id).Bind(2, first).Bind(3, first + count);
  PB_RETURN_IF_ERROR(rows.ForEachRow(
      [&](const Statement& row) { rowids.push_back(row.Int64(0)); }));
  if (static_cast<int>(rowids.size()) != count) {
    return absl::InternalError(absl::StrCat("chunk at ", first, " has ",
                                            rowids.size(), " of its ", count,
                                            " phones stored"));
  }
  PB_ASSIGN_OR_RETURN(
      Statement write,
      conn.Prepare("UPDATE phones SET result_blob = ?2 WHERE rowid = ?1"));
  for (const ProcessedPhone& r : results) {
    write.Bind(1, rowids[r.index - first]).BindBlob(2, r.result_blob);
    PB_RETURN_IF_ERROR(write.Run());
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::optional<ChunkClaim>> SqliteQueue::ClaimChunk(
    absl::Time now, absl::Duration lease) {
  if (lease <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("lease must be positive");
  }
  const absl::Time lease_until = now + lease;
  return pool_->RunReturning(
      TxnMode::kWrite,
      [&](Connection& conn) -> absl::StatusOr<std::optional<ChunkClaim>> {
        // Walks processing batches oldest started first (partial index
        // batches_processing_by_start) and their open chunks (partial index
        // chunks_open); the `state <> 'done'` term lets the planner use it.
        PB_ASSIGN_OR_RETURN(
            Statement claim,
            conn.Prepare(
                "UPDATE chunks SET state = 'claimed', attempt = attempt + 1, "
                "lease_until_us = ?2 WHERE (batch_id, chunk_index) = ("
                " SELECT c.batch_id, c.chunk_index FROM batches b"
                " JOIN chunks c ON c.batch_id = b.id"
                " WHERE b.status = 'processing' AND c.state <> 'done'"
                " AND (c.state = 'pending' OR c.lease_until_us <= ?1)"
                " ORDER BY b.date_started_us, b.id, c.chunk_index LIMIT 1) "
                "RETURNING batch_id, chunk_index, attempt, first_index, "
                "count"));
        claim.BindTime(1, now).BindTime(2, lease_until);
        PB_ASSIGN_OR_RETURN(bool row, claim.Step());
        if (!row) return std::nullopt;
        ChunkClaim c;
        c.batch_id = claim.Text(0);
        c.chunk_index = static_cast<int>(claim.Int64(1));
        c.attempt = claim.Int64(2);
        c.first_index = static_cast<int>(claim.Int64(3));
        const int count = static_cast<int>(claim.Int64(4));
        c.lease_until = lease_until;
        PB_RETURN_IF_ERROR(claim.Run());

        PB_ASSIGN_OR_RETURN(
            Statement batch,
            conn.Prepare("SELECT account_id, config_json, deadline_us FROM "
                         "batches WHERE id = ?1"));
        PB_RETURN_IF_ERROR(batch.BindText(1, c.batch_id)
                               .StepToRow(absl::StatusCode::kInternal,
                                          "claimed chunk has no batch"));
        c.account_id = batch.Int64(0);
        c.config_json = batch.Text(1);
        if (!batch.IsNull(2)) c.deadline = batch.Time(2);

        PB_ASSIGN_OR_RETURN(
            Statement phones,
            conn.Prepare(
                "SELECT number, country_iso FROM phones WHERE batch_id "
                "= ?1 AND idx >= ?2 AND idx < ?3 ORDER BY idx"));
        phones.BindText(1, c.batch_id)
            .Bind(2, c.first_index)
            .Bind(3, c.first_index + count);
        c.phones.reserve(count);
        PB_RETURN_IF_ERROR(phones.ForEachRow([&](const Statement& row) {
          c.phones.push_back(PhoneInput{row.Text(0), row.Text(1)});
        }));
        if (static_cast<int>(c.phones.size()) != count) {
          // Still a claim (its attempt counted), so the processor can give
          // up on it; an error here would roll the claim back and block the
          // queue on this chunk for ever.
          c.defect =
              absl::StrCat("chunk ", c.chunk_index, " has ", c.phones.size(),
                           " of its ", count, " phones stored");
          c.phones.clear();
        }
        return c;
      });
}

absl::StatusOr<std::optional<Batch>> SqliteQueue::CommitChunk(
    const ChunkClaim& claim, std::span<const ProcessedPhone> results,
    int64_t charge, absl::Time now) {
  if (charge < 0) return absl::InvalidArgumentError("negative charge");
  return pool_->RunReturning(
      TxnMode::kWrite,
      [&](Connection& conn) -> absl::StatusOr<std::optional<Batch>> {
        // The write lock is held from BEGIN IMMEDIATE on, so this check and the
        // writes below cannot interleave with a takeover, a stop or another
        // commit of the same chunk.
        PB_ASSIGN_OR_RETURN(
            Statement check,
            conn.Prepare("SELECT c.state, c.attempt, c.first_index, c.count, "
                         "b.status FROM chunks c JOIN batches b ON b.id = "
                         "c.batch_id WHERE c.batch_id = ?1 AND c.chunk_index = "
                         "?2"));
        PB_RETURN_IF_ERROR(check.BindText(1, claim.batch_id)
                               .Bind(2, claim.chunk_index)
                               .StepToRow(absl::StatusCode::kAborted,
                                          "the chunk no longer exists"));
        if (check.Text(0) != "claimed" || check.Int64(1) != claim.attempt) {
          return StaleClaimError();
        }
        if (check.Text(4) != "processing") {
          return absl::AbortedError(
              absl::StrCat("batch is ", check.Text(4), "; the claim is void"));
        }
        const int first = static_cast<int>(check.Int64(2));
        const int count = static_cast<int>(check.Int64(3));
        PB_RETURN_IF_ERROR(CheckCoversChunk(results, first, count));

        PB_RETURN_IF_ERROR(WriteResults(conn, claim.batch_id, first, results));

        PB_RETURN_IF_ERROR(
            conn.Run("UPDATE chunks SET state = 'done', lease_until_us = NULL "
                     "WHERE batch_id = ?1 AND chunk_index = ?2",
                     claim.batch_id, claim.chunk_index));

        PB_RETURN_IF_ERROR(AddStatistics(conn, claim.batch_id, results));

        PB_RETURN_IF_ERROR(
            conn.Run("UPDATE batches SET records_processed = "
                     "records_processed + ?2, credits_charged = "
                     "credits_charged + ?3 WHERE id = ?1",
                     claim.batch_id, count, charge));

        PB_ASSIGN_OR_RETURN(
            Statement open,
            conn.Prepare(
                "SELECT EXISTS (SELECT 1 FROM chunks WHERE batch_id = ?1 "
                "AND state <> 'done')"));
        open.BindText(1, claim.batch_id);
        PB_ASSIGN_OR_RETURN(bool has_row, open.Step());
        if (has_row && open.Int64(0) != 0) return std::nullopt;

        // That was the last chunk: complete and settle in this transaction.
        PB_ASSIGN_OR_RETURN(Batch batch,
                            LoadBatch(conn, claim.batch_id, std::nullopt));
        PB_ASSIGN_OR_RETURN(Batch ended,
                            EndBatch(conn, batch, BatchStatus::kCompleted,
                                     StopReason::kNone, now));
        return ended;
      });
}

absl::StatusOr<Batch> SqliteQueue::FailChunkBatch(const ChunkClaim& claim,
                                                  absl::Time now) {
  return pool_->RunReturning(
      TxnMode::kWrite, [&](Connection& conn) -> absl::StatusOr<Batch> {
        PB_ASSIGN_OR_RETURN(
            Statement check,
            conn.Prepare("SELECT state, attempt FROM chunks WHERE batch_id = "
                         "?1 AND chunk_index = ?2"));
        check.BindText(1, claim.batch_id).Bind(2, claim.chunk_index);
        PB_ASSIGN_OR_RETURN(bool row, check.Step());
        if (!row || check.Text(0) != "claimed" ||
            check.Int64(1) != claim.attempt) {
          return StaleClaimError();
        }
        PB_RETURN_IF_ERROR(check.Run());
        PB_ASSIGN_OR_RETURN(Batch batch,
                            LoadBatch(conn, claim.batch_id, std::nullopt));
        if (batch.status != BatchStatus::kProcessing) {
          return absl::AbortedError(absl::StrCat(
              "batch is ", StatusName(batch.status), "; the claim is void"));
        }
        return EndBatch(conn, batch, BatchStatus::kStopped,
                        StopReason::kProcessingFailed, now);
      });
}

absl::Status SqliteQueue::ExtendLease(ChunkClaim& claim, absl::Time now,
                                      absl::Duration lease) {
  const absl::Time lease_until = now + lease;
  PB_RETURN_IF_ERROR(
      pool_->Run(TxnMode::kWrite, [&](Connection& conn) -> absl::Status {
        PB_RETURN_IF_ERROR(conn.Run(
            "UPDATE chunks SET lease_until_us = ?4 WHERE "
            "batch_id = ?1 AND chunk_index = ?2 AND attempt = ?3 "
            "AND state = 'claimed'",
            claim.batch_id, claim.chunk_index, claim.attempt, lease_until));
        if (conn.changes() == 0) {
          return StaleClaimError();
        }
        return absl::OkStatus();
      }));
  claim.lease_until = lease_until;
  return absl::OkStatus();
}

absl::Status SqliteQueue::ReleaseChunk(const ChunkClaim& claim) {
  return pool_->Run(TxnMode::kWrite, [&](Connection& conn) -> absl::Status {
    PB_RETURN_IF_ERROR(
        conn.Run("UPDATE chunks SET state = 'pending', lease_until_us = "
                 "NULL WHERE batch_id = ?1 AND chunk_index = ?2 AND "
                 "attempt = ?3 AND state = 'claimed'",
                 claim.batch_id, claim.chunk_index, claim.attempt));
    if (conn.changes() == 0) {
      return StaleClaimError();
    }
    return absl::OkStatus();
  });
}

}  // namespace phonebulk::store::sqlite
