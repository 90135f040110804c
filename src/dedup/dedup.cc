// Copyright storyline authors.
//
// Dedup's driver: the three passes of a run (dedup_internal.h) in order, with
// their timings, and the public entry points of storyline/dedup.h.
#include "storyline/dedup.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>

#include "core/json_writer.h"
#include "dedup/dedup_internal.h"

namespace storyline {
namespace dedup_internal {
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

}  // namespace

Deduplicator::Deduplicator(ArticleReader* reader, const DedupOptions& opt, DedupSink* sink)
    : reader_(reader), opt_(opt), sink_(sink), hasher_(opt.num_hashes) {
  double design = opt.lsh_similarity > 0 ? opt.lsh_similarity : opt.threshold - 0.2;
  design = std::clamp(design, 0.05, 0.95);
  lsh_ = ChooseLshParams(opt.num_hashes, design, opt.lsh_recall);
  stats_.lsh = lsh_;
}

Result<DedupStats> Deduplicator::Run() {
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
  // pread each. The mapped pages are the page cache the reads used anyway
  // (clean, the kernel may drop them); peak RSS now counts them, the bytes held
  // per article are unchanged.
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
  // Closing the spills gives their blocks and page cache back at the end of a
  // run with one thread busy: the two side by side.
  texts_.CloseSoon();
  sigs_.Close();
  stats_.rejected = reader_->stats().rejected;
  stats_.bytes_read = reader_->stats().bytes_read;
  return stats_;
}

}  // namespace dedup_internal

namespace {

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
  w.String(RelationName(r.relation));
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

Result<DedupStats> Dedup(ArticleReader* reader, const DedupOptions& options, DedupSink* sink) {
  dedup_internal::Deduplicator d(reader, options, sink);
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
