#include "dedup/spill_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace storyline {
namespace {
// SpillFile's buffer: each write() of it copies it into the page cache. Small
// enough that the buffer is still in the core's cache when written, which makes
// the copy cheaper than with larger buffers.
constexpr size_t kBufferBytes = 1 << 20;
}  // namespace

SpillFile::~SpillFile() { Close(); }

void SpillFile::Close() {
  if (map_ != nullptr) munmap(const_cast<char*>(map_), size_);
  map_ = nullptr;
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

void SpillFile::Map() {
  if (map_ != nullptr || fd_ < 0 || size_ == 0 || used_ != 0) return;
  void* m = mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd_, 0);
  if (m != MAP_FAILED) map_ = static_cast<const char*>(m);
}

namespace {
// A temporary file in `dir` ($TMPDIR or /tmp when empty), unlinked at once so it is
// gone when closed, whatever happens.
// With `second`, also opens the file a second time (an open file description of
// its own: flags such as O_DIRECT set on one do not apply to the other).
Status OpenTemp(const std::string& dir, int* fd, std::string* path, int* second = nullptr) {
  std::string d = dir;
  if (d.empty()) {
    const char* t = std::getenv("TMPDIR");
    d = (t && *t) ? t : "/tmp";
  }
  std::string templ = d + "/storyline-spill-XXXXXX";
  std::vector<char> name(templ.begin(), templ.end());
  name.push_back('\0');
  *fd = mkstemp(name.data());
  if (*fd < 0) {
    return Status::IoError("cannot create a temporary file in " + d + ": " + std::strerror(errno));
  }
  *path = name.data();
  if (second != nullptr) {
    *second = open(path->c_str(), O_RDWR | O_CLOEXEC);
    if (*second < 0) {
      const int e = errno;
      unlink(path->c_str());
      return Status::IoError("cannot open temporary file " + *path + ": " + std::strerror(e));
    }
  }
  unlink(path->c_str());  // gone when closed, whatever happens
  return Status::Ok();
}
}  // namespace

Status SpillFile::Open(const std::string& dir) {
  STORYLINE_RETURN_IF_ERROR(OpenTemp(dir, &fd_, &path_));
  buffer_.reset(new char[kBufferBytes]);
  cap_ = kBufferBytes;
  return Status::Ok();
}

Result<char*> SpillFile::AppendSpace(size_t n) {
  if (used_ + n > cap_) {
    STORYLINE_RETURN_IF_ERROR(Flush());
    if (n > cap_) {  // a record larger than the buffer: a buffer its size
      buffer_.reset(new char[n]);
      cap_ = n;
    }
  }
  char* p = buffer_.get() + used_;
  used_ += n;
  size_ += n;
  return p;
}

