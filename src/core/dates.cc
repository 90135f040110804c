// Copyright storyline authors.
//
// The date module's primitives (include/storyline/dates.h) and the time stamps
// of include/storyline/article.h: ParseDateTime, FormatTimestamp, FormatDate.
#include "storyline/dates.h"

#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <optional>
#include <utility>
#include <vector>

#include "storyline/article.h"

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

bool ValidMonthDay(int month, int day) {
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month >= 1 && month <= 12 && day >= 1 && day <= kDays[month - 1];
}

std::string FormatCivilDate(int year, int month, int day) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", year, month, day);
  return buf;
}

// ---- Month names ------------------------------------------------------------------

namespace {

struct MonthName {
  std::string_view name;
  int month;
};

// The English names come first (kEnglishNames of them): MonthNames::kEnglish
// looks only at those.
constexpr MonthName kMonths[] = {
    {"january", 1},
    {"february", 2},
    {"march", 3},
    {"april", 4},
    {"may", 5},
    {"june", 6},
    {"july", 7},
    {"august", 8},
    {"september", 9},
    {"october", 10},
    {"november", 11},
    {"december", 12},
    {"jan", 1},
    {"feb", 2},
    {"mar", 3},
    {"apr", 4},
    {"jun", 6},
    {"jul", 7},
    {"aug", 8},
    {"sep", 9},
    {"sept", 9},
    {"oct", 10},
    {"nov", 11},
    {"dec", 12},
    // German
    {"januar", 1},
    {"jänner", 1},
    {"februar", 2},
    {"märz", 3},
    {"maerz", 3},
    {"mär", 3},
    {"mrz", 3},
    {"mai", 5},
    {"juni", 6},
    {"juli", 7},
    {"oktober", 10},
    {"okt", 10},
    {"dezember", 12},
    {"dez", 12},
    // French
    {"janvier", 1},
    {"février", 2},
    {"fevrier", 2},
    {"mars", 3},
    {"avril", 4},
    {"juin", 6},
    {"juillet", 7},
    {"août", 8},
    {"aout", 8},
    {"septembre", 9},
    {"octobre", 10},
    {"novembre", 11},
    {"décembre", 12},
    {"decembre", 12},
    {"janv", 1},
    {"févr", 2},
    {"avr", 4},
    {"juil", 7},
    // Spanish, Portuguese, Italian
    {"enero", 1},
    {"febrero", 2},
    {"marzo", 3},
    {"abril", 4},
    {"mayo", 5},
    {"junio", 6},
    {"julio", 7},
    {"agosto", 8},
    {"septiembre", 9},
    {"setiembre", 9},
    {"octubre", 10},
    {"noviembre", 11},
    {"diciembre", 12},
    {"janeiro", 1},
    {"fevereiro", 2},
    {"março", 3},
    {"maio", 5},
    {"junho", 6},
    {"julho", 7},
    {"setembro", 9},
    {"outubro", 10},
    {"novembro", 11},
    {"dezembro", 12},
    {"gennaio", 1},
    {"febbraio", 2},
    {"aprile", 4},
    {"maggio", 5},
    {"giugno", 6},
    {"luglio", 7},
    {"settembre", 9},
    {"ottobre", 10},
    {"dicembre", 12},
    // Dutch
    {"januari", 1},
    {"februari", 2},
    {"maart", 3},
    {"mei", 5},
    {"augustus", 8},
    // Polish (genitive and nominative)
    {"stycznia", 1},
    {"lutego", 2},
    {"marca", 3},
    {"kwietnia", 4},
    {"maja", 5},
    {"czerwca", 6},
    {"lipca", 7},
    {"sierpnia", 8},
    {"września", 9},
    {"października", 10},
    {"listopada", 11},
    {"grudnia", 12},
    {"styczeń", 1},
    {"luty", 2},
    {"marzec", 3},
    {"kwiecień", 4},
    {"maj", 5},
    {"czerwiec", 6},
    {"lipiec", 7},
    {"sierpień", 8},
    {"wrzesień", 9},
    {"październik", 10},
    {"listopad", 11},
    {"grudzień", 12},
    // Russian and Ukrainian (genitive, as in "15 августа 2016")
    {"января", 1},
    {"февраля", 2},
    {"марта", 3},
    {"апреля", 4},
    {"мая", 5},
    {"июня", 6},
    {"июля", 7},
    {"августа", 8},
    {"сентября", 9},
    {"октября", 10},
    {"ноября", 11},
    {"декабря", 12},
    {"січня", 1},
    {"лютого", 2},
    {"березня", 3},
    {"квітня", 4},
    {"травня", 5},
    {"червня", 6},
    {"липня", 7},
    {"серпня", 8},
    {"вересня", 9},
    {"жовтня", 10},
    {"листопада", 11},
    {"грудня", 12},
};
constexpr size_t kEnglishNames = 24;
static_assert(kMonths[kEnglishNames - 1].name == "dec" && kMonths[kEnglishNames].name == "januar");

// kMonths indexed by first byte and length, so a word is compared with the
// one or two names that could equal it. Built once; read-only afterwards.
class MonthTable {
 public:
  static constexpr size_t kMaxBytes = 24;  // no month name is longer
  static const MonthTable& Get() {
    static const MonthTable table;
    return table;
  }
  // The month of lower-cased `w` (1..12), 0 when it names none.
  int Find(std::string_view w, MonthNames names) const {
    for (uint16_t k = start_[Slot(w)]; k < start_[Slot(w) + 1]; ++k) {
      if (names == MonthNames::kEnglish && order_[k] >= kEnglishNames) continue;
      if (kMonths[order_[k]].name == w) return kMonths[order_[k]].month;
    }
    return 0;
  }

