#ifndef PHONEBULK_STORE_SQLITE_STORAGE_GUARD_H_
#define PHONEBULK_STORE_SQLITE_STORAGE_GUARD_H_

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace phonebulk::store::sqlite {

// Watches that the database file a store opened is still the one at its
// path. SQLite keeps working on an unlinked file (an `rm -rf` of the
// directory goes unnoticed: writes "succeed" into a file nobody can open
// again), so the store asks the guard before every transaction and the
// server's health check asks for the full check.
//
// Identity is (device, inode) of the file and of its directory, taken when
// the store opens. Losing it is final: the guard never reports healthy again
// (restoring the file does not bring back what was written meanwhile), and
// nothing is ever recreated at the path. Messages never contain the path.
// Thread-safe.
class StorageGuard {
 public:
  // Takes the identity of `path` (which must exist) and its directory.
  // Unavailable when either cannot be stat'ed.
  static absl::StatusOr<std::unique_ptr<StorageGuard>> Watch(
      const std::string& path);

  // One stat(2) of the file: Unavailable when it is gone or replaced, and
  // from then on every call. Cheap enough for every transaction.
  absl::Status CheckIdentity() const;

  // CheckIdentity() plus the directory's identity and the free space of its
  // file system (Unavailable under kMinFreeBytes: SQLite may still fit a
  // small write into pages it already owns, so a write probe alone would
  // miss a full disk). Not sticky for free space: the disk may be cleared.
  absl::Status CheckAll() const;

  // Below this much space available to us, the storage is "full".
  static constexpr uint64_t kMinFreeBytes = 1 << 20;

 private:
  struct Identity {
    dev_t dev = 0;
    ino_t ino = 0;
  };
  StorageGuard(std::string path, std::string dir, Identity file,
               Identity dir_id)
      : path_(std::move(path)),
        dir_(std::move(dir)),
        file_(file),
        dir_id_(dir_id) {}
  absl::Status Lost(const char* what) const;

  const std::string path_;
  const std::string dir_;
  const Identity file_;
  const Identity dir_id_;
  mutable std::atomic<bool> lost_{false};
};

}  // namespace phonebulk::store::sqlite

#endif  // PHONEBULK_STORE_SQLITE_STORAGE_GUARD_H_
