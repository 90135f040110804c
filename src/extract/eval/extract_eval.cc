// Copyright storyline authors.
//
// extract_eval DATA_DIR [--failures FILE] [--limit N] [--dump FILE]
// Scores ExtractArticle on trafilatura's evaluation corpus (DATA_DIR/data.jsonl
// and DATA_DIR/html/) the way trafilatura does: whitespace-normalised substring
// match; TP = a `with` snippet found, FN = missing, FP = a `without` snippet
// found; corpus-level precision, recall and F1. Also the accuracy of title,
// author and date against `meta` where the gold value is not empty.
// --dump writes every page's extraction (metadata and text) for diffing two builds.
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "storyline/extract.h"

namespace {

// Python's str.split() whitespace, as UTF-8 sequences beyond ASCII.
size_t WhitespaceAt(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F)) return 1;
  if (c == 0xC2 && i + 1 < s.size()) {
    unsigned char d = static_cast<unsigned char>(s[i + 1]);
    if (d == 0x85 || d == 0xA0) return 2;
  }
  if (c == 0xE1 && s.compare(i, 3, "\xE1\x9A\x80") == 0) return 3;
  if (c == 0xE2 && i + 2 < s.size()) {
    unsigned char d = static_cast<unsigned char>(s[i + 1]);
    unsigned char e = static_cast<unsigned char>(s[i + 2]);
    if (d == 0x80 && ((e >= 0x80 && e <= 0x8A) || e == 0xA8 || e == 0xA9 || e == 0xAF)) return 3;
    if (d == 0x81 && e == 0x9F) return 3;
  }
  if (c == 0xE3 && s.compare(i, 3, "\xE3\x80\x80") == 0) return 3;
  return 0;
}

