// Copyright storyline authors.
//
// Trimming and folding a line for the boilerplate rules: the folded copy is
// what the rules match, never what is written out.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/ascii.h"
#include "core/simd.h"
#include "text/boilerplate_internal.h"

namespace storyline::text_internal {
namespace {

// A space at s[i]: ASCII blanks other than '\n', the no-break, zero-width and
// narrow no-break spaces, and the BOM. *len is its length in bytes.
bool IsSpaceAt(std::string_view s, size_t i, size_t* len) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
    *len = 1;
    return true;
  }
  if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
    *len = 2;  // NO-BREAK SPACE
    return true;
  }
  if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
      (static_cast<unsigned char>(s[i + 2]) == 0x8B ||
       static_cast<unsigned char>(s[i + 2]) == 0xAF)) {
    *len = 3;  // ZERO WIDTH SPACE, NARROW NO-BREAK SPACE
    return true;
  }
  if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBB &&
      static_cast<unsigned char>(s[i + 2]) == 0xBF) {
    *len = 3;  // BOM
    return true;
  }
  return false;
}

// The fold of each ASCII byte, and whether it is a space.
struct AsciiFoldTable {
  char to[128];
  uint8_t space[128];
  constexpr AsciiFoldTable() : to(), space() {
    for (int c = 0; c < 128; ++c) {
      to[c] = AsciiLower(static_cast<char>(c));
      space[c] = (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') ? 1 : 0;
      if (space[c]) to[c] = ' ';
    }
  }
};
constexpr AsciiFoldTable kAsciiFold;

bool AllAscii(std::string_view s) {
  size_t i = 0;
  uint64_t acc = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    acc |= x;
  }
  for (; i < s.size(); ++i) acc |= static_cast<unsigned char>(s[i]);
  return (acc & 0x8080808080808080ULL) == 0;
}

// ---- All-ASCII lines ---------------------------------------------------------------

// The output and word count of the fold of an all-ASCII line in progress.
struct AsciiFold {
  char* out;
  size_t n = 0;
  int words = 0;
  uint32_t prev_space = 1;  // the byte before was a space (or there was none)
};

// Folds one byte. Branch-free: spaces and letters alternate too irregularly to
// predict.
inline void FoldAsciiByte(unsigned char c, AsciiFold* f) {
  const uint32_t sp = kAsciiFold.space[c];
  f->out[f->n] = kAsciiFold.to[c];
  f->n += 1 - (sp & f->prev_space);
  f->words += (1 - sp) & f->prev_space;
  f->prev_space = sp;
}

#if STORYLINE_SSE2
// Bits set in a byte (a table: without -mpopcnt, __builtin_popcount is a call).
struct Popcount8Table {
  uint8_t n[256];
  constexpr Popcount8Table() : n() {
    for (int i = 0; i < 256; ++i) {
      n[i] = static_cast<uint8_t>((i & 1) + (i >> 1 & 1) + (i >> 2 & 1) + (i >> 3 & 1) +
                                  (i >> 4 & 1) + (i >> 5 & 1) + (i >> 6 & 1) + (i >> 7 & 1));
    }
  }
  uint8_t operator[](uint32_t i) const { return n[i]; }
};
constexpr Popcount8Table kPopcount8;

// Folds the sixteen bytes at p when they hold no control byte and no two
// spaces in a row (the usual case): then folding is lower-casing A-Z, and a
// word starts at each non-space byte after a space. Same result as
// FoldAsciiByte on each. Returns false, having changed nothing, otherwise.
inline bool FoldAsciiBlock16(const char* p, AsciiFold* f) {
  const __m128i k_space = _mm_set1_epi8(' '), k_ctrl = _mm_set1_epi8(0x20);
  const __m128i k_a = _mm_set1_epi8('A' - 1), k_z = _mm_set1_epi8('Z' + 1);
  const __m128i k_case = _mm_set1_epi8(0x20);
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const uint32_t sp = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, k_space)));
  const uint32_t ctrl = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmplt_epi8(v, k_ctrl)));
  const uint32_t after_space = ((sp << 1) | f->prev_space) & 0xFFFF;
  if (ctrl != 0 || (sp & after_space) != 0) return false;
  const __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(v, k_a), _mm_cmplt_epi8(v, k_z));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(f->out + f->n),
                   _mm_or_si128(v, _mm_and_si128(upper, k_case)));
  f->n += 16;
  const uint32_t starts = ~sp & after_space & 0xFFFF;
  f->words += kPopcount8[starts & 0xFF] + kPopcount8[starts >> 8];
  f->prev_space = (sp >> 15) & 1;
  return true;
}
#endif  // STORYLINE_SSE2

