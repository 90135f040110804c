// Copyright storyline authors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "core/test_files.h"
#include "storyline/text.h"

namespace storyline {
namespace {

using testing_files::ReadFile;

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) out.push_back(line);
  return out;
}

// A seed as ingest reads a .txt file: the first non-empty line is the title,
// the text is everything after it from the first non-blank line on.
// *skipped: how many file lines come before the text's first line.
Article LoadSeed(const std::string& name, uint32_t* skipped = nullptr) {
  Article a;
  a.id = name;
  std::string file = ReadFile(std::string(STORYLINE_SOURCE_DIR) + "/demo/" + name + ".txt");
  std::vector<std::string> lines = SplitLines(file);
  size_t i = 0;
  auto blank = [](const std::string& l) {
    return l.find_first_not_of(" \t\r") == std::string::npos;
  };
  while (i < lines.size() && blank(lines[i])) ++i;
  a.title = lines[i++];
  while (i < lines.size() && blank(lines[i])) ++i;
  size_t offset = 0;
  for (size_t k = 0; k < i; ++k) offset += lines[k].size() + 1;
  a.text = file.substr(offset);
  if (skipped != nullptr) *skipped = static_cast<uint32_t>(i);
  return a;
}

struct Expected {
  uint32_t line;  // 0-based line of the seed file (cat -n shows line + 1)
  std::string text;
  std::string reason;
};

struct SeedCase {
  std::string name;
  std::vector<Expected> removed;  // exactly the lines ../shared/seeds/README.md lists
};

const std::vector<SeedCase>& SeedCases() {
  static const std::vector<SeedCase> cases = {
      {"000_ccb038054484d1e6",
       {{5,
         "(Read Also: Russian Armed Forces’ Surgical Strikes: An Analysis of Their Impact on "
         "Ukraine)",
         "read-also link"},
        {8,
         "(Read Also: Breakthrough in the Battlefield: Ukrainian Forces Overcome Russian Defense)",
         "read-also link"},
        {13, "Subscribe to BNN Breaking", "subscribe prompt"},
        {14, "Sign up for our daily newsletter covering global breaking news around the world.",
         "subscribe prompt"},
        {15, "Comments", "comment prompt"}}},
      {"001_c28f1e39ad1e51fe",
       {{3, "North Korea Defends Relations with Russia Amidst South Korean Criticism",
         "repeated title"},
        {4,
         "North Korea Defends Relations with Russia Amidst South Korean Criticism © Getty Images "
         "News/Chung Sung-Jun",
         "photo credit"},
        {26, "Russia South Korean", "tag line at end"}}},
      {"002_fe51a37dbb415eaa",
       {{3,
         "Russian and North Korean flags fly at the Vostochny Сosmodrome, the venue of the meeting "
         "between Russia's President Vladimir Putin and North Korea's leader Kim Jong Un, in the "
         "far eastern Amur region, Russia, September 13, 2023.",
         "photo caption"},
        {4,
         "Russian and North Korean flags fly at the Vostochny Сosmodrome, the venue of the meeting "
         "between Russia's President Vladimir Putin and North Korea's leader Kim Jong Un, in the "
         "far eastern Amur region, Russia, September 13, 2023. Sputnik/Artem Geodakyan/Pool via "
         "REUTERS",
         "photo credit"},
        {5, "Published on", "date line"},
        {25, "The NRI Nation", "site name at end"},
        {26, "www.mynrination.com", "URL line"}}},
      {"003_fc802517088b5e08",
       {{16, "Check also;", "read-also link"},
        {17, "- Russia Foils Ukrainian Attempts To Cross Dnipro River In Kherson Region",
         "read-also link"},
        {18, "- US And Taiwan Announce Formalized Bilateral Trade Talks", "read-also link"},
        {19,
         "Please use the button below to contribute to Newslex Point, Inc. using a credit card or "
         "via PayPal.",
         "donation prompt"}}},
      {"004_a62b8a648886d1d4",
       {{12,
         "Read "
         "More:\u00a0https://youthdiplomacyforum.com/2022/08/09/"
         "moscow-slams-kyivs-travel-ban-proposal/",
         "read-also link"},
        {20,
         "Read More:\u00a0https://thediplomat.com/2022/07/"
         "sanctions-cyber-and-crypto-how-pyongyang-can-exploit-the-war-in-ukraine/",
         "read-also link"},
        {32, "Leave a Reply", "comment prompt"},
        {34, "Your email address will not be published. Required fields are marked *",
         "comment prompt"}}},
  };
  return cases;
}

