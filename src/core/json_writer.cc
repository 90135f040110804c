#include "core/json_writer.h"

#include <cmath>
#include <cstdio>

#include "core/simd.h"

namespace storyline {

namespace {

// Appends the escape of c, a byte JSON must escape (NeedsEscape).
void AppendEscape(std::string* out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '"':
      out->append("\\\"");
      break;
    case '\\':
      out->append("\\\\");
      break;
    case '\n':
      out->append("\\n");
      break;
    case '\r':
      out->append("\\r");
      break;
    case '\t':
      out->append("\\t");
      break;
    case '\b':
      out->append("\\b");
      break;
    case '\f':
      out->append("\\f");
      break;
    default:
      out->append("\\u00");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
  }
}

// A control byte, '"' or '\\'. Bytes 0x7F and up (UTF-8) are written as they are.
inline bool NeedsEscape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

#if STORYLINE_SSE2
// Bit k set when byte k of the 16 at p needs escaping (NeedsEscape).
inline unsigned EscapeMask(const char* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i hit = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
      _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v));
  return static_cast<unsigned>(_mm_movemask_epi8(hit));
}
#endif

}  // namespace

// Plain bytes are appended in runs, up to the next byte to escape. Where the
// build has SSE2 that byte is looked for 16 bytes at a time (article text, most
// of what dedup and the store write, has one every line or so); the scalar loop
// finds the same bytes, so the output is the same either way.
void AppendJsonString(std::string* out, std::string_view s) {
  out->reserve(out->size() + s.size() + 2);
  out->push_back('"');
  const char* p = s.data();
  const size_t n = s.size();
  size_t run = 0;  // start of the pending run of plain bytes
  size_t i = 0;
#if STORYLINE_SSE2
  while (n - i >= 16) {
    const unsigned m = EscapeMask(p + i);
    if (m == 0) {
      i += 16;
      continue;
    }
    i += static_cast<size_t>(__builtin_ctz(m));
    out->append(p + run, i - run);
    AppendEscape(out, static_cast<unsigned char>(p[i]));
    run = ++i;
  }
#endif
  for (; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(p[i]);
    if (!NeedsEscape(c)) continue;
    out->append(p + run, i - run);
    AppendEscape(out, c);
    run = i + 1;
  }
  out->append(p + run, n - run);
  out->push_back('"');
}

void JsonWriter::Double(double v) {
  Sep();
  if (!std::isfinite(v)) {
    out_ += "null";
    return;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  out_ += buf;
}

}  // namespace storyline