Status SpillFile::Flush() {
  const char* p = buffer_.get();
  size_t left = used_;
  while (left > 0) {
    ssize_t n = write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError("writing temporary file " + path_ + ": " + std::strerror(errno));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  used_ = 0;
  return Status::Ok();
}

namespace {
// Reads exactly n bytes at `offset` of the file `fd` (named `path` in errors).
Status PreadAll(int fd, char* p, size_t n, uint64_t offset, const std::string& path) {
  while (n > 0) {
    ssize_t got = pread(fd, p, n, static_cast<off_t>(offset));
    if (got < 0) {
      if (errno == EINTR) continue;
      return Status::IoError("reading temporary file " + path + ": " + std::strerror(errno));
    }
    if (got == 0) return Status::IoError("temporary file " + path + " ended early");
    p += got;
    n -= static_cast<size_t>(got);
    offset += static_cast<uint64_t>(got);
  }
  return Status::Ok();
}
}  // namespace

Status SpillFile::ReadAt(uint64_t offset, size_t n, void* out) const {
  if (map_ != nullptr) {
    if (offset + n > size_) return Status::IoError("temporary file " + path_ + " ended early");
    std::memcpy(out, map_ + offset, n);
    return Status::Ok();
  }
  return PreadAll(fd_, static_cast<char*>(out), n, offset, path_);
}

namespace {
constexpr size_t kAlign = 4096;
constexpr size_t kBlockBytes = 4 << 20;

char* AlignedAlloc(size_t n) {
  void* p = nullptr;
  if (posix_memalign(&p, kAlign, n) != 0) return nullptr;
  return static_cast<char*>(p);
}

}  // namespace

// The background writer: one block in flight at a time.
struct SequentialSpill::Writer {
  std::mutex mu;
  std::condition_variable cv;
  const char* block = nullptr;  // to write; nullptr when idle
  size_t len = 0;
  uint64_t at = 0;
  bool stop = false;
  bool close = false;                                   // CloseSoon(): close the file when stopped
  std::vector<std::pair<uint64_t, uint64_t>> prefetch;  // ranges (at, n) to read ahead
  std::deque<ReadBatch*> reads;                         // batches handed over, oldest first
  uint64_t release_to = 0;  // Release(): the page cache before it is to be dropped
  uint64_t released = 0;    // the page cache before it was dropped
  Status status;
  std::thread thread;
};

SequentialSpill::~SequentialSpill() {
  if (writer_ != nullptr) {
    {
      std::lock_guard<std::mutex> l(writer_->mu);
      writer_->stop = true;
    }
    writer_->cv.notify_all();
    writer_->thread.join();
    delete writer_;
  }
  std::free(fill_);
  std::free(spare_);
  if (fd_ >= 0) close(fd_);
  if (cached_fd_ >= 0) close(cached_fd_);
}

Status SequentialSpill::Open(const std::string& dir) {
  STORYLINE_RETURN_IF_ERROR(OpenTemp(dir, &fd_, &path_, &cached_fd_));
#ifdef O_DIRECT
  const int flags = fcntl(fd_, F_GETFL);
  direct_ = flags >= 0 && fcntl(fd_, F_SETFL, flags | O_DIRECT) == 0;
#endif
  fill_ = AlignedAlloc(kBlockBytes);
  spare_ = AlignedAlloc(kBlockBytes);
  if (fill_ == nullptr || spare_ == nullptr) return Status::IoError("out of memory for " + path_);
  writer_ = new Writer;
  writer_->thread = std::thread([this] { WriterLoop(); });
  return Status::Ok();
}

Status SequentialSpill::WriteBlock(const char* p, size_t n, uint64_t at) {
  while (n > 0) {
    ssize_t w = pwrite(fd_, p, n, static_cast<off_t>(at));
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EINVAL && direct_) {
        // The file system refused direct I/O after all: go on buffered.
        const int flags = fcntl(fd_, F_GETFL);
        if (flags >= 0 && fcntl(fd_, F_SETFL, flags & ~O_DIRECT) == 0) {
          direct_ = false;
          continue;
        }
      }
      return Status::IoError("writing temporary file " + path_ + ": " + std::strerror(errno));
    }
    p += w;
    n -= static_cast<size_t>(w);
    at += static_cast<uint64_t>(w);
  }
  return Status::Ok();
}

