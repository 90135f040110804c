// Copyright storyline authors.
//
// Per-article analysis for the story engine and the sparse vectors it compares:
// relate's features (names, quotes, stems, numbers) plus the date read from the
// text, and the summary sentence ranking.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "core/ascii.h"
#include "story/story_internal.h"

namespace storyline::story_internal {

namespace {

// Lower-cased word keys of names ("Tony Thompson" -> {tony, thompson}), sorted and
// unique; with `key_only`, of the key names (mentioned twice, or in the lead).
std::vector<uint64_t> NameWordKeys(const std::vector<Name>& names, bool key_only) {
  std::vector<uint64_t> out;
  std::string w;
  auto flush = [&] {
    if (w.size() >= 2) out.push_back(TermHash(w));
    w.clear();
  };
  for (const Name& n : names) {
    if (key_only && n.count < 2 && n.first >= 400) continue;
    for (char c : n.text) {
      unsigned char u = static_cast<unsigned char>(c);
      if (u == ' ' || u == '-' || u == '.' || u == '\'' || u == '\n') {
        flush();
      } else {
        w += AsciiLower(c);
      }
    }
    flush();
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

StoryDoc AnalyzeForStory(const Article& a, bool estimate_date) {
  StoryDoc d;
  d.meta = a;
  d.f = AnalyzeArticle(a);
  if (estimate_date) {
    d.date = EstimateDate(a);
    d.reported = EstimateReportedDate(a);
  }
  d.name_words = NameWordKeys(d.f.names, false);
  d.key_name_words = NameWordKeys(d.f.names, true);
  // The lead ends after the 40th content word.
  const ArticleFeatures& f = d.f;
  uint32_t lead_end = 0;
  size_t content = 0;
  for (size_t i = 0; i < f.stems.size(); ++i) {
    if (f.stems[i] && ++content == 40) {
      lead_end = f.token_spans[i].second;
      break;
    }
  }
  if (content < 40) lead_end = static_cast<uint32_t>(f.text.size());
  std::vector<Name> lead_names;
  for (const Name& n : f.names) {
    if (n.first < lead_end) lead_names.push_back(n);
  }
  d.lead_name_words = NameWordKeys(lead_names, false);
  for (size_t i = 0; i < f.tokens.size(); ++i) {
    if (f.stems[i]) continue;
    const auto [b, e] = f.token_spans[i];
    bool digit = false, letter = false;
    for (uint32_t k = b; k < e && k < f.text.size(); ++k) {
      unsigned char c = static_cast<unsigned char>(f.text[k]);
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if (std::isalpha(c) || c >= 0x80) {
        letter = true;
      }
    }
    if (!digit || letter) continue;
    d.numbers.push_back(f.tokens[i]);
    if (b < lead_end) d.lead_numbers.push_back(f.tokens[i]);
  }
  static const TermStats* background = new TermStats(true);  // immutable, never freed
  for (uint64_t k : d.key_name_words) {
    d.key_name_idf.push_back(static_cast<float>(background->Idf(k)));
  }
  for (uint64_t k : d.lead_name_words) {
    d.lead_name_idf.push_back(static_cast<float>(background->Idf(k)));
  }
  for (auto* v : {&d.numbers, &d.lead_numbers}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  d.salient = SalientNameVector(d.f);
  TemplateUnits(&d);
  return d;
}

namespace {

void Normalize(SparseVec* v) {
  double n = 0;
  for (auto& [k, w] : *v) n += static_cast<double>(w) * w;
  if (n <= 0) return;
  float inv = static_cast<float>(1.0 / std::sqrt(n));
  for (auto& [k, w] : *v) w *= inv;
}

}  // namespace

namespace {

std::vector<double>& idf_scratch() {
  thread_local std::vector<double> v;
  return v;
}

SparseVec TermCountVector(const std::vector<TermCount>& terms, const TermStats& stats) {
  SparseVec v;
  v.reserve(terms.size());
  for (const TermCount& t : terms) {
    double w = (1.0 + std::log(static_cast<double>(t.count))) * stats.Idf(t.term);
    v.emplace_back(t.term, static_cast<float>(w));
  }
  Normalize(&v);
  return v;  // terms are sorted by term
}

}  // namespace

SparseVec TermVector(const ArticleFeatures& f, const TermStats& stats) {
  SparseVec v;
  v.reserve(f.terms.size());
  for (const TermCount& t : f.terms) {
    double w = (1.0 + std::log(static_cast<double>(t.count))) * stats.Idf(t.term);
    v.emplace_back(t.term, static_cast<float>(w));
  }
  Normalize(&v);
  return v;  // f.terms is sorted by term
}

SparseVec LeadVector(const ArticleFeatures& f, const TermStats& stats) {
  return TermCountVector(f.lead_terms, stats);
}

void TermAndLeadVectors(const ArticleFeatures& f, const TermStats& stats, SparseVec* tv,
                        SparseVec* lv) {
  tv->clear();
  tv->reserve(f.terms.size());
  std::vector<double>& idf = idf_scratch();
  idf.clear();
  for (const TermCount& t : f.terms) {
    idf.push_back(stats.Idf(t.term));
    tv->emplace_back(
        t.term, static_cast<float>((1.0 + std::log(static_cast<double>(t.count))) * idf.back()));
  }
  Normalize(tv);
  // The lead's terms are mostly the text's (both sorted): their idf is taken once.
  lv->clear();
  lv->reserve(f.lead_terms.size());
  size_t j = 0;
  for (const TermCount& t : f.lead_terms) {
    while (j < f.terms.size() && f.terms[j].term < t.term) ++j;
    const double w = j < f.terms.size() && f.terms[j].term == t.term ? idf[j] : stats.Idf(t.term);
    lv->emplace_back(t.term,
                     static_cast<float>((1.0 + std::log(static_cast<double>(t.count))) * w));
  }
  Normalize(lv);
}

SparseVec NameVector(const ArticleFeatures& f, const TermStats& stats) {
  SparseVec v;
  v.reserve(f.name_keys.size());
  for (uint64_t k : f.name_keys) v.emplace_back(NameKey(k), static_cast<float>(stats.Idf(k)));
  std::sort(v.begin(), v.end());
  Normalize(&v);
  return v;
}

SparseVec SalientNameVector(const ArticleFeatures& f) {
  SparseVec v;
  for (const Name& n : f.names) {
    std::string key = CleanSpaces(n.text);
    AsciiLowerInPlace(key);
    v.emplace_back(NameKey(TermHash(key)) ^ 0x51ULL,
                   static_cast<float>(1.0 + std::log(std::max<uint32_t>(1, n.count))));
  }
  std::sort(v.begin(), v.end());
  SparseVec merged;
  for (const auto& [k, w] : v) {
    if (!merged.empty() && merged.back().first == k) {
      merged.back().second += w;
    } else {
      merged.emplace_back(k, w);
    }
  }
  Normalize(&merged);
  return merged;
}

SparseVec NumberVector(const ArticleFeatures& f) {
  SparseVec v;
  for (uint64_t k : f.numbers) v.emplace_back(NumberKey(k), 1.0f);
  for (int y : f.years) v.emplace_back(NumberKey(0x5945415200000000ULL + y), 1.0f);
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end(),
                      [](const auto& x, const auto& y) { return x.first == y.first; }),
          v.end());
  Normalize(&v);
  return v;
}

double Dot(const SparseVec& a, const SparseVec& b) {
  double s = 0;
  const auto* pa = a.data();
  const auto* pb = b.data();
  const auto* const ea = pa + a.size();
  const auto* const eb = pb + b.size();
  while (pa != ea && pb != eb) {  // branch-light merge: both advance on a match
    const uint64_t ka = pa->first, kb = pb->first;
    if (ka == kb) s += static_cast<double>(pa->second) * pb->second;
    pa += ka <= kb;
    pb += kb <= ka;
  }
  return s;
}

double Norm(const SparseVec& v) {
  double n = 0;
  for (const auto& [k, w] : v) n += static_cast<double>(w) * w;
  return std::sqrt(n);
}

namespace {

template <typename T>
bool Intersects(const std::vector<T>& a, const std::vector<T>& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      return true;
    }
  }
  return false;
}

// Share (by weight) of `key` words that `other` (sorted) never names.
double Unshared(const std::vector<uint64_t>& key, const std::vector<float>& weight,
                const std::vector<uint64_t>& other) {
  double miss = 0, total = 0;
  size_t j = 0;
  for (size_t i = 0; i < key.size(); ++i) {
    const double w = weight[i];
    total += w;
    while (j < other.size() && other[j] < key[i]) ++j;  // both sorted
    if (j == other.size() || other[j] != key[i]) miss += w;
  }
  return total > 0 ? miss / total : 0;
}

}  // namespace

SpecificConflict CompareSpecifics(const StoryDoc& a, const StoryDoc& b) {
  SpecificConflict c;
  const DateEstimate &da = a.reported, &db = b.reported;
  if (da.time != kNoTime && db.time != kNoTime && da.confidence >= 0.3 && db.confidence >= 0.3) {
    double days = std::fabs(static_cast<double>(da.time - db.time)) / 86400.0;
    // Day or month evidence on both sides: a gap beyond a month is a conflict, full
    // at six months; year-level evidence counts half (its day is a guess).
    double x = std::clamp((days - 30.0) / 150.0, 0.0, 1.0);
    if (std::min(da.confidence, db.confidence) < 0.4) x *= 0.5;
    c.date = x;
  }
  // Each side's key names that the other never names: both sides must have some
  // (a short follow-up naming nothing new is no conflict).
  if (!a.key_name_words.empty() && !b.key_name_words.empty()) {
    c.name = std::min(Unshared(a.key_name_words, a.key_name_idf, b.name_words),
                      Unshared(b.key_name_words, b.key_name_idf, a.name_words));
  }
  if (!a.lead_name_words.empty() || !b.lead_name_words.empty()) {
    const double x = Unshared(a.lead_name_words, a.lead_name_idf, b.name_words);
    const double y = Unshared(b.lead_name_words, b.lead_name_idf, a.name_words);
    c.lead_name_max = std::max(x, y);
    c.lead_name_min = std::min(x, y);
  }
  if (!a.numbers.empty() && !b.numbers.empty()) {
    auto miss = [](const std::vector<uint64_t>& lead, const std::vector<uint64_t>& other) {
      if (lead.empty()) return 0.0;
      size_t m = 0;
      for (uint64_t k : lead) m += !std::binary_search(other.begin(), other.end(), k);
      return static_cast<double>(m) / lead.size();
    };
    const double x = miss(a.lead_numbers, b.numbers), y = miss(b.lead_numbers, a.numbers);
    c.lead_number_max = std::max(x, y);
    c.lead_number_min = std::min(x, y);
  }
  if (!a.f.years.empty() && !b.f.years.empty() && !Intersects(a.f.years, b.f.years)) c.year = 1;
  if (!a.f.numbers.empty() && !b.f.numbers.empty() && !Intersects(a.f.numbers, b.f.numbers)) {
    c.number = 1;
  }
  return c;
}

double SameEventProbability(double term_cos, double name_cos, double number_cos, double lead_cos,
                            const SpecificConflict& c) {
  // A logistic model fitted on the within-topic pairs of the ECB+ train split
  // (STORY_PAIRS=1 story_eval prints them; docs/stories.md); c.year and c.number
  // are not among its terms.
  double z = -1.67 + 0.95 * term_cos + 4.37 * name_cos + 6.10 * number_cos + 6.03 * lead_cos -
             0.85 * c.date - 0.95 * c.name - 0.92 * c.lead_name_max - 1.32 * c.lead_number_max;
  return 1.0 / (1.0 + std::exp(-z));
}

double SameEventBound(double term_cos, double name_cos, double number_cos, double lead_cos) {
  return SameEventProbability(term_cos, name_cos, number_cos, lead_cos, SpecificConflict{});
}

std::string CleanSpaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
    } else {
      if (space) out += ' ';
      space = false;
      out += c;
    }
  }
  return out;
}

