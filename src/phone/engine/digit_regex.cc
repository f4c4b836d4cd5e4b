#include "phone/engine/digit_regex.h"

#include <algorithm>
#include <deque>
#include <map>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace phonebulk::phone::engine {
namespace {

constexpr uint16_t kAllDigits = 0x3FF;
// Bounds on the intermediate automata, so that a pathological pattern fails
// the build with a message instead of exhausting memory.
constexpr size_t kMaxNfaStates = 200'000;
constexpr size_t kMaxDfaStates = 32'767;  // 15 bits in the generated tables
constexpr int kMaxNesting = 64;

// The parsed pattern. Epsilon is a concatenation of nothing.
struct Node {
  enum Kind { kSet, kConcat, kAlt, kRepeat } kind = kConcat;
  uint16_t set = 0;           // kSet: bit d for digit d
  std::vector<int> children;  // kConcat, kAlt; kRepeat has one
  int min = 0;                // kRepeat
  int max = 0;                // kRepeat; -1: unbounded
};

Node MakeNode(Node::Kind kind) {
  Node node;
  node.kind = kind;
  return node;
}
Node SetNode(uint16_t set) {
  Node node = MakeNode(Node::kSet);
  node.set = set;
  return node;
}

// Recursive descent over the grammar
//   alt    := concat ('|' concat)*
//   concat := repeat*
//   repeat := atom quantifier*
//   atom   := digit | '\d' | class | '(' ['?:'] alt ')'
// Every refusal names the position, so a failing build points at the
// metadata pattern to look at.
class Parser {
 public:
  explicit Parser(std::string_view pattern) : p_(pattern) {}

  absl::StatusOr<int> ParseAll() {
    int root = ParseAlt(0);
    if (error_.ok() && pos_ != p_.size()) Fail("unexpected ')'");
    if (!error_.ok()) return error_;
    return root;
  }
  std::vector<Node>& nodes() { return nodes_; }

 private:
  int Add(Node node) {
    nodes_.push_back(std::move(node));
    return static_cast<int>(nodes_.size()) - 1;
  }
  void Fail(std::string_view what) {
    if (!error_.ok()) return;
    error_ = absl::InvalidArgumentError(
        absl::StrCat("unsupported regex syntax at offset ", pos_, " (", std::string(what),
                     ") in pattern \"", std::string(p_), "\""));
  }
  bool AtEnd() const { return pos_ >= p_.size(); }
  char Peek() const { return p_[pos_]; }

  int ParseAlt(int depth) {
    if (depth > kMaxNesting) {
      Fail("groups nested too deeply");
      return -1;
    }
    Node alt = MakeNode(Node::kAlt);
    alt.children.push_back(ParseConcat(depth));
    while (error_.ok() && !AtEnd() && Peek() == '|') {
      ++pos_;
      alt.children.push_back(ParseConcat(depth));
    }
    if (alt.children.size() == 1) return alt.children[0];
    return Add(std::move(alt));
  }

  int ParseConcat(int depth) {
    Node concat = MakeNode(Node::kConcat);
    while (error_.ok() && !AtEnd() && Peek() != '|' && Peek() != ')') {
      int atom = ParseAtom(depth);
      while (error_.ok() && !AtEnd()) {
        int repeated = ParseQuantifier(atom);
        if (repeated == atom) break;
        atom = repeated;
      }
      concat.children.push_back(atom);
    }
    return Add(std::move(concat));
  }

  int ParseAtom(int depth) {
    char c = Peek();
    if (c >= '0' && c <= '9') {
      ++pos_;
      return Add(SetNode(uint16_t(1u << (c - '0'))));
    }
    if (c == '\\') {
      if (pos_ + 1 < p_.size() && p_[pos_ + 1] == 'd') {
        pos_ += 2;
        return Add(SetNode(kAllDigits));
      }
      Fail("escape other than \\d");
      return -1;
    }
    if (c == '[') return ParseClass();
    if (c == '(') {
      ++pos_;
      if (!AtEnd() && Peek() == '?') {
        if (pos_ + 1 < p_.size() && p_[pos_ + 1] == ':') {
          pos_ += 2;
        } else {
          Fail("(? form other than (?:");
          return -1;
        }
      }
      int inner = ParseAlt(depth + 1);
      if (!error_.ok()) return -1;
      if (AtEnd() || Peek() != ')') {
        Fail("missing ')'");
        return -1;
      }
      ++pos_;
      return inner;
    }
    Fail(std::string("character '") + c + "'");
    return -1;
  }

