// `storyline cluster INPUT... -o A.jsonl [--report FILE.md]`: online story clustering
// (INTERFACE.md). Reads every article, assigns them in order of `published` (input
// order where absent) and writes one line per article, in input order.
#include <fstream>
#include <iostream>

#include "command.h"
#include "common.h"
#include "storyline/story.h"

namespace storyline::cli {
namespace {

struct ClusterOptions {
  InputOptions in;
  std::string output;
  std::string report;
  double threshold = -1;
  double topic_threshold = -1;
  int64_t window_days = 7;
};

int RunCluster(ClusterOptions& opt) {
  RejectReporter rejects;
  if (!rejects.Install(&opt.in)) return 1;
  auto reader = ArticleReader::Open(opt.in.inputs, opt.in.ingest);
  if (!reader.ok()) return Fail(reader.status().message());
  // Every output is opened before any is written or committed.
  auto out = OpenOutput(opt.output);
  if (!out) return 1;
  std::unique_ptr<OutputFile> report;
  if (!opt.report.empty()) {
    report = OpenOutput(opt.report);
    if (!report) return 1;
  }
  std::vector<Article> articles;
  Progress read_bar("reading", (*reader)->total_bytes());
  for (;;) {
    Article a;
    auto more = (*reader)->Next(&a);
    if (!more.ok()) return Fail(more.status().message());
    if (!*more) break;
    articles.push_back(std::move(a));
    read_bar.Update(articles.size(), (*reader)->stats().bytes_read);
  }
  read_bar.Finish();

  StoryOptions so;
  if (opt.threshold >= 0) so.join_threshold = opt.threshold;
  if (opt.topic_threshold >= 0) so.topic_threshold = opt.topic_threshold;
  so.active_window = opt.window_days * 86400;
  StoryEngine engine(so);
  Progress bar("clustering", 0);
  auto assignments = engine.AddAll(articles, ThreadCount(opt.in.threads),
                                   [&](size_t done) { bar.Update(done, 0); });
  bar.Finish();
  std::string line;
  for (const Assignment& a : assignments) {
    line = AssignmentJson(a);
    line += '\n';
    out->write(line.data(), static_cast<std::streamsize>(line.size()));
  }
  if (report) *report << StoryReportMarkdown(engine);
  if (!rejects.Commit()) return 1;
  if (report && !report->Commit()) return 1;
  if (!out->Commit()) return 1;
  EngineStats st = engine.stats();
  uint64_t stories = 0, topics = 0;
  engine.ForEachStory([&](const StoryView&) { ++stories; });
  engine.ForEachTopic([&](const TopicView&) { ++topics; });
  std::cerr << "clustered " << articles.size() << " articles into " << stories << " stories and "
            << topics << " topics (" << st.merges << " merges); accepted " << articles.size()
            << ", rejected " << rejects.count() << "\n";
  return ExitStatusFor(rejects.count());
}

void SetupCluster(CLI::App& sub, int* exit_code) {
  auto opt = std::make_shared<ClusterOptions>();
  AddInputOptions(sub, &opt->in);
  sub.add_option("-o,--output", opt->output, "assignments as JSONL (- for stdout)")->required();
  sub.add_option("--report", opt->report, "write a Markdown report of every story");
  sub.add_option("--threshold", opt->threshold, "story join threshold (default: tuned)")
      ->check(FiniteRange(0, 1));
  sub.add_option("--topic-threshold", opt->topic_threshold, "topic link threshold (default: tuned)")
      ->check(FiniteRange(0, 1));
  sub.add_option("--window-days", opt->window_days, "days a story stays active (default 7)")
      ->check(CLI::Range(int64_t{1}, int64_t{36500}));
  sub.callback([opt, exit_code] { *exit_code = RunCluster(*opt); });
}

}  // namespace

STORYLINE_COMMAND(cluster, "assign articles to stories and topics, online", SetupCluster);

}  // namespace storyline::cli
