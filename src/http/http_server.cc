#include "http/http_server.h"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <exception>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "http/http_connection.h"

namespace phonebulk::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

// The listener. Its acceptor and retry timer are touched only on
// `acceptor_strand` once Listen() has returned; everything else is atomic or
// owned by `shared` (see internal::ServerShared).
struct HttpServer::Impl {
  Impl(HttpLimits limits, HttpHandler handler, HttpErrorFactory error_factory,
       FileBodyPolicy file_body_policy)
      : shared(std::make_shared<internal::ServerShared>(
            limits, std::move(handler), std::move(error_factory),
            std::move(file_body_policy))),
        work(net::make_work_guard(ioc)),
        acceptor_strand(net::make_strand(ioc)),
        acceptor(acceptor_strand),
        retry_timer(acceptor_strand) {}

  void Accept();
  void OnAccept(error_code ec, tcp::socket socket);
  void StopOnStrand();

  std::shared_ptr<internal::ServerShared> shared;
  net::io_context ioc;
  // Keeps Run() going while there is nothing to do yet (before Listen(),
  // or with no connection); released by Shutdown().
  net::executor_work_guard<net::io_context::executor_type> work;
  net::strand<net::io_context::executor_type> acceptor_strand;
  tcp::acceptor acceptor;
  net::steady_timer retry_timer;
  std::atomic<uint16_t> port{0};
  std::atomic<bool> listening{false};
  std::atomic<bool> shutdown_requested{false};
};

void HttpServer::Impl::Accept() {
  // Every connection gets its own strand: its handlers never run
  // concurrently, while different connections use all Run() threads.
  acceptor.async_accept(net::make_strand(ioc),
                        [this](error_code ec, tcp::socket socket) {
                          OnAccept(ec, std::move(socket));
                        });
}

void HttpServer::Impl::OnAccept(error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
  if (ec) {
    // Typically EMFILE/ENFILE: back off instead of spinning on the error,
    // and keep accepting once descriptors are free again.
    retry_timer.expires_after(std::chrono::milliseconds(50));
    retry_timer.async_wait([this](error_code wait_ec) {
      if (!wait_ec && acceptor.is_open()) Accept();
    });
    return;
  }
  error_code ignored;
  if (shared->stopping) {
    socket.close(ignored);
    return;
  }
  socket.set_option(tcp::no_delay(true), ignored);
  try {
    auto connection =
        std::make_shared<internal::Connection>(std::move(socket), shared);
    connection->set_id(shared->Register(connection));
    connection->Start();
  } catch (const std::exception&) {
    // Out of memory for one connection: drop it, keep the listener.
  }
  Accept();
}

void HttpServer::Impl::StopOnStrand() {
  error_code ignored;
  acceptor.close(ignored);
  retry_timer.cancel();
  // Connections accepted before the close above are registered already:
  // OnAccept runs on this same strand.
  for (auto& connection : shared->Live()) connection->OnShutdown();
  work.reset();
}

HttpServer::HttpServer(HttpLimits limits, HttpHandler handler,
                       HttpErrorFactory error_factory,
                       FileBodyPolicy file_body_policy)
    : impl_(std::make_unique<Impl>(limits, std::move(handler),
                                   std::move(error_factory),
                                   std::move(file_body_policy))) {}

HttpServer::~HttpServer() = default;

absl::Status HttpServer::Listen(const std::string& host, uint16_t port) {
  if (impl_->listening.exchange(true)) {
    return absl::FailedPreconditionError("HttpServer::Listen called twice");
  }
  try {
    error_code ec;
    tcp::resolver resolver(impl_->ioc);
    auto results = resolver.resolve(host, std::to_string(port),
                                    tcp::resolver::passive, ec);
    if (ec || results.empty()) {
      impl_->listening = false;
      return absl::InvalidArgumentError("cannot resolve listen address '" +
                                        host + "': " + ec.message());
    }
    tcp::endpoint endpoint = results.begin()->endpoint();
    tcp::acceptor& acceptor = impl_->acceptor;
    auto fail = [&](const char* what) {
      error_code ignored;
      acceptor.close(ignored);
      impl_->listening = false;
      return absl::UnavailableError(std::string("cannot ") + what + " " + host +
                                    ":" + std::to_string(port) + ": " +
                                    ec.message());
    };
    acceptor.open(endpoint.protocol(), ec);
    if (ec) return fail("open");
    acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (ec) return fail("set SO_REUSEADDR on");
    acceptor.bind(endpoint, ec);
    if (ec) return fail("bind");
    acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return fail("listen on");
    impl_->port = acceptor.local_endpoint(ec).port();
    net::post(impl_->acceptor_strand, [impl = impl_.get()] {
      if (!impl->shared->stopping) impl->Accept();
    });
    return absl::OkStatus();
  } catch (const std::exception& e) {
    impl_->listening = false;
    return absl::InternalError(std::string("cannot listen: ") + e.what());
  }
}

uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::Run(int threads) {
  auto run = [this] {
    // Handlers catch their own exceptions; this only guards against the
    // unexpected so that one bad callback does not stop a serving thread.
    for (;;) {
      try {
        impl_->ioc.run();
        return;
      } catch (...) {
      }
    }
  };
  std::vector<std::thread> extra;
  for (int i = 1; i < threads; ++i) extra.emplace_back(run);
  run();
  for (auto& thread : extra) thread.join();
}

void HttpServer::Shutdown() {
  if (impl_->shutdown_requested.exchange(true)) return;
  // Set before the post so a response being produced right now already
  // carries Connection: close.
  impl_->shared->stopping = true;
  net::post(impl_->acceptor_strand,
            [impl = impl_.get()] { impl->StopOnStrand(); });
}

int64_t HttpServer::in_flight() const { return impl_->shared->in_flight; }

int64_t HttpServer::pending_response_bytes() const {
  return impl_->shared->pending_response_bytes;
}

}  // namespace phonebulk::http