namespace {
// The sentence's closing punctuation as written after `end` (a sentence span
// stops before it): the terminator and any closing quote marks, so that a
// summary sentence reads `... "a direct provocation."` and not `... "a direct
// provocation`. Empty when the text has none there.
std::string SentenceEnd(std::string_view text, size_t end) {
  size_t i = end;
  while (i < text.size() && (text[i] == '.' || text[i] == '!' || text[i] == '?') && i - end < 3) {
    ++i;
  }
  for (;;) {
    if (i < text.size() && (text[i] == '"' || text[i] == '\'' || text[i] == ')')) {
      ++i;
    } else if (text.substr(i, 3) == "\xE2\x80\x9D" || text.substr(i, 3) == "\xE2\x80\x99") {
      i += 3;  // ” ’
    } else {
      break;
    }
  }
  return std::string(text.substr(end, i - end));
}

// A sentence as a summary candidate: its score against the centroid, its place,
// its weighted vector and its text.
struct SummaryCand {
  double score;
  size_t member;
  size_t index;  // sentence index in its member
  SparseVec vec;
  std::string text;
};

// The sentence's log-tf * idf vector of stems, L2-normalised, sorted by key.
// False when it has no weight.
bool SentenceVector(const ArticleFeatures& f, const SentenceSpan& s, const TermStats& stats,
                    SparseVec* out) {
  SparseVec v;
  for (uint32_t t = s.tok_begin; t < s.tok_end && t < f.stems.size(); ++t) {
    if (f.stems[t] == 0) continue;
    v.emplace_back(f.stems[t], 1.0f);
  }
  std::sort(v.begin(), v.end());
  SparseVec& merged = *out;
  merged.clear();
  for (const auto& [k, w] : v) {
    if (!merged.empty() && merged.back().first == k) {
      merged.back().second += 1.0f;
    } else {
      merged.emplace_back(k, 1.0f);
    }
  }
  double n = 0;
  for (auto& [k, w] : merged) {
    w = static_cast<float>((1.0 + std::log(w)) * stats.Idf(k));
    n += static_cast<double>(w) * w;
  }
  if (n <= 0) return false;
  for (auto& [k, w] : merged) w = static_cast<float>(w / std::sqrt(n));
  return true;
}

// The candidate sentences of member `m`: 8 to 70 words, not repeated within the
// article (a photo caption shown twice is page furniture), no links. The
// original's and the ledes' scores are raised.
void AddCandidates(const SummaryInput& member, size_t m, const SparseVec& centroid, double cnorm,
                   const TermStats& stats, std::vector<SummaryCand>* cands) {
  const ArticleFeatures& f = member.doc->f;
  std::unordered_map<std::string, int> seen;
  for (const SentenceSpan& s : f.sentences) {
    seen[CleanSpaces(std::string_view(f.text).substr(s.begin, s.end - s.begin))]++;
  }
  for (size_t si = 0; si < f.sentences.size(); ++si) {
    const SentenceSpan& s = f.sentences[si];
    uint32_t words = s.tok_end - s.tok_begin;
    if (words < 8 || words > 70) continue;
    std::string text = CleanSpaces(std::string_view(f.text).substr(s.begin, s.end - s.begin));
    if (seen[text] > 1) continue;
    text += SentenceEnd(f.text, s.end);
    if (text.find("http") != std::string::npos) continue;
    SparseVec merged;
    if (!SentenceVector(f, s, stats, &merged)) continue;
    double score = Dot(merged, centroid) / cnorm;
    if (member.is_original) score *= 1.25;
    if (si < 3) score *= 1.1;  // ledes carry the story
    cands->push_back({score, m, si, std::move(merged), std::move(text)});
  }
}

// The best 3-5 candidates (sorted best first), skipping those too like a chosen one;
// past three, only those scoring at least 0.6 of the best.
std::vector<const SummaryCand*> ChooseSentences(const std::vector<SummaryCand>& cands) {
  std::vector<const SummaryCand*> chosen;
  const double top = cands.empty() ? 0 : cands[0].score;
  for (const SummaryCand& c : cands) {
    if (chosen.size() >= 5) break;
    if (chosen.size() >= 3 && c.score < 0.6 * top) break;
    bool redundant = false;
    for (const SummaryCand* p : chosen) {
      if (Dot(c.vec, p->vec) > 0.45) {
        redundant = true;
        break;
      }
    }
    if (!redundant) chosen.push_back(&c);
  }
  return chosen;
}

}  // namespace

std::vector<std::string> Summarize(const std::vector<SummaryInput>& members,
                                   const SparseVec& centroid, const TermStats& stats) {
  std::vector<SummaryCand> cands;
  const double cnorm = Norm(centroid);
  if (cnorm <= 0) return {};
  for (size_t m = 0; m < members.size(); ++m) {
    AddCandidates(members[m], m, centroid, cnorm, stats, &cands);
  }
  std::stable_sort(cands.begin(), cands.end(),
                   [](const SummaryCand& a, const SummaryCand& b) { return a.score > b.score; });
  std::vector<const SummaryCand*> chosen = ChooseSentences(cands);
  // Reading order: the original's sentences first (members are given original
  // first), each member's in text order.
  std::sort(chosen.begin(), chosen.end(), [](const SummaryCand* a, const SummaryCand* b) {
    return a->member != b->member ? a->member < b->member : a->index < b->index;
  });
  std::vector<std::string> out;
  out.reserve(chosen.size());
  for (const SummaryCand* c : chosen) out.push_back(c->text);
  return out;
}

}  // namespace storyline::story_internal
