// Copyright storyline authors.
//
// Which vectorised paths this build has. Every vectorised function in the tree has a
// scalar twin that gives the same results bit for bit; these switches only choose
// between them, so outputs never depend on the target or on the CPU.
//
//   STORYLINE_SSE2            1 where SSE2 intrinsics are compiled in: x86-64 (where
//                             SSE2 is part of the base ISA) unless the build says
//                             -DSTORYLINE_SIMD=OFF (STORYLINE_NO_SIMD). 0 elsewhere
//                             (arm64, ...), where the scalar code runs.
//   STORYLINE_AVX2_DISPATCH   1 where functions may be compiled for AVX2 with
//                             [[gnu::target("avx2")]] and chosen at run time by
//                             CpuHasAvx2(); 0 where only the SSE2 or scalar path exists.
#ifndef STORYLINE_SRC_CORE_SIMD_H_
#define STORYLINE_SRC_CORE_SIMD_H_

#if !defined(STORYLINE_NO_SIMD) && (defined(__x86_64__) || defined(_M_X64))
#define STORYLINE_SSE2 1
#include <emmintrin.h>
#else
#define STORYLINE_SSE2 0
#endif

#if STORYLINE_SSE2 && defined(__GNUC__)
#define STORYLINE_AVX2_DISPATCH 1
#include <immintrin.h>
#else
#define STORYLINE_AVX2_DISPATCH 0
#endif

namespace storyline {

// True when the running CPU has AVX2 and POPCNT and this build may use them (always
// false where STORYLINE_AVX2_DISPATCH is 0). Cheap: the answer is cached.
inline bool CpuHasAvx2() {
#if STORYLINE_AVX2_DISPATCH
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
  return has;
#else
  return false;
#endif
}

}  // namespace storyline

#endif  // STORYLINE_SRC_CORE_SIMD_H_
