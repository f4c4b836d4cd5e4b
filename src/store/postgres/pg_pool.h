#ifndef PHONEBULK_STORE_POSTGRES_PG_POOL_H_
#define PHONEBULK_STORE_POSTGRES_PG_POOL_H_

#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "store/postgres/pg_connection.h"
#include "store/status_values.h"

namespace phonebulk::store::postgres {

struct PoolOptions {
  std::string url;  // postgresql://...; may hold a password: never logged
  // Idle connections kept open; busier moments open more (up to max_open)
  // and close the extra ones when they come back.
  int max_idle = 8;
  // Callers beyond this many wait for a connection to come back, so N nodes
  // cannot exhaust the server's max_connections however busy they are.
  int max_open = 16;
  // Whole-transaction attempts after a serialization failure or deadlock.
  int max_attempts = 5;
};

// Connections to one PostgreSQL database and the transaction discipline of
// every store method. A connection that lost the server is dropped, not
// returned, and the next caller opens a new one: after the database comes
// back the pool recovers by itself. Thread-safe.
class ConnectionPool {
 public:
  // Does not connect: a node starts (and /readyz says 503) while the
  // database is still down. Migrate() is the first real call.
  explicit ConnectionPool(PoolOptions options) : options_(std::move(options)) {}

  // Runs `fn` inside BEGIN ... COMMIT on a connection of its own (READ
  // COMMITTED; methods lock the rows they decide on). Rolls back when `fn`
  // fails. Reruns the whole transaction after a serialization failure or a
  // deadlock, and once on a fresh connection when a pooled one turns out to
  // be dead before anything was sent, so `fn` must be safe to rerun: assign
  // its outputs, do not append to them. Unavailable when the database cannot
  // be reached (including a connection lost mid-transaction: the outcome of
  // an interrupted COMMIT is unknown to the caller, as with any network
  // database).
  absl::Status Run(absl::FunctionRef<absl::Status(Connection&)> fn);

  // Run() for a transaction that produces a value: `fn` returns an
  // absl::StatusOr<T>, and the value of the attempt that committed is
  // returned. A rerun starts from a fresh value, so nothing leaks from a
  // rolled-back attempt.
  template <typename Fn>
  std::invoke_result_t<Fn&, Connection&> RunReturning(Fn&& fn);

 private:
  struct Lease {
    std::unique_ptr<Connection> conn;
    bool reused = false;
  };
  absl::StatusOr<Lease> Acquire();
  void Release(std::unique_ptr<Connection> conn);
  // Closes every idle connection (after one turned out dead).
  void DropIdle();

  const PoolOptions options_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;  // idle + lent out
};

template <typename Fn>
std::invoke_result_t<Fn&, Connection&> ConnectionPool::RunReturning(Fn&& fn) {
  return RunForValue<Connection>([&](auto&& body) { return Run(body); }, fn);
}

}  // namespace phonebulk::store::postgres

#endif  // PHONEBULK_STORE_POSTGRES_PG_POOL_H_
