// Copyright storyline authors.
//
// Internals of the boilerplate filter shared by its three files and its tests:
//  - boilerplate_fold.cc: trimming and folding a line for matching;
//  - boilerplate_rules.cc: the phrase tables and the rules that judge one line;
//  - boilerplate.cc: BoilerplateFilter, which splits a text into lines, applies
//    the rules and the cross-line passes, and learns repeated lines.
// The functions with a Scalar twin have a vectorised path (src/core/simd.h);
// the twins give the same results and exist so the tests can compare them.
#ifndef STORYLINE_TEXT_BOILERPLATE_INTERNAL_H_
#define STORYLINE_TEXT_BOILERPLATE_INTERNAL_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace storyline::text_internal {

// ---- Folding (boilerplate_fold.cc) ---------------------------------------------

// `s` without the spaces at both ends: ASCII spaces and tabs, '\r', '\f', '\v',
// no-break, zero-width and narrow no-break spaces, and the BOM.
std::string_view Trim(std::string_view s);

// Writes Fold(s) to out (room for s.size() bytes); returns its length and, in
// *words, the number of space-separated words. `s` is trimmed.
size_t FoldInto(std::string_view s, char* out, int* words = nullptr);
// FoldInto without the vectorised path.
size_t FoldIntoScalar(std::string_view s, char* out, int* words = nullptr);

// ASCII lower case, Latin-1 capitals (U+00C0-U+00DE) too, runs of spaces
// (incl. no-break spaces) collapsed to one, curly quotes made straight. For
// matching rules, never for output. Never longer than its input.
std::string Fold(std::string_view s);

// ---- Small string tests ----------------------------------------------------------

inline bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// `s` starts with `p` and `p` ends at a word boundary in `s`.
inline bool StartsWithPhrase(std::string_view s, std::string_view p) {
  if (s.substr(0, p.size()) != p) return false;
  return s.size() == p.size() || !IsAsciiLetter(s[p.size()]) || !IsAsciiLetter(p.back());
}

inline bool Contains(std::string_view s, std::string_view p) {
  return s.find(p) != std::string_view::npos;
}

[[gnu::always_inline]] inline bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() &&
         std::memcmp(s.data() + s.size() - p.size(), p.data(), p.size()) == 0;
}

// ---- One line of a text ----------------------------------------------------------

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

// ---- Per-line rules (boilerplate_rules.cc) ---------------------------------------

// The line ends as a sentence or a clause does.
bool EndsWithTerminal(std::string_view t);

// `f` is the folded line, `t` the line as written: the line is a URL or a bare
// lower-case domain.
bool IsUrlLine(std::string_view f, std::string_view t);

// The read-also marker's line kind of a folded line: 0 none, 1 a link line,
// 2 a bare header ("Check also;", "Related:") that introduces a list of links.
int ReadAlsoKind(std::string_view folded, int words);
// ReadAlsoKind(l.folded, l.words), computed once per line.
int LineReadAlsoKind(LineInfo& l);

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
// The Hint bits of the folded line f.
uint32_t Hints(std::string_view f);
// Hints(f) & kHintCredit, reading only what PhotoCreditStart(f) reads.
uint32_t CreditHint(std::string_view f);

// f has a '/' or a "©".
bool HasSlashOrCopyright(std::string_view f);
// HasSlashOrCopyright without the vectorised path.
bool HasSlashOrCopyrightScalar(std::string_view f);

// The offsets at which the phrase index probes `s`: each byte that is not a
// space and follows a byte that is not a letter, digit or non-ASCII byte, with
// at least 4 bytes from it to the end.
std::vector<uint32_t> PhraseProbes(std::string_view s);
// PhraseProbes without the vectorised path.
std::vector<uint32_t> PhraseProbesScalar(std::string_view s);

// Where a photo credit starts in the folded line, or npos.
size_t PhotoCreditStart(std::string_view f);

// The reason of the per-line rules after the URL rule (the caller has tested
// that one), or nullptr. l.hints must be Hints(l.folded).
const char* PerLineReason(LineInfo& l);

// A tag or site line at the end: 1-5 capitalised words, each a real word of at
// least two letters, no sentence punctuation.
bool IsTailTag(std::string_view t, int words);

// ---- Line splitting (boilerplate.cc) -----------------------------------------------

// The offsets of every '\n' in `text`, in order.
void FindNewlines(std::string_view text, std::vector<uint32_t>* out);
// FindNewlines without the vectorised path.
void FindNewlinesScalar(std::string_view text, std::vector<uint32_t>* out);

}  // namespace storyline::text_internal

#endif  // STORYLINE_TEXT_BOILERPLATE_INTERNAL_H_
