#ifndef PHONEBULK_PHONE_ENGINE_COMPILE_FORMAT_H_
#define PHONEBULK_PHONE_ENGINE_COMPILE_FORMAT_H_

// Build-time half of the formatter (format.h): compiles the number formats
// of libphonenumber's metadata into the tables of format_tables.h. Linked
// into the metadata compiler tool (metadata_compiler.cc, --format-out).

#include <string>

#include "absl/status/statusor.h"
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

}  // namespace phonebulk::phone::engine

#endif  // PHONEBULK_PHONE_ENGINE_COMPILE_FORMAT_H_
