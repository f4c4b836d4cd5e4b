#ifndef PHONEBULK_CLI_COMMANDS_H_
#define PHONEBULK_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace phonebulk::cli {

// Each Add* registers a subcommand on `app`. The subcommand's callback sets
// `*exit_code` when it runs, so main() can return it.
void AddServeCommand(CLI::App& app, int* exit_code);
void AddAdminCommands(CLI::App& app, int* exit_code);
// `validate`: offline validation and enrichment of numbers (cli/validate.cc).
void AddValidateCommand(CLI::App& app, int* exit_code);
// `lookup-sim`: a simulated live-status provider (cli/lookup_sim.cc).
void AddLookupSimCommand(CLI::App& app, int* exit_code);
// `porting import|lookup`: the number-portability file source
// (cli/porting.cc).
void AddPortingCommands(CLI::App& app, int* exit_code);
// `submit`: the bulk client, a CSV file through the API (cli/submit.cc).
void AddSubmitCommand(CLI::App& app, int* exit_code);
// `batches list|status|results|stop` (cli/batches.cc).
void AddBatchesCommands(CLI::App& app, int* exit_code);
// `store copy --from URL --to URL`: a whole store into a new, empty one
// (cli/store_copy.cc).
void AddStoreCommands(CLI::App& app, int* exit_code);
// `webhook add|list|remove` (webhooks.cc).
void AddWebhookCommands(CLI::App& app, int* exit_code);

// Names the environment variable that sets an option when its flag is
// absent.
struct Env {
  std::string name;
};

// Adds option `name` into `*value`, its default shown in --help, checked by
// `check` when given (CLI::Range, CLI::PositiveNumber, ...). The tuning
// options of serve, lookup-sim and submit all have this shape; one call each
// keeps any of them from losing its check or shown default.
template <typename T>
CLI::Option* AddTunableOption(CLI::App* cmd, const std::string& name, T* value,
                              const std::string& help,
                              std::optional<CLI::Validator> check = {}) {
  CLI::Option* option = cmd->add_option(name, *value, help);
  if (check.has_value()) option->check(*std::move(check));
  return option->capture_default_str();
}

// The same, also set by the environment variable `env` (serve's options).
template <typename T>
CLI::Option* AddTunableOption(CLI::App* cmd, const std::string& name, T* value,
                              const std::string& help, const Env& env,
                              std::optional<CLI::Validator> check = {}) {
  return AddTunableOption(cmd, name, value, help, std::move(check))
      ->envname(env.name);
}

// Splits a --listen value, "HOST:PORT" or "[V6]:PORT" (port 0: any free
// port). When it is neither, tells stderr so and returns false: the commands
// that listen (serve, lookup-sim) then exit with 2.
bool ParseListenFlag(const std::string& listen, std::string* host,
                     uint16_t* port);

// Prints "<who> listening on http://HOST:PORT" on stdout and flushes it:
// tests and scripts wait for this exact line before sending requests.
// Returns HOST as that URL writes it (an IPv6 address in brackets).
std::string AnnounceListening(const char* who, const std::string& host,
                              unsigned port);

// Adds `--engine compiled|libphonenumber` (also PHONEBULK_ENGINE) into
// `*engine`: who validates, for serve and validate alike (docs/engine.md).
// The value is checked here, so phone::ParseValidatorEngine cannot fail on it.
void AddEngineOption(CLI::App* cmd, std::string* engine);

// Sends spdlog's default logger to stderr in key=value form with UTC times.
void SetUpLogging(bool verbose);

}  // namespace phonebulk::cli

#endif  // PHONEBULK_CLI_COMMANDS_H_
