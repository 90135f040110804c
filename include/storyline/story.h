// Copyright storyline authors.
//
// The story engine: a feed goes in, one article at a time in time order, and comes
// out as stories (an original, its copies and rewrites, its follow-ups) linked into
// long-running topics, each with a title, key names and terms, quotes with their
// speakers, an extractive summary and a timeline. docs/stories.md explains the
// model, the rules and the figures.
//
//   storyline::StoryEngine engine({});
//   for (const Article& a : feed)                  // in order of `published`
//     storyline::Assignment as = engine.Add(a);    // story, topic, relation, of
//   engine.ForEachStory([](const storyline::StoryView& s) { Print(s); });
//
// Or, many articles at once with the per-article analysis on N threads (the
// assignment itself stays sequential, so the result is the same for any N):
//   std::vector<Assignment> as = engine.AddAll(articles, /*threads=*/4);
//
// Online: each article is assigned once, on arrival, to an existing story found
// through an inverted index over the weighted terms and names of the active
// stories (never a scan of every story), or opens a new story. Stories idle for
// `active_window` seconds of feed time leave the active set; memory is bounded by
// the active window (plus, when `keep_retired`, one compact StoryView per retired
// story for presentation at the end).
#ifndef STORYLINE_STORY_H_
#define STORYLINE_STORY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storyline/article.h"
#include "storyline/dates.h"
#include "storyline/relate.h"
#include "storyline/status.h"

