// Copyright storyline authors.
//
// A 100 MB page: extraction must finish in reasonable time and memory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "storyline/extract.h"

namespace storyline {
namespace {

TEST(BadInput, HundredMegabytePageFinishes) {
  const std::string para =
      "<p>The council voted on Tuesday to expand the tram network, adding three new lines "
      "that will connect the northern suburbs with the harbour district by 2027.</p>\n";
  std::string html = "<html><head><title>Big</title></head><body><article>";
  html.reserve(100u << 20);
  while (html.size() < (100u << 20)) html += para;
  html += "</article></body></html>";
  auto t0 = std::chrono::steady_clock::now();
  auto page = ExtractArticle(html, {});
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_GT(page->text.size(), 50u << 20);
  EXPECT_THAT(page->text.substr(0, 200), ::testing::HasSubstr("The council voted"));
  EXPECT_LT(secs, 120) << "a 100 MB page took " << secs << " s";
}

}  // namespace
}  // namespace storyline
