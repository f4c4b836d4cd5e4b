#include "api/query.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

#include "common/strings.h"

namespace phonebulk::api {

namespace {

// Boost 1.74 has no URL library (Boost.URL came with 1.81), so decoding is
// left to libcurl, which the project links already.
std::string Decode(std::string_view text) {
  std::string plus_as_space(text);
  std::replace(plus_as_space.begin(), plus_as_space.end(), '+', ' ');
  int length = 0;
  std::unique_ptr<char, decltype(&curl_free)> decoded(
      curl_easy_unescape(nullptr, plus_as_space.data(),
                         static_cast<int>(plus_as_space.size()), &length),
      &curl_free);
  if (decoded == nullptr) return plus_as_space;
  return std::string(decoded.get(), static_cast<size_t>(length));
}

}  // namespace

std::vector<QueryParam> ParseQuery(std::string_view target) {
  std::vector<QueryParam> params;
  size_t query = target.find('?');
  if (query == std::string_view::npos) return params;
  for (std::string_view param : Split(target.substr(query + 1), '&')) {
    if (param.empty()) continue;
    size_t eq = param.find('=');
    QueryParam decoded;
    decoded.name = Decode(param.substr(0, eq));
    if (eq != std::string_view::npos) decoded.value = Decode(param.substr(eq + 1));
    params.push_back(std::move(decoded));
  }
  return params;
}

}  // namespace phonebulk::api
