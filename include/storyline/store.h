// Copyright storyline authors.
//
// The store: what storyline learns, kept in one SQLite file (WAL mode, a versioned
// schema with migrations; docs/store.md describes every table). It holds the
// articles (fields, raw text, cleaned text, the boilerplate lines set aside with
// their reasons), the story engine's state (index and active stories, as snapshot
// blobs), the stories with their members, relations, shared passages, quotes, key
// names and terms, summaries and timelines, and an FTS5 index over title and text.
//
//   auto store = storyline::Store::Open("storyline.db", {});
//   if (!store.ok()) return Fail(store.status());
//   auto stories = (*store)->ListStories({.limit = 50});
//
// Writing goes through StoreIngest (below), which commits
// articles in batches: a crash (kill -9) at any moment loses at most the batch in
// flight, never an article reported committed.
#ifndef STORYLINE_STORE_H_
#define STORYLINE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storyline/article.h"
#include "storyline/relate.h"
#include "storyline/status.h"

namespace storyline {

// ---- What the store holds --------------------------------------------------

// A boilerplate line set aside from an article, with the rule that caught it.
struct StoredSetAside {
  uint32_t line = 0;   // 0-based line in the raw text
  uint32_t begin = 0;  // byte offsets in the raw text
  uint32_t end = 0;
  std::string text;
  std::string reason;
};

// One article as stored.
struct StoredArticle {
  Article article;           // fields as read; `text` is the raw text
  std::string cleaned_text;  // the text with boilerplate lines taken out
  std::vector<StoredSetAside> set_aside;
  uint64_t content_hash = 0;  // ContentHash of the raw text's words; 0: no words (text.h)
  int64_t seq = 0;            // 1-based order of arrival in the store
  int64_t story = -1;         // the story it belongs to, -1 when none yet
  int64_t topic = -1;
  // original, duplicate, near-duplicate, rewrite or same-story; none (NULL in the
  // store) until the article is assigned to a story
  std::optional<Relation> relation;
  std::string of;  // the id it copies or rewrites; empty for none
  double score = 0;
  // How article.source (the outlet) was found and the wire agency the text
  // credits (storyline/outlet.h); empty when unknown or stored before schema 3.
  std::string outlet_evidence;
  std::string credit;
};

// A member of a story, as listed.
struct StoryMember {
  std::string id;
  Relation relation = Relation::kOriginal;  // see StoredArticle::relation
  std::string of;                           // empty = null
  double score = 0;
  std::string title;
  std::string source;
  std::string url;
  Timestamp published = kNoTime;  // the date used on the timeline (kNoTime unknown)
  std::string date_evidence;      // how the date was found ("published", "dateline", ...)
  std::string outlet_evidence;    // how `source` was found (Article::outlet_evidence)
  std::string credit;             // the wire agency the text credits; empty when none
};

// Two members and how they relate, with the evidence.
struct StoryRelation {
  std::string a, b;  // article ids; b is derived from a when relation is a copy/rewrite
  Relation relation = Relation::kSameStory;
  double score = 0;
  std::string
      scores_json;  // the relation stage's score breakdown as a JSON object ("{}" when none)
};

// A passage shared by two members; offsets are bytes into each raw text.
struct StoryPassage {
  std::string a, b;
  uint32_t a_start = 0, a_end = 0, b_start = 0, b_end = 0;
  std::string text;
};

// A direct quote in a member, with its speaker when the text names one.
struct StoryQuote {
  std::string article_id;
  std::string text;
  std::string speaker;          // empty when unknown
  uint32_t start = 0, end = 0;  // bytes into the member's raw text
  int shared_by = 1;            // how many members carry this quote
};

// A key name (person, place, organisation) or term, with its weight.
struct KeyTerm {
  std::string term;
  std::string kind;  // "person", "place", "organisation", "name" or "term"
  double weight = 0;
};

// One point of a timeline: a member of the story, or another story of its topic.
struct TimelinePoint {
  Timestamp time = kNoTime;
  std::string kind;                         // "member" or "story"
  std::string article_id;                   // for a member
  int64_t story = -1;                       // for another story
  std::string label;                        // a title
  Relation relation = Relation::kOriginal;  // for a member
};

// A story as listed (the object of `stories --json`).
struct StoryHeader {
  int64_t story = -1;
  std::string title;
  int64_t topic = -1;
  std::string topic_label;
  std::string original;  // id of the original article
  Timestamp first_seen = kNoTime;
  Timestamp last_seen = kNoTime;
  std::vector<StoryMember> members;  // the original first, then in time order
  std::vector<std::string> sources;  // distinct, non-empty
};

// A story in full (the object of `show --json`).
struct StoryDetail {
  StoryHeader header;
  std::vector<StoryRelation> relations;
  std::vector<StoryPassage> passages;
  std::vector<StoryQuote> quotes;
  std::vector<KeyTerm> key_names;
  std::vector<KeyTerm> key_terms;
  std::vector<std::string> summary;  // 3-5 sentences, in order
  std::vector<TimelinePoint> timeline;
  std::vector<int64_t> merged_from;  // stories merged into this one
};

// ---- Queries ---------------------------------------------------------------

struct StoryQuery {
  int limit = 50;            // 1..1000
  std::string cursor;        // from a previous page's `next`; empty = first page
  Timestamp from = kNoTime;  // stories last seen at or after
  Timestamp to = kNoTime;    // stories first seen at or before
  std::string source;        // a member from this outlet
  int64_t topic = -1;        // in this topic
  std::string q;             // FTS5 query over member titles and texts
};

struct StoryPage {
  std::vector<StoryHeader> stories;  // newest (last_seen) first
  std::string next;                  // cursor of the next page; empty at the end
};

struct StoreOptions {
  bool read_only = false;       // open for reading only (never creates or migrates)
  int busy_timeout_ms = 10000;  // how long to wait for another writer's lock
};

// Counts, for /api/health and summaries.
struct StoreCounts {
  int64_t articles = 0;
  int64_t stories = 0;
  int64_t topics = 0;
  int schema_version = 0;
};

// One connection to a store file. Not thread-safe: use one Store per thread (the
// HTTP server keeps a pool of read-only Stores). Many readers and one writer may use
// the same file at once, in any processes (WAL). Not copyable: it owns the
// connection and its prepared statements.
class Store {
 public:
  // Opens (and, unless read_only, creates and migrates) the store at `path`.
  // IoError when the file cannot be opened; Corruption when it is not a storyline
  // store; Unsupported when its schema is newer than this build knows.
  static Result<std::unique_ptr<Store>> Open(const std::string& path, StoreOptions options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::string& path() const;
  int schema_version() const;
  // The schema version this build writes.
  static int LatestSchemaVersion();

  // Reads. NotFound when the id does not exist.
  Result<StoredArticle> GetArticle(const std::string& id);
  Result<StoryDetail> GetStory(int64_t story);
  Result<StoryPage> ListStories(const StoryQuery& query);
  // Every story, newest first (for `stories`); calls `fn` per story, streaming.
  Status ForEachStory(const std::function<void(const StoryHeader&)>& fn);
  Result<StoreCounts> Counts();

  // Lower-level access used by StoreIngest; see store_ingest.cc.
  struct Impl;
  Impl* impl() { return impl_.get(); }

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// JSON forms (INTERFACE.md): `stories --json` lines and the `show --json` object.
std::string StoryHeaderJson(const StoryHeader& h);
std::string StoryDetailJson(const StoryDetail& d);
// The /api/articles/{id} object: fields, raw text, cleaned text, set-aside lines.
std::string StoredArticleJson(const StoredArticle& a);

// ---- Ingesting -------------------------------------------------------------

struct StoreIngestOptions {
  size_t batch_articles = 500;  // commit at least every this many articles ...
  double batch_seconds = 1.0;   // ... or this often
  // Save the engine snapshot after this many articles since the last one (and at
  // Finish), so a restart replays at most this many articles.
  size_t snapshot_every = 20000;
  int threads = 1;
};

// What happened to one article offered to StoreIngest::Add.
enum class AddOutcome {
  kAdded,        // new: it will be committed with the current batch
  kSameId,       // an article with this id is already stored (or pending)
  kSameContent,  // the same content is already stored under another id
};

struct IngestCounts {
  uint64_t offered = 0;        // articles given to Add
  uint64_t added = 0;          // new articles (committed or pending)
  uint64_t same_id = 0;        // skipped: id already stored
  uint64_t same_content = 0;   // skipped: content already stored under another id
  uint64_t committed = 0;      // new articles durably committed so far
  uint64_t batches = 0;        // batches committed
  int64_t store_articles = 0;  // articles in the store after the last commit
  double restore_seconds = 0;  // time spent restoring the engine at Begin
  uint64_t replayed = 0;       // articles replayed after the snapshot at Begin
};

// Adds articles to a store, clustering them into stories as they come, and
// commits them in batches (one SQLite transaction per batch: articles, stories
// touched, and the engine's journal position). At Begin the story engine's state is
// restored from the last snapshot in the store and the few articles after it are
// replayed, not recomputed from scratch. One StoreIngest per store at a time
// (SQLite serialises writers; a second concurrent StoreIngest on the same file
// detects the other's commits and reloads). Not thread-safe; not copyable.
class StoreIngest {
 public:
  // `store` must outlive the StoreIngest and is used only through it meanwhile.
  static Result<std::unique_ptr<StoreIngest>> Begin(Store* store, StoreIngestOptions options);
  ~StoreIngest();
  StoreIngest(const StoreIngest&) = delete;
  StoreIngest& operator=(const StoreIngest&) = delete;

  // Offers one article. It may commit a batch (then on_commit runs first).
  Result<AddOutcome> Add(const Article& article);
  // Commits what is pending (no-op when nothing is).
  Status Commit();
  // Commits and saves the engine snapshot. Call once at the end.
  Status Finish();

  const IngestCounts& counts() const;
  // Called after each committed batch with the counts then (e.g. to print
  // "committed N articles"): everything counted in `committed` is durable.
  void set_on_commit(std::function<void(const IngestCounts&)> fn);

 private:
  struct Impl;
  explicit StoreIngest(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace storyline

#endif  // STORYLINE_STORE_H_
