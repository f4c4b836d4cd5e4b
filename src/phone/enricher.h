#ifndef PHONEBULK_PHONE_ENRICHER_H_
#define PHONEBULK_PHONE_ENRICHER_H_

#include "phone/disposable.h"
#include "phone/email_gateways.h"
#include "phone/geocoder.h"
#include "phone/operators.h"
#include "phone/time_zones.h"
#include "phone/types.h"

namespace phonebulk::phone {

// The opt-in extensions (query include=location,time_zones).
struct Extensions {
  bool location = false;
  bool time_zones = false;
  // include=validity: the valid and reason fields. Stored with the result,
  // so nothing is worked out at read time and any() leaves it out.
  bool validity = false;
  // Whether the enricher has anything to add.
  bool any() const { return location || time_zones; }
};

// Adds offline intelligence to a validated number: operator and network
// (MCC/MNC), porting state without a source, email gateways, disposable
// ranges; and, on request, location and time zones. Every source is
// optional (nullptr: its fields stay empty). Thread-safe when its sources
// are; it owns none of them.
class Enricher {
 public:
  struct Sources {
    const OperatorTable* operators = nullptr;
    const TimeZoneTable* time_zones = nullptr;
    const Geocoder* geocoder = nullptr;
    const DisposableSource* disposable = nullptr;
    const EmailGateways* gateways = nullptr;
  };
  explicit Enricher(Sources sources) : sources_(sources) {}

  // The built-in tables, the default geocoder, and `disposable` (may be null).
  static Sources BuiltInSources(const DisposableSource* disposable);

  // Fills the operator, network, porting, gateway and disposable fields of
  // a valid number (validator output). Leaves an invalid number untouched.
  // Cheap: a few prefix look-ups; this runs for every number processed.
  void Enrich(PhoneResult* result) const;

  // Fills location and/or time_zones when asked. Costlier (the geocoder
  // parses the number again), so it runs only for callers who opt in.
  void AddExtensions(PhoneResult* result, const Extensions& extensions) const;

 private:
  Sources sources_;
};

}  // namespace phonebulk::phone

#endif  // PHONEBULK_PHONE_ENRICHER_H_
