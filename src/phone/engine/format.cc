#include "phone/engine/format.h"

#include <algorithm>
#include <cstring>

#include "phone/engine/format_tables.h"
#include "phone/engine/plan_tables.h"

namespace phonebulk::phone::engine {
namespace {

using internal::Dfa;
using internal::FormatPlan;
using internal::FormatRule;
using internal::kAcceptBit;
using internal::kRowMask;

// libphonenumber's parser never gives a longer NSN (kMaxLengthForNsn), and
// a uint64 national_number cannot hold every longer digit string.
constexpr size_t kMaxNsnLength = 17;
constexpr int kNanpaCallingCode = 1;
// libphonenumber's kDefaultExtnPrefix, for metadata without a preferred one.
constexpr char kDefaultExtensionPrefix[] = " ext. ";

// Full match of `digits` (ICU matches()); `digits` are ASCII digits.
bool Accepts(const Dfa& dfa, std::string_view digits) {
  const uint16_t* table = internal::kFormatTransitions + dfa.offset;
  uint32_t state = dfa.start;
  for (char c : digits) {
    state = table[(state & kRowMask) * 10 + unsigned(c - '0')];
    if (state == 0) return false;  // the dead row
  }
  return (state & kAcceptBit) != 0;
}

// Some prefix of `digits` matches (ICU lookingAt(), RegExp::Consume).
bool PrefixAccepts(const Dfa& dfa, std::string_view digits) {
  const uint16_t* table = internal::kFormatTransitions + dfa.offset;
  uint32_t state = dfa.start;
  if (state & kAcceptBit) return true;
  for (char c : digits) {
    state = table[(state & kRowMask) * 10 + unsigned(c - '0')];
    if (state == 0) return false;
    if (state & kAcceptBit) return true;
  }
  return false;
}

bool InScopeNsn(std::string_view nsn) {
  if (nsn.empty() || nsn.size() > kMaxNsnLength) return false;
  return std::all_of(nsn.begin(), nsn.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

// The plan libphonenumber formats a calling code's numbers with
// (GetRegionCodeForCountryCode, then GetMetadataForRegionOrCallingCode):
// the main region, or the non-geographical entity; nullptr when the code
// is unknown. kFormatPlans is parallel to kPlans.
const FormatPlan* MainPlan(int calling_code) {
  if (calling_code <= 0 || calling_code >= internal::kCallingCodeLimit) {
    return nullptr;
  }
  const internal::CallingCodeSlot slot = internal::kCallingCodes[calling_code];
  if (slot.count == 0) return nullptr;
  return &internal::kFormatPlans[internal::kCallingCodePlans[slot.first]];
}

// The geographical region `code` (IsValidRegionCode); nullptr for an
// unknown code and for "001". kFormatPlans is sorted by region code.
const FormatPlan* RegionPlan(std::string_view code) {
  if (code == "001") return nullptr;
  const FormatPlan* begin = internal::kFormatPlans;
  const FormatPlan* end = begin + internal::kFormatPlanCount;
  const FormatPlan* found = std::lower_bound(
      begin, end, code, [](const FormatPlan& plan, std::string_view c) {
        return std::string_view(plan.region) < c;
      });
  if (found == end || std::string_view(found->region) != code) return nullptr;
  return found;
}

// Writes the number's capture groups into the rule's template.
FormatStatus Expand(const FormatRule& rule, const internal::Template& tmpl,
                    std::string_view nsn, FormattedNumber* out) {
  if (tmpl.size < 0 || !rule.splittable) return FormatStatus::kOutOfScope;
  const int n = static_cast<int>(nsn.size());
  auto position = [n](int8_t v) { return v >= 0 ? int{v} : n + 1 + v; };
  for (int16_t i = 0; i < tmpl.size; ++i) {
    const unsigned char byte = static_cast<unsigned char>(tmpl.bytes[i]);
    bool fits;
    if (byte >= internal::kGroupRefBase && byte < internal::kGroupRefLimit) {
      const int group = byte - internal::kGroupRefBase;
      int begin = 0;
      int end = n;
      if (group > 0) {
        const internal::GroupSpan& span =
            internal::kGroupSpans[rule.first_group + group - 1];
        begin = position(span.begin);
        end = position(span.end);
        // The compiler proved the spans; a violation would be its bug.
        if (begin < 0 || begin > end || end > n) {
          return FormatStatus::kOutOfScope;
        }
      }
      fits = out->Append(nsn.substr(begin, end - begin));
    } else {
      fits = out->Append(std::string_view(tmpl.bytes + i, 1));
    }
    if (!fits) return FormatStatus::kOutOfScope;
  }
  return FormatStatus::kOk;
}

// FormatNsn(nsn, metadata, NATIONAL or INTERNATIONAL): the first rule of
// the list whose leading digits and pattern match, or the NSN as it is.
FormatStatus FormatNsn(const FormatPlan& plan, std::string_view nsn,
                       bool national, FormattedNumber* out) {
  uint16_t first = plan.national_first;
  uint16_t count = plan.national_count;
  if (!national && plan.intl_count > 0) {
    first = plan.intl_first;
    count = plan.intl_count;
  }
  for (uint16_t i = first; i < first + count; ++i) {
    const FormatRule& rule = internal::kFormatRules[i];
    if (!rule.selectable) return FormatStatus::kOutOfScope;
    if (rule.has_leading && !PrefixAccepts(rule.leading, nsn)) continue;
    if (!Accepts(rule.pattern, nsn)) continue;
    return Expand(rule, national ? rule.national : rule.international, nsn,
                  out);
  }
  return out->Append(nsn) ? FormatStatus::kOk : FormatStatus::kOutOfScope;
}

FormatStatus Finish(FormatStatus status, FormattedNumber* out) {
  if (status != FormatStatus::kOk) out->Clear();
  return status;
}

// Format() without the final clearing on failure.
FormatStatus FormatInto(int calling_code, std::string_view nsn,
                        FormatStyle style, FormattedNumber* out) {
  if (style == FormatStyle::kE164) {
    return out->Append("+") && out->AppendNumber(calling_code) &&
                   out->Append(nsn)
               ? FormatStatus::kOk
               : FormatStatus::kOutOfScope;
  }
  const FormatPlan* plan = MainPlan(calling_code);
  if (plan == nullptr) {  // !HasValidCountryCallingCode: the NSN alone
    return out->Append(nsn) ? FormatStatus::kOk : FormatStatus::kOutOfScope;
  }
  if (style == FormatStyle::kInternational) {
    if (!out->Append("+") || !out->AppendNumber(calling_code) ||
        !out->Append(" ")) {
      return FormatStatus::kOutOfScope;
    }
  } else if (style != FormatStyle::kNational) {
    return FormatStatus::kOutOfScope;
  }
  return FormatNsn(*plan, nsn, style == FormatStyle::kNational, out);
}

}  // namespace

namespace internal {
FormatStatus ApplyRule(const FormatRule& rule, bool national,
                       std::string_view nsn, FormattedNumber* out) {
  return Expand(rule, national ? rule.national : rule.international, nsn, out);
}
}  // namespace internal

bool FormattedNumber::Append(std::string_view text) {
  if (text.size() > kCapacity - size_) return false;
  std::memcpy(text_ + size_, text.data(), text.size());
  size_ = static_cast<uint8_t>(size_ + text.size());
  return true;
}

bool FormattedNumber::AppendNumber(int value) {
  char digits[12];
  int count = 0;
  do {
    digits[sizeof(digits) - 1 - count++] = char('0' + value % 10);
    value /= 10;
  } while (value > 0 && count < 11);
  return Append(std::string_view(digits + sizeof(digits) - count, count));
}

FormatStatus Format(int calling_code, std::string_view nsn, FormatStyle style,
                    FormattedNumber* out) {
  out->Clear();
  if (!InScopeNsn(nsn) || calling_code <= 0 ||
      calling_code >= internal::kCallingCodeLimit) {
    return FormatStatus::kOutOfScope;
  }
  return Finish(FormatInto(calling_code, nsn, style, out), out);
}

FormatStatus Format(int calling_code, std::string_view nsn,
                    std::string_view extension, FormatStyle style,
                    FormattedNumber* out) {
  const FormatStatus status = Format(calling_code, nsn, style, out);
  if (status != FormatStatus::kOk || extension.empty() ||
      style == FormatStyle::kE164) {
    return status;
  }
  // The library writes the NSN alone for an unknown calling code and
  // returns before the extension.
  const FormatPlan* plan = MainPlan(calling_code);
  if (plan == nullptr) return status;
  const char* prefix = plan->extension_prefix != nullptr
                           ? plan->extension_prefix
                           : kDefaultExtensionPrefix;
  return Finish(out->Append(prefix) && out->Append(extension)
                    ? FormatStatus::kOk
                    : FormatStatus::kOutOfScope,
                out);
}

FormatStatus FormatOutOfCountryCallingNumber(int calling_code,
                                             std::string_view nsn,
                                             std::string_view calling_from,
                                             FormattedNumber* out) {
  out->Clear();
  if (!InScopeNsn(nsn) || calling_code <= 0 ||
      calling_code >= internal::kCallingCodeLimit) {
    return FormatStatus::kOutOfScope;
  }
  const FormatPlan* from = RegionPlan(calling_from);
  if (from == nullptr) {
    return Finish(
        FormatInto(calling_code, nsn, FormatStyle::kInternational, out), out);
  }
  const FormatPlan* plan = MainPlan(calling_code);
  if (plan == nullptr) {
    return Finish(
        out->Append(nsn) ? FormatStatus::kOk : FormatStatus::kOutOfScope, out);
  }
  // Within NANPA: national with the calling code; within one calling code
  // (also between regions sharing it): national.
  if (calling_code == kNanpaCallingCode) {
    if (from->calling_code == kNanpaCallingCode) {
      if (!out->Append("1 ")) return Finish(FormatStatus::kOutOfScope, out);
      return Finish(FormatNsn(*plan, nsn, true, out), out);
    }
  } else if (calling_code == from->calling_code) {
    return Finish(FormatNsn(*plan, nsn, true, out), out);
  }
  if (!from->out_of_country_known) {
    return Finish(FormatStatus::kOutOfScope, out);
  }
  const bool prefixed = from->out_of_country_prefix != nullptr;
  const bool ok =
      prefixed ? out->Append(from->out_of_country_prefix) && out->Append(" ") &&
                     out->AppendNumber(calling_code) && out->Append(" ")
               : out->Append("+") && out->AppendNumber(calling_code) &&
                     out->Append(" ");
  if (!ok) return Finish(FormatStatus::kOutOfScope, out);
  return Finish(FormatNsn(*plan, nsn, false, out), out);
}

}  // namespace phonebulk::phone::engine
