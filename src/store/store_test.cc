// The store on its own: schema and migrations, articles with their set-aside lines,
// stories and their evidence, listing with pagination and filters, FTS5 search.
#include "storyline/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "store/store_impl.h"

namespace storyline {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("storyline-store-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "s.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Store> OpenOrDie(bool read_only = false) {
    StoreOptions o;
    o.read_only = read_only;
    auto s = Store::Open(path_, o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }

  // Writes an article and a one-member story for it.
  void AddArticle(Store* s, const std::string& id, const std::string& title,
                  const std::string& text, const std::string& source, Timestamp t, int64_t story,
                  int64_t topic) {
    StoredArticle a;
    a.article.id = id;
    a.article.title = title;
    a.article.text = text;
    a.article.source = source;
    a.article.published_ts = t;
    a.cleaned_text = text;
    a.content_hash = TextContentHash(text, &words_);
    a.set_aside.push_back({3, 10, 20, "Subscribe to our newsletter", "subscribe prompt"});
    ASSERT_TRUE(s->impl()->InsertArticle(&a).ok());
    StoryDetail d;
    d.header.story = story;
    d.header.title = title;
    d.header.topic = topic;
    d.header.original = id;
    d.header.first_seen = d.header.last_seen = t;
    d.header.sources = {source};
    d.header.members.push_back(
        {id, Relation::kOriginal, "", 1.0, title, source, "", t, "published"});
    d.summary = {"First sentence.", "Second \"quoted\" sentence."};
    d.key_names = {{"Kim Jong Un", "person", 3}};
    d.key_terms = {{"missile", "term", 2}};
    ASSERT_TRUE(s->impl()->WriteStory(d).ok());
  }

  std::filesystem::path dir_;
  std::string path_;
  Words words_;
};

TEST_F(StoreTest, CreatesTheLatestSchemaInWalMode) {
  auto s = OpenOrDie();
  EXPECT_EQ(s->schema_version(), Store::LatestSchemaVersion());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
  sqlite3_prepare_v2(db, "SELECT count(*) FROM schema_migrations", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), Store::LatestSchemaVersion());
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_F(StoreTest, MigratesAnOlderSchemaForward) {
  { auto s = OpenOrDie(); }
  // Roll the file back to version 1: drop what migrations 2 and 3 added.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP INDEX articles_source; DROP INDEX story_members_article; "
                         "ALTER TABLE articles DROP COLUMN outlet_evidence; "
                         "ALTER TABLE articles DROP COLUMN credit; "
                         "DELETE FROM schema_migrations WHERE version>=2",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  {
    StoreOptions ro;
    ro.read_only = true;
    auto old = Store::Open(path_, ro);
    ASSERT_TRUE(old.ok());
    EXPECT_EQ((*old)->schema_version(), 1);  // read-only never migrates
  }
  auto s = OpenOrDie();
  EXPECT_EQ(s->schema_version(), 3);
}

// A store written before migration 3 (no outlet columns) reads read-only, its
// articles and stories intact, and then migrates with their outlets unknown.
TEST_F(StoreTest, AStoreWithoutOutletColumnsReadsAndMigrates) {
  {
    auto s = OpenOrDie();
    AddArticle(s.get(), "a1", "Kim back", "Kim Jong Un returned home.", "Wire", 1000, 1, 1);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "ALTER TABLE articles DROP COLUMN outlet_evidence; "
                         "ALTER TABLE articles DROP COLUMN credit; "
                         "DELETE FROM schema_migrations WHERE version=3",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  {
    auto old = OpenOrDie(/*read_only=*/true);
    ASSERT_NE(old, nullptr);
    EXPECT_EQ(old->schema_version(), 2);
    auto a = old->GetArticle("a1");
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_EQ(a->article.source, "Wire");
    EXPECT_EQ(a->credit, "");
    auto d = old->GetStory(1);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    ASSERT_EQ(d->header.members.size(), 1u);
    EXPECT_EQ(d->header.members[0].source, "Wire");
  }
  auto s = OpenOrDie();
  EXPECT_EQ(s->schema_version(), 3);
  auto a = s->GetArticle("a1");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->outlet_evidence, "");
  EXPECT_NE(StoredArticleJson(*a).find("\"credit\":null"), std::string::npos);
}

// Ingest recovers the outlet a seed names in its own boilerplate and the wire
// credit of its dateline (../shared/seeds/README.md: 002 is Reuters' story as The
// NRI Nation reposted it).
TEST_F(StoreTest, IngestKeepsEachArticlesOutletAndCredit) {
  auto s = OpenOrDie();
  auto ingest = StoreIngest::Begin(s.get(), {});
  ASSERT_TRUE(ingest.ok()) << ingest.status().ToString();
  Article a;
  a.id = "002";
  a.title = "North Korea defends Russian cooperation";
  a.text =
      "SEOUL (Reuters) - North Korea on Monday slammed South Korean President Yoon Suk Yeol "
      "for criticising its cooperation with Moscow.\n\n"
      "Kim returned home last week from a week-long trip to Russia.\n\n"
      "(Reporting by Soo-hyang Choi; Editing by Chizu Nomiyama)\n\n"
      "The NRI Nation\nwww.mynrination.com";
  ASSERT_TRUE((*ingest)->Add(a).ok());
  Article b;
  b.id = "given";
  b.title = "Kim visits Russia";
  b.text = "PARIS (AFP) - Kim Jong Un met Vladimir Putin at the Vostochny Cosmodrome.";
  b.source = "Le Monde";
  ASSERT_TRUE((*ingest)->Add(b).ok());
  ASSERT_TRUE((*ingest)->Finish().ok());
  auto got = s->GetArticle("002");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->article.source, "The NRI Nation");
  EXPECT_EQ(got->outlet_evidence, "boilerplate");
  EXPECT_EQ(got->credit, "Reuters");
  got = s->GetArticle("given");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->article.source, "Le Monde");
  EXPECT_EQ(got->outlet_evidence, "input");
  EXPECT_EQ(got->credit, "AFP");
  auto d = s->GetStory(got->story);
  ASSERT_TRUE(d.ok());
  ASSERT_FALSE(d->header.members.empty());
  EXPECT_EQ(d->header.members[0].credit, "AFP");
}

