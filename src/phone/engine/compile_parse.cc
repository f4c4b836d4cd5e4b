// Build-time compilation of the parsing metadata (compile_parse.h).

#include "phone/engine/compile_parse.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "phone/engine/digit_regex.h"
#include "phone/engine/plan_tables.h"
#include "unicode/regex.h"
#include "unicode/unistr.h"

namespace phonebulk::phone::engine {
namespace {

using i18n::phonenumbers::PhoneMetadata;
using i18n::phonenumbers::PhoneMetadataCollection;

// Splits `pattern` at its top-level '|' (outside groups and classes).
// Returns false when the pattern is not well nested enough to split; the
// regex compiler then refuses it anyway.
bool SplitAlternatives(std::string_view pattern,
                       std::vector<std::string>* alternatives) {
  int depth = 0;
  bool in_class = false;
  std::string current;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      current.push_back(c);
      current.push_back(pattern[++i]);
      continue;
    }
    if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (--depth < 0) return false;
    } else if (c == '|' && depth == 0) {
      alternatives->push_back(std::move(current));
      current.clear();
      continue;
    }
    current.push_back(c);
  }
  if (depth != 0 || in_class) return false;
  alternatives->push_back(std::move(current));
  return true;
}

// True when `alternative` opens a capturing group: a '(' outside a class,
// not escaped, not followed by '?'.
bool HasCapturingGroup(std::string_view alternative) {
  bool in_class = false;
  for (size_t i = 0; i < alternative.size(); ++i) {
    const char c = alternative[i];
    if (c == '\\') {
      ++i;
    } else if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
    } else if (c == '(' &&
               (i + 1 == alternative.size() || alternative[i + 1] != '?')) {
      return true;
    }
  }
  return false;
}

// Decision tries (parse_tables.h, DecisionNode) are built only for
// patterns whose matches are at most this long and this many prefixes.
constexpr int kMaxTrieDepth = 24;
constexpr size_t kMaxTrieNodes = 20000;

// ICU's answer on one digit string, as libphonenumber's
// MaybeStripNationalPrefixAndCarrierCode uses it.
struct Decision {
  int length = -1;          // -1: lookingAt() fails
  bool transform = false;   // the transform rule applies ...
  std::string replacement;  // ... and puts this in place of the match
};

// Runs `re` the way libphonenumber's ICU adapter does (RegExp::Consume:
// lookingAt() from 0; RegExp::Replace: find(), appendReplacement(),
// appendTail()) on `digits`. False when ICU fails.
bool Decide(const icu::RegexPattern& re, const std::string& rule,
            const std::string& digits, Decision* out) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString input = icu::UnicodeString::fromUTF8(digits);
  std::unique_ptr<icu::RegexMatcher> m(re.matcher(input, status));
  if (U_FAILURE(status)) return false;
  if (!m->lookingAt(0, status)) return U_SUCCESS(status);
  out->length = m->end(status);
  if (rule.empty()) return U_SUCCESS(status);
  // Consume(&carrier, &captured) needs two groups, Consume(&captured) one;
  // with fewer, both fail and the prefix is just stripped.
  const int groups = m->groupCount();
  icu::UnicodeString captured;
  if (groups >= 1) captured = m->group(groups >= 2 ? 2 : 1, status);
  if (U_FAILURE(status) || captured.isEmpty()) return U_SUCCESS(status);
  std::unique_ptr<icu::RegexMatcher> r(re.matcher(input, status));
  if (U_FAILURE(status) || !r->find()) return false;
  icu::UnicodeString replaced;
  r->appendReplacement(replaced, icu::UnicodeString::fromUTF8(rule), status);
  r->appendTail(replaced);
  std::string text;
  replaced.toUTF8String(text);
  // find() from 0 finds lookingAt()'s match, so the text is the
  // replacement followed by the digits after the match.
  const std::string tail = digits.substr(out->length);
  if (U_FAILURE(status) || text.size() < tail.size() ||
      text.compare(text.size() - tail.size(), tail.size(), tail) != 0) {
    return false;
  }
  out->transform = true;
  out->replacement = text.substr(0, text.size() - tail.size());
  return out->replacement.size() < 0xFF &&
         out->replacement.find_first_not_of("0123456789") == std::string::npos;
}

