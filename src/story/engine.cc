// Copyright storyline authors.
//
// The online story engine (include/storyline/story.h; docs/stories.md). One pass:
// each article is scored against the few active stories an inverted index proposes,
// joins the best one above the threshold or opens a new story, and its story links
// to a topic the same way over a longer window.
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "story/serial.h"
#include "story/story_internal.h"

namespace storyline {

using story_internal::AnalyzeForStory;
using story_internal::Dot;
using story_internal::SparseVec;
using story_internal::StoryDoc;
// A centroid: (key, weight) sorted by key, a flat map (lookups by merge, no hashing;
// the weights are summed per key in member order, as a hash map would).
using CentroidMap = SparseVec;

namespace {

constexpr int64_t kDay = 86400;
// Pairs less alike than this are not compared for copies and rewrites (a derived
// article shares most of its words; Compare is the costly step).
constexpr double kCompareMinCosine = 0.45;
// The same-event probability is lowered by the time factor only when the article's
// own date is read with day or month evidence (year-level guesses are too noisy).
constexpr double kEventDateConfidence = 0.5;

struct Member {
  std::string id, relation, of;
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
std::vector<uint64_t> NameTokens(std::string_view name) {
  std::vector<uint64_t> out;
  char buf[64];  // a word lower-cased in place; longer words go through a string
  std::string long_word;
  size_t n = 0;
  auto flush = [&] {
    if (n > sizeof buf)
      out.push_back(TermHash(long_word));
    else if (n >= 2)
      out.push_back(TermHash(std::string_view(buf, n)));
    n = 0;
  };
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u == ' ' || u == '-' || u == '.' || u == '\'' || u == '\n') {
      flush();
      continue;
    }
    char l = static_cast<char>(std::tolower(u));
    if (n < sizeof buf)
      buf[n] = l;
    else {
      if (n == sizeof buf) long_word.assign(buf, n);
      long_word += l;
    }
    ++n;
  }
  flush();
  return out;
}

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
double DotMap(const SparseVec& a, const CentroidMap& m) { return Dot(a, m); }

bool StrictlySorted(const SparseVec& v) {
  for (size_t i = 1; i < v.size(); ++i)
    if (!(v[i - 1].first < v[i].first)) return false;
  return true;
}

// m[k] += w for every (k, w) of v: present keys in place, new keys merged in from
// the back (no allocation beyond the vector's growth).
void AddInto(CentroidMap* m, const SparseVec& v) {
  if (v.empty()) return;
  SparseVec& c = *m;
  if (!StrictlySorted(v)) {  // not expected: the vectors are made sorted and unique
    for (const auto& [k, w] : v) {
      auto it = std::lower_bound(c.begin(), c.end(), k,
                                 [](const auto& e, uint64_t key) { return e.first < key; });
      if (it != c.end() && it->first == k)
        it->second += w;
      else
        c.insert(it, {k, 0.0f + w});
    }
    return;
  }
  size_t fresh = 0;
  size_t i = 0;
  for (const auto& [k, w] : v) {
    while (i < c.size() && c[i].first < k) ++i;
    if (i < c.size() && c[i].first == k)
      c[i].second += w;
    else
      ++fresh;
  }
  if (fresh == 0) return;
  size_t a = c.size(), b = v.size();
  c.resize(a + fresh);
  size_t out = c.size();
  while (b > 0) {
    const auto& e = v[b - 1];
    if (a > 0 && c[a - 1].first > e.first) {
      c[--out] = c[--a];
    } else if (a > 0 && c[a - 1].first == e.first) {
      c[--out] = c[--a];  // added above
      --b;
    } else {
      c[--out] = {e.first, 0.0f + e.second};
      --b;
    }
  }
}

// Keeps the `cap` heaviest entries once the map holds more than twice that.
void Cap(CentroidMap* m, size_t cap) {
  if (m->size() <= 2 * cap) return;
  std::nth_element(m->begin(), m->begin() + cap, m->end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  m->resize(cap);
  std::sort(m->begin(), m->end());
}

// Top-n entries by weight, ties by key (deterministic: keys are unique).
void TopN(const SparseVec& v, size_t n, SparseVec* out) {
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
SparseVec TopN(const SparseVec& v, size_t n) {
  SparseVec out;
  TopN(v, n, &out);
  return out;
}

// The name tokens of all the names of an article, sorted and unique: the
// analysis made them already (StoryDoc::name_words splits, lower-cases and hashes
// the words of every name as NameTokens does).
std::vector<uint64_t> DocNameTokens(const StoryDoc& doc) { return doc.name_words; }

bool Contains(const std::vector<uint64_t>& sorted, uint64_t k) {
  return std::binary_search(sorted.begin(), sorted.end(), k);
}

bool HasToken(const TokenCounts& c, uint64_t k) {
  auto it = std::lower_bound(c.begin(), c.end(), k,
                             [](const auto& e, uint64_t key) { return e.first < key; });
  return it != c.end() && it->first == k;
}

// ++c[k] for every k of `keys` (sorted, unique): merged in from the back.
void CountTokens(TokenCounts* c, const std::vector<uint64_t>& keys) {
  size_t fresh = 0, i = 0;
  for (uint64_t k : keys) {
    while (i < c->size() && (*c)[i].first < k) ++i;
    if (i < c->size() && (*c)[i].first == k)
      ++(*c)[i].second;
    else
      ++fresh;
  }
  if (fresh == 0) return;
  size_t a = c->size(), b = keys.size();
  c->resize(a + fresh);
  size_t out = c->size();
  while (b > 0) {
    uint64_t k = keys[b - 1];
    if (a > 0 && (*c)[a - 1].first > k) {
      (*c)[--out] = (*c)[--a];
    } else if (a > 0 && (*c)[a - 1].first == k) {
      (*c)[--out] = (*c)[--a];
      --b;
    } else {
      (*c)[--out] = {k, 1};
      --b;
    }
  }
}

// 1 when the dates are unknown or within a month; down to 0.4 a year apart.
double TimeFactor(Timestamp t, double conf, Timestamp lo, Timestamp hi) {
  if (t == kNoTime || lo == kNoTime || conf < 0.3) return 1.0;
  int64_t gap = t < lo ? lo - t : t > hi ? t - hi : 0;
  double days = static_cast<double>(gap) / kDay;
  if (days <= 30) return 1.0;
  return std::max(0.4, 1.0 - 0.6 * (days - 30) / 335.0);
}

}  // namespace

struct StoryEngine::Impl {
  StoryOptions opt;
  TermStats stats{true};
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
    if (!other || other->seq == memo_art_) return Dot(VecOf(x, kind), VecOf(y, kind));
    const size_t mask = kMemoSlots - 1;
    size_t h = static_cast<size_t>((other->seq * 0x9e3779b97f4a7c15ULL) >> 40) & mask;
    while (memo_[h].art == memo_art_ && memo_[h].seq != other->seq) h = (h + 1) & mask;
    PairMemo& e = memo_[h];
    if (e.art == memo_art_ && (e.have >> kind & 1)) return e.dot[kind];
    const double d = Dot(VecOf(x, kind), VecOf(y, kind));
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

  explicit Impl(StoryOptions o) : opt(std::move(o)) {}

  int64_t Resolve(int64_t id) const {
    for (auto it = merged_into.find(id); it != merged_into.end(); it = merged_into.find(id))
      id = it->second;
    return id;
  }

  // ---- Index ----------------------------------------------------------------

  static void Post(std::unordered_map<uint64_t, std::vector<int64_t>>* idx, uint64_t key,
                   int64_t id, size_t cap, std::vector<uint64_t>* posted) {
    std::vector<int64_t>& list = (*idx)[key];
    auto it = std::find(list.begin(), list.end(), id);
    if (it != list.end()) {
      list.erase(it);  // move to the recent end
    } else {
      // `posted` holds each key once, sorted: an id pushed out of a capped list and
      // posted again under the same key must not list it twice (it grew with the
      // stream for long-lived topics).
      auto p = std::lower_bound(posted->begin(), posted->end(), key);
      if (p == posted->end() || *p != key) posted->insert(p, key);
    }
    list.push_back(id);
    if (list.size() > cap) list.erase(list.begin());
  }

  static void Unpost(std::unordered_map<uint64_t, std::vector<int64_t>>* idx,
                     const std::vector<uint64_t>& keys, int64_t id) {
    for (uint64_t k : keys) {
      auto it = idx->find(k);
      if (it == idx->end()) continue;
      auto& list = it->second;
      list.erase(std::remove(list.begin(), list.end(), id), list.end());
      if (list.empty()) idx->erase(it);
    }
  }

  // Stories are found by their rarest words; topics (broader) by more of them.
  size_t NTerms(bool topic) const { return topic ? 3 * opt.query_terms : opt.query_terms; }
  size_t NNames(bool topic) const { return topic ? 24 : 8; }

  // The heaviest terms and names of a vector pair: what it is looked up and posted by.
  struct Query {
    SparseVec terms, names;
  };
  Query MakeQuery(const SparseVec& tv, const SparseVec& nv, bool topic) const {
    Query q;
    TopN(tv, NTerms(topic), &q.terms);
    TopN(nv, NNames(topic), &q.names);
    return q;
  }
  static std::vector<uint64_t> QueryKeys(const Query& q) {
    std::vector<uint64_t> keys;
    keys.reserve(q.terms.size() + q.names.size());
    for (const auto& [k, w] : q.terms) keys.push_back(k);
    for (const auto& [k, w] : q.names) keys.push_back(k);
    return keys;
  }
  std::vector<uint64_t> QueryKeys(const SparseVec& tv, const SparseVec& nv, bool topic) const {
    return QueryKeys(MakeQuery(tv, nv, topic));
  }

  // Candidate ids by summed posting hits, best first. Each id's hits are summed in
  // the order of the query's keys, in a reused open-addressing table.
  std::vector<int64_t> Candidates(const std::unordered_map<uint64_t, std::vector<int64_t>>& idx,
                                  const Query& q) {
    size_t most = 0;  // hits at most
    lists_buf_.clear();
    auto find = [&](const SparseVec& top) {
      for (const auto& [k, w] : top) {
        auto it = idx.find(k);
        if (it == idx.end()) continue;
        lists_buf_.emplace_back(&it->second, w);
        most += it->second.size();
      }
    };
    find(q.terms);
    find(q.names);
    order_buf_.clear();
    if (most > 0) {
      size_t cap = 16;
      while (cap < 2 * most) cap *= 2;
      if (table_.size() < cap) {
        table_.assign(cap, HitCell{});
        gen_ = 0;
      }
      const size_t mask = cap - 1;  // the first `cap` cells: a small working set
      if (++gen_ == 0) {            // wrapped: every cell looks fresh again
        std::fill(table_.begin(), table_.end(), HitCell{});
        gen_ = 1;
      }
      // Each id's hits summed in its cell (in the order of the lists, then of the
      // ids in each list); cells_buf_ lists the cells in first-hit order.
      HitCell* const table = table_.data();
      const uint32_t gen = gen_;
      cells_buf_.clear();
      for (const auto& [list, w] : lists_buf_) {
        for (int64_t id : *list) {
          size_t h =
              static_cast<size_t>((static_cast<uint64_t>(id) * 0x9e3779b97f4a7c15ULL) >> 20) & mask;
          while (table[h].gen == gen && table[h].id != id) h = (h + 1) & mask;
          HitCell& c = table[h];
          if (c.gen != gen) {
            c.id = id;
            c.gen = gen;
            c.sum = 0.0;
            cells_buf_.push_back(static_cast<uint32_t>(h));
          }
          c.sum += w;
        }
      }
      order_buf_.reserve(cells_buf_.size());
      for (uint32_t h : cells_buf_) order_buf_.emplace_back(table[h].sum, table[h].id);
    }
    auto better = [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    };
    const size_t n = std::min(order_buf_.size(), opt.max_candidates);
    std::partial_sort(order_buf_.begin(), order_buf_.begin() + n, order_buf_.end(), better);
    std::vector<int64_t> out(n);
    for (size_t i = 0; i < n; ++i) out[i] = order_buf_[i].second;
    return out;
  }
  std::vector<int64_t> Candidates(const std::unordered_map<uint64_t, std::vector<int64_t>>& idx,
                                  const SparseVec& tv, const SparseVec& nv, bool topic) {
    return Candidates(idx, MakeQuery(tv, nv, topic));
  }
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
  void AddNameTokens(Story* s, const Member& m, const std::vector<uint64_t>* mine = nullptr) {
    if (!m.doc) return;
    std::vector<uint64_t> own;
    if (!mine) {
      own = DocNameTokens(*m.doc);
      mine = &own;
    }
    CountTokens(&s->name_tokens, *mine);
    for (const auto& [toks, w] : m.main_names) {
      auto& e = s->main_names[toks];
      ++e.first;
      e.second = std::max(e.second, w);
    }
    if (s->main_names.size() > opt.centroid_terms) {
      for (auto it = s->main_names.begin(); it != s->main_names.end();) {
        if (it->second.first <= 1)
          it = s->main_names.erase(it);
        else
          ++it;
      }
    }
    // Bounded like the centroid: drop single mentions once the map is large.
    if (s->name_tokens.size() > 8 * opt.centroid_terms) {
      s->name_tokens.erase(std::remove_if(s->name_tokens.begin(), s->name_tokens.end(),
                                          [](const auto& e) { return e.second <= 1; }),
                           s->name_tokens.end());
    }
  }

  // Share (by weight) of the article's main names that the story never names.
  // `mine`: DocNameTokens of the member's doc (empty without one).
  double MissingMainNames(const Story& s, const Member& m,
                          const std::vector<uint64_t>& mine) const {
    double miss = 0, total = 0;
    for (const auto& [toks, w] : m.main_names) {
      size_t found = 0;
      for (uint64_t k : toks) found += HasToken(s.name_tokens, k);
      total += w;
      if (2 * found < toks.size() || found == 0) miss += w;
    }
    double doc_side = total > 0 ? miss / total : 0;
    // The other way: the names most of the story's members make their main ones
    // (each member's own main names when the story is new) that the article never names.
    const size_t size = s.members.size();
    double smiss = 0, stotal = 0;
    for (const auto& [toks, e] : s.main_names) {
      if (2 * e.first < size) continue;
      size_t found = 0;
      for (uint64_t k : toks) found += Contains(mine, k);
      stotal += e.second;
      if (2 * found < toks.size() || found == 0) smiss += e.second;
    }
    double story_side = stotal > 0 ? smiss / stotal : 0;
    return 0.5 * (doc_side + story_side);
  }

  // The article against the story's live members closest to it (original and
  // newest 16 looked at; the `event_members` best by vector score): the highest
  // probability that they report the same event, not only the same topic
  // (story_internal::SameEventProbability: dates, key names, figures). `enough`:
  // a member whose probability cannot exceed it (by its bound, without the
  // disagreements) is not compared in full; the result is then at most `enough`.
  // `cached`: the members' scores when the member pass already computed them.
  double SameEvent(const Story& s, const Member& m, double enough,
                   const std::vector<NearMember>* cached) {
    std::vector<NearMember>& near = near_scratch;
    if (cached) {
      near = *cached;
    } else {
      near.clear();
      size_t seen = 0;
      for (size_t i = s.members.size(); i-- > 0 && seen < 16;) {
        const Member& x = s.members[i];
        if (!x.doc || i == s.original) continue;
        ++seen;
        near.push_back(Near(x, i, m));
      }
      if (s.members[s.original].doc) near.push_back(Near(s.members[s.original], s.original, m));
    }
    if (near.empty() || !m.doc) return 0;
    const size_t k = std::min(near.size(), opt.event_members);
    std::partial_sort(near.begin(), near.begin() + k, near.end(),
                      [](const NearMember& a, const NearMember& b) {
                        return a.score != b.score ? a.score > b.score : a.i < b.i;
                      });
    // A copy or rewrite reports nothing its original does not (a rewrite's added
    // background is no evidence of the event): when the original is among the
    // closest members, the members derived from it are not compared (the seeds:
    // the commentary 003 reads like the background paragraphs of the rewrite 000,
    // not like the Reuters story 002).
    bool original_near = false;
    for (size_t i = 0; i < k && opt.derived_defer_to_original; ++i)
      original_near |= near[i].i == s.original;
    double best = 0;
    for (size_t i = 0; i < k; ++i) {
      const Member& x = s.members[near[i].i];
      if (original_near && !x.of.empty()) continue;
      const double tc = near[i].tc, nc = near[i].nc, mc = near[i].mc, lc = PairDot(m, x, kLeadVec);
      const double bound = story_internal::SameEventBound(tc, nc, mc, lc);
      if (bound <= best) continue;
      if (bound <= enough) {
        best = std::max(best, std::min(bound, enough));
        continue;
      }
      story_internal::SpecificConflict c = story_internal::CompareSpecifics(*m.doc, *x.doc);
      best = std::max(best, story_internal::SameEventProbability(tc, nc, mc, lc, c));
    }
    return best;
  }

  // The highest same-event probability between two stories: each one's original
  // and newest live members against the other's (at most 4 x 4 pairs), so that a
  // merge needs evidence that the two report one event (opt.merge_event_min).
  double StoriesSameEvent(const Story& a, const Story& b) const {
    if (opt.merge_event_min <= 0) return 1;
    auto pick = [](const Story& s) {
      std::vector<const Member*> out;
      if (s.members[s.original].doc) out.push_back(&s.members[s.original]);
      for (size_t i = s.members.size(); i-- > 0 && out.size() < 4;)
        if (i != s.original && s.members[i].doc) out.push_back(&s.members[i]);
      return out;
    };
    double best = 0;
    for (const Member* x : pick(a))
      for (const Member* y : pick(b)) {
        const double tc = PairDot(*x, *y, kTermVec), nc = PairDot(*x, *y, kNameVec),
                     mc = PairDot(*x, *y, kNumberVec), lc = PairDot(*x, *y, kLeadVec);
        if (story_internal::SameEventBound(tc, nc, mc, lc) <= best) continue;
        story_internal::SpecificConflict c = story_internal::CompareSpecifics(*x->doc, *y->doc);
        best = std::max(best, story_internal::SameEventProbability(tc, nc, mc, lc, c));
      }
    return best;
  }

  // Whether two vectors hold the same entries, bit for bit.
  static bool SameEntries(const SparseVec& a, const SparseVec& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (a[i].first != b[i].first ||
          std::bit_cast<uint32_t>(a[i].second) != std::bit_cast<uint32_t>(b[i].second))
        return false;
    return true;
  }
  // Dot of the article's vector of `kind` with a story's sum of them. The sums of a
  // story of one member (not capped) are that member's vectors: then it is the
  // member's cosine, remembered for the member pass (the same value).
  double StoryDot(const Member& m, const Story& s, const SparseVec& sum, int kind) const {
    if (s.members.size() == 1 && SameEntries(sum, VecOf(s.members[0], kind)))
      return PairDot(m, s.members[0], kind);
    return DotMap(VecOf(m, kind), sum);
  }

  // The article against a story's sums, by the time factor of their dates.
  double ScoreStory(const Story& s, const Member& m) const {
    double ct = s.cnorm > 0 ? StoryDot(m, s, s.centroid, kTermVec) / s.cnorm : 0;
    double cn = s.nnorm > 0 ? StoryDot(m, s, s.names, kNameVec) / s.nnorm : 0;
    double cm = s.numnorm > 0 ? StoryDot(m, s, s.numbers, kNumberVec) / s.numnorm : 0;
    double score = opt.term_weight * ct + opt.name_weight * cn + opt.number_weight * cm;
    return score * TimeFactor(m.time, m.date_confidence, s.date_min, s.date_max);
  }

  double ScoreMember(const Member& m, const SparseVec& tv, const SparseVec& nv,
                     const SparseVec& numv) const {
    return opt.term_weight * Dot(tv, m.tv) + opt.name_weight * Dot(nv, m.nv) +
           opt.number_weight * Dot(numv, m.numv);
  }

  // ---- Stories --------------------------------------------------------------

  void Refresh(Story* s) {
    Cap(&s->centroid, opt.centroid_terms);
    Cap(&s->names, opt.centroid_terms / 2);
    Cap(&s->numbers, opt.centroid_terms / 2);
    s->cnorm = story_internal::Norm(s->centroid);
    s->nnorm = story_internal::Norm(s->names);
    s->numnorm = story_internal::Norm(s->numbers);
  }

  void Touch(Story* s) {
    by_time.erase({s->last_feed, s->id});
    s->last_feed = clock;
    by_time.insert({s->last_feed, s->id});
    changed_stories.insert(s->id);
  }

  // `keys`: QueryKeys(m.tv, m.nv, false) and `mine`: DocNameTokens of m's doc,
  // when the caller has them.
  void AddMember(Story* s, Member m, const std::vector<uint64_t>* keys = nullptr,
                 const std::vector<uint64_t>* mine = nullptr) {
    AddInto(&s->centroid, m.tv);
    AddInto(&s->names, m.nv);
    AddInto(&s->numbers, m.numv);
    AddInto(&s->salient, m.sv);
    Cap(&s->salient, opt.centroid_terms / 2);
    AddNameTokens(s, m, mine);
    if (m.time != kNoTime && m.date_confidence >= 0.3) {
      s->date_min = s->date_min == kNoTime ? m.time : std::min(s->date_min, m.time);
      s->date_max = s->date_max == kNoTime ? m.time : std::max(s->date_max, m.time);
    }
    if (keys) {
      for (uint64_t k : *keys) Post(&postings, k, s->id, opt.posting_cap, &s->posted);
    } else {
      for (uint64_t k : QueryKeys(m.tv, m.nv, false))
        Post(&postings, k, s->id, opt.posting_cap, &s->posted);
    }
    if (m.doc) {
      content[m.doc->f.content_hash] = s->id;
      ++s->live;
    }
    s->members.push_back(std::move(m));
    // Bound the live analyses: drop the texts of the oldest non-original members.
    size_t i = s->drop_from;
    for (; s->live > opt.max_live_members && i < s->members.size(); ++i) {
      if (i == s->original || !s->members[i].doc) continue;
      auto c = content.find(s->members[i].doc->f.content_hash);
      if (c != content.end() && c->second == s->id) content.erase(c);
      s->members[i].doc.reset();
      --s->live;
    }
    // Members before i have no analysis left (or are the original).
    s->drop_from = i;
    Refresh(s);
    Touch(s);
    briefs[s->id].first_seen = s->date_min;
  }

  // Relation of a new member to its story: compares it with the story's original
  // and its closest live member. May make the new member the story's original.
  void Relate(Story* s, Member* m, double score) {
    m->relation = kSameStory;
    m->of.clear();
    m->score = score;
    Member& orig = s->members[s->original];
    // Closest live member by combined vector score.
    int best = -1;
    double best_sim = -1;
    size_t seen = 0;
    for (size_t i = s->members.size(); i-- > 0 && seen < 32;) {
      const Member& x = s->members[i];
      if (!x.doc) continue;
      ++seen;
      double sim = PairDot(*m, x, kTermVec);
      if (sim > best_sim) {
        best_sim = sim;
        best = static_cast<int>(i);
      }
    }
    if (m->doc && orig.doc && m->doc->f.content_hash == orig.doc->f.content_hash) {
      m->relation = "duplicate";
      m->of = orig.id;
      return;
    }
    if (!opt.use_relate || !m->doc) return;
    std::vector<int> targets;
    if (orig.doc) targets.push_back(static_cast<int>(s->original));
    if (best >= 0 && best != static_cast<int>(s->original) && best_sim >= 0.3)
      targets.push_back(best);
    CompareOptions co;
    co.stats = &stats;
    co.sentence_alignment = true;
    for (int ti : targets) {
      Member& x = s->members[ti];
      if (PairDot(*m, x, kTermVec) < kCompareMinCosine) continue;
      CompareResult r = Compare(m->doc->f, x.doc->f, co);
      ++st.relate_compares;
      if (!IsDerived(r.relation)) continue;
      if (r.original == "b") {
        // m derives from x; x's root is the story's original (or x itself).
        m->relation = r.relation_name;
        m->of = x.of.empty() ? x.id : x.of;
        return;
      }
      if (r.original == "a" && ti == static_cast<int>(s->original)) {
        // The new member is the original of the story's original: it takes over.
        ReplaceOriginal(s, m, r);
        return;
      }
    }
  }

  // `m` (not yet in s->members) becomes the original; the old original and the
  // members derived from it are re-related to m.
  void ReplaceOriginal(Story* s, Member* m, const CompareResult& r_old) {
    const std::string old_id = s->members[s->original].id;
    m->relation = kOriginal;
    m->of.clear();
    CompareOptions co;
    co.stats = &stats;
    for (size_t i = 0; i < s->members.size(); ++i) {
      Member& x = s->members[i];
      if (i == s->original) {
        x.relation = r_old.relation_name;
        x.of = m->id;
        x.score = ScoreMember(x, m->tv, m->nv, m->numv);  // its score against the new original
        continue;
      }
      if (x.of != old_id) continue;
      if (x.doc && m->doc) {
        CompareResult r = Compare(m->doc->f, x.doc->f, co);
        ++st.relate_compares;
        if (IsDerived(r.relation) && r.original != "b") {
          x.relation = r.relation_name;
          x.of = m->id;
          continue;
        }
      }
      // Derived from the old original, which derives from m: keep the label, re-point.
      x.of = m->id;
    }
    // The old original may now lose its analysis like any member.
    s->drop_from = std::min(s->drop_from, s->original);
    s->original = s->members.size();  // m is appended next
    briefs[s->id].title = m->doc ? m->doc->meta.title : "";
  }

  // ---- Topics ---------------------------------------------------------------

  void TopicAdd(Topic* t, const Member& m) {
    AddInto(&t->centroid, m.tv);
    AddInto(&t->names, m.sv);
    Cap(&t->centroid, opt.centroid_terms);
    Cap(&t->names, opt.centroid_terms / 2);
    t->cnorm = story_internal::Norm(t->centroid);
    t->nnorm = story_internal::Norm(t->names);
    t->last_feed = clock;
    for (uint64_t k : QueryKeys(m.tv, m.sv, true))
      Post(&topic_postings, k, t->id, opt.posting_cap, &t->posted);
  }

  // The best topic for story `s` other than `exclude`, with its score.
  std::pair<int64_t, double> BestTopic(const Story& s, int64_t exclude) {
    SparseVec tv, nv;
    // The story's current centroid as a sparse vector (normalised).
    tv.reserve(s.centroid.size());
    for (const auto& [k, w] : s.centroid)
      tv.emplace_back(k, static_cast<float>(w / (s.cnorm > 0 ? s.cnorm : 1)));
    double snorm = story_internal::Norm(s.salient);
    nv.reserve(s.salient.size());
    for (const auto& [k, w] : s.salient)
      nv.emplace_back(k, static_cast<float>(w / (snorm > 0 ? snorm : 1)));
    int64_t best = -1;
    double best_score = 0;
    for (int64_t tid : Candidates(topic_postings, tv, nv, true)) {
      if (tid == exclude) continue;
      auto it = topics.find(tid);
      if (it == topics.end()) continue;
      const Topic& t = it->second;
      if (clock != kNoTime && t.last_feed != kNoTime && clock - t.last_feed > opt.topic_window)
        continue;
      double ct = t.cnorm > 0 ? DotMap(tv, t.centroid) / t.cnorm : 0;
      double cn = t.nnorm > 0 ? DotMap(nv, t.names) / t.nnorm : 0;
      double score = 0.5 * ct + 0.5 * cn;
      if (score > best_score || (score == best_score && tid < best)) {
        best_score = score;
        best = tid;
      }
    }
    return {best, best_score};
  }

  void AssignTopic(Story* s) {
    auto [tid, score] = BestTopic(*s, -1);
    if (tid < 0 || score < opt.topic_threshold) {
      Topic t;
      t.id = next_topic++;
      ++st.topics;
      tid = t.id;
      topics.emplace(tid, std::move(t));
    }
    Topic& t = topics.at(tid);
    t.stories.push_back(s->id);
    CapTopic(&t);
    for (const Member& m : s->members) TopicAdd(&t, m);
    s->topic = tid;
    briefs[s->id].topic = tid;
    changed_topics.insert(tid);
  }

  // A long-running topic lists its newest 256 stories, and of its retired stories
  // only those first seen within the topic window of the feed's clock: its
  // timeline's memory is bounded by the window, not by the feed (an endless topic
  // kept 319,000 briefs over a generated stream of 1M articles).
  void CapTopic(Topic* t) {
    const size_t kMax = 256;
    // With keep_retired every story stays listed (the report groups by topic).
    if (opt.keep_retired) return;
    size_t drop = t->stories.size() > kMax ? t->stories.size() - kMax : 0;
    // The list is in order of joining the topic: drop from the front while the
    // story is retired and older than the window (the newest always stays).
    while (clock != kNoTime && drop + 1 < t->stories.size()) {
      const int64_t sid = t->stories[drop];
      if (stories.count(sid)) break;
      auto b = briefs.find(sid);
      if (b != briefs.end() &&
          (b->second.first_seen == kNoTime || b->second.first_seen >= clock - opt.topic_window))
        break;
      ++drop;
    }
    if (drop == 0) return;
    for (size_t i = 0; i < drop; ++i)
      if (!stories.count(t->stories[i])) briefs.erase(t->stories[i]);
    t->stories.erase(t->stories.begin(), t->stories.begin() + drop);
  }

  // A story that opened its own topic may, once it has grown, belong to another.
  void RecheckTopic(Story* s) {
    auto it = topics.find(s->topic);
    if (it == topics.end() || it->second.stories.size() != 1) return;
    auto [tid, score] = BestTopic(*s, s->topic);
    if (tid < 0 || score < opt.topic_threshold) return;
    Unpost(&topic_postings, it->second.posted, it->first);
    topics.erase(it);
    Topic& t = topics.at(tid);
    t.stories.push_back(s->id);
    CapTopic(&t);
    for (const Member& m : s->members) TopicAdd(&t, m);
    s->topic = tid;
    briefs[s->id].topic = tid;
    changed_topics.insert(tid);
  }

  // ---- Merges and eviction ---------------------------------------------------

  void Merge(Story* into, Story* from, const std::string& by) {
    size_t base = into->members.size();
    Unpost(&postings, from->posted, from->id);
    by_time.erase({from->last_feed, from->id});
    for (Member& m : from->members) {
      if (m.doc) {
        content[m.doc->f.content_hash] = into->id;
        ++into->live;
      }
      if (m.relation == kOriginal) m.relation = kSameStory;
      AddInto(&into->centroid, m.tv);
      AddInto(&into->names, m.nv);
      AddInto(&into->numbers, m.numv);
      AddInto(&into->salient, m.sv);
      AddNameTokens(into, m);
      for (uint64_t k : QueryKeys(m.tv, m.nv, false))
        Post(&postings, k, into->id, opt.posting_cap, &into->posted);
      into->members.push_back(std::move(m));
    }
    (void)base;
    if (from->date_min != kNoTime) {
      into->date_min =
          into->date_min == kNoTime ? from->date_min : std::min(into->date_min, from->date_min);
      into->date_max =
          into->date_max == kNoTime ? from->date_max : std::max(into->date_max, from->date_max);
    }
    into->merged_from.push_back(from->id);
    for (int64_t x : from->split_from)
      if (std::find(into->split_from.begin(), into->split_from.end(), x) == into->split_from.end())
        into->split_from.push_back(x);
    for (int64_t x : from->merged_from) into->merged_from.push_back(x);
    // Its topic forgets it.
    if (auto t = topics.find(from->topic); t != topics.end()) {
      auto& v = t->second.stories;
      v.erase(std::remove(v.begin(), v.end(), from->id), v.end());
      if (v.empty()) {
        Unpost(&topic_postings, t->second.posted, t->first);
        topics.erase(t);
      }
    }
    MergeRecord rec{from->id, into->id, by};
    merges.push_back(rec);
    changed_merges.push_back(rec);
    merged_into[from->id] = into->id;
    briefs.erase(from->id);
    ++st.merges;
    Refresh(into);
    Touch(into);
    changed_stories.erase(from->id);  // no longer active: TakeChanges would skip it
    stories.erase(from->id);
  }

  // ---- Splits (revision inside the pass) ---------------------------------------

  // Whether a story of `n` members is checked for a split after a join: every join
  // while small, then at every 4th member (bounded work per article).
  static bool SplitCheckAt(size_t n) { return n >= 3 && (n <= 16 || n % 4 == 0); }

  // Groups the story's newest live members (and its original) by average link over
  // their pairwise same-event probabilities; every group of at least
  // split_min_group members without the original leaves for a new story. Returns
  // the ids of the new stories (empty: no split).
  std::vector<int64_t> MaybeSplit(Story* s, const std::string& by) {
    std::vector<int64_t> made;
    std::vector<size_t> idx;  // member indices examined, oldest first
    for (size_t i = s->members.size(); i-- > 0 && idx.size() < opt.split_members;)
      if (s->members[i].doc && i != s->original) idx.push_back(i);
    if (s->members[s->original].doc) idx.push_back(s->original);
    std::sort(idx.begin(), idx.end());
    const size_t n = idx.size();
    if (n < 2 * opt.split_min_group || n < 3) return made;
    ++st.split_checks;
    // Pairwise probabilities: cached in the later member (by position) of each
    // pair; entries of members no longer examined are dropped.
    std::vector<double> p(n * n, 1.0);
    std::vector<std::pair<uint64_t, float>> kept;
    for (size_t b = 1; b < n; ++b) {
      Member& y = s->members[idx[b]];
      kept.clear();
      // y.pe lists the members of the last check in their order, which is kept:
      // the search goes on from the last entry found (wrapping round), so each
      // lookup is mostly one step.
      size_t cur = 0;
      const size_t npe = y.pe.size();
      for (size_t a = 0; a < b; ++a) {
        const Member& x = s->members[idx[a]];
        double pr = -1;
        for (size_t t = 0; t < npe; ++t) {
          const size_t u = cur + t < npe ? cur + t : cur + t - npe;
          if (y.pe[u].first == x.seq) {
            pr = y.pe[u].second;
            cur = u + 1 < npe ? u + 1 : 0;
            break;
          }
        }
        if (pr < 0) {
          const double tc = PairDot(x, y, kTermVec), nc = PairDot(x, y, kNameVec),
                       mc = PairDot(x, y, kNumberVec), lc = PairDot(x, y, kLeadVec);
          story_internal::SpecificConflict c = story_internal::CompareSpecifics(*x.doc, *y.doc);
          pr = static_cast<float>(story_internal::SameEventProbability(tc, nc, mc, lc, c));
          ++st.split_pairs;
        }
        kept.emplace_back(x.seq, static_cast<float>(pr));
        p[a * n + b] = p[b * n + a] = pr;
      }
      y.pe.swap(kept);
    }
    // Average link: sums of pair probabilities between groups.
    std::vector<std::vector<size_t>> groups(n);
    for (size_t a = 0; a < n; ++a) groups[a] = {a};
    std::vector<double> sum = p;
    std::vector<bool> alive(n, true);
    std::vector<double> within(n, 0);  // sums of the pair probabilities inside each group
    auto within_avg = [&](size_t g) {
      const double s = static_cast<double>(groups[g].size());
      return s > 1 ? within[g] / (s * (s - 1) / 2) : 1.0;
    };
    auto avg_of = [&](size_t i, size_t j) {
      return sum[i * n + j] / (static_cast<double>(groups[i].size()) * groups[j].size());
    };
    // Each row's best pair: the first alive j > i of the highest average above -1
    // (rj = n: none). The closest pair is the first row's best of the highest
    // value: the first pair (i, j) of that value in scan order, as a scan of all
    // pairs finds; after a merge only the rows it touched are looked at again.
    std::vector<double> rv(n, -1);
    std::vector<size_t> rj(n, n);
    auto rescan = [&](size_t i) {
      rv[i] = -1;
      rj[i] = n;
      for (size_t j = i + 1; j < n; ++j) {
        if (!alive[j]) continue;
        const double avg = avg_of(i, j);
        if (avg > rv[i]) {
          rv[i] = avg;
          rj[i] = j;
        }
      }
    };
    for (size_t i = 0; i < n; ++i) rescan(i);
    for (;;) {
      double best = -1;
      size_t bi = 0, bj = 0;
      for (size_t i = 0; i < n; ++i) {
        if (!alive[i] || rj[i] == n) continue;
        if (rv[i] > best) {
          best = rv[i];
          bi = i;
          bj = rj[i];
        }
      }
      if (best < opt.split_threshold) break;
      // Two groups of some size, each far more alike inside than with the other:
      // two events (look-alikes score high across, but less than within).
      if (opt.split_gap > 0 && groups[bi].size() >= opt.split_min_group &&
          groups[bj].size() >= opt.split_min_group &&
          best < std::min(within_avg(bi), within_avg(bj)) - opt.split_gap)
        break;
      within[bi] += within[bj] + sum[bi * n + bj];
      for (size_t k = 0; k < n; ++k) {
        if (!alive[k] || k == bi || k == bj) continue;
        sum[bi * n + k] += sum[bj * n + k];
        sum[k * n + bi] = sum[bi * n + k];
      }
      groups[bi].insert(groups[bi].end(), groups[bj].begin(), groups[bj].end());
      alive[bj] = false;
      // bi < bj. Row bi changed throughout; rows before bi changed at bi and lost
      // bj; rows between lost bj; rows after bj are untouched.
      rescan(bi);
      for (size_t k = 0; k < bj; ++k) {
        if (!alive[k] || k == bi) continue;
        if (rj[k] == bj || (k < bi && rj[k] == bi)) {
          rescan(k);
        } else if (k < bi) {
          const double avg = avg_of(k, bi);
          if (avg > rv[k] || (avg == rv[k] && avg > -1 && bi < rj[k])) {
            rv[k] = avg;
            rj[k] = bi;
          }
        }
      }
    }
    // Groups leaving: not the original's, large enough.
    const size_t orig_pos =
        static_cast<size_t>(std::find(idx.begin(), idx.end(), s->original) - idx.begin());
    std::vector<std::vector<size_t>> leaving;  // member indices, ascending
    for (size_t g = 0; g < n; ++g) {
      if (!alive[g] || groups[g].size() < opt.split_min_group) continue;
      if (std::find(groups[g].begin(), groups[g].end(), orig_pos) != groups[g].end()) continue;
      std::vector<size_t> mi;
      for (size_t a : groups[g]) mi.push_back(idx[a]);
      std::sort(mi.begin(), mi.end());
      leaving.push_back(std::move(mi));
    }
    if (leaving.empty()) return made;
    // Oldest group first (new ids in order of their first member).
    std::sort(leaving.begin(), leaving.end());
    std::vector<bool> moving(s->members.size(), false);
    for (const auto& g : leaving)
      for (size_t i : g) moving[i] = true;
    std::vector<std::vector<Member>> out(leaving.size());
    for (size_t g = 0; g < leaving.size(); ++g)
      for (size_t i : leaving[g]) out[g].push_back(std::move(s->members[i]));
    // The story keeps the rest; its sums are rebuilt from them.
    std::vector<Member> keep;
    const std::string orig_id = s->members[s->original].id;
    for (size_t i = 0; i < s->members.size(); ++i)
      if (!moving[i]) keep.push_back(std::move(s->members[i]));
    s->members = std::move(keep);
    RebuildStory(s, orig_id);
    for (auto& g : out) {
      Story t;
      t.id = next_story++;
      ++st.stories;
      ++st.splits;
      auto [it, ok] = stories.emplace(t.id, std::move(t));
      Story* tp = &it->second;
      tp->last_feed = clock;
      by_time.insert({clock, tp->id});
      s->split_from.push_back(tp->id);
      tp->split_from.push_back(s->id);
      for (size_t k = 0; k < g.size(); ++k) {
        Member& m = g[k];
        if (m.id != by) {  // the arriving article itself is reported in its new story
          MoveRecord rec{m.id, s->id, tp->id, by};
          moves.push_back(rec);
          changed_moves.push_back(rec);
        }
        if (k == 0) {
          m.relation = kOriginal;
          m.of.clear();
          briefs[tp->id].title = m.doc ? m.doc->meta.title : "";
        } else {
          // `of` named the old story's original: now one story among others.
          m.relation = kSameStory;
          m.of.clear();
        }
        AddMember(tp, std::move(m));
      }
      AssignTopic(tp);
      made.push_back(tp->id);
    }
    for (int64_t a : made)
      for (int64_t b : made)
        if (a != b) stories.at(a).split_from.push_back(b);
    Touch(s);
    return made;
  }

  // Whether the two stories were split from each other (ids followed through merges).
  bool SplitApart(const Story& a, const Story& b) const {
    for (int64_t x : a.split_from)
      if (Resolve(x) == b.id) return true;
    for (int64_t x : b.split_from)
      if (Resolve(x) == a.id) return true;
    return false;
  }

  // Recomputes a story's sums, names, dates and bookkeeping from its members
  // (after members left it).
  void RebuildStory(Story* s, const std::string& orig_id) {
    s->centroid.clear();
    s->names.clear();
    s->numbers.clear();
    s->salient.clear();
    s->name_tokens.clear();
    s->main_names.clear();
    s->date_min = s->date_max = kNoTime;
    s->live = 0;
    s->drop_from = 0;
    s->original = 0;
    for (size_t i = 0; i < s->members.size(); ++i) {
      const Member& m = s->members[i];
      if (m.id == orig_id) s->original = i;
      AddInto(&s->centroid, m.tv);
      AddInto(&s->names, m.nv);
      AddInto(&s->numbers, m.numv);
      AddInto(&s->salient, m.sv);
      Cap(&s->salient, opt.centroid_terms / 2);
      // Capped as they grow, as joins do (Refresh): sums over many members stay small.
      Cap(&s->centroid, opt.centroid_terms);
      Cap(&s->names, opt.centroid_terms / 2);
      Cap(&s->numbers, opt.centroid_terms / 2);
      AddNameTokens(s, m);
      if (m.time != kNoTime && m.date_confidence >= 0.3) {
        s->date_min = s->date_min == kNoTime ? m.time : std::min(s->date_min, m.time);
        s->date_max = s->date_max == kNoTime ? m.time : std::max(s->date_max, m.time);
      }
      s->live += m.doc != nullptr;
    }
    Refresh(s);
    briefs[s->id].first_seen = s->date_min;
  }

  void Evict() {
    if (clock == kNoTime) return;
    while (!by_time.empty()) {
      auto [t, id] = *by_time.begin();
      if (t != kNoTime && clock - t <= opt.active_window) break;
      if (t == kNoTime && clock == kNoTime) break;
      by_time.erase(by_time.begin());
      Retire(id);
    }
    // Topics idle beyond the topic window leave too (checked every 1024 articles:
    // a scan of the active topics, amortised).
    if (seq % 1024 != 0) return;
    for (auto it = topics.begin(); it != topics.end();) {
      if (it->second.last_feed != kNoTime && clock - it->second.last_feed > opt.topic_window) {
        bool has_active = false;
        for (int64_t s : it->second.stories) has_active |= stories.count(s) > 0;
        if (!has_active) {
          if (opt.keep_retired)
            retired_topics[it->first] = PresentTopic(it->second);
          else
            for (int64_t sid : it->second.stories) briefs.erase(sid);
          Unpost(&topic_postings, it->second.posted, it->first);
          it = topics.erase(it);
          continue;
        }
      }
      ++it;
    }
  }

  void Retire(int64_t id) {
    auto it = stories.find(id);
    if (it == stories.end()) return;
    Story& s = it->second;
    Unpost(&postings, s.posted, s.id);
    for (const Member& m : s.members) {
      if (m.doc) {
        auto c = content.find(m.doc->f.content_hash);
        if (c != content.end() && c->second == id) content.erase(c);
      }
    }
    if (opt.keep_retired || on_retire) {
      StoryView v = Present(s);
      v.active = false;
      if (on_retire) on_retire(v);
      if (opt.keep_retired) retired.emplace(id, std::move(v));
    }
    ++st.retired_stories;
    // TakeChanges reports active stories only: forget it there (bounded memory when
    // nobody takes the changes).
    changed_stories.erase(id);
    stories.erase(it);
  }

  // ---- Adding ---------------------------------------------------------------

  Assignment AddDoc(StoryDoc&& doc) {
    ++st.articles;
    const Article& a = doc.meta;
    if (a.published_ts != kNoTime)
      clock = clock == kNoTime ? a.published_ts : std::max(clock, a.published_ts);
    Evict();

    Member m;
    m.id = a.id;
    m.seq = seq++;
    memo_art_ = m.seq;
    memo_used_ = 0;
    m.time = doc.date.time;
    m.date_confidence = doc.date.confidence;
    m.date_evidence = doc.date.method.empty() ? "" : doc.date.method + ": " + doc.date.evidence;
    story_internal::TermAndLeadVectors(doc.f, stats, &m.tv, &m.lv);
    m.nv = story_internal::NameVector(doc.f, stats);
    m.numv = story_internal::NumberVector(doc.f);
    m.sv = doc.salient;
    for (const Name& n : doc.f.names) {
      if (n.count < 2) continue;
      auto toks = NameTokens(n.text);
      if (!toks.empty())
        m.main_names.emplace_back(std::move(toks), 1.0f + std::log(static_cast<float>(n.count)));
    }
    const uint64_t chash = doc.f.content_hash;
    m.doc = std::make_shared<StoryDoc>(std::move(doc));

    // Candidates: an exact copy's story first, then the index.
    const Query query = MakeQuery(m.tv, m.nv, false);
    const std::vector<uint64_t> query_keys = QueryKeys(query);
    const std::vector<uint64_t> mine = DocNameTokens(*m.doc);
    std::vector<int64_t> cands = Candidates(postings, query);
    int64_t copy_of = -1;
    if (auto c = content.find(chash);
        c != content.end() && !m.tv.empty() && stories.count(c->second)) {
      copy_of = c->second;
      if (std::find(cands.begin(), cands.end(), copy_of) == cands.end())
        cands.insert(cands.begin(), copy_of);
    }
    std::vector<std::pair<double, int64_t>> scored;
    for (int64_t id : cands) {
      const Story& s = stories.at(id);
      double sc = ScoreStory(s, m);
      if (id == copy_of) sc = std::max(sc, 1.0);
      scored.emplace_back(sc, id);
      ++st.candidates_scored;
    }
    auto by_score = [](const auto& x, const auto& y) {
      return x.first != y.first ? x.first > y.first : x.second < y.second;
    };
    std::sort(scored.begin(), scored.end(), by_score);
    // A close match with one member counts too (a copy of one member of a large
    // story), but only as much as the centroid allows: for the best few candidates,
    // against their original and newest live members (bounded work).
    size_t near_used = 0;  // near_cache entries filled for this article
    for (size_t c = 0; c < scored.size() && c < 4; ++c) {
      if (scored[c].first >= 1.0) continue;  // an exact copy's story: nothing to add
      const Story& s = stories.at(scored[c].second);
      if (near_cache.size() <= near_used) near_cache.emplace_back();
      NearMembers& near = near_cache[near_used++];
      near.story = s.id;
      near.members.clear();
      double best_member = 0;
      size_t seen = 0;
      for (size_t i = s.members.size(); i-- > 0 && seen < 16;) {
        const Member& x = s.members[i];
        if (!x.doc || i == s.original) continue;
        ++seen;
        near.members.push_back(Near(x, i, m));
        best_member = std::max(best_member, near.members.back().score);
      }
      if (s.members[s.original].doc) {
        near.members.push_back(Near(s.members[s.original], s.original, m));
        best_member = std::max(best_member, near.members.back().score);
      }
      best_member *= TimeFactor(m.time, m.date_confidence, s.date_min, s.date_max);
      double& sc = scored[c].first;
      sc = std::max(sc, 0.5 * (sc + best_member));
    }
    std::sort(scored.begin(), scored.end(), by_score);
    // The best few candidates: relate's calibrated pair similarity with their
    // closest live members blends in (names, numbers, quotes, time at pair level).
    if (opt.member_weight > 0 && !scored.empty()) {
      const size_t k = std::min<size_t>(scored.size(), 3);
      for (size_t c = 0; c < k; ++c) {
        const Story& s = stories.at(scored[c].second);
        std::vector<std::pair<double, const Member*>> near;
        for (const Member& x : s.members) {
          if (x.doc) near.emplace_back(ScoreMember(x, m.tv, m.nv, m.numv), &x);
        }
        std::sort(near.begin(), near.end(), [](const auto& a, const auto& b) {
          return a.first != b.first ? a.first > b.first : a.second->seq < b.second->seq;
        });
        double rel = 0;
        for (size_t i = 0; i < near.size() && i < 3; ++i)
          rel = std::max(rel, StorySimilarity(m.doc->f, near[i].second->doc->f, stats));
        if (scored[c].first < 1.0)
          scored[c].first = (1 - opt.member_weight) * scored[c].first + opt.member_weight * rel;
      }
      std::sort(scored.begin(), scored.end(), [](const auto& x, const auto& y) {
        return x.first != y.first ? x.first > y.first : x.second < y.second;
      });
    }

    // Main names of the article that the story never mentions: a look-alike event.
    if (opt.conflict_weight > 0) {
      for (auto& [sc, id] : scored) {
        if (sc >= 1.0) continue;
        sc *= 1.0 - opt.conflict_weight * MissingMainNames(stories.at(id), m, mine);
      }
      std::sort(scored.begin(), scored.end(), [](const auto& x, const auto& y) {
        return x.first != y.first ? x.first > y.first : x.second < y.second;
      });
    }

    // Same event, not only the same topic: the best few candidates' scores blend
    // with the same-event probability against their closest members.
    if (opt.event_weight > 0) {
      for (size_t c = 0; c < scored.size() && c < 4; ++c) {
        double& sc = scored[c].first;
        if (sc >= 1.0) continue;
        const Story& s = stories.at(scored[c].second);
        const double tf = m.date_confidence >= kEventDateConfidence
                              ? TimeFactor(m.time, m.date_confidence, s.date_min, s.date_max)
                              : 1.0;
        // Below this probability the story stays under the threshold whatever the
        // exact value (then only its bound is taken: same decisions, less work).
        const double enough =
            tf > 0 ? (opt.join_threshold - (1 - opt.event_weight) * sc) / (opt.event_weight * tf)
                   : 1.0;
        const std::vector<NearMember>* cached = nullptr;
        for (size_t k = 0; k < near_used; ++k)
          if (near_cache[k].story == s.id) cached = &near_cache[k].members;
        sc = (1 - opt.event_weight) * sc +
             opt.event_weight * SameEvent(s, m, enough - 1e-9, cached) * tf;
      }
      std::sort(scored.begin(), scored.end(), by_score);
    }

    // A story of one member stands on one pair of texts: joining it needs a
    // margin more (a wrong first join mixes two look-alike events for good).
    // `margined`: the story whose score carries the margin (the reported score
    // does not).
    std::vector<int64_t> margined;
    if (opt.single_member_margin > 0) {
      for (auto& [sc, id] : scored)
        if (sc < 1.0 && stories.at(id).members.size() == 1) {
          sc -= opt.single_member_margin;
          margined.push_back(id);
        }
      std::sort(scored.begin(), scored.end(), by_score);
    }

    stats.Add(m.doc->f);

    Assignment out;
    out.id = m.id;
    if (!scored.empty() && scored[0].first >= opt.join_threshold) {
      Story* s = &stories.at(scored[0].second);
      const bool has_margin = std::find(margined.begin(), margined.end(), s->id) != margined.end();
      const double join_score = scored[0].first + (has_margin ? opt.single_member_margin : 0.0);
      Relate(s, &m, join_score);
      out.score = join_score;
      AddMember(s, std::move(m), &query_keys, &mine);
      // A second story this close, itself close to the first: they are one.
      if (scored.size() > 1 && scored[1].first >= opt.join_threshold) {
        Story* t = &stories.at(scored[1].second);
        SparseVec tv;  // centroids are sorted by key
        tv.reserve(t->centroid.size());
        for (const auto& [k, w] : t->centroid)
          tv.emplace_back(k, static_cast<float>(w / (t->cnorm > 0 ? t->cnorm : 1)));
        SparseVec nv;
        nv.reserve(t->names.size());
        for (const auto& [k, w] : t->names)
          nv.emplace_back(k, static_cast<float>(w / (t->nnorm > 0 ? t->nnorm : 1)));
        double ss = s->cnorm > 0 ? DotMap(tv, s->centroid) / s->cnorm : 0;
        double sn = s->nnorm > 0 ? DotMap(nv, s->names) / s->nnorm : 0;
        if ((opt.term_weight * ss + opt.name_weight * sn) / (opt.term_weight + opt.name_weight) >=
                opt.merge_threshold &&
            StoriesSameEvent(*s, *t) >= opt.merge_event_min && !SplitApart(*s, *t)) {
          Story* older = s->id < t->id ? s : t;
          Story* younger = s->id < t->id ? t : s;
          Merge(older, younger, out.id);
          s = older;
        }
      }
      if (opt.split_threshold > 0 && SplitCheckAt(s->members.size())) {
        for (int64_t t : MaybeSplit(s, out.id)) {
          const Story& ts = stories.at(t);
          for (const Member& x : ts.members)
            if (x.id == out.id) s = &stories.at(t);
        }
      }
      if (s->members.size() >= s->next_topic_check) {
        s->next_topic_check *= 2;
        RecheckTopic(s);
      }
      out.story = s->id;
      out.topic = s->topic;
      const Member& me = *std::find_if(s->members.begin(), s->members.end(),
                                       [&](const Member& x) { return x.id == out.id; });
      out.relation = me.relation;
      out.of = me.of;
    } else {
      Story s;
      s.id = next_story++;
      ++st.stories;
      m.relation = kOriginal;
      m.score = 1;
      out.score = 1;
      out.relation = kOriginal;
      briefs[s.id].title = m.doc->meta.title;
      auto [it, ok] = stories.emplace(s.id, std::move(s));
      Story* sp = &it->second;
      sp->last_feed = clock;
      by_time.insert({clock, sp->id});
      AddMember(sp, std::move(m), &query_keys, &mine);
      AssignTopic(sp);
      out.story = sp->id;
      out.topic = sp->topic;
    }
    return out;
  }

  // ---- Presenting -------------------------------------------------------------

  StoryView Present(const Story& s) const;
  TopicView PresentTopic(const Topic& t) const;
  std::string TopicLabel(const Topic& t) const;
};

// ---- Presentation -------------------------------------------------------------

namespace {

std::string KindName(const std::string& k) {
  if (k == "org") return "organisation";
  if (k == "person" || k == "place") return k;
  return "name";
}

}  // namespace

StoryView StoryEngine::Impl::Present(const Story& s) const {
  StoryView v;
  v.id = s.id;
  v.topic = s.topic;
  v.merged_from = s.merged_from;
  const Member& orig = s.members[s.original];
  v.original = orig.id;
  v.title = orig.doc ? orig.doc->meta.title : "";
  if (v.title.empty()) {
    auto b = briefs.find(s.id);
    if (b != briefs.end()) v.title = b->second.title;
  }
  // Members: the original first, then by time (undated by arrival).
  std::vector<const Member*> ms;
  for (const Member& m : s.members) ms.push_back(&m);
  std::stable_sort(ms.begin(), ms.end(), [&](const Member* a, const Member* b) {
    bool ao = a == &orig, bo = b == &orig;
    if (ao != bo) return ao;
    Timestamp ta = a->time == kNoTime ? INT64_MAX : a->time;
    Timestamp tb = b->time == kNoTime ? INT64_MAX : b->time;
    if (ta != tb) return ta < tb;
    return a->seq < b->seq;
  });
  std::set<std::string> seen_sources;
  for (const Member* m : ms) {
    StoryMemberView mv;
    mv.id = m->id;
    mv.relation = m == &orig ? std::string(kOriginal) : m->relation;
    mv.of = m == &orig ? "" : m->of;
    mv.score = m->score;
    if (m->doc) {
      mv.title = m->doc->meta.title;
      mv.source = m->doc->meta.source;
      mv.url = m->doc->meta.url;
    }
    mv.published = m->time;
    mv.date_evidence = m->date_evidence;
    mv.date_confidence = m->date_confidence;
    mv.seq = m->seq;
    if (m->time != kNoTime && m->date_confidence >= 0.3) {
      v.first_seen = v.first_seen == kNoTime ? m->time : std::min(v.first_seen, m->time);
      v.last_seen = v.last_seen == kNoTime ? m->time : std::max(v.last_seen, m->time);
    }
    if (!mv.source.empty() && seen_sources.insert(mv.source).second) v.sources.push_back(mv.source);
    TimelineEntry te;
    te.time = m->time;
    te.kind = "member";
    te.article_id = m->id;
    te.label = mv.title;
    te.relation = mv.relation;
    te.evidence = m->date_evidence;
    v.timeline.push_back(te);
    v.members.push_back(std::move(mv));
  }
  // Key names: over live members, by members naming them, then mentions.
  struct NameAgg {
    std::string text, kind;
    int members = 0;
    uint32_t mentions = 0;
    size_t first = SIZE_MAX;
  };
  std::map<std::string, NameAgg> names;
  std::unordered_map<uint64_t, std::string> surface;  // stem -> a word as written
  std::vector<story_internal::SummaryInput> sum_in;
  size_t order = 0;
  for (const Member* m : ms) {
    if (!m->doc) continue;
    const ArticleFeatures& f = m->doc->f;
    sum_in.push_back({m->doc.get(), m == &orig});
    std::set<std::string> mine;
    for (const Name& n : f.names) {
      std::string key = story_internal::CleanSpaces(n.text);
      NameAgg& g = names[key];
      if (g.text.empty()) {
        g.text = key;
        g.kind = KindName(n.kind);
        g.first = order++;
      }
      if (mine.insert(key).second) ++g.members;
      g.mentions += n.count;
    }
    for (size_t i = 0; i < f.stems.size() && i < f.token_spans.size(); ++i) {
      if (f.stems[i] == 0 || surface.count(f.stems[i])) continue;
      auto [b, e] = f.token_spans[i];
      std::string w = f.text.substr(b, e - b);
      for (char& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      surface.emplace(f.stems[i], std::move(w));
    }
  }
  std::vector<NameAgg> nv;
  for (auto& [k, g] : names) nv.push_back(g);
  std::sort(nv.begin(), nv.end(), [](const NameAgg& a, const NameAgg& b) {
    if (a.members != b.members) return a.members > b.members;
    if (a.mentions != b.mentions) return a.mentions > b.mentions;
    return a.first < b.first;
  });
  for (size_t i = 0; i < nv.size() && i < 15; ++i) {
    v.key_names.push_back({nv[i].text, nv[i].kind, static_cast<double>(nv[i].mentions)});
  }
  // Key terms: the heaviest centroid terms we can spell.
  std::vector<std::pair<float, uint64_t>> terms;
  for (const auto& [k, w] : s.centroid) terms.emplace_back(w, k);
  std::sort(terms.begin(), terms.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (const auto& [w, k] : terms) {
    if (v.key_terms.size() >= 12) break;
    auto it = surface.find(k);
    if (it == surface.end()) continue;
    v.key_terms.push_back({it->second, "term", w / (s.cnorm > 0 ? s.cnorm : 1)});
  }
  // Quotes: every member's, one entry per quote however each member cuts it ("The
  // foreign policy of the DPRK ... will not be tied to anything" in one, "will not
  // be tied to anything" in another), with the members carrying it; one-word scare
  // quotes ("natural") are left out. Shared quotes first, then full quotes before
  // fragments, then in order of appearance.
  {
    struct QuoteGroup {
      StoryQuoteView view;
      std::vector<std::string> words;     // lower-cased words of the longest variant
      std::unordered_set<uint64_t> runs;  // its 4-word runs, hashed
      std::set<const Member*> members;
      size_t order = 0;
    };
    auto words_of = [](std::string_view t) {
      std::vector<std::string> w;
      std::string cur;
      for (unsigned char c : t) {
        if (std::isalnum(c) || c >= 0x80) {
          cur.push_back(static_cast<char>(std::tolower(c)));
        } else if (!cur.empty()) {
          w.push_back(std::move(cur));
          cur.clear();
        }
      }
      if (!cur.empty()) w.push_back(std::move(cur));
      return w;
    };
    // 4-word runs of a quote, hashed.
    auto runs_of = [](const std::vector<std::string>& w) {
      std::unordered_set<uint64_t> r;
      for (size_t i = 0; i + 4 <= w.size(); ++i) {
        std::string k = w[i] + ' ' + w[i + 1] + ' ' + w[i + 2] + ' ' + w[i + 3];
        r.insert(std::hash<std::string>()(k));
      }
      return r;
    };
    // The same quote: equal words, or (four words or more) most 4-word runs of the
    // shorter found in the longer.
    auto same = [](const QuoteGroup& g, const std::vector<std::string>& w,
                   const std::unordered_set<uint64_t>& runs) {
      if (g.words == w) return true;
      if (runs.empty() || g.runs.empty()) return false;
      size_t hit = 0;
      for (uint64_t h : runs) hit += g.runs.count(h);
      return 2 * hit >= std::min(runs.size(), g.runs.size());
    };
    std::vector<QuoteGroup> groups;
    for (const Member* m : ms) {
      if (!m->doc) continue;
      for (const Quote& q : m->doc->f.quotes) {
        std::vector<std::string> w = words_of(q.text);
        if (w.size() < 2) continue;
        std::unordered_set<uint64_t> runs = runs_of(w);
        QuoteGroup* g = nullptr;
        for (QuoteGroup& cand : groups)
          if (same(cand, w, runs)) {
            g = &cand;
            break;
          }
        StoryQuoteView qv{m->id, story_internal::CleanSpaces(q.text), q.speaker, q.begin, q.end, 1};
        if (!g) {
          groups.push_back({std::move(qv), std::move(w), std::move(runs), {m}, groups.size()});
          continue;
        }
        g->members.insert(m);
        std::string speaker = g->view.speaker.empty() ? q.speaker : g->view.speaker;
        if (w.size() > g->words.size()) {
          g->view = std::move(qv);
          g->words = std::move(w);
          g->runs = std::move(runs);
        }
        g->view.speaker = std::move(speaker);
      }
    }
    std::stable_sort(groups.begin(), groups.end(), [](const QuoteGroup& a, const QuoteGroup& b) {
      if (a.members.size() != b.members.size()) return a.members.size() > b.members.size();
      bool fa = a.words.size() >= 4, fb = b.words.size() >= 4;
      if (fa != fb) return fa;
      return a.order < b.order;
    });
    for (QuoteGroup& g : groups) {
      g.view.shared_by = static_cast<int>(g.members.size());
      v.quotes.push_back(std::move(g.view));
    }
  }
  v.summary = story_internal::Summarize(sum_in, s.centroid, stats);
  // The topic's other stories on the timeline.
  if (auto t = topics.find(s.topic); t != topics.end()) {
    for (int64_t o : t->second.stories) {
      if (o == s.id) continue;
      auto b = briefs.find(o);
      if (b == briefs.end()) continue;
      TimelineEntry te;
      te.time = b->second.first_seen;
      te.kind = "story";
      te.story = o;
      te.label = b->second.title;
      v.timeline.push_back(te);
    }
  }
  std::stable_sort(v.timeline.begin(), v.timeline.end(),
                   [](const TimelineEntry& a, const TimelineEntry& b) {
                     Timestamp ta = a.time == kNoTime ? INT64_MAX : a.time;
                     Timestamp tb = b.time == kNoTime ? INT64_MAX : b.time;
                     return ta < tb;
                   });
  return v;
}

std::string StoryEngine::Impl::TopicLabel(const Topic& t) const {
  // The two names most shared by the topic's stories, as the stories spell them.
  std::vector<std::pair<float, uint64_t>> ns;
  for (const auto& [k, w] : t.names) ns.emplace_back(w, k);
  std::sort(ns.begin(), ns.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::string label;
  for (int64_t sid : t.stories) {
    auto s = stories.find(sid);
    if (s == stories.end()) continue;
    for (const Member& m : s->second.members) {
      if (!m.doc) continue;
      for (const Name& n : m.doc->f.names) {
        if (n.count >= 2 && label.find(n.text) == std::string::npos) {
          if (!label.empty()) label += " - ";
          label += story_internal::CleanSpaces(n.text);
          if (label.size() > 24) return label;
        }
      }
      if (!label.empty()) break;
    }
    if (!label.empty()) break;
  }
  return label;
}

TopicView StoryEngine::Impl::PresentTopic(const Topic& t) const {
  TopicView v;
  v.id = t.id;
  v.label = TopicLabel(t);
  std::vector<std::pair<Timestamp, int64_t>> order;
  for (int64_t s : t.stories) {
    auto b = briefs.find(s);
    Timestamp ts = b == briefs.end() ? kNoTime : b->second.first_seen;
    order.emplace_back(ts == kNoTime ? INT64_MAX : ts, s);
    if (ts != kNoTime) {
      v.first_seen = v.first_seen == kNoTime ? ts : std::min(v.first_seen, ts);
      v.last_seen = v.last_seen == kNoTime ? ts : std::max(v.last_seen, ts);
    }
  }
  std::sort(order.begin(), order.end());
  for (auto& [ts, s] : order) v.stories.push_back(s);
  return v;
}

// ---- StoryEngine ------------------------------------------------------------------

StoryEngine::StoryEngine(StoryOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
StoryEngine::~StoryEngine() = default;

const StoryOptions& StoryEngine::options() const { return impl_->opt; }

void PreparedArticleDeleter::operator()(PreparedArticle* p) const { delete p; }

PreparedArticlePtr StoryEngine::Prepare(const Article& article) {
  return PreparedArticlePtr(new PreparedArticle{AnalyzeForStory(article)});
}

Assignment StoryEngine::AddPrepared(PreparedArticlePtr article) {
  return impl_->AddDoc(std::move(article->doc));
}

Assignment StoryEngine::Add(const Article& article) {
  return impl_->AddDoc(AnalyzeForStory(article));
}

std::vector<Assignment> StoryEngine::AddAll(const std::vector<Article>& articles, int threads,
                                            const std::function<void(size_t)>& progress) {
  std::vector<size_t> order(articles.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  // Undated articles follow the dated one before them: sort by the last known time.
  std::vector<Timestamp> key(articles.size());
  Timestamp last = INT64_MIN;
  for (size_t i = 0; i < articles.size(); ++i) {
    if (articles[i].published_ts != kNoTime) last = articles[i].published_ts;
    key[i] = last;
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key[a] < key[b]; });
  const size_t kBatch = 2048;
  tbb::task_arena arena(std::max(1, threads));
  for (size_t begin = 0; begin < order.size(); begin += kBatch) {
    size_t end = std::min(order.size(), begin + kBatch);
    std::vector<StoryDoc> docs(end - begin);
    arena.execute([&] {
      tbb::parallel_for(begin, end,
                        [&](size_t i) { docs[i - begin] = AnalyzeForStory(articles[order[i]]); });
    });
    for (size_t i = 0; i < docs.size(); ++i) {
      impl_->AddDoc(std::move(docs[i]));
      if (progress && (i % 256 == 255)) progress(begin + i + 1);
    }
  }
  if (progress) progress(articles.size());
  std::unordered_map<std::string, Assignment> final_by_id;
  for (Assignment& a : FinalAssignments()) final_by_id[a.id] = std::move(a);
  std::vector<Assignment> out;
  out.reserve(articles.size());
  for (const Article& a : articles) {
    auto it = final_by_id.find(a.id);
    if (it != final_by_id.end())
      out.push_back(it->second);
    else
      out.push_back(Assignment{a.id, -1, -1, "", "", 0});
  }
  return out;
}

std::vector<Assignment> StoryEngine::FinalAssignments() const {
  std::vector<std::pair<uint64_t, Assignment>> all;
  auto add_view = [&](const StoryView& v) {
    for (const StoryMemberView& m : v.members) {
      all.push_back({m.seq, Assignment{m.id, v.id, v.topic, m.relation, m.of, m.score}});
    }
  };
  for (const auto& [id, v] : impl_->retired) add_view(v);
  for (const auto& [id, s] : impl_->stories) {
    const Member& orig = s.members[s.original];
    for (const Member& m : s.members) {
      bool o = &m == &orig;
      all.push_back({m.seq, Assignment{m.id, s.id, s.topic, o ? kOriginal : m.relation,
                                       o ? "" : m.of, m.score}});
    }
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Assignment> out;
  out.reserve(all.size());
  for (auto& [s, a] : all) out.push_back(std::move(a));
  return out;
}

std::optional<StoryView> StoryEngine::GetStory(int64_t id) const {
  id = impl_->Resolve(id);
  if (auto it = impl_->stories.find(id); it != impl_->stories.end())
    return impl_->Present(it->second);
  if (auto it = impl_->retired.find(id); it != impl_->retired.end()) return it->second;
  return std::nullopt;
}

void StoryEngine::ForEachStory(const std::function<void(const StoryView&)>& fn) const {
  auto r = impl_->retired.begin();
  auto a = impl_->stories.begin();
  while (r != impl_->retired.end() || a != impl_->stories.end()) {
    if (a == impl_->stories.end() || (r != impl_->retired.end() && r->first < a->first)) {
      fn(r->second);
      ++r;
    } else {
      fn(impl_->Present(a->second));
      ++a;
    }
  }
}

void StoryEngine::ForEachTopic(const std::function<void(const TopicView&)>& fn) const {
  std::map<int64_t, TopicView> all(impl_->retired_topics.begin(), impl_->retired_topics.end());
  for (const auto& [id, t] : impl_->topics) all[id] = impl_->PresentTopic(t);
  for (const auto& [id, v] : all) fn(v);
}

std::vector<MergeRecord> StoryEngine::merges() const { return impl_->merges; }
std::vector<MoveRecord> StoryEngine::moves() const { return impl_->moves; }

void StoryEngine::set_on_retire(std::function<void(const StoryView&)> fn) {
  impl_->on_retire = std::move(fn);
}

EngineChanges StoryEngine::TakeChanges() {
  EngineChanges c;
  for (int64_t s : impl_->changed_stories) {
    if (impl_->stories.count(s)) c.stories.push_back(s);
  }
  c.merges = std::move(impl_->changed_merges);
  c.moves = std::move(impl_->changed_moves);
  impl_->changed_moves.clear();
  c.topics.assign(impl_->changed_topics.begin(), impl_->changed_topics.end());
  impl_->changed_stories.clear();
  impl_->changed_merges.clear();
  impl_->changed_topics.clear();
  return c;
}

EngineStats StoryEngine::stats() const {
  EngineStats s = impl_->st;
  s.active_stories = impl_->stories.size();
  return s;
}

// ---- Memory ---------------------------------------------------------------------

namespace {

constexpr uint64_t kMallocOverhead = 16;

uint64_t HeapOf(const std::string& x) {
  // Short strings live inside the object (libstdc++ keeps up to 15 bytes inline).
  return x.capacity() > 15 ? x.capacity() + 1 + kMallocOverhead : 0;
}
template <typename T>
uint64_t HeapOf(const std::vector<T>& v) {
  return v.capacity() ? v.capacity() * sizeof(T) + kMallocOverhead : 0;
}
// Node-based containers: one allocation per element (value, links) plus buckets.
template <typename K, typename V>
uint64_t NodesOf(const std::unordered_map<K, V>& m) {
  return m.size() * (sizeof(std::pair<const K, V>) + 8 + kMallocOverhead) + m.bucket_count() * 8;
}
template <typename C>
uint64_t TreeNodesOf(const C& m) {
  return m.size() * (sizeof(typename C::value_type) + 32 + kMallocOverhead);
}

uint64_t HeapOf(const Article& a) {
  return HeapOf(a.id) + HeapOf(a.title) + HeapOf(a.text) + HeapOf(a.url) + HeapOf(a.source) +
         HeapOf(a.published) + HeapOf(a.lang) + HeapOf(a.author) + HeapOf(a.origin_file);
}

uint64_t HeapOf(const StoryDoc& d) {
  const ArticleFeatures& f = d.f;
  uint64_t b = sizeof(StoryDoc) + 16 + kMallocOverhead;  // make_shared: object and counts
  b += HeapOf(d.meta);
  b += HeapOf(f.id) + HeapOf(f.title) + HeapOf(f.text) + HeapOf(f.lang);
  b += HeapOf(f.boilerplate) + HeapOf(f.tokens) + HeapOf(f.token_spans) + HeapOf(f.stems) +
       HeapOf(f.sentences) + HeapOf(f.terms) + HeapOf(f.lead_terms) + HeapOf(f.char_grams) +
       HeapOf(f.name_keys) + HeapOf(f.names) + HeapOf(f.numbers) + HeapOf(f.years) +
       HeapOf(f.quotes);
  for (const Name& n : f.names) b += HeapOf(n.text) + HeapOf(n.kind);
  for (const Quote& q : f.quotes)
    b += HeapOf(q.text) + HeapOf(q.speaker) + HeapOf(q.speaker_evidence);
  b += HeapOf(f.provenance.agency) + HeapOf(f.provenance.byline);
  b += HeapOf(d.date.granularity) + HeapOf(d.date.method) + HeapOf(d.date.evidence);
  b += HeapOf(d.salient);
  return b;
}

uint64_t HeapOf(const Member& m) {
  uint64_t b = HeapOf(m.id) + HeapOf(m.relation) + HeapOf(m.of) + HeapOf(m.date_evidence) +
               HeapOf(m.tv) + HeapOf(m.nv) + HeapOf(m.numv) + HeapOf(m.lv) + HeapOf(m.sv) +
               HeapOf(m.main_names) + HeapOf(m.pe);
  for (const auto& [toks, w] : m.main_names) b += HeapOf(toks);
  return b;
}

uint64_t HeapOf(const StoryView& v) {
  uint64_t b = HeapOf(v.title) + HeapOf(v.original) + HeapOf(v.members) + HeapOf(v.sources) +
               HeapOf(v.key_terms) + HeapOf(v.key_names) + HeapOf(v.quotes) + HeapOf(v.summary) +
               HeapOf(v.timeline) + HeapOf(v.merged_from);
  for (const auto& m : v.members)
    b += HeapOf(m.id) + HeapOf(m.relation) + HeapOf(m.of) + HeapOf(m.title) + HeapOf(m.source) +
         HeapOf(m.url) + HeapOf(m.date_evidence);
  for (const auto& x : v.sources) b += HeapOf(x);
  for (const auto& t : v.key_terms) b += HeapOf(t.term) + HeapOf(t.kind);
  for (const auto& t : v.key_names) b += HeapOf(t.term) + HeapOf(t.kind);
  for (const auto& q : v.quotes) b += HeapOf(q.article_id) + HeapOf(q.text) + HeapOf(q.speaker);
  for (const auto& x : v.summary) b += HeapOf(x);
  for (const auto& t : v.timeline)
    b += HeapOf(t.kind) + HeapOf(t.article_id) + HeapOf(t.label) + HeapOf(t.relation) +
         HeapOf(t.evidence);
  return b;
}

}  // namespace

EngineMemory StoryEngine::memory() const {
  const Impl& m = *impl_;
  EngineMemory r;
  r.stories = TreeNodesOf(m.stories);
  for (const auto& [id, s] : m.stories) {
    r.stories += HeapOf(s.members) + HeapOf(s.centroid) + HeapOf(s.names) + HeapOf(s.numbers) +
                 HeapOf(s.salient) + HeapOf(s.name_tokens) + TreeNodesOf(s.main_names) +
                 HeapOf(s.posted) + HeapOf(s.merged_from) + HeapOf(s.split_from);
    for (const auto& [toks, e] : s.main_names) r.stories += HeapOf(toks);
    for (const Member& x : s.members) {
      r.stories += HeapOf(x);
      ++r.members;
      if (x.doc) {
        r.live_docs += HeapOf(*x.doc);
        ++r.live_members;
      }
    }
  }
  r.index = NodesOf(m.postings) + NodesOf(m.content) + TreeNodesOf(m.by_time) +
            TreeNodesOf(m.changed_stories) + TreeNodesOf(m.changed_topics) + HeapOf(m.table_) +
            HeapOf(m.lists_buf_) + HeapOf(m.order_buf_) + HeapOf(m.cells_buf_);
  for (const auto& [k, v] : m.postings) r.index += HeapOf(v);
  r.topics = TreeNodesOf(m.topics) + NodesOf(m.topic_postings) + NodesOf(m.briefs) +
             HeapOf(m.merges) + TreeNodesOf(m.merged_into);
  for (const auto& [k, v] : m.topic_postings) r.topics += HeapOf(v);
  for (const auto& [id, t] : m.topics)
    r.topics += HeapOf(t.centroid) + HeapOf(t.names) + HeapOf(t.stories) + HeapOf(t.posted);
  for (const auto& [id, b] : m.briefs) r.topics += HeapOf(b.title);
  for (const auto& x : m.merges) r.topics += HeapOf(x.by_article);
  r.topics_held = m.topics.size();
  r.briefs = m.briefs.size();
  r.statistics = m.stats.HeapBytes();
  r.retired = TreeNodesOf(m.retired) + TreeNodesOf(m.retired_topics);
  for (const auto& [id, v] : m.retired) r.retired += HeapOf(v);
  for (const auto& [id, t] : m.retired_topics) r.retired += HeapOf(t.label) + HeapOf(t.stories);
  r.total = r.stories + r.live_docs + r.index + r.topics + r.statistics + r.retired;
  return r;
}

// ---- Snapshot -------------------------------------------------------------------

namespace {

using story_internal::ByteReader;
using story_internal::ByteWriter;

void PutVec(ByteWriter* w, const SparseVec& v) {
  w->U64(v.size());
  for (const auto& [k, x] : v) {
    w->U64(k);
    w->F32(x);
  }
}
bool GetVec(ByteReader* r, SparseVec* v) {
  uint64_t n;
  if (!r->U64(&n) || n > (1u << 24)) return false;
  v->resize(n);
  for (auto& [k, x] : *v)
    if (!r->U64(&k) || !r->F32(&x)) return false;
  return true;
}
void PutMap(ByteWriter* w, const CentroidMap& m) { PutVec(w, m); }  // sorted by key
bool GetMap(ByteReader* r, CentroidMap* m) {
  if (!GetVec(r, m)) return false;
  if (!StrictlySorted(*m)) {  // a blob not written by PutMap: first entry of a key wins
    std::stable_sort(m->begin(), m->end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    m->erase(std::unique(m->begin(), m->end(),
                         [](const auto& a, const auto& b) { return a.first == b.first; }),
             m->end());
  }
  return true;
}
void PutIds(ByteWriter* w, const std::vector<int64_t>& v) {
  w->U64(v.size());
  for (int64_t x : v) w->I64(x);
}
bool GetIds(ByteReader* r, std::vector<int64_t>* v) {
  uint64_t n;
  if (!r->U64(&n) || n > (1u << 26)) return false;
  v->resize(n);
  for (auto& x : *v)
    if (!r->I64(&x)) return false;
  return true;
}
void PutKeys(ByteWriter* w, const std::vector<uint64_t>& v) {
  w->U64(v.size());
  for (uint64_t x : v) w->U64(x);
}
bool GetKeys(ByteReader* r, std::vector<uint64_t>* v) {
  uint64_t n;
  if (!r->U64(&n) || n > (1u << 26)) return false;
  v->resize(n);
  for (auto& x : *v)
    if (!r->U64(&x)) return false;
  return true;
}
bool GetCounts(ByteReader* r, std::unordered_map<uint64_t, uint32_t>* m) {
  uint64_t n;
  if (!r->U64(&n) || n > (1u << 26)) return false;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t k, c;
    if (!r->U64(&k) || !r->U64(&c)) return false;
    (*m)[k] = static_cast<uint32_t>(c);
  }
  return true;
}
bool GetCounts(ByteReader* r, TokenCounts* m) {
  std::unordered_map<uint64_t, uint32_t> all;
  if (!GetCounts(r, &all)) return false;
  m->assign(all.begin(), all.end());
  std::sort(m->begin(), m->end());
  return true;
}
bool GetMainNames(ByteReader* r, std::map<std::vector<uint64_t>, std::pair<uint32_t, float>>* m) {
  uint64_t n;
  if (!r->U64(&n) || n > (1u << 24)) return false;
  for (uint64_t i = 0; i < n; ++i) {
    std::vector<uint64_t> toks;
    uint64_t c;
    float w;
    if (!GetKeys(r, &toks) || !r->U64(&c) || !r->F32(&w)) return false;
    (*m)[toks] = {static_cast<uint32_t>(c), w};
  }
  return true;
}
void PutPostings(ByteWriter* w, const std::unordered_map<uint64_t, std::vector<int64_t>>& p) {
  std::vector<uint64_t> keys;
  for (const auto& [k, v] : p) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  w->U64(keys.size());
  for (uint64_t k : keys) {
    w->U64(k);
    PutIds(w, p.at(k));
  }
}
bool GetPostings(ByteReader* r, std::unordered_map<uint64_t, std::vector<int64_t>>* p) {
  uint64_t n;
  if (!r->U64(&n) || n > (1u << 28)) return false;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t k;
    if (!r->U64(&k) || !GetIds(r, &(*p)[k])) return false;
  }
  return true;
}

}  // namespace

std::string StoryEngine::Snapshot() const {
  const Impl& m = *impl_;
  ByteWriter w;
  w.Str(kSnapshotFormat);
  w.I64(m.clock);
  w.U64(m.seq);
  w.I64(m.next_story);
  w.I64(m.next_topic);
  w.U64(m.st.articles);
  w.U64(m.st.stories);
  w.U64(m.st.retired_stories);
  w.U64(m.st.topics);
  w.U64(m.st.merges);
  // Term statistics (what was counted; the background table ships with the code).
  {
    const TermStats::Counts c = m.stats.ExportCounts();
    w.U64(c.added);
    for (const auto* list : {&c.corpus, &c.lang_corpus}) {
      w.U64(list->size());
      for (const auto& [k, n] : *list) {
        w.U64(k);
        w.U64(n);
      }
    }
    w.U64(c.lang_docs.size());
    for (const auto& [lang, n] : c.lang_docs) {
      w.Str(lang);
      w.U64(n);
    }
  }
  w.U64(m.stories.size());
  for (const auto& [id, s] : m.stories) {
    w.I64(s.id);
    w.I64(s.topic);
    w.U64(s.original);
    w.I64(s.last_feed);
    w.I64(s.date_min);
    w.I64(s.date_max);
    w.U64(s.next_topic_check);
    PutMap(&w, s.centroid);
    PutMap(&w, s.names);
    PutMap(&w, s.numbers);
    PutMap(&w, s.salient);
    {
      w.U64(s.name_tokens.size());  // sorted by token
      for (auto& [k, c] : s.name_tokens) {
        w.U64(k);
        w.U64(c);
      }
      w.U64(s.main_names.size());
      for (const auto& [toks, e] : s.main_names) {
        PutKeys(&w, toks);
        w.U64(e.first);
        w.F32(e.second);
      }
    }
    PutKeys(&w, s.posted);
    PutIds(&w, s.merged_from);
    w.U64(s.members.size());
    for (const Member& x : s.members) {
      w.Str(x.id);
      w.Str(x.relation);
      w.Str(x.of);
      w.F64(x.score);
      w.U64(x.seq);
      w.I64(x.time);
      w.Str(x.date_evidence);
      w.F64(x.date_confidence);
      PutVec(&w, x.tv);
      PutVec(&w, x.nv);
      PutVec(&w, x.numv);
      PutVec(&w, x.sv);
      PutVec(&w, x.lv);
      w.U64(x.main_names.size());
      for (const auto& [toks, wt] : x.main_names) {
        PutKeys(&w, toks);
        w.F32(wt);
      }
      w.U8(x.doc ? 1 : 0);
      if (x.doc) {
        const Article& a = x.doc->meta;
        w.Str(a.id);
        w.Str(a.title);
        w.Str(a.text);
        w.Str(a.url);
        w.Str(a.source);
        w.Str(a.published);
        w.I64(a.published_ts);
        w.Str(a.lang);
        w.Str(a.author);
        w.U64(a.seq);
      }
    }
  }
  w.U64(m.topics.size());
  for (const auto& [id, t] : m.topics) {
    w.I64(t.id);
    PutMap(&w, t.centroid);
    PutMap(&w, t.names);
    PutIds(&w, t.stories);
    w.I64(t.last_feed);
    PutKeys(&w, t.posted);
  }
  PutPostings(&w, m.postings);
  PutPostings(&w, m.topic_postings);
  w.U64(m.briefs.size());
  {
    std::vector<int64_t> ids;
    for (const auto& [id, b] : m.briefs) ids.push_back(id);
    std::sort(ids.begin(), ids.end());
    for (int64_t id : ids) {
      const StoryBrief& b = m.briefs.at(id);
      w.I64(id);
      w.Str(b.title);
      w.I64(b.first_seen);
      w.I64(b.topic);
    }
  }
  w.U64(m.merged_into.size());
  for (const auto& [a, b] : m.merged_into) {
    w.I64(a);
    w.I64(b);
  }
  // Splits (a trailer: blobs of builds before the splits end above): the pairs of
  // stories split from each other and the members' cached pair probabilities.
  for (const auto& [id, s] : m.stories) {
    PutIds(&w, s.split_from);
    for (const Member& x : s.members) {
      w.U64(x.pe.size());
      for (const auto& [q, v] : x.pe) {
        w.U64(q);
        w.F32(v);
      }
    }
  }
  return w.Take();
}

Status StoryEngine::Restore(std::string_view blob) {
  auto fresh = std::make_unique<Impl>(impl_->opt);
  Impl& m = *fresh;
  ByteReader r(blob);
  std::string fmt;
  auto bad = [] { return Status::Corruption("story engine snapshot is damaged or truncated"); };
  if (!r.Str(&fmt)) return bad();
  if (fmt != kSnapshotFormat)
    return Status::Corruption("story engine snapshot has format '" + fmt + "', expected " +
                              kSnapshotFormat);
  uint64_t u;
  if (!r.I64(&m.clock) || !r.U64(&m.seq) || !r.I64(&m.next_story) || !r.I64(&m.next_topic))
    return bad();
  if (!r.U64(&m.st.articles) || !r.U64(&m.st.stories) || !r.U64(&m.st.retired_stories) ||
      !r.U64(&m.st.topics) || !r.U64(&m.st.merges))
    return bad();
  {
    TermStats::Counts c;
    if (!r.U64(&c.added)) return bad();
    for (auto* list : {&c.corpus, &c.lang_corpus}) {
      if (!r.U64(&u)) return bad();
      for (uint64_t i = 0; i < u; ++i) {
        uint64_t k, n;
        if (!r.U64(&k) || !r.U64(&n)) return bad();
        list->emplace_back(k, static_cast<uint32_t>(n));
      }
    }
    if (!r.U64(&u)) return bad();
    for (uint64_t i = 0; i < u; ++i) {
      std::string lang;
      uint64_t n;
      if (!r.Str(&lang) || !r.U64(&n)) return bad();
      c.lang_docs.emplace_back(std::move(lang), n);
    }
    m.stats.ImportCounts(c);
  }
  if (!r.U64(&u)) return bad();
  for (uint64_t i = 0; i < u; ++i) {
    Story s;
    uint64_t orig, ntc, nm;
    if (!r.I64(&s.id) || !r.I64(&s.topic) || !r.U64(&orig) || !r.I64(&s.last_feed) ||
        !r.I64(&s.date_min) || !r.I64(&s.date_max) || !r.U64(&ntc))
      return bad();
    s.original = orig;
    s.next_topic_check = static_cast<uint32_t>(ntc);
    if (!GetMap(&r, &s.centroid) || !GetMap(&r, &s.names) || !GetMap(&r, &s.numbers) ||
        !GetMap(&r, &s.salient) || !GetCounts(&r, &s.name_tokens) ||
        !GetMainNames(&r, &s.main_names) || !GetKeys(&r, &s.posted) ||
        !GetIds(&r, &s.merged_from) || !r.U64(&nm))
      return bad();
    for (uint64_t j = 0; j < nm; ++j) {
      Member x;
      uint8_t has_doc;
      if (!r.Str(&x.id) || !r.Str(&x.relation) || !r.Str(&x.of) || !r.F64(&x.score) ||
          !r.U64(&x.seq) || !r.I64(&x.time) || !r.Str(&x.date_evidence) ||
          !r.F64(&x.date_confidence) || !GetVec(&r, &x.tv) || !GetVec(&r, &x.nv) ||
          !GetVec(&r, &x.numv) || !GetVec(&r, &x.sv) || !GetVec(&r, &x.lv))
        return bad();
      uint64_t nmn;
      if (!r.U64(&nmn) || nmn > (1u << 20)) return bad();
      x.main_names.resize(nmn);
      for (auto& [toks, wt] : x.main_names) {
        if (!GetKeys(&r, &toks) || !r.F32(&wt)) return bad();
      }
      if (!r.U8(&has_doc)) return bad();
      if (has_doc) {
        Article a;
        if (!r.Str(&a.id) || !r.Str(&a.title) || !r.Str(&a.text) || !r.Str(&a.url) ||
            !r.Str(&a.source) || !r.Str(&a.published) || !r.I64(&a.published_ts) ||
            !r.Str(&a.lang) || !r.Str(&a.author) || !r.U64(&a.seq))
          return bad();
        // The texts' analyses (names, quotes, sentences) are rebuilt for the live
        // members only; no clustering decision is recomputed.
        x.doc = std::make_shared<StoryDoc>(AnalyzeForStory(a));
        m.content[x.doc->f.content_hash] = s.id;
      }
      s.live += x.doc != nullptr;
      s.members.push_back(std::move(x));
    }
    if (s.original >= s.members.size()) return bad();
    std::sort(s.posted.begin(), s.posted.end());  // blobs of older builds: duplicates
    s.posted.erase(std::unique(s.posted.begin(), s.posted.end()), s.posted.end());
    s.cnorm = story_internal::Norm(s.centroid);
    s.nnorm = story_internal::Norm(s.names);
    s.numnorm = story_internal::Norm(s.numbers);
    m.by_time.insert({s.last_feed, s.id});
    int64_t id = s.id;
    m.stories.emplace(id, std::move(s));
  }
  if (!r.U64(&u)) return bad();
  for (uint64_t i = 0; i < u; ++i) {
    Topic t;
    if (!r.I64(&t.id) || !GetMap(&r, &t.centroid) || !GetMap(&r, &t.names) ||
        !GetIds(&r, &t.stories) || !r.I64(&t.last_feed) || !GetKeys(&r, &t.posted))
      return bad();
    t.cnorm = story_internal::Norm(t.centroid);
    t.nnorm = story_internal::Norm(t.names);
    std::sort(t.posted.begin(), t.posted.end());
    t.posted.erase(std::unique(t.posted.begin(), t.posted.end()), t.posted.end());
    int64_t id = t.id;
    m.topics.emplace(id, std::move(t));
  }
  if (!GetPostings(&r, &m.postings) || !GetPostings(&r, &m.topic_postings)) return bad();
  if (!r.U64(&u)) return bad();
  for (uint64_t i = 0; i < u; ++i) {
    int64_t id;
    StoryBrief b;
    if (!r.I64(&id) || !r.Str(&b.title) || !r.I64(&b.first_seen) || !r.I64(&b.topic)) return bad();
    m.briefs[id] = b;
  }
  if (!r.U64(&u)) return bad();
  for (uint64_t i = 0; i < u; ++i) {
    int64_t a, b;
    if (!r.I64(&a) || !r.I64(&b)) return bad();
    m.merged_into[a] = b;
  }
  if (!r.done()) {  // the splits' trailer
    for (auto& [id, s] : m.stories) {
      if (!GetIds(&r, &s.split_from)) return bad();
      for (Member& x : s.members) {
        uint64_t k;
        if (!r.U64(&k) || k > blob.size()) return bad();
        x.pe.resize(k);
        for (auto& [q, v] : x.pe)
          if (!r.U64(&q) || !r.F32(&v)) return bad();
      }
    }
  }
  if (!r.done()) return bad();
  fresh->on_retire = std::move(impl_->on_retire);
  impl_ = std::move(fresh);
  return Status::Ok();
}

}  // namespace storyline
