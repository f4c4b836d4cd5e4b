// phonebulk: one binary for the server, its admin commands, the offline
// validator and the bulk client. Subcommands live in src/cli/.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "common/version.h"

int main(int argc, char** argv) {
  CLI::App app{
      "phonebulk: self-hosted bulk phone-number validation (Bulk Phone API "
      "v1)"};
  app.require_subcommand(1);
  // CLI11 runs the flag's callback (which ends the parse with exit 0)
  // before it checks for the required subcommand, so `phonebulk --version`
  // works alone.
  app.set_version_flag("--version", phonebulk::VersionText(),
                       "Print the version (and libphonenumber's) and exit");
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
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // app.exit prints the message (or the help) as CLI11_PARSE would; its
    // return value is CLI11's own code (106 for a missing option, ...),
    // which is replaced so that scripts see the one documented table
    // (exit_codes.h). --help and --version are "errors" with code 0.
    const int cli11_code = app.exit(e);
    return cli11_code == 0 ? phonebulk::cli::kExitOk
                           : phonebulk::cli::kExitUsage;
  }
  return exit_code;
}
