#include "http/http_connection.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <exception>
#include <filesystem>
#include <limits>
#include <string_view>
#include <utility>

#include "http/http_framing.h"

namespace phonebulk::http::internal {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// Room for a full header plus one read; past the header the parser moves
// body bytes out of the buffer, so only a chunk-size line can fill it.
constexpr size_t kBufferSlack = size_t{16} * 1024;
constexpr size_t kFirstRead = 4096;
constexpr size_t kHeaderRead = 8192;
// Responses this small are sent whatever the pending total (errors, status
// answers): refusing them would save nothing.
constexpr int64_t kAlwaysSentBytes = 64 * 1024;
// After an error or a Connection: close response: how long and how much we
// keep reading so the client gets to read our response before any RST.
constexpr absl::Duration kLingerTime = absl::Milliseconds(500);
constexpr size_t kLingerBytes = size_t{1024} * 1024;

std::chrono::steady_clock::duration ToSteady(absl::Duration d) {
  // Clamp: an infinite or huge absl::Duration would overflow the clock.
  d = std::clamp(d, absl::ZeroDuration(), absl::Hours(24 * 365));
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      absl::ToChronoNanoseconds(d));
}

std::string RemoteIp(const tcp::socket& socket) {
  beast::error_code ec;
  tcp::endpoint remote = socket.remote_endpoint(ec);
  if (ec) return "";
  net::ip::address address = remote.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
  }
  return address.to_string();
}

// 1xx, 204 and 304 never carry a body, so they get no Content-Length.
bool MayHaveBody(const HttpResponse& response) {
  unsigned status = response.result_int();
  return status >= 200 && status != 204 && status != 304;
}

// The error factory's `target` is the path: a query string may carry
// secrets and does not name the resource.
std::string PathOf(std::string_view target) {
  return std::string(target.substr(0, target.find('?')));
}

// A handler may end the connection itself (e.g. a 503 while draining) by
// setting Connection: close.
bool AsksToClose(const HttpResponse& response) {
  auto it = response.find(http::field::connection);
  if (it == response.end()) return false;
  for (std::string_view token : http::token_list(it->value())) {
    if (beast::iequals(token, "close")) return true;
  }
  return false;
}

}  // namespace

uint64_t ServerShared::Register(const std::shared_ptr<Connection>& connection) {
  absl::MutexLock lock(&mu);
  uint64_t id = ++next_id;
  live.emplace(id, connection);
  return id;
}

void ServerShared::Unregister(uint64_t id) {
  absl::MutexLock lock(&mu);
  live.erase(id);
}

std::vector<std::shared_ptr<Connection>> ServerShared::Live() {
  absl::MutexLock lock(&mu);
  std::vector<std::shared_ptr<Connection>> out;
  for (auto& [id, weak] : live) {
    if (auto connection = weak.lock()) out.push_back(std::move(connection));
  }
  return out;
}

Connection::Connection(tcp::socket socket, std::shared_ptr<ServerShared> shared)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      shared_(std::move(shared)),
      remote_ip_(RemoteIp(socket_)),
      buffer_(shared_->limits.max_header_bytes + kBufferSlack) {}

Connection::~Connection() {
  // A connection that dies mid-upload (peer gone, shutdown) leaves no file.
  DiscardFileBody();
  if (id_ != 0) shared_->Unregister(id_);
}

void Connection::Start() {
  net::post(socket_.get_executor(),
            [self = shared_from_this()] { self->WaitForRequest(); });
}

void Connection::OnShutdown() {
  net::post(socket_.get_executor(), [self = shared_from_this()] {
    // Only an idle connection is closed here. Its pending read (see
    // WaitForRequest) is a single async_read_some, so cancel() cannot miss
    // it; if bytes of a request already arrived, that request is still
    // served (with Connection: close).
    if (self->phase_ == Phase::kIdle) {
      beast::error_code ignored;
      self->socket_.cancel(ignored);
    }
  });
}

