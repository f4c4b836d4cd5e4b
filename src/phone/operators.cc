#include "phone/operators.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "common/strings.h"
#include "phone/prefix_index.h"

namespace phonebulk::embedded {
// operators.txt from tools/gen_prefix_tables.py (see tables.cmake).
extern const std::string_view kOperatorTable;
}  // namespace phonebulk::embedded

namespace phonebulk::phone {
namespace {

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
  PrefixIndex index;  // prefix -> index into operators
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
      if (absl::Status s = impl.index.Add(prefix, op_index); !s.ok()) {
        return LineError(line_number, std::string(s.message()));
      }
    }
  }
  if (impl.index.size() == 0) {
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
  std::optional<uint32_t> found = impl.index.FindLongest(e164_digits);
  if (!found) return std::nullopt;
  const Impl::Operator& op = impl.operators[*found];
  return OperatorInfo{impl.names[op.name], op.mccmnc};
}

size_t OperatorTable::size() const { return impl_->index.size(); }

}  // namespace phonebulk::phone
