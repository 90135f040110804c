// Copyright storyline authors.
//
// One article's decision (AddDoc): candidates, their scores and re-scoring
// passes, then joining the best story or opening a new one.
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "story/engine_impl.h"

namespace storyline {

using engine_internal::DocNameTokens;
using engine_internal::DotMap;
using engine_internal::kEventDateConfidence;
using engine_internal::Member;
using engine_internal::NameTokens;
using engine_internal::Scored;
using engine_internal::Story;
using engine_internal::TimeFactor;
using story_internal::EvidenceOf;
using story_internal::SparseVec;
using story_internal::StoryDoc;

namespace {

// Best first: by score, ties by the lower story id.
void SortByScore(Scored* scored) {
  std::sort(scored->begin(), scored->end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first > y.first : x.second < y.second;
  });
}

// Whether an unbounded text date may read differently with the feed's clock and
// the latest date allowed: it passes one of them, it is near a year or more before
// the clock (its lower bound may be too old), or a dateline without a year (the
// bounds give one).
bool NeedsBounds(const DateEstimate& d, Timestamp clock, Timestamp latest) {
  if (d.time == kNoTime) return !d.method.empty() && (clock != kNoTime || latest != kNoTime);
  const int64_t kNearAYear = int64_t{359} * 86400;  // a weekday step is under a week
  return (clock != kNoTime && (d.time > clock || clock - d.time > kNearAYear)) ||
         (latest != kNoTime && d.time > latest);
}

}  // namespace

Member StoryEngine::Impl::MakeMember(StoryDoc&& doc) {
  const Article& a = doc.meta;
  Member m;
  m.id = a.id;
  m.seq = seq++;
  memo_art_ = m.seq;
  memo_used_ = 0;
  m.time = doc.date.time;
  m.date_confidence = doc.date.confidence;
  m.date_evidence = doc.date.method.empty() ? "" : doc.date.method + ": " + doc.date.evidence;
  const StoryDoc& ev = story_internal::EvidenceOf(doc);
  story_internal::TermAndLeadVectors(ev.f, stats, &m.tv, &m.lv);
  m.nv = story_internal::NameVector(ev.f, stats);
  m.numv = story_internal::NumberVector(ev.f);
  m.sv = doc.salient;
  for (const Name& n : ev.f.names) {
    if (n.count < 2) continue;
    auto toks = NameTokens(n.text);
    if (!toks.empty()) {
      m.main_names.emplace_back(std::move(toks), 1.0f + std::log(static_cast<float>(n.count)));
    }
  }
  m.doc = std::make_shared<StoryDoc>(std::move(doc));
  return m;
}

StoryEngine::Impl::Scored StoryEngine::Impl::ScoreCandidates(const Member& m, const Query& query) {
  // Candidates: an exact copy's story first, then the index.
  std::vector<int64_t> cands = Candidates(postings, query);
  int64_t copy_of = -1;
  if (auto c = content.find(m.doc->f.content_hash);
      c != content.end() && !m.tv.empty() && stories.count(c->second)) {
    copy_of = c->second;
    if (std::find(cands.begin(), cands.end(), copy_of) == cands.end()) {
      cands.insert(cands.begin(), copy_of);
    }
  }
  Scored scored;
  for (int64_t id : cands) {
    const Story& s = stories.at(id);
    double sc = ScoreStory(s, m);
    if (id == copy_of) sc = std::max(sc, 1.0);
    scored.emplace_back(sc, id);
    ++st.candidates_scored;
  }
  SortByScore(&scored);
  return scored;
}

size_t StoryEngine::Impl::BlendNearestMembers(const Member& m, Scored* scored) {
  size_t near_used = 0;  // near_cache entries filled for this article
  for (size_t c = 0; c < scored->size() && c < 4; ++c) {
    if ((*scored)[c].first >= 1.0) continue;  // an exact copy's story: nothing to add
    const Story& s = stories.at((*scored)[c].second);
    if (near_cache.size() <= near_used) near_cache.emplace_back();
    NearMembers& near = near_cache[near_used++];
    near.story = s.id;
    near.members.clear();
    double best_member = 0;
    size_t seen = 0;
    for (size_t i = s.members.size(); i-- > 0 && seen < 16;) {
      const Member& x = s.members[i];
      if (!x.doc || i == s.original) continue;
      ++seen;
      near.members.push_back(Near(x, i, m));
      best_member = std::max(best_member, near.members.back().score);
    }
    if (s.members[s.original].doc) {
      near.members.push_back(Near(s.members[s.original], s.original, m));
      best_member = std::max(best_member, near.members.back().score);
    }
    best_member *= TimeFactor(m.time, m.date_confidence, s.date_min, s.date_max);
    double& sc = (*scored)[c].first;
    sc = std::max(sc, 0.5 * (sc + best_member));
  }
  SortByScore(scored);
  return near_used;
}

