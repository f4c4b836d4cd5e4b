#ifndef PHONEBULK_PHONE_DISPOSABLE_H_
#define PHONEBULK_PHONE_DISPOSABLE_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace phonebulk::phone {

// Number ranges and operators known to hand out throw-away numbers, in the
// file format of docs/disposable.md. Immutable, so thread-safe.
class DisposableList {
 public:
  // Parses the file text. InvalidArgument naming the line on a bad entry.
  static absl::StatusOr<std::unique_ptr<DisposableList>> Parse(
      std::string_view text);
  ~DisposableList();

  // True when `e164_digits` starts with a listed range, or `operator_name`
  // (with `country_alpha3`) is a listed operator.
  bool Contains(std::string_view e164_digits, std::string_view country_alpha3,
                std::string_view operator_name) const;
  size_t size() const;

 private:
  DisposableList();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A DisposableList read from a file and re-read when the file changes
// (checked at most once per `check_interval` on lookup), so an operator can
// update the list without a restart. A file that fails to parse keeps the
// previous list (and logs why). Thread-safe.
class DisposableSource {
 public:
  // Starts with the built-in starter list when `path` is empty.
  static absl::StatusOr<std::unique_ptr<DisposableSource>> Open(
      const std::string& path, double check_interval_seconds = 2.0);
  ~DisposableSource();

  bool Contains(std::string_view e164_digits, std::string_view country_alpha3,
                std::string_view operator_name) const;
  // Re-reads the file now if it changed; returns the outcome.
  absl::Status Reload() const;

 private:
  DisposableSource();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace phonebulk::phone

#endif  // PHONEBULK_PHONE_DISPOSABLE_H_
