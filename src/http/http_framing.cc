#include "http/http_framing.h"

#include <algorithm>
#include <boost/asio/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <string_view>
#include <vector>

namespace phonebulk::http::internal {
namespace {

namespace http = boost::beast::http;
namespace net = boost::asio;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// Splits every occurrence of `field` on commas into trimmed, non-empty
// tokens; a coding's parameters (";q=...") are dropped. Repeated header
// lines are equivalent to one comma-joined line (RFC 9110 §5.3).
std::vector<std::string> Tokens(const RequestHeader& header, http::field f) {
  std::vector<std::string> out;
  auto range = header.equal_range(f);
  for (auto it = range.first; it != range.second; ++it) {
    std::string_view value = it->value();
    while (!value.empty()) {
      size_t comma = value.find(',');
      std::string_view token = value.substr(0, comma);
      value = comma == std::string_view::npos ? std::string_view()
                                              : value.substr(comma + 1);
      token = Trim(token.substr(0, token.find(';')));
      if (!token.empty()) out.emplace_back(token);
    }
  }
  return out;
}

bool IsChunked(std::string_view token) {
  return boost::beast::iequals(token, "chunked");
}

Rejection Bad(std::string detail) { return Rejection{400, std::move(detail)}; }

}  // namespace

std::optional<Rejection> CheckFraming(const RequestHeader& header) {
  const size_t cl_lines = header.count(http::field::content_length);
  const size_t te_lines = header.count(http::field::transfer_encoding);
  if (cl_lines > 0 && te_lines > 0) {
    return Bad(
        "The request has both Content-Length and Transfer-Encoding; send "
        "exactly one of them.");
  }
  if (cl_lines > 0) {
    std::vector<std::string> lengths =
        Tokens(header, http::field::content_length);
    if (lengths.empty() ||
        std::adjacent_find(lengths.begin(), lengths.end(),
                           std::not_equal_to<>()) != lengths.end()) {
      return Bad("The request has conflicting Content-Length values.");
    }
  }
  if (te_lines > 0) {
    std::vector<std::string> codings =
        Tokens(header, http::field::transfer_encoding);
    if (codings.empty() || !IsChunked(codings.back()) ||
        std::count_if(codings.begin(), codings.end(), IsChunked) > 1) {
      return Bad(
          "Transfer-Encoding must end with 'chunked' exactly once, or be "
          "left out.");
    }
    if (codings.size() > 1) {
      return Rejection{501, "Transfer-Encoding '" + codings.front() +
                                "' is not supported; send the body with "
                                "'Transfer-Encoding: chunked' only."};
    }
  }
  return std::nullopt;
}

bool ExpectsContinue(const RequestHeader& header) {
  if (header.version() < 11) return false;
  auto it = header.find(http::field::expect);
  return it != header.end() &&
         boost::beast::iequals(Trim(it->value()), "100-continue");
}

ReadFailure ClassifyReadError(boost::beast::error_code ec, bool timed_out,
                              bool header_done) {
  if (timed_out) {
    return {true,
            {408,
             "The request was not received in time; send the whole "
             "request without pausing."}};
  }
  if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
      ec == net::error::eof || ec == net::error::operation_aborted ||
      ec == net::error::connection_reset || ec == net::error::broken_pipe ||
      ec == net::error::not_connected || ec == net::error::bad_descriptor) {
    return {};
  }
  if (ec == http::error::header_limit ||
      (ec == http::error::buffer_overflow && !header_done)) {
    return {true,
            {431,
             "The request line and headers are too large; shorten "
             "them."}};
  }
  if (ec == http::error::body_limit) {
    return {true,
            {413,
             "The request body is larger than this server accepts; send "
             "fewer records per request."}};
  }
  if (ec == http::error::buffer_overflow) {
    // Only a chunk-size line can overflow the buffer once the header is in:
    // body bytes are moved out of it as they arrive.
    return {true, Bad("A chunk-size line of the request body is too long.")};
  }
  return {true,
          Bad("The request is not valid HTTP/1.1 (" + ec.message() + ").")};
}

}  // namespace phonebulk::http::internal