void Connection::WaitForRequest() {
  if (shared_->stopping) {
    // Reached after a keep-alive response raced with Shutdown(), or for a
    // connection accepted just before it.
    if (first_request_) {
      CloseNow();
    } else {
      LingeringClose();
    }
    return;
  }
  if (buffer_.size() > 0) {  // a pipelined request is already here
    ReadHeader();
    return;
  }
  phase_ = Phase::kIdle;
  // A fresh connection that sends nothing is dropped as soon as a slow
  // header would be; a keep-alive one may idle longer.
  ArmTimer(first_request_ ? std::min(shared_->limits.header_timeout,
                                     shared_->limits.idle_timeout)
                          : shared_->limits.idle_timeout);
  socket_.async_read_some(
      buffer_.prepare(std::min(kFirstRead, buffer_.max_size())),
      [self = shared_from_this()](beast::error_code ec, size_t bytes) {
        self->OnFirstBytes(ec, bytes);
      });
}

void Connection::OnFirstBytes(beast::error_code ec, size_t bytes) {
  DisarmTimer();
  buffer_.commit(bytes);
  if (ec || bytes == 0) {
    // Idle timeout, shutdown, or the client closed between requests: there
    // is no request to answer, so close without a word.
    CloseNow();
    return;
  }
  ReadHeader();
}

void Connection::ReadHeader() {
  phase_ = Phase::kHeader;
  first_request_ = false;
  DiscardFileBody();
  parser_.emplace();
  // Which cap applies (in-memory or a file plan's) is known only once the
  // header is in, so the declared length is checked then (PrepareBody);
  // Beast would otherwise refuse a large upload while parsing the header.
  // (Not boost::none: Beast 1.74 compares the length with the optional,
  // and any length is greater than none.)
  parser_->body_limit(std::numeric_limits<uint64_t>::max());
  header_bytes_ = 0;
  ArmTimer(shared_->limits.header_timeout);
  ParseHeader();
}

// Beast's header_limit bounds only the bytes one put() call may look at, and
// a put() consumes every complete field line; so a header that arrives in
// reads of a few KB each was never refused (issue 10: 12,780 B of 1,000
// fields got 200). Here the limit handed to each put() is what is left of
// max_header_bytes after the bytes already consumed, so the whole block
// counts whatever the split across reads.
void Connection::ParseHeader() {
  const size_t limit = shared_->limits.max_header_bytes;
  while (buffer_.size() > 0 && !parser_->is_header_done()) {
    size_t left = limit > header_bytes_ ? limit - header_bytes_ : 0;
    parser_->header_limit(static_cast<uint32_t>(
        std::min<size_t>(left, std::numeric_limits<uint32_t>::max())));
    beast::error_code ec;
    size_t used = parser_->put(buffer_.data(), ec);
    header_bytes_ += used;
    buffer_.consume(used);
    if (ec == http::error::need_more) break;
    if (ec) {
      OnHeader(ec);
      return;
    }
  }
  if (parser_->is_header_done()) {
    OnHeader({});
    return;
  }
  size_t room = buffer_.max_size() - buffer_.size();
  if (header_bytes_ + buffer_.size() > limit || room == 0) {
    OnHeader(http::error::header_limit);
    return;
  }
  socket_.async_read_some(
      buffer_.prepare(std::min(kHeaderRead, room)),
      [self = shared_from_this()](beast::error_code ec, size_t bytes) {
        self->buffer_.commit(bytes);
        if (ec == net::error::eof) {
          ec = http::error::partial_message;  // the header never ended
        }
        if (ec || self->timed_out_) {
          self->OnHeader(ec);
          return;
        }
        self->ParseHeader();
      });
}

