// Copyright storyline authors.
//
// The article extractor behind ExtractArticle, split by concern:
//   hints.cc    what an element's class and id say (boilerplate, comments,
//               the article, its lead);
//   clean.cc    which elements are left out (Extractor::Prepare);
//   segment.cc  the kept text cut into paragraphs (Extractor::Segment);
//   score.cc    the container that holds the article and its siblings
//               (Extractor::Extract);
//   output.cc   the chosen paragraphs minus link lists and label lines
//               (Extractor::Emit);
//   extractor.cc  ExtractArticle itself: decoding, retries, JSON-LD body.
// docs/extract.md "Extraction" describes the rules.
#ifndef STORYLINE_EXTRACT_EXTRACTOR_H_
#define STORYLINE_EXTRACT_EXTRACTOR_H_

#include <gumbo.h>

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "extract/dom.h"
#include "storyline/extract.h"

namespace storyline::internal {

// ---- Tag classes -----------------------------------------------------------

// A set of gumbo tags, looked up by index.
class TagSet {
 public:
  constexpr TagSet(std::initializer_list<GumboTag> tags) : has_{} {
    for (GumboTag t : tags) has_[t] = true;
  }
  constexpr bool Has(GumboTag t) const { return static_cast<unsigned>(t) < has_.size() && has_[t]; }

