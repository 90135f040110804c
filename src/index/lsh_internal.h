// Copyright storyline authors.
//
// Internals of src/index: the slot scans of CompactLshIndex's 16-slot buckets,
// here so that the tests can compare the vectorised scans with the scalar ones.
#ifndef STORYLINE_INDEX_LSH_INTERNAL_H_
#define STORYLINE_INDEX_LSH_INTERNAL_H_

#include <cstdint>

#include "core/simd.h"

namespace storyline::index_internal {

// Slots per CompactLshIndex bucket (CompactLshIndex::kSlots).
constexpr int kBucketSlots = 16;

// Bit k set when slot k of the 16-slot bucket at s is empty (0).
inline unsigned EmptySlotsScalar(const uint32_t* s) {
  unsigned m = 0;
  for (int k = 0; k < kBucketSlots; ++k) m |= static_cast<unsigned>(s[k] == 0) << k;
  return m;
}

// Bit k set when slot k is in use and (slot & known) == target.
inline unsigned MatchingSlotsScalar(const uint32_t* s, uint32_t known, uint32_t target) {
  unsigned m = 0;
  for (int k = 0; k < kBucketSlots; ++k) {
    m |= static_cast<unsigned>(s[k] != 0 && (s[k] & known) == target) << k;
  }
  return m;
}

// EmptySlotsScalar, four slots at a time where the build has SSE2.
inline unsigned EmptySlots(const uint32_t* s) {
#if STORYLINE_SSE2
  const __m128i z = _mm_setzero_si128();
  unsigned m = 0;
  for (int q = 0; q < 4; ++q) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + ptrdiff_t{4} * q));
    m |= static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(v, z)))) << (4 * q);
  }
  return m;
#else
  return EmptySlotsScalar(s);
#endif
}

// MatchingSlotsScalar, four slots at a time where the build has SSE2.
inline unsigned MatchingSlots(const uint32_t* s, uint32_t known, uint32_t target) {
#if STORYLINE_SSE2
  const __m128i z = _mm_setzero_si128(), km = _mm_set1_epi32(static_cast<int>(known)),
                tv = _mm_set1_epi32(static_cast<int>(target));
  unsigned m = 0;
  for (int q = 0; q < 4; ++q) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + ptrdiff_t{4} * q));
    const __m128i hit =
        _mm_andnot_si128(_mm_cmpeq_epi32(v, z), _mm_cmpeq_epi32(_mm_and_si128(v, km), tv));
    m |= static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(hit))) << (4 * q);
  }
  return m;
#else
  return MatchingSlotsScalar(s, known, target);
#endif
}

}  // namespace storyline::index_internal

#endif  // STORYLINE_INDEX_LSH_INTERNAL_H_