void Connection::OnHeader(beast::error_code ec) {
  DisarmTimer();
  if (ec || timed_out_) {
    FailRead(ec);
    return;
  }
  if (std::optional<Rejection> rejection = CheckFraming(parser_->get())) {
    SendError(rejection->status, rejection->detail);
    return;
  }
  const bool expects_continue = ExpectsContinue(parser_->get());
  if (!PrepareBody()) return;
  if (file_parser_ ? file_parser_->is_done() : parser_->is_done()) {
    Handle();
  } else if (expects_continue) {
    WriteContinue();
  } else {
    ReadBody();
  }
}

bool Connection::PrepareBody() {
  std::optional<FileBodyPlan> plan;
  if (shared_->file_body_policy) {
    try {
      plan = shared_->file_body_policy(parser_->get());
    } catch (...) {
      SendError(500, "The server failed to handle the request.");
      return false;
    }
  }
  const uint64_t cap = plan ? plan->max_bytes : shared_->limits.max_body_bytes;
  // Refused before any 100 Continue, so the client never sends the body.
  if (boost::optional<uint64_t> length = parser_->content_length();
      length && *length > cap) {
    Rejection rejection =
        ClassifyReadError(http::error::body_limit, false, true).rejection;
    if (plan && !plan->too_large_detail.empty()) {
      rejection.detail = plan->too_large_detail;
    }
    SendError(rejection.status, rejection.detail);
    return false;
  }
  if (!plan) {
    parser_->body_limit(cap);
    return true;
  }
  // Beast moves the parsed header into a parser of another body type as
  // long as no body byte was read (put() stops after the header).
  file_parser_.emplace(std::move(*parser_));
  parser_.reset();
  file_parser_->body_limit(cap);
  file_plan_ = std::move(plan);
  beast::error_code ec;
  file_parser_->get().body().open(file_plan_->path.c_str(),
                                  beast::file_mode::write_new, ec);
  if (ec) {
    file_plan_.reset();  // not ours: open failed, maybe since it exists
    SendError(503, "The server cannot store the upload right now (" +
                       ec.message() + "); retry later.");
    return false;
  }
  return true;
}

void Connection::DiscardFileBody() {
  file_parser_.reset();  // closes the file
  if (!file_plan_) return;
  std::error_code ignored;
  std::filesystem::remove(file_plan_->path, ignored);
  file_plan_.reset();
}

void Connection::WriteContinue() {
  phase_ = Phase::kContinue;
  // A client that does not read is cut off like a slow body sender.
  ArmTimer(shared_->limits.body_timeout);
  net::async_write(socket_, net::buffer(kContinue.data(), kContinue.size()),
                   [self = shared_from_this()](beast::error_code ec, size_t) {
                     self->DisarmTimer();
                     if (ec || self->timed_out_) {
                       self->CloseNow();
                       return;
                     }
                     self->ReadBody();
                   });
}

void Connection::ReadBody() {
  phase_ = Phase::kBody;
  ArmTimer(shared_->limits.body_timeout);
  auto on_body = [self = shared_from_this()](beast::error_code ec, size_t) {
    self->OnBody(ec);
  };
  if (file_parser_) {
    http::async_read(socket_, buffer_, *file_parser_, std::move(on_body));
  } else {
    http::async_read(socket_, buffer_, *parser_, std::move(on_body));
  }
}

void Connection::OnBody(beast::error_code ec) {
  DisarmTimer();
  if (ec || timed_out_) {
    FailRead(ec);
    return;
  }
  Handle();
}

void Connection::FailRead(beast::error_code ec) {
  const bool header_done =
      (parser_ && parser_->is_header_done()) || file_parser_.has_value();
  ReadFailure failure = ClassifyReadError(ec, timed_out_, header_done);
  if (file_plan_ && ec == http::error::body_limit && !timed_out_ &&
      !file_plan_->too_large_detail.empty()) {
    failure.rejection.detail = file_plan_->too_large_detail;
  }
  if (!failure.respond) {
    DiscardFileBody();
    CloseNow();
    return;
  }
  SendError(failure.rejection.status, failure.rejection.detail);
  DiscardFileBody();
}

