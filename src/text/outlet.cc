// Copyright storyline authors.
//
// RecoverOutlet: the outlet that published an article and the wire agency it
// credits. The outlet is read from evidence the article carries about itself (its
// record, its URL, the site furniture the boilerplate filter set aside), never
// from a list of outlet names; the wire agencies are a closed list, as journalism
// has few of them.
#include "storyline/outlet.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_writer.h"
#include "text/boilerplate_internal.h"

namespace storyline {
namespace {

using text_internal::Contains;
using text_internal::Trim;

struct Agency {
  std::string_view name;                     // as shown
  std::array<std::string_view, 4> spelling;  // as written in a credit, case-sensitive
};

constexpr std::array<Agency, 13> kAgencies = {{
    {"Reuters", {"Reuters", "REUTERS", "Reuter", "REUTER"}},
    {"AP", {"AP", "Associated Press", "The Associated Press", "ASSOCIATED PRESS"}},
    {"AFP", {"AFP", "Agence France-Presse", "Agence France Presse", ""}},
    {"dpa", {"dpa", "DPA", "", ""}},
    {"Xinhua", {"Xinhua", "XINHUA", "", ""}},
    {"Yonhap", {"Yonhap", "YONHAP", "", ""}},
    {"Kyodo", {"Kyodo", "KYODO", "", ""}},
    {"PTI", {"PTI", "", "", ""}},
    {"ANI", {"ANI", "", "", ""}},
    {"EFE", {"EFE", "", "", ""}},
    {"ANSA", {"ANSA", "", "", ""}},
    {"UPI", {"UPI", "", "", ""}},
    {"Bloomberg", {"Bloomberg", "BLOOMBERG", "Bloomberg News", ""}},
}};

bool IsWordByte(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || static_cast<unsigned char>(c) >= 0x80;
}

// The agency `s` is exactly (after trimming), or "".
std::string_view AgencyExactly(std::string_view s) {
  s = Trim(s);
  for (const Agency& a : kAgencies) {
    for (std::string_view sp : a.spelling) {
      if (!sp.empty() && s == sp) return a.name;
    }
  }
  return {};
}

// The first agency named in `s` as a whole word, or "".
std::string_view AgencyNamedIn(std::string_view s) {
  for (const Agency& a : kAgencies) {
    for (std::string_view sp : a.spelling) {
      if (sp.empty()) continue;
      for (size_t at = s.find(sp); at != std::string_view::npos; at = s.find(sp, at + 1)) {
        size_t end = at + sp.size();
        if ((at == 0 || !IsWordByte(s[at - 1])) && (end == s.size() || !IsWordByte(s[end]))) {
          return a.name;
        }
      }
    }
  }
  return {};
}

std::vector<std::string_view> NonBlankLines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t b = 0;
  while (b <= text.size()) {
    size_t e = text.find('\n', b);
    if (e == std::string_view::npos) e = text.size();
    std::string_view l = Trim(text.substr(b, e - b));
    if (!l.empty()) out.push_back(l);
    b = e + 1;
  }
  return out;
}

bool StartsWithDash(std::string_view s) {
  return s.substr(0, 1) == "-" || s.substr(0, 3) == "\xE2\x80\x93" ||  // –
         s.substr(0, 3) == "\xE2\x80\x94";                             // —
}

bool IsUpperStart(std::string_view w) {
  unsigned char c = static_cast<unsigned char>(w[0]);
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0xC3;
}

// The agency inside a credit's parentheses: "Reuters", or "dpa/lno" (agency and desk).
std::string_view ParenAgency(std::string_view inner) {
  std::string_view a = AgencyExactly(inner);
  if (a.empty() && inner.find('/') != std::string_view::npos && inner.size() < 20) {
    a = AgencyExactly(inner.substr(0, inner.find('/')));
  }
  return a;
}

// "SEOUL (Reuters) - ...", "WASHINGTON, Sept 25 (AP) — ...", "(EFE).- ...": an
// agency in parentheses near the start of the line, then a dash.
std::string_view DatelineAgency(std::string_view line) {
  for (size_t open = line.find('('); open != std::string_view::npos && open <= 400;
       open = line.find('(', open + 1)) {
    size_t close = line.find(')', open);
    if (close == std::string_view::npos) return {};
    std::string_view agency = ParenAgency(line.substr(open + 1, close - open - 1));
    std::string_view after = Trim(line.substr(close + 1));
    if (after.substr(0, 1) == "." || after.substr(0, 1) == ":") after = Trim(after.substr(1));
    if (agency.empty() || !StartsWithDash(after)) continue;
    // Before it, from the line's start or the end of a lead-in ("(Updates ...) ",
    // a sentence, a quote): nothing, or a place ("SEOUL", "BEIJING, Sept. 25",
    // "Frankfurt/Main"), a few words starting with a capital.
    std::string_view before = line.substr(0, open);
    for (std::string_view end : {". ", ") ", "\" ", "\xE2\x80\x9D "}) {  // ”
      size_t at = before.rfind(end);
      if (at != std::string_view::npos) before = before.substr(at + end.size());
    }
    before = Trim(before);
    if (before.empty()) return agency;
    if (before.size() <= 50 && IsUpperStart(before) && !Contains(before, "\"") &&
        std::count(before.begin(), before.end(), ' ') <= 5) {
      return agency;
    }
  }
  return {};
}

// "reuter" or "REUTER" as "Reuter".
std::string Capitalised(std::string_view s) {
  std::string out(s);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<char>(i == 0 ? std::toupper(static_cast<unsigned char>(out[i]))
                                      : std::tolower(static_cast<unsigned char>(out[i])));
  }
  return out;
}

