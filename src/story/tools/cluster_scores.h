// Copyright storyline authors.
//
// Shared by the story evaluation programs (story_eval, story_sets): scores of a
// clustering against gold labels, the TF-IDF cosine + average-link agglomerative
// baseline, and the Reuters-21578 notice parser used by story_sets' purity check.
// Development tools only; not part of the library.
#ifndef STORYLINE_STORY_TOOLS_CLUSTER_SCORES_H_
#define STORYLINE_STORY_TOOLS_CLUSTER_SCORES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storyline/article.h"

namespace storyline::eval {

// BCubed and pairwise precision/recall/F1 of a clustering, and its cluster count.
struct ClusterScores {
  double bp = 0, br = 0, bf = 0, pp = 0, pr = 0, pf = 0;
  size_t clusters = 0;
};

// Scores `pred` against `gold` (one label each per item, same length). BCubed
// averages per item; pairwise counts the item pairs put together. An empty
// input scores 0; a side with no pairs at all has pairwise precision (recall) 1.
ClusterScores ScoreClusters(const std::vector<std::string>& gold, const std::vector<int64_t>& pred);

// A hand-labelled pair of items (indices into the clustering).
struct LabelledPair {
  size_t a = 0, b = 0;
  bool same = false;
};

struct PairScores {
  double p = 0, r = 0, f = 0;
  size_t together = 0;  // labelled pairs the clustering puts together
  size_t same = 0;      // labelled pairs marked same
  size_t both = 0;      // both of the above
};

// Pairwise precision/recall/F1 of `pred` against labelled pairs: precision over
// the labelled pairs put together, recall over the pairs labelled same (1 when
// the respective set is empty). Pairs naming an index outside `pred` are skipped.
PairScores ScoreLabelledPairs(const std::vector<LabelledPair>& pairs,
                              const std::vector<int64_t>& pred);

// TF-IDF cosine between every two articles (statistics from `docs` themselves):
// a symmetric matrix with a zero diagonal.
std::vector<std::vector<double>> TfIdfMatrix(const std::vector<Article>& docs);

// Average-link agglomerative clustering over the similarity matrix `sim`: merges
// the two clusters of highest average pair similarity (the first such pair in
// index order) until it falls below `threshold`. Returns a label per item (the
// smallest index of its cluster).
std::vector<int64_t> Agglomerate(std::vector<std::vector<double>> sim, double threshold);

// The ticker of a Reuters-style results or dividend notice title, such as
// "COBANCO INC <CBCO> YEAR NET" or "EMHART CORP <EMH> QTLY DIVIDEND" ("CBCO",
// "EMH"; an exchange suffix like ".O" dropped): the title names exactly one
// bracketed ticker (uppercase letters, digits, '.', '-'; at most 8 characters)
// and holds a results or dividend word (NET, QTR, QTLY, DIVIDEND, DIV, PAYOUT,
// EARNINGS, PROFIT, LOSS, SHR, ...). Empty for any other title.
std::string NoticeTicker(std::string_view title);

// How pure the clusters of notices are.
struct NoticePurity {
  size_t notices = 0;  // items with a ticker
  size_t pure = 0;     // of which in a cluster holding no notice of another ticker
  size_t in_big = 0;   // of which in a cluster of `big` items or more (notices or not)
};

// `tickers` has one entry per item of `pred` (empty: not a notice).
NoticePurity ScoreNoticePurity(const std::vector<std::string>& tickers,
                               const std::vector<int64_t>& pred, size_t big);

}  // namespace storyline::eval

#endif  // STORYLINE_STORY_TOOLS_CLUSTER_SCORES_H_
