// Copyright storyline authors.
//
// story_sets: story clustering on every development set in one run, each at the
// engine's DEFAULT StoryOptions (nothing tuned, nothing read from the
// environment), beside the TF-IDF cosine + average-link agglomerative baseline at
// one fixed threshold (kBaselineThreshold) for every set. scripts/eval-stories
// runs it. Sets (each skipped with a message when its file is absent; DATA is
// ../shared/data):
//  - ECB+ train and dev apart (DATA/ecbplus/train-dev.jsonl): BCubed and pairwise
//    P/R/F1 against `cluster`, fed in a shuffled order (the file is grouped by
//    topic): the fixed seed and the mean of five seeds.
//  - Gedikli story chains (DATA/gedikli_story_chains): in time order, BCubed against
//    `cluster` and pairwise against the exhaustive pair labels of pairs.jsonl.
//  - NewsWCL50 (DATA/newswcl50/data.jsonl): shuffled, BCubed.
//  - The seeds (demo/): PASS/FAIL for the grouping ../shared/seeds/README.md asks.
//  - Reuters-21578 (DATA/reuters21578/data.jsonl), whole file in time order: the
//    purity of stories over results and dividend notices naming one ticker, and
//    the largest stories with sample titles.
// Ends with a summary table (set, measure, storyline, baseline, difference);
// --summary FILE writes its rows to FILE as TSV instead (set, measure, storyline,
// baseline or "n/a"), for scripts/eval-stories to add rows and print it.
//
//   story_sets [--data DIR] [--seeds DIR] [--seed N] [--summary FILE] [--only SET]
// SET is one of ecb, gedikli, newswcl, seeds, reuters.
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "story/story_internal.h"
#include "story/tools/cluster_scores.h"
#include "storyline/ingest.h"
#include "storyline/story.h"

using namespace storyline;
using storyline::eval::ClusterScores;

