// Copyright storyline authors.
#include "storyline/extract.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "extract/charset.h"
#include "extract/dom.h"
#include "extract/metadata.h"

namespace storyline {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Encodes UTF-8 `s` into `charset` with ICU (so the test pages are real bytes
// in that encoding, not hand-typed escapes).
std::string Encode(const std::string& s, const char* charset) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(s);
  UErrorCode err = U_ZERO_ERROR;
  UConverter* conv = ucnv_open(charset, &err);
  EXPECT_TRUE(U_SUCCESS(err)) << charset;
  std::string out(static_cast<size_t>(u.length()) * 4 + 16, '\0');
  int32_t n = ucnv_fromUChars(conv, out.data(), static_cast<int32_t>(out.size()), u.getBuffer(),
                              u.length(), &err);
  ucnv_close(conv);
  EXPECT_TRUE(U_SUCCESS(err));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string Page(const std::string& head, const std::string& body) {
  return "<!DOCTYPE html><html><head>" + head + "</head><body>" + body + "</body></html>";
}

ExtractedPage MustExtract(const std::string& html, const ExtractOptions& opt = {},
                          std::string_view ctype = "", std::string_view url = "") {
  auto r = ExtractArticle(html, opt, ctype, url);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : ExtractedPage();
}

const char kGerman[] =
    "Die Straßenbahn fährt über die Brücke. Größere Umbauten sind für nächstes Jahr geplant, "
    "sagte die Sprecherin der Verkehrsbetriebe am Montag „ohne Verzögerung“ – so der Plan.";
const char kPolish[] =
    "Zażółć gęślą jaźń: władze miasta ogłosiły, że remont mostu potrwa dłużej, niż "
    "zakładano, a objazdy zostaną utrzymane do końca października.";
const char kJapanese[] =
    "東京都は二十五日、新しい路面電車の路線を発表した。工事は来年の春に始まり、"
    "完成は三年後の予定だという。関係者によると、費用は約百億円に上る見通しだ。"
    "沿線の住民からは、騒音や交通渋滞を心配する声も上がっている。";

TEST(Charset, Windows1252DeclaredInMetaComesOutRight) {
  std::string html = Encode(Page("<meta charset=\"windows-1252\"><title>T</title>",
                                 std::string("<article><p>") + kGerman + "</p></article>"),
                            "windows-1252");
  ASSERT_EQ(html.find("\xC3\xA4"), std::string::npos);  // really not UTF-8
  EXPECT_THAT(MustExtract(html).text, HasSubstr(kGerman));
}

TEST(Charset, Iso88592FromTheHttpHeaderComesOutRight) {
  std::string html =
      Encode(Page("<title>T</title>", std::string("<article><p>") + kPolish + "</p></article>"),
             "ISO-8859-2");
  EXPECT_THAT(MustExtract(html, {}, "text/html; charset=ISO-8859-2").text, HasSubstr(kPolish));
}

TEST(Charset, ShiftJisDeclaredInHttpEquivComesOutRight) {
  std::string html =
      Encode(Page("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\">",
                  std::string("<article><p>") + kJapanese + "</p></article>"),
             "Shift_JIS");
  EXPECT_THAT(MustExtract(html).text, HasSubstr(kJapanese));
}

TEST(Charset, UndeclaredShiftJisIsDetected) {
  std::string body;
  for (int i = 0; i < 3; ++i) body += std::string("<p>") + kJapanese + "</p>";
  std::string html = Encode(Page("", "<article>" + body + "</article>"), "Shift_JIS");
  EXPECT_THAT(MustExtract(html).text, HasSubstr(kJapanese));
}

TEST(Charset, UndeclaredWindows1252IsDetected) {
  std::string html = Encode(
      Page("", std::string("<article><p>") + kGerman + "</p><p>" + kGerman + "</p></article>"),
      "windows-1252");
  EXPECT_THAT(MustExtract(html).text, HasSubstr(kGerman));
}

TEST(Charset, Iso88591LabelIsReadAsWindows1252) {
  // Browsers read ISO-8859-1 as Windows-1252: 0x93/0x94 are curly quotes.
  std::string html = Page("<meta charset=iso-8859-1>",
                          "<article><p>Er sagte \x93Hallo\x94 und ging nach Hause, "
                          "weil es schon sp\xE4t war und der Zug bald fuhr.</p></article>");
  EXPECT_THAT(MustExtract(html).text, HasSubstr("Er sagte \u201CHallo\u201D"));
}

TEST(Charset, Utf8BomIsDroppedAndDeclaredCharsetIgnored) {
  std::string html =
      "\xEF\xBB\xBF" +
      Page("<meta charset=windows-1252>", std::string("<article><p>") + kGerman + "</p></article>");
  EXPECT_THAT(MustExtract(html).text, HasSubstr(kGerman));
}

// ---- Extraction -------------------------------------------------------------

const char kArticleP1[] =
    "The city council voted on Tuesday to expand the tram network, adding three new lines "
    "that will connect the northern suburbs with the harbour district by 2027.";
const char kArticleP2[] =
    "Officials said the project, which will cost about 400 million euros, is the largest "
    "investment in public transport in the city's history, and construction starts in spring.";
const char kArticleP3[] =
    "Residents along the planned routes have raised concerns about noise, parking and years of "
    "roadworks, but a majority of those surveyed supported the plan.";

std::string NewsPage() {
  return Page(
      "<title>Council expands tram network | Harbour Times</title>"
      "<meta property=\"og:site_name\" content=\"Harbour Times\">"
      "<link rel=\"canonical\" href=\"https://harbourtimes.example/2023/09/25/trams\">"
      "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\","
      "\"@type\":\"NewsArticle\",\"headline\":\"Council expands tram network\","
      "\"author\":{\"@type\":\"Person\",\"name\":\"Jane Doe\"},"
      "\"datePublished\":\"2023-09-25T08:15:00+02:00\","
      "\"publisher\":{\"@type\":\"Organization\",\"name\":\"Harbour Times\"}}</script>",
      "<header><nav><ul><li><a href=/>Home</a></li><li><a href=/news>News</a></li>"
      "<li><a href=/sport>Sport</a></li></ul></nav></header>"
      "<div class=\"cookie-banner\"><p>We use cookies to improve your experience on our "
      "website. By continuing you agree to our cookie policy.</p></div>"
      "<main><article><h1>Council expands tram network</h1>"
      "<div class=\"share-bar\"><a href=#>Share on Facebook</a> <a href=#>Tweet</a></div>"
      "<div class=\"article-body\"><p>" +
          std::string(kArticleP1) + "</p><p>" + kArticleP2 + "</p><h2>Concerns</h2><p>" +
          kArticleP3 +
          "</p></div>"
          "<div class=\"related-articles\"><h3>Related</h3><ul>"
          "<li><a href=/a>Bus fares to rise next year as operator cites fuel costs</a></li>"
          "<li><a href=/b>New cycle lanes open along the river promenade</a></li></ul></div>"
          "<section id=\"comments\" class=\"comments\"><h3>Comments</h3>"
          "<div class=\"comment\"><p>Finally! I have waited for this tram line for twenty "
          "years, and it is about time the council did something.</p></div></section>"
          "</article></main>"
          "<div class=\"newsletter-signup\"><p>Subscribe to our newsletter to get the best "
          "stories of the week delivered to your inbox every Friday.</p></div>"
          "<footer><p>Copyright 2023 Harbour Times. All rights reserved. Imprint, privacy "
          "policy and terms of use.</p></footer>");
}

TEST(Extract, KeepsTheArticleParagraphsInReadingOrder) {
  ExtractedPage p = MustExtract(NewsPage());
  size_t a = p.text.find(kArticleP1), b = p.text.find(kArticleP2), c = p.text.find(kArticleP3);
  ASSERT_NE(a, std::string::npos) << p.text;
  ASSERT_NE(b, std::string::npos) << p.text;
  ASSERT_NE(c, std::string::npos) << p.text;
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_THAT(p.text, HasSubstr(std::string(kArticleP1) + "\n" + kArticleP2));
}

TEST(Extract, DropsNavigationBannersShareBarsRelatedListsNewslettersAndFooters) {
  ExtractedPage p = MustExtract(NewsPage());
  EXPECT_THAT(p.text, Not(HasSubstr("Home")));
  EXPECT_THAT(p.text, Not(HasSubstr("cookies")));
  EXPECT_THAT(p.text, Not(HasSubstr("Share on Facebook")));
  EXPECT_THAT(p.text, Not(HasSubstr("Bus fares")));
  EXPECT_THAT(p.text, Not(HasSubstr("newsletter")));
  EXPECT_THAT(p.text, Not(HasSubstr("Copyright")));
}

TEST(Extract, DropsCommentsUnlessAsked) {
  EXPECT_THAT(MustExtract(NewsPage()).text, Not(HasSubstr("waited for this tram")));
  ExtractOptions opt;
  opt.include_comments = true;
  EXPECT_THAT(MustExtract(NewsPage(), opt).text, HasSubstr("waited for this tram"));
}

TEST(Extract, ReadsMetadataFromJsonLdMetaAndLinks) {
  ExtractedPage p = MustExtract(NewsPage(), {}, "", "https://harbourtimes.example/x?utm=1");
  EXPECT_EQ(p.title, "Council expands tram network");
  EXPECT_EQ(p.author, "Jane Doe");
  EXPECT_EQ(p.published, "2023-09-25T08:15:00+02:00");
  EXPECT_EQ(p.published_ts, *ParseDateTime("2023-09-25T06:15:00Z"));
  EXPECT_EQ(p.site, "Harbour Times");
  EXPECT_EQ(p.url, "https://harbourtimes.example/2023/09/25/trams");
}

TEST(Extract, LanguageComesFromTheHtmlLangAttribute) {
  std::string html = "<html lang=\"de-AT\"><body><article><p>" + std::string(kGerman) +
                     "</p></article></body></html>";
  EXPECT_EQ(MustExtract(html).lang, "de");
}

TEST(Extract, TitleDropsTheSiteNameFromTheTitleElement) {
  std::string html = Page(
      "<title>Tram plan approved - Harbour Times</title>"
      "<meta property=og:site_name content=\"Harbour Times\">",
      std::string("<div><p>") + kArticleP1 + "</p></div>");
  EXPECT_EQ(MustExtract(html).title, "Tram plan approved");
}

TEST(Extract, TablesRowsAndListsComeOutAsText) {
  std::string html = Page("", std::string("<article><p>") + kArticleP1 +
                                  "</p><table><tr><td>Line 7</td><td>Harbour to Northgate, "
                                  "opening 2026</td></tr></table><ul><li>Three new lines "
                                  "across the city</li></ul><p>" +
                                  kArticleP2 + "</p></article>");
  ExtractedPage p = MustExtract(html);
  EXPECT_THAT(p.text, HasSubstr("Harbour to Northgate, opening 2026"));
  EXPECT_THAT(p.text, HasSubstr("Three new lines across the city"));
}

TEST(Extract, FallsBackToAllParagraphsWhenNoContainerStandsOut) {
  // Paragraphs scattered in table cells of a layout table.
  std::string html =
      Page("", std::string("<table><tr><td><b>") + kArticleP1 + "</b></td></tr><tr><td><i>" +
                   kArticleP2 + "</i></td></tr></table>");
  ExtractedPage p = MustExtract(html);
  EXPECT_THAT(p.text, HasSubstr(kArticleP1));
  EXPECT_THAT(p.text, HasSubstr(kArticleP2));
}

TEST(Extract, PageWhollyInsideNoscriptIsReadThere) {
  std::string html = Page("", std::string("<noscript><div id=\"page\"><h1>Bears</h1><p>") +
                                  kArticleP1 + "</p><p>" + kArticleP2 +
                                  "</p></div></noscript>"
                                  "<div id=\"app\"></div>");
  ExtractedPage p = MustExtract(html);
  EXPECT_THAT(p.text, HasSubstr(kArticleP1));
  EXPECT_THAT(p.text, HasSubstr(kArticleP2));
}

TEST(Extract, MainThatBrokenNestingPutInsideABannerIsKept) {
  // An unclosed <header role="banner"> swallows the page.
  std::string html = Page("", std::string("<header role=\"banner\"><a href=/>Site</a>"
                                          "<main><article><p>") +
                                  kArticleP1 + "</p><p>" + kArticleP2 + "</p></article></main>");
  ExtractedPage p = MustExtract(html);
  EXPECT_THAT(p.text, HasSubstr(kArticleP1));
  EXPECT_THAT(p.text, HasSubstr(kArticleP2));
  // Without <main> inside, a banner is still left out.
  std::string banner = Page("", std::string("<div role=\"banner\"><p>") + kArticleP3 +
                                    "</p></div><article><p>" + kArticleP1 + "</p></article>");
  EXPECT_THAT(MustExtract(banner).text, Not(HasSubstr(kArticleP3)));
}

TEST(Extract, CharacterReferencesInJsonLdAreDecoded) {
  std::string html = Page(
      "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":"
      "\"Olive &#038; Herb &#8211; Wohngew&#x00E4;chshaus &quot;neu&quot;\",\"author\":"
      "{\"name\":\"Lindsey O&#039;Donnell\"}}</script>",
      std::string("<article><p>") + kArticleP1 + "</p></article>");
  ExtractedPage p = MustExtract(html);
  EXPECT_EQ(p.title, "Olive & Herb – Wohngewächshaus \"neu\"");
  EXPECT_EQ(p.author, "Lindsey O'Donnell");
}

// ---- The pre-pass before gumbo ---------------------------------------------

// The first node of `dom` with tag `t` (-1 when none).
int FirstTag(const internal::Dom& dom, GumboTag t) {
  for (size_t i = 0; i < dom.size(); ++i) {
    if (!dom[i].is_text && dom[i].tag == t) return static_cast<int>(i);
  }
  return -1;
}

// The text under element i, text nodes joined.
std::string TextUnder(const internal::Dom& dom, int i) {
  std::string out;
  for (int k = i + 1; k < dom[i].end; ++k) out += std::string(dom.Text(k));
  return out;
}

TEST(PrePass, ScriptBodyIsGivenBackAsWritten) {
  const std::string body =
      "{\"@type\":\"NewsArticle\",\"headline\":\"Tram <b>lines</b> & </div> grow\"}";
  internal::Dom dom;
  dom.Parse("<html><head><script type=\"application/ld+json\">" + body +
            "</script></head><body><p>Text</p></body></html>");
  int script = FirstTag(dom, GUMBO_TAG_SCRIPT);
  ASSERT_GE(script, 0);
  EXPECT_EQ(TextUnder(dom, script), body);
  ExtractedPage p = MustExtract(Page("<script type=\"application/ld+json\">" + body + "</script>",
                                     std::string("<article><p>") + kArticleP1 + "</p></article>"));
  EXPECT_EQ(p.title, "Tram <b>lines</b> & </div> grow");
}

TEST(PrePass, EscapedScriptEndsWhereTheHtml5TokenizerSaysSo) {
  // Inside "<!--", a "<script>" hides the next "</script>" (script data double
  // escaped state), so the script ends at the second one.
  const std::string body = "<!-- document.write(\"<script>var a = 1;</script>\"); -->";
  internal::Dom dom;
  dom.Parse("<html><body><script>" + body + "</script><p>After</p></body></html>");
  int script = FirstTag(dom, GUMBO_TAG_SCRIPT);
  ASSERT_GE(script, 0);
  EXPECT_EQ(TextUnder(dom, script), body);
  int p = FirstTag(dom, GUMBO_TAG_P);
  ASSERT_GE(p, 0);
  EXPECT_EQ(TextUnder(dom, p), "After");
  // "</SCRIPT >" ends a script too; "</scripts>" does not.
  dom.Parse("<html><body><script>a = '</scripts>';</SCRIPT ><p>Next</p></body></html>");
  script = FirstTag(dom, GUMBO_TAG_SCRIPT);
  ASSERT_GE(script, 0);
  EXPECT_EQ(TextUnder(dom, script), "a = '</scripts>';");
  EXPECT_GE(FirstTag(dom, GUMBO_TAG_P), 0);
}

TEST(PrePass, CommentsAndStyleBodiesGoTheTextAroundThemStays) {
  internal::Dom dom;
  dom.Parse(
      "<html><head><style>p { color: red } </style></head><body>"
      "<p>one<!-- <p>hidden</p> -->two<!---->three<!-->four</p></body></html>");
  int style = FirstTag(dom, GUMBO_TAG_STYLE);
  ASSERT_GE(style, 0);
  EXPECT_EQ(TextUnder(dom, style), "");
  int p = FirstTag(dom, GUMBO_TAG_P);
  ASSERT_GE(p, 0);
  EXPECT_EQ(TextUnder(dom, p), "onetwothreefour");
  EXPECT_EQ(dom[p].end, dom.size());  // the commented-out <p> is not an element
}

TEST(PrePass, QuotedGreaterThanInAnAttributeDoesNotEndTheTag) {
  internal::Dom dom;
  dom.Parse(
      "<html><body><div data-x=\"a > b <script>\" class='x>y'>Text</div>"
      "<style data-y=\">\">p{}</style></body></html>");
  int div = FirstTag(dom, GUMBO_TAG_DIV);
  ASSERT_GE(div, 0);
  EXPECT_EQ(dom.Attr(div, "class"), "x>y");
  EXPECT_EQ(TextUnder(dom, div), "Text");
  EXPECT_EQ(FirstTag(dom, GUMBO_TAG_SCRIPT), -1);
}

TEST(PrePass, BodiesItCannotBeSureOfAreLeftAsTheyAre) {
  // Inside <svg>, "<style/>" closes itself and <style> is not raw text, so
  // neither may swallow what follows up to a later </style>.
  for (const char* svg : {"<svg><style/></svg>", "<svg><style>.a{}</svg>",
                          "<svg><![CDATA[ a > b <script> ]]></svg>"}) {
    internal::Dom dom;
    dom.Parse(std::string("<html><body>") + svg +
              "<p>After</p><style>p{}</style><script>x = 1;</script></body></html>");
    int p = FirstTag(dom, GUMBO_TAG_P);
    ASSERT_GE(p, 0) << svg;
    EXPECT_EQ(TextUnder(dom, p), "After") << svg;
  }
  // A script without an end tag runs to the end of the page, as in HTML.
  internal::Dom dom;
  dom.Parse("<html><body><p>Before</p><script>var a = '<p>not markup</p>';");
  int script = FirstTag(dom, GUMBO_TAG_SCRIPT);
  ASSERT_GE(script, 0);
  EXPECT_EQ(TextUnder(dom, script), "var a = '<p>not markup</p>';");
}

TEST(PrePass, AttributesExtractionReadsAreKeptOthersDropped) {
  internal::Dom dom;
  dom.Parse(
      "<html lang=\"de\"><head><link rel=\"canonical\" href=\"https://x.example/a\">"
      "</head><body><a href=\"/b\" class=\"c\" data-track=\"{...}\">link</a>"
      "<img src=\"data:image/png;base64,AAAA\" srcset=\"x 1x\" alt=\"pic\"></body></html>");
  int link = FirstTag(dom, GUMBO_TAG_LINK), a = FirstTag(dom, GUMBO_TAG_A),
      img = FirstTag(dom, GUMBO_TAG_IMG), html = FirstTag(dom, GUMBO_TAG_HTML);
  ASSERT_GE(link, 0);
  ASSERT_GE(a, 0);
  ASSERT_GE(img, 0);
  EXPECT_EQ(dom.Attr(html, "lang"), "de");
  EXPECT_EQ(dom.Attr(link, "href"), "https://x.example/a");
  EXPECT_EQ(dom.Attr(link, "rel"), "canonical");
  EXPECT_EQ(dom.Attr(a, "class"), "c");
  EXPECT_EQ(dom.Attr(a, "href"), "");
  EXPECT_EQ(dom.Attr(a, "data-track"), "");
  EXPECT_EQ(dom.Attr(img, "src"), "");
  EXPECT_EQ(TextUnder(dom, a), "link");
}

// ---- Dates ------------------------------------------------------------------

TEST(Dates, MetaPublishedTimeIsUsed) {
  std::string html = Page("<meta property=\"article:published_time\" content=\"2021-03-04\">",
                          std::string("<article><p>") + kArticleP1 + "</p></article>");
  EXPECT_EQ(MustExtract(html).published, "2021-03-04");
}

TEST(Dates, TimeElementIsUsed) {
  std::string html = Page("", std::string("<article><time datetime=\"2020-02-29\" pubdate>"
                                          "29 Feb</time><p>") +
                                  kArticleP1 + "</p></article>");
  EXPECT_EQ(MustExtract(html).published, "2020-02-29");
}

TEST(Dates, UrlDateIsUsedWhenThePageHasNone) {
  std::string html = Page("", std::string("<article><p>") + kArticleP1 + "</p></article>");
  EXPECT_EQ(MustExtract(html, {}, "", "https://x.example/2019/07/14/story").published,
            "2019-07-14");
}

TEST(Dates, TextDatesInManyLanguagesAreFound) {
  EXPECT_EQ(
      internal::FindDate("Veröffentlicht am 25. September 2023 um 8 Uhr", DateOrder::kMonthFirst),
      "2023-09-25");
  EXPECT_EQ(internal::FindDate("Posted on September 25, 2023 by Jane", DateOrder::kMonthFirst),
            "2023-09-25");
  EXPECT_EQ(internal::FindDate("am 03.10.2022", DateOrder::kMonthFirst), "2022-10-03");
  EXPECT_EQ(internal::FindDate("publié le 5 mars 2021", DateOrder::kMonthFirst), "2021-03-05");
  EXPECT_EQ(internal::FindDate("12 de octubre de 2020", DateOrder::kMonthFirst), "2020-10-12");
  EXPECT_EQ(internal::FindDate("7 września 2019", DateOrder::kMonthFirst), "2019-09-07");
  EXPECT_EQ(internal::FindDate("no date here, only 42 and 2023", DateOrder::kMonthFirst), "");
  EXPECT_EQ(internal::FindDate("31.02.2020", DateOrder::kMonthFirst), "");  // not a day
}

TEST(Dates, RussianAndUkrainianMonthNamesAreRead) {
  EXPECT_EQ(internal::FindDate("15 августа 2016, 13:43", DateOrder::kMonthFirst), "2016-08-15");
  EXPECT_EQ(internal::FindDate("3 листопада 2021", DateOrder::kMonthFirst), "2021-11-03");
}

TEST(Dates, UrlDatesWithMonthNamesOrDayFirstAreRead) {
  EXPECT_EQ(internal::DateFromUrl("https://x.example/education/2020/oct/02/halls-too-full"),
            "2020-10-02");
  EXPECT_EQ(internal::DateFromUrl("https://x.example/meldungen/29-10-2021"), "2021-10-29");
  EXPECT_EQ(internal::DateFromUrl("https://x.example/a/12-34-2021"), "");
}

TEST(Dates, SlashedDatesAreDayFirstInBritishEnglishAndMonthFirstInAmerican) {
  const std::string body = std::string("<article><span class=\"time\">02/10/2020</span><p>") +
                           kArticleP1 + "</p></article>";
  auto page = [&](const char* lang) {
    return std::string("<!DOCTYPE html><html lang=\"") + lang + "\"><head></head><body>" + body +
           "</body></html>";
  };
  EXPECT_EQ(MustExtract(page("en-GB")).published, "2020-10-02");
  EXPECT_EQ(MustExtract(page("en-US")).published, "2020-02-10");
}

// ---- Bad input -------------------------------------------------------------

TEST(BadInput, TruncatedHtmlKeepsTheTextBeforeTheCut) {
  std::string html = NewsPage();
  std::string cut = html.substr(0, html.find(kArticleP3) + 40);
  ExtractedPage p = MustExtract(cut);
  EXPECT_THAT(p.text, HasSubstr(kArticleP2));
}

TEST(BadInput, PageNested200000LevelsDeepNeitherCrashesNorHangs) {
  std::string html = "<html><body>";
  for (int i = 0; i < 200000; ++i) html += "<div>";
  html += std::string("<p>") + kArticleP1 + "</p>";
  for (int i = 0; i < 200000; ++i) html += "</div>";
  html += "</body></html>";
  auto t0 = std::chrono::steady_clock::now();
  ExtractedPage p = MustExtract(html);
  EXPECT_THAT(p.text, HasSubstr(kArticleP1));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20));
}

