// Copyright storyline authors.
//
// Story similarity: TF-IDF cosine of stemmed content words, overlap of names,
// numbers and quotes, and the distance in time, combined by the formula in
// docs/relations.md (weights fitted on SemEval-2022 Task 8 by scripts/eval-relate).
#include <algorithm>
#include <cmath>

#include "relate/relate_internal.h"
#include "storyline/relate.h"

namespace storyline {
namespace relate_internal {

// Sorted, unique token hashes of each quote with at least `min_words` words.
std::vector<std::vector<uint64_t>> QuoteTokenSets(const ArticleFeatures& f, uint32_t min_words) {
  std::vector<std::vector<uint64_t>> out;
  for (const Quote& q : f.quotes) {
    std::vector<uint64_t> set;
    if (q.words >= min_words) {
      auto lo = std::lower_bound(f.token_spans.begin(), f.token_spans.end(),
                                 std::make_pair(q.begin, uint32_t{0}));
      for (auto it = lo; it != f.token_spans.end() && it->first < q.end; ++it) {
        set.push_back(f.tokens[it - f.token_spans.begin()]);
      }
      std::sort(set.begin(), set.end());
      set.erase(std::unique(set.begin(), set.end()), set.end());
    }
    out.push_back(std::move(set));
  }
  return out;
}

size_t CountShared(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  size_t i = 0, j = 0, n = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++n;
      ++i;
      ++j;
    }
  }
  return n;
}

// Share of quoted words (quotes of 4+ words) that the other side quotes as well.
double QuoteOverlap(const ArticleFeatures& a, const ArticleFeatures& b) {
  auto qa = QuoteTokenSets(a, 4), qb = QuoteTokenSets(b, 4);
  double wa = 0, wb = 0, shared_a = 0, shared_b = 0;
  for (const auto& s : qa) wa += s.size();
  for (const auto& s : qb) wb += s.size();
  if (wa == 0 || wb == 0) return 0;
  for (const auto& s : qa) {
    if (s.empty()) continue;
    double best = 0;
    for (const auto& t : qb) {
      if (!t.empty()) {
        best = std::max(best, double(CountShared(s, t)) / std::min(s.size(), t.size()));
      }
    }
    if (best >= 0.6) shared_a += s.size();
  }
  for (const auto& s : qb) {
    if (s.empty()) continue;
    double best = 0;
    for (const auto& t : qa) {
      if (!t.empty()) {
        best = std::max(best, double(CountShared(s, t)) / std::min(s.size(), t.size()));
      }
    }
    if (best >= 0.6) shared_b += s.size();
  }
  return std::max(shared_a / wa, shared_b / wb) * std::min(1.0, std::min(shared_a, shared_b) / 8.0);
}

}  // namespace relate_internal

