// Copyright storyline authors.
//
// libFuzzer target: WarcReader over arbitrary bytes (plain or gzip, chosen by
// the bytes themselves), reading every record to the end, then extracting the
// first HTML record. Must never crash, hang or loop forever.
#include <cstddef>
#include <cstdint>
#include <string>

#include "storyline/extract.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto reader =
      storyline::WarcReader::OpenBuffer(std::string(reinterpret_cast<const char*>(data), size));
  if (!reader.ok()) return 0;
  storyline::WarcRecord rec;
  bool extracted = false;
  // Each call consumes input or reports an error after skipping some; bound
  // the loop anyway so a regression shows as a failure, not a hang.
  for (size_t calls = 0; calls < 4 * size + 16; ++calls) {
    auto more = (*reader)->Next(&rec);
    if (!more.ok()) continue;
    if (!*more) return 0;
    if (!extracted) {
      extracted = true;
      (void)storyline::ExtractArticle(rec.body, {}, rec.content_type, rec.target_uri);
    }
  }
  __builtin_trap();  // Next() never reported the end
}
