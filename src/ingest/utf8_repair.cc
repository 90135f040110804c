// Copyright storyline authors.
#include "ingest/utf8_repair.h"

#include <simdjson.h>
#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace storyline::ingest {
namespace {

// Every code point below this that Windows-1252 maps a byte 0x80-0x9F to
// (the highest is U+2122 TRADE MARK SIGN).
constexpr char32_t kCp1252TableSize = 0x2200;

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};
using ConverterPtr = std::unique_ptr<UConverter, ConverterCloser>;

ConverterPtr OpenCp1252() {
  UErrorCode err = U_ZERO_ERROR;
  ConverterPtr cv(ucnv_open("windows-1252", &err));
  if (U_FAILURE(err)) return nullptr;
  return cv;
}

// Code point -> the Windows-1252 byte 0x80-0x9F that decodes to it (0: none).
// Built once from ICU's converter rather than a hand-written table.
const std::array<uint8_t, kCp1252TableSize>& Cp1252HighBytes() {
  static const std::array<uint8_t, kCp1252TableSize> table = [] {
    std::array<uint8_t, kCp1252TableSize> t{};
    ConverterPtr cv = OpenCp1252();
    if (!cv) return t;
    for (int b = 0x80; b <= 0x9F; ++b) {
      char in = static_cast<char>(b);
      UChar out[4];
      UErrorCode err = U_ZERO_ERROR;
      int32_t n = ucnv_toUChars(cv.get(), out, 4, &in, 1, &err);
      if (U_FAILURE(err) || n != 1) continue;
      char32_t cp = out[0];
      // Bytes Windows-1252 leaves undefined decode to C1 controls or a substitute.
      if (cp >= 0x80 && cp <= 0x9F) continue;
      if (cp < kCp1252TableSize && cp != 0xFFFD && cp != 0x1A) t[cp] = static_cast<uint8_t>(b);
    }
    return t;
  }();
  return table;
}

// The byte 0x80-0xBF whose Windows-1252 or Latin-1 decoding is `cp`, or -1.
int ContinuationByte(char32_t cp) {
  if (cp >= 0x80 && cp <= 0xBF) return static_cast<int>(cp);  // Latin-1 (C1 included)
  if (cp < kCp1252TableSize) {
    uint8_t b = Cp1252HighBytes()[cp];
    if (b != 0) return b;
  }
  return -1;
}

// Number of continuation bytes a UTF-8 lead byte `b` needs (0: not a lead).
int ContinuationsFor(uint8_t b) {
  if (b >= 0xC2 && b <= 0xDF) return 1;
  if (b >= 0xE0 && b <= 0xEF) return 2;
  if (b >= 0xF0 && b <= 0xF4) return 3;
  return 0;
}

// The code point that ends at `end` in valid UTF-8 `s` (-1 at the start).
UChar32 CodePointBefore(const char* s, int64_t end) {
  if (end <= 0) return -1;
  int64_t start = std::max<int64_t>(0, end - 4);  // a character has at most 4 bytes
  int32_t i = static_cast<int32_t>(end - start);
  UChar32 c;
  U8_PREV(s + start, 0, i, c);
  return c;
}

bool IsLatinLetter(UChar32 c) {
  if (c < 0) return false;
  UErrorCode err = U_ZERO_ERROR;
  return u_isalpha(c) && uscript_getScript(c, &err) == USCRIPT_LATIN;
}

// Whether `cp`, decoded from a candidate of `len` bytes, is what the text most
// likely said. Mojibake of real text decodes to letters of Latin-1 and Latin
// Extended, to punctuation and symbols ("’", "–", "€"), or to whole words of
// another script; a legitimate "Ö’" (SPÖ’s) would decode to a Hebrew point
// glued to Latin letters, and "É’" to an IPA letter.
bool Plausible(UChar32 cp, int len, UChar32 before) {
  int8_t type = u_charType(cp);
  if (type == U_FORMAT_CHAR) return len > 2 || cp == 0x00AD;  // BOM, ZWJ, soft hyphen
  if (type == U_UNASSIGNED || type == U_PRIVATE_USE_CHAR || type == U_CONTROL_CHAR ||
      type == U_SURROGATE) {
    return false;
  }
  UErrorCode err = U_ZERO_ERROR;
  UScriptCode script = uscript_getScript(cp, &err);
  if (U_FAILURE(err)) return false;
  if (script == USCRIPT_LATIN) return cp <= 0x024F || (cp >= 0x1E00 && cp <= 0x1EFF);
  if (script == USCRIPT_COMMON || script == USCRIPT_INHERITED) return true;
  if (len > 2) return true;  // CJK, Indic, Thai...: three-byte leads are lower-case letters
  // Greek, Cyrillic, Hebrew, Arabic...: not straight after a Latin letter.
  return !IsLatinLetter(before);
}

