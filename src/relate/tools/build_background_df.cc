// Copyright storyline authors.
//
// Builds data/background_df.tsv: document frequencies of English stems in public
// news text (Reuters-21578 and BBC News from ../shared/data), through the same
// tokeniser, stop words and stemmer the library uses at run time.
//   build_background_df OUT.tsv MAX_TERMS INPUT.jsonl...
// Output: "#docs\tN", then "stem\tdf" by falling df (ties by stem), df >= 2.
#include <simdjson.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "storyline/text.h"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: build_background_df OUT.tsv MAX_TERMS INPUT.jsonl...\n";
    return 1;
  }
  const size_t max_terms = std::stoul(argv[2]);
  storyline::Stemmer stemmer("en");
  storyline::Words words;
  std::unordered_map<std::string, uint32_t> df;
  uint64_t docs = 0;
  simdjson::ondemand::parser parser;
  for (int i = 3; i < argc; ++i) {
    std::ifstream in(argv[i]);
    if (!in) {
      std::cerr << "build_background_df: cannot open " << argv[i] << "\n";
      return 1;
    }
    std::string line;
    uint64_t lineno = 0;
    while (std::getline(in, line)) {
      ++lineno;
      simdjson::padded_string p(line);
      simdjson::ondemand::document doc;
      if (parser.iterate(p).get(doc)) continue;
      std::string text;
      std::string_view v;
      if (!doc["title"].get_string().get(v)) text.append(v).append("\n");
      if (!doc["text"].get_string().get(v)) text.append(v);
      if (text.empty()) continue;
      storyline::Tokenize(text, &words);
      std::unordered_set<std::string> seen;
      for (size_t k = 0; k < words.size(); ++k) {
        std::string_view w = words.word(k);
        bool letter = std::any_of(w.begin(), w.end(), [](char c) {
          return std::isalpha(static_cast<unsigned char>(c)) || (c & 0x80);
        });
        if (!letter || w.size() < 2 || storyline::IsStopword(w, "en")) continue;
        seen.insert(std::string(stemmer.Stem(w)));
      }
      for (const auto& s : seen) ++df[s];
      ++docs;
    }
  }
  std::vector<std::pair<std::string, uint32_t>> v(df.begin(), df.end());
  v.erase(std::remove_if(v.begin(), v.end(),
                         [](const auto& p) {
                           return p.second < 2 || p.first.find('\t') != std::string::npos ||
                                  p.first.find('\n') != std::string::npos;
                         }),
          v.end());
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (v.size() > max_terms) v.resize(max_terms);
  std::ofstream out(argv[1]);
  out << "#docs\t" << docs << "\n";
  for (const auto& [s, c] : v) out << s << "\t" << c << "\n";
  std::cerr << "build_background_df: " << docs << " documents, " << v.size() << " stems -> "
            << argv[1] << "\n";
  return out ? 0 : 1;
}
