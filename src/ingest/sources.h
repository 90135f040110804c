// Copyright storyline authors.
//
// The record sources behind ArticleReader: one per input file, each turning its
// bytes into articles and reporting bad records. Internal to src/ingest.
#ifndef STORYLINE_INGEST_SOURCES_H_
#define STORYLINE_INGEST_SOURCES_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "storyline/article.h"
#include "storyline/ingest.h"
#include "storyline/status.h"

namespace storyline::ingest {

inline constexpr size_t kMaxRawBytes = size_t{1} << 20;  // Rejection::raw cap

enum class InputKind { kText, kHtml, kJsonl, kJsonlGz, kJsonlZst, kWarc, kStdin, kFd, kBuffer };

// One input after Open() expanded folders.
struct InputFile {
  std::string path;  // as given (or "-", or the stream's name)
  InputKind kind = InputKind::kJsonl;
  std::string id;  // for whole-file inputs (.txt, .html): the article id
  uint64_t size = 0;
  int fd = -1;       // kFd
  std::string data;  // kBuffer
};

// What the sources share with the reader: the options, the counters and the
// reject callback.
class ReaderContext {
 public:
  explicit ReaderContext(IngestOptions options) : options_(std::move(options)) {}
  const IngestOptions& options() const { return options_; }
  IngestStats& stats() { return stats_; }
  const IngestStats& stats() const { return stats_; }
  // Counts a bad record and hands it to options().on_reject (raw capped at 1 MiB).
  void Reject(const std::string& file, uint64_t line, std::string reason, std::string_view raw);

 private:
  IngestOptions options_;
  IngestStats stats_;
};

// The articles of one input.
class RecordSource {
 public:
  virtual ~RecordSource() = default;
  // As ArticleReader::Next, for this input only (seq is left to the caller).
  virtual Result<bool> Next(Article* out) = 0;
  // Bytes of the input file consumed so far.
  virtual uint64_t consumed() const = 0;
};

// Moves a kBuffer input's data out of *in.
Result<std::unique_ptr<RecordSource>> OpenJsonlSource(InputFile* in, ReaderContext* ctx);
Result<std::unique_ptr<RecordSource>> OpenTextSource(const InputFile& in, ReaderContext* ctx);
// HTML pages and WARC archives: article extraction by src/extract.
Result<std::unique_ptr<RecordSource>> OpenHtmlSource(const InputFile& in, ReaderContext* ctx);
Result<std::unique_ptr<RecordSource>> OpenWarcSource(const InputFile& in, ReaderContext* ctx);

// Reads all of `path` into *out (whole-file inputs). `size_hint` reserves.
Status ReadWholeFile(const std::string& path, uint64_t size_hint, std::string* out,
                     uint64_t* consumed);

}  // namespace storyline::ingest

#endif  // STORYLINE_INGEST_SOURCES_H_