TEST_F(StoreTest, RefusesANewerSchema) {
  { auto s = OpenOrDie(); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "INSERT INTO schema_migrations VALUES (99, 'future', 0)", nullptr, nullptr,
               nullptr);
  sqlite3_close(db);
  auto s = Store::Open(path_, {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Status::Code::kUnsupported);
}

TEST_F(StoreTest, RefusesAFileThatIsNotAStore) {
  std::ofstream(path_) << "these are not the bytes of an SQLite database, not even close......"
                       << std::string(4096, 'x');
  auto s = Store::Open(path_, {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Status::Code::kCorruption) << s.status().ToString();
}

TEST_F(StoreTest, RefusesAnotherSqliteDatabase) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto s = Store::Open(path_, {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Status::Code::kCorruption);
}

TEST_F(StoreTest, KeepsRawTextCleanedTextAndSetAsideLines) {
  auto s = OpenOrDie();
  AddArticle(s.get(), "a1", "Title", "Body one.\nSubscribe to our newsletter", "Reuters",
             1695600000, 1, 1);
  auto a = s->GetArticle("a1");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->article.text, "Body one.\nSubscribe to our newsletter");
  EXPECT_EQ(a->article.source, "Reuters");
  EXPECT_EQ(a->article.published_ts, 1695600000);
  EXPECT_EQ(a->story, 1);
  EXPECT_EQ(a->relation, Relation::kOriginal);
  ASSERT_EQ(a->set_aside.size(), 1u);
  EXPECT_EQ(a->set_aside[0].reason, "subscribe prompt");
  EXPECT_EQ(a->set_aside[0].text, "Subscribe to our newsletter");
  std::string json = StoredArticleJson(*a);
  EXPECT_NE(json.find("\"set_aside\":[{\"line\":3"), std::string::npos) << json;
}

TEST_F(StoreTest, UnknownIdsAreNotFound) {
  auto s = OpenOrDie();
  EXPECT_EQ(s->GetArticle("nope").status().code(), Status::Code::kNotFound);
  EXPECT_EQ(s->GetStory(42).status().code(), Status::Code::kNotFound);
}

TEST_F(StoreTest, SameContentIsTheSameWords) {
  Words w;
  const uint64_t h = TextContentHash("Kim Jong Un returned home.", &w);
  EXPECT_EQ(TextContentHash("KIM  jong un\n\nreturned home", &w), h);
  EXPECT_EQ(TextContentHash("Kim, Jong Un -- returned home!", &w), h);
  EXPECT_NE(TextContentHash("Kim Jong Un returned home again.", &w), h);
  EXPECT_NE(TextContentHash("Kim Jong Un home returned.", &w), h);
  // The same value dedup and compare use for the same words.
  Tokenize("Kim Jong Un returned home.", &w);
  EXPECT_EQ(ContentHash(w), h);
  EXPECT_EQ(TextContentHash(" -- ... ", &w), 0u);  // no words, no content
}

TEST_F(StoreTest, IngestSkipsTheSameWordsUnderAnotherIdButNotWordlessTexts) {
  auto s = OpenOrDie();
  auto ingest = StoreIngest::Begin(s.get(), {});
  ASSERT_TRUE(ingest.ok()) << ingest.status().ToString();
  auto add = [&](const std::string& id, const std::string& text) {
    Article a;
    a.id = id;
    a.title = "Kim back from Russia";
    a.text = text;
    auto r = (*ingest)->Add(a);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : AddOutcome::kAdded;
  };
  EXPECT_EQ(add("wire", "Kim Jong Un returned home on Sunday."), AddOutcome::kAdded);
  EXPECT_EQ(add("copy", "KIM JONG UN returned home, on Sunday!"), AddOutcome::kSameContent);
  EXPECT_EQ(add("edit", "Kim Jong Un returned home on Monday."), AddOutcome::kAdded);
  EXPECT_EQ(add("wire", "Anything else."), AddOutcome::kSameId);
  EXPECT_EQ(add("photo-1", " -- "), AddOutcome::kAdded);
  EXPECT_EQ(add("photo-2", " -- "), AddOutcome::kAdded);
  ASSERT_TRUE((*ingest)->Finish().ok());
  EXPECT_EQ((*ingest)->counts().added, 4u);
  EXPECT_EQ((*ingest)->counts().same_content, 1u);
  // Committed: a later ingest sees the stored hash.
  auto again = StoreIngest::Begin(s.get(), {});
  ASSERT_TRUE(again.ok());
  Article a;
  a.id = "copy-2";
  a.text = "Kim Jong Un; returned home on Sunday";
  auto r = (*again)->Add(a);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, AddOutcome::kSameContent);
  ASSERT_TRUE((*again)->Finish().ok());
}

