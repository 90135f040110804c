// Copyright storyline authors.
//
// Internals of src/sig exposed to its tests only.
#ifndef STORYLINE_SIG_SIG_INTERNAL_H_
#define STORYLINE_SIG_SIG_INTERNAL_H_

#include <cstddef>
#include <cstdint>

namespace storyline::sig_internal {

// CompareSets' count for 32-bit sets on CPUs without AVX2 (SSE2 only), which
// the machine running the tests may not take by itself. Same contract.
size_t CommonSse2(const uint32_t* a, size_t na, const uint32_t* b, size_t nb);

}  // namespace storyline::sig_internal

#endif  // STORYLINE_SIG_SIG_INTERNAL_H_
