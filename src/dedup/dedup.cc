#include "storyline/dedup.h"

#include <emmintrin.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>
#include <tbb/spin_mutex.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cassert>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <limits>
#include <mutex>
#include <span>
#include <thread>
#include <unordered_map>

#include "core/hash.h"
#include "core/json_writer.h"
#include "dedup/spill_file.h"
#include "storyline/minhash.h"
#include "storyline/text.h"

namespace storyline {
namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}
double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec / 1e9;
}

// A batch ends at this many articles or text bytes, whichever comes first. The
// boundaries depend on the input only, never on the thread count, and boilerplate
// learning (Observe) happens between batches: that keeps the output deterministic.
// Small enough that a batch's text, read while the batch before is signed, is
// still in the core's cache (1 MB L2 here) when it is signed and spilled: pass 1
// took 15-20% less CPU with 128 articles than with 2,048 (200,000 articles).
constexpr size_t kBatchArticles = 128;
constexpr size_t kBatchBytes = 1 << 20;

// Two spill files, both in input order.
// The signature spill, read at random by the decision pass (through a mapping,
// where records are used in place) and for the ids by the output pass:
//   u64 content hash | u64 text-spill offset | u32 set size | u32 id bytes |
//   u32 bands x band key | u32 x shingle set (sorted) | id | 0-7 bytes padding
// (records start at multiples of 8), or, for an article whose content hash an
// article of an earlier batch had (an exact copy: same words, so the same set
// and band keys), a copy record that points to that article's record:
//   u64 content hash | u64 text-spill offset | u32 kCopyRecord | u32 id bytes |
//   u32 input position of the record with the set | u32 0 | id | padding.
// The text spill, read from start to end by
// the output pass, which skips the records of duplicates:
//   u32 x 7 field sizes | id, title, text, url, source, published, lang
// so that KEPT lines are written for kept articles only. An exact copy that can
// never be kept (see Spill) has no fields there: its range is empty.
struct SpillHeader {
  uint64_t content;
  uint64_t text_offset;
  uint32_t shingles;
  uint32_t id_len;
};
static_assert(sizeof(SpillHeader) == 24);
// SpillHeader::shingles of a copy record.
constexpr uint32_t kCopyRecord = 0xFFFFFFFFu;
constexpr size_t kSigAlign = 8;
constexpr int kTextFields = 7;

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

// Article i's decision from its best match: a near duplicate of it (true), or
// kept as its own cluster's article (false, r untouched).
bool JoinBest(const BestMatch& b, uint32_t i, Rec* r) {
  if (b.rep == kNoRep || b.rep == i) return false;
  r->rep = b.rep;
  r->similarity = static_cast<float>(b.similarity);
  r->jaccard = static_cast<float>(b.overlap.jaccard());
  r->containment_kind = static_cast<float>(b.overlap.containment());
  return true;
}

// Article r has the same content as the earlier article f: it joins f's cluster
// with f's figures, marked exact.
void JoinExact(const Rec& f, Rec* r) {
  r->rep = f.rep;
  r->similarity = f.similarity;
  r->jaccard = f.jaccard;
  r->containment_kind = -std::abs(f.containment_kind);
}

// Bytes appended one after another, in a buffer that grows by doubling and is
// not cleared (unlike std::string's resize, no zero-filling of the room asked
// for): the KEPT lines of an output chunk. Not copyable: owns its buffer.
class JsonLines {
 public:
  JsonLines() = default;
  JsonLines(const JsonLines&) = delete;
  JsonLines& operator=(const JsonLines&) = delete;

  // Room for n more bytes at end(); written bytes count once Commit()ed.
  char* Room(size_t n) {
    if (size_ + n > cap_) Grow(size_ + n);
    return buf_.get() + size_;
  }
  void Commit(char* end) { size_ = static_cast<size_t>(end - buf_.get()); }
  void clear() { size_ = 0; }
  size_t size() const { return size_; }
  const char* data() const { return buf_.get(); }

 private:
  void Grow(size_t need) {
    const size_t cap = std::max(need, 2 * cap_);
    std::unique_ptr<char[]> b(new char[cap]);  // not value-initialised
    if (size_ != 0) std::memcpy(b.get(), buf_.get(), size_);
    buf_ = std::move(b);
    cap_ = cap;
  }
  std::unique_ptr<char[]> buf_;
  size_t size_ = 0, cap_ = 0;
};

// Appends the KEPT line of the fields id, title, text, url, source, published,
// lang (below).
void AppendArticleJson(JsonLines* out, const std::string_view* fields);

// The set of the high 32 bits of `hashes`, sorted, without repeats, in *out.
// The values are hashes, spread evenly: one counting pass by the top bits into
// n-2n buckets, one scatter, then an insertion sort that only moves values
// inside their bucket (0.5-1 on average). Four times faster than std::sort for
// the sizes of shingle sets; n-2n buckets take 18% less time than n/2-n (fewer
// mispredicted moves in the insertion sort).
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

// Content hash -> input position of the first article (in keep order) with it.
// Open addressing, linear probing; 12 bytes per slot, never more slots than
// max_items / 0.75 (so at most 16 bytes per article however many are distinct).
class ExactTable {
 public:
  explicit ExactTable(size_t max_items)
      : max_cap_(std::max<size_t>(1024, (max_items + 1) * 4 / 3 + 2)) {}
  // Returns the position stored for `h`, or inserts `pos` and returns `pos`.
  uint32_t FindOrInsert(uint64_t h, uint32_t pos) {
    if ((used_ + 1) * 4 > keys_.size() * 3) Grow();
    size_t s = Slot(h);
    while (vals_[s] != kEmpty) {
      if (keys_[s] == h) return vals_[s];
      s = (s + 1 == keys_.size()) ? 0 : s + 1;
    }
    keys_[s] = h;
    vals_[s] = pos;
    ++used_;
    return pos;
  }
  // The position stored for `h`, or kEmpty. Safe beside other Find() calls.
  uint32_t Find(uint64_t h) const {
    if (keys_.empty()) return kEmpty;
    size_t s = Slot(h);
    while (vals_[s] != kEmpty) {
      if (keys_[s] == h) return vals_[s];
      s = (s + 1 == keys_.size()) ? 0 : s + 1;
    }
    return kEmpty;
  }
  // Asks for the first slot a look-up of `h` reads.
  void Prefetch(uint64_t h) const {
    if (keys_.empty()) return;
    const size_t s = Slot(h);
    __builtin_prefetch(&keys_[s]);
    __builtin_prefetch(&vals_[s]);
  }
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  size_t MemoryBytes() const { return keys_.capacity() * 8 + vals_.capacity() * 4; }

 private:
  size_t Slot(uint64_t h) const {
    return static_cast<size_t>(
        (static_cast<unsigned __int128>(h * 0x9E3779B97F4A7C15ULL) * keys_.size()) >> 64);
  }
  void Grow() {
    const size_t cap = keys_.empty() ? 1024 : std::min(keys_.size() * 2, max_cap_);
    if (cap == keys_.size()) return;  // at max_cap_: the load stays below 0.75
    std::vector<uint64_t> ok = std::move(keys_);
    std::vector<uint32_t> ov = std::move(vals_);
    keys_.assign(cap, 0);
    vals_.assign(cap, kEmpty);
    used_ = 0;
    for (size_t i = 0; i < ok.size(); ++i) {
      if (ov[i] == kEmpty) continue;
      size_t s = Slot(ok[i]);
      while (vals_[s] != kEmpty) s = (s + 1 == cap) ? 0 : s + 1;
      keys_[s] = ok[i];
      vals_[s] = ov[i];
      ++used_;
    }
  }
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> vals_;
  size_t used_ = 0;
  size_t max_cap_;
};

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

// One article in flight through the parallel stage.
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

struct Batch {
  std::vector<Work> items;
  size_t size = 0;
  uint64_t first = 0;       // input position of items[0]
  uint64_t bytes_read = 0;  // the reader's count after the batch
  Status status;
  bool eof = false;
  int owner = 0;  // the pass-1 worker whose batch it is
};

