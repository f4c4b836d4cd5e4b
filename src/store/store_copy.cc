#include "store/store_copy.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "store/status_macros.h"

namespace phonebulk::store {
namespace {

constexpr char kTargetNotEmptyPayload[] = "phonebulk/copy-target-not-empty";

// Rows per insert statement: large enough that a million phones are a
// thousand round trips, small enough to keep the statement a few MB.
constexpr size_t kRowsPerInsert = 1000;
constexpr int64_t kProgressEveryRows = 50'000;

using T = CopyType;

// The columns of sql/sqlite and sql/postgres, which are twins by design.
// A column added to a copied table must be added here too: until it is,
// the copy refuses (CheckColumns) instead of losing its values.
constexpr CopyColumn kAccounts[] = {{"id", T::kInt},
                                    {"name", T::kText},
                                    {"credits", T::kInt},
                                    {"rate_limit_per_minute", T::kInt},
                                    {"created_us", T::kInt}};
constexpr CopyColumn kTokens[] = {
    {"id", T::kInt},         {"account_id", T::kInt},
    {"hash_hex", T::kText},  {"display_prefix", T::kText},
    {"products", T::kInt},   {"disabled", T::kBool},
    {"allow_ips", T::kText}, {"allow_domains", T::kText},
    {"created_us", T::kInt}};
constexpr CopyColumn kBatches[] = {{"id", T::kText},
                                   {"account_id", T::kInt},
                                   {"reference_id", T::kText},
                                   {"config_json", T::kText},
                                   {"status", T::kText},
                                   {"reason", T::kText},
                                   {"records", T::kInt},
                                   {"records_processed", T::kInt},
                                   {"date_submitted_us", T::kInt},
                                   {"date_started_us", T::kInt},
                                   {"date_ended_us", T::kInt},
                                   {"deadline_us", T::kInt},
                                   {"credits_reserved", T::kInt},
                                   {"credits_charged", T::kInt},
                                   {"purged", T::kBool}};
constexpr CopyColumn kPhones[] = {{"batch_id", T::kText},
                                  {"idx", T::kInt},
                                  {"number", T::kText},
                                  {"country_iso", T::kText},
                                  {"result_blob", T::kBytes}};
constexpr CopyColumn kChunks[] = {
    {"batch_id", T::kText},     {"chunk_index", T::kInt},
    {"first_index", T::kInt},   {"count", T::kInt},
    {"state", T::kText},        {"attempt", T::kInt},
    {"lease_until_us", T::kInt}};
constexpr CopyColumn kStatistics[] = {
    {"batch_id", T::kText}, {"bucket", T::kInt}, {"count", T::kInt}};
constexpr CopyColumn kIdempotency[] = {{"account_id", T::kInt},
                                       {"idem_key", T::kText},
                                       {"request_hash", T::kText},
                                       {"batch_id", T::kText},
                                       {"created_us", T::kInt}};
constexpr CopyColumn kPorting[] = {{"number", T::kText},
                                   {"operator_name", T::kText},
                                   {"mccmnc", T::kText},
                                   {"ported_date_us", T::kInt}};
constexpr CopyColumn kCache[] = {{"key_hash", T::kText},
                                 {"result_blob", T::kBytes},
                                 {"created_us", T::kInt}};
constexpr CopyColumn kWebhooks[] = {{"id", T::kInt},
                                    {"account_id", T::kInt},
                                    {"url", T::kText},
                                    {"secret", T::kText},
                                    {"created_us", T::kInt}};
constexpr CopyColumn kDeliveries[] = {{"id", T::kInt},
                                      {"message_id", T::kText},
                                      {"webhook_id", T::kInt},
                                      {"event_type", T::kText},
                                      {"batch_id", T::kText},
                                      {"state", T::kText},
                                      {"attempts", T::kInt},
                                      {"created_us", T::kInt},
                                      {"next_attempt_us", T::kInt},
                                      {"ended_us", T::kInt},
                                      {"last_error", T::kText}};

constexpr std::string_view kById[] = {"id"};
constexpr std::string_view kPhoneKey[] = {"batch_id", "idx"};
constexpr std::string_view kChunkKey[] = {"batch_id", "chunk_index"};
constexpr std::string_view kStatisticsKey[] = {"batch_id", "bucket"};
constexpr std::string_view kIdempotencyKey[] = {"account_id", "idem_key"};
constexpr std::string_view kByNumber[] = {"number"};
constexpr std::string_view kByKeyHash[] = {"key_hash"};

constexpr std::string_view kCacheTable = "validation_cache";

const std::array<CopyTable, 11> kTables = {{
    {"accounts", kAccounts, kById, "id"},
    {"tokens", kTokens, kById, "id"},
    {"batches", kBatches, kById, ""},
    {"phones", kPhones, kPhoneKey, ""},
    {"chunks", kChunks, kChunkKey, ""},
    {"batch_statistics", kStatistics, kStatisticsKey, ""},
    {"idempotency_keys", kIdempotency, kIdempotencyKey, ""},
    {"porting", kPorting, kByNumber, ""},
    {kCacheTable, kCache, kByKeyHash, ""},
    {"webhooks", kWebhooks, kById, "id"},
    {"webhook_deliveries", kDeliveries, kById, "id"},
}};

int ColumnIndex(const CopyTable& table, std::string_view name) {
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (table.columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

// The database's columns of `table` must be exactly the listed ones: an
// unlisted column would be lost, a missing one means another schema.
absl::Status CheckColumns(const CopyTable& table,
                          const std::vector<std::string>& actual,
                          std::string_view side) {
  if (actual.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the ", std::string(side), " database has no table ",
                     std::string(table.name),
                     "; is it a phonebulk database migrated by this build?"));
  }
  std::set<std::string> listed;
  for (const CopyColumn& c : table.columns) listed.emplace(c.name);
  std::vector<std::string> unknown;
  for (const std::string& name : actual) {
    if (!listed.erase(name)) unknown.push_back(name);
  }
  if (!unknown.empty() || !listed.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "table ", std::string(table.name), " of the ", std::string(side),
        " database does not have the columns this build copies (unknown: ",
        unknown.empty() ? "none" : absl::StrJoin(unknown, ", "),
        "; missing: ", listed.empty() ? "none" : absl::StrJoin(listed, ", "),
        "); use the build that migrated it"));
  }
  return absl::OkStatus();
}

