// Copyright storyline authors.
//
// The article facts a page states in JSON-LD (<script type="application/ld+json">),
// for the page metadata (extract/metadata.h).
#ifndef STORYLINE_EXTRACT_JSONLD_H_
#define STORYLINE_EXTRACT_JSONLD_H_

#include <simdjson.h>

#include <string>
#include <string_view>

namespace storyline::internal {

// What the JSON-LD of a page says; every field "" when not stated.
struct JsonLdMeta {
  std::string title, author, published, modified, site, lang, body;
  bool found_article = false;  // an article object (not only a WebPage) was read
};

// Reads one JSON-LD script into *m, walking every object and array in it
// (at most 10000 values). An article object's fields (headline, author,
// datePublished, ...) replace those of a WebPage/ItemPage and fill what is still
// empty otherwise; a publisher's or site's name fills `site`. Strings come with
// character references decoded and white space collapsed. JSON that does not
// parse leaves *m unchanged.
void ReadJsonLd(std::string_view json, simdjson::dom::parser* parser, JsonLdMeta* m);

// Decodes the character references CMSs leave in JSON-LD strings ("&#8211;",
// "&#x00E4;", "&amp;", "&quot;", ...); other text, and references that do not
// name a Unicode scalar value, are copied as they are.
std::string DecodeEntities(std::string_view s);

}  // namespace storyline::internal

#endif  // STORYLINE_EXTRACT_JSONLD_H_
