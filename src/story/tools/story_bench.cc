// Copyright storyline authors.
//
// story_bench: the story engine's speed and memory on a real wire stream.
//  1. Reuters-21578 (../shared/data/reuters21578/data.jsonl) in time order: the
//     per-article analysis (text processing) and the clustering step timed apart,
//     on one core: articles/s, p50/p99 per article, RSS after the stream.
//  2. A stream of --million N articles made from it (default 1,000,000): each pass
//     over Reuters is shifted by 240 days (so dates spread over decades) and uses
//     one of 2 variants of every text (as is, or edited: a sentence dropped, numbers changed,
//     words swapped), and every 5th article gets a planted near-copy two hours
//     later. Variants are analysed once; the stream is generated in memory (no
//     files). Prints the clustering cost and RSS per 100k articles: flat cost,
//     bounded memory.
//
// --dump FILE writes every decision of the Reuters stream (the assignment of each
// article as Add returned it, each story as it retires, a digest of the engine's
// snapshot at the end; the snapshot itself in FILE.snapshot) and a digest of the
// long stream's decisions: two builds
// whose dumps are equal decide the same (scripts/bench-story --dump).
//
// --limit N takes the first N articles of Reuters in time order only, --slowest K
// lists the K slowest clustering steps with what they did (profiling).
//
//   story_bench [REUTERS.jsonl] [--million N] [--dump FILE] [--limit N] [--slowest K]
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/hash.h"
#include "story/story_internal.h"
#include "storyline/ingest.h"
#include "storyline/story.h"

using namespace storyline;
using Clock = std::chrono::steady_clock;

namespace {

double RssMb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

// CPU time of this thread in microseconds: what the engine spent, whatever else
// runs on the machine (wall time counts the time the core was given away too).
double CpuUs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

double Pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  size_t k = static_cast<size_t>(p * (v.size() - 1));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

// A planted edit of `text`: drop one sentence, change the numbers, swap two words.
std::string Edit(const std::string& text, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out;
  size_t drop_at = text.empty() ? 0 : rng() % text.size();
  size_t drop_end = text.find('.', drop_at);
  for (size_t i = 0; i < text.size(); ++i) {
    if (drop_end != std::string::npos && i >= drop_at && i <= drop_end && i > 200) continue;
    char c = text[i];
    if (c >= '0' && c <= '9' && (rng() % 3 == 0)) c = static_cast<char>('0' + rng() % 10);
    out += c;
  }
  return out;
}

// One retired story, as the dump shows it (scores rounded: a last-bit difference
// in a norm is not a different decision).
std::string ViewLine(const StoryView& v) {
  char buf[64];
  std::string out = "story " + std::to_string(v.id) + " topic " + std::to_string(v.topic) +
                    " title " + v.title + " original " + v.original + "\n";
  for (const StoryMemberView& m : v.members) {
    std::snprintf(buf, sizeof buf, " %.6f", m.score);
    out += "  " + m.id + " " + RelationName(m.relation) + " " + m.of + buf + "\n";
  }
  for (const WeightedTerm& t : v.key_terms) {
    std::snprintf(buf, sizeof buf, "%.5f", t.weight);
    out += "  term " + t.term + " " + buf + "\n";
  }
  for (const WeightedTerm& t : v.key_names) {
    out += "  name " + t.term + " " + std::string(NameKindName(t.kind)) + "\n";
  }
  for (const std::string& x : v.summary) out += "  summary " + x + "\n";
  for (const TimelineEntry& t : v.timeline) {
    out += "  timeline " + std::to_string(t.time) + " " + t.kind + " " + t.article_id + " " +
           std::to_string(t.story) + "\n";
  }
  for (int64_t x : v.merged_from) out += "  merged " + std::to_string(x) + "\n";
  return out;
}

std::string AssignmentLine(const Assignment& a) {
  char buf[64];
  std::snprintf(buf, sizeof buf, " %.6f", a.score);
  return a.id + " " + std::to_string(a.story) + " " + std::to_string(a.topic) + " " +
         RelationName(a.relation) + " " + a.of + buf + "\n";
}

std::string MemoryLine(const EngineMemory& m, uint64_t active) {
  auto mb = [](uint64_t b) { return b / 1048576.0; };
  char buf[512];
  std::snprintf(
      buf, sizeof buf,
      "engine state %.1f MB: stories %.1f MB (%llu members), live analyses %.1f MB (%llu), "
      "index %.1f MB, topics %.1f MB (%llu topics, %llu briefs), statistics %.1f MB; "
      "per active story %.0f bytes "
      "(%.0f without live analyses), per member %.0f, per live analysis %.0f",
      mb(m.total), mb(m.stories), (unsigned long long)m.members, mb(m.live_docs),
      (unsigned long long)m.live_members, mb(m.index), mb(m.topics),
      (unsigned long long)m.topics_held, (unsigned long long)m.briefs, mb(m.statistics),
      active ? double(m.stories + m.live_docs + m.index) / active : 0.0,
      active ? double(m.stories + m.index) / active : 0.0,
      m.members ? double(m.stories) / m.members : 0.0,
      m.live_members ? double(m.live_docs) / m.live_members : 0.0);
  return buf;
}

struct BenchArgs {
  std::string path = std::string(STORYLINE_SOURCE_DIR) + "/../shared/data/reuters21578/data.jsonl";
  size_t million = 1000000;
  std::string dump_path;
  size_t limit = SIZE_MAX;
  size_t slowest = 0;
};

BenchArgs ParseArgs(int argc, char** argv) {
  BenchArgs b;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--million" && i + 1 < argc) {
      b.million = std::stoull(argv[++i]);
    } else if (a == "--dump" && i + 1 < argc) {
      b.dump_path = argv[++i];
    } else if (a == "--limit" && i + 1 < argc) {
      b.limit = std::stoull(argv[++i]);
    } else if (a == "--slowest" && i + 1 < argc) {
      b.slowest = std::stoull(argv[++i]);
    } else {
      b.path = a;
    }
  }
  return b;
}