void Fmt(std::string* out, const char* fmt, double a, double b, double c) {
  char buf[160];
  std::snprintf(buf, sizeof buf, fmt, a, b, c);
  out->append(buf);
}

// What cleaning and tokenising an article depend on (with boilerplate learning
// off): its text, title and outlet, hashed together.
uint64_t RawKey(const Article& a) {
  constexpr uint64_t kRawSeed = 0x7261'7763'6f70'7931ULL;  // "rawcopy1" (in-memory only)
  const uint64_t seed =
      Hash64(a.title, kRawSeed) ^ (Hash64(a.source, kRawSeed + 1) * 0x9E3779B97F4A7C15ULL);
  return Hash64(a.text, seed);
}

class Deduplicator {
 public:
  Deduplicator(ArticleReader* reader, const DedupOptions& opt, DedupSink* sink)
      : reader_(reader), opt_(opt), sink_(sink), hasher_(opt.num_hashes) {
    double design = opt.lsh_similarity > 0 ? opt.lsh_similarity : opt.threshold - 0.2;
    design = std::clamp(design, 0.05, 0.95);
    lsh_ = ChooseLshParams(opt.num_hashes, design, opt.lsh_recall);
    stats_.lsh = lsh_;
  }

  Result<DedupStats> Run() {
    if (!(opt_.threshold > 0 && opt_.threshold <= 1)) {
      return Status::InvalidArgument("dedup: threshold must be in (0, 1], not " +
                                     std::to_string(opt_.threshold));
    }
    if (opt_.shingle_size < 1 || opt_.num_hashes < 1 || opt_.num_hashes > 65536) {
      return Status::InvalidArgument("dedup: shingle size and MinHash size must be positive");
    }
    STORYLINE_RETURN_IF_ERROR(sigs_.Open(opt_.temp_dir));
    STORYLINE_RETURN_IF_ERROR(texts_.Open(opt_.temp_dir));
    auto t0 = Clock::now();
    double c0 = ProcessCpuSeconds();
    STORYLINE_RETURN_IF_ERROR(SignAll());
    const uint64_t pass1_held = recs_.capacity() * sizeof(Rec) + seen_.MemoryBytes() +
                                raw_seen_.MemoryBytes() + raw_copies_.capacity() * sizeof(RawCopy);
    seen_ = ExactTable(0);
    raw_seen_ = ExactTable(0);
    std::vector<RawCopy>().swap(raw_copies_);
    recs_.shrink_to_fit();  // held through pass 2 and 3: no growth slack
    STORYLINE_RETURN_IF_ERROR(sigs_.Flush());
    // The decision pass reads records through a mapping: a memcpy instead of a
    // pread each (pass 2 -0.12 CPU-s at 200,000 articles). The mapped pages are
    // the page cache the reads used anyway (clean, the kernel may drop them);
    // peak RSS now counts them, the bytes held per article are unchanged.
    if (opt_.map_spill) sigs_.Map();
    STORYLINE_RETURN_IF_ERROR(texts_.Finish());
    // The kept articles' fields are read back in the output pass: the disk reads
    // them into the page cache during the decision pass, as they are decided
    // (PrefetchKept).
    stats_.seconds_sign = Since(t0);
    stats_.cpu_seconds_sign = ProcessCpuSeconds() - c0;
    stats_.spill_bytes = sigs_.size() + texts_.size();
    t0 = Clock::now();
    c0 = ProcessCpuSeconds();
    STORYLINE_RETURN_IF_ERROR(Cluster());
    stats_.held_bytes = std::max(stats_.held_bytes, pass1_held);
    stats_.seconds_cluster = Since(t0);
    stats_.cpu_seconds_cluster = ProcessCpuSeconds() - c0;
    t0 = Clock::now();
    c0 = ProcessCpuSeconds();
    STORYLINE_RETURN_IF_ERROR(Output());
    stats_.seconds_output = Since(t0);
    stats_.cpu_seconds_output = ProcessCpuSeconds() - c0;
    // Closing the spills gives their blocks and page cache back, the end of a
    // run with one thread busy: the two side by side (0.11 and 0.03 s at 1M).
    texts_.CloseSoon();
    sigs_.Close();
    stats_.rejected = reader_->stats().rejected;
    stats_.bytes_read = reader_->stats().bytes_read;
    return stats_;
  }

 private:
  // ---- Pass 1: read, clean, tokenise, sign; spill in input order ----------

