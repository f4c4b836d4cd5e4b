#ifndef PHONEBULK_API_QUERY_H_
#define PHONEBULK_API_QUERY_H_

// The one reader of request query strings. Clients write queries in
// different but equivalent ways (Python's urlencode sends
// `include=location%2Ctime_zones`, a browser form sends `+` for a space), so
// every handler reads parameters through ParseQuery and sees them decoded.

#include <string>
#include <string_view>
#include <vector>

namespace phonebulk::api {

struct QueryParam {
  std::string name;   // percent-decoded
  std::string value;  // percent-decoded; empty when the parameter has no '='
};

// The parameters of `target`'s query (after the first '?'), in order, split
// at '&' and at the first '=', each name and value percent-decoded (RFC 3986
// section 2.1, with '+' read as a space as HTML forms write it). Empty
// parameters (`a=1&&b=2`) are skipped. A '%' not followed by two hex digits
// is kept as written, so the handler's own check of the value reports it.
// Pure; thread-safe.
std::vector<QueryParam> ParseQuery(std::string_view target);

}  // namespace phonebulk::api

#endif  // PHONEBULK_API_QUERY_H_
