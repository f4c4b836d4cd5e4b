// metadata_compiler --out FILE.cc
//
// Build-time tool (src/phone/engine/CMakeLists.txt runs it): compiles
// libphonenumber's numbering-plan metadata into the constant tables of
// plan_tables.h, one digit automaton per pattern.
//
// The metadata is read from the libphonenumber the build links: the shared
// library embeds it as a serialized PhoneMetadataCollection and exports
// metadata_get()/metadata_size() (its own PhoneNumberUtil loads it the same
// way). So the tables always describe exactly the library version the
// engine is compared with; there is no second copy of the data to drift.
// The size and a hash of those bytes go into the tables, and the engine's
// test checks them against the library loaded at run time.
//
// Any pattern outside the regex subset of digit_regex.h, or any metadata
// the tables cannot represent, fails the tool with a message, and so the
// build: nothing is approximated.

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <list>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "phone/engine/compile_parse.h"
#include "phone/engine/compile_format.h"
#include "phone/engine/digit_regex.h"
#include "phone/engine/plan_tables.h"
#include "phonenumbers/phonemetadata.pb.h"

// Defined in libphonenumber.so (metadata.h, which Debian does not install).
namespace i18n::phonenumbers {
int metadata_size();
const void* metadata_get();
}  // namespace i18n::phonenumbers

namespace phonebulk::phone::engine {
namespace {

using i18n::phonenumbers::PhoneMetadata;
using i18n::phonenumbers::PhoneMetadataCollection;
using i18n::phonenumbers::PhoneNumberDesc;

// The region code libphonenumber skips when loading (RegionCode::GetUnknown).
constexpr char kUnknownRegion[] = "ZZ";
constexpr char kNonGeoRegion[] = "001";

uint64_t Fnv1a(const unsigned char* data, size_t size) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 0x100000001b3ull;
  return h;
}

// The plan being emitted, in text form for the initializer.
struct PlanText {
  std::string region;
  int calling_code = 0;
  std::string initializer;
};

class Compiler {
 public:
  absl::Status Run(const PhoneMetadataCollection& collection);
  std::string Emit(uint64_t bytes, uint64_t fingerprint) const;
  std::string Summary() const;

 private:
  absl::StatusOr<std::string> CompilePlan(const PhoneMetadata& m);
  // The initializer of a Dfa for `pattern` (absent: the empty language),
  // sharing identical automata.
  absl::StatusOr<std::string> DfaFor(const std::string* pattern);
  absl::StatusOr<std::string> DescFor(const PhoneNumberDesc& desc,
                                      const std::string& where);

  std::vector<uint16_t> transitions_;
  std::map<std::string, std::string> by_canonical_;  // DFA key -> initializer
  std::vector<PlanText> plans_;                      // sorted by region
  std::vector<int> calling_code_plans_;
  std::vector<std::pair<int, int>> slots_ =
      std::vector<std::pair<int, int>>(internal::kCallingCodeLimit, {0, 0});
  int patterns_ = 0;
};

std::string DfaKey(const DigitDfa& dfa) {
  std::string key;
  key.reserve(dfa.next.size() * 21 + 2);
  key.append(reinterpret_cast<const char*>(&dfa.start), sizeof(dfa.start));
  for (size_t s = 0; s < dfa.next.size(); ++s) {
    key.push_back(dfa.accepting[s] ? 1 : 0);
    key.append(reinterpret_cast<const char*>(dfa.next[s].data()),
               sizeof(uint16_t) * 10);
  }
  return key;
}

absl::StatusOr<std::string> Compiler::DfaFor(const std::string* pattern) {
  DigitDfa dfa = EmptyLanguageDfa();
  if (pattern != nullptr) {
    absl::StatusOr<DigitDfa> compiled = CompileDigitRegex(*pattern);
    if (!compiled.ok()) return compiled.status();
    dfa = *std::move(compiled);
    ++patterns_;
  }
  std::string key = DfaKey(dfa);
  auto found = by_canonical_.find(key);
  if (found != by_canonical_.end()) return found->second;
  const uint32_t offset = static_cast<uint32_t>(transitions_.size());
  auto with_accept = [&dfa](uint16_t row) {
    return uint16_t(row | (dfa.accepting[row] ? internal::kAcceptBit : 0));
  };
  for (const auto& row : dfa.next) {
    for (uint16_t next : row) transitions_.push_back(with_accept(next));
  }
  std::string init = absl::StrCat("{", offset, "u, ", with_accept(dfa.start),
                                   "}");
  by_canonical_.emplace(std::move(key), init);
  return init;
}

absl::StatusOr<uint32_t> LengthMask(
    const google::protobuf::RepeatedField<int32_t>& lengths,
    const std::string& where) {
  uint32_t mask = 0;
  for (int length : lengths) {
    if (length == -1) continue;  // "no numbers of this type": matches none
    if (length < 1 || length > 30) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": possible length ", length, " out of 1..30"));
    }
    mask |= 1u << length;
  }
  return mask;
}