TEST_F(StoreTest, StoryRoundTripsWithEvidence) {
  auto s = OpenOrDie();
  AddArticle(s.get(), "002", "Kim back from Russia", "orig text", "Reuters", 1695600000, 7, 3);
  StoredArticle b;
  b.article.id = "001";
  b.article.text = "rewrite text";
  b.cleaned_text = b.article.text;
  b.content_hash = TextContentHash(b.article.text, &words_);
  ASSERT_TRUE(s->impl()->InsertArticle(&b).ok());
  StoryDetail d;
  d.header.story = 7;
  d.header.topic = 3;
  d.header.title = "Kim back from Russia";
  d.header.original = "002";
  d.header.first_seen = 1695600000;
  d.header.last_seen = 1695700000;
  d.header.sources = {"Reuters"};
  d.header.members = {{"002", Relation::kOriginal, "", 1, "", "", "", 1695600000, "published"},
                      {"001", Relation::kRewrite, "002", 0.7, "", "", "", 1695700000, "dateline"}};
  d.relations = {{"002", "001", Relation::kRewrite, 0.7, "{\"quotes\":1}"}};
  d.passages = {{"002", "001", 0, 4, 0, 4, "orig"}};
  d.quotes = {{"001", "It is quite natural", "KCNA", 1, 5, 2}};
  d.summary = {"One.", "Two."};
  d.key_names = {{"KCNA", "organisation", 1}};
  ASSERT_TRUE(s->impl()->WriteTopic(3, "North Korea Russia").ok());
  ASSERT_TRUE(s->impl()->WriteStory(d).ok());
  auto got = s->GetStory(7);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->header.members.size(), 2u);
  EXPECT_EQ(got->header.members[1].of, "002");
  EXPECT_EQ(got->header.topic_label, "North Korea Russia");
  ASSERT_EQ(got->passages.size(), 1u);
  EXPECT_EQ(got->quotes[0].speaker, "KCNA");
  EXPECT_EQ(got->summary, d.summary);
  std::string json = StoryDetailJson(*got);
  EXPECT_NE(json.find("\"scores\":{\"quotes\":1}"), std::string::npos) << json;
  EXPECT_NE(json.find("\"of\":\"002\""), std::string::npos);
  auto a = s->GetArticle("001");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->story, 7);
  EXPECT_EQ(a->relation, Relation::kRewrite);
}

