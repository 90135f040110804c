#include "storyline/minhash.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/hash.h"
#include "sig/sig_internal.h"

namespace storyline {
namespace {

// A plain ASCII word splitter: these tests pin the signature layer on its own,
// whatever the tokeniser does (the dedup tests pin the whole pipeline).
std::vector<std::string> SplitLower(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!cur.empty()) {
      out.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::vector<std::string_view> Views(const std::vector<std::string>& w) {
  return {w.begin(), w.end()};
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<uint64_t> ShingleSet(const std::vector<std::string>& words, int k = 5) {
  std::vector<uint64_t> s;
  auto v = Views(words);
  HashShingles(v, k, &s);
  SortUnique(&s);
  return s;
}

TEST(HashShingles, ShingleIsXxh3OfWordsJoinedBySpace) {
  std::vector<std::string> w = {"the", "quick", "brown", "fox", "jumps", "over"};
  std::vector<uint64_t> s;
  auto v = Views(w);
  uint64_t content = HashShingles(v, 5, &s);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0], Hash64("the quick brown fox jumps", kShingleSeed));
  EXPECT_EQ(s[1], Hash64("quick brown fox jumps over", kShingleSeed));
  EXPECT_EQ(content, Hash64("the quick brown fox jumps over", kContentSeed));
}

TEST(HashShingles, ContentHashOfJoinedWordsIsTheSame) {
  std::vector<std::string> w = {"the", "quick", "brown", "fox", "jumps", "over"};
  std::vector<uint64_t> s;
  auto v = Views(w);
  EXPECT_EQ(HashJoinedWords("the quick brown fox jumps over"), HashShingles(v, 5, &s));
  EXPECT_EQ(HashJoinedWords(""), HashShingles(std::span<const std::string_view>(), 5, &s));
  EXPECT_NE(HashJoinedWords("the quick brown fox jumps"), HashShingles(v, 5, &s));
  std::vector<uint64_t> only;
  HashShinglesOnly(v, 5, &only);
  EXPECT_EQ(only, s);
}

TEST(HashShingles, GoldenValues) {
  std::vector<std::string> w = {"the", "quick", "brown", "fox", "jumps", "over"};
  std::vector<uint64_t> s;
  auto v = Views(w);
  uint64_t content = HashShingles(v, 5, &s);
  // Pinned: changing these breaks every stored signature (docs/formats.md).
  EXPECT_EQ(s[0], 8383175826745841467ULL);
  EXPECT_EQ(content, 8004249750707084591ULL);
}

// Words that lie in one buffer separated by single spaces (Words::norm) are
// hashed in place; the hashes are those of the same words apart, and a buffer
// with anything else between two words is not taken for joined words.
TEST(HashShingles, WordsInOneBufferHashLikeWordsApart) {
  const std::string joined = "the quick brown fox jumps over the lazy dog ";
  const std::string tabbed = "the quick\tbrown fox jumps over the  lazy dog ";
  for (const std::string* buf : {&joined, &tabbed}) {
    std::vector<std::string_view> in_buf;
    std::vector<std::string> apart;
    size_t b = 0;
    for (size_t i = 0; i < buf->size(); ++i) {
      if ((*buf)[i] == ' ' || (*buf)[i] == '\t') {
        if (i > b) {
          in_buf.push_back(std::string_view(*buf).substr(b, i - b));
          apart.emplace_back(*buf, b, i - b);
        }
        b = i + 1;
      }
    }
    ASSERT_EQ(apart.size(), 9u);
    std::vector<std::string_view> apart_views(apart.begin(), apart.end());
    for (int k : {1, 5, 12}) {
      std::vector<uint64_t> a, c;
      const uint64_t ca = HashShingles(in_buf, k, &a);
      const uint64_t cc = HashShingles(apart_views, k, &c);
      EXPECT_EQ(a, c) << k;
      EXPECT_EQ(ca, cc) << k;
    }
  }
}

TEST(HashShingles, ShortTextIsOneShingleOfAllItsWords) {
  std::vector<std::string> w = {"north", "korea"};
  std::vector<uint64_t> s;
  auto v = Views(w);
  HashShingles(v, 5, &s);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0], Hash64("north korea", kShingleSeed));
  std::vector<std::string_view> none;
  HashShingles(none, 5, &s);
  EXPECT_TRUE(s.empty());
}

