// Copyright storyline authors.
//
// The story engine's state (StoryEngine::Impl) and what its parts share: members,
// stories, topics, the sparse sums they keep (centroid.cc), and the engine's
// helpers. The parts: index.cc (the inverted index: candidates), score.cc (an article against a
// story), stories.cc (joining, relating, merging, retiring), topics.cc, split.cc, add.cc (AddDoc:
// one article's decision), present.cc, memory.cc, snapshot.cc; engine.cc holds the public
// StoryEngine entry points.
#ifndef STORYLINE_STORY_ENGINE_IMPL_H_
#define STORYLINE_STORY_ENGINE_IMPL_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "story/serial.h"
#include "story/story_internal.h"
#include "storyline/relate.h"
#include "storyline/story.h"

namespace storyline::engine_internal {

using story_internal::Dot;
using story_internal::SparseVec;
using story_internal::StoryDoc;
// A centroid: (key, weight) sorted by key, a flat map (lookups by merge, no hashing;
// the weights are summed per key in member order, as a hash map would).
using CentroidMap = SparseVec;

inline constexpr int64_t kDay = 86400;
// Pairs less alike than this are not compared for copies and rewrites (a derived
// article shares most of its words; Compare is the costly step).
inline constexpr double kCompareMinCosine = 0.45;
// The same-event probability is lowered by the time factor only when the article's
// own date is read with day or month evidence (year-level guesses are too noisy).
inline constexpr double kEventDateConfidence = 0.5;

struct Member {
  std::string id;
  Relation relation = Relation::kOriginal;
  std::string of;
  double score = 1;
  uint64_t seq = 0;
  Timestamp time = kNoTime;  // published or estimated
  std::string date_evidence;
  double date_confidence = 0;
  std::shared_ptr<StoryDoc> doc;  // live analysis; null once dropped
  SparseVec tv, nv, numv, lv;     // weighted vectors at join time (lv: the lead's terms)
  SparseVec sv;                   // salient names (for topics)
  // Names mentioned at least twice, as token keys with a weight: a different
  // event's main actors are missing from the story (NameTokens).
  std::vector<std::pair<std::vector<uint64_t>, float>> main_names;
  // Same-event probabilities with earlier members of its story (their seq), as
  // the split checks computed them (each pair computed once while both are live).
  std::vector<std::pair<uint64_t, float>> pe;
};

// Lower-cased word keys of a name ("Tony Thompson" -> {tony, thompson}).
std::vector<uint64_t> NameTokens(std::string_view name);

// Candidate stories with their scores, best first (ties: the lower id).
using Scored = std::vector<std::pair<double, int64_t>>;

// Members naming each name token: (token, count) sorted by token.
using TokenCounts = std::vector<std::pair<uint64_t, uint32_t>>;

struct Story {
  int64_t id = -1;
  int64_t topic = -1;
  size_t original = 0;  // index into members
  std::vector<Member> members;
  CentroidMap centroid, names, numbers, salient;
  TokenCounts name_tokens;  // token -> members naming it (sorted by token)
  // The members' main names (token keys) -> (members with it as a main name, weight).
  std::map<std::vector<uint64_t>, std::pair<uint32_t, float>> main_names;
  double cnorm = 0, nnorm = 0, numnorm = 0;
  Timestamp last_feed = kNoTime;
  Timestamp date_min = kNoTime, date_max = kNoTime;  // over dated members
  std::vector<uint64_t> posted;                      // keys under which the story is in the index
  std::vector<int64_t> merged_from;
  // Stories split from this one or it from them: never merged with it again.
  std::vector<int64_t> split_from;
  uint32_t next_topic_check = 2;
  // Members with a live analysis, and an index before which no member but the
  // original has one (where dropping the oldest analysis starts looking). Derived
  // from `members`; not in the snapshot.
  size_t live = 0;
  size_t drop_from = 0;
};

struct Topic {
  int64_t id = -1;
  CentroidMap centroid, names;
  double cnorm = 0, nnorm = 0;
  std::vector<int64_t> stories;
  Timestamp last_feed = kNoTime;
  std::vector<uint64_t> posted;
};

// A story as its topic's timeline shows it (kept for retired stories too).
struct StoryBrief {
  std::string title;
  Timestamp first_seen = kNoTime;
  int64_t topic = -1;
};

// The article's sparse vector against a centroid (both sorted by key).
inline double DotMap(const SparseVec& a, const CentroidMap& m) { return Dot(a, m); }

inline bool StrictlySorted(const SparseVec& v) {
  for (size_t i = 1; i < v.size(); ++i) {
    if (!(v[i - 1].first < v[i].first)) return false;
  }
  return true;
}

// m[k] += w for every (k, w) of v: present keys in place, new keys merged in from
// the back (no allocation beyond the vector's growth).
void AddInto(CentroidMap* m, const SparseVec& v);

// Keeps the `cap` heaviest entries once the map holds more than twice that.
inline void Cap(CentroidMap* m, size_t cap) {
  if (m->size() <= 2 * cap) return;
  std::nth_element(m->begin(), m->begin() + cap, m->end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  m->resize(cap);
  std::sort(m->begin(), m->end());
}

// Top-n entries by weight, ties by key (deterministic: keys are unique).
inline void TopN(const SparseVec& v, size_t n, SparseVec* out) {
  auto heavier = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  *out = v;
  if (out->size() > n) {
    std::nth_element(out->begin(), out->begin() + n, out->end(), heavier);
    out->resize(n);
  }
  std::sort(out->begin(), out->end(), heavier);
}
inline SparseVec TopN(const SparseVec& v, size_t n) {
  SparseVec out;
  TopN(v, n, &out);
  return out;
}

// The name tokens of all the names of an article, sorted and unique: the
// analysis made them already (StoryDoc::name_words splits, lower-cases and hashes
// the words of every name as NameTokens does).
inline std::vector<uint64_t> DocNameTokens(const StoryDoc& doc) { return doc.name_words; }

inline bool Contains(const std::vector<uint64_t>& sorted, uint64_t k) {
  return std::binary_search(sorted.begin(), sorted.end(), k);
}

inline bool HasToken(const TokenCounts& c, uint64_t k) {
  auto it = std::lower_bound(c.begin(), c.end(), k,
                             [](const auto& e, uint64_t key) { return e.first < key; });
  return it != c.end() && it->first == k;
}

// ++c[k] for every k of `keys` (sorted, unique): merged in from the back.
void CountTokens(TokenCounts* c, const std::vector<uint64_t>& keys);

// 1 when the dates are unknown or within a month; down to 0.4 a year apart.
inline double TimeFactor(Timestamp t, double conf, Timestamp lo, Timestamp hi) {
  if (t == kNoTime || lo == kNoTime || conf < 0.3) return 1.0;
  int64_t gap = t < lo ? lo - t : t > hi ? t - hi : 0;
  double days = static_cast<double>(gap) / kDay;
  if (days <= 30) return 1.0;
  return std::max(0.4, 1.0 - 0.6 * (days - 30) / 335.0);
}
}  // namespace storyline::engine_internal

namespace storyline {

struct StoryEngine::Impl {
  using CentroidMap = engine_internal::CentroidMap;
  using Member = engine_internal::Member;
  using Scored = engine_internal::Scored;
  using SparseVec = engine_internal::SparseVec;
  using Story = engine_internal::Story;
  using StoryBrief = engine_internal::StoryBrief;
  using StoryDoc = engine_internal::StoryDoc;
  using Topic = engine_internal::Topic;

