// storyline dedup INPUT... -o KEPT.jsonl [--clusters C.jsonl] [--threshold J]
//                 [--keep earliest|longest|first] [--threads N] [--rejects F] [--explain]
// Exact and near-duplicate removal (INTERFACE.md); the work is storyline::Dedup().
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>

#include "command.h"
#include "common.h"
#include "storyline/dedup.h"
#include "storyline/ingest.h"

namespace storyline::cli {
namespace {

struct DedupArgs {
  InputOptions in;
  std::string output;
  std::string clusters;
  double threshold = DedupOptions().threshold;
  std::string keep = "earliest";
  int shingle = 5;
  bool explain = false;
  bool no_boilerplate = false;
  bool no_containment = false;
};

// Writes KEPT lines and, with --clusters, one line per article.
class FileSink : public DedupSink {
 public:
  FileSink(std::ostream* kept, std::ostream* clusters) : kept_(kept), clusters_(clusters) {}
  Status OnRecord(const DedupRecord& r, std::string_view json) override {
    if (r.kept()) {
      kept_->write(json.data(), static_cast<std::streamsize>(json.size()));
      kept_->put('\n');
      if (!*kept_) return Status::IoError("writing the kept articles failed");
    }
    if (clusters_) {
      *clusters_ << DedupRecordJson(r) << '\n';
      if (!*clusters_) return Status::IoError("writing the clusters file failed");
    }
    return Status::Ok();
  }

 private:
  std::ostream* kept_;
  std::ostream* clusters_;
};

int RunDedup(DedupArgs& args) {
  Result<KeepPolicy> keep = ParseKeepPolicy(args.keep);
  if (!keep.ok()) return Fail(keep.status().message());
  if (!(args.threshold > 0 && args.threshold <= 1)) {
    return Fail("--threshold must be in (0, 1]");
  }
  RejectReporter rejects;
  if (!rejects.Install(&args.in)) return 1;
  auto reader = ArticleReader::Open(args.in.inputs, args.in.ingest);
  if (!reader.ok()) return Fail(reader.status().message());
  std::unique_ptr<OutputFile> kept = OpenOutput(args.output);
  if (!kept) return 1;
  std::unique_ptr<OutputFile> clusters;
  if (!args.clusters.empty()) {
    clusters = OpenOutput(args.clusters);
    if (!clusters) return 1;
  }

  DedupOptions opt;
  opt.threshold = args.threshold;
  opt.keep = *keep;
  opt.shingle_size = args.shingle;
  opt.threads = ThreadCount(args.in.threads);
  opt.clean_boilerplate = !args.no_boilerplate;
  opt.use_containment = !args.no_containment;
  Progress bar("dedup", (*reader)->total_bytes());
  opt.progress = [&bar](uint64_t n, uint64_t bytes, uint64_t) { bar.Update(n, bytes); };
  if (args.explain) {
    opt.explain = [&bar](std::string_view line) {
      bar.Finish();
      std::lock_guard<std::mutex> l(StderrMutex());
      std::cerr << line << '\n';
    };
  }
  FileSink sink(kept.get(), clusters.get());
  Result<DedupStats> st = Dedup(reader->get(), opt, &sink);
  bar.Finish();
  if (!st.ok()) return Fail(st.status().message());
  if (!rejects.Commit()) return 1;
  if (!kept->Commit()) return 1;
  if (clusters && !clusters->Commit()) return 1;
  const DedupStats& s = *st;
  std::fprintf(stderr,
               "dedup: read %llu, exact duplicates %llu, near duplicates %llu, kept %llu, "
               "rejected %llu, boilerplate lines set aside %llu\n",
               static_cast<unsigned long long>(s.read),
               static_cast<unsigned long long>(s.exact_duplicates),
               static_cast<unsigned long long>(s.near_duplicates),
               static_cast<unsigned long long>(s.kept), static_cast<unsigned long long>(s.rejected),
               static_cast<unsigned long long>(s.boilerplate_lines));
  return ExitStatusFor(rejects.count());
}

void SetupDedup(CLI::App& sub, int* exit_code) {
  auto args = std::make_shared<DedupArgs>();
  AddInputOptions(sub, &args->in);
  sub.add_option("-o,--output", args->output, "write the kept articles here (JSONL; - = stdout)")
      ->required();
  sub.add_option("--clusters", args->clusters,
                 "write one line per input article: {id, cluster, kept, of, similarity}");
  sub.add_option("--threshold", args->threshold,
                 "similarity at or above which articles are near duplicates (default 0.7)")
      ->check(FiniteRange(0, 1));
  sub.add_option("--keep", args->keep, "which article a cluster keeps: earliest|longest|first")
      ->check(CLI::IsMember({"earliest", "longest", "first"}));
  sub.add_option("--shingle", args->shingle, "words per shingle (default 5)")
      ->check(CLI::PositiveNumber);
  sub.add_flag("--explain", args->explain,
               "print the boilerplate lines set aside and each duplicate decision on stderr");
  sub.add_flag("--no-boilerplate", args->no_boilerplate,
               "sign the whole text, boilerplate lines included");
  sub.add_flag("--no-containment", args->no_containment,
               "similarity is Jaccard only (truncated copies are then not duplicates)");
  sub.callback([args, exit_code] { *exit_code = RunDedup(*args); });
}

}  // namespace

STORYLINE_COMMAND(dedup, "exact and near-duplicate removal", SetupDedup);

}  // namespace storyline::cli
