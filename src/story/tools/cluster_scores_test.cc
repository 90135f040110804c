// Copyright storyline authors.
#include "story/tools/cluster_scores.h"

#include <gtest/gtest.h>

#include <random>

namespace storyline::eval {
namespace {

TEST(ScoreClusters, HandMadeExample) {
  // Gold {0,1,2} {3,4}; predicted {0,1} {2,3,4}.
  const ClusterScores s = ScoreClusters({"a", "a", "a", "b", "b"}, {1, 1, 2, 2, 2});
  EXPECT_NEAR(s.bp, 11.0 / 15, 1e-12);  // (1 + 1 + 1/3 + 2/3 + 2/3) / 5
  EXPECT_NEAR(s.br, 11.0 / 15, 1e-12);  // (2/3 + 2/3 + 1/3 + 1 + 1) / 5
  EXPECT_NEAR(s.bf, 11.0 / 15, 1e-12);
  EXPECT_DOUBLE_EQ(s.pp, 0.5);  // 2 right pairs of 4 put together
  EXPECT_DOUBLE_EQ(s.pr, 0.5);  // of 4 gold pairs
  EXPECT_DOUBLE_EQ(s.pf, 0.5);
  EXPECT_EQ(s.clusters, 2u);
}

TEST(ScoreClusters, PerfectAndSingletons) {
  const ClusterScores perfect = ScoreClusters({"x", "x", "y"}, {7, 7, 3});
  EXPECT_DOUBLE_EQ(perfect.bf, 1);
  EXPECT_DOUBLE_EQ(perfect.pf, 1);
  // All apart: BCubed precision 1, recall 1/n per gold cluster member; no pairs.
  const ClusterScores apart = ScoreClusters({"x", "x"}, {1, 2});
  EXPECT_DOUBLE_EQ(apart.bp, 1);
  EXPECT_DOUBLE_EQ(apart.br, 0.5);
  EXPECT_DOUBLE_EQ(apart.pp, 1);
  EXPECT_DOUBLE_EQ(apart.pr, 0);
  EXPECT_EQ(ScoreClusters({}, {}).clusters, 0u);
}

TEST(ScoreLabelledPairs, HandMadeExample) {
  const std::vector<int64_t> pred = {1, 1, 2, 2};
  const PairScores s = ScoreLabelledPairs(
      {{0, 1, true}, {0, 2, true}, {2, 3, false}, {1, 3, false}, {0, 9, true}}, pred);
  EXPECT_EQ(s.together, 2u);
  EXPECT_EQ(s.same, 2u);
  EXPECT_EQ(s.both, 1u);
  EXPECT_DOUBLE_EQ(s.p, 0.5);
  EXPECT_DOUBLE_EQ(s.r, 0.5);
  EXPECT_DOUBLE_EQ(s.f, 0.5);
}

TEST(Agglomerate, StopsAtTheThreshold) {
  std::vector<std::vector<double>> sim = {
      {0, 0.9, 0.1, 0}, {0.9, 0, 0, 0}, {0.1, 0, 0, 0.8}, {0, 0, 0.8, 0}};
  EXPECT_EQ(Agglomerate(sim, 0.5), (std::vector<int64_t>{0, 0, 2, 2}));
  // The two pairs' average link is 0.1 / 4.
  EXPECT_EQ(Agglomerate(sim, 0.03), (std::vector<int64_t>{0, 0, 2, 2}));
  EXPECT_EQ(Agglomerate(sim, 0.02), (std::vector<int64_t>{0, 0, 0, 0}));
  EXPECT_EQ(Agglomerate(sim, 0.95), (std::vector<int64_t>{0, 1, 2, 3}));
}

// The plain O(n^3) average link (every pair rescanned after each merge).
std::vector<int64_t> Reference(std::vector<std::vector<double>> s, double threshold) {
  const size_t n = s.size();
  std::vector<size_t> size(n, 1);
  std::vector<bool> alive(n, true);
  std::vector<int64_t> label(n);
  for (size_t i = 0; i < n; ++i) label[i] = static_cast<int64_t>(i);
  for (;;) {
    double best = -1;
    size_t bi = 0, bj = 0;
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = i + 1; j < n && alive[i]; ++j) {
        const double avg = s[i][j] / (static_cast<double>(size[i]) * static_cast<double>(size[j]));
        if (alive[j] && avg > best) {
          best = avg;
          bi = i;
          bj = j;
        }
      }
    }
    if (best < threshold) break;
    for (size_t k = 0; k < n; ++k) {
      if (!alive[k] || k == bi || k == bj) continue;
      s[bi][k] += s[bj][k];
      s[k][bi] = s[bi][k];
    }
    size[bi] += size[bj];
    alive[bj] = false;
    for (size_t k = 0; k < n; ++k) {
      if (label[k] == static_cast<int64_t>(bj)) label[k] = static_cast<int64_t>(bi);
    }
  }
  return label;
}

