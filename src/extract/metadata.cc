// Copyright storyline authors.
//
// ExtractMetadata in two stages: one walk over the page collects every
// candidate by source (<meta>, JSON-LD, <time>, itemprop, bylines, class hints,
// scripts, the visible text); then each field is chosen from the most trusted
// source that has it.
#include "extract/metadata.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/ascii.h"
#include "extract/jsonld.h"
#include "extract/page_dates.h"
#include "storyline/dates.h"

namespace storyline::internal {

std::string CollapseWhitespace(std::string_view s) {
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

namespace {

void AppendLower(std::string* out, std::string_view s) {
  for (char c : s) out->push_back(AsciiLower(c));
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
  return CollapseWhitespace(raw);
}

// ---- Title, author, language -------------------------------------------------------

// "<headline> | Site" -> "<headline>": the longest part around a separator.
std::string CleanTitle(const std::string& title, const std::string& site) {
  const std::string low_site = AsciiLowerCopy(site);
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
      if (!low_site.empty() && AsciiLowerCopy(p) == low_site) continue;
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
  a = CollapseWhitespace(a);
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
    out.push_back(AsciiLower(c));
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

// ---- Collect: one walk over the page, every candidate by source ----------------

// Everything the walk finds, before any choice between sources.
struct Collected {
  std::unordered_map<std::string, std::string> meta;  // name/property -> content (first)
  std::string html_lang;                              // ISO 639-1 from <html lang> / xml:lang
  // Slashed dates as the page's language writes them; month-first until <html>
  // says otherwise (dates read before it use month-first).
  DateOrder order = DateOrder::kMonthFirst;
  std::string title_tag, first_h1, canonical;
  std::vector<std::string> headings;  // h1-h3 texts in page order
  int h1_count = 0;
  std::string body_text;  // visible text, for a date of last resort
  std::vector<std::string> jsonld;
  std::vector<std::string_view> script_texts;  // views into the Dom
  size_t script_bytes = 0;
  std::string time_pub, time_any, itemprop_date, itemprop_author, rel_author, byline, class_date,
      abbr_date;
  bool in_body = false;
  std::string hint;  // scratch: lower-cased "class id" of an element in the body
};

// Outside English, and in British English, 03/05/2022 is the 3rd of May.
void CollectHtml(const Dom& dom, size_t i, Collected* c) {
  if (c->html_lang.empty()) c->html_lang = LangCode(dom.Attr(i, "lang"));
  if (c->html_lang.empty()) c->html_lang = LangCode(dom.Attr(i, "xml:lang"));
  const std::string_view tag =
      !dom.Attr(i, "lang").empty() ? dom.Attr(i, "lang") : dom.Attr(i, "xml:lang");
  const bool day_first =
      !c->html_lang.empty() && (c->html_lang.rfind("en", 0) != 0 || DayFirstEnglish(tag));
  c->order = day_first ? DateOrder::kDayFirst : DateOrder::kMonthFirst;
}

void CollectMeta(const Dom& dom, size_t i, Collected* c) {
  std::string_view content = dom.Attr(i, "content");
  for (const char* key : {"property", "name", "itemprop", "http-equiv"}) {
    std::string_view k = dom.Attr(i, key);
    if (!k.empty() && !content.empty()) {
      c->meta.emplace(AsciiLowerCopy(k), CollapseWhitespace(content));
    }
  }
}

// The name of an itemprop="author" element: a nested itemprop="name", else its
// own content or text.
std::string ItempropAuthor(const Dom& dom, size_t i) {
  for (size_t k = i + 1; k < static_cast<size_t>(dom[i].end); ++k) {
    if (!dom[k].is_text && dom.Attr(k, "itemprop") == "name") {
      std::string_view c = dom.Attr(k, "content");
      std::string name = c.empty() ? TextOf(dom, k, 200) : CollapseWhitespace(c);
      if (!name.empty()) return name;
      break;
    }
  }
  std::string_view c = dom.Attr(i, "content");
  return c.empty() ? TextOf(dom, i, 200) : CollapseWhitespace(c);
}

void CollectItemprop(const Dom& dom, size_t i, Collected* c) {
  std::string_view itemprop = dom.Attr(i, "itemprop");
  if (itemprop == "datePublished" && c->itemprop_date.empty()) {
    std::string_view v = dom.Attr(i, "content");
    if (v.empty()) v = dom.Attr(i, "datetime");
    c->itemprop_date = v.empty() ? FindDate(TextOf(dom, i, 256), c->order) : std::string(v);
  } else if (itemprop == "author" && c->itemprop_author.empty()) {
    c->itemprop_author = CleanAuthor(ItempropAuthor(dom, i));
  }
}

// JSON-LD scripts, and the text of every script: pages rendered by scripts
// carry their dates in the script's data (and JSON-LD that does not parse still
// names its date); read only when no other date is found.
void CollectScript(const Dom& dom, size_t i, Collected* c) {
  constexpr size_t kMaxScriptBytes = 4 << 20;
  const size_t end = static_cast<size_t>(dom[i].end);
  std::string type = AsciiLowerCopy(dom.Attr(i, "type"));
  if (type.find("ld+json") != std::string::npos && c->jsonld.size() < 8) {
    std::string body;
    for (size_t k = i + 1; k < end; ++k) {
      if (dom[k].is_text) body += dom.Text(k);
    }
    c->jsonld.push_back(std::move(body));
  }
  if (c->script_bytes < kMaxScriptBytes) {
    for (size_t k = i + 1; k < end; ++k) {
      if (!dom[k].is_text) continue;
      c->script_texts.push_back(dom.Text(k));
      c->script_bytes += c->script_texts.back().size();
    }
  }
}

void CollectHeading(const Dom& dom, size_t i, Collected* c) {
  std::string h = TextOf(dom, i, 512);
  if (dom[i].tag == GUMBO_TAG_H1) {
    ++c->h1_count;
    if (c->first_h1.empty()) c->first_h1 = h;
  }
  if (c->headings.size() < 40 && !h.empty()) c->headings.push_back(h);
}

void CollectTime(const Dom& dom, size_t i, Collected* c) {
  std::string_view dt = dom.Attr(i, "datetime");
  std::string v = dt.empty() ? FindDate(TextOf(dom, i, 256), c->order) : FindDate(dt, c->order);
  std::string cls = AsciiLowerCopy(dom.Attr(i, "class"));
  bool pub = gumbo_get_attribute(&dom[i].g->v.element.attributes, "pubdate") != nullptr ||
             HintHas(cls, {"publish", "entry-date", "post-date", "posted"});
  if (!v.empty() && pub && c->time_pub.empty()) c->time_pub = v;
  if (!v.empty() && c->time_any.empty() && !HintHas(cls, {"updated", "modified"})) c->time_any = v;
}

void CollectAbbr(const Dom& dom, size_t i, Collected* c) {
  std::string cls = AsciiLowerCopy(dom.Attr(i, "class"));
  if (cls.find("published") != std::string::npos) {
    std::string_view t = dom.Attr(i, "title");
    c->abbr_date = FindDate(t.empty() ? TextOf(dom, i, 200) : std::string(t), c->order);
  }
}

// A byline or a date in an element of the body whose class or id says so.
void CollectClassHints(const Dom& dom, size_t i, Collected* c) {
  std::string_view cls = dom.Attr(i, "class");
  std::string_view id = dom.Attr(i, "id");
  if (cls.empty() && id.empty()) return;
  std::string& hint = c->hint;
  hint.clear();
  AppendLower(&hint, cls);
  hint.push_back(' ');
  AppendLower(&hint, id);
  if (c->byline.empty() && HintHas(hint, {"author", "byline", "autor", "verfasser"}) &&
      !HintHas(hint, {"comment", "avatar", "bio", "box", "description"})) {
    std::string t = TextOf(dom, i, 200);
    if (!t.empty() && t.size() < 100) c->byline = CleanAuthor(t);
  }
  if (c->class_date.empty() &&
      HintHas(hint, {"date", "time", "publish", "posted", "datum", "meta", "byline", "info",
                     "submitted"}) &&
      !HintHas(hint, {"update", "modified", "comment"})) {
    c->class_date = FindDate(TextOf(dom, i, 300), c->order);
  }
}

// The candidates of the element at i that are read by tag.
void CollectByTag(const Dom& dom, size_t i, Collected* c) {
  const GumboTag tag = dom[i].tag;
  if (tag == GUMBO_TAG_LINK) {
    std::string rel = AsciiLowerCopy(dom.Attr(i, "rel"));
    if (rel == "canonical" && c->canonical.empty()) c->canonical = std::string(dom.Attr(i, "href"));
  } else if (tag == GUMBO_TAG_SCRIPT) {
    CollectScript(dom, i, c);
  } else if (tag == GUMBO_TAG_H1 || tag == GUMBO_TAG_H2 || tag == GUMBO_TAG_H3) {
    CollectHeading(dom, i, c);
  } else if (tag == GUMBO_TAG_TIME) {
    CollectTime(dom, i, c);
  } else if (tag == GUMBO_TAG_A && c->rel_author.empty()) {
    if (AsciiLowerCopy(dom.Attr(i, "rel")) == "author") {
      c->rel_author = CleanAuthor(TextOf(dom, i, 200));
    }
  } else if (tag == GUMBO_TAG_ABBR && c->abbr_date.empty()) {
    CollectAbbr(dom, i, c);
  }
}

void CollectElement(const Dom& dom, size_t i, Collected* c) {
  switch (dom[i].tag) {
    case GUMBO_TAG_HTML:
      CollectHtml(dom, i, c);
      break;
    case GUMBO_TAG_BODY:
      c->in_body = true;
      break;
    case GUMBO_TAG_TITLE:
      if (c->title_tag.empty() && !c->in_body) c->title_tag = TextOf(dom, i);
      break;
    case GUMBO_TAG_META:
      CollectMeta(dom, i, c);
      if (!c->in_body) break;
      [[fallthrough]];
    default:
      CollectItemprop(dom, i, c);
      break;
  }
  CollectByTag(dom, i, c);
  if (c->in_body && (c->byline.empty() || c->class_date.empty())) CollectClassHints(dom, i, c);
}

Collected CollectCandidates(const Dom& dom) {
  Collected c;
  for (size_t i = 0; i < dom.size(); ++i) {
    const DomNode& d = dom[i];
    if (!d.is_text) {
      CollectElement(dom, i, &c);
      continue;
    }
    GumboTag pt = d.parent >= 0 ? dom[d.parent].tag : GUMBO_TAG_UNKNOWN;
    if (c.in_body && c.body_text.size() < 200000 && pt != GUMBO_TAG_SCRIPT &&
        pt != GUMBO_TAG_STYLE && pt != GUMBO_TAG_NOSCRIPT) {
      c.body_text += dom.Text(i);
      c.body_text.push_back(' ');
    }
  }
  return c;
}

// ---- Choose: each field from the best source that has it -------------------------

// The first non-empty <meta> value of `keys`, in their order.
std::string MetaValue(const Collected& c, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    auto it = c.meta.find(k);
    if (it != c.meta.end() && !it->second.empty()) return it->second;
  }
  return "";
}

// The article's heading when the page title names it, else the page title
// without the site name.
std::string ChooseTitle(const Collected& c, const JsonLdMeta& ld) {
  if (!ld.title.empty()) return ld.title;
  std::string page_title = MetaValue(c, {"og:title", "twitter:title", "dc.title", "title"});
  if (page_title.empty()) page_title = c.title_tag;
  const std::string site_guess = MetaValue(c, {"og:site_name", "application-name"});
  const std::string low_page = AsciiLowerCopy(page_title) + " " + AsciiLowerCopy(c.title_tag);
  for (const std::string& h : c.headings) {
    if (h.size() >= 4 && low_page.find(AsciiLowerCopy(h)) != std::string::npos &&
        AsciiLowerCopy(h) != AsciiLowerCopy(site_guess)) {
      return h;
    }
  }
  if (c.h1_count == 1 && c.first_h1.size() >= 4 &&
      AsciiLowerCopy(c.first_h1) != AsciiLowerCopy(site_guess)) {
    return c.first_h1;
  }
  std::string title;
  if (!page_title.empty()) title = CleanTitle(page_title, site_guess);
  if (title.empty()) title = c.first_h1;
  return title;
}

std::string ChooseAuthor(const Collected& c, const JsonLdMeta& ld) {
  if (!ld.author.empty()) return ld.author;
  std::string author;
  std::string a = MetaValue(
      c, {"author", "article:author", "dc.creator", "dc.creator.author", "dcterms.creator",
          "parsely-author", "sailthru.author", "byl", "citation_author"});
  if (a.find("http") != 0 && a.find("www.") != 0) author = CleanAuthor(a);
  if (author.empty()) author = c.itemprop_author;
  if (author.empty()) author = c.rel_author;
  if (author.empty()) author = c.byline;
  return author;
}

// A publication date in the data of the page's scripts: the first key of
// kScriptDateKeys (most specific first) that some script names with a date.
std::string DateInScripts(const Collected& c) {
  static constexpr std::string_view kScriptDateKeys[] = {
      "\"datePublished\"",        "\"published_at\"",
      "\"publishedAt\"",          "\"publishDate\"",
      "\"publish_date\"",         "\"date_published\"",
      "\"firstPublishedAt\"",     "\"publishedDate\"",
      "\"publicationDate\"",      "\"createdAt\"",
      "\"created_at\"",           "&quot;datePublished&quot;",
      "&quot;published_at&quot;", "&quot;createdAt&quot;",
      "&quot;created_at&quot;"};
  std::string script_date[std::size(kScriptDateKeys)];
  for (std::string_view t : c.script_texts) {
    for (size_t key = 0; key < std::size(kScriptDateKeys); ++key) {
      if (!script_date[key].empty()) continue;
      size_t at = t.find(kScriptDateKeys[key]);
      if (at == std::string_view::npos) continue;
      std::string_view rest = t.substr(at + kScriptDateKeys[key].size(), 48);
      size_t q = rest.find_first_of("0123456789");
      if (q != std::string_view::npos && q <= 12) {
        script_date[key] = FindDate(rest.substr(q), c.order);
      }
    }
  }
  for (const std::string& d : script_date) {
    if (!d.empty()) return d;
  }
  return "";
}

// The date value of the most trusted source that has one, as written. Specific
// publication dates first; generic <meta name="date"> (which many CMSs fill with
// the page's last change) after the dates the page shows; modification dates last.
std::string DateCandidate(const Collected& c, const JsonLdMeta& ld, std::string_view url) {
  std::string date = ld.published;
  if (date.empty()) {
    date = MetaValue(c, {"article:published_time",
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
  }
  if (date.empty()) date = c.itemprop_date;
  if (date.empty()) date = c.time_pub;
  if (date.empty()) date = c.abbr_date;
  if (date.empty()) date = DateFromUrl(url);
  if (date.empty() && !c.canonical.empty()) date = DateFromUrl(c.canonical);
  if (date.empty()) date = c.class_date;
  if (date.empty()) date = c.time_any;
  if (date.empty()) {
    date = MetaValue(
        c, {"date", "dc.date", "dcterms.date", "dc.date.created", "dcterms.created", "created"});
  }
  if (date.empty()) date = DateInScripts(c);
  if (date.empty()) date = ld.modified;
  if (date.empty()) {
    date =
        MetaValue(c, {"article:modified_time", "og:updated_time", "dateModified", "last-modified"});
  }
  return date;
}

// The "YYYY-MM-DD" of the dates the visible text shows (its first 200), found
// once when first needed.
class ShownDates {
 public:
  ShownDates(const std::string& visible, DateOrder order) : visible_(visible), order_(order) {}
  const std::vector<std::string>& Get() {
    if (!found_) dates_ = FindAllDates(visible_, 200, order_);
    found_ = true;
    return dates_;
  }
  // Whether the day of ISO date `d` is shown.
  bool Shows(const std::string& d) {
    const std::vector<std::string>& shown = Get();
    return std::find(shown.begin(), shown.end(), d.substr(0, 10)) != shown.end();
  }

 private:
  const std::string& visible_;
  DateOrder order_;
  std::vector<std::string> dates_;
  bool found_ = false;
};

// A page that shows its update date but not its first one is dated by what it
// shows (the page's own answer to "when is this from").
void PreferShownModified(const Collected& c, const JsonLdMeta& ld, ShownDates* shown,
                         std::string* published) {
  std::string modified = ld.modified;
  if (modified.empty()) {
    modified = MetaValue(c, {"article:modified_time", "og:updated_time", "datemodified",
                             "last-modified", "lastmod"});
  }
  modified = FindDate(modified, c.order);
  if (!modified.empty() && !published->empty() &&
      modified.substr(0, 10) != published->substr(0, 10)) {
    if (shown->Shows(modified) && !shown->Shows(*published)) *published = modified;
  }
}

// A timestamp written in UTC (or converted to it) can fall on the day before or
// after the calendar date the page shows its readers; when the page shows the
// neighbouring day and not the stamped one, the shown day is the date.
void PreferShownNeighbourDay(ShownDates* shown, std::string* published) {
  if (published->empty()) return;
  const std::string day = published->substr(0, 10);
  if (shown->Shows(day)) return;
  const int64_t base = IsoDayNumber(day);
  for (const std::string& s : shown->Get()) {
    int64_t n = IsoDayNumber(s);
    if (base >= 0 && n >= 0 && (n == base - 1 || n == base + 1)) {
      *published = s;
      return;
    }
  }
}

// Where `label` first occurs in `low` as a whole word; npos when nowhere, or when
// it occurs three times or more (then it labels a list of teasers).
size_t LabelPosition(const std::string& low, std::string_view label) {
  size_t at = low.find(label);
  while (at != std::string::npos && at > 0 && IsLetterByte(low[at - 1])) {
    at = low.find(label, at + 1);
  }
  if (at == std::string::npos) return at;
  size_t again = low.find(label, at + 1);
  if (again != std::string::npos && low.find(label, again + 1) != std::string::npos) {
    return std::string::npos;
  }
  return at;
}

// Whether s[p] starts "DD/MM/YYYY" that is a valid date read day-first.
bool DayFirstSlashedDate(std::string_view s, size_t p) {
  int nd = 0;
  const int d = ReadNumber(s, &p, 2, &nd);
  if (d <= 0 || p >= s.size() || s[p] != '/') return false;
  ++p;
  const int m = ReadNumber(s, &p, 2, &nd);
  if (m <= 0 || p >= s.size() || s[p] != '/') return false;
  ++p;
  const int y = ReadNumber(s, &p, 4, &nd);
  return y > 0 && nd == 4 && y >= 1990 && y <= 2035 && ValidMonthDay(m, d);
}

// The date right after the first label of kPubLabels in the visible text
// ("Veröffentlicht am 3.5.2022", "Published: May 3, 2022"), "" when none: a
// date the page labels as its publication date is the page's own answer.
std::string LabelledDate(const std::string& visible, DateOrder order) {
  static constexpr std::string_view kPubLabels[] = {
      "veröffentlicht am", "veröffentlicht:", "erschienen am", "published:",
      "published on",      "publié le",       "publicado el",  "publicado em",
      "pubblicato il",     "opublikowano",    "erstellt am"};
  const std::string low = AsciiLowerCopy(visible);
  size_t best = std::string::npos;
  std::string labelled;
  for (std::string_view label : kPubLabels) {
    const size_t at = LabelPosition(low, label);
    if (at == std::string::npos || at >= best) continue;
    std::string_view rest = std::string_view(visible).substr(at + label.size(), 48);
    size_t q = rest.find_first_not_of(" :");
    if (q == std::string_view::npos || q > 3) continue;
    // After a label that is not English a slashed date with a four-digit year
    // is day/month/year.
    const bool day_first = label.rfind("published", 0) != 0 && DayFirstSlashedDate(rest, q);
    std::string d = DateAt(rest, q, day_first ? DateOrder::kDayFirst : order);
    if (d.empty()) continue;
    best = at;
    labelled = d;
  }
  return labelled;
}

std::string ChoosePublished(const Collected& c, const JsonLdMeta& ld, std::string_view url) {
  const std::string date = DateCandidate(c, ld, url);
  std::string published;
  if (!date.empty()) published = FindDate(date, c.order);
  const std::string visible = CollapseWhitespace(c.body_text);
  ShownDates shown(visible, c.order);
  PreferShownModified(c, ld, &shown, &published);
  PreferShownNeighbourDay(&shown, &published);
  const std::string labelled = LabelledDate(visible, c.order);
  if (!labelled.empty() &&
      (published.empty() || labelled.substr(0, 10) != published.substr(0, 10))) {
    published = labelled;
  }
  if (published.empty()) published = FindDate(visible, c.order);
  return published;
}

// Lower-case ASCII letters and digits of `s`, to compare names ("@Reuters", "Reuters").
std::string NameLetters(std::string_view s) {
  std::string out;
  for (char ch : s) {
    if (std::isalnum(static_cast<unsigned char>(ch))) {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    }
  }
  return out;
}

std::string ChooseSite(const Collected& c, const JsonLdMeta& ld) {
  std::string site = MetaValue(c, {"og:site_name", "application-name", "twitter:site"});
  if (!site.empty() && site[0] == '@') site = site.substr(1);
  if (!ld.site.empty() && (site.empty() || site.find('@') == 0)) site = ld.site;
  // Some sites give a section as og:site_name ("U.S." on reuters.com); when the
  // JSON-LD publisher and the twitter:site handle agree on another name, that is
  // the site.
  const std::string handle = MetaValue(c, {"twitter:site"});
  const std::string pub = NameLetters(ld.site);
  if (!pub.empty() && pub == NameLetters(handle) && pub != NameLetters(site)) site = ld.site;
  return site;
}

std::string ChooseLang(const Collected& c, const JsonLdMeta& ld) {
  std::string lang = c.html_lang;
  if (lang.empty()) {
    lang = LangCode(MetaValue(c, {"content-language", "og:locale", "language", "dc.language"}));
  }
  if (lang.empty()) lang = LangCode(ld.lang);
  return lang;
}

// The canonical URL, made absolute against `url`; "" when not an http(s) URL.
std::string ChooseCanonical(const Collected& c, std::string_view url) {
  std::string canonical = c.canonical;
  if (canonical.empty()) canonical = MetaValue(c, {"og:url"});
  if (!canonical.empty() && canonical[0] == '/' && canonical.rfind("//", 0) != 0 && !url.empty()) {
    size_t scheme = url.find("://");
    size_t host_end =
        scheme == std::string_view::npos ? std::string_view::npos : url.find('/', scheme + 3);
    canonical = std::string(url.substr(0, host_end)) + canonical;
  }
  return canonical.rfind("http", 0) == 0 ? canonical : "";
}

}  // namespace

PageMetadata ExtractMetadata(const Dom& dom, std::string_view url) {
  const Collected c = CollectCandidates(dom);
  JsonLdMeta ld;
  if (!c.jsonld.empty()) {
    simdjson::dom::parser parser;
    for (const std::string& j : c.jsonld) ReadJsonLd(j, &parser, &ld);
  }
  PageMetadata out;
  out.jsonld_body = std::move(ld.body);
  out.title = ChooseTitle(c, ld);
  out.author = ChooseAuthor(c, ld);
  out.published = ChoosePublished(c, ld, url);
  out.site = ChooseSite(c, ld);
  out.lang = ChooseLang(c, ld);
  out.canonical = ChooseCanonical(c, url);
  return out;
}

}  // namespace storyline::internal
