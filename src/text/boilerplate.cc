// Copyright storyline authors.
//
// Boilerplate lines: the furniture web pages leave in plain text, found by
// per-line rules, and lines a source repeats across its articles, found by
// counting (Observe). docs/text.md lists the rules and their reasons.
//
// The rules are written to be conservative: a rule that may fire on a news
// sentence is limited to short lines, to the head or the tail of the text, or
// needs two signals at once. Losing a sentence is worse than keeping furniture.
#include <emmintrin.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include "core/hash.h"
#include "storyline/text.h"

namespace storyline {
namespace {

constexpr uint64_t kLineSeed = 0x6c69'6e65'6861'7368ULL;  // "linehash" (in-memory only)

// ---- String helpers ------------------------------------------------------------

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

// ASCII lower case, Latin-1 capitals (U+00C0-U+00DE) too, runs of spaces
// (incl. no-break spaces) collapsed to one, curly quotes made straight. For
// matching rules, never for output.
// Writes Fold(s) to out (room for s.size() bytes); returns its length and, in
// *words, the number of space-separated words.
struct AsciiFoldTable {
  char to[128];
  uint8_t space[128];
  constexpr AsciiFoldTable() : to(), space() {
    for (int c = 0; c < 128; ++c) {
      to[c] = static_cast<char>(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
      space[c] = (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') ? 1 : 0;
      if (space[c]) to[c] = ' ';
    }
  }
};
constexpr AsciiFoldTable kAsciiFold;

// Bits set in a byte (a table: without -mpopcnt, __builtin_popcount is a call).
struct Popcount8Table {
  uint8_t n[256];
  constexpr Popcount8Table() : n() {
    for (int i = 0; i < 256; ++i)
      n[i] = static_cast<uint8_t>((i & 1) + (i >> 1 & 1) + (i >> 2 & 1) + (i >> 3 & 1) +
                                  (i >> 4 & 1) + (i >> 5 & 1) + (i >> 6 & 1) + (i >> 7 & 1));
  }
  uint8_t operator[](uint32_t i) const { return n[i]; }
};
constexpr Popcount8Table kPopcount8;

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

// Writes Fold(s) to out (room for s.size() bytes); returns its length and, in
// *words, the number of space-separated words. `s` is trimmed.
size_t FoldInto(std::string_view s, char* out, int* words = nullptr) {
  size_t n = 0;
  int w = 0;
  if (AllAscii(s)) {
    // Branch-free: spaces and letters alternate too irregularly to predict.
    uint32_t prev_space = 1;
    auto scalar = [&](size_t i) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      uint32_t sp = kAsciiFold.space[c];
      out[n] = kAsciiFold.to[c];
      n += 1 - (sp & prev_space);
      w += (1 - sp) & prev_space;
      prev_space = sp;
    };
    size_t i = 0;
    // Sixteen bytes at a time when they hold no control byte and no two spaces
    // in a row (the usual case): then folding is lower-casing A-Z, and a word
    // starts at each non-space byte after a space. Same result as the loop.
    const __m128i k_space = _mm_set1_epi8(' '), k_ctrl = _mm_set1_epi8(0x20);
    const __m128i k_a = _mm_set1_epi8('A' - 1), k_z = _mm_set1_epi8('Z' + 1);
    const __m128i k_case = _mm_set1_epi8(0x20);
    for (; i + 16 <= s.size(); i += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
      const uint32_t sp = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, k_space)));
      const uint32_t ctrl = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmplt_epi8(v, k_ctrl)));
      const uint32_t after_space = ((sp << 1) | prev_space) & 0xFFFF;
      if (ctrl != 0 || (sp & after_space) != 0) {
        for (size_t j = i; j < i + 16; ++j) scalar(j);
        continue;
      }
      const __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(v, k_a), _mm_cmplt_epi8(v, k_z));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + n),
                       _mm_or_si128(v, _mm_and_si128(upper, k_case)));
      n += 16;
      const uint32_t starts = ~sp & after_space & 0xFFFF;
      w += kPopcount8[starts & 0xFF] + kPopcount8[starts >> 8];
      prev_space = (sp >> 15) & 1;
    }
    for (; i < s.size(); ++i) scalar(i);
    if (words != nullptr) *words = w;
    return n;
  }
  bool space = false;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '\t') {
      space = true;
      ++i;
      continue;
    }
    if (c > ' ' && c < 0x80) {  // the common case: a visible ASCII byte
      if (space && n > 0) out[n++] = ' ';
      w += (space || n == 0);
      space = false;
      out[n++] = static_cast<char>(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
      ++i;
      // Then eight bytes at a time while they are all visible ASCII: lower-case
      // A-Z with SWAR arithmetic (each byte < 0x80, so no carries cross bytes).
      while (i + 8 <= s.size()) {
        uint64_t x;
        std::memcpy(&x, s.data() + i, 8);
        constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
        if ((x & kHigh) != 0) break;                                // non-ASCII
        if (((x + kOnes * (0x80 - 0x21)) & kHigh) != kHigh) break;  // a byte <= ' '
        uint64_t ge_a = x + kOnes * (0x80 - 'A');
        uint64_t gt_z = x + kOnes * (0x80 - 'Z' - 1);
        uint64_t upper = (ge_a & ~gt_z) & kHigh;
        x |= upper >> 2;
        std::memcpy(out + n, &x, 8);
        n += 8;
        i += 8;
      }
      continue;
    }
    size_t len = 0;
    if (IsSpaceAt(s, i, &len)) {
      space = true;
      i += len;
      continue;
    }
    if (space && n > 0) out[n++] = ' ';
    w += (space || n == 0);
    space = false;
    if (c == 0xC3 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(s[i + 1]) <= 0x9E &&
        static_cast<unsigned char>(s[i + 1]) != 0x97) {
      out[n++] = s[i];
      out[n++] = static_cast<char>(s[i + 1] + 0x20);
      i += 2;
    } else if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(s[i + 2]) == 0x98 ||
                static_cast<unsigned char>(s[i + 2]) == 0x99)) {
      out[n++] = '\'';
      i += 3;
    } else {
      out[n++] = s[i++];
    }
  }
  if (words != nullptr) *words = w;
  return n;
}

