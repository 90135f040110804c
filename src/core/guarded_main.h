// Copyright storyline authors.
//
// The body of a tool's main(): runs `run(argc, argv)` and turns an exception that
// escapes it (std::bad_alloc, a std::stoul on a bad argument) into a message on
// stderr, "NAME: what", and exit status 1, instead of std::terminate.
//
//   int main(int argc, char** argv) { return storyline::GuardedMain("eval_x", Run, argc, argv); }
#ifndef STORYLINE_CORE_GUARDED_MAIN_H_
#define STORYLINE_CORE_GUARDED_MAIN_H_

#include <cstdio>
#include <exception>

namespace storyline {

template <typename Run>
int GuardedMain(const char* name, Run&& run, int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", name, e.what());
  } catch (...) {
    std::fprintf(stderr, "%s: unknown error\n", name);
  }
  return 1;
}

}  // namespace storyline

#endif  // STORYLINE_CORE_GUARDED_MAIN_H_
