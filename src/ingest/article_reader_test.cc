// Copyright storyline authors.
//
// ArticleReader on real text: the seeds in demo/, JSONL in every container,
// and every kind of bad input INTERFACE.md names.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/json_writer.h"
#include "core/test_files.h"
#include "storyline/ingest.h"

namespace storyline {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

using testing_files::kRoot;
using testing_files::ReadFile;
using testing_files::WriteFile;
const std::string kDemo = kRoot + "/demo";
const std::string kSemeval = kRoot + "/../shared/data/semeval2022-task8/train.jsonl";

// A fresh folder per test under the test temp dir.
std::string TestDir() { return testing_files::TestDir("ingest"); }

std::string Gzip(std::string_view data) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Zstd(std::string_view data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

struct Seed {
  std::string id, title, text;
};

// The five seed articles, split by hand as the .txt rule says.
std::vector<Seed> Seeds() {
  std::vector<Seed> seeds;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(kDemo)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& p : files) {
    std::string all = ReadFile(p.string());
    size_t b = all.find_first_not_of('\n');
    size_t e = all.find('\n', b);
    Seed s;
    s.id = p.stem().string();
    s.title = all.substr(b, e - b);
    s.text = all.substr(all.find_first_not_of('\n', e));
    while (!s.text.empty() && (s.text.back() == '\n' || s.text.back() == ' ')) s.text.pop_back();
    seeds.push_back(s);
  }
  return seeds;
}

// The seeds as JSONL, with the text under `text_field`.
std::string SeedJsonl(const std::string& text_field = "text") {
  std::string out;
  for (const Seed& s : Seeds()) {
    JsonWriter w;
    w.BeginObject();
    w.Key("id");
    w.String(s.id);
    w.Key("title");
    w.String(s.title);
    w.Key(text_field);
    w.String(s.text);
    w.Key("published");
    w.String("2023-09-25");
    w.EndObject();
    out += w.str();
    out += '\n';
  }
  return out;
}

struct ReadRun {
  Status status;
  std::vector<Article> articles;
  std::vector<Rejection> rejections;
  IngestStats stats;
  uint64_t total_bytes = 0;
};

ReadRun Collect(std::unique_ptr<ArticleReader> reader, std::vector<Rejection>* rejections) {
  ReadRun run;
  Article a;
  while (true) {
    Result<bool> more = reader->Next(&a);
    if (!more.ok()) {
      run.status = more.status();
      break;
    }
    if (!*more) break;
    run.articles.push_back(a);
  }
  run.rejections = *rejections;
  run.stats = reader->stats();
  run.total_bytes = reader->total_bytes();
  return run;
}

ReadRun ReadInputs(const std::vector<std::string>& inputs, IngestOptions opt = {}) {
  auto rejections = std::make_shared<std::vector<Rejection>>();
  opt.on_reject = [rejections](const Rejection& r) { rejections->push_back(r); };
  Result<std::unique_ptr<ArticleReader>> reader = ArticleReader::Open(inputs, opt);
  if (!reader.ok()) {
    ReadRun run;
    run.status = reader.status();
    return run;
  }
  return Collect(std::move(*reader), rejections.get());
}

TEST(ArticleReader, ReadsTheSeedFolderWithIdsAndTitles) {
  ReadRun run = ReadInputs({kDemo});
  ASSERT_TRUE(run.status.ok()) << run.status.ToString();
  ASSERT_EQ(run.articles.size(), 5u);
  std::vector<std::string> ids;
  for (const Article& a : run.articles) ids.push_back(a.id);
  EXPECT_THAT(ids,
              ElementsAre("000_ccb038054484d1e6", "001_c28f1e39ad1e51fe", "002_fe51a37dbb415eaa",
                          "003_fc802517088b5e08", "004_a62b8a648886d1d4"));
  // 000 starts with a blank line: the title is the first non-empty line.
  EXPECT_EQ(run.articles[0].title,
            "North Korea Defends Cooperation with Russia, Slams South Korean President\u2019s "
            "Criticism");
  EXPECT_EQ(run.articles[2].title, "North Korea defends Russian cooperation");
  EXPECT_EQ(run.articles[4].title,
            "Russia promises to \u201cexpand\u201d its ties with North Korea");
  EXPECT_THAT(run.articles[2].text, StartsWith("North Korea slammed South Korean President Yoon"));
  // 001 repeats its title as the first lines of the body: kept, for the
  // boilerplate filter to set aside with a reason.
  EXPECT_THAT(
      run.articles[1].text,
      StartsWith("North Korea Defends Relations with Russia Amidst South Korean Criticism"));
  for (size_t i = 0; i < run.articles.size(); ++i) {
    EXPECT_EQ(run.articles[i].seq, i);
    EXPECT_EQ(run.articles[i].origin_line, 0u);
    EXPECT_THAT(run.articles[i].origin_file, HasSubstr(run.articles[i].id + ".txt"));
  }
  EXPECT_EQ(run.stats.accepted, 5u);
  EXPECT_EQ(run.stats.rejected, 0u);
  EXPECT_EQ(run.stats.mojibake_repaired, 0u);  // correct text is left alone
  EXPECT_EQ(run.stats.utf8_repaired, 0u);
  EXPECT_GT(run.total_bytes, 0u);
  EXPECT_EQ(run.stats.bytes_read, run.total_bytes);
}

TEST(ArticleReader, TextBodyIsKeptAsGiven) {
  for (const Seed& s : Seeds()) {
    ReadRun run = ReadInputs({kDemo + "/" + s.id + ".txt"});
    ASSERT_EQ(run.articles.size(), 1u);
    EXPECT_EQ(run.articles[0].text, s.text) << s.id;
  }
}

TEST(ArticleReader, CollidingFileNamesGetTheirPathBelowTheFolder) {
  std::string dir = TestDir();
  std::string body = "A title\n\nSome text of an article.\n";
  WriteFile(dir + "/in/a/story.txt", body);
  WriteFile(dir + "/in/b/story.txt", body);
  WriteFile(dir + "/in/b/other.txt", body);
  WriteFile(dir + "/in/notes.md", "not an input");
  ReadRun run = ReadInputs({dir + "/in"});
  ASSERT_TRUE(run.status.ok());
  std::vector<std::string> ids;
  for (const Article& a : run.articles) ids.push_back(a.id);
  EXPECT_THAT(ids, ElementsAre("a/story", "other", "b/story"));  // "other" is unique
}

TEST(ArticleReader, MissingInputIsAnErrorNamingIt) {
  ReadRun run = ReadInputs({kDemo, kRoot + "/no/such/file.jsonl"});
  EXPECT_EQ(run.status.code(), Status::Code::kNotFound);
  EXPECT_THAT(run.status.message(), HasSubstr("no/such/file.jsonl"));
}

TEST(ArticleReader, UnknownFileFormatIsAnErrorNamingIt) {
  std::string dir = TestDir();
  WriteFile(dir + "/feed.csv", "id,text\n1,hello\n");
  ReadRun run = ReadInputs({dir + "/feed.csv"});
  EXPECT_EQ(run.status.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(run.status.message(), HasSubstr("feed.csv"));
}

TEST(ArticleReader, JsonlGzipAndZstdGiveTheSameArticles) {
  std::string dir = TestDir();
  std::string jsonl = SeedJsonl();
  WriteFile(dir + "/seeds.jsonl", jsonl);
  WriteFile(dir + "/seeds.jsonl.gz", Gzip(jsonl));
  WriteFile(dir + "/seeds.jsonl.zst", Zstd(jsonl));
  std::vector<Seed> seeds = Seeds();
  const std::string prefix = dir + "/";
  for (const std::string name : {"seeds.jsonl", "seeds.jsonl.gz", "seeds.jsonl.zst"}) {
    ReadRun run = ReadInputs({prefix + name});
    ASSERT_TRUE(run.status.ok()) << run.status.ToString();
    ASSERT_EQ(run.articles.size(), seeds.size()) << name;
    for (size_t i = 0; i < seeds.size(); ++i) {
      EXPECT_EQ(run.articles[i].id, seeds[i].id);
      EXPECT_EQ(run.articles[i].title, seeds[i].title);
      EXPECT_EQ(run.articles[i].text, seeds[i].text);
      EXPECT_EQ(run.articles[i].published_ts, *ParseDateTime("2023-09-25"));
      EXPECT_EQ(run.articles[i].origin_line, i + 1);
    }
    EXPECT_EQ(run.stats.bytes_read, run.total_bytes) << name;
    EXPECT_EQ(run.rejections.size(), 0u);
  }
}

TEST(ArticleReader, ReadsConcatenatedGzipMembersAndZstdFrames) {
  std::string dir = TestDir();
  std::string jsonl = SeedJsonl();
  size_t cut = jsonl.find('\n', jsonl.size() / 2) + 1;
  WriteFile(dir + "/two.jsonl.gz", Gzip(jsonl.substr(0, cut)) + Gzip(jsonl.substr(cut)));
  WriteFile(dir + "/two.jsonl.zst", Zstd(jsonl.substr(0, cut)) + Zstd(jsonl.substr(cut)));
  EXPECT_EQ(ReadInputs({dir + "/two.jsonl.gz"}).articles.size(), 5u);
  EXPECT_EQ(ReadInputs({dir + "/two.jsonl.zst"}).articles.size(), 5u);
}

TEST(ArticleReader, CompressionIsToldByContentNotName) {
  std::string dir = TestDir();
  WriteFile(dir + "/gzip-inside.jsonl", Gzip(SeedJsonl()));
  WriteFile(dir + "/plain-inside.jsonl.zst", SeedJsonl());
  ReadRun run = ReadInputs({dir + "/gzip-inside.jsonl", dir + "/plain-inside.jsonl.zst"});
  EXPECT_EQ(run.articles.size(), 10u);
  EXPECT_EQ(run.stats.rejected, 0u);
}

TEST(ArticleReader, StreamReaderDecompressesGzipFromAPipe) {
  std::string dir = TestDir();
  WriteFile(dir + "/seeds.jsonl.gz", Gzip(SeedJsonl()));
  int fd = open((dir + "/seeds.jsonl.gz").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  auto rejections = std::make_shared<std::vector<Rejection>>();
  ReadRun run = Collect(ArticleReader::OpenStream(fd, "-", {}), rejections.get());
  close(fd);
  EXPECT_EQ(run.articles.size(), 5u);
}

TEST(ArticleReader, FieldMappingReadsOtherNames) {
  std::string dir = TestDir();
  WriteFile(dir + "/body.jsonl", SeedJsonl("body"));
  IngestOptions opt;
  opt.text_field = "body";
  ReadRun run = ReadInputs({dir + "/body.jsonl"}, opt);
  ASSERT_EQ(run.articles.size(), 5u);
  EXPECT_THAT(run.articles[2].text, StartsWith("North Korea slammed"));
  // Without the mapping every record lacks its text.
  ReadRun unmapped = ReadInputs({dir + "/body.jsonl"});
  EXPECT_EQ(unmapped.articles.size(), 0u);
  ASSERT_EQ(unmapped.rejections.size(), 5u);
  EXPECT_THAT(unmapped.rejections[0].reason, HasSubstr("missing text"));
}

TEST(ArticleReader, FieldMappingOnRealPairData) {
  if (!fs::exists(kSemeval)) GTEST_SKIP() << "absent: " << kSemeval;
  IngestOptions opt;
  opt.id_field = "id_b";
  opt.text_field = "text_b";
  ReadRun run = ReadInputs({kSemeval}, opt);
  ASSERT_TRUE(run.status.ok());
  EXPECT_EQ(run.articles.size(), 796u);
  EXPECT_EQ(run.stats.rejected, 0u);
  EXPECT_EQ(run.articles[0].id, "1587582551");
}

TEST(ArticleReader, IdsComeFromNumbersOrAContentHash) {
  std::string dir = TestDir();
  WriteFile(dir + "/ids.jsonl",
            "{\"id\": 42, \"text\": \"Kim Jong Un met Vladimir Putin.\"}\n"
            "{\"title\": \"T\", \"text\": \"Kim Jong Un met   Vladimir Putin.\"}\n"
            "{\"title\": \"T\", \"text\": \"Kim Jong Un met\\nVladimir Putin.\"}\n"
            "{\"title\": \"T\", \"text\": \"Kim Jong Un met Putin.\"}\n"
            "{\"id\": \"\", \"title\": \"T\", \"text\": \"Kim Jong Un met Putin.\"}\n");
  ReadRun run = ReadInputs({dir + "/ids.jsonl"});
  ASSERT_EQ(run.articles.size(), 5u);
  EXPECT_EQ(run.articles[0].id, "42");
  EXPECT_THAT(run.articles[1].id, ::testing::MatchesRegex("h[0-9a-f]{16}"));
  EXPECT_EQ(run.articles[1].id, run.articles[2].id);  // white space does not count
  EXPECT_NE(run.articles[1].id, run.articles[3].id);  // words do
  EXPECT_EQ(run.articles[3].id, run.articles[4].id);  // an empty id is no id
}

TEST(ArticleReader, IntegerIdsWiderThan64BitsKeepTheirLiteralText) {
  std::string dir = TestDir();
  WriteFile(dir + "/wide.jsonl",
            "{\"id\": 123456789012345678901234567890, \"text\": \"Kim met Putin.\"}\n"
            "{\"id\": -98765432109876543210, \"text\": \"Putin met Kim, 12345678901234567890123 "
            "times.\", \"n\": 1.5e300}\n"
            "{\"id\": \"s\", \"text\": \"a string \\\" 123456789012345678901 stays\"}\n");
  ReadRun run = ReadInputs({dir + "/wide.jsonl"});
  ASSERT_TRUE(run.rejections.empty()) << run.rejections[0].reason;
  ASSERT_EQ(run.articles.size(), 3u);
  EXPECT_EQ(run.articles[0].id, "123456789012345678901234567890");
  EXPECT_EQ(run.articles[1].id, "-98765432109876543210");
  EXPECT_EQ(run.articles[1].text, "Putin met Kim, 12345678901234567890123 times.");
  EXPECT_EQ(run.articles[2].text, "a string \" 123456789012345678901 stays");
}

TEST(ArticleReader, DatesFallBackToTheDateFieldAndBadDatesAreKept) {
  std::string dir = TestDir();
  WriteFile(dir + "/dates.jsonl",
            "{\"id\":\"a\",\"text\":\"x y\",\"date\":\"2022-08-15\",\"source\":\"KCNA\"}\n"
            "{\"id\":\"b\",\"text\":\"x y\",\"published\":\"last Monday\"}\n"
            "{\"id\":\"c\",\"text\":\"x y\",\"published\":\"2023-09-25T08:15:00+09:00\","
            "\"date\":\"1999-01-01\",\"url\":\"https://example.org/c\",\"lang\":\"en\"}\n");
  ReadRun run = ReadInputs({dir + "/dates.jsonl"});
  ASSERT_EQ(run.articles.size(), 3u);
  EXPECT_EQ(run.articles[0].published, "2022-08-15");
  EXPECT_EQ(run.articles[0].published_ts, *ParseDateTime("2022-08-15"));
  EXPECT_EQ(run.articles[0].source, "KCNA");
  EXPECT_EQ(run.articles[1].published, "last Monday");
  EXPECT_EQ(run.articles[1].published_ts, kNoTime);
  EXPECT_EQ(run.articles[2].published_ts, *ParseDateTime("2023-09-24T23:15:00Z"));
  EXPECT_EQ(run.articles[2].url, "https://example.org/c");
  EXPECT_EQ(run.articles[2].lang, "en");
  EXPECT_TRUE(run.articles[1].source.empty());
  EXPECT_EQ(run.stats.unparsed_dates, 1u);
  EXPECT_EQ(run.stats.rejected, 0u);
}

TEST(ArticleReader, StandardInputStyleStreamReadsJsonlFromADescriptor) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::string jsonl = SeedJsonl();
  std::thread writer([&] {
    size_t off = 0;
    while (off < jsonl.size()) {
      ssize_t n = write(fds[1], jsonl.data() + off, jsonl.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    close(fds[1]);
  });
  auto rejections = std::make_shared<std::vector<Rejection>>();
  IngestOptions opt;
  opt.on_reject = [rejections](const Rejection& r) { rejections->push_back(r); };
  ReadRun run = Collect(ArticleReader::OpenStream(fds[0], "-", opt), rejections.get());
  writer.join();
  close(fds[0]);
  ASSERT_TRUE(run.status.ok());
  ASSERT_EQ(run.articles.size(), 5u);
  EXPECT_EQ(run.articles[3].id, "003_fc802517088b5e08");
  EXPECT_EQ(run.articles[3].origin_file, "-");
  EXPECT_EQ(run.total_bytes, 0u);
}

TEST(ArticleReader, NamedPipeIsReadAsJsonl) {
  std::string dir = TestDir();
  std::string fifo = dir + "/feed";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string jsonl = SeedJsonl();
  std::thread writer([&] { WriteFile(fifo, jsonl); });
  ReadRun run = ReadInputs({fifo});
  writer.join();
  ASSERT_TRUE(run.status.ok()) << run.status.ToString();
  EXPECT_EQ(run.articles.size(), 5u);
}

TEST(ArticleReader, BufferReaderReadsJsonlFromMemory) {
  IngestOptions opt;
  auto reader = ArticleReader::OpenBuffer(SeedJsonl(), "POST /api/articles", opt);
  Article a;
  int n = 0;
  while (*reader->Next(&a)) ++n;
  EXPECT_EQ(n, 5);
}

// ---- Bad input ------------------------------------------------------------

TEST(ArticleReader, EmptyFilesAreRejectedAndTheOthersKept) {
  std::string dir = TestDir();
  WriteFile(dir + "/empty.jsonl", "");
  WriteFile(dir + "/empty.txt", "");
  WriteFile(dir + "/blank.txt", "\n  \n");
  WriteFile(dir + "/empty.jsonl.gz", "");
  WriteFile(dir + "/good.jsonl", SeedJsonl());
  ReadRun run = ReadInputs({dir});
  ASSERT_TRUE(run.status.ok());
  EXPECT_EQ(run.articles.size(), 5u);
  ASSERT_EQ(run.rejections.size(), 4u);
  for (const Rejection& r : run.rejections) {
    EXPECT_EQ(r.reason, "empty file") << r.file;
    EXPECT_EQ(r.line, 0u);
  }
  EXPECT_EQ(run.stats.rejected, 4u);
}

TEST(ArticleReader, TruncatedGzipKeepsTheCompleteRecordsBeforeIt) {
  std::string dir = TestDir();
  std::string gz = Gzip(SeedJsonl());
  WriteFile(dir + "/cut.jsonl.gz", gz.substr(0, gz.size() * 6 / 10));
  WriteFile(dir + "/next.jsonl", SeedJsonl());
  ReadRun run = ReadInputs({dir + "/cut.jsonl.gz", dir + "/next.jsonl"});
  ASSERT_TRUE(run.status.ok()) << run.status.ToString();
  ASSERT_EQ(run.rejections.size(), 1u);
  const Rejection& r = run.rejections[0];
  EXPECT_EQ(r.reason, "truncated gzip stream");
  size_t from_cut = run.articles.size() - 5;  // the second file is whole
  EXPECT_GE(from_cut, 1u);
  EXPECT_LT(from_cut, 5u);
  EXPECT_EQ(r.line, from_cut + 1);  // the record the stream broke off in
  EXPECT_THAT(r.file, HasSubstr("cut.jsonl.gz"));
  EXPECT_THAT(r.raw, StartsWith("{\"id\":"));
  for (size_t i = 0; i < from_cut; ++i) EXPECT_EQ(run.articles[i].id, Seeds()[i].id);
}

TEST(ArticleReader, CompressedStreamCutAtAnyByteKeepsEveryCompleteRecord) {
  std::string dir = TestDir();
  std::vector<Seed> seeds = Seeds();
  std::string jsonl = SeedJsonl();
  for (const std::string kind : {"gz", "zst"}) {
    std::string whole = kind == "gz" ? Gzip(jsonl) : Zstd(jsonl);
    std::string path = dir + "/cut.jsonl.";
    path += kind;
    for (size_t cut = 0; cut < whole.size(); cut += cut + 40 < whole.size() ? 29 : 1) {
      WriteFile(path, whole.substr(0, cut));
      ReadRun run = ReadInputs({path});
      ASSERT_TRUE(run.status.ok()) << kind << " cut at " << cut;
      // (Cut in the gzip trailer, every record is whole but the stream is not.)
      ASSERT_LE(run.articles.size(), seeds.size()) << kind << " cut at " << cut;
      for (size_t i = 0; i < run.articles.size(); ++i) {
        ASSERT_EQ(run.articles[i].text, seeds[i].text) << kind << " cut at " << cut;
      }
      ASSERT_EQ(run.rejections.size(), 1u) << kind << " cut at " << cut;
      if (cut > 0) {
        EXPECT_THAT(run.rejections[0].reason, HasSubstr("stream")) << kind << " cut at " << cut;
      }
    }
  }
}

TEST(ArticleReader, TruncatedZstdKeepsTheCompleteRecordsBeforeIt) {
  std::string dir = TestDir();
  std::string jsonl;
  for (int i = 0; i < 20; ++i) jsonl += SeedJsonl();  // several zstd blocks
  std::string zst = Zstd(jsonl);
  WriteFile(dir + "/cut.jsonl.zst", zst.substr(0, zst.size() * 7 / 10));
  ReadRun run = ReadInputs({dir + "/cut.jsonl.zst"});
  ASSERT_TRUE(run.status.ok());
  ASSERT_EQ(run.rejections.size(), 1u);
  EXPECT_EQ(run.rejections[0].reason, "truncated zstd stream");
  EXPECT_LT(run.articles.size(), 100u);
  EXPECT_EQ(run.rejections[0].line, run.articles.size() + 1);
}

TEST(ArticleReader, CorruptGzipIsRejectedNotFatal) {
  std::string dir = TestDir();
  std::string gz = Gzip(SeedJsonl());
  for (size_t i = gz.size() / 2; i < gz.size() / 2 + 64; ++i) gz[i] = static_cast<char>(~gz[i]);
  WriteFile(dir + "/bad.jsonl.gz", gz);
  WriteFile(dir + "/good.jsonl", SeedJsonl());
  ReadRun run = ReadInputs({dir});
  ASSERT_TRUE(run.status.ok());
  // The records inflated before the damage, then good.jsonl's five.
  std::vector<std::string> from_bad, from_good;
  for (const Article& a : run.articles) {
    (a.origin_file.find("bad.jsonl.gz") != std::string::npos ? from_bad : from_good)
        .push_back(a.text);
  }
  ASSERT_EQ(from_good.size(), 5u);
  EXPECT_GE(from_bad.size(), 1u);
  EXPECT_LT(from_bad.size(), 5u);
  for (size_t i = 0; i < from_bad.size(); ++i) EXPECT_EQ(from_bad[i], Seeds()[i].text) << i;
  ASSERT_FALSE(run.rejections.empty());
  EXPECT_THAT(run.rejections.back().reason, HasSubstr("corrupt gzip stream"));
}

TEST(ArticleReader, BinaryFilesAreRejected) {
  std::string dir = TestDir();
  std::string noise(4096, '\0');
  std::mt19937 rng(7);
  for (char& c : noise) c = static_cast<char>(rng());
  noise[10] = '\0';
  WriteFile(dir + "/noise.txt", noise);
  WriteFile(dir + "/noise.jsonl", noise);
  WriteFile(dir + "/seed.txt", ReadFile(kDemo + "/002_fe51a37dbb415eaa.txt"));
  ReadRun run = ReadInputs({dir});
  ASSERT_TRUE(run.status.ok());
  ASSERT_EQ(run.articles.size(), 1u);
  EXPECT_EQ(run.articles[0].title, "North Korea defends Russian cooperation");
  ASSERT_EQ(run.rejections.size(), 2u);
  for (const Rejection& r : run.rejections) {
    EXPECT_EQ(r.reason, "binary file (not text)");
    EXPECT_EQ(r.raw, noise);  // verbatim
  }
}

TEST(ArticleReader, ABinaryRecordInJsonlIsRejectedAloneWithTheGoodRecordsKept) {
  std::string dir = TestDir();
  const std::string jsonl = SeedJsonl();  // five records, one per line
  const size_t second = jsonl.find('\n') + 1;
  std::string bad = jsonl.substr(0, second);
  bad += std::string("\0\0\001binary\0", 10) + "\n";
  bad += jsonl.substr(second);
  WriteFile(dir + "/n.jsonl", bad);
  ReadRun run = ReadInputs({dir + "/n.jsonl"});
  ASSERT_TRUE(run.status.ok());
  ASSERT_EQ(run.articles.size(), Seeds().size());
  ASSERT_EQ(run.rejections.size(), 1u);
  EXPECT_EQ(run.rejections[0].line, 2u);
  EXPECT_THAT(run.rejections[0].reason, HasSubstr("binary record"));
}

TEST(ArticleReader, DamagedGzipKeepsTheRecordsInflatedBeforeTheDamage) {
  std::string dir = TestDir();
  std::string jsonl;
  for (int i = 0; i < 20; ++i) jsonl += SeedJsonl();  // 100 records, under 1 MiB
  const size_t records = 20 * Seeds().size();
  std::string damaged = Gzip(jsonl);
  const size_t at = damaged.size() * 97 / 100;
  for (size_t i = at; i < at + 64 && i < damaged.size(); ++i) damaged[i] = '\xFF';
  WriteFile(dir + "/damaged.jsonl.gz", damaged);
  ReadRun run = ReadInputs({dir + "/damaged.jsonl.gz"});
  ASSERT_TRUE(run.status.ok());
  // The damage sits at 97% of the stream: what precedes it is kept, and every
  // record before the damaged region is exact (bytes inflated from the region
  // itself can be wrong until zlib notices).
  EXPECT_GE(run.articles.size(), records * 9 / 10);
  for (size_t i = 0; i < records * 9 / 10 && i < run.articles.size(); ++i) {
    ASSERT_EQ(run.articles[i].text, Seeds()[i % Seeds().size()].text) << i;
  }
  ASSERT_FALSE(run.rejections.empty());
  EXPECT_THAT(run.rejections.back().reason, HasSubstr("gzip stream"));
}

TEST(ArticleReader, FiftyMegabyteLineIsOneArticle) {
  std::string dir = TestDir();
  std::string seed = Seeds()[2].text;
  std::string big;
  big.reserve(50u << 20);
  while (big.size() < (50u << 20)) big += seed + "\n";
  std::string jsonl = "{\"id\":\"before\",\"text\":\"short\"}\n";
  JsonWriter w;
  w.BeginObject();
  w.Key("id");
  w.String("huge");
  w.Key("text");
  w.String(big);
  w.EndObject();
  jsonl += w.str();
  jsonl += "\n{\"id\":\"after\",\"text\":\"short\"}\n";
  ASSERT_GT(jsonl.size(), 50u << 20);
  WriteFile(dir + "/big.jsonl", jsonl);
  jsonl.clear();
  jsonl.shrink_to_fit();
  ReadRun run = ReadInputs({dir + "/big.jsonl"});
  ASSERT_TRUE(run.status.ok());
  ASSERT_EQ(run.articles.size(), 3u);
  EXPECT_EQ(run.articles[0].id, "before");
  EXPECT_EQ(run.articles[1].id, "huge");
  EXPECT_EQ(run.articles[1].text, big);
  EXPECT_EQ(run.articles[2].id, "after");
  EXPECT_EQ(run.articles[2].origin_line, 3u);
}

TEST(ArticleReader, InvalidUtf8IsRepairedAndCounted) {
  std::string dir = TestDir();
  WriteFile(dir + "/bad.jsonl",
            // A character cut in half, in otherwise good UTF-8.
            "{\"id\":\"cut\",\"text\":\"Pyongyang \xE2\x80 said \xE2\x80\x9cnormal\xE2\x80\x9d\"}\n"
            // Latin-1 bytes: no UTF-8 at all.
            "{\"id\":\"latin1\",\"text\":\"Kim arriva \xE0 Vladivostok, d\xE9j\xE0 en route\"}\n"
            // Mostly garbage after one good character: beyond repair.
            "{\"id\":\"garbage\",\"text\":\"\xC3\xA9" +
                std::string(200, '\xFF') +
                "\"}\n"
                "{\"id\":\"good\",\"text\":\"Kim Jong Un\"}\n");
  ReadRun run = ReadInputs({dir + "/bad.jsonl"});
  ASSERT_EQ(run.articles.size(), 3u);
  EXPECT_EQ(run.articles[0].text, "Pyongyang \xEF\xBF\xBD said \u201cnormal\u201d");
  EXPECT_EQ(run.articles[1].text, "Kim arriva \u00e0 Vladivostok, d\u00e9j\u00e0 en route");
  EXPECT_EQ(run.articles[2].id, "good");
  EXPECT_EQ(run.stats.utf8_repaired, 2u);
  ASSERT_EQ(run.rejections.size(), 1u);
  EXPECT_EQ(run.rejections[0].line, 3u);
  EXPECT_THAT(run.rejections[0].reason, HasSubstr("invalid UTF-8"));
}

TEST(ArticleReader, LoneSurrogateEscapeIsRepaired) {
  std::string dir = TestDir();
  WriteFile(dir + "/s.jsonl",
            "{\"id\":\"a\",\"text\":\"cut emoji \\ud83d\"}\n"
            "{\"id\":\"b\",\"text\":\"whole emoji \\ud83d\\ude00 and \\\\ud83d literal\"}\n");
  ReadRun run = ReadInputs({dir + "/s.jsonl"});
  ASSERT_EQ(run.articles.size(), 2u);
  EXPECT_EQ(run.articles[0].text, "cut emoji \uFFFD");
  EXPECT_EQ(run.articles[1].text, "whole emoji \U0001F600 and \\ud83d literal");
  EXPECT_EQ(run.stats.utf8_repaired, 1u);
}

TEST(ArticleReader, BadRecordsAreRejectedWithLineAndReasonAndTheRestKept) {
  std::string dir = TestDir();
  const std::string lines[] = {
      "{\"id\":\"1\",\"text\":\"first good\"}",
      "{\"id\":\"2\",\"title\":\"no text\"}",
      "",
      "{\"id\":\"3\",\"text\":\"  \\n \"}",
      "[\"not\", \"an\", \"object\"]",
      "{\"id\":\"4\",\"text\":",
      "{\"id\":\"5\",\"text\":17}",
      "{\"id\":\"6\",\"text\":\"last good\"}\r",
  };
  std::string jsonl;
  for (const std::string& l : lines) jsonl += l + "\n";
  WriteFile(dir + "/mixed.jsonl", jsonl);
  ReadRun run = ReadInputs({dir + "/mixed.jsonl"});
  ASSERT_EQ(run.articles.size(), 2u);
  EXPECT_EQ(run.articles[0].text, "first good");
  EXPECT_EQ(run.articles[1].text, "last good");
  EXPECT_EQ(run.articles[1].origin_line, 8u);
  std::map<uint64_t, std::string> reasons;
  for (const Rejection& r : run.rejections) {
    reasons[r.line] = r.reason;
    EXPECT_EQ(r.raw, lines[r.line - 1]);  // verbatim
    EXPECT_THAT(r.file, HasSubstr("mixed.jsonl"));
  }
  ASSERT_EQ(reasons.size(), 5u);
  EXPECT_THAT(reasons[2], HasSubstr("missing text"));
  EXPECT_EQ(reasons[4], "empty text");
  EXPECT_EQ(reasons[5], "not a JSON object");
  EXPECT_THAT(reasons[6], StartsWith("unparsable JSON"));
  EXPECT_THAT(reasons[7], HasSubstr("not a string"));
  EXPECT_EQ(run.stats.accepted, 2u);
  EXPECT_EQ(run.stats.rejected, 5u);
}

TEST(ArticleReader, TextFileWithOnlyATitleIsRejected) {
  std::string dir = TestDir();
  WriteFile(dir + "/title.txt", "\nJust a headline\n\n");
  ReadRun run = ReadInputs({dir + "/title.txt"});
  EXPECT_EQ(run.articles.size(), 0u);
  ASSERT_EQ(run.rejections.size(), 1u);
  EXPECT_THAT(run.rejections[0].reason, HasSubstr("missing text"));
}

TEST(ArticleReader, RepairsMojibakeInRealSemevalText) {
  if (!fs::exists(kSemeval)) GTEST_SKIP() << "absent: " << kSemeval;
  IngestOptions opt;
  opt.id_field = "id_b";
  opt.text_field = "text_b";
  ReadRun run = ReadInputs({kSemeval}, opt);
  ASSERT_EQ(run.articles.size(), 796u);
  const Article* turkish = nullptr;
  const Article* german = nullptr;
  for (const Article& a : run.articles) {
    if (a.id == "1558529820") turkish = &a;
    if (a.id == "1604288758") german = &a;
  }
  ASSERT_NE(turkish, nullptr);
  ASSERT_NE(german, nullptr);
  // The damaged headline line now reads as the intact one below it.
  EXPECT_THAT(turkish->text, StartsWith("Horoz d\u00f6v\u00fc\u015f\u00fc yapt\u0131ran "
                                        "zanl\u0131lar yakaland\u0131\nHoroz"));
  EXPECT_THAT(german->text, StartsWith("Bayern will neues Konzept f\u00fcr Versammlungen"));
  EXPECT_THAT(german->text, HasSubstr("Pressegespr\u00e4ch"));
  EXPECT_THAT(german->text, HasSubstr("\u201eAber alle Freiheiten haben nat\u00fcrlich"));
  EXPECT_GE(run.stats.mojibake_repaired, 2u);
  // With the repair off the damage stays.
  opt.repair_mojibake = false;
  ReadRun raw = ReadInputs({kSemeval}, opt);
  EXPECT_EQ(raw.stats.mojibake_repaired, 0u);
}

}  // namespace
}  // namespace storyline