namespace {

// The baseline's one threshold for every set: the average TF-IDF cosine at which
// agglomeration stops. Chosen once, as the value story_eval's baseline picks on
// ECB+ train; never tuned per set.
constexpr double kBaselineThreshold = 0.30;
// Shuffled sets: the fixed seed (story_eval's) and how many orders the mean takes.
constexpr uint64_t kDefaultSeed = 20240601;
constexpr int kOrders = 5;
// Reuters: stories of this many members or more count as big; the baseline runs
// on the notices plus this many other articles drawn at random (all 19k articles
// would need a 2.9 GB similarity matrix and 181 million cosines).
constexpr size_t kBigStory = 50;
constexpr size_t kBaselineSample = 2000;

struct Args {
  std::string data = std::string(STORYLINE_SOURCE_DIR) + "/../shared/data";
  std::string seeds = std::string(STORYLINE_SOURCE_DIR) + "/demo";
  std::string summary;
  std::string only;
  uint64_t seed = kDefaultSeed;
};

struct Row {
  std::string set, measure;
  double ours = 0, base = NAN;
  bool percent = false;
};
std::vector<Row> g_rows;

struct Labels {
  std::string cluster, split;
};

// A labelled set as `storyline cluster` reads it (the ingest reader), with each
// record's gold `cluster` and `split` (by id).
struct Set {
  std::vector<Article> articles;
  std::vector<Labels> gold;
};

bool Exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

std::unordered_map<std::string, Labels> ReadLabels(const std::string& path) {
  std::unordered_map<std::string, Labels> out;
  simdjson::ondemand::parser parser;
  simdjson::padded_string json;
  if (simdjson::padded_string::load(path).get(json)) return out;
  simdjson::ondemand::document_stream stream;
  if (parser.iterate_many(json).get(stream)) return out;
  for (auto d : stream) {
    simdjson::ondemand::object o;
    if (d.get_object().get(o)) continue;
    std::string id;
    Labels l;
    for (auto f : o) {
      std::string_view k, s;
      if (f.unescaped_key().get(k)) break;
      if (f.value().get_string().get(s)) continue;
      if (k == "id") id = s;
      if (k == "cluster") l.cluster = s;
      if (k == "split") l.split = s;
    }
    out[id] = l;
  }
  return out;
}

bool LoadSet(const std::string& path, Set* out) {
  if (!Exists(path)) {
    std::printf("  %s absent: skipped\n", path.c_str());
    return false;
  }
  Result<std::vector<Article>> read = ReadAllArticles({path}, IngestOptions{});
  if (!read.ok()) {
    std::printf("  cannot read %s: %s: skipped\n", path.c_str(), read.status().message().c_str());
    return false;
  }
  const auto labels = ReadLabels(path);
  size_t unlabelled = 0;
  for (Article& a : *read) {
    auto it = labels.find(a.id);
    if (it == labels.end() || it->second.cluster.empty()) {
      ++unlabelled;
      continue;
    }
    out->gold.push_back(it->second);
    out->articles.push_back(std::move(a));
  }
  if (unlabelled > 0) std::printf("  %zu articles without a gold cluster left out\n", unlabelled);
  return !out->articles.empty();
}

Set Subset(const Set& all, const std::string& split) {
  Set out;
  for (size_t i = 0; i < all.articles.size(); ++i) {
    if (all.gold[i].split != split) continue;
    out.articles.push_back(all.articles[i]);
    out.gold.push_back(all.gold[i]);
  }
  return out;
}

std::vector<std::string> Clusters(const Set& s) {
  std::vector<std::string> g;
  g.reserve(s.gold.size());
  for (const Labels& l : s.gold) g.push_back(l.cluster);
  return g;
}

// Fisher-Yates with mt19937_64 (portable, unlike std::shuffle), as story_eval.
std::vector<size_t> Shuffled(size_t n, uint64_t seed) {
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::mt19937_64 rng(seed);
  for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
  return order;
}

using Analysis = std::vector<story_internal::StoryDoc>;

// The engine's analysis of every article, once (on two threads).
Analysis Analyse(const std::vector<Article>& articles) {
  Analysis out(articles.size());
  auto work = [&](size_t from) {
    for (size_t i = from; i < articles.size(); i += 2) {
      out[i] = story_internal::AnalyzeForStory(articles[i]);
    }
  };
  std::thread t(work, 1);
  work(0);
  t.join();
  return out;
}

// The online engine at its default options over the articles in `order`; the
// story of each article, by index.
std::vector<int64_t> RunOnline(const Analysis& docs, const std::vector<size_t>& order) {
  StoryEngine engine(StoryOptions{});
  for (size_t i : order) engine.AddPrepared(PreparedArticlePtr(new PreparedArticle{docs[i]}));
  const std::vector<Assignment> as = engine.FinalAssignments();
  std::vector<int64_t> pred(docs.size(), -1);
  for (size_t k = 0; k < order.size() && k < as.size(); ++k) pred[order[k]] = as[k].story;
  return pred;
}

// The engine at its default options in time order, as `storyline cluster` runs it.
std::vector<int64_t> RunTimeOrder(const std::vector<Article>& articles) {
  StoryEngine engine(StoryOptions{});
  std::vector<Assignment> as = engine.AddAll(articles, 2);
  std::vector<int64_t> pred;
  pred.reserve(as.size());
  for (const Assignment& a : as) pred.push_back(a.story);
  return pred;
}

std::vector<int64_t> RunBaseline(const std::vector<Article>& articles) {
  return eval::Agglomerate(eval::TfIdfMatrix(articles), kBaselineThreshold);
}

void Print(const std::string& what, const ClusterScores& s) {
  std::printf(
      "  %-40s BCubed P %.3f R %.3f F1 %.3f | pairwise P %.3f R %.3f F1 %.3f | %zu clusters\n",
      what.c_str(), s.bp, s.br, s.bf, s.pp, s.pr, s.pf, s.clusters);
}

ClusterScores Mean(const std::vector<ClusterScores>& v) {
  ClusterScores m;
  double clusters = 0;
  for (const ClusterScores& s : v) {
    const double w = 1.0 / static_cast<double>(v.size());
    m.bp += s.bp * w;
    m.br += s.br * w;
    m.bf += s.bf * w;
    m.pp += s.pp * w;
    m.pr += s.pr * w;
    m.pf += s.pf * w;
    clusters += static_cast<double>(s.clusters) * w;
  }
  m.clusters = static_cast<size_t>(std::lround(clusters));
  return m;
}

// A shuffled set: the online engine over kOrders orders (the fixed seed printed
// apart), the mean, and the baseline. Adds summary rows (means) under `name`.
void EvalShuffled(const std::string& name, const Set& set, uint64_t seed, bool pairwise_row) {
  const Analysis docs = Analyse(set.articles);
  const std::vector<std::string> gold = Clusters(set);
  std::vector<ClusterScores> runs;
  runs.reserve(kOrders);
  for (int k = 0; k < kOrders; ++k) {
    runs.push_back(eval::ScoreClusters(
        gold, RunOnline(docs, Shuffled(docs.size(), seed + static_cast<uint64_t>(k)))));
  }
  std::printf("%s: %zu texts, %zu gold clusters\n", name.c_str(), set.articles.size(),
              std::set<std::string>(gold.begin(), gold.end()).size());
  Print("storyline online, seed " + std::to_string(seed), runs[0]);
  const ClusterScores mean = Mean(runs);
  Print("storyline online, mean of " + std::to_string(kOrders) + " seeds", mean);
  const ClusterScores base = eval::ScoreClusters(gold, RunBaseline(set.articles));
  char t[64];
  std::snprintf(t, sizeof t, "baseline TF-IDF+agglomerative t=%.2f", kBaselineThreshold);
  Print(t, base);
  g_rows.push_back(
      {name, "BCubed F1 (mean of " + std::to_string(kOrders) + " orders)", mean.bf, base.bf});
  if (pairwise_row) {
    g_rows.push_back(
        {name, "pairwise F1 (mean of " + std::to_string(kOrders) + " orders)", mean.pf, base.pf});
  }
}

void EvalEcb(const Args& args) {
  std::printf("=== ECB+ (shuffled; default options; baseline t=%.2f)\n", kBaselineThreshold);
  Set all;
  if (!LoadSet(args.data + "/ecbplus/train-dev.jsonl", &all)) return;
  for (const char* split : {"train", "dev"}) {
    const Set s = Subset(all, split);
    if (s.articles.empty()) {
      std::printf("  no %s texts: skipped\n", split);
      continue;
    }
    EvalShuffled(std::string("ECB+ ") + split, s, args.seed, true);
  }
}

std::vector<eval::LabelledPair> ReadPairs(const std::string& path, const Set& set) {
  std::vector<eval::LabelledPair> out;
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < set.articles.size(); ++i) index[set.articles[i].id] = i;
  simdjson::ondemand::parser parser;
  simdjson::padded_string json;
  if (simdjson::padded_string::load(path).get(json)) return out;
  simdjson::ondemand::document_stream stream;
  if (parser.iterate_many(json).get(stream)) return out;
  size_t unknown = 0;
  for (auto d : stream) {
    std::string_view a, b;
    bool same = false;
    simdjson::ondemand::object o;
    if (d.get_object().get(o) || o["a"].get_string().get(a) || o["b"].get_string().get(b) ||
        o["same_story"].get_bool().get(same)) {
      ++unknown;
      continue;
    }
    auto ia = index.find(std::string(a)), ib = index.find(std::string(b));
    if (ia == index.end() || ib == index.end()) {
      ++unknown;
      continue;
    }
    out.push_back({ia->second, ib->second, same});
  }
  if (unknown > 0) std::printf("  %zu pairs unreadable or naming unknown ids, left out\n", unknown);
  return out;
}

