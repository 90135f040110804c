// Copyright storyline authors.
//
// Per-article analysis for the story engine and the sparse vectors it compares:
// relate's features (names, quotes, stems, numbers) plus the date read from the
// text, and the summary sentence ranking.
#include <algorithm>
#include <cmath>

#include "story/story_internal.h"

namespace storyline::story_internal {

StoryDoc AnalyzeForStory(const Article& a) {
  StoryDoc d;
  d.meta = a;
  d.f = AnalyzeArticle(a);
  d.date = EstimateDate(a);
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
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    v.emplace_back(NameKey(TermHash(key)) ^ 0x51ULL,
                   static_cast<float>(1.0 + std::log(std::max<uint32_t>(1, n.count))));
  }
  std::sort(v.begin(), v.end());
  SparseVec merged;
  for (const auto& [k, w] : v) {
    if (!merged.empty() && merged.back().first == k) merged.back().second += w;
    else merged.emplace_back(k, w);
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
  const size_t na = a.size(), nb = b.size();
  size_t i = 0, j = 0;
  while (i < na && j < nb) {  // branch-light merge: both advance on a match
    const uint64_t ka = a[i].first, kb = b[j].first;
    if (ka == kb) s += static_cast<double>(a[i].second) * b[j].second;
    i += ka <= kb;
    j += kb <= ka;
  }
  return s;
}

double Norm(const SparseVec& v) {
  double n = 0;
  for (const auto& [k, w] : v) n += static_cast<double>(w) * w;
  return std::sqrt(n);
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

std::vector<std::string> Summarize(const std::vector<SummaryInput>& members,
                                   const SparseVec& centroid, const TermStats& stats) {
  struct Cand {
    double score;
    size_t member;
    size_t index;  // sentence index in its member
    SparseVec vec;
    std::string text;
  };
  std::vector<Cand> cands;
  const double cnorm = Norm(centroid);
  if (cnorm <= 0) return {};
  for (size_t m = 0; m < members.size(); ++m) {
    const ArticleFeatures& f = members[m].doc->f;
    // A sentence repeated within one article (a photo caption shown twice) is
    // page furniture: count texts first.
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
      if (text.find("http") != std::string::npos) continue;
      SparseVec v;
      for (uint32_t t = s.tok_begin; t < s.tok_end && t < f.stems.size(); ++t) {
        if (f.stems[t] == 0) continue;
        v.emplace_back(f.stems[t], 1.0f);
      }
      std::sort(v.begin(), v.end());
      SparseVec merged;
      for (const auto& [k, w] : v) {
        if (!merged.empty() && merged.back().first == k) merged.back().second += 1.0f;
        else merged.emplace_back(k, 1.0f);
      }
      double n = 0;
      for (auto& [k, w] : merged) {
        w = static_cast<float>((1.0 + std::log(w)) * stats.Idf(k));
        n += static_cast<double>(w) * w;
      }
      if (n <= 0) continue;
      for (auto& [k, w] : merged) w = static_cast<float>(w / std::sqrt(n));
      double score = Dot(merged, centroid) / cnorm;
      if (members[m].is_original) score *= 1.25;
      if (si < 3) score *= 1.1;  // ledes carry the story
      cands.push_back({score, m, si, std::move(merged), std::move(text)});
    }
  }
  std::stable_sort(cands.begin(), cands.end(),
                   [](const Cand& a, const Cand& b) { return a.score > b.score; });
  std::vector<const Cand*> chosen;
  const double top = cands.empty() ? 0 : cands[0].score;
  for (const Cand& c : cands) {
    if (chosen.size() >= 5) break;
    if (chosen.size() >= 3 && c.score < 0.6 * top) break;
    bool redundant = false;
    for (const Cand* p : chosen) {
      if (Dot(c.vec, p->vec) > 0.45) { redundant = true; break; }
    }
    if (!redundant) chosen.push_back(&c);
  }
  // Reading order: the original's sentences first (members are given original
  // first), each member's in text order.
  std::sort(chosen.begin(), chosen.end(), [](const Cand* a, const Cand* b) {
    return a->member != b->member ? a->member < b->member : a->index < b->index;
  });
  std::vector<std::string> out;
  for (const Cand* c : chosen) out.push_back(c->text);
  return out;
}

}  // namespace storyline::story_internal