namespace storyline {

struct StoryOptions {
  // Feed time (seconds) a story may stay idle before it leaves the active set.
  // Default 7 days; > 0.
  int64_t active_window = int64_t{7} * 86400;
  // Feed time (seconds) over which stories link into a topic. Default 2 years; > 0.
  int64_t topic_window = int64_t{2} * 365 * 86400;
  // An article joins the best candidate story when its score reaches this; else
  // it opens a new story. In [0, 1]; default 0.54 (story_eval tunes it).
  double join_threshold = 0.54;
  // A story links to the best topic whose score reaches this; else it opens a new
  // topic. In [0, 1]; default 0.25.
  double topic_threshold = 0.25;
  // Two active stories merge when an article scores at least join_threshold with
  // both and their centroids score at least this with each other. In [0, 1];
  // default 0.64 (join_threshold + 0.1, as story_eval tunes it).
  double merge_threshold = 0.64;
  // ...and, when this is above 0, the two stories report the same event: the
  // highest same-event probability between each one's original and newest live
  // members reaches this. In [0, 1]; default 0 (off).
  double merge_event_min = 0.0;
  // Weights of the score of an article against a story; >= 0, summing to 1.
  double term_weight = 0.55;    // cosine of stemmed TF-IDF vectors
  double name_weight = 0.35;    // overlap of specific names (people, places, orgs)
  double number_weight = 0.10;  // overlap of specific numbers and dates
  // Share of the score taken from relate's StorySimilarity with the closest live
  // members of the best three candidates. In [0, 1]; default 0 (centroid and
  // vector scores only).
  double member_weight = 0.0;
  // How much an article's main names (mentioned twice or more) that a story never
  // names lower its score there: score *= 1 - conflict_weight * missing share.
  // Two look-alike events differ in exactly these (the other boxer, the other team).
  // In [0, 1]; default 0.9; 0: off.
  double conflict_weight = 0.9;
  // Share of the score taken from the probability that the article and the
  // story's closest live members (the `event_members` best) report the same event,
  // not only the same topic: their term, name, number and lead cosines and the
  // disagreement of their dates, key names and the names and numbers of their
  // leads (docs/stories.md). In [0, 1]; default 0.7; 0: off.
  double event_weight = 0.7;
  // Members compared in that check. >= 1; default 3.
  size_t event_members = 3;
  // In that check, a copy or rewrite of the story's original is not compared when
  // the original itself is among the closest members: it reports nothing its
  // original does not, and a rewrite's added background is no evidence of the
  // event. Default on.
  bool derived_defer_to_original = true;
  // Added to the join threshold for a story of one member (its score stands on a
  // single pair of texts). >= 0; default 0 (off).
  double single_member_margin = 0.0;
  // Revision inside the pass (order robustness): after a join, a story whose live
  // members form groups that report different events splits. The members' pairwise
  // same-event probabilities (the newest `split_members` live ones and the
  // original) are grouped by average link, stopping below `split_threshold`; each
  // group of at least `split_min_group` members without the original leaves for a
  // new story (a MoveRecord per member; the two never merge again). A wrong early
  // join (a look-alike event) then no longer drags its story's later members along.
  // split_threshold in [0, 1], default 0.5, 0: off; split_min_group >= 1, default 5.
  double split_threshold = 0.5;
  size_t split_min_group = 5;
  // ...or, for two groups of split_min_group members or more, when their mean
  // cross probability is below the lesser of their mean inner ones by this much.
  // In [0, 1]; default 0.3; 0: off.
  double split_gap = 0.3;
  // Live members examined by a split check (besides the original). Default 24.
  size_t split_members = 24;
  // Candidate search: terms of an article looked up (topics: three times as many),
  // story postings kept per term, candidates scored in full. Each >= 1.
  size_t query_terms = 12;
  size_t posting_cap = 32;
  size_t max_candidates = 8;
  // Terms kept in a story centroid (names and numbers: half as many); members
  // whose texts are kept for relations. Each >= 1.
  size_t centroid_terms = 160;
  size_t max_live_members = 64;
  // Keep a compact StoryView of each retired story, for ForEachStory at the end.
  // Off for unbounded streams: then a retired story is only passed to on_retire.
  bool keep_retired = true;
  // No date read from a text is later than this (the store passes its clock at
  // ingest), nor later than the newest `published` seen so far. kNoTime: only the
  // feed's bound.
  Timestamp latest_date = kNoTime;
  // Compare articles with relate's pair comparison for relation labels and
  // provenance (needs the texts of live members). Off: cosine rules only.
  bool use_relate = true;
};

// What Add() decided for one article.
struct Assignment {
  std::string id;
  int64_t story = -1;
  int64_t topic = -1;
  // original, duplicate, near-duplicate, rewrite or same-story
  Relation relation = Relation::kOriginal;
  std::string of;    // the id it copies or rewrites; empty for original/same-story
  double score = 0;  // the article's score against its story (1 for an original)
};

struct StoryMemberView {
  std::string id;
  Relation relation = Relation::kOriginal;
  std::string of;  // empty = null
  double score = 0;
  std::string title, source, url;
  Timestamp published = kNoTime;  // `published`, or the date read from the text
  std::string date_evidence;      // "published", or the estimate's method and evidence
  double date_confidence = 0;
  uint64_t seq = 0;  // arrival order in the engine
};

struct StoryQuoteView {
  std::string article_id;
  std::string text;
  std::string speaker;          // empty when unknown
  uint32_t start = 0, end = 0;  // bytes into the member's text
  int shared_by = 1;            // members carrying the same quote
};

struct WeightedTerm {
  std::string term;
  NameKind kind = NameKind::kName;  // spelled by NameKindName()
  double weight = 0;
};

struct TimelineEntry {
  Timestamp time = kNoTime;
  std::string kind;                         // "member" or "story"
  std::string article_id;                   // for a member
  int64_t story = -1;                       // for a story of the same topic
  std::string label;                        // title
  Relation relation = Relation::kOriginal;  // for a member
  std::string evidence;                     // how the time was found
};

// A story as presented. Copyable; owns everything.
struct StoryView {
  int64_t id = -1;
  int64_t topic = -1;
  std::string title;                                    // the original's title
  std::string original;                                 // the original's id
  Timestamp first_seen = kNoTime, last_seen = kNoTime;  // over dated members
  std::vector<StoryMemberView> members;                 // the original first, then by time
  std::vector<std::string> sources;                     // distinct, non-empty, first seen first
  std::vector<WeightedTerm> key_terms;
  std::vector<WeightedTerm> key_names;
  std::vector<StoryQuoteView> quotes;
  std::vector<std::string> summary;     // 3-5 sentences in reading order
  std::vector<TimelineEntry> timeline;  // members and the topic's other stories, by time
  std::vector<int64_t> merged_from;     // stories merged into this one
  bool active = true;
};

struct TopicView {
  int64_t id = -1;
  std::string label;             // the top names/terms shared by its stories
  std::vector<int64_t> stories;  // by first_seen (undated last, by id)
  Timestamp first_seen = kNoTime, last_seen = kNoTime;
};

struct MergeRecord {
  int64_t from = -1, into = -1;
  std::string by_article;  // the article that showed the two to be one
};

// A member moved from one story to another (a story split in two: the members of
// the other event leave for a new story).
struct MoveRecord {
  std::string article;  // the member moved
  int64_t from = -1, to = -1;
  std::string by_article;  // the article whose arrival showed the split
};

// What changed since the last TakeChanges() (for the store).
struct EngineChanges {
  std::vector<int64_t> stories;  // stories touched (created, joined, re-titled)
  std::vector<MergeRecord> merges;
  std::vector<MoveRecord> moves;
  std::vector<int64_t> topics;  // topics created or relabelled
};

struct EngineStats {
  uint64_t articles = 0;
  uint64_t stories = 0;  // created
  uint64_t active_stories = 0;
  uint64_t retired_stories = 0;
  uint64_t topics = 0;
  uint64_t merges = 0;
  uint64_t splits = 0;        // new stories split off
  uint64_t split_checks = 0;  // stories checked for a split
  uint64_t split_pairs = 0;   // member pairs compared by the checks (each once)
  uint64_t candidates_scored = 0;
  uint64_t relate_compares = 0;
};

// Approximate heap bytes of the engine's state, by part, estimated from its
// containers' sizes and capacities (16 bytes of allocator overhead counted per
// allocation). For benchmarks and monitoring: computing it walks the whole state.
struct EngineMemory {
  uint64_t stories = 0;       // active stories: centroids, name counts, members (ids, vectors)
  uint64_t live_docs = 0;     // live members' analyses (texts and features) kept for relations
  uint64_t index = 0;         // story postings, content hashes, recency order, change set
  uint64_t topics = 0;        // topics of the topic window with their postings, story briefs
                              // for timelines, merge records
  uint64_t statistics = 0;    // the document-frequency mirror saved by Snapshot (the term
                              // statistics themselves hold about as much again)
  uint64_t retired = 0;       // retired stories and topics kept for presentation (keep_retired)
  uint64_t total = 0;         // the sum of the above
  uint64_t members = 0;       // members of the active stories
  uint64_t live_members = 0;  // of which with a live analysis
  uint64_t topics_held = 0;   // topics in the topic window
  uint64_t briefs = 0;        // story briefs kept for topic timelines
};

// An article analysed for the engine (relate's features, its date). Opaque; made
// by StoryEngine::Prepare on any thread, consumed by AddPrepared.
struct PreparedArticle;
struct PreparedArticleDeleter {
  void operator()(PreparedArticle* p) const;
};
using PreparedArticlePtr = std::unique_ptr<PreparedArticle, PreparedArticleDeleter>;

// Not thread-safe: one thread calls Add/AddAll/Get*/ForEach* (AddAll uses its own
// worker threads internally for the analysis). Not copyable: it owns the index and
// the live members' analyses.
class StoryEngine {
 public:
  explicit StoryEngine(StoryOptions options);
  ~StoryEngine();
  StoryEngine(const StoryEngine&) = delete;
  StoryEngine& operator=(const StoryEngine&) = delete;

