#ifndef PHONEBULK_STORE_SQLITE_ROWS_H_
#define PHONEBULK_STORE_SQLITE_ROWS_H_

// Conversions between the store's records and SQLite rows, shared by the
// store's .cc files. Internal to store/sqlite.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "store/records.h"
#include "store/sqlite/connection.h"

namespace phonebulk::store::sqlite {

const char* StatusName(BatchStatus status);
std::optional<BatchStatus> ParseStatus(std::string_view name);
const char* ReasonName(StopReason reason);
std::optional<StopReason> ParseReason(std::string_view name);

// Allow-lists are stored newline-joined; "" is the empty list.
std::string JoinLines(const std::vector<std::string>& items);
std::vector<std::string> SplitLines(std::string_view text);

// Readers of the first column, for ReadRows over one-column selects.
inline std::string FirstColumnText(const Statement& row) { return row.Text(0); }
inline int64_t FirstColumnInt64(const Statement& row) { return row.Int64(0); }

// Column lists to select, and readers for rows selected with them.
inline constexpr char kAccountColumns[] =
    "id, name, credits, rate_limit_per_minute, created_us";
Account ReadAccount(const Statement& row);

inline constexpr char kTokenColumns[] =
    "t.id, t.account_id, a.name, t.hash_hex, t.display_prefix, t.products, "
    "t.disabled, t.allow_ips, t.allow_domains, t.created_us";
// FROM clause matching kTokenColumns.
inline constexpr char kTokenFrom[] =
    "tokens t JOIN accounts a ON a.id = t.account_id";
Token ReadToken(const Statement& row);

inline constexpr char kBatchColumns[] =
    "id, account_id, reference_id, config_json, status, reason, records, "
    "records_processed, date_submitted_us, date_started_us, date_ended_us, "
    "deadline_us, credits_reserved, credits_charged, purged";
// Internal when the row holds a status or reason this build does not know.
absl::StatusOr<Batch> ReadBatch(const Statement& row);

}  // namespace phonebulk::store::sqlite

#endif  // PHONEBULK_STORE_SQLITE_ROWS_H_
