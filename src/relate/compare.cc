// Copyright storyline authors.
//
// Compare: the relation label of two articles and, for a derived pair, the
// original, from what they share (shared.cc: passages, aligned sentences,
// quotes) and their story similarity. docs/relations.md states the rule; the
// thresholds below are the calibrated values it names.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/json_writer.h"
#include "relate/compare_internal.h"
#include "relate/relate_internal.h"
#include "storyline/relate.h"

namespace storyline {
namespace {

using relate_internal::Alignment;
using relate_internal::Verbatim;

// Calibrated thresholds (docs/relations.md).
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
// Containment: the shorter text lies wholly in the longer one (this share of its
// words inside verbatim matches), which adds at least 1 - kContainsAtMost of its own.
constexpr double kContainedCover = 0.9;
constexpr double kContainsAtMost = 0.9;
// The longer text's additions sit at its edges (a head or a tail) when at most this
// share of them lies between its first and last shared word.
constexpr double kEdgeAdditions = 0.5;
// An added edge is about the shorter text's matter (a continuation the shorter one
// cut) when it carries this share of the weight of the shorter text's key terms.
constexpr size_t kKeyTerms = 10;
constexpr double kEdgeContinues = 0.2;

std::string Fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// Everything the decision rule and the choice of the original weigh.
struct Evidence {
  size_t na = 0, nb = 0;  // tokens of each side
  Verbatim verbatim;
  Alignment alignment;
  size_t shared_full_quotes = 0;
  SimilarityParts sim;
};

// The rewrite condition of the rule (docs/relations.md), past the similarity floor.
bool ShowsRewrite(const Evidence& e) {
  const Verbatim& v = e.verbatim;
  const Alignment& al = e.alignment;
  const SimilarityParts& sim = e.sim;
  const size_t shared_full_quotes = e.shared_full_quotes;
  const double order = al.order;
  double cmax = std::max(v.cont_a, v.cont_b);
  double amin = std::min(al.aligned_a, al.aligned_b);
  double amax = std::max(al.aligned_a, al.aligned_b);
  return cmax >= kRewriteCover ||
         (shared_full_quotes >= 1 && (cmax >= 0.1 || amin >= 0.15) && order >= kRewriteOrder) ||
         (amin >= kRewriteAligned && order >= kRewriteOrder && sim.score >= kSameStory) ||
         (al.aligned.size() >= kRewriteCarriedSentences && amax >= kRewriteCarried &&
          amin >= kRewriteCarriedFloor && order >= kRewriteCarriedOrder && sim.score >= kSameStory);
}

// The same-story condition: similarity, and for long texts specific shared evidence.
bool ShowsSameStory(const ArticleFeatures& a, const ArticleFeatures& b, const Evidence& e) {
  const SimilarityParts& sim = e.sim;
  double amin = std::min(e.alignment.aligned_a, e.alignment.aligned_b);
  return sim.score >= kSameStory &&
         (std::min(a.content_words, b.content_words) < kLongText || sim.names >= kSameStoryNames ||
          e.shared_full_quotes > 0 || sim.numbers >= 0.3 || amin >= 0.2 || sim.lead >= 0.6);
}

// The decision rule (docs/relations.md): the first relation whose condition
// holds, and in *why the evidence that decided it.
Relation Decide(const ArticleFeatures& a, const ArticleFeatures& b, const Evidence& e,
                std::string* why) {
  const Verbatim& v = e.verbatim;
  const Alignment& al = e.alignment;
  const SimilarityParts& sim = e.sim;
  const size_t na = e.na, nb = e.nb;
  double cmin = std::min(v.cont_a, v.cont_b), cmax = std::max(v.cont_a, v.cont_b);
  if (na > 0 && a.content_hash == b.content_hash && na == nb) {
    *why = "same words once normalised";
    return Relation::kDuplicate;
  }
  if (na > 0 && nb > 0 && (cmin >= kNearDuplicateCover || v.jaccard >= kNearDuplicateJaccard)) {
    *why = "shared verbatim: " + Fmt(v.cont_a) + " of a, " + Fmt(v.cont_b) + " of b";
    return Relation::kNearDuplicate;
  }
  if (na > 0 && nb > 0 && sim.score >= kRelated && ShowsRewrite(e)) {
    *why = "derived: " + std::to_string(e.shared_full_quotes) + " shared quotes, verbatim " +
           Fmt(cmax) + ", aligned sentences " + Fmt(al.aligned_a) + "/" + Fmt(al.aligned_b) +
           " in order " + Fmt(al.order);
    return Relation::kRewrite;
  }
  if (ShowsSameStory(a, b, e)) {
    *why = "story similarity " + Fmt(sim.score) + " >= " + Fmt(kSameStory) +
           " with specific shared evidence (names " + Fmt(sim.names) + ", numbers " +
           Fmt(sim.numbers) + ", quotes " + std::to_string(e.shared_full_quotes) + ")";
    return Relation::kSameStory;
  }
  if (sim.score >= kRelated) {
    *why = "story similarity " + Fmt(sim.score) + " >= " + Fmt(kRelated);
    if (sim.score >= kSameStory) {
      *why += " but no specific shared evidence (names " + Fmt(sim.names) + ")";
    }
    return Relation::kRelated;
  }
  *why = "story similarity " + Fmt(sim.score) + " < " + Fmt(kRelated);
  return Relation::kUnrelated;
}

// A text wholly contained in a longer one, and which of the two that makes the
// copy: the cut one, unless all the longer one adds is an edge (a head or a tail)
// about something else, such as site lines or another article's closing.
struct Containment {
  bool applies = false;
  bool longer_is_a = false;
  bool longer_is_original = false;
  bool edges_only = false;    // the additions sit at the longer text's edges
  double edge_key_terms = 0;  // share of the shorter text's key-term weight they carry
};

// How much of short_side's matter long_side's tokens outside [first, last] carry:
// the share of the tf-idf weight of short_side's kKeyTerms key terms (its distinct
// stems of highest tf-idf) that occur there.
double KeyTermsInEdges(const ArticleFeatures& long_side, size_t first, size_t last,
                       const ArticleFeatures& short_side, const TermStats& st) {
  std::unordered_map<uint64_t, double> tf;
  for (uint64_t t : short_side.stems) {
    if (t != 0) tf[t] += 1;
  }
  std::vector<std::pair<double, uint64_t>> key;
  key.reserve(tf.size());
  for (const auto& [t, n] : tf) key.emplace_back(n * st.Idf(t, short_side.lang), t);
  const size_t k = std::min(key.size(), kKeyTerms);
  std::partial_sort(key.begin(), key.begin() + static_cast<std::ptrdiff_t>(k), key.end(),
                    [](const auto& x, const auto& y) {
                      return x.first != y.first ? x.first > y.first : x.second < y.second;
                    });
  std::unordered_set<uint64_t> edges;
  for (size_t i = 0; i < long_side.stems.size(); ++i) {
    if (i < first || i > last) edges.insert(long_side.stems[i]);
  }
  double found = 0, total = 0;
  for (size_t i = 0; i < k; ++i) {
    total += key[i].first;
    if (edges.count(key[i].second)) found += key[i].first;
  }
  return total > 0 ? found / total : 0;
}

Containment FindContainment(const ArticleFeatures& a, const ArticleFeatures& b, const Verbatim& v,
                            const TermStats& st) {
  Containment c;
  c.longer_is_a = a.tokens.size() >= b.tokens.size();
  const ArticleFeatures& lng = c.longer_is_a ? a : b;
  const ArticleFeatures& shrt = c.longer_is_a ? b : a;
  const double cont_short = c.longer_is_a ? v.cont_b : v.cont_a;
  const double cont_long = c.longer_is_a ? v.cont_a : v.cont_b;
  const std::vector<char>& cov = c.longer_is_a ? v.cov_a : v.cov_b;
  if (shrt.tokens.empty() || cont_short < kContainedCover || cont_long > kContainsAtMost) {
    return c;
  }
  c.applies = true;
  const auto first_it = std::find(cov.begin(), cov.end(), 1);
  const size_t first = static_cast<size_t>(first_it - cov.begin());
  const size_t last =
      cov.size() - 1 - static_cast<size_t>(std::find(cov.rbegin(), cov.rend(), 1) - cov.rbegin());
  const size_t added = static_cast<size_t>(std::count(cov.begin(), cov.end(), 0));
  const size_t inside =
      static_cast<size_t>(std::count(cov.begin() + first, cov.begin() + last + 1, 0));
  c.edges_only = added > 0 && double(inside) <= kEdgeAdditions * double(added);
  if (c.edges_only) c.edge_key_terms = KeyTermsInEdges(lng, first, last, shrt, st);
  c.longer_is_original = !c.edges_only || c.edge_key_terms >= kEdgeContinues;
  return c;
}

// Each side's originality for this pair: its provenance score, +0.3 for the
// clearly earlier one; then, for a text contained in the other, +0.2 for the side
// containment names (FindContainment), else -0.1 per unit of material a side adds
// that the other lacks (filler, commentary mark a rewrite).
void PairOriginality(const ArticleFeatures& a, const ArticleFeatures& b, const Evidence& e,
                     const Containment& c, double* oa_out, double* ob_out) {
  const Verbatim& v = e.verbatim;
  const Alignment& al = e.alignment;
  double oa = a.provenance.originality, ob = b.provenance.originality;
  if (a.published_ts != kNoTime && b.published_ts != kNoTime &&
      std::llabs(a.published_ts - b.published_ts) > 3600) {
    (a.published_ts < b.published_ts ? oa : ob) += 0.3;
  }
  if (c.applies) {
    (c.longer_is_a == c.longer_is_original ? oa : ob) += 0.2;
  } else {
    double extra_a = 1.0 - std::max(v.cont_a, al.aligned_a),
           extra_b = 1.0 - std::max(v.cont_b, al.aligned_b);
    oa -= 0.1 * (extra_a - extra_b);
    ob -= 0.1 * (extra_b - extra_a);
  }
  *oa_out = oa;
  *ob_out = ob;
}

// Names the original of a derived pair (the more original side; on a tie the
// fuller text) and says in *why which evidence counted for it.
void PickOriginal(const ArticleFeatures& a, const ArticleFeatures& b, const Evidence& e,
                  const Containment& c, double oa, double ob, CompareResult* r, std::string* why) {
  if (std::fabs(oa - ob) < 1e-9) {
    r->original = e.na >= e.nb ? "a" : "b";
    *why += "; original: the fuller text (no other evidence)";
    return;
  }
  const bool is_a = oa > ob;
  r->original = is_a ? "a" : "b";
  const ArticleFeatures& o = is_a ? a : b;
  const ArticleFeatures& other = is_a ? b : a;
  *why += "; original " + r->original + ":";
  if (o.published_ts != kNoTime && other.published_ts != kNoTime &&
      o.published_ts + 3600 < other.published_ts) {
    *why += " published earlier;";
  }
  if (o.provenance.dateline) *why += " wire dateline (" + o.provenance.agency + ");";
  if (o.provenance.credit) *why += " wire credit;";
  if (c.applies && (c.longer_is_a == is_a) == c.longer_is_original) {
    if (c.longer_is_original) {
      *why += c.edges_only ? " holds all of the other, which is cut short of its continuation;"
                           : " holds all of the other, which is cut from it;";
    } else {
      *why += " the other holds all of it and adds only a head or tail about something else;";
    }
  }
  *why += " originality " + Fmt(std::max(oa, ob)) + " vs " + Fmt(std::min(oa, ob));
}

void FillScores(const Evidence& e, double oa, double ob, std::map<std::string, double>* scores) {
  const SimilarityParts& sim = e.sim;
  auto& s = *scores;
  s["similarity"] = sim.score;
  s["cosine"] = sim.cosine;
  s["names"] = sim.names;
  s["numbers"] = sim.numbers;
  s["quotes"] = sim.quotes;
  s["time"] = sim.time;
  s["containment_a"] = e.verbatim.cont_a;
  s["containment_b"] = e.verbatim.cont_b;
  s["verbatim"] = e.verbatim.jaccard;
  s["aligned_a"] = e.alignment.aligned_a;
  s["aligned_b"] = e.alignment.aligned_b;
  s["order"] = e.alignment.order;
  s["originality_a"] = std::clamp(oa, 0.0, 1.0);
  s["originality_b"] = std::clamp(ob, 0.0, 1.0);
}

}  // namespace

CompareResult Compare(const ArticleFeatures& a, const ArticleFeatures& b,
                      const CompareOptions& options) {
  static const TermStats* background = new TermStats(true);
  const TermStats& st = options.stats ? *options.stats : *background;
  CompareResult r;
  r.a = a.id;
  r.b = b.id;
  Evidence e;
  e.na = a.tokens.size();
  e.nb = b.tokens.size();
  e.verbatim = relate_internal::FindVerbatim(a, b, options.min_passage_words);
  r.shared_passages = std::move(e.verbatim.passages);
  e.alignment = relate_internal::AlignSentences(a, b, st);
  if (options.sentence_alignment) {
    relate_internal::AddAlignedPassages(a, b, e.alignment, e.verbatim.cov_a, &r.shared_passages);
  }
  std::sort(r.shared_passages.begin(), r.shared_passages.end(),
            [](const SharedPassage& x, const SharedPassage& y) { return x.a_start < y.a_start; });
  e.shared_full_quotes = relate_internal::FindSharedQuotes(a, b, &r.quotes);
  e.sim = StorySimilarityParts(a, b, st);

  std::string why;
  r.relation = Decide(a, b, e, &why);
  double oa, ob;
  const Containment containment = FindContainment(a, b, e.verbatim, st);
  PairOriginality(a, b, e, containment, &oa, &ob);
  if (IsDerived(r.relation)) PickOriginal(a, b, e, containment, oa, ob, &r, &why);
  r.reason = why;
  FillScores(e, oa, ob, &r.scores);
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
  w.String(RelationName(r.relation));
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
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) {
      CompareResult r = Compare(*articles[i], *articles[j], options);
      if (!IsDerived(r.relation)) continue;
      int orig = r.original == "b" ? static_cast<int>(j) : static_cast<int>(i);
      int copy = orig == static_cast<int>(i) ? static_cast<int>(j) : static_cast<int>(i);
      edges.push_back({copy, orig, r.relation, r.scores["similarity"]});
      ++wins[orig];
    }
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
