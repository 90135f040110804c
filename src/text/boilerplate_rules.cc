// Copyright storyline authors.
//
// The per-line boilerplate rules and their phrase tables. docs/text.md lists
// the rules and their reasons.
//
// The rules are written to be conservative: a rule that may fire on a news
// sentence is limited to short lines, to the head or the tail of the text, or
// needs two signals at once. Losing a sentence is worse than keeping furniture.
#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/simd.h"
#include "text/boilerplate_internal.h"

namespace storyline::text_internal {
namespace {

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

// Calls probe(i), in order, for each i at which a phrase may start in `s`: a
// byte that is not a space and follows a byte that is not a letter, digit or
// non-ASCII byte, with at least 4 bytes from it to the end (every phrase here
// starts a word; probing only there is cheaper than probing every byte).
// kSimd: sixteen bytes at a time where the build has SSE2; same calls.
template <bool kSimd, typename F>
void ForEachProbe(std::string_view s, F probe) {
  bool in_word = false;
  size_t i = 0;
#if STORYLINE_SSE2
  if (kSimd && s.size() >= 4) {
    const __m128i k_a = _mm_set1_epi8('a' - 1), k_z = _mm_set1_epi8('z' + 1);
    const __m128i k_0 = _mm_set1_epi8('0' - 1), k_9 = _mm_set1_epi8('9' + 1);
    const __m128i k_space = _mm_set1_epi8(' '), k_zero = _mm_setzero_si128();
    for (; i + 16 <= s.size() - 3; i += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
      const __m128i alnum_v =
          _mm_or_si128(_mm_or_si128(_mm_and_si128(_mm_cmpgt_epi8(v, k_a), _mm_cmplt_epi8(v, k_z)),
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
#endif
  for (; i + 4 <= s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
    bool start = !in_word;
    in_word = alnum;
    if (!start || c == ' ') continue;
    probe(i);
  }
}

// A set of phrases (at least 4 bytes each) indexed by their first four bytes,
// so that testing a line against dozens of phrases costs one table probe per
// word rather than one comparison per phrase.
class PhraseSet {
 public:
  template <size_t N>
  explicit PhraseSet(const std::array<std::string_view, N>& phrases)
      : phrases_(phrases.begin(), phrases.end()), groups_(N, 1) {
    Index();
  }
  // Phrases each with a group bit, for Groups().
  explicit PhraseSet(const std::vector<std::pair<std::string_view, uint32_t>>& phrases) {
    for (const auto& [p, g] : phrases) {
      phrases_.push_back(p);
      groups_.push_back(g);
    }
    Index();
  }
  // The union of the group bits of every phrase that occurs in `s` at the
  // start of a word (see ForEachProbe).
  uint32_t Groups(std::string_view s) const {
    uint32_t g = 0;
    ForEachProbe<STORYLINE_SSE2 != 0>(s, [&](size_t i) { g |= GroupsAt(s, i); });
    return g;
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
      if (s.size() >= p.size() && std::memcmp(s.data(), p.data(), p.size()) == 0 && f(p)) {
        return true;
      }
    }
    return false;
  }
  bool StartsWithAny(std::string_view s) const {
    return ForEachPrefix(s, [&](std::string_view p) { return StartsWithPhrase(s, p); });
  }

 private:
  // Every phrase is at least 4 bytes: the bucket is a hash of the first 4.
  void Index() {
    assert(phrases_.size() <= UINT16_MAX);
    for (size_t i = 0; i < phrases_.size(); ++i) {
      const auto id = static_cast<uint16_t>(i);
      uint32_t head = 0;
      std::memcpy(&head, phrases_[id].data(), std::min<size_t>(4, phrases_[id].size()));
      heads_.push_back(head);
      uint32_t b = Bucket(phrases_[id].data());
      buckets_[b].push_back(id);
      bits_[b >> 6] |= uint64_t{1} << (b & 63);
    }
  }
  // The group bits of the phrases that occur at s[i] (i + 4 <= s.size()).
  uint32_t GroupsAt(std::string_view s, size_t i) const {
    uint32_t b = Bucket(s.data() + i);
    if (!(bits_[b >> 6] >> (b & 63) & 1)) return 0;
    uint32_t head;
    std::memcpy(&head, s.data() + i, 4);
    uint32_t g = 0;
    for (uint16_t id : buckets_[b]) {
      std::string_view p = phrases_[id];
      if (heads_[id] == head && s.size() - i >= p.size() &&
          std::memcmp(s.data() + i + 4, p.data() + 4, p.size() - 4) == 0) {
        g |= groups_[id];
      }
    }
    return g;
  }
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
}  // namespace

// The line ends as a sentence or a clause does.
bool EndsWithTerminal(std::string_view t) {
  if (t.empty()) return false;
  char c = t.back();
  if (c == '.' || c == '!' || c == '?' || c == '"' || c == ')' || c == ':' || c == ';' ||
      c == ',') {
    return true;
  }
  if (static_cast<unsigned char>(c) < 0x80) return false;  // the marks below end in >= 0x80
  return EndsWith(t, "\xE2\x80\x9D") || EndsWith(t, "\xE2\x80\x99") || EndsWith(t, "\xC2\xBB") ||
         EndsWith(t, "\xE3\x80\x82");  // ” ’ » 。
}

// `f` is the folded line, `t` the line as written.
bool IsUrlLine(std::string_view f, std::string_view t) {
  if (f.empty()) return false;
  for (char c : f) {  // a space comes within a few bytes in any other line
    if (c == ' ') return false;
  }
  if (StartsWithPhrase(f, "http://") || StartsWithPhrase(f, "https://") ||
      f.substr(0, 4) == "www.") {
    return true;
  }
  // A bare domain: labels of [a-z0-9-] joined by dots, ending in a letter TLD.
  size_t slash = f.find('/');
  std::string_view host = f.substr(0, slash);
  size_t dot = host.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || host.size() - dot < 3 || host.size() - dot > 7) {
    return false;
  }
  // Domains are written in lower case; "R.Grande" is a name.
  for (char c : t.substr(0, host.size())) {
    if (c >= 'A' && c <= 'Z') return false;
  }
  for (size_t i = dot + 1; i < host.size(); ++i) {
    if (host[i] < 'a' || host[i] > 'z') return false;
  }
  for (char c : host) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
  }
  return true;
}

// ---- Read-also markers ---------------------------------------------------------

namespace {

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
      rest.substr(0, 2) == "\xC2\xBB") {
    return true;
  }
  return StartsWithPhrase(rest, "http") || StartsWithPhrase(rest, "www.");
}

}  // namespace

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
    while (!r.empty() &&
           (r[0] == ':' || r[0] == ';' || r[0] == '|' || r[0] == '-' || r[0] == ' ')) {
      r.remove_prefix(1);
    }
    kind = r.empty() ? 2 : 1;
    return true;
  });
  return kind;
}

