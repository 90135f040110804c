#include "storyline/minhash.h"

// XXH3 inlined: shingles are short, and the call and its dispatch cost as much as
// the hashing. Same function, same values.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <cassert>
#include <cstring>

#include "core/hash.h"
#include "core/simd.h"
#include "sig/sig_internal.h"

namespace storyline {
namespace {

// floor(h * n / 2^64): maps a 64-bit hash to [0, n) without division.
inline uint32_t Reduce(uint64_t h, uint32_t n) {
  return static_cast<uint32_t>((static_cast<unsigned __int128>(h) * n) >> 64);
}

// memcpy without the call for the short strings words are; reads and writes
// only [0, n).
inline void CopySmall(char* dst, const char* src, size_t n) {
  if (n >= 8) {
    if (n > 16) {
      std::memcpy(dst, src, n);
      return;
    }
    uint64_t a, b;
    std::memcpy(&a, src, 8);
    std::memcpy(&b, src + n - 8, 8);
    std::memcpy(dst, &a, 8);
    std::memcpy(dst + n - 8, &b, 8);
  } else if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, src, 4);
    std::memcpy(&b, src + n - 4, 4);
    std::memcpy(dst, &a, 4);
    std::memcpy(dst + n - 4, &b, 4);
  } else {
    for (size_t i = 0; i < n; ++i) dst[i] = src[i];
  }
}

}  // namespace

uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

namespace {

// The words joined by single spaces, with starts[i] the offset of word i and
// starts[n] the end + 1. Words that already lie in one buffer, each followed by
// one space (as Tokenize() leaves them in Words::norm), are used where they are;
// others are copied into a thread-local buffer. Kept apart from the hashing loop
// so that the compiler inlines XXH3 there.
[[gnu::noinline]] std::string_view JoinWords(std::span<const std::string_view> words,
                                             std::vector<uint32_t>* starts_v) {
  thread_local std::string joined;
  const size_t n = words.size();
  starts_v->resize(n + 1);
  uint32_t* starts = starts_v->data();
  bool in_place = n > 0;
  for (size_t i = 0; i + 1 < n && in_place; ++i) {
    const char* e = words[i].data() + words[i].size();
    in_place = words[i + 1].data() == e + 1 && *e == ' ';
  }
  if (in_place) {
    const char* b = words[0].data();
    for (size_t i = 0; i < n; ++i) starts[i] = static_cast<uint32_t>(words[i].data() - b);
    const size_t end = static_cast<size_t>(words[n - 1].data() + words[n - 1].size() - b);
    starts[n] = static_cast<uint32_t>(end + 1);  // sentinel: end + 1 space
    return std::string_view(b, end);
  }
  size_t total = n;
  for (std::string_view w : words) total += w.size();
  joined.resize(total);  // words + separating spaces + one spare byte
  char* p = joined.data();
  uint32_t at = 0;
  for (size_t i = 0; i < n; ++i) {
    const std::string_view w = words[i];
    starts[i] = at;
    CopySmall(p + at, w.data(), w.size());
    at += static_cast<uint32_t>(w.size());
    p[at++] = ' ';
  }
  joined.resize(n == 0 ? 0 : at - 1);
  starts[n] = at;  // sentinel: end + 1 space
  return joined;
}

}  // namespace

namespace {

// HashShingles; the content hash only when `content` is not null.
void HashShinglesInto(std::span<const std::string_view> words, int shingle_size,
                      std::vector<uint64_t>* out, uint64_t* content) {
  assert(shingle_size >= 1);
  out->clear();
  // Every shingle is a substring of the joined words: hashing one needs no copy.
  thread_local std::vector<uint32_t> starts;
  const size_t n = words.size();
  const std::string_view all = JoinWords(words, &starts);
  const char* base = all.data();
  if (content != nullptr) *content = HashJoinedWords(all);
  if (n == 0) return;
  const size_t k = static_cast<size_t>(shingle_size);
  if (n <= k) {
    out->push_back(XXH3_64bits_withSeed(base, all.size(), kShingleSeed));
    return;
  }
  out->resize(n - k + 1);
  uint64_t* o = out->data();
  for (size_t i = 0; i + k <= n; ++i) {
    const uint32_t b = starts[i];
    const uint32_t e = starts[i + k] - 1;  // drop the separating space
    o[i] = XXH3_64bits_withSeed(base + b, e - b, kShingleSeed);
  }
}

}  // namespace

uint64_t HashShingles(std::span<const std::string_view> words, int shingle_size,
                      std::vector<uint64_t>* out) {
  uint64_t content = 0;
  HashShinglesInto(words, shingle_size, out, &content);
  return content;
}

void HashShinglesOnly(std::span<const std::string_view> words, int shingle_size,
                      std::vector<uint64_t>* out) {
  HashShinglesInto(words, shingle_size, out, nullptr);
}

uint64_t HashJoinedWords(std::string_view joined_words) {
  return XXH3_64bits_withSeed(joined_words.data(), joined_words.size(), kContentSeed);
}