 private:
  std::array<bool, GUMBO_TAG_LAST + 1> has_;
};

// Elements that end a paragraph.
inline constexpr TagSet kBlockTags = {
    GUMBO_TAG_ADDRESS,  GUMBO_TAG_ARTICLE,    GUMBO_TAG_ASIDE,   GUMBO_TAG_BLOCKQUOTE,
    GUMBO_TAG_BODY,     GUMBO_TAG_CENTER,     GUMBO_TAG_DD,      GUMBO_TAG_DETAILS,
    GUMBO_TAG_DIR,      GUMBO_TAG_DIV,        GUMBO_TAG_DL,      GUMBO_TAG_DT,
    GUMBO_TAG_FIELDSET, GUMBO_TAG_FIGCAPTION, GUMBO_TAG_FIGURE,  GUMBO_TAG_FOOTER,
    GUMBO_TAG_FORM,     GUMBO_TAG_H1,         GUMBO_TAG_H2,      GUMBO_TAG_H3,
    GUMBO_TAG_H4,       GUMBO_TAG_H5,         GUMBO_TAG_H6,      GUMBO_TAG_HEADER,
    GUMBO_TAG_HGROUP,   GUMBO_TAG_HR,         GUMBO_TAG_HTML,    GUMBO_TAG_LI,
    GUMBO_TAG_MAIN,     GUMBO_TAG_MENU,       GUMBO_TAG_NAV,     GUMBO_TAG_OL,
    GUMBO_TAG_P,        GUMBO_TAG_PRE,        GUMBO_TAG_SECTION, GUMBO_TAG_SUMMARY,
    GUMBO_TAG_TABLE,    GUMBO_TAG_TBODY,      GUMBO_TAG_THEAD,   GUMBO_TAG_TFOOT,
    GUMBO_TAG_TD,       GUMBO_TAG_TH,         GUMBO_TAG_TR,      GUMBO_TAG_UL,
    GUMBO_TAG_CAPTION,  GUMBO_TAG_NOSCRIPT,   GUMBO_TAG_OPTION,  GUMBO_TAG_LEGEND};

// Paragraph-like blocks: their text is one unit whose container is the parent.
inline constexpr TagSet kParagraphTags = {
    GUMBO_TAG_P,          GUMBO_TAG_PRE,        GUMBO_TAG_H1,      GUMBO_TAG_H2,
    GUMBO_TAG_H3,         GUMBO_TAG_H4,         GUMBO_TAG_H5,      GUMBO_TAG_H6,
    GUMBO_TAG_LI,         GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_DD,      GUMBO_TAG_DT,
    GUMBO_TAG_FIGCAPTION, GUMBO_TAG_ADDRESS,    GUMBO_TAG_CAPTION, GUMBO_TAG_SUMMARY};

// Tags whose content is never article text.
inline constexpr TagSet kDroppedTags = {
    GUMBO_TAG_SCRIPT, GUMBO_TAG_STYLE,   GUMBO_TAG_NOSCRIPT,   GUMBO_TAG_TEMPLATE,
    GUMBO_TAG_IFRAME, GUMBO_TAG_SVG,     GUMBO_TAG_MATH,       GUMBO_TAG_OBJECT,
    GUMBO_TAG_EMBED,  GUMBO_TAG_CANVAS,  GUMBO_TAG_BUTTON,     GUMBO_TAG_SELECT,
    GUMBO_TAG_OPTION, GUMBO_TAG_INPUT,   GUMBO_TAG_TEXTAREA,   GUMBO_TAG_NAV,
    GUMBO_TAG_FOOTER, GUMBO_TAG_HEAD,    GUMBO_TAG_FIGCAPTION, GUMBO_TAG_TITLE,
    GUMBO_TAG_MENU,   GUMBO_TAG_LABEL,   GUMBO_TAG_AUDIO,      GUMBO_TAG_VIDEO,
    GUMBO_TAG_MAP,    GUMBO_TAG_FIELDSET};

inline bool IsBlockTag(GumboTag t) { return kBlockTags.Has(t); }
inline bool IsParagraphTag(GumboTag t) { return kParagraphTags.Has(t); }
inline bool IsDroppedTag(GumboTag t) { return kDroppedTags.Has(t); }
inline bool IsHeading(GumboTag t) {
  return t == GUMBO_TAG_H1 || t == GUMBO_TAG_H2 || t == GUMBO_TAG_H3 || t == GUMBO_TAG_H4 ||
         t == GUMBO_TAG_H5 || t == GUMBO_TAG_H6;
}

// ---- Class and id hints (hints.cc) -----------------------------------------

// What an element's class/id hint says, as bits.
enum HintFlag : uint8_t {
  kCommentHint = 1,   // names reader comments
  kHardHint = 2,      // boilerplate whatever else it says
  kPositiveHint = 4,  // names the article or its content
  kNegativeHint = 8,  // names something around the article
  kLeadHint = 16,     // names the article's lead (intro, standfirst, ...)
};

// Drops class tokens that describe taxonomy or layout, not the role of the
// element ("category-kommentare", "tag-share", "elementor-widget-wrap").
std::string FilterHint(const std::string& raw);

// The HintFlag bits of a filtered, lower-cased "class id" hint.
uint8_t HintFlagsOf(std::string_view hint);

// ---- Paragraphs ------------------------------------------------------------

struct Para {
  std::string text;
  uint32_t chars = 0;       // UTF-8 code points
  uint32_t link_chars = 0;  // code points inside <a>
  int32_t block = -1;       // the innermost block element holding it
  GumboTag tag = GUMBO_TAG_UNKNOWN;
};

// UTF-8 code points in s.
inline size_t CountChars(std::string_view s) {
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
// Informationen", "Inhaltsverzeichnis", "Explore further"). (output.cc)
bool IsLabelLine(std::string_view text);

// ---- The extractor -----------------------------------------------------------

// Element ranges [first, end) of the Dom, disjoint and in order.
using Ranges = std::vector<std::pair<int32_t, int32_t>>;

class Extractor {
 public:
  Extractor(const Dom& dom, const ExtractOptions& opt) : dom_(dom), opt_(opt) {}

  // Returns the article text ("" when none).
  std::string Run();

 private:
  // The attributes Prepare reads, found in one pass over the element's list
  // (gumbo lower-cases attribute names and keeps the first of duplicates).
  struct Attrs {
    std::string_view cls, id, style, role;
    bool hidden = false;
    bool article_body = false;  // itemprop="articleBody"
  };
  // What the class/id hint says, cached per distinct (class, id) of the page:
  // pages repeat a few class names on many elements.
  struct HintEntry {
    std::string_view cls, id;  // as written (views into the Dom)
    uint32_t hint = 0;         // index into hints_
    uint8_t flags = 0;
  };
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
  using Scores = std::unordered_map<int32_t, double>;      // element -> readability score
  using Ranked = std::vector<std::pair<double, int32_t>>;  // (score, element), best first
  // Kept text and link length per element subtree.
  struct Lengths {
    std::vector<uint32_t> text, links;
  };

  // Extract with class hints, or without them when that gives more than twice
  // as much from a short result.
  std::string ExtractRelaxingHints();

  // clean.cc: marks every element's removal, hint and weight.
  void Prepare();
  void PrepareElement(size_t i);
  uint8_t TagRemoval(size_t i, const Attrs& a) const;
  void ApplyHint(size_t i, uint8_t flags);
  static void ReadAttrs(const GumboNode* g, Attrs* a);
  const HintEntry& LookupHint(std::string_view cls, std::string_view id);
  bool InsideArticle(size_t i) const;

  // segment.cc: cuts the kept text into paras_.
  void Segment(bool use_hints);

  // score.cc: the article text of the best container ("" when none), or of
  // all clean paragraphs when that is much more.
  std::string Extract(bool use_hints);
  std::string ContainerText();
  std::string BaselineText() const;
  Lengths SubtreeLengths() const;
  Scores ScoreContainers() const;
  int32_t RankCandidates(const Lengths& len, Scores* score, Ranked* ranked,
                         double* top_score) const;
  int32_t CommonAncestor(int32_t top, double top_score, const Ranked& ranked) const;
  int32_t ClimbRisingScores(int32_t top, const Scores& score, double* last) const;
  int32_t OnlyChildParent(int32_t top, const Lengths& len) const;
  Ranges SiblingRanges(int32_t top, double last, const Scores& score, const Lengths& len) const;
  bool SiblingJoins(int32_t c, int32_t top, double last, const Scores& score,
                    const Lengths& len) const;
  int32_t ScoreParent(const Para& p) const;
  void AddLeadRanges(int32_t top, Ranges* ranges) const;
  void AddCommentRanges(Ranges* ranges) const;
  bool Within(int32_t node, int32_t root) const { return node >= root && node < dom_[root].end; }

  // output.cc: the paragraphs inside the chosen ranges, minus link lists.
  std::string Emit(const Ranges& ranges);

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

  const Dom& dom_;
  const ExtractOptions& opt_;
  std::vector<std::string> hints_;   // distinct filtered hints; hints_[0] = ""
  std::vector<uint32_t> hint_;       // per node: index into hints_
  std::vector<uint8_t> hint_flags_;  // per node: HintFlag bits of its hint
  std::vector<HintEntry> hint_entries_;
  std::unordered_map<size_t, uint32_t> hint_cache_;  // hash of (class, id) -> entry
  HintEntry spare_entry_;
  std::vector<uint8_t> hard_;       // Removal per element
  std::vector<uint8_t> protected_;  // Holds bits per element
  bool has_noscript_ = false;
  bool keep_noscript_ = false;
  std::vector<double> weight_;  // class/id weight
  std::vector<Para> paras_;
};

}  // namespace storyline::internal

#endif  // STORYLINE_EXTRACT_EXTRACTOR_H_
