// Copyright storyline authors.
//
// storyline._core: the pybind11 binding under the Python package `storyline`
// (python/storyline/__init__.py is the public face; docs/python.md the manual).
//
// A thin front end, as the CLI is: it converts Python values to the library's
// types, calls the library, and turns a non-ok Status into a Python exception:
//   kInvalidArgument          -> ValueError
//   kNotFound                 -> FileNotFoundError (KeyError for store lookups)
//   kIoError                  -> OSError
//   anything else             -> RuntimeError
// Output objects are made from the same JSON the CLI writes (ArticleJson,
// AssignmentJson, CompareResultToJson, ...), so Python and the CLI agree byte for
// byte on every field.
//
// GIL: every call that reads files or runs an engine releases the GIL for the C++
// work (py::gil_scoped_release) and takes it back only to build the Python results.
// The C++ code never calls back into Python while the GIL is released: rejected
// records are collected in C++ and returned as a list.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/json_writer.h"
#include "storyline/article.h"
#include "storyline/dedup.h"
#include "storyline/extract.h"
#include "storyline/ingest.h"
#include "storyline/outlet.h"
#include "storyline/relate.h"
#include "storyline/status.h"
#include "storyline/store.h"
#include "storyline/story.h"

namespace py = pybind11;

namespace storyline::python {
namespace {

// ---- Errors ------------------------------------------------------------------

[[noreturn]] void Raise(const Status& s, bool not_found_is_key_error = false) {
  PyObject* type = PyExc_RuntimeError;
  switch (s.code()) {
    case Status::Code::kInvalidArgument:
      type = PyExc_ValueError;
      break;
    case Status::Code::kNotFound:
      type = not_found_is_key_error ? PyExc_KeyError : PyExc_FileNotFoundError;
      break;
    case Status::Code::kIoError:
      type = PyExc_OSError;
      break;
    default:
      break;
  }
  PyErr_SetString(type, s.message().c_str());
  throw py::error_already_set();
}

template <typename T>
T Take(Result<T> r, bool not_found_is_key_error = false) {
  if (!r.ok()) Raise(r.status(), not_found_is_key_error);
  return std::move(r).value();
}

void Check(const Status& s) {
  if (!s.ok()) Raise(s);
}

// ---- Values ------------------------------------------------------------------

// UTF-8 bytes to str; invalid bytes (only in rejected raw records) are replaced.
py::str Str(std::string_view s) {
  PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
  if (!o) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(o);
}

py::object ParseJson(const std::string& json) {
  static py::object* loads = new py::object(
      py::module_::import("json").attr("loads"));  // never freed: lives with the module
  return (*loads)(Str(json));
}

py::list ParseJsonLines(const std::vector<std::string>& lines) {
  py::list out;
  for (const std::string& l : lines) out.append(ParseJson(l));
  return out;
}

template <typename T>
T Get(const py::dict& d, const char* key, T fallback) {
  if (!d.contains(key)) return fallback;
  py::object v = d[key];
  if (v.is_none()) return fallback;
  try {
    return v.cast<T>();
  } catch (const py::cast_error&) {
    throw py::type_error(std::string("option ") + key + ": unexpected type " +
                         std::string(py::str(py::type::of(v).attr("__name__"))));
  }
}

// Articles cross process boundaries (Dask workers -> client) as plain tuples:
// (id, title, text, url, source, published, published_ts, lang, author,
//  origin_file, origin_line). published_ts is None when unknown. The order is
// internal to the binding and storyline/dask.py.
constexpr size_t kArticleFields = 11;

py::tuple ArticleTuple(const Article& a) {
  py::object ts = a.published_ts == kNoTime ? py::object(py::none()) : py::int_(a.published_ts);
  return py::make_tuple(Str(a.id), Str(a.title), Str(a.text), Str(a.url), Str(a.source),
                        Str(a.published), ts, Str(a.lang), Str(a.author), Str(a.origin_file),
                        py::int_(a.origin_line));
}

Article TupleArticle(const py::handle& h, uint64_t seq) {
  py::tuple t = py::reinterpret_borrow<py::tuple>(h);
  if (t.size() != kArticleFields) {
    throw py::value_error("storyline._core: an article tuple has " + std::to_string(t.size()) +
                          " fields, expected " + std::to_string(kArticleFields));
  }
  Article a;
  a.id = t[0].cast<std::string>();
  a.title = t[1].cast<std::string>();
  a.text = t[2].cast<std::string>();
  a.url = t[3].cast<std::string>();
  a.source = t[4].cast<std::string>();
  a.published = t[5].cast<std::string>();
  a.published_ts = t[6].is_none() ? kNoTime : t[6].cast<int64_t>();
  a.lang = t[7].cast<std::string>();
  a.author = t[8].cast<std::string>();
  a.origin_file = t[9].cast<std::string>();
  a.origin_line = t[10].cast<uint64_t>();
  a.seq = seq;
  return a;
}

std::vector<Article> TupleArticles(const py::iterable& items) {
  std::vector<Article> out;
  for (py::handle h : items) out.push_back(TupleArticle(h, out.size()));
  return out;
}

py::dict RejectionDict(const Rejection& r) {
  py::dict d;
  d["file"] = Str(r.file);
  d["line"] = r.line;
  d["reason"] = Str(r.reason);
  d["raw"] = Str(r.raw);
  return d;
}

py::list RejectionList(const std::vector<Rejection>& rs) {
  py::list out;
  for (const Rejection& r : rs) out.append(RejectionDict(r));
  return out;
}

py::dict IngestStatsDict(const IngestStats& s) {
  py::dict d;
  d["accepted"] = s.accepted;
  d["rejected"] = s.rejected;
  d["utf8_repaired"] = s.utf8_repaired;
  d["mojibake_repaired"] = s.mojibake_repaired;
  d["bytes_read"] = s.bytes_read;
  d["unparsed_dates"] = s.unparsed_dates;
  return d;
}

// ---- Reading -----------------------------------------------------------------

// Where articles come from: files and folders (`paths`), or JSONL in memory
// (`jsonl`, named `name` in rejections). Exactly one is used: jsonl when not None.
struct Source {
  std::vector<std::string> paths;
  std::optional<std::string> jsonl;
  std::string name = "<articles>";
};

Source MakeSource(const py::object& paths, const py::object& jsonl, const std::string& name) {
  Source s;
  if (!jsonl.is_none()) {
    s.jsonl = py::isinstance<py::bytes>(jsonl) ? std::string(jsonl.cast<py::bytes>())
                                               : jsonl.cast<std::string>();
    s.name = name;
  } else {
    s.paths = paths.cast<std::vector<std::string>>();
  }
  return s;
}

IngestOptions MakeIngestOptions(const py::dict& o, std::vector<Rejection>* rejections) {
  IngestOptions opt;
  opt.id_field = Get<std::string>(o, "id_field", opt.id_field);
  opt.title_field = Get<std::string>(o, "title_field", opt.title_field);
  opt.text_field = Get<std::string>(o, "text_field", opt.text_field);
  opt.url_field = Get<std::string>(o, "url_field", opt.url_field);
  opt.source_field = Get<std::string>(o, "source_field", opt.source_field);
  opt.published_field = Get<std::string>(o, "published_field", opt.published_field);
  opt.lang_field = Get<std::string>(o, "lang_field", opt.lang_field);
  opt.repair_mojibake = Get<bool>(o, "repair_mojibake", opt.repair_mojibake);
  opt.include_comments = Get<bool>(o, "include_comments", opt.include_comments);
  // Runs on the thread that calls Next(): the one holding no GIL; it only
  // appends to a C++ vector.
  opt.on_reject = [rejections](const Rejection& r) { rejections->push_back(r); };
  return opt;
}

Result<std::unique_ptr<ArticleReader>> OpenSource(const Source& s, const IngestOptions& opt) {
  if (s.jsonl) return ArticleReader::OpenBuffer(*s.jsonl, s.name, opt);
  return ArticleReader::Open(s.paths, opt);
}

Status ReadAll(ArticleReader* reader, std::vector<Article>* out) {
  Article a;
  while (true) {
    Result<bool> more = reader->Next(&a);
    if (!more.ok()) return more.status();
    if (!*more) return Status::Ok();
    out->push_back(std::move(a));
    a = Article();
  }
}

// read(paths, jsonl, name, options) -> (articles as tuples, rejections, stats)
py::tuple Read(const py::object& paths, const py::object& jsonl, const std::string& name,
               const py::dict& options) {
  Source src = MakeSource(paths, jsonl, name);
  std::vector<Rejection> rejections;
  IngestOptions opt = MakeIngestOptions(options, &rejections);
  std::vector<Article> articles;
  IngestStats stats;
  Status st;
  {
    py::gil_scoped_release nogil;
    Result<std::unique_ptr<ArticleReader>> reader = OpenSource(src, opt);
    if (!reader.ok()) {
      st = reader.status();
    } else {
      st = ReadAll(reader->get(), &articles);
      stats = (*reader)->stats();
    }
  }
  Check(st);
  py::list out;
  for (const Article& a : articles) out.append(ArticleTuple(a));
  return py::make_tuple(out, RejectionList(rejections), IngestStatsDict(stats));
}

// ---- Dedup -------------------------------------------------------------------

int Threads(const py::dict& o) {
  int n = Get<int>(o, "threads", 0);
  if (n < 0) throw py::value_error("threads must be >= 0");
  if (n > 0) return n;
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

DedupOptions MakeDedupOptions(const py::dict& o) {
  DedupOptions opt;
  opt.threshold = Get<double>(o, "threshold", opt.threshold);  // None: the library's default
  if (!(opt.threshold > 0 && opt.threshold <= 1)) {
    throw py::value_error("threshold must be in (0, 1]");
  }
  opt.keep = Take(ParseKeepPolicy(Get<std::string>(o, "keep", "earliest")));
  opt.shingle_size = Get<int>(o, "shingle", opt.shingle_size);
  if (opt.shingle_size <= 0) throw py::value_error("shingle must be > 0");
  opt.clean_boilerplate = Get<bool>(o, "boilerplate", opt.clean_boilerplate);
  opt.use_containment = Get<bool>(o, "containment", opt.use_containment);
  opt.temp_dir = Get<std::string>(o, "temp_dir", opt.temp_dir);
  opt.threads = Threads(o);
  return opt;
}

// One --clusters line, as tools/cmd_dedup.cc writes it.
std::string ClusterLine(const DedupRecord& r) { return DedupRecordJson(r); }

class LinesSink : public DedupSink {
 public:
  Status OnRecord(const DedupRecord& r, std::string_view article_json) override {
    if (r.kept()) kept.emplace_back(article_json);
    clusters.push_back(ClusterLine(r));
    return Status::Ok();
  }
  std::vector<std::string> kept, clusters;
};

py::dict DedupStatsDict(const DedupStats& s) {
  py::dict d;
  d["read"] = s.read;
  d["rejected"] = s.rejected;
  d["exact_duplicates"] = s.exact_duplicates;
  d["near_duplicates"] = s.near_duplicates;
  d["kept"] = s.kept;
  d["boilerplate_lines"] = s.boilerplate_lines;
  d["bytes_read"] = s.bytes_read;
  d["text_bytes"] = s.text_bytes;
  d["candidates"] = s.candidates;
  d["seconds_sign"] = s.seconds_sign;
  d["seconds_cluster"] = s.seconds_cluster;
  d["seconds_output"] = s.seconds_output;
  return d;
}

// dedup(paths, jsonl, name, options) -> (kept, clusters, rejections, stats):
// storyline::Dedup streaming over the reader, as `storyline dedup` does.
py::tuple DedupSource(const py::object& paths, const py::object& jsonl, const std::string& name,
                      const py::dict& options) {
  Source src = MakeSource(paths, jsonl, name);
  std::vector<Rejection> rejections;
  IngestOptions iopt = MakeIngestOptions(options, &rejections);
  DedupOptions dopt = MakeDedupOptions(options);
  LinesSink sink;
  Result<DedupStats> stats = Status::Internal("dedup did not run");
  {
    py::gil_scoped_release nogil;
    Result<std::unique_ptr<ArticleReader>> reader = OpenSource(src, iopt);
    if (!reader.ok()) {
      stats = reader.status();
    } else {
      stats = Dedup(reader->get(), dopt, &sink);
    }
  }
  DedupStats s = Take(std::move(stats));
  return py::make_tuple(ParseJsonLines(sink.kept), ParseJsonLines(sink.clusters),
                        RejectionList(rejections), DedupStatsDict(s));
}

// dedup_articles(tuples, options) -> (kept, clusters, stats): DedupArticles over
// articles read elsewhere (Dask workers), in the order given.
py::tuple DedupTuples(const py::iterable& tuples, const py::dict& options) {
  std::vector<Article> articles = TupleArticles(tuples);
  DedupOptions dopt = MakeDedupOptions(options);
  std::vector<std::string> kept, clusters;
  Result<DedupResult> res = Status::Internal("dedup did not run");
  {
    py::gil_scoped_release nogil;
    res = DedupArticles(articles, dopt);
    if (res.ok()) {
      for (const DedupRecord& r : res->records) {
        if (r.kept()) kept.push_back(ArticleJson(articles[r.seq]));
        clusters.push_back(ClusterLine(r));
      }
    }
  }
  DedupResult r = Take(std::move(res));
  return py::make_tuple(ParseJsonLines(kept), ParseJsonLines(clusters), DedupStatsDict(r.stats));
}

// ---- Stories -----------------------------------------------------------------

StoryOptions MakeStoryOptions(const py::dict& o) {
  StoryOptions so;
  double threshold = Get<double>(o, "threshold", -1);
  double topic_threshold = Get<double>(o, "topic_threshold", -1);
  if (threshold >= 0) so.join_threshold = threshold;
  if (topic_threshold >= 0) so.topic_threshold = topic_threshold;
  int64_t window_days = Get<int64_t>(o, "window_days", 7);
  if (window_days <= 0) throw py::value_error("window_days must be > 0");
  so.active_window = window_days * 86400;
  return so;
}

// The story engine over articles in input order, as `storyline cluster` runs it;
// returns AssignmentJson lines in input order, and the report when asked for.
std::vector<std::string> RunCluster(const std::vector<Article>& articles, const StoryOptions& so,
                                    int threads, std::string* report) {
  StoryEngine engine(so);
  std::vector<Assignment> as = engine.AddAll(articles, threads);
  std::vector<std::string> lines;
  lines.reserve(as.size());
  for (const Assignment& a : as) lines.push_back(AssignmentJson(a));
  if (report) *report = StoryReportMarkdown(engine);
  return lines;
}

py::tuple ClusterResult(const std::vector<std::string>& lines, const std::string* report) {
  return py::make_tuple(ParseJsonLines(lines),
                        report ? py::object(Str(*report)) : py::object(py::none()));
}

// cluster(paths, jsonl, name, options) -> (assignments, report|None, rejections)
py::tuple ClusterSource(const py::object& paths, const py::object& jsonl, const std::string& name,
                        const py::dict& options) {
  Source src = MakeSource(paths, jsonl, name);
  std::vector<Rejection> rejections;
  IngestOptions iopt = MakeIngestOptions(options, &rejections);
  StoryOptions so = MakeStoryOptions(options);
  int threads = Threads(options);
  bool want_report = Get<bool>(options, "report", false);
  std::string report;
  std::vector<std::string> lines;
  Status st;
  {
    py::gil_scoped_release nogil;
    Result<std::unique_ptr<ArticleReader>> reader = OpenSource(src, iopt);
    std::vector<Article> articles;
    st = reader.ok() ? ReadAll(reader->get(), &articles) : reader.status();
    if (st.ok()) lines = RunCluster(articles, so, threads, want_report ? &report : nullptr);
  }
  Check(st);
  py::tuple r = ClusterResult(lines, want_report ? &report : nullptr);
  return py::make_tuple(r[0], r[1], RejectionList(rejections));
}

// cluster_articles(tuples, options) -> (assignments, report|None)
py::tuple ClusterTuples(const py::iterable& tuples, const py::dict& options) {
  std::vector<Article> articles = TupleArticles(tuples);
  StoryOptions so = MakeStoryOptions(options);
  int threads = Threads(options);
  bool want_report = Get<bool>(options, "report", false);
  std::string report;
  std::vector<std::string> lines;
  {
    py::gil_scoped_release nogil;
    lines = RunCluster(articles, so, threads, want_report ? &report : nullptr);
  }
  return ClusterResult(lines, want_report ? &report : nullptr);
}

// ---- Relations ---------------------------------------------------------------

// compare(a, b, options) -> the compare object of INTERFACE.md.
py::object CompareTuples(const py::handle& ta, const py::handle& tb, const py::dict& options) {
  Article a = TupleArticle(ta, 0), b = TupleArticle(tb, 1);
  CompareOptions opt;
  opt.min_passage_words = Get<uint32_t>(options, "min_passage_words", opt.min_passage_words);
  opt.sentence_alignment = Get<bool>(options, "sentence_alignment", opt.sentence_alignment);
  std::string json;
  {
    py::gil_scoped_release nogil;
    json = WithOutlets(CompareResultToJson(Compare(a, b, opt)), a, b);
  }
  return ParseJson(json);
}

// similarity(path, threads, batch) -> (results, rejections): `storyline similarity
// PAIRS -o S` (tools/cmd_similarity.cc): PairReader over the file, PairScorer batch
// by batch (the corpus statistics grow per batch, so `batch` matters, the thread
// count does not), {"id_a","id_b","score","relation"} per good pair, in order.
py::tuple SimilarityFile(const std::string& path, int threads, size_t batch_size) {
  if (threads < 0) throw py::value_error("threads must be >= 0");
  if (batch_size == 0) throw py::value_error("batch must be > 0");
  std::vector<Rejection> rejections;
  std::vector<std::string> lines;
  Status st;
  {
    py::gil_scoped_release nogil;
    auto reader = PairReader::Open(path, [&](const PairReader::Reject& r) {
      rejections.push_back({r.file, r.line, r.reason, r.raw});
    });
    if (!reader.ok()) {
      st = reader.status();
    } else {
      PairScorer scorer(threads);
      std::vector<ArticlePair> batch;
      auto flush = [&] {
        std::vector<PairScore> scores = scorer.ScoreBatch(batch);
        for (size_t i = 0; i < batch.size(); ++i) {
          lines.push_back(PairScoreJson(batch[i].id_a, batch[i].id_b, scores[i]));
        }
        batch.clear();
      };
      ArticlePair p;
      while (true) {
        Result<bool> more = (*reader)->Next(&p);
        if (!more.ok()) {
          st = more.status();
          break;
        }
        if (!*more) break;
        batch.push_back(std::move(p));
        if (batch.size() >= batch_size) flush();
      }
      if (st.ok() && !batch.empty()) flush();
    }
  }
  Check(st);
  return py::make_tuple(ParseJsonLines(lines), RejectionList(rejections));
}

// ---- Extraction --------------------------------------------------------------

py::dict PageDict(const ExtractedPage& p, const py::object& path) {
  auto or_none = [](const std::string& s) -> py::object {
    return s.empty() ? py::object(py::none()) : py::object(Str(s));
  };
  py::dict d;
  d["path"] = path;
  d["url"] = or_none(p.url);
  d["title"] = or_none(p.title);
  d["text"] = Str(p.text);
  d["published"] = or_none(p.published);
  d["author"] = or_none(p.author);
  d["site"] = or_none(p.site);
  d["lang"] = or_none(p.lang);
  const Outlet o = PageOutlet(p.title, p.text, p.url, p.site);
  d["outlet"] = or_none(o.source);
  d["outlet_evidence"] = or_none(o.evidence);
  d["credit"] = or_none(o.credit);
  return d;
}

// extract_html(html bytes, path, url, content_type, include_comments) -> page dict
py::dict ExtractHtml(const py::bytes& html, const py::object& path, const std::string& url,
                     const std::string& content_type, bool include_comments) {
  std::string bytes = html;
  ExtractOptions opt;
  opt.include_comments = include_comments;
  Result<ExtractedPage> page = Status::Internal("extract did not run");
  {
    py::gil_scoped_release nogil;
    page = ExtractArticle(bytes, opt, content_type, url);
  }
  return PageDict(Take(std::move(page)), path);
}

// extract_warc(path, include_comments) -> (pages, rejections), as `storyline
// extract` does for a WARC: path "FILE#RECORD", the WARC-Date when the page has none.
py::tuple ExtractWarc(const std::string& path, bool include_comments) {
  ExtractOptions opt;
  opt.include_comments = include_comments;
  std::vector<std::pair<std::string, ExtractedPage>> pages;
  std::vector<Rejection> rejections;
  Status st;
  {
    py::gil_scoped_release nogil;
    Result<std::unique_ptr<WarcReader>> reader = WarcReader::Open(path);
    if (!reader.ok()) {
      st = reader.status();
    } else {
      WarcRecord rec;
      while (true) {
        Result<bool> more = (*reader)->Next(&rec);
        if (!more.ok()) {
          rejections.push_back({path, (*reader)->record_number(), more.status().message(), ""});
          continue;
        }
        if (!*more) break;
        Result<ExtractedPage> page =
            ExtractArticle(rec.body, opt, rec.content_type, rec.target_uri);
        if (!page.ok()) {
          rejections.push_back({path, rec.number, page.status().message(), ""});
          continue;
        }
        UseWarcDateIfUndated(rec, &*page);
        pages.emplace_back(path + "#" + std::to_string(rec.number), std::move(*page));
      }
    }
  }
  Check(st);
  py::list out;
  for (const auto& [p, page] : pages) out.append(PageDict(page, Str(p)));
  return py::make_tuple(out, RejectionList(rejections));
}

// ---- Store -------------------------------------------------------------------

// One connection to a store file. The library's Store is not thread-safe; Python
// threads may share this object because every call holds mu_ (the GIL is
// released meanwhile, so other Python threads run).
class PyStore {
 public:
  PyStore(const std::string& path, bool read_only) {
    StoreOptions opt;
    opt.read_only = read_only;
    Result<std::unique_ptr<Store>> s = Status::Internal("open did not run");
    {
      py::gil_scoped_release nogil;
      s = Store::Open(path, opt);
    }
    store_ = Take(std::move(s));
  }

  void Close() {
    std::unique_ptr<Store> s;
    {
      py::gil_scoped_release nogil;
      std::lock_guard<std::mutex> lock(mu_);
      s = std::move(store_);
      s.reset();
    }
  }

  std::string Path() {
    std::lock_guard<std::mutex> lock(mu_);
    return Open()->path();
  }

  // ingest(paths, jsonl, name, options) -> (counts, rejections)
  py::tuple Ingest(const py::object& paths, const py::object& jsonl, const std::string& name,
                   const py::dict& options) {
    Source src = MakeSource(paths, jsonl, name);
    std::vector<Rejection> rejections;
    IngestOptions iopt = MakeIngestOptions(options, &rejections);
    StoreIngestOptions sopt;
    sopt.threads = Threads(options);
    sopt.batch_articles = Get<size_t>(options, "batch_articles", sopt.batch_articles);
    IngestCounts counts;
    Status st;
    {
      py::gil_scoped_release nogil;
      std::lock_guard<std::mutex> lock(mu_);
      st = DoIngest(src, iopt, sopt, &counts);
    }
    Check(st);
    py::dict c;
    c["offered"] = counts.offered;
    c["added"] = counts.added;
    c["same_id"] = counts.same_id;
    c["same_content"] = counts.same_content;
    c["committed"] = counts.committed;
    c["batches"] = counts.batches;
    c["store_articles"] = counts.store_articles;
    c["rejected"] = rejections.size();
    return py::make_tuple(c, RejectionList(rejections));
  }

  py::object Stories(const py::dict& q) {
    StoryQuery query;
    query.limit = Get<int>(q, "limit", query.limit);
    query.cursor = Get<std::string>(q, "cursor", "");
    query.source = Get<std::string>(q, "source", "");
    query.topic = Get<int64_t>(q, "topic", -1);
    query.q = Get<std::string>(q, "q", "");
    query.from = Get<int64_t>(q, "from_ts", kNoTime);
    query.to = Get<int64_t>(q, "to_ts", kNoTime);
    if (query.limit < 1 || query.limit > 1000) throw py::value_error("limit must be in 1..1000");
    Result<StoryPage> page = Status::Internal("query did not run");
    std::vector<std::string> lines;
    {
      py::gil_scoped_release nogil;
      std::lock_guard<std::mutex> lock(mu_);
      page = Open()->ListStories(query);
      if (page.ok()) {
        for (const StoryHeader& h : page->stories) lines.push_back(StoryHeaderJson(h));
      }
    }
    StoryPage p = Take(std::move(page));
    py::dict d;
    d["stories"] = ParseJsonLines(lines);
    d["next"] = p.next.empty() ? py::object(py::none()) : py::object(Str(p.next));
    return d;
  }

  py::list AllStories() {
    std::vector<std::string> lines;
    Status st;
    {
      py::gil_scoped_release nogil;
      std::lock_guard<std::mutex> lock(mu_);
      st = Open()->ForEachStory([&](const StoryHeader& h) { lines.push_back(StoryHeaderJson(h)); });
    }
    Check(st);
    return ParseJsonLines(lines);
  }

  py::object Story(int64_t id) {
    return LookupJson<StoryDetail>([&](auto* store) { return store->GetStory(id); },
                                   StoryDetailJson);
  }

  py::object GetArticle(const std::string& id) {
    return LookupJson<StoredArticle>([&](auto* store) { return store->GetArticle(id); },
                                     StoredArticleJson);
  }

  // Runs `lookup` on the store without the GIL, serialises the result while still
  // holding the store's lock, and returns it as Python objects; a missing story or
  // article raises KeyError.
  template <typename T, typename Lookup, typename ToJson>
  py::object LookupJson(Lookup lookup, ToJson to_json) {
    Result<T> r = Status::Internal("query did not run");
    std::string json;
    {
      py::gil_scoped_release nogil;
      std::lock_guard<std::mutex> lock(mu_);
      r = lookup(Open());
      if (r.ok()) json = to_json(*r);
    }
    if (!r.ok()) Raise(r.status(), /*not_found_is_key_error=*/true);
    return ParseJson(json);
  }

  // The stored article as an article tuple (for compare with a store).
  py::tuple ArticleTupleById(const std::string& id) {
    Result<StoredArticle> a = Status::Internal("query did not run");
    {
      py::gil_scoped_release nogil;
      std::lock_guard<std::mutex> lock(mu_);
      a = Open()->GetArticle(id);
    }
    return ArticleTuple(Take(std::move(a), /*not_found_is_key_error=*/true).article);
  }

  py::dict Counts() {
    Result<StoreCounts> c = Status::Internal("query did not run");
    {
      py::gil_scoped_release nogil;
      std::lock_guard<std::mutex> lock(mu_);
      c = Open()->Counts();
    }
    StoreCounts s = Take(std::move(c));
    py::dict d;
    d["articles"] = s.articles;
    d["stories"] = s.stories;
    d["topics"] = s.topics;
    d["schema_version"] = s.schema_version;
    return d;
  }

 private:
  // REQUIRES: mu_ held. May throw without the GIL: gil_scoped_release takes it
  // back while the exception unwinds, before pybind11 translates it.
  Store* Open() {
    if (!store_) throw std::runtime_error("the store is closed");
    return store_.get();
  }

  Status DoIngest(const Source& src, const IngestOptions& iopt, const StoreIngestOptions& sopt,
                  IngestCounts* counts) {
    if (!store_) return Status::InvalidArgument("the store is closed");
    Result<std::unique_ptr<ArticleReader>> reader = OpenSource(src, iopt);
    if (!reader.ok()) return reader.status();
    Result<std::unique_ptr<StoreIngest>> ing = StoreIngest::Begin(store_.get(), sopt);
    if (!ing.ok()) return ing.status();
    Article a;
    while (true) {
      Result<bool> more = (*reader)->Next(&a);
      if (!more.ok()) {
        Status fin = (*ing)->Finish();  // keep what was read before the failure
        *counts = (*ing)->counts();
        (void)fin;
        return more.status();
      }
      if (!*more) break;
      Result<AddOutcome> r = (*ing)->Add(a);
      if (!r.ok()) return r.status();
      a = Article();
    }
    STORYLINE_RETURN_IF_ERROR((*ing)->Finish());
    *counts = (*ing)->counts();
    return Status::Ok();
  }

  std::mutex mu_;
  std::unique_ptr<Store> store_;
};

}  // namespace
}  // namespace storyline::python

PYBIND11_MODULE(_core, m) {
  namespace sp = storyline::python;
  m.doc() = "storyline's C++ core (use the `storyline` package, not this module)";
  m.def("read", &sp::Read, py::arg("paths"), py::arg("jsonl"), py::arg("name"), py::arg("options"));
  m.def("dedup", &sp::DedupSource, py::arg("paths"), py::arg("jsonl"), py::arg("name"),
        py::arg("options"));
  m.def("dedup_articles", &sp::DedupTuples, py::arg("articles"), py::arg("options"));
  m.def("cluster", &sp::ClusterSource, py::arg("paths"), py::arg("jsonl"), py::arg("name"),
        py::arg("options"));
  m.def("cluster_articles", &sp::ClusterTuples, py::arg("articles"), py::arg("options"));
  m.def("compare", &sp::CompareTuples, py::arg("a"), py::arg("b"), py::arg("options"));
  m.def("similarity", &sp::SimilarityFile, py::arg("path"), py::arg("threads"), py::arg("batch"));
  m.def("extract_html", &sp::ExtractHtml, py::arg("html"), py::arg("path"), py::arg("url"),
        py::arg("content_type"), py::arg("include_comments"));
  m.def("extract_warc", &sp::ExtractWarc, py::arg("path"), py::arg("include_comments"));
  py::class_<sp::PyStore>(m, "Store")
      .def(py::init<const std::string&, bool>(), py::arg("path"), py::arg("read_only"))
      .def("close", &sp::PyStore::Close)
      .def_property_readonly("path", &sp::PyStore::Path)
      .def("ingest", &sp::PyStore::Ingest, py::arg("paths"), py::arg("jsonl"), py::arg("name"),
           py::arg("options"))
      .def("stories", &sp::PyStore::Stories, py::arg("query"))
      .def("all_stories", &sp::PyStore::AllStories)
      .def("story", &sp::PyStore::Story, py::arg("id"))
      .def("article", &sp::PyStore::GetArticle, py::arg("id"))
      .def("article_tuple", &sp::PyStore::ArticleTupleById, py::arg("id"))
      .def("counts", &sp::PyStore::Counts);
  m.attr("ARTICLE_FIELDS") = sp::kArticleFields;
}