void SequentialSpill::WriterLoop() {
  Writer& w = *writer_;
  std::unique_lock<std::mutex> l(w.mu);
  while (true) {
    w.cv.wait(l, [&] {
      return w.stop || w.block != nullptr || !w.prefetch.empty() || !w.reads.empty() ||
             w.release_to > w.released;
    });
    if (!w.prefetch.empty()) {
      std::vector<std::pair<uint64_t, uint64_t>> ranges;
      ranges.swap(w.prefetch);
      l.unlock();
      // Queues the reads and returns; the disk fills the page cache meanwhile.
      // One call reads ahead at most the device's read-ahead window (Linux), so
      // the file is asked for 2 MB at a time.
      constexpr uint64_t kStep = 2 << 20;
      for (const auto& [from, n] : ranges) {
        for (uint64_t at = 0; at < n; at += kStep) {
          posix_fadvise(fd_, static_cast<off_t>(from + at),
                        static_cast<off_t>(std::min(kStep, n - at)), POSIX_FADV_WILLNEED);
        }
      }
      l.lock();
      continue;
    }
    if (w.block == nullptr && !w.reads.empty()) {
      ReadBatch* b = w.reads.front();
      w.reads.pop_front();  // begun: TakeOver() now stops it instead
      l.unlock();
      Status st = ReadSpans(b);
      l.lock();
      b->status_ = st;
      b->pending_ = false;
      w.cv.notify_all();
      continue;
    }
    if (w.block == nullptr && w.release_to > w.released) {  // nothing else to do
      const uint64_t from = w.released, to = w.release_to;
      w.released = to;
      l.unlock();
      posix_fadvise(cached_fd_, static_cast<off_t>(from), static_cast<off_t>(to - from),
                    POSIX_FADV_DONTNEED);
      l.lock();
      continue;
    }
    if (w.block == nullptr) {  // stopped and idle
      if (w.close) {
        close(fd_);
        close(cached_fd_);
        fd_ = cached_fd_ = -1;
      }
      return;
    }
    const char* p = w.block;
    const size_t n = w.len;
    const uint64_t at = w.at;
    l.unlock();
    Status st = WriteBlock(p, n, at);
    l.lock();
    if (!st.ok() && w.status.ok()) w.status = st;
    w.block = nullptr;
    w.cv.notify_all();
  }
}

Status SequentialSpill::WaitWriter() {
  std::unique_lock<std::mutex> l(writer_->mu);
  writer_->cv.wait(l, [&] { return writer_->block == nullptr; });
  return writer_->status;
}

// Hands the filled block to the writer (after the previous one is written) and
// continues in the other buffer. The last block is padded to the alignment
// direct I/O needs; size_ keeps the real length.
Status SequentialSpill::SubmitCurrent(bool last) {
  STORYLINE_RETURN_IF_ERROR(WaitWriter());
  size_t n = fill_used_;
  if (last && n % kAlign != 0) {
    const size_t padded = (n + kAlign - 1) / kAlign * kAlign;
    std::memset(fill_ + n, 0, padded - n);
    n = padded;
  }
  if (n == 0) return Status::Ok();
  {
    std::lock_guard<std::mutex> l(writer_->mu);
    writer_->block = fill_;
    writer_->len = n;
    writer_->at = written_;
  }
  writer_->cv.notify_all();
  written_ += n;
  std::swap(fill_, spare_);
  fill_used_ = 0;
  return Status::Ok();
}

Status SequentialSpill::Append(std::string_view bytes) {
  while (!bytes.empty()) {
    const size_t take = std::min(bytes.size(), kBlockBytes - fill_used_);
    std::memcpy(fill_ + fill_used_, bytes.data(), take);
    fill_used_ += take;
    size_ += take;
    bytes.remove_prefix(take);
    if (fill_used_ == kBlockBytes) STORYLINE_RETURN_IF_ERROR(SubmitCurrent(false));
  }
  return Status::Ok();
}

Status SequentialSpill::Finish() {
  STORYLINE_RETURN_IF_ERROR(SubmitCurrent(true));
  STORYLINE_RETURN_IF_ERROR(WaitWriter());
  std::free(fill_);
  std::free(spare_);
  fill_ = spare_ = nullptr;
  return Status::Ok();
}

void SequentialSpill::Prefetch(std::vector<std::pair<uint64_t, uint64_t>> ranges) {
  if (writer_ == nullptr) return;
  cached_.store(true, std::memory_order_relaxed);
  if (ranges.empty()) return;
  {
    std::lock_guard<std::mutex> l(writer_->mu);
    std::vector<std::pair<uint64_t, uint64_t>>& q = writer_->prefetch;
    if (q.empty()) {
      q.swap(ranges);
    } else {
      q.insert(q.end(), ranges.begin(), ranges.end());
    }
  }
  writer_->cv.notify_all();
}

void SequentialSpill::CloseSoon() {
  if (writer_ == nullptr) return;
  {
    std::lock_guard<std::mutex> l(writer_->mu);
    writer_->stop = true;
    writer_->close = true;
  }
  writer_->cv.notify_all();
}

