// Copyright storyline authors.
//
// ArticleReader: expands the inputs, then streams each through its source.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <system_error>

#include "core/ascii.h"
#include "ingest/sources.h"
#include "storyline/ingest.h"

namespace storyline {
namespace ingest {
namespace {

namespace fs = std::filesystem;

bool EndsWith(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    if (AsciiLower(s[s.size() - suffix.size() + i]) != suffix[i]) return false;
  }
  return true;
}

// The kind of a file from its name, and the length of the extension that the
// id drops. False for names storyline does not read.
bool KindFor(std::string_view name, InputKind* kind, size_t* ext_len) {
  struct Ext {
    std::string_view ext;
    InputKind kind;
  };
  static constexpr Ext kExts[] = {
      {".txt", InputKind::kText},
      {".html", InputKind::kHtml},
      {".htm", InputKind::kHtml},
      {".jsonl", InputKind::kJsonl},
      {".ndjson", InputKind::kJsonl},
      {".json", InputKind::kJsonl},
      {".jsonl.gz", InputKind::kJsonlGz},
      {".ndjson.gz", InputKind::kJsonlGz},
      {".json.gz", InputKind::kJsonlGz},
      {".jsonl.zst", InputKind::kJsonlZst},
      {".ndjson.zst", InputKind::kJsonlZst},
      {".json.zst", InputKind::kJsonlZst},
      {".warc", InputKind::kWarc},
      {".warc.gz", InputKind::kWarc},
  };
  for (const Ext& e : kExts) {
    if (EndsWith(name, e.ext)) {
      *kind = e.kind;
      *ext_len = e.ext.size();
      return true;
    }
  }
  return false;
}

bool IsWholeFile(InputKind k) { return k == InputKind::kText || k == InputKind::kHtml; }

struct Candidate {
  InputFile file;
  std::string stem;      // file name without extension
  std::string relative;  // path below the given folder, without extension
  std::string relative_with_ext;
};

std::string StripPrefix(std::string s) {
  while (s.rfind("./", 0) == 0) s.erase(0, 2);
  return s;
}

Status AddFile(const fs::path& path, const std::string& relative, bool explicit_input,
               std::vector<Candidate>* out) {
  std::string name = path.filename().string();
  InputKind kind;
  size_t ext_len;
  if (!KindFor(name, &kind, &ext_len)) {
    if (!explicit_input) return Status::Ok();  // a folder's other files are skipped
    return Status::InvalidArgument(
        path.string() +
        ": unknown input format (expected .txt, .html, .htm, .jsonl, .jsonl.gz, .jsonl.zst, "
        ".warc or .warc.gz)");
  }
  if (::access(path.c_str(), R_OK) != 0) {
    return Status::IoError(path.string() + ": cannot be read (permission denied)");
  }
  Candidate c;
  c.file.path = path.string();
  c.file.kind = kind;
  std::error_code ec;
  c.file.size = fs::file_size(path, ec);
  if (ec) return Status::IoError(path.string() + ": " + ec.message());
  c.stem = name.substr(0, name.size() - ext_len);
  c.relative_with_ext = StripPrefix(relative);
  c.relative = c.relative_with_ext.substr(0, c.relative_with_ext.size() - ext_len);
  out->push_back(std::move(c));
  return Status::Ok();
}

Status Expand(const std::string& input, std::vector<Candidate>* out) {
  if (input == "-") {
    Candidate c;
    c.file.path = "-";
    c.file.kind = InputKind::kStdin;
    out->push_back(std::move(c));
    return Status::Ok();
  }
  std::error_code ec;
  fs::file_status st = fs::status(input, ec);
  if (ec || !fs::exists(st)) {
    if (ec && ec != std::errc::no_such_file_or_directory) {
      return Status::IoError(input + ": " + ec.message());
    }
    return Status::NotFound(input + ": no such file or directory");
  }
  if (fs::is_fifo(st) || fs::is_character_file(st)) {
    // A pipe or a device (`<(zcat feed.gz)`, /dev/stdin): a JSONL stream.
    Candidate c;
    c.file.path = input;
    c.file.kind = InputKind::kJsonl;
    out->push_back(std::move(c));
    return Status::Ok();
  }
  if (!fs::is_directory(st)) return AddFile(input, input, /*explicit_input=*/true, out);

  // A folder: every readable file below it, sorted by path for reproducible runs.
  std::vector<fs::path> found;
  fs::recursive_directory_iterator it(input, ec), end;
  if (ec) return Status::IoError(input + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return Status::IoError(input + ": " + ec.message());
    const fs::path& p = it->path();
    if (p.filename().string().rfind('.', 0) == 0) {  // hidden: .git, .DS_Store
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec)) found.push_back(p);
  }
  if (ec) return Status::IoError(input + ": " + ec.message());
  std::sort(found.begin(), found.end());
  for (const fs::path& p : found) {
    STORYLINE_RETURN_IF_ERROR(
        AddFile(p, fs::relative(p, input, ec).generic_string(), /*explicit_input=*/false, out));
  }
  return Status::Ok();
}

// Ids of whole-file inputs: the file name without extension; where two files
// share one, the path below the given folder without extension; where those
// clash too, the path with its extension.
void AssignIds(std::vector<Candidate>* cands) {
  std::map<std::string, int> stems, relatives;
  for (const Candidate& c : *cands) {
    if (!IsWholeFile(c.file.kind)) continue;
    ++stems[c.stem];
    ++relatives[c.relative];
  }
  for (Candidate& c : *cands) {
    if (!IsWholeFile(c.file.kind)) continue;
    if (stems[c.stem] == 1) {
      c.file.id = c.stem;
    } else if (relatives[c.relative] == 1) {
      c.file.id = c.relative;
    } else {
      c.file.id = c.relative_with_ext;
    }
  }
}

class Reader final : public ArticleReader {
 public:
  Reader(std::vector<InputFile> files, IngestOptions options)
      : files_(std::move(files)), ctx_(std::move(options)) {
    for (const InputFile& f : files_) total_ += f.size;
  }

