#ifndef PHONEBULK_STORE_SQLITE_SQLITE_STORE_H_
#define PHONEBULK_STORE_SQLITE_SQLITE_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "store/sqlite/connection_pool.h"
#include "store/sqlite/storage_guard.h"
#include "store/store.h"

namespace phonebulk::store::sqlite {

struct SqliteStoreOptions {
  // Stamps created times of accounts, tokens and migrations (the methods
  // that take `now` use theirs). Not owned; must outlive the store.
  const Clock* clock = &Clock::Real();
  absl::Duration busy_timeout = absl::Seconds(10);
  // When the file is missing: create it (0600; missing directories 0700),
  // or fail with FailedPrecondition.
  bool create_if_missing = true;
  // Opens the file read-only (SQLITE_OPEN_READONLY, no journal-mode
  // change): for the source of a copy, which must not be written. Implies
  // !create_if_missing.
  bool read_only = false;
};

// Opens the SQLite database at `path`, creating it when missing and allowed
// (see SqliteStoreOptions). Does not migrate: call Migrate(). From then on
// every transaction first checks that the file at `path` is still the one
// opened (StorageGuard): once it is gone or replaced, every call is
// Unavailable. Unavailable when the file cannot be created or opened.
absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(
    const std::string& path, SqliteStoreOptions options = {});

// What each role of one store works with: the pool its transactions borrow
// connections from and the store's options, both owned by the SqliteStore.
template <typename Role>
class SqliteRole : public Role {
 public:
  SqliteRole(ConnectionPool* pool, const SqliteStoreOptions& options)
      : pool_(pool), options_(options) {}

 protected:
  ConnectionPool* const pool_;
  const SqliteStoreOptions& options_;
};

class SqliteAccounts final : public SqliteRole<AccountStore> {
 public:
  using SqliteRole::SqliteRole;

  absl::StatusOr<Account> EnsureAccount(std::string_view name,
                                        std::optional<int> rate_limit) override;
  absl::StatusOr<Account> GetAccount(std::string_view name) override;
  absl::StatusOr<Account> GetAccountById(int64_t id) override;
  absl::StatusOr<std::vector<Account>> ListAccounts() override;
  absl::StatusOr<Account> AddCredits(std::string_view name,
                                     int64_t delta) override;
  absl::StatusOr<Token> InsertToken(const Token& token) override;
  absl::StatusOr<Token> FindTokenByHash(std::string_view hash_hex) override;
  absl::Status SetTokenDisabled(std::string_view hash_or_prefix,
                                bool disabled) override;
  absl::StatusOr<std::vector<Token>> ListTokens() override;
  absl::StatusOr<int64_t> ChargeCredits(int64_t account_id,
                                        int64_t amount) override;
};

class SqliteBatches final : public SqliteRole<BatchStore> {
 public:
  using SqliteRole::SqliteRole;

  absl::Status CreateBatch(const Batch& batch,
                           std::span<const PhoneInput> phones,
                           int chunk_size) override;
  absl::StatusOr<IdempotencyRecord> CreateBatchIdempotent(
      const Batch& batch, std::span<const PhoneInput> phones, int chunk_size,
      const IdempotencyRecord& record, absl::Time not_before) override;
  absl::StatusOr<int> PurgeIdempotencyRecordsBefore(absl::Time cutoff) override;
  absl::StatusOr<Batch> GetBatch(int64_t account_id,
                                 std::string_view batch_id) override;
  absl::StatusOr<std::vector<Batch>> ListBatches(int64_t account_id) override;
  absl::StatusOr<Batch> StartBatch(int64_t account_id,
                                   std::string_view batch_id, absl::Time now,
                                   int64_t reserve,
                                   std::optional<absl::Time> deadline) override;
  absl::StatusOr<Batch> StopBatch(int64_t account_id, std::string_view batch_id,
                                  absl::Time now, StopReason reason) override;
  absl::StatusOr<std::vector<PhoneRecord>> GetPhones(
      std::string_view batch_id) override;
  absl::StatusOr<std::vector<PhoneRecord>> GetPhonePage(
      std::string_view batch_id, int64_t offset, int64_t limit) override;
  absl::StatusOr<std::vector<int64_t>> GetStatistics(
      std::string_view batch_id) override;
  absl::StatusOr<int> StopExpiredBatches(absl::Time now) override;
  absl::StatusOr<int> PurgeBatchesSubmittedBefore(absl::Time cutoff,
                                                  absl::Time now) override;
  absl::StatusOr<StoreStats> Stats() override;
};

class SqliteQueue final : public SqliteRole<WorkQueue> {
 public:
  using SqliteRole::SqliteRole;

  absl::StatusOr<std::optional<ChunkClaim>> ClaimChunk(
      absl::Time now, absl::Duration lease) override;
  absl::StatusOr<std::optional<Batch>> CommitChunk(
      const ChunkClaim& claim, std::span<const ProcessedPhone> results,
      int64_t charge, absl::Time now) override;
  absl::Status ExtendLease(ChunkClaim& claim, absl::Time now,
                           absl::Duration lease) override;
  absl::Status ReleaseChunk(const ChunkClaim& claim) override;
  absl::StatusOr<Batch> FailChunkBatch(const ChunkClaim& claim,
                                       absl::Time now) override;
};

class SqlitePorting final : public SqliteRole<PortingStore> {
 public:
  using SqliteRole::SqliteRole;

