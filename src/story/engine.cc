// Copyright storyline authors.
//
// The online story engine (include/storyline/story.h; docs/stories.md). One pass:
// each article is scored against the few active stories an inverted index proposes,
// joins the best one above the threshold or opens a new story, and its story links
// to a topic the same way over a longer window.
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <unordered_map>

#include "story/engine_impl.h"

namespace storyline {

using engine_internal::Member;
using story_internal::AnalyzeForStory;
using story_internal::StoryDoc;

StoryEngine::StoryEngine(StoryOptions options) : impl_(std::make_unique<Impl>(options)) {}
StoryEngine::~StoryEngine() = default;

const StoryOptions& StoryEngine::options() const { return impl_->opt; }

void PreparedArticleDeleter::operator()(PreparedArticle* p) const { delete p; }

PreparedArticlePtr StoryEngine::Prepare(const Article& article) {
  return PreparedArticlePtr(new PreparedArticle{AnalyzeForStory(article)});
}

Assignment StoryEngine::AddPrepared(PreparedArticlePtr article) {
  return impl_->AddDoc(std::move(article->doc));
}

Assignment StoryEngine::Add(const Article& article) {
  return impl_->AddDoc(AnalyzeForStory(article));
}

std::vector<Assignment> StoryEngine::AddAll(const std::vector<Article>& articles, int threads,
                                            const std::function<void(size_t)>& progress) {
  std::vector<size_t> order(articles.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  // Undated articles follow the dated one before them: sort by the last known time.
  std::vector<Timestamp> key(articles.size());
  Timestamp last = INT64_MIN;
  for (size_t i = 0; i < articles.size(); ++i) {
    if (articles[i].published_ts != kNoTime) last = articles[i].published_ts;
    key[i] = last;
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key[a] < key[b]; });
  const size_t kBatch = 2048;
  tbb::task_arena arena(std::max(1, threads));
  for (size_t begin = 0; begin < order.size(); begin += kBatch) {
    size_t end = std::min(order.size(), begin + kBatch);
    std::vector<StoryDoc> docs(end - begin);
    arena.execute([&] {
      tbb::parallel_for(begin, end,
                        [&](size_t i) { docs[i - begin] = AnalyzeForStory(articles[order[i]]); });
    });
    for (size_t i = 0; i < docs.size(); ++i) {
      impl_->AddDoc(std::move(docs[i]));
      if (progress && (i % 256 == 255)) progress(begin + i + 1);
    }
  }
  if (progress) progress(articles.size());
  std::unordered_map<std::string, Assignment> final_by_id;
  for (Assignment& a : FinalAssignments()) final_by_id[a.id] = std::move(a);
  std::vector<Assignment> out;
  out.reserve(articles.size());
  for (const Article& a : articles) {
    auto it = final_by_id.find(a.id);
    if (it != final_by_id.end()) {
      out.push_back(it->second);
    } else {  // not reached: every article joins a story
      out.push_back(Assignment{a.id, -1, -1, Relation::kUnrelated, "", 0});
    }
  }
  return out;
}

std::vector<Assignment> StoryEngine::FinalAssignments() const {
  std::vector<std::pair<uint64_t, Assignment>> all;
  auto add_view = [&](const StoryView& v) {
    for (const StoryMemberView& m : v.members) {
      all.push_back({m.seq, Assignment{m.id, v.id, v.topic, m.relation, m.of, m.score}});
    }
  };
  for (const auto& [id, v] : impl_->retired) add_view(v);
  for (const auto& [id, s] : impl_->stories) {
    const Member& orig = s.members[s.original];
    for (const Member& m : s.members) {
      bool o = &m == &orig;
      all.push_back({m.seq, Assignment{m.id, s.id, s.topic, o ? Relation::kOriginal : m.relation,
                                       o ? "" : m.of, m.score}});
    }
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Assignment> out;
  out.reserve(all.size());
  for (auto& [s, a] : all) out.push_back(std::move(a));
  return out;
}

std::optional<StoryView> StoryEngine::GetStory(int64_t id) const {
  id = impl_->Resolve(id);
  if (auto it = impl_->stories.find(id); it != impl_->stories.end()) {
    return impl_->Present(it->second);
  }
  if (auto it = impl_->retired.find(id); it != impl_->retired.end()) return it->second;
  return std::nullopt;
}

void StoryEngine::ForEachStory(const std::function<void(const StoryView&)>& fn) const {
  auto r = impl_->retired.begin();
  auto a = impl_->stories.begin();
  while (r != impl_->retired.end() || a != impl_->stories.end()) {
    if (a == impl_->stories.end() || (r != impl_->retired.end() && r->first < a->first)) {
      fn(r->second);
      ++r;
    } else {
      fn(impl_->Present(a->second));
      ++a;
    }
  }
}

void StoryEngine::ForEachTopic(const std::function<void(const TopicView&)>& fn) const {
  std::map<int64_t, TopicView> all(impl_->retired_topics.begin(), impl_->retired_topics.end());
  for (const auto& [id, t] : impl_->topics) all[id] = impl_->PresentTopic(t);
  for (const auto& [id, v] : all) fn(v);
}

std::vector<MergeRecord> StoryEngine::merges() const { return impl_->merges; }
std::vector<MoveRecord> StoryEngine::moves() const { return impl_->moves; }

void StoryEngine::set_on_retire(std::function<void(const StoryView&)> fn) {
  impl_->on_retire = std::move(fn);
}

EngineChanges StoryEngine::TakeChanges() {
  EngineChanges c;
  for (int64_t s : impl_->changed_stories) {
    if (impl_->stories.count(s)) c.stories.push_back(s);
  }
  c.merges = std::move(impl_->changed_merges);
  c.moves = std::move(impl_->changed_moves);
  impl_->changed_moves.clear();
  c.topics.assign(impl_->changed_topics.begin(), impl_->changed_topics.end());
  impl_->changed_stories.clear();
  impl_->changed_merges.clear();
  impl_->changed_topics.clear();
  return c;
}

EngineStats StoryEngine::stats() const {
  EngineStats s = impl_->st;
  s.active_stories = impl_->stories.size();
  return s;
}

}  // namespace storyline
