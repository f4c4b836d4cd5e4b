// Batches: creation, reads and the status transitions with their credit
// settlement. The work queue is in sqlite_queue.cc.

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "store/backend_shared.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_store.h"
#include "store/status_macros.h"

namespace phonebulk::store::sqlite {
namespace {

// Ends (and settles) every processing batch that `select` (one ?1 time
// parameter, `at`) returns, as stopped with max_processing_time_reached;
// returns how many. The ids are read in full before any batch is changed:
// SQLite must not update the rows a statement is still stepping through.
absl::StatusOr<int> EndSelected(Connection& conn, const char* select,
                                absl::Time at, absl::Time now) {
  std::vector<std::string> ids;
  {
    PB_ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(select));
    stmt.BindTime(1, at);
    PB_ASSIGN_OR_RETURN(ids, ReadRows<std::string>(stmt, FirstColumnText));
  }
  for (const std::string& id : ids) {
    PB_ASSIGN_OR_RETURN(Batch batch, LoadBatch(conn, id, std::nullopt));
    PB_RETURN_IF_ERROR(EndBatch(conn, batch, BatchStatus::kStopped,
                                StopReason::kMaxProcessingTime, now)
                           .status());
  }
  return static_cast<int>(ids.size());
}

}  // namespace

absl::StatusOr<Batch> LoadBatch(Connection& conn, std::string_view batch_id,
                                std::optional<int64_t> account_id) {
  PB_ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(absl::StrCat(
                                          "SELECT ", kBatchColumns,
                                          " FROM batches WHERE id = ?1")));
  stmt.BindText(1, batch_id);
  PB_ASSIGN_OR_RETURN(bool row, stmt.Step());
  // Another account's batch is reported exactly like a missing one, so ids
  // cannot be probed across accounts.
  if (!row || (account_id && stmt.Int64(1) != *account_id)) {
    return absl::NotFoundError("no such batch");
  }
  return ReadBatch(stmt);
}

absl::StatusOr<Batch> EndBatch(Connection& conn, const Batch& batch,
                               BatchStatus status, StopReason reason,
                               absl::Time now) {
  PB_ASSIGN_OR_RETURN(
      Statement end,
      conn.Prepare("UPDATE batches SET status = ?2, reason = ?3, "
                   "date_ended_us = ?4 WHERE id = ?1 AND status IN "
                   "('submitted', 'processing') RETURNING account_id, "
                   "credits_reserved - credits_charged"));
  end.BindText(1, batch.id)
      .BindText(2, StatusName(status))
      .BindText(3, ReasonName(reason))
      .BindTime(4, now);
  PB_ASSIGN_OR_RETURN(bool row, end.Step());
  // Callers read the batch in this same IMMEDIATE transaction, so losing the
  // race here means the caller's view was wrong: refuse rather than settle
  // twice.
  if (!row) return absl::AbortedError("batch changed concurrently");
  const int64_t account_id = end.Int64(0);
  const int64_t refund = end.Int64(1);
  PB_RETURN_IF_ERROR(end.Run());  // finish the statement before the next one

  if (refund != 0) {
    PB_RETURN_IF_ERROR(
        conn.Run("UPDATE accounts SET credits = credits + ?2 WHERE id = ?1",
                 account_id, refund));
  }
  Batch ended = EndedBatch(batch, status, reason, now);
  PB_RETURN_IF_ERROR(InsertWebhookDeliveries(conn, ended));
  return ended;
}

