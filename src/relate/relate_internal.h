// Copyright storyline authors.
//
// Internals of src/relate shared between its files and tests: a small UTF-8 word
// scanner that keeps case (the text module's words are case folded, but names and
// quote attribution need the capitals), name mentions with their positions, and
// the background table.
#ifndef STORYLINE_RELATE_RELATE_INTERNAL_H_
#define STORYLINE_RELATE_RELATE_INTERNAL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storyline/relate.h"

namespace storyline::relate_internal {

// A word as written: letters and digits, with inner '.', '-', '\'' and '’'
// ("U.N.", "Kim-Putin", "People's"). Byte offsets into the scanned text.
struct RawWord {
  uint32_t begin = 0, end = 0;
  bool upper_initial = false;  // first letter is upper or title case
  bool all_upper = false;      // two or more letters, none lower case ("KCNA", "U.N.")
  bool has_letter = false;
  bool sentence_start = false;  // first word of a sentence, paragraph or quote
  bool break_before = false;    // punctuation (not just spaces) separates it from the previous word
};

// Splits `text` into RawWords. Never fails; invalid UTF-8 bytes are separators.
std::vector<RawWord> ScanWords(std::string_view text);

// A mention of a name: where it is and which Name (index into the names list).
struct NameMention {
  uint32_t begin = 0, end = 0;
  int name = -1;
  bool after_title = false;
};

// ExtractNames, keeping the mentions (ordered by position). `title`, when given,
// is evidence of which words are ordinary (written in lower case there): a run on
// a title-case heading line of `text` loses such trailing words.
void ExtractNamesAndMentions(std::string_view text, std::vector<Name>* names,
                             std::vector<NameMention>* mentions, std::string_view title = {});

// ExtractQuotes with the names already found (AnalyzeArticle finds them once).
std::vector<Quote> ExtractQuotesWithNames(std::string_view text, const std::vector<Name>& names,
                                          const std::vector<NameMention>& mentions);

// True when `lower` (lower-case ASCII) is a speech verb ("said", "added", ...).
bool IsSpeechVerb(std::string_view lower);

// The background table: stem -> document frequency, and the number of documents.
struct BackgroundTable {
  uint64_t documents = 0;
  std::vector<std::pair<uint64_t, uint32_t>> df;  // sorted by TermHash
};
// Parses the table format of data/background_df.tsv ("#docs\tN" then "stem\tdf").
BackgroundTable ParseBackgroundTable(std::string_view tsv);
// The table compiled into the library (parsed once, on first use; thread-safe).
const BackgroundTable& EmbeddedBackground();
// The raw embedded bytes (for tests).
std::string_view EmbeddedBackgroundBytes();

// Sorted, unique token hashes of each quote of f (empty for quotes shorter than
// min_words), parallel to f.quotes.
std::vector<std::vector<uint64_t>> QuoteTokenSets(const ArticleFeatures& f, uint32_t min_words);
// Size of the intersection of two sorted, unique vectors.
size_t CountShared(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);
// The quotes part of story similarity (see similarity.cc).
double QuoteOverlap(const ArticleFeatures& a, const ArticleFeatures& b);

// The sentence-level "same content" score from the IDF weight two sentences
// share and their total weights (compare.cc; SentenceSimilarity uses it too).
double SentenceScore(double shared, double sum_a, double sum_b);

// Word translations between two languages: the stem hash of a word of `from`
// -> the stem hashes of its translations in `to` (translate.cc).
struct Translations {
  std::string from, to;
  std::unordered_map<uint64_t, std::vector<uint64_t>> map;
};
// German -> English, loaded once (thread-safe) from /usr/share/trans/de-en
// (Debian trans-de-en; $STORYLINE_DICT_DE_EN overrides the path); empty when
// the file is absent.
const Translations& GermanEnglish();
// A term vector in `t.from` carried into `t.to`: each term's count goes to each
// of its translations; terms without one are kept (names, borrowings).
std::vector<TermCount> Translate(const std::vector<TermCount>& terms, const Translations& t);

// Mixes a word hash sequence into a shingle hash (fixed, platform independent).
inline uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h *= 0xff51afd7ed558ccdULL;
  return h ^ (h >> 33);
}

}  // namespace storyline::relate_internal

#endif  // STORYLINE_RELATE_RELATE_INTERNAL_H_
