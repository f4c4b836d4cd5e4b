#ifndef PHONEBULK_STORE_POSTGRES_POSTGRES_STORE_H_
#define PHONEBULK_STORE_POSTGRES_POSTGRES_STORE_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "store/postgres/pg_pool.h"
#include "store/store.h"

namespace phonebulk::store::postgres {

struct PostgresStoreOptions {
  // Stamps created times of accounts, tokens and migrations (the methods
  // that take `now` use theirs). Not owned; must outlive the store.
  const Clock* clock = &Clock::Real();
  int max_connections = 16;
};

// Opens the store on `url` ("postgresql://user:pass@host:port/db", or any
// libpq connection URI). Does not connect until the first call and does not
// migrate: call Migrate(). InvalidArgument for a URL libpq cannot parse.
absl::StatusOr<std::unique_ptr<Store>> OpenPostgresStore(
    const std::string& url, PostgresStoreOptions options = {});

// What each role of one store works with: the pool its transactions borrow
// connections from and the store's options, both owned by the PostgresStore.
template <typename Role>
class PostgresRole : public Role {
 public:
  PostgresRole(ConnectionPool* pool, const PostgresStoreOptions& options)
      : pool_(pool), options_(options) {}

 protected:
  ConnectionPool* const pool_;
  const PostgresStoreOptions& options_;
};

class PostgresAccounts final : public PostgresRole<AccountStore> {
 public:
  using PostgresRole::PostgresRole;

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
  absl::StatusOr<RateCount> CountRequest(int64_t account_id, absl::Time now,
                                         int limit) override;
};

class PostgresBatches final : public PostgresRole<BatchStore> {
 public:
  using PostgresRole::PostgresRole;

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

class PostgresQueue final : public PostgresRole<WorkQueue> {
 public:
  using PostgresRole::PostgresRole;

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

class PostgresPorting final : public PostgresRole<PortingStore> {
 public:
  using PostgresRole::PostgresRole;

  absl::StatusOr<std::unique_ptr<PortingImporter>> BeginPortingImport(
      bool replace) override;
  absl::StatusOr<std::vector<std::optional<PortingRecord>>> LookupPorting(
      std::span<const std::string> numbers) override;
};

class PostgresCache final : public PostgresRole<ValidationCache> {
 public:
  using PostgresRole::PostgresRole;

  absl::StatusOr<std::optional<std::string>> GetCachedResult(
      std::string_view key, absl::Time not_before) override;
  absl::Status PutCachedResult(std::string_view key, std::string_view blob,
                               absl::Time now) override;
  absl::StatusOr<int> PurgeCachedResultsBefore(absl::Time cutoff) override;
};

class PostgresWebhooks final : public PostgresRole<WebhookStore> {
 public:
  using PostgresRole::PostgresRole;

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

// Store on one PostgreSQL database, shared by any number of nodes.
// Thread-safe: each call borrows a pooled connection and runs as one READ
// COMMITTED transaction. Exactly-once transitions lock the rows they decide
// on (batch first, then chunk, then account, everywhere, so concurrent
// transactions cannot deadlock on each other) and are conditional updates,
// as in the SQLite store; chunk claims skip rows another node has locked
// (FOR UPDATE SKIP LOCKED), so nodes never queue behind each other's claims.
// Unavailable whenever the server cannot be reached; the pool reconnects on
// the next call.
class PostgresStore final : public Store {
 public:
  PostgresStore(std::unique_ptr<ConnectionPool> pool,
                PostgresStoreOptions options)
      : pool_(std::move(pool)), options_(options) {}

  AccountStore& accounts() override { return accounts_; }
  BatchStore& batches() override { return batches_; }
  WorkQueue& queue() override { return queue_; }
  PortingStore& porting() override { return porting_; }
  ValidationCache& cache() override { return cache_; }
  WebhookStore& webhooks() override { return webhooks_; }

  absl::Status Migrate() override;
  absl::Status Ping() override;

  // pg_copy.cc
  absl::Status ReadAllTables(
      absl::FunctionRef<absl::Status(TableReader&)> fn) override;
  absl::Status WriteAllTables(
      std::span<const CopyTable> tables,
      absl::FunctionRef<absl::Status(TableWriter&)> fn) override;

 private:
  std::unique_ptr<ConnectionPool> pool_;
  const PostgresStoreOptions options_;
  // The roles, after what they refer to.
  PostgresAccounts accounts_{pool_.get(), options_};
  PostgresBatches batches_{pool_.get(), options_};
  PostgresQueue queue_{pool_.get(), options_};
  PostgresPorting porting_{pool_.get(), options_};
  PostgresCache cache_{pool_.get(), options_};
  PostgresWebhooks webhooks_{pool_.get(), options_};
};

// Helpers shared by the store's .cc files; each runs inside the caller's
// transaction on `conn`.

// Inserts `batch` (status submitted), its phones and its chunks of
// `chunk_size`. NotFound for an unknown account, AlreadyExists for a
// duplicate id.
absl::Status InsertBatch(Connection& conn, const Batch& batch,
                         std::span<const PhoneInput> phones, int chunk_size);

// The batch `batch_id`, locked FOR UPDATE when `lock`; with `account_id`
// set, NotFound unless it is that account's.
absl::StatusOr<Batch> LoadBatch(Connection& conn, std::string_view batch_id,
                                std::optional<int64_t> account_id, bool lock);
// Ends `batch` (status submitted or processing) as `status` at `now` and
// gives its account back credits_reserved - credits_charged. Conditional on
// the status still being submitted/processing, so a batch is settled exactly
// once; callers hold the batch row lock. Writes the end's webhook
// deliveries (InsertWebhookDeliveries). Returns the updated batch.
absl::StatusOr<Batch> EndBatch(Connection& conn, const Batch& batch,
                               BatchStatus status, StopReason reason,
                               absl::Time now);

// Inserts the outbox rows of `ended` (a batch EndBatch just ended): one
// delivery of its end event to each webhook of its account (pg_webhooks.cc).
absl::Status InsertWebhookDeliveries(Connection& conn, const Batch& ended);

// Runs `delete_sql` (one $1 time parameter, `cutoff`) in a transaction of
// its own and returns how many rows it deleted: the retention purges.
absl::StatusOr<int> PurgeBefore(ConnectionPool& pool, const char* delete_sql,
                                absl::Time cutoff);

}  // namespace phonebulk::store::postgres

#endif  // PHONEBULK_STORE_POSTGRES_POSTGRES_STORE_H_
