// Copyright storyline authors.
#include "extract/page_dates.h"

#include "storyline/article.h"

namespace storyline::internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool ValidYmd(int y, int m, int d) { return y >= 1990 && y <= 2035 && ValidMonthDay(m, d); }

int MonthOf(std::string_view word) { return MonthFromName(word, MonthNames::kAll); }

void SkipSpaces(std::string_view s, size_t* p) {
  while (*p < s.size() && (s[*p] == ' ' || s[*p] == ',' || s[*p] == '\t' || s[*p] == '\n')) ++*p;
}

std::string_view ReadWord(std::string_view s, size_t* p) {
  size_t b = *p;
  while (*p < s.size() && IsLetterByte(s[*p])) ++*p;
  return s.substr(b, *p - b);
}

// Skips an English ordinal suffix ("5th", "1st") at s[*p].
void SkipOrdinal(std::string_view s, size_t* p) {
  if (*p + 1 < s.size() && (s.compare(*p, 2, "st") == 0 || s.compare(*p, 2, "nd") == 0 ||
                            s.compare(*p, 2, "rd") == 0 || s.compare(*p, 2, "th") == 0)) {
    *p += 2;
  }
}

// `date` with the time of day written from s[p] ('T' or ' ') when the whole
// date-time parses; `date` alone otherwise.
std::string WithTimeOfDay(std::string_view s, size_t p, std::string date) {
  size_t e = p + 1;
  while (e < s.size() && (IsDigit(s[e]) || s[e] == ':' || s[e] == '.' || s[e] == '+' ||
                          s[e] == '-' || s[e] == 'Z')) {
    ++e;
  }
  std::string dt = date + "T" + std::string(s.substr(p + 1, e - p - 1));
  if (e - p > 5 && ParseDateTime(dt)) return dt;
  return date;
}

// "2023-09-25", "2023/09/25", "2023.09.25", "2023-09-25T08:15:00Z": year `y`
// has been read and s[p] is the separator.
std::string YearFirstDate(std::string_view s, size_t p, int y) {
  const char sep = s[p++];
  int nd2, nd3;
  int m = ReadNumber(s, &p, 2, &nd2);
  if (m < 0 || p >= s.size() || s[p] != sep) return "";
  ++p;
  int d = ReadNumber(s, &p, 2, &nd3);
  if (d < 0 || !ValidYmd(y, m, d)) return "";
  if (p < s.size() && IsDigit(s[p])) return "";
  std::string date = FormatCivilDate(y, m, d);
  if (sep == '-' && p < s.size() && (s[p] == 'T' || s[p] == ' ')) {
    return WithTimeOfDay(s, p, std::move(date));
  }
  return date;
}

// "25.09.2023", "25/09/23", "09/25/2023": the first number `first` has been read
// and s[p] is the separator.
std::string NumericDate(std::string_view s, size_t p, int first, DateOrder order) {
  const char sep = s[p++];
  int nd2, nd3;
  int second = ReadNumber(s, &p, 2, &nd2);
  if (second < 0 || p >= s.size() || s[p] != sep) return "";
  ++p;
  while (sep == '.' && p < s.size() && s[p] == ' ') ++p;
  int y = ReadNumber(s, &p, 4, &nd3);
  if (y < 0 || (p < s.size() && IsDigit(s[p]))) return "";
  if (nd3 == 2) {
    y += y < 50 ? 2000 : 1900;
  } else if (nd3 != 4) {
    return "";
  }
  int d, m;
  DayAndMonth(first, second, sep, order, &d, &m);
  if (!ValidYmd(y, m, d)) return "";
  return FormatCivilDate(y, m, d);
}

// "25. September 2023", "25 de septiembre de 2023", "5th March 2023": day `d`
// has been read, s[p] follows it.
std::string DayThenMonthName(std::string_view s, size_t p, int d) {
  if (p < s.size() && s[p] == '.') ++p;
  SkipOrdinal(s, &p);
  SkipSpaces(s, &p);
  if (s.compare(p, 3, "de ") == 0) p += 3;
  int m = MonthOf(ReadWord(s, &p));
  if (m == 0) return "";
  if (p < s.size() && s[p] == '.') ++p;
  SkipSpaces(s, &p);
  if (s.compare(p, 3, "de ") == 0) p += 3;
  int nd = 0;
  int y = ReadNumber(s, &p, 4, &nd);
  if (nd != 4 || !ValidYmd(y, m, d)) return "";
  return FormatCivilDate(y, m, d);
}

// "September 25, 2023", "Sep. 25th 2023" starting at s[p].
std::string MonthNameFirst(std::string_view s, size_t p) {
  int m = MonthOf(ReadWord(s, &p));
  if (m == 0) return "";
  if (p < s.size() && s[p] == '.') ++p;
  SkipSpaces(s, &p);
  int nd = 0;
  int d = ReadNumber(s, &p, 2, &nd);
  if (d < 0) return "";
  SkipOrdinal(s, &p);
  SkipSpaces(s, &p);
  int y = ReadNumber(s, &p, 4, &nd);
  if (nd != 4 || !ValidYmd(y, m, d)) return "";
  return FormatCivilDate(y, m, d);
}

