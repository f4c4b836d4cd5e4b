#include "batch/account_service.h"

#include <utility>

#include "common/crypto.h"

namespace phonebulk::batch {

absl::StatusOr<Caller> AccountService::Identify(
    std::string_view token_hash_hex) const {
  absl::StatusOr<store::Token> token =
      accounts_.FindTokenByHash(token_hash_hex);
  if (!token.ok()) return token.status();
  if (!ConstantTimeEquals(token->hash_hex, token_hash_hex)) {
    return absl::NotFoundError("no such token");
  }
  absl::StatusOr<store::Account> account =
      accounts_.GetAccountById(token->account_id);
  if (!account.ok()) return account.status();
  return Caller{*std::move(token), *std::move(account)};
}

absl::StatusOr<std::optional<store::RateCount>> AccountService::CountRequest(
    int64_t account_id, absl::Time now, int limit) const {
  absl::StatusOr<store::RateCount> shared =
      accounts_.CountRequest(account_id, now, limit);
  if (absl::IsUnimplemented(shared.status())) return std::nullopt;
  if (!shared.ok()) return shared.status();
  return *shared;
}

absl::StatusOr<std::vector<std::string>> AccountService::BrowserDomains()
    const {
  absl::StatusOr<std::vector<store::Token>> tokens = accounts_.ListTokens();
  if (!tokens.ok()) return tokens.status();
  std::vector<std::string> domains;
  for (store::Token& token : *tokens) {
    if (token.disabled) continue;
    for (std::string& domain : token.allow_domains) {
      domains.push_back(std::move(domain));
    }
  }
  return domains;
}

}  // namespace phonebulk::batch
