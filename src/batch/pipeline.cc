#include "batch/pipeline.h"

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

}  // namespace phonebulk::batch