TEST(BoilerplateFilter, RemovesExactlyTheSeedsListedBoilerplate) {
  BoilerplateFilter filter;
  for (const SeedCase& c : SeedCases()) filter.Observe(LoadSeed(c.name));
  for (const SeedCase& c : SeedCases()) {
    uint32_t skipped = 0;
    Article a = LoadSeed(c.name, &skipped);
    ASSERT_FALSE(a.text.empty()) << c.name;
    CleanedText out = filter.Clean(a);
    std::vector<std::string> got, want;
    for (const SetAsideLine& s : out.removed) {
      got.push_back(std::to_string(s.line + skipped) + " [" + s.reason + "] " + s.text);
    }
    for (const Expected& e : c.removed) {
      want.push_back(std::to_string(e.line) + " [" + e.reason + "] " + e.text);
    }
    EXPECT_EQ(got, want) << c.name;
  }
}

TEST(BoilerplateFilter, KeepsEverySentenceOfTheSeeds) {
  BoilerplateFilter filter;
  for (const SeedCase& c : SeedCases()) {
    uint32_t skipped = 0;
    Article a = LoadSeed(c.name, &skipped);
    CleanedText out = filter.Clean(a);
    std::vector<std::string> lines = SplitLines(a.text);
    for (size_t i = 0; i < lines.size(); ++i) {
      bool listed = false;
      for (const Expected& e : c.removed) listed |= e.line == i + skipped;
      if (listed || lines[i].find_first_not_of(" \t") == std::string::npos) continue;
      EXPECT_NE(out.text.find(lines[i]), std::string::npos)
          << c.name << ":" << i << ": " << lines[i];
    }
  }
}

TEST(BoilerplateFilter, SetAsideLinesCarryExactOffsets) {
  BoilerplateFilter filter;
  for (const SeedCase& c : SeedCases()) {
    Article a = LoadSeed(c.name);
    CleanedText out = filter.Clean(a);
    for (const SetAsideLine& s : out.removed) {
      ASSERT_LE(s.end, a.text.size());
      EXPECT_EQ(a.text.substr(s.begin, s.end - s.begin), s.text) << c.name;
    }
    // Kept text plus set-aside lines account for every line.
    auto count_lines = [](const std::string& t) {
      return std::count(t.begin(), t.end(), '\n') + 1;
    };
    EXPECT_EQ(count_lines(out.text) + static_cast<long>(out.removed.size()), count_lines(a.text))
        << c.name;
  }
}

// Without a separate title (a whole page as text), the first line is the
// title and stays; later copies of it are set aside.
TEST(BoilerplateFilter, FirstLineIsTheTitleWhenNoTitleIsGiven) {
  BoilerplateFilter filter;
  Article a;
  a.text = ReadFile(std::string(STORYLINE_SOURCE_DIR) + "/demo/001_c28f1e39ad1e51fe.txt");
  CleanedText out = filter.Clean(a);
  ASSERT_EQ(out.removed.size(), 3u);
  EXPECT_EQ(out.removed[0].line, 3u);
  EXPECT_EQ(out.removed[0].reason, "repeated title");
  EXPECT_EQ(out.text.substr(0, 30), "North Korea Defends Relations ");
}

TEST(BoilerplateFilter, NeverRemovesEveryLine) {
  BoilerplateFilter filter;
  Article a;
  a.text = "Subscribe to our newsletter\nComments\nLeave a Reply\nwww.example.com";
  CleanedText out = filter.Clean(a);
  EXPECT_EQ(out.text, a.text);
  EXPECT_TRUE(out.removed.empty());
}

TEST(BoilerplateFilter, CleanTextWithoutFurnitureIsUnchanged) {
  BoilerplateFilter filter;
  Article a;
  a.title = "Ad sales boost Time Warner profit";
  a.text =
      "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn (£600m) for the three "
      "months to December.\n\nRead more books, the minister said on Monday in a speech.\n\n"
      "Related to this, the firm said it would contribute $5m to charity via its foundation.\n"
      "Comments from analysts were positive.";
  CleanedText out = filter.Clean(a);
  EXPECT_TRUE(out.removed.empty());
  EXPECT_EQ(out.text, a.text);
}

TEST(BoilerplateFilter, ReadAlsoMarkersInOtherLanguages) {
  BoilerplateFilter filter;
  Article a;
  a.text =
      "Die Regierung hat am Montag ein neues Gesetz beschlossen, das im Sommer in Kraft treten "
      "soll.\n"
      "Lesen Sie auch: Was das neue Gesetz für Mieter bedeutet\n"
      "Lire aussi : Le gouvernement adopte une nouvelle loi\n"
      "Leer más: El Gobierno aprueba una nueva ley\n"
      "Der Bundestag muss noch zustimmen, was als sicher gilt, sagte ein Sprecher.";
  CleanedText out = filter.Clean(a);
  ASSERT_EQ(out.removed.size(), 3u);
  for (const SetAsideLine& s : out.removed) EXPECT_EQ(s.reason, "read-also link");
}

