// Copyright storyline authors.
//
// SpillFile: an anonymous temporary file (created, then unlinked at once, so it
// disappears with the process) written sequentially and read back at random.
// Dedup keeps per-article data here instead of in memory. Not thread-safe.
#ifndef STORYLINE_DEDUP_SPILL_FILE_H_
#define STORYLINE_DEDUP_SPILL_FILE_H_

#include <cstdint>
#include <memory>
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
  // The offset the next bytes appended will have.
  uint64_t offset() const { return size_; }
  // Appends n bytes that the caller writes at the returned address (valid until
  // the next call).
  Result<char*> AppendSpace(size_t n);
  // Writes out buffered bytes; call before reading.
  Status Flush();
  // Maps the flushed file into memory for reading (no more appends after it):
  // ReadAt() then copies without a system call, and View() works. Without a
  // mapping (mmap failed) reads go through pread().
  void Map();
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
  std::unique_ptr<char[]> buffer_;
  size_t cap_ = 0;
  size_t used_ = 0;
  uint64_t size_ = 0;
  const char* map_ = nullptr;
};

// SequentialSpill: an anonymous temporary file written once from start to end,
// then read back at the places asked for. Written with O_DIRECT where the file
// system allows it (buffered otherwise): the bytes go from this process's
// buffer to the disk without a copy into the page cache, which on a large spill
// costs more CPU than anything else about it. Full 4 MB blocks are written by a
// background thread while the next block fills (the thread waits on the disk,
// it uses no CPU to speak of). Appends are not thread-safe; reads are.
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

  // Reading, after Finish(): sets *out to the n bytes at `offset`. IoError when
  // the file holds fewer. Safe to call from several threads at once.
  Status ReadAt(uint64_t offset, size_t n, std::string* out) const;

 private:
  struct Block;
  Status WriteBlock(const char* p, size_t n, uint64_t at);
  Status SubmitCurrent(bool last);
  Status WaitWriter();
  void WriterLoop();

  int fd_ = -1;
  bool direct_ = false;
  std::string path_;
  uint64_t size_ = 0;     // bytes appended
  uint64_t written_ = 0;  // file offset of the current block
  // Writing: the block being filled and the one being written.
  char* fill_ = nullptr;
  size_t fill_used_ = 0;
  char* spare_ = nullptr;
  struct Writer;
  Writer* writer_ = nullptr;
};

}  // namespace storyline

#endif  // STORYLINE_DEDUP_SPILL_FILE_H_
