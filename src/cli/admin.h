#ifndef PHONEBULK_CLI_ADMIN_H_
#define PHONEBULK_CLI_ADMIN_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "store/store.h"

namespace CLI {
class App;
}  // namespace CLI

namespace phonebulk::cli {

struct NewToken {
  std::string account_name;
  int64_t credits = 0;
  std::optional<int> rate_limit;
  uint32_t products = store::kProductPhoneBulk | store::kProductPhoneValidate;
  std::vector<std::string> allow_ips;
  std::vector<std::string> allow_domains;
};

// Creates the account if new, adds `credits`, and issues a token: 160 random
// bits, "pb_" + 40 hex digits. Only its SHA-256 is stored; the returned
// string is the one chance to see it.
absl::StatusOr<std::string> CreateToken(store::Store& store,
                                        const NewToken& spec);

// When the database has no account yet: creates "demo" with 100,000 credits
// and a token, and prints the token on stdout.
absl::Status EnsureDemoAccount(store::Store& store);

// Adds the database flags of a command that uses the store: --db (required,
// or PHONEBULK_DB) into `*db`, and --create: only then may OpenStoreForCli
// create a missing database.
void AddDbFlags(CLI::App* cmd, std::string* db);

// Opens and migrates the store at `db_url` for a CLI command; on failure
// prints why on stderr and returns null (the caller exits 1).
std::unique_ptr<store::Store> OpenStoreForCli(const std::string& db_url);

// The exit code of a command on the store at `db_url`: 1 when it cannot be
// opened (the reason is printed), else what `run` returns.
int RunOnStoreForCli(const std::string& db_url,
                     const std::function<int(store::Store&)>& run);

}  // namespace phonebulk::cli

#endif  // PHONEBULK_CLI_ADMIN_H_