// The vectorised 32-bit comparison counts what the 64-bit merge counts, for sets
// of every size around its blocks of 4 and 8 and any overlap.
TEST(CompareSets, ThirtyTwoBitSetsCountAsTheMerge) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 3000; ++trial) {
    const size_t na = rng() % 70, nb = rng() % 70;
    const uint32_t range = 1 + static_cast<uint32_t>(rng() % 200);  // small: many shared
    std::set<uint32_t> sa, sb;
    while (sa.size() < std::min<size_t>(na, range)) sa.insert(static_cast<uint32_t>(rng() % range));
    while (sb.size() < std::min<size_t>(nb, range)) sb.insert(static_cast<uint32_t>(rng() % range));
    std::vector<uint32_t> a(sa.begin(), sa.end()), b(sb.begin(), sb.end());
    std::vector<uint64_t> a64(a.begin(), a.end()), b64(b.begin(), b.end());
    const SetOverlap x = CompareSets(std::span<const uint32_t>(a), std::span<const uint32_t>(b));
    const SetOverlap y =
        CompareSets(std::span<const uint64_t>(a64), std::span<const uint64_t>(b64));
    ASSERT_EQ(x.intersection, y.intersection) << trial;
    // Each path the build has gives the scalar merge's count.
    ASSERT_EQ(sig_internal::CommonScalar(a.data(), a.size(), b.data(), b.size()), y.intersection)
        << trial;
#if STORYLINE_SSE2
    ASSERT_EQ(sig_internal::CommonSse2(a.data(), a.size(), b.data(), b.size()), y.intersection)
        << trial;
#endif
#if STORYLINE_AVX2_DISPATCH
    if (CpuHasAvx2()) {
      ASSERT_EQ(sig_internal::CommonAvx2(a.data(), a.size(), b.data(), b.size()), y.intersection)
          << trial;
    }
#endif
    ASSERT_EQ(x.size_a, a.size());
    ASSERT_EQ(x.size_b, b.size());
  }
}

TEST(CompareSets, CountsIntersectionJaccardAndContainment) {
  std::vector<uint64_t> a = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  std::vector<uint64_t> b = {1, 2, 3, 4, 5, 6, 7};
  SetOverlap o = CompareSets(a, b);
  EXPECT_EQ(o.intersection, 7u);
  EXPECT_DOUBLE_EQ(o.jaccard(), 0.7);
  EXPECT_DOUBLE_EQ(o.containment(), 1.0);
  EXPECT_EQ(CompareSets(std::span<const uint64_t>{}, std::span<const uint64_t>{}).jaccard(), 0.0);
}

TEST(MinHash, IdenticalTextsGiveIdenticalSignatures) {
  auto words = SplitLower(ReadFile("demo/002_fe51a37dbb415eaa.txt"));
  ASSERT_GT(words.size(), 100u);
  MinHasher h;
  auto s1 = ShingleSet(words);
  std::vector<uint64_t> repeated;
  auto v = Views(words);
  HashShingles(v, 5, &repeated);  // unsorted, with repeats: same signature
  EXPECT_EQ(h.Sign(s1), h.Sign(repeated));
  EXPECT_DOUBLE_EQ(EstimateJaccard(h.Sign(s1), h.Sign(repeated)), 1.0);
}

