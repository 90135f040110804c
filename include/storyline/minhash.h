// Copyright storyline authors.
//
// Word shingles and MinHash signatures: the fingerprints near-duplicate detection
// is built on. Every value here is part of the file formats (docs/formats.md): the
// shingle hash, the content hash, the binning and densification of the MinHash are
// fixed, so a signature computed today on one machine equals one computed on
// another machine, by another compiler, or by a distributed worker.
//
//   storyline::Words w;
//   storyline::Tokenize(text, &w);
//   std::vector<std::string_view> words(...);            // w.word(i) for each i
//   std::vector<uint64_t> shingles;
//   uint64_t content = storyline::HashShingles(words, 5, &shingles);
//   storyline::SortUnique(&shingles);                     // the shingle set
//   storyline::MinHasher hasher;                          // 128 values
//   std::vector<uint32_t> sig(hasher.num_hashes());
//   hasher.Sign(shingles, sig.data());
#ifndef STORYLINE_MINHASH_H_
#define STORYLINE_MINHASH_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace storyline {

inline constexpr int kDefaultShingleSize = 5;
inline constexpr int kDefaultMinHashSize = 128;
// Seed of the densification hash (docs/formats.md). "densify1".
inline constexpr uint64_t kDensifySeed = 0x6465'6e73'6966'7931ULL;
// The value of every position of the signature of a text without shingles.
inline constexpr uint32_t kEmptyMinHash = 0xFFFFFFFFu;

// Hashes the word `shingle_size`-grams of `words` (normalised words, in text order):
// shingle i is XXH3-64 (seed kShingleSeed) of words[i .. i+k-1] joined by one
// space (0x20). A text with fewer than k words (but at least one) has one shingle:
// all its words joined. Writes the hashes in text order, repeats kept, to *out
// (cleared first) and returns the content hash: XXH3-64 (seed kContentSeed) of all
// the words joined by one space (0 words: the hash of the empty string).
// REQUIRES: shingle_size >= 1. Thread-safe (thread-local scratch buffer).
uint64_t HashShingles(std::span<const std::string_view> words, int shingle_size,
                      std::vector<uint64_t>* out);
// HashShingles without the content hash, for callers that have it already.
void HashShinglesOnly(std::span<const std::string_view> words, int shingle_size,
                      std::vector<uint64_t>* out);

// The content hash HashShingles returns (ContentHash, storyline/text.h), from the
// words already joined by single spaces (no space before the first or after the
// last; as Words::norm holds them, less its last byte).
uint64_t HashJoinedWords(std::string_view joined_words);

// Sorts and removes repeats: turns a list of shingle hashes into a set.
void SortUnique(std::vector<uint64_t>* hashes);

// Exact overlap of two shingle sets (sorted, unique: see SortUnique).
struct SetOverlap {
  size_t intersection = 0;
  size_t size_a = 0;
  size_t size_b = 0;
  // |A ∩ B| / |A ∪ B|; 0 when both are empty.
  double jaccard() const;
  // |A ∩ B| / min(|A|, |B|); 0 when either is empty.
  double containment() const;
};
SetOverlap CompareSets(std::span<const uint64_t> a, std::span<const uint64_t> b);
// The same over sets of 32-bit values (dedup verifies on the high 32 bits of the
// shingle hashes: docs/formats.md); vectorised (AVX2 where the CPU has it, else
// SSE2 where the build has it, else a scalar merge; the same counts), so the
// values of each set must be distinct, as SortUnique leaves them.
SetOverlap CompareSets(std::span<const uint32_t> a, std::span<const uint32_t> b);

// One-permutation MinHash with optimal densification (Shrivastava, ICML 2017):
// one pass over the shingles, O(n + K), instead of K hash functions per shingle.
// Shingle hash h goes to bin floor(h * K / 2^64) with value (uint32_t)h; a bin keeps
// its smallest value. An empty bin i copies the value of the first non-empty bin j
// found by j = floor(SplitMix64(kDensifySeed ^ (i << 32) ^ attempt) * K / 2^64),
// attempt = 1, 2, ... The probability that two signatures agree at a position is
// the Jaccard similarity of the two shingle sets. Immutable; thread-safe.
class MinHasher {
 public:
  // REQUIRES: 1 <= num_hashes <= 65536.
  explicit MinHasher(int num_hashes = kDefaultMinHashSize);
  int num_hashes() const { return num_hashes_; }
  // Writes num_hashes() values to sig. `shingles` may hold repeats and need not
  // be sorted. No shingles: every value is kEmptyMinHash.
  void Sign(std::span<const uint64_t> shingles, uint32_t* sig) const;
  std::vector<uint32_t> Sign(std::span<const uint64_t> shingles) const;

 private:
  int num_hashes_;
  // The first kProbes densification probes of each bin (they depend on the bin
  // only): probes_[i * kProbes + attempt - 1].
  static constexpr int kProbes = 8;
  std::vector<uint16_t> probes_;
};

// The fraction of positions where two signatures of the same size agree: an
// unbiased estimate of the Jaccard similarity of their shingle sets. 0 when either
// signature is empty (all kEmptyMinHash) or the sizes differ.
double EstimateJaccard(std::span<const uint32_t> a, std::span<const uint32_t> b);

// The mixing function of the densification, exposed for docs and tests.
uint64_t SplitMix64(uint64_t x);

}  // namespace storyline

#endif  // STORYLINE_MINHASH_H_
