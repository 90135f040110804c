// Copyright storyline authors.
//
// Date expressions in news text. A small hand-written scanner over ASCII words and
// numbers (dates in English news are ASCII); see include/storyline/dates.h.
#include "storyline/dates.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <utility>

#include "core/ascii.h"

namespace storyline {

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
      AsciiLowerInPlace(t.lower);
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

int MonthOf(const std::string& w) { return MonthFromName(w, MonthNames::kEnglish); }

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

// Words before a year or date that make it forward-looking: not a lower bound of
// the publication date.
bool Prospective(const std::vector<Tok>& t, size_t i) {
  for (size_t k = i >= 3 ? i - 3 : 0; k < i; ++k) {
    const std::string& w = t[k].lower;
    if (w == "by" || w == "until" || w == "till" || w == "next" || w == "before" ||
        w == "through" || w == "will" || w == "scheduled" || w == "expected" || w == "planned" ||
        w == "due" || w == "ahead") {
      return true;
    }
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

// Finds the date mentions of one text: one pass over its tokens, each step a
// kind of expression. The steps that match consume their tokens (move the index
// to the last one).
class MentionFinder {
 public:
  explicit MentionFinder(std::string_view text) : text_(text), t_(Scan(text)), n_(t_.size()) {}

  std::vector<DateMention> Run() {
    for (size_t i = 0; i < n_; ++i) {
      if (Dateline(&i)) continue;
      if (t_[i].type == Tok::kNum) {
        Number(&i);
        continue;
      }
      if (t_[i].type != Tok::kWord) continue;
      if (MonthWord(&i) || Weekday(i) || Relative(&i)) continue;
      TodayOrYesterday(i);
    }
    return std::move(out_);
  }

 private:
  bool IsPunct(size_t k, char c) const {
    return k < n_ && t_[k].type == Tok::kPunct && t_[k].lower[0] == c;
  }

  // Appends `dm` spanning tokens from..to_incl.
  void Push(DateMention dm, size_t from, size_t to_incl) {
    dm.begin = t_[from].begin;
    dm.end = t_[to_incl].end;
    dm.text.assign(text_.substr(dm.begin, dm.end - dm.begin));
    out_.push_back(std::move(dm));
  }

  // An absolute date (or a part of one) over tokens from..to_incl.
  void Emit(DateMention::Kind kind, size_t from, size_t to_incl, int y, int m, int d) {
    DateMention dm;
    dm.kind = kind;
    dm.year = y;
    dm.month = m;
    dm.day = d;
    dm.prospective = Prospective(t_, from);
    if (kind == DateMention::Kind::kFullDate || kind == DateMention::Kind::kMonthYear) {
      dm.role = RoleOf(from, to_incl, kind == DateMention::Kind::kFullDate);
    }
    if (dm.role == DateMention::Role::kPublicationLine) from = LineStart(from);
    Push(std::move(dm), from, to_incl);
  }

  // The first token of the line holding token k, and the end (exclusive) of it.
  size_t LineStart(size_t k) const {
    while (k > 0 && !t_[k].line_start) --k;
    return k;
  }
  size_t LineEnd(size_t k) const {
    ++k;
    while (k < n_ && !t_[k].line_start) ++k;
    return k;
  }

  // Words that open a publication line: "Published on", "Last updated:".
  static bool PublicationWord(const std::string& w) {
    return w == "published" || w == "posted" || w == "updated" || w == "last" || w == "first" ||
           w == "date" || w == "dated" || w == "on" || w == "at";
  }

  // A token that may stand beside a date on a line of its own: punctuation, a
  // number (a time), a weekday, "am"/"pm" or a time zone ("BST", "GMT").
  bool DateLineFiller(size_t k) const {
    const Tok& t = t_[k];
    if (t.type != Tok::kWord) return true;
    if (WeekdayOf(t.lower) >= 0 || t.lower == "am" || t.lower == "pm") return true;
    for (const char* d :
         {"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"}) {
      if (t.lower == d) return true;
    }
    if (t.end - t.begin > 4) return false;
    for (uint32_t b = t.begin; b < t.end; ++b) {
      if (!std::isupper(static_cast<unsigned char>(text_[b]))) return false;
    }
    return true;
  }

  // The role of the absolute date over tokens from..to (see DateMention::Role).
  DateMention::Role RoleOf(size_t from, size_t to, bool full) const {
    const size_t ls = LineStart(from), le = LineEnd(to);
    // A publication line: its first words name it, the date follows them.
    if (from - ls <= 4 && t_[ls].type == Tok::kWord && t_[ls].lower != "on" &&
        t_[ls].lower != "at" && PublicationWord(t_[ls].lower)) {
      bool opening = true;
      for (size_t k = ls; k < from && opening; ++k) {
        opening = t_[k].type == Tok::kPunct || PublicationWord(t_[k].lower);
      }
      if (opening) return DateMention::Role::kPublicationLine;
    }
    // A line that holds only the date.
    if (le - ls <= 12) {
      bool only = true;
      for (size_t k = ls; k < le && only; ++k) only = (k >= from && k <= to) || DateLineFiller(k);
      if (only) return DateMention::Role::kPublicationLine;
    }
    // A caption's closing date: ", September 13, 2023." then the line's end or a
    // credit ("Sputnik/Artem Geodakyan/Pool via REUTERS").
    if (full && from > ls && IsPunct(from - 1, ',') && IsPunct(to + 1, '.')) {
      bool credit = to + 2 >= le;
      for (size_t k = to + 2; k < le && !credit; ++k) credit = IsPunct(k, '/');
      if (credit) return DateMention::Role::kCaption;
    }
    return DateMention::Role::kMention;
  }

  // The end of an upper-case place of up to 4 words starting at token i.
  size_t PlaceEnd(size_t i) const {
    size_t k = i;
    while (k < n_ && k < i + 4 && t_[k].type == Tok::kWord &&
           std::isupper(static_cast<unsigned char>(text_[t_[k].begin])) &&
           (t_[k].end - t_[k].begin < 2 ||
            std::isupper(static_cast<unsigned char>(text_[t_[k].begin + 1])))) {
      ++k;
    }
    return k;
  }

  // Datelines at a line start: "SEOUL (Reuters) -" (recorded; the tokens are
  // read on) or "SALVADOR, Feb 26 -" (consumed, returns true).
  bool Dateline(size_t* i) {
    const Tok& a = t_[*i];
    if (!a.line_start || a.type != Tok::kWord || !a.cap) return false;
    const size_t k = PlaceEnd(*i);
    if (k == *i) return false;
    DateMention dm;
    dm.kind = DateMention::Kind::kDateline;
    if (IsPunct(k, '(') && k + 2 < n_ && t_[k + 1].type == Tok::kWord && IsPunct(k + 2, ')') &&
        (IsPunct(k + 3, '-') || (k + 3 < n_ && t_[k + 3].type == Tok::kPunct))) {
      Push(std::move(dm), *i, k + 2);
      return false;
    }
    if (!IsPunct(k, ',') || k + 3 >= n_ || t_[k + 1].type != Tok::kWord ||
        !MonthOf(t_[k + 1].lower)) {
      return false;
    }
    size_t d = k + 2;  // the day, after "Sept." too
    if (IsPunct(d, '.')) ++d;
    if (!IsDay(AsInt(t_[d]))) return false;
    // "SALVADOR, Feb 26 -" or "SEOUL, Sept 25 (Reuters) -".
    size_t dash = d + 1;
    if (IsPunct(dash, '(') && dash + 2 < n_ && t_[dash + 1].type == Tok::kWord &&
        IsPunct(dash + 2, ')')) {
      dash += 3;
    }
    if (!IsPunct(dash, '-') || !ValidMonthDay(MonthOf(t_[k + 1].lower), AsInt(t_[d]))) {
      return false;
    }
    dm.month = MonthOf(t_[k + 1].lower);
    dm.day = AsInt(t_[d]);
    Push(std::move(dm), *i, dash - 1);
    *i = dash;
    return true;
  }

  // A number: an ISO or URL date, a day-month, or a year after a context word.
  void Number(size_t* i) {
    const int v = AsInt(t_[*i]);
    if (IsoOrUrlDate(i, v) || DayMonth(i, v)) return;
    // A bare year after a context word: "in 2022", "since 1945".
    if (IsYear(v) && t_[*i].lower.size() == 4 && *i > 0 && t_[*i - 1].type == Tok::kWord &&
        YearContext(t_[*i - 1].lower)) {
      Emit(DateMention::Kind::kYear, *i, *i, v, 0, 0);
    }
  }

  // ISO date 2023-09-13 or URL path /2022/08/09/ or /2022/07/ at year `v`.
  bool IsoOrUrlDate(size_t* i, int v) {
    const size_t k = *i;
    if (!IsYear(v) || k + 2 >= n_ || t_[k + 1].type != Tok::kPunct ||
        (t_[k + 1].lower != "-" && t_[k + 1].lower != "/") || t_[k + 2].type != Tok::kNum ||
        t_[k + 2].lower.size() != 2) {
      return false;
    }
    const char sep = t_[k + 1].lower[0];
    const int m = AsInt(t_[k + 2]);
    const bool url = sep == '/' && k > 0 && IsPunct(k - 1, '/');
    if (m < 1 || m > 12) return false;
    if (k + 4 < n_ && IsPunct(k + 3, sep) && t_[k + 4].type == Tok::kNum &&
        t_[k + 4].lower.size() == 2 && ValidMonthDay(m, AsInt(t_[k + 4]))) {
      Emit(url ? DateMention::Kind::kUrlDate : DateMention::Kind::kFullDate, k, k + 4, v, m,
           AsInt(t_[k + 4]));
      *i = k + 4;
      return true;
    }
    if (url) {
      Emit(DateMention::Kind::kUrlDate, k, k + 2, v, m, 0);
      *i = k + 2;
      return true;
    }
    return false;
  }

  // "13 September 2023", "13 Sep" at day `v`.
  bool DayMonth(size_t* i, int v) {
    const size_t k0 = *i;
    if (!IsDay(v) || t_[k0].lower.size() > 2 || k0 + 1 >= n_ || t_[k0 + 1].type != Tok::kWord) {
      return false;
    }
    const Tok& month = t_[k0 + 1];
    const int m = MonthOf(month.lower);
    if (!m || !(month.cap || month.lower.size() > 3)) return false;
    size_t k = k0 + 2;
    if (IsPunct(k, '.')) ++k;
    if (IsPunct(k, ',')) ++k;
    if (k < n_ && !t_[k].line_start && IsYear(AsInt(t_[k])) && ValidMonthDay(m, v)) {
      Emit(DateMention::Kind::kFullDate, k0, k, AsInt(t_[k]), m, v);
      *i = k;
      return true;
    }
    if (month.cap && month.lower != "may" && month.lower != "march") {
      Emit(DateMention::Kind::kMonthDay, k0, k0 + 1, 0, m, v);
      *i = k0 + 1;
      return true;
    }
    return false;
  }

  // A capitalised month name: "September 13, 2023", "Aug 15", "September 2017".
  // Returns true for every capitalised month name (matched or not).
  bool MonthWord(size_t* i) {
    const size_t i0 = *i;
    const int m = MonthOf(t_[i0].lower);
    if (!m || !t_[i0].cap) return false;
    size_t k = i0 + 1;
    if (IsPunct(k, '.')) ++k;
    // A date stays on one line ("1 March\n\n2000 GMT" is a day and a time).
    const int d = k < n_ && !t_[k].line_start ? AsInt(t_[k]) : -1;
    if (IsDay(d) && t_[k].lower.size() <= 2) {
      size_t y = k + 1;
      if (IsPunct(y, ',')) ++y;
      if (y < n_ && !t_[y].line_start && IsYear(AsInt(t_[y])) && t_[y].lower.size() == 4 &&
          ValidMonthDay(m, d)) {
        Emit(DateMention::Kind::kFullDate, i0, y, AsInt(t_[y]), m, d);
        *i = y;
        return true;
      }
      if (ValidMonthDay(m, d)) {
        Emit(DateMention::Kind::kMonthDay, i0, k, 0, m, d);
        *i = k;
        return true;
      }
    }
    if (IsYear(d) && t_[k].lower.size() == 4) {
      Emit(DateMention::Kind::kMonthYear, i0, k, d, m, 0);
      *i = k;
    }
    return true;
  }

  // "on Monday", "last Friday", "next Tuesday". Returns true for every weekday
  // name (one that starts a full date, "Monday, September 25, 2023", is skipped).
  bool Weekday(size_t i) {
    const int wd = WeekdayOf(t_[i].lower);
    if (wd < 0) return false;
    size_t k = i + 1;
    if (IsPunct(k, ',')) ++k;
    if (k < n_ && t_[k].type == Tok::kWord && MonthOf(t_[k].lower)) return true;
    if (k < n_ && t_[k].type == Tok::kNum && IsDay(AsInt(t_[k])) && k + 1 < n_ &&
        MonthOf(t_[k + 1].lower)) {
      return true;
    }
    DateMention dm;
    dm.kind = DateMention::Kind::kWeekday;
    dm.weekday = wd;
    size_t from = i;
    if (i > 0 && t_[i - 1].type == Tok::kWord) {
      const std::string& p = t_[i - 1].lower;
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
    Push(std::move(dm), from, i);
    return true;
  }

  // Relative phrases: "(earlier|later) this year", "last year", "last week",
  // "next month".
  bool Relative(size_t* i) {
    const size_t k = *i;
    const std::string& w = t_[k].lower;
    if ((w != "this" && w != "last" && w != "next") || k + 1 >= n_ ||
        t_[k + 1].type != Tok::kWord ||
        (t_[k + 1].lower != "year" && t_[k + 1].lower != "week" && t_[k + 1].lower != "month")) {
      return false;
    }
    DateMention dm;
    dm.kind = DateMention::Kind::kRelative;
    dm.relative = w == "this" ? 0 : w == "last" ? -1 : 1;
    dm.prospective = dm.relative > 0;
    size_t from = k;
    if (k > 0 && (t_[k - 1].lower == "earlier" || t_[k - 1].lower == "later")) from = k - 1;
    Push(std::move(dm), from, k + 1);
    *i = k + 1;
    return true;
  }

  void TodayOrYesterday(size_t i) {
    const std::string& w = t_[i].lower;
    if (w != "yesterday" && w != "today") return;
    DateMention dm;
    dm.kind = DateMention::Kind::kRelative;
    dm.relative = w == "yesterday" ? -1 : 0;
    Push(std::move(dm), i, i);
  }

  std::string_view text_;
  std::vector<Tok> t_;
  size_t n_;
  std::vector<DateMention> out_;
};

}  // namespace

std::vector<DateMention> FindDateMentions(std::string_view text) {
  return MentionFinder(text).Run();
}

namespace {

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

constexpr int64_t kNoDay = INT64_MIN;

// The day (since 1970-01-01) holding second `t`.
int64_t DayOf(Timestamp t) { return t >= 0 ? t / 86400 : -((-t + 86399) / 86400); }

// Granularity of an anchor: the finest unit its date names.
enum Gran { kNone = 0, kYearGran = 1, kMonthGran = 2, kDayGran = 3 };

// The latest date taken as a lower bound of the publication, at the finest
// granularity available for that date.
struct Anchor {
  int64_t day = kNoDay;
  int gran = kNone;
  const DateMention* mention = nullptr;
};

// The first day and the granularity of an absolute mention; false for the other
// kinds (weekdays, relative phrases, datelines, month-days without a year).
bool AbsoluteDay(const DateMention& m, int64_t* day, int* gran) {
  switch (m.kind) {
    case DateMention::Kind::kFullDate:
    case DateMention::Kind::kUrlDate:
      *day = DaysFromCivil(m.year, m.month, m.day ? m.day : 1);
      *gran = m.day ? kDayGran : kMonthGran;
      return true;
    case DateMention::Kind::kMonthYear:
      *day = DaysFromCivil(m.year, m.month, 1);
      *gran = kMonthGran;
      return true;
    case DateMention::Kind::kYear:
      *day = DaysFromCivil(m.year, 1, 1);
      *gran = kYearGran;
      return true;
    default:
      return false;
  }
}

// Which absolute mentions may anchor an estimate.
enum class Use {
  kReported,   // every date the text reports (EstimateReportedDate)
  kLowerBound  // evidence only: a caption's date, a dated link
};

bool Eligible(const DateMention& m, Use use) {
  if (m.prospective) return false;
  if (use == Use::kReported) return true;
  return m.role == DateMention::Role::kCaption || m.kind == DateMention::Kind::kUrlDate;
}

// The latest eligible date on or before `bound_day` (kNoDay: no bound).
Anchor LatestDate(const std::vector<DateMention>& ms, Use use, int64_t bound_day) {
  Anchor a;
  for (const DateMention& m : ms) {
    int64_t day = 0;
    int gran = kNone;
    if (!Eligible(m, use) || !AbsoluteDay(m, &day, &gran)) continue;
    if (bound_day != kNoDay && day > bound_day) continue;
    // A coarser mention of a later period wins ("in 2023" beats "May 2, 2022");
    // a finer one of the same period refines.
    if (day > a.day || (day == a.day && gran > a.gran)) {
      // Keep a finer date when the later mention only names its year/month.
      if (a.mention && a.gran > gran) {
        int y, mo, d;
        CivilFromDays(a.day, &y, &mo, &d);
        if ((gran == kYearGran && m.year == y) ||
            (gran == kMonthGran && m.year == y && m.month == mo)) {
          continue;
        }
      }
      a = Anchor{day, gran, &m};
    }
  }
  return a;
}

// The first dateline, past-or-present weekday and "this year" phrase of a text.
struct Cues {
  const DateMention* dateline = nullptr;
  const DateMention* weekday = nullptr;
  const DateMention* this_year = nullptr;
};

Cues FindCues(const std::vector<DateMention>& ms) {
  Cues c;
  for (const DateMention& m : ms) {
    if (m.kind == DateMention::Kind::kDateline && !c.dateline) c.dateline = &m;
    if (m.kind == DateMention::Kind::kWeekday && m.relative <= 0 && !c.weekday) c.weekday = &m;
    if (m.kind == DateMention::Kind::kRelative && m.relative == 0 && !c.this_year &&
        m.text.find("year") != std::string::npos) {
      c.this_year = &m;
    }
  }
  return c;
}

DateEstimate Estimate(int64_t day, const char* gran, double conf, std::string method,
                      std::string evidence) {
  DateEstimate est;
  est.time = day * 86400;
  est.granularity = gran;
  est.confidence = conf;
  est.method = std::move(method);
  est.evidence = std::move(evidence);
  return est;
}

// The estimate from the anchor, refined by a dateline or a weekday (never past
// `bound_day`) and supported by "this year". `what` names the anchor's evidence.
DateEstimate FromAnchor(const Anchor& a, const Cues& cues, const std::string& what,
                        int64_t bound_day) {
  int64_t day = a.day;
  std::string evidence = Quote(a.mention->text);
  std::string method = "text: " + what;
  double conf = a.gran == kDayGran ? 0.5 : a.gran == kMonthGran ? 0.4 : 0.3;
  const char* gran = a.gran == kDayGran ? "day" : a.gran == kMonthGran ? "month" : "year";
  int ay, am, ad;
  CivilFromDays(a.day, &ay, &am, &ad);
  const DateMention* dateline = cues.dateline;
  const auto within = [&](int64_t d) { return bound_day == kNoDay || d <= bound_day; };
  // A dateline "CITY, Feb 26 -" in the anchor's year fixes month and day.
  if (dateline && dateline->month) {
    const int64_t dl = DaysFromCivil(ay, dateline->month, dateline->day);
    if ((dl >= a.day || a.gran < kDayGran) && within(dl)) {
      day = dl;
      gran = "day";
      conf = 0.6;
      method = "text: dateline, year from the " + what;
      evidence += "; " + Quote(dateline->text);
    }
  } else if (cues.weekday && a.gran == kDayGran) {
    // "on Monday" reported after the anchor: the first such weekday on or after it.
    const int wd_anchor = static_cast<int>(((a.day % 7) + 7 + 4) % 7);  // 1970-01-01: Thu
    const int64_t wd = a.day + (cues.weekday->weekday - wd_anchor + 7) % 7;
    if (within(wd)) {
      day = wd;
      conf = 0.6;
      method = "text: weekday on or after the " + what;
      evidence += "; " + Quote(cues.weekday->text);
    }
  }
  if (cues.this_year) {
    evidence += "; " + Quote(cues.this_year->text) + " (the same year)";
    conf = std::min(0.7, conf + 0.1);
  }
  if (dateline && !dateline->month) evidence += "; dateline " + Quote(dateline->text);
  return Estimate(day, gran, conf, std::move(method), std::move(evidence));
}

std::vector<DateMention> MentionsOf(const Article& article) {
  std::string all;
  all.reserve(article.title.size() + article.text.size() + 1);
  all += article.title;
  all += '\n';
  all += article.text;
  return FindDateMentions(all);
}

DateEstimate FromPublished(const Article& article) {
  DateEstimate est;
  est.time = article.published_ts;
  est.granularity = "second";
  est.confidence = 1.0;
  est.method = "published";
  est.evidence = Quote(article.published);
  return est;
}

// The first publication line's date on or before the bound.
const DateMention* PublicationLine(const std::vector<DateMention>& ms, int64_t bound_day) {
  for (const DateMention& m : ms) {
    int64_t day = 0;
    int gran = kNone;
    if (m.role != DateMention::Role::kPublicationLine || !AbsoluteDay(m, &day, &gran)) continue;
    if (bound_day == kNoDay || day <= bound_day) return &m;
  }
  return nullptr;
}

// A dated dateline alone: its month and day in the latest year that keeps it on
// or before the bound.
DateEstimate FromDateline(const DateMention& dl, int64_t bound_day) {
  if (bound_day == kNoDay) {
    DateEstimate est;
    est.granularity = "month-day";
    est.method = "dateline without year";
    est.evidence = Quote(dl.text);
    est.confidence = 0.1;  // no year: not placeable on a timeline
    return est;
  }
  int y, m, d;
  CivilFromDays(bound_day, &y, &m, &d);
  int64_t day = DaysFromCivil(y, dl.month, dl.day);
  if (day > bound_day) day = DaysFromCivil(y - 1, dl.month, dl.day);
  return Estimate(day, "day", 0.5, "text: dateline, year from the newest date known",
                  Quote(dl.text));
}

}  // namespace

DateEstimate EstimateDate(const Article& article, const DateBounds& bounds) {
  if (article.published_ts != kNoTime) return FromPublished(article);
  const int64_t feed_day = bounds.feed == kNoTime ? kNoDay : DayOf(bounds.feed);
  const int64_t clock_day = bounds.clock == kNoTime ? kNoDay : DayOf(bounds.clock);
  const int64_t bound_day = feed_day == kNoDay    ? clock_day
                            : clock_day == kNoDay ? feed_day
                                                  : std::min(feed_day, clock_day);
  const std::vector<DateMention> ms = MentionsOf(article);
  if (const DateMention* p = PublicationLine(ms, bound_day)) {
    int64_t day = 0;
    int gran = kNone;
    AbsoluteDay(*p, &day, &gran);
    return Estimate(day, gran == kDayGran ? "day" : "month", gran == kDayGran ? 0.8 : 0.6,
                    "text: publication line", Quote(p->text));
  }
  const Cues cues = FindCues(ms);
  const Anchor anchor = LatestDate(ms, Use::kLowerBound, bound_day);
  // A lower bound more than a year before the feed's newest date says too little.
  if (anchor.mention && (feed_day == kNoDay || feed_day - anchor.day <= 366)) {
    const bool caption = anchor.mention->role == DateMention::Role::kCaption;
    return FromAnchor(anchor, cues, caption ? "caption date" : "dated link", bound_day);
  }
  if (cues.dateline && cues.dateline->month) return FromDateline(*cues.dateline, bound_day);
  return DateEstimate{};
}

DateEstimate EstimateReportedDate(const Article& article) {
  if (article.published_ts != kNoTime) return FromPublished(article);
  const std::vector<DateMention> ms = MentionsOf(article);
  const Cues cues = FindCues(ms);
  const Anchor anchor = LatestDate(ms, Use::kReported, kNoDay);
  if (anchor.mention) return FromAnchor(anchor, cues, "latest date mentioned", kNoDay);
  if (cues.dateline && cues.dateline->month) return FromDateline(*cues.dateline, kNoDay);
  return DateEstimate{};
}

}  // namespace storyline
