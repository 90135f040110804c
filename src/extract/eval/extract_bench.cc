// Copyright storyline authors.
//
// extract_bench DATA_DIR [--rounds N]
// Pages per second on one core over trafilatura's evaluation pages, in one run:
//   floor:   gumbo_parse + gumbo_destroy_output of the same bytes (parsing only);
//   extract: storyline::ExtractArticle (decoding, parsing, extraction, metadata).
// Times are thread CPU time (the machine may be shared), wall time is shown too.
// Pages are read into memory first; the file system is not timed.
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
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: extract_bench DATA_DIR [--rounds N]\n";
    return 1;
  }
  std::string dir = argv[1];
  int rounds = 1;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--rounds") rounds = std::stoi(argv[i + 1]);
  }
  std::ifstream data(dir + "/data.jsonl");
  if (!data) {
    std::cerr << "extract_bench: cannot read " << dir << "/data.jsonl\n";
    return 1;
  }
  std::vector<std::string> pages;
  size_t bytes = 0;
  std::string line;
  while (std::getline(data, line)) {
    size_t p = line.find("\"html_path\": \"");
    if (p == std::string::npos) continue;
    p += 14;
    std::string rel = line.substr(p, line.find('"', p) - p);
    std::ifstream in(dir + "/" + rel, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    pages.push_back(ss.str());
    bytes += pages.back().size();
  }
  const double n = static_cast<double>(pages.size()) * rounds;

  // Floor: parsing only.
  double c0 = CpuSeconds(), w0 = WallSeconds();
  size_t nodes = 0;
  for (int r = 0; r < rounds; ++r) {
    for (const std::string& html : pages) {
      GumboOutput* out = gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
      nodes += out->root->v.element.children.length;
      gumbo_destroy_output(&kGumboDefaultOptions, out);
    }
  }
  double floor_cpu = CpuSeconds() - c0, floor_wall = WallSeconds() - w0;

  // Extraction.
  c0 = CpuSeconds();
  w0 = WallSeconds();
  size_t chars = 0, failed = 0;
  storyline::ExtractOptions opt;
  for (int r = 0; r < rounds; ++r) {
    for (const std::string& html : pages) {
      auto page = storyline::ExtractArticle(html, opt);
      if (page.ok()) {
        chars += page->text.size();
      } else {
        ++failed;
      }
    }
  }
  double ex_cpu = CpuSeconds() - c0, ex_wall = WallSeconds() - w0;

  std::printf("pages                   %zu x %d rounds, %.1f MB\n", pages.size(), rounds,
              bytes / 1e6);
  std::printf("floor (gumbo parse)     %.1f pages/s  (%.2f s CPU, %.2f s wall, %.1f MB/s)\n",
              n / floor_cpu, floor_cpu, floor_wall, bytes * rounds / 1e6 / floor_cpu);
  std::printf("storyline extract       %.1f pages/s  (%.2f s CPU, %.2f s wall, %.1f MB/s)\n",
              n / ex_cpu, ex_cpu, ex_wall, bytes * rounds / 1e6 / ex_cpu);
  std::printf("extract / floor         %.0f%%   (target >= 50%%)\n", 100.0 * floor_cpu / ex_cpu);
  std::printf("extract_pages_per_s=%.2f\n", n / ex_cpu);
  (void)nodes;
  (void)chars;
  (void)failed;
  return 0;
}
