#ifndef PHONEBULK_FILES_SUBMIT_RUN_H_
#define PHONEBULK_FILES_SUBMIT_RUN_H_

// The production JobRunFn: runs a file job with client::RunSubmit, the
// code of `phonebulk submit` itself, so a job's result is byte for byte
// what `phonebulk submit` writes for the same file and options. Kept out
// of file_jobs.h so that its users (the API) see nothing of the client.

#include "files/file_jobs.h"

namespace phonebulk::files {

// Thread-safe: each call runs one job on the caller's thread.
JobRunFn SubmitJobRunner();

}  // namespace phonebulk::files

#endif  // PHONEBULK_FILES_SUBMIT_RUN_H_