// ASCII lower case, Latin-1 capitals (U+00C0-U+00DE) too, runs of spaces
// (incl. no-break spaces) collapsed to one, curly quotes made straight. For
// matching rules, never for output. Never longer than its input.
std::string Fold(std::string_view s) {
  std::string out(s.size(), '\0');
  out.resize(FoldInto(s, out.data()));
  return out;
}

int CountWords(std::string_view s) {
  int n = 0;
  bool in = false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool sp = s[i] == ' ' || s[i] == '\t';
    if (!sp && !in) ++n;
    in = !sp;
  }
  return n;
}

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// `s` starts with `p` and `p` ends at a word boundary in `s`.
bool StartsWithPhrase(std::string_view s, std::string_view p) {
  if (s.substr(0, p.size()) != p) return false;
  return s.size() == p.size() || !IsAsciiLetter(s[p.size()]) || !IsAsciiLetter(p.back());
}

bool Contains(std::string_view s, std::string_view p) {
  return s.find(p) != std::string_view::npos;
}

[[gnu::always_inline]] inline bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() &&
         std::memcmp(s.data() + s.size() - p.size(), p.data(), p.size()) == 0;
}

// A set of phrases (at least 3 bytes each) indexed by their first three
// bytes, so that testing a line against dozens of phrases costs one table
// probe per byte rather than one comparison per phrase.
class PhraseSet {
 public:
  template <size_t N>
  explicit PhraseSet(const std::array<std::string_view, N>& phrases)
      : phrases_(phrases.begin(), phrases.end()), groups_(N, 1) {
    Index();
  }
  // Phrases each with a group bit, for Groups().
  explicit PhraseSet(std::vector<std::pair<std::string_view, uint32_t>> phrases) {
    for (const auto& [p, g] : phrases) {
      phrases_.push_back(p);
      groups_.push_back(g);
    }
    Index();
  }
  // The union of the group bits of every phrase that occurs in `s` at the
  // start of a word (every phrase here starts a word; probing only there is
  // several times faster than probing every byte).
  uint32_t Groups(std::string_view s) const {
    uint32_t g = 0;
    auto probe = [&](size_t i) {
      uint32_t b = Bucket(s.data() + i);
      if (!(bits_[b >> 6] >> (b & 63) & 1)) return;
      uint32_t head;
      std::memcpy(&head, s.data() + i, 4);
      for (uint16_t id : buckets_[b]) {
        std::string_view p = phrases_[id];
        if (heads_[id] == head && s.size() - i >= p.size() &&
            std::memcmp(s.data() + i + 4, p.data() + 4, p.size() - 4) == 0)
          g |= groups_[id];
      }
    };
    bool in_word = false;
    size_t i = 0;
    // Sixteen bytes at a time: the word starts are the bytes that are not a
    // space and follow a byte that is not a letter or digit (as below).
    if (s.size() >= 4) {
      const __m128i k_a = _mm_set1_epi8('a' - 1), k_z = _mm_set1_epi8('z' + 1);
      const __m128i k_0 = _mm_set1_epi8('0' - 1), k_9 = _mm_set1_epi8('9' + 1);
      const __m128i k_space = _mm_set1_epi8(' '), k_zero = _mm_setzero_si128();
      for (; i + 16 <= s.size() - 3; i += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
        const __m128i alnum_v = _mm_or_si128(
            _mm_or_si128(_mm_and_si128(_mm_cmpgt_epi8(v, k_a), _mm_cmplt_epi8(v, k_z)),
                         _mm_and_si128(_mm_cmpgt_epi8(v, k_0), _mm_cmplt_epi8(v, k_9))),
            _mm_cmplt_epi8(v, k_zero));
        const uint32_t alnum = static_cast<uint32_t>(_mm_movemask_epi8(alnum_v));
        const uint32_t sp = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, k_space)));
        uint32_t starts = ~((alnum << 1) | (in_word ? 1u : 0u)) & ~sp & 0xFFFF;
        while (starts != 0) {
          probe(i + static_cast<size_t>(__builtin_ctz(starts)));
          starts &= starts - 1;
        }
        in_word = (alnum >> 15) & 1;
      }
    }
    for (; i + 4 <= s.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
      bool start = !in_word;
      in_word = alnum;
      if (!start || c == ' ') continue;
      probe(i);
    }
    return g;
  }
  // Every phrase is at least 4 bytes: the bucket is a hash of the first 4.
  void Index() {
    for (uint16_t id = 0; id < phrases_.size(); ++id) {
      uint32_t head = 0;
      std::memcpy(&head, phrases_[id].data(), std::min<size_t>(4, phrases_[id].size()));
      heads_.push_back(head);
      uint32_t b = Bucket(phrases_[id].data());
      buckets_[b].push_back(id);
      bits_[b >> 6] |= uint64_t{1} << (b & 63);
    }
  }
  // Calls f(phrase) for each phrase that `s` starts with, in list order, until
  // f returns true. Returns whether one did.
  template <typename F>
  bool ForEachPrefix(std::string_view s, F f) const {
    if (s.size() < 4) return false;
    uint32_t b = Bucket(s.data());
    if (!(bits_[b >> 6] >> (b & 63) & 1)) return false;
    for (uint16_t id : buckets_[b]) {
      std::string_view p = phrases_[id];
      if (s.size() >= p.size() && std::memcmp(s.data(), p.data(), p.size()) == 0 && f(p))
        return true;
    }
    return false;
  }
  bool StartsWithAny(std::string_view s) const {
    return ForEachPrefix(s, [&](std::string_view p) { return StartsWithPhrase(s, p); });
  }
  bool ContainsAny(std::string_view s) const {
    for (size_t i = 0; i + 3 <= s.size(); ++i) {
      if (ForEachPrefix(s.substr(i), [](std::string_view) { return true; })) return true;
    }
    return false;
  }

 private:
  static uint32_t Bucket(const char* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return (v * 0x9E3779B1u) >> 20;  // 12 bits
  }
  std::vector<std::string_view> phrases_;
  std::vector<uint32_t> groups_;
  std::vector<uint32_t> heads_;  // first 4 bytes of each phrase
  std::vector<uint16_t> buckets_[4096];
  uint64_t bits_[64] = {};
};

