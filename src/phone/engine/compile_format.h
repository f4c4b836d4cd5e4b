#ifndef PHONEBULK_PHONE_ENGINE_COMPILE_FORMAT_H_
#define PHONEBULK_PHONE_ENGINE_COMPILE_FORMAT_H_

// Build-time half of the formatter (format.h): compiles the number formats
// of libphonenumber's metadata into the tables of format_tables.h. Linked
// into the metadata compiler tool (metadata_compiler.cc, --format-out).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "phone/engine/format_tables.h"
#include "phonenumbers/phonemetadata.pb.h"

namespace phonebulk::phone::engine {

// The source text of generated/format_tables.cc for `collection`, with its
// plans in the order of plan_tables.h's kPlans (region code, then calling
// code; "ZZ" skipped). A rule the tables cannot represent exactly is marked
// out of scope rather than approximated; `summary` gets the counts.
// InvalidArgument only for metadata the layout cannot hold at all.
absl::StatusOr<std::string> CompileFormatTables(
    const i18n::phonenumbers::PhoneMetadataCollection& collection,
    std::string* summary);

// The metadata compiler's step: writes CompileFormatTables' text to `path`
// (through a temporary file and a rename, so that an interrupted run never
// leaves a truncated file that looks up to date) and prints the summary.
// Returns the process exit code: 0, or 1 after printing why.
int WriteFormatTables(
    const i18n::phonenumbers::PhoneMetadataCollection& collection,
    const std::string& path);

// The compiler's steps, exposed for compile_format_test. Each returns
// nullopt where it cannot reproduce ICU's reading exactly (the rule is
// then out of scope); compile_format.cc explains the rules.
namespace compile_format_internal {

// The capture-group spans of a NumberFormat pattern when the split ICU
// finds is provably unique.
std::optional<std::vector<internal::GroupSpan>> ParseSplit(
    std::string_view pattern);
// An ICU replacement string for a pattern of `group_count` groups, as
// template bytes (format_tables.h: bytes 1..10 are "$0".."$9").
std::optional<std::string> ParseTemplate(std::string_view replacement,
                                         int group_count);
// `format` with its first "$<digit>" replaced by the national prefix
// formatting rule, as libphonenumber does for NATIONAL.
std::optional<std::string> ApplyNationalPrefixRule(std::string_view format,
                                                   std::string_view rule);
// Full match of libphonenumber's single_international_prefix.
std::optional<bool> IsSingleInternationalPrefix(std::string_view prefix);

}  // namespace compile_format_internal

}  // namespace phonebulk::phone::engine

#endif  // PHONEBULK_PHONE_ENGINE_COMPILE_FORMAT_H_
