// Copyright storyline authors.
#include "index/window_index.h"

#include <algorithm>
#include <bit>
#include <functional>

#include "core/simd.h"

namespace storyline {

namespace index_internal {

unsigned MatchWaysScalar(const uint32_t* ways, uint32_t key) {
  unsigned m = 0;
  for (unsigned w = 0; w < WindowIndex::kWays; ++w) m |= static_cast<unsigned>(ways[w] == key) << w;
  return m;
}

unsigned MatchWays(const uint32_t* ways, uint32_t key) {
#if STORYLINE_SSE2
  const __m128i want = _mm_set1_epi32(static_cast<int>(key));
  const __m128i* kp = reinterpret_cast<const __m128i*>(ways);
  return static_cast<unsigned>(
      _mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(_mm_loadu_si128(kp), want))) |
      (_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(_mm_loadu_si128(kp + 1), want))) << 4));
#else
  return MatchWaysScalar(ways, key);
#endif
}

}  // namespace index_internal

WindowIndex::WindowIndex(int bands) : bands_(bands), overflow_(bands), filter_(kFilterBits / 64) {
  Resize(64);
}

void WindowIndex::Reset() {
  used_ = 0;
  std::fill(counts_.begin(), counts_.end(), 0);
  for (auto& o : overflow_) o.clear();
  std::fill(filter_.begin(), filter_.end(), 0);
}

void WindowIndex::Insert(uint32_t id, const uint32_t* keys) {
  if ((used_ + 1) * 4 > buckets_ * kWays) Grow();  // 2 entries per bucket on average
  for (int j = 0; j < bands_; ++j) {
    Put(j, keys[j], static_cast<uint16_t>(id));
    const uint32_t bit = FilterBit(j, keys[j]);
    filter_[bit >> 6] |= uint64_t{1} << (bit & 63);
  }
  ++used_;
}

// The bands whose key may be here (the filter has no false negatives), in
// band[0..returned).
int WindowIndex::BandsToProbe(const uint32_t* keys, int* band) const {
  int probes = 0;
  for (int j = 0; j < bands_; ++j) {
    const uint32_t bit = FilterBit(j, keys[j]);
    band[probes] = j;
    probes += static_cast<int>((filter_[bit >> 6] >> (bit & 63)) & 1);
  }
  return probes;
}

void WindowIndex::Query(const uint32_t* keys, std::vector<uint32_t>* out) const {
  out->clear();
  if (used_ == 0) return;
  int band[256];
  const int probes = BandsToProbe(keys, band);
  size_t at[256];
  for (int q = 0; q < probes; ++q) {
    const int j = band[q];
    at[q] = static_cast<size_t>(j) * buckets_ + Bucket(keys[j]);
    __builtin_prefetch(&keys_[at[q] * kWays]);
  }
  // A band's first hit goes to `first` without a branch (whether a band
  // hits is unpredictable); a near copy finds its original in band after
  // band, so a repeat of the last id is not taken. Further hits in one
  // bucket and overflow entries (rare) go to *out.
  uint32_t first[256];
  size_t k = 0;
  uint32_t last = kNoId;
  for (int q = 0; q < probes; ++q) {
    const int j = band[q];
    const size_t b = at[q];
    const unsigned c = counts_[b];
    unsigned m = index_internal::MatchWays(&keys_[b * kWays], keys[j]);
    m &= (1u << c) - 1;
    // ids_ has kWays entries of padding: the read for m == 0 stays inside.
    const uint32_t id = ids_[b * kWays + __builtin_ctz(m | (1u << kWays))];
    const bool take = (m != 0) & (id != last);
    first[k] = id;
    k += take;
    last = take ? id : last;
    if ((m & (m - 1)) != 0) [[unlikely]] {
      for (m &= m - 1; m != 0; m &= m - 1) out->push_back(ids_[b * kWays + __builtin_ctz(m)]);
    }
    if (c == kWays) [[unlikely]] {
      for (const auto& [key, oid] : overflow_[j]) {
        if (key == keys[j]) out->push_back(oid);
      }
    }
  }
  out->insert(out->end(), first, first + k);
  // Strictly ascending means sorted and each once; else sort them.
  if (std::adjacent_find(out->begin(), out->end(), std::greater_equal<uint32_t>()) != out->end()) {
    std::sort(out->begin(), out->end());
    out->erase(std::unique(out->begin(), out->end()), out->end());
  }
}

void WindowIndex::Put(int j, uint32_t key, uint16_t id) {
  const size_t b = static_cast<size_t>(j) * buckets_ + Bucket(key);
  const unsigned c = counts_[b];
  if (c == kWays) {
    overflow_[j].push_back({key, id});
    return;
  }
  keys_[b * kWays + c] = key;
  ids_[b * kWays + c] = id;
  counts_[b] = static_cast<uint8_t>(c + 1);
}

void WindowIndex::Resize(size_t buckets) {
  buckets_ = buckets;
  bucket_bits_ = std::bit_width(buckets) - 1;
  const size_t total = static_cast<size_t>(bands_) * buckets_;
  keys_.assign(total * kWays, 0);
  ids_.assign(total * kWays + kWays, 0);
  counts_.assign(total, 0);
}

void WindowIndex::Grow() {
  const size_t old_buckets = buckets_;
  std::vector<uint32_t> old_keys = std::move(keys_);
  std::vector<uint16_t> old_ids = std::move(ids_);
  std::vector<uint8_t> old_counts = std::move(counts_);
  std::vector<std::vector<std::pair<uint32_t, uint16_t>>> old_overflow(bands_);
  old_overflow.swap(overflow_);
  overflow_.resize(bands_);
  Resize(old_buckets * 2);
  for (int j = 0; j < bands_; ++j) {
    for (size_t b = static_cast<size_t>(j) * old_buckets, e = b + old_buckets; b < e; ++b) {
      for (unsigned c = 0; c < old_counts[b]; ++c) {
        Put(j, old_keys[b * kWays + c], old_ids[b * kWays + c]);
      }
    }
    for (const auto& [key, id] : old_overflow[j]) Put(j, key, id);
  }
}

}  // namespace storyline
