// The storyline CLI: parses the command line and dispatches to one command.
// Commands live in tools/cmd_*.cc and stay thin: parse, call the library,
// translate errors into exit codes.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "command.h"
#include "core/guarded_main.h"

namespace storyline::cli {
namespace {

struct Entry {
  std::string name, help;
  CommandSetup setup;
};

std::vector<Entry>& Registry() {
  static std::vector<Entry> r;
  return r;
}

}  // namespace

CommandRegistrar::CommandRegistrar(const char* name, const char* help, CommandSetup setup) {
  Registry().push_back({name, help, setup});
}

}  // namespace storyline::cli

namespace {

int Run(int argc, char** argv) {
  using storyline::cli::Registry;
  CLI::App app{"storyline: makes sense of a news feed (copies, rewrites, stories, topics)"};
  app.set_version_flag("--version", "storyline 0.1.0");
  app.require_subcommand(1);
  std::sort(Registry().begin(), Registry().end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  int exit_code = 0;
  for (auto& e : Registry()) {
    CLI::App* sub = app.add_subcommand(e.name, e.help);
    e.setup(*sub, &exit_code);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 1;  // INTERFACE.md: usage errors exit 1
  } catch (const std::exception& e) {
    std::cerr << "storyline: " << e.what() << "\n";
    return 1;
  }
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) { return storyline::GuardedMain("storyline", Run, argc, argv); }
