// Copyright storyline authors.
//
// AnalyzeArticle: one pass over an article that every comparison reuses. The
// boilerplate lines are blanked out in a copy of the text (same length, so every
// offset still points into Article::text), then words, stems, sentences, names,
// numbers, quotes and provenance are read from that copy.
#include <algorithm>
#include <cctype>
#include <memory>
#include <string>
#include <unordered_map>

#include "core/hash.h"
#include "relate/relate_internal.h"
#include "storyline/relate.h"
#include "storyline/text.h"

namespace storyline {
namespace {

constexpr uint64_t kTokenSeed = 0x746f'6b65'6e73'0001ULL;   // "tokens"
constexpr uint64_t kNumberSeed = 0x6e75'6d62'6572'0001ULL;  // "number"
// The head: the first content words of title and text (what a headline says).
constexpr size_t kHeadWords = 10;

Stemmer& StemmerFor(const std::string& lang) {
  thread_local std::unordered_map<std::string, std::unique_ptr<Stemmer>> stemmers;
  auto it = stemmers.find(lang);
  if (it == stemmers.end()) {
    it = stemmers.emplace(lang, std::make_unique<Stemmer>(lang.empty() ? "en" : lang)).first;
  }
  return *it->second;
}

const BoilerplateFilter& DefaultFilter() {
  static const BoilerplateFilter filter;
  return filter;
}

// Cuts `s` to at most n bytes at a UTF-8 character boundary.
std::string_view CutUtf8(std::string_view s, size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

bool HasLetter(std::string_view w) {
  for (unsigned char c : w) {
    if (std::isalpha(c) || c >= 0x80) return true;
  }
  return false;
}
bool HasDigit(std::string_view w) {
  for (unsigned char c : w) {
    if (std::isdigit(c)) return true;
  }
  return false;
}

// "155,221" -> "155221", "05" -> "5", "3.50" -> "3.5". Empty when not a number.
std::string NormalizeNumber(std::string_view w) {
  std::string r;
  for (char c : w) {
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      r.push_back(c);
    } else if (c == ',' || c == '\'' || c == ' ') {
      continue;
    } else {
      return "";
    }
  }
  size_t dot = r.find('.');
  if (dot != std::string::npos) {
    while (!r.empty() && r.back() == '0') r.pop_back();
    if (!r.empty() && r.back() == '.') r.pop_back();
  }
  size_t nz = 0;
  while (nz + 1 < r.size() && r[nz] == '0' && r[nz + 1] != '.') ++nz;
  return r.substr(nz);
}

bool IsAbbrev(std::string_view raw) {
  if (raw.find('.') != std::string_view::npos) return true;  // U.N, U.S
  if (raw.size() == 1 && std::isupper(static_cast<unsigned char>(raw[0]))) return true;
  static const char* kAbbr[] = {"Mr",  "Mrs",  "Ms",  "Dr",   "St",  "Jr",  "Sr",
                                "Gen", "Gov",  "Sen", "Rep",  "Lt",  "Col", "Prof",
                                "Inc", "Corp", "Co",  "Ltd",  "No",  "vs",  "Jan",
                                "Feb", "Aug",  "Sep", "Sept", "Oct", "Nov", "Dec"};
  for (const char* a : kAbbr) {
    if (raw == a) return true;
  }
  return false;
}

// Arabic letters in UTF-8 are two bytes, lead 0xD8..0xDB.
inline uint32_t Decode2(unsigned char a, unsigned char b) {
  return ((a & 0x1Fu) << 6) | (b & 0x3Fu);
}
void Append2(std::string* out, uint32_t cp) {
  out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
  out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
}

// An Arabic code point folded for matching: alef forms (أ إ آ ٱ) to ا, ى and ئ
// to ي, ة to ه, ؤ to و; 0 for diacritics and tatweel (dropped).
uint32_t FoldArabic(uint32_t cp) {
  if ((cp >= 0x064B && cp <= 0x0652) || cp == 0x0670 || cp == 0x0640) return 0;
  if (cp == 0x0623 || cp == 0x0625 || cp == 0x0622 || cp == 0x0671) return 0x0627;
  if (cp == 0x0649 || cp == 0x0626) return 0x064A;
  if (cp == 0x0629) return 0x0647;
  if (cp == 0x0624) return 0x0648;
  return cp;
}

// The length of the article and the particles fused before it (ال، وال، بال،
// كال، فال، لل) at the start of `cps`, when 3+ letters remain; else 0.
size_t ArticlePrefix(const std::vector<uint32_t>& cps) {
  static const std::vector<std::vector<uint32_t>> kPrefixes = {
      {0x0648, 0x0627, 0x0644}, {0x0628, 0x0627, 0x0644}, {0x0643, 0x0627, 0x0644},
      {0x0641, 0x0627, 0x0644}, {0x0644, 0x0644},         {0x0627, 0x0644}};
  for (const auto& p : kPrefixes) {
    if (cps.size() >= p.size() + 3 && std::equal(p.begin(), p.end(), cps.begin())) return p.size();
  }
  return 0;
}

// Light normalisation of an Arabic word for its character n-grams (the
// stemmer does its own): diacritics and tatweel dropped, alef forms (أ إ آ ٱ)
// to ا, ى to ي, ة to ه, ؤ to و, ئ to ي, then the article and the particles
// fused before it (ال، وال، بال، كال، فال، لل) stripped when 3+ letters remain.
// Returns false (and leaves *out alone) when `w` holds no Arabic letter.
bool NormalizeArabic(std::string_view w, std::string* out) {
  std::vector<uint32_t> cps;
  bool arabic = false;
  for (size_t i = 0; i < w.size();) {
    unsigned char c = static_cast<unsigned char>(w[i]);
    if (c >= 0xD8 && c <= 0xDB && i + 1 < w.size()) {
      uint32_t cp = FoldArabic(Decode2(c, static_cast<unsigned char>(w[i + 1])));
      i += 2;
      arabic = true;
      if (cp != 0) cps.push_back(cp);
    } else {
      if (!arabic && i == 0 && c < 0x80) return false;
      cps.push_back(0x110000 + c);  // a byte kept as is
      ++i;
    }
  }
  if (!arabic) return false;
  out->clear();
  for (size_t k = ArticlePrefix(cps); k < cps.size(); ++k) {
    if (cps[k] >= 0x110000) {
      out->push_back(static_cast<char>(cps[k] - 0x110000));
    } else {
      Append2(out, cps[k]);
    }
  }
  return true;
}

// Arabic-Indic digits (٠..٩, U+0660; ۰..۹, U+06F0) with the Arabic decimal and
// thousands separators: NFKC leaves them alone, so "٢٠٢٠" would not meet "2020".
// Writes the ASCII number to *out; false when `w` is not such a number.
bool ArabicIndicNumber(std::string_view w, std::string* out) {
  out->clear();
  for (size_t i = 0; i < w.size();) {
    unsigned char c = static_cast<unsigned char>(w[i]);
    if (c < 0x80 && (std::isdigit(c) || c == '.' || c == ',')) {
      out->push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    if ((c != 0xD9 && c != 0xDB) || i + 1 >= w.size()) return false;
    uint32_t cp = Decode2(c, static_cast<unsigned char>(w[i + 1]));
    i += 2;
    if (cp >= 0x0660 && cp <= 0x0669) {
      out->push_back(static_cast<char>('0' + (cp - 0x0660)));
    } else if (cp >= 0x06F0 && cp <= 0x06F9) {
      out->push_back(static_cast<char>('0' + (cp - 0x06F0)));
    } else if (cp == 0x066B) {
      out->push_back('.');
    } else if (cp == 0x066C) {
      out->push_back(',');
    } else {
      return false;
    }
  }
  return !out->empty() && HasDigit(*out);
}

// Blanks the boilerplate lines of f->text out in a same-length copy (each
// removed line becomes a newline and spaces) and records them in f->boilerplate.
// `src` is f->text: the article's text, perhaps cut.
std::string MaskBoilerplate(const Article& article, std::string_view src,
                            const AnalyzeOptions& options, ArticleFeatures* f) {
  std::string masked = f->text;
  const BoilerplateFilter& filter = options.filter ? *options.filter : DefaultFilter();
  CleanedText cleaned;
  if (src.size() == article.text.size()) {
    cleaned = filter.Clean(article);
  } else {
    Article cut = article;
    cut.text = f->text;
    cleaned = filter.Clean(cut);
  }
  for (const SetAsideLine& l : cleaned.removed) {
    uint32_t b = std::min<uint32_t>(l.begin, masked.size());
    uint32_t e = std::min<uint32_t>(l.end, masked.size());
    if (b >= e) continue;
    f->boilerplate.emplace_back(b, e);
    for (uint32_t i = b; i < e; ++i) {
      if (masked[i] != '\n') masked[i] = ' ';
    }
    masked[b] = '\n';
  }
  std::sort(f->boilerplate.begin(), f->boilerplate.end());
  return masked;
}

// Records the number a word of digits is (numbers of 2+ characters or with a
// decimal point; years 1900-2099 also in *years).
void NoteNumber(std::string_view digits, std::vector<uint64_t>* numbers, std::vector<int>* years) {
  std::string num = NormalizeNumber(digits);
  if (num.empty() || (num.size() < 2 && num.find('.') == std::string::npos)) return;
  numbers->push_back(Hash64(num, kNumberSeed));
  if (num.size() == 4 && (num[0] == '1' || num[0] == '2') && num.find('.') == std::string::npos) {
    int y = std::stoi(num);
    if (y >= 1900 && y <= 2099) years->push_back(y);
  }
}

// The stems (TermHash) remembered on this thread for a language, keyed by the
// token hash (words repeat); emptied past 2^20 entries (bounded memory).
std::unordered_map<uint64_t, uint64_t>& StemCache(const std::string& lang) {
  thread_local std::unordered_map<std::string, std::unordered_map<uint64_t, uint64_t>> stem_caches;
  auto& stem_cache = stem_caches[lang];
  if (stem_cache.size() > (1u << 20)) stem_cache.clear();
  return stem_cache;
}

// Tokens, their spans, stems (0 for numbers and stop words), the content hash,
// numbers and years of the words; counts the stems in *counts.
void ReadTokens(const Words& words, Stemmer& stemmer, ArticleFeatures* f,
                std::unordered_map<uint64_t, uint32_t>* counts, std::vector<uint64_t>* numbers) {
  const size_t n = words.size();
  f->tokens.reserve(n);
  f->token_spans.reserve(n);
  f->stems.reserve(n);
  counts->reserve(n);
  auto& stem_cache = StemCache(f->lang);
  std::string arabic_number;
  for (size_t i = 0; i < n; ++i) {
    std::string_view w = words.word(i);
    const WordSpan& sp = words.span(i);
    uint64_t th = Hash64(w, kTokenSeed);
    f->tokens.push_back(th);
    f->token_spans.emplace_back(sp.src_begin, sp.src_end);
    uint64_t stem = 0;
    std::string_view digits = w;
    unsigned char w0 = static_cast<unsigned char>(w[0]);
    if ((w0 == 0xD9 || w0 == 0xDB) && ArabicIndicNumber(w, &arabic_number)) digits = arabic_number;
    if (HasDigit(digits) && !HasLetter(digits)) {
      NoteNumber(digits, numbers, &f->years);
    } else if (HasLetter(w) && !IsStopword(w, f->lang) &&
               (w.size() >= 2 || static_cast<unsigned char>(w[0]) >= 0x80)) {
      auto [it, fresh] = stem_cache.try_emplace(th, 0);
      if (fresh) it->second = TermHash(stemmer.Stem(w));
      stem = it->second;
      ++(*counts)[stem];
    }
    f->stems.push_back(stem);
  }
  f->content_hash = n ? ContentHash(words) : 0;
}

// The lead (title and the first 60 content words of the text) and the head
// (the first kHeadWords of them). Title words count as terms too when the text
// does not start with the title.
void LeadAndHead(const Article& article, std::string_view masked, Stemmer& stemmer,
                 ArticleFeatures* f, std::unordered_map<uint64_t, uint32_t>* counts) {
  std::unordered_map<uint64_t, uint32_t> lead, head;
  size_t head_taken = 0;
  if (!article.title.empty()) {
    bool in_text = masked.substr(0, 1000).find(article.title) != std::string_view::npos;
    Words tw;
    Tokenize(article.title, &tw);
    for (size_t i = 0; i < tw.size(); ++i) {
      std::string_view w = tw.word(i);
      if (!HasLetter(w) || IsStopword(w, f->lang) || w.size() < 2) continue;
      uint64_t t = TermHash(stemmer.Stem(w));
      if (!in_text) {
        ++(*counts)[t];
        if (head_taken < kHeadWords) {
          ++head[t];
          ++head_taken;
        }
      }
      ++lead[t];
    }
  }
  size_t taken = 0;
  for (size_t i = 0; i < f->stems.size() && taken < 60; ++i) {
    if (f->stems[i]) {
      ++lead[f->stems[i]];
      ++taken;
      if (head_taken < kHeadWords) {
        ++head[f->stems[i]];
        ++head_taken;
      }
    }
  }
  auto by_term = [](const TermCount& a, const TermCount& b) { return a.term < b.term; };
  for (const auto& [t, c] : lead) f->lead_terms.push_back({t, c});
  std::sort(f->lead_terms.begin(), f->lead_terms.end(), by_term);
  for (const auto& [t, c] : head) f->head_terms.push_back({t, c});
  std::sort(f->head_terms.begin(), f->head_terms.end(), by_term);
}

// True when a sentence ends after token i: at a newline, or at . ! ? before a
// word that is not lower case (a dot after an abbreviation ends none).
bool SentenceEndsAfter(const ArticleFeatures& f, std::string_view masked, size_t i) {
  if (i + 1 == f.token_spans.size()) return true;
  uint32_t ge = f.token_spans[i].second, gb = f.token_spans[i + 1].first;
  std::string_view gap = masked.substr(ge, gb - ge);
  if (gap.find('\n') != std::string_view::npos) return true;
  if (gap.find_first_of(".!?") == std::string_view::npos) return false;
  std::string_view raw = std::string_view(f.text).substr(
      f.token_spans[i].first, f.token_spans[i].second - f.token_spans[i].first);
  unsigned char next = static_cast<unsigned char>(f.text[gb]);
  return !(gap[0] == '.' && IsAbbrev(raw)) && !std::islower(next);
}

void SplitSentences(std::string_view masked, ArticleFeatures* f) {
  const size_t n = f->token_spans.size();
  uint32_t start = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!SentenceEndsAfter(*f, masked, i)) continue;
    SentenceSpan s;
    s.tok_begin = start;
    s.tok_end = static_cast<uint32_t>(i + 1);
    s.begin = f->token_spans[start].first;
    s.end = f->token_spans[i].second;
    f->sentences.push_back(s);
    start = static_cast<uint32_t>(i + 1);
  }
}

// Character 4-grams of the content words in the first 20,000 bytes, with word
// boundaries marked (Arabic words normalised first); a word of 3 characters or
// fewer is one gram.
void CharGrams(const Words& words, ArticleFeatures* f) {
  const size_t n = words.size();
  std::unordered_map<uint64_t, uint32_t> grams;
  grams.reserve(4 * n);
  // Buffers reused across words.
  std::string w, gram, arabic;
  std::vector<size_t> starts;
  for (size_t i = 0; i < n; ++i) {
    if (!f->stems[i]) continue;
    if (f->token_spans[i].first > 20000) break;
    w = " ";
    if (f->lang == "ar" && NormalizeArabic(words.word(i), &arabic)) {
      w += arabic;
    } else {
      w += words.word(i);
    }
    w += ' ';
    // step over UTF-8 characters
    starts.clear();
    for (size_t k = 0; k < w.size(); ++k) {
      if ((static_cast<unsigned char>(w[k]) & 0xC0) != 0x80) starts.push_back(k);
    }
    starts.push_back(w.size());
    if (starts.size() <= 4) {
      gram = "#";
      gram += w;
      ++grams[TermHash(gram)];
      continue;
    }
    for (size_t k = 0; k + 4 < starts.size(); ++k) {
      gram = "#";
      gram.append(w, starts[k], starts[k + 4] - starts[k]);
      ++grams[TermHash(gram)];
    }
  }
  f->char_grams.reserve(grams.size());
  for (const auto& [t, c] : grams) f->char_grams.push_back({t, c});
  std::sort(f->char_grams.begin(), f->char_grams.end(),
            [](const TermCount& a, const TermCount& b) { return a.term < b.term; });
}

// The term vector and content word count from the stem counts; numbers and
// years sorted and unique.
void FinishTerms(const std::unordered_map<uint64_t, uint32_t>& counts,
                 std::vector<uint64_t> numbers, ArticleFeatures* f) {
  f->terms.reserve(counts.size());
  for (const auto& [t, c] : counts) {
    f->terms.push_back({t, c});
    f->content_words += c;
  }
  std::sort(f->terms.begin(), f->terms.end(),
            [](const TermCount& a, const TermCount& b) { return a.term < b.term; });
  std::sort(numbers.begin(), numbers.end());
  numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
  f->numbers = std::move(numbers);
  std::sort(f->years.begin(), f->years.end());
  f->years.erase(std::unique(f->years.begin(), f->years.end()), f->years.end());
}

// Names (most mentioned first), quotes with their speakers, and the name keys
// (the names' content words, dots dropped, as terms).
void NamesAndQuotes(std::string_view masked, std::string_view title, ArticleFeatures* f) {
  std::vector<relate_internal::NameMention> mentions;
  relate_internal::ExtractNamesAndMentions(masked, &f->names, &mentions, title);
  f->quotes = relate_internal::ExtractQuotesWithNames(masked, f->names, mentions);
  std::stable_sort(f->names.begin(), f->names.end(), [](const Name& a, const Name& b) {
    if (a.count != b.count) return a.count > b.count;
    return a.first < b.first;
  });
  Words nw;
  for (const Name& nm : f->names) {
    Tokenize(nm.text, &nw);
    for (size_t i = 0; i < nw.size(); ++i) {
      std::string_view w = nw.word(i);
      if (!HasLetter(w) || IsStopword(w, f->lang)) continue;
      std::string key(w);
      key.erase(std::remove(key.begin(), key.end(), '.'), key.end());
      if (!key.empty()) f->name_keys.push_back(TermHash(key));
    }
  }
  std::sort(f->name_keys.begin(), f->name_keys.end());
  f->name_keys.erase(std::unique(f->name_keys.begin(), f->name_keys.end()), f->name_keys.end());
}

}  // namespace