TEST(Agglomerate, SameAsRescanningEveryPair) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 20; ++round) {
    const size_t n = 5 + rng() % 40;
    std::vector<std::vector<double>> sim(n, std::vector<double>(n, 0));
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = i + 1; j < n; ++j) {
        // Coarse values so that ties occur and their order is checked too.
        sim[i][j] = sim[j][i] = static_cast<double>(rng() % 10) / 10.0;
      }
    }
    for (double t : {0.05, 0.2, 0.35, 0.5, 0.8}) {
      EXPECT_EQ(Agglomerate(sim, t), Reference(sim, t)) << "n=" << n << " t=" << t;
    }
  }
}

TEST(NoticeTicker, ReutersResultsAndDividendTitles) {
  EXPECT_EQ(NoticeTicker("COBANCO INC <CBCO> YEAR NET"), "CBCO");
  EXPECT_EQ(NoticeTicker("EMHART CORP <EMH> QTLY DIVIDEND"), "EMH");
  EXPECT_EQ(NoticeTicker("PLASTI-LINE INC <SIGN.O> 1ST QTR NET"), "SIGN");
  EXPECT_EQ(NoticeTicker("BROWN TRANSPORT <BTCU> DECLARES FIRST PAYOUT"), "BTCU");
  EXPECT_EQ(NoticeTicker("AFFILIATED PUBLICATIONS <AFP> QUARTERLY DIV"), "AFP");
  EXPECT_EQ(NoticeTicker("CASEY'S GENERAL STORES INC <CASY> 3RD QTR JAN 31"), "CASY");
}

TEST(NoticeTicker, OtherTitles) {
  EXPECT_EQ(NoticeTicker("BAHIA COCOA REVIEW"), "");
  EXPECT_EQ(NoticeTicker("SUFFIELD FINANCIAL CORP <SFCP> SELLS STOCK"), "");      // no results word
  EXPECT_EQ(NoticeTicker("SNET <SNG> COMPLETES PRATT/WHITNEY <UTC> ORDER"), "");  // two tickers
  EXPECT_EQ(NoticeTicker("AMERICUS TRUST <ATU> AND <ATP> INITIAL DIVIDEND"), "");
  EXPECT_EQ(NoticeTicker("<Airbus Industrie> NET PROFIT UP"), "");  // a name, not a ticker
  EXPECT_EQ(NoticeTicker("ACME <NET> TO BUY PLANT"), "");           // the word inside the brackets
  EXPECT_EQ(NoticeTicker("BROKEN <ABC QTR NET"), "");
}

TEST(ScoreNoticePurity, CountsMixedStories) {
  // Story 1 holds notices of A and B (impure), story 3 only C's.
  const NoticePurity p = ScoreNoticePurity({"A", "A", "B", "", "C"}, {1, 1, 1, 2, 3}, 3);
  EXPECT_EQ(p.notices, 4u);
  EXPECT_EQ(p.pure, 1u);
  EXPECT_EQ(p.in_big, 3u);
}

}  // namespace
}  // namespace storyline::eval
