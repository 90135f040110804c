// Copyright storyline authors.
//
// SimHash-64 (Charikar 2002): a 64-bit fingerprint whose Hamming distance tracks
// the cosine distance of two feature multisets. storyline computes it over the
// shingle hashes of minhash.h (docs/formats.md), each occurrence weighing 1.
#ifndef STORYLINE_SIMHASH_H_
#define STORYLINE_SIMHASH_H_

#include <cstdint>
#include <span>

namespace storyline {

// Bit b of the result is 1 when more than half of `features` have bit b set
// (ties give 0). No features: 0. Thread-safe, no state.
uint64_t SimHash64(std::span<const uint64_t> features);

// Number of differing bits (0..64).
int SimHashDistance(uint64_t a, uint64_t b);

}  // namespace storyline

#endif  // STORYLINE_SIMHASH_H_
