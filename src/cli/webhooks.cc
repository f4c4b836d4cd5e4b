// `phonebulk webhook add|list|remove`: an account's webhook endpoints
// (docs/webhooks.md). The store keeps them; `serve` delivers to them.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cli/admin.h"
#include "cli/commands.h"
#include "common/strings.h"
#include "common/time_format.h"
#include "webhook/event.h"
#include "webhook/target.h"

namespace phonebulk::cli {
namespace {

struct WebhookFlags {
  std::string db;
  std::string account;
  std::string url;
  int64_t id = 0;
  bool allow_private = false;
};

int Fail(const std::string& message) {
  std::cerr << "error: " << SafeText(message, 1024) << "\n";
  return 1;
}

// Refuses a URL that can never be delivered to (a bad URL, or a host that
// resolves to a private address while the server refuses those), so the
// mistake shows now rather than as failed deliveries later. A name that
// does not resolve yet is accepted with a warning: DNS may come later.
int CheckUrl(const WebhookFlags& f) {
  auto target = webhook::ParseTargetUrl(f.url);
  if (!target.ok()) return Fail(std::string(target.status().message()));
  auto address = webhook::ResolveTarget(*target, f.allow_private);
  if (absl::IsPermissionDenied(address.status())) {
    return Fail(std::string(address.status().message()) +
                " (add --allow-private here too if that is meant)");
  }
  if (!address.ok()) {
    std::cerr << "warning: "
              << SafeText(std::string(address.status().message()))
              << "; deliveries will be retried until it resolves\n";
  }
  return 0;
}

int Add(store::Store& store, const WebhookFlags& f) {
  if (int rc = CheckUrl(f); rc != 0) return rc;
  auto account = store.accounts().GetAccount(f.account);
  if (!account.ok()) return Fail(std::string(account.status().message()));
  const std::string secret = webhook::NewSecret();
  auto added =
      store.webhooks().AddWebhook(account->id, f.url, secret, absl::Now());
  if (!added.ok()) return Fail(std::string(added.status().message()));
  std::printf(
      "webhook %lld of account '%s': %s\n"
      "events: batch.completed, batch.stopped, batch.failed\n"
      "signing secret (shown once; verify each delivery's "
      "webhook-signature with it):\n%s\n",
      static_cast<long long>(added->id), SafeText(account->name).c_str(),
      SafeText(added->url, 2048).c_str(), secret.c_str());
  return 0;
}

int List(store::Store& store, const WebhookFlags& f) {
  std::optional<int64_t> account_id;
  if (!f.account.empty()) {
    auto account = store.accounts().GetAccount(f.account);
    if (!account.ok()) return Fail(std::string(account.status().message()));
    account_id = account->id;
  }
  auto hooks = store.webhooks().ListWebhooks(account_id);
  if (!hooks.ok()) return Fail(std::string(hooks.status().message()));
  auto counts = store.webhooks().CountDeliveries();
  std::printf("%-6s %-10s %-27s %s\n", "ID", "ACCOUNT_ID", "CREATED", "URL");
  for (const store::Webhook& h : *hooks) {
    std::printf("%-6lld %-10lld %-27s %s\n", static_cast<long long>(h.id),
                static_cast<long long>(h.account_id),
                FormatIsoTime(h.created).c_str(),
                SafeText(h.url, 2048).c_str());
  }
  if (counts.ok()) {
    std::printf("deliveries: %lld pending, %lld delivered, %lld failed\n",
                static_cast<long long>(counts->pending),
                static_cast<long long>(counts->delivered),
                static_cast<long long>(counts->failed));
  }
  return 0;
}

int Remove(store::Store& store, const WebhookFlags& f) {
  auto account = store.accounts().GetAccount(f.account);
  if (!account.ok()) return Fail(std::string(account.status().message()));
  if (absl::Status s = store.webhooks().RemoveWebhook(account->id, f.id);
      !s.ok()) {
    return Fail(std::string(s.message()));
  }
  std::printf("removed webhook %lld\n", static_cast<long long>(f.id));
  return 0;
}

}  // namespace

void AddWebhookCommands(CLI::App& app, int* exit_code) {
  CLI::App* webhook = app.add_subcommand(
      "webhook", "Endpoints told when an account's batches end");
  webhook->require_subcommand(1);

  auto add = std::make_shared<WebhookFlags>();
  CLI::App* add_cmd = webhook->add_subcommand(
      "add", "Register a URL; prints its signing secret on the last line");
  AddDbFlags(add_cmd, &add->db);
  add_cmd->add_option("--account", add->account, "Account name")->required();
  add_cmd->add_option("--url", add->url, "http(s) URL to POST events to")
      ->required();
  add_cmd->add_flag("--allow-private", add->allow_private,
                    "Accept a URL on a loopback or private address (the "
                    "server must run with --webhook-allow-private)");
  add_cmd->callback([add, exit_code] {
    *exit_code = RunOnStoreForCli(
        add->db, [&](store::Store& store) { return Add(store, *add); });
  });

  auto list = std::make_shared<WebhookFlags>();
  CLI::App* list_cmd =
      webhook->add_subcommand("list", "List webhooks (never the secrets)");
  AddDbFlags(list_cmd, &list->db);
  list_cmd->add_option("--account", list->account,
                       "Only this account's (default: all)");
  list_cmd->callback([list, exit_code] {
    *exit_code = RunOnStoreForCli(
        list->db, [&](store::Store& store) { return List(store, *list); });
  });

  auto remove = std::make_shared<WebhookFlags>();
  CLI::App* remove_cmd = webhook->add_subcommand(
      "remove", "Remove a webhook and its deliveries not yet made");
  AddDbFlags(remove_cmd, &remove->db);
  remove_cmd->add_option("--account", remove->account, "Account name")
      ->required();
  remove_cmd->add_option("--id", remove->id, "Webhook id (from list)")
      ->required();
  remove_cmd->callback([remove, exit_code] {
    *exit_code = RunOnStoreForCli(remove->db, [&](store::Store& store) {
      return Remove(store, *remove);
    });
  });
}

}  // namespace phonebulk::cli
