#ifndef PHONEBULK_STORE_STORE_H_
#define PHONEBULK_STORE_STORE_H_

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "store/copy_rows.h"
#include "store/records.h"

namespace phonebulk::store {

// Streams the rows of one porting import into the store without holding the
// whole file in memory (see Store::BeginPortingImport). Rows are buffered and
// written in transactions of kPortingImportBatchRows, each with one reused
// prepared statement. Not thread-safe: one thread feeds one importer; any
// number of importers and readers may run at once.
class PortingImporter {
 public:
  // Abandons an import that Finish() did not complete: rows not yet written
  // are dropped and a replace import's staged table is deleted, so the
  // porting table keeps what it had (a merge keeps the transactions it has
  // already committed).
  virtual ~PortingImporter() = default;

  // Adds one row. A later row for the same number replaces an earlier one.
  // InvalidArgument (nothing added, the importer stays usable) when
  // `record.number` is not 1-15 digits; a storage error (Unavailable,
  // Internal) ends the import: every later call returns it.
  virtual absl::Status Add(const PortingRecord& record) = 0;

  // Writes the remaining rows and, for a replace import, swaps the staged
  // table in (one transaction: readers see the old table or the new one,
  // never a mix). Returns the number of rows added. Call once.
  virtual absl::StatusOr<int64_t> Finish() = 0;
};

// Rows per write transaction of a porting import: large enough that commits
// cost little, small enough that other writers wait at most a fraction of a
// second for the lock.
inline constexpr int kPortingImportBatchRows = 50'000;

// Persistent storage for accounts, tokens, batches, phones, the chunk work
// queue and the real-time answer cache. Every method is one transaction and is
// safe to call from many threads and from many processes sharing the same
// database.
//
// Error codes: NotFound (no such row, or not the caller's), FailedPrecondition
// (a transition that does not fit the current status; the message names the
// status), ResourceExhausted (not enough credits), Aborted (a chunk claim that
// has been taken over or whose batch is no longer processing), Unavailable
// (the database cannot be reached), Internal (anything else). Messages never
// contain SQL or file paths.
class Store {
 public:
  virtual ~Store() = default;

  // Applies pending schema migrations. Idempotent.
  virtual absl::Status Migrate() = 0;
  // The health check behind /readyz and the server's periodic check: the
  // database is reachable, is still the one opened (a file deleted or
  // replaced under a running server is never recreated), and a small write
  // commits (so a full disk or a read-only file shows). Unavailable, with a
  // message a person can act on and no path, when any of it fails. One short
  // write transaction; call it every few seconds, not per request.
  virtual absl::Status Ping() = 0;

  // ---- Accounts and tokens ----

  // Returns the account named `name`, creating it (with `rate_limit` or the
  // default 150/minute) when new. An existing account's rate limit is changed
  // only when `rate_limit` is given.
  virtual absl::StatusOr<Account> EnsureAccount(
      std::string_view name, std::optional<int> rate_limit) = 0;
  virtual absl::StatusOr<Account> GetAccount(std::string_view name) = 0;
  virtual absl::StatusOr<Account> GetAccountById(int64_t id) = 0;
  virtual absl::StatusOr<std::vector<Account>> ListAccounts() = 0;
  // Adds `delta` (may be negative, but not below zero: FailedPrecondition;
  // nor past INT64_MAX: OutOfRange).
  virtual absl::StatusOr<Account> AddCredits(std::string_view name,
                                             int64_t delta) = 0;

  // Inserts `token` (its id and created time are assigned). AlreadyExists on
  // a duplicate hash.
  virtual absl::StatusOr<Token> InsertToken(const Token& token) = 0;
  virtual absl::StatusOr<Token> FindTokenByHash(std::string_view hash_hex) = 0;
  // `hash_or_prefix`: the full hash, or a display prefix that matches exactly
  // one token. NotFound / FailedPrecondition (ambiguous prefix).
  virtual absl::Status SetTokenDisabled(std::string_view hash_or_prefix,
                                        bool disabled) = 0;
  virtual absl::StatusOr<std::vector<Token>> ListTokens() = 0;

