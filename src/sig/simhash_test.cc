#include "storyline/simhash.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/hash.h"

namespace storyline {
namespace {

std::vector<uint64_t> Features(int from, int to, const std::string& tag = "w") {
  std::vector<uint64_t> f;
  for (int i = from; i < to; ++i) f.push_back(Hash64(tag + std::to_string(i), kShingleSeed));
  return f;
}

TEST(SimHash, GoldenValue) {
  EXPECT_EQ(SimHash64(Features(0, 100)), 14473755865513827905ULL);
  EXPECT_EQ(SimHash64({}), 0ULL);
}

TEST(SimHash, CloseSetsGiveCloseFingerprints) {
  const uint64_t a = SimHash64(Features(0, 400));
  const uint64_t near = SimHash64(Features(10, 410));     // 95% shared
  const uint64_t far = SimHash64(Features(0, 400, "x"));  // nothing shared
  EXPECT_LE(SimHashDistance(a, near), 8);
  EXPECT_GE(SimHashDistance(a, far), 16);
  EXPECT_EQ(SimHashDistance(a, a), 0);
}

}  // namespace
}  // namespace storyline
