// Copyright storyline authors.
//
// TermStats: background document frequencies (compiled-in table) plus the
// corpus at hand, and the term hash they share with ArticleFeatures.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <mutex>

#include "core/hash.h"
#include "relate/relate_internal.h"
#include "storyline/relate.h"

namespace storyline {

namespace {
constexpr uint64_t kTermSeed = 0x7465'726d'7331'0001ULL;  // "terms1"
}  // namespace

uint64_t TermHash(std::string_view stem) { return Hash64(stem, kTermSeed); }

namespace relate_internal {

BackgroundTable ParseBackgroundTable(std::string_view tsv) {
  BackgroundTable t;
  size_t pos = 0;
  while (pos < tsv.size()) {
    size_t e = tsv.find('\n', pos);
    if (e == std::string_view::npos) e = tsv.size();
    std::string_view line = tsv.substr(pos, e - pos);
    pos = e + 1;
    if (line.empty()) continue;
    size_t tab = line.rfind('\t');
    if (tab == std::string_view::npos) continue;
    std::string_view key = line.substr(0, tab), num = line.substr(tab + 1);
    uint64_t v = 0;
    auto r = std::from_chars(num.data(), num.data() + num.size(), v);
    if (r.ec != std::errc()) continue;
    if (key == "#docs") {
      t.documents = v;
      continue;
    }
    if (!key.empty() && key[0] == '#') continue;
    t.df.emplace_back(TermHash(key), static_cast<uint32_t>(v));
  }
  std::sort(t.df.begin(), t.df.end());
  // Keep one entry per hash (a collision keeps the larger count).
  std::vector<std::pair<uint64_t, uint32_t>> uniq;
  for (const auto& p : t.df) {
    if (!uniq.empty() && uniq.back().first == p.first)
      uniq.back().second = std::max(uniq.back().second, p.second);
    else
      uniq.push_back(p);
  }
  t.df = std::move(uniq);
  return t;
}

const BackgroundTable& EmbeddedBackground() {
  static const BackgroundTable table = ParseBackgroundTable(EmbeddedBackgroundBytes());
  return table;
}

}  // namespace relate_internal

struct TermStats::Table {
  const relate_internal::BackgroundTable* t = nullptr;
};

TermStats::TermStats(bool use_background) {
  if (use_background) {
    auto tab = std::make_shared<Table>();
    tab->t = &relate_internal::EmbeddedBackground();
    background_ = std::move(tab);
  }
}

namespace {
constexpr uint64_t kMinLanguageDocs = 20;
bool IsEnglish(std::string_view lang) { return lang.empty() || lang == "en"; }
uint64_t LangKey(std::string_view lang, uint64_t term) {
  return relate_internal::Mix(Hash64(lang, 0x6c61'6e67ULL), term);
}
}  // namespace

void TermStats::Add(const ArticleFeatures& doc) {
  for (const TermCount& tc : doc.terms) ++corpus_[tc.term];
  for (const TermCount& tc : doc.char_grams) ++corpus_[tc.term];
  if (!IsEnglish(doc.lang)) {
    ++lang_docs_[doc.lang];
    for (const TermCount& tc : doc.terms) ++lang_corpus_[LangKey(doc.lang, tc.term)];
    for (const TermCount& tc : doc.char_grams) ++lang_corpus_[LangKey(doc.lang, tc.term)];
  }
  for (uint64_t k : doc.name_keys) {
    // name tokens already counted as terms are not counted twice
    if (!std::binary_search(doc.terms.begin(), doc.terms.end(), TermCount{k, 0},
                            [](const TermCount& a, const TermCount& b) { return a.term < b.term; }))
      ++corpus_[k];
  }
  ++added_;
}

uint64_t TermStats::documents() const {
  return added_ + (background_ ? background_->t->documents : 0);
}

size_t TermStats::background_terms() const { return background_ ? background_->t->df.size() : 0; }

double TermStats::Idf(uint64_t term) const {
  double n = static_cast<double>(documents());
  double df = 0;
  if (background_) {
    const auto& v = background_->t->df;
    auto it = std::lower_bound(v.begin(), v.end(), std::make_pair(term, uint32_t{0}));
    if (it != v.end() && it->first == term) df += it->second;
  }
  auto it = corpus_.find(term);
  if (it != corpus_.end()) df += it->second;
  return std::log((n + 1.0) / (df + 1.0)) + 1.0;
}

bool TermStats::LanguageDf(uint64_t term, std::string_view lang, double* n, double* df) const {
  if (IsEnglish(lang)) return false;
  auto it = lang_docs_.find(std::string(lang));
  if (it == lang_docs_.end() || it->second < kMinLanguageDocs) return false;
  *n = static_cast<double>(it->second);
  auto jt = lang_corpus_.find(LangKey(lang, term));
  *df = jt == lang_corpus_.end() ? 0 : jt->second;
  return true;
}

double TermStats::Idf(uint64_t term, std::string_view lang) const {
  double n, df;
  if (!LanguageDf(term, lang, &n, &df)) return Idf(term);
  // The probabilistic (BM25) IDF, floored at 0: a word in half of the
  // language's documents or more weighs nothing. The languages that reach this
  // branch mostly have no stop-word list (Arabic, Polish, Turkish), so their
  // function words are recognised here; with the smoothed form (+1) they kept a
  // weight of 1 and, repeated, dominated the cosine of unrelated texts.
  return std::max(0.0, std::log((n - df + 0.5) / (df + 0.5)));
}

double TermStats::SmoothIdf(uint64_t term, std::string_view lang) const {
  double n, df;
  if (!LanguageDf(term, lang, &n, &df)) return Idf(term);
  return std::log((n + 1.0) / (df + 1.0)) + 1.0;
}

}  // namespace storyline
