// Copyright storyline authors.
//
// What an element's class and id say: the word lists and the matcher that
// checks a hint against all of them in one pass.
#include <cctype>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "extract/extractor.h"

namespace storyline::internal {
namespace {

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
        if (w.size() <= h.size() - p && std::memcmp(h.data() + p, w.data(), w.size()) == 0) {
          m |= words_[k].second;
        }
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

}  // namespace

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

uint8_t HintFlagsOf(std::string_view h) {
  const uint32_t m = HintMatcher::Get().Match(h);
  uint8_t g = 0;  // the HintFlag bits
  if (m & (kMatchCommentWord | kMatchCommentToken)) g |= kCommentHint;
  const bool pos = (m & kMatchPositive) != 0;
  if ((m & (kMatchHardWord | kMatchHardClass | kMatchHardToken)) &&
      !(pos && !(m & kMatchHardOverPositive))) {
    g |= kHardHint;
  }
  if (pos) g |= kPositiveHint;
  if (m & (kMatchNegativeWord | kMatchNegativeToken)) g |= kNegativeHint;
  if ((m & kMatchLead) && !(m & kMatchNotLead)) g |= kLeadHint;
  return g;
}

}  // namespace storyline::internal
