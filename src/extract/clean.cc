// Copyright storyline authors.
//
// Cleaning: which elements of the page are left out of the text and why
// (Extractor::Removed reads the marks), and the class/id weight each element
// brings to scoring.
#include <cctype>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

#include "core/ascii.h"
#include "extract/extractor.h"

namespace storyline::internal {
namespace {

// Whether an inline style hides the element.
bool StyleHides(std::string_view style) {
  std::string s;
  s.reserve(style.size());
  for (char c : style) {
    if (c != ' ') s.push_back(AsciiLower(c));
  }
  return s.find("display:none") != std::string::npos ||
         s.find("visibility:hidden") != std::string::npos;
}

// Whether an ARIA role marks a landmark around the article.
bool IsLandmarkRole(std::string_view role) {
  return role == "navigation" || role == "banner" || role == "contentinfo" ||
         role == "complementary" || role == "dialog" || role == "menu";
}

}  // namespace

void Extractor::Prepare() {
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
    if (!dom_[i].is_text) PrepareElement(i);
  }
  for (size_t i = n; i-- > 1;) {
    const DomNode& d = dom_[i];
    if (!d.is_text && protected_[i] && d.parent >= 0) protected_[d.parent] |= protected_[i];
  }
}

void Extractor::PrepareElement(size_t i) {
  const DomNode& d = dom_[i];
  Attrs a;
  ReadAttrs(d.g, &a);
  // A class hint never removes the article itself: elements holding
  // <main>, the <h1> or itemprop=articleBody are kept (marked in Prepare).
  if (d.tag == GUMBO_TAG_MAIN || a.article_body) protected_[i] = kHoldsMain | kHoldsArticlePart;
  if (d.tag == GUMBO_TAG_H1) protected_[i] = kHoldsArticlePart;
  uint8_t flags = 0;
  if (!a.cls.empty() || !a.id.empty()) {
    const HintEntry& e = LookupHint(a.cls, a.id);
    hint_[i] = e.hint;
    hint_flags_[i] = flags = e.flags;
  }
  hard_[i] = TagRemoval(i, a);
  if (hard_[i] == kRemovedNoscript) has_noscript_ = true;
  if (hard_[i] != 0 && hard_[i] != kRemovedByHint) return;
  ApplyHint(i, flags);
}

// The removal an element's tag and attributes call for, whatever its class
// and id say (0 = none).
uint8_t Extractor::TagRemoval(size_t i, const Attrs& a) const {
  const GumboTag tag = dom_[i].tag;
  const bool tag_drop = IsDroppedTag(tag) || a.hidden || (!a.style.empty() && StyleHides(a.style));
  if (tag_drop && tag == GUMBO_TAG_NOSCRIPT && !a.hidden) return kRemovedNoscript;
  if (tag_drop) return kRemovedAlways;
  if (IsLandmarkRole(a.role)) return kRemovedLandmark;
  // <header> outside the article and <aside> go unless they hold the article.
  if ((tag == GUMBO_TAG_HEADER && !InsideArticle(i)) || tag == GUMBO_TAG_ASIDE) {
    return kRemovedByHint;
  }
  return 0;
}

// What the class/id hint (HintFlag bits `flags`) of element i does: removes
// comments or boilerplate, weighs the element for scoring.
void Extractor::ApplyHint(size_t i, uint8_t flags) {
  const GumboTag tag = dom_[i].tag;
  if (Hint(static_cast<int32_t>(i)).empty() || tag == GUMBO_TAG_BODY || tag == GUMBO_TAG_HTML) {
    return;
  }
  if (!opt_.include_comments && (flags & kCommentHint)) {
    hard_[i] = kRemovedComments;
  } else if (flags & kHardHint) {
    hard_[i] = kRemovedByHint;
  }
  if (flags & kPositiveHint) weight_[i] += 25;
  if (flags & kNegativeHint) weight_[i] -= 25;
}

void Extractor::ReadAttrs(const GumboNode* g, Attrs* a) {
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

// The entry for an element's class and id (at least one not empty).
const Extractor::HintEntry& Extractor::LookupHint(std::string_view cls, std::string_view id) {
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
  std::string h = FilterHint(AsciiLowerCopy(cls) + " " + AsciiLowerCopy(id));
  e.flags = h.empty() ? 0 : HintFlagsOf(h);
  e.hint = static_cast<uint32_t>(hints_.size());
  hints_.push_back(std::move(h));
  if (fresh) {
    hint_entries_.push_back(e);
    return hint_entries_.back();
  }
  spare_entry_ = e;
  return spare_entry_;
}

bool Extractor::InsideArticle(size_t i) const {
  for (int32_t p = dom_[i].parent; p >= 0; p = dom_[p].parent) {
    GumboTag t = dom_[p].tag;
    if (t == GUMBO_TAG_ARTICLE || t == GUMBO_TAG_MAIN) return true;
  }
  return false;
}

}  // namespace storyline::internal