void Connection::Handle() {
  HttpRequest request;
  RequestContext context;
  context.remote_ip = remote_ip_;
  if (file_parser_) {
    auto message = file_parser_->release();
    file_parser_.reset();
    message.body().close();
    request = HttpRequest(std::move(message.base()));
    std::error_code size_ec;
    context.body_file = file_plan_->path;
    context.body_file_bytes =
        std::filesystem::file_size(file_plan_->path, size_ec);
  } else {
    request = parser_->release();
    parser_.reset();
  }
  ++shared_->in_flight;
  HttpResponse response;
  try {
    response = shared_->handler(request, context);
  } catch (...) {
    // The handler promises not to throw; if it does anyway the client still
    // gets an answer and the server keeps running.
    response = MakeError(500, "The server failed to handle the request.",
                         PathOf(request.target()));
  }
  // What the handler did not move away is not kept.
  DiscardFileBody();
  // Read `stopping` only now: Shutdown() may have come while the handler
  // ran, and the client must learn this is the last response.
  const bool keep_alive =
      request.keep_alive() && !shared_->stopping && !AsksToClose(response);
  response.version(request.version());
  Write(std::move(response), keep_alive, /*counted=*/true);
}

void Connection::Write(HttpResponse response, bool keep_alive, bool counted) {
  phase_ = Phase::kWriting;
  response.keep_alive(keep_alive);
  if (auto it = response.find(kBodyFileHeader); it != response.end()) {
    const std::string path(it->value());
    response.erase(it);
    if (WriteFile(response, path, keep_alive, counted)) return;
    // Not a client's fault, and nothing was sent yet: an ordinary error.
    response = MakeError(500,
                         "The server cannot read the file it meant to send; "
                         "retry later.",
                         "");
    response.version(11);
    response.keep_alive(keep_alive);
    response.erase(kBodyFileHeader);  // a factory must not loop us back
  }
  if (!response.has_content_length() && !response.chunked() &&
      MayHaveBody(response)) {
    response.prepare_payload();  // string_body: cannot throw here
  }
  const int64_t bytes = static_cast<int64_t>(response.body().size());
  if (bytes > kAlwaysSentBytes) {
    const int64_t cap =
        static_cast<int64_t>(shared_->limits.max_pending_response_bytes);
    if (shared_->pending_response_bytes.fetch_add(bytes) + bytes > cap) {
      shared_->pending_response_bytes -= bytes;
      response = MakeError(503,
                           "The server holds too many answers that their "
                           "clients have not read yet; retry shortly.",
                           "");
      response.set(http::field::retry_after, "5");
      response.version(11);
      response.keep_alive(keep_alive);
      response.prepare_payload();
    } else {
      response_bytes_ = bytes;
    }
  }
  response_ = std::make_unique<HttpResponse>(std::move(response));
  // The write deadline reuses body_timeout: a client that does not read its
  // response for that long is as stuck as one that does not send its body.
  ArmTimer(shared_->limits.body_timeout);
  http::async_write(socket_, *response_,
                    [self = shared_from_this(), keep_alive, counted](
                        beast::error_code ec, size_t) {
                      self->OnWritten(ec, keep_alive, counted);
                    });
}

bool Connection::WriteFile(HttpResponse& response, const std::string& path,
                           bool keep_alive, bool counted) {
  http::file_body::value_type body;
  beast::error_code ec;
  body.open(path.c_str(), beast::file_mode::scan, ec);
  if (ec) return false;
  file_response_ = std::make_unique<http::response<http::file_body>>(
      std::move(response.base()), std::move(body));
  file_response_->keep_alive(keep_alive);
  // The handler's pipeline may have set Content-Length for its empty
  // string body; the file's size is what is sent.
  file_response_->content_length(file_response_->body().size());
  file_serializer_ =
      std::make_unique<http::response_serializer<http::file_body>>(
          *file_response_);
  WriteFilePiece(keep_alive, counted);
  return true;
}

