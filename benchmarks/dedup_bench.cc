// dedup_bench: speed figures for dedup (scripts/bench-dedup runs each mode in its
// own process so that peak memory is per mode).
//
//   dedup_bench generate OUT.jsonl N DATA.jsonl...   real articles scaled to N by
//                                                    copies with planted edits
//   dedup_bench generate-distinct OUT.jsonl N DATA...  the same with 35% of the words
//                                                    of each copy replaced: all kept
//   dedup_bench floor FILE THREADS       (a) read the bytes, lower-case ASCII, split
//                                        on spaces, XXH3 every 5-word shingle
//   dedup_bench sign FILE THREADS        (b) the real pipeline up to band keys:
//                                        JSONL parsing, boilerplate, tokeniser, MinHash
//   dedup_bench dedup FILE THREADS       (c) the whole dedup, output to /dev/null
//   dedup_bench scale                    what the machine gives on two threads:
//                                        a loop of arithmetic and a loop over 4 MB
//                                        per thread, twice the work on two threads
// Each prints one line: mode threads articles seconds MB/s articles/s maxrss_kb [extra].
#include <sys/resource.h>
#include <sys/stat.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <xxhash.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/hash.h"
#include "storyline/dedup.h"
#include "storyline/ingest.h"
#include "storyline/lsh.h"
#include "storyline/minhash.h"
#include "storyline/text.h"

using namespace storyline;
using Clock = std::chrono::steady_clock;

