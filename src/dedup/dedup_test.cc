#include "storyline/dedup.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/hash.h"
#include "core/json_writer.h"
#include "dedup/spill_file.h"
#include "storyline/ingest.h"
#include "storyline/minhash.h"
#include "storyline/text.h"

namespace storyline {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Article Make(std::string id, std::string text, const std::string& published = "") {
  Article a;
  a.id = std::move(id);
  a.text = std::move(text);
  a.published = published;
  if (!published.empty()) a.published_ts = *ParseDateTime(published);
  return a;
}

// "d" and 7 give "d7" (appended: GCC 12 misreads "d" + std::to_string(7) in this
// file as overlapping copies, -Wrestrict).
std::string Numbered(const char* prefix, int i) {
  std::string s = prefix;
  s += std::to_string(i);
  return s;
}

std::vector<Article> Seeds() {
  std::vector<Article> out;
  for (const char* f : {"000_ccb038054484d1e6", "001_c28f1e39ad1e51fe", "002_fe51a37dbb415eaa",
                        "003_fc802517088b5e08", "004_a62b8a648886d1d4"}) {
    out.push_back(Make(f, ReadFile(std::string("demo/") + f + ".txt")));
  }
  return out;
}

// Splits on spaces and newlines, keeping the separators with the words, so edits
// keep the text's shape.
std::vector<std::string> Pieces(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    cur += c;
    if (c == ' ' || c == '\n') {
      out.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// Replaces `rate` of the words by made-up ones.
std::string EditWords(const std::string& text, double rate, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto p = Pieces(text);
  const size_t edits = std::max<size_t>(1, static_cast<size_t>(p.size() * rate));
  for (size_t e = 0; e < edits; ++e) {
    size_t i = rng() % p.size();
    p[i] = "zq" + std::to_string(rng() % 1000000) + " ";
  }
  std::string out;
  for (auto& s : p) out += s;
  return out;
}

std::string Truncate(const std::string& text, double keep) {
  auto p = Pieces(text);
  std::string out;
  for (size_t i = 0; i < p.size() * keep; ++i) out += p[i];
  return out;
}

DedupResult RunDedup(const std::vector<Article>& a, const DedupOptions& opt = {}) {
  Result<DedupResult> r = DedupArticles(a, opt);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : DedupResult{};
}

TEST(Dedup, PipelineContentHashOfSeedIsPinned) {
  // The content hash (docs/formats.md) of a seed through the real tokeniser.
  Words w;
  Tokenize(ReadFile("demo/002_fe51a37dbb415eaa.txt"), &w);
  std::vector<std::string_view> v;
  std::string joined;
  for (size_t i = 0; i < w.size(); ++i) {
    v.push_back(w.word(i));
    if (i != 0) joined += ' ';
    joined += w.word(i);
  }
  std::vector<uint64_t> sh;
  EXPECT_EQ(HashShingles(v, 5, &sh), Hash64(joined, kContentSeed));
  EXPECT_EQ(sh.size(), w.size() - 4);
}

TEST(Dedup, SeedsAreFiveClusters) {
  // 001 rewrites 002 and 000 paraphrases it: related stories, not copies.
  DedupResult r = RunDedup(Seeds());
  ASSERT_EQ(r.records.size(), 5u);
  for (const auto& rec : r.records) EXPECT_TRUE(rec.kept()) << rec.id;
  EXPECT_EQ(r.stats.kept, 5u);
}

TEST(Dedup, ExactDuplicatesIgnoreCaseSpacingAndPunctuation) {
  std::string t = ReadFile("demo/002_fe51a37dbb415eaa.txt");
  std::string shouted;
  for (char c : t) shouted += (c == ' ') ? std::string("  ") : std::string(1, std::toupper(c));
  std::vector<Article> a = {Make("a", t), Make("b", shouted), Make("c", t)};
  DedupOptions opt;
  opt.keep = KeepPolicy::kFirst;
  DedupResult r = RunDedup(a, opt);
  EXPECT_TRUE(r.records[0].kept());
  EXPECT_EQ(r.records[1].relation, Relation::kDuplicate);
  EXPECT_EQ(r.records[2].relation, Relation::kDuplicate);
  EXPECT_EQ(r.records[2].of, "a");
  EXPECT_EQ(r.records[2].similarity, 1.0);
  EXPECT_EQ(r.stats.exact_duplicates, 2u);
}

TEST(Dedup, PlantedEditsJoinTheirOriginal) {
  std::vector<Article> a = Seeds();
  const size_t originals = a.size();
  for (size_t i = 0; i < originals; ++i) {
    const std::string t = a[i].text;  // a copy: push_back moves the vector
    a.push_back(Make(a[i].id + "-edit1", EditWords(t, 0.01, i)));
    a.push_back(Make(a[i].id + "-edit3", EditWords(t, 0.03, i + 100)));
    a.push_back(Make(a[i].id + "-trunc70", Truncate(t, 0.72)));
    a.push_back(Make(a[i].id + "-trunc90", Truncate(t, 0.9)));
    a.push_back(
        Make(a[i].id + "-boiler", t + "\nSubscribe to our newsletter for the latest news.\n"
                                      "Share this article on Facebook and Twitter\nRead More: "
                                      "https://example.com/news\n"));
  }
  DedupOptions opt;
  opt.keep = KeepPolicy::kFirst;
  DedupResult r = RunDedup(a, opt);
  for (size_t i = originals; i < a.size(); ++i) {
    const auto& rec = r.records[i];
    const size_t orig = (i - originals) / 5;
    EXPECT_EQ(rec.of, a[orig].id) << rec.id << " similarity " << rec.similarity;
    EXPECT_EQ(rec.cluster, r.records[orig].cluster) << rec.id;
  }
  EXPECT_EQ(r.stats.kept, originals);
}

// 1000 distinct words: every 5-word shingle is unique, so Jaccard is exact arithmetic.
std::string Tokens(int from, int to, const std::string& tag) {
  std::string s;
  for (int i = from; i < to; ++i) s += tag + std::to_string(i) + " ";
  return s;
}

TEST(Dedup, ChainsAreCutAtTheKeptArticle) {
  // B is close to A, C is close to B, but C is not close to A: C must not join A's
  // cluster through B.
  const std::string a = Tokens(0, 1000, "w");
  const std::string b = Tokens(0, 50, "x") + Tokens(50, 1000, "w");
  const std::string c =
      Tokens(0, 50, "x") + Tokens(50, 500, "w") + Tokens(500, 550, "y") + Tokens(550, 1000, "w");
  DedupOptions opt;
  opt.threshold = 0.85;
  opt.use_containment = false;
  opt.keep = KeepPolicy::kFirst;
  DedupResult r = RunDedup({Make("A", a), Make("B", b), Make("C", c)}, opt);
  EXPECT_TRUE(r.records[0].kept());
  EXPECT_EQ(r.records[1].of, "A");
  EXPECT_GE(r.records[1].jaccard, 0.85);
  EXPECT_TRUE(r.records[2].kept()) << "C joined " << r.records[2].of;
  EXPECT_NE(r.records[2].cluster, r.records[0].cluster);
}

TEST(Dedup, JoinsTheMostSimilarKeptArticle) {
  // A and D are kept (Jaccard 0.33). C is over the threshold with both, closer to
  // D (0.67) than to A (0.54): it joins D although A comes first.
  const std::string a = Tokens(0, 1000, "w");
  const std::string d = Tokens(0, 500, "x") + Tokens(500, 1000, "w");
  const std::string c = Tokens(0, 300, "x") + Tokens(300, 1000, "w");
  DedupOptions opt;
  opt.keep = KeepPolicy::kFirst;
  opt.use_containment = false;
  opt.threshold = 0.5;
  DedupResult r = RunDedup({Make("A", a), Make("D", d), Make("C", c)}, opt);
  EXPECT_TRUE(r.records[0].kept());
  EXPECT_TRUE(r.records[1].kept());
  EXPECT_EQ(r.records[2].of, "D");
  EXPECT_NEAR(r.records[2].jaccard, 0.67, 0.02);
}

TEST(Dedup, KeepPolicyChoosesTheKeptArticle) {
  const std::string t = ReadFile("demo/004_a62b8a648886d1d4.txt");
  std::vector<Article> a = {
      Make("mid", t, "2022-08-16"),
      Make("longest", t + "\nAn extra closing paragraph of the copy.\n", "2022-08-17"),
      Make("earliest", EditWords(t, 0.01, 5), "2022-08-15T06:00:00Z"),
      Make("undated", t.substr(0, t.size() - 1))};
  struct Case {
    KeepPolicy keep;
    const char* want;
  };
  for (Case c : {Case{KeepPolicy::kFirst, "mid"}, Case{KeepPolicy::kEarliest, "earliest"},
                 Case{KeepPolicy::kLongest, "longest"}}) {
    DedupOptions opt;
    opt.keep = c.keep;
    DedupResult r = RunDedup(a, opt);
    for (const auto& rec : r.records) {
      EXPECT_EQ(rec.of, c.want) << KeepPolicyName(c.keep) << " " << rec.id;
      EXPECT_EQ(rec.kept(), rec.id == c.want);
      EXPECT_EQ(rec.cluster, 0u);
    }
  }
}

TEST(Dedup, TextsWithoutWordsStayAlone) {
  DedupResult r = RunDedup({Make("a", "..."), Make("b", "!!!"), Make("c", "...")});
  for (const auto& rec : r.records) EXPECT_TRUE(rec.kept());
  EXPECT_EQ(r.records[2].cluster, 2u);
}

TEST(Dedup, RejectsAThresholdOutOfRange) {
  DedupOptions opt;
  opt.threshold = 1.5;
  EXPECT_EQ(DedupArticles(Seeds(), opt).status().code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(ParseKeepPolicy("latest").ok());
}

// Real text: the seeds and a sample of Reuters with planted copies.
std::vector<Article> RealSample() {
  std::vector<Article> a = Seeds();
  const std::string path = "../shared/data/reuters21578/data.jsonl";
  if (!std::filesystem::exists(path)) return a;
  IngestOptions io;
  Result<std::vector<Article>> all = ReadAllArticles({path}, io);
  if (!all.ok()) return a;
  std::mt19937_64 rng(3);
#ifdef STORYLINE_HASH_COLLIDE
  const size_t kSample = 300;  // every pair is a candidate: keep it quadratic but small
#else
  const size_t kSample = 3000;
#endif
  size_t n = std::min<size_t>(all->size(), kSample);
  for (size_t i = 0; i < n; ++i) {
    a.push_back((*all)[i]);
    if (i % 5 == 0) {
      Article c = (*all)[i];
      c.id += "-copy";
      c.text = (i % 10 == 0) ? EditWords(c.text, 0.03, i) : Truncate(c.text, 0.8);
      a.push_back(c);
    }
  }
  std::shuffle(a.begin() + 5, a.end(), rng);
  return a;
}

TEST(Dedup, SameOutputWithAnyThreadCount) {
  std::vector<Article> a = RealSample();
  if (a.size() < 100) GTEST_SKIP() << "../shared/data/reuters21578 absent";
  std::vector<std::vector<DedupRecord>> runs;
  // And with the signature spill read by pread instead of through a mapping.
  for (auto [threads, map] : {std::pair{1, true}, {2, true}, {4, true}, {1, false}, {2, false}}) {
    DedupOptions opt;
    opt.threads = threads;
    opt.map_spill = map;
    runs.push_back(RunDedup(a, opt).records);
  }
  ASSERT_EQ(runs[0].size(), a.size());
  size_t dups = 0;
  for (size_t t = 1; t < runs.size(); ++t) {
    for (size_t i = 0; i < a.size(); ++i) {
      const auto &x = runs[0][i], &y = runs[t][i];
      ASSERT_EQ(x.id, y.id) << i;
      ASSERT_EQ(x.cluster, y.cluster) << i;
      ASSERT_EQ(x.of, y.of) << i;
      ASSERT_EQ(x.relation, y.relation) << i;
      ASSERT_EQ(x.similarity, y.similarity) << i;
      dups += !x.kept();
    }
  }
  EXPECT_GT(dups, 0u);
}

// Two threads decide in blocks of 2,048 articles in keep order, with tables of
// each block's content hashes and of the kept articles of two blocks: here
// several blocks where every article is distinct, so kept (the tables at their
// fullest), and copies of them in later blocks. Same records as one thread.
TEST(Dedup, BlocksOfDistinctArticlesWithCopies) {
  std::vector<Article> a;
  a.reserve(5000);
  for (int i = 0; i < 5000; ++i) {
    a.push_back(Make(Numbered("d", i), Tokens(i * 40, i * 40 + 40, "w")));
  }
  for (int i = 0; i < 5000; i += 7) {  // a near copy (1 word of 40 changed), dated later
    a.push_back(Make(Numbered("c", i), Tokens(i * 40, i * 40 + 39, "w") + "changed"));
  }
  std::vector<std::vector<DedupRecord>> runs;
  for (int threads : {1, 2}) {
    DedupOptions opt;
    opt.threads = threads;
    opt.keep = KeepPolicy::kFirst;
    runs.push_back(RunDedup(a, opt).records);
  }
  size_t kept = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(runs[0][i].cluster, runs[1][i].cluster) << i;
    ASSERT_EQ(runs[0][i].of_seq, runs[1][i].of_seq) << i;
    ASSERT_EQ(runs[0][i].similarity, runs[1][i].similarity) << i;
    kept += runs[1][i].kept();
  }
  EXPECT_EQ(kept, 5000u);
  EXPECT_EQ(runs[1][5000].of_seq, 0u);  // c0 joins d0
}

// With boilerplate learning the filter changes between batches: one batch at a
// time then, and still the same records with any thread count. Lines a source
// repeats in many articles are set aside.
TEST(Dedup, LearningBoilerplateIsDeterministic) {
  std::vector<Article> a = RealSample();
  if (a.size() < 100) GTEST_SKIP() << "../shared/data/reuters21578 absent";
  for (size_t i = 0; i < a.size(); ++i) {
    a[i].source = "wire";
    if (i % 2 == 0) a[i].text += "\n\nFollow Wire News on every platform for more stories.";
  }
  std::vector<DedupResult> runs;
  for (int threads : {1, 2}) {
    DedupOptions opt;
    opt.threads = threads;
    opt.learn_boilerplate = true;
    runs.push_back(RunDedup(a, opt));
  }
  ASSERT_EQ(runs[0].records.size(), a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(runs[0].records[i].of_seq, runs[1].records[i].of_seq) << i;
    ASSERT_EQ(runs[0].records[i].similarity, runs[1].records[i].similarity) << i;
  }
  EXPECT_EQ(runs[0].stats.boilerplate_lines, runs[1].stats.boilerplate_lines);
  EXPECT_GT(runs[0].stats.boilerplate_lines, a.size() / 4);  // the repeated line, learned
}

// Verbatim copies (same text, title and outlet) skip cleaning and tokenising
// (what the first one found is reused); with --explain every article is cleaned.
// Both ways give the same records and the same count of lines set aside, and
// each verbatim copy is an exact duplicate.
TEST(Dedup, VerbatimCopiesAreExactDuplicatesWithTheSameCounts) {
  std::vector<Article> a = RealSample();
  if (a.size() < 100) GTEST_SKIP() << "../shared/data/reuters21578 absent";
  const size_t originals = a.size();
  for (size_t i = 0; i < originals; i += 9) {
    Article c = a[i];
    c.id += "-verbatim";
    c.text = "Subscribe to our newsletter for the latest news.\n" + c.text;  // set aside
    a.push_back(c);
    a.push_back(c);  // and a copy of the copy, with the same id made unique below
    a.back().id += "2";
  }
  DedupOptions fast;
  fast.keep = KeepPolicy::kFirst;
  DedupOptions explained = fast;
  size_t lines = 0;
  explained.explain = [&lines](std::string_view) { ++lines; };
  for (int threads : {1, 2}) {
    fast.threads = explained.threads = threads;
    DedupResult x = RunDedup(a, fast), y = RunDedup(a, explained);
    ASSERT_EQ(x.records.size(), a.size());
    ASSERT_EQ(y.records.size(), a.size());
    for (size_t i = 0; i < a.size(); ++i) {
      ASSERT_EQ(x.records[i].of_seq, y.records[i].of_seq) << i;
      ASSERT_EQ(x.records[i].relation, y.records[i].relation) << i;
      ASSERT_EQ(x.records[i].similarity, y.records[i].similarity) << i;
    }
    EXPECT_EQ(x.stats.boilerplate_lines, y.stats.boilerplate_lines);
    EXPECT_EQ(x.stats.exact_duplicates, y.stats.exact_duplicates);
    for (size_t i = originals; i < a.size(); i += 2) {
      // The first verbatim copy is an exact duplicate of its original (the
      // subscribe line is set aside), the second one too.
      EXPECT_EQ(x.records[i].relation, Relation::kDuplicate) << a[i].id;
      EXPECT_EQ(x.records[i + 1].relation, Relation::kDuplicate) << a[i + 1].id;
      EXPECT_EQ(x.records[i + 1].of_seq, x.records[i].of_seq);
    }
    // Each of the added articles had its subscribe line set aside, counted
    // whether it was cleaned or its first copy's count reused.
    EXPECT_GE(x.stats.boilerplate_lines, 2 * ((originals + 8) / 9));
  }
  EXPECT_GT(lines, 0u);
}

}  // namespace
}  // namespace storyline

namespace {

// JSON string escaping as specified, one byte at a time: the reference for the
// vectorised scan of AppendJsonString (core/json_writer.h).
std::string ReferenceJsonString(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    const char* named = c == '"'    ? "\\\""
                        : c == '\\' ? "\\\\"
                        : c == '\n' ? "\\n"
                        : c == '\r' ? "\\r"
                        : c == '\t' ? "\\t"
                        : c == '\b' ? "\\b"
                        : c == '\f' ? "\\f"
                                    : nullptr;
    if (named != nullptr) {
      out += named;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

}  // namespace

// The KEPT lines' escaping, whose vectorised scan must find every byte the
// byte-by-byte reference escapes: every byte value at every position of a
// 16-byte block, and random text of the bytes that need escaping.
TEST(Dedup, KeptLinesEscapeAsTheReference) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += std::string(static_cast<size_t>(b % 17), 'x') + char(b);
  for (size_t len = 0; len < 40; ++len) {
    for (size_t at = 0; at + len <= all.size(); at += 7) {
      const std::string_view s = std::string_view(all).substr(at, len);
      std::string got;
      storyline::AppendJsonString(&got, s);
      ASSERT_EQ(got, ReferenceJsonString(s)) << at << " " << len;
    }
  }
  std::string whole;
  storyline::AppendJsonString(&whole, all);
  EXPECT_EQ(whole, ReferenceJsonString(all));
}

// ArticleJson writes the KEPT line itself (keys and AppendJsonString, no
// JsonWriter); it must stay byte for byte what JsonWriter writes.
TEST(Dedup, ArticleJsonMatchesJsonWriter) {
  std::mt19937 rng(7);
  const std::string alphabet = std::string("ab \"\\\n\r\t\b\f\x01\x1f/\xC3\xA9\xE2\x80\x99\0", 19);
  for (int round = 0; round < 300; ++round) {
    storyline::Article a;
    auto random_text = [&](size_t n) {
      std::string t;
      for (size_t i = 0; i < n; ++i) t += alphabet[rng() % alphabet.size()];
      return t;
    };
    a.id = random_text(rng() % 20);
    a.title = random_text(rng() % 40);
    a.text = random_text(rng() % 200);
    if (round == 0) {  // every byte value once, at every position of a 16-byte block
      for (int b = 0; b < 256; ++b) {
        a.text += std::string(static_cast<size_t>(b % 17), 'x') + char(b);
      }
    }
    if (round % 2) a.url = random_text(rng() % 30);
    if (round % 3) a.source = "Reuters";
    if (round % 5) a.published = "2024-01-02";
    if (round % 7) a.lang = "en";
    storyline::JsonWriter w;
    w.BeginObject();
    w.Key("id");
    w.String(a.id);
    w.Key("title");
    w.String(a.title);
    w.Key("text");
    w.String(a.text);
    w.Key("url");
    w.StringOrNull(a.url);
    w.Key("source");
    w.StringOrNull(a.source);
    w.Key("published");
    w.StringOrNull(a.published);
    w.Key("lang");
    w.StringOrNull(a.lang);
    w.EndObject();
    EXPECT_EQ(storyline::ArticleJson(a), w.Take()) << "round " << round;
  }
}

namespace storyline {
namespace {

// The text spill (direct I/O, 4 MB blocks written in the background) gives back
// every byte, for records that straddle blocks and for one larger than a block:
// read directly, then through the page cache after Prefetch().
TEST(SequentialSpill, ReadsBackWhatWasWritten) {
  SequentialSpill spill;
  ASSERT_TRUE(spill.Open("").ok());
  std::mt19937_64 rng(5);
  std::vector<std::string> recs;
  std::vector<uint64_t> at;
  uint64_t size = 0;
  for (int i = 0; i < 3000; ++i) {
    size_t n = i == 1500 ? (9u << 20) : rng() % 7000;
    std::string r(n, '\0');
    for (char& c : r) c = static_cast<char>('a' + rng() % 26);
    ASSERT_TRUE(spill.Append(r).ok());
    at.push_back(size);
    size += n;
    recs.push_back(std::move(r));
  }
  ASSERT_TRUE(spill.Finish().ok());
  EXPECT_EQ(spill.size(), size);
  std::string got;
  // Every record read directly, then every other after some ranges were asked
  // for (through the page cache now), then every third after the whole file.
  for (int pass = 0; pass < 3; ++pass) {
    for (size_t i = 0; i < recs.size(); i += 1 + pass) {
      ASSERT_TRUE(spill.ReadAt(at[i], recs[i].size(), &got).ok()) << i;
      ASSERT_EQ(got, recs[i]) << i;
    }
    EXPECT_FALSE(spill.ReadAt(size, 1, &got).ok());  // nothing past the end
    if (pass == 0) {
      std::vector<std::pair<uint64_t, uint64_t>> ranges;
      for (size_t i = 0; i < recs.size(); i += 7) ranges.push_back({at[i], recs[i].size()});
      spill.Prefetch(std::move(ranges));
    } else {
      spill.Prefetch({{0, size}});
    }
    EXPECT_FALSE(spill.direct());
  }
}

// A read batch gives back every range it was given: ranges close together
// (read as one span), isolated short ones (left to the page cache), long ones
// (direct reads into the batch's buffer), ranges across 4 MB blocks and the
// file's last bytes; the batch reused for other ranges.
// Fills `spill` (opened) with 6,000 random records, finishes it and asks for
// all of it to be read into the page cache; *all: what it holds.
void FillSpill(std::mt19937_64& rng, SequentialSpill* spill, std::string* all) {
  for (int i = 0; i < 6000; ++i) {
    std::string r(rng() % 3000, '\0');
    for (char& c : r) c = static_cast<char>('a' + rng() % 26);
    ASSERT_TRUE(spill->Append(r).ok());
    *all += r;
  }
  ASSERT_TRUE(spill->Finish().ok());
  spill->Prefetch({{0, all->size()}});
}

TEST(SequentialSpill, ReadBatchGivesBackEveryRange) {
  SequentialSpill spill;
  ASSERT_TRUE(spill.Open("").ok());
  std::mt19937_64 rng(11);
  std::string all;
  FillSpill(rng, &spill, &all);
  SequentialSpill::ReadBatch batch;
  std::string scratch;
  for (int round = 0; round < 3; ++round) {
    std::vector<std::pair<uint64_t, size_t>> ranges;
    uint64_t at = rng() % 100;
    while (at < all.size()) {
      const uint64_t kind = rng() % 4;  // short, long, a gap of a few bytes or a big gap
      size_t n = kind == 1 ? 50000 + rng() % 300000 : 1 + rng() % 2000;
      n = std::min<uint64_t>(n, all.size() - at);
      ranges.emplace_back(at, n);
      at += n + (kind == 2 ? rng() % 100 : 10000 + rng() % 100000);
    }
    batch.Clear();
    for (auto [o, n] : ranges) {
      batch.Add(o, n);
    }
    ASSERT_TRUE(spill.StartRead(&batch).ok());
    ASSERT_TRUE(spill.WaitRead(&batch).ok());
    for (auto [o, n] : ranges) {
      std::string_view got;
      ASSERT_TRUE(spill.Get(&batch, o, n, &scratch, &got).ok()) << o;
      ASSERT_EQ(got, std::string_view(all).substr(o, n)) << o;
    }
    std::string_view got;
    EXPECT_FALSE(spill.Get(&batch, all.size() + 1, 1, &scratch, &got).ok());  // not in the batch
  }
  batch.Clear();
  batch.Add(all.size() - 100000, 100000);  // the last bytes, read directly
  ASSERT_TRUE(spill.StartRead(&batch).ok());
  ASSERT_TRUE(spill.WaitRead(&batch).ok());
  std::string_view got;
  ASSERT_TRUE(spill.Get(&batch, all.size() - 100000, 100000, &scratch, &got).ok());
  EXPECT_EQ(got, std::string_view(all).substr(all.size() - 100000));
}

// TakeOver: of a batch not begun, of one stopped midway or already read, the
// caller copies the rest from the page cache; every byte is there.
TEST(SequentialSpill, TakeOverGivesBackEveryByte) {
  SequentialSpill spill;
  ASSERT_TRUE(spill.Open("").ok());
  std::mt19937_64 rng(11);
  std::string all;
  FillSpill(rng, &spill, &all);
  std::string scratch;
  std::string_view got;
  SequentialSpill::ReadBatch first, second;
  for (int round = 0; round < 4; ++round) {
    first.Clear();
    second.Clear();
    first.Add(1000, 4000000);
    second.Add(4100000, 3000000);
    ASSERT_TRUE(spill.StartRead(&first).ok());
    ASSERT_TRUE(spill.StartRead(&second).ok());
    uint64_t copied = 0;
    if (round % 2 == 0) {
      ASSERT_TRUE(spill.TakeOver(&second, &copied).ok());
      ASSERT_TRUE(spill.TakeOver(&first, &copied).ok());
    } else {
      ASSERT_TRUE(spill.WaitRead(&first).ok());
      ASSERT_TRUE(spill.TakeOver(&first, &copied).ok());
      ASSERT_TRUE(spill.TakeOver(&second, &copied).ok());
    }
    ASSERT_TRUE(spill.Get(&first, 1000, 4000000, &scratch, &got).ok());
    EXPECT_EQ(got, std::string_view(all).substr(1000, 4000000)) << round;
    ASSERT_TRUE(spill.Get(&second, 4100000, 3000000, &scratch, &got).ok());
    EXPECT_EQ(got, std::string_view(all).substr(4100000, 3000000)) << round;
  }
}

// Release drops the page cache of the bytes before an offset (the output pass
// is past them); it only advises: every byte still reads back right, before
// and after, and a lower offset later changes nothing.
TEST(SequentialSpill, ReleaseOnlyAdvises) {
  SequentialSpill spill;
  ASSERT_TRUE(spill.Open("").ok());
  std::mt19937_64 rng(11);
  std::string all;
  FillSpill(rng, &spill, &all);
  std::string scratch;
  std::string_view got;
  SequentialSpill::ReadBatch batch;
  spill.Release(all.size() / 2);
  spill.Release(1000);
  for (uint64_t o : {uint64_t{5}, all.size() / 2 - 3000, all.size() / 2 + 17, all.size() - 900}) {
    const bool long_too = o + 2000 + 90000 <= all.size();
    batch.Clear();
    batch.Add(o, 800);                         // from the page cache, or the disk where dropped
    if (long_too) batch.Add(o + 2000, 90000);  // a direct read
    ASSERT_TRUE(spill.StartRead(&batch).ok());
    ASSERT_TRUE(spill.WaitRead(&batch).ok()) << o;
    ASSERT_TRUE(spill.Get(&batch, o, 800, &scratch, &got).ok());
    EXPECT_EQ(got, std::string_view(all).substr(o, 800)) << o;
    if (long_too) {
      ASSERT_TRUE(spill.Get(&batch, o + 2000, 90000, &scratch, &got).ok());
      EXPECT_EQ(got, std::string_view(all).substr(o + 2000, 90000)) << o;
    }
  }
  batch.Clear();
  batch.Add(all.size() - 10, 11);  // past the end
  EXPECT_FALSE(spill.StartRead(&batch).ok());
}

// Serves `a` through the reader interface; with fail_at, fails there as a
// truncated input does.
struct ListReader : ArticleReader {
  explicit ListReader(const std::vector<Article>& a, size_t fail_at = SIZE_MAX)
      : a_(a), fail_at_(fail_at) {}
  Result<bool> Next(Article* out) override {
    if (i_ == fail_at_) {
      return Status::IoError("feed.jsonl.gz: truncated at article " + std::to_string(i_));
    }
    if (i_ == a_.size()) return false;
    *out = a_[i_];
    out->seq = i_++;
    stats_.bytes_read += out->text.size();
    return true;
  }
  const IngestStats& stats() const override { return stats_; }
  uint64_t total_bytes() const override { return 0; }
  const std::vector<Article>& a_;
  size_t fail_at_;
  size_t i_ = 0;
  IngestStats stats_;
};

// Kept lines come from the spilled fields: byte for byte ArticleJson, also for
// an article larger than a spill block; duplicates get no line.
TEST(Dedup, KeptLinesAreTheArticlesAsJson) {
  std::vector<Article> a = Seeds();
  Article big = Make("big", "");
  for (int i = 0; big.text.size() < (6u << 20); ++i) {
    big.text += "Line " + std::to_string(i) + " of a \"long\" text\twith\\escapes and words.\n";
  }
  big.title = "A title";
  big.url = "https://example.com/big";
  a.push_back(big);
  Article copy = a[0];
  copy.id = "copy-of-000";
  a.push_back(copy);
  struct Sink : DedupSink {
    std::vector<std::pair<DedupRecord, std::string>> got;
    Status OnRecord(const DedupRecord& r, std::string_view json) override {
      got.emplace_back(r, std::string(json));
      return Status::Ok();
    }
  } sink;
  ListReader reader(a);
  DedupOptions opt;
  opt.keep = KeepPolicy::kFirst;
  ASSERT_TRUE(Dedup(&reader, opt, &sink).ok());
  ASSERT_EQ(sink.got.size(), a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].id == "copy-of-000") {
      EXPECT_FALSE(sink.got[i].first.kept());
      EXPECT_EQ(sink.got[i].second, "");
    } else {
      EXPECT_TRUE(sink.got[i].first.kept()) << a[i].id;
      EXPECT_EQ(sink.got[i].second, ArticleJson(a[i])) << a[i].id;
    }
  }
}

// Each record names its article and its cluster's kept article by their ids,
// and a kept article's line is its fields: across output chunks (4,096
// articles each), built by either thread, with the signature spill mapped or
// read with pread.
TEST(Dedup, RecordsNameTheirArticlesInEveryChunk) {
  std::vector<Article> base = RealSample();
  if (base.size() < 100) GTEST_SKIP() << "../shared/data/reuters21578 absent";
  std::vector<Article> a;
  for (int round = 0; a.size() < size_t{4} * 4096; ++round) {
    for (const Article& x : base) {
      a.push_back(x);
      if (round > 0) a.back().id.append("#").append(std::to_string(round));
    }
  }
  struct Got {
    std::string id, of, json;
    uint64_t cluster;
  };
  struct Sink : DedupSink {
    std::vector<Got> got;
    Status OnRecord(const DedupRecord& r, std::string_view json) override {
      got.push_back({std::string(r.id), std::string(r.of), std::string(json), r.cluster});
      return Status::Ok();
    }
  };
  std::vector<Got> first;
  for (auto [threads, map] : {std::pair{1, true}, {2, true}, {1, false}, {2, false}}) {
    Sink sink;
    ListReader reader(a);
    DedupOptions opt;
    opt.threads = threads;
    opt.map_spill = map;
    Result<DedupStats> st = Dedup(&reader, opt, &sink);
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    ASSERT_EQ(sink.got.size(), a.size());
    size_t kept = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      const Got& g = sink.got[i];
      ASSERT_EQ(g.id, a[i].id) << i;
      if (g.of == g.id) {
        ++kept;
        ASSERT_EQ(g.json, ArticleJson(a[i])) << i;
      } else {
        ASSERT_EQ(g.json, "") << i;
        ASSERT_NE(g.of, "") << i;
      }
      if (!first.empty()) {
        ASSERT_EQ(g.of, first[i].of) << i;
        ASSERT_EQ(g.cluster, first[i].cluster) << i;
      }
    }
    EXPECT_EQ(kept, st->kept);
    EXPECT_LT(kept, base.size());  // the later rounds are copies
    if (first.empty()) first = std::move(sink.got);
  }
}

// An exact copy later in the input that comes first in keep order (dated
// earlier, or longer) is the kept article, with its own fields as its KEPT line;
// the copies that can never be kept keep no fields and get no line.
TEST(Dedup, ALaterExactCopyFirstInKeepOrderIsKeptWithItsFields) {
  const std::string t = ReadFile("demo/004_a62b8a648886d1d4.txt");
  std::vector<Article> a = {Make("wire", t, "2022-08-16"), Make("repost", t, "2022-08-17"),
                            Make("early", t, "2022-08-15"),
                            Make("wrapped", t + "\n\n", "2022-08-18")};
  a[2].title = "Its own title";
  a[3].url = "https://example.com/wrapped";
  struct Case {
    KeepPolicy keep;
    const char* want;
  };
  for (Case c : {Case{KeepPolicy::kFirst, "wire"}, Case{KeepPolicy::kEarliest, "early"},
                 Case{KeepPolicy::kLongest, "wrapped"}}) {
    struct Sink : DedupSink {
      struct Got {
        bool kept;
        std::string of, json;  // the record's views last only during the call
      };
      std::vector<Got> got;
      Status OnRecord(const DedupRecord& r, std::string_view json) override {
        got.push_back({r.kept(), std::string(r.of), std::string(json)});
        return Status::Ok();
      }
    } sink;
    ListReader reader(a);
    DedupOptions opt;
    opt.keep = c.keep;
    ASSERT_TRUE(Dedup(&reader, opt, &sink).ok());
    ASSERT_EQ(sink.got.size(), a.size());
    for (size_t i = 0; i < a.size(); ++i) {
      const bool want = a[i].id == c.want;
      EXPECT_EQ(sink.got[i].kept, want) << KeepPolicyName(c.keep) << " " << a[i].id;
      EXPECT_EQ(sink.got[i].json, want ? ArticleJson(a[i]) : "") << a[i].id;
      EXPECT_EQ(sink.got[i].of, c.want) << a[i].id;
    }
  }
}

// An input that fails part way through (here in the 23rd batch of 128): the
// run stops with the reader's error and delivers nothing, with any number of
// threads sharing pass 1, with boilerplate learning or without; progress is
// reported by one thread at a time, the counts increasing, before the error.
TEST(Dedup, AReadErrorStopsTheRunWithItsMessage) {
  std::vector<Article> a;
  a.reserve(4000);
  for (int i = 0; i < 4000; ++i) {
    a.push_back(Make(Numbered("d", i), Tokens(i * 30, i * 30 + 30, "w")));
  }
  for (int threads : {1, 2, 4}) {
    for (bool learn : {false, true}) {
      struct Sink : DedupSink {
        size_t records = 0;
        Status OnRecord(const DedupRecord&, std::string_view) override {
          ++records;
          return Status::Ok();
        }
      } sink;
      ListReader reader(a, 2900);
      DedupOptions opt;
      opt.threads = threads;
      opt.learn_boilerplate = learn;
      std::atomic<int> inside{0};
      std::vector<uint64_t> counts;
      bool overlapped = false;
      opt.progress = [&](uint64_t articles, uint64_t, uint64_t) {
        overlapped |= inside.fetch_add(1) != 0;
        counts.push_back(articles);
        inside.fetch_sub(1);
      };
      Result<DedupStats> r = Dedup(&reader, opt, &sink);
      ASSERT_FALSE(r.ok()) << threads;
      EXPECT_EQ(r.status().code(), Status::Code::kIoError);
      EXPECT_NE(r.status().message().find("truncated at article 2900"), std::string::npos)
          << r.status().ToString();
      EXPECT_EQ(sink.records, 0u);
      EXPECT_FALSE(overlapped);
      ASSERT_FALSE(counts.empty());
      EXPECT_TRUE(std::is_sorted(counts.begin(), counts.end()));
      EXPECT_LE(counts.back(), 2900u);
    }
  }
}

}  // namespace
}  // namespace storyline
