// Copyright storyline authors.
//
// WarcReader: streams the HTML response records of a .warc or .warc.gz file.
// Layers: a ByteSource gives the decompressed bytes (plain file, gzip members
// one after another, or memory); the reader parses WARC records from a sliding
// buffer over it, keeping only the current record in memory. A damaged record
// is reported and the reader resynchronises on the next line that starts with
// "WARC/1." (docs/extract.md "WARC").
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

#include "core/ascii.h"
#include "extract/warc_internal.h"
#include "storyline/extract.h"

namespace storyline {
namespace {

constexpr size_t kChunk = 1 << 16;
// Records larger than this are refused (a bad Content-Length must not make the
// reader buffer a whole multi-gigabyte file).
constexpr uint64_t kMaxRecordBytes = 512ull << 20;

// The decompressed byte stream under the reader.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Appends up to ~kChunk bytes to *out. Returns 0 at the end of the data.
  // A non-empty *error reports damaged compressed data (the source has then
  // skipped to the next gzip member, if any).
  virtual size_t Read(std::string* out, std::string* error) = 0;
  virtual uint64_t bytes_read() const = 0;
};

// Raw bytes of a file or a memory buffer.
class RawInput {
 public:
  explicit RawInput(FILE* f) : file_(f) {}
  explicit RawInput(std::string data) : mem_(std::move(data)) {}
  ~RawInput() {
    if (file_ != nullptr) std::fclose(file_);
  }
  // Reads up to n bytes into buf; 0 at the end.
  size_t Read(char* buf, size_t n) {
    if (file_ != nullptr) return std::fread(buf, 1, n, file_);
    size_t k = std::min(n, mem_.size() - mem_pos_);
    std::memcpy(buf, mem_.data() + mem_pos_, k);
    mem_pos_ += k;
    return k;
  }

 private:
  FILE* file_ = nullptr;
  std::string mem_;
  size_t mem_pos_ = 0;
};

class PlainSource : public ByteSource {
 public:
  explicit PlainSource(std::unique_ptr<RawInput> in) : in_(std::move(in)) {}
  size_t Read(std::string* out, std::string*) override {
    size_t old = out->size();
    out->resize(old + kChunk);
    size_t n = in_->Read(out->data() + old, kChunk);
    out->resize(old + n);
    read_ += n;
    return n;
  }
  uint64_t bytes_read() const override { return read_; }

 private:
  std::unique_ptr<RawInput> in_;
  uint64_t read_ = 0;
};

// Inflates gzip members one after another (a .warc.gz holds one member per
// record). On damaged data it reports and skips to the next gzip header.
class GzipSource : public ByteSource {
 public:
  explicit GzipSource(std::unique_ptr<RawInput> in) : in_(std::move(in)) {
    std::memset(&zs_, 0, sizeof(zs_));
    inflateInit2(&zs_, 15 + 32);
  }
  ~GzipSource() override { inflateEnd(&zs_); }

  size_t Read(std::string* out, std::string* error) override {
    size_t produced = 0;
    while (produced == 0) {
      if (zs_.avail_in == 0 && !Refill()) {
        if (in_member_) {
          in_member_ = false;
          *error = "gzip data ends inside a member (truncated file)";
        }
        return 0;
      }
      size_t old = out->size();
      out->resize(old + kChunk);
      zs_.next_out = reinterpret_cast<Bytef*>(out->data() + old);
      zs_.avail_out = kChunk;
      const uInt before_in = zs_.avail_in;
      int rc = inflate(&zs_, Z_NO_FLUSH);
      consumed_ += before_in - zs_.avail_in;
      size_t n = kChunk - zs_.avail_out;
      out->resize(old + n);
      produced += n;
      in_member_ = true;
      if (rc == Z_STREAM_END) {
        inflateReset(&zs_);
        in_member_ = false;
      } else if (rc == Z_BUF_ERROR) {
        // needs more input; loop refills
      } else if (rc != Z_OK) {
        *error = std::string("damaged gzip data: ") + (zs_.msg ? zs_.msg : "inflate error");
        SkipToNextMember();
        return produced;  // may be 0; the caller sees the error
      }
    }
    return produced;
  }
  uint64_t bytes_read() const override { return consumed_; }