  StoryOptions opt;
  TermStats stats{true};
  story_internal::TemplateModel templates;  // recurring formats learned from the feed
  Timestamp clock = kNoTime;
  uint64_t seq = 0;
  int64_t next_story = 1, next_topic = 1;
  std::map<int64_t, Story> stories;                 // active
  std::map<int64_t, Topic> topics;                  // active
  std::set<std::pair<Timestamp, int64_t>> by_time;  // (last_feed, story) of active stories
  std::unordered_map<uint64_t, std::vector<int64_t>> postings;        // key -> stories
  std::unordered_map<uint64_t, std::vector<int64_t>> topic_postings;  // key -> topics
  std::unordered_map<uint64_t, int64_t> content;  // content hash -> active story
  std::map<int64_t, int64_t> merged_into;
  std::map<int64_t, StoryView> retired;
  std::map<int64_t, TopicView> retired_topics;
  std::unordered_map<int64_t, StoryBrief> briefs;
  std::vector<MergeRecord> merges;
  std::function<void(const StoryView&)> on_retire;
  std::set<int64_t> changed_stories, changed_topics;
  std::vector<MergeRecord> changed_merges;
  std::vector<MoveRecord> moves, changed_moves;
  EngineStats st;
  // Scratch of AddDoc: the best candidates' member scores from the member pass,
  // reused by the same-event check (capacity kept across articles).
  // A live member against the article: ScoreMember and its three cosines (the
  // same-event check takes them again).
  struct NearMember {
    double score;
    size_t i;
    double tc, nc, mc;
  };
  struct NearMembers {
    int64_t story = -1;
    std::vector<NearMember> members;
  };
  std::vector<NearMembers> near_cache;
  std::vector<NearMember> near_scratch;

