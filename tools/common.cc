#include "common.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <thread>

namespace storyline::cli {

void AddInputOptions(CLI::App& sub, InputOptions* opt, bool inputs_required) {
  auto* in = sub.add_option("INPUT", opt->inputs,
                            "files or folders (.txt .jsonl[.gz|.zst] .html .warc[.gz]), or - for JSONL on stdin");
  if (inputs_required) in->required();
  sub.add_option("--rejects", opt->rejects_path, "write rejected records here, verbatim");
  sub.add_option("--threads", opt->threads, "worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  sub.add_option("--id-field", opt->ingest.id_field, "JSONL field holding the id");
  sub.add_option("--title-field", opt->ingest.title_field, "JSONL field holding the title");
  sub.add_option("--text-field", opt->ingest.text_field, "JSONL field holding the text");
  sub.add_option("--url-field", opt->ingest.url_field, "JSONL field holding the URL");
  sub.add_option("--source-field", opt->ingest.source_field, "JSONL field holding the outlet");
  sub.add_option("--published-field", opt->ingest.published_field,
                 "JSONL field holding the date");
  sub.add_option("--lang-field", opt->ingest.lang_field, "JSONL field holding the language");
  sub.add_flag("--include-comments", opt->ingest.include_comments,
               "keep reader comments when extracting HTML pages");
}

bool RejectReporter::Install(InputOptions* opt) {
  if (!opt->rejects_path.empty()) {
    file_ = std::make_unique<std::ofstream>(opt->rejects_path, std::ios::binary);
    if (!*file_) {
      std::cerr << "storyline: cannot open " << opt->rejects_path << " for writing\n";
      return false;
    }
  }
  opt->ingest.on_reject = [this](const Rejection& r) {
    ++count_;
    std::lock_guard<std::mutex> l(StderrMutex());
    std::cerr << r.file << ":" << r.line << ": " << r.reason << "\n";
    if (file_) {
      *file_ << r.raw;
      if (r.raw.empty() || r.raw.back() != '\n') *file_ << '\n';
    }
  };
  return true;
}

int ThreadCount(int requested) {
  if (requested > 0) return requested;
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

Progress::Progress(std::string what, uint64_t total_bytes)
    : what_(std::move(what)),
      total_bytes_(total_bytes),
      tty_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void Progress::Update(uint64_t items, uint64_t bytes) {
  if (!tty_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  if (secs <= 0) return;
  double rate = items / secs, mbs = bytes / secs / 1e6;
  char buf[256];
  if (total_bytes_ > 0 && bytes > 0) {
    double frac = std::min(1.0, static_cast<double>(bytes) / total_bytes_);
    int filled = static_cast<int>(frac * 24);
    double eta = frac > 0 ? secs / frac - secs : 0;
    std::snprintf(buf, sizeof buf, "\r%s [%-24s] %3.0f%% %llu articles  %.0f/s  %.1f MB/s  ETA %.0fs ",
                  what_.c_str(), std::string(filled, '#').c_str(), frac * 100,
                  static_cast<unsigned long long>(items), rate, mbs, eta);
  } else {
    std::snprintf(buf, sizeof buf, "\r%s %llu articles  %.0f/s  %.1f MB/s ", what_.c_str(),
                  static_cast<unsigned long long>(items), rate, mbs);
  }
  std::lock_guard<std::mutex> l(StderrMutex());
  std::cerr << buf << std::flush;
}

void Progress::Finish() {
  if (!tty_) return;
  std::lock_guard<std::mutex> l(StderrMutex());
  std::cerr << "\r\033[K" << std::flush;
}

std::mutex& StderrMutex() {
  static std::mutex mu;
  return mu;
}

int Fail(const std::string& message) {
  std::cerr << "storyline: " << message << "\n";
  return 1;
}

std::unique_ptr<std::ostream> OpenOutput(const std::string& path) {
  if (path == "-") {
    return std::make_unique<std::ostream>(std::cout.rdbuf());
  }
  auto f = std::make_unique<std::ofstream>(path, std::ios::binary);
  if (!*f) {
    std::cerr << "storyline: cannot open " << path << " for writing\n";
    return nullptr;
  }
  return f;
}

}  // namespace storyline::cli
