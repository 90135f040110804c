// Copyright storyline authors.
//
// Recurring formats (results tables, dividend notices, market reports): units of
// a text and their skeletons, what the feed has learned of them, and the
// analysis of an article without its skeleton.
#include <algorithm>
#include <cctype>
#include <string>
#include <unordered_set>

#include "core/hash.h"
#include "story/engine_impl.h"
#include "story/story_internal.h"
#include "storyline/text.h"

namespace storyline::story_internal {

namespace {

constexpr uint64_t kNumberWord = 0x6a09e667f3bcc909ULL;  // a word with a digit
constexpr uint64_t kUnitSalt = 0x3c6ef372fe94f82bULL;
constexpr uint64_t kTitleSalt = 0xa54ff53a5f1d36f1ULL;
constexpr uint64_t kTitleWordSalt = 0x510e527fade682d1ULL;

uint64_t Mix(uint64_t h, uint64_t k) {
  h ^= k + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdULL;
}

// A figure: a word with a digit, or an English number word ("three cts").
bool HasDigit(std::string_view w) {
  static const std::unordered_set<std::string_view> kNumberWords = {
      "one",       "two",      "three",    "four",    "five",     "six",      "seven",   "eight",
      "nine",      "ten",      "eleven",   "twelve",  "thirteen", "fourteen", "fifteen", "sixteen",
      "seventeen", "eighteen", "nineteen", "twenty",  "thirty",   "forty",    "fifty",   "sixty",
      "seventy",   "eighty",   "ninety",   "hundred", "thousand"};
  return std::any_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
         (w.size() >= 3 && w.size() <= 9 && kNumberWords.contains(w));
}

// Whether a unit ends between two words whose gap is `gap`, `next` the byte after
// it: at a paragraph or table row (a newline followed by an indent or a blank
// line), or at . ! ? before a word that is not lower case.
bool UnitEnds(std::string_view gap, unsigned char next) {
  const size_t nl = gap.find('\n');
  if (nl != std::string_view::npos &&
      gap.find_first_of(" \t\n", nl + 1) != std::string_view::npos) {
    return true;
  }
  return gap.find_first_of(".!?") != std::string_view::npos && !std::islower(next);
}

}  // namespace

void TemplateUnits(StoryDoc* d) {
  const ArticleFeatures& f = d->f;
  const size_t n = f.tokens.size();
  uint64_t h = kUnitSalt, x = kUnitSalt;
  size_t start = 0;
  for (size_t i = 0; i < n; ++i) {
    const auto [b, e] = f.token_spans[i];
    const std::string_view w = std::string_view(f.text).substr(b, e - b);
    h = Mix(h, HasDigit(w) ? kNumberWord : f.tokens[i]);
    x = Mix(x, f.tokens[i]);
    bool end = i + 1 == n;
    if (!end) {
      const uint32_t nb = f.token_spans[i + 1].first;
      end = UnitEnds(std::string_view(f.text).substr(e, nb - e),
                     static_cast<unsigned char>(f.text[nb]));
    }
    if (!end) continue;
    d->units.push_back({h, x, f.token_spans[start].first, e, static_cast<uint32_t>(i + 1 - start)});
    h = x = kUnitSalt;
    start = i + 1;
  }
  Words tw;
  Tokenize(d->meta.title, &tw);
  uint64_t th = kTitleSalt;
  for (size_t i = 0; i < tw.size(); ++i) {
    const std::string_view w = tw.word(i);
    const uint64_t k = HasDigit(w) ? kNumberWord : Hash64(w, kTitleWordSalt);
    d->title_words.push_back(k ^ kTitleWordSalt);
    d->title_spans.emplace_back(tw.span(i).src_begin, tw.span(i).src_end);
    th = Mix(th, k);
  }
  d->title_key = tw.size() > 0 ? th : 0;
}

std::shared_ptr<const StoryDoc> MaskedEvidence(const StoryDoc& d, const TemplateMask& mask) {
  Article a = d.meta;
  for (const auto& [b, e] : mask.spans) {
    for (uint32_t i = b; i < e && i < a.text.size(); ++i) {
      if (a.text[i] != '\n') a.text[i] = ' ';
    }
  }
  if (mask.title_masked) a.title = mask.title;
  a.lang = d.f.lang;
  auto ev = std::make_shared<StoryDoc>(AnalyzeForStory(a, false));
  ev->f.content_hash = d.f.content_hash;
  ev->date = d.date;
  ev->units.clear();
  if (mask.title_masked) {
    ev->slot_words = engine_internal::NameTokens(mask.title);
    std::sort(ev->slot_words.begin(), ev->slot_words.end());
    ev->slot_words.erase(std::unique(ev->slot_words.begin(), ev->slot_words.end()),
                         ev->slot_words.end());
    std::vector<uint64_t> merged;
    std::set_union(ev->name_words.begin(), ev->name_words.end(), ev->slot_words.begin(),
                   ev->slot_words.end(), std::back_inserter(merged));
    ev->name_words = std::move(merged);
  }
  return ev;
}

uint32_t TemplateModel::Count(uint64_t key) const {
  auto it = counts_.find(key);
  return it == counts_.end() ? 0 : it->second;
}

TemplateMask TemplateModel::Find(const StoryDoc& d) const {
  TemplateMask mask;
  size_t total = 0, in_template = 0;
  bool figures = false;  // a template unit whose figures vary: a format, not a copy
  for (const TemplateUnit& u : d.units) {
    total += u.words;
    if (Count(u.key) < kTemplateArticles) continue;
    in_template += u.words;
    figures |= u.exact != u.key;
    mask.spans.emplace_back(u.begin, u.end);
  }
  // Written to a format: most of its units, or half of its words, are template
  // (a results table with a long note below it is still a results table).
  const bool mostly = mask.spans.size() >= 2 && 2 * mask.spans.size() > d.units.size();
  const bool formatted =
      figures && total > 0 &&
      (mostly || static_cast<double>(in_template) >= kTemplateShare * static_cast<double>(total));
  if (!formatted) mask.spans.clear();
  if (d.title_key != 0 && Count(d.title_key) >= kTemplateArticles) {
    mask.title_masked = true;  // the whole title recurs: no slot words
  } else if (formatted && !d.title_words.empty()) {
    const double floor =
        std::max<double>(kTemplateArticles, kTitleWordShare * static_cast<double>(formatted_));
    std::string kept;
    for (size_t i = 0; i < d.title_words.size(); ++i) {
      if (Count(d.title_words[i]) >= floor) {
        mask.title_masked = true;
        continue;
      }
      const auto [b, e] = d.title_spans[i];
      if (!kept.empty()) kept += ' ';
      kept.append(d.meta.title, b, e - b);
    }
    mask.title = std::move(kept);
  }
  if (!mask.title_masked) mask.title.clear();
  return mask;
}

void TemplateModel::Learn(const StoryDoc& d, const TemplateMask& mask) {
  std::vector<uint64_t> keys;
  keys.reserve(d.units.size() + d.title_words.size() + 1);
  for (const TemplateUnit& u : d.units) {
    if (u.exact != u.key) {  // with figures
      uint64_t& last = last_[u.key];
      if (last == u.exact) continue;  // the same figures as the last time: a copy
      last = u.exact;
    }
    keys.push_back(u.key);
  }
  if (d.title_key != 0) keys.push_back(d.title_key);
  // Title words are counted among articles written to a format: their titles'
  // recurring words are the format's ("3rd qtr net"), the rest its slots.
  if (!mask.spans.empty()) {
    ++formatted_;
    keys.insert(keys.end(), d.title_words.begin(), d.title_words.end());
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  for (uint64_t k : keys) ++counts_[k];
  if (counts_.size() > kTemplateKeys || last_.size() > kTemplateKeys) Prune();
}

void TemplateModel::Prune() {
  for (uint32_t floor = 1; counts_.size() > kTemplateKeys / 2; ++floor) {
    std::erase_if(counts_, [floor](const auto& e) { return e.second <= floor; });
  }
  std::erase_if(last_, [this](const auto& e) { return !counts_.contains(e.first); });
}

std::vector<TemplateModel::Entry> TemplateModel::Export() const {
  std::vector<Entry> out;
  out.reserve(counts_.size());
  for (const auto& [k, c] : counts_) {
    auto it = last_.find(k);
    out.push_back({k, c, it == last_.end() ? 0 : it->second});
  }
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.key < b.key; });
  return out;
}

void TemplateModel::Import(const std::vector<Entry>& entries, uint64_t formatted) {
  counts_.clear();
  last_.clear();
  for (const Entry& e : entries) {
    counts_[e.key] = e.count;
    if (e.last != 0) last_[e.key] = e.last;
  }
  formatted_ = formatted;
}

size_t TemplateModel::HeapBytes() const {
  return (counts_.bucket_count() + last_.bucket_count()) * sizeof(void*) +
         counts_.size() * (sizeof(std::pair<uint64_t, uint32_t>) + 2 * sizeof(void*)) +
         last_.size() * (sizeof(std::pair<uint64_t, uint64_t>) + 2 * sizeof(void*));
}

}  // namespace storyline::story_internal
