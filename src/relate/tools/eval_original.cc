// Copyright storyline authors.
//
// eval_original: does `Compare` name the right original when one text is made
// from the other and no date decides? Real articles from four sources (BBC News,
// Reuters-21578, the Gedikli story chains, NewsWCL50; ../shared/data) are copied
// four ways, dates removed:
//   cut-end      the first 55-80% of its paragraphs or sentences (a truncated copy)
//   cut-middle   about 30% of its units dropped, the first kept (a cut copy)
//   tail         another article's last 2-4 units appended (a copy with a tail)
//   boilerplate  site lines appended (subscribe, share, read more, copyright)
// The original is the base article in every case. Each pair is compared in both
// orders. Printed per source and case: pairs, the share called derived
// (duplicate, near-duplicate or rewrite), and of those the share whose original
// is the base article; beside it the rule "the longer text is the original" as
// a baseline, in the same run.
//
//   eval_original [DATA_DIR] [--per-set N] [--seed S] [--dump CASE]
#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/guarded_main.h"
#include "storyline/relate.h"

namespace {

using storyline::Article;
using storyline::CompareResult;

struct Source {
  std::string name;
  std::vector<Article> articles;
};

bool LoadJsonl(const std::string& path, std::vector<Article>* out) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string json;
  if (simdjson::padded_string::load(path).get(json)) return false;
  simdjson::ondemand::document_stream stream;
  if (parser.iterate_many(json).get(stream)) return false;
  for (auto doc : stream) {
    simdjson::ondemand::object o;
    if (doc.get_object().get(o)) continue;
    Article a;
    std::string_view v;
    if (!o["id"].get_string().get(v)) a.id = std::string(v);
    if (!o["title"].get_string().get(v)) a.title = std::string(v);
    if (!o["text"].get_string().get(v)) a.text = std::string(v);
    out->push_back(std::move(a));
  }
  return true;
}

// Paragraphs, or sentences when the text has few line breaks.
std::vector<std::string> Units(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(start, nl - start);
    if (line.find_first_not_of(" \t\r") != std::string::npos) lines.push_back(line);
    start = nl + 1;
  }
  if (lines.size() >= 6) return lines;
  std::vector<std::string> sentences;
  for (const std::string& line : lines) {
    size_t from = 0;
    for (size_t i = 0; i + 2 < line.size(); ++i) {
      const char c = line[i];
      if ((c == '.' || c == '?' || c == '!') && line[i + 1] == ' ' &&
          std::isupper(static_cast<unsigned char>(line[i + 2]))) {
        sentences.push_back(line.substr(from, i + 1 - from));
        from = i + 2;
      }
    }
    if (from < line.size()) sentences.push_back(line.substr(from));
  }
  return sentences;
}

std::string Join(const std::vector<std::string>& units) {
  std::string out;
  for (const std::string& u : units) {
    if (!out.empty()) out += '\n';
    out += u;
  }
  return out;
}

size_t Words(const std::string& text) {
  size_t n = 0;
  bool in = false;
  for (char c : text) {
    const bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
    if (!space && !in) ++n;
    in = !space;
  }
  return n;
}

const char* const kCases[] = {"cut-end", "cut-middle", "tail", "boilerplate"};

std::string MakeCopy(const std::string& kind, const std::vector<std::string>& units,
                     const std::vector<std::string>& other, std::mt19937* rng) {
  std::uniform_real_distribution<double> u01(0, 1);
  if (kind == "cut-end") {
    const size_t k =
        std::max<size_t>(3, static_cast<size_t>(units.size() * (0.55 + 0.25 * u01(*rng))));
    return Join(
        std::vector<std::string>(units.begin(), units.begin() + std::min(k, units.size() - 1)));
  }
  if (kind == "cut-middle") {
    std::vector<std::string> kept = {units[0]};
    for (size_t i = 1; i < units.size(); ++i) {
      if (u01(*rng) >= 0.3) kept.push_back(units[i]);
    }
    if (kept.size() == units.size()) kept.erase(kept.begin() + 1);
    return Join(kept);
  }
  if (kind == "tail") {
    std::vector<std::string> all = units;
    const size_t t = std::min<size_t>(other.size(), 2 + (*rng)() % 3);
    all.insert(all.end(), other.end() - static_cast<std::ptrdiff_t>(t), other.end());
    return Join(all);
  }
  std::vector<std::string> all = units;
  all.push_back("Subscribe to our newsletter for the day's top stories.");
  all.push_back("Share this article on Facebook, Twitter and WhatsApp");
  all.push_back("Read more: https://www.dailyherald-news.example/world");
  all.push_back("© 2023 Daily Herald News. All rights reserved.");
  return Join(all);
}

