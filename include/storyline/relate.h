// Copyright storyline authors.
//
// Relations and provenance: how two articles relate, the evidence, and which one
// is the original. docs/relations.md gives the decision rule and its calibration.
//
// Two articles, once:
//   storyline::CompareResult r = storyline::Compare(a, b, {});
//   Print(RelationName(r.relation), r.original, r.scores, r.shared_passages);
//
// Many articles (story clustering, pair scoring): analyse each article once, keep
// a TermStats of the corpus at hand, and compare the analysed forms:
//   storyline::TermStats stats;                       // backed by the shipped table
//   auto fa = storyline::AnalyzeArticle(a);           // tokenised, stemmed, quotes...
//   stats.Add(fa);                                     // the corpus grows online
//   double s = storyline::StorySimilarity(fa, fb, stats);
//
// Everything here is pure and thread-safe unless a declaration says otherwise.
// Nothing throws; bad input (empty text, one word, unbalanced quote marks, very
// long texts) gives empty evidence and an `unrelated`/low-score answer.
#ifndef STORYLINE_RELATE_H_
#define STORYLINE_RELATE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "storyline/article.h"
#include "storyline/relation.h"
#include "storyline/status.h"

namespace storyline {

class BoilerplateFilter;

// ---- Quotes ----------------------------------------------------------------

// A direct quote. Offsets are bytes into the text given to ExtractQuotes (for
// ArticleFeatures: Article::text), end exclusive, and cover the quoted words
// without the quote marks. A quote that runs over paragraphs (the typographic
// convention: no closing mark at the end of a paragraph, an opening mark at the
// start of the next) is one Quote whose `text` joins the parts with a space.
struct Quote {
  std::string text;              // the quoted words (inner quote marks kept as written)
  uint32_t begin = 0;            // offset of the first quoted byte
  uint32_t end = 0;              // offset one past the last quoted byte
  std::string speaker;           // who said it, resolved where the text allows ("KCNA",
                                 // "Yoon"); empty when the text names nobody
  std::string speaker_evidence;  // the words naming the speaker as written
                                 // ("the KCNA article stated", "it said"); may be empty
  uint32_t words = 0;            // number of words in `text`
  // True for short scare quotes ("natural", "a messenger"): fewer than 4 words.
  // They are kept (they are evidence too) but weigh less.
  bool fragment() const { return words < 4; }
};

// Direct quotes of `text` in order: straight ("), curly (“ ”), guillemets (« »)
// and low-high („ “) marks; single curly marks (‘ ’) inside a quote are nested
// quotes and stay part of it. An opening mark with no closing mark in its
// paragraph (and no continuation) is not a quote: unbalanced marks never swallow
// the rest of the text. Returns an empty vector when there is none.
std::vector<Quote> ExtractQuotes(std::string_view text);

// ---- Names -------------------------------------------------------------------

// What a name (or a story's key term) is. One vocabulary for relate, the story
// engine and the store; NameKindName() gives the one spelling every output uses.
enum class NameKind : uint8_t {
  kPerson,        // "person"
  kPlace,         // "place"
  kOrganisation,  // "organisation"
  kName,          // "name": a name of unknown kind (an event, a document, ...)
  kTerm,          // "term": a key term, not a name
};

// "person", "place", "organisation", "name" or "term".
std::string_view NameKindName(NameKind kind);

// A name mentioned in a text: a run of capitalised words ("Kim Jong Un",
// "Vostochny Cosmodrome"), an organisation ("U.N. Security Council"), an acronym
// ("KCNA"). A title before a name ("President Yoon Suk Yeol") marks a person
// and is not part of the name. Shorter mentions of a longer person name ("Yoon")
// are counted under the longer one.
struct Name {
  std::string text;  // as first written in full ("Yoon Suk Yeol")
  NameKind kind = NameKind::kName;
  uint32_t count = 0;  // mentions, including the shorter ones
  uint32_t first = 0;  // byte offset of the first mention in the text
};

// The names of `text`, most mentioned first (ties: first mention first).
// Capitalisation-based, so it works for Latin, Greek and Cyrillic scripts;
// scripts without case (Arabic, Chinese) give no names.
std::vector<Name> ExtractNames(std::string_view text);

// ---- Provenance hints -----------------------------------------------------

// What an article says about where it comes from.
struct ProvenanceHint {
  std::string agency;        // wire agency credited: "Reuters", "AP", "AFP", ... or ""
  bool dateline = false;     // opens with a wire dateline: "SEOUL (Reuters) -", "PARIS (AFP) -"
  bool credit = false;       // carries a wire credit line: "(Reporting by ...)", "Writing by"
  std::string byline;        // author named in the text ("By Jane Doe") or Article::author
  bool attribution = false;  // credits another outlet for its material:
                             // "according to Reuters", "as reported by", "told Reuters"
                             // (a derived article's usual marks)
  // Originality in [0,1]: how much the text itself looks like an original wire
  // report (dateline + credit ~0.9, nothing 0.5, "as reported by X" lower).
  double originality = 0.5;
};

// Reads the provenance marks of an article text (the first and last lines
// mostly). `author` may be empty.
ProvenanceHint ExtractProvenance(std::string_view text, std::string_view author = {});

// ---- Analysed articles ----------------------------------------------------

// One sentence: byte span in Article::text and its word range in `tokens`.
struct SentenceSpan {
  uint32_t begin = 0, end = 0;          // bytes in the text
  uint32_t tok_begin = 0, tok_end = 0;  // indices into ArticleFeatures::tokens
};

// A weighted term: the 64-bit hash of a stem (see TermHash) and its count.
struct TermCount {
  uint64_t term = 0;
  uint32_t count = 0;
};

// An article analysed once, for any number of comparisons. Built by
// AnalyzeArticle; immutable afterwards, so many threads may read it. Holds a copy
// of the text (offsets in it equal offsets in Article::text). Copyable, but not
// small (a few times the text size): pass by const reference.
struct ArticleFeatures {
  std::string id;
  std::string title;
  std::string text;      // Article::text, as given
  std::string lang;      // Article::lang, else detected, else ""
  bool stemmed = false;  // a Snowball stemmer existed for `lang`
  Timestamp published_ts = kNoTime;

