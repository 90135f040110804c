// Copyright storyline authors.
#include "storyline/dates.h"

#include <gtest/gtest.h>

namespace storyline {
namespace {

TEST(CoreDates, CivilDaysRoundTrip) {
  for (int64_t d : {-1000LL, 0LL, 19613LL, 60000LL}) {
    int y, m, dd;
    CivilFromDays(d, &y, &m, &dd);
    EXPECT_EQ(DaysFromCivil(y, m, dd), d);
  }
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2023, 9, 25), 19625);
}

TEST(CoreDates, ValidMonthDayAllowsFebruary29) {
  EXPECT_TRUE(ValidMonthDay(2, 29));
  EXPECT_FALSE(ValidMonthDay(2, 30));
  EXPECT_FALSE(ValidMonthDay(4, 31));
  EXPECT_FALSE(ValidMonthDay(13, 1));
  EXPECT_FALSE(ValidMonthDay(1, 0));
}

TEST(CoreDates, MonthNamesEnglishOrAll) {
  EXPECT_EQ(MonthFromName("September", MonthNames::kEnglish), 9);
  EXPECT_EQ(MonthFromName("sept", MonthNames::kEnglish), 9);
  EXPECT_EQ(MonthFromName("MAY", MonthNames::kEnglish), 5);
  EXPECT_EQ(MonthFromName("mai", MonthNames::kEnglish), 0);
  EXPECT_EQ(MonthFromName("mai", MonthNames::kAll), 5);
  EXPECT_EQ(MonthFromName("MÄRZ", MonthNames::kAll), 3);
  EXPECT_EQ(MonthFromName("августа", MonthNames::kAll), 8);
  EXPECT_EQ(MonthFromName("se", MonthNames::kAll), 0);
  EXPECT_EQ(MonthFromName("Monday", MonthNames::kAll), 0);
}

TEST(CoreDates, ReadNumberStopsAfterOneDigitTooMany) {
  size_t p = 0;
  int nd = 0;
  EXPECT_EQ(ReadNumber("2023-09", &p, 4, &nd), 2023);
  EXPECT_EQ(p, 4u);
  EXPECT_EQ(nd, 4);
  p = 0;
  EXPECT_EQ(ReadNumber("20230925", &p, 4, &nd), -1);
  EXPECT_EQ(nd, 5);
  EXPECT_EQ(p, 5u);
  p = 0;
  EXPECT_EQ(ReadNumber("x", &p, 2, &nd), -1);
  EXPECT_EQ(nd, 0);
}

TEST(CoreDates, SlashedDatesFollowTheCallersOrder) {
  int d, m;
  DayAndMonth(3, 5, '/', DateOrder::kMonthFirst, &d, &m);
  EXPECT_EQ(d, 5);
  EXPECT_EQ(m, 3);
  DayAndMonth(3, 5, '/', DateOrder::kDayFirst, &d, &m);
  EXPECT_EQ(d, 3);
  EXPECT_EQ(m, 5);
  DayAndMonth(3, 5, '.', DateOrder::kMonthFirst, &d, &m);  // dotted: day-first
  EXPECT_EQ(d, 3);
  EXPECT_EQ(m, 5);
  DayAndMonth(5, 25, '/', DateOrder::kDayFirst, &d, &m);  // 25 can only be the day
  EXPECT_EQ(d, 25);
  EXPECT_EQ(m, 5);
}

TEST(CoreDates, IsoDayNumber) {
  EXPECT_EQ(IsoDayNumber("1970-01-02"), 1);
  EXPECT_EQ(IsoDayNumber("2023-09-25T08:00:00Z"), 19625);
  EXPECT_EQ(IsoDayNumber("2023-9-25"), -1);
  EXPECT_EQ(IsoDayNumber("2023-09-2x"), -1);
}

TEST(CoreDates, Rfc1123MonthsByTheirFirstThreeLetters) {
  EXPECT_EQ(ParseDateTime("Mon, 25 Sep 2023 00:00:00 GMT"), 1695600000);
  EXPECT_EQ(ParseDateTime("Mon, 25 September 2023 00:00:00 GMT"), 1695600000);
  EXPECT_FALSE(ParseDateTime("Mon, 25 Xyz 2023 00:00:00 GMT").has_value());
}

}  // namespace
}  // namespace storyline