namespace {

long MaxRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

uint64_t FileSize(const std::string& p) {
  struct stat st {};
  return stat(p.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec +
         u.ru_stime.tv_usec / 1e6;
}

// Wall-clock figures, and CPU seconds: on a machine shared with other jobs the
// CPU figure is the steadier one.
void Report(const char* mode, int threads, uint64_t n, double secs, uint64_t bytes,
            const std::string& extra = "") {
  const double cpu = CpuSeconds();
  std::printf(
      "%s threads=%d articles=%llu seconds=%.2f cpu_seconds=%.2f MB/s=%.1f "
      "articles/s=%.0f MB/cpu-s=%.1f maxrss_kb=%ld %s\n",
      mode, threads, static_cast<unsigned long long>(n), secs, cpu, bytes / secs / 1e6, n / secs,
      bytes / cpu / 1e6, MaxRssKb(), extra.c_str());
  std::fflush(stdout);
}

int ReadOnly(const std::string& path) {
  auto t0 = Clock::now();
  IngestOptions io;
  auto reader = ArticleReader::Open({path}, io);
  if (!reader.ok()) return 1;
  Article a;
  uint64_t n = 0;
  while (true) {
    auto more = (*reader)->Next(&a);
    if (!more.ok() || !*more) break;
    ++n;
  }
  Report("read", 1, n, std::chrono::duration<double>(Clock::now() - t0).count(), FileSize(path));
  return 0;
}

std::vector<std::string> Pieces(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    cur += c;
    if (c == ' ' || c == '\n') {
      out.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// distinct: every copy after the first round has 35% of its words replaced, so
// it keeps ~12% of its original's shingles: no near duplicates, every article
// is kept (the worst case for the memory dedup holds).
int Generate(const std::string& out_path, uint64_t n, const std::vector<std::string>& data,
             bool distinct = false) {
  IngestOptions io;
  auto r = ReadAllArticles(data, io);
  if (!r.ok()) {
    std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
    return 1;
  }
  std::vector<Article>& src = *r;
  std::FILE* f = std::fopen(out_path.c_str(), "wb");
  if (!f) {
    std::perror(out_path.c_str());
    return 1;
  }
  std::mt19937_64 rng(99);
  const char* boiler[] = {"Subscribe to our newsletter for the latest news.",
                          "Share this article on Facebook and Twitter",
                          "Read More: https://example.com/world/latest", "Leave a Reply"};
  for (uint64_t i = 0; i < n; ++i) {
    Article a = src[i % src.size()];
    const uint64_t round = i / src.size();
    if (round > 0) {
      a.id = a.id + "#" + std::to_string(round);
      auto p = Pieces(a.text);
      std::string t;
      if (distinct) {
        for (auto& piece : p) {
          if (rng() % 100 < 35) piece = "qz" + std::to_string(rng() % 999999) + " ";
          t += piece;
        }
        a.text = t;
        std::string line = ArticleJson(a);
        line += '\n';
        std::fwrite(line.data(), 1, line.size(), f);
        continue;
      }
      switch (round % 4) {
        case 0:
        case 1: {
          size_t edits = std::max<size_t>(1, p.size() * (round % 4 == 0 ? 1 : 3) / 100);
          for (size_t e = 0; e < edits; ++e)
            p[rng() % p.size()] = "qz" + std::to_string(rng() % 99999) + " ";
          for (auto& s : p) t += s;
          break;
        }
        case 2: {
          const double keep = 0.7 + 0.2 * (rng() % 1000) / 1000.0;
          for (size_t j = 0; j < p.size() * keep; ++j) t += p[j];
          break;
        }
        default:
          t = std::string(boiler[rng() % 4]) + "\n" + a.text + "\n" + boiler[rng() % 4] + "\n";
      }
      a.text = t;
    }
    std::string line = ArticleJson(a);
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), f);
  }
  std::fclose(f);
  std::printf("generated %llu articles, %.1f MB in %s\n", static_cast<unsigned long long>(n),
              FileSize(out_path) / 1e6, out_path.c_str());
  return 0;
}

// (a): the same bytes, no JSON, no Unicode: the cost of the shingles themselves.
int Floor(const std::string& path, int threads) {
  auto t0 = Clock::now();
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    std::perror(path.c_str());
    return 1;
  }
  const size_t chunk = 16 << 20;
  std::string buf(chunk, '\0'), carry;
  uint64_t total = 0, lines = 0, sink = 0;
  tbb::task_arena arena(threads);
  while (true) {
    size_t got = std::fread(buf.data(), 1, chunk, f);
    if (got == 0 && carry.empty()) break;
    std::string block = carry + buf.substr(0, got);
    size_t cut = got == 0 ? block.size() : block.rfind('\n') + 1;
    carry = block.substr(cut);
    block.resize(cut);
    total += cut;
    std::vector<size_t> starts = {0};
    for (size_t i = 0; i < block.size(); ++i)
      if (block[i] == '\n') starts.push_back(i + 1);
    lines += starts.size() - 1;
    std::atomic<uint64_t> acc{0};
    arena.execute([&] {
      tbb::parallel_for(
          tbb::blocked_range<size_t>(0, starts.size() - 1, 64),
          [&](const tbb::blocked_range<size_t>& r) {
            std::string low;
            std::vector<uint32_t> ws;
            uint64_t local = 0;
            for (size_t l = r.begin(); l < r.end(); ++l) {
              std::string_view line(block.data() + starts[l], starts[l + 1] - starts[l] - 1);
              low.clear();
              ws.clear();
              bool in_word = false;
              for (char c : line) {
                if (c == ' ') {
                  in_word = false;
                  continue;
                }
                if (!in_word) {
                  if (!low.empty()) low += ' ';
                  ws.push_back(static_cast<uint32_t>(low.size()));
                  in_word = true;
                }
                low += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
              }
              ws.push_back(static_cast<uint32_t>(low.size() + 1));
              for (size_t i = 0; i + 5 < ws.size(); ++i)
                local ^=
                    XXH3_64bits_withSeed(low.data() + ws[i], ws[i + 5] - 1 - ws[i], kShingleSeed);
            }
            acc ^= local;
          });
    });
    sink ^= acc;
    if (got == 0) break;
  }
  std::fclose(f);
  Report("floor", threads, lines, std::chrono::duration<double>(Clock::now() - t0).count(), total,
         "check=" + std::to_string(sink & 0xff));
  return 0;
}

// (b): reading with ArticleReader, boilerplate cleaning, tokenising, shingles,
// MinHash and band keys, in parallel batches.
int Sign(const std::string& path, int threads) {
  double t_clean = 0, t_tok = 0;
  auto t0 = Clock::now();
  IngestOptions io;
  auto reader = ArticleReader::Open({path}, io);
  if (!reader.ok()) {
    std::fprintf(stderr, "%s\n", reader.status().ToString().c_str());
    return 1;
  }
  BoilerplateFilter filter;
  MinHasher hasher(kDefaultMinHashSize);
  const LshParams p = ChooseLshParams(kDefaultMinHashSize, 0.6, 0.99);
  tbb::task_arena arena(threads);
  std::vector<Article> batch(128);  // as dedup's batches: the text still in cache when signed
  uint64_t n = 0, check = 0;
  while (true) {
    size_t m = 0;
    while (m < batch.size()) {
      auto more = (*reader)->Next(&batch[m]);
      if (!more.ok() || !*more) break;
      ++m;
    }
    if (m == 0) break;
    n += m;
    std::atomic<uint64_t> acc{0};
    arena.execute([&] {
      tbb::parallel_for(
          tbb::blocked_range<size_t>(0, m, 8), [&](const tbb::blocked_range<size_t>& r) {
            thread_local Words w;
            thread_local std::vector<std::string_view> v;
            thread_local std::vector<uint64_t> sh;
            thread_local std::vector<uint32_t> sig, keys;
            for (size_t i = r.begin(); i < r.end(); ++i) {
              const bool timed = threads == 1;
              const auto c0 = timed ? Clock::now() : Clock::time_point();
              thread_local CleanedText c;
              const bool changed = filter.CleanInto(batch[i], &c);
              const auto c1 = timed ? Clock::now() : c0;
              Tokenize(changed ? std::string_view(c.text) : std::string_view(batch[i].text), &w);
              const auto c2 = timed ? Clock::now() : c1;
              if (timed) {
                t_clean += std::chrono::duration<double>(c1 - c0).count();
                t_tok += std::chrono::duration<double>(c2 - c1).count();
              }
              v.resize(w.size());
              for (size_t j = 0; j < w.size(); ++j) {
                v[j] = std::string_view(w.norm.data() + w.spans[j].norm_begin, w.spans[j].norm_len);
              }
              HashShingles(v, 5, &sh);  // repeats change no MinHash value: no sort needed
              sig.resize(hasher.num_hashes());
              keys.resize(p.bands);
              hasher.Sign(sh, sig.data());
              BandKeys(sig, p, keys.data());
              acc ^= keys[0];
            }
          });
    });
    check ^= acc;
  }
  char parts[120];
  std::snprintf(parts, sizeof parts, " clean_s=%.2f tokenize_s=%.2f (wall, 1 thread only)", t_clean,
                t_tok);
  Report("sign", threads, n, std::chrono::duration<double>(Clock::now() - t0).count(),
         FileSize(path), "check=" + std::to_string(check & 0xff) + parts);
  return 0;
}

class NullSink : public DedupSink {
 public:
  explicit NullSink(std::FILE* f) : f_(f) {}
  Status OnRecord(const DedupRecord& r, std::string_view json) override {
    if (r.kept()) {
      std::fwrite(json.data(), 1, json.size(), f_);
      std::fputc('\n', f_);
    }
    return Status::Ok();
  }
  std::FILE* f_;
};

int RunDedup(const std::string& path, int threads) {
  auto t0 = Clock::now();
  IngestOptions io;
  auto reader = ArticleReader::Open({path}, io);
  if (!reader.ok()) return 1;
  DedupOptions opt;
  opt.threads = threads;
  std::FILE* out = std::fopen("/dev/null", "wb");
  NullSink sink(out);
  auto st = Dedup(reader->get(), opt, &sink);
  std::fclose(out);
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.status().ToString().c_str());
    return 1;
  }
  char extra[512];
  std::snprintf(extra, sizeof extra,
                "kept=%llu exact=%llu near=%llu candidates=%llu held_bytes_per_article=%.1f "
                "spill_MB=%.0f phases_s=%.2f/%.2f/%.2f phases_cpu_s=%.2f/%.2f/%.2f",
                static_cast<unsigned long long>(st->kept),
                static_cast<unsigned long long>(st->exact_duplicates),
                static_cast<unsigned long long>(st->near_duplicates),
                static_cast<unsigned long long>(st->candidates),
                static_cast<double>(st->held_bytes) / st->read, st->spill_bytes / 1e6,
                st->seconds_sign, st->seconds_cluster, st->seconds_output, st->cpu_seconds_sign,
                st->cpu_seconds_cluster, st->cpu_seconds_output);
  Report("dedup", threads, st->read, std::chrono::duration<double>(Clock::now() - t0).count(),
         FileSize(path), extra);
  return 0;
}

