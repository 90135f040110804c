// Copyright storyline authors.
//
// Output forms of the story engine: the `cluster` JSONL line and the Markdown report.
#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/json_writer.h"
#include "storyline/story.h"

namespace storyline {

std::string AssignmentJson(const Assignment& a) {
  JsonWriter w;
  w.BeginObject();
  w.Key("id");
  w.String(a.id);
  w.Key("story");
  w.Int(a.story);
  w.Key("topic");
  w.Int(a.topic);
  w.Key("relation");
  w.String(RelationName(a.relation));
  w.Key("of");
  w.StringOrNull(a.of);
  w.Key("score");
  w.Double(a.score);
  w.EndObject();
  return w.Take();
}

namespace {

std::string Day(Timestamp t) { return t == kNoTime ? "undated" : FormatDate(t); }

std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

// The story's heading and its facts: original, dates, sources, merges.
void StoryHeader(const StoryView& s, std::ostringstream& o) {
  o << "### Story " << s.id << ": " << OneLine(s.title) << "\n\n";
  o << "- original: `" << s.original << "`\n";
  o << "- first seen: " << Day(s.first_seen) << "; last seen: " << Day(s.last_seen) << "\n";
  if (!s.sources.empty()) {
    o << "- sources:";
    for (const auto& x : s.sources) o << " " << x << ";";
    o << "\n";
  }
  if (!s.merged_from.empty()) {
    o << "- merged from stories:";
    for (int64_t m : s.merged_from) o << " " << m;
    o << "\n";
  }
}

// The members as a table.
void MemberTable(const StoryView& s, std::ostringstream& o) {
  o << "\n| member | relation | of | score | date | source |\n|---|---|---|---|---|---|\n";
  for (const auto& m : s.members) {
    char sc[32];
    std::snprintf(sc, sizeof sc, "%.2f", m.score);
    o << "| `" << m.id << "` " << OneLine(m.title) << " | " << RelationName(m.relation) << " | "
      << (m.of.empty() ? "" : "`" + m.of + "`") << " | " << sc << " | " << Day(m.published) << " | "
      << m.source << " |\n";
  }
  o << "\n";
}

// Key names and terms, quotes and summary (each when there are any).
void StoryContent(const StoryView& s, std::ostringstream& o) {
  if (!s.key_names.empty()) {
    o << "**Key names:** ";
    for (size_t i = 0; i < s.key_names.size(); ++i) {
      o << (i ? ", " : "") << s.key_names[i].term << " (" << NameKindName(s.key_names[i].kind)
        << ")";
    }
    o << "\n\n";
  }
  if (!s.key_terms.empty()) {
    o << "**Key terms:** ";
    for (size_t i = 0; i < s.key_terms.size(); ++i) o << (i ? ", " : "") << s.key_terms[i].term;
    o << "\n\n";
  }
  if (!s.quotes.empty()) {
    o << "**Quotes:**\n\n";
    for (const auto& q : s.quotes) {
      o << "- \"" << OneLine(q.text) << "\" — " << (q.speaker.empty() ? "unattributed" : q.speaker)
        << " (`" << q.article_id << "`";
      if (q.shared_by > 1) o << ", in " << q.shared_by << " members";
      o << ")\n";
    }
    o << "\n";
  }
  if (!s.summary.empty()) {
    o << "**Summary:**\n\n";
    for (const auto& x : s.summary) o << "> " << OneLine(x) << "\n";
    o << "\n";
  }
}

void StoryTimeline(const StoryView& s, std::ostringstream& o) {
  o << "**Timeline:**\n\n";
  for (const auto& e : s.timeline) {
    o << "- " << Day(e.time) << " — ";
    if (e.kind == "member") {
      o << "`" << e.article_id << "` (" << RelationName(e.relation) << ")";
      if (!e.evidence.empty()) o << " — date: " << OneLine(e.evidence);
    } else {
      o << "story " << e.story << " of the same topic: " << OneLine(e.label);
    }
    o << "\n";
  }
  o << "\n";
}

// A topic: its heading, the list of its stories, then each story in full.
void TopicSection(const TopicView& t, const std::vector<const StoryView*>& in,
                  std::ostringstream& o) {
  o << "## Topic " << t.id;
  if (!t.label.empty()) o << ": " << t.label;
  o << "\n\n"
    << in.size() << " stories, " << Day(t.first_seen) << " to " << Day(t.last_seen) << ".\n\n";
  for (const StoryView* s : in) {
    o << "- " << Day(s->first_seen) << " — story " << s->id << ": " << OneLine(s->title) << " ("
      << s->members.size() << " articles)\n";
  }
  o << "\n";
  for (const StoryView* sp : in) {
    StoryHeader(*sp, o);
    MemberTable(*sp, o);
    StoryContent(*sp, o);
    StoryTimeline(*sp, o);
  }
}

}  // namespace

std::string StoryReportMarkdown(const StoryEngine& engine) {
  std::map<int64_t, StoryView> stories;
  engine.ForEachStory([&](const StoryView& v) { stories.emplace(v.id, v); });
  std::ostringstream o;
  o << "# Stories\n\n";
  size_t n_topics = 0;
  engine.ForEachTopic([&](const TopicView&) { ++n_topics; });
  o << stories.size() << " stories in " << n_topics << " topics.\n\n";
  engine.ForEachTopic([&](const TopicView& t) {
    std::vector<const StoryView*> in;
    for (int64_t id : t.stories) {
      auto it = stories.find(id);
      if (it != stories.end()) in.push_back(&it->second);
    }
    if (!in.empty()) TopicSection(t, in, o);
  });
  return o.str();
}

}  // namespace storyline
