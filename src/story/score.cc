// Copyright storyline authors.
//
// An arriving article against a candidate story: its sums, its closest members,
// and the same-event probability (dates, key names, figures).
#include <algorithm>

#include "story/engine_impl.h"

namespace storyline {

using engine_internal::Contains;
using engine_internal::DotMap;
using engine_internal::HasToken;
using engine_internal::TimeFactor;
using story_internal::Dot;
using story_internal::EvidenceOf;
using story_internal::SparseVec;

double StoryEngine::Impl::MissingMainNames(const Story& s, const Member& m,
                                           const std::vector<uint64_t>& mine) const {
  double miss = 0, total = 0;
  for (const auto& [toks, w] : m.main_names) {
    size_t found = 0;
    for (uint64_t k : toks) found += HasToken(s.name_tokens, k);
    total += w;
    if (2 * found < toks.size() || found == 0) miss += w;
  }
  double doc_side = total > 0 ? miss / total : 0;
  // The other way: the names most of the story's members make their main ones
  // (each member's own main names when the story is new) that the article never names.
  const size_t size = s.members.size();
  double smiss = 0, stotal = 0;
  for (const auto& [toks, e] : s.main_names) {
    if (size_t{2} * e.first < size) continue;
    size_t found = 0;
    for (uint64_t k : toks) found += Contains(mine, k);
    stotal += e.second;
    if (2 * found < toks.size() || found == 0) smiss += e.second;
  }
  double story_side = stotal > 0 ? smiss / stotal : 0;
  return 0.5 * (doc_side + story_side);
}

double StoryEngine::Impl::SameEvent(const Story& s, const Member& m, double enough,
                                    const std::vector<NearMember>* cached) {
  std::vector<NearMember>& near = near_scratch;
  if (cached) {
    near = *cached;
  } else {
    near.clear();
    size_t seen = 0;
    for (size_t i = s.members.size(); i-- > 0 && seen < 16;) {
      const Member& x = s.members[i];
      if (!x.doc || i == s.original) continue;
      ++seen;
      near.push_back(Near(x, i, m));
    }
    if (s.members[s.original].doc) near.push_back(Near(s.members[s.original], s.original, m));
  }
  if (near.empty() || !m.doc) return 0;
  const size_t k = std::min(near.size(), opt.event_members);
  std::partial_sort(near.begin(), near.begin() + k, near.end(),
                    [](const NearMember& a, const NearMember& b) {
                      return a.score != b.score ? a.score > b.score : a.i < b.i;
                    });
  // A copy or rewrite reports nothing its original does not (a rewrite's added
  // background is no evidence of the event): when the original is among the
  // closest members, the members derived from it are not compared (the seeds:
  // the commentary 003 reads like the background paragraphs of the rewrite 000,
  // not like the Reuters story 002).
  bool original_near = false;
  for (size_t i = 0; i < k && opt.derived_defer_to_original; ++i) {
    original_near |= near[i].i == s.original;
  }
  double best = 0;
  for (size_t i = 0; i < k; ++i) {
    const Member& x = s.members[near[i].i];
    if (original_near && !x.of.empty()) continue;
    const double tc = near[i].tc, nc = near[i].nc, mc = near[i].mc, lc = PairDot(m, x, kLeadVec);
    const double bound = story_internal::SameEventBound(tc, nc, mc, lc);
    if (bound <= best) continue;
    if (bound <= enough) {
      best = std::max(best, std::min(bound, enough));
      continue;
    }
    story_internal::SpecificConflict c =
        story_internal::CompareSpecifics(EvidenceOf(*m.doc), EvidenceOf(*x.doc));
    best = std::max(best, story_internal::SameEventProbability(tc, nc, mc, lc, c));
  }
  return best;
}

double StoryEngine::Impl::StoriesSameEvent(const Story& a, const Story& b) const {
  if (opt.merge_event_min <= 0) return 1;
  auto pick = [](const Story& s) {
    std::vector<const Member*> out;
    if (s.members[s.original].doc) out.push_back(&s.members[s.original]);
    for (size_t i = s.members.size(); i-- > 0 && out.size() < 4;) {
      if (i != s.original && s.members[i].doc) out.push_back(&s.members[i]);
    }
    return out;
  };
  double best = 0;
  for (const Member* x : pick(a)) {
    for (const Member* y : pick(b)) {
      const double tc = PairDot(*x, *y, kTermVec), nc = PairDot(*x, *y, kNameVec),
                   mc = PairDot(*x, *y, kNumberVec), lc = PairDot(*x, *y, kLeadVec);
      if (story_internal::SameEventBound(tc, nc, mc, lc) <= best) continue;
      story_internal::SpecificConflict c =
          story_internal::CompareSpecifics(EvidenceOf(*x->doc), EvidenceOf(*y->doc));
      best = std::max(best, story_internal::SameEventProbability(tc, nc, mc, lc, c));
    }
  }
  return best;
}

bool StoryEngine::Impl::SameEntries(const SparseVec& a, const SparseVec& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].first != b[i].first ||
        std::bit_cast<uint32_t>(a[i].second) != std::bit_cast<uint32_t>(b[i].second)) {
      return false;
    }
  }
  return true;
}

double StoryEngine::Impl::StoryDot(const Member& m, const Story& s, const SparseVec& sum,
                                   int kind) const {
  if (s.members.size() == 1 && SameEntries(sum, VecOf(s.members[0], kind))) {
    return PairDot(m, s.members[0], kind);
  }
  return DotMap(VecOf(m, kind), sum);
}

double StoryEngine::Impl::ScoreStory(const Story& s, const Member& m) const {
  double ct = s.cnorm > 0 ? StoryDot(m, s, s.centroid, kTermVec) / s.cnorm : 0;
  double cn = s.nnorm > 0 ? StoryDot(m, s, s.names, kNameVec) / s.nnorm : 0;
  double cm = s.numnorm > 0 ? StoryDot(m, s, s.numbers, kNumberVec) / s.numnorm : 0;
  double score = opt.term_weight * ct + opt.name_weight * cn + opt.number_weight * cm;
  return score * TimeFactor(m.time, m.date_confidence, s.date_min, s.date_max);
}

double StoryEngine::Impl::ScoreMember(const Member& m, const SparseVec& tv, const SparseVec& nv,
                                      const SparseVec& numv) const {
  return opt.term_weight * Dot(tv, m.tv) + opt.name_weight * Dot(nv, m.nv) +
         opt.number_weight * Dot(numv, m.numv);
}

}  // namespace storyline
