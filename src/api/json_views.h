#ifndef PHONEBULK_API_JSON_VIEWS_H_
#define PHONEBULK_API_JSON_VIEWS_H_

#include <span>
#include <string>

#include "batch/service.h"

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

// {"result":{"batch_id",...,"statistics":[...],"phones":[...]}}.
std::string BatchResultsJson(const batch::BatchResults& results,
                             bool add_metadata);

}  // namespace phonebulk::api

#endif  // PHONEBULK_API_JSON_VIEWS_H_
