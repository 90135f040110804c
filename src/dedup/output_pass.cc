// Copyright storyline authors.
//
// Dedup's pass 3: hands the records to the sink in input order, with the KEPT
// line of each kept article, built from its fields read back from the text spill.
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <thread>

#include "core/json_writer.h"
#include "core/simd.h"
#include "dedup/dedup_internal.h"

namespace storyline::dedup_internal {
namespace {

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
constexpr size_t kOutChunk = 4096;
constexpr size_t kOutSlots = 3;

double ThreadCpuSeconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Between two looks at what another thread does: a pause, and now and then a
// yield of the core (the waits here are shorter than a sleep's wake-up).
void WaitABit() {
  thread_local unsigned spins = 0;
  if (++spins % 64 == 0) {
    std::this_thread::yield();
  } else {
#if STORYLINE_SSE2
    _mm_pause();
#endif
  }
}

void Fmt(std::string* out, const char* fmt, double a, double b, double c) {
  char buf[160];
  std::snprintf(buf, sizeof buf, fmt, a, b, c);
  out->append(buf);
}

// Appends `key` (`,"key":`) and the value: a JSON string, or null for an empty
// optional field.
void AppendField(std::string* out, std::string_view key, std::string_view value, bool or_null) {
  out->append(key);
  if (or_null && value.empty()) {
    out->append("null");
  } else {
    AppendJsonString(out, value);
  }
}

}  // namespace

// {"id","title","text","url","source","published","lang"}: the output of
// JsonWriter for these keys, written directly.
void AppendArticleJson(std::string* out, const std::string_view* f) {
  out->push_back('{');
  AppendField(out, "\"id\":", f[0], false);
  AppendField(out, ",\"title\":", f[1], false);
  AppendField(out, ",\"text\":", f[2], false);
  AppendField(out, ",\"url\":", f[3], true);
  AppendField(out, ",\"source\":", f[4], true);
  AppendField(out, ",\"published\":", f[5], true);
  AppendField(out, ",\"lang\":", f[6], true);
  out->push_back('}');
}

// One chunk of pass 3, built.
struct OutChunk {
  size_t begin = 0, end = 0;
  uint64_t text_begin = 0;         // where article `begin`'s fields are (or would be)
  std::string json;                // the chunk's KEPT lines, one after another
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

// Ids of kept articles named again by their duplicates' records, by input
// position (direct-mapped, up to 2^16 entries: no more than the run has
// articles; one table per thread that builds chunks; its views point into
// this run's mapping).
struct RepId {
  uint32_t pos = kNoRep;
  std::string buf;  // without a mapping of the signature spill
  std::string_view id;
};

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
  // (see AwaitChunkReads).
  std::atomic<uint64_t> copied_bytes{0};
  std::atomic<uint64_t> copied_ns{0};
  std::vector<std::vector<RepId>> rep_ids;  // per thread of the arena (BuildChunk)
  OutState() {
    for (auto& b : built) b.store(0);
  }
};

// The header and id of the article at `pos`; *id points into the mapping or,
// without one, into *scratch.
Status Deduplicator::ReadHead(uint32_t pos, SpillHeader* h, std::string* scratch,
                              std::string_view* id) const {
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

// Finds the runs of kept articles in [begin, begin + kOutChunk) and hands
// their reads to the text spill's background thread.
void Deduplicator::StartChunkReads(size_t begin, ChunkReads* r) {
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

void Deduplicator::BuildChunk(ChunkReads* r, OutChunk* c, std::vector<RepId>* rep_ids) const {
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
  if (rep_ids->empty()) {
    rep_ids->resize(std::bit_ceil(std::clamp<size_t>(recs_.size(), 1, 1u << 16)));
  }
  size_t i = c->begin;
  for (size_t run = 0; run < r->runs.size(); ++run) {
    c->status = NameDuplicates(r->runs[run].begin, c, &i, rep_ids);
    if (!c->status.ok()) return;
    c->status = AppendKeptLines(r, run, c, &i);
    if (!c->status.ok()) return;
  }
  c->status = NameDuplicates(c->end, c, &i, rep_ids);
}

// Articles *i up to `to` are duplicates: their ids and their kept articles' into
// chunk c.
Status Deduplicator::NameDuplicates(size_t to, OutChunk* c, size_t* i,
                                    std::vector<RepId>* rep_ids) const {
  thread_local std::string id_buf;
  const size_t rep_mask = rep_ids->size() - 1;
  const bool copy = !sigs_.mapped();  // else the ids stay where they are
  for (; *i < to; ++*i) {
    c->json_end[*i - c->begin] = static_cast<uint32_t>(c->json.size());
    SpillHeader h;
    std::string_view id;
    STORYLINE_RETURN_IF_ERROR(ReadHead(static_cast<uint32_t>(*i), &h, &id_buf, &id));
    c->id[*i - c->begin] = c->Ref(id, copy);
    const uint32_t rep = recs_[*i].rep;
    RepId& slot = (*rep_ids)[rep & rep_mask];
    if (slot.pos != rep) {
      SpillHeader rh;
      slot.pos = kNoRep;
      STORYLINE_RETURN_IF_ERROR(ReadHead(rep, &rh, &slot.buf, &slot.id));
      slot.pos = rep;
    }
    c->of[*i - c->begin] = c->Ref(slot.id, copy);
  }
  return Status::Ok();
}

// The KEPT lines of run r->runs[run] (*i is its first article) into chunk c,
// from their fields in the text spill; *i ends past the run.
Status Deduplicator::AppendKeptLines(ChunkReads* r, size_t run, OutChunk* c, size_t* i) const {
  thread_local std::string scratch;
  const ChunkReads::Run& kept = r->runs[run];
  std::string_view bytes;
  STORYLINE_RETURN_IF_ERROR(texts_.Get(&r->batch, kept.offset, kept.bytes, &scratch, &bytes));
  const char* rec = bytes.data();
  const char* rec_end = rec + bytes.size();
  for (; *i < kept.end; ++*i) {
    uint32_t sizes[kTextFields];
    if (static_cast<size_t>(rec_end - rec) < sizeof sizes) {
      return Status::Internal("dedup: kept article " + std::to_string(*i) +
                              " has no fields in the text spill");
    }
    std::memcpy(sizes, rec, sizeof sizes);
    rec += sizeof sizes;
    std::string_view fields[kTextFields];
    for (int f = 0; f < kTextFields; ++f) {
      fields[f] = std::string_view(rec, sizes[f]);
      rec += sizes[f];
    }
    AppendArticleJson(&c->json, fields);
    c->json_end[*i - c->begin] = static_cast<uint32_t>(c->json.size());
    c->id[*i - c->begin] = c->of[*i - c->begin] = c->Ref(fields[0], true);
  }
  return Status::Ok();
}

// Before chunk r is built, by the thread that builds it (asleep while it
// waits on the disk). When the page cache has proved quick to copy from (see
// OutState), what the disk has not read yet of r is copied from there (the
// kept articles' fields were read into it during the decision pass; the
// copies' bytes and CPU time add up in *st); else the reads are waited for.
// Copying is quick where the guest's memory is in use already; on a VM that
// hands memory over lazily, copying out of pages never touched before can be
// slower than the disk, and costs CPU.
void Deduplicator::AwaitChunkReads(ChunkReads* r, OutState* st) {
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
bool Deduplicator::ClaimAndBuild(OutState* st, size_t k) {
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
void Deduplicator::BuildAhead(OutState* st) {
  for (size_t k = st->claimed.load(std::memory_order_acquire);
       k < st->chunks && !st->failed.load(std::memory_order_acquire);
       k = st->claimed.load(std::memory_order_acquire)) {
    if (!ClaimAndBuild(st, k)) WaitABit();
  }
}

// Hands chunk c's records to the sink; clusters are numbered as their first
// article comes (*clusters: the clusters numbered so far).
Status Deduplicator::Deliver(const OutChunk& c, uint64_t* clusters) {
  STORYLINE_RETURN_IF_ERROR(c.status);
  uint32_t line_begin = 0;
  for (size_t i = c.begin; i < c.end; ++i) {
    Rec& r = recs_[i];
    const std::string_view id = c.View(c.id[i - c.begin]);
    Rec& rep = recs_[r.rep];
    if (rep.key == kNoCluster) rep.key = (*clusters)++;
    DedupRecord d;
    d.id = id;
    d.seq = i;
    d.of_seq = r.rep;
    d.cluster = rep.key;
    const uint32_t line_end = c.json_end[i - c.begin];
    const std::string_view json(c.json.data() + line_begin, line_end - line_begin);
    line_begin = line_end;
    if (r.rep == i) {
      d.relation = Relation::kOriginal;
      d.of = id;
      ++stats_.kept;
    } else {
      d.of = c.View(c.of[i - c.begin]);
      const bool exact = std::signbit(r.containment_kind);
      d.relation = exact ? Relation::kDuplicate : Relation::kNearDuplicate;
      d.similarity = r.similarity;
      d.jaccard = r.jaccard;
      d.containment = std::abs(r.containment_kind);
      if (exact) {
        ++stats_.exact_duplicates;
      } else {
        ++stats_.near_duplicates;
      }
      if (opt_.explain) {
        std::string line(id);
        line += exact ? ": exact duplicate of " : ": near duplicate of ";
        line += d.of;
        Fmt(&line, " (similarity %.3f; jaccard %.3f, containment %.3f)", d.similarity, d.jaccard,
            d.containment);
        opt_.explain(line);
      }
    }
    STORYLINE_RETURN_IF_ERROR(sink_->OnRecord(d, json));
  }
  return Status::Ok();
}

Status Deduplicator::Output() {
  const size_t n = recs_.size();
  for (Rec& r : recs_) r.key = kNoCluster;
  uint64_t clusters = 0;
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
      result = Deliver(c, &clusters);
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

}  // namespace storyline::dedup_internal

namespace storyline {

std::string ArticleJson(const Article& a) {
  const std::string_view fields[dedup_internal::kTextFields] = {
      a.id, a.title, a.text, a.url, a.source, a.published, a.lang};
  std::string out;
  dedup_internal::AppendArticleJson(&out, fields);
  return out;
}

}  // namespace storyline