TEST_F(StoreTest, TimelineHoldsTheTopicsOtherStoriesInTimeOrder) {
  auto s = OpenOrDie();
  AddArticle(s.get(), "002", "Sep 2023 story", "a", "R", 1695600000, 1, 9);
  AddArticle(s.get(), "004", "Aug 2022 story", "b", "Y", 1660500000, 2, 9);
  AddArticle(s.get(), "999", "Other topic", "c", "Z", 1600000000, 3, 5);
  auto d = s->GetStory(1);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->timeline.size(), 2u);
  EXPECT_EQ(d->timeline[0].kind, "story");
  EXPECT_EQ(d->timeline[0].story, 2);
  EXPECT_EQ(d->timeline[1].article_id, "002");
}

TEST_F(StoreTest, ListsNewestFirstAcrossPages) {
  auto s = OpenOrDie();
  for (int i = 1; i <= 7; ++i) {
    AddArticle(s.get(), "id" + std::to_string(i), "T" + std::to_string(i),
               "text " + std::to_string(i), i % 2 ? "Odd" : "Even", 1600000000 + i * 86400, i,
               100 + i % 2);
  }
  StoryQuery q;
  q.limit = 3;
  std::vector<int64_t> seen;
  int pages = 0;
  while (true) {
    auto p = s->ListStories(q);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    ++pages;
    for (auto& h : p->stories) seen.push_back(h.story);
    if (p->next.empty()) break;
    q.cursor = p->next;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<int64_t>{7, 6, 5, 4, 3, 2, 1}));
}

TEST_F(StoreTest, FiltersBySourceTopicDatesAndText) {
  auto s = OpenOrDie();
  AddArticle(s.get(), "a", "Kim meets Putin", "Kim Jong Un met Vladimir Putin at the cosmodrome.",
             "Reuters", 1695600000, 1, 1);
  AddArticle(s.get(), "b", "Earthquake in Chile", "A strong earthquake struck Chile.", "AP",
             1600000000, 2, 2);
  auto ids = [&](const StoryQuery& q) {
    std::vector<int64_t> v;
    auto p = s->ListStories(q);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    if (p.ok()) {
      for (auto& h : p->stories) v.push_back(h.story);
    }
    return v;
  };
  StoryQuery q;
  q.source = "AP";
  EXPECT_EQ(ids(q), (std::vector<int64_t>{2}));
  q = {};
  q.topic = 1;
  EXPECT_EQ(ids(q), (std::vector<int64_t>{1}));
  q = {};
  q.from = 1690000000;
  EXPECT_EQ(ids(q), (std::vector<int64_t>{1}));
  q = {};
  q.to = 1690000000;
  EXPECT_EQ(ids(q), (std::vector<int64_t>{2}));
  q = {};
  q.q = "cosmodrome putin";
  EXPECT_EQ(ids(q), (std::vector<int64_t>{1}));
  q.q = "\"unbalanced ( OR NEAR";  // FTS5 syntax in user input is taken as words
  EXPECT_TRUE(s->ListStories(q).ok());
}

TEST_F(StoreTest, RejectsABadCursor) {
  auto s = OpenOrDie();
  StoryQuery q;
  q.cursor = "not-a-cursor";
  EXPECT_EQ(s->ListStories(q).status().code(), Status::Code::kInvalidArgument);
}

TEST_F(StoreTest, MergedStoryAnswersWithTheStoryItBecame) {
  auto s = OpenOrDie();
  AddArticle(s.get(), "a", "A", "text a", "R", 1695600000, 1, 1);
  AddArticle(s.get(), "b", "B", "text b", "R", 1695600000, 2, 1);
  ASSERT_TRUE(s->impl()->DeleteStory(2, 1).ok());
  auto d = s->GetStory(2);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->header.story, 1);
}

TEST_F(StoreTest, EngineStateRoundTrips) {
  auto s = OpenOrDie();
  std::string blob("\0\1binary\xff", 9);
  ASSERT_TRUE(s->impl()->SaveState("engine", 42, blob).ok());
  auto st = s->impl()->LoadState("engine");
  ASSERT_TRUE(st.ok());
  ASSERT_TRUE(st->has_value());
  EXPECT_EQ((*st)->first, 42);
  EXPECT_EQ((*st)->second, blob);
  EXPECT_FALSE(s->impl()->LoadState("other")->has_value());
}

}  // namespace
}  // namespace storyline