  Result<bool> Next(Article* out) override {
    while (true) {
      if (!current_) {
        if (next_ >= files_.size()) return false;
        Result<std::unique_ptr<RecordSource>> src = OpenSource(&files_[next_]);
        if (!src.ok()) return src.status();
        current_ = std::move(*src);
      }
      Result<bool> r = current_->Next(out);
      ctx_.stats().bytes_read = done_bytes_ + current_->consumed();
      if (!r.ok()) return r.status();
      if (*r) {
        out->seq = seq_++;
        ++ctx_.stats().accepted;
        return true;
      }
      done_bytes_ += current_->consumed();
      current_.reset();
      ++next_;
    }
  }

  const IngestStats& stats() const override { return ctx_.stats(); }
  uint64_t total_bytes() const override { return total_; }

 private:
  Result<std::unique_ptr<RecordSource>> OpenSource(InputFile* in) {
    switch (in->kind) {
      case InputKind::kText:
        return OpenTextSource(*in, &ctx_);
      case InputKind::kHtml:
        return OpenHtmlSource(*in, &ctx_);
      case InputKind::kWarc:
        return OpenWarcSource(*in, &ctx_);
      default:
        return OpenJsonlSource(in, &ctx_);
    }
  }

  std::vector<InputFile> files_;
  ReaderContext ctx_;
  std::unique_ptr<RecordSource> current_;
  size_t next_ = 0;
  uint64_t total_ = 0, done_bytes_ = 0, seq_ = 0;
};

}  // namespace

void ReaderContext::Reject(const std::string& file, uint64_t line, std::string reason,
                           std::string_view raw) {
  ++stats_.rejected;
  if (!options_.on_reject) return;
  Rejection r;
  r.file = file;
  r.line = line;
  r.reason = std::move(reason);
  r.raw.assign(raw.substr(0, kMaxRawBytes));
  options_.on_reject(r);
}

}  // namespace ingest

Result<std::unique_ptr<ArticleReader>> ArticleReader::Open(const std::vector<std::string>& inputs,
                                                           IngestOptions options) {
  std::vector<ingest::Candidate> cands;
  for (const std::string& input : inputs) {
    STORYLINE_RETURN_IF_ERROR(ingest::Expand(input, &cands));
  }
  ingest::AssignIds(&cands);
  std::vector<ingest::InputFile> files;
  files.reserve(cands.size());
  for (ingest::Candidate& c : cands) files.push_back(std::move(c.file));
  return std::unique_ptr<ArticleReader>(new ingest::Reader(std::move(files), std::move(options)));
}

std::unique_ptr<ArticleReader> ArticleReader::OpenStream(int fd, std::string name,
                                                         IngestOptions options) {
  ingest::InputFile f;
  f.path = std::move(name);
  f.kind = ingest::InputKind::kFd;
  f.fd = fd;
  std::vector<ingest::InputFile> files;
  files.push_back(std::move(f));
  return std::make_unique<ingest::Reader>(std::move(files), std::move(options));
}

std::unique_ptr<ArticleReader> ArticleReader::OpenBuffer(std::string jsonl, std::string name,
                                                         IngestOptions options) {
  ingest::InputFile f;
  f.path = std::move(name);
  f.kind = ingest::InputKind::kBuffer;
  f.size = jsonl.size();
  f.data = std::move(jsonl);
  std::vector<ingest::InputFile> files;
  files.push_back(std::move(f));
  return std::make_unique<ingest::Reader>(std::move(files), std::move(options));
}

Result<std::vector<Article>> ReadAllArticles(const std::vector<std::string>& inputs,
                                             const IngestOptions& options) {
  Result<std::unique_ptr<ArticleReader>> reader = ArticleReader::Open(inputs, options);
  if (!reader.ok()) return reader.status();
  std::vector<Article> out;
  Article a;
  while (true) {
    Result<bool> more = (*reader)->Next(&a);
    if (!more.ok()) return more.status();
    if (!*more) break;
    out.push_back(std::move(a));
    a = Article();
  }
  return out;
}

}  // namespace storyline