absl::Status InsertBatch(Connection& conn, const Batch& batch,
                         std::span<const PhoneInput> phones, int chunk_size) {
  const int records = static_cast<int>(phones.size());
  {
    PB_ASSIGN_OR_RETURN(Statement account,
                        conn.Prepare("SELECT 1 FROM accounts WHERE id = ?1"));
    PB_RETURN_IF_ERROR(
        account.Bind(1, batch.account_id).StepToRow("no such account"));
  }
  if (absl::Status s =
          conn.Run("INSERT INTO batches (id, account_id, reference_id, "
                   "config_json, status, records, date_submitted_us) "
                   "VALUES (?1, ?2, ?3, ?4, 'submitted', ?5, ?6)",
                   batch.id, batch.account_id, batch.reference_id,
                   batch.config_json, records, batch.date_submitted);
      !s.ok()) {
    if (absl::IsAlreadyExists(s)) {
      return absl::AlreadyExistsError("a batch with this id exists");
    }
    return s;
  }

  // One cached statement, rebinding only what changes per row: this loop
  // is the whole cost of a 10,000-phone batch.
  PB_ASSIGN_OR_RETURN(
      Statement phone,
      conn.Prepare("INSERT INTO phones (batch_id, idx, number, country_iso) "
                   "VALUES (?1, ?2, ?3, ?4)"));
  phone.BindText(1, batch.id);
  for (int i = 0; i < records; ++i) {
    phone.Bind(2, i)
        .BindText(3, phones[i].number)
        .BindText(4, phones[i].country_iso);
    PB_RETURN_IF_ERROR(phone.Run());
  }

  PB_ASSIGN_OR_RETURN(
      Statement chunk,
      conn.Prepare("INSERT INTO chunks (batch_id, chunk_index, first_index, "
                   "count) VALUES (?1, ?2, ?3, ?4)"));
  chunk.BindText(1, batch.id);
  for (int first = 0, index = 0; first < records;
       first += chunk_size, ++index) {
    chunk.Bind(2, index).Bind(3, first).Bind(
        4, std::min(chunk_size, records - first));
    PB_RETURN_IF_ERROR(chunk.Run());
  }
  return absl::OkStatus();
}

absl::Status SqliteBatches::CreateBatch(const Batch& batch,
                                        std::span<const PhoneInput> phones,
                                        int chunk_size) {
  PB_RETURN_IF_ERROR(CheckNewBatch(batch, chunk_size));
  return pool_->Run(TxnMode::kWrite, [&](Connection& conn) {
    return InsertBatch(conn, batch, phones, chunk_size);
  });
}

