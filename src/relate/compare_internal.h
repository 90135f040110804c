// Copyright storyline authors.
//
// What two articles share, as Compare weighs it (shared.cc): verbatim
// passages, near-verbatim sentences aligned one to one (or one to two), and
// quotes.
#ifndef STORYLINE_RELATE_COMPARE_INTERNAL_H_
#define STORYLINE_RELATE_COMPARE_INTERNAL_H_

#include <cstdint>
#include <vector>

#include "storyline/relate.h"

namespace storyline::relate_internal {

// Verbatim matches: word shingles seeded and extended, a small edit bridged.
struct Verbatim {
  double jaccard = 0;                   // shingle Jaccard of the two texts
  double cont_a = 0, cont_b = 0;        // share of each side's tokens inside a match
  std::vector<char> cov_a;              // per token of a: inside a match
  std::vector<char> cov_b;              // per token of b: inside a match
  std::vector<SharedPassage> passages;  // matches of min_passage_words or more
};
Verbatim FindVerbatim(const ArticleFeatures& a, const ArticleFeatures& b,
                      uint32_t min_passage_words);

// Sentences of A aligned to B's: sentence ranges [a0, a1) and [b0, b1).
struct AlignPair {
  uint32_t a0, a1, b0, b1;
  double score;
};
struct Alignment {
  std::vector<AlignPair> aligned;       // one to one or one to two, ordered by a0
  double aligned_a = 0, aligned_b = 0;  // share of each side's sentences (3+ terms) aligned
  double order = 0;                     // share of the aligned pairs in B's order (LIS)
};
// Greedy best-first alignment of the sentences whose "same content" score
// reaches kSameContentThreshold.
Alignment AlignSentences(const ArticleFeatures& a, const ArticleFeatures& b, const TermStats& st);
// Appends a passage per aligned pair that the verbatim passages (`cov_a`) do not
// already mostly show.
void AddAlignedPassages(const ArticleFeatures& a, const ArticleFeatures& b,
                        const Alignment& alignment, const std::vector<char>& cov_a,
                        std::vector<SharedPassage>* passages);

// Appends to `out` each quote of a that b quotes too (80%+ of the shorter one's
// words); returns how many of them are full quotes on both sides.
size_t FindSharedQuotes(const ArticleFeatures& a, const ArticleFeatures& b,
                        std::vector<SharedQuote>* out);

}  // namespace storyline::relate_internal

#endif  // STORYLINE_RELATE_COMPARE_INTERNAL_H_
