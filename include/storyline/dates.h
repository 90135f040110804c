// Copyright storyline authors.
//
// Dates read from an article's text, for articles that come without `published`
// (and for the timeline of a story): datelines ("SEOUL (Reuters) -",
// "SALVADOR, Feb 26 -"), full dates ("September 13, 2023", "13 Sep 2023",
// "2023-09-13", a dated URL ".../2022/08/09/..."), month-years ("September 2017"),
// years in context ("in 2022"), month-days with the year inferred ("Aug 15"),
// weekdays relative to a known date ("on Monday") and relative phrases ("earlier
// this year", "last week"). Every estimate keeps its evidence (the words it rests
// on) and states its confidence and granularity, so a timeline can say how sure it is.
//
//   storyline::DateEstimate d = storyline::EstimateDate(article);
//   if (d.time != storyline::kNoTime) Print(FormatDate(d.time), d.evidence);
//
// The rule (docs/stories.md "Dates"): `published` wins (confidence 1). Otherwise a
// news text reports what has happened, so the latest absolute date it mentions in
// the past sense (not "by 2030", "until", "next") is a lower bound of its
// publication; a weekday ("on Monday") after that anchor moves the estimate to the
// first such weekday on or after it; a dated dateline gives month and day.
// Everything here is pure and thread-safe.
#ifndef STORYLINE_DATES_H_
#define STORYLINE_DATES_H_

#include <string>
#include <string_view>
#include <vector>

#include "storyline/article.h"

namespace storyline {

// One date expression found in a text.
struct DateMention {
  enum class Kind {
    kFullDate,   // year, month and day ("September 13, 2023", "2023-09-13")
    kUrlDate,    // a date in a URL path (".../2022/08/09/...", ".../2022/07/...")
    kMonthYear,  // "September 2017"
    kYear,       // "in 2022", "since 1945" (a bare year in a date context)
    kMonthDay,   // "Aug 15", "Feb 26" (year unknown)
    kWeekday,    // "on Monday", "last Friday"
    kRelative,   // "earlier this year", "last year", "last week", "yesterday"
    kDateline,   // "SEOUL (Reuters) -" / "SALVADOR, Feb 26 -" at the start of a line
  };
  Kind kind = Kind::kFullDate;
  int year = 0;                 // 0 when not stated
  int month = 0;                // 1..12, 0 when not stated
  int day = 0;                  // 1..31, 0 when not stated
  int weekday = -1;             // 0 = Sunday .. 6 = Saturday for kWeekday, else -1
  int relative = 0;             // kRelative / kWeekday: -1 last, 0 this, +1 next
  bool prospective = false;     // "by 2030", "until", "next": not a lower bound
  uint32_t begin = 0, end = 0;  // byte offsets of the expression in the text
  std::string text;             // the expression as written
};

// The date of an article, with how it was found.
struct DateEstimate {
  Timestamp time = kNoTime;  // UTC midnight of the estimated day (or the first day
                             // of the month / year at coarser granularity)
  std::string granularity;   // "second" (published), "day", "month", "year", "" none
  double confidence = 0;     // 1 for `published`; 0.2..0.7 for text evidence; 0 none
  std::string method;        // "published", "text: latest date + weekday", ...
  std::string evidence;      // the words the estimate rests on, quoted, "; "-separated
};

// Finds the date expressions in `text`, in text order. Never fails; unknown
// patterns are skipped. Linear in the text length.
std::vector<DateMention> FindDateMentions(std::string_view text);

// Estimates when `article` was published: `published_ts` when set, else from its
// title and text as the header describes. time == kNoTime (confidence 0) when the
// text has no usable date.
DateEstimate EstimateDate(const Article& article);

// Days since 1970-01-01 of a civil date (proleptic Gregorian), and back.
int64_t DaysFromCivil(int year, int month, int day);
void CivilFromDays(int64_t days, int* year, int* month, int* day);

}  // namespace storyline

#endif  // STORYLINE_DATES_H_
