// Copyright storyline authors.
//
// Decoding a web page's bytes to UTF-8 (docs/extract.md "Encodings").
#ifndef STORYLINE_EXTRACT_CHARSET_H_
#define STORYLINE_EXTRACT_CHARSET_H_

#include <string>
#include <string_view>

namespace storyline::internal {

// The charset a page declares: a BOM first, then the charset= of the HTTP
// `content_type`, then <meta charset> / <meta http-equiv> in the first bytes.
// Lower-case label as found ("utf-8", "windows-1252"), or "" when none.
std::string DeclaredCharset(std::string_view bytes, std::string_view content_type);

// Converts `bytes` to UTF-8: the declared charset when ICU knows it (ISO-8859-1
// and US-ASCII read as Windows-1252, as browsers do), else valid UTF-8 as is,
// else ICU's charset detector. A BOM is dropped; undecodable bytes become U+FFFD.
// *charset (optional) receives the charset used.
std::string DecodeToUtf8(std::string_view bytes, std::string_view content_type,
                         std::string* charset = nullptr);

// True when `s` is well-formed UTF-8.
bool IsValidUtf8(std::string_view s);

}  // namespace storyline::internal

#endif  // STORYLINE_EXTRACT_CHARSET_H_
