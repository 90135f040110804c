// Copyright storyline authors.
//
// Splits a ByteSource into lines, holding only the current line and one chunk:
// memory follows the longest line, not the size of the stream.
#ifndef STORYLINE_INGEST_LINE_READER_H_
#define STORYLINE_INGEST_LINE_READER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "ingest/byte_source.h"
#include "storyline/status.h"

namespace storyline::ingest {

// Bytes readable (of unspecified value) after every line LineReader returns, so
// simdjson can parse the line in place.
inline constexpr size_t kLinePadding = 64;

// Not thread-safe; not copyable (owns its buffer).
class LineReader {
 public:
  enum class Event {
    kLine,   // *line is the next line, without "\n" or "\r\n"
    kEnd,    // the stream ended cleanly
    kError,  // the stream failed (error()); *line holds the incomplete bytes
             // read before the failure (possibly empty)
  };

  // Does not own `src`, which must outlive the reader.
  explicit LineReader(ByteSource* src, size_t chunk = kChunkSize);
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The view stays valid until the next call and has kLinePadding readable
  // bytes after it. Lines complete before a failure are all returned first.
  Event Next(std::string_view* line);
  // After kError, further calls return kEnd.
  // 1-based number of the line last returned (or of the incomplete one).
  uint64_t line_number() const { return line_no_; }
  // Why the stream failed after Event::kError.
  const Status& error() const { return error_; }
  // The first bytes of the stream (up to `n`, fewer when the stream is shorter),
  // without consuming them. Call before the first Next(). Errors are reported by
  // Next() afterwards.
  std::string_view Peek(size_t n);

 private:
  bool Fill();  // reads more; false at the end or on error

  ByteSource* src_;
  size_t chunk_;
  std::unique_ptr<char[]> buf_;
  size_t cap_ = 0;    // usable size; kLinePadding more bytes are allocated
  size_t begin_ = 0;  // start of the unread data
  size_t end_ = 0;    // end of the data read
  size_t scan_ = 0;   // no "\n" in [begin_, scan_)
  bool eof_ = false;
  bool error_reported_ = false;
  uint64_t line_no_ = 0;
  Status error_;
};

}  // namespace storyline::ingest

#endif  // STORYLINE_INGEST_LINE_READER_H_