// ReadAlsoKind(l.folded, l.words), computed once per line.
int LineReadAlsoKind(LineInfo& l) {
  if (l.read_also < 0) l.read_also = static_cast<int8_t>(ReadAlsoKind(l.folded, l.words));
  return l.read_also;
}

// ---- The other per-line rules -------------------------------------------------

namespace {

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

// HasSlashOrCopyright; kSimd: sixteen bytes at a time where the build has
// SSE2, with the same answer.
template <bool kSimd>
bool FindSlashOrCopyright(std::string_view f) {
  const char* p = f.data();
  const size_t n = f.size();
  auto hit = [&](size_t j) {
    return p[j] == '/' || (j + 1 < n && static_cast<unsigned char>(p[j + 1]) == 0xA9);
  };
  size_t i = 0;
#if STORYLINE_SSE2
  if constexpr (kSimd) {
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
  }
#endif
  for (; i < n; ++i) {
    if ((p[i] == '/' || static_cast<unsigned char>(p[i]) == 0xC2) && hit(i)) return true;
  }
  return false;
}

// A slash between letters, as in "Sputnik/Artem Geodakyan" (not "1986/7").
bool HasNameSlash(std::string_view f) {
  for (size_t i = 1; i + 1 < f.size(); ++i) {
    if (f[i] == '/' && IsAsciiLetter(f[i - 1]) && IsAsciiLetter(f[i + 1])) return true;
  }
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
    for (std::string_view a : kAgencies) {
      if (w == a) return true;
    }
  }
  return false;
}

const char* SubscribeReason(const LineInfo& l) {
  if (l.words > 25) return nullptr;
  static const PhraseSet starts(kSubscribeStarts);
  if (starts.StartsWithAny(l.folded) || (l.words <= 20 && (l.hints & kHintSubscribe))) {
    return "subscribe prompt";
  }
  return nullptr;
}

// `g` is the folded line `f` without a final ':' or '.'.
bool IsCommentLine(std::string_view g, std::string_view f) {
  for (std::string_view c : kCommentLines) {
    if (g == c || f == c) return true;
  }
  // "12 Comments", "Comments (3)"
  if ((EndsWith(g, " comments") || EndsWith(g, " comment")) && g[0] >= '0' && g[0] <= '9') {
    return true;
  }
  return StartsWithPhrase(g, "comments (") && EndsWith(g, ")");
}

