#ifndef PHONEBULK_HTTP_HTTP_SERVER_H_
#define PHONEBULK_HTTP_HTTP_SERVER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace phonebulk::http {

using HttpRequest =
    boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse =
    boost::beast::http::response<boost::beast::http::string_body>;
using HttpRequestHeader = boost::beast::http::request_header<>;

struct HttpLimits {
  size_t max_body_bytes = 16 * 1024 * 1024;  // larger: 413
  size_t max_header_bytes = 8 * 1024;        // larger: 431
  absl::Duration header_timeout = absl::Seconds(10);  // slow headers: 408
  absl::Duration body_timeout = absl::Seconds(30);    // slow body: 408
  absl::Duration idle_timeout = absl::Seconds(60);    // keep-alive idle: close
  // Bytes of responses built but not yet fully written, over all
  // connections. A response that would take the total past this is replaced
  // by a 503 with Retry-After, so clients that never read their answers
  // cannot make the server hold unbounded memory (issue 10: 60 such clients
  // held 4.4 MB each). A connection holds at most one response (it reads no
  // further request while writing), so its share is bounded by this too.
  // Responses under 64 KiB are always sent.
  size_t max_pending_response_bytes = 64 * 1024 * 1024;
};

// What a handler learns about the connection besides the request itself.
struct RequestContext {
  std::string remote_ip;  // "127.0.0.1", "::1"
  // Set when the body was written to a file (FileBodyPolicy): its path and
  // size; the request's own body is then empty. The server removes the file
  // once the handler returns, so a handler that keeps it renames it away.
  std::string body_file;
  uint64_t body_file_bytes = 0;
};

// Where a request's body goes instead of memory: uploads far larger than
// max_body_bytes (a CSV of millions of rows) are written to `path` as they
// arrive, so the server never holds one whole.
struct FileBodyPlan {
  // Created by the server (it must not exist yet; its directory must).
  // Beast creates it 0644 less the umask, so put it in a directory only
  // the server may enter (0700).
  std::string path;
  uint64_t max_bytes = 0;  // larger: 413 with `too_large_detail`
  std::string too_large_detail;
};

// Decides from a request's header alone whether its body goes to a file
// (nullopt: the in-memory body, capped by max_body_bytes). The server knows
// no routes; the layer above does. Called on an I/O thread; must not throw
// or block.
using FileBodyPolicy =
    std::function<std::optional<FileBodyPlan>(const HttpRequestHeader&)>;

// A response whose body is a file on disk (a result CSV of 150 MB) is
// streamed from the file, never held in memory: the handler returns an
// HttpResponse with an empty body and this header set to the file's path.
// The server removes the header (it never reaches the client), opens the
// file when it writes the response, sets Content-Length to its size and
// sends it in pieces, each with the write deadline (body_timeout) of its
// own, so a large file is not cut off while the client keeps reading. The
// file is not counted in max_pending_response_bytes (it is not in memory).
// Every other header the handler set (Content-Type, Content-Disposition, ...)
// is kept. A file that cannot be opened is answered by the error factory
// with 500. The path is the server's own (never taken from a request); the
// file must stay in place until the response is written (renaming over it
// is safe: the open file is kept).
inline constexpr char kBodyFileHeader[] = "X-Phonebulk-Body-File";

// Produces the response for a well-framed request. Called on an I/O thread;
// may block (storage calls). Must not throw.
using HttpHandler =
    std::function<HttpResponse(const HttpRequest&, const RequestContext&)>;

// Produces the error response for a request the server itself rejects
// before any handler sees it (400 bad framing, 408, 413, 431). `target` is
// the request path when it was read, else "". The server sets
// Connection: close on these.
using HttpErrorFactory = std::function<HttpResponse(
    unsigned status, const std::string& detail, const std::string& target)>;

// An HTTP/1.1 server on Boost.Beast/Asio: keep-alive, body and header caps,
// timeouts for slow headers and bodies, strict framing (a request with both
// Content-Length and Transfer-Encoding, two different Content-Lengths, or a
// malformed chunk is answered 400 and the connection closed), graceful
// shutdown. Thread-safe: Run() may be called from several threads.
class HttpServer {
 public:
  HttpServer(HttpLimits limits, HttpHandler handler,
             HttpErrorFactory error_factory,
             FileBodyPolicy file_body_policy = nullptr);
  ~HttpServer();

  // Binds and listens on host:port (port 0 picks a free one, see port()).
  absl::Status Listen(const std::string& host, uint16_t port);
  uint16_t port() const;

  // Runs the I/O loop on `threads` threads; returns after Shutdown() once
  // every connection is closed.
  void Run(int threads);

  // Stops accepting, lets in-flight requests finish and their responses be
  // written, closes idle keep-alive connections. Safe from any thread and
  // from a signal handler's asio callback.
  void Shutdown();

  // Requests being handled right now (for graceful-shutdown tests/metrics).
  int64_t in_flight() const;
  // Bytes of responses held until their clients read them (see
  // HttpLimits::max_pending_response_bytes).
  int64_t pending_response_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace phonebulk::http

#endif  // PHONEBULK_HTTP_HTTP_SERVER_H_
