// Copyright storyline authors.
//
// The store's reads: an article, a story in full (members, evidence, terms,
// timeline), pages of stories with their filters and search, and the counts.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "store/store_impl.h"
#include "storyline/store.h"

namespace storyline {

std::string ArticleColumns(int version) {
  std::string cols =
      "seq, id, content_hash, title, text, cleaned, url, source, published, published_ts, lang, "
      "author, origin_file, origin_line, story, topic, relation, of_id, score";
  // A store opened read-only is not migrated: before version 3 it has no such columns.
  cols += version >= 3 ? ", outlet_evidence, credit" : ", NULL, NULL";
  return cols;
}

namespace {

// The relation a row spells in `text` (RelationName's spelling, as the store keeps
// it); on other text, the first such error into `*bad` and `*out` left as it is.
void ReadRelation(std::string_view text, Relation* out, Status* bad) {
  std::optional<Relation> r = ParseRelation(text);
  if (r) {
    *out = *r;
  } else if (bad->ok()) {
    *bad = Status::Corruption("unknown relation in the store: \"" + std::string(text) + "\"");
  }
}

}  // namespace

StoredArticle ArticleFromRow(const sql::Stmt& s) {
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
  a.relation = ParseRelation(s.Text(16));  // NULL (not assigned yet): none
  a.of = s.Text(17);
  a.score = s.Double(18);
  a.outlet_evidence = s.Text(19);
  a.credit = s.Text(20);
  return a;
}

Status ReadRelations(sql::Db& db, int64_t story, std::vector<StoryRelation>* out) {
  Status bad;
  STORYLINE_RETURN_IF_ERROR(sql::ForEachRow(
      db, "SELECT a, b, relation, score, scores FROM story_relations WHERE story=? ORDER BY pos",
      [&](const sql::Stmt& r) {
        StoryRelation rel{r.Text(0), r.Text(1), Relation::kSameStory, r.Double(3), r.Text(4)};
        ReadRelation(r.Text(2), &rel.relation, &bad);
        out->push_back(std::move(rel));
      },
      story));
  return bad;
}

Status ReadPassages(sql::Db& db, int64_t story, std::vector<StoryPassage>* out) {
  return sql::ForEachRow(
      db,
      "SELECT a, b, a_start, a_end, b_start, b_end, text FROM story_passages WHERE story=? "
      "ORDER BY pos",
      [&](const sql::Stmt& r) {
        StoryPassage p;
        p.a = r.Text(0);
        p.b = r.Text(1);
        p.a_start = static_cast<uint32_t>(r.Int(2));
        p.a_end = static_cast<uint32_t>(r.Int(3));
        p.b_start = static_cast<uint32_t>(r.Int(4));
        p.b_end = static_cast<uint32_t>(r.Int(5));
        p.text = r.Text(6);
        out->push_back(std::move(p));
      },
      story);
}

namespace {

// Turns free text into an FTS5 query: every word a quoted term, all required, so
// user input never hits FTS5's query syntax.
std::string FtsQuery(std::string_view q) {
  std::string out, word;
  auto flush = [&] {
    if (word.empty()) return;
    if (!out.empty()) out += ' ';
    out += '"';
    for (char c : word) {
      if (c == '"') {
        out += "\"\"";
      } else {
        out += c;
      }
    }
    out += '"';
    word.clear();
  };
  for (char c : q) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      flush();
    } else {
      word += c;
    }
  }
  flush();
  return out;
}

Status ReadSetAside(sql::Db& db, StoredArticle* a) {
  return sql::ForEachRow(
      db,
      "SELECT line, begin_byte, end_byte, text, reason FROM set_aside WHERE seq=? ORDER BY line",
      [&](const sql::Stmt& r) {
        StoredSetAside l;
        l.line = static_cast<uint32_t>(r.Int(0));
        l.begin = static_cast<uint32_t>(r.Int(1));
        l.end = static_cast<uint32_t>(r.Int(2));
        l.text = r.Text(3);
        l.reason = r.Text(4);
        a->set_aside.push_back(std::move(l));
      },
      a->seq);
}

// The columns HeaderFromRow reads (stories s LEFT JOIN topics t), in its order.
constexpr const char* kStoryColumns =
    "s.id, s.title, s.topic, coalesce(t.label,''), s.original, s.first_seen, s.last_seen, "
    "s.sources, s.sort_key";

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

