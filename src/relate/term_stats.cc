// Copyright storyline authors.
//
// TermStats: background document frequencies (compiled-in table) plus the
// corpus at hand, and the term hash they share with ArticleFeatures.
#include <algorithm>
#include <atomic>
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
    if (!uniq.empty() && uniq.back().first == p.first) {
      uniq.back().second = std::max(uniq.back().second, p.second);
    } else {
      uniq.push_back(p);
    }
  }
  t.df = std::move(uniq);
  return t;
}

const BackgroundTable& EmbeddedBackground() {
  static const BackgroundTable table = ParseBackgroundTable(EmbeddedBackgroundBytes());
  return table;
}

}  // namespace relate_internal

namespace {
// Slot of `key` in a table of mask + 1 slots (keys are hashes: their high bits,
// mixed once more, spread well).
inline size_t SlotOf(uint64_t key, size_t mask) {
  return static_cast<size_t>((key * 0x9e3779b97f4a7c15ULL) >> 32) & mask;
}
}  // namespace

// The background table and an open-addressing index of its counts (built once,
// shared by every TermStats: the lookup is one probe sequence, not a binary search).
struct TermStats::Table {
  const relate_internal::BackgroundTable* t = nullptr;
  std::vector<std::pair<uint64_t, uint32_t>> slots;  // key 0: empty
  size_t mask = 0;
  uint32_t zero = 0;  // the count of key 0

  uint32_t Get(uint64_t key) const {
    if (key == 0) return zero;
    for (size_t h = SlotOf(key, mask);; h = (h + 1) & mask) {
      const auto& e = slots[h];
      if (e.first == key) return e.second;
      if (e.first == 0) return 0;
    }
  }
};

namespace {
std::atomic<uint64_t> next_version{1};  // 0: never a version (an empty cache entry)
uint64_t NewVersion() { return next_version.fetch_add(1, std::memory_order_relaxed); }

// Idf's recent answers, per thread (no locks: readers may run on many threads):
// direct-mapped by term, each entry valid for one version of one TermStats.
struct IdfCacheEntry {
  uint64_t version;
  uint64_t term;
  double idf;
};
constexpr size_t kIdfCacheSlots = 1024;
thread_local IdfCacheEntry idf_cache[kIdfCacheSlots];  // zero: empty
}  // namespace

TermStats::TermStats(const TermStats& o)
    : background_(o.background_),
      corpus_(o.corpus_),
      lang_corpus_(o.lang_corpus_),
      lang_docs_(o.lang_docs_),
      added_(o.added_),
      version_(NewVersion()) {}

TermStats::TermStats(TermStats&& o) noexcept
    : background_(std::move(o.background_)),
      corpus_(std::move(o.corpus_)),
      lang_corpus_(std::move(o.lang_corpus_)),
      lang_docs_(std::move(o.lang_docs_)),
      added_(o.added_),
      version_(NewVersion()) {
  o.version_ = NewVersion();
}

TermStats& TermStats::operator=(const TermStats& o) {
  if (this == &o) return *this;
  background_ = o.background_;
  corpus_ = o.corpus_;
  lang_corpus_ = o.lang_corpus_;
  lang_docs_ = o.lang_docs_;
  added_ = o.added_;
  version_ = NewVersion();
  return *this;
}

TermStats& TermStats::operator=(TermStats&& o) noexcept {
  if (this == &o) return *this;
  background_ = std::move(o.background_);
  corpus_ = std::move(o.corpus_);
  lang_corpus_ = std::move(o.lang_corpus_);
  lang_docs_ = std::move(o.lang_docs_);
  added_ = o.added_;
  version_ = NewVersion();
  o.version_ = NewVersion();
  return *this;
}

TermStats::TermStats(bool use_background) : version_(NewVersion()) {
  if (use_background) {
    static const std::shared_ptr<const Table> shared = [] {
      auto tab = std::make_shared<Table>();
      tab->t = &relate_internal::EmbeddedBackground();
      size_t cap = 16;
      while (cap < 2 * tab->t->df.size()) cap *= 2;
      tab->slots.assign(cap, {0, 0});
      tab->mask = cap - 1;
      for (const auto& [k, c] : tab->t->df) {  // unique keys
        if (k == 0) {
          tab->zero = c;
          continue;
        }
        size_t h = SlotOf(k, tab->mask);
        while (tab->slots[h].first != 0) h = (h + 1) & tab->mask;
        tab->slots[h] = {k, c};
      }
      return std::shared_ptr<const Table>(std::move(tab));
    }();
    background_ = shared;
  }
}

uint32_t TermStats::CountTable::Get(uint64_t key) const {
  if (key == 0) return zero_;
  if (slots_.empty()) return 0;
  const size_t mask = slots_.size() - 1;
  for (size_t h = SlotOf(key, mask);; h = (h + 1) & mask) {
    const auto& e = slots_[h];
    if (e.first == key) return e.second;
    if (e.first == 0) return 0;
  }
}

