// The SQLite store: schema and migrations, reads, and the writes StoreIngest uses.
// docs/store.md describes the tables.
#include "storyline/store.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <set>
#include <string_view>
#include <unordered_set>

#include "core/hash.h"
#include "core/json_writer.h"
#include "store/store_impl.h"

namespace storyline {
namespace {

// Each migration takes the schema from version-1 to version. Never edit a released
// one: add a new one (docs/store.md).
struct Migration {
  int version;
  const char* description;
  const char* sql;
};

const Migration kMigrations[] = {
    {1, "articles, set-aside lines, stories, members, topics, evidence, engine state, FTS5",
     R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE articles(
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  content_hash INTEGER NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL,
  cleaned TEXT NOT NULL,
  url TEXT, source TEXT, published TEXT, published_ts INTEGER, lang TEXT, author TEXT,
  origin_file TEXT, origin_line INTEGER,
  ingested_at INTEGER NOT NULL,
  story INTEGER, topic INTEGER, relation TEXT, of_id TEXT, score REAL);
CREATE INDEX articles_content_hash ON articles(content_hash);
CREATE INDEX articles_story ON articles(story);
CREATE TABLE set_aside(
  seq INTEGER NOT NULL REFERENCES articles(seq),
  line INTEGER NOT NULL, begin_byte INTEGER NOT NULL, end_byte INTEGER NOT NULL,
  text TEXT NOT NULL, reason TEXT NOT NULL,
  PRIMARY KEY(seq, line)) WITHOUT ROWID;
CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles',
  content_rowid='seq', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.cleaned);
END;
CREATE TABLE topics(id INTEGER PRIMARY KEY, label TEXT NOT NULL DEFAULT '');
CREATE TABLE stories(
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL DEFAULT '',
  topic INTEGER,
  original TEXT,
  first_seen INTEGER, last_seen INTEGER,
  sort_key INTEGER NOT NULL,
  member_count INTEGER NOT NULL,
  sources TEXT NOT NULL DEFAULT '[]',
  summary TEXT NOT NULL DEFAULT '[]');
CREATE INDEX stories_newest ON stories(sort_key DESC, id DESC);
CREATE INDEX stories_topic ON stories(topic, first_seen);
CREATE TABLE story_members(
  story INTEGER NOT NULL, pos INTEGER NOT NULL, article_id TEXT NOT NULL,
  relation TEXT NOT NULL, of_id TEXT, score REAL NOT NULL DEFAULT 0,
  time INTEGER, date_evidence TEXT,
  PRIMARY KEY(story, pos)) WITHOUT ROWID;
CREATE TABLE story_relations(
  story INTEGER NOT NULL, pos INTEGER NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL,
  relation TEXT NOT NULL, score REAL NOT NULL DEFAULT 0, scores TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY(story, pos)) WITHOUT ROWID;
CREATE TABLE story_passages(
  story INTEGER NOT NULL, pos INTEGER NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL,
  a_start INTEGER, a_end INTEGER, b_start INTEGER, b_end INTEGER, text TEXT NOT NULL,
  PRIMARY KEY(story, pos)) WITHOUT ROWID;
CREATE TABLE story_quotes(
  story INTEGER NOT NULL, pos INTEGER NOT NULL, article_id TEXT NOT NULL,
  text TEXT NOT NULL, speaker TEXT, start_byte INTEGER, end_byte INTEGER,
  shared_by INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY(story, pos)) WITHOUT ROWID;
CREATE TABLE story_terms(
  story INTEGER NOT NULL, pos INTEGER NOT NULL, term TEXT NOT NULL, kind TEXT NOT NULL,
  weight REAL NOT NULL DEFAULT 0,
  PRIMARY KEY(story, pos)) WITHOUT ROWID;
CREATE TABLE story_merges(from_story INTEGER PRIMARY KEY, into_story INTEGER NOT NULL,
  at_seq INTEGER NOT NULL);
CREATE TABLE engine_state(name TEXT PRIMARY KEY, seq INTEGER NOT NULL, data BLOB NOT NULL,
  saved_at INTEGER NOT NULL);
)sql"},
    {2, "indexes for the source filter and the story's members by article",
     R"sql(
CREATE INDEX articles_source ON articles(source, story);
CREATE INDEX story_members_article ON story_members(article_id);
)sql"},
};

constexpr int kLatestVersion = 2;
constexpr int64_t kNoTimeSortKey = INT64_MIN / 2;

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

// Appends a JSON array of strings parsed from a stored '["a","b"]' value: the store
// writes these itself, so a tiny reader of string arrays is enough.
std::vector<std::string> ParseStringArray(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '"') {
      ++i;
      continue;
    }
    std::string cur;
    ++i;
    while (i < s.size() && s[i] != '"') {
      if (s[i] == '\\' && i + 1 < s.size()) {
        char c = s[++i];
        switch (c) {
          case 'n':
            cur += '\n';
            break;
          case 't':
            cur += '\t';
            break;
          case 'r':
            cur += '\r';
            break;
          case 'b':
            cur += '\b';
            break;
          case 'f':
            cur += '\f';
            break;
          case 'u': {
            if (i + 4 < s.size()) {
              unsigned cp = std::stoul(std::string(s.substr(i + 1, 4)), nullptr, 16);
              i += 4;
              if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < s.size() && s[i + 1] == '\\' &&
                  s[i + 2] == 'u') {
                unsigned lo = std::stoul(std::string(s.substr(i + 3, 4)), nullptr, 16);
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i += 6;
              }
              if (cp < 0x80)
                cur += static_cast<char>(cp);
              else if (cp < 0x800) {
                cur += static_cast<char>(0xC0 | (cp >> 6));
                cur += static_cast<char>(0x80 | (cp & 0x3F));
              } else if (cp < 0x10000) {
                cur += static_cast<char>(0xE0 | (cp >> 12));
                cur += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
                cur += static_cast<char>(0x80 | (cp & 0x3F));
              } else {
                cur += static_cast<char>(0xF0 | (cp >> 18));
                cur += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
                cur += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
                cur += static_cast<char>(0x80 | (cp & 0x3F));
              }
            }
            break;
          }
          default:
            cur += c;
        }
        ++i;
      } else {
        cur += s[i++];
      }
    }
    ++i;
    out.push_back(std::move(cur));
  }
  return out;
}

