// Internal to phonebulk_http: the pure decisions of the HTTP server (is this
// request framed in a way we accept? what does a read error mean for the
// client?), kept apart from the socket code so they can be tested from a
// table of cases without a network.

#ifndef PHONEBULK_HTTP_HTTP_FRAMING_H_
#define PHONEBULK_HTTP_HTTP_FRAMING_H_

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <optional>
#include <string>

namespace phonebulk::http::internal {

using RequestHeader = boost::beast::http::request_header<>;

// A request the server answers itself, then closes the connection.
struct Rejection {
  unsigned status = 0;
  std::string detail;  // one sentence a client developer can act on
};

// Checks the message framing of a parsed request header. Beast already
// rejects some ambiguous headers while parsing (Transfer-Encoding after
// Content-Length, Content-Length after "Transfer-Encoding: chunked", and
// two different Content-Length values); this closes the remaining gaps so
// that a front proxy and this server can never disagree on where a request
// ends (request smuggling):
//   - Content-Length together with Transfer-Encoding        -> 400
//   - Content-Length values that differ                      -> 400
//   - Transfer-Encoding empty, not ending in "chunked", or
//     naming "chunked" twice (length undeterminable)         -> 400
//   - Transfer-Encoding "<coding>, chunked" (a coding we do
//     not implement, e.g. gzip; RFC 9112 §6.1)               -> 501
// Returns nullopt when the framing is acceptable. Pure; thread-safe.
std::optional<Rejection> CheckFraming(const RequestHeader& header);

// True when the client waits for "100 Continue" before sending its body:
// HTTP/1.1 and `Expect: 100-continue` (case-insensitive). Other
// expectations are ignored rather than answered 417. Pure; thread-safe.
bool ExpectsContinue(const RequestHeader& header);

// What to do after reading a request failed.
struct ReadFailure {
  // False: the peer went away or the read was cancelled; close the socket
  // without writing anything (there is nobody to read it).
  bool respond = false;
  Rejection rejection;  // meaningful when respond
};

// Maps a failed header or body read to a response. `timed_out` is true when
// the server's own deadline cancelled the read (takes precedence over `ec`);
// `header_done` tells a too-large header from a runaway chunk line when the
// read buffer overflowed. Pure; thread-safe.
ReadFailure ClassifyReadError(boost::beast::error_code ec, bool timed_out,
                              bool header_done);

}  // namespace phonebulk::http::internal

#endif  // PHONEBULK_HTTP_HTTP_FRAMING_H_
