// Copyright storyline authors.
#include "ingest/byte_source.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

namespace storyline::ingest {
namespace {

class FdSource final : public ByteSource {
 public:
  FdSource(int fd, bool owned) : fd_(fd), owned_(owned) {}
  ~FdSource() override {
    if (owned_ && fd_ >= 0) ::close(fd_);
  }
  Result<size_t> Read(char* buf, size_t n) override {
    while (true) {
      ssize_t r = ::read(fd_, buf, n);
      if (r >= 0) {
        consumed_ += static_cast<uint64_t>(r);
        return static_cast<size_t>(r);
      }
      if (errno == EINTR) continue;
      return Status::IoError(std::string("read failed: ") + std::strerror(errno));
    }
  }
  uint64_t consumed() const override { return consumed_; }

 private:
  int fd_;
  bool owned_;
  uint64_t consumed_ = 0;
};

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string data) : data_(std::move(data)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    size_t k = std::min(n, data_.size() - pos_);
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  uint64_t consumed() const override { return pos_; }

 private:
  std::string data_;
  size_t pos_ = 0;
};

// Shared by the decompressors: the compressed input buffer.
class CompressedInput {
 public:
  explicit CompressedInput(std::unique_ptr<ByteSource> src)
      : src_(std::move(src)), buf_(kChunkSize) {}
  // Refills when empty. Returns an error from the underlying source.
  Status Refill() {
    if (pos_ < len_ || eof_) return Status::Ok();
    Result<size_t> r = src_->Read(buf_.data(), buf_.size());
    if (!r.ok()) {
      eof_ = true;
      return r.status();
    }
    pos_ = 0;
    len_ = *r;
    if (len_ == 0) eof_ = true;
    return Status::Ok();
  }
  const char* data() const { return buf_.data() + pos_; }
  size_t available() const { return len_ - pos_; }
  void Advance(size_t k) { pos_ += k; }
  bool exhausted() const { return eof_ && pos_ >= len_; }
  uint64_t consumed() const { return src_->consumed(); }

 private:
  std::unique_ptr<ByteSource> src_;
  std::vector<char> buf_;
  size_t pos_ = 0, len_ = 0;
  bool eof_ = false;
};

class GzipSource final : public ByteSource {
 public:
  explicit GzipSource(std::unique_ptr<ByteSource> src) : in_(std::move(src)) {
    std::memset(&z_, 0, sizeof z_);
    // 15 + 32: a gzip or zlib header, detected automatically.
    ok_ = inflateInit2(&z_, 15 + 32) == Z_OK;
  }
  ~GzipSource() override { inflateEnd(&z_); }

  // The bytes inflated before zlib finds damage are returned first, and the error
  // on the next call, as `gzip -dc` does: a stream damaged near its end keeps its
  // records. (Bytes inflated from the damaged region itself can be wrong; zlib
  // cannot tell before the member's check value.)
  Result<size_t> Read(char* buf, size_t n) override {
    if (!ok_) return Status::Internal("cannot initialise zlib");
    if (!pending_.ok()) return Fail(std::exchange(pending_, Status::Ok()));
    if (done_) return size_t{0};
    while (true) {
      Status st = in_.Refill();
      if (!st.ok()) return Fail(st);
      if (in_.exhausted()) {
        done_ = true;
        if (in_member_) return Fail(Status::Corruption("truncated gzip stream"));
        return size_t{0};
      }
      if (!in_member_) {
        // A member ends where the next begins. Anything but a gzip magic byte
        // after a complete member (e.g. zero padding) is ignored.
        if (members_ > 0 && static_cast<uint8_t>(*in_.data()) != 0x1F) {
          done_ = true;
          return size_t{0};
        }
        if (members_ > 0) inflateReset(&z_);
        in_member_ = true;
      }
      z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in_.data()));
      z_.avail_in = static_cast<uInt>(std::min<size_t>(in_.available(), UINT32_MAX));
      z_.next_out = reinterpret_cast<Bytef*>(buf);
      z_.avail_out = static_cast<uInt>(std::min<size_t>(n, UINT32_MAX));
      uInt avail_before = z_.avail_in;
      int ret = inflate(&z_, Z_NO_FLUSH);
      in_.Advance(avail_before - z_.avail_in);
      size_t produced = static_cast<size_t>(reinterpret_cast<char*>(z_.next_out) - buf);
      if (ret == Z_STREAM_END) {
        in_member_ = false;
        ++members_;
      } else if (ret == Z_DATA_ERROR || ret == Z_NEED_DICT) {
        Status err = Status::Corruption(std::string("corrupt gzip stream: ") +
                                        (z_.msg ? z_.msg : "bad data"));
        if (produced > 0) {
          pending_ = std::move(err);
          return produced;
        }
        return Fail(std::move(err));
      } else if (ret == Z_MEM_ERROR) {
        done_ = true;
        return Fail(Status::Internal("zlib out of memory"));
      }
      // Z_OK / Z_BUF_ERROR: go on (more input is read above).
      if (produced > 0) return produced;
    }
  }
  uint64_t consumed() const override { return in_.consumed(); }

 private:
  Result<size_t> Fail(Status st) {
    done_ = true;
    return st;
  }
  CompressedInput in_;
  z_stream z_;
  Status pending_;  // an error found after bytes that were returned first
  bool ok_ = false;
  bool done_ = false;
  bool in_member_ = false;
  uint64_t members_ = 0;
};