namespace {

using relate_internal::CountShared;

// TF-IDF cosine, raw term frequency. `smooth`: the classic smoothed IDF
// (TermStats::SmoothIdf, the baseline's) instead of TermStats::Idf.
double Cosine(const std::vector<TermCount>& at, const std::vector<TermCount>& bt,
              const TermStats& st, std::string_view lang, bool smooth = false) {
  struct View {
    const std::vector<TermCount>& terms;
  } a{at}, b{bt};
  if (a.terms.empty() || b.terms.empty()) return 0;
  // Raw term frequency: on SemEval it beats sublinear (1 + log tf) weighting.
  auto w = [&](const TermCount& t) {
    double tf = t.count;
    return tf * (smooth ? st.SmoothIdf(t.term, lang) : st.Idf(t.term, lang));
  };
  double na = 0, nb = 0, dot = 0;
  size_t i = 0, j = 0;
  std::vector<double> wa(a.terms.size()), wb(b.terms.size());
  for (size_t k = 0; k < a.terms.size(); ++k) {
    wa[k] = w(a.terms[k]);
    na += wa[k] * wa[k];
  }
  for (size_t k = 0; k < b.terms.size(); ++k) {
    wb[k] = w(b.terms[k]);
    nb += wb[k] * wb[k];
  }
  while (i < a.terms.size() && j < b.terms.size()) {
    if (a.terms[i].term < b.terms[j].term) {
      ++i;
    } else if (b.terms[j].term < a.terms[i].term) {
      ++j;
    } else {
      dot += wa[i] * wb[j];
      ++i;
      ++j;
    }
  }
  if (na <= 0 || nb <= 0) return 0;
  return std::clamp(dot / std::sqrt(na * nb), 0.0, 1.0);
}

double WeightedCosine(const ArticleFeatures& a, const ArticleFeatures& b, const TermStats& st) {
  return Cosine(a.terms, b.terms, st, a.lang == b.lang ? std::string_view(a.lang) : "");
}

double NameOverlap(const ArticleFeatures& a, const ArticleFeatures& b, const TermStats& st) {
  if (a.name_keys.empty() || b.name_keys.empty()) return 0;
  double sa = 0, sb = 0, shared = 0;
  for (uint64_t k : a.name_keys) sa += st.Idf(k);
  for (uint64_t k : b.name_keys) sb += st.Idf(k);
  size_t i = 0, j = 0;
  while (i < a.name_keys.size() && j < b.name_keys.size()) {
    if (a.name_keys[i] < b.name_keys[j]) {
      ++i;
    } else if (b.name_keys[j] < a.name_keys[i]) {
      ++j;
    } else {
      shared += st.Idf(a.name_keys[i]);
      ++i;
      ++j;
    }
  }
  return std::clamp(shared / std::sqrt(sa * sb), 0.0, 1.0);
}

// Rarer-token overlap: a binary cosine of the two term sets (stems and numbers)
// where each term weighs IDF squared, so that the few words this pair shares and
// the rest of the corpus rarely uses (names in any script, places, numbers,
// technical words) dominate, and repetition inside one text does not count. It
// needs no capital letters, so it works for scripts without case (Arabic).
double RareOverlap(const ArticleFeatures& a, const ArticleFeatures& b, const TermStats& st,
                   std::string_view lang) {
  auto weight = [&](uint64_t t) {
    double i = st.Idf(t, lang);
    return i * i;
  };
  double sa = 0, sb = 0, shared = 0;
  for (const TermCount& t : a.terms) sa += weight(t.term);
  for (const TermCount& t : b.terms) sb += weight(t.term);
  size_t i = 0, j = 0;
  while (i < a.terms.size() && j < b.terms.size()) {
    if (a.terms[i].term < b.terms[j].term) {
      ++i;
    } else if (b.terms[j].term < a.terms[i].term) {
      ++j;
    } else {
      shared += weight(a.terms[i].term);
      ++i;
      ++j;
    }
  }
  // Numbers: each shared number weighs like a rare word.
  double nw = std::log(double(st.documents()) + 1.0) + 1.0;
  nw *= nw;
  sa += nw * a.numbers.size();
  sb += nw * b.numbers.size();
  shared += nw * double(CountShared(a.numbers, b.numbers));
  if (sa <= 0 || sb <= 0) return 0;
  return std::clamp(shared / std::sqrt(sa * sb), 0.0, 1.0);
}

double NumberOverlap(const ArticleFeatures& a, const ArticleFeatures& b) {
  if (a.numbers.empty() || b.numbers.empty()) return 0;
  double shared = static_cast<double>(CountShared(a.numbers, b.numbers));
  return std::clamp(shared / std::sqrt(double(a.numbers.size()) * double(b.numbers.size())), 0.0,
                    1.0);
}

double TimeFactor(const ArticleFeatures& a, const ArticleFeatures& b) {
  if (a.published_ts == kNoTime || b.published_ts == kNoTime) return 1;
  double days = std::fabs(double(a.published_ts - b.published_ts)) / 86400.0;
  if (days <= 3) return 1;
  // 3 days -> 1, ~2 months -> 0.5, never below 0.5.
  return std::max(0.5, 1.0 - 0.5 * std::log(days / 3.0) / std::log(20.0));
}

}  // namespace