  // Byte ranges of `text` set aside as boilerplate (BoilerplateFilter::Clean).
  std::vector<std::pair<uint32_t, uint32_t>> boilerplate;

  // Every word outside boilerplate, in order: hash of its normalised form (what
  // verbatim matching compares) and its byte span in `text`.
  std::vector<uint64_t> tokens;
  std::vector<std::pair<uint32_t, uint32_t>> token_spans;
  // Per token: the hash of its stem when a content word, 0 for stop words,
  // numbers and punctuation-only tokens. Parallel to `tokens`.
  std::vector<uint64_t> stems;
  std::vector<SentenceSpan> sentences;

  std::vector<TermCount> terms;  // stemmed content words, sorted by `term`
  uint32_t content_words = 0;    // sum of terms[].count
  // The lead: the title and the first 60 content words (what a story is about),
  // sorted by `term`.
  std::vector<TermCount> lead_terms;
  // The head: the first 10 content words of the title (when the text does not
  // start with it) and the text, sorted by `term`: the headline's words.
  std::vector<TermCount> head_terms;
  // Character 4-grams of the content words (first 20k bytes), sorted by `term`:
  // robust to compounds, inflection and cognates across languages.
  std::vector<TermCount> char_grams;
  std::vector<uint64_t> name_keys;  // TermHash of each name token (sorted, unique)
  std::vector<Name> names;
  std::vector<uint64_t> numbers;  // hashes of normalised numbers >= 10 or decimals (sorted, unique)
  std::vector<int> years;         // 1900..2099 mentioned (sorted, unique)
  std::vector<Quote> quotes;      // outside boilerplate
  ProvenanceHint provenance;
  uint64_t content_hash = 0;  // ContentHash of the words (storyline/text.h); 0: none
};

struct AnalyzeOptions {
  // Boilerplate filter to use (it may have Observed the source). nullptr: a
  // default per-article filter. Not owned; must outlive the call.
  const BoilerplateFilter* filter = nullptr;
  // Texts longer than this many bytes are analysed on their first max_bytes only
  // (cut at a UTF-8 boundary), keeping time and memory bounded.
  size_t max_bytes = 4u << 20;
};

// Analyses an article: boilerplate, words, stems, sentences, names, numbers,
// quotes, provenance. An empty text gives features with no tokens. Thread-safe.
ArticleFeatures AnalyzeArticle(const Article& article, const AnalyzeOptions& options = {});

// The hash a stem (or name token) is known by in TermStats and ArticleFeatures.
uint64_t TermHash(std::string_view stem);

// ---- Term statistics ------------------------------------------------------

// Document frequencies: the background table shipped with storyline (word
// frequencies of public English news text, data/background_df.tsv, built by
// scripts/build-background-df, compiled into the library) plus counts from the
// corpus at hand, added online. Reading (Idf, documents) may happen from many
// threads at once; Add must not run concurrently with anything else.
// Copyable (the background table is shared, immutable).
class TermStats {
 public:
  // Starts with the background table (use_background = false: empty).
  explicit TermStats(bool use_background = true);
  // Copies and moves take a new version (see version_).
  TermStats(const TermStats& o);
  TermStats(TermStats&& o) noexcept;
  TermStats& operator=(const TermStats& o);
  TermStats& operator=(TermStats&& o) noexcept;
  // Counts the document's distinct terms and name tokens.
  void Add(const ArticleFeatures& doc);
  // Smoothed inverse document frequency: ln((N + 1) / (df + 1)) + 1, N and df
  // summing background and corpus. Unknown terms get the highest value.
  double Idf(uint64_t term) const;
  // The weight of a term of a text in `lang`: for a language other than English
  // (the background's), once at least 20 documents of that language were added,
  // N and df come from those documents alone and the weight is the probabilistic
  // IDF max(0, ln((N - df + 0.5) / (df + 0.5))): a word in half of the language's
  // documents weighs 0, so that a language's function words count for nothing
  // even without a stop-word list. Otherwise the same as Idf(term).
  double Idf(uint64_t term, std::string_view lang) const;
  // The smoothed IDF ln((N + 1) / (df + 1)) + 1 with the same N and df as
  // Idf(term, lang) (the classic TF-IDF weight; TfIdfCosine, the baseline, uses it).
  double SmoothIdf(uint64_t term, std::string_view lang) const;
  // Documents counted (background + added).
  uint64_t documents() const;
  // Documents added with Add.
  uint64_t added() const { return added_; }
  // Entries of the background table (0 when not used).
  size_t background_terms() const;

