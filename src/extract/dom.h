// Copyright storyline authors.
//
// A parsed page as a flat, pre-order array of nodes over gumbo's tree, so that
// every later pass is a loop (no recursion: a page nested 200,000 levels deep
// must not exhaust the stack) and a subtree is the index range [i, end).
#ifndef STORYLINE_EXTRACT_DOM_H_
#define STORYLINE_EXTRACT_DOM_H_

#include <gumbo.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace storyline::internal {

struct DomNode {
  const GumboNode* g = nullptr;  // the gumbo node (element or text)
  GumboTag tag = GUMBO_TAG_UNKNOWN;
  bool is_text = false;
  int32_t parent = -1;
  int32_t end = 0;    // one past the last node of the subtree
  int32_t depth = 0;  // element depth in the flat tree (capped)
  int32_t raw = -1;   // text of a <script>: index of its body set aside before parsing
};

// Owns the gumbo output (allocated from an arena, freed at once: gumbo's own
// destructor recurses and would overflow on deep trees). Not copyable.
class Dom {
 public:
  Dom();
  ~Dom();
  Dom(const Dom&) = delete;
  Dom& operator=(const Dom&) = delete;

  // Parses UTF-8 `html`. The text is copied; the Dom does not refer to it.
  void Parse(std::string_view html);

  const std::vector<DomNode>& nodes() const { return nodes_; }
  size_t size() const { return nodes_.size(); }
  const DomNode& operator[](size_t i) const { return nodes_[i]; }
  // The attribute `name` (lower case) of element i, or "" when absent. Only the
  // attributes extraction reads are kept (KeepAttribute in dom.cc): reading
  // another one needs it added there.
  std::string_view Attr(size_t i, const char* name) const;
  // The text of text node i ("" for elements); for the text of a <script>, the
  // script's body as written.
  std::string_view Text(size_t i) const;
  // Whether nesting was capped (the page was deeper than kMaxDepth).
  bool depth_capped() const { return depth_capped_; }

  static constexpr int kMaxDepth = 400;

 private:
  struct Arena;
  // The body index a script's text stands for, or -1.
  int32_t RawIndex(const char* marker) const;
  std::unique_ptr<Arena> arena_;
  GumboOutput* output_ = nullptr;
  std::string html_;                            // what gumbo parsed (see PrepareForParse)
  std::string raw_text_;                        // the script bodies set aside, one after another
  std::vector<std::pair<size_t, size_t>> raw_;  // (offset, length) in raw_text_
  std::vector<DomNode> nodes_;
  bool depth_capped_ = false;
};

// What PrepareForParse hands to gumbo and what it sets aside.
struct PreparedHtml {
  std::string html;                            // the bytes to parse
  std::string raw_text;                        // script bodies, concatenated
  std::vector<std::pair<size_t, size_t>> raw;  // (offset, length) in raw_text
  bool depth_capped = false;                   // some start tags were dropped
};

// One linear pass over the page, following the HTML5 tokenizer's rules for
// comments, tags (quoted attribute values), raw text and script data (with its
// escape states), that makes the bytes cheaper to parse without changing the
// tree that matters:
//  - a <script>'s body is set aside and replaced by its index ("0", "1", ...),
//    so gumbo does not tokenize it character by character (Dom::Text gives the
//    body back); a <style>'s body and a comment's content are dropped (the
//    element or an empty comment stays); a body whose end is not certain
//    (no end tag, "<script/>", an svg/math end tag inside) is left as it is;
//  - attributes that neither extraction nor the tree builder reads (href of
//    links, src, srcset, data-*, svg paths, ...) are dropped;
//  - start tags nested deeper than `max_depth` (counting elements that need an
//    explicit end tag) are dropped, so the HTML5 tree builder, whose scope
//    checks walk the stack of open elements, stays linear.
void PrepareForParse(std::string_view html, int max_depth, PreparedHtml* out);

}  // namespace storyline::internal

#endif  // STORYLINE_EXTRACT_DOM_H_
