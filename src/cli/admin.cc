#include "cli/admin.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <limits>
#include <memory>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_join.h"
#include "api/access.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "common/crypto.h"
#include "common/strings.h"
#include "common/time_format.h"
#include "nlohmann/json.hpp"

namespace phonebulk::cli {
namespace {

constexpr size_t kDisplayPrefixLength = 10;  // "pb_" + 7 hex digits

absl::StatusOr<uint32_t> ParseProducts(const std::string& list) {
  uint32_t products = 0;
  for (std::string_view p : Split(list, ',')) {
    p = TrimAscii(p);
    if (p.empty()) continue;
    if (p == "phone-bulk") {
      products |= store::kProductPhoneBulk;
    } else if (p == "phone-validate") {
      products |= store::kProductPhoneValidate;
    } else {
      return absl::InvalidArgumentError(
          "--products: unknown product '" + SafeText(p, 64) +
          "'; use phone-bulk and/or phone-validate");
    }
  }
  if (products == 0) {
    return absl::InvalidArgumentError("--products: name at least one product");
  }
  return products;
}

std::string ProductNames(uint32_t products) {
  std::vector<std::string> names;
  if (products & store::kProductPhoneBulk) names.push_back("phone-bulk");
  if (products & store::kProductPhoneValidate)
    names.push_back("phone-validate");
  return absl::StrJoin(names, ",");
}

// Set by --create (one command runs per process). Without it a missing
// database is an error, so a mistyped or vanished path is never silently
// replaced by an empty database.
bool g_create_database = false;

// Opens and migrates the store, or prints why not and returns null.
std::unique_ptr<store::Store> Open(const std::string& db) {
  auto store =
      store::OpenStore(db, g_create_database ? store::OpenMode::kCreateIfMissing
                                             : store::OpenMode::kMustExist);
  if (!store.ok()) {
    std::cerr << "cannot open --db " << SafeText(store::RedactUrl(db)) << ": "
              << SafeText(std::string(store.status().message()), 1024) << "\n";
    return nullptr;
  }
  if (absl::Status s = (*store)->Migrate(); !s.ok()) {
    std::cerr << "cannot migrate the database: "
              << SafeText(std::string(s.message()), 1024) << "\n";
    return nullptr;
  }
  return *std::move(store);
}

// The exit code of a command that works on the store at `db`: 1 when it
// cannot be opened (Open says why), else what `run` returns.
int RunOnStore(const std::string& db,
               absl::FunctionRef<int(store::Store& store)> run) {
  std::unique_ptr<store::Store> store = Open(db);
  return store == nullptr ? kExitFailure : run(*store);
}

// Messages may quote what was typed or stored (names, flags): cleaned, so
// nothing reaches the terminal as a control sequence or invalid UTF-8.
int Fail(const absl::Status& s) {
  std::cerr << "error: " << SafeText(std::string(s.message()), 1024) << "\n";
  return kExitFailure;
}

// Empty when `name` may name an account, else why not. Names are printed in
// logs, listings and terminals, so only printable text: valid UTF-8 without
// control characters (C0, DEL, C1) or bidirectional overrides, i.e. text
// SafeText leaves as it is.
std::string AccountNameProblem(std::string_view name) {
  if (name.empty()) return "name the account";
  if (!IsValidUtf8(name)) return "the name is not valid UTF-8";
  if (SafeText(name, std::numeric_limits<size_t>::max()) != name) {
    return "the name may hold printable characters only, not control "
           "characters (tabs, line breaks, terminal escapes) or "
           "bidirectional overrides; got '" +
           SafeText(name, 64) + "'";
  }
  return "";
}

// A full token is hashed; anything else is taken as a hash or list prefix.
std::string TokenKey(const std::string& token) {
  if (token.size() > kDisplayPrefixLength && token.rfind("pb_", 0) == 0) {
    return Sha256Hex(token);
  }
  return token;
}

void AddTokenCommands(CLI::App& app, int* exit_code) {
  CLI::App* token = app.add_subcommand("token", "Create, list, disable tokens");
  token->require_subcommand(1);

  struct CreateFlags {
    std::string db;
    NewToken spec;
    std::string products = "phone-bulk,phone-validate";
    int rate_limit = 0;
  };
  auto cf = std::make_shared<CreateFlags>();
  CLI::App* create = token->add_subcommand(
      "create", "Issue a token (creating the account if new); prints it last");
  AddDbFlags(create, &cf->db);
  create->add_option("--account", cf->spec.account_name, "Account name")
      ->required();
  create
      ->add_option("--credits", cf->spec.credits,
                   "Credits to add to the account")
      ->check(CLI::NonNegativeNumber);
  create->add_option("--products", cf->products, "Comma-separated products")
      ->capture_default_str();
  create
      ->add_option("--rate-limit", cf->rate_limit,
                   "Account requests per minute")
      ->check(CLI::PositiveNumber);
  create->add_option("--allow-ip", cf->spec.allow_ips,
                     "Allowed caller CIDR (repeatable)");
  create->add_option("--allow-domain", cf->spec.allow_domains,
                     "Allowed Origin/Referer domain (repeatable)");
  create->callback([cf, exit_code] {
    auto products = ParseProducts(cf->products);
    if (!products.ok()) {
      *exit_code = Fail(products.status());
      return;
    }
    cf->spec.products = *products;
    if (cf->rate_limit > 0) cf->spec.rate_limit = cf->rate_limit;
    for (const std::string& cidr : cf->spec.allow_ips) {
      if (!api::IsValidCidr(cidr)) {
        *exit_code = Fail(
            absl::InvalidArgumentError("--allow-ip: '" + SafeText(cidr, 64) +
                                       "' is not an IP address or CIDR range"));
        return;
      }
    }
    for (const std::string& domain : cf->spec.allow_domains) {
      if (std::string why; !api::IsValidAllowDomain(domain, &why)) {
        *exit_code = Fail(absl::InvalidArgumentError("--allow-domain: '" +
                                                     SafeText(domain, 64) +
                                                     "' is refused: " + why));
        return;
      }
    }
    *exit_code = RunOnStore(cf->db, [&](store::Store& store) {
      auto token = CreateToken(store, cf->spec);
      if (!token.ok()) return Fail(token.status());
      auto account = store.accounts().GetAccount(cf->spec.account_name);
      if (account.ok()) {
        std::printf("account %s: %lld credits, %d requests/minute\n",
                    SafeText(account->name).c_str(),
                    static_cast<long long>(account->credits),
                    account->rate_limit_per_minute);
      }
      std::printf("%s\n", token->c_str());
      return kExitOk;
    });
  });

  for (bool disable : {true, false}) {
    auto db = std::make_shared<std::string>();
    auto key = std::make_shared<std::string>();
    CLI::App* cmd = token->add_subcommand(
        disable ? "disable" : "enable",
        disable ? "Disable a token (takes effect on the next request)"
                : "Enable a disabled token");
    AddDbFlags(cmd, db.get());
    cmd->add_option("token", *key, "The token, or its prefix from 'token list'")
        ->required();
    cmd->callback([db, key, disable, exit_code] {
      *exit_code = RunOnStore(*db, [&](store::Store& store) {
        absl::Status s =
            store.accounts().SetTokenDisabled(TokenKey(*key), disable);
        if (!s.ok()) return Fail(s);
        std::printf("token %s\n", disable ? "disabled" : "enabled");
        return kExitOk;
      });
    });
  }

  auto list_db = std::make_shared<std::string>();
  CLI::App* list =
      token->add_subcommand("list", "List tokens (never the secrets)");
  AddDbFlags(list, list_db.get());
  list->callback([list_db, exit_code] {
    *exit_code = RunOnStore(*list_db, [](store::Store& store) {
      auto tokens = store.accounts().ListTokens();
      if (!tokens.ok()) return Fail(tokens.status());
      std::printf("%-12s %-16s %-28s %-8s %s\n", "PREFIX", "ACCOUNT",
                  "PRODUCTS", "STATE", "ALLOW");
      for (const store::Token& t : *tokens) {
        std::string allow = absl::StrJoin(t.allow_ips, ",");
        if (!t.allow_domains.empty()) {
          if (!allow.empty()) allow += " ";
          allow += absl::StrJoin(t.allow_domains, ",");
        }
        std::printf("%-12s %-16s %-28s %-8s %s\n", t.display_prefix.c_str(),
                    SafeText(t.account_name).c_str(),
                    ProductNames(t.products).c_str(),
                    t.disabled ? "disabled" : "enabled",
                    allow.empty() ? "-" : SafeText(allow, 1024).c_str());
      }
      return kExitOk;
    });
  });
}

void PrintAccount(const store::Account& a, bool json) {
  if (json) {
    // Names from before printable-only names were enforced are cleaned
    // too (raw invalid UTF-8 would also make dump() throw).
    nlohmann::json j = {{"name", SafeText(a.name)},
                        {"credits", a.credits},
                        {"rate_limit_per_minute", a.rate_limit_per_minute},
                        {"created", FormatIsoTime(a.created)}};
    std::printf("%s\n", j.dump().c_str());
    return;
  }
  std::printf("account: %s\ncredits: %lld\nrate_limit_per_minute: %d\n",
              SafeText(a.name).c_str(), static_cast<long long>(a.credits),
              a.rate_limit_per_minute);
}

void AddAccountCommands(CLI::App& app, int* exit_code) {
  CLI::App* account = app.add_subcommand("account", "Show and credit accounts");
  account->require_subcommand(1);

  struct Flags {
    std::string db;
    std::string name;
    bool json = false;
    int64_t add = 0;
    int rate_limit = 0;
  };
  auto show = std::make_shared<Flags>();
  CLI::App* show_cmd =
      account->add_subcommand("show", "Show an account's balance");
  AddDbFlags(show_cmd, &show->db);
  show_cmd->add_option("name", show->name, "Account name")->required();
  show_cmd->add_flag("--json", show->json, "Print JSON");
  show_cmd->callback([show, exit_code] {
    *exit_code = RunOnStore(show->db, [&](store::Store& store) {
      auto a = store.accounts().GetAccount(show->name);
      if (!a.ok()) return Fail(a.status());
      PrintAccount(*a, show->json);
      return kExitOk;
    });
  });

  auto credit = std::make_shared<Flags>();
  CLI::App* credit_cmd = account->add_subcommand(
      "credit",
      "Add (or with a negative number, remove) credits; set the rate limit");
  AddDbFlags(credit_cmd, &credit->db);
  credit_cmd->add_option("name", credit->name, "Account name")->required();
  credit_cmd->add_option("--add", credit->add, "Credits to add");
  credit_cmd
      ->add_option("--rate-limit", credit->rate_limit, "Requests per minute")
      ->check(CLI::PositiveNumber);
  credit_cmd->add_flag("--json", credit->json, "Print JSON");
  credit_cmd->callback([credit, exit_code] {
    *exit_code = RunOnStore(credit->db, [&](store::Store& store) {
      if (credit->rate_limit > 0) {
        // Only an existing account's limit is set: credit never creates one.
        if (auto a = store.accounts().GetAccount(credit->name); !a.ok()) {
          return Fail(a.status());
        }
        auto a =
            store.accounts().EnsureAccount(credit->name, credit->rate_limit);
        if (!a.ok()) return Fail(a.status());
      }
      auto a = store.accounts().AddCredits(credit->name, credit->add);
      if (!a.ok()) return Fail(a.status());
      PrintAccount(*a, credit->json);
      return kExitOk;
    });
  });

  auto list_db = std::make_shared<std::string>();
  CLI::App* list = account->add_subcommand("list", "List accounts");
  AddDbFlags(list, list_db.get());
  list->callback([list_db, exit_code] {
    *exit_code = RunOnStore(*list_db, [](store::Store& store) {
      auto accounts = store.accounts().ListAccounts();
      if (!accounts.ok()) return Fail(accounts.status());
      for (const store::Account& a : *accounts) {
        std::printf("%-20s %12lld credits %6d/min\n", SafeText(a.name).c_str(),
                    static_cast<long long>(a.credits), a.rate_limit_per_minute);
      }
      return kExitOk;
    });
  });
}

}  // namespace

absl::StatusOr<std::string> CreateToken(store::Store& store,
                                        const NewToken& spec) {
  if (std::string why = AccountNameProblem(spec.account_name); !why.empty()) {
    return absl::InvalidArgumentError("--account: " + why);
  }
  auto account =
      store.accounts().EnsureAccount(spec.account_name, spec.rate_limit);
  if (!account.ok()) return account.status();
  if (spec.credits > 0) {
    auto credited =
        store.accounts().AddCredits(spec.account_name, spec.credits);
    if (!credited.ok()) return credited.status();
  }
  std::string secret = "pb_" + RandomHex(20);
  store::Token token;
  token.account_id = account->id;
  token.hash_hex = Sha256Hex(secret);
  token.display_prefix = secret.substr(0, kDisplayPrefixLength);
  token.products = spec.products;
  token.allow_ips = spec.allow_ips;
  token.allow_domains = spec.allow_domains;
  auto inserted = store.accounts().InsertToken(token);
  if (!inserted.ok()) return inserted.status();
  return secret;
}

absl::Status EnsureDemoAccount(store::Store& store) {
  auto accounts = store.accounts().ListAccounts();
  if (!accounts.ok()) return accounts.status();
  if (!accounts->empty()) return absl::OkStatus();
  NewToken spec;
  spec.account_name = "demo";
  spec.credits = 100'000;
  auto token = CreateToken(store, spec);
  if (!token.ok()) return token.status();
  std::printf(
      "Created account 'demo' with 100000 credits. Its token (shown once):\n"
      "demo token: %s\n",
      token->c_str());
  std::fflush(stdout);
  return absl::OkStatus();
}

void AddDbFlags(CLI::App* cmd, std::string* db) {
  cmd->add_option("--db", *db, "Database URL")
      ->required()
      ->envname("PHONEBULK_DB");
  cmd->add_flag("--create", g_create_database,
                "Create the database when it does not exist (otherwise a "
                "missing database is an error)");
}

std::unique_ptr<store::Store> OpenStoreForCli(const std::string& db_url) {
  return Open(db_url);
}

int RunOnStoreForCli(const std::string& db_url,
                     const std::function<int(store::Store&)>& run) {
  return RunOnStore(db_url, run);
}

// `migrate`: what every node also does at start, as a step of its own (a
// deployment migrates once before a rolling restart; see
// docs/operations.md). Migrations take an advisory lock on PostgreSQL, so
// running it while nodes start is safe too.
void AddMigrateCommand(CLI::App& app, int* exit_code) {
  auto db = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "migrate", "Apply the pending schema migrations to the database");
  AddDbFlags(cmd, db.get());
  cmd->callback([db, exit_code] {
    *exit_code = RunOnStore(*db, [](store::Store&) {
      std::cout << "the database schema is up to date\n";
      return kExitOk;
    });
  });
}

void AddAdminCommands(CLI::App& app, int* exit_code) {
  AddTokenCommands(app, exit_code);
  AddAccountCommands(app, exit_code);
  AddMigrateCommand(app, exit_code);
}

}  // namespace phonebulk::cli