// The line ends as a sentence or a clause does.
bool EndsWithTerminal(std::string_view t) {
  if (t.empty()) return false;
  char c = t.back();
  if (c == '.' || c == '!' || c == '?' || c == '"' || c == ')' || c == ':' || c == ';' || c == ',')
    return true;
  if (static_cast<unsigned char>(c) < 0x80) return false;  // the marks below end in >= 0x80
  return EndsWith(t, "\xE2\x80\x9D") || EndsWith(t, "\xE2\x80\x99") || EndsWith(t, "\xC2\xBB") ||
         EndsWith(t, "\xE3\x80\x82");  // ” ’ » 。
}

// Strips leading bullets, brackets and dashes: "(Read Also: ...)" -> "read also: ...)".
std::string_view StripLead(std::string_view f) {
  while (!f.empty()) {
    if (f[0] == '(' || f[0] == '[' || f[0] == '-' || f[0] == '*' || f[0] == '>' || f[0] == ' ' ||
        f[0] == '|') {
      f.remove_prefix(1);
    } else if (f.substr(0, 3) == "\xE2\x80\xA2" || f.substr(0, 3) == "\xE2\x80\x93" ||
               f.substr(0, 3) == "\xE2\x80\x94") {  // • – —
      f.remove_prefix(3);
    } else if (f.substr(0, 2) == "\xC2\xBB") {  // »
      f.remove_prefix(2);
    } else {
      break;
    }
  }
  return f;
}

// `f` is the folded line, `t` the line as written.
bool IsUrlLine(std::string_view f, std::string_view t) {
  if (f.empty()) return false;
  for (char c : f) {  // a space comes within a few bytes in any other line
    if (c == ' ') return false;
  }
  if (StartsWithPhrase(f, "http://") || StartsWithPhrase(f, "https://") || f.substr(0, 4) == "www.")
    return true;
  // A bare domain: labels of [a-z0-9-] joined by dots, ending in a letter TLD.
  size_t slash = f.find('/');
  std::string_view host = f.substr(0, slash);
  size_t dot = host.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || host.size() - dot < 3 || host.size() - dot > 7)
    return false;
  // Domains are written in lower case; "R.Grande" is a name.
  for (char c : t.substr(0, host.size()))
    if (c >= 'A' && c <= 'Z') return false;
  for (size_t i = dot + 1; i < host.size(); ++i)
    if (host[i] < 'a' || host[i] > 'z') return false;
  for (char c : host)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
  return true;
}

// ---- Per-line rules --------------------------------------------------------------

constexpr std::array<std::string_view, 14> kSubscribeStarts = {
    "subscribe to",       "subscribe now",       "subscribe for",      "subscribe today",
    "sign up for our",    "sign up to our",      "sign up for the",    "sign up now",
    "sign up to receive", "join our newsletter", "get our newsletter", "newsletter abonnieren",
    "abonnez-vous",       "suscríbete"};
constexpr std::array<std::string_view, 8> kSubscribeContains = {
    "our newsletter", "our daily newsletter",   "our weekly newsletter", "free newsletter",
    "in your inbox",  "straight to your inbox", "jetzt abonnieren",      "à notre newsletter"};

// "Read also"-style markers in several languages. After the marker comes
// punctuation, a URL, a headline in brackets, or nothing.
constexpr std::array<std::string_view, 36> kReadAlso = {
    "read also",        "read more",         "also read",
    "read next",        "see also",          "check also",
    "also check",       "related articles",  "related stories",
    "related news",     "related posts",     "related content",
    "related",          "recommended",       "more on this",
    "more from",        "you may also like", "you might also like",
    "also see",         "don't miss",        "click here to read",
    "lesen sie auch",   "lesen sie mehr",    "mehr zum thema",
    "auch interessant", "lire aussi",        "à lire aussi",
    "a lire aussi",     "voir aussi",        "leer más",
    "lea también",      "leia também",       "leggi anche",
    "lees ook",         "читайте также",     "watch:"};

// What may follow a read-also marker for the line to be a link line.
bool MarkerTailIsLink(std::string_view rest) {
  rest = Trim(rest);
  if (rest.empty()) return true;
  char c = rest[0];
  if (c == ':' || c == ';' || c == '|' || c == '>' || c == '-' || c == ')' || c == ']') return true;
  if (rest.substr(0, 3) == "\xE2\x80\x93" || rest.substr(0, 3) == "\xE2\x80\x94" ||
      rest.substr(0, 2) == "\xC2\xBB")
    return true;
  return StartsWithPhrase(rest, "http") || StartsWithPhrase(rest, "www.");
}

// Returns the matched read-also marker's line kind: 0 none, 1 a link line,
// 2 a bare header ("Check also;", "Related:") that introduces a list of links.
int ReadAlsoKind(std::string_view folded, int words) {
  if (words > 40) return 0;
  bool bracketed = !folded.empty() && (folded[0] == '(' || folded[0] == '[');
  std::string_view f = StripLead(folded);
  static const PhraseSet markers(kReadAlso);
  int kind = 0;
  markers.ForEachPrefix(f, [&](std::string_view m) {
    if (!StartsWithPhrase(f, m)) return false;
    std::string_view rest = f.substr(m.size());
    if (!(bracketed || MarkerTailIsLink(rest))) return false;
    // "Related:" alone, "Check also;" alone: a header for the lines below.
    std::string_view r = Trim(rest);
    while (!r.empty() && (r[0] == ':' || r[0] == ';' || r[0] == '|' || r[0] == '-' || r[0] == ' '))
      r.remove_prefix(1);
    kind = r.empty() ? 2 : 1;
    return true;
  });
  return kind;
}

