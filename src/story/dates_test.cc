// Copyright storyline authors.
#include "storyline/dates.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace storyline {
namespace {

Article FromText(std::string text) {
  Article a;
  a.id = "t";
  a.text = std::move(text);
  return a;
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

TEST(Dates, MonthDayWithoutYearTakesTheYearOfTheLatestDate) {
  Article a = FromText("Talks began on May 2, 2021.\nLONDON, Aug 15 - Officials met again.");
  DateEstimate d = EstimateDate(a);
  EXPECT_EQ(FormatDate(d.time), "2021-08-15");
  EXPECT_EQ(d.granularity, "day");
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
  EXPECT_GT(d.confidence, 0.3);
  EXPECT_LT(d.confidence, 1.0);
}

TEST(Dates, SeedLiberationDayStoryIsAugust2022) {
  // 004: "to date in 2022", a linked page of 2022/08/09, "earlier this year",
  // "on Monday": Monday 15 August 2022, Liberation Day.
  Article a = FromText(ReadDemo("004_a62b8a648886d1d4.txt"));
  DateEstimate d = EstimateDate(a);
  EXPECT_EQ(FormatDate(d.time).substr(0, 7), "2022-08");
  EXPECT_NE(d.evidence.find("earlier this year"), std::string::npos);
}

TEST(Dates, UndatedSeedHasNoDate) {
  Article a = FromText(ReadDemo("003_fc802517088b5e08.txt"));
  EXPECT_EQ(EstimateDate(a).time, kNoTime);
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
