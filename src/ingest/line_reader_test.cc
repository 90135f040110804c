// Copyright storyline authors.
#include "ingest/line_reader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/test_files.h"
#include "ingest/byte_source.h"

namespace storyline::ingest {
namespace {

using testing_files::kRoot;
using testing_files::ReadFile;

std::vector<std::string> AllLines(std::string data, size_t chunk) {
  std::unique_ptr<ByteSource> src = MakeMemorySource(std::move(data));
  LineReader reader(src.get(), chunk);
  std::vector<std::string> lines;
  std::string_view line;
  while (reader.Next(&line) == LineReader::Event::kLine) {
    lines.emplace_back(line);
    EXPECT_EQ(reader.line_number(), lines.size());
  }
  return lines;
}

TEST(LineReader, SplitsLikeGetlineWhateverTheChunkSize) {
  std::string text = ReadFile(kRoot + "/demo/002_fe51a37dbb415eaa.txt");
  std::vector<std::string> expected;
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l)) expected.push_back(l);
  for (size_t chunk : {size_t{1}, size_t{7}, size_t{64}, size_t{4096}, kChunkSize}) {
    EXPECT_EQ(AllLines(text, chunk), expected) << "chunk " << chunk;
  }
}

TEST(LineReader, StripsCarriageReturnsAndKeepsALastLineWithoutNewline) {
  std::vector<std::string> lines = AllLines("a\r\n\r\nb\nc\r", 4);
  EXPECT_EQ(lines, (std::vector<std::string>{"a", "", "b", "c"}));
}

TEST(LineReader, PeekDoesNotConsume) {
  std::unique_ptr<ByteSource> src = MakeMemorySource("first\nsecond\n");
  LineReader reader(src.get(), 4);
  EXPECT_EQ(reader.Peek(8), "first\nse");
  std::string_view line;
  ASSERT_EQ(reader.Next(&line), LineReader::Event::kLine);
  EXPECT_EQ(line, "first");
}

TEST(LineReader, ReportsATruncatedStreamAfterTheCompleteLines) {
  std::string data = "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n";
  z_stream z{};
  ASSERT_EQ(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string gz(256, '\0');
  z.next_in = reinterpret_cast<Bytef*>(data.data());
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(gz.data());
  z.avail_out = static_cast<uInt>(gz.size());
  ASSERT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  gz.resize(z.total_out - 8);  // drop the CRC and length trailer
  deflateEnd(&z);
  std::unique_ptr<ByteSource> src = MakeGzipSource(MakeMemorySource(gz));
  LineReader reader(src.get());
  std::string_view line;
  int complete = 0;
  LineReader::Event ev;
  while ((ev = reader.Next(&line)) == LineReader::Event::kLine) ++complete;
  EXPECT_EQ(complete, 3);
  ASSERT_EQ(ev, LineReader::Event::kError);
  EXPECT_EQ(reader.error().message(), "truncated gzip stream");
  EXPECT_EQ(reader.line_number(), 4u);
  EXPECT_EQ(reader.Next(&line), LineReader::Event::kEnd);
}

}  // namespace
}  // namespace storyline::ingest
