// Copyright storyline authors.
#include "storyline/outlet.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/test_files.h"
#include "storyline/text.h"

namespace storyline {
namespace {

using testing_files::ReadFile;

// A seed as ingest reads a .txt file: the first non-empty line is the title, the
// text everything after it from the first non-blank line on.
Article LoadSeed(const std::string& name) {
  Article a;
  a.id = name;
  a.origin_file = std::string(STORYLINE_SOURCE_DIR) + "/demo/" + name + ".txt";
  std::string file = ReadFile(a.origin_file);
  size_t b = file.find_first_not_of(" \t\r\n");
  size_t e = file.find('\n', b);
  a.title = file.substr(b, e - b);
  size_t t = file.find_first_not_of(" \t\r\n", e);
  a.text = t == std::string::npos ? "" : file.substr(t);
  return a;
}

// ../shared/seeds/README.md names each seed's outlet; each names itself in its own
// boilerplate, except 001, which carries no line naming its site.
TEST(Outlet, SeedsNameTheOutletsTheReadmeGives) {
  struct Case {
    std::string seed, outlet, credit;
  };
  const std::vector<Case> cases = {
      {"002_fe51a37dbb415eaa", "The NRI Nation", "Reuters"},
      {"000_ccb038054484d1e6", "BNN Breaking", ""},
      {"003_fc802517088b5e08", "Newslex Point", ""},
      {"004_a62b8a648886d1d4", "Youth Diplomacy Forum", ""},
      {"001_c28f1e39ad1e51fe", "", ""},
  };
  for (const Case& c : cases) {
    Outlet o = OutletOf(LoadSeed(c.seed));
    EXPECT_EQ(o.source, c.outlet) << c.seed;
    EXPECT_EQ(o.evidence, c.outlet.empty() ? "" : "boilerplate") << c.seed;
    EXPECT_EQ(o.credit, c.credit) << c.seed;
  }
}

TEST(Outlet, AnExplicitSourceStaysTheOutlet) {
  Article a = LoadSeed("002_fe51a37dbb415eaa");
  a.source = "Reuters";
  a.url = "https://www.mynrination.com/north-korea";
  Outlet o = OutletOf(a);
  EXPECT_EQ(o.source, "Reuters");
  EXPECT_EQ(o.evidence, "input");
  a.origin_file = "page.html";  // the page readers take `source` from page metadata
  EXPECT_EQ(OutletOf(a).evidence, "page metadata");
}

TEST(Outlet, TheUrlDomainComesBeforeBoilerplate) {
  Article a = LoadSeed("000_ccb038054484d1e6");
  a.url = "https://bnnbreaking.com/world/north-korea-defends";
  Outlet o = OutletOf(a);
  EXPECT_EQ(o.source, "bnnbreaking.com");
  EXPECT_EQ(o.evidence, "url");
}

TEST(Outlet, UrlOutletKeepsTheRegistrableLookingName) {
  EXPECT_EQ(UrlOutlet("https://www.mynrination.com/2023/09/x"), "mynrination.com");
  EXPECT_EQ(UrlOutlet("http://news.bbc.co.uk/1/hi/world"), "bbc.co.uk");
  EXPECT_EQ(UrlOutlet("https://www.abc.net.au/news"), "abc.net.au");
  EXPECT_EQ(UrlOutlet("https://edition.cnn.com:443/a?b=c"), "cnn.com");
  EXPECT_EQ(UrlOutlet("https://example.org"), "example.org");
  EXPECT_EQ(UrlOutlet("http://127.0.0.1/x"), "");
  EXPECT_EQ(UrlOutlet("http://localhost/x"), "");
  EXPECT_EQ(UrlOutlet("hard::100noticias.com-millones.html"), "");
  EXPECT_EQ(UrlOutlet(""), "");
}

TEST(Outlet, WireCreditsInDatelinesAndCreditLines) {
  EXPECT_EQ(WireCredit("SEOUL (Reuters) - North Korea on Monday slammed ..."), "Reuters");
  EXPECT_EQ(WireCredit("Title\nWASHINGTON, Sept 25 (AP) \xE2\x80\x94 The Senate ..."), "AP");
  EXPECT_EQ(WireCredit("(EFE).- Nicaragua cerr\xC3\xB3 2021 con una deuda ..."), "EFE");
  EXPECT_EQ(WireCredit("BEIJING, Sept. 25 (Xinhua) -- China on Monday ..."), "Xinhua");
  EXPECT_EQ(WireCredit("Body.\nMore body.\n(Reporting by Jane Roe for AFP)\n"), "AFP");
  EXPECT_EQ(WireCredit("Body of the wire story.\n Reuter\n"), "Reuters");
  EXPECT_EQ(WireCredit("Body.\nWith inputs from PTI\n"), "PTI");
  EXPECT_EQ(WireCredit("Frankfurt/Main (dpa) - F\xC3\xBCr einen Roman ..."), "dpa");
  EXPECT_EQ(WireCredit("Foto: Markus Scholz/dpa\nHamburg (dpa/lno) \xE2\x80\x93 Trotz ..."), "dpa");
  EXPECT_EQ(WireCredit("Von David Hutzler, dpa\nNiedrige Zinsen ..."), "dpa");
  EXPECT_EQ(WireCredit("(Updates with Shell) OSLO, June 17 (Reuters) - Norway has ..."), "Reuters");
  EXPECT_EQ(WireCredit("Title\n\" TEL AVIV (Reuters) -\nIsrael presented on Monday ..."),
            "Reuters");
  EXPECT_EQ(WireCredit("Body.\nSp\xC3\xA4ter k\xC3\xBCndigte er es an. (dpa/gem)\n"), "dpa");
}

TEST(Outlet, AnAgencyQuotedInTheBodyIsNoCredit) {
  EXPECT_EQ(WireCredit("North Korea said in a piece carried by KCNA (KCNA) - a claim ..."), "");
  EXPECT_EQ(WireCredit("The minister told Reuters on Monday that talks (Reuters) failed."), "");
  EXPECT_EQ(WireCredit("Prices rose, according to AFP.\nThey fell later, AP said."), "");
  EXPECT_EQ(WireCredit("Leaders met. (Reporting by Jane Roe; Editing by John Doe)"), "");
  EXPECT_EQ(WireCredit("Body.\n(Foto: picture alliance/dpa)\nMore body.\n"), "");
}

// Reuters-21578: every story is Reuters' own and signs off "Reuter".
TEST(Outlet, ReutersStoriesCreditReuters) {
  std::ifstream in(std::string(STORYLINE_SOURCE_DIR) + "/../shared/data/reuters21578/data.jsonl");
  if (!in) GTEST_SKIP() << "../shared/data/reuters21578 absent";
  int n = 0, credited = 0, other = 0;
  for (std::string line; n < 500 && std::getline(in, line); ++n) {
    // The text field, unescaped enough for the sign-off: "\n" becomes a newline.
    size_t t = line.find("\"text\": \"");
    if (t == std::string::npos) continue;
    std::string text;
    for (size_t i = t + 9; i < line.size() && line[i] != '"'; ++i) {
      if (line[i] == '\\' && i + 1 < line.size()) {
        text += line[i + 1] == 'n' ? '\n' : line[i + 1];
        ++i;
      } else {
        text += line[i];
      }
    }
    std::string c = WireCredit(text);
    credited += c == "Reuters";
    other += !c.empty() && c != "Reuters";
  }
  EXPECT_GE(credited, n * 9 / 10) << credited << " of " << n;
  EXPECT_EQ(other, 0);
}

// A list page ending in a link to another site is not that site's.
TEST(Outlet, ALinkToAPageNamesNoOutlet) {
  Article a;
  a.title = "Finding files in Emacs";
  a.text =
      "Emacs can find files anywhere once you know where to look for them.\n"
      "recentf\n"
      "https://www.emacswiki.org/emacs/LocateFilesAnywhere\n";
  EXPECT_EQ(OutletOf(a).source, "");
}

TEST(Outlet, GenericPromptsNameNoOutlet) {
  Article a;
  a.title = "Markets";
  a.text =
      "Stocks rose on Monday as investors weighed the outlook for rates.\n"
      "Subscribe to our newsletter\n"
      "\xC2\xA9 2023 All rights reserved.\n";
  EXPECT_EQ(OutletOf(a).source, "");
  a.text =
      "Stocks rose on Monday as investors weighed the outlook for rates.\n"
      "\xC2\xA9 2023 Daily Planet Media Ltd. All rights reserved.\n";
  Outlet o = OutletOf(a);
  EXPECT_EQ(o.source, "Daily Planet Media");
  EXPECT_EQ(o.evidence, "boilerplate");
}

}  // namespace
}  // namespace storyline
