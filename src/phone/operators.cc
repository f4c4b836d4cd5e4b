#include "phone/operators.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "common/strings.h"
#include "phone/embedded_table.h"
#include "phone/prefix_index.h"

namespace phonebulk::embedded {
// operators.txt from tools/gen_prefix_tables.py (see tables.cmake).
extern const std::string_view kOperatorTable;
}  // namespace phonebulk::embedded

namespace phonebulk::phone {

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
  absl::Status status = ReadPrefixTable(
      text, "operator table", 3, "NAME<TAB>MCCMNC<TAB>PREFIXES", impl.index,
      [&](std::span<const std::string_view> fields, uint32_t) {
        const std::string_view name = fields[0];
        const std::string_view mccmnc = fields[1];
        if (name.empty() || TrimAscii(name).size() != name.size()) {
          return absl::InvalidArgumentError("empty or padded operator name");
        }
        if (!mccmnc.empty() &&
            (!AllAsciiDigits(mccmnc) || mccmnc.size() < 5 || mccmnc.size() > 6)) {
          return absl::InvalidArgumentError("MCC/MNC '" + std::string(mccmnc) +
                                            "' is not 5 or 6 digits");
        }
        auto [it, inserted] = name_index.try_emplace(
            std::string(name), static_cast<uint32_t>(impl.names.size()));
        if (inserted) impl.names.emplace_back(name);
        // Record i is operators[i]: the value its prefixes point at.
        impl.operators.push_back({it->second, std::string(mccmnc)});
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return table;
}

const OperatorTable& OperatorTable::BuiltIn() {
  return BuiltInTable<OperatorTable>(embedded::kOperatorTable, &Parse);
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
