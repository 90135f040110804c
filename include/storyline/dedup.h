// Copyright storyline authors.
//
// Exact and near-duplicate removal over a stream of articles: the library behind
// `storyline dedup` (INTERFACE.md), shared by the CLI, the Python module and the
// store. How it decides is written down in docs/dedup.md; in short:
//
//   1. Each article's text is cleaned of boilerplate lines (text.h), tokenised,
//      and cut into word shingles (minhash.h); its content hash is the hash of the
//      cleaned, normalised words. MinHash signatures and LSH band keys (lsh.h) are
//      computed in parallel; what later steps need is spilled to temporary files,
//      so memory holds ~tens of bytes per article, not texts or signatures.
//   2. Articles are then taken in the order of the keep policy (earliest published,
//      longest, or first in the input; input order breaks ties). Each one is an
//      exact duplicate when an article before it had the same content hash;
//      otherwise it is a near duplicate of the most similar kept article whose
//      similarity, verified exactly on the shingle sets, reaches the threshold;
//      otherwise it is kept and starts a cluster. So every member is verified
//      against its cluster's kept article (no chaining), and the result does not
//      depend on the number of threads.
//   3. The results come out in input order.
//
//   storyline::DedupOptions opt;             // threshold 0.7, keep earliest
//   auto reader = storyline::ArticleReader::Open({"feed.jsonl"}, {});
//   MySink sink;                             // a DedupSink
//   storyline::Result<storyline::DedupStats> st = storyline::Dedup(reader->get(), opt, &sink);
#ifndef STORYLINE_DEDUP_H_
#define STORYLINE_DEDUP_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "storyline/article.h"
#include "storyline/ingest.h"
#include "storyline/lsh.h"
#include "storyline/relation.h"
#include "storyline/status.h"

