// Copyright storyline authors.
//
// libFuzzer target: ExtractArticle on arbitrary bytes, with and without a
// Content-Type, with and without comments. Must never crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "storyline/extract.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  storyline::ExtractOptions opt;
  opt.include_comments = size > 0 && (data[0] & 1);
  // The first byte picks a declared charset, to reach the converters too.
  static constexpr std::string_view kTypes[] = {"",
                                                "text/html; charset=utf-8",
                                                "text/html; charset=windows-1252",
                                                "text/html; charset=shift_jis",
                                                "text/html; charset=iso-8859-2",
                                                "text/html; charset=utf-16le",
                                                "text/html; charset=bogus-charset",
                                                ""};
  std::string_view ctype = size > 0 ? kTypes[data[0] % 8] : "";
  auto r = storyline::ExtractArticle(bytes, opt, ctype, "https://fuzz.example/2023/01/02/x");
  (void)r;
  return 0;
}