TEST(BoilerplateFilter, LearnsLinesRepeatedAcrossArticlesOfOneSource) {
  BoilerplateFilter filter;
  std::vector<Article> articles;
  const char* bodies[] = {
      "The central bank raised rates by half a point on Tuesday, its third rise this year.",
      "Floods closed the main road north of the city for the second time in a month.",
      "The football club named a new manager after a run of six defeats in a row.",
      "Shares in the carmaker fell sharply after it cut its forecast for the year."};
  for (int i = 0; i < 4; ++i) {
    Article a;
    a.id = std::to_string(i);
    a.source = "Example Times";
    a.text = std::string(bodies[i]) +
             "\n\nFollow the Example Times for the news that matters to you every day.";
    articles.push_back(a);
  }
  for (const Article& a : articles) filter.Observe(a);
  CleanedText out = filter.Clean(articles[0]);
  ASSERT_EQ(out.removed.size(), 1u);
  EXPECT_EQ(out.removed[0].reason, "repeated across 4 articles of Example Times");
  EXPECT_EQ(out.text, std::string(bodies[0]) + "\n");

  // The same line from another source has not been seen three times there.
  Article other = articles[0];
  other.source = "Other Post";
  EXPECT_TRUE(filter.Clean(other).removed.empty());
}

TEST(BoilerplateFilter, CopiesOfOneArticleDoNotMakeItsSentencesBoilerplate) {
  BoilerplateFilter filter;
  std::vector<Article> articles;
  for (int i = 0; i < 4; ++i) {
    Article a;
    a.source = "Wire";
    a.text =
        "The ministry said exports rose 4% in March from a year earlier.\n\n"
        "Imports fell 2%, leaving a surplus of $3bn, the largest since 2019.\n\n"
        "Economists had expected a smaller surplus. (edit " +
        std::to_string(i) + ")";
    articles.push_back(a);
  }
  for (const Article& a : articles) filter.Observe(a);
  EXPECT_TRUE(filter.Clean(articles[0]).removed.empty());
}

TEST(BoilerplateFilter, HardWrappedFragmentsAreNotRepeatedLines) {
  // Reuters-21578 wraps lines mid-sentence: "said." alone on a line in many
  // articles is the end of a sentence, not furniture.
  BoilerplateFilter filter;
  std::vector<Article> articles;
  for (int i = 0; i < 5; ++i) {
    Article a;
    a.source = "Reuters";
    a.text = "The company posted a net profit of " + std::to_string(i + 3) +
             " mln dlrs in the quarter, it\nsaid.\n    Sales rose to " + std::to_string(i + 10) +
             " mln dlrs from nine mln, the company said.\n Reuter";
    articles.push_back(a);
  }
  for (const Article& a : articles) filter.Observe(a);
  CleanedText out = filter.Clean(articles[0]);
  ASSERT_EQ(out.removed.size(), 1u);
  EXPECT_EQ(out.removed[0].text, " Reuter");
}

}  // namespace
}  // namespace storyline

namespace storyline {
namespace {

TEST(BoilerplateFilter, HandlesAFiftyMegabyteLine) {
  Article a;
  a.source = "Big";
  std::string sentence = "The committee met again on Tuesday and agreed on nothing at all. ";
  while (a.text.size() < 50u << 20) a.text += sentence;
  BoilerplateFilter filter;
  filter.Observe(a);
  CleanedText out = filter.Clean(a);
  EXPECT_TRUE(out.removed.empty());
  EXPECT_EQ(out.text.size(), a.text.size());
  Words w;
  Tokenize(a.text, &w);
  EXPECT_EQ(w.size(), a.text.size() / sentence.size() * 12);
}

}  // namespace
}  // namespace storyline

namespace storyline {
namespace {

// CleanInto is Clean without the copy of an unchanged text; reused across
// articles, it must not carry lines over from the previous one.
TEST(BoilerplateFilter, CleanIntoAgreesWithClean) {
  BoilerplateFilter filter;
  CleanedText reused;
  int changed = 0;
  for (const SeedCase& c : SeedCases()) {
    for (bool plain : {false, true}) {
      Article a = LoadSeed(c.name);
      if (plain) a.text = "The central bank raised its main rate by a quarter point on Tuesday.\n";
      CleanedText want = filter.Clean(a);
      const bool removed = filter.CleanInto(a, &reused);
      EXPECT_EQ(removed, !want.removed.empty()) << c.name;
      ASSERT_EQ(reused.removed.size(), want.removed.size()) << c.name;
      for (size_t i = 0; i < want.removed.size(); ++i) {
        EXPECT_EQ(reused.removed[i].text, want.removed[i].text) << c.name;
      }
      EXPECT_EQ(removed ? reused.text : a.text, want.text) << c.name;
      if (!removed) {
        EXPECT_TRUE(reused.text.empty()) << c.name;
      }
      changed += removed;
    }
  }
  EXPECT_GT(changed, 0);  // the seeds have furniture: both paths are exercised
}

}  // namespace
}  // namespace storyline
