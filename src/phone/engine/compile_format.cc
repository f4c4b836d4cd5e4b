// Build-time compilation of libphonenumber's number formats (format.h,
// docs/engine.md "Formatting").
//
// libphonenumber formats a national significant number (NSN) by picking the
// first NumberFormat whose last leading_digits_pattern prefix-matches the
// NSN (ICU lookingAt) and whose pattern fully matches it, then running
// ICU's replaceAll of that pattern over the NSN with the format template
// ("$1 $2"), for NATIONAL after the national_prefix_formatting_rule has
// replaced the first "$n" of the template. Here the two patterns become
// digit automata (digit_regex.h), and the replacement becomes a fixed list
// of capture-group spans plus a template of literal bytes and group
// references, so the run time needs no regex.
//
// A span list is emitted only when the split is provably the one ICU's
// backtracking matcher finds: the pattern is a concatenation of
// single-character atoms (a digit, \d or a class of digits) with greedy
// quantifiers, grouped by non-nested capture groups, and at most one atom
// has a variable count. Then every match has the fixed atoms' lengths;
// the greedy variable atom tries counts from the largest down, and every
// count larger than the one the full match needs runs out of input, so the
// first match found at offset 0 (which replaceAll's first find() returns)
// is the whole NSN with the variable atom at that count; its boundaries are
// fixed offsets from the start before the variable atom and from the end
// after it. Since a pattern of minimum length > 0 cannot match again at
// the end, replaceAll makes exactly that one replacement. Anything else
// (alternation, nested or quantified groups, two variable atoms, escapes in
// a template) is marked out of scope for the rules it affects, and counted.

#include "phone/engine/compile_format.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "phone/engine/digit_regex.h"
#include "phone/engine/format_tables.h"

