// Copyright storyline authors.
//
// HTML pages and WARC archives through ArticleReader (extraction itself is
// src/extract's; these check ids, URLs, dates and rejections).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/test_files.h"
#include "storyline/ingest.h"

namespace storyline {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

using testing_files::kRoot;
using testing_files::ReadFile;
using testing_files::WriteFile;
const std::string kPages = kRoot + "/../shared/data/trafilatura-eval/html";

// A fresh folder per test under the test temp dir.
std::string TestDir() { return testing_files::TestDir("ingest"); }

struct WebRun {
  Status status;
  std::vector<Article> articles;
  std::vector<Rejection> rejections;
};

#ifdef STORYLINE_INGEST_HAVE_EXTRACT
#define REQUIRE_EXTRACT()
#else
#define REQUIRE_EXTRACT() GTEST_SKIP() << "built without src/extract"
#endif

WebRun Read(const std::vector<std::string>& inputs) {
  WebRun run;
  IngestOptions opt;
  opt.on_reject = [&run](const Rejection& r) { run.rejections.push_back(r); };
  Result<std::vector<Article>> all = ReadAllArticles(inputs, opt);
  if (!all.ok()) {
    run.status = all.status();
  } else {
    run.articles = std::move(*all);
  }
  return run;
}

// A page made of a seed article: its title and its paragraphs.
std::string SeedPage(const std::string& seed_file) {
  std::istringstream in(ReadFile(kRoot + "/demo/" + seed_file));
  std::string line, title, body;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (title.empty()) {
      title = line;
    } else {
      body += "<p>" + line + "</p>\n";
    }
  }
  return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + title +
         "</title></head><body><nav><a href=\"/\">Home</a></nav><article><h1>" + title + "</h1>\n" +
         body + "</article><footer>Copyright</footer></body></html>";
}

std::string WarcResponse(const std::string& uri, const std::string& date, const std::string& html) {
  std::string http =
      "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " +
      std::to_string(html.size()) + "\r\n\r\n" + html;
  return "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: " + uri + "\r\nWARC-Date: " + date +
         "\r\nWARC-Record-ID: <urn:uuid:" + std::to_string(std::hash<std::string>()(uri)) +
         ">\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: " +
         std::to_string(http.size()) + "\r\n\r\n" + http + "\r\n\r\n";
}

TEST(WebInputs, HtmlPageBecomesAnArticleNamedAfterItsFile) {
  REQUIRE_EXTRACT();
  std::string dir = TestDir();
  WriteFile(dir + "/pages/002_seed.html", SeedPage("002_fe51a37dbb415eaa.txt"));
  WebRun run = Read({dir + "/pages"});
  ASSERT_TRUE(run.status.ok()) << run.status.ToString();
  ASSERT_EQ(run.articles.size(), 1u) << (run.rejections.empty() ? "" : run.rejections[0].reason);
  EXPECT_EQ(run.articles[0].id, "002_seed");
  EXPECT_EQ(run.articles[0].title, "North Korea defends Russian cooperation");
  EXPECT_THAT(run.articles[0].text, HasSubstr("North Korea slammed South Korean President Yoon"));
}

TEST(WebInputs, RealPageFromTheExtractionCorpus) {
  REQUIRE_EXTRACT();
  std::string page = kPages + "/2c1f41b0c9f4dd38.html";
  if (!fs::exists(page)) GTEST_SKIP() << "absent: " << page;
  WebRun run = Read({page});
  ASSERT_EQ(run.articles.size(), 1u);
  EXPECT_EQ(run.articles[0].id, "2c1f41b0c9f4dd38");
  EXPECT_THAT(run.articles[0].text, HasSubstr("Nicaragua cerr\u00f3 2021 con una deuda externa"));
}