// A worker of the source held the chunk; none of the target's does, so it
// goes back to the queue. The attempt number stays: a claim's fencing only
// needs it to grow from here.
bool ReleaseClaim(const CopyTable& chunks, CopyRow& row) {
  static const int state = ColumnIndex(chunks, "state");
  static const int lease = ColumnIndex(chunks, "lease_until_us");
  auto* s = std::get_if<std::string>(&row[state]);
  if (s == nullptr || *s != "claimed") return false;
  *s = "pending";
  row[lease] = std::monostate();
  return true;
}

class Copier {
 public:
  Copier(TableReader& reader, TableWriter& writer, const CopyOptions& options)
      : reader_(reader), writer_(writer), options_(options) {}

  // Checks every table of `all` on both sides, then copies `copied`.
  absl::Status Run(std::span<const CopyTable> all,
                   std::span<const CopyTable> copied, CopySummary& summary);

 private:
  absl::Status CheckTarget(std::span<const CopyTable> tables);
  absl::Status CopyOne(const CopyTable& table, CopySummary& summary);
  absl::Status Flush(const CopyTable& table, std::vector<CopyRow>& pending);

  TableReader& reader_;
  TableWriter& writer_;
  const CopyOptions& options_;
};

absl::Status Copier::CheckTarget(std::span<const CopyTable> tables) {
  std::vector<std::string> holding;
  for (const CopyTable& table : tables) {
    PB_ASSIGN_OR_RETURN(std::vector<std::string> source,
                        reader_.ColumnNames(table.name));
    PB_RETURN_IF_ERROR(CheckColumns(table, source, "source"));
    PB_ASSIGN_OR_RETURN(std::vector<std::string> target,
                        writer_.ColumnNames(table.name));
    PB_RETURN_IF_ERROR(CheckColumns(table, target, "target"));
    PB_ASSIGN_OR_RETURN(int64_t rows, writer_.CountRows(table.name));
    if (rows > 0) {
      holding.push_back(absl::StrCat(std::string(table.name), " ", rows));
    }
  }
  if (holding.empty()) return absl::OkStatus();
  absl::Status refused = absl::FailedPreconditionError(
      absl::StrCat("the target database already holds data (rows: ",
                   absl::StrJoin(holding, ", "),
                   "); copy into a new, empty database so nothing is mixed or "
                   "overwritten"));
  refused.SetPayload(kTargetNotEmptyPayload, absl::Cord("1"));
  return refused;
}