  // ---- Batches ----

  // Stores `batch` (status submitted) and its phones, split into chunks of
  // `chunk_size` phones, in one transaction.
  virtual absl::Status CreateBatch(const Batch& batch,
                                   std::span<const PhoneInput> phones,
                                   int chunk_size) = 0;
  // ---- Idempotent create (the idempotency role) ----

  // In one write transaction: when `record.account_id` holds a record for
  // `record.key` created at or after `not_before`, returns that record and
  // stores nothing; otherwise stores `batch` and its phones exactly as
  // CreateBatch does together with `record` (replacing an expired record of
  // the same key) and returns `record`. The caller tells a replay from a new
  // batch by the returned batch_id. Keys are per account: another account's
  // record with the same key is never seen. InvalidArgument when
  // record.batch_id != batch.id or the key is empty; otherwise CreateBatch's
  // errors.
  virtual absl::StatusOr<IdempotencyRecord> CreateBatchIdempotent(
      const Batch& batch, std::span<const PhoneInput> phones, int chunk_size,
      const IdempotencyRecord& record, absl::Time not_before) = 0;
  // Deletes the idempotency records created before `cutoff` (their batches
  // stay); returns how many. One transaction.
  virtual absl::StatusOr<int> PurgeIdempotencyRecordsBefore(
      absl::Time cutoff) = 0;

  // NotFound when the batch does not exist or belongs to another account.
  virtual absl::StatusOr<Batch> GetBatch(int64_t account_id,
                                         std::string_view batch_id) = 0;
  // The account's batches, newest first.
  virtual absl::StatusOr<std::vector<Batch>> ListBatches(
      int64_t account_id) = 0;

  // submitted -> processing. Takes `reserve` credits from the account's
  // balance (ResourceExhausted when it cannot cover them) and records the
  // deadline. FailedPrecondition when the batch is not submitted.
  virtual absl::StatusOr<Batch> StartBatch(
      int64_t account_id, std::string_view batch_id, absl::Time now,
      int64_t reserve, std::optional<absl::Time> deadline) = 0;
  // submitted|processing -> stopped with `reason`, settling the reservation:
  // the balance gets back credits_reserved - credits_charged. In-flight
  // claims of the batch can no longer commit. FailedPrecondition when the
  // batch is completed or stopped already.
  virtual absl::StatusOr<Batch> StopBatch(int64_t account_id,
                                          std::string_view batch_id,
                                          absl::Time now,
                                          StopReason reason) = 0;
  // Phones in submission order, with result blobs where processed.
  virtual absl::StatusOr<std::vector<PhoneRecord>> GetPhones(
      std::string_view batch_id) = 0;
  // Phones with index in [offset, offset + limit), in submission order: one
  // page of results without reading the rest. NotFound for an unknown batch.
  virtual absl::StatusOr<std::vector<PhoneRecord>> GetPhonePage(
      std::string_view batch_id, int64_t offset, int64_t limit) = 0;
  // The batch's committed phones counted by ProcessedPhone::statistics_bucket
  // (element i is bucket i's count; trailing zero buckets may be left out).
  // Summed by each CommitChunk in its own transaction, so the counts always
  // add up to records_processed, except for batches committed before
  // migration 006 counted them (their counts are empty or short: the caller
  // checks the sum). NotFound for an unknown batch.
  virtual absl::StatusOr<std::vector<int64_t>> GetStatistics(
      std::string_view batch_id) = 0;

  // ---- Work queue ----

