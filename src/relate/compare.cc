// Copyright storyline authors.
//
// Compare: shared passages (seed-and-extend over word shingles, then near-verbatim
// sentence alignment), shared quotes, story similarity, the relation label and
// the original. docs/relations.md states the rule; the thresholds below are the
// calibrated values it names.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "core/json_writer.h"
#include "relate/relate_internal.h"
#include "storyline/relate.h"

namespace storyline {
namespace relate_internal {

double SentenceScore(double shared, double sum_a, double sum_b) {
  if (sum_a <= 0 || sum_b <= 0) return 0;
  return std::clamp(2.0 * shared / (sum_a + sum_b), 0.0, 1.0);
}

}  // namespace relate_internal

namespace {

using relate_internal::Mix;
using relate_internal::SentenceScore;

// Calibrated thresholds (docs/relations.md).
constexpr uint32_t kSeedWords = 5;             // shingle length that seeds a verbatim match
constexpr double kNearDuplicateCover = 0.8;    // both sides mostly shared verbatim
constexpr double kNearDuplicateJaccard = 0.6;  // or shingle Jaccard
constexpr double kSameStory = kSameStoryThreshold;
constexpr double kRelated = kRelatedThreshold;
constexpr double kSameStoryNames = 0.45;  // same story: the names a story is about
// Content words from which a text counts as long: there the topic's vocabulary
// dominates the cosine (the calibration texts are short), so same-story needs
// specific shared evidence too.
constexpr uint32_t kLongText = 140;
constexpr double kRewriteCover = 0.3;     // verbatim share of the smaller side
constexpr double kRewriteAligned = 0.35;  // aligned sentences share of the smaller side
constexpr double kRewriteOrder = 0.7;     // agreement of the order of aligned sentences
// A rewrite padded with its own material: it carries much of its source's sentences,
// paraphrased, in the source's order, though they are a smaller share of itself.
constexpr double kRewriteCarried = 0.4;        // aligned share of the larger-share side
constexpr double kRewriteCarriedFloor = 0.25;  // aligned share of the other side
constexpr double kRewriteCarriedOrder = 0.9;   // near-perfect order agreement
constexpr size_t kRewriteCarriedSentences = 4;
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
    double shared = static_cast<double>(relate_internal::CountShared(ua, ub));
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
    for (uint32_t k = f.sentences[s].tok_begin; k < f.sentences[s].tok_end; ++k)
      if (f.stems[k]) t.push_back(f.stems[k]);
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

struct AlignPair {
  uint32_t a0, a1, b0, b1;  // sentence ranges [a0, a1), [b0, b1)
  double score;
};

// Candidate alignments of A's sentences to B's (one to one, or one to two
// adjacent sentences for splits and merges). `swap` reports them with sides swapped.
void AlignCandidates(const std::vector<SentTerms>& A, const std::vector<SentTerms>& B, bool swap,
                     double threshold, std::vector<AlignPair>* out) {
  std::unordered_map<uint64_t, std::vector<uint32_t>> index;
  for (uint32_t j = 0; j < B.size(); ++j)
    for (uint64_t t : B[j].terms) index[t].push_back(j);
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
    if (it == tails.end())
      tails.push_back(x);
    else
      *it = x;
  }
  return tails.size();
}

std::string Fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

}  // namespace

const char* RelationName(Relation r) {
  switch (r) {
    case Relation::kDuplicate:
      return "duplicate";
    case Relation::kNearDuplicate:
      return "near-duplicate";
    case Relation::kRewrite:
      return "rewrite";
    case Relation::kSameStory:
      return "same-story";
    case Relation::kRelated:
      return "related";
    case Relation::kUnrelated:
      return "unrelated";
  }
  return "unrelated";
}

