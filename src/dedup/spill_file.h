// Copyright storyline authors.
//
// SpillFile: an anonymous temporary file (created, then unlinked at once, so it
// disappears with the process) written sequentially and read back at random.
// Dedup keeps per-article data here instead of in memory. Not thread-safe.
#ifndef STORYLINE_DEDUP_SPILL_FILE_H_
#define STORYLINE_DEDUP_SPILL_FILE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "storyline/status.h"

namespace storyline {

class SpillFile {
 public:
  SpillFile() = default;
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;  // owns a file descriptor
  SpillFile& operator=(const SpillFile&) = delete;

  // Creates the file in `dir` ("" = $TMPDIR or /tmp).
  Status Open(const std::string& dir);
  // Appends; returns the offset of the first byte written.
  uint64_t offset() const { return size_; }
  Status Append(std::string_view bytes);
  // Writes out buffered bytes; call before reading.
  Status Flush();
  // Maps the flushed file into memory for reading (no more appends after it):
  // ReadAt() then copies without a system call, and View() works. Without a
  // mapping (mmap failed) reads go through pread().
  void Map();
  // Drops the mapped pages below `offset` from this process's memory (they stay
  // readable; the kernel reads them again if touched), so that a sequential
  // pass over a large file does not grow the resident set.
  void Release(uint64_t offset);
  // Reads exactly n bytes at `offset` (must be flushed) into `out`.
  Status ReadAt(uint64_t offset, size_t n, void* out) const;
  // The n bytes at `offset` in the mapping, valid while this lives; nullptr
  // when not mapped or out of range (use ReadAt then).
  const char* View(uint64_t offset, size_t n) const {
    return map_ != nullptr && offset + n <= size_ ? map_ + offset : nullptr;
  }
  uint64_t size() const { return size_; }

 private:
  int fd_ = -1;
  std::string path_;
  std::string buffer_;
  uint64_t size_ = 0;
  const char* map_ = nullptr;
  uint64_t released_ = 0;
};

}  // namespace storyline

#endif  // STORYLINE_DEDUP_SPILL_FILE_H_
