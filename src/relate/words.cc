// Copyright storyline authors.
//
// ScanWords: the case-keeping word scanner behind name extraction and quote
// attribution (see relate_internal.h). A word's flags say how it is written
// (capitals) and where it stands (sentence start, after punctuation).
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <string>
#include <unordered_set>

#include "relate/relate_internal.h"

namespace storyline {
namespace relate_internal {
namespace {

bool IsAbbreviation(std::string_view w) {
  static const std::unordered_set<std::string_view> kAbbr = {
      "Mr",  "Mrs",  "Ms",   "Dr",  "St",   "Jr",     "Sr",  "Gen", "Gov", "Sen", "Rep", "Lt",
      "Col", "Capt", "Prof", "Inc", "Corp", "Co",     "Ltd", "No",  "vs",  "Jan", "Feb", "Mar",
      "Apr", "Jun",  "Jul",  "Aug", "Sep",  "Sept",   "Oct", "Nov", "Dec", "Mt",  "Ft",  "Gov",
      "Adm", "Sgt",  "Maj",  "Rev", "Hon",  "approx", "etc", "e.g", "i.e"};
  return kAbbr.count(w) > 0;
}

bool IsOpenQuoteAt(std::string_view t, size_t i) {
  unsigned char c = t[i];
  if (c == '"' || c == '(' || c == '[') return true;
  // “ „ « ‘ in UTF-8
  if (c == 0xE2 && i + 2 < t.size() && (unsigned char)t[i + 1] == 0x80) {
    unsigned char d = t[i + 2];
    return d == 0x9C || d == 0x9E || d == 0x98;
  }
  if (c == 0xC2 && i + 1 < t.size() && (unsigned char)t[i + 1] == 0xAB) return true;
  return false;
}

// ICU property look-ups with an ASCII fast path (most news text is mostly
// ASCII). Same answers as the ICU calls.
inline bool IsAlpha(UChar32 c) {
  if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  return u_isalpha(c);
}
inline bool IsDigit(UChar32 c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  return u_isdigit(c);
}
inline bool IsUpperOrTitle(UChar32 c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z';
  return u_isupper(c) || u_istitle(c);
}
inline bool IsLower(UChar32 c) {
  if (c < 0x80) return c >= 'a' && c <= 'z';
  return u_islower(c);
}
inline bool IsWordPart(UChar32 c) {
  if (c < 0x80) return IsAlpha(c) || IsDigit(c);
  return u_isalpha(c) || u_isdigit(c) ||
         u_getIntPropertyValue(c, UCHAR_GENERAL_CATEGORY) == U_NON_SPACING_MARK;
}
}  // namespace

namespace {

// What the scanner knows between words.
struct ScanState {
  bool pending_start = true;   // the next word starts a sentence
  bool pending_break = false;  // punctuation (not just spaces) since the last word
};

// True when the sentence mark `b` at byte `at` follows, with nothing between, a
// word that is an abbreviation or an initialism (so it ends no sentence).
bool EndsAbbreviation(std::string_view t, int32_t at, unsigned char b,
                      const std::vector<RawWord>& out) {
  if (out.empty() || out.back().end != static_cast<uint32_t>(at)) return false;
  std::string_view w = t.substr(out.back().begin, out.back().end - out.back().begin);
  return b == '.' && (IsAbbreviation(w) || w.find('.') != std::string_view::npos ||
                      (w.size() == 1 && out.back().upper_initial));
}

// Updates `st` for the separator character `c` that starts at byte `at`.
void NoteSeparator(std::string_view t, int32_t at, UChar32 c, const std::vector<RawWord>& out,
                   ScanState* st) {
  unsigned char b = static_cast<unsigned char>(t[at]);
  if (b == '\n') st->pending_start = true;
  // A sentence end unless the previous word is an abbreviation or an initialism.
  if ((b == '.' || b == '!' || b == '?') && !EndsAbbreviation(t, at, b, out)) {
    st->pending_start = true;
  }
  // A quote opens a new "sentence" for capitalisation purposes.
  if (IsOpenQuoteAt(t, at) && b != '(' && b != '[') st->pending_start = true;
  if (b != ' ' && b != '\t' && !(c == 0xA0)) st->pending_break = true;
}

// Letter counts of a word, for its case flags.
struct CaseCounts {
  int letters = 0, lowers = 0;
  bool upper_initial = false;
};

void CountCase(UChar32 ch, bool first, CaseCounts* k) {
  if (!IsAlpha(ch)) return;
  ++k->letters;
  if (IsUpperOrTitle(ch)) {
    if (first) k->upper_initial = true;
  } else if (IsLower(ch)) {
    ++k->lowers;
  }
}

// True when the character at byte k is a letter or a digit.
bool AlnumAt(const uint8_t* s, int32_t k, int32_t n) {
  UChar32 e;
  U8_NEXT(s, k, n, e);
  return e >= 0 && (IsAlpha(e) || IsDigit(e));
}

// The end of the word that starts at byte `begin` and whose first character
// ends at byte i: word parts, and the inner joiners . - ' ’ when a letter or
// digit follows; an initialism keeps its final dot ("U.N.").
int32_t WordEnd(std::string_view t, int32_t begin, int32_t i, CaseCounts* k) {
  const int32_t n = static_cast<int32_t>(t.size());
  const uint8_t* s = reinterpret_cast<const uint8_t*>(t.data());
  while (i < n) {
    int32_t j = i;
    UChar32 d;
    U8_NEXT(s, j, n, d);
    if (d >= 0 && IsWordPart(d)) {
      CountCase(d, false, k);
      i = j;
      continue;
    }
    bool joiner = d == '.' || d == '-' || d == '\'' || d == 0x2019;
    if (!joiner || j >= n) break;
    if (AlnumAt(s, j, n)) {
      i = j;
      continue;
    }
    if (d == '.' && t.substr(begin, i - begin).find('.') != std::string_view::npos) i = j;
    break;
  }
  return i;
}

}  // namespace

std::vector<RawWord> ScanWords(std::string_view t) {
  std::vector<RawWord> out;
  const int32_t n = static_cast<int32_t>(t.size());
  const uint8_t* s = reinterpret_cast<const uint8_t*>(t.data());
  int32_t i = 0;
  ScanState st;
  while (i < n) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (!(c >= 0 && (IsAlpha(c) || IsDigit(c)))) {
      NoteSeparator(t, start, c, out, &st);
      continue;
    }
    CaseCounts k;
    CountCase(c, true, &k);
    i = WordEnd(t, start, i, &k);
    RawWord w;
    w.begin = static_cast<uint32_t>(start);
    w.end = static_cast<uint32_t>(i);
    w.upper_initial = k.upper_initial;
    w.has_letter = k.letters > 0;
    w.all_upper = k.letters >= 2 && k.lowers == 0;
    w.sentence_start = st.pending_start || out.empty();
    w.break_before = st.pending_break;
    st.pending_start = false;
    st.pending_break = false;
    out.push_back(w);
  }
  return out;
}

}  // namespace relate_internal
}  // namespace storyline