constexpr std::array<std::string_view, 33> kCommentLines = {"comments",
                                                            "comment",
                                                            "leave a reply",
                                                            "leave a comment",
                                                            "post a comment",
                                                            "add a comment",
                                                            "write a comment",
                                                            "show comments",
                                                            "view comments",
                                                            "load comments",
                                                            "hide comments",
                                                            "join the discussion",
                                                            "join the conversation",
                                                            "cancel reply",
                                                            "reply",
                                                            "comments are closed.",
                                                            "comments are closed",
                                                            "kommentare",
                                                            "kommentar schreiben",
                                                            "kommentieren",
                                                            "commentaires",
                                                            "laisser un commentaire",
                                                            "comentarios",
                                                            "deja un comentario",
                                                            "dejar un comentario",
                                                            "commenti",
                                                            "lascia un commento",
                                                            "reacties",
                                                            "be the first to comment",
                                                            "no comments yet",
                                                            "discussion",
                                                            "comments (0)",
                                                            "0 comments"};
constexpr std::array<std::string_view, 9> kCommentContains = {
    "your email address will not be published",
    "required fields are marked",
    "you must be logged in to post a comment",
    "save my name, email, and website",
    "ihre e-mail-adresse wird nicht veröffentlicht",
    "votre adresse e-mail ne sera pas publiée",
    "tu dirección de correo electrónico no será publicada",
    "log in to comment",
    "comments are moderated"};

constexpr std::array<std::string_view, 20> kShareLines = {"share",
                                                          "share this",
                                                          "share this article",
                                                          "share this story",
                                                          "share this post",
                                                          "share on facebook",
                                                          "share on twitter",
                                                          "share on whatsapp",
                                                          "share via email",
                                                          "tweet",
                                                          "print",
                                                          "email",
                                                          "facebook twitter",
                                                          "follow us",
                                                          "teilen",
                                                          "partager",
                                                          "compartir",
                                                          "condividi",
                                                          "click to share",
                                                          "share article"};

constexpr std::array<std::string_view, 9> kDonateContains = {"button below to contribute",
                                                             "button below to donate",
                                                             "support our journalism",
                                                             "support independent journalism",
                                                             "become a patron",
                                                             "donate now",
                                                             "make a donation",
                                                             "buy me a coffee",
                                                             "patreon"};

constexpr std::array<std::string_view, 12> kDateLineStarts = {
    "published on",    "published:", "published",      "updated on", "updated:",  "last updated",
    "first published", "posted on",  "veröffentlicht", "publié le",  "publicado", "pubblicato"};

constexpr std::array<std::string_view, 29> kAgencies = {
    "reuters",   "afp",     "ap",     "getty", "epa",     "sputnik",      "xinhua",
    "yonhap",    "kcna",    "tass",   "ria",   "anadolu", "shutterstock", "istock",
    "alamy",     "pool",    "dpa",    "efe",   "ansa",    "bloomberg",    "unsplash",
    "wikimedia", "handout", "images", "photo", "photos",  "imago",        "picture-alliance",
    "kyodo"};

constexpr std::array<std::string_view, 14> kCreditStarts = {
    "photo:", "photo by",     "photo credit", "photograph:", "photos:",
    "image:", "image credit", "image source", "picture:",    "credit:",
    "foto:",  "bild:",        "crédit photo", "file photo"};

// Phrases a line must contain for the rules that search anywhere in it; one
// pass over the line finds them all.
enum Hint : uint32_t {
  kHintSubscribe = 1,
  kHintComment = 2,
  kHintDonate = 4,
  kHintPaypal = 8,
  kHintRights = 16,
  kHintCredit = 32,
};

// f has a '/' or a "©" (C2 A9): one pass, sixteen bytes at a time.
bool HasSlashOrCopyright(std::string_view f) {
  const char* p = f.data();
  const size_t n = f.size();
  auto hit = [&](size_t j) {
    return p[j] == '/' || (j + 1 < n && static_cast<unsigned char>(p[j + 1]) == 0xA9);
  };
  size_t i = 0;
  const __m128i k_slash = _mm_set1_epi8('/'), k_c2 = _mm_set1_epi8(static_cast<char>(0xC2));
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    uint32_t m = static_cast<uint32_t>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, k_slash), _mm_cmpeq_epi8(v, k_c2))));
    while (m != 0) {
      if (hit(i + static_cast<size_t>(__builtin_ctz(m)))) return true;
      m &= m - 1;
    }
  }
  for (; i < n; ++i) {
    if ((p[i] == '/' || static_cast<unsigned char>(p[i]) == 0xC2) && hit(i)) return true;
  }
  return false;
}

uint32_t Hints(std::string_view f) {
  static const PhraseSet* set = [] {
    std::vector<std::pair<std::string_view, uint32_t>> v;
    for (std::string_view p : kSubscribeContains) v.push_back({p, kHintSubscribe});
    for (std::string_view p : kCommentContains) v.push_back({p, kHintComment});
    for (std::string_view p : kDonateContains) v.push_back({p, kHintDonate});
    v.push_back({"paypal", kHintPaypal});
    v.push_back({"all rights reserved", kHintRights});
    for (std::string_view p : {"photo", "image", "picture", "credit",
                               "cr\xC3\xA9"
                               "dit",
                               "foto", "bild", "via "})
      v.push_back({p, kHintCredit});
    return new PhraseSet(std::move(v));
  }();
  uint32_t h = set->Groups(f);
  // "©" is two bytes, too short for the set.
  if (HasSlashOrCopyright(f)) h |= kHintCredit;
  return h;
}

// Hints(f) & kHintCredit, reading only what PhotoCreditStart(f) reads: a "©"
// or a slash anywhere, and the credit words in the tail after the last ". ".
uint32_t CreditHint(std::string_view f) {
  if (HasSlashOrCopyright(f)) return kHintCredit;
  size_t dot = f.rfind(". ");
  return Hints(dot == std::string_view::npos ? f : f.substr(dot + 2)) & kHintCredit;
}

// A slash between letters, as in "Sputnik/Artem Geodakyan" (not "1986/7").
bool HasNameSlash(std::string_view f) {
  for (size_t i = 1; i + 1 < f.size(); ++i)
    if (f[i] == '/' && IsAsciiLetter(f[i - 1]) && IsAsciiLetter(f[i + 1])) return true;
  return false;
}