void SortUnique(std::vector<uint64_t>* hashes) {
  std::sort(hashes->begin(), hashes->end());
  hashes->erase(std::unique(hashes->begin(), hashes->end()), hashes->end());
}

double SetOverlap::jaccard() const {
  const size_t uni = size_a + size_b - intersection;
  return uni == 0 ? 0.0 : static_cast<double>(intersection) / uni;
}

double SetOverlap::containment() const {
  const size_t m = std::min(size_a, size_b);
  return m == 0 ? 0.0 : static_cast<double>(intersection) / m;
}

namespace {

// Values both sorted runs a[i..na) and b[j..nb) hold: the scalar merge,
// branch-free.
template <typename T>
size_t MergeCount(const T* a, size_t i, size_t na, const T* b, size_t j, size_t nb) {
  size_t n = 0;
  while (i < na && j < nb) {
    const T x = a[i], y = b[j];
    n += (x == y);
    i += (x <= y);
    j += (y <= x);
  }
  return n;
}

}  // namespace

namespace sig_internal {

// The same count over sets of distinct 32-bit values, vectorised: blocks of 8
// values of each set compared all against all with AVX2 (where the CPU has it),
// or of 4 with SSE2, then the block with the smaller last value moves on; the
// tails by the merge. Dedup's verification spends most of its time here.
#if STORYLINE_AVX2_DISPATCH
[[gnu::target("avx2,popcnt")]] size_t CommonAvx2(const uint32_t* a, size_t na, const uint32_t* b,
                                                 size_t nb) {
  size_t i = 0, j = 0, n = 0;
  const size_t ea = na & ~size_t{7}, eb = nb & ~size_t{7};
  const __m256i r1 = _mm256_setr_epi32(1, 2, 3, 4, 5, 6, 7, 0);
  const __m256i r2 = _mm256_setr_epi32(2, 3, 4, 5, 6, 7, 0, 1);
  const __m256i r3 = _mm256_setr_epi32(3, 4, 5, 6, 7, 0, 1, 2);
  while (i < ea && j < eb) {
    const __m256i va = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i));
    const __m256i vb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + j));
    const __m256i vb4 = _mm256_permute2x128_si256(vb, vb, 1);  // halves swapped
    // Eight rotations of b's block, each from vb or vb4 directly (no chain).
    const __m256i m0 = _mm256_or_si256(_mm256_cmpeq_epi32(va, vb), _mm256_cmpeq_epi32(va, vb4));
    const __m256i m1 = _mm256_or_si256(_mm256_cmpeq_epi32(va, _mm256_permutevar8x32_epi32(vb, r1)),
                                       _mm256_cmpeq_epi32(va, _mm256_permutevar8x32_epi32(vb, r2)));
    const __m256i m2 =
        _mm256_or_si256(_mm256_cmpeq_epi32(va, _mm256_permutevar8x32_epi32(vb, r3)),
                        _mm256_cmpeq_epi32(va, _mm256_permutevar8x32_epi32(vb4, r1)));
    const __m256i m3 =
        _mm256_or_si256(_mm256_cmpeq_epi32(va, _mm256_permutevar8x32_epi32(vb4, r2)),
                        _mm256_cmpeq_epi32(va, _mm256_permutevar8x32_epi32(vb4, r3)));
    const __m256i m = _mm256_or_si256(_mm256_or_si256(m0, m1), _mm256_or_si256(m2, m3));
    // Values are distinct in each set: a lane of a matches one of b at most.
    n += static_cast<size_t>(__builtin_popcount(_mm256_movemask_ps(_mm256_castsi256_ps(m))));
    const uint32_t amax = a[i + 7], bmax = b[j + 7];
    i += static_cast<size_t>(amax <= bmax) << 3;
    j += static_cast<size_t>(bmax <= amax) << 3;
  }
  return n + MergeCount(a, i, na, b, j, nb);
}
#endif  // STORYLINE_AVX2_DISPATCH

#if STORYLINE_SSE2
size_t CommonSse2(const uint32_t* a, size_t na, const uint32_t* b, size_t nb) {
  size_t i = 0, j = 0, n = 0;
  const size_t ea = na & ~size_t{3}, eb = nb & ~size_t{3};
  while (i < ea && j < eb) {
    const __m128i va = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i));
    const __m128i vb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + j));
    const __m128i m = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi32(va, vb), _mm_cmpeq_epi32(va, _mm_shuffle_epi32(vb, 0x39))),
        _mm_or_si128(_mm_cmpeq_epi32(va, _mm_shuffle_epi32(vb, 0x4E)),
                     _mm_cmpeq_epi32(va, _mm_shuffle_epi32(vb, 0x93))));
    // Bits set in the 4-bit mask, from a table of 16 nibbles (no popcnt in SSE2).
    n += (0x4332322132212110ULL >> (_mm_movemask_ps(_mm_castsi128_ps(m)) * 4)) & 0xF;
    const uint32_t amax = a[i + 3], bmax = b[j + 3];
    i += static_cast<size_t>(amax <= bmax) << 2;
    j += static_cast<size_t>(bmax <= amax) << 2;
  }
  return n + MergeCount(a, i, na, b, j, nb);
}
#endif  // STORYLINE_SSE2