TEST(WebInputs, EmptyAndBinaryPagesAreRejected) {
  REQUIRE_EXTRACT();
  std::string dir = TestDir();
  WriteFile(dir + "/empty.html", "");
  WriteFile(dir + "/binary.htm", std::string("\x7f"
                                             "ELF\0\0\0\x01\x02",
                                             9));
  WriteFile(dir + "/good.html", SeedPage("004_a62b8a648886d1d4.txt"));
  WebRun run = Read({dir});
  ASSERT_EQ(run.articles.size(), 1u);
  EXPECT_EQ(run.articles[0].id, "good");
  ASSERT_EQ(run.rejections.size(), 2u);
  EXPECT_THAT(run.rejections[0].file, HasSubstr("binary.htm"));
  EXPECT_THAT(run.rejections[0].reason, HasSubstr("binary"));
  EXPECT_EQ(run.rejections[1].reason, "empty file");
}

TEST(WebInputs, WarcRecordsBecomeArticlesNamedByTheirUrl) {
  REQUIRE_EXTRACT();
  std::string dir = TestDir();
  std::string info = "software: storyline\r\n";
  std::string warc =
      "WARC/1.0\r\nWARC-Type: warcinfo\r\nWARC-Date: 2023-09-26T00:00:00Z\r\n"
      "WARC-Record-ID: <urn:uuid:info>\r\nContent-Type: application/warc-fields\r\n"
      "Content-Length: " +
      std::to_string(info.size()) + "\r\n\r\n" + info + "\r\n\r\n" +
      WarcResponse("https://bnnbreaking.com/north-korea", "2023-09-25T08:15:00Z",
                   SeedPage("000_ccb038054484d1e6.txt")) +
      WarcResponse("https://www.example.org/expand-ties", "2022-08-16T10:00:00Z",
                   SeedPage("004_a62b8a648886d1d4.txt"));
  WriteFile(dir + "/crawl.warc", warc);
  WebRun run = Read({dir + "/crawl.warc"});
  ASSERT_TRUE(run.status.ok()) << run.status.ToString();
  for (const Rejection& r : run.rejections) ADD_FAILURE() << r.line << ": " << r.reason;
  ASSERT_EQ(run.articles.size(), 2u);
  EXPECT_EQ(run.articles[0].id, "https://bnnbreaking.com/north-korea");
  EXPECT_EQ(run.articles[0].url, "https://bnnbreaking.com/north-korea");
  EXPECT_THAT(run.articles[0].title, ::testing::StartsWith("North Korea Defends Cooperation"));
  // The page (seed 000, undated) gives no date: the fetch date stands in.
  EXPECT_EQ(run.articles[0].published_ts, *ParseDateTime("2023-09-25T08:15:00Z"));
  EXPECT_EQ(run.articles[0].origin_line, 2u);
  EXPECT_EQ(run.articles[1].id, "https://www.example.org/expand-ties");
  EXPECT_EQ(run.articles[1].origin_line, 3u);
}

TEST(WebInputs, DamagedWarcRecordIsRejectedAndTheNextKept) {
  REQUIRE_EXTRACT();
  std::string dir = TestDir();
  std::string good = WarcResponse("https://www.example.org/a", "2023-09-25T08:15:00Z",
                                  SeedPage("002_fe51a37dbb415eaa.txt"));
  std::string damaged = good;
  damaged.replace(damaged.find("Content-Length: "), 18, "Content-Length: xx");
  std::string last = WarcResponse("https://www.example.org/b", "2023-09-25T08:15:00Z",
                                  SeedPage("000_ccb038054484d1e6.txt"));
  WriteFile(dir + "/damaged.warc", damaged + last);
  WebRun run = Read({dir + "/damaged.warc"});
  ASSERT_TRUE(run.status.ok()) << run.status.ToString();
  ASSERT_GE(run.rejections.size(), 1u);
  EXPECT_EQ(run.rejections[0].line, 1u);
  EXPECT_THAT(run.rejections[0].file, HasSubstr("damaged.warc"));
  ASSERT_EQ(run.articles.size(), 1u);
  EXPECT_EQ(run.articles[0].id, "https://www.example.org/b");
}

}  // namespace
}  // namespace storyline