  absl::StatusOr<std::unique_ptr<PortingImporter>> BeginPortingImport(
      bool replace) override;
  absl::StatusOr<std::vector<std::optional<PortingRecord>>> LookupPorting(
      std::span<const std::string> numbers) override;
};

class SqliteCache final : public SqliteRole<ValidationCache> {
 public:
  using SqliteRole::SqliteRole;

  absl::StatusOr<std::optional<std::string>> GetCachedResult(
      std::string_view key, absl::Time not_before) override;
  absl::Status PutCachedResult(std::string_view key, std::string_view blob,
                               absl::Time now) override;
  absl::StatusOr<int> PurgeCachedResultsBefore(absl::Time cutoff) override;
};

class SqliteWebhooks final : public SqliteRole<WebhookStore> {
 public:
  using SqliteRole::SqliteRole;

  absl::StatusOr<Webhook> AddWebhook(int64_t account_id, std::string_view url,
                                     std::string_view secret,
                                     absl::Time now) override;
  absl::StatusOr<std::vector<Webhook>> ListWebhooks(
      std::optional<int64_t> account_id) override;
  absl::Status RemoveWebhook(int64_t account_id, int64_t id) override;
  absl::StatusOr<std::optional<WebhookDelivery>> ClaimDelivery(
      absl::Time now, absl::Duration lease) override;
  absl::Status FinishDelivery(const WebhookDelivery& delivery,
                              DeliveryOutcome outcome, absl::Time retry_at,
                              std::string_view error, absl::Time now) override;
  absl::StatusOr<WebhookCounts> CountDeliveries() override;
};

// Store on one SQLite file (WAL mode). Thread-safe: each call borrows a
// connection from a pool and runs as one transaction; writes use BEGIN
// IMMEDIATE and are retried on BUSY, so many threads and processes can share
// the file. Exactly-once transitions (start, commit, stop, settlement) are
// conditional updates checked inside those transactions.
class SqliteStore final : public Store {
 public:
  SqliteStore(std::unique_ptr<ConnectionPool> pool, SqliteStoreOptions options,
              std::shared_ptr<const StorageGuard> guard = nullptr)
      : pool_(std::move(pool)), options_(options), guard_(std::move(guard)) {}

  AccountStore& accounts() override { return accounts_; }
  BatchStore& batches() override { return batches_; }
  WorkQueue& queue() override { return queue_; }
  PortingStore& porting() override { return porting_; }
  ValidationCache& cache() override { return cache_; }
  WebhookStore& webhooks() override { return webhooks_; }

  absl::Status Migrate() override;
  absl::Status Ping() override;

  // sqlite_copy.cc
  absl::Status ReadAllTables(
      absl::FunctionRef<absl::Status(TableReader&)> fn) override;
  absl::Status WriteAllTables(
      std::span<const CopyTable> tables,
      absl::FunctionRef<absl::Status(TableWriter&)> fn) override;

 private:
  std::unique_ptr<ConnectionPool> pool_;
  const SqliteStoreOptions options_;
  std::shared_ptr<const StorageGuard> guard_;  // shared with pool_'s precheck
  // The roles, after what they refer to.
  SqliteAccounts accounts_{pool_.get(), options_};
  SqliteBatches batches_{pool_.get(), options_};
  SqliteQueue queue_{pool_.get(), options_};
  SqlitePorting porting_{pool_.get(), options_};
  SqliteCache cache_{pool_.get(), options_};
  SqliteWebhooks webhooks_{pool_.get(), options_};
};

// Helpers shared by the store's .cc files; each runs inside the caller's
// transaction on `conn`.

// The batch `batch_id`; with `account_id` set, NotFound unless it is that
// account's.
absl::StatusOr<Batch> LoadBatch(Connection& conn, std::string_view batch_id,
                                std::optional<int64_t> account_id);
// Inserts `batch` (status submitted), its phones and its chunks.
absl::Status InsertBatch(Connection& conn, const Batch& batch,
                         std::span<const PhoneInput> phones, int chunk_size);
// Ends `batch` (status submitted or processing) as `status` at `now` and
// gives its account back credits_reserved - credits_charged. The update is
// conditional on the status still being submitted/processing, so a batch is
// settled exactly once even if two callers race. Writes the end's webhook
// deliveries (InsertWebhookDeliveries). Returns the updated batch.
absl::StatusOr<Batch> EndBatch(Connection& conn, const Batch& batch,
                               BatchStatus status, StopReason reason,
                               absl::Time now);

// Inserts the outbox rows of `ended` (a batch EndBatch just ended): one
// delivery of its end event to each webhook of its account
// (sqlite_webhooks.cc).
absl::Status InsertWebhookDeliveries(Connection& conn, const Batch& ended);

// Runs `delete_sql` (one ?1 time parameter, `cutoff`) in a write transaction
// of its own and returns how many rows it deleted: the retention purges.
absl::StatusOr<int> PurgeBefore(ConnectionPool& pool, const char* delete_sql,
                                absl::Time cutoff);

}  // namespace phonebulk::store::sqlite

#endif  // PHONEBULK_STORE_SQLITE_SQLITE_STORE_H_
