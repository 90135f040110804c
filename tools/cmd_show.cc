// storyline show STORY [--db FILE] [--json]: one story in full.
#include <cstdio>
#include <iostream>

#include "command.h"
#include "common.h"
#include "storyline/store.h"

namespace storyline::cli {
namespace {

struct ShowArgs {
  int64_t story = -1;
  std::string db = "storyline.db";
  bool json = false;
};

std::string Day(Timestamp t) { return t == kNoTime ? "undated" : FormatDate(t); }

std::string Clip(const std::string& s, size_t n) {
  if (s.size() <= n) return s;
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
  return s.substr(0, cut) + "...";
}

// The header and the members, one line each.
void AppendHeader(const StoryHeader& h, std::string* out) {
  std::string& o = *out;
  o += "story " + std::to_string(h.story) + ": " + h.title + "\n";
  o += "  topic " + (h.topic >= 0 ? std::to_string(h.topic) : std::string("-"));
  if (!h.topic_label.empty()) o += " (" + h.topic_label + ")";
  o += ", " + Day(h.first_seen) + " to " + Day(h.last_seen) + "\n";
  o += "\nmembers:\n";
  for (const auto& m : h.members) {
    const std::string relation = RelationName(m.relation);
    o += "  " + relation + std::string(relation.size() < 15 ? 15 - relation.size() : 1, ' ') +
         m.id + (m.of.empty() ? "" : " (of " + m.of + ")") + "  " + Day(m.published) +
         (m.source.empty() ? "  (outlet unknown)" : "  " + m.source) +
         (m.outlet_evidence.empty() || m.outlet_evidence == "input"
              ? ""
              : " [" + m.outlet_evidence + "]") +
         (m.credit.empty() ? "" : "  credit " + m.credit) + "\n";
  }
}

// Summary, key names and terms, quotes.
void AppendContent(const StoryDetail& d, std::string* out) {
  std::string& o = *out;
  if (!d.summary.empty()) {
    o += "\nsummary:\n";
    for (const auto& s : d.summary) o += "  - " + s + "\n";
  }
  if (!d.key_names.empty()) {
    o += "\nkey names:";
    for (const auto& n : d.key_names) o += " " + n.term + " (" + n.kind + ");";
    o += "\n";
  }
  if (!d.key_terms.empty()) {
    o += "key terms:";
    for (const auto& t : d.key_terms) o += " " + t.term;
    o += "\n";
  }
  if (!d.quotes.empty()) {
    o += "\nquotes:\n";
    for (const auto& q : d.quotes) {
      o += "  \"" + Clip(q.text, 160) + "\" -- " + (q.speaker.empty() ? "?" : q.speaker) + " [" +
           q.article_id + "]\n";
    }
  }
}

// Relations, shared passages, timeline.
void AppendEvidence(const StoryDetail& d, std::string* out) {
  std::string& o = *out;
  if (!d.relations.empty()) {
    o += "\nrelations:\n";
    for (const auto& r : d.relations) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.2f", r.score);
      o += "  " + r.b + " is a " + RelationName(r.relation) + " of " + r.a + " (similarity " + buf +
           ")\n";
    }
  }
  if (!d.passages.empty()) {
    o += "\nshared passages:\n";
    for (const auto& p : d.passages) {
      o += "  " + p.a + " [" + std::to_string(p.a_start) + "," + std::to_string(p.a_end) +
           ") = " + p.b + " [" + std::to_string(p.b_start) + "," + std::to_string(p.b_end) +
           "): \"" + Clip(p.text, 120) + "\"\n";
    }
  }
  if (!d.timeline.empty()) {
    o += "\ntimeline:\n";
    for (const auto& t : d.timeline) {
      o += "  " + Day(t.time) + "  ";
      o += t.kind == "member" ? t.article_id + " (" + RelationName(t.relation) + ")"
                              : "story " + std::to_string(t.story) + ": " + Clip(t.label, 70);
      o += "\n";
    }
  }
}

int RunShow(const ShowArgs& args) {
  StoreOptions so;
  so.read_only = true;
  auto store = Store::Open(args.db, so);
  if (!store.ok()) return Fail(store.status().message());
  auto d = (*store)->GetStory(args.story);
  if (!d.ok()) return Fail(d.status().message());
  std::string o;
  if (args.json) {
    o = StoryDetailJson(*d);
    o += '\n';
  } else {
    AppendHeader(d->header, &o);
    AppendContent(*d, &o);
    AppendEvidence(*d, &o);
  }
  std::fwrite(o.data(), 1, o.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

void SetupShow(CLI::App& sub, int* exit_code) {
  auto args = std::make_shared<ShowArgs>();
  sub.add_option("STORY", args->story, "the story id")->required();
  sub.add_option("--db", args->db, "the store")->capture_default_str();
  sub.add_flag("--json", args->json, "one JSON object");
  sub.callback([args, exit_code] { *exit_code = RunShow(*args); });
}

}  // namespace

STORYLINE_COMMAND(show, "one story: members, relations, passages, quotes, summary, timeline",
                  SetupShow);

}  // namespace storyline::cli