// Two threads against one on this machine, wall clock: each thread does the work
// one thread does alone, so 2.0x is perfect scaling. The arithmetic loop touches
// no memory; the other reads and writes 4 MB per thread (more than a core's L2).
uint64_t ArithmeticLoop(uint64_t n) {
  uint64_t x = 1;
  for (uint64_t i = 0; i < n; ++i) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
  return x;
}
uint64_t MemoryLoop(uint64_t rounds) {
  std::vector<uint64_t> b(1 << 19);
  for (size_t i = 0; i < b.size(); ++i) b[i] = i * 0x9E3779B97F4A7C15ULL;
  uint64_t h = 0;
  for (uint64_t r = 0; r < rounds; ++r) {
    for (uint64_t& v : b) {
      h ^= v * 0xff51afd7ed558ccdULL;
      h = (h << 13) | (h >> 51);
      v += h;
    }
  }
  return h;
}
template <typename F>
double OnThreads(int threads, F f) {
  auto t0 = Clock::now();
  std::vector<std::thread> ts;
  std::vector<uint64_t> out(threads);
  for (int t = 0; t < threads; ++t) ts.emplace_back([&, t] { out[t] = f(); });
  for (auto& t : ts) t.join();
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  return out[0] == 42 ? s + 1e-9 : s;  // keeps the result alive
}
int Scale() {
  auto arith = [] { return ArithmeticLoop(600000000); };
  auto mem = [] { return MemoryLoop(1000); };
  const double a1 = OnThreads(1, arith), a2 = OnThreads(2, arith);
  const double m1 = OnThreads(1, mem), m2 = OnThreads(2, mem);
  std::printf(
      "scale two_threads_arithmetic=%.2fx two_threads_memory=%.2fx (wall: %.2f/%.2f s, %.2f/%.2f "
      "s)\n",
      2 * a1 / a2, 2 * m1 / m2, a1, a2, m1, m2);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "scale") return Scale();
  if (argc < 4) {
    std::fprintf(stderr,
                 "usage: dedup_bench generate OUT N DATA... | floor|sign|dedup FILE THREADS\n");
    return 1;
  }
  std::string mode = argv[1];
  if (mode == "generate" || mode == "generate-distinct") {
    return Generate(argv[2], std::strtoull(argv[3], nullptr, 10),
                    std::vector<std::string>(argv + 4, argv + argc), mode == "generate-distinct");
  }
  const int threads = std::atoi(argv[3]);
  if (mode == "floor") return Floor(argv[2], threads);
  if (mode == "read") return ReadOnly(argv[2]);
  if (mode == "sign") return Sign(argv[2], threads);
  if (mode == "dedup") return RunDedup(argv[2], threads);
  std::fprintf(stderr, "dedup_bench: unknown mode %s\n", mode.c_str());
  return 1;
}