void EvalGedikli(const Args& args) {
  std::printf("=== Gedikli story chains (time order; default options; baseline t=%.2f)\n",
              kBaselineThreshold);
  const std::string dir = args.data + "/gedikli_story_chains";
  Set set;
  if (!LoadSet(dir + "/data.jsonl", &set)) return;
  const std::vector<std::string> gold = Clusters(set);
  const std::vector<int64_t> ours = RunTimeOrder(set.articles);
  const std::vector<int64_t> base = RunBaseline(set.articles);
  const ClusterScores so = eval::ScoreClusters(gold, ours), sb = eval::ScoreClusters(gold, base);
  std::printf("  %zu texts\n", set.articles.size());
  Print("storyline online (vs cluster)", so);
  Print("baseline (vs cluster)", sb);
  g_rows.push_back({"Gedikli", "BCubed F1", so.bf, sb.bf});
  if (!Exists(dir + "/pairs.jsonl")) {
    std::printf("  %s/pairs.jsonl absent: pair scores skipped\n", dir.c_str());
    return;
  }
  const std::vector<eval::LabelledPair> pairs = ReadPairs(dir + "/pairs.jsonl", set);
  const eval::PairScores po = eval::ScoreLabelledPairs(pairs, ours),
                         pb = eval::ScoreLabelledPairs(pairs, base);
  std::printf("  %zu labelled pairs, %zu same-story\n", pairs.size(), po.same);
  for (auto [what, p] : {std::pair{"storyline online", &po}, std::pair{"baseline", &pb}}) {
    std::printf("  %-40s pairs P %.3f R %.3f F1 %.3f (%zu put together)\n",
                (std::string(what) + " (vs pairs.jsonl)").c_str(), p->p, p->r, p->f, p->together);
  }
  g_rows.push_back({"Gedikli", "pairwise F1 (pairs.jsonl)", po.f, pb.f});
}