CompareResult Compare(const ArticleFeatures& a, const ArticleFeatures& b,
                      const CompareOptions& options) {
  static const TermStats* background = new TermStats(true);
  const TermStats& st = options.stats ? *options.stats : *background;
  CompareResult r;
  r.a = a.id;
  r.b = b.id;
  const size_t na = a.tokens.size(), nb = b.tokens.size();

  // Verbatim passages.
  double jaccard = 0;
  std::vector<Match> matches = VerbatimMatches(a, b, &jaccard);
  std::vector<char> cov_a(na, 0), cov_b(nb, 0);
  for (const Match& m : matches) {
    for (uint32_t k = m.ai; k < m.ae; ++k) cov_a[k] = 1;
    for (uint32_t k = m.bi; k < m.be; ++k) cov_b[k] = 1;
    if (m.matched < options.min_passage_words) continue;
    SharedPassage p;
    p.a_start = a.token_spans[m.ai].first;
    p.a_end = a.token_spans[m.ae - 1].second;
    p.b_start = b.token_spans[m.bi].first;
    p.b_end = b.token_spans[m.be - 1].second;
    p.text = a.text.substr(p.a_start, p.a_end - p.a_start);
    p.verbatim = true;
    p.score = double(m.matched) / std::max(m.ae - m.ai, m.be - m.bi);
    r.shared_passages.push_back(std::move(p));
  }
  double cont_a = na ? double(std::count(cov_a.begin(), cov_a.end(), 1)) / na : 0;
  double cont_b = nb ? double(std::count(cov_b.begin(), cov_b.end(), 1)) / nb : 0;

  // Near-verbatim sentences.
  std::vector<SentTerms> sa = SentenceTerms(a, st), sb = SentenceTerms(b, st);
  std::vector<AlignPair> cands;
  AlignCandidates(sa, sb, false, kSameContentThreshold, &cands);
  AlignCandidates(sb, sa, true, kSameContentThreshold, &cands);
  std::sort(cands.begin(), cands.end(), [](const AlignPair& x, const AlignPair& y) {
    if (x.score != y.score) return x.score > y.score;
    return std::tie(x.a0, x.b0) < std::tie(y.a0, y.b0);
  });
  std::vector<char> used_a(sa.size(), 0), used_b(sb.size(), 0);
  std::vector<AlignPair> aligned;
  for (const AlignPair& p : cands) {
    bool free = true;
    for (uint32_t k = p.a0; k < p.a1; ++k) free &= !used_a[k];
    for (uint32_t k = p.b0; k < p.b1; ++k) free &= !used_b[k];
    if (!free) continue;
    for (uint32_t k = p.a0; k < p.a1; ++k) used_a[k] = 1;
    for (uint32_t k = p.b0; k < p.b1; ++k) used_b[k] = 1;
    aligned.push_back(p);
  }
  std::sort(aligned.begin(), aligned.end(),
            [](const AlignPair& x, const AlignPair& y) { return x.a0 < y.a0; });
  size_t elig_a = 0, elig_b = 0, al_a = 0, al_b = 0;
  for (size_t s = 0; s < sa.size(); ++s)
    if (sa[s].terms.size() >= 3) {
      ++elig_a;
      al_a += used_a[s];
    }
  for (size_t s = 0; s < sb.size(); ++s)
    if (sb[s].terms.size() >= 3) {
      ++elig_b;
      al_b += used_b[s];
    }
  double aligned_a = elig_a ? double(al_a) / elig_a : 0;
  double aligned_b = elig_b ? double(al_b) / elig_b : 0;
  std::vector<uint32_t> border;
  for (const AlignPair& p : aligned) border.push_back(p.b0);
  double order =
      border.size() >= 2 ? double(Lis(border)) / border.size() : (border.empty() ? 0 : 1);

  if (options.sentence_alignment) {
    for (const AlignPair& p : aligned) {
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
      r.shared_passages.push_back(std::move(sp));
    }
  }
  std::sort(r.shared_passages.begin(), r.shared_passages.end(),
            [](const SharedPassage& x, const SharedPassage& y) { return x.a_start < y.a_start; });

  // Shared quotes.
  auto qa = relate_internal::QuoteTokenSets(a, 1), qb = relate_internal::QuoteTokenSets(b, 1);
  size_t shared_full_quotes = 0;
  for (size_t i = 0; i < qa.size(); ++i) {
    if (qa[i].empty()) continue;
    double best = 0;
    size_t bj = 0;
    for (size_t j = 0; j < qb.size(); ++j) {
      if (qb[j].empty()) continue;
      double o =
          double(relate_internal::CountShared(qa[i], qb[j])) / std::min(qa[i].size(), qb[j].size());
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
    r.quotes.push_back(std::move(q));
  }

  SimilarityParts sim = StorySimilarityParts(a, b, st);
  double cmin = std::min(cont_a, cont_b), cmax = std::max(cont_a, cont_b);
  double amin = std::min(aligned_a, aligned_b);
  double amax = std::max(aligned_a, aligned_b);

  // The decision rule (docs/relations.md).
  std::string why;
  if (na > 0 && a.content_hash == b.content_hash && na == nb) {
    r.relation = Relation::kDuplicate;
    why = "same words once normalised";
  } else if (na > 0 && nb > 0 &&
             (cmin >= kNearDuplicateCover || jaccard >= kNearDuplicateJaccard)) {
    r.relation = Relation::kNearDuplicate;
    why = "shared verbatim: " + Fmt(cont_a) + " of a, " + Fmt(cont_b) + " of b";
  } else if (na > 0 && nb > 0 && sim.score >= kRelated &&
             (cmax >= kRewriteCover ||
              (shared_full_quotes >= 1 && (cmax >= 0.1 || amin >= 0.15) &&
               order >= kRewriteOrder) ||
              (amin >= kRewriteAligned && order >= kRewriteOrder && sim.score >= kSameStory) ||
              (aligned.size() >= kRewriteCarriedSentences && amax >= kRewriteCarried &&
               amin >= kRewriteCarriedFloor && order >= kRewriteCarriedOrder &&
               sim.score >= kSameStory))) {
    r.relation = Relation::kRewrite;
    why = "derived: " + std::to_string(shared_full_quotes) + " shared quotes, verbatim " +
          Fmt(cmax) + ", aligned sentences " + Fmt(aligned_a) + "/" + Fmt(aligned_b) +
          " in order " + Fmt(order);
  } else if (sim.score >= kSameStory && (std::min(a.content_words, b.content_words) < kLongText ||
                                         sim.names >= kSameStoryNames || shared_full_quotes > 0 ||
                                         sim.numbers >= 0.3 || amin >= 0.2 || sim.lead >= 0.6)) {
    r.relation = Relation::kSameStory;
    why = "story similarity " + Fmt(sim.score) + " >= " + Fmt(kSameStory) +
          " with specific shared evidence (names " + Fmt(sim.names) + ", numbers " +
          Fmt(sim.numbers) + ", quotes " + std::to_string(shared_full_quotes) + ")";
  } else if (sim.score >= kRelated) {
    r.relation = Relation::kRelated;
    why = "story similarity " + Fmt(sim.score) + " >= " + Fmt(kRelated);
    if (sim.score >= kSameStory)
      why += " but no specific shared evidence (names " + Fmt(sim.names) + ")";
  } else {
    r.relation = Relation::kUnrelated;
    why = "story similarity " + Fmt(sim.score) + " < " + Fmt(kRelated);
  }
  r.relation_name = RelationName(r.relation);

  // Provenance: who is the original of a derived pair.
  double oa = a.provenance.originality, ob = b.provenance.originality;
  if (a.published_ts != kNoTime && b.published_ts != kNoTime &&
      std::llabs(a.published_ts - b.published_ts) > 3600) {
    (a.published_ts < b.published_ts ? oa : ob) += 0.3;
  }
  // Material one side adds that the other lacks (filler, commentary) marks the copy.
  double extra_a = 1.0 - std::max(cont_a, aligned_a), extra_b = 1.0 - std::max(cont_b, aligned_b);
  oa -= 0.1 * (extra_a - extra_b);
  ob -= 0.1 * (extra_b - extra_a);
  if (IsDerived(r.relation)) {
    if (std::fabs(oa - ob) < 1e-9) {
      r.original = na >= nb ? "a" : "b";
      why += "; original: the fuller text (no other evidence)";
    } else {
      r.original = oa > ob ? "a" : "b";
      const ArticleFeatures& o = oa > ob ? a : b;
      why += "; original " + r.original + ":";
      if (o.provenance.dateline) why += " wire dateline (" + o.provenance.agency + ")";
      if (o.provenance.credit) why += " wire credit";
      why += " originality " + Fmt(std::max(oa, ob)) + " vs " + Fmt(std::min(oa, ob));
    }
  }
  r.reason = why;

  auto& s = r.scores;
  s["similarity"] = sim.score;
  s["cosine"] = sim.cosine;
  s["names"] = sim.names;
  s["numbers"] = sim.numbers;
  s["quotes"] = sim.quotes;
  s["time"] = sim.time;
  s["containment_a"] = cont_a;
  s["containment_b"] = cont_b;
  s["verbatim"] = jaccard;
  s["aligned_a"] = aligned_a;
  s["aligned_b"] = aligned_b;
  s["order"] = order;
  s["originality_a"] = std::clamp(oa, 0.0, 1.0);
  s["originality_b"] = std::clamp(ob, 0.0, 1.0);
  return r;
}

CompareResult Compare(const Article& a, const Article& b, const CompareOptions& options) {
  return Compare(AnalyzeArticle(a), AnalyzeArticle(b), options);
}

std::string CompareResultToJson(const CompareResult& r) {
  JsonWriter w;
  w.BeginObject();
  w.Key("a");
  w.String(r.a);
  w.Key("b");
  w.String(r.b);
  w.Key("relation");
  w.String(r.relation_name);
  w.Key("original");
  w.StringOrNull(r.original.empty() ? "" : (r.original == "a" ? r.a : r.b));
  w.Key("original_side");
  w.StringOrNull(r.original);
  w.Key("scores");
  w.BeginObject();
  for (const auto& [k, v] : r.scores) {
    w.Key(k);
    w.Double(v);
  }
  w.EndObject();
  w.Key("shared_passages");
  w.BeginArray();
  for (const SharedPassage& p : r.shared_passages) {
    w.BeginObject();
    w.Key("a_start");
    w.Int(p.a_start);
    w.Key("a_end");
    w.Int(p.a_end);
    w.Key("b_start");
    w.Int(p.b_start);
    w.Key("b_end");
    w.Int(p.b_end);
    w.Key("text");
    w.String(p.text);
    w.Key("verbatim");
    w.Bool(p.verbatim);
    w.Key("score");
    w.Double(p.score);
    w.EndObject();
  }
  w.EndArray();
  w.Key("quotes");
  w.BeginArray();
  for (const SharedQuote& q : r.quotes) {
    w.BeginObject();
    w.Key("text");
    w.String(q.text);
    w.Key("speaker");
    w.StringOrNull(q.speaker);
    w.Key("a_start");
    w.Int(q.a_begin);
    w.Key("a_end");
    w.Int(q.a_end);
    w.Key("b_start");
    w.Int(q.b_begin);
    w.Key("b_end");
    w.Int(q.b_end);
    w.Key("overlap");
    w.Double(q.overlap);
    w.EndObject();
  }
  w.EndArray();
  w.Key("reason");
  w.String(r.reason);
  w.EndObject();
  return w.Take();
}

std::vector<Derivation> FindOriginals(const std::vector<const ArticleFeatures*>& articles,
                                      const CompareOptions& options) {
  const size_t n = articles.size();
  std::vector<Derivation> out(n);
  struct Edge {
    int from, to;
    Relation rel;
    double score;
  };  // from derives from `to`
  std::vector<Edge> edges;
  std::vector<int> wins(n, 0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j) {
      CompareResult r = Compare(*articles[i], *articles[j], options);
      if (!IsDerived(r.relation)) continue;
      int orig = r.original == "b" ? static_cast<int>(j) : static_cast<int>(i);
      int copy = orig == static_cast<int>(i) ? static_cast<int>(j) : static_cast<int>(i);
      edges.push_back({copy, orig, r.relation, r.scores["similarity"]});
      ++wins[orig];
    }
  // Rank: more wins, then more original-looking, then earlier, then input order.
  auto better = [&](int x, int y) {
    if (wins[x] != wins[y]) return wins[x] > wins[y];
    double ox = articles[x]->provenance.originality, oy = articles[y]->provenance.originality;
    if (ox != oy) return ox > oy;
    Timestamp tx = articles[x]->published_ts, ty = articles[y]->published_ts;
    if (tx != ty && tx != kNoTime && ty != kNoTime) return tx < ty;
    return x < y;
  };
  std::vector<int> parent(n, -1);
  for (const Edge& e : edges) {
    int cur = parent[e.from];
    if (cur < 0 || better(e.to, cur)) {
      parent[e.from] = e.to;
      out[e.from].relation = e.rel;
      out[e.from].score = e.score;
    }
  }
  // Follow chains to their root; a cycle (not expected) is cut at its best member.
  for (size_t i = 0; i < n; ++i) {
    int cur = static_cast<int>(i);
    std::vector<char> seen(n, 0);
    while (parent[cur] >= 0 && !seen[cur]) {
      seen[cur] = 1;
      cur = parent[cur];
    }
    out[i].of = cur == static_cast<int>(i) ? -1 : cur;
    if (out[i].of < 0) {
      out[i].relation = Relation::kUnrelated;
      out[i].score = 0;
    }
  }
  return out;
}

}  // namespace storyline