std::string StringArrayJson(const std::vector<std::string>& v) {
  JsonWriter w;
  w.BeginArray();
  for (const auto& s : v) w.String(s);
  w.EndArray();
  return w.Take();
}

void TimeOrNull(JsonWriter* w, Timestamp t) {
  if (t == kNoTime)
    w->Null();
  else
    w->String(FormatTimestamp(t));
}

// Turns free text into an FTS5 query: every word a quoted term, all required, so
// user input never hits FTS5's query syntax.
std::string FtsQuery(std::string_view q) {
  std::string out, word;
  auto flush = [&] {
    if (word.empty()) return;
    if (!out.empty()) out += ' ';
    out += '"';
    for (char c : word) {
      if (c == '"')
        out += "\"\"";
      else
        out += c;
    }
    out += '"';
    word.clear();
  };
  for (char c : q) {
    if (std::isspace(static_cast<unsigned char>(c)))
      flush();
    else
      word += c;
  }
  flush();
  return out;
}

// Reads one row of a query whose first columns are, in this order:
// seq, id, content_hash, title, text, cleaned, url, source, published,
// published_ts, lang, author, origin_file, origin_line, story, topic, relation,
// of_id, score.
StoredArticle ArticleFromRow(sql::Stmt& s) {
  StoredArticle a;
  a.seq = s.Int(0);
  a.article.id = s.Text(1);
  a.content_hash = static_cast<uint64_t>(s.Int(2));
  a.article.title = s.Text(3);
  a.article.text = s.Text(4);
  a.cleaned_text = s.Text(5);
  a.article.url = s.Text(6);
  a.article.source = s.Text(7);
  a.article.published = s.Text(8);
  a.article.published_ts = s.TimeOr(9, kNoTime);
  a.article.lang = s.Text(10);
  a.article.author = s.Text(11);
  a.article.origin_file = s.Text(12);
  a.article.origin_line = static_cast<uint64_t>(s.Int(13));
  a.story = s.IsNull(14) ? -1 : s.Int(14);
  a.topic = s.IsNull(15) ? -1 : s.Int(15);
  a.relation = s.Text(16);
  a.of = s.Text(17);
  a.score = s.Double(18);
  return a;
}

}  // namespace

uint64_t ContentHash(std::string_view text) {
  std::string norm;
  norm.reserve(text.size());
  bool space = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !norm.empty();
      continue;
    }
    if (space) norm += ' ';
    space = false;
    norm += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return Hash64(norm, kContentSeed);
}

// ---- Store::Impl -----------------------------------------------------------

Result<int> Store::Impl::ReadVersion() {
  auto st = db->Prepare(
      "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='schema_migrations'");
  if (!st.ok()) return st.status();
  Status s;
  if (!(*st)->Step(&s)) return s.ok() ? Status::Internal("no row") : s;
  bool has = (*st)->Int(0) > 0;
  (*st)->Reset();
  if (!has) {
    auto any = db->Prepare("SELECT count(*) FROM sqlite_master");
    if (!any.ok()) return any.status();
    if (!(*any)->Step(&s)) return s;
    int64_t n = (*any)->Int(0);
    (*any)->Reset();
    if (n > 0) return Status::Corruption(path + " is an SQLite file but not a storyline store");
    return 0;
  }
  auto v = db->Prepare("SELECT coalesce(max(version), 0) FROM schema_migrations");
  if (!v.ok()) return v.status();
  if (!(*v)->Step(&s)) return s;
  int version = static_cast<int>((*v)->Int(0));
  (*v)->Reset();
  return version;
}

Status Store::Impl::Migrate() {
  STORYLINE_RETURN_IF_ERROR(
      db->Exec("CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER PRIMARY KEY, "
               "description TEXT NOT NULL, applied_at INTEGER NOT NULL)"));
  for (const Migration& m : kMigrations) {
    if (m.version <= version) continue;
    // Each migration and its record commit together: a crash leaves the old or the
    // new schema, never half of one.
    sql::Txn txn(db.get());
    STORYLINE_RETURN_IF_ERROR(txn.Begin());
    auto cur = ReadVersion();  // another process may have migrated meanwhile
    if (!cur.ok()) return cur.status();
    if (*cur >= m.version) {
      version = *cur;
      continue;
    }
    STORYLINE_RETURN_IF_ERROR(db->Exec(m.sql));
    auto ins = db->Prepare(
        "INSERT INTO schema_migrations(version, description, applied_at) VALUES (?,?,?)");
    if (!ins.ok()) return ins.status();
    STORYLINE_RETURN_IF_ERROR(
        (*ins)->Bind(1, m.version).Bind(2, m.description).Bind(3, Now()).Run());
    STORYLINE_RETURN_IF_ERROR(txn.Commit());
    version = m.version;
  }
  return Status::Ok();
}

