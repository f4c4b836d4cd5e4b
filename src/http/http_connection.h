// Internal to phonebulk_http: one accepted TCP connection and the state it
// shares with the server. Not part of the module's interface; use
// http/http_server.h.

#ifndef PHONEBULK_HTTP_HTTP_CONNECTION_H_
#define PHONEBULK_HTTP_HTTP_CONNECTION_H_

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "http/http_server.h"

namespace phonebulk::http::internal {

class Connection;

// What every connection of one server reads or updates. Shared by
// shared_ptr so that a connection destroyed late (while the io_context is
// torn down) can still unregister itself. Thread-safe: the configuration is
// immutable, the counters are atomic, the registry is guarded by `mu`.
struct ServerShared {
  ServerShared(HttpLimits limits, HttpHandler handler,
               HttpErrorFactory error_factory, FileBodyPolicy file_body_policy)
      : limits(limits),
        handler(std::move(handler)),
        error_factory(std::move(error_factory)),
        file_body_policy(std::move(file_body_policy)) {}

  // Adds a live connection; returns the id it must unregister with.
  uint64_t Register(const std::shared_ptr<Connection>& connection);
  void Unregister(uint64_t id);
  // The connections alive right now.
  std::vector<std::shared_ptr<Connection>> Live();

  const HttpLimits limits;
  const HttpHandler handler;
  const HttpErrorFactory error_factory;
  const FileBodyPolicy file_body_policy;  // may be empty
  // Set once by Shutdown(); connections finish their current request, answer
  // it with Connection: close and take no further one.
  std::atomic<bool> stopping{false};
  // Requests from the handler call until their response is written.
  std::atomic<int64_t> in_flight{0};
  // Body bytes of responses being written (HttpLimits::
  // max_pending_response_bytes).
  std::atomic<int64_t> pending_response_bytes{0};

  absl::Mutex mu;
  uint64_t next_id ABSL_GUARDED_BY(mu) = 0;
  std::map<uint64_t, std::weak_ptr<Connection>> live ABSL_GUARDED_BY(mu);
};

// Serves HTTP/1.1 requests, one after another, on one socket. Every member
// function except Start() and OnShutdown() runs on the socket's strand, so
// the object needs no lock; those two only post onto that strand and are
// safe from any thread. Owned by the completion handlers it has pending
// (shared_from_this): it dies once it has no operation in progress.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // `socket` must have a strand as its executor.
  Connection(boost::asio::ip::tcp::socket socket,
             std::shared_ptr<ServerShared> shared);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void set_id(uint64_t id) { id_ = id; }

  // Begins waiting for the first request.
  void Start();
  // The server is draining: if the connection is between requests, close it
  // now; otherwise the current request completes with Connection: close.
  void OnShutdown();

 private:
  // Which step is pending; decides what a timer expiry or a shutdown does.
  enum class Phase {
    kNew,
    kIdle,      // waiting for the first byte of a request
    kHeader,    // reading a started request's header
    kContinue,  // writing "100 Continue"
    kBody,      // reading the body
    kWriting,   // writing a response
    kLinger,    // half-closed, draining what the client still sends
    kClosed,
  };

  void WaitForRequest();
  void OnFirstBytes(boost::beast::error_code ec, size_t bytes);
  void ReadHeader();
  // Feeds buffered bytes to the parser, reading more until the header is
  // complete, over max_header_bytes in all, or the read fails.
  void ParseHeader();
  void OnHeader(boost::beast::error_code ec);
  // Checks the declared length against the cap that applies and, when the
  // policy wants the body in a file, switches to a file parser. False when
  // it answered the request itself.
  bool PrepareBody();
  // The plan's file, if any, is removed and forgotten.
  void DiscardFileBody();
  void WriteContinue();
  void ReadBody();
  void OnBody(boost::beast::error_code ec);
  void FailRead(boost::beast::error_code ec);
  void Handle();
  // Writes `response`; `counted` says it belongs to an in_flight request.
  void Write(HttpResponse response, bool keep_alive, bool counted);
  void OnWritten(boost::beast::error_code ec, bool keep_alive, bool counted);
  // Writes `response` with the body of the file at `path`
  // (kBodyFileHeader); false, with nothing written, when the file cannot
  // be opened.
  bool WriteFile(HttpResponse& response, const std::string& path,
                 bool keep_alive, bool counted);
  // One step of a file response: a piece of it, then the next.
  void WriteFilePiece(bool keep_alive, bool counted);
  void SendError(unsigned status, const std::string& detail);
  // The injected error factory's response, or a plain fallback if it throws.
  HttpResponse MakeError(unsigned status, const std::string& detail,
                         const std::string& target);

  // Closes the write side, then reads and discards until the client closes
  // (or a short deadline): closing a socket with unread input makes the
  // kernel send RST, which can destroy the response before the client read
  // it.
  void LingeringClose();
  void Drain();
  void CloseNow();

  // One deadline at a time. On expiry the pending operation is cancelled
  // and the socket shut down in the direction of that operation, so that a
  // composed read or write between two steps cannot miss the cancellation.
  void ArmTimer(absl::Duration timeout);
  void DisarmTimer();
  void OnTimer(uint64_t generation);

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  const std::shared_ptr<ServerShared> shared_;
  const std::string remote_ip_;
  uint64_t id_ = 0;

  Phase phase_ = Phase::kNew;
  bool first_request_ = true;
  uint64_t timer_generation_ = 0;
  bool timed_out_ = false;
  // Bytes read but not yet parsed; may hold pipelined requests. Capped so a
  // runaway chunk-size line cannot grow it without bound.
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<HttpRequest::body_type>>
      parser_;
  // Replaces parser_ once the header asked for a file body (PrepareBody).
  std::optional<
      boost::beast::http::request_parser<boost::beast::http::file_body>>
      file_parser_;
  std::optional<FileBodyPlan> file_plan_;
  std::unique_ptr<HttpResponse> response_;  // kept alive while written
  // A file response (kBodyFileHeader) and its serializer, while written.
  std::unique_ptr<
      boost::beast::http::response<boost::beast::http::file_body>>
      file_response_;
  std::unique_ptr<boost::beast::http::response_serializer<
      boost::beast::http::file_body>>
      file_serializer_;
  int64_t response_bytes_ = 0;  // of response_, in pending_response_bytes
  size_t header_bytes_ = 0;  // of the current request, consumed by parser_
  size_t drain_budget_ = 0;
  std::array<char, 4096> drain_buffer_;
};

}  // namespace phonebulk::http::internal

#endif  // PHONEBULK_HTTP_HTTP_CONNECTION_H_