// The clustering step of one article, with what it did (--slowest).
struct Step {
  double us;
  std::string what;
};

std::string StepLine(const Assignment& as, size_t words, const EngineStats& before,
                     const EngineStats& after) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "%s: %zu words, story %lld (%s), candidates %llu, compares %llu, "
                "retired %llu, merges %llu, active %llu",
                as.id.c_str(), words, (long long)as.story, RelationName(as.relation),
                (unsigned long long)(after.candidates_scored - before.candidates_scored),
                (unsigned long long)(after.relate_compares - before.relate_compares),
                (unsigned long long)(after.retired_stories - before.retired_stories),
                (unsigned long long)(after.merges - before.merges),
                (unsigned long long)after.active_stories);
  return buf;
}

// Per-article times of the Reuters stream, in microseconds.
struct Timings {
  std::vector<double> prep_us, clus_us, clus_cpu;
  double prep_s = 0, clus_s = 0;
  std::vector<Step> steps;
};

void PrintReuters(const Timings& t, size_t n, const StoryEngine& engine, double rss0,
                  size_t slowest) {
  EngineStats st = engine.stats();
  std::printf("analysis (text processing): %.0f articles/s, p50 %.0f us, p99 %.0f us (CPU time)\n",
              n / t.prep_s, Pct(t.prep_us, 0.5), Pct(t.prep_us, 0.99));
  double clus_cpu_s = 0;
  for (double x : t.clus_cpu) clus_cpu_s += x / 1e6;
  std::printf(
      "clustering step:            %.0f articles/s, p50 %.0f us, p99 %.0f us, max %.0f us "
      "(CPU time of the engine's thread)\n",
      n / clus_cpu_s, Pct(t.clus_cpu, 0.5), Pct(t.clus_cpu, 0.99),
      *std::max_element(t.clus_cpu.begin(), t.clus_cpu.end()));
  std::printf(
      "clustering step, wall time: %.0f articles/s, p50 %.0f us, p99 %.0f us (incl. time the "
      "core ran other processes)\n",
      n / t.clus_s, Pct(t.clus_us, 0.5), Pct(t.clus_us, 0.99));
  std::printf(
      "stories %llu, active after the stream %llu, merges %llu, splits %llu (%llu checks, "
      "%llu pairs), relate compares %llu, "
      "candidates scored/article %.1f; RSS %.0f MB (before clustering %.0f MB, "
      "incl. the analysed stream kept for part 2)\n",
      (unsigned long long)st.stories, (unsigned long long)st.active_stories,
      (unsigned long long)st.merges, (unsigned long long)st.splits,
      (unsigned long long)st.split_checks, (unsigned long long)st.split_pairs,
      (unsigned long long)st.relate_compares, (double)st.candidates_scored / n, RssMb(), rss0);
  std::printf("%s\n", MemoryLine(engine.memory(), st.active_stories).c_str());
  if (slowest) {
    std::vector<Step> steps = t.steps;
    std::sort(steps.begin(), steps.end(), [](const Step& a, const Step& b) { return a.us > b.us; });
    for (size_t i = 0; i < steps.size() && i < slowest; ++i) {
      std::printf("  slow %8.0f us  %s\n", steps[i].us, steps[i].what.c_str());
    }
  }
}

