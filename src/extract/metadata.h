// Copyright storyline authors.
//
// Page metadata: title, author, published date, site name, language and
// canonical URL, from JSON-LD, <meta>, <time>, the URL and the text
// (docs/extract.md "Metadata").
#ifndef STORYLINE_EXTRACT_METADATA_H_
#define STORYLINE_EXTRACT_METADATA_H_

#include <string>
#include <string_view>

#include "extract/dom.h"
#include "extract/page_dates.h"  // FindDate, DateFromUrl

namespace storyline::internal {

struct PageMetadata {
  std::string title;
  std::string author;
  std::string published;  // ISO 8601: "YYYY-MM-DD" or the date-time as found
  std::string site;
  std::string lang;         // ISO 639-1 from the page's markup, "" when not declared
  std::string canonical;    // absolute URL, "" when not declared
  std::string jsonld_body;  // JSON-LD articleBody as given, "" when absent
};

// Reads the metadata of a parsed page. `url` (may be empty) gives a date from
// its path when nothing better is found. Slashed dates are read day-first when
// the page's <html lang> says so (any language but English, and English of
// countries that write the day first), month-first otherwise.
PageMetadata ExtractMetadata(const Dom& dom, std::string_view url);

// White space runs (and U+00A0) become one space; leading and trailing ones go.
std::string CollapseWhitespace(std::string_view s);

}  // namespace storyline::internal

#endif  // STORYLINE_EXTRACT_METADATA_H_
