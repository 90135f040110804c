// Copyright storyline authors.
//
// ExtractArticle: the main text of a web page, in the manner of readability
// and trafilatura (docs/extract.md "Extraction"):
//  1. decode to UTF-8 and parse with gumbo into a flat pre-order array;
//  2. clean: drop tags that never hold article text (script, nav, aside, forms
//     controls, ...) and elements whose class/id names boilerplate (share bars,
//     cookie banners, related lists, comments, ...);
//  3. cut the remaining text into paragraphs at block boundaries, each with its
//     link density and the block element that holds it;
//  4. score containers by the paragraphs under them (text length, commas, link
//     density, tag and class hints), pick the best and its related siblings;
//  5. keep the container's paragraphs that are not link lists; fall back to all
//     clean paragraphs of the page when the main rule finds little.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "extract/charset.h"
#include "extract/dom.h"
#include "extract/metadata.h"
#include "storyline/extract.h"

#ifdef STORYLINE_HAVE_TEXT
#include "storyline/text.h"
#endif

namespace storyline {
namespace internal {
namespace {

// ---- Tag classes -----------------------------------------------------------

bool IsBlockTag(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_DIR:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_HGROUP:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_HTML:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_MENU:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_P:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_OPTION:
    case GUMBO_TAG_LEGEND:
      return true;
    default:
      return false;
  }
}

// Paragraph-like blocks: their text is one unit whose container is the parent.
bool IsParagraphTag(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_SUMMARY:
      return true;
    default:
      return false;
  }
}

bool IsHeading(GumboTag t) {
  return t == GUMBO_TAG_H1 || t == GUMBO_TAG_H2 || t == GUMBO_TAG_H3 || t == GUMBO_TAG_H4 ||
         t == GUMBO_TAG_H5 || t == GUMBO_TAG_H6;
}

// Tags whose content is never article text.
bool IsDroppedTag(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_OPTION:
    case GUMBO_TAG_INPUT:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_TITLE:
    case GUMBO_TAG_MENU:
    case GUMBO_TAG_LABEL:
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_MAP:
    case GUMBO_TAG_FIELDSET:
      return true;
    default:
      return false;
  }
}

// ---- Class and id hints ------------------------------------------------------

// Drops class tokens that describe taxonomy or layout, not the role of the
// element ("category-kommentare", "tag-share", "elementor-widget-wrap").
std::string FilterHint(const std::string& raw) {
  static constexpr std::string_view kSkipPrefixes[] = {
      "category-",  "tag-",    "tags-",         "postid-",       "format-",   "status-",
      "type-",      "has-",    "single-format", "page-template", "wp-image-", "size-",
      "elementor-", "fa-",     "col-",          "taxonomy-",     "wp-block-", "is-style-",
      "section-",   "rubrik-", "ressort-",      "channel-",      "topic-"};
  std::string out;
  size_t p = 0;
  while (p < raw.size()) {
    size_t e = raw.find(' ', p);
    if (e == std::string::npos) e = raw.size();
    std::string_view tok(raw.data() + p, e - p);
    bool skip = tok.empty();
    for (std::string_view pre : kSkipPrefixes) {
      if (tok.substr(0, pre.size()) == pre) skip = true;
    }
    if (!skip) {
      if (!out.empty()) out.push_back(' ');
      out += tok;
    }
    p = e + 1;
  }
  return out;
}

// The word lists of the hints. A "word" matches anywhere in the hint (the
// lower-cased, filtered "class id"), a "token" only as a whole run of ASCII
// letters and digits, a "class" only as a whole space-separated class name.
constexpr std::string_view kCommentWords[] = {"comment",     "disqus",    "respond",   "kommentar",
                                              "commentaire", "reactions", "leserbrief"};
constexpr std::string_view kCommentTokens[] = {"replies", "reply"};
// Boilerplate whatever else the class says.
constexpr std::string_view kHardWords[] = {"cookie",
                                           "consent",
                                           "gdpr",
                                           "newsletter",
                                           "share",
                                           "sharing",
                                           "social",
                                           "related",
                                           "recommend",
                                           "outbrain",
                                           "taboola",
                                           "breadcrumb",
                                           "pagination",
                                           "advert",
                                           "sponsor",
                                           "popup",
                                           "modal",
                                           "sidebar",
                                           "subscribe",
                                           "signup",
                                           "paywall",
                                           "skiplink",
                                           "skip-link",
                                           "print-only",
                                           "socialbar",
                                           "shariff",
                                           "addthis",
                                           "mostread",
                                           "most-read",
                                           "mostpopular",
                                           "trending",
                                           "read-more",
                                           "readmore",
                                           "weitere-artikel",
                                           "teaser-list",
                                           "author-box",
                                           "authorbox",
                                           "about-author",
                                           "post-navigation",
                                           "postnav",
                                           "navigation",
                                           "tagcloud",
                                           "tag-cloud",
                                           "login",
                                           "sitemap",
                                           "footer",
                                           "copyright",
                                           "banner",
                                           "promo",
                                           "visually-hidden",
                                           "sr-only",
                                           "screen-reader",
                                           "jp-relatedposts",
                                           "wp-caption-text",
                                           "sharedaddy",
                                           "saboxplugin",
                                           "author-info",
                                           "about-the-author",
                                           "autorenbox",
                                           "author-bio",
                                           "authorbio",
                                           "embed-article",
                                           "embedded-article",
                                           "rec-posts",
                                           "infobox",
                                           "reading-time",
                                           "readingtime",
                                           "lesezeit",
                                           "figcaption",
                                           "imagedescription",
                                           "image-caption",
                                           "img-caption",
                                           "photo-credit",
                                           "bildunterschrift",
                                           "bildnachweis",
                                           "subcaption",
                                           "wp-caption",
                                           "printlink",
                                           "print-button"};
