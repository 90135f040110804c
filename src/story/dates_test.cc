// Copyright storyline authors.
#include "storyline/dates.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "storyline/ingest.h"
#include "storyline/story.h"

namespace storyline {
namespace {

Article FromText(std::string text) {
  Article a;
  a.id = "t";
  a.text = std::move(text);
  return a;
}

Timestamp At(const char* iso) { return *ParseDateTime(iso); }

// The articles of a shared data set; empty (the caller skips) when absent.
std::vector<Article> SharedSet(const std::string& rel) {
  const std::string path = std::string(STORYLINE_SOURCE_DIR) + "/../shared/data/" + rel;
  if (!std::filesystem::exists(path)) return {};
  auto r = ReadAllArticles({path}, IngestOptions{});
  return r.ok() ? *r : std::vector<Article>{};
}

std::string ReadDemo(const std::string& name) {
  std::ifstream in(std::string(STORYLINE_SOURCE_DIR) + "/demo/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Dates, FindsFullDatesInTheUsualEnglishForms) {
  auto ms =
      FindDateMentions("in Amur, Russia, September 13, 2023. On 4 Jan. 2011 and 2013-05-03 too.");
  ASSERT_EQ(ms.size(), 3u);
  EXPECT_EQ(ms[0].kind, DateMention::Kind::kFullDate);
  EXPECT_EQ(ms[0].year, 2023);
  EXPECT_EQ(ms[0].month, 9);
  EXPECT_EQ(ms[0].day, 13);
  EXPECT_EQ(ms[0].text, "September 13, 2023");
  EXPECT_EQ(ms[1].year, 2011);
  EXPECT_EQ(ms[1].month, 1);
  EXPECT_EQ(ms[1].day, 4);
  EXPECT_EQ(ms[2].month, 5);
  EXPECT_EQ(ms[2].day, 3);
}

TEST(Dates, ADateStaysOnOneLine) {
  // A BBC fixture: the match day, then the kick-off time on a line of its own.
  for (const DateMention& m :
       FindDateMentions("Ewood Park\n\nTuesday, 1 March\n\n2000 GMT\n\nHoward Webb")) {
    EXPECT_EQ(m.year, 0) << m.text;
  }
  auto ms = FindDateMentions("Kick-off Sunday, 6 February\n1500 GMT");
  ASSERT_EQ(ms.size(), 1u);
  EXPECT_EQ(ms[0].kind, DateMention::Kind::kMonthDay);
  EXPECT_EQ(ms[0].year, 0);
  EXPECT_EQ(EstimateDate(FromText("Ewood Park\n\nTuesday, 1 March\n\n2000 GMT\n")).time, kNoTime);
}

TEST(Dates, ReadsDatelinesWithAndWithoutDate) {
  auto ms = FindDateMentions("SEOUL (Reuters) - North Korea on Monday said");
  ASSERT_GE(ms.size(), 2u);
  EXPECT_EQ(ms[0].kind, DateMention::Kind::kDateline);
  EXPECT_EQ(ms[0].text, "SEOUL (Reuters)");
  EXPECT_EQ(ms[1].kind, DateMention::Kind::kWeekday);
  EXPECT_EQ(ms[1].weekday, 1);
  auto dl = FindDateMentions("Showers.\nSALVADOR, Feb 26 - Showers continued");
  ASSERT_FALSE(dl.empty());
  EXPECT_EQ(dl[0].kind, DateMention::Kind::kDateline);
  EXPECT_EQ(dl[0].month, 2);
  EXPECT_EQ(dl[0].day, 26);
}

TEST(Dates, BareNumbersAreYearsOnlyInDateContext) {
  auto ms = FindDateMentions("He sold 2022 bags. Launched in 2022, by 2030 it will double.");
  ASSERT_EQ(ms.size(), 2u);
  EXPECT_EQ(ms[0].year, 2022);
  EXPECT_FALSE(ms[0].prospective);
  EXPECT_EQ(ms[1].year, 2030);
  EXPECT_TRUE(ms[1].prospective);
}

TEST(Dates, ReportedDateTakesTheDatelineInTheYearOfTheLatestDate) {
  Article a = FromText("Talks began on May 2, 2021.\nLONDON, Aug 15 - Officials met again.");
  DateEstimate d = EstimateReportedDate(a);
  EXPECT_EQ(FormatDate(d.time), "2021-08-15");
  EXPECT_EQ(d.granularity, "day");
}

TEST(Dates, ASentenceYearDoesNotDateAnArticle) {
  // Dates the text talks about are its content, not its publication.
  for (const char* text : {"In 2020 the company made a loss. Sales rose 5%.",
                           "Talks began on May 2, 2021, officials said.",
                           "The deal, signed in March 2004, runs until 2010."}) {
    const DateEstimate d = EstimateDate(FromText(text));
    EXPECT_EQ(d.time, kNoTime) << text;
    EXPECT_EQ(d.evidence, "") << text;
    EXPECT_NE(EstimateReportedDate(FromText(text)).time, kNoTime) << text;
  }
}

TEST(Dates, PublicationLinesDateAnArticle) {
  const DateEstimate d =
      EstimateDate(FromText("Budget row deepens\nPublished on September 25, 2023\nIn 2020 ..."));
  EXPECT_EQ(FormatDate(d.time), "2023-09-25");
  EXPECT_EQ(d.method, "text: publication line");
  EXPECT_NE(d.evidence.find("Published on September 25, 2023"), std::string::npos);
  EXPECT_EQ(FormatDate(EstimateDate(FromText("Title\nMon 25 Sep 2023 10.02 BST\nText.")).time),
            "2023-09-25");
}

TEST(Dates, ADatelineDatesAnArticleInTheYearOfTheFeed) {
  Article a = FromText("SEOUL, Sept 25 (Reuters) - North Korea on Monday slammed Yoon.");
  // No year anywhere: not placeable without a bound...
  EXPECT_EQ(EstimateDate(a).time, kNoTime);
  // ...the feed's newest date gives it: the latest Sep 25 on or before it.
  DateEstimate d = EstimateDate(a, {At("2023-10-02T08:00:00Z")});
  EXPECT_EQ(FormatDate(d.time), "2023-09-25");
  EXPECT_NE(d.evidence.find("SEOUL, Sept 25 (Reuters)"), std::string::npos);
  EXPECT_EQ(FormatDate(EstimateDate(a, {kNoTime, At("2024-01-10")}).time), "2023-09-25");
}

TEST(Dates, GedikliDatelinesGiveTheRealDate) {
  // Real Reuters texts from the Gedikli chains, their `published` dropped: the
  // dateline, in the year of a feed a week later, gives back the real day.
  std::vector<Article> arts = SharedSet("gedikli_story_chains/data.jsonl");
  if (arts.empty()) GTEST_SKIP() << "Gedikli story chains absent";
  int checked = 0;
  for (Article a : arts) {
    const size_t reuters = a.text.find("(Reuters) -");
    if (a.published_ts == kNoTime || reuters > 60 || a.text.substr(0, reuters).find(',') > 40) {
      continue;  // no "CITY, Month Day (Reuters) -" dateline
    }
    const Timestamp real = a.published_ts;
    a.published_ts = kNoTime;
    const DateEstimate d = EstimateDate(a, {real + int64_t{7} * 86400});
    ASSERT_NE(d.time, kNoTime) << a.id;
    EXPECT_LE(std::abs(d.time - real), 86400) << a.id << " " << d.evidence;
    ++checked;
  }
  EXPECT_GE(checked, 2);  // MADRID, June 21 and MEXICO CITY, June 24
}

TEST(Dates, NoDateAfterTheBound) {
  Article a = FromText("Budget row\nPublished on September 25, 2023\nText.");
  EXPECT_EQ(EstimateDate(a, {kNoTime, At("2023-09-01")}).time, kNoTime);
  // The seed Reuters story in a feed that has reached 15 Sep 2023: its caption
  // date (13 Sep) holds, the Monday after it (18 Sep) is refused.
  Article seed = FromText(ReadDemo("002_fe51a37dbb415eaa.txt"));
  DateEstimate d = EstimateDate(seed, {At("2023-09-15T12:00:00Z")});
  EXPECT_EQ(FormatDate(d.time), "2023-09-13");
  EXPECT_EQ(EstimateDate(seed, {At("2023-09-01")}).time, kNoTime);
  // A lower bound more than a year before the feed's newest date says too little
  // (a file photo); the clock alone (an archive ingested today) does not say that.
  EXPECT_EQ(EstimateDate(seed, {At("2025-01-01")}).time, kNoTime);
  EXPECT_EQ(FormatDate(EstimateDate(seed, {kNoTime, At("2026-12-07")}).time), "2023-09-18");
}

TEST(Dates, TheEngineNeverDatesAnArticleAfterTheFeedsNewestPublished) {
  StoryEngine engine{StoryOptions{}};
  Article first = FromText("A published story about the weather in Seoul.");
  first.id = "first";
  first.published = "2023-09-15T12:00:00Z";
  first.published_ts = At("2023-09-15T12:00:00Z");
  engine.Add(first);
  Article seed = FromText(ReadDemo("002_fe51a37dbb415eaa.txt"));
  seed.id = "seed";
  const Assignment as = engine.Add(seed);
  std::optional<StoryView> v = engine.GetStory(as.story);
  ASSERT_TRUE(v.has_value());
  ASSERT_EQ(v->members.size(), 1u);
  EXPECT_EQ(FormatDate(v->members[0].published), "2023-09-13");
  EXPECT_LE(v->members[0].published, first.published_ts);
}

TEST(Dates, TheEngineGivesADatelineTheYearOfTheFeedAndKeepsToItsLatestDate) {
  StoryOptions opt;
  opt.latest_date = At("2026-12-07T21:00:00Z");  // the store passes its ingest clock
  StoryEngine engine(opt);
  Article future = FromText("Market outlook\nPublished on September 25, 2099\nShares rose.");
  future.id = "future";
  Assignment as = engine.Add(future);
  EXPECT_EQ(engine.GetStory(as.story)->members[0].published, kNoTime);
  Article first = FromText("A published story about the weather in Seoul.");
  first.id = "first";
  first.published = "2023-10-02T08:00:00Z";
  first.published_ts = At("2023-10-02T08:00:00Z");
  engine.Add(first);
  Article wire = FromText("SEOUL, Sept 25 (Reuters) - North Korea on Monday slammed Yoon.");
  wire.id = "wire";
  as = engine.Add(wire);
  std::optional<StoryView> v = engine.GetStory(as.story);
  ASSERT_TRUE(v.has_value());
  for (const StoryMemberView& m : v->members) {
    if (m.id != "wire") continue;
    EXPECT_EQ(FormatDate(m.published), "2023-09-25");
    EXPECT_NE(m.date_evidence.find("SEOUL, Sept 25 (Reuters)"), std::string::npos);
  }
}

TEST(Dates, BbcArticlesAreNotDatedFromTheYearsTheyMention) {
  // BBC News (2004-05) comes without dates; its texts name years to come
  // ("fewer consumers by 2050", "resolutions of 2048 * 1080", "come 2020").
  std::vector<Article> arts = SharedSet("bbc-news/data.jsonl");
  if (arts.empty()) GTEST_SKIP() << "BBC News absent";
  int mentioning = 0;
  for (const Article& a : arts) {
    const DateEstimate d = EstimateDate(a);
    if (a.text.find("2050") != std::string::npos) {
      ++mentioning;
      EXPECT_EQ(d.time, kNoTime) << a.id << ": " << d.evidence;
    }
    if (d.time != kNoTime) {
      EXPECT_LT(FormatDate(d.time), "2006") << a.id << ": " << d.evidence;
    }
  }
  EXPECT_GE(mentioning, 2);
}

TEST(Dates, PublishedWinsWithFullConfidence) {
  Article a = FromText("It happened on September 13, 2023.");
  a.published = "2024-01-02";
  a.published_ts = *ParseDateTime("2024-01-02");
  DateEstimate d = EstimateDate(a);
  EXPECT_EQ(FormatDate(d.time), "2024-01-02");
  EXPECT_DOUBLE_EQ(d.confidence, 1.0);
  EXPECT_EQ(d.method, "published");
}

TEST(Dates, NoDateGivesNoTime) {
  DateEstimate d = EstimateDate(FromText("Nothing here but 12 apples and 2022 pears."));
  EXPECT_EQ(d.time, kNoTime);
  EXPECT_EQ(d.confidence, 0);
}

TEST(Dates, SeedReutersStoryIsTheMondayAfterTheSummit) {
  // 002: the caption dates the summit September 13, 2023; the story says
  // "North Korea on Monday slammed ...": the first Monday on or after it.
  Article a = FromText(ReadDemo("002_fe51a37dbb415eaa.txt"));
  DateEstimate d = EstimateDate(a);
  EXPECT_EQ(FormatDate(d.time), "2023-09-18");
  EXPECT_EQ(d.granularity, "day");
  EXPECT_NE(d.evidence.find("September 13, 2023"), std::string::npos);
  EXPECT_NE(d.evidence.find("on Monday"), std::string::npos);
  EXPECT_EQ(d.method, "text: weekday on or after the caption date");
  EXPECT_GT(d.confidence, 0.3);
  EXPECT_LT(d.confidence, 1.0);
}

TEST(Dates, SeedLiberationDayStoryIsAugust2022) {
  // 004: "to date in 2022", a linked page of 2022/08/09, "earlier this year",
  // "on Monday": Monday 15 August 2022, Liberation Day.
  Article a = FromText(ReadDemo("004_a62b8a648886d1d4.txt"));
  DateEstimate d = EstimateDate(a);
  EXPECT_EQ(FormatDate(d.time), "2022-08-15");
  EXPECT_NE(d.evidence.find("2022/08/09"), std::string::npos);
  EXPECT_NE(d.evidence.find("earlier this year"), std::string::npos);
}

TEST(Dates, UndatedSeedsHaveNoDate) {
  for (const char* name :
       {"000_ccb038054484d1e6.txt", "001_c28f1e39ad1e51fe.txt", "003_fc802517088b5e08.txt"}) {
    const DateEstimate d = EstimateDate(FromText(ReadDemo(name)));
    EXPECT_EQ(d.time, kNoTime) << name << ": " << d.evidence;
    EXPECT_EQ(d.evidence, "") << name;
  }
}

TEST(Dates, CivilDaysRoundTrip) {
  for (int64_t d : {-1000LL, 0LL, 19613LL, 60000LL}) {
    int y, m, dd;
    CivilFromDays(d, &y, &m, &dd);
    EXPECT_EQ(DaysFromCivil(y, m, dd), d);
  }
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
}

}  // namespace
}  // namespace storyline
