#include "store/postgres/pg_rows.h"

#include "store/sqlite/rows.h"

namespace phonebulk::store::postgres {

using sqlite::ParseReason;
using sqlite::ParseStatus;
using sqlite::SplitLines;

Account ReadAccount(const Result& res, int row) {
  Account a;
  a.id = res.Int64(row, 0);
  a.name = res.Text(row, 1);
  a.credits = res.Int64(row, 2);
  a.rate_limit_per_minute = static_cast<int>(res.Int64(row, 3));
  a.created = res.Time(row, 4);
  return a;
}

Token ReadToken(const Result& res, int row) {
  Token t;
  t.id = res.Int64(row, 0);
  t.account_id = res.Int64(row, 1);
  t.account_name = res.Text(row, 2);
  t.hash_hex = res.Text(row, 3);
  t.display_prefix = res.Text(row, 4);
  t.products = static_cast<uint32_t>(res.Int64(row, 5));
  t.disabled = res.Bool(row, 6);
  t.allow_ips = SplitLines(res.Text(row, 7));
  t.allow_domains = SplitLines(res.Text(row, 8));
  t.created = res.Time(row, 9);
  return t;
}

absl::StatusOr<Batch> ReadBatch(const Result& res, int row) {
  Batch b;
  b.id = res.Text(row, 0);
  b.account_id = res.Int64(row, 1);
  b.reference_id = res.Text(row, 2);
  b.config_json = res.Text(row, 3);
  std::optional<BatchStatus> status = ParseStatus(res.Text(row, 4));
  std::optional<StopReason> reason = ParseReason(res.Text(row, 5));
  if (!status || !reason) {
    return absl::InternalError("stored batch has an unknown status or reason");
  }
  b.status = *status;
  b.reason = *reason;
  b.records = static_cast<int>(res.Int64(row, 6));
  b.records_processed = static_cast<int>(res.Int64(row, 7));
  b.date_submitted = res.Time(row, 8);
  b.date_started = res.OptionalTime(row, 9);
  b.date_ended = res.OptionalTime(row, 10);
  b.deadline = res.OptionalTime(row, 11);
  b.credits_reserved = res.Int64(row, 12);
  b.credits_charged = res.Int64(row, 13);
  b.purged = res.Bool(row, 14);
  return b;
}

}  // namespace phonebulk::store::postgres
