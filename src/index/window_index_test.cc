#include "index/window_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <vector>

#include "index/lsh_internal.h"

namespace storyline {
namespace {

// Query gives what a scan of every id inserted gives: the ids sharing a band key,
// ascending, each once; also with keys that collide (full buckets, overflow),
// after growth, and after Reset.
TEST(WindowIndex, QueryFindsEveryIdSharingABand) {
  constexpr int kBands = 12;
  std::mt19937_64 rng(5);
  WindowIndex index(kBands);
  for (int round = 0; round < 3; ++round) {
    index.Reset();
    const uint32_t key_range = round == 0 ? 50 : round == 1 ? 5000 : 0xFFFFFFFFu;
    std::vector<std::vector<uint32_t>> keys;
    const int n = 300 + 600 * round;
    for (int id = 0; id < n; ++id) {
      std::vector<uint32_t> k(kBands);
      for (uint32_t& x : k) x = static_cast<uint32_t>(rng() % key_range);
      index.Insert(static_cast<uint32_t>(id), k.data());
      keys.push_back(k);
    }
    std::vector<uint32_t> got;
    for (int q = 0; q < 200; ++q) {
      std::vector<uint32_t> k(kBands);
      if (q % 2 == 0) {
        k = keys[rng() % keys.size()];  // an id's own keys, some changed
        for (int c = 0; c < 3; ++c) k[rng() % kBands] = static_cast<uint32_t>(rng() % key_range);
      } else {
        for (uint32_t& x : k) x = static_cast<uint32_t>(rng() % key_range);
      }
      std::set<uint32_t> want;
      for (size_t id = 0; id < keys.size(); ++id) {
        for (int j = 0; j < kBands; ++j) {
          if (keys[id][j] == k[j]) want.insert(static_cast<uint32_t>(id));
        }
      }
      index.Query(k.data(), &got);
      ASSERT_EQ(got, std::vector<uint32_t>(want.begin(), want.end())) << round << " " << q;
    }
  }
  index.Reset();
  std::vector<uint32_t> got;
  const std::vector<uint32_t> k(kBands, 7);
  index.Query(k.data(), &got);
  EXPECT_TRUE(got.empty());
}

// The vectorised bucket scans (where the build has them) give the scalar scans'
// bits, for buckets with every mix of equal, empty and other slots.
TEST(WindowIndex, VectorAndScalarScansAgree) {
  std::mt19937_64 rng(9);
  for (int trial = 0; trial < 20000; ++trial) {
    uint32_t s[index_internal::kBucketSlots];
    const uint32_t range = 1 + static_cast<uint32_t>(rng() % 4);
    for (uint32_t& x : s) {
      x = rng() % 3 == 0 ? 0 : static_cast<uint32_t>(rng() % range) * 0x40000001u;
    }
    const uint32_t key = static_cast<uint32_t>(rng() % range) * 0x40000001u;
    ASSERT_EQ(index_internal::MatchWays(s, key), index_internal::MatchWaysScalar(s, key));
    ASSERT_EQ(index_internal::EmptySlots(s), index_internal::EmptySlotsScalar(s));
    const uint32_t known = static_cast<uint32_t>(rng());
    const uint32_t target = rng() % 2 == 0 ? (s[rng() % 16] & known) : static_cast<uint32_t>(rng());
    ASSERT_EQ(index_internal::MatchingSlots(s, known, target),
              index_internal::MatchingSlotsScalar(s, known, target));
  }
}

}  // namespace
}  // namespace storyline