// FoldInto for a line of ASCII bytes only; kSimd: sixteen bytes at a time
// where FoldAsciiBlock16 allows.
template <bool kSimd>
size_t FoldAsciiInto(std::string_view s, char* out, int* words) {
  AsciiFold f{out};
  size_t i = 0;
#if STORYLINE_SSE2
  if constexpr (kSimd) {
    for (; i + 16 <= s.size(); i += 16) {
      if (FoldAsciiBlock16(s.data() + i, &f)) continue;
      for (size_t j = i; j < i + 16; ++j) FoldAsciiByte(static_cast<unsigned char>(s[j]), &f);
    }
  }
#endif
  for (; i < s.size(); ++i) FoldAsciiByte(static_cast<unsigned char>(s[i]), &f);
  if (words != nullptr) *words = f.words;
  return f.n;
}

// ---- Lines with non-ASCII bytes ------------------------------------------------------

// Copies the visible ASCII bytes from s[*i] on, lower-casing A-Z, eight at a
// time with SWAR arithmetic (each byte < 0x80, so no carries cross bytes),
// while eight remain and all eight are visible ASCII.
void FoldVisibleAsciiRun(std::string_view s, size_t* i, char* out, size_t* n) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  while (*i + 8 <= s.size()) {
    uint64_t x;
    std::memcpy(&x, s.data() + *i, 8);
    if ((x & kHigh) != 0) break;                                // non-ASCII
    if (((x + kOnes * (0x80 - 0x21)) & kHigh) != kHigh) break;  // a byte <= ' '
    uint64_t ge_a = x + kOnes * (0x80 - 'A');
    uint64_t gt_z = x + kOnes * (0x80 - 'Z' - 1);
    uint64_t upper = (ge_a & ~gt_z) & kHigh;
    x |= upper >> 2;
    std::memcpy(out + *n, &x, 8);
    *n += 8;
    *i += 8;
  }
}

// Folds the character at s[*i], which is neither a space nor visible ASCII:
// Latin-1 capitals (but U+00D7 ×) lower-cased, curly single quotes made straight,
// any other byte copied.
void FoldOtherChar(std::string_view s, size_t* i, char* out, size_t* n) {
  const size_t k = *i;
  const unsigned char c = static_cast<unsigned char>(s[k]);
  if (c == 0xC3 && k + 1 < s.size() && static_cast<unsigned char>(s[k + 1]) >= 0x80 &&
      static_cast<unsigned char>(s[k + 1]) <= 0x9E &&
      static_cast<unsigned char>(s[k + 1]) != 0x97) {
    out[(*n)++] = s[k];
    out[(*n)++] = static_cast<char>(s[k + 1] + 0x20);
    *i += 2;
  } else if (c == 0xE2 && k + 2 < s.size() && static_cast<unsigned char>(s[k + 1]) == 0x80 &&
             (static_cast<unsigned char>(s[k + 2]) == 0x98 ||
              static_cast<unsigned char>(s[k + 2]) == 0x99)) {
    out[(*n)++] = '\'';
    *i += 3;
  } else {
    out[(*n)++] = s[(*i)++];
  }
}

// FoldInto for a line with non-ASCII bytes.
size_t FoldUtf8Into(std::string_view s, char* out, int* words) {
  size_t n = 0;
  int w = 0;
  bool space = false;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const bool visible = c > ' ' && c < 0x80;  // the common case
    size_t len = 1;
    if (c == ' ' || c == '\t' || (!visible && IsSpaceAt(s, i, &len))) {
      space = true;
      i += len;
      continue;
    }
    if (space && n > 0) out[n++] = ' ';
    w += (space || n == 0);
    space = false;
    if (visible) {
      out[n++] = AsciiLower(static_cast<char>(c));
      ++i;
      FoldVisibleAsciiRun(s, &i, out, &n);
    } else {
      FoldOtherChar(s, &i, out, &n);
    }
  }
  if (words != nullptr) *words = w;
  return n;
}

}  // namespace

std::string_view Trim(std::string_view s) {
  if (!s.empty()) {
    // Visible ASCII at both ends (the usual line): nothing to trim.
    const unsigned char a = static_cast<unsigned char>(s.front());
    const unsigned char z = static_cast<unsigned char>(s.back());
    if (a > 0x20 && a < 0x80 && z > 0x20 && z < 0x80) return s;
  }
  size_t len = 0;
  while (!s.empty() && IsSpaceAt(s, 0, &len)) s.remove_prefix(len);
  while (!s.empty()) {
    // Walk back to the start of the last character, then test it.
    size_t k = s.size() - 1;
    while (k > 0 && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
    if (!IsSpaceAt(s, k, &len) || k + len != s.size()) break;
    s.remove_suffix(len);
  }
  return s;
}

size_t FoldInto(std::string_view s, char* out, int* words) {
  if (AllAscii(s)) return FoldAsciiInto<STORYLINE_SSE2 != 0>(s, out, words);
  return FoldUtf8Into(s, out, words);
}

size_t FoldIntoScalar(std::string_view s, char* out, int* words) {
  if (AllAscii(s)) return FoldAsciiInto<false>(s, out, words);
  return FoldUtf8Into(s, out, words);
}

std::string Fold(std::string_view s) {
  std::string out(s.size(), '\0');
  out.resize(FoldInto(s, out.data()));
  return out;
}

}  // namespace storyline::text_internal
