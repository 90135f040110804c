// Copyright storyline authors.
//
// Web pages: article extraction from HTML, and reading WARC archives.
// (The contract the ingest module codes against; src/extract implements it.)
#ifndef STORYLINE_EXTRACT_H_
#define STORYLINE_EXTRACT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "storyline/article.h"
#include "storyline/status.h"

namespace storyline {

struct ExtractOptions {
  bool include_comments = false;  // keep reader comments in the text
};

// What extraction finds in one page. Every string is UTF-8; any may be empty.
struct ExtractedPage {
  std::string url;  // canonical URL when the page names one, else the given URL
  std::string title;
  std::string text;       // the article body: paragraphs separated by "\n"
  std::string published;  // ISO 8601 as found/normalised ("2023-09-25" or date-time)
  Timestamp published_ts = kNoTime;
  std::string author;
  std::string site;  // site or outlet name
  std::string lang;  // ISO 639-1
};

// Extracts the article from one HTML page given as raw bytes in any encoding
// (decoded from `content_type` — an HTTP Content-Type header value, may be empty —
// then <meta charset>, a BOM, or detection). `url` may be empty.
// Returns InvalidArgument with a reason when the bytes are not a page or no
// article text can be found. Thread-safe (no shared state).
Result<ExtractedPage> ExtractArticle(std::string_view html, const ExtractOptions& options,
                                     std::string_view content_type = "", std::string_view url = "");

// One HTTP response record of a WARC file that carries an HTML body.
struct WarcRecord {
  uint64_t number = 0;       // 1-based record number in the file (for messages)
  std::string target_uri;    // WARC-Target-URI
  std::string warc_date;     // WARC-Date (ISO 8601)
  std::string content_type;  // the HTTP Content-Type header of the response
  std::string body;          // the HTTP body (de-chunked, decompressed)
};

// The WARC-Date fallback: when `page` has no published date and `record` has a
// WARC-Date, page->published becomes that WARC-Date as the record writes it
// (ISO 8601) and page->published_ts stays kNoTime (parse it with ParseDateTime
// when a time is needed). The date the page was fetched stands in for the date
// it was published: a page is never published after it was fetched. Otherwise
// *page is left unchanged. Every reader of WARC pages (the ingest source,
// `storyline extract`, the Python module) applies it the same way.
void UseWarcDateIfUndated(const WarcRecord& record, ExtractedPage* page);

// Streams the HTML response records of a .warc or .warc.gz file, one gzip member
// at a time (memory does not grow with the file). Non-HTML and non-response
// records are skipped. Not thread-safe; not copyable (owns the file).
class WarcReader {
 public:
  // Opens `path` (gzip detected from its first bytes, whatever the name).
  // IoError naming the path when it cannot be opened.
  static Result<std::unique_ptr<WarcReader>> Open(const std::string& path);
  // Reads a WARC held in memory (plain or gzip); for tests and fuzzing.
  static Result<std::unique_ptr<WarcReader>> OpenBuffer(std::string bytes);
  virtual ~WarcReader() = default;
  WarcReader(const WarcReader&) = delete;
  WarcReader& operator=(const WarcReader&) = delete;

  // Fills *out and returns true; false at the end of the file. A damaged record
  // (wrong length, truncated) gives a non-ok Result naming the record number;
  // the caller may call Next() again to go on with the next readable record,
  // and gets false when nothing more can be read.
  virtual Result<bool> Next(WarcRecord* out) = 0;
  // Compressed bytes consumed so far.
  virtual uint64_t bytes_read() const = 0;
  // The 1-based number of the last record Next() looked at (every WARC record
  // counts, not only the HTML ones); names the record in error messages.
  virtual uint64_t record_number() const = 0;

 protected:
  WarcReader() = default;
};

}  // namespace storyline

#endif  // STORYLINE_EXTRACT_H_
