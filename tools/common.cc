#include "common.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

namespace storyline::cli {

void AddInputOptions(CLI::App& sub, InputOptions* opt, bool inputs_required) {
  auto* in = sub.add_option(
      "INPUT", opt->inputs,
      "files or folders (.txt .jsonl[.gz|.zst] .html .warc[.gz]), or - for JSONL on stdin");
  if (inputs_required) in->required();
  sub.add_option("--rejects", opt->rejects_path, "write rejected records here, verbatim");
  sub.add_option("--threads", opt->threads, "worker threads (default: all cores)")
      ->check(CLI::Range(0, kMaxThreads));
  sub.add_option("--id-field", opt->ingest.id_field, "JSONL field holding the id");
  sub.add_option("--title-field", opt->ingest.title_field, "JSONL field holding the title");
  sub.add_option("--text-field", opt->ingest.text_field, "JSONL field holding the text");
  sub.add_option("--url-field", opt->ingest.url_field, "JSONL field holding the URL");
  sub.add_option("--source-field", opt->ingest.source_field, "JSONL field holding the outlet");
  sub.add_option("--published-field", opt->ingest.published_field, "JSONL field holding the date");
  sub.add_option("--lang-field", opt->ingest.lang_field, "JSONL field holding the language");
  sub.add_flag("--include-comments", opt->ingest.include_comments,
               "keep reader comments when extracting HTML pages");
}

RejectReporter::RejectReporter() = default;
RejectReporter::~RejectReporter() = default;

bool RejectReporter::Install(InputOptions* opt) {
  if (!opt->rejects_path.empty()) {
    file_ = OpenOutput(opt->rejects_path);
    if (!file_) return false;
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

bool RejectReporter::Commit() { return !file_ || file_->Commit(); }

CLI::Validator FiniteRange(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string& s) -> std::string {
        double v = 0;
        try {
          size_t used = 0;
          v = std::stod(s, &used);
          if (used != s.size()) return "not a number: " + s;
        } catch (const std::exception&) {
          return "not a number: " + s;
        }
        if (!std::isfinite(v) || v < lo || v > hi) {
          return "value " + s + " not in [" + CLI::detail::to_string(lo) + ", " +
                 CLI::detail::to_string(hi) + "]";
        }
        return "";
      },
      "NUMBER in [" + CLI::detail::to_string(lo) + ", " + CLI::detail::to_string(hi) + "]");
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
    std::snprintf(buf, sizeof buf,
                  "\r%s [%-24s] %3.0f%% %llu articles  %.0f/s  %.1f MB/s  ETA %.0fs ",
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

namespace {

// The new files not yet renamed, removed by SIGINT, SIGTERM and SIGHUP before
// the signal takes its default course (SIGKILL leaves them).
constexpr int kMaxTemps = 16;
std::atomic<const char*> g_temps[kMaxTemps];

extern "C" void RemoveTempsAndDie(int sig) {
  for (auto& t : g_temps) {
    if (const char* p = t.load()) ::unlink(p);  // async-signal-safe
  }
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void WatchTemp(const char* path) {
  static std::once_flag installed;
  std::call_once(installed, [] {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction old;
      if (::sigaction(sig, nullptr, &old) != 0 || old.sa_handler == SIG_IGN) continue;  // nohup
      struct sigaction sa {};
      sa.sa_handler = RemoveTempsAndDie;
      sigemptyset(&sa.sa_mask);
      ::sigaction(sig, &sa, nullptr);
    }
  });
  for (auto& t : g_temps) {
    const char* empty = nullptr;
    if (t.compare_exchange_strong(empty, path)) return;
  }
  // More than kMaxTemps at once: this one is not removed on a signal.
}

void UnwatchTemp(const char* path) {
  for (auto& t : g_temps) {
    const char* p = path;
    if (t.compare_exchange_strong(p, nullptr)) return;
  }
}

}  // namespace

std::unique_ptr<OutputFile> OpenOutput(const std::string& path) {
  std::unique_ptr<OutputFile> f(new OutputFile());
  f->path_ = path;
  if (path == "-") {
    f->rdbuf(std::cout.rdbuf());
    return f;
  }
  // Replaced by rename: a regular file, or nothing yet; through a symbolic
  // link, its target.
  std::string target = path;
  struct stat st;
  const bool exists = ::stat(path.c_str(), &st) == 0;
  struct stat as_link;
  const bool dangling = !exists && ::lstat(path.c_str(), &as_link) == 0;  // a broken link
  if (exists && S_ISREG(st.st_mode)) {
    if (char* real = ::realpath(path.c_str(), nullptr)) {
      target = real;
      std::free(real);
    }
  }
  if ((!exists && !dangling) || (exists && S_ISREG(st.st_mode))) {
    const std::filesystem::path t(target);
    std::string temp = ((t.has_parent_path() ? t.parent_path() : std::filesystem::path(".")) /
                        ("." + t.filename().string() + ".XXXXXX"))
                           .string();
    const int fd = ::mkstemp(temp.data());
    if (fd >= 0) {
      mode_t mode;
      if (exists) {
        mode = st.st_mode & 07777;
      } else {
        const mode_t mask = ::umask(0);
        ::umask(mask);
        mode = 0666 & ~mask;
      }
      ::fchmod(fd, mode);
      ::close(fd);
      if (f->file_.open(temp, std::ios::out | std::ios::binary | std::ios::trunc)) {
        f->target_ = target;
        f->temp_ = temp;
        WatchTemp(f->temp_.c_str());
        f->rdbuf(&f->file_);
        return f;
      }
      ::unlink(temp.c_str());
    }
    // A folder that refuses a new file: written in place, as before.
  }
  if (!f->file_.open(path, std::ios::out | std::ios::binary | std::ios::trunc)) {
    std::cerr << "storyline: cannot open " << path << " for writing: " << std::strerror(errno)
              << "\n";
    return nullptr;
  }
  f->rdbuf(&f->file_);
  return f;
}

bool OutputFile::Commit() {
  flush();
  bool ok = static_cast<bool>(*this);
  if (file_.is_open() && file_.close() == nullptr) ok = false;
  if (!ok) {
    std::cerr << "storyline: writing " << (path_ == "-" ? "standard output" : path_) << " failed\n";
    return false;
  }
  if (!temp_.empty()) {
    if (::rename(temp_.c_str(), target_.c_str()) != 0) {
      std::cerr << "storyline: cannot replace " << path_ << ": " << std::strerror(errno) << "\n";
      return false;
    }
    UnwatchTemp(temp_.c_str());
    temp_.clear();
  }
  return true;
}

OutputFile::~OutputFile() {
  if (file_.is_open()) file_.close();
  if (!temp_.empty()) {
    ::unlink(temp_.c_str());
    UnwatchTemp(temp_.c_str());
  }
}

}  // namespace storyline::cli