  // The cosines of the arriving article with the members it met (the member pass,
  // the same-event check, Relate, the split and merge checks look at many of the
  // same members): each computed once per article. An entry is valid while `art`
  // is the article's seq (seqs are unique: no clearing between articles).
  enum VecKind { kTermVec = 0, kNameVec = 1, kNumberVec = 2, kLeadVec = 3 };
  struct PairMemo {
    uint64_t art = ~uint64_t{0};
    uint64_t seq = 0;
    double dot[4] = {0, 0, 0, 0};
    uint8_t have = 0;  // bit k: dot[k] is known
  };
  static constexpr size_t kMemoSlots = 512;  // a power of two
  static constexpr size_t kMemoMax = kMemoSlots / 2;
  mutable std::vector<PairMemo> memo_ = std::vector<PairMemo>(kMemoSlots);
  mutable size_t memo_used_ = 0;
  uint64_t memo_art_ = ~uint64_t{0};  // the arriving article's seq

  static const SparseVec& VecOf(const Member& x, int kind) {
    return kind == kTermVec ? x.tv : kind == kNameVec ? x.nv : kind == kNumberVec ? x.numv : x.lv;
  }
  // Dot of the two members' vectors of `kind`; remembered when one of them is the
  // arriving article (the same value either way: each product of two floats is
  // exact in double and the products are summed in key order).
  double PairDot(const Member& x, const Member& y, int kind) const {
    const Member* other = x.seq == memo_art_ ? &y : y.seq == memo_art_ ? &x : nullptr;
    if (!other || other->seq == memo_art_) {
      return engine_internal::Dot(VecOf(x, kind), VecOf(y, kind));
    }
    const size_t mask = kMemoSlots - 1;
    size_t h = static_cast<size_t>((other->seq * 0x9e3779b97f4a7c15ULL) >> 40) & mask;
    while (memo_[h].art == memo_art_ && memo_[h].seq != other->seq) h = (h + 1) & mask;
    PairMemo& e = memo_[h];
    if (e.art == memo_art_ && (e.have >> kind & 1)) return e.dot[kind];
    const double d = engine_internal::Dot(VecOf(x, kind), VecOf(y, kind));
    if (e.art != memo_art_) {
      if (memo_used_ >= kMemoMax) return d;  // full: not remembered
      ++memo_used_;
      e.art = memo_art_;
      e.seq = other->seq;
      e.have = 0;
    }
    e.dot[kind] = d;
    e.have |= static_cast<uint8_t>(1u << kind);
    return d;
  }

  NearMember Near(const Member& x, size_t i, const Member& m) const {
    const double tc = PairDot(m, x, kTermVec), nc = PairDot(m, x, kNameVec),
                 mc = PairDot(m, x, kNumberVec);
    // As ScoreMember.
    return {opt.term_weight * tc + opt.name_weight * nc + opt.number_weight * mc, i, tc, nc, mc};
  }