void Connection::WriteFilePiece(bool keep_alive, bool counted) {
  // A deadline per piece, not for the whole file: a client reading a
  // 150 MB download at a modest speed is making progress, one that stops
  // reading for body_timeout is cut off.
  ArmTimer(shared_->limits.body_timeout);
  http::async_write_some(
      socket_, *file_serializer_,
      [self = shared_from_this(), keep_alive, counted](beast::error_code ec,
                                                       size_t) {
        if (!ec && !self->timed_out_ && !self->file_serializer_->is_done()) {
          self->WriteFilePiece(keep_alive, counted);
          return;
        }
        self->OnWritten(ec, keep_alive, counted);
      });
}

void Connection::OnWritten(beast::error_code ec, bool keep_alive,
                           bool counted) {
  DisarmTimer();
  response_.reset();
  file_serializer_.reset();
  file_response_.reset();  // closes the file
  shared_->pending_response_bytes -= response_bytes_;
  response_bytes_ = 0;
  if (counted) --shared_->in_flight;
  if (ec || timed_out_) {
    CloseNow();
  } else if (!keep_alive) {
    LingeringClose();
  } else {
    WaitForRequest();
  }
}

void Connection::SendError(unsigned status, const std::string& detail) {
  std::string target;
  if (parser_) target = PathOf(parser_->get().target());
  if (file_parser_) target = PathOf(file_parser_->get().target());
  HttpResponse response = MakeError(status, detail, target);
  // Past a framing or read error we no longer know where the next request
  // would start, so every such response ends the connection.
  response.version(11);
  Write(std::move(response), /*keep_alive=*/false, /*counted=*/false);
}

HttpResponse Connection::MakeError(unsigned status, const std::string& detail,
                                   const std::string& target) {
  try {
    return shared_->error_factory(status, detail, target);
  } catch (...) {
    // A broken factory must not take the server down; fall back to a bare
    // response with the right status.
    HttpResponse response;
    response.result(status);
    response.set(http::field::content_type, "text/plain");
    response.body() = detail;
    return response;
  }
}

void Connection::LingeringClose() {
  phase_ = Phase::kLinger;
  beast::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  drain_budget_ = kLingerBytes;
  ArmTimer(std::min(kLingerTime, shared_->limits.body_timeout));
  Drain();
}

void Connection::Drain() {
  socket_.async_read_some(
      net::buffer(drain_buffer_),
      [self = shared_from_this()](beast::error_code ec, size_t bytes) {
        if (ec || self->timed_out_ || bytes >= self->drain_budget_) {
          self->CloseNow();
          return;
        }
        self->drain_budget_ -= bytes;
        self->Drain();
      });
}

void Connection::CloseNow() {
  DisarmTimer();
  phase_ = Phase::kClosed;
  beast::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

void Connection::ArmTimer(absl::Duration timeout) {
  timed_out_ = false;
  uint64_t generation = ++timer_generation_;
  timer_.expires_after(ToSteady(timeout));
  timer_.async_wait(
      [self = shared_from_this(), generation](beast::error_code ec) {
        if (!ec) self->OnTimer(generation);
      });
}

void Connection::DisarmTimer() {
  ++timer_generation_;  // a handler already queued must not fire
  timer_.cancel();
}

void Connection::OnTimer(uint64_t generation) {
  if (generation != timer_generation_ || phase_ == Phase::kClosed) return;
  timed_out_ = true;
  beast::error_code ignored;
  socket_.cancel(ignored);
  // Shutting down the direction in use makes every later read (or write)
  // fail at once, even one a composed operation starts after this handler;
  // the other direction stays open so a read timeout can still be answered
  // with 408.
  const bool writing = phase_ == Phase::kWriting || phase_ == Phase::kContinue;
  socket_.shutdown(
      writing ? tcp::socket::shutdown_both : tcp::socket::shutdown_receive,
      ignored);
}

}  // namespace phonebulk::http::internal
