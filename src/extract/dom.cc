// Copyright storyline authors.
#include "extract/dom.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>

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

std::string LowerAscii(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

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
        if (it.parent >= 0 && nodes_[it.parent].tag == GUMBO_TAG_SCRIPT)
          n.raw = RawIndex(g->v.text.text);
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
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c; }

// Whether s[p..] begins with the lower-case ASCII `word`, ignoring case.
bool StartsWithNoCase(std::string_view s, size_t p, std::string_view word) {
  if (s.size() - p < word.size()) return false;
  for (size_t k = 0; k < word.size(); ++k) {
    if (Lower(s[p + k]) != word[k]) return false;
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

// Where the script data starting at p ends, following the tokenizer's script
// data states (a "<!--" escape, and "<script" inside it, hide "</script>").
size_t ScriptEnd(std::string_view s, size_t p) {
  enum State { kData, kEsc, kEscDash, kEscDashDash, kDbl, kDblDash, kDblDashDash };
  State st = kData;
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
    const char c = s[p];
    const bool escaped = st == kEsc || st == kEscDash || st == kEscDashDash;
    if (c == '<') {
      if (escaped) {
        if (EndTagAt(s, p, "script")) return p;
        if (p + 7 < n && StartsWithNoCase(s, p + 1, "script") &&
            (IsHtmlSpace(s[p + 7]) || s[p + 7] == '/' || s[p + 7] == '>')) {
          st = kDbl;
          p += 8;
          continue;
        }
        st = kEsc;
      } else {
        if (EndTagAt(s, p, "script")) {
          st = kEsc;
          p += 9;
          continue;
        }
        st = kDbl;
      }
      ++p;
      continue;
    }
    if (c == '-') {
      st = st == kEsc                             ? kEscDash
           : st == kEscDash || st == kEscDashDash ? kEscDashDash
           : st == kDbl                           ? kDblDash
                                                  : kDblDashDash;
    } else if (c == '>' && (st == kEscDashDash || st == kDblDashDash)) {
      st = kData;
    } else {
      st = escaped ? kEsc : kDbl;
    }
    ++p;
  }
  return n;
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
      ++p;
      while (p < n && IsHtmlSpace(s[p])) ++p;
      if (p >= n) return std::string_view::npos;
      if (s[p] == '"' || s[p] == '\'') {
        const void* close = std::memchr(s.data() + p + 1, s[p], n - p - 1);
        if (close == nullptr) return std::string_view::npos;
        p = static_cast<const char*>(close) - s.data() + 1;
      } else if (s[p] != '>') {
        while (p < n && !IsHtmlSpace(s[p]) && s[p] != '>') ++p;
      }
      attr_end = p;
    }
    if (drop != nullptr && !keep(s.substr(name_start, name_end - name_start)))
      drop->emplace_back(name_start, attr_end);
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
  switch (attr.size()) {
    case 2:
      return attr == "id";
    case 3:
      return attr == "rel";
    case 4:
      return attr == "role" || attr == "lang" || attr == "type" || attr == "name" ||
             attr == "face" || attr == "size" || (attr == "href" && tag == "link");
    case 5:
      return attr == "class" || attr == "style" || (attr == "title" && tag == "abbr") ||
             attr == "color";
    case 6:
      return attr == "hidden";
    case 7:
      return attr == "content" || attr == "pubdate" || attr == "charset";
    case 8:
      return attr == "itemprop" || attr == "datetime" || attr == "property" || attr == "xml:lang" ||
             attr == "encoding";
    case 10:
      return attr == "http-equiv";
    default:
      return false;
  }
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

}  // namespace

