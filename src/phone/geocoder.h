#ifndef PHONEBULK_PHONE_GEOCODER_H_
#define PHONEBULK_PHONE_GEOCODER_H_

#include <memory>
#include <string>
#include <string_view>

namespace phonebulk::phone {

// libphonenumber's offline geocoder (libgeocoding, English descriptions):
// "Colchester", "Washington D.C.", or the country name for numbers without a
// finer description. Thread-safe.
class Geocoder {
 public:
  Geocoder();
  ~Geocoder();
  static const Geocoder& Default();

  // Description of the number given as E.164 digits (no '+'); empty when
  // none is known or the digits do not parse.
  std::string Describe(std::string_view e164_digits) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace phonebulk::phone

#endif  // PHONEBULK_PHONE_GEOCODER_H_
