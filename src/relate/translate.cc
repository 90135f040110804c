// Copyright storyline authors.
//
// Word translations for cross-lingual story similarity: a bilingual dictionary
// read from the system (Debian's trans-de-en, the TU Chemnitz German-English
// dictionary, at /usr/share/trans/de-en), turned into stem -> stems through the
// same tokeniser, stop words and stemmers as the analysis. Optional: without the
// file there are no translations and the cross-lingual score is what it was.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "relate/relate_internal.h"
#include "storyline/relate.h"
#include "storyline/text.h"

namespace storyline::relate_internal {
namespace {

constexpr size_t kMaxTranslations = 6;

// Drops the annotations of a dictionary phrase: {f}, [Am.], (sth.), <...>, and
// abbreviations between slashes (/Gov.; Govt./).
std::string StripAnnotations(std::string_view s) {
  std::string out;
  int depth = 0;
  bool slash = false;
  for (char c : s) {
    if (c == '/') {
      slash = !slash;
    } else if (c == '{' || c == '[' || c == '(' || c == '<') {
      ++depth;
    } else if (c == '}' || c == ']' || c == ')' || c == '>') {
      depth = std::max(0, depth - 1);
    } else if (depth == 0 && !slash) {
      out.push_back(c);
    }
  }
  return out;
}

std::vector<std::string_view> Split(std::string_view s, std::string_view sep) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (true) {
    size_t e = s.find(sep, pos);
    out.push_back(s.substr(pos, e == std::string_view::npos ? std::string_view::npos : e - pos));
    if (e == std::string_view::npos) break;
    pos = e + sep.size();
  }
  return out;
}

Translations Load(const std::string& path, std::string_view from, std::string_view to) {
  Translations t;
  std::ifstream in(path, std::ios::binary);
  if (!in) return t;
  Stemmer sf{std::string(from)}, st{std::string(to)};
  Words w;
  std::string line;
  std::vector<uint64_t> en;
  // German stem -> English stem -> score. A translation scores more when it is
  // listed early in its entry and when the German word heads the entry (is its
  // first synonym): an entry of a word's main sense lists it first; the
  // dictionary's order of entries is alphabetical, not by importance.
  std::unordered_map<uint64_t, std::vector<std::pair<uint64_t, double>>> scores;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t mid = line.find(" :: ");
    if (mid == std::string::npos) continue;
    std::vector<std::string_view> left = Split(std::string_view(line).substr(0, mid), " | ");
    std::vector<std::string_view> right = Split(std::string_view(line).substr(mid + 4), " | ");
    // Only the first part: the head entry (later parts are plurals and phrases).
    if (left.empty() || right.empty()) continue;
    // English side: the stems of the content words of every synonym. An
    // abbreviation list (/Gov.; Govt./) holds "; " too: strip before splitting.
    en.clear();
    std::string right0 = StripAnnotations(right[0]);
    for (std::string_view syn : Split(right0, "; ")) {
      Tokenize(syn, &w);
      for (size_t i = 0; i < w.size(); ++i) {
        std::string_view x = w.word(i);
        if (x.size() < 2 || IsStopword(x, to)) continue;
        uint64_t h = TermHash(st.Stem(x));
        if (std::find(en.begin(), en.end(), h) == en.end()) en.push_back(h);
      }
    }
    if (en.empty()) continue;
    // German side: single-word synonyms only.
    std::string left0 = StripAnnotations(left[0]);
    std::vector<std::string_view> syns = Split(left0, "; ");
    for (size_t k = 0; k < syns.size(); ++k) {
      Tokenize(syns[k], &w);
      if (w.size() != 1 || IsStopword(w.word(0), from)) continue;
      uint64_t h = TermHash(sf.Stem(w.word(0)));
      auto& v = scores[h];
      double head = k == 0 ? 1.0 : 0.5;
      for (size_t j = 0; j < en.size(); ++j) {
        double add = head / (1.0 + j);
        auto it = std::find_if(v.begin(), v.end(), [&](const auto& p) { return p.first == en[j]; });
        if (it == v.end()) {
          v.emplace_back(en[j], add);
        } else {
          it->second += add;
        }
      }
    }
  }
  t.map.reserve(scores.size());
  for (auto& [h, v] : scores) {
    std::stable_sort(v.begin(), v.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    std::vector<uint64_t>& out = t.map[h];
    for (size_t i = 0; i < v.size() && i < kMaxTranslations; ++i) out.push_back(v[i].first);
  }
  t.from = std::string(from);
  t.to = std::string(to);
  return t;
}

}  // namespace

const Translations& GermanEnglish() {
  static const Translations t = [] {
    const char* env = std::getenv("STORYLINE_DICT_DE_EN");
    return Load(env ? env : "/usr/share/trans/de-en", "de", "en");
  }();
  return t;
}

std::vector<TermCount> Translate(const std::vector<TermCount>& terms, const Translations& t) {
  // Each translation gets the word's whole count (not 1/sqrt(k) of it, which
  // would keep a word's share of the norm that of one word: it matched SemEval's
  // de-en labels less well; docs/relations.md).
  std::unordered_map<uint64_t, double> out;
  for (const TermCount& tc : terms) {
    auto it = t.map.find(tc.term);
    if (it == t.map.end()) {
      out[tc.term] += tc.count;  // names and borrowings are often the same word
      continue;
    }
    for (uint64_t e : it->second) out[e] += tc.count;
  }
  std::vector<TermCount> v;
  v.reserve(out.size());
  for (const auto& [k, c] : out) v.push_back({k, static_cast<uint32_t>(std::lround(c))});
  std::sort(v.begin(), v.end(),
            [](const TermCount& a, const TermCount& b) { return a.term < b.term; });
  return v;
}

}  // namespace storyline::relate_internal