  explicit Impl(StoryOptions o) : opt(o) {}

  int64_t Resolve(int64_t id) const {
    for (auto it = merged_into.find(id); it != merged_into.end(); it = merged_into.find(id)) {
      id = it->second;
    }
    return id;
  }

  // ---- Index ----------------------------------------------------------------

  static void Post(std::unordered_map<uint64_t, std::vector<int64_t>>* idx, uint64_t key,
                   int64_t id, size_t cap, std::vector<uint64_t>* posted);

  static void Unpost(std::unordered_map<uint64_t, std::vector<int64_t>>* idx,
                     const std::vector<uint64_t>& keys, int64_t id);

  // Stories are found by their rarest words; topics (broader) by more of them.
  size_t NTerms(bool topic) const { return topic ? 3 * opt.query_terms : opt.query_terms; }
  size_t NNames(bool topic) const { return topic ? 24 : 8; }

  // The heaviest terms and names of a vector pair: what it is looked up and posted by.
  struct Query {
    SparseVec terms, names;
  };
  Query MakeQuery(const SparseVec& tv, const SparseVec& nv, bool topic) const;
  static std::vector<uint64_t> QueryKeys(const Query& q);
  std::vector<uint64_t> QueryKeys(const SparseVec& tv, const SparseVec& nv, bool topic) const;

  // Candidate ids by summed posting hits, best first. Each id's hits are summed in
  // the order of the query's keys, in a reused open-addressing table.
  std::vector<int64_t> Candidates(const std::unordered_map<uint64_t, std::vector<int64_t>>& idx,
                                  const Query& q);
  std::vector<int64_t> Candidates(const std::unordered_map<uint64_t, std::vector<int64_t>>& idx,
                                  const SparseVec& tv, const SparseVec& nv, bool topic);
  // Scratch of Candidates (the engine is single-threaded).
  struct HitCell {
    int64_t id = 0;
    double sum = 0;    // the id's hits (summed weights)
    uint32_t gen = 0;  // the cell is in use in call `gen`
  };
  std::vector<HitCell> table_;
  uint32_t gen_ = 0;
  std::vector<std::pair<const std::vector<int64_t>*, float>> lists_buf_;
  std::vector<std::pair<double, int64_t>> order_buf_;
  std::vector<uint32_t> cells_buf_;

  // ---- Scores ---------------------------------------------------------------

  // `mine`: DocNameTokens of the member's doc when the caller has them.
  void AddNameTokens(Story* s, const Member& m, const std::vector<uint64_t>* mine = nullptr);

  // Share (by weight) of the article's main names that the story never names.
  // `mine`: DocNameTokens of the member's doc (empty without one).
  double MissingMainNames(const Story& s, const Member& m, const std::vector<uint64_t>& mine) const;

  // The article against the story's live members closest to it (original and
  // newest 16 looked at; the `event_members` best by vector score): the highest
  // probability that they report the same event, not only the same topic
  // (story_internal::SameEventProbability: dates, key names, figures). `enough`:
  // a member whose probability cannot exceed it (by its bound, without the
  // disagreements) is not compared in full; the result is then at most `enough`.
  // `cached`: the members' scores when the member pass already computed them.
  double SameEvent(const Story& s, const Member& m, double enough,
                   const std::vector<NearMember>* cached);

  // The highest same-event probability between two stories: each one's original
  // and newest live members against the other's (at most 4 x 4 pairs), so that a
  // merge needs evidence that the two report one event (opt.merge_event_min).
  double StoriesSameEvent(const Story& a, const Story& b) const;

  // Whether two vectors hold the same entries, bit for bit.
  static bool SameEntries(const SparseVec& a, const SparseVec& b);
  // Dot of the article's vector of `kind` with a story's sum of them. The sums of a
  // story of one member (not capped) are that member's vectors: then it is the
  // member's cosine, remembered for the member pass (the same value).
  double StoryDot(const Member& m, const Story& s, const SparseVec& sum, int kind) const;