void EvalNewsWcl(const Args& args) {
  std::printf("=== NewsWCL50 (shuffled; default options; baseline t=%.2f)\n", kBaselineThreshold);
  Set set;
  if (!LoadSet(args.data + "/newswcl50/data.jsonl", &set)) return;
  EvalShuffled("NewsWCL50", set, args.seed, false);
}

// The seeds' index by the number their file name starts with ("002_...").
std::map<std::string, size_t> SeedIndex(const std::vector<Article>& articles) {
  std::map<std::string, size_t> out;
  for (size_t i = 0; i < articles.size(); ++i) out[articles[i].id.substr(0, 3)] = i;
  return out;
}

bool Alone(const std::vector<int64_t>& story, size_t i) {
  return std::count(story.begin(), story.end(), story[i]) == 1;
}

// What ../shared/seeds/README.md asks of the grouping: PASS/FAIL lines; returns
// the checks passed (grouping ones, all ones).
std::pair<int, int> SeedChecks(const std::map<std::string, size_t>& ix,
                               const std::vector<Assignment>& as, bool grouping_only) {
  const size_t s2 = ix.at("002"), s1 = ix.at("001"), s0 = ix.at("000"), s3 = ix.at("003"),
               s4 = ix.at("004");
  std::vector<int64_t> story;
  story.reserve(as.size());
  for (const Assignment& a : as) story.push_back(a.story);
  auto rewrite_of_002 = [&](size_t i) {
    return as[i].relation == Relation::kRewrite && as[i].of == as[s2].id;
  };
  struct Check {
    const char* what;
    bool grouping, pass;
  };
  const std::vector<Check> checks = {
      {"002, 001, 000 in one story", true, story[s2] == story[s1] && story[s2] == story[s0]},
      {"003 in a story of its own", true, Alone(story, s3)},
      {"004 in a story of its own", true, Alone(story, s4)},
      {"002 the original of its story", false, as[s2].relation == Relation::kOriginal},
      {"001 a rewrite of 002", false, rewrite_of_002(s1)},
      {"000 a rewrite of 002", false, rewrite_of_002(s0)},
      {"003 in the first story's topic", false, as[s3].topic == as[s2].topic},
      {"004 in the first story's topic", false, as[s4].topic == as[s2].topic}};
  int grouping = 0, all = 0;
  for (const Check& c : checks) {
    if (grouping_only && !c.grouping) continue;
    std::printf("  %s %s\n", c.pass ? "PASS" : "FAIL", c.what);
    grouping += c.grouping && c.pass ? 1 : 0;
    all += c.pass ? 1 : 0;
  }
  return {grouping, all};
}

void EvalSeeds(const Args& args) {
  std::printf("=== Seeds (%s; time order; default options)\n", args.seeds.c_str());
  if (!Exists(args.seeds)) {
    std::printf("  %s absent: skipped\n", args.seeds.c_str());
    return;
  }
  Result<std::vector<Article>> read = ReadAllArticles({args.seeds}, IngestOptions{});
  if (!read.ok()) {
    std::printf("  cannot read %s: %s: skipped\n", args.seeds.c_str(),
                read.status().message().c_str());
    return;
  }
  const auto ix = SeedIndex(*read);
  for (const char* k : {"000", "001", "002", "003", "004"}) {
    if (ix.count(k) == 0) {
      std::printf("  seed %s absent: skipped\n", k);
      return;
    }
  }
  StoryEngine engine(StoryOptions{});
  const std::vector<Assignment> as = engine.AddAll(*read, 2);
  for (const Assignment& a : as) {
    std::printf("  %-22s story %lld topic %lld %s%s%s\n", a.id.c_str(),
                static_cast<long long>(a.story), static_cast<long long>(a.topic),
                RelationName(a.relation), a.of.empty() ? "" : " of ", a.of.c_str());
  }
  const auto [grouping, all] = SeedChecks(ix, as, false);
  std::printf("  baseline t=%.2f (grouping only):\n", kBaselineThreshold);
  const std::vector<int64_t> base = RunBaseline(*read);
  std::vector<Assignment> bas(base.size());
  for (size_t i = 0; i < base.size(); ++i) bas[i].story = base[i];
  const int base_grouping = SeedChecks(ix, bas, true).first;
  g_rows.push_back({"Seeds", "grouping checks passed (of 3)", static_cast<double>(grouping),
                    static_cast<double>(base_grouping)});
  g_rows.push_back({"Seeds", "all checks passed (of 8)", static_cast<double>(all), NAN});
}