 private:
  bool Refill() {
    size_t n = in_->Read(inbuf_, sizeof(inbuf_));
    if (n == 0) return false;
    zs_.next_in = reinterpret_cast<Bytef*>(inbuf_);
    zs_.avail_in = static_cast<uInt>(n);
    return true;
  }
  // Drops input up to the next gzip magic (1f 8b 08) and resets the inflater.
  void SkipToNextMember() {
    inflateReset(&zs_);
    in_member_ = false;
    // Skip at least one byte so a bad header does not loop.
    if (zs_.avail_in > 0) {
      ++zs_.next_in;
      --zs_.avail_in;
      ++consumed_;
    }
    for (;;) {
      while (zs_.avail_in >= 3) {
        if (zs_.next_in[0] == 0x1f && zs_.next_in[1] == 0x8b && zs_.next_in[2] == 0x08) return;
        ++zs_.next_in;
        --zs_.avail_in;
        ++consumed_;
      }
      // Keep the last bytes (a magic may straddle the refill).
      char keep[2];
      size_t k = zs_.avail_in;
      std::memcpy(keep, zs_.next_in, k);
      size_t n = in_->Read(inbuf_ + k, sizeof(inbuf_) - k);
      std::memcpy(inbuf_, keep, k);
      zs_.next_in = reinterpret_cast<Bytef*>(inbuf_);
      zs_.avail_in = static_cast<uInt>(k + n);
      if (n == 0) {
        consumed_ += k;
        zs_.avail_in = 0;
        return;
      }
    }
  }

  std::unique_ptr<RawInput> in_;
  z_stream zs_;
  char inbuf_[kChunk];
  uint64_t consumed_ = 0;
  bool in_member_ = false;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// Splits "Name: value" header lines of `block` (CRLF or LF) starting at *pos
// until an empty line; *pos ends after it. Returns false when no empty line is found.
template <typename Fn>
bool ParseHeaderLines(std::string_view block, size_t* pos, Fn on_header) {
  size_t p = *pos;
  while (p < block.size()) {
    size_t eol = block.find('\n', p);
    if (eol == std::string_view::npos) return false;
    std::string_view line = block.substr(p, eol - p);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    p = eol + 1;
    if (line.empty()) {
      *pos = p;
      return true;
    }
    size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      on_header(AsciiLowerCopy(Trim(line.substr(0, colon))), Trim(line.substr(colon + 1)));
    }
  }
  return false;
}

// The WARC header fields the reader uses, and where the record's block starts.
struct WarcHead {
  uint64_t number = 0;
  std::string type, target, date, ctype;  // type and ctype lower-cased
  int64_t length = -1;                    // Content-Length; -1 when absent
  bool bad_length = false;                // Content-Length is not a number
  size_t block_start = 0;                 // in the reader's buffer
  std::string name;                       // "WARC record N (target)", for messages
};

// Content-Length's decimal value into *length; *bad when it is empty, not
// digits, or absurdly large.
void ParseContentLength(std::string_view value, int64_t* length, bool* bad) {
  *length = 0;
  if (value.empty()) *bad = true;
  for (char c : value) {
    if (c < '0' || c > '9' || *length > (int64_t{1} << 50)) {
      *bad = true;
      break;
    }
    *length = *length * 10 + (c - '0');
  }
}

// Records one WARC header line (name lower-cased) in *h.
void ReadWarcHeader(const std::string& name, std::string_view value, WarcHead* h) {
  if (name == "warc-type") {
    h->type = AsciiLowerCopy(value);
  } else if (name == "warc-target-uri") {
    h->target = std::string(value);
    if (h->target.size() >= 2 && h->target.front() == '<' && h->target.back() == '>') {
      h->target = h->target.substr(1, h->target.size() - 2);
    }
  } else if (name == "warc-date") {
    h->date = std::string(value);
  } else if (name == "content-type") {
    h->ctype = AsciiLowerCopy(value);
  } else if (name == "content-length") {
    ParseContentLength(value, &h->length, &h->bad_length);
  }
}

class WarcReaderImpl : public WarcReader {
 public:
  explicit WarcReaderImpl(std::unique_ptr<ByteSource> src) : src_(std::move(src)) {}

