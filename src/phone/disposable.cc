#include "phone/disposable.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "common/strings.h"
#include "phone/countries.h"
#include "phone/operator_country_map.h"
#include "spdlog/spdlog.h"

namespace phonebulk::embedded {
extern const std::string_view kDisposableStarter;
}  // namespace phonebulk::embedded

namespace phonebulk::phone {
namespace {

constexpr size_t kMaxPrefixDigits = 15;  // E.164's longest number
constexpr size_t kMaxReportedErrors = 10;
// A list is a few thousand lines at most; a far bigger file is a mistake
// (the wrong path), not a list, and must not be read into memory.
constexpr std::uintmax_t kMaxFileBytes = 64u << 20;

// Transparent hashing lets Contains() probe with string_views of the
// caller's digits: no allocation per number.
struct ViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const {
    return std::hash<std::string_view>()(s);
  }
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// Splits on runs of spaces and tabs.
std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && IsSpace(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && !IsSpace(s[i])) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

// ---------------------------------------------------------------------------
// DisposableList

struct DisposableList::Impl {
  std::unordered_set<std::string, ViewHash, std::equal_to<>> ranges;
  // Bit n set: some range has n digits. Contains() probes only those
  // lengths, at most 15 hash look-ups and usually one or two.
  uint32_t range_lengths = 0;
  // Operators listed for a country: the value says nothing more.
  struct Listed {};
  OperatorCountryMap<Listed> operators;
  size_t operator_entries = 0;
};

DisposableList::DisposableList() : impl_(std::make_unique<Impl>()) {}
DisposableList::~DisposableList() = default;

absl::StatusOr<std::unique_ptr<DisposableList>> DisposableList::Parse(
    std::string_view text) {
  std::unique_ptr<DisposableList> list(new DisposableList());
  Impl& impl = *list->impl_;
  const Countries& countries = Countries::Default();
  // Every bad line is reported (up to a cap), so an operator fixes a file
  // in one pass rather than one error per reload.
  std::vector<std::string> errors;
  size_t error_count = 0;
  int line_no = 0;
  for (std::string_view line : Split(text, '\n')) {
    ++line_no;
    auto fail = [&](const std::string& why) {
      ++error_count;
      if (errors.size() < kMaxReportedErrors) {
        errors.push_back("line " + std::to_string(line_no) + ": " + why);
      }
    };
    if (size_t hash = line.find('#'); hash != std::string_view::npos) {
      line = line.substr(0, hash);
    }
    std::vector<std::string_view> words = Words(line);
    if (words.empty()) continue;
    std::string_view kind = words[0];
    if (EqualsIgnoreCase(kind, "range")) {
      if (words.size() != 2) {
        fail("'range' takes one E.164 digit prefix");
        continue;
      }
      std::string_view prefix = words[1];
      if (!prefix.empty() && prefix.front() == '+') prefix.remove_prefix(1);
      bool digits = !prefix.empty() && prefix.size() <= kMaxPrefixDigits;
      for (char c : prefix) digits = digits && c >= '0' && c <= '9';
      if (!digits) {
        fail("'" + std::string(words[1]) +
             "' is not an E.164 digit prefix (1 to 15 digits)");
        continue;
      }
      impl.ranges.emplace(prefix);
      impl.range_lengths |= 1u << prefix.size();
    } else if (EqualsIgnoreCase(kind, "operator")) {
      if (words.size() < 3) {
        fail("'operator' takes a country (ISO alpha-3) and a name");
        continue;
      }
      const Country* country = countries.ByAlpha3(words[1]);
      if (country == nullptr) {
        fail("'" + std::string(words[1]) + "' is not an ISO 3166 alpha-3 code");
        continue;
      }
      // Runs of blanks inside the name count as one space, as they do in
      // libphonenumber's names, so alignment in the file does not matter.
      std::string name(words[2]);
      for (size_t i = 3; i < words.size(); ++i) {
        name += ' ';
        name.append(words[i]);
      }
      // A repeated entry is harmless: listed once, counted once.
      if (impl.operators.Add(name, country->alpha3, {})) {
        ++impl.operator_entries;
      }
    } else {
      fail("unknown entry '" + std::string(kind) +
           "' (expected 'range' or 'operator')");
    }
  }
  if (error_count > 0) {
    std::string message = "disposable list: ";
    for (size_t i = 0; i < errors.size(); ++i) {
      if (i > 0) message += "; ";
      message += errors[i];
    }
    if (error_count > errors.size()) {
      message +=
          "; and " + std::to_string(error_count - errors.size()) + " more";
    }
    return absl::InvalidArgumentError(message);
  }
  return list;
}

bool DisposableList::Contains(std::string_view e164_digits,
                              std::string_view country_alpha3,
                              std::string_view operator_name) const {
  const Impl& impl = *impl_;
  for (uint32_t lengths = impl.range_lengths; lengths != 0;
       lengths &= lengths - 1) {
    size_t n = static_cast<size_t>(__builtin_ctz(lengths));
    if (n > e164_digits.size()) break;  // lengths ascend
    if (impl.ranges.find(e164_digits.substr(0, n)) != impl.ranges.end()) {
      return true;
    }
  }
  return impl.operators.Find(country_alpha3, operator_name) != nullptr;
}

size_t DisposableList::size() const {
  return impl_->ranges.size() + impl_->operator_entries;
}

// ---------------------------------------------------------------------------
// DisposableSource

namespace {

// What identifies one version of the file without reading it.
struct FileSignature {
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileSignature&) const = default;
};

// Every published list gets a process-wide unique generation, so a
// thread's cached list can be told apart from any other source's, even one
// allocated where a destroyed source used to be.
std::atomic<uint64_t> g_next_generation{1};

struct ThreadCache {
  uint64_t generation = 0;
  std::shared_ptr<const DisposableList> list;
};
thread_local ThreadCache t_cache;

}  // namespace

struct DisposableSource::Impl {
  std::string path;  // empty: the built-in starter list, never re-read
  int64_t interval_ns = 0;

