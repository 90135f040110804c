// Copyright storyline authors.
#include "extract/metadata.h"

#include <simdjson.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string>
#include <unordered_map>
#include <vector>

#include "storyline/article.h"

namespace storyline::internal {
namespace {

std::string Collapse(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (size_t k = 0; k < s.size(); ++k) {
    unsigned char c = static_cast<unsigned char>(s[k]);
    bool ws = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
    if (c == 0xC2 && k + 1 < s.size() && static_cast<unsigned char>(s[k + 1]) == 0xA0) {
      ws = true;
      ++k;
    }
    if (ws) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(c));
  }
  return out;
}

void AppendLower(std::string* out, std::string_view s) {
  for (char c : s) out->push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c);
}

// The text under element i (text nodes joined), capped at `limit` bytes.
std::string TextOf(const Dom& dom, size_t i, size_t limit = 4096) {
  std::string raw;
  for (size_t k = i + 1; k < static_cast<size_t>(dom[i].end) && raw.size() < limit; ++k) {
    if (dom[k].is_text) {
      raw += dom.Text(k);
    } else if (dom[k].tag == GUMBO_TAG_SCRIPT || dom[k].tag == GUMBO_TAG_STYLE) {
      k = dom[k].end - 1;
    } else {
      raw.push_back(' ');
    }
  }
  return Collapse(raw);
}

// ---- Dates ------------------------------------------------------------------

