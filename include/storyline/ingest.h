// Copyright storyline authors.
//
// Reading articles: text files and folders, JSONL (plain, .gz, .zst), standard
// input, HTML pages and WARC archives, as ../INTERFACE.md describes. Reading
// streams: memory does not grow with the size of a file.
//
//   storyline::IngestOptions opt;
//   auto reader = storyline::ArticleReader::Open({"feed.jsonl.gz", "pages/"}, opt);
//   if (!reader.ok()) return Fail(reader.status());
//   storyline::Article a;
//   while (true) {
//     storyline::Result<bool> more = (*reader)->Next(&a);
//     if (!more.ok()) return Fail(more.status());   // an input/output failure
//     if (!*more) break;                              // end of all inputs
//     Use(a);
//   }
//   // Bad records never stop the stream: they go to opt.on_reject.
#ifndef STORYLINE_INGEST_H_
#define STORYLINE_INGEST_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "storyline/article.h"
#include "storyline/status.h"

namespace storyline {

// One record that could not be made into an article.
struct Rejection {
  std::string file;    // the input file ("-" for standard input)
  uint64_t line = 0;   // 1-based line (JSONL), record number (WARC), 0 for whole files
  std::string reason;  // e.g. "missing text", "unparsable JSON: ..."
  std::string raw;     // the record verbatim (possibly truncated to 1 MiB), for --rejects
};

struct IngestStats {
  uint64_t accepted = 0;
  uint64_t rejected = 0;
  uint64_t utf8_repaired = 0;      // records whose invalid UTF-8 was repaired
  uint64_t mojibake_repaired = 0;  // records whose mojibake was undone
  uint64_t bytes_read = 0;         // compressed bytes consumed so far
  uint64_t unparsed_dates = 0;     // accepted records whose `published` could not be
                                   // parsed (kept as given, published_ts = kNoTime)
};

struct IngestOptions {
  // JSONL field names (INTERFACE.md: --text-field body etc.).
  std::string id_field = "id";
  std::string title_field = "title";
  std::string text_field = "text";
  std::string url_field = "url";
  std::string source_field = "source";
  std::string published_field = "published";  // "date" is accepted as well
  std::string lang_field = "lang";
  bool repair_mojibake = true;
  // For HTML and WARC inputs: keep reader comments in the extracted text.
  bool include_comments = false;
  // Called for every rejected record, in input order, on the calling thread.
  // When unset, rejections are only counted.
  std::function<void(const Rejection&)> on_reject;
};

// Streams the articles of a list of inputs in order. Not thread-safe: one thread
// calls Next(). Not copyable: it owns open files and decompressors.
class ArticleReader {
 public:
  // Expands folders (recursively, sorted by path so runs are reproducible;
  // hidden names and files of other types skipped) and checks that every input
  // exists. Returns NotFound / IoError naming the path when one does not, and
  // InvalidArgument for a named file of an unknown type. "-" means JSONL on
  // standard input; a named pipe is read as JSONL too. Whether JSONL is gzip or
  // zstd is told from its first bytes. Rules: docs/ingest.md.
  static Result<std::unique_ptr<ArticleReader>> Open(const std::vector<std::string>& inputs,
                                                     IngestOptions options);
  // JSONL read from the open descriptor `fd` (a pipe, a socket, standard input),
  // which the reader does not close; `name` stands for it in rejections and
  // origin_file. Never fails to open; read errors come from Next().
  static std::unique_ptr<ArticleReader> OpenStream(int fd, std::string name, IngestOptions options);
  // JSONL held in memory (e.g. an HTTP request body); `name` as for OpenStream.
  static std::unique_ptr<ArticleReader> OpenBuffer(std::string jsonl, std::string name,
                                                   IngestOptions options);
  virtual ~ArticleReader() = default;
  ArticleReader(const ArticleReader&) = delete;
  ArticleReader& operator=(const ArticleReader&) = delete;

  // Fills *out with the next accepted article and returns true; false at the end
  // of all inputs. A bad record is reported through on_reject and skipped.
  // A non-ok Result means an input could not be read at all (a message names it).
  virtual Result<bool> Next(Article* out) = 0;

  virtual const IngestStats& stats() const = 0;
  // Total size in bytes of all file inputs (0 for standard input): with
  // stats().bytes_read it drives progress bars and ETAs.
  virtual uint64_t total_bytes() const = 0;

 protected:
  ArticleReader() = default;
};

// Reads every article of `inputs` into memory. Convenience for small inputs and
// tests; rejects are reported as in ArticleReader.
Result<std::vector<Article>> ReadAllArticles(const std::vector<std::string>& inputs,
                                             const IngestOptions& options);

}  // namespace storyline

#endif  // STORYLINE_INGEST_H_
