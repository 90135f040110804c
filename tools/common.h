// Copyright storyline authors.
//
// What every CLI command shares: reading inputs with reject reporting
// (INTERFACE.md "Errors"), --threads, a progress bar on a terminal, output files.
#ifndef STORYLINE_TOOLS_COMMON_H_
#define STORYLINE_TOOLS_COMMON_H_

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storyline/ingest.h"

namespace storyline::cli {

// Options shared by the commands that read articles.
struct InputOptions {
  std::vector<std::string> inputs;
  std::string rejects_path;  // --rejects FILE
  int threads = 0;           // --threads N; 0 = all cores
  IngestOptions ingest;
};

// Adds INPUT..., --rejects, --threads and the field-mapping options to `sub`.
void AddInputOptions(CLI::App& sub, InputOptions* opt, bool inputs_required = true);

class OutputFile;

// Sets up rejection reporting: each bad record goes to stderr as
// "FILE:LINE: reason" and, with --rejects, verbatim to that file, an OutputFile:
// written beside its path and renamed over it by Commit(), so --rejects may name
// an input and a failed run leaves what was there. Keep it alive while reading.
class RejectReporter {
 public:
  RejectReporter();
  ~RejectReporter();
  // Returns false (after printing why) when the rejects file cannot be opened.
  bool Install(InputOptions* opt);
  uint64_t count() const { return count_; }
  // Commits the rejects file (no-op without --rejects); false after printing why,
  // e.g. on a full disk. Call it before committing the other outputs.
  bool Commit();

 private:
  std::unique_ptr<OutputFile> file_;
  uint64_t count_ = 0;
};

// The effective thread count for --threads N (0 = all cores).
int ThreadCount(int requested);

// The most worker threads a --threads option takes.
inline constexpr int kMaxThreads = 256;

// An option validator: a finite number (not NaN, not infinite) in [lo, hi].
CLI::Validator FiniteRange(double lo, double hi);

// A one-line progress bar on stderr, drawn only when stderr is a terminal:
// items, items/s, MB/s and an ETA from bytes read against the total.
// Held while writing to stderr: the reader's reject lines, the progress bar and
// --explain lines may come from different threads (dedup's pipeline).
std::mutex& StderrMutex();

class Progress {
 public:
  Progress(std::string what, uint64_t total_bytes);
  // Redraws at most ~10 times a second.
  void Update(uint64_t items, uint64_t bytes);
  // Clears the bar line.
  void Finish();

 private:
  std::string what_;
  uint64_t total_bytes_;
  bool tty_;
  std::chrono::steady_clock::time_point start_, last_;
};

// Exit status per INTERFACE.md: 3 when some records were rejected, else 0.
inline int ExitStatusFor(uint64_t rejected) { return rejected > 0 ? 3 : 0; }

// Prints "storyline: <message>" to stderr and returns 1.
int Fail(const std::string& message);

// An output file. A regular file, or a path where nothing is yet, is written as
// a new file beside it (".NAME.XXXXXX", the same permissions as the file it
// replaces) and renamed over `path` by Commit(), through a symbolic link to
// its target: so `-o` may name an input, which stays whole until it has been
// read, and a run that fails or is stopped leaves what was there (SIGINT,
// SIGTERM and SIGHUP remove the new file; SIGKILL leaves it). "-" is standard
// output; a device or a pipe is written in place, as is a path whose folder
// refuses a new file.
class OutputFile : public std::ostream {
 public:
  ~OutputFile() override;  // without Commit(): the new file is removed
  // Flushes, closes and renames; false after printing why (then the new file
  // is removed and `path` left as it was).
  bool Commit();

 private:
  friend std::unique_ptr<OutputFile> OpenOutput(const std::string& path);
  OutputFile() : std::ostream(nullptr) {}
  std::string path_;    // as given
  std::string target_;  // what Commit() replaces ("" = written in place)
  std::string temp_;    // the new file, until Commit()
  std::filebuf file_;
};

// Opens `path` for writing ("-" = stdout) as OutputFile describes. Returns
// nullptr after printing why.
std::unique_ptr<OutputFile> OpenOutput(const std::string& path);

}  // namespace storyline::cli

#endif  // STORYLINE_TOOLS_COMMON_H_
