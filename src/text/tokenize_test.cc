// Copyright storyline authors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/test_files.h"
#include "storyline/text.h"
#include "text/tokenize_internal.h"

namespace storyline {
namespace {

std::vector<std::string> WordsOf(std::string_view text) {
  Words w;
  Tokenize(text, &w);
  std::vector<std::string> out;
  for (size_t i = 0; i < w.size(); ++i) out.emplace_back(w.word(i));
  return out;
}

using testing_files::ReadFile;

std::vector<std::string> SeedPaths() {
  std::vector<std::string> out;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(STORYLINE_SOURCE_DIR) + "/demo")) {
    if (e.path().extension() == ".txt") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(NormalizeText, CaseFoldsSharpS) { EXPECT_EQ(NormalizeText("Straße"), "strasse"); }

TEST(NormalizeText, NfkcUnfoldsLigaturesAndFullwidth) {
  EXPECT_EQ(NormalizeText("ﬁnance"), "finance");
  EXPECT_EQ(NormalizeText("ＡＢＣ１２３"), "abc123");
}

TEST(NormalizeText, ComposesCombiningMarks) {
  EXPECT_EQ(NormalizeText("Cafe\xCC\x81"), "caf\xC3\xA9");  // e + U+0301 -> é
}

TEST(Tokenize, AsciiSplitsOnPunctuationAndLowercases) {
  EXPECT_THAT(
      WordsOf("SEOUL (Reuters) - North Korea on Monday slammed..."),
      testing::ElementsAre("seoul", "reuters", "north", "korea", "on", "monday", "slammed"));
}

TEST(Tokenize, NumbersAreWords) {
  EXPECT_THAT(
      WordsOf("rose 3.5% in 2023 to 1,750 tonnes; 5.93 mln."),
      testing::ElementsAre("rose", "3.5", "in", "2023", "to", "1,750", "tonnes", "5.93", "mln"));
}

TEST(Tokenize, KeepsApostrophesInsideWordsAndUnifiesThem) {
  EXPECT_THAT(WordsOf("Kim's visit, Korea’s 'quoted' words"),
              testing::ElementsAre("kim's", "visit", "korea's", "quoted", "words"));
}

TEST(Tokenize, AbbreviationsStayOneWord) {
  EXPECT_THAT(WordsOf("U.S. and U.N. officials"),
              testing::ElementsAre("u.s", "and", "u.n", "officials"));
}

TEST(Tokenize, FoldsLatinLettersWithDiacritics) {
  EXPECT_THAT(WordsOf("Größe ÉTÉ Łódź"), testing::ElementsAre("grösse", "été", "łódź"));
}

TEST(Tokenize, CyrillicAndGreekAreCaseFolded) {
  EXPECT_THAT(WordsOf("Северная Корея, ΟΔΥΣΣΕΥΣ"),
              testing::ElementsAre("северная", "корея", "οδυσσευσ"));
}

TEST(Tokenize, SegmentsChineseWithIcu) {
  // 北京 (Beijing) 是 (is) 中国 (China) 的 首都 (capital): the dictionary splits it.
  std::vector<std::string> w = WordsOf("北京是中国的首都。");
  EXPECT_GE(w.size(), 4u);
  EXPECT_THAT(w, testing::Contains("北京"));
  EXPECT_THAT(w, testing::Contains("中国"));
  EXPECT_THAT(w, testing::Not(testing::Contains("。")));
}

TEST(Tokenize, SegmentsJapaneseWithIcu) {
  std::vector<std::string> w = WordsOf("東京は日本の首都です。");
  EXPECT_GE(w.size(), 4u);
  EXPECT_THAT(w, testing::Contains("東京"));
  EXPECT_THAT(w, testing::Contains("日本"));
}

TEST(Tokenize, SegmentsThaiWithIcu) {
  // "ประเทศไทย" (Thailand) "มี" (has) "ประชากร" (population) "มาก" (many)
  std::vector<std::string> w = WordsOf("ประเทศไทยมีประชากรมาก");
  EXPECT_GE(w.size(), 3u);
  EXPECT_THAT(w, testing::Contains("ประชากร"));
}

TEST(Tokenize, SplitsArabicOnSpaces) {
  EXPECT_THAT(WordsOf("كوريا الشمالية وروسيا."),
              testing::ElementsAre("كوريا", "الشمالية", "وروسيا"));
}

TEST(Tokenize, OffsetsPointAtTheWordInTheSource) {
  std::string text = "Kim’s ﬁnal, Straße! 北京是中国的首都";
  Words w;
  Tokenize(text, &w);
  ASSERT_GT(w.size(), 3u);
  for (size_t i = 0; i < w.size(); ++i) {
    std::string_view src =
        std::string_view(text).substr(w.span(i).src_begin, w.span(i).src_end - w.span(i).src_begin);
    std::string n = NormalizeText(src);
    for (size_t p; (p = n.find("’")) != std::string::npos;) n.replace(p, 3, "'");
    EXPECT_EQ(n, w.word(i)) << "word " << i;
  }
}

TEST(Tokenize, OffsetsAreExactOnTheSeeds) {
  std::vector<std::string> seeds = SeedPaths();
  ASSERT_EQ(seeds.size(), 5u);
  Words w;
  for (const std::string& path : seeds) {
    std::string text = ReadFile(path);
    Tokenize(text, &w);
    ASSERT_GT(w.size(), 100u) << path;
    uint32_t last_end = 0;
    for (size_t i = 0; i < w.size(); ++i) {
      const WordSpan& s = w.span(i);
      ASSERT_LE(last_end, s.src_begin) << path;
      ASSERT_LT(s.src_begin, s.src_end) << path;
      ASSERT_LE(s.src_end, text.size()) << path;
      std::string n = NormalizeText(text.substr(s.src_begin, s.src_end - s.src_begin));
      for (size_t p; (p = n.find("’")) != std::string::npos;) n.replace(p, 3, "'");
      ASSERT_EQ(n, w.word(i)) << path << " word " << i;
      last_end = s.src_end;
    }
  }
}

// The fast path must give exactly the words ICU gives, or signatures would
// depend on which path a text took.
TEST(Tokenize, FastPathAgreesWithIcuOnTheSeeds) {
  Words fast, icu;
  for (const std::string& path : SeedPaths()) {
    std::string text = ReadFile(path);
    ASSERT_TRUE(text_internal::TokenizeFast(text, &fast)) << path;
    text_internal::TokenizeIcu(text, &icu);
    ASSERT_EQ(fast.size(), icu.size()) << path;
    for (size_t i = 0; i < fast.size(); ++i) {
      ASSERT_EQ(fast.word(i), icu.word(i)) << path << " word " << i;
      ASSERT_EQ(fast.span(i).src_begin, icu.span(i).src_begin) << path << " word " << i;
      ASSERT_EQ(fast.span(i).src_end, icu.span(i).src_end) << path << " word " << i;
    }
  }
}

// The fast path reads runs of ASCII letters and digits 16 bytes at a time while
// 16 bytes remain: every cut of the seeds' ends, and long runs next to the end,
// give ICU's words and offsets.
TEST(Tokenize, FastPathAgreesWithIcuAtEveryDistanceFromTheEnd) {
  std::vector<std::string> texts;
  for (const std::string& path : SeedPaths()) {
    const std::string text = ReadFile(path);
    for (size_t cut = 0; cut < 48 && cut < text.size(); ++cut) {
      texts.push_back(text.substr(0, text.size() - cut));
    }
  }
  const std::string run = "Abcdefghijklmnopqrstuvwxyz0123456789ZYXWVUTSRQPONMLKJIHGFEDCBA";
  for (size_t len = 1; len <= run.size(); ++len) {
    texts.push_back(run.substr(0, len));
    texts.push_back("x " + run.substr(0, len) + ".");
    texts.push_back(run.substr(0, len) + "'s " + run.substr(0, len) + "_x 1,5" +
                    run.substr(0, len));
    texts.push_back(run.substr(0, len) + "\xC3\xA9t\xC3\xA9 " + run.substr(0, len) + "[`{ " +
                    run.substr(0, len) + "[Z`");
  }
  Words fast, icu;
  for (const std::string& text : texts) {
    ASSERT_TRUE(text_internal::TokenizeFast(text, &fast)) << text;
    text_internal::TokenizeIcu(text, &icu);
    ASSERT_EQ(fast.size(), icu.size()) << text;
    for (size_t i = 0; i < fast.size(); ++i) {
      ASSERT_EQ(fast.word(i), icu.word(i)) << text << " word " << i;
      ASSERT_EQ(fast.span(i).src_begin, icu.span(i).src_begin) << text << " word " << i;
      ASSERT_EQ(fast.span(i).src_end, icu.span(i).src_end) << text << " word " << i;
    }
  }
}

// The fast path's vectorised ASCII runs and its scalar twin give the same
// words and offsets, at every distance from the end of real text (the seeds and
// the start of Reuters-21578 and BBC News when present).
TEST(Tokenize, FastPathVectorisedAndScalarAgree) {
  std::vector<std::string> texts;
  for (const std::string& path : SeedPaths()) texts.push_back(ReadFile(path));
  for (const char* set : {"reuters21578", "bbc-news"}) {
    std::string s =
        ReadFile(std::string(STORYLINE_SOURCE_DIR) + "/../shared/data/" + set + "/data.jsonl");
    if (!s.empty()) texts.push_back(s.substr(0, 1 << 20));
  }
  const size_t whole = texts.size();
  for (size_t t = 0; t < whole; ++t) {
    for (size_t cut = 1; cut < 40 && cut < texts[t].size(); ++cut) {
      texts.push_back(texts[t].substr(0, texts[t].size() - cut));
      texts.push_back(texts[t].substr(cut, 4096));
    }
  }
  Words simd, scalar;
  for (const std::string& text : texts) {
    const bool ok = text_internal::TokenizeFast(text, &simd);
    ASSERT_EQ(ok, text_internal::TokenizeFastScalar(text, &scalar)) << text.substr(0, 80);
    if (!ok) continue;
    ASSERT_EQ(simd.norm, scalar.norm) << text.substr(0, 80);
    ASSERT_EQ(simd.size(), scalar.size()) << text.substr(0, 80);
    for (size_t i = 0; i < simd.size(); ++i) {
      ASSERT_EQ(simd.span(i).norm_begin, scalar.span(i).norm_begin);
      ASSERT_EQ(simd.span(i).norm_len, scalar.span(i).norm_len);
      ASSERT_EQ(simd.span(i).src_begin, scalar.span(i).src_begin);
      ASSERT_EQ(simd.span(i).src_end, scalar.span(i).src_end);
    }
  }
}

TEST(Tokenize, FastPathAgreesWithIcuOnTrickyLatinText) {
  const char* cases[] = {
      "U.S.-led talks; 3.5% vs 3,5 e.g. don't 'quote' rock'n'roll __init__ a_b 1;2 x.y.",
      "Müller’s café — naïve façade … «Größe» €5 £3 ½ Ōsaka Ångström ÆØÅ œuvre",
      "Москва, 2023: «Привет» Αθήνα",
      "end with apostrophe' and dot. and comma, 1.000.000 a.1 1.a",
      // ICU's word rules count '@' as a letter, and keep "__" (not "_") as a word.
      "A@ @A a@b 1@2 @ x@@y reporter@reuters.com @BBCNews A.B@x.co.uk ß@Ü a_@",
      "_ __ ___ a.__ __.a a __ b x_ _y",
  };
  Words fast, icu;
  for (const char* text : cases) {
    ASSERT_TRUE(text_internal::TokenizeFast(text, &fast)) << text;
    text_internal::TokenizeIcu(text, &icu);
    std::vector<std::string> a, b;
    for (size_t i = 0; i < fast.size(); ++i) a.emplace_back(fast.word(i));
    for (size_t i = 0; i < icu.size(); ++i) b.emplace_back(icu.word(i));
    EXPECT_EQ(a, b) << text;
  }
}

TEST(Tokenize, FastPathGivesUpOnScriptsItDoesNotKnow) {
  Words w;
  EXPECT_FALSE(text_internal::TokenizeFast("Seoul 北京", &w));
  EXPECT_FALSE(text_internal::TokenizeFast("Ἀθῆναι", &w));
  EXPECT_FALSE(text_internal::TokenizeFast("cafe\xCC\x81", &w));  // combining mark
  EXPECT_TRUE(text_internal::TokenizeFast("Kim’s café — 5 €", &w));
}

TEST(Tokenize, ReusesWordsWithoutKeepingOldWords) {
  Words w;
  Tokenize("one two three", &w);
  Tokenize("four", &w);
  EXPECT_EQ(w.size(), 1u);
  EXPECT_EQ(w.word(0), "four");
}

TEST(Tokenize, EmptyAndPunctuationOnlyTextsHaveNoWords) {
  EXPECT_TRUE(WordsOf("").empty());
  EXPECT_TRUE(WordsOf(" -- ... !? ").empty());
}

TEST(Tokenize, SurvivesInvalidUtf8) {
  std::vector<std::string> w = WordsOf("abc \xFF\xFE def");
  EXPECT_THAT(w, testing::Contains("abc"));
  EXPECT_THAT(w, testing::Contains("def"));
}

}  // namespace
}  // namespace storyline