struct MonthName {
  std::string_view name;
  int month;
};

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
  int Find(std::string_view w) const {
    for (uint16_t k = start_[Slot(w)]; k < start_[Slot(w) + 1]; ++k) {
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

int MonthOf(std::string_view word) {
  // Called for every word that might start a date, so it must not allocate;
  // most words fail on length.
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
  return MonthTable::Get().Find(std::string_view(buf, n));
}

bool ValidYmd(int y, int m, int d) {
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return y >= 1990 && y <= 2035 && m >= 1 && m <= 12 && d >= 1 && d <= kDays[m - 1];
}

std::string Ymd(int y, int m, int d) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
  return buf;
}

// True while ExtractMetadata reads a page whose language writes the day
// first in slashed dates (set from <html lang>; English pages stay false).
thread_local bool t_day_first = false;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Whether a language tag names English of a country that writes the day first
// ("en-GB", "en_AU", ...).
bool DayFirstEnglish(std::string_view tag) {
  if (tag.size() < 5 || (tag[2] != '-' && tag[2] != '_')) return false;
  std::string region;
  for (char c : tag.substr(3, 2)) region.push_back(static_cast<char>(c | 0x20));
  for (const char* r : {"gb", "uk", "au", "nz", "ie", "in", "za"}) {
    if (region == r) return true;
  }
  return false;
}
bool IsLetterByte(char c) {  // an ASCII letter or any byte of a multi-byte character
  return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (static_cast<unsigned char>(c) & 0x80);
}

// Reads 1..max digits at *p; returns -1 when none.
int ReadNum(std::string_view s, size_t* p, int max_digits, int* ndigits) {
  int v = 0, k = 0;
  while (*p < s.size() && IsDigit(s[*p]) && k < max_digits + 1) {
    v = v * 10 + (s[*p] - '0');
    ++*p;
    ++k;
  }
  *ndigits = k;
  if (k == 0 || k > max_digits) return -1;
  return v;
}

void SkipSpaces(std::string_view s, size_t* p) {
  while (*p < s.size() && (s[*p] == ' ' || s[*p] == ',' || s[*p] == '\t' || s[*p] == '\n')) ++*p;
}

std::string_view ReadWord(std::string_view s, size_t* p) {
  size_t b = *p;
  while (*p < s.size() && IsLetterByte(s[*p])) ++*p;
  return s.substr(b, *p - b);
}

// Tries a date starting at `start`; returns "" when none starts there.
std::string DateAt(std::string_view s, size_t start) {
  size_t p = start;
  int nd = 0;
  if (IsDigit(s[p])) {
    int a = ReadNum(s, &p, 4, &nd);
    if (a < 0) return "";
    if (nd == 4 && p + 1 < s.size() && (s[p] == '-' || s[p] == '/' || s[p] == '.')) {
      char sep = s[p++];
      int nd2, nd3;
      int m = ReadNum(s, &p, 2, &nd2);
      if (m < 0 || p >= s.size() || s[p] != sep) return "";
      ++p;
      int d = ReadNum(s, &p, 2, &nd3);
      if (d < 0 || !ValidYmd(a, m, d)) return "";
      if (p < s.size() && IsDigit(s[p])) return "";
      std::string date = Ymd(a, m, d);
      if (sep == '-' && p < s.size() && (s[p] == 'T' || s[p] == ' ')) {
        // A date-time: keep it when it parses.
        size_t e = p + 1;
        while (e < s.size() && (IsDigit(s[e]) || s[e] == ':' || s[e] == '.' || s[e] == '+' ||
                                s[e] == '-' || s[e] == 'Z'))
          ++e;
        std::string dt = date + "T" + std::string(s.substr(p + 1, e - p - 1));
        if (e - p > 5 && ParseDateTime(dt)) return dt;
      }
      return date;
    }
    if (nd <= 2) {
      int d = a;
      if (p < s.size() && (s[p] == '.' || s[p] == '/' || s[p] == '-') && p + 1 < s.size() &&
          IsDigit(s[p + 1])) {
        char sep = s[p++];
        int nd2, nd3;
        int m = ReadNum(s, &p, 2, &nd2);
        if (m < 0 || p >= s.size() || s[p] != sep) return "";
        ++p;
        while (sep == '.' && p < s.size() && s[p] == ' ') ++p;
        int y = ReadNum(s, &p, 4, &nd3);
        if (y < 0 || (p < s.size() && IsDigit(s[p]))) return "";
        if (nd3 == 2)
          y += y < 50 ? 2000 : 1900;
        else if (nd3 != 4)
          return "";
        if (sep == '/' && m <= 12 && d <= 12 && !t_day_first) {
          // Ambiguous d/m vs m/d: slashes are American more often than not.
          std::swap(d, m);
        } else if (m > 12 && d <= 12) {
          std::swap(d, m);
        }
        if (!ValidYmd(y, m, d)) return "";
        return Ymd(y, m, d);
      }
      // "25. September 2023", "25 de septiembre de 2023", "5th March 2023"
      if (p < s.size() && s[p] == '.') ++p;
      if (p + 1 < s.size() && (s.compare(p, 2, "st") == 0 || s.compare(p, 2, "nd") == 0 ||
                               s.compare(p, 2, "rd") == 0 || s.compare(p, 2, "th") == 0))
        p += 2;
      SkipSpaces(s, &p);
      if (s.compare(p, 3, "de ") == 0) p += 3;
      std::string_view w = ReadWord(s, &p);
      int m = MonthOf(w);
      if (m == 0) return "";
      if (p < s.size() && s[p] == '.') ++p;
      SkipSpaces(s, &p);
      if (s.compare(p, 3, "de ") == 0) p += 3;
      int y = ReadNum(s, &p, 4, &nd);
      if (nd != 4 || !ValidYmd(y, m, d)) return "";
      return Ymd(y, m, d);
    }
    return "";
  }
  // "September 25, 2023", "Sep. 25th 2023"
  std::string_view w = ReadWord(s, &p);
  int m = MonthOf(w);
  if (m == 0) return "";
  if (p < s.size() && s[p] == '.') ++p;
  SkipSpaces(s, &p);
  int d = ReadNum(s, &p, 2, &nd);
  if (d < 0) return "";
  if (p + 1 < s.size() && (s.compare(p, 2, "st") == 0 || s.compare(p, 2, "nd") == 0 ||
                           s.compare(p, 2, "rd") == 0 || s.compare(p, 2, "th") == 0))
    p += 2;
  SkipSpaces(s, &p);
  int y = ReadNum(s, &p, 4, &nd);
  if (nd != 4 || !ValidYmd(y, m, d)) return "";
  return Ymd(y, m, d);
}

// ---- JSON-LD ------------------------------------------------------------------

struct JsonLdMeta {
  std::string title, author, published, modified, site, lang, body;
  bool found_article = false;
};

void AppendUtf8(std::string* out, uint32_t cp) {
  // ICU's encoder; cp is a scalar value the caller decoded (surrogate pairs joined).
  char buf[U8_MAX_LENGTH];
  int32_t n = 0;
  U8_APPEND_UNSAFE(buf, n, cp);
  out->append(buf, static_cast<size_t>(n));
}

// Decodes the character references CMSs leave in JSON-LD strings ("&#8211;",
// "&#x00E4;", "&amp;", "&quot;", ...); other text is copied.
std::string DecodeEntities(std::string_view s) {
  if (s.find('&') == std::string_view::npos) return std::string(s);
  static constexpr std::pair<std::string_view, uint32_t> kNamed[] = {
      {"amp", '&'},   {"quot", '"'},     {"apos", '\''},    {"lt", '<'},       {"gt", '>'},
      {"nbsp", 0xA0}, {"ndash", 0x2013}, {"mdash", 0x2014}, {"hellip", 0x2026}};
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out.push_back(s[i]);
      continue;
    }
    const size_t semi = s.find(';', i + 1);
    if (semi == std::string_view::npos || semi - i > 10) {
      out.push_back('&');
      continue;
    }
    std::string_view ref = s.substr(i + 1, semi - i - 1);
    uint32_t cp = 0;
    bool ok = false;
    if (ref.size() >= 2 && ref[0] == '#') {
      const bool hex = ref[1] == 'x' || ref[1] == 'X';
      ok = ref.size() > (hex ? 2u : 1u);
      for (char c : ref.substr(hex ? 2 : 1)) {
        int v = IsDigit(c)                                        ? c - '0'
                : (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f') ? (c | 0x20) - 'a' + 10
                                                                  : -1;
        if (v < 0 || cp > 0x10FFFF) {
          ok = false;
          break;
        }
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
      }
      ok = ok && cp > 0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    } else {
      for (const auto& [name, value] : kNamed) {
        if (ref == name) {
          cp = value;
          ok = true;
        }
      }
    }
    if (!ok) {
      out.push_back('&');
      continue;
    }
    AppendUtf8(&out, cp);
    i = semi;
  }
  return out;
}

