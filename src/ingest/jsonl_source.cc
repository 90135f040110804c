// Copyright storyline authors.
//
// JSONL inputs: plain, gzip, zstd, standard input, a descriptor or a buffer.
#include <unistd.h>

#include <cstring>

#include "ingest/byte_source.h"
#include "ingest/json_record.h"
#include "ingest/line_reader.h"
#include "ingest/sources.h"
#include "ingest/utf8_repair.h"

namespace storyline::ingest {
namespace {

constexpr size_t kSniffBytes = size_t{64} * 1024;  // looked at to tell binary from text

// A binary file, not JSONL with a damaged record: its first bytes look binary and
// its first line is not a JSON object. Binary records among JSON ones are
// rejected one by one, keeping the good records around them.
bool BinaryFile(std::string_view head) {
  if (!LooksBinary(head)) return false;
  size_t i = head.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  while (i < head.size() &&
         (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) {
    ++i;
  }
  return i == head.size() || head[i] != '{';
}

class JsonlSource final : public RecordSource {
 public:
  JsonlSource(std::string name, std::unique_ptr<ByteSource> bytes, ReaderContext* ctx)
      : name_(std::move(name)),
        bytes_(std::move(bytes)),
        lines_(bytes_.get()),
        parser_(ctx->options()),
        ctx_(ctx) {}

  Result<bool> Next(Article* out) override {
    if (done_) return false;
    if (!started_) {
      started_ = true;
      std::string_view head = lines_.Peek(kSniffBytes);
      if (BinaryFile(head)) {
        ctx_->Reject(name_, 0, "binary file (not text)", head);
        done_ = true;
        return false;
      }
    }
    IngestStats& stats = ctx_->stats();
    std::string_view line;
    while (true) {
      LineReader::Event ev = lines_.Next(&line);
      if (ev == LineReader::Event::kEnd) {
        done_ = true;
        if (!any_record_) ctx_->Reject(name_, 0, "empty file", "");
        return false;
      }
      if (ev == LineReader::Event::kError) {
        done_ = true;
        const Status& err = lines_.error();
        if (err.code() == Status::Code::kIoError) {
          return Status::IoError(name_ + ": " + err.message());
        }
        // A damaged or truncated stream: the complete records before it are kept.
        any_record_ = true;
        ctx_->Reject(name_, lines_.line_number(), err.message(), line);
        return false;
      }
      if (lines_.line_number() == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
      if (IsBlank(line)) continue;
      any_record_ = true;
      if (std::memchr(line.data(), 0, line.size()) != nullptr) {
        ctx_->Reject(name_, lines_.line_number(), "binary record (NUL bytes)", line);
        continue;
      }
      RecordOutcome r = parser_.Parse(line, out);
      if (!r.accepted) {
        ctx_->Reject(name_, lines_.line_number(), std::move(r.reason), line);
        continue;
      }
      if (r.utf8_repaired) ++stats.utf8_repaired;
      if (r.mojibake_repaired) ++stats.mojibake_repaired;
      if (r.unparsed_date) ++stats.unparsed_dates;
      out->origin_file = name_;
      out->origin_line = lines_.line_number();
      return true;
    }
  }

  uint64_t consumed() const override { return bytes_->consumed(); }

 private:
  std::string name_;
  std::unique_ptr<ByteSource> bytes_;
  LineReader lines_;
  JsonRecordParser parser_;
  ReaderContext* ctx_;
  bool started_ = false;
  bool done_ = false;
  bool any_record_ = false;
};

}  // namespace

Result<std::unique_ptr<RecordSource>> OpenJsonlSource(InputFile* input, ReaderContext* ctx) {
  InputFile& in = *input;
  std::unique_ptr<ByteSource> bytes;
  switch (in.kind) {
    case InputKind::kStdin:
      bytes = MakeFdSource(STDIN_FILENO, /*owned=*/false);
      break;
    case InputKind::kFd:
      bytes = MakeFdSource(in.fd, /*owned=*/false);
      break;
    case InputKind::kBuffer:
      bytes = MakeMemorySource(std::move(in.data));
      break;
    default: {
      Result<std::unique_ptr<ByteSource>> file = OpenFileSource(in.path);
      if (!file.ok()) return file.status();
      bytes = std::move(*file);
    }
  }
  // The first bytes, not the name, say whether the stream is compressed.
  Result<std::unique_ptr<ByteSource>> sniffed = MakeSniffingSource(std::move(bytes));
  if (!sniffed.ok()) return Status::IoError(in.path + ": " + sniffed.status().message());
  bytes = std::move(*sniffed);
  return std::unique_ptr<RecordSource>(new JsonlSource(in.path, std::move(bytes), ctx));
}

}  // namespace storyline::ingest
