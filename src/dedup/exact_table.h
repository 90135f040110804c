// Copyright storyline authors.
//
// ExactTable: content hash -> input position, the exact-duplicate table of
// dedup's signing and decision passes (internal to src/dedup).
#ifndef STORYLINE_DEDUP_EXACT_TABLE_H_
#define STORYLINE_DEDUP_EXACT_TABLE_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace storyline::dedup_internal {

// Content hash -> input position of the first article (in keep order) with it.
// Open addressing, linear probing; 12 bytes per slot, never more slots than
// max_items / 0.75 (so at most 16 bytes per article however many are distinct).
class ExactTable {
 public:
  explicit ExactTable(size_t max_items)
      : max_cap_(std::max<size_t>(1024, (max_items + 1) * 4 / 3 + 2)) {}
  // Returns the position stored for `h`, or inserts `pos` and returns `pos`.
  uint32_t FindOrInsert(uint64_t h, uint32_t pos) {
    if ((used_ + 1) * 4 > keys_.size() * 3) Grow();
    size_t s = Slot(h);
    while (vals_[s] != kEmpty) {
      if (keys_[s] == h) return vals_[s];
      s = (s + 1 == keys_.size()) ? 0 : s + 1;
    }
    keys_[s] = h;
    vals_[s] = pos;
    ++used_;
    return pos;
  }
  // The position stored for `h`, or kEmpty. Safe beside other Find() calls.
  uint32_t Find(uint64_t h) const {
    if (keys_.empty()) return kEmpty;
    size_t s = Slot(h);
    while (vals_[s] != kEmpty) {
      if (keys_[s] == h) return vals_[s];
      s = (s + 1 == keys_.size()) ? 0 : s + 1;
    }
    return kEmpty;
  }
  // Asks for the first slot a look-up of `h` reads.
  void Prefetch(uint64_t h) const {
    if (keys_.empty()) return;
    const size_t s = Slot(h);
    __builtin_prefetch(&keys_[s]);
    __builtin_prefetch(&vals_[s]);
  }
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  size_t MemoryBytes() const { return keys_.capacity() * 8 + vals_.capacity() * 4; }

 private:
  size_t Slot(uint64_t h) const {
    return static_cast<size_t>(
        (static_cast<unsigned __int128>(h * 0x9E3779B97F4A7C15ULL) * keys_.size()) >> 64);
  }
  void Grow() {
    const size_t cap = keys_.empty() ? 1024 : std::min(keys_.size() * 2, max_cap_);
    if (cap == keys_.size()) return;  // at max_cap_: the load stays below 0.75
    std::vector<uint64_t> ok = std::move(keys_);
    std::vector<uint32_t> ov = std::move(vals_);
    keys_.assign(cap, 0);
    vals_.assign(cap, kEmpty);
    used_ = 0;
    for (size_t i = 0; i < ok.size(); ++i) {
      if (ov[i] == kEmpty) continue;
      size_t s = Slot(ok[i]);
      while (vals_[s] != kEmpty) s = (s + 1 == cap) ? 0 : s + 1;
      keys_[s] = ok[i];
      vals_[s] = ov[i];
      ++used_;
    }
  }
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> vals_;
  size_t used_ = 0;
  size_t max_cap_;
};

}  // namespace storyline::dedup_internal

#endif  // STORYLINE_DEDUP_EXACT_TABLE_H_
