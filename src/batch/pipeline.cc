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

std::vector<PhoneOutcome> ProcessPhones(
    const Engine& engine, std::span<const store::PhoneInput> phones,
    const BatchConfig& config, absl::Time deadline) {
  std::vector<PhoneOutcome> out;
  out.reserve(phones.size());
  std::vector<std::string> to_ask;
  std::vector<size_t> asked_for;
  for (const store::PhoneInput& in : phones) {
    out.push_back({ProcessPhone(engine, in.number, in.country_iso, config), 1});
    if (engine.live != nullptr &&
        PlanLookup(out.back().result, config).lookup) {
      to_ask.push_back(out.back().result.validated_phone_number);
      asked_for.push_back(out.size() - 1);
    }
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