// A credit line: the agency alone ("Reuter", "- AFP", "(AP)"), or a reporting
// credit that names it ("Reporting by X for Reuters", "With inputs from PTI").
// `line` without the brackets, dashes and stops around a bare credit, and without
// a trailing "^M" (a carriage return as some archives spell it).
std::string_view BareCredit(std::string_view line) {
  std::string_view s = line;
  while (!s.empty() && (s.front() == '(' || s.front() == '[' || s.front() == '-' ||
                        s.front() == ' ' || s.front() == '*')) {
    s.remove_prefix(1);
  }
  if (StartsWithDash(s)) s = Trim(s.substr(3));
  while (!s.empty() && (s.back() == ')' || s.back() == ']' || s.back() == '.' || s.back() == 'M' ||
                        s.back() == '^' || s.back() == ' ')) {
    if (s.back() == 'M' && (s.size() < 2 || s[s.size() - 2] != '^')) break;
    s.remove_suffix(1);
  }
  return s;
}

std::string_view CreditLineAgency(std::string_view line) {
  const std::string_view s = BareCredit(line);
  if (std::string_view a = AgencyExactly(s); !a.empty()) return a;
  if (s.size() >= 5 && s.size() <= 9) {  // "reuter": a long name in any case
    if (std::string_view a = AgencyExactly(Capitalised(s)); !a.empty()) return a;
  }
  // A closing paragraph signed "(dpa)" or "(dpa/gem)".
  if (!s.empty() && line.back() == ')') {
    size_t open = line.rfind('(');
    if (open != std::string_view::npos) {
      std::string_view a = ParenAgency(line.substr(open + 1, line.size() - open - 2));
      if (!a.empty()) return a;
    }
  }
  if (line.size() > 200) return {};
  const std::string f = text_internal::Fold(line);
  static constexpr std::array<std::string_view, 5> kCreditPhrases = {
      "reporting by", "inputs from", "contributed to this report", "contributed reporting",
      "writing by"};
  for (std::string_view p : kCreditPhrases) {
    if (Contains(f, p)) return AgencyNamedIn(line);
  }
  return {};
}

// A byline naming the agency: "By Jane Roe, Reuters", "Von David Hutzler, dpa".
std::string_view BylineAgency(std::string_view line) {
  if (line.size() > 80) return {};
  static constexpr std::array<std::string_view, 4> kBy = {"By ", "BY ", "Von ", "Par "};
  bool by = false;
  for (std::string_view b : kBy) by |= line.substr(0, b.size()) == b;
  size_t comma = line.rfind(", ");
  if (!by || comma == std::string_view::npos) return {};
  return AgencyExactly(line.substr(comma + 2));
}

// ---- The outlet from set-aside lines ---------------------------------------------

// A name: 1-6 words, each capitalised except a few joining words, no sentence
// punctuation inside, none of the words that make a prompt generic.
bool IsNameLike(std::string_view s) {
  s = Trim(s);
  if (s.empty() || s.size() > 60) return false;
  static constexpr std::array<std::string_view, 6> kJoin = {"of", "the", "and", "&", "for", "de"};
  static constexpr std::array<std::string_view, 10> kGeneric = {
      "our",    "newsletter",    "newsletters", "updates", "channel",
      "alerts", "notifications", "podcast",     "feed",    "premium"};
  int words = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t e = s.find(' ', i);
    if (e == std::string_view::npos) e = s.size();
    std::string_view w = s.substr(i, e - i);
    i = e + 1;
    if (w.empty()) continue;
    if (++words > 6) return false;
    const std::string fw = text_internal::Fold(w);
    for (std::string_view g : kGeneric) {
      if (fw == g) return false;
    }
    bool join = false;
    for (std::string_view j : kJoin) join |= (w == j);
    if (!join && !IsUpperStart(w)) return false;
  }
  return words > 0 && IsUpperStart(s);
}

