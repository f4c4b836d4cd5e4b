#ifndef PHONEBULK_BATCH_PIPELINE_H_
#define PHONEBULK_BATCH_PIPELINE_H_

#include <string_view>

#include "batch/config.h"
#include "phone/types.h"
#include "phone/validator.h"

namespace phonebulk::batch {

// The per-number pipeline shared by bulk batches (and, later, the real-time
// endpoint and the offline CLI): validate with libphonenumber, then apply
// the request's options. `country_iso` is the phone's own override or empty.
// Thread-safe when `validator` is.
phone::PhoneResult ProcessPhone(const phone::Validator& validator,
                                std::string_view number,
                                std::string_view country_iso,
                                const BatchConfig& config);

}  // namespace phonebulk::batch

#endif  // PHONEBULK_BATCH_PIPELINE_H_
