#include "storyline/article.h"

#include <gtest/gtest.h>

#include "core/json_writer.h"

namespace storyline {
namespace {

TEST(ParseDateTime, DateOnlyIsMidnightUtc) {
  EXPECT_EQ(ParseDateTime("2023-09-25"), 1695600000);
  EXPECT_EQ(FormatTimestamp(*ParseDateTime("2023-09-25")), "2023-09-25T00:00:00Z");
}

TEST(ParseDateTime, OffsetsAreAppliedToUtc) {
  EXPECT_EQ(ParseDateTime("2023-09-25T09:00:00+09:00"), 1695600000);
  EXPECT_EQ(ParseDateTime("2023-09-25 00:00:00Z"), 1695600000);
  EXPECT_EQ(ParseDateTime("2023-09-25T00:00:00.123Z"), 1695600000);
}

TEST(ParseDateTime, Rfc1123) {
  EXPECT_EQ(ParseDateTime("Mon, 25 Sep 2023 00:00:00 GMT"), 1695600000);
}

TEST(ParseDateTime, RejectsNonsense) {
  EXPECT_FALSE(ParseDateTime("yesterday").has_value());
  EXPECT_FALSE(ParseDateTime("2023-02-30").has_value());
  EXPECT_FALSE(ParseDateTime("").has_value());
  EXPECT_FALSE(ParseDateTime("2023-09-25T25:99").has_value());
}

TEST(JsonWriter, EscapesControlAndQuotes) {
  JsonWriter w;
  w.BeginObject();
  w.Key("t");
  w.String("a\"b\\c\n\x01");
  w.Key("n");
  w.Null();
  w.EndObject();
  EXPECT_EQ(w.str(), R"({"t":"a\"b\\c\n\u0001","n":null})");
}

}  // namespace
}  // namespace storyline
