// Copyright storyline authors.
//
// One JSONL record -> one Article, with the field mapping of IngestOptions and
// the repairs of docs/ingest.md. Internal to src/ingest.
#ifndef STORYLINE_INGEST_JSON_RECORD_H_
#define STORYLINE_INGEST_JSON_RECORD_H_

#include <simdjson.h>

#include <string>
#include <string_view>

#include "storyline/article.h"
#include "storyline/ingest.h"

namespace storyline::ingest {

// What became of one record.
struct RecordOutcome {
  bool accepted = false;
  std::string reason;          // why not, when !accepted
  bool utf8_repaired = false;  // invalid UTF-8 or a lone surrogate escape was repaired
  bool mojibake_repaired = false;
  bool unparsed_date = false;  // `published` given but not understood
};

// "h" + 16 lower-case hex digits of Hash64(title + "\n" + text, kContentSeed),
// both with runs of ASCII white space collapsed to one space and trimmed, so
// the same article re-wrapped gets the same id. A name for a record without an
// id, not a judgement of same content (that is ContentHash, storyline/text.h):
// records that differ in any visible character, or in title, get different ids.
std::string ContentId(std::string_view title, std::string_view text);

// True when `s` is empty or only ASCII white space.
bool IsBlank(std::string_view s);

// Parses JSONL records. Reuses its buffers across calls: not thread-safe, not
// copyable (the simdjson parser owns large buffers).
class JsonRecordParser {
 public:
  explicit JsonRecordParser(const IngestOptions& options);
  JsonRecordParser(const JsonRecordParser&) = delete;
  JsonRecordParser& operator=(const JsonRecordParser&) = delete;

  // REQUIRES: kLinePadding readable bytes after `line` (LineReader gives them).
  // Fills the content fields of *out (id, title, text, url, source, published,
  // published_ts, lang, author) when the record is accepted; leaves the origin
  // fields alone.
  RecordOutcome Parse(std::string_view line, Article* out);

 private:
  enum class Failure { kNone, kInvalidUtf8, kSyntax, kContent };
  // Parses one padded document; *failure says what kind of problem stopped it.
  RecordOutcome ParseDocument(const char* data, size_t len, Article* out, Failure* failure);

  const IngestOptions& options_;
  bool date_fallback_;  // also accept "date" for the published field
  simdjson::dom::parser parser_;
  std::string scratch_;  // a repaired copy of a line, padded
};

}  // namespace storyline::ingest

#endif  // STORYLINE_INGEST_JSON_RECORD_H_