uint32_t* TermStats::CountTable::Slot(uint64_t key) {
  if (key == 0) return &zero_;
  if (2 * (used_ + 1) > slots_.size()) Grow();  // at most half full
  const size_t mask = slots_.size() - 1;
  size_t h = SlotOf(key, mask);
  while (slots_[h].first != 0 && slots_[h].first != key) h = (h + 1) & mask;
  if (slots_[h].first == 0) {
    slots_[h].first = key;
    ++used_;
  }
  return &slots_[h].second;
}

void TermStats::CountTable::Increment(uint64_t key) { ++*Slot(key); }

void TermStats::CountTable::Set(uint64_t key, uint32_t count) { *Slot(key) = count; }

std::vector<std::pair<uint64_t, uint32_t>> TermStats::CountTable::Sorted() const {
  std::vector<std::pair<uint64_t, uint32_t>> out;
  out.reserve(used_ + 1);
  if (zero_ != 0) out.emplace_back(0, zero_);
  for (const auto& e : slots_) {
    if (e.first != 0) out.push_back(e);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void TermStats::CountTable::Grow() {
  std::vector<std::pair<uint64_t, uint32_t>> old;
  old.swap(slots_);
  slots_.assign(old.empty() ? 64 : 2 * old.size(), {0, 0});
  const size_t mask = slots_.size() - 1;
  for (const auto& e : old) {
    if (e.first == 0) continue;
    size_t h = SlotOf(e.first, mask);
    while (slots_[h].first != 0) h = (h + 1) & mask;
    slots_[h] = e;
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
  for (const TermCount& tc : doc.terms) corpus_.Increment(tc.term);
  for (const TermCount& tc : doc.char_grams) corpus_.Increment(tc.term);
  if (!IsEnglish(doc.lang)) {
    ++lang_docs_[doc.lang];
    for (const TermCount& tc : doc.terms) lang_corpus_.Increment(LangKey(doc.lang, tc.term));
    for (const TermCount& tc : doc.char_grams) lang_corpus_.Increment(LangKey(doc.lang, tc.term));
  }
  for (uint64_t k : doc.name_keys) {
    // name tokens already counted as terms are not counted twice
    if (!std::binary_search(
            doc.terms.begin(), doc.terms.end(), TermCount{k, 0},
            [](const TermCount& a, const TermCount& b) { return a.term < b.term; })) {
      corpus_.Increment(k);
    }
  }
  ++added_;
  version_ = NewVersion();
}

TermStats::Counts TermStats::ExportCounts() const {
  Counts c;
  c.added = added_;
  c.corpus = corpus_.Sorted();
  c.lang_corpus = lang_corpus_.Sorted();
  c.lang_docs.assign(lang_docs_.begin(), lang_docs_.end());
  std::sort(c.lang_docs.begin(), c.lang_docs.end());
  return c;
}

void TermStats::ImportCounts(const Counts& c) {
  corpus_ = CountTable();
  lang_corpus_ = CountTable();
  for (const auto& [k, n] : c.corpus) corpus_.Set(k, n);
  for (const auto& [k, n] : c.lang_corpus) lang_corpus_.Set(k, n);
  lang_docs_.clear();
  for (const auto& [lang, n] : c.lang_docs) lang_docs_[lang] = n;
  added_ = c.added;
  version_ = NewVersion();
}

size_t TermStats::HeapBytes() const {
  size_t b = corpus_.HeapBytes() + lang_corpus_.HeapBytes();
  for (const auto& [lang, n] : lang_docs_) {
    b += 64 + (lang.size() > 15 ? lang.capacity() : 0);  // a node
  }
  return b;
}

uint64_t TermStats::documents() const {
  return added_ + (background_ ? background_->t->documents : 0);
}

size_t TermStats::background_terms() const { return background_ ? background_->t->df.size() : 0; }

double TermStats::Idf(uint64_t term) const {
  IdfCacheEntry& e =
      idf_cache[static_cast<size_t>((term * 0x9e3779b97f4a7c15ULL) >> 54) % kIdfCacheSlots];
  if (e.version == version_ && e.term == term) return e.idf;
  double n = static_cast<double>(documents());
  double df = 0;
  if (background_) df += background_->Get(term);
  df += corpus_.Get(term);
  const double idf = std::log((n + 1.0) / (df + 1.0)) + 1.0;
  e = {version_, term, idf};
  return idf;
}

bool TermStats::LanguageDf(uint64_t term, std::string_view lang, double* n, double* df) const {
  if (IsEnglish(lang)) return false;
  auto it = lang_docs_.find(std::string(lang));
  if (it == lang_docs_.end() || it->second < kMinLanguageDocs) return false;
  *n = static_cast<double>(it->second);
  *df = lang_corpus_.Get(LangKey(lang, term));
  return true;
}

double TermStats::Idf(uint64_t term, std::string_view lang) const {
  if (IsEnglish(lang)) return Idf(term);
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
