// storyline ingest [--db FILE] INPUT...: adds articles to the store, clustering as it
// goes, committing in batches. Every batch committed is said (a line on stderr when it
// is not a terminal, the bar on a terminal, and --progress-file), so what was reported
// committed is known to be in the store whatever happens next.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "command.h"
#include "common.h"
#include "storyline/ingest.h"
#include "storyline/store.h"

namespace storyline::cli {
namespace {

struct IngestArgs {
  InputOptions in;
  std::string db = "storyline.db";
  size_t batch = 500;
  double batch_seconds = 1.0;
  std::string progress_file;
  bool quiet = false;
};

int RunIngest(IngestArgs& args) {
  RejectReporter rejects;
  if (!rejects.Install(&args.in)) return 1;
  auto store = Store::Open(args.db, {});
  if (!store.ok()) return Fail(store.status().message());
  StoreIngestOptions so;
  so.batch_articles = args.batch;
  so.batch_seconds = args.batch_seconds;
  so.threads = ThreadCount(args.in.threads);
  auto ingest = StoreIngest::Begin(store->get(), so);
  if (!ingest.ok()) return Fail(ingest.status().message());
  auto reader = ArticleReader::Open(args.in.inputs, args.in.ingest);
  if (!reader.ok()) return Fail(reader.status().message());

  const bool tty = isatty(STDERR_FILENO) != 0;
  std::unique_ptr<std::ofstream> progress_file;
  if (!args.progress_file.empty()) {
    progress_file = std::make_unique<std::ofstream>(args.progress_file, std::ios::app);
    if (!*progress_file) return Fail("cannot open " + args.progress_file + " for writing");
  }
  // The bar counts committed articles: what it shows is durable.
  Progress bar("ingest: committed", (*reader)->total_bytes());
  (*ingest)->set_on_commit([&](const IngestCounts& c) {
    // Printed only after the transaction committed: durable from here on.
    if (progress_file) {
      *progress_file << "committed " << c.committed << " store " << c.store_articles << "\n";
      progress_file->flush();
    }
    if (!tty && !args.quiet) {
      std::fprintf(
          stderr, "ingest: batch %llu committed, %llu new articles so far, store holds %lld\n",
          static_cast<unsigned long long>(c.batches), static_cast<unsigned long long>(c.committed),
          static_cast<long long>(c.store_articles));
      std::fflush(stderr);
    }
  });
  const IngestCounts& c = (*ingest)->counts();
  if (!args.quiet) {
    std::fprintf(stderr,
                 "ingest: restored the story engine from %s in %.2f s (%llu articles replayed)\n",
                 args.db.c_str(), c.restore_seconds, static_cast<unsigned long long>(c.replayed));
  }
  Article a;
  while (true) {
    auto more = (*reader)->Next(&a);
    if (!more.ok()) {
      bar.Finish();
      Status st = (*ingest)->Finish();  // keep what was read before the failure
      (void)st;
      (void)rejects.Commit();  // the rejects of the records read, as the store keeps them
      return Fail(more.status().message());
    }
    if (!*more) break;
    auto out = (*ingest)->Add(a);
    if (!out.ok()) {
      bar.Finish();
      return Fail(out.status().message());
    }
    bar.Update(c.committed, (*reader)->stats().bytes_read);
  }
  Status fin = (*ingest)->Finish();
  bar.Finish();
  if (!rejects.Commit()) return 1;
  if (!fin.ok()) return Fail(fin.message());
  auto counts = (*store)->Counts();
  std::printf(
      "ingest: %llu read, %llu added, %llu already stored (same id), %llu same content under "
      "another id, %llu rejected; %llu committed in %llu batches; %s holds %lld articles in "
      "%lld stories\n",
      static_cast<unsigned long long>(c.offered), static_cast<unsigned long long>(c.added),
      static_cast<unsigned long long>(c.same_id), static_cast<unsigned long long>(c.same_content),
      static_cast<unsigned long long>(rejects.count()),
      static_cast<unsigned long long>(c.committed), static_cast<unsigned long long>(c.batches),
      args.db.c_str(), counts.ok() ? static_cast<long long>(counts->articles) : -1LL,
      counts.ok() ? static_cast<long long>(counts->stories) : -1LL);
  return ExitStatusFor(rejects.count());
}

void SetupIngest(CLI::App& sub, int* exit_code) {
  auto args = std::make_shared<IngestArgs>();
  AddInputOptions(sub, &args->in);
  sub.add_option("--db", args->db, "the store (created when missing)")->capture_default_str();
  sub.add_option("--batch", args->batch, "commit at least every N articles")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub.add_option("--batch-seconds", args->batch_seconds, "... and at least this often")
      ->check(FiniteRange(0, 1e9))
      ->capture_default_str();
  sub.add_option("--progress-file", args->progress_file,
                 "append a line per committed batch to this file");
  sub.add_flag("-q,--quiet", args->quiet, "no per-batch lines");
  sub.callback([args, exit_code] { *exit_code = RunIngest(*args); });
}

}  // namespace

STORYLINE_COMMAND(ingest, "add articles to the store, clustering as it goes", SetupIngest);

}  // namespace storyline::cli
