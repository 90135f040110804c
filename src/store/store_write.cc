// Copyright storyline authors.
//
// The store's ingest side: the Store::Impl calls StoreIngest makes inside its
// transactions (articles, stories, topics, the engine's state) and the reads it
// needs to resume (docs/store.md).
#include <ctime>

#include "store/store_impl.h"
#include "storyline/store.h"

namespace storyline {
namespace {

// Stories without any dated member sort after every dated one.
constexpr int64_t kNoTimeSortKey = INT64_MIN / 2;

}  // namespace

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

uint64_t TextContentHash(std::string_view text, Words* scratch) {
  Tokenize(text, scratch);
  return scratch->empty() ? 0 : ContentHash(*scratch);
}

Status Store::Impl::InsertArticle(StoredArticle* a) {
  const Article& ar = a->article;
  STORYLINE_RETURN_IF_ERROR(sql::Run(
      *db,
      "INSERT INTO articles(id, content_hash, title, text, cleaned, url, source, published, "
      "published_ts, lang, author, origin_file, origin_line, ingested_at, story, topic, "
      "relation, of_id, score, outlet_evidence, credit) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
      ar.id, a->content_hash, ar.title, ar.text, a->cleaned_text, sql::TextOrNull{ar.url},
      sql::TextOrNull{ar.source}, sql::TextOrNull{ar.published},
      sql::TimeOrNull{ar.published_ts, kNoTime}, sql::TextOrNull{ar.lang},
      sql::TextOrNull{ar.author}, sql::TextOrNull{ar.origin_file}, ar.origin_line, Now(),
      sql::IdOrNull{a->story}, sql::IdOrNull{a->topic},
      sql::TextOrNull{a->relation ? RelationName(*a->relation) : ""}, sql::TextOrNull{a->of},
      a->score, sql::TextOrNull{a->outlet_evidence}, sql::TextOrNull{a->credit}));
  a->seq = db->LastInsertRowid();
  if (a->set_aside.empty()) return Status::Ok();
  auto sa = db->Prepare(
      "INSERT OR REPLACE INTO set_aside(seq, line, begin_byte, end_byte, text, reason) "
      "VALUES (?,?,?,?,?,?)");
  if (!sa.ok()) return sa.status();
  for (const auto& l : a->set_aside) {
    STORYLINE_RETURN_IF_ERROR(sql::Run(**sa, a->seq, static_cast<int64_t>(l.line),
                                       static_cast<int64_t>(l.begin), static_cast<int64_t>(l.end),
                                       l.text, l.reason));
  }
  return Status::Ok();
}

Result<bool> Store::Impl::HasId(const std::string& id) {
  return sql::ReadRow(
      *db, "SELECT 1 FROM articles WHERE id=?", [](const sql::Stmt&) {}, id);
}

Result<std::optional<std::string>> Store::Impl::IdWithHash(uint64_t hash) {
  std::optional<std::string> out;
  auto found = sql::ReadRow(
      *db, "SELECT id FROM articles WHERE content_hash=? LIMIT 1",
      [&](const sql::Stmt& r) { out = r.Text(0); }, hash);
  if (!found.ok()) return found.status();
  return out;
}

Status Store::Impl::DeleteStory(int64_t story, int64_t merged_into) {
  for (const char* t :
       {"story_members", "story_relations", "story_passages", "story_quotes", "story_terms"}) {
    STORYLINE_RETURN_IF_ERROR(
        sql::Run(*db, std::string("DELETE FROM ") + t + " WHERE story=?", story));
  }
  STORYLINE_RETURN_IF_ERROR(sql::Run(*db, "DELETE FROM stories WHERE id=?", story));
  if (merged_into < 0) return Status::Ok();
  return sql::Run(*db,
                  "INSERT OR REPLACE INTO story_merges(from_story, into_story, at_seq) "
                  "VALUES (?, ?, (SELECT coalesce(max(seq),0) FROM articles))",
                  story, merged_into);
}

Status Store::Impl::WriteStory(const StoryDetail& d) {
  STORYLINE_RETURN_IF_ERROR(DeleteStory(d.header.story, -1));
  STORYLINE_RETURN_IF_ERROR(WriteStoryRow(d));
  STORYLINE_RETURN_IF_ERROR(WriteMembers(d.header));
  STORYLINE_RETURN_IF_ERROR(WriteRelations(d.header.story, d.relations));
  STORYLINE_RETURN_IF_ERROR(WritePassages(d.header.story, d.passages));
  STORYLINE_RETURN_IF_ERROR(WriteQuotes(d.header.story, d.quotes));
  STORYLINE_RETURN_IF_ERROR(WriteTerms(d));
  return WriteMergedFrom(d);
}

Status Store::Impl::WriteStoryRow(const StoryDetail& d) {
  const StoryHeader& h = d.header;
  int64_t sort_key = h.last_seen != kNoTime    ? h.last_seen
                     : h.first_seen != kNoTime ? h.first_seen
                                               : kNoTimeSortKey;
  return sql::Run(*db,
                  "INSERT INTO stories(id, title, topic, original, first_seen, last_seen, "
                  "sort_key, member_count, sources, summary) VALUES (?,?,?,?,?,?,?,?,?,?)",
                  h.story, h.title, sql::IdOrNull{h.topic}, sql::TextOrNull{h.original},
                  sql::TimeOrNull{h.first_seen, kNoTime}, sql::TimeOrNull{h.last_seen, kNoTime},
                  sort_key, static_cast<int64_t>(h.members.size()), StringArrayJson(h.sources),
                  StringArrayJson(d.summary));
}

// The story_members rows, and each member's own columns in articles.
Status Store::Impl::WriteMembers(const StoryHeader& h) {
  auto mem = db->Prepare(
      "INSERT INTO story_members(story, pos, article_id, relation, of_id, score, time, "
      "date_evidence) VALUES (?,?,?,?,?,?,?,?)");
  auto upd =
      db->Prepare("UPDATE articles SET story=?, topic=?, relation=?, of_id=?, score=? WHERE id=?");
  if (!mem.ok()) return mem.status();
  if (!upd.ok()) return upd.status();
  int64_t pos = 0;
  for (const StoryMember& m : h.members) {
    STORYLINE_RETURN_IF_ERROR(
        sql::Run(**mem, h.story, pos++, m.id, RelationName(m.relation), sql::TextOrNull{m.of},
                 m.score, sql::TimeOrNull{m.published, kNoTime}, sql::TextOrNull{m.date_evidence}));
    STORYLINE_RETURN_IF_ERROR(sql::Run(**upd, h.story, sql::IdOrNull{h.topic},
                                       RelationName(m.relation), sql::TextOrNull{m.of}, m.score,
                                       m.id));
  }
  return Status::Ok();
}

Status Store::Impl::WriteRelations(int64_t story, const std::vector<StoryRelation>& relations) {
  auto rel = db->Prepare(
      "INSERT INTO story_relations(story, pos, a, b, relation, score, scores) "
      "VALUES (?,?,?,?,?,?,?)");
  if (!rel.ok()) return rel.status();
  int64_t pos = 0;
  for (const StoryRelation& r : relations) {
    std::string_view scores = r.scores_json.empty() ? std::string_view("{}") : r.scores_json;
    STORYLINE_RETURN_IF_ERROR(
        sql::Run(**rel, story, pos++, r.a, r.b, RelationName(r.relation), r.score, scores));
  }
  return Status::Ok();
}

Status Store::Impl::WritePassages(int64_t story, const std::vector<StoryPassage>& passages) {
  auto pas = db->Prepare(
      "INSERT INTO story_passages(story, pos, a, b, a_start, a_end, b_start, b_end, text) "
      "VALUES (?,?,?,?,?,?,?,?,?)");
  if (!pas.ok()) return pas.status();
  int64_t pos = 0;
  for (const StoryPassage& p : passages) {
    STORYLINE_RETURN_IF_ERROR(
        sql::Run(**pas, story, pos++, p.a, p.b, static_cast<int64_t>(p.a_start),
                 static_cast<int64_t>(p.a_end), static_cast<int64_t>(p.b_start),
                 static_cast<int64_t>(p.b_end), p.text));
  }
  return Status::Ok();
}

Status Store::Impl::WriteQuotes(int64_t story, const std::vector<StoryQuote>& quotes) {
  auto quo = db->Prepare(
      "INSERT INTO story_quotes(story, pos, article_id, text, speaker, start_byte, end_byte, "
      "shared_by) VALUES (?,?,?,?,?,?,?,?)");
  if (!quo.ok()) return quo.status();
  int64_t pos = 0;
  for (const StoryQuote& q : quotes) {
    STORYLINE_RETURN_IF_ERROR(sql::Run(**quo, story, pos++, q.article_id, q.text,
                                       sql::TextOrNull{q.speaker}, static_cast<int64_t>(q.start),
                                       static_cast<int64_t>(q.end), q.shared_by));
  }
  return Status::Ok();
}

// Key names, then key terms, one position sequence; an empty kind is stored as
// "name" or "term" by the list it came from.
Status Store::Impl::WriteTerms(const StoryDetail& d) {
  auto ter =
      db->Prepare("INSERT INTO story_terms(story, pos, term, kind, weight) VALUES (?,?,?,?,?)");
  if (!ter.ok()) return ter.status();
  int64_t pos = 0;
  for (const auto* list : {&d.key_names, &d.key_terms}) {
    for (const KeyTerm& t : *list) {
      std::string_view kind = t.kind;
      if (kind.empty()) kind = list == &d.key_terms ? "term" : "name";
      STORYLINE_RETURN_IF_ERROR(sql::Run(**ter, d.header.story, pos++, t.term, kind, t.weight));
    }
  }
  return Status::Ok();
}

Status Store::Impl::WriteMergedFrom(const StoryDetail& d) {
  for (int64_t from : d.merged_from) {
    STORYLINE_RETURN_IF_ERROR(
        sql::Run(*db,
                 "INSERT OR IGNORE INTO story_merges(from_story, into_story, at_seq) "
                 "VALUES (?, ?, (SELECT coalesce(max(seq),0) FROM articles))",
                 from, d.header.story));
  }
  return Status::Ok();
}

Status Store::Impl::LoadEvidence(int64_t story, std::vector<StoryRelation>* relations,
                                 std::vector<StoryPassage>* passages) {
  STORYLINE_RETURN_IF_ERROR(ReadRelations(*db, story, relations));
  return ReadPassages(*db, story, passages);
}

Status Store::Impl::WriteTopic(int64_t topic, const std::string& label) {
  return sql::Run(*db,
                  "INSERT INTO topics(id, label) VALUES (?,?) ON CONFLICT(id) DO UPDATE SET "
                  "label=excluded.label",
                  topic, label);
}

Status Store::Impl::SaveState(const std::string& name, int64_t seq, std::string_view blob) {
  auto st = db->Prepare(
      "INSERT OR REPLACE INTO engine_state(name, seq, data, saved_at) VALUES (?,?,?,?)");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, name).Bind(2, seq).BindBlob(3, blob).Bind(4, Now()).Run();
}

