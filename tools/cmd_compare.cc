// storyline compare A B [--json] [--db FILE]: how two articles relate, with the
// evidence. A and B are files (.txt, .html, .jsonl: its first record) or, with
// --db, article ids in the store.
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "command.h"
#include "common.h"
#include "storyline/outlet.h"
#include "storyline/relate.h"
#include "storyline/store.h"

namespace storyline::cli {
namespace {

struct CompareArgs {
  std::string a, b;
  std::string db;
  bool json = false;
  InputOptions input;
};

Result<Article> Load(const std::string& what, CompareArgs* args) {
  if (!args->db.empty()) {
    StoreOptions so;
    so.read_only = true;
    auto store = Store::Open(args->db, so);
    if (!store.ok()) return store.status();
    auto art = (*store)->GetArticle(what);
    if (!art.ok()) return Status::NotFound(args->db + ": no article with id " + what);
    return art->article;
  }
  auto all = ReadAllArticles({what}, args->input.ingest);
  if (!all.ok()) return all.status();
  if (all->empty()) return Status::InvalidArgument(what + ": no article in it (empty or rejected)");
  return (*all)[0];
}

size_t Columns() {
  struct winsize w;
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col >= 40) return w.ws_col;
  if (const char* c = std::getenv("COLUMNS")) {
    int n = std::atoi(c);
    if (n >= 40) return static_cast<size_t>(n);
  }
  return 100;
}

size_t VisibleLen(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Wraps text[from, to) into lines of `width` visible characters; bytes inside
// [hb, he) are highlighted (ANSI when `ansi`, else between [[ and ]]).
std::vector<std::string> Wrap(const std::string& text, size_t from, size_t to, size_t hb, size_t he,
                              size_t width, bool ansi) {
  std::vector<std::string> lines;
  std::string line;
  size_t vis = 0;
  bool in_hl = false;
  auto open = [&] {
    line += ansi ? "\033[1;33m" : "[[";
    if (!ansi) vis += 2;
  };
  auto close = [&] {
    line += ansi ? "\033[0m" : "]]";
    if (!ansi) vis += 2;
  };
  auto flush = [&] {
    if (in_hl && ansi) line += "\033[0m";
    lines.push_back(line);
    line.clear();
    vis = 0;
    if (in_hl && ansi) line += "\033[1;33m";
  };
  size_t i = from;
  while (i < to) {
    if (text[i] == '\n' || text[i] == '\r' || text[i] == '\t') {
      if (i == hb && !in_hl) {
        open();
        in_hl = true;
      }
      if (vis > 0 && vis + 1 <= width) {
        line += ' ';
        ++vis;
      }
      ++i;
      if (i == he && in_hl) {
        close();
        in_hl = false;
      }
      continue;
    }
    size_t j = i;
    while (j < to && text[j] != ' ' && text[j] != '\n' && text[j] != '\r' && text[j] != '\t') ++j;
    size_t end = j < to && text[j] == ' ' ? j + 1 : j;
    std::string_view word(text.data() + i, end - i);
    size_t wl = VisibleLen(word);
    if (vis + wl > width && vis > 0) flush();
    for (size_t k = i; k < end; ++k) {
      if (k == hb && !in_hl) {
        open();
        in_hl = true;
      }
      if (k == he && in_hl) {
        close();
        in_hl = false;
      }
      line += text[k];
      if ((static_cast<unsigned char>(text[k]) & 0xC0) != 0x80) ++vis;
    }
    if (end == he && in_hl) {
      close();
      in_hl = false;
    }
    i = end;
  }
  if (in_hl) close();
  if (!line.empty()) lines.push_back(line);
  return lines;
}

size_t Back(const std::string& t, size_t pos, size_t n) {
  size_t b = pos > n ? pos - n : 0;
  while (b > 0 && (static_cast<unsigned char>(t[b]) & 0xC0) == 0x80) --b;
  return b;
}
size_t Fwd(const std::string& t, size_t pos, size_t n) {
  size_t e = std::min(t.size(), pos + n);
  while (e < t.size() && (static_cast<unsigned char>(t[e]) & 0xC0) == 0x80) ++e;
  return e;
}

// "The NRI Nation (boilerplate), credit Reuters"; "unknown" when nothing was found.
std::string OutletLine(const Outlet& o) {
  std::string s = o.source.empty() ? "unknown" : o.source + " (" + o.evidence + ")";
  if (!o.credit.empty()) s += ", credit " + o.credit;
  return s;
}

void PrintText(const Article& a, const Article& b, const CompareResult& r) {
  bool tty = isatty(STDOUT_FILENO) != 0;
  const char* bold = tty ? "\033[1m" : "";
  const char* reset = tty ? "\033[0m" : "";
  std::printf("a: %s%s%s  %s\n", bold, a.id.c_str(), reset, a.title.c_str());
  std::printf("b: %s%s%s  %s\n", bold, b.id.c_str(), reset, b.title.c_str());
  std::printf("outlets: a %s | b %s\n", OutletLine(OutletOf(a)).c_str(),
              OutletLine(OutletOf(b)).c_str());
  std::string orig =
      r.original.empty() ? "none" : (r.original == "a" ? "a (" + a.id + ")" : "b (" + b.id + ")");
  std::printf("relation: %s%s%s   original: %s\n", bold, RelationName(r.relation), reset,
              orig.c_str());
  std::printf("why: %s\n", r.reason.c_str());
  std::printf("scores:");
  int k = 0;
  for (const auto& [name, v] : r.scores) {
    std::printf("%s %s %.3f", (k++ % 5 == 0) ? "\n " : "", name.c_str(), v);
  }
  std::printf("\n");
  std::printf("\nshared passages: %zu\n", r.shared_passages.size());
  size_t cols = Columns();
  size_t half = (cols - 3) / 2;
  int n = 0;
  for (const SharedPassage& p : r.shared_passages) {
    std::printf("\n[%d] %s  a %u-%u  b %u-%u\n", ++n, p.verbatim ? "verbatim" : "aligned sentences",
                p.a_start, p.a_end, p.b_start, p.b_end);
    auto la = Wrap(a.text, Back(a.text, p.a_start, 60), Fwd(a.text, p.a_end, 60), p.a_start,
                   p.a_end, half, tty);
    auto lb = Wrap(b.text, Back(b.text, p.b_start, 60), Fwd(b.text, p.b_end, 60), p.b_start,
                   p.b_end, half, tty);
    size_t rows = std::max(la.size(), lb.size());
    for (size_t i = 0; i < rows; ++i) {
      std::string l = i < la.size() ? la[i] : "";
      size_t vis = VisibleLen(l);
      if (tty) {
        // ANSI sequences take no columns
        size_t esc = 0;
        for (size_t q = 0; q < l.size(); ++q) {
          if (l[q] == '\033') {
            size_t m = l.find('m', q);
            esc += m - q + 1;
            q = m;
          }
        }
        vis = VisibleLen(l) - esc;
      }
      std::string pad(vis < half ? half - vis : 0, ' ');
      std::printf("%s%s | %s\n", l.c_str(), pad.c_str(), i < lb.size() ? lb[i].c_str() : "");
    }
  }
  std::printf("\nshared quotes: %zu\n", r.quotes.size());
  for (const SharedQuote& q : r.quotes) {
    std::printf("  \"%s\"%s%s\n", q.text.c_str(), q.speaker.empty() ? "" : " - ",
                q.speaker.c_str());
  }
}

int RunCompare(CompareArgs* args) {
  RejectReporter rejects;
  if (!rejects.Install(&args->input)) return 1;
  auto a = Load(args->a, args);
  if (!a.ok()) return Fail(a.status().message());
  auto b = Load(args->b, args);
  if (!b.ok()) return Fail(b.status().message());
  CompareResult r = Compare(*a, *b, {});
  if (args->json) {
    // INTERFACE.md's compare object, plus where each article comes from.
    std::string out = WithOutlets(CompareResultToJson(r), *a, *b) + "\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
  } else {
    PrintText(*a, *b, r);
  }
  if (std::fflush(stdout) != 0) return 1;
  if (!rejects.Commit()) return 1;
  return ExitStatusFor(rejects.count());
}

void SetupCompare(CLI::App& sub, int* exit_code) {
  auto args = std::make_shared<CompareArgs>();
  sub.add_option("A", args->a,
                 "first article: a file (.txt .html .jsonl: first record), or an id with --db")
      ->required();
  sub.add_option("B", args->b, "second article")->required();
  sub.add_flag("--json", args->json, "one JSON object (INTERFACE.md) instead of text");
  sub.add_option("--db", args->db, "read A and B as article ids from this store");
  sub.add_option("--text-field", args->input.ingest.text_field, "JSONL field holding the text");
  sub.add_option("--id-field", args->input.ingest.id_field, "JSONL field holding the id");
  sub.callback([args, exit_code] { *exit_code = RunCompare(args.get()); });
}

}  // namespace

STORYLINE_COMMAND(compare,
                  "how two articles relate: relation, scores, original, shared passages and quotes",
                  SetupCompare);

}  // namespace storyline::cli
