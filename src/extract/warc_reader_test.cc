// Copyright storyline authors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "extract/warc_internal.h"
#include "storyline/extract.h"

namespace storyline {
namespace {

using ::testing::HasSubstr;

std::string Gzip(const std::string& data) {
  z_stream zs{};
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string Record(const std::string& type, const std::string& uri, const std::string& block,
                   const std::string& ctype = "application/http; msgtype=response",
                   long length_delta = 0) {
  return "WARC/1.0\r\nWARC-Type: " + type +
         "\r\nWARC-Date: 2023-09-25T08:15:00Z\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
         "WARC-Target-URI: " +
         uri + "\r\nContent-Type: " + ctype +
         "\r\nContent-Length: " + std::to_string(static_cast<long>(block.size()) + length_delta) +
         "\r\n\r\n" + block + "\r\n\r\n";
}

std::string HttpHtml(const std::string& body, const std::string& extra_headers = "") {
  return "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n" + extra_headers + "\r\n" +
         body;
}

const char kPage1[] =
    "<html><body><article><p>First page: the council voted for trams, and "
    "the works begin next spring across the city.</p></article></body></html>";
const char kPage2[] =
    "<html><body><article><p>Second page: the harbour reopens after two "
    "years of repairs, the port authority said.</p></article></body></html>";

// Four records: warcinfo, an HTML response, an image response, an HTML response.
std::vector<std::string> SampleRecords() {
  return {Record("warcinfo", "", "software: test\r\n", "application/warc-fields"),
          Record("response", "https://a.example/1", HttpHtml(kPage1)),
          Record("response", "https://a.example/logo.png",
                 "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG...."),
          Record("response", "https://a.example/2", HttpHtml(kPage2))};
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x;
  return s;
}

std::string GzipEach(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += Gzip(x);
  return s;
}

struct ReadResult {
  std::vector<WarcRecord> records;
  std::vector<std::string> errors;
};

ReadResult ReadAll(WarcReader& r) {
  ReadResult out;
  for (int guard = 0; guard < 1000; ++guard) {
    WarcRecord rec;
    Result<bool> more = r.Next(&rec);
    if (!more.ok()) {
      out.errors.push_back(more.status().message());
      continue;
    }
    if (!*more) break;
    out.records.push_back(rec);
  }
  return out;
}

TEST(WarcReader, PlainWarcGivesTheHtmlResponsesOnly) {
  auto r = WarcReader::OpenBuffer(Join(SampleRecords()));
  ASSERT_TRUE(r.ok());
  ReadResult res = ReadAll(**r);
  EXPECT_TRUE(res.errors.empty());
  ASSERT_EQ(res.records.size(), 2u);
  EXPECT_EQ(res.records[0].number, 2u);
  EXPECT_EQ(res.records[0].target_uri, "https://a.example/1");
  EXPECT_EQ(res.records[0].warc_date, "2023-09-25T08:15:00Z");
  EXPECT_EQ(res.records[0].content_type, "text/html; charset=utf-8");
  EXPECT_EQ(res.records[0].body, kPage1);
  EXPECT_EQ(res.records[1].number, 4u);
  EXPECT_EQ(res.records[1].body, kPage2);
}

TEST(WarcReader, GzipMembersPerRecordReadFromAFile) {
  std::string path = (std::filesystem::temp_directory_path() / "storyline_test.warc.gz").string();
  {
    std::ofstream f(path, std::ios::binary);
    f << GzipEach(SampleRecords());
  }
  auto r = WarcReader::Open(path);
  ASSERT_TRUE(r.ok());
  ReadResult res = ReadAll(**r);
  std::filesystem::remove(path);
  EXPECT_TRUE(res.errors.empty());
  ASSERT_EQ(res.records.size(), 2u);
  EXPECT_EQ(res.records[1].body, kPage2);
  EXPECT_GT((*r)->bytes_read(), 0u);
}

TEST(WarcReader, MissingFileIsAnIoErrorNamingIt) {
  auto r = WarcReader::Open("/nonexistent/x.warc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kIoError);
  EXPECT_THAT(r.status().message(), HasSubstr("/nonexistent/x.warc"));
}

TEST(WarcReader, ChunkedAndGzipEncodedBodiesAreDecoded) {
  std::string gz = Gzip(kPage1);
  // Two chunks.
  std::string half1 = gz.substr(0, gz.size() / 2), half2 = gz.substr(gz.size() / 2);
  char h1[16], h2[16];
  std::snprintf(h1, sizeof(h1), "%zx", half1.size());
  std::snprintf(h2, sizeof(h2), "%zx", half2.size());
  std::string chunked =
      std::string(h1) + "\r\n" + half1 + "\r\n" + h2 + "\r\n" + half2 + "\r\n0\r\n\r\n";
  std::string block = HttpHtml(chunked, "Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n");
  auto r = WarcReader::OpenBuffer(Record("response", "https://a.example/z", block));
  ASSERT_TRUE(r.ok());
  ReadResult res = ReadAll(**r);
  ASSERT_EQ(res.records.size(), 1u);
  EXPECT_EQ(res.records[0].body, kPage1);
}

TEST(WarcReader, WrongContentLengthIsReportedAndTheNextRecordStillRead) {
  for (long delta : {-25L, +40L}) {
    std::vector<std::string> recs = SampleRecords();
    recs[1] = Record("response", "https://a.example/1", HttpHtml(kPage1),
                     "application/http; msgtype=response", delta);
    for (bool gz : {false, true}) {
      auto r = WarcReader::OpenBuffer(gz ? GzipEach(recs) : Join(recs));
      ASSERT_TRUE(r.ok());
      ReadResult res = ReadAll(**r);
      ASSERT_EQ(res.errors.size(), 1u) << "delta " << delta << " gz " << gz;
      EXPECT_THAT(res.errors[0], HasSubstr("WARC record 2 (https://a.example/1)"));
      EXPECT_THAT(res.errors[0], HasSubstr("Content-Length"));
      ASSERT_EQ(res.records.size(), 1u) << "delta " << delta << " gz " << gz;
      EXPECT_EQ(res.records[0].target_uri, "https://a.example/2");
      EXPECT_EQ(res.records[0].number, 4u);
    }
  }
}

TEST(WarcReader, TruncatedWarcReportsTheRecordAndEnds) {
  std::string all = Join(SampleRecords());
  std::string cut = all.substr(0, all.size() - 60);
  auto r = WarcReader::OpenBuffer(cut);
  ASSERT_TRUE(r.ok());
  ReadResult res = ReadAll(**r);
  ASSERT_EQ(res.records.size(), 1u);
  EXPECT_EQ(res.records[0].target_uri, "https://a.example/1");
  ASSERT_EQ(res.errors.size(), 1u);
  EXPECT_THAT(res.errors[0], HasSubstr("WARC record 4"));
  EXPECT_THAT(res.errors[0], HasSubstr("truncated"));
}

TEST(WarcReader, TruncatedGzipWarcReportsAndKeepsTheEarlierRecords) {
  std::string all = GzipEach(SampleRecords());
  auto r = WarcReader::OpenBuffer(all.substr(0, all.size() - 30));
  ASSERT_TRUE(r.ok());
  ReadResult res = ReadAll(**r);
  ASSERT_EQ(res.records.size(), 1u);
  ASSERT_FALSE(res.errors.empty());
  EXPECT_THAT(res.errors.back(), HasSubstr("truncated"));
}

TEST(WarcReader, GarbageBetweenRecordsIsSkippedWithAMessage) {
  std::vector<std::string> recs = SampleRecords();
  std::string data = recs[0] + recs[1] + "this is not a record\r\n\r\n" + recs[2] + recs[3];
  auto r = WarcReader::OpenBuffer(data);
  ASSERT_TRUE(r.ok());
  ReadResult res = ReadAll(**r);
  EXPECT_EQ(res.errors.size(), 1u);
  ASSERT_EQ(res.records.size(), 2u);
  EXPECT_EQ(res.records[1].target_uri, "https://a.example/2");
}

TEST(WarcReader, ExtractedPagesComeFromTheRecords) {
  auto r = WarcReader::OpenBuffer(GzipEach(SampleRecords()));
  ASSERT_TRUE(r.ok());
  ReadResult res = ReadAll(**r);
  ASSERT_EQ(res.records.size(), 2u);
  auto page = ExtractArticle(res.records[1].body, {}, res.records[1].content_type,
                             res.records[1].target_uri);
  ASSERT_TRUE(page.ok());
  EXPECT_THAT(page->text, HasSubstr("the harbour reopens"));
  EXPECT_EQ(page->url, "https://a.example/2");
}

TEST(HttpBody, DechunkRejectsBodiesThatAreNotChunked) {
  std::string out;
  EXPECT_FALSE(internal::Dechunk("<html>", &out));
  EXPECT_TRUE(internal::Dechunk("3\r\nabc\r\n0\r\n\r\n", &out));
  EXPECT_EQ(out, "abc");
}

}  // namespace
}  // namespace storyline
