#ifndef PHONEBULK_STORE_POSTGRES_PG_ROWS_H_
#define PHONEBULK_STORE_POSTGRES_PG_ROWS_H_

// Conversions between the store's records and PostgreSQL rows, shared by the
// store's .cc files. Internal to store/postgres. The status and reason names
// are the SQLite store's (the two schemas hold the same values).

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "store/postgres/pg_connection.h"
#include "store/records.h"
#include "store/status_values.h"

namespace phonebulk::store::postgres {

// Every row of `res` read by `read(res, row)`, which returns a T, or an
// absl::StatusOr<T> when the row can be malformed (the first error wins).
template <typename T, typename Read>
absl::StatusOr<std::vector<T>> ReadRows(const Result& res, Read&& read);

// Readers of the first column, for ReadRows over one-column selects.
inline std::string FirstColumnText(const Result& res, int row) {
  return res.Text(row, 0);
}
inline int64_t FirstColumnInt64(const Result& res, int row) {
  return res.Int64(row, 0);
}

inline constexpr char kAccountColumns[] =
    "id, name, credits, rate_limit_per_minute, created_us";
Account ReadAccount(const Result& res, int row);

inline constexpr char kTokenColumns[] =
    "t.id, t.account_id, a.name, t.hash_hex, t.display_prefix, t.products, "
    "t.disabled, t.allow_ips, t.allow_domains, t.created_us";
inline constexpr char kTokenFrom[] =
    "tokens t JOIN accounts a ON a.id = t.account_id";
Token ReadToken(const Result& res, int row);

inline constexpr char kBatchColumns[] =
    "id, account_id, reference_id, config_json, status, reason, records, "
    "records_processed, date_submitted_us, date_started_us, date_ended_us, "
    "deadline_us, credits_reserved, credits_charged, purged";
// Internal when the row holds a status or reason this build does not know.
absl::StatusOr<Batch> ReadBatch(const Result& res, int row);

template <typename T, typename Read>
absl::StatusOr<std::vector<T>> ReadRows(const Result& res, Read&& read) {
  std::vector<T> out;
  out.reserve(res.rows());
  for (int i = 0; i < res.rows(); ++i) {
    if (absl::Status s = AppendValue(out, read(res, i)); !s.ok()) return s;
  }
  return out;
}

}  // namespace phonebulk::store::postgres

#endif  // PHONEBULK_STORE_POSTGRES_PG_ROWS_H_
