// Copyright storyline authors.
//
// SpillFile: an anonymous temporary file (created, then unlinked at once, so it
// disappears with the process) written sequentially and read back at random.
// Dedup keeps per-article data here instead of in memory. Not thread-safe.
#ifndef STORYLINE_DEDUP_SPILL_FILE_H_
#define STORYLINE_DEDUP_SPILL_FILE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
  // Unmaps and closes the file now (the destructor does it otherwise). Nothing
  // but the destructor after it.
  void Close();

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
//
// Reading back goes two ways. ReadAt() reads one range on the calling thread.
// A ReadBatch lists many ranges at once (Add, in increasing order) and is read
// by the background thread while the caller works (StartRead, then WaitRead or
// TakeOver), then handed out range by range (Get). In a batch, ranges less than
// 8 KB apart are read as one span; spans of 64 KB or more are read with
// O_DIRECT into the batch's buffer, the shorter ones by Get() from the page
// cache (which Prefetch() fills). Why not the page cache for everything: on a
// virtual machine whose memory the host hands over lazily (Firecracker, memory
// plugged in as the guest needs it), the guest's first touch of a page it has
// never used is dear, and copying out of freshly filled page cache costs many
// times what direct reads into a buffer that is reused cost. Where the page
// cache is quick, TakeOver() lets the caller copy from it what the disk has not
// read yet.
class SequentialSpill {
 public:
  class ReadBatch;

  SequentialSpill() = default;
  ~SequentialSpill();
  SequentialSpill(const SequentialSpill&) = delete;  // owns a file and a thread
  SequentialSpill& operator=(const SequentialSpill&) = delete;

  // Creates the file in `dir` ("" = $TMPDIR or /tmp).
  Status Open(const std::string& dir);
  Status Append(std::string_view bytes);
  // Writes out everything appended; no Append after it.
  Status Finish();
  // After Finish(): the background thread asks the kernel to read `ranges`
  // ((offset, length) each, after the ranges given before) into the page cache
  // while the caller does other work, and ReadAt() goes through the page cache
  // from then on (also with no range), so a reading pass does not wait on the
  // disk for short ranges. A caller that learns as it works which ranges it
  // will read asks for those alone: filling the page cache costs CPU page by
  // page.
  void Prefetch(std::vector<std::pair<uint64_t, uint64_t>> ranges);
  uint64_t size() const { return size_; }
  // Whether ReadAt() reads with direct I/O (before Prefetch(), where allowed).
  bool direct() const { return direct_ && !cached_.load(std::memory_order_relaxed); }

  // After Finish(): the bytes before `offset` will not be read again. Their
  // page cache (what Prefetch() read) is dropped by the background thread when
  // it has no reads to do, while the caller works, instead of all at once when
  // the file is closed, with one thread busy and the others idle. An offset
  // lower than one given before changes nothing.
  void Release(uint64_t offset);

  // After the last read: the background thread closes the file, which gives its
  // blocks back (slow on a disk that discards freed blocks) and its
  // page cache, and ends, while the caller goes on (to close another file, say).
  // The destructor waits for it. Nothing but the destructor after it.
  void CloseSoon();

  // Reading, after Finish(): sets *out to the n bytes at `offset`. IoError when
  // the file holds fewer. Safe to call from several threads at once.
  Status ReadAt(uint64_t offset, size_t n, std::string* out) const;

  // Hands `b` (its ranges added) to the background thread, which reads it after
  // the batches handed over before. `b` must stay alive and unchanged until
  // WaitRead(b) has returned. After Finish().
  Status StartRead(ReadBatch* b);
  // Waits until the background thread is done with `b`; its read's status. At
  // once for a batch not handed over.
  Status WaitRead(ReadBatch* b) const;
  // Instead of WaitRead(b): takes over what the background thread has not read
  // of `b` yet (it stops within a megabyte, or does not start) and reads it on
  // the calling thread from the page cache, into b's buffer; *copied = the
  // bytes read so. For when the page cache is quicker than the disk.
  Status TakeOver(ReadBatch* b, uint64_t* copied) const;
  // After WaitRead(b) or TakeOver(b): sets *out to the n bytes at `offset`, which must lie in one
  // range added to `b`. *out points into b's buffer or into *scratch, valid until
  // the next call with either. One thread per batch at a time.
  Status Get(ReadBatch* b, uint64_t offset, size_t n, std::string* scratch,
             std::string_view* out) const;

 private:
  struct Block;
  Status WriteBlock(const char* p, size_t n, uint64_t at);
  Status SubmitCurrent(bool last);
  Status WaitWriter();
  void WriterLoop();
  Status ReadSpans(ReadBatch* b) const;

  int fd_ = -1;          // written to (with O_DIRECT where allowed), direct reads
  int cached_fd_ = -1;   // the same file without O_DIRECT: reads via the page cache
  bool direct_ = false;  // fd_ has O_DIRECT
  // Prefetch() called: ReadAt() uses cached_fd_. Atomic: Prefetch() may be
  // called from a thread other than the reader's.
  std::atomic<bool> cached_{false};
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

// The ranges to read in one go, and the buffer they are read into. Reused from
// one batch to the next (Clear), so its buffer is memory already in use. Not
// copyable: the background thread holds its address while reading it.
class SequentialSpill::ReadBatch {
 public:
  ReadBatch() = default;
  ~ReadBatch();
  ReadBatch(const ReadBatch&) = delete;
  ReadBatch& operator=(const ReadBatch&) = delete;

  // Forgets the ranges (keeps the buffer). Not while handed over.
  void Clear();
  // Adds the n bytes at `offset`; offsets increasing, ranges not overlapping.
  void Add(uint64_t offset, size_t n);

 private:
  friend class SequentialSpill;
  struct Span {
    uint64_t begin = 0, end = 0;  // bytes of the file the ranges need
    uint64_t read_at = 0;         // aligned start of the direct read
    size_t buf_at = 0;            // where read_at's byte is in the buffer
    bool direct = false;          // read into the buffer; else Get() reads it
  };
  std::vector<Span> spans_;
  size_t cursor_ = 0;  // the span Get() found last: ranges are asked in order
  char* buf_ = nullptr;
  size_t cap_ = 0;
  bool pending_ = false;           // with the background thread (guarded by its mutex)
  std::atomic<bool> stop_{false};  // TakeOver() asks the thread to stop
  // Where the background thread's direct reads stopped: the span and the file
  // offset in it not read yet (spans_.size() when all were read).
  size_t resume_span_ = 0;
  uint64_t resume_at_ = 0;
  Status status_;
};

}  // namespace storyline

#endif  // STORYLINE_DEDUP_SPILL_FILE_H_