void StoryEngine::Impl::BlendPairSimilarity(const Member& m, Scored* scored) {
  const size_t k = std::min<size_t>(scored->size(), 3);
  for (size_t c = 0; c < k; ++c) {
    const Story& s = stories.at((*scored)[c].second);
    std::vector<std::pair<double, const Member*>> near;
    for (const Member& x : s.members) {
      if (x.doc) near.emplace_back(ScoreMember(x, m.tv, m.nv, m.numv), &x);
    }
    std::sort(near.begin(), near.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second->seq < b.second->seq;
    });
    double rel = 0;
    for (size_t i = 0; i < near.size() && i < 3; ++i) {
      rel = std::max(
          rel, StorySimilarity(EvidenceOf(*m.doc).f, EvidenceOf(*near[i].second->doc).f, stats));
    }
    if ((*scored)[c].first < 1.0) {
      (*scored)[c].first = (1 - opt.member_weight) * (*scored)[c].first + opt.member_weight * rel;
    }
  }
  SortByScore(scored);
}

void StoryEngine::Impl::PenaliseMissingNames(const Member& m, const std::vector<uint64_t>& mine,
                                             Scored* scored) {
  for (auto& [sc, id] : *scored) {
    if (sc >= 1.0) continue;
    sc *= 1.0 - opt.conflict_weight * MissingMainNames(stories.at(id), m, mine);
  }
  SortByScore(scored);
}

void StoryEngine::Impl::BlendSameEvent(const Member& m, size_t near_used, Scored* scored) {
  for (size_t c = 0; c < scored->size() && c < 4; ++c) {
    double& sc = (*scored)[c].first;
    if (sc >= 1.0) continue;
    const Story& s = stories.at((*scored)[c].second);
    const double tf = m.date_confidence >= kEventDateConfidence
                          ? TimeFactor(m.time, m.date_confidence, s.date_min, s.date_max)
                          : 1.0;
    // Below this probability the story stays under the threshold whatever the
    // exact value (then only its bound is taken: same decisions, less work).
    const double enough =
        tf > 0 ? (opt.join_threshold - (1 - opt.event_weight) * sc) / (opt.event_weight * tf) : 1.0;
    const std::vector<NearMember>* cached = nullptr;
    for (size_t k = 0; k < near_used; ++k) {
      if (near_cache[k].story == s.id) cached = &near_cache[k].members;
    }
    sc = (1 - opt.event_weight) * sc +
         opt.event_weight * SameEvent(s, m, enough - 1e-9, cached) * tf;
  }
  SortByScore(scored);
}

void StoryEngine::Impl::RequireSlotNames(const Member& m, Scored* scored) {
  if (m.doc->mask.spans.empty()) return;  // not written to a recurring format
  const std::vector<uint64_t>& slots = EvidenceOf(*m.doc).slot_words;
  for (auto& [sc, id] : *scored) {
    if (sc >= 1.0) continue;  // an exact copy
    const Story& s = stories.at(id);
    if (slots.empty()) {
      const bool same_day = m.time != kNoTime && s.date_max != kNoTime &&
                            std::llabs(m.time - s.date_max) <= engine_internal::kDay;
      if (!same_day) sc = 0;
      continue;
    }
    size_t found = 0;
    for (uint64_t k : slots) found += engine_internal::HasToken(s.name_tokens, k);
    if (2 * found <= slots.size()) sc = 0;
  }
  SortByScore(scored);
}

bool StoryEngine::Impl::SlotsAgree(const Story& a, const Story& b) const {
  for (const auto& [x, y] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
    const Member& o = x->members[x->original];
    if (!o.doc || o.doc->mask.spans.empty()) continue;
    const std::vector<uint64_t>& slots = EvidenceOf(*o.doc).slot_words;
    size_t found = 0;
    for (uint64_t k : slots) found += engine_internal::HasToken(y->name_tokens, k);
    if (2 * found <= slots.size()) return false;
  }
  return true;
}

std::vector<int64_t> StoryEngine::Impl::ApplySingleMemberMargin(Scored* scored) {
  std::vector<int64_t> margined;
  for (auto& [sc, id] : *scored) {
    if (sc < 1.0 && stories.at(id).members.size() == 1) {
      sc -= opt.single_member_margin;
      margined.push_back(id);
    }
  }
  SortByScore(scored);
  return margined;
}

Story* StoryEngine::Impl::MergeRunnerUp(Story* s, const Scored& scored, const std::string& by) {
  if (scored.size() <= 1 || scored[1].first < opt.join_threshold) return s;
  Story* t = &stories.at(scored[1].second);
  SparseVec tv;  // centroids are sorted by key
  tv.reserve(t->centroid.size());
  for (const auto& [k, w] : t->centroid) {
    tv.emplace_back(k, static_cast<float>(w / (t->cnorm > 0 ? t->cnorm : 1)));
  }
  SparseVec nv;
  nv.reserve(t->names.size());
  for (const auto& [k, w] : t->names) {
    nv.emplace_back(k, static_cast<float>(w / (t->nnorm > 0 ? t->nnorm : 1)));
  }
  double ss = s->cnorm > 0 ? DotMap(tv, s->centroid) / s->cnorm : 0;
  double sn = s->nnorm > 0 ? DotMap(nv, s->names) / s->nnorm : 0;
  if ((opt.term_weight * ss + opt.name_weight * sn) / (opt.term_weight + opt.name_weight) >=
          opt.merge_threshold &&
      StoriesSameEvent(*s, *t) >= opt.merge_event_min && !SplitApart(*s, *t) &&
      SlotsAgree(*s, *t)) {
    Story* older = s->id < t->id ? s : t;
    Story* younger = s->id < t->id ? t : s;
    Merge(older, younger, by);
    return older;
  }
  return s;
}

