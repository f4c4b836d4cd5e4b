// Issue 13, item 4: the validator on the compiled engine against the
// validator on libphonenumber alone, field by field, on over a million
// generated inputs: the benchmark corpus's mix (every form of bench/corpus)
// and the parser's differential inputs (every region and type, every input
// form, junk), each with an output format drawn from every kind. Zero
// disagreements, and the engine must answer (not fall back on) at least 99%
// of the corpus mix.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "phone/countries.h"
#include "phone/engine/parse_inputs.h"
#include "phone/validator.h"

namespace phonebulk::phone {
namespace {

struct Case {
  std::string number;
  std::string alpha3;  // the default country, "" for none
  OutputFormat format;
};

// Every output format kind, and dialled-from a few origins (one unknown).
std::vector<OutputFormat> Formats() {
  std::vector<OutputFormat> f;
  for (auto kind :
       {OutputFormat::Kind::kE164, OutputFormat::Kind::kPlusE164,
        OutputFormat::Kind::kNational, OutputFormat::Kind::kInternational}) {
    f.push_back({kind, ""});
  }
  for (const char* from : {"USA", "GBR", "DEU", "JPN", "AUS", "ATA"}) {
    f.push_back({OutputFormat::Kind::kDialledFrom, from});
  }
  return f;
}

std::vector<Case> Cases(const std::vector<engine::ParseInput>& inputs,
                        uint64_t salt) {
  const Countries& countries = Countries::Default();
  const std::vector<OutputFormat> formats = Formats();
  std::vector<Case> cases;
  cases.reserve(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Country* c = countries.ByAlpha2(inputs[i].region);
    cases.push_back({inputs[i].text, c != nullptr ? c->alpha3 : "",
                     formats[(i * 7 + salt) % formats.size()]});
  }
  return cases;
}

std::string Describe(const PhoneResult& r) {
  return "validated=" + r.validated_phone_number +
         " formatted=" + r.formatted_phone_number +
         " type=" + std::to_string(static_cast<int>(r.phone_type)) +
         " valid=" + std::to_string(r.valid) +
         " reason=" + std::to_string(static_cast<int>(r.invalid_reason)) +
         " confidence=" + std::to_string(static_cast<int>(r.confidence)) +
         " prefix=" + r.country_prefix + " iso=" + r.country_iso +
         " name=" + r.country_name;
}

bool Same(const PhoneResult& a, const PhoneResult& b) {
  return a.validated_phone_number == b.validated_phone_number &&
         a.formatted_phone_number == b.formatted_phone_number &&
         a.phone_type == b.phone_type && a.valid == b.valid &&
         a.invalid_reason == b.invalid_reason && a.confidence == b.confidence &&
         a.country_prefix == b.country_prefix &&
         a.country_iso == b.country_iso && a.country_name == b.country_name;
}

// Runs every case through both validators on two threads; returns the
// number of disagreements (the first few printed).
int64_t Compare(const std::vector<Case>& cases, const Validator& compiled,
                const Validator& reference) {
  std::atomic<int64_t> disagreements{0};
  std::mutex print;
  auto run = [&](size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      const Case& c = cases[i];
      const PhoneResult got = compiled.Validate(c.number, c.alpha3, c.format);
      const PhoneResult want = reference.Validate(c.number, c.alpha3, c.format);
      if (!Same(got, want) && disagreements.fetch_add(1) < 10) {
        std::lock_guard<std::mutex> lock(print);
        ADD_FAILURE() << "'" << c.number << "' default '" << c.alpha3
                      << "' format " << c.format.Name()
                      << "\n  engine:         " << Describe(got)
                      << "\n  libphonenumber: " << Describe(want);
      }
    }
  };
  const size_t half = cases.size() / 2;
  std::thread other(run, size_t{0}, half);
  run(half, cases.size());
  other.join();
  return disagreements.load();
}

TEST(ValidatorEngineTest, AMillionInputsAnswerAsLibphonenumberDoes) {
  const Countries& countries = Countries::Default();
  const Validator reference(countries, ValidatorEngine::kLibphonenumber);

  // The corpus mix, on a validator of its own to read its fallback share.
  int skipped = 0;
  const std::vector<Case> corpus =
      Cases(engine::CorpusLikeInputs(13, 600'000, &skipped), 0);
  const Validator compiled(countries, ValidatorEngine::kCompiled);
  EXPECT_EQ(Compare(corpus, compiled, reference), 0);
  const ValidatorCounts counts = compiled.counts();
  const int64_t answered = counts.compiled + counts.format_fallback;
  const int64_t parsed = answered + counts.parse_fallback;
  // Rows blank after trimming are answered before any parsing.
  ASSERT_EQ(parsed + counts.not_parsed, static_cast<int64_t>(corpus.size()));
  std::printf(
      "corpus mix: %zu inputs; engine answered %lld, its parse fell back on "
      "%lld (%.3f%%), libphonenumber wrote the format of %lld\n",
      corpus.size(), static_cast<long long>(counts.compiled),
      static_cast<long long>(counts.parse_fallback),
      100.0 * counts.parse_fallback / parsed,
      static_cast<long long>(counts.format_fallback));
  EXPECT_LT(counts.parse_fallback * 100, parsed) << "fallback share over 1%";

  // Every region, type and input form of the parser's differential inputs.
  const std::vector<Case> spread =
      Cases(engine::DifferentialInputs(17, 420'000), 3);
  const Validator compiled2(countries, ValidatorEngine::kCompiled);
  EXPECT_EQ(Compare(spread, compiled2, reference), 0);
  const size_t total = corpus.size() + spread.size();
  std::printf("compared %zu inputs field by field\n", total);
  EXPECT_GE(total, 1'000'000u);
}

TEST(ValidatorEngineTest, EnginesByName) {
  EXPECT_EQ(ParseValidatorEngine("compiled"), ValidatorEngine::kCompiled);
  EXPECT_EQ(ParseValidatorEngine("libphonenumber"),
            ValidatorEngine::kLibphonenumber);
  EXPECT_EQ(ParseValidatorEngine("Compiled"), std::nullopt);
  EXPECT_EQ(ValidatorEngineName(ValidatorEngine::kLibphonenumber),
            "libphonenumber");
}

}  // namespace
}  // namespace phonebulk::phone