std::string JsonString(simdjson::dom::element e) {
  std::string_view sv;
  if (e.get_string().get(sv) == simdjson::SUCCESS) return Collapse(DecodeEntities(sv));
  return "";
}

// The name(s) in an author value: a string, {"name":...}, or an array of either.
std::string AuthorNames(simdjson::dom::element e) {
  std::string out;
  auto add = [&](std::string name) {
    if (name.empty() || name.find("http") == 0) return;
    if (out.find(name) != std::string::npos) return;
    if (!out.empty()) out += "; ";
    out += name;
  };
  auto one = [&](simdjson::dom::element x) {
    if (x.is_string()) {
      add(JsonString(x));
    } else if (x.is_object()) {
      simdjson::dom::element n;
      if (x["name"].get(n) == simdjson::SUCCESS) {
        if (n.is_string()) add(JsonString(n));
      }
    }
  };
  if (e.is_array()) {
    for (simdjson::dom::element x : e.get_array()) one(x);
  } else {
    one(e);
  }
  return out;
}

bool IsArticleType(simdjson::dom::element obj) {
  simdjson::dom::element t;
  if (obj["@type"].get(t) != simdjson::SUCCESS) return false;
  auto check = [](std::string_view s) {
    return s.find("Article") != std::string_view::npos || s == "BlogPosting" || s == "Report" ||
           s == "LiveBlogPosting" || s == "Review" || s == "WebPage" || s == "ItemPage" ||
           s == "Posting" || s == "SocialMediaPosting";
  };
  std::string_view sv;
  if (t.get_string().get(sv) == simdjson::SUCCESS) return check(sv);
  if (t.is_array()) {
    for (simdjson::dom::element x : t.get_array()) {
      if (x.get_string().get(sv) == simdjson::SUCCESS && check(sv)) return true;
    }
  }
  return false;
}

void ReadJsonLd(std::string_view json, simdjson::dom::parser* parser, JsonLdMeta* m) {
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  if (parser->parse(padded).get(root) != simdjson::SUCCESS) return;
  // Iterative walk over objects and arrays.
  std::vector<simdjson::dom::element> stack{root};
  size_t visited = 0;
  while (!stack.empty() && ++visited < 10000) {
    simdjson::dom::element e = stack.back();
    stack.pop_back();
    if (e.is_array()) {
      auto arr = e.get_array();
      std::vector<simdjson::dom::element> items(arr.begin(), arr.end());
      for (auto it = items.rbegin(); it != items.rend(); ++it) stack.push_back(*it);
      continue;
    }
    if (!e.is_object()) continue;
    simdjson::dom::object obj = e.get_object();
    simdjson::dom::element v;
    const bool article = IsArticleType(e);
    std::string_view type;
    if (obj["@type"].get_string().get(type) != simdjson::SUCCESS) type = {};
    if (article) {
      bool page = type == "WebPage" || type == "ItemPage";
      if (!page || !m->found_article) {
        if (!page) m->found_article = true;
        if (m->title.empty() || !page) {
          if (obj["headline"].get(v) == simdjson::SUCCESS) {
            std::string t = JsonString(v);
            if (!t.empty() && (m->title.empty() || !page)) m->title = t;
          } else if (m->title.empty() && obj["name"].get(v) == simdjson::SUCCESS && !page) {
            m->title = JsonString(v);
          }
        }
        if (obj["author"].get(v) == simdjson::SUCCESS) {
          std::string a = AuthorNames(v);
          if (!a.empty() && (m->author.empty() || !page)) m->author = a;
        }
        if (obj["datePublished"].get(v) == simdjson::SUCCESS) {
          std::string d = JsonString(v);
          if (!d.empty() && (m->published.empty() || !page)) m->published = d;
        } else if (obj["dateCreated"].get(v) == simdjson::SUCCESS && m->published.empty()) {
          m->published = JsonString(v);
        }
        if (obj["articleBody"].get(v) == simdjson::SUCCESS && m->body.empty()) {
          std::string_view b;
          if (v.get_string().get(b) == simdjson::SUCCESS) m->body = std::string(b);
        }
        if (obj["dateModified"].get(v) == simdjson::SUCCESS && m->modified.empty()) {
          m->modified = JsonString(v);
        }
        if (obj["inLanguage"].get(v) == simdjson::SUCCESS && m->lang.empty()) {
          m->lang = JsonString(v);
        }
        if (obj["publisher"].get(v) == simdjson::SUCCESS && m->site.empty()) {
          simdjson::dom::element n;
          if (v.is_object() && v["name"].get(n) == simdjson::SUCCESS) m->site = JsonString(n);
        }
      }
    } else if ((type == "Organization" || type == "NewsMediaOrganization" || type == "WebSite") &&
               m->site.empty()) {
      if (obj["name"].get(v) == simdjson::SUCCESS) m->site = JsonString(v);
    }
    for (auto field : obj) {
      if (field.value.is_object() || field.value.is_array()) {
        if (field.key == "author" || field.key == "publisher") continue;
        stack.push_back(field.value);
      }
    }
  }
}

