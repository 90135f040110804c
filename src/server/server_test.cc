// The web files compiled into the server, and what paths can reach them.
#include "storyline/server.h"

#include <gtest/gtest.h>

#include <string>

namespace storyline {
namespace {

TEST(WebFiles, RootIsTheIndexPage) {
  const WebFile* f = FindWebFile("/");
  ASSERT_NE(f, nullptr);
  EXPECT_STREQ(f->name, "index.html");
  EXPECT_NE(std::string(reinterpret_cast<const char*>(f->data), f->size).find("/app.js"),
            std::string::npos);
}

TEST(WebFiles, ServesTheScriptAndStyleWithTheirTypes) {
  ASSERT_NE(FindWebFile("/app.js"), nullptr);
  EXPECT_NE(std::string(FindWebFile("/app.js")->mime).find("javascript"), std::string::npos);
  ASSERT_NE(FindWebFile("/style.css"), nullptr);
  EXPECT_NE(std::string(FindWebFile("/style.css")->mime).find("text/css"), std::string::npos);
}

TEST(WebFiles, NoPathReachesOutsideTheWebFolder) {
  for (const char* p : {"/../CMakeLists.txt", "/..%2fCMakeLists.txt", "/web/app.js", "//app.js",
                        "/app.js/", "/./app.js", "/etc/passwd", "/APP.JS", "app.js"}) {
    EXPECT_EQ(FindWebFile(p), nullptr) << p;
  }
}

}  // namespace
}  // namespace storyline
