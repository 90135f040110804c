// Copyright storyline authors.
//
// Segmentation: the text of the kept elements, cut into paragraphs at block
// boundaries, each with its length, the part of it inside links and the block
// element that holds it. Whitespace runs (and no-break spaces) become one space.
#include <string_view>
#include <vector>

#include "extract/extractor.h"

namespace storyline::internal {
namespace {

// The paragraph being built and the open blocks and links around it.
class Segmenter {
 public:
  Segmenter(const Dom& dom, std::vector<Para>* paras) : dom_(dom), paras_(paras) {}

  // Ends the current paragraph (kept when it holds text).
  void Flush() {
    while (!cur_.text.empty() && cur_.text.back() == ' ') cur_.text.pop_back();
    if (!cur_.text.empty()) {
      cur_.block = blocks_.empty() ? -1 : blocks_.back();
      cur_.tag = cur_.block >= 0 ? dom_[cur_.block].tag : GUMBO_TAG_UNKNOWN;
      paras_->push_back(std::move(cur_));
    }
    cur_ = Para();
    pending_space_ = false;
  }

  // Element e starts.
  void Open(int32_t e) {
    const GumboTag t = dom_[e].tag;
    if (t == GUMBO_TAG_BR || t == GUMBO_TAG_IMG) {
      pending_space_ = true;
    } else if (IsBlockTag(t)) {
      Flush();
      blocks_.push_back(e);
    } else if (t == GUMBO_TAG_A) {
      ++link_depth_;
    }
  }

  // Element e ends.
  void Close(int32_t e) {
    const GumboTag t = dom_[e].tag;
    if (IsBlockTag(t)) {
      Flush();
      if (!blocks_.empty() && blocks_.back() == e) blocks_.pop_back();
    } else if (t == GUMBO_TAG_A) {
      --link_depth_;
    }
  }

  // Appends the text of a text node.
  void AddText(std::string_view t) {
    uint32_t added = 0;
    for (size_t k = 0; k < t.size(); ++k) {
      unsigned char c = static_cast<unsigned char>(t[k]);
      bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
      if (c == 0xC2 && k + 1 < t.size() && static_cast<unsigned char>(t[k + 1]) == 0xA0) {
        space = true;
        ++k;
      }
      if (space) {
        pending_space_ = true;
        continue;
      }
      if (pending_space_ && !cur_.text.empty()) {
        cur_.text.push_back(' ');
        ++added;
      }
      pending_space_ = false;
      cur_.text.push_back(static_cast<char>(c));
      if ((c & 0xC0) != 0x80) ++added;
    }
    cur_.chars += added;
    if (link_depth_ > 0) cur_.link_chars += added;
  }

 private:
  const Dom& dom_;
  std::vector<Para>* paras_;
  std::vector<int32_t> blocks_;  // open block elements
  int link_depth_ = 0;
  Para cur_;
  bool pending_space_ = false;
};

}  // namespace

void Extractor::Segment(bool use_hints) {
  paras_.clear();
  Segmenter seg(dom_, &paras_);
  const int32_t n = static_cast<int32_t>(dom_.size());
  std::vector<int32_t> open;  // open elements
  for (int32_t i = 0; i < n;) {
    while (!open.empty() && dom_[open.back()].end <= i) {
      seg.Close(open.back());
      open.pop_back();
    }
    const DomNode& d = dom_[i];
    if (d.is_text) {
      seg.AddText(dom_.Text(i));
      ++i;
      continue;
    }
    if (Removed(i, use_hints)) {
      if (IsBlockTag(d.tag)) seg.Flush();
      i = d.end;
      continue;
    }
    seg.Open(i);
    open.push_back(i);
    ++i;
  }
  while (!open.empty()) {
    seg.Close(open.back());
    open.pop_back();
  }
  seg.Flush();
}

}  // namespace storyline::internal