// The engine's snapshot digest (the snapshot itself in DUMP.snapshot) and its
// stories at the end of the Reuters stream.
void DumpEnd(const StoryEngine& engine, const std::string& dump_path, std::FILE* dump) {
  std::string snap = engine.Snapshot();
  std::fprintf(dump, "snapshot %zu bytes, digest %016llx\n", snap.size(),
               (unsigned long long)Hash64(snap, 1));
  if (std::FILE* f = std::fopen((dump_path + ".snapshot").c_str(), "wb")) {
    std::fwrite(snap.data(), 1, snap.size(), f);
    std::fclose(f);
  }
  engine.ForEachStory([dump](const StoryView& v) { std::fputs(ViewLine(v).c_str(), dump); });
}

// Part 1: Reuters in time order, analysis and clustering timed apart. Returns the
// analysed articles (for part 2).
std::vector<story_internal::StoryDoc> RunReuters(const std::vector<Article>& arts,
                                                 const StoryOptions& opt, const BenchArgs& args,
                                                 std::FILE* dump) {
  std::vector<PreparedArticlePtr> prepared;
  prepared.reserve(arts.size());
  Timings t;
  for (const Article& a : arts) {
    double c0 = CpuUs();
    prepared.push_back(StoryEngine::Prepare(a));
    t.prep_us.push_back(CpuUs() - c0);
    t.prep_s += t.prep_us.back() / 1e6;
  }
  double rss0 = RssMb();
  StoryEngine engine(opt);
  if (dump) {
    engine.set_on_retire([dump](const StoryView& v) { std::fputs(ViewLine(v).c_str(), dump); });
  }
  // Keep the prepared docs of the base stream for part 2: copy before adding.
  std::vector<story_internal::StoryDoc> base;
  base.reserve(prepared.size());
  for (auto& p : prepared) base.push_back(p->doc);
  t.clus_cpu.reserve(prepared.size());
  auto t0 = Clock::now();
  for (auto& p : prepared) {
    EngineStats before = args.slowest ? engine.stats() : EngineStats{};
    size_t words = p->doc.f.tokens.size();
    auto s = Clock::now();
    double c0 = CpuUs();
    Assignment as = engine.AddPrepared(std::move(p));
    t.clus_cpu.push_back(CpuUs() - c0);
    t.clus_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - s).count());
    if (dump) std::fputs(AssignmentLine(as).c_str(), dump);
    if (args.slowest) {
      t.steps.push_back({t.clus_cpu.back(), StepLine(as, words, before, engine.stats())});
    }
  }
  t.clus_s = std::chrono::duration<double>(Clock::now() - t0).count();
  prepared.clear();
  PrintReuters(t, arts.size(), engine, rss0, args.slowest);
  if (dump) DumpEnd(engine, args.dump_path, dump);
  return base;
}

constexpr int kVariants = 2;

// The variants of every base text (as is, edited), analysed, their texts dropped.
std::vector<std::vector<story_internal::StoryDoc>> MakeVariants(
    std::vector<story_internal::StoryDoc> base) {
  std::vector<std::vector<story_internal::StoryDoc>> variants(kVariants);
  auto t0 = Clock::now();
  for (int v = 0; v < kVariants; ++v) {
    variants[v].reserve(base.size());
    for (size_t i = 0; i < base.size(); ++i) {
      Article a = base[i].meta;
      if (v > 0) a.text = Edit(a.text, i * 7 + v);
      variants[v].push_back(story_internal::AnalyzeForStory(a));
      variants[v].back().meta.text.clear();  // the engine keeps texts for relations; bound them
      variants[v].back().meta.text.shrink_to_fit();
    }
  }
  base.clear();
  base.shrink_to_fit();
  std::printf("variants analysed in %.1f s; RSS %.0f MB\n",
              std::chrono::duration<double>(Clock::now() - t0).count(), RssMb());
  return variants;
}

// One chunk's line of the long stream; `lat` is the chunk's latencies.
double PrintChunk(size_t done, const std::vector<double>& lat, double secs,
                  const StoryEngine& big) {
  double sum = 0;
  for (double x : lat) sum += x;
  EngineStats bs = big.stats();
  EngineMemory mem = big.memory();
  std::printf(
      "  %8zu articles: clustering %.0f articles/s CPU (%.0f wall incl. copying), p50 %.0f "
      "us, p99 %.0f us; "
      "active stories %llu; engine state %.0f MB (topics %.0f MB, %llu); RSS %.0f MB\n",
      done, lat.size() / (sum / 1e6), lat.size() / secs, Pct(lat, 0.5), Pct(lat, 0.99),
      (unsigned long long)bs.active_stories, mem.total / 1048576.0, mem.topics / 1048576.0,
      (unsigned long long)mem.topics_held, RssMb());
  return sum / 1e6;
}

