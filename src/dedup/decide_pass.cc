// Copyright storyline authors.
//
// Dedup's pass 2: decides each article in keep-policy order, an exact duplicate
// (exact tables), a near duplicate of a kept article (LSH candidates verified
// on their shingle sets), or kept. Also the reading of the signature spill.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <bit>
#include <cstring>

#include "dedup/dedup_internal.h"

namespace storyline::dedup_internal {
namespace {

// Whether two records share a band key: a CompactLshIndex candidate that does
// not is a fingerprint false match, not an LSH candidate.
bool ShareBand(const uint32_t* a, const uint32_t* b, int bands) {
  for (int j = 0; j < bands; ++j) {
    if (a[j] == b[j]) return true;
  }
  return false;
}

// Without a mapping, recently read signature records, direct-mapped by input
// position: the kept article a copy is verified against was, most often, read
// a moment before.
constexpr size_t kCacheSlots = 1024;
constexpr uint64_t kCacheMaxBytes = 64 << 10;  // larger records are not kept

// Articles per block of the multi-thread decision pass: large enough that the
// hand-over between threads at each step costs little.
constexpr size_t kBlock = 2048;
static_assert(2 * kBlock <= 65536, "WindowIndex ids are 16-bit");

// Kept articles' fields less than this apart are asked for as one range
// (PrefetchKept).
constexpr uint64_t kPrefetchGap = 16 << 10;

}  // namespace

// A signature record: in place in the mapping of the spill, or, when the
// spill could not be mapped, read whole into buf with one pread.
// For a copy record, header() is the copy's own and keys() and set() those of
// the record it links to (`sig`).
struct SigRecord {
  const uint64_t* base = nullptr;
  const uint64_t* sig = nullptr;  // == base, but for a copy record
  std::vector<uint64_t> buf, sig_buf;
  const SpillHeader& header() const { return *reinterpret_cast<const SpillHeader*>(base); }
  const uint32_t* keys() const {
    return reinterpret_cast<const uint32_t*>(sig) + sizeof(SpillHeader) / 4;
  }
  std::span<const uint32_t> set(int bands) const {
    return {keys() + bands, reinterpret_cast<const SpillHeader*>(sig)->shingles};
  }
};

struct CacheSlot {
  uint32_t pos = kNoRep;
  SigRecord rec;
};

Status Deduplicator::LoadSig(uint32_t pos, SigRecord* r) const {
  STORYLINE_RETURN_IF_ERROR(LoadRecord(pos, &r->base, &r->buf));
  r->sig = r->base;
  const SpillHeader& h = r->header();
  if (h.shingles != kCopyRecord) return Status::Ok();
  uint32_t holder;
  std::memcpy(&holder, r->base + sizeof h / 8, sizeof holder);
  return LoadRecord(holder, &r->sig, &r->sig_buf);
}

// The record at `pos`: in place in the mapping, or read into *buf.
Status Deduplicator::LoadRecord(uint32_t pos, const uint64_t** at,
                                std::vector<uint64_t>* buf) const {
  const uint64_t begin = recs_[pos].offset, n = SigEnd(pos) - begin;
  if (const char* v = sigs_.View(begin, n)) {
    *at = reinterpret_cast<const uint64_t*>(v);  // records start at multiples of 8
    return Status::Ok();
  }
  // Grown, never shrunk: no zero-filling of what the read overwrites anyway
  // (the record's extent comes from its header, not from buf.size()).
  if (buf->size() < (n + 7) / 8) buf->resize((n + 7) / 8);
  *at = buf->data();
  return sigs_.ReadAt(begin, n, buf->data());
}

// The record at `pos`: in the mapping, from `cache`, or read into it (or, for
// a large record or one whose slot holds `pinned`, into *scratch). Valid until
// the next call with the same cache or scratch.
Result<const SigRecord*> Deduplicator::FetchSig(uint32_t pos, uint32_t pinned,
                                                std::vector<CacheSlot>* cache,
                                                SigRecord* scratch) const {
  if (sigs_.mapped()) {
    STORYLINE_RETURN_IF_ERROR(LoadSig(pos, scratch));
    return scratch;
  }
  if (cache->empty()) cache->resize(kCacheSlots);
  CacheSlot& slot = (*cache)[pos & (kCacheSlots - 1)];
  if (slot.pos == pos) return &slot.rec;
  if (SigEnd(pos) - recs_[pos].offset > kCacheMaxBytes ||
      (slot.pos == pinned && pinned != kNoRep)) {
    STORYLINE_RETURN_IF_ERROR(LoadSig(pos, scratch));
    return scratch;
  }
  slot.pos = kNoRep;
  STORYLINE_RETURN_IF_ERROR(LoadSig(pos, &slot.rec));
  slot.pos = pos;
  return &slot.rec;
}

Status Deduplicator::ReadHeader(uint32_t pos, SpillHeader* h) const {
  if (const char* v = sigs_.View(recs_[pos].offset, sizeof *h)) {
    std::memcpy(h, v, sizeof *h);  // a fixed size: no call
    return Status::Ok();
  }
  return sigs_.ReadAt(recs_[pos].offset, sizeof *h, h);
}

Status Deduplicator::Cluster() {
  const size_t n = recs_.size();
  const int threads = opt_.threads > 0 ? opt_.threads : tbb::info::default_concurrency();
  // Keep order: by policy key, input order breaking ties (so any sort gives
  // the one order), sorted as (key, position) pairs side by side in memory.
  std::vector<uint32_t> order(n);
  {
    std::vector<std::pair<uint64_t, uint32_t>> keyed(n);
    for (size_t i = 0; i < n; ++i) keyed[i] = {recs_[i].key, static_cast<uint32_t>(i)};
    tbb::task_arena arena(threads);
    arena.execute([&] { tbb::parallel_sort(keyed.begin(), keyed.end()); });
    for (size_t i = 0; i < n; ++i) order[i] = keyed[i].second;
  }
  // Band keys are checked on the candidate's record (ShareBand): the compact
  // index may report a few that share none.
  CompactLshIndex index(lsh_, static_cast<uint32_t>(std::max<size_t>(n, 1)));
  ExactTable exact(n);
  if (threads > 1 && lsh_.bands < 256) {
    STORYLINE_RETURN_IF_ERROR(ClusterPipelined(order, threads, &index, &exact));
  } else {
    STORYLINE_RETURN_IF_ERROR(ClusterOneByOne(order, &index, &exact));
  }
  stats_.held_bytes = recs_.capacity() * sizeof(Rec) + order.capacity() * sizeof(uint32_t) +
                      exact.MemoryBytes() + index.MemoryBytes();
  return Status::Ok();
}

// The output pass reads back the fields of the kept articles, and the disk
// reads them into the page cache beside the decision pass, asked for as they
// are decided: here those of ranks [begin, end), decided (*pos is scratch).
// Runs of consecutive input positions are one range, and ranges less than
// kPrefetchGap apart one. Not the whole text spill: filling the page cache
// costs CPU page by page, which the threads deciding have none of to spare. A
// hint only: on an error reading a header it stops (the output pass reports
// such errors).
void Deduplicator::PrefetchKept(const std::vector<uint32_t>& order, size_t begin, size_t end,
                                std::vector<uint32_t>* pos) {
  pos->clear();
  for (size_t rank = begin; rank < end; ++rank) {
    const uint32_t i = order[rank];
    if (recs_[i].rep == i) pos->push_back(i);
  }
  std::sort(pos->begin(), pos->end());
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (size_t k = 0; k < pos->size();) {
    size_t e = k + 1;
    while (e < pos->size() && (*pos)[e] == (*pos)[e - 1] + 1) ++e;
    const uint32_t after = (*pos)[e - 1] + 1;
    SpillHeader first, next;
    if (!ReadHeader((*pos)[k], &first).ok()) break;
    uint64_t fields_end = texts_.size();  // where the run's fields end
    if (after < recs_.size()) {
      if (!ReadHeader(after, &next).ok()) break;
      fields_end = next.text_offset;
    }
    if (!ranges.empty() &&
        first.text_offset <= ranges.back().first + ranges.back().second + kPrefetchGap) {
      ranges.back().second = fields_end - ranges.back().first;
    } else {
      ranges.push_back({first.text_offset, fields_end - first.text_offset});
    }
    k = e;
  }
  texts_.Prefetch(std::move(ranges));
}

// One thread: each article in keep order, candidates read through the cache.
Status Deduplicator::ClusterOneByOne(const std::vector<uint32_t>& order, CompactLshIndex* index_p,
                                     ExactTable* exact_p) {
  const size_t n = order.size();
  CompactLshIndex& index = *index_p;
  ExactTable& exact = *exact_p;
  std::vector<uint32_t> cands;
  SigRecord mine_buf, theirs_buf;
  std::vector<CacheSlot> cache;
  std::vector<uint32_t> kept;
  const int bands = lsh_.bands;
  for (size_t rank = 0; rank < n; ++rank) {
    if (rank % kBlock == 0 && rank != 0) PrefetchKept(order, rank - kBlock, rank, &kept);
    const uint32_t i = order[rank];
    Rec& r = recs_[i];
    r.rep = i;
    r.similarity = r.jaccard = r.containment_kind = 1;
    Result<const SigRecord*> mine_r = FetchSig(i, kNoRep, &cache, &mine_buf);
    if (!mine_r.ok()) return mine_r.status();
    const SigRecord& mine = **mine_r;
    const SpillHeader& h = mine.header();
    if (h.shingles == 0) continue;  // no words: nothing to compare; kept alone
    const uint32_t first = exact.FindOrInsert(h.content, i);
    if (first != i) {
      JoinExact(recs_[first], &r);
      continue;
    }
    index.Query(mine.keys(), &cands);
    BestMatch best;
    for (uint32_t c : cands) {  // ascending keep order: ties go to the earlier
      const uint32_t j = order[c];
      Result<const SigRecord*> theirs = FetchSig(j, i, &cache, &theirs_buf);
      if (!theirs.ok()) return theirs.status();
      if (!ShareBand(mine.keys(), (*theirs)->keys(), bands)) continue;
      ++stats_.candidates;
      VerifyCandidate(mine.set(bands), (*theirs)->set(bands), j, opt_, &best);
    }
    if (!JoinBest(best, i, &r)) index.Insert(static_cast<uint32_t>(rank), mine.keys());
  }
  if (n > 0) PrefetchKept(order, (n - 1) / kBlock * kBlock, n, &kept);
  return Status::Ok();
}

// What one article's decision needs, worked out ahead in parallel: its record,
// and its best match among the kept articles indexed before its block.
struct Speculation {
  SigRecord own;
  // Copied from the record while it is in this thread's cache: the decider
  // reads them in order from here, not at random from the mapping (where its
  // header reads would be cache misses).
  uint64_t content = 0;
  uint32_t shingles = 0;
  uint32_t* keys = nullptr;  // bands band keys, in the block's key store
  // The first article in keep order with its content hash among those the
  // exact table held (ExactTable::kEmpty when none): it is then an exact copy.
  uint32_t exact_first = ExactTable::kEmpty;
  // An exact copy of an article before it in keep order, though not one the
  // exact table held (NeverFirst): not speculated; the decider finds the
  // first of its content in its block tables.
  bool copy_later = false;
  size_t index_candidates = 0;
  BestMatch best;
  Status status;
};

void Deduplicator::Speculate(const std::vector<uint32_t>& order, const CompactLshIndex& index,
                             const ExactTable& exact, size_t rank, std::vector<CacheSlot>* cache,
                             Speculation* sp) const {
  const int bands = lsh_.bands;
  const uint32_t i = order[rank];
  sp->exact_first = ExactTable::kEmpty;
  sp->copy_later = false;
  sp->index_candidates = 0;
  sp->best = BestMatch();
  sp->status = LoadSig(i, &sp->own);
  if (!sp->status.ok()) return;
  const SpillHeader& h = sp->own.header();
  sp->content = h.content;
  sp->shingles = h.shingles;
  if (h.shingles == 0) return;
  sp->exact_first = exact.Find(h.content);
  if (sp->exact_first != ExactTable::kEmpty) return;  // decided by the exact table alone
  if (NeverFirst(i, sp->own)) {
    sp->copy_later = true;
    return;
  }
  std::memcpy(sp->keys, sp->own.keys(), sizeof(uint32_t) * bands);
  thread_local std::vector<uint32_t> cands;
  index.Query(sp->keys, &cands);
  thread_local SigRecord scratch;
  for (uint32_t c : cands) {  // ascending keep order: ties go to the earlier
    const uint32_t j = order[c];
    Result<const SigRecord*> fetched = FetchSig(j, kNoRep, cache, &scratch);
    if (!fetched.ok()) {
      sp->status = fetched.status();
      return;
    }
    const SigRecord* theirs = *fetched;
    if (!ShareBand(sp->keys, theirs->keys(), bands)) continue;
    ++sp->index_candidates;
    VerifyCandidate(sp->own.set(bands), theirs->set(bands), j, opt_, &sp->best);
  }
}

// Whether the article at input position i, whose record is r, is a copy
// record that comes after its holder in keep order (AfterHolder): decided by
// the exact tables alone. Most exact copies are speculated before the exact
// table holds their first one (it is in the block being decided, or earlier in
// their own): without this, their candidates would be looked up and compared
// in vain.
bool Deduplicator::NeverFirst(uint32_t i, const SigRecord& r) const {
  if (r.header().shingles != kCopyRecord) return false;
  uint32_t holder;
  std::memcpy(&holder, r.base + sizeof(SpillHeader) / 8, sizeof holder);
  return AfterHolder(holder, i);
}

// Content hash -> first input position, for the articles of one block of the
// decision pass (at most kBlock; cleared per block).
class BlockExact {
 public:
  void Clear() {
    for (uint32_t s : used_) pos_[s] = kNoRep;
    used_.clear();
  }
  uint32_t Find(uint64_t h) const {
    for (size_t s = Home(h); pos_[s] != kNoRep; s = (s + 1) & (kSize - 1)) {
      if (keys_[s] == h) return pos_[s];
    }
    return kNoRep;
  }
  uint32_t FindOrInsert(uint64_t h, uint32_t pos) {
    size_t s = Home(h);
    while (pos_[s] != kNoRep) {
      if (keys_[s] == h) return pos_[s];
      s = (s + 1) & (kSize - 1);
    }
    keys_[s] = h;
    pos_[s] = pos;
    used_.push_back(static_cast<uint32_t>(s));
    return pos;
  }
  // The entries in the order they were inserted; ahead(h) is called for the
  // hash of the entry 8 on.
  template <typename F, typename A>
  void ForEach(F f, A ahead) const {
    for (size_t k = 0; k < used_.size(); ++k) {
      if (k + 8 < used_.size()) ahead(keys_[used_[k + 8]]);
      f(keys_[used_[k]], pos_[used_[k]]);
    }
  }