class ParseCompiler {
 public:
  // The initializer of a PrefixPattern for `pattern` (nullptr: absent),
  // applied with `rule` as national_prefix_transform_rule ("" for none).
  std::string PatternFor(const std::string* pattern,
                         const std::string& rule = "");
  std::string Emit(const std::vector<std::string>& plan_inits) const;
  int unsupported() const { return unsupported_; }
  int tries() const { return tries_; }
  int at_end_transforms() const { return at_end_transforms_; }
  size_t trie_nodes() const { return nodes_.size(); }
  int compiled() const { return compiled_; }
  size_t states() const { return transitions_.size() / 10; }

 private:
  // The Dfa initializer of `pattern` in kParseTransitions, shared between
  // equal automata; an error when the pattern does not compile.
  absl::StatusOr<std::string> DfaFor(const std::string& pattern);
  std::string DfaInit(const DigitDfa& dfa);
  // The "offset, length" initializer part of PrefixPattern's at-end
  // transform ("0u, 255" when there is none or it cannot be shown).
  std::string AtEndTransformFor(const std::string& pattern,
                                const std::string& rule,
                                const std::string& at_end_alternative);
  // The "trie, nodes" initializer part for `pattern` ("0u, 0u" without).
  std::string TrieFor(const std::string& pattern, const std::string& rule,
                      const std::string& anywhere);

  std::vector<std::string> nodes_;  // DecisionNode initializers
  std::string transform_digits_;
  std::map<std::string, std::string> trie_by_key_;
  int tries_ = 0;
  int at_end_transforms_ = 0;

  std::vector<uint16_t> transitions_;
  std::map<std::string, std::string> by_pattern_;
  int unsupported_ = 0;
  int compiled_ = 0;
};

std::string ParseCompiler::DfaInit(const DigitDfa& dfa) {
  const uint32_t offset = static_cast<uint32_t>(transitions_.size());
  auto with_accept = [&dfa](uint16_t row) {
    return uint16_t(row | (dfa.accepting[row] ? internal::kAcceptBit : 0));
  };
  for (const auto& row : dfa.next) {
    for (uint16_t next : row) transitions_.push_back(with_accept(next));
  }
  return absl::StrCat("{", offset, "u, ", with_accept(dfa.start), "}");
}

absl::StatusOr<std::string> ParseCompiler::DfaFor(const std::string& pattern) {
  auto found = by_pattern_.find(pattern);
  if (found != by_pattern_.end()) return found->second;
  DigitDfa dfa = EmptyLanguageDfa();
  if (pattern != "(?!)") {  // our spelling of "no alternative"
    absl::StatusOr<DigitDfa> compiled = CompileDigitRegex(pattern);
    if (!compiled.ok()) return compiled.status();
    dfa = *std::move(compiled);
  }
  std::string init = DfaInit(dfa);
  by_pattern_.emplace(pattern, init);
  return init;
}