bool HasAgencyWord(std::string_view f) {
  // Words of f split on non-letters.
  size_t i = 0;
  while (i < f.size()) {
    while (i < f.size() && !IsAsciiLetter(f[i]) && f[i] != '-') ++i;
    size_t b = i;
    while (i < f.size() && (IsAsciiLetter(f[i]) || f[i] == '-')) ++i;
    std::string_view w = f.substr(b, i - b);
    for (std::string_view a : kAgencies)
      if (w == a) return true;
  }
  return false;
}

// Where a photo credit starts in the folded line, or npos. A credit is a short
// tail (after the last sentence end) like "© Getty Images News/Chung Sung-Jun",
// "Sputnik/Artem Geodakyan/Pool via REUTERS", "Photo: AFP".
size_t PhotoCreditStart(std::string_view f) {
  size_t copy = f.rfind("\xC2\xA9");  // ©
  if (copy != std::string_view::npos) {
    std::string_view tail = f.substr(copy);
    if (CountWords(tail) <= 12 && !EndsWith(Trim(tail), ".")) return copy;
  }
  // The tail after the last ". " (or the whole line).
  size_t dot = f.rfind(". ");
  size_t start = dot == std::string_view::npos ? 0 : dot + 2;
  std::string_view tail = f.substr(start);
  if (tail.empty() || CountWords(tail) > 12 || EndsWithTerminal(tail)) {
    if (!(EndsWith(tail, ")") && (Contains(tail, "(photo") || Contains(tail, "(image"))))
      return std::string_view::npos;
  }
  std::string_view lead = StripLead(tail);
  static const PhraseSet credit_starts(kCreditStarts);
  if (credit_starts.StartsWithAny(lead)) return start;
  bool via = Contains(tail, " via ") && HasAgencyWord(tail.substr(tail.find(" via ")));
  bool slash = HasNameSlash(tail) && HasAgencyWord(tail);
  if (via || slash) return start;
  size_t paren = tail.rfind("(photo");
  if (paren == std::string_view::npos) paren = tail.rfind("(image");
  if (paren != std::string_view::npos && EndsWith(tail, ")")) return start + paren;
  return std::string_view::npos;
}

struct LineInfo {
  uint32_t begin = 0, end = 0;  // raw line in the text, without '\n'
  std::string_view trimmed;
  std::string_view folded;  // Fold(trimmed), in the arena of SplitLines
  uint32_t hints = 0;       // Hints(folded), set by Clean
  int words = 0;
  bool blank = true;
  bool prose = false;            // looks like a sentence of the article
  int8_t continuation = -1;      // IsContinuation(), computed once (-1: not yet)
  int8_t read_also = -1;         // ReadAlsoKind(folded, words), computed once
  const char* reason = nullptr;  // static text, or in CleanInto's reason_texts
};
static_assert(std::is_trivially_copyable_v<LineInfo>);

// ReadAlsoKind(l.folded, l.words), computed once per line.
int LineReadAlsoKind(LineInfo& l) {
  if (l.read_also < 0) l.read_also = static_cast<int8_t>(ReadAlsoKind(l.folded, l.words));
  return l.read_also;
}

// The per-line rules after the URL rule (the caller has tested that one).
const char* PerLineReason(LineInfo& l) {
  std::string_view f = l.folded;
  if (l.words <= 25) {
    static const PhraseSet starts(kSubscribeStarts);
    if (starts.StartsWithAny(f) || (l.words <= 20 && (l.hints & kHintSubscribe)))
      return "subscribe prompt";
  }
  if (LineReadAlsoKind(l) != 0) return "read-also link";
  if (l.words <= 6) {
    std::string_view g = f;
    while (!g.empty() && (g.back() == ':' || g.back() == '.')) g.remove_suffix(1);
    for (std::string_view c : kCommentLines)
      if (g == c || f == c) return "comment prompt";
    // "12 Comments", "Comments (3)"
    if ((EndsWith(g, " comments") || EndsWith(g, " comment")) && g[0] >= '0' && g[0] <= '9')
      return "comment prompt";
    if (StartsWithPhrase(g, "comments (") && EndsWith(g, ")")) return "comment prompt";
    for (std::string_view c : kShareLines)
      if (g == c) return "share prompt";
    if (StartsWithPhrase(g, "share on") || StartsWithPhrase(g, "click to share") ||
        StartsWithPhrase(g, "follow us on"))
      return "share prompt";
  }
  if (l.words <= 40 && (l.hints & kHintComment)) return "comment prompt";
  if (l.words <= 40 &&
      ((l.hints & kHintDonate) ||
       ((l.hints & kHintPaypal) &&
        (Contains(f, "please") || Contains(f, "button") || Contains(f, "donate")))))
    return "donation prompt";
  if (l.words <= 10 && !EndsWith(f, ".")) {
    static const PhraseSet date_starts(kDateLineStarts);
    // Nothing after the marker, or a date: "Published on", "Updated: 25 Sep 2023".
    if (date_starts.ForEachPrefix(f, [&](std::string_view m) {
          if (!StartsWithPhrase(f, m)) return false;
          std::string_view rest = f.substr(m.size());
          return Trim(rest).empty() || rest.find_first_of("0123456789") != std::string_view::npos;
        }))
      return "date line";
  }
  if (l.words <= 20 &&
      ((l.hints & kHintRights) ||
       (StartsWithPhrase(f, "copyright") && f.find_first_of("0123456789") != std::string::npos)))
    return "copyright notice";
  return nullptr;
}