// Whether a date may start at text[p]: the first digit of a number or the first
// byte of a word.
bool StartsToken(std::string_view text, size_t p) {
  const char c = text[p];
  if (IsDigit(c)) return p == 0 || !IsDigit(text[p - 1]);
  if (IsLetterByte(c)) return p == 0 || !IsLetterByte(text[p - 1]);
  return false;
}

// /DD-MM-YYYY: day `d` has been read and url[q] follows the '-'.
std::string UrlDayMonthYear(std::string_view url, size_t q, int d) {
  int nm = 0, ny = 0;
  const int m = ReadNumber(url, &q, 2, &nm);
  if (nm != 2 || q >= url.size() || url[q] != '-') return "";
  ++q;
  const int y = ReadNumber(url, &q, 4, &ny);
  if (ny != 4 || (q < url.size() && IsDigit(url[q])) || !ValidYmd(y, m, d)) return "";
  return FormatCivilDate(y, m, d);
}

// /YYYY/oct/02/: year `y` has been read and url[r] starts the month's name.
std::string UrlMonthName(std::string_view url, size_t r, int y) {
  const int m = MonthOf(ReadWord(url, &r));
  if (m <= 0 || r >= url.size() || url[r] != '/') return "";
  ++r;
  int nd = 0;
  const int d = ReadNumber(url, &r, 2, &nd);
  if (d > 0 && (r >= url.size() || !IsDigit(url[r])) && ValidYmd(y, m, d)) {
    return FormatCivilDate(y, m, d);
  }
  return "";
}

// /YYYY/MM/DD, /YYYY-MM-DD, /YYYY_MM_DD: year `y` has been read and url[q] is
// the separator.
std::string UrlYearFirst(std::string_view url, size_t q, int y) {
  const char sep = url[q++];
  int nd = 0;
  int m = ReadNumber(url, &q, 2, &nd);
  if (m < 0 || q >= url.size() || url[q] != sep) return "";
  ++q;
  int d = ReadNumber(url, &q, 2, &nd);
  if (d < 0 || !ValidYmd(y, m, d)) return "";
  if (q < url.size() && IsDigit(url[q])) return "";
  return FormatCivilDate(y, m, d);
}

// YYYYMMDD starting at url[p].
std::string UrlCompact(std::string_view url, size_t p) {
  int nd = 0;
  int v = ReadNumber(url, &p, 8, &nd);
  if (nd == 8 && (p >= url.size() || !IsDigit(url[p]))) {
    int y = v / 10000, m = v / 100 % 100, d = v % 100;
    if (ValidYmd(y, m, d)) return FormatCivilDate(y, m, d);
  }
  return "";
}

// The date of the path segment starting at url[p] (after '/', '-' or '_').
std::string UrlDateAt(std::string_view url, size_t p) {
  size_t q = p;
  int nd;
  int y = ReadNumber(url, &q, 4, &nd);
  if (nd == 2 && url[p - 1] == '/' && q < url.size() && url[q] == '-') {
    return UrlDayMonthYear(url, q + 1, y);
  }
  if (nd != 4) return "";
  if (q + 1 < url.size() && url[q] == '/' && IsLetterByte(url[q + 1])) {
    std::string date = UrlMonthName(url, q + 1, y);
    if (!date.empty()) return date;
  }
  if (q < url.size() && (url[q] == '/' || url[q] == '-' || url[q] == '_')) {
    return UrlYearFirst(url, q, y);
  }
  if (q + 4 <= url.size()) return UrlCompact(url, p);
  return "";
}

}  // namespace

bool IsLetterByte(char c) {
  return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (static_cast<unsigned char>(c) & 0x80);
}

std::string DateAt(std::string_view s, size_t start, DateOrder order) {
  size_t p = start;
  if (!IsDigit(s[p])) return MonthNameFirst(s, p);
  int nd = 0;
  const int a = ReadNumber(s, &p, 4, &nd);
  if (a < 0) return "";
  if (nd == 4 && p + 1 < s.size() && (s[p] == '-' || s[p] == '/' || s[p] == '.')) {
    return YearFirstDate(s, p, a);
  }
  if (nd > 2) return "";
  if (p < s.size() && (s[p] == '.' || s[p] == '/' || s[p] == '-') && p + 1 < s.size() &&
      IsDigit(s[p + 1])) {
    return NumericDate(s, p, a, order);
  }
  return DayThenMonthName(s, p, a);
}

std::string FindDate(std::string_view text, DateOrder order) {
  for (size_t p = 0; p < text.size(); ++p) {
    if (!StartsToken(text, p)) continue;
    std::string d = DateAt(text, p, order);
    if (!d.empty()) return d;
  }
  return "";
}

std::vector<std::string> FindAllDates(std::string_view text, size_t limit, DateOrder order) {
  std::vector<std::string> out;
  for (size_t p = 0; p < text.size() && out.size() < limit; ++p) {
    if (!StartsToken(text, p)) continue;
    std::string d = DateAt(text, p, order);
    if (!d.empty()) out.push_back(d.substr(0, 10));
  }
  return out;
}

std::string DateFromUrl(std::string_view url) {
  for (size_t p = 0; p + 8 <= url.size(); ++p) {
    if (!(p > 0 && (url[p - 1] == '/' || url[p - 1] == '-' || url[p - 1] == '_'))) continue;
    std::string date = UrlDateAt(url, p);
    if (!date.empty()) return date;
  }
  return "";
}

}  // namespace storyline::internal
