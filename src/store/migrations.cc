#include "store/migrations.h"

#include "absl/strings/str_cat.h"
#include "store/status_macros.h"

namespace phonebulk::store {

absl::Status RunPendingMigrations(
    std::span<const Migration> migrations, const std::set<int64_t>& applied,
    absl::FunctionRef<absl::Status(const char* sql)> exec,
    absl::FunctionRef<absl::Status(const Migration& m)> record) {
  std::set<int64_t> known;
  for (const Migration& m : migrations) known.insert(m.version);
  for (int64_t version : applied) {
    if (!known.contains(version)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the database has schema version ", version,
          " which this build does not know; it was migrated by a newer "
          "build"));
    }
  }

  for (const Migration& m : migrations) {
    if (applied.contains(m.version)) continue;
    // DDL is transactional in both backends: a failing file leaves nothing
    // behind.
    if (absl::Status s = exec(m.sql); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat("migration ", m.name,
                                                 " failed: ", s.message()));
    }
    PB_RETURN_IF_ERROR(record(m));
  }
  return absl::OkStatus();
}

}  // namespace phonebulk::store
