// Copyright storyline authors.
#include "extract/dom.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/ascii.h"

namespace storyline::internal {

// A bump allocator for gumbo: frees nothing until the Dom goes. gumbo grows
// its buffers by doubling, so the waste stays within a small factor.
struct Dom::Arena {
  static constexpr size_t kBlock = 1 << 20;
  std::vector<char*> blocks;
  char* cur = nullptr;
  size_t left = 0;
  ~Arena() {
    for (char* b : blocks) std::free(b);
  }
  void* Alloc(size_t n) {
    n = (n + 15) & ~size_t{15};
    if (n > left) {
      if (n > kBlock / 4) {
        char* big = static_cast<char*>(std::malloc(n));
        blocks.push_back(big);
        return big;
      }
      cur = static_cast<char*>(std::malloc(kBlock));
      blocks.push_back(cur);
      left = kBlock;
    }
    void* p = cur;
    cur += n;
    left -= n;
    return p;
  }
  static void* GumboAlloc(void* self, size_t n) { return static_cast<Arena*>(self)->Alloc(n); }
  static void GumboFree(void*, void*) {}
};

Dom::Dom() = default;
Dom::~Dom() = default;  // the arena frees gumbo's output

void Dom::Parse(std::string_view html) {
  PreparedHtml prepared;
  PrepareForParse(html, kMaxDepth, &prepared);
  html_ = std::move(prepared.html);
  raw_text_ = std::move(prepared.raw_text);
  raw_ = std::move(prepared.raw);
  depth_capped_ = prepared.depth_capped;
  arena_ = std::make_unique<Arena>();
  GumboOptions opts = kGumboDefaultOptions;
  opts.allocator = &Arena::GumboAlloc;
  opts.deallocator = &Arena::GumboFree;
  opts.userdata = arena_.get();
  opts.max_errors = 0;
  output_ = gumbo_parse_with_options(&opts, html_.data(), html_.size());

  // Iterative pre-order walk into the flat array.
  nodes_.clear();
  nodes_.reserve(html_.size() / 24 + 16);
  struct Item {
    const GumboNode* g;
    int32_t parent;
    int32_t depth;
  };
  std::vector<Item> stack;
  stack.push_back({output_->document, -1, 0});
  while (!stack.empty()) {
    Item it = stack.back();
    stack.pop_back();
    const GumboNode* g = it.g;
    const GumboVector* children = nullptr;
    int32_t self = -1;
    switch (g->type) {
      case GUMBO_NODE_DOCUMENT:
        children = &g->v.document.children;
        break;
      case GUMBO_NODE_ELEMENT:
      case GUMBO_NODE_TEMPLATE: {
        DomNode n;
        n.g = g;
        n.tag = g->v.element.tag;
        n.parent = it.parent;
        n.depth = it.depth;
        self = static_cast<int32_t>(nodes_.size());
        nodes_.push_back(n);
        children = &g->v.element.children;
        break;
      }
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA: {
        DomNode n;
        n.g = g;
        n.is_text = true;
        n.parent = it.parent;
        n.depth = it.depth;
        if (it.parent >= 0 && nodes_[it.parent].tag == GUMBO_TAG_SCRIPT) {
          n.raw = RawIndex(g->v.text.text);
        }
        nodes_.push_back(n);
        break;
      }
      default:
        break;
    }
    if (children != nullptr) {
      for (unsigned k = children->length; k-- > 0;) {
        stack.push_back({static_cast<const GumboNode*>(children->data[k]),
                         self >= 0 ? self : it.parent, it.depth + 1});
      }
    }
  }
  const int32_t n = static_cast<int32_t>(nodes_.size());
  for (int32_t i = 0; i < n; ++i) nodes_[i].end = i + 1;
  for (int32_t i = n - 1; i > 0; --i) {
    int32_t p = nodes_[i].parent;
    if (p >= 0) nodes_[p].end = std::max(nodes_[p].end, nodes_[i].end);
  }
}

std::string_view Dom::Attr(size_t i, const char* name) const {
  const GumboNode* g = nodes_[i].g;
  if (g == nullptr || nodes_[i].is_text) return {};
  // gumbo lower-cases attribute names (callers ask in lower case) and keeps the
  // first of duplicates, so this is gumbo_get_attribute without strcasecmp.
  const GumboVector& attrs = g->v.element.attributes;
  for (unsigned k = 0; k < attrs.length; ++k) {
    const auto* a = static_cast<const GumboAttribute*>(attrs.data[k]);
    if (std::strcmp(a->name, name) == 0) return a->value;
  }
  return {};
}

std::string_view Dom::Text(size_t i) const {
  const DomNode& d = nodes_[i];
  if (!d.is_text) return {};
  if (d.raw >= 0) return std::string_view(raw_text_).substr(raw_[d.raw].first, raw_[d.raw].second);
  return d.g->v.text.text;
}

int32_t Dom::RawIndex(const char* marker) const {
  // The marker PrepareForParse left: the decimal index of the body, nothing else.
  int64_t v = 0;
  const char* c = marker;
  if (*c == '\0') return -1;
  for (; *c != '\0'; ++c) {
    if (*c < '0' || *c > '9' || v > (int64_t{1} << 31)) return -1;
    v = v * 10 + (*c - '0');
  }
  return v < static_cast<int64_t>(raw_.size()) ? static_cast<int32_t>(v) : -1;
}

namespace {

bool IsHtmlSpace(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r'; }
bool IsAsciiAlpha(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

// Whether s[p..] begins with the lower-case ASCII `word`, ignoring case.
bool StartsWithNoCase(std::string_view s, size_t p, std::string_view word) {
  if (s.size() - p < word.size()) return false;
  for (size_t k = 0; k < word.size(); ++k) {
    if (AsciiLower(s[p + k]) != word[k]) return false;
  }
  return true;
}

// Whether an end tag "</name" followed by whitespace, '/' or '>' starts at p
// (the tokenizer's "appropriate end tag" in raw text and script data).
bool EndTagAt(std::string_view s, size_t p, std::string_view name) {
  if (p + 2 + name.size() >= s.size() || s[p + 1] != '/') return false;
  if (!StartsWithNoCase(s, p + 2, name)) return false;
  char c = s[p + 2 + name.size()];
  return IsHtmlSpace(c) || c == '/' || c == '>';
}

// Whether `s` holds the end tag "</name" (any case) followed by a delimiter.
bool ContainsEndTag(std::string_view s, std::string_view name) {
  for (size_t p = s.find("</"); p != std::string_view::npos; p = s.find("</", p + 1)) {
    if (EndTagAt(s, p, name)) return true;
  }
  return false;
}

// Where the raw text or RCDATA of element `name` starting at p ends: the '<'
// of its end tag, or the end of the input.
size_t RawTextEnd(std::string_view s, size_t p, std::string_view name) {
  while (p < s.size()) {
    const void* hit = std::memchr(s.data() + p, '<', s.size() - p);
    if (hit == nullptr) return s.size();
    p = static_cast<const char*>(hit) - s.data();
    if (EndTagAt(s, p, name)) return p;
    ++p;
  }
  return s.size();
}

// The tokenizer's script data states after the data state (a "<!--" escape,
// and "<script" inside it).
enum ScriptState { kData, kEsc, kEscDash, kEscDashDash, kDbl, kDblDash, kDblDashDash };

bool IsEscaped(ScriptState st) { return st == kEsc || st == kEscDash || st == kEscDashDash; }

// At a '<' (at p) in escaped or double-escaped script data: sets *st and *step
// (the bytes the '<' takes). False when an end tag "</script" ends the data there.
bool ScriptLessThan(std::string_view s, size_t p, ScriptState* st, size_t* step) {
  *step = 1;
  if (IsEscaped(*st)) {
    if (EndTagAt(s, p, "script")) return false;
    if (p + 7 < s.size() && StartsWithNoCase(s, p + 1, "script") &&
        (IsHtmlSpace(s[p + 7]) || s[p + 7] == '/' || s[p + 7] == '>')) {
      *st = kDbl;
      *step = 8;
      return true;
    }
    *st = kEsc;
  } else {
    if (EndTagAt(s, p, "script")) {
      *st = kEsc;
      *step = 9;
      return true;
    }
    *st = kDbl;
  }
  return true;
}

// The state after a character other than '<' in escaped or double-escaped
// script data.
ScriptState ScriptStateAfter(char c, ScriptState st) {
  if (c == '-') {
    return st == kEsc                             ? kEscDash
           : st == kEscDash || st == kEscDashDash ? kEscDashDash
           : st == kDbl                           ? kDblDash
                                                  : kDblDashDash;
  }
  if (c == '>' && (st == kEscDashDash || st == kDblDashDash)) return kData;
  return IsEscaped(st) ? kEsc : kDbl;
}

// Where the script data starting at p ends, following the tokenizer's script
// data states (a "<!--" escape, and "<script" inside it, hide "</script>").
size_t ScriptEnd(std::string_view s, size_t p) {
  ScriptState st = kData;
  const size_t n = s.size();
  while (p < n) {
    if (st == kData) {
      const void* hit = std::memchr(s.data() + p, '<', n - p);
      if (hit == nullptr) return n;
      p = static_cast<const char*>(hit) - s.data();
      if (EndTagAt(s, p, "script")) return p;
      if (s.compare(p, 4, "<!--") == 0) {
        st = kEscDashDash;
        p += 4;
      } else {
        ++p;
      }
      continue;
    }
    if (s[p] == '<') {
      size_t step;
      if (!ScriptLessThan(s, p, &st, &step)) return p;
      p += step;
      continue;
    }
    st = ScriptStateAfter(s[p], st);
    ++p;
  }
  return n;
}

// Where the value of an attribute ends, from just after its '=' at p (quoted
// values may hold '>' and spaces), or npos when the input ends first.
size_t AttrValueEnd(std::string_view s, size_t p) {
  const size_t n = s.size();
  while (p < n && IsHtmlSpace(s[p])) ++p;
  if (p >= n) return std::string_view::npos;
  if (s[p] == '"' || s[p] == '\'') {
    const void* close = std::memchr(s.data() + p + 1, s[p], n - p - 1);
    if (close == nullptr) return std::string_view::npos;
    return static_cast<const char*>(close) - s.data() + 1;
  }
  if (s[p] != '>') {
    while (p < n && !IsHtmlSpace(s[p]) && s[p] != '>') ++p;
  }
  return p;
}

// The '>' that closes the tag whose attributes start at p (quoted attribute
// values may hold '>'), or npos when the input ends first. With `keep`, the
// spans [from, to) of the attributes keep() rejects go to *drop.
template <typename Keep>
size_t TagEnd(std::string_view s, size_t p, Keep keep,
              std::vector<std::pair<size_t, size_t>>* drop) {
  const size_t n = s.size();
  for (;;) {
    while (p < n && (IsHtmlSpace(s[p]) || s[p] == '/')) ++p;
    if (p >= n) return std::string_view::npos;
    if (s[p] == '>') return p;
    const size_t name_start = p;
    ++p;  // the attribute name's first character (may be '=')
    while (p < n && !IsHtmlSpace(s[p]) && s[p] != '/' && s[p] != '>' && s[p] != '=') ++p;
    const size_t name_end = p;
    size_t attr_end = p;
    while (p < n && IsHtmlSpace(s[p])) ++p;
    if (p < n && s[p] == '=') {
      p = AttrValueEnd(s, p + 1);
      if (p == std::string_view::npos) return p;
      attr_end = p;
    }
    if (drop != nullptr && !keep(s.substr(name_start, name_end - name_start))) {
      drop->emplace_back(name_start, attr_end);
    }
  }
}

size_t TagEnd(std::string_view s, size_t p) {
  return TagEnd(
      s, p, [](std::string_view) { return true; }, nullptr);
}

// Whether extraction reads attribute `attr` (lower case) of element `tag`, or
// the HTML5 tree builder looks at it (input type, font color/face/size,
// annotation-xml encoding). Dom::Attr asks only for these.
bool KeepAttribute(std::string_view tag, std::string_view attr) {
  static constexpr std::string_view kOnAnyTag[] = {
      "charset", "class",      "color", "content",  "datetime", "encoding", "face",
      "hidden",  "http-equiv", "id",    "itemprop", "lang",     "name",     "property",
      "pubdate", "rel",        "role",  "size",     "style",    "type",     "xml:lang"};
  static_assert(std::is_sorted(std::begin(kOnAnyTag), std::end(kOnAnyTag)));
  if (attr == "href") return tag == "link";
  if (attr == "title") return tag == "abbr";
  return std::binary_search(std::begin(kOnAnyTag), std::end(kOnAnyTag), attr);
}

// Elements that count toward nesting: those whose end tag is required (no void
// elements, none whose end tag HTML lets authors omit).
bool CountsForNesting(std::string_view name) {
  static constexpr std::string_view kSkip[] = {
      "area", "base", "br",     "col",      "embed", "hr",       "img",      "input",
      "link", "meta", "param",  "source",   "track", "wbr",      "p",        "li",
      "td",   "th",   "tr",     "dt",       "dd",    "option",   "optgroup", "rb",
      "rt",   "rp",   "tbody",  "thead",    "tfoot", "colgroup", "caption",  "html",
      "head", "body", "keygen", "basefont", "frame", "image",    "isindex"};
  for (std::string_view s : kSkip) {
    if (name == s) return false;
  }
  return true;
}

// Elements whose content is raw text or RCDATA, left as it is.
bool IsRawTextElement(std::string_view name) {
  return name == "textarea" || name == "title" || name == "xmp" || name == "iframe" ||
         name == "noembed" || name == "noframes";
}

// A tag's name, lower-cased; empty when longer than any name the pass looks at.
class TagName {
 public:
  TagName(std::string_view html, size_t from, size_t to) {
    len_ = to - from;
    if (len_ <= sizeof(buf_)) {
      for (size_t k = 0; k < len_; ++k) buf_[k] = AsciiLower(html[from + k]);
    }
  }
  std::string_view view() const {
    return len_ <= sizeof(buf_) ? std::string_view(buf_, len_) : std::string_view();
  }

 private:
  char buf_[16];
  size_t len_;
};

// One run of PrepareForParse: the input, how much of it is copied to the
// output, and the nesting depth so far. Each step starts just after a '<' and
// returns where the scan goes on (the input's size to stop there: the rest is
// copied as it is).
class PrePass {
 public:
  PrePass(std::string_view html, int max_depth, PreparedHtml* out)
      : html_(html), n_(html.size()), max_depth_(max_depth), out_(out) {
    out->html.clear();
    out->html.reserve(html.size());
    out->raw_text.clear();
    out->raw.clear();
    out->depth_capped = false;
  }

  void Run() {
    size_t p = 0;
    while (p < n_) {
      const void* hit = std::memchr(html_.data() + p, '<', n_ - p);
      if (hit == nullptr) break;
      p = AfterLessThan(static_cast<const char*>(hit) - html_.data());
    }
    out_->html.append(html_.data() + copied_, n_ - copied_);
  }

 private:
  // Replaces html[from, to) by `with` in the output.
  void Replace(size_t from, size_t to, std::string_view with) {
    out_->html.append(html_.data() + copied_, from - copied_);
    out_->html.append(with);
    copied_ = to;
  }

  // One past the next '>' from `from`, or the end.
  size_t PastNextGt(size_t from) const {
    const size_t gt = html_.find('>', from);
    return gt == std::string_view::npos ? n_ : gt + 1;
  }

  // The markup that starts with the '<' at lt.
  size_t AfterLessThan(size_t lt) {
    const size_t p = lt + 1;
    if (p >= n_) return n_;
    const char c = html_[p];
    if (c == '!' && html_.compare(p, 3, "!--") == 0) return Comment(lt);
    if (c == '!' && html_.compare(p, 8, "![CDATA[") == 0) {
      // CDATA (in svg/math; a bogus comment elsewhere): skipped, not changed.
      size_t e = html_.find("]]>", p);
      if (e == std::string_view::npos) e = html_.find('>', p);
      return e == std::string_view::npos ? n_ : e + 1;
    }
    // A doctype or a bogus comment: up to the next '>'.
    if (c == '!' || c == '?') return PastNextGt(p);
    const bool closing = c == '/';
    const size_t s = closing ? p + 1 : p;
    if (s >= n_) return n_;
    if (!IsAsciiAlpha(html_[s])) {
      // "</>" or a bogus comment up to the next '>'; else a '<' in text.
      return closing ? PastNextGt(s) : p;
    }
    return Tag(lt, s, closing);
  }

  // Where the comment whose "<!--" starts at lt ends: "<!-->", "<!--->", or up
  // to "-->" or "--!>" (or the end). Its content is dropped.
  size_t Comment(size_t lt) {
    const size_t q = lt + 4;
    size_t end = n_;
    if (q < n_ && html_[q] == '>') {
      end = q + 1;
    } else if (html_.compare(q, 2, "->") == 0) {
      end = q + 2;
    } else {
      for (size_t f = html_.find("--", q); f != std::string_view::npos;
           f = html_.find("--", f + 1)) {
        if (f + 2 < n_ && html_[f + 2] == '>') {
          end = f + 3;
          break;
        }
        if (f + 3 < n_ && html_[f + 2] == '!' && html_[f + 3] == '>') {
          end = f + 4;
          break;
        }
      }
    }
    if (end - lt > 7) Replace(lt, end, "<!---->");
    return end;
  }

  // A start or end tag whose name starts at s.
  size_t Tag(size_t lt, size_t s, bool closing) {
    size_t e = s;
    while (e < n_ && !IsHtmlSpace(html_[e]) && html_[e] != '/' && html_[e] != '>') ++e;
    const TagName tag_name(html_, s, e);
    const std::string_view name = tag_name.view();
    attr_drops_.clear();
    const size_t gt = closing ? TagEnd(html_, e)
                              : TagEnd(
                                    html_, e,
                                    [&](std::string_view attr) {
                                      const TagName lower(attr, 0, attr.size());
                                      return attr.size() <= 16 && KeepAttribute(name, lower.view());
                                    },
                                    &attr_drops_);
    if (gt == std::string_view::npos) return n_;  // the input ends inside the tag
    const bool raw = name == "script" || name == "style";
    const bool too_deep =
        !closing && depth_ >= max_depth_ && html_[gt - 1] != '/' && !raw && CountsForNesting(name);
    if (!too_deep) {
      for (const auto& [from, to] : attr_drops_) Replace(from, to, "");
    }
    if (!closing) {
      if (raw) return RawBody(name, gt);
      if (IsRawTextElement(name)) return RawTextEnd(html_, gt + 1, name);
      if (name == "plaintext") return n_;  // the rest is text
    }
    if (!raw && CountsForNesting(name) && html_[gt - 1] != '/') Nest(lt, gt, closing);
    return gt + 1;
  }

  // The body of a <script> or <style> whose start tag ends at gt. Only a body
  // whose reading is certain is touched. Not: one without an end tag; one after
  // "<script/>" ("/>" closes it inside <svg>/<math>, not in HTML); one holding
  // "</svg" or "</math" (an svg <style> or <script> is not raw text, so its end
  // tag may be missing there). Skipping such a body unchanged is always safe.
  size_t RawBody(std::string_view name, size_t gt) {
    const size_t p = gt + 1;
    const size_t end = name == "script" ? ScriptEnd(html_, p) : RawTextEnd(html_, p, name);
    const bool certain = end < n_ && html_[gt - 1] != '/' &&
                         !ContainsEndTag(html_.substr(p, end - p), "svg") &&
                         !ContainsEndTag(html_.substr(p, end - p), "math");
    if (certain && end > p && name == "script") {
      SetScriptAside(p, end);
    } else if (certain && end > p) {
      Replace(p, end, "");
    }
    return end;
  }

  // Moves the script body html[p, end) to raw_text and leaves its index.
  void SetScriptAside(size_t p, size_t end) {
    char marker[24];
    int len = std::snprintf(marker, sizeof(marker), "%zu", out_->raw.size());
    out_->raw.emplace_back(out_->raw_text.size(), end - p);
    out_->raw_text.append(html_.data() + p, end - p);
    Replace(p, end, std::string_view(marker, static_cast<size_t>(len)));
  }

  // Counts a tag [lt, gt] that needs an explicit end tag toward the nesting;
  // drops a start tag nested deeper than max_depth.
  void Nest(size_t lt, size_t gt, bool closing) {
    if (closing) {
      if (depth_ > 0) --depth_;
    } else if (depth_ >= max_depth_) {
      Replace(lt, gt + 1, "");
      out_->depth_capped = true;
    } else {
      ++depth_;
    }
  }

  const std::string_view html_;
  const size_t n_;
  const int max_depth_;
  PreparedHtml* out_;
  size_t copied_ = 0;  // html[0, copied_) is in out_->html
  int depth_ = 0;
  std::vector<std::pair<size_t, size_t>> attr_drops_;  // attributes of the current tag
};

}  // namespace

void PrepareForParse(std::string_view html, int max_depth, PreparedHtml* out) {
  PrePass(html, max_depth, out).Run();
}

}  // namespace storyline::internal