  // The article against a story's sums, by the time factor of their dates.
  double ScoreStory(const Story& s, const Member& m) const;

  double ScoreMember(const Member& m, const SparseVec& tv, const SparseVec& nv,
                     const SparseVec& numv) const;

  // ---- Stories --------------------------------------------------------------

  void Refresh(Story* s);

  void Touch(Story* s);

  // `keys`: QueryKeys(m.tv, m.nv, false) and `mine`: DocNameTokens of m's doc,
  // when the caller has them.
  void AddMember(Story* s, Member m, const std::vector<uint64_t>* keys = nullptr,
                 const std::vector<uint64_t>* mine = nullptr);

  // Relation of a new member to its story: compares it with the story's original
  // and its closest live member. May make the new member the story's original.
  void Relate(Story* s, Member* m, double score);

  // `m` (not yet in s->members) becomes the original; the old original and the
  // members derived from it are re-related to m.
  void ReplaceOriginal(Story* s, Member* m, const CompareResult& r_old);

  // ---- Topics ---------------------------------------------------------------

  void TopicAdd(Topic* t, const Member& m);

  // The best topic for story `s` other than `exclude`, with its score.
  std::pair<int64_t, double> BestTopic(const Story& s, int64_t exclude);

  void AssignTopic(Story* s);
  // Adds *s to the existing topic `tid`: its story list (capped), its terms and
  // names, and the story's brief; marks the topic changed.
  void JoinTopic(Story* s, int64_t tid);

  // A long-running topic lists its newest 256 stories, and of its retired stories
  // only those first seen within the topic window of the feed's clock: its
  // timeline's memory is bounded by the window, not by the length of the feed.
  void CapTopic(Topic* t);

  // A story that opened its own topic may, once it has grown, belong to another.
  void RecheckTopic(Story* s);

  // ---- Merges and eviction ---------------------------------------------------

  // `from`'s members, sums and history move into `into`; `from` is gone after.
  void Merge(Story* into, Story* from, const std::string& by);

  // Retires the stories idle beyond the active window of the clock, and (every
  // 1024th article) the topics idle beyond the topic window with no active story.
  void Evict();

  // Drops an active story from the index and the content map; its view goes to
  // on_retire and, with keep_retired, to `retired`.
  void Retire(int64_t id);

  // ---- Splits (revision inside the pass) ---------------------------------------

  // Whether a story of `n` members is checked for a split after a join: every join
  // while small, then at every 4th member (bounded work per article).
  static bool SplitCheckAt(size_t n) { return n >= 3 && (n <= 16 || n % 4 == 0); }

  // Groups the story's newest live members (and its original) by average link over
  // their pairwise same-event probabilities; every group of at least
  // split_min_group members without the original leaves for a new story. Returns
  // the ids of the new stories (empty: no split).
  std::vector<int64_t> MaybeSplit(Story* s, const std::string& by);
  // The members a split check examines (member indices, oldest first): the newest
  // split_members live ones and the original.
  std::vector<size_t> SplitExamined(const Story& s) const;
  // Pairwise same-event probabilities of the examined members (n x n, symmetric,
  // 1 on the diagonal): cached in the later member (by position) of each pair;
  // entries of members no longer examined are dropped.
  std::vector<double> SplitProbabilities(Story* s, const std::vector<size_t>& idx);
  // The groups (positions in idx) that leave: without the original, of at least
  // split_min_group members. As member indices, ascending, oldest group first.
  std::vector<std::vector<size_t>> LeavingGroups(
      const Story& s, const std::vector<size_t>& idx,
      const std::vector<std::vector<size_t>>& groups) const;
  // Moves the leaving members out of `s` (its sums rebuilt from the rest).
  std::vector<std::vector<Member>> TakeLeaving(Story* s,
                                               const std::vector<std::vector<size_t>>& leaving);
  // A new story of `group` (its first member the original), split from `s`, with
  // its topic; the moves are recorded except the arriving article's (`by`).
  int64_t OpenSplitStory(Story* s, std::vector<Member> group, const std::string& by);

