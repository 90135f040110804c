// Copyright storyline authors.
//
// Normalisation and word segmentation. Two paths give the same words:
//  - TokenizeFast: a byte loop for text made only of ASCII, Latin, Greek and
//    Cyrillic letters, digits, and common punctuation/spaces. It follows the
//    rules of ICU's word break iterator (UAX #29) for those characters, folds
//    ASCII and Latin-1 letters itself and hands only words with other letters
//    to ICU's NFKC_Casefold. No allocation per word.
//  - TokenizeIcu: ICU's word break iterator (dictionaries for Chinese,
//    Japanese, Thai...) over the UTF-8 text, each word NFKC_Casefold-ed.
// The fast path gives up (returns false) on the first character it does not
// know, and the whole text goes through ICU. docs/text.md states the rules;
// they are part of the signature format.
#include <unicode/brkiter.h>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/utext.h>

#include <cstring>
#include <memory>

#include "core/ascii.h"
#include "core/hash.h"
#include "core/simd.h"
#include "storyline/text.h"
#include "text/tokenize_internal.h"

namespace storyline {
namespace {

enum Kind : uint8_t {
  kSep = 0,    // space, punctuation, symbols: not part of a word
  kLetter,     // UAX #29 ALetter
  kDigit,      // UAX #29 Numeric (ASCII digits only here)
  kExtend,     // ExtendNumLet: '_' joins whatever it touches
  kMidNumLet,  // . ' and U+2018/U+2019: join letter-letter and digit-digit
  kMidNum,     // , ; join digit-digit
  kFallback,   // not handled by the fast path
};

struct AsciiTable {
  Kind k[128];
  constexpr AsciiTable() : k() {
    for (int c = 0; c < 128; ++c) k[c] = kSep;
    for (int c = 'a'; c <= 'z'; ++c) k[c] = kLetter;
    for (int c = 'A'; c <= 'Z'; ++c) k[c] = kLetter;
    for (int c = '0'; c <= '9'; ++c) k[c] = kDigit;
    // ICU's word rules count '@' as ALetter (so "a@b.com" stays one word);
    // it is a letter here too, kept as it is (no case).
    k[static_cast<int>('@')] = kLetter;
    k[static_cast<int>('_')] = kExtend;
    k[static_cast<int>('.')] = kMidNumLet;
    k[static_cast<int>('\'')] = kMidNumLet;
    k[static_cast<int>(',')] = kMidNum;
    k[static_cast<int>(';')] = kMidNum;
  }
};
constexpr AsciiTable kAscii;

// Decodes one UTF-8 sequence at p (p < end, *p >= 0x80). Returns its length,
// 0 when ill-formed.
inline int DecodeUtf8(const uint8_t* p, const uint8_t* end, uint32_t* cp) {
  uint8_t b = p[0];
  if (b < 0xC2) return 0;
  if (b < 0xE0) {
    if (end - p < 2 || (p[1] & 0xC0) != 0x80) return 0;
    *cp = ((b & 0x1Fu) << 6) | (p[1] & 0x3Fu);
    return 2;
  }
  if (b < 0xF0) {
    if (end - p < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 0;
    uint32_t c = ((b & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
    if (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    *cp = c;
    return 3;
  }
  // Four-byte sequences (emoji, rare scripts) are left to ICU.
  return 0;
}

// The word-break class of U+0080-U+00BF. ª µ º are letters, · is MidLetter,
// the soft hyphen is Format (ignored inside words): those are left to ICU.
// The rest is C1 controls, punctuation and symbols.
Kind ClassifyLatin1Punctuation(uint32_t cp) {
  if (cp < 0xA0) return kSep;  // C1 controls
  if (cp == 0xAA || cp == 0xB5 || cp == 0xBA || cp == 0xB7 || cp == 0xAD) return kFallback;
  return kSep;
}

// The word-break class of U+0370-U+03FF (Greek): the letters; the rest
// (tonos marks, numeral signs, unassigned) is left to ICU.
Kind ClassifyGreek(uint32_t cp) {
  if (cp == 0x386 || (cp >= 0x388 && cp <= 0x38A) || cp == 0x38C || (cp >= 0x38E && cp <= 0x3A1) ||
      (cp >= 0x3A3 && cp <= 0x3F5) || (cp >= 0x3F7 && cp <= 0x3FF)) {
    return kLetter;
  }
  return kFallback;
}

// The word-break class of U+2000-U+206F (General Punctuation).
Kind ClassifyGeneralPunctuation(uint32_t cp) {
  if (cp <= 0x200B) return kSep;
  if (cp == 0x2018 || cp == 0x2019) return kMidNumLet;
  if ((cp >= 0x2010 && cp <= 0x2017) || (cp >= 0x201A && cp <= 0x2023) || cp == 0x2025 ||
      cp == 0x2026 || cp == 0x2028 || cp == 0x2029 || (cp >= 0x2030 && cp <= 0x203E) ||
      (cp >= 0x2041 && cp <= 0x2053) || (cp >= 0x2055 && cp <= 0x205F)) {
    return kSep;
  }
  return kFallback;
}

// The word-break class of a non-ASCII code point, as far as the fast path knows.
Kind ClassifyNonAscii(uint32_t cp) {
  if (cp < 0xC0) return ClassifyLatin1Punctuation(cp);
  if (cp <= 0x24F) return (cp == 0xD7 || cp == 0xF7) ? kSep : kLetter;  // Latin
  if (cp >= 0x370 && cp <= 0x3FF) return ClassifyGreek(cp);
  if (cp >= 0x400 && cp <= 0x52F) {  // Cyrillic
    return (cp <= 0x481 || cp >= 0x48A) ? kLetter : kFallback;
  }
  if (cp >= 0x2000 && cp <= 0x206F) return ClassifyGeneralPunctuation(cp);
  if (cp >= 0x20A0 && cp <= 0x20C0) return kSep;  // currency signs
  return kFallback;
}

const icu::Normalizer2* Nfkc() {
  static const icu::Normalizer2* n = [] {
    UErrorCode st = U_ZERO_ERROR;
    return icu::Normalizer2::getNFKCCasefoldInstance(st);
  }();
  return n;
}

// Appends NFKC_Casefold(word) to *out, with word-internal U+2018/U+2019 written
// as ASCII apostrophes (so "Kim’s" and "Kim's" give the same word).
void AppendNormalizedWord(std::string_view word, std::string* out) {
  size_t from = out->size();
  UErrorCode st = U_ZERO_ERROR;
  icu::StringByteSink<std::string> sink(out);
  Nfkc()->normalizeUTF8(0, icu::StringPiece(word.data(), static_cast<int32_t>(word.size())), sink,
                        nullptr, st);
  if (U_FAILURE(st)) {
    out->resize(from);
    out->append(word);
  }
  // Compact "\xE2\x80\x98" / "\xE2\x80\x99" to "'".
  if (out->find("\xE2\x80", from) == std::string::npos) return;
  char* d = out->data();
  size_t w = from;
  for (size_t r = from; r < out->size();) {
    if (r + 2 < out->size() && d[r] == '\xE2' && d[r + 1] == '\x80' &&
        (d[r + 2] == '\x98' || d[r + 2] == '\x99')) {
      d[w++] = '\'';
      r += 3;
    } else {
      d[w++] = d[r++];
    }
  }
  out->resize(w);
}

struct CharAt {
  uint32_t cp;
  int len;
  Kind kind;
};

// Reads the character at s[i] (i < n). kind kFallback for anything ill-formed.
inline CharAt Read(const uint8_t* s, size_t i, size_t n) {
  uint8_t b = s[i];
  if (b < 0x80) return {b, 1, kAscii.k[b]};
  uint32_t cp = 0;
  int len = DecodeUtf8(s + i, s + n, &cp);
  if (len == 0) return {0, 1, kFallback};
  return {cp, len, ClassifyNonAscii(cp)};
}

inline bool IsWordChar(Kind k) { return k == kLetter || k == kDigit || k == kExtend; }

// Writes the fold of the word character c, read at src, to o[*pos]: '_' as it
// is, Latin-1 letters lower-cased ("ß" as "ss"), other letters as they are.
// ASCII letters and digits are not written here (see CopyAsciiRun). Returns
// true when the word needs ICU's NFKC_Casefold (a letter above U+00FF).
inline bool EmitWordChar(const CharAt& c, const uint8_t* src, char* o, size_t* pos) {
  if (c.cp < 0x80) {  // '_', the only ASCII kExtend
    o[(*pos)++] = static_cast<char>(c.cp);
    return false;
  }
  if (c.cp == 0xDF) {
    o[(*pos)++] = 's';
    o[(*pos)++] = 's';
    return false;
  }
  if (c.cp <= 0xFF) {
    uint32_t f = (c.cp <= 0xDE) ? c.cp + 0x20 : c.cp;  // C0-DE upper -> lower
    o[(*pos)++] = static_cast<char>(0xC0 | (f >> 6));
    o[(*pos)++] = static_cast<char>(0x80 | (f & 0x3F));
    return false;
  }
  std::memcpy(o + *pos, src, c.len);
  *pos += c.len;
  return true;
}

// Copies the run of ASCII letters and digits at s[*i] to o[*pos], lower-cased,
// advancing both. Returns the kind of its last character (`prev` when the run
// is empty). kSimd: sixteen bytes at a time while they last where the build
// has SSE2 (the output has 16 bytes of room past any position, see
// TokenizeFastIn), then byte by byte; the same output either way.
template <bool kSimd>
Kind CopyAsciiRun(const uint8_t* s, size_t n, size_t* i, char* o, size_t* pos, Kind prev) {
#if STORYLINE_SSE2
  if constexpr (kSimd) {
    const size_t run_start = *i;
    while (*i + 16 <= n) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + *i));
      // Bytes >= 0x80 are negative as signed: in neither range.
      const __m128i low = _mm_or_si128(v, _mm_set1_epi8(0x20));
      const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(low, _mm_set1_epi8('a' - 1)),
                                           _mm_cmplt_epi8(low, _mm_set1_epi8('z' + 1)));
      const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                          _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(o + *pos),
                       _mm_or_si128(v, _mm_and_si128(letter, _mm_set1_epi8(0x20))));
      const unsigned alnum = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(letter, digit)));
      const unsigned run = static_cast<unsigned>(__builtin_ctz(~alnum));  // <= 16
      *pos += run;
      *i += run;
      if (run < 16) break;
    }
    if (*i > run_start) prev = s[*i - 1] <= '9' ? kDigit : kLetter;
  }
