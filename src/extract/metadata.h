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
// its path when nothing better is found.
PageMetadata ExtractMetadata(const Dom& dom, std::string_view url);

// A date in free text or an attribute value: ISO ("2023-09-25", with or without
// time), "25.09.2023", "25. September 2023", "September 25, 2023", "25 Sep 2023",
// month names in English, German, French, Spanish, Italian, Dutch, Polish and
// Portuguese. Returns the normalised ISO string ("YYYY-MM-DD", or the ISO
// date-time when one was given) or "" when none is found.
std::string FindDate(std::string_view text);

// A date in a URL path (/2023/09/25/, /2023-09-25-, /20230925/), "" when none.
std::string DateFromUrl(std::string_view url);

}  // namespace storyline::internal

#endif  // STORYLINE_EXTRACT_METADATA_H_
