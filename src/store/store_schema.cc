// Copyright storyline authors.
//
// The store's schema: the migrations that create and extend it, reading the
// version of a file, and opening a store (docs/store.md describes the tables).
#include <string>

#include "store/store_impl.h"
#include "storyline/store.h"

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
    {3, "how each article's outlet was found, and the wire agency it credits",
     R"sql(
ALTER TABLE articles ADD COLUMN outlet_evidence TEXT;
ALTER TABLE articles ADD COLUMN credit TEXT;
)sql"},
};

constexpr int kLatestVersion = 3;

}  // namespace

Result<int> Store::Impl::ReadVersion() {
  auto has = sql::ReadInt(
      *db, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='schema_migrations'", 0);
  if (!has.ok()) return has.status();
  if (*has == 0) {
    auto tables = sql::ReadInt(*db, "SELECT count(*) FROM sqlite_master", 0);
    if (!tables.ok()) return tables.status();
    if (*tables > 0) {
      return Status::Corruption(path + " is an SQLite file but not a storyline store");
    }
    return 0;
  }
  auto v = sql::ReadInt(*db, "SELECT coalesce(max(version), 0) FROM schema_migrations", 0);
  if (!v.ok()) return v.status();
  return static_cast<int>(*v);
}

Status Store::Impl::Migrate() {
  for (const Migration& m : kMigrations) {
    if (m.version <= version) continue;
    // Each migration and its record commit together, the first with the
    // migrations table itself: a crash leaves the old or the new schema (for a new
    // store, an empty database), never half of one.
    sql::Txn txn(db.get());
    STORYLINE_RETURN_IF_ERROR(txn.Begin());
    STORYLINE_RETURN_IF_ERROR(
        db->Exec("CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER PRIMARY KEY, "
                 "description TEXT NOT NULL, applied_at INTEGER NOT NULL)"));
    auto cur = ReadVersion();  // another process may have migrated meanwhile
    if (!cur.ok()) return cur.status();
    if (*cur >= m.version) {
      version = *cur;
      continue;
    }
    STORYLINE_RETURN_IF_ERROR(db->Exec(m.sql));
    STORYLINE_RETURN_IF_ERROR(sql::Run(
        *db, "INSERT INTO schema_migrations(version, description, applied_at) VALUES (?,?,?)",
        m.version, m.description, Now()));
    STORYLINE_RETURN_IF_ERROR(txn.Commit());
    version = m.version;
  }
  return Status::Ok();
}

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
      if (s.message().find("not a database") != std::string::npos) {
        return Status::Corruption(path + " is not a storyline store (not an SQLite file)");
      }
      return s;
    }
    STORYLINE_RETURN_IF_ERROR(impl->db->Exec("PRAGMA synchronous=NORMAL"));
  }
  STORYLINE_RETURN_IF_ERROR(impl->db->Exec("PRAGMA foreign_keys=OFF; PRAGMA cache_size=-65536"));
  auto v = impl->ReadVersion();
  if (!v.ok()) {
    if (v.status().message().find("not a database") != std::string::npos) {
      return Status::Corruption(path + " is not a storyline store (not an SQLite file)");
    }
    return v.status();
  }
  impl->version = *v;
  if (impl->version > kLatestVersion) {
    return Status::Unsupported(path + " has schema version " + std::to_string(impl->version) +
                               "; this storyline knows up to " + std::to_string(kLatestVersion));
  }
  if (options.read_only) {
    if (impl->version == 0) {
      return Status::NotFound(path + " is not a storyline store yet (run ingest)");
    }
  } else {
    STORYLINE_RETURN_IF_ERROR(impl->Migrate());
  }
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

}  // namespace storyline