#endif
  while (*i < n && s[*i] < 0x80) {
    const Kind k = kAscii.k[s[*i]];
    if (k == kLetter) {
      o[(*pos)++] = AsciiLower(static_cast<char>(s[*i]));  // '@' stays '@'
    } else if (k == kDigit) {
      o[(*pos)++] = static_cast<char>(s[*i]);
    } else {
      break;
    }
    prev = k;
    ++*i;
  }
  return prev;
}

// A word being read by the fast path.
struct WordScan {
  size_t i;                // the next byte of the source
  size_t pos;              // the end of the word's fold in the output
  size_t skip = 0;         // the separator after the word, when already read
  bool needs_icu = false;  // has a letter above U+00FF
  bool has_alnum = false;  // has a character other than '_'
};

// Reads the word that starts with the word character c at s[w->i], writing its
// fold to o. Follows UAX #29: word characters join; a MidNumLet joins
// letter-letter and digit-digit, a MidNum digit-digit (written as the ASCII
// mark, U+2018/U+2019 as "'"). Returns false when it meets a character the
// fast path does not know.
template <bool kSimd>
bool ScanWord(const uint8_t* s, size_t n, CharAt c, char* o, WordScan* w) {
  while (true) {
    w->has_alnum |= (c.kind != kExtend);
    Kind prev = c.kind;
    if (c.cp < 0x80 && c.kind != kExtend) {
      prev = CopyAsciiRun<kSimd>(s, n, &w->i, o, &w->pos, prev);
    } else {
      w->needs_icu |= EmitWordChar(c, s + w->i, o, &w->pos);
      w->i += c.len;
    }
    if (w->i >= n) return true;
    CharAt d = Read(s, w->i, n);
    if (IsWordChar(d.kind)) {
      c = d;
      continue;
    }
    if (d.kind == kFallback) return false;
    // d is not part of this word and not a word character: the caller would
    // skip it next.
    w->skip = d.len;
    if (d.kind != kMidNumLet && d.kind != kMidNum) return true;
    size_t j = w->i + d.len;
    if (j >= n) return true;
    CharAt e = Read(s, j, n);
    if (e.kind == kFallback) return false;
    bool join = (prev == kDigit && e.kind == kDigit) ||
                (d.kind == kMidNumLet && prev == kLetter && e.kind == kLetter);
    if (!join) return true;
    w->skip = 0;
    o[w->pos++] = d.cp < 0x80 ? static_cast<char>(d.cp) : '\'';
    w->i = j;
    c = e;
  }
}

