// Copyright storyline authors.
//
// Store::Impl: the connection, the schema and the write calls StoreIngest uses,
// and what the store's files share: store_schema.cc (tables, migrations, opening),
// store_write.cc (the ingest side), store_read.cc (stories, articles, listing,
// search) and store_json.cc (the JSON forms). Private to src/store.
#ifndef STORYLINE_STORE_STORE_IMPL_H_
#define STORYLINE_STORE_STORE_IMPL_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/sqlite.h"
#include "storyline/store.h"
#include "storyline/text.h"

namespace storyline {

// The content hash of `text` (ContentHash of its words, storyline/text.h), which
// recognises the same content under another id; 0 when the text has no words, as
// such a text is the same as no other. *scratch is reused across calls.
uint64_t TextContentHash(std::string_view text, Words* scratch);

// Seconds since the epoch, for the *_at columns.
int64_t Now();

// The article columns ArticleFromRow reads, in its order ("SELECT " + this +
// " FROM articles ..."), for a store of schema `version`.
std::string ArticleColumns(int version);
StoredArticle ArticleFromRow(const sql::Stmt& s);

// A story's relations and shared passages, in stored order, appended to *out.
Status ReadRelations(sql::Db& db, int64_t story, std::vector<StoryRelation>* out);
Status ReadPassages(sql::Db& db, int64_t story, std::vector<StoryPassage>* out);

// The JSON arrays of strings kept in stories.sources and stories.summary: written
// by StringArrayJson, read back by ParseStringArray (a reader of exactly what the
// store writes, not of JSON in general).
std::string StringArrayJson(const std::vector<std::string>& v);
std::vector<std::string> ParseStringArray(std::string_view s);

struct Store::Impl {
  std::string path;
  std::unique_ptr<sql::Db> db;
  int version = 0;
  bool read_only = false;

  // Creates or migrates the schema (not for read-only stores).
  Status Migrate();
  Result<int> ReadVersion();

  // ---- writes (inside a caller's transaction) ----
  // Inserts the article and its set-aside lines; sets a->seq.
  Status InsertArticle(StoredArticle* a);
  // True when `id` is stored.
  Result<bool> HasId(const std::string& id);
  // The id stored with this content hash, if any.
  Result<std::optional<std::string>> IdWithHash(uint64_t hash);
  // Replaces everything stored about one story; sets its members' story column.
  Status WriteStory(const StoryDetail& d);
  // The parts of WriteStory, one table each (after DeleteStory emptied them).
  Status WriteStoryRow(const StoryDetail& d);
  Status WriteMembers(const StoryHeader& h);
  Status WriteRelations(int64_t story, const std::vector<StoryRelation>& relations);
  Status WritePassages(int64_t story, const std::vector<StoryPassage>& passages);
  Status WriteQuotes(int64_t story, const std::vector<StoryQuote>& quotes);
  Status WriteTerms(const StoryDetail& d);
  Status WriteMergedFrom(const StoryDetail& d);
  Status DeleteStory(int64_t story, int64_t merged_into);
  // The relations and passages stored for a story (to reuse unchanged pairs).
  Status LoadEvidence(int64_t story, std::vector<StoryRelation>* relations,
                      std::vector<StoryPassage>* passages);
  Status WriteTopic(int64_t topic, const std::string& label);
  Status SaveState(const std::string& name, int64_t seq, std::string_view blob);
  // (seq, blob) of the named state, nullopt when never saved.
  Result<std::optional<std::pair<int64_t, std::string>>> LoadState(const std::string& name);
  Result<int64_t> LastSeq();
  Result<int64_t> ArticleCount();
  // Articles with seq > after, in seq order (raw fields, cleaned text, no set-aside).
  Status ForEachArticleAfter(int64_t after, const std::function<Status(StoredArticle&)>& fn);
};

}  // namespace storyline

#endif  // STORYLINE_STORE_STORE_IMPL_H_