  Result<bool> Next(WarcRecord* out) override {
    for (;;) {
      if (!pending_error_.empty()) {
        std::string e = std::move(pending_error_);
        pending_error_.clear();
        return Status::Corruption(e);
      }
      Compact();
      if (!SkipBlankLines()) return false;
      ++number_;
      WarcHead h;
      h.number = number_;
      Status st = ReadHead(&h);
      if (!st.ok()) return st;
      size_t next = 0;
      st = CheckBlock(h, &next);
      if (!st.ok()) return st;
      std::string_view block(buf_.data() + h.block_start, static_cast<size_t>(h.length));
      pos_ = next;
      if (h.type != "response") continue;
      if (!h.ctype.empty() && h.ctype.find("application/http") == std::string::npos) continue;
      out->number = h.number;
      out->target_uri = h.target;
      out->warc_date = h.date;
      st = ParseHttp(block, h.name, out);
      if (!st.ok()) return st;
      if (skip_) continue;
      return true;
    }
  }

  uint64_t bytes_read() const override { return src_->bytes_read(); }
  uint64_t record_number() const override { return number_; }

 private:
  // Skips blank lines between records; false at the end of the data.
  bool SkipBlankLines() {
    for (;;) {
      if (!Fill(pos_ + 1)) return false;
      char c = buf_[pos_];
      if (c != '\r' && c != '\n') return true;
      ++pos_;
    }
  }

  // Reads the WARC header at pos_ into *h. On garbage or a truncated header,
  // resynchronises and returns Corruption.
  Status ReadHead(WarcHead* h) {
    const std::string record = "WARC record " + std::to_string(h->number);
    size_t head_end;
    if (!FindHeaderEnd(&head_end)) {
      // Garbage or a truncated header: resync.
      bool starts = StartsWithWarc(pos_);
      pos_ += 1;
      Resync();
      return Status::Corruption(record + (starts ? ": truncated record header"
                                                 : ": not a WARC record (no WARC/1.x line)"));
    }
    if (!StartsWithWarc(pos_)) {
      pos_ += 1;
      Resync();
      return Status::Corruption(record + ": not a WARC record (no WARC/1.x line)");
    }
    std::string_view head(buf_.data() + pos_, head_end - pos_);
    size_t hp = head.find('\n') + 1;
    ParseHeaderLines(head, &hp, [&](const std::string& name, std::string_view value) {
      ReadWarcHeader(name, value, h);
    });
    h->name = record + (h->target.empty() ? "" : " (" + h->target + ")");
    h->block_start = head_end;
    return Status::Ok();
  }

  // Checks that the record's Content-Length bytes are there and are followed by
  // CRLF CRLF and then the next record or the end; *next is where the next
  // record may start. On damage, resynchronises from the block's start and
  // returns Corruption.
  Status CheckBlock(const WarcHead& h, size_t* next) {
    const int64_t length = h.length;
    if (length < 0 || h.bad_length || static_cast<uint64_t>(length) > kMaxRecordBytes) {
      return Damaged(h, length < 0 || h.bad_length ? ": missing or invalid Content-Length"
                                                   : ": Content-Length too large");
    }
    const size_t block_end = h.block_start + static_cast<size_t>(length);
    if (!Fill(block_end)) {
      size_t have = buf_.size() - h.block_start;
      return Damaged(h, ": truncated: Content-Length " + std::to_string(length) + " but only " +
                            std::to_string(have) + " bytes follow");
    }
    const size_t after = block_end;
    Fill(after + 8);
    size_t k = after;
    while (k < buf_.size() && k < after + 8 && (buf_[k] == '\r' || buf_[k] == '\n')) ++k;
    const bool at_end = !Fill(k + 1);
    const bool crlf_end = buf_.compare(after, 4, "\r\n\r\n") == 0;
    if (crlf_end) k = after + 4;
    if (!crlf_end && !at_end && !StartsWithWarc(k)) {
      return Damaged(h, ": Content-Length " + std::to_string(length) +
                            " does not match the record (no record end after the block)");
    }
    *next = k;
    return Status::Ok();
  }

  // Resynchronises from the start of h's block and reports `what` about it.
  Status Damaged(const WarcHead& h, const std::string& what) {
    pos_ = h.block_start;
    Resync();
    return Status::Corruption(h.name + what);
  }

  static bool IsHtmlType(std::string_view ct) { return ct.find("html") != std::string_view::npos; }

  static bool SniffHtml(std::string_view body) {
    std::string head = AsciiLowerCopy(body.substr(0, 1024));
    return head.find("<html") != std::string::npos ||
           head.find("<!doctype html") != std::string::npos ||
           head.find("<head") != std::string::npos || head.find("<body") != std::string::npos;
  }