std::vector<std::string> Tickers(const std::vector<Article>& articles) {
  std::vector<std::string> out;
  out.reserve(articles.size());
  for (const Article& a : articles) out.push_back(eval::NoticeTicker(a.title));
  return out;
}

void PrintPurity(const char* who, const eval::NoticePurity& p) {
  const double n = std::max<double>(1, static_cast<double>(p.notices));
  std::printf(
      "  %-28s %zu notices; %.1f%% in a story with no other company's notice; %zu (%.1f%%) "
      "in stories of >= %zu members\n",
      who, p.notices, 100.0 * static_cast<double>(p.pure) / n, p.in_big,
      100.0 * static_cast<double>(p.in_big) / n, kBigStory);
}

// The 10 largest stories (size, notices, three titles: first, middle, last in
// time) and the count of stories over 100 members.
void PrintLargest(const std::vector<Article>& articles, const std::vector<int64_t>& story,
                  const std::vector<std::string>& tickers) {
  std::map<int64_t, std::vector<size_t>> members;
  for (size_t i = 0; i < story.size(); ++i) members[story[i]].push_back(i);
  std::vector<std::pair<size_t, int64_t>> by_size;
  size_t over100 = 0;
  for (const auto& [id, m] : members) {
    by_size.emplace_back(m.size(), id);
    over100 += m.size() > 100 ? 1 : 0;
  }
  std::sort(by_size.begin(), by_size.end(), std::greater<>());
  std::printf("  %zu stories; %zu of over 100 members; the 10 largest:\n", members.size(), over100);
  for (size_t k = 0; k < by_size.size() && k < 10; ++k) {
    std::vector<size_t> m = members[by_size[k].second];
    std::stable_sort(m.begin(), m.end(), [&](size_t a, size_t b) {
      return articles[a].published_ts < articles[b].published_ts;
    });
    size_t notices = 0;
    for (size_t i : m) notices += tickers[i].empty() ? 0 : 1;
    std::printf("  story %lld: %zu members, %zu notices\n",
                static_cast<long long>(by_size[k].second), m.size(), notices);
    for (size_t i : {m.front(), m[m.size() / 2], m.back()}) {
      std::printf("      %s | %s\n", articles[i].published.substr(0, 10).c_str(),
                  articles[i].title.c_str());
    }
  }
}

// The baseline on the notices plus kBaselineSample other articles drawn with the
// fixed seed, in time order.
eval::NoticePurity ReutersBaseline(const std::vector<Article>& articles,
                                   const std::vector<std::string>& tickers, uint64_t seed) {
  std::vector<size_t> pick;
  for (size_t i = 0; i < articles.size(); ++i) {
    if (!tickers[i].empty()) pick.push_back(i);
  }
  size_t others = 0;
  for (size_t i : Shuffled(articles.size(), seed)) {
    if (others == kBaselineSample) break;
    if (tickers[i].empty()) {
      pick.push_back(i);
      ++others;
    }
  }
  std::sort(pick.begin(), pick.end());
  std::vector<Article> sub;
  std::vector<std::string> sub_tickers;
  sub.reserve(pick.size());
  for (size_t i : pick) {
    sub.push_back(articles[i]);
    sub_tickers.push_back(tickers[i]);
  }
  return eval::ScoreNoticePurity(sub_tickers, RunBaseline(sub), kBigStory);
}

