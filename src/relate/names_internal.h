// Copyright storyline authors.
//
// Internals of name extraction shared by its files: the word lists that tell a
// name from an ordinary capitalised word and say what kind of name it is
// (name_words.cc), and the candidate name (Segment) that names.cc builds from
// runs of capitalised words.
#ifndef STORYLINE_RELATE_NAMES_INTERNAL_H_
#define STORYLINE_RELATE_NAMES_INTERNAL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "storyline/relate.h"

namespace storyline::relate_internal {

using WordSet = std::unordered_set<std::string_view>;

// Lower-case word lists (built once, thread-safe).
const WordSet& FunctionWords();  // articles, pronouns, prepositions, web furniture
const WordSet& DateWords();      // weekdays and months, with their abbreviations
const WordSet& Titles();         // titles and roles before a name ("president", "coach")
const WordSet& Connectors();     // words inside a name ("of", "bin", "von")
const WordSet& OrgWords();       // words that make a name an organisation
const WordSet& PlaceWords();     // words that make a longer name a place ("river")
const WordSet& Places();         // countries, regions, cities and first words of cities
const WordSet& PlaceAcronyms();  // "us", "u.k.", "dprk"

// True when `lower` is a title even capitalised inside a run ("President"),
// unless `next_lower` makes it part of a name ("Secretary of", "General Assembly").
bool IsRunTitle(std::string_view lower, std::string_view next_lower);
// True for nationality, region and creed adjectives ("Russian", "Western").
bool IsDemonym(std::string_view lower);
// Folds a name into a key: ASCII lower case, dots dropped, '-' as a space.
std::string NameKey(std::string_view s);

// A candidate name: consecutive words of the text.
struct Segment {
  uint32_t begin, end;  // bytes
  std::vector<std::string> lower_words;
  std::vector<uint32_t> word_ends;  // byte end of each of lower_words
  bool after_title = false;
  bool sentence_start = false;
  bool acronym = false;
};

// The kind of name a segment is: an organisation, a place, a person or (unknown)
// a name.
NameKind Classify(const Segment& seg);

}  // namespace storyline::relate_internal

#endif  // STORYLINE_RELATE_NAMES_INTERNAL_H_