absl::StatusOr<IdempotencyRecord> SqliteBatches::CreateBatchIdempotent(
    const Batch& batch, std::span<const PhoneInput> phones, int chunk_size,
    const IdempotencyRecord& record, absl::Time not_before) {
  PB_RETURN_IF_ERROR(CheckNewIdempotentBatch(batch, chunk_size, record));
  IdempotencyRecord out;
  PB_RETURN_IF_ERROR(
      pool_->Run(TxnMode::kWrite, [&](Connection& conn) -> absl::Status {
        {
          PB_ASSIGN_OR_RETURN(
              Statement find,
              conn.Prepare("SELECT request_hash, batch_id, created_us FROM "
                           "idempotency_keys WHERE account_id = ?1 AND "
                           "idem_key = ?2 AND created_us >= ?3"));
          find.Bind(1, record.account_id)
              .BindText(2, record.key)
              .BindTime(3, not_before);
          PB_ASSIGN_OR_RETURN(bool found, find.Step());
          if (found) {
            out = record;
            out.request_hash = find.Text(0);
            out.batch_id = find.Text(1);
            out.created = find.Time(2);
            return absl::OkStatus();
          }
        }
        PB_RETURN_IF_ERROR(InsertBatch(conn, batch, phones, chunk_size));
        // An expired row of the same key is replaced: its 24 hours are over.
        PB_RETURN_IF_ERROR(
            conn.Run("INSERT OR REPLACE INTO idempotency_keys (account_id, "
                     "idem_key, request_hash, batch_id, created_us) "
                     "VALUES (?1, ?2, ?3, ?4, ?5)",
                     record.account_id, record.key, record.request_hash,
                     record.batch_id, record.created));
        out = record;
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<int> SqliteBatches::PurgeIdempotencyRecordsBefore(
    absl::Time cutoff) {
  return PurgeBefore(
      *pool_, "DELETE FROM idempotency_keys WHERE created_us < ?1", cutoff);
}

absl::StatusOr<Batch> SqliteBatches::GetBatch(int64_t account_id,
                                              std::string_view batch_id) {
  return pool_->RunReturning(TxnMode::kRead, [&](Connection& conn) {
    return LoadBatch(conn, batch_id, account_id);
  });
}

absl::StatusOr<std::vector<Batch>> SqliteBatches::ListBatches(
    int64_t account_id) {
  return pool_->RunReturning(
      TxnMode::kRead,
      [&](Connection& conn) -> absl::StatusOr<std::vector<Batch>> {
        PB_ASSIGN_OR_RETURN(
            Statement stmt,
            conn.Prepare(absl::StrCat("SELECT ", kBatchColumns,
                                      " FROM batches WHERE account_id = ?1 "
                                      "ORDER BY date_submitted_us DESC, id")));
        stmt.Bind(1, account_id);
        return ReadRows<Batch>(stmt, ReadBatch);
      });
}

absl::StatusOr<Batch> SqliteBatches::StartBatch(
    int64_t account_id, std::string_view batch_id, absl::Time now,
    int64_t reserve, std::optional<absl::Time> deadline) {
  if (reserve < 0) return absl::InvalidArgumentError("negative reserve");
  return pool_->RunReturning(
      TxnMode::kWrite, [&](Connection& conn) -> absl::StatusOr<Batch> {
        PB_ASSIGN_OR_RETURN(Batch out, LoadBatch(conn, batch_id, account_id));
        if (out.status != BatchStatus::kSubmitted) {
          return NotSubmittedOrProcessing(out);
        }
        PB_ASSIGN_OR_RETURN(
            Statement take,
            conn.Prepare(
                "UPDATE accounts SET credits = credits - ?2 WHERE id = "
                "?1 AND credits >= ?2 RETURNING credits"));
        take.Bind(1, account_id).Bind(2, reserve);
        PB_ASSIGN_OR_RETURN(bool taken, take.Step());
        if (!taken) {
          PB_ASSIGN_OR_RETURN(
              Statement balance,
              conn.Prepare("SELECT credits FROM accounts WHERE id = ?1"));
          balance.Bind(1, account_id);
          PB_ASSIGN_OR_RETURN(bool found, balance.Step());
          return ReserveExceedsBalanceError(reserve,
                                            found ? balance.Int64(0) : 0);
        }
        PB_RETURN_IF_ERROR(take.Run());

        PB_RETURN_IF_ERROR(
            conn.Run("UPDATE batches SET status = 'processing', "
                     "date_started_us = ?2, deadline_us = ?3, "
                     "credits_reserved = ?4 WHERE id = ?1 AND status = "
                     "'submitted'",
                     out.id, now, deadline, reserve));
        if (conn.changes() != 1) {
          return absl::AbortedError("batch changed concurrently");
        }
        out.status = BatchStatus::kProcessing;
        out.date_started = now;
        out.deadline = deadline;
        out.credits_reserved = reserve;
        return out;
      });
}

absl::StatusOr<Batch> SqliteBatches::StopBatch(int64_t account_id,
                                               std::string_view batch_id,
                                               absl::Time now,
                                               StopReason reason) {
  return pool_->RunReturning(
      TxnMode::kWrite, [&](Connection& conn) -> absl::StatusOr<Batch> {
        PB_ASSIGN_OR_RETURN(Batch batch, LoadBatch(conn, batch_id, account_id));
        if (batch.status != BatchStatus::kSubmitted &&
            batch.status != BatchStatus::kProcessing) {
          return NotSubmittedOrProcessing(batch);
        }
        return EndBatch(conn, batch, BatchStatus::kStopped, reason, now);
      });
}

absl::StatusOr<std::vector<PhoneRecord>> SqliteBatches::GetPhones(
    std::string_view batch_id) {
  return GetPhonePage(batch_id, 0, std::numeric_limits<int64_t>::max());
}

absl::StatusOr<std::vector<PhoneRecord>> SqliteBatches::GetPhonePage(
    std::string_view batch_id, int64_t offset, int64_t limit) {
  return pool_->RunReturning(
      TxnMode::kRead,
      [&](Connection& conn) -> absl::StatusOr<std::vector<PhoneRecord>> {
        PB_ASSIGN_OR_RETURN(Batch batch,
                            LoadBatch(conn, batch_id, std::nullopt));
        std::vector<PhoneRecord> out;
        out.reserve(std::clamp<int64_t>(batch.records - offset, 0, limit));
        // idx runs 0..records-1, so a range on the primary key finds the
        // page without walking the phones before it.
        PB_ASSIGN_OR_RETURN(
            Statement stmt,
            conn.Prepare("SELECT idx, number, country_iso, result_blob FROM "
                         "phones WHERE batch_id = ?1 AND idx >= ?2 ORDER BY "
                         "idx LIMIT ?3"));
        stmt.BindText(1, batch_id).Bind(2, offset).Bind(3, limit);
        PB_RETURN_IF_ERROR(stmt.ForEachRow([&](const Statement& row) {
          PhoneRecord& rec = out.emplace_back();
          rec.index = static_cast<int>(row.Int64(0));
          rec.input.number = row.Text(1);
          rec.input.country_iso = row.Text(2);
          if (!row.IsNull(3)) rec.result_blob = row.Blob(3);
        }));
        return out;
      });
}

absl::StatusOr<std::vector<int64_t>> SqliteBatches::GetStatistics(
    std::string_view batch_id) {
  return pool_->RunReturning(
      TxnMode::kRead,
      [&](Connection& conn) -> absl::StatusOr<std::vector<int64_t>> {
        PB_RETURN_IF_ERROR(LoadBatch(conn, batch_id, std::nullopt).status());
        PB_ASSIGN_OR_RETURN(
            Statement stmt,
            conn.Prepare("SELECT bucket, count FROM batch_statistics WHERE "
                         "batch_id = ?1 ORDER BY bucket"));
        stmt.BindText(1, batch_id);
        std::vector<int64_t> out;
        PB_RETURN_IF_ERROR(stmt.ForEachRow([&](const Statement& row) {
          SetStatisticsBucket(row.Int64(0), row.Int64(1), out);
        }));
        return out;
      });
}

absl::StatusOr<int> SqliteBatches::StopExpiredBatches(absl::Time now) {
  return pool_->RunReturning(TxnMode::kWrite, [&](Connection& conn) {
    return EndSelected(conn,
                       "SELECT id FROM batches WHERE status = "
                       "'processing' AND deadline_us <= ?1",
                       now, now);
  });
}

absl::StatusOr<int> SqliteBatches::PurgeBatchesSubmittedBefore(
    absl::Time cutoff, absl::Time now) {
  return pool_->RunReturning(
      TxnMode::kWrite, [&](Connection& conn) -> absl::StatusOr<int> {
        // A batch still processing past retention can no longer be read by
        // its owner, so its work is ended and settled here, in the same
        // transaction that purges it: its reservation is released and only
        // what was processed stays charged. The schema's only automatic
        // reason is max_processing_time_reached; no client can see it.
        PB_RETURN_IF_ERROR(
            EndSelected(conn,
                        "SELECT id FROM batches WHERE status = "
                        "'processing' AND date_submitted_us < ?1",
                        cutoff, now)
                .status());
        // Children first, selected by the same condition that finally marks
        // the batches.
        for (const char* sql :
             {"DELETE FROM phones WHERE batch_id IN (SELECT id FROM batches "
              "WHERE purged = 0 AND date_submitted_us < ?1)",
              "DELETE FROM chunks WHERE batch_id IN (SELECT id FROM batches "
              "WHERE purged = 0 AND date_submitted_us < ?1)",
              "UPDATE batches SET purged = 1 WHERE purged = 0 AND "
              "date_submitted_us < ?1"}) {
          PB_RETURN_IF_ERROR(conn.Run(sql, cutoff));
        }
        return static_cast<int>(conn.changes());
      });
}

absl::StatusOr<StoreStats> SqliteBatches::Stats() {
  return pool_->RunReturning(
      TxnMode::kRead, [&](Connection& conn) -> absl::StatusOr<StoreStats> {
        StoreStats out;
        PB_ASSIGN_OR_RETURN(
            Statement by_status,
            conn.Prepare(
                "SELECT status, COUNT(*) FROM batches GROUP BY status"));
        PB_RETURN_IF_ERROR(by_status.ForEachRow([&](const Statement& row) {
          CountBatchStatus(row.Text(0), row.Int64(1), out);
        }));
        PB_ASSIGN_OR_RETURN(
            Statement open_chunks,
            conn.Prepare("SELECT COUNT(*) FROM batches b JOIN chunks c ON "
                         "c.batch_id = b.id WHERE b.status = 'processing' AND "
                         "c.state <> 'done'"));
        PB_ASSIGN_OR_RETURN(bool row, open_chunks.Step());
        if (row) out.chunks_pending = open_chunks.Int64(0);
        return out;
      });
}

}  // namespace phonebulk::store::sqlite
