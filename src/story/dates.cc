// Copyright storyline authors.
//
// Date expressions in news text. A small hand-written scanner over ASCII words and
// numbers (dates in English news are ASCII); see include/storyline/dates.h.
#include "storyline/dates.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace storyline {

int64_t DaysFromCivil(int y, int m, int d) {
  // Howard Hinnant's days_from_civil.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int* year, int* month, int* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int>(y + (m <= 2));
  *month = static_cast<int>(m);
  *day = static_cast<int>(d);
}

namespace {

struct Tok {
  enum Type { kWord, kNum, kPunct } type;
  uint32_t begin, end;
  std::string lower;  // words lower-cased; numbers as written; punct the char
  bool cap = false;   // word starts with an upper-case letter
  bool line_start = false;
};

// Splits into ASCII words, digit runs and single punctuation characters. Non-ASCII
// bytes separate tokens (they never form English date words).
std::vector<Tok> Scan(std::string_view s) {
  std::vector<Tok> out;
  bool at_line_start = true;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    if (c == '\n') {
      at_line_start = true;
      ++i;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
      continue;
    }
    Tok t;
    t.begin = static_cast<uint32_t>(i);
    if (std::isalpha(c)) {
      size_t j = i;
      while (j < s.size() && std::isalpha(static_cast<unsigned char>(s[j]))) ++j;
      t.type = Tok::kWord;
      t.cap = std::isupper(c);
      t.lower.assign(s.substr(i, j - i));
      for (char& ch : t.lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      i = j;
    } else if (std::isdigit(c)) {
      size_t j = i;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
      t.type = Tok::kNum;
      t.lower.assign(s.substr(i, j - i));
      // "13th", "1st": drop the ordinal suffix.
      if (j + 1 < s.size() + 1) {
        std::string_view rest = s.substr(j, 2);
        if (rest == "st" || rest == "nd" || rest == "rd" || rest == "th") {
          if (j + 2 >= s.size() || !std::isalpha(static_cast<unsigned char>(s[j + 2]))) j += 2;
        }
      }
      i = j;
    } else {
      t.type = Tok::kPunct;
      t.lower.assign(1, static_cast<char>(c));
      ++i;
      if (c >= 0x80) {  // skip the rest of a UTF-8 sequence
        while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
        t.lower = "?";
      }
    }
    t.end = static_cast<uint32_t>(i);
    t.line_start = at_line_start;
    at_line_start = false;
    out.push_back(std::move(t));
  }
  return out;
}

int MonthOf(const std::string& w) {
  static const char* kFull[] = {"january",   "february", "march",    "april",
                                "may",       "june",     "july",     "august",
                                "september", "october",  "november", "december"};
  static const char* kShort[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                 "jul", "aug", "sep", "oct", "nov", "dec"};
  for (int m = 0; m < 12; ++m) {
    if (w == kFull[m] || w == kShort[m]) return m + 1;
  }
  if (w == "sept") return 9;
  return 0;
}

int WeekdayOf(const std::string& w) {
  static const char* kDays[] = {"sunday",   "monday", "tuesday", "wednesday",
                                "thursday", "friday", "saturday"};
  for (int d = 0; d < 7; ++d) {
    if (w == kDays[d]) return d;
  }
  return -1;
}

int AsInt(const Tok& t) {
  if (t.type != Tok::kNum || t.lower.size() > 4) return -1;
  return std::atoi(t.lower.c_str());
}

bool IsYear(int v) { return v >= 1900 && v <= 2099; }
bool IsDay(int v) { return v >= 1 && v <= 31; }

bool ValidDate(int y, int m, int d) {
  if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  static const int kLen[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return d <= kLen[m - 1];
}

// Words before a year or date that make it forward-looking: not a lower bound of
// the publication date.
bool Prospective(const std::vector<Tok>& t, size_t i) {
  for (size_t k = i >= 3 ? i - 3 : 0; k < i; ++k) {
    const std::string& w = t[k].lower;
    if (w == "by" || w == "until" || w == "till" || w == "next" || w == "before" ||
        w == "through" || w == "will" || w == "scheduled" || w == "expected" || w == "planned" ||
        w == "due" || w == "ahead")
      return true;
  }
  return false;
}

// Words after which a bare 4-digit number is a year, not a quantity.
bool YearContext(const std::string& w) {
  static const char* kWords[] = {"in",     "since",  "of",     "during", "from", "until",
                                 "by",     "early",  "late",   "mid",    "year", "summer",
                                 "winter", "spring", "autumn", "fall",   "end",  "before",
                                 "after",  "around", "circa",  "through"};
  for (const char* k : kWords) {
    if (w == k) return true;
  }
  return false;
}

}  // namespace

std::vector<DateMention> FindDateMentions(std::string_view text) {
  std::vector<Tok> t = Scan(text);
  std::vector<DateMention> out;
  auto emit = [&](DateMention::Kind kind, size_t from, size_t to_incl, int y, int m, int d) {
    DateMention dm;
    dm.kind = kind;
    dm.year = y;
    dm.month = m;
    dm.day = d;
    dm.begin = t[from].begin;
    dm.end = t[to_incl].end;
    dm.text.assign(text.substr(dm.begin, dm.end - dm.begin));
    dm.prospective = Prospective(t, from);
    out.push_back(std::move(dm));
  };
  auto is_punct = [&](size_t k, char c) {
    return k < t.size() && t[k].type == Tok::kPunct && t[k].lower[0] == c;
  };
  const size_t n = t.size();
  for (size_t i = 0; i < n; ++i) {
    const Tok& a = t[i];
    // Datelines: "SEOUL (Reuters) -" or "SALVADOR, Feb 26 -" at a line start.
    if (a.line_start && a.type == Tok::kWord && a.cap) {
      size_t k = i;
      // An upper-case place of up to 4 words.
      while (k < n && k < i + 4 && t[k].type == Tok::kWord &&
             std::isupper(static_cast<unsigned char>(text[t[k].begin])) &&
             (t[k].end - t[k].begin < 2 ||
              std::isupper(static_cast<unsigned char>(text[t[k].begin + 1]))))
        ++k;
      if (k > i) {
        if (is_punct(k, '(') && k + 2 < n && t[k + 1].type == Tok::kWord && is_punct(k + 2, ')') &&
            (is_punct(k + 3, '-') || (k + 3 < n && t[k + 3].type == Tok::kPunct))) {
          DateMention dm;
          dm.kind = DateMention::Kind::kDateline;
          dm.begin = t[i].begin;
          dm.end = t[k + 2].end;
          dm.text.assign(text.substr(dm.begin, dm.end - dm.begin));
          out.push_back(std::move(dm));
        } else if (is_punct(k, ',') && k + 3 < n && t[k + 1].type == Tok::kWord &&
                   MonthOf(t[k + 1].lower) && IsDay(AsInt(t[k + 2])) && is_punct(k + 3, '-')) {
          DateMention dm;
          dm.kind = DateMention::Kind::kDateline;
          dm.month = MonthOf(t[k + 1].lower);
          dm.day = AsInt(t[k + 2]);
          dm.begin = t[i].begin;
          dm.end = t[k + 2].end;
          dm.text.assign(text.substr(dm.begin, dm.end - dm.begin));
          out.push_back(std::move(dm));
          i = k + 3;
          continue;
        }
      }
    }
    if (a.type == Tok::kNum) {
      int v = AsInt(a);
      // ISO date 2023-09-13 or URL path /2022/08/09/ or /2022/07/.
      if (IsYear(v) && i + 2 < n && t[i + 1].type == Tok::kPunct &&
          (t[i + 1].lower == "-" || t[i + 1].lower == "/") && t[i + 2].type == Tok::kNum &&
          t[i + 2].lower.size() == 2) {
        char sep = t[i + 1].lower[0];
        int m = AsInt(t[i + 2]);
        bool url = sep == '/' && i > 0 && is_punct(i - 1, '/');
        if (m >= 1 && m <= 12) {
          if (i + 4 < n && is_punct(i + 3, sep) && t[i + 4].type == Tok::kNum &&
              t[i + 4].lower.size() == 2 && ValidDate(v, m, AsInt(t[i + 4]))) {
            emit(url ? DateMention::Kind::kUrlDate : DateMention::Kind::kFullDate, i, i + 4, v, m,
                 AsInt(t[i + 4]));
            i += 4;
            continue;
          }
          if (url) {
            emit(DateMention::Kind::kUrlDate, i, i + 2, v, m, 0);
            i += 2;
            continue;
          }
        }
      }
      // "13 September 2023", "13 Sep"
      if (IsDay(v) && a.lower.size() <= 2 && i + 1 < n && t[i + 1].type == Tok::kWord &&
          MonthOf(t[i + 1].lower) && (t[i + 1].cap || t[i + 1].lower.size() > 3)) {
        int m = MonthOf(t[i + 1].lower);
        size_t k = i + 2;
        if (is_punct(k, '.')) ++k;
        if (is_punct(k, ',')) ++k;
        if (k < n && IsYear(AsInt(t[k])) && ValidDate(AsInt(t[k]), m, v)) {
          emit(DateMention::Kind::kFullDate, i, k, AsInt(t[k]), m, v);
          i = k;
          continue;
        }
        if (t[i + 1].cap && t[i + 1].lower != "may" && t[i + 1].lower != "march") {
          emit(DateMention::Kind::kMonthDay, i, i + 1, 0, m, v);
          i += 1;
          continue;
        }
      }
      // A bare year after a context word: "in 2022", "since 1945".
      if (IsYear(v) && a.lower.size() == 4 && i > 0 && t[i - 1].type == Tok::kWord &&
          YearContext(t[i - 1].lower)) {
        emit(DateMention::Kind::kYear, i, i, v, 0, 0);
        continue;
      }
      continue;
    }
    if (a.type != Tok::kWord) continue;
    int m = MonthOf(a.lower);
    if (m && (a.cap)) {
      size_t k = i + 1;
      if (is_punct(k, '.')) ++k;
      int d = k < n ? AsInt(t[k]) : -1;
      if (IsDay(d) && t[k].lower.size() <= 2) {
        size_t y = k + 1;
        if (is_punct(y, ',')) ++y;
        if (y < n && IsYear(AsInt(t[y])) && t[y].lower.size() == 4 &&
            ValidDate(AsInt(t[y]), m, d)) {
          emit(DateMention::Kind::kFullDate, i, y, AsInt(t[y]), m, d);
          i = y;
          continue;
        }
        if (ValidDate(2000, m, d)) {
          emit(DateMention::Kind::kMonthDay, i, k, 0, m, d);
          i = k;
          continue;
        }
      }
      if (IsYear(d) && t[k].lower.size() == 4) {
        emit(DateMention::Kind::kMonthYear, i, k, d, m, 0);
        i = k;
        continue;
      }
      continue;
    }
    int wd = WeekdayOf(a.lower);
    if (wd >= 0) {
      // Part of "Monday, September 25, 2023"? Then the full date follows.
      size_t k = i + 1;
      if (is_punct(k, ',')) ++k;
      if (k < n && t[k].type == Tok::kWord && MonthOf(t[k].lower)) continue;
      if (k < n && t[k].type == Tok::kNum && IsDay(AsInt(t[k])) && k + 1 < n &&
          MonthOf(t[k + 1].lower))
        continue;
      DateMention dm;
      dm.kind = DateMention::Kind::kWeekday;
      dm.weekday = wd;
      size_t from = i;
      if (i > 0 && t[i - 1].type == Tok::kWord) {
        const std::string& p = t[i - 1].lower;
        if (p == "last" || p == "previous") {
          dm.relative = -1;
          from = i - 1;
        } else if (p == "next" || p == "coming") {
          dm.relative = 1;
          from = i - 1;
          dm.prospective = true;
        } else if (p == "on" || p == "this") {
          from = i - 1;
        }
      }
      dm.begin = t[from].begin;
      dm.end = a.end;
      dm.text.assign(text.substr(dm.begin, dm.end - dm.begin));
      out.push_back(std::move(dm));
      continue;
    }
    // Relative phrases: "(earlier|later) this year", "last year", "last week",
    // "last month", "yesterday", "today".
    if ((a.lower == "this" || a.lower == "last" || a.lower == "next") && i + 1 < n &&
        t[i + 1].type == Tok::kWord &&
        (t[i + 1].lower == "year" || t[i + 1].lower == "week" || t[i + 1].lower == "month")) {
      DateMention dm;
      dm.kind = DateMention::Kind::kRelative;
      dm.relative = a.lower == "this" ? 0 : a.lower == "last" ? -1 : 1;
      dm.prospective = dm.relative > 0;
      size_t from = i;
      if (i > 0 && (t[i - 1].lower == "earlier" || t[i - 1].lower == "later")) from = i - 1;
      dm.begin = t[from].begin;
      dm.end = t[i + 1].end;
      dm.text.assign(text.substr(dm.begin, dm.end - dm.begin));
      out.push_back(std::move(dm));
      ++i;
      continue;
    }
    if (a.lower == "yesterday" || a.lower == "today") {
      DateMention dm;
      dm.kind = DateMention::Kind::kRelative;
      dm.relative = a.lower == "yesterday" ? -1 : 0;
      dm.begin = a.begin;
      dm.end = a.end;
      dm.text.assign(text.substr(a.begin, a.end - a.begin));
      out.push_back(std::move(dm));
    }
  }
  return out;
}

namespace {

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

DateEstimate EstimateDate(const Article& article) {
  DateEstimate est;
  if (article.published_ts != kNoTime) {
    est.time = article.published_ts;
    est.granularity = "second";
    est.confidence = 1.0;
    est.method = "published";
    est.evidence = Quote(article.published);
    return est;
  }
  std::string all;
  all.reserve(article.title.size() + article.text.size() + 1);
  all += article.title;
  all += '\n';
  all += article.text;
  std::vector<DateMention> ms = FindDateMentions(all);

  // The anchor: the latest absolute date the text reports (a lower bound of its
  // publication), at the finest granularity available for that date.
  int64_t best_day = INT64_MIN;
  int best_gran = 0;  // 3 day, 2 month, 1 year
  const DateMention* anchor = nullptr;
  for (const DateMention& m : ms) {
    if (m.prospective) continue;
    int64_t day;
    int gran;
    switch (m.kind) {
      case DateMention::Kind::kFullDate:
      case DateMention::Kind::kUrlDate:
        if (m.day) {
          day = DaysFromCivil(m.year, m.month, m.day);
          gran = 3;
        } else {
          day = DaysFromCivil(m.year, m.month, 1);
          gran = 2;
        }
        break;
      case DateMention::Kind::kMonthYear:
        day = DaysFromCivil(m.year, m.month, 1);
        gran = 2;
        break;
      case DateMention::Kind::kYear:
        day = DaysFromCivil(m.year, 1, 1);
        gran = 1;
        break;
      default:
        continue;
    }
    // A coarser mention of a later period wins ("in 2023" beats "May 2, 2022");
    // a finer one of the same period refines.
    if (day > best_day || (day == best_day && gran > best_gran)) {
      // Keep a finer date when the later mention only names its year/month.
      if (anchor && best_gran > gran) {
        int y, mo, d;
        CivilFromDays(best_day, &y, &mo, &d);
        if ((gran == 1 && m.year == y) || (gran == 2 && m.year == y && m.month == mo)) continue;
      }
      best_day = day;
      best_gran = gran;
      anchor = &m;
    }
  }
  const DateMention* dateline = nullptr;
  const DateMention* weekday = nullptr;
  const DateMention* this_year = nullptr;
  for (const DateMention& m : ms) {
    if (m.kind == DateMention::Kind::kDateline && !dateline) dateline = &m;
    if (m.kind == DateMention::Kind::kWeekday && m.relative <= 0 && !weekday) weekday = &m;
    if (m.kind == DateMention::Kind::kRelative && m.relative == 0 && !this_year &&
        m.text.find("year") != std::string::npos)
      this_year = &m;
  }
  if (!anchor) {
    if (dateline && dateline->month) {
      est.granularity = "month-day";
      est.method = "dateline without year";
      est.evidence = Quote(dateline->text);
      est.confidence = 0.1;  // no year: not placeable on a timeline
    }
    return est;
  }
  int64_t day = best_day;
  std::string evidence = Quote(anchor->text);
  std::string method = "text: latest date mentioned";
  double conf = best_gran == 3 ? 0.5 : best_gran == 2 ? 0.4 : 0.3;
  const char* gran = best_gran == 3 ? "day" : best_gran == 2 ? "month" : "year";
  int ay, am, ad;
  CivilFromDays(best_day, &ay, &am, &ad);
  // A dateline "CITY, Feb 26 -" in the anchor's year fixes month and day.
  if (dateline && dateline->month) {
    int64_t dl = DaysFromCivil(ay, dateline->month, dateline->day);
    if (dl >= best_day || best_gran < 3) {
      day = dl;
      gran = "day";
      conf = 0.6;
      method = "text: dateline, year from the latest date";
      evidence += "; " + Quote(dateline->text);
    }
  } else if (weekday && best_gran == 3) {
    // "on Monday" reported after the anchor: the first such weekday on or after it.
    int wd_anchor = static_cast<int>(((best_day % 7) + 7 + 4) % 7);  // 1970-01-01 was Thu
    int delta = (weekday->weekday - wd_anchor + 7) % 7;
    day = best_day + delta;
    conf = 0.6;
    method = "text: weekday on or after the latest date";
    evidence += "; " + Quote(weekday->text);
  }
  if (this_year) {
    int y, mo, d;
    CivilFromDays(day, &y, &mo, &d);
    evidence += "; " + Quote(this_year->text) + " (the same year)";
    conf = std::min(0.7, conf + 0.1);
  }
  if (dateline && !dateline->month) evidence += "; dateline " + Quote(dateline->text);
  est.time = day * 86400;
  est.granularity = gran;
  est.confidence = conf;
  est.method = method;
  est.evidence = evidence;
  return est;
}

}  // namespace storyline