// A tag or site-name line: 1-5 words, each capitalised (or a number, "&", "|"),
// no sentence punctuation.
bool IsTagLike(std::string_view t, int words) {
  if (words < 1 || words > 5 || EndsWithTerminal(t)) return false;
  size_t i = 0;
  while (i < t.size()) {
    while (i < t.size() && t[i] == ' ') ++i;
    if (i >= t.size()) break;
    unsigned char c = static_cast<unsigned char>(t[i]);
    bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '&' || c == '|' ||
              c == '#' ||
              (c == 0xC3 && i + 1 < t.size() && static_cast<unsigned char>(t[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(t[i + 1]) <= 0x9E);
    if (!ok) return false;
    while (i < t.size() && t[i] != ' ') ++i;
  }
  return true;
}

// A tag or site line at the end: tag-like, and every word a real word of at
// least two letters ("Russia South Korean", "The NRI Nation"; not "K Clark", "8,661").
bool IsTailTag(std::string_view t, int words) {
  if (!IsTagLike(t, words)) return false;
  size_t i = 0;
  while (i < t.size()) {
    while (i < t.size() && t[i] == ' ') ++i;
    size_t b = i;
    while (i < t.size() && t[i] != ' ') ++i;
    std::string_view w = t.substr(b, i - b);
    if (w.empty() || w == "&" || w == "|") continue;
    int letters = 0;
    for (char c : w) {
      if (IsAsciiLetter(c) || static_cast<unsigned char>(c) >= 0x80) {
        ++letters;
      } else if (c != '-' && c != '\'') {
        return false;
      }
    }
    if (letters < 2) return false;
  }
  return true;
}

std::string LettersOnly(std::string_view f) {
  std::string out;
  for (char c : f)
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out.push_back(c);
  return out;
}

bool LooksLikeProse(const LineInfo& l) {
  if (l.words >= 15) return true;
  return l.words >= 6 && EndsWithTerminal(l.trimmed);
}

bool StartsLower(std::string_view t) { return !t.empty() && t[0] >= 'a' && t[0] <= 'z'; }

bool EndsSentence(std::string_view t) {
  if (t.empty()) return false;
  char c = t.back();
  if (c == '.' || c == '!' || c == '?' || c == '"') return true;
  if (static_cast<unsigned char>(c) < 0x80) return false;  // the marks below end in >= 0x80
  return EndsWith(t, "\xE2\x80\x9D") || EndsWith(t, "\xE3\x80\x82");
}

// The tail of a hard-wrapped sentence ("said.", "share." in Reuters-21578):
// starts in lower case right under a line that does not end a sentence.
bool ComputeContinuation(const std::vector<LineInfo>& lines, size_t i) {
  if (i == 0 || lines[i - 1].blank || !StartsLower(lines[i].trimmed)) return false;
  std::string_view p = lines[i - 1].trimmed;
  return !(EndsSentence(p) || EndsWith(p, ":") || EndsWith(p, ";"));
}
// The lines never change while a text is cleaned: computed once per line.
bool IsContinuation(std::vector<LineInfo>& lines, size_t i) {
  int8_t& c = lines[i].continuation;
  if (c < 0) c = ComputeContinuation(lines, i) ? 1 : 0;
  return c != 0;
}

// A paragraph of prose that can close an article: a sentence, or a
// parenthesised credit such as "(Reporting by ...; Editing by ...)".
bool ClosesProse(const LineInfo& l) {
  if (l.words < 6) return false;
  return EndsSentence(l.trimmed) || (l.trimmed.front() == '(' && l.trimmed.back() == ')');
}

// A line that stands alone, as furniture does: it starts a unit (first line,
// or after a blank line or a line ending a sentence), is itself complete, and
// does not start in lower case (a hard-wrapped sentence's tail, "said.").
bool StandsAlone(const std::vector<LineInfo>& lines, size_t i) {
  const LineInfo& l = lines[i];
  unsigned char c0 = static_cast<unsigned char>(l.trimmed[0]);
  if (c0 >= 'a' && c0 <= 'z') return false;
  bool starts = i == 0 || lines[i - 1].blank || EndsSentence(lines[i - 1].trimmed);
  bool ends = i + 1 == lines.size() || lines[i + 1].blank ||
              (EndsSentence(l.trimmed) && !StartsLower(lines[i + 1].trimmed));
  if (!(starts && ends)) return false;
  // Short stock sentences ("Terms were not disclosed.") recur in news because
  // reporters write them, not because a site adds them: a repeated sentence
  // counts only when it is long, like a disclaimer or an author's bio.
  return !EndsSentence(l.trimmed) || l.words >= 10;
}

// The nearest kept line above line i closes a paragraph of prose.
bool ProseAbove(const std::vector<LineInfo>& lines, size_t i) {
  while (i-- > 0) {
    if (lines[i].blank || lines[i].reason) continue;
    return ClosesProse(lines[i]);
  }
  return false;
}

uint64_t LineKey(uint64_t source_hash, std::string_view folded) {
  return Hash64(folded, kLineSeed ^ source_hash);
}

// Splits `text` into *lines, folding each non-blank line into *arena (which
// must not change while the lines are used). Both are reused across calls.
// The offsets of every '\n' in `text`, in order: one pass, sixteen bytes at a
// time (lines are short: a call to memchr per line costs more).
void FindNewlines(std::string_view text, std::vector<uint32_t>* out) {
  out->clear();
  const char* p = text.data();
  const size_t n = text.size();
  size_t i = 0;
  const __m128i k_nl = _mm_set1_epi8('\n');
  for (; i + 16 <= n; i += 16) {
    uint32_t m = static_cast<uint32_t>(_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)), k_nl)));
    while (m != 0) {
      out->push_back(static_cast<uint32_t>(i + __builtin_ctz(m)));
      m &= m - 1;
    }
  }
  for (; i < n; ++i) {
    if (p[i] == '\n') out->push_back(static_cast<uint32_t>(i));
  }
}

void SplitLines(std::string_view text, std::vector<LineInfo>* out, std::string* arena) {
  std::vector<LineInfo>& lines = *out;
  lines.clear();
  arena->resize(text.size() + 1);
  thread_local std::vector<uint32_t> newlines;
  FindNewlines(text, &newlines);
  size_t next_nl = 0;
  size_t used = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = next_nl < newlines.size() ? newlines[next_nl++] : std::string_view::npos;
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    LineInfo l;
    l.begin = static_cast<uint32_t>(pos);
    l.end = static_cast<uint32_t>(end);
    l.trimmed = Trim(text.substr(pos, end - pos));
    l.blank = l.trimmed.empty();
    if (!l.blank) {
      size_t n = FoldInto(l.trimmed, arena->data() + used, &l.words);
      l.prose = LooksLikeProse(l);
      l.folded = std::string_view(arena->data() + used, n);
      used += n;
    }
    lines.push_back(std::move(l));
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  // A huge text must not pin its offsets to this thread for good.
  if (newlines.capacity() > (1u << 18)) std::vector<uint32_t>().swap(newlines);
}

