// Copyright storyline authors.
//
// The background document-frequency table, compiled into the library so that a
// binary does not depend on its working directory: the assembler includes
// data/background_df.tsv byte for byte (.incbin; GCC and Clang on ELF targets).
// The build passes the file's path as STORYLINE_BACKGROUND_DF; without it the
// table is empty and IDF comes from the corpus at hand only.
#include <string_view>

#include "relate/relate_internal.h"

#ifdef STORYLINE_BACKGROUND_DF
__asm__(
    ".section .rodata\n"
    ".balign 16\n"
    ".global storyline_background_df_begin\n"
    ".hidden storyline_background_df_begin\n"
    "storyline_background_df_begin:\n"
    ".incbin \"" STORYLINE_BACKGROUND_DF
    "\"\n"
    ".global storyline_background_df_end\n"
    ".hidden storyline_background_df_end\n"
    "storyline_background_df_end:\n"
    ".byte 0\n"
    ".previous\n");
extern "C" const char storyline_background_df_begin[];
extern "C" const char storyline_background_df_end[];
#endif

namespace storyline::relate_internal {

std::string_view EmbeddedBackgroundBytes() {
#ifdef STORYLINE_BACKGROUND_DF
  return std::string_view(storyline_background_df_begin,
                          storyline_background_df_end - storyline_background_df_begin);
#else
  return {};
#endif
}

}  // namespace storyline::relate_internal