absl::StatusOr<std::string> Compiler::DescFor(const PhoneNumberDesc& desc,
                                              const std::string& where) {
  uint32_t lengths = internal::kAnyLength;
  if (desc.possible_length_size() > 0) {
    absl::StatusOr<uint32_t> mask = LengthMask(desc.possible_length(), where);
    if (!mask.ok()) return mask.status();
    lengths = *mask;
  }
  const std::string* pattern = desc.national_number_pattern().empty()
                                   ? nullptr
                                   : &desc.national_number_pattern();
  absl::StatusOr<std::string> dfa = DfaFor(pattern);
  if (!dfa.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": ", dfa.status().message()));
  }
  return absl::StrCat("{", lengths, "u, ", *dfa, "}");
}

absl::StatusOr<std::string> Compiler::CompilePlan(const PhoneMetadata& m) {
  const std::string where = absl::StrCat(m.id(), " (+", m.country_code(), ")");
  const PhoneNumberDesc& general = m.general_desc();
  // TestNumberLength reads the first and last general length; a region
  // without them could not be answered the library's way.
  if (general.possible_length_size() == 0 || general.possible_length(0) < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": general desc has no possible lengths"));
  }
  absl::StatusOr<uint32_t> local =
      LengthMask(general.possible_length_local_only(), where);
  if (!local.ok()) return local.status();
  // Same order as internal::DescIndex.
  const PhoneNumberDesc* descs[internal::kDescCount] = {
      &general,          &m.fixed_line(),  &m.mobile(),      &m.toll_free(),
      &m.premium_rate(), &m.shared_cost(), &m.personal_number(),
      &m.voip(),         &m.pager(),       &m.uan(),         &m.voicemail()};
  std::string desc_inits;
  for (const PhoneNumberDesc* desc : descs) {
    absl::StatusOr<std::string> init = DescFor(*desc, where);
    if (!init.ok()) return init.status();
    absl::StrAppend(&desc_inits, desc_inits.empty() ? "" : ", ", *init);
  }
  std::string leading = "{0u, 0}";
  if (m.has_leading_digits()) {
    absl::StatusOr<std::string> dfa = DfaFor(&m.leading_digits());
    if (!dfa.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, " leading_digits: ", dfa.status().message()));
    }
    leading = *dfa;
  }
  auto flag = [](bool b) { return b ? "true" : "false"; };
  return absl::StrCat("{\"", m.id(), "\", ", m.country_code(), ", ",
                      flag(m.main_country_for_code()), ", ",
                      flag(m.same_mobile_and_fixed_line_pattern()), ", ",
                      flag(m.has_leading_digits()), ", ", *local, "u, ", leading,
                      ", {", desc_inits, "}}");
}

absl::Status Compiler::Run(const PhoneMetadataCollection& collection) {
  std::map<int, std::list<std::string>> regions_by_code;
  for (const PhoneMetadata& m : collection.metadata()) {
    if (m.id() == kUnknownRegion) continue;
    if (m.id().empty() || m.id().size() > 3 || m.country_code() < 1 ||
        m.country_code() >= internal::kCallingCodeLimit) {
      return absl::InvalidArgumentError(absl::StrCat(
          "metadata entry \"", m.id(), "\" +", m.country_code(),
          " does not fit the tables"));
    }
    absl::StatusOr<std::string> init = CompilePlan(m);
    if (!init.ok()) return init.status();
    plans_.push_back({m.id(), m.country_code(), *std::move(init)});
    // The order of PhoneNumberUtil's constructor: the main country first,
    // the others as the metadata lists them.
    std::list<std::string>& regions = regions_by_code[m.country_code()];
    if (m.main_country_for_code()) {
      regions.push_front(m.id());
    } else {
      regions.push_back(m.id());
    }
  }
  std::stable_sort(plans_.begin(), plans_.end(),
                   [](const PlanText& a, const PlanText& b) {
                     return a.region != b.region
                                ? a.region < b.region
                                : a.calling_code < b.calling_code;
                   });
  for (const auto& [code, regions] : regions_by_code) {
    slots_[code] = {static_cast<int>(calling_code_plans_.size()),
                    static_cast<int>(regions.size())};
    for (const std::string& region : regions) {
      for (size_t i = 0; i < plans_.size(); ++i) {
        if (plans_[i].region == region &&
            (region != kNonGeoRegion || plans_[i].calling_code == code)) {
          calling_code_plans_.push_back(static_cast<int>(i));
          break;
        }
      }
    }
  }
  if (transitions_.size() > 0xFFFFFFFFull) {
    return absl::InvalidArgumentError("transition table over 2^32 entries");
  }
  return absl::OkStatus();
}

