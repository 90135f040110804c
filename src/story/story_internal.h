// Copyright storyline authors.
//
// The story engine's internal pieces, shared by the engine (engine_impl.h), analyze.cc
// and the evaluation tools: an analysed article (relate's features plus its date and
// weighted vectors) and the sparse-vector helpers.
#ifndef STORYLINE_STORY_STORY_INTERNAL_H_
#define STORYLINE_STORY_STORY_INTERNAL_H_

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "storyline/article.h"
#include "storyline/dates.h"
#include "storyline/relate.h"
#include "storyline/story.h"

namespace storyline::story_internal {

// (key, weight) sorted by key.
using SparseVec = std::vector<std::pair<uint64_t, float>>;

// A unit of an article's text for recurring formats (templates.cc): a table row,
// a paragraph or a sentence, as the byte span of its words, with the key of its
// skeleton (its words in order, every word with a digit masked) and its word count.
struct TemplateUnit {
  uint64_t key = 0;
  uint64_t exact = 0;  // its words as written, figures too
  uint32_t begin = 0, end = 0;
  uint32_t words = 0;
};

// What of an article is the skeleton of a recurring format, and so no evidence
// of its story: the byte spans of its template units (blanked), and the title's
// slot words (the title kept) when the title is masked.
struct TemplateMask {
  std::vector<std::pair<uint32_t, uint32_t>> spans;
  bool title_masked = false;
  std::string title;
  bool empty() const { return spans.empty() && !title_masked; }
};

// An article analysed for the story engine: relate's features (computed on any
// thread) and its date. The weighted vectors are filled in order by the engine,
// with the term statistics of that moment (so the result does not depend on threads).
struct StoryDoc {
  Article meta;  // text kept (relations and summaries need it)
  ArticleFeatures f;
  DateEstimate date;  // its publication date (EstimateDate; the engine bounds it)
  // The date of what it reports (EstimateReportedDate): for CompareSpecifics only.
  DateEstimate reported;
  // Lower-cased word keys (TermHash) of its names, sorted and unique: of every name,
  // and of its key names (mentioned twice or more, or in the first 400 bytes: the
  // event's actors and places). For CompareSpecifics.
  std::vector<uint64_t> name_words, key_name_words;
  // The lead (the text up to its 40th content word): the word keys of the names
  // first mentioned there (who the event is about), and the numbers written there
  // (token hashes: the toll, the score, the age, the magnitude); and every number
  // token of the text. Sorted, unique. For CompareSpecifics.
  std::vector<uint64_t> lead_name_words, lead_numbers, numbers;
  // The weights of key_name_words and lead_name_words (parallel): their idf in the
  // shipped background table, fixed at analysis (no statistics lookups when
  // comparing; the analysis thread pays for them).
  std::vector<float> key_name_idf, lead_name_idf;
  // SalientNameVector(f) (depends on the text alone: made with the analysis).
  SparseVec salient;
  // Its units for recurring formats, the keys of its title's words (a word with
  // a digit masked) with their byte spans in the title, and the key of the whole
  // title (0: no title words). Made with the analysis (TemplateUnits).
  std::vector<TemplateUnit> units;
  std::vector<uint64_t> title_words;
  std::vector<std::pair<uint32_t, uint32_t>> title_spans;
  uint64_t title_key = 0;
  // Set by the engine in feed order: the skeleton the feed had learned when the
  // article arrived, and the analysis of the article without it (null: nothing
  // masked). Scores, names and relations read the evidence (EvidenceOf); the
  // presentation reads the whole article.
  TemplateMask mask;
  std::shared_ptr<const StoryDoc> evidence;
  // Of an evidence: the name-word keys of the title's slot words (what tells two
  // articles of one format apart: the company, the market), sorted, unique; also
  // in name_words.
  std::vector<uint64_t> slot_words;
};

// What an article's scores and relations are computed from: its analysis with
// the recurring format's skeleton set aside, or the whole one.
inline const StoryDoc& EvidenceOf(const StoryDoc& d) { return d.evidence ? *d.evidence : d; }

// The units and title keys of an analysed article (fills d->units, title_words,
// title_spans, title_key). Thread-safe.
void TemplateUnits(StoryDoc* d);

// The analysis of `d` with `mask` applied: the template units blanked (offsets
// kept), the title replaced by its slot words; the date and content hash of `d`.
std::shared_ptr<const StoryDoc> MaskedEvidence(const StoryDoc& d, const TemplateMask& mask);

// Recurring formats learned from the feed itself, in feed order: how many
// distinct articles had each unit skeleton, each whole title, and (among articles
// mostly made of template units) each title word. A unit skeleton counts an
// article only when its figures differ from the last article's with it: a
// sentence that copies of one story repeat word for word is no format. A
// skeleton seen in kTemplateArticles articles or more is template. Bounded memory: past
// kTemplateKeys entries the rarest are dropped.
class TemplateModel {
 public:
  static constexpr uint32_t kTemplateArticles = 3;
  static constexpr size_t kTemplateKeys = size_t{1} << 18;
  // The share of an article's words in template units from which the article
  // is written to a format (its title's frequent words are masked too); so is
  // an article whose units are mostly template (two or more).
  static constexpr double kTemplateShare = 0.5;
  // Among such articles, a title word in this share of their titles (and in
  // kTemplateArticles of them) is part of the format ("qtr", "net", "dividend").
  static constexpr double kTitleWordShare = 0.02;