void SequentialSpill::Release(uint64_t offset) {
  if (writer_ == nullptr) return;
  offset = std::min(offset, size_) / kAlign * kAlign;  // whole pages only
  {
    std::lock_guard<std::mutex> l(writer_->mu);
    if (offset <= writer_->release_to) return;
    writer_->release_to = offset;
  }
  writer_->cv.notify_all();
}

Status SequentialSpill::ReadAt(uint64_t offset, size_t n, std::string* out) const {
  if (offset + n > size_) return Status::IoError("temporary file " + path_ + " ended early");
  out->resize(n);
  if (n == 0) return Status::Ok();
  if (!direct()) return PreadAll(cached_fd_, out->data(), n, offset, path_);
  // Direct I/O reads whole aligned blocks into an aligned buffer (the file is
  // padded to the alignment).
  const uint64_t start = offset / kAlign * kAlign;
  const size_t len = static_cast<size_t>((offset + n - start + kAlign - 1) / kAlign * kAlign);
  std::unique_ptr<char, decltype(&std::free)> buf(AlignedAlloc(len), &std::free);
  if (buf == nullptr) return Status::IoError("out of memory reading " + path_);
  STORYLINE_RETURN_IF_ERROR(PreadAll(fd_, buf.get(), len, start, path_));
  std::memcpy(out->data(), buf.get() + (offset - start), n);
  return Status::Ok();
}

// ---- Batches of reads --------------------------------------------------------

namespace {
// Ranges closer than this are read as one span: a gap of a page or two costs
// the disk little, a separate request costs more CPU than reading the gap.
constexpr uint64_t kMergeGap = 8 << 10;
// Spans at least this long are read directly (one request, whose CPU cost is
// paid once); shorter ones from the page cache (whose CPU cost is per page).
constexpr uint64_t kDirectMin = 64 << 10;
}  // namespace

SequentialSpill::ReadBatch::~ReadBatch() { std::free(buf_); }

void SequentialSpill::ReadBatch::Clear() {
  spans_.clear();
  cursor_ = 0;
  status_ = Status::Ok();
}

void SequentialSpill::ReadBatch::Add(uint64_t offset, size_t n) {
  if (n == 0) return;
  if (!spans_.empty() && offset <= spans_.back().end + kMergeGap) {
    spans_.back().end = std::max(spans_.back().end, offset + n);
    return;
  }
  Span s;
  s.begin = offset;
  s.end = offset + n;
  spans_.push_back(s);
}

Status SequentialSpill::StartRead(ReadBatch* b) {
  if (writer_ == nullptr) return Status::IoError("temporary file " + path_ + " is not open");
  // Lay out the direct spans in the buffer, each at an aligned address.
  size_t need = 0;
  for (ReadBatch::Span& s : b->spans_) {
    if (s.end > size_) return Status::IoError("temporary file " + path_ + " ended early");
    s.direct = direct_ && s.end - s.begin >= kDirectMin;
    if (!s.direct) continue;
    s.read_at = s.begin / kAlign * kAlign;
    s.buf_at = need;
    // The file is padded to the alignment, so the rounded-up end is in it.
    need += static_cast<size_t>((s.end - s.read_at + kAlign - 1) / kAlign * kAlign);
  }
  if (need > b->cap_) {
    std::free(b->buf_);
    b->cap_ = 0;
    b->buf_ = AlignedAlloc(need + need / 4);
    if (b->buf_ == nullptr) return Status::IoError("out of memory reading " + path_);
    b->cap_ = need + need / 4;
  }
  b->cursor_ = 0;
  b->status_ = Status::Ok();
  b->stop_.store(false, std::memory_order_relaxed);
  b->resume_span_ = 0;
  b->resume_at_ = 0;
  if (need == 0) {  // nothing for the background thread
    b->resume_span_ = b->spans_.size();
    return Status::Ok();
  }
  {
    std::lock_guard<std::mutex> l(writer_->mu);
    b->pending_ = true;
    writer_->reads.push_back(b);
  }
  writer_->cv.notify_all();
  return Status::Ok();
}