  // Parses the HTTP response in `block`; sets skip_ for non-HTML or non-2xx responses.
  Status ParseHttp(std::string_view block, const std::string& name, WarcRecord* out) {
    skip_ = false;
    size_t eol = block.find('\n');
    std::string_view status_line = block.substr(0, eol);
    if (status_line.substr(0, 5) != "HTTP/" || eol == std::string_view::npos) {
      return Status::Corruption(name + ": the response does not start with an HTTP status line");
    }
    size_t sp = status_line.find(' ');
    int code = 0;
    if (sp != std::string_view::npos) {
      // At most the status code's three digits (more would overflow on junk).
      for (size_t i = sp + 1; i < status_line.size() && i <= sp + 3 &&
                              std::isdigit(static_cast<unsigned char>(status_line[i]));
           ++i) {
        code = code * 10 + (status_line[i] - '0');
      }
    }
    size_t p = eol + 1;
    std::string ctype, te, ce;
    bool headers_done = ParseHeaderLines(block, &p, [&](const std::string& n, std::string_view v) {
      if (n == "content-type") {
        ctype = std::string(v);
      } else if (n == "transfer-encoding") {
        te = AsciiLowerCopy(v);
      } else if (n == "content-encoding") {
        ce = AsciiLowerCopy(v);
      }
    });
    if (!headers_done) {
      return Status::Corruption(name + ": the HTTP headers do not end (truncated response)");
    }
    if (code < 200 || code >= 300) {
      skip_ = true;
      return Status::Ok();
    }
    std::string body(block.substr(p));
    if (te.find("chunked") != std::string::npos) {
      std::string plain;
      if (internal::Dechunk(body, &plain)) body = std::move(plain);
    }
    if (ce.find("gzip") != std::string::npos || ce.find("deflate") != std::string::npos) {
      std::string plain;
      if (internal::Inflate(body, &plain)) {
        body = std::move(plain);
      } else if (body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0x1f &&
                 static_cast<unsigned char>(body[1]) == 0x8b) {
        return Status::Corruption(name + ": damaged " + ce + " body");
      }
    }
    if (ctype.empty() ? !SniffHtml(body) : !IsHtmlType(AsciiLowerCopy(ctype))) {
      skip_ = true;
      return Status::Ok();
    }
    out->content_type = std::move(ctype);
    out->body = std::move(body);
    return Status::Ok();
  }

  bool StartsWithWarc(size_t at) {
    Fill(at + 7);
    return buf_.compare(at, 7, "WARC/1.") == 0;
  }

  // Finds the end of the WARC header block (after the empty line) from pos_.
  bool FindHeaderEnd(size_t* end) {
    size_t scan = pos_;
    for (;;) {
      size_t nl = buf_.find('\n', scan);
      while (nl != std::string::npos) {
        size_t next = nl + 1;
        if (next < buf_.size() && buf_[next] == '\n') {
          *end = next + 1;
          return true;
        }
        if (next + 1 < buf_.size() && buf_[next] == '\r' && buf_[next + 1] == '\n') {
          *end = next + 2;
          return true;
        }
        if (next + 1 >= buf_.size()) break;  // need more bytes to decide
        nl = buf_.find('\n', next);
      }
      scan = buf_.size() > 2 ? buf_.size() - 2 : 0;
      if (scan < pos_) scan = pos_;
      if (buf_.size() - pos_ > (1u << 20)) return false;  // a header this long is garbage
      if (!FillMore()) return false;
    }
  }

  // Moves pos_ to the next line start that begins with "WARC/1." (or the end).
  void Resync() {
    for (;;) {
      size_t hit = buf_.find("\nWARC/1.", pos_ > 0 ? pos_ - 1 : 0);
      if (hit != std::string::npos && hit + 1 >= pos_) {
        pos_ = hit + 1;
        return;
      }
      if (pos_ == 0 && buf_.compare(0, 7, "WARC/1.") == 0) return;
      // Keep the tail (a marker may straddle the refill), drop the rest.
      size_t keep_from = buf_.size() > 8 ? buf_.size() - 8 : 0;
      if (keep_from > pos_) pos_ = keep_from;
      Compact(true);
      if (!FillMore()) {
        pos_ = buf_.size();
        return;
      }
    }
  }

