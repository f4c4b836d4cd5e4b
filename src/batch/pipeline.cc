#include "batch/pipeline.h"

#include <string>

#include "batch/credits.h"
#include "batch/live_status.h"

namespace phonebulk::batch {

phone::PhoneResult ProcessPhone(const Engine& engine, std::string_view number,
                                std::string_view country_iso,
                                const BatchConfig& config) {
  std::string_view country =
      country_iso.empty() ? std::string_view(config.country_iso) : country_iso;
  phone::PhoneResult result =
      engine.validator.Validate(number, country, config.output_format);
  if (engine.enricher != nullptr) engine.enricher->Enrich(&result);
  if (config.get_ported_date) {
    // Without a portability source nothing is known about porting; a source
    // (issue 6) replaces this with a date or "not applicable".
    result.ported_date = "unknown";
  }
  return result;
}

namespace {

// Applies what the operator's portability file says about the valid numbers
// of `out`. A number the file does not list keeps is_ported "unknown": a
// file need not cover every range. A failed read answers nothing (the source
// logs it): porting facts are an enrichment, and the offline answer stands.
void ApplyPortingFile(lookup::LookupSource& file, const BatchConfig& config,
                      absl::Time deadline, std::vector<PhoneOutcome>& out) {
  std::vector<std::string> numbers;
  std::vector<size_t> positions;
  for (size_t i = 0; i < out.size(); ++i) {
    if (!out[i].result.valid) continue;
    numbers.push_back(out[i].result.validated_phone_number);
    positions.push_back(i);
  }
  if (numbers.empty()) return;
  std::vector<std::optional<lookup::LookupAnswer>> answers =
      file.Lookup(numbers, deadline);
  for (size_t k = 0; k < positions.size() && k < answers.size(); ++k) {
    const std::optional<lookup::LookupAnswer>& answer = answers[k];
    if (!answer.has_value() || !answer->ported.value_or(false)) continue;
    phone::PhoneResult& r = out[positions[k]].result;
    r.is_ported = "yes";
    if (!answer->operator_name.empty()) r.operator_name = answer->operator_name;
    if (!answer->mccmnc.empty()) r.home_network_identity = answer->mccmnc;
    if (config.get_ported_date && !answer->ported_date.empty()) {
      r.ported_date = answer->ported_date;
    }
  }
}

}  // namespace

std::vector<PhoneOutcome> ProcessPhones(
    const Engine& engine, std::span<const model::PhoneInput> phones,
    const BatchConfig& config, absl::Time deadline) {
  std::vector<PhoneOutcome> out;
  out.reserve(phones.size());
  std::vector<std::string> to_ask;
  std::vector<size_t> asked_for;
  for (const model::PhoneInput& in : phones) {
    out.push_back({ProcessPhone(engine, in.number, in.country_iso, config), 1});
    if (engine.live != nullptr &&
        PlanLookup(out.back().result, config).lookup) {
      to_ask.push_back(out.back().result.validated_phone_number);
      asked_for.push_back(out.size() - 1);
    }
  }
  if (engine.porting != nullptr) {
    ApplyPortingFile(*engine.porting, config, deadline, out);
  }
  // Supplementary lookups are charged only when answered.
  std::vector<bool> supplementary_made(out.size(), false);
  if (!to_ask.empty()) {
    std::vector<std::optional<lookup::LookupAnswer>> answers =
        engine.live->Lookup(to_ask, deadline);
    for (size_t k = 0; k < asked_for.size() && k < answers.size(); ++k) {
      if (!answers[k].has_value()) continue;
      phone::PhoneResult& result = out[asked_for[k]].result;
      supplementary_made[asked_for[k]] =
          PlanLookup(result, config).supplementary;
      ApplyAnswer(*answers[k], config.get_ported_date, &result);
    }
  }
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].charge = ChargeForPhone(out[i].result, supplementary_made[i]);
  }
  return out;
}

}  // namespace phonebulk::batch