class ZstdSource final : public ByteSource {
 public:
  explicit ZstdSource(std::unique_ptr<ByteSource> src)
      : in_(std::move(src)), dctx_(ZSTD_createDCtx()) {}
  ~ZstdSource() override { ZSTD_freeDCtx(dctx_); }

  Result<size_t> Read(char* buf, size_t n) override {
    if (dctx_ == nullptr) return Status::Internal("cannot initialise zstd");
    if (!pending_.ok()) {
      done_ = true;
      return std::exchange(pending_, Status::Ok());
    }
    if (done_) return size_t{0};
    while (true) {
      Status st = in_.Refill();
      if (!st.ok()) {
        done_ = true;
        return st;
      }
      ZSTD_inBuffer in{in_.data(), in_.available(), 0};
      ZSTD_outBuffer out{buf, n, 0};
      size_t ret = ZSTD_decompressStream(dctx_, &out, &in);
      in_.Advance(in.pos);
      if (ZSTD_isError(ret)) {
        Status err =
            Status::Corruption(std::string("corrupt zstd stream: ") + ZSTD_getErrorName(ret));
        // The bytes decompressed before the damage go first, the error next.
        if (out.pos > 0) {
          pending_ = std::move(err);
          return out.pos;
        }
        done_ = true;
        return err;
      }
      // Only a call that made progress says where in a frame we are.
      if (in.pos > 0 || out.pos > 0) in_frame_ = ret != 0;
      if (out.pos > 0) return out.pos;
      if (in_.exhausted()) {
        done_ = true;
        if (in_frame_) return Status::Corruption("truncated zstd stream");
        return size_t{0};
      }
    }
  }
  uint64_t consumed() const override { return in_.consumed(); }

 private:
  CompressedInput in_;
  ZSTD_DCtx* dctx_;
  Status pending_;  // an error found after bytes that were returned first
  bool done_ = false;
  bool in_frame_ = false;
};

// Replays bytes already read from a source, then reads the source.
class PrefixedSource final : public ByteSource {
 public:
  PrefixedSource(std::string prefix, std::unique_ptr<ByteSource> rest)
      : prefix_(std::move(prefix)), rest_(std::move(rest)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (pos_ < prefix_.size()) {
      size_t k = std::min(n, prefix_.size() - pos_);
      std::memcpy(buf, prefix_.data() + pos_, k);
      pos_ += k;
      return k;
    }
    return rest_->Read(buf, n);
  }
  uint64_t consumed() const override { return rest_->consumed(); }

 private:
  std::string prefix_;
  size_t pos_ = 0;
  std::unique_ptr<ByteSource> rest_;
};

}  // namespace

Result<std::unique_ptr<ByteSource>> MakeSniffingSource(std::unique_ptr<ByteSource> raw) {
  std::string head(4, '\0');
  size_t have = 0;
  while (have < head.size()) {
    Result<size_t> r = raw->Read(head.data() + have, head.size() - have);
    if (!r.ok()) return r.status();
    if (*r == 0) break;
    have += *r;
  }
  head.resize(have);
  bool gzip = have >= 2 && head[0] == '\x1F' && head[1] == '\x8B';
  bool zstd = have >= 4 && head == std::string_view("\x28\xB5\x2F\xFD", 4);
  std::unique_ptr<ByteSource> src(new PrefixedSource(std::move(head), std::move(raw)));
  if (gzip) return MakeGzipSource(std::move(src));
  if (zstd) return MakeZstdSource(std::move(src));
  return src;
}

Result<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    std::string msg = path + ": " + std::strerror(e);
    if (e == ENOENT) return Status::NotFound(msg);
    return Status::IoError(msg);
  }
#ifdef POSIX_FADV_SEQUENTIAL
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  return std::unique_ptr<ByteSource>(new FdSource(fd, true));
}

std::unique_ptr<ByteSource> MakeFdSource(int fd, bool owned) {
  return std::make_unique<FdSource>(fd, owned);
}

std::unique_ptr<ByteSource> MakeMemorySource(std::string data) {
  return std::make_unique<MemorySource>(std::move(data));
}

std::unique_ptr<ByteSource> MakeGzipSource(std::unique_ptr<ByteSource> compressed) {
  return std::make_unique<GzipSource>(std::move(compressed));
}

std::unique_ptr<ByteSource> MakeZstdSource(std::unique_ptr<ByteSource> compressed) {
  return std::make_unique<ZstdSource>(std::move(compressed));
}

}  // namespace storyline::ingest
