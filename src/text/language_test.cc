// Copyright storyline authors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "storyline/text.h"

namespace storyline {
namespace {

TEST(DetectLanguage, SeedsAreEnglish) {
  int n = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(STORYLINE_SOURCE_DIR) + "/demo")) {
    if (e.path().extension() != ".txt") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(DetectLanguage(ss.str()), "en") << e.path();
    ++n;
  }
  EXPECT_EQ(n, 5);
}

TEST(DetectLanguage, GermanAndFrenchSentences) {
  EXPECT_EQ(DetectLanguage("Nordkorea hat die Kritik des südkoreanischen Präsidenten an seiner "
                           "Zusammenarbeit mit Russland scharf zurückgewiesen und erklärt, enge "
                           "Beziehungen zu Nachbarländern seien ganz natürlich."),
            "de");
  EXPECT_EQ(
      DetectLanguage("La Corée du Nord a vivement critiqué le président sud-coréen, qui "
                     "avait dénoncé sa coopération avec la Russie, en affirmant qu'il est "
                     "tout à fait naturel d'entretenir des relations étroites avec ses voisins."),
      "fr");
}

TEST(DetectLanguage, ChineseIsZhWithoutScriptSuffix) {
  EXPECT_EQ(
      DetectLanguage("朝鲜周一抨击韩国总统尹锡悦批评其与莫斯科的合作，称邻国之间保持密切关系是"
                     "自然和正常的。金正恩上周结束了对俄罗斯为期一周的访问。"),
      "zh");
}

TEST(DetectLanguage, TooShortOrEmptyIsUnknown) {
  EXPECT_EQ(DetectLanguage(""), "");
  EXPECT_EQ(DetectLanguage("12 34 !!"), "");
}

TEST(DetectLanguage, InvalidUtf8IsUnknownNotACrash) {
  EXPECT_EQ(DetectLanguage("abc \xFF\xFE\xFD def"), "");
}

}  // namespace
}  // namespace storyline
