#include "storyline/lsh.h"

#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>

#include "index/lsh_internal.h"

namespace storyline {
namespace {

inline size_t Slot(uint32_t key, size_t capacity) {
  // Keys are hash values already; the multiply spreads the STORYLINE_HASH_COLLIDE
  // key 0 no worse than any other.
  return static_cast<size_t>(
      (static_cast<unsigned __int128>(key * 0x9E3779B97F4A7C15ULL) * capacity) >> 64);
}

void PutU32(std::string* out, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
  out->append(b, 4);
}
void PutU64(std::string* out, uint64_t v) {
  PutU32(out, static_cast<uint32_t>(v));
  PutU32(out, static_cast<uint32_t>(v >> 32));
}
uint32_t GetU32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}
uint64_t GetU64(const char* p) { return GetU32(p) | (static_cast<uint64_t>(GetU32(p + 4)) << 32); }

constexpr char kMagic[8] = {'S', 'L', 'L', 'S', 'H', 'I', 'D', 'X'};
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kMinCapacity = 16;

void SetBit(std::vector<uint64_t>* bits, uint32_t id, bool on) {
  const size_t w = id >> 6;
  if (w >= bits->size()) {
    if (!on) return;
    bits->resize(std::max(w + 1, bits->size() * 3 / 2), 0);
  }
  const uint64_t m = uint64_t{1} << (id & 63);
  if (on) {
    (*bits)[w] |= m;
  } else {
    (*bits)[w] &= ~m;
  }
}
bool GetBit(const std::vector<uint64_t>& bits, uint32_t id) {
  const size_t w = id >> 6;
  return w < bits.size() && ((bits[w] >> (id & 63)) & 1);
}

}  // namespace

double LshCandidateProbability(double s, LshParams p) {
  return 1.0 - std::pow(1.0 - std::pow(s, p.rows), p.bands);
}

LshParams ChooseLshParams(int num_hashes, double design_similarity, double recall) {
  assert(num_hashes >= 1 && design_similarity > 0 && design_similarity < 1);
  LshParams best{1, num_hashes};
  double best_fp = std::numeric_limits<double>::infinity();
  double best_recall = -1;
  bool best_ok = false;
  const double fp_end = std::max(0.0, design_similarity - 0.05);
  for (int r = 1; r <= num_hashes; ++r) {
    for (int b = 1; b * r <= num_hashes; ++b) {
      LshParams p{b, r};
      const double rec = LshCandidateProbability(design_similarity, p);
      const bool ok = rec >= recall;
      // Expected false candidates: the S-curve integrated below the design point.
      double fp = 0;
      const int steps = 200;
      for (int i = 0; i < steps; ++i) {
        fp += LshCandidateProbability((i + 0.5) * fp_end / steps, p) * fp_end / steps;
      }
      bool better;
      if (ok != best_ok) {
        better = ok;
      } else if (ok) {
        better = fp < best_fp - 1e-12 || (std::abs(fp - best_fp) <= 1e-12 && b < best.bands);
      } else {
        better = rec > best_recall;
      }
      if (better) {
        best = p;
        best_fp = fp;
        best_recall = rec;
        best_ok = ok;
      }
    }
  }
  return best;
}

void BandKeys(std::span<const uint32_t> sig, LshParams p, uint32_t* keys) {
  assert(sig.size() >= static_cast<size_t>(p.bands) * p.rows);
  for (int j = 0; j < p.bands; ++j) {
#ifdef STORYLINE_HASH_COLLIDE
    keys[j] = 0;
#else
    const uint32_t* row = sig.data() + static_cast<size_t>(j) * p.rows;
    uint64_t h;
    if constexpr (std::endian::native == std::endian::little) {
      h = XXH3_64bits_withSeed(row, sizeof(uint32_t) * p.rows, kBandSeed + j);
    } else {
      uint32_t buf[256];
      std::vector<uint32_t> big;
      uint32_t* dst = buf;
      if (p.rows > 256) {
        big.resize(p.rows);
        dst = big.data();
      }
      for (int i = 0; i < p.rows; ++i) dst[i] = __builtin_bswap32(row[i]);
      h = XXH3_64bits_withSeed(dst, sizeof(uint32_t) * p.rows, kBandSeed + j);
    }
    keys[j] = static_cast<uint32_t>(h);
#endif
  }
}

