#ifndef PHONEBULK_STORE_STATUS_VALUES_H_
#define PHONEBULK_STORE_STATUS_VALUES_H_

// Values carried through absl::StatusOr by both backends' row readers and
// pools (store/sqlite, store/postgres), so their templates share one copy.

#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace phonebulk::store {

template <typename T>
struct IsStatusOr : std::false_type {};
template <typename T>
struct IsStatusOr<absl::StatusOr<T>> : std::true_type {};

// Appends `value` to `out`; when it is an absl::StatusOr, appends its value
// or returns its error. Lets one row reader template take readers that
// cannot fail (a T) and readers of rows that can be malformed.
template <typename T, typename V>
absl::Status AppendValue(std::vector<T>& out, V&& value) {
  if constexpr (IsStatusOr<std::remove_cvref_t<V>>::value) {
    if (!value.ok()) return value.status();
    out.push_back(*std::forward<V>(value));
  } else {
    out.push_back(std::forward<V>(value));
  }
  return absl::OkStatus();
}

// What a pool's RunReturning does with its Run: `run` takes a callback
// (Conn&) -> absl::Status and runs it as one transaction, possibly more
// than once; `fn` is (Conn&) -> absl::StatusOr<T>. Returns the value of the
// attempt that committed, or the transaction's error.
template <typename Conn, typename RunFn, typename Fn>
std::invoke_result_t<Fn&, Conn&> RunForValue(RunFn&& run, Fn& fn) {
  using Result = std::invoke_result_t<Fn&, Conn&>;
  std::optional<typename Result::value_type> out;
  absl::Status s = run([&](Conn& conn) -> absl::Status {
    Result value = fn(conn);
    if (!value.ok()) return value.status();
    out = *std::move(value);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return *std::move(out);
}

}  // namespace phonebulk::store

#endif  // PHONEBULK_STORE_STATUS_VALUES_H_