// `g` is a folded line without a final ':' or '.'.
bool IsShareLine(std::string_view g) {
  for (std::string_view c : kShareLines) {
    if (g == c) return true;
  }
  return StartsWithPhrase(g, "share on") || StartsWithPhrase(g, "click to share") ||
         StartsWithPhrase(g, "follow us on");
}

// The whole-line rules, for lines of at most 6 words.
const char* ShortLineReason(std::string_view f) {
  std::string_view g = f;
  while (!g.empty() && (g.back() == ':' || g.back() == '.')) g.remove_suffix(1);
  if (IsCommentLine(g, f)) return "comment prompt";
  if (IsShareLine(g)) return "share prompt";
  return nullptr;
}

const char* DonationReason(const LineInfo& l) {
  if (l.words > 40) return nullptr;
  const std::string_view f = l.folded;
  if ((l.hints & kHintDonate) ||
      ((l.hints & kHintPaypal) &&
       (Contains(f, "please") || Contains(f, "button") || Contains(f, "donate")))) {
    return "donation prompt";
  }
  return nullptr;
}

// Nothing after the marker, or a date: "Published on", "Updated: 25 Sep 2023".
const char* DateLineReason(const LineInfo& l) {
  const std::string_view f = l.folded;
  if (l.words > 10 || EndsWith(f, ".")) return nullptr;
  static const PhraseSet date_starts(kDateLineStarts);
  if (date_starts.ForEachPrefix(f, [&](std::string_view m) {
        if (!StartsWithPhrase(f, m)) return false;
        std::string_view rest = f.substr(m.size());
        return Trim(rest).empty() || rest.find_first_of("0123456789") != std::string_view::npos;
      })) {
    return "date line";
  }
  return nullptr;
}

const char* CopyrightReason(const LineInfo& l) {
  const std::string_view f = l.folded;
  if (l.words <= 20 &&
      ((l.hints & kHintRights) ||
       (StartsWithPhrase(f, "copyright") && f.find_first_of("0123456789") != std::string::npos))) {
    return "copyright notice";
  }
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

}  // namespace

bool HasSlashOrCopyright(std::string_view f) {
  return FindSlashOrCopyright<STORYLINE_SSE2 != 0>(f);
}

bool HasSlashOrCopyrightScalar(std::string_view f) { return FindSlashOrCopyright<false>(f); }

std::vector<uint32_t> PhraseProbes(std::string_view s) {
  std::vector<uint32_t> out;
  ForEachProbe<STORYLINE_SSE2 != 0>(s, [&](size_t i) { out.push_back(static_cast<uint32_t>(i)); });
  return out;
}

std::vector<uint32_t> PhraseProbesScalar(std::string_view s) {
  std::vector<uint32_t> out;
  ForEachProbe<false>(s, [&](size_t i) { out.push_back(static_cast<uint32_t>(i)); });
  return out;
}

uint32_t Hints(std::string_view f) {
  static const PhraseSet* set = [] {
    std::vector<std::pair<std::string_view, uint32_t>> v;
    v.reserve(std::size(kSubscribeContains) + std::size(kCommentContains) +
              std::size(kDonateContains) + 10);
    for (std::string_view p : kSubscribeContains) v.push_back({p, kHintSubscribe});
    for (std::string_view p : kCommentContains) v.push_back({p, kHintComment});
    for (std::string_view p : kDonateContains) v.push_back({p, kHintDonate});
    v.push_back({"paypal", kHintPaypal});
    v.push_back({"all rights reserved", kHintRights});
    for (std::string_view p :
         {"photo", "image", "picture", "credit", "cr\303\251dit", "foto", "bild", "via "}) {
      v.push_back({p, kHintCredit});
    }
    return new PhraseSet(v);
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
    if (!(EndsWith(tail, ")") && (Contains(tail, "(photo") || Contains(tail, "(image")))) {
      return std::string_view::npos;
    }
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

const char* PerLineReason(LineInfo& l) {
  if (const char* r = SubscribeReason(l)) return r;
  if (LineReadAlsoKind(l) != 0) return "read-also link";
  if (l.words <= 6) {
    if (const char* r = ShortLineReason(l.folded)) return r;
  }
  if (l.words <= 40 && (l.hints & kHintComment)) return "comment prompt";
  if (const char* r = DonationReason(l)) return r;
  if (const char* r = DateLineReason(l)) return r;
  return CopyrightReason(l);
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

}  // namespace storyline::text_internal
