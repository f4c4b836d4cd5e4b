#ifndef PHONEBULK_PHONE_ENGINE_COMPILE_PARSE_H_
#define PHONEBULK_PHONE_ENGINE_COMPILE_PARSE_H_

// Build-time half of the parser (parse.h): compiles what libphonenumber's
// Parse reads of each PhoneMetadata -- the international prefix and
// national_prefix_for_parsing patterns, and whether a transform rule
// exists -- into the tables of parse_tables.h: digit automata, and where
// ICU's choice of match matters, ICU's own answers (it runs ICU's regex,
// the one libphonenumber runs, on every digit string that starts a match,
// or on sample inputs for `$` transforms). Called by the metadata compiler
// (metadata_compiler.cc) on the metadata it has already loaded.

#include <string>

#include "absl/status/status.h"
#include "phonenumbers/phonemetadata.pb.h"

namespace phonebulk::phone::engine {

// Writes the generated C++ source of parse_tables.h's tables to `path`
// (through a temporary file and a rename), entries in kPlans' order.
// A pattern outside the compilable subset is not an error: its entry says
// kUnsupported and the parser declines the inputs that need it; a pattern
// without a decision trie or `$` transform (too many matches, or ICU
// failing) only has the parser decline more. Errors only for I/O failures. `summary` receives a line for the build log.
absl::Status WriteParseTables(
    const i18n::phonenumbers::PhoneMetadataCollection& collection,
    const std::string& path, std::string* summary);

}  // namespace phonebulk::phone::engine

#endif  // PHONEBULK_PHONE_ENGINE_COMPILE_PARSE_H_