std::string Compiler::Emit(uint64_t bytes, uint64_t fingerprint) const {
  std::string out = absl::StrCat(
      "// Generated by phonebulk's metadata_compiler from the metadata\n"
      "// embedded in the libphonenumber the build links. Do not edit.\n"
      "// NOLINTBEGIN\n"
      "#include \"phone/engine/plan_tables.h\"\n\n"
      "namespace phonebulk::phone::engine::internal {\n\n"
      "const uint64_t kMetadataBytes = ",
      bytes, "ull;\nconst uint64_t kMetadataFingerprint = ", fingerprint,
      "ull;\n\nconst uint16_t kTransitions[] = {\n");
  for (size_t i = 0; i < transitions_.size(); ++i) {
    absl::StrAppend(&out, transitions_[i], (i % 20 == 19) ? ",\n" : ",");
  }
  absl::StrAppend(&out, "\n};\n\nconst Plan kPlans[] = {\n");
  for (const PlanText& plan : plans_) {
    absl::StrAppend(&out, "  ", plan.initializer, ",\n");
  }
  absl::StrAppend(&out, "};\nconst uint32_t kPlanCount = ", plans_.size(),
                  "u;\n\nconst uint16_t kCallingCodePlans[] = {");
  for (int plan : calling_code_plans_) absl::StrAppend(&out, plan, ",");
  absl::StrAppend(&out,
                  "};\n\nconst CallingCodeSlot kCallingCodes"
                  "[kCallingCodeLimit] = {\n");
  for (size_t code = 0; code < slots_.size(); ++code) {
    absl::StrAppend(&out, "{", slots_[code].first, ",", slots_[code].second,
                    "},", (code % 10 == 9) ? "\n" : "");
  }
  absl::StrAppend(&out,
                  "};\n\n}  // namespace phonebulk::phone::engine::internal\n"
                  "// NOLINTEND\n");
  return out;
}

std::string Compiler::Summary() const {
  return absl::StrCat(plans_.size(), " plans, ", patterns_, " patterns, ",
                      by_canonical_.size(), " distinct automata, ",
                      transitions_.size() / 10, " states, ",
                      transitions_.size() * sizeof(uint16_t),
                      " bytes of transitions");
}

int Main(int argc, char** argv) {
  std::string out_path;
  std::string parse_out_path;  // the parser's tables (compile_parse.h)
  std::string format_out_path;  // compile_format.cc's tables
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
      out_path = argv[++i];
    } else if (std::strcmp(argv[i], "--parse-out") == 0 && i + 1 < argc) {
      parse_out_path = argv[++i];
    }
    if (std::strcmp(argv[i], "--format-out") == 0 && i + 1 < argc) {
      format_out_path = argv[++i];
    }
  }
  if (out_path.empty()) {
    std::cerr << "usage: metadata_compiler --out FILE.cc "
                 "[--parse-out FILE.cc] [--format-out FILE.cc]\n";
    return 2;
  }
  const auto* bytes = static_cast<const unsigned char*>(
      i18n::phonenumbers::metadata_get());
  const int size = i18n::phonenumbers::metadata_size();
  PhoneMetadataCollection collection;
  if (size <= 0 || !collection.ParseFromArray(bytes, size)) {
    std::cerr << "metadata_compiler: libphonenumber's embedded metadata "
                 "does not parse\n";
    return 1;
  }
  Compiler compiler;
  if (absl::Status status = compiler.Run(collection); !status.ok()) {
    std::cerr << "metadata_compiler: " << status.message() << "\n";
    return 1;
  }
  // Written to a temporary name and renamed, so an interrupted run never
  // leaves a truncated file that looks up to date.
  const std::string tmp = out_path + ".tmp";
  {
    std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
    file << compiler.Emit(static_cast<uint64_t>(size), Fnv1a(bytes, size));
    if (!file.good()) {
      std::cerr << "metadata_compiler: cannot write " << tmp << "\n";
      return 1;
    }
  }
  if (std::rename(tmp.c_str(), out_path.c_str()) != 0) {
    std::cerr << "metadata_compiler: cannot rename to " << out_path << "\n";
    return 1;
  }
  std::cout << "metadata_compiler: " << compiler.Summary() << "\n";
  if (!parse_out_path.empty()) {
    std::string summary;
    absl::Status status =
        WriteParseTables(collection, parse_out_path, &summary);
    if (!status.ok()) {
      std::cerr << "metadata_compiler: " << status.message() << "\n";
      return 1;
    }
    std::cout << "metadata_compiler: " << summary << "\n";
  }
  if (!format_out_path.empty()) {
    return WriteFormatTables(collection, format_out_path);
  }
  return 0;
}

}  // namespace
}  // namespace phonebulk::phone::engine

int main(int argc, char** argv) {
  return phonebulk::phone::engine::Main(argc, argv);
}