// `s` without a trailing corporate suffix and punctuation: "Newslex Point, Inc."
// gives "Newslex Point".
std::string_view StripSuffixes(std::string_view s) {
  s = Trim(s);
  static constexpr std::array<std::string_view, 8> kSuffixes = {
      " Inc", " Inc.", " Ltd", " Ltd.", " LLC", " GmbH", " Limited", " All rights reserved"};
  bool changed = true;
  while (changed) {
    changed = false;
    while (!s.empty() && (s.back() == '.' || s.back() == ',' || s.back() == ' ' ||
                          s.back() == '!' || s.back() == '|')) {
      s.remove_suffix(1);
      changed = true;
    }
    for (std::string_view x : kSuffixes) {
      if (s.size() > x.size() && s.substr(s.size() - x.size()) == x) {
        s.remove_suffix(x.size());
        changed = true;
      }
    }
  }
  return s;
}

// Where the lower-case ASCII `marker` first occurs in `s`, ignoring ASCII case.
size_t FindCaseless(std::string_view s, std::string_view marker) {
  for (size_t i = 0; i + marker.size() <= s.size(); ++i) {
    size_t k = 0;
    while (k < marker.size() && std::tolower(static_cast<unsigned char>(s[i + k])) == marker[k]) {
      ++k;
    }
    if (k == marker.size()) return i;
  }
  return std::string_view::npos;
}

// The capitalised name right after `marker` in `line` ("contribute to Newslex
// Point, Inc. using ..." gives "Newslex Point"), or "".
std::string NameAfter(std::string_view line, std::string_view marker) {
  size_t at = FindCaseless(line, marker);
  if (at == std::string_view::npos) return {};
  std::string_view rest = line.substr(at + marker.size());
  size_t end = 0;
  size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && rest[i] == ' ') ++i;
    size_t b = i;
    while (i < rest.size() && rest[i] != ' ') ++i;
    std::string_view w = rest.substr(b, i - b);
    if (w.empty() || (!IsUpperStart(w) && w != "of" && w != "&")) break;
    end = i;
    if (w.back() == ',' || w.back() == '.') break;
  }
  std::string_view name = StripSuffixes(rest.substr(0, end));
  return IsNameLike(name) ? std::string(name) : std::string();
}

// "© 2023 The NRI Nation. All rights reserved.", "Copyright 2021 Newslex Point".
std::string CopyrightName(std::string_view line) {
  std::string_view s = Trim(line);
  bool marked = false;
  for (;;) {
    if (s.substr(0, 2) == "\xC2\xA9") {
      s = Trim(s.substr(2));
    } else if (s.substr(0, 9) == "Copyright" || s.substr(0, 9) == "COPYRIGHT") {
      s = Trim(s.substr(9));
    } else if (s.substr(0, 3) == "(c)" || s.substr(0, 3) == "(C)") {
      s = Trim(s.substr(3));
    } else if (!s.empty() && ((s[0] >= '0' && s[0] <= '9') || s[0] == '-' || s[0] == ',')) {
      s.remove_prefix(1);
      s = Trim(s);
      continue;
    } else {
      break;
    }
    marked = true;
  }
  if (!marked) return {};
  size_t dot = s.find(". ");
  if (dot != std::string_view::npos) s = s.substr(0, dot);
  std::string_view name = StripSuffixes(s);
  while (!name.empty() && name.back() >= '0' && name.back() <= '9') name.remove_suffix(1);
  name = StripSuffixes(name);
  return IsNameLike(name) ? std::string(name) : std::string();
}

