// Copyright storyline authors.
//
// Repairing damaged text on the way in: invalid UTF-8, mojibake (UTF-8 that was
// decoded as Windows-1252 or Latin-1 and encoded again), and telling text from
// binary data. Internal to the ingest module; docs/ingest.md states the rules.
#ifndef STORYLINE_INGEST_UTF8_REPAIR_H_
#define STORYLINE_INGEST_UTF8_REPAIR_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace storyline::ingest {

enum class Utf8Verdict {
  kValid,         // already valid UTF-8; nothing written
  kRepaired,      // *out holds a valid UTF-8 repair of the input
  kUnrepairable,  // mostly invalid: not text that a repair could save
};

// Makes `in` valid UTF-8. When `in` has no well-formed multi-byte UTF-8
// sequence at all, it is text in a legacy charset: decoded (ICU) from the one
// ICU's detector names when it is sure and the charset is not Western
// (Windows-1251, KOI8-R, Shift_JIS, GB18030...), else from Windows-1252.
// Otherwise every ill-formed sequence (maximal subpart) becomes U+FFFD, and
// the text is kUnrepairable when more than a quarter of its bytes (and more
// than 8) are ill-formed, as in binary data.
// *out is written only for kRepaired. Thread-safe.
Utf8Verdict RepairUtf8(std::string_view in, std::string* out);

// True when `s` is valid UTF-8 (simdjson's validator).
bool IsValidUtf8(std::string_view s);

// Undoes mojibake in valid UTF-8 text `*s`: each run of characters that are the
// Windows-1252 (or Latin-1) decoding of the bytes of one UTF-8 character, such as
// "Ã©" for "é", "â€™" for "’", "Ä±" for "ı", is replaced by that character when
// the bytes are well-formed UTF-8. Text that is not damaged is left alone (a
// lead character must be followed by exactly the continuation characters its
// UTF-8 length needs). Returns true when something was repaired. Thread-safe.
bool RepairMojibake(std::string* s);

// True when `sample` (the start of a file) looks like binary data rather than
// text: it holds a NUL byte, or more than 5% of its bytes are control
// characters other than tab, newline, carriage return, form feed and escape.
bool LooksBinary(std::string_view sample);

// True when every byte of `s` is ASCII.
bool IsAscii(std::string_view s);

}  // namespace storyline::ingest

#endif  // STORYLINE_INGEST_UTF8_REPAIR_H_
