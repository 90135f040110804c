// Copyright storyline authors.
//
// A story and a topic as the API shows them (StoryView, TopicView): members,
// key names and terms, quotes, summary, timeline.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "core/ascii.h"
#include "story/engine_impl.h"

namespace storyline {

using engine_internal::Member;
using engine_internal::Story;

namespace {

// The members in the order a story shows them: the original first, then by time
// (undated by arrival).
std::vector<const Member*> ShownOrder(const Story& s) {
  const Member& orig = s.members[s.original];
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
  return ms;
}

// The member views, sources, dated span and the members' timeline entries.
void AddMembers(const std::vector<const Member*>& ms, const Member& orig, StoryView* v) {
  std::set<std::string> seen_sources;
  for (const Member* m : ms) {
    StoryMemberView mv;
    mv.id = m->id;
    mv.relation = m == &orig ? Relation::kOriginal : m->relation;
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
      v->first_seen = v->first_seen == kNoTime ? m->time : std::min(v->first_seen, m->time);
      v->last_seen = v->last_seen == kNoTime ? m->time : std::max(v->last_seen, m->time);
    }
    if (!mv.source.empty() && seen_sources.insert(mv.source).second) {
      v->sources.push_back(mv.source);
    }
    TimelineEntry te;
    te.time = m->time;
    te.kind = "member";
    te.article_id = m->id;
    te.label = mv.title;
    te.relation = mv.relation;
    te.evidence = m->date_evidence;
    v->timeline.push_back(te);
    v->members.push_back(std::move(mv));
  }
}

// Key names: over live members, by members naming them, then mentions (15 at most).
void AddKeyNames(const std::vector<const Member*>& ms, StoryView* v) {
  struct NameAgg {
    std::string text;
    NameKind kind = NameKind::kName;
    int members = 0;
    uint32_t mentions = 0;
    size_t first = SIZE_MAX;
  };
  std::map<std::string, NameAgg> names;
  size_t order = 0;
  for (const Member* m : ms) {
    if (!m->doc) continue;
    std::set<std::string> mine;
    for (const Name& n : m->doc->f.names) {
      std::string key = story_internal::CleanSpaces(n.text);
      NameAgg& g = names[key];
      if (g.text.empty()) {
        g.text = key;
        g.kind = n.kind;
        g.first = order++;
      }
      if (mine.insert(key).second) ++g.members;
      g.mentions += n.count;
    }
  }
  std::vector<NameAgg> nv;
  nv.reserve(names.size());
  for (auto& [k, g] : names) nv.push_back(g);
  std::sort(nv.begin(), nv.end(), [](const NameAgg& a, const NameAgg& b) {
    if (a.members != b.members) return a.members > b.members;
    if (a.mentions != b.mentions) return a.mentions > b.mentions;
    return a.first < b.first;
  });
  for (size_t i = 0; i < nv.size() && i < 15; ++i) {
    v->key_names.push_back({nv[i].text, nv[i].kind, static_cast<double>(nv[i].mentions)});
  }
}

// Stem -> a word as written (lower-cased), from the live members in order.
std::unordered_map<uint64_t, std::string> Spellings(const std::vector<const Member*>& ms) {
  std::unordered_map<uint64_t, std::string> surface;
  for (const Member* m : ms) {
    if (!m->doc) continue;
    const ArticleFeatures& f = m->doc->f;
    for (size_t i = 0; i < f.stems.size() && i < f.token_spans.size(); ++i) {
      if (f.stems[i] == 0 || surface.count(f.stems[i])) continue;
      auto [b, e] = f.token_spans[i];
      std::string w = f.text.substr(b, e - b);
      AsciiLowerInPlace(w);
      surface.emplace(f.stems[i], std::move(w));
    }
  }
  return surface;
}

// Key terms: the heaviest centroid terms we can spell (12 at most).
void AddKeyTerms(const Story& s, const std::unordered_map<uint64_t, std::string>& surface,
                 StoryView* v) {
  std::vector<std::pair<float, uint64_t>> terms;
  for (const auto& [k, w] : s.centroid) terms.emplace_back(w, k);
  std::sort(terms.begin(), terms.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (const auto& [w, k] : terms) {
    if (v->key_terms.size() >= 12) break;
    auto it = surface.find(k);
    if (it == surface.end()) continue;
    v->key_terms.push_back({it->second, NameKind::kTerm, w / (s.cnorm > 0 ? s.cnorm : 1)});
  }
}

struct QuoteGroup {
  StoryQuoteView view;
  std::vector<std::string> words;     // lower-cased words of the longest variant
  std::unordered_set<uint64_t> runs;  // its 4-word runs, hashed
  std::set<const Member*> members;
  size_t order = 0;
};

// The lower-cased words of a quote.
std::vector<std::string> QuoteWords(std::string_view t) {
  std::vector<std::string> w;
  std::string cur;
  for (unsigned char c : t) {
    if (std::isalnum(c) || c >= 0x80) {
      cur.push_back(AsciiLower(static_cast<char>(c)));
    } else if (!cur.empty()) {
      w.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) w.push_back(std::move(cur));
  return w;
}

// 4-word runs of a quote, hashed.
std::unordered_set<uint64_t> QuoteRuns(const std::vector<std::string>& w) {
  std::unordered_set<uint64_t> r;
  for (size_t i = 0; i + 4 <= w.size(); ++i) {
    std::string k = w[i] + ' ' + w[i + 1] + ' ' + w[i + 2] + ' ' + w[i + 3];
    r.insert(std::hash<std::string>()(k));
  }
  return r;
}

// The same quote: equal words, or (four words or more) most 4-word runs of the
// shorter found in the longer.
bool SameQuote(const QuoteGroup& g, const std::vector<std::string>& w,
               const std::unordered_set<uint64_t>& runs) {
  if (g.words == w) return true;
  if (runs.empty() || g.runs.empty()) return false;
  size_t hit = 0;
  for (uint64_t h : runs) hit += g.runs.count(h);
  return 2 * hit >= std::min(runs.size(), g.runs.size());
}

// One member's quote into its group (a new group when none is the same quote);
// the group shows its longest variant.
void GroupQuote(const Member* m, const Quote& q, std::vector<QuoteGroup>* groups) {
  std::vector<std::string> w = QuoteWords(q.text);
  if (w.size() < 2) return;
  std::unordered_set<uint64_t> runs = QuoteRuns(w);
  QuoteGroup* g = nullptr;
  for (QuoteGroup& cand : *groups) {
    if (SameQuote(cand, w, runs)) {
      g = &cand;
      break;
    }
  }
  StoryQuoteView qv{m->id, story_internal::CleanSpaces(q.text), q.speaker, q.begin, q.end, 1};
  if (!g) {
    groups->push_back({std::move(qv), std::move(w), std::move(runs), {m}, groups->size()});
    return;
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

// Quotes: every member's, one entry per quote however each member cuts it ("The
// foreign policy of the DPRK ... will not be tied to anything" in one, "will not
// be tied to anything" in another), with the members carrying it; one-word scare
// quotes ("natural") are left out. Shared quotes first, then full quotes before
// fragments, then in order of appearance.
void AddQuotes(const std::vector<const Member*>& ms, StoryView* v) {
  std::vector<QuoteGroup> groups;
  for (const Member* m : ms) {
    if (!m->doc) continue;
    for (const Quote& q : m->doc->f.quotes) GroupQuote(m, q, &groups);
  }
  std::stable_sort(groups.begin(), groups.end(), [](const QuoteGroup& a, const QuoteGroup& b) {
    if (a.members.size() != b.members.size()) return a.members.size() > b.members.size();
    bool fa = a.words.size() >= 4, fb = b.words.size() >= 4;
    if (fa != fb) return fa;
    return a.order < b.order;
  });
  for (QuoteGroup& g : groups) {
    g.view.shared_by = static_cast<int>(g.members.size());
    v->quotes.push_back(std::move(g.view));
  }
}

}  // namespace

void StoryEngine::Impl::AddTopicTimeline(const Story& s, StoryView* v) const {
  auto t = topics.find(s.topic);
  if (t == topics.end()) return;
  for (int64_t o : t->second.stories) {
    if (o == s.id) continue;
    auto b = briefs.find(o);
    if (b == briefs.end()) continue;
    TimelineEntry te;
    te.time = b->second.first_seen;
    te.kind = "story";
    te.story = o;
    te.label = b->second.title;
    v->timeline.push_back(te);
  }
}

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
  const std::vector<const Member*> ms = ShownOrder(s);
  AddMembers(ms, orig, &v);
  AddKeyNames(ms, &v);
  AddKeyTerms(s, Spellings(ms), &v);
  AddQuotes(ms, &v);
  std::vector<story_internal::SummaryInput> sum_in;
  for (const Member* m : ms) {
    if (m->doc) sum_in.push_back({m->doc.get(), m == &orig});
  }
  v.summary = story_internal::Summarize(sum_in, s.centroid, stats);
  AddTopicTimeline(s, &v);
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

}  // namespace storyline