Status SequentialSpill::WaitRead(ReadBatch* b) const {
  if (writer_ == nullptr) return b->status_;
  std::unique_lock<std::mutex> l(writer_->mu);
  writer_->cv.wait(l, [&] { return !b->pending_; });
  return b->status_;
}

// On the background thread: the direct spans of `b`, a megabyte per request
// (as fast as longer ones here), until TakeOver() asks it to stop.
Status SequentialSpill::ReadSpans(ReadBatch* b) const {
  constexpr uint64_t kPiece = 1 << 20;
  for (size_t k = 0; k < b->spans_.size(); ++k) {
    const ReadBatch::Span& s = b->spans_[k];
    if (!s.direct) continue;
    const uint64_t end = (s.end + kAlign - 1) / kAlign * kAlign;
    for (uint64_t at = s.read_at; at < end; at += kPiece) {
      if (b->stop_.load(std::memory_order_relaxed)) {
        b->resume_span_ = k;
        b->resume_at_ = at;
        return Status::Ok();
      }
      const size_t len = static_cast<size_t>(std::min(kPiece, end - at));
      char* p = b->buf_ + s.buf_at + (at - s.read_at);
      // A file system that took direct writes but refuses this read: the page
      // cache then (the file is padded to the alignment, so these bytes exist).
      if (!PreadAll(fd_, p, len, at, path_).ok()) {
        STORYLINE_RETURN_IF_ERROR(PreadAll(cached_fd_, p, len, at, path_));
      }
    }
  }
  b->resume_span_ = b->spans_.size();
  return Status::Ok();
}

Status SequentialSpill::TakeOver(ReadBatch* b, uint64_t* copied) const {
  *copied = 0;
  if (writer_ != nullptr) {
    std::unique_lock<std::mutex> l(writer_->mu);
    if (b->pending_) {
      auto it = std::find(writer_->reads.begin(), writer_->reads.end(), b);
      if (it != writer_->reads.end()) {  // not begun
        writer_->reads.erase(it);
        b->resume_span_ = 0;
        b->resume_at_ = 0;
        b->pending_ = false;
      } else {
        b->stop_.store(true, std::memory_order_relaxed);
        writer_->cv.wait(l, [&] { return !b->pending_; });
      }
    }
  }
  STORYLINE_RETURN_IF_ERROR(b->status_);
  for (size_t k = b->resume_span_; k < b->spans_.size(); ++k) {
    const ReadBatch::Span& s = b->spans_[k];
    if (!s.direct) continue;
    const uint64_t end = (s.end + kAlign - 1) / kAlign * kAlign;
    const uint64_t from = k == b->resume_span_ ? std::max(s.read_at, b->resume_at_) : s.read_at;
    if (from >= end) continue;
    STORYLINE_RETURN_IF_ERROR(PreadAll(cached_fd_, b->buf_ + s.buf_at + (from - s.read_at),
                                       static_cast<size_t>(end - from), from, path_));
    *copied += end - from;
  }
  b->resume_span_ = b->spans_.size();
  return Status::Ok();
}

Status SequentialSpill::Get(ReadBatch* b, uint64_t offset, size_t n, std::string* scratch,
                            std::string_view* out) const {
  const std::vector<ReadBatch::Span>& spans = b->spans_;
  size_t k = b->cursor_ < spans.size() && spans[b->cursor_].begin <= offset ? b->cursor_ : 0;
  while (k < spans.size() && spans[k].end < offset + n) ++k;
  if (k == spans.size() || spans[k].begin > offset) {
    return Status::IoError("temporary file " + path_ + ": range not in the read batch");
  }
  b->cursor_ = k;
  const ReadBatch::Span& s = spans[k];
  if (s.direct) {
    *out = std::string_view(b->buf_ + s.buf_at + (offset - s.read_at), n);
    return Status::Ok();
  }
  scratch->resize(n);
  if (n > 0) STORYLINE_RETURN_IF_ERROR(PreadAll(cached_fd_, scratch->data(), n, offset, path_));
  *out = *scratch;
  return Status::Ok();
}

}  // namespace storyline
