// Copyright storyline authors.
//
// The story engine's internal pieces, shared by engine.cc, summary.cc and the
// evaluation tool: an analysed article (relate's features plus its date and
// weighted vectors) and the sparse-vector helpers.
#ifndef STORYLINE_STORY_STORY_INTERNAL_H_
#define STORYLINE_STORY_STORY_INTERNAL_H_

#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "storyline/article.h"
#include "storyline/dates.h"
#include "storyline/relate.h"
#include "storyline/story.h"

namespace storyline::story_internal {

// (key, weight) sorted by key.
using SparseVec = std::vector<std::pair<uint64_t, float>>;

// An article analysed for the story engine: relate's features (computed on any
// thread) and its date. The weighted vectors are filled in order by the engine,
// with the term statistics of that moment (so the result does not depend on threads).
struct StoryDoc {
  Article meta;  // text kept (relations and summaries need it)
  ArticleFeatures f;
  DateEstimate date;
};

}  // namespace storyline::story_internal

namespace storyline {
struct PreparedArticle {
  story_internal::StoryDoc doc;
};
}  // namespace storyline

namespace storyline::story_internal {

// Analyses one article (thread-safe).
StoryDoc AnalyzeForStory(const Article& a);

// Keys of names and numbers live in the same 64-bit space as terms: salt them.
inline uint64_t NameKey(uint64_t k) { return k ^ 0x9e3779b97f4a7c15ULL; }
inline uint64_t NumberKey(uint64_t k) { return k ^ 0xc2b2ae3d27d4eb4fULL; }

// Log-tf * idf weights of a document's terms, L2-normalised, sorted by key.
SparseVec TermVector(const ArticleFeatures& f, const TermStats& stats);
// Idf-weighted binary vector of name keys, L2-normalised.
SparseVec NameVector(const ArticleFeatures& f, const TermStats& stats);
// The names an article is about, whole ("north korea", "vladimir putin"), weighted
// by 1 + ln(mentions), L2-normalised: what topics are linked by (the recurring
// actors matter there, however common they are).
SparseVec SalientNameVector(const ArticleFeatures& f);
// Binary vector of numbers and years, L2-normalised.
SparseVec NumberVector(const ArticleFeatures& f);

// Dot of two sorted sparse vectors; the products are summed in key order.
double Dot(const SparseVec& a, const SparseVec& b);
// Euclidean norm (the squares summed in key order).
double Norm(const SparseVec& v);

// An extractive summary of the given members' texts against a centroid:
// 3-5 sentences, original's sentences preferred, redundancy removed.
struct SummaryInput {
  const StoryDoc* doc;
  bool is_original;
};
std::vector<std::string> Summarize(const std::vector<SummaryInput>& members,
                                   const SparseVec& centroid, const TermStats& stats);

// Collapses whitespace runs to single spaces and trims.
std::string CleanSpaces(std::string_view s);

}  // namespace storyline::story_internal

#endif  // STORYLINE_STORY_STORY_INTERNAL_H_