LshIndex::LshIndex(LshParams params) : params_(params), tables_(params.bands) {
  assert(params.bands >= 1 && params.rows >= 1);
}

void LshIndex::Put(Table* t, uint32_t key, uint32_t id) {
  const size_t cap = t->slots.size();
  size_t s = Slot(key, cap);
  while (t->slots[s].id != kNoId) s = (s + 1 == cap) ? 0 : s + 1;
  t->slots[s] = Entry{key, id};
  ++t->used;
}

void LshIndex::Grow(Table* t) {
  std::vector<Entry> old = std::move(t->slots);
  // Growth by 1.5 keeps the tables between 53% and 80% full.
  size_t cap = std::max(kMinCapacity, old.size() + old.size() / 2);
  t->slots.assign(cap, Entry{0, kNoId});
  t->used = 0;
  for (const Entry& e : old) {
    if (e.id != kNoId && !IsRemoved(e.id)) Put(t, e.key, e.id);
  }
}

void LshIndex::Purge() {
  for (Table& t : tables_) {
    std::vector<Entry> old = std::move(t.slots);
    t.slots.assign(std::max(kMinCapacity, old.size()), Entry{0, kNoId});
    t.used = 0;
    for (const Entry& e : old) {
      if (e.id != kNoId && !IsRemoved(e.id)) Put(&t, e.key, e.id);
    }
  }
  removed_.clear();
  removed_entries_ids_ = 0;
}

void LshIndex::Insert(uint32_t id, const uint32_t* keys) {
  assert(id != kNoId);
  if (IsRemoved(id)) Purge();  // its old entries must not come back to life
  for (int j = 0; j < params_.bands; ++j) {
    Table& t = tables_[j];
    if ((t.used + 1) * 5 > t.slots.size() * 4) Grow(&t);
    Put(&t, keys[j], id);
  }
  if (!GetBit(present_, id)) {
    SetBit(&present_, id, true);
    ++live_;
  }
}

bool LshIndex::Remove(uint32_t id) {
  if (!GetBit(present_, id)) return false;
  SetBit(&present_, id, false);
  SetBit(&removed_, id, true);
  --live_;
  if (++removed_entries_ids_ > live_ + 1024) Purge();
  return true;
}

bool LshIndex::Contains(uint32_t id) const { return GetBit(present_, id); }