// One pass of RepairMojibake.
bool RepairMojibakeOnce(std::string* s) {
  const char* p = s->data();
  const int64_t n = static_cast<int64_t>(s->size());
  if (std::memchr(p, 0xC3, s->size()) == nullptr) return false;  // no lead char U+00C2..U+00F4
  std::string out;
  bool changed = false;
  int64_t copied = 0;  // bytes of *s before this are in `out`
  int64_t i = 0;
  while (i < n) {
    const void* hit = std::memchr(p + i, 0xC3, static_cast<size_t>(n - i));
    if (hit == nullptr) break;
    i = static_cast<const char*>(hit) - p;
    if (i + 1 >= n) break;
    // "\xC3\xXX" is the character U+00C0 + (XX & 0x3F): a candidate lead byte.
    uint8_t lead = static_cast<uint8_t>(0xC0 | (static_cast<uint8_t>(p[i + 1]) & 0x3F));
    int need = ContinuationsFor(lead);
    int64_t j = i + 2;
    bool ok = need > 0;
    char bytes[4];
    bytes[0] = static_cast<char>(lead);
    for (int k = 1; ok && k <= need; ++k) {
      if (j >= n) {
        ok = false;
        break;
      }
      UChar32 c;
      U8_NEXT(p, j, n, c);
      int b = c < 0 ? -1 : ContinuationByte(static_cast<char32_t>(c));
      if (b < 0) {
        ok = false;
      } else {
        bytes[k] = static_cast<char>(b);
      }
    }
    if (ok) {
      // The bytes must make one well-formed character (no overlong form, no
      // surrogate) that the text plausibly held.
      int32_t q = 0;
      UChar32 c;
      U8_NEXT(bytes, q, need + 1, c);
      ok = c >= 0 && q == need + 1;
      if (ok) {
        UChar32 before = i == copied && !out.empty()
                             ? CodePointBefore(out.data(), static_cast<int64_t>(out.size()))
                             : CodePointBefore(p, i);
        ok = Plausible(c, need + 1, before);
      }
    }
    if (!ok) {
      i += 2;
      continue;
    }
    out.append(p + copied, static_cast<size_t>(i - copied));
    out.append(bytes, static_cast<size_t>(need) + 1);
    copied = j;
    i = j;
    changed = true;
  }
  if (!changed) return false;
  out.append(p + copied, static_cast<size_t>(n - copied));
  s->swap(out);
  return true;
}

// Decodes `in` from the legacy charset `name` (an ICU converter name) to UTF-8.
bool DecodeLegacy(std::string_view in, const char* name, std::string* out) {
  UErrorCode err = U_ZERO_ERROR;
  ConverterPtr cv(ucnv_open(name, &err));
  if (U_FAILURE(err)) return false;
  // Multi-byte legacy charsets never take more UTF-16 units than bytes.
  std::vector<UChar> u16(in.size() + 1);
  int32_t n16 = ucnv_toUChars(cv.get(), u16.data(), static_cast<int32_t>(u16.size()), in.data(),
                              static_cast<int32_t>(in.size()), &err);
  if (U_FAILURE(err)) return false;
  out->resize(static_cast<size_t>(n16) * 3 + 1);
  int32_t n8 = 0;
  err = U_ZERO_ERROR;
  u_strToUTF8WithSub(out->data(), static_cast<int32_t>(out->size()), &n8, u16.data(), n16, 0xFFFD,
                     nullptr, &err);
  if (U_FAILURE(err)) return false;
  out->resize(static_cast<size_t>(n8));
  return true;
}

