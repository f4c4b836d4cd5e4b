#ifndef PHONEBULK_PHONE_ENGINE_FORMAT_H_
#define PHONEBULK_PHONE_ENGINE_FORMAT_H_

// The compiled engine's formatter (issue 13, docs/engine.md "Formatting"):
// libphonenumber's PhoneNumberUtil::Format (E164, INTERNATIONAL, NATIONAL)
// and FormatOutOfCountryCallingNumber of an already parsed number, from
// tables compiled at build time out of the metadata embedded in the
// libphonenumber the build links (compile_format.cc).
//
// Contract: when a function returns kOk, the text is byte for byte what
// libphonenumber 8.x writes for a PhoneNumber with that calling code and
// national significant number (NSN, as engine.h defines it: the digits of
// GetNationalSignificantNumber, Italian leading zeros included), no
// extension and no raw input. When the engine cannot guarantee that -- a
// format rule the compiler could not reproduce exactly, an NSN that is
// empty, longer than 17 digits or not all ASCII digits, a calling code
// outside 1..999 -- it returns kOutOfScope and leaves `out` empty: ask
// libphonenumber. engine_format_test holds it to that on every region.
//
// Thread safety and cost: the tables are immutable constants and the
// output goes to the caller's buffer, so every function is safe to call
// from any number of threads with no synchronization. No function
// allocates, locks or runs a regex.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace phonebulk::phone::engine {

// libphonenumber's PhoneNumberUtil::PhoneNumberFormat values, minus RFC3966
// (not supported), so that static_cast converts between the two.
enum class FormatStyle : uint8_t {
  kE164 = 0,
  kInternational = 1,
  kNational = 2,
};

enum class FormatStatus : uint8_t {
  kOk = 0,
  kOutOfScope,  // not sure: ask libphonenumber
};

// A caller-provided fixed buffer for one formatted number. Large enough for
// every answer the engine gives in scope (an answer that would not fit is
// out of scope instead). Not thread-safe itself: one per thread or call.
class FormattedNumber {
 public:
  static constexpr size_t kCapacity = 64;

  std::string_view view() const { return std::string_view(text_, size_); }
  size_t size() const { return size_; }

  // Used by the formatter: appends, returning false (and keeping the text
  // as it was before the failed append) when it would not fit.
  bool Append(std::string_view text);
  bool AppendNumber(int value);  // decimal, value >= 0
  void Clear() { size_ = 0; }

 private:
  char text_[kCapacity];
  uint8_t size_ = 0;
};

// PhoneNumberUtil::Format(number, style) into *out. E164 needs no
// metadata ("+" calling code NSN, even for an unknown calling code);
// INTERNATIONAL and NATIONAL of an unknown calling code are the NSN alone,
// as in the library.
FormatStatus Format(int calling_code, std::string_view nsn, FormatStyle style,
                    FormattedNumber* out);

// PhoneNumberUtil::Format(number, style) of a number with an extension
// (ParsedNumber::extension(), digits): Format above, then for INTERNATIONAL
// and NATIONAL the calling code's main metadata's preferred_extn_prefix
// (" x" for GB) or " ext. ", and the extension, as the library's
// MaybeAppendFormattedExtension does. E164 and an unknown calling code get
// none, as in the library. An empty extension is Format above.
FormatStatus Format(int calling_code, std::string_view nsn,
                    std::string_view extension, FormatStyle style,
                    FormattedNumber* out);

// PhoneNumberUtil::FormatOutOfCountryCallingNumber(number, calling_from):
// NATIONAL within the calling code (and "1 " + NATIONAL between NANPA
// regions), else the region's international prefix (or "+") with the
// calling code and the INTERNATIONAL form of the NSN. A region code the
// library does not know (including "001" and lower case) gives
// INTERNATIONAL, as in the library.
FormatStatus FormatOutOfCountryCallingNumber(int calling_code,
                                             std::string_view nsn,
                                             std::string_view calling_from,
                                             FormattedNumber* out);

}  // namespace phonebulk::phone::engine

#endif  // PHONEBULK_PHONE_ENGINE_FORMAT_H_