void PrepareForParse(std::string_view html, int max_depth, PreparedHtml* out) {
  std::string& o = out->html;
  o.clear();
  o.reserve(html.size());
  out->raw_text.clear();
  out->raw.clear();
  out->depth_capped = false;
  size_t copied = 0;  // html[0, copied) is in o
  // Replaces html[from, to) by `with` in the output.
  auto replace = [&](size_t from, size_t to, std::string_view with) {
    o.append(html.data() + copied, from - copied);
    o.append(with);
    copied = to;
  };
  int depth = 0;
  size_t p = 0;
  const size_t n = html.size();
  std::vector<std::pair<size_t, size_t>> attr_drops;  // attributes of the current tag
  while (p < n) {
    const void* hit = std::memchr(html.data() + p, '<', n - p);
    if (hit == nullptr) break;
    const size_t lt = static_cast<const char*>(hit) - html.data();
    p = lt + 1;
    if (p >= n) break;
    const char c = html[p];
    if (c == '!' && html.compare(p, 3, "!--") == 0) {
      // A comment: "<!-->", "<!--->", or up to "-->" or "--!>" (or the end).
      size_t q = p + 3, end = n;
      if (q < n && html[q] == '>') {
        end = q + 1;
      } else if (html.compare(q, 2, "->") == 0) {
        end = q + 2;
      } else {
        for (size_t f = html.find("--", q); f != std::string_view::npos;
             f = html.find("--", f + 1)) {
          if (f + 2 < n && html[f + 2] == '>') {
            end = f + 3;
            break;
          }
          if (f + 3 < n && html[f + 2] == '!' && html[f + 3] == '>') {
            end = f + 4;
            break;
          }
        }
      }
      if (end - lt > 7) replace(lt, end, "<!---->");
      p = end;
      continue;
    }
    if (c == '!' && html.compare(p, 8, "![CDATA[") == 0) {
      // CDATA (in svg/math; a bogus comment elsewhere): skipped, not changed.
      size_t e = html.find("]]>", p);
      if (e == std::string_view::npos) e = html.find('>', p);
      p = e == std::string_view::npos ? n : e + 1;
      continue;
    }
    if (c == '!' || c == '?') {
      // A doctype or a bogus comment: up to the next '>'.
      size_t gt = html.find('>', p);
      p = gt == std::string_view::npos ? n : gt + 1;
      continue;
    }
    const bool closing = c == '/';
    const size_t s = closing ? p + 1 : p;
    if (s >= n) break;
    if (!IsAsciiAlpha(html[s])) {
      if (closing) {  // "</>" or a bogus comment up to the next '>'
        size_t gt = html.find('>', s);
        p = gt == std::string_view::npos ? n : gt + 1;
      }
      continue;  // a '<' in text
    }
    size_t e = s;
    while (e < n && !IsHtmlSpace(html[e]) && html[e] != '/' && html[e] != '>') ++e;
    char name_buf[16];
    const size_t name_len = e - s;
    if (name_len <= sizeof(name_buf)) {
      for (size_t k = 0; k < name_len; ++k) name_buf[k] = Lower(html[s + k]);
    }
    const std::string_view name =
        name_len <= sizeof(name_buf) ? std::string_view(name_buf, name_len) : std::string_view();
    attr_drops.clear();
    const size_t gt = closing
                          ? TagEnd(html, e)
                          : TagEnd(
                                html, e,
                                [&](std::string_view attr) {
                                  char buf[16];
                                  if (attr.size() > sizeof(buf)) return false;
                                  for (size_t k = 0; k < attr.size(); ++k) buf[k] = Lower(attr[k]);
                                  return KeepAttribute(name, std::string_view(buf, attr.size()));
                                },
                                &attr_drops);
    if (gt == std::string_view::npos) break;  // the input ends inside the tag
    p = gt + 1;
    const bool too_deep = !closing && depth >= max_depth && html[gt - 1] != '/' &&
                          name != "script" && name != "style" && CountsForNesting(name);
    if (!too_deep) {
      for (const auto& [from, to] : attr_drops) replace(from, to, "");
    }
    if (!closing) {
      if (name == "script" || name == "style") {
        const size_t end = name == "script" ? ScriptEnd(html, p) : RawTextEnd(html, p, name);
        // Only a body whose reading is certain is touched. Not: one without an
        // end tag; one after "<script/>" ("/>" closes it inside <svg>/<math>,
        // not in HTML); one holding "</svg" or "</math" (an svg <style> or
        // <script> is not raw text, so its end tag may be missing there).
        // Skipping such a body unchanged is always safe.
        const bool certain = end < n && html[gt - 1] != '/' &&
                             !ContainsEndTag(html.substr(p, end - p), "svg") &&
                             !ContainsEndTag(html.substr(p, end - p), "math");
        if (certain && end > p && name == "script") {
          char marker[24];
          int len = std::snprintf(marker, sizeof(marker), "%zu", out->raw.size());
          out->raw.emplace_back(out->raw_text.size(), end - p);
          out->raw_text.append(html.data() + p, end - p);
          replace(p, end, std::string_view(marker, static_cast<size_t>(len)));
        } else if (certain && end > p) {
          replace(p, end, "");
        }
        p = end;
        continue;
      }
      if (name == "textarea" || name == "title" || name == "xmp" || name == "iframe" ||
          name == "noembed" || name == "noframes") {
        p = RawTextEnd(html, p, name);
        continue;
      }
      if (name == "plaintext") break;  // the rest is text
    }
    if (name == "script" || name == "style" || !CountsForNesting(name)) continue;
    if (html[gt - 1] == '/') continue;  // self-closing
    if (closing) {
      if (depth > 0) --depth;
    } else if (depth >= max_depth) {
      replace(lt, gt + 1, "");
      out->depth_capped = true;
    } else {
      ++depth;
    }
  }
  o.append(html.data() + copied, n - copied);
}

}  // namespace storyline::internal
