// Copyright storyline authors.
//
// Byte streams the readers pull from: a file or descriptor, memory, and the
// gzip and zstd decompressors layered on one of those. Each reads in chunks, so
// memory does not grow with the size of the input. Internal to src/ingest.
#ifndef STORYLINE_INGEST_BYTE_SOURCE_H_
#define STORYLINE_INGEST_BYTE_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "storyline/status.h"

namespace storyline::ingest {

inline constexpr size_t kChunkSize = size_t{1} << 20;  // 1 MiB reads

// A stream of bytes. Not thread-safe; not copyable (owns a descriptor or a
// decompressor).
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  ByteSource() = default;
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  // Reads up to `n` bytes into `buf`; 0 only at the end of the stream.
  // IoError when the system refuses the read; Corruption when a compressed
  // stream is damaged or ends early (the message is the reason, e.g.
  // "truncated gzip stream"). After an error the source is at its end.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
  // Bytes taken from the underlying file so far (compressed bytes for a
  // decompressor), for progress.
  virtual uint64_t consumed() const = 0;
};

// Opens `path` for reading. NotFound / IoError naming the path.
Result<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& path);
// Reads from descriptor `fd`, closing it at the end when `owned`.
std::unique_ptr<ByteSource> MakeFdSource(int fd, bool owned);
// Reads the bytes of `data`.
std::unique_ptr<ByteSource> MakeMemorySource(std::string data);
// Decompresses gzip (one or several members, as `cat a.gz b.gz` makes) or zlib.
std::unique_ptr<ByteSource> MakeGzipSource(std::unique_ptr<ByteSource> compressed);
// Decompresses one or several zstd frames (streaming API).
std::unique_ptr<ByteSource> MakeZstdSource(std::unique_ptr<ByteSource> compressed);
// Looks at the first bytes of `raw` and layers the gzip or zstd decompressor on
// it when they are a gzip or zstd magic number; otherwise reads it as it is.
// Names do not decide: a gzip stream piped into standard input is read too.
Result<std::unique_ptr<ByteSource>> MakeSniffingSource(std::unique_ptr<ByteSource> raw);

}  // namespace storyline::ingest

#endif  // STORYLINE_INGEST_BYTE_SOURCE_H_