 private:
  static size_t Slot(std::string_view w) {
    return static_cast<unsigned char>(w[0]) * (kMaxBytes + 1) + w.size();
  }
  MonthTable() {
    std::vector<uint16_t> count(kSlots + 1, 0);
    for (const MonthName& m : kMonths) ++count[Slot(m.name) + 1];
    for (size_t k = 0; k < kSlots; ++k) count[k + 1] += count[k];
    start_ = count;
    order_.resize(std::size(kMonths));
    for (size_t i = 0; i < std::size(kMonths); ++i) {
      order_[count[Slot(kMonths[i].name)]++] = static_cast<uint16_t>(i);
    }
  }
  static constexpr size_t kSlots = 256 * (kMaxBytes + 1);
  std::vector<uint16_t> start_;  // slot -> first index in order_ (kSlots + 1 entries)
  std::vector<uint16_t> order_;  // indexes into kMonths, grouped by slot
};

}  // namespace

int MonthFromName(std::string_view word, MonthNames names) {
  // Most words fail on length.
  constexpr size_t kMaxMonthBytes = MonthTable::kMaxBytes;
  if (word.size() < 3 || word.size() > kMaxMonthBytes) return 0;
  char buf[kMaxMonthBytes];
  size_t n = 0;
  for (size_t i = 0; i < word.size(); ++i) {
    // Upper-case umlauts in German month names ("MÄRZ"): Ä (C3 84) -> ä (C3 A4).
    if (word[i] == '\xC3' && i + 1 < word.size() && word[i + 1] == '\x84') {
      buf[n++] = '\xC3';
      buf[n++] = '\xA4';
      ++i;
      continue;
    }
    const char c = word[i];
    buf[n++] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c;
  }
  return MonthTable::Get().Find(std::string_view(buf, n), names);
}

// ---- Numbers and numeric dates ---------------------------------------------------

int ReadNumber(std::string_view s, size_t* pos, int max_digits, int* ndigits) {
  int v = 0, k = 0;
  while (*pos < s.size() && s[*pos] >= '0' && s[*pos] <= '9' && k < max_digits + 1) {
    v = v * 10 + (s[*pos] - '0');
    ++*pos;
    ++k;
  }
  *ndigits = k;
  if (k == 0 || k > max_digits) return -1;
  return v;
}

void DayAndMonth(int first, int second, char sep, DateOrder order, int* day, int* month) {
  *day = first;
  *month = second;
  // Month first when the second number cannot be a month, or when an ambiguous
  // slashed date is read month-first.
  const bool ambiguous_month_first =
      sep == '/' && second <= 12 && first <= 12 && order == DateOrder::kMonthFirst;
  if (ambiguous_month_first || (second > 12 && first <= 12)) std::swap(*day, *month);
}

int64_t IsoDayNumber(std::string_view s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return -1;
  int parts[3] = {0, 0, 0};
  static constexpr size_t kBegin[3] = {0, 5, 8}, kEnd[3] = {4, 7, 10};
  for (int k = 0; k < 3; ++k) {
    for (size_t i = kBegin[k]; i < kEnd[k]; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      parts[k] = parts[k] * 10 + (s[i] - '0');
    }
  }
  return DaysFromCivil(parts[0], parts[1], parts[2]);
}

// ---- Time stamps (include/storyline/article.h) -----------------------------------

namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool Digits(int n, int* out) {
    int v = 0;
    for (int i = 0; i < n; ++i) {
      if (p_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[p_]))) return false;
      v = v * 10 + (s_[p_++] - '0');
    }
    *out = v;
    return true;
  }
  bool Eat(char c) {
    if (p_ < s_.size() && s_[p_] == c) {
      ++p_;
      return true;
    }
    return false;
  }
  bool AtEnd() const { return p_ >= s_.size(); }
  char Peek() const { return p_ < s_.size() ? s_[p_] : '\0'; }
  void Skip() { ++p_; }
  void SkipSpaces() {
    while (p_ < s_.size() && s_[p_] == ' ') ++p_;
  }
  std::string_view Word() {
    size_t b = p_;
    while (p_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[p_]))) ++p_;
    return s_.substr(b, p_ - b);
  }

 private:
  std::string_view s_;
  size_t p_ = 0;
};

bool ValidDate(int y, int m, int d) { return y >= 1 && ValidMonthDay(m, d); }

// Reads "Z", "±HH[:MM]", "GMT", "UTC" or nothing; subtracts the offset from *t.
bool ParseZone(Scanner& sc, int64_t* t) {
  if (sc.Eat('Z') || sc.Eat('z')) return true;
  if (sc.Peek() == '+' || sc.Peek() == '-') {
    const int sign = sc.Peek() == '-' ? -1 : 1;
    sc.Skip();
    int oh, om = 0;
    if (!sc.Digits(2, &oh)) return false;
    sc.Eat(':');
    if (!sc.AtEnd()) (void)sc.Digits(2, &om);
    *t -= int64_t{sign} * (oh * 3600 + om * 60);
    return true;
  }
  std::string_view w = sc.Word();  // "GMT", "UTC" or nothing
  return w.empty() || w == "GMT" || w == "UTC";
}

// Parses "[T| ]HH:MM[:SS[.fff]][Z|±HH[:MM]]" from the scanner's position.
bool ParseTimeOfDay(Scanner& sc, int64_t* secs) {
  int hh, mm, ss = 0;
  if (!sc.Digits(2, &hh) || !sc.Eat(':') || !sc.Digits(2, &mm)) return false;
  if (sc.Eat(':')) {
    if (!sc.Digits(2, &ss)) return false;
    if (sc.Eat('.') || sc.Eat(',')) {
      while (std::isdigit(static_cast<unsigned char>(sc.Peek()))) sc.Skip();
    }
  }
  if (hh > 24 || mm > 59 || ss > 60) return false;
  int64_t t = hh * 3600 + mm * 60 + ss;
  sc.SkipSpaces();
  if (!ParseZone(sc, &t)) return false;
  *secs = t;
  return sc.AtEnd();
}

// The month of a word's first three letters ("Sep", "Sept", "September").
int MonthFromPrefix(std::string_view w) {
  return w.size() < 3 ? 0 : MonthFromName(w.substr(0, 3), MonthNames::kEnglish);
}

std::optional<Timestamp> ParseRfc1123(std::string_view s) {
  // "Mon, 25 Sep 2023 08:15:00 GMT"
  Scanner sc(s);
  sc.Word();
  if (!sc.Eat(',')) return std::nullopt;
  sc.SkipSpaces();
  int d, y;
  if (!sc.Digits(2, &d)) return std::nullopt;
  sc.SkipSpaces();
  int m = MonthFromPrefix(sc.Word());
  sc.SkipSpaces();
  if (!m || !sc.Digits(4, &y) || !ValidDate(y, m, d)) return std::nullopt;
  sc.SkipSpaces();
  int64_t tod = 0;
  if (!sc.AtEnd() && !ParseTimeOfDay(sc, &tod)) return std::nullopt;
  return DaysFromCivil(y, m, d) * 86400 + tod;
}

}  // namespace

std::optional<Timestamp> ParseDateTime(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  if (std::isalpha(static_cast<unsigned char>(s.front()))) return ParseRfc1123(s);
  Scanner sc(s);
  int y, m = 1, d = 1;
  if (!sc.Digits(4, &y)) return std::nullopt;
  if (sc.Eat('-')) {
    if (!sc.Digits(2, &m)) return std::nullopt;
    if (sc.Eat('-') && !sc.Digits(2, &d)) return std::nullopt;
  }
  if (!ValidDate(y, m, d)) return std::nullopt;
  int64_t tod = 0;
  if (!sc.AtEnd()) {
    if (!(sc.Eat('T') || sc.Eat('t') || sc.Eat(' '))) return std::nullopt;
    if (!ParseTimeOfDay(sc, &tod)) return std::nullopt;
  }
  return DaysFromCivil(y, m, d) * 86400 + tod;
}

std::string FormatTimestamp(Timestamp t) {
  if (t == kNoTime) return "";
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string FormatDate(Timestamp t) {
  std::string s = FormatTimestamp(t);
  return s.empty() ? s : s.substr(0, 10);
}

}  // namespace storyline
