// Copyright storyline authors.
//
// The evidence Compare weighs (compare_internal.h): shared passages by
// seed-and-extend over word shingles, near-verbatim sentence alignment over
// IDF-weighted stems, and shared quotes.
#include <algorithm>
#include <tuple>
#include <unordered_map>

#include "relate/compare_internal.h"
#include "relate/relate_internal.h"
#include "storyline/relate.h"

namespace storyline {
namespace relate_internal {

double SentenceScore(double shared, double sum_a, double sum_b) {
  if (sum_a <= 0 || sum_b <= 0) return 0;
  return std::clamp(2.0 * shared / (sum_a + sum_b), 0.0, 1.0);
}

namespace {

constexpr uint32_t kSeedWords = 5;   // shingle length that seeds a verbatim match
constexpr size_t kMaxPostings = 64;  // a term in more sentences says nothing

struct Match {
  uint32_t ai, ae, bi, be;  // token ranges [ai, ae) and [bi, be)
  uint32_t matched;         // tokens matched verbatim inside
};

std::vector<uint64_t> Shingles(const std::vector<uint64_t>& tok) {
  std::vector<uint64_t> out;
  if (tok.size() < kSeedWords) return out;
  out.reserve(tok.size() - kSeedWords + 1);
  for (size_t i = 0; i + kSeedWords <= tok.size(); ++i) {
    uint64_t h = 0x51ed270b27f3a5c1ULL;
    for (size_t k = 0; k < kSeedWords; ++k) h = Mix(h, tok[i + k]);
    out.push_back(h);
  }
  return out;
}

// Verbatim matches: every shingle of a is looked up among b's; a hit is extended
// to the right as far as the words agree; the scan resumes after the match.
std::vector<Match> VerbatimMatches(const ArticleFeatures& a, const ArticleFeatures& b,
                                   double* jaccard) {
  std::vector<Match> out;
  std::vector<uint64_t> sa = Shingles(a.tokens), sb = Shingles(b.tokens);
  *jaccard = 0;
  if (sa.empty() || sb.empty()) return out;
  std::vector<std::pair<uint64_t, uint32_t>> idx(sb.size());
  for (uint32_t j = 0; j < sb.size(); ++j) idx[j] = {sb[j], j};
  std::sort(idx.begin(), idx.end());
  {
    std::vector<uint64_t> ua = sa, ub = sb;
    std::sort(ua.begin(), ua.end());
    ua.erase(std::unique(ua.begin(), ua.end()), ua.end());
    std::sort(ub.begin(), ub.end());
    ub.erase(std::unique(ub.begin(), ub.end()), ub.end());
    double shared = static_cast<double>(CountShared(ua, ub));
    *jaccard = shared / (ua.size() + ub.size() - shared);
  }
  const auto& ta = a.tokens;
  const auto& tb = b.tokens;
  size_t i = 0;
  while (i < sa.size()) {
    auto lo = std::lower_bound(idx.begin(), idx.end(), std::make_pair(sa[i], uint32_t{0}));
    uint32_t best_len = 0, best_j = 0;
    int tried = 0;
    for (auto it = lo; it != idx.end() && it->first == sa[i] && tried < 16; ++it, ++tried) {
      uint32_t j = it->second;
      uint32_t len = 0;
      while (i + len < ta.size() && j + len < tb.size() && ta[i + len] == tb[j + len]) ++len;
      if (len >= kSeedWords && len > best_len) {
        best_len = len;
        best_j = j;
      }
    }
    if (best_len == 0) {
      ++i;
      continue;
    }
    uint32_t ai = static_cast<uint32_t>(i);
    out.push_back({ai, ai + best_len, best_j, best_j + best_len, best_len});
    i += best_len;
  }
  // Merge matches separated by a small edit on both sides (a changed word).
  std::vector<Match> merged;
  for (const Match& m : out) {
    if (!merged.empty()) {
      Match& p = merged.back();
      if (m.ai >= p.ae && m.ai - p.ae <= 3 && m.bi >= p.be && m.bi - p.be <= 3) {
        p.ae = m.ae;
        p.be = m.be;
        p.matched += m.matched;
        continue;
      }
    }
    merged.push_back(m);
  }
  return merged;
}

struct SentTerms {
  std::vector<uint64_t> terms;  // sorted unique stems
  std::vector<double> w;
  double sum = 0;
};

std::vector<SentTerms> SentenceTerms(const ArticleFeatures& f, const TermStats& st) {
  std::vector<SentTerms> out(f.sentences.size());
  for (size_t s = 0; s < f.sentences.size(); ++s) {
    auto& t = out[s].terms;
    for (uint32_t k = f.sentences[s].tok_begin; k < f.sentences[s].tok_end; ++k) {
      if (f.stems[k]) t.push_back(f.stems[k]);
    }
    std::sort(t.begin(), t.end());
    t.erase(std::unique(t.begin(), t.end()), t.end());
    out[s].w.resize(t.size());
    for (size_t k = 0; k < t.size(); ++k) {
      out[s].w[k] = st.Idf(t[k]);
      out[s].sum += out[s].w[k];
    }
  }
  return out;
}

// Candidate alignments of A's sentences to B's (one to one, or one to two
// adjacent sentences for splits and merges). `swap` reports them with sides swapped.
void AlignCandidates(const std::vector<SentTerms>& A, const std::vector<SentTerms>& B, bool swap,
                     double threshold, std::vector<AlignPair>* out) {
  std::unordered_map<uint64_t, std::vector<uint32_t>> index;
  for (uint32_t j = 0; j < B.size(); ++j) {
    for (uint64_t t : B[j].terms) index[t].push_back(j);
  }
  std::vector<double> acc(B.size(), 0);
  std::vector<uint32_t> touched;
  for (uint32_t i = 0; i < A.size(); ++i) {
    if (A[i].terms.size() < 3) continue;
    touched.clear();
    for (size_t k = 0; k < A[i].terms.size(); ++k) {
      auto it = index.find(A[i].terms[k]);
      if (it == index.end() || it->second.size() > kMaxPostings) continue;
      for (uint32_t j : it->second) {
        if (acc[j] == 0) touched.push_back(j);
        acc[j] += A[i].w[k];
      }
    }
    double best = 0;
    uint32_t bj = 0;
    for (uint32_t j : touched) {
      if (B[j].terms.size() < 3) continue;
      double s = SentenceScore(acc[j], A[i].sum, B[j].sum);
      if (s >= threshold) {
        AlignPair p = swap ? AlignPair{j, j + 1, i, i + 1, s} : AlignPair{i, i + 1, j, j + 1, s};
        out->push_back(p);
      }
      if (s > best) {
        best = s;
        bj = j;
      }
    }
    if (best < threshold && best > threshold * 0.4) {
      // A split: A[i] said in two adjacent sentences of B.
      for (int d : {-1, 1}) {
        int64_t j2 = static_cast<int64_t>(bj) + d;
        if (j2 < 0 || j2 >= static_cast<int64_t>(B.size())) continue;
        double shared = acc[bj] + acc[j2];
        double s = SentenceScore(std::min(shared, A[i].sum), A[i].sum, B[bj].sum + B[j2].sum);
        if (s >= threshold) {
          uint32_t lo = std::min<uint32_t>(bj, j2), hi = std::max<uint32_t>(bj, j2) + 1;
          out->push_back(swap ? AlignPair{lo, hi, i, i + 1, s} : AlignPair{i, i + 1, lo, hi, s});
        }
      }
    }
    for (uint32_t j : touched) acc[j] = 0;
  }
}

// Length of the longest increasing subsequence (patience sorting).
size_t Lis(const std::vector<uint32_t>& v) {
  std::vector<uint32_t> tails;
  for (uint32_t x : v) {
    auto it = std::lower_bound(tails.begin(), tails.end(), x);
    if (it == tails.end()) {
      tails.push_back(x);
    } else {
      *it = x;
    }
  }
  return tails.size();
}

// Picks candidates best first, each sentence used at most once; marks the
// used sentences.
std::vector<AlignPair> GreedyAlign(std::vector<AlignPair> cands, std::vector<char>* used_a,
                                   std::vector<char>* used_b) {
  std::sort(cands.begin(), cands.end(), [](const AlignPair& x, const AlignPair& y) {
    if (x.score != y.score) return x.score > y.score;
    return std::tie(x.a0, x.b0) < std::tie(y.a0, y.b0);
  });
  std::vector<AlignPair> aligned;
  for (const AlignPair& p : cands) {
    bool free = true;
    for (uint32_t k = p.a0; k < p.a1; ++k) free &= !(*used_a)[k];
    for (uint32_t k = p.b0; k < p.b1; ++k) free &= !(*used_b)[k];
    if (!free) continue;
    for (uint32_t k = p.a0; k < p.a1; ++k) (*used_a)[k] = 1;
    for (uint32_t k = p.b0; k < p.b1; ++k) (*used_b)[k] = 1;
    aligned.push_back(p);
  }
  std::sort(aligned.begin(), aligned.end(),
            [](const AlignPair& x, const AlignPair& y) { return x.a0 < y.a0; });
  return aligned;
}

// Share of the sentences with 3+ terms that are used.
double AlignedShare(const std::vector<SentTerms>& s, const std::vector<char>& used) {
  size_t elig = 0, al = 0;
  for (size_t k = 0; k < s.size(); ++k) {
    if (s[k].terms.size() >= 3) {
      ++elig;
      al += used[k];
    }
  }
  return elig ? double(al) / elig : 0;
}

}  // namespace

Verbatim FindVerbatim(const ArticleFeatures& a, const ArticleFeatures& b,
                      uint32_t min_passage_words) {
  const size_t na = a.tokens.size(), nb = b.tokens.size();
  Verbatim v;
  std::vector<Match> matches = VerbatimMatches(a, b, &v.jaccard);
  v.cov_a.assign(na, 0);
  v.cov_b.assign(nb, 0);
  std::vector<char>& cov_b = v.cov_b;
  for (const Match& m : matches) {
    for (uint32_t k = m.ai; k < m.ae; ++k) v.cov_a[k] = 1;
    for (uint32_t k = m.bi; k < m.be; ++k) cov_b[k] = 1;
    if (m.matched < min_passage_words) continue;
    SharedPassage p;
    p.a_start = a.token_spans[m.ai].first;
    p.a_end = a.token_spans[m.ae - 1].second;
    p.b_start = b.token_spans[m.bi].first;
    p.b_end = b.token_spans[m.be - 1].second;
    p.text = a.text.substr(p.a_start, p.a_end - p.a_start);
    p.verbatim = true;
    p.score = double(m.matched) / std::max(m.ae - m.ai, m.be - m.bi);
    v.passages.push_back(std::move(p));
  }
  v.cont_a = na ? double(std::count(v.cov_a.begin(), v.cov_a.end(), 1)) / na : 0;
  v.cont_b = nb ? double(std::count(cov_b.begin(), cov_b.end(), 1)) / nb : 0;
  return v;
}

Alignment AlignSentences(const ArticleFeatures& a, const ArticleFeatures& b, const TermStats& st) {
  std::vector<SentTerms> sa = SentenceTerms(a, st), sb = SentenceTerms(b, st);
  std::vector<AlignPair> cands;
  AlignCandidates(sa, sb, false, kSameContentThreshold, &cands);
  AlignCandidates(sb, sa, true, kSameContentThreshold, &cands);
  std::vector<char> used_a(sa.size(), 0), used_b(sb.size(), 0);
  Alignment al;
  al.aligned = GreedyAlign(std::move(cands), &used_a, &used_b);
  al.aligned_a = AlignedShare(sa, used_a);
  al.aligned_b = AlignedShare(sb, used_b);
  std::vector<uint32_t> border;
  for (const AlignPair& p : al.aligned) border.push_back(p.b0);
  al.order = border.size() >= 2 ? double(Lis(border)) / border.size() : (border.empty() ? 0 : 1);
  return al;
}

void AddAlignedPassages(const ArticleFeatures& a, const ArticleFeatures& b,
                        const Alignment& alignment, const std::vector<char>& cov_a,
                        std::vector<SharedPassage>* passages) {
  for (const AlignPair& p : alignment.aligned) {
    const SentenceSpan& a0 = a.sentences[p.a0];
    const SentenceSpan& a1 = a.sentences[p.a1 - 1];
    // Skip sentences the verbatim passages already show.
    uint32_t covered = 0, total = 0;
    for (uint32_t k = a0.tok_begin; k < a1.tok_end; ++k) {
      ++total;
      covered += cov_a[k];
    }
    if (total && covered * 2 >= total) continue;
    SharedPassage sp;
    sp.a_start = a0.begin;
    sp.a_end = a1.end;
    sp.b_start = b.sentences[p.b0].begin;
    sp.b_end = b.sentences[p.b1 - 1].end;
    sp.text = a.text.substr(sp.a_start, sp.a_end - sp.a_start);
    sp.verbatim = false;
    sp.score = p.score;
    passages->push_back(std::move(sp));
  }
}

size_t FindSharedQuotes(const ArticleFeatures& a, const ArticleFeatures& b,
                        std::vector<SharedQuote>* out) {
  auto qa = QuoteTokenSets(a, 1), qb = QuoteTokenSets(b, 1);
  size_t shared_full_quotes = 0;
  for (size_t i = 0; i < qa.size(); ++i) {
    if (qa[i].empty()) continue;
    double best = 0;
    size_t bj = 0;
    for (size_t j = 0; j < qb.size(); ++j) {
      if (qb[j].empty()) continue;
      double o = double(CountShared(qa[i], qb[j])) / std::min(qa[i].size(), qb[j].size());
      // a one-word fragment only matches the same one word
      if (std::min(qa[i].size(), qb[j].size()) < 4 && qa[i] != qb[j]) o = 0;
      if (o > best) {
        best = o;
        bj = j;
      }
    }
    if (best < 0.8) continue;
    const Quote& x = a.quotes[i];
    const Quote& y = b.quotes[bj];
    SharedQuote q;
    q.text = x.text;
    q.speaker = x.speaker.empty() ? y.speaker : x.speaker;
    q.a_begin = x.begin;
    q.a_end = x.end;
    q.b_begin = y.begin;
    q.b_end = y.end;
    q.overlap = best;
    if (!x.fragment() && !y.fragment()) ++shared_full_quotes;
    out->push_back(std::move(q));
  }
  return shared_full_quotes;
}

}  // namespace relate_internal
}  // namespace storyline