namespace phonebulk::phone::engine {
namespace {

using i18n::phonenumbers::NumberFormat;
using i18n::phonenumbers::PhoneMetadata;
using i18n::phonenumbers::PhoneMetadataCollection;

constexpr char kUnknownRegion[] = "ZZ";
// ICU's replacement syntax allows up to the pattern's group count; bytes
// kGroupRefBase + 0..9 encode them, so ten groups at most.
constexpr int kMaxGroups = 9;

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// A C string literal for arbitrary bytes: printable ASCII as is, the rest
// as three-digit octal escapes (never ambiguous with a following digit).
std::string CLiteral(std::string_view bytes) {
  std::string out = "\"";
  for (char c : bytes) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7F && c != '"' && c != '\\' && c != '?') {
      out.push_back(c);
    } else {
      absl::StrAppend(&out, "\\", (u >> 6) & 7, (u >> 3) & 7, u & 7);
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace

namespace compile_format_internal {
namespace {

// One atom of a pattern: how many characters it matches.
struct Atom {
  int min;
  int max;  // -1: unbounded
};

// Reads a quantifier at pattern[*i] (none: exactly once). False for a lazy
// or possessive one, which the split proof does not cover.
bool ReadQuantifier(std::string_view p, size_t* i, Atom* atom) {
  *atom = {1, 1};
  if (*i < p.size()) {
    const char q = p[*i];
    if (q == '?' || q == '*' || q == '+') {
      *atom = {q == '+' ? 1 : 0, q == '?' ? 1 : -1};
      ++*i;
    } else if (q == '{') {
      const size_t close = p.find('}', *i);
      if (close == std::string_view::npos) return false;
      const std::string_view body = p.substr(*i + 1, close - *i - 1);
      const size_t comma = body.find(',');
      auto number = [](std::string_view s, int* out) {
        if (s.empty() || s.size() > 3) return false;
        *out = 0;
        for (char c : s) {
          if (!IsAsciiDigit(c)) return false;
          *out = *out * 10 + (c - '0');
        }
        return true;
      };
      if (comma == std::string_view::npos) {
        if (!number(body, &atom->min)) return false;
        atom->max = atom->min;
      } else {
        if (!number(body.substr(0, comma), &atom->min)) return false;
        if (comma + 1 == body.size()) {
          atom->max = -1;
        } else if (!number(body.substr(comma + 1), &atom->max) ||
                   atom->max < atom->min) {
          return false;
        }
      }
      *i = close + 1;
    }
  }
  // A second quantifier character makes it lazy or possessive.
  return *i >= p.size() ||
         (p[*i] != '?' && p[*i] != '+' && p[*i] != '*' && p[*i] != '{');
}

// Reads one single-character atom at pattern[*i]: a digit, \d or a class
// of digits, ranges and \d.
bool ReadAtom(std::string_view p, size_t* i) {
  if (IsAsciiDigit(p[*i])) {
    ++*i;
    return true;
  }
  if (p.substr(*i, 2) == "\\d") {
    *i += 2;
    return true;
  }
  if (p[*i] != '[') return false;
  size_t j = *i + 1;
  if (j < p.size() && p[j] == '^') return false;
  for (; j < p.size() && p[j] != ']'; ++j) {
    if (p.substr(j, 2) == "\\d") {
      ++j;
    } else if (!IsAsciiDigit(p[j]) && p[j] != '-') {
      return false;
    }
  }
  if (j >= p.size() || j == *i + 1) return false;
  *i = j + 1;
  return true;
}

}  // namespace

// The capture-group spans of `pattern` when the split is provably unique
// (file comment); nullopt otherwise.
std::optional<std::vector<internal::GroupSpan>> ParseSplit(std::string_view p) {
  std::vector<Atom> atoms;
  std::vector<std::pair<size_t, size_t>> groups;  // atom index range
  bool in_group = false;
  for (size_t i = 0; i < p.size();) {
    if (p[i] == '(') {
      if (in_group || p.substr(i, 2) == "(?") return std::nullopt;
      in_group = true;
      groups.push_back({atoms.size(), 0});
      ++i;
    } else if (p[i] == ')') {
      if (!in_group) return std::nullopt;
      in_group = false;
      groups.back().second = atoms.size();
      ++i;
      // A quantified group would capture its last repetition only.
      if (i < p.size() &&
          (p[i] == '?' || p[i] == '*' || p[i] == '+' || p[i] == '{')) {
        return std::nullopt;
      }
    } else {
      Atom atom;
      if (!ReadAtom(p, &i) || !ReadQuantifier(p, &i, &atom)) {
        return std::nullopt;
      }
      atoms.push_back(atom);
    }
  }
  if (in_group || groups.size() > kMaxGroups) return std::nullopt;
  int variable = -1;
  int min_total = 0;
  for (size_t a = 0; a < atoms.size(); ++a) {
    min_total += atoms[a].min;
    if (atoms[a].min != atoms[a].max) {
      if (variable >= 0) return std::nullopt;  // two variable atoms
      variable = static_cast<int>(a);
    }
  }
  // An empty match would let replaceAll match once more at the end.
  if (min_total == 0) return std::nullopt;
  // The offset of the boundary before atom k: from the start up to the
  // variable atom, from the end after it.
  auto boundary = [&](size_t k) -> std::optional<int8_t> {
    int sum = 0;
    if (variable >= 0 && static_cast<int>(k) > variable) {
      for (size_t a = k; a < atoms.size(); ++a) sum += atoms[a].min;
      if (sum > 126) return std::nullopt;
      return static_cast<int8_t>(-1 - sum);
    }
    for (size_t a = 0; a < k; ++a) sum += atoms[a].min;
    if (sum > 127) return std::nullopt;
    return static_cast<int8_t>(sum);
  };
  std::vector<internal::GroupSpan> spans;
  for (const auto& [first, last] : groups) {
    std::optional<int8_t> begin = boundary(first);
    std::optional<int8_t> end = boundary(last);
    if (!begin || !end) return std::nullopt;
    spans.push_back({*begin, *end});
  }
  return spans;
}

// ICU RegexMatcher::appendReplacement's reading of `replacement` for a
// pattern of `group_count` groups: "$" and the longest run of digits that
// names an existing group is a reference, anything else is literal. nullopt
// where ICU would fail (and libphonenumber keep the NSN unformatted) and for
// what is not reproduced here: backslash escapes, "${name}", non-ASCII.
std::optional<std::string> ParseTemplate(std::string_view replacement,
                                         int group_count) {
  std::string out;
  for (size_t i = 0; i < replacement.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(replacement[i]);
    if (c == '\\' || c < 0x20 || c >= 0x7F) return std::nullopt;
    if (c != '$') {
      out.push_back(static_cast<char>(c));
      continue;
    }
    int group = 0;
    int digits = 0;
    while (i + 1 < replacement.size() && IsAsciiDigit(replacement[i + 1])) {
      const int next = group * 10 + (replacement[i + 1] - '0');
      if (next > group_count) break;
      group = next;
      ++digits;
      ++i;
    }
    if (digits == 0) return std::nullopt;
    out.push_back(static_cast<char>(internal::kGroupRefBase + group));
  }
  return out;
}

// The template NATIONAL formats with: libphonenumber replaces the first
// "$<digit>" of `format` (its first_group_capturing_pattern "(\$\d)",
// replaceFirst) by the national prefix formatting rule, read as an ICU
// replacement for that one-group pattern. When ICU fails, Replace leaves
// the template unchanged, as here. nullopt for what is not reproduced
// (backslashes, "${", non-ASCII).
std::optional<std::string> ApplyNationalPrefixRule(std::string_view format,
                                                   std::string_view rule) {
  for (char c : format) {
    if (static_cast<unsigned char>(c) >= 0x7F) return std::nullopt;
  }
  size_t at = 0;
  while (at + 1 < format.size() &&
         !(format[at] == '$' && IsAsciiDigit(format[at + 1]))) {
    ++at;
  }
  if (at + 1 >= format.size()) return std::string(format);  // no match
  const std::string_view match = format.substr(at, 2);
  std::string expanded;
  for (size_t i = 0; i < rule.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(rule[i]);
    if (c == '\\' || c >= 0x7F) return std::nullopt;
    if (c != '$') {
      expanded.push_back(static_cast<char>(c));
      continue;
    }
    if (i + 1 < rule.size() && rule[i + 1] == '{') return std::nullopt;
    // ICU takes the longest run of digits naming a group (0 or 1 here, both
    // the "$<digit>" matched); "$2".."$9" and a bare "$" are errors.
    int group = 0;
    int digits = 0;
    while (i + 1 < rule.size() && IsAsciiDigit(rule[i + 1]) &&
           group * 10 + (rule[i + 1] - '0') <= 1) {
      group = group * 10 + (rule[i + 1] - '0');
      ++digits;
      ++i;
    }
    if (digits == 0) return std::string(format);
    expanded.append(match);
  }
  std::string out(format.substr(0, at));
  out.append(expanded);
  out.append(format.substr(at + 2));
  return out;
}

// libphonenumber's single_international_prefix "[\d]+(?:[~⁓∼～][\d]+)?",
// full match. nullopt when the text holds non-ASCII bytes other than one
// of those tildes: ICU's \d would read Unicode digits, not reproduced here.
std::optional<bool> IsSingleInternationalPrefix(std::string_view s) {
  static constexpr std::string_view kTildes[] = {
      "~", "\xE2\x81\x93", "\xE2\x88\xBC", "\xEF\xBD\x9E"};
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < s.size() && IsAsciiDigit(s[i])) ++i;
    return i > start;
  };
  bool single = false;
  if (digits()) {
    if (i == s.size()) {
      single = true;
    } else {
      for (std::string_view tilde : kTildes) {
        if (s.substr(i, tilde.size()) == tilde) {
          i += tilde.size();
          single = digits() && i == s.size();
          break;
        }
      }
    }
  }
  if (single) return true;
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return std::nullopt;
  }
  return false;
}

}  // namespace compile_format_internal

