// Copyright storyline authors.
#include "ingest/utf8_repair.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <unicode/ucnv.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/test_files.h"

namespace storyline::ingest {
namespace {

namespace fs = std::filesystem;
using testing_files::kRoot;
using testing_files::ReadFile;
const std::string kSemeval = kRoot + "/../shared/data/semeval2022-task8/train.jsonl";

std::vector<std::string> SeedTexts() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(kRoot + "/demo")) out.push_back(ReadFile(e.path()));
  return out;
}

std::vector<std::string> SemevalTexts() {
  std::vector<std::string> out;
  simdjson::dom::parser parser;
  std::istringstream lines(ReadFile(kSemeval));
  std::string line;
  while (std::getline(lines, line)) {
    simdjson::dom::element doc = parser.parse(line);
    for (const char* k : {"text_a", "text_b"}) {
      out.emplace_back(std::string_view(doc[k]));
    }
  }
  return out;
}

// What a program does when it reads UTF-8 as Windows-1252 (Latin-1 for the five
// bytes Windows-1252 leaves undefined, as Python's codecs do) and writes UTF-8.
std::string Damage(std::string_view utf8) {
  UErrorCode err = U_ZERO_ERROR;
  UConverter* cv = ucnv_open("windows-1252", &err);
  std::string out;
  for (unsigned char b : utf8) {
    char32_t cp = b;
    if (b >= 0x80 && b <= 0x9F) {
      char in = static_cast<char>(b);
      UChar u[2];
      err = U_ZERO_ERROR;
      int32_t n = ucnv_toUChars(cv, u, 2, &in, 1, &err);
      if (U_SUCCESS(err) && n == 1 && u[0] != 0xFFFD && u[0] != 0x1A) cp = u[0];
    }
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  ucnv_close(cv);
  return out;
}

TEST(RepairMojibake, UndoesCommonDamage) {
  std::string s =
      "It\u00e2\u20ac\u2122s a caf\u00c3\u00a9 in M\u00c3\u00bcnchen \u00e2\u20ac\u201d ok";
  EXPECT_TRUE(RepairMojibake(&s));
  EXPECT_EQ(s, "It\u2019s a caf\u00e9 in M\u00fcnchen \u2014 ok");
}

TEST(RepairMojibake, UndoesDoubleDamage) {
  std::string s = Damage(Damage("Pressegespr\u00e4ch"));
  EXPECT_TRUE(RepairMojibake(&s));
  EXPECT_EQ(s, "Pressegespr\u00e4ch");
}

TEST(RepairMojibake, RepairsOnlyTheDamagedPartOfMixedText) {
  std::string good = "Horoz d\u00f6v\u00fc\u015f\u00fc yapt\u0131ran zanl\u0131lar yakaland\u0131";
  std::string s = Damage(good) + "\n" + good;
  EXPECT_TRUE(RepairMojibake(&s));
  EXPECT_EQ(s, good + "\n" + good);
}

TEST(RepairMojibake, LeavesTheSeedsAlone) {
  for (std::string text : SeedTexts()) {
    std::string before = text;
    EXPECT_FALSE(RepairMojibake(&text));
    EXPECT_EQ(text, before);
  }
}

TEST(RepairMojibake, LeavesLatinTextThatOnlyLooksSuspiciousAlone) {
  // A capital A-tilde or A-circumflex followed by something that is not a
  // continuation byte in disguise.
  for (std::string s : {std::string("S\u00c3O PAULO \u00c2GE"),
                        std::string("N\u00c3O, \u00c3 vista"), std::string("\u00c3\u00c3\u00c3"),
                        // Real: "Could SP\u00d6\u2019s Burgenland win..." (SemEval 1510007629).
                        std::string("SP\u00d6\u2019s win"), std::string("CAF\u00c9\u2019s menu"),
                        std::string("\u201eGR\u00dc\u201d")}) {
    std::string before = s;
    EXPECT_FALSE(RepairMojibake(&s)) << before;
    EXPECT_EQ(s, before);
  }
}

TEST(RepairMojibake, RestoresRealMultilingualTextDamagedOnPurpose) {
  if (!fs::exists(kSemeval)) GTEST_SKIP() << "absent: " << kSemeval;
  int restored = 0, checked = 0;
  for (const std::string& text : SemevalTexts()) {
    std::string probe = text;
    if (RepairMojibake(&probe)) continue;  // already damaged in the data set
    if (IsAscii(text)) continue;
    ++checked;
    std::string damaged = Damage(text);
    ASSERT_NE(damaged, text);
    EXPECT_TRUE(RepairMojibake(&damaged));
    if (damaged == text) {
      ++restored;
    } else {
      ADD_FAILURE() << "not restored: " << text.substr(0, 120);
    }
  }
  EXPECT_GT(checked, 1000);  // German, Spanish, Turkish, Polish, Chinese, Arabic, Russian...
  EXPECT_EQ(restored, checked);
}

TEST(RepairUtf8, LeavesValidTextAlone) {
  std::string out = "untouched";
  for (const std::string& text : SeedTexts()) {
    EXPECT_EQ(RepairUtf8(text, &out), Utf8Verdict::kValid);
  }
  EXPECT_EQ(out, "untouched");
}

TEST(RepairUtf8, ReplacesIllFormedSequencesWithReplacementCharacters) {
  std::string out;
  // A cut character, a lone continuation byte, an encoded surrogate.
  EXPECT_EQ(RepairUtf8("a\xE2\x80 b\x80 c\xED\xA0\x80 \xC3\xA9", &out), Utf8Verdict::kRepaired);
  EXPECT_EQ(out, "a\uFFFD b\uFFFD c\uFFFD\uFFFD\uFFFD \u00e9");
}

TEST(RepairUtf8, DecodesLegacyTextAsWindows1252) {
  std::string out;
  EXPECT_EQ(RepairUtf8("\x93Na\xefve\x94 caf\xe9 \x80 5", &out), Utf8Verdict::kRepaired);
  EXPECT_EQ(out, "\u201cNa\u00efve\u201d caf\u00e9 \u20ac 5");
}

TEST(RepairUtf8, DecodesCyrillicLegacyTextFromTheDetectedCharset) {
  std::string out;
  std::string cp1251 =
      "{\"text\":\"\xCF\xF0\xE5\xE7\xE8\xE4\xE5\xED\xF2 \xD0\xEE\xF1\xF1\xE8\xE8 "
      "\xE2\xF1\xF2\xF0\xE5\xF2\xE8\xEB\xF1\xFF \xF1 \xEB\xE8\xE4\xE5\xF0\xEE\xEC "
      "\xCA\xCD\xC4\xD0\"}";
  EXPECT_EQ(RepairUtf8(cp1251, &out), Utf8Verdict::kRepaired);
  EXPECT_EQ(out,
            "{\"text\":\"Президент "
            "России встретил"
            "ся с лидером КНД"
            "Р\"}");
}

TEST(RepairUtf8, GivesUpOnMostlyInvalidBytes) {
  std::string out;
  std::string garbage = "ok \xC3\xA9 " + std::string(40, '\xFF');
  EXPECT_EQ(RepairUtf8(garbage, &out), Utf8Verdict::kUnrepairable);
}

TEST(LooksBinary, TellsTextFromBinary) {
  for (const std::string& text : SeedTexts()) EXPECT_FALSE(LooksBinary(text));
  EXPECT_TRUE(LooksBinary(std::string("text\0more", 9)));
  EXPECT_TRUE(LooksBinary("\x01\x02\x03\x04 abc defgh"));
  EXPECT_FALSE(LooksBinary("tab\tseparated\r\nlines\f\x1b[0m"));
  std::string elf = ReadFile("/proc/self/exe").substr(0, 65536);
  EXPECT_TRUE(LooksBinary(elf));
}

}  // namespace
}  // namespace storyline::ingest
