// Copyright storyline authors.
//
// What dedup's three passes share (internal to src/dedup): the per-article
// record held in memory, the match bookkeeping, and the Deduplicator whose
// passes live in sign_pass.cc (pass 1: read, clean, sign, spill), decide_pass.cc
// (pass 2: decisions in keep-policy order) and output_pass.cc (pass 3: records
// in input order); dedup.cc drives them.
#ifndef STORYLINE_DEDUP_DEDUP_INTERNAL_H_
#define STORYLINE_DEDUP_DEDUP_INTERNAL_H_

#include <tbb/spin_mutex.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dedup/exact_table.h"
#include "dedup/spill_file.h"
#include "dedup/spill_format.h"
#include "index/window_index.h"
#include "storyline/dedup.h"
#include "storyline/lsh.h"
#include "storyline/minhash.h"
#include "storyline/text.h"

namespace storyline::dedup_internal {

// What clustering keeps per article in memory: 32 bytes.
struct Rec {
  uint64_t offset;  // of the record in the signature spill
  uint64_t key;     // keep-policy order; later the cluster number
  uint32_t rep;     // input position of the kept article of its cluster
  float similarity;
  float jaccard;
  float containment_kind;  // containment; sign bit set for exact duplicates
};
static_assert(sizeof(Rec) == 32);

constexpr uint64_t kNoCluster = std::numeric_limits<uint64_t>::max();
constexpr uint32_t kNoRep = 0xFFFFFFFFu;

// The best kept article an article matches so far: the highest similarity at or
// above the threshold; on a tie the one offered first (the earlier kept) stays.
struct BestMatch {
  double similarity = -1;
  uint32_t rep = kNoRep;
  SetOverlap overlap;

  void Offer(double s, uint32_t j, const SetOverlap& o, double threshold) {
    if (s >= threshold && s > similarity) {
      similarity = s;
      rep = j;
      overlap = o;
    }
  }
};

// Verifies a candidate: compares the shingle set of the article being decided
// (`mine`) with that of the kept article at input position j (`theirs`) and
// offers j to *best with their similarity under `opt`.
inline void VerifyCandidate(std::span<const uint32_t> mine, std::span<const uint32_t> theirs,
                            uint32_t j, const DedupOptions& opt, BestMatch* best) {
  const SetOverlap o = CompareSets(mine, theirs);
  best->Offer(DedupSimilarity(o.intersection, o.size_a, o.size_b, opt), j, o, opt.threshold);
}

// Article i's decision from its best match: a near duplicate of it (true), or
// kept as its own cluster's article (false, r untouched).
inline bool JoinBest(const BestMatch& b, uint32_t i, Rec* r) {
  if (b.rep == kNoRep || b.rep == i) return false;
  r->rep = b.rep;
  r->similarity = static_cast<float>(b.similarity);
  r->jaccard = static_cast<float>(b.overlap.jaccard());
  r->containment_kind = static_cast<float>(b.overlap.containment());
  return true;
}

// Article r has the same content as the earlier article f: it joins f's cluster
// with f's figures, marked exact.
inline void JoinExact(const Rec& f, Rec* r) {
  r->rep = f.rep;
  r->similarity = f.similarity;
  r->jaccard = f.jaccard;
  r->containment_kind = -std::abs(f.containment_kind);
}

// Appends the KEPT line of the fields id, title, text, url, source, published,
// lang (kTextFields of them) to *out.
void AppendArticleJson(std::string* out, const std::string_view* fields);

// One article in flight through pass 1.
struct Work {
  Article article;
  // The input position of the article with the same content hash processed
  // before this one (not always earlier in the input), whose record holds the
  // set and band keys; kNoRep when this one computes its own.
  uint32_t copy_of = kNoRep;
  std::vector<uint64_t> shingles;  // hashes in text order, repeats kept
  std::vector<uint32_t> set;       // the set verification compares (see Spill)
#ifndef NDEBUG
  std::vector<uint64_t> set_scratch;  // for a check of the content hash
#endif
  std::vector<uint32_t> keys;
  uint64_t content = 0;
  uint32_t removed_lines = 0;
  std::string explain;
};

// A batch of articles read together in pass 1.
struct Batch {
  std::vector<Work> items;
  size_t size = 0;
  uint64_t first = 0;       // input position of items[0]
  uint64_t bytes_read = 0;  // the reader's count after the batch
  Status status;
  bool eof = false;
  int owner = 0;  // the pass-1 worker whose batch it is
};

// Pass 1's state of the articles of one group (Deduplicator::ProcessSome).
struct Group;
// Pass 1's batches and who does what with them (sign_pass.cc).
struct Workers;
// Pass 2 (decide_pass.cc).
struct SigRecord;
struct CacheSlot;
struct Speculation;
struct Pipeline;
class BlockExact;
// Pass 3 (output_pass.cc).
struct OutChunk;
struct ChunkReads;
struct OutState;
struct RepId;

// Deduplicates one run: Run() makes the three passes over the input.
class Deduplicator {
 public:
  Deduplicator(ArticleReader* reader, const DedupOptions& opt, DedupSink* sink);
  Result<DedupStats> Run();

