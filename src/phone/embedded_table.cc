#include "phone/embedded_table.h"

#include <vector>

#include "common/strings.h"

namespace phonebulk::phone {

absl::Status ReadPrefixTable(
    std::string_view text, const PrefixTableFormat& format, PrefixIndex& index,
    const std::function<absl::Status(std::span<const std::string_view> fields)>&
        on_record) {
  size_t line_number = 0;
  uint32_t value = 0;
  auto line_error = [&](std::string_view message) {
    return absl::InvalidArgumentError(std::string(format.what) + " line " +
                                      std::to_string(line_number) + ": " +
                                      std::string(message));
  };
  for (std::string_view line : Split(text, '\n')) {
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    const std::vector<std::string_view> fields = Split(line, '\t');
    if (fields.size() != format.fields) {
      return line_error("expected " + std::string(format.field_names) +
                        ", got " + std::to_string(fields.size()) + " field(s)");
    }
    if (absl::Status s = on_record(fields); !s.ok()) {
      return line_error(std::string(s.message()));
    }
    if (fields.back().empty()) return line_error("no prefixes");
    for (std::string_view prefix : Split(fields.back(), ' ')) {
      if (absl::Status s = index.Add(prefix, value); !s.ok()) {
        return line_error(std::string(s.message()));
      }
    }
    ++value;
  }
  if (index.size() == 0) {
    return absl::InvalidArgumentError(std::string(format.what) +
                                      " has no prefixes");
  }
  return absl::OkStatus();
}

}  // namespace phonebulk::phone
