// Copyright storyline authors.
//
// Speed of src/relate (scripts/bench-relate):
//  - Compare of two 1,000-word articles (analysed, and analysis included);
//  - PairScorer over many pairs (100k by default) on 1 and 2 threads, pairs/s.
// Each benchmark checks its answer: the compare pair must come out `rewrite`
// (b is built from a rewrite of a), and every thread count must give the same
// scores as one thread.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "storyline/relate.h"

namespace sl = storyline;

namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The first `words` words of the concatenated files (whitespace kept).
std::string Words(const std::vector<std::string>& files, size_t words) {
  std::string all;
  for (const auto& f : files)
    all += Slurp(std::string(STORYLINE_SOURCE_DIR) + "/demo/" + f) + "\n\n";
  size_t n = 0, i = 0;
  bool in = false;
  for (; i < all.size(); ++i) {
    bool space = all[i] == ' ' || all[i] == '\n';
    if (!space && !in && ++n > words) break;
    in = !space;
  }
  return all.substr(0, i);
}

// A ~1,000-word article made of the words of the given seeds, in order.
sl::Article SeedMix(const char* id, const std::vector<std::string>& files) {
  sl::Article x;
  x.id = id;
  x.text = Words(files, 1000);
  return x;
}

const sl::Article& ArticleA() {
  static const sl::Article a = SeedMix(
      "a", {"002_fe51a37dbb415eaa.txt", "004_a62b8a648886d1d4.txt", "003_fc802517088b5e08.txt"});
  return a;
}
const sl::Article& ArticleB() {
  static const sl::Article b = SeedMix(
      "b", {"001_c28f1e39ad1e51fe.txt", "000_ccb038054484d1e6.txt", "004_a62b8a648886d1d4.txt"});
  return b;
}

void BM_CompareAnalysed(benchmark::State& state) {
  sl::ArticleFeatures fa = sl::AnalyzeArticle(ArticleA()), fb = sl::AnalyzeArticle(ArticleB());
  sl::TermStats stats;
  sl::CompareOptions opt;
  opt.stats = &stats;
  sl::CompareResult r;
  for (auto _ : state) {
    r = sl::Compare(fa, fb, opt);
    benchmark::DoNotOptimize(r);
  }
  if (!sl::IsDerived(r.relation))
    state.SkipWithError(
        ("expected a derived relation, got " + std::string(RelationName(r.relation))).c_str());
  state.counters["words_a"] = static_cast<double>(fa.tokens.size());
  state.counters["words_b"] = static_cast<double>(fb.tokens.size());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CompareAnalysed)->Unit(benchmark::kMicrosecond);

void BM_CompareArticles(benchmark::State& state) {
  sl::CompareResult r;
  for (auto _ : state) {
    r = sl::Compare(ArticleA(), ArticleB(), {});
    benchmark::DoNotOptimize(r);
  }
  if (!sl::IsDerived(r.relation)) state.SkipWithError("expected a derived relation");
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * (ArticleA().text.size() + ArticleB().text.size()));
}
BENCHMARK(BM_CompareArticles)->Unit(benchmark::kMicrosecond);

// Pairs: SemEval texts when ../shared/data is there, else paragraphs of the seeds.
const std::vector<sl::ArticlePair>& BasePairs() {
  static std::vector<sl::ArticlePair> pairs = [] {
    std::vector<sl::ArticlePair> out;
    std::string path =
        std::string(STORYLINE_SOURCE_DIR) + "/../shared/data/semeval2022-task8/train.jsonl";
    auto reader = sl::PairReader::Open(path, nullptr);
    if (reader.ok()) {
      sl::ArticlePair p;
      while (true) {
        auto more = (*reader)->Next(&p);
        if (!more.ok() || !*more) break;
        out.push_back(p);
      }
    }
    if (out.empty()) {
      std::vector<std::string> paras;
      for (const char* f :
           {"000_ccb038054484d1e6.txt", "001_c28f1e39ad1e51fe.txt", "002_fe51a37dbb415eaa.txt",
            "003_fc802517088b5e08.txt", "004_a62b8a648886d1d4.txt"}) {
        std::stringstream ss(Slurp(std::string(STORYLINE_SOURCE_DIR) + "/demo/" + f));
        std::string line;
        while (std::getline(ss, line))
          if (line.size() > 200) paras.push_back(line);
      }
      for (size_t i = 0; i < paras.size(); ++i)
        for (size_t j = i + 1; j < paras.size(); ++j)
          out.push_back({std::to_string(i), paras[i], std::to_string(j), paras[j], "en", "en"});
    }
    return out;
  }();
  return pairs;
}

double ProcessCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         1e-6 * (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

std::vector<sl::PairScore> ScoreAll(size_t n, int threads) {
  const auto& base = BasePairs();
  sl::PairScorer scorer(threads);
  std::vector<sl::PairScore> all;
  std::vector<sl::ArticlePair> batch;
  for (size_t i = 0; i < n; ++i) {
    batch.push_back(base[i % base.size()]);
    if (batch.size() == 4096 || i + 1 == n) {
      auto s = scorer.ScoreBatch(batch);
      all.insert(all.end(), s.begin(), s.end());
      batch.clear();
    }
  }
  return all;
}

void BM_SimilarityPairs(benchmark::State& state) {
  size_t n = static_cast<size_t>(state.range(0));
  int threads = static_cast<int>(state.range(1));
  std::vector<sl::PairScore> got;
  // CPU time of the whole process (every worker thread), not just this thread's:
  // on a shared machine it is the figure that does not depend on the load.
  double cpu0 = ProcessCpuSeconds();
  for (auto _ : state) got = ScoreAll(n, threads);
  double cpu = ProcessCpuSeconds() - cpu0;
  if (threads > 1) {
    // The answer must not depend on the thread count (checked on a prefix).
    size_t m = std::min<size_t>(n, 8192);
    std::vector<sl::PairScore> ref = ScoreAll(m, 1);
    for (size_t i = 0; i < m; ++i)
      if (ref[i].score != got[i].score) {
        state.SkipWithError("scores differ between 1 and N threads");
        break;
      }
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["pairs_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * n), benchmark::Counter::kIsRate);
  state.counters["pairs"] = static_cast<double>(state.iterations() * n);
  state.counters["threads"] = threads;
  state.counters["cpu_us_per_pair"] = 1e6 * cpu / static_cast<double>(state.iterations() * n);
}
BENCHMARK(BM_SimilarityPairs)
    ->ArgNames({"pairs", "threads"})
    ->Args({100000, 1})
    ->Args({100000, 2})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
