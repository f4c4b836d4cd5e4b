#include "phone/operators.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "common/strings.h"
#include "phone/embedded_table.h"

namespace phonebulk::embedded {
// operators.txt from tools/gen_prefix_tables.py (see tables.cmake).
extern const std::string_view kOperatorTable;
}  // namespace phonebulk::embedded

namespace phonebulk::phone {

absl::StatusOr<std::unique_ptr<OperatorTable>> OperatorTable::Parse(
    std::string_view text) {
  std::unique_ptr<OperatorTable> table(new OperatorTable());
  absl::flat_hash_map<std::string, uint32_t> name_index;
  absl::Status status = table->operators_.Read(
      text, {"operator table", 3, "NAME<TAB>MCCMNC<TAB>PREFIXES"},
      [&](std::span<const std::string_view> fields)
          -> absl::StatusOr<Operator> {
        const std::string_view name = fields[0];
        const std::string_view mccmnc = fields[1];
        if (name.empty() || TrimAscii(name).size() != name.size()) {
          return absl::InvalidArgumentError("empty or padded operator name");
        }
        if (!mccmnc.empty() && (!AllAsciiDigits(mccmnc) || mccmnc.size() < 5 ||
                                mccmnc.size() > 6)) {
          return absl::InvalidArgumentError("MCC/MNC '" + std::string(mccmnc) +
                                            "' is not 5 or 6 digits");
        }
        auto [it, inserted] = name_index.try_emplace(
            std::string(name), static_cast<uint32_t>(table->names_.size()));
        if (inserted) table->names_.emplace_back(name);
        return Operator{it->second, std::string(mccmnc)};
      });
  if (!status.ok()) return status;
  return table;
}

const OperatorTable& OperatorTable::BuiltIn() {
  return BuiltInTable<OperatorTable>(embedded::kOperatorTable, &Parse);
}

std::optional<OperatorInfo> OperatorTable::Lookup(
    std::string_view e164_digits) const {
  const Operator* op = operators_.FindLongest(e164_digits);
  if (op == nullptr) return std::nullopt;
  return OperatorInfo{names_[op->name], op->mccmnc};
}

}  // namespace phonebulk::phone
