#ifndef PHONEBULK_BATCH_ACCOUNT_SERVICE_H_
#define PHONEBULK_BATCH_ACCOUNT_SERVICE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "store/account_store.h"
#include "store/records.h"

namespace phonebulk::batch {

// Who is calling: the token a request carried and the account it acts for.
struct Caller {
  store::Token token;
  store::Account account;
};

// What the API asks of accounts on every request, independent of HTTP and
// SQL: who a token is, and whether the account may make one more request
// this minute. The API authenticates through this service only; the admin
// CLI (accounts, tokens, credits) works on the store's accounts role
// directly. Thread-safe (holds no mutable state).
class AccountService {
 public:
  // `accounts` must outlive the service.
  explicit AccountService(store::AccountStore& accounts)
      : accounts_(accounts) {}

  // The caller whose token hashes to `token_hash_hex` (SHA-256, lower-case
  // hex). NotFound when no token has that hash, or its account is gone; the
  // store's codes otherwise (Unavailable: the database is down). The hash
  // found is compared again in constant time, so an index or cache in front
  // of the lookup can never become a timing oracle. Does not look at
  // `disabled`, scopes or allow-lists: the API refuses those with answers of
  // their own.
  absl::StatusOr<Caller> Identify(std::string_view token_hash_hex) const;

  // Counts one request of `account_id` at `now` against `limit` a minute in
  // the count every node of the database shares. nullopt when the store
  // keeps no shared count (SQLite: one process owns the file), so the caller
  // counts in memory; the store's codes otherwise.
  absl::StatusOr<std::optional<store::RateCount>> CountRequest(
      int64_t account_id, absl::Time now, int limit) const;

  // Every entry of the domain allow-lists of the enabled tokens, in no
  // particular order (duplicates kept): the sites whose pages may be told,
  // by a CORS preflight, that they may call the API. Reads every token: a
  // preflight is rare (browsers reuse its answer for minutes) and must see a
  // token created a moment ago. The store's codes on failure.
  absl::StatusOr<std::vector<std::string>> BrowserDomains() const;

 private:
  store::AccountStore& accounts_;
};

}  // namespace phonebulk::batch

#endif  // PHONEBULK_BATCH_ACCOUNT_SERVICE_H_