std::string LettersOf(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

// "www.x.com", "https://x.com/": a host without a path.
bool IsHomePage(std::string_view url) {
  size_t scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  size_t slash = rest.find('/');
  return slash == std::string_view::npos || slash + 1 == rest.size();
}

// The first URL or bare domain in a line ("Read More: https://x.com/a", "www.x.com").
std::string_view UrlIn(std::string_view line) {
  size_t at = line.find("http://");
  if (at == std::string_view::npos) at = line.find("https://");
  if (at == std::string_view::npos) at = line.find("www.");
  if (at == std::string_view::npos) return {};
  size_t end = line.find_first_of(" \t)\"'", at);
  return line.substr(at, end == std::string_view::npos ? end : end - at);
}

// A run of up to 6 capitalised words in `text` whose letters spell the first
// label of `domain` ("Youth Diplomacy Forum" for youthdiplomacyforum.com; "The
// NRI Nation" for mynrination.com), or "".
std::string NameSpellingDomain(std::string_view text, std::string_view domain) {
  const std::string label = LettersOf(domain.substr(0, domain.find('.')));
  if (label.size() < 5) return {};
  std::vector<std::string_view> words;
  for (size_t i = 0; i < text.size();) {
    while (i < text.size() && !IsWordByte(text[i]) && text[i] != '&') ++i;
    size_t b = i;
    while (i < text.size() && (IsWordByte(text[i]) || text[i] == '&' || text[i] == '-')) ++i;
    if (i > b) words.push_back(text.substr(b, i - b));
  }
  // The longest run that spells it wins ("Youth Diplomacy Forum", not "Youth Diplomacy").
  std::string best;
  for (size_t s = 0; s < words.size(); ++s) {
    if (!IsUpperStart(words[s])) continue;
    std::string letters;
    for (size_t n = 0; n < 6 && s + n < words.size() && IsUpperStart(words[s + n]); ++n) {
      letters += LettersOf(words[s + n]);
      std::string_view bare = letters;
      if (n > 0 && bare.substr(0, 3) == "the") bare.remove_prefix(3);
      bool spells = letters == label || (bare.size() >= 6 && 3 * bare.size() >= 2 * label.size() &&
                                         Contains(label, bare));
      if (n == 0 || !spells) continue;
      const char* b = words[s].data();
      const char* e = words[s + n].data() + words[s + n].size();
      std::string name(Trim(std::string_view(b, static_cast<size_t>(e - b))));
      if (letters == label) return name;
      if (name.size() > best.size()) best = std::move(name);
    }
  }
  return best;
}

// The outlet a set-aside line names outright, or "".
std::string NamedOutlet(const SetAsideLine& l) {
  const std::string_view r = l.reason;
  if (r == "site name at end") return std::string(StripSuffixes(l.text));
  if (r == "copyright notice" || r == "photo credit") {
    return r == "copyright notice" ? CopyrightName(l.text) : std::string();
  }
  if (r == "subscribe prompt") return NameAfter(l.text, "subscribe to ");
  if (r == "donation prompt") {
    for (std::string_view m : {"contribute to ", "donate to ", "support "}) {
      std::string n = NameAfter(l.text, m);
      if (!n.empty()) return n;
    }
  }
  return {};
}

struct Found {
  std::string outlet;
  bool found = false;
};

// The outlet from the lines set aside: a line naming it outright first, then a
// linked domain spelled as a name somewhere in the text, then the site's own URL
// line ("www.mynrination.com" at the end) as a domain.
Found OutletFromBoilerplate(const CleanedText& cleaned, std::string_view text) {
  for (const SetAsideLine& l : cleaned.removed) {
    std::string n = NamedOutlet(l);
    if (!n.empty()) return {n, true};
  }
  std::string url_line_domain;
  uint32_t last_line = 0;  // the number of the text's last non-blank line
  for (size_t i = 0, line = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
    } else if (text[i] != ' ' && text[i] != '\r' && text[i] != '\t') {
      last_line = static_cast<uint32_t>(line);
    }
  }
  for (const SetAsideLine& l : cleaned.removed) {
    if (l.reason != "URL line" && l.reason != "read-also link") continue;
    std::string_view u = UrlIn(l.text);
    if (u.empty()) continue;
    std::string domain = UrlOutlet(u.substr(0, 4) == "www." ? "http://" + std::string(u) : u);
    if (domain.empty()) continue;
    std::string name = NameSpellingDomain(text, domain);
    if (!name.empty()) return {name, true};
    // The site's own URL line closes the text and names its home page
    // ("www.mynrination.com"); a URL line higher up, or one to a page, links elsewhere.
    if (l.reason == "URL line" && url_line_domain.empty() && l.line + 3 >= last_line &&
        IsHomePage(u)) {
      url_line_domain = domain;
    }
  }
  if (!url_line_domain.empty()) return {url_line_domain, true};
  return {};
}

bool IsGenericLabel(std::string_view l) {
  static constexpr std::array<std::string_view, 14> kGeneric = {
      "co", "com", "org", "net", "gov", "ac", "edu", "ne", "or", "gv", "gob", "gouv", "mil", "nic"};
  for (std::string_view g : kGeneric) {
    if (l == g) return true;
  }
  return false;
}

