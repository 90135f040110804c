// Copyright storyline authors.
//
// Pairs files and the batch scorer behind `storyline similarity`.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "storyline/relate.h"

namespace storyline {
namespace {

std::string TempFile(const std::string& content) {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("relate_pairs_" + std::to_string(::getpid()) + ".jsonl"))
                         .string();
  std::ofstream(path) << content;
  return path;
}

const char* kGood1 =
    R"({"id_a":"a1","text_a":"North Korea slammed South Korean President Yoon Suk Yeol for criticising its cooperation with Moscow following leader Kim Jong Un's visit to Russia, saying close relations with neighbours were natural.","id_b":"b1","text_b":"Pyongyang hit back at South Korea's President Yoon Suk Yeol over his criticism of its military cooperation with Moscow after Kim Jong Un visited Russia, calling close ties with neighbours natural and normal."})";
const char* kGood2 =
    R"({"id_a":7,"text_a":"Shares in Tokyo fell sharply on Monday as exporters lost ground after the yen strengthened against the dollar and investors sold technology stocks.","id_b":8,"text_b":"The football season starts in August with a match between the champions and the cup winners at the national stadium in the capital."})";

TEST(PairReader, BadLinesAreReportedAndGoodOnesKept) {
  std::string path =
      TempFile(std::string(kGood1) + "\nnot json at all\n" +
               R"({"id_a":"x","text_a":"","id_b":"y","text_b":"z"})" + "\n" + kGood2 + "\n");
  std::vector<PairReader::Reject> rejects;
  auto r = PairReader::Open(path, [&](const PairReader::Reject& j) { rejects.push_back(j); });
  ASSERT_TRUE(r.ok());
  std::vector<ArticlePair> got;
  ArticlePair p;
  while (true) {
    auto more = (*r)->Next(&p);
    ASSERT_TRUE(more.ok());
    if (!*more) break;
    got.push_back(p);
  }
  std::remove(path.c_str());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].id_a, "a1");
  EXPECT_EQ(got[1].id_a, "7");  // numeric ids become strings
  ASSERT_EQ(rejects.size(), 2u);
  EXPECT_EQ(rejects[0].line, 2u);
  EXPECT_EQ(rejects[1].line, 3u);
  EXPECT_EQ(rejects[1].reason, "missing text_a");
}

TEST(PairReader, MissingFileIsNotFound) {
  auto r = PairReader::Open("/nonexistent/pairs.jsonl", nullptr);
  EXPECT_FALSE(r.ok());
}

TEST(PairScorer, SameScoresOnOneAndTwoThreads) {
  std::vector<ArticlePair> batch;
  for (int i = 0; i < 40; ++i) {
    ArticlePair p;
    p.id_a = "a" + std::to_string(i);
    p.id_b = "b" + std::to_string(i);
    p.text_a = std::string("Story ") + std::to_string(i) +
               ": North Korea slammed South Korean President Yoon Suk Yeol for criticising its "
               "cooperation with Moscow following leader Kim Jong Un's visit to Russia.";
    p.text_b =
        i % 2 ? p.text_a : "Shares in Tokyo fell sharply on Monday as exporters lost ground.";
    batch.push_back(p);
  }
  PairScorer one(1), two(2);
  auto s1 = one.ScoreBatch(batch);
  auto s2 = two.ScoreBatch(batch);
  ASSERT_EQ(s1.size(), batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    EXPECT_EQ(s1[i].score, s2[i].score) << i;
    EXPECT_EQ(s1[i].relation, s2[i].relation) << i;
  }
  EXPECT_EQ(s1[1].relation, Relation::kDuplicate);
  EXPECT_GT(s1[1].score, s1[0].score);
}

}  // namespace
}  // namespace storyline