Story* StoryEngine::Impl::SplitAfterJoin(Story* s, const std::string& by) {
  if (opt.split_threshold > 0 && SplitCheckAt(s->members.size())) {
    for (int64_t t : MaybeSplit(s, by)) {
      const Story& ts = stories.at(t);
      for (const Member& x : ts.members) {
        if (x.id == by) s = &stories.at(t);
      }
    }
  }
  return s;
}

Assignment StoryEngine::Impl::JoinStory(Member m, const Scored& scored,
                                        const std::vector<int64_t>& margined,
                                        const std::vector<uint64_t>& query_keys,
                                        const std::vector<uint64_t>& mine) {
  Assignment out;
  out.id = m.id;
  Story* s = &stories.at(scored[0].second);
  const bool has_margin = std::find(margined.begin(), margined.end(), s->id) != margined.end();
  const double join_score = scored[0].first + (has_margin ? opt.single_member_margin : 0.0);
  Relate(s, &m, join_score);
  out.score = join_score;
  AddMember(s, std::move(m), &query_keys, &mine);
  s = MergeRunnerUp(s, scored, out.id);
  s = SplitAfterJoin(s, out.id);
  if (s->members.size() >= s->next_topic_check) {
    s->next_topic_check *= 2;
    RecheckTopic(s);
  }
  out.story = s->id;
  out.topic = s->topic;
  const Member& me = *std::find_if(s->members.begin(), s->members.end(),
                                   [&](const Member& x) { return x.id == out.id; });
  out.relation = me.relation;
  out.of = me.of;
  return out;
}

Assignment StoryEngine::Impl::OpenStory(Member m, const std::vector<uint64_t>& query_keys,
                                        const std::vector<uint64_t>& mine) {
  Assignment out;
  out.id = m.id;
  Story s;
  s.id = next_story++;
  ++st.stories;
  m.relation = Relation::kOriginal;
  m.score = 1;
  out.score = 1;
  out.relation = Relation::kOriginal;
  briefs[s.id].title = m.doc->meta.title;
  auto [it, ok] = stories.emplace(s.id, std::move(s));
  Story* sp = &it->second;
  sp->last_feed = clock;
  by_time.insert({clock, sp->id});
  AddMember(sp, std::move(m), &query_keys, &mine);
  AssignTopic(sp);
  out.story = sp->id;
  out.topic = sp->topic;
  return out;
}

Assignment StoryEngine::Impl::AddDoc(StoryDoc&& doc) {
  ++st.articles;
  const Article& a = doc.meta;
  if (a.published_ts != kNoTime) {
    clock = clock == kNoTime ? a.published_ts : std::max(clock, a.published_ts);
  } else if (NeedsBounds(doc.date, clock, opt.latest_date)) {
    // Read again with the bounds the parallel analysis did not know.
    doc.date = EstimateDate(a, DateBounds{clock, opt.latest_date});
  }
  Evict();
  // The recurring format's skeleton is no evidence of a story: set aside before
  // scoring (learned from the articles before this one), then counted.
  doc.mask = templates.Find(doc);
  if (!doc.mask.empty()) doc.evidence = story_internal::MaskedEvidence(doc, doc.mask);
  if (!content.contains(doc.f.content_hash)) templates.Learn(doc, doc.mask);
  Member m = MakeMember(std::move(doc));
  const Query query = MakeQuery(m.tv, m.nv, false);
  const std::vector<uint64_t> query_keys = QueryKeys(query);
  const std::vector<uint64_t> mine = DocNameTokens(EvidenceOf(*m.doc));
  Scored scored = ScoreCandidates(m, query);
  const size_t near_used = BlendNearestMembers(m, &scored);
  if (opt.member_weight > 0 && !scored.empty()) BlendPairSimilarity(m, &scored);
  if (opt.conflict_weight > 0) PenaliseMissingNames(m, mine, &scored);
  if (opt.event_weight > 0) BlendSameEvent(m, near_used, &scored);
  RequireSlotNames(m, &scored);
  std::vector<int64_t> margined;
  if (opt.single_member_margin > 0) margined = ApplySingleMemberMargin(&scored);
  stats.Add(m.doc->f);
  if (!scored.empty() && scored[0].first >= opt.join_threshold) {
    return JoinStory(std::move(m), scored, margined, query_keys, mine);
  }
  return OpenStory(std::move(m), query_keys, mine);
}

}  // namespace storyline