  // The skeleton of `d` by what was learned before it.
  TemplateMask Find(const StoryDoc& d) const;
  // Counts `d` (its mask as Find gave it).
  void Learn(const StoryDoc& d, const TemplateMask& mask);

  // For the snapshot: every count, sorted by key, and the articles written to a format.
  struct Entry {
    uint64_t key = 0;
    uint32_t count = 0;
    uint64_t last = 0;  // the exact unit last counted (0: none)
  };
  std::vector<Entry> Export() const;
  uint64_t formatted() const { return formatted_; }
  void Import(const std::vector<Entry>& entries, uint64_t formatted);
  size_t HeapBytes() const;

 private:
  uint32_t Count(uint64_t key) const;
  void Prune();
  std::unordered_map<uint64_t, uint32_t> counts_;
  // Unit skeleton -> the exact unit last counted under it.
  std::unordered_map<uint64_t, uint64_t> last_;
  uint64_t formatted_ = 0;  // articles found mostly made of template units
};

}  // namespace storyline::story_internal

namespace storyline {
struct PreparedArticle {
  story_internal::StoryDoc doc;
};
}  // namespace storyline

namespace storyline::story_internal {

// Analyses one article (thread-safe); without `estimate_date` its date is left
// unread (the caller has it).
StoryDoc AnalyzeForStory(const Article& a, bool estimate_date = true);

// Keys of names and numbers live in the same 64-bit space as terms: salt them.
inline uint64_t NameKey(uint64_t k) { return k ^ 0x9e3779b97f4a7c15ULL; }
inline uint64_t NumberKey(uint64_t k) { return k ^ 0xc2b2ae3d27d4eb4fULL; }

// Log-tf * idf weights of a document's terms, L2-normalised, sorted by key.
SparseVec TermVector(const ArticleFeatures& f, const TermStats& stats);
// Idf-weighted binary vector of name keys, L2-normalised.
SparseVec NameVector(const ArticleFeatures& f, const TermStats& stats);
// The names an article is about, whole ("north korea", "vladimir putin"), weighted
// by 1 + ln(mentions), L2-normalised: what topics are linked by (the recurring
// actors matter there, however common they are).
SparseVec SalientNameVector(const ArticleFeatures& f);
// Log-tf * idf weights of its lead's terms (title and first 60 content words: the
// event's actors and its action), L2-normalised, sorted by key.
SparseVec LeadVector(const ArticleFeatures& f, const TermStats& stats);
// Both at once (the same values as TermVector and LeadVector; the idf of a term
// in both is looked up once).
void TermAndLeadVectors(const ArticleFeatures& f, const TermStats& stats, SparseVec* tv,
                        SparseVec* lv);
// Binary vector of numbers and years, L2-normalised.
SparseVec NumberVector(const ArticleFeatures& f);

// Dot of two sorted sparse vectors; the products are summed in key order.
double Dot(const SparseVec& a, const SparseVec& b);
// Euclidean norm (the squares summed in key order).
double Norm(const SparseVec& v);

// Specific facts on which two articles disagree, each in [0, 1] (0: agree or
// unknown): two look-alike events (two earthquakes, two jewellery heists) share
// their topic words but not their dates, places, years and figures.
struct SpecificConflict {
  double date = 0;    // the dates they report (EstimateReportedDate) are months apart
  double name = 0;    // share of each one's key names the other never names (the lesser)
  double year = 0;    // both mention years, none in common
  double number = 0;  // both give figures, none in common
  // Share (by idf) of the names of one lead that the other text never names, for
  // the side missing more / fewer of them.
  double lead_name_max = 0, lead_name_min = 0;
  // Share of the numbers of one lead that the other text never writes (both with
  // numbers), for the side missing more / fewer.
  double lead_number_max = 0, lead_number_min = 0;
};
SpecificConflict CompareSpecifics(const StoryDoc& a, const StoryDoc& b);

// Probability that two articles report the same event (not only the same topic),
// from the cosines of their term, name, number and lead vectors and the disagreement of
// their dates and key names: a logistic model fitted on the pairs of ECB+ train
// texts within one topic (docs/stories.md gives the coefficients).
// `lead_cos`: the cosine of their LeadVectors.
double SameEventProbability(double term_cos, double name_cos, double number_cos, double lead_cos,
                            const SpecificConflict& c);
// Its upper bound for these cosines (no disagreement), to skip CompareSpecifics
// where it cannot matter.
double SameEventBound(double term_cos, double name_cos, double number_cos, double lead_cos);

// An extractive summary of the given members' texts against a centroid:
// 3-5 sentences, original's sentences preferred, redundancy removed.
struct SummaryInput {
  const StoryDoc* doc;
  bool is_original;
};
std::vector<std::string> Summarize(const std::vector<SummaryInput>& members,
                                   const SparseVec& centroid, const TermStats& stats);

// Collapses whitespace runs to single spaces and trims.
std::string CleanSpaces(std::string_view s);

}  // namespace storyline::story_internal

#endif  // STORYLINE_STORY_STORY_INTERNAL_H_
