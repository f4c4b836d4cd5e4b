#include "common/strings.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <limits>

namespace phonebulk {
namespace {

char Lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool IsBidiControl(char32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

// The cleaned form of one code point (or of one invalid byte).
void AppendClean(std::string_view raw, char32_t cp, bool valid,
                 std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  if (!valid) {
    *out += "\xEF\xBF\xBD";  // U+FFFD
    return;
  }
  if (cp == '\n') {
    *out += "\\n";
  } else if (cp == '\r') {
    *out += "\\r";
  } else if (cp == '\t') {
    *out += "\\t";
  } else if (cp < 0x20 || cp == 0x7F) {
    *out += "\\x";
    *out += kHex[cp >> 4];
    *out += kHex[cp & 0xF];
  } else if ((cp >= 0x80 && cp <= 0x9F) || IsBidiControl(cp)) {
    *out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4)
      out->push_back(kHex[(cp >> shift) & 0xF]);
  } else {
    out->append(raw);
  }
}

}  // namespace

std::string SafeText(std::string_view text, size_t max_bytes) {
  // Most text (every ordinary phone number) is printable ASCII that fits:
  // kept as it is, without the per-code-point walk below.
  if (text.size() <= max_bytes &&
      std::all_of(text.begin(), text.end(),
                  [](char c) { return c >= 0x20 && c < 0x7F; })) {
    return std::string(text);
  }
  constexpr std::string_view kEllipsis = "...";
  const size_t room =
      max_bytes > kEllipsis.size() ? max_bytes - kEllipsis.size() : 0;
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + 8);
  size_t fits_with_marker = 0;  // longest clean prefix that leaves room
  size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    size_t length = DecodeUtf8(text, i, &cp);
    size_t step = length == 0 ? 1 : length;
    AppendClean(text.substr(i, step), cp, length != 0, &out);
    i += step;
    if (out.size() <= room) fits_with_marker = out.size();
    if (out.size() > max_bytes) {
      // Pieces are whole code points or escapes, so this cut is clean.
      out.resize(fits_with_marker);
      if (max_bytes >= kEllipsis.size()) out += kEllipsis;
      return out;
    }
  }
  return out;
}

size_t DecodeUtf8(std::string_view text, size_t i, char32_t* code_point) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
  unsigned char b0 = byte(0);
  if (b0 < 0x80) {
    *code_point = b0;
    return 1;
  }
  size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    if (b0 == 0xE0) low = 0xA0;   // no overlongs
    if (b0 == 0xED) high = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    if (b0 == 0xF0) low = 0x90;   // no overlongs
    if (b0 == 0xF4) high = 0x8F;  // nothing past U+10FFFF
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  char32_t cp = b0 & (0xFF >> (length + 1));
  for (size_t k = 1; k < length; ++k) {
    unsigned char b = byte(k);
    if (b < (k == 1 ? low : 0x80) || b > (k == 1 ? high : 0xBF)) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  *code_point = cp;
  return length;
}

size_t FirstInvalidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    // ASCII is the overwhelmingly common case; skip it a word at a time.
    while (i + 8 <= text.size()) {
      uint64_t word;
      std::memcpy(&word, text.data() + i, 8);
      if (word & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= text.size()) break;
    char32_t cp = 0;
    size_t length = DecodeUtf8(text, i, &cp);
    if (length == 0) return i;
    i += length;
  }
  return std::string_view::npos;
}

bool IsValidUtf8(std::string_view text) {
  return FirstInvalidUtf8(text) == std::string_view::npos;
}

std::optional<size_t> Utf8CodePoints(std::string_view text) {
  size_t count = 0;
  for (size_t i = 0; i < text.size(); ++count) {
    char32_t cp = 0;
    size_t length = DecodeUtf8(text, i, &cp);
    if (length == 0) return std::nullopt;
    i += length;
  }
  return count;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         EqualsIgnoreCase(text.substr(0, prefix.size()), prefix);
}

std::string ToLowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = Lower(c);
  return out;
}

std::string ToUpperAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string_view TrimAscii(std::string_view text) {
  while (!text.empty() &&
         std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() &&
         std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t pos = text.find(sep, start);
    if (pos == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, pos - start));
    start = pos + 1;
  }
}

std::optional<int64_t> ParseInt(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

bool AllAsciiDigits(std::string_view text) {
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

void AppendCsvField(std::string_view field, char delimiter, std::string* out) {
  bool quote = false;
  for (char c : field) {
    if (c == delimiter || c == '"' || c == '\r' || c == '\n') {
      quote = true;
      break;
    }
  }
  if (!quote) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

size_t CaseInsensitiveHash::operator()(std::string_view s) const {
  size_t h = 1469598103934665603ull;  // FNV-1a over lower-cased bytes
  for (char c : s) {
    h ^= static_cast<unsigned char>(Lower(c));
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace phonebulk
