// Copyright storyline authors.
//
// ExtractArticle: the main text of a web page, in the manner of readability
// and trafilatura (docs/extract.md "Extraction"; extractor.h lists the files):
//  1. decode to UTF-8 and parse with gumbo into a flat pre-order array;
//  2. clean: drop tags that never hold article text (script, nav, aside, forms
//     controls, ...) and elements whose class/id names boilerplate (share bars,
//     cookie banners, related lists, comments, ...);
//  3. cut the remaining text into paragraphs at block boundaries, each with its
//     link density and the block element that holds it;
//  4. score containers by the paragraphs under them (text length, commas, link
//     density, tag and class hints), pick the best and its related siblings;
//  5. keep the container's paragraphs that are not link lists; fall back to all
//     clean paragraphs of the page when the main rule finds little.
#include "extract/extractor.h"

#include <string>
#include <string_view>
#include <vector>

#include "extract/charset.h"
#include "extract/dom.h"
#include "extract/metadata.h"
#include "storyline/extract.h"

#ifdef STORYLINE_HAVE_TEXT
#include "storyline/text.h"
#endif

namespace storyline {
namespace internal {

std::string Extractor::Run() {
  Prepare();
  std::string best = ExtractRelaxingHints();
  if (has_noscript_ && CountChars(best) < kNoscriptRetryChars) {
    // Some pages put the whole page inside <noscript> (for readers without
    // scripts; gumbo parses it as markup): read it there.
    keep_noscript_ = true;
    std::string inside = ExtractRelaxingHints();
    if (CountChars(inside) > CountChars(best) * 2) best = std::move(inside);
  }
  return best;
}

std::string Extractor::ExtractRelaxingHints() {
  std::string best = Extract(/*use_hints=*/true);
  if (CountChars(best) < 500) {
    // The class hints may have removed the article's own wrapper.
    std::string relaxed = Extract(/*use_hints=*/false);
    if (CountChars(relaxed) > CountChars(best) * 2) best = std::move(relaxed);
  }
  return best;
}

namespace {

std::vector<std::string_view> SplitLines(std::string_view s) {
  std::vector<std::string_view> out;
  size_t p = 0;
  while (p <= s.size()) {
    size_t e = s.find('\n', p);
    if (e == std::string_view::npos) e = s.size();
    out.push_back(s.substr(p, e - p));
    p = e + 1;
  }
  return out;
}

// Runs of spaces, tabs, CR and form feeds as one space, none at the start.
std::string CollapseSpaces(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// The lines of `text` with spaces collapsed, empty ones left out.
std::string TidyLines(std::string_view text) {
  std::string body;
  for (std::string_view line : SplitLines(text)) {
    std::string t = CollapseSpaces(line);
    if (t.empty()) continue;
    if (!body.empty()) body.push_back('\n');
    body += t;
  }
  return body;
}

// True when the bytes look like binary data rather than text markup.
bool LooksBinary(std::string_view bytes) {
  if (bytes.size() >= 2 && ((static_cast<unsigned char>(bytes[0]) == 0xFF &&
                             static_cast<unsigned char>(bytes[1]) == 0xFE) ||
                            (static_cast<unsigned char>(bytes[0]) == 0xFE &&
                             static_cast<unsigned char>(bytes[1]) == 0xFF))) {
    return false;  // UTF-16 with a BOM
  }
  std::string_view head = bytes.substr(0, 4096);
  size_t control = 0;
  for (char ch : head) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f')) ++control;
  }
  return control * 20 > head.size();  // more than 5% control bytes
}

}  // namespace
}  // namespace internal

Result<ExtractedPage> ExtractArticle(std::string_view html, const ExtractOptions& options,
                                     std::string_view content_type, std::string_view url) {
  using namespace internal;  // NOLINT: this file's own helpers
  if (html.empty()) return Status::InvalidArgument("empty page");
  if (LooksBinary(html)) return Status::InvalidArgument("binary data, not an HTML page");
  std::string utf8 = DecodeToUtf8(html, content_type);
  Dom dom;
  dom.Parse(utf8);
  ExtractedPage page;
  PageMetadata meta = ExtractMetadata(dom, url);
  Extractor ex(dom, options);
  page.text = ex.Run();
  // Pages that render their text with scripts carry it in JSON-LD articleBody.
  if (!meta.jsonld_body.empty() && CountChars(page.text) * 2 < CountChars(meta.jsonld_body)) {
    std::string body = TidyLines(meta.jsonld_body);
    if (!body.empty()) page.text = std::move(body);
  }
  if (page.text.empty()) return Status::InvalidArgument("no article text found");
  page.url = !meta.canonical.empty() ? meta.canonical : std::string(url);
  page.title = std::move(meta.title);
  page.author = std::move(meta.author);
  page.site = std::move(meta.site);
  page.published = std::move(meta.published);
  if (!page.published.empty()) {
    if (auto t = ParseDateTime(page.published)) {
      page.published_ts = *t;
    } else if (auto d = ParseDateTime(page.published.substr(0, 10))) {
      page.published_ts = *d;
    }
  }
  page.lang = std::move(meta.lang);
#ifdef STORYLINE_HAVE_TEXT
  if (page.lang.empty()) page.lang = DetectLanguage(page.text);
#endif
  return page;
}

}  // namespace storyline