struct Tally {
  size_t pairs = 0, derived = 0, right = 0, longer_right = 0;
};

void Evaluate(const Source& src, size_t per_set, uint32_t seed, const std::string& dump,
              std::map<std::string, Tally>* total) {
  std::mt19937 rng(seed);
  std::vector<size_t> order(src.articles.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  std::map<std::string, Tally> tally;
  size_t used = 0;
  for (size_t pos = 0; pos < order.size() && used < per_set; ++pos) {
    const Article& base = src.articles[order[pos]];
    std::vector<std::string> units = Units(base.text);
    if (units.size() < 6 || Words(base.text) < 150) continue;
    const Article& donor = src.articles[order[(pos + order.size() / 2) % order.size()]];
    std::vector<std::string> other = Units(donor.text);
    if (other.size() < 4) continue;
    ++used;
    Article orig = base;
    orig.id = "original";
    orig.text = Join(units);
    orig.published.clear();
    orig.published_ts = storyline::kNoTime;
    const storyline::ArticleFeatures fo = storyline::AnalyzeArticle(orig);
    for (const char* kind : kCases) {
      Article copy = orig;
      copy.id = std::string("copy-") + kind;
      copy.text = MakeCopy(kind, units, other, &rng);
      const storyline::ArticleFeatures fc = storyline::AnalyzeArticle(copy);
      for (int flip = 0; flip < 2; ++flip) {
        CompareResult r = flip ? storyline::Compare(fc, fo) : storyline::Compare(fo, fc);
        Tally& t = tally[kind];
        ++t.pairs;
        t.longer_right += orig.text.size() >= copy.text.size();
        if (!storyline::IsDerived(r.relation)) continue;
        ++t.derived;
        const std::string named = r.original == "a" ? r.a : r.b;
        t.right += named == "original";
        if (dump == kind && named != "original") {
          std::printf("MISS %s %s (%s): %s\n", src.name.c_str(), base.id.c_str(),
                      storyline::RelationName(r.relation), r.reason.c_str());
        }
      }
    }
  }
  for (const char* kind : kCases) {
    const Tally& t = tally[kind];
    std::printf(
        "  %-12s %-11s pairs %4zu  derived %5.3f  original right %5.3f  | longer-is-original "
        "%5.3f\n",
        src.name.c_str(), kind, t.pairs, t.pairs ? double(t.derived) / t.pairs : 0,
        t.derived ? double(t.right) / t.derived : 0,
        t.pairs ? double(t.longer_right) / t.pairs : 0);
    Tally& all = (*total)[kind];
    all.pairs += t.pairs;
    all.derived += t.derived;
    all.right += t.right;
    all.longer_right += t.longer_right;
  }
}

int Run(int argc, char** argv) {
  std::string data = "../shared/data";
  size_t per_set = 150;
  uint32_t seed = 7;
  std::string dump;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--per-set" && i + 1 < argc) {
      per_set = std::stoul(argv[++i]);
    } else if (arg == "--seed" && i + 1 < argc) {
      seed = static_cast<uint32_t>(std::stoul(argv[++i]));
    } else if (arg == "--dump" && i + 1 < argc) {
      dump = argv[++i];
    } else {
      data = arg;
    }
  }
  const std::pair<const char*, const char*> sets[] = {
      {"bbc", "bbc-news/data.jsonl"},
      {"reuters", "reuters21578/data.jsonl"},
      {"gedikli", "gedikli_story_chains/data.jsonl"},
      {"newswcl50", "newswcl50/data.jsonl"}};
  std::map<std::string, Tally> total;
  std::printf("eval_original: %zu base articles per source at most, seed %u\n", per_set, seed);
  for (const auto& [name, file] : sets) {
    Source src{name, {}};
    const std::string path = data + "/" + file;
    if (!std::filesystem::exists(path) || !LoadJsonl(path, &src.articles)) {
      std::printf("  %s: %s absent: skipped\n", name, path.c_str());
      continue;
    }
    Evaluate(src, per_set, seed, dump, &total);
  }
  for (const char* kind : kCases) {
    const Tally& t = total[kind];
    std::printf(
        "  %-12s %-11s pairs %4zu  derived %5.3f  original right %5.3f  | longer-is-original "
        "%5.3f\n",
        "all", kind, t.pairs, t.pairs ? double(t.derived) / t.pairs : 0,
        t.derived ? double(t.right) / t.derived : 0,
        t.pairs ? double(t.longer_right) / t.pairs : 0);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return storyline::GuardedMain("eval_original", Run, argc, argv); }