// The legacy charset of text that holds no UTF-8: what ICU's detector names
// when it is sure enough and the charset is not a Western one it confuses with
// Windows-1252 (short French text comes out as "windows-1250"); else Windows-1252,
// the most common legacy charset of news text.
std::string GuessLegacyCharset(std::string_view in) {
  struct Accepted {
    std::string_view name;
    int32_t min_confidence;
  };
  static constexpr Accepted kAccepted[] = {
      {"windows-1251", 25}, {"KOI8-R", 25},       {"ISO-8859-5", 25},   {"ISO-8859-7", 25},
      {"windows-1253", 25}, {"ISO-8859-6", 25},   {"windows-1256", 25}, {"ISO-8859-8", 25},
      {"windows-1255", 25}, {"ISO-8859-9", 40},   {"windows-1254", 40}, {"Shift_JIS", 25},
      {"EUC-JP", 25},       {"EUC-KR", 25},       {"GB18030", 25},      {"Big5", 25},
      {"ISO-8859-2", 60},   {"windows-1250", 60},
  };
  std::string fallback = "windows-1252";
  UErrorCode err = U_ZERO_ERROR;
  UCharsetDetector* det = ucsdet_open(&err);
  if (U_FAILURE(err)) return fallback;
  ucsdet_setText(det, in.data(), static_cast<int32_t>(std::min<size_t>(in.size(), 1 << 16)), &err);
  const UCharsetMatch* m = ucsdet_detect(det, &err);
  std::string chosen = fallback;
  if (U_SUCCESS(err) && m != nullptr) {
    std::string_view name = ucsdet_getName(m, &err);
    int32_t confidence = ucsdet_getConfidence(m, &err);
    for (const Accepted& a : kAccepted) {
      if (U_SUCCESS(err) && name == a.name && confidence >= a.min_confidence) chosen = name;
    }
  }
  ucsdet_close(det);
  return chosen;
}

}  // namespace

bool IsValidUtf8(std::string_view s) { return simdjson::validate_utf8(s.data(), s.size()); }

bool IsAscii(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size(), i = 0;
  uint64_t acc = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    acc |= w;
  }
  for (; i < n; ++i) acc |= static_cast<uint8_t>(p[i]);
  return (acc & 0x8080808080808080ULL) == 0;
}

Utf8Verdict RepairUtf8(std::string_view in, std::string* out) {
  if (IsValidUtf8(in)) return Utf8Verdict::kValid;
  const char* p = in.data();
  const int64_t n = static_cast<int64_t>(in.size());
  int64_t bad = 0, good_multibyte = 0;
  for (int64_t i = 0; i < n;) {
    if (static_cast<uint8_t>(p[i]) < 0x80) {
      ++i;
      continue;
    }
    int64_t start = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) {
      bad += i - start;
    } else {
      ++good_multibyte;
    }
  }
  // No well-formed multi-byte character at all: text in a legacy charset.
  if (good_multibyte == 0 && DecodeLegacy(in, GuessLegacyCharset(in).c_str(), out)) {
    return Utf8Verdict::kRepaired;
  }
  if (bad * 4 > n && bad > 8) return Utf8Verdict::kUnrepairable;
  out->clear();
  out->reserve(in.size() + 16);
  for (int64_t i = 0; i < n;) {
    if (static_cast<uint8_t>(p[i]) < 0x80) {
      out->push_back(p[i++]);
      continue;
    }
    int64_t start = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) {
      out->append("\xEF\xBF\xBD");
    } else {
      out->append(p + start, static_cast<size_t>(i - start));
    }
  }
  return Utf8Verdict::kRepaired;
}

bool RepairMojibake(std::string* s) {
  // A second pass undoes text that was mis-decoded twice ("Ãƒ©").
  if (!RepairMojibakeOnce(s)) return false;
  RepairMojibakeOnce(s);
  return true;
}

bool LooksBinary(std::string_view sample) {
  if (sample.empty()) return false;
  if (std::memchr(sample.data(), 0, sample.size()) != nullptr) return true;
  size_t control = 0;
  for (unsigned char c : sample) {
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1B) ++control;
  }
  return control * 20 > sample.size();
}

}  // namespace storyline::ingest
