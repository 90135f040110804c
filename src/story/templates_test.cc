// Copyright storyline authors.
//
// Recurring formats (templates.cc): learned from the feed, no evidence of a story.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "story/story_internal.h"
#include "storyline/ingest.h"
#include "storyline/story.h"

namespace storyline {
namespace {

const std::string kReuters =
    std::string(STORYLINE_SOURCE_DIR) + "/../shared/data/reuters21578/data.jsonl";

// The first `n` Reuters-21578 articles in time order.
std::vector<Article> ReutersFeed(size_t n) {
  if (!std::filesystem::exists(kReuters)) return {};
  auto r = ReadAllArticles({kReuters}, IngestOptions{});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return {};
  std::vector<Article> v = std::move(*r);
  std::stable_sort(v.begin(), v.end(), [](const Article& a, const Article& b) {
    return a.published_ts < b.published_ts;
  });
  if (v.size() > n) v.resize(n);
  return v;
}

// The ticker of a results or dividend notice ("TRIBUNE CO <TRB> 3RD QTR NET"), or "".
std::string NoticeTicker(const std::string& title) {
  static const std::regex kTicker("<([A-Z0-9.]+)>");
  static const std::regex kNotice("QTR|NET|DIV|PAYOUT|DIVIDEND|LOSS|PROFIT|EARNINGS");
  std::set<std::string> tickers;
  for (auto it = std::sregex_iterator(title.begin(), title.end(), kTicker);
       it != std::sregex_iterator(); ++it) {
    tickers.insert((*it)[1]);
  }
  if (tickers.size() != 1 || !std::regex_search(title, kNotice)) return "";
  return *tickers.begin();
}

// Two companies' results notices share their table lines, not their story; the
// same company's notices may share one.
TEST(Templates, ReutersNoticesOfDifferentCompaniesStayApart) {
  std::vector<Article> feed = ReutersFeed(4000);
  if (feed.empty()) GTEST_SKIP() << kReuters << " absent";
  StoryEngine engine{StoryOptions{}};
  std::map<std::string, std::string> ticker;  // article -> ticker of its notice
  std::set<std::string> later;  // notices after the first 1,000 articles: formats learned
  for (size_t i = 0; i < feed.size(); ++i) {
    engine.Add(feed[i]);
    if (std::string t = NoticeTicker(feed[i].title); !t.empty()) {
      ticker[feed[i].id] = t;
      if (i >= 1000) later.insert(feed[i].id);
    }
  }
  std::map<int64_t, std::set<std::string>> tickers_of;
  std::map<int64_t, std::map<std::string, int>> notices_of;
  std::map<std::string, Assignment> by_id;
  for (const Assignment& a : engine.FinalAssignments()) {
    by_id[a.id] = a;
    auto it = ticker.find(a.id);
    if (it == ticker.end()) continue;
    tickers_of[a.story].insert(it->second);
    ++notices_of[a.story][it->second];
  }
  ASSERT_GT(later.size(), 300u);
  size_t pure = 0, same_company_joined = 0, derived_across = 0;
  for (const std::string& id : later) {
    const std::string& t = ticker.at(id);
    const Assignment& a = by_id.at(id);
    pure += tickers_of[a.story].size() == 1;
    if (IsDerived(a.relation) && ticker.count(a.of) && ticker.at(a.of) != t) ++derived_across;
  }
  for (const auto& [s, counts] : notices_of) {
    for (const auto& [t, n] : counts) same_company_joined += n >= 2;
  }
  RecordProperty("pure", std::to_string(pure) + "/" + std::to_string(later.size()));
  EXPECT_GE(static_cast<double>(pure), 0.75 * static_cast<double>(later.size()));
  EXPECT_LE(derived_across, later.size() / 20) << "aligned table lines make no rewrite";
  EXPECT_GT(same_company_joined, 0u) << "one company's notices may share a story";
}

// The learned state follows a snapshot: a restored engine continues exactly.
TEST(Templates, SnapshotKeepsTheLearnedFormats) {
  std::vector<Article> feed = ReutersFeed(1600);
  if (feed.empty()) GTEST_SKIP() << kReuters << " absent";
  StoryEngine whole{StoryOptions{}}, first{StoryOptions{}}, second{StoryOptions{}};
  for (const Article& a : feed) whole.Add(a);
  const size_t half = feed.size() / 2;
  for (size_t i = 0; i < half; ++i) first.Add(feed[i]);
  ASSERT_TRUE(second.Restore(first.Snapshot()).ok());
  for (size_t i = half; i < feed.size(); ++i) second.Add(feed[i]);
  // The articles after the snapshot (stories retired before it are not in it).
  std::map<std::string, std::string> a, b;
  for (const Assignment& x : whole.FinalAssignments()) a[x.id] = AssignmentJson(x);
  for (const Assignment& x : second.FinalAssignments()) b[x.id] = AssignmentJson(x);
  for (size_t i = half; i < feed.size(); ++i) EXPECT_EQ(a[feed[i].id], b[feed[i].id]);
}

Article Make(int i, const std::string& title, const std::string& text) {
  Article a;
  a.id = "a" + std::to_string(i);
  a.title = title;
  a.text = text;
  a.published_ts = 1700000000 + 3600 * i;
  return a;
}

size_t Stories(const std::vector<Assignment>& as) {
  std::set<int64_t> s;
  for (const Assignment& a : as) s.insert(a.story);
  return s.size();
}

// Bad input: one-line formats, numbers only, one title for every article.
TEST(Templates, BadInputBuildsNoStoryOnTheSkeleton) {
  const char* kWords[] = {"harbour", "glacier", "orchard", "violin",  "meteor",  "lantern",
                          "canyon",  "saffron", "tundra",  "falcon",  "quarry",  "pebble",
                          "walrus",  "cobalt",  "marble",  "thistle", "juniper", "anchor",
                          "beacon",  "compass", "dolphin", "ember",   "fjord",   "granite"};
  StoryEngine one_line{StoryOptions{}}, numbers{StoryOptions{}}, titles{StoryOptions{}};
  std::vector<Assignment> a1, a2, a3;
  for (int i = 0; i < 40; ++i) {
    const std::string firm = std::string(kWords[i % 24]) + std::to_string(i);
    a1.push_back(one_line.Add(Make(
        i, firm + " SETS PAYOUT",
        "Qtly div " + std::to_string(i + 3) + " cts vs " + std::to_string(i + 2) + " cts prior")));
    a2.push_back(
        numbers.Add(Make(i, "",
                         std::to_string(1000 + 7 * i) + " " + std::to_string(2000 + 11 * i) +
                             "\n    " + std::to_string(i * 13 + 17) + " 55.5")));
    std::string text;  // words of its own: no two texts agree
    for (int k = 0; k < 12; ++k) {
      text += std::string(kWords[(i + k) % 24]) + static_cast<char>('a' + i % 26) +
              static_cast<char>('a' + i / 26) + " ";
    }
    a3.push_back(titles.Add(Make(i, "DAILY REPORT", "The " + text + "report said.")));
  }
  // After the first few, the one-line format is learned: each notice alone.
  std::set<int64_t> late;
  for (size_t i = 10; i < a1.size(); ++i) late.insert(a1[i].story);
  EXPECT_EQ(late.size(), a1.size() - 10);
  EXPECT_GE(Stories(a2), 35u) << "numbers alone make no story";
  EXPECT_GE(Stories(a3), 20u) << "a shared title alone makes no story";
  // Identical texts still are one story.
  StoryEngine copies{StoryOptions{}};
  std::vector<Assignment> a4;
  a4.reserve(12);
  for (int i = 0; i < 12; ++i) {
    a4.push_back(copies.Add(Make(i, "DAILY REPORT", "Qtly div 5 cts vs 5 cts prior")));
  }
  EXPECT_EQ(Stories(a4), 1u);
}

// Copies of one story repeat its sentences, figures and all: that is no format.
TEST(Templates, CopiesOfOneStoryAreNoFormat) {
  auto r = ReadAllArticles({std::string(STORYLINE_SOURCE_DIR) + "/demo"}, IngestOptions{});
  ASSERT_TRUE(r.ok());
  const Article* wire = nullptr;
  for (const Article& a : *r) {
    if (a.id.starts_with("002_")) wire = &a;
  }
  ASSERT_NE(wire, nullptr);
  StoryEngine engine{StoryOptions{}};
  std::set<int64_t> stories;
  for (int i = 0; i < 10; ++i) {
    Article a = *wire;
    a.id = "copy" + std::to_string(i);
    a.text += "\n\nRepublished by outlet " + std::string(1, static_cast<char>('a' + i)) + ".";
    stories.insert(engine.Add(a).story);
  }
  EXPECT_EQ(stories.size(), 1u);
}

TEST(Templates, UnitsMaskFigures) {
  story_internal::StoryDoc a = story_internal::AnalyzeForStory(
      Make(1, "TRIBUNE CO <TRB> 3RD QTR NET", "Shr 90 cts vs 77 cts\n    Net 71.9 mln vs 58 mln"));
  story_internal::StoryDoc b = story_internal::AnalyzeForStory(Make(
      2, "CONVERGENT INC <CVGT> 3RD QTR NET", "Shr 5 cts vs 17 cts\n    Net 2.1 mln vs 4 mln"));
  ASSERT_EQ(a.units.size(), 2u);
  ASSERT_EQ(b.units.size(), 2u);
  EXPECT_EQ(a.units[0].key, b.units[0].key);
  EXPECT_EQ(a.units[1].key, b.units[1].key);
  EXPECT_NE(a.units[0].key, a.units[1].key);
  EXPECT_NE(a.title_key, b.title_key);
}

}  // namespace
}  // namespace storyline
