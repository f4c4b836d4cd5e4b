#ifndef PHONEBULK_PHONE_ENGINE_ENGINE_TESTING_H_
#define PHONEBULK_PHONE_ENGINE_ENGINE_TESTING_H_

// Test and benchmark support for the compiled engine, shared by its
// differential tests and bench/: the metadata embedded in libphonenumber,
// the PhoneNumber its Parse builds for a national significant number, and
// a small seeded generator. Links libphonenumber; never part of the
// service.

#include <cstdint>
#include <string>

#include "phonenumbers/phonemetadata.pb.h"
#include "phonenumbers/phonenumber.pb.h"

namespace i18n::phonenumbers {
int metadata_size();
const void* metadata_get();
}  // namespace i18n::phonenumbers

namespace phonebulk::phone::engine::test_support {

// The PhoneMetadataCollection embedded in the libphonenumber this process
// runs (what the tables were compiled from); empty when it does not parse.
inline i18n::phonenumbers::PhoneMetadataCollection EmbeddedMetadata() {
  i18n::phonenumbers::PhoneMetadataCollection collection;
  if (!collection.ParseFromArray(i18n::phonenumbers::metadata_get(),
                                 i18n::phonenumbers::metadata_size())) {
    collection.Clear();
  }
  return collection;
}

// The PhoneNumber libphonenumber's Parse builds for this NSN (all ASCII
// digits): leading zeros as italian_leading_zero + number_of_leading_zeros,
// as its SetItalianLeadingZerosForPhoneNumber does.
inline i18n::phonenumbers::PhoneNumber NumberFromNsn(int calling_code,
                                                     const std::string& nsn) {
  i18n::phonenumbers::PhoneNumber number;
  number.set_country_code(calling_code);
  uint64_t value = 0;
  for (char c : nsn) value = value * 10 + static_cast<uint64_t>(c - '0');
  number.set_national_number(value);
  if (nsn.size() > 1 && nsn[0] == '0') {
    number.set_italian_leading_zero(true);
    size_t zeros = 1;
    while (zeros < nsn.size() - 1 && nsn[zeros] == '0') ++zeros;
    if (zeros != 1) {
      number.set_number_of_leading_zeros(static_cast<int>(zeros));
    }
  }
  return number;
}

// SplitMix64: small and fully specified, so generated cases are the same
// with any standard library.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  char Digit() { return static_cast<char>('0' + Next() % 10); }

 private:
  uint64_t state_;
};

}  // namespace phonebulk::phone::engine::test_support

#endif  // PHONEBULK_PHONE_ENGINE_ENGINE_TESTING_H_
