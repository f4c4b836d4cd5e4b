#include "store/migrations.h"

#include "absl/strings/str_cat.h"
#include "store/status_macros.h"

namespace phonebulk::store {

namespace {

// FailedPrecondition naming the first version in `applied` that
// `migrations` does not hold (the database was migrated by a newer build).
absl::Status CheckNoUnknownVersion(std::span<const Migration> migrations,
                                   const std::set<int64_t>& applied) {
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
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckSchemaIsCurrent(std::span<const Migration> migrations,
                                  const std::set<int64_t>& applied) {
  PB_RETURN_IF_ERROR(CheckNoUnknownVersion(migrations, applied));
  if (applied.size() != migrations.size()) {
    return absl::FailedPreconditionError(
        "the database's schema is older than this build's; run `phonebulk "
        "migrate --db` on it (or start this build's server on it) first");
  }
  return absl::OkStatus();
}

absl::Status RunPendingMigrations(
    std::span<const Migration> migrations, const std::set<int64_t>& applied,
    absl::FunctionRef<absl::Status(const char* sql)> exec,
    absl::FunctionRef<absl::Status(const Migration& m)> record) {
  PB_RETURN_IF_ERROR(CheckNoUnknownVersion(migrations, applied));

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
