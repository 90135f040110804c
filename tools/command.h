// Copyright storyline authors.
//
// The CLI's command registry. Each tools/cmd_*.cc registers one subcommand:
//   STORYLINE_COMMAND(dedup, "exact and near-duplicate removal", SetupDedup);
// where SetupDedup(CLI::App& sub, int* exit_code) adds the options and a callback
// that runs the command and stores its exit status (see INTERFACE.md: 0 all
// accepted, 3 some records rejected, 1 usage or I/O failure).
#ifndef STORYLINE_TOOLS_COMMAND_H_
#define STORYLINE_TOOLS_COMMAND_H_

#include <CLI/CLI.hpp>

namespace storyline::cli {

using CommandSetup = void (*)(CLI::App& sub, int* exit_code);

struct CommandRegistrar {
  CommandRegistrar(const char* name, const char* help, CommandSetup setup);
};

#define STORYLINE_COMMAND(name, help, setup) \
  static ::storyline::cli::CommandRegistrar storyline_command_##name(#name, help, setup)

}  // namespace storyline::cli

#endif  // STORYLINE_TOOLS_COMMAND_H_
