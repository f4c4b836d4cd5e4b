#ifndef PHONEBULK_COMMON_STRINGS_H_
#define PHONEBULK_COMMON_STRINGS_H_

// Small ASCII string helpers on std::string_view. Debian's Abseil is built
// with its own absl::string_view (not an alias of std::string_view), so its
// string functions do not take std::string_view; these fill the gap.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phonebulk {

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix);
std::string ToLowerAscii(std::string_view text);
std::string ToUpperAscii(std::string_view text);
std::string_view TrimAscii(std::string_view text);
// Splits on `sep`; keeps empty pieces.
std::vector<std::string_view> Split(std::string_view text, char sep);
// A non-negative decimal integer that fits in int64; nullopt otherwise.
std::optional<int64_t> ParseInt(std::string_view text);
// True when every byte of `text` is an ASCII digit (so also for ""); the
// callers check the length their field allows.
bool AllAsciiDigits(std::string_view text);
// Appends `field` to `out` as one RFC 4180 field: quoted when it holds
// `delimiter`, a double quote, CR or LF, with inner quotes doubled.
void AppendCsvField(std::string_view field, char delimiter, std::string* out);

// The longest text (in bytes, after cleaning) that SafeText keeps unless the
// caller asks otherwise: long enough for any path, name or value a person
// needs to recognise, short enough that a hostile 7 KB value cannot bloat an
// answer or a log line.
inline constexpr size_t kSafeTextMaxBytes = 256;

// Makes any byte string safe to echo in an error detail, a log line, JSON or
// a terminal, so that nothing a client or a file sends can break what we
// write or reach the screen as a control sequence:
//   - invalid UTF-8 (bad or truncated sequences, overlongs, surrogates,
//     code points past U+10FFFF) becomes U+FFFD, one per bad byte;
//   - C0 controls and DEL become \n, \r, \t or \xNN; C1 controls
//     (U+0080..U+009F, among them the one-byte CSI) and the bidirectional
//     overrides (U+202A..U+202E, U+2066..U+2069) become \uNNNN;
//   - the result is cut at a code point boundary to at most `max_bytes`
//     bytes, the last three of which are then "..." (ASCII).
// A backslash in the input is kept as is: the escapes are for people to
// read, not to be decoded. The result is always valid UTF-8. Pure.
std::string SafeText(std::string_view text,
                     size_t max_bytes = kSafeTextMaxBytes);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view text);

// The one UTF-8 decoder. Decodes the well-formed sequence at text[pos]
// (RFC 3629 table 3-7: no overlongs, no surrogates, nothing past U+10FFFF)
// into *code_point and returns its length in bytes, or 0 when the byte at
// `pos` does not start one. `pos` must be < text.size().
size_t DecodeUtf8(std::string_view text, size_t pos, char32_t* code_point);

// Offset of the first byte that is not part of well-formed UTF-8, or npos.
// Skips ASCII a word at a time: it runs on every request body.
size_t FirstInvalidUtf8(std::string_view text);

// Code points in `text`, or nullopt when it is not well-formed UTF-8.
std::optional<size_t> Utf8CodePoints(std::string_view text);

// Transparent ASCII case-insensitive hashing and equality, so hash maps of
// names can be probed with a caller's string_view without a lower-case copy.
struct CaseInsensitiveHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const;
};
struct CaseInsensitiveEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const {
    return EqualsIgnoreCase(a, b);
  }
};

}  // namespace phonebulk

#endif  // PHONEBULK_COMMON_STRINGS_H_
