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
  // Reads exactly n bytes at `offset` (must be flushed) into `out`.
  Status ReadAt(uint64_t offset, size_t n, void* out) const;
  uint64_t size() const { return size_; }

 private:
  int fd_ = -1;
  std::string path_;
  std::string buffer_;
  uint64_t size_ = 0;
};

}  // namespace storyline

#endif  // STORYLINE_DEDUP_SPILL_FILE_H_
