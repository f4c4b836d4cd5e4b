#ifndef PHONEBULK_API_JSON_VIEWS_H_
#define PHONEBULK_API_JSON_VIEWS_H_

#include <span>
#include <string>
#include <string_view>

#include "batch/service.h"
#include "phone/enricher.h"

namespace phonebulk::api {

// JSON bodies of the Bulk Phone v1 answers, written with RapidJSON (never by
// string concatenation). Optional keys are left out when unset, never null.

// {"result":{"batch_id","batch_reference_id"?,"status"}} for create, start
// and stop.
std::string BatchAckJson(const batch::BatchView& view);

// {"result":{status object}, "metadata"?:{"batch_config":{...}}}.
std::string BatchStatusJson(const batch::BatchView& view, bool add_metadata);

// {"result":{"batches":[status objects]}}.
std::string BatchListJson(std::span<const batch::BatchView> views);

// {"result":{"batch_id",...,"statistics":[...],"phones":[...]}}. The
// extensions (include=location,time_zones) add "location" and/or
// "time_zones" to each processed phone; without them the answer is exactly
// the contract's.
std::string BatchResultsJson(const batch::BatchResults& results,
                             bool add_metadata,
                             const phone::Extensions& extensions = {});

// The real-time answer: {"result":{one phone}, "metadata"?:{"phone_detail":
// {the metadata fields}}}, every enumerated value in the real-time words
// (phone::WireApi::kRealTime: "Mobile or landline", "Yes"). `ported_date` is
// there only when `get_ported_date`, `disposable_number` only when
// `get_disposable_number` (the request's options), `metadata` only when
// `add_metadata` (the Add-Metadata header), as in bulk.
std::string ValidateV2Json(std::string_view number,
                           const phone::PhoneResult& result,
                           bool get_ported_date, bool get_disposable_number,
                           bool add_metadata,
                           const phone::Extensions& extensions = {});

// One phone as a bulk result with Add-Metadata writes it:
// {"number",...,"disposable_number", extensions when asked, "metadata":{...}}.
// For callers outside a batch (the offline CLI's --json), so that their
// output and the Bulk API's never drift apart.
std::string PhoneJson(std::string_view number, const phone::PhoneResult& result,
                      bool get_ported_date,
                      const phone::Extensions& extensions = {});

}  // namespace phonebulk::api

#endif  // PHONEBULK_API_JSON_VIEWS_H_
