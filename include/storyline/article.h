// Copyright storyline authors.
//
// Article: one news article as storyline reads it, whatever the input format.
#ifndef STORYLINE_ARTICLE_H_
#define STORYLINE_ARTICLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace storyline {

// Seconds since 1970-01-01T00:00:00Z. kNoTime when unknown.
using Timestamp = int64_t;
inline constexpr Timestamp kNoTime = INT64_MIN;

struct Article {
  std::string id;         // unique within a run; from the input or a content hash
  std::string title;      // may be empty
  std::string text;       // the body as given (UTF-8, repaired); never empty when accepted
  std::string url;        // may be empty
  std::string source;     // outlet name; may be empty
  std::string published;  // as given in the input (ISO 8601), may be empty
  Timestamp published_ts = kNoTime;  // parsed from `published`, kNoTime when absent
  std::string lang;                  // ISO 639-1 when known, else empty
  std::string author;                // may be empty

  // Where it came from, for messages: the file (or "-") and the 1-based line
  // (the line of a JSONL record; 0 for a whole-file input such as .txt).
  std::string origin_file;
  uint64_t origin_line = 0;
  uint64_t seq = 0;  // 0-based position in the input stream
};

// Parses an ISO 8601 date ("2023-09-25") or date-time ("2023-09-25T08:15:00Z",
// "2023-09-25 08:15:00+09:00", fractional seconds allowed) into UTC seconds.
// Also accepts RFC 1123 ("Mon, 25 Sep 2023 08:15:00 GMT"). nullopt when unparsable.
std::optional<Timestamp> ParseDateTime(std::string_view s);

// Formats a timestamp as "YYYY-MM-DDTHH:MM:SSZ" ("" for kNoTime).
std::string FormatTimestamp(Timestamp t);
// Formats a timestamp as "YYYY-MM-DD" ("" for kNoTime).
std::string FormatDate(Timestamp t);

}  // namespace storyline

#endif  // STORYLINE_ARTICLE_H_
