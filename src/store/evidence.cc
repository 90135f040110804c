#include "store/evidence.h"

#include <map>
#include <utility>

#include "store/story_backend.h"

#if STORYLINE_STORE_ENGINE
#include "core/json_writer.h"
#include "storyline/relate.h"
#endif

namespace storyline {

Status AddEvidence(StoryDetail* d, const std::vector<StoryRelation>& old_relations,
                   const std::vector<StoryPassage>& old_passages,
                   const std::function<Result<Article>(const std::string&)>& load) {
  const StoryHeader& h = d->header;
  std::map<std::pair<std::string, std::string>, const StoryRelation*> old;
  for (const auto& r : old_relations) old[{r.a, r.b}] = &r;
#if STORYLINE_STORE_ENGINE
  std::map<std::string, ArticleFeatures> features;  // analysed once per call
  auto features_of = [&](const std::string& id) -> Result<const ArticleFeatures*> {
    auto it = features.find(id);
    if (it != features.end()) return &it->second;
    auto a = load(id);
    if (!a.ok()) return a.status();
    return &features.emplace(id, AnalyzeArticle(*a)).first->second;
  };
#endif
  size_t compared = 0;
  for (const StoryMember& m : h.members) {
    if (compared >= kMaxComparedMembers) break;
    std::string a = !m.of.empty() ? m.of : h.original;
    if (a.empty() || a == m.id) continue;
    ++compared;
    auto it = old.find({a, m.id});
    if (it != old.end() && it->second->relation == m.relation) {
      d->relations.push_back(*it->second);
      for (const auto& p : old_passages) {
        if (p.a == a && p.b == m.id) d->passages.push_back(p);
      }
      continue;
    }
    StoryRelation rel;
    rel.a = a;
    rel.b = m.id;
    rel.relation = m.relation;
    rel.score = m.score;
    rel.scores_json = "{}";
#if STORYLINE_STORE_ENGINE
    auto fa = features_of(a);
    auto fb = features_of(m.id);
    if (!fa.ok() || !fb.ok()) {
      // A member whose `of` is not stored (yet): the relation without evidence.
      d->relations.push_back(std::move(rel));
      continue;
    }
    CompareResult c = Compare(**fa, **fb);
    JsonWriter w;
    w.BeginObject();
    for (const auto& [k, v] : c.scores) {
      w.Key(k);
      w.Double(v);
    }
    w.Key("relation");
    w.String(RelationName(c.relation));
    w.Key("reason");
    w.String(c.reason);
    w.EndObject();
    rel.scores_json = w.Take();
    auto sim = c.scores.find("similarity");
    if (sim != c.scores.end()) rel.score = sim->second;
    for (const SharedPassage& p : c.shared_passages) {
      d->passages.push_back({a, m.id, p.a_start, p.a_end, p.b_start, p.b_end, p.text});
    }
#endif
    d->relations.push_back(std::move(rel));
  }
  return Status::Ok();
}

}  // namespace storyline
