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
  // The attribute `name` of element i, or "" when absent.
  std::string_view Attr(size_t i, const char* name) const;
  // The text of text node i ("" for elements).
  std::string_view Text(size_t i) const;
  // Whether nesting was capped (the page was deeper than kMaxDepth).
  bool depth_capped() const { return depth_capped_; }

  static constexpr int kMaxDepth = 400;

 private:
  struct Arena;
  std::unique_ptr<Arena> arena_;
  GumboOutput* output_ = nullptr;
  std::string html_;
  std::vector<DomNode> nodes_;
  bool depth_capped_ = false;
};

// Drops start tags nested deeper than `max_depth` (counting elements that need
// an explicit end tag) so the HTML5 tree builder, whose scope checks walk the
// stack of open elements, stays linear. Returns false (and leaves *out empty)
// when nothing needed dropping.
bool LimitNesting(std::string_view html, int max_depth, std::string* out);

// Lower-cased ASCII copy.
std::string LowerAscii(std::string_view s);

}  // namespace storyline::internal

#endif  // STORYLINE_EXTRACT_DOM_H_
