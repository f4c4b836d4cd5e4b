#ifndef PHONEBULK_STORE_ACCOUNT_STORE_H_
#define PHONEBULK_STORE_ACCOUNT_STORE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "store/records.h"

namespace phonebulk::store {

// The accounts role: accounts, their credit balances and request counts,
// and the API tokens that act for them (only token hashes are kept). The
// API reaches it through batch::AccountService, never directly.
// Every method is one transaction, safe to call from many threads and from
// many processes sharing the same database; error codes as in
// store/errors.h.
class AccountStore {
 public:
  virtual ~AccountStore() = default;

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

  // Takes `amount` (> 0) credits from the account's balance in one
  // transaction and returns the new balance. ResourceExhausted, with nothing
  // taken, when the balance is smaller than `amount` (the message gives the
  // balance); NotFound for an unknown account; InvalidArgument for
  // amount <= 0.
  virtual absl::StatusOr<int64_t> ChargeCredits(int64_t account_id,
                                                int64_t amount) = 0;

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
};

}  // namespace phonebulk::store

#endif  // PHONEBULK_STORE_ACCOUNT_STORE_H_
