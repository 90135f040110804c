// Copyright storyline authors.
//
// Pairs files (`storyline similarity`): a streaming JSONL reader and a batch
// scorer that analyses and scores pairs on several threads with a
// thread-count-independent result.
#include <simdjson.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <fstream>
#include <iostream>
#include <thread>

#include "core/json_writer.h"
#include "storyline/relate.h"

namespace storyline {
namespace {

class JsonlPairReader : public PairReader {
 public:
  JsonlPairReader(std::string path, std::unique_ptr<std::istream> owned, std::istream* in,
                  std::function<void(const Reject&)> on_reject)
      : path_(std::move(path)),
        owned_(std::move(owned)),
        in_(in),
        on_reject_(std::move(on_reject)) {}

  Result<bool> Next(ArticlePair* out) override {
    std::string line;
    while (std::getline(*in_, line)) {
      ++lineno_;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      std::string why = Parse(line, out);
      if (why.empty()) return true;
      ++rejected_;
      if (on_reject_) on_reject_({path_, lineno_, why, line});
    }
    if (in_->bad()) return Status::IoError(path_ + ": read error");
    return false;
  }
  uint64_t rejected() const override { return rejected_; }

 private:
  std::string Parse(const std::string& line, ArticlePair* out) {
    *out = ArticlePair();
    simdjson::padded_string p(line);
    simdjson::ondemand::document doc;
    if (parser_.iterate(p).get(doc)) return "unparsable JSON";
    simdjson::ondemand::object obj;
    if (doc.get_object().get(obj)) return "not a JSON object";
    for (auto field : obj) {
      std::string_view key;
      if (field.unescaped_key().get(key)) return "unparsable JSON";
      simdjson::ondemand::value v;
      if (field.value().get(v)) return "unparsable JSON";
      std::string* dst = nullptr;
      if (key == "id_a") {
        dst = &out->id_a;
      } else if (key == "id_b") {
        dst = &out->id_b;
      } else if (key == "text_a") {
        dst = &out->text_a;
      } else if (key == "text_b") {
        dst = &out->text_b;
      } else if (key == "lang_a") {
        dst = &out->lang_a;
      } else if (key == "lang_b") {
        dst = &out->lang_b;
      }
      if (!dst) continue;
      simdjson::ondemand::json_type t;
      if (v.type().get(t)) return "unparsable JSON";
      if (t == simdjson::ondemand::json_type::string) {
        std::string_view sv;
        if (v.get_string().get(sv)) return std::string("bad string in ") + std::string(key);
        *dst = std::string(sv);
      } else if (t == simdjson::ondemand::json_type::number) {
        std::string_view raw = v.raw_json_token();
        while (!raw.empty() && (raw.back() == ' ' || raw.back() == ',')) raw.remove_suffix(1);
        *dst = std::string(raw);
      } else if (t != simdjson::ondemand::json_type::null) {
        return "field " + std::string(key) + " is not a string";
      }
    }
    if (out->text_a.empty()) return "missing text_a";
    if (out->text_b.empty()) return "missing text_b";
    if (out->id_a.empty()) out->id_a = "line" + std::to_string(lineno_) + "a";
    if (out->id_b.empty()) out->id_b = "line" + std::to_string(lineno_) + "b";
    return "";
  }

  std::string path_;
  std::unique_ptr<std::istream> owned_;
  std::istream* in_;
  std::function<void(const Reject&)> on_reject_;
  simdjson::ondemand::parser parser_;
  uint64_t lineno_ = 0, rejected_ = 0;
};

}  // namespace

Result<std::unique_ptr<PairReader>> PairReader::Open(const std::string& path,
                                                     std::function<void(const Reject&)> on_reject) {
  if (path == "-") {
    return std::unique_ptr<PairReader>(
        new JsonlPairReader("-", nullptr, &std::cin, std::move(on_reject)));
  }
  auto f = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*f) return Status::NotFound(path + ": cannot open");
  std::istream* in = f.get();
  return std::unique_ptr<PairReader>(
      new JsonlPairReader(path, std::move(f), in, std::move(on_reject)));
}

struct PairScorer::Impl {
  TermStats stats;
  std::unique_ptr<tbb::task_arena> arena;
};

PairScorer::PairScorer(int threads) : impl_(std::make_unique<Impl>()) {
  int n =
      threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  impl_->arena = std::make_unique<tbb::task_arena>(n);
}

PairScorer::~PairScorer() = default;

std::string PairScoreJson(std::string_view id_a, std::string_view id_b, const PairScore& s) {
  JsonWriter w;
  w.BeginObject();
  w.Key("id_a");
  w.String(id_a);
  w.Key("id_b");
  w.String(id_b);
  w.Key("score");
  w.Double(s.score);
  w.Key("relation");
  w.String(RelationName(s.relation));
  w.EndObject();
  return w.Take();
}

std::vector<PairScore> PairScorer::ScoreBatch(const std::vector<ArticlePair>& batch) {
  const size_t n = batch.size();
  std::vector<ArticleFeatures> fa(n), fb(n);
  impl_->arena->execute([&] {
    tbb::parallel_for(size_t{0}, n, [&](size_t i) {
      Article a, b;
      a.id = batch[i].id_a;
      a.text = batch[i].text_a;
      a.lang = batch[i].lang_a;
      b.id = batch[i].id_b;
      b.text = batch[i].text_b;
      b.lang = batch[i].lang_b;
      fa[i] = AnalyzeArticle(a);
      fb[i] = AnalyzeArticle(b);
    });
  });
  for (size_t i = 0; i < n; ++i) {
    impl_->stats.Add(fa[i]);
    impl_->stats.Add(fb[i]);
  }
  std::vector<PairScore> out(n);
  CompareOptions opt;
  opt.stats = &impl_->stats;
  opt.sentence_alignment = false;
  impl_->arena->execute([&] {
    tbb::parallel_for(size_t{0}, n, [&](size_t i) {
      CompareResult r = Compare(fa[i], fb[i], opt);
      out[i].score = r.scores["similarity"];
      out[i].relation = r.relation;
    });
  });
  return out;
}

}  // namespace storyline