  // The hot path reads `generation` (one atomic load) and takes
  // `list_mu` only when this thread's cached list is out of date, that is
  // once per thread after each reload.
  std::atomic<uint64_t> generation{0};
  mutable absl::Mutex list_mu;
  std::shared_ptr<const DisposableList> list ABSL_GUARDED_BY(list_mu);

  // Steady-clock time of the next file check; whoever passes it first and
  // gets `reload_mu` does the check, everyone else carries on.
  std::atomic<int64_t> next_check_ns{std::numeric_limits<int64_t>::max()};
  absl::Mutex reload_mu;
  bool has_signature ABSL_GUARDED_BY(reload_mu) = false;
  FileSignature signature ABSL_GUARDED_BY(reload_mu);
  // Outcome of the last read of `signature`'s version; returned again while
  // the file stays unchanged, logged only when it changes.
  absl::Status last_status ABSL_GUARDED_BY(reload_mu);

  void Publish(std::shared_ptr<const DisposableList> next) {
    {
      absl::MutexLock lock(&list_mu);
      list = std::move(next);
    }
    // Release after the store: a reader that sees the new generation finds
    // (at least) the new list under list_mu.
    generation.store(g_next_generation.fetch_add(1), std::memory_order_release);
  }

  // The list to use now. The thread's cache keeps it alive: only this
  // thread replaces it, and not before its next call. A raw pointer, not a
  // shared_ptr copy, spares a contended reference-count update per number.
  const DisposableList* Current() {
    uint64_t gen = generation.load(std::memory_order_acquire);
    if (t_cache.generation != gen) {
      absl::MutexLock lock(&list_mu);
      t_cache.list = list;
      t_cache.generation = gen;
    }
    return t_cache.list.get();
  }

  size_t CurrentSize() {
    absl::MutexLock lock(&list_mu);
    return list ? list->size() : 0;
  }