struct Scratch {
  std::vector<LineInfo> lines;
  std::string arena;
  std::string title;  // the given title, folded
};
Scratch& ThreadScratch() {
  thread_local Scratch s;
  return s;
}

}  // namespace

// ---- The table of repeated lines -----------------------------------------------

// Open addressing over 64-bit line keys (source and folded line hashed
// together), with the number of distinct articles each was seen in. Capped:
// when it fills up, lines seen once are dropped.
struct BoilerplateFilter::Impl {
  static constexpr size_t kCapacity = 1 << 20;        // 16 MiB
  static constexpr uint32_t kMinArticles = 3;         // above or below the prose
  static constexpr uint32_t kMinArticlesInside = 10;  // between sentences
  std::vector<uint64_t> keys;                         // 0 = empty
  std::vector<uint32_t> counts;
  size_t used = 0;
  std::unordered_set<uint64_t> seen_texts;  // exact copies count once (capped)

  uint32_t Count(uint64_t key) const {
    if (keys.empty()) return 0;
    key |= 1;
    size_t mask = keys.size() - 1;
    for (size_t i = key & mask;; i = (i + 1) & mask) {
      if (keys[i] == key) return counts[i];
      if (keys[i] == 0) return 0;
    }
  }
  void Add(uint64_t key) {
    if (keys.empty()) {
      keys.assign(kCapacity, 0);
      counts.assign(kCapacity, 0);
    }
    key |= 1;
    size_t mask = keys.size() - 1;
    size_t i = key & mask;
    for (;; i = (i + 1) & mask) {
      if (keys[i] == key) {
        ++counts[i];
        return;
      }
      if (keys[i] == 0) break;
    }
    if (used + 1 > kCapacity * 7 / 10) {
      Evict();
      Add(key);
      return;
    }
    keys[i] = key;
    counts[i] = 1;
    ++used;
  }
  // Drops the lines seen in fewer than `floor` articles, raising the floor
  // until the table is at most half full.
  void Evict() {
    for (uint32_t floor = 2; used > kCapacity / 2; ++floor) {
      std::vector<uint64_t> k;
      std::vector<uint32_t> c;
      k.swap(keys);
      c.swap(counts);
      keys.assign(kCapacity, 0);
      counts.assign(kCapacity, 0);
      used = 0;
      size_t mask = kCapacity - 1;
      for (size_t j = 0; j < k.size(); ++j) {
        if (k[j] == 0 || c[j] < floor) continue;
        size_t i = k[j] & mask;
        while (keys[i] != 0) i = (i + 1) & mask;
        keys[i] = k[j];
        counts[i] = c[j];
        ++used;
      }
    }
  }
};

BoilerplateFilter::BoilerplateFilter() : impl_(std::make_unique<Impl>()) {}
BoilerplateFilter::~BoilerplateFilter() = default;

void BoilerplateFilter::Observe(const Article& article) {
  if (article.source.empty()) return;
  uint64_t text_hash = Hash64(article.text, kLineSeed);
  if (impl_->seen_texts.size() < (1u << 18)) {
    if (!impl_->seen_texts.insert(text_hash).second) return;
  }
  uint64_t source_hash = Hash64(article.source, kLineSeed);
  Scratch& scratch = ThreadScratch();
  std::vector<LineInfo>& lines = scratch.lines;
  SplitLines(article.text, &lines, &scratch.arena);
  std::vector<uint64_t> keys;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].blank || !StandsAlone(lines, i)) continue;
    keys.push_back(LineKey(source_hash, lines[i].folded));
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  for (uint64_t k : keys) impl_->Add(k);
}

CleanedText BoilerplateFilter::Clean(const Article& article) const {
  CleanedText out;
  if (!CleanInto(article, &out)) out.text = article.text;
  return out;
}

