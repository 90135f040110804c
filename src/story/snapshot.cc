// Copyright storyline authors.
//
// StoryEngine::Snapshot and Restore: the engine's state as bytes (serial.h).
#include <algorithm>

#include "story/engine_impl.h"
#include "story/serial.h"

namespace storyline {

using engine_internal::CentroidMap;
using engine_internal::Member;
using engine_internal::Story;
using engine_internal::StoryBrief;
using engine_internal::StrictlySorted;
using engine_internal::TokenCounts;
using engine_internal::Topic;
using story_internal::AnalyzeForStory;
using story_internal::SparseVec;
using story_internal::StoryDoc;

namespace {

using story_internal::ByteReader;
using story_internal::ByteWriter;

void PutVec(ByteWriter* w, const SparseVec& v) {
  w->U64(v.size());
  for (const auto& [k, x] : v) {
    w->U64(k);
    w->F32(x);
  }
}
bool GetVec(ByteReader* r, SparseVec* v) {
  uint64_t n;
  if (!r->U64(&n) || n > (1u << 24)) return false;
  v->resize(n);
  for (auto& [k, x] : *v) {
    if (!r->U64(&k) || !r->F32(&x)) return false;
  }
  return true;
}
void PutMap(ByteWriter* w, const CentroidMap& m) { PutVec(w, m); }  // sorted by key
bool GetMap(ByteReader* r, CentroidMap* m) {
  if (!GetVec(r, m)) return false;
  if (!StrictlySorted(*m)) {  // a blob not written by PutMap: first entry of a key wins
    std::stable_sort(m->begin(), m->end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    m->erase(std::unique(m->begin(), m->end(),
                         [](const auto& a, const auto& b) { return a.first == b.first; }),
             m->end());
  }
  return true;
}
void PutIds(ByteWriter* w, const std::vector<int64_t>& v) {
  w->U64(v.size());
  for (int64_t x : v) w->I64(x);
}
bool GetIds(ByteReader* r, std::vector<int64_t>* v) {
  uint64_t n;
  if (!r->U64(&n) || n > (1u << 26)) return false;
  v->resize(n);
  for (auto& x : *v) {
    if (!r->I64(&x)) return false;
  }
  return true;
}
void PutKeys(ByteWriter* w, const std::vector<uint64_t>& v) {
  w->U64(v.size());
  for (uint64_t x : v) w->U64(x);
}
bool GetKeys(ByteReader* r, std::vector<uint64_t>* v) {
  uint64_t n;
  if (!r->U64(&n) || n > (1u << 26)) return false;
  v->resize(n);
  for (auto& x : *v) {
    if (!r->U64(&x)) return false;
  }
  return true;
}
bool GetCounts(ByteReader* r, std::unordered_map<uint64_t, uint32_t>* m) {
  uint64_t n;
  if (!r->U64(&n) || n > (1u << 26)) return false;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t k, c;
    if (!r->U64(&k) || !r->U64(&c)) return false;
    (*m)[k] = static_cast<uint32_t>(c);
  }
  return true;
}
bool GetCounts(ByteReader* r, TokenCounts* m) {
  std::unordered_map<uint64_t, uint32_t> all;
  if (!GetCounts(r, &all)) return false;
  m->assign(all.begin(), all.end());
  std::sort(m->begin(), m->end());
  return true;
}
bool GetMainNames(ByteReader* r, std::map<std::vector<uint64_t>, std::pair<uint32_t, float>>* m) {
  uint64_t n;
  if (!r->U64(&n) || n > (1u << 24)) return false;
  for (uint64_t i = 0; i < n; ++i) {
    std::vector<uint64_t> toks;
    uint64_t c;
    float w;
    if (!GetKeys(r, &toks) || !r->U64(&c) || !r->F32(&w)) return false;
    (*m)[toks] = {static_cast<uint32_t>(c), w};
  }
  return true;
}
void PutPostings(ByteWriter* w, const std::unordered_map<uint64_t, std::vector<int64_t>>& p) {
  std::vector<uint64_t> keys;
  keys.reserve(p.size());
  for (const auto& [k, v] : p) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  w->U64(keys.size());
  for (uint64_t k : keys) {
    w->U64(k);
    PutIds(w, p.at(k));
  }
}
bool GetPostings(ByteReader* r, std::unordered_map<uint64_t, std::vector<int64_t>>* p) {
  uint64_t n;
  if (!r->U64(&n) || n > (1u << 28)) return false;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t k;
    if (!r->U64(&k) || !GetIds(r, &(*p)[k])) return false;
  }
  return true;
}

void PutTermStats(ByteWriter* w, const TermStats& stats) {
  const TermStats::Counts c = stats.ExportCounts();
  w->U64(c.added);
  for (const auto* list : {&c.corpus, &c.lang_corpus}) {
    w->U64(list->size());
    for (const auto& [k, n] : *list) {
      w->U64(k);
      w->U64(n);
    }
  }
  w->U64(c.lang_docs.size());
  for (const auto& [lang, n] : c.lang_docs) {
    w->Str(lang);
    w->U64(n);
  }
}
bool GetTermStats(ByteReader* r, TermStats* stats) {
  TermStats::Counts c;
  uint64_t u;
  if (!r->U64(&c.added)) return false;
  for (auto* list : {&c.corpus, &c.lang_corpus}) {
    if (!r->U64(&u)) return false;
    for (uint64_t i = 0; i < u; ++i) {
      uint64_t k, n;
      if (!r->Read(&k, &n)) return false;
      list->emplace_back(k, static_cast<uint32_t>(n));
    }
  }
  if (!r->U64(&u)) return false;
  for (uint64_t i = 0; i < u; ++i) {
    std::string lang;
    uint64_t n;
    if (!r->Read(&lang, &n)) return false;
    c.lang_docs.emplace_back(std::move(lang), n);
  }
  stats->ImportCounts(c);
  return true;
}

// The article of a live member: its text is analysed again on restore.
void PutArticle(ByteWriter* w, const Article& a) {
  w->Str(a.id);
  w->Str(a.title);
  w->Str(a.text);
  w->Str(a.url);
  w->Str(a.source);
  w->Str(a.published);
  w->I64(a.published_ts);
  w->Str(a.lang);
  w->Str(a.author);
  w->U64(a.seq);
}
bool GetArticle(ByteReader* r, Article* a) {
  return r->Read(&a->id, &a->title, &a->text, &a->url, &a->source, &a->published, &a->published_ts,
                 &a->lang, &a->author, &a->seq);
}

void PutMember(ByteWriter* w, const Member& x) {
  w->Str(x.id);
  w->Str(RelationName(x.relation));
  w->Str(x.of);
  w->F64(x.score);
  w->U64(x.seq);
  w->I64(x.time);
  w->Str(x.date_evidence);
  w->F64(x.date_confidence);
  PutVec(w, x.tv);
  PutVec(w, x.nv);
  PutVec(w, x.numv);
  PutVec(w, x.sv);
  PutVec(w, x.lv);
  w->U64(x.main_names.size());
  for (const auto& [toks, wt] : x.main_names) {
    PutKeys(w, toks);
    w->F32(wt);
  }
  w->U8(x.doc ? 1 : 0);
  if (x.doc) PutArticle(w, x.doc->meta);
}
// A member of story `story`; a live member's analysis is rebuilt and listed in
// `content`.
bool GetMember(ByteReader* r, int64_t story, Member* x,
               std::unordered_map<uint64_t, int64_t>* content) {
  uint8_t has_doc;
  if (!r->Read(&x->id, &x->relation, &x->of, &x->score, &x->seq, &x->time, &x->date_evidence,
               &x->date_confidence) ||
      !GetVec(r, &x->tv) || !GetVec(r, &x->nv) || !GetVec(r, &x->numv) || !GetVec(r, &x->sv) ||
      !GetVec(r, &x->lv)) {
    return false;
  }
  uint64_t nmn;
  if (!r->U64(&nmn) || nmn > (1u << 20)) return false;
  x->main_names.resize(nmn);
  for (auto& [toks, wt] : x->main_names) {
    if (!GetKeys(r, &toks) || !r->F32(&wt)) return false;
  }
  if (!r->U8(&has_doc)) return false;
  if (has_doc) {
    Article a;
    if (!GetArticle(r, &a)) return false;
    // The texts' analyses (names, quotes, sentences) are rebuilt for the live
    // members only; no clustering decision is recomputed.
    x->doc = std::make_shared<StoryDoc>(AnalyzeForStory(a));
    (*content)[x->doc->f.content_hash] = story;
  }
  return true;
}

void PutActiveStory(ByteWriter* w, const Story& s) {
  w->I64(s.id);
  w->I64(s.topic);
  w->U64(s.original);
  w->I64(s.last_feed);
  w->I64(s.date_min);
  w->I64(s.date_max);
  w->U64(s.next_topic_check);
  PutMap(w, s.centroid);
  PutMap(w, s.names);
  PutMap(w, s.numbers);
  PutMap(w, s.salient);
  w->U64(s.name_tokens.size());  // sorted by token
  for (auto& [k, c] : s.name_tokens) {
    w->U64(k);
    w->U64(c);
  }
  w->U64(s.main_names.size());
  for (const auto& [toks, e] : s.main_names) {
    PutKeys(w, toks);
    w->U64(e.first);
    w->F32(e.second);
  }
  PutKeys(w, s.posted);
  PutIds(w, s.merged_from);
  w->U64(s.members.size());
  for (const Member& x : s.members) PutMember(w, x);
}
// A story with its members; its norms and live count derived. False when the
// blob is damaged.
bool GetActiveStory(ByteReader* r, Story* s, std::unordered_map<uint64_t, int64_t>* content) {
  uint64_t orig, ntc, nm;
  if (!r->Read(&s->id, &s->topic, &orig, &s->last_feed, &s->date_min, &s->date_max, &ntc)) {
    return false;
  }
  s->original = orig;
  s->next_topic_check = static_cast<uint32_t>(ntc);
  if (!GetMap(r, &s->centroid) || !GetMap(r, &s->names) || !GetMap(r, &s->numbers) ||
      !GetMap(r, &s->salient) || !GetCounts(r, &s->name_tokens) ||
      !GetMainNames(r, &s->main_names) || !GetKeys(r, &s->posted) || !GetIds(r, &s->merged_from) ||
      !r->U64(&nm)) {
    return false;
  }
  for (uint64_t j = 0; j < nm; ++j) {
    Member x;
    if (!GetMember(r, s->id, &x, content)) return false;
    s->live += x.doc != nullptr;
    s->members.push_back(std::move(x));
  }
  if (s->original >= s->members.size()) return false;
  std::sort(s->posted.begin(), s->posted.end());  // blobs of older builds: duplicates
  s->posted.erase(std::unique(s->posted.begin(), s->posted.end()), s->posted.end());
  s->cnorm = story_internal::Norm(s->centroid);
  s->nnorm = story_internal::Norm(s->names);
  s->numnorm = story_internal::Norm(s->numbers);
  return true;
}

void PutTopic(ByteWriter* w, const Topic& t) {
  w->I64(t.id);
  PutMap(w, t.centroid);
  PutMap(w, t.names);
  PutIds(w, t.stories);
  w->I64(t.last_feed);
  PutKeys(w, t.posted);
}
bool GetTopic(ByteReader* r, Topic* t) {
  if (!r->I64(&t->id) || !GetMap(r, &t->centroid) || !GetMap(r, &t->names) ||
      !GetIds(r, &t->stories) || !r->I64(&t->last_feed) || !GetKeys(r, &t->posted)) {
    return false;
  }
  t->cnorm = story_internal::Norm(t->centroid);
  t->nnorm = story_internal::Norm(t->names);
  std::sort(t->posted.begin(), t->posted.end());
  t->posted.erase(std::unique(t->posted.begin(), t->posted.end()), t->posted.end());
  return true;
}

void PutBriefs(ByteWriter* w, const std::unordered_map<int64_t, StoryBrief>& briefs) {
  w->U64(briefs.size());
  std::vector<int64_t> ids;
  ids.reserve(briefs.size());
  for (const auto& [id, b] : briefs) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  for (int64_t id : ids) {
    const StoryBrief& b = briefs.at(id);
    w->I64(id);
    w->Str(b.title);
    w->I64(b.first_seen);
    w->I64(b.topic);
  }
}
bool GetBriefs(ByteReader* r, std::unordered_map<int64_t, StoryBrief>* briefs) {
  uint64_t u;
  if (!r->U64(&u)) return false;
  for (uint64_t i = 0; i < u; ++i) {
    int64_t id;
    StoryBrief b;
    if (!r->Read(&id, &b.title, &b.first_seen, &b.topic)) return false;
    (*briefs)[id] = b;
  }
  return true;
}

void PutMergedInto(ByteWriter* w, const std::map<int64_t, int64_t>& merged_into) {
  w->U64(merged_into.size());
  for (const auto& [a, b] : merged_into) {
    w->I64(a);
    w->I64(b);
  }
}
bool GetMergedInto(ByteReader* r, std::map<int64_t, int64_t>* merged_into) {
  uint64_t u;
  if (!r->U64(&u)) return false;
  for (uint64_t i = 0; i < u; ++i) {
    int64_t a, b;
    if (!r->Read(&a, &b)) return false;
    (*merged_into)[a] = b;
  }
  return true;
}

// Splits (a trailer: blobs of builds before the splits end before it): the pairs
// of stories split from each other and the members' cached pair probabilities.
void PutSplits(ByteWriter* w, const std::map<int64_t, Story>& stories) {
  for (const auto& [id, s] : stories) {
    PutIds(w, s.split_from);
    for (const Member& x : s.members) {
      w->U64(x.pe.size());
      for (const auto& [q, v] : x.pe) {
        w->U64(q);
        w->F32(v);
      }
    }
  }
}
// `limit`: at most this many cached probabilities per member (the blob's size).
bool GetSplits(ByteReader* r, size_t limit, std::map<int64_t, Story>* stories) {
  for (auto& [id, s] : *stories) {
    if (!GetIds(r, &s.split_from)) return false;
    for (Member& x : s.members) {
      uint64_t k;
      if (!r->U64(&k) || k > limit) return false;
      x.pe.resize(k);
      for (auto& [q, v] : x.pe) {
        if (!r->Read(&q, &v)) return false;
      }
    }
  }
  return true;
}

// Recurring formats (a second trailer: blobs of builds before it end before it):
// the learned counts, and each live member's mask (its evidence is rebuilt).
void PutTemplates(ByteWriter* w, const story_internal::TemplateModel& t,
                  const std::map<int64_t, Story>& stories) {
  const auto entries = t.Export();
  w->U64(entries.size());
  for (const auto& e : entries) {
    w->U64(e.key);
    w->U64(e.count);
    w->U64(e.last);
  }
  w->U64(t.formatted());
  for (const auto& [id, s] : stories) {
    for (const Member& x : s.members) {
      if (!x.doc) continue;
      const story_internal::TemplateMask& mk = x.doc->mask;
      w->U64(mk.spans.size());
      for (const auto& [b, e] : mk.spans) {
        w->U64(b);
        w->U64(e);
      }
      w->U8(mk.title_masked ? 1 : 0);
      w->Str(mk.title);
    }
  }
}
bool GetTemplates(ByteReader* r, size_t limit, story_internal::TemplateModel* t,
                  std::map<int64_t, Story>* stories) {
  uint64_t n, formatted;
  if (!r->U64(&n) || n > limit) return false;
  std::vector<story_internal::TemplateModel::Entry> entries(n);
  for (auto& e : entries) {
    uint64_t v;
    if (!r->U64(&e.key) || !r->U64(&v) || !r->U64(&e.last)) return false;
    e.count = static_cast<uint32_t>(v);
  }
  if (!r->U64(&formatted)) return false;
  t->Import(entries, formatted);
  for (auto& [id, s] : *stories) {
    for (Member& x : s.members) {
      if (!x.doc) continue;
      story_internal::TemplateMask mk;
      uint64_t ns;
      uint8_t title_masked;
      if (!r->U64(&ns) || ns > limit) return false;
      mk.spans.resize(ns);
      for (auto& [b, e] : mk.spans) {
        uint64_t vb, ve;
        if (!r->U64(&vb) || !r->U64(&ve)) return false;
        b = static_cast<uint32_t>(vb);
        e = static_cast<uint32_t>(ve);
      }
      if (!r->U8(&title_masked) || !r->Str(&mk.title)) return false;
      mk.title_masked = title_masked != 0;
      if (mk.empty()) continue;
      x.doc->mask = mk;
      x.doc->evidence = story_internal::MaskedEvidence(*x.doc, mk);
    }
  }
  return true;
}

}  // namespace

