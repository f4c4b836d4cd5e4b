// Batches: creation, start, stop, settlement, retention and statistics.

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "store/backend_shared.h"
#include "store/postgres/pg_rows.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/rows.h"
#include "store/status_macros.h"

namespace phonebulk::store::postgres {
namespace {

using sqlite::ReasonName;
using sqlite::StatusName;

// Phones per INSERT of CreateBatch: one round trip each, arrays of a few
// hundred kilobytes.
constexpr int kInsertChunk = 5'000;

// Ends (and settles) every processing batch that `select` (one $1 parameter)
// returns; each is locked before it is ended.
absl::StatusOr<int> EndSelected(Connection& conn, const std::string& select,
                                const Params& params, absl::Time now) {
  PB_ASSIGN_OR_RETURN(Result ids, conn.Query(select, params));
  int ended = 0;
  for (int i = 0; i < ids.rows(); ++i) {
    PB_ASSIGN_OR_RETURN(Batch batch, LoadBatch(conn, ids.Text(i, 0),
                                               std::nullopt, /*lock=*/true));
    // Another node may have ended it between the select and the lock.
    if (batch.status != BatchStatus::kProcessing) continue;
    PB_RETURN_IF_ERROR(EndBatch(conn, batch, BatchStatus::kStopped,
                                StopReason::kMaxProcessingTime, now)
                           .status());
    ++ended;
  }
  return ended;
}

}  // namespace

absl::StatusOr<Batch> LoadBatch(Connection& conn, std::string_view batch_id,
                                std::optional<int64_t> account_id, bool lock) {
  PB_ASSIGN_OR_RETURN(Result res,
                      conn.Query(absl::StrCat("SELECT ", kBatchColumns,
                                              " FROM batches WHERE id = $1",
                                              lock ? " FOR UPDATE" : ""),
                                 Params().Text(batch_id)));
  // Another account's batch is reported exactly like a missing one, so ids
  // cannot be probed across accounts.
  if (res.rows() == 0 || (account_id && res.Int64(0, 1) != *account_id)) {
    return absl::NotFoundError("no such batch");
  }
  return ReadBatch(res, 0);
}

absl::StatusOr<Batch> EndBatch(Connection& conn, const Batch& batch,
                               BatchStatus status, StopReason reason,
                               absl::Time now) {
  PB_ASSIGN_OR_RETURN(
      Result end,
      conn.Query("UPDATE batches SET status = $2, reason = $3, "
                 "date_ended_us = $4 WHERE id = $1 AND status IN "
                 "('submitted', 'processing') RETURNING account_id, "
                 "credits_reserved - credits_charged",
                 Params()
                     .Text(batch.id)
                     .Text(StatusName(status))
                     .Text(ReasonName(reason))
                     .Time(now)));
  // Callers hold the batch's row lock, so losing the race here means their
  // view was wrong: refuse rather than settle twice.
  if (end.rows() == 0) return absl::AbortedError("batch changed concurrently");
  const int64_t refund = end.Int64(0, 1);
  if (refund != 0) {
    PB_RETURN_IF_ERROR(
        conn.Query("UPDATE accounts SET credits = credits + $2 WHERE id = $1",
                   Params().Int(end.Int64(0, 0)).Int(refund))
            .status());
  }
  Batch ended = EndedBatch(batch, status, reason, now);
  PB_RETURN_IF_ERROR(InsertWebhookDeliveries(conn, ended));
  return ended;
}

absl::Status InsertBatch(Connection& conn, const Batch& batch,
                         std::span<const PhoneInput> phones, int chunk_size) {
  const int records = static_cast<int>(phones.size());
  PB_RETURN_IF_ERROR(conn.QueryRow("SELECT 1 FROM accounts WHERE id = $1",
                                   Params().Int(batch.account_id),
                                   "no such account")
                         .status());
  absl::StatusOr<Result> inserted = conn.Query(
      "INSERT INTO batches (id, account_id, reference_id, config_json, "
      "status, records, date_submitted_us) VALUES ($1, $2, $3, $4, "
      "'submitted', $5, $6)",
      Params()
          .Text(batch.id)
          .Int(batch.account_id)
          .Text(batch.reference_id)
          .Text(batch.config_json)
          .Int(records)
          .Time(batch.date_submitted));
  if (!inserted.ok()) {
    if (absl::IsAlreadyExists(inserted.status())) {
      return absl::AlreadyExistsError("a batch with this id exists");
    }
    return inserted.status();
  }
  // The phones go as arrays, a few thousand per statement: one round trip
  // per row would make a 10,000-phone batch cost seconds over a network.
  for (int first = 0; first < records; first += kInsertChunk) {
    const int end = std::min(records, first + kInsertChunk);
    std::vector<std::string> numbers, countries;
    numbers.reserve(end - first);
    countries.reserve(end - first);
    for (int i = first; i < end; ++i) {
      numbers.push_back(phones[i].number);
      countries.push_back(phones[i].country_iso);
    }
    PB_RETURN_IF_ERROR(
        conn.Query("INSERT INTO phones (batch_id, idx, number, country_iso) "
                   "SELECT $1, $2::int + o - 1, n, c FROM unnest($3::text[], "
                   "$4::text[]) WITH ORDINALITY AS p(n, c, o)",
                   Params()
                       .Text(batch.id)
                       .Int(first)
                       .Text(ArrayLiteral(numbers))
                       .Text(ArrayLiteral(countries)))
            .status());
  }
  if (records == 0) return absl::OkStatus();
  return conn
      .Query(
          "INSERT INTO chunks (batch_id, chunk_index, first_index, count) "
          "SELECT $1, g, g * $2::int, LEAST($2::int, $3::int - g * "
          "$2::int) FROM generate_series(0, ($3::int - 1) / $2::int) g",
          Params().Text(batch.id).Int(chunk_size).Int(records))
      .status();
}

absl::Status PostgresBatches::CreateBatch(const Batch& batch,
                                          std::span<const PhoneInput> phones,
                                          int chunk_size) {
  PB_RETURN_IF_ERROR(CheckNewBatch(batch, chunk_size));
  return pool_->Run([&](Connection& conn) {
    return InsertBatch(conn, batch, phones, chunk_size);
  });
}

absl::StatusOr<IdempotencyRecord> PostgresBatches::CreateBatchIdempotent(
    const Batch& batch, std::span<const PhoneInput> phones, int chunk_size,
    const IdempotencyRecord& record, absl::Time not_before) {
  PB_RETURN_IF_ERROR(CheckNewIdempotentBatch(batch, chunk_size, record));
  IdempotencyRecord out;
  PB_RETURN_IF_ERROR(pool_->Run([&](Connection& conn) -> absl::Status {
    // Two nodes receiving the same key at once: the account row lock makes
    // the second wait for the first's commit and then find its record
    // (READ COMMITTED reads the newest committed row after the wait).
    PB_RETURN_IF_ERROR(conn.Query("SELECT 1 FROM accounts WHERE id = $1 FOR "
                                  "UPDATE",
                                  Params().Int(record.account_id))
                           .status());
    PB_ASSIGN_OR_RETURN(
        Result found,
        conn.Query(
            "SELECT request_hash, batch_id, created_us FROM "
            "idempotency_keys WHERE account_id = $1 AND idem_key = $2 "
            "AND created_us >= $3",
            Params().Int(record.account_id).Text(record.key).Time(not_before)));
    if (found.rows() > 0) {
      out = record;
      out.request_hash = found.Text(0, 0);
      out.batch_id = found.Text(0, 1);
      out.created = found.Time(0, 2);
      return absl::OkStatus();
    }
    PB_RETURN_IF_ERROR(InsertBatch(conn, batch, phones, chunk_size));
    // An expired row of the same key is replaced: its 24 hours are over.
    PB_RETURN_IF_ERROR(
        conn.Query("INSERT INTO idempotency_keys (account_id, idem_key, "
                   "request_hash, batch_id, created_us) VALUES ($1, $2, $3, "
                   "$4, $5) ON CONFLICT (account_id, idem_key) DO UPDATE SET "
                   "request_hash = excluded.request_hash, batch_id = "
                   "excluded.batch_id, created_us = excluded.created_us",
                   Params()
                       .Int(record.account_id)
                       .Text(record.key)
                       .Text(record.request_hash)
                       .Text(record.batch_id)
                       .Time(record.created))
            .status());
    out = record;
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<int> PostgresBatches::PurgeIdempotencyRecordsBefore(
    absl::Time cutoff) {
  return PurgeBefore(
      *pool_, "DELETE FROM idempotency_keys WHERE created_us < $1", cutoff);
}

absl::StatusOr<Batch> PostgresBatches::GetBatch(int64_t account_id,
                                                std::string_view batch_id) {
  return pool_->RunReturning([&](Connection& conn) {
    return LoadBatch(conn, batch_id, account_id, false);
  });
}

absl::StatusOr<std::vector<Batch>> PostgresBatches::ListBatches(
    int64_t account_id) {
  return pool_->RunReturning(
      [&](Connection& conn) -> absl::StatusOr<std::vector<Batch>> {
        PB_ASSIGN_OR_RETURN(
            Result res,
            conn.Query(
                absl::StrCat("SELECT ", kBatchColumns,
                             " FROM batches WHERE account_id = $1 ORDER BY "
                             "date_submitted_us DESC, id COLLATE \"C\""),
                Params().Int(account_id)));
        return ReadRows<Batch>(res, ReadBatch);
      });
}

absl::StatusOr<Batch> PostgresBatches::StartBatch(
    int64_t account_id, std::string_view batch_id, absl::Time now,
    int64_t reserve, std::optional<absl::Time> deadline) {
  if (reserve < 0) return absl::InvalidArgumentError("negative reserve");
  return pool_->RunReturning([&](Connection& conn) -> absl::StatusOr<Batch> {
    PB_ASSIGN_OR_RETURN(Batch out, LoadBatch(conn, batch_id, account_id, true));
    if (out.status != BatchStatus::kSubmitted) {
      return NotSubmittedOrProcessing(out);
    }
    PB_ASSIGN_OR_RETURN(
        Result take,
        conn.Query("UPDATE accounts SET credits = credits - $2 WHERE id = $1 "
                   "AND credits >= $2 RETURNING credits",
                   Params().Int(account_id).Int(reserve)));
    if (take.rows() == 0) {
      PB_ASSIGN_OR_RETURN(Result balance,
                          conn.Query("SELECT credits FROM accounts WHERE id = "
                                     "$1",
                                     Params().Int(account_id)));
      return ReserveExceedsBalanceError(
          reserve, balance.rows() > 0 ? balance.Int64(0, 0) : 0);
    }
    PB_ASSIGN_OR_RETURN(
        const int64_t started,
        conn.QueryAffected(
            "UPDATE batches SET status = 'processing', "
            "date_started_us = $2, deadline_us = $3, "
            "credits_reserved = $4 WHERE id = $1 AND status = "
            "'submitted'",
            Params().Text(out.id).Time(now).OptionalTime(deadline).Int(
                reserve)));
    if (started != 1) {
      return absl::AbortedError("batch changed concurrently");
    }
    out.status = BatchStatus::kProcessing;
    out.date_started = now;
    out.deadline = deadline;
    out.credits_reserved = reserve;
    return out;
  });
}

absl::StatusOr<Batch> PostgresBatches::StopBatch(int64_t account_id,
                                                 std::string_view batch_id,
                                                 absl::Time now,
                                                 StopReason reason) {
  return pool_->RunReturning([&](Connection& conn) -> absl::StatusOr<Batch> {
    PB_ASSIGN_OR_RETURN(Batch batch,
                        LoadBatch(conn, batch_id, account_id, true));
    if (batch.status != BatchStatus::kSubmitted &&
        batch.status != BatchStatus::kProcessing) {
      return NotSubmittedOrProcessing(batch);
    }
    return EndBatch(conn, batch, BatchStatus::kStopped, reason, now);
  });
}

absl::StatusOr<std::vector<PhoneRecord>> PostgresBatches::GetPhones(
    std::string_view batch_id) {
  return GetPhonePage(batch_id, 0, std::numeric_limits<int64_t>::max());
}

absl::StatusOr<std::vector<PhoneRecord>> PostgresBatches::GetPhonePage(
    std::string_view batch_id, int64_t offset, int64_t limit) {
  return pool_->RunReturning([&](Connection& conn)
                                 -> absl::StatusOr<std::vector<PhoneRecord>> {
    // REPEATABLE READ would be one snapshot for both statements; here the
    // batch row only proves existence, and the phones are one statement.
    PB_RETURN_IF_ERROR(LoadBatch(conn, batch_id, std::nullopt, false).status());
    // idx runs 0..records-1, so a range on the primary key finds the page
    // without walking the phones before it.
    PB_ASSIGN_OR_RETURN(
        Result res,
        conn.Query("SELECT idx, number, country_iso, result_blob FROM phones "
                   "WHERE batch_id = $1 AND idx >= $2 ORDER BY idx LIMIT $3",
                   Params().Text(batch_id).Int(offset).Int(limit)));
    return ReadRows<PhoneRecord>(res, [](const Result& page, int i) {
      PhoneRecord rec;
      rec.index = static_cast<int>(page.Int64(i, 0));
      rec.input.number = page.Text(i, 1);
      rec.input.country_iso = page.Text(i, 2);
      if (!page.IsNull(i, 3)) rec.result_blob = page.Bytes(i, 3);
      return rec;
    });
  });
}

absl::StatusOr<std::vector<int64_t>> PostgresBatches::GetStatistics(
    std::string_view batch_id) {
  return pool_->RunReturning(
      [&](Connection& conn) -> absl::StatusOr<std::vector<int64_t>> {
        PB_RETURN_IF_ERROR(
            LoadBatch(conn, batch_id, std::nullopt, false).status());
        PB_ASSIGN_OR_RETURN(
            Result res,
            conn.Query("SELECT bucket, count FROM batch_statistics WHERE "
                       "batch_id = $1 ORDER BY bucket",
                       Params().Text(batch_id)));
        std::vector<int64_t> out;
        for (int i = 0; i < res.rows(); ++i) {
          SetStatisticsBucket(res.Int64(i, 0), res.Int64(i, 1), out);
        }
        return out;
      });
}

absl::StatusOr<int> PostgresBatches::StopExpiredBatches(absl::Time now) {
  return pool_->RunReturning([&](Connection& conn) {
    return EndSelected(conn,
                       "SELECT id FROM batches WHERE status = "
                       "'processing' AND deadline_us <= $1 ORDER BY id",
                       Params().Time(now), now);
  });
}

absl::StatusOr<int> PostgresBatches::PurgeBatchesSubmittedBefore(
    absl::Time cutoff, absl::Time now) {
  return pool_->RunReturning([&](Connection& conn) -> absl::StatusOr<int> {
    // As in the SQLite store: a batch still processing past retention is
    // ended and settled in the transaction that purges it.
    PB_RETURN_IF_ERROR(EndSelected(conn,
                                   "SELECT id FROM batches WHERE status = "
                                   "'processing' AND date_submitted_us < $1 "
                                   "ORDER BY id",
                                   Params().Time(cutoff), now)
                           .status());
    // The batches are locked first (batch before chunk, as everywhere), then
    // their children deleted and the batches marked.
    PB_ASSIGN_OR_RETURN(
        Result ids, conn.Query("SELECT id FROM batches WHERE NOT purged AND "
                               "date_submitted_us < $1 ORDER BY id FOR UPDATE",
                               Params().Time(cutoff)));
    PB_ASSIGN_OR_RETURN(const std::vector<std::string> list,
                        ReadRows<std::string>(ids, FirstColumnText));
    const Params ids_param = Params().Text(ArrayLiteral(list));
    for (const char* sql :
         {"DELETE FROM phones WHERE batch_id = ANY($1::text[])",
          "DELETE FROM chunks WHERE batch_id = ANY($1::text[])"}) {
      PB_RETURN_IF_ERROR(conn.Query(sql, ids_param).status());
    }
    PB_ASSIGN_OR_RETURN(
        const int64_t marked,
        conn.QueryAffected(
            "UPDATE batches SET purged = TRUE WHERE id = ANY($1::text[])",
            ids_param));
    return static_cast<int>(marked);
  });
}

absl::StatusOr<StoreStats> PostgresBatches::Stats() {
  return pool_->RunReturning(
      [&](Connection& conn) -> absl::StatusOr<StoreStats> {
        StoreStats out;
        PB_ASSIGN_OR_RETURN(
            Result by_status,
            conn.Query("SELECT status, COUNT(*) FROM batches GROUP BY status"));
        for (int i = 0; i < by_status.rows(); ++i) {
          CountBatchStatus(by_status.Text(i, 0), by_status.Int64(i, 1), out);
        }
        PB_ASSIGN_OR_RETURN(
            Result open_chunks,
            conn.Query("SELECT COUNT(*) FROM batches b JOIN chunks c ON "
                       "c.batch_id = b.id WHERE b.status = 'processing' AND "
                       "c.state <> 'done'"));
        if (open_chunks.rows() > 0)
          out.chunks_pending = open_chunks.Int64(0, 0);
        return out;
      });
}

}  // namespace phonebulk::store::postgres