constexpr std::string_view kHardClasses[] = {"hidden",  "d-none", "is-hidden", "invisible",
                                             "print",   "drukuj", "caption",   "credit",
                                             "credits", "legend", "copyright"};
constexpr std::string_view kHardTokens[] = {
    "widget",   "ad",         "ads",      "nav",      "navbar",   "menu",     "tags",
    "tag",      "meta",       "byline",   "share",    "toolbar",  "masthead", "header",
    "topbar",   "search",     "pager",    "pages",    "sharebar", "noprint",  "hide",
    "dateline", "categories", "category", "keywords", "rating"};
// A positive hint outweighs a boilerplate one, unless one of these is named too.
constexpr std::string_view kHardOverPositiveWords[] = {"share", "social", "related", "cookie",
                                                       "newsletter"};
constexpr std::string_view kLeadWords[] = {
    "teaser-text",  "teasertext",  "intro",    "lead",       "abstract", "summary",
    "chapo",        "standfirst",  "subtitle", "subline",    "deck",     "excerpt",
    "article-head", "articlehead", "vorspann", "description"};
constexpr std::string_view kNotLeadWords[] = {"list",  "related", "nav",   "menu",
                                              "image", "img",     "photo", "video"};
constexpr std::string_view kPositiveWords[] = {"article", "content",   "main",     "post",  "entry",
                                               "story",   "body-text", "bodytext", "text",  "blog",
                                               "artikel", "beitrag",   "inhalt",   "hentry"};
constexpr std::string_view kNegativeWords[] = {
    "nav",       "menu",       "footer", "header",  "sidebar",  "comment", "share",
    "social",    "related",    "cookie", "consent", "banner",   "promo",   "newsletter",
    "subscribe", "widget",     "teaser", "combx",   "masthead", "meta",    "shoutbox",
    "sponsor",   "skyscraper", "tags",   "author",  "date"};
constexpr std::string_view kNegativeTokens[] = {"ad", "ads", "aside"};

// Which of the lists above a hint matches, as bits.
enum HintMatch : uint32_t {
  kMatchCommentWord = 1u << 0,
  kMatchCommentToken = 1u << 1,
  kMatchHardWord = 1u << 2,
  kMatchHardClass = 1u << 3,
  kMatchHardToken = 1u << 4,
  kMatchHardOverPositive = 1u << 5,
  kMatchLead = 1u << 6,
  kMatchNotLead = 1u << 7,
  kMatchPositive = 1u << 8,
  kMatchNegativeWord = 1u << 9,
  kMatchNegativeToken = 1u << 10,
};

// Matches a hint against every list in one pass: words through a table of
// their first two bytes, tokens and classes through hash maps. Built once;
// immutable afterwards, so shared by all threads.
class HintMatcher {
 public:
  static const HintMatcher& Get() {
    static const HintMatcher matcher;
    return matcher;
  }

  uint32_t Match(std::string_view h) const {
    uint32_t m = 0;
    const auto* b = reinterpret_cast<const unsigned char*>(h.data());
    for (size_t p = 0; p + 1 < h.size(); ++p) {
      const unsigned bucket = Bucket(b[p], b[p + 1]);
      for (uint32_t k = start_[bucket]; k < start_[bucket + 1]; ++k) {
        const std::string_view w = words_[k].first;
        if (w.size() <= h.size() - p && std::memcmp(h.data() + p, w.data(), w.size()) == 0)
          m |= words_[k].second;
      }
    }
    for (size_t p = 0; p < h.size();) {  // alphanumeric runs
      while (p < h.size() && !IsAsciiAlnum(h[p])) ++p;
      size_t e = p;
      while (e < h.size() && IsAsciiAlnum(h[e])) ++e;
      if (e > p) {
        auto it = tokens_.find(h.substr(p, e - p));
        if (it != tokens_.end()) m |= it->second;
      }
      p = e;
    }
    for (size_t p = 0; p < h.size();) {  // space-separated class names
      size_t e = h.find(' ', p);
      if (e == std::string_view::npos) e = h.size();
      auto it = classes_.find(h.substr(p, e - p));
      if (it != classes_.end()) m |= it->second;
      p = e + 1;
    }
    return m;
  }

 private:
  static constexpr unsigned kBuckets = 1024;
  static unsigned Bucket(unsigned char a, unsigned char b) { return (a * 131u + b) % kBuckets; }
  static bool IsAsciiAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

  HintMatcher() {
    std::unordered_map<std::string_view, uint32_t> words;
    auto add = [](auto& map, const auto& list, uint32_t bit) {
      for (std::string_view w : list) map[w] |= bit;
    };
    add(words, kCommentWords, kMatchCommentWord);
    add(words, kHardWords, kMatchHardWord);
    add(words, kHardOverPositiveWords, kMatchHardOverPositive);
    add(words, kLeadWords, kMatchLead);
    add(words, kNotLeadWords, kMatchNotLead);
    add(words, kPositiveWords, kMatchPositive);
    add(words, kNegativeWords, kMatchNegativeWord);
    add(tokens_, kCommentTokens, kMatchCommentToken);
    add(tokens_, kHardTokens, kMatchHardToken);
    add(tokens_, kNegativeTokens, kMatchNegativeToken);
    add(classes_, kHardClasses, kMatchHardClass);
    // Counting sort of the words by bucket.
    std::vector<uint32_t> count(kBuckets + 1, 0);
    for (const auto& [w, bits] : words) ++count[Bucket(w[0], w[1]) + 1];
    for (unsigned k = 0; k < kBuckets; ++k) count[k + 1] += count[k];
    start_.assign(count.begin(), count.end());
    words_.resize(words.size());
    for (const auto& [w, bits] : words) words_[count[Bucket(w[0], w[1])]++] = {w, bits};
  }