  const StoryOptions& options() const;

  // Assigns one article. Call in feed order (by `published`; input order where
  // absent): the engine's clock is the latest `published` seen. The returned
  // relation/of are as decided now; a later member may turn out to be the story's
  // original (an undated wire story arriving after its rewrites): FinalAssignments()
  // and the StoryViews then report `of` against the new original.
  Assignment Add(const Article& article);

  // Add() in two steps, so the analysis can run elsewhere (other threads, a
  // pipeline) and be timed apart: Prepare is pure and thread-safe; AddPrepared
  // assigns, in feed order, on the engine's thread. Add(a) == AddPrepared(Prepare(a)).
  static PreparedArticlePtr Prepare(const Article& article);
  Assignment AddPrepared(PreparedArticlePtr article);

  // Sorts `articles` stably by published (undated ones keep their input position
  // relative to each other and follow the dated article before them), analyses
  // them on `threads` threads, and adds them in that order. Returns one Assignment
  // per article in the order of `articles`, final (as FinalAssignments()).
  // `progress`, when set, is called on this thread with the number of articles
  // assigned so far, every few hundred articles and at the end.
  std::vector<Assignment> AddAll(const std::vector<Article>& articles, int threads,
                                 const std::function<void(size_t)>& progress = nullptr);

  // The final assignment of every article seen (after merges and re-evaluated
  // originals), in arrival order. Only for the articles of retained stories (all,
  // unless keep_retired is false).
  std::vector<Assignment> FinalAssignments() const;

  // A story by id (following merges). nullopt when unknown or retired without
  // keep_retired.
  std::optional<StoryView> GetStory(int64_t id) const;
  // Every story (active and kept retired ones) by id, then every topic by id.
  void ForEachStory(const std::function<void(const StoryView&)>& fn) const;
  void ForEachTopic(const std::function<void(const TopicView&)>& fn) const;
  std::vector<MergeRecord> merges() const;
  std::vector<MoveRecord> moves() const;

  // Called with each story as it leaves the active set (final from then on).
  void set_on_retire(std::function<void(const StoryView&)> fn);

  EngineChanges TakeChanges();
  EngineStats stats() const;
  // The state's memory by part (see EngineMemory); O(state).
  EngineMemory memory() const;

  // The engine's state (options excluded): the active stories with their live
  // members' analyses, the index, the topics, the counters and the term
  // statistics, as a versioned byte blob. Restore() into a fresh engine made with
  // the same options continues exactly where Snapshot() was taken (same ids, same
  // decisions), without re-reading any article. Retired stories are not in the
  // blob (the store keeps them). Corruption when the blob is damaged or of another
  // version (see kSnapshotFormat).
  std::string Snapshot() const;
  Status Restore(std::string_view blob);
  static constexpr const char* kSnapshotFormat = "storyline-story-v3";

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One line of `storyline cluster` output (INTERFACE.md), without the newline:
// {"id","story","topic","relation","of","score"}; `of` is null when empty.
std::string AssignmentJson(const Assignment& a);

// A readable Markdown report of every story (by topic, topics in order of their
// first story): title, original, members with relation and `of`, sources, first
// and last seen, key names and terms, quotes with speakers, summary, timeline.
std::string StoryReportMarkdown(const StoryEngine& engine);

}  // namespace storyline

#endif  // STORYLINE_STORY_H_
