#include "store/postgres/pg_pool.h"

#include <random>
#include <thread>

namespace phonebulk::store::postgres {

absl::StatusOr<ConnectionPool::Lease> ConnectionPool::Acquire() {
  {
    absl::MutexLock lock(&mu_);
    // Wait for a connection to come back when max_open are lent out.
    auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < options_.max_open;
    };
    mu_.Await(absl::Condition(&available));
    if (!idle_.empty()) {
      Lease lease{std::move(idle_.back()), true};
      idle_.pop_back();
      return lease;
    }
    ++open_;  // reserved before connecting, outside the lock
  }
  absl::StatusOr<std::unique_ptr<Connection>> conn =
      Connection::Open(options_.url);
  if (!conn.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
    return conn.status();
  }
  return Lease{*std::move(conn), false};
}

void ConnectionPool::Release(std::unique_ptr<Connection> conn) {
  {
    absl::MutexLock lock(&mu_);
    if (conn != nullptr && conn->healthy() &&
        static_cast<int>(idle_.size()) < options_.max_idle) {
      idle_.push_back(std::move(conn));
      return;
    }
    --open_;
  }
  conn.reset();  // PQfinish outside the lock
}

void ConnectionPool::DropIdle() {
  std::vector<std::unique_ptr<Connection>> dropped;
  {
    absl::MutexLock lock(&mu_);
    dropped.swap(idle_);
    open_ -= static_cast<int>(dropped.size());
  }
  // PQfinish outside the lock, as dropped goes out of scope.
}

absl::Status ConnectionPool::Run(
    absl::FunctionRef<absl::Status(Connection&)> fn) {
  absl::Status status;
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    absl::StatusOr<Lease> lease = Acquire();
    if (!lease.ok()) return lease.status();
    Connection& conn = *lease->conn;
    conn.clear_failure();
    status = conn.Exec("BEGIN");
    if (!status.ok()) {
      const bool stale = lease->reused && !conn.healthy();
      Release(std::move(lease->conn));
      // A pooled connection the server closed (restart, idle timeout): the
      // transaction never started, so try again on a new one. The other
      // idle ones most likely died with it: drop them all at once.
      if (stale) {
        DropIdle();
        continue;
      }
      return status;
    }
    status = fn(conn);
    if (status.ok()) {
      status = conn.Exec("COMMIT");
    } else if (conn.healthy()) {
      conn.Exec("ROLLBACK").IgnoreError();
    }
    const bool retry = conn.retryable_failure();
    const bool lost = !conn.healthy();
    Release(std::move(lease->conn));
    if (lost) DropIdle();
    if (status.ok() || !retry) return status;
    // Serialization failure or deadlock: back off a little, with jitter so
    // the transactions that collided do not collide again.
    thread_local std::minstd_rand rng(std::random_device{}());
    std::this_thread::sleep_for(
        std::chrono::milliseconds(1 + rng() % (5 << attempt)));
  }
  return status.ok() ? status
                     : absl::UnavailableError(
                           "the database kept refusing the transaction");
}

}  // namespace phonebulk::store::postgres