  // Reads the next batch into *b, whose first article has input position
  // `first`; b->status and b->eof say how the reading ended.
  void ReadBatch(Batch* b, uint64_t first) {
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

  void Observe(const Batch& b) {
    if (!opt_.clean_boilerplate || !opt_.learn_boilerplate) return;
    for (size_t i = 0; i < b.size; ++i) filter_.Observe(b.items[i].article);
  }

  // `w` is a copy of the article at `holder`, whose record has its set and keys.
  static void MakeCopy(Work* w, uint32_t holder) {
    w->copy_of = holder;
    w->shingles.clear();
    w->set.clear();
    w->keys.clear();
  }

  // Articles processed together (ProcessGroup): their look-ups in the tables
  // shared by the workers go under one lock per table.
  static constexpr size_t kGroup = 16;

  // Cleans, tokenises and signs the articles of b->items [begin, end) (at input
  // positions b->first + index). In groups of kGroup: each group's look-ups of
  // raw keys, then of content hashes, are made under one hold of seen_mu_, not
  // one per article and table. On two threads the lock's cache line went from
  // core to core at every hold: 16% of this function's time.
  void ProcessGroup(Batch* b, size_t begin, size_t end) {
    for (size_t g = begin; g < end; g += kGroup) {
      ProcessSome(b->items.data() + g, b->first + g, std::min(kGroup, end - g));
    }
  }

  // ProcessGroup for the n <= kGroup articles at w[0..n), input positions pos...
  void ProcessSome(Work* w, uint64_t pos, size_t n) {
    thread_local Words words[kGroup];
    thread_local std::vector<std::string_view> views;
    thread_local std::vector<uint32_t> sig;
    thread_local CleanedText cleaned;
    // A verbatim copy (same text, title and outlet: the same lines set aside,
    // the same words) of an article processed before is not even cleaned or
    // tokenised: the wire story republished word for word.
    const bool by_raw = !opt_.explain && !(opt_.clean_boilerplate && opt_.learn_boilerplate);
    uint32_t raw_at[kGroup];  // each article's entry in raw_copies_ to fill, or kEmpty
    bool done[kGroup];        // a verbatim copy: nothing more to do
    uint64_t raw[kGroup];
    for (size_t k = 0; k < n; ++k) {
      raw_at[k] = ExactTable::kEmpty;
      done[k] = false;
      w[k].removed_lines = 0;
      w[k].explain.clear();
      if (by_raw) raw[k] = RawKey(w[k].article);
    }
    if (by_raw) {
      std::lock_guard<tbb::spin_mutex> l(seen_mu_);
      for (size_t k = 0; k < n; ++k) {
        const uint32_t next = static_cast<uint32_t>(raw_copies_.size());
        const uint32_t at = raw_seen_.FindOrInsert(raw[k], next);
        if (at == next) {
          raw_copies_.push_back({});  // filled below; holder kNoRep until then
          raw_at[k] = at;
        } else if (raw_copies_[at].holder != kNoRep) {
          const RawCopy& c = raw_copies_[at];
          w[k].content = c.content;
          w[k].removed_lines = c.removed_lines;
          MakeCopy(&w[k], c.holder);
          done[k] = true;
        }  // else one being processed now (by another thread, or earlier in this
           // group): done again
      }
    }
    for (size_t k = 0; k < n; ++k) {
      if (done[k]) continue;
      const Article& a = w[k].article;
      std::string_view text = a.text;
      if (opt_.clean_boilerplate) {
        if (filter_.CleanInto(a, &cleaned)) text = cleaned.text;
        w[k].removed_lines = static_cast<uint32_t>(cleaned.removed.size());
        if (opt_.explain) {
          for (const SetAsideLine& l : cleaned.removed) {
            w[k].explain += a.id + ": set aside line " + std::to_string(l.line + 1) + " (" +
                            l.reason + "): " + l.text + "\n";
          }
        }
      }
      Tokenize(text, &words[k]);
      // Words::norm holds each word followed by one space: the joined words are
      // there already, and their hash tells an exact copy of an article
      // processed before, which needs no set or band keys of its own (same
      // words, same ones): a quarter of the benchmark's articles.
      const std::string& norm = words[k].norm;
      w[k].content =
          HashJoinedWords(std::string_view(norm.data(), norm.empty() ? 0 : norm.size() - 1));
      w[k].copy_of = kNoRep;
    }
    {
      std::lock_guard<tbb::spin_mutex> l(seen_mu_);
      for (size_t k = 0; k < n; ++k) {
        if (done[k] || words[k].size() == 0) continue;
        const uint32_t at = static_cast<uint32_t>(pos + k);
        const uint32_t holder = seen_.FindOrInsert(w[k].content, at);
        if (raw_at[k] != ExactTable::kEmpty) {
          raw_copies_[raw_at[k]] = {w[k].content, holder, w[k].removed_lines};
        }
        if (holder != at) {
          MakeCopy(&w[k], holder);
          done[k] = true;
        }
      }
    }
    for (size_t k = 0; k < n; ++k) {
      if (done[k]) continue;
      const Words& wd = words[k];
      views.resize(wd.size());
      for (size_t i = 0; i < wd.size(); ++i) {
        const WordSpan& sp = wd.spans[i];
        views[i] = std::string_view(wd.norm.data() + sp.norm_begin, sp.norm_len);
      }
      Work* x = &w[k];
      HashShinglesOnly(views, opt_.shingle_size, &x->shingles);
      assert(HashShingles(views, opt_.shingle_size, &x->set_scratch) == x->content);
      // The verified set holds the high 32 bits of each shingle hash: half the
      // sort and the spill of 64-bit values, at a cost of one chance in 2^32 per
      // pair of distinct shingles to count them equal (~1e-5 shingles per
      // verified pair).
      SortUniqueHigh32(x->shingles, &x->set);
      x->keys.resize(lsh_.bands);
      if (!x->shingles.empty()) {
        sig.resize(hasher_.num_hashes());
        hasher_.Sign(x->shingles, sig.data());
        BandKeys(sig, lsh_, x->keys.data());
      }
    }
  }

  Status Spill(const Batch& b) {
    for (size_t i = 0; i < b.size; ++i) {
      const Work& w = b.items[i];
      const Article& a = w.article;
      Rec r{};
      r.offset = sigs_.offset();
      r.key = PolicyKey(opt_.keep, a);
      r.rep = static_cast<uint32_t>(recs_.size());
      recs_.push_back(r);
      const bool copy = w.copy_of != kNoRep;
      // An exact copy of an earlier article that does not come before it in keep
      // order (a key no lower: ties go to the earlier) is never kept, whatever
      // the decisions: the first of the content hash in keep order is not this
      // one. Its fields are not spilled (its text range is empty): a quarter of
      // the benchmark's text, which the disk need not write or read back.
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
      std::memcpy(p += set_bytes, a.id.data(), a.id.size());  // std::string: never null
      std::memset(p + a.id.size(), 0, padded - bytes);
      const std::string_view fields[kTextFields] = {a.id,     a.title,     a.text, a.url,
                                                    a.source, a.published, a.lang};
      if (!never_kept) {
        uint32_t sizes[kTextFields];
        for (int f = 0; f < kTextFields; ++f) sizes[f] = static_cast<uint32_t>(fields[f].size());
        STORYLINE_RETURN_IF_ERROR(
            texts_.Append({reinterpret_cast<const char*>(sizes), sizeof sizes}));
        for (std::string_view f : fields) STORYLINE_RETURN_IF_ERROR(texts_.Append(f));
      }
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

  // Pass 1. Without boilerplate learning, `threads` workers share the batches:
  // each takes the next batch from the reader (in input order, one reader at a
  // time), processes it while its text is in that core's cache, marks it done,
  // then spills, in input order, every done batch it finds next in line unless
  // another worker is spilling (who then spills this one too). Each worker has
  // four batches of its own, the one spilled last reused first (its memory in
  // this core's cache: one thread took 5% less time than with a shared ring of
  // batches), and waits only when all four are processed but not spilled yet
  // (the batch before them still being processed): no handoff between stages. A
  // TBB pipeline of the same three stages put threads to sleep and woke them
  // 10,000 times per million articles (0.4 of 9.5 thread-seconds idle on two
  // threads). With learning, the filter changes between batches: one batch at
  // a time, its articles processed in parallel.
  Status SignAll() {
    const int threads = opt_.threads > 0 ? opt_.threads : tbb::info::default_concurrency();
    tbb::task_arena arena(threads);
    if (opt_.clean_boilerplate && opt_.learn_boilerplate) {
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
    Workers w(threads, 4);
    arena.execute([&] {
      tbb::task_group g;
      for (int t = 1; t < threads; ++t) g.run([&w, t, this] { SignWorker(&w, t); });
      SignWorker(&w, 0);
      g.wait();
    });
    return w.result;
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
    // nothing else to do for the ~0.1 ms a batch takes to read, and a mutex would
    // put it to sleep and add a wake-up's latency.
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

  // Worker `me` of pass 1 (see SignAll).
  void SignWorker(Workers* w, int me) {
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
  Status SpillBatch(const Batch& b) {
    STORYLINE_RETURN_IF_ERROR(b.status);
    STORYLINE_RETURN_IF_ERROR(Spill(b));
    if (opt_.progress) opt_.progress(stats_.read, b.bytes_read, reader_->total_bytes());
    return Status::Ok();
  }

  // ---- Pass 2: decisions in keep-policy order ------------------------------

  // Whether two records share a band key: a CompactLshIndex candidate that does
  // not is a fingerprint false match, not an LSH candidate.
  static bool ShareBand(const uint32_t* a, const uint32_t* b, int bands) {
    for (int j = 0; j < bands; ++j) {
      if (a[j] == b[j]) return true;
    }
    return false;
  }

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

  uint64_t SigEnd(uint32_t pos) const {
    return pos + 1 < recs_.size() ? recs_[pos + 1].offset : sigs_.size();
  }

  Status LoadSig(uint32_t pos, SigRecord* r) const {
    STORYLINE_RETURN_IF_ERROR(LoadRecord(pos, &r->base, &r->buf));
    r->sig = r->base;
    const SpillHeader& h = r->header();
    if (h.shingles != kCopyRecord) return Status::Ok();
    uint32_t holder;
    std::memcpy(&holder, r->base + sizeof h / 8, sizeof holder);
    return LoadRecord(holder, &r->sig, &r->sig_buf);
  }

  // The record at `pos`: in place in the mapping, or read into *buf.
  Status LoadRecord(uint32_t pos, const uint64_t** at, std::vector<uint64_t>* buf) const {
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

  // Without a mapping, recently read signature records, direct-mapped by input
  // position: the kept article a copy is verified against was, most often, read
  // a moment before.
  static constexpr size_t kCacheSlots = 1024;
  static constexpr uint64_t kCacheMaxBytes = 64 << 10;  // larger records are not kept
  struct CacheSlot {
    uint32_t pos = kNoRep;
    SigRecord rec;
  };
  // The record at `pos`: in the mapping, from `cache`, or read into it (or, for
  // a large record or one whose slot holds `pinned`, into *scratch). Valid until
  // the next call with the same cache or scratch.
  Result<const SigRecord*> FetchSig(uint32_t pos, uint32_t pinned, std::vector<CacheSlot>* cache,
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

  Status ReadHeader(uint32_t pos, SpillHeader* h) const {
    if (const char* v = sigs_.View(recs_[pos].offset, sizeof *h)) {
      std::memcpy(h, v, sizeof *h);  // a fixed size: no call
      return Status::Ok();
    }
    return sigs_.ReadAt(recs_[pos].offset, sizeof *h, h);
  }

  // The header and id of the article at `pos`; *id points into the mapping or,
  // without one, into *scratch.
  Status ReadHead(uint32_t pos, SpillHeader* h, std::string* scratch, std::string_view* id) const {
    const uint64_t at = recs_[pos].offset;
    STORYLINE_RETURN_IF_ERROR(ReadHeader(pos, h));
    const uint64_t id_at =
        at + sizeof *h +
        (h->shingles == kCopyRecord ? 8 : 4 * (static_cast<uint64_t>(lsh_.bands) + h->shingles));
    if (const char* v = sigs_.View(id_at, h->id_len)) {
      *id = std::string_view(v, h->id_len);
      return Status::Ok();
    }
    scratch->resize(h->id_len);
    STORYLINE_RETURN_IF_ERROR(sigs_.ReadAt(id_at, h->id_len, scratch->data()));
    *id = *scratch;
    return Status::Ok();
  }

  Status Cluster() {
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
  // costs CPU page by page (0.2 CPU-s for the 1.4 GB of the 1M benchmark, of
  // which 3.5% is kept), which two threads deciding have none of to spare. A
  // hint only: on an error reading a header it stops (the output pass reports
  // such errors).
  static constexpr uint64_t kPrefetchGap = 16 << 10;
  void PrefetchKept(const std::vector<uint32_t>& order, size_t begin, size_t end,
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
  Status ClusterOneByOne(const std::vector<uint32_t>& order, CompactLshIndex* index_p,
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
        const SetOverlap o = CompareSets(mine.set(bands), (*theirs)->set(bands));
        best.Offer(DedupSimilarity(o.intersection, o.size_a, o.size_b, opt_), j, o, opt_.threshold);
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
    // header reads were cache misses, a quarter of its time at 1M articles).
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

  void Speculate(const std::vector<uint32_t>& order, const CompactLshIndex& index,
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
      const SetOverlap o = CompareSets(sp->own.set(bands), theirs->set(bands));
      sp->best.Offer(DedupSimilarity(o.intersection, o.size_a, o.size_b, opt_), j, o,
                     opt_.threshold);
    }
  }

  // Whether the article at input position i comes after `holder` (an article
  // with its content) in keep order: an earlier input position and a key no
  // higher. It is then never the first of its content in keep order, whatever
  // the decisions: an exact copy of that first one, never kept.
  bool AfterHolder(uint32_t holder, uint32_t i) const {
    return holder < i && recs_[holder].key <= recs_[i].key;
  }

  // Whether the article at input position i, whose record is r, is a copy
  // record that comes after its holder in keep order (AfterHolder): decided by
  // the exact tables alone. With two threads, 237,000 of the 1M benchmark's
  // 262,000 exact copies were speculated before the exact table held their
  // first one (it was in the block being decided, or earlier in their own):
  // their candidates were looked up and compared in vain (decision pass 1.20
  // CPU-s on two threads, 1.13 without).
  bool NeverFirst(uint32_t i, const SigRecord& r) const {
    if (r.header().shingles != kCopyRecord) return false;
    uint32_t holder;
    std::memcpy(&holder, r.base + sizeof(SpillHeader) / 8, sizeof holder);
    return AfterHolder(holder, i);
  }

  // Articles per block of the two-thread decision pass: large enough that the
  // hand-over between threads at each step costs little.
  static constexpr size_t kBlock = 2048;

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

  // The band keys of the kept articles of two consecutive blocks of the decision
  // pass (local ids < 2 * kBlock): per band, buckets of 8 keys compared at once
  // (SSE2), their ids beside them and a count per bucket, so a query has no probe
  // loop and no branch per band but on a hit (the probe loops of an open-addressing
  // table mispredicted about once per band: 35 per query). Query returns the ids
  // sharing a band key, ascending, each once (what LshIndex would). Reset()
  // empties it by zeroing the counts (one byte per bucket). A full bucket's
  // further entries go to its band's overflow list (only with colliding keys).
  // A filter of 2^18 bits (32 KB, a core's L1 data cache), one bit set per band
  // key inserted (cleared by Reset), tells the bands a query need not look at:
  // with the 1M benchmark's ~140 kept articles in a window, 2% of its bits are
  // set, so a query looks at the bands it shares and ~0.7 others instead of all
  // 35 (decision pass -0.05 CPU-s on two threads). With 4,096 kept articles (all
  // distinct) two fifths are set, and it costs about what it saves.
  class WindowIndex {
   public:
    explicit WindowIndex(int bands) : bands_(bands), overflow_(bands), filter_(kFilterBits / 64) {
      Resize(64);
    }
    void Reset() {
      used_ = 0;
      std::fill(counts_.begin(), counts_.end(), 0);
      for (auto& o : overflow_) o.clear();
      std::fill(filter_.begin(), filter_.end(), 0);
    }
    void Insert(uint32_t id, const uint32_t* keys) {
      if ((used_ + 1) * 4 > buckets_ * kWays) Grow();  // 2 entries per bucket on average
      for (int j = 0; j < bands_; ++j) {
        Put(j, keys[j], static_cast<uint16_t>(id));
        const uint32_t bit = FilterBit(j, keys[j]);
        filter_[bit >> 6] |= uint64_t{1} << (bit & 63);
      }
      ++used_;
    }
    void Query(const uint32_t* keys, std::vector<uint32_t>* out) const {
      out->clear();
      if (used_ == 0) return;
      // The bands whose key may be here (the filter has no false negatives).
      int band[256];
      int probes = 0;
      for (int j = 0; j < bands_; ++j) {
        const uint32_t bit = FilterBit(j, keys[j]);
        band[probes] = j;
        probes += static_cast<int>((filter_[bit >> 6] >> (bit & 63)) & 1);
      }
      size_t at[256];
      for (int q = 0; q < probes; ++q) {
        const int j = band[q];
        at[q] = static_cast<size_t>(j) * buckets_ + Bucket(keys[j]);
        __builtin_prefetch(&keys_[at[q] * kWays]);
      }
      // A band's first hit goes to `first` without a branch (whether a band
      // hits is unpredictable); a near copy finds its original in band after
      // band, so a repeat of the last id is not taken. Further hits in one
      // bucket and overflow entries (rare) go to *out.
      uint32_t first[256];
      size_t k = 0;
      uint32_t last = kNoId;
      for (int q = 0; q < probes; ++q) {
        const int j = band[q];
        const size_t b = at[q];
        const unsigned c = counts_[b];
        const __m128i want = _mm_set1_epi32(static_cast<int>(keys[j]));
        const __m128i* kp = reinterpret_cast<const __m128i*>(&keys_[b * kWays]);
        unsigned m = static_cast<unsigned>(
            _mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(_mm_loadu_si128(kp), want))) |
            (_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(_mm_loadu_si128(kp + 1), want)))
             << 4));
        m &= (1u << c) - 1;
        // ids_ has kWays entries of padding: the read for m == 0 stays inside.
        const uint32_t id = ids_[b * kWays + __builtin_ctz(m | (1u << kWays))];
        const bool take = (m != 0) & (id != last);
        first[k] = id;
        k += take;
        last = take ? id : last;
        if ((m & (m - 1)) != 0) [[unlikely]] {
          for (m &= m - 1; m != 0; m &= m - 1) out->push_back(ids_[b * kWays + __builtin_ctz(m)]);
        }
        if (c == kWays) [[unlikely]] {
          for (const auto& [key, oid] : overflow_[j]) {
            if (key == keys[j]) out->push_back(oid);
          }
        }
      }
      out->insert(out->end(), first, first + k);
      // Strictly ascending means sorted and each once; else sort them.
      if (std::adjacent_find(out->begin(), out->end(), std::greater_equal<uint32_t>()) !=
          out->end()) {
        std::sort(out->begin(), out->end());
        out->erase(std::unique(out->begin(), out->end()), out->end());
      }
    }

   private:
    static constexpr unsigned kWays = 8;
    static constexpr uint32_t kNoId = 0xFFFFFFFFu;
    static constexpr int kFilterLog = 18;
    static constexpr size_t kFilterBits = size_t{1} << kFilterLog;
    static uint32_t FilterBit(int band, uint32_t key) {
      const uint64_t x =
          (static_cast<uint64_t>(key) << 8 | static_cast<uint64_t>(band)) * 0x9E3779B97F4A7C15ULL;
      return static_cast<uint32_t>(x >> (64 - kFilterLog));
    }
    size_t Bucket(uint32_t key) const {
      return static_cast<size_t>((key * 0x9E3779B97F4A7C15ULL) >> (64 - bucket_bits_));
    }
    void Put(int j, uint32_t key, uint16_t id) {
      const size_t b = static_cast<size_t>(j) * buckets_ + Bucket(key);
      const unsigned c = counts_[b];
      if (c == kWays) {
        overflow_[j].push_back({key, id});
        return;
      }
      keys_[b * kWays + c] = key;
      ids_[b * kWays + c] = id;
      counts_[b] = static_cast<uint8_t>(c + 1);
    }
    void Resize(size_t buckets) {
      buckets_ = buckets;
      bucket_bits_ = std::bit_width(buckets) - 1;
      const size_t total = static_cast<size_t>(bands_) * buckets_;
      keys_.assign(total * kWays, 0);
      ids_.assign(total * kWays + kWays, 0);
      counts_.assign(total, 0);
    }
    void Grow() {
      const size_t old_buckets = buckets_;
      std::vector<uint32_t> old_keys = std::move(keys_);
      std::vector<uint16_t> old_ids = std::move(ids_);
      std::vector<uint8_t> old_counts = std::move(counts_);
      std::vector<std::vector<std::pair<uint32_t, uint16_t>>> old_overflow(bands_);
      old_overflow.swap(overflow_);
      overflow_.resize(bands_);
      Resize(old_buckets * 2);
      for (int j = 0; j < bands_; ++j) {
        for (size_t b = static_cast<size_t>(j) * old_buckets, e = b + old_buckets; b < e; ++b) {
          for (unsigned c = 0; c < old_counts[b]; ++c) {
            Put(j, old_keys[b * kWays + c], old_ids[b * kWays + c]);
          }
        }
        for (const auto& [key, id] : old_overflow[j]) Put(j, key, id);
      }
    }
    static_assert(2 * kBlock <= 65536, "local ids are 16-bit");
    int bands_;
    size_t used_ = 0;     // articles inserted
    size_t buckets_ = 0;  // per band, a power of two
    int bucket_bits_ = 0;
    std::vector<uint32_t> keys_;                                        // [band][bucket][way]
    std::vector<uint16_t> ids_;                                         // the same layout
    std::vector<uint8_t> counts_;                                       // [band][bucket]
    std::vector<std::vector<std::pair<uint32_t, uint16_t>>> overflow_;  // per band
    std::vector<uint64_t> filter_;                                      // kFilterBits bits
  };

  // Decides block s (ranks [s * kBlock, ...)) in order, from its speculations
  // (made against the index and exact table holding blocks up to s - 2) and the
  // kept articles of blocks s - 1 (`kept_prev`, ranks) and s, which a small
  // index of the two blocks covers, and the content hashes new in block s - 1
  // (`prev_exact`). The block's new content hashes go to *local_exact and its
  // kept articles to *kept_cur.
  Status DecideBlock(size_t s, const std::vector<uint32_t>& order, const BlockExact& prev_exact,
                     std::vector<Speculation>* const spec[3],
                     const std::vector<uint32_t>& kept_prev, std::vector<uint32_t>* kept_cur,
                     BlockExact* local_exact, WindowIndex* window) {
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
        const SetOverlap o = CompareSets(sp.own.set(bands), at(base + c).own.set(bands));
        best.Offer(DedupSimilarity(o.intersection, o.size_a, o.size_b, opt_), order[base + c], o,
                   opt_.threshold);
      }
      if (!JoinBest(best, i, &r)) {
        kept_cur->push_back(static_cast<uint32_t>(rank));
        local.Insert(static_cast<uint32_t>(rank - base), sp.keys);
      }
    }
    return Status::Ok();
  }

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
  Status ClusterPipelined(const std::vector<uint32_t>& order, int threads, CompactLshIndex* index_p,
                          ExactTable* exact_p) {
    const size_t n = order.size();
    CompactLshIndex& index = *index_p;
    ExactTable& exact = *exact_p;
    const size_t blocks = (n + kBlock - 1) / kBlock;
    std::vector<Speculation> spec_store[3];
    std::vector<Speculation>* spec[3];
    std::vector<uint32_t> key_store[3];  // per block: kBlock x bands band keys
    for (int k = 0; k < 3; ++k) {
      spec_store[k].resize(std::min(n, kBlock));
      spec[k] = &spec_store[k];
      key_store[k].resize(spec_store[k].size() * lsh_.bands);
      for (size_t i = 0; i < spec_store[k].size(); ++i) {
        spec_store[k][i].keys = key_store[k].data() + i * lsh_.bands;
      }
    }
    // One record cache per worker thread (the slot is the thread's arena index).
    std::vector<std::vector<CacheSlot>> caches(threads);
    tbb::task_arena arena(threads);
    auto speculate = [&](size_t b) {
      const size_t bs = b * kBlock, be = std::min(n, bs + kBlock);
      std::vector<Speculation>& sp = *spec[b % 3];
      tbb::parallel_for(
          tbb::blocked_range<size_t>(bs, be, 8), [&](const tbb::blocked_range<size_t>& r) {
            const int t = std::max(0, tbb::this_task_arena::current_thread_index());
            std::vector<CacheSlot>& cache = caches[t % threads];
            // Eight at a time: each article's record header and
            // exact-table slot (cache misses, each waiting on the
            // one before) asked for together before any is used.
            for (size_t r0 = r.begin(); r0 < r.end(); r0 += 8) {
              const size_t r1 = std::min(r.end(), r0 + 8);
              const char* head[8];
              for (size_t rank = r0; rank < r1; ++rank) {
                head[rank - r0] = sigs_.View(recs_[order[rank]].offset, sizeof(SpillHeader));
                if (head[rank - r0] != nullptr) __builtin_prefetch(head[rank - r0]);
              }
              for (size_t rank = r0; rank < r1; ++rank) {
                if (head[rank - r0] == nullptr) continue;
                uint64_t content;
                std::memcpy(&content, head[rank - r0], sizeof content);
                exact.Prefetch(content);
              }
              for (size_t rank = r0; rank < r1; ++rank) {
                Speculate(order, index, exact, rank, &cache, &sp[rank - bs]);
              }
            }
          });
    };
    std::vector<uint32_t> kept_prev, kept_cur;
    BlockExact exact_a, exact_b;
    BlockExact* prev_exact = &exact_a;   // content hashes new in block s - 1
    BlockExact* local_exact = &exact_b;  // and in block s
    WindowIndex window(lsh_.bands);
    // Block s - 1's kept articles into the index and its content hashes into the
    // exact table (two tasks): the speculation of block s + 1 needs them, the
    // decision of block s does not (it reads them from kept_prev and prev_exact,
    // as these do), so they run beside it, off the sequential path.
    std::vector<uint32_t> kept_pos;
    // Block b = s - 1, decided (its kept articles are kept_prev's).
    auto add_prev = [&](size_t b) {
      tbb::task_group add;
      add.run(
          [&] { PrefetchKept(order, b * kBlock, std::min(n, b * kBlock + kBlock), &kept_pos); });
      // Each insert is a cache miss in a large table: asked for 8 ahead.
      add.run([&] {
        prev_exact->ForEach([&](uint64_t h, uint32_t pos) { exact.FindOrInsert(h, pos); },
                            [&](uint64_t h) { exact.Prefetch(h); });
      });
      for (uint32_t rank : kept_prev) {
        index.Insert(rank, (*spec[(rank / kBlock) % 3])[rank % kBlock].keys);
      }
      add.wait();
    };
    if (blocks > 0) arena.execute([&] { speculate(0); });
    for (size_t s = 0; s < blocks; ++s) {
      Status decided;
      arena.execute([&] {
        tbb::task_group decide;
        decide.run([&] {
          decided =
              DecideBlock(s, order, *prev_exact, spec, kept_prev, &kept_cur, local_exact, &window);
        });
        if (s > 0) add_prev(s - 1);
        if (s + 1 < blocks) speculate(s + 1);
        decide.wait();
      });
      STORYLINE_RETURN_IF_ERROR(decided);
      std::swap(prev_exact, local_exact);
      kept_prev.swap(kept_cur);
      kept_cur.clear();
    }
    // The last block's, so that the index and table end as full as with one thread.
    if (blocks > 0) arena.execute([&] { add_prev(blocks - 1); });
    return Status::Ok();
  }

  // ---- Pass 3: records in input order --------------------------------------

  // Pass 3 goes through the input in chunks. A chunk is built (its KEPT lines,
  // and the ids its records name) by whichever thread claims it first, up to
  // kOutSlots - 1 chunks ahead of the one whose records go to the sink, in
  // order, on the calling thread; with two threads or more a builder task
  // claims them as they come (BuildAhead), and the calling thread builds one
  // itself only when the builder has not claimed it yet. The fields of the
  // chunks after it are read back from the text spill meanwhile by the spill's
  // background thread: long runs of kept articles with direct reads into a
  // reused buffer, isolated ones from the page cache (see SequentialSpill and
  // AwaitChunkReads).
  static constexpr size_t kOutChunk = 4096;
  static constexpr size_t kOutSlots = 3;
  struct OutChunk {
    size_t begin = 0, end = 0;
    uint64_t text_begin = 0;         // where article `begin`'s fields are (or would be)
    JsonLines json;                  // the chunk's KEPT lines, one after another
    std::vector<uint32_t> json_end;  // per position: where its line (if any) ends
    // Per position, its id and that of its cluster's kept article: the sink's
    // records need no look into the signature spill on the calling thread.
    // Views into the mapping of the signature spill, or bytes of `ids`: the
    // kept articles' ids (their fields are read into a buffer that is reused)
    // and, without a mapping, all of them.
    struct IdRef {
      const char* p = nullptr;  // nullptr: at ids[at, at + len)
      uint32_t at = 0, len = 0;
    };
    std::vector<IdRef> id, of;
    std::string ids;
    std::string_view View(const IdRef& r) const {
      return r.p != nullptr ? std::string_view(r.p, r.len)
                            : std::string_view(ids).substr(r.at, r.len);
    }
    IdRef Ref(std::string_view v, bool copy) {
      if (!copy) return {v.data(), 0, static_cast<uint32_t>(v.size())};
      const uint32_t at = static_cast<uint32_t>(ids.size());
      ids.append(v);
      return {nullptr, at, static_cast<uint32_t>(v.size())};
    }
    Status status;
  };
  // The fields a chunk needs: its runs of kept articles (input positions
  // [begin, end), whose fields are the text-spill bytes [offset, offset + bytes):
  // their records follow each other) and the batch that reads them.
  struct ChunkReads {
    struct Run {
      size_t begin, end;
      uint64_t offset, bytes;
    };
    size_t begin = 0, end = 0;
    uint64_t text_begin = 0;  // where article `begin`'s fields are (or would be)
    std::vector<Run> runs;
    SequentialSpill::ReadBatch batch;
    Status status;
  };

  // Finds the runs of kept articles in [begin, begin + kOutChunk) and hands
  // their reads to the text spill's background thread.
  void StartChunkReads(size_t begin, ChunkReads* r) {
    const size_t n = recs_.size();
    r->begin = begin;
    r->end = std::min(n, begin + kOutChunk);
    r->runs.clear();
    r->batch.Clear();
    SpillHeader first;
    r->status = ReadHeader(static_cast<uint32_t>(begin), &first);
    if (!r->status.ok()) return;
    r->text_begin = first.text_offset;
    for (size_t i = r->begin; i < r->end;) {
      if (recs_[i].rep != i) {
        ++i;
        continue;
      }
      size_t j = i + 1;
      while (j < r->end && recs_[j].rep == j) ++j;
      // The run ends where the next article's fields begin.
      SpillHeader h, next;
      r->status = ReadHeader(static_cast<uint32_t>(i), &h);
      if (r->status.ok() && j < n) r->status = ReadHeader(static_cast<uint32_t>(j), &next);
      if (!r->status.ok()) return;
      const uint64_t end = j < n ? next.text_offset : texts_.size();
      r->runs.push_back({i, j, h.text_offset, end - h.text_offset});
      r->batch.Add(h.text_offset, end - h.text_offset);
      i = j;
    }
    r->status = texts_.StartRead(&r->batch);
  }

  static double ThreadCpuSeconds() {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
  }

  // Ids of kept articles named again by their duplicates' records, by input
  // position (direct-mapped, up to 2^16 entries: no more than the run has
  // articles; one table per thread that builds chunks; its views point into
  // this run's mapping).
  struct RepId {
    uint32_t pos = kNoRep;
    std::string buf;  // without a mapping of the signature spill
    std::string_view id;
  };

  void BuildChunk(ChunkReads* r, OutChunk* c, std::vector<RepId>* rep_ids_p) const {
    c->begin = r->begin;
    c->end = r->end;
    c->text_begin = r->text_begin;
    c->json.clear();
    c->json_end.assign(c->end - c->begin, 0);
    c->ids.clear();
    c->id.resize(c->end - c->begin);
    c->of.resize(c->end - c->begin);
    c->status = r->status;  // read by AwaitChunkReads()
    if (!c->status.ok()) return;
    thread_local std::string scratch, id_buf;
    std::vector<RepId>& rep_ids = *rep_ids_p;
    if (rep_ids.empty())
      rep_ids.resize(std::bit_ceil(std::clamp<size_t>(recs_.size(), 1, 1u << 16)));
    const size_t rep_mask = rep_ids.size() - 1;
    const bool copy = !sigs_.mapped();  // else the ids stay where they are
    size_t i = c->begin;
    // Articles up to `to` are duplicates: their ids and their kept articles'.
    auto skip_to = [&](size_t to) -> Status {
      for (; i < to; ++i) {
        c->json_end[i - c->begin] = static_cast<uint32_t>(c->json.size());
        SpillHeader h;
        std::string_view id;
        STORYLINE_RETURN_IF_ERROR(ReadHead(static_cast<uint32_t>(i), &h, &id_buf, &id));
        c->id[i - c->begin] = c->Ref(id, copy);
        const uint32_t rep = recs_[i].rep;
        RepId& slot = rep_ids[rep & rep_mask];
        if (slot.pos != rep) {
          SpillHeader rh;
          slot.pos = kNoRep;
          STORYLINE_RETURN_IF_ERROR(ReadHead(rep, &rh, &slot.buf, &slot.id));
          slot.pos = rep;
        }
        c->of[i - c->begin] = c->Ref(slot.id, copy);
      }
      return Status::Ok();
    };
    for (const ChunkReads::Run& run : r->runs) {
      c->status = skip_to(run.begin);
      if (!c->status.ok()) return;
      std::string_view bytes;
      c->status = texts_.Get(&r->batch, run.offset, run.bytes, &scratch, &bytes);
      if (!c->status.ok()) return;
      const char* rec = bytes.data();
      const char* rec_end = rec + bytes.size();
      for (; i < run.end; ++i) {
        uint32_t sizes[kTextFields];
        if (static_cast<size_t>(rec_end - rec) < sizeof sizes) {
          c->status = Status::Internal("dedup: kept article " + std::to_string(i) +
                                       " has no fields in the text spill");
          return;
        }
        std::memcpy(sizes, rec, sizeof sizes);
        rec += sizeof sizes;
        std::string_view fields[kTextFields];
        for (int f = 0; f < kTextFields; ++f) {
          fields[f] = std::string_view(rec, sizes[f]);
          rec += sizes[f];
        }
        AppendArticleJson(&c->json, fields);
        c->json_end[i - c->begin] = static_cast<uint32_t>(c->json.size());
        c->id[i - c->begin] = c->of[i - c->begin] = c->Ref(fields[0], true);
      }
    }
    c->status = skip_to(c->end);
  }

  // Pass 3's chunks and who builds them (see Output).
  struct OutState {
    size_t chunks = 0;
    ChunkReads reads[kOutSlots];           // chunk k's in reads[k % kOutSlots] until built
    OutChunk out[kOutSlots];               // chunk k in out[k % kOutSlots] until delivered
    std::atomic<size_t> claimed{0};        // chunks claimed for building
    std::atomic<size_t> delivered{0};      // chunks whose records went to the sink
    std::atomic<size_t> built[kOutSlots];  // per slot: 1 + the chunk built in it
    std::atomic<bool> failed{false};
    // The page cache counts as quick until 4 MB copied from it say otherwise
    // (2 GB per CPU-second; the disk gives ~1.2 GB/s).
    std::atomic<uint64_t> copied_bytes{0};
    std::atomic<uint64_t> copied_ns{0};
    std::vector<std::vector<RepId>> rep_ids;  // per thread of the arena (BuildChunk)
    OutState() {
      for (auto& b : built) b.store(0);
    }
  };

  // Before chunk r is built, by the thread that builds it (asleep while it
  // waits on the disk). When the page cache has proved quick to copy from (see
  // OutState), what the disk has not read yet of r is copied from there (the
  // kept articles' fields were read into it during the decision pass; the
  // copies' bytes and CPU time add up in *st); else the reads are waited for.
  // Copying is quick where the guest's memory is in use already (5-10 GB/s); on
  // a VM that hands memory over lazily it ran at 0.5 GB/s out of pages never
  // touched before, slower than the disk, and costing CPU.
  void AwaitChunkReads(ChunkReads* r, OutState* st) {
    if (!r->status.ok()) return;
    const uint64_t bytes = st->copied_bytes.load(std::memory_order_relaxed);
    const bool copy = bytes < (4u << 20) ||
                      static_cast<double>(bytes) >
                          2.0 * static_cast<double>(st->copied_ns.load(std::memory_order_relaxed));
    if (!copy) {
      r->status = texts_.WaitRead(&r->batch);
      return;
    }
    const double t0 = ThreadCpuSeconds();
    uint64_t n = 0;
    r->status = texts_.TakeOver(&r->batch, &n);
    if (n != 0) {
      st->copied_bytes.fetch_add(n, std::memory_order_relaxed);
      st->copied_ns.fetch_add(static_cast<uint64_t>((ThreadCpuSeconds() - t0) * 1e9),
                              std::memory_order_relaxed);
    }
  }

  // Claims and builds chunk k if no thread has claimed it and its slot is free
  // (chunk k - kOutSlots delivered); whether it did. Then starts the reads of
  // the chunk that comes next into the slot of reads it freed.
  bool ClaimAndBuild(OutState* st, size_t k) {
    if (k >= st->chunks || k >= st->delivered.load(std::memory_order_acquire) + kOutSlots) {
      return false;
    }
    size_t want = k;
    if (!st->claimed.compare_exchange_strong(want, k + 1, std::memory_order_acq_rel)) return false;
    ChunkReads& r = st->reads[k % kOutSlots];
    AwaitChunkReads(&r, st);
    const int t = std::max(0, tbb::this_task_arena::current_thread_index());
    BuildChunk(&r, &st->out[k % kOutSlots], &st->rep_ids[t % st->rep_ids.size()]);
    if (k + kOutSlots < st->chunks) StartChunkReads((k + kOutSlots) * kOutChunk, &r);
    st->built[k % kOutSlots].store(k + 1, std::memory_order_release);
    return true;
  }

  // The builder task: claims the chunks in order as their slots free up.
  void BuildAhead(OutState* st) {
    for (size_t k = st->claimed.load(std::memory_order_acquire);
         k < st->chunks && !st->failed.load(std::memory_order_acquire);
         k = st->claimed.load(std::memory_order_acquire)) {
      if (!ClaimAndBuild(st, k)) WaitABit();
    }
  }

  // Between two looks at what another thread does: a pause, and now and then a
  // yield of the core (the waits here are shorter than a sleep's wake-up).
  static void WaitABit() {
    thread_local unsigned spins = 0;
    if (++spins % 64 == 0) {
      std::this_thread::yield();
    } else {
      _mm_pause();
    }
  }

  Status Output() {
    const size_t n = recs_.size();
    for (Rec& r : recs_) r.key = kNoCluster;
    uint64_t clusters = 0;
    auto deliver = [&](const OutChunk& c) -> Status {
      STORYLINE_RETURN_IF_ERROR(c.status);
      uint32_t line_begin = 0;
      for (size_t i = c.begin; i < c.end; ++i) {
        Rec& r = recs_[i];
        const std::string_view id = c.View(c.id[i - c.begin]);
        Rec& rep = recs_[r.rep];
        if (rep.key == kNoCluster) rep.key = clusters++;
        DedupRecord d;
        d.id = id;
        d.seq = i;
        d.of_seq = r.rep;
        d.cluster = rep.key;
        const uint32_t line_end = c.json_end[i - c.begin];
        const std::string_view json(c.json.data() + line_begin, line_end - line_begin);
        line_begin = line_end;
        if (r.rep == i) {
          d.kind = DedupRecord::Kind::kKept;
          d.of = id;
          ++stats_.kept;
        } else {
          d.of = c.View(c.of[i - c.begin]);
          const bool exact = std::signbit(r.containment_kind);
          d.kind = exact ? DedupRecord::Kind::kExactDuplicate : DedupRecord::Kind::kNearDuplicate;
          d.similarity = r.similarity;
          d.jaccard = r.jaccard;
          d.containment = std::abs(r.containment_kind);
          if (exact)
            ++stats_.exact_duplicates;
          else
            ++stats_.near_duplicates;
          if (opt_.explain) {
            std::string line(id);
            line += exact ? ": exact duplicate of " : ": near duplicate of ";
            line += d.of;
            Fmt(&line, " (similarity %.3f; jaccard %.3f, containment %.3f)", d.similarity,
                d.jaccard, d.containment);
            opt_.explain(line);
          }
        }
        STORYLINE_RETURN_IF_ERROR(sink_->OnRecord(d, json));
      }
      return Status::Ok();
    };
    const int threads = opt_.threads > 0 ? opt_.threads : tbb::info::default_concurrency();
    OutState st;
    st.chunks = (n + kOutChunk - 1) / kOutChunk;
    st.rep_ids.resize(threads);
    for (size_t k = 0; k < std::min(st.chunks, kOutSlots); ++k) {
      StartChunkReads(k * kOutChunk, &st.reads[k]);
    }
    tbb::task_arena arena(threads);
    Status result;
    arena.execute([&] {
      tbb::task_group builder;
      if (threads > 1) builder.run([&] { BuildAhead(&st); });
      for (size_t k = 0; k < st.chunks; ++k) {
        // Built by the builder, or here: while it is not, this thread builds
        // the next chunk no thread has claimed (this one, if the builder has
        // not come to it yet; else one after it, beside the builder).
        while (st.built[k % kOutSlots].load(std::memory_order_acquire) != k + 1) {
          if (!ClaimAndBuild(&st, st.claimed.load(std::memory_order_acquire))) WaitABit();
        }
        const OutChunk& c = st.out[k % kOutSlots];
        result = deliver(c);
        if (!result.ok()) {
          st.failed.store(true, std::memory_order_release);
          break;
        }
        // The fields before chunk k's are not needed again.
        texts_.Release(c.text_begin);
        st.delivered.store(k + 1, std::memory_order_release);
      }
      builder.wait();
      // The background thread holds the batches it was handed until read.
      for (ChunkReads& r : st.reads) {
        Status s = texts_.WaitRead(&r.batch);
        if (result.ok() && !s.ok()) result = s;
      }
    });
    return result;
  }

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
  // put the waiting thread to sleep (3,400 sleeps per million articles on two
  // threads, each a wake-up's latency lost).
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

// Serves articles held in memory through the reader interface.
class VectorReader : public ArticleReader {
 public:
  explicit VectorReader(const std::vector<Article>& a) : articles_(a) {}
  Result<bool> Next(Article* out) override {
    if (next_ >= articles_.size()) return false;
    *out = articles_[next_];
    out->seq = next_++;
    ++stats_.accepted;
    return true;
  }
  const IngestStats& stats() const override { return stats_; }
  uint64_t total_bytes() const override { return 0; }

 private:
  const std::vector<Article>& articles_;
  size_t next_ = 0;
  IngestStats stats_;
};

class VectorSink : public DedupSink {
 public:
  VectorSink(const std::vector<Article>& a, std::vector<DedupRecord>* out)
      : articles_(a), out_(out) {}
  Status OnRecord(const DedupRecord& r, std::string_view) override {
    DedupRecord c = r;
    c.id = articles_[r.seq].id;
    c.of = articles_[r.of_seq].id;
    out_->push_back(c);
    return Status::Ok();
  }

 private:
  const std::vector<Article>& articles_;
  std::vector<DedupRecord>* out_;
};

}  // namespace

Result<KeepPolicy> ParseKeepPolicy(std::string_view name) {
  if (name == "earliest") return KeepPolicy::kEarliest;
  if (name == "longest") return KeepPolicy::kLongest;
  if (name == "first") return KeepPolicy::kFirst;
  return Status::InvalidArgument("unknown keep policy '" + std::string(name) +
                                 "' (earliest, longest or first)");
}

std::string DedupRecordJson(const DedupRecord& r) {
  JsonWriter w;
  w.BeginObject();
  w.Key("id");
  w.String(r.id);
  w.Key("cluster");
  w.Int(static_cast<int64_t>(r.cluster));
  w.Key("kept");
  w.Bool(r.kept());
  w.Key("of");
  w.String(r.of);
  w.Key("similarity");
  w.Double(r.similarity);
  w.Key("relation");
  w.String(r.kind == DedupRecord::Kind::kKept             ? "kept"
           : r.kind == DedupRecord::Kind::kExactDuplicate ? "exact-duplicate"
                                                          : "near-duplicate");
  w.EndObject();
  return w.Take();
}

const char* KeepPolicyName(KeepPolicy policy) {
  switch (policy) {
    case KeepPolicy::kEarliest:
      return "earliest";
    case KeepPolicy::kLongest:
      return "longest";
    case KeepPolicy::kFirst:
      return "first";
  }
  return "?";
}

double DedupSimilarity(size_t intersection, size_t size_a, size_t size_b,
                       const DedupOptions& options) {
  const size_t uni = size_a + size_b - intersection;
  if (uni == 0) return 0;
  double s = static_cast<double>(intersection) / uni;
  const size_t lo = std::min(size_a, size_b), hi = std::max(size_a, size_b);
  if (options.use_containment && lo >= static_cast<size_t>(options.containment_min_shingles) &&
      static_cast<double>(lo) >= options.containment_min_ratio * hi) {
    s = std::max(s, static_cast<double>(intersection) / lo);
  }
  return s;
}

namespace {

// JSON strings as AppendJsonString (core/json_writer.h) writes them, byte for
// byte, sixteen bytes at a time: each block is stored whole, then the output
// moves on past its plain bytes only, up to the first byte to escape (a control
// byte, '"' or '\\'). The article text is most of what dedup writes, with a
// newline to escape every line or so.

// The escape of each byte that needs one (at most 6 bytes, stored as 8), and
// its length; 0 for the bytes written as they are.
struct JsonEscapes {
  char bytes[0x60][8] = {};
  uint8_t len[0x60] = {};
  constexpr JsonEscapes() {
    constexpr char kHex[] = "0123456789abcdef";
    for (int c = 0; c < 0x20; ++c) {
      const char e[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
      for (int k = 0; k < 6; ++k) bytes[c][k] = e[k];
      len[c] = 6;
    }
    const char named[][2] = {{'"', '"'},  {'\\', '\\'}, {'\n', 'n'}, {'\r', 'r'},
                             {'\t', 't'}, {'\b', 'b'},  {'\f', 'f'}};
    for (const auto& n : named) {
      const int c = static_cast<unsigned char>(n[0]);
      bytes[c][0] = '\\';
      bytes[c][1] = n[1];
      len[c] = 2;
    }
  }
};
constexpr JsonEscapes kJsonEscapes;

// The bytes of v that JSON must escape, as a bit mask.
inline uint32_t EscapeMask(__m128i v) {
  const __m128i hit = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
      _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v));
  return static_cast<uint32_t>(_mm_movemask_epi8(hit));
}

// The room WriteJsonString needs for s: every byte escaped as \u00XX, the quotes,
// and the slack its 16-byte stores may write past the end.
constexpr size_t JsonStringRoom(size_t n) { return 6 * n + 2 + 16; }

// Writes s as a JSON string at d, which has JsonStringRoom(s.size()) bytes;
// returns where it ends.
char* WriteJsonString(char* d, std::string_view s) {
  *d++ = '"';
  const char* p = s.data();
  const char* const end = p + s.size();
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d), v);
    const uint32_t m = EscapeMask(v);
    if (m == 0) {
      p += 16;
      d += 16;
      continue;
    }
    const int k = __builtin_ctz(m);
    const unsigned char c = static_cast<unsigned char>(p[k]);
    d += k;
    std::memcpy(d, kJsonEscapes.bytes[c], 8);
    d += kJsonEscapes.len[c];
    p += k + 1;
  }
  for (; p < end; ++p) {
    const unsigned char c = static_cast<unsigned char>(*p);
    if (c < 0x60 && kJsonEscapes.len[c] != 0) {
      std::memcpy(d, kJsonEscapes.bytes[c], 8);
      d += kJsonEscapes.len[c];
    } else {
      *d++ = static_cast<char>(c);
    }
  }
  *d++ = '"';
  return d;
}

// Writes `key` (`,"key":`) and the value: a JSON string, or null for an empty
// optional field.
char* WriteField(char* d, std::string_view key, std::string_view value, bool or_null) {
  std::memcpy(d, key.data(), key.size());
  d += key.size();
  if (or_null && value.empty()) {
    std::memcpy(d, "null", 4);
    return d + 4;
  }
  return WriteJsonString(d, value);
}

}  // namespace