// ---- Title ----------------------------------------------------------------------

// "<headline> | Site" -> "<headline>": the longest part around a separator.
std::string CleanTitle(const std::string& title, const std::string& site) {
  const std::string low_site = LowerAscii(site);
  static const char* kSeps[] = {
      " | ", " - ", " – ", " — ", " :: ", " « ", " » ", " · ", " • ", " / "};
  for (const char* sep : kSeps) {
    size_t p = title.find(sep);
    if (p == std::string::npos) continue;
    std::vector<std::string> parts;
    size_t b = 0;
    while (p != std::string::npos) {
      parts.push_back(title.substr(b, p - b));
      b = p + std::strlen(sep);
      p = title.find(sep, b);
    }
    parts.push_back(title.substr(b));
    // Drop the site's name, then keep the first part unless a later one is
    // much longer.
    std::vector<std::string> kept;
    for (const std::string& p : parts) {
      if (!low_site.empty() && LowerAscii(p) == low_site) continue;
      kept.push_back(p);
    }
    if (kept.empty()) return title;
    size_t best = 0;
    for (size_t k = 1; k < kept.size(); ++k) {
      if (kept[k].size() > kept[best].size() * 3) best = k;
    }
    if (kept[best].size() >= 4) return kept[best];
  }
  return title;
}

std::string CleanAuthor(std::string a) {
  a = Collapse(a);
  static const char* kPrefixes[] = {"Post author ",
                                    "Posted by ",
                                    "posted by ",
                                    "Written by ",
                                    "written by ",
                                    "Veröffentlicht von ",
                                    "Eingestellt von ",
                                    "Geschrieben von ",
                                    "Publiziert von ",
                                    "Verfasst von ",
                                    "Erstellt von ",
                                    "Ein Beitrag von ",
                                    "Publié par ",
                                    "Publicado por ",
                                    "Escrito por ",
                                    "Autor ",
                                    "Autorin ",
                                    "Author ",
                                    "By ",
                                    "by ",
                                    "BY ",
                                    "Von ",
                                    "von ",
                                    "VON ",
                                    "vom ",
                                    "Par ",
                                    "par ",
                                    "Por ",
                                    "por ",
                                    "Autor: ",
                                    "Author: ",
                                    "Autorin: ",
                                    "Text: ",
                                    "Von: ",
                                    "By: ",
                                    ": ",
                                    "| ",
                                    "- ",
                                    "Text ",
                                    "Foto "};
  for (int round = 0; round < 3; ++round) {
    for (const char* pre : kPrefixes) {
      if (a.rfind(pre, 0) == 0) {
        a = a.substr(std::strlen(pre));
        break;
      }
    }
  }
  static const char* kNotNames[] = {"By",    "by",     "Von",   "Posted",         "Publiziert am",
                                    "Autor", "Author", "admin", "wordpressadmin", "Redaktion:",
                                    ""};
  for (const char* bad : kNotNames) {
    if (a == bad) return "";
  }
  // Cut at a date or a separator that follows the name.
  for (const char* stop : {" | ", " - ", " – ", ", ", " am ", " on ", " le ", " vom ", "\n"}) {
    size_t p = a.find(stop);
    if (p != std::string::npos && p > 2) a = a.substr(0, p);
  }
  if (a.size() > 80 || a.find("http") == 0 || a.find('@') != std::string::npos) return "";
  return a;
}

std::string LangCode(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (!std::isalpha(static_cast<unsigned char>(c))) break;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (out.size() < 2 || out.size() > 3) return "";
  return out.substr(0, 2);
}