double TfIdfCosine(const ArticleFeatures& a, const ArticleFeatures& b, const TermStats& stats) {
  return Cosine(a.terms, b.terms, stats, a.lang == b.lang ? std::string_view(a.lang) : "", true);
}

SimilarityParts StorySimilarityParts(const ArticleFeatures& a, const ArticleFeatures& b,
                                     const TermStats& stats) {
  SimilarityParts p;
  std::string la = a.lang.empty() ? "en" : a.lang, lb = b.lang.empty() ? "en" : b.lang;
  p.cross_lingual = la != lb;
  p.cosine = WeightedCosine(a, b, stats);
  p.lead = Cosine(a.lead_terms, b.lead_terms, stats, p.cross_lingual ? "" : la);
  p.head = Cosine(a.head_terms, b.head_terms, stats, p.cross_lingual ? "" : la);
  p.chars = Cosine(a.char_grams, b.char_grams, stats, p.cross_lingual ? "" : la);
  p.names = NameOverlap(a, b, stats);
  p.numbers = NumberOverlap(a, b);
  p.quotes = relate_internal::QuoteOverlap(a, b);
  p.rare = RareOverlap(a, b, stats, p.cross_lingual ? "" : la);
  if (p.cross_lingual) {
    const auto& de_en = relate_internal::GermanEnglish();
    if (!de_en.map.empty()) {
      if (la == "de" && lb == "en") {
        p.has_dictionary = true;
        p.translated = Cosine(relate_internal::Translate(a.terms, de_en), b.terms, stats, "");
      } else if (la == "en" && lb == "de") {
        p.has_dictionary = true;
        p.translated = Cosine(a.terms, relate_internal::Translate(b.terms, de_en), stats, "");
      }
    }
  }
  p.time = TimeFactor(a, b);
  // Weights fitted by least squares on SemEval-2022 Task 8 (scripts/eval-relate
  // --fit; docs/relations.md "Story similarity"): target (4 - label) / 3.
  double x;
  if (!p.cross_lingual) {
    x = -0.049 + 0.263 * std::sqrt(p.cosine) + 0.331 * std::sqrt(p.lead) +
        0.257 * std::sqrt(p.head) + 0.398 * std::sqrt(p.chars) + 0.084 * p.numbers +
        0.096 * p.quotes;
  } else if (p.has_dictionary) {
    // With a dictionary the translated cosine carries the content words; the
    // character 4-grams and the rarer tokens still add names and numbers.
    x = -0.204 + 1.072 * std::sqrt(p.chars) + 0.333 * p.numbers + 0.506 * p.rare +
        1.595 * p.translated;
  } else {
    // Across languages the shared material is names, numbers, cognates and
    // borrowings: character 4-grams carry most of it.
    // The rarer-token overlap adds the shared names and numbers as whole tokens.
    x = -0.249 + 0.017 * std::sqrt(p.cosine) + 0.061 * std::sqrt(p.lead) +
        1.594 * std::sqrt(p.chars) + 0.337 * p.numbers + 0.808 * p.rare;
  }
  // A text of a few words cannot show it is the same story: scale down below 12
  // content words (about one news sentence).
  double evidence = std::min(1.0, std::min(a.content_words, b.content_words) / 12.0);
  p.score = std::clamp(x, 0.0, 1.0) * p.time * evidence;
  if (a.tokens.empty() || b.tokens.empty()) p.score = 0;
  return p;
}

double StorySimilarity(const ArticleFeatures& a, const ArticleFeatures& b, const TermStats& stats) {
  return StorySimilarityParts(a, b, stats).score;
}

}  // namespace storyline