  // Claims one chunk of a processing batch that is pending, or claimed with
  // an expired lease, increments its attempt and leases it until now+lease.
  // Oldest started batch first. nullopt when there is no work.
  virtual absl::StatusOr<std::optional<ChunkClaim>> ClaimChunk(
      absl::Time now, absl::Duration lease) = 0;
  // In one transaction: checks the claim is still current (same attempt, not
  // done, batch processing), stores the results, marks the chunk done, adds
  // the phones to records_processed and `charge` to credits_charged, and when
  // the batch has no chunk left marks it completed and settles its
  // reservation. Aborted when the claim is stale; nothing is written then.
  virtual absl::Status CommitChunk(const ChunkClaim& claim,
                                   std::span<const ProcessedPhone> results,
                                   int64_t charge, absl::Time now) = 0;
  // Pushes the claim's lease to now+lease while the claim is still current
  // (same attempt, not done), so a worker on a slow chunk (live lookups,
  // a loaded machine) is not taken over while it is still working. Aborted
  // when the claim was taken over or finished.
  virtual absl::Status ExtendLease(ChunkClaim& claim, absl::Time now,
                                   absl::Duration lease) = 0;
  // Hands a claim back (graceful shutdown) so another worker takes it now.
  virtual absl::Status ReleaseChunk(const ChunkClaim& claim) = 0;
  // For a chunk that can never be processed (its batch's config does not
  // parse, its rows are corrupt): while `claim` is current, stops its batch
  // with reason kProcessingFailed and settles like StopBatch, so the
  // balance gets back everything not charged by committed chunks. Aborted
  // when the claim is stale or the batch no longer processing.
  virtual absl::StatusOr<Batch> FailChunkBatch(const ChunkClaim& claim,
                                               absl::Time now) = 0;

  // Stops, with reason max_processing_time, every processing batch whose
  // deadline is <= now, settling each. Returns how many were stopped.
  virtual absl::StatusOr<int> StopExpiredBatches(absl::Time now) = 0;
  // Deletes the phones of batches submitted before `cutoff` and marks them
  // purged (the batch row stays so calls can say why it is gone). Returns
  // how many batches were purged.
  virtual absl::StatusOr<int> PurgeBatchesSubmittedBefore(absl::Time cutoff,
                                                          absl::Time now) = 0;

  virtual absl::StatusOr<StoreStats> Stats() = 0;

  // ---- Real-time validation ----

  // Takes `amount` (> 0) credits from the account's balance in one
  // transaction and returns the new balance. ResourceExhausted, with nothing
  // taken, when the balance is smaller than `amount` (the message gives the
  // balance); NotFound for an unknown account; InvalidArgument for
  // amount <= 0.
  virtual absl::StatusOr<int64_t> ChargeCredits(int64_t account_id,
                                                int64_t amount) = 0;

  // The real-time answer cache, keyed by an opaque hash of the number and
  // the options that shape the answer (built by batch/validate_service).
  // The blob is opaque too (see batch/result_codec.h).

  // The blob stored under `key` when it was stored at or after
  // `not_before`; nullopt when there is none or it is older.
  virtual absl::StatusOr<std::optional<std::string>> GetCachedResult(
      std::string_view key, absl::Time not_before) = 0;
  // Stores `blob` under `key` as created at `now`, replacing any older entry.
  virtual absl::Status PutCachedResult(std::string_view key,
                                       std::string_view blob,
                                       absl::Time now) = 0;
  // Deletes the entries created before `cutoff`; returns how many.
  virtual absl::StatusOr<int> PurgeCachedResultsBefore(absl::Time cutoff) = 0;

  // ---- Request rate (one limit for all the nodes of a database) ----

  // Counts one request of `account_id` in the wall-clock minute holding
  // `now`, unless `limit` requests were counted in it already (then
  // admitted is false and nothing changes). One short write transaction.
  // Unimplemented when the store does not share counts: the caller then
  // counts in memory (SQLite, where one server process owns the file).
  virtual absl::StatusOr<RateCount> CountRequest(int64_t account_id,
                                                 absl::Time now, int limit) {
    return absl::UnimplementedError("request counts are kept per process");
  }

  // ---- Number portability (imported file, looked up locally) ----