std::string StoryEngine::Snapshot() const {
  const Impl& m = *impl_;
  ByteWriter w;
  w.Str(kSnapshotFormat);
  w.I64(m.clock);
  w.U64(m.seq);
  w.I64(m.next_story);
  w.I64(m.next_topic);
  w.U64(m.st.articles);
  w.U64(m.st.stories);
  w.U64(m.st.retired_stories);
  w.U64(m.st.topics);
  w.U64(m.st.merges);
  // Term statistics (what was counted; the background table ships with the code).
  PutTermStats(&w, m.stats);
  w.U64(m.stories.size());
  for (const auto& [id, s] : m.stories) PutActiveStory(&w, s);
  w.U64(m.topics.size());
  for (const auto& [id, t] : m.topics) PutTopic(&w, t);
  PutPostings(&w, m.postings);
  PutPostings(&w, m.topic_postings);
  PutBriefs(&w, m.briefs);
  PutMergedInto(&w, m.merged_into);
  PutSplits(&w, m.stories);
  PutTemplates(&w, m.templates, m.stories);
  return w.Take();
}

bool StoryEngine::Impl::Load(ByteReader* r, size_t blob_size) {
  uint64_t u;
  if (!r->Read(&clock, &seq, &next_story, &next_topic, &st.articles, &st.stories,
               &st.retired_stories, &st.topics, &st.merges) ||
      !GetTermStats(r, &stats) || !r->U64(&u)) {
    return false;
  }
  for (uint64_t i = 0; i < u; ++i) {
    Story s;
    if (!GetActiveStory(r, &s, &content)) return false;
    by_time.insert({s.last_feed, s.id});
    int64_t id = s.id;
    stories.emplace(id, std::move(s));
  }
  if (!r->U64(&u)) return false;
  for (uint64_t i = 0; i < u; ++i) {
    Topic t;
    if (!GetTopic(r, &t)) return false;
    int64_t id = t.id;
    topics.emplace(id, std::move(t));
  }
  if (!GetPostings(r, &postings) || !GetPostings(r, &topic_postings) || !GetBriefs(r, &briefs) ||
      !GetMergedInto(r, &merged_into)) {
    return false;
  }
  if (!r->done() && !GetSplits(r, blob_size, &stories)) return false;  // the splits' trailer
  if (!r->done() && !GetTemplates(r, blob_size, &templates, &stories)) return false;
  return r->done();
}

Status StoryEngine::Restore(std::string_view blob) {
  auto fresh = std::make_unique<Impl>(impl_->opt);
  ByteReader r(blob);
  std::string fmt;
  auto bad = [] { return Status::Corruption("story engine snapshot is damaged or truncated"); };
  if (!r.Str(&fmt)) return bad();
  if (fmt != kSnapshotFormat) {
    return Status::Corruption("story engine snapshot has format '" + fmt + "', expected " +
                              kSnapshotFormat);
  }
  if (!fresh->Load(&r, blob.size())) return bad();
  fresh->on_retire = std::move(impl_->on_retire);
  impl_ = std::move(fresh);
  return Status::Ok();
}

}  // namespace storyline