// The .html/.htm and .warc readers fill Article::source from the page's metadata
// only, so a source on an article read from such a file is page metadata.
bool IsPageFile(std::string_view path) {
  for (std::string_view ext : {".html", ".htm", ".warc", ".warc.gz", ".HTML", ".HTM"}) {
    if (path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext) return true;
  }
  return false;
}

}  // namespace

std::string UrlOutlet(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view host = url.substr(scheme + 3);
  host = host.substr(0, host.find_first_of("/?#"));
  if (size_t at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
  host = host.substr(0, host.find(':'));
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  std::string h = text_internal::Fold(host);
  if (h.find('.') == std::string::npos || h.find_first_of(" \t") != std::string::npos) return {};
  if (h.find_first_not_of("0123456789.") == std::string::npos) return {};  // an IP address
  std::vector<std::string_view> labels;
  std::string_view hv = h;
  for (size_t b = 0; b <= hv.size();) {
    size_t e = hv.find('.', b);
    if (e == std::string_view::npos) e = hv.size();
    labels.push_back(hv.substr(b, e - b));
    b = e + 1;
  }
  size_t keep = 2;
  if (labels.size() >= 3 && IsGenericLabel(labels[labels.size() - 2]) &&
      labels.back().size() == 2) {
    keep = 3;
  }
  if (labels.size() < keep) return {};
  std::string out;
  for (size_t i = labels.size() - keep; i < labels.size(); ++i) {
    if (labels[i].empty()) return {};
    if (!out.empty()) out += '.';
    out += labels[i];
  }
  return out;
}

std::string WireCredit(std::string_view text) {
  const std::vector<std::string_view> lines = NonBlankLines(text);
  // The dateline opens the body: the first few lines (a title, photo captions and a
  // date line may come first).
  for (size_t i = 0; i < lines.size() && i < 8; ++i) {
    std::string_view a = DatelineAgency(lines[i]);
    if (!a.empty()) return std::string(a);
  }
  // Credit lines close it (or, for a few styles, open it).
  for (size_t k = 0; k < lines.size() && k < 4; ++k) {
    std::string_view a = CreditLineAgency(lines[lines.size() - 1 - k]);
    if (!a.empty()) return std::string(a);
  }
  for (size_t i = 0; i < lines.size() && i < 3; ++i) {
    if (lines[i].size() > 120) continue;
    std::string_view a = CreditLineAgency(lines[i]);
    if (a.empty()) a = BylineAgency(lines[i]);
    if (!a.empty()) return std::string(a);
  }
  return {};
}

Outlet RecoverOutlet(const Article& article, const CleanedText& cleaned) {
  Outlet out;
  // The raw text: a sign-off such as "Reuter" may have been set aside as a tag line.
  out.credit = WireCredit(article.text);
  if (!article.source.empty()) {
    out.source = article.source;
    out.evidence = IsPageFile(article.origin_file) ? "page metadata" : "input";
    return out;
  }
  if (std::string d = UrlOutlet(article.url); !d.empty()) {
    out.source = std::move(d);
    out.evidence = "url";
    return out;
  }
  Found f = OutletFromBoilerplate(cleaned, article.text);
  if (f.found) {
    out.source = std::move(f.outlet);
    out.evidence = "boilerplate";
  }
  return out;
}

Outlet OutletOf(const Article& article) {
  static const BoilerplateFilter* filter = new BoilerplateFilter();
  return RecoverOutlet(article, filter->Clean(article));
}

Outlet PageOutlet(std::string_view title, std::string_view text, std::string_view url,
                  std::string_view site) {
  Article a;
  a.title = title;
  a.text = text;
  a.url = url;
  Outlet o = OutletOf(a);
  if (!site.empty()) {
    o.source = site;
    o.evidence = "page metadata";
  }
  return o;
}

std::string WithOutlets(std::string compare_json, const Article& a, const Article& b) {
  while (!compare_json.empty() && compare_json.back() != '}') compare_json.pop_back();
  if (compare_json.empty()) return compare_json;
  compare_json.pop_back();
  return compare_json + ",\"outlets\":{\"a\":" + OutletJson(OutletOf(a)) +
         ",\"b\":" + OutletJson(OutletOf(b)) + "}}";
}

std::string OutletJson(const Outlet& outlet) {
  JsonWriter w;
  w.BeginObject();
  w.Key("source");
  w.StringOrNull(outlet.source);
  w.Key("outlet_evidence");
  w.StringOrNull(outlet.evidence);
  w.Key("credit");
  w.StringOrNull(outlet.credit);
  w.EndObject();
  return w.Take();
}

}  // namespace storyline
