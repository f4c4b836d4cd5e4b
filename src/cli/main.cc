// phonebulk: one binary for the server, its admin commands and (later) the
// offline validator and bulk client. Subcommands live in src/cli/.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
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
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