  std::vector<std::pair<std::string_view, uint32_t>> words_;  // grouped by bucket
  std::vector<uint32_t> start_;  // bucket -> first index in words_ (kBuckets + 1 entries)
  std::unordered_map<std::string_view, uint32_t> tokens_, classes_;
};

// ---- Paragraphs -------------------------------------------------------------

struct Para {
  std::string text;
  uint32_t chars = 0;       // UTF-8 code points
  uint32_t link_chars = 0;  // code points inside <a>
  int32_t block = -1;       // the innermost block element holding it
  GumboTag tag = GUMBO_TAG_UNKNOWN;
};

size_t CountChars(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

constexpr double kFallbackGain = 1.5;
constexpr uint32_t kFallbackMinChars = 40;
constexpr double kMaxLinkDensity = 0.35;
constexpr double kMaxListLinkDensity = 0.3;
constexpr uint32_t kShortTail = 30;
constexpr uint32_t kShortHead = 20;
constexpr uint32_t kLabelMaxChars = 60;
constexpr size_t kNoscriptRetryChars = 200;

// True for a short line that labels or credits rather than tells: a photo
// credit ("Foto: ...", "AFP / NAME", "... /Getty Images"), or a bare label
// that introduces a box outside the article ("Advertisement:", "Weitere
// Informationen", "Inhaltsverzeichnis", "Explore further").
bool IsLabelLine(std::string_view text) {
  std::string low;
  for (char c : text) low.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  while (!low.empty() && (low.back() == ' ' || low.back() == ':' || low.back() == '.'))
    low.pop_back();
  size_t b = 0;
  while (b < low.size() && low[b] == ' ') ++b;
  std::string_view l(low.data() + b, low.size() - b);
  static constexpr std::string_view kLabels[] = {"advertisement",
                                                 "anzeige",
                                                 "werbung",
                                                 "publicidad",
                                                 "publicité",
                                                 "kontakt",
                                                 "contact",
                                                 "inhaltsverzeichnis",
                                                 "table of contents",
                                                 "contents",
                                                 "weitere informationen",
                                                 "more information",
                                                 "explore further",
                                                 "externer inhalt",
                                                 "aktualisiert",
                                                 "updated",
                                                 "veja também",
                                                 "read also",
                                                 "read more",
                                                 "lesen sie auch",
                                                 "mehr zum thema",
                                                 "quellen",
                                                 "quellenangaben",
                                                 "sources",
                                                 "titelbild",
                                                 "beitragsbild",
                                                 "header image",
                                                 "featured image",
                                                 "lea también",
                                                 "leia também",
                                                 "lire aussi",
                                                 "à lire aussi",
                                                 "schon gelesen?",
                                                 "zobacz także",
                                                 "zobacz też",
                                                 "czytaj także",
                                                 "czytaj też",
                                                 "zum weiterlesen",
                                                 "weiterlesen",
                                                 "lust auf mehr?",
                                                 "bild anzeigen",
                                                 "permalink",
                                                 "permalien",
                                                 "zusatzinformationen",
                                                 "release date",
                                                 "veröffentlichung",
                                                 "credit",
                                                 "istock.com",
                                                 "see also",
                                                 "siehe auch",
                                                 "related articles",
                                                 "related posts",
                                                 "ähnliche artikel",
                                                 "das könnte sie auch interessieren",
                                                 "you may also like",
                                                 "also read",
                                                 "más información",
                                                 "ver también",
                                                 "leggi anche",
                                                 "vedi anche"};
  for (std::string_view k : kLabels) {
    if (l == k) return true;
  }
  static constexpr std::string_view kCreditStarts[] = {"foto:",
                                                       "fotos:",
                                                       "photo:",
                                                       "photos:",
                                                       "bild:",
                                                       "bilder:",
                                                       "image:",
                                                       "images:",
                                                       "titelbild:",
                                                       "beitragsbild:",
                                                       "bildquelle:",
                                                       "bildnachweis:",
                                                       "abbildung:",
                                                       "credit:",
                                                       "photo credit",
                                                       "aktualisiert am",
                                                       "aktualisiert:",
                                                       "updated on",
                                                       "last updated",
                                                       "zuletzt aktualisiert",
                                                       "quelle:",
                                                       "source:",
                                                       "war der artikel",
                                                       "was this article",
                                                       "pour lire la suite",
                                                       "subscribe now",
                                                       "vorschau auf den nächsten",
                                                       "join our newsletter",
                                                       "sign up for our newsletter",
                                                       "melden sie sich",
                                                       "abonnieren sie"};
  for (std::string_view k : kCreditStarts) {
    if (l.substr(0, k.size()) == k) return true;
  }
  static constexpr std::string_view kCreditEnds[] = {
      "getty images", ", photo", " / afp", "/ afp", " / dpa", " / reuters", "/ap"};
  for (std::string_view k : kCreditEnds) {
    if (l.size() >= k.size() && l.substr(l.size() - k.size()) == k) return true;
  }
  if (l.rfind("afp / ", 0) == 0 || l.rfind("dpa / ", 0) == 0 || l.rfind("reuters / ", 0) == 0)
    return true;
  return false;
}

class Extractor {
 public:
  Extractor(const Dom& dom, const ExtractOptions& opt) : dom_(dom), opt_(opt) {}

  // Returns the article text ("" when none).
  std::string Run() {
    Prepare();
    std::string best = Extract(/*use_hints=*/true);
    if (CountChars(best) < 500) {
      // The class hints may have removed the article's own wrapper.
      std::string relaxed = Extract(/*use_hints=*/false);
      if (CountChars(relaxed) > CountChars(best) * 2) best = std::move(relaxed);
    }
    if (has_noscript_ && CountChars(best) < kNoscriptRetryChars) {
      // Some pages put the whole page inside <noscript> (for readers without
      // scripts; gumbo parses it as markup): read it there.
      keep_noscript_ = true;
      std::string inside = Extract(/*use_hints=*/true);
      if (CountChars(inside) < 500) {
        std::string relaxed = Extract(/*use_hints=*/false);
        if (CountChars(relaxed) > CountChars(inside) * 2) inside = std::move(relaxed);
      }
      if (CountChars(inside) > CountChars(best) * 2) best = std::move(inside);
    }
    return best;
  }

 private:
  // The attributes Prepare reads, found in one pass over the element's list
  // (gumbo lower-cases attribute names and keeps the first of duplicates).
  struct Attrs {
    std::string_view cls, id, style, role;
    bool hidden = false;
    bool article_body = false;  // itemprop="articleBody"
  };

  static void ReadAttrs(const GumboNode* g, Attrs* a) {
    const GumboVector& v = g->v.element.attributes;
    bool seen_itemprop = false;
    for (unsigned k = 0; k < v.length; ++k) {
      const auto* at = static_cast<const GumboAttribute*>(v.data[k]);
      const char* nm = at->name;
      auto first = [](std::string_view* slot, const char* value) {
        if (slot->data() == nullptr) *slot = value;
      };
      switch (nm[0]) {
        case 'c':
          if (std::strcmp(nm, "class") == 0) first(&a->cls, at->value);
          break;
        case 'i':
          if (std::strcmp(nm, "id") == 0) {
            first(&a->id, at->value);
          } else if (!seen_itemprop && std::strcmp(nm, "itemprop") == 0) {
            seen_itemprop = true;
            a->article_body = std::strcmp(at->value, "articleBody") == 0;
          }
          break;
        case 's':
          if (std::strcmp(nm, "style") == 0) first(&a->style, at->value);
          break;
        case 'r':
          if (std::strcmp(nm, "role") == 0) first(&a->role, at->value);
          break;
        case 'h':
          if (std::strcmp(nm, "hidden") == 0) a->hidden = true;
          break;
        default:
          break;
      }
    }
  }

  // What the class/id hint says, cached per distinct (class, id) of the page:
  // pages repeat a few class names on many elements.
  enum HintFlag : uint8_t {
    kCommentHint = 1,   // names reader comments
    kHardHint = 2,      // boilerplate whatever else it says
    kPositiveHint = 4,  // names the article or its content
    kNegativeHint = 8,  // names something around the article
    kLeadHint = 16,     // names the article's lead (intro, standfirst, ...)
  };
  struct HintEntry {
    std::string_view cls, id;  // as written (views into the Dom)
    uint32_t hint = 0;         // index into hints_
    uint8_t flags = 0;
  };

  static uint8_t HintFlags(std::string_view h) {
    const uint32_t m = HintMatcher::Get().Match(h);
    uint8_t g = 0;  // the HintFlag bits
    if (m & (kMatchCommentWord | kMatchCommentToken)) g |= kCommentHint;
    const bool pos = (m & kMatchPositive) != 0;
    if ((m & (kMatchHardWord | kMatchHardClass | kMatchHardToken)) &&
        !(pos && !(m & kMatchHardOverPositive)))
      g |= kHardHint;
    if (pos) g |= kPositiveHint;
    if (m & (kMatchNegativeWord | kMatchNegativeToken)) g |= kNegativeHint;
    if ((m & kMatchLead) && !(m & kMatchNotLead)) g |= kLeadHint;
    return g;
  }

  // The entry for an element's class and id (at least one not empty).
  const HintEntry& LookupHint(std::string_view cls, std::string_view id) {
    const size_t key =
        std::hash<std::string_view>()(cls) * 1000003u ^ std::hash<std::string_view>()(id);
    auto [it, fresh] = hint_cache_.try_emplace(key, static_cast<uint32_t>(hint_entries_.size()));
    if (!fresh) {
      const HintEntry& e = hint_entries_[it->second];
      if (e.cls == cls && e.id == id) return e;
    }
    // New (or a rare hash collision: computed again, not cached).
    HintEntry e;
    e.cls = cls;
    e.id = id;
    std::string h = FilterHint(LowerAscii(cls) + " " + LowerAscii(id));
    e.flags = h.empty() ? 0 : HintFlags(h);
    e.hint = static_cast<uint32_t>(hints_.size());
    hints_.push_back(std::move(h));
    if (fresh) {
      hint_entries_.push_back(e);
      return hint_entries_.back();
    }
    spare_entry_ = e;
    return spare_entry_;
  }

  // Whether an inline style hides the element.
  static bool StyleHides(std::string_view style) {
    std::string s;
    s.reserve(style.size());
    for (char c : style) {
      if (c != ' ') s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return s.find("display:none") != std::string::npos ||
           s.find("visibility:hidden") != std::string::npos;
  }

  void Prepare() {
    const size_t n = dom_.size();
    hints_.assign(1, std::string());
    hint_entries_.clear();
    hint_cache_.clear();
    hint_.assign(n, 0);
    hint_flags_.assign(n, 0);
    hard_.assign(n, 0);
    weight_.assign(n, 0);
    protected_.assign(n, 0);
    for (size_t i = 0; i < n; ++i) {
      const DomNode& d = dom_[i];
      if (d.is_text) continue;
      Attrs a;
      ReadAttrs(d.g, &a);
      // A class hint never removes the article itself: elements holding
      // <main>, the <h1> or itemprop=articleBody are kept (marked below).
      if (d.tag == GUMBO_TAG_MAIN || a.article_body) protected_[i] = kHoldsMain | kHoldsArticlePart;
      if (d.tag == GUMBO_TAG_H1) protected_[i] = kHoldsArticlePart;
      uint8_t flags = 0;
      if (!a.cls.empty() || !a.id.empty()) {
        const HintEntry& e = LookupHint(a.cls, a.id);
        hint_[i] = e.hint;
        hint_flags_[i] = flags = e.flags;
      }
      const bool has_hint = !hints_[hint_[i]].empty();
      bool tag_drop = IsDroppedTag(d.tag);
      // <header> outside the article and <aside> go unless they hold the article.
      bool soft_drop = (d.tag == GUMBO_TAG_HEADER && !InsideArticle(i)) || d.tag == GUMBO_TAG_ASIDE;
      if (a.hidden) tag_drop = true;
      if (!a.style.empty() && StyleHides(a.style)) tag_drop = true;
      const std::string_view role = a.role;
      const bool landmark = role == "navigation" || role == "banner" || role == "contentinfo" ||
                            role == "complementary" || role == "dialog" || role == "menu";
      if (tag_drop && d.tag == GUMBO_TAG_NOSCRIPT && !a.hidden) {
        hard_[i] = kRemovedNoscript;
        has_noscript_ = true;
        continue;
      }
      if (tag_drop) {
        hard_[i] = kRemovedAlways;
        continue;
      }
      if (landmark) {
        hard_[i] = kRemovedLandmark;
        continue;
      }
      if (soft_drop) hard_[i] = kRemovedByHint;
      if (!has_hint || d.tag == GUMBO_TAG_BODY || d.tag == GUMBO_TAG_HTML) continue;
      if (!opt_.include_comments && (flags & kCommentHint)) {
        hard_[i] = kRemovedComments;
      } else if (flags & kHardHint) {
        hard_[i] = kRemovedByHint;
      }
      if (flags & kPositiveHint) weight_[i] += 25;
      if (flags & kNegativeHint) weight_[i] -= 25;
    }
    for (size_t i = n; i-- > 1;) {
      const DomNode& d = dom_[i];
      if (!d.is_text && protected_[i] && d.parent >= 0) protected_[d.parent] |= protected_[i];
    }
  }

  // The filtered class/id hint of element i ("" when none).
  const std::string& Hint(int32_t i) const { return hints_[hint_[i]]; }

  // Whether element i and what it holds are left out of the text.
  bool Removed(int32_t i, bool use_hints) const {
    switch (hard_[i]) {
      case kRemovedAlways:
        return true;
      case kRemovedNoscript:
        return !keep_noscript_;
      case kRemovedLandmark:  // a landmark role, unless broken nesting put <main> inside
        return (protected_[i] & kHoldsMain) == 0;
      case kRemovedComments:
        return protected_[i] == 0;
      case kRemovedByHint:
        return use_hints && protected_[i] == 0;
      default:
        return false;
    }
  }

  bool InsideArticle(size_t i) const {
    for (int32_t p = dom_[i].parent; p >= 0; p = dom_[p].parent) {
      GumboTag t = dom_[p].tag;
      if (t == GUMBO_TAG_ARTICLE || t == GUMBO_TAG_MAIN) return true;
    }
    return false;
  }

  // Cuts the kept text into paragraphs.
  void Segment(bool use_hints) {
    paras_.clear();
    const int32_t n = static_cast<int32_t>(dom_.size());
    std::vector<int32_t> open;    // open elements
    std::vector<int32_t> blocks;  // open block elements
    int link_depth = 0;
    Para cur;
    bool pending_space = false;
    auto flush = [&]() {
      while (!cur.text.empty() && cur.text.back() == ' ') cur.text.pop_back();
      if (!cur.text.empty()) {
        cur.block = blocks.empty() ? -1 : blocks.back();
        cur.tag = cur.block >= 0 ? dom_[cur.block].tag : GUMBO_TAG_UNKNOWN;
        paras_.push_back(std::move(cur));
      }
      cur = Para();
      pending_space = false;
    };
    auto close = [&](int32_t e) {
      GumboTag t = dom_[e].tag;
      if (IsBlockTag(t)) {
        flush();
        if (!blocks.empty() && blocks.back() == e) blocks.pop_back();
      } else if (t == GUMBO_TAG_A) {
        --link_depth;
      }
    };
    for (int32_t i = 0; i < n;) {
      while (!open.empty() && dom_[open.back()].end <= i) {
        close(open.back());
        open.pop_back();
      }
      const DomNode& d = dom_[i];
      if (d.is_text) {
        std::string_view t = dom_.Text(i);
        uint32_t added = 0;
        for (size_t k = 0; k < t.size(); ++k) {
          unsigned char c = static_cast<unsigned char>(t[k]);
          bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
          if (c == 0xC2 && k + 1 < t.size() && static_cast<unsigned char>(t[k + 1]) == 0xA0) {
            space = true;
            ++k;
          }
          if (space) {
            pending_space = true;
            continue;
          }
          if (pending_space && !cur.text.empty()) {
            cur.text.push_back(' ');
            ++added;
          }
          pending_space = false;
          cur.text.push_back(static_cast<char>(c));
          if ((c & 0xC0) != 0x80) ++added;
        }
        cur.chars += added;
        if (link_depth > 0) cur.link_chars += added;
        ++i;
        continue;
      }
      if (Removed(i, use_hints)) {
        if (IsBlockTag(d.tag)) flush();
        i = d.end;
        continue;
      }
      if (d.tag == GUMBO_TAG_BR) {
        pending_space = true;
      } else if (d.tag == GUMBO_TAG_IMG) {
        pending_space = true;
      } else if (IsBlockTag(d.tag)) {
        flush();
        blocks.push_back(i);
      } else if (d.tag == GUMBO_TAG_A) {
        ++link_depth;
      }
      open.push_back(i);
      ++i;
    }
    while (!open.empty()) {
      close(open.back());
      open.pop_back();
    }
    flush();
  }

  // The candidate container a paragraph scores for first.
  int32_t ScoreParent(const Para& p) const {
    if (p.block < 0) return -1;
    if (IsParagraphTag(p.tag)) return dom_[p.block].parent;
    return p.block;
  }

  static double TagScore(GumboTag t) {
    switch (t) {
      case GUMBO_TAG_DIV:
      case GUMBO_TAG_ARTICLE:
      case GUMBO_TAG_MAIN:
      case GUMBO_TAG_SECTION:
        return 5;
      case GUMBO_TAG_PRE:
      case GUMBO_TAG_TD:
      case GUMBO_TAG_BLOCKQUOTE:
        return 3;
      case GUMBO_TAG_ADDRESS:
      case GUMBO_TAG_OL:
      case GUMBO_TAG_UL:
      case GUMBO_TAG_DL:
      case GUMBO_TAG_DD:
      case GUMBO_TAG_DT:
      case GUMBO_TAG_LI:
      case GUMBO_TAG_FORM:
        return -3;
      case GUMBO_TAG_H1:
      case GUMBO_TAG_H2:
      case GUMBO_TAG_H3:
      case GUMBO_TAG_H4:
      case GUMBO_TAG_H5:
      case GUMBO_TAG_H6:
      case GUMBO_TAG_TH:
        return -5;
      default:
        return 0;
    }
  }

  bool Within(int32_t node, int32_t root) const { return node >= root && node < dom_[root].end; }

  std::string Extract(bool use_hints) {
    Segment(use_hints);
    if (paras_.empty()) return "";
    const int32_t n = static_cast<int32_t>(dom_.size());
    // Text and link length per element subtree (kept text only).
    std::vector<uint32_t> text(n, 0), links(n, 0);
    for (const Para& p : paras_) {
      if (p.block < 0) continue;
      text[p.block] += p.chars;
      links[p.block] += p.link_chars;
    }
    for (int32_t i = n - 1; i > 0; --i) {
      int32_t par = dom_[i].parent;
      if (par >= 0 && !dom_[i].is_text) {
        text[par] += text[i];
        links[par] += links[i];
      }
    }
    // Readability's scores.
    std::unordered_map<int32_t, double> score;
    auto init = [&](int32_t e) -> double& {
      auto it = score.find(e);
      if (it == score.end()) {
        it = score.emplace(e, TagScore(dom_[e].tag) + weight_[e]).first;
      }
      return it->second;
    };
    for (const Para& p : paras_) {
      if (p.chars < 25) continue;
      if (p.link_chars * 2 > p.chars) continue;
      double s = 1;
      for (size_t k = 0; k < p.text.size(); ++k) {
        char c = p.text[k];
        if (c == ',') s += 1;
      }
      s += std::min(std::floor(p.chars / 100.0), 3.0);
      int32_t e = ScoreParent(p);
      for (int level = 0; e >= 0 && level < 5; ++level) {
        if (dom_[e].tag == GUMBO_TAG_HTML) break;
        double div = level == 0 ? 1 : level == 1 ? 2 : level * 3;
        init(e) += s / div;
        e = dom_[e].parent;
      }
    }
    int32_t top = -1;
    double top_score = -1e9;
    std::vector<std::pair<double, int32_t>> ranked;
    for (auto& [e, s] : score) {
      double ld = text[e] > 0 ? static_cast<double>(links[e]) / text[e] : 0;
      s *= (1 - ld);
      ranked.push_back({s, e});
      if (s > top_score || (s == top_score && e < top)) {
        top_score = s;
        top = e;
      }
    }
    std::string out;
    if (top >= 0) {
      // Several near-top candidates under one ancestor: that ancestor is the article.
      std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
        return a.first > b.first || (a.first == b.first && a.second < b.second);
      });
      std::vector<int32_t> alts;
      for (size_t k = 1; k < ranked.size() && k < 6; ++k) {
        if (ranked[k].first >= top_score * 0.75) alts.push_back(ranked[k].second);
      }
      if (alts.size() >= 3) {
        for (int32_t a = dom_[top].parent; a >= 0 && dom_[a].tag != GUMBO_TAG_BODY;
             a = dom_[a].parent) {
          int contained = 0;
          for (int32_t x : alts) contained += Within(x, a);
          if (contained >= 3) {
            top = a;
            break;
          }
        }
      }
      // Scores rising toward the root mean more content up there.
      double last = score.count(top) ? score[top] : 0;
      for (int32_t p = dom_[top].parent; p >= 0 && dom_[p].tag != GUMBO_TAG_BODY;
           p = dom_[p].parent) {
        auto it = score.find(p);
        if (it == score.end()) continue;
        if (it->second < last / 3) break;
        if (it->second > last) {
          top = p;
          last = it->second;
        }
      }
      // An only child stands for its parent.
      while (dom_[top].parent >= 0 && dom_[dom_[top].parent].tag != GUMBO_TAG_BODY &&
             dom_[dom_[top].parent].tag != GUMBO_TAG_HTML && text[dom_[top].parent] == text[top]) {
        top = dom_[top].parent;
      }
      // Siblings that belong to the article.
      std::vector<std::pair<int32_t, int32_t>> ranges;
      const double threshold = std::max(10.0, last * 0.2);
      int32_t par = dom_[top].parent;
      if (par < 0) {
        ranges.push_back({top, dom_[top].end});
      } else {
        for (int32_t c = par + 1; c < dom_[par].end; c = dom_[c].end) {
          if (dom_[c].is_text) continue;
          bool keep = c == top;
          if (!keep) {
            auto it = score.find(c);
            double bonus = (!Hint(c).empty() && Hint(c) == Hint(top)) ? last * 0.2 : 0;
            if (it != score.end() && it->second + bonus >= threshold) keep = true;
            if (!keep && dom_[c].tag == GUMBO_TAG_P && text[c] > 0) {
              double ld = static_cast<double>(links[c]) / text[c];
              if (text[c] > 80 && ld < 0.25) keep = true;
            }
          }
          if (keep) ranges.push_back({c, dom_[c].end});
        }
      }
      AddLeadRanges(top, &ranges);
      if (opt_.include_comments) AddCommentRanges(&ranges);
      out = Emit(ranges);
    }
    // Fallback (trafilatura's baseline): every clean paragraph of the page, when
    // that is much more text than the container gave (the article is spread
    // over several containers, or the wrong one won).
    {
      std::string all;
      for (const Para& p : paras_) {
        if (p.chars < kFallbackMinChars || p.link_chars * 10 > p.chars * 3) continue;
        if (!all.empty()) all.push_back('\n');
        all += p.text;
      }
      if (CountChars(all) > CountChars(out) * kFallbackGain) out = std::move(all);
    }
    return out;
  }

  // The article's lead ("teaser-text", "intro", "standfirst", ...) often sits
  // outside the body container, before it, in the same <article>: add it.
  void AddLeadRanges(int32_t top, std::vector<std::pair<int32_t, int32_t>>* ranges) const {
    int32_t scope = -1;
    for (int32_t a = dom_[top].parent; a >= 0; a = dom_[a].parent) {
      if (dom_[a].tag == GUMBO_TAG_ARTICLE || dom_[a].tag == GUMBO_TAG_MAIN) {
        scope = a;
        break;
      }
      if (dom_[a].tag == GUMBO_TAG_BODY) break;
    }
    if (scope < 0) {
      scope = dom_[top].parent;
      if (scope >= 0 && dom_[scope].parent >= 0 && dom_[dom_[scope].parent].tag != GUMBO_TAG_BODY)
        scope = dom_[scope].parent;
    }
    if (scope < 0) return;
    const int32_t first = ranges->empty() ? top : ranges->front().first;
    bool added = false;
    for (int32_t i = scope + 1; i < first;) {
      if (!dom_[i].is_text && hard_[i] == 0 && (hint_flags_[i] & kLeadHint)) {
        ranges->push_back({i, dom_[i].end});
        added = true;
        i = dom_[i].end;
        continue;
      }
      ++i;
    }
    if (added) std::sort(ranges->begin(), ranges->end());
  }

  // Adds the outermost comment sections of the page to the chosen ranges.
  void AddCommentRanges(std::vector<std::pair<int32_t, int32_t>>* ranges) const {
    const int32_t n = static_cast<int32_t>(dom_.size());
    for (int32_t i = 0; i < n;) {
      if (!dom_[i].is_text && (hint_flags_[i] & kCommentHint) && dom_[i].tag != GUMBO_TAG_BODY) {
        bool inside = false;
        for (const auto& r : *ranges) inside |= i >= r.first && i < r.second;
        if (!inside) ranges->push_back({i, dom_[i].end});
        i = dom_[i].end;
        continue;
      }
      ++i;
    }
    std::sort(ranges->begin(), ranges->end());
    // Merge overlaps so the ranges stay disjoint and ordered.
    std::vector<std::pair<int32_t, int32_t>> merged;
    for (const auto& r : *ranges) {
      if (!merged.empty() && r.first < merged.back().second) {
        merged.back().second = std::max(merged.back().second, r.second);
      } else {
        merged.push_back(r);
      }
    }
    *ranges = std::move(merged);
  }

  // The paragraphs inside the chosen ranges, minus link lists.
  std::string Emit(const std::vector<std::pair<int32_t, int32_t>>& ranges) {
    std::vector<const Para*> kept;
    size_t r = 0;
    for (const Para& p : paras_) {
      if (p.block < 0) continue;
      while (r < ranges.size() && p.block >= ranges[r].second) ++r;
      if (r >= ranges.size()) break;
      if (p.block < ranges[r].first) continue;
      double ld = p.chars > 0 ? static_cast<double>(p.link_chars) / p.chars : 0;
      if (ld > kMaxLinkDensity) continue;
      if (p.tag == GUMBO_TAG_LI && ld > kMaxListLinkDensity) continue;
      // The headline is metadata (the title), not body text.
      if (p.tag == GUMBO_TAG_H1) continue;
      if (p.chars <= kLabelMaxChars && IsLabelLine(p.text)) continue;
      kept.push_back(&p);
    }
    // Drop trailing headings that introduce nothing, and short trailing lines
    // (share prompts, "comments closed", source credits).
    while (!kept.empty() && (IsHeading(kept.back()->tag) || kept.back()->chars < kShortTail))
      kept.pop_back();
    size_t lead = 0;
    while (lead < kept.size() && !IsHeading(kept[lead]->tag) && kept[lead]->chars < kShortHead)
      ++lead;
    if (lead < kept.size()) kept.erase(kept.begin(), kept.begin() + static_cast<long>(lead));
    std::string out;
    for (const Para* p : kept) {
      if (!out.empty()) out.push_back('\n');
      out += p->text;
    }
    return out;
  }

  const Dom& dom_;
  const ExtractOptions& opt_;
  std::vector<std::string> hints_;   // distinct filtered hints; hints_[0] = ""
  std::vector<uint32_t> hint_;       // per node: index into hints_
  std::vector<uint8_t> hint_flags_;  // per node: HintFlag bits of its hint
  std::vector<HintEntry> hint_entries_;
  std::unordered_map<size_t, uint32_t> hint_cache_;  // hash of (class, id) -> entry
  HintEntry spare_entry_;
  // Why an element is left out (see Removed); 0 = kept.
  enum Removal : uint8_t {
    kRemovedByHint = 1,    // a boilerplate class/id, <aside>, <header> outside the article
    kRemovedComments = 2,  // reader comments
    kRemovedAlways = 3,    // tags that never hold text, hidden elements
    kRemovedLandmark = 4,  // role=navigation, banner, contentinfo, ...
    kRemovedNoscript = 5,  // <noscript>, read only when nothing else is found
  };
  enum Holds : uint8_t {
    kHoldsArticlePart = 1,  // holds <main>, the <h1> or itemprop=articleBody
    kHoldsMain = 2,         // holds <main> or itemprop=articleBody
  };
  std::vector<uint8_t> hard_;       // Removal per element
  std::vector<uint8_t> protected_;  // Holds bits per element
  bool has_noscript_ = false;
  bool keep_noscript_ = false;
  std::vector<double> weight_;  // class/id weight
  std::vector<Para> paras_;
};

