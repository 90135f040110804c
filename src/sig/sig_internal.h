// Copyright storyline authors.
//
// Internals of src/sig exposed to its tests only.
#ifndef STORYLINE_SIG_SIG_INTERNAL_H_
#define STORYLINE_SIG_SIG_INTERNAL_H_

#include <cstddef>
#include <cstdint>

#include "core/simd.h"

namespace storyline::sig_internal {

// The counts CompareSets chooses between for 32-bit sets (same contract, same
// results): AVX2 where the CPU has it (CpuHasAvx2()), else SSE2 where the build
// has it, else the scalar merge. The tests call each the build has, whatever
// the machine running them would take by itself.
#if STORYLINE_AVX2_DISPATCH
size_t CommonAvx2(const uint32_t* a, size_t na, const uint32_t* b, size_t nb);
#endif
#if STORYLINE_SSE2
size_t CommonSse2(const uint32_t* a, size_t na, const uint32_t* b, size_t nb);
#endif
size_t CommonScalar(const uint32_t* a, size_t na, const uint32_t* b, size_t nb);

}  // namespace storyline::sig_internal

#endif  // STORYLINE_SIG_SIG_INTERNAL_H_
