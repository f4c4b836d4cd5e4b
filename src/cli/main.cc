// phonebulk: one binary for the server, its admin commands and (later) the
// offline validator and bulk client. Subcommands live in src/cli/.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "phonebulk: self-hosted bulk phone-number validation (Bulk Phone API "
      "v1)"};
  app.require_subcommand(1);
  int exit_code = 0;
  phonebulk::cli::AddServeCommand(app, &exit_code);
  phonebulk::cli::AddAdminCommands(app, &exit_code);
  phonebulk::cli::AddValidateCommand(app, &exit_code);
  phonebulk::cli::AddLookupSimCommand(app, &exit_code);
  phonebulk::cli::AddPortingCommands(app, &exit_code);
  phonebulk::cli::AddSubmitCommand(app, &exit_code);
  phonebulk::cli::AddBatchesCommands(app, &exit_code);
  phonebulk::cli::AddStoreCommands(app, &exit_code);
  phonebulk::cli::AddWebhookCommands(app, &exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
