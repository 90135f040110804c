#include "storyline/lsh.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "storyline/minhash.h"

namespace storyline {
namespace {

#ifdef STORYLINE_HASH_COLLIDE
constexpr bool kCollide = true;
#else
constexpr bool kCollide = false;
#endif

// Two sets of `n` random shingle hashes with Jaccard exactly `j` (shared part s:
// s / (2n - s) = j).
void PairAtJaccard(std::mt19937_64& rng, int n, double j, std::vector<uint64_t>* a,
                   std::vector<uint64_t>* b) {
  const int shared = static_cast<int>(std::lround(2.0 * n * j / (1.0 + j)));
  a->clear();
  b->clear();
  for (int i = 0; i < shared; ++i) {
    uint64_t h = rng();
    a->push_back(h);
    b->push_back(h);
  }
  for (int i = shared; i < n; ++i) {
    a->push_back(rng());
    b->push_back(rng());
  }
}

TEST(ChooseLshParams, MeetsRecallAtTheDesignPoint) {
  for (double s : {0.5, 0.6, 0.65, 0.7, 0.8, 0.85, 0.9}) {
    LshParams p = ChooseLshParams(128, s, 0.99);
    EXPECT_LE(p.bands * p.rows, 128);
    EXPECT_GE(LshCandidateProbability(s, p), 0.99) << s;
    // Fewest false candidates: one more row per band must miss the recall.
    for (int b = 1; b * (p.rows + 1) <= 128; ++b) {
      EXPECT_LT(LshCandidateProbability(s, LshParams{b, p.rows + 1}), 0.99)
          << "s=" << s << " b=" << b;
    }
  }
}

TEST(ChooseLshParams, DedupDefaultIsPinned) {
  // The default of `storyline dedup` (threshold 0.7, design point 0.5): docs/dedup.md.
  EXPECT_EQ(ChooseLshParams(128, 0.5, 0.99), (LshParams{35, 3}));
  EXPECT_EQ(ChooseLshParams(128, 0.6, 0.99), (LshParams{19, 3}));
  EXPECT_EQ(ChooseLshParams(128, 0.7, 0.99), (LshParams{17, 4}));
}

TEST(LshIndex, FindsPairsAboveTheDesignPointAndFewBelow) {
  std::mt19937_64 rng(42);
  MinHasher h(128);
  const LshParams p = ChooseLshParams(128, 0.7, 0.99);
  for (double j : {0.2, 0.75, 0.9}) {
    LshIndex index(p);
    std::vector<uint64_t> a, b;
    std::vector<uint32_t> keys(p.bands), qkeys(p.bands);
    std::vector<std::vector<uint32_t>> queries;
    const int pairs = 1000;
    for (int i = 0; i < pairs; ++i) {
      PairAtJaccard(rng, 150, j, &a, &b);
      BandKeys(h.Sign(a), p, keys.data());
      index.Insert(i, keys.data());
      BandKeys(h.Sign(b), p, qkeys.data());
      queries.push_back(qkeys);
    }
    int found = 0;
    std::vector<uint32_t> out;
    for (int i = 0; i < pairs; ++i) {
      index.Query(queries[i].data(), &out);
      found += std::binary_search(out.begin(), out.end(), static_cast<uint32_t>(i));
    }
    const double recall = static_cast<double>(found) / pairs;
    if (j >= 0.75) {
      EXPECT_GE(recall, 0.99) << "jaccard " << j;
    } else if (!kCollide) {
      EXPECT_LE(recall, 0.1) << "jaccard " << j;
    }
  }
}

// The ids of `exact` that share a band key with a query are all among the compact
// index's answer, and few others are (the fingerprint's false matches), through
// the bucket splits and overflowing buckets.
TEST(CompactLshIndex, ReportsEveryIdSharingABandAndFewOthers) {
  std::mt19937_64 rng(7);
  const LshParams p{35, 3};
  constexpr uint32_t kIds = kCollide ? 2000 : 40000;  // every key 0: one long chain
  CompactLshIndex compact(p, kIds);
  LshIndex exact(p);
  std::vector<std::vector<uint32_t>> keys(kIds, std::vector<uint32_t>(p.bands));
  for (uint32_t id = 0; id < kIds; ++id) {
    for (int j = 0; j < p.bands; ++j) {
      // Some keys shared with an earlier id, so that queries find something.
      keys[id][j] =
          (id > 0 && rng() % 50 == 0) ? keys[rng() % id][j] : static_cast<uint32_t>(rng());
    }
  }
  std::vector<uint32_t> want, got;
  size_t extra = 0, queries = 0;
  for (uint32_t id = 0; id < kIds; ++id) {
    if (id % 97 == 0) {
      exact.Query(keys[id].data(), &want);
      compact.Query(keys[id].data(), &got);
      EXPECT_TRUE(std::includes(got.begin(), got.end(), want.begin(), want.end())) << id;
      EXPECT_TRUE(std::is_sorted(got.begin(), got.end()));
      EXPECT_EQ(std::adjacent_find(got.begin(), got.end()), got.end());
      extra += got.size() - want.size();
      ++queries;
    }
    exact.Insert(id, keys[id].data());
    compact.Insert(id, keys[id].data());
  }
  EXPECT_EQ(compact.size(), kIds);
  if (!kCollide) {
    // 16-bit ids leave 16 fingerprint bits (13 after three splits).
    EXPECT_LT(static_cast<double>(extra) / queries, 0.5);
  }
  // At most max_ids / 0.8 slots of 4 bytes per band, plus the overflow tables
  // (the ~3% of entries whose bucket was full, 8 bytes each at load 0.375-0.75).
  if (!kCollide) {
    EXPECT_LT(compact.MemoryBytes(), kIds * p.bands * 4 / 0.8 * 1.25);
  }
}

TEST(CompactLshIndex, ManyEqualKeysOverflowTheirBucketAndAreAllReported) {
  const LshParams p{2, 1};
  CompactLshIndex index(p, 1000);
  const uint32_t k[2] = {12345, 678};
  for (uint32_t id = 0; id < 100; ++id) index.Insert(id, k);
  std::vector<uint32_t> got;
  index.Query(k, &got);
  ASSERT_EQ(got.size(), 100u);
  EXPECT_EQ(got.front(), 0u);
  EXPECT_EQ(got.back(), 99u);
}

TEST(LshIndex, InsertQueryRemove) {
  const LshParams p{4, 2};
  LshIndex index(p);
  const uint32_t k1[] = {1, 2, 3, 4}, k2[] = {9, 9, 3, 9}, k3[] = {7, 7, 7, 7};
  index.Insert(10, k1);
  index.Insert(20, k2);
  std::vector<uint32_t> out;
  index.Query(k1, &out);
  EXPECT_EQ(out, (std::vector<uint32_t>{10, 20}));  // both share band 2
  index.Query(k3, &out);
  if (!kCollide) {
    EXPECT_TRUE(out.empty());
  }
  EXPECT_TRUE(index.Remove(10));
  EXPECT_FALSE(index.Remove(10));
  EXPECT_FALSE(index.Contains(10));
  index.Query(k1, &out);
  EXPECT_EQ(out, (std::vector<uint32_t>{20}));
  index.Insert(10, k3);  // back with other keys: the old ones stay gone
  index.Query(k1, &out);
  EXPECT_EQ(out, (std::vector<uint32_t>{20}));
  index.Query(k3, &out);
  EXPECT_EQ(out, (std::vector<uint32_t>{10}));
  EXPECT_EQ(index.size(), 2u);
}

TEST(LshIndex, ManyCollidingKeysAreAllReported) {
  // Every id in one bucket: the probe chains run long and nothing is lost.
  LshIndex index(LshParams{2, 3});
  const uint32_t k[] = {5, 5};
  for (uint32_t i = 0; i < 5000; ++i) index.Insert(i, k);
  for (uint32_t i = 0; i < 5000; i += 2) index.Remove(i);
  std::vector<uint32_t> out;
  index.Query(k, &out);
  ASSERT_EQ(out.size(), 2500u);
  EXPECT_EQ(out.front(), 1u);
  EXPECT_EQ(out.back(), 4999u);
}

TEST(LshIndex, SerializeRoundTripAnswersTheSame) {
  std::mt19937_64 rng(1);
  const LshParams p = ChooseLshParams(128, 0.7, 0.99);
  LshIndex index(p);
  std::vector<std::vector<uint32_t>> keys;
  for (uint32_t i = 0; i < 300; ++i) {
    std::vector<uint32_t> k(p.bands);
    for (auto& x : k) x = static_cast<uint32_t>(rng() % 50);  // plenty of sharing
    index.Insert(i, k.data());
    keys.push_back(k);
  }
  index.Remove(7);
  std::string bytes = index.Serialize();
  Result<LshIndex> back = LshIndex::Deserialize(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->params(), p);
  EXPECT_EQ(back->size(), 299u);
  std::vector<uint32_t> x, y;
  for (const auto& k : keys) {
    index.Query(k.data(), &x);
    back->Query(k.data(), &y);
    EXPECT_EQ(x, y);
  }
}

TEST(LshIndex, DeserializeRejectsDamagedBytes) {
  LshIndex index(LshParams{3, 2});
  const uint32_t k[] = {1, 2, 3};
  index.Insert(1, k);
  std::string bytes = index.Serialize();
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x40;
  EXPECT_EQ(LshIndex::Deserialize(flipped).status().code(), Status::Code::kCorruption);
  EXPECT_EQ(LshIndex::Deserialize(bytes.substr(0, bytes.size() - 3)).status().code(),
            Status::Code::kCorruption);
  EXPECT_EQ(LshIndex::Deserialize("").status().code(), Status::Code::kCorruption);
}

}  // namespace
}  // namespace storyline