ArticleFeatures AnalyzeArticle(const Article& article, const AnalyzeOptions& options) {
  ArticleFeatures f;
  f.id = article.id;
  f.title = article.title;
  f.published_ts = article.published_ts;
  std::string_view src = CutUtf8(article.text, options.max_bytes);
  f.text = std::string(src);
  if (f.text.empty()) {
    f.lang = article.lang;
    return f;
  }
  std::string masked = MaskBoilerplate(article, src, options, &f);
  f.lang = article.lang;
  if (f.lang.empty()) f.lang = DetectLanguage(CutUtf8(masked, 20000));
  Stemmer& stemmer = StemmerFor(f.lang);
  f.stemmed = stemmer.available();

  thread_local Words words;
  Tokenize(masked, &words);
  std::unordered_map<uint64_t, uint32_t> counts;
  std::vector<uint64_t> numbers;
  ReadTokens(words, stemmer, &f, &counts, &numbers);
  LeadAndHead(article, masked, stemmer, &f, &counts);
  SplitSentences(masked, &f);
  CharGrams(words, &f);
  FinishTerms(counts, std::move(numbers), &f);
  NamesAndQuotes(masked, article.title, &f);
  f.provenance = ExtractProvenance(f.text, article.author);
  return f;
}

double SentenceSimilarity(std::string_view a, std::string_view b, const TermStats& stats,
                          std::string_view lang) {
  Stemmer& stemmer = StemmerFor(std::string(lang));
  auto terms = [&](std::string_view t) {
    thread_local Words w;
    Tokenize(t, &w);
    std::vector<uint64_t> out;
    for (size_t i = 0; i < w.size(); ++i) {
      std::string_view x = w.word(i);
      if (HasDigit(x) && !HasLetter(x)) {
        std::string num = NormalizeNumber(x);
        if (!num.empty()) out.push_back(TermHash(num));
      } else if (HasLetter(x) && !IsStopword(x, lang)) {
        out.push_back(TermHash(stemmer.Stem(x)));
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  };
  std::vector<uint64_t> ta = terms(a), tb = terms(b);
  double sa = 0, sb = 0, shared = 0;
  for (uint64_t t : ta) sa += stats.Idf(t);
  for (uint64_t t : tb) sb += stats.Idf(t);
  size_t i = 0, j = 0;
  while (i < ta.size() && j < tb.size()) {
    if (ta[i] < tb[j]) {
      ++i;
    } else if (tb[j] < ta[i]) {
      ++j;
    } else {
      shared += stats.Idf(ta[i]);
      ++i;
      ++j;
    }
  }
  return relate_internal::SentenceScore(shared, sa, sb);
}

}  // namespace storyline
