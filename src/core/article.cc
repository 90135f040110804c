#include "storyline/article.h"

#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>

namespace storyline {
namespace {

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

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

bool ValidDate(int y, int m, int d) {
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= kDays[m - 1];
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
  if (sc.Eat('Z') || sc.Eat('z')) {
  } else if (sc.Peek() == '+' || sc.Peek() == '-') {
    const int sign = sc.Peek() == '-' ? -1 : 1;
    sc.Skip();
    int oh, om = 0;
    if (!sc.Digits(2, &oh)) return false;
    sc.Eat(':');
    if (!sc.AtEnd()) (void)sc.Digits(2, &om);
    t -= sign * (oh * 3600 + om * 60);
  } else {
    std::string_view w = sc.Word();  // "GMT", "UTC" or nothing
    if (!w.empty() && w != "GMT" && w != "UTC") return false;
  }
  *secs = t;
  return sc.AtEnd();
}

int MonthFromName(std::string_view w) {
  static constexpr std::array<const char*, 12> kNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                         "jul", "aug", "sep", "oct", "nov", "dec"};
  if (w.size() < 3) return 0;
  for (int i = 0; i < 12; ++i) {
    bool eq = true;
    for (int k = 0; k < 3; ++k)
      eq &= std::tolower(static_cast<unsigned char>(w[k])) == kNames[i][k];
    if (eq) return i + 1;
  }
  return 0;
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
  int m = MonthFromName(sc.Word());
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
