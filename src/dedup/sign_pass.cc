// Copyright storyline authors.
//
// Dedup's pass 1: reads the input in batches, cleans, tokenises and signs each
// article, and spills its records in input order (layouts in spill_format.h).
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <condition_variable>
#include <cstring>
#include <mutex>

#include "core/hash.h"
#include "dedup/dedup_internal.h"

namespace storyline::dedup_internal {
namespace {

// A batch ends at this many articles or text bytes, whichever comes first. The
// boundaries depend on the input only, never on the thread count, and boilerplate
// learning (Observe) happens between batches: that keeps the output deterministic.
// Small enough that a batch's text, read while the batch before is signed, is
// still in the core's cache when it is signed and spilled.
constexpr size_t kBatchArticles = 128;
constexpr size_t kBatchBytes = 1 << 20;

// Articles processed together (ProcessSome): their look-ups in the tables
// shared by the workers go under one lock per table.
constexpr size_t kGroup = 16;

// The set of the high 32 bits of `hashes`, sorted, without repeats, in *out.
// The values are hashes, spread evenly: one counting pass by the top bits into
// n-2n buckets, one scatter, then an insertion sort that only moves values
// inside their bucket (0.5-1 on average): faster than std::sort for the sizes
// of shingle sets.
void SortUniqueHigh32(const std::vector<uint64_t>& hashes, std::vector<uint32_t>* out) {
  const size_t n = hashes.size();
  thread_local std::vector<uint32_t> count, tmp;
  tmp.resize(n);
  uint32_t* t = tmp.data();
  if (n < 32) {
    for (size_t i = 0; i < n; ++i) t[i] = static_cast<uint32_t>(hashes[i] >> 32);
    std::sort(t, t + n);
  } else {
    const int bits = std::min(18, static_cast<int>(std::bit_width(n)));
    const int shift = 64 - bits;
    count.assign((size_t{1} << bits) + 1, 0);
    uint32_t* c = count.data();
    const uint64_t* src = hashes.data();
    for (size_t i = 0; i < n; ++i) ++c[(src[i] >> shift) + 1];
    for (size_t d = 1; d < count.size(); ++d) c[d] += c[d - 1];
    for (size_t i = 0; i < n; ++i) t[c[src[i] >> shift]++] = static_cast<uint32_t>(src[i] >> 32);
    for (size_t i = 1; i < n; ++i) {
      const uint32_t x = t[i];
      size_t j = i;
      while (j > 0 && t[j - 1] > x) {
        t[j] = t[j - 1];
        --j;
      }
      t[j] = x;
    }
  }
  size_t m = 0;
  for (size_t i = 0; i < n; ++i) {
    if (m == 0 || t[m - 1] != t[i]) t[m++] = t[i];
  }
  out->assign(t, t + m);
}

uint64_t PolicyKey(KeepPolicy policy, const Article& a) {
  switch (policy) {
    case KeepPolicy::kEarliest: {
      // Order-preserving map of the signed timestamp; undated articles last.
      if (a.published_ts == kNoTime) return std::numeric_limits<uint64_t>::max();
      return static_cast<uint64_t>(a.published_ts) ^ (uint64_t{1} << 63);
    }
    case KeepPolicy::kLongest:
      return std::numeric_limits<uint64_t>::max() - a.text.size();
    case KeepPolicy::kFirst:
      return 0;
  }
  return 0;
}

// What cleaning and tokenising an article depend on (with boilerplate learning
// off): its text, title and outlet, hashed together.
uint64_t RawKey(const Article& a) {
  constexpr uint64_t kRawSeed = 0x7261'7763'6f70'7931ULL;  // "rawcopy1" (in-memory only)
  const uint64_t seed =
      Hash64(a.title, kRawSeed) ^ (Hash64(a.source, kRawSeed + 1) * 0x9E3779B97F4A7C15ULL);
  return Hash64(a.text, seed);
}

// `w` is a copy of the article at `holder`, whose record has its set and keys.
void MakeCopy(Work* w, uint32_t holder) {
  w->copy_of = holder;
  w->shingles.clear();
  w->set.clear();
  w->keys.clear();
}

}  // namespace

struct Group {
  uint32_t raw_at[kGroup];  // each article's entry in raw_copies_ to fill, or kEmpty
  bool done[kGroup];        // a copy already: nothing more to do
};

// Reads the next batch into *b, whose first article has input position
// `first`; b->status and b->eof say how the reading ended.
void Deduplicator::ReadBatch(Batch* b, uint64_t first) {
  b->size = 0;
  b->status = Status::Ok();
  b->eof = false;
  b->first = first;
  size_t bytes = 0;
  while (b->size < kBatchArticles && bytes < kBatchBytes) {
    if (b->items.size() <= b->size) b->items.emplace_back();
    Work& w = b->items[b->size];
    Result<bool> more = reader_->Next(&w.article);
    if (!more.ok()) {
      b->status = more.status();
      break;
    }
    if (!*more) {
      b->eof = true;
      break;
    }
    bytes += w.article.text.size();
    ++b->size;
  }
  b->bytes_read = reader_->stats().bytes_read;
}

void Deduplicator::Observe(const Batch& b) {
  if (!opt_.clean_boilerplate || !opt_.learn_boilerplate) return;
  for (size_t i = 0; i < b.size; ++i) filter_.Observe(b.items[i].article);
}

// Cleans, tokenises and signs the articles of b->items [begin, end) (at input
// positions b->first + index). In groups of kGroup: each group's look-ups of
// raw keys, then of content hashes, are made under one hold of seen_mu_, not
// one per article and table, so that the lock's cache line moves between cores
// once per group.
void Deduplicator::ProcessGroup(Batch* b, size_t begin, size_t end) {
  for (size_t g = begin; g < end; g += kGroup) {
    ProcessSome(b->items.data() + g, b->first + g, std::min(kGroup, end - g));
  }
}

// ProcessGroup for the n <= kGroup articles at w[0..n), input positions pos...
void Deduplicator::ProcessSome(Work* w, uint64_t pos, size_t n) {
  thread_local Words words[kGroup];
  // A verbatim copy (same text, title and outlet: the same lines set aside,
  // the same words) of an article processed before is not even cleaned or
  // tokenised: the wire story republished word for word.
  const bool by_raw = !opt_.explain && !(opt_.clean_boilerplate && opt_.learn_boilerplate);
  Group g;
  for (size_t k = 0; k < n; ++k) {
    g.raw_at[k] = ExactTable::kEmpty;
    g.done[k] = false;
    w[k].removed_lines = 0;
    w[k].explain.clear();
  }
  if (by_raw) FindVerbatimCopies(w, n, &g);
  for (size_t k = 0; k < n; ++k) {
    if (!g.done[k]) CleanAndTokenize(&w[k], &words[k]);
  }
  FindExactCopies(w, words, pos, n, &g);
  for (size_t k = 0; k < n; ++k) {
    if (!g.done[k]) Sign(words[k], &w[k]);
  }
}

// Marks done the articles of w[0..n) whose raw key an article processed before
// had, with that one's findings; the others with a new raw key get an entry in
// raw_copies_ (g->raw_at) that FindExactCopies fills.
void Deduplicator::FindVerbatimCopies(Work* w, size_t n, Group* g) {
  uint64_t raw[kGroup];
  for (size_t k = 0; k < n; ++k) raw[k] = RawKey(w[k].article);
  std::lock_guard<tbb::spin_mutex> l(seen_mu_);
  for (size_t k = 0; k < n; ++k) {
    const uint32_t next = static_cast<uint32_t>(raw_copies_.size());
    const uint32_t at = raw_seen_.FindOrInsert(raw[k], next);
    if (at == next) {
      raw_copies_.push_back({});  // filled later; holder kNoRep until then
      g->raw_at[k] = at;
    } else if (raw_copies_[at].holder != kNoRep) {
      const RawCopy& c = raw_copies_[at];
      w[k].content = c.content;
      w[k].removed_lines = c.removed_lines;
      MakeCopy(&w[k], c.holder);
      g->done[k] = true;
    }  // else one being processed now (by another thread, or earlier in this
       // group): done again
  }
}

// Cleans (setting boilerplate lines aside) and tokenises w's article into
// *words, and hashes its joined words into w->content.
void Deduplicator::CleanAndTokenize(Work* w, Words* words) {
  thread_local CleanedText cleaned;
  const Article& a = w->article;
  std::string_view text = a.text;
  if (opt_.clean_boilerplate) {
    if (filter_.CleanInto(a, &cleaned)) text = cleaned.text;
    w->removed_lines = static_cast<uint32_t>(cleaned.removed.size());
    if (opt_.explain) {
      for (const SetAsideLine& l : cleaned.removed) {
        w->explain += a.id + ": set aside line " + std::to_string(l.line + 1) + " (" + l.reason +
                      "): " + l.text + "\n";
      }
    }
  }
  Tokenize(text, words);
  // The content hash (storyline/text.h) tells an exact copy of an article processed
  // before, which needs no set or band keys of its own (same words, same ones).
  w->content = ContentHash(*words);
  w->copy_of = kNoRep;
}

// Marks done the articles of w[0..n) (input positions pos...) whose content
// hash an article processed before had, and fills their raw_copies_ entries.
void Deduplicator::FindExactCopies(Work* w, const Words* words, uint64_t pos, size_t n, Group* g) {
  std::lock_guard<tbb::spin_mutex> l(seen_mu_);
  for (size_t k = 0; k < n; ++k) {
    if (g->done[k] || words[k].size() == 0) continue;
    const uint32_t at = static_cast<uint32_t>(pos + k);
    const uint32_t holder = seen_.FindOrInsert(w[k].content, at);
    if (g->raw_at[k] != ExactTable::kEmpty) {
      raw_copies_[g->raw_at[k]] = {w[k].content, holder, w[k].removed_lines};
    }
    if (holder != at) {
      MakeCopy(&w[k], holder);
      g->done[k] = true;
    }
  }
}

// The shingles, verified set and band keys of w's article from its words.
void Deduplicator::Sign(const Words& wd, Work* x) {
  thread_local std::vector<std::string_view> views;
  thread_local std::vector<uint32_t> sig;
  views.resize(wd.size());
  for (size_t i = 0; i < wd.size(); ++i) {
    const WordSpan& sp = wd.spans[i];
    views[i] = std::string_view(wd.norm.data() + sp.norm_begin, sp.norm_len);
  }
  HashShinglesOnly(views, opt_.shingle_size, &x->shingles);
  assert(HashShingles(views, opt_.shingle_size, &x->set_scratch) == x->content);
  // The verified set holds the high 32 bits of each shingle hash: half the
  // sort and the spill of 64-bit values, at a cost of one chance in 2^32 per
  // pair of distinct shingles to count them equal.
  SortUniqueHigh32(x->shingles, &x->set);
  x->keys.resize(lsh_.bands);
  if (!x->shingles.empty()) {
    sig.resize(hasher_.num_hashes());
    hasher_.Sign(x->shingles, sig.data());
    BandKeys(sig, lsh_, x->keys.data());
  }
}

Status Deduplicator::Spill(const Batch& b) {
  for (size_t i = 0; i < b.size; ++i) {
    const Work& w = b.items[i];
    const Article& a = w.article;
    Rec r{};
    r.offset = sigs_.offset();
    r.key = PolicyKey(opt_.keep, a);
    r.rep = static_cast<uint32_t>(recs_.size());
    recs_.push_back(r);
    STORYLINE_RETURN_IF_ERROR(SpillRecord(w, r));
    stats_.boilerplate_lines += w.removed_lines;
    stats_.text_bytes += a.text.size();
    if (opt_.explain && !w.explain.empty()) {
      std::string_view e = w.explain;
      while (!e.empty()) {
        size_t nl = e.find('\n');
        opt_.explain(e.substr(0, nl));
        e.remove_prefix(nl == std::string_view::npos ? e.size() : nl + 1);
      }
    }
  }
  stats_.read += b.size;
  if (recs_.size() >= 0xFFFFFFF0u) {
    return Status::Unsupported("dedup: more than 4 billion articles in one run");
  }
  return Status::Ok();
}

// Appends w's signature record and, unless it can never be kept, its fields to
// the spills; r is its in-memory record (r.rep: its input position).
Status Deduplicator::SpillRecord(const Work& w, const Rec& r) {
  const Article& a = w.article;
  const bool copy = w.copy_of != kNoRep;
  // An exact copy of an earlier article that does not come before it in keep
  // order (a key no lower: ties go to the earlier) is never kept, whatever
  // the decisions: the first of the content hash in keep order is not this
  // one. Its fields are not spilled (its text range is empty), which the disk
  // then need not write or read back.
  const bool never_kept = copy && AfterHolder(w.copy_of, r.rep);
  const SpillHeader h{w.content, texts_.size(),
                      copy ? kCopyRecord : static_cast<uint32_t>(w.set.size()),
                      static_cast<uint32_t>(a.id.size())};
  const uint32_t link[2] = {w.copy_of, 0};
  // A copy record has no keys; its set is the link to the record that has both.
  const size_t keys_bytes = w.keys.size() * sizeof(uint32_t);
  const size_t set_bytes = copy ? sizeof link : w.set.size() * sizeof(uint32_t);
  const void* set_data = copy ? static_cast<const void*>(link) : w.set.data();
  const size_t bytes = sizeof h + keys_bytes + set_bytes + a.id.size();
  const size_t padded = (bytes + kSigAlign - 1) / kSigAlign * kSigAlign;
  Result<char*> space = sigs_.AppendSpace(padded);
  if (!space.ok()) return space.status();
  char* p = *space;
  std::memcpy(p, &h, sizeof h);
  p += sizeof h;
  if (keys_bytes != 0) std::memcpy(p, w.keys.data(), keys_bytes);
  p += keys_bytes;
  if (set_bytes != 0) std::memcpy(p, set_data, set_bytes);
  p += set_bytes;
  a.id.copy(p, a.id.size());
  std::memset(p + a.id.size(), 0, padded - bytes);
  if (never_kept) return Status::Ok();
  const std::string_view fields[kTextFields] = {a.id,     a.title,     a.text, a.url,
                                                a.source, a.published, a.lang};
  uint32_t sizes[kTextFields];
  for (int f = 0; f < kTextFields; ++f) sizes[f] = static_cast<uint32_t>(fields[f].size());
  STORYLINE_RETURN_IF_ERROR(texts_.Append({reinterpret_cast<const char*>(sizes), sizeof sizes}));
  for (std::string_view f : fields) STORYLINE_RETURN_IF_ERROR(texts_.Append(f));
  return Status::Ok();
}

// The batches of pass 1 and who does what with them (see SignAll).
struct Workers {
  Workers(int threads, size_t per_worker)
      : batches(threads * per_worker),
        free(threads),
        ring(threads * per_worker, nullptr),
        done(threads * per_worker, false) {
    for (size_t j = 0; j < batches.size(); ++j) {
      batches[j].owner = static_cast<int>(j / per_worker);
      free[batches[j].owner].push_back(&batches[j]);
    }
  }
  // Each worker reads into batches of its own, so that the memory of a batch
  // (its articles' text, their shingles) stays in one core's cache from one
  // batch to the next instead of moving between cores.
  std::vector<Batch> batches;
  std::vector<std::vector<Batch*>> free;  // per worker, its batches not in use (mu)
  // One reader at a time. A spin lock: a worker that finds the reader busy has
  // nothing else to do for the short time a batch takes to read, and a mutex
  // would put it to sleep and add a wake-up's latency.
  tbb::spin_mutex read_mu;
  size_t next_read = 0;           // the next batch to read (guarded by read_mu)
  uint64_t next_first = 0;        // its first article's input position (read_mu)
  bool input_done = false;        // (read_mu)
  std::mutex mu;                  // the rest
  std::condition_variable freed;  // a batch was spilled, or the pass failed
  std::vector<Batch*> ring;       // batch k at ring[k % size] from its read to its spill
  std::vector<bool> done;         // ring slot processed, waiting to be spilled
  size_t next_spill = 0;          // the next batch to spill
  bool spilling = false;          // a worker is spilling
  bool failed = false;
  Status result;  // the first error (set by the spilling worker)
};

// Pass 1. Without boilerplate learning, `threads` workers share the batches:
// each takes the next batch from the reader (in input order, one reader at a
// time), processes it while its text is in that core's cache, marks it done,
// then spills, in input order, every done batch it finds next in line unless
// another worker is spilling (who then spills this one too). Each worker has
// four batches of its own, the one spilled last reused first (its memory in
// this core's cache), and waits only when all four are processed but not
// spilled yet (the batch before them still being processed): no handoff between
// stages, and no thread put to sleep and woken up per batch. With learning, see
// SignLearning.
Status Deduplicator::SignAll() {
  const int threads = opt_.threads > 0 ? opt_.threads : tbb::info::default_concurrency();
  if (opt_.clean_boilerplate && opt_.learn_boilerplate) return SignLearning(threads);
  tbb::task_arena arena(threads);
  Workers w(threads, 4);
  arena.execute([&] {
    tbb::task_group g;
    for (int t = 1; t < threads; ++t) g.run([&w, t, this] { SignWorker(&w, t); });
    SignWorker(&w, 0);
    g.wait();
  });
  return w.result;
}

// Pass 1 with boilerplate learning: the filter changes between batches, so one
// batch at a time, its articles processed in parallel.
Status Deduplicator::SignLearning(int threads) {
  tbb::task_arena arena(threads);
  Batch b;
  Status result;
  arena.execute([&] {
    for (uint64_t first = 0;;) {
      ReadBatch(&b, first);
      first += b.size;
      if (b.status.ok()) {
        Observe(b);
        tbb::parallel_for(
            tbb::blocked_range<size_t>(0, b.size, 8),
            [&](const tbb::blocked_range<size_t>& r) { ProcessGroup(&b, r.begin(), r.end()); });
      }
      Status st = SpillBatch(b);
      if (!st.ok() || b.eof) {
        result = st;
        return;
      }
    }
  });
  return result;
}

// Worker `me` of pass 1 (see SignAll).
void Deduplicator::SignWorker(Workers* w, int me) {
  const size_t slots = w->ring.size();
  while (true) {
    Batch* b;
    size_t k;
    {
      std::lock_guard<tbb::spin_mutex> rl(w->read_mu);
      if (w->input_done) return;
      k = w->next_read;
      {  // a batch of this worker's own not in use (its batches before were
         // spilled); then batch k - slots was spilled too
        std::unique_lock<std::mutex> l(w->mu);
        w->freed.wait(l, [&] { return w->failed || !w->free[me].empty(); });
        if (w->failed) {
          w->input_done = true;
          return;
        }
        b = w->free[me].back();
        w->free[me].pop_back();
        w->ring[k % slots] = b;
      }
      ReadBatch(b, w->next_first);
      w->next_first += b->size;
      w->input_done = !b->status.ok() || b->eof;
      ++w->next_read;
    }
    if (b->status.ok()) {
      ProcessGroup(b, 0, b->size);
    }
    std::unique_lock<std::mutex> l(w->mu);
    w->done[k % slots] = true;
    if (w->spilling) continue;  // that worker spills this batch when its turn comes
    w->spilling = true;
    while (!w->failed && w->done[w->next_spill % slots]) {
      const size_t at = w->next_spill % slots;
      Batch* s = w->ring[at];
      l.unlock();
      Status st = SpillBatch(*s);
      l.lock();
      w->done[at] = false;
      w->ring[at] = nullptr;
      w->free[s->owner].push_back(s);
      ++w->next_spill;
      if (!st.ok()) {
        w->result = st;
        w->failed = true;
      }
      w->freed.notify_all();
    }
    w->spilling = false;
  }
}

// Spills batch b (or reports its read error) and the progress.
Status Deduplicator::SpillBatch(const Batch& b) {
  STORYLINE_RETURN_IF_ERROR(b.status);
  STORYLINE_RETURN_IF_ERROR(Spill(b));
  if (opt_.progress) opt_.progress(stats_.read, b.bytes_read, reader_->total_bytes());
  return Status::Ok();
}

}  // namespace storyline::dedup_internal