  // Whether the two stories were split from each other (ids followed through merges).
  bool SplitApart(const Story& a, const Story& b) const;

  // Recomputes a story's sums, names, dates and bookkeeping from its members
  // (after members left it).
  void RebuildStory(Story* s, const std::string& orig_id);

  // ---- Adding ---------------------------------------------------------------

  // Places one article: it joins the best candidate story scoring at least
  // join_threshold after the re-scoring passes below, or opens a new story.
  Assignment AddDoc(StoryDoc&& doc);
  // The article as a member: its vectors (with the term statistics of this moment),
  // main names and analysis; takes the next seq.
  Member MakeMember(StoryDoc&& doc);
  // The stories the index proposes (an exact copy's story first, scored at least 1),
  // scored against their sums.
  Scored ScoreCandidates(const Member& m, const Query& query);
  // A close match with one member counts too (a copy of one member of a large
  // story), but only as much as the centroid allows: for the best four candidates,
  // against their original and newest live members (bounded work). Fills
  // near_cache; returns the entries filled.
  size_t BlendNearestMembers(const Member& m, Scored* scored);
  // The best three candidates: relate's calibrated pair similarity with their
  // closest live members blends in by member_weight (names, numbers, quotes, time
  // at pair level).
  void BlendPairSimilarity(const Member& m, Scored* scored);
  // Main names of the article that the story never mentions (a look-alike event)
  // lower the score by conflict_weight.
  void PenaliseMissingNames(const Member& m, const std::vector<uint64_t>& mine, Scored* scored);
  // Same event, not only the same topic: the best four candidates' scores blend by
  // event_weight with the same-event probability against their closest members.
  void BlendSameEvent(const Member& m, size_t near_used, Scored* scored);
  // A story of one member stands on one pair of texts: joining it needs a margin
  // more (a wrong first join mixes two look-alike events for good). Returns the
  // stories whose score carries the margin (the reported score does not).
  std::vector<int64_t> ApplySingleMemberMargin(Scored* scored);
  // An article written to a recurring format joins only a story that names most
  // of its title's slot words (the same company, the same market); without slot
  // words, only a story of the same day. The shared skeleton is no evidence.
  void RequireSlotNames(const Member& m, Scored* scored);
  // Whether a story names most of the slot words of the other's original when
  // that one is written to a recurring format (both ways): else no merge.
  bool SlotsAgree(const Story& a, const Story& b) const;
  // The article joins the best candidate; then the runner-up may merge in, the
  // story may split, and its topic may be checked again.
  Assignment JoinStory(Member m, const Scored& scored, const std::vector<int64_t>& margined,
                       const std::vector<uint64_t>& query_keys, const std::vector<uint64_t>& mine);
  // The article opens a new story and links it to a topic.
  Assignment OpenStory(Member m, const std::vector<uint64_t>& query_keys,
                       const std::vector<uint64_t>& mine);
  // A second story above the threshold, itself close to `s` and reporting the same
  // event, merges with it (into the older). Returns the story holding `s` now.
  Story* MergeRunnerUp(Story* s, const Scored& scored, const std::string& by);
  // The split check after a join; returns the story now holding the article `by`.
  Story* SplitAfterJoin(Story* s, const std::string& by);

  // ---- Presenting -------------------------------------------------------------

  // The story as the API shows it: members (the original first), sources, key
  // names and terms, quotes, summary, and a timeline with the topic's other stories.
  StoryView Present(const Story& s) const;
  // The topic's other stories (their briefs) on the story's timeline.
  void AddTopicTimeline(const Story& s, StoryView* v) const;
  TopicView PresentTopic(const Topic& t) const;
  std::string TopicLabel(const Topic& t) const;

  // ---- Snapshot ---------------------------------------------------------------

  // Reads the state after the format tag of a snapshot (StoryEngine::Snapshot) into
  // this fresh engine. False when the blob is damaged or truncated; `blob_size`
  // bounds the counts read.
  bool Load(story_internal::ByteReader* r, size_t blob_size);
};

}  // namespace storyline

#endif  // STORYLINE_STORY_ENGINE_IMPL_H_
