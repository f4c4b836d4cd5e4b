#ifndef PHONEBULK_API_ERRORS_H_
#define PHONEBULK_API_ERRORS_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace phonebulk::api {

// The one place where internal status codes become HTTP statuses:
// InvalidArgument/FailedPrecondition/OutOfRange 400, Unauthenticated 401,
// PermissionDenied 403, ResourceExhausted (not enough credits) 403,
// NotFound 404, DeadlineExceeded 408, Unavailable 503, anything else 500.
// Rate limits are not a service's answer: the pipeline refuses them (429)
// before any handler runs.
unsigned HttpStatusFor(absl::StatusCode code);

// "Bad Request", "Not Found", ... (the reason phrase).
std::string_view HttpTitle(unsigned status);

// The `{"error":{type,title,detail,instance}}` body. `type` links to the
// section of our error page for this status (served at /docs/errors).
std::string ErrorBody(unsigned status, std::string_view detail,
                      std::string_view instance);

// The error page `type` links point to: one section per status with what
// causes it and what to do. Plain text (markdown).
const std::string& ErrorDocsPage();

// The detail a client sees for a status: for 5xx codes the internal message
// is replaced (it may name internals); otherwise the message is the detail.
std::string PublicDetail(const absl::Status& status);

}  // namespace phonebulk::api

#endif  // PHONEBULK_API_ERRORS_H_
