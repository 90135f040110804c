// Copyright storyline authors.
//
// A story's members and sums: joining, relating a new member to the original,
// merging two stories, and retiring idle ones.
#include <algorithm>

#include "story/engine_impl.h"

namespace storyline {

using engine_internal::AddInto;
using engine_internal::Cap;
using engine_internal::CountTokens;
using engine_internal::DocNameTokens;
using engine_internal::kCompareMinCosine;
using story_internal::EvidenceOf;

void StoryEngine::Impl::AddNameTokens(Story* s, const Member& m,
                                      const std::vector<uint64_t>* mine) {
  if (!m.doc) return;
  std::vector<uint64_t> own;
  if (!mine) {
    own = DocNameTokens(EvidenceOf(*m.doc));
    mine = &own;
  }
  CountTokens(&s->name_tokens, *mine);
  for (const auto& [toks, w] : m.main_names) {
    auto& e = s->main_names[toks];
    ++e.first;
    e.second = std::max(e.second, w);
  }
  if (s->main_names.size() > opt.centroid_terms) {
    for (auto it = s->main_names.begin(); it != s->main_names.end();) {
      if (it->second.first <= 1) {
        it = s->main_names.erase(it);
      } else {
        ++it;
      }
    }
  }
  // Bounded like the centroid: drop single mentions once the map is large.
  if (s->name_tokens.size() > 8 * opt.centroid_terms) {
    s->name_tokens.erase(std::remove_if(s->name_tokens.begin(), s->name_tokens.end(),
                                        [](const auto& e) { return e.second <= 1; }),
                         s->name_tokens.end());
  }
}

void StoryEngine::Impl::Refresh(Story* s) {
  Cap(&s->centroid, opt.centroid_terms);
  Cap(&s->names, opt.centroid_terms / 2);
  Cap(&s->numbers, opt.centroid_terms / 2);
  s->cnorm = story_internal::Norm(s->centroid);
  s->nnorm = story_internal::Norm(s->names);
  s->numnorm = story_internal::Norm(s->numbers);
}

void StoryEngine::Impl::Touch(Story* s) {
  by_time.erase({s->last_feed, s->id});
  s->last_feed = clock;
  by_time.insert({s->last_feed, s->id});
  changed_stories.insert(s->id);
}

void StoryEngine::Impl::AddMember(Story* s, Member m, const std::vector<uint64_t>* keys,
                                  const std::vector<uint64_t>* mine) {
  AddInto(&s->centroid, m.tv);
  AddInto(&s->names, m.nv);
  AddInto(&s->numbers, m.numv);
  AddInto(&s->salient, m.sv);
  Cap(&s->salient, opt.centroid_terms / 2);
  AddNameTokens(s, m, mine);
  if (m.time != kNoTime && m.date_confidence >= 0.3) {
    s->date_min = s->date_min == kNoTime ? m.time : std::min(s->date_min, m.time);
    s->date_max = s->date_max == kNoTime ? m.time : std::max(s->date_max, m.time);
  }
  if (keys) {
    for (uint64_t k : *keys) Post(&postings, k, s->id, opt.posting_cap, &s->posted);
  } else {
    for (uint64_t k : QueryKeys(m.tv, m.nv, false)) {
      Post(&postings, k, s->id, opt.posting_cap, &s->posted);
    }
  }
  if (m.doc) {
    content[m.doc->f.content_hash] = s->id;
    ++s->live;
  }
  s->members.push_back(std::move(m));
  // Bound the live analyses: drop the texts of the oldest non-original members.
  size_t i = s->drop_from;
  for (; s->live > opt.max_live_members && i < s->members.size(); ++i) {
    if (i == s->original || !s->members[i].doc) continue;
    auto c = content.find(s->members[i].doc->f.content_hash);
    if (c != content.end() && c->second == s->id) content.erase(c);
    s->members[i].doc.reset();
    --s->live;
  }
  // Members before i have no analysis left (or are the original).
  s->drop_from = i;
  Refresh(s);
  Touch(s);
  briefs[s->id].first_seen = s->date_min;
}

void StoryEngine::Impl::Relate(Story* s, Member* m, double score) {
  m->relation = Relation::kSameStory;
  m->of.clear();
  m->score = score;
  Member& orig = s->members[s->original];
  // Closest live member by combined vector score.
  int best = -1;
  double best_sim = -1;
  size_t seen = 0;
  for (size_t i = s->members.size(); i-- > 0 && seen < 32;) {
    const Member& x = s->members[i];
    if (!x.doc) continue;
    ++seen;
    double sim = PairDot(*m, x, kTermVec);
    if (sim > best_sim) {
      best_sim = sim;
      best = static_cast<int>(i);
    }
  }
  if (m->doc && orig.doc && m->doc->f.content_hash == orig.doc->f.content_hash) {
    m->relation = Relation::kDuplicate;
    m->of = orig.id;
    return;
  }
  if (!opt.use_relate || !m->doc) return;
  std::vector<int> targets;
  if (orig.doc) targets.push_back(static_cast<int>(s->original));
  if (best >= 0 && best != static_cast<int>(s->original) && best_sim >= 0.3) {
    targets.push_back(best);
  }
  CompareOptions co;
  co.stats = &stats;
  co.sentence_alignment = true;
  for (int ti : targets) {
    Member& x = s->members[ti];
    if (PairDot(*m, x, kTermVec) < kCompareMinCosine) continue;
    CompareResult r = Compare(EvidenceOf(*m->doc).f, EvidenceOf(*x.doc).f, co);
    ++st.relate_compares;
    if (!IsDerived(r.relation)) continue;
    if (r.original == "b") {
      // m derives from x; x's root is the story's original (or x itself).
      m->relation = r.relation;
      m->of = x.of.empty() ? x.id : x.of;
      return;
    }
    if (r.original == "a" && ti == static_cast<int>(s->original)) {
      // The new member is the original of the story's original: it takes over.
      ReplaceOriginal(s, m, r);
      return;
    }
  }
}

void StoryEngine::Impl::ReplaceOriginal(Story* s, Member* m, const CompareResult& r_old) {
  const std::string old_id = s->members[s->original].id;
  m->relation = Relation::kOriginal;
  m->of.clear();
  CompareOptions co;
  co.stats = &stats;
  for (size_t i = 0; i < s->members.size(); ++i) {
    Member& x = s->members[i];
    if (i == s->original) {
      x.relation = r_old.relation;
      x.of = m->id;
      x.score = ScoreMember(x, m->tv, m->nv, m->numv);  // its score against the new original
      continue;
    }
    if (x.of != old_id) continue;
    if (x.doc && m->doc) {
      CompareResult r = Compare(EvidenceOf(*m->doc).f, EvidenceOf(*x.doc).f, co);
      ++st.relate_compares;
      if (IsDerived(r.relation) && r.original != "b") {
        x.relation = r.relation;
        x.of = m->id;
        continue;
      }
    }
    // Derived from the old original, which derives from m: keep the label, re-point.
    x.of = m->id;
  }
  // The old original may now lose its analysis like any member.
  s->drop_from = std::min(s->drop_from, s->original);
  s->original = s->members.size();  // m is appended next
  briefs[s->id].title = m->doc ? m->doc->meta.title : "";
}

void StoryEngine::Impl::Merge(Story* into, Story* from, const std::string& by) {
  size_t base = into->members.size();
  Unpost(&postings, from->posted, from->id);
  by_time.erase({from->last_feed, from->id});
  for (Member& m : from->members) {
    if (m.doc) {
      content[m.doc->f.content_hash] = into->id;
      ++into->live;
    }
    if (m.relation == Relation::kOriginal) m.relation = Relation::kSameStory;
    AddInto(&into->centroid, m.tv);
    AddInto(&into->names, m.nv);
    AddInto(&into->numbers, m.numv);
    AddInto(&into->salient, m.sv);
    AddNameTokens(into, m);
    for (uint64_t k : QueryKeys(m.tv, m.nv, false)) {
      Post(&postings, k, into->id, opt.posting_cap, &into->posted);
    }
    into->members.push_back(std::move(m));
  }
  (void)base;
  if (from->date_min != kNoTime) {
    into->date_min =
        into->date_min == kNoTime ? from->date_min : std::min(into->date_min, from->date_min);
    into->date_max =
        into->date_max == kNoTime ? from->date_max : std::max(into->date_max, from->date_max);
  }
  into->merged_from.push_back(from->id);
  for (int64_t x : from->split_from) {
    if (std::find(into->split_from.begin(), into->split_from.end(), x) == into->split_from.end()) {
      into->split_from.push_back(x);
    }
  }
  for (int64_t x : from->merged_from) into->merged_from.push_back(x);
  // Its topic forgets it.
  if (auto t = topics.find(from->topic); t != topics.end()) {
    auto& v = t->second.stories;
    v.erase(std::remove(v.begin(), v.end(), from->id), v.end());
    if (v.empty()) {
      Unpost(&topic_postings, t->second.posted, t->first);
      topics.erase(t);
    }
  }
  MergeRecord rec{from->id, into->id, by};
  merges.push_back(rec);
  changed_merges.push_back(rec);
  merged_into[from->id] = into->id;
  briefs.erase(from->id);
  ++st.merges;
  Refresh(into);
  Touch(into);
  changed_stories.erase(from->id);  // no longer active: TakeChanges would skip it
  stories.erase(from->id);
}

void StoryEngine::Impl::Evict() {
  if (clock == kNoTime) return;
  while (!by_time.empty()) {
    auto [t, id] = *by_time.begin();
    if (t != kNoTime && clock - t <= opt.active_window) break;
    if (t == kNoTime && clock == kNoTime) break;
    by_time.erase(by_time.begin());
    Retire(id);
  }
  // Topics idle beyond the topic window leave too (checked every 1024 articles:
  // a scan of the active topics, amortised).
  if (seq % 1024 != 0) return;
  for (auto it = topics.begin(); it != topics.end();) {
    if (it->second.last_feed != kNoTime && clock - it->second.last_feed > opt.topic_window) {
      bool has_active = false;
      for (int64_t s : it->second.stories) has_active |= stories.count(s) > 0;
      if (!has_active) {
        if (opt.keep_retired) {
          retired_topics[it->first] = PresentTopic(it->second);
        } else {
          for (int64_t sid : it->second.stories) briefs.erase(sid);
        }
        Unpost(&topic_postings, it->second.posted, it->first);
        it = topics.erase(it);
        continue;
      }
    }
    ++it;
  }
}

void StoryEngine::Impl::Retire(int64_t id) {
  auto it = stories.find(id);
  if (it == stories.end()) return;
  Story& s = it->second;
  Unpost(&postings, s.posted, s.id);
  for (const Member& m : s.members) {
    if (m.doc) {
      auto c = content.find(m.doc->f.content_hash);
      if (c != content.end() && c->second == id) content.erase(c);
    }
  }
  if (opt.keep_retired || on_retire) {
    StoryView v = Present(s);
    v.active = false;
    if (on_retire) on_retire(v);
    if (opt.keep_retired) retired.emplace(id, std::move(v));
  }
  ++st.retired_stories;
  // TakeChanges reports active stories only: forget it there (bounded memory when
  // nobody takes the changes).
  changed_stories.erase(id);
  stories.erase(it);
}

}  // namespace storyline
