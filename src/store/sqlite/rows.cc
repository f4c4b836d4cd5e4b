#include "store/sqlite/rows.h"

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace phonebulk::store::sqlite {

const char* StatusName(BatchStatus status) {
  return BatchStatusName(status).data();  // literals: NUL-terminated
}

std::optional<BatchStatus> ParseStatus(std::string_view name) {
  return ParseBatchStatus(name);
}

const char* ReasonName(StopReason reason) {
  return StopReasonName(reason).data();
}

std::optional<StopReason> ParseReason(std::string_view name) {
  return ParseStopReason(name);
}

std::string JoinLines(const std::vector<std::string>& items) {
  return absl::StrJoin(items, "\n");
}

std::vector<std::string> SplitLines(std::string_view text) {
  return absl::StrSplit(absl::string_view(text.data(), text.size()), '\n',
                        absl::SkipEmpty());
}

Account ReadAccount(const Statement& row) {
  Account a;
  a.id = row.Int64(0);
  a.name = row.Text(1);
  a.credits = row.Int64(2);
  a.rate_limit_per_minute = static_cast<int>(row.Int64(3));
  a.created = row.Time(4);
  return a;
}

Token ReadToken(const Statement& row) {
  Token t;
  t.id = row.Int64(0);
  t.account_id = row.Int64(1);
  t.account_name = row.Text(2);
  t.hash_hex = row.Text(3);
  t.display_prefix = row.Text(4);
  t.products = static_cast<uint32_t>(row.Int64(5));
  t.disabled = row.Int64(6) != 0;
  t.allow_ips = SplitLines(row.Text(7));
  t.allow_domains = SplitLines(row.Text(8));
  t.created = row.Time(9);
  return t;
}

absl::StatusOr<Batch> ReadBatch(const Statement& row) {
  Batch b;
  b.id = row.Text(0);
  b.account_id = row.Int64(1);
  b.reference_id = row.Text(2);
  b.config_json = row.Text(3);
  std::optional<BatchStatus> status = ParseStatus(row.Text(4));
  std::optional<StopReason> reason = ParseReason(row.Text(5));
  if (!status || !reason) {
    return absl::InternalError("stored batch has an unknown status or reason");
  }
  b.status = *status;
  b.reason = *reason;
  b.records = static_cast<int>(row.Int64(6));
  b.records_processed = static_cast<int>(row.Int64(7));
  b.date_submitted = row.Time(8);
  b.date_started = row.OptionalTime(9);
  b.date_ended = row.OptionalTime(10);
  b.deadline = row.OptionalTime(11);
  b.credits_reserved = row.Int64(12);
  b.credits_charged = row.Int64(13);
  b.purged = row.Int64(14) != 0;
  return b;
}

}  // namespace phonebulk::store::sqlite
