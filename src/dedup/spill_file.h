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
  bool mapped() const { return map_ != nullptr; }

 private:
  int fd_ = -1;
  std::string path_;
  std::string buffer_;
  uint64_t size_ = 0;
  const char* map_ = nullptr;
  uint64_t released_ = 0;
};

// SequentialSpill: an anonymous temporary file written once from start to end,
// then read once from start to end. Written with O_DIRECT where the file system
// allows it (buffered otherwise): the bytes go from this process's buffer to the
// disk without a copy into the page cache, which on a large spill costs more CPU
// than anything else about it. Full 4 MB blocks are written by a background
// thread while the next block fills (the thread waits on the disk, it uses no
// CPU to speak of). Not thread-safe.
class SequentialSpill {
 public:
  SequentialSpill() = default;
  ~SequentialSpill();
  SequentialSpill(const SequentialSpill&) = delete;  // owns a file and a thread
  SequentialSpill& operator=(const SequentialSpill&) = delete;

  // Creates the file in `dir` ("" = $TMPDIR or /tmp).
  Status Open(const std::string& dir);
  Status Append(std::string_view bytes);
  // Writes out everything appended; no Append after it.
  Status Finish();
  // After Finish(): the background thread asks the kernel to read the file into
  // the page cache (as much as half the free memory holds) while the caller
  // does other work, and reads go through the page cache from then on, so the
  // reading pass does not wait on the disk.
  void Prefetch();
  uint64_t size() const { return size_; }
  bool direct() const { return direct_; }

  // Reading, after Finish(): the next n bytes of the file, valid until the next
  // call. IoError when fewer than n bytes are left.
  Status Next(size_t n, const char** out);
  // Moves the read position forward to `offset` (>= the current position): the
  // bytes in between are not read unless they share an aligned block with what
  // is read next.
  Status Seek(uint64_t offset);

 private:
  struct Block;
  Status WriteBlock(const char* p, size_t n, uint64_t at);
  Status SubmitCurrent(bool last);
  Status WaitWriter();
  void WriterLoop();

  int fd_ = -1;
  bool direct_ = false;
  bool prefetched_ = false;
  std::string path_;
  uint64_t size_ = 0;     // bytes appended
  uint64_t written_ = 0;  // file offset of the current block
  // Writing: the block being filled and the one being written.
  char* fill_ = nullptr;
  size_t fill_used_ = 0;
  char* spare_ = nullptr;
  struct Writer;
  Writer* writer_ = nullptr;
  // Reading: [win_at, win_at + win_len) of the file is at buf_[0, win_len).
  char* buf_ = nullptr;
  size_t buf_cap_ = 0;
  uint64_t win_at_ = 0;
  size_t win_len_ = 0;
  uint64_t read_pos_ = 0;
};

}  // namespace storyline

#endif  // STORYLINE_DEDUP_SPILL_FILE_H_
