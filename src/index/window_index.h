// Copyright storyline authors.
//
// WindowIndex: a small LSH index of band keys for ids below 65,536, emptied and
// refilled often. Dedup's decision pass keeps the kept articles of two
// consecutive blocks in one (local ids < 2 * block size).
#ifndef STORYLINE_INDEX_WINDOW_INDEX_H_
#define STORYLINE_INDEX_WINDOW_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace storyline {

// Per band, buckets of 8 keys compared at once (SSE2 where built, else a scalar
// loop with the same result), their ids beside them and a count per bucket, so a
// query has no probe loop and no branch per band but on a hit (the probe loops
// of an open-addressing table mispredict about once per band). Query returns
// the ids sharing a band key, ascending, each once (what LshIndex would).
// Reset() empties it by zeroing the counts (one byte per bucket). A full
// bucket's further entries go to its band's overflow list (only with colliding
// keys). A filter of 2^18 bits (32 KB, a core's L1 data cache), one bit set per
// band key inserted (cleared by Reset), tells the bands a query need not look
// at: with few ids in the window most of its bits are clear, and a query looks
// at the bands it shares and few others instead of all of them.
class WindowIndex {
 public:
  explicit WindowIndex(int bands);
  void Reset();
  // Adds id (< 65,536) with its `bands` band keys.
  void Insert(uint32_t id, const uint32_t* keys);
  // The ids sharing a band key with `keys`, ascending, each once, in *out.
  void Query(const uint32_t* keys, std::vector<uint32_t>* out) const;

  static constexpr unsigned kWays = 8;

 private:
  static constexpr uint32_t kNoId = 0xFFFFFFFFu;
  static constexpr int kFilterLog = 18;
  static constexpr size_t kFilterBits = size_t{1} << kFilterLog;
  static uint32_t FilterBit(int band, uint32_t key) {
    const uint64_t x =
        (static_cast<uint64_t>(key) << 8 | static_cast<uint64_t>(band)) * 0x9E3779B97F4A7C15ULL;
    return static_cast<uint32_t>(x >> (64 - kFilterLog));
  }
  size_t Bucket(uint32_t key) const {
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ULL) >> (64 - bucket_bits_));
  }
  int BandsToProbe(const uint32_t* keys, int* band) const;
  void Put(int j, uint32_t key, uint16_t id);
  void Resize(size_t buckets);
  void Grow();

  int bands_;
  size_t used_ = 0;     // ids inserted
  size_t buckets_ = 0;  // per band, a power of two
  int bucket_bits_ = 0;
  std::vector<uint32_t> keys_;                                        // [band][bucket][way]
  std::vector<uint16_t> ids_;                                         // the same layout
  std::vector<uint8_t> counts_;                                       // [band][bucket]
  std::vector<std::vector<std::pair<uint32_t, uint16_t>>> overflow_;  // per band
  std::vector<uint64_t> filter_;                                      // kFilterBits bits
};

namespace index_internal {

// Bit w (w < WindowIndex::kWays) set when ways[w] == key: SSE2 where the build
// has it, else MatchWaysScalar; the two give the same bits.
unsigned MatchWays(const uint32_t* ways, uint32_t key);
unsigned MatchWaysScalar(const uint32_t* ways, uint32_t key);

}  // namespace index_internal

}  // namespace storyline

#endif  // STORYLINE_INDEX_WINDOW_INDEX_H_
