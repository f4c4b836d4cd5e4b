#ifndef PHONEBULK_CLI_EXIT_CODES_H_
#define PHONEBULK_CLI_EXIT_CODES_H_

// The exit codes of every phonebulk subcommand, in one place so that a
// script can tell "fix your input" from "buy credits" from "try again
// later" whatever the command. docs/cli.md lists them; each one is produced
// by an integration test. CLI11's own codes (105, 106, 109, ...) never reach
// the shell: main() maps every parse error to kExitUsage.

#include "absl/status/status.h"

namespace phonebulk::cli {

// Plain ints rather than an enum: the commands return them from functions
// and lambdas that also return each other's codes.
inline constexpr int kExitOk = 0;
// A failure that is neither the caller's input nor one of the cases
// below: an I/O error, an API error retries could not fix.
inline constexpr int kExitFailure = 1;
// Bad options (including every command-line parse error) or bad input:
// fixing the command or the file is the remedy.
inline constexpr int kExitUsage = 2;
// The account has not enough credits for the work (HTTP 402, or 403 with
// "not enough credits").
inline constexpr int kExitNoCredits = 3;
// The server could not be reached (no HTTP answer) after the retries.
inline constexpr int kExitUnreachable = 4;
// SIGINT or SIGTERM stopped the run; its state is kept for a rerun.
// 128 + SIGINT, what shells report for a command stopped by Ctrl-C.
inline constexpr int kExitInterrupted = 130;

// The exit code for a failed client run's status: InvalidArgument and
// FailedPrecondition (input, options, a state file of another job) ->
// kExitUsage; ResourceExhausted -> kExitNoCredits; Unavailable ->
// kExitUnreachable; Cancelled -> kExitInterrupted; anything else ->
// kExitFailure.
inline int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
      return kExitUsage;
    case absl::StatusCode::kResourceExhausted:
      return kExitNoCredits;
    case absl::StatusCode::kUnavailable:
      return kExitUnreachable;
    case absl::StatusCode::kCancelled:
      return kExitInterrupted;
    default:
      return kExitFailure;
  }
}

}  // namespace phonebulk::cli

#endif  // PHONEBULK_CLI_EXIT_CODES_H_
