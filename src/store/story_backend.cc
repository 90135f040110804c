// StoryBackend over the StoryEngine (storyline/story.h).
#include "store/story_backend.h"

#if !STORYLINE_STORE_ENGINE
#include "store/solo_backend.inc"
#else

#include <chrono>
#include <map>
#include <set>

#include "storyline/story.h"

namespace storyline {
namespace {

StoryDetail ToDetail(const StoryView& v) {
  StoryDetail d;
  StoryHeader& h = d.header;
  h.story = v.id;
  h.title = v.title;
  h.topic = v.topic;
  h.original = v.original;
  h.first_seen = v.first_seen;
  h.last_seen = v.last_seen;
  h.sources = v.sources;
  for (const StoryMemberView& m : v.members) {
    StoryMember s;
    s.id = m.id;
    s.relation = m.relation;
    s.of = m.of;
    s.score = m.score;
    s.title = m.title;
    s.source = m.source;
    s.url = m.url;
    s.published = m.published;
    s.date_evidence = m.date_evidence;
    h.members.push_back(std::move(s));
  }
  for (const StoryQuoteView& q : v.quotes) {
    d.quotes.push_back({q.article_id, q.text, q.speaker, q.start, q.end, q.shared_by});
  }
  for (const WeightedTerm& t : v.key_names) {
    d.key_names.push_back({t.term, std::string(NameKindName(t.kind)), t.weight});
  }
  for (const WeightedTerm& t : v.key_terms) d.key_terms.push_back({t.term, "term", t.weight});
  d.summary = v.summary;
  d.merged_from = v.merged_from;
  return d;
}

void Assign(const Assignment& as, StoredArticle* a) {
  a->story = as.story;
  a->topic = as.topic;
  a->relation = as.relation;
  a->of = as.of;
  a->score = as.score;
}

class EngineBackend : public StoryBackend {
 public:
  EngineBackend() : engine_(Options()) { Hook(); }

  static StoryOptions Options() {
    StoryOptions o;
    // The store keeps retired stories itself: the engine's memory stays bounded by
    // its active window however long the feed.
    o.keep_retired = false;
    // No text dates an article after the clock at ingest.
    o.latest_date = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    return o;
  }

  Status Add(StoredArticle* a) override {
    Assign(engine_.Add(a->article), a);
    return Status::Ok();
  }

  Status AddAll(std::vector<StoredArticle>* batch, int threads) override {
    std::vector<Article> arts;
    arts.reserve(batch->size());
    for (const auto& a : *batch) arts.push_back(a.article);
    std::vector<Assignment> as = engine_.AddAll(arts, threads);
    for (size_t i = 0; i < batch->size() && i < as.size(); ++i) Assign(as[i], &(*batch)[i]);
    return Status::Ok();
  }

  StoryChanges TakeChanges() override {
    EngineChanges ec = engine_.TakeChanges();
    StoryChanges c;
    std::set<int64_t> stories(ec.stories.begin(), ec.stories.end());
    for (const auto& [id, view] : retired_) stories.insert(id);
    for (const MergeRecord& m : ec.merges) {
      c.merges.emplace_back(m.from, m.into);
      stories.erase(m.from);
      stories.insert(m.into);
    }
    c.stories.assign(stories.begin(), stories.end());
    if (!ec.topics.empty()) {
      std::set<int64_t> want(ec.topics.begin(), ec.topics.end());
      engine_.ForEachTopic([&](const TopicView& t) {
        if (want.count(t.id)) c.topics.emplace_back(t.id, t.label);
      });
    }
    return c;
  }

  Result<StoryDetail> Present(int64_t story) override {
    auto it = retired_.find(story);
    if (it != retired_.end()) {
      StoryDetail d = ToDetail(it->second);
      retired_.erase(it);
      return d;
    }
    std::optional<StoryView> v = engine_.GetStory(story);
    if (!v) return Status::NotFound("story " + std::to_string(story) + " is not active");
    return ToDetail(*v);
  }

  Result<std::string> Snapshot() override { return engine_.Snapshot(); }
  Status Restore(std::string_view blob) override {
    Status s = engine_.Restore(blob);
    retired_.clear();
    return s;
  }
  std::string StateName() const override { return StoryEngine::kSnapshotFormat; }

 private:
  void Hook() {
    // A story leaving the active set is final: keep its last view until the next
    // commit writes it.
    engine_.set_on_retire([this](const StoryView& v) { retired_[v.id] = v; });
  }

  StoryEngine engine_;
  std::map<int64_t, StoryView> retired_;
};

}  // namespace

std::unique_ptr<StoryBackend> MakeStoryBackend(int) { return std::make_unique<EngineBackend>(); }

}  // namespace storyline

#endif  // STORYLINE_STORE_ENGINE