std::string ParseCompiler::TrieFor(const std::string& pattern,
                                   const std::string& rule,
                                   const std::string& anywhere) {
  constexpr char kNoTrie[] = "0u, 0u";
  const std::string key = pattern + '\0' + rule;
  if (auto found = trie_by_key_.find(key); found != trie_by_key_.end()) {
    return found->second;
  }
  std::string& init = trie_by_key_[key] = kNoTrie;
  absl::StatusOr<DigitDfa> dfa = CompileDigitRegex(anywhere);
  UParseError parse_error;
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::RegexPattern> re(icu::RegexPattern::compile(
      icu::UnicodeString::fromUTF8(pattern), 0, parse_error, status));
  if (!dfa.ok() || dfa->start == 0 || U_FAILURE(status)) return init;
  // Breadth first over the prefixes of the matches (the live states of the
  // minimal automaton: every state but the dead one, 0).
  struct Node {
    std::string digits;
    uint16_t state;
    uint16_t child[10] = {};
  };
  std::vector<Node> trie = {{"", dfa->start}};
  for (size_t i = 0; i < trie.size(); ++i) {
    if (trie[i].digits.size() > kMaxTrieDepth) return init;  // not finite
    for (int d = 0; d < 10; ++d) {
      const uint16_t next = dfa->next[trie[i].state][d];
      if (next == 0) continue;
      if (trie.size() >= kMaxTrieNodes) return init;
      trie[i].child[d] = static_cast<uint16_t>(trie.size());
      trie.push_back({trie[i].digits + char('0' + d), next});
    }
  }
  std::vector<std::string> inits;
  std::string digits;
  for (const Node& node : trie) {
    Decision decision;
    if (!Decide(*re, rule, node.digits, &decision)) return init;
    std::string children;
    for (uint16_t c : node.child) absl::StrAppend(&children, c, ",");
    children.pop_back();
    const size_t offset = transform_digits_.size() + digits.size();
    if (decision.transform) digits += decision.replacement;
    if (offset > 0xFFFF) return init;
    inits.push_back(
        absl::StrCat("{{", children, "}, ", decision.length, ", ",
                     decision.transform ? decision.replacement.size() : 0xFF,
                     ", ", decision.transform ? offset : 0, "}"));
  }
  ++tries_;
  init = absl::StrCat(nodes_.size(), "u, ", inits.size(), "u");
  transform_digits_ += digits;
  nodes_.insert(nodes_.end(), inits.begin(), inits.end());
  return init;
}

std::string ParseCompiler::AtEndTransformFor(const std::string& pattern,
                                             const std::string& rule,
                                             const std::string& alternative) {
  constexpr char kNone[] = "0u, 255";
  // The rule is digits then "$1" (so its result is those digits followed
  // by the group), and one capturing group spans the whole alternative,
  // none inside (so the group is the whole input). ICU is asked below all
  // the same.
  const size_t group_ref = rule.find('$');
  if (group_ref == std::string::npos || rule.substr(group_ref) != "$1" ||
      rule.find_first_not_of("0123456789") != group_ref) {
    return kNone;
  }
  if (alternative.size() < 2 || alternative.front() != '(' ||
      alternative[1] == '?' || alternative.back() != ')' ||
      HasCapturingGroup(alternative.substr(1, alternative.size() - 2))) {
    return kNone;
  }
  int depth = 0;
  for (size_t i = 0; i + 1 < alternative.size(); ++i) {
    if (alternative[i] == '\\') {
      ++i;
      continue;
    }
    depth += alternative[i] == '(' ? 1 : alternative[i] == ')' ? -1 : 0;
    if (depth == 0) return kNone;  // the first group closes early
  }
  absl::StatusOr<DigitDfa> dfa = CompileDigitRegex(alternative);
  UParseError parse_error;
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::RegexPattern> re(icu::RegexPattern::compile(
      icu::UnicodeString::fromUTF8(pattern), 0, parse_error, status));
  if (!dfa.ok() || dfa->start == 0 || U_FAILURE(status)) return kNone;
  // ICU on inputs the alternative matches whole (seeded walks of its
  // automaton): each must come out as one prefix followed by the input.
  std::mt19937_64 rng(pattern.size());
  std::string prefix;
  int seen = 0;
  for (int sample = 0; sample < 64; ++sample) {
    std::string digits;
    uint16_t state = dfa->start;
    while (digits.size() < 40 &&
           !(dfa->accepting[state] && (digits.size() > 30 || rng() % 4 == 0))) {
      int d = static_cast<int>(rng() % 10);
      for (int k = 0; k < 10 && dfa->next[state][d] == 0; ++k) d = (d + 1) % 10;
      if (dfa->next[state][d] == 0) break;
      digits.push_back(static_cast<char>('0' + d));
      state = dfa->next[state][d];
    }
    if (!dfa->accepting[state]) continue;
    Decision decision;
    if (!Decide(*re, rule, digits, &decision)) return kNone;
    // Another alternative took it: not this one's sample.
    if (decision.length != static_cast<int>(digits.size())) continue;
    const std::string& r = decision.replacement;
    if (!decision.transform || r.size() < digits.size() ||
        r.compare(r.size() - digits.size(), digits.size(), digits) != 0) {
      return kNone;
    }
    const std::string this_prefix = r.substr(0, r.size() - digits.size());
    if (seen++ > 0 && this_prefix != prefix) return kNone;
    prefix = this_prefix;
  }
  if (seen == 0 || prefix != rule.substr(0, group_ref) ||
      prefix.size() >= 0xFF || transform_digits_.size() > 0xFFFF) {
    return kNone;
  }
  const size_t offset = transform_digits_.size();
  transform_digits_ += prefix;
  ++at_end_transforms_;
  return absl::StrCat(offset, "u, ", prefix.size());
}