// Writes NFKC_Casefold(text[start, end)) to norm at nstart, growing norm so
// that the rest of the text still fits (see TokenizeFastIn). Returns the end
// of the word's fold.
size_t WriteIcuFold(std::string_view text, size_t start, size_t end, size_t nstart,
                    std::string* norm) {
  thread_local std::string scratch;
  scratch.clear();
  AppendNormalizedWord(text.substr(start, end - start), &scratch);
  const size_t need = nstart + scratch.size() + 1 + (text.size() - end) + 16;
  if (need > norm->size()) norm->resize(need);
  std::memcpy(norm->data() + nstart, scratch.data(), scratch.size());
  return nstart + scratch.size();
}

// Records the word text[start, w.i), whose fold the scan wrote to
// out->norm[nstart, w.pos), followed by one space. Returns the new end of the
// output: nstart when the word is dropped (a lone '_', or nothing left after
// NFKC_Casefold).
size_t FinishWord(std::string_view text, size_t start, size_t nstart, const WordScan& w,
                  Words* out) {
  const size_t end = w.i;
  size_t pos = w.pos;
  if (!w.has_alnum && end - start < 2) return nstart;  // ICU: a lone '_' is not a word, "__" is
  if (w.needs_icu) {
    pos = WriteIcuFold(text, start, end, nstart, &out->norm);
    if (pos == nstart) return nstart;
  }
  out->spans.push_back(WordSpan{static_cast<uint32_t>(nstart), static_cast<uint32_t>(pos - nstart),
                                static_cast<uint32_t>(start), static_cast<uint32_t>(end)});
  // One space after each word: a word's source is followed by a separator
  // (but the last), so the output still stays within n + 1 bytes, and pos
  // stays <= i at the start of each word.
  out->norm[pos++] = ' ';
  return pos;
}

