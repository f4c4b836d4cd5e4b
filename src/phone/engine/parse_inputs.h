#ifndef PHONEBULK_PHONE_ENGINE_PARSE_INPUTS_H_
#define PHONEBULK_PHONE_ENGINE_PARSE_INPUTS_H_

// Generated parser inputs, shared by parse_test (the differential test) and
// bench/parse_benchmark: text and default region pairs built from
// libphonenumber's example numbers, deterministically from a seed (only
// std::mt19937_64, never the standard distributions, so every standard
// library gives the same inputs). Test support: links libphonenumber.

#include <cstdint>
#include <string>
#include <vector>

namespace phonebulk::phone::engine {

struct ParseInput {
  std::string text;
  std::string region;  // "" / "ZZ" for none
  bool junk = false;   // not written from a number (DifferentialInputs)
};

// The benchmark corpus's mix (bench/corpus/corpus_gen.cc: its forms and
// their shares) as Parse receives it from phone::Validator: rows without a
// country read as international (a leading "00" becomes '+', a leading
// digit gets one), and the rows the validator answers without parsing
// (blank, or over 250 bytes after trimming) left out; `skipped` counts
// those.
std::vector<ParseInput> CorpusLikeInputs(uint64_t seed, int rows, int* skipped);

// At least `count` inputs spanning every region and entity and every form:
// each example number of every type formatted E164 / INTERNATIONAL /
// NATIONAL / RFC3966, with '+', "00" and regions' IDD prefixes, random
// separators, dropped and added digits, full-width and Arabic-Indic digits,
// extensions and vanity letters, default regions right, wrong and absent,
// and junk (words, random ASCII, random UTF-8).
std::vector<ParseInput> DifferentialInputs(uint64_t seed, int count);

}  // namespace phonebulk::phone::engine

#endif  // PHONEBULK_PHONE_ENGINE_PARSE_INPUTS_H_