void LshIndex::Query(const uint32_t* keys, std::vector<uint32_t>* out) const {
  out->clear();
  // Every band's first slot is a cache miss in a large index: ask for them all
  // before looking at any.
  constexpr int kAhead = 64;
  size_t home[kAhead];
  const int ahead = std::min(params_.bands, kAhead);
  for (int j = 0; j < ahead; ++j) {
    const Table& t = tables_[j];
    home[j] = t.slots.empty() ? 0 : Slot(keys[j], t.slots.size());
    if (!t.slots.empty()) __builtin_prefetch(t.slots.data() + home[j]);
  }
  for (int j = 0; j < params_.bands; ++j) {
    const Table& t = tables_[j];
    const size_t cap = t.slots.size();
    if (cap == 0) continue;
    const uint32_t key = keys[j];
    size_t s = j < ahead ? home[j] : Slot(key, cap);
    while (t.slots[s].id != kNoId) {
      const Entry& e = t.slots[s];
      if (e.key == key && !IsRemoved(e.id)) out->push_back(e.id);
      s = (s + 1 == cap) ? 0 : s + 1;
    }
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
}

size_t LshIndex::MemoryBytes() const {
  size_t n = (present_.capacity() + removed_.capacity()) * sizeof(uint64_t);
  for (const Table& t : tables_) n += t.slots.capacity() * sizeof(Entry);
  return n;
}

std::string LshIndex::Serialize() const {
  std::string out(kMagic, sizeof kMagic);
  PutU32(&out, kFormatVersion);
  PutU32(&out, static_cast<uint32_t>(params_.bands));
  PutU32(&out, static_cast<uint32_t>(params_.rows));
  PutU32(&out, 0);  // reserved
  for (const Table& t : tables_) {
    uint64_t n = 0;
    for (const Entry& e : t.slots) n += (e.id != kNoId && !IsRemoved(e.id));
    PutU64(&out, n);
    // Slot order, so a restored table probes the same way.
    for (const Entry& e : t.slots) {
      if (e.id == kNoId || IsRemoved(e.id)) continue;
      PutU32(&out, e.key);
      PutU32(&out, e.id);
    }
  }
  PutU64(&out, XXH3_64bits(out.data(), out.size()));
  return out;
}

Result<LshIndex> LshIndex::Deserialize(std::string_view bytes) {
  const size_t header = sizeof kMagic + 16;
  if (bytes.size() < header + 8 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return Status::Corruption("LSH index: not an index (bad magic or too short)");
  }
  const uint64_t want = GetU64(bytes.data() + bytes.size() - 8);
  if (XXH3_64bits(bytes.data(), bytes.size() - 8) != want) {
    return Status::Corruption("LSH index: checksum mismatch");
  }
  const char* p = bytes.data() + sizeof kMagic;
  if (GetU32(p) != kFormatVersion) {
    return Status::Corruption("LSH index: unknown format version " + std::to_string(GetU32(p)));
  }
  LshParams params{static_cast<int>(GetU32(p + 4)), static_cast<int>(GetU32(p + 8))};
  if (params.bands < 1 || params.rows < 1 || params.bands > 65536 || params.rows > 65536) {
    return Status::Corruption("LSH index: bad bands/rows");
  }
  LshIndex index(params);
  size_t pos = header;
  const size_t end = bytes.size() - 8;
  for (int j = 0; j < params.bands; ++j) {
    if (pos + 8 > end) return Status::Corruption("LSH index: truncated");
    const uint64_t n = GetU64(bytes.data() + pos);
    pos += 8;
    if (n > (end - pos) / 8) return Status::Corruption("LSH index: truncated band");
    Table& t = index.tables_[j];
    t.slots.assign(std::max<size_t>(kMinCapacity, n + n / 2 + 1), Entry{0, kNoId});
    for (uint64_t i = 0; i < n; ++i) {
      const uint32_t key = GetU32(bytes.data() + pos);
      const uint32_t id = GetU32(bytes.data() + pos + 4);
      pos += 8;
      if (id == kNoId) return Status::Corruption("LSH index: bad id");
      Put(&t, key, id);
      if (!GetBit(index.present_, id)) {
        SetBit(&index.present_, id, true);
        ++index.live_;
      }
    }
  }
  if (pos != end) return Status::Corruption("LSH index: trailing bytes");
  return index;
}

// ---- CompactLshIndex ---------------------------------------------------------

namespace {
constexpr double kCompactMaxLoad = 0.8;
using index_internal::EmptySlots;
using index_internal::MatchingSlots;
inline uint32_t FpMask(int bits) { return bits == 0 ? 0 : 0xFFFFFFFFu >> (32 - bits); }
inline size_t OverflowSlot(uint32_t key, size_t capacity) { return Slot(key, capacity); }
}  // namespace

CompactLshIndex::CompactLshIndex(LshParams params, uint32_t max_ids) : params_(params) {
  static_assert(kSlots == index_internal::kBucketSlots);
  assert(params.bands >= 1 && max_ids >= 1 && max_ids < 0xFFFFFFFFu);
  fp_bits_ = 32 - std::bit_width(max_ids);  // (id + 1) <= max_ids fits the rest
  max_splits_ = std::min(3, fp_bits_);
  const double per_bucket = kCompactMaxLoad * kSlots;
  const size_t final_buckets =
      std::max<size_t>(1, static_cast<size_t>(std::ceil(max_ids / per_bucket)));
  base_buckets_ =
      std::max<size_t>(1, (final_buckets + (size_t{1} << max_splits_) - 1) >> max_splits_);
  buckets_ = base_buckets_;
  bands_.resize(params.bands);
}

[[gnu::always_inline]] inline void CompactLshIndex::Locate(uint32_t key, size_t* bucket,
                                                           uint32_t* fp) const {
  // The bucket at base_buckets_ is key * base / 2^32; each split appends the next
  // bit of the fraction, and the fingerprint is the fraction's bits after those.
  const uint64_t y = static_cast<uint64_t>(key) * base_buckets_;
  const uint32_t frac = static_cast<uint32_t>(y);
  size_t b = static_cast<size_t>(y >> 32);
  if (splits_ > 0) b = (b << splits_) | (frac >> (32 - splits_));
  *bucket = b;
  *fp = fp_bits_ == 0
            ? 0
            : static_cast<uint32_t>((static_cast<uint64_t>(frac) << splits_) & 0xFFFFFFFFu) >>
                  (32 - fp_bits_);
}

void CompactLshIndex::PutOverflow(Band* b, uint32_t key, uint32_t id1) {
  if ((b->overflow_used + 1) * 4 > b->overflow.size() * 3) {  // load <= 0.75
    std::vector<uint64_t> old = std::move(b->overflow);
    b->overflow.assign(std::max<size_t>(16, old.size() * 2), 0);
    b->overflow_used = 0;
    for (uint64_t e : old) {
      if (e != 0) PutOverflow(b, static_cast<uint32_t>(e >> 32), static_cast<uint32_t>(e));
    }
  }
  const size_t cap = b->overflow.size();
  size_t s = OverflowSlot(key, cap);
  while (b->overflow[s] != 0) s = (s + 1 == cap) ? 0 : s + 1;
  b->overflow[s] = (static_cast<uint64_t>(key) << 32) | id1;
  ++b->overflow_used;
}

void CompactLshIndex::Put(Band* b, uint32_t key, uint32_t id1) {
  size_t bucket;
  uint32_t fp;
  Locate(key, &bucket, &fp);
  PutAt(b, key, id1, bucket, fp);
}

void CompactLshIndex::PutAt(Band* b, uint32_t key, uint32_t id1, size_t bucket, uint32_t fp) {
  uint32_t* s = b->slots.data() + bucket * kSlots;
  const unsigned empty = EmptySlots(s);
  if (empty != 0) {
    s[__builtin_ctz(empty)] = (id1 << fp_bits_) | fp;
    return;
  }
  PutOverflow(b, key, id1);
}

void CompactLshIndex::Split() {
  const uint32_t mask = FpMask(fp_bits_);
  const size_t nb = buckets_ * 2;
  for (Band& band : bands_) {
    std::vector<uint32_t> slots(nb * kSlots, 0);
    for (size_t b = 0; b < buckets_; ++b) {
      const uint32_t* s = band.slots.data() + b * kSlots;
      int fill[2] = {0, 0};
      for (int k = 0; k < kSlots && s[k] != 0; ++k) {
        const uint32_t e = s[k];
        const int half = static_cast<int>((e >> (fp_bits_ - 1)) & 1);
        const uint32_t fp = ((e & mask) << 1) & mask;
        slots[(2 * b + half) * kSlots + fill[half]++] = (e & ~mask) | fp;
      }
    }
    band.slots = std::move(slots);
  }
  buckets_ = nb;
  ++splits_;
  // Overflow entries go back to their (now roomier) buckets where they fit.
  for (Band& band : bands_) {
    std::vector<uint64_t> old = std::move(band.overflow);
    band.overflow.clear();
    band.overflow_used = 0;
    for (uint64_t e : old) {
      if (e != 0) Put(&band, static_cast<uint32_t>(e >> 32), static_cast<uint32_t>(e));
    }
  }
}

void CompactLshIndex::Insert(uint32_t id, const uint32_t* keys) {
  if (size_ == 0 && bands_[0].slots.empty()) {
    for (Band& band : bands_) band.slots.assign(buckets_ * kSlots, 0);
  }
  if (static_cast<double>(size_ + 1) > kCompactMaxLoad * kSlots * static_cast<double>(buckets_) &&
      splits_ < max_splits_) {
    Split();
  }
  // Every band's bucket is asked for before any is written (a cache miss each
  // in a large index, unless a query just read them).
  constexpr int kAhead = 64;
  size_t bucket[kAhead];
  uint32_t fp[kAhead];
  const int ahead = std::min(params_.bands, kAhead);
  for (int j = 0; j < ahead; ++j) {
    Locate(keys[j], &bucket[j], &fp[j]);
    __builtin_prefetch(bands_[j].slots.data() + bucket[j] * kSlots, 1);
  }
  for (int j = 0; j < params_.bands; ++j) {
    if (j < ahead) {
      PutAt(&bands_[j], keys[j], id + 1, bucket[j], fp[j]);
    } else {
      Put(&bands_[j], keys[j], id + 1);
    }
  }
  ++size_;
}

void CompactLshIndex::Query(const uint32_t* keys, std::vector<uint32_t>* out) const {
  out->clear();
  if (size_ == 0) return;
  constexpr int kAhead = 64;
  size_t bucket[kAhead];
  uint32_t fp[kAhead];
  const int bands = params_.bands;
  const int ahead = std::min(bands, kAhead);
  for (int j = 0; j < ahead; ++j) {
    Locate(keys[j], &bucket[j], &fp[j]);
    __builtin_prefetch(bands_[j].slots.data() + bucket[j] * kSlots);
  }
  // Entries inserted before a split lost the fingerprint's low bits to it.
  const uint32_t known = FpMask(fp_bits_) & ~FpMask(splits_);
  for (int j = 0; j < bands; ++j) {
    size_t b;
    uint32_t f;
    if (j < ahead) {
      b = bucket[j];
      f = fp[j];
    } else {
      Locate(keys[j], &b, &f);
    }
    const Band& band = bands_[j];
    const uint32_t* s = band.slots.data() + b * kSlots;
    for (unsigned m = MatchingSlots(s, known, f & known); m != 0; m &= m - 1) {
      // A near copy is found in band after band: repeats of the last id are
      // dropped here, the rest by the sort below.
      const uint32_t id = (s[__builtin_ctz(m)] >> fp_bits_) - 1;
      if (out->empty() || out->back() != id) out->push_back(id);
    }
    if (s[kSlots - 1] != 0 && band.overflow_used != 0) {
      const size_t cap = band.overflow.size();
      size_t o = OverflowSlot(keys[j], cap);
      while (band.overflow[o] != 0) {
        const uint64_t e = band.overflow[o];
        if (static_cast<uint32_t>(e >> 32) == keys[j]) {
          out->push_back(static_cast<uint32_t>(e) - 1);
        }
        o = (o + 1 == cap) ? 0 : o + 1;
      }
    }
  }
  if (out->size() > 1) {
    std::sort(out->begin(), out->end());
    out->erase(std::unique(out->begin(), out->end()), out->end());
  }
}

size_t CompactLshIndex::MemoryBytes() const {
  size_t n = 0;
  for (const Band& b : bands_) {
    n += b.slots.capacity() * sizeof(uint32_t) + b.overflow.capacity() * sizeof(uint64_t);
  }
  return n;
}

}  // namespace storyline
