// Copyright storyline authors.
//
// ingest_bench INPUT... [--repeat N]: reads the inputs with ArticleReader on one
// thread, N times (default 3), and prints articles/s and MB/s of the best run,
// with the bytes counted as the size of the inputs on disk (compressed size for
// .gz/.zst), and the peak resident memory of the process. Behind
// scripts/bench-ingest.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "core/guarded_main.h"
#include "storyline/ingest.h"

namespace {

int Run(int argc, char** argv) {
  std::vector<std::string> inputs;
  int repeat = 3;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
      repeat = std::atoi(argv[++i]);
    } else {
      inputs.push_back(argv[i]);
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "usage: ingest_bench INPUT... [--repeat N]\n");
    return 1;
  }
  // CPU seconds as well as wall seconds: on a shared machine the wall clock
  // also counts time the thread waited for a core.
  auto cpu_now = [] {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  };
  double best = 1e30, best_cpu = 1e30;
  uint64_t articles = 0, bytes = 0, text_bytes = 0, rejected = 0;
  storyline::IngestStats stats;
  for (int r = 0; r < repeat; ++r) {
    storyline::IngestOptions opt;
    auto t0 = std::chrono::steady_clock::now();
    double c0 = cpu_now();
    auto reader = storyline::ArticleReader::Open(inputs, opt);
    if (!reader.ok()) {
      std::fprintf(stderr, "ingest_bench: %s\n", reader.status().ToString().c_str());
      return 1;
    }
    storyline::Article a;
    uint64_t n = 0, text = 0;
    while (true) {
      auto more = (*reader)->Next(&a);
      if (!more.ok()) {
        std::fprintf(stderr, "ingest_bench: %s\n", more.status().ToString().c_str());
        return 1;
      }
      if (!*more) break;
      ++n;
      text += a.text.size();
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (secs < best) best = secs;
    double cpu = cpu_now() - c0;
    if (cpu < best_cpu) best_cpu = cpu;
    articles = n;
    text_bytes = text;
    bytes = (*reader)->total_bytes();
    rejected = (*reader)->stats().rejected;
    stats = (*reader)->stats();
  }
  std::printf("ingest: %llu articles, %.1f MB input (%.1f MB text), %llu rejected\n",
              static_cast<unsigned long long>(articles), bytes / 1e6, text_bytes / 1e6,
              static_cast<unsigned long long>(rejected));
  std::printf(
      "ingest: best of %d runs, one thread: %.3f s, %.0f articles/s, %.1f MB/s of input, "
      "%.1f MB/s of article text\n",
      repeat, best, articles / best, bytes / 1e6 / best, text_bytes / 1e6 / best);
  std::printf("ingest: best CPU time %.3f s: %.1f MB/s of input per CPU second\n", best_cpu,
              bytes / 1e6 / best_cpu);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  std::printf(
      "ingest: utf8 repaired %llu, mojibake repaired %llu, unparsed dates %llu; "
      "peak memory %.1f MB\n",
      static_cast<unsigned long long>(stats.utf8_repaired),
      static_cast<unsigned long long>(stats.mojibake_repaired),
      static_cast<unsigned long long>(stats.unparsed_dates), ru.ru_maxrss / 1024.0);
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return storyline::GuardedMain("ingest_bench", Run, argc, argv); }
