// Copyright storyline authors.
//
// storyline extract PAGE... [--jsonl] [--include-comments]
// Extracts the article of each HTML page (files, folders, WARC archives).
// Output per page: {"path","url","title","text","published","author","site","lang",
// "outlet","outlet_evidence","credit"} (the outlet as ingest records it, storyline/outlet.h);
// a bad page is reported as "FILE: reason" (FILE:RECORD for a WARC) and the
// others are still processed (exit 3 when some failed, 1 on usage/IO failure).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "command.h"
#include "common.h"
#include "core/ascii.h"
#include "core/json_writer.h"
#include "storyline/extract.h"
#include "storyline/outlet.h"

namespace storyline::cli {
namespace {

namespace fs = std::filesystem;

struct ExtractCmd {
  std::vector<std::string> pages;
  bool jsonl = false;
  bool include_comments = false;
};

bool EndsWith(const std::string& s, const char* suffix) {
  size_t n = std::char_traits<char>::length(suffix);
  if (s.size() < n) return false;
  for (size_t i = 0; i < n; ++i) {
    if (AsciiLower(s[s.size() - n + i]) != suffix[i]) return false;
  }
  return true;
}
bool IsWarc(const std::string& p) { return EndsWith(p, ".warc") || EndsWith(p, ".warc.gz"); }
bool IsHtml(const std::string& p) { return EndsWith(p, ".html") || EndsWith(p, ".htm"); }

void Print(std::ostream& out, bool jsonl, const std::string& path, const ExtractedPage& page) {
  const Outlet outlet = PageOutlet(page.title, page.text, page.url, page.site);
  if (jsonl) {
    JsonWriter w;
    w.BeginObject();
    w.Key("path");
    w.String(path);
    w.Key("url");
    w.StringOrNull(page.url);
    w.Key("title");
    w.StringOrNull(page.title);
    w.Key("text");
    w.String(page.text);
    w.Key("published");
    w.StringOrNull(page.published);
    w.Key("author");
    w.StringOrNull(page.author);
    w.Key("site");
    w.StringOrNull(page.site);
    w.Key("lang");
    w.StringOrNull(page.lang);
    w.Key("outlet");
    w.StringOrNull(outlet.source);
    w.Key("outlet_evidence");
    w.StringOrNull(outlet.evidence);
    w.Key("credit");
    w.StringOrNull(outlet.credit);
    w.EndObject();
    out << w.str() << '\n';
    return;
  }
  out << "== " << path << "\n";
  auto field = [&](const char* name, const std::string& v) {
    if (!v.empty()) out << name << ": " << v << "\n";
  };
  field("url", page.url);
  field("title", page.title);
  field("published", page.published);
  field("author", page.author);
  field("site", page.site);
  field("lang", page.lang);
  field("outlet", outlet.source.empty() ? "" : outlet.source + " (" + outlet.evidence + ")");
  field("credit", outlet.credit);
  out << "\n" << page.text << "\n\n";
}

int Run(const ExtractCmd& cmd) {
  // Expand folders (recursively, sorted for a stable order).
  std::vector<std::string> files;
  for (const std::string& p : cmd.pages) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (fs::recursive_directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        std::string f = it->path().string();
        if (IsHtml(f) || IsWarc(f)) found.push_back(f);
      }
      if (ec) return Fail(p + ": cannot read folder: " + ec.message());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      files.push_back(p);
    } else {
      return Fail(p + ": no such file or folder");
    }
  }
  ExtractOptions options;
  options.include_comments = cmd.include_comments;
  uint64_t ok = 0, bad = 0;
  std::ostream& out = std::cout;
  for (const std::string& f : files) {
    if (IsWarc(f)) {
      auto reader = WarcReader::Open(f);
      if (!reader.ok()) return Fail(reader.status().message());
      WarcRecord rec;
      for (;;) {
        Result<bool> more = (*reader)->Next(&rec);
        if (!more.ok()) {
          std::cerr << f << ":" << (*reader)->record_number() << ": " << more.status().message()
                    << "\n";
          ++bad;
          continue;
        }
        if (!*more) break;
        auto page = ExtractArticle(rec.body, options, rec.content_type, rec.target_uri);
        std::string path = f + "#" + std::to_string(rec.number);
        if (!page.ok()) {
          std::cerr << f << ":" << rec.number << ": " << page.status().message() << "\n";
          ++bad;
          continue;
        }
        UseWarcDateIfUndated(rec, &*page);
        Print(out, cmd.jsonl, path, *page);
        ++ok;
      }
      continue;
    }
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      std::cerr << f << ": cannot open\n";
      ++bad;
      continue;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    auto page = ExtractArticle(ss.str(), options);
    if (!page.ok()) {
      std::cerr << f << ": " << page.status().message() << "\n";
      ++bad;
      continue;
    }
    Print(out, cmd.jsonl, f, *page);
    ++ok;
  }
  out.flush();
  std::cerr << "storyline extract: " << ok << " pages extracted, " << bad << " rejected\n";
  return ExitStatusFor(bad);
}

void SetupExtract(CLI::App& sub, int* exit_code) {
  auto cmd = std::make_shared<ExtractCmd>();
  sub.add_option("PAGE", cmd->pages, "HTML files, folders, .warc/.warc.gz archives")->required();
  sub.add_flag("--jsonl", cmd->jsonl, "one JSON object per page");
  sub.add_flag("--include-comments", cmd->include_comments, "keep reader comments in the text");
  sub.callback([cmd, exit_code]() { *exit_code = Run(*cmd); });
}

}  // namespace

STORYLINE_COMMAND(extract, "article extraction from HTML pages and WARC archives", SetupExtract);

}  // namespace storyline::cli
