#ifndef PHONEBULK_STORE_SQLITE_CONNECTION_POOL_H_
#define PHONEBULK_STORE_SQLITE_CONNECTION_POOL_H_

#include <functional>
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
#include "absl/time/time.h"
#include "store/sqlite/connection.h"
#include "store/status_values.h"

namespace phonebulk::store::sqlite {

enum class TxnMode {
  kRead,   // BEGIN (deferred): a consistent snapshot, no write lock
  kWrite,  // BEGIN IMMEDIATE: takes the write lock before the first read, so
           // a read-then-write transaction can never fail to upgrade
};

struct PoolOptions {
  std::string path;
  // How long SQLite itself waits for a lock before reporting BUSY.
  absl::Duration busy_timeout = absl::Seconds(10);
  // Open every connection read-only (see Connection::Open).
  bool read_only = false;
  // Idle connections kept open; busier moments open more and close them after.
  int max_idle = 8;
  // Whole-transaction attempts when SQLite still reports BUSY/LOCKED (cases
  // its busy handler does not cover, e.g. WAL recovery by another process).
  int max_attempts = 8;
  absl::Duration first_backoff = absl::Milliseconds(2);
  absl::Duration max_backoff = absl::Milliseconds(200);
  // Asked before every transaction; a failure is returned as is and nothing
  // runs (the store's StorageGuard: the file must still be the one opened).
  std::function<absl::Status()> precheck;
};

// Connections to one SQLite file, one per concurrent caller, and the
// transaction/retry discipline every store method runs under. Thread-safe.
class ConnectionPool {
 public:
  // Opens one connection eagerly so that a bad path fails here.
  static absl::StatusOr<std::unique_ptr<ConnectionPool>> Create(
      PoolOptions options);

  // Runs `fn` in a transaction of `mode` on a connection of its own and
  // commits when it returns OK (rolls back otherwise). When the transaction
  // fails on BUSY/LOCKED it is rolled back and rerun, up to max_attempts with
  // a growing, jittered backoff, so `fn` must be safe to rerun: assign its
  // outputs, do not append to them. Returns `fn`'s status, or Unavailable
  // when the database stayed busy.
  absl::Status Run(TxnMode mode,
                   absl::FunctionRef<absl::Status(Connection&)> fn);

  // Run() for a transaction that produces a value: `fn` returns an
  // absl::StatusOr<T>, and the value of the attempt that committed is
  // returned. A rerun starts from a fresh value, so nothing leaks from a
  // rolled-back attempt.
  template <typename Fn>
  std::invoke_result_t<Fn&, Connection&> RunReturning(TxnMode mode, Fn&& fn);

 private:
  explicit ConnectionPool(PoolOptions options) : options_(std::move(options)) {}

  absl::StatusOr<std::unique_ptr<Connection>> Acquire();
  void Release(std::unique_ptr<Connection> conn);

  const PoolOptions options_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
};

template <typename Fn>
std::invoke_result_t<Fn&, Connection&> ConnectionPool::RunReturning(
    TxnMode mode, Fn&& fn) {
  return RunForValue<Connection>([&](auto&& body) { return Run(mode, body); },
                                 fn);
}

}  // namespace phonebulk::store::sqlite

#endif  // PHONEBULK_STORE_SQLITE_CONNECTION_POOL_H_
