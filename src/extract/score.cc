// Copyright storyline authors.
//
// Scoring (readability's): paragraphs score for the containers above them;
// the best container, moved up when its neighbourhood says the article is
// larger, gives the article with its related siblings, its lead and (when
// asked) the comments. Trafilatura's baseline, every clean paragraph of the
// page, replaces it when that is much more text.
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "extract/extractor.h"

namespace storyline::internal {
namespace {

// The score a container starts from, by its tag.
double TagScore(GumboTag t) {
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

}  // namespace

std::string Extractor::Extract(bool use_hints) {
  Segment(use_hints);
  if (paras_.empty()) return "";
  std::string out = ContainerText();
  // Fallback (trafilatura's baseline): every clean paragraph of the page, when
  // that is much more text than the container gave (the article is spread
  // over several containers, or the wrong one won).
  std::string all = BaselineText();
  if (CountChars(all) > CountChars(out) * kFallbackGain) out = std::move(all);
  return out;
}

std::string Extractor::ContainerText() {
  const Lengths len = SubtreeLengths();
  Scores score = ScoreContainers();
  Ranked ranked;
  double top_score = -1e9;
  int32_t top = RankCandidates(len, &score, &ranked, &top_score);
  if (top < 0) return "";
  top = CommonAncestor(top, top_score, ranked);
  double last = 0;
  top = ClimbRisingScores(top, score, &last);
  top = OnlyChildParent(top, len);
  Ranges ranges = SiblingRanges(top, last, score, len);
  AddLeadRanges(top, &ranges);
  if (opt_.include_comments) AddCommentRanges(&ranges);
  return Emit(ranges);
}

std::string Extractor::BaselineText() const {
  std::string all;
  for (const Para& p : paras_) {
    if (p.chars < kFallbackMinChars || p.link_chars * 10 > p.chars * 3) continue;
    if (!all.empty()) all.push_back('\n');
    all += p.text;
  }
  return all;
}

Extractor::Lengths Extractor::SubtreeLengths() const {
  const int32_t n = static_cast<int32_t>(dom_.size());
  Lengths len;
  len.text.assign(n, 0);
  len.links.assign(n, 0);
  for (const Para& p : paras_) {
    if (p.block < 0) continue;
    len.text[p.block] += p.chars;
    len.links[p.block] += p.link_chars;
  }
  for (int32_t i = n - 1; i > 0; --i) {
    int32_t par = dom_[i].parent;
    if (par >= 0 && !dom_[i].is_text) {
      len.text[par] += len.text[i];
      len.links[par] += len.links[i];
    }
  }
  return len;
}

// Each paragraph of 25+ characters and under 50% links scores 1 + commas +
// min(length / 100, 3) for its container, half for the next ancestor, a
// third (and less) beyond; a container starts from its tag score and weight.
Extractor::Scores Extractor::ScoreContainers() const {
  Scores score;
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
    for (char c : p.text) {
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
  return score;
}

// Scales each score by 1 - link density; returns the best container (-1 when
// none) with its score in *top_score, and all candidates best first in *ranked.
int32_t Extractor::RankCandidates(const Lengths& len, Scores* score, Ranked* ranked,
                                  double* top_score) const {
  int32_t top = -1;
  for (auto& [e, s] : *score) {
    double ld = len.text[e] > 0 ? static_cast<double>(len.links[e]) / len.text[e] : 0;
    s *= (1 - ld);
    ranked->push_back({s, e});
    if (s > *top_score || (s == *top_score && e < top)) {
      *top_score = s;
      top = e;
    }
  }
  std::sort(ranked->begin(), ranked->end(), [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  });
  return top;
}

// Several near-top candidates under one ancestor: that ancestor is the article.
int32_t Extractor::CommonAncestor(int32_t top, double top_score, const Ranked& ranked) const {
  std::vector<int32_t> alts;
  for (size_t k = 1; k < ranked.size() && k < 6; ++k) {
    if (ranked[k].first >= top_score * 0.75) alts.push_back(ranked[k].second);
  }
  if (alts.size() < 3) return top;
  for (int32_t a = dom_[top].parent; a >= 0 && dom_[a].tag != GUMBO_TAG_BODY; a = dom_[a].parent) {
    int contained = 0;
    for (int32_t x : alts) contained += Within(x, a);
    if (contained >= 3) return a;
  }
  return top;
}

// Scores rising toward the root mean more content up there. *last receives
// the score of the container returned.
int32_t Extractor::ClimbRisingScores(int32_t top, const Scores& score, double* last) const {
  auto found = score.find(top);
  *last = found != score.end() ? found->second : 0;
  for (int32_t p = dom_[top].parent; p >= 0 && dom_[p].tag != GUMBO_TAG_BODY; p = dom_[p].parent) {
    auto it = score.find(p);
    if (it == score.end()) continue;
    if (it->second < *last / 3) break;
    if (it->second > *last) {
      top = p;
      *last = it->second;
    }
  }
  return top;
}

// An only child stands for its parent.
int32_t Extractor::OnlyChildParent(int32_t top, const Lengths& len) const {
  while (dom_[top].parent >= 0 && dom_[dom_[top].parent].tag != GUMBO_TAG_BODY &&
         dom_[dom_[top].parent].tag != GUMBO_TAG_HTML &&
         len.text[dom_[top].parent] == len.text[top]) {
    top = dom_[top].parent;
  }
  return top;
}

// The container and its siblings that belong to the article.
Ranges Extractor::SiblingRanges(int32_t top, double last, const Scores& score,
                                const Lengths& len) const {
  Ranges ranges;
  const int32_t par = dom_[top].parent;
  if (par < 0) {
    ranges.push_back({top, dom_[top].end});
    return ranges;
  }
  for (int32_t c = par + 1; c < dom_[par].end; c = dom_[c].end) {
    if (dom_[c].is_text) continue;
    if (c == top || SiblingJoins(c, top, last, score, len)) ranges.push_back({c, dom_[c].end});
  }
  return ranges;
}

// Whether sibling c of the container top joins the article: its score passes
// max(10, 20% of top's) (a fifth more when it has top's hint), or it is a
// paragraph of 80+ characters under 25% links.
bool Extractor::SiblingJoins(int32_t c, int32_t top, double last, const Scores& score,
                             const Lengths& len) const {
  const double threshold = std::max(10.0, last * 0.2);
  auto it = score.find(c);
  double bonus = (!Hint(c).empty() && Hint(c) == Hint(top)) ? last * 0.2 : 0;
  if (it != score.end() && it->second + bonus >= threshold) return true;
  if (dom_[c].tag == GUMBO_TAG_P && len.text[c] > 0) {
    double ld = static_cast<double>(len.links[c]) / len.text[c];
    if (len.text[c] > 80 && ld < 0.25) return true;
  }
  return false;
}

// The candidate container a paragraph scores for first.
int32_t Extractor::ScoreParent(const Para& p) const {
  if (p.block < 0) return -1;
  if (IsParagraphTag(p.tag)) return dom_[p.block].parent;
  return p.block;
}

// The article's lead ("teaser-text", "intro", "standfirst", ...) often sits
// outside the body container, before it, in the same <article>: add it.
void Extractor::AddLeadRanges(int32_t top, Ranges* ranges) const {
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
    if (scope >= 0 && dom_[scope].parent >= 0 && dom_[dom_[scope].parent].tag != GUMBO_TAG_BODY) {
      scope = dom_[scope].parent;
    }
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
void Extractor::AddCommentRanges(Ranges* ranges) const {
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
  Ranges merged;
  for (const auto& r : *ranges) {
    if (!merged.empty() && r.first < merged.back().second) {
      merged.back().second = std::max(merged.back().second, r.second);
    } else {
      merged.push_back(r);
    }
  }
  *ranges = std::move(merged);
}

}  // namespace storyline::internal
