#include "storyline/simhash.h"

#include <bit>

namespace storyline {

uint64_t SimHash64(std::span<const uint64_t> features) {
  // Bit counts per position; the inner loop has no branch, so it vectorises.
  uint32_t counts[64] = {};
  for (uint64_t h : features) {
    for (int b = 0; b < 64; ++b) counts[b] += static_cast<uint32_t>((h >> b) & 1);
  }
  const uint64_t n = features.size();
  uint64_t out = 0;
  for (int b = 0; b < 64; ++b) {
    if (2 * static_cast<uint64_t>(counts[b]) > n) out |= (uint64_t{1} << b);
  }
  return out;
}

int SimHashDistance(uint64_t a, uint64_t b) { return std::popcount(a ^ b); }

}  // namespace storyline
