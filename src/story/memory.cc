// Copyright storyline authors.
//
// StoryEngine::memory(): an estimate of the heap the engine holds, by part.
#include <unordered_map>

#include "story/engine_impl.h"

namespace storyline {

using engine_internal::Member;
using story_internal::StoryDoc;

namespace {

constexpr uint64_t kMallocOverhead = 16;

uint64_t HeapOf(const std::string& x) {
  // Short strings live inside the object (libstdc++ keeps up to 15 bytes inline).
  return x.capacity() > 15 ? x.capacity() + 1 + kMallocOverhead : 0;
}
template <typename T>
uint64_t HeapOf(const std::vector<T>& v) {
  return v.capacity() ? v.capacity() * sizeof(T) + kMallocOverhead : 0;
}
// Node-based containers: one allocation per element (value, links) plus buckets.
template <typename K, typename V>
uint64_t NodesOf(const std::unordered_map<K, V>& m) {
  return m.size() * (sizeof(std::pair<const K, V>) + 8 + kMallocOverhead) + m.bucket_count() * 8;
}
template <typename C>
uint64_t TreeNodesOf(const C& m) {
  return m.size() * (sizeof(typename C::value_type) + 32 + kMallocOverhead);
}

uint64_t HeapOf(const Article& a) {
  return HeapOf(a.id) + HeapOf(a.title) + HeapOf(a.text) + HeapOf(a.url) + HeapOf(a.source) +
         HeapOf(a.published) + HeapOf(a.lang) + HeapOf(a.author) + HeapOf(a.origin_file);
}

uint64_t HeapOf(const StoryDoc& d) {
  const ArticleFeatures& f = d.f;
  uint64_t b = sizeof(StoryDoc) + 16 + kMallocOverhead;  // make_shared: object and counts
  b += HeapOf(d.meta);
  b += HeapOf(f.id) + HeapOf(f.title) + HeapOf(f.text) + HeapOf(f.lang);
  b += HeapOf(f.boilerplate) + HeapOf(f.tokens) + HeapOf(f.token_spans) + HeapOf(f.stems) +
       HeapOf(f.sentences) + HeapOf(f.terms) + HeapOf(f.lead_terms) + HeapOf(f.char_grams) +
       HeapOf(f.name_keys) + HeapOf(f.names) + HeapOf(f.numbers) + HeapOf(f.years) +
       HeapOf(f.quotes);
  for (const Name& n : f.names) b += HeapOf(n.text);
  for (const Quote& q : f.quotes) {
    b += HeapOf(q.text) + HeapOf(q.speaker) + HeapOf(q.speaker_evidence);
  }
  b += HeapOf(f.provenance.agency) + HeapOf(f.provenance.byline);
  b += HeapOf(d.date.granularity) + HeapOf(d.date.method) + HeapOf(d.date.evidence);
  b += HeapOf(d.reported.granularity) + HeapOf(d.reported.method) + HeapOf(d.reported.evidence);
  b += HeapOf(d.salient) + HeapOf(d.units) + HeapOf(d.title_words) + HeapOf(d.title_spans) +
       HeapOf(d.mask.spans) + HeapOf(d.mask.title);
  if (d.evidence) b += HeapOf(*d.evidence);
  return b;
}

uint64_t HeapOf(const Member& m) {
  uint64_t b = HeapOf(m.id) + HeapOf(m.of) + HeapOf(m.date_evidence) + HeapOf(m.tv) + HeapOf(m.nv) +
               HeapOf(m.numv) + HeapOf(m.lv) + HeapOf(m.sv) + HeapOf(m.main_names) + HeapOf(m.pe);
  for (const auto& [toks, w] : m.main_names) b += HeapOf(toks);
  return b;
}

uint64_t HeapOf(const StoryView& v) {
  uint64_t b = HeapOf(v.title) + HeapOf(v.original) + HeapOf(v.members) + HeapOf(v.sources) +
               HeapOf(v.key_terms) + HeapOf(v.key_names) + HeapOf(v.quotes) + HeapOf(v.summary) +
               HeapOf(v.timeline) + HeapOf(v.merged_from);
  for (const auto& m : v.members) {
    b += HeapOf(m.id) + HeapOf(m.of) + HeapOf(m.title) + HeapOf(m.source) + HeapOf(m.url) +
         HeapOf(m.date_evidence);
  }
  for (const auto& x : v.sources) b += HeapOf(x);
  for (const auto& t : v.key_terms) b += HeapOf(t.term);
  for (const auto& t : v.key_names) b += HeapOf(t.term);
  for (const auto& q : v.quotes) b += HeapOf(q.article_id) + HeapOf(q.text) + HeapOf(q.speaker);
  for (const auto& x : v.summary) b += HeapOf(x);
  for (const auto& t : v.timeline) {
    b += HeapOf(t.kind) + HeapOf(t.article_id) + HeapOf(t.label) + HeapOf(t.evidence);
  }
  return b;
}

}  // namespace

EngineMemory StoryEngine::memory() const {
  const Impl& m = *impl_;
  EngineMemory r;
  r.stories = TreeNodesOf(m.stories);
  for (const auto& [id, s] : m.stories) {
    r.stories += HeapOf(s.members) + HeapOf(s.centroid) + HeapOf(s.names) + HeapOf(s.numbers) +
                 HeapOf(s.salient) + HeapOf(s.name_tokens) + TreeNodesOf(s.main_names) +
                 HeapOf(s.posted) + HeapOf(s.merged_from) + HeapOf(s.split_from);
    for (const auto& [toks, e] : s.main_names) r.stories += HeapOf(toks);
    for (const Member& x : s.members) {
      r.stories += HeapOf(x);
      ++r.members;
      if (x.doc) {
        r.live_docs += HeapOf(*x.doc);
        ++r.live_members;
      }
    }
  }
  r.index = NodesOf(m.postings) + NodesOf(m.content) + TreeNodesOf(m.by_time) +
            TreeNodesOf(m.changed_stories) + TreeNodesOf(m.changed_topics) + HeapOf(m.table_) +
            HeapOf(m.lists_buf_) + HeapOf(m.order_buf_) + HeapOf(m.cells_buf_);
  for (const auto& [k, v] : m.postings) r.index += HeapOf(v);
  r.topics = TreeNodesOf(m.topics) + NodesOf(m.topic_postings) + NodesOf(m.briefs) +
             HeapOf(m.merges) + TreeNodesOf(m.merged_into);
  for (const auto& [k, v] : m.topic_postings) r.topics += HeapOf(v);
  for (const auto& [id, t] : m.topics) {
    r.topics += HeapOf(t.centroid) + HeapOf(t.names) + HeapOf(t.stories) + HeapOf(t.posted);
  }
  for (const auto& [id, b] : m.briefs) r.topics += HeapOf(b.title);
  for (const auto& x : m.merges) r.topics += HeapOf(x.by_article);
  r.topics_held = m.topics.size();
  r.briefs = m.briefs.size();
  r.statistics = m.stats.HeapBytes() + m.templates.HeapBytes();
  r.retired = TreeNodesOf(m.retired) + TreeNodesOf(m.retired_topics);
  for (const auto& [id, v] : m.retired) r.retired += HeapOf(v);
  for (const auto& [id, t] : m.retired_topics) r.retired += HeapOf(t.label) + HeapOf(t.stories);
  r.total = r.stories + r.live_docs + r.index + r.topics + r.statistics + r.retired;
  return r;
}

}  // namespace storyline
