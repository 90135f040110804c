// Copyright storyline authors.
//
// .txt inputs: one article per file, the first non-empty line its title.
#include "ingest/byte_source.h"
#include "ingest/json_record.h"
#include "ingest/sources.h"
#include "ingest/utf8_repair.h"

namespace storyline::ingest {
namespace {

constexpr size_t kSniffBytes = size_t{64} * 1024;

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' ||
                        s.front() == '\f' || s.front() == '\v')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' ||
                        s.back() == '\f' || s.back() == '\v' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

class TextSource final : public RecordSource {
 public:
  TextSource(const InputFile& in, ReaderContext* ctx) : in_(in), ctx_(ctx) {}

  Result<bool> Next(Article* out) override {
    if (done_) return false;
    done_ = true;
    std::string data;
    STORYLINE_RETURN_IF_ERROR(ReadWholeFile(in_.path, in_.size, &data, &consumed_));
    std::string_view reason = Build(std::move(data), out);
    if (!reason.empty()) {
      ctx_->Reject(in_.path, 0, std::string(reason), raw_);
      return false;
    }
    return true;
  }
  uint64_t consumed() const override { return consumed_; }

 private:
  // Fills *out; returns why not ("" when accepted). raw_ keeps the file bytes.
  std::string_view Build(std::string data, Article* out) {
    raw_ = std::move(data);
    std::string_view bytes = raw_;
    if (IsBlank(bytes)) return "empty file";
    if (LooksBinary(bytes.substr(0, kSniffBytes))) return "binary file (not text)";
    std::string repaired;
    Utf8Verdict v = RepairUtf8(bytes, &repaired);
    if (v == Utf8Verdict::kUnrepairable) {
      return "invalid UTF-8 that cannot be repaired (mostly not text)";
    }
    if (v == Utf8Verdict::kRepaired) bytes = repaired;
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);

    // The title: the first line that is not blank.
    std::string_view title, rest = bytes;
    while (!rest.empty()) {
      size_t nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      if (!IsBlank(line)) {
        title = TrimSpaces(line);
        break;
      }
    }
    // The text: everything after the title line, from its first non-blank line on.
    while (!rest.empty()) {
      size_t nl = rest.find('\n');
      if (!IsBlank(rest.substr(0, nl))) break;
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
    while (!rest.empty() && (rest.back() == '\n' || rest.back() == '\r' || rest.back() == ' ' ||
                             rest.back() == '\t')) {
      rest.remove_suffix(1);
    }
    if (rest.empty()) return "missing text (the file has only a title line)";

    *out = Article();
    out->title.assign(title);
    out->text.assign(rest);
    if (v == Utf8Verdict::kRepaired) ++ctx_->stats().utf8_repaired;
    if (ctx_->options().repair_mojibake) {
      bool a = RepairMojibake(&out->title);
      bool b = RepairMojibake(&out->text);
      if (a || b) ++ctx_->stats().mojibake_repaired;
    }
    out->id = in_.id;
    out->origin_file = in_.path;
    out->origin_line = 0;
    return "";
  }

  const InputFile& in_;
  ReaderContext* ctx_;
  bool done_ = false;
  uint64_t consumed_ = 0;
  std::string raw_;
};

}  // namespace

Result<std::unique_ptr<RecordSource>> OpenTextSource(const InputFile& in, ReaderContext* ctx) {
  return std::unique_ptr<RecordSource>(new TextSource(in, ctx));
}

Status ReadWholeFile(const std::string& path, uint64_t size_hint, std::string* out,
                     uint64_t* consumed) {
  Result<std::unique_ptr<ByteSource>> src = OpenFileSource(path);
  if (!src.ok()) return src.status();
  out->clear();
  out->reserve(size_hint);
  while (true) {
    size_t old = out->size();
    out->resize(old + kChunkSize);
    Result<size_t> r = (*src)->Read(out->data() + old, kChunkSize);
    if (!r.ok()) return Status::IoError(path + ": " + r.status().message());
    out->resize(old + *r);
    if (*r == 0) break;
  }
  *consumed = (*src)->consumed();
  return Status::Ok();
}

}  // namespace storyline::ingest
