// Copyright storyline authors.
#include <gtest/gtest.h>

#include <string>

#include "storyline/text.h"

namespace storyline {
namespace {

TEST(Stemmer, StemsEnglishByIsoCode) {
  Stemmer s("en");
  ASSERT_TRUE(s.available());
  EXPECT_EQ(s.Stem("relations"), "relat");
  EXPECT_EQ(s.Stem("cooperation"), "cooper");
  EXPECT_EQ(s.Stem("kim's"), "kim");
}

TEST(Stemmer, EmptyLanguageMeansEnglish) {
  Stemmer s("");
  EXPECT_EQ(s.Stem("defends"), "defend");
}

TEST(Stemmer, AcceptsSnowballNamesAndRegionTags) {
  Stemmer de("german");
  EXPECT_EQ(de.Stem("beziehungen"), "bezieh");
  Stemmer pt("pt-BR");
  EXPECT_TRUE(pt.available());
}

TEST(Stemmer, StemsRussianInUtf8) {
  Stemmer ru("ru");
  EXPECT_EQ(ru.Stem("отношения"), "отношен");
}

TEST(Stemmer, EveryListedIsoCodeHasAStemmer) {
  for (const char* code :
       {"ar", "hy", "eu", "ca", "da", "nl", "en", "fi", "fr", "de", "el", "hi", "hu", "id",
        "ga", "it", "lt", "ne", "no", "pt", "ro", "ru", "sr", "es", "sv", "ta", "tr", "yi"}) {
    EXPECT_TRUE(Stemmer(code).available()) << code;
  }
}

TEST(Stemmer, LanguageWithoutStemmerReturnsWordUnchanged) {
  Stemmer s("zh");
  EXPECT_FALSE(s.available());
  EXPECT_EQ(s.Stem("北京"), "北京");
}

TEST(IsStopword, KnowsEnglishFunctionWords) {
  for (const char* w : {"the", "of", "and", "it's", "would", "between", "its"}) {
    EXPECT_TRUE(IsStopword(w, "en")) << w;
  }
  for (const char* w : {"korea", "russia", "missile", "kim"}) {
    EXPECT_FALSE(IsStopword(w, "en")) << w;
  }
  EXPECT_TRUE(IsStopword("the", ""));
}

TEST(IsStopword, KnowsOtherLanguagesInNormalisedForm) {
  EXPECT_TRUE(IsStopword("dass", "de"));  // listed as "daß"
  EXPECT_TRUE(IsStopword("für", "de"));
  EXPECT_TRUE(IsStopword("été", "fr"));
  EXPECT_TRUE(IsStopword("también", "es"));
  EXPECT_TRUE(IsStopword("perché", "it"));
  EXPECT_TRUE(IsStopword("não", "pt"));
  EXPECT_TRUE(IsStopword("zijn", "nl"));
  EXPECT_TRUE(IsStopword("чтобы", "ru"));
  EXPECT_FALSE(IsStopword("the", "de"));
}

TEST(IsStopword, LanguageWithoutListAnswersFalse) { EXPECT_FALSE(IsStopword("the", "zh")); }

}  // namespace
}  // namespace storyline