std::vector<std::string_view> SplitLines(std::string_view s) {
  std::vector<std::string_view> out;
  size_t p = 0;
  while (p <= s.size()) {
    size_t e = s.find('\n', p);
    if (e == std::string_view::npos) e = s.size();
    out.push_back(s.substr(p, e - p));
    p = e + 1;
  }
  return out;
}

std::string CollapseSpaces(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// True when the bytes look like binary data rather than text markup.
bool LooksBinary(std::string_view bytes) {
  if (bytes.size() >= 2 && ((static_cast<unsigned char>(bytes[0]) == 0xFF &&
                             static_cast<unsigned char>(bytes[1]) == 0xFE) ||
                            (static_cast<unsigned char>(bytes[0]) == 0xFE &&
                             static_cast<unsigned char>(bytes[1]) == 0xFF)))
    return false;  // UTF-16 with a BOM
  std::string_view head = bytes.substr(0, 4096);
  size_t control = 0;
  for (char ch : head) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f')) ++control;
  }
  return control * 20 > head.size();  // more than 5% control bytes
}

}  // namespace
}  // namespace internal

Result<ExtractedPage> ExtractArticle(std::string_view html, const ExtractOptions& options,
                                     std::string_view content_type, std::string_view url) {
  using namespace internal;  // NOLINT: this file's own helpers
  if (html.empty()) return Status::InvalidArgument("empty page");
  if (LooksBinary(html)) return Status::InvalidArgument("binary data, not an HTML page");
  std::string utf8 = DecodeToUtf8(html, content_type);
  Dom dom;
  dom.Parse(utf8);
  ExtractedPage page;
  PageMetadata meta = ExtractMetadata(dom, url);
  Extractor ex(dom, options);
  page.text = ex.Run();
  // Pages that render their text with scripts carry it in JSON-LD articleBody.
  if (!meta.jsonld_body.empty() && CountChars(page.text) * 2 < CountChars(meta.jsonld_body)) {
    std::string body;
    for (std::string_view line : SplitLines(meta.jsonld_body)) {
      std::string t = CollapseSpaces(line);
      if (t.empty()) continue;
      if (!body.empty()) body.push_back('\n');
      body += t;
    }
    if (!body.empty()) page.text = std::move(body);
  }
  if (page.text.empty()) return Status::InvalidArgument("no article text found");
  page.url = !meta.canonical.empty() ? meta.canonical : std::string(url);
  page.title = std::move(meta.title);
  page.author = std::move(meta.author);
  page.site = std::move(meta.site);
  page.published = std::move(meta.published);
  if (!page.published.empty()) {
    if (auto t = ParseDateTime(page.published)) {
      page.published_ts = *t;
    } else if (auto d = ParseDateTime(page.published.substr(0, 10))) {
      page.published_ts = *d;
    }
  }
  page.lang = std::move(meta.lang);
#ifdef STORYLINE_HAVE_TEXT
  if (page.lang.empty()) page.lang = DetectLanguage(page.text);
#endif
  return page;
}

}  // namespace storyline
