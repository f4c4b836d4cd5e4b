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

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "phone/load_once.h"
#include "phone/prefix_index.h"

namespace phonebulk::phone {

// Calls `on_record` with the fields of each record of `text` (comments and
// empty lines skipped) and the index its prefixes should point at (0, 1, ...
// in record order), then adds the record's prefixes to `index` with that
// value. `expected_fields` counts the prefix field. Errors name the table
// (`what`, e.g. "operator table") and the line: a wrong field count, no
// prefixes, a bad prefix, whatever `on_record` returns, or a table without
// any prefix.
absl::Status ReadPrefixTable(
    std::string_view text, std::string_view what, size_t expected_fields,
    std::string_view field_names, PrefixIndex& index,
    const std::function<absl::Status(std::span<const std::string_view> fields,
                                     uint32_t value)>& on_record);

// A table built into the binary, parsed by `parse` (T::Parse) once on first
// use and never freed (see LoadOnceOrDie). The text was generated or checked
// at build time, so a failure is a build defect and aborts.
template <typename T, typename ParseFn>
const T& BuiltInTable(std::string_view text, ParseFn parse) {
  return LoadOnceOrDie<T>("built-in ", [&] { return parse(text); });
}

}  // namespace phonebulk::phone

#endif  // PHONEBULK_PHONE_EMBEDDED_TABLE_H_