TEST(BadInput, DeepUnclosedFormattingTagsNeitherCrashNorHang) {
  std::string html = "<html><body><p>";
  for (int i = 0; i < 100000; ++i) html += "<b><i><span>x";
  auto t0 = std::chrono::steady_clock::now();
  (void)ExtractArticle(html, {});
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(30));
}

TEST(BadInput, BinaryGarbageIsRejectedWithAReason) {
  std::mt19937 rng(7);
  std::string junk(size_t{64} * 1024, '\0');
  for (char& c : junk) c = static_cast<char>(rng());
  auto r = ExtractArticle(junk, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("binary"));
}

TEST(BadInput, PageWithoutTextIsRejectedWithAReason) {
  auto r = ExtractArticle("<html><body><nav><a href=/>Home</a></nav></body></html>", {});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("no article text"));
  EXPECT_FALSE(ExtractArticle("", {}).ok());
}

// ---- Real pages (trafilatura's evaluation corpus) ----------------------------

std::string ReadEvalPage(const std::string& name) {
  std::ifstream in(
      std::string(STORYLINE_SOURCE_DIR) + "/../shared/data/trafilatura-eval/html/" + name,
      std::ios::binary);
  if (!in) return "";
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(RealPages, SpanishNewsPageKeepsTheStoryAndDropsReadAlsoLinks) {
  std::string html = ReadEvalPage("2c1f41b0c9f4dd38.html");
  if (html.empty()) GTEST_SKIP() << "../shared/data/trafilatura-eval is absent";
  ExtractedPage p = MustExtract(html);
  EXPECT_THAT(p.text, HasSubstr("Nicaragua cerró 2021 con una deuda externa total de 14.372,4 "
                                "millones de dólares"));
  EXPECT_THAT(p.text, HasSubstr("servicios sociales, salud y educación (5,9 %), entre otras."));
  EXPECT_THAT(p.text, Not(HasSubstr("Lea también: Impiden ingreso a Nicaragua")));
}

TEST(RealPages, GermanBlogPostKeepsThePostAndDropsTheArchiveNotice) {
  // archiv.krimiblog.de/?p=2895 (gold date 2009-08-06).
  std::string html = ReadEvalPage("e1cb755aaceaf225.html");
  if (html.empty()) GTEST_SKIP() << "../shared/data/trafilatura-eval is absent";
  ExtractedPage p = MustExtract(html, {}, "", "http://archiv.krimiblog.de/?p=2895");
  EXPECT_EQ(p.published.substr(0, 10), "2009-08-06");
  EXPECT_THAT(p.text, HasSubstr("Okay, hat wieder nichts mit"));
  EXPECT_THAT(p.text, HasSubstr("Ergänzung 2: Glaubt man"));
  EXPECT_THAT(p.text, Not(HasSubstr("Dies ist das Archiv von krimiblog.de")));
  EXPECT_THAT(p.text, Not(HasSubstr("Leider sind keine Kommentare möglich.")));
  EXPECT_EQ(p.lang, "de");
}

}  // namespace
}  // namespace storyline
