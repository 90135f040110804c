// Copyright storyline authors.
//
// Locality-sensitive hashing over MinHash signatures (minhash.h): the signature is
// cut into `bands` bands of `rows` values; two texts become candidates when any
// band agrees. The chance of that for Jaccard similarity s is 1 - (1 - s^r)^b, the
// S-curve ChooseLshParams() shapes from a threshold. Candidates are only candidates:
// callers verify them exactly (CompareSets) before counting them.
//
//   storyline::LshParams p = storyline::ChooseLshParams(128, 0.7, 0.99);
//   storyline::LshIndex index(p);
//   std::vector<uint32_t> keys(p.bands);
//   storyline::BandKeys(sig, p, keys.data());
//   index.Insert(42, keys.data());
//   std::vector<uint32_t> candidates;
//   index.Query(keys.data(), &candidates);     // {42}
#ifndef STORYLINE_LSH_H_
#define STORYLINE_LSH_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storyline/status.h"

namespace storyline {

// Seed of the band hashes (docs/formats.md). "lshband1".
inline constexpr uint64_t kBandSeed = 0x6c73'6862'616e'6431ULL;

struct LshParams {
  int bands = 0;
  int rows = 0;
  bool operator==(const LshParams&) const = default;
};

// 1 - (1 - s^rows)^bands: the probability that a pair of Jaccard similarity s
// shares at least one band.
double LshCandidateProbability(double s, LshParams p);

// The (bands, rows) with bands * rows <= num_hashes whose candidate probability at
// Jaccard `design_similarity` is at least `recall`, and among those the one with
// the fewest false candidates (the smallest integral of the S-curve over
// [0, design_similarity - 0.05]). When none reaches `recall`, the one that comes
// closest. REQUIRES: num_hashes >= 1, 0 < design_similarity < 1.
LshParams ChooseLshParams(int num_hashes, double design_similarity, double recall = 0.99);

// The band keys of a signature: key j is the low 32 bits of XXH3-64 (seed
// kBandSeed + j) of values [j*rows, (j+1)*rows) as little-endian uint32. Writes
// p.bands keys. REQUIRES: sig.size() >= bands * rows. In a build with
// STORYLINE_HASH_COLLIDE every key is 0, so every pair is a candidate.
void BandKeys(std::span<const uint32_t> sig, LshParams p, uint32_t* keys);

// An index of band keys: ids (uint32_t, chosen by the caller) that share a band
// with a query. Per band an open-addressing table of (key, id) pairs, 8 bytes each,
// so it holds about 12 bytes per band per id. Not thread-safe for writers: Query()
// may run concurrently with other Query() calls, never with Insert/Remove.
// Copyable and movable (a copy is a deep copy).
class LshIndex {
 public:
  explicit LshIndex(LshParams params);
  LshParams params() const { return params_; }

  // Adds `id` with its p.bands band keys. Inserting an id twice (without Remove)
  // indexes it twice; Query still reports it once. REQUIRES: id != 0xFFFFFFFF.
  void Insert(uint32_t id, const uint32_t* keys);
  // Removes `id`: later queries never report it. Returns false when the id is not
  // in the index. Space is reclaimed lazily (at growth or Serialize).
  bool Remove(uint32_t id);
  bool Contains(uint32_t id) const;
  // Sets *out (cleared first) to the ids sharing at least one band key with
  // `keys`, ascending, each once. Nothing shared: *out is empty.
  void Query(const uint32_t* keys, std::vector<uint32_t>* out) const;

  // Number of ids indexed (removed ones excluded).
  size_t size() const { return live_; }
  // Bytes held by the tables.
  size_t MemoryBytes() const;

  // The index as bytes (docs/formats.md "LSH index"): restores to an index that
  // answers every query the same. Removed ids are left out.
  std::string Serialize() const;
  // Corruption when `bytes` is not a whole index written by Serialize().
  static Result<LshIndex> Deserialize(std::string_view bytes);

 private:
  struct Entry {
    uint32_t key;
    uint32_t id;  // kNoId marks an empty slot
  };
  struct Table {
    std::vector<Entry> slots;
    size_t used = 0;
  };
  static constexpr uint32_t kNoId = 0xFFFFFFFFu;
  static void Put(Table* t, uint32_t key, uint32_t id);
  void Grow(Table* t);
  void Purge();
  bool IsRemoved(uint32_t id) const {
    return id < removed_.size() * 64 && ((removed_[id >> 6] >> (id & 63)) & 1);
  }

  LshParams params_;
  std::vector<Table> tables_;
  std::vector<uint64_t> present_;  // bitset of ids inserted and not removed
  std::vector<uint64_t> removed_;  // bitset of ids removed whose entries remain
  size_t live_ = 0;
  size_t removed_entries_ids_ = 0;
};

// A smaller index for a caller that can check candidates itself: 4 bytes per band
// per id instead of ~12, and candidates that are a superset of LshIndex's. Per band
// a table of buckets of 16 slots (one cache line); a band key picks its bucket,
// and the slot holds (id + 1) << f | a fingerprint of f more bits of the key, with
// f = 32 - bit_width(max_ids). A query reports every id whose bucket and
// fingerprint agree, so it may report an id that shares no band key (about
// bands * 13 / 2^(f - splits) such ids per query, splits <= 3): the caller must
// check the band keys (it reads the candidate's record to verify it anyway).
// Buckets that overflow keep their extra entries, with the whole key, in a small
// side table per band. Capacity grows by splitting buckets (the fingerprint's top
// bit picks the half), at most three times, up to max_ids / 0.8 slots per band:
// so it never holds more than ~5 bytes per band per possible id (max_ids), however
// many are inserted. Insert and query only; not thread-safe for writers: Query()
// may run beside other Query() calls, never beside Insert().
class CompactLshIndex {
 public:
  // REQUIRES: params.bands >= 1, 1 <= max_ids < 0xFFFFFFFF.
  CompactLshIndex(LshParams params, uint32_t max_ids);
  LshParams params() const { return params_; }

  // Adds `id` with its params.bands band keys. REQUIRES: id < max_ids, each id
  // inserted once.
  void Insert(uint32_t id, const uint32_t* keys);
  // Sets *out (cleared first) to a superset of the ids that share at least one
  // band key with `keys` (see above), ascending, each once.
  void Query(const uint32_t* keys, std::vector<uint32_t>* out) const;

  size_t size() const { return size_; }
  // Bytes held by the tables.
  size_t MemoryBytes() const;

 private:
  static constexpr int kSlots = 16;
  struct Band {
    std::vector<uint32_t> slots;     // buckets_ * kSlots; 0 = empty
    std::vector<uint64_t> overflow;  // key << 32 | (id + 1); 0 = empty
    size_t overflow_used = 0;
  };
  // Bucket and fingerprint of `key` at the current size.
  void Locate(uint32_t key, size_t* bucket, uint32_t* fp) const;
  void Put(Band* b, uint32_t key, uint32_t entry_id1);
  void PutAt(Band* b, uint32_t key, uint32_t entry_id1, size_t bucket, uint32_t fp);
  static void PutOverflow(Band* b, uint32_t key, uint32_t id1);
  void Split();

  LshParams params_;
  int fp_bits_ = 0;
  int max_splits_ = 0;
  int splits_ = 0;
  size_t base_buckets_ = 1;
  size_t buckets_ = 1;
  size_t size_ = 0;
  std::vector<Band> bands_;
};

}  // namespace storyline

#endif  // STORYLINE_LSH_H_