size_t CommonScalar(const uint32_t* a, size_t na, const uint32_t* b, size_t nb) {
  return MergeCount(a, 0, na, b, 0, nb);
}

}  // namespace sig_internal

SetOverlap CompareSets(std::span<const uint64_t> a, std::span<const uint64_t> b) {
  return {MergeCount(a.data(), 0, a.size(), b.data(), 0, b.size()), a.size(), b.size()};
}

SetOverlap CompareSets(std::span<const uint32_t> a, std::span<const uint32_t> b) {
#if STORYLINE_AVX2_DISPATCH
  if (CpuHasAvx2()) {
    return {sig_internal::CommonAvx2(a.data(), a.size(), b.data(), b.size()), a.size(), b.size()};
  }
#endif
#if STORYLINE_SSE2
  return {sig_internal::CommonSse2(a.data(), a.size(), b.data(), b.size()), a.size(), b.size()};
#else
  return {sig_internal::CommonScalar(a.data(), a.size(), b.data(), b.size()), a.size(), b.size()};
#endif
}

MinHasher::MinHasher(int num_hashes) : num_hashes_(num_hashes) {
  assert(num_hashes >= 1 && num_hashes <= 65536);
  const uint32_t k = static_cast<uint32_t>(num_hashes_);
  probes_.resize(static_cast<size_t>(k) * kProbes);
  for (uint32_t i = 0; i < k; ++i) {
    for (uint64_t attempt = 1; attempt <= kProbes; ++attempt) {
      probes_[(size_t{i} * kProbes) + attempt - 1] = static_cast<uint16_t>(
          Reduce(SplitMix64(kDensifySeed ^ (static_cast<uint64_t>(i) << 32) ^ attempt), k));
    }
  }
}

void MinHasher::Sign(std::span<const uint64_t> shingles, uint32_t* sig) const {
  const uint32_t k = static_cast<uint32_t>(num_hashes_);
  std::fill(sig, sig + k, kEmptyMinHash);
  if (shingles.empty()) return;
  // A bin is empty when no shingle fell in it; a value of 0xFFFFFFFF is legal, so
  // emptiness is tracked apart, one bit per bin. Branch-free: which bin a shingle
  // falls in, and whether it lowers the bin, cannot be predicted.
  const size_t words = (k + 63) / 64;
  thread_local std::vector<uint64_t> filled;
  filled.assign(words, 0);
  uint64_t* bits = filled.data();
  for (uint64_t h : shingles) {
    const uint32_t bin = Reduce(h, k);
    const uint32_t v = static_cast<uint32_t>(h);
    const uint32_t cur = sig[bin];
    sig[bin] = v < cur ? v : cur;
    bits[bin >> 6] |= uint64_t{1} << (bin & 63);
  }
  auto is_filled = [bits](uint32_t j) { return (bits[j >> 6] >> (j & 63)) & 1; };
  for (size_t w = 0; w < words; ++w) {
    uint64_t empty = ~bits[w];
    if (w + 1 == words && (k & 63) != 0) empty &= (uint64_t{1} << (k & 63)) - 1;
    while (empty != 0) {
      const uint32_t i = static_cast<uint32_t>(w * 64 + __builtin_ctzll(empty));
      empty &= empty - 1;
      const uint16_t* probe = probes_.data() + static_cast<size_t>(i) * kProbes;
      // Which of the precomputed probes hit a filled bin, all at once (a branch
      // per probe would be mispredicted half the time); the first one wins.
      uint32_t hits = 0;
      for (int a = 0; a < kProbes; ++a) {
        hits |= static_cast<uint32_t>(is_filled(probe[a])) << a;
      }
      if (hits != 0) {
        sig[i] = sig[probe[__builtin_ctz(hits)]];
        continue;
      }
      for (uint64_t attempt = kProbes + 1;; ++attempt) {
        const uint32_t j =
            Reduce(SplitMix64(kDensifySeed ^ (static_cast<uint64_t>(i) << 32) ^ attempt), k);
        if (is_filled(j)) {
          sig[i] = sig[j];
          break;
        }
      }
    }
  }
}

std::vector<uint32_t> MinHasher::Sign(std::span<const uint64_t> shingles) const {
  std::vector<uint32_t> sig(num_hashes_);
  Sign(shingles, sig.data());
  return sig;
}

double EstimateJaccard(std::span<const uint32_t> a, std::span<const uint32_t> b) {
  if (a.size() != b.size() || a.empty()) return 0.0;
  size_t same = 0;
  bool a_empty = true, b_empty = true;
  for (size_t i = 0; i < a.size(); ++i) {
    same += (a[i] == b[i]);
    a_empty &= (a[i] == kEmptyMinHash);
    b_empty &= (b[i] == kEmptyMinHash);
  }
  if (a_empty || b_empty) return 0.0;
  return static_cast<double>(same) / a.size();
}

}  // namespace storyline
