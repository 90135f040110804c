// Copyright storyline authors.
//
// Snowball stemmers (libstemmer), named by ISO 639-1 code or Snowball name.
#include <libstemmer.h>

#include <cstring>
#include <string>

#include "core/ascii.h"
#include "storyline/text.h"

namespace storyline {
namespace {

struct LangName {
  const char* iso;
  const char* snowball;
};
// ISO 639-1 codes of the Snowball stemmers Debian's libstemmer ships.
constexpr LangName kStemmers[] = {
    {"ar", "arabic"},     {"hy", "armenian"},   {"eu", "basque"},    {"ca", "catalan"},
    {"da", "danish"},     {"nl", "dutch"},      {"en", "english"},   {"fi", "finnish"},
    {"fr", "french"},     {"de", "german"},     {"el", "greek"},     {"hi", "hindi"},
    {"hu", "hungarian"},  {"id", "indonesian"}, {"ga", "irish"},     {"it", "italian"},
    {"lt", "lithuanian"}, {"ne", "nepali"},     {"no", "norwegian"}, {"nb", "norwegian"},
    {"nn", "norwegian"},  {"pt", "portuguese"}, {"ro", "romanian"},  {"ru", "russian"},
    {"sr", "serbian"},    {"es", "spanish"},    {"sv", "swedish"},   {"ta", "tamil"},
    {"tr", "turkish"},    {"yi", "yiddish"},
};

// The Snowball name for `lang`, or "" when there is none.
std::string SnowballName(std::string_view lang) {
  if (lang.empty()) return "english";
  std::string l = AsciiLowerCopy(lang);
  // "en-US", "pt_BR": the language part decides.
  size_t cut = l.find_first_of("-_");
  std::string base = cut == std::string::npos ? l : l.substr(0, cut);
  for (const LangName& s : kStemmers) {
    if (base == s.iso || l == s.snowball) return s.snowball;
  }
  if (l == "porter") return "porter";
  return "";
}

}  // namespace

struct Stemmer::Impl {
  sb_stemmer* stemmer = nullptr;
};

Stemmer::Stemmer(std::string_view lang) {
  std::string name = SnowballName(lang);
  if (name.empty()) return;
  sb_stemmer* s = sb_stemmer_new(name.c_str(), "UTF_8");
  if (s == nullptr) return;
  impl_ = new Impl{s};
}

Stemmer::~Stemmer() {
  if (impl_ != nullptr) {
    sb_stemmer_delete(impl_->stemmer);
    delete impl_;
  }
}

std::string_view Stemmer::Stem(std::string_view word) {
  if (impl_ == nullptr || word.empty()) return word;
  const sb_symbol* r =
      sb_stemmer_stem(impl_->stemmer, reinterpret_cast<const sb_symbol*>(word.data()),
                      static_cast<int>(word.size()));
  if (r == nullptr) return word;  // out of memory: the word itself is the safest answer
  return std::string_view(reinterpret_cast<const char*>(r),
                          static_cast<size_t>(sb_stemmer_length(impl_->stemmer)));
}

}  // namespace storyline
