#include "store/sqlite/storage_guard.h"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <filesystem>

#include "store/store.h"

namespace phonebulk::store::sqlite {

namespace {

constexpr char kLostAdvice[] =
    "; writes are refused until the server is restarted on a database that "
    "exists (nothing is recreated automatically)";

}  // namespace

absl::StatusOr<std::unique_ptr<StorageGuard>> StorageGuard::Watch(
    const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  struct stat file_st {};
  struct stat dir_st {};
  if (::stat(path.c_str(), &file_st) != 0 ||
      ::stat(dir.c_str(), &dir_st) != 0) {
    return absl::UnavailableError("cannot stat the database file");
  }
  return std::unique_ptr<StorageGuard>(
      new StorageGuard(path, std::move(dir), {file_st.st_dev, file_st.st_ino},
                       {dir_st.st_dev, dir_st.st_ino}));
}

absl::Status StorageGuard::Lost(const char* what) const {
  lost_.store(true);
  return StorageLostError(std::string(what) + kLostAdvice);
}

absl::Status StorageGuard::CheckIdentity() const {
  if (lost_.load()) {
    return StorageLostError(
        std::string("the database file was deleted or replaced") + kLostAdvice);
  }
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) {
    return Lost("the database file was deleted or replaced");
  }
  if (st.st_dev != file_.dev || st.st_ino != file_.ino) {
    return Lost("the database file was deleted or replaced");
  }
  return absl::OkStatus();
}

absl::Status StorageGuard::CheckAll() const {
  if (absl::Status s = CheckIdentity(); !s.ok()) return s;
  struct stat st {};
  if (::stat(dir_.c_str(), &st) != 0 || st.st_dev != dir_id_.dev ||
      st.st_ino != dir_id_.ino) {
    return Lost("the database directory was deleted or replaced");
  }
  struct statvfs vfs {};
  if (::statvfs(dir_.c_str(), &vfs) == 0 &&
      static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize < kMinFreeBytes) {
    return StorageLostError(
        "the disk holding the database is full; writes fail until space is "
        "freed");
  }
  return absl::OkStatus();
}

}  // namespace phonebulk::store::sqlite
