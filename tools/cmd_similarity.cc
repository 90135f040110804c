// storyline similarity PAIRS.jsonl -o S.jsonl [--threads N]: scores article pairs
// {"id_a","text_a","id_b","text_b"} and writes {"id_a","id_b","score","relation"}
// in input order. Bad lines are reported as FILE:LINE: reason and skipped.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "command.h"
#include "common.h"
#include "storyline/relate.h"

namespace storyline::cli {
namespace {

struct SimilarityArgs {
  std::string pairs;
  std::string output = "-";
  std::string rejects_path;
  int threads = 0;
  size_t batch = 4096;
};

int RunSimilarity(const SimilarityArgs& args) {
  // Written beside its path and renamed at the end (OutputFile): it may name the input.
  std::unique_ptr<OutputFile> rejects;
  if (!args.rejects_path.empty()) {
    rejects = OpenOutput(args.rejects_path);
    if (!rejects) return 1;
  }
  auto reader = PairReader::Open(args.pairs, [&](const PairReader::Reject& r) {
    std::cerr << r.file << ":" << r.line << ": " << r.reason << "\n";
    if (rejects) *rejects << r.raw << "\n";
  });
  if (!reader.ok()) return Fail(reader.status().message());
  auto out = OpenOutput(args.output);
  if (!out) return 1;
  PairScorer scorer(ThreadCount(args.threads));
  Progress progress("similarity", 0);
  std::vector<ArticlePair> batch;
  uint64_t done = 0;
  std::string buf;
  auto flush = [&]() -> bool {
    std::vector<PairScore> scores = scorer.ScoreBatch(batch);
    buf.clear();
    for (size_t i = 0; i < batch.size(); ++i) {
      buf += PairScoreJson(batch[i].id_a, batch[i].id_b, scores[i]);
      buf += '\n';
    }
    out->write(buf.data(), static_cast<std::streamsize>(buf.size()));
    done += batch.size();
    batch.clear();
    progress.Update(done, 0);
    return static_cast<bool>(*out);
  };
  ArticlePair p;
  while (true) {
    Result<bool> more = (*reader)->Next(&p);
    if (!more.ok()) return Fail(more.status().message());
    if (!*more) break;
    batch.push_back(std::move(p));
    if (batch.size() >= args.batch && !flush()) return Fail("cannot write " + args.output);
  }
  if (!batch.empty() && !flush()) return Fail("cannot write " + args.output);
  if (rejects && !rejects->Commit()) return 1;
  if (!out->Commit()) return 1;
  progress.Finish();
  uint64_t rejected = (*reader)->rejected();
  std::cerr << "similarity: " << done << " pairs scored, " << rejected << " rejected\n";
  return ExitStatusFor(rejected);
}

void SetupSimilarity(CLI::App& sub, int* exit_code) {
  auto args = std::make_shared<SimilarityArgs>();
  sub.add_option("PAIRS", args->pairs,
                 "JSONL of {\"id_a\",\"text_a\",\"id_b\",\"text_b\"} (- for stdin)")
      ->required();
  sub.add_option("-o,--output", args->output, "output JSONL (default: stdout)");
  sub.add_option("--threads", args->threads, "worker threads (default: all cores)")
      ->check(CLI::Range(0, kMaxThreads));
  sub.add_option("--rejects", args->rejects_path, "write rejected lines here, verbatim");
  sub.add_option("--batch", args->batch, "pairs per batch (the corpus statistics grow per batch)")
      ->check(CLI::PositiveNumber);
  sub.callback([args, exit_code] { *exit_code = RunSimilarity(*args); });
}

}  // namespace

STORYLINE_COMMAND(similarity, "scores article pairs: same story? (score in [0,1] and relation)",
                  SetupSimilarity);

}  // namespace storyline::cli