 private:
  static size_t Home(uint64_t h) {
    return static_cast<size_t>((h * 0x9E3779B97F4A7C15ULL) >> (64 - kBits));
  }
  static constexpr int kBits = std::bit_width(kBlock) + 1;  // load <= 0.5: kBlock entries at most
  static constexpr size_t kSize = size_t{1} << kBits;
  std::vector<uint64_t> keys_ = std::vector<uint64_t>(kSize);
  std::vector<uint32_t> pos_ = std::vector<uint32_t>(kSize, kNoRep);
  std::vector<uint32_t> used_;
};

// Decides block s (ranks [s * kBlock, ...)) in order, from its speculations
// (made against the index and exact table holding blocks up to s - 2) and the
// kept articles of blocks s - 1 (`kept_prev`, ranks) and s, which a small
// index of the two blocks covers, and the content hashes new in block s - 1
// (`prev_exact`). The block's new content hashes go to *local_exact and its
// kept articles to *kept_cur.
Status Deduplicator::DecideBlock(size_t s, const std::vector<uint32_t>& order,
                                 const BlockExact& prev_exact,
                                 std::vector<Speculation>* const spec[3],
                                 const std::vector<uint32_t>& kept_prev,
                                 std::vector<uint32_t>* kept_cur, BlockExact* local_exact,
                                 WindowIndex* window) {
  const int bands = lsh_.bands;
  const size_t bs = s * kBlock, be = std::min(order.size(), bs + kBlock);
  const size_t base = s == 0 ? 0 : bs - kBlock;
  auto at = [&](size_t rank) -> Speculation& {
    return (*spec[(rank / kBlock) % 3])[rank % kBlock];
  };
  WindowIndex& local = *window;  // kept articles of blocks s - 1 and s, by rank - base
  local.Reset();
  for (uint32_t rank : kept_prev) local.Insert(rank - static_cast<uint32_t>(base), at(rank).keys);
  local_exact->Clear();
  std::vector<uint32_t> local_cands;
  for (size_t rank = bs; rank < be; ++rank) {
    Speculation& sp = at(rank);
    STORYLINE_RETURN_IF_ERROR(sp.status);
    const uint32_t i = order[rank];
    Rec& r = recs_[i];
    r.rep = i;
    r.similarity = r.jaccard = r.containment_kind = 1;
    if (sp.shingles == 0) continue;
    // The exact table held blocks up to s - 2 when the block was speculated.
    uint32_t first = sp.exact_first;
    if (first == ExactTable::kEmpty) first = prev_exact.Find(sp.content);
    if (first == kNoRep) first = local_exact->FindOrInsert(sp.content, i);
    if (first == i && sp.copy_later) {
      return Status::Internal("dedup: article " + std::to_string(i) +
                              " is a later exact copy, but the first of its content");
    }
    if (first != i) {
      JoinExact(recs_[first], &r);
      continue;
    }
    stats_.candidates += sp.index_candidates;
    BestMatch best = sp.best;
    local.Query(sp.keys, &local_cands);
    for (uint32_t c : local_cands) {  // after every indexed one, ascending
      ++stats_.candidates;
      VerifyCandidate(sp.own.set(bands), at(base + c).own.set(bands), order[base + c], opt_, &best);
    }
    if (!JoinBest(best, i, &r)) {
      kept_cur->push_back(static_cast<uint32_t>(rank));
      local.Insert(static_cast<uint32_t>(rank - base), sp.keys);
    }
  }
  return Status::Ok();
}

// The state of ClusterPipelined: three blocks' speculations (block b in
// spec[b % 3]), the kept articles and new content hashes of the block decided
// before (prev) and of the one being decided (cur, local), and the window index.
struct Pipeline {
  Pipeline(const std::vector<uint32_t>& order_in, int threads_in, int bands,
           CompactLshIndex* index_in, ExactTable* exact_in)
      : order(order_in),
        n(order_in.size()),
        threads(threads_in),
        index(*index_in),
        exact(*exact_in),
        caches(threads_in),
        window(bands) {
    for (int k = 0; k < 3; ++k) {
      spec_store[k].resize(std::min(n, kBlock));
      spec[k] = &spec_store[k];
      key_store[k].resize(spec_store[k].size() * bands);
      for (size_t i = 0; i < spec_store[k].size(); ++i) {
        spec_store[k][i].keys = key_store[k].data() + i * bands;
      }
    }
  }
  const std::vector<uint32_t>& order;
  const size_t n;
  const int threads;
  CompactLshIndex& index;
  ExactTable& exact;
  std::vector<Speculation> spec_store[3];
  std::vector<Speculation>* spec[3];
  std::vector<uint32_t> key_store[3];  // per block: kBlock x bands band keys
  // One record cache per worker thread (the slot is the thread's arena index).
  std::vector<std::vector<CacheSlot>> caches;
  std::vector<uint32_t> kept_prev, kept_cur, kept_pos;
  BlockExact exact_a, exact_b;
  BlockExact* prev_exact = &exact_a;   // content hashes new in block s - 1
  BlockExact* local_exact = &exact_b;  // and in block s
  WindowIndex window;
};

// Several threads: blocks of articles in keep order, two in flight. While
// block s is decided in order (one thread), block s + 1 is speculated (the
// others, then all): each article's record read and compared with its
// candidates among the kept articles of blocks up to s - 1. Between the two
// steps, block s's kept articles enter the index and its content hashes the
// exact table, which are only read during a step. Deciding block s adds the
// comparisons with the kept articles of blocks s - 1 and s, which its
// speculation could not see. The candidates and the order of comparison are
// those of ClusterOneByOne, so the decisions are; and the decisions, the one
// sequential part, run beside the speculation rather than after it.
Status Deduplicator::ClusterPipelined(const std::vector<uint32_t>& order, int threads,
                                      CompactLshIndex* index_p, ExactTable* exact_p) {
  Pipeline p(order, threads, lsh_.bands, index_p, exact_p);
  const size_t blocks = (p.n + kBlock - 1) / kBlock;
  tbb::task_arena arena(threads);
  if (blocks > 0) arena.execute([&] { SpeculateBlock(&p, 0); });
  for (size_t s = 0; s < blocks; ++s) {
    Status decided;
    arena.execute([&] {
      tbb::task_group decide;
      decide.run([&] {
        decided = DecideBlock(s, order, *p.prev_exact, p.spec, p.kept_prev, &p.kept_cur,
                              p.local_exact, &p.window);
      });
      if (s > 0) AddDecided(&p, s - 1);
      if (s + 1 < blocks) SpeculateBlock(&p, s + 1);
      decide.wait();
    });
    STORYLINE_RETURN_IF_ERROR(decided);
    std::swap(p.prev_exact, p.local_exact);
    p.kept_prev.swap(p.kept_cur);
    p.kept_cur.clear();
  }
  // The last block's, so that the index and table end as full as with one thread.
  if (blocks > 0) arena.execute([&] { AddDecided(&p, blocks - 1); });
  return Status::Ok();
}

// Speculates block b, its ranks shared by the threads of the arena.
void Deduplicator::SpeculateBlock(Pipeline* p, size_t b) {
  const size_t bs = b * kBlock, be = std::min(p->n, bs + kBlock);
  tbb::parallel_for(
      tbb::blocked_range<size_t>(bs, be, 8),
      [&](const tbb::blocked_range<size_t>& r) { SpeculateRange(p, bs, r.begin(), r.end()); });
}

// Speculates ranks [begin, end) of the block that begins at rank bs. Eight at a
// time: each article's record header and exact-table slot (cache misses, each
// waiting on the one before) asked for together before any is used.
void Deduplicator::SpeculateRange(Pipeline* p, size_t bs, size_t begin, size_t end) {
  const int t = std::max(0, tbb::this_task_arena::current_thread_index());
  std::vector<CacheSlot>& cache = p->caches[t % p->threads];
  std::vector<Speculation>& sp = *p->spec[(bs / kBlock) % 3];
  for (size_t r0 = begin; r0 < end; r0 += 8) {
    const size_t r1 = std::min(end, r0 + 8);
    const char* head[8];
    for (size_t rank = r0; rank < r1; ++rank) {
      head[rank - r0] = sigs_.View(recs_[p->order[rank]].offset, sizeof(SpillHeader));
      if (head[rank - r0] != nullptr) __builtin_prefetch(head[rank - r0]);
    }
    for (size_t rank = r0; rank < r1; ++rank) {
      if (head[rank - r0] == nullptr) continue;
      uint64_t content;
      std::memcpy(&content, head[rank - r0], sizeof content);
      p->exact.Prefetch(content);
    }
    for (size_t rank = r0; rank < r1; ++rank) {
      Speculate(p->order, p->index, p->exact, rank, &cache, &sp[rank - bs]);
    }
  }
}

// Block b's kept articles (p->kept_prev) into the index and its content hashes
// (p->prev_exact) into the exact table, and its kept articles' fields asked
// for (PrefetchKept), in parallel: the speculation of block b + 2 needs them,
// the decision of block b + 1 does not (it reads them from kept_prev and
// prev_exact, as these do), so they run beside it, off the sequential path.
void Deduplicator::AddDecided(Pipeline* p, size_t b) {
  tbb::task_group add;
  add.run([&] {
    PrefetchKept(p->order, b * kBlock, std::min(p->n, b * kBlock + kBlock), &p->kept_pos);
  });
  // Each insert is a cache miss in a large table: asked for 8 ahead.
  add.run([&] {
    p->prev_exact->ForEach([&](uint64_t h, uint32_t pos) { p->exact.FindOrInsert(h, pos); },
                           [&](uint64_t h) { p->exact.Prefetch(h); });
  });
  for (uint32_t rank : p->kept_prev) {
    p->index.Insert(rank, (*p->spec[(rank / kBlock) % 3])[rank % kBlock].keys);
  }
  add.wait();
}

}  // namespace storyline::dedup_internal