Result<std::optional<std::pair<int64_t, std::string>>> Store::Impl::LoadState(
    const std::string& name) {
  std::optional<std::pair<int64_t, std::string>> out;
  auto found = sql::ReadRow(
      *db, "SELECT seq, data FROM engine_state WHERE name=?",
      [&](const sql::Stmt& r) { out = std::make_pair(r.Int(0), r.Blob(1)); }, name);
  if (!found.ok()) return found.status();
  return out;
}

Result<int64_t> Store::Impl::LastSeq() {
  return sql::ReadInt(*db, "SELECT coalesce(max(seq), 0) FROM articles", 0);
}

Result<int64_t> Store::Impl::ArticleCount() {
  return sql::ReadInt(*db, "SELECT count(*) FROM articles", 0);
}

Status Store::Impl::ForEachArticleAfter(int64_t after,
                                        const std::function<Status(StoredArticle&)>& fn) {
  // A statement of its own (not cached): fn may use the cached ones meanwhile.
  sqlite3_stmt* raw = nullptr;
  std::string q = "SELECT " + ArticleColumns(version) + " FROM articles WHERE seq > ? ORDER BY seq";
  if (sqlite3_prepare_v2(db->raw(), q.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
    return db->Error("replay");
  }
  sql::Stmt s(db->raw(), raw);
  s.Bind(1, after);
  Status st;
  while (s.Step(&st)) {
    StoredArticle a = ArticleFromRow(s);
    STORYLINE_RETURN_IF_ERROR(fn(a));
  }
  return st;
}

}  // namespace storyline
