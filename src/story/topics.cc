// Copyright storyline authors.
//
// Topics: the longer-running groups stories link to.
#include <algorithm>

#include "story/engine_impl.h"

namespace storyline {

using engine_internal::AddInto;
using engine_internal::Cap;
using engine_internal::DotMap;
using story_internal::SparseVec;

void StoryEngine::Impl::TopicAdd(Topic* t, const Member& m) {
  AddInto(&t->centroid, m.tv);
  AddInto(&t->names, m.sv);
  Cap(&t->centroid, opt.centroid_terms);
  Cap(&t->names, opt.centroid_terms / 2);
  t->cnorm = story_internal::Norm(t->centroid);
  t->nnorm = story_internal::Norm(t->names);
  t->last_feed = clock;
  for (uint64_t k : QueryKeys(m.tv, m.sv, true)) {
    Post(&topic_postings, k, t->id, opt.posting_cap, &t->posted);
  }
}

std::pair<int64_t, double> StoryEngine::Impl::BestTopic(const Story& s, int64_t exclude) {
  SparseVec tv, nv;
  // The story's current centroid as a sparse vector (normalised).
  tv.reserve(s.centroid.size());
  for (const auto& [k, w] : s.centroid) {
    tv.emplace_back(k, static_cast<float>(w / (s.cnorm > 0 ? s.cnorm : 1)));
  }
  double snorm = story_internal::Norm(s.salient);
  nv.reserve(s.salient.size());
  for (const auto& [k, w] : s.salient) {
    nv.emplace_back(k, static_cast<float>(w / (snorm > 0 ? snorm : 1)));
  }
  int64_t best = -1;
  double best_score = 0;
  for (int64_t tid : Candidates(topic_postings, tv, nv, true)) {
    if (tid == exclude) continue;
    auto it = topics.find(tid);
    if (it == topics.end()) continue;
    const Topic& t = it->second;
    if (clock != kNoTime && t.last_feed != kNoTime && clock - t.last_feed > opt.topic_window) {
      continue;
    }
    double ct = t.cnorm > 0 ? DotMap(tv, t.centroid) / t.cnorm : 0;
    double cn = t.nnorm > 0 ? DotMap(nv, t.names) / t.nnorm : 0;
    double score = 0.5 * ct + 0.5 * cn;
    if (score > best_score || (score == best_score && tid < best)) {
      best_score = score;
      best = tid;
    }
  }
  return {best, best_score};
}

void StoryEngine::Impl::JoinTopic(Story* s, int64_t tid) {
  Topic& t = topics.at(tid);
  t.stories.push_back(s->id);
  CapTopic(&t);
  for (const Member& m : s->members) TopicAdd(&t, m);
  s->topic = tid;
  briefs[s->id].topic = tid;
  changed_topics.insert(tid);
}

void StoryEngine::Impl::AssignTopic(Story* s) {
  auto [tid, score] = BestTopic(*s, -1);
  if (tid < 0 || score < opt.topic_threshold) {
    Topic t;
    t.id = next_topic++;
    ++st.topics;
    tid = t.id;
    topics.emplace(tid, std::move(t));
  }
  JoinTopic(s, tid);
}

void StoryEngine::Impl::CapTopic(Topic* t) {
  const size_t kMax = 256;
  // With keep_retired every story stays listed (the report groups by topic).
  if (opt.keep_retired) return;
  size_t drop = t->stories.size() > kMax ? t->stories.size() - kMax : 0;
  // The list is in order of joining the topic: drop from the front while the
  // story is retired and older than the window (the newest always stays).
  while (clock != kNoTime && drop + 1 < t->stories.size()) {
    const int64_t sid = t->stories[drop];
    if (stories.count(sid)) break;
    auto b = briefs.find(sid);
    if (b != briefs.end() &&
        (b->second.first_seen == kNoTime || b->second.first_seen >= clock - opt.topic_window)) {
      break;
    }
    ++drop;
  }
  if (drop == 0) return;
  for (size_t i = 0; i < drop; ++i) {
    if (!stories.count(t->stories[i])) briefs.erase(t->stories[i]);
  }
  t->stories.erase(t->stories.begin(), t->stories.begin() + drop);
}

void StoryEngine::Impl::RecheckTopic(Story* s) {
  auto it = topics.find(s->topic);
  if (it == topics.end() || it->second.stories.size() != 1) return;
  auto [tid, score] = BestTopic(*s, s->topic);
  if (tid < 0 || score < opt.topic_threshold) return;
  Unpost(&topic_postings, it->second.posted, it->first);
  topics.erase(it);
  JoinTopic(s, tid);
}

}  // namespace storyline