// The article `copy` of base `i` in pass `pass` of the long stream.
PreparedArticlePtr StreamArticle(const std::vector<std::vector<story_internal::StoryDoc>>& variants,
                                 size_t pass, size_t i, int copy, Timestamp t_first) {
  const Timestamp shift = static_cast<Timestamp>(pass) * 240 * 86400;
  const auto& src = variants[(pass + copy) % kVariants][i];
  PreparedArticlePtr p(new PreparedArticle{src});
  Article& m = p->doc.meta;
  m.id = std::to_string(pass) + "-" + std::to_string(i) + (copy ? "c" : "");
  m.published_ts = (src.meta.published_ts == kNoTime ? t_first : src.meta.published_ts) + shift +
                   (int64_t{copy} * 7200);
  p->doc.f.id = m.id;
  p->doc.f.published_ts = m.published_ts;
  return p;
}

// Part 2: the long stream made from the base texts.
void RunLongStream(std::vector<story_internal::StoryDoc> base, const StoryOptions& opt,
                   size_t million, std::FILE* dump) {
  std::printf(
      "\nlong stream: %zu articles from %zu bases x %d variants (the text, an edited copy), passes "
      "240 days apart\n",
      million, base.size(), kVariants);
  const std::vector<std::vector<story_internal::StoryDoc>> variants = MakeVariants(std::move(base));
  StoryEngine big(opt);
  const size_t n_base = variants[0].size();
  const Timestamp t_first = variants[0].front().meta.published_ts;
  size_t done = 0;
  std::vector<double> lat;
  lat.reserve(100000);
  double total_s = 0;
  uint64_t digest = 0;
  auto chunk_start = Clock::now();
  for (size_t pass = 0; done < million; ++pass) {
    for (size_t i = 0; i < n_base && done < million; ++i) {
      for (int copy = 0; copy < (i % 5 == 0 ? 2 : 1) && done < million; ++copy) {
        PreparedArticlePtr p = StreamArticle(variants, pass, i, copy, t_first);
        double c0 = CpuUs();
        Assignment as = big.AddPrepared(std::move(p));
        lat.push_back(CpuUs() - c0);
        if (dump) digest = Hash64(AssignmentLine(as), digest);
        ++done;
        if (done % 100000 == 0) {
          double secs = std::chrono::duration<double>(Clock::now() - chunk_start).count();
          total_s += PrintChunk(done, lat, secs, big);
          lat.clear();
          chunk_start = Clock::now();
        }
      }
    }
  }
  if (dump) {
    std::string snap = big.Snapshot();
    std::fprintf(
        dump, "long stream: %zu decisions, digest %016llx; snapshot %zu bytes, digest %016llx\n",
        done, (unsigned long long)digest, snap.size(), (unsigned long long)Hash64(snap, 1));
  }
  EngineStats bs = big.stats();
  std::printf("%s\n", MemoryLine(big.memory(), bs.active_stories).c_str());
  std::printf(
      "long stream: %zu articles, clustering %.0f articles/s overall (CPU time), %llu stories, "
      "%llu active at the end, "
      "RSS %.0f MB\n",
      done, done / total_s, (unsigned long long)bs.stories, (unsigned long long)bs.active_stories,
      RssMb());
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // figures appear as they are printed
  const BenchArgs args = ParseArgs(argc, argv);
  IngestOptions io;
  auto read = ReadAllArticles({args.path}, io);
  if (!read.ok() || read->empty()) {
    std::fprintf(stderr, "story_bench: cannot read %s: %s\n", args.path.c_str(),
                 read.status().ToString().c_str());
    return 1;
  }
  std::vector<Article> arts = std::move(*read);
  std::stable_sort(arts.begin(), arts.end(), [](const Article& a, const Article& b) {
    return a.published_ts < b.published_ts;
  });
  if (arts.size() > args.limit) arts.resize(args.limit);
  size_t dated = 0;
  for (auto& a : arts) dated += a.published_ts != kNoTime;
  std::printf("Reuters-21578: %zu articles (%zu dated), one core\n", arts.size(), dated);
  StoryOptions opt;
  opt.keep_retired = false;
  std::FILE* dump = nullptr;
  if (!args.dump_path.empty()) {
    dump = std::fopen(args.dump_path.c_str(), "w");
    if (!dump) {
      std::fprintf(stderr, "story_bench: cannot write %s\n", args.dump_path.c_str());
      return 1;
    }
  }
  std::vector<story_internal::StoryDoc> base = RunReuters(arts, opt, args, dump);
  if (args.million > 0) RunLongStream(std::move(base), opt, args.million, dump);
  if (dump) std::fclose(dump);
  return 0;
}