  int ParseClass() {
    ++pos_;  // '['
    if (!AtEnd() && Peek() == '^') {
      Fail("negated class");
      return -1;
    }
    uint16_t set = 0;
    bool empty = true;
    while (error_.ok() && !AtEnd() && Peek() != ']') {
      char c = Peek();
      if (c == '\\' && pos_ + 1 < p_.size() && p_[pos_ + 1] == 'd') {
        set |= kAllDigits;
        pos_ += 2;
      } else if (c >= '0' && c <= '9') {
        ++pos_;
        char hi = c;
        if (pos_ + 1 < p_.size() && Peek() == '-' && p_[pos_ + 1] != ']') {
          hi = p_[pos_ + 1];
          if (hi < '0' || hi > '9' || hi < c) {
            Fail("bad range in class");
            return -1;
          }
          pos_ += 2;
        }
        for (char d = c; d <= hi; ++d) set |= uint16_t(1u << (d - '0'));
      } else {
        Fail(std::string("character '") + c + "' in class");
        return -1;
      }
      empty = false;
    }
    if (AtEnd()) {
      Fail("missing ']'");
      return -1;
    }
    if (empty) {
      Fail("empty class");
      return -1;
    }
    ++pos_;  // ']'
    return Add(SetNode(set));
  }

  // Wraps `atom` in the quantifier at pos_, or returns `atom` when there is
  // none.
  int ParseQuantifier(int atom) {
    int min = 0, max = 0;
    char c = Peek();
    if (c == '?') {
      min = 0, max = 1, ++pos_;
    } else if (c == '*') {
      min = 0, max = -1, ++pos_;
    } else if (c == '+') {
      min = 1, max = -1, ++pos_;
    } else if (c == '{') {
      ++pos_;
      min = ParseNumber();
      max = min;
      if (error_.ok() && !AtEnd() && Peek() == ',') {
        ++pos_;
        max = (!AtEnd() && Peek() == '}') ? -1 : ParseNumber();
      }
      if (error_.ok() && (AtEnd() || Peek() != '}')) Fail("missing '}'");
      if (error_.ok() && max != -1 && max < min) Fail("{n,m} with m < n");
      if (!error_.ok()) return -1;
      ++pos_;
    } else {
      return atom;
    }
    // A quantifier directly after another is ICU's lazy (?) or possessive
    // (+) form; they do not change a full match's language, but we promised
    // to refuse what we do not model.
    if (!AtEnd() && (Peek() == '?' || Peek() == '+')) {
      Fail("lazy or possessive quantifier");
      return -1;
    }
    Node repeat = MakeNode(Node::kRepeat);
    repeat.min = min;
    repeat.max = max;
    repeat.children.push_back(atom);
    return Add(std::move(repeat));
  }

  int ParseNumber() {
    int value = 0;
    size_t start = pos_;
    while (!AtEnd() && Peek() >= '0' && Peek() <= '9' && value <= kMaxRepeat) {
      value = value * 10 + (Peek() - '0');
      ++pos_;
    }
    if (pos_ == start) Fail("missing number in {}");
    if (value > kMaxRepeat) Fail("repeat bound over kMaxRepeat");
    return value;
  }

  std::string_view p_;
  size_t pos_ = 0;
  absl::Status error_;
  std::vector<Node> nodes_;
};

// Thompson NFA: a state either consumes one digit of `mask` to `target`, or
// has only epsilon moves.
struct NfaState {
  uint16_t mask = 0;
  int target = -1;
  std::vector<int> eps;
};

class NfaBuilder {
 public:
  explicit NfaBuilder(const std::vector<Node>& nodes) : nodes_(nodes) {}

