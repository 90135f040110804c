// storyline clean INPUT... [-o OUT.jsonl] [--explain]
// Sets boilerplate lines aside (storyline::BoilerplateFilter): a first pass
// learns the lines each source repeats, a second pass cleans every article and
// writes it as JSONL {"id","title","text","removed":[{"line","text","reason"}]}
// (plus "url", "source", "published", "lang" when known). --explain prints, per
// article, what was set aside and why.
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "command.h"
#include "common.h"
#include "core/json_writer.h"
#include "storyline/ingest.h"
#include "storyline/text.h"

namespace storyline::cli {
namespace {

struct CleanArgs {
  InputOptions in;
  std::string output;
  bool explain = false;
};

void WriteJson(const Article& a, const CleanedText& c, JsonWriter* w) {
  w->Clear();
  w->BeginObject();
  w->Key("id");
  w->String(a.id);
  w->Key("title");
  w->String(a.title);
  w->Key("text");
  w->String(c.text);
  if (!a.url.empty()) {
    w->Key("url");
    w->String(a.url);
  }
  if (!a.source.empty()) {
    w->Key("source");
    w->String(a.source);
  }
  if (!a.published.empty()) {
    w->Key("published");
    w->String(a.published);
  }
  if (!a.lang.empty()) {
    w->Key("lang");
    w->String(a.lang);
  }
  w->Key("removed");
  w->BeginArray();
  for (const SetAsideLine& s : c.removed) {
    w->BeginObject();
    w->Key("line");
    w->Int(s.line + 1);  // 1-based, as editors count
    w->Key("text");
    w->String(s.text);
    w->Key("reason");
    w->String(s.reason);
    w->EndObject();
  }
  w->EndArray();
  w->EndObject();
}

void Explain(const Article& a, const CleanedText& c) {
  std::string where = a.origin_file;
  if (a.origin_line > 0) where += ":" + std::to_string(a.origin_line);
  std::printf("== %s (%s): %zu line%s set aside\n", a.id.c_str(), where.c_str(), c.removed.size(),
              c.removed.size() == 1 ? "" : "s");
  for (const SetAsideLine& s : c.removed) {
    std::printf("   line %-4u %-22s %s\n", s.line + 1, ("[" + s.reason + "]").c_str(),
                s.text.c_str());
  }
}

// Cleans articles one at a time and writes them; keeps the figures for the summary.
class Cleaner {
 public:
  Cleaner(const BoilerplateFilter* filter, std::ostream* out, bool explain)
      : filter_(filter), out_(out), explain_(explain) {}
  bool Add(const Article& a) {
    CleanedText c = filter_->Clean(a);
    ++articles_;
    lines_ += c.removed.size();
    touched_ += c.removed.empty() ? 0 : 1;
    for (const SetAsideLine& s : c.removed) {
      // "repeated across 12 articles of X": one bucket for the summary.
      ++by_reason_[s.reason.rfind("repeated across", 0) == 0 ? "repeated across articles"
                                                             : s.reason];
    }
    if (explain_) Explain(a, c);
    if (out_) {
      WriteJson(a, c, &w_);
      *out_ << w_.str() << '\n';
      if (!*out_) return false;
    }
    return true;
  }
  uint64_t articles() const { return articles_; }
  void PrintSummary(uint64_t rejected) const {
    std::fprintf(
        stderr,
        "clean: %llu articles, %llu with boilerplate, %llu lines set aside, %llu rejected\n",
        static_cast<unsigned long long>(articles_), static_cast<unsigned long long>(touched_),
        static_cast<unsigned long long>(lines_), static_cast<unsigned long long>(rejected));
    for (const auto& [reason, count] : by_reason_) {
      std::fprintf(stderr, "  %8llu  %s\n", static_cast<unsigned long long>(count), reason.c_str());
    }
  }

 private:
  const BoilerplateFilter* filter_;
  std::ostream* out_;
  bool explain_;
  JsonWriter w_;
  uint64_t articles_ = 0, lines_ = 0, touched_ = 0;
  std::map<std::string, uint64_t> by_reason_;
};

int RunClean(CleanArgs& args) {
  bool from_stdin = false;
  for (const std::string& i : args.in.inputs) from_stdin |= (i == "-");
  RejectReporter rejects;
  if (!rejects.Install(&args.in)) return 1;
  std::unique_ptr<OutputFile> out;
  if (!args.output.empty() || !args.explain) {
    out = OpenOutput(args.output.empty() ? "-" : args.output);
    if (!out) return 1;
  }
  std::string out_name = args.output.empty() ? "standard output" : args.output;

  // Pass 1 learns the lines each source repeats. Files are read again in pass 2,
  // so memory stays flat; standard input cannot be, so its articles are held.
  BoilerplateFilter filter;
  std::vector<Article> held;
  {
    IngestOptions opt = args.in.ingest;
    if (!from_stdin) opt.on_reject = nullptr;  // reported once, in pass 2
    auto reader = ArticleReader::Open(args.in.inputs, opt);
    if (!reader.ok()) return Fail(reader.status().message());
    Article a;
    while (true) {
      Result<bool> more = (*reader)->Next(&a);
      if (!more.ok()) return Fail(more.status().message());
      if (!*more) break;
      filter.Observe(a);
      if (from_stdin) held.push_back(a);
    }
  }

  Cleaner cleaner(&filter, out.get(), args.explain);
  if (from_stdin) {
    for (const Article& a : held) {
      if (!cleaner.Add(a)) return Fail("writing " + out_name + " failed");
    }
  } else {
    auto reader = ArticleReader::Open(args.in.inputs, args.in.ingest);
    if (!reader.ok()) return Fail(reader.status().message());
    Progress bar("clean", (*reader)->total_bytes());
    Article a;
    while (true) {
      Result<bool> more = (*reader)->Next(&a);
      if (!more.ok()) return Fail(more.status().message());
      if (!*more) break;
      if (!cleaner.Add(a)) return Fail("writing " + out_name + " failed");
      bar.Update(cleaner.articles(), (*reader)->stats().bytes_read);
    }
    bar.Finish();
  }
  if (!rejects.Commit()) return 1;
  if (out && !out->Commit()) return 1;
  cleaner.PrintSummary(rejects.count());
  return ExitStatusFor(rejects.count());
}

void SetupClean(CLI::App& sub, int* exit_code) {
  auto args = std::make_shared<CleanArgs>();
  AddInputOptions(sub, &args->in);
  sub.add_option("-o,--output", args->output,
                 "write the cleaned articles here as JSONL (default: standard output, "
                 "none with --explain)");
  sub.add_flag("--explain", args->explain, "print the lines set aside, and why, per article");
  sub.callback([args, exit_code] { *exit_code = RunClean(*args); });
}

}  // namespace

STORYLINE_COMMAND(clean, "set boilerplate lines aside (subscribe prompts, read-also links, ...)",
                  SetupClean);

}  // namespace storyline::cli
