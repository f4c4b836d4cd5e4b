#ifndef PHONEBULK_PHONE_EMBEDDED_TABLE_H_
#define PHONEBULK_PHONE_EMBEDDED_TABLE_H_

// The text format the build-time generator writes for every prefix table
// (operators, time zones; see tables.cmake), read by one loader:
//
//   # comment
//   FIELD<TAB>FIELD...<TAB>PREFIX PREFIX ...
//
// one record a line, a fixed number of tab-separated fields, the last one a
// space-separated list of digit prefixes.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "phone/load_once.h"
#include "phone/prefix_index.h"

namespace phonebulk::phone {

// What a prefix table's lines look like, for reading and for errors.
struct PrefixTableFormat {
  std::string_view what;         // names the table in errors: "operator table"
  size_t fields;                 // tab-separated fields, the prefixes included
  std::string_view field_names;  // "NAME<TAB>MCCMNC<TAB>PREFIXES"
};

// Calls `on_record` with the fields of each record of `text` (comments and
// empty lines skipped), then adds the record's prefixes to `index` pointing
// at the record's number (0, 1, ... in record order). Errors name the table
// and the line: a wrong field count, no prefixes, a bad prefix, whatever
// `on_record` returns, or a table without any prefix.
absl::Status ReadPrefixTable(
    std::string_view text, const PrefixTableFormat& format, PrefixIndex& index,
    const std::function<absl::Status(std::span<const std::string_view> fields)>&
        on_record);

// The records of a prefix table, each reached by the prefixes of its line,
// found by the longest prefix of a number. The operator and time-zone tables
// differ only in what a record holds. Immutable once read, so thread-safe.
template <typename Record>
class PrefixTable {
 public:
  // Reads `text` in `format`; `make_record(fields)` returns the
  // absl::StatusOr<Record> that a line's fields describe. On an error the
  // table is left part-read and must not be used.
  template <typename MakeRecord>
  absl::Status Read(std::string_view text, const PrefixTableFormat& format,
                    MakeRecord make_record) {
    return ReadPrefixTable(
        text, format, index_, [&](std::span<const std::string_view> fields) {
          absl::StatusOr<Record> record = make_record(fields);
          if (!record.ok()) return record.status();
          // Record i is records_[i]: the value its prefixes point at.
          records_.push_back(*std::move(record));
          return absl::OkStatus();
        });
  }

  // The record of the longest prefix of `e164_digits` (no '+'); nullptr
  // when none matches.
  const Record* FindLongest(std::string_view e164_digits) const {
    std::optional<uint32_t> found = index_.FindLongest(e164_digits);
    return found ? &records_[*found] : nullptr;
  }

  // The number of prefixes.
  size_t size() const { return index_.size(); }

 private:
  std::vector<Record> records_;
  PrefixIndex index_;  // prefix -> index into records_
};

// A table built into the binary, parsed by `parse` (T::Parse) once on first
// use and never freed (see LoadOnceOrDie). The text was generated or checked
// at build time, so a failure is a build defect and aborts.
template <typename T, typename ParseFn>
const T& BuiltInTable(std::string_view text, ParseFn parse) {
  return LoadOnceOrDie<T>("built-in ", [&] { return parse(text); });
}

}  // namespace phonebulk::phone

#endif  // PHONEBULK_PHONE_EMBEDDED_TABLE_H_