  // {entry, exit} of `node`'s fragment; false when the NFA grows too large.
  bool Build(int node, std::pair<int, int>* frag) {
    if (states_.size() > kMaxNfaStates) return false;
    const Node& n = nodes_[node];
    switch (n.kind) {
      case Node::kSet: {
        int in = New(), out = New();
        states_[in].mask = n.set;
        states_[in].target = out;
        *frag = {in, out};
        return true;
      }
      case Node::kConcat: {
        int in = New(), cur = in;
        for (int child : n.children) {
          std::pair<int, int> f;
          if (!Build(child, &f)) return false;
          states_[cur].eps.push_back(f.first);
          cur = f.second;
        }
        *frag = {in, cur};
        return true;
      }
      case Node::kAlt: {
        int in = New(), out = New();
        for (int child : n.children) {
          std::pair<int, int> f;
          if (!Build(child, &f)) return false;
          states_[in].eps.push_back(f.first);
          states_[f.second].eps.push_back(out);
        }
        *frag = {in, out};
        return true;
      }
      case Node::kRepeat:
        return BuildRepeat(n, frag);
    }
    return false;
  }

  std::vector<NfaState>& states() { return states_; }

 private:
  int New() {
    states_.emplace_back();
    return static_cast<int>(states_.size()) - 1;
  }

  // min mandatory copies, then either a starred copy (unbounded) or
  // max - min optional ones; each copy is rebuilt from the tree.
  bool BuildRepeat(const Node& n, std::pair<int, int>* frag) {
    int in = New(), cur = in;
    std::pair<int, int> f;
    for (int i = 0; i < n.min; ++i) {
      if (!Build(n.children[0], &f)) return false;
      states_[cur].eps.push_back(f.first);
      cur = f.second;
    }
    if (n.max == -1) {
      int hub = New();
      states_[cur].eps.push_back(hub);
      if (!Build(n.children[0], &f)) return false;
      states_[hub].eps.push_back(f.first);
      states_[f.second].eps.push_back(hub);
      cur = hub;
    } else {
      for (int i = n.min; i < n.max; ++i) {
        if (!Build(n.children[0], &f)) return false;
        int next = New();
        states_[cur].eps.push_back(f.first);
        states_[cur].eps.push_back(next);
        states_[f.second].eps.push_back(next);
        cur = next;
      }
    }
    *frag = {in, cur};
    return true;
  }

