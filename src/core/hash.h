// Copyright storyline authors.
//
// The hash functions whose values storyline saves. They are part of the file
// formats (docs/formats.md): XXH3-64 with the seeds below, on the little-endian
// bytes given. Changing any of them invalidates stored signatures.
#ifndef STORYLINE_CORE_HASH_H_
#define STORYLINE_CORE_HASH_H_

#include <cstdint>
#include <string_view>

namespace storyline {

inline constexpr uint64_t kShingleSeed = 0x5354'4f52'594c'494eULL;  // "STORYLIN"
inline constexpr uint64_t kContentSeed = 0x636f'6e74'656e'7431ULL;  // "content1"

// XXH3-64 of `bytes` with `seed`.
uint64_t Hash64(std::string_view bytes, uint64_t seed);

}  // namespace storyline

#endif  // STORYLINE_CORE_HASH_H_