  // Stats the file and, when it changed since the last look, reads, parses
  // and publishes it. A failure keeps the current list.
  absl::Status CheckFile() ABSL_EXCLUSIVE_LOCKS_REQUIRED(reload_mu) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      int err = errno;
      has_signature = false;  // re-read whatever appears at the path next
      return Record(absl::NotFoundError(
          "disposable list " + path + ": cannot stat: " + std::strerror(err)));
    }
    FileSignature sig{
        st.st_dev, st.st_ino, st.st_size,
        int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec};
    if (has_signature && sig == signature) return last_status;
    // Remember the version even when it fails to parse, so a broken file is
    // parsed (and logged) once, not at every interval.
    has_signature = true;
    signature = sig;
    if (static_cast<std::uintmax_t>(st.st_size) > kMaxFileBytes) {
      return Record(absl::InvalidArgumentError("disposable list " + path +
                                               ": larger than 64 MiB"));
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in.good() && !in.eof()) {
      return Record(
          absl::UnavailableError("disposable list " + path + ": read failed"));
    }
    auto parsed = DisposableList::Parse(text.str());
    if (!parsed.ok()) {
      // Parse() says "disposable list: line N: ..."; name the file too.
      std::string why(parsed.status().message());
      constexpr std::string_view kPrefix = "disposable list: ";
      if (why.compare(0, kPrefix.size(), kPrefix) == 0) {
        why.erase(0, kPrefix.size());
      }
      return Record(
          absl::InvalidArgumentError("disposable list " + path + ": " + why));
    }
    size_t entries = (*parsed)->size();
    Publish(std::shared_ptr<const DisposableList>(std::move(*parsed)));
    spdlog::info("disposable list {}: loaded {} entries", path, entries);
    last_status = absl::OkStatus();
    return last_status;
  }

  absl::Status Record(absl::Status status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(reload_mu) {
    if (status != last_status) {
      spdlog::warn("{} (keeping the previous list of {} entries)",
                   std::string(status.message()), CurrentSize());
    }
    last_status = status;
    return status;
  }

  void MaybeCheck(int64_t now) {
    if (!reload_mu.TryLock()) return;  // another thread is checking
    if (now >= next_check_ns.load(std::memory_order_relaxed)) {
      next_check_ns.store(now + interval_ns, std::memory_order_relaxed);
      CheckFile().IgnoreError();  // logged in CheckFile
    }
    reload_mu.Unlock();
  }
};

DisposableSource::DisposableSource() : impl_(std::make_unique<Impl>()) {}
DisposableSource::~DisposableSource() = default;

absl::StatusOr<std::unique_ptr<DisposableSource>> DisposableSource::Open(
    const std::string& path, double check_interval_seconds) {
  if (!(check_interval_seconds > 0) || !std::isfinite(check_interval_seconds)) {
    return absl::InvalidArgumentError(
        "disposable list check interval must be a positive number of "
        "seconds");
  }
  std::unique_ptr<DisposableSource> source(new DisposableSource());
  Impl& impl = *source->impl_;
  impl.path = path;
  impl.interval_ns = static_cast<int64_t>(
      std::min(check_interval_seconds * 1e9, 1e18));  // ~30 years
  if (path.empty()) {
    auto starter = DisposableList::Parse(embedded::kDisposableStarter);
    if (!starter.ok()) {
      return absl::InternalError("built-in disposable list: " +
                                 std::string(starter.status().message()));
    }
    impl.Publish(std::shared_ptr<const DisposableList>(std::move(*starter)));
    return source;  // next_check_ns stays at "never"
  }
  {
    absl::MutexLock lock(&impl.reload_mu);
    // A list the operator configured but that cannot be read is a
    // start-up error: silently running without it would hide the mistake.
    absl::Status status = impl.CheckFile();
    if (!status.ok()) return status;
  }
  impl.next_check_ns.store(NowNanos() + impl.interval_ns,
                           std::memory_order_relaxed);
  return source;
}

bool DisposableSource::Contains(std::string_view e164_digits,
                                std::string_view country_alpha3,
                                std::string_view operator_name) const {
  Impl& impl = *impl_;
  if (!impl.path.empty()) {
    int64_t now = NowNanos();
    if (now >= impl.next_check_ns.load(std::memory_order_relaxed)) {
      impl.MaybeCheck(now);
    }
  }
  const DisposableList* list = impl.Current();
  return list != nullptr &&
         list->Contains(e164_digits, country_alpha3, operator_name);
}

absl::Status DisposableSource::Reload() const {
  Impl& impl = *impl_;
  if (impl.path.empty()) return absl::OkStatus();  // built-in: nothing to read
  absl::MutexLock lock(&impl.reload_mu);
  impl.next_check_ns.store(NowNanos() + impl.interval_ns,
                           std::memory_order_relaxed);
  return impl.CheckFile();
}

}  // namespace phonebulk::phone
