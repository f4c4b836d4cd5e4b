#include "phone/geocoder.h"

#include <unicode/locid.h>

#include <string>

#include "common/strings.h"
#include "phonenumbers/geocoding/phonenumber_offline_geocoder.h"
#include "phonenumbers/phonenumber.pb.h"
#include "phonenumbers/phonenumberutil.h"

namespace phonebulk::phone {
namespace {

// E.164 allows at most 15 digits; a little slack lets libphonenumber, not
// us, decide what is too long, while garbage of any size costs nothing.
constexpr size_t kMaxDigits = 17;

}  // namespace

// PhoneNumberOfflineGeocoder guards its lazily loaded prefix maps with its
// own absl::Mutex (see phonenumber_offline_geocoder.h), PhoneNumberUtil is
// an immutable singleton and the locale is only read, so one instance
// serves every thread without a lock of ours.
struct Geocoder::Impl {
  i18n::phonenumbers::PhoneNumberOfflineGeocoder geocoder;
  // English descriptions; the region only picks English spellings of
  // country names (ICU), which do not differ between en-US and en-GB for
  // the names libgeocoding asks for.
  icu::Locale locale{"en", "US"};
};

Geocoder::Geocoder() : impl_(std::make_unique<Impl>()) {}
Geocoder::~Geocoder() = default;

const Geocoder& Geocoder::Default() {
  // Leaked on purpose: worker threads may still describe numbers during exit.
  static const Geocoder* const instance = new Geocoder();
  return *instance;
}

std::string Geocoder::Describe(std::string_view e164_digits) const {
  if (e164_digits.empty() || e164_digits.size() > kMaxDigits ||
      !AllAsciiDigits(e164_digits)) {
    return "";
  }
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  std::string text = "+" + std::string(e164_digits);
  // "ZZ" (unknown region): the leading '+' carries the country.
  if (util.Parse(text, "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
    return "";
  }
  // GetDescriptionForNumber checks validity itself and answers "" for an
  // invalid number or one that is not geographic (toll free, premium...).
  return impl_->geocoder.GetDescriptionForNumber(number, impl_->locale);
}

}  // namespace phonebulk::phone