std::string ParseCompiler::PatternFor(const std::string* pattern,
                                      const std::string& rule) {
  constexpr char kNone[] =
      "{PrefixPattern::kAbsent, false, {0u, 0}, {0u, 0}, 0u, 0u, 0u, 255}";
  constexpr char kUnsupported[] =
      "{PrefixPattern::kUnsupported, false, {0u, 0}, {0u, 0}, 0u, 0u, 0u, "
      "255}";
  if (pattern == nullptr) return kNone;
  std::vector<std::string> alternatives;
  if (!SplitAlternatives(*pattern, &alternatives)) {
    ++unsupported_;
    return kUnsupported;
  }
  // An alternative ending in an unescaped '$' must end the input.
  std::string anywhere, at_end;
  bool anywhere_captures = false;
  std::vector<std::string> at_end_alternatives;
  for (std::string& alt : alternatives) {
    const bool anchored = !alt.empty() && alt.back() == '$' &&
                          (alt.size() < 2 || alt[alt.size() - 2] != '\\');
    if (anchored) alt.pop_back();
    if (anchored) at_end_alternatives.push_back(alt);
    if (!anchored) anywhere_captures |= HasCapturingGroup(alt);
    std::string& target = anchored ? at_end : anywhere;
    absl::StrAppend(&target, target.empty() ? "" : "|", "(?:", alt, ")");
  }
  absl::StatusOr<std::string> anywhere_dfa =
      DfaFor(anywhere.empty() ? "(?!)" : anywhere);
  absl::StatusOr<std::string> at_end_dfa =
      DfaFor(at_end.empty() ? "(?!)" : at_end);
  if (!anywhere_dfa.ok() || !at_end_dfa.ok()) {
    ++unsupported_;
    return kUnsupported;
  }
  ++compiled_;
  // With `$` alternatives, ICU's answer depends on where the input ends:
  // no trie.
  const std::string trie =
      at_end.empty() ? TrieFor(*pattern, rule, anywhere) : "0u, 0u";
  const std::string at_end_transform =
      at_end_alternatives.size() == 1 && !anywhere_captures
          ? AtEndTransformFor(*pattern, rule, at_end_alternatives[0])
          : "0u, 255";
  return absl::StrCat("{PrefixPattern::kCompiled, ",
                      anywhere_captures ? "true, " : "false, ", *anywhere_dfa,
                      ", ", *at_end_dfa, ", ", trie, ", ", at_end_transform,
                      "}");
}