Status ReadMembers(sql::Db& db, int version, StoryHeader* h) {
  Status bad;
  STORYLINE_RETURN_IF_ERROR(sql::ForEachRow(
      db,
      std::string("SELECT m.article_id, m.relation, m.of_id, m.score, coalesce(a.title,''), "
                  "coalesce(a.source,''), coalesce(a.url,''), m.time, "
                  "coalesce(m.date_evidence,''), ") +
          (version >= 3 ? "coalesce(a.outlet_evidence,''), coalesce(a.credit,'') " : "'', '' ") +
          "FROM story_members m LEFT JOIN articles a ON a.id = m.article_id "
          "WHERE m.story=? ORDER BY m.pos",
      [&](const sql::Stmt& s) {
        StoryMember m;
        m.id = s.Text(0);
        ReadRelation(s.Text(1), &m.relation, &bad);
        m.of = s.Text(2);
        m.score = s.Double(3);
        m.title = s.Text(4);
        m.source = s.Text(5);
        m.url = s.Text(6);
        m.published = s.TimeOr(7, kNoTime);
        m.date_evidence = s.Text(8);
        m.outlet_evidence = s.Text(9);
        m.credit = s.Text(10);
        h->members.push_back(std::move(m));
      },
      h->story));
  return bad;
}

// The story row itself: header and summary. False when no such row.
Result<bool> ReadStoryRow(sql::Db& db, int64_t story, StoryDetail* d) {
  return sql::ReadRow(
      db,
      std::string("SELECT ") + kStoryColumns +
          ", s.summary FROM stories s LEFT JOIN topics t ON t.id = s.topic WHERE s.id=?",
      [&](const sql::Stmt& r) {
        d->header = HeaderFromRow(r);
        d->summary = ParseStringArray(r.Text(9));
      },
      story);
}

Status ReadQuotes(sql::Db& db, int64_t story, std::vector<StoryQuote>* out) {
  return sql::ForEachRow(
      db,
      "SELECT article_id, text, coalesce(speaker,''), start_byte, end_byte, shared_by "
      "FROM story_quotes WHERE story=? ORDER BY pos",
      [&](const sql::Stmt& r) {
        StoryQuote q;
        q.article_id = r.Text(0);
        q.text = r.Text(1);
        q.speaker = r.Text(2);
        q.start = static_cast<uint32_t>(r.Int(3));
        q.end = static_cast<uint32_t>(r.Int(4));
        q.shared_by = static_cast<int>(r.Int(5));
        out->push_back(std::move(q));
      },
      story);
}

// Key terms (kind "term") and key names (every other kind), in stored order.
Status ReadTerms(sql::Db& db, int64_t story, StoryDetail* d) {
  return sql::ForEachRow(
      db, "SELECT term, kind, weight FROM story_terms WHERE story=? ORDER BY pos",
      [&](const sql::Stmt& r) {
        KeyTerm t{r.Text(0), r.Text(1), r.Double(2)};
        (t.kind == "term" ? d->key_terms : d->key_names).push_back(std::move(t));
      },
      story);
}

Status ReadMergedFrom(sql::Db& db, int64_t story, std::vector<int64_t>* out) {
  return sql::ForEachRow(
      db, "SELECT from_story FROM story_merges WHERE into_story=? ORDER BY from_story",
      [&](const sql::Stmt& r) { out->push_back(r.Int(0)); }, story);
}

// The timeline: the members, and the topic's other stories (the nearest 50 in
// time), computed here so it follows stories added to the topic later. Sorted by
// time, unknown times last, ties in that order.
Status BuildTimeline(sql::Db& db, StoryDetail* d) {
  const StoryHeader& h = d->header;
  for (const StoryMember& m : h.members) {
    TimelinePoint p;
    p.time = m.published;
    p.kind = "member";
    p.article_id = m.id;
    p.label = m.title;
    p.relation = m.relation;
    d->timeline.push_back(std::move(p));
  }
  if (h.topic >= 0) {
    int64_t at = h.first_seen == kNoTime ? 0 : h.first_seen;
    STORYLINE_RETURN_IF_ERROR(sql::ForEachRow(
        db,
        "SELECT id, title, first_seen FROM stories WHERE topic=? AND id<>? "
        "ORDER BY abs(coalesce(first_seen,0) - ?) LIMIT 50",
        [&](const sql::Stmt& r) {
          TimelinePoint p;
          p.kind = "story";
          p.story = r.Int(0);
          p.label = r.Text(1);
          p.time = r.TimeOr(2, kNoTime);
          d->timeline.push_back(std::move(p));
        },
        h.topic, h.story, at));
  }
  std::stable_sort(d->timeline.begin(), d->timeline.end(),
                   [](const TimelinePoint& a, const TimelinePoint& b) {
                     if ((a.time == kNoTime) != (b.time == kNoTime)) return b.time == kNoTime;
                     return a.time < b.time;
                   });
  return Status::Ok();
}

}  // namespace

