#include "batch/validate_service.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "batch/credits.h"
#include "batch/result_codec.h"
#include "common/crypto.h"

namespace phonebulk::batch {
namespace {

// Appends `field` length-prefixed, so no choice of values can make two
// different requests serialise alike ("1:a" + "2:bc" vs "2:ab" + "1:c").
void AppendField(std::string* out, std::string_view field) {
  out->append(std::to_string(field.size())).append(":").append(field);
}

std::string JoinCodes(const std::vector<std::string>& codes) {
  std::string out;
  for (const std::string& code : codes) out.append(code).append(",");
  return out;
}

}  // namespace

ValidateService::ValidateService(store::ValidationCache& cache,
                                 store::AccountStore& accounts, Engine engine,
                                 const Clock& clock)
    : cache_(cache), accounts_(accounts), engine_(engine), clock_(clock) {}

std::string ValidateService::CacheKey(const ValidateRequest& request,
                                      std::string_view e164) {
  const BatchConfig& config = request.config;
  // The version tag lets a later change of what the key covers start from
  // an empty cache instead of serving answers of another shape.
  std::string text = "validate-v2/1|";
  // "e" and "r" keep an E.164 form and a raw text of the same digits apart.
  AppendField(&text,
              e164.empty() ? "r" + request.number : "e" + std::string(e164));
  AppendField(&text, config.country_iso);
  AppendField(&text, config.output_format.Name());
  AppendField(&text, config.get_ported_date ? "1" : "0");
  AppendField(&text, request.get_disposable_number ? "1" : "0");
  // No live-status source exists yet, but once one does its lookups change
  // the answer, so the option is part of the key from the start.
  if (const auto& live = config.supplementary_live_status) {
    AppendField(&text, JoinCodes(live->mobile));
    AppendField(&text, JoinCodes(live->landline));
  } else {
    AppendField(&text, "-");
  }
  return Sha256Hex(text);
}

absl::StatusOr<std::optional<phone::PhoneResult>> ValidateService::Lookup(
    const ValidateRequest& request) const {
  // Validation alone gives the E.164 form the key needs; it is cheap next to
  // what a cache hit saves once live sources exist.
  phone::PhoneResult parsed = engine_.validator.Validate(
      request.number, request.config.country_iso, request.config.output_format);
  std::string key = CacheKey(request, parsed.validated_phone_number);
  absl::Time not_before =
      clock_.Now() - absl::Hours(24) * request.cache_value_days;
  auto blob = cache_.GetCachedResult(key, not_before);
  if (!blob.ok()) return blob.status();
  if (!blob->has_value()) return std::nullopt;
  auto decoded = DecodeResult(**blob);
  if (!decoded.ok()) {
    // An unreadable entry is a miss; the fresh answer replaces it.
    spdlog::warn("event=validate_cache_unreadable error=\"{}\"",
                 decoded.status().ToString());
    return std::nullopt;
  }
  return *std::move(decoded);
}

absl::StatusOr<ValidateAnswer> ValidateService::Validate(
    int64_t account_id, const ValidateRequest& request,
    const phone::Extensions& extensions,
    std::optional<absl::Time> deadline) const {
  ValidateAnswer answer;
  if (request.cache_value_days > 0) {
    auto cached = Lookup(request);
    if (!cached.ok()) return cached.status();
    if (cached->has_value()) {
      answer.result = **std::move(cached);
      answer.from_cache = true;
    }
  }
  if (!answer.from_cache) {
    // The country is the request's own default; there is no per-phone
    // override in a one-number call.
    const model::PhoneInput input{request.number, ""};
    std::vector<PhoneOutcome> outcome =
        ProcessPhones(engine_, std::span(&input, 1), request.config,
                      deadline.value_or(clock_.Now() + absl::Seconds(15)));
    answer.result = std::move(outcome[0].result);
    answer.credits_charged = outcome[0].charge;
  }

  if (deadline.has_value() && clock_.Now() > *deadline) {
    return absl::DeadlineExceededError(
        "the answer was not ready within the time allowed by "
        "Timeout-Seconds; nothing was charged");
  }
  if (answer.from_cache) {
    // A cached answer made no lookup now: the base charge and its date.
    answer.credits_charged = ChargeForPhone(answer.result, false);
  }
  auto balance = accounts_.ChargeCredits(account_id, answer.credits_charged);
  if (absl::IsResourceExhausted(balance.status())) {
    return NotEnoughCredits("for this call", balance.status());
  }
  if (!balance.ok()) return balance.status();

  if (!answer.from_cache) {
    // Stored after the charge, so only answers that were given are kept. A
    // failed write costs a later cache hit, never this paid-for answer.
    absl::Status put = cache_.PutCachedResult(
        CacheKey(request, answer.result.validated_phone_number),
        EncodeResult(answer.result), clock_.Now());
    if (!put.ok()) {
      spdlog::warn("event=validate_cache_write_failed error=\"{}\"",
                   put.ToString());
    }
  }
  if (extensions.any() && engine_.enricher != nullptr) {
    engine_.enricher->AddExtensions(&answer.result, extensions);
  }
  return answer;
}

}  // namespace phonebulk::batch
