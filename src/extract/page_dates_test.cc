// Copyright storyline authors.
#include "extract/page_dates.h"

#include <gtest/gtest.h>

#include "storyline/extract.h"

namespace storyline {
namespace {

TEST(PageDates, SlashedDatesAreReadInTheGivenOrder) {
  EXPECT_EQ(internal::FindDate("on 03/05/2022", DateOrder::kMonthFirst), "2022-03-05");
  EXPECT_EQ(internal::FindDate("on 03/05/2022", DateOrder::kDayFirst), "2022-05-03");
  EXPECT_EQ(internal::FindDate("on 03.05.2022", DateOrder::kMonthFirst), "2022-05-03");
  EXPECT_EQ(internal::FindDate("on 25/05/2022", DateOrder::kMonthFirst), "2022-05-25");
}

TEST(PageDates, FindAllDatesGivesDaysInTextOrder) {
  auto all = internal::FindAllDates("2023-09-25T08:00:00Z and 1 May 2022, 3/4/21", 10,
                                    DateOrder::kDayFirst);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0], "2023-09-25");
  EXPECT_EQ(all[1], "2022-05-01");
  EXPECT_EQ(all[2], "2021-04-03");
}

TEST(PageDates, UrlDates) {
  EXPECT_EQ(internal::DateFromUrl("https://x.example/2023/09/25/story"), "2023-09-25");
  EXPECT_EQ(internal::DateFromUrl("https://x.example/news/2023-09-25-story"), "2023-09-25");
  EXPECT_EQ(internal::DateFromUrl("https://x.example/news/story"), "");
}

TEST(WarcDate, StandsInOnlyForAMissingDate) {
  WarcRecord rec;
  rec.warc_date = "2023-09-25T08:15:00Z";
  ExtractedPage undated;
  UseWarcDateIfUndated(rec, &undated);
  EXPECT_EQ(undated.published, "2023-09-25T08:15:00Z");
  EXPECT_EQ(undated.published_ts, kNoTime);
  ExtractedPage dated;
  dated.published = "2023-09-20";
  dated.published_ts = 1695168000;
  UseWarcDateIfUndated(rec, &dated);
  EXPECT_EQ(dated.published, "2023-09-20");
  EXPECT_EQ(dated.published_ts, 1695168000);
  ExtractedPage none;
  UseWarcDateIfUndated(WarcRecord(), &none);
  EXPECT_EQ(none.published, "");
}

}  // namespace
}  // namespace storyline