std::string ParseCompiler::Emit(
    const std::vector<std::string>& plan_inits) const {
  std::string out =
      "// Generated by phonebulk's metadata_compiler (compile_parse.cc) from\n"
      "// the metadata embedded in the libphonenumber the build links.\n"
      "// Do not edit.\n"
      "// NOLINTBEGIN\n"
      "#include \"phone/engine/parse_tables.h\"\n\n"
      "namespace phonebulk::phone::engine::internal {\n\n"
      "const uint16_t kParseTransitions[] = {\n";
  for (size_t i = 0; i < transitions_.size(); ++i) {
    absl::StrAppend(&out, transitions_[i], (i % 20 == 19) ? ",\n" : ",");
  }
  absl::StrAppend(&out, "0};\n\nconst DecisionNode kDecisionNodes[] = {\n");
  for (const std::string& node : nodes_) absl::StrAppend(&out, node, ",\n");
  absl::StrAppend(&out, "{}};\n\nconst char kTransformDigits[] = \"",
                  transform_digits_, "\";\n\n");
  absl::StrAppend(&out, "const ParsePlan kParsePlans[] = {\n");
  for (const std::string& init : plan_inits) {
    absl::StrAppend(&out, "  ", init, ",\n");
  }
  absl::StrAppend(&out,
                  "};\nconst uint32_t kParsePlanCount = ", plan_inits.size(),
                  "u;\n\n}  // namespace phonebulk::phone::engine::internal\n"
                  "// NOLINTEND\n");
  return out;
}

}  // namespace

absl::Status WriteParseTables(const PhoneMetadataCollection& collection,
                              const std::string& path, std::string* summary) {
  // kPlans' order (metadata_compiler.cc): by region code, then calling
  // code, "ZZ" left out.
  std::vector<const PhoneMetadata*> plans;
  for (const PhoneMetadata& m : collection.metadata()) {
    if (m.id() != "ZZ") plans.push_back(&m);
  }
  std::stable_sort(plans.begin(), plans.end(),
                   [](const PhoneMetadata* a, const PhoneMetadata* b) {
                     return a->id() != b->id()
                                ? a->id() < b->id()
                                : a->country_code() < b->country_code();
                   });
  ParseCompiler compiler;
  std::vector<std::string> inits;
  int transform_rules = 0;
  for (const PhoneMetadata* m : plans) {
    // libphonenumber reads an empty string as "no pattern" for the national
    // prefix (MaybeStripNationalPrefixAndCarrierCode returns early); an
    // empty international prefix would match the empty string instead, so
    // it is left to the parser to decline (kUnsupported).
    const std::string* idd = &m->international_prefix();
    std::string idd_init =
        m->international_prefix().empty()
            ? std::string(
                  "{PrefixPattern::"
                  "kUnsupported, false, {0u, 0}, {0u, 0}, 0u, 0u, 0u, 255}")
            : compiler.PatternFor(idd);
    const std::string* npfp = m->national_prefix_for_parsing().empty()
                                  ? nullptr
                                  : &m->national_prefix_for_parsing();
    const bool transform = !m->national_prefix_transform_rule().empty();
    transform_rules += transform;
    inits.push_back(absl::StrCat(
        "{\"", m->id(), "\", ", m->country_code(), ", ", idd_init, ", ",
        compiler.PatternFor(npfp, m->national_prefix_transform_rule()), ", ",
        transform ? "true" : "false", "}"));
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
    file << compiler.Emit(inits);
    if (!file.good()) return absl::InternalError("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::InternalError("cannot rename to " + path);
  }
  *summary = absl::StrCat(
      "parse tables: ", inits.size(), " plans, ", compiler.compiled(),
      " prefix patterns compiled, ", compiler.unsupported(), " declined, ",
      compiler.tries(), " decision tries (", compiler.trie_nodes(), " nodes), ",
      compiler.at_end_transforms(), " $-transforms, ", transform_rules,
      " transform rules, ", compiler.states(), " states");
  return absl::OkStatus();
}

}  // namespace phonebulk::phone::engine
