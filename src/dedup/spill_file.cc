#include "dedup/spill_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace storyline {
namespace {
constexpr size_t kBufferBytes = 4 << 20;
}

SpillFile::~SpillFile() {
  if (map_ != nullptr) munmap(const_cast<char*>(map_), size_);
  if (fd_ >= 0) close(fd_);
}

void SpillFile::Map() {
  if (map_ != nullptr || fd_ < 0 || size_ == 0 || !buffer_.empty()) return;
  void* m = mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd_, 0);
  if (m != MAP_FAILED) map_ = static_cast<const char*>(m);
}

Status SpillFile::Open(const std::string& dir) {
  std::string d = dir;
  if (d.empty()) {
    const char* t = std::getenv("TMPDIR");
    d = (t && *t) ? t : "/tmp";
  }
  std::string templ = d + "/storyline-spill-XXXXXX";
  std::vector<char> name(templ.begin(), templ.end());
  name.push_back('\0');
  fd_ = mkstemp(name.data());
  if (fd_ < 0) {
    return Status::IoError("cannot create a temporary file in " + d + ": " +
                           std::strerror(errno));
  }
  path_ = name.data();
  unlink(path_.c_str());  // gone when closed, whatever happens
  buffer_.reserve(kBufferBytes);
  return Status::Ok();
}

Status SpillFile::Append(std::string_view bytes) {
  if (buffer_.size() + bytes.size() > kBufferBytes) STORYLINE_RETURN_IF_ERROR(Flush());
  if (bytes.size() > kBufferBytes) {
    buffer_.append(bytes);
    STORYLINE_RETURN_IF_ERROR(Flush());
  } else {
    buffer_.append(bytes);
  }
  size_ += bytes.size();
  return Status::Ok();
}

Status SpillFile::Flush() {
  const char* p = buffer_.data();
  size_t left = buffer_.size();
  while (left > 0) {
    ssize_t n = write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError("writing temporary file " + path_ + ": " + std::strerror(errno));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  buffer_.clear();
  return Status::Ok();
}

void SpillFile::Release(uint64_t offset) {
  if (map_ == nullptr) return;
  const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  const uint64_t end = std::min(offset, size_) / page * page;
  if (end <= released_) return;
  madvise(const_cast<char*>(map_) + released_, end - released_, MADV_DONTNEED);
  released_ = end;
}

Status SpillFile::ReadAt(uint64_t offset, size_t n, void* out) const {
  if (map_ != nullptr) {
    if (offset + n > size_) return Status::IoError("temporary file " + path_ + " ended early");
    std::memcpy(out, map_ + offset, n);
    return Status::Ok();
  }
  char* p = static_cast<char*>(out);
  while (n > 0) {
    ssize_t got = pread(fd_, p, n, static_cast<off_t>(offset));
    if (got < 0) {
      if (errno == EINTR) continue;
      return Status::IoError("reading temporary file " + path_ + ": " + std::strerror(errno));
    }
    if (got == 0) return Status::IoError("temporary file " + path_ + " ended early");
    p += got;
    n -= static_cast<size_t>(got);
    offset += static_cast<uint64_t>(got);
  }
  return Status::Ok();
}

}  // namespace storyline