  const std::vector<Node>& nodes_;
  std::vector<NfaState> states_;
};

using StateSet = std::vector<int>;  // sorted NFA state numbers

void Closure(const std::vector<NfaState>& nfa, StateSet* set) {
  std::vector<char> seen(nfa.size(), 0);
  std::vector<int> stack(set->begin(), set->end());
  for (int s : stack) seen[s] = 1;
  set->clear();
  while (!stack.empty()) {
    int s = stack.back();
    stack.pop_back();
    set->push_back(s);
    for (int e : nfa[s].eps) {
      if (!seen[e]) seen[e] = 1, stack.push_back(e);
    }
  }
  std::sort(set->begin(), set->end());
}

// Subset construction. The empty set becomes an ordinary (dead) state.
// False when the DFA would exceed kMaxNfaStates states.
bool Determinize(const std::vector<NfaState>& nfa, int entry, int exit,
                 DigitDfa* out) {
  DigitDfa& dfa = *out;
  std::map<StateSet, uint16_t> ids;
  std::vector<StateSet> sets;
  StateSet first = {entry};
  Closure(nfa, &first);
  ids.emplace(first, 0);
  sets.push_back(first);
  for (size_t i = 0; i < sets.size(); ++i) {
    if (sets.size() > kMaxNfaStates) return false;
    std::array<uint16_t, 10> row{};
    for (int d = 0; d < 10; ++d) {
      StateSet next;
      for (int s : sets[i]) {
        if (nfa[s].mask & (1u << d)) next.push_back(nfa[s].target);
      }
      Closure(nfa, &next);
      auto [it, inserted] = ids.emplace(next, uint16_t(sets.size()));
      if (inserted) sets.push_back(std::move(next));
      row[d] = it->second;
    }
    dfa.next.push_back(row);
    dfa.accepting.push_back(
        std::binary_search(sets[i].begin(), sets[i].end(), exit));
  }
  dfa.start = 0;
  return true;
}

// Moore's partition refinement, then canonical renumbering (dead state 0,
// the rest breadth-first from the start state).
DigitDfa Minimize(const DigitDfa& dfa) {
  const size_t n = dfa.next.size();
  std::vector<int> cls(n);
  for (size_t s = 0; s < n; ++s) cls[s] = dfa.accepting[s] ? 1 : 0;
  size_t count = 0;
  while (true) {
    std::map<std::array<int, 11>, int> sig_ids;
    std::vector<int> next_cls(n);
    for (size_t s = 0; s < n; ++s) {
      std::array<int, 11> sig;
      sig[0] = cls[s];
      for (int d = 0; d < 10; ++d) sig[d + 1] = cls[dfa.next[s][d]];
      next_cls[s] = sig_ids.emplace(sig, int(sig_ids.size())).first->second;
    }
    cls.swap(next_cls);
    if (sig_ids.size() == count) break;
    count = sig_ids.size();
  }
  // One representative per class; find which classes can reach acceptance.
  std::vector<int> rep(count, -1);
  for (size_t s = 0; s < n; ++s) {
    if (rep[cls[s]] < 0) rep[cls[s]] = int(s);
  }
  std::vector<char> live(count, 0);
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t c = 0; c < count; ++c) {
      if (live[c]) continue;
      const int s = rep[c];
      bool l = dfa.accepting[s];
      for (int d = 0; d < 10 && !l; ++d) l = live[cls[dfa.next[s][d]]];
      if (l) live[c] = 1, changed = true;
    }
  }
  // Breadth-first renumbering; every dead class maps to 0 (there is at most
  // one after minimisation).
  std::vector<int> id(count, -1);
  for (size_t c = 0; c < count; ++c) {
    if (!live[c]) id[c] = 0;
  }
  DigitDfa out;
  out.next.push_back({});  // the dead state: all zeros, rejecting
  out.accepting.push_back(false);
  std::deque<int> queue;
  const int start_cls = cls[dfa.start];
  if (live[start_cls]) {
    id[start_cls] = 1;
    queue.push_back(start_cls);
    out.next.push_back({});
    out.accepting.push_back(false);
  }
  while (!queue.empty()) {
    const int c = queue.front();
    queue.pop_front();
    const int s = rep[c];
    std::array<uint16_t, 10> row{};
    for (int d = 0; d < 10; ++d) {
      const int t = cls[dfa.next[s][d]];
      if (id[t] < 0) {
        id[t] = int(out.next.size());
        out.next.push_back({});
        out.accepting.push_back(false);
        queue.push_back(t);
      }
      row[d] = uint16_t(id[t]);
    }
    out.next[id[c]] = row;
    out.accepting[id[c]] = dfa.accepting[s];
  }
  out.start = live[start_cls] ? 1 : 0;
  return out;
}

}  // namespace

absl::StatusOr<DigitDfa> CompileDigitRegex(std::string_view pattern) {
  Parser parser(pattern);
  absl::StatusOr<int> root = parser.ParseAll();
  if (!root.ok()) return root.status();
  NfaBuilder builder(parser.nodes());
  std::pair<int, int> frag;
  if (!builder.Build(*root, &frag)) {
    return absl::InvalidArgumentError(
        absl::StrCat("pattern too large (NFA) \"", std::string(pattern), "\""));
  }
  DigitDfa raw;
  if (!Determinize(builder.states(), frag.first, frag.second, &raw)) {
    return absl::InvalidArgumentError(
        absl::StrCat("pattern too large (DFA) \"", std::string(pattern), "\""));
  }
  DigitDfa minimal = Minimize(raw);
  if (minimal.next.size() > kMaxDfaStates) {
    return absl::InvalidArgumentError(absl::StrCat(
        "pattern needs ", minimal.next.size(), " states, over ",
        kMaxDfaStates, ": \"", std::string(pattern), "\""));
  }
  return minimal;
}

DigitDfa EmptyLanguageDfa() {
  DigitDfa dfa;
  dfa.next.push_back({});
  dfa.accepting.push_back(false);
  dfa.start = 0;
  return dfa;
}

bool FullMatch(const DigitDfa& dfa, std::string_view digits) {
  uint16_t s = dfa.start;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    s = dfa.next[s][c - '0'];
  }
  return dfa.accepting[s];
}

bool PrefixMatch(const DigitDfa& dfa, std::string_view digits) {
  uint16_t s = dfa.start;
  if (dfa.accepting[s]) return true;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    s = dfa.next[s][c - '0'];
    if (s == 0) return false;
    if (dfa.accepting[s]) return true;
  }
  return false;
}

}  // namespace phonebulk::phone::engine