namespace {

using compile_format_internal::ApplyNationalPrefixRule;
using compile_format_internal::IsSingleInternationalPrefix;
using compile_format_internal::ParseSplit;
using compile_format_internal::ParseTemplate;

class FormatCompiler {
 public:
  absl::Status Run(const PhoneMetadataCollection& collection);
  std::string Emit() const;
  std::string Summary() const;

 private:
  // A Dfa initializer for `pattern`, sharing identical automata; nullopt
  // when the pattern is outside digit_regex's subset.
  std::optional<std::string> DfaFor(const std::string& pattern);
  // Appends the rules of one NumberFormat list; returns the first index.
  int AddRules(const google::protobuf::RepeatedPtrField<NumberFormat>& list,
               bool national_list);

  std::vector<uint16_t> transitions_;
  std::map<std::string, std::string> by_canonical_;
  std::vector<std::string> rules_;
  std::vector<std::string> spans_;
  std::vector<std::string> plans_;
  int national_rules_ = 0;
  int intl_rules_ = 0;
  int out_of_scope_rules_ = 0;
  int unknown_prefixes_ = 0;
};

std::optional<std::string> FormatCompiler::DfaFor(const std::string& pattern) {
  absl::StatusOr<DigitDfa> compiled = CompileDigitRegex(pattern);
  if (!compiled.ok()) return std::nullopt;
  const DigitDfa& dfa = *compiled;
  std::string key(reinterpret_cast<const char*>(&dfa.start), sizeof(dfa.start));
  for (size_t s = 0; s < dfa.next.size(); ++s) {
    key.push_back(dfa.accepting[s] ? 1 : 0);
    key.append(reinterpret_cast<const char*>(dfa.next[s].data()),
               sizeof(uint16_t) * 10);
  }
  auto found = by_canonical_.find(key);
  if (found != by_canonical_.end()) return found->second;
  const size_t offset = transitions_.size();
  auto with_accept = [&dfa](uint16_t row) {
    return uint16_t(row | (dfa.accepting[row] ? internal::kAcceptBit : 0));
  };
  for (const auto& row : dfa.next) {
    for (uint16_t next : row) transitions_.push_back(with_accept(next));
  }
  std::string init =
      absl::StrCat("{", offset, "u, ", with_accept(dfa.start), "}");
  by_canonical_.emplace(std::move(key), init);
  return init;
}

int FormatCompiler::AddRules(
    const google::protobuf::RepeatedPtrField<NumberFormat>& list,
    bool national_list) {
  const int first = static_cast<int>(rules_.size());
  for (const NumberFormat& f : list) {
    std::optional<std::string> leading = std::string("{0u, 0}");
    const int leading_count = f.leading_digits_pattern_size();
    if (leading_count > 0) {
      // libphonenumber uses the last, most detailed pattern only.
      leading = DfaFor(f.leading_digits_pattern(leading_count - 1));
    }
    std::optional<std::string> pattern = DfaFor(f.pattern());
    const bool selectable = leading && pattern;
    std::optional<std::vector<internal::GroupSpan>> spans =
        ParseSplit(f.pattern());
    const int groups = spans ? static_cast<int>(spans->size()) : 0;
    std::optional<std::string> intl;
    std::optional<std::string> national;
    if (spans) {
      intl = ParseTemplate(f.format(), groups);
      national = intl;
      if (national_list && !f.national_prefix_formatting_rule().empty()) {
        std::optional<std::string> rule = ApplyNationalPrefixRule(
            f.format(), f.national_prefix_formatting_rule());
        national = rule ? ParseTemplate(*rule, groups) : std::nullopt;
      }
    }
    if (!selectable || !spans || !intl || (national_list && !national)) {
      ++out_of_scope_rules_;
    }
    (national_list ? national_rules_ : intl_rules_)++;
    auto tmpl = [](const std::optional<std::string>& t) {
      if (!t) return std::string("{nullptr, -1}");
      return absl::StrCat("{", CLiteral(*t), ", ", t->size(), "}");
    };
    auto flag = [](bool b) { return b ? "true" : "false"; };
    rules_.push_back(absl::StrCat(
        "{", leading.value_or("{0u, 0}"), ", ", pattern.value_or("{0u, 0}"),
        ", ", flag(leading_count > 0), ", ", flag(selectable), ", ",
        flag(spans.has_value()), ", ", groups, ", ", spans_.size(), ", ",
        tmpl(intl), ", ", tmpl(national), "}"));
    if (spans) {
      for (const internal::GroupSpan& s : *spans) {
        spans_.push_back(absl::StrCat("{", s.begin, ", ", s.end, "}"));
      }
    }
  }
  return first;
}

absl::Status FormatCompiler::Run(const PhoneMetadataCollection& collection) {
  // The order of kPlans (metadata_compiler.cc): region code, then calling
  // code, stable; "ZZ" is not a plan.
  std::vector<const PhoneMetadata*> plans;
  for (const PhoneMetadata& m : collection.metadata()) {
    if (m.id() != kUnknownRegion) plans.push_back(&m);
  }
  std::stable_sort(plans.begin(), plans.end(),
                   [](const PhoneMetadata* a, const PhoneMetadata* b) {
                     return a->id() != b->id()
                                ? a->id() < b->id()
                                : a->country_code() < b->country_code();
                   });
  for (const PhoneMetadata* m : plans) {
    if (m->id().size() > 3) {
      return absl::InvalidArgumentError(
          absl::StrCat("region \"", m->id(), "\" does not fit the tables"));
    }
    const int national_first = AddRules(m->number_format(), true);
    const int intl_first = AddRules(m->intl_number_format(), false);
    std::string prefix;
    bool known = true;
    if (m->has_preferred_international_prefix()) {
      prefix = m->preferred_international_prefix();
    } else {
      std::optional<bool> single =
          IsSingleInternationalPrefix(m->international_prefix());
      known = single.has_value();
      if (single.value_or(false)) prefix = m->international_prefix();
    }
    if (!known) ++unknown_prefixes_;
    if (rules_.size() > 0xFFFF || spans_.size() > 0xFFFF) {
      return absl::InvalidArgumentError("over 65,535 format rules or spans");
    }
    plans_.push_back(absl::StrCat(
        "{\"", m->id(), "\", ", m->country_code(), ", ", national_first, ", ",
        m->number_format_size(), ", ", intl_first, ", ",
        m->intl_number_format_size(), ", ",
        prefix.empty() ? "nullptr" : CLiteral(prefix), ", ",
        known ? "true" : "false", ", ",
        m->has_preferred_extn_prefix() ? CLiteral(m->preferred_extn_prefix())
                                       : "nullptr",
        "}"));
  }
  return absl::OkStatus();
}

std::string FormatCompiler::Emit() const {
  std::string out =
      "// Generated by phonebulk's metadata_compiler (compile_format.cc) from\n"
      "// the metadata embedded in the libphonenumber the build links.\n"
      "// Do not edit.\n// NOLINTBEGIN\n"
      "#include \"phone/engine/format_tables.h\"\n\n"
      "namespace phonebulk::phone::engine::internal {\n\n"
      "const uint16_t kFormatTransitions[] = {\n";
  for (size_t i = 0; i < transitions_.size(); ++i) {
    absl::StrAppend(&out, transitions_[i], (i % 20 == 19) ? ",\n" : ",");
  }
  // The trailing 0 (and sentinels below) keep every array non-empty.
  absl::StrAppend(&out, "0\n};\n\nconst GroupSpan kGroupSpans[] = {\n");
  for (const std::string& s : spans_) absl::StrAppend(&out, s, ",");
  absl::StrAppend(&out, "{0, 0}};\n\nconst FormatRule kFormatRules[] = {\n");
  for (const std::string& r : rules_) absl::StrAppend(&out, "  ", r, ",\n");
  absl::StrAppend(&out, "  {}};\n\nconst FormatPlan kFormatPlans[] = {\n");
  for (const std::string& p : plans_) absl::StrAppend(&out, "  ", p, ",\n");
  absl::StrAppend(&out, "};\nconst uint32_t kFormatPlanCount = ", plans_.size(),
                  "u;\n\n}  // namespace phonebulk::phone::engine::internal\n"
                  "// NOLINTEND\n");
  return out;
}

std::string FormatCompiler::Summary() const {
  return absl::StrCat(national_rules_, " number formats + ", intl_rules_,
                      " intl formats, ", out_of_scope_rules_, " out of scope, ",
                      by_canonical_.size(), " distinct automata, ",
                      transitions_.size() / 10, " states; ", unknown_prefixes_,
                      " unclassified international prefixes");
}

}  // namespace

absl::StatusOr<std::string> CompileFormatTables(
    const PhoneMetadataCollection& collection, std::string* summary) {
  FormatCompiler compiler;
  if (absl::Status status = compiler.Run(collection); !status.ok()) {
    return status;
  }
  *summary = compiler.Summary();
  return compiler.Emit();
}

int WriteFormatTables(const PhoneMetadataCollection& collection,
                      const std::string& path) {
  std::string summary;
  absl::StatusOr<std::string> text = CompileFormatTables(collection, &summary);
  if (!text.ok()) {
    std::cerr << "metadata_compiler: formats: " << text.status().message()
              << "\n";
    return 1;
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
    file << *text;
    if (!file.good()) {
      std::cerr << "metadata_compiler: cannot write " << tmp << "\n";
      return 1;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::cerr << "metadata_compiler: cannot rename to " << path << "\n";
    return 1;
  }
  std::cout << "metadata_compiler: formats: " << summary << "\n";
  return 0;
}

}  // namespace phonebulk::phone::engine
