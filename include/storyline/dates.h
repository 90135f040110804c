// Copyright storyline authors.
//
// Dates, in one module. Two layers:
//
// 1. Calendar arithmetic and the pieces every date reader in the library is built
//    from (src/core/dates.cc): days from a civil date and back, month names,
//    numbers read from text, and how a slashed date "03/05/2022" is read. Page
//    metadata (src/extract) and text dates (below) both use them, so a month name
//    or a day count means the same everywhere.
//
// 2. Dates read from an article's text (src/story/dates.cc), for articles that
//    come without `published` (and for the timeline of a story): datelines
//    ("SEOUL (Reuters) -", "SALVADOR, Feb 26 -"), full dates ("September 13, 2023",
//    "13 Sep 2023", "2023-09-13", a dated URL ".../2022/08/09/..."), month-years
//    ("September 2017"), years in context ("in 2022"), month-days with the year
//    inferred ("Aug 15"), weekdays relative to a known date ("on Monday") and
//    relative phrases ("earlier this year", "last week"). Every estimate keeps its
//    evidence (the words it rests on) and states its confidence and granularity,
//    so a timeline can say how sure it is.
//
//   storyline::DateEstimate d = storyline::EstimateDate(article);
//   if (d.time != storyline::kNoTime) Print(FormatDate(d.time), d.evidence);
//
// The rule (docs/stories.md "Dates"): `published` wins (confidence 1). Otherwise
// only evidence of publication dates an article: a "Published/Posted/Updated" line
// or a line that is only a date; else a lower bound (a photo caption's date, a
// dated link) refined by a weekday ("on Monday": the first such weekday on or
// after it) or a dated dateline; else a dated dateline alone, in the year of the
// newest date the caller knows. A date the text talks about ("in 2020 the company",
// "by 2050") is no evidence: with nothing else the article is undated. No estimate
// is ever later than the bound the caller passes (the feed's newest `published`,
// the clock at ingest). The dates a text reports still describe its content
// (EstimateReportedDate), as its numbers and names do.
// Everything here is pure and thread-safe (no hidden state: the reading order of
// slashed dates is a parameter).
#ifndef STORYLINE_DATES_H_
#define STORYLINE_DATES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storyline/article.h"

