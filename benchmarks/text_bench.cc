// Copyright storyline authors.
//
// Text pipeline throughput on real news (../shared/data/reuters21578, or the
// JSONL file named by STORYLINE_TEXT_BENCH_DATA), against
// the floor of issue 2: lower-case ASCII, split on spaces, XXH3 of each 5-word
// shingle. Run: build/text_bench (from anywhere; the data path is absolute).
#include <benchmark/benchmark.h>
#include <unicode/utf8.h>
#include <xxhash.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "core/ascii.h"
#include "storyline/article.h"
#include "storyline/text.h"
#include "text/tokenize_internal.h"

namespace {

// Pulls the "text" field out of each JSONL line. Enough JSON for a benchmark
// fixture (escapes incl. \uXXXX surrogate pairs); the product reads with simdjson.
void AppendUtf8(uint32_t cp, std::string* out) {
  // ICU's encoder; cp is a scalar value the caller decoded (surrogate pairs joined).
  char buf[U8_MAX_LENGTH];
  int32_t n = 0;
  U8_APPEND_UNSAFE(buf, n, cp);
  out->append(buf, static_cast<size_t>(n));
}

bool ReadJsonString(const std::string& line, size_t p, std::string* out) {
  out->clear();
  for (; p < line.size(); ++p) {
    char c = line[p];
    if (c == '"') return true;
    if (c != '\\') {
      out->push_back(c);
      continue;
    }
    if (++p >= line.size()) return false;
    switch (line[p]) {
      case 'n':
        out->push_back('\n');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 'b':
        out->push_back('\b');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'u': {
        if (p + 4 >= line.size()) return false;
        uint32_t cp = std::stoul(line.substr(p + 1, 4), nullptr, 16);
        p += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && p + 6 < line.size() && line[p + 1] == '\\') {
          uint32_t lo = std::stoul(line.substr(p + 3, 4), nullptr, 16);
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          p += 6;
        }
        AppendUtf8(cp, out);
        break;
      }
      default:
        out->push_back(line[p]);
    }
  }
  return false;
}

const std::vector<std::string>& Texts() {
  static std::vector<std::string> texts = [] {
    std::vector<std::string> t;
    // STORYLINE_TEXT_BENCH_DATA picks another JSONL file (e.g. bbc-news).
    const char* env = std::getenv("STORYLINE_TEXT_BENCH_DATA");
    std::string path = env != nullptr ? env
                                      : std::string(STORYLINE_SOURCE_DIR) +
                                            "/../shared/data/reuters21578/data.jsonl";
    std::ifstream in(path);
    std::string line, s;
    while (std::getline(in, line)) {
      size_t k = line.find("\"text\": \"");
      if (k == std::string::npos) continue;
      if (ReadJsonString(line, k + 9, &s) && !s.empty()) t.push_back(s);
    }
    if (t.empty()) std::fprintf(stderr, "text_bench: no texts in %s\n", path.c_str());
    return t;
  }();
  return texts;
}

int64_t TotalBytes() {
  int64_t n = 0;
  for (const std::string& t : Texts()) n += static_cast<int64_t>(t.size());
  return n;
}

// (a) of issue 2: the floor.
void BM_Floor(benchmark::State& state) {
  std::string lower;
  std::vector<uint32_t> starts, ends;
  uint64_t sink = 0;
  for (auto _ : state) {
    for (const std::string& t : Texts()) {
      lower.resize(t.size());
      for (size_t i = 0; i < t.size(); ++i) lower[i] = storyline::AsciiLower(t[i]);
      starts.clear();
      ends.clear();
      size_t i = 0, n = lower.size();
      while (i < n) {
        while (i < n && (lower[i] == ' ' || lower[i] == '\n')) ++i;
        if (i >= n) break;
        size_t b = i;
        while (i < n && lower[i] != ' ' && lower[i] != '\n') ++i;
        starts.push_back(static_cast<uint32_t>(b));
        ends.push_back(static_cast<uint32_t>(i));
      }
      for (size_t w = 0; w + 5 <= starts.size(); ++w)
        sink ^= XXH3_64bits(lower.data() + starts[w], ends[w + 4] - starts[w]);
    }
  }
  benchmark::DoNotOptimize(sink);
  state.SetBytesProcessed(state.iterations() * TotalBytes());
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(Texts().size()));
}
BENCHMARK(BM_Floor)->Unit(benchmark::kMillisecond);

void BM_Tokenize(benchmark::State& state) {
  storyline::Words w;
  size_t sink = 0;
  for (auto _ : state) {
    for (const std::string& t : Texts()) {
      storyline::Tokenize(t, &w);
      sink += w.size();
    }
  }
  benchmark::DoNotOptimize(sink);
  state.SetBytesProcessed(state.iterations() * TotalBytes());
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(Texts().size()));
}
BENCHMARK(BM_Tokenize)->Unit(benchmark::kMillisecond);

// Tokenize and hash each 5-word shingle of normalised words, the same work as the
// floor but with the real tokenizer (the signature module's own hashing may differ).
void BM_TokenizeAndShingle(benchmark::State& state) {
  storyline::Words w;
  uint64_t sink = 0;
  for (auto _ : state) {
    for (const std::string& t : Texts()) {
      storyline::Tokenize(t, &w);
      for (size_t i = 0; i + 5 <= w.size(); ++i) {
        uint32_t b = w.spans[i].norm_begin;
        uint32_t e = w.spans[i + 4].norm_begin + w.spans[i + 4].norm_len;
        sink ^= XXH3_64bits(w.norm.data() + b, e - b);
      }
    }
  }
  benchmark::DoNotOptimize(sink);
  state.SetBytesProcessed(state.iterations() * TotalBytes());
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(Texts().size()));
}
BENCHMARK(BM_TokenizeAndShingle)->Unit(benchmark::kMillisecond);

// The ICU path on the same text, to show what the fast path saves.
void BM_TokenizeIcuOnly(benchmark::State& state) {
  storyline::Words w;
  size_t sink = 0;
  for (auto _ : state) {
    for (const std::string& t : Texts()) {
      storyline::text_internal::TokenizeIcu(t, &w);
      sink += w.size();
    }
  }
  benchmark::DoNotOptimize(sink);
  state.SetBytesProcessed(state.iterations() * TotalBytes());
}
BENCHMARK(BM_TokenizeIcuOnly)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_BoilerplateClean(benchmark::State& state) {
  storyline::BoilerplateFilter filter;
  std::vector<storyline::Article> articles;
  for (const std::string& t : Texts()) {
    storyline::Article a;
    a.text = t;
    a.source = "reuters";
    articles.push_back(std::move(a));
  }
  for (const auto& a : articles) filter.Observe(a);
  size_t sink = 0;
  for (auto _ : state) {
    for (const auto& a : articles) sink += filter.Clean(a).removed.size();
  }
  benchmark::DoNotOptimize(sink);
  state.SetBytesProcessed(state.iterations() * TotalBytes());
}
BENCHMARK(BM_BoilerplateClean)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
