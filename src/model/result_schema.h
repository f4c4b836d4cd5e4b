#ifndef PHONEBULK_MODEL_RESULT_SCHEMA_H_
#define PHONEBULK_MODEL_RESULT_SCHEMA_H_

// The one table of a phone result's fields: wire name, storage key, where
// the field goes (the phone object, its `metadata`, or storage only), when
// it is present, how its value is written, and which PhoneResult member
// holds it. Everything that spells a result out derives from this table:
// the storage codec (batch/result_codec.cc), the JSON views of both APIs
// (api/json_views.cc), the CSV columns and rows (batch/result_columns.cc),
// the bulk client's output columns (client/result_row.cc) and the lookup
// protocol's names for the facts it shares with a result. Adding a field is
// one row here (plus its PhoneResult member).
//
// Why a module of its own (src/model, library phonebulk_model): the bulk
// client must derive its columns from the same table without linking the
// batch service, and the lookup library sits beside phone/, below batch/.
// The table depends only on phone/types.h (PhoneResult and the WireWords
// tables, library phonebulk_phone_types), so every arrow points down.
// Stateless; thread-safe.

#include <span>
#include <string>
#include <string_view>

#include "phone/types.h"

namespace phonebulk::model {

// Every field, in table order: the phone object's fields in the contract's
// order (then our opt-in valid and reason), then the contract's fifteen
// `metadata` fields in the contract's order, then the storage-only ones
// (none today).
enum class Field {
  kValidatedPhoneNumber,
  kFormattedPhoneNumber,
  kPhoneType,
  kConfidence,
  kPortedDate,
  kDisposableNumber,
  kValid,
  kReason,
  kOriginalOperatorName,
  kOriginalNetworkStatus,
  kOriginalHomeNetworkIdentity,
  kOriginalCountryPrefix,
  kOriginalCountryName,
  kOriginalCountryIso,
  kOperatorName,
  kNetworkStatus,
  kHomeNetworkIdentity,
  kCountryPrefix,
  kCountryName,
  kCountryIso,
  kIsPorted,
  kEmailToSmsAddress,
  kEmailToMmsAddress,
};

// Where a field is written.
enum class Section {
  kPhone,        // a key of the phone object / a CSV result column
  kMetadata,     // a key of `metadata` (bulk) or `metadata.phone_detail`
                 // (real-time); a CSV column only with metadata
  kStorageOnly,  // stored, never shown
};

// When a kPhone field is present (metadata fields are present whenever
// metadata is asked for, and left out of JSON when empty).
enum class Presence {
  kAlways,
  kWithPortedDate,  // only when the batch/request asks get_ported_date
  kWithDisposable,  // always in bulk; in real-time only when asked
  kWithValidity,    // only with include=validity (our extension)
};

// How the value is held and written.
enum class Value {
  kText,        // free text, the same in every API
  kStatusWord,  // a bulk word from phone::StatusWords(), translated per API
  kPhoneType,   // PhoneResult::phone_type, phone::PhoneTypeWords()
  kConfidence,  // PhoneResult::confidence, phone::ConfidenceWords()
  kValidity,    // PhoneResult::valid, stored as one byte 0/1 (JSON
                // true/false in earlier releases), shown as
                // phone::ValidityWord() (yes/no/empty, with the reason)
  kReason,      // PhoneResult::invalid_reason, phone::InvalidReasonWords()
};

struct FieldSpec {
  Field field;
  // The JSON key and CSV column. Both APIs use the same keys; only the
  // words of enumerated values differ (phone::WireApi).
  std::string_view name;
  // The short key the field is stored under (batch/result_codec.h: the
  // binary layout, and the JSON of earlier releases). Existing keys never
  // change, so stored results stay readable. Empty for a field that is not
  // stored because it is derived from another: offline, an
  // original_country_* field reads the current country_* member (see
  // `text`).
  std::string_view storage_key;
  Section section;
  Presence presence;
  Value value;
  // The member holding a kText or kStatusWord value (for an unstored
  // original_ field, its current twin's member); nullptr otherwise.
  std::string phone::PhoneResult::*text;
  // The member holding a kValidity value; nullptr otherwise.
  bool phone::PhoneResult::*flag;
};

// The whole table, indexed by Field.
std::span<const FieldSpec> Fields();
const FieldSpec& Spec(Field field);
std::string_view Name(Field field);

// The kPhone fields, then the kMetadata fields, each in the contract's
// order (contiguous parts of Fields()).
std::span<const FieldSpec> PhoneFields();
std::span<const FieldSpec> MetadataFields();

// Whether a kPhone field is part of an answer that asks `ported_date`,
// `disposable` and `validity` (true for other sections).
bool Included(const FieldSpec& spec, bool ported_date, bool disposable,
              bool validity = false);

// The value of `spec` in `r` in `api`'s words; "" when unknown. valid and
// reason are our words, the same in both APIs.
std::string_view WireValue(const FieldSpec& spec, const phone::PhoneResult& r,
                           phone::WireApi api);

// The value the contract gives an unprocessed phone (a stopped batch):
// confidence "unprocessed", empty strings elsewhere.
std::string_view UnprocessedValue(const FieldSpec& spec);

// Sets a stored (bulk-word) value of a non-kValidity field in `r`. False
// when an enumerated field's word is unknown; text is taken as is.
bool SetFromBulkWord(const FieldSpec& spec, std::string_view word,
                     phone::PhoneResult* r);

}  // namespace phonebulk::model

#endif  // PHONEBULK_MODEL_RESULT_SCHEMA_H_