namespace {

// {"id","title","text","url","source","published","lang"}: the output of
// JsonWriter for these keys, written directly.
void AppendArticleJson(JsonLines* out, const std::string_view* f) {
  size_t room = 96;  // the braces and keys
  for (int k = 0; k < kTextFields; ++k) room += JsonStringRoom(f[k].size());
  char* d = out->Room(room);
  *d++ = '{';
  d = WriteField(d, "\"id\":", f[0], false);
  d = WriteField(d, ",\"title\":", f[1], false);
  d = WriteField(d, ",\"text\":", f[2], false);
  d = WriteField(d, ",\"url\":", f[3], true);
  d = WriteField(d, ",\"source\":", f[4], true);
  d = WriteField(d, ",\"published\":", f[5], true);
  d = WriteField(d, ",\"lang\":", f[6], true);
  *d++ = '}';
  out->Commit(d);
}

}  // namespace

std::string ArticleJson(const Article& a) {
  const std::string_view fields[kTextFields] = {a.id,     a.title,     a.text, a.url,
                                                a.source, a.published, a.lang};
  JsonLines out;
  AppendArticleJson(&out, fields);
  return std::string(out.data(), out.size());
}

Result<DedupStats> Dedup(ArticleReader* reader, const DedupOptions& options, DedupSink* sink) {
  Deduplicator d(reader, options, sink);
  return d.Run();
}

Result<DedupResult> DedupArticles(const std::vector<Article>& articles,
                                  const DedupOptions& options) {
  DedupResult result;
  VectorReader reader(articles);
  VectorSink sink(articles, &result.records);
  Result<DedupStats> st = Dedup(&reader, options, &sink);
  if (!st.ok()) return st.status();
  result.stats = *st;
  return result;
}

}  // namespace storyline