TEST(MinHash, GoldenSignatureOfSeedText) {
  auto words = SplitLower(ReadFile("demo/002_fe51a37dbb415eaa.txt"));
  MinHasher h(128);
  auto sig = h.Sign(ShingleSet(words));
  ASSERT_EQ(sig.size(), 128u);
  // Pinned values (docs/formats.md): the first 4 positions and a hash of all 128.
  EXPECT_EQ(sig[0], 209680013u);
  EXPECT_EQ(sig[1], 162420123u);
  EXPECT_EQ(sig[2], 3398102399u);
  EXPECT_EQ(sig[3], 1747838721u);
  EXPECT_EQ(Hash64(std::string_view(reinterpret_cast<const char*>(sig.data()), 512), 0),
            14863851177901252289ULL);
}

TEST(MinHash, EmptyInputGivesEmptySignature) {
  MinHasher h(64);
  auto sig = h.Sign(std::vector<uint64_t>{});
  for (uint32_t v : sig) EXPECT_EQ(v, kEmptyMinHash);
  EXPECT_EQ(EstimateJaccard(sig, sig), 0.0);
}

TEST(MinHash, DensificationFillsEveryBinForShortTexts) {
  // 3 shingles into 128 bins: 125 bins are empty before densification and every
  // value must come from one of the 3.
  std::vector<uint64_t> s = {Hash64("a b c d e", kShingleSeed), Hash64("b c d e f", kShingleSeed),
                             Hash64("c d e f g", kShingleSeed)};
  auto sig = MinHasher(128).Sign(s);
  for (uint32_t v : sig) {
    EXPECT_TRUE(v == static_cast<uint32_t>(s[0]) || v == static_cast<uint32_t>(s[1]) ||
                v == static_cast<uint32_t>(s[2]));
  }
}

// Reads up to `limit` texts from a JSONL file with a "text" field, by a plain scan
// (the JSON layer is not this module's business).
std::vector<std::string> ReadTexts(const std::string& path, size_t limit) {
  std::vector<std::string> out;
  std::ifstream in(path);
  std::string line;
  while (out.size() < limit && std::getline(in, line)) {
    size_t p = line.find("\"text\": \"");
    if (p == std::string::npos) continue;
    p += 9;
    std::string t;
    for (; p < line.size() && line[p] != '"'; ++p) {
      if (line[p] == '\\' && p + 1 < line.size()) {
        ++p;
        t += line[p] == 'n' ? ' ' : line[p];
      } else {
        t += line[p];
      }
    }
    if (t.size() > 200) out.push_back(t);
  }
  return out;
}

TEST(MinHash, EstimatesJaccardOfRealPairsWithinTolerance) {
  const std::string path = "../shared/data/reuters21578/data.jsonl";
  auto texts = ReadTexts(path, 600);
  if (texts.empty()) GTEST_SKIP() << path << " absent";
  // Pairs at every similarity: each article against a copy with a share of its
  // words replaced, and against its successor in the file (mostly unrelated).
  std::mt19937_64 rng(7);
  MinHasher h(128);
  double sum_err = 0, max_err = 0;
  int n = 0, beyond = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    auto a = SplitLower(texts[i]);
    auto b = a;
    const double rate = 0.01 * (i % 30);
    for (auto& w : b) {
      if (std::uniform_real_distribution<double>(0, 1)(rng) < rate) {
        w = "edit" + std::to_string(rng() % 100000);
      }
    }
    for (const auto* other : {&b, &a}) {
      auto sb = other == &a ? SplitLower(texts[(i + 1) % texts.size()]) : *other;
      auto sa = ShingleSet(a), sbs = ShingleSet(sb);
      const double exact = CompareSets(sa, sbs).jaccard();
      const double est = EstimateJaccard(h.Sign(sa), h.Sign(sbs));
      const double err = std::abs(est - exact);
      // 4 standard deviations of a K=128 estimate, plus slack for densification.
      const double tol = 4 * std::sqrt(std::max(exact * (1 - exact), 0.01) / 128) + 0.02;
      beyond += err > tol;
      sum_err += err;
      max_err = std::max(max_err, err);
      ++n;
    }
  }
  EXPECT_LT(sum_err / n, 0.03) << "mean absolute error over " << n << " pairs";
  EXPECT_LE(beyond, n / 200) << "max error " << max_err;
}

}  // namespace
}  // namespace storyline
