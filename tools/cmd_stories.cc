// storyline stories [--db FILE] [--json]: the stories in the store, newest first.
#include <cstdio>
#include <iostream>

#include "command.h"
#include "common.h"
#include "storyline/store.h"

namespace storyline::cli {
namespace {

struct StoriesArgs {
  std::string db = "storyline.db";
  bool json = false;
};

int RunStories(const StoriesArgs& args) {
  StoreOptions so;
  so.read_only = true;
  auto store = Store::Open(args.db, so);
  if (!store.ok()) return Fail(store.status().message());
  std::string out;
  Status st = (*store)->ForEachStory([&](const StoryHeader& h) {
    if (args.json) {
      out = StoryHeaderJson(h);
      out += '\n';
    } else {
      std::string dates = h.first_seen == kNoTime ? "undated"
                          : FormatDate(h.first_seen) == FormatDate(h.last_seen)
                              ? FormatDate(h.first_seen)
                              : FormatDate(h.first_seen) + ".." + FormatDate(h.last_seen);
      out = "story " + std::to_string(h.story) + "  " + std::to_string(h.members.size()) +
            (h.members.size() == 1 ? " member   " : " members  ") + dates + "  topic " +
            (h.topic >= 0 ? std::to_string(h.topic) : "-") + "  " + h.title + "\n";
      for (const StoryMember& m : h.members) {
        const std::string relation = RelationName(m.relation);
        out += "    " + relation;
        out.append(relation.size() < 15 ? 15 - relation.size() : 1, ' ');
        out += m.id;
        if (!m.of.empty()) out += " (of " + m.of + ")";
        if (!m.source.empty()) out += "  " + m.source;
        out += '\n';
      }
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
  });
  if (!st.ok()) return Fail(st.message());
  return std::fflush(stdout) == 0 ? 0 : 1;
}

void SetupStories(CLI::App& sub, int* exit_code) {
  auto args = std::make_shared<StoriesArgs>();
  sub.add_option("--db", args->db, "the store")->capture_default_str();
  sub.add_flag("--json", args->json, "JSONL: {story,title,topic,first_seen,last_seen,members}");
  sub.callback([args, exit_code] { *exit_code = RunStories(*args); });
}

}  // namespace

STORYLINE_COMMAND(stories, "list the stories in the store", SetupStories);

}  // namespace storyline::cli