namespace storyline {

// ---- Calendar arithmetic and parsing primitives (src/core/dates.cc) ------------

// Days since 1970-01-01 of a civil date (proleptic Gregorian), and back. Month
// 1..12; a day past the month's end counts on into the next month.
int64_t DaysFromCivil(int year, int month, int day);
void CivilFromDays(int64_t days, int* year, int* month, int* day);

// Whether `day` is a day of `month` (1..12) in some year: February has 29 days.
// Callers add their own range of plausible years.
bool ValidMonthDay(int month, int day);

// "YYYY-MM-DD" from its parts (zero-padded; no validation).
std::string FormatCivilDate(int year, int month, int day);

// Which names MonthFromName knows.
enum class MonthNames {
  kEnglish,  // "january".."december", "jan".."dec" and "sept"
  kAll,      // English, German, French, Spanish, Portuguese, Italian, Dutch,
             // Polish, Russian and Ukrainian names and abbreviations
};

// The month (1..12) that the whole of `word` names, 0 when it names none. ASCII
// letters and "Ä" compare case-insensitively; other bytes as the lower-case
// names are written. Never allocates (it runs on every word that may start a date).
int MonthFromName(std::string_view word, MonthNames names);

// Reads the run of digits at s[*pos] (advancing *pos over at most max_digits + 1
// of them) and sets *ndigits to the number read. Returns the value, or -1 when
// no digit is there or the run is longer than max_digits.
int ReadNumber(std::string_view s, size_t* pos, int max_digits, int* ndigits);

// How the first two numbers of a slashed date are read when both could be a
// month: "03/05/2022" is March 5 month-first (American usage) and 3 May
// day-first. The caller decides (from the page's language, a label, ...).
enum class DateOrder { kMonthFirst, kDayFirst };

// The day and month of a numeric date whose first two numbers are `first` and
// `second`, written with separator `sep` ('/', '.', '-'). Dotted and dashed
// dates are day-first; a slashed date with both numbers <= 12 follows `order`;
// a second number over 12 (when the first is not) is the day whatever the order.
// No validation beyond that.
void DayAndMonth(int first, int second, char sep, DateOrder order, int* day, int* month);

// Days since 1970-01-01 of the "YYYY-MM-DD" that `s` starts with; -1 when `s`
// does not start with four digits, '-', two digits, '-', two digits. Digits
// are not range-checked (pass a valid date).
int64_t IsoDayNumber(std::string_view s);

// ---- Dates in news text (src/story/dates.cc) -------------------------------------

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
  int year = 0;              // 0 when not stated
  int month = 0;             // 1..12, 0 when not stated
  int day = 0;               // 1..31, 0 when not stated
  int weekday = -1;          // 0 = Sunday .. 6 = Saturday for kWeekday, else -1
  int relative = 0;          // kRelative / kWeekday: -1 last, 0 this, +1 next
  bool prospective = false;  // "by 2030", "until", "next": not a lower bound
  // Where an absolute date stands. kMention: a date the text talks about, no
  // evidence of its publication. kPublicationLine: on a line that starts with
  // "Published", "Posted", "Updated", "Last updated", "Date" or that holds only
  // the date (a weekday, a time and a zone may go with it); `text` then starts at
  // the line start. kCaption: a full date that closes a photo caption ("... Amur
  // region, Russia, September 13, 2023." at the end of its line, or before a
  // credit "Name/Agency"): the day of the photo, a lower bound.
  enum class Role { kMention, kPublicationLine, kCaption };
  Role role = Role::kMention;
  uint32_t begin = 0, end = 0;  // byte offsets of the expression in the text
  std::string text;             // the expression as written
};

// The date of an article, with how it was found.
struct DateEstimate {
  Timestamp time = kNoTime;  // UTC midnight of the estimated day (or the first day
                             // of the month / year at coarser granularity)
  std::string granularity;   // "second" (published), "day", "month", "year", "" none
  double confidence = 0;     // 1 for `published`; 0.1..0.8 for text evidence; 0 none
  std::string method;        // "published", "text: latest date + weekday", ...
  std::string evidence;      // the words the estimate rests on, quoted, "; "-separated
};

// Finds the date expressions in `text`, in text order. Never fails; unknown
// patterns are skipped. Linear in the text length.
std::vector<DateMention> FindDateMentions(std::string_view text);

// What a caller knows of "now", as bounds on a text's date: the newest
// `published` its feed has shown so far, and its clock (the time of ingest).
// kNoTime: unknown.
struct DateBounds {
  Timestamp feed = kNoTime;
  Timestamp clock = kNoTime;
};

// Estimates when `article` was published: `published_ts` when set, else from the
// evidence in its title and text as the header describes, never after either
// bound (evidence later than one is refused). A lower bound (a caption's date, a
// dated link) more than a year before `bounds.feed` says too little of an article
// arriving in that feed. time == kNoTime (confidence 0, empty method and
// evidence) when no evidence holds: undated.
DateEstimate EstimateDate(const Article& article, const DateBounds& bounds = {});

// The date of what `article` reports: `published_ts` when set, else the latest
// absolute date its text mentions in the past sense (not "by 2030", "until",
// "next"; day 0.5, month 0.4, year 0.3 confidence), refined by a weekday or a
// dated dateline as EstimateDate does. A content feature for comparing two texts
// (two reports of look-alike events years apart), never a publication date.
DateEstimate EstimateReportedDate(const Article& article);

}  // namespace storyline

#endif  // STORYLINE_DATES_H_