namespace storyline {

// Which article of a cluster is kept.
enum class KeepPolicy {
  kEarliest,  // the earliest `published` (articles without a date come after dated ones)
  kLongest,   // the longest text (bytes)
  kFirst,     // the first in the input
};
// "earliest" | "longest" | "first"; InvalidArgument naming the value otherwise.
Result<KeepPolicy> ParseKeepPolicy(std::string_view name);
const char* KeepPolicyName(KeepPolicy policy);

struct DedupOptions {
  // Similarity (see docs/dedup.md) at or above which an article is a near
  // duplicate of a kept one. 5-word shingles magnify edits five times: a copy with
  // 3% of its words changed keeps ~86% of its shingles on average and as little as
  // 72% on a short wire item, so 0.7 is what keeps light edits (1-3% of words,
  // boilerplate added, truncation to 70%+) with their original, while two reports
  // of one event by different writers, which share under 10%, stay far apart.
  double threshold = 0.7;
  // Count containment |A∩B| / min(|A|,|B|) as similarity as well, when the shorter
  // set has at least `containment_min_shingles` shingles and at least
  // `containment_min_ratio` of the longer one's: a truncated copy, or a copy with
  // lines added, is still a copy.
  bool use_containment = true;
  double containment_min_ratio = 0.5;
  int containment_min_shingles = 10;
  int shingle_size = 5;  // words per shingle
  int num_hashes = 128;  // MinHash size
  // LSH design point: candidate recall >= lsh_recall for pairs of Jaccard >= this.
  // 0 means threshold - 0.2: 0.5 for the default threshold, which gives 35 bands
  // of 3 rows, so that pairs whose similarity comes from containment (Jaccard
  // lower than the similarity) are found too (docs/dedup.md).
  double lsh_similarity = 0;
  double lsh_recall = 0.99;
  KeepPolicy keep = KeepPolicy::kEarliest;
  int threads = 0;                // 0 = all cores; the output is the same for any value
  bool clean_boilerplate = true;  // signatures over the text without boilerplate lines
  // Also learn the lines a source repeats (BoilerplateFilter::Observe). Off by
  // default: in a feed with copies, the copies themselves repeat every line of
  // the original, and learning them as boilerplate would erase what is compared.
  bool learn_boilerplate = false;
  std::string temp_dir;  // for the spill file; "" = $TMPDIR or /tmp
  // Read the signature spill through a memory mapping (false: with pread, where
  // a mapping is unwanted, say where address space is short). The same output
  // either way; the mapping is faster.
  bool map_spill = true;
  // Called from one thread at a time (not always the calling thread), in input
  // order, with human-readable lines for --explain: the boilerplate lines set
  // aside and why, and each duplicate's decision. Unset: no explanation is made.
  std::function<void(std::string_view line)> explain;
  // Called from one thread at a time (not always the calling thread) now and
  // then: at least once per batch read.
  std::function<void(uint64_t articles, uint64_t bytes_read, uint64_t total_bytes)> progress;
};

// The decision about one article.
struct DedupRecord {
  std::string_view id;   // valid during the DedupSink call only
  uint64_t cluster = 0;  // 0-based; clusters numbered in input order of their first article
  // kOriginal for the article kept for its cluster; kDuplicate for an exact copy
  // (the same content hash) and kNearDuplicate for a near one of the kept article.
  Relation relation = Relation::kOriginal;
  bool kept() const { return relation == Relation::kOriginal; }
  std::string_view of;    // the id kept for its cluster (its own id when kept)
  uint64_t of_seq = 0;    // input position (0-based) of that article
  uint64_t seq = 0;       // input position of this article
  double similarity = 1;  // to the kept article (1 for kept and exact duplicates)
  double jaccard = 1;
  double containment = 1;
};

// Receives the decisions in input order, on the calling thread.
class DedupSink {
 public:
  virtual ~DedupSink() = default;
  // `article_json`: for a kept article, the article as one KEPT.jsonl line
  // (without newline): {"id","title","text","url","source","published","lang"};
  // empty for a duplicate (only kept lines are ever written, so duplicates are
  // never serialised). A non-ok Status stops the run and is returned by Dedup().
  virtual Status OnRecord(const DedupRecord& record, std::string_view article_json) = 0;
};

struct DedupStats {
  uint64_t read = 0;      // articles accepted by the reader
  uint64_t rejected = 0;  // records the reader rejected
  uint64_t exact_duplicates = 0;
  uint64_t near_duplicates = 0;
  uint64_t kept = 0;
  uint64_t boilerplate_lines = 0;  // lines set aside before signing
  uint64_t bytes_read = 0;         // input bytes (compressed where compressed)
  uint64_t text_bytes = 0;         // bytes of article text
  uint64_t candidates = 0;         // candidate pairs verified exactly
  uint64_t spill_bytes = 0;        // size of the temporary spill files
  uint64_t held_bytes = 0;         // memory held for all articles at the peak:
                                   // records, exact-hash tables, LSH index (the
                                   // larger of pass 1's and the decision pass's)
  LshParams lsh;
  double seconds_sign = 0;     // reading, cleaning, tokenising, signing
  double seconds_cluster = 0;  // exact and near-duplicate decisions
  double seconds_output = 0;   // handing the records to the sink
  // CPU seconds of the whole process (all threads, user + system) in the same
  // three phases: on a shared machine, steadier than the wall-clock figures.
  double cpu_seconds_sign = 0;
  double cpu_seconds_cluster = 0;
  double cpu_seconds_output = 0;
};

// Reads every article of `reader` and decides, as the header comment says. Returns
// the statistics, or the first input/output failure (the reader's, the spill
// file's, or the sink's). Rejected records are the reader's business (its
// on_reject). `reader` and `sink` are borrowed for the call. Runs on the calling
// thread plus `options.threads` TBB workers; calls on different readers may run
// at once (no global state). Needs temporary disk space of ~1.6x the input in
// options.temp_dir (IoError naming the file when it cannot be written).
Result<DedupStats> Dedup(ArticleReader* reader, const DedupOptions& options, DedupSink* sink);

// The same over articles in memory: one record per article, in order, with `id`
// and `of` pointing into `articles` (keep them alive while using the records).
struct DedupResult {
  std::vector<DedupRecord> records;
  DedupStats stats;
};
Result<DedupResult> DedupArticles(const std::vector<Article>& articles,
                                  const DedupOptions& options);

// The exact similarity the decision uses, from the overlap counts of two shingle
// sets: max(jaccard, containment when allowed by `options`).
double DedupSimilarity(size_t intersection, size_t size_a, size_t size_b,
                       const DedupOptions& options);

// The decision about one article as one --clusters line (no newline), the format
// of INTERFACE.md: {"id","cluster","kept","of","similarity","relation"}, where
// relation is "original" (the kept article), "duplicate" or "near-duplicate"
// (RelationName). Shared by the CLI and
// the Python module so the two never drift apart.
std::string DedupRecordJson(const DedupRecord& record);

// The article as one KEPT.jsonl line (no newline): id, title, text, url, source,
// published, lang; empty optional fields are null.
std::string ArticleJson(const Article& article);

}  // namespace storyline

#endif  // STORYLINE_DEDUP_H_