bool BoilerplateFilter::CleanInto(const Article& article, CleanedText* cleaned) const {
  CleanedText& out = *cleaned;
  out.text.clear();
  out.removed.clear();
  std::string_view text = article.text;
  Scratch& scratch = ThreadScratch();
  std::vector<LineInfo>& lines = scratch.lines;
  SplitLines(text, &lines, &scratch.arena);
  size_t nonblank = 0;
  size_t first = lines.size();
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].blank) continue;
    ++nonblank;
    if (first == lines.size()) first = i;
  }

  // Per-line rules. Long prose lines only face the photo-credit rule. The first
  // line, when it is the article's title, is the title.
  std::string& given_title_buf = scratch.title;  // no allocation per article
  {
    const std::string_view t = Trim(article.title);
    given_title_buf.resize(t.size());
    given_title_buf.resize(FoldInto(t, given_title_buf.data()));
  }
  const std::string_view given_title = given_title_buf;
  for (size_t i = 0; i < lines.size(); ++i) {
    LineInfo& l = lines[i];
    if (l.blank || l.folded.empty()) continue;
    if (!given_title.empty() && l.folded == given_title) continue;  // see "repeated title"
    if (IsUrlLine(l.folded, l.trimmed)) {
      l.reason = "URL line";
      continue;
    }
    // Hints serve only the rules below and the photo-credit rule, none of
    // which looks at a URL line or a wrapped sentence's tail.
    if (IsContinuation(lines, i)) continue;
    if (l.words <= 40) {
      l.hints = Hints(l.folded);
      l.reason = PerLineReason(l);
    } else {
      l.hints = CreditHint(l.folded);
    }
  }

  // The title, repeated. With a title given apart from the text, every copy
  // in the text repeats it; without one, the first line is the title and
  // later copies repeat it.
  std::string_view title = given_title;
  size_t keep_title = lines.size();
  if (title.empty() && first < lines.size()) {
    title = lines[first].folded;  // in the arena, which lives until the end
    keep_title = first;
  }
  if (!title.empty()) {
    for (size_t i = 0; i < lines.size(); ++i) {
      if (i == keep_title || lines[i].blank || lines[i].reason) continue;
      if (lines[i].folded == title) lines[i].reason = "repeated title";
    }
  }

  // Photo credits, and the bare caption a credited caption repeats.
  for (size_t i = 0; i < lines.size(); ++i) {
    LineInfo& l = lines[i];
    if (l.blank || l.folded.empty() || l.reason || i == keep_title || IsContinuation(lines, i))
      continue;
    if (!(l.hints & kHintCredit)) continue;
    size_t at = PhotoCreditStart(l.folded);
    if (at == std::string_view::npos) continue;
    l.reason = "photo credit";
    std::string_view caption = Trim(std::string_view(l.folded).substr(0, at));
    if (caption.empty()) continue;
    size_t lo = i >= 3 ? i - 3 : 0, hi = std::min(lines.size(), i + 4);
    for (size_t j = lo; j < hi; ++j) {
      if (j == i || j == keep_title || lines[j].blank || lines[j].reason) continue;
      if (lines[j].folded == caption) lines[j].reason = "photo caption";
    }
  }

  // Lists under a bare "Check also;" / "Related:" header.
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].blank || lines[i].folded.empty() || LineReadAlsoKind(lines[i]) != 2) continue;
    for (size_t j = i + 1, taken = 0; j < lines.size() && taken < 10; ++j) {
      LineInfo& l = lines[j];
      if (l.blank) continue;
      if (l.reason) break;
      std::string_view t = l.trimmed;
      bool bullet = t[0] == '-' || t[0] == '*' || t.substr(0, 3) == "\xE2\x80\xA2" ||
                    t.substr(0, 3) == "\xE2\x80\x93" || t.substr(0, 2) == "\xC2\xBB";
      bool headline = l.words <= 15 && !EndsWith(t, ".");
      if (l.words > 20 || !(bullet || headline)) break;
      l.reason = "read-also link";
      ++taken;
    }
  }

  // Lines a source repeats across its articles. If they would take most of the
  // article, the article is a copy of another rather than furniture around it.
  // Furniture sits above the first or below the last sentence; a line repeated
  // in the middle of articles must be repeated far more often to count (a
  // team sheet or a kick-off time repeated in three previews is content).
  std::vector<std::string> reason_texts;  // reasons with numbers, for the lines below
  if (!article.source.empty() && impl_->used > 0) {
    uint64_t source_hash = Hash64(article.source, kLineSeed);
    std::vector<uint32_t> seen(lines.size(), 0);
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].blank || lines[i].reason || !StandsAlone(lines, i)) continue;
      seen[i] = impl_->Count(LineKey(source_hash, lines[i].folded));
    }
    // The article's own prose: sentences not repeated elsewhere.
    size_t first_prose = lines.size(), last_prose = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].blank || !lines[i].prose || seen[i] >= Impl::kMinArticles) continue;
      first_prose = std::min(first_prose, i);
      last_prose = i;
    }
    std::vector<size_t> hits;
    std::vector<uint32_t> counts;
    for (size_t i = 0; i < lines.size(); ++i) {
      uint32_t c = seen[i];
      bool edge = i < first_prose || i > last_prose;
      if (c >= (edge ? Impl::kMinArticles : Impl::kMinArticlesInside)) {
        hits.push_back(i);
        counts.push_back(c);
      }
    }
    size_t prose = 0;
    for (const LineInfo& l : lines) prose += (!l.blank && !l.reason) ? 1 : 0;
    if (!hits.empty() && hits.size() * 2 <= prose) {
      reason_texts.resize(hits.size());  // never resized again: the pointers stay
      for (size_t h = 0; h < hits.size(); ++h) {
        LineInfo& l = lines[hits[h]];
        reason_texts[h] =
            "repeated across " + std::to_string(counts[h]) + " articles of " + article.source;
        l.reason = reason_texts[h].c_str();
      }
    }
  }

  // The tail: URLs, the site's name and tag lines after the last sentence.
  bool prose_above = false;
  for (const LineInfo& l : lines) prose_above |= (!l.blank && !l.reason && l.prose);
  if (prose_above) {
    std::string source = Fold(article.source);
    std::string url_letters;  // letters of a URL removed below, to name the site
    for (size_t i = lines.size(), taken = 0; i-- > 0 && taken < 5;) {
      LineInfo& l = lines[i];
      if (l.blank) continue;
      if (l.reason) {
        if (std::string_view(l.reason) == "URL line") url_letters = LettersOnly(l.folded);
        continue;
      }
      if (l.prose || i == first) break;
      std::string_view name = l.folded;
      if (StartsWithPhrase(name, "the ")) name.remove_prefix(4);
      std::string letters = LettersOnly(name);
      if ((!source.empty() && l.folded == source) ||
          (letters.size() >= 4 && !url_letters.empty() && Contains(url_letters, letters))) {
        l.reason = "site name at end";
      } else if (IsTailTag(l.trimmed, l.words) && ProseAbove(lines, i)) {
        l.reason = "tag line at end";
      } else {
        break;
      }
      ++taken;
    }
  }

  // A huge text must not pin its scratch memory to this thread for good.
  struct Release {
    Scratch* s;
    ~Release() {
      if (s->arena.capacity() > (16u << 20)) std::string().swap(s->arena);
      if (s->lines.capacity() > (1u << 18)) std::vector<LineInfo>().swap(s->lines);
    }
  } release{&scratch};

  size_t removed = 0;
  for (const LineInfo& l : lines) removed += (!l.blank && l.reason) ? 1 : 0;
  if (removed == 0 || removed >= nonblank) return false;  // never remove every line
  out.text.reserve(text.size());
  bool first_out = true;
  for (size_t i = 0; i < lines.size(); ++i) {
    const LineInfo& l = lines[i];
    std::string_view raw = text.substr(l.begin, l.end - l.begin);
    if (!l.blank && l.reason) {
      SetAsideLine s;
      s.line = static_cast<uint32_t>(i);
      s.begin = l.begin;
      s.end = l.end;
      s.text = std::string(raw);
      s.reason = l.reason;
      out.removed.push_back(std::move(s));
      continue;
    }
    if (!first_out) out.text.push_back('\n');
    out.text.append(raw);
    first_out = false;
  }
  return true;
}

}  // namespace storyline