Result<StoredArticle> Store::GetArticle(const std::string& id) {
  sql::Db& db = *impl_->db;
  StoredArticle a;
  auto found = sql::ReadRow(
      db, "SELECT " + ArticleColumns(impl_->version) + " FROM articles WHERE id=?",
      [&](const sql::Stmt& r) { a = ArticleFromRow(r); }, id);
  if (!found.ok()) return found.status();
  if (!*found) return Status::NotFound("no article " + id);
  STORYLINE_RETURN_IF_ERROR(ReadSetAside(db, &a));
  return a;
}

Result<StoryDetail> Store::GetStory(int64_t story) {
  sql::Db& db = *impl_->db;
  StoryDetail d;
  auto found = ReadStoryRow(db, story, &d);
  if (!found.ok()) return found.status();
  if (!*found) {
    // A story merged into another answers with the one it became.
    auto into =
        sql::ReadInt(db, "SELECT into_story FROM story_merges WHERE from_story=?", story, story);
    if (!into.ok()) return into.status();
    if (*into != story) return GetStory(*into);
    return Status::NotFound("no story " + std::to_string(story));
  }
  STORYLINE_RETURN_IF_ERROR(ReadMembers(db, impl_->version, &d.header));
  STORYLINE_RETURN_IF_ERROR(ReadRelations(db, story, &d.relations));
  STORYLINE_RETURN_IF_ERROR(ReadPassages(db, story, &d.passages));
  STORYLINE_RETURN_IF_ERROR(ReadQuotes(db, story, &d.quotes));
  STORYLINE_RETURN_IF_ERROR(ReadTerms(db, story, &d));
  STORYLINE_RETURN_IF_ERROR(ReadMergedFrom(db, story, &d.merged_from));
  STORYLINE_RETURN_IF_ERROR(BuildTimeline(db, &d));
  return d;
}

namespace {

// A page cursor "SORT_KEY.ID": the last story of the previous page.
struct Cursor {
  int64_t key = 0;
  int64_t id = 0;
};

bool ParseCursor(const std::string& text, Cursor* c) {
  long long k = 0, id = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%lld.%lld%c", &k, &id, &tail) != 2) return false;
  c->key = k;
  c->id = id;
  return true;
}

// The SQL of ListStories: numbered parameters ?1..?8, a filter only for what the
// query sets, so a cached statement per combination.
std::string ListSql(const StoryQuery& query, bool has_cursor, bool has_fts) {
  std::string sql = std::string("SELECT ") + kStoryColumns +
                    " FROM stories s LEFT JOIN topics t ON t.id = s.topic WHERE 1";
  if (has_cursor) sql += " AND (s.sort_key < ?1 OR (s.sort_key = ?1 AND s.id < ?2))";
  if (query.from != kNoTime) sql += " AND s.last_seen >= ?3";
  if (query.to != kNoTime) sql += " AND s.first_seen <= ?4";
  if (query.topic >= 0) sql += " AND s.topic = ?5";
  if (!query.source.empty()) sql += " AND s.id IN (SELECT story FROM articles WHERE source = ?6)";
  if (has_fts) {
    sql +=
        " AND s.id IN (SELECT a.story FROM articles a WHERE a.seq IN "
        "(SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?7))";
  }
  sql += " ORDER BY s.sort_key DESC, s.id DESC LIMIT ?8";
  return sql;
}

}  // namespace

Result<StoryPage> Store::ListStories(const StoryQuery& query) {
  sql::Db& db = *impl_->db;
  int limit = std::clamp(query.limit, 1, 1000);
  Cursor cursor;
  bool has_cursor = !query.cursor.empty();
  if (has_cursor && !ParseCursor(query.cursor, &cursor)) {
    return Status::InvalidArgument("bad cursor: " + query.cursor);
  }
  std::string fts = FtsQuery(query.q);
  auto st = db.Prepare(ListSql(query, has_cursor, !fts.empty()));
  if (!st.ok()) return st.status();
  sql::Stmt& s = **st;
  if (has_cursor) s.Bind(1, cursor.key).Bind(2, cursor.id);
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
  for (auto& h : page.stories) STORYLINE_RETURN_IF_ERROR(ReadMembers(db, impl_->version, &h));
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
  auto found = sql::ReadRow(*impl_->db,
                            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM "
                            "stories), (SELECT count(*) FROM topics)",
                            [&](const sql::Stmt& r) {
                              c.articles = r.Int(0);
                              c.stories = r.Int(1);
                              c.topics = r.Int(2);
                            });
  if (!found.ok()) return found.status();
  return c;
}

}  // namespace storyline
