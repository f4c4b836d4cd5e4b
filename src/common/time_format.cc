#include "common/time_format.h"

#include <cctype>

namespace phonebulk {

std::string FormatIsoTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

std::optional<absl::Duration> ParseIsoDuration(std::string_view text) {
  if (text.size() < 3 || text[0] != 'P') return std::nullopt;
  absl::Duration total = absl::ZeroDuration();
  bool in_time = false;
  bool any = false;
  size_t i = 1;
  // Units must appear in order; track the last one seen to reject "PT1M1H".
  int last_rank = -1;
  while (i < text.size()) {
    if (text[i] == 'T') {
      if (in_time) return std::nullopt;
      in_time = true;
      ++i;
      continue;
    }
    int64_t value = 0;
    size_t digits = 0;
    while (i < text.size() &&
           std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (digits >= 9) return std::nullopt;  // keeps the arithmetic small
      value = value * 10 + (text[i] - '0');
      ++i;
      ++digits;
    }
    if (digits == 0 || i >= text.size()) return std::nullopt;
    char unit = text[i++];
    int rank;
    absl::Duration step;
    if (!in_time && unit == 'D') {
      rank = 0;
      step = absl::Hours(24);
    } else if (in_time && unit == 'H') {
      rank = 1;
      step = absl::Hours(1);
    } else if (in_time && unit == 'M') {
      rank = 2;
      step = absl::Minutes(1);
    } else if (in_time && unit == 'S') {
      rank = 3;
      step = absl::Seconds(1);
    } else {
      return std::nullopt;
    }
    if (rank <= last_rank) return std::nullopt;
    last_rank = rank;
    total += step * value;
    any = true;
  }
  if (!any) return std::nullopt;
  return total;
}

}  // namespace phonebulk
