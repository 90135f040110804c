// Copyright storyline authors.
//
// The vectorised paths of the boilerplate filter against their scalar twins on
// real text: the seeds, and the start of the shared news sets when present.
#include "text/boilerplate_internal.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/test_files.h"

namespace storyline::text_internal {
namespace {

using testing_files::kDemo;
using testing_files::kSharedData;
using testing_files::ReadFile;

// Whole texts: the seeds, the first MiB of Reuters-21578 and BBC News (JSONL
// as it is: one article per line), and a line made to hit every branch of the
// sixteen-byte blocks (double spaces, tabs, control bytes, capitals, "©", '/').
std::vector<std::string> RealTexts() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(kDemo)) {
    if (e.path().extension() == ".txt") out.push_back(ReadFile(e.path().string()));
  }
  for (const char* set : {"reuters21578", "bbc-news"}) {
    std::string s = ReadFile(kSharedData + "/" + set + "/data.jsonl");
    if (!s.empty()) out.push_back(s.substr(0, 1 << 20));
  }
  std::string made;
  for (int i = 0; i < 40; ++i) made += "Abc  DEF\tghi\x01JKL mno/Pqr \xC2\xA9 Stu  vWX\vyz 0123 ";
  out.push_back(made);
  return out;
}

// The lines of the texts, each also without its first 1 to 16 bytes, so that
// the blocks of sixteen bytes meet every alignment.
std::vector<std::string> Lines(const std::vector<std::string>& texts) {
  std::vector<std::string> out;
  for (const std::string& text : texts) {
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t nl = std::min(text.find('\n', pos), text.size());
      const std::string line = text.substr(pos, nl - pos);
      for (size_t cut = 0; cut <= 16 && cut <= line.size(); ++cut) out.push_back(line.substr(cut));
      pos = nl + 1;
    }
  }
  return out;
}

const std::vector<std::string>& TestLines() {
  static const std::vector<std::string> lines = Lines(RealTexts());
  return lines;
}

TEST(BoilerplateFold, VectorisedAndScalarFoldAgree) {
  ASSERT_GT(TestLines().size(), 1000u);
  for (const std::string& line : TestLines()) {
    const std::string_view s = Trim(line);
    std::string a(s.size(), '\0'), b(s.size(), '\0');
    int words_a = -1, words_b = -2;
    a.resize(FoldInto(s, a.data(), &words_a));
    b.resize(FoldIntoScalar(s, b.data(), &words_b));
    ASSERT_EQ(a, b) << line;
    ASSERT_EQ(words_a, words_b) << line;
  }
}

TEST(BoilerplateRules, VectorisedAndScalarPhraseProbesAgree) {
  for (const std::string& line : TestLines()) {
    const std::string f = Fold(Trim(line));
    ASSERT_EQ(PhraseProbes(f), PhraseProbesScalar(f)) << f;
    ASSERT_EQ(PhraseProbes(line), PhraseProbesScalar(line)) << line;
  }
}

TEST(BoilerplateRules, VectorisedAndScalarSlashOrCopyrightAgree) {
  size_t found = 0;
  for (const std::string& line : TestLines()) {
    // Every length up to 48 bytes, then the whole line: most long lines have a
    // '/' somewhere, short prefixes mostly do not.
    for (size_t len = 0; len <= 48 && len <= line.size(); ++len) {
      const std::string_view s = std::string_view(line).substr(0, len);
      ASSERT_EQ(HasSlashOrCopyright(s), HasSlashOrCopyrightScalar(s)) << s;
    }
    const bool hit = HasSlashOrCopyright(line);
    ASSERT_EQ(hit, HasSlashOrCopyrightScalar(line)) << line;
    found += hit;
  }
  EXPECT_GT(found, 0u);
}

TEST(BoilerplateFilter, VectorisedAndScalarNewlinesAgree) {
  std::vector<uint32_t> a, b;
  for (const std::string& text : RealTexts()) {
    for (size_t cut = 0; cut <= 16 && cut <= text.size(); ++cut) {
      const std::string_view s = std::string_view(text).substr(cut);
      FindNewlines(s, &a);
      FindNewlinesScalar(s, &b);
      ASSERT_EQ(a, b);
    }
  }
}

}  // namespace
}  // namespace storyline::text_internal