  // Starts an import of porting rows. With `replace`, the rows go to a
  // staging table and Finish() swaps it for the current table, so the porting
  // table afterwards holds exactly the imported rows (merges committed while
  // the replace ran are discarded with the old table; of two replace imports
  // running at once the last to finish wins and the other fails). Without
  // it (merge), each row is inserted or overwrites the stored row for its
  // number, committed batch by batch, and other numbers keep their rows.
  // The importer must not outlive the store. FailedPrecondition when the
  // database is not migrated.
  virtual absl::StatusOr<std::unique_ptr<PortingImporter>> BeginPortingImport(
      bool replace) = 0;

  // The stored porting facts of each of `numbers` (E.164 digits): result[i]
  // answers numbers[i], nullopt when the table has no row for it (including
  // numbers that are not digits). One indexed query per few hundred numbers,
  // all in one read snapshot.
  virtual absl::StatusOr<std::vector<std::optional<PortingRecord>>>
  LookupPorting(std::span<const std::string> numbers) = 0;

  // ---- Copying a whole store (the copy role, store/store_copy.h) ----

  // Runs `fn` with a reader over one consistent read snapshot of the whole
  // database (a live database keeps serving meanwhile); writes nothing.
  // FailedPrecondition when the database's schema is not exactly this
  // build's (older: migrate it first; newer: use the newer build).
  // Unimplemented when the backend cannot be a copy source.
  virtual absl::Status ReadAllTables(
      absl::FunctionRef<absl::Status(TableReader&)> fn) {
    return absl::UnimplementedError(
        "this kind of database cannot be copied from");
  }
  // Runs `fn` with a writer in one write transaction that holds off other
  // writers of `tables`; when `fn` succeeds, moves each table's
  // serial_column sequence past the largest copied value and commits. When
  // anything fails, nothing is written. Unimplemented when the backend
  // cannot be a copy target.
  virtual absl::Status WriteAllTables(
      std::span<const CopyTable> tables,
      absl::FunctionRef<absl::Status(TableWriter&)> fn) {
    return absl::UnimplementedError(
        "this kind of database cannot be copied into");
  }
};

// An Unavailable status marked as "the database was lost or cannot take
// writes" (see Store::Ping): its message is meant for the caller (no paths)
// and stays true until an operator acts, unlike a busy retry.
absl::Status StorageLostError(std::string_view message);
bool IsStorageLost(const absl::Status& status);

// The Aborted answer to a write under a chunk claim that is no longer
// current (another worker took the chunk over, or finished it): the
// attempt-number fence. Marked, so that a worker can count it apart from a
// claim voided by a stopped batch.
absl::Status StaleClaimError();
bool IsStaleClaim(const absl::Status& status);

enum class OpenMode {
  kCreateIfMissing,  // a new, empty database when none exists
  kMustExist,        // FailedPrecondition when none exists (admin commands)
  // Like kMustExist, and nothing is ever written (the source of a copy):
  // a SQLite file is opened read-only; call neither Migrate() nor a method
  // that writes.
  kReadOnly,
};

// Opens the store named by `url`: "sqlite:PATH" or
// "postgresql://USER:PASSWORD@HOST:PORT/DATABASE" (also "postgres://"). A
// SQLite database (file 0600, and its directory 0700 when created here) is
// created only with kCreateIfMissing; the message of kMustExist's
// FailedPrecondition says so without naming the path. A PostgreSQL database
// must exist (the mode does not apply); the store connects lazily, so a
// database that is down shows as Unavailable from the first call, and the
// URL's password never appears in a message. InvalidArgument for an unknown
// scheme or a URL libpq cannot parse.
absl::StatusOr<std::unique_ptr<Store>> OpenStore(
    std::string_view url, OpenMode mode = OpenMode::kCreateIfMissing);

// `url` fit for a log or an error message: a password in it
// ("postgresql://user:secret@host/db") is replaced by "***".
std::string RedactUrl(std::string_view url);

}  // namespace phonebulk::store

#endif  // PHONEBULK_STORE_STORE_H_
