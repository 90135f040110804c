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

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: extract_eval DATA_DIR [--failures FILE] [--limit N] [--dump FILE]\n";
    return 1;
  }
  std::string dir = argv[1];
  std::string failures_path, dump_path;
  size_t limit = SIZE_MAX;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--failures") failures_path = argv[i + 1];
    if (a == "--limit") limit = std::stoul(argv[i + 1]);
    if (a == "--dump") dump_path = argv[i + 1];
  }
  std::ifstream data(dir + "/data.jsonl");
  if (!data) {
    std::cerr << "extract_eval: cannot read " << dir << "/data.jsonl\n";
    return 1;
  }
  std::ofstream failures;
  if (!failures_path.empty()) failures.open(failures_path);
  std::ofstream dump;
  if (!dump_path.empty()) dump.open(dump_path);
  simdjson::dom::parser parser;
  long tp = 0, fn = 0, fp = 0, tn = 0;
  Acc title, author, date;
  int pages = 0, errors = 0;
  double seconds = 0;
  std::string line;
  storyline::ExtractOptions options;
  while (std::getline(data, line) && static_cast<size_t>(pages) < limit) {
    simdjson::dom::element rec;
    if (parser.parse(line).get(rec) != simdjson::SUCCESS) continue;
    ++pages;
    std::string_view id, html_path, url;
    (void)rec["id"].get(id);
    (void)rec["html_path"].get(html_path);
    (void)rec["url"].get(url);
    std::string html = ReadFile(dir + "/" + std::string(html_path));
    auto t0 = std::chrono::steady_clock::now();
    std::string page_url(url.rfind("http", 0) == 0 ? url : std::string_view());
    auto page = storyline::ExtractArticle(html, options, "", page_url);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::string text;
    storyline::ExtractedPage ep;
    if (page.ok()) {
      ep = *page;
      text = Normalize(ep.text);
    } else {
      ++errors;
    }
    if (dump) {
      dump << "== " << id << (page.ok() ? "" : " ERROR " + page.status().message()) << "\n"
           << "url: " << ep.url << "\ntitle: " << ep.title << "\nauthor: " << ep.author
           << "\npublished: " << ep.published << "\nsite: " << ep.site << "\nlang: " << ep.lang
           << "\n"
           << ep.text << "\n";
    }
    std::vector<std::string> missing, found_bad;
    simdjson::dom::array with, without;
    if (rec["with"].get(with) == simdjson::SUCCESS) {
      for (auto s : with) {
        std::string_view sv;
        if (s.get(sv) != simdjson::SUCCESS) continue;
        std::string n = Normalize(sv);
        if (!text.empty() && text.find(n) != std::string::npos) {
          ++tp;
        } else {
          ++fn;
          missing.push_back(n);
        }
      }
    }
    if (rec["without"].get(without) == simdjson::SUCCESS) {
      for (auto s : without) {
        std::string_view sv;
        if (s.get(sv) != simdjson::SUCCESS) continue;
        std::string n = Normalize(sv);
        if (!text.empty() && text.find(n) != std::string::npos) {
          ++fp;
          found_bad.push_back(n);
        } else {
          ++tn;
        }
      }
    }
    simdjson::dom::object meta;
    std::string meta_note;
    if (rec["meta"].get(meta) == simdjson::SUCCESS) {
      std::string_view v;
      if (meta["title"].get(v) == simdjson::SUCCESS && !v.empty()) {
        bool ok = Normalize(v) == Normalize(ep.title);
        title.Add(ok);
        if (!ok) meta_note += "  title: gold=" + std::string(v) + " | got=" + ep.title + "\n";
      }
      if (meta["author"].get(v) == simdjson::SUCCESS && !v.empty()) {
        bool ok = Normalize(v) == Normalize(ep.author);
        author.Add(ok);
        if (!ok) meta_note += "  author: gold=" + std::string(v) + " | got=" + ep.author + "\n";
      }
      if (meta["date"].get(v) == simdjson::SUCCESS && !v.empty()) {
        bool ok = ep.published.substr(0, 10) == v.substr(0, 10);
        date.Add(ok);
        if (!ok) meta_note += "  date: gold=" + std::string(v) + " | got=" + ep.published + "\n";
      }
    }
    if (failures && (!missing.empty() || !found_bad.empty() || !meta_note.empty())) {
      failures << "== " << id << " " << html_path << " " << url
               << (page.ok() ? "" : " ERROR " + page.status().message()) << "\n";
      for (auto& m : missing) failures << "  MISSING: " << m.substr(0, 160) << "\n";
      for (auto& b : found_bad) failures << "  UNWANTED: " << b.substr(0, 160) << "\n";
      failures << meta_note;
    }
  }
  double p = tp + fp ? static_cast<double>(tp) / (tp + fp) : 0;
  double r = tp + fn ? static_cast<double>(tp) / (tp + fn) : 0;
  double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
  std::printf("pages                %d (no text: %d)\n", pages, errors);
  std::printf("snippets             TP %ld  FN %ld  FP %ld  TN %ld\n", tp, fn, fp, tn);
  std::printf("precision            %.4f\n", p);
  std::printf("recall               %.4f\n", r);
  std::printf("F1                   %.4f   (target >= 0.93)\n", f1);
  std::printf("title accuracy       %.4f   (%d/%d pages with a gold title)\n", title.Value(),
              title.right, title.total);
  std::printf("author accuracy      %.4f   (%d/%d pages with a gold author)\n", author.Value(),
              author.right, author.total);
  std::printf("date accuracy        %.4f   (%d/%d pages with a gold date; target >= 0.90)\n",
              date.Value(), date.right, date.total);
  std::printf("extraction time      %.2f s (%.0f pages/s, one core)\n", seconds,
              seconds > 0 ? pages / seconds : 0);
  return 0;
}
