#include "phone/operators.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "common/strings.h"

namespace phonebulk::embedded {
// operators.txt from tools/gen_prefix_tables.py (see tables.cmake).
extern const std::string_view kOperatorTable;
}  // namespace phonebulk::embedded

namespace phonebulk::phone {
namespace {

// E.164 numbers have at most 15 digits, so a prefix fits in a uint64_t.
constexpr size_t kMaxPrefixDigits = 15;

bool IsDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

absl::Status LineError(size_t line_number, std::string_view what) {
  return absl::InvalidArgumentError("operator table line " +
                                    std::to_string(line_number) + ": " +
                                    std::string(what));
}

}  // namespace

struct OperatorTable::Impl {
  struct Operator {
    uint32_t name;       // index into names
    std::string mccmnc;  // 5 or 6 digits or empty; fits the SSO buffer
  };

  // Each distinct name once: a name with several codes (one per country)
  // sits on several lines of the text.
  std::vector<std::string> names;
  std::vector<Operator> operators;
  // by_length[n]: integer value of an n-digit prefix -> index into
  // operators. Numbers that differ only in leading zeros cannot collide
  // because every length has its own map.
  std::array<absl::flat_hash_map<uint64_t, uint32_t>, kMaxPrefixDigits + 1>
      by_length;
  size_t min_length = kMaxPrefixDigits + 1;
  size_t max_length = 0;
  size_t prefixes = 0;
};

OperatorTable::OperatorTable() : impl_(std::make_unique<Impl>()) {}
OperatorTable::~OperatorTable() = default;

absl::StatusOr<std::unique_ptr<OperatorTable>> OperatorTable::Parse(
    std::string_view text) {
  std::unique_ptr<OperatorTable> table(new OperatorTable());
  Impl& impl = *table->impl_;
  absl::flat_hash_map<std::string, uint32_t> name_index;
  size_t line_number = 0;
  for (std::string_view line : Split(text, '\n')) {
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    const std::vector<std::string_view> fields = Split(line, '\t');
    if (fields.size() != 3) {
      return LineError(line_number,
                       "expected NAME<TAB>MCCMNC<TAB>PREFIXES, got " +
                           std::to_string(fields.size()) + " field(s)");
    }
    const std::string_view name = fields[0];
    const std::string_view mccmnc = fields[1];
    if (name.empty() || TrimAscii(name).size() != name.size()) {
      return LineError(line_number, "empty or padded operator name");
    }
    if (!mccmnc.empty() &&
        (!IsDigits(mccmnc) || mccmnc.size() < 5 || mccmnc.size() > 6)) {
      return LineError(line_number, "MCC/MNC '" + std::string(mccmnc) +
                                        "' is not 5 or 6 digits");
    }
    auto [it, inserted] = name_index.try_emplace(
        std::string(name), static_cast<uint32_t>(impl.names.size()));
    if (inserted) impl.names.emplace_back(name);
    const auto op_index = static_cast<uint32_t>(impl.operators.size());
    impl.operators.push_back({it->second, std::string(mccmnc)});

    if (fields[2].empty()) return LineError(line_number, "no prefixes");
    for (std::string_view prefix : Split(fields[2], ' ')) {
      if (!IsDigits(prefix) || prefix.size() > kMaxPrefixDigits) {
        return LineError(line_number, "prefix '" + std::string(prefix) +
                                          "' is not 1 to 15 digits");
      }
      // Safe: 15 digits cannot overflow and IsDigits held.
      const uint64_t value = static_cast<uint64_t>(*ParseInt(prefix));
      if (!impl.by_length[prefix.size()].try_emplace(value, op_index).second) {
        // Two operators for one range would make the answer depend on
        // line order; the generator never writes that.
        return LineError(line_number,
                         "duplicate prefix " + std::string(prefix));
      }
      impl.min_length = std::min(impl.min_length, prefix.size());
      impl.max_length = std::max(impl.max_length, prefix.size());
      ++impl.prefixes;
    }
  }
  if (impl.prefixes == 0) {
    return absl::InvalidArgumentError("operator table has no prefixes");
  }
  return table;
}

const OperatorTable& OperatorTable::BuiltIn() {
  // Magic static: parsed once, thread-safe. Deliberately leaked so that no
  // destructor runs while other threads may still enrich at exit.
  static const OperatorTable* const instance = [] {
    auto parsed = Parse(embedded::kOperatorTable);
    if (!parsed.ok()) {
      // The text was generated and embedded at build time: failing here is
      // a build defect, not something a caller could handle.
      std::fprintf(stderr, "phonebulk: fatal: built-in %s\n",
                   std::string(parsed.status().message()).c_str());
      std::abort();
    }
    return parsed->release();
  }();
  return *instance;
}

std::optional<OperatorInfo> OperatorTable::Lookup(
    std::string_view e164_digits) const {
  const Impl& impl = *impl_;
  // Integer values of the number's first 1..max_length digits, computed in
  // one pass; a non-digit ends the usable prefix.
  std::array<uint64_t, kMaxPrefixDigits + 1> values;
  size_t usable = 0;
  uint64_t value = 0;
  while (usable < impl.max_length && usable < e164_digits.size()) {
    const char c = e164_digits[usable];
    if (c < '0' || c > '9') break;
    value = value * 10 + static_cast<uint64_t>(c - '0');
    values[++usable] = value;
  }
  for (size_t length = usable; length >= impl.min_length && length > 0;
       --length) {
    const auto& map = impl.by_length[length];
    if (map.empty()) continue;
    auto it = map.find(values[length]);
    if (it != map.end()) {
      const Impl::Operator& op = impl.operators[it->second];
      return OperatorInfo{impl.names[op.name], op.mccmnc};
    }
  }
  return std::nullopt;
}

size_t OperatorTable::size() const { return impl_->prefixes; }

}  // namespace phonebulk::phone