// TokenizeFast; kSimd: with the vectorised ASCII runs where the build has them.
template <bool kSimd>
bool TokenizeFastIn(std::string_view text, Words* out) {
  out->clear();
  const uint8_t* s = reinterpret_cast<const uint8_t*>(text.data());
  const size_t n = text.size();
  // Folded ASCII/Latin-1 words are never longer than their source, and the
  // space written after a word takes the place of the separator after it, so
  // the output fits in n + 1 bytes unless an ICU-normalised word grows
  // (WriteIcuFold grows it then).
  out->norm.resize(n + 16);
  size_t pos = 0;
  size_t i = 0;
  while (i < n) {
    // Skip separators quickly: ASCII ones without decoding.
    if (s[i] < 0x80 && kAscii.k[s[i]] == kSep) {
      ++i;
      continue;
    }
    CharAt c = Read(s, i, n);
    if (!IsWordChar(c.kind)) {
      if (c.kind == kFallback) return false;
      i += c.len;
      continue;
    }
    WordScan w{i, pos};
    if (!ScanWord<kSimd>(s, n, c, out->norm.data(), &w)) return false;
    pos = FinishWord(text, i, pos, w, out);
    i = w.i + w.skip;
  }
  out->norm.resize(pos);
  return true;
}

}  // namespace

namespace text_internal {

bool TokenizeFast(std::string_view text, Words* out) {
  return TokenizeFastIn<STORYLINE_SSE2 != 0>(text, out);
}

bool TokenizeFastScalar(std::string_view text, Words* out) {
  return TokenizeFastIn<false>(text, out);
}

void TokenizeIcu(std::string_view text, Words* out) {
  out->clear();
  thread_local std::unique_ptr<icu::BreakIterator> bi = [] {
    UErrorCode st = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> b(
        icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), st));
    if (U_FAILURE(st)) b.reset();
    return b;
  }();
  if (!bi) return;
  UErrorCode st = U_ZERO_ERROR;
  UText ut = UTEXT_INITIALIZER;
  utext_openUTF8(&ut, text.data(), static_cast<int64_t>(text.size()), &st);
  if (U_FAILURE(st)) return;
  bi->setText(&ut, st);
  if (U_FAILURE(st)) {
    utext_close(&ut);
    return;
  }
  int32_t start = bi->first();
  for (int32_t end = bi->next(); end != icu::BreakIterator::DONE; start = end, end = bi->next()) {
    if (bi->getRuleStatus() < UBRK_WORD_NONE_LIMIT) continue;
    size_t nstart = out->norm.size();
    AppendNormalizedWord(text.substr(start, end - start), &out->norm);
    if (out->norm.size() == nstart) continue;
    out->spans.push_back(WordSpan{static_cast<uint32_t>(nstart),
                                  static_cast<uint32_t>(out->norm.size() - nstart),
                                  static_cast<uint32_t>(start), static_cast<uint32_t>(end)});
    out->norm.push_back(' ');
  }
  // Detach the iterator from the stack UText before it goes away.
  UText empty = UTEXT_INITIALIZER;
  utext_openUTF8(&empty, "", 0, &st);
  bi->setText(&empty, st);
  utext_close(&empty);
  utext_close(&ut);
}

}  // namespace text_internal

std::string NormalizeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  UErrorCode st = U_ZERO_ERROR;
  icu::StringByteSink<std::string> sink(&out);
  Nfkc()->normalizeUTF8(0, icu::StringPiece(text.data(), static_cast<int32_t>(text.size())), sink,
                        nullptr, st);
  if (U_FAILURE(st)) return std::string(text);
  return out;
}

void Tokenize(std::string_view text, Words* out) {
  if (!text_internal::TokenizeFast(text, out)) text_internal::TokenizeIcu(text, out);
}

uint64_t ContentHash(const Words& words) {
  std::string_view joined = words.norm;
  if (!joined.empty()) joined.remove_suffix(1);  // each word is followed by one space
  return Hash64(joined, kContentSeed);
}

}  // namespace storyline