  // Everything Add has counted, for a snapshot (the background table ships with
  // the code): each list sorted by key, so equal counts give equal snapshots.
  struct Counts {
    uint64_t added = 0;
    std::vector<std::pair<uint64_t, uint32_t>> corpus;        // term -> documents
    std::vector<std::pair<uint64_t, uint32_t>> lang_corpus;   // (language, term) -> documents
    std::vector<std::pair<std::string, uint64_t>> lang_docs;  // language -> documents
  };
  Counts ExportCounts() const;
  // Replaces what Add has counted with `counts` (an ExportCounts()): Idf then
  // answers as in the TermStats exported.
  void ImportCounts(const Counts& counts);
  // Heap bytes of the added counts.
  size_t HeapBytes() const;

 private:
  struct Table;
  // N and df among the added documents of `lang` (not English, 20+ documents).
  bool LanguageDf(uint64_t term, std::string_view lang, double* n, double* df) const;
  // Key -> count, open addressing with linear probing (the keys are hashes
  // already); key 0 is kept apart (0 marks an empty slot).
  class CountTable {
   public:
    uint32_t Get(uint64_t key) const;
    void Increment(uint64_t key);
    void Set(uint64_t key, uint32_t count);
    // Every (key, count), sorted by key.
    std::vector<std::pair<uint64_t, uint32_t>> Sorted() const;
    size_t HeapBytes() const { return slots_.capacity() * sizeof(slots_[0]); }

