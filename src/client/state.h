#ifndef PHONEBULK_CLIENT_STATE_H_
#define PHONEBULK_CLIENT_STATE_H_

// The resume state of one `phonebulk submit` run: which input and options
// it belongs to, and for each batch its row range, its batch id and how far
// it got. Saved durably (temp file, fsync, rename, fsync of the directory)
// so that a crash at any point leaves either the old or the new state.
// Plain data; thread-compatible (the runner guards it with a mutex).

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace phonebulk::client {

struct BatchState {
  int index = 0;
  int64_t first_row = 0;  // 0-based data row of the batch's first phone
  int64_t end_row = 0;    // one past the data row of its last phone
  int64_t phones = 0;     // numbers sent (non-empty phone cells)
  std::string batch_id;   // empty until created
  bool started = false;
  bool saved = false;  // results written to the work dir
  int64_t credits = 0;
  std::map<std::string, int64_t> statistics;  // confidence -> count
  bool operator==(const BatchState&) const = default;
};

struct RunState {
  int version = 1;
  int64_t input_size = 0;
  std::string input_head_hash;   // hex FNV-1a of the first MiB
  std::string options;           // canonical text of the options that matter
  std::string reference_prefix;  // batch_reference_id = prefix + index
  std::vector<BatchState> batches;
  bool operator==(const RunState&) const = default;
};

// Serialises to / parses from JSON text.
std::string StateToJson(const RunState& s);
absl::StatusOr<RunState> StateFromJson(const std::string& text);

// Writes `s` to `path` durably (see the file comment).
absl::Status SaveState(const std::string& path, const RunState& s);
// NotFound when the file does not exist; InvalidArgument when it does not
// parse.
absl::StatusOr<RunState> LoadState(const std::string& path);

// Writes `data` to `path` via a temp file + fsync + rename.
absl::Status WriteFileDurably(const std::string& path, const std::string& data);

// The same in parts, for a file too big to build in memory first: Append
// writes to PATH.tmp, Commit syncs it and renames it to PATH, so PATH holds
// either nothing or everything. Destroyed without Commit, the temp file is
// removed. Not thread-safe.
class DurableFileWriter {
 public:
  explicit DurableFileWriter(std::string path) : path_(std::move(path)) {}
  ~DurableFileWriter();
  DurableFileWriter(const DurableFileWriter&) = delete;
  DurableFileWriter& operator=(const DurableFileWriter&) = delete;

  absl::Status Append(std::string_view data);
  absl::Status Commit();

 private:
  std::string path_;
  int fd_ = -1;  // PATH.tmp once the first Append opened it
  bool committed_ = false;
};

// The size of the file and the hex FNV-1a 64 hash of its first MiB.
absl::Status FingerprintFile(const std::string& path, int64_t* size,
                             std::string* head_hash);

// 64-bit FNV-1a, as 16 hex digits.
std::string Fnv1aHex(const std::string& data);

}  // namespace phonebulk::client

#endif  // PHONEBULK_CLIENT_STATE_H_