void EvalReuters(const Args& args) {
  std::printf("=== Reuters-21578 notice purity (whole file, time order; default options)\n");
  const std::string path = args.data + "/reuters21578/data.jsonl";
  if (!Exists(path)) {
    std::printf("  %s absent: skipped\n", path.c_str());
    return;
  }
  Result<std::vector<Article>> read = ReadAllArticles({path}, IngestOptions{});
  if (!read.ok()) {
    std::printf("  cannot read %s: %s: skipped\n", path.c_str(), read.status().message().c_str());
    return;
  }
  const std::vector<Article>& articles = *read;
  const std::vector<std::string> tickers = Tickers(articles);
  const std::vector<int64_t> story = RunTimeOrder(articles);
  const eval::NoticePurity ours = eval::ScoreNoticePurity(tickers, story, kBigStory);
  std::printf(
      "  %zu articles; notices: titles naming exactly one <TICKER> with a results or "
      "dividend word\n",
      articles.size());
  PrintPurity("storyline online:", ours);
  PrintLargest(articles, story, tickers);
  const eval::NoticePurity base = ReutersBaseline(articles, tickers, args.seed);
  char who[64];
  std::snprintf(who, sizeof who, "baseline t=%.2f:", kBaselineThreshold);
  std::printf(
      "  baseline on the notices plus %zu other articles drawn at random (seed %llu; the "
      "whole file would need a 2.9 GB similarity matrix)\n",
      kBaselineSample, static_cast<unsigned long long>(args.seed));
  PrintPurity(who, base);
  auto share = [](const eval::NoticePurity& p) {
    return p.notices > 0 ? 100.0 * static_cast<double>(p.pure) / static_cast<double>(p.notices)
                         : 0.0;
  };
  g_rows.push_back({"Reuters", "notices in a one-company story (%)", share(ours), share(base)});
}

void PrintTable() {
  std::printf("=== Summary (storyline at default options; baseline TF-IDF+agglomerative t=%.2f)\n",
              kBaselineThreshold);
  std::printf("%-12s %-42s %9s %9s %8s\n", "set", "measure", "storyline", "baseline", "diff");
  for (const Row& r : g_rows) {
    if (std::isnan(r.base)) {
      std::printf("%-12s %-42s %9.3f %9s\n", r.set.c_str(), r.measure.c_str(), r.ours, "n/a");
    } else {
      std::printf("%-12s %-42s %9.3f %9.3f %+8.3f\n", r.set.c_str(), r.measure.c_str(), r.ours,
                  r.base, r.ours - r.base);
    }
  }
}

bool WriteSummary(const std::string& path) {
  std::FILE* out = std::fopen(path.c_str(), "w");
  if (out == nullptr) return false;
  for (const Row& r : g_rows) {
    std::fprintf(out, "%s\t%s\t%.3f\t", r.set.c_str(), r.measure.c_str(), r.ours);
    if (std::isnan(r.base)) {
      std::fprintf(out, "n/a\n");
    } else {
      std::fprintf(out, "%.3f\n", r.base);
    }
  }
  return std::fclose(out) == 0;
}

bool ParseArgs(int argc, char** argv, Args* a) {
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (i + 1 >= argc) return false;
    const std::string v = argv[++i];
    if (k == "--data") {
      a->data = v;
    } else if (k == "--seeds") {
      a->seeds = v;
    } else if (k == "--summary") {
      a->summary = v;
    } else if (k == "--only") {
      a->only = v;
    } else if (k == "--seed") {
      a->seed = std::stoull(v);
    } else {
      return false;
    }
  }
  return true;
}

int Run(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // figures appear as they are printed
  Args args;
  if (!ParseArgs(argc, argv, &args)) {
    std::fprintf(stderr,
                 "usage: story_sets [--data DIR] [--seeds DIR] [--seed N] [--summary FILE] "
                 "[--only ecb|gedikli|newswcl|seeds|reuters]\n");
    return 2;
  }
  const std::vector<std::pair<const char*, void (*)(const Args&)>> sets = {
      {"ecb", EvalEcb},
      {"gedikli", EvalGedikli},
      {"newswcl", EvalNewsWcl},
      {"seeds", EvalSeeds},
      {"reuters", EvalReuters}};
  for (const auto& [name, fn] : sets) {
    if (!args.only.empty() && args.only != name) continue;
    const auto t0 = std::chrono::steady_clock::now();
    fn(args);
    std::printf("  (%.1f s)\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  if (args.summary.empty()) {
    PrintTable();
  } else if (!WriteSummary(args.summary)) {
    std::fprintf(stderr, "story_sets: cannot write %s\n", args.summary.c_str());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "story_sets: %s\n", e.what());
    return 1;
  }
}
