// Copyright storyline authors.
#include "extract/dom.h"

#include <algorithm>
#include <cctype>
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
  std::string limited;
  if (LimitNesting(html, kMaxDepth, &limited)) {
    html_ = std::move(limited);
    depth_capped_ = true;
  } else {
    html_.assign(html);
  }
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
  const GumboAttribute* a = gumbo_get_attribute(&g->v.element.attributes, name);
  return a == nullptr ? std::string_view() : std::string_view(a->value);
}

std::string_view Dom::Text(size_t i) const {
  if (!nodes_[i].is_text) return {};
  return nodes_[i].g->v.text.text;
}

namespace {

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }

// Elements that count toward nesting: those whose end tag is required (no void
// elements, none whose end tag HTML lets authors omit).
bool CountsForNesting(std::string_view name) {
  static constexpr const char* kSkip[] = {
      "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
      "source", "track", "wbr", "p", "li", "td", "th", "tr", "dt", "dd", "option", "optgroup",
      "rb", "rt", "rp", "tbody", "thead", "tfoot", "colgroup", "caption", "html", "head", "body",
      "keygen", "basefont", "frame", "image", "isindex", "!doctype"};
  for (const char* s : kSkip) {
    if (name == s) return false;
  }
  return true;
}

}  // namespace

bool LimitNesting(std::string_view html, int max_depth, std::string* out) {
  out->clear();
  int depth = 0;
  bool changed = false;
  size_t copied = 0;  // html[0, copied) is already in *out (when changed)
  size_t p = 0;
  const size_t n = html.size();
  auto drop = [&](size_t from, size_t to) {
    if (!changed) {
      out->reserve(html.size());
      changed = true;
    }
    out->append(html.substr(copied, from - copied));
    copied = to;
  };
  while (p < n) {
    const void* hit = std::memchr(html.data() + p, '<', n - p);
    if (hit == nullptr) break;
    size_t lt = static_cast<const char*>(hit) - html.data();
    p = lt + 1;
    if (p >= n) break;
    if (html.compare(p, 3, "!--") == 0) {
      size_t e = html.find("-->", p + 3);
      p = e == std::string_view::npos ? n : e + 3;
      continue;
    }
    bool closing = html[p] == '/';
    size_t s = closing ? p + 1 : p;
    size_t e = s;
    while (e < n && IsNameChar(html[e])) ++e;
    if (e == s) continue;
    std::string name = LowerAscii(html.substr(s, e - s));
    size_t gt = html.find('>', e);
    if (gt == std::string_view::npos) break;
    const bool self_closing = gt > 0 && html[gt - 1] == '/';
    if (!closing && (name == "script" || name == "style" || name == "textarea" ||
                     name == "title" || name == "xmp" || name == "plaintext")) {
      // Raw text: skip to its end tag.
      std::string end_tag = "</" + name;
      size_t q = gt + 1;
      for (;;) {
        size_t f = html.find("</", q);
        if (f == std::string_view::npos) {
          q = n;
          break;
        }
        if (LowerAscii(html.substr(f, end_tag.size())) == end_tag) {
          q = f;
          break;
        }
        q = f + 2;
      }
      p = q;
      continue;
    }
    p = gt + 1;
    if (!CountsForNesting(name) || self_closing) continue;
    if (closing) {
      if (depth > 0) --depth;
    } else if (depth >= max_depth) {
      drop(lt, gt + 1);
    } else {
      ++depth;
    }
  }
  if (changed) out->append(html.substr(copied));
  return changed;
}

}  // namespace storyline::internal
