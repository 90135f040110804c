// Copyright storyline authors.
//
// extract_bench DATA_DIR [--rounds N]
// extract_bench DATA_DIR --serve
// Pages per second on one core over trafilatura's evaluation pages, in one run:
//   floor:   gumbo_parse + gumbo_destroy_output of the same bytes (parsing only,
//            gumbo's default options);
//   extract: storyline::ExtractArticle (decoding, pre-pass, parsing, extraction,
//            metadata).
// Times are thread CPU time (the machine may be shared), wall time is shown too.
// Pages are read into memory first; the file system is not timed. One page of
// each is run before timing (so one-time set-up, such as ICU's, is not timed).
//
// --serve: for scripts/bench-extract, which interleaves this with
// readability-lxml over the same pages: reads lines "FIRST END" (page indexes
// in data.jsonl order) from stdin and answers each with one line
// "FLOOR_CPU_S EXTRACT_CPU_S FAILED" for those pages; exits at end of input.
// The first line printed is "PAGES N BYTES".
#include <gumbo.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "storyline/extract.h"

namespace {

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Parses each page of [first, end) with gumbo alone; returns CPU seconds.
double TimeFloor(const std::vector<std::string>& pages, size_t first, size_t end, size_t* nodes) {
  const double c0 = CpuSeconds();
  for (size_t i = first; i < end; ++i) {
    const std::string& html = pages[i];
    GumboOutput* out = gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
    *nodes += out->root->v.element.children.length;
    gumbo_destroy_output(&kGumboDefaultOptions, out);
  }
  return CpuSeconds() - c0;
}

// Extracts each page of [first, end); returns CPU seconds.
double TimeExtract(const std::vector<std::string>& pages, size_t first, size_t end, size_t* chars,
                   size_t* failed) {
  const storyline::ExtractOptions opt;
  const double c0 = CpuSeconds();
  for (size_t i = first; i < end; ++i) {
    auto page = storyline::ExtractArticle(pages[i], opt);
    if (page.ok()) {
      *chars += page->text.size();
    } else {
      ++*failed;
    }
  }
  return CpuSeconds() - c0;
}

// The pages of DATA_DIR/data.jsonl (their html_path), in order; *bytes
// receives their total size.
std::vector<std::string> LoadPages(const std::string& dir, std::ifstream& data, size_t* bytes) {
  std::vector<std::string> pages;
  std::string line;
  while (std::getline(data, line)) {
    size_t p = line.find("\"html_path\": \"");
    if (p == std::string::npos) continue;
    p += 14;
    std::string path = dir + "/";
    path += line.substr(p, line.find('"', p) - p);
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    pages.push_back(ss.str());
    *bytes += pages.back().size();
  }
  return pages;
}

// --serve: answers "FIRST END" lines from stdin with the CPU seconds of both
// sides over those pages.
void Serve(const std::vector<std::string>& pages, size_t bytes) {
  size_t nodes = 0, chars = 0;
  std::printf("PAGES %zu %zu\n", pages.size(), bytes);
  std::fflush(stdout);
  size_t first = 0, end = 0;
  while (std::cin >> first >> end) {
    if (end > pages.size()) end = pages.size();
    if (first > end) first = end;
    size_t chunk_failed = 0;
    double floor_cpu = TimeFloor(pages, first, end, &nodes);
    double ex_cpu = TimeExtract(pages, first, end, &chars, &chunk_failed);
    std::printf("%.6f %.6f %zu\n", floor_cpu, ex_cpu, chunk_failed);
    std::fflush(stdout);
  }
}

// Times `rounds` full passes of both sides and prints the rates.
void RunRounds(const std::vector<std::string>& pages, size_t bytes, int rounds) {
  size_t nodes = 0, chars = 0, failed = 0;
  const double n = static_cast<double>(pages.size()) * rounds;
  double floor_cpu = 0, ex_cpu = 0;
  double w0 = WallSeconds();
  for (int r = 0; r < rounds; ++r) floor_cpu += TimeFloor(pages, 0, pages.size(), &nodes);
  double floor_wall = WallSeconds() - w0;
  w0 = WallSeconds();
  for (int r = 0; r < rounds; ++r) ex_cpu += TimeExtract(pages, 0, pages.size(), &chars, &failed);
  double ex_wall = WallSeconds() - w0;

  std::printf("pages                   %zu x %d rounds, %.1f MB\n", pages.size(), rounds,
              bytes / 1e6);
  std::printf("floor (gumbo parse)     %.1f pages/s  (%.2f s CPU, %.2f s wall, %.1f MB/s)\n",
              n / floor_cpu, floor_cpu, floor_wall, bytes * rounds / 1e6 / floor_cpu);
  std::printf("storyline extract       %.1f pages/s  (%.2f s CPU, %.2f s wall, %.1f MB/s)\n",
              n / ex_cpu, ex_cpu, ex_wall, bytes * rounds / 1e6 / ex_cpu);
  std::printf("extract / floor         %.0f%%   (target >= 50%%)\n", 100.0 * floor_cpu / ex_cpu);
  std::printf("extract_pages_per_s=%.2f\n", n / ex_cpu);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: extract_bench DATA_DIR [--rounds N | --serve]\n";
    return 1;
  }
  std::string dir = argv[1];
  int rounds = 1;
  bool serve = false;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--rounds" && i + 1 < argc) rounds = std::stoi(argv[++i]);
    if (a == "--serve") serve = true;
  }
  std::ifstream data(dir + "/data.jsonl");
  if (!data) {
    std::cerr << "extract_bench: cannot read " << dir << "/data.jsonl\n";
    return 1;
  }
  size_t bytes = 0;
  const std::vector<std::string> pages = LoadPages(dir, data, &bytes);
  if (pages.empty()) {
    std::cerr << "extract_bench: no pages in " << dir << "/data.jsonl\n";
    return 1;
  }
  // Warm-up, not timed.
  size_t nodes = 0, chars = 0, failed = 0;
  TimeFloor(pages, 0, 1, &nodes);
  TimeExtract(pages, 0, 1, &chars, &failed);
  if (serve) {
    Serve(pages, bytes);
  } else {
    RunRounds(pages, bytes, rounds);
  }
  return 0;
}
