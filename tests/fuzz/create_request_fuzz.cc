// libFuzzer target for ParseCreateBatchRequest, the first code to see an
// untrusted create body. Also compiled into create_request_corpus_test, which
// replays the seed corpus in every normal and sanitizer build.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "batch/config.h"
#include "batch/create_request.h"
#include "create_request_check.h"
#include "phone/countries.h"

namespace phonebulk::fuzz {
namespace {

bool IsUpperAlpha3(std::string_view code) {
  if (code.size() != 3) return false;
  for (char c : code) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

// The parser promises messages that can go into a JSON body or a log line
// unescaped: printable ASCII plus the ellipsis it uses to cut long values.
bool IsPrintableMessage(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c <= 0x7E) continue;
    if (text.substr(i, 3) == "\xE2\x80\xA6") {
      i += 2;
      continue;
    }
    return false;
  }
  return true;
}

// Strict UTF-8 code point count; -1 when `text` is not UTF-8.
long CountUtf8(std::string_view text) {
  long count = 0;
  for (size_t i = 0; i < text.size(); ++count) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    int extra = c < 0x80                 ? 0
                : c >= 0xC2 && c <= 0xDF ? 1
                : c >= 0xE0 && c <= 0xEF ? 2
                : c >= 0xF0 && c <= 0xF4 ? 3
                                         : -1;
    if (extra < 0 || text.size() - i - 1 < static_cast<size_t>(extra)) {
      return -1;
    }
    unsigned long cp = extra == 0 ? c : c & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k) {
      unsigned char b = static_cast<unsigned char>(text[i + k]);
      if ((b & 0xC0) != 0x80) return -1;
      cp = (cp << 6) | (b & 0x3F);
    }
    static constexpr unsigned long kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return -1;
    }
    i += 1 + extra;
  }
  return count;
}

std::string CheckAccepted(const batch::CreateBatchRequest& request) {
  if (request.phones.empty() ||
      request.phones.size() > batch::kMaxPhonesPerBatch) {
    return "accepted " + std::to_string(request.phones.size()) + " phones";
  }
  for (const model::PhoneInput& phone : request.phones) {
    long length = CountUtf8(phone.number);
    if (length < 0) return "accepted a number that is not UTF-8";
    if (static_cast<size_t>(length) > batch::kMaxNumberLength) {
      return "accepted a number of " + std::to_string(length) + " characters";
    }
    if (!phone.country_iso.empty() && !IsUpperAlpha3(phone.country_iso)) {
      return "phone country not normalised: " + phone.country_iso;
    }
  }
  const batch::BatchConfig& config = request.config;
  if (!config.country_iso.empty() && !IsUpperAlpha3(config.country_iso)) {
    return "default country not normalised";
  }
  if (config.output_format.kind == phone::OutputFormat::Kind::kDialledFrom &&
      !IsUpperAlpha3(config.output_format.from_alpha3)) {
    return "dialled-from format without an upper-case alpha-3 code";
  }
  if (config.max_processing_time.has_value() !=
      config.max_processing_duration.has_value()) {
    return "max_processing_time and its duration disagree";
  }
  if (config.max_processing_duration.has_value() &&
      (*config.max_processing_duration < absl::Minutes(1) ||
       *config.max_processing_duration > absl::Hours(24))) {
    return "accepted a max_processing_time outside PT1M..PT24H";
  }
  if (!request.batch_reference_id.empty() &&
      !batch::IsValidReferenceId(request.batch_reference_id)) {
    return "accepted an invalid batch_reference_id";
  }
  std::string stored = batch::SerializeConfig(config);
  absl::StatusOr<batch::BatchConfig> reread = batch::ParseStoredConfig(stored);
  if (!reread.ok()) {
    return "stored config does not parse: " + reread.status().ToString();
  }
  if (!(*reread == config)) return "stored config does not round-trip";
  return "";
}

}  // namespace

CheckResult CheckCreateRequest(std::string_view body) {
  CheckResult result;
  absl::StatusOr<batch::CreateBatchRequest> request =
      batch::ParseCreateBatchRequest(body, phone::Countries::Default());
  result.accepted = request.ok();
  if (request.ok()) {
    result.problem = CheckAccepted(*request);
    return result;
  }
  std::string message(request.status().message());
  if (request.status().code() != absl::StatusCode::kInvalidArgument) {
    result.problem = "rejected with " + request.status().ToString();
  } else if (message.empty()) {
    result.problem = "rejected with an empty message";
  } else if (!IsPrintableMessage(message)) {
    result.problem = "message is not printable UTF-8";
  }
  return result;
}

}  // namespace phonebulk::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  phonebulk::fuzz::CheckResult result = phonebulk::fuzz::CheckCreateRequest(
      std::string_view(reinterpret_cast<const char*>(data), size));
  if (!result.problem.empty()) {
    std::fprintf(stderr, "create_request invariant broken: %s\n",
                 result.problem.c_str());
    std::abort();  // libFuzzer saves the input as a crash
  }
  return 0;
}