   private:
    uint32_t* Slot(uint64_t key);  // inserted with count 0 when absent
    void Grow();
    std::vector<std::pair<uint64_t, uint32_t>> slots_;  // size a power of two (or 0)
    size_t used_ = 0;
    uint32_t zero_ = 0;  // the count of key 0
  };
  std::shared_ptr<const Table> background_;  // shared, immutable
  CountTable corpus_;                        // term -> documents added
  // (language, term) -> documents added, for languages other than English
  CountTable lang_corpus_;
  std::unordered_map<std::string, uint64_t> lang_docs_;  // language -> documents added
  uint64_t added_ = 0;
  // Names the counts' current state, unique across all TermStats of the process
  // (new on construction, copy, move and Add): Idf keeps its recent answers in a
  // per-thread cache under (version, term).
  uint64_t version_ = 0;
};

// ---- Similarity -----------------------------------------------------------

// The parts of story similarity, each in [0,1].
struct SimilarityParts {
  double cosine = 0;      // TF-IDF cosine of stemmed content words (names and numbers
                          // carry it across languages)
  double lead = 0;        // the same cosine over the leads (title + first 60 content words)
  double head = 0;        // the same cosine over the heads (first 10 content words: the headline)
  double chars = 0;       // TF-IDF cosine of character 4-grams of content words
  double names = 0;       // IDF-weighted overlap of name tokens
  double numbers = 0;     // overlap of numbers and years
  double quotes = 0;      // share of the shorter side's quoted words found in the other
  double rare = 0;        // IDF-weighted overlap of the pair's rarer raw tokens (any
                          // script, unstemmed; numbers and Latin-script names carry it
                          // across languages)
  double translated = 0;  // across languages with a dictionary (German-English): the
                          // TF-IDF cosine once one side's words are translated
  bool has_dictionary = false;  // a dictionary for this language pair was found
                                // (Debian trans-de-en); `translated` is 0 otherwise
  double time = 1;              // 1 when dates are unknown or close, down to 0.5 at months apart
  bool cross_lingual = false;   // different languages or no stemmer: no cosine
  double score = 0;             // the combination: StorySimilarity's value
};

// Story similarity in [0,1]: do a and b report the same story? Combines the parts
// above (docs/relations.md gives the formula and its calibration). Symmetric,
// deterministic, thread-safe.
SimilarityParts StorySimilarityParts(const ArticleFeatures& a, const ArticleFeatures& b,
                                     const TermStats& stats);
double StorySimilarity(const ArticleFeatures& a, const ArticleFeatures& b, const TermStats& stats);

// Plain TF-IDF cosine over stemmed content words: the baseline the evaluation
// reports next to StorySimilarity.
double TfIdfCosine(const ArticleFeatures& a, const ArticleFeatures& b, const TermStats& stats);

// Sentence-level "same content" score in [0,1] of two short texts (one sentence
// each), as the alignment uses it; two sentences say the same thing when the
// score reaches kSameContentThreshold (calibrated on MRPC).
double SentenceSimilarity(std::string_view a, std::string_view b, const TermStats& stats,
                          std::string_view lang = "en");
inline constexpr double kSameContentThreshold = 0.5;

// Story similarity from which two articles are the same story, and from which
// they are related (same topic). Calibrated on SemEval-2022 Task 8 (labels <= 2
// same story, <= 3 related); docs/relations.md.
inline constexpr double kSameStoryThreshold = 0.46;
inline constexpr double kRelatedThreshold = 0.38;

// ---- Relations ------------------------------------------------------------

// Relation, RelationName, ParseRelation and IsDerived: storyline/relation.h.

// A passage the two texts share. Offsets are bytes into each Article::text.
struct SharedPassage {
  uint32_t a_start = 0, a_end = 0;
  uint32_t b_start = 0, b_end = 0;
  std::string text;      // the passage as written in a
  bool verbatim = true;  // false: near-verbatim sentences aligned after stemming
  double score = 1;      // 1 for verbatim; the sentence similarity otherwise
};

// A quote found in both articles.
struct SharedQuote {
  std::string text;     // as written in a
  std::string speaker;  // a's speaker, else b's
  uint32_t a_begin = 0, a_end = 0, b_begin = 0, b_end = 0;
  double overlap = 1;  // share of the shorter quote's words found verbatim in the other
};

struct CompareOptions {
  // Document frequencies to weight terms with; nullptr: the background table only.
  const TermStats* stats = nullptr;
  // Verbatim passages shorter than this many words are not reported.
  uint32_t min_passage_words = 8;
  // Report near-verbatim sentence pairs as passages too.
  bool sentence_alignment = true;
};

struct CompareResult {
  std::string a, b;                          // the article ids
  Relation relation = Relation::kUnrelated;  // spelled by RelationName
  // For derived relations: "a" or "b", the one the other derives from; "" otherwise.
  std::string original;
  // Named scores, all in [0,1] (ordered by name for stable output): similarity,
  // cosine, names, numbers, quotes, time, containment_a (share of a's words found
  // in b's passages), containment_b, verbatim (shingle Jaccard), aligned_a,
  // aligned_b (share of sentences aligned), order (agreement of the aligned order),
  // originality_a, originality_b.
  std::map<std::string, double> scores;
  std::vector<SharedPassage> shared_passages;  // ordered by a_start
  std::vector<SharedQuote> quotes;             // shared quotes, ordered by a_begin
  std::string reason;                          // one line: why this relation and this original
};

// Relates two analysed articles. Thread-safe; O(n + m) plus the sentence pairs
// that share a rare term.
CompareResult Compare(const ArticleFeatures& a, const ArticleFeatures& b,
                      const CompareOptions& options = {});
// Convenience: analyses both, then compares.
CompareResult Compare(const Article& a, const Article& b, const CompareOptions& options = {});

// Serialises a CompareResult as INTERFACE.md's compare object:
// {"a","b","relation","original","scores":{...},"shared_passages":[...],"quotes":[...]}
// (`original` is null when there is none; quotes carry text, speaker and offsets).
std::string CompareResultToJson(const CompareResult& r);

// ---- Provenance over a set -----------------------------------------------

// For a set of articles: which one each derived article comes from.
struct Derivation {
  int of = -1;  // index into the input of the article it derives from; -1 = an original
  Relation relation = Relation::kUnrelated;  // its relation to `of`
  double score = 0;                          // the similarity to `of`
};

// Names the original of every derived article in `articles` (pairwise Compare,
// then each derived pair points from the less to the more original side; chains
// are followed to their root, so `of` is always an original). Quadratic in the
// set size: meant for a story's members (tens), not a whole feed. Thread-safe.
std::vector<Derivation> FindOriginals(const std::vector<const ArticleFeatures*>& articles,
                                      const CompareOptions& options = {});

// ---- Scoring many pairs ---------------------------------------------------

// One line of a pairs file (INTERFACE.md `similarity`).
struct ArticlePair {
  std::string id_a, text_a, id_b, text_b;
  std::string lang_a, lang_b;  // optional ("lang_a"/"lang_b" fields)
};

// Streams {"id_a","text_a","id_b","text_b"} JSONL records from a file ("-" =
// standard input). A bad line (unparsable, a missing or empty text) goes to
// `on_reject` as "FILE:LINE: reason" material and is skipped. Not thread-safe;
// not copyable (owns the open file).
class PairReader {
 public:
  struct Reject {
    std::string file;
    uint64_t line = 0;
    std::string reason;
    std::string raw;
  };
  // NotFound / IoError naming the path when it cannot be opened.
  static Result<std::unique_ptr<PairReader>> Open(const std::string& path,
                                                  std::function<void(const Reject&)> on_reject);
  virtual ~PairReader() = default;
  PairReader(const PairReader&) = delete;
  PairReader& operator=(const PairReader&) = delete;
  // Next good pair; false at the end; a non-ok Result on a read error.
  virtual Result<bool> Next(ArticlePair* out) = 0;
  virtual uint64_t rejected() const = 0;

 protected:
  PairReader() = default;
};

struct PairScore {
  double score = 0;  // StorySimilarity
  Relation relation = Relation::kUnrelated;
};

// One line of `similarity`'s output (no newline): {"id_a","id_b","score","relation"}
// (INTERFACE.md). Shared by the CLI and the Python module so the two never drift apart.
std::string PairScoreJson(std::string_view id_a, std::string_view id_b, const PairScore& s);

// Scores pairs batch by batch on `threads` threads (0 = all cores). The corpus
// statistics grow with every batch (its articles are added, in input order,
// before the batch is scored), so results depend on the input and the batch
// size, never on the thread count. Not thread-safe: one caller.
class PairScorer {
 public:
  explicit PairScorer(int threads = 0);
  ~PairScorer();
  PairScorer(const PairScorer&) = delete;
  PairScorer& operator=(const PairScorer&) = delete;
  // Scores `batch`, results in the same order.
  std::vector<PairScore> ScoreBatch(const std::vector<ArticlePair>& batch);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace storyline

#endif  // STORYLINE_RELATE_H_
