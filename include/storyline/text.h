// Copyright storyline authors.
//
// The text pipeline every other part builds on: Unicode normalisation (NFKC and
// case folding, ICU), word segmentation (ICU's word break iterator, so Chinese,
// Japanese, Thai and Arabic split into words; a fast path for ASCII/Latin text),
// Snowball stemming, stop words, language detection, and boilerplate lines.
//
//   storyline::Words w;
//   storyline::Tokenize(article.text, &w);        // reuse `w` across calls
//   for (size_t i = 0; i < w.size(); ++i) Use(w.word(i), w.span(i));
#ifndef STORYLINE_TEXT_H_
#define STORYLINE_TEXT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storyline/article.h"

namespace storyline {

// NFKC, then Unicode case folding. Returns valid UTF-8 for valid UTF-8 input.
std::string NormalizeText(std::string_view text);

// One word: where its normalised form lies in Words::norm, and where the word
// lies in the source text (byte offsets, end exclusive), so callers can highlight.
struct WordSpan {
  uint32_t norm_begin = 0;
  uint32_t norm_len = 0;
  uint32_t src_begin = 0;
  uint32_t src_end = 0;
};

// The words of a text, normalised (NFKC + case folded). Punctuation and spaces
// are not words; numbers are ("2023", "3.5"). Reusable: Tokenize() clears it and
// keeps its capacity, so a loop over many texts does not allocate.
struct Words {
  std::string norm;             // the normalised words, each followed by one space
  std::vector<WordSpan> spans;  // one per word, in text order
  size_t size() const { return spans.size(); }
  bool empty() const { return spans.empty(); }
  std::string_view word(size_t i) const {
    return std::string_view(norm).substr(spans[i].norm_begin, spans[i].norm_len);
  }
  const WordSpan& span(size_t i) const { return spans[i]; }
  void clear() {
    norm.clear();
    spans.clear();
  }
};

// Splits `text` (UTF-8) into normalised words. Thread-safe (thread-local state).
// Words are those of ICU's word break iterator (UAX #29 + dictionaries), each
// NFKC_Casefold-ed, with word-internal ’ and ‘ written as ASCII ' ("Kim’s" ->
// "kim's"; apostrophes stay inside words). Plain Latin/Greek/Cyrillic text takes
// a fast path that gives the same words without ICU. docs/text.md has the rules;
// they are part of the signature format. Invalid UTF-8 does not crash: the bad
// bytes are not words. Offsets are bytes of `text`; texts must be < 4 GiB.
void Tokenize(std::string_view text, Words* out);

// "Same content", the one definition every part of storyline uses (dedup's exact
// duplicates, compare's identical texts, the store's duplicate check, each on the
// text it works on): two texts have the same content when their normalised words
// are equal, whatever their case, spacing, punctuation or Unicode form. A text
// without words has no content and is the same as no other text.
//
// ContentHash is XXH3-64 (seed kContentSeed) of the words joined by one space, as
// docs/formats.md fixes it; HashShingles and HashJoinedWords (minhash.h) return the
// same value for the same words. The hash of no words is that of the empty string,
// so callers test words.empty() before they compare.
uint64_t ContentHash(const Words& words);

// True when `word` (normalised) is a function word of `lang` (ISO 639-1;
// "" means English). Languages without a list answer false.
bool IsStopword(std::string_view word, std::string_view lang);

// Snowball stemmer for one language. Not thread-safe (libstemmer keeps state):
// one per thread. Not copyable: it owns the libstemmer handle.
class Stemmer {
 public:
  // `lang`: ISO 639-1 code or Snowball name ("en", "german"). A language without
  // a Snowball stemmer gives a Stemmer whose Stem() returns the word unchanged.
  explicit Stemmer(std::string_view lang);
  ~Stemmer();
  Stemmer(const Stemmer&) = delete;
  Stemmer& operator=(const Stemmer&) = delete;
  bool available() const { return impl_ != nullptr; }
  // The stem of a normalised word. The view is valid until the next call.
  std::string_view Stem(std::string_view word);

 private:
  struct Impl;
  Impl* impl_ = nullptr;
};

// Language of `text` as an ISO 639-1 code ("en", "de", "zh"...), or "" when
// unsure (too short, mixed). Uses CLD2. Thread-safe.
std::string DetectLanguage(std::string_view text);

// ---- Boilerplate lines ----------------------------------------------------

// A line set aside as boilerplate, with the rule that caught it.
struct SetAsideLine {
  uint32_t line = 0;   // 0-based line number in the article text
  uint32_t begin = 0;  // byte offsets of the line in the article text
  uint32_t end = 0;
  std::string text;    // the line as it was
  std::string reason;  // e.g. "subscribe prompt", "repeated title", "photo credit",
                       // "read-also link", "repeated across 12 articles of <source>"
};

// An article's text with boilerplate lines taken out (joined with '\n') and the
// lines that were taken out, so nothing is lost silently.
struct CleanedText {
  std::string text;
  std::vector<SetAsideLine> removed;
};

// Finds boilerplate lines: the furniture of web pages (subscribe and newsletter
// prompts, "Read Also / Read More / Check also" link lines, comment and share
// prompts, photo credits, the title repeated as the first lines, trailing tag lines,
// site names and URLs at the end) and lines repeated across many articles of one
// source. Thread-safety: Clean() is const and may run on many threads at once;
// Observe() must not run concurrently with anything else.
class BoilerplateFilter {
 public:
  BoilerplateFilter();
  ~BoilerplateFilter();
  BoilerplateFilter(const BoilerplateFilter&) = delete;
  BoilerplateFilter& operator=(const BoilerplateFilter&) = delete;

  // Learns which lines a source repeats (a line seen in >= 3 distinct articles
  // of the same non-empty article.source). Optional: without it, only the
  // per-article rules apply. Memory is bounded: a fixed 12 MiB table of line
  // hashes, allocated on the first call, plus at most 2^18 text hashes.
  void Observe(const Article& article);
  // Cleans one article (uses its text, title and source). A line equal to
  // article.title repeats the title given apart; with no title, the first
  // non-empty line is the title and only its later copies are set aside.
  // Never removes every line: when all lines look like boilerplate the text is
  // kept whole and nothing is set aside. Reasons are listed in docs/text.md.
  CleanedText Clean(const Article& article) const;
  // Clean() without copying an unchanged text: returns false, with out->text
  // and out->removed empty, when no line is set aside (the cleaned text is then
  // article.text itself); otherwise true, with *out as Clean() returns it.
  // Reuses the capacity of *out. Thread-safe like Clean().
  bool CleanInto(const Article& article, CleanedText* out) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace storyline

#endif  // STORYLINE_TEXT_H_