bool HintHas(std::string_view hint, std::initializer_list<const char*> words) {
  for (const char* w : words) {
    if (hint.find(w) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

// Days since 1970-01-01 of a "YYYY-MM-DD" prefix; -1 when it is not one.
static long DayNumber(std::string_view ymd) {
  if (ymd.size() < 10 || ymd[4] != '-' || ymd[7] != '-') return -1;
  int y = 0, m = 0, d = 0;
  for (int i = 0; i < 4; ++i) {
    if (!IsDigit(ymd[i])) return -1;
    y = y * 10 + (ymd[i] - '0');
  }
  for (int i = 5; i < 7; ++i) {
    if (!IsDigit(ymd[i])) return -1;
    m = m * 10 + (ymd[i] - '0');
  }
  for (int i = 8; i < 10; ++i) {
    if (!IsDigit(ymd[i])) return -1;
    d = d * 10 + (ymd[i] - '0');
  }
  // Howard Hinnant's days_from_civil.
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::string FindDate(std::string_view text) {
  for (size_t p = 0; p < text.size(); ++p) {
    // A candidate starts at a digit or a letter that begins a word/number.
    char c = text[p];
    bool starts = IsDigit(c)        ? (p == 0 || !IsDigit(text[p - 1]))
                  : IsLetterByte(c) ? (p == 0 || !IsLetterByte(text[p - 1]))
                                    : false;
    if (!starts) continue;
    std::string d = DateAt(text, p);
    if (!d.empty()) return d;
  }
  return "";
}

std::vector<std::string> FindAllDates(std::string_view text, size_t limit) {
  std::vector<std::string> out;
  for (size_t p = 0; p < text.size() && out.size() < limit; ++p) {
    char c = text[p];
    bool starts = IsDigit(c)        ? (p == 0 || !IsDigit(text[p - 1]))
                  : IsLetterByte(c) ? (p == 0 || !IsLetterByte(text[p - 1]))
                                    : false;
    if (!starts) continue;
    std::string d = DateAt(text, p);
    if (!d.empty()) out.push_back(d.substr(0, 10));
  }
  return out;
}

std::string DateFromUrl(std::string_view url) {
  // /YYYY/MM/DD/ or /YYYY-MM-DD or /YYYYMMDD, or a path segment /DD-MM-YYYY
  for (size_t p = 0; p + 8 <= url.size(); ++p) {
    if (!(p > 0 && (url[p - 1] == '/' || url[p - 1] == '-' || url[p - 1] == '_'))) continue;
    size_t q = p;
    int nd;
    int y = ReadNum(url, &q, 4, &nd);
    if (nd == 2 && url[p - 1] == '/' && q < url.size() && url[q] == '-') {
      const int d = y;
      ++q;
      int nm = 0, ny = 0;
      const int m = ReadNum(url, &q, 2, &nm);
      if (nm != 2 || q >= url.size() || url[q] != '-') continue;
      ++q;
      const int yy = ReadNum(url, &q, 4, &ny);
      if (ny != 4 || (q < url.size() && IsDigit(url[q])) || !ValidYmd(yy, m, d)) continue;
      return Ymd(yy, m, d);
    }
    if (nd != 4) continue;
    if (q + 1 < url.size() && url[q] == '/' && IsLetterByte(url[q + 1])) {
      // /YYYY/oct/02/
      size_t r = q + 1;
      const int m = MonthOf(ReadWord(url, &r));
      if (m > 0 && r < url.size() && url[r] == '/') {
        ++r;
        int nd2 = 0;
        const int d = ReadNum(url, &r, 2, &nd2);
        if (d > 0 && (r >= url.size() || !IsDigit(url[r])) && ValidYmd(y, m, d))
          return Ymd(y, m, d);
      }
    }
    if (q < url.size() && (url[q] == '/' || url[q] == '-' || url[q] == '_')) {
      char sep = url[q++];
      int m = ReadNum(url, &q, 2, &nd);
      if (m < 0 || q >= url.size() || url[q] != sep) continue;
      ++q;
      int d = ReadNum(url, &q, 2, &nd);
      if (d < 0 || !ValidYmd(y, m, d)) continue;
      if (q < url.size() && IsDigit(url[q])) continue;
      return Ymd(y, m, d);
    }
    if (q + 4 <= url.size()) {
      // YYYYMMDD
      size_t r = p;
      int v = ReadNum(url, &r, 8, &nd);
      if (nd == 8 && (r >= url.size() || !IsDigit(url[r]))) {
        int yy = v / 10000, mm = v / 100 % 100, dd = v % 100;
        if (ValidYmd(yy, mm, dd)) return Ymd(yy, mm, dd);
      }
    }
  }
  return "";
}

PageMetadata ExtractMetadata(const Dom& dom, std::string_view url) {
  PageMetadata out;
  std::unordered_map<std::string, std::string> meta;  // name/property -> content (first)
  std::string title_tag, first_h1, canonical, og_url;
  std::vector<std::string> headings;  // h1-h3 texts in page order
  std::string body_text;              // visible text, for a date of last resort
  int h1_count = 0;
  std::vector<std::string> jsonld;
  struct DayFirstReset {
    ~DayFirstReset() { t_day_first = false; }
  } day_first_reset;
  std::string time_pub, time_any, itemprop_date, itemprop_author, rel_author, byline, class_date,
      abbr_date;
  // Keys of a publication date in script data, most specific first.
  static constexpr std::string_view kScriptDateKeys[] = {
      "\"datePublished\"",        "\"published_at\"",
      "\"publishedAt\"",          "\"publishDate\"",
      "\"publish_date\"",         "\"date_published\"",
      "\"firstPublishedAt\"",     "\"publishedDate\"",
      "\"publicationDate\"",      "\"createdAt\"",
      "\"created_at\"",           "&quot;datePublished&quot;",
      "&quot;published_at&quot;", "&quot;createdAt&quot;",
      "&quot;created_at&quot;"};
  constexpr size_t kMaxScriptBytes = 4 << 20;
  std::vector<std::string_view> script_texts;  // views into `dom`
  size_t script_bytes = 0;
  const size_t n = dom.size();
  bool in_body = false;
  std::string hint;  // lower-cased "class id" of an element in the body
  for (size_t i = 0; i < n; ++i) {
    const DomNode& d = dom[i];
    if (d.is_text) {
      GumboTag pt = d.parent >= 0 ? dom[d.parent].tag : GUMBO_TAG_UNKNOWN;
      if (in_body && body_text.size() < 200000 && pt != GUMBO_TAG_SCRIPT && pt != GUMBO_TAG_STYLE &&
          pt != GUMBO_TAG_NOSCRIPT) {
        body_text += dom.Text(i);
        body_text.push_back(' ');
      }
      continue;
    }
    switch (d.tag) {
      case GUMBO_TAG_HTML:
        if (out.lang.empty()) out.lang = LangCode(dom.Attr(i, "lang"));
        if (out.lang.empty()) out.lang = LangCode(dom.Attr(i, "xml:lang"));
        // Outside English, and in British English, 03/05/2022 is the 3rd of May.
        t_day_first = !out.lang.empty() &&
                      (out.lang.rfind("en", 0) != 0 ||
                       DayFirstEnglish(!dom.Attr(i, "lang").empty() ? dom.Attr(i, "lang")
                                                                    : dom.Attr(i, "xml:lang")));
        break;
      case GUMBO_TAG_BODY:
        in_body = true;
        break;
      case GUMBO_TAG_TITLE:
        if (title_tag.empty() && !in_body) title_tag = TextOf(dom, i);
        break;
      case GUMBO_TAG_META: {
        std::string_view content = dom.Attr(i, "content");
        for (const char* key : {"property", "name", "itemprop", "http-equiv"}) {
          std::string_view k = dom.Attr(i, key);
          if (!k.empty() && !content.empty()) {
            meta.emplace(LowerAscii(k), Collapse(content));
          }
        }
        if (!in_body) break;
        [[fallthrough]];
      }
      default: {
        std::string_view itemprop = dom.Attr(i, "itemprop");
        if (itemprop == "datePublished" && itemprop_date.empty()) {
          std::string_view v = dom.Attr(i, "content");
          if (v.empty()) v = dom.Attr(i, "datetime");
          itemprop_date = v.empty() ? FindDate(TextOf(dom, i, 256)) : std::string(v);
        } else if (itemprop == "author" && itemprop_author.empty()) {
          // The name may be a nested itemprop="name".
          std::string name;
          for (size_t k = i + 1; k < static_cast<size_t>(d.end); ++k) {
            if (!dom[k].is_text && dom.Attr(k, "itemprop") == "name") {
              std::string_view c = dom.Attr(k, "content");
              name = c.empty() ? TextOf(dom, k, 200) : Collapse(c);
              break;
            }
          }
          if (name.empty()) {
            std::string_view c = dom.Attr(i, "content");
            name = c.empty() ? TextOf(dom, i, 200) : Collapse(c);
          }
          itemprop_author = CleanAuthor(name);
        }
        break;
      }
    }
    if (d.tag == GUMBO_TAG_LINK) {
      std::string rel = LowerAscii(dom.Attr(i, "rel"));
      if (rel == "canonical" && canonical.empty()) canonical = std::string(dom.Attr(i, "href"));
    } else if (d.tag == GUMBO_TAG_SCRIPT) {
      std::string type = LowerAscii(dom.Attr(i, "type"));
      if (type.find("ld+json") != std::string::npos && jsonld.size() < 8) {
        std::string body;
        for (size_t k = i + 1; k < static_cast<size_t>(d.end); ++k) {
          if (dom[k].is_text) body += dom.Text(k);
        }
        jsonld.push_back(std::move(body));
      }
      if (script_bytes < kMaxScriptBytes) {
        // Pages rendered by scripts carry their dates in the script's data
        // (and JSON-LD that does not parse still names its date); read only
        // when no other date is found.
        for (size_t k = i + 1; k < static_cast<size_t>(d.end); ++k) {
          if (!dom[k].is_text) continue;
          script_texts.push_back(dom.Text(k));
          script_bytes += script_texts.back().size();
        }
      }
    } else if (d.tag == GUMBO_TAG_H1 || d.tag == GUMBO_TAG_H2 || d.tag == GUMBO_TAG_H3) {
      std::string h = TextOf(dom, i, 512);
      if (d.tag == GUMBO_TAG_H1) {
        ++h1_count;
        if (first_h1.empty()) first_h1 = h;
      }
      if (headings.size() < 40 && !h.empty()) headings.push_back(h);
    } else if (d.tag == GUMBO_TAG_TIME) {
      std::string_view dt = dom.Attr(i, "datetime");
      std::string v = dt.empty() ? FindDate(TextOf(dom, i, 256)) : FindDate(dt);
      std::string cls = LowerAscii(dom.Attr(i, "class"));
      bool pub = gumbo_get_attribute(&d.g->v.element.attributes, "pubdate") != nullptr ||
                 HintHas(cls, {"publish", "entry-date", "post-date", "posted"});
      if (!v.empty() && pub && time_pub.empty()) time_pub = v;
      if (!v.empty() && time_any.empty() && !HintHas(cls, {"updated", "modified"})) time_any = v;
    } else if (d.tag == GUMBO_TAG_A && rel_author.empty()) {
      if (LowerAscii(dom.Attr(i, "rel")) == "author") rel_author = CleanAuthor(TextOf(dom, i, 200));
    } else if (d.tag == GUMBO_TAG_ABBR && abbr_date.empty()) {
      std::string cls = LowerAscii(dom.Attr(i, "class"));
      if (cls.find("published") != std::string::npos) {
        std::string_view t = dom.Attr(i, "title");
        abbr_date = FindDate(t.empty() ? TextOf(dom, i, 200) : std::string(t));
      }
    }
    if (in_body && (byline.empty() || class_date.empty())) {
      std::string_view cls = dom.Attr(i, "class");
      std::string_view id = dom.Attr(i, "id");
      if (!cls.empty() || !id.empty()) {
        hint.clear();
        AppendLower(&hint, cls);
        hint.push_back(' ');
        AppendLower(&hint, id);
        if (byline.empty() && HintHas(hint, {"author", "byline", "autor", "verfasser"}) &&
            !HintHas(hint, {"comment", "avatar", "bio", "box", "description"})) {
          std::string t = TextOf(dom, i, 200);
          if (!t.empty() && t.size() < 100) byline = CleanAuthor(t);
        }
        if (class_date.empty() &&
            HintHas(hint, {"date", "time", "publish", "posted", "datum", "meta", "byline", "info",
                           "submitted"}) &&
            !HintHas(hint, {"update", "modified", "comment"})) {
          class_date = FindDate(TextOf(dom, i, 300));
        }
      }
    }
  }

  JsonLdMeta ld;
  if (!jsonld.empty()) {
    simdjson::dom::parser parser;
    for (const std::string& j : jsonld) ReadJsonLd(j, &parser, &ld);
  }
  auto get = [&](std::initializer_list<const char*> keys) -> std::string {
    for (const char* k : keys) {
      auto it = meta.find(k);
      if (it != meta.end() && !it->second.empty()) return it->second;
    }
    return "";
  };

  out.jsonld_body = std::move(ld.body);

  // Title: the article's heading when the page title names it, else the page
  // title without the site name.
  std::string page_title = get({"og:title", "twitter:title", "dc.title", "title"});
  if (page_title.empty()) page_title = title_tag;
  std::string site_guess = get({"og:site_name", "application-name"});
  out.title = ld.title;
  if (out.title.empty()) {
    std::string low_page = LowerAscii(page_title) + " " + LowerAscii(title_tag);
    for (const std::string& h : headings) {
      if (h.size() >= 4 && low_page.find(LowerAscii(h)) != std::string::npos &&
          LowerAscii(h) != LowerAscii(site_guess)) {
        out.title = h;
        break;
      }
    }
  }
  if (out.title.empty() && h1_count == 1 && first_h1.size() >= 4 &&
      LowerAscii(first_h1) != LowerAscii(site_guess))
    out.title = first_h1;
  if (out.title.empty() && !page_title.empty()) out.title = CleanTitle(page_title, site_guess);
  if (out.title.empty()) out.title = first_h1;

  // Author.
  out.author = ld.author;
  if (out.author.empty()) {
    std::string a =
        get({"author", "article:author", "dc.creator", "dc.creator.author", "dcterms.creator",
             "parsely-author", "sailthru.author", "byl", "citation_author"});
    if (a.find("http") != 0 && a.find("www.") != 0) out.author = CleanAuthor(a);
  }
  if (out.author.empty()) out.author = itemprop_author;
  if (out.author.empty()) out.author = rel_author;
  if (out.author.empty()) out.author = byline;

  // Published date.
  // Specific publication dates first; generic <meta name="date"> (which many
  // CMSs fill with the page's last change) after the dates the page shows.
  std::string date = ld.published;
  if (date.empty())
    date = get({"article:published_time",
                "og:published_time",
                "article:published",
                "datepublished",
                "publishdate",
                "publish-date",
                "publish_date",
                "pubdate",
                "sailthru.date",
                "parsely-pub-date",
                "cxenseparse:recs:publishtime",
                "date_published",
                "originalpublicationdate",
                "article.published",
                "published_time",
                "release_date",
                "citation_publication_date",
                "pub_date",
                "citation_date",
                "dc.date.issued",
                "dcterms.issued"});
  if (date.empty()) date = itemprop_date;
  if (date.empty()) date = time_pub;
  if (date.empty()) date = abbr_date;
  if (date.empty()) date = DateFromUrl(url);
  if (date.empty() && !canonical.empty()) date = DateFromUrl(canonical);
  if (date.empty()) date = class_date;
  if (date.empty()) date = time_any;
  if (date.empty())
    date =
        get({"date", "dc.date", "dcterms.date", "dc.date.created", "dcterms.created", "created"});
  if (date.empty()) {
    std::string script_date[std::size(kScriptDateKeys)];
    for (std::string_view t : script_texts) {
      for (size_t key = 0; key < std::size(kScriptDateKeys); ++key) {
        if (!script_date[key].empty()) continue;
        size_t at = t.find(kScriptDateKeys[key]);
        if (at == std::string_view::npos) continue;
        std::string_view rest = t.substr(at + kScriptDateKeys[key].size(), 48);
        size_t q = rest.find_first_of("0123456789");
        if (q != std::string_view::npos && q <= 12) script_date[key] = FindDate(rest.substr(q));
      }
    }
    for (const std::string& d : script_date) {
      if (date.empty()) date = d;
    }
  }
  if (date.empty()) date = ld.modified;
  if (date.empty())
    date = get({"article:modified_time", "og:updated_time", "dateModified", "last-modified"});
  if (!date.empty()) out.published = FindDate(date);
  const std::string visible = Collapse(body_text);
  // The dates the page shows (its first 200), found once when first needed.
  std::vector<std::string> shown_dates;
  bool shown_found = false;
  auto ShownDates = [&]() -> const std::vector<std::string>& {
    if (!shown_found) shown_dates = FindAllDates(visible, 200);
    shown_found = true;
    return shown_dates;
  };
  // A page that shows its update date but not its first one is dated by what it
  // shows (the page's own answer to "when is this from").
  std::string modified = ld.modified;
  if (modified.empty())
    modified = get(
        {"article:modified_time", "og:updated_time", "datemodified", "last-modified", "lastmod"});
  modified = FindDate(modified);
  if (!modified.empty() && !out.published.empty() &&
      modified.substr(0, 10) != out.published.substr(0, 10)) {
    const std::vector<std::string>& shown = ShownDates();
    auto shows = [&](const std::string& d) {
      return std::find(shown.begin(), shown.end(), d.substr(0, 10)) != shown.end();
    };
    if (shows(modified) && !shows(out.published)) out.published = modified;
  }
  // A timestamp written in UTC (or converted to it) can fall on the day before
  // or after the calendar date the page shows its readers; when the page shows
  // the neighbouring day and not the stamped one, the shown day is the date.
  if (!out.published.empty()) {
    const std::vector<std::string>& shown = ShownDates();
    const std::string day = out.published.substr(0, 10);
    if (std::find(shown.begin(), shown.end(), day) == shown.end()) {
      const long base = DayNumber(day);
      for (const std::string& s : shown) {
        long n = DayNumber(s);
        if (base >= 0 && n >= 0 && (n == base - 1 || n == base + 1)) {
          out.published = s;
          break;
        }
      }
    }
  }
  // A date the page labels as its publication date ("Veröffentlicht am",
  // "Published:", "Erschienen am") is the page's own answer.
  {
    static constexpr std::string_view kPubLabels[] = {
        "veröffentlicht am", "veröffentlicht:", "erschienen am", "published:",
        "published on",      "publié le",       "publicado el",  "publicado em",
        "pubblicato il",     "opublikowano",    "erstellt am"};
    const std::string low = LowerAscii(visible);
    size_t best = std::string::npos;
    std::string labelled;
    for (std::string_view label : kPubLabels) {
      size_t at = low.find(label);
      // A whole word, once or twice (more often it labels a list of teasers).
      while (at != std::string::npos && at > 0 && IsLetterByte(low[at - 1]))
        at = low.find(label, at + 1);
      if (at == std::string::npos || at >= best) continue;
      size_t again = low.find(label, at + 1);
      if (again != std::string::npos && low.find(label, again + 1) != std::string::npos) continue;
      std::string_view rest = std::string_view(visible).substr(at + label.size(), 48);
      size_t q = rest.find_first_not_of(" :");
      if (q == std::string_view::npos || q > 3) continue;
      std::string d = DateAt(rest, q);
      if (d.empty()) continue;
      // Outside English a slashed date is day/month/year.
      int dd = 0, mm = 0, yy = 0, nd = 0;
      size_t r = q;
      if (label.rfind("published", 0) != 0 && (dd = ReadNum(rest, &r, 2, &nd)) > 0 &&
          r < rest.size() && rest[r] == '/' && (++r, (mm = ReadNum(rest, &r, 2, &nd)) > 0) &&
          r < rest.size() && rest[r] == '/' && (++r, (yy = ReadNum(rest, &r, 4, &nd)) > 0) &&
          nd == 4 && ValidYmd(yy, mm, dd))
        d = Ymd(yy, mm, dd);
      best = at;
      labelled = d;
    }
    if (!labelled.empty() &&
        (out.published.empty() || labelled.substr(0, 10) != out.published.substr(0, 10)))
      out.published = labelled;
  }
  if (out.published.empty()) out.published = FindDate(visible);

  out.site = get({"og:site_name", "application-name", "twitter:site"});
  if (!out.site.empty() && out.site[0] == '@') out.site = out.site.substr(1);
  if (!ld.site.empty() && (out.site.empty() || out.site.find('@') == 0)) out.site = ld.site;

  if (out.lang.empty())
    out.lang = LangCode(get({"content-language", "og:locale", "language", "dc.language"}));
  if (out.lang.empty()) out.lang = LangCode(ld.lang);

  if (canonical.empty()) canonical = get({"og:url"});
  if (!canonical.empty() && canonical[0] == '/' && canonical.rfind("//", 0) != 0 && !url.empty()) {
    size_t scheme = url.find("://");
    size_t host_end =
        scheme == std::string_view::npos ? std::string_view::npos : url.find('/', scheme + 3);
    canonical = std::string(url.substr(0, host_end)) + canonical;
  }
  if (canonical.rfind("http", 0) == 0) out.canonical = canonical;
  return out;
}

}  // namespace storyline::internal