  void Compact(bool force = false) {
    if (pos_ > 0 && (force || pos_ >= buf_.size() / 2)) {
      buf_.erase(0, pos_);
      pos_ = 0;
    }
  }

  // Reads more bytes; false at the end of the data.
  bool FillMore() {
    std::string err;
    size_t n = src_->Read(&buf_, &err);
    if (!err.empty() && pending_error_.empty()) {
      pending_error_ = "WARC record " + std::to_string(number_) + ": " + err;
    }
    if (n == 0 && !err.empty()) {
      // The source skipped damaged data; there may be more after it.
      n = src_->Read(&buf_, &err);
    }
    return n > 0;
  }

  // Ensures buf_ holds at least `end` bytes; false when the data ends first.
  bool Fill(size_t end) {
    while (buf_.size() < end) {
      if (!FillMore()) return false;
    }
    return true;
  }

  std::unique_ptr<ByteSource> src_;
  std::string buf_;
  size_t pos_ = 0;
  uint64_t number_ = 0;
  bool skip_ = false;
  std::string pending_error_;
};

}  // namespace

namespace internal {

bool Dechunk(std::string_view in, std::string* out) {
  out->clear();
  size_t p = 0;
  for (;;) {
    size_t eol = in.find('\n', p);
    if (eol == std::string_view::npos) return false;
    uint64_t size = 0;
    size_t i = p;
    int digits = 0;
    while (i < eol && std::isxdigit(static_cast<unsigned char>(in[i]))) {
      char c = AsciiLower(in[i]);
      size = size * 16 + static_cast<uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
      if (++digits > 12) return false;
      ++i;
    }
    if (digits == 0) return false;
    p = eol + 1;
    if (size == 0) return true;
    if (size > in.size() - p) {
      out->append(in.substr(p));  // truncated last chunk: keep what is there
      return true;
    }
    out->append(in.substr(p, size));
    p += size;
    if (p < in.size() && in[p] == '\r') ++p;
    if (p < in.size() && in[p] == '\n') ++p;
    if (p >= in.size()) return true;
  }
}

bool Inflate(std::string_view in, std::string* out) {
  out->clear();
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  // 15+32: gzip or zlib header, detected; raw deflate is tried after.
  for (int attempt = 0; attempt < 2; ++attempt) {
    out->clear();
    if (inflateInit2(&zs, attempt == 0 ? 15 + 32 : -15) != Z_OK) return false;
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    int rc = Z_OK;
    while (rc == Z_OK) {
      size_t old = out->size();
      out->resize(old + kChunk);
      zs.next_out = reinterpret_cast<Bytef*>(out->data() + old);
      zs.avail_out = kChunk;
      rc = inflate(&zs, Z_NO_FLUSH);
      out->resize(old + kChunk - zs.avail_out);
      if (out->size() > kMaxRecordBytes * 2) rc = Z_MEM_ERROR;
      if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;  // truncated: keep what came out
    }
    inflateEnd(&zs);
    if (rc == Z_STREAM_END || (rc == Z_BUF_ERROR && !out->empty())) return true;
  }
  return false;
}

}  // namespace internal

Result<std::unique_ptr<WarcReader>> WarcReader::Open(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return Status::IoError(path + ": cannot open: " + std::strerror(errno));
  }
  unsigned char magic[2] = {0, 0};
  size_t n = std::fread(magic, 1, 2, f);
  std::rewind(f);
  auto in = std::make_unique<RawInput>(f);
  std::unique_ptr<ByteSource> src;
  if (n == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
    src = std::make_unique<GzipSource>(std::move(in));
  } else {
    src = std::make_unique<PlainSource>(std::move(in));
  }
  return std::unique_ptr<WarcReader>(new WarcReaderImpl(std::move(src)));
}

Result<std::unique_ptr<WarcReader>> WarcReader::OpenBuffer(std::string bytes) {
  bool gz = bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
            static_cast<unsigned char>(bytes[1]) == 0x8b;
  auto in = std::make_unique<RawInput>(std::move(bytes));
  std::unique_ptr<ByteSource> src;
  if (gz) {
    src = std::make_unique<GzipSource>(std::move(in));
  } else {
    src = std::make_unique<PlainSource>(std::move(in));
  }
  return std::unique_ptr<WarcReader>(new WarcReaderImpl(std::move(src)));
}

}  // namespace storyline