Status Store::Impl::InsertArticle(StoredArticle* a) {
  auto st = db->Prepare(
      "INSERT INTO articles(id, content_hash, title, text, cleaned, url, source, published, "
      "published_ts, lang, author, origin_file, origin_line, ingested_at, story, topic, "
      "relation, of_id, score) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!st.ok()) return st.status();
  sql::Stmt& s = **st;
  const Article& ar = a->article;
  s.Bind(1, ar.id).Bind(2, a->content_hash).Bind(3, ar.title).Bind(4, ar.text);
  s.Bind(5, a->cleaned_text).BindTextOrNull(6, ar.url).BindTextOrNull(7, ar.source);
  s.BindTextOrNull(8, ar.published).BindTime(9, ar.published_ts, kNoTime);
  s.BindTextOrNull(10, ar.lang).BindTextOrNull(11, ar.author);
  s.BindTextOrNull(12, ar.origin_file).Bind(13, ar.origin_line).Bind(14, Now());
  if (a->story >= 0)
    s.Bind(15, a->story);
  else
    s.BindNull(15);
  if (a->topic >= 0)
    s.Bind(16, a->topic);
  else
    s.BindNull(16);
  s.BindTextOrNull(17, a->relation).BindTextOrNull(18, a->of).Bind(19, a->score);
  STORYLINE_RETURN_IF_ERROR(s.Run());
  a->seq = db->LastInsertRowid();
  if (!a->set_aside.empty()) {
    auto sa = db->Prepare(
        "INSERT OR REPLACE INTO set_aside(seq, line, begin_byte, end_byte, text, reason) "
        "VALUES (?,?,?,?,?,?)");
    if (!sa.ok()) return sa.status();
    for (const auto& l : a->set_aside) {
      STORYLINE_RETURN_IF_ERROR((*sa)
                                    ->Bind(1, a->seq)
                                    .Bind(2, static_cast<int64_t>(l.line))
                                    .Bind(3, static_cast<int64_t>(l.begin))
                                    .Bind(4, static_cast<int64_t>(l.end))
                                    .Bind(5, l.text)
                                    .Bind(6, l.reason)
                                    .Run());
    }
  }
  return Status::Ok();
}

Result<bool> Store::Impl::HasId(const std::string& id) {
  auto st = db->Prepare("SELECT 1 FROM articles WHERE id=?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id);
  Status s;
  bool found = (*st)->Step(&s);
  (*st)->Reset();
  if (!s.ok()) return s;
  return found;
}

Result<std::optional<std::string>> Store::Impl::IdWithHash(uint64_t hash) {
  auto st = db->Prepare("SELECT id FROM articles WHERE content_hash=? LIMIT 1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, hash);
  Status s;
  std::optional<std::string> out;
  if ((*st)->Step(&s)) out = (*st)->Text(0);
  (*st)->Reset();
  if (!s.ok()) return s;
  return out;
}

Status Store::Impl::DeleteStory(int64_t story, int64_t merged_into) {
  for (const char* t :
       {"story_members", "story_relations", "story_passages", "story_quotes", "story_terms"}) {
    auto st = db->Prepare(std::string("DELETE FROM ") + t + " WHERE story=?");
    if (!st.ok()) return st.status();
    STORYLINE_RETURN_IF_ERROR((*st)->Bind(1, story).Run());
  }
  auto del = db->Prepare("DELETE FROM stories WHERE id=?");
  if (!del.ok()) return del.status();
  STORYLINE_RETURN_IF_ERROR((*del)->Bind(1, story).Run());
  if (merged_into >= 0) {
    auto m = db->Prepare(
        "INSERT OR REPLACE INTO story_merges(from_story, into_story, at_seq) "
        "VALUES (?, ?, (SELECT coalesce(max(seq),0) FROM articles))");
    if (!m.ok()) return m.status();
    STORYLINE_RETURN_IF_ERROR((*m)->Bind(1, story).Bind(2, merged_into).Run());
  }
  return Status::Ok();
}

Status Store::Impl::WriteStory(const StoryDetail& d) {
  const StoryHeader& h = d.header;
  STORYLINE_RETURN_IF_ERROR(DeleteStory(h.story, -1));
  auto st = db->Prepare(
      "INSERT INTO stories(id, title, topic, original, first_seen, last_seen, sort_key, "
      "member_count, sources, summary) VALUES (?,?,?,?,?,?,?,?,?,?)");
  if (!st.ok()) return st.status();
  int64_t sort_key = h.last_seen != kNoTime    ? h.last_seen
                     : h.first_seen != kNoTime ? h.first_seen
                                               : kNoTimeSortKey;
  (*st)->Bind(1, h.story).Bind(2, h.title);
  if (h.topic >= 0)
    (*st)->Bind(3, h.topic);
  else
    (*st)->BindNull(3);
  (*st)
      ->BindTextOrNull(4, h.original)
      .BindTime(5, h.first_seen, kNoTime)
      .BindTime(6, h.last_seen, kNoTime)
      .Bind(7, sort_key)
      .Bind(8, static_cast<int64_t>(h.members.size()))
      .Bind(9, StringArrayJson(h.sources))
      .Bind(10, StringArrayJson(d.summary));
  STORYLINE_RETURN_IF_ERROR((*st)->Run());

  auto mem = db->Prepare(
      "INSERT INTO story_members(story, pos, article_id, relation, of_id, score, time, "
      "date_evidence) VALUES (?,?,?,?,?,?,?,?)");
  auto upd =
      db->Prepare("UPDATE articles SET story=?, topic=?, relation=?, of_id=?, score=? WHERE id=?");
  if (!mem.ok()) return mem.status();
  if (!upd.ok()) return upd.status();
  int64_t pos = 0;
  for (const StoryMember& m : h.members) {
    STORYLINE_RETURN_IF_ERROR((*mem)
                                  ->Bind(1, h.story)
                                  .Bind(2, pos++)
                                  .Bind(3, m.id)
                                  .Bind(4, m.relation)
                                  .BindTextOrNull(5, m.of)
                                  .Bind(6, m.score)
                                  .BindTime(7, m.published, kNoTime)
                                  .BindTextOrNull(8, m.date_evidence)
                                  .Run());
    (*upd)->Bind(1, h.story);
    if (h.topic >= 0)
      (*upd)->Bind(2, h.topic);
    else
      (*upd)->BindNull(2);
    STORYLINE_RETURN_IF_ERROR(
        (*upd)->Bind(3, m.relation).BindTextOrNull(4, m.of).Bind(5, m.score).Bind(6, m.id).Run());
  }
  auto rel = db->Prepare(
      "INSERT INTO story_relations(story, pos, a, b, relation, score, scores) "
      "VALUES (?,?,?,?,?,?,?)");
  if (!rel.ok()) return rel.status();
  pos = 0;
  for (const StoryRelation& r : d.relations) {
    STORYLINE_RETURN_IF_ERROR((*rel)
                                  ->Bind(1, h.story)
                                  .Bind(2, pos++)
                                  .Bind(3, r.a)
                                  .Bind(4, r.b)
                                  .Bind(5, r.relation)
                                  .Bind(6, r.score)
                                  .Bind(7, r.scores_json.empty() ? "{}" : r.scores_json)
                                  .Run());
  }
  auto pas = db->Prepare(
      "INSERT INTO story_passages(story, pos, a, b, a_start, a_end, b_start, b_end, text) "
      "VALUES (?,?,?,?,?,?,?,?,?)");
  if (!pas.ok()) return pas.status();
  pos = 0;
  for (const StoryPassage& p : d.passages) {
    STORYLINE_RETURN_IF_ERROR((*pas)
                                  ->Bind(1, h.story)
                                  .Bind(2, pos++)
                                  .Bind(3, p.a)
                                  .Bind(4, p.b)
                                  .Bind(5, static_cast<int64_t>(p.a_start))
                                  .Bind(6, static_cast<int64_t>(p.a_end))
                                  .Bind(7, static_cast<int64_t>(p.b_start))
                                  .Bind(8, static_cast<int64_t>(p.b_end))
                                  .Bind(9, p.text)
                                  .Run());
  }
  auto quo = db->Prepare(
      "INSERT INTO story_quotes(story, pos, article_id, text, speaker, start_byte, end_byte, "
      "shared_by) VALUES (?,?,?,?,?,?,?,?)");
  if (!quo.ok()) return quo.status();
  pos = 0;
  for (const StoryQuote& q : d.quotes) {
    STORYLINE_RETURN_IF_ERROR((*quo)
                                  ->Bind(1, h.story)
                                  .Bind(2, pos++)
                                  .Bind(3, q.article_id)
                                  .Bind(4, q.text)
                                  .BindTextOrNull(5, q.speaker)
                                  .Bind(6, static_cast<int64_t>(q.start))
                                  .Bind(7, static_cast<int64_t>(q.end))
                                  .Bind(8, q.shared_by)
                                  .Run());
  }
  auto ter =
      db->Prepare("INSERT INTO story_terms(story, pos, term, kind, weight) VALUES (?,?,?,?,?)");
  if (!ter.ok()) return ter.status();
  pos = 0;
  for (const auto* list : {&d.key_names, &d.key_terms}) {
    for (const KeyTerm& t : *list) {
      std::string kind = t.kind.empty() ? (list == &d.key_terms ? "term" : "name") : t.kind;
      STORYLINE_RETURN_IF_ERROR((*ter)
                                    ->Bind(1, h.story)
                                    .Bind(2, pos++)
                                    .Bind(3, t.term)
                                    .Bind(4, kind)
                                    .Bind(5, t.weight)
                                    .Run());
    }
  }
  for (int64_t from : d.merged_from) {
    auto m = db->Prepare(
        "INSERT OR IGNORE INTO story_merges(from_story, into_story, at_seq) "
        "VALUES (?, ?, (SELECT coalesce(max(seq),0) FROM articles))");
    if (!m.ok()) return m.status();
    STORYLINE_RETURN_IF_ERROR((*m)->Bind(1, from).Bind(2, h.story).Run());
  }
  return Status::Ok();
}

Status Store::Impl::LoadEvidence(int64_t story, std::vector<StoryRelation>* relations,
                                 std::vector<StoryPassage>* passages) {
  Status status;
  auto rel = db->Prepare(
      "SELECT a, b, relation, score, scores FROM story_relations WHERE story=? ORDER BY pos");
  if (!rel.ok()) return rel.status();
  (*rel)->Bind(1, story);
  while ((*rel)->Step(&status)) {
    relations->push_back(
        {(*rel)->Text(0), (*rel)->Text(1), (*rel)->Text(2), (*rel)->Double(3), (*rel)->Text(4)});
  }
  (*rel)->Reset();
  auto pas = db->Prepare(
      "SELECT a, b, a_start, a_end, b_start, b_end, text FROM story_passages WHERE story=? "
      "ORDER BY pos");
  if (!pas.ok()) return pas.status();
  (*pas)->Bind(1, story);
  while ((*pas)->Step(&status)) {
    StoryPassage p;
    p.a = (*pas)->Text(0);
    p.b = (*pas)->Text(1);
    p.a_start = static_cast<uint32_t>((*pas)->Int(2));
    p.a_end = static_cast<uint32_t>((*pas)->Int(3));
    p.b_start = static_cast<uint32_t>((*pas)->Int(4));
    p.b_end = static_cast<uint32_t>((*pas)->Int(5));
    p.text = (*pas)->Text(6);
    passages->push_back(std::move(p));
  }
  (*pas)->Reset();
  return status;
}

Status Store::Impl::WriteTopic(int64_t topic, const std::string& label) {
  auto st = db->Prepare(
      "INSERT INTO topics(id, label) VALUES (?,?) ON CONFLICT(id) DO UPDATE SET "
      "label=excluded.label");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, topic).Bind(2, label).Run();
}

Status Store::Impl::SaveState(const std::string& name, int64_t seq, std::string_view blob) {
  auto st = db->Prepare(
      "INSERT OR REPLACE INTO engine_state(name, seq, data, saved_at) VALUES (?,?,?,?)");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, name).Bind(2, seq).BindBlob(3, blob).Bind(4, Now()).Run();
}

Result<std::optional<std::pair<int64_t, std::string>>> Store::Impl::LoadState(
    const std::string& name) {
  auto st = db->Prepare("SELECT seq, data FROM engine_state WHERE name=?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, name);
  Status s;
  std::optional<std::pair<int64_t, std::string>> out;
  if ((*st)->Step(&s)) out = std::make_pair((*st)->Int(0), (*st)->Blob(1));
  (*st)->Reset();
  if (!s.ok()) return s;
  return out;
}

Result<int64_t> Store::Impl::LastSeq() {
  auto st = db->Prepare("SELECT coalesce(max(seq), 0) FROM articles");
  if (!st.ok()) return st.status();
  Status s;
  int64_t v = 0;
  if ((*st)->Step(&s)) v = (*st)->Int(0);
  (*st)->Reset();
  if (!s.ok()) return s;
  return v;
}

Result<int64_t> Store::Impl::ArticleCount() {
  auto st = db->Prepare("SELECT count(*) FROM articles");
  if (!st.ok()) return st.status();
  Status s;
  int64_t v = 0;
  if ((*st)->Step(&s)) v = (*st)->Int(0);
  (*st)->Reset();
  if (!s.ok()) return s;
  return v;
}

Status Store::Impl::ForEachArticleAfter(int64_t after,
                                        const std::function<Status(StoredArticle&)>& fn) {
  // A statement of its own (not cached): fn may use the cached ones meanwhile.
  sqlite3_stmt* raw = nullptr;
  const char* q =
      "SELECT seq, id, content_hash, title, text, cleaned, url, source, published, "
      "published_ts, lang, author, origin_file, origin_line, story, topic, relation, of_id, "
      "score FROM articles WHERE seq > ? ORDER BY seq";
  if (sqlite3_prepare_v2(db->raw(), q, -1, &raw, nullptr) != SQLITE_OK) return db->Error("replay");
  sql::Stmt s(db->raw(), raw);
  s.Bind(1, after);
  Status st;
  while (s.Step(&st)) {
    StoredArticle a = ArticleFromRow(s);
    STORYLINE_RETURN_IF_ERROR(fn(a));
  }
  return st;
}

// ---- Store -----------------------------------------------------------------

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

const std::string& Store::path() const { return impl_->path; }
int Store::schema_version() const { return impl_->version; }
int Store::LatestSchemaVersion() { return kLatestVersion; }

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, StoreOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->read_only = options.read_only;
  auto db = sql::Db::Open(path, options.read_only, options.busy_timeout_ms);
  if (!db.ok()) return db.status();
  impl->db = std::move(*db);
  if (!options.read_only) {
    // WAL: readers never block the writer nor each other; NORMAL sync is durable
    // against process crashes (kill -9) and keeps the store consistent on power loss.
    Status s = impl->db->Exec("PRAGMA journal_mode=WAL");
    if (!s.ok()) {
      if (s.message().find("not a database") != std::string::npos)
        return Status::Corruption(path + " is not a storyline store (not an SQLite file)");
      return s;
    }
    STORYLINE_RETURN_IF_ERROR(impl->db->Exec("PRAGMA synchronous=NORMAL"));
  }
  STORYLINE_RETURN_IF_ERROR(impl->db->Exec("PRAGMA foreign_keys=OFF; PRAGMA cache_size=-65536"));
  auto v = impl->ReadVersion();
  if (!v.ok()) {
    if (v.status().message().find("not a database") != std::string::npos)
      return Status::Corruption(path + " is not a storyline store (not an SQLite file)");
    return v.status();
  }
  impl->version = *v;
  if (impl->version > kLatestVersion) {
    return Status::Unsupported(path + " has schema version " + std::to_string(impl->version) +
                               "; this storyline knows up to " + std::to_string(kLatestVersion));
  }
  if (options.read_only) {
    if (impl->version == 0)
      return Status::NotFound(path + " is not a storyline store yet (run ingest)");
  } else {
    STORYLINE_RETURN_IF_ERROR(impl->Migrate());
  }
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

Result<StoredArticle> Store::GetArticle(const std::string& id) {
  sql::Db* db = impl_->db.get();
  auto st = db->Prepare(
      "SELECT seq, id, content_hash, title, text, cleaned, url, source, published, "
      "published_ts, lang, author, origin_file, origin_line, story, topic, relation, of_id, "
      "score FROM articles WHERE id=?");
  if (!st.ok()) return st.status();
  sql::Stmt& s = **st;
  s.Bind(1, id);
  Status status;
  if (!s.Step(&status)) {
    s.Reset();
    if (!status.ok()) return status;
    return Status::NotFound("no article " + id);
  }
  StoredArticle a = ArticleFromRow(s);
  s.Reset();
  auto sa = db->Prepare(
      "SELECT line, begin_byte, end_byte, text, reason FROM set_aside WHERE seq=? ORDER BY line");
  if (!sa.ok()) return sa.status();
  (*sa)->Bind(1, a.seq);
  while ((*sa)->Step(&status)) {
    StoredSetAside l;
    l.line = static_cast<uint32_t>((*sa)->Int(0));
    l.begin = static_cast<uint32_t>((*sa)->Int(1));
    l.end = static_cast<uint32_t>((*sa)->Int(2));
    l.text = (*sa)->Text(3);
    l.reason = (*sa)->Text(4);
    a.set_aside.push_back(std::move(l));
  }
  (*sa)->Reset();
  if (!status.ok()) return status;
  return a;
}

namespace {

// Reads the header fields of a story row (columns as kStoryColumns) and its members.
constexpr const char* kStoryColumns =
    "s.id, s.title, s.topic, coalesce(t.label,''), s.original, s.first_seen, s.last_seen, "
    "s.sources, s.sort_key";

Status ReadMembers(sql::Db* db, StoryHeader* h) {
  auto st = db->Prepare(
      "SELECT m.article_id, m.relation, m.of_id, m.score, coalesce(a.title,''), "
      "coalesce(a.source,''), coalesce(a.url,''), m.time, coalesce(m.date_evidence,'') "
      "FROM story_members m LEFT JOIN articles a ON a.id = m.article_id "
      "WHERE m.story=? ORDER BY m.pos");
  if (!st.ok()) return st.status();
  sql::Stmt& s = **st;
  s.Bind(1, h->story);
  Status status;
  while (s.Step(&status)) {
    StoryMember m;
    m.id = s.Text(0);
    m.relation = s.Text(1);
    m.of = s.Text(2);
    m.score = s.Double(3);
    m.title = s.Text(4);
    m.source = s.Text(5);
    m.url = s.Text(6);
    m.published = s.TimeOr(7, kNoTime);
    m.date_evidence = s.Text(8);
    h->members.push_back(std::move(m));
  }
  s.Reset();
  return status;
}

StoryHeader HeaderFromRow(const sql::Stmt& s) {
  StoryHeader h;
  h.story = s.Int(0);
  h.title = s.Text(1);
  h.topic = s.IsNull(2) ? -1 : s.Int(2);
  h.topic_label = s.Text(3);
  h.original = s.Text(4);
  h.first_seen = s.TimeOr(5, kNoTime);
  h.last_seen = s.TimeOr(6, kNoTime);
  h.sources = ParseStringArray(s.Text(7));
  return h;
}

}  // namespace

Result<StoryDetail> Store::GetStory(int64_t story) {
  sql::Db* db = impl_->db.get();
  StoryDetail d;
  {
    auto st = db->Prepare(std::string("SELECT ") + kStoryColumns +
                          ", s.summary FROM stories s LEFT JOIN topics t ON t.id = s.topic "
                          "WHERE s.id=?");
    if (!st.ok()) return st.status();
    (*st)->Bind(1, story);
    Status status;
    if (!(*st)->Step(&status)) {
      (*st)->Reset();
      if (!status.ok()) return status;
      // A story merged into another answers with the one it became.
      auto m = db->Prepare("SELECT into_story FROM story_merges WHERE from_story=?");
      if (!m.ok()) return m.status();
      (*m)->Bind(1, story);
      if ((*m)->Step(&status)) {
        int64_t into = (*m)->Int(0);
        (*m)->Reset();
        if (into != story) return GetStory(into);
      }
      (*m)->Reset();
      return Status::NotFound("no story " + std::to_string(story));
    }
    d.header = HeaderFromRow(**st);
    d.summary = ParseStringArray((*st)->Text(9));
    (*st)->Reset();
  }
  STORYLINE_RETURN_IF_ERROR(ReadMembers(db, &d.header));
  Status status;
  auto rel = db->Prepare(
      "SELECT a, b, relation, score, scores FROM story_relations WHERE story=? ORDER BY pos");
  if (!rel.ok()) return rel.status();
  (*rel)->Bind(1, story);
  while ((*rel)->Step(&status)) {
    d.relations.push_back(
        {(*rel)->Text(0), (*rel)->Text(1), (*rel)->Text(2), (*rel)->Double(3), (*rel)->Text(4)});
  }
  (*rel)->Reset();
  auto pas = db->Prepare(
      "SELECT a, b, a_start, a_end, b_start, b_end, text FROM story_passages WHERE story=? "
      "ORDER BY pos");
  if (!pas.ok()) return pas.status();
  (*pas)->Bind(1, story);
  while ((*pas)->Step(&status)) {
    StoryPassage p;
    p.a = (*pas)->Text(0);
    p.b = (*pas)->Text(1);
    p.a_start = static_cast<uint32_t>((*pas)->Int(2));
    p.a_end = static_cast<uint32_t>((*pas)->Int(3));
    p.b_start = static_cast<uint32_t>((*pas)->Int(4));
    p.b_end = static_cast<uint32_t>((*pas)->Int(5));
    p.text = (*pas)->Text(6);
    d.passages.push_back(std::move(p));
  }
  (*pas)->Reset();
  auto quo = db->Prepare(
      "SELECT article_id, text, coalesce(speaker,''), start_byte, end_byte, shared_by "
      "FROM story_quotes WHERE story=? ORDER BY pos");
  if (!quo.ok()) return quo.status();
  (*quo)->Bind(1, story);
  while ((*quo)->Step(&status)) {
    StoryQuote q;
    q.article_id = (*quo)->Text(0);
    q.text = (*quo)->Text(1);
    q.speaker = (*quo)->Text(2);
    q.start = static_cast<uint32_t>((*quo)->Int(3));
    q.end = static_cast<uint32_t>((*quo)->Int(4));
    q.shared_by = static_cast<int>((*quo)->Int(5));
    d.quotes.push_back(std::move(q));
  }
  (*quo)->Reset();
  auto ter = db->Prepare("SELECT term, kind, weight FROM story_terms WHERE story=? ORDER BY pos");
  if (!ter.ok()) return ter.status();
  (*ter)->Bind(1, story);
  while ((*ter)->Step(&status)) {
    KeyTerm t{(*ter)->Text(0), (*ter)->Text(1), (*ter)->Double(2)};
    (t.kind == "term" ? d.key_terms : d.key_names).push_back(std::move(t));
  }
  (*ter)->Reset();
  auto mer =
      db->Prepare("SELECT from_story FROM story_merges WHERE into_story=? ORDER BY from_story");
  if (!mer.ok()) return mer.status();
  (*mer)->Bind(1, story);
  while ((*mer)->Step(&status)) d.merged_from.push_back((*mer)->Int(0));
  (*mer)->Reset();
  if (!status.ok()) return status;

  // The timeline: the members, and the topic's other stories (the nearest 50 in
  // time), computed here so it follows stories added to the topic later.
  for (const StoryMember& m : d.header.members) {
    TimelinePoint p;
    p.time = m.published;
    p.kind = "member";
    p.article_id = m.id;
    p.label = m.title;
    p.relation = m.relation;
    d.timeline.push_back(std::move(p));
  }
  if (d.header.topic >= 0) {
    auto oth = db->Prepare(
        "SELECT id, title, first_seen FROM stories WHERE topic=? AND id<>? "
        "ORDER BY abs(coalesce(first_seen,0) - ?) LIMIT 50");
    if (!oth.ok()) return oth.status();
    int64_t at = d.header.first_seen == kNoTime ? 0 : d.header.first_seen;
    (*oth)->Bind(1, d.header.topic).Bind(2, story).Bind(3, at);
    while ((*oth)->Step(&status)) {
      TimelinePoint p;
      p.kind = "story";
      p.story = (*oth)->Int(0);
      p.label = (*oth)->Text(1);
      p.time = (*oth)->TimeOr(2, kNoTime);
      d.timeline.push_back(std::move(p));
    }
    (*oth)->Reset();
    if (!status.ok()) return status;
  }
  std::stable_sort(d.timeline.begin(), d.timeline.end(),
                   [](const TimelinePoint& a, const TimelinePoint& b) {
                     // Unknown times last.
                     if ((a.time == kNoTime) != (b.time == kNoTime)) return b.time == kNoTime;
                     return a.time < b.time;
                   });
  return d;
}

Result<StoryPage> Store::ListStories(const StoryQuery& query) {
  sql::Db* db = impl_->db.get();
  int limit = std::clamp(query.limit, 1, 1000);
  std::string sql = std::string("SELECT ") + kStoryColumns +
                    " FROM stories s LEFT JOIN topics t ON t.id = s.topic WHERE 1";
  int64_t cur_key = 0, cur_id = 0;
  bool has_cursor = false;
  if (!query.cursor.empty()) {
    long long k = 0, id = 0;
    char tail = 0;
    if (std::sscanf(query.cursor.c_str(), "%lld.%lld%c", &k, &id, &tail) != 2)
      return Status::InvalidArgument("bad cursor: " + query.cursor);
    cur_key = k;
    cur_id = id;
    has_cursor = true;
    sql += " AND (s.sort_key < ?1 OR (s.sort_key = ?1 AND s.id < ?2))";
  }
  if (query.from != kNoTime) sql += " AND s.last_seen >= ?3";
  if (query.to != kNoTime) sql += " AND s.first_seen <= ?4";
  if (query.topic >= 0) sql += " AND s.topic = ?5";
  if (!query.source.empty()) sql += " AND s.id IN (SELECT story FROM articles WHERE source = ?6)";
  std::string fts = FtsQuery(query.q);
  if (!fts.empty())
    sql +=
        " AND s.id IN (SELECT a.story FROM articles a WHERE a.seq IN "
        "(SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?7))";
  sql += " ORDER BY s.sort_key DESC, s.id DESC LIMIT ?8";
  auto st = db->Prepare(sql);
  if (!st.ok()) return st.status();
  sql::Stmt& s = **st;
  if (has_cursor) s.Bind(1, cur_key).Bind(2, cur_id);
  if (query.from != kNoTime) s.Bind(3, query.from);
  if (query.to != kNoTime) s.Bind(4, query.to);
  if (query.topic >= 0) s.Bind(5, query.topic);
  if (!query.source.empty()) s.Bind(6, query.source);
  if (!fts.empty()) s.Bind(7, fts);
  s.Bind(8, limit + 1);
  StoryPage page;
  Status status;
  std::vector<int64_t> keys;
  while (s.Step(&status)) {
    page.stories.push_back(HeaderFromRow(s));
    keys.push_back(s.Int(8));
  }
  s.Reset();
  if (!status.ok()) return status;
  if (static_cast<int>(page.stories.size()) > limit) {
    page.stories.pop_back();
    page.next = std::to_string(keys[limit - 1]) + "." + std::to_string(page.stories.back().story);
  }
  for (auto& h : page.stories) STORYLINE_RETURN_IF_ERROR(ReadMembers(db, &h));
  return page;
}

Status Store::ForEachStory(const std::function<void(const StoryHeader&)>& fn) {
  StoryQuery q;
  q.limit = 1000;
  while (true) {
    auto page = ListStories(q);
    if (!page.ok()) return page.status();
    for (const auto& h : page->stories) fn(h);
    if (page->next.empty()) return Status::Ok();
    q.cursor = page->next;
  }
}

Result<StoreCounts> Store::Counts() {
  StoreCounts c;
  c.schema_version = impl_->version;
  auto st = impl_->db->Prepare(
      "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM stories), "
      "(SELECT count(*) FROM topics)");
  if (!st.ok()) return st.status();
  Status status;
  if ((*st)->Step(&status)) {
    c.articles = (*st)->Int(0);
    c.stories = (*st)->Int(1);
    c.topics = (*st)->Int(2);
  }
  (*st)->Reset();
  if (!status.ok()) return status;
  return c;
}

// ---- JSON ------------------------------------------------------------------

namespace {

void WriteHeaderFields(JsonWriter* w, const StoryHeader& h, bool detail) {
  w->Key("story");
  w->Int(h.story);
  w->Key("title");
  w->String(h.title);
  w->Key("topic");
  if (h.topic >= 0)
    w->Int(h.topic);
  else
    w->Null();
  w->Key("topic_label");
  w->String(h.topic_label);
  w->Key("original");
  w->StringOrNull(h.original);
  w->Key("first_seen");
  TimeOrNull(w, h.first_seen);
  w->Key("last_seen");
  TimeOrNull(w, h.last_seen);
  w->Key("sources");
  w->BeginArray();
  for (const auto& s : h.sources) w->String(s);
  w->EndArray();
  w->Key("members");
  w->BeginArray();
  for (const StoryMember& m : h.members) {
    w->BeginObject();
    w->Key("id");
    w->String(m.id);
    w->Key("relation");
    w->String(m.relation);
    w->Key("of");
    w->StringOrNull(m.of);
    w->Key("score");
    w->Double(m.score);
    w->Key("title");
    w->String(m.title);
    w->Key("source");
    w->StringOrNull(m.source);
    w->Key("published");
    TimeOrNull(w, m.published);
    if (detail) {
      w->Key("url");
      w->StringOrNull(m.url);
      w->Key("date_evidence");
      w->StringOrNull(m.date_evidence);
    }
    w->EndObject();
  }
  w->EndArray();
}

}  // namespace

std::string StoryHeaderJson(const StoryHeader& h) {
  JsonWriter w;
  w.BeginObject();
  WriteHeaderFields(&w, h, false);
  w.EndObject();
  return w.Take();
}

std::string StoryDetailJson(const StoryDetail& d) {
  JsonWriter w;
  w.BeginObject();
  WriteHeaderFields(&w, d.header, true);
  w.Key("relations");
  w.BeginArray();
  for (const auto& r : d.relations) {
    w.BeginObject();
    w.Key("a");
    w.String(r.a);
    w.Key("b");
    w.String(r.b);
    w.Key("relation");
    w.String(r.relation);
    w.Key("score");
    w.Double(r.score);
    w.Key("scores");
    w.Raw(r.scores_json.empty() ? "{}" : r.scores_json);
    w.EndObject();
  }
  w.EndArray();
  w.Key("shared_passages");
  w.BeginArray();
  for (const auto& p : d.passages) {
    w.BeginObject();
    w.Key("a");
    w.String(p.a);
    w.Key("b");
    w.String(p.b);
    w.Key("a_start");
    w.Int(p.a_start);
    w.Key("a_end");
    w.Int(p.a_end);
    w.Key("b_start");
    w.Int(p.b_start);
    w.Key("b_end");
    w.Int(p.b_end);
    w.Key("text");
    w.String(p.text);
    w.EndObject();
  }
  w.EndArray();
  w.Key("quotes");
  w.BeginArray();
  for (const auto& q : d.quotes) {
    w.BeginObject();
    w.Key("id");
    w.String(q.article_id);
    w.Key("text");
    w.String(q.text);
    w.Key("speaker");
    w.StringOrNull(q.speaker);
    w.Key("start");
    w.Int(q.start);
    w.Key("end");
    w.Int(q.end);
    w.Key("shared_by");
    w.Int(q.shared_by);
    w.EndObject();
  }
  w.EndArray();
  w.Key("key_names");
  w.BeginArray();
  for (const auto& t : d.key_names) {
    w.BeginObject();
    w.Key("name");
    w.String(t.term);
    w.Key("kind");
    w.String(t.kind);
    w.Key("weight");
    w.Double(t.weight);
    w.EndObject();
  }
  w.EndArray();
  w.Key("key_terms");
  w.BeginArray();
  for (const auto& t : d.key_terms) {
    w.BeginObject();
    w.Key("term");
    w.String(t.term);
    w.Key("weight");
    w.Double(t.weight);
    w.EndObject();
  }
  w.EndArray();
  w.Key("summary");
  w.BeginArray();
  for (const auto& s : d.summary) w.String(s);
  w.EndArray();
  w.Key("timeline");
  w.BeginArray();
  for (const auto& p : d.timeline) {
    w.BeginObject();
    w.Key("date");
    TimeOrNull(&w, p.time);
    w.Key("kind");
    w.String(p.kind);
    if (p.kind == "member") {
      w.Key("id");
      w.String(p.article_id);
      w.Key("relation");
      w.String(p.relation);
    } else {
      w.Key("story");
      w.Int(p.story);
    }
    w.Key("label");
    w.String(p.label);
    w.EndObject();
  }
  w.EndArray();
  w.Key("merged_from");
  w.BeginArray();
  for (int64_t m : d.merged_from) w.Int(m);
  w.EndArray();
  w.EndObject();
  return w.Take();
}

std::string StoredArticleJson(const StoredArticle& a) {
  JsonWriter w;
  const Article& ar = a.article;
  w.BeginObject();
  w.Key("id");
  w.String(ar.id);
  w.Key("seq");
  w.Int(a.seq);
  w.Key("title");
  w.String(ar.title);
  w.Key("url");
  w.StringOrNull(ar.url);
  w.Key("source");
  w.StringOrNull(ar.source);
  w.Key("published");
  w.StringOrNull(ar.published);
  w.Key("lang");
  w.StringOrNull(ar.lang);
  w.Key("author");
  w.StringOrNull(ar.author);
  w.Key("story");
  if (a.story >= 0)
    w.Int(a.story);
  else
    w.Null();
  w.Key("topic");
  if (a.topic >= 0)
    w.Int(a.topic);
  else
    w.Null();
  w.Key("relation");
  w.StringOrNull(a.relation);
  w.Key("of");
  w.StringOrNull(a.of);
  w.Key("text");
  w.String(ar.text);
  w.Key("cleaned_text");
  w.String(a.cleaned_text);
  w.Key("set_aside");
  w.BeginArray();
  for (const auto& l : a.set_aside) {
    w.BeginObject();
    w.Key("line");
    w.Int(l.line);
    w.Key("begin");
    w.Int(l.begin);
    w.Key("end");
    w.Int(l.end);
    w.Key("text");
    w.String(l.text);
    w.Key("reason");
    w.String(l.reason);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.Take();
}

}  // namespace storyline