absl::Status Copier::Flush(const CopyTable& table,
                           std::vector<CopyRow>& pending) {
  if (pending.empty()) return absl::OkStatus();
  PB_RETURN_IF_ERROR(writer_.Insert(table, pending));
  pending.clear();
  return absl::OkStatus();
}

absl::Status Copier::CopyOne(const CopyTable& table, CopySummary& summary) {
  const bool is_chunks = table.name == "chunks";
  const int status_col =
      table.name == "batches" ? ColumnIndex(table, "status") : -1;
  const int credits_col =
      table.name == "accounts" ? ColumnIndex(table, "credits") : -1;
  std::map<std::string, int64_t> by_status;
  int64_t rows = 0;
  std::vector<CopyRow> pending;
  pending.reserve(kRowsPerInsert);
  PB_RETURN_IF_ERROR(
      reader_.Scan(table, [&](const CopyRow& row) -> absl::Status {
        if (row.size() != table.columns.size()) {
          return absl::InternalError("the source returned a malformed row");
        }
        pending.push_back(row);
        if (is_chunks && ReleaseClaim(table, pending.back())) {
          ++summary.claims_released;
        }
        if (status_col >= 0) {
          if (auto* s = std::get_if<std::string>(&row[status_col])) {
            ++by_status[*s];
          }
        }
        if (credits_col >= 0) {
          if (auto* c = std::get_if<int64_t>(&row[credits_col])) {
            summary.credits += *c;
          }
        }
        ++rows;
        if (pending.size() >= kRowsPerInsert) {
          PB_RETURN_IF_ERROR(Flush(table, pending));
        }
        if (options_.progress && rows % kProgressEveryRows == 0) {
          options_.progress(table.name, rows, false);
        }
        return absl::OkStatus();
      }));
  PB_RETURN_IF_ERROR(Flush(table, pending));
  if (options_.progress) options_.progress(table.name, rows, true);
  summary.rows.emplace_back(table.name, rows);
  for (const auto& [status, n] : by_status) {
    summary.batches_by_status.emplace_back(status, n);
  }
  return absl::OkStatus();
}

absl::Status Copier::Run(std::span<const CopyTable> all,
                         std::span<const CopyTable> copied,
                         CopySummary& summary) {
  PB_RETURN_IF_ERROR(CheckTarget(all));
  for (const CopyTable& table : copied) {
    PB_RETURN_IF_ERROR(CopyOne(table, summary));
  }
  return absl::OkStatus();
}

}  // namespace

std::span<const CopyTable> CopiedTables() { return kTables; }

bool IsTargetNotEmpty(const absl::Status& status) {
  return absl::IsFailedPrecondition(status) &&
         status.GetPayload(kTargetNotEmptyPayload).has_value();
}

absl::StatusOr<CopySummary> CopyStore(Store& from, Store& to,
                                      const CopyOptions& options) {
  // Every table is checked for emptiness, the cache too: a target that
  // served real-time calls already is not a new database.
  std::vector<CopyTable> copied(kTables.begin(), kTables.end());
  if (!options.include_cache) {
    std::erase_if(copied,
                  [](const CopyTable& t) { return t.name == kCacheTable; });
  }
  CopySummary summary;
  // The source snapshot stays open while the target transaction runs, so
  // rows stream from one to the other without being held in memory. Either
  // side may rerun its callback (a busy retry): the summary restarts too.
  PB_RETURN_IF_ERROR(from.ReadAllTables([&](TableReader& reader) {
    return to.WriteAllTables(kTables, [&](TableWriter& writer) {
      summary = CopySummary();
      Copier copier(reader, writer, options);
      return copier.Run(kTables, copied, summary);
    });
  }));
  return summary;
}

}  // namespace phonebulk::store