std::string Normalize(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (size_t i = 0; i < s.size();) {
    size_t w = WhitespaceAt(s, i);
    if (w > 0) {
      space = !out.empty();
      i += w;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(s[i++]);
  }
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Acc {
  int right = 0, total = 0;
  void Add(bool ok) {
    ++total;
    right += ok;
  }
  double Value() const { return total ? static_cast<double>(right) / total : 0; }
};

struct Args {
  std::string dir, failures_path, dump_path;
  size_t limit = SIZE_MAX;
};

// The corpus-level counts.
struct Totals {
  long tp = 0, fn = 0, fp = 0, tn = 0;
  Acc title, author, date;
  int pages = 0, errors = 0;
  double seconds = 0;
};

// One page's misses, for --failures.
struct Misses {
  std::vector<std::string> missing, found_bad;
  std::string meta_note;
  bool any() const { return !missing.empty() || !found_bad.empty() || !meta_note.empty(); }
};

Args ParseArgs(int argc, char** argv) {
  Args args;
  args.dir = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--failures") args.failures_path = argv[i + 1];
    if (a == "--limit") args.limit = std::stoul(argv[i + 1]);
    if (a == "--dump") args.dump_path = argv[i + 1];
  }
  return args;
}

// Scores the `with` snippets (TP when found in `text`, FN when missing) and the
// `without` ones (FP when found, TN when not).
void ScoreSnippets(simdjson::dom::element rec, const std::string& text, Totals* t, Misses* m) {
  simdjson::dom::array with, without;
  if (rec["with"].get(with) == simdjson::SUCCESS) {
    for (auto s : with) {
      std::string_view sv;
      if (s.get(sv) != simdjson::SUCCESS) continue;
      std::string n = Normalize(sv);
      if (!text.empty() && text.find(n) != std::string::npos) {
        ++t->tp;
      } else {
        ++t->fn;
        m->missing.push_back(n);
      }
    }
  }
  if (rec["without"].get(without) == simdjson::SUCCESS) {
    for (auto s : without) {
      std::string_view sv;
      if (s.get(sv) != simdjson::SUCCESS) continue;
      std::string n = Normalize(sv);
      if (!text.empty() && text.find(n) != std::string::npos) {
        ++t->fp;
        m->found_bad.push_back(n);
      } else {
        ++t->tn;
      }
    }
  }
}

// Compares title, author and date with `meta` where the gold value is given.
void ScoreMeta(simdjson::dom::element rec, const storyline::ExtractedPage& ep, Totals* t,
               Misses* m) {
  simdjson::dom::object meta;
  if (rec["meta"].get(meta) != simdjson::SUCCESS) return;
  std::string_view v;
  if (meta["title"].get(v) == simdjson::SUCCESS && !v.empty()) {
    bool ok = Normalize(v) == Normalize(ep.title);
    t->title.Add(ok);
    if (!ok) m->meta_note += "  title: gold=" + std::string(v) + " | got=" + ep.title + "\n";
  }
  if (meta["author"].get(v) == simdjson::SUCCESS && !v.empty()) {
    bool ok = Normalize(v) == Normalize(ep.author);
    t->author.Add(ok);
    if (!ok) m->meta_note += "  author: gold=" + std::string(v) + " | got=" + ep.author + "\n";
  }
  if (meta["date"].get(v) == simdjson::SUCCESS && !v.empty()) {
    bool ok = ep.published.substr(0, 10) == v.substr(0, 10);
    t->date.Add(ok);
    if (!ok) m->meta_note += "  date: gold=" + std::string(v) + " | got=" + ep.published + "\n";
  }
}

void WriteDump(std::ofstream& dump, std::string_view id, const std::string& error,
               const storyline::ExtractedPage& ep) {
  dump << "== " << id << error << "\n"
       << "url: " << ep.url << "\ntitle: " << ep.title << "\nauthor: " << ep.author
       << "\npublished: " << ep.published << "\nsite: " << ep.site << "\nlang: " << ep.lang << "\n"
       << ep.text << "\n";
}

void WriteFailures(std::ofstream& failures, std::string_view id, std::string_view html_path,
                   std::string_view url, const std::string& error, const Misses& m) {
  failures << "== " << id << " " << html_path << " " << url << error << "\n";
  for (auto& s : m.missing) failures << "  MISSING: " << s.substr(0, 160) << "\n";
  for (auto& b : m.found_bad) failures << "  UNWANTED: " << b.substr(0, 160) << "\n";
  failures << m.meta_note;
}

// The string `key` of a record, or "" when absent or not a string.
std::string_view StringField(simdjson::dom::element rec, const char* key) {
  std::string_view v;
  if (rec[key].get(v) != simdjson::SUCCESS) return {};
  return v;
}

// Extracts and scores the page of one data.jsonl record.
void EvalPage(const std::string& dir, simdjson::dom::element rec, std::ofstream& dump,
              std::ofstream& failures, Totals* t) {
  static const storyline::ExtractOptions options;
  const std::string_view id = StringField(rec, "id");
  const std::string_view html_path = StringField(rec, "html_path");
  const std::string_view url = StringField(rec, "url");
  std::string html = ReadFile(dir + "/" + std::string(html_path));
  auto t0 = std::chrono::steady_clock::now();
  std::string page_url(url.rfind("http", 0) == 0 ? url : std::string_view());
  auto page = storyline::ExtractArticle(html, options, "", page_url);
  t->seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::string text;
  storyline::ExtractedPage ep;
  if (page.ok()) {
    ep = *page;
    text = Normalize(ep.text);
  } else {
    ++t->errors;
  }
  const std::string error = page.ok() ? "" : " ERROR " + page.status().message();
  if (dump) WriteDump(dump, id, error, ep);
  Misses m;
  ScoreSnippets(rec, text, t, &m);
  ScoreMeta(rec, ep, t, &m);
  if (failures && m.any()) WriteFailures(failures, id, html_path, url, error, m);
}

void PrintSummary(const Totals& t) {
  double p = t.tp + t.fp ? static_cast<double>(t.tp) / (t.tp + t.fp) : 0;
  double r = t.tp + t.fn ? static_cast<double>(t.tp) / (t.tp + t.fn) : 0;
  double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
  std::printf("pages                %d (no text: %d)\n", t.pages, t.errors);
  std::printf("snippets             TP %ld  FN %ld  FP %ld  TN %ld\n", t.tp, t.fn, t.fp, t.tn);
  std::printf("precision            %.4f\n", p);
  std::printf("recall               %.4f\n", r);
  std::printf("F1                   %.4f   (target >= 0.93)\n", f1);
  std::printf("title accuracy       %.4f   (%d/%d pages with a gold title)\n", t.title.Value(),
              t.title.right, t.title.total);
  std::printf("author accuracy      %.4f   (%d/%d pages with a gold author)\n", t.author.Value(),
              t.author.right, t.author.total);
  std::printf("date accuracy        %.4f   (%d/%d pages with a gold date; target >= 0.90)\n",
              t.date.Value(), t.date.right, t.date.total);
  std::printf("extraction time      %.2f s (%.0f pages/s, one core)\n", t.seconds,
              t.seconds > 0 ? t.pages / t.seconds : 0);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: extract_eval DATA_DIR [--failures FILE] [--limit N] [--dump FILE]\n";
    return 1;
  }
  const Args args = ParseArgs(argc, argv);
  std::ifstream data(args.dir + "/data.jsonl");
  if (!data) {
    std::cerr << "extract_eval: cannot read " << args.dir << "/data.jsonl\n";
    return 1;
  }
  std::ofstream failures;
  if (!args.failures_path.empty()) failures.open(args.failures_path);
  std::ofstream dump;
  if (!args.dump_path.empty()) dump.open(args.dump_path);
  simdjson::dom::parser parser;
  Totals totals;
  std::string line;
  while (std::getline(data, line) && static_cast<size_t>(totals.pages) < args.limit) {
    simdjson::dom::element rec;
    if (parser.parse(line).get(rec) != simdjson::SUCCESS) continue;
    ++totals.pages;
    EvalPage(args.dir, rec, dump, failures, &totals);
  }
  PrintSummary(totals);
  return 0;
}