 private:
  // ---- Pass 1: read, clean, tokenise, sign; spill in input order (sign_pass.cc)
  void ReadBatch(Batch* b, uint64_t first);
  void Observe(const Batch& b);
  void ProcessGroup(Batch* b, size_t begin, size_t end);
  void ProcessSome(Work* w, uint64_t pos, size_t n);
  void FindVerbatimCopies(Work* w, size_t n, Group* g);
  void CleanAndTokenize(Work* w, Words* words);
  void FindExactCopies(Work* w, const Words* words, uint64_t pos, size_t n, Group* g);
  void Sign(const Words& words, Work* w);
  Status Spill(const Batch& b);
  Status SpillRecord(const Work& w, const Rec& r);
  Status SignAll();
  Status SignLearning(int threads);
  void SignWorker(Workers* w, int me);
  Status SpillBatch(const Batch& b);
  // Whether the article at input position i comes after `holder` (an article
  // with its content) in keep order: an earlier input position and a key no
  // higher. It is then never the first of its content in keep order, whatever
  // the decisions: an exact copy of that first one, never kept.
  bool AfterHolder(uint32_t holder, uint32_t i) const {
    return holder < i && recs_[holder].key <= recs_[i].key;
  }

  // ---- Reading the signature spill (decide_pass.cc) --------------------------
  uint64_t SigEnd(uint32_t pos) const {
    return pos + 1 < recs_.size() ? recs_[pos + 1].offset : sigs_.size();
  }
  Status LoadSig(uint32_t pos, SigRecord* r) const;
  Status LoadRecord(uint32_t pos, const uint64_t** at, std::vector<uint64_t>* buf) const;
  Result<const SigRecord*> FetchSig(uint32_t pos, uint32_t pinned, std::vector<CacheSlot>* cache,
                                    SigRecord* scratch) const;
  Status ReadHeader(uint32_t pos, SpillHeader* h) const;

  // ---- Pass 2: decisions in keep-policy order (decide_pass.cc) -------------
  Status Cluster();
  void PrefetchKept(const std::vector<uint32_t>& order, size_t begin, size_t end,
                    std::vector<uint32_t>* pos);
  Status ClusterOneByOne(const std::vector<uint32_t>& order, CompactLshIndex* index_p,
                         ExactTable* exact_p);
  void Speculate(const std::vector<uint32_t>& order, const CompactLshIndex& index,
                 const ExactTable& exact, size_t rank, std::vector<CacheSlot>* cache,
                 Speculation* sp) const;
  bool NeverFirst(uint32_t i, const SigRecord& r) const;
  Status DecideBlock(size_t s, const std::vector<uint32_t>& order, const BlockExact& prev_exact,
                     std::vector<Speculation>* const spec[3],
                     const std::vector<uint32_t>& kept_prev, std::vector<uint32_t>* kept_cur,
                     BlockExact* local_exact, WindowIndex* window);
  Status ClusterPipelined(const std::vector<uint32_t>& order, int threads, CompactLshIndex* index_p,
                          ExactTable* exact_p);
  void SpeculateBlock(Pipeline* p, size_t b);
  void SpeculateRange(Pipeline* p, size_t bs, size_t begin, size_t end);
  void AddDecided(Pipeline* p, size_t b);

  // ---- Pass 3: records in input order (output_pass.cc) ---------------------
  Status ReadHead(uint32_t pos, SpillHeader* h, std::string* scratch, std::string_view* id) const;
  void StartChunkReads(size_t begin, ChunkReads* r);
  void BuildChunk(ChunkReads* r, OutChunk* c, std::vector<RepId>* rep_ids) const;
  Status NameDuplicates(size_t to, OutChunk* c, size_t* i, std::vector<RepId>* rep_ids) const;
  Status AppendKeptLines(ChunkReads* r, size_t run, OutChunk* c, size_t* i) const;
  void AwaitChunkReads(ChunkReads* r, OutState* st);
  bool ClaimAndBuild(OutState* st, size_t k);
  void BuildAhead(OutState* st);
  Status Deliver(const OutChunk& c, uint64_t* clusters);
  Status Output();

  ArticleReader* reader_;
  const DedupOptions& opt_;
  DedupSink* sink_;
  MinHasher hasher_;
  LshParams lsh_;
  BoilerplateFilter filter_;
  SpillFile sigs_;         // signature records (decision pass)
  SequentialSpill texts_;  // article fields (output pass)
  std::vector<Rec> recs_;
  // Pass 1 only: content hash -> input position of the article with it whose
  // record holds its set, the first to be processed (at most 16 bytes per
  // distinct article; freed before the decision pass). Guarded by seen_mu_, a
  // spin lock: it is held for one table probe, twice per article, and a mutex
  // would put the waiting thread to sleep, each time a wake-up's latency lost.
  tbb::spin_mutex seen_mu_;
  ExactTable seen_{std::numeric_limits<uint32_t>::max()};
  // Pass 1 only: hash of an article's text, title and outlet -> what its
  // processing found (raw_copies_[i]): at most 32 bytes per distinct article.
  struct RawCopy {
    uint64_t content = 0;
    uint32_t holder = kNoRep;  // input position of the record with the set
    uint32_t removed_lines = 0;
  };
  ExactTable raw_seen_{std::numeric_limits<uint32_t>::max()};
  std::vector<RawCopy> raw_copies_;
  DedupStats stats_;
};

}  // namespace storyline::dedup_internal

#endif  // STORYLINE_DEDUP_DEDUP_INTERNAL_H_
