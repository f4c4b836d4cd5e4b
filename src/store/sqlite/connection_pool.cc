#include "store/sqlite/connection_pool.h"

#include <algorithm>
#include <random>
#include <utility>

#include "absl/time/clock.h"

namespace phonebulk::store::sqlite {
namespace {

// Jitter keeps two processes that collided from retrying in lockstep.
absl::Duration Jittered(absl::Duration base) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  std::uniform_real_distribution<double> factor(0.5, 1.5);
  return base * factor(rng);
}

}  // namespace

absl::StatusOr<std::unique_ptr<ConnectionPool>> ConnectionPool::Create(
    PoolOptions options) {
  std::unique_ptr<ConnectionPool> pool(new ConnectionPool(std::move(options)));
  absl::StatusOr<std::unique_ptr<Connection>> conn = pool->Acquire();
  if (!conn.ok()) return conn.status();
  pool->Release(*std::move(conn));
  return pool;
}

absl::StatusOr<std::unique_ptr<Connection>> ConnectionPool::Acquire() {
  {
    absl::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
  }
  // Opening takes file locks and may wait; never do it under mu_.
  return Connection::Open(options_.path, options_.busy_timeout,
                          options_.read_only);
}

void ConnectionPool::Release(std::unique_ptr<Connection> conn) {
  // A connection left inside a transaction (a failed ROLLBACK) would hold
  // locks for its next user: close it instead.
  if (conn->in_transaction()) return;
  absl::MutexLock lock(&mu_);
  if (static_cast<int>(idle_.size()) < options_.max_idle) {
    idle_.push_back(std::move(conn));
    return;
  }
  // Enough idle connections already: `conn` closes when this returns.
}

absl::Status ConnectionPool::Run(
    TxnMode mode, absl::FunctionRef<absl::Status(Connection&)> fn) {
  if (options_.precheck) {
    if (absl::Status s = options_.precheck(); !s.ok()) return s;
  }
  absl::StatusOr<std::unique_ptr<Connection>> acquired = Acquire();
  if (!acquired.ok()) return acquired.status();
  std::unique_ptr<Connection> conn = *std::move(acquired);

  const char* begin = mode == TxnMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN";
  absl::Duration backoff = options_.first_backoff;
  absl::Status status;
  for (int attempt = 1;; ++attempt) {
    conn->ClearBusy();
    status = conn->Exec(begin);
    if (status.ok()) status = fn(*conn);
    if (status.ok()) status = conn->Exec("COMMIT");
    if (!status.ok() && conn->in_transaction()) {
      conn->Exec("ROLLBACK").IgnoreError();  // nothing better to do with it
    }
    if (status.ok() || !conn->saw_busy()) break;
    if (attempt >= options_.max_attempts) {
      status = absl::UnavailableError("storage is busy, try again");
      break;
    }
    absl::SleepFor(Jittered(backoff));
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
  Release(std::move(conn));
  return status;
}

}  // namespace phonebulk::store::sqlite
